//! The peers Synapse calls out to, served by the test on loopback: the
//! application service `tests/py/synapse_config.py` registers (on the port
//! `tests/run` passes in `SURFACE_APPSERVICE_PORT`) and a push gateway.
//!
//! Their answers are just enough for the client-server operations that
//! reach them (ping, third-party lookups, pushers) to succeed.

use axum::routing::{any, get, post, put};
use axum::Json;
use serde_json::{json, Value};

/// The names `tests/py/synapse_config.py` gives the application service.
pub const APPSERVICE_ID: &str = "surface";
pub const APPSERVICE_TOKEN: &str = "surface-as-token";
pub const PROTOCOL: &str = "surface";

/// Serves the application service (and push gateway) on `port`.
pub async fn serve(port: u16) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the application service port is free");
    let app = axum::Router::new()
        .route("/_matrix/app/v1/ping", post(empty))
        .route("/_matrix/app/v1/transactions/{txn}", put(empty))
        .route(
            "/_matrix/app/v1/thirdparty/protocol/{protocol}",
            get(protocol),
        )
        .route("/_matrix/app/v1/thirdparty/location", get(locations))
        .route(
            "/_matrix/app/v1/thirdparty/location/{protocol}",
            get(locations),
        )
        .route("/_matrix/app/v1/thirdparty/user", get(users))
        .route("/_matrix/app/v1/thirdparty/user/{protocol}", get(users))
        .route("/_matrix/push/v1/notify", post(notify))
        .fallback(any(empty));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://127.0.0.1:{port}")
}

async fn empty() -> Json<Value> {
    Json(json!({}))
}

async fn notify() -> Json<Value> {
    Json(json!({ "rejected": [] }))
}

async fn protocol() -> Json<Value> {
    Json(json!({
        "user_fields": ["name"],
        "location_fields": ["room"],
        "icon": "mxc://localhost/icon",
        "field_types": {
            "name": { "regexp": ".*", "placeholder": "someone" },
            "room": { "regexp": ".*", "placeholder": "somewhere" },
        },
        "instances": [
            { "desc": "The surface test", "network_id": "surface-net", "fields": {} }
        ],
    }))
}

async fn locations() -> Json<Value> {
    Json(json!([{
        "alias": "#surface-bridge_lobby:localhost",
        "protocol": PROTOCOL,
        "fields": { "room": "lobby" },
    }]))
}

async fn users() -> Json<Value> {
    Json(json!([{
        "userid": "@surface-bridge_someone:localhost",
        "protocol": PROTOCOL,
        "fields": { "name": "someone" },
    }]))
}
