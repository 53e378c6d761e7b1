//! The generated clients against the reference server, over loopback HTTP.
//! Every operation of `specs/` is called, on its success and its error paths.

use std::time::Duration;

use matrix_api::events::{
    EventContent, RoomMemberEventContent, RoomMemberEventContentMembership as MemberState,
};
use matrix_api::r0::{client::Client, types};
use matrix_api::runtime::client::{Error, RetryPolicy};
use matrix_api::v1;
use membership_server::rooms::{Membership, RateLimit};
use membership_server::MembershipServer;

async fn start() -> (MembershipServer, String) {
    let server = MembershipServer::new("localhost");
    let (addr, _task) = server.serve(([127, 0, 0, 1], 0).into()).await.unwrap();
    (server, format!("http://{addr}"))
}

async fn register(base: &str, name: &str) -> Client {
    let response = Client::new(base)
        .register(
            &types::RegisterQuery::default(),
            &types::RegisterRequest {
                username: Some(name.to_owned()),
                password: Some("secret".to_owned()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(response.user_id, format!("@{name}:localhost"));
    Client::new(base).with_access_token(response.access_token.unwrap())
}

fn password_login(user: &str, password: &str) -> types::LoginRequest {
    types::LoginRequest {
        identifier: Some(types::UserIdentifier {
            user: Some(user.into()),
            ..types::UserIdentifier::new("m.id.user")
        }),
        password: Some(password.into()),
        ..types::LoginRequest::new(types::LoginRequestType::MLoginPassword)
    }
}

fn reason(user: &str, reason: Option<&str>) -> types::MembershipChange {
    types::MembershipChange {
        reason: reason.map(str::to_owned),
        ..types::MembershipChange::new(user)
    }
}

fn assert_matrix_error<T: std::fmt::Debug>(result: Result<T, Error>, status: u16, errcode: &str) {
    match result {
        Err(Error::Matrix(e)) => {
            assert_eq!(
                (e.status, e.body.errcode.as_str()),
                (status, errcode),
                "{e}"
            )
        }
        other => panic!("expected {status} {errcode}, got {other:?}"),
    }
}

fn membership(server: &MembershipServer, room: &str, user: &str) -> Option<Membership> {
    server.state().rooms[room].membership(user)
}

/// The content of an `m.room.member` state event.
fn member(content: EventContent) -> RoomMemberEventContent {
    match content {
        EventContent::RoomMember(member) => *member,
        other => panic!("expected an m.room.member content, got {other:?}"),
    }
}

#[tokio::test]
async fn r0_membership_flow() {
    let (server, base) = start().await;
    let alice = register(&base, "alice").await;
    let bob = register(&base, "bob").await;

    // Accounts: a taken name, login, whoami, versions.
    let taken = Client::new(&base)
        .register(
            &types::RegisterQuery::default(),
            &types::RegisterRequest {
                username: Some("alice".into()),
                ..Default::default()
            },
        )
        .await;
    assert_matrix_error(taken, 400, "M_USER_IN_USE");
    let login = Client::new(&base)
        .login(&password_login("bob", "secret"))
        .await
        .unwrap();
    assert_eq!(login.user_id, "@bob:localhost");
    let wrong = Client::new(&base)
        .login(&password_login("bob", "wrong"))
        .await;
    assert_matrix_error(wrong, 403, "M_FORBIDDEN");
    assert_eq!(
        alice.get_token_owner().await.unwrap().user_id,
        "@alice:localhost"
    );
    assert!(!Client::new(&base)
        .get_versions()
        .await
        .unwrap()
        .versions
        .is_empty());

    // A private room with an alias: uninvited joins are refused.
    let room = alice
        .create_room(&types::CreateRoomRequest {
            room_alias_name: Some("monkeys".into()),
            preset: Some(types::CreateRoomRequestPreset::PrivateChat),
            name: Some("The Monkeys".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;
    let uninvited = bob
        .join_room_by_id(&room, &types::JoinRoomByIdRequest::default())
        .await;
    assert_matrix_error(uninvited, 403, "M_FORBIDDEN");

    // Invite by user id (the trailing-space route), then join by alias: the
    // `#` and `:` of the alias must be percent-encoded in the path.
    alice
        .invite_user(&room, &reason("@bob:localhost", None))
        .await
        .unwrap();
    assert_eq!(
        membership(&server, &room, "@bob:localhost"),
        Some(Membership::Invite)
    );
    let joined = bob
        .join_room(
            "#monkeys:localhost",
            &types::JoinRoomQuery {
                server_name: vec!["localhost".into(), "example.org".into()],
            },
            &types::JoinRoomRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(joined.room_id, room);
    let unknown_alias = bob
        .join_room(
            "#nowhere:localhost",
            &Default::default(),
            &Default::default(),
        )
        .await;
    assert_matrix_error(unknown_alias, 404, "M_NOT_FOUND");

    // Invite by third-party id: the same method and path, told apart by the body.
    alice
        .invite_by_3pid(
            &room,
            &types::InviteBy3pidRequest::new(
                "id.example.org",
                types::InviteBy3pidRequestMedium::Email,
                "carol@example.org",
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        server.state().rooms[&room].third_party_invites,
        [("email".to_owned(), "carol@example.org".to_owned())]
    );

    // Members, joined members, and the state event read.
    let members = alice
        .get_members_by_room(&room, &types::GetMembersByRoomQuery::default())
        .await
        .unwrap()
        .chunk
        .unwrap();
    assert_eq!(members.len(), 2);
    let only_joined = alice
        .get_members_by_room(
            &room,
            &types::GetMembersByRoomQuery {
                membership: Some(types::GetMembersByRoomMembership::Join),
                not_membership: None,
            },
        )
        .await
        .unwrap();
    assert!(only_joined
        .chunk
        .unwrap()
        .iter()
        .all(|m| m.content.membership == types::MemberContentMembership::Join));
    let joined = alice
        .get_joined_members_by_room(&room)
        .await
        .unwrap()
        .joined
        .unwrap();
    assert_eq!(
        joined.keys().collect::<Vec<_>>(),
        ["@alice:localhost", "@bob:localhost"]
    );
    let bob_state = member(
        alice
            .get_room_state_with_key(&room, "m.room.member", "@bob:localhost")
            .await
            .unwrap(),
    );
    assert_eq!(bob_state.membership, MemberState::Join);
    let missing = alice
        .get_room_state_with_key(&room, "m.room.topic", "")
        .await;
    assert_matrix_error(missing, 404, "M_NOT_FOUND");

    // Kick with a reason; bob may not kick alice (power levels).
    assert_matrix_error(
        bob.kick(&room, &reason("@alice:localhost", None)).await,
        403,
        "M_FORBIDDEN",
    );
    alice
        .kick(
            &room,
            &reason("@bob:localhost", Some("Telling unfunny jokes")),
        )
        .await
        .unwrap();
    let kicked = member(
        alice
            .get_room_state_with_key(&room, "m.room.member", "@bob:localhost")
            .await
            .unwrap(),
    );
    assert_eq!(kicked.membership, MemberState::Leave);
    assert_eq!(kicked.reason.as_deref(), Some("Telling unfunny jokes"));

    // Ban and unban.
    alice
        .invite_user(&room, &reason("@bob:localhost", None))
        .await
        .unwrap();
    bob.join_room_by_id(&room, &Default::default())
        .await
        .unwrap();
    alice
        .ban(&room, &reason("@bob:localhost", Some("Spam")))
        .await
        .unwrap();
    assert_eq!(
        membership(&server, &room, "@bob:localhost"),
        Some(Membership::Ban)
    );
    assert_matrix_error(
        bob.join_room_by_id(&room, &Default::default()).await,
        403,
        "M_FORBIDDEN",
    );
    assert_matrix_error(
        alice
            .invite_user(&room, &reason("@bob:localhost", None))
            .await,
        403,
        "M_FORBIDDEN",
    );
    alice
        .unban(&room, &reason("@bob:localhost", None))
        .await
        .unwrap();
    assert_eq!(
        membership(&server, &room, "@bob:localhost"),
        Some(Membership::Leave)
    );

    // Leave and forget: only a room one has left can be forgotten.
    assert_matrix_error(alice.forget_room(&room).await, 400, "M_UNKNOWN");
    bob.forget_room(&room).await.unwrap();
    assert!(server.state().rooms[&room]
        .forgotten_by
        .contains("@bob:localhost"));
    alice.leave_room(&room, &Default::default()).await.unwrap();
    assert_eq!(
        membership(&server, &room, "@alice:localhost"),
        Some(Membership::Leave)
    );
}

#[tokio::test]
async fn tokens_are_checked() {
    let (_server, base) = start().await;
    let bad = Client::new(&base).with_access_token("not-a-token");
    assert_matrix_error(bad.get_token_owner().await, 401, "M_UNKNOWN_TOKEN");
    let none = Client::new(&base).get_token_owner().await;
    assert!(matches!(none, Err(Error::MissingToken)), "{none:?}");
}

#[tokio::test]
async fn v1_paths_with_alias_and_query_token() {
    let (server, base) = start().await;
    register(&base, "alice").await;
    register(&base, "bob").await;
    let login = |user: &'static str| {
        let base = base.clone();
        async move {
            v1::client::Client::new(&base)
                .post_login(&v1::types::PostLoginRequest::new(
                    "m.login.password",
                    user,
                    "secret",
                ))
                .await
                .unwrap()
        }
    };
    let alice_login = login("alice").await;
    let bob_login = login("bob").await;
    let alice = v1::client::Client::new(&base).with_access_token(alice_login.access_token.clone());
    let bob = v1::client::Client::new(&base).with_access_token(bob_login.access_token.clone());

    let created = alice
        .post_create_room(&v1::types::PostCreateRoomRequest {
            visibility: Some(v1::types::PostCreateRoomRequestVisibility::Public),
            room_alias_name: Some("lobby".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.room_alias.as_deref(), Some("#lobby:localhost"));
    let room = created.room_id;

    // The canonical path...
    bob.post_matrix_client_api_v1_rooms_roomid_join(&room, &Default::default())
        .await
        .unwrap();
    bob.post_rooms_room_id_leave(&room, &Default::default())
        .await
        .unwrap();
    // ...and the `x-alias` path, with an alias and the token in the query.
    let http = reqwest::Client::new();
    let response = http
        .post(format!(
            "{base}/_matrix/client/api/v1/join/%23lobby%3Alocalhost?access_token={}",
            bob_login.access_token
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        membership(&server, &room, "@bob:localhost"),
        Some(Membership::Join)
    );

    register(&base, "carol").await;
    alice
        .post_rooms_room_id_invite_membership(
            &room,
            &v1::types::PostRoomsRoomIdInviteMembershipRequest::new("@carol:localhost"),
        )
        .await
        .unwrap();
    assert_eq!(
        membership(&server, &room, "@carol:localhost"),
        Some(Membership::Invite)
    );
    alice
        .post_rooms_room_id_invite_third_party_membership(
            &room,
            &v1::types::PostRoomsRoomIdInviteThirdPartyMembershipRequest::new(
                "id.example.org",
                "email",
                "dave@example.org",
            ),
        )
        .await
        .unwrap();
    assert_eq!(server.state().rooms[&room].third_party_invites.len(), 1);
    let wrong = v1::client::Client::new(&base)
        .post_login(&v1::types::PostLoginRequest::new(
            "m.login.password",
            "alice",
            "nope",
        ))
        .await;
    assert_matrix_error(wrong, 403, "M_FORBIDDEN");
}

/// The router's own answers to requests the spec does not allow.
#[tokio::test]
async fn bad_requests_get_matrix_errors() {
    let (_server, base) = start().await;
    let alice = register(&base, "alice").await;
    let token = alice.access_token().unwrap().to_owned();
    let http = reqwest::Client::new();
    let errcode = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        let body: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        (
            status,
            body["errcode"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let url = |path: &str| format!("{base}/_matrix/client/r0{path}");

    let unknown = http.get(url("/no/such/endpoint")).send().await.unwrap();
    assert_eq!(errcode(unknown).await, (404, "M_UNRECOGNIZED".into()));
    let wrong_method = http.get(url("/createRoom")).send().await.unwrap();
    assert_eq!(errcode(wrong_method).await, (405, "M_UNRECOGNIZED".into()));
    let not_json = http
        .post(url("/createRoom"))
        .bearer_auth(&token)
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(errcode(not_json).await, (400, "M_NOT_JSON".into()));
    let bad_json = http
        .post(url("/createRoom"))
        .bearer_auth(&token)
        .body(r#"{"invite": "not a list"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(errcode(bad_json).await, (400, "M_BAD_JSON".into()));
    let missing_token = http
        .post(url("/createRoom"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        errcode(missing_token).await,
        (401, "M_MISSING_TOKEN".into())
    );
    let too_large = http
        .post(url("/createRoom"))
        .bearer_auth(&token)
        .body(vec![b' '; 17 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(errcode(too_large).await, (413, "M_TOO_LARGE".into()));
    // The token is read from the header and from the query alike.
    let in_query = http
        .get(url(&format!("/account/whoami?access_token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(in_query.status(), 200);
    let in_header = http
        .get(url("/account/whoami"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(in_header.status(), 200);
}

#[tokio::test]
async fn rate_limits_are_reported_and_retried() {
    let (server, base) = start().await;
    server.state().limit_room_creation(RateLimit {
        burst: 1,
        window: Duration::from_millis(300),
    });
    let alice = register(&base, "alice").await;
    alice.create_room(&Default::default()).await.unwrap();
    match alice.create_room(&Default::default()).await {
        Err(Error::Matrix(e)) => {
            assert_eq!((e.status, e.errcode()), (429, "M_LIMIT_EXCEEDED"));
            assert!(e.body.retry_after_ms.is_some_and(|ms| ms > 0 && ms <= 301));
        }
        other => panic!("expected 429, got {other:?}"),
    }
    let patient = alice.clone().with_retry(RetryPolicy::default());
    patient.create_room(&Default::default()).await.unwrap();
    // A server asking for longer than the cap gets its error back at once.
    let impatient = alice.with_retry(RetryPolicy {
        max_retries: 3,
        max_delay: Duration::from_millis(1),
    });
    assert_matrix_error(
        impatient.create_room(&Default::default()).await,
        429,
        "M_LIMIT_EXCEEDED",
    );
}
