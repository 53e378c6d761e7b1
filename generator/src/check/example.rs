//! Whether an example fits its schema, on the JSON form of the OpenAPI 3.0
//! model: types, `nullable`, `enum`, required and undeclared properties,
//! items, `allOf` (every member), `oneOf`/`anyOf` (some member) and refs.
//!
//! A property the schema does not declare is reported where the schema lists
//! its properties and says nothing of others: JSON Schema allows it, but the
//! generated types drop it, and in the spec it is most often a typo.

use serde_json::{Map, Value as J};

/// Refs deeper than this are not followed (recursive schemas).
const MAX_DEPTH: usize = 48;

/// Every example of an operation: where it is, its schema and its value.
pub fn of_operation(operation: &J) -> Vec<(String, J, J)> {
    let mut out = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        if let Some(example) = parameter.get("example") {
            let place = format!(
                "the parameter `{}`",
                parameter["name"].as_str().unwrap_or("")
            );
            out.push((place, parameter["schema"].clone(), example.clone()));
        }
    }
    let request = &operation["requestBody"]["content"];
    for (media, content) in request.as_object().into_iter().flatten() {
        media_examples(format!("the `{media}` request body"), content, &mut out);
    }
    let responses = operation["responses"].as_object();
    for (status, response) in responses.into_iter().flatten() {
        for (media, content) in response["content"].as_object().into_iter().flatten() {
            media_examples(
                format!("the `{status}` `{media}` response"),
                content,
                &mut out,
            );
        }
    }
    out.retain(|(place, _, _)| !place.contains("octet-stream"));
    out
}

fn media_examples(place: String, content: &J, out: &mut Vec<(String, J, J)>) {
    let schema = content["schema"].clone();
    if let Some(example) = content.get("example") {
        out.push((place.clone(), schema.clone(), example.clone()));
    }
    for (name, example) in content["examples"].as_object().into_iter().flatten() {
        if let Some(value) = example.get("value") {
            out.push((format!("{place} (`{name}`)"), schema.clone(), value.clone()));
        }
    }
}

/// What is wrong with `value` as an instance of `schema`, each with the
/// JSON pointer of the offending part of the example.
pub fn problems(components: &J, schema: &J, value: &J) -> Vec<String> {
    let mut check = Check {
        components,
        problems: Vec::new(),
    };
    check.value(schema, value, "", 0, true);
    check.problems
}

struct Check<'a> {
    components: &'a J,
    problems: Vec<String>,
}

impl Check<'_> {
    fn resolve<'s>(&'s self, schema: &'s J, depth: usize) -> Option<&'s J> {
        let mut schema = schema;
        for _ in depth..MAX_DEPTH {
            match schema["$ref"].as_str() {
                Some(reference) => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    schema = self.components.get(name)?;
                }
                None => return Some(schema),
            }
        }
        None
    }

    fn report(&mut self, at: &str, what: String) {
        let at = if at.is_empty() { "/" } else { at };
        self.problems.push(format!("at `{at}`: {what}"));
    }

    /// The schema with its `allOf` members laid into it: properties declared
    /// by several members become the `allOf` of their declarations, so that a
    /// nested object is checked against everything any member says of it.
    fn flatten(&self, schema: &J, depth: usize) -> Option<J> {
        let mut merged = self.resolve(schema, depth)?.clone();
        let Some(members) = merged
            .as_object_mut()
            .and_then(|m| m.remove("allOf"))
            .and_then(|m| m.as_array().cloned())
        else {
            return Some(merged);
        };
        for member in &members {
            let Some(J::Object(member)) = self.flatten(member, depth + 1) else {
                continue;
            };
            let J::Object(into) = &mut merged else {
                break;
            };
            for (key, value) in member {
                match (key.as_str(), into.get_mut(&key)) {
                    ("properties", Some(J::Object(ours))) => {
                        for (name, property) in value.as_object().into_iter().flatten() {
                            let both = match ours.remove(name) {
                                Some(earlier) => serde_json::json!({"allOf": [earlier, property]}),
                                None => property.clone(),
                            };
                            ours.insert(name.clone(), both);
                        }
                    }
                    ("required", Some(J::Array(ours))) => {
                        ours.extend(value.as_array().into_iter().flatten().cloned());
                    }
                    (_, Some(_)) => {}
                    (_, None) => {
                        into.insert(key, value);
                    }
                }
            }
        }
        Some(merged)
    }

    fn value(&mut self, schema: &J, value: &J, at: &str, depth: usize, undeclared: bool) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(schema) = self.flatten(schema, depth) else {
            return;
        };
        if value.is_null() && schema["nullable"] == J::Bool(true) {
            return;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = schema[key].as_array() {
                self.some_member(members, value, at, depth);
            }
        }
        if let Some(expected) = schema["type"].as_str() {
            if !has_type(value, expected) {
                self.report(at, format!("expected {expected}, found {}", kind(value)));
                return;
            }
        }
        if let Some(values) = schema["enum"].as_array() {
            if !values.contains(value) {
                self.report(at, format!("{value} is not one of the listed values"));
            }
        }
        match value {
            J::Object(entries) => self.object(&schema, entries, at, depth, undeclared),
            J::Array(items) if schema.get("items").is_some() => {
                for (i, item) in items.iter().enumerate() {
                    self.value(
                        &schema["items"],
                        item,
                        &format!("{at}/{i}"),
                        depth + 1,
                        true,
                    );
                }
            }
            _ => {}
        }
    }

    fn some_member(&mut self, members: &[J], value: &J, at: &str, depth: usize) {
        let fits = members.iter().any(|member| {
            let mut trial = Check {
                components: self.components,
                problems: Vec::new(),
            };
            // Alternatives are told apart by what they require, not by extras.
            trial.value(member, value, at, depth + 1, false);
            trial.problems.is_empty()
        });
        if !fits {
            self.report(
                at,
                format!("fits none of the {} alternatives", members.len()),
            );
        }
    }

    fn object(
        &mut self,
        schema: &J,
        entries: &Map<String, J>,
        at: &str,
        depth: usize,
        undeclared: bool,
    ) {
        for name in schema["required"].as_array().into_iter().flatten() {
            if let Some(name) = name.as_str() {
                if !entries.contains_key(name) {
                    self.report(at, format!("the required property `{name}` is missing"));
                }
            }
        }
        let declared = schema["properties"].as_object();
        let open = schema.get("additionalProperties").is_some()
            || schema.get("x-patternProperties").is_some();
        for (name, item) in entries {
            let place = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
            match schema["properties"].get(name) {
                Some(property) => self.value(property, item, &place, depth + 1, undeclared),
                None => match &schema["additionalProperties"] {
                    extra @ J::Object(_) => self.value(extra, item, &place, depth + 1, undeclared),
                    _ if undeclared && !open && declared.is_some_and(|d| !d.is_empty()) => {
                        self.report(&place, "the schema does not declare this property".into());
                    }
                    _ => {}
                },
            }
        }
    }
}

fn has_type(value: &J, expected: &str) -> bool {
    match expected {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn kind(value: &J) -> &'static str {
    match value {
        J::Null => "null",
        J::Bool(_) => "a boolean",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::problems;
    use serde_json::json;

    #[test]
    fn finds_what_does_not_fit() {
        let components = json!({"Base": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}});
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"b": {"type": "integer", "enum": [1, 2]}}}]});
        assert!(problems(&components, &schema, &json!({"a": "x", "b": 1})).is_empty());
        let found = problems(&components, &schema, &json!({"b": 3, "c": true}));
        assert_eq!(
            found,
            [
                "at `/`: the required property `a` is missing",
                "at `/b`: 3 is not one of the listed values",
                "at `/c`: the schema does not declare this property",
            ]
        );
        let list = json!({"type": "array", "items": {"type": "string"}});
        assert_eq!(
            problems(&components, &list, &json!(["a", 1])),
            ["at `/1`: expected string, found a number"]
        );
        let either = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        assert!(problems(&components, &either, &json!(1)).is_empty());
        assert_eq!(problems(&components, &either, &json!(true)).len(), 1);
    }
}
