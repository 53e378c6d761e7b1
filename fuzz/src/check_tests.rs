use super::*;
use std::time::Duration;

fn clean_exit(code: i32, stderr: &str) -> Outcome {
    Outcome {
        code: Some(code),
        stderr: stderr.to_owned(),
        peak_kib: 10_000,
        elapsed: Duration::from_millis(50),
        ..Outcome::default()
    }
}

fn run_check(outcome: &Outcome, before: &Snapshot, after: &Snapshot) -> Vec<Invariant> {
    let names = vec!["tree/api/a.yaml".to_owned(), "api/a.yaml".to_owned()];
    let cx = Context {
        secret: "canaryqwerty",
        names: &names,
        mutations: "retarget",
        max_rss_mib: 64,
        before,
        after,
    };
    check(outcome, &cx)
        .into_iter()
        .map(|v| v.invariant)
        .collect()
}

fn invariants(outcome: &Outcome) -> Vec<Invariant> {
    run_check(outcome, &Snapshot::new(), &Snapshot::new())
}

const LOCATED: &str = "error: `#/x` does not exist\n  --> api.yaml:10:19 at #/paths\n";

#[test]
fn clean_results_break_nothing() {
    assert_eq!(invariants(&clean_exit(0, "generated 1 API(s)\n")), vec![]);
    assert_eq!(invariants(&clean_exit(1, LOCATED)), vec![]);
    assert_eq!(
        invariants(&clean_exit(
            1,
            "error: cannot read tree/api/a.yaml: denied\n"
        )),
        vec![]
    );
    assert_eq!(
        invariants(&clean_exit(2, "error: unexpected argument\n")),
        vec![]
    );
}

#[test]
fn a_panic_is_a_finding_keyed_by_its_location() {
    let stderr = "\nthread 'main' (4242) panicked at generator/src/resolve.rs:120:30:\n\
                  byte index 3 is not a char boundary; it is inside 'é'\nnote: run with RUST_BACKTRACE\n";
    let found = invariants(&clean_exit(101, stderr));
    assert!(found.contains(&Invariant::Panic), "{found:?}");
    assert_eq!(
        panic_kind(stderr),
        "generator/src/resolve.rs:120:30: byte index # is not a char boundary; it is inside "
    );
    let other_char = stderr.replace("index 3", "index 17").replace("'é'", "'€'");
    assert_eq!(panic_kind(&other_char), panic_kind(stderr));
    let quoted = "thread 'main' panicked at src/a.rs:1:2:\n\"1A\" is not a valid Ident\n";
    assert_eq!(
        panic_kind(quoted),
        "src/a.rs:1:2: \"…\" is not a valid Ident"
    );
}

#[test]
fn signals_timeouts_and_odd_codes_are_findings() {
    let overflow = Outcome {
        signal: Some(6),
        stderr: "thread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n"
            .into(),
        ..Outcome::default()
    };
    assert_eq!(invariants(&overflow), vec![Invariant::Signal]);
    let hung = Outcome {
        signal: Some(9),
        timed_out: true,
        ..Outcome::default()
    };
    assert_eq!(invariants(&hung), vec![Invariant::Timeout]);
    assert_eq!(invariants(&clean_exit(3, "")), vec![Invariant::ExitCode]);
}

#[test]
fn memory_over_the_bound_or_refused_is_a_finding() {
    let big = Outcome {
        peak_kib: 65 * 1024,
        ..clean_exit(0, "")
    };
    assert_eq!(invariants(&big), vec![Invariant::Memory]);
    let refused = Outcome {
        signal: Some(6),
        stderr: "memory allocation of 8589934592 bytes failed\n".into(),
        ..Outcome::default()
    };
    assert_eq!(invariants(&refused), vec![Invariant::Memory]);
}

#[test]
fn an_error_without_a_place_is_a_finding() {
    let found = invariants(&clean_exit(1, "error: API `api` has no operations\n"));
    assert_eq!(found, vec![Invariant::Unlocated]);
    assert!(!is_located("  --> api.yaml at #/x\n", &[]));
    assert!(is_located("  --> dir/a b.yaml:3:4 at #/x\n", &[]));
    assert_eq!(
        error_kind("error: API `api` has 2 operations\n"),
        "error: API `…` has # operations"
    );
}

#[test]
fn the_secret_anywhere_is_a_leak_even_recased() {
    let found = invariants(&clean_exit(
        1,
        "error: bad\n  --> x.yaml:1:2 at #/\n 1 | CanaryQwerty\n",
    ));
    assert_eq!(found, vec![Invariant::CanaryLeak]);
    let mut after = Snapshot::new();
    after.insert(
        "out/src/lib.rs".into(),
        Snap::File(b"struct CANARYQWERTY;".to_vec()),
    );
    assert_eq!(
        run_check(&clean_exit(0, ""), &after, &after),
        vec![Invariant::CanaryLeak]
    );
}

#[test]
fn a_failed_run_must_leave_the_output_alone() {
    let mut before = Snapshot::new();
    before.insert("out/lib.rs".into(), Snap::File(b"old".to_vec()));
    let mut after = before.clone();
    after.insert("out/lib.rs".into(), Snap::File(b"new".to_vec()));
    assert_eq!(
        run_check(&clean_exit(1, LOCATED), &before, &after),
        vec![Invariant::OutputChanged]
    );
    // A successful run is allowed, and expected, to replace it.
    assert_eq!(run_check(&clean_exit(0, ""), &before, &after), vec![]);
}

#[test]
fn snapshots_see_contents_and_links() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("out")).unwrap();
    fs::write(dir.path().join("out/a"), "1").unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("out/l")).unwrap();
    let before = snapshot(dir.path());
    assert_eq!(before.get("out/l"), Some(&Snap::Link("a".into())));
    fs::write(dir.path().join("out/a"), "2").unwrap();
    assert_ne!(before, snapshot(dir.path()));
}
