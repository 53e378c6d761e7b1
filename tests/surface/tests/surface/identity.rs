//! Third-party identifiers, server administration, SSO and application services.

use matrix_api::client_server::types;
use matrix_api::runtime::ids::RoomId;

use crate::harness::{Encoded, Surface};
use crate::local::{APPSERVICE_ID, APPSERVICE_TOKEN};
use crate::world::{password_auth, User};

/// No identity server, email or SMS sender is configured, so these end in
/// errors; they are still sent, so that each error is Synapse's own.
#[allow(deprecated)]
pub async fn third_party_ids(s: &Surface, alice: &User) {
    let c = &alice.client;
    s.json("getAccount3PIDs", c.get_account_3pids()).await;
    let creds =
        types::ThreePidCredentials::new("surface-secret", "127.0.0.1:9", "none", "surface-sid");
    let old = types::Post3pidsRequest::new(creds);
    s.json("post3PIDs", c.post_3pids(&old)).await;
    let add = types::Add3pidRequest {
        auth: Some(password_auth(&alice.id, None)),
        ..types::Add3pidRequest::new("surface-secret", "surface-sid")
    };
    s.json("add3PID", c.add_3pid(&add)).await;
    let bind = types::Bind3pidRequest::new("surface-secret", "127.0.0.1:9", "none", "surface-sid");
    s.json("bind3PID", c.bind_3pid(&bind)).await;
    let delete = types::Delete3pidFromAccountRequest::new(
        types::ThirdPartyIdentifierMedium::Email,
        "nobody@localhost",
    );
    s.json("delete3pidFromAccount", c.delete_3pid_from_account(&delete))
        .await;
    let unbind = types::Unbind3pidFromAccountRequest {
        id_server: Some("127.0.0.1:9".to_owned()),
        ..types::Unbind3pidFromAccountRequest::new(
            types::ThirdPartyIdentifierMedium::Email,
            "nobody@localhost",
        )
    };
    s.json("unbind3pidFromAccount", c.unbind_3pid_from_account(&unbind))
        .await;
    validation_requests(s, alice).await;
}

async fn validation_requests(s: &Surface, alice: &User) {
    let email = types::RequestEmailValidation::new("surface-secret", "nobody@localhost", 1);
    let sms = types::RequestMsisdnValidation::new("surface-secret", "GB", "07700900001", 1);
    let (c, anon) = (&alice.client, s.anonymous());
    s.json(
        "requestTokenTo3PIDEmail",
        c.request_token_to_3pid_email(&email),
    )
    .await;
    s.json(
        "requestTokenTo3PIDMSISDN",
        c.request_token_to_3pid_msisdn(&sms),
    )
    .await;
    s.json(
        "requestTokenToRegisterEmail",
        anon.request_token_to_register_email(&email),
    )
    .await;
    s.json(
        "requestTokenToRegisterMSISDN",
        anon.request_token_to_register_msisdn(&sms),
    )
    .await;
    s.json(
        "requestTokenToResetPasswordEmail",
        anon.request_token_to_reset_password_email(&email),
    )
    .await;
    s.json(
        "requestTokenToResetPasswordMSISDN",
        anon.request_token_to_reset_password_msisdn(&sms),
    )
    .await;
}

/// What the admin may do to `target`.
pub async fn admin(s: &Surface, admin: &User, target: &User) {
    let c = &admin.client;
    s.json("getWhoIs", c.get_who_is(target.id.as_str())).await;
    let lock = types::AdminLockUser::new(false);
    s.json("setAdminLockUser", c.set_admin_lock_user(&target.id, &lock))
        .await;
    s.json("getAdminLockUser", c.get_admin_lock_user(&target.id))
        .await;
    let suspend = types::AdminSuspendUser::new(false);
    s.json(
        "setAdminSuspendUser",
        c.set_admin_suspend_user(&target.id, &suspend),
    )
    .await;
    s.json("getAdminSuspendUser", c.get_admin_suspend_user(&target.id))
        .await;
}

/// A redirect has no body to compare: its answer is the `Location`.
fn redirect<T>(_: &T) -> Encoded {
    Encoded::Nothing
}

/// Single sign-on and the authorization-server metadata.
pub async fn sso(s: &Surface) {
    let anon = s.anonymous();
    let query = types::RedirectToSsoQuery {
        redirect_url: "http://127.0.0.1/done".to_owned(),
        action: None,
    };
    s.call("redirectToSSO", anon.redirect_to_sso(&query), redirect)
        .await;
    let query = types::RedirectToIdpQuery {
        redirect_url: "http://127.0.0.1/done".to_owned(),
        action: None,
    };
    s.call(
        "redirectToIdP",
        anon.redirect_to_idp("surface-idp", &query),
        redirect,
    )
    .await;
    s.json("getAuthMetadata", anon.get_auth_metadata()).await;
}

/// The application service of `tests/py/synapse_config.py`, as itself.
pub async fn appservice(s: &Surface, room: &RoomId) {
    let c = s.client(APPSERVICE_TOKEN);
    let ping = types::PingAppserviceRequest {
        transaction_id: Some("surface-ping".to_owned()),
        ..Default::default()
    };
    s.json("pingAppservice", c.ping_appservice(APPSERVICE_ID, &ping))
        .await;
    let visibility = types::UpdateAppserviceRoomDirectoryVisibilityRequest::new(
        types::RoomRequestVisibility::Public,
    );
    s.json(
        "updateAppserviceRoomDirectoryVisibility",
        c.update_appservice_room_directory_visibility("surface-net", room.as_str(), &visibility),
    )
    .await;
}
