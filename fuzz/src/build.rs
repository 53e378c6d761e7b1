//! Turns (campaign seed, case number) into a case: a seed tree or a synthetic
//! one, then a few mutations, then the command line's variations.

use crate::case::{Case, Entry};
use crate::hostile;
use crate::mutate::{Mutator, TEXT_MUTATORS};
use crate::rng::Rng;
use crate::seeds::Seed;
use crate::structure::STRUCTURE_MUTATORS;

/// The same (seed, index) gives the same case on every machine and run.
pub fn build_case(seeds: &[Seed], seed: u64, index: u64) -> Case {
    let mut rng = Rng::for_case(seed, index);
    let secret = format!("canary{}", rng.letters(16));
    let synthetic = seeds.is_empty() || rng.one_in(4);
    let mut case = if synthetic {
        hostile::synthetic(&mut rng, secret)
    } else {
        from_seed(rng.pick(seeds), &mut rng, secret)
    };
    // Synthetic trees are hostile already; a seed unchanged is only a baseline.
    let rounds = if synthetic {
        rng.below(3)
    } else {
        1 + rng.below(3)
    };
    for _ in 0..rounds {
        mutate_once(&mut case, &mut rng);
    }
    vary_command(&mut case, &mut rng);
    case
}

fn from_seed(seed: &Seed, rng: &mut Rng, secret: String) -> Case {
    let mut case = Case::new(secret);
    for (path, bytes) in &seed.files {
        case.files.insert(path.clone(), Entry::File(bytes.clone()));
    }
    let dir = seed.entry.rsplit_once('/').map_or("", |(d, _)| d);
    case.input = match rng.below(10) {
        0..=5 => seed.entry.clone(),
        6..=8 => dir.to_owned(),
        _ => String::new(),
    };
    case.labels.push(format!("seed {}", seed.name));
    case
}

/// Applies one mutation, trying others when the one drawn finds nothing to change.
pub fn mutate_once(case: &mut Case, rng: &mut Rng) {
    for _ in 0..8 {
        // Structure mutations are rarer: the heavy ones hang every case while a
        // bug stands, and the bugs they find need few cases to show.
        let table = if rng.one_in(6) {
            STRUCTURE_MUTATORS
        } else {
            TEXT_MUTATORS
        };
        let (name, mutator) = weighted(table, rng);
        if let Some(label) = mutator(case, rng) {
            case.labels.push(format!("{name}: {label}"));
            return;
        }
    }
}

fn weighted(table: &[(&'static str, Mutator, usize)], rng: &mut Rng) -> (&'static str, Mutator) {
    let total: usize = table.iter().map(|(_, _, w)| w).sum();
    let mut ticket = rng.below(total);
    for (name, mutator, weight) in table {
        if ticket < *weight {
            return (name, *mutator);
        }
        ticket -= weight;
    }
    let (name, mutator, _) = table[table.len() - 1];
    (name, mutator)
}

fn vary_command(case: &mut Case, rng: &mut Rng) {
    case.with_root = !rng.one_in(6);
    if rng.one_in(8) {
        case.extra_args.push("--deny-warnings".to_owned());
    }
    if rng.one_in(8) {
        let value = *rng.pick(&[
            "v3",
            "r0",
            "",
            "{{%}}",
            "é",
            "../x",
            "%CLIENT_MAJOR_VERSION%",
        ]);
        case.extra_args
            .extend(["--set".to_owned(), format!("CLIENT_MAJOR_VERSION={value}")]);
    }
}

/// The mutation names of a case (`retarget-ref+fifo`): the stable part of its
/// labels, used to tell timeouts and memory blow-ups apart.
pub fn mutation_kinds(case: &Case) -> String {
    let mut kinds: Vec<&str> = case
        .labels
        .iter()
        .filter(|l| !l.starts_with("seed "))
        .filter_map(|l| l.split(':').next())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.is_empty() {
        return "unmutated".to_owned();
    }
    kinds.join("+")
}

/// Mutations that cost time or memory by design, most suspect first.
const SUSPECTS: &[&str] = &[
    "fifo",
    "fan-out",
    "alias-bomb",
    "deep-nesting",
    "ref-chain",
    "symlink",
];

/// The mutation most likely behind a hang or a blow-up, so that one FIFO bug
/// met beside ten different text mutations is one finding, not ten.
pub fn likely_culprit(case: &Case) -> String {
    let kinds = mutation_kinds(case);
    SUSPECTS
        .iter()
        .find(|s| kinds.split('+').any(|k| k == **s))
        .map_or(kinds.clone(), |s| (*s).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn seed() -> Seed {
        let text = b"swagger: \"2.0\"\npaths:\n  /a:\n    get:\n      operationId: a\n      \
                     responses: {200: {description: ok, schema: {$ref: defs/x.yaml}}}\n";
        let mut files = BTreeMap::new();
        files.insert("api/a.yaml".to_owned(), text.to_vec());
        files.insert("api/defs/x.yaml".to_owned(), b"type: object\n".to_vec());
        Seed {
            name: "test".into(),
            entry: "api/a.yaml".into(),
            files,
        }
    }

    #[test]
    fn cases_are_reproducible_and_varied() {
        let seeds = vec![seed()];
        let a = build_case(&seeds, 9, 17);
        let b = build_case(&seeds, 9, 17);
        assert_eq!(a.files, b.files);
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.args(), b.args());
        let distinct: std::collections::BTreeSet<String> = (0..50)
            .map(|i| mutation_kinds(&build_case(&seeds, 9, i)))
            .collect();
        assert!(distinct.len() > 10, "{distinct:?}");
    }

    #[test]
    fn the_heavy_mutation_is_the_culprit() {
        let mut case = Case::new("canaryx".into());
        case.labels = vec!["seed s".into(), "truncate: t".into(), "fifo: f".into()];
        assert_eq!(mutation_kinds(&case), "fifo+truncate");
        assert_eq!(likely_culprit(&case), "fifo");
        case.labels.pop();
        assert_eq!(likely_culprit(&case), "truncate");
    }

    #[test]
    fn seeded_cases_are_always_mutated() {
        let seeds = vec![seed()];
        for index in 0..40 {
            let case = build_case(&seeds, 1, index);
            if case.labels[0].starts_with("seed ") {
                assert!(case.labels.len() > 1, "{:?}", case.labels);
            }
        }
    }
}
