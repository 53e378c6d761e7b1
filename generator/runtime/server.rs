//! What the generated axum routes share: reading requests into typed values
//! and writing Matrix responses, with a Matrix error for every way a request
//! can be wrong.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Auth, Binary, MatrixError};

/// The largest request body a route reads (larger ones get 413 `M_TOO_LARGE`).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

impl IntoResponse for MatrixError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status.as_u16(), &self.body)
    }
}

/// A request taken apart: path parameters by position, query pairs, headers, body.
pub struct RequestParts {
    path: Vec<String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

impl RequestParts {
    /// Reads the whole request; `path` are the matched path parameters in order.
    pub async fn read(path: Vec<(String, String)>, request: Request) -> Result<Self, MatrixError> {
        let path = path.into_iter().map(|(_, value)| value).collect();
        let (parts, body) = request.into_parts();
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| MatrixError::too_large())?;
        Ok(RequestParts {
            path,
            query,
            headers: parts.headers,
            body,
        })
    }

    /// The token from `Authorization: Bearer`, else from `?access_token=`.
    pub fn auth(&self) -> Auth {
        let bearer = self
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let access_token = bearer.or_else(|| {
            self.query
                .iter()
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.clone())
        });
        Auth { access_token }
    }

    /// Like [`auth`](Self::auth), but 401 `M_MISSING_TOKEN` without a token.
    pub fn require_auth(&self) -> Result<Auth, MatrixError> {
        let auth = self.auth();
        match auth.access_token {
            Some(_) => Ok(auth),
            None => Err(MatrixError::missing_token()),
        }
    }

    /// The path parameter at `index` (its spec name is for messages). A
    /// trailing parameter left empty (`/state/m.room.topic/`) reads as `""`.
    pub fn path<T: std::str::FromStr>(&self, index: usize, name: &str) -> Result<T, MatrixError> {
        self.path
            .get(index)
            .map_or("", String::as_str)
            .parse()
            .map_err(|_| MatrixError::invalid_param(name))
    }

    pub fn query<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, MatrixError> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.parse().map_err(|_| MatrixError::invalid_param(name)))
            .transpose()
    }

    pub fn query_required<T: std::str::FromStr>(&self, name: &str) -> Result<T, MatrixError> {
        self.query(name)?
            .ok_or_else(|| MatrixError::missing_param(name))
    }

    /// Every value of a repeated parameter (`?server_name=a&server_name=b`).
    pub fn query_all<T: std::str::FromStr>(&self, name: &str) -> Result<Vec<T>, MatrixError> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.parse().map_err(|_| MatrixError::invalid_param(name)))
            .collect()
    }

    /// The query parameters not named in `declared` (open-ended parameters).
    pub fn query_rest(&self, declared: &[&str]) -> std::collections::BTreeMap<String, String> {
        self.query
            .iter()
            .filter(|(k, _)| k != "access_token" && !declared.contains(&k.as_str()))
            .cloned()
            .collect()
    }

    pub fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }

    /// The JSON body: 400 `M_NOT_JSON` when it is not JSON, `M_BAD_JSON` when
    /// it does not fit. An empty body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, MatrixError> {
        let value = self.json_value()?;
        serde_json::from_value(value).map_err(|e| MatrixError::bad_json(e.to_string()))
    }

    fn json_value(&self) -> Result<serde_json::Value, MatrixError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Object(Default::default()));
        }
        serde_json::from_slice(&self.body).map_err(|e| MatrixError::not_json(e.to_string()))
    }

    /// Whether the body is a JSON object holding all of `fields`.
    pub fn has_body_fields(&self, fields: &[&str]) -> bool {
        match self.json_value() {
            Ok(serde_json::Value::Object(object)) => fields.iter().all(|f| object.contains_key(*f)),
            _ => false,
        }
    }

    /// The body as bytes, with its content type.
    pub fn binary(&self) -> Binary {
        Binary {
            content_type: self
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/octet-stream")
                .to_owned(),
            data: self.body.to_vec(),
        }
    }
}

/// A JSON response with `status`.
pub fn json_response<T: Serialize>(status: u16, body: &T) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => MatrixError::new(500, "M_UNKNOWN", e.to_string()).into_response(),
    }
}

/// A response whose spec declares no body: Matrix servers send `{}`, except
/// where HTTP forbids a body (204, 304).
pub fn empty_response(status: u16) -> Response {
    match status {
        204 | 304 => StatusCode::from_u16(status)
            .unwrap_or(StatusCode::NO_CONTENT)
            .into_response(),
        _ => json_response(status, &serde_json::Map::new()),
    }
}

pub fn binary_response(status: u16, body: Binary) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = HeaderValue::from_str(&body.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        Body::from(body.data),
    )
        .into_response()
}

/// Finishes a router: unknown paths answer 404 and known paths with another
/// method 405, both `M_UNRECOGNIZED`, as Matrix servers do.
pub fn finish<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    router
        .fallback(|| async { MatrixError::unrecognized() })
        .method_not_allowed_fallback(|| async {
            MatrixError::new(405, "M_UNRECOGNIZED", "Method not allowed")
        })
}
