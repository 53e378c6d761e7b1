//! The homeserver itself: users, tokens and rooms in memory. Nothing here
//! knows about HTTP: the trait implementations in `r0.rs` and `v1.rs`
//! translate requests into calls here.
//!
//! A room is its events: the membership, the join rule and the power levels
//! are read from the room's current state events, never kept beside them.
//! The rules are split by concern: [`crate::accounts`], [`crate::membership`],
//! [`crate::power_levels`], [`crate::events`] (the stored events and their
//! envelopes), [`crate::sending`] (messages and state) and
//! [`crate::timeline`] (what users see over time: `/messages`, `/sync`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use matrix_api::events::{
    EventContent, RoomCreateEventContent, RoomJoinRulesEventContent,
    RoomJoinRulesEventContentJoinRule as JoinRule, RoomNameEventContent,
    RoomPowerLevelsEventContent, RoomTopicEventContent,
};
use matrix_api::runtime::ids::{EventId, RoomId};
use matrix_api::runtime::MatrixError;
use tokio::sync::watch;

use crate::accounts::User;
use crate::events::{valid_id, StoredEvent};
pub use crate::membership::Membership;

#[derive(Clone, Debug)]
pub struct Room {
    pub id: RoomId,
    pub creator: String,
    /// Every event of the room, state and messages alike, oldest first.
    pub events: Vec<StoredEvent>,
    /// The current state: for each event type and state key, the index in
    /// `events` of the latest state event.
    pub(crate) state: BTreeMap<(String, String), usize>,
    /// Invites by e-mail address or phone number, waiting for a user: (medium, address).
    pub third_party_invites: Vec<(String, String)>,
    /// Users who forgot the room after leaving it.
    pub forgotten_by: BTreeSet<String>,
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

/// The whole server state.
#[derive(Debug)]
pub struct Homeserver {
    pub server_name: String,
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) tokens: BTreeMap<String, String>,
    pub rooms: BTreeMap<String, Room>,
    aliases: BTreeMap<String, String>,
    next_id: u64,
    room_creation_limit: Option<RateLimit>,
    recent_creations: BTreeMap<String, Vec<Instant>>,
    /// The position of the newest event in the stream of all rooms' events;
    /// `/messages` and `/sync` tokens are positions in it.
    pub(crate) stream: u64,
    /// Tells waiting `/sync` requests that the stream moved on.
    pub(crate) stream_moved: watch::Sender<u64>,
    /// Event ids of sent messages by (sender, room, transaction id), so that
    /// a repeated send is answered without a second event.
    pub(crate) transactions: BTreeMap<(String, String, String), EventId>,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Homeserver {
    /// A server named `server_name`, which must be a valid server name
    /// (`localhost`, `example.org:8448`): every id the server makes ends with it.
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
            stream: 0,
            stream_moved: watch::channel(0).0,
            transactions: BTreeMap::new(),
        }
    }

    pub fn limit_room_creation(&mut self, limit: RateLimit) {
        self.room_creation_limit = Some(limit);
    }

    pub(crate) fn next(&mut self, sigil: char) -> String {
        let id = self.next_id;
        self.next_id += 1;
        format!("{sigil}{id:06}:{}", self.server_name)
    }

    // ---- rooms -----------------------------------------------------------

    /// Creates a room as Synapse does, one state event at a time: the create
    /// event, the creator's join, power levels (the creator 100), the join
    /// rule, name and topic, then the invites.
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
            id: valid_id(&id)?,
            creator: creator.to_owned(),
            events: Vec::new(),
            state: BTreeMap::new(),
            third_party_invites: Vec::new(),
            forgotten_by: BTreeSet::new(),
        };
        self.rooms.insert(id.clone(), room);
        if let Some(alias) = alias {
            self.aliases.insert(alias, id.clone());
        }
        let create = RoomCreateEventContent {
            creator: Some(valid_id(creator)?),
            room_version: Some("1".to_owned()),
            ..Default::default()
        };
        self.append_state(&id, creator, "", EventContent::RoomCreate(Box::new(create)))?;
        self.set_membership(&id, creator, creator, Membership::Join.content(None))?;
        let power_levels = RoomPowerLevelsEventContent {
            users: Some(BTreeMap::from([(creator.to_owned(), 100)])),
            users_default: Some(0),
            // Changing who may do what takes the most power, as in Synapse.
            events: Some(BTreeMap::from([("m.room.power_levels".to_owned(), 100)])),
            events_default: Some(0),
            state_default: Some(50),
            ban: Some(50),
            kick: Some(50),
            redact: Some(50),
            invite: Some(0),
            ..Default::default()
        };
        let power_levels = EventContent::RoomPowerLevels(Box::new(power_levels));
        self.append_state(&id, creator, "", power_levels)?;
        let join_rule = if new.public {
            JoinRule::Public
        } else {
            JoinRule::Invite
        };
        let join_rules = RoomJoinRulesEventContent::new(join_rule);
        self.append_state(
            &id,
            creator,
            "",
            EventContent::RoomJoinRules(Box::new(join_rules)),
        )?;
        if let Some(name) = new.name {
            let name = EventContent::RoomName(Box::new(RoomNameEventContent::new(name)));
            self.append_state(&id, creator, "", name)?;
        }
        if let Some(topic) = new.topic {
            let topic = EventContent::RoomTopic(Box::new(RoomTopicEventContent::new(topic)));
            self.append_state(&id, creator, "", topic)?;
        }
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
    pub(crate) fn room(&self, room_id: &str) -> Result<&Room, MatrixError> {
        self.rooms
            .get(room_id)
            .ok_or_else(|| MatrixError::forbidden("You are not in the room"))
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
}
