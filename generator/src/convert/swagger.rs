//! Swagger 2.0 parameters, bodies, responses and security schemes in the
//! OpenAPI 3.0 model (the rules are listed in the phase's module docs).

use indexmap::IndexMap;
use serde_json::{json, Map, Value as J};

use super::oas31::headers;
use super::{copy_extensions, example_value, is_json_media, json_query, schema};
use crate::diag::Warnings;
use crate::load::Dialect;
use crate::node::{Node, Value};

pub(super) fn swagger_body(p: &Node, consumes: &[String], warnings: &mut Warnings) -> J {
    let mut schema_json = p.get("schema").map_or(json!({}), |s| schema(s, warnings));
    let raw_bytes = p.get("schema").is_some_and(|s| {
        s.get_str("type") == Some("string")
            && matches!(s.get_str("format"), Some("byte" | "binary"))
    }) && !consumes.iter().any(|m| is_json_media(m));
    if raw_bytes {
        schema_json = json!({ "type": "string", "format": "binary" });
    }
    let mut content = Map::new();
    for media in consumes {
        let mut media_json = json!({ "schema": schema_json });
        if let Some(example) = p.get("x-example") {
            media_json["example"] = example_value(example);
        }
        content.insert(media.clone(), media_json);
    }
    let mut body = json!({
        "content": content,
        "required": p.get("required").and_then(|r| match r.value { Value::Bool(b) => Some(b), _ => None }).unwrap_or(false),
    });
    if let Some(description) = p.get_str("description") {
        body["description"] = J::String(description.to_owned());
    }
    if let Some(name) = p.get_str("name") {
        body["x-body-name"] = J::String(name.to_owned());
    }
    body
}

pub(super) fn form_body(fields: &[&Node], warnings: &mut Warnings) -> J {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut multipart = false;
    for field in fields {
        let name = field.get_str("name").unwrap_or_default().to_owned();
        multipart |= field.get_str("type") == Some("file");
        properties.insert(name.clone(), parameter_schema(field, warnings));
        if matches!(
            field.get("required").map(|r| &r.value),
            Some(Value::Bool(true))
        ) {
            required.push(J::String(name));
        }
    }
    let media = if multipart {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    json!({
        "content": { media: { "schema": { "type": "object", "properties": properties, "required": required } } },
        "required": !required.is_empty(),
    })
}

/// The keywords a Swagger 2.0 non-body parameter shares with a schema.
pub(super) const PARAMETER_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// The schema of a Swagger 2.0 parameter, header or form field, from its type keywords.
pub(super) fn parameter_schema(p: &Node, warnings: &mut Warnings) -> J {
    let keywords: IndexMap<String, Node> = p
        .as_map()
        .into_iter()
        .flatten()
        .filter(|(key, _)| PARAMETER_SCHEMA_KEYS.contains(&key.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    schema(&Node::new(Value::Map(keywords), p.origin.clone()), warnings)
}

pub(super) fn swagger_parameter(p: &Node, warnings: &mut Warnings) -> J {
    let location = p.get_str("in").unwrap_or("query");
    let written_name = p.get_str("name").unwrap_or_default();
    let mut out = Map::new();
    let mut schema_json = parameter_schema(p, warnings);
    let mut name = written_name.to_owned();
    if let Some(stem) = written_name.strip_suffix("...") {
        name = stem.to_owned();
        schema_json = json!({ "type": "object", "additionalProperties": { "type": "string" } });
        out.insert("x-open-ended".to_owned(), J::Bool(true));
        out.insert("style".to_owned(), J::String("form".to_owned()));
        out.insert("explode".to_owned(), J::Bool(true));
    }
    out.insert("name".to_owned(), J::String(name));
    out.insert("in".to_owned(), J::String(location.to_owned()));
    if let Some(description) = p.get_str("description") {
        out.insert("description".to_owned(), J::String(description.to_owned()));
    }
    let required = location == "path"
        || matches!(p.get("required").map(|r| &r.value), Some(Value::Bool(true)));
    out.insert("required".to_owned(), J::Bool(required));
    if p.get_str("type") == Some("array") {
        let format = p.get_str("collectionFormat");
        let (style, explode) = match (location, format) {
            (_, Some("multi")) | ("query", None) => ("form", true),
            ("query", Some("ssv")) => ("spaceDelimited", false),
            ("query", Some("pipes")) => ("pipeDelimited", false),
            ("query", _) => ("form", false),
            _ => ("simple", false),
        };
        out.insert("style".to_owned(), J::String(style.to_owned()));
        out.insert("explode".to_owned(), J::Bool(explode));
        if let Some(format) = format {
            out.insert(
                "x-collectionFormat".to_owned(),
                J::String(format.to_owned()),
            );
        }
    }
    if let Some(example) = p.get("x-example") {
        out.insert("example".to_owned(), example.to_json());
    }
    copy_extensions(p, &mut out);
    out.insert("schema".to_owned(), schema_json);
    json_query::mark(p, &mut out, warnings);
    J::Object(out)
}

pub(super) fn swagger_response(response: &Node, produces: &[String], warnings: &mut Warnings) -> J {
    let mut out = Map::new();
    out.insert(
        "description".to_owned(),
        J::String(
            response
                .get_str("description")
                .unwrap_or_default()
                .to_owned(),
        ),
    );
    if let Some(h) = response.get("headers") {
        out.insert("headers".to_owned(), headers(h, warnings));
    }
    copy_extensions(response, &mut out);
    let examples = response.get("examples").and_then(Node::as_map);
    if let Some(schema_node) = response.get("schema") {
        let is_file = schema_node.get_str("type") == Some("file");
        let converted = schema(schema_node, warnings);
        let media_types: Vec<String> = if is_file && produces.iter().all(|m| is_json_media(m)) {
            vec!["application/octet-stream".to_owned()]
        } else {
            produces.to_vec()
        };
        let mut content = Map::new();
        for media in media_types {
            let mut entry = json!({ "schema": converted });
            if let Some(example) = examples.and_then(|e| e.get(&media)) {
                entry["example"] = example_value(example);
            }
            content.insert(media, entry);
        }
        out.insert("content".to_owned(), J::Object(content));
    } else if let Some(examples) = examples {
        // Examples with no schema still describe the body; keep them.
        let content: Map<String, J> = examples
            .iter()
            .map(|(media, example)| (media.clone(), json!({ "example": example_value(example) })))
            .collect();
        out.insert("content".to_owned(), J::Object(content));
    }
    J::Object(out)
}

pub(super) fn security_scheme(node: &Node, dialect: Dialect) -> J {
    let json = node.to_json();
    if dialect == Dialect::OpenApi31 {
        return json;
    }
    let mut converted = match node.get_str("type") {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        Some("oauth2") => {
            let flow = match node.get_str("flow") {
                Some("accessCode") => "authorizationCode",
                Some("application") => "clientCredentials",
                Some(other) => other,
                None => "implicit",
            };
            let mut flow_json = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(v) = json.get(key) {
                    flow_json.insert(key.to_owned(), v.clone());
                }
            }
            flow_json.insert(
                "scopes".to_owned(),
                json.get("scopes").cloned().unwrap_or(json!({})),
            );
            json!({ "type": "oauth2", "flows": { flow: flow_json } })
        }
        _ => return json,
    };
    if let Some(description) = json.get("description") {
        converted["description"] = description.clone();
    }
    converted
}
