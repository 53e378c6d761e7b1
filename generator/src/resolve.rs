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
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Result};
use crate::jail::Refusal;
use crate::load::{Loader, OpenError};
use crate::names::pascal_case;
use crate::node::{escape_token, parse_pointer, Node, Origin, Value};

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

/// Keys that may sit beside a schema `$ref` without changing the referenced type.
const DOC_ONLY_SIBLINGS: &[&str] = &[
    "description",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// The resolved form of one API.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Each root document with its refs resolved, in discovery order.
    pub roots: Vec<Node>,
    /// Named schemas, sorted by name.
    pub schemas: BTreeMap<String, Node>,
}

/// What a run may still spend on resolving (see [`crate::Limits`]).
pub struct Budget {
    max_depth: usize,
    max_nodes: usize,
    nodes: usize,
    max_time: std::time::Duration,
    deadline: std::time::Instant,
}

impl Budget {
    pub fn new(limits: &crate::Limits) -> Self {
        Budget {
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
            nodes: 0,
            max_time: limits.max_time,
            deadline: std::time::Instant::now() + limits.max_time,
        }
    }

    /// Counts one node produced at `depth`; an error, placed at `node`, once a limit is passed.
    fn spend(&mut self, depth: usize, node: &Node) -> Result<()> {
        self.nodes += 1;
        let exceeded = if depth > self.max_depth {
            Some(format!(
                "this nests deeper than {} levels, counting the `$ref`s followed to reach it",
                self.max_depth
            ))
        } else if self.nodes > self.max_nodes {
            Some(format!(
                "the spec expands to more than {} nodes, counting every copy a `$ref` makes",
                self.max_nodes
            ))
        } else if self.nodes % 4096 == 0 && std::time::Instant::now() > self.deadline {
            Some(format!(
                "resolving the spec takes longer than {} s",
                self.max_time.as_secs()
            ))
        } else {
            None
        };
        match exceeded {
            None => Ok(()),
            Some(message) => Err(Box::new(Diagnostic::error(message, &node.origin).with_help(
                "raise the limit with `--max-depth`, `--max-nodes` or `--max-seconds` if the spec is meant to be this large",
            ))),
        }
    }
}

pub struct Resolver<'a> {
    loader: &'a mut Loader,
    budget: &'a mut Budget,
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
pub fn resolve_api(loader: &mut Loader, roots: &[Node], budget: &mut Budget) -> Result<Resolved> {
    let mut resolver = Resolver {
        loader,
        budget,
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
        let (target, target_node) = self.follow(reference)?;
        if role == Role::Schema {
            return self.schema_ref(node, target, &target_node, siblings);
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
        self.expanding.push(target);
        let expanded = self.resolve(&target_node, role);
        self.expanding.pop();
        let expanded = expanded?;
        self.overlay(expanded, &siblings, node, role)
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

    fn schema_ref(
        &mut self,
        node: &Node,
        target: Target,
        target_node: &Node,
        siblings: IndexMap<String, Node>,
    ) -> Result<Node> {
        let name = self.intern_schema(target, target_node)?;
        let reference = component_ref(&name, &node.origin);
        if siblings.is_empty() {
            return Ok(reference);
        }
        let doc_only = siblings
            .keys()
            .all(|k| DOC_ONLY_SIBLINGS.contains(&k.as_str()) || k.starts_with("x-"));
        match self.schemas.get(&name) {
            Some(body) if !doc_only => {
                let body = body.clone();
                self.overlay(body, &siblings, node, Role::Schema)
            }
            // Doc-only siblings, or a recursive schema still being resolved:
            // keep the name and attach the siblings around it.
            _ => {
                let wrapper = Node::new(
                    Value::Map(IndexMap::from([(
                        "allOf".to_owned(),
                        Node::new(Value::Seq(vec![reference]), node.origin.clone()),
                    )])),
                    node.origin.clone(),
                );
                self.overlay(wrapper, &siblings, node, Role::Schema)
            }
        }
    }

    /// Gives a schema target its component name, resolving it the first time.
    fn intern_schema(&mut self, target: Target, target_node: &Node) -> Result<String> {
        if let Some(name) = self.names.get(&target) {
            return Ok(name.clone());
        }
        let name = self.unique_name(&target, target_node);
        self.names.insert(target, name.clone());
        self.used_names.insert(name.clone());
        // Registered before resolving, so refs back to it (recursion) find the name.
        let resolved = self.resolve(target_node, Role::Schema)?;
        self.schemas.insert(name.clone(), resolved);
        Ok(name)
    }

    fn unique_name(&self, (file, pointer): &Target, node: &Node) -> String {
        let tokens = parse_pointer(pointer).unwrap_or_default();
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let named_slot = matches!(
            tokens.iter().rev().nth(1).map(String::as_str),
            Some("definitions" | "schemas" | "$defs")
        );
        let short_title = node
            .get_str("title")
            .filter(|t| t.split_whitespace().count() <= 5 && !t.ends_with('.'));
        let base = match (named_slot, short_title, tokens.last()) {
            (true, _, Some(last)) => pascal_case(last),
            (false, Some(title), _) => pascal_case(title),
            (false, None, Some(last)) => pascal_case(&format!("{stem} {last}")),
            _ => pascal_case(&stem),
        };
        let base = if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            format!("Schema{base}")
        } else {
            base
        };
        if !self.used_names.contains(&base) {
            return base;
        }
        let parent = file
            .parent()
            .and_then(Path::file_name)
            .map(|p| pascal_case(&p.to_string_lossy()))
            .unwrap_or_default();
        let qualified = format!("{parent}{base}");
        if !self.used_names.contains(&qualified) {
            return qualified;
        }
        let mut n = 2;
        while self.used_names.contains(&format!("{base}{n}")) {
            n += 1;
        }
        format!("{base}{n}")
    }

    /// Follows a chain of refs to the first node that is more than a bare `$ref`.
    fn follow(&mut self, reference: &Node) -> Result<(Target, Node)> {
        let mut seen = BTreeSet::new();
        let mut current = reference.clone();
        loop {
            let target = self.target_of(&current)?;
            if !seen.insert(target.clone()) {
                return Err(Box::new(Diagnostic::error(
                    "this chain of `$ref`s loops without reaching a value",
                    &reference.origin,
                )));
            }
            let node = self.lookup(&target, &current)?;
            match node.as_map() {
                Some(m) if m.len() == 1 && m.get("$ref").is_some_and(|r| r.as_str().is_some()) => {
                    current = m["$ref"].clone();
                }
                _ => return Ok((target, node)),
            }
        }
    }

    /// Where a `$ref` string points, relative to the file it is written in.
    fn target_of(&self, reference: &Node) -> Result<Target> {
        let text = reference.as_str().unwrap_or_default();
        let (file_part, pointer) = text.split_once('#').unwrap_or((text, ""));
        let here = &reference.origin.file.path;
        let file = if file_part.is_empty() {
            here.clone()
        } else {
            let dir = here.parent().unwrap_or(Path::new("/"));
            let jail = self.loader.jail();
            let relative = percent_decode(file_part);
            jail.resolve(dir, Path::new(&relative))
                .map_err(|refusal| self.refused(text, &refusal, reference))?
        };
        let decoded = percent_decode(pointer);
        if parse_pointer(&decoded).is_none() {
            return Err(Box::new(Diagnostic::error(
                format!("`#{pointer}` is not a JSON pointer (it must start with `/`)"),
                &reference.origin,
            )));
        }
        Ok((file, decoded))
    }

    fn lookup(&mut self, (file, pointer): &Target, reference: &Node) -> Result<Node> {
        let text = reference.as_str().unwrap_or_default();
        let doc = match self.loader.document(file) {
            Ok(doc) => doc,
            Err(OpenError::Invalid(diagnostic)) => return Err(diagnostic),
            Err(OpenError::Refused(refusal)) => return Err(self.refused(text, &refusal, reference)),
        };
        let tokens = parse_pointer(pointer).unwrap_or_default();
        doc.root.pointer(&tokens).cloned().ok_or_else(|| {
            Box::new(
                Diagnostic::error(
                    format!("`#{pointer}` does not exist in {}", doc.source.display),
                    &reference.origin,
                )
                .with_related("the document it was looked up in", &doc.root.origin),
            )
        })
    }
}

impl Resolver<'_> {
    /// The error for a ref whose file the jail would not open. A ref out of
    /// the root says only that, so nothing tells whether the outside path exists.
    fn refused(&self, text: &str, refusal: &Refusal, reference: &Node) -> Box<Diagnostic> {
        let diagnostic = match refusal {
            Refusal::Outside => Diagnostic::error(
                format!(
                    "`{text}` leaves the allowed root ({})",
                    self.loader.allowed_root_shown()
                ),
                &reference.origin,
            )
            .with_help("pass `--root <dir>` to allow refs into a wider directory"),
            other => Diagnostic::error(format!("cannot open `{text}`: {other}"), &reference.origin),
        };
        Box::new(diagnostic)
    }
}

fn base_kind(value: &Value) -> &'static str {
    match value {
        Value::Seq(_) => "a list",
        Value::Map(_) => "a map",
        _ => "a scalar",
    }
}

fn component_ref(name: &str, origin: &Arc<Origin>) -> Node {
    Node::new(
        Value::Map(IndexMap::from([(
            "$ref".to_owned(),
            Node::new(
                Value::Str(format!("#/components/schemas/{name}")),
                origin.clone(),
            ),
        )])),
        origin.clone(),
    )
}

/// Pointers in URIs may percent-encode characters (`%7B` for `{`). A `%` not
/// followed by two hex digits is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| {
                Some((
                    hex_digit(*bytes.get(i + 1)?)?,
                    hex_digit(*bytes.get(i + 2)?)?,
                ))
            })
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn hex_digit(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding_never_splits_a_character() {
        assert_eq!(percent_decode("/a%7Bb%7d"), "/a{b}");
        assert_eq!(percent_decode("%xé"), "%xé");
        assert_eq!(percent_decode("%é"), "%é");
        assert_eq!(percent_decode("end%7"), "end%7");
        assert_eq!(percent_decode("%C3%A9"), "é");
        // Escapes that do not make UTF-8 are kept as written.
        assert_eq!(percent_decode("%FF"), "%FF");
    }
}
