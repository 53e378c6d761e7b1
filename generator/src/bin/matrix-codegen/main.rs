//! The `matrix-codegen` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use matrix_codegen::{diag::Diagnostic, Spec};

mod args;

use args::{Cli, Command, Format, LimitArgs, SpecArgs};

/// A run makes millions of small allocations from several threads; glibc's
/// allocator spends a quarter of the run on them, mimalloc far less. Built
/// without transparent huge pages (`no_thp`), which would back every touched
/// page with 2 MB and double the peak memory. mimalloc's v2 line (`v2`): on
/// this workload v3 touched 13% more pages (58 MB at the peak against 51)
/// and ran some 5% slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Spec errors exit with 1; clap exits with 2 on bad usage.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new()
        .name("matrix-codegen".into())
        .stack_size(matrix_codegen::parallel::STACK_BYTES)
        .spawn(move || run(cli));
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        // A panic has printed its message already; it is a bug of ours, not of the spec.
        Ok(Err(_)) => ExitCode::from(101),
        Err(e) => {
            eprintln!("error: cannot start the generator's thread: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> ExitCode {
    matrix_codegen::timing::start();
    let result = match cli.command {
        Some(Command::Bundle { spec, out }) => bundle(&spec, &out, cli.check),
        Some(Command::Check { spec, format }) => check(&spec, format),
        Some(Command::Diff {
            old,
            new,
            repo,
            format,
            allow_missing_refs,
        }) => diff(&old, &new, repo.as_deref(), format, allow_missing_refs),
        Some(Command::Generate {
            spec,
            out,
            crate_name,
            releases,
        }) => {
            let source = spec.input.display().to_string();
            match releases {
                Some(selection) => {
                    let source = format!("{source} (releases {selection})");
                    read_releases(&spec, &selection).and_then(|read| {
                        generate(read, &spec, &out, &crate_name, &source, cli.check)
                    })
                }
                None => matrix_codegen::read_spec(&spec.read_options())
                    .and_then(|read| generate(read, &spec, &out, &crate_name, &source, cli.check)),
            }
        }
        None => {
            // The project's own specs and crate, found from where this binary was built.
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
            let workspace = manifest.parent().unwrap_or(manifest);
            let spec = SpecArgs {
                input: workspace.join("specs"),
                root: None,
                placeholders: Vec::new(),
                deny_warnings: true,
                allow_missing_refs: false,
                limits: LimitArgs {
                    max_depth: None,
                    max_nodes: None,
                    max_seconds: None,
                    max_file_bytes: None,
                },
            };
            matrix_codegen::read_spec(&spec.read_options()).and_then(|read| {
                generate(
                    read,
                    &spec,
                    &workspace.join("generated"),
                    "matrix-api",
                    "specs/",
                    cli.check,
                )
            })
        }
    };
    matrix_codegen::timing::phase_done("free");
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostic) => {
            eprint!("{diagnostic}");
            ExitCode::from(1)
        }
    }
}

fn report_warnings(warnings: &[Diagnostic], deny: bool) -> Result<(), Box<Diagnostic>> {
    for warning in warnings {
        eprint!("{warning}");
    }
    if deny && !warnings.is_empty() {
        return Err(Box::new(Diagnostic::general(format!(
            "{} warning(s), and --deny-warnings was given",
            warnings.len()
        ))));
    }
    Ok(())
}

/// The releases `selection` names, read and merged; tags are written out
/// under a scratch directory that is removed again, side by side, one per
/// core (git and tar wait on the disk as much as they compute).
fn read_releases(spec: &SpecArgs, selection: &str) -> Result<Spec, Box<Diagnostic>> {
    use matrix_codegen::releases::source;
    let chosen = source::select(&spec.input, selection)?;
    let scratch = std::env::temp_dir().join(format!("matrix-codegen-{}", std::process::id()));
    let read = matrix_codegen::parallel::map(chosen, |(release, from)| {
        source::tree(&spec.input, release, &from, &scratch)
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .and_then(|trees| matrix_codegen::read_releases(&trees, &spec.read_options()));
    let _ = std::fs::remove_dir_all(&scratch);
    read
}

fn generate(
    read: Spec,
    spec: &SpecArgs,
    out: &Path,
    crate_name: &str,
    source: &str,
    check: bool,
) -> Result<(), Box<Diagnostic>> {
    report_warnings(&read.warnings, spec.deny_warnings)?;
    let options = matrix_codegen::emit::CrateOptions {
        name: crate_name.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        source: source.to_owned(),
    };
    let files = matrix_codegen::generate(&read, &options)?;
    write_or_check(out, &files, check)?;
    matrix_codegen::timing::phase_done("write");
    let operations: usize = read.apis.iter().map(|api| api.operations.len()).sum();
    eprintln!(
        "{} {} API(s), {operations} operation(s), in {}",
        if check { "checked" } else { "generated" },
        read.apis.len(),
        out.display()
    );
    // The process ends here: the system takes the memory back at once, where
    // dropping the spec and the files would free them piece by piece.
    std::mem::forget((read, files));
    Ok(())
}

fn write_or_check(
    out: &Path,
    files: &[(String, String)],
    check: bool,
) -> Result<(), Box<Diagnostic>> {
    if !check {
        return matrix_codegen::write::write_files(out, files);
    }
    if matrix_codegen::write::is_up_to_date(out, files) {
        Ok(())
    } else {
        Err(Box::new(Diagnostic::general(format!(
            "{} is not what the generator writes for its input: regenerate it",
            out.display()
        ))))
    }
}

/// Findings go to standard output, as the command's result; the count to standard error.
fn check(spec: &SpecArgs, format: Format) -> Result<(), Box<Diagnostic>> {
    let read = matrix_codegen::read_spec(&spec.read_options())?;
    let findings = matrix_codegen::check::check(&read);
    match format {
        Format::Text => findings.iter().for_each(|f| print!("{f}")),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&matrix_codegen::check::to_json(&findings))
                .unwrap_or_default()
        ),
    }
    let from_examples = findings.len() - read.warnings.len();
    eprintln!(
        "{} finding(s): {} from reading, {from_examples} example(s) that do not fit their schema",
        findings.len(),
        read.warnings.len()
    );
    if spec.deny_warnings && !findings.is_empty() {
        return Err(Box::new(Diagnostic::general(format!(
            "{} finding(s), and --deny-warnings was given",
            findings.len()
        ))));
    }
    Ok(())
}

fn bundle(spec: &SpecArgs, out: &Path, check: bool) -> Result<(), Box<Diagnostic>> {
    let read = matrix_codegen::read_spec(&spec.read_options())?;
    report_warnings(&read.warnings, spec.deny_warnings)?;
    // One bundle per API, written out side by side.
    let files = matrix_codegen::parallel::map(read.apis.iter().collect(), |api| {
        let name = format!("{}.json", api.name.replace('/', "_"));
        let openapi = matrix_codegen::bundle::with_runtime_errors(&api.openapi);
        let json = serde_json::to_string_pretty(&openapi).map_err(|e| {
            Diagnostic::general(format!("cannot write the `{}` bundle: {e}", api.name))
        })?;
        Ok((name, json + "\n"))
    })
    .into_iter()
    .collect::<Result<Vec<_>, Box<Diagnostic>>>()?;
    matrix_codegen::timing::phase_done("serialize");
    write_or_check(out, &files, check)?;
    matrix_codegen::timing::phase_done("write");
    let operations: usize = read.apis.iter().map(|api| api.operations.len()).sum();
    eprintln!(
        "bundled {} API(s), {operations} operation(s), into {}",
        read.apis.len(),
        out.display()
    );
    // As for `generate`: the process ends here, and the system frees faster.
    std::mem::forget((read, files));
    Ok(())
}

/// The changes go to standard output; each side's warning count to standard error.
fn diff(
    old: &Path,
    new: &Path,
    repo: Option<&Path>,
    format: Format,
    allow_missing_refs: bool,
) -> Result<(), Box<Diagnostic>> {
    use matrix_codegen::releases::source;
    let scratch = std::env::temp_dir().join(format!("matrix-codegen-{}", std::process::id()));
    // A release of `repo` is written out as a spec tree first.
    let tree_of = |side: &Path| -> Result<PathBuf, Box<Diagnostic>> {
        let Some(repo) = repo else {
            return Ok(side.to_path_buf());
        };
        let named = source::select(repo, &side.to_string_lossy())?;
        let [(release, from)] = named.as_slice() else {
            return Err(Box::new(Diagnostic::general(format!(
                "`{}` must name one release of {}",
                side.display(),
                repo.display()
            ))));
        };
        let tree = source::tree(repo, release.clone(), from, &scratch)?;
        Ok(tree.root)
    };
    let read = |side: &Path| -> Result<matrix_codegen::Spec, Box<Diagnostic>> {
        let tree = tree_of(side)?;
        matrix_codegen::read_spec(&matrix_codegen::diff::tree_options(
            &tree,
            allow_missing_refs,
        )?)
    };
    // The two sides are read side by side; what they say is said in order after.
    let (old_read, new_read) = matrix_codegen::parallel::pair(old, new, read);
    let _ = std::fs::remove_dir_all(&scratch);
    let said = |side: &Path, spec: matrix_codegen::Spec| {
        if !spec.warnings.is_empty() {
            // Named as given: a tag's tree is a scratch directory, gone by now.
            eprintln!(
                "{}: {} warning(s) while reading (`check` lists them)",
                side.display(),
                spec.warnings.len()
            );
        }
        spec
    };
    let old_spec = said(old, old_read?);
    let new_spec = said(new, new_read?);
    let found = matrix_codegen::diff::diff(
        &old_spec,
        &new_spec,
        &old.display().to_string(),
        &new.display().to_string(),
    );
    match format {
        Format::Text => print!("{}", matrix_codegen::diff::render::to_text(&found)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&matrix_codegen::diff::render::to_json(&found))
                .unwrap_or_default()
        ),
    }
    Ok(())
}
