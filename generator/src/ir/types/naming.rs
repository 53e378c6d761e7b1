//! Unique names within one scope: types, union variants, enum variants.

use std::collections::BTreeSet;

use crate::names::variant_ident;

/// Titles that say what a schema is made of, not what it is.
pub(super) const GENERIC_TITLES: &[&str] = &[
    "body", "request", "response", "data", "object", "content", "value", "item", "result",
];

/// `wanted` (`Value` if empty), numbered (`Name2`) if taken; marked as taken.
pub(super) fn unique(used: &mut BTreeSet<String>, wanted: &str) -> String {
    numbered(used, if wanted.is_empty() { "Value" } else { wanted }, "")
}

/// An open enum's variants: each value with its Rust name, none of them
/// `Other`, which holds the values the spec does not list.
pub(super) fn enum_variants(values: &[String]) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    seen.insert("Other".to_owned());
    values
        .iter()
        .map(|value| (unique(&mut seen, &variant_ident(value)), value.clone()))
        .collect()
}

/// `wanted`, or `wanted` numbered (`Name2`, `field_2`) if taken; marked as taken.
fn numbered(used: &mut BTreeSet<String>, wanted: &str, separator: &str) -> String {
    let mut name = wanted.to_owned();
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{wanted}{separator}{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}
