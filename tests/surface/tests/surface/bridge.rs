//! An application service as a bridge uses one: it registers users in its
//! namespace with its own token and acts as each of them by asserting
//! `user_id`, all through one client.

use matrix_api::client_server::client::Client;
use matrix_api::client_server::types;
use serde_json::json;

use crate::local::APPSERVICE_TOKEN;
use crate::world::unique;

pub async fn run(synapse: &str) {
    let bridge = Client::new(synapse).with_access_token(APPSERVICE_TOKEN);
    let me = bridge
        .get_token_owner()
        .await
        .expect("Synapse knows the appservice's token");
    assert_eq!(me.user_id.localpart(), "surface-bridge", "its sender");

    // `register` declares no security: the token goes with it anyway, and
    // with it the appservice registration type.
    let name = unique("surface-bridge_puppet");
    let body = types::RegisterRequest {
        username: Some(name.clone()),
        inhibit_login: Some(true),
        extra: [("type".to_owned(), json!("m.login.application_service"))].into(),
        ..Default::default()
    };
    let registered = bridge
        .register(&types::RegisterQuery::default(), &body)
        .await
        .expect("the appservice registers a user in its namespace");
    assert_eq!(registered.user_id.localpart(), name);

    let puppet = bridge
        .clone()
        .with_asserted_user(registered.user_id.as_str());
    let owner = puppet
        .get_token_owner()
        .await
        .expect("the appservice acts as its user");
    assert_eq!(owner.user_id, registered.user_id);

    // The assertion stays with the clone: the bridge's own client is itself.
    let me_again = bridge.get_token_owner().await.expect("whoami");
    assert_eq!(me_again.user_id, me.user_id);
}
