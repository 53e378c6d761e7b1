//! Doc comments kept out of the token stream while a file is formatted.
//!
//! Doc text is two fifths of the emitted code, and the dearest part to
//! format: each line would be escaped into a string literal, parsed back by
//! syn as an attribute and unescaped again by prettyplease, only to come out
//! as `/// line`. So while a file is emitted ([`collect`]), each doc block goes
//! into a table and the tokens carry one short marker attribute in its place;
//! prettyplease prints the marker as a `///` line at the block's indentation,
//! and [`DocTable::expand`] writes the block there, line by line, exactly as
//! prettyplease prints a doc attribute (trailing spaces trimmed). Nothing
//! around it moves: a doc comment always has its lines to itself.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// Starts a marker; the spec's prose, which may hold any character, never
/// reaches the formatted code as a marker: it is all in the table.
const MARK: char = '\u{1}';

thread_local! {
    /// The blocks of the file being emitted on this thread, while [`collect`] runs.
    static COLLECTING: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// The doc blocks of one file, by marker number.
#[derive(Debug, Default)]
pub struct DocTable(Vec<Vec<String>>);

/// Runs `emit` on this thread, taking the doc blocks it makes into a table.
pub fn collect<R>(emit: impl FnOnce() -> R) -> (R, DocTable) {
    let outer = COLLECTING.replace(Some(Vec::new()));
    let emitted = emit();
    let blocks = COLLECTING.replace(outer).unwrap_or_default();
    (emitted, DocTable(blocks))
}

/// The tokens of a doc block (one line each): a marker while a table is
/// collecting, else the `#[doc]` attributes themselves.
pub(super) fn doc_tokens(lines: Vec<String>) -> TokenStream {
    COLLECTING.with_borrow_mut(|table| match table {
        Some(blocks) => {
            let marker = format!("{MARK}{}", blocks.len());
            blocks.push(lines);
            quote! { #[doc = #marker] }
        }
        None => quote! { #(#[doc = #lines])* },
    })
}

impl DocTable {
    /// `code` (prettyplease's output) with each marker line replaced by its block.
    pub fn expand(&self, code: &str) -> String {
        if self.0.is_empty() {
            return code.to_owned();
        }
        let marker = format!("///{MARK}");
        let extra: usize = self.0.iter().flatten().map(|line| line.len() + 16).sum();
        let mut out = String::with_capacity(code.len() + extra);
        for line in code.split_inclusive('\n') {
            // prettyplease starts a doc comment on a line of its own.
            let text = line.trim_start_matches(' ');
            let block = text.strip_prefix(&marker).and_then(|number| {
                let indent = &line[..line.len() - text.len()];
                Some((
                    indent,
                    self.0.get(number.trim_end().parse::<usize>().ok()?)?,
                ))
            });
            let Some((indent, block)) = block else {
                out.push_str(line);
                continue;
            };
            for doc in block {
                out.push_str(indent);
                out.push_str("///");
                out.push_str(doc.trim_end_matches(' '));
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::{collect, DocTable};
    use crate::emit::{docs, render};

    fn sample() -> TokenStream {
        let outer =
            docs("A type.\n\nWith a list:\n- one\n  wrapped\n\n```\nlet x = \"\\u{1}0\";\n```");
        let field = docs("A field, \"quoted\", with a `\\` and é.");
        quote! {
            #outer
            pub struct S { #field pub f: u8 }
            impl S { #outer pub fn g() {} }
        }
    }

    #[test]
    fn blocks_put_back_read_as_prettyplease_prints_the_attributes() {
        let plain = render("", sample(), &DocTable::default()).unwrap();
        let (tokens, table) = collect(sample);
        assert_eq!(render("", tokens, &table).unwrap(), plain);
        assert!(plain.contains("\n    /// A field, \"quoted\", with a `\\` and é.\n"));
        assert!(plain.contains("\n    /// ```text\n"));
    }
}
