//! The API as one self-contained OpenAPI 3.0 document, for other tools.
//!
//! 3.0 allows one operation per method and path, so operations that share a
//! route after trimming (`"/rooms/{roomId}/invite "` beside `/rooms/{roomId}/invite`)
//! are written as one operation: its body is a `oneOf` of their bodies, its
//! parameters and responses the union of theirs, and `x-matrix-operations`
//! holds each original operation whole, with the rule that tells it apart.
//!
//! The written bundle also declares the errors the generated server's runtime
//! answers with by itself ([`with_runtime_errors`]), so that a generic client
//! (schemathesis, say) sees no status the document does not mention.

use indexmap::IndexMap;
use openapiv3::{Operation as OaOperation, PathItem, Paths, ReferenceOr};
use serde_json::json;

use crate::model::Operation;

pub fn paths(operations: &[Operation]) -> Paths {
    let mut routes: IndexMap<(&str, &str), Vec<&Operation>> = IndexMap::new();
    for op in operations {
        routes.entry((&op.path, &op.method)).or_default().push(op);
    }
    let mut paths = Paths::default();
    for ((path, method), members) in routes {
        let merged = match members.as_slice() {
            [one] => one.operation.clone(),
            several => merge(several),
        };
        let item = paths
            .paths
            .entry(path.to_owned())
            .or_insert_with(|| ReferenceOr::Item(PathItem::default()));
        if let ReferenceOr::Item(item) = item {
            *slot(item, method) = Some(merged);
        }
    }
    paths
}

fn slot<'a>(item: &'a mut PathItem, method: &str) -> &'a mut Option<OaOperation> {
    match method {
        "get" => &mut item.get,
        "put" => &mut item.put,
        "post" => &mut item.post,
        "delete" => &mut item.delete,
        "options" => &mut item.options,
        "head" => &mut item.head,
        "patch" => &mut item.patch,
        _ => &mut item.trace,
    }
}

fn merge(operations: &[&Operation]) -> OaOperation {
    let mut merged = operations[0].operation.clone();
    merged.operation_id = Some(
        operations
            .iter()
            .map(|op| op.id.as_str())
            .collect::<Vec<_>>()
            .join("_or_"),
    );
    merged.summary = Some(
        operations
            .iter()
            .filter_map(|op| op.operation.summary.as_deref())
            .collect::<Vec<_>>()
            .join(" / "),
    );
    if let Some(ReferenceOr::Item(body)) = &mut merged.request_body {
        *body = merged_body(operations, std::mem::take(body));
    }
    merged.parameters = merged_parameters(operations);
    for op in &operations[1..] {
        for (status, response) in &op.operation.responses.responses {
            merged
                .responses
                .responses
                .entry(status.clone())
                .or_insert_with(|| response.clone());
        }
    }
    let originals: Vec<serde_json::Value> = operations
        .iter()
        .map(|op| {
            json!({
                "operationId": op.id,
                "file": op.file,
                "discriminator": discriminator_json(op),
                "operation": serde_json::to_value(&op.operation).unwrap_or_default(),
            })
        })
        .collect();
    merged
        .extensions
        .insert("x-matrix-operations".to_owned(), json!(originals));
    merged
}

/// One body for the operations sharing a route: per media type, a `oneOf`
/// of their schemas; required only if every operation requires one.
fn merged_body(
    operations: &[&Operation],
    mut body: openapiv3::RequestBody,
) -> openapiv3::RequestBody {
    let mut bodies: IndexMap<String, Vec<ReferenceOr<openapiv3::Schema>>> = IndexMap::new();
    let mut body_required = true;
    for op in operations {
        match &op.operation.request_body {
            Some(ReferenceOr::Item(theirs)) => {
                body_required &= theirs.required;
                for (media, content) in &theirs.content {
                    if let Some(schema) = &content.schema {
                        bodies
                            .entry(media.clone())
                            .or_default()
                            .push(schema.clone());
                    }
                }
            }
            _ => body_required = false,
        }
    }
    body.required = body_required;
    body.content.clear();
    for (media, schemas) in bodies {
        let schema = openapiv3::Schema {
            schema_data: Default::default(),
            schema_kind: openapiv3::SchemaKind::OneOf { one_of: schemas },
        };
        body.content.insert(
            media,
            openapiv3::MediaType {
                schema: Some(ReferenceOr::Item(schema)),
                ..Default::default()
            },
        );
    }
    body
}

/// The union of the operations' parameters; each required only where every
/// operation requires it (a path parameter always is).
fn merged_parameters(operations: &[&Operation]) -> Vec<ReferenceOr<openapiv3::Parameter>> {
    let mut parameters: IndexMap<(String, String), ReferenceOr<openapiv3::Parameter>> =
        IndexMap::new();
    for op in operations {
        for parameter in &op.operation.parameters {
            if let ReferenceOr::Item(p) = parameter {
                let data = p.parameter_data_ref();
                let key = (data.name.clone(), location(p).to_owned());
                parameters.entry(key).or_insert_with(|| parameter.clone());
            }
        }
    }
    for ((name, loc), parameter) in &mut parameters {
        let everywhere = operations.iter().all(|op| {
            op.operation.parameters.iter().any(|p| match p {
                ReferenceOr::Item(p) => {
                    let d = p.parameter_data_ref();
                    &d.name == name && location(p) == loc && d.required
                }
                ReferenceOr::Reference { .. } => false,
            })
        });
        if let ReferenceOr::Item(p) = parameter {
            parameter_data_mut(p).required = everywhere || loc == "path";
        }
    }
    parameters.into_values().collect()
}

fn discriminator_json(op: &Operation) -> serde_json::Value {
    use crate::model::Discriminator;
    match &op.discriminator {
        Some(Discriminator::BodyFields(fields)) => json!({ "bodyFields": fields }),
        Some(Discriminator::QueryParam(name)) => json!({ "queryParameter": name }),
        Some(Discriminator::Fallback) | None => json!("fallback"),
    }
}

fn location(p: &openapiv3::Parameter) -> &'static str {
    match p {
        openapiv3::Parameter::Query { .. } => "query",
        openapiv3::Parameter::Header { .. } => "header",
        openapiv3::Parameter::Path { .. } => "path",
        openapiv3::Parameter::Cookie { .. } => "cookie",
    }
}

fn parameter_data_mut(p: &mut openapiv3::Parameter) -> &mut openapiv3::ParameterData {
    match p {
        openapiv3::Parameter::Query { parameter_data, .. }
        | openapiv3::Parameter::Header { parameter_data, .. }
        | openapiv3::Parameter::Path { parameter_data, .. }
        | openapiv3::Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

/// `openapi` with the responses the generated server gives before the
/// implementation runs, for operations that do not declare that status
/// already (a declared one is the spec's to describe):
///
/// * 400 where a request has a body or parameters: `M_NOT_JSON` (missing,
///   unreadable or not JSON), `M_BAD_JSON` (the wrong shape),
///   `M_MISSING_PARAM`, `M_INVALID_PARAM`;
/// * 401 `M_MISSING_TOKEN` where an access token is required;
/// * 413 `M_TOO_LARGE` where a request has a body.
///
/// Each added response is marked `x-matrix-runtime: true`. Only the written
/// bundle gets them: the model the generator reads stays as the spec says.
pub fn with_runtime_errors(openapi: &openapiv3::OpenAPI) -> openapiv3::OpenAPI {
    let mut openapi = openapi.clone();
    let global_security = openapi.security.clone();
    for item in openapi.paths.paths.values_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let path_params = !item.parameters.is_empty();
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ];
        for op in operations.into_iter().flatten() {
            let security = op.security.as_ref().or(global_security.as_ref());
            let token_required =
                security.is_some_and(|reqs| !reqs.is_empty() && reqs.iter().all(|r| !r.is_empty()));
            let has_body = op.request_body.is_some();
            let has_params = path_params || !op.parameters.is_empty();
            if has_body || has_params {
                declare(
                    op,
                    400,
                    "The request is malformed: `M_NOT_JSON` (a body that is missing, \
                    unreadable or not JSON), `M_BAD_JSON` (a body of the wrong shape), \
                    `M_MISSING_PARAM` or `M_INVALID_PARAM`.",
                );
            }
            if token_required {
                declare(op, 401, "`M_MISSING_TOKEN`: no access token was given.");
            }
            if has_body {
                declare(
                    op,
                    413,
                    "`M_TOO_LARGE`: the request body is over the server's limit.",
                );
            }
        }
    }
    openapi
}

fn declare(op: &mut OaOperation, status: u16, description: &str) {
    let code = openapiv3::StatusCode::Code(status);
    if op.responses.responses.contains_key(&code) {
        return;
    }
    let schema: openapiv3::Schema = serde_json::from_value(json!({
        "type": "object",
        "required": ["errcode"],
        "properties": {
            "errcode": { "type": "string" },
            "error": { "type": "string" },
        },
    }))
    .unwrap_or_else(|_| openapiv3::Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    });
    let mut response = openapiv3::Response {
        description: format!("Answered by the server runtime. {description}"),
        ..Default::default()
    };
    response.content.insert(
        "application/json".to_owned(),
        openapiv3::MediaType {
            schema: Some(ReferenceOr::Item(schema)),
            ..Default::default()
        },
    );
    response
        .extensions
        .insert("x-matrix-runtime".to_owned(), json!(true));
    op.responses
        .responses
        .insert(code, ReferenceOr::Item(response));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> openapiv3::OpenAPI {
        serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/versions": { "get": { "responses": { "200": { "description": "ok" } } } },
                "/rooms/{roomId}/kick": { "post": {
                    "security": [{ "accessToken": [] }],
                    "parameters": [{ "name": "roomId", "in": "path", "required": true,
                                     "schema": { "type": "string" } }],
                    "requestBody": { "content": { "application/json": {
                        "schema": { "type": "object" } } } },
                    "responses": {
                        "200": { "description": "ok" },
                        "400": { "description": "The spec's own." }
                    }
                } },
                "/profile": { "get": {
                    "security": [{}, { "accessToken": [] }],
                    "responses": { "200": { "description": "ok" } }
                } }
            }
        }))
        .unwrap()
    }

    fn statuses(openapi: &openapiv3::OpenAPI, path: &str) -> Vec<(String, bool)> {
        let ReferenceOr::Item(item) = &openapi.paths.paths[path] else {
            panic!("{path} is a reference")
        };
        let op = item.get.as_ref().or(item.post.as_ref()).unwrap();
        op.responses
            .responses
            .iter()
            .map(|(code, response)| {
                let ReferenceOr::Item(response) = response else {
                    panic!("a reference")
                };
                let added = response.extensions.contains_key("x-matrix-runtime");
                (code.to_string(), added)
            })
            .collect()
    }

    #[test]
    fn runtime_errors_are_added_where_undeclared() {
        let with = with_runtime_errors(&api());
        // Nothing to read, no token needed: nothing added.
        assert_eq!(statuses(&with, "/versions"), [("200".into(), false)]);
        // The spec's 400 stays as it is; 401 and 413 are added.
        assert_eq!(
            statuses(&with, "/rooms/{roomId}/kick"),
            [
                ("200".into(), false),
                ("400".into(), false),
                ("401".into(), true),
                ("413".into(), true)
            ]
        );
        // An optional token (`{}` among the requirements) never yields 401.
        assert_eq!(statuses(&with, "/profile"), [("200".into(), false)]);
    }
}
