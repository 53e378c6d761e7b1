//! What the generated axum routes share: reading requests into typed values
//! and writing Matrix responses, with a Matrix error for every way a request
//! can be wrong.

use axum::body::{Body, Bytes};
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{validate, Auth, Binary, MatrixError};

pub use super::serve::{serve, BodyTimeout, ServeOptions};
pub use super::validate::{Rule, RuleKind};

/// The largest request body a route reads (larger ones get 413 `M_TOO_LARGE`).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What an operation's handler returns: its answer, to come.
pub type Reply =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, MatrixError>> + Send>>;

/// The one type of every route's handler. axum compiles its handler
/// machinery once per handler type: as one type, the routes of an API
/// compile it once for a service, not once per route, in the crate that
/// serves it (a future boxed per request is the price).
pub type Handler<S> = fn(axum::extract::State<std::sync::Arc<S>>, RequestParts) -> Reply;

impl IntoResponse for MatrixError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status.as_u16(), &self.body)
    }
}

/// A request taken apart: path parameters by position, query pairs, headers, body.
pub struct RequestParts {
    path: Vec<String>,
    path_error: Option<PathError>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

/// Every route's handler takes its request as [`RequestParts`]: the whole
/// request read, or 413 `M_TOO_LARGE`, 408 or 400 `M_NOT_JSON` when its body
/// cannot be, before the handler runs.
impl<St: Send + Sync> FromRequest<St> for RequestParts {
    type Rejection = MatrixError;

    async fn from_request(request: Request, state: &St) -> Result<Self, MatrixError> {
        let (mut parts, body) = request.into_parts();
        // Routes use positional names (`{p0}`): the path's values in order.
        let (path, path_error) = match Path::<Vec<(String, String)>>::from_request_parts(&mut parts, state).await {
            Ok(Path(params)) => (params.into_iter().map(|(_, value)| value).collect(), None),
            Err(PathRejection::MissingPathParams(_)) => (Vec::new(), None),
            Err(rejection) => (Vec::new(), Some(PathError::from(&rejection))),
        };
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let body = read_body(body, &parts.headers).await?;
        Ok(RequestParts {
            path,
            path_error,
            query,
            headers: parts.headers,
            body,
        })
    }
}

impl RequestParts {
    /// A Matrix error naming the path parameter that could not be read (it is
    /// not UTF-8 once percent-decoded) by its spec name: `names` are the spec's
    /// names of the route's parameters, in path order.
    pub fn check_path(&self, names: &[&str]) -> Result<(), MatrixError> {
        let Some(error) = &self.path_error else {
            return Ok(());
        };
        Err(match error.position.and_then(|i| names.get(i)) {
            Some(name) => MatrixError::new(
                400,
                "M_INVALID_PARAM",
                format!("Invalid parameter: {name} is not valid UTF-8"),
            ),
            None => MatrixError::new(400, "M_INVALID_PARAM", "Invalid path parameters"),
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
        let query = |name: &str| {
            self.query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        Auth {
            access_token: bearer.or_else(|| query("access_token")),
            asserted_user: query("user_id"),
        }
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
        self.query_text(name)
            .map(|v| v.parse().map_err(|_| MatrixError::invalid_param(name)))
            .transpose()
    }

    /// A query parameter of an open enum, refused (400 `M_INVALID_PARAM`)
    /// unless it is one of the `values` the spec lists.
    pub fn query_one_of<T: std::str::FromStr>(
        &self,
        name: &str,
        values: &[&str],
    ) -> Result<Option<T>, MatrixError> {
        let listed = self
            .query
            .iter()
            .filter(|(k, _)| k == name)
            .all(|(_, v)| values.contains(&v.as_str()));
        if !listed {
            return Err(MatrixError::invalid_param(name));
        }
        self.query(name)
    }

    /// A parameter that holds JSON (a filter); JSON that does not fit is
    /// refused (400 `M_INVALID_PARAM`).
    pub fn query_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, MatrixError> {
        self.query_text(name)
            .map(|text| serde_json::from_str(text).map_err(|_| MatrixError::invalid_param(name)))
            .transpose()
    }

    /// A parameter that holds an ID or JSON.
    pub fn query_id_or_json<T: DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<super::IdOrJson<T>>, MatrixError> {
        self.query_text(name)
            .map(|text| {
                super::IdOrJson::from_query(text).map_err(|_| MatrixError::invalid_param(name))
            })
            .transpose()
    }

    fn query_text(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
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

    /// The JSON body: 400 `M_NOT_JSON` when it is missing (and `required`)
    /// or not JSON, `M_BAD_JSON` naming the failing field when it breaks one
    /// of `rules` or does not fit `T`. A missing optional body reads as `{}`.
    pub fn json<T: DeserializeOwned>(&self, required: bool, rules: &[Rule]) -> Result<T, MatrixError> {
        let value = self.json_value(required)?;
        validate::check(&value, rules)?;
        deserialize(value)
    }

    /// Like [`json`](Self::json), for bodies the spec declares as objects:
    /// serde's derived structs would also accept a JSON array of the fields
    /// in order, which no Matrix server means to.
    pub fn json_object<T: DeserializeOwned>(
        &self,
        required: bool,
        rules: &[Rule],
    ) -> Result<T, MatrixError> {
        match self.json_value(required)? {
            value @ serde_json::Value::Object(_) => {
                validate::check(&value, rules)?;
                deserialize(value)
            }
            _ => Err(MatrixError::bad_json("The body must be a JSON object")),
        }
    }

    fn json_value(&self, required: bool) -> Result<serde_json::Value, MatrixError> {
        // Only an empty body is a missing one: whitespace alone is not JSON.
        if self.body.is_empty() {
            return if required {
                Err(MatrixError::not_json("A JSON body is required"))
            } else {
                Ok(serde_json::Value::Object(Default::default()))
            };
        }
        serde_json::from_slice(&self.body).map_err(|e| MatrixError::not_json(e.to_string()))
    }

    /// Whether the body is a JSON object holding all of `fields`.
    pub fn has_body_fields(&self, fields: &[&str]) -> bool {
        match self.json_value(false) {
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

/// Why a route's path parameters could not be read, and which one (by
/// position) when the rejection says.
struct PathError {
    position: Option<usize>,
}

impl From<&PathRejection> for PathError {
    fn from(rejection: &PathRejection) -> Self {
        let key = match rejection {
            PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
                ErrorKind::InvalidUtf8InPathParam { key } => Some(key.as_str()),
                _ => None,
            },
            _ => None,
        };
        PathError {
            position: key
                .and_then(|k| k.strip_prefix('p'))
                .and_then(|i| i.parse::<usize>().ok()),
        }
    }
}

/// Reads a whole body: 413 `M_TOO_LARGE` only for one over
/// [`MAX_BODY_BYTES`], 408 when [`serve`]'s body deadline passes, and 400
/// `M_NOT_JSON` when the bytes cannot be read at all (a malformed chunked
/// encoding, a connection closed mid-body).
async fn read_body(body: Body, headers: &HeaderMap) -> Result<Bytes, MatrixError> {
    use http_body_util::BodyExt;

    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(MatrixError::too_large());
    }
    let mut body = body;
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(body_error)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > MAX_BODY_BYTES {
                return Err(MatrixError::too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(bytes))
}

fn body_error(error: axum::Error) -> MatrixError {
    let error = error.into_inner();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*error);
    while let Some(e) = cause {
        if e.is::<BodyTimeout>() {
            return MatrixError::new(408, "M_UNKNOWN", "Timed out reading the request body");
        }
        cause = e.source();
    }
    MatrixError::not_json(format!("Could not read the request body: {error}"))
}

/// Deserializes a body, naming the field that does not fit (`room.name`).
fn deserialize<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, MatrixError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            MatrixError::bad_json(inner.to_string())
        } else {
            MatrixError::bad_json(format!("{path}: {inner}"))
        }
    })
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
/// What `/versions` answers by default in a crate made from several
/// releases: those releases ([`RELEASES`](crate::RELEASES)), as the
/// operation's answer type.
pub fn releases_answer<T: DeserializeOwned>() -> Result<T, MatrixError> {
    let versions = serde_json::json!({ "versions": crate::RELEASES });
    serde_json::from_value(versions)
        .map_err(|e| MatrixError::new(500, "M_UNKNOWN", format!("the versions answer: {e}")))
}

pub fn empty_response(status: u16) -> Response {
    match status {
        204 | 304 => StatusCode::from_u16(status)
            .unwrap_or(StatusCode::NO_CONTENT)
            .into_response(),
        _ => json_response(status, &serde_json::Map::new()),
    }
}

/// `response` with a header the spec declares for it, when there is a value
/// that HTTP can carry.
pub fn with_header(mut response: Response, name: &str, value: Option<&str>) -> Response {
    let name = header::HeaderName::from_bytes(name.as_bytes());
    let value = value.map(HeaderValue::from_str);
    if let (Ok(name), Some(Ok(value))) = (name, value) {
        response.headers_mut().insert(name, value);
    }
    response
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
