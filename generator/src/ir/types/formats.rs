//! The Matrix string formats (`format: mx-...`, listed in the spec's
//! `string-formats.yaml`) that have a validated type in the generated crate's
//! `runtime::ids`. A format not listed here stays a `String`: `uri` and `email`
//! are checked by the peers that use them, and an unknown `mx-` format is new
//! to this generator, so it is better left untyped than typed wrongly.

/// A string format with a type of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdKind {
    UserId,
    RoomId,
    EventId,
    RoomAlias,
    ServerName,
    MxcUri,
    UnpaddedBase64,
    UrlSafeUnpaddedBase64,
}

impl IdKind {
    pub fn of_format(format: &str) -> Option<IdKind> {
        Some(match format {
            "mx-user-id" => IdKind::UserId,
            "mx-room-id" => IdKind::RoomId,
            "mx-event-id" => IdKind::EventId,
            "mx-room-alias" => IdKind::RoomAlias,
            "mx-server-name" => IdKind::ServerName,
            "mx-mxc-uri" => IdKind::MxcUri,
            "mx-unpadded-base64" => IdKind::UnpaddedBase64,
            "mx-urlsafe-unpadded-base64" => IdKind::UrlSafeUnpaddedBase64,
            _ => return None,
        })
    }

    /// The type's name in `runtime::ids`.
    pub fn type_name(self) -> &'static str {
        match self {
            IdKind::UserId => "UserId",
            IdKind::RoomId => "RoomId",
            IdKind::EventId => "EventId",
            IdKind::RoomAlias => "RoomAlias",
            IdKind::ServerName => "ServerName",
            IdKind::MxcUri => "MxcUri",
            IdKind::UnpaddedBase64 => "UnpaddedBase64",
            IdKind::UrlSafeUnpaddedBase64 => "UrlSafeUnpaddedBase64",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdKind;

    #[test]
    fn only_the_matrix_formats_are_typed() {
        assert_eq!(IdKind::of_format("mx-user-id"), Some(IdKind::UserId));
        assert_eq!(
            IdKind::of_format("mx-urlsafe-unpadded-base64"),
            Some(IdKind::UrlSafeUnpaddedBase64)
        );
        for untyped in ["uri", "email", "int64", "mx-something-new", ""] {
            assert_eq!(IdKind::of_format(untyped), None, "{untyped}");
        }
    }
}
