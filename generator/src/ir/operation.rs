//! One operation's IR: its names, parameters, body, responses and auth.

use openapiv3::{Parameter, ReferenceOr, SecurityScheme, StatusCode};

use super::bodies::{request_body, response_body, response_headers};
use super::params;
use super::types::{Ty, TypeGraph};
use super::{Auth, OperationIr, ParamIr, QueryEncoding, ResponseIr, ResponseType, StatusVariant};
use crate::model::Operation;
use crate::names::{const_ident, local_ident, type_ident, type_prefix, variant_ident, Scope};

/// Names the generated callers and client methods use beside the path
/// parameters, which are arguments and locals of the same functions.
const OPERATION_LOCALS: &[&str] = &[
    "auth", "query", "body", "request", "response", "service", "path", "call",
];

/// Methods every type has, which a trait method must not shadow.
const SHADOWED_METHODS: &[&str] = &["clone", "eq", "fmt", "hash", "into", "from", "to_string"];

pub(super) fn operation(
    op: &Operation,
    graph: &mut TypeGraph,
    schemes: Option<&indexmap::IndexMap<String, ReferenceOr<SecurityScheme>>>,
    fn_names: &mut Scope,
) -> OperationIr {
    let o = &op.operation;
    let fn_name = method_name(op, fn_names);
    let prefix = graph.reserve(&type_prefix(&op.id));
    let (path_params, query_params) = parameters(op, graph, &prefix);
    let query_type = (!query_params.is_empty()).then(|| graph.reserve(&format!("{prefix}Query")));

    let body = o.request_body.as_ref().and_then(|body| match body {
        ReferenceOr::Item(body) => Some(request_body(body, graph, &prefix)),
        ReferenceOr::Reference { .. } => None,
    });

    let (responses, response_type) = responses(o, graph, &prefix);

    OperationIr {
        id: op.id.clone(),
        const_name: const_ident(&op.id),
        fn_name,
        type_prefix: prefix,
        method: op.method.clone(),
        path: op.path.clone(),
        aliases: op.aliases.clone(),
        summary: o.summary.clone(),
        description: o.description.clone(),
        path_params,
        query_params,
        query_type,
        body,
        rate_limited: responses.iter().any(|r| r.status == 429)
            || o.extensions.get("x-rate-limited") == Some(&serde_json::Value::Bool(true)),
        responses,
        response_type,
        auth: auth(o, schemes),
        deprecated: o.deprecated,
        added_in: o
            .extensions
            .get("x-addedInMatrixVersion")
            .and_then(|v| v.as_str().map(str::to_owned)),
        discriminator: op.discriminator.clone(),
        content_type: None,
        history: op.history.clone(),
    }
}

/// The client method's name: the `operationId` in snake case, kept off the
/// methods every type has and off the conversion prefixes.
fn method_name(op: &Operation, fn_names: &mut Scope) -> String {
    let mut wanted = local_ident(&op.id);
    // `from_*` and `into_*` promise a conversion (clippy: `wrong_self_convention`).
    if SHADOWED_METHODS.contains(&wanted.as_str())
        || wanted.starts_with("from_")
        || wanted.starts_with("into_")
    {
        wanted.insert_str(0, "op_");
    }
    fn_names.claim(&wanted, "_")
}

/// The path parameters, in the order of the path template, and the query
/// parameters; the token and headers are left to the runtime.
fn parameters(op: &Operation, graph: &mut TypeGraph, prefix: &str) -> (Vec<ParamIr>, Vec<ParamIr>) {
    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    let mut idents = Scope::reserving(OPERATION_LOCALS);
    for parameter in &op.operation.parameters {
        let ReferenceOr::Item(parameter) = parameter else {
            continue;
        };
        let data = parameter.parameter_data_ref();
        let place = format!("{prefix}{}", type_ident(&data.name));
        let (ty, encoding) = params::parameter_ty(data, graph, &place);
        let ident = idents.claim(&local_ident(&data.name), "_");
        let json = encoding == QueryEncoding::Json;
        let ir = ParamIr {
            wire: data.name.clone(),
            ident,
            repeated: !json && matches!(ty, Ty::Vec(_)),
            open_ended: !json
                && (data.extensions.contains_key("x-open-ended")
                    || matches!(ty, Ty::Map(_) | Ty::JsonObject)),
            encoding,
            ty,
            required: data.required,
            docs: data.description.clone(),
        };
        match parameter {
            Parameter::Path { .. } => path_params.push(ir),
            // The token is the client's and the server's business, not the caller's.
            Parameter::Query { .. } if data.name == "access_token" => {}
            Parameter::Query { .. } => query_params.push(ir),
            // Headers (`Content-Type` of uploads) travel with the body.
            Parameter::Header { .. } | Parameter::Cookie { .. } => {}
        }
    }
    // Path parameters follow the order of the path template.
    path_params.sort_by_key(|p| {
        op.path
            .find(&format!("{{{}}}", p.wire))
            .unwrap_or(usize::MAX)
    });
    (path_params, query_params)
}

/// Every declared response, and the type a call answers with: the one
/// success's, or an enum by status when there are several.
fn responses(
    o: &openapiv3::Operation,
    graph: &mut TypeGraph,
    prefix: &str,
) -> (Vec<ResponseIr>, ResponseType) {
    let status_code = |status: &StatusCode| match status {
        StatusCode::Code(code) => *code,
        StatusCode::Range(range) => range * 100,
    };
    let success_count = o
        .responses
        .responses
        .keys()
        .filter(|s| (200..400).contains(&status_code(s)))
        .count();
    // With several successes the enum takes `{prefix}Response` and each body is
    // named by its status (`{prefix}Response202`).
    let enum_name = (success_count > 1).then(|| graph.reserve(&format!("{prefix}Response")));
    let mut responses = Vec::new();
    for (status, response) in &o.responses.responses {
        let ReferenceOr::Item(response) = response else {
            continue;
        };
        let code = status_code(status);
        let success = (200..400).contains(&code);
        let (ty, binary) = match (success, &enum_name) {
            (false, _) => (Ty::Unit, false),
            (true, None) => response_body(response, graph, &format!("{prefix}Response")),
            (true, Some(_)) => response_body(response, graph, &format!("{prefix}Response{code}")),
        };
        let headers = match (success, &enum_name) {
            (false, _) => None,
            (true, None) => response_headers(response, binary, graph, &format!("{prefix}Answer")),
            (true, Some(_)) => {
                response_headers(response, binary, graph, &format!("{prefix}Answer{code}"))
            }
        };
        responses.push(ResponseIr {
            status: code,
            success,
            ty,
            binary,
            description: response.description.clone(),
            headers,
        });
    }
    let successes: Vec<&ResponseIr> = responses.iter().filter(|r| r.success).collect();
    let response_type = match (successes.as_slice(), enum_name) {
        ([], _) => ResponseType::Single {
            status: 200,
            ty: Ty::Unit,
            binary: false,
            headers: None,
        },
        ([one], _) => ResponseType::Single {
            status: one.status,
            ty: one.ty.clone(),
            binary: one.binary,
            headers: one.headers.clone(),
        },
        (several, name) => ResponseType::Enum {
            name: name.unwrap_or_else(|| graph.reserve(&format!("{prefix}Response"))),
            variants: several
                .iter()
                .map(|r| StatusVariant {
                    name: status_variant(r.status),
                    status: r.status,
                    ty: r.ty.clone(),
                    binary: r.binary,
                    description: r.description.clone(),
                    headers: r.headers.clone(),
                })
                .collect(),
        },
    };

    (responses, response_type)
}

/// `200` -> `Ok`, `202` -> `Accepted`, ...; other codes by number.
fn status_variant(status: u16) -> String {
    http_reason(status).map_or_else(|| format!("Status{status}"), variant_ident)
}

pub fn http_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        _ => return None,
    })
}

fn auth(
    op: &openapiv3::Operation,
    schemes: Option<&indexmap::IndexMap<String, ReferenceOr<SecurityScheme>>>,
) -> Auth {
    let Some(requirements) = &op.security else {
        return Auth::None;
    };
    if requirements.is_empty() {
        return Auth::None;
    }
    let optional = requirements.iter().any(|r| r.is_empty());
    // The token goes in the query when the only scheme named is a query apiKey.
    let in_query = requirements.iter().flat_map(|r| r.keys()).all(|name| {
        matches!(
            schemes.and_then(|s| s.get(name)),
            Some(ReferenceOr::Item(SecurityScheme::APIKey {
                location: openapiv3::APIKeyLocation::Query,
                ..
            }))
        )
    });
    let any_scheme = requirements.iter().any(|r| !r.is_empty());
    match (any_scheme, optional) {
        (false, _) => Auth::None,
        (true, true) => Auth::Optional { in_query },
        (true, false) => Auth::Required { in_query },
    }
}
