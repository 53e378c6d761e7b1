//! The invariants every run of the generator must keep, whatever its input.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::Path;

use crate::run::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    /// Exit 101 or a panic message.
    Panic,
    /// Death by a signal not sent here: stack overflow, abort, segfault.
    Signal,
    /// Still running at the time limit.
    Timeout,
    /// Exit code other than 0, 1 or 2.
    ExitCode,
    /// Exit 1 with nothing saying where: no `--> file:line:col`, no input named.
    Unlocated,
    /// A failed run changed the output directory or left files beside it.
    OutputChanged,
    /// The secret of the canary outside the root reached stdout, stderr or the output.
    CanaryLeak,
    /// Peak resident memory over the bound, or an allocation refused at the cap.
    Memory,
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Invariant::Panic => "panic",
            Invariant::Signal => "signal",
            Invariant::Timeout => "timeout",
            Invariant::ExitCode => "exit-code",
            Invariant::Unlocated => "unlocated-error",
            Invariant::OutputChanged => "output-changed",
            Invariant::CanaryLeak => "canary-leak",
            Invariant::Memory => "memory",
        };
        f.write_str(name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub invariant: Invariant,
    /// What kind of failure, stable across cases, for deduplication.
    pub kind: String,
    pub detail: String,
}

/// What the checker needs to know about the case besides the run's outcome.
pub struct Context<'a> {
    pub secret: &'a str,
    /// Names that count as locating an error: the input and the tree's files.
    pub names: &'a [String],
    /// The mutation most likely behind a hang or blow-up: their deduplication key.
    pub mutations: &'a str,
    pub max_rss_mib: u64,
    /// `work/` before and after the run.
    pub before: &'a Snapshot,
    pub after: &'a Snapshot,
}

pub fn check(outcome: &Outcome, cx: &Context) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut add = |invariant, kind: String, detail: String| {
        found.push(Violation {
            invariant,
            kind,
            detail,
        });
    };
    let allocation_failed = outcome.stderr.contains("memory allocation of");
    if outcome.timed_out {
        add(
            Invariant::Timeout,
            cx.mutations.to_owned(),
            format!("killed after {:?}", outcome.elapsed),
        );
    } else if allocation_failed || outcome.peak_kib > cx.max_rss_mib * 1024 {
        let how = if allocation_failed {
            "allocation refused at the cap"
        } else {
            "peak over the bound"
        };
        let detail = format!("{how}; peak {} MiB", outcome.peak_kib / 1024);
        add(
            Invariant::Memory,
            format!("{how}: {}", cx.mutations),
            detail,
        );
    } else if let Some(signal) = outcome.signal {
        let kind = if outcome.stderr.contains("overflowed its stack") {
            format!("stack overflow (signal {signal})")
        } else {
            format!("signal {signal}")
        };
        add(Invariant::Signal, kind.clone(), kind);
    }
    if outcome.code == Some(101) || outcome.stderr.contains("panicked at") {
        add(
            Invariant::Panic,
            panic_kind(&outcome.stderr),
            first_lines(&outcome.stderr, 4),
        );
    } else if let Some(code) = outcome.code.filter(|c| !matches!(c, 0..=2)) {
        add(
            Invariant::ExitCode,
            format!("exit {code}"),
            first_lines(&outcome.stderr, 4),
        );
    }
    if outcome.code == Some(1) && !is_located(&outcome.stderr, cx.names) {
        add(
            Invariant::Unlocated,
            error_kind(&outcome.stderr),
            first_lines(&outcome.stderr, 4),
        );
    }
    if outcome.code != Some(0) && !outcome.timed_out && cx.before != cx.after {
        let detail = describe_change(cx.before, cx.after);
        add(
            Invariant::OutputChanged,
            detail.split(':').next().unwrap_or("").to_owned(),
            detail,
        );
    }
    for (place, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
        if contains_folded(text, cx.secret) {
            add(
                Invariant::CanaryLeak,
                format!("leak to {place}"),
                first_lines(text, 6),
            );
        }
    }
    if let Some(path) = cx
        .after
        .iter()
        .find_map(|(p, s)| leaks(p, s, cx.secret).then_some(p))
    {
        add(
            Invariant::CanaryLeak,
            "leak to the output".to_owned(),
            format!("in work/{path}"),
        );
    }
    found
}

/// Case-insensitive, so a secret turned into a CamelCase type name still counts.
fn contains_folded(text: &str, secret: &str) -> bool {
    text.to_ascii_lowercase()
        .contains(&secret.to_ascii_lowercase())
}

fn leaks(path: &str, entry: &Snap, secret: &str) -> bool {
    contains_folded(path, secret)
        || matches!(entry, Snap::File(bytes) if contains_folded(&String::from_utf8_lossy(bytes), secret))
}

/// A `--> file:line:col` line, or at least the name of the input or one of its files.
pub fn is_located(stderr: &str, names: &[String]) -> bool {
    let pointed = stderr.lines().any(|line| {
        line.trim_start().strip_prefix("-->").is_some_and(|rest| {
            let fields: Vec<&str> = rest.split(':').collect();
            fields.windows(2).any(|w| {
                let col = w[1].split(' ').next().unwrap_or("");
                is_number(w[0].rsplit(' ').next().unwrap_or("")) && is_number(col)
            })
        })
    });
    pointed
        || names
            .iter()
            .any(|n| n.len() >= 3 && stderr.contains(n.as_str()))
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The panic's source location and message, quoted parts and digits blanked:
/// the same bug reached by different inputs gets one key.
pub fn panic_kind(stderr: &str) -> String {
    let Some(at) = stderr.find("panicked at ") else {
        return "exit 101, no panic message".to_owned();
    };
    let rest = &stderr[at + "panicked at ".len()..];
    let (location, message) = rest.split_once('\n').unwrap_or((rest, ""));
    let location = location.trim_end_matches(':');
    let message = mask_quoted(message.lines().next().unwrap_or(""));
    // Single quotes are apostrophes as often as quotes; what follows one
    // (`inside 'é' (bytes 4..6)`) is input, not the kind of bug.
    let message = message.split('\'').next().unwrap_or("");
    format!(
        "{location}: {}",
        message.chars().take(80).collect::<String>()
    )
}

fn error_kind(stderr: &str) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .unwrap_or("(no error line)");
    mask_quoted(line).chars().take(100).collect()
}

/// Names inside quotes vary with the input; the sentence around them does not.
fn mask_quoted(text: &str) -> String {
    let mut out = String::new();
    let mut open: Option<char> = None;
    for c in text.chars() {
        match open {
            Some(q) if c == q => {
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None if matches!(c, '`' | '"') => {
                out.push(c);
                out.push('…');
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    blank_digits(&out)
}

/// Runs of digits become one `#`: indices and sizes vary with the input.
fn blank_digits(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('#') {
            out.push('#');
        }
    }
    out
}

fn first_lines(text: &str, count: usize) -> String {
    text.lines().take(count).collect::<Vec<_>>().join("\n")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Snap {
    File(Vec<u8>),
    Link(String),
    Dir,
    Other,
}

pub type Snapshot = BTreeMap<String, Snap>;

/// Everything below `dir`, links not followed, by `/`-separated relative path.
pub fn snapshot(dir: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = format!("{rel}{}", entry.file_name().to_string_lossy());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let snap = if kind.is_symlink() {
                Snap::Link(
                    fs::read_link(entry.path())
                        .map(|t| t.display().to_string())
                        .unwrap_or_default(),
                )
            } else if kind.is_dir() {
                stack.push((entry.path(), format!("{name}/")));
                Snap::Dir
            } else if kind.is_file() {
                Snap::File(fs::read(entry.path()).unwrap_or_default())
            } else {
                Snap::Other
            };
            out.insert(name, snap);
        }
    }
    out
}

fn describe_change(before: &Snapshot, after: &Snapshot) -> String {
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let changed: Vec<&String> = before
        .keys()
        .filter(|k| after.get(*k).is_some_and(|v| v != &before[*k]))
        .collect();
    let what = if !removed.is_empty() {
        "removed"
    } else if !changed.is_empty() {
        "changed"
    } else {
        "added"
    };
    format!("files {what}: added {added:?}, removed {removed:?}, changed {changed:?}")
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
