//! An event's `type` and `content`, read and written as one value: the
//! `event` kind of `json_object!`, and `EventContent`'s own JSON impls.

use serde::de::{self, MapAccess};
use serde::ser::{Serialize, SerializeMap};

use super::object::{read_once, Key, Skipped, Unknown as _};

/// An event's type and content, read as one value: the pair decides the
/// content's type, and either may come first in the object.
pub trait TypedContent: Sized {
    fn from_parts(event_type: String, content: serde_json::Value) -> Self;
    fn event_type(&self) -> &str;
    fn content_json(&self) -> impl Serialize + '_;
}

pub mod event {
    use super::*;

    /// The `type` and the `content` read so far.
    pub type Slot = (Option<String>, Option<serde_json::Value>);

    pub fn slot() -> Slot {
        (None, None)
    }

    pub fn claims(_: &str, key: &str) -> bool {
        key == "type" || key == "content"
    }

    pub fn read<'de, A: MapAccess<'de>>(
        slot: &mut Slot,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "type" => read_once(&mut slot.0, key, map),
            _ => read_once(&mut slot.1, key, map),
        }
    }

    pub fn take<T: TypedContent, E: de::Error>(slot: Slot, _: &'static str) -> Result<T, E> {
        match slot {
            (Some(event_type), Some(content)) => Ok(T::from_parts(event_type, content)),
            (None, _) => Err(E::missing_field("type")),
            (_, None) => Err(E::missing_field("content")),
        }
    }

    pub fn put<M: SerializeMap, T: TypedContent>(
        map: &mut M,
        _: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        map.serialize_entry("type", value.event_type())?;
        map.serialize_entry("content", &value.content_json())
    }

    /// The value alone, as an object of its `type` and `content`.
    pub fn serialize<S: serde::Serializer, T: TypedContent>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        put(&mut map, "", value)?;
        map.end()
    }

    /// A value read from an object of its `type` and `content` (other
    /// properties are skipped).
    pub fn deserialize<'de, D: de::Deserializer<'de>, T: TypedContent>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: TypedContent> de::Visitor<'de> for Visitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object with an event's `type` and `content`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
                let mut parts = slot();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    if claims("", key.as_str()) {
                        read(&mut parts, key.as_str(), &mut map)?;
                    } else {
                        Skipped.keep(key, &mut map)?;
                    }
                }
                take(parts, "")
            }
        }

        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::runtime::json_object;

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[derive(Debug, PartialEq)]
    struct Content(String, Value);

    impl super::TypedContent for Content {
        fn from_parts(event_type: String, content: Value) -> Self {
            Content(event_type, content)
        }

        fn event_type(&self) -> &str {
            &self.0
        }

        fn content_json(&self) -> impl serde::Serialize + '_ {
            &self.1
        }
    }

    #[derive(Debug, PartialEq)]
    struct Event {
        content: Content,
        sender: String,
    }

    json_object! {
        Event {
            content: event,
            sender: required,
        }
    }

    #[test]
    fn an_event_reads_its_type_and_content_in_either_order() {
        let event: Event =
            read(r#"{"content": {"a": 1}, "sender": "@u:h", "type": "m.x"}"#).unwrap();
        assert_eq!(event.content, Content("m.x".into(), json!({"a": 1})));
        let written = serde_json::to_value(&event).unwrap();
        assert_eq!(
            written,
            json!({"type": "m.x", "content": {"a": 1}, "sender": "@u:h"})
        );
        let no_type = read::<Event>(r#"{"content": {}, "sender": "@u:h"}"#).unwrap_err();
        assert!(no_type.contains("missing field `type`"), "{no_type}");
        let alone: Content =
            super::event::deserialize(json!({"type": "m.y", "content": 1, "z": 0})).unwrap();
        assert_eq!(alone, Content("m.y".into(), json!(1)));
    }
}
