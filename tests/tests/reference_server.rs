//! The generated clients against the reference server, over loopback HTTP.
//! Every operation of `specs/` is called, on its success and its error paths;
//! events go in and come back typed.

use std::time::Duration;

use matrix_api::events::{
    EventContent, ImageInfo, RoomJoinRulesEventContent, RoomJoinRulesEventContentJoinRule,
    RoomMemberEventContent, RoomMemberEventContentMembership as MemberState,
    RoomMessageEmoteContent, RoomMessageEventContent, RoomMessageImageContent,
    RoomMessageNoticeContent, RoomMessageTextContent, RoomNameEventContent,
    RoomPowerLevelsEventContent, RoomTopicEventContent,
};
use matrix_api::r0::{client::Client, types};
use matrix_api::runtime::client::{Error, RetryPolicy};
use matrix_api::runtime::ids::MxcUri;
use matrix_api::runtime::Lenient;
use matrix_api::v1;
use membership_server::rooms::{Membership, RateLimit};
use membership_server::MembershipServer;
use serde_json::json;

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
        .join_room_by_id(&room, &types::RoomRequest::default())
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
            &types::RoomRequest::default(),
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

fn message(content: RoomMessageEventContent) -> EventContent {
    EventContent::RoomMessage(Box::new(content))
}

/// The items of an event list, each of which must have decoded typed.
fn typed<T: std::fmt::Debug>(events: &[Lenient<T>]) -> Vec<&T> {
    events
        .iter()
        .map(|e| {
            e.typed()
                .unwrap_or_else(|| panic!("an untyped event: {e:?}"))
        })
        .collect()
}

fn backwards(from: Option<&str>, to: Option<&str>, limit: i64) -> types::GetRoomEventsQuery {
    types::GetRoomEventsQuery {
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        dir: types::GetRoomEventsDir::B,
        limit: Some(limit),
    }
}

/// Pages `/messages` until `end` is absent; returns the events in page order.
async fn page_through(
    client: &Client,
    room: &str,
    mut query: types::GetRoomEventsQuery,
) -> Vec<types::RoomEvent> {
    let mut events = Vec::new();
    loop {
        let page = client.get_room_events(room, &query).await.unwrap();
        events.extend(typed(&page.chunk).into_iter().cloned());
        match page.end {
            Some(end) => query.from = Some(end),
            None => return events,
        }
    }
}

fn power_levels(content: EventContent) -> RoomPowerLevelsEventContent {
    match content {
        EventContent::RoomPowerLevels(levels) => *levels,
        other => panic!("expected an m.room.power_levels content, got {other:?}"),
    }
}

/// Messages of four kinds, a custom event type and room state set through
/// typed contents, read back typed through `/messages`, `/sync` and the
/// state endpoints; and the rules that refuse what a user may not send.
#[tokio::test]
async fn typed_events_flow() {
    let (server, base) = start().await;
    let alice = register(&base, "alice").await;
    let bob = register(&base, "bob").await;
    let carol = register(&base, "carol").await;
    let room = alice
        .create_room(&types::CreateRoomRequest {
            preset: Some(types::CreateRoomRequestPreset::PrivateChat),
            name: Some("Typed".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;

    // A first sync: the room from its create event on, and a token to go on from.
    let first = alice.sync(&Default::default()).await.unwrap();
    let rooms = first.rooms.expect("alice is in a room");
    let timeline = rooms.join.as_ref().unwrap()[&room]
        .timeline
        .clone()
        .unwrap();
    let types: Vec<&str> = typed(timeline.events.as_deref().unwrap())
        .iter()
        .map(|e| e.content.event_type())
        .collect();
    let creation = [
        "m.room.create",
        "m.room.member",
        "m.room.power_levels",
        "m.room.join_rules",
        "m.room.name",
    ];
    assert_eq!(types, creation);
    assert_eq!(timeline.limited, Some(false));

    // Room state through typed contents. Public now, the room lets bob in uninvited.
    let name = EventContent::RoomName(Box::new(RoomNameEventContent::new("Typed events")));
    let topic = EventContent::RoomTopic(Box::new(RoomTopicEventContent::new("Events, typed")));
    let public = RoomJoinRulesEventContent::new(RoomJoinRulesEventContentJoinRule::Public);
    for content in [name, topic, EventContent::RoomJoinRules(Box::new(public))] {
        alice
            .set_room_state_with_key(&room, "", &content)
            .await
            .unwrap();
    }
    bob.join_room_by_id(&room, &Default::default())
        .await
        .unwrap();

    // Power levels read typed, changed and written back: bob gets 50, and
    // the custom event type needs 50.
    let mut levels = power_levels(
        alice
            .get_room_state_with_key(&room, "m.room.power_levels", "")
            .await
            .unwrap(),
    );
    assert_eq!(levels.users.as_ref().unwrap()["@alice:localhost"], 100);
    levels
        .users
        .get_or_insert_with(Default::default)
        .insert("@bob:localhost".into(), 50);
    levels
        .events
        .get_or_insert_with(Default::default)
        .insert("org.example.custom".into(), 50);
    let new_levels = EventContent::RoomPowerLevels(Box::new(levels.clone()));
    alice
        .set_room_state_with_key(&room, "", &new_levels)
        .await
        .unwrap();
    // Power levels need 100 (bob has 50); nobody may give more than they have;
    // and a content that does not fit the type is refused.
    assert_matrix_error(
        bob.set_room_state_with_key(&room, "", &new_levels).await,
        403,
        "M_FORBIDDEN",
    );
    let mut too_high = levels.clone();
    too_high
        .users
        .get_or_insert_with(Default::default)
        .insert("@bob:localhost".into(), 101);
    let too_high = EventContent::RoomPowerLevels(Box::new(too_high));
    assert_matrix_error(
        alice.set_room_state_with_key(&room, "", &too_high).await,
        403,
        "M_FORBIDDEN",
    );
    let not_levels = EventContent::Other {
        event_type: "m.room.power_levels".into(),
        content: json!({ "users": "everyone" }),
    };
    assert_matrix_error(
        alice.set_room_state_with_key(&room, "", &not_levels).await,
        400,
        "M_BAD_JSON",
    );

    // Bob names himself through the state endpoint: the content is kept as sent.
    let named = RoomMemberEventContent {
        displayname: Some("Bob".into()),
        ..RoomMemberEventContent::new(MemberState::Join)
    };
    let named = EventContent::RoomMember(Box::new(named));
    bob.set_room_state_with_key(&room, "@bob:localhost", &named)
        .await
        .unwrap();
    assert_matrix_error(
        bob.set_room_state_with_key(&room, "@alice:localhost", &named)
            .await,
        403,
        "M_FORBIDDEN",
    );

    // Four kinds of message from alice, and a custom event type from bob.
    let text = message(RoomMessageEventContent::Text(Box::new(
        RoomMessageTextContent::new("Hello, typed world"),
    )));
    let notice = message(RoomMessageEventContent::Notice(Box::new(
        RoomMessageNoticeContent::new("The build passed"),
    )));
    let emote = message(RoomMessageEventContent::Emote(Box::new(
        RoomMessageEmoteContent::new("waves"),
    )));
    let picture: MxcUri = "mxc://localhost/AbCdEf123".parse().unwrap();
    let image = message(RoomMessageEventContent::Image(Box::new(
        RoomMessageImageContent {
            info: Some(ImageInfo {
                w: Some(640),
                h: Some(480),
                mimetype: Some("image/png".into()),
                size: Some(31337),
                ..Default::default()
            }),
            ..RoomMessageImageContent::new("cat.png", picture.clone())
        },
    )));
    let custom_json = json!({
        "flavour": "banana",
        "count": 3,
        "nested": { "list": [1, "two", null, 4.5], "empty": {} }
    });
    let custom = EventContent::Other {
        event_type: "org.example.custom".into(),
        content: custom_json.clone(),
    };
    let mut sent = Vec::new();
    for (n, content) in [&text, &notice, &emote, &image].into_iter().enumerate() {
        let txn = format!("txn{n}");
        sent.push(
            alice
                .send_message(&room, &txn, content)
                .await
                .unwrap()
                .event_id,
        );
    }
    // Transaction ids are the sender's own: bob's `txn0` is a new event.
    sent.push(
        bob.send_message(&room, "txn0", &custom)
            .await
            .unwrap()
            .event_id,
    );
    let stored = server.state().rooms[&room].events.len();
    let again = alice.send_message(&room, "txn0", &text).await.unwrap();
    assert_eq!(again.event_id, sent[0]);
    assert_eq!(server.state().rooms[&room].events.len(), stored);

    // Carol may send nothing before she joins, then not what needs power.
    assert_matrix_error(
        carol.send_message(&room, "txn0", &text).await,
        403,
        "M_FORBIDDEN",
    );
    carol
        .join_room_by_id(&room, &Default::default())
        .await
        .unwrap();
    assert_matrix_error(
        carol.send_message(&room, "txn1", &custom).await,
        403,
        "M_FORBIDDEN",
    );
    let carols_topic = EventContent::RoomTopic(Box::new(RoomTopicEventContent::new("Mine")));
    assert_matrix_error(
        carol
            .set_room_state_with_key(&room, "", &carols_topic)
            .await,
        403,
        "M_FORBIDDEN",
    );

    // /messages, backwards in pages of 4, then forwards in pages of 3: the
    // whole room both ways, every event typed.
    let newest_first = page_through(&alice, &room, backwards(None, None, 4)).await;
    let all: Vec<_> = server.state().rooms[&room].events.clone();
    assert_eq!(newest_first.len(), all.len());
    assert!(newest_first
        .iter()
        .zip(all.iter().rev())
        .all(|(read, kept)| read.event_id == kept.event_id && read.content == kept.content));
    let forwards = types::GetRoomEventsQuery {
        from: Some("s0".into()),
        dir: types::GetRoomEventsDir::F,
        ..backwards(None, None, 3)
    };
    let oldest_first = page_through(&alice, &room, forwards).await;
    assert!(oldest_first.iter().eq(newest_first.iter().rev()));

    let read = |id| {
        newest_first
            .iter()
            .find(|e| &e.event_id == id)
            .expect("every sent event is in the room")
    };
    let [text_id, notice_id, emote_id, image_id, custom_id] = &sent[..] else {
        unreachable!()
    };
    match &read(text_id).content {
        EventContent::RoomMessage(m) => match &**m {
            RoomMessageEventContent::Text(t) => assert_eq!(t.body, "Hello, typed world"),
            other => panic!("expected a text message, got {other:?}"),
        },
        other => panic!("expected a message, got {other:?}"),
    }
    // Alice sees the transaction id of her own message; bob's is not hers to see.
    let own = read(text_id)
        .unsigned
        .as_ref()
        .and_then(|u| u.transaction_id.as_deref());
    assert_eq!(own, Some("txn0"));
    assert_eq!(read(custom_id).unsigned, None);
    assert!(matches!(
        &read(notice_id).content,
        EventContent::RoomMessage(m) if matches!(&**m, RoomMessageEventContent::Notice(n) if n.body == "The build passed")
    ));
    assert!(matches!(
        &read(emote_id).content,
        EventContent::RoomMessage(m) if matches!(&**m, RoomMessageEventContent::Emote(e) if e.body == "waves")
    ));
    match &read(image_id).content {
        EventContent::RoomMessage(m) => match &**m {
            RoomMessageEventContent::Image(image) => {
                assert_eq!(image.url, picture);
                assert_eq!(
                    (image.url.server_name(), image.url.media_id()),
                    ("localhost", "AbCdEf123")
                );
                assert_eq!(image.info.as_ref().and_then(|i| i.w), Some(640));
            }
            other => panic!("expected an image, got {other:?}"),
        },
        other => panic!("expected a message, got {other:?}"),
    }
    let custom_read = read(custom_id);
    assert_eq!(custom_read.sender, "@bob:localhost");
    match &custom_read.content {
        EventContent::Other {
            event_type,
            content,
        } => assert_eq!(
            (event_type.as_str(), content),
            ("org.example.custom", &custom_json)
        ),
        other => panic!("expected the custom event as it was sent, got {other:?}"),
    }

    // /sync from the first token: the newest events in the timeline, which
    // has a gap (more than 10 events); /messages from `prev_batch` back to
    // that token reads the rest, so that together they are all that happened.
    let since = alice
        .sync(&types::SyncQuery {
            since: Some(first.next_batch.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let update = &since.rooms.as_ref().unwrap().join.as_ref().unwrap()[&room];
    let timeline = update.timeline.as_ref().unwrap();
    assert_eq!(timeline.limited, Some(true));
    // The state before the timeline holds what the gap changed: the topic.
    let state_before = typed(update.state.as_ref().unwrap().events.as_deref().unwrap());
    assert!(state_before
        .iter()
        .any(|e| matches!(&e.content, EventContent::RoomTopic(t) if t.topic == "Events, typed")));
    let recent = typed(timeline.events.as_deref().unwrap());
    let gap = page_through(
        &alice,
        &room,
        backwards(timeline.prev_batch.as_deref(), Some(&first.next_batch), 100),
    )
    .await;
    let happened: Vec<_> = gap
        .iter()
        .rev()
        .map(|e| e.event_id.clone())
        .chain(recent.iter().map(|e| e.event_id.clone()))
        .collect();
    let expected: Vec<_> = all[creation.len()..]
        .iter()
        .map(|e| e.event_id.clone())
        .collect();
    assert_eq!(happened, expected);

    // Nothing new: an answer at once without a timeout; with one, the sync
    // waits for bob's next message and brings it.
    let quiet = types::SyncQuery {
        since: Some(since.next_batch.clone()),
        ..Default::default()
    };
    let idle = alice.sync(&quiet).await.unwrap();
    assert_eq!((idle.rooms, &idle.next_batch), (None, &since.next_batch));
    let later = tokio::spawn({
        let (bob, room, text) = (bob.clone(), room.clone(), text.clone());
        async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            bob.send_message(&room, "late", &text).await.unwrap()
        }
    });
    let waited = alice
        .sync(&types::SyncQuery {
            timeout: Some(10_000),
            ..quiet
        })
        .await
        .unwrap();
    let late = later.await.unwrap().event_id;
    let update = &waited.rooms.unwrap().join.unwrap()[&room];
    let news = typed(update.timeline.as_ref().unwrap().events.as_deref().unwrap());
    assert_eq!(
        news.iter().map(|e| &e.event_id).collect::<Vec<_>>(),
        [&late]
    );

    // The state endpoints: one piece by type and key, and the whole state.
    match alice
        .get_room_state_with_key(&room, "m.room.name", "")
        .await
        .unwrap()
    {
        EventContent::RoomName(name) => assert_eq!(name.name, "Typed events"),
        other => panic!("expected a room name, got {other:?}"),
    }
    match alice
        .get_room_state_with_key(&room, "m.room.join_rules", "")
        .await
        .unwrap()
    {
        EventContent::RoomJoinRules(rules) => {
            assert_eq!(rules.join_rule, RoomJoinRulesEventContentJoinRule::Public)
        }
        other => panic!("expected join rules, got {other:?}"),
    }
    let read_levels = power_levels(
        bob.get_room_state_with_key(&room, "m.room.power_levels", "")
            .await
            .unwrap(),
    );
    assert_eq!(read_levels, levels);
    assert_eq!(read_levels.users.as_ref().unwrap()["@bob:localhost"], 50);
    let state = alice.get_room_state(&room).await.unwrap();
    let state = typed(&state);
    let kinds: std::collections::BTreeSet<(&str, &str)> = state
        .iter()
        .map(|e| (e.content.event_type(), e.state_key.as_str()))
        .collect();
    for piece in [
        ("m.room.create", ""),
        ("m.room.power_levels", ""),
        ("m.room.join_rules", ""),
        ("m.room.name", ""),
        ("m.room.topic", ""),
        ("m.room.member", "@alice:localhost"),
        ("m.room.member", "@bob:localhost"),
        ("m.room.member", "@carol:localhost"),
    ] {
        assert!(kinds.contains(&piece), "{piece:?} is not in {kinds:?}");
    }
    assert_eq!(kinds.len(), state.len());
    assert!(state.iter().any(|e| matches!(
        &e.content,
        EventContent::RoomMember(m) if m.displayname.as_deref() == Some("Bob")
    )));

    // What the server keeps is typed too.
    let kept = server.state();
    let first_message = kept.rooms[&room]
        .events
        .iter()
        .find(|e| &e.event_id == text_id)
        .unwrap();
    assert_eq!(first_message.content, text);
    assert_eq!(first_message.sender, "@alice:localhost");
}

/// What a member who left may still read: the history up to their leaving.
#[tokio::test]
async fn history_ends_where_a_member_left() {
    let (_server, base) = start().await;
    let alice = register(&base, "alice").await;
    let bob = register(&base, "bob").await;
    let room = alice
        .create_room(&types::CreateRoomRequest {
            preset: Some(types::CreateRoomRequestPreset::PublicChat),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;
    let say = |body: &str| {
        message(RoomMessageEventContent::Text(Box::new(
            RoomMessageTextContent::new(body),
        )))
    };
    // Before bob ever joins, the room's history is closed to him.
    assert_matrix_error(
        bob.get_room_events(&room, &backwards(None, None, 10)).await,
        403,
        "M_FORBIDDEN",
    );
    bob.join_room_by_id(&room, &Default::default())
        .await
        .unwrap();
    let bobs_sync = bob.sync(&Default::default()).await.unwrap();
    alice
        .send_message(&room, "1", &say("before"))
        .await
        .unwrap();
    bob.leave_room(&room, &Default::default()).await.unwrap();
    alice.send_message(&room, "2", &say("after")).await.unwrap();
    alice
        .set_room_state_with_key(
            &room,
            "",
            &EventContent::RoomTopic(Box::new(RoomTopicEventContent::new("Secret"))),
        )
        .await
        .unwrap();

    let seen = page_through(&bob, &room, backwards(None, None, 10)).await;
    let bodies: Vec<&str> = seen
        .iter()
        .filter_map(|e| match &e.content {
            EventContent::RoomMessage(m) => match &**m {
                RoomMessageEventContent::Text(t) => Some(t.body.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(bodies, ["before"]);
    assert!(
        matches!(&seen[0].content, EventContent::RoomMember(m) if m.membership == MemberState::Leave)
    );
    // The topic set after he left is not his to read.
    assert_matrix_error(
        bob.get_room_state_with_key(&room, "m.room.topic", "").await,
        404,
        "M_NOT_FOUND",
    );
    // His next sync puts the room under `leave`, up to his leaving.
    let left = bob
        .sync(&types::SyncQuery {
            since: Some(bobs_sync.next_batch),
            ..Default::default()
        })
        .await
        .unwrap();
    let rooms = left.rooms.unwrap();
    assert!(rooms.join.unwrap().is_empty());
    let update = &rooms.leave.unwrap()[&room];
    let timeline = typed(update.timeline.as_ref().unwrap().events.as_deref().unwrap());
    assert_eq!(timeline.len(), 2);
    assert!(
        matches!(&timeline[1].content, EventContent::RoomMember(m) if m.membership == MemberState::Leave)
    );

    // Tokens are this server's own.
    let bogus = backwards(Some("yesterday"), None, 10);
    assert_matrix_error(
        alice.get_room_events(&room, &bogus).await,
        400,
        "M_INVALID_PARAM",
    );
}

/// An invite comes with stripped state; an invitee who declines learns no
/// more of the room, and a forgotten room drops out of `/sync`.
#[tokio::test]
async fn sync_shows_invites_and_rooms_declined() {
    let (_server, base) = start().await;
    let alice = register(&base, "alice").await;
    let carol = register(&base, "carol").await;
    let room = alice
        .create_room(&types::CreateRoomRequest {
            name: Some("Secret plans".into()),
            topic: Some("Not for everyone".into()),
            invite: Some(vec!["@carol:localhost".into()]),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;
    let first = carol.sync(&Default::default()).await.unwrap();
    let rooms = first.rooms.unwrap();
    assert!(rooms.join.unwrap().is_empty());
    let invite = &rooms.invite.unwrap()[&room];
    let stripped = typed(
        invite
            .invite_state
            .as_ref()
            .unwrap()
            .events
            .as_deref()
            .unwrap(),
    );
    assert!(stripped
        .iter()
        .any(|e| matches!(&e.content, EventContent::RoomName(n) if n.name == "Secret plans")));
    assert!(stripped.iter().any(|e| e.state_key == "@carol:localhost"
        && matches!(&e.content, EventContent::RoomMember(m) if m.membership == MemberState::Invite)));

    carol.leave_room(&room, &Default::default()).await.unwrap();
    let declined = carol
        .sync(&types::SyncQuery {
            since: Some(first.next_batch.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    let left = &declined.rooms.unwrap().leave.unwrap()[&room];
    assert_eq!((&left.state, &left.timeline), (&None, &None));
    assert_matrix_error(
        carol
            .get_room_events(&room, &backwards(None, None, 10))
            .await,
        403,
        "M_FORBIDDEN",
    );
    carol.forget_room(&room).await.unwrap();
    let forgotten = carol
        .sync(&types::SyncQuery {
            since: Some(first.next_batch),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(forgotten.rooms, None);
}
