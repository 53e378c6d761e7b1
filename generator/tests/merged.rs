//! Several releases of the spec in one crate: endpoints matched across
//! releases, each with its history, and the merged crate built, linted and
//! documented. The releases come from the spec's own repository
//! (`../shared/matrix-spec.bundle`).

mod common;

use std::path::{Path, PathBuf};

use common::spec_repository::spec_repository;
use common::{cargo_in_generated, scratch};
use matrix_codegen::emit::CrateOptions;
use matrix_codegen::model::{History, Operation};
use matrix_codegen::releases::source;
use matrix_codegen::{ReadOptions, Spec};

const RELEASES: &str = "r0.6.1,v1.1,v1.7,v1.19";

fn merged(repo: &Path, selection: &str) -> Spec {
    let dir = scratch("merged-releases");
    let trees: Vec<source::Tree> = source::select(repo, selection)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(release, from)| source::tree(repo, release, &from, &dir).unwrap())
        .collect();
    let options = ReadOptions {
        input: PathBuf::new(),
        root: None,
        placeholders: Default::default(),
        limits: Default::default(),
        allow_missing_refs: false,
    };
    matrix_codegen::read_releases(&trees, &options).unwrap_or_else(|e| panic!("{e}"))
}

fn operation<'a>(spec: &'a Spec, id: &str) -> &'a Operation {
    let mut found = spec
        .apis
        .iter()
        .flat_map(|api| &api.operations)
        .filter(|op| op.id == id);
    let op = found
        .next()
        .unwrap_or_else(|| panic!("no operation `{id}`"));
    assert!(found.next().is_none(), "`{id}` is two operations");
    op
}

fn history<'a>(spec: &'a Spec, id: &str) -> &'a History {
    operation(spec, id)
        .history
        .as_ref()
        .expect("merged operations have a history")
}

fn paths(history: &History) -> Vec<(&str, &str)> {
    history
        .paths
        .iter()
        .map(|(release, path)| (release.as_str(), path.as_str()))
        .collect()
}

#[test]
fn four_releases_make_one_crate_with_each_endpoints_history() {
    let Some(repo) = spec_repository() else {
        return;
    };
    let spec = merged(&repo, RELEASES);
    assert_eq!(spec.releases, ["r0.6.1", "v1.1", "v1.7", "v1.19"]);

    // r0 became v3 in v1.1, and the new path is the one called by default.
    let sync = operation(&spec, "sync");
    assert_eq!(sync.path, "/_matrix/client/v3/sync");
    assert_eq!(sync.aliases, ["/_matrix/client/r0/sync"]);
    let sync = history(&spec, "sync");
    assert_eq!(
        paths(sync),
        [
            ("r0.6.1", "/_matrix/client/r0/sync"),
            ("v1.1", "/_matrix/client/v3/sync"),
            ("v1.7", "/_matrix/client/v3/sync"),
            ("v1.19", "/_matrix/client/v3/sync"),
        ]
    );
    assert_eq!(
        (sync.added.as_str(), &sync.deprecated, &sync.removed),
        ("r0.6.1", &None, &None)
    );

    // A parameter the newest release fixed: the old path takes its value.
    let rule = history(&spec, "getPushRule");
    assert_eq!(
        paths(rule)[0],
        (
            "r0.6.1",
            "/_matrix/client/r0/pushrules/global/{kind}/{ruleId}"
        )
    );

    // Added later; deprecated; removed (and still callable on old servers).
    assert_eq!(history(&spec, "getRoomSummary").added, "v1.19");
    let old_sync = history(&spec, "getEvents");
    assert_eq!(old_sync.deprecated.as_deref(), Some("r0.6.1"));
    assert_eq!(old_sync.removed, None);
    assert_eq!(history(&spec, "peekEvents").paths.len(), 4);
    let display_name = history(&spec, "getDisplayName");
    assert_eq!(display_name.removed.as_deref(), Some("v1.19"));
    // Its v3 path is served by its successor, `getProfileField`'s `{keyName}`.
    let display_name = operation(&spec, "getDisplayName");
    assert_eq!(
        display_name.path,
        "/_matrix/client/r0/profile/{userId}/displayname"
    );
    assert!(display_name.aliases.is_empty());

    // A body is required only where every release required one: r0.6.1 left
    // joining's optional, v1.1 made it required; a kick needed one in every
    // release.
    let body_required = |id| match &operation(&spec, id).operation.request_body {
        Some(openapiv3::ReferenceOr::Item(body)) => body.required,
        other => panic!("{id}: {other:?}"),
    };
    assert!(!body_required("joinRoom"));
    assert!(body_required("kick"));

    // Federation's two versions of one call stay two endpoints.
    let join_v1 = history(&spec, "sendJoinV1");
    let join_v2 = history(&spec, "sendJoinV2");
    assert!(paths(join_v1).iter().all(|(_, p)| p.contains("/v1/")));
    assert!(paths(join_v2).iter().all(|(_, p)| p.contains("/v2/")));

    // Each endpoint once: no two operations of an API on one method and path.
    for api in &spec.apis {
        let mut seen = std::collections::BTreeSet::new();
        for op in &api.operations {
            let key = (&op.method, &op.path, op.discriminator.is_some());
            assert!(
                seen.insert(key) || op.discriminator.is_some(),
                "{}: {} {} twice",
                api.name,
                op.method,
                op.path
            );
        }
    }

    let files = matrix_codegen::generate(
        &spec,
        &CrateOptions {
            name: "matrix-api".into(),
            version: "0.0.0".into(),
            source: RELEASES.into(),
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let lib = &files
        .iter()
        .find(|(path, _)| path == "src/lib.rs")
        .unwrap()
        .1;
    assert!(lib.contains(r#"pub const RELEASES: &[&str] = &["r0.6.1", "v1.1", "v1.7", "v1.19"];"#));
    let versions = &files
        .iter()
        .find(|(path, _)| path == "src/client_server/server.rs")
        .unwrap()
        .1;
    assert!(versions.contains("crate::runtime::server::releases_answer()"));
    cargo_in_generated(
        "merged-releases",
        &files,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
    // Its own tests build each API's router: every release's path of every
    // operation is routed, and axum refuses a table with conflicts.
    cargo_in_generated("merged-releases", &files, &["test", "--quiet", "--lib"]);
    cargo_in_generated("merged-releases", &files, &["doc", "--quiet", "--no-deps"]);
}

/// Releases before r0.3.0 have no `operationId`s: operations that share a
/// route there still meet their later selves, by what tells them apart
/// (`fixtures/releases/no-operation-ids`).
#[test]
fn operations_without_ids_meet_their_later_selves() {
    let fixture = common::fixture("releases/no-operation-ids");
    let selection = format!(
        "r0.2.0={},v1.1={}",
        fixture.join("old").display(),
        fixture.join("new").display()
    );
    let spec = merged(Path::new("."), &selection);
    let mut ids: Vec<&str> = spec.apis[0]
        .operations
        .iter()
        .map(|op| op.id.as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["getEvents", "inviteBy3PID", "inviteUser", "peekEvents"]
    );
    for (id, path) in [
        ("getEvents", "events"),
        ("peekEvents", "events"),
        ("inviteUser", "rooms/{roomId}/invite"),
        ("inviteBy3PID", "rooms/{roomId}/invite"),
    ] {
        let history = history(&spec, id);
        assert_eq!(history.added, "r0.2.0", "{id}");
        assert_eq!(
            paths(history),
            [
                ("r0.2.0", format!("/_matrix/client/r0/{path}").as_str()),
                ("v1.1", format!("/_matrix/client/v3/{path}").as_str()),
            ],
            "{id}"
        );
    }
}
