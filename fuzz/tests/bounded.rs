//! A bounded fuzz campaign against the real CLI, and the harness itself checked
//! end to end against a stand-in generator that misbehaves on purpose.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use matrix_codegen_fuzz::campaign::{run_campaign, Config};
use matrix_codegen_fuzz::check::Invariant;
use matrix_codegen_fuzz::run::Limits;
use matrix_codegen_fuzz::{build_release_generator, corpus, seeds, workspace};

/// The release CLI: the campaign's time and memory bounds are meant for it (a
/// debug build parses an alias bomb twenty times slower).
fn generator() -> PathBuf {
    build_release_generator().expect("the release matrix-codegen builds")
}

/// The corpus, which CI must have; elsewhere a missing corpus only narrows the seeds.
fn corpus_or_skip() -> Option<PathBuf> {
    let found = corpus();
    if found.is_none() {
        let message = "the Matrix spec corpus is missing at ../shared/corpus";
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: CI must have it"
        );
        eprintln!("SKIPPED (corpus seeds): {message}");
    }
    found
}

fn config(generator: PathBuf, cases: u64) -> Config {
    let corpus = corpus_or_skip();
    Config {
        generator,
        seeds: seeds::collect(&seeds::base_dirs(&workspace(), corpus.as_deref())),
        seed: 0x5EED_2024,
        first: 0,
        cases,
        budget: None,
        limits: Limits {
            timeout: Duration::from_secs(20),
            max_rss_mib: 1024,
        },
        jobs: 2,
        keep: Some(workspace().join("target/fuzz-findings/bounded")),
        progress_every: 0,
    }
}

/// The invariants hold for 300 mutated trees over the fixtures, `specs/` and
/// the corpus. What earlier campaigns found is kept in `fuzz/regressions/`.
#[test]
fn a_bounded_campaign_breaks_no_invariant() {
    let report = run_campaign(&config(generator(), 300)).expect("the campaign runs");
    assert_eq!(report.cases, 300);
    assert!(report.findings.is_empty(), "{}", report.summary());
}

/// A stand-in generator: writes the baseline like the real one, then for
/// every case does what `behaviour` says.
fn fake_generator(dir: &Path, behaviour: &str) -> PathBuf {
    let script = format!(
        "#!/bin/sh\ncase \"$PWD\" in */baseline) mkdir -p work/out && echo x > work/out/.matrix-codegen; exit 0;; esac\n{behaviour}\n"
    );
    let path = dir.join("fake-matrix-codegen");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn findings_of(behaviour: &str, cases: u64) -> Vec<Invariant> {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(fake_generator(dir.path(), behaviour), cases);
    config.keep = None;
    config.limits.timeout = Duration::from_millis(500);
    let report = run_campaign(&config).expect("the campaign runs");
    assert_eq!(report.cases, cases);
    let mut broken: Vec<Invariant> = report.findings.keys().map(|(i, _)| *i).collect();
    broken.dedup();
    broken
}

#[test]
fn the_harness_catches_a_generator_that_misbehaves() {
    let panics =
        "echo \"thread 'main' (1) panicked at src/x.rs:1:2:\" >&2; echo boom >&2; exit 101";
    assert_eq!(findings_of(panics, 3), vec![Invariant::Panic]);
    assert_eq!(findings_of("sleep 5", 2), vec![Invariant::Timeout]);
    assert_eq!(
        findings_of("echo 'error: no operations' >&2; exit 1", 2),
        vec![Invariant::Unlocated]
    );
    let leaks = "cat canary.yaml; exit 0";
    assert_eq!(findings_of(leaks, 2), vec![Invariant::CanaryLeak]);
    let clobbers =
        "echo changed > work/out/lib.rs; echo 'error: x' >&2; echo '  --> a.yaml:1:1' >&2; exit 1";
    assert_eq!(findings_of(clobbers, 2), vec![Invariant::OutputChanged]);
    assert_eq!(findings_of("kill -SEGV $$", 2), vec![Invariant::Signal]);
    assert_eq!(findings_of("exit 7", 2), vec![Invariant::ExitCode]);
}

#[test]
fn a_well_behaved_generator_gives_no_finding() {
    let located = "echo 'error: bad' >&2; echo '  --> api.yaml:3:4 at #/paths' >&2; exit 1";
    assert_eq!(findings_of(located, 20), vec![]);
}
