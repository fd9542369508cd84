//! `research-lsp bench` end to end on a 1 MB corpus: it runs, prints one JSON object, and every figure in it
//! is there and sane. The numbers themselves are not checked (a debug build on a shared machine says little);
//! that the measurements happen is.

use std::process::Command;

use serde_json::Value;

fn num(v: &Value, path: &str) -> f64 {
    let mut at = v;
    for key in path.split('.') {
        at = &at[key];
    }
    at.as_f64().unwrap_or_else(|| panic!("{path} is not a number in {v}"))
}

#[test]
fn bench_1mb_reports_every_figure() {
    let dir = std::env::temp_dir().join(format!("research-lsp-bench-smoke-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_research-lsp"))
        .args(["bench", "--size", "1MB", "--no-rg", "--rounds", "2", "--json", "--dir"])
        .arg(&dir)
        .output()
        .expect("run research-lsp bench");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "bench failed: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");

    let bytes = num(&report, "corpus.bytes");
    assert!((900_000.0..1_300_000.0).contains(&bytes), "corpus of {bytes} bytes");
    assert!(num(&report, "corpus.files") >= 20.0);
    assert!(num(&report, "build.sources") >= 20.0);
    assert!(num(&report, "build.entities") >= 50.0, "the vocabulary gives entities");
    assert!(num(&report, "build.figures") >= 100.0);
    assert!(num(&report, "build.mb_per_s") > 0.0);
    let runs = report["build"]["runs_ms"].as_array().expect("the build time of each round");
    assert_eq!(runs.len(), 2, "one build per round: {runs:?}");
    assert!(runs.iter().all(|r| r.as_f64().is_some_and(|ms| ms > 0.0)), "{runs:?}");
    assert!(
        runs.iter().any(|r| r.as_f64() == Some(num(&report, "build.total_ms"))),
        "the build reported is one of the rounds"
    );
    if cfg!(target_os = "linux") {
        assert!(num(&report, "build.peak_rss_per_corpus_byte") > 0.0);
    }
    assert_eq!(report["rg"], Value::Null);
    assert_eq!(report["rg_skipped"], "--no-rg");
    for what in ["hover", "hover_plain", "definition", "completion"] {
        let p50 = num(&report, &format!("server.{what}.p50_us"));
        let p99 = num(&report, &format!("server.{what}.p99_us"));
        assert!(p50 >= 0.0 && p99 >= p50, "server {what}: p50 {p50}, p99 {p99}");
    }
    assert!(num(&report, "reindex.full_rebuild_ms") > 0.0);
    assert!(num(&report, "reindex.extract_one_ms") > 0.0);

    assert_eq!(report["stdio_error"], Value::Null, "the stdio part failed");
    let init = num(&report, "stdio.initialize_ms");
    let first = num(&report, "stdio.first_hover_answer_ms");
    let content = num(&report, "stdio.first_hover_content_ms");
    assert!(init > 0.0 && first >= init && content >= first, "initialize {init}, first hover {first}, {content}");
    for what in ["hover", "hover_plain", "completion", "definition"] {
        assert!(num(&report, &format!("stdio.{what}.n")) >= 1.0);
        assert!(num(&report, &format!("stdio.{what}.p99_us")) > 0.0, "stdio {what}");
    }
}
