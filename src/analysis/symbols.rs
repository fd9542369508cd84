//! Symbols: the note's headings as an outline, and the corpus's entities for workspace symbol search.

use super::completion::fuzzy_rank;
use crate::extract::EntityKind;
use crate::index::{EntityId, Index};
use crate::note::Note;
use crate::text::Span;

/// A heading and the headings under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineItem {
    pub title: String,
    pub level: u8,
    /// From the heading to the next heading of the same or a higher level.
    pub full: Span,
    pub heading: Span,
    pub children: Vec<OutlineItem>,
}

/// The outline of a note from its headings.
pub fn document_symbols(note: &Note, text_len: usize) -> Vec<OutlineItem> {
    let heads = &note.headings;
    let mut flat: Vec<OutlineItem> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let end = heads[i + 1..].iter().find(|n| n.level <= h.level).map_or(text_len, |n| n.span.start as usize);
            OutlineItem {
                title: if h.title.is_empty() { "(untitled)".to_string() } else { h.title.clone() },
                level: h.level,
                full: Span::new(h.span.start as usize, end.max(h.span.end as usize)),
                heading: h.span,
                children: Vec::new(),
            }
        })
        .collect();
    // Nest from the end: each item is adopted by the nearest earlier item of a lower level.
    let mut roots: Vec<OutlineItem> = Vec::new();
    while let Some(item) = flat.pop() {
        match flat.iter().rposition(|p| p.level < item.level) {
            Some(parent) => flat[parent].children.insert(0, item),
            None => roots.insert(0, item),
        }
    }
    roots
}

/// A corpus entity matching a workspace symbol query, with where it is best seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntitySymbol {
    pub entity: EntityId,
    pub name: String,
    pub kind: EntityKind,
    pub source: u32,
    pub span: Span,
}

/// The entities whose names match `query` (fuzzy), best first, at most `limit`. An empty query lists the
/// most mentioned entities.
pub fn workspace_symbols(index: &Index, query: &str, limit: usize) -> Vec<EntitySymbol> {
    let ranked: Vec<EntityId> = if query.trim().is_empty() {
        let mut all: Vec<EntityId> = (0..index.entities.len() as EntityId).collect();
        all.sort_by_key(|&e| std::cmp::Reverse(index.entity(e).total));
        all.truncate(limit);
        all
    } else {
        fuzzy_rank(index, query, limit)
    };
    ranked
        .into_iter()
        .filter_map(|eid| {
            let entity = index.entity(eid);
            let (sid, mentions) = entity.by_source.first()?;
            let mention = index.source(*sid).mention(*mentions.first()?)?;
            Some(EntitySymbol {
                entity: eid,
                name: entity.name.clone(),
                kind: entity.kind,
                source: *sid,
                span: mention.span,
            })
        })
        .collect()
}
