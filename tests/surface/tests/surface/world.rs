//! The users and rooms the areas share, and how they are made.

use matrix_api::client_server::client::Client;
use matrix_api::client_server::types;
use matrix_api::runtime::ids::UserId;
use serde_json::{json, Map, Value};

use crate::harness::Surface;

pub const PASSWORD: &str = "correct horse";

/// A registered, logged-in user.
#[derive(Clone)]
pub struct User {
    pub client: Client,
    pub id: UserId,
    pub device: String,
}

impl User {
    pub fn local(&self) -> &str {
        self.id.localpart()
    }
}

/// A name no earlier run used (Synapse keeps its database between runs).
pub fn unique(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}{nanos}")
}

/// A JSON object literal as the `Map` bodies of the generated client.
pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Interactive-auth data proving `user` knows the password.
pub fn password_auth(user: &UserId, session: Option<String>) -> types::AuthenticationData {
    let mut extra = std::collections::BTreeMap::new();
    extra.insert(
        "identifier".to_owned(),
        json!({ "type": "m.id.user", "user": user }),
    );
    extra.insert("password".to_owned(), json!(PASSWORD));
    types::AuthenticationData {
        r#type: Some("m.login.password".to_owned()),
        session,
        extra,
    }
}

/// Registers `name` with open registration (`m.login.dummy` passes, as
/// `tests/py/synapse_config.py` needs no verification), asking for a refresh token.
pub async fn register(s: &Surface, name: &str) -> (User, Option<String>) {
    let body = types::RegisterRequest {
        username: Some(unique(name)),
        password: Some(PASSWORD.to_owned()),
        auth: Some(types::AuthenticationData {
            r#type: Some("m.login.dummy".to_owned()),
            ..Default::default()
        }),
        refresh_token: Some(true),
        ..Default::default()
    };
    let query = types::RegisterQuery::default();
    let response = s
        .json("register", s.anonymous().register(&query, &body))
        .await
        .expect("Synapse registers the user");
    let token = response.access_token.expect("registration logs in");
    let user = User {
        client: s.client(&token),
        id: response.user_id,
        device: response.device_id.expect("registration makes a device"),
    };
    (user, response.refresh_token)
}

/// Logs in with the password; a second device of the same user.
pub async fn login(s: &Surface, user: &User) -> User {
    let body = types::LoginRequest {
        identifier: Some(types::UserIdentifier {
            extra: [("user".to_owned(), json!(user.id))].into(),
            ..types::UserIdentifier::new("m.id.user")
        }),
        password: Some(PASSWORD.to_owned()),
        ..types::LoginRequest::new("m.login.password")
    };
    let response = s
        .json("login", s.anonymous().login(&body))
        .await
        .expect("the password logs in");
    User {
        client: s.client(&response.access_token),
        id: response.user_id,
        device: response.device_id,
    }
}

/// The admin `tests/run` registered with the shared secret.
pub async fn admin(s: &Surface, name: &str) -> User {
    let template = User {
        client: s.anonymous(),
        id: format!("@{name}:{}", s.server_name)
            .parse()
            .expect("a valid user ID"),
        device: String::new(),
    };
    login(s, &template).await
}
