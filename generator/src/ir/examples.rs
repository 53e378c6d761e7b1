//! The JSON examples a spec attaches to request and response bodies, each with
//! the Rust type the generated crate reads that body as. Tests use them to
//! prove that the types accept what the spec shows.

use openapiv3::{MediaType, ReferenceOr, StatusCode};

use super::types::Ty;
use super::{ApiIr, ResponseType};
use crate::model::Api;

#[derive(Clone, Debug)]
pub struct BodyExample {
    /// `client_server/inviteUser/request` or `client_server/kick/response/200`, plus
    /// `#name` for a named 3.1 example.
    pub id: String,
    pub ty: Ty,
    /// The module whose `types` the type lives in.
    pub module: String,
    pub json: serde_json::Value,
    /// For an event content typed by a path parameter: that parameter's
    /// example, the event type the example shows a content of.
    pub event_type: Option<String>,
}

/// Every example of every JSON body of `api` whose type is not raw bytes or empty.
pub fn body_examples(api: &Api, ir: &ApiIr) -> Vec<BodyExample> {
    let mut out = Vec::new();
    for op_ir in ir.areas.iter().flat_map(|a| &a.operations) {
        let Some(op) = api.operations.iter().find(|o| o.id == op_ir.id) else {
            continue;
        };
        let base = format!("{}/{}", ir.module, op_ir.id);
        let event_type = op_ir
            .content_type
            .as_ref()
            .and_then(|c| path_example(op, &c.wire));
        let first = out.len();
        if let (Some(body), Some(ReferenceOr::Item(request))) =
            (&op_ir.body, &op.operation.request_body)
        {
            if !body.binary {
                for (name, json) in json_examples(request.content.values()) {
                    out.push(example(
                        format!("{base}/request{name}"),
                        &body.ty,
                        &ir.module,
                        json,
                    ));
                }
            }
        }
        for (status, response) in &op.operation.responses.responses {
            let ReferenceOr::Item(response) = response else {
                continue;
            };
            let StatusCode::Code(code) = status else {
                continue;
            };
            let Some(ty) = success_ty(&op_ir.response_type, *code) else {
                continue;
            };
            for (name, json) in json_examples(response.content.values()) {
                out.push(example(
                    format!("{base}/response/{code}{name}"),
                    &ty,
                    &ir.module,
                    json,
                ));
            }
        }
        for example in &mut out[first..] {
            if example.ty == Ty::EventContentBody {
                example.event_type.clone_from(&event_type);
            }
        }
    }
    out.retain(|e| !matches!(e.ty, Ty::Unit | Ty::Bytes));
    out
}

fn example(id: String, ty: &Ty, module: &str, json: serde_json::Value) -> BodyExample {
    BodyExample {
        id,
        ty: ty.clone(),
        module: module.to_owned(),
        json,
        event_type: None,
    }
}

/// The example value of a path parameter, if it is a string.
fn path_example(op: &crate::model::Operation, wire: &str) -> Option<String> {
    op.operation.parameters.iter().find_map(|p| match p {
        ReferenceOr::Item(p @ openapiv3::Parameter::Path { .. })
            if p.parameter_data_ref().name == wire =>
        {
            p.parameter_data_ref()
                .example
                .as_ref()?
                .as_str()
                .map(str::to_owned)
        }
        _ => None,
    })
}

/// The type of the success body with `status`, if it is JSON.
fn success_ty(response: &ResponseType, status: u16) -> Option<Ty> {
    match response {
        ResponseType::Single {
            status: s,
            ty,
            binary: false,
            ..
        } if *s == status => Some(ty.clone()),
        ResponseType::Enum { variants, .. } => variants
            .iter()
            .find(|v| v.status == status && !v.binary)
            .map(|v| v.ty.clone()),
        _ => None,
    }
}

/// `example` and each named entry of `examples`, from the JSON media types.
fn json_examples<'a>(
    media: impl Iterator<Item = &'a MediaType>,
) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for media in media {
        if let Some(example) = &media.example {
            out.push((String::new(), example.clone()));
        }
        for (name, example) in &media.examples {
            if let ReferenceOr::Item(example) = example {
                if let Some(value) = &example.value {
                    out.push((format!("#{name}"), value.clone()));
                }
            }
        }
        // One media type is enough: the others show the same body.
        if !out.is_empty() {
            break;
        }
    }
    out
}
