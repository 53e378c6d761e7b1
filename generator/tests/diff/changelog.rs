//! The spec's changelog read, and each of its API entries looked for in a
//! diff by the endpoints, versions and fields it names in backticks.

use matrix_codegen::diff::{self, Change, Diff, Kind};
use matrix_codegen::releases::matching::route_key;

/// One bullet of a changelog.
#[derive(Debug)]
pub struct Entry {
    /// `Client-Server API`, ...
    api: String,
    /// `New Endpoints`, `Backwards Compatible Changes`, `Spec Clarifications`, ...
    category: String,
    text: String,
}

impl Entry {
    /// The words in backticks.
    fn names(&self) -> Vec<&str> {
        self.text.split('`').skip(1).step_by(2).collect()
    }

    /// The entry up to its references, for printing.
    fn short(&self) -> String {
        let text = self.text.split(" as per [").next().unwrap_or(&self.text);
        let text = text.split(" ([#").next().unwrap_or(text);
        let text: String = text.chars().take(110).collect();
        format!("[{}/{}] {text}", self.api, self.category)
    }
}

/// The entries of the API sections (`## Client-Server API`, ...).
pub fn changelog(text: &str) -> Vec<Entry> {
    let (mut api, mut category) = (String::new(), String::new());
    let mut entries = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if let Some(heading) = line.strip_prefix("## ") {
            api = heading.trim().to_owned();
        } else if let Some(rest) = line
            .strip_prefix("<strong>")
            .and_then(|l| l.strip_suffix("</strong>"))
            .or_else(|| line.strip_prefix("**").and_then(|l| l.strip_suffix("**")))
        {
            category = rest.trim().to_owned();
        } else if let Some(text) = line.strip_prefix("- ") {
            if api.ends_with(" API") {
                entries.push(Entry {
                    api: api.clone(),
                    category: category.clone(),
                    text: text.to_owned(),
                });
            }
        }
    }
    entries
}

/// What a changelog name can be matched with.
enum Name {
    /// `GET /_matrix/client/v3/sync`, `/room_keys/*`, `POST /keys/query`.
    Endpoint {
        method: Option<String>,
        /// `/_matrix/client`; empty where the name leaves it out.
        prefix: String,
        /// After the version, parameters as `{}`.
        segments: Vec<String>,
    },
    /// `r0`, `v3`.
    Version(String),
    /// `device_id`, `unsigned.replaces_state`.
    Field(Vec<String>),
}

const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "PATCH"];

/// `get /_matrix/client/*/keys/query` -> (`/_matrix/client`, [`keys`, `query`]).
fn route(method: &str, path: &str) -> (String, Vec<String>) {
    let key = route_key(method, path, false);
    let path = key.split_once(' ').map_or("", |(_, p)| p);
    let (prefix, rest) = path.split_once("/*").unwrap_or(("", path));
    let segments = rest.split('/').filter(|s| !s.is_empty());
    (prefix.to_owned(), segments.map(str::to_owned).collect())
}

/// What a name in backticks is. Names in the `m.` namespace are event
/// types, EDUs, capabilities or login types here, not fields.
fn name(text: &str) -> Option<Name> {
    let text = text.trim().trim_matches('"');
    let (method, path) = match text.split_once(' ') {
        Some((m, p)) if METHODS.contains(&m) => (Some(m.to_owned()), p.trim()),
        _ => (None, text),
    };
    if path.starts_with('/') {
        let path = path.split('?').next().unwrap_or(path);
        let (prefix, segments) = route(method.as_deref().unwrap_or("get"), path);
        return Some(Name::Endpoint {
            method,
            prefix,
            segments,
        });
    }
    let is_version = |t: &str| {
        t.len() > 1 && t.starts_with(['r', 'v']) && t[1..].bytes().all(|b| b.is_ascii_digit())
    };
    if is_version(text) {
        return Some(Name::Version(text.to_owned()));
    }
    let field_like = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    let field =
        field_like && text.starts_with(|c: char| c.is_ascii_lowercase()) && !text.starts_with("m.");
    field.then(|| Name::Field(text.split('.').map(str::to_owned).collect()))
}

/// Whether `needle` runs, in order and unbroken, inside `hay` (`*` at the
/// end of `needle` stands for the rest).
fn contains(hay: &[String], needle: &[String]) -> bool {
    let needle = match needle.split_last() {
        Some((last, before)) if last == "*" => before,
        _ => needle,
    };
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// `response(200).chunk[].unsigned.age` -> [`chunk`, `unsigned`, `age`].
fn field_segments(location: &str) -> Vec<String> {
    let plain = location.replace("[]", "").replace("{}", "");
    plain.split('.').skip(1).map(str::to_owned).collect()
}

/// The API directory of a changelog section.
fn section_api(section: &str) -> &str {
    match section {
        "Client-Server API" => "client-server",
        "Server-Server API" => "server-server",
        "Application Service API" => "application-service",
        "Identity Service API" => "identity",
        "Push Gateway API" => "push-gateway",
        _ => "",
    }
}

/// What one entry names, and where.
struct Names {
    api: String,
    endpoints: Vec<(Option<String>, String, Vec<String>)>,
    versions: Vec<String>,
    fields: Vec<Vec<String>>,
    /// From the entry's words: `parameter`/`request` or `response`.
    side: Option<diff::Side>,
}

impl Names {
    fn of(entry: &Entry) -> Names {
        let mut names = Names {
            api: section_api(&entry.api).to_owned(),
            endpoints: Vec::new(),
            versions: Vec::new(),
            fields: Vec::new(),
            side: None,
        };
        for found in entry.names().into_iter().filter_map(name) {
            match found {
                Name::Endpoint {
                    method,
                    prefix,
                    segments,
                } => names.endpoints.push((method, prefix, segments)),
                Name::Version(v) => names.versions.push(v),
                Name::Field(f) => names.fields.push(f),
            }
        }
        let text = entry.text.to_lowercase();
        let request = text.contains("parameter") || text.contains("request");
        names.side = match (request, text.contains("response")) {
            (true, false) => Some(diff::Side::Request),
            (false, true) => Some(diff::Side::Response),
            _ => None,
        };
        names
    }

    /// An endpoint the entry names; one without its `/_matrix/...` prefix
    /// is looked for in the entry's own API.
    fn on_endpoint(&self, change: &Change) -> bool {
        let mut paths = vec![change.path.as_str()];
        if let Kind::PathMoved { from, .. } = &change.kind {
            paths.push(from);
        }
        self.endpoints.iter().any(|(method, prefix, segments)| {
            let method_fits = method.as_ref().is_none_or(|m| *m == change.method);
            let api_fits = !prefix.is_empty() || change.api == self.api;
            method_fits
                && api_fits
                && paths.iter().any(|path| {
                    let (change_prefix, change_segments) = route(&change.method, path);
                    (prefix.is_empty() || *prefix == change_prefix)
                        && contains(&change_segments, segments)
                })
        })
    }

    /// Whether `change` is at a named field, on the side the entry speaks of.
    fn at_field(&self, change: &Change) -> bool {
        let side_fits = self.side.is_none() || change.side == self.side;
        let at = field_segments(&change.location);
        side_fits && self.fields.iter().any(|f| contains(&at, f))
    }

    fn at_version(&self, change: &Change) -> bool {
        match &change.kind {
            Kind::PathVersionChanged { to, .. } => {
                to.split('/').any(|s| self.versions.iter().any(|v| v == s))
            }
            _ => false,
        }
    }
}

/// The change of `diff` that shows `entry`, if any. An entry that names a
/// version is shown by a change to that version. Otherwise by a change
/// (other than of the version segment alone) on an endpoint it names, at a
/// field it names when it names fields too; or, naming only fields, at one
/// of those in its own API, on the operation that has the most of them.
fn evidence<'d>(entry: &Entry, diff: &'d Diff) -> Option<&'d Change> {
    let names = Names::of(entry);
    if let Some(change) = diff.changes.iter().find(|c| names.at_version(c)) {
        return Some(change);
    }
    let version_only = |c: &Change| matches!(c.kind, Kind::PathVersionChanged { .. });
    if !names.endpoints.is_empty() {
        let side_fits =
            |c: &Change| c.side.is_none() || names.side.is_none_or(|s| c.side == Some(s));
        return diff.changes.iter().find(|c| {
            !version_only(c)
                && names.on_endpoint(c)
                && side_fits(c)
                && (names.fields.is_empty() || names.at_field(c))
        });
    }
    // Per operation, the distinct named fields its changes are at.
    let mut best: Option<(usize, &Change)> = None;
    let in_api = diff.changes.iter().filter(|c| c.api == names.api);
    for (_, changes) in group(in_api) {
        let fields = names.fields.iter().filter(|f| {
            changes
                .iter()
                .any(|c| contains(&field_segments(&c.location), f) && names.at_field(c))
        });
        let count = fields.count();
        let first = changes.iter().find(|c| names.at_field(c));
        if let (Some(first), true) = (first, count > best.map_or(0, |(n, _)| n)) {
            best = Some((count, first));
        }
    }
    best.map(|(_, change)| change)
}

/// Changes grouped by operation, in order.
fn group<'d>(changes: impl Iterator<Item = &'d Change>) -> Vec<(String, Vec<&'d Change>)> {
    let mut groups: Vec<(String, Vec<&Change>)> = Vec::new();
    for change in changes {
        let key = format!("{} {} {}", change.api, change.method, change.path);
        match groups.last_mut() {
            Some((last, members)) if *last == key => members.push(change),
            _ => groups.push((key, vec![change])),
        }
    }
    groups
}

/// How one comparison went, for the changelog's change entries and for its
/// clarifications apart: the entries found, and how many were not.
pub struct Figures {
    found: Vec<String>,
    not_found: usize,
    pub clarifications_found: Vec<String>,
    clarifications_not_found: usize,
}

impl Figures {
    pub fn counts(&self) -> ((usize, usize), (usize, usize)) {
        (
            (self.found.len(), self.not_found),
            (
                self.clarifications_found.len(),
                self.clarifications_not_found,
            ),
        )
    }

    pub fn found(&self, words: &str) -> bool {
        self.found.iter().any(|f| f.contains(words))
    }
}

/// Each entry looked for in the diff; both lists printed.
pub fn compare(diff: &Diff, entries: &[Entry]) -> Figures {
    let mut figures = Figures {
        found: Vec::new(),
        not_found: 0,
        clarifications_found: Vec::new(),
        clarifications_not_found: 0,
    };
    for clarifications in [false, true] {
        let (mut found, mut missed) = (Vec::new(), Vec::new());
        let chosen = entries
            .iter()
            .filter(|e| (e.category == "Spec Clarifications") == clarifications);
        for entry in chosen {
            match evidence(entry, diff) {
                Some(c) => found.push((entry.short(), c)),
                None => missed.push(entry.short()),
            }
        }
        let what = if clarifications {
            "clarifications"
        } else {
            "change entries"
        };
        println!(
            "{} -> {}, {what}: {} found, {} not found",
            diff.old,
            diff.new,
            found.len(),
            missed.len()
        );
        for (entry, c) in &found {
            let seen = format!("{} {} {} {}", c.method, c.path, c.location, c.kind.name());
            println!("  found:     {entry}\n      seen as: {seen}");
        }
        missed.iter().for_each(|m| println!("  not found: {m}"));
        let found = found.into_iter().map(|(entry, _)| entry).collect();
        if clarifications {
            figures.clarifications_found = found;
            figures.clarifications_not_found = missed.len();
        } else {
            figures.found = found;
            figures.not_found = missed.len();
        }
    }
    figures
}
