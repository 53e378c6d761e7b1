//! Reads the Matrix API specification as published and emits a Rust crate.
//!
//! The phases run in this order, each a module with one job, data flowing one way:
//! [`load`] -> [`resolve`] -> [`normalize`] -> [`convert`] (the [`model`]) -> [`ir`] ->
//! [`emit`] -> [`write`]. [`bundle`] writes the model out for other tools.
pub mod bundle;
pub mod convert;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod model;
pub mod names;
pub mod node;
pub mod normalize;
pub mod resolve;
pub mod write;

use std::path::PathBuf;

use diag::{Diagnostic, Warnings};
use model::Api;
pub use normalize::Placeholders;

/// What to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// A spec directory (every API root below it) or a single API root file.
    pub input: PathBuf,
    /// Where `$ref`s may reach; the input directory when `None`.
    pub root: Option<PathBuf>,
    pub placeholders: Placeholders,
}

/// Every API found under the input, in the one model, and the warnings met on the way.
#[derive(Debug)]
pub struct Spec {
    pub apis: Vec<Api>,
    pub warnings: Vec<Diagnostic>,
}

/// Runs load, resolve, normalize and convert over the input.
pub fn read_spec(options: &ReadOptions) -> Result<Spec, Box<Diagnostic>> {
    let mut loader = load::Loader::new(&options.input, options.root.as_deref())?;
    let sources = loader.discover(&options.input)?;
    let mut warnings = Warnings::default();
    let mut resolved_apis = Vec::with_capacity(sources.len());
    let mut tree_schemes = indexmap::IndexMap::new();
    for source in &sources {
        let roots: Vec<_> = source
            .roots
            .iter()
            .map(|(_, doc)| doc.root.clone())
            .collect();
        let resolved = resolve::resolve_api(&mut loader, &roots)?;
        for (root, (dialect, _)) in resolved.roots.iter().zip(&source.roots) {
            normalize::collect_security_schemes(root, *dialect, &mut tree_schemes);
        }
        resolved_apis.push(resolved);
    }
    let mut apis = Vec::with_capacity(sources.len());
    for (source, resolved) in sources.iter().zip(resolved_apis) {
        let dialects: Vec<_> = source.roots.iter().map(|(d, _)| *d).collect();
        let normalized = normalize::normalize(
            &source.name,
            &dialects,
            resolved,
            &tree_schemes,
            &options.placeholders,
            &mut warnings,
        )?;
        apis.push(convert::convert(normalized, &mut warnings)?);
    }
    Ok(Spec {
        apis,
        warnings: warnings.0,
    })
}

/// Builds the IR of every API and emits the crate's files (relative path, content).
pub fn generate(
    spec: &Spec,
    options: &emit::CrateOptions,
) -> Result<Vec<(String, String)>, Box<Diagnostic>> {
    let apis: Vec<ir::ApiIr> = spec.apis.iter().map(ir::build).collect();
    emit::emit_crate(&apis, options)
}
