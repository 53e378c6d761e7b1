//! How the generated structs are written to JSON and read back.
//!
//! `serde`'s derives would do, at a price paid on every build of this crate:
//! a struct with a flattened field gets several hundred lines of generic
//! code, and reads its whole object into a buffer before it looks at a key.
//! `json_object!` writes the two impls a JSON object needs, and nothing
//! else, from the list of its fields; the work common to every struct is
//! in the small generic functions below, written once.
//!
//! The macros are allowed to go unused: a spec may have no object at all.

use std::collections::BTreeMap;

use serde::de::{self, Deserialize, IgnoredAny, MapAccess};
use serde::ser::{Serialize, SerializeMap};

/// `Serialize` and `Deserialize` for a struct, as a JSON object.
///
/// Each field is named with how it is carried, and with its property name
/// when that is not the field's own name (`r#type: required "type"`):
/// * `required`: always written; reading an object without it fails;
/// * `optional`: an `Option`, left out when `None`; missing or `null` reads as `None`;
/// * `nullable`: an `Option` that is written even when `None` (as `null`);
/// * `event`: the event's `type` and `content` properties, read into one
///   `TypedContent` value (`event_parts.rs`).
///
/// `..extra` names the field (a map) that keeps the properties no other field
/// claims, so that a value read and written again loses nothing; without it
/// they are skipped. A property given twice is an error, as with serde's derive.
#[allow(unused_macros)]
macro_rules! json_object {
    ($ty:ident {
        $($field:ident: $kind:ident $($wire:literal)?,)*
        $(..$extra:ident)?
    }) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                $($crate::runtime::object::$kind::put(
                    &mut map,
                    $crate::runtime::object::wire!($field $($wire)?),
                    &self.$field,
                )?;)*
                $(for (key, value) in &self.$extra {
                    map.serialize_entry(key, value)?;
                })?
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;

                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($ty), ")"))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        $(let mut $field = $crate::runtime::object::$kind::slot();)*
                        let mut unknown = $crate::runtime::object::unknown!($($extra)?);
                        while let Some(key) = map.next_key::<$crate::runtime::object::Key<'de>>()? {
                            $(if $crate::runtime::object::$kind::claims(
                                $crate::runtime::object::wire!($field $($wire)?),
                                key.as_str(),
                            ) {
                                $crate::runtime::object::$kind::read(&mut $field, key.as_str(), &mut map)?;
                                continue;
                            })*
                            $crate::runtime::object::Unknown::keep(&mut unknown, key, &mut map)?;
                        }
                        Ok($ty {
                            $($field: $crate::runtime::object::$kind::take(
                                $field,
                                $crate::runtime::object::wire!($field $($wire)?),
                            )?,)*
                            $($extra: unknown,)?
                        })
                    }
                }

                deserializer.deserialize_map(Visitor)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use json_object;


/// A field's property name: the one given, else the field's own.
#[allow(unused_macros)]
macro_rules! wire {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $wire:literal) => {
        $wire
    };
}
#[allow(unused_imports)]
pub(crate) use wire;

/// Where the properties no field claims go: the `..extra` map, or nowhere.
#[allow(unused_macros)]
macro_rules! unknown {
    () => {
        $crate::runtime::object::Skipped
    };
    ($extra:ident) => {
        std::collections::BTreeMap::new()
    };
}
#[allow(unused_imports)]
pub(crate) use unknown;

/// A property name, borrowed from the input when the input allows it.
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    fn into_string(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_owned(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// Where the properties no field claims go: kept in a map, or skipped.
pub trait Unknown<'de> {
    fn keep<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// The properties of a struct without a field for the others.
pub struct Skipped;

impl<'de> Unknown<'de> for Skipped {
    fn keep<A: MapAccess<'de>>(&mut self, _: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<IgnoredAny>().map(drop)
    }
}

impl<'de, T: Deserialize<'de>> Unknown<'de> for BTreeMap<String, T> {
    fn keep<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.insert(key.into_string(), value);
        Ok(())
    }
}

/// Reads the value of a property into its slot, refusing a second one.
pub fn read_once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Whether `key` is the field's own property.
pub fn claims_own(wire: &str, key: &str) -> bool {
    wire == key
}

pub mod required {
    use super::*;

    pub use super::claims_own as claims;
    pub use super::read_once as read;

    pub fn slot<T>() -> Option<T> {
        None
    }

    pub fn take<T, E: de::Error>(slot: Option<T>, wire: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(wire))
    }

    pub fn put<M: SerializeMap, T: Serialize>(
        map: &mut M,
        wire: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        map.serialize_entry(wire, value)
    }
}

pub mod optional {
    use super::*;

    pub use super::claims_own as claims;
    pub use super::read_once as read;

    pub fn slot<T>() -> Option<Option<T>> {
        None
    }

    pub fn take<T, E: de::Error>(slot: Option<Option<T>>, _: &'static str) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }

    pub fn put<M: SerializeMap, T: Serialize>(
        map: &mut M,
        wire: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(wire, value),
            None => Ok(()),
        }
    }
}

pub mod nullable {
    pub use super::optional::{claims, read, slot, take};
    pub use super::required::put;
}

/// The `event` kind, in `event_parts.rs`.
pub use super::event_parts::event;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{json, Value};

    #[derive(Debug, PartialEq)]
    struct Open {
        id: String,
        r#type: Option<String>,
        reason: Option<String>,
        extra: BTreeMap<String, Value>,
    }

    json_object! {
        Open {
            id: required,
            r#type: optional "type",
            reason: nullable,
            ..extra
        }
    }

    #[derive(Debug, PartialEq)]
    struct Closed {
        count: i64,
    }

    json_object! {
        Closed {
            count: required,
        }
    }

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn properties_are_read_by_name_and_the_rest_is_kept() {
        let open: Open = read(r#"{"x": [1], "type": "m.a", "id": "1", "reason": null}"#).unwrap();
        assert_eq!(
            open,
            Open {
                id: "1".into(),
                r#type: Some("m.a".into()),
                reason: None,
                extra: BTreeMap::from([("x".into(), json!([1]))]),
            }
        );
        // `null` is written for a nullable field, nothing for an optional one.
        let written = serde_json::to_value(Open {
            r#type: None,
            ..open
        })
        .unwrap();
        assert_eq!(written, json!({"id": "1", "reason": null, "x": [1]}));
        // From a JSON value as from text; unknown properties of a closed struct are skipped.
        let closed: Closed = serde_json::from_value(json!({"count": 2, "other": {}})).unwrap();
        assert_eq!(closed, Closed { count: 2 });
    }

    #[test]
    fn missing_duplicate_and_mistyped_properties_are_refused() {
        assert!(read::<Open>(r#"{"type": "m.a"}"#)
            .unwrap_err()
            .contains("missing field `id`"));
        let twice = read::<Open>(r#"{"id": "1", "id": "2"}"#).unwrap_err();
        assert!(twice.contains("duplicate field `id`"), "{twice}");
        assert!(read::<Closed>(r#"{"count": "2"}"#).is_err());
        let not_object = read::<Closed>("[2]").unwrap_err();
        assert!(
            not_object.contains("a JSON object (Closed)"),
            "{not_object}"
        );
    }
}
