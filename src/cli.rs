//! The command line: the same index and analysis as the server, printed for a terminal.
//!
//! `research-lsp index --json` prints the index as one JSON object (sources, entities with their mentions,
//! figures with their sentences); `--stats` prints one summary line. Warnings about skipped files go to
//! stderr; errors are one line on stderr and a non-zero exit.
//!
//! `research-lsp check NOTES...` runs the checks of [`crate::analysis::checks`] on notes (files, or
//! directories searched for `.md` and `.markdown` files, skipping hidden directories and `node_modules`)
//! and prints one line per finding, `path:line:col: severity: message [code]`, with the line and the column
//! 1-based and the column counted in UTF-8 bytes, as GCC and Vim's quickfix count them. `--format json`
//! prints one JSON array of findings instead, with 0-based lines and UTF-16 columns (`character`), as the
//! index JSON and LSP count them. The exit status is 0 when no finding is a warning or an error, 1 when one
//! is (hints never fail a build), and 2 on a usage error or when a note cannot be read: that note is named
//! in one line on stderr, the other notes are still checked, and 2 wins over 1.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::analysis::checks::{self, Finding, Severity};
use crate::corpus;
use crate::index::{Index, SourceText};
use crate::note::Note;
use crate::text::{Encoding, LineIndex};

#[derive(Parser, Debug)]
#[command(
    name = "research-lsp",
    version,
    about = "A language server for research notes, answered from a corpus of sources"
)]
pub struct Cli {
    /// Serve the language server over stdin/stdout (the default; VS Code passes this flag).
    #[arg(long, global = false)]
    pub stdio: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the language server over stdin/stdout.
    Lsp,
    /// Index a corpus and print it as JSON, or a one-line summary.
    Index(IndexArgs),
    /// Check notes against the corpus: citations, figures and quotations. Exits 1 when there are warnings.
    Check(CheckArgs),
    /// Generate a synthetic corpus of a chosen size and measure indexing, memory and request latency on it.
    Bench(crate::bench::BenchArgs),
    /// Load and index a corpus, then print timings and peak memory as one JSON line (used by `bench`).
    #[command(hide = true)]
    BenchChild(crate::bench::BenchChildArgs),
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// A file or directory of sources (repeatable). Default: the seed corpus embedded in the binary.
    #[arg(long = "corpus", value_name = "PATH")]
    pub corpus: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// Notes to check: Markdown files, or directories searched for .md and .markdown files.
    #[arg(required = true, value_name = "NOTES")]
    pub notes: Vec<PathBuf>,
}

/// The output formats of `check`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// `path:line:col: severity: message [code]`, one finding per line.
    Text,
    /// One JSON array of findings.
    Json,
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// A file or directory of sources (repeatable). Default: the seed corpus embedded in the binary.
    #[arg(long = "corpus", value_name = "PATH")]
    pub corpus: Vec<PathBuf>,
    /// Print the whole index as one JSON object.
    #[arg(long, conflicts_with = "stats")]
    pub json: bool,
    /// Print one summary line: sources, entities, figures, bytes, milliseconds.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Serialize)]
struct JsonIndex<'a> {
    sources: Vec<JsonSource<'a>>,
    entities: Vec<JsonEntity<'a>>,
    figures: Vec<JsonFigure<'a>>,
}

#[derive(Serialize)]
struct JsonSource<'a> {
    key: &'a str,
    title: &'a str,
    author: Option<&'a str>,
    date: Option<&'a str>,
    publisher: Option<&'a str>,
    path: String,
    bytes: usize,
}

#[derive(Serialize)]
struct JsonEntity<'a> {
    name: &'a str,
    kind: &'a str,
    aliases: &'a [String],
    /// Mentions per source key, most first.
    counts: Vec<(&'a str, usize)>,
    mentions: Vec<JsonMention<'a>>,
}

#[derive(Serialize)]
struct JsonMention<'a> {
    source: &'a str,
    line: u32,
    character: u32,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonFigure<'a> {
    text: &'a str,
    value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    high: Option<f64>,
    unit: String,
    year: Option<i32>,
    source: &'a str,
    line: u32,
    character: u32,
    sentence: &'a str,
}

/// `research-lsp index`.
/// The index of the corpus at `paths` (the seeds when there are none), with a warning on stderr for each
/// file skipped or repaired. A corpus on disk is indexed as the server indexes it, streaming: each text is
/// read, extracted and let go, and read again from its file where an answer quotes it.
fn index_of(paths: &[PathBuf]) -> Index {
    let index = if paths.is_empty() { Index::build(corpus::seeds()) } else { Index::load(paths, &[]) };
    for w in &index.warnings {
        eprintln!("research-lsp: warning: {w}");
    }
    index
}

pub fn index(args: &IndexArgs) -> ExitCode {
    let started = Instant::now();
    let index = index_of(&args.corpus);
    let elapsed = started.elapsed();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = if args.json {
        // The index holds the texts it was built from, so every text is at hand.
        index
            .sources
            .iter()
            .map(|d| d.text())
            .collect::<Result<Vec<Arc<SourceText>>, _>>()
            .map_err(std::io::Error::other)
            .and_then(|texts| serde_json::to_writer(&mut out, &to_json(&index, &texts)).map_err(std::io::Error::other))
            .and_then(|_| writeln!(out))
    } else {
        writeln!(
            out,
            "sources: {}, entities: {}, figures: {}, bytes: {}, ms: {}",
            index.sources.len(),
            index.entities.len(),
            index.figure_count(),
            index.bytes,
            elapsed.as_millis()
        )
    };
    match result.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("research-lsp: error: cannot write the index: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The index as JSON; `texts` are the sources' texts, in source order.
fn to_json<'a>(index: &'a Index, texts: &'a [Arc<SourceText>]) -> JsonIndex<'a> {
    let sources = index
        .sources
        .iter()
        .map(|s| JsonSource {
            key: &s.meta.key,
            title: &s.meta.title,
            author: s.meta.author.as_deref(),
            date: s.meta.date.as_deref(),
            publisher: s.meta.publisher.as_deref(),
            path: s.meta.path.display().to_string(),
            bytes: s.len,
        })
        .collect();
    let entities = index
        .entities
        .iter()
        .map(|e| {
            let counts = e.by_source.iter().map(|(sid, m)| (index.source(*sid).meta.key.as_str(), m.len())).collect();
            let mut mentions = Vec::with_capacity(e.total as usize);
            for (sid, ids) in e.by_source.iter() {
                let doc = index.source(*sid);
                let Some(source) = texts.get(*sid as usize) else { continue };
                for &i in ids.iter() {
                    let Some(m) = doc.mention(i) else { continue };
                    let lc = source.lines.line_col(&source.text, m.span.start as usize, Encoding::Utf16);
                    mentions.push(JsonMention {
                        source: &doc.meta.key,
                        line: lc.line,
                        character: lc.col,
                        text: m.span.slice(&source.text),
                    });
                }
            }
            JsonEntity { name: &e.name, kind: e.kind.as_str(), aliases: &e.aliases, counts, mentions }
        })
        .collect();
    let figures = index
        .sources
        .iter()
        .zip(texts)
        .flat_map(|(doc, source)| {
            doc.figures.iter().map(move |f| {
                let lc = source.lines.line_col(&source.text, f.span.start as usize, Encoding::Utf16);
                JsonFigure {
                    text: f.span.slice(&source.text),
                    value: f.value,
                    high: f.high,
                    unit: f.unit.label().to_string(),
                    year: f.year,
                    source: &doc.meta.key,
                    line: lc.line,
                    character: lc.col,
                    sentence: f.sentence.slice(&source.text),
                }
            })
        })
        .collect();
    JsonIndex { sources, entities, figures }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: String,
    line: u32,
    character: u32,
    end_line: u32,
    end_character: u32,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    fixes: Vec<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    preferred: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: u32,
    character: u32,
    end_line: u32,
    end_character: u32,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    source: &'a str,
    line: u32,
    character: u32,
    text: String,
}

/// `research-lsp check`.
pub fn check(args: &CheckArgs) -> ExitCode {
    let mut failed_to_read = false;
    let mut notes: Vec<PathBuf> = Vec::new();
    for path in &args.notes {
        match collect_notes(path, &mut notes) {
            Ok(()) => {}
            Err(e) => {
                eprintln!("research-lsp: error: cannot read {}: {e}", path.display());
                failed_to_read = true;
            }
        }
    }
    let index = index_of(&args.corpus);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failing = false;
    let mut json: Vec<JsonFinding<'_>> = Vec::new();
    let mut all: Vec<(PathBuf, String, Vec<Finding>)> = Vec::new();
    for path in notes {
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => text,
            Ok(Err(_)) => {
                eprintln!("research-lsp: error: cannot read {}: not UTF-8 text", path.display());
                failed_to_read = true;
                continue;
            }
            Err(e) => {
                eprintln!("research-lsp: error: cannot read {}: {e}", path.display());
                failed_to_read = true;
                continue;
            }
        };
        let note = Note::parse(&text, &index);
        let findings = checks::check(&index, &text, &note);
        failing |= findings.iter().any(|f| matches!(f.severity, Severity::Error | Severity::Warning));
        all.push((path, text, findings));
    }
    let mut result = Ok(());
    for (path, text, findings) in &all {
        let lines = LineIndex::new(text);
        for f in findings {
            if args.format == CheckFormat::Text {
                let lc = lines.line_col(text, f.span.start as usize, Encoding::Utf8);
                result = result.and_then(|_| {
                    writeln!(
                        out,
                        "{}:{}:{}: {}: {} [{}]",
                        path.display(),
                        lc.line + 1,
                        lc.col + 1,
                        f.severity.as_str(),
                        f.message,
                        f.code
                    )
                });
            } else {
                json.push(json_finding(&index, path, text, &lines, f));
            }
        }
    }
    if args.format == CheckFormat::Json {
        result = serde_json::to_writer(&mut out, &json).map_err(std::io::Error::other).and_then(|_| writeln!(out));
    }
    match result.and_then(|_| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("research-lsp: error: cannot write the findings: {e}");
            return ExitCode::from(2);
        }
    }
    if failed_to_read {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Adds `path` to `out` when it is a file, or the Markdown files under it, sorted, when it is a directory.
fn collect_notes(path: &std::path::Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if entry.is_dir() {
            if !name.starts_with('.') && name != "node_modules" {
                collect_notes(&entry, out)?;
            }
        } else {
            let ext = entry.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            if ext == "md" || ext == "markdown" {
                out.push(entry);
            }
        }
    }
    Ok(())
}

fn json_finding<'a>(
    index: &'a Index,
    path: &std::path::Path,
    text: &str,
    lines: &LineIndex,
    f: &'a Finding,
) -> JsonFinding<'a> {
    let at = |offset: u32| lines.line_col(text, offset as usize, Encoding::Utf16);
    let (start, end) = (at(f.span.start), at(f.span.end));
    let fixes = f
        .fixes
        .iter()
        .map(|fix| JsonFix {
            title: &fix.title,
            preferred: fix.preferred,
            edits: fix
                .edits
                .iter()
                .map(|(span, new_text)| {
                    let (s, e) = (at(span.start), at(span.end));
                    JsonEdit { line: s.line, character: s.col, end_line: e.line, end_character: e.col, new_text }
                })
                .collect(),
        })
        .collect();
    let related = f
        .related
        .iter()
        .filter_map(|(sid, span)| {
            let doc = index.sources.get(*sid as usize)?;
            let source = doc.text().ok()?;
            let lc = source.lines.line_col(&source.text, span.start as usize, Encoding::Utf16);
            let text = span.slice(&source.text).to_string();
            Some(JsonRelated { source: &doc.meta.key, line: lc.line, character: lc.col, text })
        })
        .collect();
    JsonFinding {
        path: path.display().to_string(),
        line: start.line,
        character: start.col,
        end_line: end.line,
        end_character: end.col,
        severity: f.severity.as_str(),
        code: f.code,
        message: &f.message,
        fixes,
        related,
    }
}
