//! `types.rs` of an API module: structs, open enums, unions and aliases, plus
//! the enums of operations with several success statuses.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{docs, gates, ident, ty_tokens};
use crate::ir::types::{Def, Field, Ty, TypeDef};
use crate::ir::{ApiIr, Headers, QueryEncoding, ResponseType, StatusVariant};

pub fn emit(api: &ApiIr) -> TokenStream {
    let defs = api
        .types
        .values()
        .map(|def| type_def(def, &gates::ty(api, &def.name)));
    // Each operation's own types, compiled with its area.
    let ops = || {
        api.areas.iter().flat_map(|area| {
            area.operations
                .iter()
                .map(move |op| (op, gates::area(area)))
        })
    };
    let responses = ops().filter_map(|(op, gate)| match &op.response_type {
        ResponseType::Enum { name, variants } => Some(response_enum(name, variants, &op.id, &gate)),
        ResponseType::Single { .. } => None,
    });
    let queries = ops().filter_map(|(op, gate)| {
        let name = op.query_type.as_ref()?;
        let fields = op.query_params.iter().map(|p| {
            let doc = p.docs.as_deref().map(docs).unwrap_or_default();
            let field = ident(&p.ident);
            let ty = ty_tokens(&p.ty, &TokenStream::new());
            let ty = match p.encoding {
                QueryEncoding::IdOrJson => quote!(crate::runtime::IdOrJson<#ty>),
                _ => ty,
            };
            let optional = !p.required && !p.repeated && !p.open_ended;
            let ty = if optional { quote!(Option<#ty>) } else { ty };
            let ty = if p.open_ended {
                quote!(std::collections::BTreeMap<String, String>)
            } else {
                ty
            };
            quote! { #doc pub #field: #ty, }
        });
        let doc = docs(&format!("Query parameters of `{}`.", op.id));
        let name = ident(name);
        // Required enum and identifier parameters have no default value.
        let default = op
            .query_params
            .iter()
            .all(|p| !p.required || !matches!(p.ty, Ty::Named(_) | Ty::Id(_)))
            .then(|| quote!(Default,));
        Some(quote! {
            #doc
            #gate
            #[derive(Clone, Debug, #default PartialEq)]
            pub struct #name { #(#fields)* }
        })
    });
    let answers = ops().flat_map(|(op, gate)| {
        let answers: Vec<(u16, &Ty, bool, &Headers)> = match &op.response_type {
            ResponseType::Single {
                status,
                ty,
                binary,
                headers: Some(headers),
            } => vec![(*status, ty, *binary, headers)],
            ResponseType::Single { .. } => Vec::new(),
            ResponseType::Enum { variants, .. } => variants
                .iter()
                .filter_map(|v| Some((v.status, &v.ty, v.binary, v.headers.as_ref()?)))
                .collect(),
        };
        answers
            .into_iter()
            .map(move |(status, ty, binary, headers)| {
                answer(&op.id, status, ty, binary, headers, &gate)
            })
    });
    quote! {
        //! Request and response types.
        #(#defs)*
        #(#queries)*
        #(#responses)*
        #(#answers)*
    }
}

/// The struct of an answer with declared headers: its body (if any) and one
/// field per header. Headers are not JSON: no serde.
fn answer(
    op_id: &str,
    status: u16,
    ty: &Ty,
    binary: bool,
    headers: &Headers,
    gate: &TokenStream,
) -> TokenStream {
    let name = ident(&headers.name);
    let doc = docs(&format!(
        "The HTTP {status} answer of `{op_id}`: its body and the headers the spec declares."
    ));
    let body = match ty {
        Ty::Unit => None,
        _ => {
            let ty = if binary {
                quote!(crate::runtime::Binary)
            } else {
                ty_tokens(ty, &TokenStream::new())
            };
            Some(quote! {
                /// The body.
                pub body: #ty,
            })
        }
    };
    let fields = headers.fields.iter().map(|h| {
        let field = ident(&h.ident);
        let doc = docs(&match &h.docs {
            Some(text) => format!("`{}`: {text}", h.wire),
            None => format!("The `{}` header.", h.wire),
        });
        let ty = if h.required {
            quote!(String)
        } else {
            quote!(Option<String>)
        };
        quote! { #doc pub #field: #ty, }
    });
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #body #(#fields)* }
    }
}

/// The items of a named type, each under `gate` (a `#[cfg]`, or nothing).
pub(super) fn type_def(def: &TypeDef, gate: &TokenStream) -> TokenStream {
    let doc = def.docs.as_deref().map(docs).unwrap_or_default();
    let name = ident(&def.name);
    let scope = TokenStream::new();
    match &def.def {
        Def::Struct { fields, extra } => {
            let all_optional = fields
                .iter()
                .all(|f| !f.required || matches!(f.ty, Ty::Option(_)));
            let default = all_optional.then(|| quote!(Default,));
            let constructor = (!all_optional).then(|| constructor(&def.name, fields, extra, gate));
            let json = json_object(&name, fields, extra.is_some(), gate);
            let fields = fields.iter().map(field);
            let extra = extra.as_ref().map(|ty| {
                let ty = ty_tokens(ty, &scope);
                quote! {
                    /// Properties the spec does not declare, kept so that a value
                    /// read and written again loses nothing.
                    pub extra: std::collections::BTreeMap<String, #ty>,
                }
            });
            quote! {
                #doc
                #gate
                #[derive(Clone, Debug, #default PartialEq)]
                pub struct #name {
                    #(#fields)*
                    #extra
                }
                #json
                #constructor
            }
        }
        Def::Enum { variants } => open_enum(&def.name, variants, doc, gate),
        Def::Union { variants } => {
            let variants = variants.iter().map(|(variant, ty)| {
                let variant = ident(variant);
                let ty = boxed_if_named(ty, &scope);
                quote! { #variant(#ty), }
            });
            quote! {
                #doc
                #gate
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name { #(#variants)* }
            }
        }
        Def::Alias(ty) => {
            let ty = match ty {
                Ty::Named(target) if *target == def.name => quote!(serde_json::Value),
                other => ty_tokens(other, &scope),
            };
            quote! { #doc #gate pub type #name = #ty; }
        }
    }
}

/// `new` for a struct with required fields: they are its arguments, the
/// optional ones start empty. (Structs without required fields derive `Default`.)
fn constructor(
    name: &str,
    fields: &[Field],
    extra: &Option<Ty>,
    gate: &TokenStream,
) -> TokenStream {
    let scope = TokenStream::new();
    let takes = |f: &&Field| f.required && !matches!(f.ty, Ty::Option(_));
    let params = fields.iter().filter(takes).map(|f| {
        let arg = ident(&f.ident);
        let ty = ty_tokens(&f.ty, &scope);
        let ty = if f.boxed { quote!(Box<#ty>) } else { ty };
        match f.ty {
            Ty::String => quote!(#arg: impl Into<String>),
            _ => quote!(#arg: #ty),
        }
    });
    let inits = fields.iter().map(|f| {
        let field = ident(&f.ident);
        match (takes(&f), &f.ty) {
            (true, Ty::String) => quote!(#field: #field.into(),),
            (true, _) => quote!(#field,),
            (false, _) => quote!(#field: None,),
        }
    });
    let extra = extra
        .as_ref()
        .map(|_| quote!(extra: std::collections::BTreeMap::new(),));
    let many = fields.iter().filter(takes).count() > 7;
    let allow = many.then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let name = ident(name);
    quote! {
        #gate
        impl #name {
            /// A value with the required fields; the optional ones are unset.
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* #extra }
            }
        }
    }
}

/// Named types in enum variants are boxed: they may be large or recursive.
fn boxed_if_named(ty: &Ty, scope: &TokenStream) -> TokenStream {
    let tokens = ty_tokens(ty, scope);
    match ty {
        Ty::Named(_) => quote!(Box<#tokens>),
        _ => tokens,
    }
}

fn field(field: &Field) -> TokenStream {
    let doc = field.docs.as_deref().map(docs).unwrap_or_default();
    let name = ident(&field.ident);
    let scope = TokenStream::new();
    let inner = match &field.ty {
        Ty::Option(inner) => inner.as_ref(),
        other => other,
    };
    let mut ty = ty_tokens(inner, &scope);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if matches!(carried(field), Carried::Optional | Carried::Nullable) {
        ty = quote!(Option<#ty>);
    }
    quote! {
        #doc
        pub #name: #ty,
    }
}

/// How a field is carried in its JSON object (see the runtime's `json_object!`).
#[derive(Clone, Copy, PartialEq)]
enum Carried {
    Required,
    Optional,
    Nullable,
    Event,
}

fn carried(field: &Field) -> Carried {
    match (field.required, &field.ty) {
        (_, Ty::EventContent) => Carried::Event,
        (true, Ty::Option(_)) => Carried::Nullable,
        (true, _) => Carried::Required,
        (false, _) => Carried::Optional,
    }
}

/// The struct's `Serialize` and `Deserialize`: its fields, how each is
/// carried and under which property name. (`emit::format` prints the call
/// one field a line.)
fn json_object(name: &Ident, fields: &[Field], extra: bool, gate: &TokenStream) -> TokenStream {
    let entries = fields.iter().map(|field| {
        let ident = ident(&field.ident);
        let carried = carried(field);
        let kind = match carried {
            Carried::Required => quote!(required),
            Carried::Optional => quote!(optional),
            Carried::Nullable => quote!(nullable),
            Carried::Event => quote!(event),
        };
        let wire = (field.ident != field.wire && carried != Carried::Event).then_some(&field.wire);
        quote! { #ident: #kind #wire, }
    });
    let extra = extra.then(|| quote!(..extra));
    quote! {
        #gate
        crate::runtime::json_object! {
            #name { #(#entries)* #extra }
        }
    }
}

fn open_enum(
    name: &str,
    variants: &[(String, String)],
    doc: TokenStream,
    gate: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let decls = variants.iter().map(|(variant, wire)| {
        let variant = ident(variant);
        let doc = format!(" `{wire}`");
        quote! { #[doc = #doc] #variant, }
    });
    let wires = variants.iter().map(|(variant, wire)| {
        let variant = ident(variant);
        quote! { #variant = #wire, }
    });
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value the spec does not list: Matrix enums are open.
            Other(String),
        }

        #gate
        crate::runtime::open_enum! {
            #name { #(#wires)* }
        }
    }
}

fn response_enum(
    name: &str,
    variants: &[StatusVariant],
    op_id: &str,
    gate: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let doc = docs(&format!(
        "The success responses of `{op_id}`, one variant per status."
    ));
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let description = v.description.trim();
        let doc = if description.is_empty() {
            format!("HTTP {}.", v.status)
        } else {
            format!("HTTP {}: {description}", v.status)
        };
        let doc = docs(&doc);
        match &v.rust_ty() {
            Ty::Unit => quote! { #doc #variant, },
            other => {
                let ty = boxed_if_named(other, &TokenStream::new());
                quote! { #doc #variant(#ty), }
            }
        }
    });
    quote! {
        #doc
        #gate
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name { #(#variants)* }
    }
}
