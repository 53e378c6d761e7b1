//! The homeserver itself: users, tokens and rooms in memory, and the
//! membership rules. Nothing here knows about HTTP: the trait
//! implementations in `r0.rs` and `v1.rs` translate requests into calls here.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use matrix_api::runtime::MatrixError;

/// Where a user stands in a room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    Invite,
    Join,
    Leave,
    Ban,
}

impl Membership {
    pub fn as_str(self) -> &'static str {
        match self {
            Membership::Invite => "invite",
            Membership::Join => "join",
            Membership::Leave => "leave",
            Membership::Ban => "ban",
        }
    }
}

/// The latest `m.room.member` event of one user in one room.
#[derive(Clone, Debug)]
pub struct MemberEvent {
    pub membership: Membership,
    pub sender: String,
    pub reason: Option<String>,
    pub event_id: String,
    pub origin_server_ts: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinRule {
    Public,
    Invite,
}

/// Power levels as a new room gets them: the creator 100, everyone else 0,
/// kicking and banning need 50, inviting 0.
#[derive(Clone, Debug)]
pub struct PowerLevels {
    pub users: BTreeMap<String, i64>,
    pub kick: i64,
    pub ban: i64,
    pub invite: i64,
}

impl PowerLevels {
    fn of(&self, user: &str) -> i64 {
        self.users.get(user).copied().unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
pub struct Room {
    pub id: String,
    pub creator: String,
    pub name: Option<String>,
    pub topic: Option<String>,
    pub join_rule: JoinRule,
    pub power_levels: PowerLevels,
    pub members: BTreeMap<String, MemberEvent>,
    /// Invites by e-mail address or phone number, waiting for a user: (medium, address).
    pub third_party_invites: Vec<(String, String)>,
    /// Users who forgot the room after leaving it.
    pub forgotten_by: BTreeSet<String>,
}

impl Room {
    pub fn membership(&self, user: &str) -> Option<Membership> {
        self.members.get(user).map(|m| m.membership)
    }
}

/// How a new room starts out.
#[derive(Clone, Debug, Default)]
pub struct NewRoom {
    pub public: bool,
    pub alias_local_part: Option<String>,
    pub name: Option<String>,
    pub topic: Option<String>,
    pub invite: Vec<String>,
}

/// A limit on how many rooms one user may create in a window of time.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub burst: u32,
    pub window: Duration,
}

#[derive(Debug)]
struct User {
    password: Option<String>,
}

/// The whole server state.
#[derive(Debug)]
pub struct Homeserver {
    pub server_name: String,
    users: BTreeMap<String, User>,
    tokens: BTreeMap<String, String>,
    pub rooms: BTreeMap<String, Room>,
    aliases: BTreeMap<String, String>,
    next_id: u64,
    room_creation_limit: Option<RateLimit>,
    recent_creations: BTreeMap<String, Vec<Instant>>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Homeserver {
    pub fn new(server_name: &str) -> Self {
        Homeserver {
            server_name: server_name.to_owned(),
            users: BTreeMap::new(),
            tokens: BTreeMap::new(),
            rooms: BTreeMap::new(),
            aliases: BTreeMap::new(),
            next_id: 1,
            room_creation_limit: None,
            recent_creations: BTreeMap::new(),
        }
    }

    pub fn limit_room_creation(&mut self, limit: RateLimit) {
        self.room_creation_limit = Some(limit);
    }

    fn next(&mut self, sigil: char) -> String {
        let id = self.next_id;
        self.next_id += 1;
        format!("{sigil}{id:06}:{}", self.server_name)
    }

    /// A full user id for `name`, which may be a local part or already a user id.
    pub fn user_id(&self, name: &str) -> String {
        if name.starts_with('@') {
            name.to_owned()
        } else {
            format!("@{name}:{}", self.server_name)
        }
    }

    // ---- accounts --------------------------------------------------------

    /// Creates an account; returns its user id and, unless `inhibit_login`, a token.
    pub fn register(
        &mut self,
        local_part: Option<&str>,
        password: Option<&str>,
        inhibit_login: bool,
    ) -> Result<(String, Option<String>), MatrixError> {
        let local_part = match local_part {
            Some(name) => name.to_owned(),
            None => self.next('u')[1..7].to_owned(),
        };
        let valid = !local_part.is_empty()
            && local_part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._=-/".contains(c));
        if !valid {
            return Err(MatrixError::new(
                400,
                "M_INVALID_USERNAME",
                "User ID can only contain characters a-z, 0-9, or '._=-/'",
            ));
        }
        let user_id = self.user_id(&local_part);
        if self.users.contains_key(&user_id) {
            return Err(MatrixError::new(
                400,
                "M_USER_IN_USE",
                "User ID already taken.",
            ));
        }
        self.users.insert(
            user_id.clone(),
            User {
                password: password.map(str::to_owned),
            },
        );
        let token = match inhibit_login {
            true => None,
            false => Some(self.issue_token(&user_id)?),
        };
        Ok((user_id, token))
    }

    pub fn login(&mut self, user: &str, password: &str) -> Result<(String, String), MatrixError> {
        let user_id = self.user_id(user);
        let matches = self
            .users
            .get(&user_id)
            .is_some_and(|u| u.password.as_deref() == Some(password));
        if !matches {
            return Err(MatrixError::forbidden("Invalid username or password"));
        }
        let token = self.issue_token(&user_id)?;
        Ok((user_id, token))
    }

    /// A fresh access token: 160 bits from the operating system's CSPRNG, so
    /// that tokens cannot be guessed from one another, and never one that is
    /// live already (a collision is astronomically unlikely, but checking is
    /// cheap). Without randomness no token is issued at all.
    fn issue_token(&mut self, user_id: &str) -> Result<String, MatrixError> {
        loop {
            let mut bytes = [0u8; 20];
            getrandom::fill(&mut bytes).map_err(|e| {
                MatrixError::new(500, "M_UNKNOWN", format!("No randomness for a token: {e}"))
            })?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let token = format!("syt_{hex}");
            if !self.tokens.contains_key(&token) {
                self.tokens.insert(token.clone(), user_id.to_owned());
                return Ok(token);
            }
        }
    }

    /// How many tokens are live.
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// The user a token belongs to: 401 `M_UNKNOWN_TOKEN` for an unknown one.
    pub fn authenticate(&self, token: Option<&str>) -> Result<String, MatrixError> {
        let token = token.ok_or_else(MatrixError::missing_token)?;
        self.tokens
            .get(token)
            .cloned()
            .ok_or_else(MatrixError::unknown_token)
    }

    // ---- rooms -----------------------------------------------------------

    pub fn create_room(&mut self, creator: &str, new: NewRoom) -> Result<String, MatrixError> {
        self.check_creation_rate(creator)?;
        let alias = new
            .alias_local_part
            .as_ref()
            .map(|local| format!("#{local}:{}", self.server_name));
        if let Some(alias) = &alias {
            if self.aliases.contains_key(alias) {
                return Err(MatrixError::new(
                    400,
                    "M_ROOM_IN_USE",
                    "Room alias already taken",
                ));
            }
        }
        let id = self.next('!');
        let room = Room {
            id: id.clone(),
            creator: creator.to_owned(),
            name: new.name,
            topic: new.topic,
            join_rule: if new.public {
                JoinRule::Public
            } else {
                JoinRule::Invite
            },
            power_levels: PowerLevels {
                users: BTreeMap::from([(creator.to_owned(), 100)]),
                kick: 50,
                ban: 50,
                invite: 0,
            },
            members: BTreeMap::new(),
            third_party_invites: Vec::new(),
            forgotten_by: BTreeSet::new(),
        };
        self.rooms.insert(id.clone(), room);
        if let Some(alias) = alias {
            self.aliases.insert(alias, id.clone());
        }
        self.set_membership(&id, creator, creator, Membership::Join, None);
        for invitee in new.invite {
            self.invite(creator, &id, &invitee, None)?;
        }
        Ok(id)
    }

    fn check_creation_rate(&mut self, user: &str) -> Result<(), MatrixError> {
        let Some(limit) = self.room_creation_limit else {
            return Ok(());
        };
        let now = Instant::now();
        let recent = self.recent_creations.entry(user.to_owned()).or_default();
        recent.retain(|t| now.duration_since(*t) < limit.window);
        if recent.len() >= limit.burst as usize {
            let wait = limit.window - now.duration_since(recent[0]);
            return Err(MatrixError::limit_exceeded(wait.as_millis() as i64 + 1));
        }
        recent.push(now);
        Ok(())
    }

    /// A room id for an id or an alias; 404 `M_NOT_FOUND` for an unknown alias.
    pub fn resolve(&self, id_or_alias: &str) -> Result<String, MatrixError> {
        if id_or_alias.starts_with('#') {
            return self
                .aliases
                .get(id_or_alias)
                .cloned()
                .ok_or_else(|| MatrixError::not_found("Room alias not found"));
        }
        Ok(id_or_alias.to_owned())
    }

    /// An unknown room is 403 `M_FORBIDDEN`, as for a room the caller is not
    /// in: the room operations declare 403, not 404, and the answer then tells
    /// an outsider nothing about which rooms exist.
    fn room(&self, room_id: &str) -> Result<&Room, MatrixError> {
        self.rooms
            .get(room_id)
            .ok_or_else(|| MatrixError::forbidden("You are not in the room"))
    }

    fn set_membership(
        &mut self,
        room_id: &str,
        sender: &str,
        target: &str,
        membership: Membership,
        reason: Option<String>,
    ) {
        let event_id = format!("${}", &self.next('e')[1..7]);
        if let Some(room) = self.rooms.get_mut(room_id) {
            room.forgotten_by.remove(target);
            room.members.insert(
                target.to_owned(),
                MemberEvent {
                    membership,
                    sender: sender.to_owned(),
                    reason,
                    event_id,
                    origin_server_ts: now_ms(),
                },
            );
        }
    }

    /// The caller must be joined; returns their power level.
    fn joined_power(&self, room: &Room, user: &str) -> Result<i64, MatrixError> {
        if room.membership(user) != Some(Membership::Join) {
            return Err(MatrixError::forbidden(format!("{user} is not in the room")));
        }
        Ok(room.power_levels.of(user))
    }

    pub fn join(&mut self, user: &str, room_id: &str) -> Result<String, MatrixError> {
        let room = self.room(room_id)?;
        match room.membership(user) {
            Some(Membership::Ban) => {
                return Err(MatrixError::forbidden("You are banned from the room"))
            }
            Some(Membership::Join | Membership::Invite) => {}
            _ if room.join_rule == JoinRule::Public => {}
            _ => return Err(MatrixError::forbidden("You are not invited to this room.")),
        }
        self.set_membership(room_id, user, user, Membership::Join, None);
        Ok(room_id.to_owned())
    }

    /// The room, if `inviter` is in it with the power to invite.
    fn room_inviter_may_invite_to(
        &self,
        room_id: &str,
        inviter: &str,
    ) -> Result<&Room, MatrixError> {
        let room = self.room(room_id)?;
        let power = self.joined_power(room, inviter)?;
        if power < room.power_levels.invite {
            return Err(MatrixError::forbidden(
                "You do not have permission to invite",
            ));
        }
        Ok(room)
    }

    pub fn invite(
        &mut self,
        inviter: &str,
        room_id: &str,
        invitee: &str,
        reason: Option<String>,
    ) -> Result<(), MatrixError> {
        let room = self.room_inviter_may_invite_to(room_id, inviter)?;
        match room.membership(invitee) {
            Some(Membership::Ban) => {
                return Err(MatrixError::forbidden(format!(
                    "{invitee} is banned from the room"
                )))
            }
            Some(Membership::Join) => {
                return Err(MatrixError::forbidden(format!(
                    "{invitee} is already in the room."
                )))
            }
            _ => {}
        }
        self.set_membership(room_id, inviter, invitee, Membership::Invite, reason);
        Ok(())
    }

    pub fn invite_third_party(
        &mut self,
        inviter: &str,
        room_id: &str,
        medium: &str,
        address: &str,
    ) -> Result<(), MatrixError> {
        self.room_inviter_may_invite_to(room_id, inviter)?;
        if let Some(room) = self.rooms.get_mut(room_id) {
            room.third_party_invites
                .push((medium.to_owned(), address.to_owned()));
        }
        Ok(())
    }

    pub fn leave(
        &mut self,
        user: &str,
        room_id: &str,
        reason: Option<String>,
    ) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        if !matches!(
            room.membership(user),
            Some(Membership::Join | Membership::Invite)
        ) {
            return Err(MatrixError::forbidden(format!("{user} is not in the room")));
        }
        self.set_membership(room_id, user, user, Membership::Leave, reason);
        Ok(())
    }

    /// Kick (`Leave`) or ban (`Ban`) `target`: needs the action's power level
    /// and more power than the target.
    pub fn moderate(
        &mut self,
        moderator: &str,
        room_id: &str,
        target: &str,
        action: Membership,
        reason: Option<String>,
    ) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        let power = self.joined_power(room, moderator)?;
        let needed = match action {
            Membership::Ban => room.power_levels.ban,
            _ => room.power_levels.kick,
        };
        if power < needed || power <= room.power_levels.of(target) {
            return Err(MatrixError::forbidden(format!(
                "You cannot {} {target}: your power level is too low",
                if action == Membership::Ban {
                    "ban"
                } else {
                    "kick"
                }
            )));
        }
        let current = room.membership(target);
        if action == Membership::Leave
            && !matches!(current, Some(Membership::Join | Membership::Invite))
        {
            return Err(MatrixError::forbidden(format!(
                "{target} is not in the room"
            )));
        }
        self.set_membership(room_id, moderator, target, action, reason);
        Ok(())
    }

    pub fn unban(
        &mut self,
        moderator: &str,
        room_id: &str,
        target: &str,
        reason: Option<String>,
    ) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        let power = self.joined_power(room, moderator)?;
        if power < room.power_levels.ban {
            return Err(MatrixError::forbidden(
                "You do not have permission to unban",
            ));
        }
        if room.membership(target) != Some(Membership::Ban) {
            return Err(MatrixError::forbidden(format!("{target} is not banned")));
        }
        self.set_membership(room_id, moderator, target, Membership::Leave, reason);
        Ok(())
    }

    /// Forgetting a room one never was in does nothing, as in Synapse: the
    /// operation declares no 403 or 404.
    pub fn forget(&mut self, user: &str, room_id: &str) -> Result<(), MatrixError> {
        let Ok(room) = self.room(room_id) else {
            return Ok(());
        };
        if matches!(
            room.membership(user),
            Some(Membership::Join | Membership::Invite)
        ) {
            return Err(MatrixError::new(400, "M_UNKNOWN", "User is in room"));
        }
        if let Some(room) = self.rooms.get_mut(room_id) {
            room.forgotten_by.insert(user.to_owned());
        }
        Ok(())
    }

    /// The room, if `user` is or was a member (403 otherwise).
    pub fn visible_room(&self, user: &str, room_id: &str) -> Result<&Room, MatrixError> {
        let room = self.room(room_id)?;
        if room.membership(user).is_none() {
            return Err(MatrixError::forbidden("You aren't a member of the room"));
        }
        Ok(room)
    }

    /// The content of a state event, if the room has it.
    pub fn state(
        &self,
        user: &str,
        room_id: &str,
        event_type: &str,
        state_key: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, MatrixError> {
        use serde_json::json;
        let room = self.visible_room(user, room_id)?;
        let content = match (event_type, state_key) {
            ("m.room.member", user) => room.members.get(user).map(|m| {
                let mut content = json!({ "membership": m.membership.as_str() });
                if let Some(reason) = &m.reason {
                    content["reason"] = json!(reason);
                }
                content
            }),
            ("m.room.create", "") => Some(json!({ "creator": room.creator })),
            ("m.room.join_rules", "") => Some(json!({
                "join_rule": match room.join_rule { JoinRule::Public => "public", JoinRule::Invite => "invite" }
            })),
            ("m.room.power_levels", "") => Some(json!({
                "users": room.power_levels.users,
                "kick": room.power_levels.kick,
                "ban": room.power_levels.ban,
                "invite": room.power_levels.invite,
            })),
            ("m.room.name", "") => room.name.as_ref().map(|name| json!({ "name": name })),
            ("m.room.topic", "") => room.topic.as_ref().map(|topic| json!({ "topic": topic })),
            _ => None,
        };
        match content {
            Some(serde_json::Value::Object(map)) => Ok(map),
            _ => Err(MatrixError::not_found("Event not found.")),
        }
    }
}
