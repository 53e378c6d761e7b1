//! The one rule for everything the generator opens: discovery, `$ref`s, links
//! and link stubs all go through a [`Jail`].
//!
//! * Paths are resolved physically, one component at a time, and the walk is
//!   refused the moment it steps outside the allowed root: nothing outside is
//!   ever looked at, so a refusal says the same thing whether or not the
//!   outside path exists, and never prints what an outside file holds.
//! * Only regular files are read (no FIFOs, devices or sockets, which could
//!   block or never end), up to a size limit, and they must be UTF-8.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Links followed while resolving one path, as the operating system allows.
const MAX_LINK_HOPS: usize = 40;

/// Why a path cannot be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// It leaves the allowed root (by `..`, an absolute path or a link).
    Outside,
    Missing,
    /// A directory, FIFO, socket or device where a file was wanted.
    NotAFile(&'static str),
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    /// Not UTF-8 text: the first bad byte's offset.
    NotUtf8 {
        offset: usize,
    },
    TooManyLinks,
    Io(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Outside => write!(f, "it leaves the allowed root"),
            Refusal::Missing => write!(f, "no such file"),
            Refusal::NotAFile(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::TooLarge { bytes, limit } => {
                write!(f, "it holds {bytes} bytes, over the limit of {limit}")
            }
            Refusal::NotUtf8 { offset } => write!(f, "it is not UTF-8 text (byte {offset})"),
            Refusal::TooManyLinks => write!(f, "too many levels of links"),
            Refusal::Io(message) => write!(f, "{message}"),
        }
    }
}

/// Where files may be opened from.
#[derive(Clone, Debug)]
pub struct Jail {
    root: PathBuf,
    max_file_bytes: u64,
}

/// What a directory walk found: spec-file candidates, and entries it refused.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    /// Entries as found below the walked directory, with the reason.
    pub refused: Vec<(PathBuf, Refusal)>,
}

impl Jail {
    /// `root` must be canonical.
    pub fn new(root: PathBuf, max_file_bytes: u64) -> Self {
        Jail {
            root,
            max_file_bytes,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn contains(&self, path: &Path) -> bool {
        path.starts_with(&self.root)
    }

    /// Resolves `relative` from the directory `base` (inside the root) the way
    /// the operating system would, with one addition: a git checkout made
    /// without symlink support stores each link as a one-line file holding the
    /// target ("link stub"), and those are followed like links. A `..` after a
    /// link is physical: it leaves the link's target, not the link's directory.
    pub fn resolve(&self, base: &Path, relative: &Path) -> Result<PathBuf, Refusal> {
        let mut pending: VecDeque<PathBuf> = relative
            .components()
            .map(|c| PathBuf::from(c.as_os_str()))
            .collect();
        let mut current = base.to_path_buf();
        let mut hops = 0;
        while let Some(part) = pending.pop_front() {
            match part.components().next() {
                Some(Component::RootDir | Component::Prefix(_)) => current = PathBuf::from("/"),
                Some(Component::CurDir) | None => {}
                Some(Component::ParentDir) => {
                    current.pop();
                }
                Some(Component::Normal(_)) => current.push(&part),
            }
            // Checked before anything at `current` is looked at.
            if !self.contains(&current) {
                return Err(Refusal::Outside);
            }
            if !matches!(part.components().next(), Some(Component::Normal(_))) {
                continue;
            }
            if let Some(target) = self.link_target(&current, pending.is_empty())? {
                hops += 1;
                if hops > MAX_LINK_HOPS {
                    return Err(Refusal::TooManyLinks);
                }
                current.pop();
                for component in target.components().rev() {
                    pending.push_front(PathBuf::from(component.as_os_str()));
                }
            }
        }
        Ok(current)
    }

    /// The target of `path` if it is a link or a link stub; `Missing` if it does not exist.
    fn link_target(&self, path: &Path, last: bool) -> Result<Option<PathBuf>, Refusal> {
        let meta = std::fs::symlink_metadata(path).map_err(io_refusal)?;
        if meta.file_type().is_symlink() {
            return std::fs::read_link(path).map(Some).map_err(io_refusal);
        }
        if meta.is_file() {
            return Ok(link_stub_target(path, &meta, last));
        }
        Ok(None)
    }

    /// Reads a resolved path: a regular UTF-8 file inside the root, within the size limit.
    pub fn read(&self, path: &Path) -> Result<String, Refusal> {
        if !self.contains(path) {
            return Err(Refusal::Outside);
        }
        let meta = std::fs::symlink_metadata(path).map_err(io_refusal)?;
        if !meta.is_file() {
            return Err(Refusal::NotAFile(file_kind(&meta)));
        }
        if meta.len() > self.max_file_bytes {
            return Err(Refusal::TooLarge {
                bytes: meta.len(),
                limit: self.max_file_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(io_refusal)?;
        String::from_utf8(bytes).map_err(|e| Refusal::NotUtf8 {
            offset: e.utf8_error().valid_up_to(),
        })
    }

    /// Spec-file candidates below `dir` (a resolved directory inside the root),
    /// sorted, each once. Links are followed only while they stay inside the
    /// root; a directory reached twice (a link back to an ancestor) is walked once.
    pub fn walk(&self, dir: &Path) -> Walk {
        let mut walk = Walk::default();
        let mut seen_dirs = BTreeSet::from([dir.to_path_buf()]);
        let mut seen_files = BTreeSet::new();
        let mut stack = vec![(dir.to_path_buf(), PathBuf::new())];
        while let Some((physical, shown)) = stack.pop() {
            let mut names: Vec<_> = match std::fs::read_dir(&physical) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok().map(|e| e.file_name()))
                    .collect(),
                Err(e) => {
                    walk.refused.push((shown, io_refusal(e)));
                    continue;
                }
            };
            names.sort();
            // Reversed onto the stack, so directories are walked in name order.
            for name in names.into_iter().rev() {
                let entry_shown = shown.join(&name);
                let resolved = match self.resolve(&physical, Path::new(&name)) {
                    Ok(resolved) => resolved,
                    Err(refusal) => {
                        if is_spec_name(&entry_shown) || refusal == Refusal::Outside {
                            walk.refused.push((entry_shown, refusal));
                        }
                        continue;
                    }
                };
                match std::fs::metadata(&resolved) {
                    Ok(meta) if meta.is_dir() => {
                        if seen_dirs.insert(resolved.clone()) {
                            stack.push((resolved, entry_shown));
                        }
                    }
                    Ok(_) if !is_spec_name(&entry_shown) => {}
                    Ok(meta) if !meta.is_file() => walk
                        .refused
                        .push((entry_shown, Refusal::NotAFile(file_kind(&meta)))),
                    Ok(_) => {
                        if seen_files.insert(resolved.clone()) {
                            walk.files.push(resolved);
                        }
                    }
                    Err(e) => walk.refused.push((entry_shown, io_refusal(e))),
                }
            }
        }
        walk.files.sort();
        walk.refused.sort_by(|a, b| a.0.cmp(&b.0));
        walk
    }
}

/// Files that may hold spec documents: YAML, JSON, and extension-less files
/// (the spec keeps JSON examples and link stubs without an extension).
pub fn is_spec_name(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str());
    matches!(ext, None | Some("yaml" | "yml" | "json"))
}

fn io_refusal(error: std::io::Error) -> Refusal {
    match error.kind() {
        std::io::ErrorKind::NotFound => Refusal::Missing,
        _ => Refusal::Io(error.to_string()),
    }
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// The target of a link stub, if `path` is one. A stub is a tiny one-line file
/// holding a relative path; as the last component it only counts when its
/// target exists, so that a real one-line data file is never mistaken for one.
fn link_stub_target(path: &Path, meta: &std::fs::Metadata, last: bool) -> Option<PathBuf> {
    if meta.len() == 0 || meta.len() > 255 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.strip_suffix('\n').unwrap_or(&text);
    let plausible = !line.is_empty()
        && !line.starts_with('/')
        && line
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if !plausible {
        return None;
    }
    let target = PathBuf::from(line);
    if last && !path.parent()?.join(&target).exists() {
        return None;
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (tempfile::TempDir, Jail) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/x.yaml"), "x: 1\n").unwrap();
        std::fs::write(dir.path().join("secret.yaml"), "s: 1\n").unwrap();
        let root = std::fs::canonicalize(root).unwrap();
        (dir, Jail::new(root, 1024))
    }

    #[test]
    fn refuses_every_way_out_alike_whether_or_not_the_target_exists() {
        let (_dir, jail) = tree();
        let a = jail.root().join("a");
        for path in [
            "../../secret.yaml",
            "../../nothing.yaml",
            "/etc/passwd",
            "/nope",
        ] {
            assert_eq!(jail.resolve(&a, Path::new(path)), Err(Refusal::Outside));
        }
        assert_eq!(
            jail.resolve(&a, Path::new("b/../b/x.yaml")),
            Ok(jail.root().join("a/b/x.yaml"))
        );
        assert_eq!(
            jail.resolve(&a, Path::new("b/y.yaml")),
            Err(Refusal::Missing)
        );
    }

    #[test]
    fn links_out_are_refused_and_links_inside_followed() {
        let (dir, jail) = tree();
        let root = jail.root().to_path_buf();
        std::os::unix::fs::symlink(dir.path().join("secret.yaml"), root.join("out.yaml")).unwrap();
        std::os::unix::fs::symlink("a/b/x.yaml", root.join("in.yaml")).unwrap();
        std::os::unix::fs::symlink("/proc", root.join("proc")).unwrap();
        assert_eq!(
            jail.resolve(&root, Path::new("out.yaml")),
            Err(Refusal::Outside)
        );
        assert_eq!(
            jail.resolve(&root, Path::new("in.yaml")),
            Ok(root.join("a/b/x.yaml"))
        );
        let walk = jail.walk(&root);
        assert_eq!(walk.files, [root.join("a/b/x.yaml")]);
        let refused: Vec<_> = walk.refused.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(refused, [PathBuf::from("out.yaml"), PathBuf::from("proc")]);
    }

    #[test]
    fn reads_only_regular_utf8_files_within_the_limit() {
        let (dir, jail) = tree();
        let root = jail.root().to_path_buf();
        let fifo = root.join("pipe.yaml");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert_eq!(jail.read(&fifo), Err(Refusal::NotAFile("a FIFO")));
        std::fs::write(root.join("big.yaml"), vec![b'a'; 2048]).unwrap();
        assert!(matches!(
            jail.read(&root.join("big.yaml")),
            Err(Refusal::TooLarge { .. })
        ));
        std::fs::write(root.join("bad.yaml"), b"ab\xffcd").unwrap();
        assert_eq!(
            jail.read(&root.join("bad.yaml")),
            Err(Refusal::NotUtf8 { offset: 2 })
        );
        assert_eq!(
            jail.read(&dir.path().join("secret.yaml")),
            Err(Refusal::Outside)
        );
        assert_eq!(jail.read(&root.join("a/b/x.yaml")).unwrap(), "x: 1\n");
    }
}
