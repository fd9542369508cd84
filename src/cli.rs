//! The command line: the same index and analysis as the server, printed for a terminal.
//!
//! `research-lsp index --json` prints the index as one JSON object (sources, entities with their mentions,
//! figures with their sentences); `--stats` prints one summary line. Warnings about skipped files go to
//! stderr; errors are one line on stderr and a non-zero exit.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::corpus;
use crate::index::Index;
use crate::text::Encoding;

#[derive(Parser, Debug)]
#[command(name = "research-lsp", version, about = "A language server for research notes, answered from a corpus of sources")]
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
pub fn index(args: &IndexArgs) -> ExitCode {
    let started = Instant::now();
    let corpus = if args.corpus.is_empty() { corpus::seeds() } else { corpus::load(&args.corpus) };
    for w in &corpus.warnings {
        eprintln!("research-lsp: warning: {w}");
    }
    let index = Index::build(corpus);
    let elapsed = started.elapsed();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = if args.json {
        serde_json::to_writer(&mut out, &to_json(&index)).map_err(std::io::Error::other).and_then(|_| writeln!(out))
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

fn to_json(index: &Index) -> JsonIndex<'_> {
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
            bytes: s.text.len(),
        })
        .collect();
    let entities = index
        .entities
        .iter()
        .map(|e| {
            let counts = e.by_source.iter().map(|(sid, m)| (index.source(*sid).meta.key.as_str(), m.len())).collect();
            let mut mentions = Vec::with_capacity(e.total as usize);
            for (sid, ids) in &e.by_source {
                let doc = index.source(*sid);
                for &i in ids {
                    let Some(m) = doc.mentions.get(i as usize) else { continue };
                    let lc = doc.lines.line_col(&doc.text, m.span.start as usize, Encoding::Utf16);
                    mentions.push(JsonMention {
                        source: &doc.meta.key,
                        line: lc.line,
                        character: lc.col,
                        text: m.span.slice(&doc.text),
                    });
                }
            }
            JsonEntity { name: &e.name, kind: e.kind.as_str(), aliases: &e.aliases, counts, mentions }
        })
        .collect();
    let figures = index
        .sources
        .iter()
        .flat_map(|doc| {
            doc.figures.iter().map(move |f| {
                let lc = doc.lines.line_col(&doc.text, f.span.start as usize, Encoding::Utf16);
                JsonFigure {
                    text: f.span.slice(&doc.text),
                    value: f.value,
                    high: f.high,
                    unit: f.unit.label(),
                    year: f.year,
                    source: &doc.meta.key,
                    line: lc.line,
                    character: lc.col,
                    sentence: f.sentence.slice(&doc.text),
                }
            })
        })
        .collect();
    JsonIndex { sources, entities, figures }
}
