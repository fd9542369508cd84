//! The figure grammar: one forward pass over the bytes of a text that stops only where a figure can
//! start (an ASCII digit, a currency symbol, a word) and parses locally from there.
//!
//! The pass is linear: every local parse looks at a bounded number of words after its start (a scale
//! word, a currency, at most four words of a noun phrase) and a bounded number before it (a label, a
//! change verb), and the main loop always moves past what it looked at. Every position the pass hands out
//! is a char boundary: it cuts only before an ASCII byte, after a whole character, or at the text's ends.

use super::lexicon as lex;
use crate::extract::{swar, Symbol, Unit};
use std::borrow::Cow;

/// A figure as found, before it is given its sentence and year.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Found {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub high: Option<f64>,
    pub unit: Unit,
}

/// A four-digit number between 1900 and 2100 standing on its own: a year a figure may refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct YearMention {
    pub start: usize,
    pub end: usize,
    pub year: i32,
}

/// What one pass over a text found.
#[derive(Clone, Debug, Default)]
pub(super) struct Scanned {
    pub figures: Vec<Found>,
    pub years: Vec<YearMention>,
}

const OTHER: u8 = 0;
const DIGIT: u8 = 1;
const LETTER: u8 = 2;
const SYMBOL: u8 = 3;

/// The class of each byte for the main loop. `SYMBOL` marks `$` and the lead bytes of the two-byte and
/// three-byte sequences that hold the other currency symbols (`£ ¥` start with 0xC2, `€ ₽ ₹` with 0xE2).
static CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = if b.is_ascii_digit() {
            DIGIT
        } else if b.is_ascii_alphabetic() {
            LETTER
        } else if b == b'$' || b == 0xC2 || b == 0xE2 {
            SYMBOL
        } else {
            OTHER
        };
        i += 1;
    }
    table
};

/// Finds every figure and every year mention of `text`, in order of position, into `out` (empty).
///
/// The pass stops at the start of every run of ASCII digits, every run of ASCII letters and every byte that
/// may start a currency symbol, in order, and passes over what a figure found there covers. Every other
/// position can start nothing: a byte of no class is no figure's first, and inside a run of letters or
/// digits the byte before is a letter or digit, which no figure may follow (see [`at_digits`],
/// [`at_word`]). On x86-64 the stops are found 64 bytes at a time ([`blocks`]); elsewhere byte by byte
/// ([`bytewise`]), which the tests hold the other to.
pub(super) fn scan(text: &str, out: &mut Scanned) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code)]
    // SAFETY: `blocks::scan` needs SSE2, which the build targets (every x86-64 processor has it).
    unsafe {
        blocks::scan(text, out)
    };
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    bytewise(text, out);
}

/// [`scan`] one byte at a time: each position's class decides whether the pass stops there.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
pub(super) fn bytewise(text: &str, out: &mut Scanned) {
    let b = text.as_bytes();
    let mut i = 0;
    'bytes: while i < b.len() {
        match CLASS[b[i] as usize] {
            DIGIT => {
                let run_end = digits_end(b, i);
                i = at_digits(text, i, run_end, out).unwrap_or(run_end);
            }
            LETTER => loop {
                let end = letters_end(b, i);
                if let Some(next) = at_word(text, i, end, out) {
                    i = next;
                    continue 'bytes;
                }
                // Most words are followed by one space and another word: straight to that word (the
                // space, of no class, would only be passed over).
                if b.get(end) == Some(&b' ') && b.get(end + 1).is_some_and(u8::is_ascii_alphabetic) {
                    i = end + 1;
                    continue;
                }
                i = end;
                break;
            },
            SYMBOL => i = at_symbol(text, i, out).unwrap_or(i + 1),
            _ => i += 1,
        }
    }
}

impl Scanned {
    /// Keeps `found`, a figure the pass found from `i`, and gives where the pass goes on: after it.
    fn push_from(&mut self, i: usize, found: Found) -> usize {
        let next = found.end.max(i + 1);
        self.figures.push(found);
        next
    }
}

/// The pass at a run of digits from `i` to `run_end`: notes a year, and reads a number from there. Where it
/// finds one, the position after it. (Inside a run, or right after a letter, neither can start: the byte
/// before is alphanumeric.)
fn at_digits(text: &str, i: usize, run_end: usize, out: &mut Scanned) -> Option<usize> {
    if year_may_start(text, i) {
        note_year(text.as_bytes(), i, run_end, &mut out.years);
    }
    if !number_may_start(text, i) {
        return None;
    }
    numeric(text, i, i, None).map(|found| out.push_from(i, found))
}

/// The pass at a run of ASCII letters from `i` to `end`: a figure that starts with the word. Where it finds
/// one, the position after it. (Inside a run the byte before is a letter, so no figure starts there.)
#[inline(always)]
fn at_word(text: &str, i: usize, end: usize, out: &mut Scanned) -> Option<usize> {
    // Byte checks first, in line: most words can start no figure, and are passed over at this cost.
    if !may_start_word_figure(text.as_bytes(), i, end) {
        return None;
    }
    at_word_figure(text, i, end, out)
}

/// [`at_word`] past its first check.
#[inline(never)]
fn at_word_figure(text: &str, i: usize, end: usize, out: &mut Scanned) -> Option<usize> {
    if alnum_before(text, i) {
        return None;
    }
    word_figure(text, i, end).map(|found| out.push_from(i, found))
}

/// The pass at a byte that may start a currency symbol: a figure after the symbol. The position after the
/// figure, or after the symbol, or `None` when there is no symbol.
fn at_symbol(text: &str, i: usize, out: &mut Scanned) -> Option<usize> {
    let (code, len) = lex::currency_symbol(&text.as_bytes()[i..])?;
    if !alnum_before(text, i) {
        if let Some(found) = after_prefix(text, i, i + len, code) {
            return Some(out.push_from(i, found));
        }
    }
    Some(i + len)
}

/// [`scan`] on x86-64: the stops of each block of 64 bytes are found as bit masks with SSE2, which every
/// x86-64 processor has, and the pass goes from stop to stop. Text is mostly letters and spaces, so this
/// passes over a word in a few instructions where reading it byte by byte took tens; and it does not stop
/// at a word whose first letter starts no word figure (most small letters), which is most words. (A word
/// before `$` is a figure's start only as a currency prefix, which is in capitals: `C$`, `HK$`.)
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod blocks {
    use super::*;
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x,
    };

    /// The bytes per block: four vectors of sixteen, so that the pass's loop over a block's stops, whose
    /// count varies, ends (and its last turn is mispredicted) once every 64 bytes.
    const BLOCK: usize = 64;

    /// The bit masks of a block (bit `k` for its byte `k`).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub(super) struct Classes {
        /// ASCII letters.
        pub letters: u64,
        /// ASCII digits.
        pub digits: u64,
        /// The bytes that may start a currency symbol ([`CLASS`]'s `SYMBOL`).
        pub symbols: u64,
        /// The letters that may start a word figure: those of [`lex::may_start_word_figure_with`], every
        /// capital and `a d e f h n o q s t` (a test holds the two equal).
        pub firsts: u64,
    }

    /// Which bytes of `v` lie in `lo..=lo + span` (wrapping subtraction, then an unsigned comparison).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn in_range(v: __m128i, lo: u8, span: u8) -> __m128i {
        let off = _mm_add_epi8(v, _mm_set1_epi8(lo.wrapping_neg() as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(off, _mm_set1_epi8(span as i8)), off)
    }

    /// The [`Classes`] of sixteen bytes, in the low sixteen bits of each mask.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn classes16(bytes: &[u8; 16]) -> Classes {
        let (lo, hi) = bytes.split_at(8);
        let half = |h: &[u8]| h.first_chunk::<8>().map_or(0, |c| i64::from_le_bytes(*c));
        let v = _mm_set_epi64x(half(hi), half(lo));
        let or = |a, b| _mm_or_si128(a, b);
        let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
        let mask = |m: __m128i| _mm_movemask_epi8(m) as u16 as u64;
        // Setting bit 5 maps `A..=Z` onto `a..=z` and no other byte there.
        let letters = in_range(or(v, _mm_set1_epi8(0x20)), b'a', 25);
        let firsts = or(
            or(or(in_range(v, b'A', 25), eq(b'a')), or(in_range(v, b'd', 2), eq(b'h'))),
            or(or(in_range(v, b'n', 1), eq(b'q')), in_range(v, b's', 1)),
        );
        Classes {
            letters: mask(letters),
            digits: mask(in_range(v, b'0', 9)),
            symbols: mask(or(or(eq(b'$'), eq(0xC2)), eq(0xE2))),
            firsts: mask(firsts),
        }
    }

    /// The [`Classes`] of a block.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn classes(block: &[u8; BLOCK]) -> Classes {
        let mut all = Classes::default();
        for (n, chunk) in block.chunks_exact(16).filter_map(<[u8]>::first_chunk::<16>).enumerate() {
            let c = classes16(chunk);
            all.letters |= c.letters << (16 * n);
            all.digits |= c.digits << (16 * n);
            all.symbols |= c.symbols << (16 * n);
            all.firsts |= c.firsts << (16 * n);
        }
        all
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn scan(text: &str, out: &mut Scanned) {
        let b = text.as_bytes();
        // Where the pass goes on: stops before it are inside a figure found already.
        let mut resume = 0;
        let mut base = 0;
        let mut tail = [0u8; BLOCK];
        while base < b.len() {
            let block = match b.get(base..).and_then(<[u8]>::first_chunk::<BLOCK>) {
                Some(block) => block,
                None => {
                    // The last bytes, after zeros (of no class).
                    let rest = &b[base..];
                    tail[..rest.len()].copy_from_slice(rest);
                    &tail
                }
            };
            let Classes { letters, digits, symbols, firsts } = classes(block);
            // A run starts where the byte before is not of its class, in this block or the one before.
            let before = base.checked_sub(1).map_or(0, |p| b[p]);
            let starts = |mask: u64, carry: bool| mask & !(mask << 1 | carry as u64);
            let mut stops = starts(letters, before.is_ascii_alphabetic()) & firsts
                | starts(digits, before.is_ascii_digit())
                | symbols;
            while stops != 0 {
                let k = stops.trailing_zeros() as usize;
                stops &= stops - 1;
                let i = base + k;
                if i < resume {
                    continue;
                }
                let next = if letters >> k & 1 != 0 {
                    let run = (!(letters >> k)).trailing_zeros() as usize;
                    let end = if k + run < BLOCK { i + run } else { letters_end(b, base + BLOCK) };
                    at_word(text, i, end, out)
                } else if digits >> k & 1 != 0 {
                    let run = (!(digits >> k)).trailing_zeros() as usize;
                    let end = if k + run < BLOCK { i + run } else { digits_end(b, base + BLOCK) };
                    at_digits(text, i, end, out)
                } else {
                    at_symbol(text, i, out)
                };
                if let Some(next) = next {
                    resume = next;
                }
            }
            base = (base + BLOCK).max(resume);
        }
    }
}

/// A number written after a currency prefix (`$`, `US$`, `€`, `USD `) that ends at `after`.
fn after_prefix(text: &str, start: usize, after: usize, code: &'static str) -> Option<Found> {
    let b = text.as_bytes();
    let at = after + inline_space(b, after);
    if !b.get(at)?.is_ascii_digit() {
        return None;
    }
    numeric(text, start, at, Some(code))
}

/// A cheap necessary condition for [`word_figure`]: the word stands before `$`, or passes the lexicon's
/// gate of first letter (and its case) and last letter and length, which lets through number words and
/// capitalised words of one or three letters (`U.S.$`, `USD`).
fn may_start_word_figure(b: &[u8], start: usize, end: usize) -> bool {
    b.get(end) == Some(&b'$')
        || (lex::may_start_word_figure_with(b[start]) && lex::may_start_word_figure(&b[start..end]))
}

/// A figure that starts with a word: `US$45bn`, `USD 2.5 billion`, `five countries`, `sevenfold`,
/// `doubled`, `a thousand specialists`. `end` is the end of the run of ASCII letters at `start`.
fn word_figure(text: &str, start: usize, end: usize) -> Option<Found> {
    let b = text.as_bytes();
    let word = &text[start..end];
    if b.get(end) == Some(&b'$') {
        let code = lex::dollar_prefix(word)?;
        return after_prefix(text, start, end + 1, code);
    }
    if b[start].is_ascii_uppercase() {
        if word == "U" && text[start..].starts_with("U.S.$") {
            return after_prefix(text, start, start + 5, "USD");
        }
        if word.len() == 3 {
            if let Some(code) = lex::iso_code(word) {
                let at = end + inline_space(b, end);
                return if b.get(at).is_some_and(u8::is_ascii_digit) {
                    after_prefix(text, start, end, code)
                } else {
                    None
                };
            }
        }
    }
    if !lex::may_be_word_figure(word.as_bytes()) {
        return None;
    }
    // Lower-cased on the stack, without an allocation.
    let mut buf = [0u8; 16];
    let lower = lower_ascii(word, &mut buf);
    // The articles first: the most common words through the gate, and none of the lexicon's below.
    if lower == "a" || lower == "an" {
        return numeric(text, start, start, None);
    }
    if let Some(value) = lex::fold_word(lower).or_else(|| lex::multiplier_verb(lower)) {
        if b.get(end).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        return Some(Found { start, end, value, high: None, unit: Unit::Multiplier });
    }
    if lex::small_number(lower).is_some() {
        return numeric(text, start, start, None);
    }
    None
}

/// A parsed number: its digits as decimal text (no separators) and a power of ten to apply.
#[derive(Clone, Debug)]
struct Num {
    end: usize,
    /// The mantissa: ASCII digits with at most one `.`, which `f64::from_str` reads with an exponent
    /// appended. Kept as what it takes to write it rather than as text (see [`Num::value`]).
    mantissa: Mantissa,
    exp: i32,
    /// Written in words (`five`, `a thousand`).
    word: bool,
    /// `one` without a scale word: a figure only as a percentage or an amount of money.
    weak: bool,
    /// Four digits from 1900 to 2100 without separators or decimals: read as a year, never as a count.
    year_like: bool,
}

/// A mantissa without its text: its digits read as one integer (exact for at most 15 digits), how many
/// digits it has and how many of them follow the point, and where it is written.
#[derive(Clone, Debug)]
struct Mantissa {
    int: u64,
    digits: u32,
    frac: i32,
    /// The bytes of the text it was read from (digits, group separators and the point), or `None` for a
    /// number in words, whose mantissa is `int`.
    written: Option<(usize, usize)>,
}

impl Mantissa {
    /// Adds the ASCII digits of `d` (after the point when `frac`).
    fn push(&mut self, d: &[u8], frac: bool) {
        for &c in d {
            self.int = self.int.wrapping_mul(10).wrapping_add((c - b'0') as u64);
        }
        self.digits += d.len() as u32;
        if frac {
            self.frac += d.len() as i32;
        }
    }
}

/// The powers of ten that are exact in an `f64`.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

impl Num {
    /// The value of `{mantissa}e{exp + extra_exp}` as `f64::from_str` reads it. A mantissa of at most 15
    /// digits is an exact integer, and so is a power of ten up to 1e22: one multiplication or division of
    /// the two is then the correctly rounded value, which is what `from_str` returns too. Other numbers are
    /// written out and parsed.
    fn value(&self, b: &[u8], extra_exp: i32) -> Option<f64> {
        let m = &self.mantissa;
        let exp = self.exp + extra_exp;
        let scale = exp - m.frac;
        if m.digits <= 15 {
            if let Some(&power) = EXACT_POWERS.get(scale.unsigned_abs() as usize) {
                let int = m.int as f64;
                return Some(if scale >= 0 { int * power } else { int / power });
            }
        }
        let text: String = match m.written {
            Some((start, end)) => {
                b[start..end].iter().filter(|c| c.is_ascii_digit() || **c == b'.').map(|&c| c as char).collect()
            }
            None => m.int.to_string(),
        };
        format!("{text}e{exp}").parse::<f64>().ok().filter(|v| v.is_finite())
    }
}

/// Parses digits at `i` with `,` (or a no-break space) between groups of three and an optional decimal
/// part. Returns `None` for notations that are not one number: `1.2.3`, `2,5` read as a decimal comma.
fn parse_digits(b: &[u8], i: usize) -> Option<Num> {
    let mut j = digits_end(b, i);
    let first = j - i;
    let mut mantissa = Mantissa { int: 0, digits: 0, frac: 0, written: None };
    mantissa.push(&b[i..j], false);
    let mut grouped = false;
    if first <= 3 {
        loop {
            let sep = group_separator(&b[j..]);
            if sep == 0 {
                break;
            }
            let g = j + sep;
            if g + 3 <= b.len()
                && b[g..g + 3].iter().all(u8::is_ascii_digit)
                && !b.get(g + 3).is_some_and(u8::is_ascii_digit)
            {
                mantissa.push(&b[g..g + 3], false);
                j = g + 3;
                grouped = true;
            } else {
                break;
            }
        }
    }
    let mut decimal = false;
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        let d_end = digits_end(b, j + 1);
        mantissa.push(&b[j + 1..d_end], true);
        j = d_end;
        decimal = true;
        if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    if b.get(j) == Some(&b',') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let year_like = !grouped && !decimal && first == 4 && (1900..=2100).contains(&int_of(&b[i..i + 4]));
    mantissa.written = Some((i, j));
    Some(Num { end: j, mantissa, exp: 0, word: false, weak: false, year_like })
}

/// Parses a number written in words at `i`: `five`, `twenty-four`, `a thousand`, `two hundred million`,
/// `two dozen`. `a`, `an` and `one` need a scale word (`one` may also stand before a percent sign word).
fn parse_words(text: &str, i: usize) -> Option<Num> {
    let b = text.as_bytes();
    let end = letters_end(b, i);
    let mut buf = [0u8; 16];
    let first = lower_ascii(&text[i..end], &mut buf);
    let mut base = match first {
        "a" | "an" => 1,
        w => lex::small_number(w)?,
    };
    let article = base == 1 && first != "one";
    let mut j = end;
    if base >= 20 && base % 10 == 0 && b.get(j) == Some(&b'-') {
        let e = letters_end(b, j + 1);
        if let Some(unit) = lex::small_number(lower_ascii(&text[j + 1..e], &mut buf)).filter(|&u| u < 10) {
            base += unit;
            j = e;
        }
    }
    let mut exp = 0;
    let mut dozen = false;
    loop {
        let s = j + skip_ws(b, j);
        if s == j {
            break;
        }
        let e = letters_end(b, s);
        let w = lower_ascii(&text[s..e], &mut buf);
        match w {
            "hundred" | "thousand" | "million" | "billion" | "trillion" => exp += lex::scale_word(w).unwrap_or(0),
            "dozen" if !dozen && exp == 0 => dozen = true,
            _ => break,
        }
        j = e;
    }
    let scaled = exp > 0 || dozen;
    if article && !scaled {
        return None;
    }
    let n = if dozen { base * 12 } else { base };
    let mantissa = Mantissa { int: n, digits: n.checked_ilog10().map_or(1, |l| l + 1), frac: 0, written: None };
    Some(Num { end: j, mantissa, exp, word: true, weak: base == 1 && !scaled, year_like: false })
}

/// The high end of a range, with what the low end wrote for itself: its own scale (`$500 million-1
/// billion`) and its own percent sign (`10%-15%`).
struct HighEnd {
    num: Num,
    low_scale: Option<(i32, bool)>,
    low_percent: bool,
}

/// What follows a number: its scale and the unit it takes.
struct Tail {
    /// A scale the tail applies (`billion`, `bn`, `m`) and whether it was a single letter.
    scale: Option<(i32, bool)>,
    /// Where the number and its scale end, which is where a figure with a currency prefix ends.
    scale_end: usize,
    kind: Kind,
    end: usize,
}

enum Kind {
    Money(&'static str),
    Percent,
    Multiplier,
    Count(Symbol),
    /// Nothing that makes the number a figure, though a currency prefix still may.
    Bare,
    /// Something that makes the number part of another expression (`3-day`, `5th`, `three times` as a
    /// frequency): never a figure, even with a currency prefix where the tail says so.
    Reject,
}

/// Parses a figure whose span starts at `start` and whose (first) number starts at `at`.
fn numeric(text: &str, start: usize, at: usize, prefix: Option<&'static str>) -> Option<Found> {
    let b = text.as_bytes();
    let low = if b.get(at)?.is_ascii_digit() { parse_digits(b, at)? } else { parse_words(text, at)? };
    if prefix.is_some() && low.word {
        return None;
    }
    let mut start = start;
    let mut negative = false;
    if prefix.is_none() && !low.word {
        if let Some(sign) = minus_before(text, at) {
            start = sign;
            negative = true;
        }
    }
    if trailing_chain(b, low.end) {
        return None;
    }

    // A range: `$41-42 billion`, `10–15%`, `10%-15%`, `between 30 and 40 percent`, `$1 billion-$2 billion`.
    let mut range: Option<HighEnd> = None;
    let mut low_percent_end = None;
    if !low.word {
        let (low_scale, mut j) = own_scale(text, low.end);
        let mut low_percent = false;
        if low_scale.is_none() {
            if let Some(e) = percent_at(text, j) {
                low_percent = true;
                low_percent_end = Some(e);
                j = e;
            }
        }
        if let Some(sep_end) = range_separator(text, j, start, low_scale.is_some() || low_percent) {
            let mut h = sep_end;
            if let Some(code) = prefix {
                h = skip_same_prefix(text, h, code);
            }
            if b.get(h).is_some_and(u8::is_ascii_digit) {
                let high = parse_digits(b, h)?;
                if trailing_chain(b, high.end) {
                    return None;
                }
                range = Some(HighEnd { num: high, low_scale, low_percent });
            }
        }
    }

    let (tail_at, tail_num) = match &range {
        Some(high) => (high.num.end, &high.num),
        None => (low.end, &low),
    };
    let tail = tail(text, tail_at, start, tail_num, prefix.is_some());

    // The unit and where the figure ends.
    let (unit, end) = match (prefix, &tail.kind) {
        (Some(code), Kind::Money(suffix)) if *suffix == code => (Unit::Money(Symbol::new(code)), tail.end),
        (Some(code), _) => (Unit::Money(Symbol::new(code)), tail.scale_end),
        (None, Kind::Money(code)) => (Unit::Money(Symbol::new(code)), tail.end),
        (None, Kind::Percent) if tail.scale.is_none() => (Unit::Percent, tail.end),
        (None, Kind::Multiplier) if tail.scale.is_none() => (Unit::Multiplier, tail.end),
        (None, Kind::Count(noun)) => (Unit::Count(*noun), tail.end),
        _ => {
            // A range whose high end takes no percent sign is not a range: `10%-ish` is still `10%`.
            return percent_alone(b, &low, start, low_percent_end, negative).filter(|_| range.is_some());
        }
    };
    let single_letter = tail.scale.is_some_and(|(_, single)| single);
    let money = matches!(unit, Unit::Money(_));
    let count = matches!(unit, Unit::Count(_));
    if single_letter && !money && !count {
        return None;
    }
    if low.weak && !matches!(unit, Unit::Money(_) | Unit::Percent) {
        return None;
    }
    if (count || unit == Unit::Multiplier) && (negative || labelled(text, start)) {
        return None;
    }
    let tail_exp = tail.scale.map_or(0, |(e, _)| e);
    match range {
        None => {
            if count && low.year_like && tail.scale.is_none() {
                return None;
            }
            let value = signed(b, &low, tail_exp, negative);
            value.is_finite().then_some(Found { start, end, value, high: None, unit })
        }
        Some(HighEnd { num: high, low_scale, low_percent }) => {
            if low_percent && unit != Unit::Percent {
                return percent_alone(b, &low, start, low_percent_end, negative);
            }
            if count && (low.year_like || high.year_like) && tail.scale.is_none() {
                return None;
            }
            let low_exp = low_scale.map_or(tail_exp, |(e, _)| e);
            let lo = signed(b, &low, low_exp, negative);
            let hi = high.value(b, tail_exp)?;
            (lo.is_finite() && lo < hi).then_some(Found { start, end, value: lo, high: Some(hi), unit })
        }
    }
}

/// The low end of a failed range as a percentage on its own, when it had its own percent sign.
fn percent_alone(b: &[u8], low: &Num, start: usize, percent_end: Option<usize>, negative: bool) -> Option<Found> {
    let end = percent_end?;
    let value = signed(b, low, 0, negative);
    value.is_finite().then_some(Found { start, end, value, high: None, unit: Unit::Percent })
}

fn signed(b: &[u8], num: &Num, exp: i32, negative: bool) -> f64 {
    let v = num.value(b, exp).unwrap_or(f64::NAN);
    if negative {
        -v
    } else {
        v
    }
}

/// A scale written right after the low end of a range (`$1 billion-2 billion`, `$500m–$1bn`), and where
/// it ends; `(None, at)` when there is none.
fn own_scale(text: &str, at: usize) -> (Option<(i32, bool)>, usize) {
    let b = text.as_bytes();
    let le = letters_end(b, at);
    if le > at {
        return match lex::attached_scale(&text[at..le]) {
            Some(s) => (Some(s), le),
            None => (None, at),
        };
    }
    let s = at + inline_space(b, at);
    if s > at {
        let e = letters_end(b, s);
        if let Some(exp) = lex::scale_word(lower_ascii(&text[s..e], &mut [0; 16])) {
            // Only a scale directly followed by a range separator belongs to the low end.
            if range_separator(text, e, at, true).is_some() {
                return (Some((exp, false)), e);
            }
        }
    }
    (None, at)
}

/// The end of a range separator at `j`: a hyphen or en dash between numbers, ` and ` after `between`, or
/// ` to` after a bare low end (`10 to 15 percent`). A low end with its own unit or scale before ` to `,
/// or one after `from`, is a change rather than a range (`rose 2.5% to 3%`, `by $5 billion to $45
/// billion`, `from 30 to 40 percent`), and only its high end is read as a figure of its own.
fn range_separator(text: &str, j: usize, low_start: usize, low_has_unit: bool) -> Option<usize> {
    let b = text.as_bytes();
    let next_is_number =
        |k: usize| b.get(k).is_some_and(u8::is_ascii_digit) || lex::currency_symbol(&b[k.min(b.len())..]).is_some();
    match b.get(j)? {
        b'-' => return next_is_number(j + 1).then_some(j + 1),
        0xE2 if b[j..].starts_with("\u{2013}".as_bytes()) || b[j..].starts_with("\u{2012}".as_bytes()) => {
            return next_is_number(j + 3).then_some(j + 3)
        }
        b' ' => {}
        _ => return None,
    }
    if b[j..].starts_with(" \u{2013} ".as_bytes()) {
        return next_is_number(j + 5).then_some(j + 5);
    }
    // The word before the number, read only after a ` to ` or an ` and `: most numbers have neither after.
    let before_is =
        |word: &str| word_before(text, low_start).is_some_and(|(_, w)| lower_ascii(w, &mut [0; 16]) == word);
    if b[j..].starts_with(b" to ") && !low_has_unit && !before_is("from") && next_is_number(j + 4) {
        return Some(j + 4);
    }
    if b[j..].starts_with(b" and ") && before_is("between") && next_is_number(j + 5) {
        return Some(j + 5);
    }
    None
}

/// Skips a repeated currency prefix at the high end of a range (`$41-$42 billion`, `€1bn–€2bn`).
fn skip_same_prefix(text: &str, at: usize, code: &str) -> usize {
    let b = text.as_bytes();
    if let Some((c, len)) = lex::currency_symbol(&b[at..]) {
        if c == code {
            return at + len;
        }
    }
    let e = letters_end(b, at);
    if b.get(e) == Some(&b'$') && lex::dollar_prefix(&text[at..e]) == Some(code) {
        return e + 1;
    }
    at
}

/// Parses what follows a number at `j`: scale, then a currency, a percent sign, a multiplier, or the
/// plural noun a count counts.
fn tail(text: &str, j: usize, start: usize, num: &Num, has_prefix: bool) -> Tail {
    let b = text.as_bytes();
    let mut k = j;
    let mut scale: Option<(i32, bool)> = None;
    let reject = |k: usize| Tail { scale: None, scale_end: k, kind: Kind::Reject, end: k };

    // Letters right after the digits: a scale abbreviation, `fold`, `x`, or else an ordinal or identifier.
    let le = letters_end(b, k);
    if le > k {
        let w = &text[k..le];
        if let Some(s) = lex::attached_scale(w) {
            scale = Some(s);
            k = le;
        } else if w.eq_ignore_ascii_case("fold")
            || (w == "x" && !b.get(le).is_some_and(u8::is_ascii_alphanumeric) && !digit_after_space(b, le))
        {
            return Tail { scale: None, scale_end: k, kind: Kind::Multiplier, end: le };
        } else {
            return reject(k);
        }
        if b.get(k).is_some_and(u8::is_ascii_digit) {
            return reject(k);
        }
    }
    if b[k..].starts_with("\u{d7}".as_bytes()) && !digit_after_space(b, k + 2) {
        return Tail { scale: None, scale_end: k, kind: Kind::Multiplier, end: k + 2 };
    }
    // A hyphen then a word: `3-fold`, `62-percent`, `$5-billion`, or a compound adjective (`3-day`).
    if b.get(k) == Some(&b'-') && b.get(k + 1).is_some_and(u8::is_ascii_alphabetic) {
        let we = letters_end(b, k + 1);
        let mut buf = [0; 16];
        let w = lower_ascii(&text[k + 1..we], &mut buf);
        if w == "fold" {
            return Tail { scale: None, scale_end: k, kind: Kind::Multiplier, end: we };
        }
        if w == "percent" && scale.is_none() {
            return Tail { scale: None, scale_end: k, kind: Kind::Percent, end: we };
        }
        match lex::scale_word(w) {
            Some(exp) if scale.is_none() && !num.word && w.len() > 3 => {
                scale = Some((exp, false));
                k = we;
            }
            _ => return reject(k),
        }
    }
    // Scale words after a space: `1.5 million`, `3.8 bn`, `200 thousand`.
    if scale.is_none() && !num.word {
        let mut exp = 0;
        loop {
            let s = k + skip_ws(b, k);
            if s == k {
                break;
            }
            let e = letters_end(b, s);
            match lex::scale_word(lower_ascii(&text[s..e], &mut [0; 16])) {
                Some(x) if !b.get(e).is_some_and(u8::is_ascii_digit) => {
                    exp += x;
                    k = e;
                }
                _ => break,
            }
        }
        if exp > 0 {
            scale = Some((exp, false));
        }
    }
    let scale_end = k;
    let done = |kind: Kind, end: usize| Tail { scale, scale_end, kind, end };

    if let Some((code, end)) = currency_after(text, k) {
        return done(Kind::Money(code), end);
    }
    if has_prefix {
        return done(Kind::Bare, k);
    }
    if let Some(end) = percent_at(text, k) {
        return done(Kind::Percent, end);
    }
    // `N fold` and `N times` (a multiplier only where a comparative follows or a change verb precedes).
    let s = k + skip_ws(b, k);
    if s > k {
        let e = letters_end(b, s);
        let w = &text[s..e];
        if w == "fold" {
            return done(Kind::Multiplier, e);
        }
        if w == "times" {
            let s2 = e + skip_ws(b, e);
            let mut buf = [0; 16];
            let next = lower_ascii(&text[s2..letters_end(b, s2)], &mut buf);
            if (s2 > e && lex::is_comparative(next)) || change_verb_before(text, start) {
                return done(Kind::Multiplier, e);
            }
            return done(Kind::Reject, k);
        }
    }
    match count_noun(text, k) {
        Some((noun, end)) => done(Kind::Count(noun), end),
        None => done(Kind::Bare, k),
    }
}

/// A currency written after an amount: a symbol (`45 €`), an ISO code (`2.5 billion USD`), a noun
/// (`dollars`, `euros`, `rubles`), a qualified noun (`Canadian dollars`, `pounds sterling`).
fn currency_after(text: &str, k: usize) -> Option<(&'static str, usize)> {
    let b = text.as_bytes();
    let s = k + inline_space(b, k);
    if let Some((code, len)) = lex::currency_symbol(&b[s..]) {
        let after = s + len;
        if !b.get(after).is_some_and(u8::is_ascii_alphanumeric) && !digit_after_space(b, after) {
            return Some((code, after));
        }
        return None;
    }
    let s = k + skip_ws(b, k);
    if s == k {
        return None;
    }
    let e = letters_end(b, s);
    if e == s || b.get(e).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let word = &text[s..e];
    if let Some(code) = lex::iso_code(word) {
        return Some((code, e));
    }
    if word == "U" && text[s..].starts_with("U.S. dollar") {
        let e2 = letters_end(b, s + 5);
        return Some(("USD", e2));
    }
    let mut buf = [0; 16];
    let lower = lower_ascii(word, &mut buf);
    if let Some(code) = lex::currency_noun(lower) {
        return Some((code, e));
    }
    let (code, nouns): (&'static str, &[&str]) =
        if lower == "pound" || lower == "pounds" { ("GBP", &["sterling"]) } else { lex::dollar_qualifier(lower)? };
    let s2 = e + skip_ws(b, e);
    let e2 = letters_end(b, s2);
    let mut buf = [0; 16];
    let next = lower_ascii(&text[s2..e2], &mut buf);
    (s2 > e && nouns.contains(&next)).then_some((code, e2))
}

/// The end of a percent sign or word at `k`: `%`, ` %`, `\%`, `％`, ` percent`, ` per cent`, ` pct`.
fn percent_at(text: &str, k: usize) -> Option<usize> {
    let b = text.as_bytes();
    let rest = &b[k..];
    if rest.starts_with(b"%") {
        return Some(k + 1);
    }
    if rest.starts_with(b"\\%") {
        return Some(k + 2);
    }
    if rest.starts_with("\u{ff05}".as_bytes()) {
        return Some(k + 3);
    }
    let sp = inline_space(b, k);
    if sp > 0 && b[k + sp..].starts_with(b"%") {
        return Some(k + sp + 1);
    }
    let s = k + skip_ws(b, k);
    if s == k {
        return None;
    }
    let e = letters_end(b, s);
    // `percent`, `pct` and `per` have three or seven letters: a word of another length (most words after a
    // number) need not be lower-cased.
    if !matches!(e - s, 3 | 7) {
        return None;
    }
    match lower_ascii(&text[s..e], &mut [0; 16]) {
        "percent" | "pct" if !b.get(e).is_some_and(u8::is_ascii_digit) => Some(e),
        "per" => {
            if b.get(e) == Some(&b'-') && text[e + 1..letters_end(b, e + 1)].eq_ignore_ascii_case("cent") {
                return Some(letters_end(b, e + 1));
            }
            let s2 = e + skip_ws(b, e);
            let e2 = letters_end(b, s2);
            (s2 > e && text[s2..e2].eq_ignore_ascii_case("cent")).then_some(e2)
        }
        _ => None,
    }
}

/// The head noun of a count: the first plural noun within four words after the number, with only
/// adjectives (words that are neither function words nor plural) before it: `24,000 Tajik citizens`,
/// `five Central Asian countries`. A few measure words stay with their noun, because they change what is
/// counted: `50 basis points`, `5 percentage points`, `1.8 billion cubic metres`. Returns the noun in the singular and its end.
fn count_noun(text: &str, j: usize) -> Option<(Symbol, usize)> {
    let b = text.as_bytes();
    let mut k = j;
    // The word before, when it is one that stays with its noun.
    let mut previous: Option<&'static str> = None;
    for _ in 0..4 {
        let s = k + skip_ws(b, k);
        if s == k {
            return None;
        }
        let e = noun_end(text, s);
        if e == s || b.get(e).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let mut buf = [0; 64];
        let lower = lower_any(&text[s..e], &mut buf);
        let lower = &*lower;
        if lex::is_function_word(lower) || lex::currency_noun(lower).is_some() || lex::is_month(&text[s..e]) {
            return None;
        }
        if let Some(singular) = lex::singular_of_plural(lower) {
            // (A count's noun is always its unit: interned here, its text need not be kept.)
            let noun = match previous {
                Some(p @ ("percentage" | "basis")) if singular.is("point") => symbol_of(&[p, " point"]),
                Some(p @ ("cubic" | "square")) => symbol_of(&[p, " ", singular.stem, singular.suffix]),
                _ => symbol_of(&[singular.stem, singular.suffix]),
            };
            return Some((noun, e));
        }
        previous = match lower {
            "percentage" => Some("percentage"),
            "basis" => Some("basis"),
            "cubic" => Some("cubic"),
            "square" => Some("square"),
            _ => None,
        };
        k = e;
    }
    None
}

/// The [`Symbol`] of the text `parts` make one after another, joined on the stack when it is short (as
/// nouns are) rather than in a new string.
fn symbol_of(parts: &[&str]) -> Symbol {
    let mut buf = [0u8; 64];
    let mut len = 0;
    for part in parts {
        let Some(to) = buf.get_mut(len..len + part.len()) else {
            return Symbol::new(&parts.concat());
        };
        to.copy_from_slice(part.as_bytes());
        len += part.len();
    }
    // (Whole strings one after another make a string: the check never fails.)
    Symbol::new(std::str::from_utf8(&buf[..len]).unwrap_or_default())
}

/// True when the word before a count makes its number a label or part of a name: `Figure 3`, `page 12`,
/// `p. 5`, `Day 2`, `Boeing 737`, `May 16`. A capitalised word is fine when it is a function word or a
/// qualifier (`About 600`, `The five`) or a possessive (`Russia’s 600`).
fn labelled(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    let mut k = start;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    if k > 0 && b[k - 1] == b'.' {
        return word_ending_at(text, k - 1).is_some_and(|(_, w)| lex::is_label(lower_ascii(w, &mut [0; 16])));
    }
    let Some((_, word)) = word_before(text, start) else {
        return false;
    };
    let mut buf = [0; 64];
    let lower = lower_any(word, &mut buf);
    if lex::is_label(&lower) {
        return true;
    }
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    let possessive = lower.ends_with("'s") || lower.ends_with("\u{2019}s") || lower.ends_with("s'");
    capitalised && !possessive && !lex::is_capitalised_lead(&lower)
}

/// True when a verb of change stands before the number at `start`, past at most two qualifiers
/// (`increased almost three times`).
fn change_verb_before(text: &str, start: usize) -> bool {
    let mut at = start;
    for _ in 0..3 {
        let Some((s, w)) = word_before(text, at) else {
            return false;
        };
        let mut buf = [0; 16];
        let lower = lower_ascii(w, &mut buf);
        if lex::is_change_verb(lower) {
            return true;
        }
        if !lex::is_qualifier(lower) {
            return false;
        }
        at = s;
    }
    false
}

/// The word that ends right before `pos`, past spaces and tabs only (any other punctuation in between
/// means there is none), with its start.
fn word_before(text: &str, pos: usize) -> Option<(usize, &str)> {
    let head = text.get(..pos)?;
    let trimmed = head.trim_end_matches([' ', '\t', '\u{a0}']);
    if trimmed.len() == head.len() {
        return None;
    }
    word_ending_at(text, trimmed.len())
}

/// The word that ends exactly at `pos`, with its start: alphabetic characters of any script and inner
/// apostrophes (`Russia’s`).
fn word_ending_at(text: &str, pos: usize) -> Option<(usize, &str)> {
    let head = text.get(..pos)?;
    let word_start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic() || c == '\'' || c == '\u{2019}')
        .last()
        .map(|(i, _)| i)?;
    Some((word_start, &head[word_start..]))
}

/// Whether a number may start at the ASCII digit at `i`: not inside a word or identifier (`IT0214`,
/// `C5`, `COVID-19`), not the second part of a date, time, version or phone number (`12/05`, `10:30`,
/// `1.2`, `123-45-67`), not after `#` or `№`.
fn number_may_start(text: &str, i: usize) -> bool {
    let Some(prev) = text[..i].chars().next_back() else {
        return true;
    };
    if prev.is_alphanumeric() || prev == '_' {
        return false;
    }
    match prev {
        '.' | '/' | '\\' | '#' | '@' | '&' | '=' | '?' | '\u{2116}' | '^' => false,
        ',' | ':' | '-' | '\u{2013}' | '\u{2012}' | '\u{2010}' | '\u{2212}' | '+' | '\'' | '\u{2019}' => {
            let before = text[..i - prev.len_utf8()].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric())
        }
        _ => true,
    }
}

/// Whether a year may start at the ASCII digit at `i`: not inside a word, a decimal, a date written with
/// slashes or a grouped number (`FY2023`, `1.2023`, `12/05/2023`, `1,2023`), though a range of years
/// (`2022–2024`) gives two.
fn year_may_start(text: &str, i: usize) -> bool {
    !text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ',' | ':' | '/' | '\\' | '#'))
}

/// The position of a minus sign right before the number at `at` (`-3.5%`, `−2%`), when the sign itself
/// stands after a space, an opening bracket or the start of the text.
fn minus_before(text: &str, at: usize) -> Option<usize> {
    let head = &text[..at];
    let sign = if head.ends_with('-') {
        at - 1
    } else if head.ends_with('\u{2212}') {
        at - 3
    } else {
        return None;
    };
    match text[..sign].chars().next_back() {
        None | Some(' ' | '\t' | '\n' | '\r' | '(' | '[' | '\u{a0}') => Some(sign),
        _ => None,
    }
}

/// True when a number at `end` runs on into a chain of numbers (`123-45-67`, `2023-05-01`, `12/05`,
/// `10:30`), which is a date, a time or an identifier rather than a figure.
fn trailing_chain(b: &[u8], end: usize) -> bool {
    matches!(b.get(end), Some(b'/' | b':')) && b.get(end + 1).is_some_and(u8::is_ascii_digit)
        || b.get(end) == Some(&b'-') && b.get(end + 1).is_some_and(u8::is_ascii_digit) && {
            let e = digits_end(b, end + 1);
            b.get(e) == Some(&b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit)
        }
}

/// Records a year mention for the digit run `i..run_end` when it is four digits from 1900 to 2100
/// standing on their own (`in 2022`, `2022–2024`, `2019.`), not a part of a longer number, a slashed
/// identifier or a time (`2000/60/EC`, `2023/117`, `2000:01`).
fn note_year(b: &[u8], i: usize, run_end: usize, years: &mut Vec<YearMention>) {
    if run_end - i != 4 {
        return;
    }
    let year = int_of(&b[i..run_end]);
    if !(1900..=2100).contains(&year) {
        return;
    }
    match b.get(run_end) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'%' => return,
        Some(b'.' | b',' | b'/' | b':') if b.get(run_end + 1).is_some_and(u8::is_ascii_digit) => return,
        _ => {}
    }
    years.push(YearMention { start: i, end: run_end, year: year as i32 });
}

fn int_of(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |acc, d| acc.saturating_mul(10).saturating_add((d - b'0') as u32))
}

/// `word` in ASCII lower case: itself when it has no upper-case letter, else written into `buf`; "" for a
/// word longer than the buffer (no word of the lexicon is that long).
fn lower_ascii<'a>(word: &'a str, buf: &'a mut [u8; 16]) -> &'a str {
    let Some(out) = buf.get_mut(..word.len()) else {
        return "";
    };
    if !word.bytes().any(|b| b.is_ascii_uppercase()) {
        return word;
    }
    out.copy_from_slice(word.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).unwrap_or("")
}

/// `word.to_lowercase()`: itself when it is ASCII without an upper-case letter, written into `buf` when
/// it is ASCII and fits.
fn lower_any<'a>(word: &'a str, buf: &'a mut [u8; 64]) -> Cow<'a, str> {
    if !word.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        return Cow::Borrowed(word);
    }
    match buf.get_mut(..word.len()) {
        Some(out) if word.is_ascii() => {
            out.copy_from_slice(word.as_bytes());
            out.make_ascii_lowercase();
            Cow::Borrowed(std::str::from_utf8(out).unwrap_or_default())
        }
        _ => Cow::Owned(word.to_lowercase()),
    }
}

fn digits_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// The end of the run of ASCII letters at `i`, read eight bytes at a time: the main loop passes over
/// every word of the text here.
fn letters_end(b: &[u8], mut i: usize) -> usize {
    while let Some(x) = swar::load(b, i) {
        let others = !swar::letters(x) & swar::HIGH;
        if others != 0 {
            return i + swar::first_lane(others);
        }
        i += 8;
    }
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    i
}

/// The end of a word for a noun phrase: alphabetic characters of any script, with inner hyphens and
/// apostrophes (`non-resident`, `Russia’s`).
fn noun_end(text: &str, s: usize) -> usize {
    let mut end = s;
    let mut chars = text[s..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if c.is_alphabetic() {
            end = s + off + c.len_utf8();
        } else if matches!(c, '-' | '\'' | '\u{2019}') && end == s + off && end > s {
            if !chars.peek().is_some_and(|&(_, n)| n.is_alphabetic()) {
                break;
            }
        } else {
            break;
        }
    }
    end
}

/// True when the character before `i` is a letter or digit (so a word or number at `i` is not at a word
/// start).
fn alnum_before(text: &str, i: usize) -> bool {
    match i.checked_sub(1).map(|p| text.as_bytes()[p]) {
        None => false,
        Some(p) if p.is_ascii() => p.is_ascii_alphanumeric() || p == b'_',
        Some(_) => text.get(..i).and_then(|h| h.chars().next_back()).is_some_and(char::is_alphanumeric),
    }
}

/// The length of one space, tab or no-break space at `k` (0 when there is none).
fn inline_space(b: &[u8], k: usize) -> usize {
    match b.get(k) {
        Some(b' ' | b'\t') => 1,
        Some(0xC2) if b.get(k + 1) == Some(&0xA0) => 2,
        Some(0xE2) if b[k..].starts_with("\u{202f}".as_bytes()) || b[k..].starts_with("\u{2009}".as_bytes()) => 3,
        _ => 0,
    }
}

/// The length of the whitespace at `k` between two words of one phrase: spaces, tabs, no-break spaces
/// and at most one line break (a hard-wrapped paragraph), never a blank line.
fn skip_ws(b: &[u8], k: usize) -> usize {
    let mut j = k;
    let mut breaks = 0;
    loop {
        let sp = inline_space(b, j);
        if sp > 0 {
            j += sp;
            continue;
        }
        match b.get(j) {
            Some(b'\r') if breaks == 0 => {
                breaks += 1;
                j += if b.get(j + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            Some(b'\n') if breaks == 0 => {
                breaks += 1;
                j += 1;
            }
            _ => break,
        }
    }
    if breaks > 0 && matches!(b.get(j), Some(b'\r' | b'\n')) {
        return 0;
    }
    j - k
}

/// The length of a thousands separator at the start of `rest`: `,` or a no-break, narrow no-break or thin
/// space (0 when there is none).
fn group_separator(rest: &[u8]) -> usize {
    if rest.starts_with(b",") {
        1
    } else if rest.starts_with("\u{a0}".as_bytes()) {
        2
    } else if rest.starts_with("\u{202f}".as_bytes()) || rest.starts_with("\u{2009}".as_bytes()) {
        3
    } else {
        0
    }
}

/// True when optional spaces and then a digit follow `k` (`3x4`, `3 × 4` are dimensions, not multipliers).
fn digit_after_space(b: &[u8], k: usize) -> bool {
    let mut j = k;
    while matches!(b.get(j), Some(b' ')) {
        j += 1;
    }
    b.get(j).is_some_and(u8::is_ascii_digit)
}

#[cfg(all(test, target_arch = "x86_64", target_feature = "sse2"))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a pass found, for comparing two passes.
    fn found(pass: fn(&str, &mut Scanned), text: &str) -> (Vec<Found>, Vec<YearMention>) {
        let mut out = Scanned::default();
        pass(text, &mut out);
        (out.figures, out.years)
    }

    #[allow(unsafe_code)]
    fn by_blocks(text: &str, out: &mut Scanned) {
        // SAFETY: as in `scan`: the build targets SSE2.
        unsafe { blocks::scan(text, out) }
    }

    #[allow(unsafe_code)]
    fn classes(block: &[u8; 64]) -> blocks::Classes {
        // SAFETY: as in `scan`: the build targets SSE2.
        unsafe { blocks::classes(block) }
    }

    #[test]
    fn block_masks_agree_with_the_byte_classes() {
        // Every byte at every place of a block, among neighbours of every kind.
        for byte in 0..=255u8 {
            for fill in [0u8, b' ', b'a', b'Z', b'5', 0x80, 0xC2, 0xff] {
                for at in 0..64 {
                    let mut block = [fill; 64];
                    block[at] = byte;
                    let got = classes(&block);
                    let bits = |test: &dyn Fn(u8) -> bool| {
                        block.iter().enumerate().fold(0u64, |m, (k, &c)| if test(c) { m | 1 << k } else { m })
                    };
                    assert_eq!(got.letters, bits(&|c| c.is_ascii_alphabetic()), "{byte:#x} in {fill:#x} at {at}");
                    assert_eq!(got.digits, bits(&|c| c.is_ascii_digit()), "{byte:#x} in {fill:#x} at {at}");
                    assert_eq!(got.symbols, bits(&|c| CLASS[c as usize] == SYMBOL), "{byte:#x} in {fill:#x} at {at}");
                    // The first letters are the lexicon's own, not a guess at them: a word the pass does not
                    // stop at is one the byte-wise pass would turn away.
                    let first = |c: u8| c.is_ascii_alphabetic() && lex::may_start_word_figure_with(c);
                    assert_eq!(got.firsts & got.letters, bits(&first), "{byte:#x} in {fill:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn blocks_find_what_bytes_find_in_the_seeds_and_our_own_texts() {
        let own = ["northwind-annual-report.txt", "vell-basin-water-budget.txt"].map(|name| {
            let path = format!("{}/tests/fixtures/own-corpus-figures/{name}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
        });
        let seeds = crate::corpus::embedded::SEED_DOCUMENTS.iter().map(|&(_, text)| text.to_string());
        let mut figures = 0;
        for text in seeds.chain(own) {
            let want = found(bytewise, &text);
            assert_eq!(found(by_blocks, &text), want);
            figures += want.0.len();
        }
        assert!(figures > 50, "only {figures} figures: the texts are not what this test expects");
    }

    #[test]
    fn every_currency_prefix_starts_with_a_letter_the_blocks_stop_at() {
        // A word before `$` starts a figure only as a prefix; the pass by blocks stops only at words whose
        // first letter passes `may_start_word_figure_with`, so every prefix must start with one.
        let letters: Vec<u8> = (b'A'..=b'Z').chain(b'a'..=b'z').collect();
        let mut prefixes = 0;
        for len in 1..=3 {
            let mut word = vec![0u8; len];
            for n in 0..letters.len().pow(len as u32) {
                let mut rest = n;
                for c in word.iter_mut() {
                    *c = letters[rest % letters.len()];
                    rest /= letters.len();
                }
                let w = std::str::from_utf8(&word).unwrap_or_default();
                if lex::dollar_prefix(w).is_some() {
                    prefixes += 1;
                    assert!(lex::may_start_word_figure_with(word[0]), "{w}$");
                    let text = format!("about {w}$45 million");
                    assert_eq!(found(by_blocks, &text), found(bytewise, &text), "{text}");
                    assert_eq!(found(by_blocks, &text).0.len(), 1, "{text}");
                }
            }
        }
        assert!(prefixes >= 5, "{prefixes} prefixes");
    }

    /// Text made of the pieces figures are made of, so that the two passes meet every kind of stop in every
    /// kind of place: at block edges, inside figures, in runs longer than a block.
    fn pieces() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            " ",
            " ",
            " ",
            "\n",
            "the",
            "The",
            "figure",
            "a",
            "an",
            "A",
            "five",
            "Twenty",
            "million",
            "bn",
            "m",
            "per cent",
            "percent",
            "%",
            "$",
            "US",
            "C",
            "HK",
            "S",
            "R",
            "€",
            "£",
            "¥",
            "₽",
            "—",
            "’",
            "é",
            "Жанар",
            "45",
            "3.5",
            "1,200",
            "2024",
            "1999",
            "0",
            "-",
            ".",
            ",",
            "(",
            ")",
            "_",
            "#",
            "tenfold",
            "doubled",
            "halved",
            "USD",
            "EUR",
            "U.S.$",
            "thousand",
            "hundred",
            "of",
            "on",
            "sixty",
            "people",
            "countries",
            "tonnes",
            "year",
            "in",
            "to",
            "x",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "123456789012345678901234567890123456789012345678901234567890123456789",
        ]);
        prop::collection::vec(piece, 0..120).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn blocks_find_what_bytes_find(text in pieces()) {
            prop_assert_eq!(found(by_blocks, &text), found(bytewise, &text));
        }

        #[test]
        fn blocks_find_what_bytes_find_in_any_text(text in "\\PC{0,300}") {
            prop_assert_eq!(found(by_blocks, &text), found(bytewise, &text));
        }
    }
}
