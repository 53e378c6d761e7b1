//! Errors and warnings about the user's spec, rendered like rustc's: a headline,
//! the `file:line:column` and JSON pointer, and the source line with a caret.

use std::fmt;
use std::sync::Arc;

use crate::node::Origin;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub origin: Option<Arc<Origin>>,
    /// Further places that explain the problem, such as the other half of a collision.
    pub related: Vec<(String, Arc<Origin>)>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, origin: &Arc<Origin>) -> Self {
        Self::new(Severity::Error, message, Some(origin.clone()))
    }

    pub fn warning(message: impl Into<String>, origin: &Arc<Origin>) -> Self {
        Self::new(Severity::Warning, message, Some(origin.clone()))
    }

    /// An error that belongs to no place in a spec file (a missing input directory, say).
    pub fn general(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message, None)
    }

    fn new(severity: Severity, message: impl Into<String>, origin: Option<Arc<Origin>>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            origin,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn with_related(mut self, label: impl Into<String>, origin: &Arc<Origin>) -> Self {
        self.related.push((label.into(), origin.clone()));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        if let Some(origin) = &self.origin {
            write_snippet(f, origin, None)?;
        }
        for (note, origin) in &self.related {
            write_snippet(f, origin, Some(note))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

fn write_snippet(f: &mut fmt::Formatter<'_>, origin: &Origin, note: Option<&str>) -> fmt::Result {
    let pointer = if origin.pointer.is_empty() {
        "#".to_owned()
    } else {
        format!("#{}", origin.pointer)
    };
    writeln!(
        f,
        "  --> {}:{}:{} at {pointer}",
        origin.file.display, origin.line, origin.column
    )?;
    let Some(source_line) = origin
        .file
        .text
        .lines()
        .nth(origin.line.saturating_sub(1) as usize)
    else {
        return Ok(());
    };
    let number = origin.line.to_string();
    let gutter = " ".repeat(number.len());
    let (shown, caret_column) = clip(source_line, origin.column.saturating_sub(1) as usize);
    let caret_pad: String = shown
        .chars()
        .take(caret_column)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    writeln!(f, "{gutter} |")?;
    writeln!(f, "{number} | {shown}")?;
    match note {
        Some(note) => writeln!(f, "{gutter} | {caret_pad}^ {note}"),
        None => writeln!(f, "{gutter} | {caret_pad}^"),
    }
}

/// Characters of a source line shown on each side of the caret.
const CONTEXT_CHARS: usize = 100;

/// A long source line (minified JSON, say) cut to the part around `column`
/// (counted in characters), with `…` where it was cut; and the caret's column in the cut.
fn clip(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= 2 * CONTEXT_CHARS {
        return (line.to_owned(), column);
    }
    let column = column.min(chars.len());
    let start = column.saturating_sub(CONTEXT_CHARS);
    let end = (column + CONTEXT_CHARS).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column - start + usize::from(start > 0))
}

/// Collects warnings while a phase runs; errors end the phase at once instead.
#[derive(Default, Debug)]
pub struct Warnings(pub Vec<Diagnostic>);

impl Warnings {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }
}

pub type Result<T, E = Box<Diagnostic>> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn long_lines_are_clipped_around_the_column() {
        let line = format!("{}X{}", "a".repeat(20_000), "b".repeat(20_000));
        let (shown, caret) = clip(&line, 20_000);
        assert!(shown.chars().count() <= 203, "{}", shown.len());
        assert_eq!(shown.chars().nth(caret), Some('X'));
        assert_eq!(clip("short", 2), ("short".to_owned(), 2));
    }
}
