//! Serving a router on a TCP listener with the limits a public homeserver
//! needs. `axum::serve` has none: a client that sends half a request head, or
//! opens sockets and stays silent, holds a task and a file descriptor forever.
//!
//! What hyper answers by itself: a request head that cannot be parsed gets
//! 400, one longer than [`ServeOptions::max_header_bytes`] (or with more than
//! [`ServeOptions::max_headers`] fields) gets 431, and a URI over 64 KiB gets
//! 414. hyper writes these before a request exists, so no service or layer
//! sees them and hyper offers no hook to give them a body: they go out with
//! an empty body and the connection is closed. Everything after the head
//! (paths, bodies, methods) reaches the router, which answers with Matrix
//! errors.
//!
//! Only HTTP/1 is served: the crate's axum is built for HTTP/1, and HTTP/2
//! without TLS (h2c) is not what Matrix clients speak.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};

/// The limits [`serve`] enforces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeOptions {
    /// How long a connection may take to send a complete request head. It
    /// also bounds how long an idle keep-alive connection is kept open, since
    /// hyper waits for the next head with the same timer.
    pub header_read_timeout: Duration,
    /// How long a request may take to send its whole body, counted from the
    /// moment its head arrived. A late body is answered with 408.
    pub body_read_timeout: Duration,
    /// Connections served at once. Beyond it no connection is accepted: new
    /// ones wait in the kernel's listen backlog (and are refused when that is
    /// full) until a served one closes.
    pub max_connections: usize,
    /// The largest request head (request line and header fields) in bytes;
    /// hyper needs at least 8 KiB.
    pub max_header_bytes: usize,
    /// The most header fields a request may carry.
    pub max_headers: usize,
}

impl Default for ServeOptions {
    /// Figures for a public homeserver: generous to slow mobile clients,
    /// short enough that idle or stalled sockets do not pile up.
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(60),
            max_connections: 4096,
            max_header_bytes: 64 * 1024,
            max_headers: 100,
        }
    }
}

/// The error a request body yields when it is still arriving after
/// [`ServeOptions::body_read_timeout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("timed out reading the request body")
    }
}

impl std::error::Error for BodyTimeout {}

/// Serves `service` (a router, possibly wrapped in layers) on `listener`
/// until the future is dropped. It returns only if the listener is unusable.
pub async fn serve<S>(listener: TcpListener, service: S, options: ServeOptions) -> std::io::Result<()>
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let permits = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_buf_size(options.max_header_bytes.max(8 * 1024))
        .max_headers(options.max_headers);
    loop {
        // Taking the permit before accepting leaves surplus connections in
        // the backlog, where they cost this process nothing.
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(error) if is_connection_error(&error) => continue,
            Err(_) => {
                // Out of file descriptors, most likely: wait for some to close
                // instead of spinning.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let connection = http.serve_connection(
            TokioIo::new(stream),
            Adapter {
                service: service.clone(),
                body_read_timeout: options.body_read_timeout,
            },
        );
        tokio::spawn(async move {
            // A connection's errors (resets, timeouts) concern only that peer.
            let _ = connection.await;
            drop(permit);
        });
    }
}

fn is_connection_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// hyper's view of a tower service, with the body deadline added to each request.
struct Adapter<S> {
    service: S,
    body_read_timeout: Duration,
}

impl<S> hyper::service::Service<hyper::Request<hyper::body::Incoming>> for Adapter<S>
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        let deadline = Instant::now() + self.body_read_timeout;
        let request = request.map(|body| {
            Body::new(TimedBody {
                inner: body,
                deadline,
                sleep: None,
            })
        });
        let mut service = self.service.clone();
        Box::pin(async move {
            std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
            service.call(request).await
        })
    }
}

/// A request body that fails with [`BodyTimeout`] once its deadline passes.
struct TimedBody {
    inner: hyper::body::Incoming,
    deadline: Instant,
    /// Made on the first poll, so that bodiless requests arm no timer.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|result| result.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
