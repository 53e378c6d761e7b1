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
