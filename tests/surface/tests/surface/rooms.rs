//! Rooms: creation, aliases, membership, the directory, state and tags.

use matrix_api::client_server::types;
use matrix_api::events::{
    EventContent, RoomJoinRulesEventContent, RoomJoinRulesEventContentJoinRule,
    RoomTopicEventContent, SpaceChildEventContent,
};
use matrix_api::runtime::ids::{RoomAlias, RoomId};
use matrix_api::runtime::Lenient;
use serde_json::json;

use crate::harness::Surface;
use crate::world::{object, unique, User};

/// The public room every later area uses: alice created it, bob is in it.
pub struct Room {
    pub id: RoomId,
    pub alias: RoomAlias,
}

/// A state event for `initial_state` of `createRoom`.
fn initial_state(
    content: EventContent,
    state_key: &str,
) -> Lenient<types::CreateRoomRequestInitialStateItem> {
    Lenient::Typed(types::CreateRoomRequestInitialStateItem {
        state_key: Some(state_key.to_owned()),
        ..types::CreateRoomRequestInitialStateItem::new(content)
    })
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
        alias: format!("#{local}:{}", s.server_name)
            .parse()
            .expect("a valid room alias"),
    };
    aliases(s, alice, &room).await;
    let via = types::JoinRoomQuery {
        via: vec![s.server_name.clone()],
    };
    s.json(
        "joinRoom",
        bob.client
            .join_room(room.alias.as_str(), &via, &Default::default()),
    )
    .await;
    s.json(
        "leaveRoom",
        bob.client.leave_room(&room.id, &Default::default()),
    )
    .await;
    let invite = types::InviteUserRequest::new(bob.id.clone());
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
    let extra: RoomAlias = format!("#{}:{}", unique("extra"), s.server_name)
        .parse()
        .expect("a valid room alias");
    let body = types::SetRoomAliasRequest::new(room.id.clone());
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
    let topic = EventContent::RoomTopic(Box::new(RoomTopicEventContent::new(
        "Still every operation once",
    )));
    s.json(
        "setRoomStateWithKey",
        c.set_room_state_with_key(&room.id, "", &topic),
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
    s.json(
        "getRoomSummary",
        c.get_room_summary(room.alias.as_str(), &via),
    )
    .await;
    directory(s, alice, room).await;
}

async fn directory(s: &Surface, alice: &User, room: &Room) {
    let c = &alice.client;
    let public = types::RoomVisibilityOnDirectory {
        visibility: Some(types::RoomInfoVisibility::Public),
        ..Default::default()
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
    let child = SpaceChildEventContent::new(vec![s.server_name.to_string()]);
    let body = types::CreateRoomRequest {
        creation_content: Some(object(json!({ "type": "m.space" }))),
        initial_state: Some(vec![initial_state(
            EventContent::SpaceChild(Box::new(child)),
            room.id.as_str(),
        )]),
        ..Default::default()
    };
    let Some(space) = s.json("createRoom", c.create_room(&body)).await else {
        return;
    };
    s.json(
        "getSpaceHierarchy",
        c.get_space_hierarchy(space.room_id.as_str(), &Default::default()),
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
        reason: Some("Testing".to_owned()),
        ..types::KickRequest::new(who.clone())
    };
    s.json("kick", c.kick(&room.id, &kick)).await;
    let ban = types::BanRequest::new(who.clone());
    s.json("ban", c.ban(&room.id, &ban)).await;
    let unban = types::UnbanRequest::new(who);
    s.json("unban", c.unban(&room.id, &unban)).await;
    s.json("forgetRoom", carol.client.forget_room(&room.id))
        .await;
    let knock_room = types::CreateRoomRequest {
        initial_state: Some(vec![initial_state(
            EventContent::RoomJoinRules(Box::new(RoomJoinRulesEventContent::new(
                RoomJoinRulesEventContentJoinRule::Knock,
            ))),
            "",
        )]),
        ..Default::default()
    };
    if let Some(knock) = s.json("createRoom", c.create_room(&knock_room)).await {
        let via = types::KnockRoomQuery {
            via: vec![s.server_name.clone()],
        };
        let body = types::KnockRoomRequest {
            reason: Some("Let me in".to_owned()),
            ..Default::default()
        };
        let knocked = carol.client.knock_room(knock.room_id.as_str(), &via, &body);
        s.json("knockRoom", knocked).await;
    }
    let invite = types::Invite3pid::new("127.0.0.1:9", "none", "email", "nobody@localhost");
    s.json("inviteBy3PID", c.invite_by_3pid(&room.id, &invite))
        .await;
}

/// Tags, mutual rooms, reports and an upgrade (of a room of its own).
pub async fn extras(s: &Surface, alice: &User, bob: &User, room: &Room) {
    let c = &alice.client;
    let (me, id) = (alice.id.as_str(), room.id.as_str());
    let tag = types::Tag {
        order: Some(0.5),
        ..Default::default()
    };
    s.json("setRoomTag", c.set_room_tag(me, id, "u.surface", &tag))
        .await;
    s.json("getRoomTags", c.get_room_tags(me, id)).await;
    s.json("deleteRoomTag", c.delete_room_tag(me, id, "u.surface"))
        .await;
    let mutual = types::GetMutualRoomsQuery {
        user_id: bob.id.clone(),
        from: None,
    };
    s.json("getMutualRooms", c.get_mutual_rooms(&mutual)).await;
    let report = types::ReportRequest::new("Testing");
    s.json("reportRoom", bob.client.report_room(id, &report))
        .await;
    let report = types::ReportRequest::new("Testing");
    s.json("reportUser", bob.client.report_user(&alice.id, &report))
        .await;
    let none = Default::default();
    let old = c.create_room(&none);
    if let Some(old) = s.json("createRoom", old).await {
        let body = types::UpgradeRoomRequest::new("11");
        s.json("upgradeRoom", c.upgrade_room(old.room_id.as_str(), &body))
            .await;
    }
}
