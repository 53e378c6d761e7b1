//! A real Matrix client, matrix-nio, against the reference server.

use matrix_api::events::EventContent;
use matrix_api::r0::{client::Client, types};
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
