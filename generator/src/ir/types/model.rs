//! The IR's types: what a field, parameter or body is, and the named
//! definitions (structs, open enums, unions, aliases) the emitters write out.

use super::IdKind;

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
