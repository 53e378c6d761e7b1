//! Releases of the spec, named as servers name them in `/versions`.

use std::cmp::Ordering;
use std::fmt;

use super::wire::rank;

/// One release: `r0.6.1`, `v1.19`, or a pre-`r0` version (`0.2.0`).
/// Ordered by era (pre-`r0`, `r0`, `v1`...) and then by number, so that
/// `v1.10` follows `v1.9`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Release {
    label: String,
    rank: (u32, u32, u32, u32),
}

impl Release {
    /// Reads a version string (`r0.6.1`, `v1.19`, `0.2.0`); `None` for
    /// anything else.
    pub fn parse(label: &str) -> Option<Release> {
        Some(Release {
            label: label.to_owned(),
            rank: rank(label)?,
        })
    }

    /// The release a tag of the spec's repository names: its last component
    /// (`client_server/r0.6.1` -> `r0.6.1`, `v1.19` -> `v1.19`).
    pub fn from_tag(tag: &str) -> Option<Release> {
        Release::parse(tag.rsplit(['/', '_']).next()?)
    }

    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Ord for Release {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank
            .cmp(&other.rank)
            .then_with(|| self.label.cmp(&other.label))
    }
}

impl PartialOrd for Release {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::Release;

    #[test]
    fn releases_sort_by_era_then_number() {
        let mut labels = [
            "v1.10", "r0.6.1", "v1.9", "0.2.0", "r0.0.1", "v1.1", "r0.6.0",
        ]
        .map(|l| Release::parse(l).unwrap());
        labels.sort();
        let sorted: Vec<&str> = labels.iter().map(Release::label).collect();
        assert_eq!(
            sorted,
            ["0.2.0", "r0.0.1", "r0.6.0", "r0.6.1", "v1.1", "v1.9", "v1.10"]
        );
    }

    #[test]
    fn tags_name_their_release() {
        let of = |tag: &str| Release::from_tag(tag).map(|r| r.label().to_owned());
        assert_eq!(of("client_server/r0.6.1").as_deref(), Some("r0.6.1"));
        assert_eq!(of("client-server/0.3.0").as_deref(), Some("0.3.0"));
        assert_eq!(of("v1.19").as_deref(), Some("v1.19"));
        assert_eq!(of("main"), None);
        assert_eq!(of("v1.x"), None);
        assert_eq!(of("r0.6.1.2"), None);
    }
}
