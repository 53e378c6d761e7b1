//! Runs many cases, on a few worker threads, against the generator binary.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::build::{build_case, likely_culprit};
use crate::case::Case;
use crate::check::{self, Context, Violation};
use crate::report::{copy_dir, keep_finding, Report};
use crate::run::{self, Limits, Outcome};
use crate::seeds::Seed;

#[derive(Clone, Debug)]
pub struct Config {
    /// The `matrix-codegen` binary.
    pub generator: PathBuf,
    pub seeds: Vec<Seed>,
    pub seed: u64,
    /// Case numbers `first..first + cases`.
    pub first: u64,
    pub cases: u64,
    /// Stop starting cases after this long.
    pub budget: Option<Duration>,
    pub limits: Limits,
    pub jobs: usize,
    /// Where findings are written; `None` keeps them in memory only.
    pub keep: Option<PathBuf>,
    /// Print a progress line every this many cases (0: never).
    pub progress_every: u64,
}

/// A spec the generator must accept, for the "previous good output".
const BASELINE_SPEC: &str = "swagger: \"2.0\"\ninfo: {title: Baseline, version: \"1\"}\npaths:\n  \
    /ping:\n    get:\n      operationId: ping\n      responses:\n        200:\n          \
    description: Pong.\n          schema: {type: object, properties: {ok: {type: boolean}}}\n";

/// Generates the baseline output into `scratch/baseline/out`; a generator that
/// cannot do that makes every later finding meaningless.
pub fn make_baseline(generator: &Path, scratch: &Path, limits: &Limits) -> io::Result<PathBuf> {
    let dir = scratch.join("baseline");
    std::fs::create_dir_all(dir.join("tree"))?;
    std::fs::write(dir.join("tree/api.yaml"), BASELINE_SPEC)?;
    let args: Vec<String> = ["generate", "tree/api.yaml", "--out", "work/out"]
        .map(String::from)
        .to_vec();
    let outcome = run::run(generator, &args, &dir, limits)?;
    let out = dir.join("work/out");
    if outcome.code != Some(0) || !out.join(".matrix-codegen").is_file() {
        return Err(io::Error::other(format!(
            "{} cannot generate the baseline spec (exit {:?}):\n{}",
            generator.display(),
            outcome.code,
            outcome.stderr
        )));
    }
    Ok(out)
}

/// Writes, runs and checks one case in a fresh directory under `scratch`.
pub fn run_case(
    case: &Case,
    config: &Config,
    baseline: &Path,
    scratch: &Path,
) -> io::Result<(Outcome, Vec<Violation>)> {
    let dir = tempfile::Builder::new()
        .prefix("case")
        .tempdir_in(scratch)?;
    case.write(dir.path())?;
    let work = dir.path().join("work");
    copy_dir(baseline, &work.join("out"))?;
    let before = check::snapshot(&work);
    let args = case.args();
    let outcome = run::run(&config.generator, &args, dir.path(), &config.limits)?;
    let after = check::snapshot(&work);
    let mut names: Vec<String> = case.files.keys().cloned().collect();
    names.push(args[1].clone());
    names.push(dir.path().canonicalize()?.display().to_string());
    let mutations = likely_culprit(case);
    let cx = Context {
        secret: &case.secret,
        names: &names,
        mutations: &mutations,
        max_rss_mib: config.limits.max_rss_mib,
        before: &before,
        after: &after,
    };
    let found = check::check(&outcome, &cx);
    Ok((outcome, found))
}

pub fn run_campaign(config: &Config) -> io::Result<Report> {
    let scratch = tempfile::Builder::new()
        .prefix("matrix-codegen-fuzz")
        .tempdir()?;
    let baseline = make_baseline(&config.generator, scratch.path(), &config.limits)?;
    let report = Mutex::new(Report::default());
    let next = AtomicU64::new(config.first);
    let end = config.first + config.cases;
    let start = Instant::now();
    let worker = || -> io::Result<()> {
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            let over_budget = config.budget.is_some_and(|b| start.elapsed() > b);
            if index >= end || over_budget {
                return Ok(());
            }
            let case = build_case(&config.seeds, config.seed, index);
            let (outcome, found) = run_case(&case, config, &baseline, scratch.path())?;
            let mut report = report.lock().unwrap_or_else(|e| e.into_inner());
            for key in report.record(index, &case, &outcome, found) {
                if let Some(keep) = &config.keep {
                    let finding = &report.findings[&key];
                    let kept =
                        keep_finding(keep, finding, &baseline, &config.generator, config.seed)?;
                    eprintln!(
                        "fuzz: new finding [{}] {} -> {}",
                        key.0,
                        key.1,
                        kept.display()
                    );
                    report.findings.get_mut(&key).expect("just recorded").kept = Some(kept);
                }
            }
            if config.progress_every > 0 && report.cases % config.progress_every == 0 {
                eprintln!(
                    "fuzz: {} cases, {} findings, {:?}",
                    report.cases,
                    report.findings.len(),
                    start.elapsed()
                );
            }
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..config.jobs.max(1))
            .map(|_| scope.spawn(worker))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("a fuzz worker panicked")))
            })
            .collect::<io::Result<Vec<()>>>()
    })?;
    Ok(report.into_inner().unwrap_or_else(|e| e.into_inner()))
}
