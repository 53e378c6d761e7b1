//! The runtime's `serve` against clients that hold connections open: slow
//! request heads, idle sockets, slow bodies, more connections than the cap.
//! Timeouts are configured short; assertions wait generously.

mod common;

use std::time::Duration;

use common::{closed, read_response, start, PATIENCE};
use matrix_api::runtime::server::ServeOptions;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn short(timeout_ms: u64) -> ServeOptions {
    ServeOptions {
        header_read_timeout: Duration::from_millis(timeout_ms),
        body_read_timeout: Duration::from_millis(timeout_ms),
        ..ServeOptions::default()
    }
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed() {
    let (_server, addr) = start(short(200)).await;
    let mut slowloris = TcpStream::connect(addr).await.unwrap();
    slowloris
        .write_all(b"GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    assert!(closed(&mut slowloris).await);
}

#[tokio::test]
async fn an_idle_connection_is_closed() {
    let (_server, addr) = start(short(200)).await;
    let mut silent = TcpStream::connect(addr).await.unwrap();
    assert!(closed(&mut silent).await);
    // So is a kept-alive one after its request.
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(&common::get("/_matrix/client/versions"))
        .await
        .unwrap();
    assert_eq!(read_response(&mut kept).await.status, 200);
    assert!(closed(&mut kept).await);
}

#[tokio::test]
async fn a_late_body_gets_408() {
    let (_server, addr) = start(short(200)).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(
        b"POST /_matrix/client/r0/login HTTP/1.1\r\nHost: localhost\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":",
    )
    .await
    .unwrap();
    let response = read_response(&mut slow).await;
    assert_eq!(response.matrix_error().0, 408);
    assert_eq!(response.matrix_error().1, "M_UNKNOWN");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_while_others_are_served() {
    let options = ServeOptions {
        max_connections: 2,
        ..ServeOptions::default()
    };
    let (_server, addr) = start(options).await;
    // Two served connections, kept alive: the cap is reached.
    let mut first = TcpStream::connect(addr).await.unwrap();
    let mut second = TcpStream::connect(addr).await.unwrap();
    for stream in [&mut first, &mut second] {
        stream
            .write_all(&common::get("/_matrix/client/versions"))
            .await
            .unwrap();
        assert_eq!(read_response(stream).await.status, 200);
    }
    // A third waits in the backlog, unanswered.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(&common::get("/_matrix/client/versions"))
        .await
        .unwrap();
    let waiting = tokio::spawn(async move { read_response(&mut third).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "the third connection was served");
    // The connections already served still are.
    second
        .write_all(&common::get("/_matrix/client/versions"))
        .await
        .unwrap();
    assert_eq!(read_response(&mut second).await.status, 200);
    // One closes: the third is accepted and answered.
    drop(first);
    let answered = tokio::time::timeout(PATIENCE, waiting)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answered.status, 200);
}
