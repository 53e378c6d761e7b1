//! Helpers shared by the generator's integration tests.
#![allow(dead_code)] // each test binary uses its own subset

pub mod event_examples;
pub mod spec_repository;

use std::path::{Path, PathBuf};
use std::process::Command;

use matrix_codegen::{model::Api, Placeholders, ReadOptions, Spec};

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// `../shared/corpus/<tree>` beside the project. Missing corpus: `None`, except
/// under CI, where a missing corpus fails the test instead of skipping it.
pub fn corpus(tree: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(tree);
    if path.is_dir() {
        return Some(path.canonicalize().expect("corpus path resolves"));
    }
    let message = format!("the Matrix spec corpus is missing at {}", path.display());
    assert!(
        std::env::var_os("CI").is_none(),
        "{message}: CI must have it"
    );
    eprintln!("SKIPPED: {message}");
    None
}

pub fn read(input: &Path, root: Option<&Path>) -> Spec {
    read_with(input, root, Placeholders::default())
}

pub fn read_with(input: &Path, root: Option<&Path>, placeholders: Placeholders) -> Spec {
    matrix_codegen::read_spec(&ReadOptions {
        input: input.to_path_buf(),
        root: root.map(Path::to_path_buf),
        placeholders,
        limits: Default::default(),
        allow_missing_refs: false,
    })
    .unwrap_or_else(|e| panic!("reading {} failed:\n{e}", input.display()))
}

pub fn api<'a>(spec: &'a Spec, name: &str) -> &'a Api {
    spec.apis
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no API `{name}`"))
}

/// Runs the CLI; returns exit code and stderr.
pub fn cli(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_matrix-codegen"))
        .args(args)
        .current_dir(fixture(""))
        .output()
        .expect("the CLI runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The Python of the test tools' virtualenv (see `tests/py/requirements.txt`),
/// set up by the README's test command. Missing: `None`, or a failure under CI.
pub fn python_tools() -> Option<PathBuf> {
    let path = std::env::var_os("MATRIX_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python"));
    if path.is_file() {
        return Some(path);
    }
    let message = format!("the test tools' Python is missing at {}", path.display());
    assert!(
        std::env::var_os("CI").is_none(),
        "{message}: run the README's test command"
    );
    eprintln!("SKIPPED: {message}");
    None
}

/// A scratch directory under the workspace's `target/`, shared by the tests
/// so that the dependencies of generated crates are built once.
pub fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/scratch")
        .join(name)
}

/// Writes a generated crate as a standalone package and runs `cargo <args>` in
/// it; returns what the command printed.
pub fn cargo_in_generated(name: &str, files: &[(String, String)], args: &[&str]) -> String {
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
        // Each crate is rewritten before it is built: an incremental cache
        // per feature set would only fill the disk.
        .env("CARGO_INCREMENTAL", "0")
        // Documentation is part of the output: a broken link fails `cargo doc`.
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {}` failed for {name}:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
