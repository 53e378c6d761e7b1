//! What belongs to one user: account data, filters, presence, profile,
//! the user directory, OpenID, pushers and push rules.

use matrix_api::client_server::types;
use matrix_api::events::EventContent;
use serde_json::json;

use crate::harness::Surface;
use crate::rooms::Room;
use crate::world::{object, User};

pub async fn run(s: &Surface, alice: &User, room: &Room) {
    let (c, me) = (&alice.client, &alice.id);
    // Some operations take the user and room IDs as plain strings.
    let (user, id) = (me.as_str(), room.id.as_str());
    // A type the spec does not define travels as it is.
    let data = EventContent::Other {
        event_type: "org.example.surface".to_owned(),
        content: json!({ "colour": "teal" }),
    };
    s.json("setAccountData", c.set_account_data(user, &data))
        .await;
    let got = c.get_account_data(user, "org.example.surface");
    s.content("getAccountData", got).await;
    let set_in_room = c.set_account_data_per_room(user, id, &data);
    s.json("setAccountDataPerRoom", set_in_room).await;
    let in_room = c.get_account_data_per_room(user, id, "org.example.surface");
    s.content("getAccountDataPerRoom", in_room).await;
    let filter = types::Filter {
        event_fields: Some(vec!["content.body".to_owned()]),
        ..Default::default()
    };
    if let Some(made) = s.json("defineFilter", c.define_filter(me, &filter)).await {
        s.json("getFilter", c.get_filter(me, &made.filter_id)).await;
    }
    let presence = types::SetPresenceRequest {
        status_msg: Some("testing".to_owned()),
        ..types::SetPresenceRequest::new(types::SetPresenceRequestPresence::Online)
    };
    s.json("setPresence", c.set_presence(user, &presence)).await;
    s.json("getPresence", c.get_presence(user)).await;
    profile(s, alice).await;
    let lookup = types::SearchUserDirectoryRequest {
        limit: Some(5),
        ..types::SearchUserDirectoryRequest::new(alice.local())
    };
    s.json("searchUserDirectory", c.search_user_directory(&lookup))
        .await;
    let none = Default::default();
    let openid = c.request_open_id_token(user, &none);
    s.json("requestOpenIdToken", openid).await;
}

async fn profile(s: &Surface, alice: &User) {
    let (c, me) = (&alice.client, &alice.id);
    let name = object(json!({ "displayname": "Alice" }));
    s.json(
        "setProfileField",
        c.set_profile_field(me, "displayname", &name),
    )
    .await;
    s.json("getProfileField", c.get_profile_field(me, "displayname"))
        .await;
    let zone = object(json!({ "m.tz": "Europe/London" }));
    s.json("setProfileField", c.set_profile_field(me, "m.tz", &zone))
        .await;
    s.json("deleteProfileField", c.delete_profile_field(me, "m.tz"))
        .await;
    s.json("getUserProfile", c.get_user_profile(me)).await;
}

/// A pusher pointing at the test's own push gateway, and one user rule
/// taken through every push-rule operation.
pub async fn push(s: &Surface, alice: &User, gateway: &str) {
    let c = &alice.client;
    let pusher = types::PostPusherRequest {
        kind: Some("http".to_owned()),
        app_display_name: Some("Surface".to_owned()),
        device_display_name: Some("Surface".to_owned()),
        lang: Some("en".to_owned()),
        data: Some(types::PostPusherRequestData {
            url: Some(format!("{gateway}/_matrix/push/v1/notify")),
            ..Default::default()
        }),
        ..types::PostPusherRequest::new("surface-pushkey", "org.example.surface")
    };
    s.json("postPusher", c.post_pusher(&pusher)).await;
    s.json("getPushers", c.get_pushers()).await;
    s.json("getPushRules", c.get_push_rules()).await;
    s.json("getPushRulesGlobal", c.get_push_rules_global())
        .await;
    let rule = "surface";
    let body = types::SetPushRuleRequest {
        pattern: Some("surface".to_owned()),
        ..types::SetPushRuleRequest::new(vec![types::NotificationActionsItem::String(
            "notify".to_owned(),
        )])
    };
    let kind = types::PushRuleKind::Content;
    s.json(
        "setPushRule",
        c.set_push_rule(&kind, rule, &Default::default(), &body),
    )
    .await;
    let kind = types::PushRuleKind::Content;
    s.json("getPushRule", c.get_push_rule(&kind, rule)).await;
    push_rule_parts(s, alice, rule).await;
    let kind = types::PushRuleKind::Content;
    s.json("deletePushRule", c.delete_push_rule(&kind, rule))
        .await;
}

async fn push_rule_parts(s: &Surface, alice: &User, rule: &str) {
    let c = &alice.client;
    let actions = types::PushRuleActions::new(vec![types::NotificationActionsItem::String(
        "notify".to_owned(),
    )]);
    let kind = types::PushRuleKind::Content;
    s.json(
        "setPushRuleActions",
        c.set_push_rule_actions(&kind, rule, &actions),
    )
    .await;
    let kind = types::PushRuleKind::Content;
    s.json("getPushRuleActions", c.get_push_rule_actions(&kind, rule))
        .await;
    let enabled = types::PushRuleEnabled::new(false);
    let kind = types::PushRuleKind::Content;
    s.json(
        "setPushRuleEnabled",
        c.set_push_rule_enabled(&kind, rule, &enabled),
    )
    .await;
    let kind = types::PushRuleKind::Content;
    s.json("isPushRuleEnabled", c.is_push_rule_enabled(&kind, rule))
        .await;
}
