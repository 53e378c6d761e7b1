//! The type graph of one API: every schema the operations use, as Rust types
//! with stable, unique, readable names.
//!
//! Naming: component schemas keep their component name; inline objects take
//! their `title` when it is free, otherwise the name of their place
//! (`KickRequest`, `KickRequestContent`, ...). A name that is taken gets a
//! number, so a title reused by different schemas never merges them.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use crate::names::{member_ident, type_ident, variant_ident, Scope};

mod envelopes;
mod formats;
mod merge;
mod recursion;

pub use envelopes::{envelopes, make_lenient};
pub use formats::IdKind;

use merge::ObjectParts;

/// A Rust type as a field, parameter or body uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    /// A string of a Matrix format with a validated type (`mx-user-id`, ...).
    Id(IdKind),
    Integer,
    Number,
    Bool,
    /// Any JSON value.
    Json,
    /// A JSON object with no declared properties.
    JsonObject,
    /// Raw bytes (binary bodies).
    Bytes,
    /// An event's `type` and `content` together, flattened into its envelope
    /// (the crate's `events::EventContent`).
    EventContent,
    /// An event's content alone, its type named elsewhere (by a path
    /// parameter): the body of a send or state request (also
    /// `events::EventContent`, written without its type).
    EventContentBody,
    /// An item decoded on its own: the typed value, or its JSON when it does not fit.
    Lenient(Box<Ty>),
    /// No body.
    Unit,
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Option(Box<Ty>),
    Named(String),
}

impl Ty {
    /// Whether the type names one of the API's own types.
    pub fn mentions_named(&self) -> bool {
        match self {
            Ty::Named(_) => true,
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Lenient(inner) => {
                inner.mentions_named()
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct TypeDef {
    pub name: String,
    pub docs: Option<String>,
    pub def: Def,
}

#[derive(Clone, Debug)]
pub enum Def {
    Struct {
        fields: Vec<Field>,
        /// Properties not declared, kept as a flattened map of this value type.
        extra: Option<Ty>,
    },
    /// A string enum that also accepts values the spec does not list.
    Enum { variants: Vec<(String, String)> },
    /// One of several shapes, tried in order (`oneOf`, `anyOf`, type lists).
    Union { variants: Vec<(String, Ty)> },
    /// A named schema that is not an object (`type Foo = Vec<Bar>`).
    Alias(Ty),
}

impl Def {
    /// Every type the definition holds, each in turn (an enum holds none).
    pub fn for_each_ty<'a>(&'a self, mut visit: impl FnMut(&'a Ty)) {
        match self {
            Def::Struct { fields, extra } => {
                fields.iter().for_each(|field| visit(&field.ty));
                extra.iter().for_each(visit);
            }
            Def::Union { variants } => variants.iter().for_each(|(_, ty)| visit(ty)),
            Def::Alias(ty) => visit(ty),
            Def::Enum { .. } => {}
        }
    }

    /// Every type the definition holds, each in turn (an enum holds none).
    pub fn tys_mut(&mut self, mut visit: impl FnMut(&mut Ty)) {
        match self {
            Def::Struct { fields, extra } => {
                for field in fields {
                    visit(&mut field.ty);
                }
                if let Some(extra) = extra {
                    visit(extra);
                }
            }
            Def::Union { variants } => {
                for (_, ty) in variants {
                    visit(ty);
                }
            }
            Def::Alias(ty) => visit(ty),
            Def::Enum { .. } => {}
        }
    }
}

#[derive(Clone, Debug)]
pub struct Field {
    pub wire: String,
    pub ident: String,
    pub ty: Ty,
    pub required: bool,
    pub docs: Option<String>,
    /// Set when the field's type contains the struct itself.
    pub boxed: bool,
}

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

/// The parts of a schema the type mapping looks at, whichever way openapiv3
/// stored them; borrowed from the schema, since the mapping recurses through
/// every nested schema and a copy at each level would copy all below it.
#[derive(Default)]
struct Shape<'s> {
    types: Vec<&'s str>,
    format: Option<String>,
    properties: Option<&'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    string_enum: Vec<String>,
    all_of: &'s [ReferenceOr<Schema>],
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
}

impl<'s> Shape<'s> {
    fn of(schema: &'s Schema) -> Shape<'s> {
        let mut shape = Shape::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                shape.types.push("string");
                shape.format = format_name(&s.format);
                shape.string_enum = s.enumeration.iter().flatten().cloned().collect();
            }
            SchemaKind::Type(Type::Integer(_)) => shape.types.push("integer"),
            SchemaKind::Type(Type::Number(_)) => shape.types.push("number"),
            SchemaKind::Type(Type::Boolean(_)) => shape.types.push("boolean"),
            SchemaKind::Type(Type::Array(a)) => {
                shape.types.push("array");
                shape.items = a.items.as_ref();
            }
            SchemaKind::Type(Type::Object(o)) => {
                shape.types.push("object");
                shape.properties = Some(&o.properties);
                shape.required = &o.required;
                shape.additional = o.additional_properties.as_ref();
            }
            SchemaKind::AllOf { all_of } => shape.all_of = all_of,
            SchemaKind::OneOf { one_of } => shape.one_of = one_of,
            SchemaKind::AnyOf { any_of } => shape.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                shape.types.extend(any.typ.as_deref());
                shape.format = any.format.clone();
                shape.properties = Some(&any.properties);
                shape.required = &any.required;
                shape.additional = any.additional_properties.as_ref();
                shape.items = any.items.as_ref();
                shape.all_of = &any.all_of;
                shape.one_of = &any.one_of;
                shape.any_of = &any.any_of;
                if any.typ.as_deref() == Some("string") {
                    shape.string_enum = any
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                }
            }
        }
        shape
    }

    fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// An object with properties, or an `allOf` composition of objects.
    fn is_object(&self) -> bool {
        self.has_properties()
            || (!self.all_of.is_empty() && self.one_of.is_empty() && self.any_of.is_empty())
    }

    fn unions(&self) -> Vec<&'s ReferenceOr<Schema>> {
        self.one_of.iter().chain(self.any_of).collect()
    }
}

fn format_name<T: std::fmt::Debug>(
    format: &openapiv3::VariantOrUnknownOrEmpty<T>,
) -> Option<String> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(item) => Some(format!("{item:?}").to_lowercase()),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(text) => Some(text.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// Title and description as one doc text.
pub fn docs(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    let text = match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => {
            Some(description.trim().to_owned())
        }
        (Some(title), _) => Some(title.trim().to_owned()),
        _ => None,
    };
    // Since when: the spec marks what later releases added, and what they
    // changed (a version, or each version with a note).
    let mut marks = Vec::new();
    if let Some(version) = data.extensions.get("x-addedInMatrixVersion") {
        marks.push(format!("Added in Matrix v{}.", version_text(version)));
    }
    match data.extensions.get("x-changedInMatrixVersion") {
        Some(serde_json::Value::Object(changes)) => {
            for (version, note) in changes {
                let note = note
                    .as_str()
                    .map_or_else(|| note.to_string(), str::to_owned);
                marks.push(format!("Changed in Matrix v{version}: {}", note.trim()));
            }
        }
        Some(version) => marks.push(format!("Changed in Matrix v{}.", version_text(version))),
        None => {}
    }
    match (text, marks.is_empty()) {
        (text, true) => text,
        (None, false) => Some(marks.join("\n\n")),
        (Some(text), false) => Some(format!("{text}\n\n{}", marks.join("\n\n"))),
    }
}

/// `"1.2"` or `1.2` as written.
fn version_text(version: &serde_json::Value) -> String {
    version
        .as_str()
        .map_or_else(|| version.to_string(), str::to_owned)
}

fn enum_variants(values: &[String]) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    // `Other` holds the values the spec does not list.
    seen.insert("Other".to_owned());
    values
        .iter()
        .map(|value| (unique(&mut seen, &variant_ident(value)), value.clone()))
        .collect()
}

/// `wanted`, or `wanted` numbered (`Name2`, `field_2`) if taken; marked as taken.
fn numbered(used: &mut BTreeSet<String>, wanted: &str, separator: &str) -> String {
    let mut name = wanted.to_owned();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{wanted}{separator}{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}

/// Titles that say what a schema is made of, not what it is.
const GENERIC_TITLES: &[&str] = &[
    "body", "request", "response", "data", "object", "content", "value", "item", "result",
];

fn unique(used: &mut BTreeSet<String>, wanted: &str) -> String {
    numbered(used, if wanted.is_empty() { "Value" } else { wanted }, "")
}

#[cfg(test)]
mod tests {
    use super::docs;

    #[test]
    fn docs_say_since_when() {
        let schema = |json| serde_json::from_value::<openapiv3::Schema>(json).unwrap();
        let marked = schema(serde_json::json!({
            "type": "string",
            "description": "The reason.",
            "x-addedInMatrixVersion": "1.1",
            "x-changedInMatrixVersion": { "1.2": "Moved into `unsigned`.\n" },
        }));
        assert_eq!(
            docs(&marked).as_deref(),
            Some("The reason.\n\nAdded in Matrix v1.1.\n\nChanged in Matrix v1.2: Moved into `unsigned`.")
        );
        let bare = schema(serde_json::json!({ "type": "string", "x-addedInMatrixVersion": "1.7" }));
        assert_eq!(docs(&bare).as_deref(), Some("Added in Matrix v1.7."));
        assert_eq!(docs(&schema(serde_json::json!({ "type": "string" }))), None);
    }
}
