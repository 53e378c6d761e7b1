//! Phase 3b: the event schemas beside the APIs (`event-schemas/schema/` under
//! the allowed root), read into one component table for a crate-wide
//! `events` module.
//!
//! The API files describe events only by their envelope (`type`, `content`,
//! `sender`, ...); what an event type's `content` holds is written in one file
//! per event type. Rules:
//!
//! * A top-level `.yaml`/`.json` file whose schema (or one of its `allOf`
//!   members) has a `content` property is an event. Its type is the one value
//!   of its `type` property's `enum`, else the file name where that is a
//!   namespaced type (`m.reaction` has no `enum` in some releases). A file
//!   without `content` (`m.key.verification.m.relates_to`), or that names no
//!   event type (`stripped_state.yaml`), is a shared piece, not an event: it
//!   is read where an event refers to it, with a warning that it is not one.
//! * `m.room.message$m.text` is a variant of `m.room.message`: the part after
//!   `$` is the value of the one `content` property whose `enum` is just that
//!   value (`msgtype`; `method` for verification starts). The variant's type
//!   leaves that property out, since the family writes it.
//! * Whether an event is a state event, a room event or neither comes from the
//!   `core-event-schema` file its `allOf` refers to. The envelopes of
//!   `core-event-schema` are read too, as the crate's shared event types.
//!
//! Older trees keep their event schemas elsewhere (`schema/v1/`, without file
//! extensions, in 2015); they have no `events` module.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};

use crate::diag::{Diagnostic, Result, Warnings};
use crate::load::{Loader, OpenError};
use crate::names::type_ident;
use crate::node::{Node, Origin, SourceFile, Value};
use crate::resolve::{self, Budget};

/// Where the event schemas live, relative to the allowed root.
pub const SCHEMA_DIR: &str = "event-schemas/schema";

/// The envelopes of `core-event-schema`, by file stem, with the type names they get.
const ENVELOPES: &[(&str, &str, Kind)] = &[
    ("event", "Event", Kind::Basic),
    ("room_event", "RoomEvent", Kind::Room),
    ("sync_room_event", "SyncRoomEvent", Kind::Room),
    ("state_event", "StateEvent", Kind::State),
    ("sync_state_event", "SyncStateEvent", Kind::State),
    ("stripped_state", "StrippedStateEvent", Kind::State),
];

/// What envelope an event type travels in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Account data, ephemeral and to-device events: `type` and `content`.
    Basic,
    /// Room events: with `event_id`, `sender`, `origin_server_ts`.
    Room,
    /// State events: room events with a `state_key`.
    State,
}

/// Every event type of the tree and the schemas they need.
#[derive(Debug)]
pub struct EventSpec {
    /// Content types, envelopes and everything they refer to, as OpenAPI 3.0 components.
    pub components: IndexMap<String, ReferenceOr<Schema>>,
    /// In file order.
    pub events: Vec<EventDecl>,
    /// The `core-event-schema` envelopes found: component name and kind.
    pub envelopes: Vec<(String, Kind)>,
}

#[derive(Clone, Debug)]
pub struct EventDecl {
    /// `m.room.member`.
    pub event_type: String,
    pub kind: Kind,
    /// The component of its `content`.
    pub content: String,
    /// Set for the `$` files: the family this is a variant of.
    pub variant: Option<Variant>,
    /// The schema file, relative to the allowed root.
    pub file: String,
    /// The event's description.
    pub docs: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Variant {
    /// The property that tells variants apart (`msgtype`).
    pub property: String,
    /// Its value for this variant (`m.text`).
    pub value: String,
}

/// Reads the event schemas under the allowed root, if there are any.
pub fn read(
    loader: &mut Loader,
    budget: &mut Budget,
    warnings: &mut Warnings,
    allow_missing_refs: bool,
) -> Result<Option<EventSpec>> {
    let root = loader.jail().root().to_path_buf();
    let Ok(dir) = loader.jail().resolve(&root, Path::new(SCHEMA_DIR)) else {
        return Ok(None);
    };
    let Some(files) = schema_files(&dir) else {
        return Ok(None);
    };
    loader.prefetch(&files);
    let mut definitions = IndexMap::new();
    let mut events = Vec::new();
    for path in &files {
        let doc = open(loader, path)?;
        if let Some(event) = event_of(&doc.root, path, loader, warnings) {
            let content = content_node(&doc.root).expect("events have content");
            let content = match &event.variant {
                Some(variant) => without_property(content, &variant.property),
                None => content.clone(),
            };
            definitions.insert(event.content.clone(), content);
            events.push(event);
        }
    }
    if events.is_empty() {
        return Ok(None);
    }
    let mut envelopes = Vec::new();
    for (stem, name, kind) in ENVELOPES {
        let path = dir.join("core-event-schema").join(format!("{stem}.yaml"));
        if !path.is_file() {
            continue;
        }
        definitions.insert((*name).to_owned(), open(loader, &path)?.root.clone());
        envelopes.push(((*name).to_owned(), *kind));
    }
    let origin = synthetic_origin(&dir, loader);
    let mut root_map = IndexMap::new();
    root_map.insert(
        "definitions".to_owned(),
        Node::new(Value::Map(definitions), origin.clone()),
    );
    let root_node = Node::new(Value::Map(root_map), origin);
    let resolved =
        resolve::resolve_api(loader, &[&root_node], budget, warnings, allow_missing_refs)?;
    warnings.0.extend(loader.take_warnings());
    let mut components = IndexMap::new();
    for (name, node) in &resolved.schemas {
        let json = crate::convert::schema(node, warnings);
        let schema: ReferenceOr<Schema> = serde_json::from_value(json).map_err(|e| {
            Box::new(Diagnostic::error(
                format!("this schema does not fit the OpenAPI 3.0 model: {e}"),
                &node.origin,
            ))
        })?;
        components.insert(name.clone(), schema);
    }
    Ok(Some(EventSpec {
        components,
        events,
        envelopes,
    }))
}

/// The top-level schema files of the directory, sorted; `None` when there are none.
fn schema_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    (!files.is_empty()).then_some(files)
}

fn open(loader: &mut Loader, path: &Path) -> Result<Arc<crate::load::Document>> {
    loader.document(path).map_err(|e| match e {
        OpenError::Invalid(diagnostic) => diagnostic,
        OpenError::Refused(refusal) => Box::new(Diagnostic::error(
            format!("cannot read this event schema: {refusal}"),
            &Origin::of_file(&loader.display(path)),
        )),
    })
}

/// The event a schema file declares, or `None` (with a warning) for a file
/// that is not one.
fn event_of(
    root: &Node,
    path: &Path,
    loader: &Loader,
    warnings: &mut Warnings,
) -> Option<EventDecl> {
    let shown = loader.display(path);
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    let Some(content) = content_node(root) else {
        warnings.0.push(Diagnostic::warning(
            "this schema has no `content` property, so it is not an event type; \
             it is read only where events refer to it",
            &root.origin,
        ));
        return None;
    };
    let (family, variant_value) = match stem.split_once('$') {
        Some((family, value)) => (family.to_owned(), Some(value.to_owned())),
        None => (stem.clone(), None),
    };
    let Some(event_type) = event_type(root, family) else {
        let at = property(root, "type").unwrap_or(root);
        warnings.0.push(Diagnostic::warning(
            format!(
                "this schema names no event type (its `type` lists no value, and `{stem}` \
                 is not a namespaced type such as `m.room.member`), so it is not an event \
                 type; it is read only where events refer to it"
            ),
            &at.origin,
        ));
        return None;
    };
    let variant = match variant_value {
        None => None,
        Some(value) => match discriminator(content, &value) {
            Some(property) => Some(Variant { property, value }),
            None => {
                warnings.0.push(Diagnostic::warning(
                    format!(
                        "no `content` property has `{value}` as its only value, so this \
                         variant of `{event_type}` cannot be told apart; it is left out"
                    ),
                    &content.origin,
                ));
                return None;
            }
        },
    };
    let base = type_ident(event_type.strip_prefix("m.").unwrap_or(&event_type));
    let content_name = match &variant {
        Some(v) => format!(
            "{base}{}Content",
            type_ident(v.value.strip_prefix("m.").unwrap_or(&v.value))
        ),
        None => format!("{base}EventContent"),
    };
    Some(EventDecl {
        event_type,
        kind: kind_of(root),
        content: content_name,
        variant,
        file: shown,
        docs: root
            .get_str("description")
            .or_else(|| root.get_str("title"))
            .map(|d| d.trim().to_owned()),
    })
}

/// The event type a file declares: the one value of its `type` property's
/// `enum`, else its file name where that is a namespaced type (`m.reaction`
/// has no `enum` in some releases). A file named otherwise
/// (`stripped_state.yaml`) is a piece other schemas refer to: the spec's
/// builds never rendered it as an event (the Python one read only files
/// named `m.*`, the Hugo one names each event it shows).
fn event_type(root: &Node, family: String) -> Option<String> {
    let listed = property(root, "type")
        .and_then(|t| t.get("enum"))
        .and_then(Node::as_seq)
        .and_then(|values| values.first())
        .and_then(Node::as_str);
    match listed {
        Some(listed) => Some(listed.to_owned()),
        None => family.contains('.').then_some(family),
    }
}

/// A property of the schema or of one of its inline `allOf` members.
fn property<'a>(schema: &'a Node, name: &str) -> Option<&'a Node> {
    let own = schema.get("properties").and_then(|p| p.get(name));
    own.or_else(|| {
        schema
            .get("allOf")
            .and_then(Node::as_seq)?
            .iter()
            .find_map(|member| member.get("properties").and_then(|p| p.get(name)))
    })
}

fn content_node(schema: &Node) -> Option<&Node> {
    property(schema, "content")
}

fn kind_of(schema: &Node) -> Kind {
    let refs: Vec<&str> = schema
        .get("allOf")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|member| member.get_str("$ref"))
        .collect();
    if refs.iter().any(|r| r.contains("state_event")) {
        Kind::State
    } else if refs.iter().any(|r| r.contains("room_event")) {
        Kind::Room
    } else {
        Kind::Basic
    }
}

/// The content property whose `enum` is exactly `[value]`.
fn discriminator(content: &Node, value: &str) -> Option<String> {
    let properties = content.get("properties")?.as_map()?;
    properties.iter().find_map(|(name, schema)| {
        let values = schema.get("enum")?.as_seq()?;
        matches!(values, [only] if only.as_str() == Some(value)).then(|| name.clone())
    })
}

/// A copy of a content schema without one property (and its `required` entry).
fn without_property(content: &Node, property: &str) -> Node {
    let Some(entries) = content.as_map() else {
        return content.clone();
    };
    let mut out = IndexMap::new();
    for (key, value) in entries {
        let value = match (key.as_str(), &value.value) {
            ("properties", Value::Map(props)) => {
                let mut props = props.clone();
                props.shift_remove(property);
                Node::new(Value::Map(props), value.origin.clone())
            }
            ("required", Value::Seq(names)) => {
                let names = names
                    .iter()
                    .filter(|n| n.as_str() != Some(property))
                    .cloned()
                    .collect();
                Node::new(Value::Seq(names), value.origin.clone())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Node::new(Value::Map(out), content.origin.clone())
}

/// The place of the table this phase puts together: the schema directory.
/// Nothing is read from it; refs inside are relative to the files they are in.
fn synthetic_origin(dir: &Path, loader: &Loader) -> Arc<Origin> {
    Arc::new(Origin {
        file: Arc::new(SourceFile {
            path: dir.join(".events"),
            display: loader.display(dir),
            text: String::new(),
        }),
        line: 1,
        column: 1,
        pointer: String::new(),
    })
}
