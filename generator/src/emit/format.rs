//! A file's tokens as formatted Rust: prettyplease for the code, with the
//! doc blocks put back (`doc_table`) and the runtime's `json_object!` and
//! `open_enum!` calls printed one entry a line, which prettyplease, not
//! knowing the macros' grammar, would run together.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::DocTable;
use crate::diag::{Diagnostic, Result};

/// Formats one file's code with prettyplease, under `header`, with the doc
/// blocks kept out of `tokens` put back.
///
/// The file is read as syn reads a `File` (inner attributes, then items), but
/// each item is printed as soon as it is read and then dropped: the syntax
/// tree of a whole file, tens of megabytes, is never held at once.
/// prettyplease prints a file's items one after the other, each on lines of
/// its own, so the pieces put together are its output for the whole file.
pub fn render(header: &str, tokens: TokenStream, docs: &DocTable) -> Result<String> {
    let print = |attrs, items| {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs,
            items,
        })
    };
    let read_and_print = |input: syn::parse::ParseStream| {
        let mut code = print(input.call(syn::Attribute::parse_inner)?, Vec::new());
        while !input.is_empty() {
            let item: syn::Item = input.parse()?;
            match &item {
                syn::Item::Macro(call) if call.ident.is_none() => {
                    match runtime_macro_call(&call.mac) {
                        Some(text) => {
                            code.push_str(&attributes(&call.attrs));
                            code.push_str(&text);
                        }
                        None => code.push_str(&print(Vec::new(), vec![item])),
                    }
                }
                _ => code.push_str(&print(Vec::new(), vec![item])),
            }
        }
        Ok(code)
    };
    let code = syn::parse::Parser::parse2(read_and_print, tokens).map_err(|e| {
        Box::new(Diagnostic::general(format!(
            "internal error: emitted code does not parse: {e}"
        )))
    })?;
    Ok(format!("{header}{}", separate_items(&docs.expand(&code))))
}

/// Outer attributes (a `#[cfg]`) as prettyplease prints them over an item.
fn attributes(attrs: &[syn::Attribute]) -> String {
    if attrs.is_empty() {
        return String::new();
    }
    let unit = syn::Item::Struct(syn::parse_quote!(#(#attrs)* struct S;));
    let text = prettyplease::unparse(&syn::File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![unit],
    });
    text.strip_suffix("struct S;\n").unwrap_or(&text).to_owned()
}

/// A call of the runtime's `json_object!` or `open_enum!`, one field or
/// variant a line:
///
/// ```text
/// crate::runtime::json_object! {
///     Name {
///         field: required,
///         r#type: optional "type",
///         ..extra
///     }
/// }
/// ```
///
/// `None` for any other macro or delimiter, or tokens of another shape.
fn runtime_macro_call(call: &syn::Macro) -> Option<String> {
    let path: Vec<String> = call
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let braces = matches!(call.delimiter, syn::MacroDelimiter::Brace(_));
    let ours = ["json_object", "open_enum"].map(|name| ["crate", "runtime", name]);
    if !ours.iter().any(|ours| path == ours) || !braces {
        return None;
    }
    let mut tokens = call.tokens.clone().into_iter();
    let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(fields)), None) =
        (tokens.next(), tokens.next(), tokens.next())
    else {
        return None;
    };
    if fields.delimiter() != Delimiter::Brace {
        return None;
    }
    let mut out = format!("{}! {{\n    {name} {{\n", path.join("::"));
    let mut entry = String::new();
    let mut end_entry = |entry: &mut String, comma: &str| {
        if !entry.is_empty() {
            out.push_str(&format!("        {entry}{comma}\n"));
            entry.clear();
        }
    };
    for token in fields.stream() {
        match token {
            TokenTree::Punct(p) if p.as_char() == ',' => end_entry(&mut entry, ","),
            TokenTree::Punct(p) if matches!(p.as_char(), ':' | '.') => entry.push(p.as_char()),
            TokenTree::Group(_) => return None,
            other => {
                if !entry.is_empty() && !entry.ends_with('.') {
                    entry.push(' ');
                }
                entry.push_str(&other.to_string());
            }
        }
    }
    end_entry(&mut entry, "");
    out.push_str("    }\n}\n");
    Some(out)
}

/// prettyplease writes top-level items back to back; a blank line between
/// them reads like hand-written code.
fn separate_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 20);
    let mut previous = "";
    for line in code.lines() {
        // A doc line may end in `;` too: only code ends an item.
        let top_level = !previous.starts_with([' ', '/']);
        let item_ended =
            previous == "}" || (top_level && (previous.ends_with(';') || previous.ends_with("{}")));
        let after_module_docs = (previous.starts_with("//!") && !line.starts_with("//!"))
            || (previous.starts_with("#![") && !line.starts_with("#!["));
        let starts_item = !line.starts_with(' ') && !line.is_empty() && line != "}";
        let same_kind_use = previous.starts_with("use ") && line.starts_with("use ");
        if starts_item && (item_ended || after_module_docs) && !same_kind_use {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line;
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::{render, separate_items};
    use crate::emit::DocTable;

    #[test]
    fn a_json_object_call_is_printed_one_field_a_line() {
        let tokens = quote! {
            pub struct S { pub a: u8 }
            crate::runtime::json_object! {
                S { a: required, r#type: optional "type", ..extra }
            }
            crate::runtime::json_object!(S { a: required });
            #[cfg(feature = "f")]
            crate::runtime::open_enum! { E { A = "a", } }
        };
        let code = render("", tokens, &DocTable::default()).unwrap();
        assert_eq!(
            code,
            "pub struct S {\n    pub a: u8,\n}\n\ncrate::runtime::json_object! {\n    S {\n        \
             a: required,\n        r#type: optional \"type\",\n        ..extra\n    }\n}\n\n\
             crate::runtime::json_object!(S { a : required });\n\n\
             #[cfg(feature = \"f\")]\ncrate::runtime::open_enum! {\n    E {\n        A = \"a\",\n    }\n}\n"
        );
    }

    #[test]
    fn items_are_separated_but_doc_comments_are_not_split() {
        let code = "use a::b;\nuse c::d;\nconst X: u8 = 1;\n/// A doc line that ends in code;\n/// and goes on.\nstruct S;\nfn f() {}\n";
        assert_eq!(
            separate_items(code),
            "use a::b;\nuse c::d;\n\nconst X: u8 = 1;\n\n/// A doc line that ends in code;\n/// and goes on.\nstruct S;\n\nfn f() {}\n"
        );
    }
}
