//! JSON in a query string, where the published spec says so only in prose.
//!
//! OpenAPI says that a parameter holds JSON with `content: {application/json:
//! {schema}}` in place of `schema`, and the IR types such a parameter by that
//! schema. The Matrix spec has never used that form: it declares the `filter`
//! parameters of `/messages`, `/context` and `/sync` `type: string` and names
//! what the string holds only in their descriptions:
//!
//! * "A JSON `RoomEventFilter` to filter ..." (every release with the
//!   endpoint): the word after `JSON` names a type;
//! * "The ID of a filter ... or a filter JSON object encoded as a string"
//!   (`/sync`): the word before `JSON object` names it, and the value may be
//!   an ID instead.
//!
//! A string query parameter whose description reads either way is marked
//! `x-json-title: <Name>` (with `x-json-or-id: true` when the description
//! offers an ID first), with a located warning: the reading comes from prose.
//! The IR then types it as the API's schema of that name, if there is one.

use serde_json::{Map, Value as J};

use crate::diag::{Diagnostic, Warnings};
use crate::node::Node;

/// Marks `out` (the converted parameter) when `p`'s description names the
/// JSON type its string holds.
pub fn mark(p: &Node, out: &mut Map<String, J>, warnings: &mut Warnings) {
    let declared_type = p
        .get("schema")
        .map_or_else(|| p.get_str("type"), |schema| schema.get_str("type"));
    if p.get_str("in") != Some("query") || declared_type != Some("string") {
        return;
    }
    let Some(description) = p.get("description") else {
        return;
    };
    let Some((title, or_id)) = description.as_str().and_then(named_json) else {
        return;
    };
    let name = p.get_str("name").unwrap_or_default();
    let holds = if or_id { "an ID or JSON" } else { "JSON" };
    warnings.push(
        Diagnostic::warning(
            format!(
                "query parameter `{name}` is declared a string, but its description says \
                 it holds {holds} of type `{title}`: typed as the API's `{title}` where it \
                 has one"
            ),
            &description.origin,
        )
        .with_help("declare it `content: {application/json: {schema: ...}}` to say so in the spec"),
    );
    out.insert("x-json-title".to_owned(), J::String(title));
    if or_id {
        out.insert("x-json-or-id".to_owned(), J::Bool(true));
    }
}

/// The type a description says the string holds, and whether an ID may
/// stand in its place.
fn named_json(description: &str) -> Option<(String, bool)> {
    let words: Vec<&str> = description
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .collect();
    let json = words.iter().position(|w| *w == "JSON")?;
    let title = match (words.get(json + 1), json.checked_sub(1)) {
        // "a filter JSON object": the word before, as a type name.
        (Some(&"object"), Some(before)) => capitalized(words[before])?,
        // "A JSON RoomEventFilter": a name, written as one.
        (Some(after), _) if is_type_name(after) => (*after).to_owned(),
        _ => return None,
    };
    let or_id = words[..json].contains(&"ID");
    Some((title, or_id))
}

fn is_type_name(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_uppercase())
        && word.chars().all(|c| c.is_ascii_alphanumeric())
        && word.chars().any(|c| c.is_ascii_lowercase())
}

fn capitalized(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next().filter(char::is_ascii_lowercase)?;
    let rest = chars.as_str();
    rest.chars()
        .all(|c| c.is_ascii_lowercase())
        .then(|| format!("{}{rest}", first.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::named_json;

    #[test]
    fn reads_the_three_wordings_of_the_spec() {
        let of = named_json;
        assert_eq!(
            of("A JSON RoomEventFilter to filter returned events with."),
            Some(("RoomEventFilter".into(), false))
        );
        assert_eq!(
            of("A JSON ``RoomEventFilter`` to filter the returned events with."),
            Some(("RoomEventFilter".into(), false))
        );
        assert_eq!(
            of(
                "The ID of a filter created using the filter API or a filter JSON\n\
                object encoded as a string."
            ),
            Some(("Filter".into(), true))
        );
    }

    #[test]
    fn other_mentions_of_json_name_nothing() {
        assert_eq!(named_json("The JSON body, as a string."), None);
        assert_eq!(named_json("A JSON-encoded list."), None);
        assert_eq!(named_json("A JSON object."), None);
        assert_eq!(named_json("Any JSON"), None);
        assert_eq!(named_json("The server's JSON API."), None);
    }
}
