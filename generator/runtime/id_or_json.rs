//! Query values that hold JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A query value that names something stored on the server by its ID, or
/// carries it whole as JSON (`/sync`'s `filter`: a filter ID or a filter).
#[derive(Clone, Debug, PartialEq)]
pub enum IdOrJson<T> {
    Id(String),
    Json(T),
}

impl<T> From<T> for IdOrJson<T> {
    fn from(value: T) -> Self {
        IdOrJson::Json(value)
    }
}

impl<T: Serialize> IdOrJson<T> {
    /// The text of the query value: the ID as it is, or the value as JSON.
    pub fn to_query(&self) -> Result<String, serde_json::Error> {
        match self {
            IdOrJson::Id(id) => Ok(id.clone()),
            IdOrJson::Json(value) => serde_json::to_string(value),
        }
    }
}

impl<T: DeserializeOwned> IdOrJson<T> {
    /// Reads a query value: JSON when it starts with `{`, as the spec tells
    /// servers to tell them apart, else an ID.
    pub fn from_query(text: &str) -> Result<Self, serde_json::Error> {
        if text.starts_with('{') {
            serde_json::from_str(text).map(IdOrJson::Json)
        } else {
            Ok(IdOrJson::Id(text.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdOrJson;

    #[test]
    fn ids_travel_as_written_and_values_as_json() {
        let id: IdOrJson<serde_json::Value> = IdOrJson::Id("66696p746572".to_owned());
        assert_eq!(id.to_query().unwrap(), "66696p746572");
        assert_eq!(IdOrJson::from_query("66696p746572").unwrap(), id);

        let inline = IdOrJson::from(serde_json::json!({ "room": { "timeline": { "limit": 10 } } }));
        let text = inline.to_query().unwrap();
        assert_eq!(text, r#"{"room":{"timeline":{"limit":10}}}"#);
        assert_eq!(IdOrJson::from_query(&text).unwrap(), inline);
        assert!(IdOrJson::<serde_json::Value>::from_query("{not json").is_err());
    }
}
