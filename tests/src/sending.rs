//! Sending messages and setting state: who may, and what is refused.

use matrix_api::events::EventContent;
use matrix_api::runtime::ids::EventId;
use matrix_api::runtime::MatrixError;

use crate::rooms::Homeserver;

/// The state event types whose content the server's rules read. A content
/// that does not fit one of them is refused: kept as JSON, it would leave
/// the rules reading their defaults (anyone could then reset the power
/// levels with `{"users": "nobody"}`).
const RULED_STATE: [&str; 3] = ["m.room.member", "m.room.join_rules", "m.room.power_levels"];

impl Homeserver {
    /// Sends a message event. A repeated transaction id of the same sender in
    /// the same room answers with the first event's id and sends nothing,
    /// whatever the content, so that a client may retry a send it did not
    /// hear back from.
    pub fn send_message(
        &mut self,
        sender: &str,
        room_id: &str,
        transaction_id: &str,
        content: EventContent,
    ) -> Result<EventId, MatrixError> {
        let transaction = (
            sender.to_owned(),
            room_id.to_owned(),
            transaction_id.to_owned(),
        );
        if let Some(event_id) = self.transactions.get(&transaction) {
            return Ok(event_id.clone());
        }
        let room = self.room(room_id)?;
        let power = self.joined_power(room, sender)?;
        let needed = room.power_levels().to_send(content.event_type(), false);
        if power < needed {
            return Err(MatrixError::forbidden(format!(
                "Sending `{}` events needs power level {needed}; you have {power}",
                content.event_type()
            )));
        }
        let transaction_id = Some(transaction_id.to_owned());
        let event_id = self.append(room_id, sender, None, content, transaction_id)?;
        self.transactions.insert(transaction, event_id.clone());
        Ok(event_id)
    }

    /// Sets a piece of a room's state.
    pub fn set_state(
        &mut self,
        sender: &str,
        room_id: &str,
        state_key: &str,
        content: EventContent,
    ) -> Result<EventId, MatrixError> {
        let event_type = content.event_type().to_owned();
        match content {
            EventContent::Other { .. } if RULED_STATE.contains(&event_type.as_str()) => {
                return Err(MatrixError::bad_json(format!(
                    "The content does not fit the type `{event_type}`"
                )))
            }
            EventContent::RoomMember(member) => {
                return self.set_member_state(sender, room_id, state_key, *member)
            }
            _ => {}
        }
        let room = self.room(room_id)?;
        let power = self.joined_power(room, sender)?;
        if event_type == "m.room.create" {
            return Err(MatrixError::forbidden(
                "A room's create event cannot be replaced",
            ));
        }
        // State keyed by a user id belongs to that user.
        if state_key.starts_with('@') && state_key != sender {
            return Err(MatrixError::forbidden(format!(
                "Only {state_key} may set state keyed by their user id"
            )));
        }
        let levels = room.power_levels();
        let needed = levels.to_send(&event_type, true);
        if power < needed {
            return Err(MatrixError::forbidden(format!(
                "Setting `{event_type}` needs power level {needed}; you have {power}"
            )));
        }
        if let EventContent::RoomPowerLevels(new) = &content {
            levels.check_change(sender, power, new)?;
        }
        self.append_state(room_id, sender, state_key, content)
    }
}
