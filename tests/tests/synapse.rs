//! The generated clients against a real Synapse.
//!
//! `tests/run` starts Synapse and sets `SYNAPSE_URL`. It runs this file twice:
//! against `generated/` (built with `CLIENT_MAJOR_VERSION=r0`) and against
//! bindings it generates with `CLIENT_MAJOR_VERSION=v3`. Without `SYNAPSE_URL`
//! the tests are skipped, except under CI, where they fail.

use matrix_api::events::{
    EventContent, RoomMemberEventContent, RoomMemberEventContentMembership as MemberState,
};
use matrix_api::r0::{client::Client, types};
use matrix_api::runtime::client::Error;

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
