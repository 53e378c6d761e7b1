//! The yardstick for the generator's speed: read and parse every spec file
//! under a directory with the same YAML library, into plain JSON values, and
//! nothing else. `scripts/speed.sh` compares `generate` and `bundle` with it.
//!
//! Usage: `bare_parse DIR` prints the files and nodes parsed.

use std::path::{Path, PathBuf};

fn spec_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            spec_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            None | Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

fn nodes(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(nodes).sum(),
        serde_json::Value::Object(map) => map.values().map(nodes).sum(),
        _ => 0,
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: bare_parse DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    spec_files(Path::new(&dir), &mut files);
    let (mut parsed, mut total) = (0, 0);
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        // Files that are not YAML or JSON (link stubs, prose) fail here, as they would anywhere.
        if let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(&text) {
            parsed += 1;
            total += nodes(&value);
        }
    }
    println!("{parsed} of {} files parsed, {total} nodes", files.len());
}
