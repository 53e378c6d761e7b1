//! `server.rs` of an API module: one trait per spec file, a `Service` trait
//! that gathers them, and `router()`, which serves an implementation with axum.
//!
//! Routes are registered with positional parameter names (`{p0}`, `{p1}`):
//! the spec names the same segment differently on different paths
//! (`{roomId}`, `{roomIdOrAlias}`), which axum's matcher would refuse.

use proc_macro2::TokenStream;
use quote::quote;

mod callers;
mod imports;
mod routes;
mod rules;
mod traits;

use super::{gates, ident};
use crate::ir::ApiIr;
use callers::{bare_name, caller, caller_name};
use imports::imports;
use routes::routes;
use traits::area_trait;

pub fn emit(api: &ApiIr) -> TokenStream {
    let imports_lint = gates::imports_of_areas(api);
    let traits = api.areas.iter().map(area_trait);
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
