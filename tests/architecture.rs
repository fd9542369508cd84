//! Invariants of the layout that a reader relies on, checked so they stay true.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The core (corpus, extraction, index, note, analysis) knows nothing of LSP: only `src/lsp/` and the
/// binary's entry point may name the protocol crates.
#[test]
fn only_the_lsp_module_knows_the_protocol() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10);
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        if rel.starts_with("lsp") || rel == Path::new("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for name in ["tower_lsp", "ls_types", "lsp_types"] {
            assert!(!text.contains(name), "{} names {name}", rel.display());
        }
    }
}

/// Nothing in the extractors names the seed corpus: they must work on any corpus of English prose.
#[test]
fn the_extractors_do_not_know_the_seeds() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/extract");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        // The code, without comments and without the unit tests (tests may use the seeds as examples).
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for name in
                ["EAEU", "CSTO", "Eurasian Economic", "Tokayev", "Cafiero", "Valdai", "Moscow Times", "backyard"]
            {
                assert!(!line.contains(name), "{} names the seeds' {name:?}: {line}", file.display());
            }
        }
    }
}
