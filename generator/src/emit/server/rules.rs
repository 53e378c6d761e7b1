//! The request rules of `runtime/validate.rs`, derived from a body's or a
//! parameter's type: where `null` is not allowed, and which values an enum
//! lists. The types themselves accept both, since clients share them.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::types::{Def, Ty, TypeDef};

/// Deeper schemas are rare in requests; recursive ones would never end.
const MAX_DEPTH: usize = 6;

/// `Rule::not_null(&["reason"])`, ... for a JSON body of type `ty`.
pub fn body_rules(ty: &Ty, types: &BTreeMap<String, TypeDef>) -> Vec<TokenStream> {
    let mut rules = Vec::new();
    collect(ty, types, &mut Vec::new(), &mut Vec::new(), &mut rules);
    rules
}

/// The values an enum-typed parameter may take, if its type is an enum.
pub fn enum_values<'a>(ty: &Ty, types: &'a BTreeMap<String, TypeDef>) -> Option<Vec<&'a str>> {
    match ty {
        Ty::Option(inner) => enum_values(inner, types),
        Ty::Named(name) => match types.get(name).map(|t| &t.def) {
            Some(Def::Enum { variants }) => {
                Some(variants.iter().map(|(_, w)| w.as_str()).collect())
            }
            Some(Def::Alias(inner)) => enum_values(inner, types),
            _ => None,
        },
        _ => None,
    }
}

fn collect<'a>(
    ty: &'a Ty,
    types: &'a BTreeMap<String, TypeDef>,
    path: &mut Vec<&'a str>,
    seen: &mut Vec<&'a str>,
    rules: &mut Vec<TokenStream>,
) {
    match ty {
        Ty::Option(inner) => collect(inner, types, path, seen, rules),
        Ty::Vec(inner) | Ty::Map(inner) => {
            path.push("*");
            collect(inner, types, path, seen, rules);
            path.pop();
        }
        Ty::Named(name) if path.len() < MAX_DEPTH && !seen.contains(&name.as_str()) => {
            let Some(def) = types.get(name) else {
                return;
            };
            seen.push(name);
            named(&def.def, types, path, seen, rules);
            seen.pop();
        }
        _ => {}
    }
}

fn named<'a>(
    def: &'a Def,
    types: &'a BTreeMap<String, TypeDef>,
    path: &mut Vec<&'a str>,
    seen: &mut Vec<&'a str>,
    rules: &mut Vec<TokenStream>,
) {
    match def {
        Def::Struct { fields, .. } => {
            for field in fields {
                path.push(&field.wire);
                // A nullable field's type is an `Option` in the IR.
                if !field.required && !matches!(field.ty, Ty::Option(_)) {
                    rules.push(quote!(Rule::not_null(&[#(#path),*])));
                }
                collect(&field.ty, types, path, seen, rules);
                path.pop();
            }
        }
        Def::Enum { variants } => {
            let values = variants.iter().map(|(_, wire)| wire);
            rules.push(quote!(Rule::one_of(&[#(#path),*], &[#(#values),*])));
        }
        Def::Alias(inner) => collect(inner, types, path, seen, rules),
        // Which member a value is, only the deserializer finds out.
        Def::Union { .. } => {}
    }
}

/// Whether a body is a JSON object on the wire, so that the runtime refuses
/// arrays (which serde's derived structs would read field by field).
pub fn is_object(ty: &Ty, types: &BTreeMap<String, TypeDef>, depth: u8) -> bool {
    match ty {
        Ty::Map(_) | Ty::JsonObject => true,
        Ty::Option(inner) => is_object(inner, types, depth),
        // The depth bound guards against an alias that names itself.
        Ty::Named(name) if depth < 8 => match types.get(name).map(|t| &t.def) {
            Some(Def::Struct { .. }) => true,
            Some(Def::Alias(inner)) => is_object(inner, types, depth + 1),
            _ => false,
        },
        _ => false,
    }
}
