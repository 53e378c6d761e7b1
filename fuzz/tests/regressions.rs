//! The minimal reproducers in `fuzz/regressions/`, each a spec tree and an
//! `expect.txt` (`args:`, optional `fifo:` and `secret:`, and the invariant it
//! once broke), run against the release CLI under the campaign's invariants.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use matrix_codegen_fuzz::campaign::make_baseline;
use matrix_codegen_fuzz::case::make_fifo;
use matrix_codegen_fuzz::check::{check, snapshot, Context};
use matrix_codegen_fuzz::report::copy_dir;
use matrix_codegen_fuzz::run::{run, Limits};
use matrix_codegen_fuzz::{build_release_generator, workspace};

struct Regression {
    name: String,
    dir: PathBuf,
    args: Vec<String>,
    fifos: Vec<String>,
    broken: String,
    secret: String,
}

fn regressions() -> Vec<Regression> {
    let root = workspace().join("fuzz/regressions");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let expect = fs::read_to_string(dir.join("expect.txt")).unwrap();
            let field = |key: &str| -> Vec<String> {
                let prefix = format!("{key}: ");
                expect
                    .lines()
                    .filter_map(|l| l.strip_prefix(&prefix))
                    .map(str::to_owned)
                    .collect()
            };
            let args = field("args")
                .join(" ")
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            Regression {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                args,
                fifos: field("fifo"),
                broken: field("broken").join(""),
                secret: field("secret")
                    .pop()
                    .unwrap_or_else(|| "canarysecretvalue".to_owned()),
                dir,
            }
        })
        .collect()
}

#[test]
fn regressions_are_well_formed() {
    let all = regressions();
    assert!(all.len() >= 8, "{} regressions", all.len());
    let invariants = [
        "panic",
        "signal",
        "timeout",
        "exit-code",
        "unlocated-error",
        "output-changed",
        "canary-leak",
        "memory",
    ];
    for r in &all {
        assert_eq!(
            r.args.first().map(String::as_str),
            Some("generate"),
            "{}",
            r.name
        );
        assert!(
            r.args.iter().any(|a| a == "work/out"),
            "{}: output must be work/out",
            r.name
        );
        assert!(
            invariants.contains(&r.broken.as_str()),
            "{}: broken `{}`",
            r.name,
            r.broken
        );
        assert!(
            r.name.starts_with(&r.broken),
            "{}: the name starts with the invariant",
            r.name
        );
        assert!(r.dir.join("tree").is_dir(), "{}: no tree/", r.name);
    }
}

/// Copies a reproducer, links kept as links (they are what some reproduce).
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every reproducer of an earlier finding now keeps every invariant; a
/// failure names the reproducer.
#[test]
fn regressions_keep_every_invariant() {
    let generator = build_release_generator().unwrap();
    let limits = Limits {
        timeout: Duration::from_secs(20),
        max_rss_mib: 1024,
    };
    let scratch = tempfile::tempdir().unwrap();
    let baseline = make_baseline(&generator, scratch.path(), &limits).unwrap();
    let mut failures = Vec::new();
    for r in regressions() {
        let dir = scratch.path().join(&r.name);
        copy_tree(&r.dir, &dir);
        for fifo in &r.fifos {
            make_fifo(&dir.join(fifo)).unwrap();
        }
        copy_dir(&baseline, &dir.join("work/out")).unwrap();
        let before = snapshot(&dir.join("work"));
        let outcome = run(&generator, &r.args, &dir, &limits).unwrap();
        let after = snapshot(&dir.join("work"));
        let names = vec![r.args[1].clone()];
        let cx = Context {
            secret: &r.secret,
            names: &names,
            mutations: &r.name,
            max_rss_mib: 1024,
            before: &before,
            after: &after,
        };
        for violation in check(&outcome, &cx) {
            failures.push(format!(
                "{}: [{}] {}",
                r.name, violation.invariant, violation.kind
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
