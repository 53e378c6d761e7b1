//! The positioned document tree every phase up to conversion works on.
//!
//! A spec file is parsed once into [`Node`]s. Each node knows the file, line,
//! column and JSON pointer it came from, so that any later phase can report a
//! problem at the exact place in the user's spec, even after `$ref`s have been
//! resolved and nodes from many files have been combined into one tree.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// One parsed source file: its text is kept for rendering diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    /// Canonical path on disk (symlinks resolved), used as the identity of the file.
    pub path: std::path::PathBuf,
    /// The path as shown to the user: relative to the input directory when possible.
    pub display: String,
    pub text: String,
}

/// Where a node came from.
#[derive(Clone, Debug)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    pub line: u32,
    pub column: u32,
    /// RFC 6901 pointer of the node inside its file.
    pub pointer: String,
}

impl Origin {
    /// The place of a whole file that was not (or could not be) read: its
    /// text is never shown, so nothing of a file outside the root can leak.
    pub fn of_file(display: &str) -> Arc<Origin> {
        Arc::new(Origin {
            file: Arc::new(SourceFile {
                path: std::path::PathBuf::from(display),
                display: display.to_owned(),
                text: String::new(),
            }),
            line: 1,
            column: 1,
            pointer: String::new(),
        })
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{} (#{})",
            self.file.display, self.line, self.column, self.pointer
        )
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub origin: Arc<Origin>,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys are kept as the scalar text written in the file, so that `200`
    /// stays `"200"` and `1.10` does not become `1.1` (YAML would read both as numbers).
    Map(IndexMap<String, Node>),
}

impl Node {
    pub fn new(value: Value, origin: Arc<Origin>) -> Self {
        Node { value, origin }
    }

    pub fn as_map(&self) -> Option<&IndexMap<String, Node>> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }

    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// Follows an already-unescaped list of pointer tokens.
    pub fn pointer<'a>(&'a self, tokens: &[String]) -> Option<&'a Node> {
        tokens
            .iter()
            .try_fold(self, |node, token| match &node.value {
                Value::Map(m) => m.get(token.as_str()),
                Value::Seq(s) => token.parse::<usize>().ok().and_then(|i| s.get(i)),
                _ => None,
            })
    }

    /// A short name for the kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

/// Escapes one pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn escape_token(token: &str) -> std::borrow::Cow<'_, str> {
    // Almost no key has either: those are not copied.
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Splits a pointer such as `/definitions/a~1b` into unescaped tokens.
pub fn parse_pointer(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// The raw tree as serde-saphyr hands it over, before origins are attached.
/// Keeping it separate lets the parser stay a plain serde visitor.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Key>, Spanned<Raw>)>),
}

/// A mapping key read as the scalar text the author wrote.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
        }
        // Asking for a string makes serde-saphyr hand over the plain scalar's text.
        d.deserialize_string(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
                Ok(Raw::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
                Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
                Ok(Raw::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Raw::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<Key>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Raw::Map(entries))
            }
        }
        d.deserialize_any(RawVisitor)
    }
}

/// A parse failure with its position in the file.
#[derive(Debug)]
pub struct ParseError {
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub pointer: String,
}

/// A parsed file, and where it repeats a key of one mapping.
pub struct Parsed {
    pub root: Node,
    /// Each later duplicate key: its value replaced the earlier one's.
    pub duplicate_keys: Vec<Arc<Origin>>,
}

/// Parses YAML (or JSON, which YAML reads too) into a positioned tree.
///
/// A duplicate key keeps its last value, which is how the spec's own build
/// (PyYAML) read the published files that have one (`schema` twice in r0's
/// `server-server/leaving.yaml`); the caller reports each as a warning.
pub fn parse(file: &Arc<SourceFile>) -> Result<Parsed, ParseError> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    // Duplicates reach our visitor, which reports them with their JSON pointer.
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::PassThrough,
    };
    let raw: Spanned<Raw> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((1, 1), |l| (l.line() as u32, l.column() as u32));
        ParseError {
            message: first_line(&e.to_string()),
            line,
            column,
            pointer: String::new(),
        }
    })?;
    let mut duplicate_keys = Vec::new();
    let root = attach(file, raw, String::new(), &mut duplicate_keys)?;
    Ok(Parsed {
        root,
        duplicate_keys,
    })
}

/// serde-saphyr's message, without its own `error: line N column M:` prefix
/// (the diagnostic shows the position already) and without its advice on parser options.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = match line.strip_prefix("error: line ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, text)| text),
        None => line,
    };
    line.split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(line)
        .to_owned()
}

fn attach(
    file: &Arc<SourceFile>,
    raw: Spanned<Raw>,
    pointer: String,
    duplicates: &mut Vec<Arc<Origin>>,
) -> Result<Node, ParseError> {
    let origin = Arc::new(Origin {
        file: file.clone(),
        line: raw.referenced.line() as u32,
        column: raw.referenced.column() as u32,
        pointer,
    });
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| attach(file, item, format!("{}/{i}", origin.pointer), duplicates))
                .collect::<Result<_, _>>()?,
        ),
        Raw::Map(entries) => {
            let mut map = IndexMap::with_capacity(entries.len());
            for (key, value) in entries {
                let pointer = format!("{}/{}", origin.pointer, escape_token(&key.value.0));
                if map.contains_key(&key.value.0) {
                    duplicates.push(Arc::new(Origin {
                        file: file.clone(),
                        line: key.referenced.line() as u32,
                        column: key.referenced.column() as u32,
                        pointer: pointer.clone(),
                    }));
                }
                // The later value wins, as with the spec's own build (PyYAML).
                let node = attach(file, value, pointer, duplicates)?;
                map.insert(key.value.0, node);
            }
            Value::Map(map)
        }
    };
    Ok(Node { value, origin })
}
