//! `%NAME%` placeholders, substituted in every string and key of a tree.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::Placeholders;
use crate::diag::{Diagnostic, Result, Warnings};
use crate::node::{Node, Origin, Value};

/// Placeholders the spec's own build gave a value when nobody set one:
/// `%CLIENT_RELEASE_LABEL%` in the prose of early r0 releases became `unstable`.
const BUILD_DEFAULTS: &[(&str, &str)] = &[("CLIENT_RELEASE_LABEL", "unstable")];

/// Replaces `%NAME%` in every string of a tree.
pub(super) struct Substitution<'a> {
    pub(super) placeholders: &'a Placeholders,
    pub(super) warnings: &'a mut Warnings,
    /// Build defaults already warned about, once each per API.
    pub(super) warned: BTreeSet<&'static str>,
}

impl Substitution<'_> {
    /// Substitutes in place: most of a tree has no `%`, and is left as it is.
    pub(super) fn node(&mut self, node: &mut Node) -> Result<()> {
        match &mut node.value {
            Value::Str(text) if text.contains('%') => *text = self.text(text, &node.origin)?,
            Value::Seq(items) => {
                for item in items {
                    self.node(item)?;
                }
            }
            // A key that changes moves: the map is rebuilt, in its order.
            Value::Map(entries) if entries.keys().any(|key| key.contains('%')) => {
                for (key, mut value) in std::mem::take(entries) {
                    let key = self.text(&key, &value.origin)?;
                    self.node(&mut value)?;
                    entries.insert(key, value);
                }
            }
            Value::Map(entries) => {
                for value in entries.values_mut() {
                    self.node(value)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str, origin: &Arc<Origin>) -> Result<String> {
        if !text.contains('%') {
            return Ok(text.to_owned());
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find('%') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            let name_len = after
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(after.len());
            let is_placeholder = name_len > 0
                && after.as_bytes().get(name_len) == Some(&b'%')
                && after.starts_with(|c: char| c.is_ascii_uppercase());
            if !is_placeholder {
                out.push('%');
                rest = after;
                continue;
            }
            out.push_str(&self.value(&after[..name_len], origin)?);
            rest = &after[name_len + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn value(&mut self, name: &str, origin: &Arc<Origin>) -> Result<String> {
        if let Some(value) = self.placeholders.0.get(name) {
            return Ok(value.clone());
        }
        let Some(&(default_name, value)) = BUILD_DEFAULTS.iter().find(|(n, _)| *n == name) else {
            return Err(Box::new(
                Diagnostic::error(format!("unknown placeholder `%{name}%`"), origin)
                    .with_help(format!("give it a value with `--set {name}=<value>`")),
            ));
        };
        if self.warned.insert(default_name) {
            self.warnings.push(Diagnostic::warning(
                format!("`%{name}%` has no value; it reads `{value}` here and in the rest of this API, as in the spec's own build (set it with `--set {name}=<value>`)"),
                origin,
            ));
        }
        Ok(value.to_owned())
    }
}
