//! The error every Matrix API answers with.

use serde::{Deserialize, Serialize};

/// The JSON body of a Matrix error response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error code, such as `M_FORBIDDEN`. Empty in the 401 answers of
    /// interactive authentication, which carry `flows` instead.
    #[serde(default)]
    pub errcode: String,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// With `M_LIMIT_EXCEEDED`: how long to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<i64>,
    /// Fields some errors add (`soft_logout`, `flows`, ...), kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An error response: the HTTP status and the Matrix error body (boxed, so
/// that `Result<T, MatrixError>` stays small).
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixError {
    pub status: u16,
    pub body: Box<ErrorBody>,
}

impl MatrixError {
    pub fn new(status: u16, errcode: &str, error: impl Into<String>) -> Self {
        MatrixError {
            status,
            body: Box::new(ErrorBody {
                errcode: errcode.to_owned(),
                error: error.into(),
                ..ErrorBody::default()
            }),
        }
    }

    pub fn errcode(&self) -> &str {
        &self.body.errcode
    }

    /// 403 `M_FORBIDDEN`.
    pub fn forbidden(error: impl Into<String>) -> Self {
        Self::new(403, "M_FORBIDDEN", error)
    }

    /// 404 `M_NOT_FOUND`.
    pub fn not_found(error: impl Into<String>) -> Self {
        Self::new(404, "M_NOT_FOUND", error)
    }

    /// 401 `M_UNKNOWN_TOKEN`: the token is not (or no longer) valid.
    pub fn unknown_token() -> Self {
        Self::new(401, "M_UNKNOWN_TOKEN", "Unrecognised access token")
    }

    /// 401 `M_MISSING_TOKEN`: the operation needs a token and none was sent.
    pub fn missing_token() -> Self {
        Self::new(401, "M_MISSING_TOKEN", "Missing access token")
    }

    /// 429 `M_LIMIT_EXCEEDED`, asking the client to wait `retry_after_ms`.
    pub fn limit_exceeded(retry_after_ms: i64) -> Self {
        let mut error = Self::new(429, "M_LIMIT_EXCEEDED", "Too many requests");
        error.body.retry_after_ms = Some(retry_after_ms);
        error
    }

    /// 400 `M_BAD_JSON`: valid JSON of the wrong shape.
    pub fn bad_json(error: impl Into<String>) -> Self {
        Self::new(400, "M_BAD_JSON", error)
    }

    /// 400 `M_NOT_JSON`: the body is not JSON at all.
    pub fn not_json(error: impl Into<String>) -> Self {
        Self::new(400, "M_NOT_JSON", error)
    }

    /// 400 `M_MISSING_PARAM`.
    pub fn missing_param(name: &str) -> Self {
        Self::new(400, "M_MISSING_PARAM", format!("Missing parameter: {name}"))
    }

    /// 400 `M_INVALID_PARAM`.
    pub fn invalid_param(name: &str) -> Self {
        Self::new(400, "M_INVALID_PARAM", format!("Invalid parameter: {name}"))
    }

    /// 404 `M_UNRECOGNIZED`: no such endpoint (or it is not implemented).
    pub fn unrecognized() -> Self {
        Self::new(404, "M_UNRECOGNIZED", "Unrecognized request")
    }

    /// 413 `M_TOO_LARGE`.
    pub fn too_large() -> Self {
        Self::new(413, "M_TOO_LARGE", "Request body too large")
    }
}

impl std::fmt::Display for MatrixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body.errcode)?;
        if !self.body.error.is_empty() {
            write!(f, ": {}", self.body.error)?;
        }
        Ok(())
    }
}

impl std::error::Error for MatrixError {}
