//! OpenAPI 3.1 parameters, bodies and headers: their shape stays, the
//! schemas they hold are converted. Swagger 2.0 response headers pass through
//! [`headers`] too.

use serde_json::{json, Map, Value as J};

use super::swagger::{parameter_schema, PARAMETER_SCHEMA_KEYS};
use super::{is_json_media, json_query, schema};
use crate::diag::Warnings;
use crate::node::Node;

pub(super) fn oas31_parameter(p: &Node, warnings: &mut Warnings) -> J {
    let mut out = oas31_content_holder(p, warnings);
    if let Some(obj) = out.as_object_mut() {
        // 3.0 requires path parameters to say so, and every parameter to have a schema.
        if p.get_str("in") == Some("path") {
            obj.insert("required".to_owned(), J::Bool(true));
        }
        if p.get("schema").is_none() && p.get("content").is_none() {
            obj.insert("schema".to_owned(), json!({}));
        }
        json_query::mark(p, obj, warnings);
    }
    out
}

/// A 3.1 request body, response, header or parameter: converts the schemas it holds.
pub(super) fn oas31_content_holder(node: &Node, warnings: &mut Warnings) -> J {
    let mut out = Map::new();
    for (key, value) in node.as_map().into_iter().flatten() {
        let converted = match key.as_str() {
            "content" => content(value, warnings),
            "headers" => headers(value, warnings),
            "schema" => schema(value, warnings),
            _ => value.to_json(),
        };
        out.insert(key.clone(), converted);
    }
    J::Object(out)
}

fn content(node: &Node, warnings: &mut Warnings) -> J {
    let mut out = Map::new();
    for (media, entry) in node.as_map().into_iter().flatten() {
        let mut converted = oas31_content_holder(entry, warnings);
        if entry.get("schema").is_none() && !is_json_media(media) {
            converted["schema"] = json!({ "type": "string", "format": "binary" });
        }
        if let Some(obj) = converted.as_object_mut() {
            obj.remove("description");
        }
        out.insert(media.clone(), converted);
    }
    J::Object(out)
}

pub(super) fn headers(node: &Node, warnings: &mut Warnings) -> J {
    let mut out = Map::new();
    for (name, header) in node.as_map().into_iter().flatten() {
        let mut converted = oas31_content_holder(header, warnings);
        if header.get("schema").is_none() && header.get("content").is_none() {
            // A Swagger 2.0 header: its type keywords become its schema.
            if let Some(obj) = converted.as_object_mut() {
                obj.retain(|k, _| !PARAMETER_SCHEMA_KEYS.contains(&k.as_str()));
                obj.insert("schema".to_owned(), parameter_schema(header, warnings));
            }
        }
        out.insert(name.clone(), converted);
    }
    J::Object(out)
}
