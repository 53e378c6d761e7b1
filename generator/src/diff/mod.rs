//! What changed between two releases of the spec, operation by operation,
//! as a client of the HTTP APIs sees it.
//!
//! Operations are paired with [`crate::releases::matching`] (one list of
//! operations per release, every API in it). A pair is compared on the IR
//! ([`crate::ir::build`] of each API): its path, its parameters, its body and
//! its success answers, whose types are walked field by field by wire name
//! ([`fields`]). Every change is marked breaking or not by the rules in
//! [`breaking`]; [`render`] writes the list for people or for tools.

mod breaking;
mod fields;
mod operations;
pub mod render;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::ir::{self, ApiIr, OperationIr};
use crate::releases::matching::{match_releases, OpRef};
use crate::{Limits, Placeholders, ReadOptions, Spec};

pub use breaking::is_breaking;

/// Which way a change faces: what the client sends, or what it reads back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Request,
    Response,
}

/// What changed. Locations (`query.limit`, `body.room.timeline.limit`,
/// `response(200).chunk[].event_id`) are in [`Change::location`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    /// The path changed besides its version segment (`/pushrules/{scope}/...`
    /// became `/pushrules/global/...`).
    PathMoved {
        from: String,
        to: String,
    },
    /// Only the version segment changed (`r0` -> `v3`).
    PathVersionChanged {
        from: String,
        to: String,
    },
    Deprecated,
    Undeprecated,
    /// `required`: in the newer release (in the older one for a removal).
    ParameterAdded {
        required: bool,
    },
    ParameterRemoved {
        required: bool,
    },
    ParameterRequiredChanged {
        required: bool,
    },
    /// A field, or the request body itself (`body`); `required` as for parameters.
    FieldAdded {
        required: bool,
    },
    FieldRemoved {
        required: bool,
    },
    FieldRequiredChanged {
        required: bool,
    },
    /// A different JSON shape: another scalar type, a list, a map, an object.
    Retyped {
        from: String,
        to: String,
    },
    /// The same JSON type with another Matrix string format (`mx-user-id`).
    FormatChanged {
        from: String,
        to: String,
    },
    StatusAdded {
        status: u16,
    },
    StatusRemoved {
        status: u16,
    },
}

impl Kind {
    /// The kind's name as the JSON output spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation_added",
            Kind::OperationRemoved => "operation_removed",
            Kind::PathMoved { .. } => "path_moved",
            Kind::PathVersionChanged { .. } => "path_version_changed",
            Kind::Deprecated => "deprecated",
            Kind::Undeprecated => "undeprecated",
            Kind::ParameterAdded { .. } => "parameter_added",
            Kind::ParameterRemoved { .. } => "parameter_removed",
            Kind::ParameterRequiredChanged { .. } => "parameter_required_changed",
            Kind::FieldAdded { .. } => "field_added",
            Kind::FieldRemoved { .. } => "field_removed",
            Kind::FieldRequiredChanged { .. } => "field_required_changed",
            Kind::Retyped { .. } => "retyped",
            Kind::FormatChanged { .. } => "format_changed",
            Kind::StatusAdded { .. } => "status_added",
            Kind::StatusRemoved { .. } => "status_removed",
        }
    }
}

/// One change of one operation. Ordered by API, path, method, operation,
/// location and kind, which is the order of the output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Change {
    /// The API's directory (`client-server`).
    pub api: String,
    /// The operation's path in the newer release (in the older one if removed).
    pub path: String,
    /// Upper case.
    pub method: String,
    pub operation_id: String,
    /// Where in the operation (`query.limit`, `response(200).chunk[]`);
    /// empty for the operation itself.
    pub location: String,
    /// `None` for changes of the operation itself.
    pub side: Option<Side>,
    #[serde(flatten)]
    pub kind: Kind,
    pub breaking: bool,
}

/// The changes from one release to another, sorted.
#[derive(Debug, Serialize)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub changes: Vec<Change>,
}

/// One release's operations, each with the types of its API.
struct Release<'a> {
    names: Vec<&'a str>,
    irs: Vec<ApiIr>,
}

impl<'a> Release<'a> {
    fn build(spec: &'a Spec) -> Release<'a> {
        let irs = crate::parallel::map(spec.apis.iter().collect(), ir::build);
        let names = spec.apis.iter().map(|api| api.name.as_str()).collect();
        Release { names, irs }
    }

    /// Every operation with its API's index, in API order.
    fn operations(&self) -> Vec<(usize, &OperationIr)> {
        let per_api = self.irs.iter().enumerate().flat_map(|(index, api)| {
            api.areas
                .iter()
                .flat_map(|area| &area.operations)
                .map(move |op| (index, op))
        });
        per_api.collect()
    }

    /// What matching reads of `ops`.
    fn refs<'r>(&'r self, ops: &[(usize, &'r OperationIr)]) -> Vec<OpRef<'r>> {
        let op_ref = |&(api, op): &(usize, &'r OperationIr)| OpRef {
            api: self.names[api],
            id: &op.id,
            method: &op.method,
            path: &op.path,
            discriminator: op.discriminator.as_ref(),
        };
        ops.iter().map(op_ref).collect()
    }

    fn side<'r>(&'r self, (api, op): (usize, &'r OperationIr)) -> operations::Side<'r> {
        operations::Side {
            api: self.names[api].to_owned(),
            op,
            types: &self.irs[api].types,
        }
    }
}

/// Compares `old` with `new`; `old_label` and `new_label` name them in the output.
pub fn diff(old: &Spec, new: &Spec, old_label: &str, new_label: &str) -> Diff {
    let (old_release, new_release) = (Release::build(old), Release::build(new));
    let (old_ops, new_ops) = (old_release.operations(), new_release.operations());
    let refs = [old_release.refs(&old_ops), new_release.refs(&new_ops)];
    let mut changes = Vec::new();
    for endpoint in match_releases(&refs) {
        let old_side = endpoint.operations[0].map(|i| old_release.side(old_ops[i]));
        let new_side = endpoint.operations[1].map(|i| new_release.side(new_ops[i]));
        changes.extend(operations::compare(old_side.as_ref(), new_side.as_ref()));
    }
    changes.sort();
    changes.dedup();
    Diff {
        old: old_label.to_owned(),
        new: new_label.to_owned(),
        changes,
    }
}

/// How to read a spec tree given by its top: a directory holding `api/`
/// (the `r0` releases) or `data/api/` (the `v1` ones). `$ref`s may reach
/// the directory holding `api/`, where the schemas the APIs share live.
///
/// A release named by a tag of the spec's git repository is read here too,
/// once the shared helper that writes a tag's tree out exists: it turns the
/// tag into such a directory, and this function takes it from there.
pub fn tree_options(top: &Path, allow_missing_refs: bool) -> Result<ReadOptions, Box<Diagnostic>> {
    let root: PathBuf = match () {
        _ if top.join("data/api").is_dir() => top.join("data"),
        _ if top.join("api").is_dir() => top.to_path_buf(),
        _ => {
            return Err(Box::new(Diagnostic::general(format!(
                "{} is not a spec tree: it holds neither `api/` nor `data/api/`",
                top.display()
            ))))
        }
    };
    Ok(ReadOptions {
        input: root.join("api"),
        root: Some(root),
        placeholders: Placeholders::default(),
        limits: Limits::default(),
        allow_missing_refs,
    })
}
