//! The 2015 API's traits (`/_matrix/client/api/v1`), on the same homeserver.
//! The v1 files had no operation ids, so the method names are derived from
//! method and path (or from the `x-alias` canonical link).

use matrix_api::runtime::{Auth, MatrixError};
use matrix_api::v1::server as api;
use matrix_api::v1::types;
use serde_json::{Map, Value};

use crate::rooms::NewRoom;
use crate::MembershipServer;

type Empty = Map<String, Value>;

impl api::Login for MembershipServer {
    async fn post_login(
        &self,
        _auth: Auth,
        body: types::PostLoginRequest,
    ) -> Result<types::PostLoginResponse, MatrixError> {
        if body.r#type != "m.login.password" {
            return Err(MatrixError::new(400, "M_UNKNOWN", "Unknown login type"));
        }
        let (user_id, access_token) = self.state().login(&body.user, &body.password)?;
        Ok(types::PostLoginResponse {
            home_server: Some(self.state().server_name.clone()),
            ..types::PostLoginResponse::new(user_id, access_token)
        })
    }
}

impl api::CreateRoom for MembershipServer {
    async fn post_create_room(
        &self,
        auth: Auth,
        body: types::PostCreateRoomRequest,
    ) -> Result<types::PostCreateRoomResponse, MatrixError> {
        let creator = self.user(&auth)?;
        let alias = body.room_alias_name.clone();
        let mut state = self.state();
        let room_id = state.create_room(
            &creator,
            NewRoom {
                public: body.visibility == Some(types::PostCreateRoomRequestVisibility::Public),
                alias_local_part: body.room_alias_name,
                name: body.name,
                topic: body.topic,
                invite: body.invite.unwrap_or_default(),
            },
        )?;
        Ok(types::PostCreateRoomResponse {
            room_alias: alias.map(|local| format!("#{local}:{}", state.server_name)),
            ..types::PostCreateRoomResponse::new(room_id)
        })
    }
}

impl api::Membership for MembershipServer {
    /// Also serves `/join/{roomId}`, where the id may be an alias.
    async fn post_matrix_client_api_v1_rooms_roomid_join(
        &self,
        auth: Auth,
        room_id: String,
        _body: Empty,
    ) -> Result<types::PostMatrixClientApiV1RoomsRoomidJoinResponse, MatrixError> {
        let user = self.user(&auth)?;
        let mut state = self.state();
        let room_id = state.resolve(&room_id)?;
        let room_id = state.join(&user, &room_id)?;
        Ok(types::PostMatrixClientApiV1RoomsRoomidJoinResponse {
            room_id: Some(room_id),
            ..Default::default()
        })
    }

    async fn post_rooms_room_id_invite_membership(
        &self,
        auth: Auth,
        room_id: String,
        body: types::PostRoomsRoomIdInviteMembershipRequest,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state().invite(&user, &room_id, &body.user_id, None)?;
        Ok(Empty::new())
    }

    async fn post_rooms_room_id_leave(
        &self,
        auth: Auth,
        room_id: String,
        _body: Empty,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state().leave(&user, &room_id, None)?;
        Ok(Empty::new())
    }
}

impl api::ThirdPartyMembership for MembershipServer {
    async fn post_rooms_room_id_invite_third_party_membership(
        &self,
        auth: Auth,
        room_id: String,
        body: types::PostRoomsRoomIdInviteThirdPartyMembershipRequest,
    ) -> Result<Empty, MatrixError> {
        let user = self.user(&auth)?;
        self.state()
            .invite_third_party(&user, &room_id, &body.medium, &body.address)?;
        Ok(Empty::new())
    }
}
