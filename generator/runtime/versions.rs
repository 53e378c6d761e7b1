//! Releases of the spec as servers name them in `/versions` (`r0.6.1`,
//! `v1.19`), and the choice of an operation's path for a server.

/// A release's place in the order of releases: era (before `r0`, `r0`, `v`),
/// then its numbers, so that `v1.10` follows `v1.9`. `None` for a name that
/// is not a release.
pub fn rank(label: &str) -> Option<(u32, u32, u32, u32)> {
    let (era, numbers) = match label.as_bytes().first()? {
        b'r' => (1, &label[1..]),
        b'v' => (2, &label[1..]),
        b'0'..=b'9' => (0, label),
        _ => return None,
    };
    let mut rank = [era, 0, 0, 0];
    for (i, number) in numbers.split('.').enumerate() {
        let digits = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
        if i > 2 || !digits {
            return None;
        }
        rank[i + 1] = number.parse().ok()?;
    }
    Some((rank[0], rank[1], rank[2], rank[3]))
}

/// The path to call an operation on, for a server that advertises
/// `server_versions`: the operation's path in the newest release that the
/// server speaks and the crate knows it in. A version newer than every
/// release of the crate speaks the newest one; one older than them all, or
/// one that is not a release name, is passed over. `paths` lists each
/// release that has the operation with its path; `releases`, every release
/// the crate was made from. Both are oldest first.
pub fn choose(
    paths: &'static [(&'static str, &'static str)],
    releases: &[&str],
    server_versions: &[String],
) -> Option<&'static str> {
    let mut spoken: Vec<(u32, u32, u32, u32)> =
        server_versions.iter().filter_map(|v| rank(v)).collect();
    spoken.sort_unstable_by(|a, b| b.cmp(a));
    spoken.into_iter().find_map(|version| {
        // The newest release of the crate that the server's version includes.
        let release = releases
            .iter()
            .rev()
            .find(|r| rank(r).is_some_and(|r| r <= version))?;
        paths
            .iter()
            .find(|(label, _)| label == release)
            .map(|(_, path)| *path)
    })
}

#[cfg(test)]
mod tests {
    use super::{choose, rank};

    #[test]
    fn releases_sort_by_era_then_number() {
        assert!(rank("v1.10") > rank("v1.9"));
        assert!(rank("v1.1") > rank("r0.6.1"));
        assert!(rank("r0.0.1") > rank("0.2.0"));
        assert_eq!(rank("v1.x"), None);
        assert_eq!(rank("org.matrix.msc1234"), None);
    }

    #[test]
    fn the_newest_release_both_sides_know_wins() {
        const RELEASES: &[&str] = &["r0.6.1", "v1.1", "v1.7"];
        const SYNC: &[(&str, &str)] = &[
            ("r0.6.1", "/_matrix/client/r0/sync"),
            ("v1.1", "/_matrix/client/v3/sync"),
            ("v1.7", "/_matrix/client/v3/sync"),
        ];
        const GONE: &[(&str, &str)] = &[("r0.6.1", "/_matrix/client/r0/gone")];
        let server = |versions: &[&str]| versions.iter().map(|v| v.to_string()).collect::<Vec<_>>();
        let synapse = server(&["r0.5.0", "r0.6.1", "v1.1", "v1.12", "org.example"]);
        assert_eq!(
            choose(SYNC, RELEASES, &synapse),
            Some("/_matrix/client/v3/sync")
        );
        assert_eq!(
            choose(GONE, RELEASES, &synapse),
            Some("/_matrix/client/r0/gone")
        );
        let r0_only = server(&["r0.6.1"]);
        assert_eq!(
            choose(SYNC, RELEASES, &r0_only),
            Some("/_matrix/client/r0/sync")
        );
        let v1_only = server(&["v1.2"]);
        assert_eq!(choose(GONE, RELEASES, &v1_only), None);
        assert_eq!(choose(SYNC, RELEASES, &server(&["r0.5.0"])), None);
    }
}
