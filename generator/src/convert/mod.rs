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
use crate::node::{Node, Origin};
use crate::normalize::{NormalizedApi, RawOperation};
use crate::parallel;

mod json_query;
mod oas31;
mod schema;
mod swagger;

pub use schema::schema;

use oas31::{oas31_content_holder, oas31_parameter};
use swagger::{form_body, security_scheme, swagger_body, swagger_parameter, swagger_response};

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

    let (consumes, produces) = match raw.dialect {
        Dialect::Swagger2 => (
            media_list(node.get("consumes"), &raw.root_defaults.consumes),
            media_list(node.get("produces"), &raw.root_defaults.produces),
        ),
        Dialect::OpenApi31 => (Vec::new(), Vec::new()),
    };
    parameters_and_body(raw, &consumes, &mut out, warnings);
    let responses = responses(raw, &produces, warnings)?;
    out.insert("responses".to_owned(), J::Object(responses));
    Ok(J::Object(out))
}

/// Operation parameters, overriding path-item ones with the same name and
/// location.
fn effective_parameters(raw: &RawOperation) -> IndexMap<(String, String), &Node> {
    let mut parameters: IndexMap<(String, String), &Node> = IndexMap::new();
    for p in raw.path_item_parameters.iter().chain(
        raw.node
            .get("parameters")
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
    parameters
}

/// The operation's `parameters` and `requestBody`, into `out`: Swagger 2's
/// `body` and `formData` parameters become the body.
fn parameters_and_body(
    raw: &RawOperation,
    consumes: &[String],
    out: &mut Map<String, J>,
    warnings: &mut Warnings,
) {
    let mut params_json = Vec::new();
    let mut form_fields: Vec<&Node> = Vec::new();
    for p in effective_parameters(raw).values() {
        match (raw.dialect, p.get_str("in")) {
            (Dialect::Swagger2, Some("body")) => {
                out.insert(
                    "requestBody".to_owned(),
                    swagger_body(p, consumes, warnings),
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
    if let (Dialect::OpenApi31, Some(body)) = (raw.dialect, raw.node.get("requestBody")) {
        out.insert(
            "requestBody".to_owned(),
            oas31_content_holder(body, warnings),
        );
    }
}

/// The operation's responses by status; an operation must declare one.
fn responses(
    raw: &RawOperation,
    produces: &[String],
    warnings: &mut Warnings,
) -> Result<Map<String, J>> {
    let mut responses = Map::new();
    for (code, response) in raw
        .node
        .get("responses")
        .and_then(Node::as_map)
        .into_iter()
        .flatten()
    {
        let code = normalize_status(code);
        let converted = match raw.dialect {
            Dialect::Swagger2 => swagger_response(response, produces, warnings),
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
            &raw.node.origin,
        )));
    }
    Ok(responses)
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
