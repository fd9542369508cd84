//! Entities: proper names of places, organisations, people and initiatives, found per document and merged
//! across a corpus.
//!
//! [`extract`] reads one document's prose sentences (chrome yields no names) and returns every name it
//! mentions with the byte span of the name as written (a possessive `’s` left out), plus the acronyms the
//! document defines. A name is a run of capitalised words, joined across `of`, `for`, `and`, `on`, `in`
//! only where an organisation or event head makes them one name (`Foundation for the Development of Civil
//! Society`, `Belt and Road Initiative`); titles are cut off persons (`President Joe Biden` gives `Joe
//! Biden`, a person); a capitalised common word that starts a sentence is not a name, and a lone word
//! there is a name only if the document also capitalises it mid-sentence or a lexicon knows it. Headings in
//! title case and all-caps lines give only names the document's prose already gave.
//!
//! [`resolve`] merges mentions by [`normalize_name`] (case, dashes, possessives, British and American
//! spelling), joins acronyms to their expansions corpus-wide, joins a surname used alone to the one person
//! whose full name ends with it, picks a display name and a kind by majority, and drops lone noise. Its
//! entities are sorted by display name (case-insensitively), so its output is deterministic.
//!
//! Everything here is total (no panic on any text) and linear in the text: work per word is bounded by
//! small constants (lexicon phrases of at most a few words, acronyms of at most 12 letters).

mod acronyms;
mod lexicon;
mod merge;
mod tokens;
pub(crate) use tokens::{soft_breaks, without_soft_breaks};

#[cfg(test)]
pub(crate) use merge::Canonical;
pub use merge::{resolve, Grouping, NameTable};

use super::{AcronymDef, DocName, DocNames, EntityKind, NameMention, Sentence};
use crate::extract::fasthash::{FastMap as HashMap, FastSet as HashSet};
use crate::extract::reuse;
use crate::text::Span;
use lexicon::{flag, Flags};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use tokens::{Gap, Tok};

/// How a sentence is capitalised, which decides how far capitals are evidence of names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Ordinary prose: capitals mark names.
    Prose,
    /// A headline in title case: capitals mark nothing; only names known from prose are taken.
    Title,
    /// All capitals: as for a headline, and acronyms are not taken either.
    Caps,
}

/// A name candidate within one sentence: token range (inclusive) and evidence of its kind.
#[derive(Clone, Copy, Debug)]
struct Cand {
    first: usize,
    last: usize,
    kind: Option<EntityKind>,
    /// A lone word that starts its sentence: a name only if confirmed elsewhere in the document.
    unconfirmed: bool,
    /// An acronym's expansion: wins over any other candidate it overlaps.
    expansion: bool,
}

/// Bits of a word's [`Flags`] above the lexicon's own: what is known of the word so far.
/// The lexicon bits of the word's lower-case form are filled in.
const LOOKED_UP: Flags = flag::FREE << 1;
/// [`PLURAL_DEMONYM`] is filled in.
const PLURAL_LOOKED_UP: Flags = flag::FREE << 2;
/// The word is the plural of a demonym (`Russians`).
const PLURAL_DEMONYM: Flags = flag::FREE << 3;
/// [`PHRASE_START`] is filled in.
const PHRASE_START_LOOKED_UP: Flags = flag::FREE << 4;
/// A phrase of several words that starts with this one may be a place of the lexicon (see
/// [`Words::may_start_place`]).
const PHRASE_START: Flags = flag::FREE << 5;

/// The words of a document's prose sentences, one sentence after another, with the text lower-cased once;
/// a sentence's [`Words`] is a view of its part. Built in one pass and then only read.
#[derive(Default)]
struct DocWords {
    toks: Vec<Tok>,
    /// For each word, what the lexicon says of it, looked up the first time a rule asks (0 until then).
    flags: Vec<Cell<Flags>>,
    /// The text lower-cased (ASCII letters only, which keeps every byte where it was; see
    /// [`DocWords::add_lower`]), then the lower-case forms of `own_lower`.
    lowered: String,
    /// The text has a character outside ASCII.
    non_ascii: bool,
    /// The lower-case forms that are no copy of their word's span in `lowered` (of words with capitals
    /// outside ASCII), each `(word, from, len)`: the word's index in its sentence and
    /// `lowered[from..from + len]`. In word order within each sentence.
    own_lower: Vec<(u32, u32, u32)>,
    /// A buffer for phrases looked up in the lexicon.
    scratch: RefCell<String>,
}

/// Where one sentence's words are in a [`DocWords`].
#[derive(Clone)]
struct Part {
    /// The sentence's words in [`DocWords::toks`].
    toks: std::ops::Range<usize>,
    /// Its words' entries in [`DocWords::own_lower`].
    own_lower: std::ops::Range<usize>,
}

impl DocWords {
    /// Empties the words for the next document (see [`reuse`]).
    fn clear(&mut self) {
        reuse::clear_vec(&mut self.toks);
        reuse::clear_vec(&mut self.flags);
        reuse::clear_string(&mut self.lowered);
        self.non_ascii = false;
        reuse::clear_vec(&mut self.own_lower);
        reuse::clear_string(self.scratch.get_mut());
    }

    /// Lower-cases the words from `from` on (those just tokenized), the words of a sentence of `text`. The
    /// first time, the whole text is copied and lower-cased (ASCII letters only, which keeps every byte
    /// where it was): the lower-case form of a word without capitals outside ASCII is then the copy of its
    /// span, with no work per word. A word with such capitals gets its own lower-case form after the copy
    /// (every word not all ASCII with a capital does); `cased_non_ascii` says whether the sentence has such a
    /// word at all, or a word read across a line-end hyphen (see [`tokens::Tokenized`]).
    /// Returns where the sentence's words are.
    fn add_lower(&mut self, text: &str, from: usize, cased_non_ascii: bool) -> Part {
        if self.lowered.is_empty() {
            // (Made again for an empty text, which costs nothing.)
            self.non_ascii = !text.is_ascii();
            // Room for the words' own lower-case forms too, which are rare.
            self.lowered.reserve(text.len() + if self.non_ascii { text.len() / 8 } else { 0 });
            self.lowered.push_str(text);
            self.lowered.make_ascii_lowercase();
        }
        let toks = self.toks.get(from..).unwrap_or(&[]);
        self.flags.resize(self.toks.len(), Cell::new(0));
        let own_from = self.own_lower.len();
        if cased_non_ascii {
            for (i, t) in toks.iter().enumerate() {
                if !Words::lower_is_copy(t) {
                    let at = self.lowered.len();
                    self.lowered.push_str(&tokens::without_soft_breaks(t.text(text)).to_lowercase());
                    self.own_lower.push((i as u32, at as u32, (self.lowered.len() - at) as u32));
                }
            }
        }
        Part { toks: from..self.toks.len(), own_lower: own_from..self.own_lower.len() }
    }

    /// Lets go of the words of the last sentence, `part`, whose first word was word `from`.
    fn truncate(&mut self, from: usize, part: Part) {
        self.toks.truncate(from);
        self.flags.truncate(from);
        if let Some(&(_, at, _)) = self.own_lower.get(part.own_lower.start) {
            self.lowered.truncate(at as usize);
        }
        self.own_lower.truncate(part.own_lower.start);
    }

    /// The words of one sentence.
    fn view<'a>(&'a self, text: &'a str, part: &Part) -> Words<'a> {
        Words {
            text,
            toks: &self.toks[part.toks.clone()],
            flags: &self.flags[part.toks.clone()],
            lowered: &self.lowered,
            own_lower: &self.own_lower[part.own_lower.clone()],
            scratch: &self.scratch,
        }
    }
}

/// One sentence's words and helpers to read them.
#[derive(Clone, Copy)]
struct Words<'a> {
    text: &'a str,
    toks: &'a [Tok],
    flags: &'a [Cell<Flags>],
    /// The text lower-cased ([`DocWords::lowered`]); `own_lower` are the lower-case forms of words its
    /// copy does not give.
    lowered: &'a str,
    own_lower: &'a [(u32, u32, u32)],
    scratch: &'a RefCell<String>,
}

impl<'a> Words<'a> {
    #[inline]
    fn word(&self, i: usize) -> &'a str {
        self.toks[i].text(self.text)
    }

    /// Whether the lower-case form of the word is its span in the lower-case copy of the text: for a
    /// word without capitals outside ASCII, not read across a line-end hyphen.
    #[inline]
    fn lower_is_copy(t: &Tok) -> bool {
        (t.ascii() || !t.has_upper()) && !t.soft()
    }

    /// The word in lower case (`str::to_lowercase` of it).
    #[inline(always)]
    fn lower(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        if !Words::lower_is_copy(t) {
            return self.own_lower(i);
        }
        self.lowered.get(t.start as usize..t.end as usize).unwrap_or("")
    }

    /// [`Words::lower`] as bytes, for comparisons and lookups: a slice of bytes needs no check of
    /// character boundaries.
    #[inline(always)]
    fn lower_bytes(&self, i: usize) -> &'a [u8] {
        let t = &self.toks[i];
        if !Words::lower_is_copy(t) {
            return self.own_lower(i).as_bytes();
        }
        self.lowered.as_bytes().get(t.start as usize..t.end as usize).unwrap_or_default()
    }

    /// [`Words::lower`] of a word with capitals outside ASCII.
    #[cold]
    #[inline(never)]
    fn own_lower(&self, i: usize) -> &'a str {
        match self.own_lower.binary_search_by_key(&i, |&(word, _, _)| word as usize) {
            Ok(k) => {
                let (_, from, len) = self.own_lower[k];
                self.lowered.get(from as usize..(from + len) as usize).unwrap_or("")
            }
            Err(_) => "",
        }
    }

    /// The lexicons the word's lower-case form is in (see [`lexicon::flag`]), looked up once.
    #[inline(always)]
    fn flags(&self, i: usize) -> Flags {
        let f = self.flags[i].get();
        if f & LOOKED_UP != 0 {
            return f;
        }
        self.look_up(i)
    }

    /// [`Words::flags`] the first time: looks the word up.
    #[inline(never)]
    fn look_up(&self, i: usize) -> Flags {
        let f = self.flags[i].get() | LOOKED_UP | lexicon::flags_of_bytes(self.lower_bytes(i));
        self.flags[i].set(f);
        f
    }

    /// Whether the word's lower-case form is in one of the lexicons `bits`.
    #[inline]
    fn has(&self, i: usize, bits: Flags) -> bool {
        self.flags(i) & bits != 0
    }

    /// `Russians`, `Kazakhs`: the plural of a demonym.
    fn is_plural_demonym(&self, i: usize) -> bool {
        let f = self.flags[i].get();
        if f & PLURAL_LOOKED_UP != 0 {
            return f & PLURAL_DEMONYM != 0;
        }
        let yes = is_plural_demonym(self.lower(i));
        self.flags[i].set(f | PLURAL_LOOKED_UP | if yes { PLURAL_DEMONYM } else { 0 });
        yes
    }

    /// Whether a phrase of several words starting with this one may be a place: `false` when the word's
    /// first part (up to a dash) starts no place, abbreviation or directional word of the lexicon.
    fn may_start_place(&self, i: usize) -> bool {
        let f = self.flags[i].get();
        if f & PHRASE_START_LOOKED_UP != 0 {
            return f & PHRASE_START != 0;
        }
        let yes = if !self.toks[i].ascii() {
            true
        } else {
            let lower = self.lower_bytes(i);
            match lower.iter().position(|&b| b == b'-') {
                Some(dash) => lexicon::flags_of_bytes(&lower[..dash]) & flag::PLACE_FIRST != 0,
                None => self.has(i, flag::PLACE_FIRST),
            }
        };
        let f = self.flags[i].get();
        self.flags[i].set(f | PHRASE_START_LOOKED_UP | if yes { PHRASE_START } else { 0 });
        yes
    }

    /// Whether the words `first..=last` name a place of the lexicon (see [`Words::lower_phrase_into`]).
    fn is_place(&self, first: usize, last: usize) -> bool {
        if first == last && self.toks[first].ascii() {
            // One ASCII word is its own phrase, without a space: a place or an abbreviation, not a region.
            return self.has(first, flag::PLACE_OR_ABBREVIATION);
        }
        if first < last && !self.may_start_place(first) {
            return false;
        }
        let mut buf = self.scratch.borrow_mut();
        buf.clear();
        self.lower_phrase_into(first, last, &mut buf);
        lexicon::is_place(&buf)
    }

    /// The lower-case words `first..=last` joined by single spaces, dashes written `-`.
    fn lower_phrase_into(&self, first: usize, last: usize, out: &mut String) {
        for i in first..=last {
            if i > first {
                out.push(if self.toks[i].gap == Gap::Dash { '-' } else { ' ' });
            }
            let word = tokens::without_soft_breaks(self.word(i));
            let w = word.as_ref();
            if w.is_ascii() {
                out.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
                continue;
            }
            for c in w.chars() {
                match c {
                    '\u{2010}' | '\u{2011}' | '\u{2013}' => out.push('-'),
                    '\u{2019}' => out.push('\''),
                    _ => out.extend(c.to_lowercase()),
                }
            }
        }
    }

    fn span(&self, first: usize, last: usize) -> Span {
        Span::new(self.toks[first].start as usize, self.toks[last].end as usize)
    }

    fn n(&self) -> usize {
        self.toks.len()
    }
}

/// One prose sentence with candidates, between the passes: its words and its candidates, as ranges of the
/// document's.
struct Pending {
    part: Part,
    mode: Mode,
    cands: std::ops::Range<usize>,
}

/// Buffers reused from sentence to sentence.
#[derive(Default)]
struct Scratch {
    /// The capitalised words of the sentence, in order: the only words a name starts with.
    caps: Vec<usize>,
    units: Vec<Option<usize>>,
    chains: Vec<(usize, usize)>,
    phrase: String,
}

impl Scratch {
    fn clear(&mut self) {
        reuse::clear_vec(&mut self.caps);
        reuse::clear_vec(&mut self.units);
        reuse::clear_vec(&mut self.chains);
        reuse::clear_string(&mut self.phrase);
    }
}

/// What [`extract`] keeps from one document to the next (see [`reuse`]): its buffers in proportion to
/// the document. Whatever borrows from the text (the sets of surfaces) is made per call.
#[derive(Default)]
struct Buffers {
    words: DocWords,
    cands: Vec<Cand>,
    work: Vec<Pending>,
    scratch: Scratch,
    definitions: Vec<acronyms::Definition>,
    aligner: acronyms::Aligner,
    known: HashSet<String>,
    key: String,
    kept: Vec<Cand>,
    taken: Vec<bool>,
    chosen: Vec<Cand>,
    surface: String,
    headline: KnownWithin,
    mentions: Vec<NameMention>,
    renumber: Vec<u32>,
    order: Vec<u32>,
    first_words: FirstWords,
}

/// Whether sentences read as their first word alone ([`Shortcut::FirstWord`]) name something, by that
/// word: what [`candidates`] finds there depends on the word and on whether a handle's `@` or `#` stands
/// before it, and on nothing else, so it is worked out once per word and thread, not once per sentence
/// (most such sentences open with one of a few words: `The`, `In`, `Officials`). Kept from one document to
/// the next; emptied when it holds [`FirstWords::MOST`] words.
#[derive(Default)]
struct FirstWords(HashMap<u128, bool>);

impl FirstWords {
    const MOST: usize = 8192;

    /// The key of a word of at most 15 bytes: its bytes, its length and the handle bit.
    fn key(word: &[u8], after_handle: bool) -> Option<u128> {
        if word.len() > 15 {
            return None;
        }
        let bytes = word.iter().enumerate().fold(0u128, |k, (i, &b)| k | (b as u128) << (8 * i));
        Some(bytes | (word.len() as u128) << 120 | (after_handle as u128) << 127)
    }

    /// Whether the sentence-opening `word` names something, by `names` the first time it is asked.
    fn names(&mut self, word: &[u8], after_handle: bool, names: impl FnOnce() -> bool) -> bool {
        let Some(key) = FirstWords::key(word, after_handle) else {
            return names();
        };
        if let Some(&known) = self.0.get(&key) {
            return known;
        }
        if self.0.len() >= FirstWords::MOST {
            self.0.clear();
        }
        let answer = names();
        self.0.insert(key, answer);
        answer
    }
}

impl reuse::Buffers for Buffers {
    fn clear(&mut self) {
        self.words.clear();
        reuse::clear_vec(&mut self.cands);
        reuse::clear_vec(&mut self.work);
        self.scratch.clear();
        reuse::clear_vec(&mut self.definitions);
        self.aligner.clear();
        self.known.clear();
        if self.known.capacity() > reuse::KEEP_BYTES / 64 {
            self.known = HashSet::default();
        }
        reuse::clear_string(&mut self.key);
        reuse::clear_vec(&mut self.kept);
        reuse::clear_vec(&mut self.taken);
        reuse::clear_vec(&mut self.chosen);
        reuse::clear_string(&mut self.surface);
        self.headline.clear();
        reuse::clear_vec(&mut self.mentions);
        reuse::clear_vec(&mut self.renumber);
        reuse::clear_vec(&mut self.order);
    }
}

thread_local! {
    static BUFFERS: reuse::Slot<Buffers> = const { std::cell::Cell::new(None) };
}

/// Lets go of the buffers this thread keeps for [`entities`](self) (see [`crate::extract::release_buffers`]).
pub(crate) fn release_buffers() {
    reuse::release(&BUFFERS);
}

/// Finds the names in one document: every mention in its prose sentences and the acronyms it defines.
pub fn extract(text: &str, sentences: &[Sentence]) -> DocNames {
    reuse::with(&BUFFERS, |buffers| extract_with(text, sentences, buffers))
}

/// [`extract`] with this thread's buffers, which come empty.
fn extract_with(text: &str, sentences: &[Sentence], buffers: &mut Buffers) -> DocNames {
    let Buffers {
        words: dw,
        cands: all_cands,
        work,
        scratch,
        definitions: defs,
        aligner,
        known,
        key,
        kept,
        taken,
        chosen,
        surface,
        headline,
        mentions,
        renumber,
        order,
        first_words,
    } = buffers;
    let mut doc = DocNames::default();
    let mut seen_defs: HashSet<(String, String)> = HashSet::default();
    // The line-end hyphens inside words (text extracted from a PDF has them; most texts none).
    let soft_breaks = tokens::soft_breaks(text);
    // Pass 1: candidates per prose sentence; headlines wait for the names prose gives.
    // About one word in six bytes of English prose, and a candidate in fifty.
    let words_guess = text.len() / 5 + 16;
    dw.toks.reserve(words_guess);
    dw.flags.reserve(words_guess);
    all_cands.reserve(text.len() / 40 + 16);
    for sentence in sentences {
        let (start, end) = (sentence.span.start as usize, sentence.span.end as usize);
        let Some(s) = text.get(start..end) else {
            continue;
        };
        // Chrome gives only the acronyms it defines, and a definition needs an opening bracket, which no
        // word holds (the bracket `tokenize_into` reports is any `(` of the sentence).
        if sentence.chrome && !s.as_bytes().contains(&b'(') {
            continue;
        }
        // Most sentences of prose have no capital but their first: such a sentence names nothing, or what
        // its first word names alone (see `Shortcut`), which is found without reading the rest of it.
        match shortcut_of(s.as_bytes()) {
            Shortcut::Nothing => continue,
            Shortcut::FirstWord(len) => {
                let after_handle =
                    matches!(start.checked_sub(1).and_then(|b| text.as_bytes().get(b)), Some(b'@' | b'#'));
                let names = first_words.names(&s.as_bytes()[..len], after_handle, || {
                    let from = dw.toks.len();
                    tokens::tokenize_into(text, start, start + len, &mut dw.toks);
                    let part = dw.add_lower(text, from, false);
                    let first_cand = all_cands.len();
                    candidates(&dw.view(text, &part), scratch, all_cands);
                    let names = all_cands.len() > first_cand;
                    all_cands.truncate(first_cand);
                    dw.truncate(from, part);
                    names
                });
                if !names {
                    continue;
                }
            }
            Shortcut::Read => {}
        }
        let from = dw.toks.len();
        let found = tokens::tokenize_across(text, start, end, &soft_breaks, &mut dw.toks);
        // A definition needs an opening bracket between two words: most sentences have none.
        defs.clear();
        if found.bracket {
            acronyms::find_into(text, &dw.toks[from..], aligner, defs);
        }
        for d in defs.iter() {
            let short = display_form(text.get(d.short.0..d.short.1).unwrap_or(""));
            let long = display_form(text.get(d.long.0..d.long.1).unwrap_or(""));
            if seen_defs.insert((short.clone(), long.clone())) {
                doc.acronyms.push(AcronymDef { short, long });
            }
        }
        if sentence.chrome {
            dw.toks.truncate(from);
            continue;
        }
        let part = dw.add_lower(text, from, found.cased_non_ascii || found.soft);
        let words = dw.view(text, &part);
        let first_cand = all_cands.len();
        candidates(&words, scratch, all_cands);
        for d in defs.iter() {
            let (first, last) = d.long_toks;
            let kind = kind_of(&words, first, last);
            all_cands.push(Cand { first, last, kind, unconfirmed: false, expansion: true });
        }
        // A sentence without candidates gives no names, and its mode matters to no other sentence: the
        // passes below need only the sentences with candidates, and its words are let go (which keeps
        // the words the passes read close together in memory).
        if all_cands.len() > first_cand {
            let mode = mode_of(text, &words, end);
            work.push(Pending { part, mode, cands: first_cand..all_cands.len() });
        } else {
            dw.truncate(from, part);
        }
    }
    let dw: &DocWords = dw;

    // What prose confirms: names seen mid-sentence (needed only for headlines), and surnames of persons.
    let need_known = work.iter().any(|p| p.mode != Mode::Prose);
    // Sized once for the candidates (a document names far fewer distinct names than it has candidates, but
    // growing a set a few times over costs more than the slots left empty).
    let distinct_guess = all_cands.len().min(4096);
    let mut seen_surfaces: HashSet<&str> =
        HashSet::with_capacity_and_hasher(if need_known { distinct_guess } else { 0 }, Default::default());
    let mut confirmed_single: HashSet<&str> = HashSet::with_capacity_and_hasher(distinct_guess, Default::default());
    for p in work.iter() {
        if p.mode != Mode::Prose {
            continue;
        }
        let words = dw.view(text, &p.part);
        for c in all_cands[p.cands.clone()].iter().filter(|c| !c.unconfirmed) {
            // The key of the display form, which is the key of the surface: both collapse whitespace and
            // straighten apostrophes. Each distinct surface is normalised once.
            let surface = words.span(c.first, c.last).slice(text);
            if need_known && seen_surfaces.insert(surface) {
                key.clear();
                // (A word read across a line-end hyphen is keyed whole, as its display form is.)
                normalize_name_into(&tokens::without_soft_breaks(surface), key);
                if !known.contains(key.as_str()) {
                    known.insert(key.clone());
                }
            }
            if c.first == c.last {
                confirmed_single.insert(words.lower(c.first));
            } else if c.kind == Some(EntityKind::Person) {
                confirmed_single.insert(words.lower(c.last));
            }
        }
    }
    if need_known {
        for def in &doc.acronyms {
            known.insert(normalize_name(&def.short));
            known.insert(normalize_name(&def.long));
        }
    }

    // Pass 2: keep what is confirmed; take from headlines what is known.
    // The distinct display forms, numbered in the order they are first made. Most are the surface as
    // written (see `display_form_into`), and are borrowed from the text rather than copied.
    let mut surfaces: Vec<Cow<str>> = Vec::new();
    let mut interned: HashMap<Cow<str>, u32> = HashMap::with_capacity_and_hasher(distinct_guess, Default::default());
    // The name of each distinct surface as written (`u32::MAX` for none), so a display form is made once.
    let mut by_surface: HashMap<&str, u32> = HashMap::with_capacity_and_hasher(distinct_guess, Default::default());
    for p in work.iter() {
        let words = dw.view(text, &p.part);
        kept.clear();
        for c in &all_cands[p.cands.clone()] {
            match p.mode {
                Mode::Prose => {
                    if !c.unconfirmed || confirmed_single.contains(words.lower(c.first)) {
                        kept.push(*c);
                    }
                }
                Mode::Title | Mode::Caps => headline.run(&words, c, p.mode, known, kept),
            }
        }
        // Expansions win over what they overlap; otherwise the earlier, longer candidate wins.
        kept.sort_by_key(|c| (!c.expansion, c.first, std::cmp::Reverse(c.last)));
        taken.clear();
        taken.resize(words.n(), false);
        chosen.clear();
        for c in kept.iter() {
            if c.last >= taken.len() || taken[c.first..=c.last].iter().any(|&t| t) {
                continue;
            }
            taken[c.first..=c.last].iter_mut().for_each(|t| *t = true);
            chosen.push(*c);
        }
        chosen.sort_by_key(|c| c.first);
        for c in chosen.iter() {
            let span = words.span(c.first, c.last);
            let raw = span.slice(text);
            let name = match by_surface.get(raw) {
                Some(&id) => id,
                None => {
                    surface.clear();
                    display_form_into(raw, surface);
                    let id = if surface.is_empty() {
                        u32::MAX
                    } else {
                        match interned.get(surface.as_str()) {
                            Some(&id) => id,
                            None => {
                                let id = surfaces.len() as u32;
                                let form =
                                    if *surface == raw { Cow::Borrowed(raw) } else { Cow::Owned(surface.clone()) };
                                surfaces.push(form.clone());
                                interned.insert(form, id);
                                id
                            }
                        }
                    };
                    by_surface.insert(raw, id);
                    id
                }
            };
            if name == u32::MAX {
                continue;
            }
            mentions.push(NameMention { span, name, kind: c.kind });
        }
    }
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    mentions.dedup_by_key(|m| m.span);
    // Number the names in the order of their first mention, dropping names whose mentions all overlapped.
    renumber.resize(surfaces.len(), u32::MAX);
    for m in mentions.iter_mut() {
        let slot = &mut renumber[m.name as usize];
        if *slot == u32::MAX {
            *slot = order.len() as u32;
            order.push(m.name);
        }
        m.name = *slot;
    }
    doc.names = order
        .iter()
        .map(|&old| {
            let surface = surfaces.get_mut(old as usize).map(std::mem::take).unwrap_or_default().into_owned();
            let key = normalize_name(&surface);
            DocName { surface, key }
        })
        .collect();
    doc.mentions = mentions.to_vec();
    doc
}

/// Buffers for [`KnownWithin::run`]: the keys and lower-case phrases of the words from one start, each a
/// prefix of the next.
#[derive(Default)]
struct KnownWithin {
    key: String,
    key_ends: Vec<usize>,
    phrase: String,
    phrase_ends: Vec<usize>,
}

impl KnownWithin {
    fn clear(&mut self) {
        reuse::clear_string(&mut self.key);
        reuse::clear_vec(&mut self.key_ends);
        reuse::clear_string(&mut self.phrase);
        reuse::clear_vec(&mut self.phrase_ends);
    }

    /// The names a headline gives: the longest runs of its capitalised words that prose already named,
    /// that are places in the lexicon, or (except in all-caps lines) acronyms. Keys are built word by
    /// word, so the work is a constant per word.
    fn run(&mut self, words: &Words, c: &Cand, mode: Mode, known: &HashSet<String>, out: &mut Vec<Cand>) {
        if c.expansion {
            out.push(*c);
            return;
        }
        const LONGEST: usize = 8;
        let mut p = c.first;
        while p <= c.last {
            if words.lower_bytes(p) == b"the" {
                p += 1;
                continue;
            }
            self.key.clear();
            self.key_ends.clear();
            self.phrase.clear();
            self.phrase_ends.clear();
            for q in p..=c.last.min(p + LONGEST - 1) {
                if q > p {
                    let dash = words.toks[q].gap == Gap::Dash;
                    if !dash {
                        self.key.push(' ');
                    }
                    self.phrase.push(if dash { '-' } else { ' ' });
                }
                // A word's key changes only its own letters, so every earlier key stays a prefix.
                key_word(&tokens::without_soft_breaks(words.word(q)), &mut self.key);
                self.phrase.push_str(words.lower(q));
                self.key_ends.push(self.key.len());
                self.phrase_ends.push(self.phrase.len());
            }
            let mut matched = None;
            for len in (1..=self.key_ends.len()).rev() {
                let acronym = len == 1 && mode == Mode::Title && words.toks[p].acronym() && !common_acronym(words, p);
                if known.contains(&self.key[..self.key_ends[len - 1]])
                    || lexicon::is_place(&self.phrase[..self.phrase_ends[len - 1]])
                    || acronym
                {
                    matched = Some(len);
                    break;
                }
            }
            match matched {
                Some(len) => {
                    let q = p + len - 1;
                    let kind = if lexicon::is_place(&self.phrase[..self.phrase_ends[len - 1]]) {
                        Some(EntityKind::Place)
                    } else {
                        kind_of(words, p, q)
                    };
                    out.push(Cand { first: p, last: q, kind, unconfirmed: false, expansion: false });
                    p = q + 1;
                }
                None => p += 1,
            }
        }
    }
}

/// Words allowed in lower case in a title-case headline.
fn is_title_small_word(w: &str) -> bool {
    matches!(
        w,
        "a" | "an"
            | "the"
            | "and"
            | "or"
            | "nor"
            | "but"
            | "for"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "by"
            | "from"
            | "with"
            | "into"
            | "onto"
            | "over"
            | "as"
            | "vs"
            | "via"
            | "per"
            | "up"
            | "out"
            | "off"
            | "than"
            | "is"
            | "are"
    )
}

fn mode_of(text: &str, words: &Words, end: usize) -> Mode {
    let mut caps_words = 0;
    let mut has_lower_word = false;
    let mut any_lower_letter = false;
    let mut cased_words = 0;
    for t in words.toks {
        let starts_with_letter = if t.ascii() {
            text.as_bytes().get(t.start as usize).is_some_and(u8::is_ascii_alphabetic)
        } else {
            t.text(text).chars().next().is_some_and(char::is_alphabetic)
        };
        if !starts_with_letter {
            continue;
        }
        // The tokenizer saw the cases of the word's letters.
        let (lower, cased) = (t.has_lower(), t.has_lower() || t.has_upper());
        any_lower_letter |= lower;
        cased_words += cased as usize;
        if t.cap() {
            caps_words += 1;
        } else if !has_lower_word && !is_title_small_word(t.text(text)) {
            has_lower_word = true;
        }
        if has_lower_word && any_lower_letter {
            // Neither all capitals nor a headline, whatever follows.
            return Mode::Prose;
        }
    }
    if cased_words >= 2 && !any_lower_letter {
        return Mode::Caps;
    }
    if !has_lower_word && caps_words >= 3 {
        let tail = text.get(..end).unwrap_or("").trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')', ' ']);
        if !tail.ends_with('.') {
            return Mode::Title;
        }
    }
    Mode::Prose
}

/// Whether the word is a common acronym (`CEO`, `U.S.A.` without its periods aside, `GDP`).
fn common_acronym(words: &Words, i: usize) -> bool {
    let lower = words.lower(i);
    if !lower.contains('.') {
        return words.has(i, flag::COMMON_ACRONYM);
    }
    let stripped: String = lower.chars().filter(|&c| c != '.').collect();
    lexicon::is_common_acronym(&stripped) || words.has(i, flag::COMMON_ACRONYM)
}

/// The index of the sentence's first word that starts with a letter.
fn initial_index(words: &Words) -> Option<usize> {
    (0..words.n()).find(|&i| words.word(i).chars().next().is_some_and(char::is_alphabetic))
}

/// Whether the token is a handle or a hashtag (`@name`, `#tag`).
fn is_handle(words: &Words, i: usize) -> bool {
    // The character before the word is `@` or `#` exactly when the byte before it is: no byte of a
    // character of several bytes is ASCII.
    let start = words.toks[i].start as usize;
    matches!(start.checked_sub(1).and_then(|b| words.text.as_bytes().get(b)), Some(b'@' | b'#'))
}

/// For each word, the last word of the longest lexicon place that starts there (`Trinidad and Tobago`).
/// `caps` are the sentence's capitalised words, the only ones a place starts with.
fn place_units(words: &Words, caps: &[usize], units: &mut Vec<Option<usize>>, phrase: &mut String) {
    let n = words.n();
    let max = lexicon::max_place_words();
    units.clear();
    units.resize(n, None);
    for &i in caps {
        // A place of several words starts with a word that is a place's prefix or a directional word
        // (what `place_may_continue` says of one word).
        if words.toks[i].possessive() || !words.has(i, flag::PLACE_PREFIX | flag::DIRECTION) {
            continue;
        }
        phrase.clear();
        let mut best = None;
        for j in i..n.min(i + max) {
            if j > i {
                if !matches!(words.toks[j].gap, Gap::Space | Gap::Dash) {
                    break;
                }
                phrase.push(if words.toks[j].gap == Gap::Dash { '-' } else { ' ' });
            }
            phrase.push_str(words.lower(j));
            if j > i && words.toks[j].cap() && lexicon::is_place(phrase) {
                best = Some(j);
            }
            // No longer place starts with this phrase: the words after it cannot make one.
            if words.toks[j].possessive() || !lexicon::place_may_continue(phrase) {
                break;
            }
        }
        units[i] = best;
    }
}

/// The raw runs of capitalised words of a sentence, joined across connectors where a head makes them one
/// name. Returns inclusive token ranges. `caps` are the sentence's capitalised words, the only ones a chain
/// starts with.
fn chains(words: &Words, caps: &[usize], units: &[Option<usize>], out: &mut Vec<(usize, usize)>) {
    let n = words.n();
    out.clear();
    // A chain starts at a capitalised word after the previous chain: `after` is where that one ended.
    let mut after = 0;
    for &i in caps {
        if i < after {
            continue;
        }
        if is_handle(words, i) {
            continue;
        }
        let mut j = i;
        let mut phrase: Option<&'static str> = None;
        loop {
            if words.toks[j].possessive() || j + 1 >= n {
                break;
            }
            let k = j + 1;
            // Inside a lexicon place that started in this chain.
            let lo = j.saturating_sub(6).max(i);
            if (lo..=j).any(|p| units[p].is_some_and(|e| e >= k)) {
                j = k;
                continue;
            }
            let gap = words.toks[k].gap;
            let period_ok = gap == Gap::Period && joins_over_period(words, j);
            // A dashed part continues the name only when a head follows (`Central Asia-Russia Summit`).
            let dash_ok = gap == Gap::Dash && words.toks[k].cap() && head_ahead(words, k);
            if gap != Gap::Space && !period_ok && !dash_ok {
                break;
            }
            if words.toks[k].cap() {
                if is_handle(words, k) {
                    break;
                }
                j = k;
                continue;
            }
            if gap != Gap::Space {
                break;
            }
            if !words.has(k, flag::CONNECTOR) {
                break;
            }
            let conn = words.lower_bytes(k);
            // The connector run (`of the`) and the capitalised word after it.
            let mut m = k;
            while m < n && m - k < 3 && !words.toks[m].cap() && words.toks[m].gap == Gap::Space {
                if !words.has(m, flag::CONNECTOR) {
                    break;
                }
                m += 1;
            }
            if m >= n || !words.toks[m].cap() || words.toks[m].gap != Gap::Space || m == k {
                break;
            }
            let run_has_the = (k..m).any(|x| words.word(x) == "the");
            if words.has(m, flag::CALENDAR) {
                break;
            }
            let join = match conn {
                b"of" | b"for" | b"on" => phrase.is_some() || (i..=j).any(|p| words.has(p, flag::HEAD)),
                b"and" | b"&" => {
                    !run_has_the
                        && m == k + 1
                        && !is_place_word(words, j)
                        && !words.toks[j].acronym()
                        && !is_place_word(words, m)
                        && !words.has(m, flag::DEMONYM)
                        && (phrase.is_some() || head_ahead(words, m))
                }
                b"in" => {
                    matches!(phrase, Some("for" | "on"))
                        && m == k + 1
                        && is_place_word(words, m)
                        && !(m + 1 < n && words.toks[m + 1].cap() && words.toks[m + 1].gap == Gap::Space)
                }
                b"the" => false,
                _ => m == k + 1 && j - i < 3 && !is_place_word(words, j) && !(i..=j).any(|p| words.has(p, flag::HEAD)),
            };
            if !join {
                break;
            }
            phrase = match conn {
                b"of" => Some("of"),
                b"for" => Some("for"),
                b"on" => Some("on"),
                _ => phrase,
            };
            j = m;
        }
        out.push((i, j));
        after = j + 1;
    }
}

/// `Dr. Luca`, `J. Smith`, `St. Petersburg`: a period that stays inside a name.
fn joins_over_period(words: &Words, j: usize) -> bool {
    (words.toks[j].cap() && words.lower(j).chars().count() == 1)
        || words.has(j, flag::TITLE_ABBREVIATION | flag::NAME_ABBREVIATION)
}

fn is_place_word(words: &Words, i: usize) -> bool {
    // A word has no space, so it is a place or an abbreviation, never a directional region.
    words.has(i, flag::PLACE_OR_ABBREVIATION)
}

/// Whether the capitalised words from `m` on reach a head noun (`Road Initiative` after `Belt and`).
fn head_ahead(words: &Words, m: usize) -> bool {
    let mut p = m;
    while p < words.n() && p < m + 6 && words.toks[p].cap() && (p == m || words.toks[p].gap == Gap::Space) {
        if words.has(p, flag::HEAD) {
            return true;
        }
        if words.toks[p].possessive() {
            break;
        }
        p += 1;
    }
    false
}

fn is_title_word(words: &Words, i: usize) -> bool {
    let f = words.flags(i);
    if f & flag::TITLE_ABBREVIATION != 0 {
        // An abbreviated title is one only with its period or right before a capitalised name.
        return words.toks.get(i + 1).is_some_and(|t| matches!(t.gap, Gap::Period | Gap::Space));
    }
    f & flag::TITLE != 0
}

/// The name candidates of one sentence, before confirmation.
// Out of line: inlined into `extract`, its loops ran short of registers and cost more instructions.
#[inline(never)]
fn candidates(words: &Words, scratch: &mut Scratch, out: &mut Vec<Cand>) {
    scratch.caps.clear();
    scratch.caps.extend(words.toks.iter().enumerate().filter(|(_, t)| t.cap()).map(|(i, _)| i));
    if scratch.caps.is_empty() {
        // Every name starts with a capitalised word.
        return;
    }
    let initial = initial_index(words);
    place_units(words, &scratch.caps, &mut scratch.units, &mut scratch.phrase);
    chains(words, &scratch.caps, &scratch.units, &mut scratch.chains);
    for &(first, last) in &scratch.chains {
        split_titles(words, &scratch.units, first, last, initial, out);
    }
}

/// Cuts titles off a chain: `US President Donald Trump` gives `US` and the person `Donald Trump`.
fn split_titles(
    words: &Words,
    units: &[Option<usize>],
    first: usize,
    last: usize,
    initial: Option<usize>,
    out: &mut Vec<Cand>,
) {
    for p in first..last {
        if !is_title_word(words, p) {
            continue;
        }
        let next = p + 1;
        if is_title_word(words, next) || words.has(next, flag::TITLE_MODIFIER) {
            continue;
        }
        if (next..=last).any(|x| words.has(x, flag::HEAD) || words.toks[x].acronym()) || words.is_place(next, last) {
            continue;
        }
        let mut q = p;
        while q > first && (words.has(q - 1, flag::TITLE_MODIFIER) || is_title_word(words, q - 1)) {
            q -= 1;
        }
        if q > first {
            finish(words, first, q - 1, initial, None, out);
        }
        finish(words, next, last, initial, Some(EntityKind::Person), out);
        return;
    }
    // A chain that ends in a title after adjectives or places (`Kazakh President`): drop the title.
    let mut q = last + 1;
    while q > first && (is_title_word(words, q - 1) || words.has(q - 1, flag::TITLE_MODIFIER)) {
        q -= 1;
    }
    if q <= last && q > first && (first..q).all(|x| adjective_or_place(words, x)) {
        finish(words, first, q - 1, initial, None, out);
        return;
    }
    // A place followed by a name without a head (`Tajikistan Nuriddin Said`) is two names.
    let place_end = units[first].or_else(|| is_place_word(words, first).then_some(first));
    if let Some(e) = place_end {
        if e < last
            && words.toks[e + 1].gap == Gap::Space
            && !(e + 1..=last).any(|x| words.has(x, flag::HEAD) || !words.toks[x].cap())
            && !words.is_place(first, last)
        {
            finish(words, first, e, initial, None, out);
            finish(words, e + 1, last, initial, None, out);
            return;
        }
    }
    finish(words, first, last, initial, None, out);
}

/// `Russians`, `Kazakhs`: the plural of a demonym.
fn is_plural_demonym(w: &str) -> bool {
    w.strip_suffix('s').is_some_and(lexicon::is_adjective_of_place)
}

fn adjective_or_place(words: &Words, i: usize) -> bool {
    words.has(i, flag::DEMONYM | flag::PLACE_OR_ABBREVIATION)
}

/// What a sentence's bytes alone tell of the names [`candidates`] can find in it.
#[derive(Debug, PartialEq, Eq)]
enum Shortcut {
    /// None: it is all ASCII, with no capital letter and no opening bracket.
    Nothing,
    /// Only a name of its first word alone, the run of letters of this length at its start, which a space
    /// follows: it is all ASCII, with no opening bracket and no capital after its first byte. Then no word
    /// but the first is capitalised, so the only chain of capitalised words is the first word alone (a
    /// chain or a lexicon place goes on only through another capitalised word), and whether that chain
    /// makes a candidate depends on that word alone (its letters, flags and the byte before the sentence);
    /// only the kind of the candidate depends on the words after it. So [`candidates`] finds nothing in
    /// the sentence exactly when it finds nothing in its first word read as a sentence of its own.
    FirstWord(usize),
    /// Anything: the sentence is to be read whole.
    Read,
}

#[cfg(test)]
thread_local! {
    /// Set by tests to read every sentence whole, for comparing what the shortcut gives with that.
    static READ_WHOLE: Cell<bool> = const { Cell::new(false) };
}

/// [`shortcut`], or [`Shortcut::Read`] where a test asks for every sentence to be read whole.
#[inline]
fn shortcut_of(s: &[u8]) -> Shortcut {
    #[cfg(test)]
    if READ_WHOLE.with(Cell::get) {
        return Shortcut::Read;
    }
    shortcut(s)
}

/// The [`Shortcut`] of the sentence `s`, read eight bytes at a time; most sentences with a capital after
/// their first byte stop at it.
fn shortcut(s: &[u8]) -> Shortcut {
    use crate::extract::swar;
    let mut at = 0;
    while let Some(x) = swar::load(s, at) {
        if x & swar::HIGH != 0 {
            return Shortcut::Read;
        }
        let mut stop = swar::lanes_in(x, b'A', b'Z') | swar::lanes_in(x, b'(', b'(');
        if at == 0 {
            // The first byte may be a capital (an opening bracket there is caught below).
            stop &= !0x80;
        }
        if stop != 0 {
            return Shortcut::Read;
        }
        at += 8;
    }
    for (i, &b) in s.iter().enumerate().skip(at) {
        if !b.is_ascii() || b == b'(' || (i > 0 && b.is_ascii_uppercase()) {
            return Shortcut::Read;
        }
    }
    match s.first() {
        Some(b'(') => Shortcut::Read,
        Some(b) if b.is_ascii_uppercase() => {
            let len = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            if s.get(len) == Some(&b' ') {
                Shortcut::FirstWord(len)
            } else {
                Shortcut::Read
            }
        }
        _ => Shortcut::Nothing,
    }
}

/// Trims, filters and classifies one chain into a candidate.
fn finish(
    words: &Words,
    mut first: usize,
    last: usize,
    initial: Option<usize>,
    kind: Option<EntityKind>,
    out: &mut Vec<Cand>,
) {
    let mut at_start = Some(first) == initial;
    // Articles never start a name; at the start of a sentence, neither do common words.
    while first < last {
        let w = words.lower_bytes(first);
        let article = matches!(w, b"the" | b"a" | b"an");
        let f = words.flags(first);
        let common = at_start && f & flag::COMMON_WORD != 0 && f & flag::PLACE_OR_ABBREVIATION == 0;
        let month = f & flag::CALENDAR != 0;
        if !(article || common || month) {
            break;
        }
        first += 1;
        at_start = false;
    }
    if first == last && words.toks[first].gap == Gap::Dash && !words.toks[first].cap() {
        return;
    }
    // `Russian MIR`: a demonym before an acronym is not part of its name.
    if last == first + 1 && words.toks[last].acronym() && words.has(first, flag::DEMONYM) {
        first = last;
        at_start = false;
    }
    let single = first == last;
    let place = words.is_place(first, last);
    if single {
        let t = &words.toks[first];
        let w = words.lower(first);
        if w.chars().nth(1).is_none() || t.compound() || !t.cap() {
            return;
        }
        if t.acronym() {
            if common_acronym(words, first) {
                return;
            }
        } else if !place
            // The word's own flags first: they are looked up already, the plural's stem is one more lookup.
            && (words.has(
                first,
                flag::CALENDAR
                    | flag::COMMON_WORD
                    | flag::TITLE
                    | flag::ROLE
                    | flag::TITLE_MODIFIER
                    | flag::DEMONYM
                    | flag::HEAD,
            ) || words.is_plural_demonym(first))
        {
            return;
        }
    } else {
        // The word's own flags before the plural's stem, which is one more lookup.
        let all_weak = || {
            (first..=last).all(|x| {
                words.has(x, flag::DEMONYM | flag::CALENDAR | flag::TITLE_MODIFIER | flag::TITLE)
                    || words.is_plural_demonym(x)
                    || words.lower_bytes(x).iter().all(u8::is_ascii_digit)
            })
        };
        if !place && all_weak() {
            return;
        }
        let has_head = (first..=last).any(|x| words.has(x, flag::HEAD));
        if !place && !has_head && at_start && (first..=last).all(|x| words.has(x, flag::COMMON_WORD)) {
            return;
        }
    }
    let kind = if place { Some(EntityKind::Place) } else { kind.or_else(|| kind_of_non_place(words, first, last)) };
    let unconfirmed = single && at_start && !place && !words.toks[first].acronym() && kind != Some(EntityKind::Person);
    out.push(Cand { first, last, kind, unconfirmed, expansion: false });
}

/// The kind the words and their context give evidence of, if any.
fn kind_of(words: &Words, first: usize, last: usize) -> Option<EntityKind> {
    if words.is_place(first, last) {
        return Some(EntityKind::Place);
    }
    kind_of_non_place(words, first, last)
}

/// [`kind_of`] the words `first..=last` when they are known not to name a place of the lexicon.
fn kind_of_non_place(words: &Words, first: usize, last: usize) -> Option<EntityKind> {
    // The head: the word before the first `of`, `for`, `on` or `in`, else the last word.
    let mut head = last;
    for x in first + 1..=last {
        if !words.toks[x].cap() && matches!(words.lower_bytes(x), b"of" | b"for" | b"on" | b"in") {
            head = x - 1;
            break;
        }
    }
    let h = words.flags(head);
    if h & flag::STATE_HEAD != 0 && head > first && adjective_or_place(words, head - 1) {
        return Some(EntityKind::Place);
    }
    if h & (flag::ORG_HEAD | flag::STATE_HEAD) != 0 {
        return Some(EntityKind::Organization);
    }
    if h & flag::PLACE_HEAD != 0 {
        return Some(EntityKind::Place);
    }
    if h & flag::OTHER_HEAD != 0 {
        return Some(EntityKind::Other);
    }
    let toks = &words.toks;
    let n = words.n();
    let count = last - first + 1;
    if toks[first].acronym() || count > 4 {
        return None;
    }
    // A role word right before: `president Kassym-Jomart Tokayev`, `counterpart Emomali Rahmon`.
    if first > 0
        && matches!(toks[first].gap, Gap::Space | Gap::Comma)
        && !toks[first - 1].cap()
        && words.has(first - 1, flag::ROLE)
    {
        return Some(EntityKind::Person);
    }
    // An apposition or a copula with a role: `X, a professor at`, `X is the CEO of`.
    if last + 1 < n {
        let next = words.lower_bytes(last + 1);
        let copula = toks[last + 1].gap == Gap::Space && matches!(next, b"is" | b"was");
        if toks[last + 1].gap == Gap::Comma || copula {
            let from = if copula { last + 2 } else { last + 1 };
            for (x, tok) in toks.iter().enumerate().take(n.min(from + 5)).skip(from) {
                if x > from && !matches!(tok.gap, Gap::Space | Gap::Dash) {
                    break;
                }
                if words.has(x, flag::ROLE) {
                    return Some(EntityKind::Person);
                }
            }
        }
        // `Levystone observed`, `Anton Mardasov said`.
        if (2..=3).contains(&count)
            && matches!(toks[last + 1].gap, Gap::Space | Gap::Comma)
            && words.has(last + 1, flag::SPEECH_VERB)
        {
            return Some(EntityKind::Person);
        }
    }
    // `writes Stanislav Tkachenko,`.
    if (2..=3).contains(&count)
        && first > 0
        && toks[first].gap == Gap::Space
        && words.has(first - 1, flag::SPEECH_VERB)
        && (last + 1 >= n || toks[last + 1].gap != Gap::Space)
    {
        return Some(EntityKind::Person);
    }
    // `Dushanbe, Tajikistan`: a city before its country.
    if count <= 2 && last + 1 < n && toks[last + 1].gap == Gap::Comma {
        let c = last + 1;
        let after_ok = c + 1 >= n || toks[c + 1].gap != Gap::Space || !toks[c + 1].cap();
        if !toks[c].possessive() && after_ok && is_place_word(words, c) {
            return Some(EntityKind::Place);
        }
    }
    // `in Tomsk`.
    if count == 1 && first > 0 && toks[first].gap == Gap::Space && words.word(first - 1) == "in" {
        return Some(EntityKind::Place);
    }
    None
}

/// The `name` of a mention: whitespace collapsed to single spaces, curly apostrophes straightened.
pub fn display_form(surface: &str) -> String {
    let mut out = String::with_capacity(surface.len());
    display_form_into(surface, &mut out);
    out
}

/// [`display_form`] into an empty buffer.
fn display_form_into(surface: &str, out: &mut String) {
    // Most surfaces are ASCII words with single spaces between them: already their display form.
    let bytes = surface.as_bytes();
    let plain = bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
        && !bytes.windows(2).any(|w| w == b"  ")
        && bytes.iter().all(|&b| b.is_ascii() && !(b'\t'..=b'\r').contains(&b));
    if plain {
        out.push_str(surface);
        return;
    }
    // A word read across a line-end hyphen is shown whole (a plain surface has no line break).
    let surface = tokens::without_soft_breaks(surface);
    for word in surface.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            out.push(if c == '\u{2019}' || c == '\u{2018}' { '\'' } else { c });
        }
    }
}

/// The key under which two names are the same name: lower case, without a leading `the`, a trailing
/// possessive, dashes or periods, with whitespace collapsed and British spellings made American
/// (`The Organisation’s` and `organization` give the same key; so do `Co-operation` and `cooperation`,
/// `U.S.` and `US`, `North–South` and `North-South`).
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    normalize_name_into(name, &mut out);
    out
}

/// [`normalize_name`] into an empty buffer.
fn normalize_name_into(name: &str, out: &mut String) {
    for raw in name.split_whitespace() {
        // The word's key goes straight into `out`, and comes out again when it is empty or a leading `the`.
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        let start = out.len();
        key_word(raw, out);
        let word = &out[start..];
        if word.is_empty() || (before == 0 && word == "the") {
            out.truncate(before);
        }
    }
    for suffix in ["'s", "'"] {
        if out.len() > suffix.len() + 1 && out.ends_with(suffix) {
            out.truncate(out.len() - suffix.len());
            break;
        }
    }
}

/// Appends the key of one word: lower case, without dashes or periods, apostrophes straight, spelled
/// the American way.
fn key_word(raw: &str, out: &mut String) {
    let start = out.len();
    if raw.is_ascii() {
        if raw.bytes().any(|b| b == b'-' || b == b'.') {
            out.extend(raw.bytes().filter(|&b| b != b'-' && b != b'.').map(|b| b.to_ascii_lowercase() as char));
        } else {
            // Most words have neither: copied whole and lowered in place, rather than byte by byte.
            out.push_str(raw);
            if let Some(word) = out.get_mut(start..) {
                word.make_ascii_lowercase();
            }
        }
    } else {
        for c in raw.chars() {
            match c {
                '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '.' => {}
                '\u{2019}' | '\u{2018}' => out.push('\''),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    americanize_in_place(out, start);
}

/// Word-level British to American spelling for keys (never displayed): `organisation` gives
/// `organization`, `centre` gives `center`, `labour` gives `labor`, `programme` gives `program`.
fn americanize_in_place(buf: &mut String, start: usize) {
    // Each suffix below ends in one of these letters (see the test): most words are left at once.
    if !matches!(buf.as_bytes().last(), Some(b'n' | b's' | b'e' | b'd' | b'g' | b'r')) {
        return;
    }
    let n = buf[start..].chars().count();
    if n < 5 {
        return;
    }
    let replace = |buf: &mut String, from: &str, to: &str| -> bool {
        // The last byte first: most words end in none of the suffixes.
        if buf.as_bytes().last() == from.as_bytes().last() && buf[start..].ends_with(from) {
            buf.truncate(buf.len() - from.len());
            buf.push_str(to);
            true
        } else {
            false
        }
    };
    if n >= 6 {
        for (from, to) in LONG_WORD_SPELLINGS {
            if replace(buf, from, to) {
                break;
            }
        }
    }
    for (from, to) in SPELLINGS {
        if replace(buf, from, to) {
            break;
        }
    }
}

/// The British suffixes [`americanize_in_place`] spells the American way in a word of six letters or
/// more, the first that matches.
const LONG_WORD_SPELLINGS: [(&str, &str); 20] = [
    ("isation", "ization"),
    ("isations", "izations"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("fence", "fense"),
    ("licence", "license"),
    ("amme", "am"),
    ("ammes", "ams"),
    ("logue", "log"),
    ("logues", "logs"),
    ("elled", "eled"),
    ("elling", "eling"),
];

/// The British suffixes [`americanize_in_place`] spells the American way in a word of five letters or
/// more, after those of [`LONG_WORD_SPELLINGS`].
const SPELLINGS: [(&str, &str); 4] = [("tre", "ter"), ("tres", "ters"), ("bre", "ber"), ("bres", "bers")];

/// Spelling pairs that a name may be written in either way: British first, American second.
const SPELLING_PAIRS: &[(&str, &str)] = &[
    ("isation", "ization"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("centre", "center"),
    ("theatre", "theater"),
    ("metre", "meter"),
    ("fibre", "fiber"),
    ("labour", "labor"),
    ("harbour", "harbor"),
    ("neighbour", "neighbor"),
    ("honour", "honor"),
    ("colour", "color"),
    ("favour", "favor"),
    ("behaviour", "behavior"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("licence", "license"),
    ("programme", "program"),
    ("catalogue", "catalog"),
    ("dialogue", "dialog"),
    ("co-operation", "cooperation"),
    ("co-ordination", "coordination"),
];

/// The spellings a name may be written in: British and American (`Organisation`/`Organization`,
/// `Centre`/`Center`), straight and curly apostrophes, hyphen and en dash. The name itself comes first;
/// at most 16 variants are returned.
pub fn spelling_variants(name: &str) -> Vec<String> {
    const MAX: usize = 16;
    let mut out = vec![name.to_string()];
    let words: Vec<&str> = name.split(' ').collect();
    for (i, word) in words.iter().enumerate() {
        // The endings are lower-case ASCII, so they are compared ignoring ASCII case: an ASCII word needs no
        // lower-case copy, only a word that is not all ASCII does.
        let lower: Cow<str> = if word.is_ascii() { Cow::Borrowed(word) } else { Cow::Owned(word.to_lowercase()) };
        let ends_with = |from: &str| {
            lower.len() >= from.len()
                && lower.as_bytes()[lower.len() - from.len()..].eq_ignore_ascii_case(from.as_bytes())
        };
        let mut alternatives = Vec::new();
        for &(from, to, suffix_rule) in spelling_rules() {
            let matched = if suffix_rule { lower.len() >= 6 && ends_with(from) } else { ends_with(from) };
            if matched {
                // (A word whose lower-case form is longer than it may end in more than it holds.)
                let Some(cut) = word.len().checked_sub(from.len()) else { continue };
                if word.is_char_boundary(cut) {
                    let mut alt = format!("{}{}", &word[..cut], to);
                    if cut == 0 && word.chars().next().is_some_and(char::is_uppercase) {
                        alt = capitalize(&alt);
                    }
                    alternatives.push(alt);
                }
            }
        }
        for alt in alternatives {
            let snapshot: Vec<String> = out.clone();
            for existing in snapshot {
                let mut parts: Vec<&str> = existing.split(' ').collect();
                if parts.len() == words.len() {
                    parts[i] = &alt;
                    let v = parts.join(" ");
                    if !out.contains(&v) && out.len() < MAX {
                        out.push(v);
                    }
                }
            }
        }
    }
    let snapshot = out.clone();
    for v in snapshot {
        for (a, b) in [('\'', '\u{2019}'), ('\u{2019}', '\''), ('-', '\u{2013}'), ('\u{2013}', '-')] {
            if v.contains(a) {
                let alt = v.replace(a, &b.to_string());
                if !out.contains(&alt) && out.len() < MAX {
                    out.push(alt);
                }
            }
        }
    }
    out
}

/// [`SPELLING_PAIRS`] both ways, as `(from, to, suffix_rule)` in the order [`spelling_variants`] tries them:
/// British to American, then back, pair by pair. Where `suffix_rule`, the ending is a suffix (`ise`,
/// `isation`), taken only in a word of six letters or more; else (a dashed spelling, a longer ending, or
/// a whole word such as `centre` or `labour`) in a word of any length. Worked out once, not for every word
/// of every name.
fn spelling_rules() -> &'static [(&'static str, &'static str, bool)] {
    static RULES: std::sync::OnceLock<Vec<(&str, &str, bool)>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        const WHOLE_WORDS: [&str; 14] = [
            "centre", "center", "metre", "meter", "fibre", "fiber", "labour", "labor", "honour", "honor", "colour",
            "color", "favour", "favor",
        ];
        SPELLING_PAIRS
            .iter()
            .flat_map(|&(uk, us)| [(uk, us), (us, uk)])
            .map(|(from, to)| (from, to, !from.contains('-') && from.len() <= 7 && !WHOLE_WORDS.contains(&from)))
            .collect()
    })
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
