//! A recording reverse proxy in front of Synapse.
//!
//! The generated client hands back decoded values only. To see what it dropped
//! on the way, the test needs the raw body it decoded, so every client of the
//! test talks to this proxy, which forwards to Synapse unchanged and keeps the
//! last answer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// One answer as Synapse sent it.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub body: Bytes,
}

struct Shared {
    upstream: String,
    http: reqwest::Client,
    last: Mutex<Option<Exchange>>,
    /// The method and path of every request forwarded, in order.
    requested: Mutex<Vec<String>>,
}

/// The running proxy: its URL and the last answer it forwarded.
#[derive(Clone)]
pub struct Proxy {
    pub url: String,
    shared: Arc<Shared>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Proxy {
        let http = reqwest::Client::builder()
            // Redirects go back to the client as they are: following them is the
            // client's business, and the test wants to see the 3xx itself.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("a reqwest client");
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http,
            last: Mutex::new(None),
            requested: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the proxy");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Proxy { url, shared }
    }

    /// Forgets the last answer, so that a call that never reached Synapse
    /// cannot be compared with an earlier one.
    pub fn clear(&self) {
        *self.shared.last.lock().unwrap() = None;
    }

    pub fn last(&self) -> Option<Exchange> {
        self.shared.last.lock().unwrap().clone()
    }

    /// `GET /_matrix/...` for each request forwarded so far.
    pub fn requested(&self) -> Vec<String> {
        self.shared.requested.lock().unwrap().clone()
    }
}

async fn forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 << 20).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let request_line = format!("{} {}", parts.method, parts.uri.path());
    shared.requested.lock().unwrap().push(request_line);
    let mut headers = parts.headers.clone();
    headers.remove(axum::http::header::HOST);
    let sent = shared
        .http
        .request(parts.method, format!("{}{target}", shared.upstream))
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = answer.status();
    let mut headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        // The body is passed on whole, so its framing is axum's to set again.
        if name != "transfer-encoding" && name != "content-length" && name != "connection" {
            headers.append(name.clone(), value.clone());
        }
    }
    let body = answer.bytes().await.unwrap_or_default();
    *shared.last.lock().unwrap() = Some(Exchange { body: body.clone() });
    (status, headers, Body::from(body)).into_response()
}
