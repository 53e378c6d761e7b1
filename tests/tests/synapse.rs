//! The generated clients against a real Synapse.
//!
//! `tests/run` starts Synapse and sets `SYNAPSE_URL`. It runs this file twice:
//! against `generated/` (built with `CLIENT_MAJOR_VERSION=r0`) and against
//! bindings it generates with `CLIENT_MAJOR_VERSION=v3`. Without `SYNAPSE_URL`
//! the tests are skipped, except under CI, where they fail.

use matrix_api::events::{
    EventContent, RoomMemberEventContent, RoomMemberEventContentMembership as MemberState,
    RoomMessageEventContent, RoomMessageImageContent, RoomMessageTextContent,
    RoomTopicEventContent,
};
use matrix_api::r0::{client::Client, types};
use matrix_api::runtime::client::Error;
use matrix_api::runtime::ids::MxcUri;

fn synapse() -> Option<String> {
    match std::env::var("SYNAPSE_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "SYNAPSE_URL is not set: run `bash tests/run`"
            );
            eprintln!("SKIPPED: SYNAPSE_URL is not set; `bash tests/run` starts Synapse");
            None
        }
    }
}

/// A name no earlier run used (Synapse keeps its database between runs).
fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}{nanos}")
}

async fn register(base: &str, name: &str) -> (Client, String) {
    let response = Client::new(base)
        .register(
            &types::RegisterQuery::default(),
            &types::RegisterRequest {
                username: Some(name.to_owned()),
                password: Some("correct horse".to_owned()),
                // Synapse asks for an interactive-auth stage; `m.login.dummy` passes
                // when registration needs no verification.
                auth: Some(types::AuthenticationData::new("m.login.dummy")),
                ..Default::default()
            },
        )
        .await
        .expect("Synapse registers the user");
    let token = response.access_token.expect("registration logs in");
    (Client::new(base).with_access_token(token), response.user_id)
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

fn change(user: &str, reason: Option<&str>) -> types::MembershipChange {
    types::MembershipChange {
        reason: reason.map(str::to_owned),
        ..types::MembershipChange::new(user)
    }
}

/// The content of `user`'s `m.room.member` event, read typed.
async fn membership_of(client: &Client, room: &str, user: &str) -> RoomMemberEventContent {
    let content = client
        .get_room_state_with_key(room, "m.room.member", user)
        .await
        .expect("the member event is readable");
    match content {
        EventContent::RoomMember(member) => *member,
        other => panic!("expected an m.room.member content, got {other:?}"),
    }
}

#[tokio::test]
async fn r0_membership_flow() {
    let Some(base) = synapse() else { return };
    let (alice, alice_id) = register(&base, &unique("alice")).await;
    let (bob, bob_id) = register(&base, &unique("bob")).await;

    assert_eq!(alice.get_token_owner().await.unwrap().user_id, alice_id);
    assert!(Client::new(&base)
        .get_versions()
        .await
        .unwrap()
        .versions
        .iter()
        .any(|v| v == "r0.6.1"));
    let local = alice_id
        .trim_start_matches('@')
        .split(':')
        .next()
        .unwrap()
        .to_owned();
    let login = Client::new(&base)
        .login(&types::LoginRequest {
            identifier: Some(types::UserIdentifier {
                user: Some(local),
                ..types::UserIdentifier::new("m.id.user")
            }),
            password: Some("correct horse".into()),
            ..types::LoginRequest::new(types::LoginRequestType::MLoginPassword)
        })
        .await
        .unwrap();
    assert_eq!(login.user_id, alice_id);

    // A private room with an alias; bob may not join uninvited.
    let alias_local = unique("monkeys");
    let room = alice
        .create_room(&types::CreateRoomRequest {
            preset: Some(types::CreateRoomRequestPreset::PrivateChat),
            room_alias_name: Some(alias_local.clone()),
            name: Some("Monkeys".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;
    assert_matrix_error(
        bob.join_room_by_id(&room, &Default::default()).await,
        403,
        "M_FORBIDDEN",
    );

    // Invite, then join by alias (`#` and `:` percent-encoded, `server_name` repeated).
    alice
        .invite_user(&room, &change(&bob_id, None))
        .await
        .unwrap();
    assert_eq!(
        membership_of(&alice, &room, &bob_id).await.membership,
        MemberState::Invite
    );
    let joined = bob
        .join_room(
            &format!("#{alias_local}:localhost"),
            &types::JoinRoomQuery {
                server_name: vec!["localhost".into()],
            },
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(joined.room_id, room);

    let members = alice
        .get_members_by_room(&room, &Default::default())
        .await
        .unwrap()
        .chunk
        .unwrap();
    assert!(members
        .iter()
        .any(|m| m.state_key == bob_id
            && m.content.membership == types::MemberContentMembership::Join));
    let joined = alice
        .get_joined_members_by_room(&room)
        .await
        .unwrap()
        .joined
        .unwrap();
    assert!(joined.contains_key(&alice_id) && joined.contains_key(&bob_id));

    // Kick with a reason.
    alice
        .kick(&room, &change(&bob_id, Some("Telling unfunny jokes")))
        .await
        .unwrap();
    let kicked = membership_of(&alice, &room, &bob_id).await;
    assert_eq!(
        (kicked.membership, kicked.reason.as_deref()),
        (MemberState::Leave, Some("Telling unfunny jokes"))
    );

    // Back in by id, then banned and unbanned.
    alice
        .invite_user(&room, &change(&bob_id, None))
        .await
        .unwrap();
    bob.join_room_by_id(&room, &Default::default())
        .await
        .unwrap();
    alice
        .ban(&room, &change(&bob_id, Some("Spam")))
        .await
        .unwrap();
    assert_eq!(
        membership_of(&alice, &room, &bob_id).await.membership,
        MemberState::Ban
    );
    // Synapse refuses a banned user's join with `M_BAD_STATE` rather than `M_FORBIDDEN`.
    assert_matrix_error(
        bob.join_room_by_id(&room, &Default::default()).await,
        403,
        "M_BAD_STATE",
    );
    alice.unban(&room, &change(&bob_id, None)).await.unwrap();
    assert_eq!(
        membership_of(&alice, &room, &bob_id).await.membership,
        MemberState::Leave
    );

    // Bob has left, so he can forget the room; alice leaves, then forgets it too.
    bob.forget_room(&room).await.unwrap();
    alice.leave_room(&room, &Default::default()).await.unwrap();
    alice.forget_room(&room).await.unwrap();

    let stranger = Client::new(&base).with_access_token("not-a-token");
    assert_matrix_error(stranger.get_token_owner().await, 401, "M_UNKNOWN_TOKEN");
}

/// The 2015 bindings on the `/_matrix/client/api/v1` paths Synapse still serves
/// (accounts come from the r0 bindings: Synapse has no v1 registration).
#[tokio::test]
async fn v1_membership_flow() {
    use matrix_api::v1;
    let Some(base) = synapse() else { return };
    let (_, alice_id) = register(&base, &unique("alice")).await;
    let (_, bob_id) = register(&base, &unique("bob")).await;
    let (_, carol_id) = register(&base, &unique("carol")).await;
    let login = |user: String| {
        let base = base.clone();
        async move {
            v1::client::Client::new(&base)
                .post_login(&v1::types::PostLoginRequest::new(
                    "m.login.password",
                    user,
                    "correct horse",
                ))
                .await
                .unwrap()
        }
    };
    let alice_login = login(alice_id.clone()).await;
    let bob_login = login(bob_id.clone()).await;
    let alice = v1::client::Client::new(&base).with_access_token(alice_login.access_token);
    let bob = v1::client::Client::new(&base).with_access_token(bob_login.access_token.clone());

    let alias_local = unique("lobby");
    let room = alice
        .post_create_room(&v1::types::PostCreateRoomRequest {
            visibility: Some(v1::types::PostCreateRoomRequestVisibility::Public),
            room_alias_name: Some(alias_local.clone()),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;
    bob.post_matrix_client_api_v1_rooms_roomid_join(&room, &Default::default())
        .await
        .unwrap();
    bob.post_rooms_room_id_leave(&room, &Default::default())
        .await
        .unwrap();

    // The `x-alias` path `/join/{roomId}`, given an alias, with the token in the query.
    let response = reqwest::Client::new()
        .post(format!(
            "{base}/_matrix/client/api/v1/join/%23{alias_local}%3Alocalhost?access_token={}",
            bob_login.access_token
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    alice
        .post_rooms_room_id_invite_membership(
            &room,
            &v1::types::PostRoomsRoomIdInviteMembershipRequest::new(carol_id),
        )
        .await
        .unwrap();
    let wrong = v1::client::Client::new(&base)
        .post_login(&v1::types::PostLoginRequest::new(
            "m.login.password",
            alice_id,
            "wrong",
        ))
        .await;
    assert_matrix_error(wrong, 403, "M_FORBIDDEN");
}

/// Typed contents sent to Synapse and read back typed: a topic, a text, an
/// image with an `mxc://` URI and a custom event type through `/messages`,
/// `/sync` and the state endpoints; power levels changed through their
/// typed content.
#[tokio::test]
async fn r0_typed_events() {
    let Some(base) = synapse() else { return };
    let (alice, alice_id) = register(&base, &unique("alice")).await;
    let (bob, bob_id) = register(&base, &unique("bob")).await;
    let room = alice
        .create_room(&types::CreateRoomRequest {
            preset: Some(types::CreateRoomRequestPreset::PrivateChat),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;

    let topic = EventContent::RoomTopic(Box::new(RoomTopicEventContent::new("Typed, on Synapse")));
    alice
        .set_room_state_with_key(&room, "", &topic)
        .await
        .unwrap();
    let text = EventContent::RoomMessage(Box::new(RoomMessageEventContent::Text(Box::new(
        RoomMessageTextContent::new("Hello, Synapse"),
    ))));
    let picture: MxcUri = "mxc://localhost/SynapseCat".parse().unwrap();
    let image = EventContent::RoomMessage(Box::new(RoomMessageEventContent::Image(Box::new(
        RoomMessageImageContent::new("cat.png", picture.clone()),
    ))));
    // No fractions: Synapse keeps events to canonical JSON, whose numbers are integers.
    let custom_json = serde_json::json!({ "flavour": "banana", "nested": { "n": [1, -2, null] } });
    let custom = EventContent::Other {
        event_type: "org.example.custom".into(),
        content: custom_json.clone(),
    };
    let txn = unique("txn");
    let text_id = alice
        .send_message(&room, &txn, &text)
        .await
        .unwrap()
        .event_id;
    // Synapse also answers a repeated transaction with the first event.
    let again = alice.send_message(&room, &txn, &text).await.unwrap();
    assert_eq!(again.event_id, text_id);
    let image_id = alice
        .send_message(&room, &unique("txn"), &image)
        .await
        .unwrap()
        .event_id;
    let custom_id = alice
        .send_message(&room, &unique("txn"), &custom)
        .await
        .unwrap()
        .event_id;
    assert_matrix_error(
        bob.send_message(&room, &unique("txn"), &text).await,
        403,
        "M_FORBIDDEN",
    );

    // /messages, newest first: every event typed.
    let page = alice
        .get_room_events(
            &room,
            &types::GetRoomEventsQuery {
                from: None,
                to: None,
                dir: types::GetRoomEventsDir::B,
                limit: Some(50),
            },
        )
        .await
        .unwrap();
    let events: Vec<&types::RoomEvent> = page
        .chunk
        .iter()
        .map(|e| e.typed().expect("Synapse's events fit the envelope"))
        .collect();
    let content = |id| &events.iter().find(|e| &e.event_id == id).unwrap().content;
    assert_eq!(content(&custom_id), &custom);
    assert_eq!(content(&text_id), &text);
    match content(&image_id) {
        EventContent::RoomMessage(m) => match &**m {
            RoomMessageEventContent::Image(image) => assert_eq!(image.url, picture),
            other => panic!("expected an image, got {other:?}"),
        },
        other => panic!("expected a message, got {other:?}"),
    }
    assert!(events
        .iter()
        .any(|e| matches!(&e.content, EventContent::RoomCreate(c) if c.room_version.is_some())));

    // The first /sync holds the room; its timeline ends with the custom event.
    let sync = alice.sync(&Default::default()).await.unwrap();
    let joined = &sync.rooms.unwrap().join.unwrap()[&room];
    let timeline = joined.timeline.as_ref().unwrap().events.as_ref().unwrap();
    let last = timeline.last().and_then(|e| e.typed()).unwrap();
    assert_eq!((&last.event_id, &last.content), (&custom_id, &custom));

    // Power levels: read typed, bob given 50, written back; bob may not
    // change them himself (Synapse asks 100 for that).
    alice
        .invite_user(&room, &change(&bob_id, None))
        .await
        .unwrap();
    bob.join_room_by_id(&room, &Default::default())
        .await
        .unwrap();
    let mut levels = match alice
        .get_room_state_with_key(&room, "m.room.power_levels", "")
        .await
        .unwrap()
    {
        EventContent::RoomPowerLevels(levels) => *levels,
        other => panic!("expected power levels, got {other:?}"),
    };
    // From room version 12 on, creators stand above every level and are not listed.
    let version = match alice
        .get_room_state_with_key(&room, "m.room.create", "")
        .await
        .unwrap()
    {
        EventContent::RoomCreate(create) => create.room_version.unwrap_or_else(|| "1".into()),
        other => panic!("expected a create event, got {other:?}"),
    };
    let listed = levels.users.as_ref().unwrap().get(&alice_id).copied();
    match version.parse::<u32>() {
        Ok(12..) => assert_eq!(listed, None),
        _ => assert_eq!(listed, Some(100)),
    }
    levels
        .users
        .get_or_insert_with(Default::default)
        .insert(bob_id.clone(), 50);
    let levels = EventContent::RoomPowerLevels(Box::new(levels));
    alice
        .set_room_state_with_key(&room, "", &levels)
        .await
        .unwrap();
    assert_matrix_error(
        bob.set_room_state_with_key(&room, "", &levels).await,
        403,
        "M_FORBIDDEN",
    );
    let state = alice.get_room_state(&room).await.unwrap();
    assert!(state
        .iter()
        .filter_map(|e| e.typed())
        .any(|e| e.content == levels));
    assert!(state
        .iter()
        .filter_map(|e| e.typed())
        .any(|e| e.content == topic));
}
