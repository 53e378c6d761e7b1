//! The spec's own git repository (`../shared/matrix-spec.bundle`), cloned
//! once under `target/`, and its tags written out under `target/releases/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A name beside `place` that no other test, in this process or another,
/// writes to: tests of one binary run on threads of one process, so the
/// process id alone is not enough.
fn partial(place: &Path) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = place.as_os_str().to_owned();
    name.push(format!(".partial-{}-{n}", std::process::id()));
    PathBuf::from(name)
}

/// The clone. Missing bundle: `None`, or a failure under CI.
pub fn spec_repository() -> Option<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bundle = workspace.join("../shared/matrix-spec.bundle");
    if !bundle.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the spec repository is missing at {}: CI must have it",
            bundle.display()
        );
        eprintln!("SKIPPED: no spec repository at {}", bundle.display());
        return None;
    }
    let clone = workspace.join("target/matrix-spec");
    if !clone.join(".git").is_dir() {
        // Cloned beside its place, then renamed: tests running alongside
        // never see half a clone.
        let partial = partial(&clone);
        let status = Command::new("git")
            .args(["clone", "--quiet", "--no-checkout"])
            .arg(&bundle)
            .arg(&partial)
            .status()
            .expect("git runs");
        assert!(status.success(), "cloning {} failed", bundle.display());
        if std::fs::rename(&partial, &clone).is_err() {
            let _ = std::fs::remove_dir_all(&partial);
        }
    }
    Some(clone)
}

pub fn git(repo: &Path, args: &[&str]) -> Vec<u8> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?} failed");
    output.stdout
}

/// The tag's whole tree, written out under `target/releases/<tag>`; returns
/// its top.
pub fn checkout(repo: &Path, tag: &str) -> PathBuf {
    let dir = repo.join("../releases").join(tag.replace('/', "_"));
    if !dir.is_dir() {
        let archive = git(repo, &["archive", "--format=tar", tag]);
        // Written beside its place, then renamed, as the clone is.
        let partial = partial(&dir);
        std::fs::create_dir_all(&partial).unwrap();
        let mut tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&partial)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("tar runs");
        use std::io::Write as _;
        tar.stdin.take().unwrap().write_all(&archive).unwrap();
        assert!(tar.wait().unwrap().success());
        if std::fs::rename(&partial, &dir).is_err() {
            let _ = std::fs::remove_dir_all(&partial);
        }
    }
    dir
}

/// A tree's API directory and the root the spec's build used: `data/api`
/// and `data` since v1.1, `api` and the top before.
pub fn api_and_root(top: &Path) -> (PathBuf, PathBuf) {
    match top.join("data/api").is_dir() {
        true => (top.join("data/api"), top.join("data")),
        false => (top.join("api"), top.to_path_buf()),
    }
}
