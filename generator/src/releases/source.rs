//! Where the releases to merge come from: tags of the spec's git repository,
//! or directories, named on the command line as `--releases`.
//!
//! A selection is a comma-separated list of items:
//! * `r0.6.1`, `v1.19`: the client-server release of that name, from the
//!   repository's tag for it (`client_server/r0.6.1`, `v1.19`): the names
//!   servers list in `/versions`;
//! * `server_server/r0.1.4`: any tag, by its full name;
//! * `v1.1..v1.19`: every release from one to the other, both included;
//! * `v1.19=path/to/tree`: a directory holding a spec tree (its `api/` or
//!   `data/api/`), read as that release.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Release;
use crate::diag::Diagnostic;

/// One release to read: its API directory and the root its `$ref`s may reach.
#[derive(Clone, Debug)]
pub struct Tree {
    pub release: Release,
    pub input: PathBuf,
    pub root: PathBuf,
}

/// Where a selection item comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Tag(String),
    Directory(PathBuf),
}

/// The releases `selection` names, each with its source; tags are looked up
/// in `repository`.
pub fn select(
    repository: &Path,
    selection: &str,
) -> Result<Vec<(Release, Source)>, Box<Diagnostic>> {
    let mut tags: Option<Vec<(Release, String)>> = None;
    let mut chosen = Vec::new();
    for item in selection
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        if let Some((label, dir)) = item.split_once('=') {
            chosen.push((parse(label)?, Source::Directory(PathBuf::from(dir))));
            continue;
        }
        let tags = match &mut tags {
            Some(tags) => tags,
            None => tags.insert(release_tags(repository)?),
        };
        let named: Vec<(Release, String)> = match item.split_once("..") {
            Some((from, to)) => {
                let (from, to) = (parse(from)?, parse(to)?);
                let within = tags.iter().filter(|(r, _)| *r >= from && *r <= to);
                within.cloned().collect()
            }
            None => match Release::from_tag(item).filter(|_| item.contains('/')) {
                // A full tag name, of any API: checked when it is written out.
                Some(release) => vec![(release, item.to_owned())],
                None => {
                    let release = parse(item)?;
                    let found = tags.iter().find(|(r, _)| *r == release).cloned();
                    vec![found.ok_or_else(|| {
                        Diagnostic::general(format!(
                            "no tag of {} is release `{item}`",
                            repository.display()
                        ))
                    })?]
                }
            },
        };
        if named.is_empty() {
            return Err(Box::new(Diagnostic::general(format!(
                "`{item}` names no release of {}",
                repository.display()
            ))));
        }
        chosen.extend(named.into_iter().map(|(r, tag)| (r, Source::Tag(tag))));
    }
    chosen.sort_by(|a, b| a.0.cmp(&b.0));
    chosen.dedup();
    Ok(chosen)
}

fn parse(label: &str) -> Result<Release, Box<Diagnostic>> {
    Release::parse(label.trim()).ok_or_else(|| {
        Box::new(Diagnostic::general(format!(
            "`{label}` is not a release name (`r0.6.1`, `v1.19`)"
        )))
    })
}

/// The repository's client-server release tags, one per release: the
/// numbers `/versions` lists. The other APIs' tags (`server_server/r0.1.4`)
/// count their own versions and are named by their full tag.
fn release_tags(repository: &Path) -> Result<Vec<(Release, String)>, Box<Diagnostic>> {
    let listed = git(repository, &["tag", "--list"])?;
    let client_server = |tag: &str| !tag.contains('/') || tag.starts_with("client");
    let mut tags: Vec<(Release, String)> = String::from_utf8_lossy(&listed)
        .lines()
        .filter(|tag| client_server(tag))
        .filter_map(|tag| Some((Release::from_tag(tag)?, tag.to_owned())))
        .collect();
    tags.sort();
    tags.dedup_by(|later, earlier| later.0 == earlier.0);
    Ok(tags)
}

/// The release's tree, written out under `scratch` when it is a tag.
pub fn tree(
    repository: &Path,
    release: Release,
    source: &Source,
    scratch: &Path,
) -> Result<Tree, Box<Diagnostic>> {
    let top = match source {
        Source::Directory(dir) => dir.clone(),
        Source::Tag(tag) => {
            let dir = scratch.join(tag.replace('/', "_"));
            extract(repository, tag, &dir)?;
            dir
        }
    };
    let (input, root) = match top.join("data/api").is_dir() {
        true => (top.join("data/api"), top.join("data")),
        false => (top.join("api"), top.clone()),
    };
    if !input.is_dir() {
        return Err(Box::new(Diagnostic::general(format!(
            "release {release}: {} holds no `api/` or `data/api/` directory",
            top.display()
        ))));
    }
    Ok(Tree {
        release,
        input,
        root,
    })
}

/// The top-level directories a tag's APIs and the schemas they refer to live
/// in: `data/` since v1.1, `api/`, `event-schemas/` and `schemas/` before.
const SPEC_DIRECTORIES: &[&str] = &["data", "api", "event-schemas", "schemas"];

/// `git archive <tag> <spec directories> | tar -x -C <dir>`. Writing files
/// out is most of a merge's time, so the site's pages, images and scripts
/// are left in the repository.
fn extract(repository: &Path, tag: &str, dir: &Path) -> Result<(), Box<Diagnostic>> {
    let failed = |what: String| Box::new(Diagnostic::general(what));
    std::fs::create_dir_all(dir)
        .map_err(|e| failed(format!("cannot create {}: {e}", dir.display())))?;
    let top = git(repository, &["ls-tree", "--name-only", tag])?;
    let top = String::from_utf8_lossy(&top);
    let mut args = vec!["archive", "--format=tar", tag];
    args.extend(
        SPEC_DIRECTORIES
            .iter()
            .filter(|d| top.lines().any(|l| l == **d)),
    );
    let archive = git(repository, &args)?;
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("cannot run tar: {e}")))?;
    let written = tar.stdin.take().map(|mut stdin| {
        use std::io::Write as _;
        stdin.write_all(&archive)
    });
    let status = tar.wait().map_err(|e| failed(format!("tar: {e}")))?;
    match (written, status.success()) {
        (Some(Ok(())), true) => Ok(()),
        _ => Err(failed(format!(
            "cannot write tag `{tag}` out to {}",
            dir.display()
        ))),
    }
}

fn git(repository: &Path, args: &[&str]) -> Result<Vec<u8>, Box<Diagnostic>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repository)
        .args(args)
        .output()
        .map_err(|e| Box::new(Diagnostic::general(format!("cannot run git: {e}"))))?;
    if !output.status.success() {
        return Err(Box::new(Diagnostic::general(format!(
            "git {} in {}: {}",
            args.join(" "),
            repository.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))));
    }
    Ok(output.stdout)
}
