//! The API as one self-contained OpenAPI 3.0 document, for other tools.
//!
//! 3.0 allows one operation per method and path, so operations that share a
//! route after trimming (`"/rooms/{roomId}/invite "` beside `/rooms/{roomId}/invite`)
//! are written as one operation: its body is a `oneOf` of their bodies, its
//! parameters and responses the union of theirs, and `x-matrix-operations`
//! holds each original operation whole, with the rule that tells it apart.

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
    // Bodies: one schema per media type, a `oneOf` of the operations' schemas.
    let mut bodies: IndexMap<String, Vec<ReferenceOr<openapiv3::Schema>>> = IndexMap::new();
    let mut body_required = true;
    for op in operations {
        match &op.operation.request_body {
            Some(ReferenceOr::Item(body)) => {
                body_required &= body.required;
                for (media, content) in &body.content {
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
    if let Some(ReferenceOr::Item(body)) = &mut merged.request_body {
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
    }
    // Parameters: the union; required only where every operation requires it.
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
    merged.parameters = parameters.into_values().collect();
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
