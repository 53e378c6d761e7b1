//! The emitter: snapshots of focused fixtures, and generated crates compiled
//! (and their own tests run) under `#![deny(warnings)]`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{cargo_in_generated, corpus, fixture, read, read_with, scratch};
use matrix_codegen::emit::CrateOptions;

fn options(source: &str) -> CrateOptions {
    CrateOptions {
        name: "matrix-api".to_owned(),
        version: "0.0.0".to_owned(),
        source: source.to_owned(),
    }
}

fn generate(input: &Path, root: Option<&Path>, source: &str) -> Vec<(String, String)> {
    let spec = read(input, root);
    matrix_codegen::generate(&spec, &options(source)).unwrap()
}

fn module_text(files: &[(String, String)], module: &str) -> String {
    ["types.rs", "server.rs", "client.rs", "metadata.rs"]
        .iter()
        .map(|file| {
            let path = format!("src/{module}/{file}");
            let text = &files.iter().find(|(p, _)| *p == path).unwrap().1;
            format!("===== {file}\n{text}")
        })
        .collect()
}

#[test]
fn fixture_snapshots() {
    let files = generate(&fixture("emit"), None, "tests/fixtures/emit");
    for module in [
        "all_of",
        "areas",
        "alias",
        "binary",
        "collision",
        "empty",
        "names",
        "one_of",
        "placeholder",
        "query_json",
        "recursive",
        "statuses",
        "titles",
    ] {
        insta::assert_snapshot!(module, module_text(&files, module));
    }
    let (warnings, files) = events_fixture();
    let events = &files.iter().find(|(p, _)| p == "src/events.rs").unwrap().1;
    insta::assert_snapshot!("events", format!("{warnings}===== events.rs\n{events}"));
}

/// The tree of `fixtures/events`: one event type, a family of one member,
/// and `stripped_state.yaml`, which is no event type. Its warnings, as
/// printed, and its files.
fn events_fixture() -> (String, Vec<(String, String)>) {
    let spec = read(&fixture("events/api"), Some(&fixture("events")));
    let warnings = spec.warnings.iter().map(ToString::to_string).collect();
    let files = matrix_codegen::generate(&spec, &options("tests/fixtures/events")).unwrap();
    (warnings, files)
}

/// A lone event type (and a family of one member) is decoded by an `if`, not
/// a `match` of one arm, which clippy's `single_match` refuses.
#[test]
fn a_tree_with_one_event_type_passes_clippy() {
    let (warnings, files) = events_fixture();
    assert!(
        warnings.contains("stripped_state.yaml:10:5 at #/properties/type"),
        "the warning names the file, line and column of `type`:\n{warnings}"
    );
    let events = &files.iter().find(|(p, _)| p == "src/events.rs").unwrap().1;
    assert!(!events.contains("StrippedState"), "{events}");
    cargo_in_generated(
        "events-fixture",
        &files,
        &[
            "clippy",
            "--quiet",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    );
}

#[test]
fn fixture_crate_compiles_and_passes_its_tests() {
    let files = generate(&fixture("emit"), None, "tests/fixtures/emit");
    cargo_in_generated(
        "emit-fixtures",
        &files,
        &["test", "--quiet", "--all-features"],
    );
    // Each half alone, as a downstream crate that needs only one would build it.
    for half in ["client,all-areas", "server,all-areas"] {
        cargo_in_generated(
            "emit-fixtures",
            &files,
            &[
                "check",
                "--quiet",
                "--no-default-features",
                "--features",
                half,
            ],
        );
    }
}

/// Every area alone, and none, compiles without a warning: each type is
/// compiled with every area that reaches it, each route and dispatcher
/// branch with its operation's area, and nothing is left unused.
#[test]
fn fixture_crate_compiles_with_each_area_alone() {
    let files = generate(&fixture("emit"), None, "tests/fixtures/emit");
    let manifest = &files.iter().find(|(p, _)| p == "Cargo.toml").unwrap().1;
    // An area's feature is the one-line kind: `name = []` or `name = ["events"]`.
    let areas: Vec<&str> = manifest
        .lines()
        .filter_map(|line| {
            let (name, list) = line.split_once(" = ")?;
            (["[]", r#"["events"]"#].contains(&list) && name != "events").then_some(name)
        })
        .collect();
    assert!(areas.len() > 12, "one feature per area: {areas:?}");
    cargo_in_generated(
        "emit-fixture-areas",
        &files,
        &[
            "clippy",
            "--quiet",
            "--all-targets",
            "--no-default-features",
            "--features",
            "client,server",
            "--",
            "-D",
            "warnings",
        ],
    );
    for area in areas {
        let features = format!("client,server,{area}");
        cargo_in_generated(
            "emit-fixture-areas",
            &files,
            &[
                "check",
                "--quiet",
                "--all-targets",
                "--no-default-features",
                "--features",
                &features,
            ],
        );
    }
}

/// The check for a content typed by its path's event type, in the examples test.
const CHECK_CONTENT: &str = r#"/// A content read by the event type of its path, then written without it.
fn check_content(id: &str, event_type: &str, json: &str, failures: &mut Vec<String>) {
    let expected: serde_json::Value = serde_json::from_str(json).unwrap();
    let content = matrix_api::events::EventContent::from_parts(event_type.to_owned(), expected.clone());
    if event_type.starts_with("m.") && matches!(content, matrix_api::events::EventContent::Other { .. }) {
        failures.push(format!("{id}\tis not a typed {event_type} content"));
    }
    let back = serde_json::to_value(content.content()).unwrap();
    if let Some(diff) = difference(&without_nulls(expected), &without_nulls(back), String::new()) {
        failures.push(format!("{id}\tchanges on the way back: {diff}"));
    }
}

"#;

/// A test file for the generated crate: every body example of the spec is read
/// into its type and written back. `null` and an absent field are the same
/// value to an optional field, so nulls are left out of the comparison.
fn examples_test(spec: &matrix_codegen::Spec, event_examples: &Path) -> (String, usize) {
    let mut checks = String::new();
    let mut count = 0;
    let mut check_event = "";
    let mut check_content = "";
    if let Some(events) = &spec.events {
        let (event_checks, event_count) = common::event_examples::checks(events, event_examples);
        checks.push_str(&event_checks);
        count += event_count;
        check_event = common::event_examples::CHECK_EVENT;
    }
    for api in &spec.apis {
        let ir = matrix_codegen::ir::build_with(api, spec.events.is_some());
        for example in matrix_codegen::ir::examples::body_examples(api, &ir) {
            let json = serde_json::to_string(&example.json).unwrap();
            if example.ty == matrix_codegen::ir::types::Ty::EventContentBody {
                // A content alone, typed by the event type its path names.
                let Some(event_type) = &example.event_type else {
                    panic!(
                        "{}: no example of the path's event type to read it by",
                        example.id
                    );
                };
                checks.push_str(&format!(
                    "    check_content({:?}, {event_type:?}, {json:?}, &mut failures);\n",
                    example.id
                ));
                check_content = CHECK_CONTENT;
            } else {
                let ty =
                    matrix_codegen::emit::type_path(&example.ty, "matrix_api", &example.module);
                checks.push_str(&format!(
                    "    check::<{ty}>({:?}, {json:?}, &mut failures);\n",
                    example.id
                ));
            }
            count += 1;
        }
    }
    let text = format!(
        r#"//! Written by matrix-codegen's tests: the spec's body examples, round-tripped.

fn without_nulls(value: serde_json::Value) -> serde_json::Value {{
    match value {{
        serde_json::Value::Object(map) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, without_nulls(v)))
            .collect(),
        serde_json::Value::Array(items) => items.into_iter().map(without_nulls).collect(),
        other => other,
    }}
}}

/// The first place where two values differ, as a JSON pointer with both sides.
fn difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {{
    use serde_json::Value::{{Array, Object}};
    match (a, b) {{
        (Object(x), Object(y)) => x
            .keys()
            .chain(y.keys())
            .find_map(|k| match (x.get(k), y.get(k)) {{
                (Some(p), Some(q)) => difference(p, q, format!("{{at}}/{{k}}")),
                (p, q) => Some(format!("{{at}}/{{k}}: {{p:?}} became {{q:?}}")),
            }}),
        (Array(x), Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, format!("{{at}}/{{i}}"))),
        // `number` reads 37 as 37.0: the same number.
        (serde_json::Value::Number(x), serde_json::Value::Number(y)) if x.as_f64() == y.as_f64() => None,
        _ if a == b => None,
        _ => Some(format!("{{at}}: {{a}} became {{b}}")),
    }}
}}

fn check<T: serde::de::DeserializeOwned + serde::Serialize>(id: &str, json: &str, failures: &mut Vec<String>) {{
    let expected: serde_json::Value = serde_json::from_str(json).unwrap();
    match serde_json::from_value::<T>(expected.clone()) {{
        Err(e) => failures.push(format!("{{id}}\tdoes not deserialize: {{e}}")),
        Ok(value) => {{
            let back = serde_json::to_value(&value).unwrap();
            if let Some(diff) = difference(&without_nulls(expected), &without_nulls(back), String::new()) {{
                failures.push(format!("{{id}}\tchanges on the way back: {{diff}}"));
            }}
        }}
    }}
}}

{check_content}{check_event}
#[test]
fn examples_round_trip() {{
    let mut failures = Vec::new();
{checks}    for failure in &failures {{
        println!("FAILURE {{failure}}");
    }}
}}
"#
    );
    (text, count)
}

/// The examples a tree's spec gets wrong: `id<TAB>reason` per line.
fn known_defects(tree: &str) -> std::collections::BTreeMap<String, String> {
    let path = fixture(&format!("example_defects/{tree}.tsv"));
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, reason)| (id.to_owned(), reason.to_owned()))
        .collect()
}

fn tree_compiles(tree: &str, api: &str, root: &str) {
    let Some(base) = corpus(tree) else { return };
    let spec = read(&base.join(api), Some(&base.join(root)));
    let mut files = matrix_codegen::generate(&spec, &options(tree)).unwrap();
    let (examples, count) = examples_test(&spec, &base.join(root).join("event-schemas/examples"));
    files.push(("tests/examples.rs".to_owned(), examples));
    let stdout = cargo_in_generated(
        tree,
        &files,
        &["test", "--quiet", "--all-features", "--", "--nocapture"],
    );
    // docs.rs builds with every feature; its links must all resolve.
    cargo_in_generated(
        tree,
        &files,
        &["doc", "--quiet", "--no-deps", "--all-features"],
    );
    // The crate as a downstream user lints it (the examples test is ours).
    cargo_in_generated(
        tree,
        &files,
        &[
            "clippy",
            "--quiet",
            "--all-features",
            "--lib",
            "--",
            "-D",
            "warnings",
        ],
    );
    let failures: std::collections::BTreeMap<String, String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FAILURE "))
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, why)| (id.to_owned(), why.to_owned()))
        .collect();
    let known = known_defects(tree);
    eprintln!(
        "{tree}: {count} body and event examples, {} round-trip, {} listed as spec defects",
        count - failures.len(),
        failures.len()
    );
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(id, _)| !known.contains_key(*id))
        .map(|(id, why)| format!("{id}\t{why}"))
        .collect();
    let stale: Vec<&String> = known
        .keys()
        .filter(|id| !failures.contains_key(*id))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{tree}: examples that do not round-trip:\n{}\nlisted defects that now pass: {stale:?}",
        unexpected.join("\n")
    );
    assert!(count > 0, "{tree}: no body examples found");
}

#[test]
fn swagger_last_compiles() {
    tree_compiles("swagger-last", "data/api", "data");
}

#[test]
fn openapi31_latest_compiles() {
    tree_compiles("openapi31-latest", "data/api", "data");
}

#[test]
fn v1_2015_client_server_compiles() {
    tree_compiles("v1-2015", "api/client-server", ".");
}

#[test]
fn output_is_byte_identical_across_runs() {
    let first = generate(&fixture("emit"), None, "x");
    let second = generate(&fixture("emit"), None, "x");
    assert_eq!(first, second);
    for (path, text) in &first {
        if path.ends_with(".rs") || path.ends_with(".toml") {
            assert!(
                text.contains("@generated"),
                "{path} lacks the @generated header"
            );
        }
    }
}

#[test]
fn placeholders_reach_the_emitted_paths() {
    let mut placeholders = matrix_codegen::Placeholders::default();
    placeholders
        .0
        .insert("CLIENT_MAJOR_VERSION".into(), "v3".into());
    let spec = read_with(&fixture("emit/placeholder"), None, placeholders);
    let files = matrix_codegen::generate(&spec, &options("x")).unwrap();
    let client = &files
        .iter()
        .find(|(p, _)| p == "src/placeholder/client.rs")
        .unwrap()
        .1;
    assert!(client.contains("\"/_matrix/client/v3/account/whoami\""));
}

/// A failed run leaves the existing output as it was; a directory the tool did
/// not write is never overwritten; `--check` tells drift apart.
#[test]
fn output_is_written_atomically() {
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_matrix-codegen"))
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    let out = scratch("atomic/out");
    let _ = std::fs::remove_dir_all(scratch("atomic"));
    let good = fixture("emit/placeholder");
    let bad = fixture("read/missing-file");
    let (good, bad, out_str) = (
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        out.to_str().unwrap(),
    );

    assert_eq!(cli(&["generate", good, "--out", out_str]), Some(0));
    let before = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert_eq!(
        cli(&["generate", good, "--out", out_str, "--check"]),
        Some(0)
    );
    assert_eq!(cli(&["generate", bad, "--out", out_str]), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        before
    );

    std::fs::write(out.join("src/lib.rs"), "// edited by hand\n").unwrap();
    assert_eq!(
        cli(&["generate", good, "--out", out_str, "--check"]),
        Some(1)
    );
    assert_eq!(cli(&["generate", good, "--out", out_str]), Some(0));
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        before
    );

    let foreign = scratch("atomic/foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("important.txt"), "keep me").unwrap();
    assert_eq!(
        cli(&["generate", good, "--out", foreign.to_str().unwrap()]),
        Some(1)
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("important.txt")).unwrap(),
        "keep me"
    );
}
