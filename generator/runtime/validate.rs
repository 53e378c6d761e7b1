//! What a request must satisfy beyond what its Rust type checks.
//!
//! The types are lenient on purpose, because clients read them too: an
//! optional field takes `null` as absent, and every string enum is open
//! (`Other(String)`), so that a client keeps working when a newer server
//! sends values its spec did not list. A server, though, answers for the
//! spec it implements: a request whose optional field is `null` where the
//! schema does not allow it, or whose enum value the spec does not list, is
//! refused with 400 (`M_BAD_JSON` in a body, `M_INVALID_PARAM` in a query).
//! The generator writes these rules out for every JSON body from its schema.

use serde_json::Value;

use super::MatrixError;

/// One rule on the value at `path`: object keys, `*` for every element of
/// an array or value of a map. An absent value satisfies every rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub path: &'static [&'static str],
    pub kind: RuleKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// Present means not `null`.
    NotNull,
    /// A string, one of these (other types are left to the deserializer).
    OneOf(&'static [&'static str]),
}

impl Rule {
    pub const fn not_null(path: &'static [&'static str]) -> Self {
        Rule {
            path,
            kind: RuleKind::NotNull,
        }
    }

    pub const fn one_of(path: &'static [&'static str], values: &'static [&'static str]) -> Self {
        Rule {
            path,
            kind: RuleKind::OneOf(values),
        }
    }
}

/// 400 `M_BAD_JSON` naming the first value of `body` that breaks a rule.
pub fn check(body: &Value, rules: &[Rule]) -> Result<(), MatrixError> {
    for rule in rules {
        let mut shown = Vec::new();
        visit(body, rule, rule.path, &mut shown)?;
    }
    Ok(())
}

fn visit(
    value: &Value,
    rule: &Rule,
    rest: &[&str],
    shown: &mut Vec<String>,
) -> Result<(), MatrixError> {
    let Some((first, rest)) = rest.split_first() else {
        return apply(value, rule, shown);
    };
    if *first == "*" {
        let children: Vec<(String, &Value)> = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            _ => Vec::new(),
        };
        for (key, child) in children {
            shown.push(key);
            visit(child, rule, rest, shown)?;
            shown.pop();
        }
        return Ok(());
    }
    // A field that is absent, or a parent of the wrong type, is not this
    // rule's concern: the deserializer reports the latter.
    let Some(child) = value.as_object().and_then(|map| map.get(*first)) else {
        return Ok(());
    };
    if rest.is_empty() && child.is_null() && rule.kind == RuleKind::NotNull {
        shown.push((*first).to_owned());
        return Err(MatrixError::bad_json(format!(
            "{}: must not be null",
            shown.join(".")
        )));
    }
    shown.push((*first).to_owned());
    visit(child, rule, rest, shown)?;
    shown.pop();
    Ok(())
}

fn apply(value: &Value, rule: &Rule, shown: &[String]) -> Result<(), MatrixError> {
    match (rule.kind, value) {
        (RuleKind::OneOf(values), Value::String(s)) if !values.contains(&s.as_str()) => {
            let at = if shown.is_empty() {
                "the body".to_owned()
            } else {
                shown.join(".")
            };
            Err(MatrixError::bad_json(format!(
                "{at}: `{s}` is not one of {}",
                values.join(", ")
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RULES: &[Rule] = &[
        Rule::not_null(&["reason"]),
        Rule::one_of(&["invite", "*", "medium"], &["email", "msisdn"]),
        Rule::one_of(&["preset"], &["public_chat"]),
    ];

    fn error(body: Value) -> String {
        check(&body, RULES).unwrap_err().body.error
    }

    #[test]
    fn rules() {
        assert!(check(&json!({}), RULES).is_ok());
        assert!(check(&json!({"reason": "x", "preset": "public_chat"}), RULES).is_ok());
        // Other types are the deserializer's to report.
        assert!(check(&json!({"preset": 3, "invite": "x"}), RULES).is_ok());
        assert_eq!(error(json!({"reason": null})), "reason: must not be null");
        assert_eq!(
            error(json!({"invite": [{"medium": "email"}, {"medium": "fax"}]})),
            "invite.1.medium: `fax` is not one of email, msisdn"
        );
    }
}
