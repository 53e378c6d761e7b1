//! The r0 API's traits, implemented on the in-memory homeserver.

use std::time::Duration;

use matrix_api::events::EventContent;
use matrix_api::r0::server as api;
use matrix_api::r0::types;
use matrix_api::runtime::{Auth, Lenient, MatrixError};
use serde_json::{Map, Value};

use crate::rooms::{Membership, NewRoom};
use crate::timeline::Direction;
use crate::MembershipServer;

type Empty = Map<String, Value>;

impl api::Registration for MembershipServer {
    async fn register(
        &self,
        // Registration is open: a token (an application service's) is not needed.
        _auth: Auth,
        query: types::RegisterQuery,
        body: types::RegisterRequest,
    ) -> Result<types::RegisterResponse, MatrixError> {
        if query.kind == Some(types::RegisterKind::Guest) {
            return Err(MatrixError::forbidden("Guest access is disabled"));
        }
        let inhibit_login = body.inhibit_login.unwrap_or(false);
        let (user_id, access_token) = self.state().register(
            body.username.as_deref(),
            body.password.as_deref(),
            inhibit_login,
        )?;
        Ok(types::RegisterResponse {
            home_server: Some(self.state().server_name.clone()),
            device_id: access_token.as_ref().map(|_| "MEMBERSHIP".to_owned()),
            access_token,
            ..types::RegisterResponse::new(user_id)
        })
    }
}

impl api::Login for MembershipServer {
    async fn login(
        &self,
        _auth: Auth,
        body: types::LoginRequest,
    ) -> Result<types::LoginResponse, MatrixError> {
        if body.r#type != types::LoginRequestType::MLoginPassword {
            return Err(MatrixError::new(400, "M_UNKNOWN", "Unknown login type"));
        }
        let user = body
            .identifier
            .and_then(|i| i.user)
            .ok_or_else(|| MatrixError::bad_json("`identifier.user` is required"))?;
        let password = body.password.unwrap_or_default();
        let (user_id, access_token) = self.state().login(&user, &password)?;
        Ok(types::LoginResponse {
            device_id: Some("MEMBERSHIP".to_owned()),
            ..types::LoginResponse::new(user_id, access_token)
        })
    }
}

impl api::Whoami for MembershipServer {
    async fn get_token_owner(
        &self,
        auth: Auth,
    ) -> Result<types::GetTokenOwnerResponse, MatrixError> {
        Ok(types::GetTokenOwnerResponse {
            is_guest: Some(false),
            ..types::GetTokenOwnerResponse::new(self.user(&auth)?)
        })
    }
}

impl api::Versions for MembershipServer {
    async fn get_versions(&self, _auth: Auth) -> Result<types::GetVersionsResponse, MatrixError> {
        Ok(types::GetVersionsResponse::new(vec!["r0.6.1".to_owned()]))
    }
}

impl api::CreateRoom for MembershipServer {
    async fn create_room(
        &self,
        auth: Auth,
        body: types::CreateRoomRequest,
    ) -> Result<types::CreateRoomResponse, MatrixError> {
        let creator = self.user(&auth)?;
        // Rooms are private unless the preset or the visibility says public.
        let public = match &body.preset {
            Some(preset) => *preset == types::CreateRoomRequestPreset::PublicChat,
            None => body.visibility == Some(types::CreateRoomRequestVisibility::Public),
        };
        let room_id = self.state().create_room(
            &creator,
            NewRoom {
                public,
                alias_local_part: body.room_alias_name,
                name: body.name,
                topic: body.topic,
                invite: body.invite.unwrap_or_default(),
            },
        )?;
        Ok(types::CreateRoomResponse::new(room_id))
    }
}

impl api::Joining for MembershipServer {
    async fn join_room(
        &self,
        auth: Auth,
        room_id_or_alias: String,
        _query: types::JoinRoomQuery,
        _body: types::RoomRequest,
    ) -> Result<types::JoinedRoom, MatrixError> {
        let user = self.user(&auth)?;
        let mut state = self.state();
        let room_id = state.resolve(&room_id_or_alias)?;
        let room_id = state.join(&user, &room_id)?;
        Ok(types::JoinedRoom::new(room_id))
    }

    async fn join_room_by_id(
        &self,
        auth: Auth,
        room_id: String,
        _body: types::RoomRequest,
    ) -> Result<types::JoinedRoom, MatrixError> {
        let user = self.user(&auth)?;
        let room_id = self.state().join(&user, &room_id)?;
        Ok(types::JoinedRoom::new(room_id))
    }
}

impl api::Inviting for MembershipServer {
    async fn invite_user(
        &self,
        auth: Auth,
        room_id: String,
        body: types::MembershipChange,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state()
            .invite(&user, &room_id, &body.user_id, body.reason)?;
        Ok(Empty::new())
    }
}

impl api::ThirdPartyMembership for MembershipServer {
    async fn invite_by_3pid(
        &self,
        auth: Auth,
        room_id: String,
        body: types::InviteBy3pidRequest,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state()
            .invite_third_party(&user, &room_id, body.medium.as_str(), &body.address)?;
        Ok(Empty::new())
    }
}

impl api::Kicking for MembershipServer {
    async fn kick(
        &self,
        auth: Auth,
        room_id: String,
        body: types::MembershipChange,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state().moderate(
            &user,
            &room_id,
            &body.user_id,
            Membership::Leave,
            body.reason,
        )?;
        Ok(Empty::new())
    }
}

impl api::Banning for MembershipServer {
    async fn ban(
        &self,
        auth: Auth,
        room_id: String,
        body: types::MembershipChange,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state()
            .moderate(&user, &room_id, &body.user_id, Membership::Ban, body.reason)?;
        Ok(Empty::new())
    }

    async fn unban(
        &self,
        auth: Auth,
        room_id: String,
        body: types::MembershipChange,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state()
            .unban(&user, &room_id, &body.user_id, body.reason)?;
        Ok(Empty::new())
    }
}

impl api::Leaving for MembershipServer {
    async fn leave_room(
        &self,
        auth: Auth,
        room_id: String,
        body: types::RoomRequest,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state().leave(&user, &room_id, body.reason)?;
        Ok(Empty::new())
    }

    async fn forget_room(&self, auth: Auth, room_id: String) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state().forget(&user, &room_id)?;
        Ok(Empty::new())
    }
}

impl api::ListMembers for MembershipServer {
    async fn get_members_by_room(
        &self,
        auth: Auth,
        room_id: String,
        query: types::GetMembersByRoomQuery,
    ) -> Result<types::GetMembersByRoomResponse, MatrixError> {
        let user = self.user(&auth)?;
        let state = self.state();
        let room = state.visible_room(&user, &room_id)?;
        let chunk = room
            .current_state()
            .filter_map(|event| match &event.content {
                EventContent::RoomMember(content) => Some((event, content)),
                _ => None,
            })
            .filter(|(_, m)| {
                query
                    .membership
                    .as_ref()
                    .is_none_or(|w| w.as_str() == m.membership.as_str())
            })
            .filter(|(_, m)| {
                query
                    .not_membership
                    .as_ref()
                    .is_none_or(|w| w.as_str() != m.membership.as_str())
            })
            .map(|(event, m)| {
                let content = types::MemberContent {
                    displayname: m.displayname.clone(),
                    avatar_url: m.avatar_url.as_ref().map(ToString::to_string),
                    reason: m.reason.clone(),
                    ..types::MemberContent::new(m.membership.as_str().into())
                };
                types::RoomMemberEvent {
                    room_id: Some(room.id.to_string()),
                    ..types::RoomMemberEvent::new(
                        "m.room.member",
                        event.state_key.clone().unwrap_or_default(),
                        event.sender.to_string(),
                        event.event_id.to_string(),
                        event.origin_server_ts,
                        content,
                    )
                }
            })
            .collect();
        Ok(types::GetMembersByRoomResponse {
            chunk: Some(chunk),
            ..Default::default()
        })
    }

    async fn get_joined_members_by_room(
        &self,
        auth: Auth,
        room_id: String,
    ) -> Result<types::GetJoinedMembersByRoomResponse, MatrixError> {
        let user = self.user(&auth)?;
        let state = self.state();
        let room = state.visible_room(&user, &room_id)?;
        if room.membership(&user) != Some(Membership::Join) {
            return Err(MatrixError::forbidden("You aren't in the room"));
        }
        let joined = room
            .current_state()
            .filter_map(|event| {
                event
                    .state_key
                    .as_deref()
                    .filter(|_| event.event_type() == "m.room.member")
            })
            .filter(|member| room.membership(member) == Some(Membership::Join))
            .map(|member| (member.to_owned(), types::RoomMember::default()))
            .collect();
        Ok(types::GetJoinedMembersByRoomResponse {
            joined: Some(joined),
            ..Default::default()
        })
    }
}

impl api::RoomState for MembershipServer {
    async fn get_room_state(
        &self,
        auth: Auth,
        room_id: String,
    ) -> Result<Vec<Lenient<types::StateEvent>>, MatrixError> {
        let user = self.user(&auth)?;
        let events = self.state().room_state(&user, &room_id)?;
        Ok(events.into_iter().map(Lenient::Typed).collect())
    }

    async fn get_room_state_with_key(
        &self,
        auth: Auth,
        room_id: String,
        event_type: String,
        state_key: String,
    ) -> Result<EventContent, MatrixError> {
        let user = self.user(&auth)?;
        self.state()
            .state_content(&user, &room_id, &event_type, &state_key)
    }

    async fn set_room_state_with_key(
        &self,
        auth: Auth,
        room_id: String,
        state_key: String,
        body: EventContent,
    ) -> Result<types::EventIdResponse, MatrixError> {
        let user = self.user(&auth)?;
        let event_id = self.state().set_state(&user, &room_id, &state_key, body)?;
        Ok(types::EventIdResponse::new(event_id))
    }
}

impl api::RoomSend for MembershipServer {
    async fn send_message(
        &self,
        auth: Auth,
        room_id: String,
        txn_id: String,
        body: EventContent,
    ) -> Result<types::EventIdResponse, MatrixError> {
        let user = self.user(&auth)?;
        let event_id = self.state().send_message(&user, &room_id, &txn_id, body)?;
        Ok(types::EventIdResponse::new(event_id))
    }
}

impl api::RoomMessages for MembershipServer {
    async fn get_room_events(
        &self,
        auth: Auth,
        room_id: String,
        query: types::GetRoomEventsQuery,
    ) -> Result<types::RoomEventsPage, MatrixError> {
        let user = self.user(&auth)?;
        let direction = match query.dir {
            types::GetRoomEventsDir::B => Direction::Backward,
            types::GetRoomEventsDir::F => Direction::Forward,
            types::GetRoomEventsDir::Other(_) => return Err(MatrixError::invalid_param("dir")),
        };
        self.state().messages(
            &user,
            &room_id,
            query.from.as_deref(),
            query.to.as_deref(),
            direction,
            query.limit,
        )
    }
}

/// The longest a `/sync` waits for news, whatever `timeout` asks: clients
/// ask for 30 s and come back, and a request held longer only ties up a
/// connection.
const MAX_SYNC_WAIT: Duration = Duration::from_secs(30);

impl api::Syncing for MembershipServer {
    /// Answers at once unless the sync is incremental and has nothing to
    /// tell; then it waits for the stream to move, up to `timeout`.
    async fn sync(
        &self,
        auth: Auth,
        query: types::SyncQuery,
    ) -> Result<types::SyncResponse, MatrixError> {
        let user = self.user(&auth)?;
        let since = match &query.since {
            Some(since) => Some(self.state().parse_token(since, "since")?),
            None => None,
        };
        let full_state = query.full_state.unwrap_or(false);
        let timeout = Duration::from_millis(query.timeout.unwrap_or(0).max(0) as u64);
        let deadline = tokio::time::Instant::now() + timeout.min(MAX_SYNC_WAIT);
        loop {
            // The answer and the subscription come from one look at the
            // state, so that no event falls between them.
            let (response, mut news) = {
                let state = self.state();
                (state.sync(&user, since, full_state), state.subscribe())
            };
            let nothing_new = since.is_some() && response.rooms.is_none();
            if !nothing_new {
                return Ok(response);
            }
            match tokio::time::timeout_at(deadline, news.changed()).await {
                Ok(Ok(())) => continue,
                _ => return Ok(response),
            }
        }
    }
}
