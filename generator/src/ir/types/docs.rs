//! A schema's doc text: its description (or title), and since which
//! Matrix version it exists or changed.

use openapiv3::Schema;

/// Title and description as one doc text.
pub fn docs(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    let text = match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => {
            Some(description.trim().to_owned())
        }
        (Some(title), _) => Some(title.trim().to_owned()),
        _ => None,
    };
    // Since when: the spec marks what later releases added, and what they
    // changed (a version, or each version with a note).
    let mut marks = Vec::new();
    if let Some(version) = data.extensions.get("x-addedInMatrixVersion") {
        marks.push(format!("Added in Matrix v{}.", version_text(version)));
    }
    match data.extensions.get("x-changedInMatrixVersion") {
        Some(serde_json::Value::Object(changes)) => {
            for (version, note) in changes {
                let note = note
                    .as_str()
                    .map_or_else(|| note.to_string(), str::to_owned);
                marks.push(format!("Changed in Matrix v{version}: {}", note.trim()));
            }
        }
        Some(version) => marks.push(format!("Changed in Matrix v{}.", version_text(version))),
        None => {}
    }
    match (text, marks.is_empty()) {
        (text, true) => text,
        (None, false) => Some(marks.join("\n\n")),
        (Some(text), false) => Some(format!("{text}\n\n{}", marks.join("\n\n"))),
    }
}

/// `"1.2"` or `1.2` as written.
fn version_text(version: &serde_json::Value) -> String {
    version
        .as_str()
        .map_or_else(|| version.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::docs;

    #[test]
    fn docs_say_since_when() {
        let schema = |json| serde_json::from_value::<openapiv3::Schema>(json).unwrap();
        let marked = schema(serde_json::json!({
            "type": "string",
            "description": "The reason.",
            "x-addedInMatrixVersion": "1.1",
            "x-changedInMatrixVersion": { "1.2": "Moved into `unsigned`.\n" },
        }));
        assert_eq!(
            docs(&marked).as_deref(),
            Some("The reason.\n\nAdded in Matrix v1.1.\n\nChanged in Matrix v1.2: Moved into `unsigned`.")
        );
        let bare = schema(serde_json::json!({ "type": "string", "x-addedInMatrixVersion": "1.7" }));
        assert_eq!(docs(&bare).as_deref(), Some("Added in Matrix v1.7."));
        assert_eq!(docs(&schema(serde_json::json!({ "type": "string" }))), None);
    }
}
