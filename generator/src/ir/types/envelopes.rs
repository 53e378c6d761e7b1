//! Event envelopes: where a tree has event schemas, an object with a string
//! `type` and an untyped object `content` is an event, and those two fields
//! become one flattened [`Ty::EventContent`] (the crate's `events::EventContent`,
//! typed by `type`). A list of events decodes item by item
//! ([`Ty::Lenient`]): one event that does not fit its envelope (`m.presence`
//! without `event_id` in `GET /events`) is kept raw instead of failing the page.

use std::collections::{BTreeMap, BTreeSet};

use super::{Def, Field, Ty, TypeDef, TypeGraph};

impl TypeGraph<'_> {
    /// Folds `type` and `content` into one event content field, if the struct is an event.
    pub(super) fn fold_event_fields(&self, fields: &mut Vec<Field>) {
        if !self.typed_events {
            return;
        }
        let position = |wire: &str| fields.iter().position(|f| f.wire == wire);
        let (Some(ty_at), Some(content_at)) = (position("type"), position("content")) else {
            return;
        };
        let plain_type = fields[ty_at].ty == Ty::String && fields[ty_at].required;
        let open_content = fields[content_at].ty == Ty::JsonObject && fields[content_at].required;
        if !(plain_type && open_content) {
            return;
        }
        let docs = fields[content_at].docs.clone();
        fields[content_at] = Field {
            wire: "content".into(),
            ident: "content".into(),
            ty: Ty::EventContent,
            required: true,
            docs: Some(match docs {
                Some(docs) => format!("{docs}\n\nWith the event's `type`, typed by it."),
                None => "The event's `type` and `content`, typed by the type.".into(),
            }),
            boxed: false,
        };
        fields.remove(ty_at);
    }

    /// Wraps the items of every list of events in [`Ty::Lenient`].
    pub fn lenient_event_lists(&mut self) {
        let envelopes = envelopes(&self.defs);
        if envelopes.is_empty() {
            return;
        }
        for def in self.defs.values_mut() {
            def.def.tys_mut(|ty| make_lenient(ty, &envelopes));
        }
    }
}

/// The structs that carry an event content.
pub fn envelopes(defs: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    defs.iter()
        .filter(|(_, def)| match &def.def {
            Def::Struct { fields, .. } => fields.iter().any(|f| f.ty == Ty::EventContent),
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Makes the items of `ty`'s lists of events lenient, in place.
pub fn make_lenient(ty: &mut Ty, envelopes: &BTreeSet<String>) {
    *ty = lenient(std::mem::replace(ty, Ty::Unit), envelopes);
}

/// `ty` with the items of its lists of events made lenient.
fn lenient(ty: Ty, envelopes: &BTreeSet<String>) -> Ty {
    match ty {
        Ty::Vec(item) => match *item {
            Ty::Named(name) if envelopes.contains(&name) => {
                Ty::Vec(Box::new(Ty::Lenient(Box::new(Ty::Named(name)))))
            }
            other => Ty::Vec(Box::new(lenient(other, envelopes))),
        },
        Ty::Map(inner) => Ty::Map(Box::new(lenient(*inner, envelopes))),
        Ty::Option(inner) => Ty::Option(Box::new(lenient(*inner, envelopes))),
        other => other,
    }
}
