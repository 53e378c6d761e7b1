//! Reads the Matrix API specification as published and emits a Rust crate.
//!
//! The phases run in this order, each a module with one job, data flowing one way:
//! [`load`] -> [`resolve`] -> [`normalize`] -> [`convert`] (the [`model`]) -> [`ir`] ->
//! [`emit`] -> [`write`]. [`bundle`] writes the model out for other tools.
//! [`events`] reads the event schemas beside the APIs, through the same
//! loader and resolver, for the crate's `events` module.
pub mod bundle;
pub mod check;
pub mod convert;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod events;
pub mod ir;
pub mod jail;
pub mod load;
pub mod model;
pub mod names;
pub mod node;
pub mod normalize;
pub mod parallel;
pub mod releases;
pub mod resolve;
pub mod routes;
pub mod timing;
pub mod write;

use std::path::PathBuf;

use diag::{Diagnostic, Warnings};
use model::Api;
use node::Node;
pub use normalize::Placeholders;

/// What to read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// A spec directory (every API root below it) or a single API root file.
    pub input: PathBuf,
    /// Where `$ref`s may reach; the input directory when `None`.
    pub root: Option<PathBuf>,
    pub placeholders: Placeholders,
    pub limits: Limits,
    /// Read a schema `$ref` to a missing file or pointer as the empty schema,
    /// with a warning, instead of stopping (old releases have one).
    pub allow_missing_refs: bool,
}

/// Budgets that keep a hostile or broken spec from exhausting the machine;
/// each exceeded one is a located error that names the flag raising it.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
    /// Deepest nesting while resolving: levels of a document plus `$ref` hops.
    pub max_depth: usize,
    /// Most nodes the resolved API may hold, counting every copy a `$ref` makes.
    pub max_nodes: usize,
    /// Longest a run may take.
    pub max_time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        // The newest published spec resolves to under 25,000 nodes, nested
        // under 32 deep, and its largest file is under 200 KB: room for every
        // release at once, while a runaway input stops within seconds.
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 2_000_000,
            max_time: std::time::Duration::from_secs(60),
        }
    }
}

/// Every API found under the input, in the one model, and the warnings met on the way.
#[derive(Debug)]
pub struct Spec {
    pub apis: Vec<Api>,
    /// The event schemas, where the tree has them under the allowed root.
    pub events: Option<events::EventSpec>,
    pub warnings: Vec<Diagnostic>,
    /// The releases merged into it, oldest first; empty for one spec tree.
    pub releases: Vec<String>,
}

/// What [`read_spec`] does once the APIs are resolved: read the event
/// schemas (with the loader, which nothing else needs any more), or
/// normalize and convert one API.
enum ReadJob<'a> {
    Events(load::Loader, resolve::Budget),
    Api(&'a (String, Vec<load::Dialect>), resolve::Resolved),
}

enum ReadDone {
    Events(Result<Option<events::EventSpec>, Box<Diagnostic>>, Warnings),
    Api(Box<Result<Api, Box<Diagnostic>>>, Warnings),
}

/// Runs load, resolve, normalize and convert over the input.
pub fn read_spec(options: &ReadOptions) -> Result<Spec, Box<Diagnostic>> {
    let mut loader = load::Loader::new(&options.input, options.root.as_deref(), &options.limits)?;
    let mut warnings = Warnings::default();
    let sources = loader.discover(&options.input, &mut warnings)?;
    warnings.0.extend(loader.take_warnings());
    timing::phase_done("load roots");
    let mut budget = resolve::Budget::new(&options.limits);
    let (resolved_apis, tree_schemes) = resolve_apis(
        &sources,
        &mut loader,
        &mut budget,
        &mut warnings,
        options.allow_missing_refs,
    )?;
    timing::phase_done("resolve (+ load refs)");
    let sources: Vec<(String, Vec<load::Dialect>)> = sources
        .into_iter()
        .map(|source| (source.name, source.roots.iter().map(|(d, _)| *d).collect()))
        .collect();
    // From here the APIs are independent: each is normalized and converted on
    // its own, with its own warnings, which are then listed in API order. The
    // event schemas are read beside them (they share the loader and its parsed
    // files with the APIs, which no longer need it), on the core the largest
    // API leaves free; their warnings come after the APIs' own.
    let jobs: Vec<ReadJob> = std::iter::once(ReadJob::Events(loader, budget))
        .chain(
            sources
                .iter()
                .zip(resolved_apis)
                .map(|(source, resolved)| ReadJob::Api(source, resolved)),
        )
        .collect();
    let done = parallel::map(jobs, |job| run_read_job(job, options, &tree_schemes));
    let spec = collect(done, warnings);
    timing::phase_done("events, normalize + convert");
    spec
}

/// Resolves each API in turn (they share the loader's parsed files and the
/// budget), and gathers the security schemes every API of the tree declares.
fn resolve_apis(
    sources: &[load::ApiSource],
    loader: &mut load::Loader,
    budget: &mut resolve::Budget,
    warnings: &mut Warnings,
    allow_missing_refs: bool,
) -> Result<(Vec<resolve::Resolved>, normalize::SecuritySchemes), Box<Diagnostic>> {
    let mut resolved_apis = Vec::with_capacity(sources.len());
    let mut tree_schemes = normalize::SecuritySchemes::new();
    for source in sources {
        let roots: Vec<&Node> = source.roots.iter().map(|(_, doc)| &doc.root).collect();
        let resolved = resolve::resolve_api(loader, &roots, budget, warnings, allow_missing_refs)?;
        warnings.0.extend(loader.take_warnings());
        for (root, (dialect, _)) in resolved.roots.iter().zip(&source.roots) {
            normalize::collect_security_schemes(root, *dialect, &mut tree_schemes);
        }
        resolved_apis.push(resolved);
    }
    Ok((resolved_apis, tree_schemes))
}

/// One job of [`read_spec`]'s parallel stretch.
fn run_read_job(
    job: ReadJob,
    options: &ReadOptions,
    tree_schemes: &normalize::SecuritySchemes,
) -> ReadDone {
    match job {
        ReadJob::Events(mut loader, mut budget) => {
            let mut event_warnings = Warnings::default();
            let events = events::read(
                &mut loader,
                &mut budget,
                &mut event_warnings,
                options.allow_missing_refs,
            );
            ReadDone::Events(events, event_warnings)
        }
        ReadJob::Api((name, dialects), resolved) => {
            let mut api_warnings = Warnings::default();
            let api = normalize::normalize(
                name,
                dialects,
                resolved,
                tree_schemes,
                &options.placeholders,
                &mut api_warnings,
            )
            .and_then(|normalized| convert::convert(normalized, &mut api_warnings));
            ReadDone::Api(Box::new(api), api_warnings)
        }
    }
}

/// The spec from the read jobs' results: the APIs in order, their warnings
/// after the tree's, the event schemas' last. The event schemas' job comes
/// first: its error, if any, is the one reported.
fn collect(done: Vec<ReadDone>, mut warnings: Warnings) -> Result<Spec, Box<Diagnostic>> {
    let mut apis = Vec::with_capacity(done.len());
    let mut events = None;
    let mut event_warnings = Warnings::default();
    for done in done {
        match done {
            ReadDone::Events(read, read_warnings) => {
                events = read?;
                event_warnings = read_warnings;
            }
            ReadDone::Api(api, api_warnings) => {
                apis.push((*api)?);
                warnings.0.extend(api_warnings.0);
            }
        }
    }
    warnings.0.extend(event_warnings.0);
    Ok(Spec {
        apis,
        events,
        releases: Vec::new(),
        warnings: warnings.0,
    })
}

/// Reads each release's tree with `options` (its input and root aside) and
/// merges them into one spec (see [`releases`]).
///
/// The releases are read side by side: one release's phases that run on
/// one core leave the other core to the next release. An error is the
/// first release's in order, whichever finished first.
pub fn read_releases(
    trees: &[releases::source::Tree],
    options: &ReadOptions,
) -> Result<Spec, Box<Diagnostic>> {
    let read = parallel::map(trees.iter().collect(), |tree| {
        let options = ReadOptions {
            input: tree.input.clone(),
            root: Some(tree.root.clone()),
            ..options.clone()
        };
        let spec = read_spec(&options).map_err(|mut error| {
            error.message = format!("{}: {}", tree.release, error.message);
            error
        })?;
        Ok((tree.release.clone(), spec))
    });
    releases::merge(
        read.into_iter()
            .collect::<Result<Vec<_>, Box<Diagnostic>>>()?,
    )
}

/// Builds the IR of every API and emits the crate's files (relative path, content).
pub fn generate(
    spec: &Spec,
    options: &emit::CrateOptions,
) -> Result<Vec<(String, String)>, Box<Diagnostic>> {
    let typed_events = spec.events.is_some();
    let mut apis: Vec<ir::ApiIr> = parallel::map(spec.apis.iter().collect(), |api| {
        ir::build_with(api, typed_events)
    });
    let events = spec.events.as_ref().map(ir::events::build);
    timing::phase_done("IR");
    // API directories whose names differ only in case or punctuation
    // (`x_self`, `x_Self`) would otherwise be one module; `runtime` is the crate's own.
    let mut modules = names::Scope::reserving(&["runtime"]);
    for api in &mut apis {
        api.module = modules.claim(&api.module, "_");
    }
    ir::features::assign(&mut apis);
    let files = emit::emit_crate(&apis, events.as_ref(), &spec.releases, options);
    timing::phase_done("emit + format");
    files
}
