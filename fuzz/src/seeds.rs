//! Seeds: small, real spec trees to mutate.
//!
//! A seed is one API root file plus every file it reaches by `$ref`, found by a
//! textual scan. Copying the whole corpus tree into every case would make each
//! case megabytes; the closure keeps a case to the files that matter for it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Seed {
    /// Where the seed came from, for labels: `fixtures/read/swagger:api/rooms.yaml`.
    pub name: String,
    /// The API root, relative to the seed's base directory.
    pub entry: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// The seed base directories of the project and, when present, of the corpus.
pub fn base_dirs(workspace: &Path, corpus: Option<&Path>) -> Vec<(String, PathBuf)> {
    let mut bases = Vec::new();
    let fixtures = workspace.join("generator/tests/fixtures");
    for group in ["read", "emit"] {
        for dir in sorted_children(&fixtures.join(group)) {
            if dir.is_dir() {
                let name = format!("fixtures/{group}/{}", file_name(&dir));
                bases.push((name, dir));
            }
        }
    }
    bases.push(("specs".to_owned(), workspace.join("specs")));
    if let Some(corpus) = corpus {
        for tree in sorted_children(corpus) {
            // The published layout keeps `api/` beside the schemas it refers to.
            let data = tree.join("data");
            let base = if data.is_dir() { data } else { tree.clone() };
            bases.push((format!("corpus/{}", file_name(&tree)), base));
        }
    }
    bases
}

/// Every API root below each base, with its `$ref` closure.
pub fn collect(bases: &[(String, PathBuf)]) -> Vec<Seed> {
    let mut seeds = Vec::new();
    for (name, base) in bases {
        for path in spec_files(base) {
            let Ok(text) = fs::read(&path) else { continue };
            if !is_api_root(&text) {
                continue;
            }
            let entry = relative(base, &path);
            let files = closure(base, &entry);
            seeds.push(Seed {
                name: format!("{name}:{entry}"),
                entry,
                files,
            });
        }
    }
    seeds
}

fn is_api_root(text: &[u8]) -> bool {
    String::from_utf8_lossy(text).lines().any(|l| {
        l.starts_with("swagger:")
            || l.starts_with("openapi:")
            || l.starts_with("\"swagger\"")
            || l.starts_with("\"openapi\"")
    })
}

fn spec_files(base: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![base.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for child in sorted_children(&dir) {
            // Real directories only: a linked directory could loop or leave the base.
            let Ok(meta) = fs::symlink_metadata(&child) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(child);
            } else if meta.is_file() {
                let ext = child.extension().and_then(|e| e.to_str()).unwrap_or("");
                if matches!(ext, "yaml" | "yml" | "json") {
                    out.push(child);
                }
            }
        }
    }
    out.sort();
    out
}

/// `entry` and every file below `base` it reaches through `$ref`s, by relative path.
pub fn closure(base: &Path, entry: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![entry.to_owned()];
    let mut seen = BTreeSet::new();
    while let Some(rel) = todo.pop() {
        if !seen.insert(rel.clone()) {
            continue;
        }
        let Ok(bytes) = fs::read(base.join(&rel)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let dir = Path::new(&rel).parent().unwrap_or(Path::new(""));
        let mut targets = ref_targets(&text);
        // git's stand-in for a symlink: the file's whole text is the link's target.
        if !text.contains(':') && !text.trim().is_empty() && text.trim().lines().count() == 1 {
            targets.push(text.trim().to_owned());
        }
        for target in targets {
            if let Some(next) = normalize(&dir.join(target)) {
                if base.join(&next).is_file() {
                    todo.push(next);
                }
            }
        }
        files.insert(rel, bytes);
    }
    files
}

/// The file part of every `$ref` value in a YAML or JSON text.
pub fn ref_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("$ref") {
        let rest = text[at + 4..].trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let value: String = rest
            .trim_start()
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| !matches!(c, '"' | '\'' | '#' | ',' | '}' | '\n' | '\r' | ' '))
            .collect();
        if !value.is_empty() {
            out.push(value);
        }
    }
    out
}

/// Lexically folds `.` and `..`; `None` when the path climbs above its start.
fn normalize(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

fn relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn sorted_children(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    out
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_refs_in_yaml_and_json_forms() {
        let text =
            "a:\n  $ref: defs/a.yaml#/x\nb: {\"$ref\": \"../b.json\"}\nc: {$ref: '#/local'}\n";
        assert_eq!(ref_targets(text), vec!["defs/a.yaml", "../b.json"]);
    }

    #[test]
    fn closure_follows_chains_and_stays_in_the_base() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        fs::create_dir_all(base.join("api/defs")).unwrap();
        fs::write(
            base.join("api/root.yaml"),
            "swagger: \"2.0\"\nx: {$ref: defs/a.yaml}\n",
        )
        .unwrap();
        fs::write(base.join("api/defs/a.yaml"), "$ref: ../../common.yaml\n").unwrap();
        fs::write(base.join("common.yaml"), "y: {$ref: ../../outside.yaml}\n").unwrap();
        fs::write(base.join("api/unrelated.yaml"), "z: 1\n").unwrap();
        let files = closure(base, "api/root.yaml");
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            vec!["api/defs/a.yaml", "api/root.yaml", "common.yaml"]
        );
    }
}
