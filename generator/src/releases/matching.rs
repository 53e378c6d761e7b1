//! Which operations of different releases are one endpoint.
//!
//! The rule, in order:
//! 1. The same method and path once the path's version segment is set aside
//!    (`/_matrix/client/r0/sync` and `/_matrix/client/v3/sync`; `api/v1`,
//!    `r0`, `v3`, `unstable`, `v2_alpha` all count as one) and its parameter
//!    names (`{roomId}`, `{room_id}`) too. Exception: where one release has two
//!    operations on such a path (federation's `v1` and `v2` `send_join`, the
//!    identity service's `api/v1` and `v2`), they are different endpoints, and
//!    on that path the version segment counts in every release.
//! 2. Failing that, the same API, `operationId` and method, with a path of the
//!    same shape where the old path has a parameter where the new one has a
//!    fixed segment (`/pushrules/{scope}/...` became `/pushrules/global/...`):
//!    the endpoint moved. An `operationId` is not enough alone: ids were
//!    renamed (`reportContent` -> `reportEvent`), and the path rule holds those.
//!
//! Matching is pairwise along the releases, oldest first, so an endpoint can
//! move more than once; each release's operations are matched by path before
//! any is matched by id.

use std::collections::{BTreeMap, BTreeSet};

/// What matching reads of an operation.
#[derive(Clone, Copy, Debug)]
pub struct OpRef<'a> {
    pub api: &'a str,
    pub id: &'a str,
    /// Lower case.
    pub method: &'a str,
    pub path: &'a str,
}

/// One endpoint across the releases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// For each release, the index of the endpoint's operation in it.
    pub operations: Vec<Option<usize>>,
    /// The releases where the endpoint was matched by rule 2 (moved).
    pub moved_in: Vec<usize>,
}

impl Endpoint {
    pub fn first(&self) -> Option<usize> {
        self.operations.iter().position(Option::is_some)
    }

    pub fn last(&self) -> Option<usize> {
        self.operations.iter().rposition(Option::is_some)
    }
}

/// Matches the operations of `releases` (oldest first) into endpoints, in
/// the order they first appear.
pub fn match_releases(releases: &[Vec<OpRef>]) -> Vec<Endpoint> {
    let ambiguous = ambiguous_routes(releases);
    let key = |op: &OpRef| {
        let route = route_key(op.method, op.path, false);
        match ambiguous.contains(&route) {
            true => route_key(op.method, op.path, true),
            false => route,
        }
    };
    let mut endpoints: Vec<Endpoint> = Vec::new();
    // Each endpoint's operation in the latest release that has it.
    let mut latest: Vec<OpRef> = Vec::new();
    // The endpoints each route has had. Two operations of one release may
    // share a route (`GET /events` for syncing and for peeking, the two
    // `/invite` operations): the one of the same `operationId` is preferred.
    let mut by_route: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut by_id: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (release, ops) in releases.iter().enumerate() {
        let mut unmatched = Vec::new();
        for (index, op) in ops.iter().enumerate() {
            let candidates = by_route.get(&key(op)).map_or(&[][..], Vec::as_slice);
            let free = candidates
                .iter()
                .copied()
                .filter(|&e| endpoints[e].operations[release].is_none());
            let same_id = |e: &usize| latest[*e].api == op.api && latest[*e].id == op.id;
            // Same id first, then the route's latest endpoint.
            match free.max_by_key(|e| (same_id(e), endpoints[*e].last())) {
                Some(e) => endpoints[e].operations[release] = Some(index),
                None => unmatched.push(index),
            }
        }
        for index in unmatched {
            let op = ops[index];
            let moved = by_id.get(&(op.api, op.id)).copied().filter(|&e| {
                endpoints[e].operations[release].is_none()
                    && latest[e].method == op.method
                    && align(latest[e].path, op.path).is_some()
            });
            let e = moved.unwrap_or_else(|| {
                endpoints.push(Endpoint {
                    operations: vec![None; releases.len()],
                    moved_in: Vec::new(),
                });
                latest.push(op);
                endpoints.len() - 1
            });
            if moved.is_some() {
                endpoints[e].moved_in.push(release);
            }
            endpoints[e].operations[release] = Some(index);
        }
        for (e, endpoint) in endpoints.iter().enumerate() {
            if let Some(index) = endpoint.operations[release] {
                let op = ops[index];
                let on_route = by_route.entry(key(&op)).or_default();
                if !on_route.contains(&e) {
                    on_route.push(e);
                }
                by_id.insert((op.api, op.id), e);
                latest[e] = op;
            }
        }
    }
    endpoints
}

/// Routes that two versions of one path share in one release, once versions
/// are set aside (`/_matrix/federation/v1/send_join` and `v2`). Two
/// operations on the same path (same version) do not make a route ambiguous.
fn ambiguous_routes(releases: &[Vec<OpRef>]) -> BTreeSet<String> {
    let mut ambiguous = BTreeSet::new();
    for ops in releases {
        let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for op in ops {
            versions
                .entry(route_key(op.method, op.path, false))
                .or_default()
                .insert(route_key(op.method, op.path, true));
        }
        let several = versions.into_iter().filter(|(_, paths)| paths.len() > 1);
        ambiguous.extend(several.map(|(route, _)| route));
    }
    ambiguous
}

/// `get /_matrix/client/*/rooms/{}/messages`: the method and the path with
/// parameter names, and unless `keep_version` the version segment, set aside.
pub fn route_key(method: &str, path: &str, keep_version: bool) -> String {
    let (prefix, version, rest) = split_version(path);
    let version = if keep_version { version.as_str() } else { "*" };
    let mut key = format!("{} {prefix}/{version}", method.to_ascii_lowercase());
    for segment in rest {
        key.push('/');
        key.push_str(if is_param(segment) { "{}" } else { segment });
    }
    key
}

/// A path split into its API prefix (`/_matrix/client`), its version
/// (`r0`, `api/v1`; empty where there is none) and the segments after them.
fn split_version(path: &str) -> (String, String, Vec<&str>) {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segments.len() < 3 || segments[0] != "_matrix" {
        return (String::new(), String::new(), segments);
    }
    let version_segments = match (segments[2], segments.get(3)) {
        ("api", Some(v)) if is_version(v) => 2,
        (v, _) if is_version(v) => 1,
        _ => 0,
    };
    let prefix = format!("/_matrix/{}", segments[1]);
    let version = segments[2..2 + version_segments].join("/");
    (prefix, version, segments[2 + version_segments..].to_vec())
}

fn is_version(segment: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    segment == "unstable"
        || segment
            .strip_prefix(['r', 'v'])
            .is_some_and(|rest| digits(rest.strip_suffix("_alpha").unwrap_or(rest)))
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The old path written with the new path's parameter names, where the two
/// are one endpoint: segment by segment (versions aside), a parameter on
/// both sides takes the new name, a parameter the new path fixed takes the
/// new path's value (`{scope}` -> `global`), equal fixed segments stay.
/// `None` where the shapes differ.
pub fn align(old: &str, new: &str) -> Option<String> {
    let (old_prefix, old_version, old_rest) = split_version(old);
    let (new_prefix, _, new_rest) = split_version(new);
    if old_prefix != new_prefix || old_rest.len() != new_rest.len() {
        return None;
    }
    let mut aligned = old_prefix;
    if !old_version.is_empty() {
        aligned.push('/');
        aligned.push_str(&old_version);
    }
    for (old, new) in old_rest.iter().zip(&new_rest) {
        let segment = match (is_param(old), is_param(new)) {
            (true, _) => new,
            (false, false) if old == new => old,
            _ => return None,
        };
        aligned.push('/');
        aligned.push_str(segment);
    }
    if old.ends_with('/') && !aligned.ends_with('/') {
        aligned.push('/');
    }
    Some(aligned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op<'a>(id: &'a str, method: &'a str, path: &'a str) -> OpRef<'a> {
        OpRef {
            api: "client-server",
            id,
            method,
            path,
        }
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
    fn operations_sharing_a_path_keep_their_ids_across_versions() {
        let releases = vec![
            vec![
                op("getEvents", "get", "/_matrix/client/r0/events"),
                op("peekEvents", "get", "/_matrix/client/r0/events"),
            ],
            vec![
                op("getEvents", "get", "/_matrix/client/v3/events"),
                op("peekEvents", "get", "/_matrix/client/v3/events"),
            ],
            vec![
                op("peekEvents", "get", "/_matrix/client/v3/events"),
                op("getEvents", "get", "/_matrix/client/v3/events"),
            ],
        ];
        let spans: Vec<(Vec<Option<usize>>, Vec<usize>)> = match_releases(&releases)
            .into_iter()
            .map(|e| (e.operations, e.moved_in))
            .collect();
        assert_eq!(
            spans,
            [
                (vec![Some(0), Some(0), Some(1)], vec![]),
                (vec![Some(1), Some(1), Some(0)], vec![]),
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
        let spans: Vec<Vec<Option<usize>>> = match_releases(&releases)
            .into_iter()
            .map(|e| e.operations)
            .collect();
        assert_eq!(
            spans,
            [vec![Some(0), Some(0), None], vec![None, Some(1), Some(0)]]
        );
    }
}
