//! The `use` lines of `server.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::rules::body_rules;
use crate::ir::types::Ty;
use crate::ir::{ApiIr, OperationIr, ResponseType};

/// Only what this API's operations use, so that every import is used.
pub(super) fn imports(api: &ApiIr) -> TokenStream {
    let ops: Vec<&OperationIr> = api.areas.iter().flat_map(|a| &a.operations).collect();
    let responses: Vec<(&Ty, bool)> = ops
        .iter()
        .flat_map(|op| match &op.response_type {
            ResponseType::Single { ty, binary, .. } => vec![(ty, *binary)],
            ResponseType::Enum { variants, .. } => {
                variants.iter().map(|v| (&v.ty, v.binary)).collect()
            }
        })
        .collect();
    let has_headers = ops.iter().any(|op| match &op.response_type {
        ResponseType::Single { headers, .. } => headers.is_some(),
        ResponseType::Enum { variants, .. } => variants.iter().any(|v| v.headers.is_some()),
    });
    let has_rules = ops
        .iter()
        .filter_map(|op| op.body.as_ref())
        .any(|body| !body.binary && !body_rules(&body.ty, &api.types).is_empty());
    let mut helpers = vec![quote!(finish)];
    if !ops.is_empty() {
        helpers.extend([quote!(Handler), quote!(Reply)]);
    }
    helpers.push(quote!(RequestParts));
    if has_rules {
        helpers.push(quote!(Rule));
    }
    if has_headers {
        helpers.push(quote!(with_header));
    }
    if responses.iter().any(|(_, binary)| *binary) {
        helpers.push(quote!(binary_response));
    }
    if responses.iter().any(|(ty, _)| **ty == Ty::Unit) {
        helpers.push(quote!(empty_response));
    }
    if responses
        .iter()
        .any(|(ty, binary)| **ty != Ty::Unit && !binary)
    {
        helpers.push(quote!(json_response));
    }
    let auth = (!ops.is_empty()).then(|| quote!(Auth,));
    let types = api.operations_use_types().then(|| {
        quote!(
            use super::types;
        )
    });
    quote! {
        use axum::extract::State;

        #types
        use crate::runtime::server::{#(#helpers),*};
        use crate::runtime::{#auth MatrixError};
    }
}
