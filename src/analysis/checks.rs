//! Checks: a note's citations, figures and quotations verified against the sources.
//!
//! [`check`] returns every finding of a note, sorted by span; each is plain data (span, severity, code,
//! message, quick fixes as text edits, and the places in the sources that back it), which the server turns
//! into diagnostics and code actions and the `check` command prints. The checks:
//!
//! - `unknown-citation` (warning): a key no source has, with fixes offering the closest keys (edit distance,
//!   best three). Pandoc-crossref labels (`@fig:`, `@sec:`, `@tbl:`, `@eq:`, `@lst:`) are not citations.
//! - `figure-not-in-source` (warning): a figure whose citations name sources none of which holds the same
//!   quantity in any notation. The message names the sources that do hold it (a fix changes the citation)
//!   and quotes a close figure of the cited source (same unit, within 10%, in a sentence sharing content
//!   words with the note's).
//! - `misquotation` (warning): a quotation of [`MISQUOTE_MIN_WORDS`] words or more that no source holds
//!   exactly. Where a source holds a close variant, the message shows its wording and a fix puts it in,
//!   citing the source if the quotation cites nothing.
//! - `quote-not-in-source` (warning): a quotation held word for word by some source, but by none that it
//!   cites; a fix changes the citation.
//! - `uncited-source` (hint): a figure or a quotation of [`SOURCED_MIN_WORDS`] words or more with no
//!   citation, which exactly one source holds; a fix cites it.
//!
//! Which citations a figure or a quotation has: those in its sentence of the note (sentences as
//! [`crate::extract::sentences::split`] cuts the note; a quotation's sentences are all those it overlaps,
//! and a blockquote's citations are those inside it), else a citation right after the closing quotation
//! mark or after the blockquote, else a citation right after the sentence's end (`… in 2024. [@key]`).
//! "Right after" allows spaces, one line break and a dash in between.
//!
//! Which figures are checked: money, percentages and multipliers always; counts only when written in
//! digits and at least 10 (`35,000 jobs`), since counts in words (`five countries`) are prose, not data.
//! A figure inside a quotation is left to the quotation's check. Nothing inside code is checked (the note
//! parser leaves code out). An index with no sources gives no findings.
//!
//! Guarantees: every wording and excerpt in a message is a verbatim piece of its source (line breaks shown
//! as spaces); every fix's edits are spans of the note's text, in order and not overlapping.

use std::collections::HashSet;

use std::cell::RefCell;

use super::quotes::{self, one_line, QuoteIndex, QuoteWords, SourceMatch, SourceWords};
use super::shorten;
use crate::extract::{self, Figure, Sentence, Unit};
use crate::index::{EntityId, Index, SourceId, SourceText};
use crate::note::{Citation, Note, Quote};
use crate::text::Span;
use std::sync::Arc;

/// A quotation shorter than this (in words) is never reported as a misquotation.
pub const MISQUOTE_MIN_WORDS: usize = 8;
/// A quotation shorter than this (in words) is too common to name its source (hint and hover).
pub const SOURCED_MIN_WORDS: usize = 3;
/// How far (relative) a source's figure may be from the note's to be quoted as a close figure.
pub const CLOSE_FIGURE: f64 = 0.10;
/// The longest source sentence quoted in a message, in characters.
pub const MESSAGE_EXCERPT_CHARS: usize = 160;

pub const UNKNOWN_CITATION: &str = "unknown-citation";
pub const FIGURE_NOT_IN_SOURCE: &str = "figure-not-in-source";
pub const MISQUOTATION: &str = "misquotation";
pub const QUOTE_NOT_IN_SOURCE: &str = "quote-not-in-source";
pub const UNCITED_SOURCE: &str = "uncited-source";

/// How serious a finding is, in LSP's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    /// The word a compiler would print: `error`, `warning`, `info`, `hint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }
}

/// A quick fix: text edits of the note, spans in order and not overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<(Span, String)>,
    pub preferred: bool,
}

/// One finding of a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub span: Span,
    pub severity: Severity,
    /// `unknown-citation`, `figure-not-in-source`, `misquotation`, `quote-not-in-source`, `uncited-source`.
    pub code: &'static str,
    pub message: String,
    pub fixes: Vec<Fix>,
    /// Where sources hold what the finding is about: spans of the sources' texts.
    pub related: Vec<(SourceId, Span)>,
}

/// Where a source holds a quotation of the note word for word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteMatch {
    /// The quotation in the note, with its marks.
    pub quote: Span,
    pub source: SourceId,
    /// From the first quoted word to the last, in the source.
    pub span: Span,
    /// One span per part of the quotation between elisions.
    pub parts: Vec<Span>,
}

/// Runs every check on a note. The quote index is built on the first call that meets a quotation and kept
/// (see [`QuoteIndex::shared`]).
pub fn check(index: &Index, text: &str, note: &Note) -> Vec<Finding> {
    if note.quotes.is_empty() {
        check_with(index, &QuoteIndex::default(), text, note)
    } else {
        check_with(index, &QuoteIndex::shared(index), text, note)
    }
}

/// Runs every check on a note with a quote index the caller keeps.
pub fn check_with(index: &Index, quote_index: &QuoteIndex, text: &str, note: &Note) -> Vec<Finding> {
    if index.sources.is_empty() {
        return Vec::new();
    }
    let cx = Context {
        index,
        qi: quote_index,
        text,
        note,
        sentences: extract::sentences::split(text),
        words: RefCell::default(),
    };
    let mut out = Vec::new();
    for c in &note.citations {
        cx.unknown_citation(c, &mut out);
    }
    for f in &note.figures {
        cx.figure(f, &mut out);
    }
    for q in &note.quotes {
        cx.quote(q, &mut out);
    }
    out.sort_by(|a, b| a.span.cmp(&b.span).then(a.severity.cmp(&b.severity)));
    out
}

/// The source holding a quotation of the note at `offset` word for word (cited sources first), for a hover.
/// Quotations under [`SOURCED_MIN_WORDS`] words give `None`.
pub fn quote_at(index: &Index, text: &str, note: &Note, offset: usize) -> Option<QuoteMatch> {
    let quote = note.quotes.iter().filter(|q| q.outer.touches(offset)).min_by_key(|q| q.outer.len())?;
    let skip: Vec<Span> = note.citations.iter().map(|c| c.group.unwrap_or(c.at_span)).collect();
    let words = QuoteWords::new(text, quote.inner, &skip);
    if words.len() < SOURCED_MIN_WORDS {
        return None;
    }
    let empty = QuoteIndex::default();
    let cx = Context {
        index,
        qi: &empty,
        text,
        note,
        sentences: extract::sentences::split(text),
        words: RefCell::default(),
    };
    let prefer = cx.known_sources(&cx.quote_citations(quote));
    let qi = QuoteIndex::shared(index);
    let mut cache = SourceWords::default();
    let found = quotes::find_exact(index, &qi, &mut cache, text, &words, &prefer, 1).into_iter().next()?;
    Some(QuoteMatch { quote: quote.outer, source: found.source, span: found.span(), parts: found.parts })
}

/// The first mention of each entity in the note, with the number of sources that mention it, by position.
pub fn entity_first_mentions(index: &Index, note: &Note) -> Vec<(Span, EntityId, usize)> {
    let mut seen: HashSet<EntityId> = HashSet::new();
    let mut mentions = note.mentions.clone();
    mentions.sort_by_key(|m| m.span);
    mentions
        .into_iter()
        .filter(|m| seen.insert(m.entity))
        .filter_map(|m| Some((m.span, m.entity, index.entities.get(m.entity as usize)?.by_source.counts()[0])))
        .collect()
}

struct Context<'a> {
    index: &'a Index,
    qi: &'a QuoteIndex,
    text: &'a str,
    note: &'a Note,
    sentences: Vec<Sentence>,
    /// The words of the sources read so far in this run.
    words: RefCell<SourceWords>,
}

impl<'a> Context<'a> {
    fn key(&self, sid: SourceId) -> &str {
        &self.index.source(sid).meta.key
    }

    /// The distinct known sources of some citations, in order.
    fn known_sources(&self, cites: &[&Citation]) -> Vec<SourceId> {
        let mut out = Vec::new();
        for c in cites {
            if let Some(s) = self.index.source_by_key(&c.key) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    fn citations_in(&self, span: Span) -> Vec<&'a Citation> {
        self.note.citations.iter().filter(|c| span.contains_span(c.at_span)).collect()
    }

    /// The citations that start right after `pos`: after spaces, at most one line break and a dash or a
    /// comma. A group gives all of its citations.
    fn citations_right_after(&self, pos: usize) -> Vec<&'a Citation> {
        let rest = self.text.get(pos..).unwrap_or("");
        let mut breaks = 0;
        let mut at = rest.len();
        for (i, c) in rest.char_indices() {
            if c == '\n' {
                breaks += 1;
                if breaks > 1 {
                    return Vec::new();
                }
            } else if !(c.is_whitespace() || matches!(c, '—' | '–' | '-' | ',' | '>')) {
                at = i;
                break;
            }
        }
        let p = (pos + at) as u32;
        match self.note.citations.iter().find(|c| c.group.map_or(c.at_span.start, |g| g.start) == p) {
            Some(first) => match first.group {
                Some(g) => self.note.citations.iter().filter(|c| c.group == Some(g)).collect(),
                None => vec![first],
            },
            None => Vec::new(),
        }
    }

    /// The note sentences that overlap `span`, as one span.
    fn sentence_around(&self, span: Span) -> Span {
        let mut out = span;
        for s in
            self.sentences.iter().filter(|s| s.span.start < span.end.max(span.start + 1) && span.start < s.span.end)
        {
            out = Span::new(out.start.min(s.span.start) as usize, out.end.max(s.span.end) as usize);
        }
        out
    }

    /// The citations of a figure, by the rule in the module documentation.
    fn figure_citations(&self, f: &Figure) -> Vec<&'a Citation> {
        let sentence = if f.sentence.contains_span(f.span) { f.sentence } else { self.sentence_around(f.span) };
        let inside = self.citations_in(sentence);
        if !inside.is_empty() {
            return inside;
        }
        self.citations_right_after(sentence.end as usize)
    }

    /// The citations of a quotation, by the rule in the module documentation.
    fn quote_citations(&self, q: &Quote) -> Vec<&'a Citation> {
        if q.blockquote {
            let inside = self.citations_in(q.outer);
            if !inside.is_empty() {
                return inside;
            }
            return self.citations_right_after(q.outer.end as usize);
        }
        let sentence = self.sentence_around(q.outer);
        let inside: Vec<&Citation> =
            self.citations_in(sentence).into_iter().filter(|c| !q.outer.contains_span(c.at_span)).collect();
        if !inside.is_empty() {
            return inside;
        }
        let after = self.citations_right_after(q.outer.end as usize);
        if !after.is_empty() {
            return after;
        }
        self.citations_right_after(sentence.end as usize)
    }

    fn unknown_citation(&self, c: &Citation, out: &mut Vec<Finding>) {
        const CROSSREF: [&str; 5] = ["fig:", "sec:", "tbl:", "eq:", "lst:"];
        if self.index.source_by_key(&c.key).is_some() || CROSSREF.iter().any(|p| c.key.starts_with(p)) {
            return;
        }
        let close = closest_keys(self.index, &c.key, 3);
        let mut message = format!("unknown citation key @{}: no source has it", c.key);
        if !close.is_empty() {
            let names: Vec<String> = close.iter().map(|(k, _)| format!("@{k}")).collect();
            message.push_str(&format!("; did you mean {}?", join_or(&names)));
        }
        let unique_best = close.len() == 1 || (close.len() > 1 && close[0].1 < close[1].1);
        let fixes = close
            .iter()
            .enumerate()
            .map(|(i, (k, _))| Fix {
                title: format!("Change to @{k}"),
                edits: vec![(c.key_span, k.clone())],
                preferred: i == 0 && unique_best,
            })
            .collect();
        out.push(Finding {
            span: c.key_span,
            severity: Severity::Warning,
            code: UNKNOWN_CITATION,
            message,
            fixes,
            related: Vec::new(),
        });
    }

    fn figure(&self, f: &Figure, out: &mut Vec<Finding>) {
        if !is_checked_figure(f, self.text) || self.note.quotes.iter().any(|q| q.outer.contains_span(f.span)) {
            return;
        }
        let written = one_line(f.span.slice(self.text));
        let cites = self.figure_citations(f);
        let cited = self.known_sources(&cites);
        let holders = self.index.figures_like(f);
        let mut holder_sources: Vec<SourceId> = Vec::new();
        for r in &holders {
            if !holder_sources.contains(&r.source) {
                holder_sources.push(r.source);
            }
        }
        if cites.is_empty() {
            if let [only] = holder_sources.as_slice() {
                let Some((r, held)) = holders.first().and_then(|r| Some((r, self.index.figure(*r)?))) else { return };
                let at = self.citation_point(f.sentence);
                out.push(uncited_hint(f.span, &written, self.key(*only), at, (r.source, held.span)));
            }
            return;
        }
        if cited.is_empty() || holder_sources.iter().any(|s| cited.contains(s)) {
            // Unknown keys have their own finding; a cited source that holds the figure is what we want.
            return;
        }
        let cited_names: Vec<String> = cited.iter().map(|s| format!("[@{}]", self.key(*s))).collect();
        let mut message = if cited.len() == 1 {
            format!("{written} is not in {}", cited_names[0])
        } else {
            format!("{written} is in none of {}", cited_names.join(", "))
        };
        let mut related: Vec<(SourceId, Span)> = Vec::new();
        if let Some((sid, close, source)) = self.close_figure(f, &cited) {
            message.push_str(&format!(
                "; it has {}: “{}”",
                one_line(close.span.slice(&source.text)),
                sentence_excerpt(&source.text, close.sentence, close.span)
            ));
            related.push((sid, close.span));
        }
        let others: Vec<SourceId> = holder_sources.iter().copied().filter(|s| !cited.contains(s)).collect();
        if !others.is_empty() {
            let names: Vec<String> = others.iter().take(3).map(|s| format!("[@{}]", self.key(*s))).collect();
            let more = others.len().saturating_sub(3);
            let verb = if others.len() == 1 { "has" } else { "have" };
            let list = if more > 0 { format!("{} and {more} more", names.join(", ")) } else { join_and(&names) };
            message.push_str(&format!("; {list} {verb} it"));
            for r in holders.iter().filter(|r| others.contains(&r.source)).take(8) {
                if let Some(held) = self.index.figure(*r) {
                    related.push((r.source, held.span));
                }
            }
        }
        let fixes =
            others.iter().take(3).map(|s| self.recite_fix(&cites, self.key(*s), f.span, others.len() == 1)).collect();
        out.push(Finding {
            span: f.span,
            severity: Severity::Warning,
            code: FIGURE_NOT_IN_SOURCE,
            message,
            fixes,
            related,
        });
    }

    /// A fix that makes a figure or a quotation cite `key`: it changes the key of the only citation in
    /// scope, or adds `key` to the group of the last one (or after `anchor` when that has no group).
    fn recite_fix(&self, cites: &[&Citation], key: &str, anchor: Span, preferred: bool) -> Fix {
        if let [only] = cites {
            return Fix {
                title: format!("Change the citation to [@{key}]"),
                edits: vec![(only.key_span, key.to_string())],
                preferred,
            };
        }
        let edit = match cites.last().and_then(|c| c.group) {
            Some(g) => (Span::new(g.end as usize - 1, g.end as usize - 1), format!("; @{key}")),
            None => (Span::new(anchor.end as usize, anchor.end as usize), format!(" [@{key}]")),
        };
        Fix { title: format!("Add [@{key}]"), edits: vec![edit], preferred }
    }

    /// Where a citation goes in a sentence: before its final `.`, `!`, `?` or `…` (and closing quotation
    /// marks after it), else at its end.
    fn citation_point(&self, sentence: Span) -> Span {
        let s = sentence.slice(self.text);
        let trimmed = s.trim_end_matches(['”', '"', '’', '\'', ')']);
        let end = match trimmed.chars().next_back() {
            Some(c @ ('.' | '!' | '?' | '…')) => sentence.start as usize + trimmed.len() - c.len_utf8(),
            _ => sentence.end as usize,
        };
        Span::new(end, end)
    }

    /// A figure of a cited source with the same unit, within [`CLOSE_FIGURE`], in a sentence that shares
    /// content words with the note's sentence: one for the same year first (when both say), then the
    /// nearest in value, then the one sharing most words.
    fn close_figure(&self, f: &Figure, cited: &[SourceId]) -> Option<(SourceId, &'a Figure, Arc<SourceText>)> {
        let note_words = content_words(self.text, f.sentence);
        let mut best: Option<((bool, f64, usize), SourceId, &Figure, Arc<SourceText>)> = None;
        for &sid in cited {
            let doc = self.index.source(sid);
            let mut source: Option<Arc<SourceText>> = None;
            for g in doc.figures.iter().filter(|g| g.unit == f.unit && g.high.is_some() == f.high.is_some()) {
                let distance = relative_distance(f, g);
                if distance > CLOSE_FIGURE {
                    continue;
                }
                // The text is read only for a source with a figure close enough; one that cannot be read
                // offers none.
                if source.is_none() {
                    source = doc.text().ok();
                }
                let Some(text) = &source else { break };
                let shared = content_words(&text.text, g.sentence).intersection(&note_words).count();
                if shared == 0 {
                    continue;
                }
                let other_year = f.year.is_some() && g.year.is_some() && f.year != g.year;
                let rank = (other_year, distance, usize::MAX - shared);
                if best.as_ref().is_none_or(|b| rank.partial_cmp(&b.0) == Some(std::cmp::Ordering::Less)) {
                    best = Some((rank, sid, g, text.clone()));
                }
            }
        }
        best.map(|(_, sid, g, text)| (sid, g, text))
    }

    fn quote(&self, q: &Quote, out: &mut Vec<Finding>) {
        if q.blockquote && q.inner.slice(self.text).starts_with("[!") {
            // A GitHub alert (`> [!NOTE]`) is a callout, not a quotation.
            return;
        }
        let skip: Vec<Span> = self.note.citations.iter().map(|c| c.group.unwrap_or(c.at_span)).collect();
        let words = QuoteWords::new(self.text, q.inner, &skip);
        if words.len() < SOURCED_MIN_WORDS {
            return;
        }
        let cites = self.quote_citations(q);
        let cited = self.known_sources(&cites);
        let exact = quotes::find_exact(self.index, self.qi, &mut self.words.borrow_mut(), self.text, &words, &cited, 2);
        if let Some(first) = exact.first() {
            if cites.is_empty() && exact.len() == 1 {
                let at = self.quote_citation_point(q);
                out.push(uncited_hint(
                    q.outer,
                    "this quotation",
                    self.key(first.source),
                    at,
                    (first.source, first.span()),
                ));
            } else if !cited.is_empty() && !cited.contains(&first.source) {
                let key = self.key(first.source).to_string();
                let cited_names: Vec<String> = cited.iter().map(|s| format!("[@{}]", self.key(*s))).collect();
                out.push(Finding {
                    span: q.outer,
                    severity: Severity::Warning,
                    code: QUOTE_NOT_IN_SOURCE,
                    message: format!("this quotation is not in {}; [@{key}] has it", join_or(&cited_names)),
                    fixes: vec![self.recite_fix(&cites, &key, q.outer, true)],
                    related: exact.iter().map(|m| (m.source, m.span())).collect(),
                });
            }
            return;
        }
        if words.len() < MISQUOTE_MIN_WORDS {
            return;
        }
        let close = quotes::find_close(self.index, self.qi, &mut self.words.borrow_mut(), &words, &cited);
        match close {
            Some(variant) => out.push(self.misquotation(q, &words, &cites, &variant)),
            None => out.push(Finding {
                span: q.outer,
                severity: Severity::Warning,
                code: MISQUOTATION,
                message: format!("this quotation of {} words is in no source, not even approximately", words.len()),
                fixes: Vec::new(),
                related: Vec::new(),
            }),
        }
    }

    /// A misquotation with a close variant. The fix replaces the quotation from its first word to its last,
    /// keeping the note's punctuation around them, and cites the source when the quotation cites nothing.
    fn misquotation(&self, q: &Quote, words: &QuoteWords, cites: &[&Citation], variant: &SourceMatch) -> Finding {
        let doc = self.index.source(variant.source);
        let key = doc.meta.key.clone();
        let wording = match doc.text() {
            Ok(source) => variant.wording(&source.text),
            Err(e) => {
                return Finding {
                    span: q.outer,
                    severity: Severity::Warning,
                    code: MISQUOTATION,
                    message: format!("misquotation: [@{key}] reads otherwise (its wording cannot be shown: {e})"),
                    fixes: Vec::new(),
                    related: variant.parts.iter().map(|p| (variant.source, *p)).collect(),
                };
            }
        };
        let mut message = format!("misquotation: [@{key}] reads “{wording}”");
        if variant.edits == 0 {
            message.push_str(" (the words agree; case or punctuation differ)");
        }
        let cite = cites.is_empty();
        let (first, last) = match (words.words.first(), words.words.last()) {
            (Some(a), Some(b)) => (a.span.start as usize, b.span.end as usize),
            _ => (q.inner.start as usize, q.inner.end as usize),
        };
        let replaced = Span::new(first, last);
        let cite_at = self.quote_citation_point(q);
        let mut edits = Vec::new();
        if cite && cite_at.start == replaced.end {
            // One edit, since an insertion at the end of a replaced span would touch it.
            edits.push((replaced, format!("{wording} [@{key}]")));
        } else {
            edits.push((replaced, wording));
            if cite {
                edits.push((cite_at, format!(" [@{key}]")));
            }
        }
        let title = if cite {
            format!("Replace with the wording of [@{key}] and cite it")
        } else {
            format!("Replace with the wording of [@{key}]")
        };
        Finding {
            span: q.outer,
            severity: Severity::Warning,
            code: MISQUOTATION,
            message,
            fixes: vec![Fix { title, edits, preferred: true }],
            related: variant.parts.iter().map(|p| (variant.source, *p)).collect(),
        }
    }

    /// Where a citation of a quotation goes: right after the closing mark, or after a blockquote's words.
    fn quote_citation_point(&self, q: &Quote) -> Span {
        let at = if q.blockquote { q.inner.end } else { q.outer.end } as usize;
        Span::new(at, at)
    }
}

/// Whether a figure is data worth checking (see the module documentation).
fn is_checked_figure(f: &Figure, text: &str) -> bool {
    match f.unit {
        Unit::Money(_) | Unit::Percent | Unit::Multiplier => true,
        Unit::Count(_) => f.value >= 10.0 && f.span.slice(text).starts_with(|c: char| c.is_ascii_digit()),
    }
}

/// How far apart two figures of one unit are, relative to the larger (ranges by their midpoints).
fn relative_distance(a: &Figure, b: &Figure) -> f64 {
    let mid = |f: &Figure| f.high.map_or(f.value, |h| (f.value + h) / 2.0);
    let (x, y) = (mid(a), mid(b));
    let scale = x.abs().max(y.abs());
    if scale == 0.0 {
        0.0
    } else {
        (x - y).abs() / scale
    }
}

/// The lower-case content words of a sentence: four letters or more, not a common function word or a
/// figure's scale word.
fn content_words(text: &str, span: Span) -> HashSet<String> {
    const COMMON: &[&str] = &[
        "that",
        "this",
        "with",
        "from",
        "have",
        "were",
        "been",
        "their",
        "which",
        "than",
        "about",
        "into",
        "over",
        "more",
        "also",
        "such",
        "other",
        "after",
        "before",
        "between",
        "while",
        "would",
        "could",
        "there",
        "these",
        "those",
        "will",
        "they",
        "them",
        "what",
        "when",
        "where",
        "year",
        "years",
        "some",
        "most",
        "only",
        "said",
        "says",
        "million",
        "billion",
        "trillion",
        "thousand",
        "percent",
        "cent",
        "dollars",
        "around",
        "about",
        "nearly",
        "almost",
        "approximately",
        "total",
    ];
    quotes::tokenize(text, span)
        .into_iter()
        .map(|w| w.span.slice(text).to_lowercase())
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic) && !COMMON.contains(&w.as_str()))
        .collect()
}

/// The sentence of a source around `focus`, shortened to [`MESSAGE_EXCERPT_CHARS`] with `…` where cut, on
/// one line.
fn sentence_excerpt(text: &str, sentence: Span, focus: Span) -> String {
    let window = shorten(text, sentence, focus, MESSAGE_EXCERPT_CHARS);
    let mut out = String::new();
    if window.start > sentence.start {
        out.push('…');
    }
    out.push_str(&one_line(window.slice(text)));
    if window.end < sentence.end {
        out.push('…');
    }
    out
}

/// The `uncited-source` hint on `span`: `what` is held by the source `key` alone, which the note does not
/// cite; the fix inserts the citation at `at`.
fn uncited_hint(span: Span, what: &str, key: &str, at: Span, related: (SourceId, Span)) -> Finding {
    Finding {
        span,
        severity: Severity::Hint,
        code: UNCITED_SOURCE,
        message: format!("{what} is in [@{key}], which is not cited here"),
        fixes: vec![Fix { title: format!("Cite [@{key}]"), edits: vec![(at, format!(" [@{key}]"))], preferred: true }],
        related: vec![related],
    }
}

/// The keys of the corpus closest to `key` (case-insensitive edit distance), at most `n`, nearest first;
/// only keys within half the longer key's length (plus one), or holding one another.
pub fn closest_keys(index: &Index, key: &str, n: usize) -> Vec<(String, usize)> {
    let lower = key.to_lowercase();
    let mut scored: Vec<(usize, String)> = index
        .sources
        .iter()
        .map(|d| d.meta.key.as_str())
        .filter_map(|k| {
            let kl = k.to_lowercase();
            let d = levenshtein(&lower, &kl);
            let limit = lower.chars().count().max(kl.chars().count()) / 2 + 1;
            (d <= limit || kl.contains(&lower) || lower.contains(&kl)).then(|| (d, k.to_string()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(d, k)| (k, d)).collect()
}

/// The edit distance between two strings, in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

fn join_or(items: &[String]) -> String {
    join_with(items, "or")
}

fn join_and(items: &[String]) -> String {
    join_with(items, "and")
}

fn join_with(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_table() {
        let cases = [("", "", 0), ("abc", "", 3), ("valdia", "valdai", 2), ("kitten", "sitting", 3), ("ä", "a", 1)];
        for (a, b, want) in cases {
            assert_eq!(levenshtein(a, b), want, "{a} {b}");
        }
    }

    #[test]
    fn join_table() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_or(&s(&["a"])), "a");
        assert_eq!(join_or(&s(&["a", "b"])), "a or b");
        assert_eq!(join_and(&s(&["a", "b", "c"])), "a, b and c");
    }
}
