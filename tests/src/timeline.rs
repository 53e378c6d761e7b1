//! What users see of rooms over time: the state and history a user may
//! read, pages of `/messages`, and `/sync`.
//!
//! All rooms' events are in one stream, numbered from 1. A token `s{n}`
//! (`s0` before every event) is the point after event `n`: `/messages` pages
//! from tokens, and `/sync` hands out the newest one as `next_batch`.

use std::collections::BTreeMap;

use matrix_api::events::EventContent;
use matrix_api::r0::types;
use matrix_api::runtime::MatrixError;
use tokio::sync::watch;

use crate::events::StoredEvent;
use crate::rooms::{Homeserver, Membership, Room};

/// How many events a room's timeline holds in one `/sync` answer, as in
/// Synapse; older ones are read with `/messages` from `prev_batch`.
pub const SYNC_TIMELINE_LIMIT: usize = 10;

/// The size of a `/messages` page without `limit`, and the largest one.
pub const DEFAULT_PAGE: i64 = 10;
pub const MAX_PAGE: i64 = 1000;

pub fn token(position: u64) -> String {
    format!("s{position}")
}

/// Which way `/messages` pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Backward,
    Forward,
}

impl Room {
    /// The events after stream position `after` up to `up_to`, oldest first.
    fn events_between(&self, after: u64, up_to: u64) -> &[StoredEvent] {
        let start = self.events.partition_point(|e| e.stream <= after);
        let end = self.events.partition_point(|e| e.stream <= up_to);
        self.events.get(start..end).unwrap_or_default()
    }

    /// The room's state at a point of the stream.
    fn state_at(&self, position: u64) -> Vec<&StoredEvent> {
        let mut state = BTreeMap::new();
        for event in self.events_between(0, position) {
            if let Some(state_key) = &event.state_key {
                state.insert((event.event_type(), state_key.as_str()), event);
            }
        }
        state.into_values().collect()
    }

    /// A user's membership at a point of the stream.
    fn membership_at(&self, user: &str, position: u64) -> Option<Membership> {
        self.events_between(0, position)
            .iter()
            .rev()
            .find(|e| e.event_type() == "m.room.member" && e.state_key.as_deref() == Some(user))
            .and_then(|e| match &e.content {
                EventContent::RoomMember(content) => Membership::of(content),
                _ => None,
            })
    }

    /// How far into the room's history `user` may read (the history is
    /// shared with members, as in Synapse's default): all of it while they
    /// are joined (`u64::MAX`), up to the event that ended their last stay
    /// once they have left, and nothing if they never joined.
    pub fn visible_until(&self, user: &str) -> Option<u64> {
        let mut joined = false;
        let mut until = None;
        let own = self
            .events
            .iter()
            .filter(|e| e.event_type() == "m.room.member" && e.state_key.as_deref() == Some(user));
        for event in own {
            let membership = match &event.content {
                EventContent::RoomMember(content) => Membership::of(content),
                _ => None,
            };
            if membership == Some(Membership::Join) {
                joined = true;
            } else if joined {
                joined = false;
                until = Some(event.stream);
            }
        }
        if joined {
            Some(u64::MAX)
        } else {
            until
        }
    }

    /// A `/sync` section of the room for `viewer`: the timeline of events
    /// after `after` (all of them when `None`) up to `up_to`, its last
    /// [`SYNC_TIMELINE_LIMIT`], and the state before that timeline when the
    /// viewer cannot know it (a first sync, a timeline with a gap, or
    /// `full_state`). `None` when there is nothing to tell.
    fn sync_section(
        &self,
        viewer: &str,
        after: Option<u64>,
        up_to: u64,
        full_state: bool,
    ) -> Option<(types::StateEvents, types::Timeline)> {
        let events = self.events_between(after.unwrap_or(0), up_to);
        if after.is_some() && events.is_empty() && !full_state {
            return None;
        }
        let limited = events.len() > SYNC_TIMELINE_LIMIT;
        let shown = &events[events.len().saturating_sub(SYNC_TIMELINE_LIMIT)..];
        let before_timeline = shown.first().map_or(up_to, |e| e.stream - 1);
        let state = if after.is_none() || limited || full_state {
            self.state_at(before_timeline)
                .into_iter()
                .filter_map(|e| e.to_sync_state_event(viewer))
                .map(Into::into)
                .collect()
        } else {
            Vec::new()
        };
        let state = types::StateEvents {
            events: Some(state),
            ..Default::default()
        };
        let timeline = types::Timeline {
            events: Some(
                shown
                    .iter()
                    .map(|e| e.to_sync_event(viewer).into())
                    .collect(),
            ),
            limited: Some(limited),
            prev_batch: Some(token(before_timeline)),
            ..Default::default()
        };
        Some((state, timeline))
    }
}

impl Homeserver {
    /// A stream position from a token; 400 `M_INVALID_PARAM` for one this
    /// server did not hand out.
    pub fn parse_token(&self, text: &str, param: &str) -> Result<u64, MatrixError> {
        text.strip_prefix('s')
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|digits| digits.parse::<u64>().ok())
            .filter(|&position| position <= self.stream)
            .ok_or_else(|| {
                MatrixError::new(
                    400,
                    "M_INVALID_PARAM",
                    format!("`{param}` is not a token of this server"),
                )
            })
    }

    /// Tells of every move of the stream, for a `/sync` that waits for news.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.stream_moved.subscribe()
    }

    /// The room as far as `user` may read it, and that point.
    fn readable_room(&self, user: &str, room_id: &str) -> Result<(&Room, u64), MatrixError> {
        let room = self.room(room_id)?;
        let until = room
            .visible_until(user)
            .ok_or_else(|| MatrixError::forbidden("You have not been in the room"))?;
        Ok((room, until.min(self.stream)))
    }

    /// The content of a state event as `user` may see it (the current one,
    /// or the one of when they left); 404 `M_NOT_FOUND` if there is none.
    pub fn state_content(
        &self,
        user: &str,
        room_id: &str,
        event_type: &str,
        state_key: &str,
    ) -> Result<EventContent, MatrixError> {
        let (room, until) = self.readable_room(user, room_id)?;
        room.state_at(until)
            .into_iter()
            .find(|e| e.event_type() == event_type && e.state_key.as_deref() == Some(state_key))
            .map(|e| e.content.clone())
            .ok_or_else(|| MatrixError::not_found("Event not found."))
    }

    /// Every state event of the room as `user` may see it.
    pub fn room_state(
        &self,
        user: &str,
        room_id: &str,
    ) -> Result<Vec<types::StateEvent>, MatrixError> {
        let (room, until) = self.readable_room(user, room_id)?;
        Ok(room
            .state_at(until)
            .into_iter()
            .filter_map(|e| e.to_state_event(&room.id, user))
            .collect())
    }

    /// A page of `/messages`: up to `limit` events from `from` in
    /// `direction`, never past `to` nor past what `user` may read.
    pub fn messages(
        &self,
        user: &str,
        room_id: &str,
        from: Option<&str>,
        to: Option<&str>,
        direction: Direction,
        limit: Option<i64>,
    ) -> Result<types::RoomEventsPage, MatrixError> {
        let (room, newest) = self.readable_room(user, room_id)?;
        let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE) as usize;
        let from = match from {
            Some(text) => self.parse_token(text, "from")?.min(newest),
            None if direction == Direction::Backward => newest,
            None => 0,
        };
        let to = to.map(|text| self.parse_token(text, "to")).transpose()?;
        let (page, more): (Vec<&StoredEvent>, bool) = match direction {
            Direction::Backward => {
                let window = room.events_between(to.unwrap_or(0), from);
                let page = window.iter().rev().take(limit).collect();
                (page, window.len() > limit)
            }
            Direction::Forward => {
                let window = room.events_between(from, to.unwrap_or(newest).min(newest));
                (window.iter().take(limit).collect(), window.len() > limit)
            }
        };
        // The next page starts just past this one's last event.
        let end = more.then(|| {
            token(match (page.last(), direction) {
                (Some(last), Direction::Backward) => last.stream - 1,
                (Some(last), Direction::Forward) => last.stream,
                (None, _) => from,
            })
        });
        let chunk = page
            .iter()
            .map(|e| e.to_room_event(&room.id, user).into())
            .collect();
        Ok(types::RoomEventsPage {
            end,
            ..types::RoomEventsPage::new(token(from), chunk)
        })
    }

    /// `/sync` for `user`: everything after `since`, or, without it, each
    /// room the user is in or invited to as it is now. Rooms the user left
    /// appear only in an incremental sync, up to the moment they left, and
    /// forgotten rooms not at all. `full_state` adds each joined room's
    /// state to what the timeline shows.
    pub fn sync(&self, user: &str, since: Option<u64>, full_state: bool) -> types::SyncResponse {
        let mut join = BTreeMap::new();
        let mut invite = BTreeMap::new();
        let mut leave = BTreeMap::new();
        for (room_id, room) in &self.rooms {
            let Some(membership) = room.membership(user) else {
                continue;
            };
            if room.forgotten_by.contains(user) {
                continue;
            }
            match membership {
                Membership::Join => {
                    // A room the user was not in at `since` is new to them: it comes whole.
                    let after =
                        since.filter(|&s| room.membership_at(user, s) == Some(Membership::Join));
                    if let Some((state, timeline)) =
                        room.sync_section(user, after, self.stream, full_state)
                    {
                        let update = types::JoinedRoomUpdate {
                            state: Some(state),
                            timeline: Some(timeline),
                            ..Default::default()
                        };
                        join.insert(room_id.clone(), update);
                    }
                }
                Membership::Invite => {
                    if let Some(update) = invited_update(room, user, since) {
                        invite.insert(room_id.clone(), update);
                    }
                }
                Membership::Leave | Membership::Ban => {
                    if let Some(update) = self.left_update(room, user, since) {
                        leave.insert(room_id.clone(), update);
                    }
                }
            }
        }
        let rooms =
            (!join.is_empty() || !invite.is_empty() || !leave.is_empty()).then(|| types::Rooms {
                join: Some(join),
                invite: Some(invite),
                leave: Some(leave),
                ..Default::default()
            });
        types::SyncResponse {
            rooms,
            ..types::SyncResponse::new(token(self.stream))
        }
    }

    /// A room `user` left (or was banned from) after `since`: what happened
    /// up to their leaving; one who was only invited learns nothing but that
    /// the room is gone. Nothing for a full sync, or a leave before `since`.
    fn left_update(
        &self,
        room: &Room,
        user: &str,
        since: Option<u64>,
    ) -> Option<types::LeftRoomUpdate> {
        let since = since?;
        let left = room.member_event(user).map_or(0, |e| e.stream);
        if left <= since {
            return None;
        }
        let until = room.visible_until(user).map(|u| u.min(self.stream));
        let section = until.and_then(|u| room.sync_section(user, Some(since), u, false));
        Some(match section {
            Some((state, timeline)) => types::LeftRoomUpdate {
                state: Some(state),
                timeline: Some(timeline),
                ..Default::default()
            },
            None => types::LeftRoomUpdate::default(),
        })
    }
}

/// A room `user` is invited to, unless the invite came before `since`: what
/// Synapse shows an invitee, the room's name, topic and rules, its creation,
/// and the invite itself.
fn invited_update(room: &Room, user: &str, since: Option<u64>) -> Option<types::InvitedRoomUpdate> {
    let invited = room.member_event(user)?;
    if since.is_some_and(|s| invited.stream <= s) {
        return None;
    }
    let shown = [
        "m.room.create",
        "m.room.name",
        "m.room.topic",
        "m.room.join_rules",
    ];
    let events = room
        .current_state()
        .filter(|e| shown.contains(&e.event_type()))
        .chain([invited])
        .filter_map(StoredEvent::to_stripped)
        .map(Into::into)
        .collect();
    Some(types::InvitedRoomUpdate {
        invite_state: Some(types::InviteState {
            events: Some(events),
            ..Default::default()
        }),
        ..Default::default()
    })
}
