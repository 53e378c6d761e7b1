use super::*;

fn op<'a>(id: &'a str, method: &'a str, path: &'a str) -> OpRef<'a> {
    OpRef {
        api: "client-server",
        id,
        method,
        path,
        discriminator: None,
    }
}

/// Each endpoint's operation index in each release.
fn spans(releases: &[Vec<OpRef>]) -> Vec<Vec<Option<usize>>> {
    match_releases(releases)
        .into_iter()
        .map(|e| e.operations)
        .collect()
}

#[test]
fn routes_set_the_version_and_parameter_names_aside() {
    let key = |p| route_key("GET", p, false);
    assert_eq!(
        key("/_matrix/client/r0/rooms/{roomId}/messages"),
        "get /_matrix/client/*/rooms/{}/messages"
    );
    assert_eq!(
        key("/_matrix/client/v3/rooms/{room_id}/messages"),
        key("/_matrix/client/api/v1/rooms/{roomId}/messages")
    );
    assert_eq!(
        key("/_matrix/client/unstable/x"),
        key("/_matrix/client/v2_alpha/x")
    );
    assert_eq!(
        route_key("put", "/_matrix/federation/v2/invite/{a}/{b}", true),
        "put /_matrix/federation/v2/invite/{}/{}"
    );
    assert_eq!(key("/plain/{x}"), "get /*/plain/{}");
}

#[test]
fn old_paths_take_the_new_names_and_fixed_segments() {
    assert_eq!(
        align(
            "/_matrix/client/r0/pushrules/{scope}/{kind}/{ruleId}",
            "/_matrix/client/v3/pushrules/global/{kind}/{rule_id}"
        )
        .as_deref(),
        Some("/_matrix/client/r0/pushrules/global/{kind}/{rule_id}")
    );
    assert_eq!(
        align(
            "/_matrix/client/api/v1/rooms/{roomId}/",
            "/_matrix/client/v3/rooms/{id}/"
        )
        .as_deref(),
        Some("/_matrix/client/api/v1/rooms/{id}/")
    );
    assert_eq!(
        align("/_matrix/client/r0/a/{x}", "/_matrix/client/v3/b/{x}"),
        None
    );
    assert_eq!(
        align("/_matrix/client/r0/a/b", "/_matrix/client/v3/a/{b}"),
        None
    );
    assert_eq!(align("/_matrix/media/r0/a", "/_matrix/client/v1/a"), None);
}

#[test]
fn endpoints_match_by_path_then_by_id() {
    let releases = vec![
        vec![
            op("sync", "get", "/_matrix/client/r0/sync"),
            op(
                "getPushRule",
                "get",
                "/_matrix/client/r0/pushrules/{scope}/{kind}",
            ),
            op(
                "reportContent",
                "post",
                "/_matrix/client/r0/rooms/{roomId}/report",
            ),
            op("old", "get", "/_matrix/client/r0/old"),
        ],
        vec![
            op(
                "reportEvent",
                "post",
                "/_matrix/client/v3/rooms/{roomId}/report",
            ),
            op("sync", "get", "/_matrix/client/v3/sync"),
            op(
                "getPushRule",
                "get",
                "/_matrix/client/v3/pushrules/global/{kind}",
            ),
            op("new", "get", "/_matrix/client/v3/new"),
        ],
    ];
    let endpoints = match_releases(&releases);
    let spans: Vec<(Vec<Option<usize>>, Vec<usize>)> = endpoints
        .into_iter()
        .map(|e| (e.operations, e.moved_in))
        .collect();
    assert_eq!(
        spans,
        [
            (vec![Some(0), Some(1)], vec![]),
            (vec![Some(1), Some(2)], vec![1]),
            (vec![Some(2), Some(0)], vec![]),
            (vec![Some(3), None], vec![]),
            (vec![None, Some(3)], vec![]),
        ]
    );
}

#[test]
fn operations_told_apart_by_their_requests_match_by_id() {
    let releases = vec![
        vec![
            op("getEvents", "get", "/_matrix/client/r0/events"),
            op("peekEvents", "get", "/_matrix/client/r0/events"),
        ],
        vec![
            op("peekEvents", "get", "/_matrix/client/v3/events"),
            op("getEvents", "get", "/_matrix/client/v3/events"),
        ],
        vec![op("peekEvents", "get", "/_matrix/client/v3/events")],
    ];
    let spans = spans(&releases);
    assert_eq!(
        spans,
        [
            vec![Some(0), Some(1), None],
            vec![Some(1), Some(0), Some(0)]
        ]
    );
}

#[test]
fn two_versions_in_one_release_stay_two_endpoints() {
    let releases = vec![
        vec![op(
            "sendJoinV1",
            "put",
            "/_matrix/federation/v1/send_join/{r}/{e}",
        )],
        vec![
            op(
                "sendJoinV1",
                "put",
                "/_matrix/federation/v1/send_join/{r}/{e}",
            ),
            op(
                "sendJoinV2",
                "put",
                "/_matrix/federation/v2/send_join/{r}/{e}",
            ),
        ],
        vec![op(
            "sendJoinV2",
            "put",
            "/_matrix/federation/v2/send_join/{r}/{e}",
        )],
    ];
    let spans = spans(&releases);
    assert_eq!(
        spans,
        [vec![Some(0), Some(0), None], vec![None, Some(1), Some(0)]]
    );
}

#[test]
fn operations_without_ids_match_by_what_tells_them_apart() {
    use Discriminator::{BodyFields, Fallback, QueryParam};
    let peek = QueryParam("room_id".into());
    let by_user = BodyFields(vec!["user_id".into()]);
    let by_3pid_old = BodyFields(vec!["address".into(), "medium".into()]);
    let by_3pid_new = BodyFields(vec!["address".into(), "id_access_token".into()]);
    let told = |id, method, path, discriminator| OpRef {
        discriminator: Some(discriminator),
        ..op(id, method, path)
    };
    let invite_old = "/_matrix/client/r0/rooms/{roomId}/invite";
    let invite_new = "/_matrix/client/v3/rooms/{roomId}/invite";
    let releases = vec![
        // Ids made up from the method, path and file, as for r0.0.0.
        vec![
            told("get_events_peek", "get", "/_matrix/client/r0/events", &peek),
            told(
                "get_events_sync",
                "get",
                "/_matrix/client/r0/events",
                &Fallback,
            ),
            told("post_invite_user", "post", invite_old, &by_user),
            told("post_invite_3pid", "post", invite_old, &by_3pid_old),
        ],
        // The spec's own ids, in another order, on another version.
        vec![
            told("inviteBy3PID", "post", invite_new, &by_3pid_new),
            told("inviteUser", "post", invite_new, &by_user),
            told("getEvents", "get", "/_matrix/client/v3/events", &Fallback),
            told("peekEvents", "get", "/_matrix/client/v3/events", &peek),
        ],
    ];
    let spans = spans(&releases);
    assert_eq!(
        spans,
        [
            vec![Some(0), Some(3)],
            vec![Some(1), Some(2)],
            vec![Some(2), Some(1)],
            vec![Some(3), Some(0)],
        ]
    );
}

#[test]
fn a_discriminator_two_endpoints_share_matches_neither() {
    let fields = Discriminator::BodyFields(vec!["a".into(), "b".into()]);
    let (a, b) = (
        Discriminator::BodyFields(vec!["a".into()]),
        Discriminator::BodyFields(vec!["b".into()]),
    );
    let told = |id, discriminator| OpRef {
        discriminator: Some(discriminator),
        ..op(id, "post", "/_matrix/client/r0/x")
    };
    let releases = vec![
        vec![told("one", &a), told("two", &b)],
        vec![told("both", &fields)],
    ];
    let spans = spans(&releases);
    assert_eq!(
        spans,
        [
            vec![Some(0), None],
            vec![Some(1), None],
            vec![None, Some(0)]
        ]
    );
}
