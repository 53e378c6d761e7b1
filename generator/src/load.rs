//! Phase 1: find the API roots under the input and parse files, each once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Result};
use crate::node::{self, Node, Origin, SourceFile};

/// The dialect an API root is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Swagger2,
    OpenApi31,
}

/// One API: every root document found in one directory (`client-server/`, say).
#[derive(Debug)]
pub struct ApiSource {
    /// The directory relative to the input, `/`-separated (`client-server`).
    pub name: String,
    pub roots: Vec<(Dialect, Arc<Document>)>,
}

#[derive(Debug)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub root: Node,
}

/// Reads files below an allowed root, caching each parsed document by its canonical path.
pub struct Loader {
    input_dir: PathBuf,
    allowed_root: PathBuf,
    /// The allowed root as the user wrote it, for messages.
    allowed_root_shown: String,
    documents: BTreeMap<PathBuf, Arc<Document>>,
}

impl Loader {
    /// `input` is the file or directory the user named; `allowed_root` is where
    /// `$ref`s may reach (the input directory unless the user widened it).
    pub fn new(input: &Path, allowed_root: Option<&Path>) -> Result<Self> {
        let input = canonical(input)?;
        let input_dir = if input.is_dir() {
            input.clone()
        } else {
            input.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let (allowed_root, allowed_root_shown) = match allowed_root {
            Some(root) => (canonical(root)?, root.display().to_string()),
            None => (input_dir.clone(), "the input directory".to_owned()),
        };
        if !input_dir.starts_with(&allowed_root) {
            return Err(Box::new(Diagnostic::general(format!(
                "the input {} is not inside the allowed root {}",
                input_dir.display(),
                allowed_root.display()
            ))));
        }
        Ok(Loader {
            input_dir,
            allowed_root,
            allowed_root_shown,
            documents: BTreeMap::new(),
        })
    }

    pub fn allowed_root(&self) -> &Path {
        &self.allowed_root
    }

    pub fn allowed_root_shown(&self) -> &str {
        &self.allowed_root_shown
    }

    /// Every parsed file so far, by canonical path.
    pub fn documents(&self) -> impl Iterator<Item = &Arc<Document>> {
        self.documents.values()
    }

    /// Parses `path` (already canonical) or returns the cached parse.
    pub fn document(&mut self, path: &Path) -> Result<Arc<Document>> {
        if let Some(doc) = self.documents.get(path) {
            return Ok(doc.clone());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| Diagnostic::general(format!("cannot read {}: {e}", path.display())))?;
        self.parse(path, text)
    }

    /// Parses a file whose text has been read already, or returns the cached parse.
    fn document_with_text(&mut self, path: &Path, text: String) -> Result<Arc<Document>> {
        match self.documents.get(path) {
            Some(doc) => Ok(doc.clone()),
            None => self.parse(path, text),
        }
    }

    fn parse(&mut self, path: &Path, text: String) -> Result<Arc<Document>> {
        let source = Arc::new(SourceFile {
            path: path.to_path_buf(),
            display: self.display(path),
            text,
        });
        let root = node::parse(&source).map_err(|e| {
            let origin = Arc::new(Origin {
                file: source.clone(),
                line: e.line,
                column: e.column,
                pointer: e.pointer,
            });
            Diagnostic::error(format!("cannot parse this file: {}", e.message), &origin)
        })?;
        let doc = Arc::new(Document { source, root });
        self.documents.insert(path.to_path_buf(), doc.clone());
        Ok(doc)
    }

    fn display(&self, path: &Path) -> String {
        let shown = path
            .strip_prefix(&self.input_dir)
            .or_else(|_| path.strip_prefix(&self.allowed_root))
            .unwrap_or(path);
        shown.to_string_lossy().replace('\\', "/")
    }

    /// Finds every API root under the input, grouped by directory, in path order.
    pub fn discover(&mut self, input: &Path) -> Result<Vec<ApiSource>> {
        let input = canonical(input)?;
        let candidates: Vec<PathBuf> = if input.is_file() {
            vec![input.clone()]
        } else {
            walk_spec_files(&input)
        };
        let mut apis: BTreeMap<String, ApiSource> = BTreeMap::new();
        for path in candidates {
            // A cheap look before parsing: most files are schemas and examples.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !(text.contains("swagger") || text.contains("openapi")) {
                continue;
            }
            // Extension-less files are JSON schemas and examples, or not spec files at
            // all (a README): only files named as YAML or JSON must parse to be roots.
            let doc = match self.document_with_text(&path, text) {
                Ok(doc) => doc,
                Err(_) if path.extension().is_none() => continue,
                Err(e) => return Err(e),
            };
            let Some(dialect) = dialect_of(&doc.root)? else {
                continue;
            };
            let dir = path.parent().unwrap_or(&input);
            let name = dir
                .strip_prefix(&self.input_dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .filter(|p| !p.is_empty())
                .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "api".to_owned());
            apis.entry(name.clone())
                .or_insert_with(|| ApiSource {
                    name,
                    roots: Vec::new(),
                })
                .roots
                .push((dialect, doc));
        }
        if apis.is_empty() {
            return Err(Box::new(Diagnostic::general(format!(
                "no API root (a file with `swagger: \"2.0\"` or `openapi: 3.x` at its top) under {}",
                input.display()
            ))));
        }
        Ok(apis.into_values().collect())
    }
}

/// Resolves `relative` against the directory `base` the way the operating system
/// would, component by component, with one addition: a git checkout made without
/// symlink support stores each link as a one-line file holding the target
/// ("link stub"); those are followed like links. A `..` after a link is
/// physical: it leaves the link's target, not the directory the link sits in.
pub fn resolve_path(base: &Path, relative: &Path) -> std::io::Result<PathBuf> {
    use std::collections::VecDeque;
    use std::path::Component;
    let mut pending: VecDeque<PathBuf> = relative
        .components()
        .map(|c| PathBuf::from(c.as_os_str()))
        .collect();
    let mut current = std::fs::canonicalize(base)?;
    let mut hops = 0;
    while let Some(part) = pending.pop_front() {
        match part.components().next() {
            Some(Component::RootDir) => current = PathBuf::from("/"),
            Some(Component::CurDir) | None => {}
            Some(Component::ParentDir) => {
                current.pop();
            }
            Some(_) => {
                let next = current.join(&part);
                let meta = std::fs::symlink_metadata(&next)?;
                let target = if meta.file_type().is_symlink() {
                    Some(std::fs::read_link(&next)?)
                } else if meta.is_file() {
                    link_stub_target(&next, &meta, pending.is_empty())
                } else {
                    None
                };
                match target {
                    Some(target) => {
                        hops += 1;
                        if hops > 40 {
                            return Err(std::io::Error::other("too many levels of links"));
                        }
                        for part in target.components().rev() {
                            pending.push_front(PathBuf::from(part.as_os_str()));
                        }
                    }
                    None => current = next,
                }
            }
        }
    }
    if !current.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file",
        ));
    }
    Ok(current)
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

fn canonical(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).map_err(|e| {
        Box::new(Diagnostic::general(format!(
            "cannot open {}: {e}",
            path.display()
        )))
    })
}

/// Spec files under `dir`, sorted, each once: symlinks are followed, but a link
/// back to an ancestor (`definitions/definitions -> .`) is not walked into.
fn walk_spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut seen = std::collections::BTreeSet::new();
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| entry.ok()) // walkdir reports link loops as errors: skip them
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            let ext = entry.path().extension().and_then(|e| e.to_str());
            matches!(ext, None | Some("yaml" | "yml" | "json"))
        })
        .filter_map(|entry| std::fs::canonicalize(entry.path()).ok())
        .filter(|path| seen.insert(path.clone()))
        .collect()
}

/// `Some` for an API root, `None` for any other document (schemas, examples,
/// Swagger 1.2 `api-docs`, whose root key is `swaggerVersion`).
fn dialect_of(root: &Node) -> Result<Option<Dialect>> {
    if let Some(version) = root.get("swagger") {
        return match &version.value {
            node::Value::Str(v) if v == "2.0" => Ok(Some(Dialect::Swagger2)),
            node::Value::Float(v) if *v == 2.0 => Ok(Some(Dialect::Swagger2)),
            _ => Err(Box::new(Diagnostic::error(
                "unsupported `swagger` version: only \"2.0\" is read",
                &version.origin,
            ))),
        };
    }
    if let Some(version) = root.get("openapi") {
        return match version.as_str() {
            Some(v) if v.starts_with("3.") => Ok(Some(Dialect::OpenApi31)),
            _ => Err(Box::new(Diagnostic::error(
                "unsupported `openapi` version: 3.x is read",
                &version.origin,
            ))),
        };
    }
    Ok(None)
}
