//! The outcomes against the table: a report file, a summary, and a failure
//! listing every difference.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use matrix_api::client_server::metadata;

use crate::harness::Outcome;
use crate::table::{Expect, TABLE};

/// Writes one section per operation (its outcome, the dropped field paths,
/// the table's reason) to `target/surface/report.txt`, prints the counts,
/// and fails when an outcome differs from the table.
pub fn check(outcomes: &BTreeMap<String, Outcome>) {
    let table: BTreeMap<&str, &Expect> = TABLE.iter().map(|(op, e)| (*op, e)).collect();
    let mut report = String::new();
    let mut wrong = Vec::new();
    let mut counts = BTreeMap::<&str, usize>::new();
    for info in metadata::ALL {
        let op = info.id;
        let outcome = outcomes.get(op);
        describe(&mut report, op, outcome);
        let Some(expect) = table.get(op) else {
            wrong.push(format!("{op}: not in the table (ended {outcome:?})"));
            continue;
        };
        *counts.entry(kind(expect)).or_default() += 1;
        if let Expect::Matrix(_, why) | Expect::Http(_, why) | Expect::Skip(why) = expect {
            writeln!(report, "    expected because {why}").unwrap();
        }
        if let Some(why) = differs(expect, outcome) {
            wrong.push(format!("{op}: {why}"));
        }
    }
    for op in table.keys() {
        if !metadata::ALL.iter().any(|info| info.id == *op) {
            wrong.push(format!(
                "{op}: in the table but not an operation of the spec"
            ));
        }
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../target/surface/report.txt"
    );
    std::fs::write(path, &report).expect("the report is written");
    eprintln!(
        "surface: {counts:?} of {} operations; per operation: {path}",
        metadata::ALL.len()
    );
    assert!(
        wrong.is_empty(),
        "{} differences:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn kind(expect: &Expect) -> &'static str {
    match expect {
        Expect::Decoded => "decoded",
        Expect::Matrix(..) => "Matrix error",
        Expect::Http(..) => "HTTP error",
        Expect::Skip(_) => "skipped",
    }
}

fn differs(expect: &Expect, outcome: Option<&Outcome>) -> Option<String> {
    match (expect, outcome) {
        (Expect::Skip(_), None) => None,
        (Expect::Skip(_), Some(o)) => Some(format!("the table skips it, but it ran: {o:?}")),
        (_, None) => Some("never called".to_owned()),
        // Changed values are a decoding fault (dropped fields are a known limit).
        (Expect::Decoded, Some(Outcome::Decoded { changed, .. })) if changed.is_empty() => None,
        (Expect::Matrix(code, _), Some(Outcome::Matrix { errcode, .. })) if code == errcode => None,
        (Expect::Http(code, _), Some(Outcome::Http(status))) if code == status => None,
        (_, Some(o)) => Some(format!("ended {o:?}")),
    }
}

fn describe(report: &mut String, op: &str, outcome: Option<&Outcome>) {
    let _ = match outcome {
        None => writeln!(report, "{op}: not run"),
        Some(Outcome::Decoded { dropped, changed }) => {
            let _ = writeln!(report, "{op}: decoded");
            for path in dropped {
                let _ = writeln!(report, "    dropped {path}");
            }
            for path in changed {
                let _ = writeln!(report, "    changed {path}");
            }
            Ok(())
        }
        Some(Outcome::Matrix {
            status,
            errcode,
            error,
        }) => writeln!(report, "{op}: {status} {errcode} {error}"),
        Some(Outcome::Http(status)) => writeln!(report, "{op}: HTTP {status}, no Matrix error"),
        Some(Outcome::Failed(why)) => writeln!(report, "{op}: client failed: {why}"),
    };
}
