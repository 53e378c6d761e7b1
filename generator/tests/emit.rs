//! The emitter: snapshots of focused fixtures, and generated crates compiled
//! (and their own tests run) under `#![deny(warnings)]`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{corpus, fixture, read, read_with};
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

/// A scratch directory under the workspace's `target/`, shared by these tests
/// so that the dependencies of generated crates are built once.
fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/scratch")
        .join(name)
}

/// Writes a generated crate as a standalone package and runs `cargo <args>` in it.
fn cargo_in_generated(name: &str, files: &[(String, String)], args: &[&str]) {
    let dir = scratch(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let text = if path == "Cargo.toml" {
            format!("{text}\n[workspace]\n")
        } else {
            text.clone()
        };
        std::fs::write(file, text).unwrap();
    }
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", scratch("target"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed for {name}:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
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
        "alias",
        "binary",
        "collision",
        "names",
        "one_of",
        "placeholder",
        "recursive",
        "statuses",
        "titles",
    ] {
        insta::assert_snapshot!(module, module_text(&files, module));
    }
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
    cargo_in_generated(
        "emit-fixtures",
        &files,
        &[
            "check",
            "--quiet",
            "--no-default-features",
            "--features",
            "client",
        ],
    );
    cargo_in_generated(
        "emit-fixtures",
        &files,
        &[
            "check",
            "--quiet",
            "--no-default-features",
            "--features",
            "server",
        ],
    );
}

fn tree_compiles(tree: &str, api: &str, root: &str) {
    let Some(base) = corpus(tree) else { return };
    let files = generate(&base.join(api), Some(&base.join(root)), tree);
    cargo_in_generated(tree, &files, &["test", "--quiet", "--all-features"]);
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
