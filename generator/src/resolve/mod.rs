//! Phase 2: resolve every `$ref` of one API.
//!
//! The result is one tree per root document in which nothing points at another
//! file. Refs are handled by what they stand in for:
//!
//! * A ref in schema position becomes `#/components/schemas/<Name>`, and the
//!   target schema is resolved once into the API's component table. Shared and
//!   recursive schemas therefore stay one named type, and a schema that refers
//!   to itself is a recursive type rather than an endless expansion.
//! * Any other ref (parameters, responses, `securityDefinitions`, headers,
//!   examples, data inside examples, ...) is replaced by a copy of its target.
//! * Keys written beside a `$ref` are laid over the target and win (the rule
//!   Matrix's own build applies). In schema position, siblings that only
//!   document (`description`, examples, `x-*`) wrap the named ref in a one-member
//!   `allOf`, so the type keeps its name; siblings that change the shape produce
//!   an overlaid copy.
//!
//! Chains of refs are followed; a chain that returns to where it started
//! without reaching a value is an error, as is a ref that leaves the allowed root.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use indexmap::IndexMap;

mod budget;
mod locate;
mod schemas;

pub use budget::Budget;

use crate::diag::{Diagnostic, Result, Warnings};
use crate::load::Loader;
use crate::node::{escape_token, Node, Value};
use locate::Unresolved;

/// A ref target: the canonical file and the pointer inside it.
type Target = (PathBuf, String);

/// What the node being walked stands for, which decides how a `$ref` in it is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Spec structure: operations, parameters, responses, ...
    Structure,
    Schema,
    /// A map whose values are schemas (`properties`, `definitions`, ...).
    SchemaMap,
    /// A list whose items are schemas (`allOf`, tuple `items`, ...).
    SchemaList,
    /// Example values and other plain data.
    Data,
}

impl Role {
    fn child(self, key: &str, child: &Node) -> Role {
        match self {
            Role::Structure => match key {
                "schema" | "items" | "additionalProperties" => Role::Schema,
                "definitions" | "schemas" => Role::SchemaMap,
                "example" | "examples" | "x-example" | "default" | "enum" => Role::Data,
                _ => Role::Structure,
            },
            Role::Schema => match key {
                "properties" | "patternProperties" | "definitions" | "$defs" => Role::SchemaMap,
                "allOf" | "oneOf" | "anyOf" | "prefixItems" => Role::SchemaList,
                "items" if child.as_seq().is_some() => Role::SchemaList,
                "items"
                | "additionalProperties"
                | "not"
                | "additionalItems"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else" => Role::Schema,
                // A misplaced `schema:` inside a schema still holds a schema.
                "schema" => Role::Schema,
                _ => Role::Data,
            },
            Role::SchemaMap | Role::SchemaList => Role::Schema,
            Role::Data => Role::Data,
        }
    }
}

/// The resolved form of one API.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Each root document with its refs resolved, in discovery order.
    pub roots: Vec<Node>,
    /// Named schemas, sorted by name.
    pub schemas: BTreeMap<String, Node>,
}

pub struct Resolver<'a> {
    loader: &'a mut Loader,
    budget: &'a mut Budget,
    warnings: &'a mut Warnings,
    /// A schema `$ref` to nothing reads as an empty schema (with a warning).
    allow_missing_refs: bool,
    /// For each open expansion: the target file whose siblings are being
    /// resolved (`Some`), or a target's own content (`None`). See [`locate`].
    sibling_bases: Vec<Option<PathBuf>>,
    /// How many `resolve` calls are open: the depth of the current node,
    /// counting the documents entered through `$ref`s.
    depth: usize,
    names: BTreeMap<Target, String>,
    used_names: BTreeSet<String>,
    schemas: BTreeMap<String, Node>,
    /// Non-schema refs being expanded, to catch loops.
    expanding: Vec<Target>,
}

/// Resolves the refs of every root of one API.
pub fn resolve_api(
    loader: &mut Loader,
    roots: &[&Node],
    budget: &mut Budget,
    warnings: &mut Warnings,
    allow_missing_refs: bool,
) -> Result<Resolved> {
    let mut resolver = Resolver {
        loader,
        budget,
        warnings,
        allow_missing_refs,
        sibling_bases: Vec::new(),
        depth: 0,
        names: BTreeMap::new(),
        used_names: BTreeSet::new(),
        schemas: BTreeMap::new(),
        expanding: Vec::new(),
    };
    let mut resolved = Vec::with_capacity(roots.len());
    for root in roots {
        resolved.push(resolver.resolve_root(root)?);
    }
    Ok(Resolved {
        roots: resolved,
        schemas: resolver.schemas,
    })
}

impl Resolver<'_> {
    /// A root's own named schemas (`definitions`, `components/schemas`) become
    /// components under their own names; the rest is resolved in place.
    fn resolve_root(&mut self, root: &Node) -> Result<Node> {
        let file = root.origin.file.path.clone();
        for (container, pointer) in [
            (root.get("definitions"), "/definitions"),
            (
                root.get("components").and_then(|c| c.get("schemas")),
                "/components/schemas",
            ),
        ] {
            let Some(entries) = container.and_then(Node::as_map) else {
                continue;
            };
            for (name, schema) in entries {
                let target = (file.clone(), format!("{pointer}/{}", escape_token(name)));
                self.intern_schema(target, schema)?;
            }
        }
        let Some(entries) = root.as_map() else {
            return Err(Box::new(Diagnostic::error(
                format!("an API document must be a map, found {}", root.kind()),
                &root.origin,
            )));
        };
        let mut out = IndexMap::new();
        for (key, value) in entries {
            if key == "definitions" {
                continue;
            }
            let resolved = if key == "components" {
                self.resolve_components(value)?
            } else {
                self.resolve(value, Role::Structure)?
            };
            out.insert(key.clone(), resolved);
        }
        Ok(Node::new(Value::Map(out), root.origin.clone()))
    }

    fn resolve_components(&mut self, components: &Node) -> Result<Node> {
        let Some(entries) = components.as_map() else {
            return self.resolve(components, Role::Structure);
        };
        let mut out = IndexMap::new();
        for (key, value) in entries {
            if key != "schemas" {
                out.insert(key.clone(), self.resolve(value, Role::Structure)?);
            }
        }
        Ok(Node::new(Value::Map(out), components.origin.clone()))
    }

    fn resolve(&mut self, node: &Node, role: Role) -> Result<Node> {
        self.depth += 1;
        let resolved = self
            .budget
            .spend(self.depth, node)
            .and_then(|()| self.resolve_value(node, role));
        self.depth -= 1;
        resolved
    }

    fn resolve_value(&mut self, node: &Node, role: Role) -> Result<Node> {
        match &node.value {
            Value::Map(entries) => {
                if let Some(reference) = entries.get("$ref") {
                    // In data, a `$ref` key is only a ref when its value is a string.
                    if reference.as_str().is_some() {
                        return self.resolve_ref(node, reference, role);
                    }
                }
                let mut out = IndexMap::with_capacity(entries.len());
                for (key, value) in entries {
                    out.insert(key.clone(), self.resolve(value, role.child(key, value))?);
                }
                Ok(Node::new(Value::Map(out), node.origin.clone()))
            }
            Value::Seq(items) => {
                let item_role = match role {
                    Role::SchemaList => Role::Schema,
                    other => other,
                };
                let items = items
                    .iter()
                    .map(|item| self.resolve(item, item_role))
                    .collect::<Result<_>>()?;
                Ok(Node::new(Value::Seq(items), node.origin.clone()))
            }
            _ => Ok(node.clone()),
        }
    }

    fn resolve_ref(&mut self, node: &Node, reference: &Node, role: Role) -> Result<Node> {
        let siblings: IndexMap<String, Node> = node
            .as_map()
            .into_iter()
            .flatten()
            .filter(|(k, _)| *k != "$ref")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let (target, located) = match self.follow(reference) {
            Ok(found) => found,
            Err(unresolved) => return self.unresolved(node, unresolved, role),
        };
        let target_node = located.node();
        if role == Role::Schema {
            return self.schema_ref(node, target, target_node, siblings);
        }
        if self.expanding.contains(&target) {
            return Err(Box::new(
                Diagnostic::error(
                    "this `$ref` loops back to a document that is still being expanded",
                    &reference.origin,
                )
                .with_related("the loop comes back here", &target_node.origin)
                .with_help("only schemas may refer to themselves"),
            ));
        }
        let target_file = target.0.clone();
        self.expanding.push(target);
        self.sibling_bases.push(None);
        let expanded = self.resolve(target_node, role);
        self.sibling_bases.pop();
        self.expanding.pop();
        let expanded = expanded?;
        self.sibling_bases.push(Some(target_file));
        let overlaid = self.overlay(expanded, &siblings, node, role);
        self.sibling_bases.pop();
        overlaid
    }

    /// A ref to nothing. Example data stays as written: examples are data,
    /// and the spec's own build published them as they were. A schema is an
    /// error unless `--allow-missing-refs` reads it as the empty schema.
    fn unresolved(&mut self, node: &Node, unresolved: Unresolved, role: Role) -> Result<Node> {
        let reading = match role {
            _ if !unresolved.missing => None,
            Role::Data => Some("the example keeps the `$ref` as written"),
            Role::Schema if self.allow_missing_refs => {
                Some("read as the empty schema, as `--allow-missing-refs` asks")
            }
            _ => None,
        };
        let Some(reading) = reading else {
            return Err(unresolved.diagnostic);
        };
        let mut warning = *unresolved.diagnostic;
        warning.severity = crate::diag::Severity::Warning;
        warning.message = format!("{}; {reading}", warning.message);
        self.warnings.push(warning);
        Ok(match role {
            Role::Data => node.clone(),
            _ => Node::new(Value::Map(IndexMap::new()), node.origin.clone()),
        })
    }

    /// Lays sibling keys over a resolved target; the siblings win.
    fn overlay(
        &mut self,
        base: Node,
        siblings: &IndexMap<String, Node>,
        referrer: &Node,
        role: Role,
    ) -> Result<Node> {
        if siblings.is_empty() {
            return Ok(base);
        }
        let Value::Map(mut entries) = base.value else {
            return Err(Box::new(Diagnostic::error(
                format!(
                    "keys beside this `$ref` cannot be laid over its target, which is {}",
                    base_kind(&base.value)
                ),
                &referrer.origin,
            )));
        };
        for (key, value) in siblings {
            let resolved = self.resolve(value, role.child(key, value))?;
            entries.insert(key.clone(), resolved);
        }
        Ok(Node::new(Value::Map(entries), base.origin))
    }
}

fn base_kind(value: &Value) -> &'static str {
    match value {
        Value::Seq(_) => "a list",
        Value::Map(_) => "a map",
        _ => "a scalar",
    }
}
