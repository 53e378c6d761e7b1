//! Several read releases into one [`Spec`]: each endpoint once, as its newest
//! release has it, with its [`History`].

use std::collections::BTreeSet;

use openapiv3::ReferenceOr;

use super::components::import_components;
use super::matching::{align, match_releases, Endpoint, OpRef};
use super::Release;
use crate::diag::Diagnostic;
use crate::model::{Api, History, Operation};
use crate::Spec;

/// Merges `releases` (in any order; their labels must differ). Types come
/// from the newest release that has an endpoint: an endpoint the newest
/// release lacks joins its API there with the components it uses (renamed
/// where the newest release has different ones by the same name).
pub fn merge(mut releases: Vec<(Release, Spec)>) -> Result<Spec, Box<Diagnostic>> {
    releases.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(twice) = releases.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(Box::new(Diagnostic::general(format!(
            "release `{}` is given twice",
            twice[0].0
        ))));
    }
    let labels: Vec<String> = releases.iter().map(|(r, _)| r.label().to_owned()).collect();
    let Flattened {
        mut slots,
        mut apis_by_release,
        events,
        mut warnings,
    } = flatten(releases);
    let endpoints = {
        let refs: Vec<Vec<OpRef>> = slots
            .iter()
            .zip(&apis_by_release)
            .map(|(flat, apis)| flat.iter().map(|slot| slot.op_ref(apis)).collect())
            .collect();
        match_releases(&refs)
    };

    let newest = labels.len() - 1;
    let mut merged = apis_by_release.pop().unwrap_or_default();
    let older_apis = apis_by_release;
    for endpoint in merged_order(&endpoints, newest) {
        let Some(last) = endpoint.last() else {
            continue;
        };
        let history = history(endpoint, &slots, &labels, &mut warnings);
        let body_required = body_required_in_every_release(endpoint, &slots);
        let slot = &mut slots[last][endpoint.operations[last].unwrap_or_default()];
        let Some(mut operation) = slot.operation.take() else {
            continue;
        };
        if let (false, Some(ReferenceOr::Item(body))) =
            (body_required, &mut operation.operation.request_body)
        {
            body.required = false;
        }
        operation.aliases = served_paths(&operation, &history);
        operation.history = Some(history);
        let api = if last == newest {
            slot.api
        } else {
            let from = &older_apis[last][slot.api];
            join_merged(&mut merged, from, &mut operation, &labels[last])
        };
        merged[api].operations.push(operation);
    }
    for api in &mut merged {
        yield_to_live_routes(&mut api.operations);
    }
    Ok(Spec {
        apis: merged,
        events,
        warnings,
        releases: labels,
    })
}

/// An operation of one release, taken out of its API.
struct Slot {
    api: usize,
    operation: Option<Operation>,
}

/// Every release's operations, taken out of their APIs, flat; the APIs
/// left without them, by release; the newest release's event schemas; and
/// every warning, named by its release.
struct Flattened {
    slots: Vec<Vec<Slot>>,
    apis_by_release: Vec<Vec<Api>>,
    events: Option<crate::events::EventSpec>,
    warnings: Vec<Diagnostic>,
}

fn flatten(releases: Vec<(Release, Spec)>) -> Flattened {
    let mut flattened = Flattened {
        slots: Vec::new(),
        apis_by_release: Vec::new(),
        events: None,
        warnings: Vec::new(),
    };
    for (release, spec) in releases {
        for mut warning in spec.warnings {
            warning.message = format!("{release}: {}", warning.message);
            flattened.warnings.push(warning);
        }
        let mut flat = Vec::new();
        let mut apis = spec.apis;
        for (api_index, api) in apis.iter_mut().enumerate() {
            for operation in std::mem::take(&mut api.operations) {
                flat.push(Slot {
                    api: api_index,
                    operation: Some(operation),
                });
            }
        }
        flattened.slots.push(flat);
        flattened.apis_by_release.push(apis);
        flattened.events = spec.events;
    }
    flattened
}

/// The newest release's endpoints first, in its order; then the removed
/// ones, in the order they first appeared.
fn merged_order(endpoints: &[Endpoint], newest: usize) -> Vec<&Endpoint> {
    let mut order: Vec<&Endpoint> = endpoints
        .iter()
        .filter(|e| e.last() == Some(newest))
        .collect();
    order.sort_by_key(|e| e.operations[newest]);
    order.extend(endpoints.iter().filter(|e| e.last() != Some(newest)));
    order
}

/// The merged API an operation removed before the newest release joins
/// (`from`'s, by name; added if the newest release has no such API), with
/// the components it uses brought along.
fn join_merged(merged: &mut Vec<Api>, from: &Api, operation: &mut Operation, label: &str) -> usize {
    match merged.iter().position(|api| api.name == from.name) {
        Some(api) => {
            import_components(operation, &from.openapi, &mut merged[api].openapi, label);
            api
        }
        None => {
            merged.push(Api {
                name: from.name.clone(),
                openapi: from.openapi.clone(),
                operations: Vec::new(),
            });
            merged.len() - 1
        }
    }
}

impl Slot {
    fn op_ref<'a>(&'a self, apis: &'a [Api]) -> OpRef<'a> {
        let operation = self
            .operation
            .as_ref()
            .expect("slots are full until merged");
        OpRef {
            api: &apis[self.api].name,
            id: &operation.id,
            method: &operation.method,
            path: &operation.path,
            discriminator: operation.discriminator.as_ref(),
        }
    }
}

/// Whether every release that has the endpoint requires a request body. The
/// merged server answers the clients of every release it serves: where one
/// release left the body optional or had none (r0.6.1's
/// `POST /join/{roomIdOrAlias}`, before v1.1 declared every body required,
/// which matrix-nio still sends without one), a request without a body is
/// read as `{}`, and a required field in the newest schema still refuses it.
fn body_required_in_every_release(endpoint: &Endpoint, slots: &[Vec<Slot>]) -> bool {
    endpoint
        .operations
        .iter()
        .enumerate()
        .filter_map(|(release, index)| slots[release][(*index)?].operation.as_ref())
        .all(|operation| match &operation.operation.request_body {
            Some(ReferenceOr::Item(body)) => body.required,
            // A body by reference is the newest release's business alone.
            Some(ReferenceOr::Reference { .. }) => true,
            None => false,
        })
}

/// The endpoint's path in each release, the newest release's parameter names
/// in all of them; and where it was added, deprecated and removed.
fn history(
    endpoint: &Endpoint,
    slots: &[Vec<Slot>],
    labels: &[String],
    warnings: &mut Vec<Diagnostic>,
) -> History {
    let operation_in = |release: usize| {
        let index = endpoint.operations[release]?;
        slots[release][index].operation.as_ref()
    };
    let last = endpoint.last().unwrap_or_default();
    let chosen = operation_in(last).expect("the endpoint's newest operation is in place");
    let mut paths = Vec::new();
    let mut deprecated = None;
    for (release, label) in labels.iter().enumerate() {
        let Some(operation) = operation_in(release) else {
            continue;
        };
        if operation.operation.deprecated && deprecated.is_none() {
            deprecated = Some(label.clone());
        }
        match align(&operation.path, &chosen.path) {
            Some(path) => paths.push((label.clone(), path)),
            // Matching only pairs operations whose paths align; a path that
            // does not is reported rather than served under the wrong names.
            None => warnings.push(Diagnostic::warning(
                format!(
                    "{label}: `{}` is matched to `{}` but their parameters do not line up; \
                     its path in {label} is left out of the history",
                    operation.path, chosen.path
                ),
                &operation.origin,
            )),
        }
    }
    History {
        paths,
        added: labels[endpoint.first().unwrap_or_default()].clone(),
        deprecated,
        removed: labels.get(last + 1).cloned(),
    }
}

/// Every path that reaches the operation besides its own: its `x-alias`
/// paths and its paths in the other releases, each once, in release order.
fn served_paths(operation: &Operation, history: &History) -> Vec<String> {
    let mut seen = BTreeSet::from([operation.path.as_str()]);
    let historical = history.paths.iter().map(|(_, path)| path);
    let all = operation.aliases.iter().chain(historical);
    all.filter(|path| seen.insert(path.as_str()))
        .cloned()
        .collect()
}

/// A removed endpoint does not keep a path that a live endpoint's template
/// also matches: the newest release answers there. (v1.16 replaced
/// `GET /profile/{userId}/displayname` by `GET /profile/{userId}/{keyName}`,
/// which serves `displayname` too.) Its other paths still reach it, and its
/// client still calls whichever path the server's versions call for.
fn yield_to_live_routes(operations: &mut [Operation]) {
    let removed = |op: &Operation| op.history.as_ref().is_some_and(|h| h.removed.is_some());
    let live: Vec<(String, String)> = operations
        .iter()
        .filter(|op| !removed(op))
        .flat_map(|op| {
            let paths = std::iter::once(&op.path).chain(&op.aliases);
            paths.map(|path| (op.method.clone(), path.clone()))
        })
        .collect();
    let taken =
        |method: &str, path: &str| live.iter().any(|(m, p)| m == method && overlaps(p, path));
    for op in operations.iter_mut().filter(|op| removed(op)) {
        let method = op.method.clone();
        op.aliases.retain(|path| !taken(&method, path));
        if taken(&method, &op.path) && !op.aliases.is_empty() {
            op.path = op.aliases.remove(0);
        }
    }
}

/// Whether one request path could match both templates.
fn overlaps(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    let param = |s: &str| s.starts_with('{');
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| x == y || param(x) || param(y))
}
