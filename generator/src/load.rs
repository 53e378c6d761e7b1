//! Phase 1: find the API roots under the input and parse files, each once.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, Result, Warnings};
use crate::jail::{Jail, Refusal};
use crate::node::{self, Node, Origin, SourceFile};
use crate::{parallel, Limits};

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

/// Why a document could not be had.
#[derive(Debug)]
pub enum OpenError {
    /// The jail would not read it.
    Refused(Refusal),
    /// It was read but does not parse: the diagnostic points into it.
    Invalid(Box<Diagnostic>),
}

#[derive(Debug)]
pub struct Document {
    pub source: Arc<SourceFile>,
    pub root: Node,
}

/// Reads files below an allowed root, caching each parsed document by its canonical path.
pub struct Loader {
    input_dir: PathBuf,
    jail: Jail,
    /// The allowed root as the user wrote it, for messages.
    allowed_root_shown: String,
    documents: BTreeMap<PathBuf, Arc<Document>>,
    /// What the jail made of each path a `$ref` named, by directory and path.
    resolved_paths: HashMap<(PathBuf, PathBuf), Result<PathBuf, Refusal>>,
    /// Warnings from parsing, taken by the caller between phases.
    warnings: Vec<Diagnostic>,
}

impl Loader {
    /// `input` is the file or directory the user named; `allowed_root` is where
    /// `$ref`s may reach (the input directory unless the user widened it).
    pub fn new(input: &Path, allowed_root: Option<&Path>, limits: &Limits) -> Result<Self> {
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
            jail: Jail::new(allowed_root, limits.max_file_bytes),
            allowed_root_shown,
            documents: BTreeMap::new(),
            resolved_paths: HashMap::new(),
            warnings: Vec::new(),
        })
    }

    pub fn jail(&self) -> &Jail {
        &self.jail
    }

    pub fn allowed_root_shown(&self) -> &str {
        &self.allowed_root_shown
    }

    /// `relative` resolved by the jail from the directory `base`, remembered:
    /// a spec names the same few files thousands of times, and each resolution
    /// looks at every component of the path on disk.
    pub fn resolve_path(&mut self, base: &Path, relative: &Path) -> Result<PathBuf, Refusal> {
        let key = (base.to_path_buf(), relative.to_path_buf());
        if let Some(resolved) = self.resolved_paths.get(&key) {
            return resolved.clone();
        }
        let resolved = self.jail.resolve(base, relative);
        self.resolved_paths.insert(key, resolved.clone());
        resolved
    }

    /// The warnings met while parsing since the last call.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.warnings)
    }

    /// Every parsed file so far, by canonical path.
    pub fn documents(&self) -> impl Iterator<Item = &Arc<Document>> {
        self.documents.values()
    }

    /// Parses `path` (resolved by the jail) or returns the cached parse. A
    /// refusal is returned as is, for the caller to place at its reference.
    pub fn document(&mut self, path: &Path) -> Result<Arc<Document>, OpenError> {
        if let Some(doc) = self.documents.get(path) {
            return Ok(doc.clone());
        }
        let text = self.jail.read(path).map_err(OpenError::Refused)?;
        self.parse(path, text)
            .map_err(|e| OpenError::Invalid(Box::new(e)))
    }

    /// Parses those of `paths` not cached yet on every core, ahead of the
    /// [`document`](Self::document) calls that will want them one by one. A
    /// file that cannot be read or parsed is left out: the later call meets
    /// it again and reports it where it is wanted.
    pub fn prefetch(&mut self, paths: &[PathBuf]) {
        let jobs: Vec<_> = paths
            .iter()
            .filter(|path| !self.documents.contains_key(*path))
            .filter_map(|path| Some((path.clone(), self.display(path), self.jail.read(path).ok()?)))
            .collect();
        let parsed = parallel::map(jobs, |(path, display, text)| {
            parse_document(&path, display, text).ok()
        });
        for parsed in parsed.into_iter().flatten() {
            self.admit(parsed);
        }
    }

    fn parse(&mut self, path: &Path, text: String) -> Result<Arc<Document>, Diagnostic> {
        let parsed = parse_document(path, self.display(path), text)?;
        Ok(self.admit(parsed))
    }

    /// Caches a parsed document, and reports its repeated keys.
    fn admit(&mut self, parsed: ParsedDocument) -> Arc<Document> {
        for key in parsed.duplicate_keys {
            self.warnings.push(Diagnostic::warning(
                "this key is repeated in its mapping; the later value is kept, as the spec's own build did",
                &key,
            ));
        }
        let doc = Arc::new(parsed.document);
        self.documents.insert(doc.source.path.clone(), doc.clone());
        doc
    }

    /// A path as shown to the user: relative to the input directory when possible.
    pub fn display(&self, path: &Path) -> String {
        let shown = path
            .strip_prefix(&self.input_dir)
            .or_else(|_| path.strip_prefix(self.jail.root()))
            .unwrap_or(path);
        shown.to_string_lossy().replace('\\', "/")
    }

    /// Finds every API root under the input, grouped by directory, in path order.
    ///
    /// Nothing is skipped silently: a link out of the allowed root is not
    /// followed, with a warning; a YAML or JSON file that cannot be read (a
    /// dangling link, a FIFO, bytes that are not UTF-8) is an error, since it
    /// may be a root whose operations would be missing from the output; an
    /// extension-less one (examples, link stubs) is a warning.
    pub fn discover(&mut self, input: &Path, warnings: &mut Warnings) -> Result<Vec<ApiSource>> {
        let input = canonical(input)?;
        let candidates: Vec<PathBuf> = if input.is_file() {
            vec![input.clone()]
        } else {
            let walk = self.jail.walk(&input);
            for (path, refusal) in walk.refused {
                let shown = self.display(&input.join(&path));
                report_refusal(&shown, &refusal, path.extension().is_none(), warnings)?;
            }
            walk.files
        };
        // Read in order up to the first file that cannot be, then parse what
        // was read on every core: the roots are most of the spec's text.
        let mut texts = Vec::new();
        let mut unreadable = None;
        for path in candidates {
            match self.jail.read(&path) {
                // A cheap look before parsing: most files are schemas and examples.
                Ok(text) if text.contains("swagger") || text.contains("openapi") => {
                    texts.push((path, text));
                }
                Ok(_) => {}
                Err(refusal) => {
                    let extensionless = path.extension().is_none();
                    let shown = self.display(&path);
                    if let Err(e) = report_refusal(&shown, &refusal, extensionless, warnings) {
                        unreadable = Some(e);
                        break;
                    }
                }
            }
        }
        let jobs: Vec<_> = texts
            .into_iter()
            .map(|(path, text)| {
                let display = self.display(&path);
                let cached = self.documents.get(&path).cloned();
                (path, display, text, cached)
            })
            .collect();
        let parsed = parallel::map(jobs, |(path, display, text, cached)| {
            let parsed = match cached {
                Some(doc) => Ok(Parse::Cached(doc)),
                None => parse_document(&path, display, text).map(Parse::New),
            };
            (path, parsed)
        });
        let mut apis: BTreeMap<String, ApiSource> = BTreeMap::new();
        for (path, parsed) in parsed {
            // Extension-less files are JSON schemas and examples, or not spec files at
            // all (a README): only files named as YAML or JSON must parse to be roots.
            let doc = match parsed {
                Ok(Parse::Cached(doc)) => doc,
                Ok(Parse::New(parsed)) => self.admit(parsed),
                Err(_) if path.extension().is_none() => continue,
                Err(e) => return Err(Box::new(e)),
            };
            let Some(dialect) = dialect_of(&doc.root)? else {
                continue;
            };
            let name = self.api_name(path.parent().unwrap_or(&input));
            apis.entry(name.clone())
                .or_insert_with(|| ApiSource {
                    name,
                    roots: Vec::new(),
                })
                .roots
                .push((dialect, doc));
        }
        if let Some(e) = unreadable {
            return Err(e);
        }
        if apis.is_empty() {
            return Err(Box::new(Diagnostic::general(format!(
                "no API root (a file with `swagger: \"2.0\"` or `openapi: 3.x` at its top) under {}",
                input.display()
            ))));
        }
        Ok(apis.into_values().collect())
    }

    /// An API's name: its directory relative to the input (`client-server`),
    /// else the directory's own name.
    fn api_name(&self, dir: &Path) -> String {
        dir.strip_prefix(&self.input_dir)
            .ok()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| !p.is_empty())
            .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "api".to_owned())
    }
}

/// A document parsed away from the loader, to be admitted into its cache.
struct ParsedDocument {
    document: Document,
    duplicate_keys: Vec<Arc<Origin>>,
}

/// A root candidate met during discovery.
enum Parse {
    Cached(Arc<Document>),
    New(ParsedDocument),
}

/// Parses one file; needs nothing of the loader, so files can be parsed side by side.
fn parse_document(
    path: &Path,
    display: String,
    text: String,
) -> Result<ParsedDocument, Diagnostic> {
    let source = Arc::new(SourceFile {
        path: path.to_path_buf(),
        display,
        text,
    });
    let parsed = node::parse(&source).map_err(|e| {
        let origin = Arc::new(Origin {
            file: source.clone(),
            line: e.line,
            column: e.column,
            pointer: e.pointer,
        });
        Diagnostic::error(format!("cannot parse this file: {}", e.message), &origin)
    })?;
    Ok(ParsedDocument {
        document: Document {
            source,
            root: parsed.root,
        },
        duplicate_keys: parsed.duplicate_keys,
    })
}

/// A discovered entry that cannot be read: a warning when it cannot be an API
/// root or lies outside the root, an error otherwise.
fn report_refusal(
    shown: &str,
    refusal: &Refusal,
    extensionless: bool,
    warnings: &mut Warnings,
) -> Result<()> {
    let origin = Origin::of_file(shown);
    if *refusal == Refusal::Outside {
        warnings.push(Diagnostic::warning(
            format!("`{shown}` is a link that leaves the allowed root; it is not followed"),
            &origin,
        ));
        return Ok(());
    }
    let message = format!("cannot read `{shown}`: {refusal}");
    if extensionless {
        warnings.push(Diagnostic::warning(message, &origin));
        return Ok(());
    }
    Err(Box::new(Diagnostic::error(message, &origin)))
}

fn canonical(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).map_err(|e| {
        Box::new(Diagnostic::general(format!(
            "cannot open {}: {e}",
            path.display()
        )))
    })
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
