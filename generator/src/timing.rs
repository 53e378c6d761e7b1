//! Where a run's time goes: with `MATRIX_CODEGEN_TIMINGS` set, each phase
//! prints its wall time on standard error as it ends (`scripts/speed.sh`
//! compares whole runs; this says which phase to look at).

use std::cell::Cell;
use std::sync::OnceLock;
use std::time::Instant;

thread_local! {
    /// When the phase now running on this thread began.
    static PHASE_START: Cell<Option<Instant>> = const { Cell::new(None) };
}

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("MATRIX_CODEGEN_TIMINGS").is_some())
}

/// Ends the phase running on this thread (timed from the previous call) and starts the next.
pub fn phase_done(phase: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    if let Some(start) = PHASE_START.replace(Some(now)) {
        eprintln!(
            "timing: {phase:<20} {:>7.1} ms, {:>4} MB resident",
            (now - start).as_secs_f64() * 1e3,
            resident_mb().map_or_else(|| "?".to_owned(), |mb| mb.to_string())
        );
    }
}

/// The memory the process holds now (Linux only).
fn resident_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Starts timing on this thread; the next [`phase_done`] measures from here.
pub fn start() {
    if enabled() {
        PHASE_START.set(Some(Instant::now()));
    }
}
