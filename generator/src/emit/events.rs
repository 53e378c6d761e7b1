//! `events.rs` of the crate: the content types of every event type, the
//! envelopes, and `EventContent`, the open enum over event types.
//!
//! `EventContent` is written as the two keys `type` and `content`, so that an
//! envelope flattens it in beside `sender`, `event_id` and the rest. Decoding
//! never fails on an event type or content the crate does not know: it is
//! kept, whole, as `Other`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, types::type_def};
use crate::events::Kind;
use crate::ir::events::{EventIr, EventsIr, FamilyIr};

pub fn emit(ir: &EventsIr) -> TokenStream {
    let defs = ir
        .types
        .values()
        .map(|def| type_def(def, &TokenStream::new()));
    let families = ir.families.iter().map(family);
    let content = event_content(&ir.events);
    let kinds = envelope_docs(ir);
    quote! {
        #![doc = " Events: a content type for every event type of the spec, the envelopes"]
        #![doc = " they travel in, and [`EventContent`], which reads an event's `type` and"]
        #![doc = " `content` into the matching type."]
        #![doc = ""]
        #(#![doc = #kinds])*
        #content
        #(#families)*
        #(#defs)*
    }
}

fn envelope_docs(ir: &EventsIr) -> Vec<String> {
    let mut lines = vec![" Envelopes:".to_owned()];
    for (name, kind) in &ir.envelopes {
        let kind = match kind {
            Kind::Basic => "any event",
            Kind::Room => "room events",
            Kind::State => "state events",
        };
        lines.push(format!(" - [`{name}`]: {kind}."));
    }
    lines
}

fn event_content(events: &[EventIr]) -> TokenStream {
    let variants = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let content = ident(&e.content);
        let doc = docs(&format!(
            "`{}`{}",
            e.event_type,
            e.docs
                .as_deref()
                .and_then(|d| d.split("\n\n").next())
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
        quote! { #doc #variant(Box<#content>), }
    });
    let type_arms = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let wire = &e.event_type;
        quote! { Self::#variant(_) => #wire, }
    });
    let decode_arms = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let content = ident(&e.content);
        let wire = &e.event_type;
        let body = quote! {
            if let Ok(typed) = #content::deserialize(&content) {
                return Self::#variant(Box::new(typed));
            }
        };
        (quote! { #wire }, body)
    });
    let decode = match_values(quote! { event_type.as_str() }, decode_arms.collect());
    let json = json_impls(events);
    quote! {
        /// An event's `type` and `content`: typed for every event type of the
        /// spec, kept as JSON for any other type or for a content that does not
        /// fit its type (the empty content of a redacted `m.room.member`, say;
        /// a redacted `m.room.message` is `RoomMessageEventContent::Other`).
        #[derive(Clone, Debug, PartialEq)]
        pub enum EventContent {
            #(#variants)*
            /// An event type the spec does not define, or a content that does
            /// not fit its type: kept as it came.
            Other {
                event_type: String,
                content: serde_json::Value,
            },
        }

        impl EventContent {
            /// Reads a content of the given type; never fails (see [`EventContent::Other`]).
            pub fn from_parts(event_type: String, content: serde_json::Value) -> Self {
                use serde::Deserialize as _;
                #decode
                Self::Other { event_type, content }
            }

            /// The event's `type`.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_arms)*
                    Self::Other { event_type, .. } => event_type,
                }
            }

            /// The content without its type, as a send or state request carries
            /// it; `serde_json::to_value(content.content())` makes it a JSON value.
            pub fn content(&self) -> ContentOnly<'_> {
                ContentOnly(self)
            }
        }

        #json
    }
}

/// `EventContent` as JSON: an object of its `type` and `content`, or the
/// content alone (`ContentOnly`, for a request whose path names the type).
fn json_impls(events: &[EventIr]) -> TokenStream {
    let encode_arms = events.iter().map(|e| {
        let variant = ident(&e.variant);
        quote! { EventContent::#variant(content) => content.serialize(serializer), }
    });
    quote! {
        /// An [`EventContent`] written without its type: the body of a send or
        /// state request, whose path names the type.
        #[derive(Clone, Copy, Debug)]
        pub struct ContentOnly<'a>(&'a EventContent);

        impl serde::Serialize for ContentOnly<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    #(#encode_arms)*
                    EventContent::Other { content, .. } => content.serialize(serializer),
                }
            }
        }

        impl crate::runtime::event_parts::TypedContent for EventContent {
            fn from_parts(event_type: String, content: serde_json::Value) -> Self {
                Self::from_parts(event_type, content)
            }

            fn event_type(&self) -> &str {
                self.event_type()
            }

            fn content_json(&self) -> impl serde::Serialize + '_ {
                self.content()
            }
        }

        /// An object of two properties, `type` and `content`.
        impl serde::Serialize for EventContent {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::runtime::event_parts::event::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for EventContent {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::event_parts::event::deserialize(deserializer)
            }
        }
    }
}

fn family(family: &FamilyIr) -> TokenStream {
    let name = ident(&family.name);
    let property = &family.property;
    let doc = docs(&format!(
        "The content of `{}`, by its `{property}`{}",
        family.event_type,
        family
            .docs
            .as_deref()
            .and_then(|d| d.split("\n\n").next())
            .map(|d| format!(".\n\n{d}"))
            .unwrap_or_else(|| ".".into())
    ));
    let variants = family.members.iter().map(|(variant, value, content)| {
        let variant = ident(variant);
        let content = ident(content);
        let doc = docs(&format!("`{property}: {value}`"));
        quote! { #doc #variant(Box<#content>), }
    });
    let decode_arms = family.members.iter().map(|(variant, value, content)| {
        let variant = ident(variant);
        let content = ident(content);
        let body = quote! {
            let mut rest = map.clone();
            rest.remove(#property);
            if let Ok(typed) = #content::deserialize(&serde_json::Value::Object(rest)) {
                return Ok(Self::#variant(Box::new(typed)));
            }
        };
        (quote! { Some(#value) }, body)
    });
    let decode = match_values(
        quote! { map.get(#property).and_then(serde_json::Value::as_str) },
        decode_arms.collect(),
    );
    let encode_arms = family.members.iter().map(|(variant, value, _)| {
        let variant = ident(variant);
        quote! { Self::#variant(content) => (#value, serde_json::to_value(content)), }
    });
    let value_arms = family.members.iter().map(|(variant, value, _)| {
        let variant = ident(variant);
        quote! { Self::#variant(_) => Some(#value), }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// Any other value of the property, or a content that does not fit
            /// its variant: kept as it came.
            Other(serde_json::Map<String, serde_json::Value>),
        }

        impl #name {
            /// The value of the property that tells the variants apart.
            pub fn kind(&self) -> Option<&str> {
                match self {
                    #(#value_arms)*
                    Self::Other(map) => map.get(#property).and_then(serde_json::Value::as_str),
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (kind, json) = match self {
                    #(#encode_arms)*
                    Self::Other(map) => return map.serialize(serializer),
                };
                let mut json = json.map_err(serde::ser::Error::custom)?;
                if let Some(map) = json.as_object_mut() {
                    map.insert(#property.to_owned(), kind.into());
                }
                json.serialize(serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let map = serde_json::Map::deserialize(deserializer)?;
                #decode
                Ok(Self::Other(map))
            }
        }
    }
}

/// A `match` of `scrutinee` against constant patterns, one arm each, with
/// nothing to do for any other value. A lone arm is an `if ==` instead:
/// clippy's `single_match` refuses a `match` of one arm and `_`, and a tree
/// with a single event type (or a family with one member) has just that.
fn match_values(scrutinee: TokenStream, arms: Vec<(TokenStream, TokenStream)>) -> TokenStream {
    if let [(pattern, body)] = arms.as_slice() {
        return quote! {
            if #scrutinee == #pattern {
                #body
            }
        };
    }
    let arms = arms
        .iter()
        .map(|(pattern, body)| quote! { #pattern => { #body } });
    quote! {
        match #scrutinee {
            #(#arms)*
            _ => {}
        }
    }
}
