//! The type graph of one API: every schema the operations use, as Rust types
//! with stable, unique, readable names.
//!
//! Naming: component schemas keep their component name; inline objects take
//! their `title` when it is free, otherwise the name of their place
//! (`KickRequest`, `KickRequestContent`, ...). A name that is taken gets a
//! number, so a title reused by different schemas never merges them.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use crate::names::{member_ident, type_ident, Scope};

mod docs;
mod envelopes;
mod formats;
mod merge;
mod model;
mod naming;
mod recursion;
mod shape;

pub use docs::docs;
pub use envelopes::{envelopes, make_lenient};
pub use formats::IdKind;
pub use model::{Def, Field, Ty, TypeDef};

use merge::ObjectParts;
use naming::{enum_variants, unique, GENERIC_TITLES};
use shape::Shape;

/// The schemas of one API as Rust types, each defined once, when first met.
pub struct TypeGraph<'a> {
    components: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    pub defs: BTreeMap<String, TypeDef>,
    used: BTreeSet<String>,
    component_names: BTreeMap<String, String>,
    /// Inline schemas named by their `title`.
    titled: BTreeSet<String>,
    /// Set when the crate has an `events` module: envelopes are then typed.
    pub typed_events: bool,
}

impl<'a> TypeGraph<'a> {
    pub fn new(components: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>) -> Self {
        let mut used = BTreeSet::new();
        let mut component_names = BTreeMap::new();
        for key in components.keys() {
            let name = unique(&mut used, &type_ident(key));
            component_names.insert(key.clone(), name);
        }
        TypeGraph {
            components,
            defs: BTreeMap::new(),
            used,
            component_names,
            titled: BTreeSet::new(),
            typed_events: false,
        }
    }

    /// Defines every component, used or not, so that the crate offers them all.
    pub fn define_all_components(&mut self) {
        let keys: Vec<String> = self.components.keys().cloned().collect();
        for key in keys {
            self.component(&key);
        }
    }

    /// The type name a component has (or would have, once defined).
    pub fn component_name(&self, key: &str) -> String {
        self.component_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| type_ident(key))
    }

    /// The names the spec chose: its components' and its titles'.
    pub fn chosen_names(&self) -> BTreeSet<String> {
        let components = self.component_names.values().cloned();
        components.chain(self.titled.iter().cloned()).collect()
    }

    /// Takes `name` exactly, if no type has it yet.
    pub fn reserve_exact(&mut self, name: &str) -> bool {
        self.used.insert(name.to_owned())
    }

    /// Reserves a name for a type an emitter defines itself (a response enum).
    pub fn reserve(&mut self, wanted: &str) -> String {
        unique(&mut self.used, wanted)
    }

    fn component(&mut self, key: &str) -> Ty {
        let Some(name) = self.component_names.get(key).cloned() else {
            return Ty::Json;
        };
        if !self.defs.contains_key(&name) {
            // A placeholder first, so a schema that refers to itself finds its name.
            self.defs.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    docs: None,
                    def: Def::Alias(Ty::Json),
                },
            );
            // Borrowed from the components, which outlive the graph: no copy.
            let components = self.components;
            let schema = match &components[key] {
                ReferenceOr::Item(schema) => schema,
                // A component that is only a ref (an event's `content` written
                // as a `$ref`) is another name for its target.
                ReferenceOr::Reference { reference } => {
                    let reference = ReferenceOr::Reference {
                        reference: reference.clone(),
                    };
                    let target = self.ty(&reference, &name);
                    self.defs.insert(
                        name.clone(),
                        TypeDef {
                            name: name.clone(),
                            docs: None,
                            def: Def::Alias(target),
                        },
                    );
                    return Ty::Named(name);
                }
            };
            let def = self.definition(schema, &name);
            self.defs.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    docs: docs(schema),
                    def,
                },
            );
        }
        Ty::Named(name)
    }

    fn lookup(&self, reference: &str) -> Option<&'a Schema> {
        let key = reference.strip_prefix("#/components/schemas/")?;
        match self.components.get(key)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// The type of a schema used at `place` (a PascalCase name for inline types).
    pub fn ty(&mut self, schema: &ReferenceOr<Schema>, place: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.referenced(reference),
            ReferenceOr::Item(schema) => self.item(schema, place),
        }
    }

    pub fn boxed_ty(&mut self, schema: &ReferenceOr<Box<Schema>>, place: &str) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.referenced(reference),
            ReferenceOr::Item(schema) => self.item(schema, place),
        }
    }

    fn referenced(&mut self, reference: &str) -> Ty {
        match reference.strip_prefix("#/components/schemas/") {
            Some(key) => self.component(key),
            None => Ty::Json,
        }
    }

    fn item(&mut self, schema: &Schema, place: &str) -> Ty {
        let ty = self.inline(schema, place);
        if schema.schema_data.nullable && !matches!(ty, Ty::Option(_) | Ty::Json) {
            Ty::Option(Box::new(ty))
        } else {
            ty
        }
    }

    fn inline(&mut self, schema: &Schema, place: &str) -> Ty {
        let shape = Shape::of(schema);
        if let Some(member) = self.same_as_member(&shape) {
            return self.ty(member, place);
        }
        if shape.is_object() {
            let name = self.inline_name(schema, place);
            return match self.definition(schema, &name) {
                Def::Alias(ty) => {
                    self.used.remove(&name);
                    ty
                }
                def => {
                    self.defs.insert(
                        name.clone(),
                        TypeDef {
                            name: name.clone(),
                            docs: docs(schema),
                            def,
                        },
                    );
                    Ty::Named(name)
                }
            };
        }
        if !shape.string_enum.is_empty() || !shape.unions().is_empty() {
            let name = self.inline_name(schema, place);
            let def = self.definition(schema, &name);
            self.defs.insert(
                name.clone(),
                TypeDef {
                    name: name.clone(),
                    docs: docs(schema),
                    def,
                },
            );
            return Ty::Named(name);
        }
        self.scalar(&shape, place)
    }

    fn scalar(&mut self, shape: &Shape, place: &str) -> Ty {
        match shape.types.first().copied() {
            Some("string") if shape.format.as_deref() == Some("binary") => Ty::Bytes,
            Some("string") => match shape.format.as_deref().and_then(IdKind::of_format) {
                Some(kind) => Ty::Id(kind),
                None => Ty::String,
            },
            Some("integer") => Ty::Integer,
            Some("number") => Ty::Number,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let item = match shape.items {
                    Some(items) => self.boxed_ty(items, &format!("{place}Item")),
                    None => Ty::Json,
                };
                Ty::Vec(Box::new(item))
            }
            Some("object") => self.map_of(shape, place),
            _ => Ty::Json,
        }
    }

    fn map_of(&mut self, shape: &Shape, place: &str) -> Ty {
        match shape.additional {
            Some(AdditionalProperties::Schema(schema)) => {
                Ty::Map(Box::new(self.ty(schema, &format!("{place}Value"))))
            }
            _ => Ty::JsonObject,
        }
    }

    fn inline_name(&mut self, schema: &Schema, place: &str) -> String {
        let title = schema
            .schema_data
            .title
            .as_deref()
            .filter(|t| t.split_whitespace().count() <= 5 && !t.ends_with('.'))
            // `title: body` names nothing: the place does better.
            .filter(|t| !GENERIC_TITLES.contains(&t.trim().to_ascii_lowercase().as_str()))
            .map(type_ident);
        match title {
            Some(title) if !self.used.contains(&title) => {
                let name = unique(&mut self.used, &title);
                self.titled.insert(name.clone());
                name
            }
            _ => unique(&mut self.used, place),
        }
    }

    /// The definition of a named type.
    fn definition(&mut self, schema: &Schema, name: &str) -> Def {
        let shape = Shape::of(schema);
        if let Some(member) = self.same_as_member(&shape) {
            return Def::Alias(self.ty(member, name));
        }
        if shape.is_object() {
            let mut object = ObjectParts::default();
            self.collect_object(schema, &mut object, 0, &mut BTreeSet::new());
            if object.properties.is_empty() {
                let ty = match object.additional {
                    Some(AdditionalProperties::Schema(s)) => {
                        Ty::Map(Box::new(self.ty(&s, &format!("{name}Value"))))
                    }
                    _ => Ty::JsonObject,
                };
                return Def::Alias(ty);
            }
            return self.struct_def(name, object);
        }
        if !shape.string_enum.is_empty() {
            return Def::Enum {
                variants: enum_variants(&shape.string_enum),
            };
        }
        let members = shape.unions();
        if !members.is_empty() {
            return self.union_def(name, members);
        }
        Def::Alias(self.scalar(&shape, name))
    }

    fn struct_def(&mut self, name: &str, object: ObjectParts) -> Def {
        let mut fields = Vec::new();
        // Matrix objects are open: what a struct does not declare is kept in a
        // flattened map, so reading and writing a value again loses nothing
        // (a signed object's signature still verifies). Only an explicit
        // `additionalProperties: false` closes a struct.
        let closed = matches!(object.additional, Some(AdditionalProperties::Any(false)));
        let mut idents = if closed {
            Scope::default()
        } else {
            Scope::reserving(&["extra"])
        };
        for (wire, property) in &object.properties {
            let place = format!("{name}{}", type_ident(wire));
            let ty = self.boxed_ty(property, &place);
            let ty = self.name_if_nested(ty, &place);
            let ident = idents.claim(&member_ident(wire), "_");
            let docs = match property {
                ReferenceOr::Item(s) => docs(s),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                wire: wire.clone(),
                ident,
                ty,
                required: object.required.contains(wire),
                docs,
                boxed: false,
            });
        }
        let extra = match &object.additional {
            Some(AdditionalProperties::Schema(s)) => Some(self.ty(s, &format!("{name}Extra"))),
            _ if closed => None,
            _ => Some(Ty::Json),
        };
        self.fold_event_fields(&mut fields);
        Def::Struct { fields, extra }
    }

    /// A map of maps (or lists) gets a name of its own: easier to read and to
    /// write than the spelled-out type.
    fn name_if_nested(&mut self, ty: Ty, place: &str) -> Ty {
        fn depth(ty: &Ty) -> usize {
            match ty {
                Ty::Vec(inner) | Ty::Map(inner) => 1 + depth(inner),
                Ty::Option(inner) => depth(inner),
                _ => 0,
            }
        }
        if depth(&ty) < 2 {
            return ty;
        }
        let (inner, nullable) = match ty {
            Ty::Option(inner) => (*inner, true),
            other => (other, false),
        };
        let name = unique(&mut self.used, place);
        self.defs.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                docs: None,
                def: Def::Alias(inner),
            },
        );
        let named = Ty::Named(name);
        if nullable {
            Ty::Option(Box::new(named))
        } else {
            named
        }
    }

    fn union_def(&mut self, name: &str, members: Vec<&ReferenceOr<Schema>>) -> Def {
        let mut variants: Vec<(String, Ty)> = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, member) in members.iter().enumerate() {
            let ty = self.ty(member, &format!("{name}Variant{}", i + 1));
            if variants.iter().any(|(_, t)| *t == ty) {
                continue;
            }
            let base = match &ty {
                Ty::Named(n) => n.clone(),
                Ty::String => "String".into(),
                Ty::Id(kind) => kind.type_name().into(),
                Ty::Integer => "Integer".into(),
                Ty::Number => "Number".into(),
                Ty::Bool => "Boolean".into(),
                Ty::Vec(_) => "List".into(),
                Ty::Map(_) | Ty::JsonObject => "Object".into(),
                _ => "Value".into(),
            };
            variants.push((unique(&mut seen, &base), ty));
        }
        // Untagged enums try variants in order: specific shapes before catch-alls,
        // integers before numbers.
        variants.sort_by_key(|(_, ty)| match ty {
            Ty::Named(_) => 0,
            Ty::Integer => 1,
            Ty::Number => 2,
            Ty::Json | Ty::JsonObject => 4,
            _ => 3,
        });
        Def::Union { variants }
    }

    /// The `allOf` member a schema amounts to, if it adds nothing of its own:
    /// a one-member `allOf` that only documents its member, or an `allOf` of
    /// scalars (a string narrowed to an enum), which is its last, most specific
    /// member.
    fn same_as_member<'s>(&self, shape: &Shape<'s>) -> Option<&'s ReferenceOr<Schema>> {
        if shape.has_properties() || shape.additional.is_some() {
            return None;
        }
        match shape.all_of {
            [only] if shape.types.is_empty() => Some(only),
            [.., last] if !self.all_of_is_object(shape.all_of, 0, &mut BTreeSet::new()) => {
                Some(last)
            }
            _ => None,
        }
    }
}
