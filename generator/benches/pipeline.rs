//! Times each phase of the pipeline over a whole spec tree and prints the figures.
//!
//! `cargo bench -p matrix-codegen` reads `../shared/corpus/openapi31-latest/data/api`
//! (or the tree named by `MATRIX_BENCH_TREE`, with `MATRIX_BENCH_ROOT` as its root).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use matrix_codegen::diag::Warnings;
use matrix_codegen::{convert, emit, ir, load, normalize, resolve};

const RUNS: usize = 10;

/// The allocator of the `matrix-codegen` binary, so that the figures are its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tree = std::env::var_os("MATRIX_BENCH_TREE")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/corpus/openapi31-latest/data/api"));
    let root = std::env::var_os("MATRIX_BENCH_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| tree.join(".."));
    if !tree.is_dir() {
        eprintln!("no spec tree at {}; set MATRIX_BENCH_TREE", tree.display());
        return;
    }
    let mut load_resolve = Vec::new();
    let mut normalize_convert = Vec::new();
    let mut build_ir = Vec::new();
    let mut emit = Vec::new();
    let mut format = Vec::new();
    let mut operations = 0;
    let mut lines = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let limits = matrix_codegen::Limits::default();
        let mut loader = load::Loader::new(&tree, Some(&root), &limits).expect("tree opens");
        let mut warnings = matrix_codegen::diag::Warnings::default();
        let sources = loader.discover(&tree, &mut warnings).expect("roots found");
        let mut budget = resolve::Budget::new(&limits);
        let mut resolved = Vec::new();
        let mut schemes = indexmap::IndexMap::new();
        for source in &sources {
            let roots: Vec<_> = source.roots.iter().map(|(_, d)| &d.root).collect();
            let api = resolve::resolve_api(&mut loader, &roots, &mut budget, &mut warnings, false)
                .expect("refs resolve");
            for (root, (dialect, _)) in api.roots.iter().zip(&source.roots) {
                normalize::collect_security_schemes(root, *dialect, &mut schemes);
            }
            resolved.push(api);
        }
        load_resolve.push(start.elapsed());

        let start = Instant::now();
        let mut warnings = Warnings::default();
        operations = 0;
        let mut apis = Vec::new();
        for (source, api) in sources.iter().zip(resolved) {
            let dialects: Vec<_> = source.roots.iter().map(|(d, _)| *d).collect();
            let normalized = normalize::normalize(
                &source.name,
                &dialects,
                api,
                &schemes,
                &Default::default(),
                &mut warnings,
            )
            .expect("normalizes");
            let api = convert::convert(normalized, &mut warnings).expect("converts");
            operations += api.operations.len();
            apis.push(api);
        }
        normalize_convert.push(start.elapsed());

        let start = Instant::now();
        let mut irs: Vec<_> = apis.iter().map(ir::build).collect();
        ir::features::assign(&mut irs);
        build_ir.push(start.elapsed());

        let options = emit::CrateOptions {
            name: "bench".into(),
            version: "0.0.0".into(),
            source: "bench".into(),
        };
        // One thread here, emitting and formatting apart, to tell the two costs apart.
        let start = Instant::now();
        let tokens: Vec<_> = irs
            .iter()
            .flat_map(|api| emit::ApiFile::ALL.map(|file| emit::collect_docs(|| file.emit(api))))
            .collect();
        emit.push(start.elapsed());

        let start = Instant::now();
        let header = emit::header(&options);
        let files: Vec<String> = tokens
            .into_iter()
            .map(|(tokens, docs)| emit::render(&header, tokens, &docs).expect("formats"))
            .collect();
        format.push(start.elapsed());
        lines = files.iter().map(|text| text.lines().count()).sum();
    }
    println!(
        "tree: {} ({operations} operations, {lines} generated lines), {RUNS} runs",
        tree.display()
    );
    report("load + resolve", &mut load_resolve);
    report("normalize + convert", &mut normalize_convert);
    report("IR", &mut build_ir);
    report("emit", &mut emit);
    report("format (prettyplease)", &mut format);
}

fn report(phase: &str, times: &mut [Duration]) {
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{phase:<24} median {:>8.2} ms   min {:>8.2} ms",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );
}
