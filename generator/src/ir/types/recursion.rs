//! Fields whose type contains their own struct, which must be boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::{Def, Ty, TypeDef, TypeGraph};

impl TypeGraph<'_> {
    /// Marks the fields whose type contains their own struct, which must be boxed.
    pub fn box_recursive_fields(&mut self) {
        let contains: BTreeMap<String, BTreeSet<String>> = self
            .defs
            .iter()
            .map(|(name, def)| (name.clone(), direct_members(&def.def)))
            .collect();
        let reaches = |from: &str, target: &str| -> bool {
            let mut stack = vec![from.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(next) = stack.pop() {
                if next == target {
                    return true;
                }
                if seen.insert(next.clone()) {
                    stack.extend(contains.get(&next).into_iter().flatten().cloned());
                }
            }
            false
        };
        let mut to_box = Vec::new();
        for (name, def) in &self.defs {
            if let Def::Struct { fields, .. } = &def.def {
                for (i, field) in fields.iter().enumerate() {
                    if let Some(member) = by_value_named(&field.ty) {
                        if reaches(member, name) {
                            to_box.push((name.clone(), i));
                        }
                    }
                }
            }
        }
        for (name, i) in to_box {
            if let Some(TypeDef {
                def: Def::Struct { fields, .. },
                ..
            }) = self.defs.get_mut(&name)
            {
                fields[i].boxed = true;
            }
        }
    }
}

/// Named types a definition holds by value (not behind `Vec` or a map).
fn direct_members(def: &Def) -> BTreeSet<String> {
    let tys: Vec<&Ty> = match def {
        Def::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
        Def::Union { variants } => variants.iter().map(|(_, t)| t).collect(),
        Def::Alias(ty) => vec![ty],
        Def::Enum { .. } => Vec::new(),
    };
    tys.into_iter()
        .filter_map(by_value_named)
        .map(str::to_owned)
        .collect()
}

fn by_value_named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(name) => Some(name),
        Ty::Option(inner) => by_value_named(inner),
        _ => None,
    }
}
