//! Why a client call failed, one variant per kind of failure, so that a
//! caller can retry a transport error, answer an interactive-auth challenge
//! and report a server that breaks the spec, each differently.

use serde::{Deserialize, Serialize};

use super::{ErrorBody, MatrixError};

/// Why a call failed.
#[derive(Debug)]
pub enum Error {
    /// The server answered with a Matrix error.
    Matrix(MatrixError),
    /// The server asks for (more) interactive authentication: a 401 whose
    /// body lists the `flows` that would complete it. Answer by calling
    /// again with an `auth` object holding [`InteractiveAuth::session`].
    InteractiveAuth(Box<InteractiveAuth>),
    /// The request body could not be written as JSON (a map with non-string keys).
    Encode(serde_json::Error),
    /// The request did not complete (connection refused, timeout, ...).
    Transport(reqwest::Error),
    /// An error status whose body is not a Matrix error (a proxy's HTML page,
    /// a plain 404).
    Http { status: u16, body: String },
    /// A success status the spec does not declare for the operation.
    UndeclaredStatus { status: u16, body: String },
    /// A declared status whose body does not fit the declared type.
    Decode { status: u16, message: String },
    /// The operation needs an access token and the client has none.
    MissingToken,
    /// None of the versions the server speaks has the operation (it was
    /// added later, or removed): nothing was sent.
    Unsupported {
        operation: &'static str,
        server_versions: Vec<String>,
    },
}

/// The body of a 401 that asks for interactive authentication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InteractiveAuth {
    /// Each flow is a list of stages; completing any one flow is enough.
    pub flows: Vec<AuthFlow>,
    /// What each stage needs (`m.login.terms` lists its policies here), by stage.
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// The session to send back in the next attempt's `auth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The stages already completed in this session.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub completed: Vec<String>,
    /// Set when the previous attempt failed (`M_FORBIDDEN` for a wrong password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Fields not listed above, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One way to complete interactive authentication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthFlow {
    /// The stage types to complete, in order (`m.login.password`, ...).
    pub stages: Vec<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl InteractiveAuth {
    /// Whether some flow consists of `stages` exactly, such as `["m.login.password"]`.
    pub fn offers(&self, stages: &[&str]) -> bool {
        self.flows.iter().any(|flow| flow.stages == stages)
    }
}

impl Error {
    /// The error for an answer of status 400 or above, by what its body holds.
    pub fn from_answer(status: u16, body: &[u8]) -> Self {
        if status == 401 {
            if let Ok(challenge) = serde_json::from_slice::<InteractiveAuth>(body) {
                return Error::InteractiveAuth(Box::new(challenge));
            }
        }
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(body) => Error::Matrix(MatrixError {
                status,
                body: Box::new(body),
            }),
            Err(_) => Error::Http {
                status,
                body: String::from_utf8_lossy(body).into_owned(),
            },
        }
    }

    /// The Matrix error code, if the server sent one.
    pub fn errcode(&self) -> Option<&str> {
        match self {
            Error::Matrix(e) => Some(e.errcode()),
            Error::InteractiveAuth(challenge) => challenge.errcode.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Matrix(e) => Some(e.status),
            Error::InteractiveAuth(_) => Some(401),
            Error::Http { status, .. }
            | Error::UndeclaredStatus { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport(e) => e.status().map(|s| s.as_u16()),
            Error::Encode(_) | Error::MissingToken | Error::Unsupported { .. } => None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Matrix(e) => write!(f, "the server answered {e}"),
            Error::InteractiveAuth(challenge) => {
                let flows: Vec<String> = challenge
                    .flows
                    .iter()
                    .map(|flow| flow.stages.join(" + "))
                    .collect();
                write!(
                    f,
                    "the server asks for interactive authentication ({})",
                    flows.join(" or ")
                )
            }
            Error::Encode(e) => write!(f, "the request body cannot be written as JSON: {e}"),
            Error::Transport(e) => write!(f, "the request failed: {e}"),
            Error::Http { status, body } => {
                let shown: String = body.chars().take(200).collect();
                write!(f, "HTTP {status} without a Matrix error: {shown}")
            }
            Error::UndeclaredStatus { status, .. } => {
                write!(f, "HTTP {status}, a status the spec does not declare here")
            }
            Error::Decode { status, message } => {
                write!(f, "the answer (HTTP {status}) does not fit its type: {message}")
            }
            Error::MissingToken => f.write_str("this operation needs an access token"),
            Error::Unsupported {
                operation,
                server_versions,
            } => write!(
                f,
                "`{operation}` is in none of the versions the server speaks ({})",
                server_versions.join(", ")
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Matrix(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}
