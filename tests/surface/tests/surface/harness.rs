//! Calling one operation and recording how it ended.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use matrix_api::client_server::client::Client;
use matrix_api::events::EventContent;
use matrix_api::runtime::client::Error;
use matrix_api::runtime::ids::ServerName;
use serde::Serialize;
use serde_json::Value;

use crate::proxy::Proxy;

/// Every HTTP call is bounded twice: by reqwest, and around the whole call
/// (which may retry), so that a hung peer fails the test instead of stalling CI.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(15);
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How one operation ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Decoded; `dropped` names the fields of the raw body that re-encoding the
    /// decoded value lost, `changed` those whose value came back different.
    Decoded {
        dropped: BTreeSet<String>,
        changed: BTreeSet<String>,
    },
    /// A Matrix error answer.
    Matrix {
        status: u16,
        errcode: String,
        error: String,
    },
    /// An error status whose body is no Matrix error (a plain 404 page).
    Http(u16),
    /// The generated client failed on its side (decoding, transport, token).
    Failed(String),
}

/// What a decoded value looks like encoded again, for comparing with the body.
pub enum Encoded {
    Json(Value),
    Bytes(Vec<u8>),
    /// Nothing to compare: a redirect, or a 3xx variant of a media answer.
    Nothing,
}

/// The session of the whole run: the proxy, and every outcome so far.
pub struct Surface {
    pub proxy: Proxy,
    pub server_name: ServerName,
    outcomes: Mutex<BTreeMap<String, Outcome>>,
}

impl Surface {
    pub fn new(proxy: Proxy) -> Surface {
        Surface {
            proxy,
            server_name: "localhost".parse().expect("a valid server name"),
            outcomes: Mutex::new(BTreeMap::new()),
        }
    }

    /// A client without a token, through the proxy, with bounded timeouts and
    /// redirects left to the caller (see `table.rs` on the SSO redirects).
    pub fn anonymous(&self) -> Client {
        let http = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client");
        Client::new(&self.proxy.url).with_http_client(http)
    }

    pub fn client(&self, token: &str) -> Client {
        self.anonymous().with_access_token(token)
    }

    pub fn outcomes(&self) -> BTreeMap<String, Outcome> {
        self.outcomes.lock().unwrap().clone()
    }

    /// Calls an operation whose answer is JSON.
    pub async fn json<T: Serialize>(
        &self,
        op: &str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Option<T> {
        self.call(op, call, |v| {
            Encoded::Json(serde_json::to_value(v).expect("decoded values encode"))
        })
        .await
    }

    /// Calls an operation that answers with an event content, re-encoded
    /// without its type (the answer does not carry it).
    pub async fn content(
        &self,
        op: &str,
        call: impl Future<Output = Result<EventContent, Error>>,
    ) -> Option<EventContent> {
        self.call(op, call, |v| {
            Encoded::Json(serde_json::to_value(v.content()).unwrap_or_default())
        })
        .await
    }

    /// Calls an operation, re-encoding a success with `encode`. The first call
    /// of an operation is the one recorded; later ones (setup) only return.
    pub async fn call<T>(
        &self,
        op: &str,
        call: impl Future<Output = Result<T, Error>>,
        encode: impl FnOnce(&T) -> Encoded,
    ) -> Option<T> {
        self.proxy.clear();
        let (outcome, value) = match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Err(_) => (
                Outcome::Failed(format!("no answer within {CALL_TIMEOUT:?}")),
                None,
            ),
            Ok(Ok(value)) => (self.compare(encode(&value)), Some(value)),
            Ok(Err(Error::Matrix(e))) => (
                Outcome::Matrix {
                    status: e.status,
                    errcode: e.body.errcode.clone(),
                    error: e.body.error.clone(),
                },
                None,
            ),
            Ok(Err(Error::Http { status, .. })) => (Outcome::Http(status), None),
            Ok(Err(other)) => (Outcome::Failed(other.to_string()), None),
        };
        self.outcomes
            .lock()
            .unwrap()
            .entry(op.to_owned())
            .or_insert(outcome);
        value
    }

    fn compare(&self, encoded: Encoded) -> Outcome {
        let mut dropped = BTreeSet::new();
        let mut changed = BTreeSet::new();
        let raw = self.proxy.last().map(|e| e.body).unwrap_or_default();
        match encoded {
            Encoded::Nothing => {}
            Encoded::Bytes(bytes) => {
                if bytes != raw {
                    changed.insert("(body bytes)".to_owned());
                }
            }
            Encoded::Json(value) => match serde_json::from_slice::<Value>(&raw) {
                // `()`, the type of an answer declared as `{}`: any field is dropped.
                Ok(raw) if value.is_null() && raw.is_object() => {
                    let empty = Value::Object(Default::default());
                    diff("", &raw, &empty, &mut dropped, &mut changed);
                }
                Ok(raw) => diff("", &raw, &value, &mut dropped, &mut changed),
                Err(_) => {
                    changed.insert("(the body is not JSON)".to_owned());
                }
            },
        }
        Outcome::Decoded { dropped, changed }
    }
}

/// Walks the raw body beside its re-encoding. Keys that are identifiers
/// (rooms, events, users, aliases) and array indices read as `*`, so that a
/// field path names a field, not one instance of it.
fn diff(
    path: &str,
    raw: &Value,
    back: &Value,
    dropped: &mut BTreeSet<String>,
    changed: &mut BTreeSet<String>,
) {
    match (raw, back) {
        (Value::Object(raw), Value::Object(back)) => {
            for (key, value) in raw {
                let here = format!("{path}/{}", generic(key));
                match back.get(key) {
                    Some(other) => diff(&here, value, other, dropped, changed),
                    // `null` read into an absent `Option` is the same statement.
                    None if value.is_null() => {}
                    None => {
                        dropped.insert(here);
                    }
                }
            }
        }
        (Value::Array(raw), Value::Array(back)) if raw.len() == back.len() => {
            for (value, other) in raw.iter().zip(back) {
                diff(&format!("{path}/*"), value, other, dropped, changed);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (raw, back) if raw == back => {}
        _ => {
            changed.insert(if path.is_empty() { "/" } else { path }.to_owned());
        }
    }
}

fn generic(key: &str) -> &str {
    let sigil = key.starts_with(['!', '$', '@', '#']);
    let txn_or_device = key.len() > 8 && key.chars().all(|c| c.is_ascii_alphanumeric());
    if sigil || (txn_or_device && key.chars().any(|c| c.is_ascii_uppercase())) {
        "*"
    } else {
        key
    }
}
