//! The IR of the crate's `events` module: a content type per event type, a
//! family enum where variants are told apart by a property (`msgtype`), the
//! `core-event-schema` envelopes, and the list behind `EventContent`.

use std::collections::BTreeMap;

use openapiv3::ReferenceOr;

use crate::events::{EventSpec, Kind};
use crate::names::{variant_ident, Scope};

use super::types::{Ty, TypeDef, TypeGraph};

pub struct EventsIr {
    pub types: BTreeMap<String, TypeDef>,
    /// One per event type, sorted by type.
    pub events: Vec<EventIr>,
    pub families: Vec<FamilyIr>,
    /// The envelope types, with the kind of event each carries.
    pub envelopes: Vec<(String, Kind)>,
}

pub struct EventIr {
    /// `m.room.member`.
    pub event_type: String,
    /// Its variant of `EventContent` (`RoomMember`).
    pub variant: String,
    /// The content type (a struct, an alias, or a family enum).
    pub content: String,
    pub kind: Kind,
    pub docs: Option<String>,
}

/// Contents of one event type told apart by a property.
pub struct FamilyIr {
    /// The enum's name (`RoomMessageEventContent`).
    pub name: String,
    pub event_type: String,
    /// The property that tells them apart (`msgtype`).
    pub property: String,
    /// Variant name, property value, content type; sorted by value.
    pub members: Vec<(String, String, String)>,
    pub docs: Option<String>,
}

pub fn build(spec: &EventSpec) -> EventsIr {
    let mut graph = TypeGraph::new(&spec.components);
    graph.typed_events = true;
    // The module's own types; a schema titled so takes another name.
    graph.reserve("EventContent");
    graph.reserve("ContentOnly");
    let mut families: BTreeMap<String, FamilyIr> = BTreeMap::new();
    for event in spec.events.iter() {
        let Some(variant) = &event.variant else {
            continue;
        };
        let content = named(&mut graph, &event.content);
        let family = families
            .entry(event.event_type.clone())
            .or_insert_with(|| FamilyIr {
                name: String::new(),
                event_type: event.event_type.clone(),
                property: variant.property.clone(),
                members: Vec::new(),
                docs: None,
            });
        family
            .members
            .push((String::new(), variant.value.clone(), content));
    }
    let mut events = Vec::new();
    let mut variants = Scope::reserving(&["Other"]);
    let mut sorted: Vec<_> = spec.events.iter().filter(|e| e.variant.is_none()).collect();
    sorted.sort_by(|a, b| a.event_type.cmp(&b.event_type));
    for event in sorted {
        let bare = event
            .event_type
            .strip_prefix("m.")
            .unwrap_or(&event.event_type);
        let content = match families.get_mut(&event.event_type) {
            // The base schema's name is the family's: its own content is what
            // the family keeps for a value it does not know.
            Some(family) => {
                family.name = graph.component_name(&event.content);
                family.docs = event.docs.clone();
                family.name.clone()
            }
            None => named(&mut graph, &event.content),
        };
        events.push(EventIr {
            event_type: event.event_type.clone(),
            variant: variants.claim(&variant_ident(bare), ""),
            content,
            kind: event.kind,
            docs: event.docs.clone(),
        });
    }
    // A family whose base file is missing has no name yet and is left out.
    let mut families: Vec<FamilyIr> = families
        .into_values()
        .filter(|f| !f.name.is_empty())
        .collect();
    for family in &mut families {
        family.members.sort_by(|a, b| a.1.cmp(&b.1));
        let mut names = Scope::reserving(&["Other"]);
        for member in &mut family.members {
            let bare = member.1.strip_prefix("m.").unwrap_or(&member.1);
            member.0 = names.claim(&variant_ident(bare), "");
        }
    }
    let envelopes = spec
        .envelopes
        .iter()
        .map(|(key, kind)| (named(&mut graph, key), *kind))
        .collect();
    graph.box_recursive_fields();
    graph.lenient_event_lists();
    EventsIr {
        types: graph.defs,
        events,
        families,
        envelopes,
    }
}

/// Defines a component and returns its type name.
fn named(graph: &mut TypeGraph, key: &str) -> String {
    let reference = ReferenceOr::Reference {
        reference: format!("#/components/schemas/{key}"),
    };
    match graph.ty(&reference, key) {
        Ty::Named(name) => name,
        _ => graph.component_name(key),
    }
}
