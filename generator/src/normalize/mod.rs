//! Phase 3: turn the resolved root documents of one API into one flat list of
//! operations, with the quirks of the published spec taken out:
//!
//! * `%NAME%` placeholders are substituted everywhere (an unknown one is an error);
//! * base paths (Swagger `basePath`, 3.1 `servers[0]` with variable defaults) are
//!   joined to the path keys, and path keys are trimmed (`"/rooms/{roomId}/invite "`);
//! * path items split over several files simply become operations on the same path;
//! * `x-alias` paths are attached to their operation;
//! * operations that end up on one method and path are kept apart by a
//!   [`Discriminator`] read from their requests, or rejected when none exists;
//! * every operation gets a stable id, unique within the API;
//! * security requirements are checked against the schemes of the whole API.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Result, Warnings};
use crate::load::Dialect;
use crate::names::snake_case;
use crate::node::{Node, Origin, Value};
use crate::resolve::Resolved;

mod discriminators;
mod placeholders;

use discriminators::assign_discriminators;
use placeholders::Substitution;

pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Values for `%NAME%` placeholders.
#[derive(Clone, Debug)]
pub struct Placeholders(pub BTreeMap<String, String>);

impl Default for Placeholders {
    fn default() -> Self {
        // The official spec build substituted `r0` until the placeholder was retired.
        Placeholders(BTreeMap::from([(
            "CLIENT_MAJOR_VERSION".to_owned(),
            "r0".to_owned(),
        )]))
    }
}

/// How a request is matched to one of several operations sharing a method and path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Discriminator {
    /// The JSON body has all of these top-level fields (required by this operation only).
    BodyFields(Vec<String>),
    /// The query string has this parameter (declared by this operation only).
    QueryParam(String),
    /// Nothing else matched: this operation takes the request.
    Fallback,
}

#[derive(Debug)]
pub struct RawOperation {
    pub id: String,
    /// The spec gave no `operationId`; `id` was made up here.
    pub id_derived: bool,
    pub method: String,
    /// Full path: base path joined, trimmed, placeholders substituted.
    pub path: String,
    pub aliases: Vec<String>,
    pub dialect: Dialect,
    /// The resolved operation object.
    pub node: Node,
    /// Parameters declared on the path item, shared by its operations.
    pub path_item_parameters: Vec<Node>,
    /// Defaults from the root document: `consumes`, `produces`, `security`.
    pub root_defaults: Arc<RootDefaults>,
    /// Set when other operations share this method and path.
    pub discriminator: Option<Discriminator>,
    /// The file the operation is written in, as shown to users.
    pub file: String,
}

#[derive(Debug, Default)]
pub struct RootDefaults {
    pub consumes: Vec<String>,
    pub produces: Vec<String>,
    pub security: Option<Node>,
}

#[derive(Debug)]
pub struct NormalizedApi {
    pub name: String,
    pub operations: Vec<RawOperation>,
    pub security_schemes: IndexMap<String, Node>,
    pub schemas: BTreeMap<String, Node>,
    pub dialect: Dialect,
}

/// `tree_schemes` are the security schemes of every API in the tree: an
/// operation that names a scheme its own API never declares borrows it from there.
pub fn normalize(
    name: &str,
    dialects: &[Dialect],
    resolved: Resolved,
    tree_schemes: &SecuritySchemes,
    placeholders: &Placeholders,
    warnings: &mut Warnings,
) -> Result<NormalizedApi> {
    let mut substitution = Substitution {
        placeholders,
        warnings,
        warned: BTreeSet::new(),
    };
    let Resolved {
        mut roots,
        mut schemas,
    } = resolved;
    for root in &mut roots {
        substitution.node(root)?;
    }
    for schema in schemas.values_mut() {
        substitution.node(schema)?;
    }

    let mut security_schemes = IndexMap::new();
    let mut operations = Vec::new();
    let first_paths = roots
        .first()
        .map(|root| root.get("paths").unwrap_or(root).origin.clone());
    for (root, &dialect) in roots.into_iter().zip(dialects) {
        collect_security_schemes(&root, dialect, &mut security_schemes);
        operations.extend(root_operations(root, dialect)?);
    }
    if operations.is_empty() {
        let origin = first_paths;
        let message = format!("the API `{name}` declares no operations");
        return Err(Box::new(match origin {
            Some(origin) => Diagnostic::error(message, &origin)
                .with_help("an API root needs at least one operation under `paths`"),
            None => Diagnostic::general(message),
        }));
    }
    crate::routes::check(&mut operations, warnings)?;
    resolve_security(&operations, &mut security_schemes, tree_schemes, warnings)?;
    check_unique_ids(&mut operations)?;
    assign_discriminators(&mut operations, &schemas)?;
    operations
        .sort_by(|a, b| (&a.path, method_rank(&a.method)).cmp(&(&b.path, method_rank(&b.method))));
    Ok(NormalizedApi {
        name: name.to_owned(),
        operations,
        security_schemes,
        schemas,
        dialect: dialects.first().copied().unwrap_or(Dialect::Swagger2),
    })
}

fn method_rank(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| *m == method)
        .unwrap_or(METHODS.len())
}

/// Security schemes by name, as the spec declares them.
pub type SecuritySchemes = IndexMap<String, Node>;

/// Adds the security schemes a root document declares to `into` (first declaration wins).
pub fn collect_security_schemes(root: &Node, dialect: Dialect, into: &mut SecuritySchemes) {
    let schemes = match dialect {
        Dialect::Swagger2 => root.get("securityDefinitions"),
        Dialect::OpenApi31 => root
            .get("components")
            .and_then(|c| c.get("securitySchemes")),
    };
    for (name, scheme) in schemes.and_then(Node::as_map).into_iter().flatten() {
        into.entry(name.clone()).or_insert_with(|| scheme.clone());
    }
}

/// The base path every path key of this root is relative to.
fn base_path(root: &Node, dialect: Dialect) -> String {
    let raw = match dialect {
        Dialect::Swagger2 => root.get_str("basePath").unwrap_or("").to_owned(),
        Dialect::OpenApi31 => {
            let Some(server) = root
                .get("servers")
                .and_then(Node::as_seq)
                .and_then(|s| s.first())
            else {
                return String::new();
            };
            let mut url = server.get_str("url").unwrap_or("").to_owned();
            for (name, variable) in server
                .get("variables")
                .and_then(Node::as_map)
                .into_iter()
                .flatten()
            {
                let default = variable.get_str("default").unwrap_or("");
                url = url.replace(&format!("{{{name}}}"), default);
            }
            match url.split_once("://") {
                Some((_, rest)) => rest
                    .find('/')
                    .map_or(String::new(), |i| rest[i..].to_owned()),
                None => url,
            }
        }
    };
    raw.trim().trim_end_matches('/').to_owned()
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect()
}

/// The operations of one root, moved out of it: the rest of the root is not needed again.
fn root_operations(root: Node, dialect: Dialect) -> Result<Vec<RawOperation>> {
    let base = base_path(&root, dialect);
    let defaults = Arc::new(RootDefaults {
        consumes: strings(root.get("consumes")),
        produces: strings(root.get("produces")),
        security: root.get("security").cloned(),
    });
    let mut out = Vec::new();
    let Value::Map(mut top) = root.value else {
        return Ok(out);
    };
    let Some(Value::Map(paths)) = top.swap_remove("paths").map(|paths| paths.value) else {
        return Ok(out);
    };
    for (key, item) in paths {
        let written = key.trim();
        if !written.starts_with('/') {
            return Err(Box::new(Diagnostic::error(
                format!("path `{key}` must start with `/`"),
                &item.origin,
            )));
        }
        let path = format!("{base}{written}");
        let item_parameters = item
            .get("parameters")
            .and_then(Node::as_seq)
            .map(<[Node]>::to_vec)
            .unwrap_or_default();
        let Value::Map(entries) = item.value else {
            return Err(Box::new(Diagnostic::error(
                format!("path item must be a map, found {}", item.kind()),
                &item.origin,
            )));
        };
        for (method, operation) in entries {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let aliases = operation
                .get("x-alias")
                .and_then(|a| a.get("aliases"))
                .map(|a| strings(Some(a)))
                .unwrap_or_default()
                .into_iter()
                .map(|alias| format!("{base}{}", alias.trim()))
                .collect();
            let explicit = operation
                .get_str("operationId")
                .map(str::trim)
                .filter(|id| !id.is_empty());
            out.push(RawOperation {
                id: explicit
                    .map_or_else(|| derived_id(&operation, &method, written), str::to_owned),
                id_derived: explicit.is_none(),
                path: path.clone(),
                aliases,
                dialect,
                path_item_parameters: item_parameters.clone(),
                root_defaults: defaults.clone(),
                discriminator: None,
                file: operation.origin.file.display.clone(),
                method,
                node: operation,
            });
        }
    }
    Ok(out)
}

/// An id for an operation without `operationId`: `x-alias`'s `canonical-link`,
/// else method and path; stable across runs and readable as a Rust function name.
fn derived_id(operation: &Node, method: &str, path: &str) -> String {
    if let Some(link) = operation
        .get("x-alias")
        .and_then(|a| a.get_str("canonical-link"))
    {
        return snake_case(link);
    }
    snake_case(&format!("{method} {path}"))
}

/// Explicit ids must be unique within an API. Derived ids can only clash when
/// the same method and path are declared twice (in different files); those take
/// their file's name as well.
fn check_unique_ids(operations: &mut [RawOperation]) -> Result<()> {
    let mut derived: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.id_derived)
    {
        derived.entry(op.id.clone()).or_default().push(i);
    }
    for members in derived.values().filter(|m| m.len() > 1) {
        for &i in members {
            let stem = std::path::Path::new(&operations[i].file)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            operations[i].id = snake_case(&format!("{} {stem}", operations[i].id));
        }
    }
    let mut seen: BTreeMap<&str, &RawOperation> = BTreeMap::new();
    for op in operations {
        if let Some(first) = seen.insert(&op.id, op) {
            return Err(Box::new(
                Diagnostic::error(
                    format!("operation id `{}` is used twice in this API", op.id),
                    &op.node.origin,
                )
                .with_related("first used here", &first.node.origin),
            ));
        }
    }
    Ok(())
}

fn resolve_security(
    operations: &[RawOperation],
    schemes: &mut IndexMap<String, Node>,
    tree_schemes: &SecuritySchemes,
    warnings: &mut Warnings,
) -> Result<()> {
    for op in operations {
        let requirements = op
            .node
            .get("security")
            .or(op.root_defaults.security.as_ref());
        for requirement in requirements.and_then(Node::as_seq).into_iter().flatten() {
            for (name, _) in requirement.as_map().into_iter().flatten() {
                if schemes.contains_key(name) {
                    continue;
                }
                let Some(borrowed) = tree_schemes.get(name) else {
                    // The operation does require some credential; keep that, and
                    // say plainly that nobody defined which.
                    warnings.push(Diagnostic::warning(
                        format!("security scheme `{name}` is declared in no file of this spec; it is kept as an undeclared scheme (`x-undeclared: true`)"),
                        &requirement.origin,
                    ));
                    schemes.insert(name.clone(), undeclared_scheme(name, &requirement.origin));
                    continue;
                };
                warnings.push(
                    Diagnostic::warning(
                        format!("security scheme `{name}` is declared by another API only; using that declaration"),
                        &requirement.origin,
                    )
                    .with_related("declared here", &borrowed.origin),
                );
                schemes.insert(name.clone(), borrowed.clone());
            }
        }
    }
    Ok(())
}

fn undeclared_scheme(name: &str, origin: &Arc<Origin>) -> Node {
    let text = |t: &str| Node::new(Value::Str(t.to_owned()), origin.clone());
    Node::new(
        Value::Map(IndexMap::from([
            ("type".to_owned(), text("apiKey")),
            ("in".to_owned(), text("header")),
            ("name".to_owned(), text("Authorization")),
            (
                "description".to_owned(),
                text(&format!(
                    "`{name}` is named by an operation but declared nowhere in the spec."
                )),
            ),
            (
                "x-undeclared".to_owned(),
                Node::new(Value::Bool(true), origin.clone()),
            ),
        ])),
        origin.clone(),
    )
}
