//! Server time of hover, definition and completion on the seed corpus, and the time to build its index.
//!
//! `cargo bench --bench analysis`. The note is parsed once per edit in the server (and cached per version),
//! so the request benchmarks measure the analysis call on a parsed note, plus one benchmark of the parse.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use research_lsp::analysis::{completion, hover, locations, NoLinks};
use research_lsp::corpus;
use research_lsp::index::Index;
use research_lsp::note::Note;

const NOTE: &str =
    "# Notes on Central Asia\n\nKazakhstan joined the Eurasian Economic Union (EAEU) early [@cafiero2025].\n\
Trade reached $41-42 billion a year [@valdai], and Kazakhstan exports 80% of its oil.\n\n\
Putin visited all five Central Asian nations. Kaz\n";

fn offset(needle: &str) -> usize {
    NOTE.find(needle).expect("needle in note") + 1
}

fn benches(c: &mut Criterion) {
    c.bench_function("index_build_seeds", |b| b.iter(|| Index::build(black_box(corpus::seeds()))));
    let index = Index::build(corpus::seeds());
    c.bench_function("note_parse", |b| b.iter(|| Note::parse(black_box(NOTE), &index)));
    let note = Note::parse(NOTE, &index);
    c.bench_function("hover_entity", |b| {
        b.iter(|| hover::hover(&index, NOTE, &note, black_box(offset("Kazakhstan joined")), &NoLinks))
    });
    c.bench_function("hover_figure", |b| {
        b.iter(|| hover::hover(&index, NOTE, &note, black_box(offset("$41")), &NoLinks))
    });
    c.bench_function("hover_plain_word", |b| {
        b.iter(|| hover::hover(&index, NOTE, &note, black_box(offset("joined")), &NoLinks))
    });
    c.bench_function("definition_entity", |b| {
        b.iter(|| locations::definition(&index, &note, black_box(offset("Kazakhstan joined"))))
    });
    let end = NOTE.len() - 1;
    c.bench_function("completion_entity", |b| b.iter(|| completion::complete(&index, NOTE, &note, black_box(end))));
    let cite = offset("@cafiero2025") + 3;
    c.bench_function("completion_citation", |b| b.iter(|| completion::complete(&index, NOTE, &note, black_box(cite))));
}

criterion_group!(analysis, benches);
criterion_main!(analysis);
