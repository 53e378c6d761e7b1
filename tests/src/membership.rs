//! Membership: who may join, invite, leave, kick, ban and unban, each change
//! an `m.room.member` state event whose state key is the user it is about.

use matrix_api::events::{
    EventContent, RoomJoinRulesEventContentJoinRule as JoinRule, RoomMemberEventContent,
    RoomMemberEventContentMembership as Wire,
};
use matrix_api::runtime::ids::EventId;
use matrix_api::runtime::MatrixError;

use crate::events::StoredEvent;
use crate::rooms::{Homeserver, Room};

/// Where a user stands in a room. Knocking is not supported.
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

    /// The membership of an event's content; `None` for one this server does
    /// not support (`knock`, or a value the spec does not list).
    pub fn of(content: &RoomMemberEventContent) -> Option<Membership> {
        match content.membership {
            Wire::Invite => Some(Membership::Invite),
            Wire::Join => Some(Membership::Join),
            Wire::Leave => Some(Membership::Leave),
            Wire::Ban => Some(Membership::Ban),
            _ => None,
        }
    }

    /// The content of an event that sets this membership.
    pub fn content(self, reason: Option<String>) -> RoomMemberEventContent {
        RoomMemberEventContent {
            reason,
            ..RoomMemberEventContent::new(self.as_str().into())
        }
    }
}

impl Room {
    /// The latest `m.room.member` event about `user`.
    pub fn member_event(&self, user: &str) -> Option<&StoredEvent> {
        self.state_event("m.room.member", user)
    }

    pub fn membership(&self, user: &str) -> Option<Membership> {
        match &self.member_event(user)?.content {
            EventContent::RoomMember(content) => Membership::of(content),
            _ => None,
        }
    }

    /// The join rule of `m.room.join_rules`. Only `public` lets anyone in:
    /// `knock` and `restricted` rooms, which this server cannot honour, stay
    /// closed to the uninvited, as `invite` rooms are.
    pub fn join_rule(&self) -> JoinRule {
        match self
            .state_event("m.room.join_rules", "")
            .map(|e| &e.content)
        {
            Some(EventContent::RoomJoinRules(content)) => content.join_rule.clone(),
            _ => JoinRule::Invite,
        }
    }
}

impl Homeserver {
    pub(crate) fn set_membership(
        &mut self,
        room_id: &str,
        sender: &str,
        target: &str,
        content: RoomMemberEventContent,
    ) -> Result<EventId, MatrixError> {
        if let Some(room) = self.rooms.get_mut(room_id) {
            room.forgotten_by.remove(target);
        }
        let content = EventContent::RoomMember(Box::new(content));
        self.append_state(room_id, sender, target, content)
    }

    /// The caller must be joined; returns their power level.
    pub(crate) fn joined_power(&self, room: &Room, user: &str) -> Result<i64, MatrixError> {
        if room.membership(user) != Some(Membership::Join) {
            return Err(MatrixError::forbidden(format!("{user} is not in the room")));
        }
        Ok(room.power_levels().of(user))
    }

    pub fn join(&mut self, user: &str, room_id: &str) -> Result<String, MatrixError> {
        self.may_join(user, room_id)?;
        self.set_membership(room_id, user, user, Membership::Join.content(None))?;
        Ok(room_id.to_owned())
    }

    fn may_join(&self, user: &str, room_id: &str) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        match room.membership(user) {
            Some(Membership::Ban) => Err(MatrixError::forbidden("You are banned from the room")),
            Some(Membership::Join | Membership::Invite) => Ok(()),
            _ if room.join_rule() == JoinRule::Public => Ok(()),
            _ => Err(MatrixError::forbidden("You are not invited to this room.")),
        }
    }

    /// The room, if `inviter` is in it with the power to invite.
    fn room_inviter_may_invite_to(
        &self,
        room_id: &str,
        inviter: &str,
    ) -> Result<&Room, MatrixError> {
        let room = self.room(room_id)?;
        let power = self.joined_power(room, inviter)?;
        if power < room.power_levels().invite() {
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
        self.may_invite(inviter, room_id, invitee)?;
        let content = Membership::Invite.content(reason);
        self.set_membership(room_id, inviter, invitee, content)?;
        Ok(())
    }

    fn may_invite(&self, inviter: &str, room_id: &str, invitee: &str) -> Result<(), MatrixError> {
        let room = self.room_inviter_may_invite_to(room_id, inviter)?;
        match room.membership(invitee) {
            Some(Membership::Ban) => Err(MatrixError::forbidden(format!(
                "{invitee} is banned from the room"
            ))),
            Some(Membership::Join) => Err(MatrixError::forbidden(format!(
                "{invitee} is already in the room."
            ))),
            _ => Ok(()),
        }
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
        self.may_leave(user, room_id)?;
        self.set_membership(room_id, user, user, Membership::Leave.content(reason))?;
        Ok(())
    }

    fn may_leave(&self, user: &str, room_id: &str) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        if !matches!(
            room.membership(user),
            Some(Membership::Join | Membership::Invite)
        ) {
            return Err(MatrixError::forbidden(format!("{user} is not in the room")));
        }
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
        self.may_moderate(moderator, room_id, target, action)?;
        self.set_membership(room_id, moderator, target, action.content(reason))?;
        Ok(())
    }

    fn may_moderate(
        &self,
        moderator: &str,
        room_id: &str,
        target: &str,
        action: Membership,
    ) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        let power = self.joined_power(room, moderator)?;
        let levels = room.power_levels();
        let needed = match action {
            Membership::Ban => levels.ban(),
            _ => levels.kick(),
        };
        if power < needed || power <= levels.of(target) {
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
        Ok(())
    }

    pub fn unban(
        &mut self,
        moderator: &str,
        room_id: &str,
        target: &str,
        reason: Option<String>,
    ) -> Result<(), MatrixError> {
        self.may_unban(moderator, room_id, target)?;
        let content = Membership::Leave.content(reason);
        self.set_membership(room_id, moderator, target, content)?;
        Ok(())
    }

    fn may_unban(&self, moderator: &str, room_id: &str, target: &str) -> Result<(), MatrixError> {
        let room = self.room(room_id)?;
        let power = self.joined_power(room, moderator)?;
        if power < room.power_levels().ban() {
            return Err(MatrixError::forbidden(
                "You do not have permission to unban",
            ));
        }
        if room.membership(target) != Some(Membership::Ban) {
            return Err(MatrixError::forbidden(format!("{target} is not banned")));
        }
        Ok(())
    }

    /// An `m.room.member` event put through the state endpoint: the same
    /// rules as the membership endpoints, picked by the membership it sets
    /// and whose it is. The content is kept as sent (a display name, say).
    pub fn set_member_state(
        &mut self,
        sender: &str,
        room_id: &str,
        target: &str,
        content: RoomMemberEventContent,
    ) -> Result<EventId, MatrixError> {
        let Some(membership) = Membership::of(&content) else {
            return Err(MatrixError::forbidden(format!(
                "This server does not set the membership `{}`",
                content.membership
            )));
        };
        let own = sender == target;
        match membership {
            Membership::Join if own => self.may_join(sender, room_id)?,
            Membership::Join => {
                return Err(MatrixError::forbidden(format!(
                    "Only {target} can join for themselves"
                )))
            }
            Membership::Invite => self.may_invite(sender, room_id, target)?,
            Membership::Leave if own => self.may_leave(sender, room_id)?,
            Membership::Leave
                if self.room(room_id)?.membership(target) == Some(Membership::Ban) =>
            {
                self.may_unban(sender, room_id, target)?
            }
            Membership::Leave | Membership::Ban => {
                self.may_moderate(sender, room_id, target, membership)?
            }
        }
        self.set_membership(room_id, sender, target, content)
    }
}
