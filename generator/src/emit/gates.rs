//! The `#[cfg(feature = ...)]` attributes that leave out the areas a crate
//! is built without (`ir::features` names the features and says which areas
//! reach each type).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{ApiIr, Area};

/// `#[cfg(...)]` for code any of `features` needs; nothing for no feature.
pub fn any_of<'a>(features: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let mut features: Vec<&str> = features.into_iter().collect();
    features.sort_unstable();
    features.dedup();
    match features.as_slice() {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(feature = #one)]),
        several => quote!(#[cfg(any(#(feature = #several),*))]),
    }
}

/// `#[cfg(...)]` for the code of one area.
pub fn area(area: &Area) -> TokenStream {
    any_of([area.feature.as_str()])
}

/// `#[cfg(...)]` for an API type: the areas reaching it; for a type no area
/// reaches, the `events` feature if it holds event contents, else nothing.
pub fn ty(api: &ApiIr, name: &str) -> TokenStream {
    match api.type_areas.get(name) {
        Some(areas) => any_of(areas.iter().map(|&i| api.areas[i].feature.as_str())),
        None if api.event_types.contains(name) => any_of(["events"]),
        None => TokenStream::new(),
    }
}

/// The inner attribute of a file whose imports serve the operations: a
/// build without all of the API's areas leaves some of them unused, the
/// full build none.
pub fn imports_of_areas(api: &ApiIr) -> TokenStream {
    let feature = &api.feature;
    quote!(#![cfg_attr(not(feature = #feature), allow(unused_imports))])
}
