//! Turning spec names into Rust names.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Acronyms of the Matrix spec that case conversion would cut in the wrong
/// place, each spelled as the one word it is: `3PIDs` is `3pids` (not
/// `3pi_ds`), `IdP` is `idp` (not `id_p`), and `3PIDMSISDN` is two words.
const ACRONYMS: &[(&str, &str)] = &[
    ("3PIDs", "3pids"),
    ("3PID", "3pid"),
    ("3pids", "3pids"),
    ("3pid", "3pid"),
    ("MSISDN", "msisdn"),
    ("IdP", "idp"),
];

/// `text` with each known acronym set apart as a word of its own, in one
/// pass, so that a word put in is never matched again (`3pids` holds `3pid`).
fn acronyms_as_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match ACRONYMS
            .iter()
            .find(|(written, _)| rest.starts_with(written))
        {
            Some((written, word)) => {
                out.push(' ');
                out.push_str(word);
                out.push(' ');
                rest = &rest[written.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// `m.room.member` -> `MRoomMember`, `Membership Event Content` -> `MembershipEventContent`,
/// `getAccount3PIDs` -> `GetAccount3pids`.
pub fn pascal_case(text: &str) -> String {
    let cleaned: String = acronyms_as_words(text)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.to_upper_camel_case()
}

/// `roomId` -> `room_id`, `m.homeserver` -> `m_homeserver`, `ed25519:0` -> `ed25519_0`,
/// `inviteBy3PID` -> `invite_by_3pid`, `requestTokenTo3PIDMSISDN` ->
/// `request_token_to_3pid_msisdn`, `redirectToIdP` -> `redirect_to_idp`.
pub fn snake_case(text: &str) -> String {
    let chars: Vec<char> = acronyms_as_words(text).chars().collect();
    let mut cleaned = String::with_capacity(text.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            cleaned.push(' ');
            continue;
        }
        // A number that starts an acronym (`3PID`) is a word of its own.
        let starts_acronym = c.is_ascii_digit()
            && i > 0
            && chars[i - 1].is_ascii_alphabetic()
            && chars[i..]
                .iter()
                .find(|c| !c.is_ascii_digit())
                .is_some_and(char::is_ascii_uppercase);
        if starts_acronym {
            cleaned.push(' ');
        }
        cleaned.push(c);
    }
    cleaned.to_snake_case()
}

/// Words Rust reserves; a field or function named after one becomes a raw identifier.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A legal Rust identifier for a snake_case field or function name.
pub fn field_ident(text: &str) -> String {
    let mut name = snake_case(text);
    if name.is_empty() {
        name = "value".to_owned();
    }
    // `n123`, not `_123`: a name of underscores and digits says nothing (clippy).
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    name
}

/// A legal name for a function or variable: a keyword gets a trailing `_`
/// (`type_`, `self_`), since `self` and `crate` cannot be raw identifiers.
pub fn local_ident(text: &str) -> String {
    let name = field_ident(text);
    if is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// A legal name for a struct field: a keyword is written raw (`r#type`)
/// except those that cannot be (`self_`).
pub fn member_ident(text: &str) -> String {
    let name = field_ident(text);
    match name.as_str() {
        "self" | "Self" | "crate" | "super" => format!("{name}_"),
        _ if is_keyword(&name) => format!("r#{name}"),
        _ => name,
    }
}

/// `getRoomState` -> `GET_ROOM_STATE`; never empty, never starting with a digit.
pub fn const_ident(text: &str) -> String {
    let name = snake_case(text).to_uppercase();
    if name.is_empty() {
        "OPERATION".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{name}")
    } else {
        name
    }
}

/// The names handed out in one scope (an API's methods, a struct's fields,
/// an operation's parameters, a crate's modules). Callers make a name legal
/// first; a taken one then gets `separator` and a number, so two spec names
/// that become the same Rust name (`self`/`Self`, `a-b`/`a_b`) never collide.
#[derive(Debug, Default)]
pub struct Scope {
    used: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `names` are taken already (the generated code's own).
    pub fn reserving(names: &[&str]) -> Self {
        Scope {
            used: names.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    /// `legal`, or `legal` numbered (`name_2`, `Name2`) if taken. A raw
    /// identifier counts by its bare name and stays raw only unnumbered.
    pub fn claim(&mut self, legal: &str, separator: &str) -> String {
        let bare = legal.strip_prefix("r#").unwrap_or(legal);
        if self.used.insert(bare.to_owned()) {
            return legal.to_owned();
        }
        // `self_` numbers as `self_2`: a doubled `_` is not snake case.
        let stem = match separator {
            "_" => bare.trim_end_matches('_'),
            _ => bare,
        };
        let mut n = 2;
        loop {
            let name = format!("{stem}{separator}{n}");
            if self.used.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }
}

/// Whether `name` must be written `r#name`.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Names the generated code uses unqualified (prelude types and traits, the
/// runtime's imports): a spec name equal to one of these would shadow it.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "Iterator",
    "ToString",
    "ToOwned",
    "AsRef",
    "AsMut",
    "Auth",
    "MatrixError",
    "Binary",
    "Client",
    "Call",
    "AuthMode",
    "RequestParts",
    "Request",
    "Response",
    "Path",
    "State",
    "Arc",
    "Service",
    "OperationInfo",
    "AuthRequirement",
    "IntoResponse",
    "RetryPolicy",
];

/// The start of the names an operation's types are built from (`Sync` for
/// `SyncResponse`, `SyncQuery`): never a type itself, so a prelude name is
/// fine here.
pub fn type_prefix(text: &str) -> String {
    let name = pascal_case(text);
    if name.is_empty() {
        "Value".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    }
}

/// A legal Rust type, trait or variant name that shadows nothing the generated code uses.
pub fn type_ident(text: &str) -> String {
    let name = pascal_case(text);
    if name.is_empty() {
        "Value".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// A legal enum variant name. Variants are always written qualified
/// (`Membership::Join`), so unlike types they may share a prelude name (`Ok`).
pub fn variant_ident(text: &str) -> String {
    let name = pascal_case(text);
    if name.is_empty() {
        "Value".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if name == "Self" {
        "SelfValue".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_stay_whole_words() {
        let cases = [
            ("getAccount3PIDs", "get_account_3pids", "GetAccount3pids"),
            (
                "requestTokenTo3PIDMSISDN",
                "request_token_to_3pid_msisdn",
                "RequestTokenTo3pidMsisdn",
            ),
            (
                "requestTokenTo3PIDEmail",
                "request_token_to_3pid_email",
                "RequestTokenTo3pidEmail",
            ),
            ("redirectToIdP", "redirect_to_idp", "RedirectToIdp"),
            ("inviteBy3PID", "invite_by_3pid", "InviteBy3pid"),
            (
                "delete3pidFromAccount",
                "delete_3pid_from_account",
                "Delete3pidFromAccount",
            ),
            ("roomId", "room_id", "RoomId"),
            ("ed25519:0", "ed25519_0", "Ed255190"),
        ];
        for (spec, snake, pascal) in cases {
            assert_eq!(snake_case(spec), snake, "{spec}");
            assert_eq!(pascal_case(spec), pascal, "{spec}");
        }
    }

    #[test]
    fn names_that_become_one_rust_name_are_numbered_after_being_made_legal() {
        let mut fields = Scope::default();
        let claimed: Vec<_> = ["self", "Self", "self_", "type", "Type", "a-b", "a_b"]
            .iter()
            .map(|wire| fields.claim(&member_ident(wire), "_"))
            .collect();
        assert_eq!(
            claimed,
            ["self_", "self_2", "self_3", "r#type", "type_2", "a_b", "a_b_2"]
        );
        let mut methods = Scope::reserving(&["new"]);
        assert_eq!(methods.claim(&local_ident("new"), "_"), "new_2");
        assert_eq!(methods.claim(&local_ident("123"), "_"), "n123");
        for wire in ["-", "é", ""] {
            assert!(!const_ident(wire).is_empty());
            assert!(!local_ident(wire).is_empty());
        }
        assert_eq!(const_ident("123"), "N123");
    }
}
