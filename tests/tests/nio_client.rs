//! A real Matrix client, matrix-nio, against the reference server.

use std::process::Stdio;
use std::time::Duration;

use matrix_api::events::{EventContent, RoomMessageEventContent, RoomMessageTextContent};
use matrix_api::r0::{client::Client, types};
use matrix_api::runtime::ids::EventId;
use membership_server::rooms::Membership;
use membership_server::MembershipServer;

/// The Python of the test tools' virtualenv, set up by `tests/run`.
fn python() -> Option<std::path::PathBuf> {
    match std::env::var_os("MATRIX_TEST_PYTHON") {
        Some(path) => Some(path.into()),
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "MATRIX_TEST_PYTHON is not set: run `bash tests/run`"
            );
            eprintln!("SKIPPED: MATRIX_TEST_PYTHON is not set; `bash tests/run` sets it");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn nio_logs_in_creates_invites_joins_and_kicks() {
    let Some(python) = python() else { return };
    let server = MembershipServer::new("localhost");
    let (addr, _task) = server.serve(([127, 0, 0, 1], 0).into()).await.unwrap();
    let base = format!("http://{addr}");
    for name in ["alice", "bob"] {
        Client::new(&base)
            .register(
                &types::RegisterQuery::default(),
                &types::RegisterRequest {
                    username: Some(name.into()),
                    password: Some("secret".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/nio_flow.py");
    let output = tokio::process::Command::new(python)
        .args([script, &base, "alice", "bob", "secret"])
        .output()
        .await
        .expect("python runs");
    assert!(
        output.status.success(),
        "the nio flow failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    let room_id = report["room_id"].as_str().unwrap();

    let state = server.state();
    let room = &state.rooms[room_id];
    assert_eq!(room.creator, "@alice:localhost");
    assert_eq!(room.membership("@alice:localhost"), Some(Membership::Join));
    assert_eq!(room.membership("@bob:localhost"), Some(Membership::Leave));
    let kick = room.member_event("@bob:localhost").unwrap();
    assert_eq!(kick.sender, "@alice:localhost");
    match &kick.content {
        EventContent::RoomMember(content) => {
            assert_eq!(content.reason.as_deref(), Some("nio says bye"))
        }
        other => panic!("expected an m.room.member content, got {other:?}"),
    }
}

async fn register(base: &str, name: &str) -> Client {
    let response = Client::new(base)
        .register(
            &types::RegisterQuery::default(),
            &types::RegisterRequest {
                username: Some(name.into()),
                password: Some("secret".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    Client::new(base).with_access_token(response.access_token.unwrap())
}

fn text(body: &str) -> EventContent {
    EventContent::RoomMessage(Box::new(RoomMessageEventContent::Text(Box::new(
        RoomMessageTextContent::new(body),
    ))))
}

/// The id of the first text message in `room` from `sender` with `body`,
/// read from the server's typed store.
fn stored_text(server: &MembershipServer, room: &str, sender: &str, body: &str) -> Option<EventId> {
    let state = server.state();
    state.rooms[room].events.iter().find_map(|event| {
        let EventContent::RoomMessage(message) = &event.content else {
            return None;
        };
        let RoomMessageEventContent::Text(content) = &**message else {
            return None;
        };
        (event.sender == sender && content.body == body).then(|| event.event_id.clone())
    })
}

/// Whether nio's report lists the event `id` from `sender` with `body`.
fn lists(report: &serde_json::Value, key: &str, id: &EventId, sender: &str, body: &str) -> bool {
    report[key].as_array().is_some_and(|texts| {
        texts
            .iter()
            .any(|t| t["event_id"] == id.as_str() && t["sender"] == sender && t["body"] == body)
    })
}

/// nio joins a room the Rust client wrote in, sends a text with
/// `room_send`, and reads the room back with `sync` and `room_messages`;
/// the server keeps nio's message typed, and a reply from the Rust client
/// reaches nio's long-polling sync.
#[tokio::test(flavor = "multi_thread")]
async fn nio_sends_and_receives_messages() {
    let Some(python) = python() else { return };
    let server = MembershipServer::new("localhost");
    let (addr, _task) = server.serve(([127, 0, 0, 1], 0).into()).await.unwrap();
    let base = format!("http://{addr}");
    let alice = register(&base, "alice").await;
    register(&base, "bob").await;
    let room = alice
        .create_room(&types::CreateRoomRequest {
            preset: Some(types::CreateRoomRequestPreset::PublicChat),
            name: Some("nio and Rust".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .room_id;
    let hello = alice
        .send_message(&room, "hello", &text("Hello from Rust"))
        .await
        .unwrap()
        .event_id;

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/py/nio_messages.py");
    let mut nio = tokio::process::Command::new(python)
        .args([script, &base, "bob", "secret", &room])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python runs");
    // Once nio's message is on the server, typed, the Rust client replies.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let from_nio = loop {
        if let Some(id) = stored_text(&server, &room, "@bob:localhost", "Hello from matrix-nio") {
            break id;
        }
        let exited = nio.try_wait().unwrap().is_some();
        if exited || tokio::time::Instant::now() > deadline {
            let output = nio.wait_with_output().await.unwrap();
            panic!(
                "nio's message never reached the server:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let reply = alice
        .send_message(&room, "reply", &text("Reply from Rust"))
        .await
        .unwrap()
        .event_id;

    let output = nio.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "the nio flow failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    assert_eq!(report["sent_event_id"], from_nio.as_str());
    let own = ("@bob:localhost", "Hello from matrix-nio");
    let rusts = ("@alice:localhost", "Hello from Rust");
    for key in ["synced", "paged"] {
        assert!(
            lists(&report, key, &hello, rusts.0, rusts.1),
            "{key}: {report}"
        );
        assert!(
            lists(&report, key, &from_nio, own.0, own.1),
            "{key}: {report}"
        );
    }
    assert!(
        lists(
            &report,
            "replies",
            &reply,
            "@alice:localhost",
            "Reply from Rust"
        ),
        "{report}"
    );
}
