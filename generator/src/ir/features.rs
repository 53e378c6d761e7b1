//! Cargo features by API area: a crate compiled with some areas only holds
//! their operations and the types they reach, and builds in a fraction of
//! the time of the whole.
//!
//! Each area (a spec file, one server trait) is a feature named after its
//! API and file (`client-server-room-upgrades`); each API is a feature that
//! turns on all of its areas (`client-server`), and `all-areas` turns on every
//! API. A type is compiled when any area that reaches it is on, or always when
//! no area reaches it (or an always-compiled type does). The `events` module
//! is a feature too, which the areas holding event contents turn on.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Ty, TypeDef};
use super::{ApiIr, Area, OperationIr, ResponseType};
use crate::names::{snake_case, Scope};

/// The generated crate's other features, and its optional dependencies
/// (which `dep:` keeps out of the features, but a reader would confuse).
pub const FIXED: &[&str] = &[
    "default",
    "events",
    "client",
    "server",
    "rustls",
    "all-areas",
    "axum",
    "reqwest",
    "percent-encoding",
    "form_urlencoded",
    "tokio",
    "hyper",
    "hyper-util",
    "http-body",
    "http-body-util",
    "tower-service",
    "serde_path_to_error",
];

/// Names every API's and area's feature, unique across the crate (API
/// modules must be final: the names derive from them).
pub fn assign(apis: &mut [ApiIr]) {
    let mut taken = Scope::reserving(FIXED);
    for api in apis.iter_mut() {
        api.feature = taken.claim(&kebab(&api.module), "-");
    }
    for api in apis.iter_mut() {
        for area in &mut api.areas {
            let stem = std::path::Path::new(&area.file).file_stem().map_or_else(
                || area.trait_name.clone(),
                |s| s.to_string_lossy().into_owned(),
            );
            let name = format!("{}-{}", api.feature, kebab(&snake_case(&stem)));
            area.feature = taken.claim(&name, "-");
        }
    }
}

fn kebab(snake: &str) -> String {
    snake.trim_start_matches("r#").replace('_', "-")
}

/// For each of `defs` that only some areas need, the indices (into `areas`)
/// of the areas that reach it. A type missing from the map is always compiled.
pub fn type_areas(
    areas: &[Area],
    defs: &BTreeMap<String, TypeDef>,
) -> BTreeMap<String, BTreeSet<usize>> {
    let mut reached: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (index, area) in areas.iter().enumerate() {
        let mut stack: Vec<&str> = Vec::new();
        for op in &area.operations {
            operation_tys(op, |ty| named(ty, &mut stack));
        }
        while let Some(name) = stack.pop() {
            let Some(def) = defs.get(name) else { continue };
            if reached.entry(name.to_owned()).or_default().insert(index) {
                def.def.for_each_ty(|ty| named(ty, &mut stack));
            }
        }
    }
    // What no area reaches is always compiled, and so is all it needs.
    let mut always: Vec<&str> = defs
        .keys()
        .filter(|name| !reached.contains_key(*name))
        .map(String::as_str)
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = always.pop() {
        let Some(def) = defs.get(name) else { continue };
        if seen.insert(name) {
            reached.remove(name);
            def.def.for_each_ty(|ty| named(ty, &mut always));
        }
    }
    reached
}

/// Which areas need the crate's `events` module (their operations or the
/// types they reach hold an event content, which their feature then turns
/// on), and which of the types every build would hold need it, and are
/// compiled with the `events` feature instead.
pub fn event_needs(
    areas: &[Area],
    defs: &BTreeMap<String, TypeDef>,
    type_areas: &BTreeMap<String, BTreeSet<usize>>,
) -> (Vec<bool>, BTreeSet<String>) {
    // The types holding an event content, directly or through others.
    let mut holding: BTreeSet<&str> = BTreeSet::new();
    loop {
        let before = holding.len();
        for (name, def) in defs {
            let mut holds = false;
            def.def.for_each_ty(|ty| holds |= holds_event(ty, &holding));
            if holds {
                holding.insert(name);
            }
        }
        if holding.len() == before {
            break;
        }
    }
    let needs = areas
        .iter()
        .map(|area| {
            area.operations.iter().any(|op| {
                let mut holds = op.content_type.is_some();
                operation_tys(op, |ty| holds |= holds_event(ty, &holding));
                holds
            })
        })
        .collect();
    let always = holding
        .into_iter()
        .filter(|name| !type_areas.contains_key(*name))
        .map(str::to_owned)
        .collect();
    (needs, always)
}

/// Whether `ty` is or holds an event content, or one of the `holding` types.
fn holds_event(ty: &Ty, holding: &BTreeSet<&str>) -> bool {
    match ty {
        Ty::EventContent | Ty::EventContentBody => true,
        Ty::Named(name) => holding.contains(name.as_str()),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Lenient(inner) => {
            holds_event(inner, holding)
        }
        _ => false,
    }
}

/// Every type an operation names: parameters, body and answers.
fn operation_tys<'a>(op: &'a OperationIr, mut visit: impl FnMut(&'a Ty)) {
    for param in op.path_params.iter().chain(&op.query_params) {
        visit(&param.ty);
    }
    if let Some(body) = &op.body {
        visit(&body.ty);
    }
    for response in &op.responses {
        visit(&response.ty);
    }
    match &op.response_type {
        ResponseType::Single { ty, .. } => visit(ty),
        ResponseType::Enum { variants, .. } => {
            for variant in variants {
                visit(&variant.ty);
            }
        }
    }
}

/// The API types `ty` names, pushed onto `out`.
fn named<'a>(ty: &'a Ty, out: &mut Vec<&'a str>) {
    match ty {
        Ty::Named(name) => out.push(name),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Lenient(inner) => {
            named(inner, out)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::kebab;

    #[test]
    fn feature_names_are_kebab_case() {
        assert_eq!(kebab("client_server"), "client-server");
        assert_eq!(kebab("r#type"), "type");
    }
}
