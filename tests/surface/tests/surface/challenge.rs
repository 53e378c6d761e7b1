//! Interactive authentication against Synapse: the 401 that asks for it is
//! its own error, with typed flows and a session the next attempt answers.

use matrix_api::client_server::client::Client;
use matrix_api::client_server::types;
use matrix_api::runtime::client::Error;

use crate::world::{password_auth, unique, PASSWORD};

pub async fn run(synapse: &str) {
    let body = types::RegisterRequest {
        username: Some(unique("challenged")),
        password: Some(PASSWORD.to_owned()),
        auth: Some(types::AuthenticationData {
            r#type: Some("m.login.dummy".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let registered = Client::new(synapse)
        .register(&types::RegisterQuery::default(), &body)
        .await
        .expect("Synapse registers the user");
    let client = Client::new(synapse)
        .with_access_token(registered.access_token.expect("registration logs in"));
    let device = registered.device_id.expect("registration makes a device");

    let unauthenticated = client
        .delete_device(&device, &types::DeleteDeviceRequest::default())
        .await;
    let challenge = match unauthenticated {
        Err(Error::InteractiveAuth(challenge)) => challenge,
        other => panic!("deleting a device asks for interactive auth: {other:?}"),
    };
    assert!(
        challenge.offers(&["m.login.password"]),
        "Synapse offers the password: {:?}",
        challenge.flows
    );
    assert_eq!(challenge.errcode, None, "a first challenge is no failure");
    let session = challenge
        .session
        .clone()
        .expect("a challenge opens a session");

    let mut wrong = password_auth(&registered.user_id, Some(session.clone()));
    wrong
        .extra
        .insert("password".to_owned(), serde_json::json!("not the password"));
    let refused = client
        .delete_device(
            &device,
            &types::DeleteDeviceRequest {
                auth: Some(wrong),
                ..Default::default()
            },
        )
        .await;
    match refused {
        Err(Error::InteractiveAuth(again)) => {
            assert_eq!(again.errcode.as_deref(), Some("M_FORBIDDEN"));
            assert_eq!(again.session.as_deref(), Some(session.as_str()));
        }
        other => panic!("a wrong password is a failed stage: {other:?}"),
    }

    let auth = password_auth(&registered.user_id, Some(session));
    client
        .delete_device(
            &device,
            &types::DeleteDeviceRequest {
                auth: Some(auth),
                ..Default::default()
            },
        )
        .await
        .expect("the password completes the flow");
}
