//! Extraction: what a source document says, as data with exact byte spans.
//!
//! One extractor per kind, each a pure function of the text: [`sentences`] splits prose into sentences
//! (and tells page chrome from prose), [`entities`] finds proper names and merges their variants across the
//! corpus, [`figures`] finds cited figures and normalises them to a value and a unit. Extractors are total:
//! any `&str` gives an answer and never a panic, and every span they return lies on character boundaries of
//! the text they were given, so an excerpt cut with it is a verbatim piece of the source.
//!
//! Nothing here knows a particular corpus. Lexicons (country names, honorifics, organisation suffixes) are
//! general English knowledge, never the names of the seed documents' subjects.

pub mod entities;
pub mod figures;
pub mod sentences;
pub(crate) mod fasthash;
mod reuse;
mod swar;

/// Lets go of the buffers the calling thread keeps from one document to the next for the extractors: for a
/// thread that has extracted a corpus and will not extract again for a while (see `reuse`).
pub fn release_buffers() {
    sentences::release_buffers();
    entities::release_buffers();
    figures::release_buffers();
}

use std::fmt;

use crate::text::Span;
use serde::Serialize;

/// What kind of thing a name denotes, where the text gives evidence of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Place,
    Organization,
    Person,
    Other,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Place => "place",
            EntityKind::Organization => "organization",
            EntityKind::Person => "person",
            EntityKind::Other => "other",
        }
    }

    /// The kinds in the order of [`EntityKind::index`].
    pub(crate) const BY_INDEX: [EntityKind; 4] =
        [EntityKind::Person, EntityKind::Organization, EntityKind::Place, EntityKind::Other];

    /// Where the merge counts this kind's votes: persons first, as ties between votes go to the earlier.
    pub(crate) fn index(self) -> usize {
        match self {
            EntityKind::Person => 0,
            EntityKind::Organization => 1,
            EntityKind::Place => 2,
            EntityKind::Other => 3,
        }
    }
}

/// A sentence of a source (or a block of text that stands alone, such as a heading), and whether it is
/// prose or page chrome (navigation, share buttons, subscription appeals, related-article lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub span: Span,
    pub chrome: bool,
}

/// One occurrence of a name in one document, before names are merged across the corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NameMention {
    /// The name exactly as written, without a trailing possessive (`Russia` in `Russia’s`).
    pub span: Span,
    /// The name's position in [`DocNames::names`].
    pub name: u32,
    /// The kind, where the context gives evidence (a title before a person, a suffix such as Union or Bank).
    pub kind: Option<EntityKind>,
}

/// A distinct name of one document: a document that says `Russia` forty times stores the string once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocName {
    /// The surface form normalised for display: whitespace collapsed, curly apostrophes straightened,
    /// possessive removed.
    pub surface: String,
    /// The merge key of the surface ([`entities::normalize_name`]).
    pub key: String,
}

/// An acronym the text defines: `Eurasian Economic Union (EAEU)` gives `short: "EAEU"`,
/// `long: "Eurasian Economic Union"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AcronymDef {
    pub short: String,
    pub long: String,
}

/// The names found in one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DocNames {
    /// The distinct names, in the order of their first mention.
    pub names: Vec<DocName>,
    /// Every mention, in text order, without overlaps.
    pub mentions: Vec<NameMention>,
    pub acronyms: Vec<AcronymDef>,
}

impl DocNames {
    /// The surface form of mention `m`.
    pub fn name_of(&self, m: &NameMention) -> &str {
        self.names.get(m.name as usize).map_or("", |n| n.surface.as_str())
    }
}

/// A source's names as the merge reads them, borrowed rather than owned: from a [`DocNames`] at hand, or
/// straight from the persisted index's bytes, where decoding a [`DocNames`] would copy every name into two
/// strings of its own only for the merge to hash them and let them go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamesView<'a> {
    /// Each distinct name: its surface form and its merge key (see [`DocName`]).
    pub names: Vec<(&'a str, &'a str)>,
    /// The name of each mention, in text order ([`NameMention::name`]).
    pub mentions: Vec<u32>,
    /// For each distinct name, its mentions and their votes for each kind (at [`EntityKind::index`]).
    pub tally: Vec<(u32, [u32; 4])>,
    /// Each acronym definition: the acronym and its expansion (see [`AcronymDef`]).
    pub acronyms: Vec<(&'a str, &'a str)>,
}

impl<'a> NamesView<'a> {
    /// The view of `names`, given its mentions as (name, kind). A mention of no name counts for none.
    pub fn new(
        names: Vec<(&'a str, &'a str)>,
        mentions: impl ExactSizeIterator<Item = (u32, Option<EntityKind>)>,
        acronyms: Vec<(&'a str, &'a str)>,
    ) -> NamesView<'a> {
        let mut tally = vec![(0u32, [0u32; 4]); names.len()];
        let mut of_mention = Vec::with_capacity(mentions.len());
        for (name, kind) in mentions {
            of_mention.push(name);
            if let Some((count, kinds)) = tally.get_mut(name as usize) {
                *count += 1;
                if let Some(k) = kind {
                    kinds[k.index()] += 1;
                }
            }
        }
        NamesView { names, mentions: of_mention, tally, acronyms }
    }

    /// The view of a source's names at hand.
    pub fn of(doc: &'a DocNames) -> NamesView<'a> {
        NamesView::new(
            doc.names.iter().map(|n| (n.surface.as_str(), n.key.as_str())).collect(),
            doc.mentions.iter().map(|m| (m.name, m.kind)),
            doc.acronyms.iter().map(|a| (a.short.as_str(), a.long.as_str())).collect(),
        )
    }

    /// As [`crate::lazy::Counted`] counts a [`DocNames`]: its distinct names and its mentions.
    pub fn counts(&self) -> [usize; 2] {
        [self.names.len(), self.mentions.len()]
    }
}

/// An entity after merging across the corpus: its preferred name, kind and every other form it goes by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityDef {
    pub name: String,
    pub kind: EntityKind,
    /// Other names of the same entity (acronym, expansion, spelling variants, surname alone), without `name`.
    pub aliases: Vec<String>,
}

/// The outcome of merging the names of a corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    pub entities: Vec<EntityDef>,
    /// For document `d` and its distinct name `n` (as passed to `resolve`), `assignment[d][n]` is the index of
    /// its entity in `entities`, or `None` where the merge decided the name is not a name after all. Every
    /// mention of the name belongs to that entity.
    pub assignment: Vec<Vec<Option<u32>>>,
}

/// The unit of a figure. Two figures are the same figure when their units are equal and their values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase", tag = "type", content = "value")]
pub enum Unit {
    /// An amount of money in an ISO 4217 currency (`USD`, `EUR`, `RUB`, ...).
    Money(Symbol),
    /// A percentage: 62 percent, 80%.
    Percent,
    /// A multiplier: sevenfold, 3 times, 2x.
    Multiplier,
    /// A count of something: 35,000 jobs; the noun, lower case and singular (`job`).
    Count(Symbol),
}

impl Unit {
    /// The unit as a number, cheap to compare and hash, and the same in every process (it is what the
    /// persisted figure order is sorted by): the kind in the top two bits, the symbol's id below them.
    pub fn key(&self) -> u64 {
        match self {
            Unit::Money(code) => code.id(),
            Unit::Percent => 1 << 62,
            Unit::Multiplier => 2 << 62,
            Unit::Count(noun) => (3 << 62) | noun.id(),
        }
    }

    /// A short label for display and for JSON: `USD`, `percent`, `times`, `job`.
    pub fn label(&self) -> &'static str {
        match self {
            Unit::Money(code) => code.as_str(),
            Unit::Percent => "percent",
            Unit::Multiplier => "times",
            Unit::Count(noun) => noun.as_str(),
        }
    }
}

/// A short string kept once for the whole process (a currency code, a counted noun), so that a figure's
/// unit is eight bytes and copying it allocates nothing. The set of such words is small and bounded by
/// the vocabulary of the corpora indexed, so the strings are never freed.
///
/// Its id is a hash of the string, not a count of the symbols seen before it: the figure order persisted
/// with an index is sorted by units' ids, and must still be in order in the next process, which meets the
/// units in another order. Two strings whose hashes collide (62 bits: not to be expected of a corpus's few
/// thousand units) still get distinct ids, the later one taking the next free id; the next process may
/// then number them the other way round, and the background check of a persisted order sorts it again.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Symbol(u64);

/// The bits of a symbol's id (see [`Unit::key`], which puts a unit's kind above them).
const SYMBOL_ID_BITS: u64 = (1 << 62) - 1;

struct Interner {
    /// By [`fasthash`]: a figure's unit is looked up here once per figure, where SipHash cost more than the
    /// rest of making the unit. (Neither map is iterated, so the hash decides no order.)
    ids: fasthash::FastMap<&'static str, u64>,
    strings: fasthash::FastMap<u64, &'static str>,
}

static INTERNER: std::sync::LazyLock<std::sync::RwLock<Interner>> = std::sync::LazyLock::new(|| {
    std::sync::RwLock::new(Interner { ids: fasthash::FastMap::default(), strings: fasthash::FastMap::default() })
});

thread_local! {
    /// What this thread has met of the [`INTERNER`]: a figure's unit is made once per figure on every core at
    /// once, and the shared lock's count of readers, written by each, went back and forth between the cores.
    /// A string's id never changes once it is given, so a copy never goes stale.
    static SEEN: std::cell::RefCell<Interner> =
        std::cell::RefCell::new(Interner { ids: fasthash::FastMap::default(), strings: fasthash::FastMap::default() });
}

impl Symbol {
    pub fn new(s: &str) -> Symbol {
        let seen = SEEN.with(|seen| seen.try_borrow().ok().and_then(|seen| seen.ids.get(s).copied()));
        if let Some(id) = seen {
            return Symbol(id);
        }
        let symbol = Symbol::new_shared(s);
        symbol.remember();
        symbol
    }

    /// Keeps this thread's copy of the symbol's string and id.
    fn remember(self) {
        let stored = Symbol::as_str_shared(self);
        SEEN.with(|seen| {
            if let Ok(mut seen) = seen.try_borrow_mut() {
                seen.ids.insert(stored, self.0);
                seen.strings.insert(self.0, stored);
            }
        });
    }

    fn new_shared(s: &str) -> Symbol {
        if let Some(&id) = INTERNER.read().unwrap_or_else(|e| e.into_inner()).ids.get(s) {
            return Symbol(id);
        }
        let mut interner = INTERNER.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = interner.ids.get(s) {
            return Symbol(id);
        }
        let mut id = xxhash_rust::xxh3::xxh3_64(s.as_bytes()) & SYMBOL_ID_BITS;
        while interner.strings.contains_key(&id) {
            id = (id + 1) & SYMBOL_ID_BITS;
        }
        let stored: &'static str = Box::leak(s.to_string().into_boxed_str());
        interner.strings.insert(id, stored);
        interner.ids.insert(stored, id);
        Symbol(id)
    }

    /// A number for the symbol (below 2^62): a hash of its string, the same in every process but where two
    /// strings' hashes collide (see [`Symbol`]).
    pub fn id(self) -> u64 {
        self.0
    }

    pub fn as_str(self) -> &'static str {
        let seen = SEEN.with(|seen| seen.try_borrow().ok().and_then(|seen| seen.strings.get(&self.0).copied()));
        match seen {
            Some(s) => s,
            None => {
                let s = Symbol::as_str_shared(self);
                // (A symbol decoded from a damaged store may name no string: nothing to keep then.)
                if !s.is_empty() {
                    self.remember();
                }
                s
            }
        }
    }

    fn as_str_shared(self) -> &'static str {
        INTERNER.read().unwrap_or_else(|e| e.into_inner()).strings.get(&self.0).copied().unwrap_or("")
    }
}

impl std::ops::Deref for Symbol {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Symbol {
    fn from(s: &str) -> Symbol {
        Symbol::new(s)
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// By the strings, so that an order of units never depends on which was seen first.
impl Ord for Symbol {
    fn cmp(&self, other: &Symbol) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Serialize for Symbol {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A cited figure with its normalised value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// The figure as written: `$41-42 billion`, `US$45bn`, `62 percent`, `35,000 jobs`, `sevenfold`.
    pub span: Span,
    /// The value in base units: `$3.8 billion` is 3.8e9, `62 percent` is 62.0, `sevenfold` is 7.0. For a
    /// range, the low end.
    pub value: f64,
    /// For a range (`$41-42 billion`), the high end.
    pub high: Option<f64>,
    pub unit: Unit,
    /// The year the figure refers to, where its sentence says (`in 2022`, `by 2030`).
    pub year: Option<i32>,
    /// The sentence that gives the figure its context.
    pub sentence: Span,
}

impl Figure {
    /// Whether two figures denote the same quantity, in whatever notation each was written.
    pub fn same_quantity(&self, other: &Figure) -> bool {
        self.unit == other.unit
            && close(self.value, other.value)
            && self.high.is_some() == other.high.is_some()
            && match (self.high, other.high) {
                (Some(a), Some(b)) => close(a, b),
                _ => true,
            }
    }
}

/// Equality for values parsed from decimal text: exact up to float rounding.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_interned_and_ordered_by_their_text() {
        let (a, b) = (Symbol::new("zloty-test"), Symbol::new(&String::from("zloty-test")));
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "zloty-test");
        let (x, y) = (Symbol::new("b-unit-test"), Symbol::new("a-unit-test"));
        assert!(y < x, "by text, not by order of first use");
        assert_eq!(serde_json::to_string(&Unit::Count(x)).unwrap(), r#"{"type":"count","value":"b-unit-test"}"#);
        assert_eq!(format!("{:?}", Unit::Money(Symbol::new("USD"))), r#"Money("USD")"#);
        assert!(std::mem::size_of::<Unit>() <= 16 && std::mem::size_of::<Figure>() <= 64);
    }

    /// A symbol's id, and so a unit's key, is its text's whichever units the process met first: the figure
    /// order persisted with an index is sorted by it, and read by the next process.
    #[test]
    fn a_symbols_id_is_a_hash_of_its_text() {
        for s in ["widget-id-test", "gizmo-id-test", "USD"] {
            assert_eq!(Symbol::new(s).id(), xxhash_rust::xxh3::xxh3_64(s.as_bytes()) & SYMBOL_ID_BITS, "{s}");
        }
        assert_eq!(Unit::Count(Symbol::new("widget-id-test")).key() >> 62, 3);
        assert!(Unit::Money(Symbol::new("USD")).key() < Unit::Percent.key());
        assert!(Unit::Multiplier.key() < Unit::Count(Symbol::new("gizmo-id-test")).key());
    }
}
