//! Turning spec names into Rust names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// `m.room.member` -> `MRoomMember`, `Membership Event Content` -> `MembershipEventContent`.
pub fn pascal_case(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.to_upper_camel_case()
}

/// `roomId` -> `room_id`, `m.homeserver` -> `m_homeserver`, `ed25519:0` -> `ed25519_0`,
/// `inviteBy3PID` -> `invite_by_3pid`.
pub fn snake_case(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
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
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    name
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
