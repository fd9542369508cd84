//! Each extractor's cost alone, on one core: `cargo run --release --example extract_phases -- DIR`.
//!
//! Reads every `.txt` and `.md` file under DIR into memory, then splits the sentences, finds the names and
//! finds the figures of every text, one extractor after another, four times, and prints the fastest of the
//! four for each in nanoseconds per byte. No reading, merging or encoding is timed: what is left of the
//! build's time once these are taken away is the rest of the build (see the README's scale section).
use research_lsp::extract::{entities, figures, sentences};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: extract_phases DIR");
        std::process::exit(2);
    };
    let mut texts = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "txt" || x == "md") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let per_byte = |d: Duration| d.as_secs_f64() * 1e9 / bytes.max(1) as f64;
    let mut best = [f64::MAX; 3];
    for _ in 0..4 {
        let started = Instant::now();
        let split: Vec<_> = texts.iter().map(|t| sentences::split(t)).collect();
        let split_took = started.elapsed();
        let started = Instant::now();
        let names: usize = texts.iter().zip(&split).map(|(t, s)| entities::extract(t, s).mentions.len()).sum();
        let names_took = started.elapsed();
        let started = Instant::now();
        let found: usize = texts.iter().zip(&split).map(|(t, s)| figures::extract(t, s).len()).sum();
        let figures_took = started.elapsed();
        std::hint::black_box((names, found));
        for (b, took) in best.iter_mut().zip([split_took, names_took, figures_took]) {
            *b = b.min(per_byte(took));
        }
    }
    let [s, n, f] = best;
    println!(
        "{} texts, {:.1} MB: sentences {s:.3} ns/B, names {n:.3} ns/B, figures {f:.3} ns/B, all {:.3} ns/B",
        texts.len(),
        bytes as f64 / 1e6,
        s + n + f
    );
}
