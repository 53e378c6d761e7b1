//! The server runtime's request parsing, on requests no spec operation of
//! `specs/` can produce (a required query parameter, say).

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use matrix_api::runtime::server::RequestParts;
use tower::ServiceExt;

/// `uri` (`/x?...`) as a handler reads it on a route of one path parameter,
/// matched by `!room:example.org`.
async fn parts(uri: &str, headers: &[(&str, &str)], body: &str) -> RequestParts {
    let uri = uri.replacen("/x", "/rooms/!room:example.org/x", 1);
    let mut request = Request::builder().uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let read = Arc::new(Mutex::new(None));
    let slot = read.clone();
    let handler = move |request: RequestParts| async move {
        *slot.lock().unwrap() = Some(request);
    };
    let router = axum::Router::new().route("/rooms/{p0}/x", axum::routing::any(handler));
    router.oneshot(request).await.unwrap();
    let request = read.lock().unwrap().take();
    request.expect("the route was matched and the request read")
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
    let blank = parts("/x", &[], " \n").await;
    let blank = blank.json::<serde_json::Value>(false, &[]).unwrap_err();
    assert_eq!(blank.errcode(), "M_NOT_JSON");
    let empty = parts("/x", &[], "").await;
    assert_eq!(
        empty.json::<serde_json::Value>(false, &[]).unwrap(),
        serde_json::json!({})
    );
    // A required body that is absent is not read as `{}`.
    let missing = empty.json_object::<Change>(true, &[]).unwrap_err();
    assert_eq!((missing.status, missing.errcode()), (400, "M_NOT_JSON"));
    let body = parts("/x", &[], r#"{"user_id": "@a:b", "reason": "x"}"#).await;
    assert!(body.has_body_fields(&["user_id"]));
    assert!(!body.has_body_fields(&["user_id", "medium"]));
    let not_json = parts("/x", &[], "{")
        .await
        .json::<serde_json::Value>(true, &[])
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

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Change {
    user_id: String,
    reason: Option<String>,
    inner: Option<Inner>,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Inner {
    limit: i64,
}

#[tokio::test]
async fn object_bodies_refuse_other_shapes() {
    // serde's derive reads `["@a:b", null]` as a struct; an object body must not.
    let array = parts("/x", &[], r#"["@a:b", null, null]"#).await;
    assert!(array.json::<Change>(true, &[]).is_ok());
    let refused = array.json_object::<Change>(true, &[]).unwrap_err();
    assert_eq!((refused.status, refused.errcode()), (400, "M_BAD_JSON"));
    let scalar = parts("/x", &[], "3").await.json_object::<Change>(true, &[]);
    assert_eq!(scalar.unwrap_err().errcode(), "M_BAD_JSON");
}

#[tokio::test]
async fn bad_json_names_the_field() {
    let nested = parts(
        "/x",
        &[],
        r#"{"user_id": "@a:b", "inner": {"limit": "ten"}}"#,
    )
    .await;
    let error = nested.json_object::<Change>(true, &[]).unwrap_err();
    assert_eq!((error.status, error.errcode()), (400, "M_BAD_JSON"));
    assert!(error.body.error.starts_with("inner.limit: "), "{error}");
    let missing = parts("/x", &[], r#"{"reason": "x"}"#).await;
    let error = missing.json_object::<Change>(true, &[]).unwrap_err();
    assert!(error.body.error.contains("user_id"), "{error}");
}
