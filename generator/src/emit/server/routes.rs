//! The route table: one handler per method and path, registered under
//! every path that reaches it (aliases, empty trailing parameters).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{bare_name, caller_name};
use crate::emit::ident;
use crate::ir::{ApiIr, OperationIr};
use crate::model::Discriminator;
use crate::routes::Segment;

/// `/rooms/{roomId}/kick` -> `/rooms/{p0}/kick`.
fn axum_path(path: &str) -> String {
    // Templates were checked by `crate::routes` when the spec was read.
    let Ok(segments) = crate::routes::parse(path) else {
        return path.to_owned();
    };
    let mut index = 0;
    let mut out = String::with_capacity(path.len());
    for segment in segments {
        out.push('/');
        match segment {
            Segment::Literal(text) => out.push_str(&text),
            Segment::Param(_) => {
                out.push_str(&format!("{{p{index}}}"));
                index += 1;
            }
        }
    }
    out
}

/// One handler per method and path, and the `.route(...)` calls registering them.
pub fn routes(api: &ApiIr) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut by_route: BTreeMap<(String, String), Vec<&OperationIr>> = BTreeMap::new();
    for op in api.areas.iter().flat_map(|a| &a.operations) {
        by_route
            // By the route axum sees, so `/h/{x}` and `/h/{y}` share one handler.
            .entry((axum_path(&op.path), op.method.clone()))
            .or_default()
            .push(op);
    }
    let mut handlers = Vec::new();
    // Path (as axum sees it) -> method -> handler.
    let mut registrations: BTreeMap<String, BTreeMap<String, proc_macro2::Ident>> = BTreeMap::new();
    for ((path, method), ops) in &by_route {
        // An operation alone on its route is its own handler.
        let handler = match ops.as_slice() {
            [one] => caller_name(one),
            several => {
                let names: Vec<&str> = several.iter().map(|o| bare_name(&o.fn_name)).collect();
                let handler = format_ident!("route_{}", names.join("_or_"));
                handlers.push(dispatcher(&handler, several));
                handler
            }
        };
        let mut paths = vec![axum_path(path)];
        for op in ops {
            paths.extend(op.aliases.iter().map(|a| axum_path(a)));
        }
        for p in paths {
            registrations
                .entry(p)
                .or_default()
                .insert(method.clone(), handler.clone());
        }
    }
    // A trailing parameter may be empty (`/state/m.room.topic/` for an empty
    // state key); the matcher never matches an empty segment, so such paths
    // get a route of their own, unless the spec declares that path itself.
    let empty_tails: Vec<(String, String, proc_macro2::Ident)> = registrations
        .iter()
        .filter(|(path, _)| path.ends_with('}'))
        .flat_map(|(path, methods)| {
            let tail = path[..=path.rfind('/').unwrap_or(0)].to_owned();
            methods
                .iter()
                .map(move |(method, handler)| (tail.clone(), method.clone(), handler.clone()))
        })
        .collect();
    for (tail, method, handler) in empty_tails {
        registrations
            .entry(tail)
            .or_default()
            .entry(method)
            .or_insert(handler);
    }
    let registrations = registrations
        .into_iter()
        .map(|(path, methods)| {
            let mut chain = methods.into_iter().map(|(method, handler)| {
                let method = ident(&method);
                quote!(#method(#handler::<S>))
            });
            let first = chain.next().expect("a route has a method");
            let rest = chain.map(|c| quote!(.#c));
            quote!(.route(#path, axum::routing::#first #(#rest)*))
        })
        .collect();
    (handlers, registrations)
}

/// The handler of a route several operations share: it hands the request
/// to the one it is for.
fn dispatcher(handler: &proc_macro2::Ident, ops: &[&OperationIr]) -> TokenStream {
    let call = dispatch(ops);
    quote! {
        async fn #handler<S: Service>(
            service: State<Arc<S>>,
            request: RequestParts,
        ) -> Result<Response, MatrixError> {
            #call
        }
    }
}

/// The call for a route several operations share: they are told apart by
/// their discriminators, the fallback (or else the first) taking the rest.
fn dispatch(ops: &[&OperationIr]) -> TokenStream {
    let call = |op: &OperationIr| {
        let caller = caller_name(op);
        quote!(#caller(service, request).await)
    };
    let mut branches = Vec::new();
    let mut fallback = None;
    for op in ops {
        match &op.discriminator {
            Some(Discriminator::BodyFields(fields)) => {
                let c = call(op);
                branches.push(quote!(if request.has_body_fields(&[#(#fields),*]) { #c }));
            }
            Some(Discriminator::QueryParam(name)) => {
                let c = call(op);
                branches.push(quote!(if request.has_query(#name) { #c }));
            }
            Some(Discriminator::Fallback) | None => fallback = Some(call(op)),
        }
    }
    let last = fallback.unwrap_or_else(|| call(ops[0]));
    quote!(#(#branches else)* { #last })
}
