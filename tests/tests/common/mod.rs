//! Raw HTTP over loopback, for requests no well-behaved client sends.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use matrix_api::runtime::server::ServeOptions;
use membership_server::MembershipServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough for a loaded 2-core CI machine; only reached when a test fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub async fn start(options: ServeOptions) -> (MembershipServer, SocketAddr) {
    let server = MembershipServer::new("localhost");
    let (addr, _task) = server
        .serve_with(([127, 0, 0, 1], 0).into(), options)
        .await
        .unwrap();
    (server, addr)
}

/// A response as read off the wire.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The Matrix error of the body: (status, errcode, error).
    pub fn matrix_error(&self) -> (u16, String, String) {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        let body: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
        (self.status, text("errcode"), text("error"))
    }
}

/// Sends `request` as is on a new connection and reads until the server closes it.
pub async fn send(addr: SocketAddr, request: &[u8]) -> Raw {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut bytes))
        .await
        .expect("the server closes the connection")
        .ok();
    parse(&bytes)
}

/// Reads one response from a kept-alive connection (the body by `content-length`).
pub async fn read_response(stream: &mut TcpStream) -> Raw {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            if let Some(end) = find(&bytes, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&bytes[..end]).to_string();
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if bytes.len() >= end + 4 + length {
                    return;
                }
            }
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed mid-response");
            bytes.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .expect("a response");
    parse(&bytes)
}

/// Whether the server closes `stream` (EOF or reset) within [`PATIENCE`].
pub async fn closed(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut rest))
        .await
        .is_ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse(bytes: &[u8]) -> Raw {
    let end = find(bytes, b"\r\n\r\n").unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..end]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = bytes.get(end + 4..).unwrap_or_default().to_vec();
    Raw { status, head, body }
}

/// A request with `Connection: close`, a JSON body and optional token.
pub fn post(path: &str, token: Option<&str>, body: &str) -> Vec<u8> {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").into_bytes()
}
