//! One endpoint in two releases: its path, parameters, body and success
//! answers compared.

use std::collections::BTreeMap;

use crate::ir::{OperationIr, ParamIr};
use crate::releases::matching::{align, route_key};

use super::fields::{Defs, Walk};
use super::{is_breaking, Change, Kind};

/// An operation of one release, with the types of its API.
pub(super) struct Side<'a> {
    pub api: String,
    pub op: &'a OperationIr,
    pub types: &'a Defs,
}

/// The changes of one endpoint: added, removed, or what changed in it.
pub(super) fn compare(old: Option<&Side>, new: Option<&Side>) -> Vec<Change> {
    match (old, new) {
        (None, None) => Vec::new(),
        (Some(old), None) => vec![change(old, String::new(), None, Kind::OperationRemoved)],
        (None, Some(new)) => vec![change(new, String::new(), None, Kind::OperationAdded)],
        (Some(old), Some(new)) => {
            let mut found = operation(old.op, new.op);
            let mut request = Walk::new(old.types, new.types);
            found.extend(parameters(old.op, new.op, &mut request));
            body(old.op, new.op, &mut request);
            let mut response = Walk::new(old.types, new.types);
            found.extend(answers(old.op, new.op, &mut response));
            let mut changes: Vec<Change> = found
                .into_iter()
                .map(|(location, side, kind)| change(new, location, side, kind))
                .collect();
            let walked = [
                (request, super::Side::Request),
                (response, super::Side::Response),
            ];
            for (walk, side) in walked {
                for (location, kind) in walk.found {
                    changes.push(change(new, location, Some(side), kind));
                }
            }
            changes
        }
    }
}

type Found = (String, Option<super::Side>, Kind);

fn change(at: &Side, location: String, side: Option<super::Side>, kind: Kind) -> Change {
    Change {
        api: at.api.clone(),
        path: at.op.path.clone(),
        method: at.op.method.to_ascii_uppercase(),
        operation_id: at.op.id.clone(),
        location,
        side,
        breaking: is_breaking(&kind, side),
        kind,
    }
}

/// The path and the deprecation. Paths are compared as routes, whose
/// parameter names do not travel: a path that differs beyond its version
/// segment moved (matching paired it by `operationId`); one that differs in
/// the version alone did not. (Matching's own `moved_in` also holds pairs
/// it keyed by id because two operations share one path, `GET /events`.)
fn operation(old: &OperationIr, new: &OperationIr) -> Vec<Found> {
    let mut found = Vec::new();
    let route = |op: &OperationIr, version| route_key(&op.method, &op.path, version);
    let (from, to) = (old.path.clone(), new.path.clone());
    if route(old, false) != route(new, false) {
        found.push((String::new(), None, Kind::PathMoved { from, to }));
    } else if route(old, true) != route(new, true) {
        found.push((String::new(), None, Kind::PathVersionChanged { from, to }));
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => found.push((String::new(), None, Kind::Deprecated)),
        (true, false) => found.push((String::new(), None, Kind::Undeprecated)),
        _ => {}
    }
    found
}

/// Path parameters paired by their place in the path (their names do not
/// travel), query parameters by name.
fn parameters<'a>(old: &'a OperationIr, new: &'a OperationIr, walk: &mut Walk<'a>) -> Vec<Found> {
    let renamed = path_renames(&old.path, &new.path);
    let path_pairs = pair(&old.path_params, &new.path_params, |p| {
        renamed
            .get(p.wire.as_str())
            .cloned()
            .unwrap_or_else(|| p.wire.clone())
    });
    let query_pairs = pair(&old.query_params, &new.query_params, |p| p.wire.clone());
    let mut found = Vec::new();
    let request = Some(super::Side::Request);
    for (prefix, pairs) in [("path", path_pairs), ("query", query_pairs)] {
        for (wire, (old, new)) in pairs {
            let at = format!("{prefix}.{wire}");
            match (old, new) {
                (Some(old), None) => {
                    let kind = Kind::ParameterRemoved {
                        required: old.required,
                    };
                    found.push((at, request, kind));
                }
                (None, Some(new)) => {
                    let kind = Kind::ParameterAdded {
                        required: new.required,
                    };
                    found.push((at, request, kind));
                }
                (Some(old), Some(new)) => {
                    if old.required != new.required {
                        let kind = Kind::ParameterRequiredChanged {
                            required: new.required,
                        };
                        found.push((at.clone(), request, kind));
                    }
                    walk.compare(&at, &old.ty, &new.ty);
                }
                (None, None) => {}
            }
        }
    }
    found
}

type Pairs<'a> = BTreeMap<String, (Option<&'a ParamIr>, Option<&'a ParamIr>)>;

/// Parameters keyed by their name in the newer release.
fn pair<'a>(
    old: &'a [ParamIr],
    new: &'a [ParamIr],
    new_name: impl Fn(&ParamIr) -> String,
) -> Pairs<'a> {
    let mut pairs: Pairs<'a> = BTreeMap::new();
    for param in old {
        pairs.entry(new_name(param)).or_default().0 = Some(param);
    }
    for param in new {
        pairs.entry(param.wire.clone()).or_default().1 = Some(param);
    }
    pairs
}

/// The older path's parameter names mapped to the newer one's, read from
/// [`align`], which writes the older path with the newer names.
fn path_renames<'a>(old: &'a str, new: &str) -> BTreeMap<&'a str, String> {
    let Some(aligned) = align(old, new) else {
        return BTreeMap::new();
    };
    let name = |segment: &str| {
        segment
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .map(str::to_owned)
    };
    let mut renames = BTreeMap::new();
    for (before, after) in old.split('/').zip(aligned.split('/')) {
        if let (Some(_), Some(to)) = (name(before), name(after)) {
            renames.insert(&before[1..before.len() - 1], to);
        }
    }
    renames
}

fn body<'a>(old: &'a OperationIr, new: &'a OperationIr, walk: &mut Walk<'a>) {
    match (&old.body, &new.body) {
        (Some(old), Some(new)) => {
            if old.required != new.required {
                let kind = Kind::FieldRequiredChanged {
                    required: new.required,
                };
                walk.found.push(("body".to_owned(), kind));
            }
            walk.compare("body", &old.ty, &new.ty);
        }
        (Some(old), None) => walk.found.push((
            "body".to_owned(),
            Kind::FieldRemoved {
                required: old.required,
            },
        )),
        (None, Some(new)) => walk.found.push((
            "body".to_owned(),
            Kind::FieldAdded {
                required: new.required,
            },
        )),
        (None, None) => {}
    }
}

/// Success answers paired by status.
fn answers<'a>(old: &'a OperationIr, new: &'a OperationIr, walk: &mut Walk<'a>) -> Vec<Found> {
    let mut statuses: BTreeMap<u16, (Option<_>, Option<_>)> = BTreeMap::new();
    for answer in old.responses.iter().filter(|r| r.success) {
        statuses.entry(answer.status).or_default().0 = Some(answer);
    }
    for answer in new.responses.iter().filter(|r| r.success) {
        statuses.entry(answer.status).or_default().1 = Some(answer);
    }
    let mut found = Vec::new();
    let response = Some(super::Side::Response);
    for (status, pair) in statuses {
        let at = format!("response({status})");
        match pair {
            (Some(old), Some(new)) => walk.compare(&at, &old.ty, &new.ty),
            (Some(_), None) => found.push((at, response, Kind::StatusRemoved { status })),
            (None, Some(_)) => found.push((at, response, Kind::StatusAdded { status })),
            (None, None) => {}
        }
    }
    found
}
