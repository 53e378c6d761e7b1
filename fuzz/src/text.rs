//! Line and `$ref` surgery on spec texts, shared by the mutators.

/// Splits after each `\n`, keeping it, so joining the pieces gives the text back.
pub fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Indices of the lines whose text, leading blanks removed, satisfies `keep`.
pub fn matching_lines(bytes: &[u8], keep: impl Fn(&str) -> bool) -> Vec<usize> {
    lines(bytes)
        .iter()
        .enumerate()
        .filter(|(_, l)| keep(String::from_utf8_lossy(l).trim_start()))
        .map(|(i, _)| i)
        .collect()
}

pub fn indent_of(line: &[u8]) -> usize {
    line.iter().take_while(|b| **b == b' ').count()
}

/// Replaces line `index` with `new` (which should end with `\n`).
pub fn replace_line(bytes: &mut Vec<u8>, index: usize, new: &[u8]) {
    let mut all = lines(bytes);
    if index < all.len() {
        all[index] = new.to_vec();
    }
    *bytes = all.concat();
}

/// A YAML double-quoted scalar (also valid JSON for printable text).
pub fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Byte ranges of the values of the `$ref`s in `bytes`, quotes included.
pub fn ref_value_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"$ref") {
        let mut i = at + found + 4;
        at = i;
        while i < bytes.len() && matches!(bytes[i], b'"' | b'\'') {
            i += 1;
        }
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let start = i;
        let end = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => bytes[i + 1..]
                .iter()
                .position(|b| *b == q || *b == b'\n')
                .map_or(bytes.len(), |p| {
                    // An unterminated quote ends at the line's end, newline kept.
                    i + 1 + p + usize::from(bytes[i + 1 + p] == q)
                }),
            Some(_) => bytes[i..]
                .iter()
                .position(|b| matches!(b, b'\n' | b',' | b'}' | b']'))
                .map_or(bytes.len(), |p| i + p),
            None => continue,
        };
        if end > start {
            spans.push((start, end.min(bytes.len())));
        }
    }
    spans
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The path of `to` as written in a `$ref` of the file `from` (both relative to `tree/`).
pub fn relative_ref(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ref_values_in_every_form() {
        let text = b"a:\n  $ref: x.yaml\nb: {$ref: \"#/d\", c: 1}\n\"$ref\": 'y.json'\n";
        let values: Vec<&[u8]> = ref_value_spans(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(values, vec![&b"x.yaml"[..], b"\"#/d\"", b"'y.json'"]);
    }

    #[test]
    fn relative_refs_climb_and_descend() {
        assert_eq!(relative_ref("api/a.yaml", "api/b.yaml"), "b.yaml");
        assert_eq!(
            relative_ref("api/x/a.yaml", "defs/b.yaml"),
            "../../defs/b.yaml"
        );
        assert_eq!(relative_ref("a.yaml", "api/b.yaml"), "api/b.yaml");
    }

    #[test]
    fn lines_round_trip_and_replace() {
        let mut text = b"a\nb\nc".to_vec();
        assert_eq!(lines(&text).concat(), text);
        replace_line(&mut text, 1, b"x: 1\n");
        assert_eq!(text, b"a\nx: 1\nc");
        assert_eq!(
            matching_lines(b"  $ref: a\nb\n", |l| l.starts_with("$ref")),
            vec![0]
        );
        assert_eq!(quote("a\"\\\n\u{1}"), "\"a\\\"\\\\\\n\\x01\"");
    }
}
