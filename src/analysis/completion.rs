//! Completion: entity names, citation keys and figures, each where the user is plainly asking for one.
//!
//! - After `@` (in `[@` or running text): citation keys, with author, year and title.
//! - After `$`, `€`, `£` or digits: the corpus's figures that start that way; accepting one inserts the
//!   figure and its citation.
//! - In a word that starts with a capital, or of three letters or more: entity names by any alias, matched
//!   on word starts and ranked by fuzzy match quality and number of mentions.
//!
//! Candidates come from a sorted prefix list first, and fuzzy scoring runs only over that bounded set, so
//! completion stays fast on a corpus of tens of thousands of names. A lower-case word shorter than three
//! letters gets nothing, so ordinary typing is not flooded.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::extract::Unit;
use crate::index::{EntityId, Index, SourceId};
use crate::note::Note;
use crate::text::Span;

/// The most items returned; the list is marked incomplete past it.
pub const MAX_ITEMS: usize = 50;
/// The most candidates scored by the fuzzy matcher.
const MAX_CANDIDATES: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Entity(EntityId),
    Citation(SourceId),
    Figure(SourceId),
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: String,
    /// The span of the note that accepting the item replaces.
    pub replace: Span,
    pub insert: String,
    /// The rank, lowest first.
    pub rank: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<Item>,
    /// True when more items would match: the client should ask again as the user types.
    pub incomplete: bool,
}

/// Completions at `offset` of a note.
pub fn complete(index: &Index, text: &str, note: &Note, offset: usize) -> Completions {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if note.in_code(offset) {
        return Completions::default();
    }
    let before = &text[..offset];
    if let Some((span, prefix)) = citation_context(before) {
        return citations(index, span, prefix);
    }
    if let Some((span, prefix)) = figure_context(before) {
        return figures(index, text, span, prefix);
    }
    entities(index, before)
}

/// After `@` and key characters: the span of the key typed so far and the key itself.
fn citation_context(before: &str) -> Option<(Span, &str)> {
    let key_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let at = key_start.checked_sub(1)?;
    if before.as_bytes().get(at) != Some(&b'@') {
        return None;
    }
    if before[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '@') {
        return None;
    }
    Some((Span::new(key_start, before.len()), &before[key_start..]))
}

fn citations(index: &Index, span: Span, prefix: &str) -> Completions {
    let lower = prefix.to_lowercase();
    let mut items: Vec<Item> = index
        .sources
        .iter()
        .enumerate()
        .filter(|(_, doc)| lower.is_empty() || doc.meta.key.to_lowercase().contains(&lower))
        .map(|(sid, doc)| {
            let year = doc.meta.date.as_deref().and_then(|d| d.get(..4)).unwrap_or("n.d.");
            let author = doc.meta.author.as_deref().or(doc.meta.publisher.as_deref()).unwrap_or("");
            Item {
                label: doc.meta.key.clone(),
                kind: ItemKind::Citation(sid as SourceId),
                detail: format!("{author} {year} · {}", doc.meta.title).trim().to_string(),
                replace: span,
                insert: doc.meta.key.clone(),
                rank: if doc.meta.key.to_lowercase().starts_with(&lower) { 0 } else { 1 },
            }
        })
        .collect();
    items.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.label.cmp(&b.label)));
    let incomplete = items.len() > MAX_ITEMS;
    items.truncate(MAX_ITEMS);
    for (i, item) in items.iter_mut().enumerate() {
        item.rank = i as u32;
    }
    Completions { items, incomplete }
}

/// After a currency sign or digits not glued to a word: the span typed so far and the digits in it.
fn figure_context(before: &str) -> Option<(Span, &str)> {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | ',' | '$' | '€' | '£'))
        .last()
        .map(|(i, _)| i)?;
    let mut start = start;
    // `US$` is one sign.
    if before[..start].ends_with("US") && before[start..].starts_with('$') {
        start -= 2;
    }
    let token = &before[start..];
    let first = token.chars().next()?;
    if !(first.is_ascii_digit() || matches!(first, '$' | '€' | '£' | 'U')) {
        return None;
    }
    if before[..start].chars().next_back().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let digits = token.trim_start_matches(|c: char| !c.is_ascii_digit());
    Some((Span::new(start, before.len()), digits))
}

fn figures(index: &Index, text: &str, span: Span, digits: &str) -> Completions {
    let typed = span.slice(text);
    let sign = typed.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
    // The significant digits typed, to pass over figures by value before any text is read.
    let lead: Vec<u8> =
        digits.bytes().filter(u8::is_ascii_digit).skip_while(|&d| d == b'0').take(MAX_LEAD_DIGITS).collect();
    let mut items: Vec<Item> = Vec::new();
    let mut incomplete = false;
    let mut texts_read = 0;
    'sources: for (sid, doc) in index.sources.iter().enumerate() {
        let mut source: Option<std::sync::Arc<crate::index::SourceText>> = None;
        for f in doc.figures.iter() {
            if !(sign.is_empty() || matches!(f.unit, Unit::Money(_))) || !may_lead_with(f.value, &lead) {
                continue;
            }
            if source.is_none() {
                if texts_read >= MAX_TEXTS_READ {
                    incomplete = true;
                    break 'sources;
                }
                texts_read += 1;
                match doc.text() {
                    Ok(read) => source = Some(read),
                    // A source that cannot be read offers nothing now.
                    Err(_) => continue 'sources,
                }
            }
            let Some(source) = &source else { continue 'sources };
            let doc_text = source.text.as_str();
            let written = f.span.slice(doc_text);
            let written_digits = written.trim_start_matches(|c: char| !c.is_ascii_digit());
            if !written_digits.starts_with(digits)
                || (!sign.is_empty() && !written.contains(sign.trim_start_matches("US")))
            {
                continue;
            }
            if items.iter().any(|i| i.label == written && i.kind == ItemKind::Figure(sid as SourceId)) {
                continue;
            }
            if items.len() >= MAX_ITEMS {
                incomplete = true;
                break 'sources;
            }
            let window = super::shorten(doc_text, f.sentence, f.span, 90);
            let mut context = window.slice(doc_text).replace(['\n', '\r'], " ");
            if window.start > f.sentence.start {
                context.insert(0, '…');
            }
            if window.end < f.sentence.end {
                context.push('…');
            }
            items.push(Item {
                label: written.to_string(),
                kind: ItemKind::Figure(sid as SourceId),
                detail: format!("[@{}] {}", doc.meta.key, context),
                replace: span,
                insert: format!("{written} [@{}]", doc.meta.key),
                rank: items.len() as u32,
            });
        }
    }
    Completions { items, incomplete }
}

/// The most significant digits compared by value before a figure's text is read.
const MAX_LEAD_DIGITS: usize = 6;
/// The most source texts one figure completion reads; past it the list is marked incomplete.
const MAX_TEXTS_READ: usize = 256;

/// Whether a figure of `value` may be written with the significant digits `lead` first (`45` for 45.2 billion,
/// `12` for 1,200). Loose on purpose, since the written form decides: any value below one (fractions,
/// decimals), zero or not finite passes, and a hair of rounding either way is allowed.
fn may_lead_with(value: f64, lead: &[u8]) -> bool {
    let v = value.abs();
    if lead.is_empty() || !v.is_finite() || v < 1.0 {
        return true;
    }
    let want = lead.iter().fold(0f64, |n, d| n * 10.0 + f64::from(d - b'0'));
    // `v` scaled to as many integer digits as were typed (`log10` may be a hair off at powers of ten).
    let len = lead.len() as i32;
    let (low, high) = (10f64.powi(len - 1), 10f64.powi(len));
    let mut scaled = v / 10f64.powi(v.log10().floor() as i32 + 1 - len);
    if scaled < low * (1.0 - 1e-9) {
        scaled *= 10.0;
    }
    if scaled >= high * (1.0 - 1e-9) {
        // 999.9999999 is 1000 with a rounding error: its digits lead with 1.
        scaled /= 10.0;
        if scaled < low {
            scaled = low;
        }
    }
    scaled >= want * (1.0 - 1e-9) && scaled < (want + 1.0) * (1.0 + 1e-9)
}

fn entities(index: &Index, before: &str) -> Completions {
    // The words typed so far: the last word, and up to three capitalised words before it.
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’'))
        .last()
        .map(|(i, _)| i);
    let Some(word_start) = word_start else { return Completions::default() };
    let word = &before[word_start..];
    let starts_upper = word.chars().next().is_some_and(char::is_uppercase);
    if !starts_upper && word.chars().count() < 3 {
        return Completions::default();
    }
    let mut starts = vec![word_start];
    let mut at = word_start;
    for _ in 0..3 {
        let head = before[..at].trim_end_matches(' ');
        if head.len() + 1 != at {
            break;
        }
        let Some(prev) = head.rsplit(' ').next() else { break };
        if prev.is_empty() || !prev.chars().next().is_some_and(|c| c.is_uppercase() || c.is_lowercase()) {
            break;
        }
        at = head.len() - prev.len();
        starts.push(at);
    }
    // The longest run of words that some name starts with wins.
    for &start in starts.iter().rev() {
        let typed = &before[start..];
        let candidates = index.entities_with_prefix(typed, MAX_CANDIDATES);
        if candidates.is_empty() {
            continue;
        }
        let incomplete = candidates.len() >= MAX_CANDIDATES;
        let ranked = rank(index, typed, candidates);
        let span = Span::new(start, before.len());
        let mut items: Vec<Item> = ranked
            .into_iter()
            .take(MAX_ITEMS)
            .enumerate()
            .map(|(i, eid)| {
                let entity = index.entity(eid);
                let n = entity.by_source.counts()[0];
                Item {
                    label: entity.name.clone(),
                    kind: ItemKind::Entity(eid),
                    detail: format!("{} · {} {}", entity.kind.as_str(), n, if n == 1 { "source" } else { "sources" }),
                    replace: span,
                    insert: best_alias(index, eid, typed),
                    rank: i as u32,
                }
            })
            .collect();
        let more = items.len() >= MAX_ITEMS;
        items.truncate(MAX_ITEMS);
        return Completions { items, incomplete: incomplete || more };
    }
    Completions::default()
}

/// The name to insert: the alias the user started typing when it is one (typing `EA` inserts `EAEU`), else
/// the entity's name.
fn best_alias(index: &Index, eid: EntityId, typed: &str) -> String {
    let entity = index.entity(eid);
    let lower = typed.to_lowercase();
    if entity.name.to_lowercase().starts_with(&lower) {
        return entity.name.clone();
    }
    entity.aliases.iter().find(|a| a.to_lowercase().starts_with(&lower)).cloned().unwrap_or_else(|| entity.name.clone())
}

/// Ranks candidate entities for `query`: fuzzy match quality first, then the number of mentions. A
/// candidate none of whose names matches ranks last (its name started with the typed prefix).
fn rank(index: &Index, query: &str, candidates: Vec<EntityId>) -> Vec<EntityId> {
    by_fuzzy_score(index, query, candidates, Some(0))
}

/// Entities matching a free query (workspace symbols): candidates share the query's first letter at a word
/// start, then fuzzy ranking; candidates that do not match are dropped.
pub fn fuzzy_rank(index: &Index, query: &str, limit: usize) -> Vec<EntityId> {
    let query = query.trim();
    let first: String = query.chars().take(1).collect();
    let candidates = index.entities_with_prefix(&first, MAX_CANDIDATES * 5);
    let mut ranked = by_fuzzy_score(index, query, candidates, None);
    ranked.truncate(limit);
    ranked
}

/// Sorts `candidates` by the best fuzzy score of any of their names against `query`, then by mentions, then
/// by id. A candidate with no matching name gets `unmatched`, or is dropped when that is `None`.
fn by_fuzzy_score(index: &Index, query: &str, candidates: Vec<EntityId>, unmatched: Option<u32>) -> Vec<EntityId> {
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::new(query, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, u32, EntityId)> = candidates
        .into_iter()
        .filter_map(|eid| {
            let entity = index.entity(eid);
            let best = entity.names().filter_map(|n| pattern.score(Utf32Str::new(n, &mut buf), &mut matcher)).max();
            Some((best.or(unmatched)?, entity.total, eid))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    scored.into_iter().map(|(_, _, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::may_lead_with;

    #[test]
    fn a_value_leads_with_the_digits_it_is_written_with() {
        // (value, typed significant digits, may lead)
        let cases: &[(f64, &str, bool)] = &[
            (45.2e9, "45", true),
            (45.2e9, "452", true),
            (45.2e9, "46", false),
            (1200.0, "12", true),
            (1200.0, "13", false),
            (1000.0, "1", true),
            (1000.0, "1000", true),
            (999.999_999_999_9, "1", true),
            (62.0, "62", true),
            (62.0, "621", false),
            (12.0, "1234", false),
            (0.45, "4", true),
            (0.75, "3", true),
            (f64::INFINITY, "9", true),
            (7.0, "", true),
        ];
        for &(value, lead, want) in cases {
            assert_eq!(may_lead_with(value, lead.as_bytes()), want, "{value} with {lead}");
        }
    }
}
