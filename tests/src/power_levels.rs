//! Power levels: the room's `m.room.power_levels` content, read with the
//! values the spec gives what it leaves out, and the rule for changing it.

use std::collections::BTreeSet;

use matrix_api::events::{EventContent, RoomPowerLevelsEventContent};
use matrix_api::runtime::MatrixError;

use crate::rooms::Room;

/// A room's power levels. Every room gets an `m.room.power_levels` event
/// when it is created; without one, every value is its default.
#[derive(Clone, Copy, Debug)]
pub struct PowerLevels<'a>(Option<&'a RoomPowerLevelsEventContent>);

impl Room {
    pub fn power_levels(&self) -> PowerLevels<'_> {
        match self
            .state_event("m.room.power_levels", "")
            .map(|e| &e.content)
        {
            Some(EventContent::RoomPowerLevels(content)) => PowerLevels(Some(content)),
            _ => PowerLevels(None),
        }
    }
}

impl PowerLevels<'_> {
    fn field(&self, read: impl Fn(&RoomPowerLevelsEventContent) -> Option<i64>) -> Option<i64> {
        self.0.and_then(read)
    }

    /// A user's level: `users`, else `users_default`, else 0.
    pub fn of(&self, user: &str) -> i64 {
        self.0
            .and_then(|c| c.users.as_ref()?.get(user).copied())
            .or(self.field(|c| c.users_default))
            .unwrap_or(0)
    }

    pub fn kick(&self) -> i64 {
        self.field(|c| c.kick).unwrap_or(50)
    }

    pub fn ban(&self) -> i64 {
        self.field(|c| c.ban).unwrap_or(50)
    }

    pub fn invite(&self) -> i64 {
        self.field(|c| c.invite).unwrap_or(0)
    }

    /// The level needed to send an event of `event_type`: its entry in
    /// `events`, else `state_default` (50) for state and `events_default`
    /// (0) for messages.
    pub fn to_send(&self, event_type: &str, state: bool) -> i64 {
        let listed = self
            .0
            .and_then(|c| c.events.as_ref()?.get(event_type).copied());
        listed.unwrap_or_else(|| match state {
            true => self.field(|c| c.state_default).unwrap_or(50),
            false => self.field(|c| c.events_default).unwrap_or(0),
        })
    }

    /// Whether `sender`, at level `power`, may replace these power levels
    /// with `new`. As in the room versions' authorization rules, every level
    /// that changes (added, removed or altered) must be at most the sender's
    /// own, before and after; and the level of another user may only change
    /// while that user has less power than the sender.
    pub fn check_change(
        &self,
        sender: &str,
        power: i64,
        new: &RoomPowerLevelsEventContent,
    ) -> Result<(), MatrixError> {
        let old = self.0.cloned().unwrap_or_default();
        let too_high = |what: &str, before: Option<i64>, after: Option<i64>| {
            let changed = before != after;
            let above = before.into_iter().chain(after).any(|level| level > power);
            (changed && above).then(|| {
                MatrixError::forbidden(format!(
                    "You cannot change {what} beyond your own power level ({power})"
                ))
            })
        };
        let levels = [
            ("users_default", old.users_default, new.users_default),
            ("events_default", old.events_default, new.events_default),
            ("state_default", old.state_default, new.state_default),
            ("ban", old.ban, new.ban),
            ("kick", old.kick, new.kick),
            ("redact", old.redact, new.redact),
            ("invite", old.invite, new.invite),
        ];
        for (name, before, after) in levels {
            if let Some(error) = too_high(name, before, after) {
                return Err(error);
            }
        }
        let events = |c: &RoomPowerLevelsEventContent, t: &str| c.events.as_ref()?.get(t).copied();
        for event_type in keys(old.events.as_ref(), new.events.as_ref()) {
            let what = format!("the level of `{event_type}` events");
            let error = too_high(&what, events(&old, event_type), events(new, event_type));
            if let Some(error) = error {
                return Err(error);
            }
        }
        let users = |c: &RoomPowerLevelsEventContent, u: &str| c.users.as_ref()?.get(u).copied();
        for user in keys(old.users.as_ref(), new.users.as_ref()) {
            let (before, after) = (users(&old, user), users(new, user));
            if before == after {
                continue;
            }
            if user != sender && before.is_some_and(|level| level >= power) {
                return Err(MatrixError::forbidden(format!(
                    "You cannot change the power level of {user}, who has as much power as you"
                )));
            }
            if let Some(error) = too_high(&format!("the level of {user}"), before, after) {
                return Err(error);
            }
        }
        Ok(())
    }
}

/// The keys of two optional maps, each once.
fn keys<'a, V>(
    a: Option<&'a std::collections::BTreeMap<String, V>>,
    b: Option<&'a std::collections::BTreeMap<String, V>>,
) -> BTreeSet<&'a str> {
    a.into_iter()
        .chain(b)
        .flat_map(|map| map.keys().map(String::as_str))
        .collect()
}
