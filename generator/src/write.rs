//! Last phase: put generated files on disk, all or nothing.
//!
//! The files are written to a fresh sibling directory first and swapped in by
//! renames, so a failed run leaves the user's existing output untouched. A
//! directory is only ever replaced if a previous run of this tool wrote it (it
//! holds the [`STAMP`] file) or it is empty.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Result};

/// The file that marks a directory as this tool's output.
pub const STAMP: &str = ".matrix-codegen";

const STAMP_TEXT: &str = "This directory is written by matrix-codegen; edits are overwritten.\n";

/// Whether `out` already holds exactly `files` (the drift check).
pub fn is_up_to_date(out: &Path, files: &[(String, String)]) -> bool {
    let on_disk = list_files(out);
    let mut expected: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    expected.push(STAMP.to_owned());
    expected.sort();
    on_disk == expected
        && files
            .iter()
            .all(|(path, text)| fs::read_to_string(out.join(path)).is_ok_and(|t| &t == text))
}

/// Every file below `dir`, relative and `/`-separated, sorted; build output excluded.
fn list_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path()
                .strip_prefix(dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    out.sort();
    out
}

/// Replaces `out` with exactly `files` (relative path, content). An `out`
/// that already holds exactly them is left as it is: its files keep their
/// times, so cargo does not rebuild a crate regenerated from an unchanged spec,
/// and the run skips the file system work, the dearest part of a regeneration.
pub fn write_files(out: &Path, files: &[(String, String)]) -> Result<()> {
    if is_up_to_date(out, files) {
        return Ok(());
    }
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        Box::new(Diagnostic::general(format!(
            "cannot {what} {}: {e}",
            path.display()
        )))
    };
    if out.exists() {
        let ours = out.join(STAMP).is_file();
        let empty = fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
        if !ours && !empty {
            return Err(Box::new(Diagnostic::general(format!(
                "refusing to overwrite {}: it is not empty and was not written by matrix-codegen (no {STAMP} file)",
                out.display()
            ))));
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| fail("create", parent, e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_owned());
    let staging = sibling(parent, &name, "new");
    let _ = fs::remove_dir_all(&staging);
    let staged = (|| {
        for (path, text) in files {
            let target = staging.join(path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| fail("create", dir, e))?;
            }
            fs::write(&target, text).map_err(|e| fail("write", &target, e))?;
        }
        fs::write(staging.join(STAMP), STAMP_TEXT).map_err(|e| fail("write", &staging, e))?;
        // Keep a build directory that lives inside the output (a crate built in place).
        if out.join("target").is_dir() {
            fs::rename(out.join("target"), staging.join("target"))
                .map_err(|e| fail("move", &out.join("target"), e))?;
        }
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let old = sibling(parent, &name, "old");
    let _ = fs::remove_dir_all(&old);
    if out.exists() {
        fs::rename(out, &old).map_err(|e| fail("move aside", out, e))?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        // Put the previous output back before reporting.
        let _ = fs::rename(&old, out);
        return Err(fail("move into place", out, e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

fn sibling(parent: &Path, name: &str, what: &str) -> PathBuf {
    parent.join(format!(".{name}.{what}-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> Vec<(String, String)> {
        vec![
            ("Cargo.toml".to_owned(), "[package]\n".to_owned()),
            ("src/lib.rs".to_owned(), text.to_owned()),
        ]
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_output_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("crate");
        write_files(&out, &files("// one\n")).unwrap();
        let lib = out.join("src/lib.rs");
        // An inode and a time that a rewrite (staged, then swapped in) would change.
        let before = fs::metadata(&lib).unwrap();
        write_files(&out, &files("// one\n")).unwrap();
        let after = fs::metadata(&lib).unwrap();
        use std::os::unix::fs::MetadataExt as _;
        assert_eq!(before.ino(), after.ino());
        assert_eq!(before.modified().unwrap(), after.modified().unwrap());

        write_files(&out, &files("// two\n")).unwrap();
        assert_eq!(fs::read_to_string(&lib).unwrap(), "// two\n");
        assert_ne!(fs::metadata(&lib).unwrap().ino(), before.ino());
        // A file edited by hand is put back.
        fs::write(&lib, "// edited\n").unwrap();
        write_files(&out, &files("// two\n")).unwrap();
        assert_eq!(fs::read_to_string(&lib).unwrap(), "// two\n");
    }
}
