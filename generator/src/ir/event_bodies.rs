//! Bodies and answers that are an event's content, typed by a path parameter.
//!
//! The spec gives `PUT /rooms/{roomId}/send/{eventType}/{txnId}`, the state
//! endpoints and the account data endpoints an untyped object as body (or, for
//! `GET`, as answer): its shape depends on the event type named in the path.
//! Where the tree has event schemas, that object becomes the crate's
//! `events::EventContent`: the client takes the content and puts its type in
//! the path, the server reads the type from the path and hands the trait a
//! typed content, and a `GET` answer is read by the type asked for.

use super::types::Ty;
use super::{OperationIr, ResponseType};

/// The names the spec gives a path parameter that holds an event type.
const EVENT_TYPE_PARAMS: [&str; 2] = ["eventType", "type"];

/// The path parameter an operation's typed content takes its event type from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentType {
    /// The parameter's name in the path template.
    pub wire: String,
    /// The parameter's Rust name.
    pub ident: String,
    /// Whether the body is the content: then the caller gives the type with
    /// the content, not as a parameter of its own. Otherwise the answer is.
    pub in_body: bool,
}

impl OperationIr {
    /// Types the body or the answer as an event content where the path names its type.
    pub(super) fn type_event_content(&mut self) {
        let Some(param) = self
            .path_params
            .iter()
            .find(|p| EVENT_TYPE_PARAMS.contains(&p.wire.as_str()) && p.ty == Ty::String)
        else {
            return;
        };
        let (wire, ident) = (param.wire.clone(), param.ident.clone());
        if let Some(body) = &mut self.body {
            if !body.binary && body.ty == Ty::JsonObject {
                body.ty = Ty::EventContentBody;
                self.content_type = Some(ContentType {
                    wire,
                    ident,
                    in_body: true,
                });
            }
            return;
        }
        // Only a read answers with the content; a write answers with its own
        // outcome (`{}` from account data, an event id from a send).
        if self.method != "get" {
            return;
        }
        let ResponseType::Single {
            ty, binary, status, ..
        } = &mut self.response_type
        else {
            return;
        };
        if *binary || *ty != Ty::JsonObject {
            return;
        }
        *ty = Ty::EventContentBody;
        let status = *status;
        for response in &mut self.responses {
            if response.status == status {
                response.ty = Ty::EventContentBody;
            }
        }
        self.content_type = Some(ContentType {
            wire,
            ident,
            in_body: false,
        });
    }

    /// Whether a path parameter is given by the body's content instead of by the caller.
    pub fn param_from_content(&self, wire: &str) -> bool {
        self.content_type
            .as_ref()
            .is_some_and(|c| c.in_body && c.wire == wire)
    }
}
