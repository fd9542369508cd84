//! The merge of names across a corpus (see [`resolve`]), split in two so that it can follow a corpus that
//! changes one document at a time.
//!
//! [`NameTable`] is what the merge knows of the corpus: for each name key, its surface forms with their
//! counts and first appearance, its kind votes, and the acronym definitions. It is a sum over documents,
//! so a document's part can be taken out ([`NameTable::remove`]) and its new part put in
//! ([`NameTable::add`]) without reading the others. [`NameTable::resolve`] then makes entities of it; its
//! work is per distinct key, not per mention. Resolving a table that was updated gives what resolving a
//! table built afresh from the same documents gives: the table holds nothing that depends on the order
//! the updates came in (keys are ordered by their first appearance when resolved, not by when they were
//! added), and where an update would need a document it does not read to know a first appearance, the
//! table says so ([`NameTable::settled`]) and the caller builds afresh.

use compact_str::CompactString;
use std::sync::Arc;

use super::{acronyms, lexicon, normalize_name};
use crate::extract::fasthash::FastMap as HashMap;
use crate::extract::{DocNames, EntityDef, EntityKind, NamesView, Resolution};

/// A (document, position) pair no appearance has: the first appearance of a form whose first document was
/// taken out, until the document put back gives it again.
const UNSEEN: (usize, usize) = (usize::MAX, usize::MAX);

/// One surface form of a key.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Surface {
    /// Held inline when short, as most surfaces are (see `NameTable::ids`).
    text: CompactString,
    /// Its mentions.
    count: u32,
    /// Where it first appears: (document, distinct name of the document).
    first: (usize, usize),
    /// The documents that list it as a distinct name.
    docs: u32,
}

/// What the merge knows about one key, summed over the documents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct KeyInfo {
    key: String,
    surfaces: Vec<Surface>,
    kinds: [u32; 4],
    mentions: u32,
    /// The (document, distinct name) pairs with this key: 0 for a key no document has any more.
    names: u32,
}

impl KeyInfo {
    /// Where the key first appears: the first appearance of its earliest surface.
    fn first(&self) -> (usize, usize) {
        self.surfaces.iter().map(|s| s.first).min().unwrap_or(UNSEEN)
    }
}

/// One expansion given to an acronym.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Expansion {
    /// The expansion's key.
    key: String,
    /// The expansion as first written.
    long: String,
    /// How many definitions give it.
    count: u32,
    /// The first definition: (document, definition of the document).
    first: (usize, usize),
}

/// The names of a corpus, summed over its documents (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct NameTable {
    /// The slot of each key in `infos`. A slot stays its key's for the table's life.
    ///
    /// The parts are shared (`Arc`) with the table this one was cloned from, and copied on write: an update
    /// clones the table of the index in use and copies only the keys it touches.
    /// The keys are held inline where they are short, as most are (a name's key of up to 24 bytes): the
    /// lookup of a key the table has, which is most of them, then compares it with bytes beside the slot's
    /// tag rather than following a pointer that misses the cache.
    ids: Arc<HashMap<CompactString, usize>>,
    infos: Vec<Arc<KeyInfo>>,
    /// The expansions of each acronym, by the acronym's key.
    expansions: Arc<HashMap<String, Vec<Expansion>>>,
    /// Every slot, sorted by its key, as of when the table had `sorted_len` slots (kept by
    /// [`NameTable::settled`], so that resolving after an update that adds no key does not sort them again).
    sorted: Arc<Vec<usize>>,
    sorted_len: usize,
    /// The slots [`NameTable::remove`] touched since [`NameTable::settled`] looked.
    removed_from: Vec<usize>,
    /// An update left a first appearance unknown.
    unsettled: bool,
}

/// Entities made of a [`NameTable`]: the entities, sorted by name, and the entity of each key slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grouping {
    pub entities: Vec<EntityDef>,
    /// For each key slot of the table, the entity its names belong to, if any.
    pub entity_of_key: Vec<Option<u32>>,
}

/// Merges the names of all documents of a corpus into entities (see the module documentation of
/// `entities`).
pub fn resolve(docs: &[&DocNames]) -> Resolution {
    let (table, rows) = NameTable::of(docs);
    let grouping = table.resolve();
    let assignment = rows.iter().map(|row| grouping.assign(row)).collect();
    Resolution { entities: grouping.entities, assignment }
}

impl Grouping {
    /// The entity of each name of a document, given the key slot of each (as [`NameTable::add`] gives them).
    pub fn assign(&self, row: &[usize]) -> Vec<Option<u32>> {
        let n = self.entities.len();
        row.iter().map(|&slot| self.entity_of_key.get(slot).copied().flatten().filter(|&e| (e as usize) < n)).collect()
    }
}

impl NameTable {
    /// The table of `docs`, document `d` being `docs[d]`, with the key slot of each distinct name of each
    /// document.
    pub fn of(docs: &[&DocNames]) -> (NameTable, Vec<Vec<usize>>) {
        let mut table = NameTable::default();
        let rows = docs.iter().enumerate().map(|(d, doc)| table.add(d, doc)).collect();
        (table, rows)
    }

    /// Whether two versions of a document put the same into a table: the same distinct names in the same
    /// order, the same number of mentions and kind votes for each, the same acronym definitions. Then taking
    /// one out and putting the other in leaves the table as it was, first appearances included.
    pub fn same_part(a: &DocNames, b: &DocNames) -> bool {
        let (a, b) = (NamesView::of(a), NamesView::of(b));
        a.names == b.names && a.acronyms == b.acronyms && a.tally == b.tally
    }

    /// The (document, distinct name) pairs with the key of `slot`.
    pub fn names_of(&self, slot: usize) -> u32 {
        self.infos.get(slot).map_or(0, |info| info.names)
    }

    /// Adds the names of document `d`; gives the key slot of each of its distinct names.
    pub fn add(&mut self, d: usize, doc: &DocNames) -> Vec<usize> {
        self.add_view(d, &NamesView::of(doc))
    }

    /// [`NameTable::add`] of a source's names as the merge reads them (see [`NamesView`]).
    pub fn add_view(&mut self, d: usize, doc: &NamesView<'_>) -> Vec<usize> {
        self.add_views(&[(d, doc)]).into_iter().next().unwrap_or_default()
    }

    /// [`NameTable::add_view`] of several documents in turn (`(d, names)` each): the same table, and the same
    /// slots for each document's names.
    pub fn add_views(&mut self, docs: &[(usize, &NamesView<'_>)]) -> Vec<Vec<usize>> {
        // In three passes over all the names rather than one per name: a large table is mostly out of the
        // cache, and each name's slot, its sums and its surfaces are three loads in a row that miss it. Within
        // a pass the names' loads do not wait on one another, so the processor has several in flight at once.
        // (Only the first pass adds slots, and only the last changes what they hold, in the same order as
        // adding the documents one after another.)
        let mut rows: Vec<Vec<usize>> = Vec::with_capacity(docs.len());
        for (_, doc) in docs {
            let mut row = Vec::with_capacity(doc.names.len());
            for &(_, key) in &doc.names {
                let id = match self.ids.get(key) {
                    Some(&id) => id,
                    None => {
                        self.infos.push(Arc::new(KeyInfo { key: key.to_string(), ..KeyInfo::default() }));
                        Arc::make_mut(&mut self.ids).insert(CompactString::from(key), self.infos.len() - 1);
                        self.infos.len() - 1
                    }
                };
                row.push(id);
            }
            rows.push(row);
        }
        // Each key's sums and the text of the first of its surfaces read ahead of the pass that updates them.
        let mut ahead = 0usize;
        for &id in rows.iter().flatten() {
            if let Some(info) = self.infos.get(id) {
                let first = info.surfaces.first().and_then(|s| s.text.as_bytes().first());
                ahead = ahead.wrapping_add(first.map_or(0, |&b| b as usize));
            }
        }
        std::hint::black_box(ahead);
        for (&(d, doc), row) in docs.iter().zip(&rows) {
            for (n, ((&(surface, _), &(count, kinds)), &id)) in doc.names.iter().zip(&doc.tally).zip(row).enumerate() {
                let info = Arc::make_mut(&mut self.infos[id]);
                info.names += 1;
                info.mentions += count;
                for (votes, more) in info.kinds.iter_mut().zip(kinds) {
                    *votes += more;
                }
                add_surface(&mut info.surfaces, surface, count, (d, n), 1);
            }
            for (j, &(short, long)) in doc.acronyms.iter().enumerate() {
                let list = Arc::make_mut(&mut self.expansions).entry(normalize_name(short)).or_default();
                add_expansion(list, normalize_name(long), long, 1, (d, j));
            }
        }
        rows
    }

    /// Adds what `other` holds, a table of other documents: this table becomes what adding all their
    /// documents to one table would have made, whatever the order. Gives the slot here of each slot of
    /// `other`. (The build fills a table on each core as it reads, and puts them together after.)
    pub fn absorb(&mut self, other: NameTable) -> Vec<usize> {
        let NameTable { infos, expansions, unsettled, removed_from, .. } = other;
        let mut slot_of = Vec::with_capacity(infos.len());
        for theirs in infos {
            let theirs = Arc::unwrap_or_clone(theirs);
            let Some(&id) = self.ids.get(theirs.key.as_str()) else {
                Arc::make_mut(&mut self.ids).insert(CompactString::from(theirs.key.as_str()), self.infos.len());
                self.infos.push(Arc::new(theirs));
                slot_of.push(self.infos.len() - 1);
                continue;
            };
            let info = Arc::make_mut(&mut self.infos[id]);
            info.names += theirs.names;
            info.mentions += theirs.mentions;
            for (votes, more) in info.kinds.iter_mut().zip(theirs.kinds) {
                *votes += more;
            }
            for surface in theirs.surfaces {
                add_surface(&mut info.surfaces, &surface.text, surface.count, surface.first, surface.docs);
            }
            slot_of.push(id);
        }
        for (short, list) in Arc::unwrap_or_clone(expansions) {
            let mine = Arc::make_mut(&mut self.expansions).entry(short).or_default();
            for theirs in list {
                add_expansion(mine, theirs.key, &theirs.long, theirs.count, theirs.first);
            }
        }
        self.removed_from.extend(removed_from.iter().map(|&slot| slot_of[slot]));
        self.unsettled |= unsettled;
        slot_of
    }

    /// Renumbers the documents the table's first appearances name: document `d` becomes `number(d)`, which
    /// must keep their order (the build numbers documents by the walk that found them, then by their place
    /// in the corpus).
    pub fn renumber_documents(&mut self, number: impl Fn(usize) -> usize) {
        let renumber = |first: &mut (usize, usize)| {
            if *first != UNSEEN {
                first.0 = number(first.0);
            }
        };
        for info in &mut self.infos {
            Arc::make_mut(info).surfaces.iter_mut().for_each(|s| renumber(&mut s.first));
        }
        for list in Arc::make_mut(&mut self.expansions).values_mut() {
            list.iter_mut().for_each(|e| renumber(&mut e.first));
        }
    }

    /// Takes out the names of document `d`, as [`NameTable::add`] put them in. A first appearance in `d`
    /// is forgotten until `d` is added again; see [`NameTable::settled`].
    pub fn remove(&mut self, d: usize, doc: &DocNames) {
        let mut row = Vec::with_capacity(doc.names.len());
        for name in &doc.names {
            let found = self.ids.get(name.key.as_str()).copied().and_then(|id| {
                let slot = self.infos[id].surfaces.iter().position(|s| s.text == name.surface)?;
                Some((id, slot))
            });
            let Some((id, slot)) = found else {
                // Not what was added: the table no longer tells the corpus.
                self.unsettled = true;
                row.push(None);
                continue;
            };
            self.removed_from.push(id);
            let info = Arc::make_mut(&mut self.infos[id]);
            info.names = info.names.saturating_sub(1);
            let s = &mut info.surfaces[slot];
            s.docs = s.docs.saturating_sub(1);
            if s.first.0 == d {
                s.first = UNSEEN;
            }
            row.push(Some((id, slot)));
        }
        for mention in &doc.mentions {
            let Some(&Some((id, slot))) = row.get(mention.name as usize) else { continue };
            let info = Arc::make_mut(&mut self.infos[id]);
            info.mentions = info.mentions.saturating_sub(1);
            if let Some(k) = mention.kind {
                let votes = &mut info.kinds[k.index()];
                *votes = votes.saturating_sub(1);
            }
            let s = &mut info.surfaces[slot];
            s.count = s.count.saturating_sub(1);
        }
        for def in &doc.acronyms {
            let key = normalize_name(&def.long);
            let entry = Arc::make_mut(&mut self.expansions)
                .get_mut(&normalize_name(&def.short))
                .and_then(|list| list.iter_mut().find(|e| e.key == key));
            match entry {
                Some(e) => {
                    e.count = e.count.saturating_sub(1);
                    if e.first.0 == d {
                        e.first = UNSEEN;
                    }
                }
                None => self.unsettled = true,
            }
        }
    }

    /// Drops what no document has any more, and tells whether the table is what building it afresh from
    /// the documents would give: false when a first appearance was in a document taken out and the document
    /// put back does not give it (it lies in a document the updates did not read).
    pub fn settled(&mut self) -> bool {
        if self.sorted_len != self.infos.len() {
            self.sorted = Arc::new(self.sorted_slots());
            self.sorted_len = self.infos.len();
        }
        let mut touched = std::mem::take(&mut self.removed_from);
        touched.sort_unstable();
        touched.dedup();
        for slot in touched {
            let info = Arc::make_mut(&mut self.infos[slot]);
            info.surfaces.retain(|s| s.docs > 0);
            if info.surfaces.iter().any(|s| s.first == UNSEEN) {
                self.unsettled = true;
            }
        }
        let stale = |e: &Expansion| e.count == 0 || e.first == UNSEEN;
        if self.expansions.values().any(|list| list.is_empty() || list.iter().any(stale)) {
            let expansions = Arc::make_mut(&mut self.expansions);
            for list in expansions.values_mut() {
                list.retain(|e| e.count > 0);
                if list.iter().any(|e| e.first == UNSEEN) {
                    self.unsettled = true;
                }
            }
            expansions.retain(|_, list| !list.is_empty());
        }
        !self.unsettled
    }

    /// Makes entities of the table: joins acronyms to their most frequent expansion corpus-wide, country
    /// abbreviations to the country, a surname used alone to the one person whose full name ends with it;
    /// picks a display name and a kind by majority; drops lone noise.
    pub fn resolve(&self) -> Grouping {
        // The keys some document has, in the order of their first appearance: their ids below. The
        // expansions only defined are added after them.
        let mut live: Vec<((usize, usize), usize)> = self
            .infos
            .iter()
            .enumerate()
            .filter(|(_, info)| info.names > 0 && !info.surfaces.is_empty())
            .map(|(slot, info)| (info.first(), slot))
            .collect();
        live.sort_unstable();
        let slot_of: Vec<usize> = live.iter().map(|&(_, slot)| slot).collect();
        let mut id_of_slot: Vec<Option<usize>> = vec![None; self.infos.len()];
        for (id, &slot) in slot_of.iter().enumerate() {
            id_of_slot[slot] = Some(id);
        }
        let mentioned = slot_of.len();
        let mut kinds: Vec<[u32; 4]> = slot_of.iter().map(|&slot| self.infos[slot].kinds).collect();
        let mut mentions: Vec<u32> = slot_of.iter().map(|&slot| self.infos[slot].mentions).collect();
        let mut expansion = vec![false; mentioned];
        // The expansions only defined, as (key, surface), id `mentioned + i`.
        let mut extra: Vec<(&str, Surface)> = Vec::new();
        let mut extra_ids: HashMap<&str, usize> = HashMap::default();
        let id_of = |key: &str, extra_ids: &HashMap<&str, usize>| -> Option<usize> {
            self.ids.get(key).and_then(|&slot| id_of_slot[slot]).or_else(|| extra_ids.get(key).copied())
        };

        // Acronyms: each short form joins its most frequent expansion across the corpus.
        let mut sets = Sets { parent: (0..mentioned).collect() };
        let mut short_keys: Vec<&String> = self.expansions.keys().collect();
        short_keys.sort();
        for short in short_keys {
            let Some(sid) = id_of(short, &extra_ids) else { continue };
            if sid >= mentioned {
                continue;
            }
            let list = &self.expansions[short];
            let Some(best) = list.iter().max_by(|a, b| a.count.cmp(&b.count).then_with(|| b.key.cmp(&a.key))) else {
                continue;
            };
            let lid = match id_of(&best.key, &extra_ids) {
                Some(lid) => lid,
                None => {
                    // An expansion only defined (say in a footer) still names the entity.
                    let lid = mentioned + extra.len();
                    let surface =
                        Surface { text: CompactString::from(best.long.as_str()), count: 0, first: UNSEEN, docs: 0 };
                    extra.push((best.key.as_str(), surface));
                    kinds.push([0; 4]);
                    mentions.push(0);
                    expansion.push(false);
                    extra_ids.insert(best.key.as_str(), lid);
                    sets.parent.push(lid);
                    lid
                }
            };
            expansion[lid] = true;
            sets.union(sid, lid);
        }
        let total = mentioned + extra.len();
        let surfaces = |id: usize| -> &[Surface] {
            match id.checked_sub(mentioned) {
                None => &self.infos[slot_of[id]].surfaces,
                Some(i) => std::slice::from_ref(&extra[i].1),
            }
        };

        // Every key, sorted: the live keys in the order kept in the table (or sorted now), with the
        // expansions only defined merged in.
        let mut keys: Vec<(&str, usize)> = Vec::with_capacity(total);
        let sorted_now;
        let sorted: &[usize] = if self.sorted_len == self.infos.len() {
            &self.sorted
        } else {
            sorted_now = self.sorted_slots();
            &sorted_now
        };
        keys.extend(sorted.iter().filter_map(|&slot| Some((self.infos[slot].key.as_str(), id_of_slot[slot]?))));
        if !extra.is_empty() {
            keys.extend(extra.iter().enumerate().map(|(i, (key, _))| (*key, mentioned + i)));
            // Two sorted runs: the stable sort merges them in linear time.
            keys.sort();
        }
        // Country abbreviations join the country's name where both are mentioned.
        for &(key, id) in &keys {
            if let Some(full) = lexicon::country_abbreviation(key) {
                if let Some(fid) = id_of(full, &extra_ids) {
                    sets.union(id, fid);
                }
            }
        }

        // Surnames: a one-word name joins the one person whose full name ends with it.
        let mut kinds_by_root: Vec<[u32; 4]> = vec![[0; 4]; total];
        for (id, k) in kinds.iter().enumerate() {
            let root = sets.find(id);
            for (sum, k) in kinds_by_root[root].iter_mut().zip(k) {
                *sum += k;
            }
        }
        let mut last_word: HashMap<&str, Vec<usize>> = HashMap::default();
        for &(key, id) in &keys {
            if let Some((_, last)) = key.rsplit_once(' ') {
                last_word.entry(last).or_default().push(id);
            }
        }
        for &(key, id) in &keys {
            if key.contains(' ') {
                continue;
            }
            let Some(fulls) = last_word.get(key) else { continue };
            if lexicon::is_place(key) || surfaces(id).iter().all(|s| acronyms::acronym_like(&s.text)) {
                continue;
            }
            let own = kinds_by_root[sets.find(id)];
            if own[1] + own[2] + own[3] > own[0] {
                continue;
            }
            let mut persons: Vec<usize> = fulls
                .iter()
                .map(|&f| sets.find(f))
                .filter(|&r| {
                    let k = kinds_by_root[r];
                    k[0] > 0 && k[0] >= k[1] + k[2] + k[3]
                })
                .collect();
            persons.sort_unstable();
            persons.dedup();
            if persons.len() == 1 {
                sets.union(id, persons[0]);
            }
        }

        // Groups, by root in increasing order, each with its ids in increasing order: surfaces, kinds and
        // mentions summed.
        let root_of: Vec<usize> = (0..total).map(|id| sets.find(id)).collect();
        let mut starts = vec![0usize; total + 1];
        for &r in &root_of {
            starts[r + 1] += 1;
        }
        for i in 0..total {
            starts[i + 1] += starts[i];
        }
        let mut members = vec![0usize; total];
        let mut fill = starts.clone();
        for (id, &r) in root_of.iter().enumerate() {
            members[fill[r]] = id;
            fill[r] += 1;
        }
        let mut entities: Vec<(EntityDef, usize)> = Vec::new();
        let mut group: Vec<(&str, u32, (usize, usize), bool)> = Vec::new();
        for root in 0..total {
            let ids = &members[starts[root]..starts[root + 1]];
            if ids.is_empty() {
                continue;
            }
            let (mut group_kinds, mut group_mentions) = ([0u32; 4], 0u32);
            group.clear();
            for &id in ids {
                for (sum, k) in group_kinds.iter_mut().zip(kinds[id]) {
                    *sum += k;
                }
                group_mentions += mentions[id];
                for s in surfaces(id) {
                    match group.iter_mut().find(|x| x.0 == s.text) {
                        Some(x) => {
                            x.1 += s.count;
                            x.2 = x.2.min(s.first);
                        }
                        None => group.push((&s.text, s.count, s.first, expansion[id])),
                    }
                }
            }
            if group_mentions == 0 {
                continue;
            }
            let best_kind = (0..4).max_by_key(|&k| (group_kinds[k], std::cmp::Reverse(k))).unwrap_or(3);
            let kind = if group_kinds[best_kind] == 0 { EntityKind::Other } else { EntityKind::BY_INDEX[best_kind] };
            let name = choose_name(&group, kind);
            if is_noise(&name, group_mentions, group_kinds) {
                continue;
            }
            let mut aliases: Vec<String> = group.iter().filter(|s| s.0 != name).map(|s| s.0.to_string()).collect();
            aliases.sort();
            aliases.dedup();
            entities.push((EntityDef { name, kind, aliases }, root));
        }
        // By name, case-insensitively, then as written; equal names keep their root order (a stable sort).
        entities.sort_by_cached_key(|(e, _)| (e.name.to_lowercase(), e.name.clone()));
        let mut index_of_root: Vec<Option<u32>> = vec![None; total];
        for (i, (_, r)) in entities.iter().enumerate() {
            index_of_root[*r] = Some(i as u32);
        }
        let entity_of_key = (0..self.infos.len()).map(|slot| index_of_root[root_of[id_of_slot[slot]?]]).collect();
        Grouping { entities: entities.into_iter().map(|(e, _)| e).collect(), entity_of_key }
    }

    /// Every slot, sorted by its key.
    fn sorted_slots(&self) -> Vec<usize> {
        let mut sorted: Vec<usize> = (0..self.infos.len()).collect();
        sorted.sort_unstable_by(|&a, &b| self.infos[a].key.cmp(&self.infos[b].key));
        sorted
    }
}

/// Counts for the surface `text` of a key `count` more mentions in `docs` more documents, the first of them
/// at `first`: what adding a document ([`NameTable::add_view`]) and putting tables together
/// ([`NameTable::absorb`]) both do.
fn add_surface(surfaces: &mut Vec<Surface>, text: &str, count: u32, first: (usize, usize), docs: u32) {
    match surfaces.iter_mut().find(|s| s.text == text) {
        Some(s) => {
            s.docs += docs;
            s.count += count;
            s.first = s.first.min(first);
        }
        None => surfaces.push(Surface { text: CompactString::from(text), count, first, docs }),
    }
}

/// Counts for an acronym `count` more definitions by the expansion of key `key`, the first of them at
/// `first` and written `long`: the expansion as first written is kept.
fn add_expansion(list: &mut Vec<Expansion>, key: String, long: &str, count: u32, first: (usize, usize)) {
    match list.iter_mut().find(|e| e.key == key) {
        Some(e) => {
            e.count += count;
            if first < e.first {
                e.first = first;
                e.long = long.to_string();
            }
        }
        None => list.push(Expansion { key, long: long.to_string(), count, first }),
    }
}

/// What a table holds, in an order that does not depend on the order of adding: each key with its sums and
/// its surfaces by text, and each acronym's expansions by key (for tests that compare tables).
#[cfg(test)]
pub(crate) type Canonical = (
    Vec<(String, u32, u32, [u32; 4], Vec<(String, u32, (usize, usize), u32)>)>,
    Vec<(String, Vec<(String, String, u32, (usize, usize))>)>,
);

#[cfg(test)]
impl NameTable {
    pub(crate) fn canonical(&self) -> Canonical {
        let mut keys: Vec<_> = self
            .infos
            .iter()
            .map(|info| {
                let mut surfaces: Vec<_> =
                    info.surfaces.iter().map(|s| (s.text.to_string(), s.count, s.first, s.docs)).collect();
                surfaces.sort();
                (info.key.clone(), info.names, info.mentions, info.kinds, surfaces)
            })
            .collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let mut expansions: Vec<_> = self
            .expansions
            .iter()
            .map(|(short, list)| {
                let mut list: Vec<_> = list.iter().map(|e| (e.key.clone(), e.long.clone(), e.count, e.first)).collect();
                list.sort();
                (short.clone(), list)
            })
            .collect();
        expansions.sort();
        (keys, expansions)
    }
}

/// Union-find over name keys.
struct Sets {
    parent: Vec<usize>,
}

impl Sets {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index stays the root, which keeps the result independent of hash order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// The display name of a group: an acronym's expansion over the acronym; for a person the fullest name;
/// otherwise the most frequent form that is not an acronym; ties go to the longer, then the earlier form.
fn choose_name(surfaces: &[(&str, u32, (usize, usize), bool)], kind: EntityKind) -> String {
    let acronym = |s: &str| acronyms::acronym_like(s) && !s.contains(' ');
    let pool: Vec<&(&str, u32, (usize, usize), bool)> = {
        let expansions: Vec<_> = surfaces.iter().filter(|s| s.3).collect();
        let plain: Vec<_> = surfaces.iter().filter(|s| !acronym(s.0)).collect();
        if !expansions.is_empty() {
            expansions
        } else if !plain.is_empty() {
            plain
        } else {
            surfaces.iter().collect()
        }
    };
    let best = pool.iter().max_by(|a, b| {
        let words = |s: &str| s.split(' ').count();
        let primary = if kind == EntityKind::Person {
            words(a.0).cmp(&words(b.0)).then(a.1.cmp(&b.1))
        } else {
            a.1.cmp(&b.1).then(words(a.0).cmp(&words(b.0)))
        };
        primary.then_with(|| b.2.cmp(&a.2)).then_with(|| b.0.cmp(a.0))
    });
    best.map(|s| s.0.to_string()).unwrap_or_default()
}

/// A name seen once, with no evidence of its kind, made only of common words (`Foreign Affairs`).
fn is_noise(name: &str, mentions: u32, kinds: [u32; 4]) -> bool {
    mentions <= 1
        && kinds.iter().all(|&k| k == 0)
        && name.split(' ').all(|w| {
            let l = w.to_lowercase();
            lexicon::is_common_word(&l) || lexicon::is_connector(&l) || lexicon::is_adjective_of_place(&l)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{AcronymDef, DocName, NameMention};
    use crate::text::Span;
    use proptest::prelude::*;

    /// A document of names drawn from a small pool (so that documents share keys, and keys surfaces), each
    /// mentioned a few times with or without a kind, and an acronym definition or two.
    fn doc(picks: &[(u8, u8, u8)], acronyms: &[(u8, u8)]) -> DocNames {
        const SURFACES: [&str; 8] =
            ["Astana", "ASTANA", "Nur-Sultan", "Kazakhstan", "Tokayev", "the Bank", "Bank", "EAEU"];
        const LONG: [&str; 3] = ["Eurasian Economic Union", "Eurasian economic union", "Asian Bank"];
        let mut doc = DocNames::default();
        for &(surface, times, kind) in picks {
            let surface = SURFACES[surface as usize % SURFACES.len()];
            let name = match doc.names.iter().position(|n| n.surface == surface) {
                Some(n) => n,
                None => {
                    doc.names.push(DocName { surface: surface.into(), key: normalize_name(surface) });
                    doc.names.len() - 1
                }
            };
            for _ in 0..times % 3 + 1 {
                let kind = EntityKind::BY_INDEX.get(kind as usize).copied();
                doc.mentions.push(NameMention { span: Span::new(0, 0), name: name as u32, kind });
            }
        }
        for &(short, long) in acronyms {
            let short = ["EAEU", "AB"][short as usize % 2];
            doc.acronyms.push(AcronymDef { short: short.into(), long: LONG[long as usize % LONG.len()].into() });
        }
        doc
    }

    /// The picks of [`doc`] for one to eleven documents.
    fn docs_picks() -> impl Strategy<Value = Vec<(Vec<(u8, u8, u8)>, Vec<(u8, u8)>)>> {
        prop::collection::vec(
            (prop::collection::vec((0u8..8, 0u8..3, 0u8..6), 0..6), prop::collection::vec((0u8..2, 0u8..3), 0..2)),
            1..12,
        )
    }

    proptest! {
        /// Documents added a batch at a time make the table, and get the slots, that adding them one after
        /// another gives.
        #[test]
        fn documents_added_together_are_documents_added_in_turn(
            docs in docs_picks(),
            batch in 1usize..5,
        ) {
            let docs: Vec<DocNames> = docs.iter().map(|(picks, acronyms)| doc(picks, acronyms)).collect();
            let mut in_turn = NameTable::default();
            let rows: Vec<Vec<usize>> = docs.iter().enumerate().map(|(d, doc)| in_turn.add(d, doc)).collect();
            let views: Vec<(usize, NamesView<'_>)> =
                docs.iter().enumerate().map(|(d, doc)| (d, NamesView::of(doc))).collect();
            let mut together = NameTable::default();
            let mut together_rows = Vec::new();
            for chunk in views.chunks(batch) {
                let each: Vec<(usize, &NamesView<'_>)> = chunk.iter().map(|(d, view)| (*d, view)).collect();
                together_rows.extend(together.add_views(&each));
            }
            prop_assert_eq!(together_rows, rows);
            prop_assert_eq!(together.canonical(), in_turn.canonical());
        }

        /// Tables of some of the documents each, put together and their documents renumbered, are the table
        /// of all the documents added to one, and resolve to the same entities.
        #[test]
        fn tables_put_together_are_the_table_of_all_documents(
            docs in docs_picks(),
            parts in 1usize..4,
            gap in 1usize..4,
        ) {
            let docs: Vec<DocNames> = docs.iter().map(|(picks, acronyms)| doc(picks, acronyms)).collect();
            let mut whole = NameTable::default();
            let rows: Vec<Vec<usize>> = docs.iter().enumerate().map(|(d, doc)| whole.add(d, doc)).collect();

            // Document `d` goes to table `d % parts`, numbered `d * gap + 1` there (numbers that keep the
            // documents' order, as the walk's do).
            let mut tables = vec![NameTable::default(); parts];
            let part_rows: Vec<Vec<usize>> =
                docs.iter().enumerate().map(|(d, doc)| tables[d % parts].add(d * gap + 1, doc)).collect();
            let mut tables = tables.into_iter();
            let mut together = tables.next().unwrap_or_default();
            let slot_of: Vec<Option<Vec<usize>>> =
                std::iter::once(None).chain(tables.map(|t| Some(together.absorb(t)))).collect();
            together.renumber_documents(|n| (n - 1) / gap);

            prop_assert_eq!(together.canonical(), whole.canonical());
            let (a, b) = (together.resolve(), whole.resolve());
            prop_assert_eq!(&a.entities, &b.entities);
            for (d, row) in part_rows.iter().enumerate() {
                let row: Vec<usize> = match &slot_of[d % parts] {
                    Some(slots) => row.iter().map(|&s| slots[s]).collect(),
                    None => row.clone(),
                };
                prop_assert_eq!(a.assign(&row), b.assign(&rows[d]));
            }
        }
    }
}
