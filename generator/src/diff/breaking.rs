//! Which changes break a client.
//!
//! The point of view is a client written against the older release talking
//! to a server of the newer one. A change is breaking when that client may
//! now have its request refused, or may fail to read the answer, or may miss
//! something it read before:
//!
//! * operations: a removed operation and a moved path break; an added one
//!   does not. A change of the version segment alone (`r0` -> `v3`) does not:
//!   it is how Matrix puts a new path beside the old one, and a server that
//!   supports the older release still serves the older path. Deprecation
//!   (and its end) does not either: the operation still works as before.
//! * requests: a new required parameter or field, an optional one made
//!   required, and a retyped one break. A new optional one does not, nor a
//!   removed one (Matrix requests are open: a server ignores what it does
//!   not know, so the old request is still accepted), nor a required one
//!   made optional.
//! * answers: a removed field, a required field made optional (the client
//!   may meet it missing) and a retyped one break. A new field does not,
//!   nor an optional field made required. A new success status breaks (the
//!   client meets an answer it was not written for); a removed one does not.
//! * a changed string format (`mx-user-id` where there was none) does not
//!   break: the JSON type stays a string and the format names the grammar
//!   the values already had.

use super::{Kind, Side};

/// Whether `kind` on `side` (`None` for the operation itself) breaks a
/// client of the older release.
pub fn is_breaking(kind: &Kind, side: Option<Side>) -> bool {
    let request = side == Some(Side::Request);
    match kind {
        Kind::OperationRemoved | Kind::PathMoved { .. } => true,
        Kind::OperationAdded
        | Kind::PathVersionChanged { .. }
        | Kind::Deprecated
        | Kind::Undeprecated => false,
        // Parameters are always sent: they follow the request's rules.
        Kind::ParameterAdded { required } => *required,
        Kind::ParameterRemoved { .. } => false,
        Kind::ParameterRequiredChanged { required } => *required,
        Kind::FieldAdded { required } => request && *required,
        Kind::FieldRemoved { .. } => !request,
        // Made required in a request, made optional in an answer.
        Kind::FieldRequiredChanged { required } => *required == request,
        Kind::Retyped { .. } => true,
        Kind::FormatChanged { .. } => false,
        Kind::StatusAdded { .. } => true,
        Kind::StatusRemoved { .. } => false,
    }
}
