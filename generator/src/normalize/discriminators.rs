//! Operations that share a method and route, told apart by their requests.

use std::collections::BTreeMap;

use super::{strings, Discriminator, RawOperation};
use crate::diag::{Diagnostic, Result};
use crate::load::Dialect;
use crate::node::Node;

/// Gives each operation on a shared method and path the rule that picks it.
pub(super) fn assign_discriminators(
    operations: &mut [RawOperation],
    schemas: &BTreeMap<String, Node>,
) -> Result<()> {
    // Keyed by shape: `/h/{x}` and `/h/{y}` are one route to the server.
    let mut routes: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, op) in operations.iter().enumerate() {
        routes
            .entry((op.method.clone(), crate::routes::shape(&op.path)))
            .or_default()
            .push(i);
    }
    for ((method, _), members) in routes.into_iter().filter(|(_, m)| m.len() > 1) {
        let path = operations[members[0]].path.clone();
        let facts: Vec<RequestFacts> = members
            .iter()
            .map(|&i| RequestFacts::of(&operations[i], schemas))
            .collect();
        let mut fallback: Option<usize> = None;
        for (k, &i) in members.iter().enumerate() {
            let others = || {
                facts
                    .iter()
                    .enumerate()
                    .filter(move |(j, _)| *j != k)
                    .map(|(_, f)| f)
            };
            let own_fields: Vec<String> = facts[k]
                .body_required
                .iter()
                .filter(|f| others().all(|o| !o.body_properties.contains(*f)))
                .cloned()
                .collect();
            let own_query = facts[k]
                .query
                .iter()
                .find(|q| others().all(|o| !o.query.contains(*q)))
                .cloned();
            let discriminator = if !own_fields.is_empty() {
                Discriminator::BodyFields(own_fields)
            } else if let Some(query) = own_query {
                Discriminator::QueryParam(query)
            } else if let Some(previous) = fallback {
                return Err(Box::new(
                    Diagnostic::error(
                        format!(
                            "`{} {path}` is declared twice and nothing in the requests tells the two apart",
                            method.to_uppercase()
                        ),
                        &operations[i].node.origin,
                    )
                    .with_related("also declared here", &operations[previous].node.origin)
                    .with_help(
                        "give one of them a required body field or a query parameter the other lacks",
                    ),
                ));
            } else {
                fallback = Some(i);
                Discriminator::Fallback
            };
            operations[i].discriminator = Some(discriminator);
        }
    }
    Ok(())
}

/// What a request to an operation must or may carry, for telling operations apart.
struct RequestFacts {
    body_required: Vec<String>,
    body_properties: Vec<String>,
    query: Vec<String>,
}

impl RequestFacts {
    fn of(op: &RawOperation, schemas: &BTreeMap<String, Node>) -> Self {
        let parameters: Vec<&Node> = op
            .path_item_parameters
            .iter()
            .chain(
                op.node
                    .get("parameters")
                    .and_then(Node::as_seq)
                    .into_iter()
                    .flatten(),
            )
            .collect();
        let query = parameters
            .iter()
            .filter(|p| p.get_str("in") == Some("query"))
            .filter_map(|p| p.get_str("name").map(str::to_owned))
            .filter(|name| name != "access_token")
            .collect();
        let body_schema = match op.dialect {
            Dialect::Swagger2 => parameters
                .iter()
                .find(|p| p.get_str("in") == Some("body"))
                .and_then(|p| p.get("schema")),
            Dialect::OpenApi31 => op
                .node
                .get("requestBody")
                .and_then(|b| b.get("content"))
                .and_then(Node::as_map)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema")),
        };
        let mut facts = RequestFacts {
            body_required: Vec::new(),
            body_properties: Vec::new(),
            query,
        };
        if let Some(schema) = body_schema {
            facts.collect_body(schema, schemas, 0);
        }
        facts
    }

    fn collect_body(&mut self, schema: &Node, schemas: &BTreeMap<String, Node>, depth: usize) {
        if depth > 16 {
            return;
        }
        if let Some(target) = schema
            .get_str("$ref")
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .and_then(|name| schemas.get(name))
        {
            return self.collect_body(target, schemas, depth + 1);
        }
        for member in schema
            .get("allOf")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
        {
            self.collect_body(member, schemas, depth + 1);
        }
        self.body_required.extend(strings(schema.get("required")));
        self.body_properties.extend(
            schema
                .get("properties")
                .and_then(Node::as_map)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone()),
        );
    }
}
