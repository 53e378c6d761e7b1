//! Matrix identifiers and the other string formats of the spec, checked once
//! when they are made.
//!
//! The spec marks many strings with a `format` such as `mx-user-id` or
//! `mx-mxc-uri`, and describes a few more string grammars (room aliases,
//! unpadded base64) in its appendices. Each type here wraps a `String` known
//! to follow one of those grammars. The only ways to get one are parsing it
//! ([`FromStr`], [`TryFrom`]) and deserializing it, so code holding a
//! [`UserId`] never has to look at it again. Every type serializes as its
//! plain string; a string that breaks its grammar gives an [`IdError`] naming
//! the value and the rule.
//!
//! The checks follow the current grammar where it is the only one, and accept
//! what older servers legitimately produced where it is not:
//!
//! - user IDs whose localpart is any printable ASCII (see
//!   [`UserId::is_historical`]), not only the lowercase set of new accounts;
//! - room IDs of every room version: `!opaque:server` up to version 11, and
//!   the bare hash of version 12 and later;
//! - event IDs of every room version: `$opaque:server` in versions 1 and 2, a
//!   bare hash (standard or URL-safe base64) from version 3 on;
//! - the opaque parts of room and event IDs with a server name take any
//!   printable ASCII, since the spec leaves them to the server that made them.
//!
//! All of these are plain ASCII checks: nothing is decoded, normalised or
//! looked up.

use std::borrow::Borrow;
use std::fmt::{self, Write as _};
use std::net::Ipv6Addr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How many characters of an offending value an error message shows.
const SHOWN_CHARS: usize = 100;

/// The longest user, room, event ID or room alias, in bytes, sigil and server
/// name included.
const MAX_ID_BYTES: usize = 255;

/// The longest server name, in characters (which are all ASCII).
const MAX_SERVER_NAME_CHARS: usize = 255;

/// A string that does not follow the grammar of the format it was parsed as.
///
/// It keeps the whole value, the format's name and the rule that failed. Its
/// message reads like ``"`bob` is not a valid user ID: it must start with `@`"``;
/// values longer than 100 characters are cut short there, and control
/// characters are escaped so the message stays on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdError {
    format: &'static str,
    value: String,
    rule: &'static str,
}

impl IdError {
    /// The name of the format that was expected, such as `"user ID"`.
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// The rejected string, in full.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The rule the string broke, phrased to follow "is not a valid ...: ".
    pub fn rule(&self) -> &'static str {
        self.rule
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('`')?;
        for c in self.value.chars().take(SHOWN_CHARS) {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        if self.value.chars().nth(SHOWN_CHARS).is_some() {
            f.write_str("...")?;
        }
        write!(f, "` is not a valid {}: {}", self.format, self.rule)
    }
}

impl std::error::Error for IdError {}

/// Writes a validated string type and everything the types of this module
/// have in common.
///
/// `string_format!(docs, Name, "name in errors", check)` declares
/// `pub struct Name(String)` with the given doc comments, where `check` is a
/// `fn(&str) -> Result<(), &'static str>` answering the rule a string breaks.
/// Every constructor goes through `check`: parsing (`FromStr`, `TryFrom` of
/// `String` and `&str`) and `Deserialize`. The rest only reads the string:
/// `as_str`, `into_string`, `Display`, `Debug`, `AsRef<str>`, `Borrow<str>`,
/// `Serialize`, the conversion back to `String`, and equality with `str`,
/// `&str` and `String` both ways round. `Borrow<str>` is sound because the
/// derived `Eq`, `Ord` and `Hash` are those of the inner `String`.
macro_rules! string_format {
    ($(#[$doc:meta])* $name:ident, $format:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The string, borrowed.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The string, given back without copying.
            pub fn into_string(self) -> String {
                self.0
            }

            fn error(value: String, rule: &'static str) -> IdError {
                IdError {
                    format: $format,
                    value,
                    rule,
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            /// Checks the string, keeping its allocation when it is valid.
            fn try_from(value: String) -> Result<Self, IdError> {
                match $check(&value) {
                    Ok(()) => Ok($name(value)),
                    Err(rule) => Err($name::error(value, rule)),
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;

            /// Checks the string and copies it when it is valid.
            fn try_from(value: &str) -> Result<Self, IdError> {
                match $check(value) {
                    Ok(()) => Ok($name(value.to_owned())),
                    Err(rule) => Err($name::error(value.to_owned(), rule)),
                }
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            /// The same as `TryFrom<&str>`.
            fn from_str(value: &str) -> Result<Self, IdError> {
                $name::try_from(value)
            }
        }

        impl fmt::Display for $name {
            /// Writes the plain string (padding and width apply).
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self.0.as_str(), f)
            }
        }

        impl fmt::Debug for $name {
            /// Writes the type's name and the quoted string.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl Serialize for $name {
            /// Serializes as the plain string.
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            /// Reads a string and checks it; a bad one fails with the
            /// [`IdError`] message as the deserializer's custom error.
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                $name::try_from(value).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_format! {
    /// A user ID, `@localpart:server_name` (format `mx-user-id`).
    ///
    /// The localpart is what comes between `@` and the first `:`; it must not
    /// be empty. Accounts registered today use only `a-z`, `0-9` and
    /// `._=-/+`, but older accounts may use any printable ASCII character
    /// (`!` to `~`, without `:`), and servers still have to talk to them, so
    /// both are accepted: [`UserId::is_historical`] tells them apart. The rest
    /// must be a valid [`ServerName`], and the whole ID at most 255 bytes.
    UserId, "user ID", check_user_id
}

impl UserId {
    /// The part between the `@` and the first `:`.
    pub fn localpart(&self) -> &str {
        split_sigil_id(&self.0).0
    }

    /// The server name after the first `:`, port included.
    pub fn server_name(&self) -> &str {
        split_sigil_id(&self.0).1.unwrap_or_default()
    }

    /// Whether the localpart uses a character outside the set allowed for new
    /// accounts (`a-z`, `0-9` and `._=-/+`), such as an upper-case letter.
    pub fn is_historical(&self) -> bool {
        !self.localpart().bytes().all(is_strict_localpart_byte)
    }
}

string_format! {
    /// A room ID (format `mx-room-id`), in either of its two shapes.
    ///
    /// Up to room version 11 it is `!opaque:server_name`: an opaque part of
    /// printable ASCII made up by the server that created the room, then a
    /// valid [`ServerName`]. From room version 12 on it has no server name:
    /// `!` is followed by the hash of the room's create event in URL-safe
    /// unpadded base64. Either way it is at most 255 bytes.
    RoomId, "room ID", check_room_id
}

impl RoomId {
    /// Everything between the `!` and the server name's `:`, or after the
    /// `!` when there is no server name (the create event's hash).
    pub fn opaque_id(&self) -> &str {
        split_sigil_id(&self.0).0
    }

    /// The server that created the room, or `None` for room version 12 and
    /// later, whose IDs do not name one.
    pub fn server_name(&self) -> Option<&str> {
        split_sigil_id(&self.0).1
    }
}

string_format! {
    /// An event ID (format `mx-event-id`), in either of its two shapes.
    ///
    /// In room versions 1 and 2 it is `$opaque:server_name`, like an old room
    /// ID. From version 3 on it is `$` and the event's reference hash in
    /// unpadded base64: the standard alphabet in version 3, the URL-safe one
    /// from version 4. Either way it is at most 255 bytes.
    EventId, "event ID", check_event_id
}

impl EventId {
    /// Everything between the `$` and the server name's `:`, or the hash
    /// after the `$` when there is no server name.
    pub fn opaque_id(&self) -> &str {
        split_sigil_id(&self.0).0
    }

    /// The server that sent the event, or `None` for room version 3 and
    /// later, whose event IDs do not name one.
    pub fn server_name(&self) -> Option<&str> {
        split_sigil_id(&self.0).1
    }
}

string_format! {
    /// A room alias, `#alias:server_name`.
    ///
    /// The alias is what comes between `#` and the first `:`: not empty, and
    /// any Unicode but `:` and NUL. The rest must be a valid [`ServerName`],
    /// and the whole alias at most 255 bytes.
    RoomAlias, "room alias", check_room_alias
}

impl RoomAlias {
    /// The part between the `#` and the first `:`.
    pub fn alias(&self) -> &str {
        split_sigil_id(&self.0).0
    }

    /// The server name after the first `:`, port included.
    pub fn server_name(&self) -> &str {
        split_sigil_id(&self.0).1.unwrap_or_default()
    }
}

string_format! {
    /// The name of a homeserver, `host` or `host:port` (format
    /// `mx-server-name`).
    ///
    /// The host is a DNS name made of ASCII letters, digits, `-` and `.`
    /// (which also covers IPv4 literals such as `1.2.3.4`), or an IPv6 address
    /// in brackets such as `[1234:5678::abcd]`. The port, when present, is 1 to
    /// 5 digits no larger than 65535. The whole name is at most 255
    /// characters.
    ServerName, "server name", check_server_name
}

impl ServerName {
    /// The host: a DNS name, an IPv4 address, or an IPv6 address with its
    /// brackets.
    pub fn host(&self) -> &str {
        split_host_port(&self.0).0
    }

    /// The explicit port, if the name has one.
    pub fn port(&self) -> Option<u16> {
        split_host_port(&self.0)
            .1
            .strip_prefix(':')
            .and_then(|port| port.parse().ok())
    }
}

string_format! {
    /// A content URI, `mxc://server_name/media_id` (format `mx-mxc-uri`).
    ///
    /// The server name must be a valid [`ServerName`]; the media ID is one or
    /// more of `A-Z`, `a-z`, `0-9`, `_` and `-`, with nothing after it.
    MxcUri, "mxc URI", check_mxc_uri
}

impl MxcUri {
    /// The server that holds the media.
    pub fn server_name(&self) -> &str {
        split_mxc_uri(&self.0).0
    }

    /// The media's ID on that server.
    pub fn media_id(&self) -> &str {
        split_mxc_uri(&self.0).1
    }
}

string_format! {
    /// Base64 in the standard alphabet (`A-Z`, `a-z`, `0-9`, `+`, `/`)
    /// without `=` padding, as the spec uses it for keys, signatures and
    /// hashes.
    ///
    /// Only the alphabet and the length are checked: no length of the form
    /// `4n + 1` can come out of an encoder. The empty string, the encoding of
    /// no bytes, is accepted. The string is not decoded.
    UnpaddedBase64, "unpadded base64 string", check_unpadded_base64
}

string_format! {
    /// Base64 in the URL-safe alphabet (`A-Z`, `a-z`, `0-9`, `-`, `_`)
    /// without `=` padding, as in the hashes of newer event and room IDs.
    ///
    /// The checks are those of [`UnpaddedBase64`] with `-` and `_` in place
    /// of `+` and `/`.
    UrlSafeUnpaddedBase64, "URL-safe unpadded base64 string", check_url_safe_unpadded_base64
}

/// Splits a checked `<sigil>local:server` or `<sigil>local` string after its
/// one-byte sigil, at the first `:`.
fn split_sigil_id(id: &str) -> (&str, Option<&str>) {
    let rest = id.get(1..).unwrap_or_default();
    match rest.split_once(':') {
        Some((local, server)) => (local, Some(server)),
        None => (rest, None),
    }
}

/// Splits a server name into its host (an IPv6 literal keeps its brackets)
/// and whatever follows it, which is `:port` or empty in a valid name.
fn split_host_port(name: &str) -> (&str, &str) {
    let host_end = if name.starts_with('[') {
        name.find(']').map_or(name.len(), |close| close + 1)
    } else {
        name.find(':').unwrap_or(name.len())
    };
    name.split_at(host_end)
}

/// Splits a checked `mxc://server/media` URI into server name and media ID.
fn split_mxc_uri(uri: &str) -> (&str, &str) {
    let rest = uri.strip_prefix("mxc://").unwrap_or(uri);
    rest.split_once('/').unwrap_or((rest, ""))
}

/// A byte allowed in the localpart of a user ID registered today.
fn is_strict_localpart_byte(byte: u8) -> bool {
    matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'=' | b'-' | b'/' | b'+')
}

/// A printable ASCII byte other than `:` (space excluded): what historical
/// user localparts and the opaque parts of room and event IDs may hold.
fn is_printable_ascii_byte(byte: u8) -> bool {
    matches!(byte, 0x21..=0x39 | 0x3B..=0x7E)
}

fn is_base64_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'+' || byte == b'/'
}

fn is_url_safe_base64_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Whether `value` is unpadded base64 in the alphabet `is_alphabet` accepts.
fn is_unpadded_base64(value: &str, is_alphabet: fn(u8) -> bool) -> bool {
    value.bytes().all(is_alphabet) && value.len() % 4 != 1
}

fn check_server_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("the server name must not be empty");
    }
    if name.len() > MAX_SERVER_NAME_CHARS {
        return Err("the server name must not be longer than 255 characters");
    }
    let (host, rest) = split_host_port(name);
    if let Some(literal) = host.strip_prefix('[') {
        let Some(address) = literal.strip_suffix(']') else {
            return Err("the server name's IPv6 address must be closed with `]`");
        };
        if address.parse::<Ipv6Addr>().is_err() {
            return Err("the server name's bracketed host must be an IPv6 address");
        }
    } else if host.is_empty() {
        return Err("the server name's host must not be empty");
    } else if !host
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.')
    {
        return Err("the server name's host may only hold ASCII letters, digits, `-` and `.`");
    }
    if rest.is_empty() {
        return Ok(());
    }
    let Some(port) = rest.strip_prefix(':') else {
        return Err("the server name may only have a `:port` after its host");
    };
    let digits = (1..=5).contains(&port.len()) && port.bytes().all(|byte| byte.is_ascii_digit());
    if !digits || port.parse::<u16>().is_err() {
        return Err("the server name's port must be 1 to 5 digits, at most 65535");
    }
    Ok(())
}

fn check_user_id(id: &str) -> Result<(), &'static str> {
    let Some(rest) = id.strip_prefix('@') else {
        return Err("it must start with `@`");
    };
    if id.len() > MAX_ID_BYTES {
        return Err("it must not be longer than 255 bytes");
    }
    let Some((localpart, server_name)) = rest.split_once(':') else {
        return Err("it must have a `:` between the localpart and the server name");
    };
    if localpart.is_empty() {
        return Err("its localpart must not be empty");
    }
    if !localpart.bytes().all(is_printable_ascii_byte) {
        return Err("its localpart may only hold printable ASCII characters, without spaces");
    }
    check_server_name(server_name)
}

fn check_room_id(id: &str) -> Result<(), &'static str> {
    let Some(rest) = id.strip_prefix('!') else {
        return Err("it must start with `!`");
    };
    if id.len() > MAX_ID_BYTES {
        return Err("it must not be longer than 255 bytes");
    }
    match rest.split_once(':') {
        Some((opaque, server_name)) => {
            check_opaque(opaque)?;
            check_server_name(server_name)
        }
        None if !rest.is_empty() && is_unpadded_base64(rest, is_url_safe_base64_byte) => Ok(()),
        None => Err(
            "without a `:server_name` (room version 12 and later) it must be \
                     URL-safe unpadded base64 after the `!`",
        ),
    }
}

fn check_event_id(id: &str) -> Result<(), &'static str> {
    let Some(rest) = id.strip_prefix('$') else {
        return Err("it must start with `$`");
    };
    if id.len() > MAX_ID_BYTES {
        return Err("it must not be longer than 255 bytes");
    }
    match rest.split_once(':') {
        Some((opaque, server_name)) => {
            check_opaque(opaque)?;
            check_server_name(server_name)
        }
        None if !rest.is_empty()
            && (is_unpadded_base64(rest, is_base64_byte)
                || is_unpadded_base64(rest, is_url_safe_base64_byte)) =>
        {
            Ok(())
        }
        None => Err(
            "without a `:server_name` (room version 3 and later) it must be \
                     unpadded base64, standard or URL-safe, after the `$`",
        ),
    }
}

/// The opaque part of a room or event ID that has a server name.
fn check_opaque(opaque: &str) -> Result<(), &'static str> {
    if opaque.is_empty() {
        return Err("its opaque part before the `:` must not be empty");
    }
    if !opaque.bytes().all(is_printable_ascii_byte) {
        return Err("its opaque part may only hold printable ASCII characters, without spaces");
    }
    Ok(())
}

fn check_room_alias(alias: &str) -> Result<(), &'static str> {
    let Some(rest) = alias.strip_prefix('#') else {
        return Err("it must start with `#`");
    };
    if alias.len() > MAX_ID_BYTES {
        return Err("it must not be longer than 255 bytes");
    }
    let Some((local, server_name)) = rest.split_once(':') else {
        return Err("it must have a `:` between the alias and the server name");
    };
    if local.is_empty() {
        return Err("its alias before the `:` must not be empty");
    }
    if local.contains('\0') {
        return Err("its alias must not hold NUL characters");
    }
    check_server_name(server_name)
}

fn check_mxc_uri(uri: &str) -> Result<(), &'static str> {
    let Some(rest) = uri.strip_prefix("mxc://") else {
        return Err("it must start with `mxc://`");
    };
    let Some((server_name, media_id)) = rest.split_once('/') else {
        return Err("it must have a `/` between the server name and the media ID");
    };
    check_server_name(server_name)?;
    if media_id.is_empty() {
        return Err("its media ID must not be empty");
    }
    if !media_id
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-')
    {
        return Err("its media ID may only hold ASCII letters, digits, `_` and `-`");
    }
    Ok(())
}

fn check_unpadded_base64(value: &str) -> Result<(), &'static str> {
    check_base64(
        value,
        is_base64_byte,
        "it may only hold ASCII letters, digits, `+` and `/`",
    )
}

fn check_url_safe_unpadded_base64(value: &str) -> Result<(), &'static str> {
    check_base64(
        value,
        is_url_safe_base64_byte,
        "it may only hold ASCII letters, digits, `-` and `_`",
    )
}

fn check_base64(
    value: &str,
    is_alphabet: fn(u8) -> bool,
    alphabet_rule: &'static str,
) -> Result<(), &'static str> {
    if value.contains('=') {
        return Err("it must not be padded with `=`");
    }
    if !value.bytes().all(is_alphabet) {
        return Err(alphabet_rule);
    }
    if value.len() % 4 == 1 {
        return Err("its length must not be one more than a multiple of 4");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The rule `value` breaks as a `T`, panicking if it is valid.
    fn rule<T>(value: &str) -> &'static str
    where
        T: FromStr<Err = IdError> + fmt::Debug,
    {
        match value.parse::<T>() {
            Ok(parsed) => panic!("{value:?} was accepted as {parsed:?}"),
            Err(error) => error.rule(),
        }
    }

    fn ok<T>(value: &str) -> T
    where
        T: FromStr<Err = IdError>,
    {
        match value.parse::<T>() {
            Ok(parsed) => parsed,
            Err(error) => panic!("{value:?} was rejected: {error}"),
        }
    }

    #[test]
    fn user_ids() {
        let alice: UserId = ok("@alice:example.org");
        assert_eq!(alice.localpart(), "alice");
        assert_eq!(alice.server_name(), "example.org");
        assert!(!alice.is_historical());

        let strict: UserId = ok("@a.b_c=d-e/f+9:example.org:8448");
        assert_eq!(strict.localpart(), "a.b_c=d-e/f+9");
        assert_eq!(strict.server_name(), "example.org:8448");
        assert!(!strict.is_historical());

        let old: UserId = ok("@Alice!:example.org");
        assert_eq!(old.localpart(), "Alice!");
        assert!(old.is_historical());
        assert!(ok::<UserId>("@~\"#{}:[::1]").is_historical());

        assert_eq!(
            rule::<UserId>("alice:example.org"),
            "it must start with `@`"
        );
        assert_eq!(
            rule::<UserId>("@alice"),
            "it must have a `:` between the localpart and the server name"
        );
        assert_eq!(
            rule::<UserId>("@:example.org"),
            "its localpart must not be empty"
        );
        rule::<UserId>("@al ice:example.org");
        rule::<UserId>("@alicé:example.org");
        rule::<UserId>("@alice\n:example.org");
        rule::<UserId>("@alice:");
        rule::<UserId>("@alice:exa mple.org");
        rule::<UserId>("@alice:example.org:99999");
        rule::<UserId>("");
    }

    #[test]
    fn user_ids_are_at_most_255_bytes() {
        let server = ":example.org";
        let longest = format!("@{}{server}", "a".repeat(255 - 1 - server.len()));
        assert_eq!(longest.len(), 255);
        ok::<UserId>(&longest);

        let too_long = format!("@{}{server}", "a".repeat(256 - 1 - server.len()));
        assert_eq!(too_long.len(), 256);
        assert_eq!(
            rule::<UserId>(&too_long),
            "it must not be longer than 255 bytes"
        );
    }

    #[test]
    fn room_ids() {
        let v12: RoomId = ok("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM");
        assert_eq!(v12.server_name(), None);
        assert_eq!(
            v12.opaque_id(),
            "31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"
        );

        let old: RoomId = ok("!abc:example.org");
        assert_eq!(old.server_name(), Some("example.org"));
        assert_eq!(old.opaque_id(), "abc");
        let with_port: RoomId = ok("!OGEhHVWSdvArJzumhm:matrix.org:8448");
        assert_eq!(with_port.server_name(), Some("matrix.org:8448"));

        assert_eq!(rule::<RoomId>("abc:example.org"), "it must start with `!`");
        rule::<RoomId>("!");
        rule::<RoomId>("!:example.org");
        rule::<RoomId>("!abc:");
        rule::<RoomId>("!a b:example.org");
        // Without a server name: URL-safe base64 only.
        rule::<RoomId>("!31hneApxJ/1o+63DmFrpeqnkFfWppnzWso1JvH3ogLM");
        rule::<RoomId>("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM=");
        rule::<RoomId>("!abcde");
        rule::<RoomId>(&format!("!{}:example.org", "a".repeat(255)));
    }

    #[test]
    fn event_ids() {
        let v3: EventId = ok("$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk");
        assert_eq!(v3.server_name(), None);
        assert_eq!(
            v3.opaque_id(),
            "acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk"
        );
        let v4: EventId = ok("$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg");
        assert_eq!(v4.server_name(), None);

        let v1: EventId = ok("$abc:example.org");
        assert_eq!(v1.server_name(), Some("example.org"));
        assert_eq!(v1.opaque_id(), "abc");
        ok::<EventId>("$1566788989123abcDE:[1234:5678::abcd]:443");

        assert_eq!(rule::<EventId>("abc:example.org"), "it must start with `$`");
        rule::<EventId>("$");
        rule::<EventId>("$:example.org");
        rule::<EventId>("$abc:exa mple.org");
        rule::<EventId>("$abc def");
        // One alphabet or the other, not a mix.
        rule::<EventId>("$ab+_");
        rule::<EventId>("$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk=");
        rule::<EventId>("$abcde");
    }

    #[test]
    fn room_aliases() {
        let alias: RoomAlias = ok("#room:example.org");
        assert_eq!(alias.alias(), "room");
        assert_eq!(alias.server_name(), "example.org");
        let unicode: RoomAlias = ok("#café ☕:example.org:8448");
        assert_eq!(unicode.alias(), "café ☕");
        assert_eq!(unicode.server_name(), "example.org:8448");

        assert_eq!(
            rule::<RoomAlias>("room:example.org"),
            "it must start with `#`"
        );
        rule::<RoomAlias>("#room");
        rule::<RoomAlias>("#:example.org");
        rule::<RoomAlias>("#ro\0om:example.org");
        rule::<RoomAlias>("#room:example.org/x");
        rule::<RoomAlias>(&format!("#{}:example.org", "a".repeat(250)));
    }

    #[test]
    fn server_names() {
        let plain: ServerName = ok("example.org");
        assert_eq!(plain.host(), "example.org");
        assert_eq!(plain.port(), None);

        let with_port: ServerName = ok("example.org:8448");
        assert_eq!(with_port.host(), "example.org");
        assert_eq!(with_port.port(), Some(8448));

        let ipv4: ServerName = ok("1.2.3.4:80");
        assert_eq!(ipv4.host(), "1.2.3.4");
        assert_eq!(ipv4.port(), Some(80));

        let ipv6: ServerName = ok("[1234:5678::abcd]:443");
        assert_eq!(ipv6.host(), "[1234:5678::abcd]");
        assert_eq!(ipv6.port(), Some(443));
        assert_eq!(ok::<ServerName>("[::1]").port(), None);
        ok::<ServerName>("localhost");
        ok::<ServerName>("matrix-1.EXAMPLE.org:65535");
        ok::<ServerName>(&"a".repeat(255));

        assert_eq!(
            rule::<ServerName>("exa mple.org"),
            "the server name's host may only hold ASCII letters, digits, `-` and `.`"
        );
        assert_eq!(
            rule::<ServerName>("example.org:99999"),
            "the server name's port must be 1 to 5 digits, at most 65535"
        );
        rule::<ServerName>("example.org:65536");
        rule::<ServerName>("example.org:");
        rule::<ServerName>("example.org:123456");
        rule::<ServerName>("example.org:+80");
        rule::<ServerName>("example.org:80:80");
        rule::<ServerName>("");
        rule::<ServerName>(":8448");
        rule::<ServerName>("exämple.org");
        rule::<ServerName>("example.org/");
        rule::<ServerName>("[1234:5678::abcd");
        rule::<ServerName>("[example.org]");
        rule::<ServerName>("[::1]443");
        rule::<ServerName>("1234:5678::abcd");
        rule::<ServerName>(&"a".repeat(256));
    }

    #[test]
    fn mxc_uris() {
        let uri: MxcUri = ok("mxc://example.org/abc_-D1");
        assert_eq!(uri.server_name(), "example.org");
        assert_eq!(uri.media_id(), "abc_-D1");
        let ipv6: MxcUri = ok("mxc://[::1]:8008/x");
        assert_eq!(ipv6.server_name(), "[::1]:8008");
        assert_eq!(ipv6.media_id(), "x");

        assert_eq!(
            rule::<MxcUri>("mxc://example.org/"),
            "its media ID must not be empty"
        );
        assert_eq!(
            rule::<MxcUri>("http://example.org/abc"),
            "it must start with `mxc://`"
        );
        rule::<MxcUri>("mxc://example.org");
        rule::<MxcUri>("mxc:///abc");
        rule::<MxcUri>("mxc://example.org/abc/def");
        rule::<MxcUri>("mxc://example.org/abc.png");
        rule::<MxcUri>("MXC://example.org/abc");
    }

    #[test]
    fn base64() {
        ok::<UnpaddedBase64>("");
        ok::<UnpaddedBase64>("YQ");
        ok::<UnpaddedBase64>("YWI");
        ok::<UnpaddedBase64>("YWJj");
        ok::<UnpaddedBase64>("acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk+");
        assert_eq!(
            rule::<UnpaddedBase64>("YQ=="),
            "it must not be padded with `=`"
        );
        assert_eq!(
            rule::<UnpaddedBase64>("YWJjZ"),
            "its length must not be one more than a multiple of 4"
        );
        rule::<UnpaddedBase64>("ab-_");
        rule::<UnpaddedBase64>("ab c");

        ok::<UrlSafeUnpaddedBase64>("");
        ok::<UrlSafeUnpaddedBase64>("31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM");
        assert_eq!(
            rule::<UrlSafeUnpaddedBase64>("ab+/"),
            "it may only hold ASCII letters, digits, `-` and `_`"
        );
        rule::<UrlSafeUnpaddedBase64>("YQ==");
        rule::<UrlSafeUnpaddedBase64>("a");
    }

    #[test]
    fn conversions_and_comparisons() {
        let id = UserId::try_from(String::from("@alice:example.org")).unwrap();
        assert_eq!(id, UserId::try_from("@alice:example.org").unwrap());
        assert_eq!(id.as_str(), "@alice:example.org");
        assert_eq!(id.as_ref(), "@alice:example.org");
        assert_eq!(id.to_string(), "@alice:example.org");
        assert_eq!(format!("{id:>20}"), "  @alice:example.org");
        assert_eq!(format!("{id:?}"), r#"UserId("@alice:example.org")"#);
        assert!(id == *"@alice:example.org");
        assert!(id == "@alice:example.org");
        let owned = String::from("@alice:example.org");
        assert!(id == owned);
        assert!(*"@alice:example.org" == id);
        assert!("@alice:example.org" == id);
        assert!(owned == id);
        assert!(id != "@bob:example.org");

        let set: HashSet<UserId> = [id.clone()].into_iter().collect();
        assert!(set.contains("@alice:example.org"));
        let bob: UserId = ok("@bob:example.org");
        assert!(id < bob);

        assert_eq!(String::from(id.clone()), "@alice:example.org");
        assert_eq!(id.into_string(), "@alice:example.org");
        assert_eq!(
            format!("{:?}", ok::<MxcUri>("mxc://a/b")),
            r#"MxcUri("mxc://a/b")"#
        );
    }

    #[test]
    fn errors_name_the_value_the_format_and_the_rule() {
        let error = "bob".parse::<UserId>().unwrap_err();
        assert_eq!(error.format(), "user ID");
        assert_eq!(error.value(), "bob");
        assert_eq!(error.rule(), "it must start with `@`");
        assert_eq!(
            error.to_string(),
            "`bob` is not a valid user ID: it must start with `@`"
        );
        let error = UserId::try_from(String::from("@x:a b")).unwrap_err();
        assert_eq!(error.value(), "@x:a b");

        let boxed: Box<dyn std::error::Error> = Box::new(error);
        assert!(boxed.to_string().contains("not a valid user ID"));
    }

    #[test]
    fn error_messages_clip_long_values_and_escape_controls() {
        let long = format!("{}{}", "x".repeat(SHOWN_CHARS), "y".repeat(400));
        let error = long.parse::<RoomId>().unwrap_err();
        assert_eq!(error.value(), long);
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("`{}...` is not a valid room ID", "x".repeat(100))),
            "{message}"
        );
        assert!(!message.contains('y'));

        let exact = "é".repeat(SHOWN_CHARS);
        let message = exact.parse::<ServerName>().unwrap_err().to_string();
        assert!(message.starts_with(&format!("`{exact}` is")), "{message}");

        let message = "a\nb".parse::<EventId>().unwrap_err().to_string();
        assert!(
            message.starts_with("`a\\nb` is not a valid event ID"),
            "{message}"
        );
    }

    #[test]
    fn serde_round_trips() {
        fn round_trip<T>(value: &str)
        where
            T: Serialize
                + for<'de> Deserialize<'de>
                + PartialEq
                + fmt::Debug
                + FromStr<Err = IdError>,
        {
            let parsed: T = ok(value);
            let json = serde_json::to_string(&parsed).unwrap();
            assert_eq!(json, serde_json::to_string(value).unwrap());
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), parsed);
        }
        round_trip::<UserId>("@Alice!:example.org");
        round_trip::<RoomId>("!abc:example.org");
        round_trip::<RoomId>("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM");
        round_trip::<EventId>("$acR1l0raoZnm60CBwAVgqbZqoO/mYU81xysh1u7XcJk");
        round_trip::<RoomAlias>("#room:example.org");
        round_trip::<ServerName>("[1234:5678::abcd]:443");
        round_trip::<MxcUri>("mxc://example.org/abc_-D1");
        round_trip::<UnpaddedBase64>("YWI");
        round_trip::<UrlSafeUnpaddedBase64>("_-8");

        let in_struct: Vec<UserId> =
            serde_json::from_str(r#"["@a:example.org", "@b:example.org"]"#).unwrap();
        assert_eq!(in_struct[1], "@b:example.org");
    }

    #[test]
    fn deserializing_a_bad_value_names_it_and_the_rule() {
        let error = serde_json::from_str::<UserId>(r#""bob""#).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("`bob` is not a valid user ID: it must start with `@`"),
            "{error}"
        );

        let error = serde_json::from_str::<ServerName>(r#""example.org:99999""#).unwrap_err();
        assert!(
            error.to_string().starts_with(
                "`example.org:99999` is not a valid server name: \
                 the server name's port must be 1 to 5 digits, at most 65535"
            ),
            "{error}"
        );

        // Not a string at all: serde's own message.
        assert!(serde_json::from_str::<MxcUri>("42").is_err());
    }
}
