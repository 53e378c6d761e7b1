//! Path templates, checked once for what both halves of the generated crate do
//! with them: the axum router captures whole segments only and refuses, at
//! start-up, segments that begin with `:` or `*` (its old capture syntax); the
//! client fills every `{name}` from a declared path parameter. A template
//! either fits both, or is a located error here, never a crate that compiles
//! and then panics or sends an empty segment.

use std::collections::BTreeSet;

use crate::diag::{Diagnostic, Result, Warnings};
use crate::node::{Node, Value};
use crate::normalize::RawOperation;

/// One `/`-separated piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Param(String),
}

/// Splits a template into segments, or says why axum or the client cannot take it.
pub fn parse(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    for segment in path.split('/').skip(1) {
        if !segment.contains(['{', '}']) {
            if segment.starts_with([':', '*']) {
                return Err(format!(
                    "the segment `{segment}` starts with `{}`, which axum reads as a capture",
                    &segment[..1]
                ));
            }
            segments.push(Segment::Literal(segment.to_owned()));
            continue;
        }
        let name = segment
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .filter(|name| !name.is_empty() && !name.contains(['{', '}']));
        match name {
            Some(name) => segments.push(Segment::Param(name.to_owned())),
            None => {
                return Err(format!(
                    "`{segment}` is not a parameter: a parameter is a whole segment `{{name}}`"
                ))
            }
        }
    }
    Ok(segments)
}

/// The template with parameter names set aside (`/h/{}`): two paths of one
/// shape are one route, whatever they call their parameters.
pub fn shape(path: &str) -> String {
    match parse(path) {
        Ok(segments) => segments
            .iter()
            .map(|s| match s {
                Segment::Literal(text) => format!("/{text}"),
                Segment::Param(_) => "/{}".to_owned(),
            })
            .collect(),
        Err(_) => path.to_owned(),
    }
}

/// Checks every operation's path and aliases, and binds template parameters
/// to declared ones.
///
/// A declared path parameter that the template lacks is read the way the spec
/// later fixed such a case (`/openid/userinfo`'s `access_token`): as a query
/// parameter, with a warning. A template parameter that nothing declares is an
/// error: the client would have nothing to send in its place.
pub fn check(operations: &mut [RawOperation], warnings: &mut Warnings) -> Result<()> {
    for op in operations.iter_mut() {
        let mut names = BTreeSet::new();
        for path in std::iter::once(&op.path).chain(&op.aliases) {
            let segments = parse(path).map_err(|why| {
                Box::new(Diagnostic::error(
                    format!("the path `{path}` cannot be routed: {why}"),
                    &op.node.origin,
                ))
            })?;
            let params: Vec<&str> = segments
                .iter()
                .filter_map(|s| match s {
                    Segment::Param(name) => Some(name.as_str()),
                    Segment::Literal(_) => None,
                })
                .collect();
            let unique: BTreeSet<&str> = params.iter().copied().collect();
            if unique.len() != params.len() {
                return Err(Box::new(Diagnostic::error(
                    format!("the path `{path}` names a parameter twice"),
                    &op.node.origin,
                )));
            }
            names.extend(unique.into_iter().map(str::to_owned));
        }
        bind_parameters(op, &names, warnings)?;
    }
    Ok(())
}

fn bind_parameters(
    op: &mut RawOperation,
    template: &BTreeSet<String>,
    warnings: &mut Warnings,
) -> Result<()> {
    let mut declared = BTreeSet::new();
    let own = op
        .node
        .get("parameters")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for parameter in own.iter().chain(&op.path_item_parameters) {
        if parameter.get_str("in") == Some("path") {
            if let Some(name) = parameter.get_str("name") {
                if !template.contains(name) {
                    warnings.push(Diagnostic::warning(
                        format!(
                            "path parameter `{name}` is not in the path `{}`; it is read as a query parameter",
                            op.path
                        ),
                        &parameter.origin,
                    ));
                }
                declared.insert(name.to_owned());
            }
        }
    }
    if let Some(missing) = template.iter().find(|name| !declared.contains(*name)) {
        return Err(Box::new(Diagnostic::error(
            format!(
                "the path `{}` has a parameter `{{{missing}}}` that the operation does not declare",
                op.path
            ),
            &op.node.origin,
        )));
    }
    move_strays_to_query(op, template);
    Ok(())
}

/// Rewrites `in: path` to `in: query` for the declared path parameters the template lacks.
fn move_strays_to_query(op: &mut RawOperation, template: &BTreeSet<String>) {
    let rewrite = |parameters: &mut [Node]| {
        for parameter in parameters {
            let stray = parameter.get_str("in") == Some("path")
                && parameter
                    .get_str("name")
                    .is_some_and(|name| !template.contains(name));
            if let (true, Value::Map(entries)) = (stray, &mut parameter.value) {
                if let Some(place) = entries.get_mut("in") {
                    place.value = Value::Str("query".to_owned());
                }
                entries.insert(
                    "required".to_owned(),
                    Node::new(Value::Bool(false), parameter.origin.clone()),
                );
            }
        }
    };
    if let Value::Map(entries) = &mut op.node.value {
        if let Some(Node {
            value: Value::Seq(parameters),
            ..
        }) = entries.get_mut("parameters")
        {
            rewrite(parameters);
        }
    }
    rewrite(&mut op.path_item_parameters);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_axum_cannot_route_are_refused() {
        for path in [
            "/o/{p}.json",
            "/e/{f}{g}",
            "/c/:d",
            "/i/*",
            "/x/{y",
            "/r/{{r}}",
            "/e/{}",
            "/z/y}",
        ] {
            assert!(parse(path).is_err(), "{path} was accepted");
        }
        assert_eq!(
            parse("/rooms/{roomId}/state/{eventType}/{stateKey}").unwrap(),
            [
                Segment::Literal("rooms".into()),
                Segment::Param("roomId".into()),
                Segment::Literal("state".into()),
                Segment::Param("eventType".into()),
                Segment::Param("stateKey".into()),
            ]
        );
        assert_eq!(shape("/h/{x}"), shape("/h/{y}"));
        assert_ne!(shape("/h/{x}"), shape("/h/x"));
    }
}
