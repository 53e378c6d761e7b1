//! The reader against the real Matrix spec trees in `../shared/corpus`.
//! The expected counts are those of `../shared/QUIRKS.md`.

mod common;

use std::collections::BTreeMap;

use common::{corpus, python_tools, read};
use matrix_codegen::{model::Api, Spec};

/// Operations per API as the bundle holds them: merged routes count each original.
fn bundled_operations(api: &Api) -> usize {
    let bundle = serde_json::to_value(&api.openapi).unwrap();
    bundle["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["x-matrix-operations"].as_array().map_or(1, Vec::len))
        .sum()
}

fn counts(spec: &Spec) -> BTreeMap<&str, usize> {
    spec.apis
        .iter()
        .map(|api| {
            assert_eq!(
                bundled_operations(api),
                api.operations.len(),
                "{}",
                api.name
            );
            (api.name.as_str(), api.operations.len())
        })
        .collect()
}

fn ids(spec: &Spec, method: &str, path: &str) -> Vec<String> {
    spec.apis
        .iter()
        .flat_map(|a| &a.operations)
        .filter(|o| o.method == method && o.path == path)
        .map(|o| o.id.clone())
        .collect()
}

fn check_common(spec: &Spec) {
    for op in spec.apis.iter().flat_map(|a| &a.operations) {
        assert_eq!(op.path.trim(), op.path, "untrimmed path");
        assert!(!op.path.contains('%'), "placeholder left in {}", op.path);
    }
}

/// Every bundle is an OpenAPI 3.0 document that `openapi-spec-validator` accepts.
fn validate_bundles(spec: &Spec, tree: &str) {
    let Some(python) = python_tools() else { return };
    let dir = std::env::temp_dir().join(format!("matrix-codegen-bundles-{tree}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for api in &spec.apis {
        let file = dir.join(format!("{}.json", api.name.replace('/', "_")));
        std::fs::write(&file, serde_json::to_string(&api.openapi).unwrap()).unwrap();
        let output = std::process::Command::new(&python)
            .args(["-m", "openapi_spec_validator"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{} does not validate:\n{}{}",
            api.name,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn read_tree(tree: &str, api_dir: &str, root: &str) -> Option<Spec> {
    let base = corpus(tree)?;
    Some(read(&base.join(api_dir), Some(&base.join(root))))
}

#[test]
fn v1_2015() {
    let Some(spec) = read_tree("v1-2015", "api", ".") else {
        return;
    };
    check_common(&spec);
    assert_eq!(
        counts(&spec),
        BTreeMap::from([("client-server/v1", 47), ("client-server/v2_alpha", 5)])
    );
    let invite = "/_matrix/client/api/v1/rooms/{roomId}/invite";
    assert_eq!(ids(&spec, "post", invite).len(), 2);
    assert_eq!(ids(&spec, "get", "/_matrix/client/api/v1/events").len(), 2);
    let join = spec.apis[0]
        .operations
        .iter()
        .find(|o| o.path == "/_matrix/client/api/v1/rooms/{roomId}/join")
        .unwrap();
    assert_eq!(join.aliases, ["/_matrix/client/api/v1/join/{roomId}"]);
    assert!(join.operation.extensions.contains_key("x-alias"));
    validate_bundles(&spec, "v1-2015");
}

#[test]
fn swagger_last() {
    let Some(spec) = read_tree("swagger-last", "data/api", "data") else {
        return;
    };
    check_common(&spec);
    assert_eq!(
        counts(&spec),
        BTreeMap::from([
            ("application-service", 9),
            ("client-server", 150),
            ("identity", 23),
            ("push-gateway", 1),
            ("server-server", 35),
        ])
    );
    let invite = ids(&spec, "post", "/_matrix/client/v3/rooms/{roomId}/invite");
    assert_eq!(invite, ["inviteUser", "inviteBy3PID"]);
    validate_bundles(&spec, "swagger-last");
}

#[test]
fn openapi31_latest() {
    let Some(spec) = read_tree("openapi31-latest", "data/api", "data") else {
        return;
    };
    check_common(&spec);
    assert_eq!(
        counts(&spec),
        BTreeMap::from([
            ("application-service", 9),
            ("client-server", 166),
            ("identity", 23),
            ("push-gateway", 1),
            ("server-server", 36),
        ])
    );
    let invite = ids(&spec, "post", "/_matrix/client/v3/rooms/{roomId}/invite");
    assert_eq!(invite, ["inviteUser", "inviteBy3PID"]);
    let mut events = ids(&spec, "get", "/_matrix/client/v3/events");
    events.sort();
    assert_eq!(events, ["getEvents", "peekEvents"]);
    // operationIds repeat across APIs without clashing: each API is its own namespace.
    let versions = spec
        .apis
        .iter()
        .filter(|a| a.operations.iter().any(|o| o.id == "getVersions"))
        .count();
    assert!(versions >= 2, "getVersions is expected in several APIs");
    validate_bundles(&spec, "openapi31-latest");
}

#[test]
fn reading_twice_gives_identical_bundles() {
    let Some(base) = corpus("swagger-last") else {
        return;
    };
    let render = || {
        read(&base.join("data/api"), Some(&base.join("data")))
            .apis
            .iter()
            .map(|a| serde_json::to_string(&a.openapi).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(render(), render());
}

#[test]
fn the_tree_root_is_required_for_refs_out_of_the_api_directory() {
    let Some(base) = corpus("swagger-last") else {
        return;
    };
    let error = matrix_codegen::read_spec(&matrix_codegen::ReadOptions {
        input: base.join("data/api"),
        root: None,
        placeholders: Default::default(),
        limits: Default::default(),
        allow_missing_refs: false,
    })
    .unwrap_err();
    assert!(
        error.to_string().contains("leaves the allowed root"),
        "{error}"
    );
}

/// No input makes the reader panic: every file of every tree read as if it were
/// an API root, and every API root cut short at several places.
#[test]
fn no_input_panics() {
    let trees: Vec<_> = ["v1-2015", "swagger-last", "openapi31-latest"]
        .iter()
        .filter_map(|tree| corpus(tree))
        .collect();
    let scratch = std::env::temp_dir().join(format!("matrix-codegen-cut-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut inputs = 0;
    for tree in &trees {
        for entry in walkdir::WalkDir::new(tree)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let read = |input: &std::path::Path| {
                let options = matrix_codegen::ReadOptions {
                    input: input.to_path_buf(),
                    root: Some(tree.clone()),
                    placeholders: Default::default(),
                    limits: Default::default(),
                    allow_missing_refs: false,
                };
                let outcome =
                    std::panic::catch_unwind(|| matrix_codegen::read_spec(&options).map(|_| ()));
                assert!(outcome.is_ok(), "reading {} panicked", input.display());
            };
            read(path);
            inputs += 1;
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if !(text.contains("swagger:") || text.contains("openapi:")) {
                continue;
            }
            // The same root, cut short: in the middle of keys, values and lines.
            for fraction in [7, 3, 2] {
                let mut cut = text.len() * (fraction - 1) / fraction;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let copy = path.with_file_name(format!(
                    ".cut-{fraction}-{}",
                    path.file_name().unwrap().to_string_lossy()
                ));
                let copy = scratch.join(copy.file_name().unwrap());
                std::fs::write(&copy, &text[..cut]).unwrap();
                let options = matrix_codegen::ReadOptions {
                    input: copy.clone(),
                    root: None,
                    placeholders: Default::default(),
                    limits: Default::default(),
                    allow_missing_refs: false,
                };
                let outcome =
                    std::panic::catch_unwind(|| matrix_codegen::read_spec(&options).map(|_| ()));
                assert!(
                    outcome.is_ok(),
                    "reading {} cut at {cut} panicked",
                    path.display()
                );
                inputs += 1;
            }
        }
    }
    std::fs::remove_dir_all(&scratch).unwrap();
    assert!(
        trees.is_empty() || inputs > 1000,
        "only {inputs} inputs were read"
    );
}
