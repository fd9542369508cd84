//! Timings of the build's phases, written to stderr when `RESEARCH_LSP_PROFILE` is set (to anything): what
//! the benchmark's one figure for the build is made of. Off, a span costs one relaxed atomic load.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

/// 0: not read yet, 1: off, 2: on.
static STATE: AtomicU8 = AtomicU8::new(0);

fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        0 => {
            let on = std::env::var_os("RESEARCH_LSP_PROFILE").is_some();
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
        state => state == 2,
    }
}

/// A phase being timed: its time is written when it is dropped.
#[must_use]
pub struct Span {
    name: &'static str,
    started: Option<(Instant, Option<f64>)>,
}

/// Starts timing the phase `name`.
pub fn span(name: &'static str) -> Span {
    Span { name, started: enabled().then(|| (Instant::now(), cpu_ms())) }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some((started, cpu)) = self.started {
            let wall = started.elapsed().as_secs_f64() * 1e3;
            // The process's CPU time over the span, all threads (to the clock tick, 10 ms).
            let cpu = cpu.zip(cpu_ms()).map_or(String::new(), |(a, b)| format!(" {:>8.0} ms CPU", b - a));
            let peak = peak_mb().map_or(String::new(), |mb| format!(" {mb:>6} MB peak"));
            eprintln!("research-lsp: profile: {wall:>8.1} ms{cpu}{peak}  {}", self.name);
        }
    }
}

/// The CPU time of this process so far, user and system (Linux: from `/proc/self/stat`, in clock ticks of
/// 10 ms).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command, which is in brackets and may hold spaces.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split(' ');
    let user: f64 = fields.nth(11)?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) * 10.0)
}

/// The most memory this process has held so far, in MB (Linux: `VmHWM` of `/proc/self/status`).
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line["VmHWM:".len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024)
}
