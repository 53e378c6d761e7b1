//! `check`: every defect of a spec that the reader and an example check can
//! find, located, for the spec's maintainers. The reader's warnings (refs to
//! nothing in examples, undeclared security schemes, `required` names without
//! a property, repeated keys, ...) come first, then each body or parameter
//! example that does not fit its schema.

mod example;

use serde_json::{json, Value as J};

use crate::diag::{Diagnostic, Severity};
use crate::model::Api;
use crate::Spec;

/// The reader's warnings and the example findings of every API, in that order.
pub fn check(spec: &Spec) -> Vec<Diagnostic> {
    let mut findings = spec.warnings.clone();
    for api in &spec.apis {
        findings.extend(example_findings(api));
    }
    findings
}

fn example_findings(api: &Api) -> Vec<Diagnostic> {
    let schemas = api
        .openapi
        .components
        .as_ref()
        .map(|c| serde_json::to_value(&c.schemas).unwrap_or(J::Null))
        .unwrap_or(J::Null);
    let mut findings = Vec::new();
    for op in &api.operations {
        let operation = serde_json::to_value(&op.operation).unwrap_or(J::Null);
        for (place, schema, value) in example::of_operation(&operation) {
            for problem in example::problems(&schemas, &schema, &value) {
                findings.push(Diagnostic::warning(
                    format!(
                        "the example of {place} in `{}` does not fit its schema: {problem}",
                        op.id
                    ),
                    &op.origin,
                ));
            }
        }
    }
    findings
}

/// Findings as JSON, for tools: one object each, with its place.
pub fn to_json(findings: &[Diagnostic]) -> J {
    J::Array(
        findings
            .iter()
            .map(|d| {
                let origin = d.origin.as_ref();
                json!({
                    "severity": match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    },
                    "message": d.message,
                    "file": origin.map(|o| o.file.display.clone()),
                    "line": origin.map(|o| o.line),
                    "column": origin.map(|o| o.column),
                    "pointer": origin.map(|o| format!("#{}", o.pointer)),
                })
            })
            .collect(),
    )
}
