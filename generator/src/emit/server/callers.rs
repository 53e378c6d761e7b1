//! The axum handlers of `server.rs`, one per operation: each reads the
//! operation's inputs from the request, calls its trait method and writes
//! the answer.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::rules::{body_rules, enum_values, is_object};
use super::traits::arguments;
use crate::emit::ident;
use crate::ir::types::{Ty, TypeDef};
use crate::ir::{Auth, BodyIr, Headers, OperationIr, ParamIr, QueryEncoding, ResponseType};

pub(super) fn caller_name(op: &OperationIr) -> proc_macro2::Ident {
    format_ident!("call_{}", bare_name(&op.fn_name))
}

/// A method name as part of a longer one (`call_type`, not `call_r#type`).
pub(super) fn bare_name(fn_name: &str) -> &str {
    fn_name.trim_start_matches("r#")
}

/// The axum handler of one operation (routes shared by several operations
/// dispatch to it): reads the operation's inputs from the request, calls the
/// trait, writes the response. A plain function returning a boxed future,
/// so that every route's handler has the runtime's one `Handler` type.
pub(super) fn caller(
    op: &OperationIr,
    trait_name: &str,
    types: &BTreeMap<String, TypeDef>,
) -> TokenStream {
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
        fn #name<S: Service>(State(service): State<Arc<S>>, request: RequestParts) -> Reply {
            Box::pin(async move {
                #check_path
                #auth
                #(#path)*
                #query
                #body
                #call
                Ok(#respond)
            })
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
