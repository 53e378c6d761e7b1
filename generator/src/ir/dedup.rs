//! One type for one shape. The spec repeats shapes inline (the push-rule
//! `kind` enum of seven operations, the client event in six answers): each
//! inline copy was given a name from its position. Types whose definitions
//! are equal (field names, types and requiredness, enum values; the type's
//! own docs aside, field docs as [`shape`] says) become one, so that code
//! written for one takes the other:
//!
//! * a copy of a component, or of a schema with a `title`, takes that name;
//! * copies of a place inside such a type take that place's name
//!   (`ClientEventUnsigned`), so that the copies of the type then match it;
//! * other copies of one another take the name their names share (`GetPushRuleKind`,
//!   `SetPushRuleKind` -> `PushRuleKind`; see [`shared_name`]), and stay
//!   apart when they share none worth the name;
//! * two such chosen names are never merged: each is a name the spec gave.
//!
//! Merging can make more definitions equal (two structs that differed only in
//! which copy they named), so it repeats until nothing changes.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Def, Ty, TypeDef, TypeGraph};
use super::OperationIr;

/// Merges equal definitions in `graph.defs` and renames their uses in `operations`.
pub(super) fn merge_equal_types<'o>(
    graph: &mut TypeGraph,
    operations: impl Iterator<Item = &'o mut OperationIr>,
) {
    let chosen = graph.chosen_names();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let merged = merge_round(graph, &chosen);
        if merged.is_empty() {
            break;
        }
        for def in graph.defs.values_mut() {
            def.def.tys_mut(|ty| rename(ty, &merged));
        }
        for target in renames.values_mut() {
            if let Some(next) = merged.get(target) {
                target.clone_from(next);
            }
        }
        renames.extend(merged);
    }
    if renames.is_empty() {
        return;
    }
    for op in operations {
        op.rename_types(&renames);
    }
}

/// One round: merges copies into the chosen types (and places) they equal,
/// field docs included; when none is left, merges copies of one another
/// that differ only in how their fields are described, under the name
/// their names share. Returns the new names of the merged copies.
fn merge_round(graph: &mut TypeGraph, chosen: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut merged = BTreeMap::new();
    for names in groups(graph, true) {
        let (named, copies): (Vec<String>, Vec<String>) =
            names.into_iter().partition(|n| chosen.contains(n));
        let anchored = copies.iter().find(|copy| within_chosen(copy, chosen));
        if let Some(target) = named.first().or(anchored).cloned() {
            merge(graph, &copies, &target, &mut merged);
        }
    }
    if !merged.is_empty() {
        return merged;
    }
    for names in groups(graph, false) {
        let copies: Vec<String> = names.into_iter().filter(|n| !chosen.contains(n)).collect();
        if copies.len() < 2 {
            continue;
        }
        if let Some(target) = shared_name(graph, &copies) {
            merge(graph, &copies, &target, &mut merged);
        }
    }
    merged
}

/// The names of the definitions that share a shape, in groups of two or more.
fn groups(graph: &TypeGraph, field_docs: bool) -> Vec<Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, def) in &graph.defs {
        if let Some(shape) = shape(def, field_docs) {
            groups.entry(shape).or_default().push(name.clone());
        }
    }
    groups
        .into_values()
        .filter(|names| names.len() > 1)
        .collect()
}

/// Moves `copies` under `target` (defined by the first copy if it is a new name).
fn merge(
    graph: &mut TypeGraph,
    copies: &[String],
    target: &str,
    merged: &mut BTreeMap<String, String>,
) {
    let docs = copies
        .iter()
        .find_map(|n| graph.defs.get(n).and_then(|d| d.docs.clone()));
    for copy in copies.iter().filter(|copy| *copy != target) {
        if let Some(def) = graph.defs.remove(copy) {
            graph.defs.entry(target.to_owned()).or_insert(TypeDef {
                name: target.to_owned(),
                docs: docs.clone(),
                def: def.def,
            });
        }
        merged.insert(copy.clone(), target.to_owned());
    }
}

/// Whether `name` is a place inside a chosen type (`ClientEventUnsigned`, the
/// `unsigned` of `ClientEvent`): the copies of that place take its name, and
/// then the copies of the type itself become equal to it and take its name.
fn within_chosen(name: &str, chosen: &BTreeSet<String>) -> bool {
    chosen.iter().any(|owner| {
        name.strip_prefix(owner.as_str())
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// What two definitions must share to be one type: everything but the name
/// and the type's own docs, and, with `field_docs`, the fields' docs too.
/// Inline copies of one schema describe their fields alike, while two
/// unrelated objects that happen to hold one boolean (`{"enabled": ..}` of a
/// push rule and of a capability) do not: a copy is merged into a chosen
/// type only with equal field docs. Copies merged under a shared name may
/// word their fields differently (the `chunk` of the three relations
/// answers). Aliases are names on purpose and stay.
fn shape(def: &TypeDef, field_docs: bool) -> Option<String> {
    match &def.def {
        Def::Alias(_) => None,
        Def::Struct { fields, extra } => {
            let fields: Vec<_> = fields
                .iter()
                .map(|f| {
                    let docs = if field_docs { f.docs.as_deref() } else { None };
                    (&f.wire, &f.ty, f.required, f.boxed, docs)
                })
                .collect();
            Some(format!("struct {fields:?} {extra:?}"))
        }
        Def::Enum { variants } => Some(format!("enum {variants:?}")),
        Def::Union { variants } => Some(format!("union {variants:?}")),
    }
}

/// The name a group of copies goes by, if they have one a person would
/// choose: the words all their names have, in order (`GetPushRuleKind`,
/// `SetPushRuleActionsKind` -> `PushRuleKind`; `ReportRoomRequest`,
/// `ReportUserRequest` -> `ReportRequest`), when that is two words or more
/// and does not start with a joining word (`FromAccountRequest` says
/// nothing). Copies without such a name stay apart: `GetAdminLockUserResponse`
/// and `SetAdminLockUserRequest` are one shape, but not one thing.
fn shared_name(graph: &mut TypeGraph, copies: &[String]) -> Option<String> {
    let mut words: Vec<&str> = camel_words(&copies[0]);
    for other in &copies[1..] {
        words = common_words(&words, &camel_words(other));
    }
    let joining = [
        "From", "To", "By", "With", "For", "Of", "In", "On", "At", "And", "Or",
    ];
    let enough = words.len() >= 2;
    // `GetRoomSummaryRoomIdOrAlias`, `JoinRoomRoomIdOrAlias` -> `RoomIdOrAlias`.
    words.dedup();
    let name = words.concat();
    if !enough
        || words.is_empty()
        || joining.contains(&words[0])
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return None;
    }
    (copies.contains(&name) || graph.reserve_exact(&name)).then_some(name)
}

/// The longest run of words both lists have in the same order (not
/// necessarily side by side).
fn common_words<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    // lengths[i][j]: the longest common sequence of a[i..] and b[j..].
    let mut lengths = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i]);
            (i, j) = (i + 1, j + 1);
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `GetPushRuleKind` -> `["Get", "Push", "Rule", "Kind"]`; digits stay with
/// the word before them (`Response200`).
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

pub(super) fn rename(ty: &mut Ty, renames: &BTreeMap<String, String>) {
    match ty {
        Ty::Named(name) => {
            if let Some(target) = renames.get(name) {
                name.clone_from(target);
            }
        }
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Lenient(inner) => {
            rename(inner, renames);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{camel_words, common_words};

    #[test]
    fn copies_share_the_words_all_their_names_have() {
        let kind = common_words(
            &camel_words("GetPushRuleKind"),
            &camel_words("SetPushRuleActionsKind"),
        );
        assert_eq!(kind.concat(), "PushRuleKind");
        let report = common_words(
            &camel_words("ReportRoomRequest"),
            &camel_words("ReportUserRequest"),
        );
        assert_eq!(report.concat(), "ReportRequest");
        assert!(common_words(&camel_words("GetLock"), &camel_words("SetState")).is_empty());
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(
            camel_words("GetPushRuleKind"),
            ["Get", "Push", "Rule", "Kind"]
        );
        assert_eq!(camel_words("Response200"), ["Response200"]);
        assert_eq!(camel_words("A"), ["A"]);
    }
}
