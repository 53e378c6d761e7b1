//! Which operations of different releases are one endpoint.
//!
//! The rule, in order:
//! 1. The same method and path once the path's version segment is set aside
//!    (`/_matrix/client/r0/sync` and `/_matrix/client/v3/sync`; `api/v1`,
//!    `r0`, `v3`, `unstable`, `v2_alpha` all count as one) and its parameter
//!    names (`{roomId}`, `{room_id}`) too. Exception: where one release has two
//!    operations on such a path (federation's `v1` and `v2` `send_join`, the
//!    identity service's `api/v1` and `v2`), they are different endpoints, and
//!    on that path the version segment counts in every release; where two
//!    share even that (operations told apart by their requests, `/events`
//!    and its peek), so does the `operationId`.
//! 2. Failing that, the same API, `operationId` and method, with a path of the
//!    same shape where the old path has a parameter where the new one has a
//!    fixed segment (`/pushrules/{scope}/...` became `/pushrules/global/...`):
//!    the endpoint moved. An `operationId` is not enough alone: ids were
//!    renamed (`reportContent` -> `reportEvent`), and the path rule holds those.
//! 3. Failing that, for an operation that shares its method and path with
//!    others in its release: the one endpoint on the same route that the
//!    same part of the request picks (a query parameter, a required body
//!    field, or neither). The releases before r0.3.0 have no `operationId`s
//!    to hold `/events` and its peek, or the two invites, apart by rule 1.
//!
//! Matching is pairwise along the releases, oldest first, so an endpoint can
//! move more than once; each release's operations are matched by path before
//! any is matched by id, and by id before any by discriminator.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Discriminator;

/// What matching reads of an operation.
#[derive(Clone, Copy, Debug)]
pub struct OpRef<'a> {
    pub api: &'a str,
    pub id: &'a str,
    /// Lower case.
    pub method: &'a str,
    pub path: &'a str,
    /// What picks this operation where others share its method and path.
    pub discriminator: Option<&'a Discriminator>,
}

/// One endpoint across the releases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// For each release, the index of the endpoint's operation in it.
    pub operations: Vec<Option<usize>>,
    /// The releases where the endpoint was matched by rule 2 (moved).
    pub moved_in: Vec<usize>,
}

impl Endpoint {
    pub fn first(&self) -> Option<usize> {
        self.operations.iter().position(Option::is_some)
    }

    pub fn last(&self) -> Option<usize> {
        self.operations.iter().rposition(Option::is_some)
    }
}

/// Matches the operations of `releases` (oldest first) into endpoints, in
/// the order they first appear.
pub fn match_releases(releases: &[Vec<OpRef>]) -> Vec<Endpoint> {
    let keys = Keys::new(releases);
    let mut state = State::default();
    for (release, ops) in releases.iter().enumerate() {
        let mut unmatched = Vec::new();
        for (index, op) in ops.iter().enumerate() {
            let found = state.by_route.get(&keys.of(op)).copied();
            match found.filter(|&e| state.endpoints[e].operations[release].is_none()) {
                Some(e) => state.endpoints[e].operations[release] = Some(index),
                None => unmatched.push(index),
            }
        }
        // Every id is tried before any discriminator, so that an operation
        // whose id names an endpoint is never beaten to it.
        unmatched.retain(|&index| {
            let e = state.moved(&ops[index], release);
            if let Some(e) = e {
                state.endpoints[e].moved_in.push(release);
                state.endpoints[e].operations[release] = Some(index);
            }
            e.is_none()
        });
        unmatched.retain(|&index| {
            let e = state.told_apart_alike(&ops[index], release);
            if let Some(e) = e {
                state.endpoints[e].operations[release] = Some(index);
            }
            e.is_none()
        });
        for index in unmatched {
            state.endpoints.push(Endpoint {
                operations: vec![None; releases.len()],
                moved_in: Vec::new(),
            });
            state.latest.push(ops[index]);
            state.endpoints.last_mut().expect("just pushed").operations[release] = Some(index);
        }
        for (e, endpoint) in state.endpoints.iter().enumerate() {
            if let Some(index) = endpoint.operations[release] {
                let op = ops[index];
                state.by_route.insert(keys.of(&op), e);
                state.by_id.insert((op.api, op.id), e);
                state.latest[e] = op;
            }
        }
    }
    state.endpoints
}

/// The endpoints found so far, and how to find them.
#[derive(Default)]
struct State<'a> {
    endpoints: Vec<Endpoint>,
    /// Each endpoint's operation in the latest release that has it.
    latest: Vec<OpRef<'a>>,
    by_route: BTreeMap<String, usize>,
    by_id: BTreeMap<(&'a str, &'a str), usize>,
}

impl<'a> State<'a> {
    /// Rule 2: the endpoint of the same API, id and method whose path has
    /// the same shape, still without an operation in `release`.
    fn moved(&self, op: &OpRef<'a>, release: usize) -> Option<usize> {
        self.by_id.get(&(op.api, op.id)).copied().filter(|&e| {
            self.endpoints[e].operations[release].is_none()
                && self.latest[e].method == op.method
                && align(self.latest[e].path, op.path).is_some()
        })
    }

    /// Rule 3: the one endpoint on the same route (version and parameter
    /// names aside) whose operation is picked by the same part of the request,
    /// still without an operation in `release`. The releases before r0.3.0
    /// have no `operationId`s, so the ids made up for them (from the method,
    /// path and file) never meet the ones later releases give; what tells
    /// `/events` from its peek, or the two invites apart, stayed the same.
    fn told_apart_alike(&self, op: &OpRef<'a>, release: usize) -> Option<usize> {
        let discriminator = op.discriminator?;
        let route = route_key(op.method, op.path, false);
        let mut found = (0..self.endpoints.len()).filter(|&e| {
            let latest = &self.latest[e];
            self.endpoints[e].operations[release].is_none()
                && latest.api == op.api
                && route_key(latest.method, latest.path, false) == route
                && latest
                    .discriminator
                    .is_some_and(|theirs| alike(theirs, discriminator))
        });
        let e = found.next()?;
        // Two candidates: nothing says which, so neither.
        found.next().is_none().then_some(e)
    }
}

/// Whether two operations sharing a route are picked the same way: by the
/// same query parameter, by body fields they have one in common of, or both
/// as what is left.
fn alike(a: &Discriminator, b: &Discriminator) -> bool {
    match (a, b) {
        (Discriminator::BodyFields(a), Discriminator::BodyFields(b)) => {
            a.iter().any(|field| b.contains(field))
        }
        (Discriminator::QueryParam(a), Discriminator::QueryParam(b)) => a == b,
        (Discriminator::Fallback, Discriminator::Fallback) => true,
        _ => false,
    }
}

/// The key an operation is matched by across releases: its route with the
/// version set aside; where two operations of one release share that, its
/// route with the version; where they share that too (operations told apart
/// by their requests, such as `/events` and its peek), its route and id.
struct Keys {
    /// Keys of each level shared by two operations of one release.
    shared: [BTreeSet<String>; 2],
}

impl Keys {
    fn new(releases: &[Vec<OpRef>]) -> Keys {
        let mut shared: [BTreeSet<String>; 2] = Default::default();
        for (level, shared) in shared.iter_mut().enumerate() {
            for ops in releases {
                let mut seen = BTreeSet::new();
                for op in ops {
                    let key = Keys::at(op, level);
                    if !seen.insert(key.clone()) {
                        shared.insert(key);
                    }
                }
            }
        }
        Keys { shared }
    }

    fn at(op: &OpRef, level: usize) -> String {
        match level {
            0 => route_key(op.method, op.path, false),
            1 => route_key(op.method, op.path, true),
            _ => format!("{} {}", route_key(op.method, op.path, true), op.id),
        }
    }

    fn of(&self, op: &OpRef) -> String {
        (0..2)
            .map(|level| Keys::at(op, level))
            .zip(&self.shared)
            .find(|(key, shared)| !shared.contains(key))
            .map_or_else(|| Keys::at(op, 2), |(key, _)| key)
    }
}

/// `get /_matrix/client/*/rooms/{}/messages`: the method and the path with
/// parameter names, and unless `keep_version` the version segment, set aside.
pub fn route_key(method: &str, path: &str, keep_version: bool) -> String {
    let (prefix, version, rest) = split_version(path);
    let version = if keep_version { version.as_str() } else { "*" };
    let mut key = format!("{} {prefix}/{version}", method.to_ascii_lowercase());
    for segment in rest {
        key.push('/');
        key.push_str(if is_param(segment) { "{}" } else { segment });
    }
    key
}

/// A path split into its API prefix (`/_matrix/client`), its version
/// (`r0`, `api/v1`; empty where there is none) and the segments after them.
fn split_version(path: &str) -> (String, String, Vec<&str>) {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segments.len() < 3 || segments[0] != "_matrix" {
        return (String::new(), String::new(), segments);
    }
    let version_segments = match (segments[2], segments.get(3)) {
        ("api", Some(v)) if is_version(v) => 2,
        (v, _) if is_version(v) => 1,
        _ => 0,
    };
    let prefix = format!("/_matrix/{}", segments[1]);
    let version = segments[2..2 + version_segments].join("/");
    (prefix, version, segments[2 + version_segments..].to_vec())
}

fn is_version(segment: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    segment == "unstable"
        || segment
            .strip_prefix(['r', 'v'])
            .is_some_and(|rest| digits(rest.strip_suffix("_alpha").unwrap_or(rest)))
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The old path written with the new path's parameter names, where the two
/// are one endpoint: segment by segment (versions aside), a parameter on
/// both sides takes the new name, a parameter the new path fixed takes the
/// new path's value (`{scope}` -> `global`), equal fixed segments stay.
/// `None` where the shapes differ.
pub fn align(old: &str, new: &str) -> Option<String> {
    let (old_prefix, old_version, old_rest) = split_version(old);
    let (new_prefix, _, new_rest) = split_version(new);
    if old_prefix != new_prefix || old_rest.len() != new_rest.len() {
        return None;
    }
    let mut aligned = old_prefix;
    if !old_version.is_empty() {
        aligned.push('/');
        aligned.push_str(&old_version);
    }
    for (old, new) in old_rest.iter().zip(&new_rest) {
        let segment = match (is_param(old), is_param(new)) {
            (true, _) => new,
            (false, false) if old == new => old,
            _ => return None,
        };
        aligned.push('/');
        aligned.push_str(segment);
    }
    if old.ends_with('/') && !aligned.ends_with('/') {
        aligned.push('/');
    }
    Some(aligned)
}

#[cfg(test)]
mod tests;
