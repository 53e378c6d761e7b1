//! How a parameter is typed and written. Parameters travel as text: scalars,
//! enums and identifiers parse from it. Those that hold JSON (filters) are
//! typed by the schema they are declared with (`content: {application/json:
//! {schema}}`), or by the schema their description names (`x-json-title`,
//! read in `convert::json_query`); any other structured value stays a string
//! for the caller to encode.

use std::collections::BTreeMap;

use openapiv3::{ParameterData, ParameterSchemaOrContent};

use super::types::{Def, Ty, TypeDef, TypeGraph};
use super::{strip_option, OperationIr, ParamIr};
use crate::names::type_ident;

/// How a query parameter's value is written in the query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryEncoding {
    /// As text: scalars, enums and identifiers.
    Text,
    /// As JSON text.
    Json,
    /// As an ID, or as JSON text (`/sync`'s filter); a value that starts
    /// with `{` is JSON.
    IdOrJson,
    /// Declared a string that holds JSON of the type named here, which the
    /// API may or may not define (resolved by [`type_described`]).
    Described { title: String, or_id: bool },
}

/// A parameter's type and how it is written; `place` names its inline types.
pub fn parameter_ty(
    data: &ParameterData,
    graph: &mut TypeGraph,
    place: &str,
) -> (Ty, QueryEncoding) {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            let ty = strip_option(graph.ty(schema, place));
            (as_text(ty, &graph.defs), described(data))
        }
        // JSON is typed by its schema; other media types are passed on as text.
        ParameterSchemaOrContent::Content(content) => content
            .get("application/json")
            .and_then(|media| media.schema.as_ref())
            .map_or((Ty::String, QueryEncoding::Text), |schema| {
                (strip_option(graph.ty(schema, place)), QueryEncoding::Json)
            }),
    }
}

/// The type of a parameter read from text.
fn as_text(ty: Ty, defs: &BTreeMap<String, TypeDef>) -> Ty {
    match ty {
        Ty::Named(name) => match defs.get(&name).map(|d| &d.def) {
            Some(Def::Enum { .. }) => Ty::Named(name),
            Some(Def::Alias(inner)) if !matches!(inner, Ty::Named(_)) => {
                as_text(inner.clone(), defs)
            }
            _ => Ty::String,
        },
        Ty::Vec(inner) => Ty::Vec(Box::new(as_text(*inner, defs))),
        Ty::Option(inner) => as_text(*inner, defs),
        Ty::Json | Ty::Bytes | Ty::Unit => Ty::String,
        other => other,
    }
}

/// The encoding a string parameter's description asks for, to be resolved
/// once every type of the API is defined.
fn described(data: &ParameterData) -> QueryEncoding {
    match data.extensions.get("x-json-title").and_then(|t| t.as_str()) {
        Some(title) => QueryEncoding::Described {
            title: title.to_owned(),
            or_id: data.extensions.get("x-json-or-id") == Some(&serde_json::Value::Bool(true)),
        },
        None => QueryEncoding::Text,
    }
}

/// Types the parameters whose descriptions name a struct of the API; the
/// others stay strings.
pub fn type_described<'a>(
    operations: impl Iterator<Item = &'a mut OperationIr>,
    defs: &BTreeMap<String, TypeDef>,
) {
    for param in operations.flat_map(|op| &mut op.query_params) {
        if let QueryEncoding::Described { title, or_id } = &param.encoding {
            let name = type_ident(title);
            let is_struct = matches!(defs.get(&name).map(|d| &d.def), Some(Def::Struct { .. }));
            param.encoding = match (is_struct && param.ty == Ty::String, or_id) {
                (false, _) => QueryEncoding::Text,
                (true, false) => QueryEncoding::Json,
                (true, true) => QueryEncoding::IdOrJson,
            };
            if param.is_json() {
                param.ty = Ty::Named(name);
            }
        }
    }
}

impl ParamIr {
    /// Whether the value travels as JSON text (alone or beside an ID).
    pub fn is_json(&self) -> bool {
        matches!(self.encoding, QueryEncoding::Json | QueryEncoding::IdOrJson)
    }
}
