//! Where a `$ref` points: the file (through the jail) and the node in it.
//!
//! Two readings of the spec's own build are kept, each with a warning, and
//! only where the plain reading finds nothing:
//!
//! * A ref inside keys laid beside another `$ref` was resolved relative to the
//!   file that other ref points to (r0.6.1's `server-server/invites-v1.yaml`
//!   overlays `unsigned.invite_room_state` with a ref that exists only from
//!   `examples/`).
//! * A `#` that does not start a JSON pointer is part of the file name
//!   (`examples/m.room.message#m.text` is a file of that name).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Resolver, Target};
use crate::diag::Diagnostic;
use crate::jail::Refusal;
use crate::load::{Document, OpenError};
use crate::node::{parse_pointer, Node};

/// Why a ref leads nowhere. `missing` marks a target that does not exist (a
/// file or a pointer), which examples and `--allow-missing-refs` tolerate.
pub(super) struct Unresolved {
    pub diagnostic: Box<Diagnostic>,
    pub missing: bool,
}

impl From<Box<Diagnostic>> for Unresolved {
    fn from(diagnostic: Box<Diagnostic>) -> Self {
        Unresolved {
            diagnostic,
            missing: false,
        }
    }
}

type Found<T> = std::result::Result<T, Unresolved>;

/// A node a `$ref` leads to, in its document: borrowed from there, not copied,
/// since most targets (a shared error schema, say) are met many times.
pub(super) struct Located {
    doc: Arc<Document>,
    tokens: Vec<String>,
}

impl Located {
    pub(super) fn node(&self) -> &Node {
        // Made by `lookup` only for a pointer that exists in the document.
        self.doc
            .root
            .pointer(&self.tokens)
            .unwrap_or(&self.doc.root)
    }
}

impl Resolver<'_> {
    /// Follows a chain of refs to the first node that is more than a bare `$ref`.
    pub(super) fn follow(&mut self, reference: &Node) -> Found<(Target, Located)> {
        let mut seen = BTreeSet::new();
        let mut current = reference.clone();
        loop {
            // Each hop is a level: a chain of bare refs thousands long is
            // stopped by the depth budget, not walked again for every link.
            self.budget.spend(self.depth + seen.len(), &current)?;
            let target = self.target_of(&current)?;
            if !seen.insert(target.clone()) {
                return Err(Box::new(Diagnostic::error(
                    "this chain of `$ref`s loops without reaching a value",
                    &reference.origin,
                ))
                .into());
            }
            let located = self.lookup(&target, &current)?;
            match located.node().as_map() {
                Some(m) if m.len() == 1 && m.get("$ref").is_some_and(|r| r.as_str().is_some()) => {
                    current = m["$ref"].clone();
                }
                _ => return Ok((target, located)),
            }
        }
    }

    /// Where a `$ref` string points, relative to the file it is written in.
    fn target_of(&mut self, reference: &Node) -> Found<Target> {
        let text = reference.as_str().unwrap_or_default();
        let (file_part, pointer) = text.split_once('#').unwrap_or((text, ""));
        if !pointer.is_empty() && !pointer.starts_with('/') && !file_part.is_empty() {
            if let Some(file) = self.hash_in_file_name(text, reference) {
                return Ok((file, String::new()));
            }
        }
        let file = if file_part.is_empty() {
            reference.origin.file.path.clone()
        } else {
            self.file_of(file_part, text, reference)?
        };
        let decoded = percent_decode(pointer);
        if parse_pointer(&decoded).is_none() {
            return Err(Box::new(Diagnostic::error(
                format!("`#{pointer}` is not a JSON pointer (it must start with `/`)"),
                &reference.origin,
            ))
            .into());
        }
        Ok((file, decoded))
    }

    fn file_of(&mut self, file_part: &str, text: &str, reference: &Node) -> Found<PathBuf> {
        let here = &reference.origin.file.path;
        let relative = percent_decode(file_part);
        let relative = Path::new(&relative);
        let refusal = match self.resolve_from(here, relative) {
            Ok(file) => return Ok(file),
            Err(refusal) => refusal,
        };
        if let Some(Some(base)) = self.sibling_bases.last().cloned() {
            if let Ok(file) = self.resolve_from(&base, relative) {
                self.warnings.push(Diagnostic::warning(
                    format!(
                        "`{text}` does not resolve from this file; it is read relative to `{}`, the target of the `$ref` it sits beside, as the spec's own build did",
                        self.loader.display(&base)
                    ),
                    &reference.origin,
                ));
                return Ok(file);
            }
        }
        Err(Unresolved {
            missing: refusal == Refusal::Missing,
            diagnostic: self.refused(text, &refusal, reference),
        })
    }

    /// `dir/relative` where `dir` is the directory of the file `from`.
    fn resolve_from(
        &mut self,
        from: &Path,
        relative: &Path,
    ) -> std::result::Result<PathBuf, Refusal> {
        let dir = from.parent().unwrap_or(Path::new("/"));
        self.loader.resolve_path(dir, relative)
    }

    /// The whole ref as a file name, if a file of that name exists.
    fn hash_in_file_name(&mut self, text: &str, reference: &Node) -> Option<PathBuf> {
        let file = self
            .resolve_from(&reference.origin.file.path, Path::new(text))
            .ok()?;
        self.warnings.push(Diagnostic::warning(
            format!(
                "`{text}` is read as a file name with a `#` in it, as the spec's own build did"
            ),
            &reference.origin,
        ));
        Some(file)
    }

    fn lookup(&mut self, (file, pointer): &Target, reference: &Node) -> Found<Located> {
        let text = reference.as_str().unwrap_or_default();
        let doc = match self.loader.document(file) {
            Ok(doc) => doc,
            Err(OpenError::Invalid(diagnostic)) => return Err(diagnostic.into()),
            Err(OpenError::Refused(refusal)) => {
                return Err(Unresolved {
                    missing: refusal == Refusal::Missing,
                    diagnostic: self.refused(text, &refusal, reference),
                })
            }
        };
        let tokens = parse_pointer(pointer).unwrap_or_default();
        if doc.root.pointer(&tokens).is_some() {
            return Ok(Located { doc, tokens });
        }
        Err(Unresolved {
            missing: true,
            diagnostic: Box::new(
                Diagnostic::error(
                    format!("`#{pointer}` does not exist in {}", doc.source.display),
                    &reference.origin,
                )
                .with_related("the document it was looked up in", &doc.root.origin),
            ),
        })
    }

    /// The error for a ref whose file the jail would not open. A ref out of
    /// the root says only that, so nothing tells whether the outside path exists.
    fn refused(&self, text: &str, refusal: &Refusal, reference: &Node) -> Box<Diagnostic> {
        let diagnostic = match refusal {
            Refusal::Outside => Diagnostic::error(
                format!(
                    "`{text}` leaves the allowed root ({})",
                    self.loader.allowed_root_shown()
                ),
                &reference.origin,
            )
            .with_help("pass `--root <dir>` to allow refs into a wider directory"),
            other => Diagnostic::error(format!("cannot open `{text}`: {other}"), &reference.origin),
        };
        Box::new(diagnostic)
    }
}

/// Pointers in URIs may percent-encode characters (`%7B` for `{`). A `%` not
/// followed by two hex digits is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| {
                Some((
                    hex_digit(*bytes.get(i + 1)?)?,
                    hex_digit(*bytes.get(i + 2)?)?,
                ))
            })
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn hex_digit(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_never_splits_a_character() {
        assert_eq!(percent_decode("/a%7Bb%7d"), "/a{b}");
        assert_eq!(percent_decode("%xé"), "%xé");
        assert_eq!(percent_decode("%é"), "%é");
        assert_eq!(percent_decode("end%7"), "end%7");
        assert_eq!(percent_decode("%C3%A9"), "é");
        // Escapes that do not make UTF-8 are kept as written.
        assert_eq!(percent_decode("%FF"), "%FF");
    }
}
