//! Schemas of both dialects into the OpenAPI 3.0 model (rules in [`super`]).

use std::sync::Arc;

use serde_json::{json, Map, Value as J};

use crate::diag::{Diagnostic, Warnings};
use crate::node::{Node, Origin, Value};

/// Keywords whose value is a map of schemas.
const SCHEMA_MAPS: &[&str] = &["properties"];
/// Keywords whose value is one schema.
const SCHEMA_ONE: &[&str] = &["not"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf"];
/// Keywords OpenAPI 3.0 takes from a schema as they are.
const SCHEMA_PLAIN: &[&str] = &[
    "title",
    "description",
    "default",
    "multipleOf",
    "maximum",
    "minimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "format",
    "nullable",
    "readOnly",
    "writeOnly",
    "example",
    "deprecated",
    "externalDocs",
    "xml",
];

/// Converts a Swagger 2.0 or JSON Schema 2020-12 schema to an OpenAPI 3.0 one.
/// The rules are listed in the module documentation.
pub fn schema(node: &Node, warnings: &mut Warnings) -> J {
    let Some(entries) = node.as_map() else {
        // `true` / `false` schemas and other oddities: 3.0 has only objects.
        return match node.value {
            Value::Bool(false) => json!({ "not": {} }),
            _ => json!({}),
        };
    };
    if let Some(reference) = entries.get("$ref") {
        return json!({ "$ref": reference.to_json() });
    }
    let mut out = Map::new();
    for (key, value) in entries {
        let key = key.as_str();
        if key == "required" && value.as_seq().is_none() {
            warnings.push(Diagnostic::warning(
                "a boolean `required` is draft-3 JSON Schema: on an inline property it is read as the property's name in its parent's `required` list, as the spec later wrote it; elsewhere it is ignored",
                &value.origin,
            ));
            continue;
        }
        if key == "type" && value.as_str() == Some("enum") {
            enum_as_type(node, value, &mut out, warnings);
            continue;
        }
        if SCHEMA_PLAIN.contains(&key) {
            out.insert(key.to_owned(), value.to_json());
        } else if SCHEMA_MAPS.contains(&key) {
            let map: Map<String, J> = value
                .as_map()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), schema(v, warnings)))
                .collect();
            out.insert(key.to_owned(), J::Object(map));
        } else if SCHEMA_ONE.contains(&key) {
            out.insert(key.to_owned(), schema(value, warnings));
        } else if SCHEMA_LISTS.contains(&key) {
            let list = value
                .as_seq()
                .unwrap_or_default()
                .iter()
                .map(|v| schema(v, warnings))
                .collect();
            out.insert(key.to_owned(), J::Array(list));
        } else if key.starts_with("x-") {
            out.insert(key.to_owned(), value.to_json());
        } else {
            convert_special_keyword(key, value, &mut out, warnings);
        }
    }
    draft3_required(node, &mut out);
    check_required(node, &out, warnings);
    J::Object(out)
}

/// `required: true` on an inline property (draft 3, as in r0's
/// `server-server/definitions/keys.yaml`): the property's own conversion
/// warns; here its name joins the parent's `required` list.
fn draft3_required(node: &Node, out: &mut Map<String, J>) {
    let properties = node.get("properties").and_then(Node::as_map);
    for (name, property) in properties.into_iter().flatten() {
        let Some(Value::Bool(true)) = property.get("required").map(|r| &r.value) else {
            continue;
        };
        let list = out
            .entry("required")
            .or_insert_with(|| J::Array(Vec::new()));
        if let J::Array(names) = list {
            if !names.iter().any(|n| n == name.as_str()) {
                names.push(J::String(name.clone()));
            }
        }
    }
}

/// `type: enum` (r0's `server-server/query.yaml`) is no JSON Schema type: the
/// values of `enum` say what was meant, as the spec later wrote it.
fn enum_as_type(node: &Node, value: &Node, out: &mut Map<String, J>, warnings: &mut Warnings) {
    let values = node.get("enum").and_then(Node::as_seq).unwrap_or_default();
    let inferred = if values.iter().all(|v| v.as_str().is_some()) {
        Some("string")
    } else if values.iter().all(|v| matches!(v.value, Value::Int(_))) {
        Some("integer")
    } else {
        None
    };
    let reading = match inferred {
        Some(ty) => {
            out.insert("type".to_owned(), J::String(ty.to_owned()));
            format!("`type: {ty}`, the type of its values")
        }
        None => "no type: its values are of several".to_owned(),
    };
    warnings.push(Diagnostic::warning(
        format!("`type: enum` is not a JSON Schema type; it is read as {reading}"),
        &value.origin,
    ));
}

fn convert_special_keyword(
    key: &str,
    value: &Node,
    out: &mut Map<String, J>,
    warnings: &mut Warnings,
) {
    match key {
        "type" => convert_type(value, out),
        "items" => match value.as_seq() {
            Some(tuple) => tuple_items(tuple, out, warnings),
            None => {
                out.insert("items".to_owned(), schema(value, warnings));
            }
        },
        "prefixItems" => tuple_items(value.as_seq().unwrap_or_default(), out, warnings),
        "additionalProperties" => {
            let converted = match value.value {
                Value::Bool(b) => J::Bool(b),
                _ => schema(value, warnings),
            };
            out.insert(key.to_owned(), converted);
        }
        "patternProperties" => {
            let members: Map<String, J> = value
                .as_map()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), schema(v, warnings)))
                .collect();
            let mut values: Vec<J> = members.values().cloned().collect();
            values.dedup();
            if !out.contains_key("additionalProperties") {
                let additional = match values.len() {
                    1 => values.remove(0),
                    _ => json!({ "anyOf": values }),
                };
                out.insert("additionalProperties".to_owned(), additional);
            }
            out.entry("type").or_insert(J::String("object".to_owned()));
            out.insert("x-patternProperties".to_owned(), J::Object(members));
        }
        "const" => {
            out.insert("enum".to_owned(), json!([value.to_json()]));
            out.insert("x-const".to_owned(), value.to_json());
        }
        "examples" => {
            if let Some(first) = value.as_seq().and_then(|s| s.first()) {
                out.entry("example").or_insert(first.to_json());
            }
            out.insert("x-examples".to_owned(), value.to_json());
        }
        "exclusiveMinimum" | "exclusiveMaximum" => match value.value {
            Value::Bool(b) => {
                out.insert(key.to_owned(), J::Bool(b));
            }
            _ => {
                let bound = if key == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                out.insert(bound.to_owned(), value.to_json());
                out.insert(key.to_owned(), J::Bool(true));
            }
        },
        "discriminator" => {
            let converted = match value.as_str() {
                Some(property) => json!({ "propertyName": property }),
                None => value.to_json(),
            };
            out.insert(key.to_owned(), converted);
        }
        "schema" => {
            warnings.push(Diagnostic::warning(
                "`schema` is not a schema keyword; it is kept as `x-misplaced-schema` and has no effect",
                &value.origin,
            ));
            out.insert("x-misplaced-schema".to_owned(), schema(value, warnings));
        }
        _ => {
            out.insert(format!("x-jsonschema-{key}"), value.to_json());
        }
    }
}

fn convert_type(value: &Node, out: &mut Map<String, J>) {
    let types: Vec<String> = match &value.value {
        Value::Str(t) => vec![t.clone()],
        Value::Seq(items) => items
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let nullable = types.iter().any(|t| t == "null");
    let concrete: Vec<String> = types
        .iter()
        .filter(|t| *t != "null")
        .map(|t| {
            if t == "file" {
                "string".to_owned()
            } else {
                t.clone()
            }
        })
        .collect();
    if nullable {
        out.insert("nullable".to_owned(), J::Bool(true));
    }
    if types.iter().any(|t| t == "file") {
        out.insert("format".to_owned(), J::String("binary".to_owned()));
    }
    match concrete.as_slice() {
        [] => {}
        [one] => {
            out.insert("type".to_owned(), J::String(one.clone()));
        }
        several => {
            let members: Vec<J> = several.iter().map(|t| json!({ "type": t })).collect();
            out.insert("anyOf".to_owned(), J::Array(members));
            out.insert("x-type-list".to_owned(), value.to_json());
        }
    }
}

fn tuple_items(tuple: &[Node], out: &mut Map<String, J>, warnings: &mut Warnings) {
    let members: Vec<J> = tuple.iter().map(|m| schema(m, warnings)).collect();
    let mut distinct = members.clone();
    distinct.dedup();
    let items = match distinct.len() {
        0 => json!({}),
        1 => distinct.remove(0),
        _ => json!({ "anyOf": distinct }),
    };
    out.insert("items".to_owned(), items);
    out.insert("x-tuple-items".to_owned(), J::Array(members));
}

/// A `required` name that no property declares is almost always a typo in the spec.
fn check_required(node: &Node, out: &Map<String, J>, warnings: &mut Warnings) {
    let Some(required) = node.get("required").and_then(Node::as_seq) else {
        return;
    };
    let composed = ["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| out.contains_key(*k));
    let properties = out.get("properties").and_then(J::as_object);
    if composed || out.contains_key("additionalProperties") {
        return;
    }
    for name in required {
        let Some(name) = name.as_str() else { continue };
        let declared = properties.is_some_and(|p| p.contains_key(name));
        if !declared {
            warnings.push(Diagnostic::warning(
                format!("`{name}` is required but not among the schema's properties"),
                &name_origin(node, name),
            ));
        }
    }
}

fn name_origin(node: &Node, name: &str) -> Arc<Origin> {
    node.get("required")
        .and_then(Node::as_seq)
        .and_then(|r| r.iter().find(|n| n.as_str() == Some(name)))
        .map_or_else(|| node.origin.clone(), |n| n.origin.clone())
}
