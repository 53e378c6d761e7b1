//! A client merged from several releases (`tests/run` generates it from
//! r0.6.1, v1.1, v1.7 and v1.19 as the package `matrix-merged`) against
//! Synapse, which lists both `r0.x` and `v1.x` in `/versions`: the membership
//! flow runs on the `v3` paths Synapse's newest version calls for, then again
//! with the client told that the server speaks `r0.6.1` only, on `r0` paths.
//! An operation none of the server's versions has fails before it is sent.
//!
//! Then the same crate's server side: the reference membership server on the
//! merged traits, advertising `r0.6.1` only. The negotiating client calls it
//! on `r0` paths and matrix-nio on `v3` paths, and both flows pass.

use matrix_merged::client_server::client::Client;
use matrix_merged::client_server::types;
use matrix_merged::runtime::client::Error;

use crate::merged_server::{R0Server, ADVERTISED};
use crate::proxy::Proxy;
use crate::world::{unique, PASSWORD};

pub async fn run(synapse: &str) {
    let proxy = Proxy::start(synapse).await;
    membership(&proxy, None).await;
    assert_paths(&proxy, "/v3/");

    let proxy = Proxy::start(synapse).await;
    membership(&proxy, Some("r0.6.1")).await;
    assert_paths(&proxy, "/r0/");

    // Added in v1.15: not in r0.6.1, so refused without a request.
    let proxy = Proxy::start(synapse).await;
    let r0 = Client::new(&proxy.url).with_versions(["r0.6.1"]);
    let summary = r0
        .get_room_summary("!room:example.org", &Default::default())
        .await;
    match summary {
        Err(Error::Unsupported {
            operation,
            server_versions,
        }) => {
            assert_eq!(operation, "getRoomSummary");
            assert_eq!(server_versions, ["r0.6.1"]);
        }
        other => panic!("getRoomSummary on an r0.6.1 server: {other:?}"),
    }
    assert_eq!(proxy.requested(), Vec::<String>::new(), "nothing was sent");
}

/// The r0-only reference server: the client reads its `/versions` and keeps
/// to `r0`; matrix-nio (given by `python`) speaks `v3` to the same routes.
pub async fn against_the_r0_server(python: Option<std::path::PathBuf>) {
    let server = R0Server::start().await;
    let proxy = Proxy::start(&server).await;
    membership(&proxy, None).await;
    assert_paths(&proxy, "/r0/");
    assert!(
        proxy
            .requested()
            .contains(&"GET /_matrix/client/versions".to_owned()),
        "the client asked the server which versions it speaks"
    );

    let Some(python) = python else { return };
    let proxy = Proxy::start(&server).await;
    let register = Client::new(&proxy.url).with_versions([ADVERTISED]);
    for name in ["nio_alice", "nio_bob"] {
        let body = types::RegisterRequest {
            username: Some(name.to_owned()),
            password: Some(PASSWORD.to_owned()),
            ..Default::default()
        };
        register
            .register(&types::RegisterQuery::default(), &body)
            .await
            .expect("the r0 server registers the user");
    }
    let before = proxy.requested().len();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../py/nio_flow.py");
    let output = tokio::process::Command::new(python)
        .args([script, &proxy.url, "nio_alice", "nio_bob", PASSWORD])
        .output()
        .await
        .expect("python runs");
    assert!(
        output.status.success(),
        "the nio flow against the r0 server failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let nio_calls = &proxy.requested()[before..];
    assert!(nio_calls.len() >= 6, "nio made its calls: {nio_calls:?}");
    for call in nio_calls {
        assert!(call.contains("/v3/"), "nio called {call}, not a v3 path");
    }
}

/// Every client-server request but `/versions` went to a path with `segment`.
fn assert_paths(proxy: &Proxy, segment: &str) {
    let requested = proxy.requested();
    let calls: Vec<&String> = requested
        .iter()
        .filter(|r| !r.ends_with("/_matrix/client/versions"))
        .collect();
    assert!(calls.len() >= 8, "the flow made its calls: {requested:?}");
    for call in calls {
        assert!(call.contains(segment), "{call} is not on a {segment} path");
    }
}

/// Alice makes a room and invites Bob, who joins and leaves; each step is
/// seen in the room's members. With `versions`, the clients are told what
/// the server speaks instead of asking it.
async fn membership(proxy: &Proxy, versions: Option<&str>) {
    let client = |token: Option<String>| {
        let client = Client::new(&proxy.url);
        let client = match versions {
            Some(version) => client.with_versions([version]),
            None => client,
        };
        match token {
            Some(token) => client.with_access_token(token),
            None => client,
        }
    };
    let register = |name: &str| {
        let body = types::RegisterRequest {
            username: Some(unique(name)),
            password: Some(PASSWORD.to_owned()),
            auth: Some(types::AuthenticationData {
                r#type: Some("m.login.dummy".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let anonymous = client(None);
        async move {
            let registered = anonymous
                .register(&types::RegisterQuery::default(), &body)
                .await
                .expect("Synapse registers the user");
            let token = registered.access_token.expect("registration logs in");
            (client(Some(token)), registered.user_id)
        }
    };
    let (alice, _) = register("negotiated_alice").await;
    let (bob, bob_id) = register("negotiated_bob").await;

    let room = alice
        .create_room(&types::CreateRoomRequest::default())
        .await
        .expect("Synapse creates the room")
        .room_id;
    let invite = types::InviteUserRequest::new(bob_id.clone());
    alice
        .invite_user(&room, &invite)
        .await
        .expect("Alice invites Bob");
    bob.join_room_by_id(&room, &Default::default())
        .await
        .expect("Bob joins");
    let members = alice
        .get_joined_members_by_room(&room)
        .await
        .expect("Alice lists the members");
    assert!(members
        .joined
        .unwrap_or_default()
        .contains_key(bob_id.as_str()));
    bob.leave_room(&room, &Default::default())
        .await
        .expect("Bob leaves");
    let members = alice
        .get_joined_members_by_room(&room)
        .await
        .expect("Alice lists the members again");
    assert!(!members
        .joined
        .unwrap_or_default()
        .contains_key(bob_id.as_str()));
}
