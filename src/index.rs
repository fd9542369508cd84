//! The index: everything the analysis asks, built once from a corpus and then immutable.
//!
//! [`Index::build`] runs the extractors over every source in parallel (rayon), merges the names of all
//! sources into entities, and lays out postings: for each entity, its mentions grouped by source, most
//! mentions first; for each figure, the sources that cite the same quantity in any notation. The server
//! shares one `Arc<Index>` and swaps in a new one whole when the corpus changes, so readers never see a
//! half-built index.
//!
//! Every span stored here is a span of its source's text, produced by an extractor that guarantees
//! character boundaries, so every excerpt cut with it is verbatim.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;

use crate::corpus::{Corpus, SourceMeta, Stamp, Warning};
use crate::extract::entities::{Grouping, NameTable};
use crate::extract::fasthash::FastMap;
use crate::extract::{self, EntityKind, Figure, Sentence};
use crate::figure_order::FigureOrder;
use crate::lazy::Lazy;
use crate::text::{LineIndex, Span};

/// The position of a source in [`Index::sources`].
pub type SourceId = u32;
/// The position of an entity in [`Index::entities`].
pub type EntityId = u32;

/// A source's text with its line index: what excerpts and positions are cut from.
#[derive(Debug)]
pub struct SourceText {
    pub text: Arc<String>,
    pub lines: LineIndex,
}

impl SourceText {
    pub fn new(text: Arc<String>) -> SourceText {
        let lines = LineIndex::new(&text);
        SourceText { text, lines }
    }
}

/// Why a source's text is not at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextError {
    /// The file cannot be read any more.
    Unreadable(String),
    /// The file no longer holds the text that was indexed (the index of the new text is on its way).
    Changed,
    /// What was extracted does not fit the text: a damaged persisted index.
    Unfit,
}

impl std::error::Error for TextError {}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Unreadable(why) => write!(f, "cannot read the source: {why}"),
            TextError::Changed => write!(f, "the source changed on disk since it was indexed"),
            TextError::Unfit => write!(f, "the stored index does not fit the source"),
        }
    }
}

/// A source document with what was extracted from it.
///
/// The text of a source read from disk is not kept: the index holds what was extracted, and
/// [`SourceDoc::text`] reads the text back (through a small cache) when an excerpt or a position is wanted,
/// checking that the file still holds the very text indexed (length and content hash) and that every stored
/// span falls on its character boundaries. A text given in memory (the embedded seeds, a corpus built in a
/// test) is held.
#[derive(Debug)]
pub struct SourceDoc {
    pub meta: SourceMeta,
    /// The length of the text in bytes.
    pub len: usize,
    /// [`content_hash`] of the text.
    pub hash: u128,
    /// The title the text's first line gives, used when the bibliography gives none.
    pub title_line: String,
    held: Option<Arc<SourceText>>,
    /// Whether the stored spans fit the text, once a text was at hand to tell.
    fits: std::sync::OnceLock<bool>,
    /// What the extractors found, shared with the next index when the text did not change. Each part may
    /// still be in the persisted index's bytes, decoded on first use ([`Lazy`]).
    pub sentences: Arc<Lazy<Vec<Sentence>>>,
    pub figures: Arc<Lazy<Vec<Figure>>>,
    pub names: Arc<Lazy<extract::DocNames>>,
    /// For each distinct name of the source (`names.names`), the entity it was merged into, if any. A
    /// mention of an entity is a mention in `names.mentions` whose name has one; postings count in that
    /// list, so the mentions are not stored twice.
    pub entity_of_name: Vec<Option<EntityId>>,
}

impl SourceDoc {
    /// Mention `i` of `names.mentions`, when its name is an entity.
    pub fn mention(&self, i: u32) -> Option<Mention> {
        let m = self.names.mentions.get(i as usize)?;
        let entity = (*self.entity_of_name.get(m.name as usize)?)?;
        Some(Mention { span: m.span, entity })
    }

    /// Every mention of an entity in this source, in text order, with its position in `names.mentions`.
    pub fn mentions(&self) -> impl Iterator<Item = (u32, Mention)> + '_ {
        (0..self.names.mentions.len() as u32).filter_map(|i| Some((i, self.mention(i)?)))
    }

    /// The text, held, or read back from the file and kept in the cache of recently used texts. What comes back
    /// is always the very text indexed: a file read is checked against the length and content hash, and a
    /// cached copy is one that was (it may be served after the file changed, until the watcher's re-index
    /// replaces this index). The stored spans are checked to fit it, once per source.
    pub fn text(&self) -> Result<Arc<SourceText>, TextError> {
        self.text_with(true)
    }

    /// [`SourceDoc::text`], without filling the cache: for passes over the whole corpus, which would only
    /// evict what requests use.
    pub fn text_once(&self) -> Result<Arc<SourceText>, TextError> {
        self.text_with(false)
    }

    fn text_with(&self, keep: bool) -> Result<Arc<SourceText>, TextError> {
        let text = match &self.held {
            Some(held) => held.clone(),
            // A cached text is the text of this hash; its length must be this source's too.
            None => match text_cache::get(self.hash).filter(|hit| hit.text.len() == self.len) {
                Some(hit) => hit,
                None => {
                    let text = crate::corpus::read_document(&self.meta.path).map_err(TextError::Unreadable)?;
                    self.same_text(&text)?;
                    let read = Arc::new(SourceText::new(Arc::new(text)));
                    if keep {
                        text_cache::put(self.hash, read.clone());
                    }
                    read
                }
            },
        };
        self.fits(&text.text)?;
        Ok(text)
    }

    /// Whether a part of the stored extraction did not decode (it reads as empty): such a source is unfit,
    /// and its extraction is not reused.
    pub fn damaged(&self) -> bool {
        self.sentences.failed() || self.figures.failed() || self.names.failed()
    }

    /// A source as the persisted index holds it: `prior`'s extraction (its path and stamp are the metadata's),
    /// with its names assigned to entities as `entity_of_name` says.
    pub(crate) fn stored(meta: SourceMeta, prior: Prior, entity_of_name: Vec<Option<EntityId>>) -> SourceDoc {
        let Prior { path, len, hash, stamp, title_line, held, sentences, figures, names } = prior;
        SourceDoc {
            meta: SourceMeta { path, stamp, ..meta },
            len,
            hash,
            title_line,
            held,
            fits: std::sync::OnceLock::new(),
            sentences,
            figures,
            names,
            entity_of_name,
        }
    }

    /// This source with its extraction, before the merge assigned its names.
    fn unmerged(&self) -> SourceDoc {
        SourceDoc {
            meta: self.meta.clone(),
            len: self.len,
            hash: self.hash,
            title_line: self.title_line.clone(),
            held: self.held.clone(),
            fits: std::sync::OnceLock::new(),
            sentences: self.sentences.clone(),
            figures: self.figures.clone(),
            names: self.names.clone(),
            entity_of_name: Vec::new(),
        }
    }

    /// Whether the file still holds the text indexed, and the stored spans fit it: read from the file, past
    /// any cache. A held text is not in a file to check.
    pub fn check_file(&self) -> Result<(), TextError> {
        if self.held.is_some() {
            return Ok(());
        }
        let text = crate::corpus::read_document(&self.meta.path).map_err(TextError::Unreadable)?;
        self.same_text(&text)?;
        self.fits(&text)
    }

    fn same_text(&self, text: &str) -> Result<(), TextError> {
        if text.len() == self.len && content_hash(text) == self.hash {
            Ok(())
        } else {
            Err(TextError::Changed)
        }
    }

    /// Whether every span falls on character boundaries of `text` (the text of this source's hash), worked
    /// out once.
    fn fits(&self, text: &str) -> Result<(), TextError> {
        let fits = *self.fits.get_or_init(|| {
            let ok = |s: Span| text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize);
            // A pass over every source (the background check) decodes the parts still in the store for the
            // check only.
            let fits = self.sentences.peek(|all| all.iter().all(|s| ok(s.span)))
                && self.figures.peek(|all| all.iter().all(|f| ok(f.span) && ok(f.sentence)))
                && self.names.peek(|names| names.mentions.iter().all(|m| ok(m.span)));
            fits && !self.damaged()
        });
        if fits {
            Ok(())
        } else {
            Err(TextError::Unfit)
        }
    }
}

/// Texts read back from their files, the most recently used kept up to [`text_cache::BUDGET`] bytes. Keyed by
/// content hash, so an entry serves any index with a source of that text.
mod text_cache {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};

    use super::SourceText;

    /// The bytes of text kept.
    pub const BUDGET: usize = 64 << 20;

    #[derive(Default)]
    struct Cache {
        entries: HashMap<u128, (Arc<SourceText>, u64)>,
        bytes: usize,
        clock: u64,
    }

    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);

    pub fn get(hash: u128) -> Option<Arc<SourceText>> {
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        cache.clock += 1;
        let now = cache.clock;
        let (text, used) = cache.entries.get_mut(&hash)?;
        *used = now;
        Some(text.clone())
    }

    pub fn put(hash: u128, text: Arc<SourceText>) {
        let len = text.text.len();
        if len > BUDGET {
            return;
        }
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        cache.clock += 1;
        let now = cache.clock;
        if let Some((_, used)) = cache.entries.get_mut(&hash) {
            *used = now;
            return;
        }
        while cache.bytes + len > BUDGET {
            let Some(oldest) = cache.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(h, _)| *h) else {
                break;
            };
            if let Some((gone, _)) = cache.entries.remove(&oldest) {
                cache.bytes -= gone.text.len();
            }
        }
        cache.bytes += len;
        cache.entries.insert(hash, (text, now));
    }
}

/// One mention of an entity in a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention {
    pub span: Span,
    pub entity: EntityId,
}

/// Where an entity is mentioned: each source that mentions it, with the positions of the mentions in the
/// source's `names.mentions`.
pub type Postings = Vec<(SourceId, Arc<[u32]>)>;

/// An entity with its postings.
#[derive(Debug)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    pub aliases: Vec<String>,
    /// The sources that mention the entity, most mentions first (ties: source order), each with the
    /// positions of its mentions in the source's `names.mentions` (see [`SourceDoc::mention`]).
    /// Each list is shared, so that an entity whose postings change in one source ([`Index::update`]) copies
    /// the others' lists by reference. Held encoded, as the persisted index has them, until first used (see
    /// [`crate::lazy`]); their number is known without decoding them (`by_source.counts()[0]`).
    pub by_source: Lazy<Postings>,
    /// The number of mentions in the whole corpus.
    pub total: u32,
}

impl Entity {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Where a figure sits: its source and its position in [`SourceDoc::figures`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FigureRef {
    pub source: SourceId,
    pub figure: u32,
}

/// The immutable index of a corpus.
///
/// Sources and entities are shared (`Arc`), so that the index after one source changed ([`Index::update`])
/// shares everything that did not change with the index before.
#[derive(Debug, Default)]
pub struct Index {
    pub sources: Vec<Arc<SourceDoc>>,
    pub entities: Vec<Arc<Entity>>,
    /// Problems met while loading the corpus.
    pub warnings: Vec<Warning>,
    by_key: Arc<HashMap<String, SourceId>>,
    /// Every figure, ordered by its quantity (then source order): the figures of one quantity are a run,
    /// found by binary search. Eight bytes a figure, where a map of lists took ten times that.
    by_quantity: FigureOrder,
    lookup: Arc<NameLookup>,
    /// The merge's table of names, for [`Index::update`]: kept from the merge that built the index, or
    /// worked out on the first update of an index read from the store.
    names: std::sync::OnceLock<Option<Arc<Names>>>,
    /// The total size of the sources' texts in bytes.
    pub bytes: usize,
    /// `by_quantity` came from the store and its order is not checked yet (see
    /// [`Index::with_checked_store`]); every entry is known to name a figure that exists.
    order_unchecked: bool,
    /// The entities' postings came from the store and are not yet checked to be mentions of their own
    /// entities (see [`Index::with_checked_store`]); each is known to be a mention of its source.
    postings_unchecked: bool,
}

/// What finds entity names in text: in notes, and by prefix for completion.
#[derive(Debug, Default)]
struct NameLookup {
    /// Finds entity names in a note's text.
    matcher: NameMatcher,
    /// Every name and alias from each word start on, lower-cased and sorted, for prefix completion.
    names_sorted: Vec<(String, EntityId)>,
}

/// The name table of a corpus and the entities made of it (see [`extract::entities::NameTable`]).
#[derive(Debug)]
pub(crate) struct Names {
    table: NameTable,
    grouping: Grouping,
}

/// A figure's quantity as a hashable key: the unit, and the values rounded to 9 significant digits, which
/// is where [`extract::close`] draws the line for numbers parsed from decimal text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct QuantityKey {
    unit: u64,
    value: (i32, i16),
    /// For a range, its high end; `(0, i16::MIN)` for none (no value rounds to that exponent).
    high: (i32, i16),
}

impl QuantityKey {
    fn of(f: &Figure) -> QuantityKey {
        let high = f.high.map_or((0, i16::MIN), round_key);
        QuantityKey { unit: f.unit.key(), value: round_key(f.value), high }
    }
}

/// `10f64.powi(k)`, read from a table of its values where `k` is an exponent [`round_key`] can ask for:
/// the same numbers, bit for bit, without the repeated multiplications (a build keys millions of figures).
fn power_of_ten(k: i32) -> f64 {
    // From the smallest subnormal's exponent less nine to the largest finite one's less seven.
    const LOW: i32 = -333;
    const HIGH: i32 = 301;
    static TABLE: std::sync::LazyLock<Vec<f64>> =
        std::sync::LazyLock::new(|| (LOW..=HIGH).map(|k| 10f64.powi(std::hint::black_box(k))).collect());
    match usize::try_from(k - LOW).ok().and_then(|i| TABLE.get(i)) {
        Some(&p) => p,
        None => 10f64.powi(k),
    }
}

/// `v` as nine significant digits and a decimal exponent (`m * 10^(e - 8)`), without formatting it. Nine
/// digits fit an `i32`, and every finite exponent (-324 to 308) an `i16`.
fn round_key(v: f64) -> (i32, i16) {
    if v == 0.0 {
        return (0, 0);
    }
    if !v.is_finite() {
        return (0, if v.is_nan() { i16::MAX } else { v.signum() as i16 });
    }
    let digits = |e: i32| (v / power_of_ten(e - 8)).round();
    let mut e = v.abs().log10().floor() as i32;
    let mut m = digits(e);
    // `log10` can be a hair off at powers of ten; the mantissa must have exactly nine digits.
    if m.abs() >= 1e9 {
        e += 1;
        m = digits(e);
    } else if m.abs() < 1e8 {
        e -= 1;
        m = digits(e);
    }
    (m as i32, e as i16)
}

impl Index {
    /// Builds the index of a corpus held in memory: extraction in parallel across sources, then the merge of
    /// names. The texts are held by the index.
    pub fn build(corpus: Corpus) -> Index {
        Index::build_reusing(corpus, None)
    }

    /// [`Index::build`], reusing the extraction of every source of `previous` whose path and text are
    /// unchanged.
    pub fn build_reusing(corpus: Corpus, previous: Option<&Index>) -> Index {
        let prior: Vec<Prior> = previous.map(|p| p.sources.iter().map(|d| Prior::of(d)).collect()).unwrap_or_default();
        Index::build_with(corpus, &prior)
    }

    /// [`Index::build`], reusing the extraction in `prior` of every source whose path, length and content hash
    /// are unchanged.
    pub fn build_with(corpus: Corpus, prior: &[Prior]) -> Index {
        let Corpus { sources, warnings } = corpus;
        let reusable = by_path(prior);
        let tables = Tables::new();
        let (docs, parts): (Vec<SourceDoc>, Vec<(Vec<QuantityKey>, Option<Added>)>) = sources
            .into_par_iter()
            .enumerate()
            .map(|(sid, source)| {
                let old = reusable.get(source.meta.path.as_path()).map(|&i| &prior[i]);
                // The very text of the index in use: nothing to compute again.
                let same = old.and_then(|old| {
                    old.held.as_ref().filter(|h| Arc::ptr_eq(&h.text, &source.text)).map(|h| (h.clone(), old.hash))
                });
                let (held, hash) = match same {
                    Some(known) => known,
                    None => {
                        let hash = content_hash(&source.text);
                        (Arc::new(SourceText::new(source.text)), hash)
                    }
                };
                let title_line = crate::corpus::assemble::derive_title(&held.text, &source.meta.path);
                let part = Part::of(&held.text, hash, title_line, old, Some((&tables, sid)));
                let (doc, keys, added) = part.into_doc(source.meta, Some(held));
                (doc, (keys, added))
            })
            .unzip();
        let (keys, added) = parts.into_iter().unzip();
        Index::merged(docs, keys, Some(tables.streamed(added)), warnings)
    }

    /// Loads the corpus under `paths` from disk and indexes it, streaming: each file is read, extracted and
    /// let go, so the texts are never all in memory at once (see [`SourceDoc::text`]). A source of `prior`
    /// whose file has the same size and modification time as then is taken from `prior` without reading the
    /// file; one whose text hashes the same keeps its extraction.
    pub fn load(paths: &[std::path::PathBuf], prior: &[Prior]) -> Index {
        let stream = crate::profile::span("build: read and extract");
        let gathered = gather(prior, |known, digest| crate::corpus::load_with(paths, known, digest));
        drop(stream);
        let _merge = crate::profile::span("build: merge");
        Index::merged(gathered.docs, gathered.keys, Some(gathered.streamed), gathered.warnings)
    }

    /// The index of sources extracted (or taken from a prior) but not merged: the names merged into entities
    /// and the figures sorted by quantity side by side, as the one needs only the names and the other only
    /// the figures. The merge's steps that run on one core (putting the name tables together, resolving the
    /// entities) leave the other to the sort.
    /// `keys[sid]` holds the quantity key of each figure of source `sid` where it was just extracted (see
    /// [`Part::quantity_keys`]); it may be shorter, or empty. `streamed` holds the names of the sources the
    /// build extracted, as it added them to its tables (see [`Tables`]); the others' are read now.
    pub(crate) fn merged(
        docs: Vec<SourceDoc>,
        keys: Vec<Vec<QuantityKey>>,
        streamed: Option<Streamed>,
        warnings: Vec<Warning>,
    ) -> Index {
        let figures: Vec<Arc<Lazy<Vec<Figure>>>> = docs.iter().map(|d| d.figures.clone()).collect();
        let ((docs, entities, names, lookup), sorted) = rayon::join(
            || merge_names(docs, streamed),
            || {
                let _span = crate::profile::span("merge: figures sorted (beside the names)");
                sort_by_quantity(&figures.iter().map(|f| &**f).collect::<Vec<_>>(), keys)
            },
        );
        let index = Index::finish_with_lookup(docs, entities, warnings, Order::Sorted(sorted), Some(lookup));
        let _ = index.names.set(Some(Arc::new(names)));
        index
    }

    /// The index from sources whose mentions are assigned and entities whose postings are laid out, with
    /// the figure order `order` gives: the lookup tables are derived here. A figure order from the store
    /// must have one entry per figure, each naming a figure that exists, or the figures are sorted afresh;
    /// that the order is the one sorting gives is checked later, off the path to the first answer
    /// ([`Index::with_checked_store`]), as is that every posting is a mention of its own entity. Until then a
    /// damaged order can only miss figures of the same quantity, never index out of bounds.
    pub(crate) fn finish_with(
        docs: Vec<SourceDoc>,
        entities: Vec<Entity>,
        warnings: Vec<Warning>,
        order: Order,
    ) -> Index {
        Index::finish_with_lookup(docs, entities, warnings, order, None)
    }

    /// [`Index::finish_with`], with the name lookup of `entities` where it was built already.
    fn finish_with_lookup(
        docs: Vec<SourceDoc>,
        entities: Vec<Entity>,
        warnings: Vec<Warning>,
        order: Order,
        lookup: Option<Arc<NameLookup>>,
    ) -> Index {
        let mut by_key = HashMap::new();
        let mut bytes = 0;
        for (sid, doc) in docs.iter().enumerate() {
            by_key.entry(doc.meta.key.clone()).or_insert(sid as SourceId);
            bytes += doc.len;
        }
        let stored = matches!(order, Order::Stored(_));
        let docs: Vec<Arc<SourceDoc>> = docs.into_iter().map(Arc::new).collect();
        let entities: Vec<Arc<Entity>> = entities.into_iter().map(Arc::new).collect();
        // Where the order is to be checked or sorted, that and the name lookup side by side: the lookup's two
        // parts are serial each.
        let ((by_quantity, order_unchecked), lookup) = rayon::join(
            || match order {
                Order::Sorted(order) => (order, false),
                Order::Stored(order) if names_every_figure(&docs, &order) => (order, true),
                Order::Stored(_) => (sort_by_quantity(&figures_of(&docs), Vec::new()), false),
            },
            || lookup.unwrap_or_else(|| Arc::new(NameLookup::of(&named(&entities)))),
        );
        Index {
            sources: docs,
            entities,
            warnings,
            by_key: Arc::new(by_key),
            by_quantity,
            lookup,
            names: std::sync::OnceLock::new(),
            bytes,
            order_unchecked,
            postings_unchecked: stored,
        }
    }

    /// Checks what [`Index::finish_with`] took from the store unchecked: `None` when it holds (or nothing
    /// was taken from the store), else this index mended. Where a posting is not a mention of its own
    /// entity, the names are merged again from the sources' extraction; where only the figure order does
    /// not hold, the figures are sorted afresh, sharing everything else.
    pub fn with_checked_store(&self) -> Option<Index> {
        if self.postings_unchecked && !self.postings_hold() {
            let docs = self.sources.iter().map(|d| d.unmerged()).collect();
            return Some(Index::merged(docs, Vec::new(), None, self.warnings.clone()));
        }
        if !self.order_unchecked {
            return None;
        }
        // Sorting again, each source's figures decoded for the pass only, is what checking the order in place
        // would cost once every figure were decoded and kept.
        let sorted = sort_by_quantity(&figures_of(&self.sources), Vec::new());
        if sorted == self.by_quantity {
            return None;
        }
        Some(Index {
            sources: self.sources.clone(),
            entities: self.entities.clone(),
            warnings: self.warnings.clone(),
            by_key: self.by_key.clone(),
            by_quantity: sorted,
            lookup: self.lookup.clone(),
            names: self.names.clone(),
            bytes: self.bytes,
            order_unchecked: false,
            postings_unchecked: false,
        })
    }

    /// Whether every posting is a mention of its own entity: one pass over each source's names, decoded
    /// for the pass only.
    fn postings_hold(&self) -> bool {
        let mut of_source: Vec<Vec<(EntityId, Arc<[u32]>)>> = vec![Vec::new(); self.sources.len()];
        for (eid, e) in self.entities.iter().enumerate() {
            // Each entity's postings decoded for the pass only; the lists are shared until it ends.
            let known = e.by_source.peek(|by_source| {
                by_source.iter().all(|(sid, list)| match of_source.get_mut(*sid as usize) {
                    Some(lists) => {
                        lists.push((eid as EntityId, list.clone()));
                        true
                    }
                    None => false,
                })
            });
            if !known || e.by_source.failed() {
                return false;
            }
        }
        self.sources.par_iter().zip(of_source).all(|(doc, lists)| {
            lists.is_empty()
                || doc.names.peek(|names| {
                    lists.iter().all(|(eid, list)| {
                        list.iter().all(|&at| {
                            let name = names.mentions.get(at as usize).map(|m| m.name as usize);
                            name.and_then(|n| doc.entity_of_name.get(n).copied().flatten()) == Some(*eid)
                        })
                    })
                })
        })
    }
}

/// An entity's name and aliases, all the name lookup needs of it: from the entities of an index, or from the
/// merge's definitions before the entities are made of them.
type Named<'a> = (&'a str, &'a [String]);

fn named(entities: &[Arc<Entity>]) -> Vec<Named<'_>> {
    entities.iter().map(|e| (e.name.as_str(), e.aliases.as_slice())).collect()
}

fn names_of<'a>(&(name, aliases): &Named<'a>) -> impl Iterator<Item = &'a str> {
    std::iter::once(name).chain(aliases.iter().map(String::as_str))
}

impl NameLookup {
    /// The automaton that finds entity names in notes and the sorted name list for completion.
    /// The matcher and the prefix list, each made on its own core.
    fn of(entities: &[Named<'_>]) -> NameLookup {
        let (matcher, names_sorted) = rayon::join(|| matcher_of(entities), || prefixes_of(entities));
        NameLookup { matcher, names_sorted }
    }
}

/// A matcher of every name, alias and spelling variant of `entities` (two characters or more), with the
/// entity of each pattern.
fn matcher_of(entities: &[Named<'_>]) -> NameMatcher {
    // Every variant with its entity, made on the cores; sorted, each variant kept once with its first
    // entity (the lowest id), as a map filled in entity order would keep it.
    let mut pairs: Vec<(String, EntityId)> = entities
        .par_iter()
        .enumerate()
        .flat_map_iter(|(eid, entity)| {
            let variants = names_of(entity).flat_map(extract::entities::spelling_variants);
            variants.filter(|v| v.chars().count() >= 2).map(move |v| (v, eid as EntityId)).collect::<Vec<_>>()
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup_by(|later, first| later.0 == first.0);
    NameMatcher::of(&pairs, rayon::current_num_threads())
}

/// Finds names in text, leftmost-longest, with the entity of each. Building one automaton of the tens of
/// thousands of names of a large corpus takes a tenth of a second on one core, on the way to a restart's
/// first answer; so a large set of names is split into parts, one automaton each, built on the cores side
/// by side, and a search takes from the parts' matches what one automaton of all the names would give.
#[derive(Debug, Default)]
struct NameMatcher {
    /// Each part's automaton, and the entity of each of its patterns.
    parts: Vec<(AhoCorasick, Vec<EntityId>)>,
}

/// The fewest names worth an automaton of their own (see [`NameMatcher`]).
const NAMES_PER_PART: usize = 4096;

impl NameMatcher {
    /// The matcher of `pairs` (distinct names, each with its entity), in at most `parts` parts.
    fn of(pairs: &[(String, EntityId)], parts: usize) -> NameMatcher {
        let parts = parts.clamp(1, pairs.len() / NAMES_PER_PART + 1);
        NameMatcher::in_parts(pairs, pairs.len().div_ceil(parts))
    }

    /// The matcher of `pairs` in parts of `per_part` names (the last may have fewer), built side by side.
    fn in_parts(pairs: &[(String, EntityId)], per_part: usize) -> NameMatcher {
        let parts = pairs
            .par_chunks(per_part.max(1))
            .filter_map(|chunk| {
                let automaton = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(chunk.iter().map(|(p, _)| p.as_str()))
                    .ok()?;
                Some((automaton, chunk.iter().map(|&(_, e)| e).collect()))
            })
            .collect();
        NameMatcher { parts }
    }

    /// The names in `text`, as one leftmost-longest automaton of every name finds them: from where the last
    /// match ended, the match that starts first, and the longest of those. Each part's next match is kept
    /// until the search passes its start.
    fn find(&self, text: &str) -> Vec<(usize, usize, EntityId)> {
        let mut found = Vec::new();
        let next = |part: &(AhoCorasick, Vec<EntityId>), at: usize| {
            let m = part.0.find(aho_corasick::Input::new(text).range(at..))?;
            Some((m.start(), m.end(), part.1.get(m.pattern().as_usize()).copied()))
        };
        let mut ahead: Vec<Option<(usize, usize, Option<EntityId>)>> = self.parts.iter().map(|p| next(p, 0)).collect();
        loop {
            // The first start, then the longest: distinct names starting at one place differ in length.
            let best = ahead.iter().flatten().min_by_key(|&&(start, end, _)| (start, std::cmp::Reverse(end))).copied();
            let Some((start, end, entity)) = best else { break };
            if let Some(entity) = entity {
                found.push((start, end, entity));
            }
            for (part, m) in self.parts.iter().zip(ahead.iter_mut()) {
                if m.is_some_and(|(start, _, _)| start < end) {
                    *m = next(part, end);
                }
            }
        }
        found
    }

    /// How many names it finds.
    #[cfg(test)]
    fn names_len(&self) -> usize {
        self.parts.iter().map(|(a, _)| a.patterns_len()).sum()
    }
}

/// Every name of `entities` from each of its word starts on, lower-cased and sorted: "economic union" finds
/// the Eurasian Economic Union as well as "eurasian economic union" does.
fn prefixes_of(entities: &[Named<'_>]) -> Vec<(String, EntityId)> {
    let mut names: Vec<(String, EntityId)> = Vec::new();
    for (eid, entity) in entities.iter().enumerate() {
        for name in names_of(entity) {
            let lower = name.to_lowercase();
            let mut at_word_start = true;
            for (i, c) in lower.char_indices() {
                if at_word_start && c.is_alphanumeric() {
                    names.push((lower[i..].to_string(), eid as EntityId));
                }
                at_word_start = !c.is_alphanumeric();
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

impl Index {
    /// Every figure, in quantity order (then source order).
    pub fn figure_order(&self) -> &FigureOrder {
        &self.by_quantity
    }

    /// The source with citation key `key`.
    pub fn source_by_key(&self, key: &str) -> Option<SourceId> {
        self.by_key.get(key).copied()
    }

    pub fn source(&self, id: SourceId) -> &SourceDoc {
        &self.sources[id as usize]
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id as usize]
    }

    /// The figure `r` names: `None` only where a source's figures in the store do not decode (see
    /// [`crate::lazy`]).
    pub fn figure(&self, r: FigureRef) -> Option<&Figure> {
        self.sources.get(r.source as usize)?.figures.get(r.figure as usize)
    }

    /// Every figure in the corpus that denotes the same quantity as `figure`, in source order.
    pub fn figures_like(&self, figure: &Figure) -> Vec<FigureRef> {
        let key = Some(QuantityKey::of(figure));
        let key_at = |r: &FigureRef| self.figure(*r).map(QuantityKey::of);
        let start = self.by_quantity.partition_point(|r| key_at(r) < key);
        self.by_quantity.run_from(start, |r| key_at(r) == key)
    }

    /// The same figures as [`Index::figures_like`], grouped by source (the list is in source order).
    pub fn figures_like_by_source(&self, figure: &Figure) -> Vec<(SourceId, Vec<FigureRef>)> {
        let like = self.figures_like(figure);
        like.chunk_by(|a, b| a.source == b.source).map(|group| (group[0].source, group.to_vec())).collect()
    }

    /// Finds the entity names in `text` (a note): whole words only, longest match first.
    pub fn find_entities(&self, text: &str) -> Vec<Mention> {
        self.lookup
            .matcher
            .find(text)
            .into_iter()
            .filter(|&(start, end, _)| is_word_boundary(text, start, end))
            .map(|(start, end, entity)| Mention { span: Span::new(start, end), entity })
            .collect()
    }

    /// Entities with a name or alias that has a word starting with `prefix` (case-insensitive), each once, at
    /// most `limit`.
    pub fn entities_with_prefix(&self, prefix: &str, limit: usize) -> Vec<EntityId> {
        let lower = prefix.to_lowercase();
        let names = &self.lookup.names_sorted;
        let start = names.partition_point(|(n, _)| n.as_str() < lower.as_str());
        let mut out: Vec<EntityId> = Vec::new();
        for (name, eid) in &names[start..] {
            if !name.starts_with(&lower) || out.len() >= limit {
                break;
            }
            if !out.contains(eid) {
                out.push(*eid);
            }
        }
        out
    }

    /// The sentence of `source` that contains `span`, if any.
    pub fn sentence_of(&self, source: SourceId, span: Span) -> Option<Span> {
        let doc = self.source(source);
        let i = doc.sentences.partition_point(|s| s.span.end < span.end);
        doc.sentences.get(i).map(|s| s.span).filter(|s| s.contains_span(span))
    }

    /// Counts for a one-line summary.
    pub fn figure_count(&self) -> usize {
        self.sources.iter().map(|s| s.figures.counts()[0]).sum()
    }
}

/// Where a new index's figure order comes from (see [`Index::finish_with`]).
pub(crate) enum Order {
    /// Sorted from the index's own figures.
    Sorted(FigureOrder),
    /// Read from the persisted index.
    Stored(FigureOrder),
}

/// The figures of each source of `docs`.
fn figures_of(docs: &[Arc<SourceDoc>]) -> Vec<&Lazy<Vec<Figure>>> {
    docs.iter().map(|d| &*d.figures).collect()
}

/// Every figure of the sources whose figures are `figures` (`figures[sid]` of source `sid`), ordered by
/// quantity, then source, then position; `keys[sid]` holds the quantity key of each figure of source `sid`
/// where the build has them (see [`Part::quantity_keys`]).
fn sort_by_quantity(figures: &[&Lazy<Vec<Figure>>], mut keys: Vec<Vec<QuantityKey>>) -> FigureOrder {
    // The keys of each source's figures: those the extraction made, or else its figures' decoded for this
    // pass only, where they are still encoded (a damaged part decodes to fewer figures than it says).
    keys.resize_with(figures.len(), Vec::new);
    let keys: Vec<Vec<QuantityKey>> = keys
        .into_par_iter()
        .zip(figures.par_iter())
        .map(|(keys, of_source)| {
            if keys.len() == of_source.counts()[0] {
                return keys;
            }
            of_source.peek(|figures| figures.iter().take(of_source.counts()[0]).map(QuantityKey::of).collect())
        })
        .collect();
    FigureOrder::new(order_of_keys(keys))
}

/// The figures whose quantity keys are `keys` (`keys[sid][fi]` of figure `fi` of source `sid`), ordered by
/// key, then source, then position.
///
/// A corpus has few units and millions of figures, so the figures are first put in the bucket of their unit
/// (in the units' order), and each bucket is sorted by the rest of the key, packed with the figure's place
/// in source order into one `u128` (see [`packed_key`]): one comparison of two numbers, where comparing
/// whole keys and then the figures' sources and positions took seven.
fn order_of_keys(keys: Vec<Vec<QuantityKey>>) -> Vec<FigureRef> {
    let total: usize = keys.iter().map(Vec::len).sum();
    if u32::try_from(total).is_err() {
        return order_of_keys_compared(&keys);
    }
    // How many figures each unit has, and so where its bucket starts, in the units' order.
    let sizes: FastMap<u64, usize> = keys
        .par_iter()
        .fold(FastMap::default, |mut sizes, keys| {
            keys.iter().for_each(|k| *sizes.entry(k.unit).or_default() += 1);
            sizes
        })
        .reduce(FastMap::default, |mut a, b| {
            b.into_iter().for_each(|(unit, n)| *a.entry(unit).or_default() += n);
            a
        });
    let mut units: Vec<(u64, usize)> = sizes.into_iter().collect();
    units.sort_unstable();
    let mut bucket: FastMap<u64, (usize, usize)> = FastMap::default();
    let mut at = 0;
    for &(unit, n) in &units {
        bucket.insert(unit, (bucket.len(), at));
        at += n;
    }
    // The source of the figure at each place in source order, and each figure's packed key in its bucket;
    // the keys are let go before the sort.
    let (source_of, mut packed) = rayon::join(
        || -> Vec<SourceId> {
            keys.par_iter()
                .enumerate()
                .flat_map_iter(|(sid, keys)| std::iter::repeat_n(sid as SourceId, keys.len()))
                .collect()
        },
        || {
            let mut next: Vec<usize> = vec![0; units.len()];
            bucket.values().for_each(|&(b, start)| next[b] = start);
            let mut packed = vec![0u128; total];
            for (place, k) in keys.iter().flatten().enumerate() {
                // Every unit has its bucket.
                let b = bucket.get(&k.unit).map_or(0, |&(b, _)| b);
                packed[next[b]] = packed_key(k, place as u32);
                next[b] += 1;
            }
            packed
        },
    );
    drop(keys);
    let mut rest = packed.as_mut_slice();
    let mut buckets = Vec::with_capacity(units.len());
    for &(_, n) in &units {
        let (these, after) = rest.split_at_mut(n);
        buckets.push(these);
        rest = after;
    }
    buckets.into_par_iter().for_each(|b| b.par_sort_unstable());
    // Where each source's figures start in source order.
    let mut first: Vec<usize> = Vec::new();
    for (place, &sid) in source_of.iter().enumerate() {
        first.resize(sid as usize + 1, place);
    }
    packed
        .par_iter()
        .map(|&p| {
            let place = p as u32 as usize;
            let source = source_of[place];
            FigureRef { source, figure: (place - first[source as usize]) as u32 }
        })
        .collect()
}

/// The quantity key `k` but its unit, with `place` after it, as one number that orders as they do: each
/// value (mantissa, then exponent) with its sign bit flipped, so that unsigned order is signed order.
fn packed_key(k: &QuantityKey, place: u32) -> u128 {
    let value = |(m, e): (i32, i16)| ((m as u32 ^ 0x8000_0000) as u128) << 16 | (e as u16 ^ 0x8000) as u128;
    value(k.value) << 80 | value(k.high) << 32 | place as u128
}

/// [`order_of_keys`] by comparing whole keys: for more figures than a `u32` counts.
fn order_of_keys_compared(keys: &[Vec<QuantityKey>]) -> Vec<FigureRef> {
    let mut keyed: Vec<(QuantityKey, FigureRef)> = keys
        .iter()
        .enumerate()
        .flat_map(|(sid, keys)| {
            keys.iter().enumerate().map(move |(fi, &k)| (k, FigureRef { source: sid as SourceId, figure: fi as u32 }))
        })
        .collect();
    keyed
        .par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.source.cmp(&b.1.source)).then(a.1.figure.cmp(&b.1.figure)));
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// Whether `order` has one entry for each figure of `docs`, each naming a figure that exists (not whether
/// they are in order, nor that none comes twice): what makes the order safe to search.
fn names_every_figure(docs: &[Arc<SourceDoc>], order: &FigureOrder) -> bool {
    let counts: Vec<usize> = docs.iter().map(|d| d.figures.counts()[0]).collect();
    let exists = |r: &FigureRef| counts.get(r.source as usize).is_some_and(|&n| (r.figure as usize) < n);
    order.len() == counts.iter().sum::<usize>() && order.chunks().par_iter().all(|chunk| chunk.iter().all(exists))
}

/// Merges the names of all sources into entities, assigns each source its mentions and lays out the
/// postings. The name table the merge made is given back, for later updates, and the name lookup of the
/// entities, built beside the postings (it needs only the entities' names). Where `streamed` has the names
/// of the sources the build extracted, added as they were read, the merge puts its tables together rather
/// than add those sources' names again.
fn merge_names(
    mut docs: Vec<SourceDoc>,
    streamed: Option<Streamed>,
) -> (Vec<SourceDoc>, Vec<Entity>, Names, Arc<NameLookup>) {
    let span = crate::profile::span("merge: name table");
    let names: Vec<&Lazy<extract::DocNames>> = docs.iter().map(|d| &*d.names).collect();
    let (table, rows, mentions) = match streamed.and_then(|s| s.table(&names)) {
        Some(streamed) => streamed,
        None => {
            let mut mentions: Vec<Vec<u32>> = Vec::with_capacity(docs.len());
            let (table, rows) = name_table(&names, Some(&mut mentions));
            (table, rows, mentions)
        }
    };
    drop(names);
    drop(span);
    let span = crate::profile::span("merge: entities resolved");
    let grouping = table.resolve();
    let mut entities: Vec<Entity> = grouping.entities.iter().map(Entity::of_def).collect();
    docs.par_iter_mut().zip(&rows).for_each(|(doc, row)| doc.entity_of_name = grouping.assign(row));
    drop(span);
    let _span = crate::profile::span("merge: postings and name lookup");
    let defs: Vec<Named<'_>> = grouping.entities.iter().map(|d| (d.name.as_str(), d.aliases.as_slice())).collect();
    let ((), lookup) = rayon::join(|| lay_out_postings(&docs, mentions, &mut entities), || NameLookup::of(&defs));
    drop(defs);
    (docs, entities, Names { table, grouping }, Arc::new(lookup))
}

/// The postings of `entities`, in source order, from each source's mentions of entities (`mentions`, the
/// names of each source's mentions kept from the table's pass), laid out and encoded.
///
/// Laid out in two passes over the sources, each on all cores with a part of the sources for each: the
/// first counts each entity's mentions and sources in each part, which places every part's mentions of every
/// entity in one array (the entity's mentions one after the other, its parts in source order); the second
/// writes them there. Nothing grows, and no source waits for the one before.
fn lay_out_postings(docs: &[SourceDoc], mentions: Vec<Vec<u32>>, entities: &mut [Entity]) {
    let n = entities.len();
    let per_part = docs.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
    let entity = |doc: &SourceDoc, name: u32| doc.entity_of_name.get(name as usize).copied().flatten();
    let sid_of = |part: usize, d: usize| (part * per_part + d) as SourceId;
    // For each part, each entity's mentions and sources there.
    let counts: Vec<(Vec<u32>, Vec<u32>)> = docs
        .par_chunks(per_part)
        .zip(mentions.par_chunks(per_part))
        .enumerate()
        .map(|(part, (docs, mentions))| {
            let (mut at, mut runs, mut last) = (vec![0u32; n], vec![0u32; n], vec![SourceId::MAX; n]);
            for (d, (doc, names)) in docs.iter().zip(mentions).enumerate() {
                let sid = sid_of(part, d);
                for e in names.iter().filter_map(|&name| entity(doc, name)) {
                    let e = e as usize;
                    at[e] += 1;
                    if last[e] != sid {
                        last[e] = sid;
                        runs[e] += 1;
                    }
                }
            }
            (at, runs)
        })
        .collect();
    // Where each entity's mentions and sources start, and within them each part's.
    let (mut at_len, mut runs_len) = (0usize, 0usize);
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(n + 1);
    for e in 0..n {
        starts.push((at_len, runs_len));
        for (at, runs) in &counts {
            at_len += at[e] as usize;
            runs_len += runs[e] as usize;
        }
    }
    starts.push((at_len, runs_len));
    let mut at = vec![0u32; at_len];
    // Each source's run of mentions of an entity: the source, and where the run starts among the entity's.
    let mut runs = vec![(0 as SourceId, 0u32); runs_len];
    // Each part's share of each entity's mentions and runs.
    let mut shares: Vec<Vec<(&mut [u32], &mut [(SourceId, u32)], u32)>> =
        (0..counts.len()).map(|_| Vec::with_capacity(n)).collect();
    let (mut at_rest, mut runs_rest) = (at.as_mut_slice(), runs.as_mut_slice());
    for e in 0..n {
        let mut before = 0u32;
        for (part, (at_counts, runs_counts)) in counts.iter().enumerate() {
            let (these, after) = std::mem::take(&mut at_rest).split_at_mut(at_counts[e] as usize);
            at_rest = after;
            let (these_runs, after) = std::mem::take(&mut runs_rest).split_at_mut(runs_counts[e] as usize);
            runs_rest = after;
            shares[part].push((these, these_runs, before));
            before += at_counts[e];
        }
    }
    drop(counts);
    docs.par_chunks(per_part).zip(mentions.par_chunks(per_part)).zip(shares).enumerate().for_each(
        |(part, ((docs, mentions), mut shares))| {
            let mut filled: Vec<(u32, u32)> = vec![(0, 0); n];
            for (d, (doc, names)) in docs.iter().zip(mentions).enumerate() {
                let sid = sid_of(part, d);
                for (i, e) in names.iter().enumerate().filter_map(|(i, &name)| Some((i, entity(doc, name)?))) {
                    let e = e as usize;
                    let (at, runs, before) = &mut shares[e];
                    let (a, r) = &mut filled[e];
                    if *r == 0 || runs[*r as usize - 1].0 != sid {
                        runs[*r as usize] = (sid, *before + *a);
                        *r += 1;
                    }
                    at[*a as usize] = i as u32;
                    *a += 1;
                }
            }
        },
    );
    drop(mentions);
    let n_sources = docs.len();
    entities.par_iter_mut().enumerate().for_each(|(e, entity)| {
        let ((at_start, runs_start), (at_end, runs_end)) = (starts[e], starts[e + 1]);
        let (at, runs) = (&at[at_start..at_end], &runs[runs_start..runs_end]);
        entity.total = at.len() as u32;
        let ends = runs.iter().skip(1).map(|&(_, start)| start as usize).chain([at.len()]);
        let mut lists: Vec<(SourceId, &[u32])> =
            runs.iter().zip(ends).map(|(&(sid, start), end)| (sid, &at[start as usize..end])).collect();
        // Kept in the store's form (see `Part::of`) and decoded when an answer first needs it.
        lists.sort_by(by_mentions);
        entity.by_source = crate::store::encoded_postings(&lists, n_sources);
    });
}

/// How many items [`decoded_ahead`] prepares at a time.
const DECODED_AHEAD: usize = 64;

/// Hands `take` what `prepare` gives for each of `items`, in order. The serial passes of the merge take the
/// sources one at a time, but what each needs (for the name table, its names read from their encoded bytes:
/// see `Part::of`) is prepared a chunk of [`DECODED_AHEAD`] items ahead, on the other cores, while `take`
/// has the chunk before.
fn decoded_ahead<T: Sync, R: Send>(items: &[T], prepare: impl Fn(&T) -> R + Sync, mut take: impl FnMut(R) + Send) {
    let prepare_chunk = |chunk: &[T]| -> Vec<R> { chunk.par_iter().map(&prepare).collect() };
    let mut chunks = items.chunks(DECODED_AHEAD);
    let mut ready = chunks.next().map(prepare_chunk).unwrap_or_default();
    loop {
        let next = chunks.next();
        let take_ready = || ready.into_iter().for_each(&mut take);
        match rayon::join(take_ready, || next.map(prepare_chunk)) {
            (_, Some(more)) => ready = more,
            (_, None) => break,
        }
    }
}

/// The merge's table of the names of every source (`names[d]` of source `d`), with the key slot of each of
/// a source's names; each source's names read for this pass only. Where `mentions` is given, the name of
/// each mention of each source is kept there, for the postings: reading the names again would cost more.
fn name_table(
    names: &[&Lazy<extract::DocNames>],
    mut mentions: Option<&mut Vec<Vec<u32>>>,
) -> (NameTable, Vec<Vec<usize>>) {
    let mut table = NameTable::default();
    let mut rows: Vec<Vec<usize>> = Vec::with_capacity(names.len());
    decoded_ahead(
        names,
        |names| crate::store::names_view_of(names),
        |view| {
            let d = rows.len();
            rows.push(table.add_view(d, &view));
            if let Some(kept) = mentions.as_deref_mut() {
                kept.push(view.mentions);
            }
        },
    );
    (table, rows)
}

/// The name tables a build fills as it extracts the sources, one for each core of the pool (and one for any
/// other thread), each behind a lock only its own core takes: the names are added while they are at hand,
/// on every core, rather than read again from their encoded bytes and added one source at a time by the
/// merge. A table is a sum over documents, so the tables put together ([`NameTable::absorb`]) are the
/// table of the corpus.
pub(crate) struct Tables(Vec<Mutex<NameTable>>);

/// A source's names as a build added them to one of its [`Tables`].
pub(crate) struct Added {
    /// Which table.
    table: usize,
    /// The number the source was added as: its place in the order the sources come in (see
    /// [`crate::corpus::load_with`]).
    number: usize,
    /// The slot in that table of each of the source's distinct names.
    row: Vec<usize>,
    /// The name of each of its mentions, in text order.
    mentions: Vec<u32>,
}

/// The tables of a build, and how each source's names were added to them (`added[sid]`, `None` for a source
/// whose extraction was reused: its names are still encoded, and are added by the merge).
pub(crate) struct Streamed {
    tables: Vec<NameTable>,
    added: Vec<Option<Added>>,
}

impl Tables {
    fn new() -> Tables {
        Tables((0..=rayon::current_num_threads()).map(|_| Mutex::default()).collect())
    }

    /// Adds the names of the source numbered `number` to the table of this thread.
    fn add(&self, number: usize, names: &extract::DocNames) -> Option<Added> {
        self.add_all(&[(number, names)]).pop()
    }

    /// Adds the names of several sources (`(number, names)` each) to the table of this thread, under one
    /// lock: one [`Added`] for each.
    fn add_all(&self, sources: &[(usize, &extract::DocNames)]) -> Vec<Added> {
        let last = self.0.len() - 1;
        let table = rayon::current_thread_index().filter(|&i| i < last).unwrap_or(last);
        let views: Vec<(usize, extract::NamesView<'_>)> =
            sources.iter().map(|&(number, names)| (number, extract::NamesView::of(names))).collect();
        let each: Vec<(usize, &extract::NamesView<'_>)> = views.iter().map(|(number, view)| (*number, view)).collect();
        let rows = self.0[table].lock().unwrap_or_else(PoisonError::into_inner).add_views(&each);
        drop(each);
        views
            .into_iter()
            .zip(rows)
            .map(|((number, view), row)| Added { table, number, row, mentions: view.mentions })
            .collect()
    }

    fn streamed(self, added: Vec<Option<Added>>) -> Streamed {
        let tables = self.0.into_iter().map(|t| t.into_inner().unwrap_or_else(PoisonError::into_inner)).collect();
        Streamed { tables, added }
    }
}

impl Streamed {
    /// The name table of the sources whose names are `names` (`names[sid]` of source `sid`, one for each of
    /// [`Streamed::added`]), with the key slot of each of a source's names and the name of each of its
    /// mentions, as [`name_table`] gives them: the tables put together, and the sources not added to them
    /// added now. `None` where the sources were not numbered in their order (then the numbers in the tables'
    /// first appearances would not order the sources as the corpus does).
    fn table(self, names: &[&Lazy<extract::DocNames>]) -> Option<(NameTable, Vec<Vec<usize>>, Vec<Vec<u32>>)> {
        let Streamed { tables, added } = self;
        if added.len() != names.len() {
            return None;
        }
        // The source of each number, in increasing order of both.
        let numbered: Vec<(usize, usize)> =
            added.iter().enumerate().filter_map(|(sid, a)| Some((a.as_ref()?.number, sid))).collect();
        if !numbered.windows(2).all(|w| w[0].0 < w[1].0) {
            return None;
        }
        let mut tables = tables.into_iter();
        let mut table = tables.next().unwrap_or_default();
        // The slot in `table` of each slot of each table (`None`: the same).
        let slot_of: Vec<Option<Vec<usize>>> =
            std::iter::once(None).chain(tables.map(|other| Some(table.absorb(other)))).collect();
        // Every number in a first appearance is that of a source added (which is in the corpus).
        table.renumber_documents(|number| {
            numbered.binary_search_by_key(&number, |&(n, _)| n).map_or(usize::MAX, |i| numbered[i].1)
        });
        // The sources whose extraction was reused, whose names are added below.
        let left: Vec<usize> = added.iter().enumerate().filter(|(_, a)| a.is_none()).map(|(sid, _)| sid).collect();
        let (mut rows, mut mentions): (Vec<Vec<usize>>, Vec<Vec<u32>>) = added
            .into_par_iter()
            .map(|added| match added {
                Some(Added { table, row, mentions, .. }) => match slot_of.get(table) {
                    Some(Some(slots)) => (row.iter().map(|&slot| slots[slot]).collect(), mentions),
                    _ => (row, mentions),
                },
                None => (Vec::new(), Vec::new()),
            })
            .unzip();
        decoded_ahead(
            &left,
            |&sid| (sid, crate::store::names_view_of(names[sid])),
            |(sid, view)| {
                rows[sid] = table.add_view(sid, &view);
                mentions[sid] = view.mentions;
            },
        );
        Some((table, rows, mentions))
    }
}

/// The order of an entity's sources: most mentions first, then source order.
fn by_mentions<L: AsRef<[u32]>>(a: &(SourceId, L), b: &(SourceId, L)) -> std::cmp::Ordering {
    b.1.as_ref().len().cmp(&a.1.as_ref().len()).then(a.0.cmp(&b.0))
}

impl Entity {
    fn of_def(def: &extract::EntityDef) -> Entity {
        Entity {
            name: def.name.clone(),
            kind: def.kind,
            aliases: def.aliases.clone(),
            by_source: Lazy::new(Vec::new()),
            total: 0,
        }
    }

    fn same_def(&self, def: &extract::EntityDef) -> bool {
        self.name == def.name && self.kind == def.kind && self.aliases == def.aliases
    }
}

#[cfg(test)]
impl Index {
    /// The name table the build kept (see [`Index::names`]) and the table of the sources' names added in
    /// turn, each in its canonical form: for tests that the kept one numbers documents by source.
    pub(crate) fn kept_and_fresh_tables(
        &self,
    ) -> Option<(crate::extract::entities::Canonical, crate::extract::entities::Canonical)> {
        let kept = self.names.get().cloned().flatten()?;
        let decoded: Vec<extract::DocNames> = self.sources.iter().map(|d| d.names.peek(|n| n.clone())).collect();
        let (in_turn, _) = NameTable::of(&decoded.iter().collect::<Vec<_>>());
        Some((kept.table.canonical(), in_turn.canonical()))
    }
}

/// Why [`Index::update`] could not follow a change, and the corpus is indexed again instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotUpdated {
    /// A path is not a source read from a file of this index: a new file, a bibliography, the seeds.
    NotASource(std::path::PathBuf),
    /// The file cannot be read now, or reading it gave a warning.
    Unreadable(std::path::PathBuf),
    /// The file's first line changed, which may be its title.
    Retitled(std::path::PathBuf),
    /// The entities of the corpus changed (a name new to the corpus, a merge, a display name).
    Entities,
    /// The index has no name table to update.
    NoNames,
    /// More files changed at once than an update follows ([`MAX_UPDATED`]): indexing again, reusing the
    /// unchanged files, is as quick.
    TooMany(usize),
}

/// The most files [`Index::update`] follows at once. Its work grows with the changed sources times the
/// entities they touch; past a few dozen, indexing again (which reuses every unchanged file) is the better
/// deal.
pub const MAX_UPDATED: usize = 64;

impl std::fmt::Display for NotUpdated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotUpdated::NotASource(p) => write!(f, "{} is not an indexed source", p.display()),
            NotUpdated::Unreadable(p) => write!(f, "{} cannot be read without a warning", p.display()),
            NotUpdated::Retitled(p) => write!(f, "the first line of {} changed", p.display()),
            NotUpdated::Entities => write!(f, "the entities of the corpus changed"),
            NotUpdated::NoNames => write!(f, "the index has no name table"),
            NotUpdated::TooMany(n) => write!(f, "{n} files changed at once"),
        }
    }
}

impl Index {
    /// The name table, kept from the merge or worked out now from the sources (for an index read from the
    /// store): `None` when what is worked out does not give this index's entities.
    fn names(&self) -> Option<Arc<Names>> {
        self.names
            .get_or_init(|| {
                let (table, rows) = name_table(&self.sources.iter().map(|d| &*d.names).collect::<Vec<_>>(), None);
                let grouping = table.resolve();
                let same = grouping.entities.len() == self.entities.len()
                    && self.entities.iter().zip(&grouping.entities).all(|(e, def)| e.same_def(def))
                    && self.sources.par_iter().zip(&rows).all(|(doc, row)| doc.entity_of_name == grouping.assign(row));
                same.then(|| Arc::new(Names { table, grouping }))
            })
            .clone()
    }

    /// Works out now what [`Index::update`] needs, so that the first update does not: for an index read
    /// from the store, a pass over every source's names.
    pub fn prepare_updates(&self) {
        let _ = self.names();
    }

    /// The index after the files at `changed` were edited, made from this one without reading, extracting or
    /// merging the rest of the corpus: the changed files are read and extracted, their names taken out of the
    /// merge's name table and put back, and the entities resolved from the table (work per distinct name,
    /// not per mention). It gives what indexing the whole corpus again gives, or an error saying why it
    /// cannot, and the caller indexes the corpus again: a path that is not a source of this index (a new
    /// file, a bibliography), a file that cannot be read cleanly, a changed first line (the title), or
    /// entities that changed (a name new to the corpus, a merge, another display name or kind).
    pub fn update(&self, changed: &[std::path::PathBuf]) -> Result<Index, NotUpdated> {
        if changed.len() > MAX_UPDATED {
            return Err(NotUpdated::TooMany(changed.len()));
        }
        let names = self.names().ok_or(NotUpdated::NoNames)?;
        let mut sids: Vec<SourceId> = Vec::with_capacity(changed.len());
        for path in changed {
            let mut found =
                self.sources.iter().enumerate().filter(|(_, d)| d.meta.path.as_os_str() == path.as_os_str());
            let (Some((sid, doc)), None) = (found.next(), found.next()) else {
                return Err(NotUpdated::NotASource(path.clone()));
            };
            if doc.meta.embedded || doc.held.is_some() {
                return Err(NotUpdated::NotASource(path.clone()));
            }
            if self.warnings.iter().any(|w| w.path == *path) {
                return Err(NotUpdated::Unreadable(path.clone()));
            }
            if !sids.contains(&(sid as SourceId)) {
                sids.push(sid as SourceId);
            }
        }
        sids.sort_unstable();
        // Read and extract the changed files.
        let parts: Vec<(SourceId, SourceMeta, Part)> = sids
            .par_iter()
            .map(|&sid| {
                let doc = self.source(sid);
                let path = &doc.meta.path;
                let stamp = Stamp::of(path);
                let decoded = crate::corpus::decode::read_text(path)
                    .ok()
                    .filter(|d| d.note.is_none())
                    .ok_or_else(|| NotUpdated::Unreadable(path.clone()))?;
                let text = decoded.text;
                let title_line = crate::corpus::assemble::derive_title(&text, path);
                if title_line != doc.title_line {
                    return Err(NotUpdated::Retitled(path.clone()));
                }
                let prior = Prior::of(doc);
                let part = Part::of(&text, content_hash(&text), title_line, Some(&prior), None);
                Ok((sid, SourceMeta { stamp, ..doc.meta.clone() }, part))
            })
            .collect::<Result<_, _>>()?;

        // The names. Where every changed source names the same names as many times as before (an edit of its
        // prose or figures), the table and the entities are as they were. Else the old names go out, the new
        // ones in, and the entities are resolved again.
        let unchanged = parts.iter().all(|(sid, _, part)| NameTable::same_part(&self.source(*sid).names, &part.names));
        let (names_after, assigned): (Arc<Names>, Vec<Vec<Option<EntityId>>>) = if unchanged {
            let assigned = parts.iter().map(|(sid, _, _)| self.source(*sid).entity_of_name.clone()).collect();
            (names.clone(), assigned)
        } else {
            let mut table = names.table.clone();
            for &(sid, _, _) in &parts {
                table.remove(sid as usize, &self.source(sid).names);
            }
            let rows: Vec<Vec<usize>> =
                parts.iter().map(|(sid, _, part)| table.add(*sid as usize, &part.names)).collect();
            if !table.settled() {
                return Err(NotUpdated::Entities);
            }
            let grouping = table.resolve();
            // The other sources keep their mentions' entities only if no entity moved: the same entities, and
            // every key some other source has in the same entity.
            if grouping.entities != names.grouping.entities {
                return Err(NotUpdated::Entities);
            }
            let mut in_changed: HashMap<usize, u32> = HashMap::new();
            for row in &rows {
                for &slot in row {
                    *in_changed.entry(slot).or_default() += 1;
                }
            }
            let old = &names.grouping.entity_of_key;
            let moved = grouping.entity_of_key.iter().enumerate().any(|(slot, now)| {
                let before = old.get(slot).copied().flatten();
                *now != before && table.names_of(slot) > in_changed.get(&slot).copied().unwrap_or(0)
            });
            if moved {
                return Err(NotUpdated::Entities);
            }
            let assigned = rows.iter().map(|row| grouping.assign(row)).collect();
            (Arc::new(Names { table, grouping }), assigned)
        };

        // The changed sources, and the postings of the entities they mention (or mentioned).
        let mut sources = self.sources.clone();
        let mut touched: Vec<EntityId> = Vec::new();
        let mut bytes = self.bytes;
        for ((sid, meta, part), entity_of_name) in parts.into_iter().zip(assigned) {
            let before = &self.sources[sid as usize];
            touched.extend(before.mentions().map(|(_, m)| m.entity));
            // Only a build sorts the figures from the quantity keys; an update places them one by one.
            let (mut doc, _, _) = part.into_doc(meta, None);
            doc.entity_of_name = entity_of_name;
            touched.extend(doc.mentions().map(|(_, m)| m.entity));
            bytes = bytes - before.len + doc.len;
            sources[sid as usize] = Arc::new(doc);
        }
        touched.sort_unstable();
        touched.dedup();
        let mut entities = self.entities.clone();
        for eid in touched {
            let Some(old) = self.entities.get(eid as usize) else { continue };
            let mut by_source: Postings =
                old.by_source.iter().filter(|(s, _)| sids.binary_search(s).is_err()).cloned().collect();
            for &sid in &sids {
                let list: Vec<u32> =
                    sources[sid as usize].mentions().filter(|(_, m)| m.entity == eid).map(|(i, _)| i).collect();
                if !list.is_empty() {
                    let entry = (sid, Arc::from(list));
                    let at = by_source.partition_point(|e| by_mentions(e, &entry).is_lt());
                    by_source.insert(at, entry);
                }
            }
            let total = by_source.iter().map(|(_, l)| l.len() as u32).sum();
            entities[eid as usize] = Arc::new(Entity {
                name: old.name.clone(),
                kind: old.kind,
                aliases: old.aliases.clone(),
                by_source: Lazy::new(by_source),
                total,
            });
        }

        let by_quantity = self.by_quantity_after(&sources, &sids);
        let index = Index {
            sources,
            entities,
            warnings: self.warnings.clone(),
            by_key: self.by_key.clone(),
            by_quantity,
            lookup: self.lookup.clone(),
            names: std::sync::OnceLock::new(),
            bytes,
            order_unchecked: self.order_unchecked,
            postings_unchecked: self.postings_unchecked,
        };
        let _ = index.names.set(Some(names_after));
        Ok(index)
    }

    /// The quantity order once the figures of `changed` (sorted) are those of `sources`: theirs taken out,
    /// the new ones put in where they belong (the keys of the figures in the order in use are worked out only
    /// where one is placed, by binary search).
    fn by_quantity_after(&self, sources: &[Arc<SourceDoc>], changed: &[SourceId]) -> FigureOrder {
        // Every figure named here exists unless a source's figures in the store did not decode (the changed
        // sources' new figures were just extracted): then sort afresh.
        if self.sources.iter().any(|d| d.figures.failed()) {
            return sort_by_quantity(&figures_of(sources), Vec::new());
        }
        let key_in = |docs: &[Arc<SourceDoc>], r: &FigureRef| {
            let figure = docs.get(r.source as usize).and_then(|d| d.figures.get(r.figure as usize));
            (figure.map(QuantityKey::of), r.source, r.figure)
        };
        let mut added: Vec<((Option<QuantityKey>, SourceId, u32), FigureRef)> = changed
            .iter()
            .flat_map(|&sid| {
                (0..sources[sid as usize].figures.len() as u32).map(move |figure| FigureRef { source: sid, figure })
            })
            .map(|r| (key_in(sources, &r), r))
            .collect();
        added.sort_unstable_by_key(|a| a.0);
        // The order in use is sorted by the keys of the index in use, its stale entries included: the place of
        // each stale entry, and of each new figure, is found by binary search; only the chunks of the order
        // where entries leave or come in are copied (see `crate::figure_order`).
        let old = &self.by_quantity;
        let place =
            |key: &(Option<QuantityKey>, SourceId, u32)| old.partition_point(|k| key_in(&self.sources, k) < *key);
        let mut stale = Vec::new();
        for &sid in changed {
            for figure in 0..self.sources[sid as usize].figures.len() as u32 {
                let r = FigureRef { source: sid, figure };
                let at = place(&key_in(&self.sources, &r));
                if old.get(at) != Some(&r) {
                    // Not where its key puts it: the order in use is not what it should be. Sort afresh.
                    return sort_by_quantity(&figures_of(sources), Vec::new());
                }
                stale.push(at);
            }
        }
        let added = added.into_iter().map(|(key, r)| (place(&key), r)).collect();
        old.edited(&stale, added)
    }
}

/// The hash that tells whether a source's text changed: XXH3, 128 bits.
pub fn content_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// The extraction of one source, kept to be reused when the source is indexed again unchanged: from the
/// index in use, or from the persisted index ([`crate::store`]).
#[derive(Clone, Debug)]
pub struct Prior {
    pub path: std::path::PathBuf,
    pub len: usize,
    pub hash: u128,
    /// The file's size and modification time when it was indexed: where they are the same now, the file is
    /// taken to hold the same text and is not read.
    pub stamp: Option<Stamp>,
    pub title_line: String,
    /// The text, where it was held in memory.
    pub held: Option<Arc<SourceText>>,
    pub sentences: Arc<Lazy<Vec<Sentence>>>,
    pub figures: Arc<Lazy<Vec<Figure>>>,
    pub names: Arc<Lazy<extract::DocNames>>,
}

impl Prior {
    /// Whether a part of this extraction was found not to decode (see [`SourceDoc::damaged`]).
    pub fn damaged(&self) -> bool {
        self.sentences.failed() || self.figures.failed() || self.names.failed()
    }

    pub fn of(doc: &SourceDoc) -> Prior {
        Prior {
            path: doc.meta.path.clone(),
            len: doc.len,
            hash: doc.hash,
            stamp: doc.meta.stamp,
            title_line: doc.title_line.clone(),
            held: doc.held.clone(),
            sentences: doc.sentences.clone(),
            figures: doc.figures.clone(),
            names: doc.names.clone(),
        }
    }
}

/// The position in `prior` of each path's prior (the first, where a path comes twice).
fn by_path(prior: &[Prior]) -> HashMap<&std::path::Path, usize> {
    let mut map = HashMap::with_capacity(prior.len());
    for (i, p) in prior.iter().enumerate() {
        map.entry(p.path.as_path()).or_insert(i);
    }
    map
}

/// What the loader keeps of one source: its extraction, and which prior it came from.
pub(crate) struct Part {
    len: usize,
    hash: u128,
    title_line: String,
    sentences: Arc<Lazy<Vec<Sentence>>>,
    figures: Arc<Lazy<Vec<Figure>>>,
    names: Arc<Lazy<extract::DocNames>>,
    /// The quantity key of each figure where the figures were just extracted, for the build's sort of the
    /// figures (they are kept encoded, and decoding them all again would cost the build as much as sorting
    /// them); empty where the extraction is reused.
    quantity_keys: Vec<QuantityKey>,
    /// Its names as added to a table of the build (see [`Tables`]), where they were just extracted.
    added: Option<Added>,
}

impl Part {
    /// The extraction of `text`: the one of `old` where the text is the same, else the extractors' work,
    /// whose names are added to `tables` (if given) as those of the document numbered so.
    fn of(text: &str, hash: u128, title_line: String, old: Option<&Prior>, tables: Option<(&Tables, usize)>) -> Part {
        if let Some(old) = old.filter(|old| old.len == text.len() && old.hash == hash && !old.damaged()) {
            return Part::reused(old, title_line);
        }
        let sentences = extract::sentences::split(text);
        let names = extract::entities::extract(text, &sentences);
        let figures = extract::figures::extract(text, &sentences);
        Part::made(text, hash, title_line, sentences, names, figures, tables)
    }

    /// [`Part::of`] each document of a batch (text, hash, title, prior, number), the documents added to
    /// `tables`: each extractor over all the documents to extract before the next, so that its code and
    /// tables stay in the cache (see [`crate::corpus::load_with`]).
    fn of_batch(batch: Vec<(&str, u128, String, Option<&Prior>, usize)>, tables: &Tables) -> Vec<Part> {
        fn reused<'p>(&(text, hash, _, old, _): &(&str, u128, String, Option<&'p Prior>, usize)) -> Option<&'p Prior> {
            old.filter(|old| old.len == text.len() && old.hash == hash && !old.damaged())
        }
        let fresh: Vec<&str> = batch.iter().filter(|d| reused(d).is_none()).map(|d| d.0).collect();
        let sentences: Vec<Vec<Sentence>> = fresh.iter().map(|text| extract::sentences::split(text)).collect();
        let names: Vec<extract::DocNames> =
            fresh.iter().zip(&sentences).map(|(text, s)| extract::entities::extract(text, s)).collect();
        let figures: Vec<Vec<Figure>> =
            fresh.iter().zip(&sentences).map(|(text, s)| extract::figures::extract(text, s)).collect();
        // And the steps after extraction, one at a time over the documents too.
        let keys: Vec<Vec<QuantityKey>> = figures.iter().map(|f| f.iter().map(QuantityKey::of).collect()).collect();
        let numbers = batch.iter().filter(|d| reused(d).is_none()).map(|d| d.4);
        let added: Vec<Added> = tables.add_all(&numbers.zip(&names).collect::<Vec<_>>());
        let encoded: Vec<_> = fresh
            .iter()
            .zip(sentences.into_iter().zip(figures).zip(names))
            .map(|(text, ((sentences, figures), names))| {
                crate::store::encoded_parts(text.len(), sentences, figures, names)
            })
            .collect();
        let mut made = encoded.into_iter().zip(keys).zip(added);
        batch
            .into_iter()
            .map(|d| match reused(&d) {
                Some(old) => Part::reused(old, d.2),
                None => match made.next() {
                    Some(((encoded, quantity_keys), added)) => {
                        Part::assembled(d.0.len(), d.1, d.2, encoded, quantity_keys, Some(added))
                    }
                    // (Never: one extraction was made for each document not reused.)
                    None => Part::of(d.0, d.1, d.2, None, Some((tables, d.4))),
                },
            })
            .collect()
    }

    /// The part of a document from its extraction: the quantity keys of its figures, its names added to
    /// `tables` (if given) as those of the document numbered so, and the extraction encoded.
    fn made(
        text: &str,
        hash: u128,
        title_line: String,
        sentences: Vec<Sentence>,
        names: extract::DocNames,
        figures: Vec<Figure>,
        tables: Option<(&Tables, usize)>,
    ) -> Part {
        let quantity_keys = figures.iter().map(QuantityKey::of).collect();
        let added = tables.and_then(|(tables, number)| tables.add(number, &names));
        let encoded = crate::store::encoded_parts(text.len(), sentences, figures, names);
        Part::assembled(text.len(), hash, title_line, encoded, quantity_keys, added)
    }

    /// The part of a document of `len` bytes from its extraction encoded (sentences, figures, names), kept in
    /// the store's form from the start (see `store::encoded_parts`).
    fn assembled(
        len: usize,
        hash: u128,
        title_line: String,
        (sentences, figures, names): (Lazy<Vec<Sentence>>, Lazy<Vec<Figure>>, Lazy<extract::DocNames>),
        quantity_keys: Vec<QuantityKey>,
        added: Option<Added>,
    ) -> Part {
        Part {
            len,
            hash,
            title_line,
            sentences: Arc::new(sentences),
            figures: Arc::new(figures),
            names: Arc::new(names),
            quantity_keys,
            added,
        }
    }

    fn reused(old: &Prior, title_line: String) -> Part {
        Part {
            len: old.len,
            hash: old.hash,
            title_line,
            sentences: old.sentences.clone(),
            figures: old.figures.clone(),
            names: old.names.clone(),
            quantity_keys: Vec::new(),
            added: None,
        }
    }

    /// The source, the quantity keys of its figures (see [`Part::quantity_keys`]) and its names as added.
    fn into_doc(self, meta: SourceMeta, held: Option<Arc<SourceText>>) -> (SourceDoc, Vec<QuantityKey>, Option<Added>) {
        let doc = SourceDoc {
            meta,
            len: self.len,
            hash: self.hash,
            title_line: self.title_line,
            held,
            fits: std::sync::OnceLock::new(),
            sentences: self.sentences,
            figures: self.figures,
            names: self.names,
            entity_of_name: Vec::new(),
        };
        (doc, self.quantity_keys, self.added)
    }
}

/// The sources under `paths`, loaded and extracted (or taken from `prior`), not yet merged.
pub(crate) struct Gathered {
    pub docs: Vec<SourceDoc>,
    /// The quantity keys of each source's figures, where it was extracted afresh (see [`Index::merged`]).
    pub keys: Vec<Vec<QuantityKey>>,
    /// The names of the sources extracted, as added to the build's tables.
    pub streamed: Streamed,
    pub warnings: Vec<Warning>,
}

/// Streams the corpus `listing` lists through the extractors (see [`Index::load`]).
#[cfg(test)]
pub(crate) fn gather_listed(listing: crate::corpus::Listing, prior: &[Prior]) -> Gathered {
    gather(prior, |known, digest| crate::corpus::load_listed(listing, known, digest))
}

/// What a loader of the corpus ([`crate::corpus::load_with`], [`crate::corpus::load_listed`]) is handed:
/// what is known of a file from `prior` by its stamp, and the extraction of a text read.
type Known<'a> = dyn Fn(&std::path::Path, Stamp) -> Option<(Part, String)> + Sync + 'a;
type Digest<'a> = crate::corpus::Digest<'a, Part>;

/// The sources `load` loads, each taken from `prior` where its file is unchanged (same stamp), else extracted
/// (reusing the extraction of a prior whose text hashes the same).
fn gather(
    prior: &[Prior],
    load: impl FnOnce(&Known<'_>, &Digest<'_>) -> (Vec<(SourceMeta, Part)>, Vec<Warning>),
) -> Gathered {
    let reusable = by_path(prior);
    let known = |path: &std::path::Path, stamp: Stamp| {
        let i = *reusable.get(path)?;
        let old = &prior[i];
        (old.stamp == Some(stamp) && !old.damaged())
            .then(|| (Part::reused(old, old.title_line.clone()), old.title_line.clone()))
    };
    let tables = Tables::new();
    let digest = |texts: &[crate::corpus::Text<'_>]| -> Vec<Part> {
        let each = texts.iter().map(|t| {
            let hash = content_hash(t.text);
            (t.text, hash, t.title.to_string(), reusable.get(t.path).map(|&i| &prior[i]), t.order)
        });
        Part::of_batch(each.collect(), &tables)
    };
    let (sources, warnings) = load(&known, &digest);
    let (mut docs, mut keys, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for (meta, part) in sources {
        let (doc, k, a) = part.into_doc(meta, None);
        docs.push(doc);
        keys.push(k);
        added.push(a);
    }
    Gathered { docs, keys, streamed: tables.streamed(added), warnings }
}

/// True when `start..end` of `text` is not glued to a letter or digit on either side.
fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// A corpus held in memory, source `i` with key `k{i}` at the path `/d/{i}.txt`: for tests.
#[cfg(test)]
pub(crate) fn corpus_of(texts: &[&str]) -> Corpus {
    use crate::corpus::{Source, SourceMeta};
    let sources = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Source {
            meta: SourceMeta {
                key: format!("k{i}"),
                title: format!("t{i}"),
                author: None,
                date: None,
                publisher: None,
                path: format!("/d/{i}.txt").into(),
                embedded: false,
                stamp: None,
            },
            text: Arc::new(t.to_string()),
        })
        .collect();
    Corpus { sources, warnings: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(texts: &[&str]) -> Corpus {
        corpus_of(texts)
    }

    #[test]
    fn figures_of_one_quantity_are_found_in_any_notation_and_in_source_order() {
        let index = Index::build(corpus(&[
            "The port cost US$45bn in 2020, and 62 percent of it was borrowed.",
            "Officials said the fund held 45 percent of the shares.",
            "The final bill was $45 billion, up from $44.5 billion. Again: $45 billion.",
        ]));
        let find = |sid: usize, written: &str| {
            let doc = &index.sources[sid];
            let text = doc.text().unwrap();
            doc.figures
                .iter()
                .find(|f| f.span.slice(&text.text) == written)
                .cloned()
                .unwrap_or_else(|| panic!("{written}"))
        };
        let like: Vec<(u32, u32)> =
            index.figures_like(&find(0, "US$45bn")).iter().map(|r| (r.source, r.figure)).collect();
        assert_eq!(like.len(), 3, "{like:?}");
        assert_eq!(like.iter().map(|r| r.0).collect::<Vec<_>>(), [0, 2, 2]);
        assert!(index.figures_like(&find(1, "45 percent")).iter().all(|r| r.source == 1));
        let groups: Vec<(u32, usize)> =
            index.figures_like_by_source(&find(2, "$45 billion")).into_iter().map(|(s, g)| (s, g.len())).collect();
        assert_eq!(groups, [(0, 1), (2, 2)]);
    }

    /// The matcher of names keeps each spelling variant once, with the first entity that has it, in the
    /// order of the variants: what filling a map in entity order and sorting it gives.
    #[test]
    fn the_matcher_keeps_each_variant_once_with_its_first_entity() {
        let index = Index::build(crate::corpus::embedded::seeds());
        // Two entities of our own that share a name form, after the seeds'.
        let def = |name: &str, aliases: &[&str]| extract::EntityDef {
            name: name.to_string(),
            kind: extract::EntityKind::Organization,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        let mut entities = index.entities.clone();
        entities.push(Arc::new(Entity::of_def(&def("Turkic Council", &["OTS", "Turkic Centre"]))));
        entities.push(Arc::new(Entity::of_def(&def("Organization of Turkic States", &["OTS", "Turkic Center"]))));
        let mut seen: HashMap<String, EntityId> = HashMap::new();
        for (eid, entity) in entities.iter().enumerate() {
            for variant in entity.names().flat_map(extract::entities::spelling_variants) {
                if variant.chars().count() >= 2 {
                    seen.entry(variant).or_insert(eid as EntityId);
                }
            }
        }
        let mut expected: Vec<(String, EntityId)> = seen.into_iter().collect();
        expected.sort();
        assert!(expected.len() > 20);
        let matcher = matcher_of(&named(&entities));
        let patterns: Vec<EntityId> = matcher.parts.iter().flat_map(|(_, p)| p.iter().copied()).collect();
        let first = index.entities.len() as EntityId;
        assert!(
            expected.contains(&("OTS".to_string(), first)) && expected.contains(&("Turkic Center".to_string(), first))
        );
        assert_eq!(patterns, expected.iter().map(|(_, e)| *e).collect::<Vec<_>>());
        assert_eq!(matcher.names_len(), expected.len());
    }

    proptest::proptest! {
        /// A matcher split into parts finds what one automaton of every name finds: the same names, at the
        /// same places, with the same entities, whatever the names share (prefixes, overlaps, one inside
        /// another).
        #[test]
        fn a_matcher_in_parts_finds_what_one_automaton_finds(
            names in proptest::collection::btree_set("[ab ]{2,5}", 1..40),
            text in "[ab c]{0,80}",
            parts in 1usize..5,
        ) {
            let pairs: Vec<(String, EntityId)> = names.into_iter().enumerate().map(|(i, n)| (n, i as EntityId)).collect();
            let one = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(pairs.iter().map(|(p, _)| p.as_str()))
                .expect("builds");
            let want: Vec<(usize, usize, EntityId)> =
                one.find_iter(&text).map(|m| (m.start(), m.end(), pairs[m.pattern().as_usize()].1)).collect();
            // (Parts of any size here: `of` makes parts only of thousands of names.)
            let split = NameMatcher::in_parts(&pairs, pairs.len().div_ceil(parts));
            proptest::prop_assert_eq!(split.parts.len(), pairs.len().div_ceil(pairs.len().div_ceil(parts)));
            proptest::prop_assert_eq!(split.find(&text), want);
        }
    }

    proptest::proptest! {
        /// The figures put in buckets by unit and sorted by packed keys come in the order that comparing
        /// whole keys, then sources, then positions gives: with negative, zero and special values (the
        /// exponents of NaN and of no high end are the extremes of an `i16`), and units from every kind.
        #[test]
        fn figures_sorted_by_packed_keys_are_in_the_order_of_whole_keys(
            keys in proptest::collection::vec(
                proptest::collection::vec((0usize..5, 0usize..7, 0usize..7), 0..12),
                0..8,
            ),
        ) {
            const UNITS: [u64; 5] = [7, 1 << 62, 2 << 62, (3 << 62) | 5, u64::MAX];
            const VALUES: [(i32, i16); 7] =
                [(0, 0), (-123_456_789, 3), (123_456_789, 3), (123_456_789, -2), (0, i16::MIN), (0, i16::MAX), (-1, 1)];
            let keys: Vec<Vec<QuantityKey>> = keys
                .iter()
                .map(|source| {
                    source
                        .iter()
                        .map(|&(unit, value, high)| QuantityKey { unit: UNITS[unit], value: VALUES[value], high: VALUES[high] })
                        .collect()
                })
                .collect();
            proptest::prop_assert_eq!(order_of_keys(keys.clone()), order_of_keys_compared(&keys));
        }
    }

    /// The build adds each source's names to a table of the core that extracted it, and puts the tables
    /// together; the merge of the same sources' names read back from their encoded bytes, one source at a
    /// time, gives the same entities, assignments and postings. (The seeds, each given several times with a
    /// change, so that many sources share names and the cores share the sources.)
    #[test]
    fn names_added_as_extracted_give_what_the_merge_adding_them_gives() {
        let texts: Vec<String> = (0..24)
            .map(|i| {
                let (_, text) = crate::corpus::embedded::SEED_DOCUMENTS[i % 5];
                if i % 2 == 0 {
                    text.to_string()
                } else {
                    format!("Zhanibek Ospanov of Qarluk Holdings said so.\n\n{text}")
                }
            })
            .collect();
        let streamed = Index::build(corpus(&texts.iter().map(String::as_str).collect::<Vec<_>>()));
        let docs = streamed.sources.iter().map(|d| d.unmerged()).collect();
        let serial = Index::merged(docs, Vec::new(), None, Vec::new());
        let entities = |i: &Index| {
            i.entities
                .iter()
                .map(|e| (e.name.clone(), e.kind, e.aliases.clone(), e.by_source.clone(), e.total))
                .collect::<Vec<_>>()
        };
        assert!(streamed.entities.iter().any(|e| e.name == "Zhanibek Ospanov"));
        assert_eq!(entities(&streamed), entities(&serial));
        for (a, b) in streamed.sources.iter().zip(&serial.sources) {
            assert_eq!(a.entity_of_name, b.entity_of_name);
        }
        assert_eq!(streamed.figure_order(), serial.figure_order());
        // The table kept for updates numbers first appearances by source, as adding the sources in turn does.
        let (kept, in_turn) = streamed.kept_and_fresh_tables().expect("the build keeps its table");
        assert_eq!(kept, in_turn);
    }

    /// The postings laid out in parts on all cores are those of every source's mentions taken in turn:
    /// each entity's mentions grouped by source, the sources with most mentions first (an entity named in
    /// one part only, in both, under two names in one source).
    #[test]
    fn postings_laid_out_in_parts_are_each_sources_mentions_in_turn() {
        let texts: Vec<String> = (0..40)
            .map(|i| {
                let (_, text) = crate::corpus::embedded::SEED_DOCUMENTS[i % 5];
                let extra = match i % 4 {
                    0 => "The Eurasian Economic Union (EAEU) met. The EAEU and Kazakhstan agreed.",
                    1 => "Dariga Nurlanovna of Qostanai Mills said Kazakhstan would wait.",
                    _ => "",
                };
                format!("{extra}\n\n{}", &text[..text.len() * (i % 3 + 1) / 3])
            })
            .collect();
        let index = Index::build(corpus(&texts.iter().map(String::as_str).collect::<Vec<_>>()));
        let mut naive: Vec<Vec<(SourceId, Vec<u32>)>> = vec![Vec::new(); index.entities.len()];
        for (sid, doc) in index.sources.iter().enumerate() {
            let names: Vec<u32> = doc.names.peek(|n| n.mentions.iter().map(|m| m.name).collect());
            for (i, &name) in names.iter().enumerate() {
                if let Some(Some(e)) = doc.entity_of_name.get(name as usize) {
                    let lists = &mut naive[*e as usize];
                    if lists.last().is_none_or(|(s, _)| *s != sid as SourceId) {
                        lists.push((sid as SourceId, Vec::new()));
                    }
                    lists.last_mut().expect("pushed").1.push(i as u32);
                }
            }
        }
        let mut checked = 0;
        for (entity, mut lists) in index.entities.iter().zip(naive) {
            lists.sort_by(by_mentions);
            assert_eq!(entity.total as usize, lists.iter().map(|l| l.1.len()).sum::<usize>(), "{}", entity.name);
            let lists: Vec<(SourceId, &[u32])> = lists.iter().map(|(s, at)| (*s, at.as_slice())).collect();
            assert_eq!(
                entity.by_source,
                crate::store::encoded_postings(&lists, index.sources.len()),
                "{}",
                entity.name
            );
            checked += (lists.len() > 1) as usize;
        }
        assert!(checked > 20, "entities named in several sources: {checked}");
        let eaeu = index.entities.iter().find(|e| e.name == "Eurasian Economic Union").expect("the union");
        assert!(eaeu.total >= 20, "{}", eaeu.total);
    }

    #[test]
    fn a_large_set_of_names_is_matched_in_parts() {
        let pairs: Vec<(String, EntityId)> = (0..10_000).map(|i| (format!("Name {i:05}"), i)).collect();
        let matcher = NameMatcher::of(&pairs, 2);
        assert_eq!(matcher.parts.len(), 2);
        assert_eq!(matcher.names_len(), 10_000);
        assert_eq!(matcher.find("see Name 00042 and Name 09999."), [(4, 14, 42), (19, 29, 9999)]);
        assert_eq!(NameMatcher::of(&pairs[..100], 2).parts.len(), 1);
        assert!(NameMatcher::of(&[], 2).find("anything").is_empty());
    }

    /// The entities a source's names belong to are the entities whose postings name the source: what the
    /// hover on a citation counts without decoding every entity's postings.
    #[test]
    fn a_sources_entities_are_those_whose_postings_name_it() {
        let index = Index::build(crate::corpus::embedded::seeds());
        assert!(index.entities.len() > 10);
        for (sid, doc) in index.sources.iter().enumerate() {
            let mut of_names: Vec<EntityId> = doc.entity_of_name.iter().flatten().copied().collect();
            of_names.sort_unstable();
            of_names.dedup();
            let of_postings: Vec<EntityId> = (0..index.entities.len() as EntityId)
                .filter(|&e| index.entity(e).by_source.iter().any(|(s, _)| *s == sid as SourceId))
                .collect();
            assert!(!of_postings.is_empty());
            assert_eq!(of_names, of_postings, "source {sid}");
        }
    }

    #[test]
    fn quantity_keys_match_what_close_calls_equal() {
        // (a, b, same key)
        let cases: &[(f64, f64, bool)] = &[
            (45e9, 45.0 * 1e9, true),
            (3.8e9, 3_800_000_000.0, true),
            (0.1 + 0.2, 0.3, true),
            (1000.0, 1e3, true),
            (999.999_999_9, 1000.0, true),
            (62.0, 62.000_001, false),
            (41e9, 42e9, false),
            (-5.0, 5.0, false),
            (1e-7, 1.000_000_001e-7, true),
        ];
        for &(a, b, same) in cases {
            assert_eq!(round_key(a) == round_key(b), same, "{a} vs {b}: {:?} {:?}", round_key(a), round_key(b));
        }
        for v in [1.0, 10.0, 100.0, 1e15, 1e-3, 123_456_789.0, 7.0] {
            let (m, _) = round_key(v);
            assert!((100_000_000..1_000_000_000).contains(&m), "{v}: nine digits, got {m}");
        }
        assert_eq!(round_key(0.0), round_key(-0.0));
        assert_ne!(round_key(f64::INFINITY), round_key(f64::NEG_INFINITY));
    }

    #[test]
    fn a_build_read_in_batches_adds_each_source_to_the_tables_as_numbered_in_order() {
        // More files than a batch holds, of many sizes, so that the cores take batches in turn.
        let dir = crate::corpus::temp_corpus("batches", 60, |f| {
            format!("Report {f}\n\nThe Aral Basin Council{f} met the Zorbal Union in Tashkent.\n").repeat(1 + f % 7)
        });
        let roots = [dir.clone()];
        let gathered = gather(&[], |known, digest| crate::corpus::load_with(&roots, known, digest));
        let numbers: Vec<usize> =
            gathered.streamed.added.iter().map(|a| a.as_ref().map_or(usize::MAX, |a| a.number)).collect();
        assert_eq!(numbers.len(), 60);
        // Numbered as the walk lists them, so in increasing order of source id: the merge then puts the
        // tables together rather than adding every source again.
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
        let names: Vec<&Lazy<extract::DocNames>> = gathered.docs.iter().map(|d| &*d.names).collect();
        assert!(gathered.streamed.table(&names).is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_table_of_powers_of_ten_holds_what_powi_gives() {
        for k in -400..=400 {
            let want = 10f64.powi(std::hint::black_box(k));
            assert_eq!(power_of_ten(k).to_bits(), want.to_bits(), "10^{k}");
        }
        // Every exponent a key can ask for, from the smallest subnormal to the largest finite number, is in
        // the table; and the keys are those of the computation without it.
        for v in [f64::MIN_POSITIVE / 4.0, 5e-324, 1e-300, 0.001, 1.0, 999_999_999.5, 1e300, f64::MAX] {
            let digits = |e: i32| (v / 10f64.powi(e - 8)).round();
            let mut e = v.log10().floor() as i32;
            let mut m = digits(e);
            if m >= 1e9 {
                e += 1;
                m = digits(e);
            } else if m < 1e8 {
                e -= 1;
                m = digits(e);
            }
            assert_eq!(round_key(v), (m as i32, e as i16), "{v}");
        }
    }
}
