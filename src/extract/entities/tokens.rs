//! Words of one sentence, with what separates each from the one before, for name extraction.
//!
//! A word is a run of letters and digits, joined across an inner apostrophe (`O'Brien`), period
//! (`U.S`, `Amwaj.Media`), plus (`C5+1`, `BRICS+`), ampersand (`AT&T`) or dash. A trailing possessive
//! (`’s`, `'s`) is cut from the word and flagged; a trailing apostrophe (`States’`) is left outside it.
//! A dashed word is kept whole when it is one name (`Kassym-Jomart`, `North–South`, `Co-operation`) and cut
//! into its parts when a part is a place, a demonym or an acronym (`Russia-Central`, `Moscow-led`).
//! A word hyphenated across a line break (`Develop-` at a line's end, `ment` on the next) is one word where
//! the document says so (see [`soft_breaks`]): its span holds the hyphen and the break as written, and it is
//! flagged [`Tok::soft`]. Every span lies on character boundaries of the text; the scan is linear (ASCII
//! read by table lookups, the letters of a word two at a time) and allocates only the output (plus a
//! lower-case copy of the rare dashed word).

use super::lexicon;
use crate::extract::fasthash::FastSet;

/// What lies between a word and the word before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The first word of the sentence.
    Start,
    /// Whitespace only.
    Space,
    /// One period and whitespace (`Dr. Luca`, `J. Smith`).
    Period,
    /// One comma and whitespace.
    Comma,
    /// A dash inside a word that was cut into parts (`China-Europe`).
    Dash,
    /// Anything else: brackets, quotes, colons, spaced dashes, several marks.
    Other,
}

/// One word: a byte range of the text and how it attaches to the previous word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    /// Byte offsets in the text as `u32`, as in a [`Span`](crate::text::Span): a word is then 12 bytes rather
    /// than 24, and a document's words take half the memory.
    pub start: u32,
    pub end: u32,
    pub gap: Gap,
    /// What else is known of the word, as the bits [`Tok::POSSESSIVE`] to [`Tok::ASCII`] (one byte, so that
    /// making a word stores four fields rather than ten).
    bits: u8,
}

impl Tok {
    /// The word was followed by a possessive `’s`, cut from the span.
    const POSSESSIVE: u8 = 1;
    /// Some letter is upper case (the bit of [`UPPER`] among the byte classes).
    const HAS_UPPER: u8 = UPPER;
    /// Some letter is lower case (the bit of [`LOWER`] among the byte classes).
    const HAS_LOWER: u8 = LOWER;
    /// A dashed compound whose later part is lower case (`Co-operation`, `Euro-optimist`).
    const COMPOUND: u8 = 8;
    /// The first character is upper case.
    const CAP: u8 = 16;
    /// At least two letters, all upper case (`EAEU`, `BRICS+`).
    const ACRONYM: u8 = 32;
    /// The word is all ASCII.
    const ASCII: u8 = 64;
    /// The word goes on across a line-end hyphen (see [`soft_breaks`]): its text is not its letters.
    const SOFT: u8 = 128;

    #[inline]
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    /// The word was followed by a possessive `’s`, cut from the span.
    #[inline]
    pub fn possessive(&self) -> bool {
        self.bits & Tok::POSSESSIVE != 0
    }

    /// A dashed compound whose later part is lower case (`Co-operation`, `Euro-optimist`).
    #[inline]
    pub fn compound(&self) -> bool {
        self.bits & Tok::COMPOUND != 0
    }

    /// The first character is upper case.
    #[inline]
    pub fn cap(&self) -> bool {
        self.bits & Tok::CAP != 0
    }

    /// At least two letters, all upper case (`EAEU`, `BRICS+`).
    #[inline]
    pub fn acronym(&self) -> bool {
        self.bits & Tok::ACRONYM != 0
    }

    /// The word is all ASCII.
    #[inline]
    pub fn ascii(&self) -> bool {
        self.bits & Tok::ASCII != 0
    }

    /// Some letter is upper case.
    #[inline]
    pub fn has_upper(&self) -> bool {
        self.bits & Tok::HAS_UPPER != 0
    }

    /// Some letter is lower case.
    #[inline]
    pub fn has_lower(&self) -> bool {
        self.bits & Tok::HAS_LOWER != 0
    }

    /// The word goes on across a line-end hyphen (`Develop-`/`ment`): its span holds the hyphen and the line
    /// break, which [`without_soft_breaks`] takes out.
    #[inline]
    pub fn soft(&self) -> bool {
        self.bits & Tok::SOFT != 0
    }
}

/// Where a hyphen at `at` of `text` ends a line inside a word: the position of the letter the word goes on
/// with on the next line (after the line break and any spaces or tabs), if that is a small letter, of any
/// script (`ment`, `ство`).
fn soft_break_end(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'-') {
        return None;
    }
    let mut i = at + 1;
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    if bytes.get(i) != Some(&b'\n') {
        return None;
    }
    i += 1;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    let next = *bytes.get(i)?;
    let small = if next < 0x80 { next.is_ascii_lowercase() } else { char_at(text, i).is_some_and(char::is_lowercase) };
    small.then_some(i)
}

/// Whether the character that ends `text[..at]` is a letter, of any script.
fn letter_before(text: &str, at: usize) -> bool {
    match at.checked_sub(1).and_then(|b| text.as_bytes().get(b)) {
        Some(&b) if b < 0x80 => b.is_ascii_alphabetic(),
        Some(_) => text.get(..at).and_then(|head| head.chars().next_back()).is_some_and(char::is_alphabetic),
        None => false,
    }
}

/// The hyphens of `text` that end a line inside a word, which [`tokenize_into`] is to read across: a hyphen
/// after a letter at the end of a line whose next line goes on with a small letter (`Develop-`, `ment`;
/// `Министер-`, `ство`: letters of any script), where the word the two parts make without the hyphen is
/// known to the lexicon (`Turkmenistan`) or written whole elsewhere in the text, in any case
/// (`Development`). Other such hyphens stay where they are, as a compound broken at its own hyphen
/// (`Russia-`, `backed`) does not make one word. In increasing order.
pub fn soft_breaks(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    // (hyphen, the word the parts make, in lower case)
    let mut candidates: Vec<(usize, String)> = Vec::new();
    // Each hyphen before a line break, in increasing order (a search for `-\r\n` too only where there is a
    // carriage return at all).
    let crlf = memchr::memchr(b'\r', bytes).is_some();
    let mut hyphens: Vec<usize> = memchr::memmem::find_iter(bytes, b"-\n").collect();
    if crlf {
        hyphens.extend(memchr::memmem::find_iter(bytes, b"-\r\n"));
        hyphens.sort_unstable();
    }
    for at in hyphens {
        let Some(next) = soft_break_end(text, at) else { continue };
        if !letter_before(text, at) {
            continue;
        }
        let (Some(head), Some(tail)) = (text.get(..at), text.get(next..)) else { continue };
        let left = head.len() - head.trim_end_matches(char::is_alphabetic).len();
        let right = tail.len() - tail.trim_start_matches(char::is_alphabetic).len();
        let joined = [&head[at - left..], &tail[..right]].concat().to_lowercase();
        candidates.push((at, joined));
    }
    if candidates.is_empty() {
        return Vec::new();
    }
    let known = |w: &str| lexicon::flags_of_bytes(w.as_bytes()) != 0;
    // The words written whole in the text that some candidate makes (only where the lexicon does not know one).
    let wanted: FastSet<&str> = candidates.iter().map(|(_, w)| w.as_str()).filter(|w| !known(w)).collect();
    let mut written: FastSet<String> = FastSet::default();
    if !wanted.is_empty() {
        // A word all ASCII is as long as its lower-case form, so one longer than every wanted word is passed
        // over unread; lower-casing other letters may change the length in bytes.
        let longest = wanted.iter().map(|w| w.len()).max().unwrap_or(0);
        let mut word = String::with_capacity(longest);
        for run in text.split(|c: char| !c.is_alphabetic()).filter(|r| !r.is_empty()) {
            word.clear();
            if run.is_ascii() {
                if run.len() > longest {
                    continue;
                }
                word.push_str(run);
                word.make_ascii_lowercase();
            } else {
                word.extend(run.chars().flat_map(char::to_lowercase));
            }
            if wanted.contains(word.as_str()) {
                written.insert(word.clone());
            }
        }
    }
    candidates.into_iter().filter(|(_, w)| known(w) || written.contains(w)).map(|(at, _)| at).collect()
}

/// `word` without the line-end hyphens a [`Tok::soft`] word reads across (each hyphen after a letter, with
/// its line break and the spaces after it, before a small letter), as one word.
pub fn without_soft_breaks(word: &str) -> std::borrow::Cow<'_, str> {
    let bytes = word.as_bytes();
    if !bytes.contains(&b'\n') {
        return std::borrow::Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    let mut from = 0;
    let mut at = 0;
    while let Some(i) = bytes[at..].iter().position(|&b| b == b'-').map(|i| at + i) {
        match soft_break_end(word, i).filter(|_| letter_before(word, i)) {
            Some(next) => {
                out.push_str(&word[from..i]);
                from = next;
                at = next;
            }
            None => at = i + 1,
        }
    }
    out.push_str(&word[from..]);
    std::borrow::Cow::Owned(out)
}

/// The bit `bit` if `yes`, else 0.
#[inline]
fn bit_if(yes: bool, bit: u8) -> u8 {
    if yes {
        bit
    } else {
        0
    }
}

/// The character at byte `i` of `s` (a char boundary), decoded without a slice for ASCII.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        s.get(i..)?.chars().next()
    }
}

/// `char::is_alphanumeric`, quick for ASCII and for the general punctuation block (curly quotes, dashes,
/// special spaces: no letter or digit among them), which prose uses between words.
#[inline]
fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return CLASS[c as usize] & ALNUM != 0;
    }
    !('\u{2000}'..='\u{206f}').contains(&c) && c.is_alphanumeric()
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2013}')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// [`tokenize_into`] a new vector.
#[cfg(test)]
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Tok> {
    // About one word in six bytes of English prose.
    let mut toks = Vec::with_capacity((end.saturating_sub(start)) / 6 + 1);
    tokenize_into(text, start, end, &mut toks);
    toks
}

/// What [`tokenize_into`] tells of the words it found, beside the words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tokenized {
    /// An opening bracket `(` lies outside the words (which an acronym's definition needs), so that a
    /// sentence without one need not be searched for it again.
    pub bracket: bool,
    /// Some word that is not all ASCII has a capital (`Zürich`, `Россия`), so that its lower-case form is
    /// not taken to be a copy of it lowered as ASCII: most sentences have none, and their words need not
    /// be looked at for it.
    pub cased_non_ascii: bool,
    /// Some word goes on across a line-end hyphen ([`Tok::soft`]), so that its lower-case form is not the
    /// copy of its span either.
    pub soft: bool,
}

/// The words of `text[start..end]`, in order, appended to `toks`. ASCII is read by table lookups (see
/// [`alnum_run`]); other characters are decoded.
#[inline]
pub fn tokenize_into(text: &str, start: usize, end: usize, toks: &mut Vec<Tok>) -> Tokenized {
    tokenize_across(text, start, end, &[], toks)
}

/// [`tokenize_into`], reading each word across the line-end hyphens of `soft_breaks` (positions in `text`,
/// in increasing order; see [`soft_breaks`]).
// Out of line: inlined into `extract`, its loops ran short of registers and cost more instructions.
#[inline(never)]
pub fn tokenize_across(text: &str, start: usize, end: usize, soft_breaks: &[usize], toks: &mut Vec<Tok>) -> Tokenized {
    let mut bracket = false;
    let mut any_soft = false;
    // Only words of the general scan below may have a character outside ASCII.
    let mut cased_non_ascii = false;
    let Some(s) = text.get(start..end) else {
        return Tokenized::default();
    };
    let bytes = s.as_bytes();
    let mut gap = GapScan::default();
    let mut first = true;
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        let first_len = if b < 0x80 {
            let class = CLASS[b as usize];
            if class & ALNUM == 0 {
                if class & SPACE == 0 {
                    gap.see_ascii(class);
                    bracket |= class & OPEN != 0;
                }
                pos += 1;
                continue;
            }
            // Most words are plain: they need none of the general scan below.
            if let Some((word_end, classes)) = plain_ascii_word(bytes, pos, class) {
                let this_gap = if first { Gap::Start } else { gap.gap() };
                first = false;
                gap = GapScan::default();
                toks.push(ascii_tok(bytes, start, (pos, word_end), class, this_gap, false, classes));
                // Most words end at one space before another plain word: those are taken in a loop of
                // their own.
                pos = plain_run(bytes, start, word_end, toks);
                continue;
            }
            1
        } else {
            let Some(c) = char_at(s, pos) else { break };
            if !is_alphanumeric(c) {
                gap.see(c);
                pos += c.len_utf8();
                continue;
            }
            c.len_utf8()
        };
        let word_start = pos;
        let mut word_end = pos;
        // For a word all ASCII, the classes of its bytes, so that `make` need not read it again.
        let mut ascii = true;
        let mut classes = 0;
        let mut has_dash = false;
        // The word goes on across a line-end hyphen.
        let mut soft = false;
        // Letter, period, letter, period... so far (`U.S`).
        let mut dotted = true;
        // An ASCII first letter is counted with the run it starts.
        let mut letters_since_period = 0;
        if b >= 0x80 {
            ascii = false;
            word_end += first_len;
            letters_since_period = 1;
        }
        loop {
            // A run of ASCII letters and digits: each is one more letter since the last period, and two in
            // a row make the word no longer dotted. (The byte that ends the run adds no case to `classes`.)
            let mut run = 0;
            for &db in &bytes[word_end..] {
                let class = CLASS[db as usize];
                classes |= class;
                if class & ALNUM == 0 {
                    break;
                }
                run += 1;
            }
            word_end += run;
            if run > 0 {
                letters_since_period += run;
                if letters_since_period > 1 {
                    dotted = false;
                }
            }
            let Some(&db) = bytes.get(word_end) else { break };
            let d = if db < 0x80 {
                if CLASS[db as usize] & JOINER == 0 {
                    // A space or a mark that neither joins nor ends a word: most words end so.
                    break;
                }
                db as char
            } else {
                let Some(d) = char_at(s, word_end) else { break };
                if is_alphanumeric(d) {
                    ascii = false;
                    word_end += d.len_utf8();
                    letters_since_period += 1;
                    if letters_since_period > 1 {
                        dotted = false;
                    }
                    continue;
                }
                d
            };
            // A line-end hyphen inside a word the document writes whole elsewhere (never beside another dash:
            // a dashed word's parts are cut at every dash).
            if d == '-'
                && !has_dash
                && !soft_breaks.is_empty()
                && soft_breaks.binary_search(&(start + word_end)).is_ok()
            {
                if let Some(next) = soft_break_end(s, word_end) {
                    soft = true;
                    dotted = false;
                    word_end = next;
                    continue;
                }
            }
            if soft && is_dash(d) {
                // (See above: a word read across a line-end hyphen ends at a dash.)
                break;
            }
            let joiner = is_dash(d) || is_apostrophe(d) || d == '.' || d == '&' || d == '+';
            if joiner && char_at(s, word_end + d.len_utf8()).is_some_and(is_alphanumeric) {
                has_dash |= is_dash(d);
                if d == '.' {
                    letters_since_period = 0;
                } else {
                    dotted = false;
                }
                ascii &= db < 0x80;
                word_end += d.len_utf8();
                continue;
            }
            if d == '+' {
                // A trailing plus belongs to the word (`BRICS+`).
                word_end += 1;
            } else if d == '.' && dotted && word_end - word_start >= 3 {
                // The last period of a dotted abbreviation (`U.S.`).
                word_end += 1;
            }
            break;
        }
        let suffix = possessive_len(&bytes[word_start..word_end]);
        let possessive = suffix > 0;
        let trimmed = &bytes[word_start..word_end - suffix];
        let this_gap = if first { Gap::Start } else { gap.gap() };
        first = false;
        gap = GapScan::default();
        if possessive {
            // The possessive's apostrophe and `s` lie between this word and the next.
            gap.see_other();
        }
        let abs = start + word_start;
        if soft {
            let mut t = make(text, abs, abs + trimmed.len(), this_gap, possessive, false);
            t.bits |= Tok::SOFT;
            any_soft = true;
            cased_non_ascii |= !t.ascii() && t.has_upper();
            toks.push(t);
        } else if has_dash {
            let from = toks.len();
            push_dashed(text, abs, abs + trimmed.len(), this_gap, possessive, toks);
            cased_non_ascii |= toks[from..].iter().any(|t| !t.ascii() && t.has_upper());
        } else if ascii {
            // The `s` of a possessive `'s` is not part of the word.
            if possessive {
                classes = trimmed.iter().fold(0, |c, &b| c | CLASS[b as usize]);
            }
            let first_class = CLASS[b as usize];
            toks.push(ascii_tok(
                bytes,
                start,
                (word_start, word_start + trimmed.len()),
                first_class,
                this_gap,
                possessive,
                classes,
            ));
        } else {
            let t = make(text, abs, abs + trimmed.len(), this_gap, possessive, false);
            cased_non_ascii |= !t.ascii() && t.has_upper();
            toks.push(t);
        }
        pos = word_end;
    }
    Tokenized { bracket, cased_non_ascii, soft: any_soft }
}

/// Pushes the plain words (see [`plain_ascii_word`]) that follow the word ending at `end`, each after one
/// space (which makes its gap a space), and returns where the words after them are to be read from: at the
/// first byte that is no single space before a plain word, or after the space where no plain word follows
/// it (which leaves no gap but a space, as the main loop would).
#[inline(always)]
fn plain_run(bytes: &[u8], start: usize, mut end: usize, toks: &mut Vec<Tok>) -> usize {
    loop {
        if bytes.get(end) != Some(&b' ') {
            return end;
        }
        let pos = end + 1;
        // (A byte outside ASCII is of no class.)
        let class = bytes.get(pos).map_or(0, |&b| CLASS[b as usize]);
        if class & ALNUM == 0 {
            return pos;
        }
        let Some((word_end, classes)) = plain_ascii_word(bytes, pos, class) else {
            return pos;
        };
        toks.push(ascii_tok(bytes, start, (pos, word_end), class, Gap::Space, false, classes));
        end = word_end;
    }
}

/// The end of the word that starts at `pos` (an ASCII letter or digit of class `first_class`) and the
/// classes of its bytes, when the word is plain: a run of ASCII letters and digits that the byte after it
/// ends outright (the end of the sentence, an ASCII byte that joins no words, or a period after two or
/// more letters that no letter or digit follows). Such a word has no joiner, no possessive and no dotted
/// abbreviation, so the general scan would end it at the same byte. `None` leaves the word to the general
/// scan.
#[inline(always)]
fn plain_ascii_word(bytes: &[u8], pos: usize, first_class: u8) -> Option<(usize, u8)> {
    let (end, classes) = alnum_run(bytes, pos + 1);
    let classes = classes | first_class;
    // The end of the sentence, or an ASCII byte that joins no words: most words end so, and the run's
    // classes tell it without the byte being read again.
    if classes & STOP_MAY_JOIN == 0 {
        return Some((end, classes));
    }
    let ends_outright = |b: u8| b < 0x80 && CLASS[b as usize] & ALNUM == 0;
    match bytes.get(end) {
        Some(b'.') if end - pos >= 2 && bytes.get(end + 1).is_none_or(|&b| ends_outright(b)) => Some((end, classes)),
        _ => None,
    }
}

/// The end of the run of ASCII letters and digits that starts at `pos`, and the union of their classes,
/// with [`STOP_MAY_JOIN`] when the byte that ends the run joins words or is not ASCII. The bytes are read
/// two at a time, each pair looked up once in [`PAIRS`] (eight at a time from memory while there are eight).
#[inline(always)]
fn alnum_run(bytes: &[u8], pos: usize) -> (usize, u8) {
    let mut end = pos;
    let mut classes = 0;
    // Eight bytes (four pairs) at a time while there are eight: one load, and each pair cut from it.
    while let Some(chunk) = bytes.get(end..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*chunk);
        for k in 0..4 {
            let entry = PAIRS[(x >> (16 * k)) as u16 as usize];
            classes |= entry;
            if entry < FULL_PAIR {
                return (end + 2 * k + (entry >> PAIR_RUN_SHIFT) as usize, classes & !PAIR_RUN_MASK);
            }
        }
        end += 8;
    }
    // Then four bytes (two pairs) while there are four, then one pair.
    while let Some(&[a, b, c, d]) = bytes.get(end..).and_then(<[u8]>::first_chunk::<4>) {
        let first = PAIRS[u16::from_le_bytes([a, b]) as usize];
        classes |= first;
        if first < FULL_PAIR {
            return (end + (first >> PAIR_RUN_SHIFT) as usize, classes & !PAIR_RUN_MASK);
        }
        let second = PAIRS[u16::from_le_bytes([c, d]) as usize];
        classes |= second;
        end += 2 + (second >> PAIR_RUN_SHIFT) as usize;
        if second < FULL_PAIR {
            return (end, classes & !PAIR_RUN_MASK);
        }
    }
    if let Some(&pair) = bytes.get(end..).and_then(<[u8]>::first_chunk::<2>) {
        let entry = PAIRS[u16::from_le_bytes(pair) as usize];
        classes |= entry;
        end += (entry >> PAIR_RUN_SHIFT) as usize;
        if entry < FULL_PAIR {
            return (end, classes & !PAIR_RUN_MASK);
        }
    }
    // The last byte of the text alone.
    if let Some(&b) = bytes.get(end) {
        let class = CLASS[b as usize];
        if class & ALNUM != 0 {
            classes |= class;
            end += 1;
        } else if stop_may_join(b) {
            classes |= STOP_MAY_JOIN;
        }
    }
    (end, classes & !PAIR_RUN_MASK)
}

/// Where a [`PAIRS`] entry keeps its run length: the top two bits, which no class of a letter or a digit
/// uses.
const PAIR_RUN_SHIFT: u32 = 6;
const PAIR_RUN_MASK: u8 = 0b11 << PAIR_RUN_SHIFT;
/// The least entry of a pair whose two bytes both continue the run.
const FULL_PAIR: u8 = 2 << PAIR_RUN_SHIFT;

/// In the classes of a run (see [`alnum_run`]): the byte that ends the run may join two parts of a word
/// (an ASCII joiner) or is not ASCII, so that the word may go on past it. (The bit of [`JOINER`], which no
/// letter or digit has.)
const STOP_MAY_JOIN: u8 = JOINER;

/// Whether a byte that ends a run of letters and digits earns the run [`STOP_MAY_JOIN`].
const fn stop_may_join(b: u8) -> bool {
    b >= 0x80 || CLASS[b as usize] & JOINER != 0
}

/// [`STOP_MAY_JOIN`] if the byte that ends a run earns it, else 0.
const fn stop_bit(b: u8) -> u8 {
    if stop_may_join(b) {
        STOP_MAY_JOIN
    } else {
        0
    }
}

/// For two bytes `a`, `b` (the index `a | b << 8`): how many of them start a run of ASCII letters and
/// digits (0, 1 or 2, in the top two bits) and the union of those bytes' classes ([`ALNUM`], [`UPPER`],
/// [`LOWER`]) in the bits below, with [`STOP_MAY_JOIN`] when the byte that ends the run earns it.
static PAIRS: [u8; 1 << 16] = {
    let mut t = [0u8; 1 << 16];
    let mut i = 0;
    while i < 1 << 16 {
        let (a, b) = (CLASS[i & 0xff], CLASS[i >> 8]);
        let word = ALNUM | UPPER | LOWER;
        t[i] = if a & ALNUM == 0 {
            stop_bit((i & 0xff) as u8)
        } else if b & ALNUM == 0 {
            (1 << PAIR_RUN_SHIFT) | (a & word) | stop_bit((i >> 8) as u8)
        } else {
            (2 << PAIR_RUN_SHIFT) | ((a | b) & word)
        };
        i += 1;
    }
    t
};

/// The word of ASCII bytes `bytes[pos..end]`, at `base + pos` in the text, with `first_class` the class of
/// its first byte and `classes` the union of its bytes' classes (what [`make`] gives, without reading the
/// word again unless it may be an acronym, nor taking a slice of it otherwise).
#[inline(always)]
fn ascii_tok(
    bytes: &[u8],
    base: usize,
    (pos, end): (usize, usize),
    first_class: u8,
    gap: Gap,
    possessive: bool,
    classes: u8,
) -> Tok {
    // The classes' bits of capitals and small letters are the word's.
    let case = classes & (UPPER | LOWER);
    // Capitals are counted only in a word without small letters (an acronym or a number).
    let acronym = case == UPPER
        && bytes
            .get(pos..end)
            .is_some_and(|word| word.iter().filter(|&&b| CLASS[b as usize] & UPPER != 0).nth(1).is_some());
    let cap = first_class & UPPER != 0;
    let bits =
        case | Tok::ASCII | bit_if(possessive, Tok::POSSESSIVE) | bit_if(cap, Tok::CAP) | bit_if(acronym, Tok::ACRONYM);
    Tok { start: (base + pos) as u32, end: (base + end) as u32, gap, bits }
}

/// Classes of ASCII bytes: letters and digits, capitals, small letters, and the marks that may join two
/// parts of a word or end one (`-`, `'`, `.`, `&`, `+`).
const ALNUM: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const JOINER: u8 = 8;
/// What a [`GapScan`] sees: whitespace (`char::is_whitespace`), a period, a comma.
const SPACE: u8 = 16;
const PERIOD: u8 = 32;
const COMMA: u8 = 64;
/// An opening bracket `(`, which [`tokenize_into`] reports.
const OPEN: u8 = 128;
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            ALNUM | UPPER
        } else if c.is_ascii_lowercase() {
            ALNUM | LOWER
        } else if c.is_ascii_digit() {
            ALNUM
        } else if c == b'.' {
            JOINER | PERIOD
        } else if matches!(c, b'-' | b'\'' | b'&' | b'+') {
            JOINER
        } else if c == b',' {
            COMMA
        } else if c == b'(' {
            OPEN
        } else if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The length of a trailing possessive (`’s`, `'s`, `’S`, `'S`) after a non-empty stem, else 0.
fn possessive_len(word: &[u8]) -> usize {
    match word {
        [stem @ .., b'\'', b's' | b'S'] if !stem.is_empty() => 2,
        [stem @ .., 0xe2, 0x80, 0x99, b's' | b'S'] if !stem.is_empty() => 4,
        _ => 0,
    }
}

fn make(text: &str, start: usize, end: usize, gap: Gap, possessive: bool, compound: bool) -> Tok {
    let w = text.get(start..end).unwrap_or("");
    let cap = w.chars().next().is_some_and(char::is_uppercase);
    let mut upper = 0;
    let mut lower = 0;
    if w.is_ascii() {
        for b in w.bytes() {
            upper += b.is_ascii_uppercase() as u32;
            lower += b.is_ascii_lowercase() as u32;
        }
        return tok_of_counts(start, end, gap, possessive, compound, cap, true, (upper, lower));
    }
    for c in w.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    tok_of_counts(start, end, gap, possessive, compound, cap, false, (upper, lower))
}

/// The word `start..end` of [`make`], from what it found: whether the word is possessive, a compound,
/// capitalised and all ASCII, and how many of its letters are capitals and how many small.
#[allow(clippy::too_many_arguments)]
fn tok_of_counts(
    start: usize,
    end: usize,
    gap: Gap,
    possessive: bool,
    compound: bool,
    cap: bool,
    ascii: bool,
    (upper, lower): (u32, u32),
) -> Tok {
    let bits = bit_if(possessive, Tok::POSSESSIVE)
        | bit_if(compound, Tok::COMPOUND)
        | bit_if(cap, Tok::CAP)
        | bit_if(upper >= 2 && lower == 0, Tok::ACRONYM)
        | bit_if(ascii, Tok::ASCII)
        | bit_if(upper > 0, Tok::HAS_UPPER)
        | bit_if(lower > 0, Tok::HAS_LOWER);
    Tok { start: start as u32, end: end as u32, gap, bits }
}

/// Keeps a dashed word whole or cuts it into parts (see the module documentation).
fn push_dashed(text: &str, start: usize, end: usize, gap: Gap, possessive: bool, toks: &mut Vec<Tok>) {
    let word = text.get(start..end).unwrap_or("");
    // The word in lower case with every dash written `-`: a short ASCII word (most dashed words) is
    // lowered on the stack, without an allocation, and has no other dash.
    let mut buf = [0u8; 64];
    let owned;
    let lower = match buf.get_mut(..word.len()) {
        Some(out) if word.is_ascii() => {
            out.copy_from_slice(word.as_bytes());
            out.make_ascii_lowercase();
            std::str::from_utf8(out).unwrap_or_default()
        }
        _ => {
            owned = word.to_lowercase().replace(['\u{2010}', '\u{2011}', '\u{2013}'], "-");
            owned.as_str()
        }
    };
    if lexicon::is_place(lower) {
        toks.push(make(text, start, end, gap, possessive, false));
        return;
    }
    let parts = dash_parts(word, start);
    let part_is_cap =
        |(s, e): (usize, usize)| text.get(s..e).and_then(|w| w.chars().next()).is_some_and(char::is_uppercase);
    let any_known = lower.split('-').zip(parts.clone()).any(|(p, (s, e))| {
        lexicon::is_place(p)
            || lexicon::is_adjective_of_place(p)
            || make(text, s, e, Gap::Space, false, false).acronym()
    });
    let all_cap = parts.clone().all(part_is_cap);
    let first_lower = lower.split('-').next().unwrap_or("");
    let compound = parts.clone().next().is_some_and(part_is_cap)
        && parts.clone().skip(1).all(|p| !part_is_cap(p))
        && lexicon::is_hyphen_prefix(first_lower);
    if !any_known && all_cap {
        toks.push(make(text, start, end, gap, possessive, false));
    } else if !any_known && compound {
        toks.push(make(text, start, end, gap, possessive, true));
    } else {
        let mut parts = parts.enumerate().peekable();
        while let Some((i, (s, e))) = parts.next() {
            let last = parts.peek().is_none();
            if s >= e {
                continue;
            }
            let g = if i == 0 { gap } else { Gap::Dash };
            toks.push(make(text, s, e, g, possessive && last, false));
        }
    }
}

/// The parts of the dashed word `word` (at `start` in the text) between its dashes, as byte ranges of the
/// text: one more than it has dashes, empty where two dashes meet.
fn dash_parts(word: &str, start: usize) -> impl Iterator<Item = (usize, usize)> + Clone + '_ {
    let mut dashes = word.char_indices().filter(|&(_, c)| is_dash(c));
    // Where the next part starts, until the last part is given.
    let mut from = Some(0);
    std::iter::from_fn(move || {
        let s = from?;
        match dashes.next() {
            Some((i, c)) => {
                from = Some(i + c.len_utf8());
                Some((start + s, start + i))
            }
            None => {
                from = None;
                Some((start + s, start + word.len()))
            }
        }
    })
}

/// Accumulates the characters between two words into a [`Gap`]: whitespace only, then one period or one
/// comma, then anything else.
#[derive(Default)]
struct GapScan {
    /// What was seen: 0 whitespace only, 1 one period, 2 one comma, 3 anything else.
    state: u8,
}

impl GapScan {
    /// [`GapScan::see`] for an ASCII character of the given class.
    #[inline]
    fn see_ascii(&mut self, class: u8) {
        if class & SPACE != 0 {
            return;
        }
        self.state = match (self.state, class & (PERIOD | COMMA)) {
            (0, PERIOD) => 1,
            (0, COMMA) => 2,
            _ => 3,
        };
    }

    fn see(&mut self, c: char) {
        if c.is_whitespace() {
            return;
        }
        self.state = match (self.state, c) {
            (0, '.') => 1,
            (0, ',') => 2,
            _ => 3,
        };
    }

    fn see_other(&mut self) {
        self.state = 3;
    }

    fn gap(&self) -> Gap {
        [Gap::Space, Gap::Period, Gap::Comma, Gap::Other][self.state as usize & 3]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> String {
        tokenize(text, 0, text.len())
            .iter()
            .map(|t| {
                let g = match t.gap {
                    Gap::Start => "",
                    Gap::Space => " ",
                    Gap::Period => ". ",
                    Gap::Comma => ", ",
                    Gap::Dash => "~",
                    Gap::Other => "|",
                };
                format!("{g}{}{}", t.text(text), if t.possessive() { "'s" } else { "" })
            })
            .collect()
    }

    #[test]
    fn tokenize_table() {
        // (name, input, words with their gaps: " " space, ". " period, ", " comma, "~" dash, "|" other)
        let cases: &[(&str, &str, &str)] = &[
            ("plain", "Central Asia has", "Central Asia has"),
            ("possessive_curly", "Russia’s role", "Russia's|role"),
            ("possessive_straight", "Russia's role", "Russia's|role"),
            ("plural_possessive", "States’ shift", "States|shift"),
            ("inner_apostrophe", "O'zbekiston now", "O'zbekiston now"),
            ("title_period", "Dr. Luca", "Dr. Luca"),
            ("dotted_abbreviation", "the U.S. and", "the U.S. and"),
            ("hyphen_name_whole", "Kassym-Jomart Tokayev", "Kassym-Jomart Tokayev"),
            ("en_dash_name_whole", "North–South Corridor", "North–South Corridor"),
            ("dash_cut_at_place", "Russia-Central Asia", "Russia~Central Asia"),
            ("dash_cut_lower_suffix", "Moscow-led bloc", "Moscow~led bloc"),
            ("compound_kept", "Co-operation in", "Co-operation in"),
            ("place_with_dash_whole", "Guinea-Bissau is", "Guinea-Bissau is"),
            ("trailing_plus", "BRICS+ forum", "BRICS+ forum"),
            ("inner_plus", "C5+1 Summit", "C5+1 Summit"),
            ("decimal", "$3.8 billion", "3.8 billion"),
            ("brackets", "Union (EAEU)", "Union|EAEU"),
            ("comma", "Dushanbe, Tajikistan", "Dushanbe, Tajikistan"),
            ("cyrillic", "Россия и", "Россия и"),
            ("emoji", "😀 Oslo", "Oslo"),
            ("empty", "", ""),
        ];
        for &(name, input, want) in cases {
            assert_eq!(words(input), want, "{name}");
        }
    }

    #[test]
    fn plain_ascii_word_table() {
        // (name, input starting with a word, the word's end when it is plain; None leaves it to the
        // general scan)
        let cases: &[(&str, &str, Option<usize>)] = &[
            ("space", "word rest", Some(4)),
            ("end", "word", Some(4)),
            ("comma", "word, rest", Some(4)),
            ("bracket", "EAEU)", Some(4)),
            ("final_period", "word. Next", Some(4)),
            ("period_at_end", "word.", Some(4)),
            ("initial_period", "J. Smith", None),
            ("dotted", "U.S.", None),
            ("inner_period", "ab.cd", None),
            ("period_before_letter", "ab.é", None),
            ("apostrophe", "Russia's", None),
            ("curly_apostrophe", "Russia’s", None),
            ("dash", "Moscow-led", None),
            ("plus", "BRICS+", None),
            ("ampersand", "AT&T", None),
            ("letter_after", "Amwajé", None),
        ];
        for &(name, input, want) in cases {
            let bytes = input.as_bytes();
            let got = plain_ascii_word(bytes, 0, CLASS[bytes[0] as usize]).map(|(end, _)| end);
            assert_eq!(got, want, "{name}");
        }
        // The classes: capitals and small letters.
        let classes = |w: &str| plain_ascii_word(w.as_bytes(), 0, CLASS[w.as_bytes()[0] as usize]).map(|(_, c)| c);
        assert_eq!(classes("Oslo").map(|c| c & (UPPER | LOWER)), Some(UPPER | LOWER));
        assert_eq!(classes("EAEU").map(|c| c & (UPPER | LOWER)), Some(UPPER));
        assert_eq!(classes("2024").map(|c| c & (UPPER | LOWER)), Some(0));
    }

    #[test]
    fn alnum_run_agrees_with_the_byte_loop() {
        let by_bytes = |b: &[u8], pos: usize| {
            let mut end = pos;
            let mut classes = 0;
            while let Some(&c) = b.get(end) {
                if CLASS[c as usize] & ALNUM == 0 {
                    if stop_may_join(c) {
                        classes |= STOP_MAY_JOIN;
                    }
                    break;
                }
                classes |= CLASS[c as usize];
                end += 1;
            }
            (end, classes)
        };
        let mut inputs: Vec<Vec<u8>> = ["", "a", "Oslo", "EAEU)", "word1234567890 x", "abcdefgh", "Z9z.q", "Amwajé M"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        // Every byte at every position of a run of letters.
        for b in 0..=255u8 {
            for at in 0..6 {
                let mut v = b"aBcDe".to_vec();
                v[at.min(4)] = b;
                v.truncate(at.max(1));
                inputs.push(v.clone());
                v.extend_from_slice(b"fG");
                inputs.push(v);
            }
            // And in a run long enough to be read eight bytes at a time, at every lane.
            for at in 0..12 {
                let mut v = b"aBcDeFgHiJkL".to_vec();
                v[at] = b;
                inputs.push(v);
            }
        }
        for input in &inputs {
            for pos in 0..=input.len() {
                assert_eq!(alnum_run(input, pos), by_bytes(input, pos), "{input:?} from {pos}");
            }
        }
    }

    #[test]
    fn reports_an_opening_bracket() {
        // (input, whether an opening bracket lies outside the words)
        for (input, want) in
            [("Union (EAEU)", true), ("Union EAEU", false), ("(EAEU", true), ("Union [EAEU]", false), ("", false)]
        {
            assert_eq!(tokenize_into(input, 0, input.len(), &mut Vec::new()).bracket, want, "{input}");
        }
        // No word holds a `(`: the report is whether the text has one (which `extract` relies on to pass
        // over chrome without a bracket).
        for input in ["x(y", "a-(b", "O'(x", "é(", "U.S.(", "BRICS+(1)", "Russia’s(", "(", "a.b.(c", "–(", "x y"] {
            assert_eq!(tokenize_into(input, 0, input.len(), &mut Vec::new()).bracket, input.contains('('), "{input}");
        }
    }

    #[test]
    fn reports_a_capitalised_word_outside_ascii() {
        // (input, whether some word that is not all ASCII has a capital)
        for (input, want) in [
            ("Österreich is", true),
            ("in Россия", true),
            ("Zürich", true),
            ("zürich", false),
            ("Russia’s role", false),
            ("Jean-Élie", true),
            ("north–South", false),
            ("", false),
        ] {
            let mut toks = Vec::new();
            let got = tokenize_into(input, 0, input.len(), &mut toks).cased_non_ascii;
            assert_eq!(got, want, "{input}");
            assert_eq!(got, toks.iter().any(|t| !t.ascii() && t.has_upper()), "{input}");
        }
    }

    #[test]
    fn alphanumeric_shortcut_agrees() {
        for c in ('\0'..='\u{3000}').chain(['\u{1f600}', '\u{10ffff}']) {
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn flags() {
        let t = tokenize("EAEU Russia co-operation", 0, 24);
        assert!(t[0].acronym() && t[0].cap());
        assert!(!t[1].acronym() && t[1].cap());
        assert!(!t[2].cap());
        assert!(t[0].has_upper() && !t[0].has_lower());
        assert!(t[1].has_upper() && t[1].has_lower());
        assert!(!t[2].has_upper() && t[2].has_lower());
    }

    #[test]
    fn soft_breaks_are_the_line_end_hyphens_of_words_the_text_writes_whole() {
        let text = "The Asian Develop-\nment Bank met. Officials of Kyrgyz-\r\n  stan came. Russia-\nbacked \
                    forces left. The Zorbal-\nkand plan. A state-\nOwned firm. Over -\nfoo and 3-\nfold. The \
                    Asian DEVELOPMENT Bank again. Ends in Develop-";
        let at = |s: &str| text.find(s).expect("in the text") + s.find('-').expect("a hyphen");
        // `development` is written whole (in capitals) elsewhere; `kyrgyzstan` is a place of the lexicon.
        assert_eq!(soft_breaks(text), vec![at("Develop-\nment"), at("Kyrgyz-\r\n")]);
        // The lexicon knows `development` too; a word that neither the lexicon nor the text knows whole is two.
        assert_eq!(soft_breaks("The Asian Develop-\nment Bank met."), vec![17]);
        assert_eq!(soft_breaks("The Zorbal-\nkand plan. Zorbal-kand, zorbal kand."), Vec::<usize>::new());
        // Written whole elsewhere, in any case, is evidence enough.
        assert_eq!(soft_breaks("The Zorbal-\nkand plan. ZORBALKAND grew."), vec![10]);
        assert_eq!(soft_breaks("The Zorbal-\nkand plan. Zorbalkands grew."), Vec::<usize>::new());
        assert_eq!(soft_breaks("No hyphen at a line's end.\nNone."), Vec::<usize>::new());
    }

    #[test]
    fn soft_breaks_read_letters_of_any_script() {
        // Cyrillic on both sides, written whole elsewhere in another case.
        let text = "Министер-\nство энергетики. МИНИСТЕРСТВО ответило.";
        assert_eq!(soft_breaks(text), vec![text.find('-').expect("a hyphen")]);
        // A letter outside ASCII before the hyphen, or after the break.
        let text = "Die Über-\ngabe kam. Die Übergabe auch. Lo Ca-\nñón e il Cañón.";
        let hyphens: Vec<usize> = text.match_indices("-\n").map(|(i, _)| i).collect();
        assert_eq!(soft_breaks(text), hyphens);
        // Not written whole, or a capital after the break: two words.
        assert_eq!(soft_breaks("Министер-\nство энергетики."), Vec::<usize>::new());
        assert_eq!(soft_breaks("Министер-\nСтво. Министерство."), Vec::<usize>::new());
        assert_eq!(without_soft_breaks("Министер-\nство"), "Министерство");
        assert_eq!(without_soft_breaks("Über-\n  gabe"), "Übergabe");
        assert_eq!(without_soft_breaks("Ca-\nñón"), "Cañón");
        assert_eq!(without_soft_breaks("Министер-\nСтво"), "Министер-\nСтво");
    }

    #[test]
    fn without_soft_breaks_joins_what_a_line_end_hyphen_cut() {
        assert_eq!(without_soft_breaks("Develop-\nment"), "Development");
        assert_eq!(without_soft_breaks("Kyrgyz-\r\n  stan"), "Kyrgyzstan");
        assert_eq!(without_soft_breaks("Asian Develop-\n\tment Bank"), "Asian Development Bank");
        // Not a break inside a word: kept as written.
        for kept in ["Russia-backed", "state-\nOwned", "end-\n", "a -\n b", "line\nbreak"] {
            assert_eq!(without_soft_breaks(kept), kept);
        }
    }

    #[test]
    fn a_word_is_read_across_a_soft_break_only() {
        let text = "the Asian Develop-\nment Bank and Russia-\nbacked Develop-\nment-led units";
        let soft = vec![text.find("Develop-").expect("first") + 7, text.rfind("Develop-").expect("second") + 7];
        let mut toks = Vec::new();
        let found = tokenize_across(text, 0, text.len(), &soft, &mut toks);
        let words: Vec<(&str, bool)> = toks.iter().map(|t| (t.text(text), t.soft())).collect();
        assert!(found.soft);
        assert_eq!(
            words,
            vec![
                ("the", false),
                ("Asian", false),
                ("Develop-\nment", true),
                ("Bank", false),
                ("and", false),
                ("Russia", false),
                ("backed", false),
                // A word read across a break ends at a dash.
                ("Develop-\nment", true),
                ("led", false),
                ("units", false),
            ]
        );
        let develop = &toks[2];
        assert!(develop.cap() && develop.ascii() && develop.has_lower() && !develop.acronym());
        // Without the breaks, as before: the hyphen at a line's end ends the word.
        let plain: Vec<&str> = tokenize(text, 0, text.len()).iter().map(|t| t.text(text)).collect();
        assert_eq!(&plain[..5], &["the", "Asian", "Develop", "ment", "Bank"]);
        assert!(!tokenize_into(text, 0, text.len(), &mut Vec::new()).soft);
    }
}
