//! Findings: deduplicated by (invariant, kind), each written out once, in full,
//! as a case directory that reproduces it with the command beside it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::build::mutation_kinds;
use crate::case::Case;
use crate::check::{Invariant, Violation};
use crate::run::Outcome;

#[derive(Clone, Debug)]
pub struct Finding {
    pub violation: Violation,
    /// The first case that showed it.
    pub index: u64,
    pub case: Case,
    pub outcome: Outcome,
    /// How many cases showed it.
    pub count: usize,
    /// Where it was written, when a keep directory was given.
    pub kept: Option<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub cases: u64,
    pub findings: BTreeMap<(Invariant, String), Finding>,
    /// Cases that broke each invariant, duplicates included.
    pub per_invariant: BTreeMap<Invariant, usize>,
}

impl Report {
    /// Records the violations of one case; returns the ones never seen before.
    pub fn record(
        &mut self,
        index: u64,
        case: &Case,
        outcome: &Outcome,
        found: Vec<Violation>,
    ) -> Vec<(Invariant, String)> {
        self.cases += 1;
        let mut new = Vec::new();
        for violation in found {
            *self.per_invariant.entry(violation.invariant).or_default() += 1;
            let key = (violation.invariant, violation.kind.clone());
            match self.findings.get_mut(&key) {
                Some(finding) => finding.count += 1,
                None => {
                    let finding = Finding {
                        violation,
                        index,
                        case: case.clone(),
                        outcome: outcome.clone(),
                        count: 1,
                        kept: None,
                    };
                    self.findings.insert(key.clone(), finding);
                    new.push(key);
                }
            }
        }
        new
    }

    pub fn summary(&self) -> String {
        let mut out = format!(
            "fuzz: {} cases, {} findings\n",
            self.cases,
            self.findings.len()
        );
        for (invariant, cases) in &self.per_invariant {
            let distinct = self.findings.keys().filter(|(i, _)| i == invariant).count();
            let _ = writeln!(out, "  {invariant}: {cases} case(s), {distinct} distinct");
        }
        for ((invariant, kind), finding) in &self.findings {
            let at = finding
                .kept
                .as_ref()
                .map(|p| format!(" -> {}", p.display()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  [{invariant}] {kind} ({} case(s), first #{}){at}",
                finding.count, finding.index
            );
        }
        out
    }
}

/// Writes one finding under `keep` as `<invariant>-<n>/`: the case tree (FIFOs
/// and links re-created), the previous output, the command, and what went wrong.
pub fn keep_finding(
    keep: &Path,
    finding: &Finding,
    baseline: &Path,
    generator: &Path,
    campaign_seed: u64,
) -> io::Result<PathBuf> {
    fs::create_dir_all(keep)?;
    let invariant = finding.violation.invariant;
    let dir = (1..)
        .map(|n| keep.join(format!("{invariant}-{n:03}")))
        .find(|d| !d.exists())
        .unwrap_or_else(|| keep.join(format!("{invariant}")));
    let case_dir = dir.join("case");
    fs::create_dir_all(&case_dir)?;
    finding.case.write(&case_dir)?;
    copy_dir(baseline, &case_dir.join("work/out"))?;
    let args = finding
        .case
        .args()
        .iter()
        .map(|a| shell_quote(a))
        .collect::<Vec<_>>()
        .join(" ");
    let command = format!("#!/bin/sh\n# Run from this directory; exit code and stderr show the finding.\ncd \"$(dirname \"$0\")/case\" && exec {} {args}\n", shell_quote(&generator.display().to_string()));
    fs::write(dir.join("command.sh"), command)?;
    fs::write(dir.join("stderr.txt"), &finding.outcome.stderr)?;
    fs::write(dir.join("stdout.txt"), &finding.outcome.stdout)?;
    let v = &finding.violation;
    let o = &finding.outcome;
    let mut about = format!(
        "invariant: {invariant}\nkind: {}\ndetail: {}\n",
        v.kind, v.detail
    );
    let _ = writeln!(
        about,
        "exit code: {:?}, signal: {:?}, timed out: {}, peak: {} KiB, took: {:?}",
        o.code, o.signal, o.timed_out, o.peak_kib, o.elapsed
    );
    let _ = writeln!(about, "mutations: {}", mutation_kinds(&finding.case));
    for label in &finding.case.labels {
        let _ = writeln!(about, "  - {}", label.chars().take(300).collect::<String>());
    }
    let _ = writeln!(about, "secret: {}", finding.case.secret);
    let _ = writeln!(
        about,
        "replay: matrix-codegen-fuzz --seed {campaign_seed} --first {} --cases 1",
        finding.index
    );
    fs::write(dir.join("finding.txt"), about)?;
    Ok(dir)
}

pub fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-=".contains(&b))
    {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(kind: &str) -> Violation {
        Violation {
            invariant: Invariant::Panic,
            kind: kind.into(),
            detail: "boom".into(),
        }
    }

    #[test]
    fn duplicates_are_counted_not_repeated() {
        let mut report = Report::default();
        let case = Case::new("canaryx".into());
        let outcome = Outcome::default();
        assert_eq!(
            report
                .record(0, &case, &outcome, vec![violation("a.rs:1:1")])
                .len(),
            1
        );
        assert_eq!(
            report
                .record(1, &case, &outcome, vec![violation("a.rs:1:1")])
                .len(),
            0
        );
        assert_eq!(
            report
                .record(2, &case, &outcome, vec![violation("b.rs:2:2")])
                .len(),
            1
        );
        assert_eq!(report.record(3, &case, &outcome, vec![]).len(), 0);
        let summary = report.summary();
        assert!(
            summary.starts_with("fuzz: 4 cases, 2 findings\n"),
            "{summary}"
        );
        assert!(
            summary.contains("panic: 3 case(s), 2 distinct"),
            "{summary}"
        );
    }

    #[test]
    fn a_kept_finding_can_be_rerun() {
        let keep = tempfile::tempdir().unwrap();
        let baseline = tempfile::tempdir().unwrap();
        fs::write(baseline.path().join(".matrix-codegen"), "stamp").unwrap();
        let mut case = Case::new("canaryx".into());
        case.files
            .insert("api/a.yaml".into(), crate::case::Entry::Fifo);
        let finding = Finding {
            violation: violation("k"),
            index: 7,
            case,
            outcome: Outcome::default(),
            count: 1,
            kept: None,
        };
        let dir = keep_finding(
            keep.path(),
            &finding,
            baseline.path(),
            Path::new("/bin/mc"),
            3,
        )
        .unwrap();
        assert!(dir.ends_with("panic-001"));
        assert!(dir.join("case/work/out/.matrix-codegen").is_file());
        assert!(fs::read_to_string(dir.join("finding.txt"))
            .unwrap()
            .contains("--seed 3 --first 7"));
        assert!(fs::read_to_string(dir.join("command.sh"))
            .unwrap()
            .contains("/bin/mc generate tree"));
    }
}
