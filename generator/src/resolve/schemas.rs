//! Schemas met through a `$ref`: each target is resolved once into the
//! API's component table under a name of its own, and every ref to it
//! becomes `#/components/schemas/<Name>`.

use std::path::Path;
use std::sync::Arc;

use indexmap::IndexMap;

use super::{Resolver, Role, Target};
use crate::diag::Result;
use crate::names::pascal_case;
use crate::node::{parse_pointer, Node, Origin, Value};

/// Keys that may sit beside a schema `$ref` without changing the referenced type.
const DOC_ONLY_SIBLINGS: &[&str] = &[
    "description",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

impl Resolver<'_> {
    pub(super) fn schema_ref(
        &mut self,
        node: &Node,
        target: Target,
        target_node: &Node,
        siblings: IndexMap<String, Node>,
    ) -> Result<Node> {
        let target_file = target.0.clone();
        let name = self.intern_schema(target, target_node)?;
        let reference = component_ref(&name, &node.origin);
        if siblings.is_empty() {
            return Ok(reference);
        }
        let doc_only = siblings
            .keys()
            .all(|k| DOC_ONLY_SIBLINGS.contains(&k.as_str()) || k.starts_with("x-"));
        self.sibling_bases.push(Some(target_file));
        let overlaid = self.schema_overlay(node, &name, reference, &siblings, doc_only);
        self.sibling_bases.pop();
        overlaid
    }

    fn schema_overlay(
        &mut self,
        node: &Node,
        name: &str,
        reference: Node,
        siblings: &IndexMap<String, Node>,
        doc_only: bool,
    ) -> Result<Node> {
        match self.schemas.get(name) {
            Some(body) if !doc_only => {
                let body = body.clone();
                self.overlay(body, siblings, node, Role::Schema)
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
                self.overlay(wrapper, siblings, node, Role::Schema)
            }
        }
    }

    /// Gives a schema target its component name, resolving it the first time.
    pub(super) fn intern_schema(&mut self, target: Target, target_node: &Node) -> Result<String> {
        if let Some(name) = self.names.get(&target) {
            return Ok(name.clone());
        }
        let name = self.unique_name(&target, target_node);
        self.names.insert(target, name.clone());
        self.used_names.insert(name.clone());
        // Registered before resolving, so refs back to it (recursion) find the name.
        self.sibling_bases.push(None);
        let resolved = self.resolve(target_node, Role::Schema);
        self.sibling_bases.pop();
        let resolved = resolved?;
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
