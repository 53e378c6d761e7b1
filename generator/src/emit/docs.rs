//! Rustdoc from the spec's prose: Hugo shortcodes turned into Markdown, list
//! continuations kept in their item, fences marked `text`, bare URLs linked.

use proc_macro2::TokenStream;

use super::doc_table::doc_tokens;

/// Rustdoc attributes for a spec text. Fenced blocks without a language are
/// marked `text` so that rustdoc does not take them for Rust.
pub(crate) fn docs(text: &str) -> TokenStream {
    let text = text.trim();
    if text.is_empty() {
        return TokenStream::new();
    }
    let mut in_fence = false;
    // The indentation that continues the current list item, if in one.
    let mut list_indent: Option<usize> = None;
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut line = shortcodes(line.trim_end());
        if !in_fence {
            line = angle_bare_urls(&absolute_spec_links(&line));
        }
        if line.trim_start().starts_with("```") {
            if !in_fence && line.trim_start() == "```" {
                line = line.replacen("```", "```text", 1);
            }
            in_fence = !in_fence;
        } else if !in_fence {
            if line.trim().is_empty() {
                list_indent = None;
            } else if let Some(marker) = list_marker(&line) {
                list_indent = Some(marker);
            } else if let Some(indent) = list_indent {
                // A wrapped list item: indent it so Markdown keeps it in the item.
                if !line.starts_with(' ') {
                    line = format!("{}{line}", " ".repeat(indent));
                }
            }
        }
        let line = if line.is_empty() {
            line
        } else {
            format!(" {line}")
        };
        lines.push(line);
    }
    doc_tokens(lines)
}

/// The spec links its own pages by path (`](/client-server-api/#sync)`,
/// `](appendices#room-aliases)`), which rustdoc would take for intra-doc
/// links or resolve against docs.rs; they point at the published spec instead.
fn absolute_spec_links(line: &str) -> String {
    const SPEC: &str = "https://spec.matrix.org/latest/";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let (before, after) = rest.split_at(at + 2);
        out.push_str(before);
        let relative = after.starts_with('/')
            || (after.starts_with(|c: char| c.is_ascii_alphabetic())
                && after
                    .find(')')
                    .is_some_and(|end| !after[..end].contains(':')));
        if relative {
            out.push_str(SPEC);
            rest = after.trim_start_matches('/');
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Wraps URLs written bare in prose (`"https://example.org/terms.html"`) in
/// `<...>`, which rustdoc links; bare, they are a `rustdoc::bare_urls` warning.
/// URLs already in a link, in angle brackets or in inline code are left alone.
fn angle_bare_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(start) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| rest.find(scheme))
        .min()
    {
        let before = &rest[..start];
        out.push_str(before);
        let in_code = (out.matches('`').count() % 2) == 1;
        let linked = before.ends_with(['<', '(', '[', '`']);
        let url_len = rest[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | ']' | '`'))
            .unwrap_or(rest.len() - start);
        let url = rest[start..start + url_len].trim_end_matches(['.', ',', ';', ':']);
        if in_code || linked {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &rest[start + url.len()..];
    }
    out.push_str(rest);
    out
}

/// The width of a list item's marker (`- `, `* `, `1. `), if `line` starts one.
fn list_marker(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    if rest.starts_with("- ") || rest.starts_with("* ") {
        return Some(indent + 2);
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && rest[digits..].starts_with(". ")).then_some(indent + digits + 2)
}

/// The spec's Hugo shortcodes, as Markdown.
fn shortcodes(line: &str) -> String {
    let trimmed = line.trim();
    if trimmed.len() < 6 || !(trimmed.starts_with("{{%") && trimmed.ends_with("%}}")) {
        return line.to_owned();
    }
    let inner = trimmed[3..trimmed.len() - 3].trim();
    let version = inner
        .split('"')
        .nth(1)
        .map(|v| v.trim_start_matches('v').to_owned())
        .unwrap_or_default();
    match inner.split_whitespace().next().unwrap_or_default() {
        "boxes/note" => "**Note:**".to_owned(),
        "boxes/warning" => "**Warning:**".to_owned(),
        "boxes/rationale" => "**Rationale:**".to_owned(),
        "added-in" => format!("**Added in v{version}.**"),
        "changed-in" => format!("**Changed in v{version}:**"),
        closing if closing.starts_with('/') => String::new(),
        _ => line.to_owned(),
    }
}

/// Operation docs: summary, then description, then the route (`POST /path`).
pub(crate) fn op_docs(
    summary: Option<&str>,
    description: Option<&str>,
    route: &str,
) -> TokenStream {
    let summary = summary.map(str::trim).filter(|s| !s.is_empty());
    let description = description.map(str::trim).filter(|s| !s.is_empty());
    let text = match (summary, description) {
        (Some(s), Some(d)) if d.starts_with(s) => d.to_owned(),
        (Some(s), Some(d)) => format!("{s}\n\n{d}"),
        (Some(s), None) => s.to_owned(),
        (None, Some(d)) => d.to_owned(),
        (None, None) => String::new(),
    };
    if text.is_empty() {
        docs(route)
    } else {
        docs(&format!("{text}\n\n{route}"))
    }
}

#[cfg(test)]
mod tests {
    use super::{absolute_spec_links, angle_bare_urls};

    #[test]
    fn spec_paths_become_links_to_the_published_spec() {
        assert_eq!(
            absolute_spec_links(
                "see [sync](/client-server-api/#sync) and [alias](appendices#room-aliases)."
            ),
            "see [sync](https://spec.matrix.org/latest/client-server-api/#sync) and \
             [alias](https://spec.matrix.org/latest/appendices#room-aliases)."
        );
        let untouched = "[a](https://example.org) [b](#anchor) [c](mailto:x@example.org)";
        assert_eq!(absolute_spec_links(untouched), untouched);
    }

    #[test]
    fn bare_urls_are_put_in_angle_brackets_and_others_left_alone() {
        assert_eq!(
            angle_bare_urls("if this was \"https://example.org/terms.html\", then"),
            "if this was \"<https://example.org/terms.html>\", then"
        );
        assert_eq!(
            angle_bare_urls("see https://spec.matrix.org."),
            "see <https://spec.matrix.org>."
        );
        for kept in [
            "[spec](https://spec.matrix.org)",
            "<https://a.b/c>",
            "`https://a.b/c`",
            "`GET https://a.b/c`",
        ] {
            assert_eq!(angle_bare_urls(kept), kept);
        }
    }
}
