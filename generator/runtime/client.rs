//! What the generated client methods share: building requests, sending them
//! with the access token, retrying on 429, and telling Matrix errors apart
//! from transport and decoding failures.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Binary, OperationInfo};
pub use super::client_error::{AuthFlow, Error, InteractiveAuth};

/// Everything but unreserved characters is escaped in a path segment, so that
/// a room alias such as `#room:example.org` stays one segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Escapes one path parameter.
pub fn encode_path(value: &str) -> String {
    utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// Retrying after 429 `M_LIMIT_EXCEEDED`: off unless asked for.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// How many times one call is retried.
    pub max_retries: u32,
    /// The longest wait honoured; a server asking for more gets its error back.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_delay: Duration::from_secs(30),
        }
    }
}

/// How a call authenticates (from the operation's `security`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    None,
    Optional { in_query: bool },
    Required { in_query: bool },
}

/// One request, as a generated method describes it.
pub struct Call {
    method: reqwest::Method,
    path: String,
    query: Vec<(String, String)>,
    auth: AuthMode,
    body: Option<(String, Vec<u8>)>,
}

impl Call {
    pub fn new(method: reqwest::Method, path: String, auth: AuthMode) -> Self {
        Call {
            method,
            path,
            query: Vec::new(),
            auth,
            body: None,
        }
    }

    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    pub fn query_opt(self, name: &str, value: Option<&impl ToString>) -> Self {
        match value {
            Some(value) => self.query(name, value.to_string()),
            None => self,
        }
    }

    /// A repeated parameter: one pair per value.
    pub fn query_all<T: ToString>(mut self, name: &str, values: &[T]) -> Self {
        for value in values {
            self.query.push((name.to_owned(), value.to_string()));
        }
        self
    }

    /// Open-ended parameters: each entry is a parameter of its own.
    pub fn query_map(mut self, values: &std::collections::BTreeMap<String, String>) -> Self {
        self.query
            .extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
        self
    }

    /// A parameter that holds JSON (a filter), when given.
    pub fn query_json<T: Serialize>(self, name: &str, value: Option<&T>) -> Result<Self, Error> {
        match value {
            Some(value) => {
                let text = serde_json::to_string(value).map_err(Error::Encode)?;
                Ok(self.query(name, text))
            }
            None => Ok(self),
        }
    }

    /// A parameter that holds an ID or JSON, when given.
    pub fn query_id_or_json<T: Serialize>(
        self,
        name: &str,
        value: Option<&super::IdOrJson<T>>,
    ) -> Result<Self, Error> {
        match value {
            Some(value) => Ok(self.query(name, value.to_query().map_err(Error::Encode)?)),
            None => Ok(self),
        }
    }

    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(Error::Encode)?;
        self.body = Some(("application/json".to_owned(), bytes));
        Ok(self)
    }

    pub fn binary(mut self, body: &Binary) -> Self {
        self.body = Some((body.content_type.clone(), body.data.clone()));
        self
    }
}

/// A response whose status the generated method matches on.
pub struct RawResponse {
    pub status: u16,
    content_type: String,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl RawResponse {
    /// A header the spec declares for the answer, if it came as text.
    pub fn header(&self, name: &str) -> Option<String> {
        let value = self.headers.get(name)?;
        value.to_str().ok().map(str::to_owned)
    }

    /// A header the spec declares required: its absence is a broken answer.
    pub fn required_header(&self, name: &str) -> Result<String, Error> {
        self.header(name).ok_or_else(|| Error::Decode {
            status: self.status,
            message: format!("the `{name}` header is missing"),
        })
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            status: self.status,
            message: e.to_string(),
        })
    }

    pub fn binary(&self) -> Binary {
        Binary {
            content_type: self.content_type.clone(),
            data: self.body.clone(),
        }
    }

    /// A success status the spec does not declare.
    pub fn unexpected(&self) -> Error {
        Error::UndeclaredStatus {
            status: self.status,
            body: String::from_utf8_lossy(&self.body).into_owned(),
        }
    }
}

/// A Matrix API client: a homeserver's base URL, an HTTP client, and an access token.
#[derive(Clone, Debug)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    access_token: Option<String>,
    /// Whether the token also goes with operations whose spec names no security.
    token_on_open_calls: bool,
    /// Sent as `user_id` with every call: the user an application service acts as.
    asserted_user: Option<String>,
    retry: Option<RetryPolicy>,
    /// The versions the server speaks, once known; shared by clones.
    versions: Arc<OnceLock<Vec<String>>>,
    /// Whether an operation the server's versions lack is sent anyway.
    unchecked_versions: bool,
}

impl Client {
    /// A client for the server at `base_url` (`https://matrix.example.org`).
    ///
    /// Redirects are not followed: where the spec declares one (SSO, media),
    /// its `Location` is the answer.
    pub fn new(base_url: impl Into<String>) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Client {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            http,
            access_token: None,
            token_on_open_calls: true,
            asserted_user: None,
            retry: None,
            versions: Arc::default(),
            unchecked_versions: false,
        }
    }

    /// Uses a configured `reqwest::Client` (timeouts, proxies, TLS). Build it
    /// with `redirect(Policy::none())` for the operations whose answer is a
    /// redirect: one that follows them answers those with an undeclared 200.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    pub fn with_access_token(mut self, token: impl Into<String>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    pub fn set_access_token(&mut self, token: Option<String>) {
        self.access_token = token;
    }

    /// Whether the token is also sent with operations whose spec declares no
    /// security (on by default). Servers accept a token everywhere, and some
    /// require one where the spec does not say so (Synapse's `/publicRooms`).
    /// Off for a client that holds a user's token but must call an open
    /// operation anonymously: a token on `/register` asks to register as an
    /// application service.
    pub fn with_token_on_open_calls(mut self, send: bool) -> Self {
        self.token_on_open_calls = send;
        self
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access_token.as_deref()
    }

    /// Acts as `user_id` on every call (the `user_id` query parameter), as an
    /// application service does for the users in its namespace; its token is
    /// the access token. The client is cheap to clone, so a bridge keeps one
    /// client and calls `client.clone().with_asserted_user(..)` per user, as
    /// it would `with_access_token` for a call under another token.
    pub fn with_asserted_user(mut self, user_id: impl Into<String>) -> Self {
        self.asserted_user = Some(user_id.into());
        self
    }

    pub fn asserted_user(&self) -> Option<&str> {
        self.asserted_user.as_deref()
    }

    /// Retries calls answered with 429, waiting as the server asks (capped).
    /// Takes the versions the server speaks (as `/versions` lists them)
    /// instead of asking it.
    pub fn with_versions(mut self, versions: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let known = OnceLock::new();
        let _ = known.set(versions.into_iter().map(Into::into).collect());
        self.versions = Arc::new(known);
        self
    }

    /// Sends an operation that none of the server's versions has on its
    /// newest path, instead of failing with [`Error::Unsupported`].
    pub fn with_unchecked_versions(mut self, unchecked: bool) -> Self {
        self.unchecked_versions = unchecked;
        self
    }

    /// The versions the server speaks: given, or read once from
    /// `GET /_matrix/client/versions`.
    pub async fn versions(&self) -> Result<&[String], Error> {
        if let Some(known) = self.versions.get() {
            return Ok(known);
        }
        let call = Call::new(
            reqwest::Method::GET,
            "/_matrix/client/versions".to_owned(),
            AuthMode::None,
        );
        let response = self.send(call).await?;
        if response.status != 200 {
            return Err(response.unexpected());
        }
        #[derive(serde::Deserialize)]
        struct Versions {
            versions: Vec<String>,
        }
        let read: Versions = response.json()?;
        // Two calls may ask at once; both read the same list.
        Ok(self.versions.get_or_init(|| read.versions))
    }

    /// The path to call `operation` on: in a crate made from several
    /// releases, its path in the newest release the server speaks (see
    /// [`versions::choose`](super::versions::choose)); its only path otherwise.
    /// `params` fill the template's `{name}`s, already encoded.
    pub async fn path(
        &self,
        operation: &OperationInfo,
        params: &[(&str, String)],
    ) -> Result<String, Error> {
        let template = match &operation.history {
            None => operation.path,
            Some(history) => {
                let versions = self.versions().await?;
                let chosen = super::versions::choose(history.paths, crate::RELEASES, versions);
                match (chosen, self.unchecked_versions) {
                    (Some(path), _) => path,
                    (None, true) => operation.path,
                    (None, false) => {
                        return Err(Error::Unsupported {
                            operation: operation.id,
                            server_versions: versions.to_vec(),
                        })
                    }
                }
            }
        };
        let mut path = template.to_owned();
        for (name, value) in params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        Ok(path)
    }

    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a call. Statuses of 400 and above come back as errors: see [`Error::from_answer`].
    pub async fn send(&self, call: Call) -> Result<RawResponse, Error> {
        let (token, in_query) = match call.auth {
            AuthMode::None => (
                self.access_token
                    .as_deref()
                    .filter(|_| self.token_on_open_calls),
                false,
            ),
            AuthMode::Optional { in_query } => (self.access_token.as_deref(), in_query),
            AuthMode::Required { in_query } => (
                Some(self.access_token.as_deref().ok_or(Error::MissingToken)?),
                in_query,
            ),
        };
        let mut query = call.query.clone();
        // An operation with its own `user_id` parameter (appservice queries)
        // says whom it asks about: the assertion does not override it.
        if let Some(user) = &self.asserted_user {
            if !query.iter().any(|(name, _)| name == "user_id") {
                query.push(("user_id".to_owned(), user.clone()));
            }
        }
        if let (Some(token), true) = (token, in_query) {
            query.push(("access_token".to_owned(), token.to_owned()));
        }
        let mut url = format!("{}{}", self.base_url, call.path);
        if !query.is_empty() {
            let encoded = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&query)
                .finish();
            url.push('?');
            url.push_str(&encoded);
        }
        let mut attempt = 0;
        loop {
            let mut request = self.http.request(call.method.clone(), &url);
            if let (Some(token), false) = (token, in_query) {
                request = request.bearer_auth(token);
            }
            if let Some((content_type, bytes)) = &call.body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(bytes.clone());
            }
            let response = request.send().await.map_err(Error::Transport)?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .map(Duration::from_secs);
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(Error::Transport)?.to_vec();
            if status < 400 {
                return Ok(RawResponse {
                    status,
                    content_type,
                    headers,
                    body,
                });
            }
            let error = Error::from_answer(status, &body);
            let wait = match (&error, self.retry) {
                (Error::Matrix(e), Some(policy))
                    if status == 429 && attempt < policy.max_retries =>
                {
                    let asked = e
                        .body
                        .retry_after_ms
                        .map(|ms| Duration::from_millis(ms.max(0) as u64))
                        .or(retry_after)
                        .unwrap_or(Duration::from_secs(1));
                    (asked <= policy.max_delay).then_some(asked)
                }
                _ => None,
            };
            match wait {
                Some(wait) => {
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                }
                None => return Err(error),
            }
        }
    }
}
