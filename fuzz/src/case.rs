//! One fuzz case as data, and its layout on disk.
//!
//! A case is kept in memory and only written out when run, so a finding can be
//! written again under `--keep` exactly as it ran, FIFOs and symlinks included,
//! without ever reading back a tree that may hold a FIFO.
//!
//! On disk, under the case directory:
//!
//! ```text
//! canary.yaml          outside the allowed root: holds the case's secret
//! secret/canary.yaml   the same, one directory down (a target for directory links)
//! tree/                the allowed root (`--root tree`), the spec files
//! work/out/            the output directory, holding a previous good output
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

/// Stands for the case directory's absolute path in file texts and link targets;
/// replaced when the case is written, so cases stay independent of where they run.
pub const CASE_DIR: &str = "@CASE@";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    File(Vec<u8>),
    Symlink(String),
    Fifo,
}

#[derive(Clone, Debug)]
pub struct Case {
    /// Entries by `/`-separated path relative to `tree/`.
    pub files: BTreeMap<String, Entry>,
    /// The input argument, relative to `tree/` (`""` is the tree itself).
    pub input: String,
    /// Whether to pass `--root tree`; without it refs may not leave the input directory.
    pub with_root: bool,
    pub extra_args: Vec<String>,
    /// What produced the case: the seed, then each mutation.
    pub labels: Vec<String>,
    /// Unique to the case; must never show up in anything the generator prints or writes.
    pub secret: String,
}

impl Case {
    pub fn new(secret: String) -> Self {
        Case {
            files: BTreeMap::new(),
            input: String::new(),
            with_root: true,
            extra_args: Vec::new(),
            labels: Vec::new(),
            secret,
        }
    }

    /// Paths of the regular files, the ones text mutators can work on.
    pub fn text_paths(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(_, e)| matches!(e, Entry::File(_)))
            .map(|(p, _)| p.clone())
            .collect()
    }

    pub fn text_mut(&mut self, path: &str) -> Option<&mut Vec<u8>> {
        match self.files.get_mut(path) {
            Some(Entry::File(bytes)) => Some(bytes),
            _ => None,
        }
    }

    /// The command line arguments, relative to the case directory.
    pub fn args(&self) -> Vec<String> {
        let input = if self.input.is_empty() {
            "tree".to_owned()
        } else {
            format!("tree/{}", self.input)
        };
        let mut args = vec!["generate".to_owned(), input];
        if self.with_root {
            args.extend(["--root".to_owned(), "tree".to_owned()]);
        }
        args.extend(["--out".to_owned(), "work/out".to_owned()]);
        args.extend(self.extra_args.iter().cloned());
        args
    }

    /// The canary: a valid API root whose names and texts are the secret, so that
    /// reading it anywhere would carry the secret into messages or output. Its
    /// schema is `#/definitions/Leak`: refs name that, never the secret, so an
    /// error that merely quotes a ref cannot look like a leak.
    pub fn canary_text(&self) -> String {
        let s = &self.secret;
        format!(
            "swagger: \"2.0\"\ninfo: {{title: {s}, version: \"1\"}}\npaths:\n  /{s}:\n    get:\n      \
             operationId: {s}\n      description: {s}\n      responses:\n        200:\n          \
             description: {s}\n          schema: {{$ref: \"#/definitions/Leak\"}}\ndefinitions:\n  \
             Leak:\n    type: object\n    description: {s}\n    properties:\n      {s}: {{type: string}}\n"
        )
    }

    /// Writes the canary and the tree under `dir` (which must exist); the output
    /// directory is the caller's business.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        let absolute = dir.canonicalize()?;
        let here = absolute.to_string_lossy().into_owned();
        let canary = self.canary_text();
        fs::write(dir.join("canary.yaml"), &canary)?;
        fs::create_dir_all(dir.join("secret"))?;
        fs::write(dir.join("secret/canary.yaml"), &canary)?;
        let tree = dir.join("tree");
        fs::create_dir_all(&tree)?;
        for (path, entry) in &self.files {
            let target = tree.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            match entry {
                Entry::File(bytes) => fs::write(&target, substitute(bytes, &here))?,
                Entry::Symlink(to) => {
                    std::os::unix::fs::symlink(to.replace(CASE_DIR, &here), &target)?
                }
                Entry::Fifo => make_fifo(&target)?,
            }
        }
        Ok(())
    }
}

fn substitute(bytes: &[u8], here: &str) -> Vec<u8> {
    let needle = CASE_DIR.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(needle) {
            out.extend_from_slice(here.as_bytes());
            i += needle.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

pub fn make_fifo(path: &Path) -> io::Result<()> {
    use rustix::fs::{mknodat, FileType, Mode, CWD};
    mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o644), 0).map_err(io::Error::from)
}

/// `../` enough times to climb from the directory of `path` (relative to `tree/`)
/// up to the case directory.
pub fn up_to_case_dir(path: &str) -> String {
    "../".repeat(path.matches('/').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_links_fifos_and_the_case_dir_placeholder() {
        let dir = tempfile::tempdir().unwrap();
        let mut case = Case::new("zzsecret".into());
        case.files.insert(
            "api/a.yaml".into(),
            Entry::File(format!("$ref: {CASE_DIR}/canary.yaml").into_bytes()),
        );
        case.files.insert(
            "api/l.yaml".into(),
            Entry::Symlink(format!("{CASE_DIR}/canary.yaml")),
        );
        case.files.insert("api/f.yaml".into(), Entry::Fifo);
        case.write(dir.path()).unwrap();
        let here = dir.path().canonicalize().unwrap();
        let text = fs::read_to_string(dir.path().join("tree/api/a.yaml")).unwrap();
        assert_eq!(text, format!("$ref: {}/canary.yaml", here.display()));
        let linked = fs::read_to_string(dir.path().join("tree/api/l.yaml")).unwrap();
        assert!(linked.contains("zzsecret"));
        let kind = fs::symlink_metadata(dir.path().join("tree/api/f.yaml")).unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind.file_type()));
    }

    #[test]
    fn climbs_out_of_the_tree() {
        assert_eq!(up_to_case_dir("a.yaml"), "../");
        assert_eq!(up_to_case_dir("api/x/a.yaml"), "../../../");
    }
}
