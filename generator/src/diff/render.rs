//! The changes written out: text for people, JSON for tools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use super::{Change, Diff, Kind};

/// Counts per kind, and how many of all break a client.
fn summary(diff: &Diff) -> (BTreeMap<&'static str, usize>, usize) {
    let mut kinds = BTreeMap::new();
    for change in &diff.changes {
        *kinds.entry(change.kind.name()).or_insert(0) += 1;
    }
    let breaking = diff.changes.iter().filter(|c| c.breaking).count();
    (kinds, breaking)
}

/// `{old, new, summary: {changes, breaking, kinds}, changes: [...]}`, each
/// change with its `kind` and that kind's own fields.
pub fn to_json(diff: &Diff) -> serde_json::Value {
    let (kinds, breaking) = summary(diff);
    json!({
        "old": diff.old,
        "new": diff.new,
        "summary": {
            "changes": diff.changes.len(),
            "breaking": breaking,
            "kinds": kinds,
        },
        "changes": diff.changes,
    })
}

/// One block per API, one heading per operation, one line per change;
/// breaking lines start with `!`. The count closes the text.
pub fn to_text(diff: &Diff) -> String {
    let mut out = format!("changes from {} to {}\n", diff.old, diff.new);
    let mut by_operation: BTreeMap<(&str, &str, &str, &str), Vec<&Change>> = BTreeMap::new();
    for change in &diff.changes {
        let key = (
            change.api.as_str(),
            change.path.as_str(),
            change.method.as_str(),
            change.operation_id.as_str(),
        );
        by_operation.entry(key).or_default().push(change);
    }
    let mut api = "";
    for ((op_api, path, method, id), changes) in by_operation {
        if op_api != api {
            api = op_api;
            let _ = write!(out, "\n{api}\n");
        }
        let _ = writeln!(out, "  {method} {path} ({id})");
        for change in changes {
            let mark = if change.breaking { '!' } else { ' ' };
            let _ = writeln!(out, "  {mark} {}", line(change));
        }
    }
    let (kinds, breaking) = summary(diff);
    let counts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = write!(
        out,
        "\n{} change(s), {breaking} breaking (marked !)",
        diff.changes.len()
    );
    if !counts.is_empty() {
        let _ = write!(out, ": {}", counts.join(", "));
    }
    out.push('\n');
    out
}

fn required(required: bool) -> &'static str {
    if required {
        "required"
    } else {
        "optional"
    }
}

/// What a change says, in a few words.
fn line(change: &Change) -> String {
    let at = &change.location;
    match &change.kind {
        Kind::OperationAdded => "operation added".to_owned(),
        Kind::OperationRemoved => "operation removed".to_owned(),
        Kind::PathMoved { from, .. } => format!("moved from {from}"),
        Kind::PathVersionChanged { from, .. } => format!("version changed, was {from}"),
        Kind::Deprecated => "deprecated".to_owned(),
        Kind::Undeprecated => "no longer deprecated".to_owned(),
        Kind::ParameterAdded { required: r } => format!("parameter {at} added, {}", required(*r)),
        Kind::ParameterRemoved { required: r } => {
            format!("parameter {at} removed, was {}", required(*r))
        }
        Kind::ParameterRequiredChanged { required: r } => {
            format!("parameter {at} now {}", required(*r))
        }
        Kind::FieldAdded { required: r } => format!("{at} added, {}", required(*r)),
        Kind::FieldRemoved { required: r } => format!("{at} removed, was {}", required(*r)),
        Kind::FieldRequiredChanged { required: r } => format!("{at} now {}", required(*r)),
        Kind::Retyped { from, to } => format!("{at} retyped: {from} -> {to}"),
        Kind::FormatChanged { from, to } => format!("{at} format: {from} -> {to}"),
        Kind::StatusAdded { status } => format!("success status {status} added"),
        Kind::StatusRemoved { status } => format!("success status {status} removed"),
    }
}
