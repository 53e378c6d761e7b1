//! `metadata.rs` of an API module: a constant describing each operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::{ApiIr, Auth};

pub fn emit(api: &ApiIr) -> TokenStream {
    let ops: Vec<_> = api.areas.iter().flat_map(|a| &a.operations).collect();
    let consts = ops.iter().map(|op| {
        let name = ident(&op.const_name);
        let id = &op.id;
        let method = op.method.to_uppercase();
        let path = &op.path;
        let aliases = &op.aliases;
        let auth = match op.auth {
            Auth::None => quote!(AuthRequirement::None),
            Auth::Optional { .. } => quote!(AuthRequirement::Optional),
            Auth::Required { .. } => quote!(AuthRequirement::Required),
        };
        let rate_limited = op.rate_limited;
        let deprecated = op.deprecated;
        let added_in = option(op.added_in.as_deref());
        let summary = op.summary.clone().unwrap_or_default();
        let history = match &op.history {
            Some(history) => {
                let paths = history
                    .paths
                    .iter()
                    .map(|(release, path)| quote!((#release, #path)));
                let added = &history.added;
                let deprecated = option(history.deprecated.as_deref());
                let removed = option(history.removed.as_deref());
                quote!(Some(History {
                    paths: &[#(#paths),*],
                    added: #added,
                    deprecated: #deprecated,
                    removed: #removed,
                }))
            }
            None => quote!(None),
        };
        let doc = docs(&format!("`{method} {path}` ({id})."));
        quote! {
            #doc
            pub const #name: OperationInfo = OperationInfo {
                id: #id,
                method: #method,
                path: #path,
                aliases: &[#(#aliases),*],
                auth: #auth,
                rate_limited: #rate_limited,
                deprecated: #deprecated,
                added_in: #added_in,
                summary: #summary,
                history: #history,
            };
        }
    });
    let names = ops.iter().map(|op| ident(&op.const_name));
    let history = ops
        .iter()
        .any(|op| op.history.is_some())
        .then(|| quote!(History,));
    quote! {
        //! A description of every operation of this API.

        use crate::runtime::{AuthRequirement, #history OperationInfo};

        #(#consts)*

        /// Every operation of this API, in path order.
        pub const ALL: &[OperationInfo] = &[#(#names),*];
    }
}

fn option(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}
