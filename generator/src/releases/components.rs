//! An operation moved from an older release's API into the newest one takes
//! the components it refers to along. A component the newest API has by the
//! same name and content is shared; one that differs is added under the name
//! with the release appended (`RoomEvent` from `r0.6.1`: `RoomEvent_r0.6.1`),
//! and the moved operation's references follow it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::Operation;

pub fn import_components(
    operation: &mut Operation,
    from: &openapiv3::OpenAPI,
    into: &mut openapiv3::OpenAPI,
    release: &str,
) {
    let from_components = to_value(&from.components);
    let mut into_components = to_value(&into.components);
    let mut operation_json = to_value(&operation.operation);

    // Every component the operation reaches, through other components too.
    let mut reached = BTreeSet::new();
    let mut pending = references(&operation_json);
    while let Some(reference) = pending.pop() {
        if reached.insert(reference.clone()) {
            if let Some(component) = component(&from_components, &reference) {
                pending.extend(references(component));
            }
        }
    }
    let mut renamed = BTreeMap::new();
    for reference in &reached {
        let Some(theirs) = component(&from_components, reference) else {
            continue;
        };
        if component(&into_components, reference) != Some(theirs) {
            renamed.insert(reference.clone(), format!("{reference}_{release}"));
        }
    }
    for reference in &reached {
        let Some(mut theirs) = component(&from_components, reference).cloned() else {
            continue;
        };
        let Some(target) = renamed.get(reference) else {
            continue;
        };
        rewrite(&mut theirs, &renamed);
        if let Some((section, name)) = split(target) {
            into_components[section][name] = theirs;
        }
    }
    rewrite(&mut operation_json, &renamed);
    // Both were written from these types a moment ago: they read back.
    operation.operation = serde_json::from_value(operation_json).expect("an operation reads back");
    into.components = serde_json::from_value(into_components).expect("components read back");
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the OpenAPI model serializes")
}

/// The `#/components/...` references anywhere in `value`.
fn references(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    if reference.starts_with("#/components/") {
                        found.push(reference.clone());
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// `#/components/schemas/Name` -> (`schemas`, `Name`).
fn split(reference: &str) -> Option<(&str, &str)> {
    reference.strip_prefix("#/components/")?.split_once('/')
}

fn component<'a>(components: &'a Value, reference: &str) -> Option<&'a Value> {
    let (section, name) = split(reference)?;
    components.get(section)?.get(name)
}

fn rewrite(value: &mut Value, renamed: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(target) = renamed.get(reference.as_str()) {
                    *reference = target.clone();
                }
            }
            map.values_mut().for_each(|v| rewrite(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, renamed)),
        _ => {}
    }
}
