//! The spec's event examples (`event-schemas/examples/`), as checks for the
//! generated crate's tests: each is read into the envelope of its event's kind,
//! must come out typed (not `EventContent::Other`) and written back unchanged.

use std::path::Path;

use matrix_codegen::events::{EventSpec, Kind};
use serde_json::Value;

/// Lines of `check_event::<Envelope>(id, json, ...)` calls, and their count.
pub fn checks(events: &EventSpec, dir: &Path) -> (String, usize) {
    let mut out = String::new();
    let mut count = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for path in files.iter().filter(|p| p.is_file()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name.trim_end_matches(".yaml").trim_end_matches(".json");
        let family = stem.split('$').next().unwrap();
        // Examples of shared pieces (lists of stripped state) are not events.
        let Some(event) = events
            .events
            .iter()
            .find(|e| Path::new(&e.file).file_stem().unwrap().to_string_lossy() == family)
        else {
            continue;
        };
        let envelope = match event.kind {
            Kind::Basic => "Event",
            Kind::Room => "RoomEvent",
            Kind::State => "StateEvent",
        };
        let json = serde_json::to_string(&with_refs(path)).unwrap();
        out.push_str(&format!(
            "    check_event::<matrix_api::events::{envelope}>(\"event:{name}\", {json:?}, |e| &e.content, &mut failures);\n"
        ));
        count += 1;
    }
    (out, count)
}

/// An example with its `$ref` laid under it: the keys beside the ref win, as
/// in the spec's own build.
fn with_refs(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let mut value: Value = serde_saphyr::from_str(&text).unwrap();
    let Some(Value::String(target)) = value.get("$ref").cloned() else {
        return value;
    };
    let mut base = with_refs(&path.parent().unwrap().join(target));
    if let (Some(base), Some(own)) = (base.as_object_mut(), value.as_object_mut()) {
        own.remove("$ref");
        for (key, v) in std::mem::take(own) {
            base.insert(key, v);
        }
    }
    value = base;
    value
}

/// The test function the checks call, for the generated test file.
pub const CHECK_EVENT: &str = r#"
fn check_event<T: serde::de::DeserializeOwned + serde::Serialize>(
    id: &str,
    json: &str,
    content: fn(&T) -> &matrix_api::events::EventContent,
    failures: &mut Vec<String>,
) {
    let expected: serde_json::Value = serde_json::from_str(json).unwrap();
    match serde_json::from_value::<T>(expected.clone()) {
        Err(e) => failures.push(format!("{id}\tdoes not deserialize: {e}")),
        Ok(value) => {
            if let matrix_api::events::EventContent::Other { event_type, .. } = content(&value) {
                failures.push(format!("{id}\tits content does not fit the type of {event_type}"));
            }
            let back = serde_json::to_value(&value).unwrap();
            if let Some(diff) = difference(&without_nulls(expected), &without_nulls(back), String::new()) {
                failures.push(format!("{id}\tchanges on the way back: {diff}"));
            }
        }
    }
}
"#;
