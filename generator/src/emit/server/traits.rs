//! The traits of `server.rs`: one per area of the API, a method per operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{docs, ident, op_docs, ty_tokens};
use crate::ir::{Area, OperationIr};

/// One area's trait: its operations, each answering 404 `M_UNRECOGNIZED`
/// until implemented; without the area's feature, a marker trait with no
/// methods that every type implements, so that `Service` keeps its bounds.
pub(super) fn area_trait(area: &Area) -> TokenStream {
    let scope = quote!(types::);
    let name = ident(&area.trait_name);
    let feature = &area.feature;
    let doc = docs(&format!(
        "The operations of `{}`. Each method answers 404 `M_UNRECOGNIZED` until implemented.",
        area.file
    ));
    let off_doc = docs(&format!(
        "`{}` without the `{feature}` feature: no operations, and every type implements it.",
        area.trait_name
    ));
    let methods = area.operations.iter().map(|op| trait_method(op, &scope));
    quote! {
        #doc
        #[cfg(feature = #feature)]
        pub trait #name: Send + Sync + 'static {
            #(#methods)*
        }

        #off_doc
        #[cfg(not(feature = #feature))]
        pub trait #name {}

        #[cfg(not(feature = #feature))]
        impl<T: ?Sized> #name for T {}
    }
}

/// The arguments an operation takes, in order: auth, path, query, body.
/// Every operation gets the credentials the request carried, whatever its
/// `security` says: servers take a token where the spec names none (an
/// application service registering its users), and the implementation decides.
pub(super) fn arguments(
    op: &OperationIr,
    scope: &TokenStream,
) -> Vec<(proc_macro2::Ident, TokenStream)> {
    let mut args = vec![(format_ident!("auth"), quote!(Auth))];
    // An event type the body's content carries is not passed twice.
    for p in op
        .path_params
        .iter()
        .filter(|p| !op.param_from_content(&p.wire))
    {
        args.push((ident(&p.ident), ty_tokens(&p.ty, scope)));
    }
    if let Some(query) = &op.query_type {
        let query = ident(query);
        args.push((format_ident!("query"), quote!(#scope #query)));
    }
    if let Some(body) = &op.body {
        args.push((format_ident!("body"), ty_tokens(&body.ty, scope)));
    }
    args
}

fn trait_method(op: &OperationIr, scope: &TokenStream) -> TokenStream {
    let name = ident(&op.fn_name);
    // A crate made from several releases says which by default: the client
    // of the same crate negotiates its paths from this answer.
    let lists_releases = op.history.is_some() && op.path == crate::ir::VERSIONS_PATH;
    let mut route = format!("`{} {}`", op.method.to_uppercase(), op.path);
    if lists_releases {
        route.push_str("\n\nBy default, answers with the releases the crate was made from.");
    }
    let doc = op_docs(op.summary.as_deref(), op.description.as_deref(), &route);
    let args = arguments(op, scope);
    let params = args.iter().map(|(name, ty)| quote!(#name: #ty));
    let names: Vec<_> = args.iter().map(|(name, _)| name).collect();
    let response = ty_tokens(&op.response_type.rust_ty(), scope);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let unused = match names.as_slice() {
        [] => quote!(),
        [one] => quote!(let _ = #one;),
        several => quote!(let _ = (#(#several),*);),
    };
    // The default answer is ready at once: a ready future, not an `async`
    // block, which would be one more state machine per operation for rustc
    // to lay out and check.
    let answer = match lists_releases {
        true => quote!(crate::runtime::server::releases_answer()),
        false => quote!(Err(MatrixError::unrecognized())),
    };
    quote! {
        #doc
        #deprecated
        fn #name(&self, #(#params),*) -> impl std::future::Future<Output = Result<#response, MatrixError>> + Send {
            #unused
            std::future::ready(#answer)
        }
    }
}
