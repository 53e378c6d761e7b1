//! A Matrix membership server held in memory, built on the generated server traits.
//!
//! This is the example to copy when building a server on `matrix-api`:
//! [`rooms`] holds the state, and the modules beside it the rules, free of
//! HTTP; [`r0`] and [`v1`] implement the generated traits of each API era by
//! calling into them; and [`MembershipServer::router`] serves both eras from
//! one axum router.
//!
//! Rooms are kept as typed events: each event's content is the generated
//! [`matrix_api::events::EventContent`], and the room's membership, join
//! rule and power levels are read from its current state events.

pub mod accounts;
pub mod events;
pub mod membership;
pub mod power_levels;
pub mod r0;
pub mod rooms;
pub mod sending;
pub mod timeline;
pub mod v1;

/// The generated crate the server is built on, for code that converts
/// between it and another.
pub use matrix_api;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use matrix_api::runtime::server::{serve, ServeOptions};
use matrix_api::runtime::{Auth, MatrixError};
use rooms::Homeserver;

/// The server: cheap to clone, every clone sharing one state.
#[derive(Clone, Debug)]
pub struct MembershipServer {
    state: Arc<Mutex<Homeserver>>,
}

impl MembershipServer {
    pub fn new(server_name: &str) -> Self {
        MembershipServer {
            state: Arc::new(Mutex::new(Homeserver::new(server_name))),
        }
    }

    /// The state, for inspection in tests and for configuration.
    pub fn state(&self) -> MutexGuard<'_, Homeserver> {
        // A panic while holding the lock leaves the state as it was; keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The caller's user id, from the request's token.
    fn user(&self, auth: &Auth) -> Result<String, MatrixError> {
        self.state().authenticate(auth.access_token.as_deref())
    }

    /// One router for both API eras: the r0 (`/_matrix/client/r0/...`) and
    /// the 2015 (`/_matrix/client/api/v1/...`) paths.
    pub fn router(&self) -> axum::Router {
        let routes = matrix_api::r0::server::routes::<Self>()
            .merge(matrix_api::v1::server::routes::<Self>());
        matrix_api::runtime::server::finish(routes).with_state(Arc::new(self.clone()))
    }

    /// Serves on `addr` (port 0 for any free port) with the runtime's default
    /// limits; returns the bound address.
    pub async fn serve(
        &self,
        addr: SocketAddr,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        self.serve_with(addr, ServeOptions::default()).await
    }

    /// Serves on `addr` with `options` (timeouts, connection cap). The r0 API
    /// also answers under `/_matrix/client/v3`, its later name, as Synapse
    /// does: clients such as matrix-nio speak only v3.
    pub async fn serve_with(
        &self,
        addr: SocketAddr,
        options: ServeOptions,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let bound = listener.local_addr()?;
        let app = tower::util::MapRequest::new(self.router(), v3_as_r0);
        let task = tokio::spawn(async move {
            // Serving ends only with the task.
            let _ = serve(listener, app, options).await;
        });
        Ok((bound, task))
    }
}

/// Rewrites `/_matrix/client/v3/...` to `/_matrix/client/r0/...` before routing.
fn v3_as_r0(mut request: axum::extract::Request) -> axum::extract::Request {
    const V3: &str = "/_matrix/client/v3/";
    let uri = request.uri();
    if let Some(rest) = uri.path().strip_prefix(V3) {
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        if let Ok(rewritten) = format!("/_matrix/client/r0/{rest}{query}").parse() {
            *request.uri_mut() = rewritten;
        }
    }
    request
}

/// The README's examples, compiled as doctests so that they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
