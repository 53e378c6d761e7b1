//! What each operation is expected to end as, and the check against it.

use std::collections::BTreeMap;

use matrix_api::client_server::metadata;

use crate::harness::Outcome;

/// The expected end of one operation.
pub enum Expect {
    /// Decodes; dropped fields are reported, not failed on.
    Decoded,
    /// Synapse answers with this errcode, for the stated reason.
    Matrix(&'static str, &'static str),
    /// The generated client fails on its side; the reason names the generator gap.
    /// Flip to `Decoded` once the generator is fixed.
    Gap(&'static str),
    /// Not called; the reason names what is missing.
    Skip(&'static str),
}

use Expect::*;

pub const TABLE: &[(&str, Expect)] = &[];

/// Compares the outcomes with the table; prints every dropped field path and
/// a line per operation, then fails listing every difference.
pub fn check(outcomes: &BTreeMap<String, Outcome>) {
    let table: BTreeMap<&str, &Expect> = TABLE.iter().map(|(op, e)| (*op, e)).collect();
    let mut wrong = Vec::new();
    for info in metadata::ALL {
        let op = info.id;
        let outcome = outcomes.get(op);
        print_outcome(op, outcome);
        let Some(expect) = table.get(op) else {
            wrong.push(format!("{op}: not in the table (ended {outcome:?})"));
            continue;
        };
        if let Some(why) = differs(expect, outcome) {
            wrong.push(format!("{op}: {why}"));
        }
    }
    for op in table.keys() {
        if !metadata::ALL.iter().any(|info| info.id == *op) {
            wrong.push(format!("{op}: in the table but not an operation of the spec"));
        }
    }
    assert!(wrong.is_empty(), "{} differences:\n{}", wrong.len(), wrong.join("\n"));
}

fn differs(expect: &Expect, outcome: Option<&Outcome>) -> Option<String> {
    match (expect, outcome) {
        (Skip(_), None) => None,
        (Skip(_), Some(o)) => Some(format!("the table skips it, but it ran: {o:?}")),
        (_, None) => Some("never called".to_owned()),
        (Decoded, Some(Outcome::Decoded { changed, .. })) if changed.is_empty() => None,
        (Matrix(code, _), Some(Outcome::Matrix { errcode, .. })) if code == errcode => None,
        (Gap(_), Some(Outcome::Failed(_))) => None,
        (_, Some(o)) => Some(format!("ended {o:?}")),
    }
}

fn print_outcome(op: &str, outcome: Option<&Outcome>) {
    match outcome {
        None => println!("{op}: not run"),
        Some(Outcome::Decoded { dropped, changed }) => {
            println!("{op}: decoded");
            for path in dropped {
                println!("    dropped {path}");
            }
            for path in changed {
                println!("    changed {path}");
            }
        }
        Some(Outcome::Matrix { status, errcode, error }) => {
            println!("{op}: {status} {errcode} {error}")
        }
        Some(Outcome::Failed(why)) => println!("{op}: client failed: {why}"),
    }
}
