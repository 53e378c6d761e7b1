//! Runs the generator on one case directory as a child process.
//!
//! Output goes to files rather than pipes so that a child printing megabytes
//! cannot block on a full pipe while this side waits for it to exit.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// `None` when the child died of a signal (or was killed here).
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    /// Peak resident set, in KiB, as last seen in `/proc/PID/status` (`VmHWM`).
    pub peak_kib: u64,
    pub elapsed: Duration,
}

#[derive(Clone, Debug)]
pub struct Limits {
    pub timeout: Duration,
    pub max_rss_mib: u64,
}

/// Runs `program args` in `dir`. The child's address space is capped at four
/// times the memory bound, so a runaway allocation ends in an abort instead
/// of swapping out the machine that other developers share. Four times,
/// because reserved is not resident: the generator's threads each reserve a
/// 256 MiB stack and its allocator reserves arenas ahead, none of it touched
/// by an ordinary run. The bound itself is checked on the resident peak.
pub fn run(
    program: &Path,
    args: &[String],
    dir: &Path,
    limits: &Limits,
) -> std::io::Result<Outcome> {
    let stdout_path = dir.join("stdout.txt");
    let stderr_path = dir.join("stderr.txt");
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path)?)
        .stderr(File::create(&stderr_path)?)
        .env("RUST_BACKTRACE", "0")
        .spawn()?;
    let pid = rustix::process::Pid::from_child(&child);
    let bytes = limits.max_rss_mib.saturating_mul(4 << 20);
    let cap = rustix::process::Rlimit {
        current: Some(bytes),
        maximum: Some(bytes),
    };
    // Best effort: a child that already exited cannot be capped and needs no cap.
    let _ = rustix::process::prlimit(Some(pid), rustix::process::Resource::As, cap);
    // Never reached while this side watches the clock; it ends a busy child
    // orphaned by a harness that was itself killed mid-run.
    let seconds = limits.timeout.as_secs() + 5;
    let cpu = rustix::process::Rlimit {
        current: Some(seconds),
        maximum: Some(seconds + 1),
    };
    let _ = rustix::process::prlimit(Some(pid), rustix::process::Resource::Cpu, cpu);
    let status_file = format!("/proc/{}/status", child.id());
    let mut outcome = Outcome::default();
    let mut pause = Duration::from_micros(200);
    let status = loop {
        outcome.peak_kib = outcome.peak_kib.max(peak_rss_kib(&status_file));
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limits.timeout {
            outcome.timed_out = true;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(pause);
        // Short waits for the many quick runs, without spinning on the slow ones.
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    outcome.elapsed = start.elapsed();
    outcome.code = status.code();
    outcome.signal = std::os::unix::process::ExitStatusExt::signal(&status);
    outcome.stdout = String::from_utf8_lossy(&fs::read(&stdout_path)?).into_owned();
    outcome.stderr = String::from_utf8_lossy(&fs::read(&stderr_path)?).into_owned();
    Ok(outcome)
}

fn peak_rss_kib(status_file: &str) -> u64 {
    let Ok(status) = fs::read_to_string(status_file) else {
        return 0;
    };
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout_ms: u64) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            timeout: Duration::from_millis(timeout_ms),
            max_rss_mib: 1024,
        };
        let args = vec!["-c".to_owned(), script.to_owned()];
        run(Path::new("/bin/sh"), &args, dir.path(), &limits).unwrap()
    }

    #[test]
    fn captures_exit_code_and_streams() {
        let outcome = sh("echo out; echo err >&2; exit 3", 5_000);
        assert_eq!(outcome.code, Some(3));
        assert_eq!(outcome.stdout, "out\n");
        assert_eq!(outcome.stderr, "err\n");
        assert!(!outcome.timed_out);
    }

    #[test]
    fn kills_a_child_that_runs_too_long() {
        let outcome = sh("sleep 30", 300);
        assert!(outcome.timed_out);
        assert_eq!(outcome.signal, Some(9));
        assert!(outcome.elapsed < Duration::from_secs(5));
    }

    #[test]
    fn reports_signal_deaths_and_memory() {
        let outcome = sh("kill -SEGV $$", 5_000);
        assert_eq!(outcome.signal, Some(11));
        assert!(!outcome.timed_out);
        let outcome = sh(
            "head -c 30000000 /dev/zero | tr '\\0' x > /dev/null; sleep 0.2",
            5_000,
        );
        assert!(outcome.peak_kib > 0);
    }
}
