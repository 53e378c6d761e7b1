//! What an open enum (its known values, then `Other(String)`) does with its
//! wire strings, written once for every open enum of the crate.
//!
//! The macro is allowed to go unused: a spec may have no open enum.

/// `as_str`, the conversions from and to `String`, `FromStr`, `Display`,
/// and `Serialize` and `Deserialize` as a string, for an open enum whose
/// known variants are listed with their wire strings.
#[allow(unused_macros)]
macro_rules! open_enum {
    ($ty:ident { $($variant:ident = $wire:literal,)* }) => {
        impl $ty {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(value) => value,
                }
            }
        }

        impl From<String> for $ty {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Other(value),
                }
            }
        }

        impl From<&str> for $ty {
            fn from(value: &str) -> Self {
                Self::from(value.to_owned())
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                match value {
                    $ty::Other(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use open_enum;
