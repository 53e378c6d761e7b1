//! Mutations of the spec texts: blind byte and line damage, then targeted
//! rewrites of the places the generator interprets (`$ref`s, operation ids,
//! path templates, descriptions).
//!
//! Each mutator returns a label for the finding report, or `None` when the case
//! has nothing it applies to, so the caller can try another.

use crate::case::{up_to_case_dir, Case, CASE_DIR};
use crate::hostile::{HOSTILE_NAMES, HOSTILE_PATHS, HOSTILE_TEXTS};
use crate::rng::Rng;
use crate::text::{self, quote};

pub type Mutator = fn(&mut Case, &mut Rng) -> Option<String>;

/// Text mutators: name (the key findings are grouped by), mutator, weight.
pub const TEXT_MUTATORS: &[(&str, Mutator, usize)] = &[
    ("truncate", truncate, 2),
    ("flip", flip_bytes, 3),
    ("delete-lines", delete_lines, 3),
    ("duplicate-lines", duplicate_lines, 3),
    ("retarget-ref", retarget_ref, 6),
    ("operation-id", hostile_operation_id, 3),
    ("path-template", hostile_path, 3),
    ("description", hostile_description, 2),
];

/// A random text file of the case, with its path.
fn pick_text<'a>(case: &'a mut Case, rng: &mut Rng) -> Option<(String, &'a mut Vec<u8>)> {
    let paths = case.text_paths();
    if paths.is_empty() {
        return None;
    }
    let path = rng.pick(&paths).clone();
    let bytes = case.text_mut(&path)?;
    Some((path, bytes))
}

/// A random text file that has lines for which `keep` holds, and those lines.
fn pick_lines<'a>(
    case: &'a mut Case,
    rng: &mut Rng,
    keep: impl Fn(&str) -> bool,
) -> Option<(String, &'a mut Vec<u8>, Vec<usize>)> {
    let candidates: Vec<String> = case
        .text_paths()
        .into_iter()
        .filter(|p| {
            case.text_mut(p)
                .is_some_and(|b| !text::matching_lines(b, &keep).is_empty())
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let path = rng.pick(&candidates).clone();
    let bytes = case.text_mut(&path)?;
    let found = text::matching_lines(bytes, keep);
    Some((path, bytes, found))
}

fn truncate(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes) = pick_text(case, rng)?;
    let at = rng.below(bytes.len() + 1);
    bytes.truncate(at);
    Some(format!("truncate {path} at {at}"))
}

/// Bytes that change how YAML or a `$ref` is read, more likely to matter than noise.
const INTERESTING: &[u8] = b"{}[]:,&*!|>-#%~/\\'\"\t\n\r\0 ?@`";

fn flip_bytes(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes) = pick_text(case, rng)?;
    if bytes.is_empty() {
        return None;
    }
    let count = 1 + rng.below(4);
    for _ in 0..count {
        let at = rng.below(bytes.len());
        bytes[at] = match rng.below(3) {
            0 => bytes[at] ^ (1 << rng.below(8)),
            1 => *rng.pick(INTERESTING),
            _ => *rng.pick(&[0x80, 0xC3, 0xE9, 0xFF, 0xFE]),
        };
    }
    Some(format!("flip {count} byte(s) in {path}"))
}

fn delete_lines(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes) = pick_text(case, rng)?;
    let mut all = text::lines(bytes);
    if all.is_empty() {
        return None;
    }
    let start = rng.below(all.len());
    let end = (start + 1 + rng.below(3)).min(all.len());
    all.drain(start..end);
    *bytes = all.concat();
    Some(format!("delete lines {}..{end} of {path}", start + 1))
}

fn duplicate_lines(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes) = pick_text(case, rng)?;
    let mut all = text::lines(bytes);
    if all.is_empty() {
        return None;
    }
    let start = rng.below(all.len());
    let end = (start + 1 + rng.below(4)).min(all.len());
    let copy: Vec<Vec<u8>> = all[start..end].to_vec();
    let at = if rng.one_in(2) {
        end
    } else {
        rng.below(all.len() + 1)
    };
    all.splice(at..at, copy);
    *bytes = all.concat();
    Some(format!("duplicate lines {}..{end} of {path}", start + 1))
}

/// `$ref` values that a careless resolver gets wrong: leaving the root,
/// absolute and remote targets, itself, and pointer escapes with multi-byte chars.
pub fn hostile_ref(case: &Case, from: &str, rng: &mut Rng) -> String {
    let name = from.rsplit('/').next().unwrap_or(from).to_owned();
    let up = up_to_case_dir(from);
    let others: Vec<&String> = case.files.keys().collect();
    let other = text::relative_ref(from, rng.pick(&others).as_str());
    let choices = [
        other.clone(),
        format!("{other}#/definitions/{}", rng.pick(HOSTILE_NAMES)),
        format!("{other}#/"),
        "nowhere/missing.yaml".to_owned(),
        "missing.json#/a".to_owned(),
        format!("{up}canary.yaml"),
        format!("{up}canary.yaml#/definitions/Leak"),
        format!("{up}secret/canary.yaml"),
        format!("{up}../../../../../../../../canary.yaml"),
        format!("{CASE_DIR}/canary.yaml"),
        format!("{CASE_DIR}/tree/{from}"),
        format!("file://{CASE_DIR}/canary.yaml"),
        "/dev/zero".to_owned(),
        "http://127.0.0.1:9/x.yaml#/a".to_owned(),
        name.clone(),
        format!("./{name}#"),
        format!("{name}#/"),
        "#".to_owned(),
        "#/".to_owned(),
        String::new(),
        "#/definitions/%é".to_owned(),
        "#/%".to_owned(),
        "#/%zz".to_owned(),
        "#/a%2".to_owned(),
        "#/a%C3".to_owned(),
        "#/%C3%A9".to_owned(),
        "#/~2".to_owned(),
        "#/~".to_owned(),
        "#/definitions/é%".to_owned(),
        "#/definitions/%aé".to_owned(),
        "#/%€".to_owned(),
        "#/%🦀".to_owned(),
        "%€.yaml".to_owned(),
        format!("{name}#/%é"),
        "%é.yaml".to_owned(),
        "%7B%7D.yaml".to_owned(),
        "a\u{0}b.yaml".to_owned(),
        "..".to_owned(),
        ".".to_owned(),
        "/".to_owned(),
        "a/".repeat(2000) + "b.yaml",
        format!("#/{}", "a/".repeat(3000)),
    ];
    rng.pick(&choices).clone()
}

fn retarget_ref(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let paths: Vec<String> = case
        .text_paths()
        .into_iter()
        .filter(|p| {
            case.text_mut(p)
                .is_some_and(|b| !text::ref_value_spans(b).is_empty())
        })
        .collect();
    if paths.is_empty() {
        return None;
    }
    let path = rng.pick(&paths).clone();
    let target = hostile_ref(case, &path, rng);
    let bytes = case.text_mut(&path)?;
    let spans = text::ref_value_spans(bytes);
    let (start, end) = *rng.pick(&spans);
    bytes.splice(start..end, quote(&target).into_bytes());
    Some(format!("retarget a $ref in {path} to {target:?}"))
}

/// Points some `$ref` of the case at `target` (relative to `tree/`) plus
/// `pointer`, or turns a `type:` line into such a `$ref`, so that added files
/// are actually reached.
pub fn graft_ref(case: &mut Case, rng: &mut Rng, target: &str, pointer: &str) -> Option<String> {
    let with_refs: Vec<String> = case
        .text_paths()
        .into_iter()
        .filter(|p| p != target)
        .filter(|p| {
            case.text_mut(p)
                .is_some_and(|b| !text::ref_value_spans(b).is_empty())
        })
        .collect();
    if !with_refs.is_empty() && rng.below(3) > 0 {
        let path = rng.pick(&with_refs).clone();
        let value = quote(&format!("{}{pointer}", text::relative_ref(&path, target)));
        let bytes = case.text_mut(&path)?;
        let spans = text::ref_value_spans(bytes);
        let (start, end) = *rng.pick(&spans);
        bytes.splice(start..end, value.into_bytes());
        return Some(path);
    }
    let (path, bytes, found) = pick_lines(case, rng, |l| l.starts_with("type:"))?;
    let index = *rng.pick(&found);
    let indent = text::indent_of(&text::lines(bytes)[index]);
    let value = quote(&format!("{}{pointer}", text::relative_ref(&path, target)));
    let line = format!("{}$ref: {value}\n", " ".repeat(indent));
    text::replace_line(bytes, index, line.as_bytes());
    Some(path)
}

fn hostile_operation_id(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes, found) = pick_lines(case, rng, |l| l.starts_with("operationId:"))?;
    let all_of_them = rng.one_in(3);
    let mut names = Vec::new();
    for (n, index) in found.iter().enumerate() {
        if !all_of_them && n > 0 {
            break;
        }
        let index = if all_of_them {
            *index
        } else {
            *rng.pick(&found)
        };
        let name = *rng.pick(HOSTILE_NAMES);
        let indent = text::indent_of(&text::lines(bytes)[index]);
        let line = format!("{}operationId: {}\n", " ".repeat(indent), quote(name));
        text::replace_line(bytes, index, line.as_bytes());
        names.push(name);
    }
    Some(format!("operationId(s) {names:?} in {path}"))
}

fn is_path_key(line: &str) -> bool {
    let key = line.trim_end();
    (key.starts_with('/') || key.starts_with("\"/") || key.starts_with("'/")) && key.ends_with(':')
}

fn hostile_path(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes, found) = pick_lines(case, rng, is_path_key)?;
    let index = *rng.pick(&found);
    let template = *rng.pick(HOSTILE_PATHS);
    let all = text::lines(bytes);
    let indent = text::indent_of(&all[index]);
    let key = format!("{}{}:\n", " ".repeat(indent), quote(template));
    if rng.one_in(3) {
        // A twin of the whole path item under a second template of the same shape.
        let end = (index + 1..all.len())
            .find(|&i| {
                text::indent_of(&all[i]) <= indent && !all[i].iter().all(u8::is_ascii_whitespace)
            })
            .unwrap_or(all.len());
        let twin_key = format!(
            "{}{}:\n",
            " ".repeat(indent),
            quote(&template.replace('x', "y"))
        );
        let mut block = vec![twin_key.into_bytes()];
        block.extend_from_slice(&all[index + 1..end]);
        let mut all = all;
        all.splice(end..end, block);
        all[index] = key.into_bytes();
        *bytes = all.concat();
        return Some(format!("path {template:?} and its twin in {path}"));
    }
    text::replace_line(bytes, index, key.as_bytes());
    Some(format!("path {template:?} in {path}"))
}

fn hostile_description(case: &mut Case, rng: &mut Rng) -> Option<String> {
    let (path, bytes, found) = pick_lines(case, rng, |l| {
        l.starts_with("description:") || l.starts_with("summary:") || l.starts_with("title:")
    })?;
    let index = *rng.pick(&found);
    let line = String::from_utf8_lossy(&text::lines(bytes)[index]).into_owned();
    let key = line
        .trim_start()
        .split(':')
        .next()
        .unwrap_or("description")
        .to_owned();
    let said = *rng.pick(HOSTILE_TEXTS);
    let new = format!(
        "{}{key}: {}\n",
        " ".repeat(text::indent_of(line.as_bytes())),
        quote(said)
    );
    text::replace_line(bytes, index, new.as_bytes());
    Some(format!("{key} {said:?} in {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Entry;

    fn case_with(text: &str) -> Case {
        let mut case = Case::new("canarysecret".into());
        case.files
            .insert("api/a.yaml".into(), Entry::File(text.as_bytes().to_vec()));
        case
    }

    fn text_of(case: &Case) -> String {
        match &case.files["api/a.yaml"] {
            Entry::File(b) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_mutator_changes_a_spec_that_has_its_target() {
        let spec =
            "paths:\n  /a/{b}:\n    get:\n      operationId: getA\n      description: d\n      \
                    responses: {200: {description: ok, schema: {$ref: \"#/definitions/X\"}}}\n";
        for (index, (_, mutator, _)) in TEXT_MUTATORS.iter().enumerate() {
            let changed = (0..20).any(|seed| {
                let mut case = case_with(spec);
                let label = mutator(&mut case, &mut Rng::new(seed));
                label.is_some() && text_of(&case) != spec
            });
            assert!(changed, "mutator {index} never changed the spec");
        }
    }

    #[test]
    fn targeted_mutators_decline_texts_without_their_target() {
        let mut case = case_with("a: 1\n");
        let mut rng = Rng::new(3);
        assert_eq!(retarget_ref(&mut case, &mut rng), None);
        assert_eq!(hostile_operation_id(&mut case, &mut rng), None);
        assert_eq!(hostile_path(&mut case, &mut rng), None);
        assert_eq!(text_of(&case), "a: 1\n");
    }

    #[test]
    fn graft_turns_a_type_into_a_ref() {
        let mut case = case_with("x:\n  type: object\n");
        graft_ref(&mut case, &mut Rng::new(1), "api/deep.yaml", "#/D0").unwrap();
        assert_eq!(text_of(&case), "x:\n  $ref: \"deep.yaml#/D0\"\n");
    }
}
