//! Room events as the server keeps them: the typed content of the generated
//! `events` module and what the server adds to it (id, sender, time, state
//! key), and the envelopes they are handed out in.

use std::fmt::Display;
use std::str::FromStr;

use matrix_api::events::EventContent;
use matrix_api::r0::types;
use matrix_api::runtime::ids::{EventId, RoomId, UserId};
use matrix_api::runtime::MatrixError;

use crate::rooms::{now_ms, Homeserver, Room};

/// One event of a room.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    /// Where the event is in the stream of all rooms' events: `/messages`
    /// and `/sync` tokens are stream positions.
    pub stream: u64,
    pub event_id: EventId,
    pub sender: UserId,
    pub origin_server_ts: i64,
    /// Set on state events.
    pub state_key: Option<String>,
    /// The event's type and content.
    pub content: EventContent,
    /// The transaction id the sender sent a message with; only the sender sees it.
    pub transaction_id: Option<String>,
}

/// An id the server made or checked before: one that does not parse is a
/// bug of the server, answered with 500 rather than a panic.
pub(crate) fn valid_id<T: FromStr>(text: &str) -> Result<T, MatrixError>
where
    T::Err: Display,
{
    text.parse()
        .map_err(|e: T::Err| MatrixError::new(500, "M_UNKNOWN", e.to_string()))
}

impl StoredEvent {
    pub fn event_type(&self) -> &str {
        self.content.event_type()
    }

    fn unsigned_for(&self, viewer: &str) -> Option<types::UnsignedData> {
        let transaction_id = self
            .transaction_id
            .clone()
            .filter(|_| self.sender == viewer)?;
        Some(types::UnsignedData {
            transaction_id: Some(transaction_id),
            ..Default::default()
        })
    }

    /// As `/messages` lists it, for `viewer`.
    pub fn to_room_event(&self, room_id: &RoomId, viewer: &str) -> types::RoomEvent {
        types::RoomEvent {
            state_key: self.state_key.clone(),
            unsigned: self.unsigned_for(viewer),
            ..types::RoomEvent::new(
                self.content.clone(),
                self.event_id.clone(),
                self.sender.clone(),
                self.origin_server_ts,
                room_id.clone(),
            )
        }
    }

    /// As a `/sync` timeline lists it, for `viewer`.
    pub fn to_sync_event(&self, viewer: &str) -> types::SyncRoomEvent {
        types::SyncRoomEvent {
            state_key: self.state_key.clone(),
            unsigned: self.unsigned_for(viewer),
            ..types::SyncRoomEvent::new(
                self.content.clone(),
                self.event_id.clone(),
                self.sender.clone(),
                self.origin_server_ts,
            )
        }
    }

    /// As `/sync` lists the state before a timeline; `None` for a message.
    pub fn to_sync_state_event(&self, viewer: &str) -> Option<types::SyncStateEvent> {
        Some(types::SyncStateEvent {
            unsigned: self.unsigned_for(viewer),
            ..types::SyncStateEvent::new(
                self.content.clone(),
                self.event_id.clone(),
                self.sender.clone(),
                self.origin_server_ts,
                self.state_key.clone()?,
            )
        })
    }

    /// As `/rooms/{roomId}/state` lists it; `None` for a message.
    pub fn to_state_event(&self, room_id: &RoomId, viewer: &str) -> Option<types::StateEvent> {
        Some(types::StateEvent {
            unsigned: self.unsigned_for(viewer),
            ..types::StateEvent::new(
                self.content.clone(),
                self.event_id.clone(),
                self.sender.clone(),
                self.origin_server_ts,
                self.state_key.clone()?,
                room_id.clone(),
            )
        })
    }

    /// Cut down for a user invited to the room; `None` for a message.
    pub fn to_stripped(&self) -> Option<types::StrippedStateEvent> {
        Some(types::StrippedStateEvent::new(
            self.state_key.clone()?,
            self.sender.clone(),
            self.content.clone(),
        ))
    }
}

impl Room {
    /// The current state event of a type and state key.
    pub fn state_event(&self, event_type: &str, state_key: &str) -> Option<&StoredEvent> {
        let key = (event_type.to_owned(), state_key.to_owned());
        self.state.get(&key).map(|&index| &self.events[index])
    }

    /// Every current state event, by type and state key.
    pub fn current_state(&self) -> impl Iterator<Item = &StoredEvent> {
        self.state.values().map(|&index| &self.events[index])
    }
}

impl Homeserver {
    /// Adds an event to a room, at the end of the stream, and wakes waiting
    /// `/sync` requests. The caller has checked the rules.
    pub(crate) fn append(
        &mut self,
        room_id: &str,
        sender: &str,
        state_key: Option<String>,
        content: EventContent,
        transaction_id: Option<String>,
    ) -> Result<EventId, MatrixError> {
        let sender = valid_id(sender)?;
        let event_id: EventId = valid_id(&self.next('$'))?;
        let stream = self.stream + 1;
        let room = self.rooms.get_mut(room_id).ok_or_else(|| {
            MatrixError::new(500, "M_UNKNOWN", format!("No room {room_id} to add to"))
        })?;
        if let Some(state_key) = &state_key {
            let key = (content.event_type().to_owned(), state_key.clone());
            room.state.insert(key, room.events.len());
        }
        room.events.push(StoredEvent {
            stream,
            event_id: event_id.clone(),
            sender,
            origin_server_ts: now_ms(),
            state_key,
            content,
            transaction_id,
        });
        self.stream = stream;
        self.stream_moved.send_replace(stream);
        Ok(event_id)
    }

    pub(crate) fn append_state(
        &mut self,
        room_id: &str,
        sender: &str,
        state_key: &str,
        content: EventContent,
    ) -> Result<EventId, MatrixError> {
        self.append(room_id, sender, Some(state_key.to_owned()), content, None)
    }
}
