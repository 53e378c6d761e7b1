//! Registration, login, tokens, devices, password and deactivation.

use matrix_api::client_server::types;

use crate::harness::Surface;
use crate::world::{login, password_auth, register, unique, User, PASSWORD};

/// Operations of the account that need nobody else. Returns the refresh token
/// that registration gave, for `refresh`.
pub async fn run(s: &Surface, alice: &User, refresh_token: Option<String>) {
    let anon = s.anonymous();
    s.json("getLoginFlows", anon.get_login_flows()).await;
    let taken = types::CheckUsernameAvailabilityQuery {
        username: unique("free"),
    };
    s.json(
        "checkUsernameAvailability",
        anon.check_username_availability(&taken),
    )
    .await;
    let token = types::RegistrationTokenValidityQuery {
        token: "surface".to_owned(),
    };
    s.json(
        "registrationTokenValidity",
        anon.registration_token_validity(&token),
    )
    .await;
    s.json("getTokenOwner", alice.client.get_token_owner())
        .await;
    let login_token = types::GenerateLoginTokenRequest::default();
    s.json(
        "generateLoginToken",
        alice.client.generate_login_token(&login_token),
    )
    .await;
    if let Some(refresh_token) = refresh_token {
        let body = types::RefreshRequest::new(refresh_token);
        s.json("refresh", anon.refresh(&body)).await;
    }
    devices(s, alice).await;
}

async fn devices(s: &Surface, alice: &User) {
    let second = login(s, alice).await;
    let third = login(s, alice).await;
    s.json("getDevices", alice.client.get_devices()).await;
    s.json("getDevice", alice.client.get_device(&alice.device))
        .await;
    let rename = types::UpdateDeviceRequest {
        display_name: Some("surface".to_owned()),
        ..Default::default()
    };
    s.call(
        "updateDevice",
        alice.client.update_device(&second.device, &rename),
        // Both answers are declared as `{}`: unit variants, encoded as `()` is.
        |_| crate::harness::Encoded::Json(serde_json::Value::Null),
    )
    .await;
    let one = types::DeleteDeviceRequest {
        auth: Some(password_auth(&alice.id, None)),
        ..Default::default()
    };
    s.json(
        "deleteDevice",
        alice.client.delete_device(&second.device, &one),
    )
    .await;
    let many = types::DeleteDevicesRequest {
        auth: Some(password_auth(&alice.id, None)),
        ..types::DeleteDevicesRequest::new(vec![third.device.clone()])
    };
    s.json("deleteDevices", alice.client.delete_devices(&many))
        .await;
}

/// Password, logout and deactivation, each on a user of its own, last.
pub async fn endings(s: &Surface) {
    let (user, _) = register(s, "ending").await;
    let change = types::ChangePasswordRequest {
        logout_devices: Some(false),
        auth: Some(password_auth(&user.id, None)),
        ..types::ChangePasswordRequest::new(PASSWORD)
    };
    s.json("changePassword", user.client.change_password(&change))
        .await;
    let other = login(s, &user).await;
    s.json("logout", other.client.logout()).await;
    let other = login(s, &user).await;
    s.json("logout_all", other.client.logout_all()).await;

    let (user, _) = register(s, "deactivated").await;
    let body = types::DeactivateAccountRequest {
        auth: Some(password_auth(&user.id, None)),
        erase: Some(false),
        ..Default::default()
    };
    s.json("deactivateAccount", user.client.deactivate_account(&body))
        .await;
}
