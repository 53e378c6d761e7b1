//! Items of a list decoded one by one, so that one odd item does not fail the list.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An item that is typed when its JSON fits `T`, and kept as it came otherwise.
///
/// Lists of events use it: servers send events the spec's envelope does not
/// describe (a presence event without `event_id` among room events, an event
/// from a newer room version), and the rest of the page is still read.
/// Writing a `Raw` item back gives the JSON that was read.
#[derive(Clone, Debug, PartialEq)]
pub enum Lenient<T> {
    /// The item decoded as `T`.
    Typed(T),
    /// The item's JSON, which does not fit `T`.
    Raw(serde_json::Value),
}

impl<T> Lenient<T> {
    /// The typed item, if it decoded.
    pub fn typed(&self) -> Option<&T> {
        match self {
            Lenient::Typed(value) => Some(value),
            Lenient::Raw(_) => None,
        }
    }

    /// The typed item, if it decoded.
    pub fn into_typed(self) -> Option<T> {
        match self {
            Lenient::Typed(value) => Some(value),
            Lenient::Raw(_) => None,
        }
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient::Typed(value)
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Lenient::Typed(value) => value.serialize(serializer),
            Lenient::Raw(json) => json.serialize(serializer),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(deserializer)?;
        Ok(match T::deserialize(&json) {
            Ok(value) => Lenient::Typed(value),
            Err(_) => Lenient::Raw(json),
        })
    }
}
