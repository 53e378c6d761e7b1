//! `matrix-codegen-fuzz`: runs a fuzz campaign against the release-built generator.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use matrix_codegen_fuzz::campaign::{run_campaign, Config};
use matrix_codegen_fuzz::run::Limits;
use matrix_codegen_fuzz::{build_release_generator, corpus, seeds, workspace};

#[derive(Parser)]
#[command(about = "Mutates spec trees and checks how matrix-codegen fails on them")]
struct Cli {
    /// How many cases to run.
    #[arg(long, default_value_t = 1000)]
    cases: u64,
    /// The campaign seed: the same seed gives the same cases.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The first case number (replays one finding with `--cases 1`).
    #[arg(long, default_value_t = 0)]
    first: u64,
    /// Stop starting new cases after this many seconds.
    #[arg(long)]
    seconds: Option<u64>,
    /// Where findings are written (default: target/fuzz-findings).
    #[arg(long)]
    keep: Option<PathBuf>,
    /// The generator binary (default: the release build, built or updated first).
    #[arg(long)]
    generator: Option<PathBuf>,
    /// Seconds before a run is killed and counted as a hang.
    #[arg(long, default_value_t = 20)]
    timeout: u64,
    /// Peak resident memory allowed to one run, in MiB.
    #[arg(long, default_value_t = 1024)]
    max_rss_mib: u64,
    /// Cases run at once. Hung cases wait without using a core.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Mutate only the project's fixtures and specs.
    #[arg(long)]
    no_corpus: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Absolute, since each run starts in its own case directory.
    let generator = cli
        .generator
        .clone()
        .map_or_else(build_release_generator, |path| {
            path.canonicalize()
                .map_err(|e| format!("{}: {e}", path.display()))
        });
    let generator = match generator {
        Ok(path) => path,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let corpus = if cli.no_corpus { None } else { corpus() };
    let seeds = seeds::collect(&seeds::base_dirs(&workspace(), corpus.as_deref()));
    eprintln!(
        "fuzz: {} seeds, generator {}",
        seeds.len(),
        generator.display()
    );
    let keep = cli
        .keep
        .unwrap_or_else(|| workspace().join("target/fuzz-findings"));
    let config = Config {
        generator,
        seeds,
        seed: cli.seed,
        first: cli.first,
        cases: cli.cases,
        budget: cli.seconds.map(Duration::from_secs),
        limits: Limits {
            timeout: Duration::from_secs(cli.timeout),
            max_rss_mib: cli.max_rss_mib,
        },
        jobs: cli.jobs,
        keep: Some(keep),
        progress_every: 100,
    };
    match run_campaign(&config) {
        Ok(report) => {
            print!("{}", report.summary());
            if report.findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
