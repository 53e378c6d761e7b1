//! `server.rs` of an API module: one trait per spec file, a `Service` trait
//! that gathers them, and `router()`, which serves an implementation with axum.
//!
//! Routes are registered with positional parameter names (`{p0}`, `{p1}`):
//! the spec names the same segment differently on different paths
//! (`{roomId}`, `{roomIdOrAlias}`), which axum's matcher would refuse.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

mod routes;
mod rules;

use super::{docs, gates, ident, op_docs, ty_tokens};
use crate::ir::types::{Ty, TypeDef};
use crate::ir::{ApiIr, Auth, BodyIr, Headers, OperationIr, ParamIr, QueryEncoding, ResponseType};
use routes::routes;
use rules::{body_rules, enum_values, is_object};

pub fn emit(api: &ApiIr) -> TokenStream {
    let imports_lint = gates::imports_of_areas(api);
    let types_scope = quote!(types::);
    let traits = api.areas.iter().map(|area| {
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
        let methods = area
            .operations
            .iter()
            .map(|op| trait_method(op, &types_scope));
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
    });
    let bounds: Vec<_> = api.areas.iter().map(|a| ident(&a.trait_name)).collect();
    let callers = api.areas.iter().flat_map(|area| {
        let gate = gates::area(area);
        area.operations.iter().map(move |op| {
            let caller = caller(op, &area.trait_name, &api.types);
            quote!(#gate #caller)
        })
    });
    let test_impls = api.areas.iter().map(|area| {
        let gate = gates::area(area);
        let name = ident(&area.trait_name);
        quote!(#gate impl super::#name for Unimplemented {})
    });
    let (handlers, registrations) = routes(api);
    let imports = imports(api);
    quote! {
        //! The server side: implement the traits, then serve them with [`router`].
        #imports_lint

        use std::sync::Arc;

        #imports

        #(#traits)*

        /// Everything [`router`] needs: every trait of this API.
        pub trait Service: Send + Sync + 'static #(+ #bounds)* {}

        impl<T: Send + Sync + 'static #(+ #bounds)*> Service for T {}

        /// An axum router serving `service` on every path of this API, `x-alias`
        /// paths included. Unknown paths answer 404 and wrong methods 405, both
        /// `M_UNRECOGNIZED`.
        pub fn router<S: Service>(service: S) -> axum::Router {
            finish(routes()).with_state(Arc::new(service))
        }

        /// The routes of this API without fallbacks, to merge with other APIs'
        /// routes before the router is made whole with [`finish`].
        ///
        /// Each route is compiled with the features of its areas; a build
        /// with none of them returns the bare router.
        #[allow(clippy::let_and_return)]
        pub fn routes<S: Service>() -> axum::Router<Arc<S>> {
            let router = axum::Router::new();
            #(#registrations)*
            router
        }

        #(#handlers)*
        #(#callers)*

        #[cfg(test)]
        mod tests {
            /// axum refuses conflicting routes when a router is built, so
            /// building one proves the route table of this API is sound.
            #[test]
            fn router_builds() {
                struct Unimplemented;
                #(#test_impls)*
                let _ = super::router(Unimplemented);
            }
        }
    }
}

/// Only what this API's operations use, so that every import is used.
fn imports(api: &ApiIr) -> TokenStream {
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
    let mut helpers = vec![quote!(finish), quote!(RequestParts)];
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
        use axum::response::Response;

        #types
        use crate::runtime::server::{#(#helpers),*};
        use crate::runtime::{#auth MatrixError};
    }
}

/// The arguments an operation takes, in order: auth, path, query, body.
/// Every operation gets the credentials the request carried, whatever its
/// `security` says: servers take a token where the spec names none (an
/// application service registering its users), and the implementation decides.
fn arguments(op: &OperationIr, scope: &TokenStream) -> Vec<(proc_macro2::Ident, TokenStream)> {
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

pub(crate) fn caller_name(op: &OperationIr) -> proc_macro2::Ident {
    format_ident!("call_{}", bare_name(&op.fn_name))
}

/// A method name as part of a longer one (`call_type`, not `call_r#type`).
pub(crate) fn bare_name(fn_name: &str) -> &str {
    fn_name.trim_start_matches("r#")
}

/// The axum handler of one operation (routes shared by several operations
/// dispatch to it): reads the operation's inputs from the request, calls the
/// trait, writes the response.
fn caller(op: &OperationIr, trait_name: &str, types: &BTreeMap<String, TypeDef>) -> TokenStream {
    let name = caller_name(op);
    let method = ident(&op.fn_name);
    let trait_name = ident(trait_name);
    let auth = match op.auth {
        Auth::None | Auth::Optional { .. } => quote!(let auth = request.auth();),
        Auth::Required { .. } => quote!(let auth = request.require_auth()?;),
    };
    let check_path = (!op.path_params.is_empty()).then(|| {
        let names = op.path_params.iter().map(|p| &p.wire);
        quote!(request.check_path(&[#(#names),*])?;)
    });
    let path = op.path_params.iter().enumerate().map(|(i, p)| {
        let i = Literal::usize_unsuffixed(i);
        let field = ident(&p.ident);
        let wire = &p.wire;
        quote!(let #field = request.path(#i, #wire)?;)
    });
    let query = op.query_type.as_ref().map(|query_type| {
        let query_type = ident(query_type);
        let declared: Vec<&str> = op.query_params.iter().map(|p| p.wire.as_str()).collect();
        let fields = op
            .query_params
            .iter()
            .map(|p| query_field(p, &declared, types));
        quote!(let query = types::#query_type { #(#fields)* };)
    });
    let body = op.body.as_ref().map(|body| read_body(op, body, types));
    let args: Vec<_> = arguments(op, &TokenStream::new())
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let allow_deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let call = quote!(#trait_name::#method(service.as_ref(), #(#args),*).await?);
    let (call, respond) = call_and_respond(op, call);
    quote! {
        #allow_deprecated
        async fn #name<S: Service>(
            State(service): State<Arc<S>>,
            request: RequestParts,
        ) -> Result<Response, MatrixError> {
            #check_path
            #auth
            #(#path)*
            #query
            #body
            #call
            Ok(#respond)
        }
    }
}

/// The trait call and the response written from its result. A response with
/// no body is not bound to a variable (clippy: `let_unit_value`).
fn call_and_respond(op: &OperationIr, call: TokenStream) -> (TokenStream, TokenStream) {
    match &op.response_type {
        ResponseType::Single {
            status,
            ty,
            binary,
            headers: Some(headers),
        } => (
            quote!(let response = #call;),
            write_answer(*status, ty, *binary, headers, quote!(response)),
        ),
        ResponseType::Single {
            status,
            ty: Ty::Unit,
            ..
        } => (
            quote!(#call;),
            write_response(*status, &Ty::Unit, false, quote!()),
        ),
        ResponseType::Single {
            status, ty, binary, ..
        } => (
            quote!(let response = #call;),
            write_response(*status, ty, *binary, quote!(response)),
        ),
        ResponseType::Enum { name, variants } => {
            let name = ident(name);
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                if let Some(headers) = &v.headers {
                    let write = write_answer(v.status, &v.ty, v.binary, headers, quote!(answer));
                    return quote!(types::#name::#variant(answer) => {
                        let answer = *answer;
                        #write
                    });
                }
                match v.ty {
                    Ty::Unit => {
                        let write = write_response(v.status, &v.ty, false, quote!());
                        quote!(types::#name::#variant => #write,)
                    }
                    // Named bodies sit in a `Box` inside the enum.
                    Ty::Named(_) => {
                        let write = write_response(v.status, &v.ty, v.binary, quote!(*body));
                        quote!(types::#name::#variant(body) => #write,)
                    }
                    _ => {
                        let write = write_response(v.status, &v.ty, v.binary, quote!(body));
                        quote!(types::#name::#variant(body) => #write,)
                    }
                }
            });
            (
                quote!(let response = #call;),
                quote!(match response { #(#arms)* }),
            )
        }
    }
}

/// The statement reading a body: bytes as they are, or JSON checked against
/// the schema's rules and, for objects, refused unless it is an object.
fn read_body(op: &OperationIr, body: &BodyIr, types: &BTreeMap<String, TypeDef>) -> TokenStream {
    if body.binary {
        return quote!(let body = request.binary(););
    }
    if let (Ty::EventContentBody, Some(content_type)) = (&body.ty, &op.content_type) {
        // Typed by the event type of the path, read above.
        let event_type = ident(&content_type.ident);
        let required = body.required;
        return quote! {
            let body = crate::events::EventContent::from_parts(
                #event_type,
                serde_json::Value::Object(request.json_object(#required, &[])?),
            );
        };
    }
    let required = body.required;
    let rules = body_rules(&body.ty, types);
    let rules = quote!(&[#(#rules),*]);
    if is_object(&body.ty, types, 0) {
        quote!(let body = request.json_object(#required, #rules)?;)
    } else {
        quote!(let body = request.json(#required, #rules)?;)
    }
}

fn query_field(p: &ParamIr, declared: &[&str], types: &BTreeMap<String, TypeDef>) -> TokenStream {
    let field = ident(&p.ident);
    let wire = &p.wire;
    if p.open_ended {
        return quote!(#field: request.query_rest(&[#(#declared),*]),);
    }
    if p.repeated {
        return quote!(#field: request.query_all(#wire)?,);
    }
    if p.is_json() {
        let read = match p.encoding {
            QueryEncoding::IdOrJson => quote!(request.query_id_or_json(#wire)?),
            _ => quote!(request.query_json(#wire)?),
        };
        return if p.required {
            quote!(#field: #read.ok_or_else(|| MatrixError::missing_param(#wire))?,)
        } else {
            quote!(#field: #read,)
        };
    }
    // Open enums parse any value; the spec's list is checked here.
    if let Some(values) = enum_values(&p.ty, types) {
        let read = quote!(request.query_one_of(#wire, &[#(#values),*])?);
        return if p.required {
            quote!(#field: #read.ok_or_else(|| MatrixError::missing_param(#wire))?,)
        } else {
            quote!(#field: #read,)
        };
    }
    if p.required {
        quote!(#field: request.query_required(#wire)?,)
    } else {
        quote!(#field: request.query(#wire)?,)
    }
}

/// Writes an answer struct: its body as any answer's, then its headers.
fn write_answer(
    status: u16,
    ty: &Ty,
    binary: bool,
    headers: &Headers,
    answer: TokenStream,
) -> TokenStream {
    let mut written = write_response(status, ty, binary, quote!(#answer.body));
    for header in &headers.fields {
        let field = ident(&header.ident);
        let wire = &header.wire;
        let value = if header.required {
            quote!(Some(#answer.#field.as_str()))
        } else {
            quote!(#answer.#field.as_deref())
        };
        written = quote!(with_header(#written, #wire, #value));
    }
    written
}

fn write_response(status: u16, ty: &Ty, binary: bool, value: TokenStream) -> TokenStream {
    let status = Literal::u16_unsuffixed(status);
    match ty {
        Ty::Unit => quote!(empty_response(#status)),
        _ if binary => quote!(binary_response(#status, #value)),
        // The content alone: the caller asked for its type.
        Ty::EventContentBody => quote!(json_response(#status, &#value.content())),
        _ => quote!(json_response(#status, &#value)),
    }
}
