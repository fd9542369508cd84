//! Every figure of the corpus in quantity order, kept in chunks that an index shares with its updates.
//!
//! The order is what finds the figures that denote the same quantity as a note's figure (a binary search,
//! then a run). At 1 GB it has about 4.4 million entries; an update that copied it whole to take one
//! source's figures out and put its new ones in spent most of its time there (the copy, and the fresh
//! memory for it). In chunks of a few thousand entries, an update copies only the chunks where figures
//! leave or come in, and shares the rest.

use std::sync::Arc;

use crate::index::FigureRef;

/// The entries per chunk a new order is cut into. An edited chunk that grows past twice this is cut again;
/// one left empty is dropped.
const CHUNK: usize = 4096;

/// Figure references in an order given by their keys (see [`crate::index::Index::figure_order`]).
#[derive(Clone, Debug, Default)]
pub struct FigureOrder {
    /// Never an empty chunk.
    chunks: Vec<Arc<[FigureRef]>>,
    len: usize,
}

/// A place in a [`FigureOrder`]: before the entry at `offset` of chunk `chunk`, or at the end of the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    chunk: usize,
    offset: usize,
}

impl FigureOrder {
    pub fn new(refs: Vec<FigureRef>) -> FigureOrder {
        FigureOrder { len: refs.len(), chunks: refs.chunks(CHUNK).map(Arc::from).collect() }
    }

    /// The order whose entries are those of `chunks` in turn (as read back from the store).
    pub fn of_chunks(chunks: Vec<Arc<[FigureRef]>>) -> FigureOrder {
        let chunks: Vec<Arc<[FigureRef]>> = chunks.into_iter().filter(|c| !c.is_empty()).collect();
        FigureOrder { len: chunks.iter().map(|c| c.len()).sum(), chunks }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &FigureRef> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// The entries, a chunk at a time: for passes in parallel.
    pub fn chunks(&self) -> &[Arc<[FigureRef]>] {
        &self.chunks
    }

    /// The place after the last entry.
    fn end(&self) -> Position {
        match self.chunks.last() {
            Some(last) => Position { chunk: self.chunks.len() - 1, offset: last.len() },
            None => Position { chunk: 0, offset: 0 },
        }
    }

    /// The place of the first entry for which `below` is false, the order being all the entries for which it
    /// holds, then the rest (as [`slice::partition_point`]).
    pub fn partition_point(&self, below: impl Fn(&FigureRef) -> bool) -> Position {
        let chunk = self.chunks.partition_point(|c| c.last().is_some_and(&below));
        match self.chunks.get(chunk) {
            Some(c) => Position { chunk, offset: c.partition_point(&below) },
            None => self.end(),
        }
    }

    /// The entry at `at`, if there is one.
    pub fn get(&self, at: Position) -> Option<&FigureRef> {
        self.chunks.get(at.chunk)?.get(at.offset)
    }

    /// The entries from `from` on, as long as `keep` holds.
    pub fn run_from(&self, from: Position, keep: impl Fn(&FigureRef) -> bool) -> Vec<FigureRef> {
        let mut out = Vec::new();
        for (i, chunk) in self.chunks.iter().enumerate().skip(from.chunk) {
            let start = if i == from.chunk { from.offset.min(chunk.len()) } else { 0 };
            let taken = chunk[start..].iter().take_while(|r| keep(r)).count();
            out.extend_from_slice(&chunk[start..start + taken]);
            if start + taken < chunk.len() {
                break;
            }
        }
        out
    }

    /// This order with the entries at `removed` taken out and each of `added` put in before the entry at its
    /// place (several at one place in the order given), places being in this order. Only the chunks with
    /// entries taken out or put in are copied; the others are shared.
    pub fn edited(&self, removed: &[Position], mut added: Vec<(Position, FigureRef)>) -> FigureOrder {
        let mut removed = removed.to_vec();
        removed.sort_unstable();
        removed.dedup();
        added.sort_by_key(|(at, _)| *at);
        let (mut removed, mut added) = (removed.as_slice(), added.as_slice());
        let mut chunks: Vec<Arc<[FigureRef]>> = Vec::with_capacity(self.chunks.len() + 1);
        for (c, chunk) in self.chunks.iter().enumerate() {
            let (out_here, rest) = removed.split_at(removed.partition_point(|p| p.chunk <= c));
            removed = rest;
            let (in_here, rest) = added.split_at(added.partition_point(|(p, _)| p.chunk <= c));
            added = rest;
            if out_here.is_empty() && in_here.is_empty() {
                chunks.push(chunk.clone());
                continue;
            }
            let mut entries = Vec::with_capacity(chunk.len() + in_here.len());
            let mut coming = in_here.iter().peekable();
            let mut leaving = out_here.iter().map(|p| p.offset).peekable();
            for (i, r) in chunk.iter().enumerate() {
                while let Some((_, new)) = coming.next_if(|(p, _)| p.offset <= i) {
                    entries.push(*new);
                }
                if leaving.next_if_eq(&i).is_none() {
                    entries.push(*r);
                }
            }
            entries.extend(coming.map(|(_, new)| *new));
            push_cut(&mut chunks, entries);
        }
        // Places past the last chunk: only in an empty order.
        push_cut(&mut chunks, added.iter().map(|(_, new)| *new).collect());
        let len = chunks.iter().map(|c| c.len()).sum();
        FigureOrder { chunks, len }
    }
}

/// Pushes `entries` as one chunk, or cut into chunks of [`CHUNK`] where they are more than twice that; not at
/// all where there are none.
fn push_cut(chunks: &mut Vec<Arc<[FigureRef]>>, entries: Vec<FigureRef>) {
    if entries.len() > 2 * CHUNK {
        chunks.extend(entries.chunks(CHUNK).map(Arc::from));
    } else if !entries.is_empty() {
        chunks.push(Arc::from(entries));
    }
}

/// Two orders are equal when they hold the same entries in the same order, however they are cut.
impl PartialEq for FigureOrder {
    fn eq(&self, other: &FigureOrder) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(source: u32, figure: u32) -> FigureRef {
        FigureRef { source, figure }
    }

    /// The key of an entry in these tests: its figure number.
    fn order_of(keys: &[u32]) -> Vec<FigureRef> {
        let mut refs: Vec<FigureRef> = keys.iter().enumerate().map(|(i, &k)| r(i as u32, k)).collect();
        refs.sort_by_key(|x| (x.figure, x.source));
        refs
    }

    #[test]
    fn an_edit_copies_only_the_chunks_it_touches() {
        let order = FigureOrder::new(order_of(&(0..3 * CHUNK as u32).collect::<Vec<_>>()));
        assert_eq!(order.chunks().len(), 3);
        let at = order.partition_point(|x| x.figure < 5000);
        assert_eq!(order.get(at), Some(&r(5000, 5000)));
        let edited = order.edited(&[at], vec![(at, r(99_999, 5000))]);
        assert_eq!(edited.len(), order.len());
        assert!(Arc::ptr_eq(&edited.chunks()[0], &order.chunks()[0]));
        assert!(!Arc::ptr_eq(&edited.chunks()[1], &order.chunks()[1]));
        assert!(Arc::ptr_eq(&edited.chunks()[2], &order.chunks()[2]));
        assert_eq!(
            edited.run_from(edited.partition_point(|x| x.figure < 5000), |x| x.figure == 5000),
            [r(99_999, 5000)]
        );
    }

    #[test]
    fn an_empty_order_takes_entries_and_a_chunk_left_empty_goes() {
        let empty = FigureOrder::default();
        let end = empty.partition_point(|_| true);
        let one = empty.edited(&[], vec![(end, r(1, 1))]);
        assert_eq!(one.iter().copied().collect::<Vec<_>>(), [r(1, 1)]);
        let none = one.edited(&[one.partition_point(|_| false)], Vec::new());
        assert!(none.is_empty() && none.chunks().is_empty());
        assert_eq!(none, empty);
    }

    proptest! {
        /// Any removals and insertions give what the same edit of a flat list gives, runs read across chunk
        /// boundaries included.
        #[test]
        fn edits_agree_with_a_flat_list(
            keys in proptest::collection::vec(0u32..300, 0..3 * CHUNK),
            out in proptest::collection::vec(any::<prop::sample::Index>(), 0..40),
            new in proptest::collection::vec(0u32..300, 0..40),
            probe in 0u32..300,
        ) {
            let flat = order_of(&keys);
            let order = FigureOrder::new(flat.clone());
            prop_assert!(order.iter().eq(flat.iter()));
            // Removed: entries picked at random, found by their key and source.
            let mut gone: Vec<FigureRef> = if flat.is_empty() { Vec::new() } else { out.iter().map(|i| flat[i.index(flat.len())]).collect() };
            gone.sort_by_key(|x| (x.figure, x.source));
            gone.dedup();
            let removed: Vec<Position> = gone.iter().map(|g| order.partition_point(|x| (x.figure, x.source) < (g.figure, g.source))).collect();
            prop_assert!(removed.iter().zip(&gone).all(|(&at, g)| order.get(at) == Some(g)));
            // Added: new entries with sources past every other, placed by key.
            let mut added_refs: Vec<FigureRef> = new.iter().enumerate().map(|(i, &k)| r(1_000_000 + i as u32, k)).collect();
            added_refs.sort_by_key(|x| (x.figure, x.source));
            let added = added_refs.iter().map(|&a| (order.partition_point(|x| (x.figure, x.source) < (a.figure, a.source)), a)).collect();
            let edited = order.edited(&removed, added);
            let mut expected: Vec<FigureRef> = flat.iter().filter(|x| !gone.contains(x)).copied().chain(added_refs).collect();
            expected.sort_by_key(|x| (x.figure, x.source));
            prop_assert!(edited.iter().eq(expected.iter()));
            prop_assert_eq!(edited.len(), expected.len());
            prop_assert!(edited.chunks().iter().all(|c| !c.is_empty() && c.len() <= 2 * CHUNK));
            let at = edited.partition_point(|x| x.figure < probe);
            let run = edited.run_from(at, |x| x.figure == probe);
            let flat_run: Vec<FigureRef> = expected.iter().filter(|x| x.figure == probe).copied().collect();
            prop_assert_eq!(run, flat_run);
        }
    }
}
