//! Phase 6: print the IR as a Rust crate.
//!
//! Each API becomes a module with `types` (always), `metadata` (always),
//! `server` (feature `server`) and `client` (feature `client`). The crate's
//! `runtime` module is fixed support code shipped with the generator.

mod client;
mod doc_table;
mod docs;
mod events;
mod format;
mod gates;
mod manifest;
mod metadata;
mod server;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::diag::Result;
use crate::ir::events::EventsIr;
use crate::ir::types::Ty;
use crate::ir::ApiIr;
use crate::parallel;
pub use doc_table::{collect as collect_docs, DocTable};
pub(crate) use docs::{docs, op_docs};
pub use format::render;

/// What the emitted crate is called and where its input came from.
#[derive(Clone, Debug)]
pub struct CrateOptions {
    pub name: String,
    pub version: String,
    /// Shown in the `@generated` header of every file.
    pub source: String,
}

const RUNTIME: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("error.rs", include_str!("../../runtime/error.rs")),
    ("ids.rs", include_str!("../../runtime/ids.rs")),
    ("server.rs", include_str!("../../runtime/server.rs")),
    ("serve.rs", include_str!("../../runtime/serve.rs")),
    ("validate.rs", include_str!("../../runtime/validate.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    (
        "client_error.rs",
        include_str!("../../runtime/client_error.rs"),
    ),
    ("lenient.rs", include_str!("../../runtime/lenient.rs")),
    ("id_or_json.rs", include_str!("../../runtime/id_or_json.rs")),
    ("object.rs", include_str!("../../runtime/object.rs")),
    (
        "event_parts.rs",
        include_str!("../../runtime/event_parts.rs"),
    ),
    ("open_enum.rs", include_str!("../../runtime/open_enum.rs")),
    ("versions.rs", include_str!("../../runtime/versions.rs")),
];

/// The files of one API's module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiFile {
    Mod,
    Types,
    Metadata,
    Server,
    Client,
}

impl ApiFile {
    /// In the order the crate lists them.
    pub const ALL: [ApiFile; 5] = [
        ApiFile::Mod,
        ApiFile::Types,
        ApiFile::Metadata,
        ApiFile::Server,
        ApiFile::Client,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ApiFile::Mod => "mod.rs",
            ApiFile::Types => "types.rs",
            ApiFile::Metadata => "metadata.rs",
            ApiFile::Server => "server.rs",
            ApiFile::Client => "client.rs",
        }
    }

    /// The file's code, unformatted.
    pub fn emit(self, api: &ApiIr) -> TokenStream {
        match self {
            ApiFile::Mod => api_mod(api),
            ApiFile::Types => types::emit(api),
            ApiFile::Metadata => metadata::emit(api),
            ApiFile::Server => server::emit(api),
            ApiFile::Client => client::emit(api),
        }
    }

    /// Roughly how much code the file holds, to start the largest first:
    /// types, server and client grow with the API, the rest stays small.
    fn weight(self, api: &ApiIr) -> usize {
        let operations: usize = api.areas.iter().map(|a| a.operations.len()).sum();
        match self {
            ApiFile::Mod => 0,
            ApiFile::Metadata => operations,
            ApiFile::Types => 4 * api.types.len(),
            ApiFile::Server => 8 * operations,
            ApiFile::Client => 5 * operations,
        }
    }
}

/// One Rust file of the crate to emit and format.
#[derive(Clone, Copy)]
enum Job<'a> {
    Events(&'a EventsIr),
    Api(&'a ApiIr, ApiFile),
}

impl Job<'_> {
    fn path(self) -> String {
        match self {
            Job::Events(_) => "src/events.rs".to_owned(),
            Job::Api(api, file) => format!("src/{}/{}", api.module, file.name()),
        }
    }

    fn emit(self) -> TokenStream {
        match self {
            Job::Events(ir) => events::emit(ir),
            Job::Api(api, file) => file.emit(api),
        }
    }

    fn weight(self) -> usize {
        match self {
            Job::Events(ir) => 4 * ir.types.len(),
            Job::Api(api, file) => file.weight(api),
        }
    }
}

/// Every file of the crate: relative path and content.
///
/// Each Rust file is emitted and formatted by one job, on one thread (token
/// streams cannot cross threads), and the jobs share the cores: formatting is
/// most of the work of generating.
pub fn emit_crate(
    apis: &[ApiIr],
    events: Option<&EventsIr>,
    releases: &[String],
    options: &CrateOptions,
) -> Result<Vec<(String, String)>> {
    let header = header(options);
    let mut files = vec![
        (
            "Cargo.toml".to_owned(),
            manifest::cargo_toml(options, apis, events.is_some()),
        ),
        (
            "src/lib.rs".to_owned(),
            format!(
                "{header}{}",
                lib_rs(apis, events.is_some(), releases, options)
            ),
        ),
    ];
    for (name, text) in RUNTIME {
        files.push((format!("src/runtime/{name}"), format!("{header}{text}")));
    }
    let jobs: Vec<Job> = events
        .map(Job::Events)
        .into_iter()
        .chain(
            apis.iter()
                .flat_map(|api| ApiFile::ALL.map(|file| Job::Api(api, file))),
        )
        .collect();
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].weight()));
    let rendered = parallel::map_ordered(jobs.clone(), &order, |job| {
        let (tokens, docs) = collect_docs(|| job.emit());
        render(&header, tokens, &docs)
    });
    for (job, text) in jobs.iter().zip(rendered) {
        files.push((job.path(), text?));
    }
    Ok(files)
}

/// The `@generated` line every Rust file starts with (`Cargo.toml` carries
/// its own, as a TOML comment).
pub fn header(options: &CrateOptions) -> String {
    format!(
        "// @generated by matrix-codegen from {}. Do not edit: regenerate instead.\n\n",
        options.source
    )
}

/// Written as text in rustfmt's style: `cargo fmt` must find nothing to change
/// in it, and the modules below are marked so that it leaves them alone too
/// (they are prettyplease's output, which the drift check compares byte for byte).
fn lib_rs(apis: &[ApiIr], events: bool, releases: &[String], options: &CrateOptions) -> String {
    let mut text = format!(
        "//! Matrix API bindings generated from {}.\n//!\n\
         //! Every API of the spec is a module with `types` and `metadata`, plus `server`\n\
         //! (axum traits and a router, feature `server`) and `client` (reqwest, feature\n\
         //! `client`). Shared support code is in [`runtime`].\n//!\n\
         //! Each area of an API (a file of the spec) is a feature of its own\n\
         //! (`client-server-sync`): its operations and the types they reach. A feature\n\
         //! per API turns on its areas, `all-areas` every API (the default).\n{}\n\
         #![deny(warnings)]\n#![forbid(unsafe_code)]\n\n#[rustfmt::skip]\npub mod runtime;\n",
        options.source,
        if events {
            "//!\n//! [`events`] is the feature `events`, which the areas whose operations\n\
             //! carry events turn on.\n"
        } else {
            ""
        }
    );
    let releases: Vec<String> = releases.iter().map(|r| format!("{r:?}")).collect();
    text.push_str(&format!(
        "\n/// The releases of the spec this crate was made from, oldest first; empty\n\
         /// for a crate made from one spec tree. Clients call each operation on its\n\
         /// path in the newest of them the server speaks.\n\
         pub const RELEASES: &[&str] = &[{}];\n",
        releases.join(", ")
    ));
    if events {
        text.push_str("\n#[cfg(feature = \"events\")]\n#[rustfmt::skip]\npub mod events;\n");
    }
    for api in apis {
        text.push_str(&format!(
            "\n/// {}.\n#[rustfmt::skip]\npub mod {};\n",
            api.title, api.module
        ));
    }
    text
}

fn api_mod(api: &ApiIr) -> TokenStream {
    let doc = format!(" {}", api.title);
    quote! {
        #![doc = #doc]

        pub mod metadata;
        pub mod types;

        #[cfg(feature = "client")]
        pub mod client;
        #[cfg(feature = "server")]
        pub mod server;
    }
}

/// The words syn will not read as an identifier: the keywords, reserved ones
/// included, and `_`. Looked up here rather than asking syn to parse each
/// name, which is a good part of the cost of emitting (a test keeps the two in step).
const NOT_IDENTS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The IR hands out legal names only (see [`crate::names`]); a name that is
/// not one anyway becomes a mangled name in the output rather than a panic here.
pub(crate) fn ident(name: &str) -> Ident {
    let plain = |text: &str| {
        !text.is_empty()
            && !text.starts_with(|c: char| c.is_ascii_digit())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match name.strip_prefix("r#") {
        Some(bare) if plain(bare) && !matches!(bare, "self" | "Self" | "crate" | "super") => {
            Ident::new_raw(bare, Span::call_site())
        }
        None if plain(name) && !NOT_IDENTS.contains(&name) => Ident::new(name, Span::call_site()),
        _ => {
            let legal: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            Ident::new(&format!("_{legal}"), Span::call_site())
        }
    }
}

/// The Rust type of a body, as code outside the crate writes it.
pub fn type_path(ty: &Ty, crate_name: &str, module: &str) -> String {
    let scope: TokenStream = format!("{crate_name}::{module}::types::")
        .parse()
        .expect("a module path parses");
    // Runtime, identifier and event types are written `crate::...` inside the crate.
    ty_tokens(ty, &scope)
        .to_string()
        .replace("crate ::", &format!("{crate_name} ::"))
}

/// The Rust type for `ty`; named types are written `#scope Name`.
pub(crate) fn ty_tokens(ty: &Ty, scope: &TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(serde_json::Value),
        Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Bytes => quote!(crate::runtime::Binary),
        Ty::Id(kind) => {
            let name = ident(kind.type_name());
            quote!(crate::runtime::ids::#name)
        }
        Ty::EventContent | Ty::EventContentBody => quote!(crate::events::EventContent),
        Ty::Lenient(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(crate::runtime::Lenient<#inner>)
        }
        Ty::Unit => quote!(()),
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(Option<#inner>)
        }
        Ty::Named(name) => {
            let name = ident(name);
            quote!(#scope #name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NOT_IDENTS;

    #[test]
    fn the_words_refused_as_identifiers_are_the_ones_syn_refuses() {
        for word in NOT_IDENTS {
            assert!(syn::parse_str::<syn::Ident>(word).is_err(), "{word}");
        }
        // Keywords of later editions (`gen`) and weak ones syn reads as identifiers.
        for word in [
            "gen",
            "union",
            "raw",
            "safe",
            "macro_rules",
            "auto",
            "r",
            "__",
            "a_b",
        ] {
            assert!(syn::parse_str::<syn::Ident>(word).is_ok(), "{word}");
        }
    }
}
