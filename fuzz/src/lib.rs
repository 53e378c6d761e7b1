//! A fuzzing harness for the `matrix-codegen` CLI that runs on stable Rust.
//!
//! Each case is a small spec tree (a mutated seed from the fixtures, `specs/`
//! and the corpus, or a synthetic hostile one) written to a temporary
//! directory beside a canary file holding a secret. The generator runs on it
//! as a child process and [`check`] holds it to the invariants: no panic, no
//! signal, no hang, no memory blow-up, a located error, an untouched output on
//! failure, and no trace of the secret.
pub mod build;
pub mod campaign;
pub mod case;
pub mod check;
pub mod hostile;
pub mod mutate;
pub mod report;
pub mod rng;
pub mod run;
pub mod seeds;
pub mod structure;
pub mod text;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root, found from where this crate was built.
pub fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The Matrix spec trees beside the checkout, when they are there.
pub fn corpus() -> Option<PathBuf> {
    let path = workspace().join("../shared/corpus");
    path.is_dir().then(|| path.canonicalize().unwrap_or(path))
}

/// `matrix-codegen` of the given profile in the target directory that holds
/// `exe` (a binary of this crate or one of its tests), when it has been built.
pub fn generator_beside(exe: &Path, profile: &str) -> Option<PathBuf> {
    exe.ancestors()
        .map(|dir| dir.join(profile).join("matrix-codegen"))
        .chain(exe.parent().map(|dir| dir.join("matrix-codegen")))
        .find(|path| path.is_file())
}

/// Builds the release `matrix-codegen` (a no-op when it is up to date, so a
/// stale binary is never fuzzed) and returns it. Cargo cannot build another
/// package's binary as a dependency on stable, hence the nested cargo.
pub fn build_release_generator() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let args = [
        "build",
        "--release",
        "-p",
        "matrix-codegen",
        "--bin",
        "matrix-codegen",
    ];
    let status = Command::new(cargo)
        .args(args)
        .current_dir(workspace())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the release matrix-codegen failed".to_owned());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    generator_beside(&exe, "release")
        .ok_or_else(|| "no release matrix-codegen in this target directory".to_owned())
}
