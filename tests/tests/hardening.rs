//! Requests a careful client never sends, over loopback: each is refused
//! with a Matrix error (a JSON body with `errcode` and `error`), except where
//! hyper answers before any service runs (see `runtime/serve.rs`).

mod common;

use common::{post, send, start};
use matrix_api::runtime::server::ServeOptions;

async fn register(addr: std::net::SocketAddr, name: &str) -> String {
    let body = format!(r#"{{"username": "{name}", "password": "secret"}}"#);
    let response = send(addr, &post("/_matrix/client/r0/register", None, &body)).await;
    assert_eq!(response.status, 200, "{response:?}");
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn invalid_utf8_in_a_path_parameter_names_the_parameter() {
    let (_server, addr) = start(ServeOptions::default()).await;
    let token = register(addr, "alice").await;
    let request = post("/_matrix/client/r0/join/%FF%FE", Some(&token), "{}");
    let (status, errcode, error) = send(addr, &request).await.matrix_error();
    assert_eq!((status, errcode.as_str()), (400, "M_INVALID_PARAM"));
    assert!(error.contains("roomIdOrAlias"), "{error}");
    assert!(!error.contains("p0"), "{error}");
}

#[tokio::test]
async fn a_malformed_chunked_body_is_not_json_and_not_too_large() {
    let (_server, addr) = start(ServeOptions::default()).await;
    let request = b"POST /_matrix/client/r0/login HTTP/1.1\r\nHost: localhost\r\n\
        Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
    let (status, errcode, _) = send(addr, request).await.matrix_error();
    assert_eq!((status, errcode.as_str()), (400, "M_NOT_JSON"));
}

#[tokio::test]
async fn only_a_body_over_the_limit_is_too_large() {
    let (_server, addr) = start(ServeOptions::default()).await;
    let request = format!(
        "POST /_matrix/client/r0/login HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{{}}",
        matrix_api::runtime::server::MAX_BODY_BYTES + 1
    );
    let (status, errcode, _) = send(addr, request.as_bytes()).await.matrix_error();
    assert_eq!((status, errcode.as_str()), (413, "M_TOO_LARGE"));
}

#[tokio::test]
async fn bodies_of_the_wrong_shape_are_refused() {
    let (_server, addr) = start(ServeOptions::default()).await;
    let login = "/_matrix/client/r0/login";
    let cases = [
        // An array where the spec declares an object.
        (r#"["m.login.password", null]"#, "M_BAD_JSON"),
        // A required body left out.
        ("", "M_NOT_JSON"),
        ("not json", "M_NOT_JSON"),
        (r#"{"type": 5}"#, "M_BAD_JSON"),
        // `null` for an optional field the schema does not make nullable.
        (
            r#"{"type": "m.login.password", "password": null}"#,
            "M_BAD_JSON",
        ),
        // A value the spec's enum does not list.
        (r#"{"type": "m.login.carrier_pigeon"}"#, "M_BAD_JSON"),
    ];
    for (body, expected) in cases {
        let (status, errcode, error) = send(addr, &post(login, None, body)).await.matrix_error();
        assert_eq!(
            (status, errcode.as_str()),
            (400, expected),
            "{body}: {error}"
        );
    }
    let (_, _, error) = send(addr, &post(login, None, r#"{"type": 5}"#))
        .await
        .matrix_error();
    assert!(error.starts_with("type: "), "{error}");
}

#[tokio::test]
async fn an_unlisted_query_enum_value_is_an_invalid_parameter() {
    let (_server, addr) = start(ServeOptions::default()).await;
    let token = register(addr, "alice").await;
    let request = format!(
        "GET /_matrix/client/r0/rooms/!r:localhost/members?membership=lurking HTTP/1.1\r\n\
         Host: localhost\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    let (status, errcode, error) = send(addr, request.as_bytes()).await.matrix_error();
    assert_eq!(
        (status, errcode.as_str()),
        (400, "M_INVALID_PARAM"),
        "{error}"
    );
    assert!(error.contains("membership"), "{error}");
}

#[tokio::test]
async fn unknown_paths_and_methods_are_matrix_errors() {
    let (_server, addr) = start(ServeOptions::default()).await;
    let unknown = post("/_matrix/client/r0/nowhere", None, "{}");
    let (status, errcode, _) = send(addr, &unknown).await.matrix_error();
    assert_eq!((status, errcode.as_str()), (404, "M_UNRECOGNIZED"));
    let wrong_method = post("/_matrix/client/versions", None, "{}");
    let (status, errcode, _) = send(addr, &wrong_method).await.matrix_error();
    assert_eq!((status, errcode.as_str()), (405, "M_UNRECOGNIZED"));
}

/// hyper answers an unparseable request head itself, before any service: the
/// status is right but the body is empty (documented in `runtime/serve.rs`).
#[tokio::test]
async fn hyper_answers_unparseable_heads_itself() {
    let options = ServeOptions {
        max_header_bytes: 8 * 1024,
        ..ServeOptions::default()
    };
    let (_server, addr) = start(options).await;
    let garbage = send(addr, b"GET / HTTP/1.1\r\nBad Header\r\n\r\n").await;
    assert_eq!(garbage.status, 400);
    let huge = format!(
        "GET /_matrix/client/versions HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
        "a".repeat(16 * 1024)
    );
    assert_eq!(send(addr, huge.as_bytes()).await.status, 431);
}

#[tokio::test]
async fn access_tokens_are_random_and_distinct() {
    let (server, addr) = start(ServeOptions::default()).await;
    let mut tokens = std::collections::BTreeSet::new();
    for i in 0..50 {
        let token = register(addr, &format!("user{i}")).await;
        let hex = token.strip_prefix("syt_").expect("the syt_ prefix");
        // 160 bits, hex.
        assert_eq!(hex.len(), 40, "{token}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
        tokens.insert(token);
    }
    assert_eq!(tokens.len(), 50);
    assert_eq!(server.state().token_count(), 50);
    // Consecutive tokens share no long prefix, as counters would.
    let list: Vec<_> = tokens.iter().collect();
    let shared = list
        .windows(2)
        .map(|w| {
            w[0].bytes()
                .zip(w[1].bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap();
    assert!(shared < 4 + 8, "tokens look sequential: {list:?}");
}
