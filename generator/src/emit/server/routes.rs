//! The route table: one handler per method and path, registered under
//! every path that reaches it (aliases, empty trailing parameters).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{bare_name, caller_name};
use crate::emit::{gates, ident};
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

/// An operation and the feature of its area.
type Gated<'a> = (&'a OperationIr, &'a str);

/// A route's handler and the features any of which compiles it.
#[derive(Clone)]
struct Handler {
    name: proc_macro2::Ident,
    features: Vec<String>,
}

/// One handler per method and path, and the statements registering them
/// (`let router = router.route(...);`, each under its features).
pub fn routes(api: &ApiIr) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut by_route: BTreeMap<(String, String), Vec<Gated>> = BTreeMap::new();
    for area in &api.areas {
        for op in &area.operations {
            by_route
                // By the route axum sees, so `/h/{x}` and `/h/{y}` share one handler.
                .entry((axum_path(&op.path), op.method.clone()))
                .or_default()
                .push((op, area.feature.as_str()));
        }
    }
    let mut handlers = Vec::new();
    let mut registrations = Registrations::new();
    for ((path, method), ops) in &by_route {
        let mut features: Vec<String> = ops.iter().map(|(_, f)| (*f).to_owned()).collect();
        features.sort();
        features.dedup();
        // An operation alone on its route is its own handler.
        let name = match ops.as_slice() {
            [(one, _)] => caller_name(one),
            several => {
                let names: Vec<&str> = several.iter().map(|(o, _)| bare_name(&o.fn_name)).collect();
                let handler = format_ident!("route_{}", names.join("_or_"));
                let gate = gates::any_of(features.iter().map(String::as_str));
                let dispatcher = dispatcher(&handler, several, features.len() > 1);
                handlers.push(quote!(#gate #dispatcher));
                handler
            }
        };
        let handler = Handler { name, features };
        let mut paths = vec![axum_path(path)];
        for (op, _) in ops {
            paths.extend(op.aliases.iter().map(|a| axum_path(a)));
        }
        for p in paths {
            registrations
                .entry(p)
                .or_default()
                .insert(method.clone(), handler.clone());
        }
    }
    add_empty_tails(&mut registrations);
    (handlers, statements(registrations))
}

/// Path (as axum sees it) -> method -> handler.
type Registrations = BTreeMap<String, BTreeMap<String, Handler>>;

/// A trailing parameter may be empty (`/state/m.room.topic/` for an empty
/// state key); the matcher never matches an empty segment, so such paths
/// get a route of their own, unless the spec declares that path itself.
fn add_empty_tails(registrations: &mut Registrations) {
    let empty_tails: Vec<(String, String, Handler)> = registrations
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
}

/// The statements registering the handlers. A path's methods under the same
/// features share a statement; axum merges the methods of one path
/// registered in several.
fn statements(registrations: Registrations) -> Vec<TokenStream> {
    registrations
        .into_iter()
        .flat_map(|(path, methods)| {
            let mut by_features: BTreeMap<Vec<String>, Vec<(String, proc_macro2::Ident)>> =
                BTreeMap::new();
            for (method, handler) in methods {
                by_features
                    .entry(handler.features)
                    .or_default()
                    .push((method, handler.name));
            }
            by_features.into_iter().map(move |(features, methods)| {
                let gate = gates::any_of(features.iter().map(String::as_str));
                let mut chain = methods.into_iter().map(|(method, handler)| {
                    let method = ident(&method);
                    quote!(#method(#handler::<S> as Handler<S>))
                });
                let first = chain.next().expect("a route has a method");
                let rest = chain.map(|c| quote!(.#c));
                quote! {
                    #gate
                    let router = router.route(#path, axum::routing::#first #(#rest)*);
                }
            })
        })
        .collect()
}

/// The handler of a route several operations share: it hands the request
/// to the one it is for.
fn dispatcher(handler: &proc_macro2::Ident, ops: &[Gated], gated: bool) -> TokenStream {
    let call = if gated {
        gated_dispatch(ops)
    } else {
        dispatch(&ops.iter().map(|(op, _)| *op).collect::<Vec<_>>())
    };
    quote! {
        fn #handler<S: Service>(service: State<Arc<S>>, request: RequestParts) -> Reply {
            #call
        }
    }
}

/// The call for a route several operations share: they are told apart by
/// their discriminators, the fallback (or else the first) taking the rest.
fn dispatch(ops: &[&OperationIr]) -> TokenStream {
    let mut branches = Vec::new();
    let mut fallback = None;
    for op in ops {
        let call = call(op);
        match condition(op) {
            Some(condition) => branches.push(quote!(if #condition { #call })),
            None => fallback = Some(call),
        }
    }
    let last = fallback.unwrap_or_else(|| call(ops[0]));
    quote!(#(#branches else)* { #last })
}

/// The call for a route shared by operations of different areas: each
/// branch is compiled with its operation's area, and without the fallback's
/// the rest answer as an unknown endpoint.
fn gated_dispatch(ops: &[Gated]) -> TokenStream {
    let mut branches = Vec::new();
    let mut fallback = None;
    for &(op, feature) in ops {
        let call = call(op);
        match condition(op) {
            Some(condition) => branches.push(quote! {
                #[cfg(feature = #feature)]
                if #condition {
                    return #call;
                }
            }),
            None => fallback = Some((call, feature)),
        }
    }
    let (last, feature) = fallback.unwrap_or_else(|| (call(ops[0].0), ops[0].1));
    quote! {
        #(#branches)*
        #[cfg(feature = #feature)]
        return #last;
        #[cfg(not(feature = #feature))]
        return Box::pin(std::future::ready(Err(MatrixError::unrecognized())));
    }
}

/// What tells an operation's requests apart on a shared route; `None` for
/// the fallback.
fn condition(op: &OperationIr) -> Option<TokenStream> {
    match &op.discriminator {
        Some(Discriminator::BodyFields(fields)) => {
            Some(quote!(request.has_body_fields(&[#(#fields),*])))
        }
        Some(Discriminator::QueryParam(name)) => Some(quote!(request.has_query(#name))),
        Some(Discriminator::Fallback) | None => None,
    }
}

fn call(op: &OperationIr) -> TokenStream {
    let caller = caller_name(op);
    quote!(#caller(service, request))
}
