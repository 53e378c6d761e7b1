//! `diff` over real releases of the spec, from its own git repository
//! (`../shared/matrix-spec.bundle`), checked against the spec's changelog:
//! for `client_server/r0.6.1` -> `v1.1` and `v1.18` -> `v1.19`, which of the
//! changelog's API entries the diff finds and which it cannot see.

use std::path::Path;
use std::process::Command;

#[path = "diff/changelog.rs"]
mod changelog;
mod common;

use common::spec_repository::{checkout, spec_repository};

use changelog::{changelog, compare};
use matrix_codegen::diff::{self, Change, Diff, Kind};

fn diff_tags(repo: &Path, old: &str, new: &str) -> Diff {
    let read = |tag: &str| {
        let options = diff::tree_options(&checkout(repo, tag), false).unwrap();
        matrix_codegen::read_spec(&options).unwrap_or_else(|e| panic!("{tag}:\n{e}"))
    };
    diff::diff(&read(old), &read(new), old, new)
}

fn changes<'d>(diff: &'d Diff, kind: &str) -> Vec<&'d Change> {
    diff.changes
        .iter()
        .filter(|c| c.kind.name() == kind)
        .collect()
}

#[test]
fn r0_6_1_to_v1_1_against_the_changelog() {
    let Some(repo) = spec_repository() else {
        return;
    };
    let diff = diff_tags(&repo, "client_server/r0.6.1", "v1.1");
    // The v1.1 tag predates the per-release changelog files: read its entry
    // from the newest tree, which has them all.
    let text = std::fs::read_to_string(checkout(&repo, "v1.19").join("content/changelog/v1.1.md"))
        .unwrap();
    let figures = compare(&diff, &changelog(&text));
    // (found, not found) among change entries, then among clarifications.
    assert_eq!(figures.counts(), ((12, 21), (5, 37)));
    for words in [
        "`/room_keys/*`",
        "`POST /keys/device_signing/upload`",
        "`/knock`",
        "`reason` and `score`",
        "`device_id` to `/account/whoami`",
        "Re-version all endpoints",
        "`/make_knock`",
        "`GET /_matrix/identity/versions`",
    ] {
        assert!(figures.found(words), "{words}");
    }
    // Named by no endpoint or field: the diff shows it, the test cannot tell.
    assert!(!figures.found("The v1 identity service API has been removed"));

    // Every client-server endpoint kept moves from r0 to v3, and only in its version.
    let breaking = diff.changes.iter().filter(|c| c.breaking).count();
    assert_eq!(
        (diff.changes.len(), breaking),
        (218, 50),
        "(changes, breaking)"
    );
    let versions = changes(&diff, "path_version_changed");
    assert_eq!(versions.len(), 118);
    assert!(versions.iter().all(|c| match &c.kind {
        Kind::PathVersionChanged { from, to } =>
            from.replace("/r0/", "/v3/") == *to && c.api == "client-server" && !c.breaking,
        _ => false,
    }));
    assert!(changes(&diff, "path_moved").is_empty());
    // The identity service's `api/v1` is gone; its `v2` stays.
    let removed = changes(&diff, "operation_removed");
    assert_eq!(removed.len(), 17);
    assert!(removed.iter().all(|c| c.api == "identity"
        && c.path.starts_with("/_matrix/identity/api/v1")
        && c.breaking));
    let added: Vec<String> = changes(&diff, "operation_added")
        .iter()
        .map(|c| format!("{} {}", c.method, c.path))
        .collect();
    for endpoint in [
        "POST /_matrix/client/v3/keys/device_signing/upload",
        "POST /_matrix/client/v3/knock/{roomIdOrAlias}",
        "GET /_matrix/identity/versions",
        "PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}",
    ] {
        assert!(added.iter().any(|a| a == endpoint), "{endpoint}: {added:?}");
    }
    let has = |id: &str, location: &str, kind: &str| {
        diff.changes
            .iter()
            .any(|c| c.operation_id == id && c.location == location && c.kind.name() == kind)
    };
    assert!(has(
        "getTokenOwner",
        "response(200).device_id",
        "field_added"
    ));
    assert!(has(
        "sendToDevice",
        "body.messages",
        "field_required_changed"
    ));
    assert!(has("reportContent", "body.score", "field_required_changed"));
    assert!(has("setPushRuleActions", "body.actions[]", "retyped"));
}

#[test]
fn v1_18_to_v1_19_against_the_changelog() {
    let Some(repo) = spec_repository() else {
        return;
    };
    let diff = diff_tags(&repo, "v1.18", "v1.19");
    let text = std::fs::read_to_string(checkout(&repo, "v1.19").join("content/changelog/v1.19.md"))
        .unwrap();
    let figures = compare(&diff, &changelog(&text));
    assert_eq!(figures.counts(), ((2, 5), (3, 18)));
    assert!(figures.found("`GET /_matrix/client/v1/mutual_rooms`"));
    assert!(figures.found("`unsigned.replaces_state`"));
    assert!(figures
        .clarifications_found
        .iter()
        .any(|f| f.contains("`GET /_matrix/federation/v1/query/profile`")));

    let added: Vec<&str> = changes(&diff, "operation_added")
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(added, ["/_matrix/client/v1/mutual_rooms"]);
    assert!(changes(&diff, "operation_removed").is_empty());
    assert!(diff.changes.iter().all(|c| !c.breaking));
    assert_eq!(diff.changes.len(), 284);
    assert_eq!(changes(&diff, "format_changed").len(), 249);
    // `unsigned.replaces_state` in every answer that holds client events.
    let replaces_state = diff
        .changes
        .iter()
        .filter(|c| c.location.ends_with(".unsigned.replaces_state"))
        .count();
    assert!(replaces_state > 20, "{replaces_state}");
    // The string formats the spec now names.
    assert!(diff.changes.iter().any(|c| c.operation_id == "createRoom"
        && c.location == "response(200).room_id"
        && c.kind
            == Kind::FormatChanged {
                from: "string".into(),
                to: "string (mx-room-id)".into(),
            }));
}

#[test]
fn the_command_line_writes_text_and_json() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_matrix-codegen"))
            .arg("diff")
            .args(args)
            .current_dir(&fixtures)
            .output()
            .expect("the CLI runs");
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
        (
            output.status.code(),
            text(output.stdout),
            text(output.stderr),
        )
    };
    let (code, text, _) = run(&["old", "new"]);
    assert_eq!(code, Some(0));
    assert!(text.starts_with("changes from old to new\n"), "{text}");
    assert!(text.contains("  ! moved from /_matrix/client/r0/pushrules/{scope}/{kind}\n"));
    let (code, json, _) = run(&["old", "new", "--format", "json"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["summary"]["breaking"], 12);
    let (code, out, err) = run(&["old", "missing"]);
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    assert!(
        err.starts_with("error: missing is not a spec tree"),
        "{err}"
    );
}
