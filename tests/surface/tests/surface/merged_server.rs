//! The reference membership server on the merged crate's traits.
//!
//! The rules are the reference server's (`tests/src`, free of HTTP); only the
//! traits they sit behind are new: those of `matrix-merged`, whose router
//! sends every path an endpoint has had (`r0`, `v3`) to its one method. The
//! server says in `/versions` that it speaks `r0.6.1` and nothing later, so a
//! negotiating client picks the `r0` paths, while matrix-nio, which never
//! asks, calls `v3`: both must land on the same methods.

use matrix_merged::client_server::server as api;
use matrix_merged::client_server::types;
use matrix_merged::runtime::ids::{RoomId, UserId};
use matrix_merged::runtime::{Auth, ErrorBody, MatrixError};
use membership_server::matrix_api::runtime::MatrixError as RulesError;
use membership_server::rooms::{Membership, NewRoom};
use membership_server::MembershipServer;

/// The one release this server claims.
pub const ADVERTISED: &str = "r0.6.1";

#[derive(Clone, Debug)]
pub struct R0Server(MembershipServer);

impl R0Server {
    /// Serves on a free loopback port; returns the base URL.
    pub async fn start() -> String {
        let server = R0Server(MembershipServer::new("localhost"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the server");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = api::router(server);
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    fn user(&self, auth: &Auth) -> Result<String, MatrixError> {
        let state = self.0.state();
        state
            .authenticate(auth.access_token.as_deref())
            .map_err(lift)
    }
}

/// The rules' error, as the merged crate's: the same status and body.
fn lift(error: RulesError) -> MatrixError {
    let body = serde_json::to_value(&*error.body).expect("an error body is JSON");
    let body: ErrorBody = serde_json::from_value(body).expect("both crates read the same body");
    MatrixError {
        status: error.status,
        body: Box::new(body),
    }
}

/// An id the rules made, typed as the merged crate types it.
fn id<T: std::str::FromStr>(text: &str) -> Result<T, MatrixError> {
    text.parse()
        .map_err(|_| MatrixError::new(500, "M_UNKNOWN", format!("`{text}` is not a valid id")))
}

impl api::Versions for R0Server {
    async fn get_versions(&self, _auth: Auth) -> Result<types::GetVersionsResponse, MatrixError> {
        Ok(types::GetVersionsResponse::new(vec![ADVERTISED.to_owned()]))
    }
}

impl api::Registration for R0Server {
    async fn register(
        &self,
        _auth: Auth,
        _query: types::RegisterQuery,
        body: types::RegisterRequest,
    ) -> Result<types::RegisterResponse, MatrixError> {
        let (user_id, access_token) = self
            .0
            .state()
            .register(
                body.username.as_deref(),
                body.password.as_deref(),
                body.inhibit_login.unwrap_or(false),
            )
            .map_err(lift)?;
        Ok(types::RegisterResponse {
            access_token,
            ..types::RegisterResponse::new(id::<UserId>(&user_id)?)
        })
    }
}

impl api::Login for R0Server {
    async fn login(
        &self,
        _auth: Auth,
        body: types::LoginRequest,
    ) -> Result<types::LoginResponse, MatrixError> {
        if body.r#type != "m.login.password" {
            return Err(MatrixError::new(400, "M_UNKNOWN", "Unknown login type"));
        }
        // `identifier` since r0.4.0; the top-level `user` before.
        let identified = body
            .identifier
            .as_ref()
            .and_then(|i| i.extra.get("user"))
            .and_then(|user| user.as_str());
        let user = identified
            .or(body.user.as_deref())
            .ok_or_else(|| MatrixError::new(400, "M_BAD_JSON", "no user to log in"))?;
        let password = body.password.as_deref().unwrap_or_default();
        let (user_id, access_token) = self.0.state().login(user, password).map_err(lift)?;
        Ok(types::LoginResponse::new(
            id::<UserId>(&user_id)?,
            access_token,
            "MERGED".to_owned(),
        ))
    }
}

impl api::CreateRoom for R0Server {
    async fn create_room(
        &self,
        auth: Auth,
        body: types::CreateRoomRequest,
    ) -> Result<types::CreateRoomResponse, MatrixError> {
        let creator = self.user(&auth)?;
        let room_id = self
            .0
            .state()
            .create_room(
                &creator,
                NewRoom {
                    name: body.name,
                    topic: body.topic,
                    invite: body
                        .invite
                        .unwrap_or_default()
                        .iter()
                        .map(|u| u.to_string())
                        .collect(),
                    ..NewRoom::default()
                },
            )
            .map_err(lift)?;
        Ok(types::CreateRoomResponse::new(id::<RoomId>(&room_id)?))
    }
}

impl api::Inviting for R0Server {
    async fn invite_user(
        &self,
        auth: Auth,
        room_id: RoomId,
        body: types::InviteUserRequest,
    ) -> Result<(), MatrixError> {
        let user = self.user(&auth)?;
        let invitee = body.user_id.to_string();
        let mut state = self.0.state();
        state
            .invite(&user, room_id.as_str(), &invitee, body.reason)
            .map_err(lift)
    }
}

impl api::Joining for R0Server {
    async fn join_room(
        &self,
        auth: Auth,
        room_id_or_alias: String,
        _query: types::JoinRoomQuery,
        _body: types::JoinRoomRequest,
    ) -> Result<types::JoinRoomResponse, MatrixError> {
        let user = self.user(&auth)?;
        let mut state = self.0.state();
        let room_id = state.resolve(&room_id_or_alias).map_err(lift)?;
        let room_id = state.join(&user, &room_id).map_err(lift)?;
        Ok(types::JoinRoomResponse::new(id::<RoomId>(&room_id)?))
    }

    async fn join_room_by_id(
        &self,
        auth: Auth,
        room_id: RoomId,
        _body: types::JoinRoomRequest,
    ) -> Result<types::JoinRoomByIdResponse, MatrixError> {
        let user = self.user(&auth)?;
        let joined = self.0.state().join(&user, room_id.as_str()).map_err(lift)?;
        Ok(types::JoinRoomByIdResponse::new(id::<RoomId>(&joined)?))
    }
}

impl api::Kicking for R0Server {
    async fn kick(
        &self,
        auth: Auth,
        room_id: RoomId,
        body: types::KickRequest,
    ) -> Result<(), MatrixError> {
        let user = self.user(&auth)?;
        let target = body.user_id.to_string();
        let mut state = self.0.state();
        state
            .moderate(
                &user,
                room_id.as_str(),
                &target,
                Membership::Leave,
                body.reason,
            )
            .map_err(lift)
    }
}

impl api::Leaving for R0Server {
    async fn leave_room(
        &self,
        auth: Auth,
        room_id: RoomId,
        body: types::LeaveRoomRequest,
    ) -> Result<(), MatrixError> {
        let user = self.user(&auth)?;
        let mut state = self.0.state();
        state
            .leave(&user, room_id.as_str(), body.reason)
            .map_err(lift)
    }
}

impl api::Rooms for R0Server {
    async fn get_joined_members_by_room(
        &self,
        auth: Auth,
        room_id: RoomId,
    ) -> Result<types::GetJoinedMembersByRoomResponse, MatrixError> {
        let user = self.user(&auth)?;
        let state = self.0.state();
        let room = state.visible_room(&user, room_id.as_str()).map_err(lift)?;
        let joined = room
            .current_state()
            .filter_map(|event| event.state_key.as_deref())
            .filter(|member| room.membership(member) == Some(Membership::Join))
            .map(|member| (member.to_owned(), types::RoomMember::default()))
            .collect();
        Ok(types::GetJoinedMembersByRoomResponse {
            joined: Some(joined),
            ..Default::default()
        })
    }
}

/// The rest of the API answers 404 `M_UNRECOGNIZED`, the traits' default.
macro_rules! unimplemented_areas {
    ($($area:ident),* $(,)?) => {
        $(impl api::$area for R0Server {})*
    };
}

unimplemented_areas!(
    AccountData,
    AccountDeactivation,
    Admin,
    AdministrativeContact,
    AppservicePing,
    AppserviceRoomDirectory,
    AuthedContentRepo,
    Banning,
    Capabilities,
    ContentRepo,
    CrossSigning,
    DeviceManagement,
    Directory,
    EventContext,
    Filter,
    KeyBackup,
    Keys,
    Knocking,
    ListJoinedRooms,
    ListPublicRooms,
    LoginToken,
    Logout,
    MessagePagination,
    MutualRooms,
    Notifications,
    OauthServerMetadata,
    OldSync,
    Openid,
    PasswordManagement,
    PeekingEvents,
    PolicyServer,
    Presence,
    Profile,
    Pusher,
    Pushrules,
    ReadMarkers,
    Receipts,
    Redaction,
    Refresh,
    RegistrationTokens,
    Relations,
    ReportContent,
    RoomEventByTimestamp,
    RoomInitialSync,
    RoomSend,
    RoomState,
    RoomSummary,
    RoomUpgrades,
    Search,
    SpaceHierarchy,
    SsoLoginRedirect,
    Support,
    SyncType,
    Tags,
    ThirdPartyLookup,
    ThirdPartyMembership,
    ThreadsList,
    ToDevice,
    Typing,
    Users,
    Voip,
    Wellknown,
    Whoami,
);
