//! Hover: what the sources say of the entity, figure or citation under the cursor.
//!
//! An entity's hover gives its name, kind and aliases, then each source that mentions it, most mentions
//! first, with up to three quoting sentences. A figure's hover gives every source that cites the same
//! quantity in any notation, with the sentence that says what it measures. A citation's hover gives the
//! formatted reference. The lists are bounded, so a name found in ten thousand sources still answers at once.

use std::fmt::Write;

use super::{escape_markdown, excerpt, Linker};
use crate::corpus::SourceMeta;
use crate::extract::Figure;
use crate::index::{EntityId, Index, SourceDoc, SourceId};
use crate::note::{Note, Target};
use crate::text::Span;

/// The most sources listed in one hover.
pub const MAX_SOURCES: usize = 8;
/// The most excerpts quoted per source.
pub const MAX_EXCERPTS: usize = 3;

/// A hover: Markdown, and the span of the note it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub markdown: String,
    pub span: Span,
}

/// The hover at `offset` of a note, if something the index knows is there.
pub fn hover(index: &Index, text: &str, note: &Note, offset: usize, linker: &dyn Linker) -> Option<HoverResult> {
    match note.at(offset) {
        Some(Target::Entity(m)) => {
            Some(HoverResult { markdown: entity_markdown(index, m.entity, linker), span: m.span })
        }
        Some(Target::Figure(f)) => {
            figure_markdown(index, f, f.span.slice(text), linker).map(|markdown| HoverResult { markdown, span: f.span })
        }
        Some(Target::Citation(c)) => {
            Some(HoverResult { markdown: citation_markdown(index, &c.key, linker), span: c.at_span })
        }
        None => quote_hover(index, text, note, offset, linker),
    }
}

/// On a quotation that a source holds word for word: which source, with the passage and a link to it.
fn quote_hover(index: &Index, text: &str, note: &Note, offset: usize, linker: &dyn Linker) -> Option<HoverResult> {
    let found = super::checks::quote_at(index, text, note, offset)?;
    let doc = index.source(found.source);
    let mut md = format!("Quoted word for word from {}", source_heading(&doc.meta));
    md.push_str("\n\n");
    quote_line(&mut md, doc, found.span, found.span, &[], linker);
    Some(HoverResult { markdown: md, span: found.quote })
}

/// The Markdown for an entity: name, kind, aliases, then its sources with quoting sentences.
pub fn entity_markdown(index: &Index, eid: EntityId, linker: &dyn Linker) -> String {
    let entity = index.entity(eid);
    let mut md = String::new();
    let _ = write!(md, "**{}** · {}", escape_markdown(&entity.name), entity.kind.as_str());
    if !entity.aliases.is_empty() {
        let aliases: Vec<String> = entity.aliases.iter().map(|a| escape_markdown(a)).collect();
        let _ = write!(md, "  \nalso: {}", aliases.join(", "));
    }
    let n = entity.by_source.len();
    let _ = write!(
        md,
        "\n\n{} in {} {}",
        plural(entity.total as usize, "mention"),
        n,
        if n == 1 { "source" } else { "sources" }
    );
    for (sid, mention_ids) in entity.by_source.iter().take(MAX_SOURCES) {
        let doc = index.source(*sid);
        md.push_str("\n\n---\n\n");
        md.push_str(&source_heading(&doc.meta));
        let _ = write!(md, " · {}", plural(mention_ids.len(), "mention"));
        let bold: Vec<Span> = mention_ids.iter().filter_map(|&i| doc.mention(i)).map(|m| m.span).collect();
        let mut shown: Vec<Span> = Vec::new();
        for &span in &bold {
            if shown.len() >= MAX_EXCERPTS {
                break;
            }
            let Some(sentence) = index.sentence_of(*sid, span) else { continue };
            if shown.contains(&sentence) {
                continue;
            }
            shown.push(sentence);
            md.push_str("\n\n");
            quote_line(&mut md, doc, sentence, span, &bold, linker);
        }
    }
    if n > MAX_SOURCES {
        let _ = write!(md, "\n\n---\n\n…and {} more sources (Find References lists every mention)", n - MAX_SOURCES);
    }
    md
}

/// The Markdown for a figure: every source that cites the same quantity, with its sentence. `None` when no
/// source does.
pub fn figure_markdown(index: &Index, figure: &Figure, written: &str, linker: &dyn Linker) -> Option<String> {
    let refs = index.figures_like(figure);
    if refs.is_empty() {
        return None;
    }
    let by_source: Vec<(SourceId, Vec<&Figure>)> = index
        .figures_like_by_source(figure)
        .into_iter()
        .map(|(sid, refs)| (sid, refs.iter().filter_map(|r| index.figure(*r)).collect()))
        .collect();
    let mut md = String::new();
    let _ = write!(md, "**{}** · {}", escape_markdown(written), quantity(figure));
    let n = by_source.len();
    let _ = write!(md, "\n\ncited by {} {}", n, if n == 1 { "source" } else { "sources" });
    for (sid, figs) in by_source.iter().take(MAX_SOURCES) {
        let doc = index.source(*sid);
        md.push_str("\n\n---\n\n");
        md.push_str(&source_heading(&doc.meta));
        let mut shown: Vec<Span> = Vec::new();
        for f in figs.iter().take(MAX_EXCERPTS) {
            if shown.contains(&f.sentence) {
                continue;
            }
            shown.push(f.sentence);
            md.push_str("\n\n");
            let bold: Vec<Span> = figs.iter().map(|g| g.span).collect();
            quote_line(&mut md, doc, f.sentence, f.span, &bold, linker);
        }
    }
    if n > MAX_SOURCES {
        let _ = write!(md, "\n\n---\n\n…and {} more sources", n - MAX_SOURCES);
    }
    Some(md)
}

/// The normalised quantity of a figure, for display: `41000000000–42000000000 USD`.
pub fn quantity(f: &Figure) -> String {
    let num = |v: f64| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            group_thousands(v as i64)
        } else {
            format!("{v}")
        }
    };
    match f.high {
        Some(h) => format!("{}–{} {}", num(f.value), num(h), f.unit.label()),
        None => format!("{} {}", num(f.value), f.unit.label()),
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// The Markdown for a citation key: the formatted reference and a link to the source, or a note that the
/// corpus has no such key.
pub fn citation_markdown(index: &Index, key: &str, linker: &dyn Linker) -> String {
    let Some(sid) = index.source_by_key(key) else {
        return format!("Unknown citation key `@{}`: no source in the corpus has it.", key.replace('`', "'"));
    };
    let doc = index.source(sid);
    let mut md = format!("**@{}**\n\n{}", escape_markdown(key), reference(&doc.meta));
    // The entities the source mentions: those of its names (each distinct name has a mention).
    let mut entities: Vec<EntityId> = doc.entity_of_name.iter().flatten().copied().collect();
    entities.sort_unstable();
    entities.dedup();
    let entities = entities.len();
    let _ = write!(
        md,
        "\n\n{} · {} · {}",
        plural(entities, "entity"),
        plural(doc.figures.counts()[0], "figure"),
        plural(doc.len, "byte")
    );
    if let Some(link) = linker.link(doc, Span::new(0, 0)) {
        let _ = write!(md, "\n\n[Open source]({link})");
    }
    md
}

/// A formatted reference: `Author (Date). *Title*. Publisher.`
pub fn reference(meta: &SourceMeta) -> String {
    let mut out = String::new();
    if let Some(author) = &meta.author {
        out.push_str(&escape_markdown(author));
        out.push(' ');
    }
    if let Some(date) = &meta.date {
        let _ = write!(out, "({}). ", escape_markdown(date));
    } else if !out.is_empty() {
        out.push_str("(n.d.). ");
    }
    let _ = write!(out, "*{}*.", escape_markdown(meta.title.trim_end_matches('.')));
    if let Some(publisher) = &meta.publisher {
        let _ = write!(out, " {}.", escape_markdown(publisher.trim_end_matches('.')));
    }
    out
}

/// The heading of one source in a hover: key, author, title, date.
fn source_heading(meta: &SourceMeta) -> String {
    let mut out = format!("**[@{}]**", escape_markdown(&meta.key));
    if let Some(author) = &meta.author {
        let _ = write!(out, " {},", escape_markdown(author));
    }
    let _ = write!(out, " *{}*", escape_markdown(&meta.title));
    match (&meta.publisher, &meta.date) {
        (Some(p), Some(d)) => {
            let _ = write!(out, " ({}, {})", escape_markdown(p), escape_markdown(d));
        }
        (Some(p), None) => {
            let _ = write!(out, " ({})", escape_markdown(p));
        }
        (None, Some(d)) => {
            let _ = write!(out, " ({})", escape_markdown(d));
        }
        (None, None) => {}
    }
    out
}

/// Appends one blockquote line: the excerpt and, where the linker makes one, a link to it.
fn quote_line(md: &mut String, doc: &SourceDoc, sentence: Span, focus: Span, bold: &[Span], linker: &dyn Linker) {
    md.push_str("> ");
    match doc.text() {
        Ok(source) => md.push_str(&excerpt(&source.text, sentence, focus, bold)),
        Err(e) => {
            let _ = write!(md, "*({e})*");
        }
    }
    if let Some(link) = linker.link(doc, sentence) {
        let _ = write!(md, " [↗]({link})");
    }
}

fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("1 {word}"),
        (_, "entity") => format!("{n} entities"),
        _ => format!("{n} {word}s"),
    }
}
