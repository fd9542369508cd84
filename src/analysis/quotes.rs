//! Quote matching: finding where the sources hold a note's quotation, exactly or as a close variant.
//!
//! Texts are compared as sequences of words. A word is a run of letters and digits, with apostrophes
//! inside it (`Russia’s`) folded to `'`; what lies between two words is their gap, compared after folding:
//! whitespace (line breaks included), quotation marks and Markdown markup (`*`, `_`, `` ` ``, `>`, `\`, `~`)
//! are dropped, and every dash (`-`, `‐`, `‑`, `–`, `—`, `−`) is one `-`. So a quotation matches across
//! curly against straight quotes, re-wrapped lines and blockquote markers.
//!
//! An **exact** match holds the same words with the same case, except the first letter of the quotation
//! and of each part after an elision, and the same gaps between them (the punctuation before the first
//! word and after the last one is not compared, since notes move a final full stop inside or outside the
//! quotation marks). An elision, `…`, `...` or `[…]` in the note, matches any run of at most
//! [`MAX_ELIDED_WORDS`] words of the source that crosses no blank line (the same paragraph). A **close**
//! variant is the best word-level alignment (edit distance over words, elisions skipping for free) in
//! which at most a fifth of the quotation's words are substituted, missing or added.
//!
//! Cost: the corpus is never scanned character by character per quotation. [`QuoteIndex`] maps each word
//! (a 64-bit hash of its lower-case form) to the sources that hold it, built once per index (lazily, on the
//! first check that needs it) in one parallel pass over the corpus; its size is about 4 bytes per distinct
//! word per source plus one map entry per distinct word. A quotation then looks only at the sources that
//! hold its rarest words (at most [`MAX_CANDIDATES`], cited sources first), tokenises each of them once per
//! run of checks ([`SourceWords`]), and aligns only in windows around the occurrences of those rare words.
//!
//! Guarantees: every span returned is a span of its source's text on word boundaries, so a wording cut
//! with it is verbatim; nothing here panics on any input.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::index::{Index, SourceId, SourceText};
use crate::text::Span;

/// The most words of the source an elision may stand for.
pub const MAX_ELIDED_WORDS: usize = 100;
/// The most sources a quotation is aligned against (cited sources come on top).
pub const MAX_CANDIDATES: usize = 8;
/// The most sources read in search of an exact match (those holding every word of the quotation).
pub const MAX_EXACT_SCAN: usize = 64;
/// The longest quotation (in words) that is searched for a close variant; longer ones are matched exactly
/// only, which keeps the alignment bounded.
pub const MAX_FUZZY_WORDS: usize = 400;

/// One word of a text: its span and the hash of its lower-case, apostrophe-folded form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub span: Span,
    pub key: u64,
}

/// A note's quotation, ready to match: its words and where each part between elisions starts.
#[derive(Clone, Debug, Default)]
pub struct QuoteWords {
    pub words: Vec<Word>,
    /// The index in `words` of the first word of each part; the first is 0. A quotation without an
    /// elision has one part.
    pub part_starts: Vec<usize>,
}

impl QuoteWords {
    /// The words of `span` of `text`, leaving out those inside any of `skip` (citations within a quote).
    pub fn new(text: &str, span: Span, skip: &[Span]) -> QuoteWords {
        let words: Vec<Word> = tokenize(text, span)
            .into_iter()
            .filter(|w| !skip.iter().any(|s| s.start < w.span.end && w.span.start < s.end))
            .collect();
        let mut part_starts = Vec::new();
        if !words.is_empty() {
            part_starts.push(0);
        }
        for i in 1..words.len() {
            let gap = text.get(words[i - 1].span.end as usize..words[i].span.start as usize).unwrap_or("");
            if normalize_gap(gap).1 {
                part_starts.push(i);
            }
        }
        QuoteWords { words, part_starts }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The range of `words` that part `p` covers.
    fn part(&self, p: usize) -> std::ops::Range<usize> {
        let start = self.part_starts[p];
        let end = self.part_starts.get(p + 1).copied().unwrap_or(self.words.len());
        start..end
    }

    fn is_part_start(&self, i: usize) -> bool {
        self.part_starts.binary_search(&i).is_ok()
    }
}

/// Where a source holds a quotation: one span of the source per part of the quotation (empty parts left
/// out), in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMatch {
    pub source: SourceId,
    pub parts: Vec<Span>,
    /// Word edits between the note and the source: 0 for an exact match.
    pub edits: usize,
}

impl SourceMatch {
    /// From the start of the first part to the end of the last.
    pub fn span(&self) -> Span {
        match (self.parts.first(), self.parts.last()) {
            (Some(a), Some(b)) => Span::new(a.start as usize, b.end as usize),
            _ => Span::default(),
        }
    }

    /// The source's wording: each part verbatim, line breaks shown as spaces, parts joined with ` … `.
    pub fn wording(&self, source_text: &str) -> String {
        let parts: Vec<String> = self.parts.iter().map(|p| one_line(p.slice(source_text))).collect();
        parts.join(" … ")
    }
}

/// Replaces each line break (`\r\n`, `\n`, `\r`) with one space.
pub fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

/// For each word of the corpus, the sources that hold it: how a quotation finds its candidate sources
/// without reading the corpus.
#[derive(Debug, Default)]
pub struct QuoteIndex {
    /// The content hashes of the sources of the index this was built from, to recognise that index (see
    /// [`QuoteIndex::shared`]).
    hashes: Vec<u128>,
    /// The sources of each word, as built for an earlier index of the same sources (shared with it).
    postings: Arc<WordPostings>,
    /// The sources whose text changed since `postings` was built, sorted: their entries there are stale.
    changed: Vec<SourceId>,
    /// The words of the `changed` sources now.
    added: HashMap<u64, Vec<SourceId>>,
}

/// For each word (its key, a hash), the sources whose text has it, in source order: the keys sorted, and
/// each key's sources a run of one list. Twelve bytes a distinct word and four a (word, source) pair, where
/// a map of lists took several times that (a list of its own for each of a corpus's many rare words).
#[derive(Debug, Default)]
struct WordPostings {
    keys: Vec<u64>,
    /// The sources of `keys[i]` are `sources[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    sources: Vec<SourceId>,
}

impl WordPostings {
    /// From the sorted distinct keys of each source. Built a range of keys at a time (by their top bits), so
    /// that what is sorted at once is a sixteenth of the pairs.
    fn build(per_source: &[Vec<u64>]) -> WordPostings {
        const SHARD_BITS: u32 = 4;
        let total: usize = per_source.iter().map(Vec::len).sum();
        let mut out = WordPostings { keys: Vec::new(), starts: Vec::new(), sources: Vec::with_capacity(total) };
        for shard in 0..1u64 << SHARD_BITS {
            let in_shard = |keys: &[u64]| {
                let start = keys.partition_point(|&k| k >> (64 - SHARD_BITS) < shard);
                let end = keys.partition_point(|&k| k >> (64 - SHARD_BITS) <= shard);
                start..end
            };
            let mut pairs: Vec<(u64, SourceId)> = per_source
                .par_iter()
                .enumerate()
                .flat_map_iter(|(sid, keys)| keys[in_shard(keys)].iter().map(move |&k| (k, sid as SourceId)))
                .collect();
            pairs.par_sort_unstable();
            for (key, sid) in pairs {
                if out.keys.last() != Some(&key) {
                    out.keys.push(key);
                    out.starts.push(out.sources.len() as u32);
                }
                out.sources.push(sid);
            }
        }
        out.starts.push(out.sources.len() as u32);
        out.keys.shrink_to_fit();
        out.starts.shrink_to_fit();
        out
    }

    /// The sources of the word with `key`, in source order.
    fn get(&self, key: u64) -> &[SourceId] {
        let Ok(i) = self.keys.binary_search(&key) else { return &[] };
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&start), Some(&end)) => self.sources.get(start as usize..end as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// How many changed sources a quote index follows on top of the one it was built from, before it is built
/// again.
const MAX_CHANGED: usize = 64;

/// The distinct word keys of a source's text; none for a source that cannot be read now (the index that
/// replaces it will hold them).
fn distinct_words(doc: &crate::index::SourceDoc) -> Vec<u64> {
    let Ok(source) = doc.text_once() else { return Vec::new() };
    let text = &source.text;
    let mut keys: Vec<u64> = tokenize(text, Span::new(0, text.len())).into_iter().map(|w| w.key).collect();
    keys.sort_unstable();
    keys.dedup();
    // The list was collected in place into the words' allocation (twice the size, for every word): kept
    // for every source until the map is built, that was several times the map itself.
    keys.shrink_to_fit();
    keys
}

/// The quote indexes of the last two indexes checked.
static SHARED: Mutex<Vec<Arc<QuoteIndex>>> = Mutex::new(Vec::new());

impl QuoteIndex {
    /// Builds the word map of `index` in one parallel pass over its sources.
    pub fn build(index: &Index) -> QuoteIndex {
        let per_source: Vec<Vec<u64>> = index.sources.par_iter().map(|doc| distinct_words(doc)).collect();
        let postings = WordPostings::build(&per_source);
        drop(per_source);
        QuoteIndex {
            hashes: index.sources.iter().map(|d| d.hash).collect(),
            postings: Arc::new(postings),
            changed: Vec::new(),
            added: HashMap::new(),
        }
    }

    /// The quote index of `index` from this one, built for an index of the same sources of which a few
    /// changed ([`Index::update`]): the words of the changed sources are read again, the rest shared. `None`
    /// when the sources are not the same ones or too many changed.
    fn following(&self, index: &Index) -> Option<QuoteIndex> {
        if self.hashes.len() != index.sources.len() {
            return None;
        }
        let mut changed = self.changed.clone();
        for (sid, (h, d)) in self.hashes.iter().zip(&index.sources).enumerate() {
            if *h != d.hash && !changed.contains(&(sid as SourceId)) {
                changed.push(sid as SourceId);
                if changed.len() > MAX_CHANGED {
                    return None;
                }
            }
        }
        changed.sort_unstable();
        let mut added: HashMap<u64, Vec<SourceId>> = HashMap::new();
        for &sid in &changed {
            for key in distinct_words(index.source(sid)) {
                added.entry(key).or_default().push(sid);
            }
        }
        Some(QuoteIndex {
            hashes: index.sources.iter().map(|d| d.hash).collect(),
            postings: self.postings.clone(),
            changed,
            added,
        })
    }

    /// The quote index of `index`, built on first use and kept for the two indexes checked last. An index
    /// is recognised by the content hashes of its sources, in order, so a rebuilt index with any text changed
    /// is never answered from a stale map.
    pub fn shared(index: &Index) -> Arc<QuoteIndex> {
        let mut cache = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.iter().find(|q| q.is_for(index)) {
            return found.clone();
        }
        let followed = cache.last().and_then(|q| q.following(index));
        let built = Arc::new(followed.unwrap_or_else(|| QuoteIndex::build(index)));
        if cache.len() >= 2 {
            cache.remove(0);
        }
        cache.push(built.clone());
        built
    }

    /// True when this was built from `index`.
    pub fn is_for(&self, index: &Index) -> bool {
        self.hashes.len() == index.sources.len() && self.hashes.iter().zip(&index.sources).all(|(h, d)| *h == d.hash)
    }

    /// The sources that hold the word with `key`, in source order.
    pub fn sources_of(&self, key: u64) -> std::borrow::Cow<'_, [SourceId]> {
        let built = self.postings.get(key);
        let added = self.added.get(&key).map_or(&[][..], Vec::as_slice);
        if added.is_empty() && self.changed.iter().all(|s| built.binary_search(s).is_err()) {
            return std::borrow::Cow::Borrowed(built);
        }
        let mut now: Vec<SourceId> = built
            .iter()
            .copied()
            .filter(|s| self.changed.binary_search(s).is_err())
            .chain(added.iter().copied())
            .collect();
        now.sort_unstable();
        std::borrow::Cow::Owned(now)
    }

    /// The sources worth aligning `quote` against: `prefer` first, then those holding the most of its
    /// words (at least half), at most [`MAX_CANDIDATES`] in all. With `all_words`, only sources holding
    /// every word qualify (what an exact match needs).
    fn candidates(&self, quote: &QuoteWords, prefer: &[SourceId], all_words: bool) -> Vec<SourceId> {
        let mut keys: Vec<u64> = quote.words.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut lists: Vec<std::borrow::Cow<'_, [SourceId]>> = keys.iter().map(|k| self.sources_of(*k)).collect();
        lists.sort_by_key(|l| l.len());
        let mut out: Vec<SourceId> = Vec::new();
        if all_words {
            // Intersect, rarest word first: the first list bounds the work.
            let Some(first) = lists.first() else { return out };
            let mut set: Vec<SourceId> = first.to_vec();
            for list in &lists[1..] {
                set.retain(|s| list.binary_search(s).is_ok());
                if set.is_empty() {
                    break;
                }
            }
            for s in prefer.iter().copied().filter(|s| set.contains(s)).chain(set.iter().copied()) {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            return out;
        }
        let mut counts: HashMap<SourceId, usize> = HashMap::new();
        for list in &lists {
            for s in list.iter() {
                *counts.entry(*s).or_default() += 1;
            }
        }
        let need = keys.len().div_ceil(2);
        let mut ranked: Vec<(SourceId, usize)> = counts.into_iter().filter(|(_, n)| *n >= need).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for s in prefer.iter().copied().chain(ranked.into_iter().map(|(s, _)| s)) {
            if out.len() >= MAX_CANDIDATES + prefer.len() {
                break;
            }
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// The texts and words of the sources one run of checks has read, so that a note with many quotations reads
/// and tokenises each candidate source once.
#[derive(Debug, Default)]
pub struct SourceWords {
    by_source: HashMap<SourceId, Option<(Arc<SourceText>, Vec<Word>)>>,
}

impl SourceWords {
    /// The text of source `sid` and its words, read and tokenised on first use; `None` for an unknown id or
    /// a text that cannot be read.
    pub fn of(&mut self, index: &Index, sid: SourceId) -> Option<(&str, &[Word])> {
        let entry = self.by_source.entry(sid).or_insert_with(|| {
            let source = index.sources.get(sid as usize)?.text().ok()?;
            let words = tokenize(&source.text, Span::new(0, source.text.len()));
            Some((source, words))
        });
        entry.as_ref().map(|(source, words)| (source.text.as_str(), words.as_slice()))
    }
}

/// The sources that hold `quote` exactly (one match per source, its first), cited sources (`prefer`)
/// first, then in source order; at most `limit` of them, and only among the first [`MAX_EXACT_SCAN`]
/// sources that hold every word of the quotation.
pub fn find_exact(
    index: &Index,
    qi: &QuoteIndex,
    cache: &mut SourceWords,
    text: &str,
    quote: &QuoteWords,
    prefer: &[SourceId],
    limit: usize,
) -> Vec<SourceMatch> {
    if quote.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for sid in qi.candidates(quote, prefer, true).into_iter().take(MAX_EXACT_SCAN) {
        if out.len() >= limit {
            break;
        }
        let Some((source_text, words)) = cache.of(index, sid) else { continue };
        if let Some(parts) = exact_in(text, quote, source_text, words) {
            out.push(SourceMatch { source: sid, parts, edits: 0 });
        }
    }
    out
}

/// The closest variant of `quote` in the corpus: within a cited source (`prefer`) when one holds a close
/// variant, else the closest anywhere (fewest edits, then source order). `None` when no source holds one
/// with at most a fifth of the quotation's words changed.
pub fn find_close(
    index: &Index,
    qi: &QuoteIndex,
    cache: &mut SourceWords,
    quote: &QuoteWords,
    prefer: &[SourceId],
) -> Option<SourceMatch> {
    if quote.is_empty() || quote.len() > MAX_FUZZY_WORDS {
        return None;
    }
    let budget = quote.len() / 5;
    let mut best: Option<SourceMatch> = None;
    for sid in qi.candidates(quote, prefer, false) {
        let Some((_, words)) = cache.of(index, sid) else { continue };
        let Some(found) = close_in(qi, quote, words, sid, budget) else { continue };
        if prefer.contains(&sid) {
            // A cited source's variant wins over any other.
            if best.as_ref().is_none_or(|b| !prefer.contains(&b.source) || found.edits < b.edits) {
                best = Some(found);
            }
        } else if best.as_ref().is_none_or(|b| !prefer.contains(&b.source) && found.edits < b.edits) {
            best = Some(found);
        }
    }
    best
}

/// Splits `span` of `text` into words. A word hyphenated across a line break is one word where the name
/// extractor reads it as one (see `extract::entities::soft_breaks`): its span holds the hyphen and the break,
/// and its key is the word whole.
pub fn tokenize(text: &str, span: Span) -> Vec<Word> {
    let Some(slice) = text.get(span.range()) else { return Vec::new() };
    let base = span.start as usize;
    // (Worked out over the whole text, which the evidence for a break is drawn from, only where the span has
    // a hyphen at a line's end at all.)
    let soft = if slice.contains("-\n") || slice.contains("-\r\n") {
        crate::extract::entities::soft_breaks(text)
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut folded = String::new();
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '-' && start.is_some() && soft.binary_search(&(base + i)).is_ok() {
            // Past the line break and the spaces after it, to the letter the word goes on with.
            while chars.peek().is_some_and(|&(_, n)| !n.is_alphanumeric()) {
                chars.next();
            }
            continue;
        }
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
                folded.clear();
            }
            folded.extend(c.to_lowercase());
            continue;
        }
        // An apostrophe between two letters or digits belongs to the word.
        if start.is_some() && is_apostrophe(c) && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
            folded.push('\'');
            continue;
        }
        if let Some(s) = start.take() {
            out.push(Word { span: Span::new(base + s, base + i), key: hash_word(&folded) });
        }
    }
    if let Some(s) = start {
        out.push(Word { span: Span::new(base + s, base + slice.len()), key: hash_word(&folded) });
    }
    out
}

fn hash_word(folded: &str) -> u64 {
    let mut h = DefaultHasher::new();
    folded.hash(&mut h);
    h.finish()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ' | '`')
}

fn is_quote_mark(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '„' | '‟' | '‘' | '’' | '‚' | '‛' | '«' | '»' | '‹' | '›' | 'ʼ')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−')
}

/// The gap between two words as compared, and whether it holds an elision (`…`, `...`).
pub fn normalize_gap(gap: &str) -> (String, bool) {
    let elision = gap.contains('…') || gap.contains("...");
    let mut out = String::new();
    for c in gap.chars() {
        if c.is_whitespace() || is_quote_mark(c) || matches!(c, '*' | '_' | '`' | '>' | '\\' | '~') {
            continue;
        }
        if is_dash(c) {
            if !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        out.push(c);
    }
    (out, elision)
}

/// Whether two words are the same, apostrophes folded, with the case of the first letter ignored when
/// `any_first_case`.
fn same_word(a: &str, b: &str, any_first_case: bool) -> bool {
    let mut x = a.chars().map(fold_apostrophe);
    let mut y = b.chars().map(fold_apostrophe);
    let mut first = true;
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) => {
                let same = if first && any_first_case { p.to_lowercase().eq(q.to_lowercase()) } else { p == q };
                if !same {
                    return false;
                }
            }
            _ => return false,
        }
        first = false;
    }
}

fn fold_apostrophe(c: char) -> char {
    if is_apostrophe(c) {
        '\''
    } else {
        c
    }
}

/// Whether part `p` of the quotation is written, word for word and gap for gap, at `at` in the source.
fn part_exact_at(text: &str, quote: &QuoteWords, p: usize, src: &str, words: &[Word], at: usize) -> bool {
    let range = quote.part(p);
    let n = range.len();
    if at + n > words.len() {
        return false;
    }
    for (k, qi) in range.clone().enumerate() {
        let (qw, sw) = (quote.words[qi], words[at + k]);
        let written = crate::extract::entities::without_soft_breaks(sw.span.slice(src));
        if qw.key != sw.key || !same_word(qw.span.slice(text), &written, k == 0) {
            return false;
        }
        if k > 0 {
            let qgap = text.get(quote.words[qi - 1].span.end as usize..qw.span.start as usize).unwrap_or("");
            let sgap = src.get(words[at + k - 1].span.end as usize..sw.span.start as usize).unwrap_or("");
            if normalize_gap(qgap).0 != normalize_gap(sgap).0 {
                return false;
            }
        }
    }
    true
}

/// Whether the words from `a` up to `b` (exclusive) of the source may be elided: at most
/// [`MAX_ELIDED_WORDS`] words and no blank line.
fn may_elide(src: &str, words: &[Word], end_of_prev: usize, next: usize) -> bool {
    if next < end_of_prev || next - end_of_prev > MAX_ELIDED_WORDS {
        return false;
    }
    let (Some(a), Some(b)) = (words.get(end_of_prev.saturating_sub(1)), words.get(next)) else { return false };
    let between = src.get(a.span.end as usize..b.span.start as usize).unwrap_or("");
    !has_blank_line(between)
}

fn has_blank_line(s: &str) -> bool {
    let mut breaks = 0;
    for c in s.chars() {
        match c {
            '\n' => {
                breaks += 1;
                if breaks >= 2 {
                    return true;
                }
            }
            '\r' => {}
            c if c.is_whitespace() => {}
            _ => breaks = 0,
        }
    }
    false
}

/// The first exact match of `quote` in one source's words, as one span per part.
fn exact_in(text: &str, quote: &QuoteWords, src: &str, words: &[Word]) -> Option<Vec<Span>> {
    let first = quote.words.first()?.key;
    for at in (0..words.len()).filter(|&i| words[i].key == first) {
        if !part_exact_at(text, quote, 0, src, words, at) {
            continue;
        }
        let mut starts = vec![at];
        if rest_exact(text, quote, 1, src, words, at + quote.part(0).len(), &mut starts) {
            let parts = starts
                .iter()
                .enumerate()
                .map(|(p, &s)| {
                    let n = quote.part(p).len();
                    Span::new(words[s].span.start as usize, words[s + n - 1].span.end as usize)
                })
                .collect();
            return Some(parts);
        }
    }
    None
}

/// Matches parts `p..` after source word `from`, each within an elision's reach of the previous one,
/// trying every placement (the reach is bounded, so this stays small).
fn rest_exact(
    text: &str,
    quote: &QuoteWords,
    p: usize,
    src: &str,
    words: &[Word],
    from: usize,
    starts: &mut Vec<usize>,
) -> bool {
    if p >= quote.part_starts.len() {
        return true;
    }
    let key = quote.words[quote.part(p).start].key;
    let last = (from + MAX_ELIDED_WORDS).min(words.len());
    for at in from..last {
        if words[at].key != key || !may_elide(src, words, from, at) || !part_exact_at(text, quote, p, src, words, at) {
            continue;
        }
        starts.push(at);
        if rest_exact(text, quote, p + 1, src, words, at + quote.part(p).len(), starts) {
            return true;
        }
        starts.pop();
    }
    false
}

/// The closest variant of `quote` in one source, within `budget` word edits.
fn close_in(qi: &QuoteIndex, quote: &QuoteWords, words: &[Word], sid: SourceId, budget: usize) -> Option<SourceMatch> {
    // Anchor on the quotation's three rarest words: every good alignment places one of them.
    let mut rare: Vec<(usize, usize)> =
        quote.words.iter().enumerate().map(|(i, w)| (qi.sources_of(w.key).len(), i)).collect();
    rare.sort();
    let mut anchor_keys: Vec<(u64, usize)> = Vec::new();
    for &(_, i) in &rare {
        if anchor_keys.len() >= 3 {
            break;
        }
        if !anchor_keys.iter().any(|(k, _)| *k == quote.words[i].key) {
            anchor_keys.push((quote.words[i].key, i));
        }
    }
    let n = quote.len();
    let slack = budget + 2 + (quote.part_starts.len() - 1) * MAX_ELIDED_WORDS;
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for (p, w) in words.iter().enumerate() {
        if let Some(&(_, i)) = anchor_keys.iter().find(|(k, _)| *k == w.key) {
            let start = p.saturating_sub(i + slack);
            let end = (p + (n - i) + slack).min(words.len());
            windows.push((start, end));
            if windows.len() > 256 {
                break;
            }
        }
    }
    windows.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in windows {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut best: Option<SourceMatch> = None;
    for (s, e) in merged {
        if let Some((edits, parts)) = align(quote, &words[s..e]) {
            if edits <= budget && best.as_ref().is_none_or(|b| edits < b.edits) {
                let parts = parts
                    .into_iter()
                    .map(|(a, b)| Span::new(words[s + a].span.start as usize, words[s + b].span.end as usize))
                    .collect();
                best = Some(SourceMatch { source: sid, parts, edits });
            }
        }
    }
    best
}

/// Semi-global word alignment: the whole quotation against the best-fitting run of `window`, with
/// substitutions, missing and added words costing one each, and the source words at an elision skipped for
/// nothing. Returns the edits and, per part that aligned to any source word, the first and last window
/// index it covers.
fn align(quote: &QuoteWords, window: &[Word]) -> Option<(usize, Vec<(usize, usize)>)> {
    let (n, m) = (quote.len(), window.len());
    if m == 0 {
        return None;
    }
    let w = m + 1;
    let mut d = vec![0u32; (n + 1) * w];
    for i in 1..=n {
        d[i * w] = i as u32;
        let free_skip = quote.is_part_start(i) && i < n;
        for j in 1..=m {
            let sub = d[(i - 1) * w + j - 1] + u32::from(quote.words[i - 1].key != window[j - 1].key);
            let del = d[(i - 1) * w + j] + 1;
            let ins = d[i * w + j - 1] + 1;
            d[i * w + j] = sub.min(del).min(ins);
        }
        if free_skip {
            // Row `i` ends a part: the source words up to the next part may be elided for nothing.
            for j in 1..=m {
                d[i * w + j] = d[i * w + j].min(d[i * w + j - 1]);
            }
        }
    }
    let (mut j, edits) = (1..=m).map(|j| (j, d[n * w + j])).min_by_key(|&(j, c)| (c, j))?;
    // Trace back, assigning source words to the part of the quotation word they align with.
    let mut part_of_word = vec![0usize; n];
    for (p, &s) in quote.part_starts.iter().enumerate() {
        for slot in part_of_word.iter_mut().skip(s) {
            *slot = p;
        }
    }
    let mut spans: Vec<Option<(usize, usize)>> = vec![None; quote.part_starts.len()];
    let mut note = |p: usize, j: usize| {
        let e = spans[p].get_or_insert((j, j));
        e.0 = e.0.min(j);
        e.1 = e.1.max(j);
    };
    let mut i = n;
    while i > 0 && j > 0 {
        let here = d[i * w + j];
        let sub_cost = u32::from(quote.words[i - 1].key != window[j - 1].key);
        if quote.is_part_start(i) && i < n && here == d[i * w + j - 1] {
            j -= 1;
        } else if here == d[(i - 1) * w + j - 1] + sub_cost {
            note(part_of_word[i - 1], j - 1);
            i -= 1;
            j -= 1;
        } else if here == d[(i - 1) * w + j] + 1 {
            i -= 1;
        } else {
            note(part_of_word[i - 1], j - 1);
            j -= 1;
        }
    }
    Some((edits as usize, spans.into_iter().flatten().collect()))
}

/// The distinct lower-case word keys of a text span, for overlap scores.
pub fn word_keys(text: &str, span: Span) -> HashSet<u64> {
    tokenize(text, span).into_iter().map(|w| w.key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_index_that_follows_changed_sources_answers_as_one_built_afresh() {
        let before = ["the river froze early", "barges waited at the lock", "the lock opened in spring"];
        let old = Index::build(crate::index::corpus_of(&before));
        let built = QuoteIndex::build(&old);
        // Source 1 loses "barges" and "waited", gains "ferries" and "spring"; then source 2 changes as well.
        let steps: [[&str; 3]; 2] = [
            ["the river froze early", "ferries crossed at the lock in spring", "the lock opened in spring"],
            ["the river froze early", "ferries crossed at the lock in spring", "the gates stayed shut"],
        ];
        let mut last = built;
        for texts in steps {
            let index = Index::build(crate::index::corpus_of(&texts));
            let followed = last.following(&index).expect("two changed sources are followed");
            let fresh = QuoteIndex::build(&index);
            assert!(followed.is_for(&index));
            let mut keys: Vec<u64> = fresh.postings.keys.iter().chain(&last.postings.keys).copied().collect();
            keys.extend(followed.added.keys());
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                assert_eq!(followed.sources_of(key), fresh.sources_of(key), "word {key}");
            }
            last = followed;
        }
        assert_eq!(last.changed, [1, 2]);
        // Another corpus (other sources) is not followed.
        let other = Index::build(crate::index::corpus_of(&["one source only"]));
        assert!(last.following(&other).is_none());
    }

    /// The compact word map gives, for every key, the sources a map of lists gives: keys in every range
    /// of top bits (the build's shards), the extremes, keys of one source and of many.
    #[test]
    fn word_postings_hold_what_a_map_of_lists_holds() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let common: Vec<u64> = vec![0, 1, u64::MAX, 1 << 60, (1 << 60) - 1, 0xF000_0000_0000_0000];
        let per_source: Vec<Vec<u64>> = (0..40)
            .map(|i| {
                let mut keys: Vec<u64> = (0..(i * 7) % 50).map(|_| next()).collect();
                keys.extend(common.iter().copied().filter(|k| k.wrapping_add(i as u64) % 3 != 0));
                keys.sort_unstable();
                keys.dedup();
                keys
            })
            .collect();
        let mut expected: HashMap<u64, Vec<SourceId>> = HashMap::new();
        for (sid, keys) in per_source.iter().enumerate() {
            for &k in keys {
                expected.entry(k).or_default().push(sid as SourceId);
            }
        }
        let built = WordPostings::build(&per_source);
        assert_eq!(built.keys.len(), expected.len());
        for (key, sources) in &expected {
            assert_eq!(built.get(*key), sources.as_slice(), "key {key:#x}");
        }
        assert!(built.get(42).is_empty() || expected.contains_key(&42));
        assert!(WordPostings::build(&[]).get(0).is_empty());
    }

    fn words_of(s: &str) -> Vec<&str> {
        tokenize(s, Span::new(0, s.len())).iter().map(|w| w.span.slice(s)).collect()
    }

    #[test]
    fn tokenize_table() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("apostrophe_inside", "Russia’s region's", &["Russia’s", "region's"]),
            ("trailing_apostrophe", "states’ ties", &["states", "ties"]),
            ("dash_splits", "ex-Soviet 2024—up", &["ex", "Soviet", "2024", "up"]),
            ("markup_dropped", "> *bold* `x`", &["bold", "x"]),
            ("cyrillic", "Россия и Казахстан", &["Россия", "и", "Казахстан"]),
            ("empty", "", &[]),
        ];
        for &(name, text, want) in cases {
            assert_eq!(words_of(text), want, "{name}");
        }
    }

    #[test]
    fn gap_table() {
        let cases: &[(&str, &str, bool)] = &[
            (" ", "", false),
            (" —\n ", "-", false),
            (", “", ",", false),
            (" … ", "…", true),
            (" [...] ", "[...]", true),
            ("\n> ", "", false),
        ];
        for &(gap, want, elision) in cases {
            assert_eq!(normalize_gap(gap), (want.to_string(), elision), "{gap:?}");
        }
    }

    #[test]
    fn blank_line_detection() {
        assert!(has_blank_line(" \n \n"));
        assert!(has_blank_line("\r\n\r\n"));
        assert!(!has_blank_line("\n x \n"));
    }
}
