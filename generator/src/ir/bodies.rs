//! Request and response bodies: which media type is read, as what type.
//!
//! JSON is preferred where a body offers several media types; anything else
//! is raw bytes. An answer the spec declares as an empty object (`{}`, no
//! properties, shown as `{}` in its examples) is `()`: a caller has
//! nothing to read in it, and the server writes `{}` for it.

use openapiv3::{MediaType, ReferenceOr, RequestBody, Response, SchemaKind, Type};

use super::types::{Ty, TypeGraph};
use super::{strip_option, BodyIr};
use crate::names::{local_ident, Scope};

/// The headers a success answer declares, and the struct that carries them
/// beside its body (`{prefix}Answer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Headers {
    pub name: String,
    pub fields: Vec<HeaderIr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderIr {
    /// As the spec names it (`Content-Disposition`).
    pub wire: String,
    pub ident: String,
    pub required: bool,
    pub docs: Option<String>,
}

/// The declared headers of a success answer, if it has any worth a field:
/// the `Content-Type` of a binary body is already in [`Ty::Bytes`]'s value.
pub(super) fn response_headers(
    response: &Response,
    binary: bool,
    graph: &mut TypeGraph,
    name: &str,
) -> Option<Headers> {
    // `body` is the field of the answer's body.
    let mut idents = Scope::reserving(&["body"]);
    let fields: Vec<HeaderIr> = response
        .headers
        .iter()
        .filter(|(wire, _)| !(binary && wire.eq_ignore_ascii_case("content-type")))
        .map(|(wire, header)| {
            let (required, docs) = match header {
                ReferenceOr::Item(header) => (header.required, header.description.clone()),
                ReferenceOr::Reference { .. } => (false, None),
            };
            HeaderIr {
                wire: wire.clone(),
                ident: idents.claim(&local_ident(wire), "_"),
                required,
                docs,
            }
        })
        .collect();
    (!fields.is_empty()).then(|| Headers {
        name: graph.reserve(name),
        fields,
    })
}

pub(super) fn request_body(body: &RequestBody, graph: &mut TypeGraph, prefix: &str) -> BodyIr {
    let json = body
        .content
        .iter()
        .find(|(media, _)| media.as_str() == "application/json" || media.ends_with("+json"));
    match json {
        Some((_, media)) => BodyIr {
            ty: media.schema.as_ref().map_or(Ty::JsonObject, |schema| {
                strip_option(graph.ty(schema, &format!("{prefix}Request")))
            }),
            required: body.required,
            binary: false,
        },
        None => BodyIr {
            ty: Ty::Bytes,
            required: body.required,
            binary: true,
        },
    }
}

pub(super) fn response_body(response: &Response, graph: &mut TypeGraph, place: &str) -> (Ty, bool) {
    if response.content.is_empty() {
        return (Ty::Unit, false);
    }
    let json = response
        .content
        .iter()
        .find(|(media, _)| media.as_str() == "application/json" || media.ends_with("+json"));
    match json {
        Some((_, media)) => {
            let ty = media
                .schema
                .as_ref()
                .map_or(Ty::Json, |schema| strip_option(graph.ty(schema, place)));
            if ty == Ty::JsonObject && is_empty_object(media) {
                return (Ty::Unit, false);
            }
            (ty, false)
        }
        None => (Ty::Bytes, true),
    }
}

/// Whether a JSON answer is declared as the empty object: an object schema
/// with no properties and no `additionalProperties`, shown by examples that
/// are all `{}`. An open object (`additionalProperties: true`, the profile
/// field answer) or one shown with content (a signature map) is not.
fn is_empty_object(media: &MediaType) -> bool {
    let Some(ReferenceOr::Item(schema)) = &media.schema else {
        return false;
    };
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return false;
    };
    let empty = |value: &serde_json::Value| value.as_object().is_some_and(|o| o.is_empty());
    let named = media.examples.values().filter_map(|example| match example {
        ReferenceOr::Item(example) => example.value.as_ref(),
        ReferenceOr::Reference { .. } => None,
    });
    let examples: Vec<&serde_json::Value> = schema
        .schema_data
        .example
        .iter()
        .chain(&media.example)
        .chain(named)
        .collect();
    // Without an example, `type: object` alone may as well be an open object
    // (a state event's content in older trees): it stays a map.
    object.properties.is_empty()
        && object.additional_properties.is_none()
        && object.min_properties.is_none_or(|min| min == 0)
        && !examples.is_empty()
        && examples.into_iter().all(empty)
}
