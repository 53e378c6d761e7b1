//! Two versions of a type, walked side by side.
//!
//! Types are compared by their JSON shape, never by their Rust names (which
//! differ between releases for the same shape): fields are paired by wire
//! name, list items with list items (`[]`), map values with map values
//! (`{}`). A struct met again inside itself is not walked a second time, and
//! nothing is walked deeper than [`MAX_DEPTH`].

use std::collections::BTreeMap;

use crate::ir::types::{Def, Field, IdKind, Ty, TypeDef};

use super::Kind;

pub(super) type Defs = BTreeMap<String, TypeDef>;

/// Deeper than any answer of the published spec nests (`/sync` reaches 8).
const MAX_DEPTH: usize = 24;

/// Aliases followed before a type is taken as any JSON (an alias loop).
const MAX_ALIASES: usize = 16;

/// A type as JSON sees it.
enum Shape<'a> {
    /// `string`, `integer`, `number`, `boolean`, `bytes` or `any`; strings
    /// may have a Matrix format.
    Scalar {
        json: &'static str,
        format: Option<&'static str>,
    },
    /// A struct, or an object with no declared field (`name: None`).
    Object {
        name: Option<&'a str>,
        fields: &'a [Field],
    },
    List(&'a Ty),
    Map(&'a Ty),
    /// One of several shapes.
    Union(Vec<&'a Ty>),
}

fn scalar<'a>(json: &'static str) -> Shape<'a> {
    Shape::Scalar { json, format: None }
}

fn shape<'a>(ty: &'a Ty, defs: &'a Defs) -> Shape<'a> {
    let mut ty = ty;
    for _ in 0..MAX_ALIASES {
        match ty {
            Ty::Option(inner) | Ty::Lenient(inner) => ty = inner,
            Ty::Named(name) => match defs.get(name).map(|d| &d.def) {
                Some(Def::Alias(inner)) => ty = inner,
                Some(Def::Struct { fields, .. }) => {
                    return Shape::Object {
                        name: Some(name),
                        fields,
                    }
                }
                // Enums are strings that list their values.
                Some(Def::Enum { .. }) => return scalar("string"),
                Some(Def::Union { variants }) => {
                    return Shape::Union(variants.iter().map(|(_, ty)| ty).collect())
                }
                None => return scalar("any"),
            },
            Ty::Vec(inner) => return Shape::List(inner),
            Ty::Map(inner) => return Shape::Map(inner),
            // An answer of `{}` and an object that declares nothing are one shape.
            Ty::JsonObject | Ty::Unit => {
                return Shape::Object {
                    name: None,
                    fields: &[],
                }
            }
            Ty::String => return scalar("string"),
            Ty::Id(kind) => {
                return Shape::Scalar {
                    json: "string",
                    format: Some(format_name(*kind)),
                }
            }
            Ty::Integer => return scalar("integer"),
            Ty::Number => return scalar("number"),
            Ty::Bool => return scalar("boolean"),
            Ty::Bytes => return scalar("bytes"),
            Ty::Json | Ty::EventContent | Ty::EventContentBody => return scalar("any"),
        }
    }
    scalar("any")
}

/// The spec's name of a string format.
fn format_name(kind: IdKind) -> &'static str {
    match kind {
        IdKind::UserId => "mx-user-id",
        IdKind::RoomId => "mx-room-id",
        IdKind::EventId => "mx-event-id",
        IdKind::RoomAlias => "mx-room-alias",
        IdKind::ServerName => "mx-server-name",
        IdKind::MxcUri => "mx-mxc-uri",
        IdKind::UnpaddedBase64 => "mx-unpadded-base64",
        IdKind::UrlSafeUnpaddedBase64 => "mx-urlsafe-unpadded-base64",
    }
}

/// `string`, `string (mx-user-id)`, `list of integer`, `one of object | string`.
fn describe(ty: &Ty, defs: &Defs, depth: usize) -> String {
    match shape(ty, defs) {
        Shape::Scalar {
            json,
            format: Some(format),
        } => format!("{json} ({format})"),
        Shape::Scalar { json, format: None } => json.to_owned(),
        Shape::Object { .. } => "object".to_owned(),
        Shape::List(_) | Shape::Map(_) | Shape::Union(_) if depth > 3 => "...".to_owned(),
        Shape::List(item) => format!("list of {}", describe(item, defs, depth + 1)),
        Shape::Map(value) => format!("map of {}", describe(value, defs, depth + 1)),
        Shape::Union(variants) => {
            let mut names: Vec<String> = variants
                .iter()
                .map(|v| describe(v, defs, depth + 1))
                .collect();
            names.sort();
            names.dedup();
            format!("one of {}", names.join(" | "))
        }
    }
}

/// Compares types of the older (`old`) and newer (`new`) release.
pub(super) struct Walk<'a> {
    old: &'a Defs,
    new: &'a Defs,
    /// The struct pairs being walked, outermost first.
    stack: Vec<(&'a str, &'a str)>,
    /// What was found, with its location.
    pub found: Vec<(String, Kind)>,
}

impl<'a> Walk<'a> {
    pub fn new(old: &'a Defs, new: &'a Defs) -> Walk<'a> {
        Walk {
            old,
            new,
            stack: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Compares `old` with `new` at `location` (`body`, `response(200)`).
    pub fn compare(&mut self, location: &str, old: &'a Ty, new: &'a Ty) {
        self.types(location, old, new, 0);
    }

    fn types(&mut self, location: &str, old: &'a Ty, new: &'a Ty, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match (shape(old, self.old), shape(new, self.new)) {
            (
                Shape::Object {
                    name: old_name,
                    fields: old_fields,
                },
                Shape::Object {
                    name: new_name,
                    fields: new_fields,
                },
            ) => {
                let pair = (old_name.unwrap_or(""), new_name.unwrap_or(""));
                if self.stack.contains(&pair) {
                    return;
                }
                self.stack.push(pair);
                self.fields(location, old_fields, new_fields, depth);
                self.stack.pop();
            }
            (Shape::List(old), Shape::List(new)) => {
                self.types(&format!("{location}[]"), old, new, depth + 1)
            }
            (Shape::Map(old), Shape::Map(new)) => {
                self.types(&format!("{location}{{}}"), old, new, depth + 1)
            }
            (
                Shape::Scalar {
                    json: old_json,
                    format: old_format,
                },
                Shape::Scalar {
                    json: new_json,
                    format: new_format,
                },
            ) if old_json == new_json => {
                if old_format != new_format {
                    let kind = Kind::FormatChanged {
                        from: describe(old, self.old, 0),
                        to: describe(new, self.new, 0),
                    };
                    self.found.push((location.to_owned(), kind));
                }
            }
            _ => {
                let (from, to) = (describe(old, self.old, 0), describe(new, self.new, 0));
                // Two unions of the same shapes are one type.
                if from != to {
                    let kind = Kind::Retyped { from, to };
                    self.found.push((location.to_owned(), kind));
                }
            }
        }
    }

    fn fields(&mut self, location: &str, old: &'a [Field], new: &'a [Field], depth: usize) {
        let mut pairs: BTreeMap<&str, (Option<&'a Field>, Option<&'a Field>)> = BTreeMap::new();
        for field in old {
            pairs.entry(&field.wire).or_default().0 = Some(field);
        }
        for field in new {
            pairs.entry(&field.wire).or_default().1 = Some(field);
        }
        for (wire, pair) in pairs {
            let at = format!("{location}.{wire}");
            match pair {
                (Some(old), None) => self.found.push((
                    at,
                    Kind::FieldRemoved {
                        required: old.required,
                    },
                )),
                (None, Some(new)) => self.found.push((
                    at,
                    Kind::FieldAdded {
                        required: new.required,
                    },
                )),
                (Some(old), Some(new)) => {
                    if old.required != new.required {
                        let kind = Kind::FieldRequiredChanged {
                            required: new.required,
                        };
                        self.found.push((at.clone(), kind));
                    }
                    self.types(&at, &old.ty, &new.ty, depth + 1);
                }
                (None, None) => {}
            }
        }
    }
}
