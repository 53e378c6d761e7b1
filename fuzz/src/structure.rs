//! Mutations that add files: resource bombs (aliases, deep chains, fan-out),
//! colliding file names, links out of the tree and FIFOs. Each added file is
//! also reached from the spec through a grafted `$ref`, since a file nobody
//! refers to only tests discovery.

use crate::case::{up_to_case_dir, Case, Entry, CASE_DIR};
use crate::hostile::HOSTILE_FILE_NAMES;
use crate::mutate::{graft_ref, Mutator};
use crate::rng::Rng;
use crate::text;

pub const STRUCTURE_MUTATORS: &[(&str, Mutator, usize)] = &[
    ("alias-bomb", alias_bomb, 1),
    ("ref-chain", ref_chain, 1),
    ("deep-nesting", deep_nesting, 1),
    ("fan-out", fan_out, 1),
    ("file-names", colliding_file_names, 3),
    ("symlink", link_out, 3),
    ("fifo", fifo, 1),
];

/// The directory (relative to `tree/`, with a trailing `/` unless empty) new files go to:
/// the input's, so that discovery of a directory input sees them too.
fn home(case: &Case) -> String {
    let input = &case.input;
    let is_file = matches!(case.files.get(input), Some(Entry::File(_)));
    let dir = if is_file {
        input.rsplit_once('/').map_or("", |(d, _)| d)
    } else {
        input.as_str()
    };
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

fn add_and_graft(
    case: &mut Case,
    rng: &mut Rng,
    name: &str,
    entry: Entry,
    pointer: &str,
) -> String {
    let path = format!("{}{name}", home(case));
    case.files.insert(path.clone(), entry);
    match graft_ref(case, rng, &path, pointer) {
        Some(from) => format!("{path} (reached from {from})"),
        None => format!("{path} (not reached)"),
    }
}

/// Billion laughs: each level holds every level below it `width` times.
pub fn alias_bomb_text(levels: usize, width: usize) -> String {
    let mut out = String::from("l0: &l0 {type: string, description: lol}\n");
    for level in 1..=levels {
        let props: Vec<String> = (0..width)
            .map(|i| format!("p{i}: *l{}", level - 1))
            .collect();
        out.push_str(&format!(
            "l{level}: &l{level} {{type: object, properties: {{{}}}}}\n",
            props.join(", ")
        ));
    }
    out
}

fn alias_bomb(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let levels = 6 + rng.below(8);
    let width = 4 + rng.below(7);
    let text = alias_bomb_text(levels, width);
    let at = add_and_graft(
        case,
        rng,
        "bomb.yaml",
        Entry::File(text.into_bytes()),
        &format!("#/l{levels}"),
    );
    Some(format!("alias bomb {width}^{levels} in {at}"))
}

/// `D0 -> D1 -> ... -> Dn`, in one file or across `n` files.
fn ref_chain(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let length = *rng.pick(&[100, 1_000, 3_000, 10_000]);
    if rng.one_in(3) {
        let files = length.min(1_000);
        let dir = home(case);
        for i in 0..files {
            let text = if i + 1 == files {
                "type: string\n".to_owned()
            } else {
                format!("$ref: c{}.yaml\n", i + 1)
            };
            case.files.insert(
                format!("{dir}chain/c{i}.yaml"),
                Entry::File(text.into_bytes()),
            );
        }
        let first = format!("{dir}chain/c0.yaml");
        let from = graft_ref(case, rng, &first, "");
        return Some(format!("$ref chain across {files} files from {from:?}"));
    }
    let mut chain = String::new();
    for i in 0..length {
        chain.push_str(&format!("  D{i}: {{$ref: \"#/definitions/D{}\"}}\n", i + 1));
    }
    chain.push_str(&format!("  D{length}: {{type: string}}\n"));
    if rng.one_in(2) {
        if let Some(label) = chain_in_root(case, rng, &chain) {
            return Some(format!("$ref chain of {length} {label}"));
        }
    }
    let text = format!("definitions:\n{chain}");
    let at = add_and_graft(
        case,
        rng,
        "chain.yaml",
        Entry::File(text.into_bytes()),
        "#/definitions/D0",
    );
    Some(format!("$ref chain of {length} in {at}"))
}

/// The chain among a root's own named schemas, which the generator walks
/// differently from a chain it only meets through a ref into another file.
fn chain_in_root(case: &mut Case, rng: &mut Rng, chain: &str) -> Option<String> {
    let root = case.input.clone();
    let bytes = case.text_mut(&root)?;
    if !bytes.starts_with(b"swagger") {
        return None;
    }
    let mut lines = text::lines(bytes);
    match lines.iter().position(|l| l.starts_with(b"definitions:")) {
        Some(at) if lines[at].trim_ascii_end() == b"definitions:" => {
            lines.insert(at + 1, chain.as_bytes().to_vec());
        }
        Some(_) => return None,
        None => lines.push(format!("\ndefinitions:\n{chain}").into_bytes()),
    }
    *bytes = lines.concat();
    let from = graft_ref(case, rng, &root, "#/definitions/D0")?;
    Some(format!(
        "in the definitions of {root} (reached from {from})"
    ))
}

/// One schema nested thousands of levels deep through `allOf`, `items` or `properties`.
fn deep_nesting(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let depth = *rng.pick(&[500, 3_000, 20_000]);
    let (open, close, how) = match rng.below(4) {
        0 => ("{allOf: [", "]}", "allOf"),
        1 => ("{type: array, items: ", "}", "items"),
        2 => ("{type: object, properties: {p: ", "}}", "properties"),
        _ => ("[", "]", "flow lists"),
    };
    let text = format!(
        "deep: {}{{type: string}}{}\n",
        open.repeat(depth),
        close.repeat(depth)
    );
    let at = add_and_graft(
        case,
        rng,
        "deep.yaml",
        Entry::File(text.into_bytes()),
        "#/deep",
    );
    Some(format!("{how} nested {depth} deep in {at}"))
}

/// No cycle, but `width^levels` paths through the schemas for a resolver that inlines.
fn fan_out(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let levels = 20 + rng.below(20);
    let width = 2 + rng.below(2);
    let all_of = rng.one_in(2);
    let mut text = String::from("definitions:\n");
    for i in 0..levels {
        let next = format!("{{$ref: \"#/definitions/E{}\"}}", i + 1);
        let body = if all_of {
            format!("{{allOf: [{}]}}", vec![next; width].join(", "))
        } else {
            let props: Vec<String> = (0..width).map(|p| format!("p{p}: {next}")).collect();
            format!("{{type: object, properties: {{{}}}}}", props.join(", "))
        };
        text.push_str(&format!("  E{i}: {body}\n"));
    }
    text.push_str(&format!("  E{levels}: {{type: string}}\n"));
    let at = add_and_graft(
        case,
        rng,
        "fan.yaml",
        Entry::File(text.into_bytes()),
        "#/definitions/E0",
    );
    Some(format!(
        "fan-out {width}^{levels} (allOf: {all_of}) in {at}"
    ))
}

/// Copies of an API root under names that fold to the same module or trait name.
fn colliding_file_names(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let roots: Vec<String> = case
        .text_paths()
        .into_iter()
        .filter(|p| {
            case.text_mut(p)
                .is_some_and(|b| b.starts_with(b"swagger") || b.starts_with(b"openapi"))
        })
        .collect();
    if roots.is_empty() {
        return None;
    }
    let root = rng.pick(&roots).clone();
    let dir = root
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let Some(Entry::File(bytes)) = case.files.get(&root).cloned() else {
        return None;
    };
    let mut names = Vec::new();
    for copy in 0..2 + rng.below(2) {
        let name = *rng.pick(HOSTILE_FILE_NAMES);
        // Fresh operation ids, so the copies do not merely trip the duplicate-id check.
        let text = String::from_utf8_lossy(&bytes)
            .replace("operationId: ", &format!("operationId: c{copy}"));
        case.files
            .insert(format!("{dir}{name}"), Entry::File(text.into_bytes()));
        names.push(name);
    }
    case.input = dir.trim_end_matches('/').to_owned();
    Some(format!(
        "copies of {root} as {names:?}, input the directory"
    ))
}

/// Links to the canary outside the allowed root, to a directory holding it, to
/// `/dev/zero`, and links that loop or dangle.
fn link_out(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let dir = home(case);
    let up = up_to_case_dir(&format!("{dir}x"));
    let (name, target, pointer) = match rng.below(7) {
        0 => (
            "out.yaml",
            format!("{CASE_DIR}/canary.yaml"),
            "#/definitions",
        ),
        1 => ("out.yaml", format!("{up}canary.yaml"), ""),
        2 => ("outdir", format!("{CASE_DIR}/secret"), ""),
        3 => ("outdir", format!("{up}secret"), ""),
        4 => ("loop", ".".to_owned(), ""),
        5 => ("zero.yaml", "/dev/zero".to_owned(), ""),
        _ => ("dangling.yaml", "nowhere.yaml".to_owned(), ""),
    };
    let at = add_and_graft(case, rng, name, Entry::Symlink(target.clone()), pointer);
    if name == "outdir" || name == "loop" {
        // Discovery walks directories, so these matter with a directory input.
        case.input = dir.trim_end_matches('/').to_owned();
    }
    Some(format!("symlink {at} -> {target}"))
}

fn fifo(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let at = add_and_graft(case, rng, "fifo.yaml", Entry::Fifo, "");
    if rng.one_in(2) {
        case.input = home(case).trim_end_matches('/').to_owned();
        return Some(format!("FIFO {at}, input its directory"));
    }
    Some(format!("FIFO {at}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bomb_levels_refer_to_the_level_below() {
        let text = alias_bomb_text(2, 3);
        assert!(text.contains("l1: &l1 {type: object, properties: {p0: *l0, p1: *l0, p2: *l0}}"));
        assert!(text.contains("l2: &l2"));
    }

    #[test]
    fn a_chain_joins_the_root_definitions() {
        let mut case = Case::new("canaryx".into());
        let root = "swagger: \"2.0\"\nx:\n  type: object\ndefinitions:\n  A: {type: string}\n";
        case.files
            .insert("a.yaml".into(), Entry::File(root.as_bytes().to_vec()));
        case.input = "a.yaml".into();
        chain_in_root(&mut case, &mut Rng::new(2), "  D0: {type: string}\n").unwrap();
        let Some(Entry::File(bytes)) = case.files.get("a.yaml") else {
            panic!()
        };
        let text = String::from_utf8_lossy(bytes);
        assert!(
            text.contains("definitions:\n  D0: {type: string}\n  A:"),
            "{text}"
        );
        assert!(text.contains("$ref: \"a.yaml#/definitions/D0\""), "{text}");
    }

    #[test]
    fn every_structure_mutator_adds_an_entry() {
        for (index, (_, mutator, _)) in STRUCTURE_MUTATORS.iter().enumerate() {
            let mut case = Case::new("canaryx".into());
            let root = "swagger: \"2.0\"\nx:\n  type: object\n  y: {$ref: a.yaml}\n";
            case.files
                .insert("api/a.yaml".into(), Entry::File(root.as_bytes().to_vec()));
            case.input = "api/a.yaml".into();
            let label = mutator(&mut case, &mut Rng::new(5));
            assert!(label.is_some(), "mutator {index} declined");
            assert!(case.files.len() > 1, "mutator {index} added nothing");
        }
    }
}
