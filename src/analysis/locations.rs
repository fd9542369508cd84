//! Go to source and references: places in the sources (and notes) that an entity, figure or citation
//! points to.
//!
//! Definition from an entity gives the exact spans of its mentions in the sources, best first (the sources
//! that mention it most, then text order); from a figure, its places in the sources that cite it; from a
//! citation key, the top of the source. References gives every mention in the corpus; the server adds the
//! mentions in open notes with [`note_mentions`].

use crate::index::{EntityId, Index, SourceId};
use crate::note::{Note, Target};
use crate::text::Span;

/// The most locations returned for references, so an entity mentioned everywhere still answers at once.
pub const MAX_LOCATIONS: usize = 1000;
/// The most places go to source offers: the best ones, for an editor's peek list. References lists more.
pub const MAX_DEFINITIONS: usize = 100;

/// A place in a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceLocation {
    pub source: SourceId,
    pub span: Span,
}

/// The sources' places that what sits at `offset` of a note points to.
pub fn definition(index: &Index, note: &Note, offset: usize) -> Vec<SourceLocation> {
    match note.at(offset) {
        Some(Target::Entity(m)) => entity_mentions(index, m.entity, MAX_DEFINITIONS),
        Some(Target::Figure(f)) => index
            .figures_like(f)
            .iter()
            .take(MAX_DEFINITIONS)
            .filter_map(|r| Some(SourceLocation { source: r.source, span: index.figure(*r)?.span }))
            .collect(),
        Some(Target::Citation(c)) => index
            .source_by_key(&c.key)
            .map(|source| SourceLocation { source, span: Span::new(0, 0) })
            .into_iter()
            .collect(),
        None => Vec::new(),
    }
}

/// The entity at `offset` of a note, if any.
pub fn entity_at(note: &Note, offset: usize) -> Option<EntityId> {
    match note.at(offset)? {
        Target::Entity(m) => Some(m.entity),
        _ => None,
    }
}

/// The mentions of an entity in the corpus, best first: sources by number of mentions, then text order.
pub fn entity_mentions(index: &Index, eid: EntityId, limit: usize) -> Vec<SourceLocation> {
    let entity = index.entity(eid);
    let mut out = Vec::new();
    for (sid, mention_ids) in entity.by_source.iter() {
        let doc = index.source(*sid);
        for &i in mention_ids.iter() {
            if out.len() >= limit {
                return out;
            }
            if let Some(m) = doc.mention(i) {
                out.push(SourceLocation { source: *sid, span: m.span });
            }
        }
    }
    out
}

/// The spans of a note that mention entity `eid`.
pub fn note_mentions(note: &Note, eid: EntityId) -> Vec<Span> {
    note.mentions.iter().filter(|m| m.entity == eid).map(|m| m.span).collect()
}
