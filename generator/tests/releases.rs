//! Every release of the Matrix spec, from its own git repository
//! (`../shared/matrix-spec.bundle`): each tag alone reads and generates, and
//! the quirks only old releases have are read with located warnings.

mod common;

use common::spec_repository::{api_and_root, checkout, git, spec_repository};

use std::collections::BTreeMap;
use std::path::PathBuf;

use matrix_codegen::{emit::CrateOptions, Limits, Placeholders, ReadOptions};

fn options(input: PathBuf, root: PathBuf, allow_missing_refs: bool) -> ReadOptions {
    ReadOptions {
        input,
        root: Some(root),
        placeholders: Placeholders::default(),
        limits: Limits::default(),
        allow_missing_refs,
    }
}

/// What each warning says, its quoted names set aside, counted.
fn warning_kinds(spec: &matrix_codegen::Spec) -> BTreeMap<String, usize> {
    let mut kinds = BTreeMap::new();
    for warning in &spec.warnings {
        let mut kind = String::new();
        for (i, part) in warning.message.split('`').enumerate() {
            kind.push_str(if i % 2 == 0 { part } else { "_" });
        }
        *kinds.entry(kind).or_default() += 1;
    }
    kinds
}

#[test]
fn every_release_reads_and_generates() {
    let Some(repo) = spec_repository() else {
        return;
    };
    let tags = String::from_utf8(git(&repo, &["tag"])).unwrap();
    let tags: Vec<&str> = tags.lines().collect();
    assert_eq!(tags.len(), 44, "the repository's release tags");
    let mut kinds_by_tag = BTreeMap::new();
    let mut findings_by_tag = BTreeMap::new();
    for tag in &tags {
        let (input, root) = api_and_root(&checkout(&repo, tag));
        // The first release refers to a file it never had (`definitions/error.yaml`).
        let allow_missing_refs = *tag == "0.2.0";
        if allow_missing_refs {
            let error = matrix_codegen::read_spec(&options(input.clone(), root.clone(), false))
                .expect_err("0.2.0's missing schema file is an error by default");
            assert!(error.to_string().contains("--> "), "{error}");
        }
        let spec = matrix_codegen::read_spec(&options(input, root, allow_missing_refs))
            .unwrap_or_else(|e| panic!("{tag}:\n{e}"));
        let crate_options = CrateOptions {
            name: "matrix-api".into(),
            version: "0.0.0".into(),
            source: (*tag).into(),
        };
        matrix_codegen::generate(&spec, &crate_options).unwrap_or_else(|e| panic!("{tag}:\n{e}"));
        for warning in &spec.warnings {
            assert!(
                warning.origin.is_some(),
                "{tag}: an unlocated warning:\n{warning}"
            );
        }
        kinds_by_tag.insert(*tag, warning_kinds(&spec));
        let findings = matrix_codegen::check::check(&spec);
        findings_by_tag.insert(
            *tag,
            (spec.warnings.len(), findings.len() - spec.warnings.len()),
        );
    }
    // The README's figures for `check` over the newest release.
    assert_eq!(
        findings_by_tag["v1.19"],
        (7, 15),
        "v1.19: (from reading, examples)"
    );
    let seen = |tag: &str, needle: &str| {
        kinds_by_tag[tag]
            .iter()
            .any(|(kind, count)| kind.contains(needle) && *count > 0)
    };
    // Each reading of the spec's own build, where the issue found it.
    assert!(seen(
        "client_server/r0.6.1",
        "the target of the _ it sits beside"
    ));
    assert!(seen("v1.1", "the target of the _ it sits beside"));
    assert!(seen(
        "client_server/r0.4.0",
        "is read as a file name with a _ in it"
    ));
    assert!(seen("r0.0.0", "_ has no value; it reads _"));
    assert!(seen("server_server/r0.1.0", "the later value is kept"));
    assert!(seen("server_server/r0.1.0", "draft-3 JSON Schema"));
    assert!(seen("server_server/r0.1.0", "_ is not a JSON Schema type"));
    assert!(seen(
        "client_server/r0.4.0",
        "is not in the path _; it is read as a query parameter"
    ));
    assert!(seen("0.2.0", "read as the empty schema"));
    // `stripped_state.yaml`, beside the event types, is none.
    for tag in ["client_server/r0.5.0", "client_server/r0.6.1", "v1.1"] {
        assert!(seen(tag, "this schema names no event type"));
    }
    // The filters' JSON, named in prose only, in every era that has them.
    for tag in ["client_server/r0.6.1", "v1.1", "v1.19"] {
        assert!(seen(tag, "its description says it holds JSON of type _"));
        assert!(seen(
            tag,
            "its description says it holds an ID or JSON of type _"
        ));
    }
}
