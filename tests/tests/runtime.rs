//! The server runtime's request parsing, on requests no spec operation of
//! `specs/` can produce (a required query parameter, say).

use axum::body::Body;
use axum::extract::Request;
use matrix_api::runtime::server::RequestParts;

async fn parts(uri: &str, headers: &[(&str, &str)], body: &str) -> RequestParts {
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    RequestParts::read(vec![("p0".into(), "!room:example.org".into())], request)
        .await
        .unwrap()
}

#[tokio::test]
async fn query_parameters() {
    let request = parts(
        "/x?limit=10&server_name=a&server_name=b&flag=true&extra=1",
        &[],
        "",
    )
    .await;
    assert_eq!(request.query_required::<i64>("limit").unwrap(), 10);
    assert_eq!(
        request.query_all::<String>("server_name").unwrap(),
        ["a", "b"]
    );
    assert_eq!(request.query::<bool>("flag").unwrap(), Some(true));
    assert_eq!(request.query::<i64>("absent").unwrap(), None);
    let missing = request.query_required::<i64>("absent").unwrap_err();
    assert_eq!(
        (missing.status, missing.errcode()),
        (400, "M_MISSING_PARAM")
    );
    let invalid = request.query_required::<i64>("flag").unwrap_err();
    assert_eq!(
        (invalid.status, invalid.errcode()),
        (400, "M_INVALID_PARAM")
    );
    let rest = request.query_rest(&["limit", "server_name", "flag"]);
    assert_eq!(
        rest.into_iter().collect::<Vec<_>>(),
        [("extra".to_owned(), "1".to_owned())]
    );
    assert_eq!(
        request.path::<String>(0, "roomId").unwrap(),
        "!room:example.org"
    );
    // A trailing path parameter left empty reads as "".
    assert_eq!(request.path::<String>(1, "stateKey").unwrap(), "");
}

#[tokio::test]
async fn the_header_token_wins_over_the_query() {
    let both = parts(
        "/x?access_token=query",
        &[("authorization", "Bearer header")],
        "",
    )
    .await;
    assert_eq!(both.auth().access_token.as_deref(), Some("header"));
    let query = parts("/x?access_token=query", &[], "").await;
    assert_eq!(
        query.require_auth().unwrap().access_token.as_deref(),
        Some("query")
    );
    let none = parts("/x", &[], "").await.require_auth().unwrap_err();
    assert_eq!((none.status, none.errcode()), (401, "M_MISSING_TOKEN"));
}

#[tokio::test]
async fn bodies() {
    let empty = parts("/x", &[], "  ").await;
    assert_eq!(
        empty.json::<serde_json::Value>().unwrap(),
        serde_json::json!({})
    );
    let body = parts("/x", &[], r#"{"user_id": "@a:b", "reason": "x"}"#).await;
    assert!(body.has_body_fields(&["user_id"]));
    assert!(!body.has_body_fields(&["user_id", "medium"]));
    let not_json = parts("/x", &[], "{")
        .await
        .json::<serde_json::Value>()
        .unwrap_err();
    assert_eq!(not_json.errcode(), "M_NOT_JSON");
    let binary = parts("/x", &[("content-type", "image/png")], "\u{1}\u{2}")
        .await
        .binary();
    assert_eq!(
        (binary.content_type.as_str(), binary.data.as_slice()),
        ("image/png", &[1u8, 2][..])
    );
}
