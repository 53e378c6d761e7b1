//! The `matrix-codegen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use matrix_codegen::{diag::Diagnostic, Placeholders, ReadOptions};

#[derive(Parser)]
#[command(version, about = "Reads the Matrix API spec and emits Rust bindings")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Write each API as one self-contained OpenAPI 3.0 JSON document.
    Bundle {
        #[command(flatten)]
        spec: SpecArgs,
        /// Directory for the `<api>.json` files.
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Args)]
struct SpecArgs {
    /// A spec directory (all API roots below it) or one API root file.
    input: PathBuf,
    /// Let `$ref`s reach files under this directory (default: the input directory).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Set a `%NAME%` placeholder: `--set CLIENT_MAJOR_VERSION=v3`.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    placeholders: Vec<(String, String)>,
    /// Fail when the spec has warnings.
    #[arg(long)]
    deny_warnings: bool,
}

fn parse_assignment(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected NAME=VALUE, got `{text}`"))
}

impl SpecArgs {
    fn read_options(&self) -> ReadOptions {
        let mut placeholders = Placeholders::default();
        placeholders.0.extend(self.placeholders.iter().cloned());
        ReadOptions {
            input: self.input.clone(),
            root: self.root.clone(),
            placeholders,
        }
    }
}

/// Spec errors exit with 1; clap exits with 2 on bad usage.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Bundle { spec, out }) => bundle(&spec, &out),
        None => Err(Box::new(Diagnostic::general(
            "crate generation is not available in this build yet",
        ))),
    };
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

fn bundle(spec: &SpecArgs, out: &std::path::Path) -> Result<(), Box<Diagnostic>> {
    let read = matrix_codegen::read_spec(&spec.read_options())?;
    report_warnings(&read.warnings, spec.deny_warnings)?;
    let files = read
        .apis
        .iter()
        .map(|api| {
            let name = format!("{}.json", api.name.replace('/', "_"));
            let json = serde_json::to_string_pretty(&api.openapi).expect("the model serializes");
            (name, json + "\n")
        })
        .collect::<Vec<_>>();
    matrix_codegen::write::write_files(out, &files)?;
    let operations: usize = read.apis.iter().map(|api| api.operations.len()).sum();
    eprintln!(
        "bundled {} API(s), {operations} operation(s), into {}",
        read.apis.len(),
        out.display()
    );
    Ok(())
}
