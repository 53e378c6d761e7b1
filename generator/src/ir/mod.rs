//! Phase 5: the intermediate representation the emitters read.
//!
//! It decides everything Rust-specific once: names of functions, types,
//! traits and modules; which parameters go where; which responses are
//! successes; how a request authenticates. The emitters only print it.

mod bodies;
mod dedup;
mod event_bodies;
pub mod events;
pub mod examples;
pub mod features;
mod operation;
mod params;
pub mod types;

use std::collections::BTreeMap;

use crate::model::{Api, Discriminator};
use crate::names::{is_keyword, snake_case, type_ident, Scope};
pub use bodies::{HeaderIr, Headers};
pub use event_bodies::ContentType;
pub use operation::http_reason;
use operation::operation;
pub use params::QueryEncoding;
use types::{Ty, TypeDef, TypeGraph};

pub struct ApiIr {
    /// The Rust module of the API (`client_server`).
    pub module: String,
    pub title: String,
    /// Operations grouped by the spec file they come from, one server trait each.
    pub areas: Vec<Area>,
    pub types: BTreeMap<String, TypeDef>,
    /// Whether the client picks each operation's path from the versions the
    /// server lists: the client-server API, which has `/versions`.
    pub negotiates: bool,
    /// The Cargo feature turning on all of the API's areas (`features::assign`).
    pub feature: String,
    /// The areas (indices into `areas`) reaching each type only some of them
    /// need; a type not listed is always compiled.
    pub type_areas: BTreeMap<String, std::collections::BTreeSet<usize>>,
    /// The types no area reaches that hold event contents: they are compiled
    /// with the crate's `events` module (its feature).
    pub event_types: std::collections::BTreeSet<String>,
}

impl ApiIr {
    /// Whether the client and server need the API's `types` module, which an
    /// API whose operations take and return no named type does not.
    pub fn operations_use_types(&self) -> bool {
        self.areas
            .iter()
            .flat_map(|a| &a.operations)
            .any(OperationIr::uses_types)
    }
}

pub struct Area {
    pub trait_name: String,
    pub file: String,
    /// The Cargo feature compiling the area (`features::assign`).
    pub feature: String,
    /// Whether its operations, or the types they reach, hold event contents
    /// (the area's feature turns on `events`).
    pub needs_events: bool,
    pub operations: Vec<OperationIr>,
}

pub struct OperationIr {
    pub id: String,
    pub fn_name: String,
    /// PascalCase prefix for the operation's own types and constants.
    pub type_prefix: String,
    pub const_name: String,
    pub method: String,
    pub path: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub path_params: Vec<ParamIr>,
    pub query_params: Vec<ParamIr>,
    /// The struct holding the query parameters, when there are any.
    pub query_type: Option<String>,
    pub body: Option<BodyIr>,
    pub responses: Vec<ResponseIr>,
    /// The success type the server returns and the client yields.
    pub response_type: ResponseType,
    pub auth: Auth,
    pub rate_limited: bool,
    pub deprecated: bool,
    pub added_in: Option<String>,
    pub discriminator: Option<Discriminator>,
    /// Where the body or the answer is an event content typed by a path parameter.
    pub content_type: Option<ContentType>,
    /// Its path in each release, in a crate made from several.
    pub history: Option<crate::model::History>,
}

impl OperationIr {
    /// The types of the body and of every answer, each in turn.
    fn body_and_answer_tys_mut(&mut self, mut visit: impl FnMut(&mut Ty)) {
        if let Some(body) = &mut self.body {
            visit(&mut body.ty);
        }
        for response in &mut self.responses {
            visit(&mut response.ty);
        }
        match &mut self.response_type {
            ResponseType::Single { ty, .. } => visit(ty),
            ResponseType::Enum { variants, .. } => {
                for variant in variants {
                    visit(&mut variant.ty);
                }
            }
        }
    }

    /// Lists of events in bodies and answers decode item by item.
    fn lenient_event_lists(&mut self, envelopes: &std::collections::BTreeSet<String>) {
        self.body_and_answer_tys_mut(|ty| types::make_lenient(ty, envelopes));
    }

    /// Points every use of a merged type at the type it was merged into.
    fn rename_types(&mut self, renames: &BTreeMap<String, String>) {
        let params = self.path_params.iter_mut().chain(&mut self.query_params);
        for param in params {
            dedup::rename(&mut param.ty, renames);
        }
        self.body_and_answer_tys_mut(|ty| dedup::rename(ty, renames));
    }

    fn uses_types(&self) -> bool {
        let params = self.path_params.iter().chain(&self.query_params);
        self.query_type.is_some()
            || matches!(self.response_type, ResponseType::Enum { .. })
            || self.response_type.rust_ty().mentions_named()
            || self.body.as_ref().is_some_and(|b| b.ty.mentions_named())
            || params.into_iter().any(|p| p.ty.mentions_named())
    }
}

pub struct ParamIr {
    pub wire: String,
    pub ident: String,
    pub ty: Ty,
    pub required: bool,
    /// An array sent as the parameter repeated (`?a=1&a=2`).
    pub repeated: bool,
    /// An object whose entries are sent as query parameters of their own.
    pub open_ended: bool,
    pub encoding: QueryEncoding,
    pub docs: Option<String>,
}

pub struct BodyIr {
    pub ty: Ty,
    pub required: bool,
    /// Sent and received as raw bytes with its content type.
    pub binary: bool,
}

pub struct ResponseIr {
    pub status: u16,
    pub success: bool,
    pub ty: Ty,
    pub binary: bool,
    pub description: String,
    pub headers: Option<Headers>,
}

pub enum ResponseType {
    /// One success status.
    Single {
        status: u16,
        ty: Ty,
        binary: bool,
        headers: Option<Headers>,
    },
    /// Several success statuses: an enum with a variant per status.
    Enum {
        name: String,
        variants: Vec<StatusVariant>,
    },
}

/// One success status of an operation with several.
pub struct StatusVariant {
    /// `Ok`, `Accepted`, `NoContent`, ... (`Status299` where HTTP names none).
    pub name: String,
    pub status: u16,
    pub ty: Ty,
    pub binary: bool,
    pub description: String,
    pub headers: Option<Headers>,
}

impl StatusVariant {
    /// The variant's payload: the body, or the body and headers together.
    pub fn rust_ty(&self) -> Ty {
        match &self.headers {
            Some(headers) => Ty::Named(headers.name.clone()),
            None => self.ty.clone(),
        }
    }
}

impl ResponseType {
    pub fn rust_ty(&self) -> Ty {
        match self {
            ResponseType::Single {
                headers: Some(headers),
                ..
            } => Ty::Named(headers.name.clone()),
            ResponseType::Single { ty, .. } => ty.clone(),
            ResponseType::Enum { name, .. } => Ty::Named(name.clone()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    /// A token is used when given (`security: [{}, {accessToken: []}]`).
    Optional {
        in_query: bool,
    },
    Required {
        in_query: bool,
    },
}

/// The operation clients negotiate their paths with.
pub const VERSIONS_PATH: &str = "/_matrix/client/versions";

/// Methods of the generated client besides the operations.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "with_http_client",
    "with_access_token",
    "set_access_token",
    "access_token",
    "with_token_on_open_calls",
    "with_asserted_user",
    "with_retry",
    "runtime",
    "with_versions",
    "with_unchecked_versions",
];

/// The IR of an API in a crate without an `events` module.
pub fn build(api: &Api) -> ApiIr {
    build_with(api, false)
}

/// The IR of an API; with `typed_events`, its event envelopes use the
/// crate's `events` module.
pub fn build_with(api: &Api, typed_events: bool) -> ApiIr {
    let empty = indexmap::IndexMap::new();
    let components = api.openapi.components.as_ref();
    let schemas = components.map_or(&empty, |c| &c.schemas);
    let security_schemes = components.map(|c| &c.security_schemes);
    let mut graph = TypeGraph::new(schemas);
    graph.typed_events = typed_events;
    graph.define_all_components();

    let mut areas: BTreeMap<String, Area> = BTreeMap::new();
    // The client wrapper's own methods share the namespace of the operations.
    let mut fn_names = Scope::reserving(CLIENT_METHODS);
    let mut const_names = Scope::default();
    let mut trait_names = Scope::default();
    for op in &api.operations {
        let mut ir = operation(op, &mut graph, security_schemes, &mut fn_names);
        // Ids differing only in case (`queryUserById`, `queryUserByID`) meet here.
        ir.const_name = const_names.claim(&ir.const_name, "_");
        let stem = std::path::Path::new(&op.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "api".into());
        areas
            .entry(stem.clone())
            .or_insert_with(|| Area {
                // Files whose names differ only in punctuation (`a-b`, `a_b`) meet here.
                trait_name: trait_names.claim(&type_ident(&stem), ""),
                file: op.file.clone(),
                feature: String::new(),
                needs_events: false,
                operations: Vec::new(),
            })
            .operations
            .push(ir);
    }
    graph.box_recursive_fields();
    graph.lenient_event_lists();
    let event_lists = types::envelopes(&graph.defs);
    for op in areas.values_mut().flat_map(|a| &mut a.operations) {
        op.lenient_event_lists(&event_lists);
        if typed_events {
            op.type_event_content();
        }
    }
    dedup::merge_equal_types(
        &mut graph,
        areas.values_mut().flat_map(|a| &mut a.operations),
    );
    params::type_described(
        areas.values_mut().flat_map(|a| &mut a.operations),
        &graph.defs,
    );
    let negotiates = api
        .operations
        .iter()
        .any(|op| op.path == VERSIONS_PATH && op.history.is_some());
    let mut areas: Vec<Area> = areas.into_values().collect();
    let type_areas = features::type_areas(&areas, &graph.defs);
    let (area_events, event_types) = features::event_needs(&areas, &graph.defs, &type_areas);
    for (area, needs_events) in areas.iter_mut().zip(area_events) {
        area.needs_events = needs_events;
    }
    ApiIr {
        negotiates,
        module: module_name(&api.name),
        title: api.openapi.info.title.clone(),
        type_areas,
        event_types,
        areas,
        types: graph.defs,
        feature: String::new(),
    }
}

/// `client-server` -> `client_server`, `client-server/v1` -> `client_server_v1`.
pub fn module_name(api: &str) -> String {
    let name = snake_case(api);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) || is_keyword(&name) {
        format!("api_{name}")
    } else {
        name
    }
}

fn strip_option(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => *inner,
        other => other,
    }
}
