//! Phase 4: express a normalized API in the OpenAPI 3.0 model (`openapiv3`).
//!
//! Swagger 2.0 and OpenAPI 3.1 are both converted here, rule by rule. Where 3.0
//! has no way to say something, the original is kept in an `x-` extension on
//! the same object, so nothing is dropped silently.
//!
//! Operations (Swagger 2.0):
//! * `in: body` becomes `requestBody`, one media type per `consumes` entry
//!   (operation, else root, else `application/json`); its `x-example` becomes
//!   the media type's `example`.
//! * `in: formData` parameters become an object schema under
//!   `application/x-www-form-urlencoded` (or `multipart/form-data` with a file).
//! * A body that is `type: string, format: byte|binary` sent as anything but
//!   JSON is raw bytes: `format: binary`.
//! * Other parameters get a `schema` from `type`/`format`/`items`/`enum`/...;
//!   `collectionFormat` becomes `style`/`explode`, and an array query parameter
//!   without one is repeated (`explode: true`), as Matrix servers read it.
//!   `x-example` becomes `example`.
//! * A parameter named `name...` (open-ended query) becomes an object
//!   parameter `name` with string values, marked `x-open-ended`.
//! * A string query parameter whose description names the JSON type it holds
//!   is marked `x-json-title` (both dialects; see [`json_query`]).
//! * Responses get one media type per `produces` entry; `type: file` becomes
//!   binary under `application/octet-stream` unless `produces` names one;
//!   `examples: {mime: value}` becomes that media type's `example` (JSON text
//!   in a string is parsed); headers get a `schema`.
//! * `securityDefinitions` become `components.securitySchemes` (`basic` as
//!   HTTP basic, `oauth2` flows by their `flow`).
//!
//! Operations (OpenAPI 3.1): parameters, bodies and headers keep their shape;
//! their schemas are converted. A binary media type without a schema gets
//! `type: string, format: binary`.
//!
//! Response codes are strings; ranges are written `2XX`.
//!
//! Schemas (both dialects; see [`schema`]): a `type` list with `"null"` becomes
//! `nullable`, a list of several types an `anyOf` (original in `x-type-list`);
//! `type: file` is binary; `const` is a one-value `enum` (`x-const`); 3.1
//! `examples` give `example` their first item (`x-examples`); `patternProperties`
//! give `additionalProperties` (`x-patternProperties`); tuple `items` and
//! `prefixItems` give `items` an `anyOf` (`x-tuple-items`); a numeric
//! `exclusiveMinimum`/`exclusiveMaximum` becomes the bound plus `true`; a Swagger
//! `discriminator` name becomes `{propertyName}`; JSON Schema keywords 3.0 lacks
//! (`$schema`, `$id`, `$comment`, ...) are kept as `x-jsonschema-<keyword>`.

use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::{json, Map, Value as J};

use crate::diag::{Diagnostic, Result, Warnings};
use crate::load::Dialect;
use crate::model::{Api, Operation};
use crate::node::{Node, Origin, Value};
use crate::normalize::{NormalizedApi, RawOperation};
use crate::parallel;

mod json_query;
mod schema;

pub use schema::schema;

pub fn convert(api: NormalizedApi, warnings: &mut Warnings) -> Result<Api> {
    // Operations convert independently: a large API's hundreds share the cores,
    // each with its own warnings, listed in operation order.
    let converted = parallel::map(api.operations.iter().collect(), |raw| {
        let mut found = Warnings::default();
        let operation = operation(raw, &mut found).and_then(|json| {
            from_json::<openapiv3::Operation>(json, &raw.node.origin, "operation")
        });
        (operation, found)
    });
    let mut operations = Vec::with_capacity(api.operations.len());
    for (raw, (operation, found)) in api.operations.iter().zip(converted) {
        warnings.0.extend(found.0);
        let operation = operation?;
        operations.push(Operation {
            id: raw.id.clone(),
            method: raw.method.clone(),
            path: raw.path.clone(),
            aliases: raw.aliases.clone(),
            discriminator: raw.discriminator.clone(),
            operation,
            origin: raw.node.origin.clone(),
            file: raw.file.clone(),
            history: None,
        });
    }
    let mut schemas = Map::new();
    for (name, node) in &api.schemas {
        schemas.insert(name.clone(), schema(node, warnings));
    }
    let mut security_schemes = Map::new();
    for (name, node) in &api.security_schemes {
        security_schemes.insert(name.clone(), security_scheme(node, api.dialect));
    }
    // Each file of an API has a title of its own; the API is named by its directory.
    let title = format!("The `{}` API", api.name);
    let document = json!({
        "openapi": "3.0.3",
        "info": { "title": title, "version": "1.0.0" },
        "paths": {},
        "components": { "schemas": schemas, "securitySchemes": security_schemes },
    });
    let origin = operations
        .first()
        .map(|op| op.origin.clone())
        .ok_or_else(|| Diagnostic::general(format!("API `{}` has no operations", api.name)))?;
    let mut openapi: openapiv3::OpenAPI = from_json(document, &origin, "API document")?;
    openapi.paths = crate::bundle::paths(&operations);
    Ok(Api {
        name: api.name,
        openapi,
        operations,
    })
}

fn from_json<T: serde::de::DeserializeOwned>(
    json: J,
    origin: &Arc<Origin>,
    what: &str,
) -> Result<T> {
    serde_json::from_value(json).map_err(|e| {
        Box::new(Diagnostic::error(
            format!("this {what} does not fit the OpenAPI 3.0 model: {e}"),
            origin,
        ))
    })
}

fn is_json_media(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

fn operation(raw: &RawOperation, warnings: &mut Warnings) -> Result<J> {
    let node = &raw.node;
    let mut out = Map::new();
    for key in ["summary", "description", "tags", "deprecated", "security"] {
        if let Some(value) = node.get(key) {
            out.insert(key.to_owned(), value.to_json());
        }
    }
    if node.get("security").is_none() {
        if let Some(security) = &raw.root_defaults.security {
            out.insert("security".to_owned(), security.to_json());
        }
    }
    out.insert("operationId".to_owned(), J::String(raw.id.clone()));
    copy_extensions(node, &mut out);

    // Operation parameters override path-item ones with the same name and location.
    let mut parameters: IndexMap<(String, String), &Node> = IndexMap::new();
    for p in raw.path_item_parameters.iter().chain(
        node.get("parameters")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten(),
    ) {
        let key = (
            p.get_str("name").unwrap_or_default().to_owned(),
            p.get_str("in").unwrap_or_default().to_owned(),
        );
        parameters.insert(key, p);
    }

    let (consumes, produces) = match raw.dialect {
        Dialect::Swagger2 => (
            media_list(node.get("consumes"), &raw.root_defaults.consumes),
            media_list(node.get("produces"), &raw.root_defaults.produces),
        ),
        Dialect::OpenApi31 => (Vec::new(), Vec::new()),
    };

    let mut params_json = Vec::new();
    let mut form_fields: Vec<&Node> = Vec::new();
    for p in parameters.values() {
        match (raw.dialect, p.get_str("in")) {
            (Dialect::Swagger2, Some("body")) => {
                out.insert(
                    "requestBody".to_owned(),
                    swagger_body(p, &consumes, warnings),
                );
            }
            (Dialect::Swagger2, Some("formData")) => form_fields.push(p),
            (Dialect::Swagger2, _) => params_json.push(swagger_parameter(p, warnings)),
            (Dialect::OpenApi31, _) => params_json.push(oas31_parameter(p, warnings)),
        }
    }
    if !form_fields.is_empty() {
        out.insert("requestBody".to_owned(), form_body(&form_fields, warnings));
    }
    if !params_json.is_empty() {
        out.insert("parameters".to_owned(), J::Array(params_json));
    }
    if let (Dialect::OpenApi31, Some(body)) = (raw.dialect, node.get("requestBody")) {
        out.insert(
            "requestBody".to_owned(),
            oas31_content_holder(body, warnings),
        );
    }

    let mut responses = Map::new();
    for (code, response) in node
        .get("responses")
        .and_then(Node::as_map)
        .into_iter()
        .flatten()
    {
        let code = normalize_status(code);
        let converted = match raw.dialect {
            Dialect::Swagger2 => swagger_response(response, &produces, warnings),
            Dialect::OpenApi31 => {
                let mut converted = oas31_content_holder(response, warnings);
                // 3.0 requires a description on every response.
                if let Some(obj) = converted.as_object_mut() {
                    obj.entry("description").or_insert(J::String(String::new()));
                }
                converted
            }
        };
        responses.insert(code, converted);
    }
    if responses.is_empty() {
        return Err(Box::new(Diagnostic::error(
            "this operation declares no responses",
            &node.origin,
        )));
    }
    out.insert("responses".to_owned(), J::Object(responses));
    Ok(J::Object(out))
}

/// `200` and `"200"` alike; ranges in the upper-case form 3.0 requires.
fn normalize_status(code: &str) -> String {
    let code = code.trim();
    if code.eq_ignore_ascii_case("default") {
        return "default".to_owned();
    }
    code.to_ascii_uppercase()
}

fn media_list(own: Option<&Node>, root: &[String]) -> Vec<String> {
    let own: Vec<String> = own
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect();
    if !own.is_empty() {
        own
    } else if !root.is_empty() {
        root.to_vec()
    } else {
        vec!["application/json".to_owned()]
    }
}

fn copy_extensions(node: &Node, out: &mut Map<String, J>) {
    for (key, value) in node.as_map().into_iter().flatten() {
        if key.starts_with("x-") && key != "x-example" {
            out.insert(key.clone(), value.to_json());
        }
    }
}

/// JSON text written inside a string (`"{\"a\": 1}"`) is read as the JSON it holds.
fn example_value(node: &Node) -> J {
    if let Some(text) = node.as_str() {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            if let Ok(parsed) = serde_json::from_str(text) {
                return parsed;
            }
        }
    }
    node.to_json()
}

fn swagger_body(p: &Node, consumes: &[String], warnings: &mut Warnings) -> J {
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

fn form_body(fields: &[&Node], warnings: &mut Warnings) -> J {
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
const PARAMETER_SCHEMA_KEYS: &[&str] = &[
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
fn parameter_schema(p: &Node, warnings: &mut Warnings) -> J {
    let keywords: IndexMap<String, Node> = p
        .as_map()
        .into_iter()
        .flatten()
        .filter(|(key, _)| PARAMETER_SCHEMA_KEYS.contains(&key.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    schema(&Node::new(Value::Map(keywords), p.origin.clone()), warnings)
}

fn swagger_parameter(p: &Node, warnings: &mut Warnings) -> J {
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

fn oas31_parameter(p: &Node, warnings: &mut Warnings) -> J {
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
fn oas31_content_holder(node: &Node, warnings: &mut Warnings) -> J {
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

fn headers(node: &Node, warnings: &mut Warnings) -> J {
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

fn swagger_response(response: &Node, produces: &[String], warnings: &mut Warnings) -> J {
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

fn security_scheme(node: &Node, dialect: Dialect) -> J {
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
