//! Rooms: creation, aliases, membership, the directory, state and tags.

use matrix_api::client_server::types;
use serde_json::json;

use crate::harness::Surface;
use crate::world::{object, unique, User};

/// The public room every later area uses: alice created it, bob is in it.
pub struct Room {
    pub id: String,
    pub alias: String,
}

pub async fn create(s: &Surface, alice: &User, bob: &User) -> Room {
    let local = unique("surface");
    let body = types::CreateRoomRequest {
        preset: Some(types::CreateRoomRequestPreset::PublicChat),
        room_alias_name: Some(local.clone()),
        name: Some("Surface".to_owned()),
        topic: Some("Every operation once".to_owned()),
        ..Default::default()
    };
    let id = s
        .json("createRoom", alice.client.create_room(&body))
        .await
        .expect("alice creates the room")
        .room_id;
    let room = Room {
        id,
        alias: format!("#{local}:{}", s.server_name),
    };
    aliases(s, alice, &room).await;
    let via = types::JoinRoomQuery {
        via: vec![s.server_name.clone()],
    };
    s.json(
        "joinRoom",
        bob.client.join_room(&room.alias, &via, &Default::default()),
    )
    .await;
    s.json(
        "leaveRoom",
        bob.client.leave_room(&room.id, &Default::default()),
    )
    .await;
    let invite = types::InviteUserRequest {
        user_id: bob.id.clone(),
        reason: None,
    };
    s.json("inviteUser", alice.client.invite_user(&room.id, &invite))
        .await;
    s.json(
        "joinRoomById",
        bob.client.join_room_by_id(&room.id, &Default::default()),
    )
    .await;
    room
}

async fn aliases(s: &Surface, alice: &User, room: &Room) {
    let c = &alice.client;
    s.json("getRoomIdByAlias", c.get_room_id_by_alias(&room.alias))
        .await;
    let extra = format!("#{}:{}", unique("extra"), s.server_name);
    let body = types::SetRoomAliasRequest {
        room_id: room.id.clone(),
    };
    s.json("setRoomAlias", c.set_room_alias(&extra, &body))
        .await;
    s.json("getLocalAliases", c.get_local_aliases(&room.id))
        .await;
    s.json("deleteRoomAlias", c.delete_room_alias(&extra)).await;
}

/// Reading the room: members, state, the directory, summaries.
pub async fn read(s: &Surface, alice: &User, room: &Room) {
    let c = &alice.client;
    s.json("getJoinedRooms", c.get_joined_rooms()).await;
    s.json(
        "getJoinedMembersByRoom",
        c.get_joined_members_by_room(&room.id),
    )
    .await;
    s.json(
        "getMembersByRoom",
        c.get_members_by_room(&room.id, &Default::default()),
    )
    .await;
    s.json("getRoomState", c.get_room_state(&room.id)).await;
    let topic = object(json!({ "topic": "Still every operation once" }));
    s.json(
        "setRoomStateWithKey",
        c.set_room_state_with_key(&room.id, "m.room.topic", "", &topic),
    )
    .await;
    s.json(
        "getRoomStateWithKey",
        c.get_room_state_with_key(&room.id, "m.room.topic", "", &Default::default()),
    )
    .await;
    s.json("roomInitialSync", c.room_initial_sync(&room.id))
        .await;
    let via = types::GetRoomSummaryQuery {
        via: vec![s.server_name.clone()],
    };
    s.json("getRoomSummary", c.get_room_summary(&room.alias, &via))
        .await;
    directory(s, alice, room).await;
}

async fn directory(s: &Surface, alice: &User, room: &Room) {
    let c = &alice.client;
    let public = types::SetRoomVisibilityOnDirectoryRequest {
        visibility: Some(types::SetRoomVisibilityOnDirectoryRequestVisibility::Public),
    };
    s.json(
        "setRoomVisibilityOnDirectory",
        c.set_room_visibility_on_directory(&room.id, &public),
    )
    .await;
    s.json(
        "getRoomVisibilityOnDirectory",
        c.get_room_visibility_on_directory(&room.id),
    )
    .await;
    s.json(
        "getPublicRooms",
        // With alice's token at hand: the client decides whether to send it.
        c.get_public_rooms(&Default::default()),
    )
    .await;
    s.json(
        "queryPublicRooms",
        c.query_public_rooms(&Default::default(), &Default::default()),
    )
    .await;
}

/// A space with the room as its child, for the hierarchy.
pub async fn space(s: &Surface, alice: &User, room: &Room) {
    let c = &alice.client;
    let body = types::CreateRoomRequest {
        creation_content: Some(object(json!({ "type": "m.space" }))),
        initial_state: Some(vec![types::CreateRoomRequestInitialStateItem {
            r#type: "m.space.child".to_owned(),
            state_key: Some(room.id.clone()),
            content: object(json!({ "via": [s.server_name] })),
        }]),
        ..Default::default()
    };
    let Some(space) = s.json("createRoom", c.create_room(&body)).await else {
        return;
    };
    s.json(
        "getSpaceHierarchy",
        c.get_space_hierarchy(&space.room_id, &Default::default()),
    )
    .await;
}

/// Membership changes on carol, who is only here to be moved about.
pub async fn membership(s: &Surface, alice: &User, carol: &User, room: &Room) {
    let c = &alice.client;
    let who = carol.id.clone();
    let none = Default::default();
    let join = carol.client.join_room_by_id(&room.id, &none);
    s.json("joinRoomById", join).await;
    let kick = types::KickRequest {
        user_id: who.clone(),
        reason: Some("Testing".to_owned()),
    };
    s.json("kick", c.kick(&room.id, &kick)).await;
    let ban = types::BanRequest {
        user_id: who.clone(),
        reason: None,
    };
    s.json("ban", c.ban(&room.id, &ban)).await;
    let unban = types::UnbanRequest {
        user_id: who,
        reason: None,
    };
    s.json("unban", c.unban(&room.id, &unban)).await;
    s.json("forgetRoom", carol.client.forget_room(&room.id))
        .await;
    let knock_room = types::CreateRoomRequest {
        initial_state: Some(vec![types::CreateRoomRequestInitialStateItem {
            r#type: "m.room.join_rules".to_owned(),
            state_key: Some(String::new()),
            content: object(json!({ "join_rule": "knock" })),
        }]),
        ..Default::default()
    };
    if let Some(knock) = s.json("createRoom", c.create_room(&knock_room)).await {
        let via = types::KnockRoomQuery {
            via: vec![s.server_name.clone()],
        };
        let body = types::KnockRoomRequest {
            reason: Some("Let me in".to_owned()),
        };
        let knocked = carol.client.knock_room(&knock.room_id, &via, &body);
        s.json("knockRoom", knocked).await;
    }
    let invite = types::Invite3pid {
        id_server: "127.0.0.1:9".to_owned(),
        id_access_token: "none".to_owned(),
        medium: "email".to_owned(),
        address: "nobody@localhost".to_owned(),
    };
    s.json("inviteBy3PID", c.invite_by_3pid(&room.id, &invite))
        .await;
}

/// Tags, mutual rooms, reports and an upgrade (of a room of its own).
pub async fn extras(s: &Surface, alice: &User, bob: &User, room: &Room) {
    let c = &alice.client;
    let tag = types::Tag { order: Some(0.5) };
    s.json(
        "setRoomTag",
        c.set_room_tag(&alice.id, &room.id, "u.surface", &tag),
    )
    .await;
    s.json("getRoomTags", c.get_room_tags(&alice.id, &room.id))
        .await;
    s.json(
        "deleteRoomTag",
        c.delete_room_tag(&alice.id, &room.id, "u.surface"),
    )
    .await;
    let mutual = types::GetMutualRoomsQuery {
        user_id: bob.id.clone(),
        from: None,
    };
    s.json("getMutualRooms", c.get_mutual_rooms(&mutual)).await;
    let report = types::ReportRoomRequest {
        reason: "Testing".to_owned(),
    };
    s.json("reportRoom", bob.client.report_room(&room.id, &report))
        .await;
    let report = types::ReportUserRequest {
        reason: "Testing".to_owned(),
    };
    s.json("reportUser", bob.client.report_user(&alice.id, &report))
        .await;
    let none = Default::default();
    let old = c.create_room(&none);
    if let Some(old) = s.json("createRoom", old).await {
        let body = types::UpgradeRoomRequest {
            new_version: "11".to_owned(),
            additional_creators: None,
        };
        s.json("upgradeRoom", c.upgrade_room(&old.room_id, &body))
            .await;
    }
}
