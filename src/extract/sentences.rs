//! Sentence splitting, and telling page chrome from prose.
//!
//! A text is first cut into lines (`\n`, `\r\n` or a lone `\r`), then into blocks: a blank line, a
//! Markdown heading, a list item and a horizontal rule end a block. Consecutive lines form one block only
//! where they look hard-wrapped: every line of the run is at most 160 characters, the widest is at least 40,
//! and the lines before the last fill most of that width (for a run of two lines, the first line neither
//! ends a sentence nor reads as a title); a line is also continued by a next line that starts in lower case.
//! Otherwise every line is a block of its own, which is how web pages saved as text (one paragraph per
//! line, headings and menus on their own lines) come out right.
//!
//! Each block is split into sentences at `.`, `!`, `?` and `…` followed by whitespace and a word that does
//! not start in lower case, skipping abbreviations (`Dr.`, `U.S.`, `e.g.`, initials), decimals (`3.8`)
//! and keeping closing quotes with their sentence (`.”`). Blocks are marked as chrome by general features
//! only: generic web phrases (`Read more`, `Share`, `Skip to main content`, subscription and cookie
//! appeals; a phrase of appeals that prose says too, such as `donate` or `become a member`, only in a block
//! that reads as an appeal), all-caps lines, short bullet items and runs of three or more short lines (an
//! item that gives a number with words, as a list of figures does, is neither), lines repeated in the
//! document, lines in another script than the document's, footer lines full of separators, and the list
//! after a `Read more:`, `Related` or `Tags` heading.
//!
//! Guarantees: every span is trimmed, non-empty and on character boundaries; spans are in order and do
//! not overlap; the work is linear in the text (look-behind for abbreviations is bounded to 32 bytes).

use super::Sentence;
use crate::extract::fasthash::FastMap;
use crate::extract::reuse;
use crate::extract::swar::{lanes_in, HIGH};
use crate::text::Span;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;

/// Splits `text` into sentences and stand-alone blocks (headings, menu items), every one trimmed of
/// surrounding whitespace, each marked as prose or page chrome.
pub fn split(text: &str) -> Vec<Sentence> {
    reuse::with(&BUFFERS, |b| {
        scan_lines(text, &mut b.lines);
        group_blocks(text, &b.lines, &mut b.blocks);
        classify(text, &b.blocks, &mut b.classify);
        for (block, &is_chrome) in b.blocks.iter().zip(&b.classify.chrome) {
            split_block(text, block.span, is_chrome, &mut b.out);
        }
        // Gathered in the kept buffer and copied once, at its size, rather than grown step by step.
        b.out.to_vec()
    })
}

/// What [`split`] keeps from one document to the next (see [`reuse`]).
#[derive(Default)]
struct Buffers {
    lines: Vec<Line>,
    blocks: Vec<Block>,
    classify: Classify,
    out: Vec<Sentence>,
}

/// The buffers of [`classify`], and what it finds: whether each block is chrome.
#[derive(Default)]
struct Classify {
    /// The text in ASCII lower case.
    lower: Vec<u8>,
    /// Where the appeal phrases' patterns start in `lower` ([`AppealMatcher::places_into`]).
    appeal_places: Vec<(usize, usize)>,
    kinds: Vec<Chrome>,
    feats: Vec<Features>,
    short: Vec<bool>,
    /// A block's first characters in lower case.
    head: String,
    /// For each block, whether it is chrome.
    chrome: Vec<bool>,
}

impl reuse::Buffers for Buffers {
    fn clear(&mut self) {
        reuse::clear_vec(&mut self.lines);
        reuse::clear_vec(&mut self.blocks);
        let c = &mut self.classify;
        reuse::clear_vec(&mut c.lower);
        reuse::clear_vec(&mut c.appeal_places);
        reuse::clear_vec(&mut c.kinds);
        reuse::clear_vec(&mut c.feats);
        reuse::clear_vec(&mut c.short);
        reuse::clear_string(&mut c.head);
        reuse::clear_vec(&mut c.chrome);
        reuse::clear_vec(&mut self.out);
    }
}

thread_local! {
    static BUFFERS: reuse::Slot<Buffers> = const { std::cell::Cell::new(None) };
}

/// Lets go of the buffers this thread keeps for [`sentences`](self) (see [`crate::extract::release_buffers`]).
pub(crate) fn release_buffers() {
    reuse::release(&BUFFERS);
}

/// One line of the text, trimmed.
#[derive(Clone, Copy, Debug)]
struct Line {
    span: Span,
    chars: usize,
    blank: bool,
    bullet: bool,
    heading: bool,
    /// A row of a Markdown table (see [`table_row`]): a block of its own.
    row: bool,
}

/// The lines of `text`, into `lines` (empty).
fn scan_lines(text: &str, lines: &mut Vec<Line>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    loop {
        let (end, next) = match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(p) => {
                let at = start + p;
                let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
                (at, next)
            }
            None => (text.len(), text.len()),
        };
        lines.push(make_line(text, start, end));
        if end >= text.len() {
            break;
        }
        start = next;
    }
}

fn make_line(text: &str, start: usize, end: usize) -> Line {
    let raw = text.get(start..end).unwrap_or("");
    let (lead, trimmed) = trim(raw);
    let span = Span::new(start + lead, start + lead + trimmed.len());
    let mut chars = trimmed.chars();
    let first = chars.next();
    let second = chars.next();
    let bullet = match first {
        Some('•' | '·' | '▪' | '►' | '‣' | '◦' | '●' | '○' | '■' | '□' | '–' | '—' | '-' | '*' | '+') => {
            second.is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &trimmed[digits..];
            digits <= 3 && (rest.starts_with(". ") || rest.starts_with(") "))
        }
        _ => false,
    };
    let heading = first == Some('#') && trimmed.trim_start_matches('#').starts_with(' ');
    let rule = trimmed.len() >= 3 && trimmed.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | ' '));
    let row = table_row(trimmed);
    // The row under a table's header that aligns its columns (`|---|:--:|`) holds no text.
    let alignment = row && trimmed.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' '));
    // `trimmed.chars().count()`: the bytes that start a character, which are all but 0x80..=0xBF.
    let chars = count_bytes(trimmed.as_bytes(), |b| (b as i8) >= -0x40);
    Line { span, chars, blank: trimmed.is_empty() || rule || alignment, bullet: bullet && !rule, heading, row }
}

/// A block: one or more lines read as one piece of text.
#[derive(Clone, Copy, Debug)]
struct Block {
    span: Span,
    bullet: bool,
    heading: bool,
    /// A row of a Markdown table: its cells are content, however short, and its bars no menu's separators.
    row: bool,
}

/// Words that make a title's first line end without a sentence end (checked on lower-case words). Sorted,
/// like every [`WordTable`].
const SMALL_WORDS: WordTable = WordTable::new(&[
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "over", "per",
    "the", "to", "via", "vs", "with",
]);

/// The blocks of the `lines` of `text`, into `blocks` (empty).
fn group_blocks(text: &str, lines: &[Line], blocks: &mut Vec<Block>) {
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.blank {
            i += 1;
            continue;
        }
        if line.heading || line.row {
            blocks.push(Block { span: line.span, bullet: false, heading: line.heading, row: line.row });
            i += 1;
            continue;
        }
        // A run: this line and the following non-blank lines that are neither list items, headings nor rows
        // of a table.
        let mut j = i + 1;
        while j < lines.len() && !lines[j].blank && !lines[j].bullet && !lines[j].heading && !lines[j].row {
            j += 1;
        }
        let run = &lines[i..j];
        if is_wrapped(text, run) {
            let span = Span::new(run[0].span.start as usize, run[run.len() - 1].span.end as usize);
            blocks.push(Block { span, bullet: line.bullet, heading: false, row: false });
        } else {
            let mut k = 0;
            while k < run.len() {
                let mut end = k;
                // A line continued by a line that starts in lower case.
                while end + 1 < run.len() && continues(text, run[end], run[end + 1]) {
                    end += 1;
                }
                let span = Span::new(run[k].span.start as usize, run[end].span.end as usize);
                blocks.push(Block { span, bullet: run[k].bullet, heading: false, row: false });
                k = end + 1;
            }
        }
        i = j;
    }
}

/// Whether `next` goes on with the sentence `line` leaves open: it starts in lower case after a line of some
/// length, or after a line that ends in a word broken at a hyphen (`of Kyrgyz-`, `stan.`), however short.
fn continues(text: &str, line: Line, next: Line) -> bool {
    let a = line.span.slice(text);
    let b = next.span.slice(text);
    let hyphenated = a.strip_suffix('-').is_some_and(|w| w.ends_with(char::is_alphabetic));
    (line.chars >= 30 || hyphenated) && !ends_sentence(a) && b.chars().next().is_some_and(char::is_lowercase)
}

fn is_wrapped(text: &str, run: &[Line]) -> bool {
    let n = run.len();
    if n < 2 {
        return false;
    }
    let width = run.iter().map(|l| l.chars).max().unwrap_or(0);
    if !(40..=160).contains(&width) {
        return false;
    }
    let full = run[..n - 1].iter().filter(|l| l.chars * 10 >= width * 6).count();
    if n == 2 {
        let first = run[0].span.slice(text);
        let last_word = first.rsplit(char::is_whitespace).next().unwrap_or("");
        let open_end =
            first.ends_with([',', ';']) || with_ascii_lower(last_word, |w| SMALL_WORDS.contains(w)) == Some(true);
        return full == 1 && open_end && !title_like(first) && run[1].chars <= run[0].chars + 15;
    }
    full * 10 >= (n - 1) * 7
}

/// A line in title case: every word of letters starts in upper case, except small words.
fn title_like(line: &str) -> bool {
    let mut capitals = 0;
    for w in line.split_whitespace() {
        let Some(c) = w.chars().next() else { continue };
        if !c.is_alphabetic() {
            continue;
        }
        if c.is_uppercase() {
            capitals += 1;
        } else if !SMALL_WORDS.contains(w) {
            return false;
        }
    }
    capitals >= 2
}

/// Whether `b` is an ASCII byte that `char::is_whitespace` accepts.
fn is_ascii_whitespace(b: u8) -> bool {
    matches!(b, b' ' | 0x09..=0x0d)
}

/// `s.len() - s.trim_start().len()`: the length of the whitespace that starts `s`. Text mostly starts with
/// an ASCII byte that is no whitespace, or one space before one (after a sentence mark): those are answered
/// from the first two bytes, without decoding.
fn leading_whitespace(s: &str) -> usize {
    let solid = |b: u8| b < 0x80 && !is_ascii_whitespace(b);
    match s.as_bytes() {
        [b, ..] if solid(*b) => 0,
        [b' ', b, ..] if solid(*b) => 1,
        _ => s.len() - s.trim_start().len(),
    }
}

/// `s.trim()` and the length of the whitespace it took off the start, with the common cases (see
/// [`leading_whitespace`], and a last byte that is ASCII and no whitespace) answered from the bytes.
fn trim(s: &str) -> (usize, &str) {
    let lead = leading_whitespace(s);
    let rest = &s[lead..];
    match rest.as_bytes().last() {
        Some(&b) if b < 0x80 && !is_ascii_whitespace(b) => (lead, rest),
        _ => (lead, rest.trim_end()),
    }
}

/// Whether the text ends with a sentence end: `.`, `!`, `?` or `…`, possibly before closing quotes.
fn ends_sentence(s: &str) -> bool {
    // A last byte in ASCII that is no closing mark is the last character once the marks are trimmed.
    match s.as_bytes().last() {
        Some(&b) if b < 0x80 && !matches!(b, b'"' | b'\'' | b')' | b']' | b' ') => {
            return matches!(b, b'.' | b'!' | b'?')
        }
        _ => {}
    }
    let t = s.trim_end_matches(['"', '\'', ')', ']', '\u{201d}', '\u{2019}', '\u{bb}', ' ']);
    t.ends_with(['.', '!', '?', '\u{2026}'])
}

// ---------------------------------------------------------------------------------------------------------
// Chrome.

/// Why a block is chrome; appeals and list headings change how their neighbours are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chrome {
    No,
    Nav,
    Appeal,
    ListHeading,
}

/// Whole blocks that are chrome, compared in lower case without a leading bullet or trailing `:`/`.`.
const CHROME_LINES: WordTable = WordTable::new(&[
    "about",
    "about us",
    "accept",
    "accept all",
    "advertisement",
    "all articles",
    "archive",
    "archives",
    "audio",
    "author",
    "authors",
    "back to top",
    "click here",
    "close",
    "comment",
    "comments",
    "contact",
    "contact us",
    "continue",
    "continue reading",
    "cookie policy",
    "donate",
    "donate now",
    "email",
    "follow us",
    "further reading",
    "go to top",
    "home",
    "image",
    "latest",
    "latest news",
    "leave a comment",
    "listen",
    "load more",
    "log in",
    "log out",
    "login",
    "logout",
    "main menu",
    "menu",
    "more",
    "more from",
    "more on this topic",
    "most popular",
    "most read",
    "navigation",
    "newsletter",
    "next",
    "next article",
    "photo",
    "popular",
    "previous",
    "previous article",
    "print",
    "print this",
    "print version",
    "printable version",
    "privacy",
    "privacy policy",
    "rate count",
    "rate this article",
    "rating",
    "read also",
    "read more",
    "read next",
    "recommended",
    "register",
    "related",
    "related articles",
    "related content",
    "related contents",
    "related posts",
    "related stories",
    "search",
    "search form",
    "see also",
    "share",
    "share on facebook",
    "share on twitter",
    "share this",
    "share this article",
    "share with your friends",
    "show more",
    "sign in",
    "sign up",
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "sponsored",
    "subscribe",
    "subscribe now",
    "subscribe to newsletter",
    "support us",
    "tag",
    "tags",
    "terms",
    "terms of service",
    "terms of use",
    "toggle navigation",
    "top",
    "topics",
    "tweet",
    "video",
    "view comments",
    "you may also like",
]);

/// Headings after which a list of links follows (titles, authors, affiliations, tags).
const LIST_HEADINGS: WordTable = WordTable::new(&[
    "authors",
    "further reading",
    "latest",
    "latest news",
    "more from",
    "more on this topic",
    "most popular",
    "most read",
    "read also",
    "read more",
    "recommended",
    "related",
    "related articles",
    "related content",
    "related contents",
    "related posts",
    "related stories",
    "see also",
    "tags",
    "topics",
    "you may also like",
]);

/// Of the [`CHROME_PREFIXES`], the words that start prose too (`Copyright disputes reached the courts`,
/// `Advertisement spending grew`): they make chrome only of a block of at most eight words, or of one that
/// ends no sentence (`Copyright 2024 Basin News`, `Advertisement`).
const PROSE_PREFIXES: &[&str] = &["copyright", "advertisement", "cookie"];

/// Starts of blocks that are chrome (lower case).
const CHROME_PREFIXES: &[&str] = &[
    "tags:",
    "tag:",
    "topics:",
    "topic:",
    "filed under",
    "copyright",
    "©",
    "(c) ",
    "photo:",
    "image:",
    "photo credit",
    "image credit",
    "source:",
    "read more:",
    "read also:",
    "see also:",
    "related:",
    "share on ",
    "share this",
    "follow us",
    "sign up for",
    "subscribe to",
    "click here",
    "about the author",
    "posted in",
    "skip to",
    "advertisement",
    "cookie",
    "we use cookies",
    "this site uses",
    "this website uses",
];

/// For each byte, the [`CHROME_PREFIXES`] that start with it, as bits (bit `k` for prefix `k`): a head is
/// compared only with those that share its first byte.
const PREFIXES_BY_FIRST_BYTE: [u64; 256] = {
    assert!(CHROME_PREFIXES.len() <= 64);
    let mut t = [0u64; 256];
    let mut k = 0;
    while k < CHROME_PREFIXES.len() {
        t[CHROME_PREFIXES[k].as_bytes()[0] as usize] |= 1 << k;
        k += 1;
    }
    t
};

/// The positions of the bits set in `bits`, lowest first.
fn ones(mut bits: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let k = bits.trailing_zeros() as usize;
        bits &= bits.wrapping_sub(1);
        (k < 64).then_some(k)
    })
}

/// Phrases that make any block that holds them chrome: appeals, cookie banners, footers, disclaimers. None of
/// them is said in the prose of a report.
const APPEAL_PHRASES: &[&str] = &[
    "all rights reserved",
    "appeared first on",
    "we use cookies",
    "uses cookies",
    "accept cookies",
    "favor to ask",
    "favour to ask",
    "subscribe to our",
    "sign up for our",
    "do not necessarily reflect",
    "reader-supported",
];

/// Phrases of appeals that prose says too (`the US will donate 5 million doses`, `Uzbekistan may become a
/// member`, `a crackdown on independent journalism`): they make chrome only of a block that reads as an
/// appeal (see [`reads_as_appeal`]).
const READER_APPEAL_PHRASES: &[&str] = &[
    "cookie policy",
    "need your help",
    "your support",
    "support us",
    "please support",
    "donate",
    "newsletter",
    "views expressed",
    "independent journalism",
    "support independent",
    "privacy policy",
    "terms of use",
    "terms of service",
    "become a member",
    "make a contribution",
    "paywall",
];

/// Parts of appeal phrases that the search looks for in place of the phrases that hold them: phrases that
/// share one are found by one pattern. The searcher's cost on prose grows faster than its number of
/// patterns (more of them share its buckets and raise false candidates), so fewer patterns pay.
const APPEAL_ANCHORS: &[&str] = &["cookie", "upport", "terms of ", "to ask"];

/// Finds the appeal phrases in text in ASCII lower case (which is what matching them
/// ASCII-case-insensitively amounts to, as they are lower case): without case folding in the automaton
/// its fast prefilter applies. It searches for the [`APPEAL_ANCHORS`] and the phrases that hold none, and
/// at each place one of them starts, checks the phrases around it.
struct AppealMatcher {
    searcher: AhoCorasick,
    /// Each phrase, with its pattern (its anchor, or itself), where that starts in it, and whether it is
    /// one of the [`READER_APPEAL_PHRASES`].
    phrases: Vec<(&'static str, usize, usize, bool)>,
    /// No pattern is a prefix of another, so that at most one starts at any place: the one the search
    /// reports, whose phrases alone need checking there.
    prefix_free: bool,
}

impl AppealMatcher {
    fn new() -> AppealMatcher {
        let mut patterns: Vec<&str> = Vec::new();
        let mut phrases = Vec::new();
        let all = APPEAL_PHRASES.iter().map(|&p| (p, false)).chain(READER_APPEAL_PHRASES.iter().map(|&p| (p, true)));
        for (phrase, weak) in all {
            let (pattern, at) = APPEAL_ANCHORS
                .iter()
                .find_map(|&anchor| phrase.find(anchor).map(|at| (anchor, at)))
                .unwrap_or((phrase, 0));
            let id = patterns.iter().position(|&p| p == pattern).unwrap_or_else(|| {
                patterns.push(pattern);
                patterns.len() - 1
            });
            phrases.push((phrase, id, at, weak));
        }
        let prefix_free = patterns
            .iter()
            .enumerate()
            .all(|(i, p)| patterns.iter().enumerate().all(|(j, q)| i == j || !q.starts_with(p)));
        match AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostFirst).build(&patterns) {
            Ok(searcher) => AppealMatcher { searcher, phrases, prefix_free },
            // (Never so for these patterns; then nothing is an appeal.)
            Err(_) => AppealMatcher {
                searcher: AhoCorasick::new(["\u{0}never\u{0}"]).expect("a one-pattern automaton builds"),
                phrases: Vec::new(),
                prefix_free,
            },
        }
    }

    /// Which appeal phrases `lower` holds (see [`AppealMatcher::find_at`]).
    #[cfg(test)]
    fn find(&self, lower: &[u8]) -> Appeal {
        let mut places = Vec::new();
        self.places_into(lower, &mut places);
        self.find_at(lower, 0, &places)
    }

    /// Every place of `lower` where a pattern starts, with the pattern, in order: each search goes on from
    /// the byte after the last such place and reports the first place after it. Searched once over a whole
    /// text rather than block by block: the searcher's fast path needs a long haystack, and most blocks hold
    /// no pattern at all.
    fn places_into(&self, lower: &[u8], out: &mut Vec<(usize, usize)>) {
        let mut from = 0;
        while let Some(m) = self.searcher.find(aho_corasick::Input::new(lower).range(from..)) {
            out.push((m.start(), m.pattern().as_usize()));
            from = m.start() + 1;
        }
    }

    /// Which appeal phrases the block `lower` holds, which starts at `offset` of a text whose pattern places
    /// ([`AppealMatcher::places_into`]) include `places`. A phrase that occurs in the block has its
    /// pattern start at its offset in it, which is a place of the text; the phrases of the patterns that
    /// start at each place in the block are checked against the block alone (a place whose pattern runs
    /// past the block's end holds no phrase of the block, which would hold the pattern). It stops at the
    /// first of the [`APPEAL_PHRASES`].
    fn find_at(&self, lower: &[u8], offset: usize, places: &[(usize, usize)]) -> Appeal {
        let end = offset + lower.len();
        let first = places.partition_point(|&(at, _)| at < offset);
        let mut found = Appeal::No;
        for &(at, pattern) in places[first..].iter().take_while(|&&(at, _)| at < end) {
            let at = at - offset;
            for &(phrase, id, phrase_offset, weak) in &self.phrases {
                if self.prefix_free && id != pattern {
                    continue;
                }
                let here = at
                    .checked_sub(phrase_offset)
                    .filter(|&start| lower.get(start..).is_some_and(|s| s.starts_with(phrase.as_bytes())));
                let Some(start) = here else { continue };
                if !weak {
                    return Appeal::Strong;
                }
                let at_start = start == 0;
                found = match found {
                    Appeal::Weak { at_start: before } => Appeal::Weak { at_start: before || at_start },
                    _ => Appeal::Weak { at_start },
                };
            }
        }
        found
    }
}

/// What appeal phrases a block holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Appeal {
    No,
    /// Only [`READER_APPEAL_PHRASES`]; `at_start` when one of them starts the block.
    Weak {
        at_start: bool,
    },
    /// One of the [`APPEAL_PHRASES`].
    Strong,
}

/// Whether a block (`lower`, in ASCII lower case) that holds one of the [`READER_APPEAL_PHRASES`] reads as an
/// appeal rather than as prose: it starts with the phrase (`Donate now`, `Privacy policy`, `Views expressed
/// are the authors' own`), or it speaks to the reader (`we`, `us`, `our`, `you`, `your`) three times, as a
/// paragraph of a long appeal does, or at all in a block of at most 12 words (`Please support us`). Prose
/// that reports a donation or a membership does neither; a quotation that speaks to someone three times
/// beside such a phrase is taken for an appeal.
fn reads_as_appeal(s: &str, lower: &[u8], at_start: bool) -> bool {
    const MOST_WORDS: usize = 12;
    if at_start {
        return true;
    }
    let to_reader = lower
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| matches!(*w, b"we" | b"us" | b"our" | b"you" | b"your"))
        .take(3)
        .count();
    to_reader >= 3 || (to_reader >= 1 && words_with_alphanumerics(s, MOST_WORDS + 1) <= MOST_WORDS)
}

fn appeal_matcher() -> &'static AppealMatcher {
    static M: OnceLock<AppealMatcher> = OnceLock::new();
    M.get_or_init(AppealMatcher::new)
}

/// What the classifier measures of a block.
struct Features {
    /// The words that hold a letter or digit, counted up to [`WORDS_COUNTED`].
    words: usize,
    ends_sentence: bool,
    short: bool,
}

/// How far [`Features::words`] is counted: every rule compares it with at most 8, so a block of 9 words
/// reads as one of 900, and counting stops there rather than reading the rest of a long paragraph.
const WORDS_COUNTED: usize = 9;

fn features(s: &str) -> Features {
    let words = words_with_alphanumerics(s, WORDS_COUNTED);
    let ends = ends_sentence(s);
    Features { words, ends_sentence: ends, short: (words <= 4 && !ends) || words <= 2 }
}

/// The number of whitespace-separated words that hold a letter or a digit, as
/// `s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()` counts them, or `cap`
/// when there are at least `cap`.
///
/// A word is counted at its first letter or digit: one whose nearest earlier byte that is not punctuation
/// (neither space nor letter nor digit) is a space, or the start of the text. ASCII is read eight bytes at
/// a time (see [`ascii_first_alnums`]); other characters are decoded one by one.
fn words_with_alphanumerics(s: &str, cap: usize) -> usize {
    let b = s.as_bytes();
    let mut words = 0;
    // Whether a letter or digit here would start a word: no letter or digit since the last space.
    let mut open = true;
    let mut i = 0;
    while i < b.len() {
        let (x, n) = next_eight(&b[i..]);
        if x & HIGH == 0 {
            // Eight ASCII bytes (the zeros that pad a short tail are punctuation, which changes nothing).
            let (firsts, open_after) = ascii_first_alnums(x, open);
            words += firsts as usize;
            if words >= cap {
                return cap;
            }
            open = open_after;
            i += n;
            continue;
        }
        // The chunk holds a non-ASCII character: take the ASCII bytes before it, then the character.
        let stop = i + (x & HIGH).trailing_zeros() as usize / 8;
        while i < stop {
            match ASCII_CLASS[b[i] as usize] {
                SPACE => open = true,
                ALNUM => {
                    words += open as usize;
                    open = false;
                }
                _ => {}
            }
            i += 1;
        }
        let c = s.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
        if c.is_whitespace() {
            open = true;
        } else if !is_general_punctuation(c) && c.is_alphanumeric() {
            words += open as usize;
            open = false;
        }
        i += c.len_utf8();
        if words >= cap {
            return cap;
        }
    }
    words.min(cap)
}

/// The first eight bytes of `b` as a word (first byte lowest), zero-padded when `b` is shorter, and how
/// many of them are bytes of `b`.
fn next_eight(b: &[u8]) -> (u64, usize) {
    match b.first_chunk::<8>() {
        Some(chunk) => (u64::from_le_bytes(*chunk), 8),
        None => {
            let mut chunk = [0u8; 8];
            chunk[..b.len()].copy_from_slice(b);
            (u64::from_le_bytes(chunk), b.len())
        }
    }
}

/// For eight ASCII bytes `x` (first byte lowest), the number of letters and digits that start a word (see
/// [`words_with_alphanumerics`]) given whether one would at the first byte (`open`), and the same for the
/// byte after the eight.
fn ascii_first_alnums(x: u64, open: bool) -> (u32, bool) {
    // One bit per byte, the top bit of its lane: letters and digits, whitespace, and the rest.
    let lower = x | 0x2020_2020_2020_2020;
    let alnum = lanes_in(x, b'0', b'9') | lanes_in(lower, b'a', b'z');
    let space = lanes_in(x, 0x09, 0x0d) | lanes_in(x, b' ', b' ');
    let punct = HIGH & !alnum & !space;
    // `at[k]`: a word would start at byte k. It does after a space, and punctuation passes on what held
    // before it: at[k] = space[k-1] | (punct[k-1] & at[k-1]), a prefix computed in three doubling steps.
    let mut at = (space << 8) | if open { 0x80 } else { 0 };
    let mut pass = punct << 8;
    at |= pass & (at << 8);
    pass &= pass << 8;
    at |= pass & (at << 16);
    pass &= pass << 16;
    at |= pass & (at << 32);
    let open_after = (space | (punct & at)) >> 63 != 0;
    // The lanes' top bits summed into the top byte by one multiply (the target may lack `popcnt`).
    let firsts = (((alnum & at) >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32;
    (firsts, open_after)
}

/// `char::is_alphabetic`, without the Unicode tables for the general punctuation block.
fn is_alphabetic(c: char) -> bool {
    !is_general_punctuation(c) && c.is_alphabetic()
}

/// Whether `c` lies in the General Punctuation block (U+2000 to U+206F: spaces, dashes, curly quotes),
/// which holds no letter or digit: a test cheaper than the Unicode tables for the characters prose uses
/// most outside ASCII.
fn is_general_punctuation(c: char) -> bool {
    ('\u{2000}'..='\u{206f}').contains(&c)
}

const OTHER: u8 = 0;
const SPACE: u8 = 1;
const ALNUM: u8 = 2;

/// The class of each ASCII byte for [`words_with_alphanumerics`]: `char::is_whitespace` and
/// `char::is_alphanumeric` as they read ASCII.
static ASCII_CLASS: [u8; 128] = {
    let mut table = [OTHER; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        table[i] = if b.is_ascii_whitespace() || b == 0x0b {
            SPACE
        } else if b.is_ascii_alphanumeric() {
            ALNUM
        } else {
            OTHER
        };
        i += 1;
    }
    table
};

/// The length of the runs [`count_bytes`] counts into a byte: at most 255, and a multiple of the 64 bytes
/// the compiler's vector loop takes at a time, so that no run ends in a scalar remainder but the last.
const COUNT_RUN: usize = 192;

/// How many bytes of `bytes` satisfy `test`, counted in runs of [`COUNT_RUN`] into a byte, which the
/// compiler turns into vector instructions.
fn count_bytes(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    bytes.chunks(COUNT_RUN).map(|chunk| chunk.iter().fold(0u8, |n, &b| n + test(b) as u8) as usize).sum()
}

/// Whether more than `n` bytes of `bytes` satisfy `test`, counted as [`count_bytes`] does but only until
/// the answer is known.
fn more_bytes_than(bytes: &[u8], n: usize, test: impl Fn(u8) -> bool) -> bool {
    let mut seen = 0;
    for chunk in bytes.chunks(COUNT_RUN) {
        seen += chunk.iter().fold(0u8, |k, &b| k + test(b) as u8) as usize;
        if seen > n {
            return true;
        }
    }
    false
}

/// Calls `f` with every letter of `s` outside ASCII ([`is_alphabetic`]), passing over ASCII many bytes at
/// a time, and over the General Punctuation block (curly quotes, dashes: most characters outside ASCII
/// in prose, and no letters) by its bytes, without decoding.
fn for_each_other_letter(s: &str, mut f: impl FnMut(char)) {
    const HIGH16: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        // Thirty-two ASCII bytes at a time (two halves or-ed together), then sixteen; in the sixteen that
        // hold another character, straight to its first byte (the bytes before it are ASCII, so it starts
        // a character).
        while let Some((lo, hi)) = b.get(i..).and_then(<[u8]>::first_chunk::<32>).map(|c| c.split_at(16)) {
            let half = |h: &[u8]| <[u8; 16]>::try_from(h).map_or(HIGH16, u128::from_le_bytes);
            if (half(lo) | half(hi)) & HIGH16 != 0 {
                break;
            }
            i += 32;
        }
        while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<16>) {
            let high = u128::from_le_bytes(*chunk) & HIGH16;
            if high != 0 {
                i += high.trailing_zeros() as usize / 8;
                break;
            }
            i += 16;
        }
        // Fewer than sixteen bytes from the end: one at a time.
        while b.get(i).is_some_and(u8::is_ascii) {
            i += 1;
        }
        // U+2000 to U+206F are E2 80 80 to E2 81 AF.
        if let Some(&[0xE2, second, third]) = b.get(i..).and_then(<[u8]>::first_chunk::<3>) {
            if second == 0x80 || (second == 0x81 && third <= 0xAF) {
                i += 3;
                continue;
            }
        }
        let Some(c) = s.get(i..).and_then(|rest| rest.chars().next()) else { break };
        if is_alphabetic(c) {
            f(c);
        }
        i += c.len_utf8();
    }
}

/// The block's text in lower case without a bullet and trailing punctuation, for short blocks only,
/// handed to `f` when it is ASCII (as every phrase of the tables it is looked up in is) and one of
/// `tables` may hold it (`None` otherwise).
fn with_phrase<R>(s: &str, tables: &[&WordTable], f: impl FnOnce(&str) -> R) -> Option<R> {
    if s.len() > 80 {
        return None;
    }
    // Most text starts with an ASCII byte that is no bullet: nothing to trim.
    let t = match s.as_bytes().first() {
        Some(&b) if b < 0x80 && !matches!(b, b'-' | b'*' | b'+' | b' ') => s,
        _ => s.trim_start_matches(['•', '·', '▪', '►', '‣', '◦', '●', '-', '*', '+', ' ']),
    };
    let t = t.trim_end_matches([':', '.', '!', '›', '»', '>', ' ', '\u{a0}', '…']);
    if !may_hold_lowered(tables, t) {
        return None;
    }
    with_ascii_lower(t, f)
}

/// `word.to_lowercase()` handed to `f` when it is ASCII, as every word of the tables here is; `None`
/// when it is not. A short ASCII word is lowered on the stack, and a word with another character than
/// the Kelvin sign (the only one whose lower case is ASCII) is not lowered at all.
fn with_ascii_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
    let mut buf = [0u8; 80];
    match buf.get_mut(..word.len()) {
        Some(out) if word.is_ascii() => {
            out.copy_from_slice(word.as_bytes());
            out.make_ascii_lowercase();
            Some(f(std::str::from_utf8(out).unwrap_or_default()))
        }
        _ if word.is_ascii() || word.contains(KELVIN) => {
            let lower = word.to_lowercase();
            lower.is_ascii().then(|| f(&lower))
        }
        _ => None,
    }
}

/// The one non-ASCII character whose lower case is ASCII (`k`).
const KELVIN: char = '\u{212a}';

/// A sorted table of lower-case ASCII words, with a gate that rejects most other words before the search:
/// for each first letter (and one slot for any other first byte), the set of lengths of its words. Words
/// looked up here are mostly not in the table, and most of those fail the gate.
struct WordTable {
    words: &'static [&'static str],
    gate: [u32; 27],
}

impl WordTable {
    const fn new(words: &'static [&'static str]) -> WordTable {
        let mut gate = [0u32; 27];
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_bytes();
            assert!(!w.is_empty() && w.len() < 32, "table words have 1 to 31 bytes");
            gate[gate_slot(w[0])] |= 1 << w.len();
            i += 1;
        }
        WordTable { words, gate }
    }

    /// Whether the table holds `word` (compared as it is, so a word meant to match in any case is passed
    /// lowered).
    fn contains(&self, word: &str) -> bool {
        self.gate_passes(word.as_bytes().first().copied(), word.len()) && self.words.binary_search(&word).is_ok()
    }

    fn gate_passes(&self, first: Option<u8>, len: usize) -> bool {
        first.is_some_and(|b| len < 32 && self.gate[gate_slot(b)] & (1 << len) != 0)
    }
}

/// Whether one of `tables` may hold `word` in lower case: `false` rules it out without lowering it. The
/// word is read once for all the tables.
fn may_hold_lowered(tables: &[&WordTable], word: &str) -> bool {
    // Lowering other characters than ASCII may change the length (the Kelvin sign becomes `k`).
    if !word.is_ascii() {
        return !tables.is_empty();
    }
    let first = word.as_bytes().first().map(u8::to_ascii_lowercase);
    tables.iter().any(|table| table.gate_passes(first, word.len()))
}

/// The slot of a word's first byte in a [`WordTable`] gate: `a` to `z`, then everything else.
const fn gate_slot(first: u8) -> usize {
    if first.is_ascii_lowercase() {
        (first - b'a') as usize
    } else {
        26
    }
}

/// Whether each of the `blocks` of `text` is chrome, into `buffers.chrome` (with the other buffers empty).
fn classify(text: &str, blocks: &[Block], buffers: &mut Classify) {
    let Classify { lower, appeal_places, kinds, feats, short, head, chrome } = buffers;
    let latin_doc = mostly_latin(text);
    // Lines repeated in the document (short ones only), as menus and teaser labels are. (A longer block is
    // counted as never repeated, and not hashed: the blocks of prose are most of the text.)
    const SHORT_LINE: usize = 80;
    let mut counts: FastMap<&str, u32> = FastMap::default();
    for b in blocks {
        let s = b.span.slice(text);
        if s.len() <= SHORT_LINE {
            *counts.entry(s).or_default() += 1;
        }
    }
    let repeats = |s: &str| if s.len() <= SHORT_LINE { counts.get(s).copied().unwrap_or(0) } else { 0 };
    // The text in ASCII lower case, once, for the appeal phrases.
    // (Lowered as it is copied: one pass over the text rather than a copy and a pass over the copy.)
    lower.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
    appeal_matcher().places_into(lower, appeal_places);
    kinds.reserve(blocks.len());
    feats.reserve(blocks.len());
    for b in blocks {
        let s = b.span.slice(text);
        let f = features(s);
        let lowered = Lowered {
            block: lower.get(b.span.range()).unwrap_or_default(),
            offset: b.span.start as usize,
            appeal_places,
        };
        kinds.push(block_chrome(s, &lowered, b, &f, latin_doc, repeats(s), head));
        feats.push(f);
    }
    // The list after a `Read more` / `Related` / `Tags` heading: chrome until a prose paragraph.
    let mut in_list = false;
    for (i, b) in blocks.iter().enumerate() {
        if kinds[i] == Chrome::ListHeading {
            in_list = true;
            continue;
        }
        if in_list {
            let prose = feats[i].ends_sentence && feats[i].words >= 8 && !text_ends_with_question(b.span.slice(text));
            if prose || b.heading {
                in_list = false;
            } else if kinds[i] == Chrome::No {
                kinds[i] = Chrome::Nav;
            }
        }
    }
    // Runs of three or more short blocks (menus, rating widgets, author boxes).
    short.extend((0..blocks.len()).map(|i| {
        let listed = feats[i].short && !blocks[i].row && !lists_figures(blocks[i].span.slice(text), &feats[i]);
        !blocks[i].heading && (listed || kinds[i] != Chrome::No)
    }));
    let short = |i: usize| short[i];
    let mut i = 0;
    while i < blocks.len() {
        if !short(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < blocks.len() && short(j + 1) {
            j += 1;
        }
        if j - i + 1 >= 3 {
            for k in &mut kinds[i..=j] {
                if *k == Chrome::No {
                    *k = Chrome::Nav;
                }
            }
        }
        i = j + 1;
    }
    // A block between two appeals is part of the appeal.
    for i in 1..blocks.len().saturating_sub(1) {
        if kinds[i] == Chrome::No && kinds[i - 1] == Chrome::Appeal && kinds[i + 1] == Chrome::Appeal {
            kinds[i] = Chrome::Appeal;
        }
    }
    chrome.extend(kinds.iter().map(|&k| k != Chrome::No));
}

fn text_ends_with_question(s: &str) -> bool {
    s.trim_end_matches(['"', '\'', ')', '\u{201d}', '\u{2019}', ' ']).ends_with('?')
}

/// A block in ASCII lower case, with where it starts in its text and where the appeal phrases' patterns
/// start in the text ([`AppealMatcher::places_into`]).
struct Lowered<'a> {
    block: &'a [u8],
    offset: usize,
    appeal_places: &'a [(usize, usize)],
}

/// Whether the block `s` (`lowered` in ASCII lower case) is chrome, and of which kind.
/// `head` is a buffer for the block's first characters in lower case.
fn block_chrome(
    s: &str,
    lowered: &Lowered,
    b: &Block,
    f: &Features,
    latin_doc: bool,
    repeats: u32,
    head: &mut String,
) -> Chrome {
    let s_lower = lowered.block;
    let phrase = with_phrase(s, &[&LIST_HEADINGS, &CHROME_LINES], |p| {
        if LIST_HEADINGS.contains(p) {
            Some(Chrome::ListHeading)
        } else if CHROME_LINES.contains(p) {
            Some(Chrome::Nav)
        } else {
            None
        }
    });
    if let Some(kind) = phrase.flatten() {
        return kind;
    }
    let chrome_head = |head: &str| {
        // Most heads start with an ASCII byte that is no bullet: nothing to trim.
        let head = match head.as_bytes().first() {
            Some(&b) if b < 0x80 && !matches!(b, b'-' | b'*' | b' ') => head,
            _ => head.trim_start_matches(['•', '·', '-', '*', ' ']),
        };
        // The first bytes compared before the rest: most heads share it with no prefix, or with one or two.
        let first = head.as_bytes().first().map_or(0, |&b| PREFIXES_BY_FIRST_BYTE[b as usize]);
        let starts_chrome =
            |p: &&str| head.starts_with(p) && (!PROSE_PREFIXES.contains(p) || f.words <= 8 || !f.ends_sentence);
        if ones(first).any(|k| CHROME_PREFIXES.get(k).is_some_and(starts_chrome)) {
            Some(Chrome::Nav)
        } else if head.starts_with("support ") && f.words <= 6 {
            Some(Chrome::Appeal)
        } else {
            None
        }
    };
    // The first 24 characters in lower case: when they are ASCII, the first 24 bytes of `s_lower`.
    let ascii_head = s_lower.get(..s.len().min(24)).filter(|h| h.is_ascii()).and_then(|h| std::str::from_utf8(h).ok());
    let head_kind = match ascii_head {
        Some(head) => chrome_head(head),
        None => {
            // ASCII characters lowered without the Unicode tables.
            head.clear();
            for c in s.chars().take(24) {
                if c.is_ascii() {
                    head.push(c.to_ascii_lowercase());
                } else {
                    head.extend(c.to_lowercase());
                }
            }
            chrome_head(head.as_str())
        }
    };
    if let Some(kind) = head_kind {
        return kind;
    }
    match appeal_matcher().find_at(s_lower, lowered.offset, lowered.appeal_places) {
        Appeal::Strong => return Chrome::Appeal,
        Appeal::Weak { at_start } if reads_as_appeal(s, s_lower, at_start) => return Chrome::Appeal,
        _ => {}
    }
    // Letters other than ASCII counted one by one. ASCII letters, all Latin and cased, are counted only as
    // far as a rule needs them, which for prose in Latin script is the first small letter.
    let (mut other_letters, mut other_latin, mut other_upper, mut other_lower) = (0, 0, 0, 0);
    for_each_other_letter(s, |c| {
        other_letters += 1;
        if c.is_uppercase() {
            other_upper += 1;
        } else if c.is_lowercase() {
            other_lower += 1;
        }
        if is_latin(c) {
            other_latin += 1;
        }
    });
    let bytes = s.as_bytes();
    // At least 4 letters, and at least half of them not Latin: never so without a letter other than Latin.
    let non_latin = other_letters - other_latin;
    if latin_doc && non_latin > 0 {
        let letters = count_bytes(bytes, |b| b.is_ascii_alphabetic()) + other_letters;
        if letters >= 4 && non_latin * 2 >= letters {
            return Chrome::Nav;
        }
    }
    // At least two capitals and no small letter.
    if other_lower == 0 && !bytes.iter().any(u8::is_ascii_lowercase) {
        let upper = count_bytes(bytes, |b| b.is_ascii_uppercase()) + other_upper;
        if upper >= 2 {
            return Chrome::Nav;
        }
    }
    if b.bullet && f.words <= 5 && !f.ends_sentence && !lists_figures(s, f) {
        return Chrome::Nav;
    }
    if !f.ends_sentence && !b.row && separators(s) >= 3 {
        return Chrome::Nav;
    }
    if repeats >= 2 && f.words <= 8 {
        return Chrome::Nav;
    }
    Chrome::No
}

/// Whether a line is a row of a Markdown table (`| Kazakhstan | 45 percent | 2023 |`), which is a block of its
/// own (see [`Block::row`]).
fn table_row(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('|') && s.ends_with('|')
}

/// Whether a short block gives a number with words (`Kazakhstan: 45 percent`, `- exports: $2.1 billion`):
/// an item of a list of figures, which the rules for short blocks (menus, widgets) leave as it is. A number
/// alone (`3`, a rating widget's) is no such item.
fn lists_figures(s: &str, f: &Features) -> bool {
    f.words >= 2 && s.bytes().any(|b| b.is_ascii_digit())
}

/// How many spaced separators (` | `, ` - `, ` – `, ` · `, ` • `, ` / `) a line holds: for each, its
/// occurrences that do not overlap one another, as `str::matches` counts them, summed.
fn separators(s: &str) -> usize {
    const SEPARATORS: [&str; 6] = [" | ", " - ", " – ", " · ", " • ", " / "];
    let b = s.as_bytes();
    let mut n = 0;
    // Where the last counted occurrence of each separator ends: the next one counts from there on.
    let mut ends = [0usize; 6];
    // Every separator starts with a space, and the byte after it is one of these.
    for at in memchr::memchr_iter(b' ', b) {
        if !matches!(b.get(at + 1), Some(b'|' | b'-' | b'/' | 0xC2 | 0xE2)) {
            continue;
        }
        for (sep, end) in SEPARATORS.iter().zip(&mut ends) {
            if at >= *end && b[at..].starts_with(sep.as_bytes()) {
                n += 1;
                *end = at + sep.len();
            }
        }
    }
    n
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('\u{c0}'..='\u{24f}').contains(&c) || ('\u{1e00}'..='\u{1eff}').contains(&c)
}

/// Whether most letters of the text are Latin (sampled over the first 64 KiB).
fn mostly_latin(text: &str) -> bool {
    let mut end = text.len().min(1 << 16);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    // The letters other than ASCII are at most the characters other than ASCII, which are the lead bytes
    // (0xC0 and up) counted: more ASCII letters than that decide at once, as in most Latin text.
    let others = count_bytes(sample.as_bytes(), |b| b >= 0xC0);
    if more_bytes_than(sample.as_bytes(), others, |b| b.is_ascii_alphabetic()) {
        return true;
    }
    // Letters other than ASCII counted one by one, then ASCII letters (all Latin) only until they decide:
    // Latin letters are the majority when `ascii + other_latin > (ascii + other_letters) / 2`, that is when
    // `ascii > other_letters - 2 * other_latin`.
    let (mut other_letters, mut other_latin) = (0usize, 0usize);
    for_each_other_letter(sample, |c| {
        other_letters += 1;
        other_latin += is_latin(c) as usize;
    });
    match other_letters.checked_sub(2 * other_latin) {
        None => true,
        Some(needed) => more_bytes_than(sample.as_bytes(), needed, |b| b.is_ascii_alphabetic()),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Sentences within a block.

/// Abbreviations after which a period never ends a sentence.
const ABBREVIATIONS: WordTable = WordTable::new(&[
    "adm", "al", "amb", "approx", "art", "assn", "c", "ca", "capt", "cf", "ch", "cit", "cmdr", "col", "dept", "dr",
    "e.g", "ed", "eds", "est", "ext", "fig", "figs", "fr", "ft", "gen", "gov", "hon", "i.e", "ibid", "lt", "maj",
    "messrs", "mr", "mrs", "ms", "mt", "mx", "no", "nos", "nr", "op", "p", "para", "paras", "pp", "pres", "prof",
    "rep", "rev", "sec", "sen", "sgt", "st", "tel", "univ", "v", "viz", "vol", "vols", "vs",
]);

/// Abbreviations that end a sentence only when a common sentence opener follows (`Apple Inc. The`).
const AMBIGUOUS_ABBREVIATIONS: WordTable =
    WordTable::new(&["bros", "co", "corp", "etc", "inc", "jr", "llc", "ltd", "plc", "sr"]);

/// Month abbreviations, which do not end a sentence before a number (`Jan. 5`).
const MONTH_ABBREVIATIONS: WordTable =
    WordTable::new(&["apr", "aug", "dec", "feb", "jan", "jul", "jun", "mar", "nov", "oct", "sep", "sept"]);

/// Words that start sentences, for deciding ambiguous periods (`in the U.S. The next`).
const OPENERS: WordTable = WordTable::new(&[
    "a",
    "according",
    "after",
    "all",
    "also",
    "although",
    "an",
    "and",
    "as",
    "at",
    "before",
    "but",
    "by",
    "despite",
    "for",
    "from",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "it",
    "its",
    "many",
    "meanwhile",
    "moreover",
    "most",
    "my",
    "no",
    "not",
    "now",
    "on",
    "one",
    "or",
    "our",
    "she",
    "since",
    "so",
    "some",
    "still",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "to",
    "today",
    "we",
    "what",
    "when",
    "while",
    "who",
    "why",
    "with",
    "yet",
    "you",
]);

fn split_block(text: &str, span: Span, chrome: bool, out: &mut Vec<Sentence>) {
    let base = span.start as usize;
    let Some(s) = text.get(span.range()) else { return };
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    // The first `…` at or after `i` (or the end), searched for again only once `i` has passed it.
    let mut ellipsis = find_ellipsis(bytes, 0);
    while i < bytes.len() {
        // Straight to the next sentence mark.
        if ellipsis < i {
            ellipsis = find_ellipsis(bytes, i);
        }
        i = memchr::memchr3(b'.', b'!', b'?', &bytes[i..]).map_or(bytes.len(), |p| i + p).min(ellipsis);
        let Some(&b) = bytes.get(i) else { break };
        let term = if b == 0xE2 { 3 } else { 1 };
        // The run of sentence marks (`?!`, `...`) and the closing quotes and brackets after it.
        let mut j = i + term;
        let mut marks = 1;
        loop {
            if j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?') {
                j += 1;
                marks += 1;
            } else if bytes[j..].starts_with("…".as_bytes()) {
                j += 3;
                marks += 1;
            } else {
                break;
            }
        }
        let closers_from = j;
        loop {
            if j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            } else if let Some(len) = ["\u{201d}", "\u{2019}", "\u{bb}"]
                .iter()
                .find(|q| bytes[j..].starts_with(q.as_bytes()))
                .map(|q| q.len())
            {
                j += len;
            } else {
                break;
            }
        }
        if j >= bytes.len() {
            break;
        }
        let ws = leading_whitespace(&s[j..]);
        if ws == 0 {
            i = j;
            continue;
        }
        let next = j + ws;
        let closed = j > closers_from;
        if is_boundary(s, i, b, marks, closed, next) {
            push(text, base + start, base + j, chrome, out);
            start = next;
        }
        i = next;
    }
    push(text, base + start, base + bytes.len(), chrome, out);
}

/// The position of the first `…` in `bytes` at or after `from`, or the length of `bytes`.
fn find_ellipsis(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(p) = bytes.get(at..).and_then(|rest| memchr::memchr(0xE2, rest)) {
        if bytes[at + p..].starts_with("…".as_bytes()) {
            return at + p;
        }
        at += p + 1;
    }
    bytes.len()
}

/// Whether the sentence mark at `mark` (the byte `b`, one of `marks` in a row) ends a sentence, given that
/// the next sentence would start at `next`.
fn is_boundary(s: &str, mark: usize, b: u8, marks: usize, closed: bool, next: usize) -> bool {
    let Some(c) = s[next..].chars().next() else { return true };
    if c.is_lowercase() {
        return false;
    }
    if b != b'.' || marks > 1 || closed {
        return true;
    }
    // The word before the period, at most 32 bytes back.
    let mut from = mark;
    let limit = mark.saturating_sub(32);
    let bytes = s.as_bytes();
    while from > limit {
        let mut p = from - 1;
        // An ASCII byte is a character of its own, read without decoding.
        if bytes[p] < 0x80 {
            if is_ascii_whitespace(bytes[p]) || matches!(bytes[p], b'(' | b'"' | b'[') {
                break;
            }
            from = p;
            continue;
        }
        while p > 0 && !s.is_char_boundary(p) {
            p -= 1;
        }
        let ch = s[p..].chars().next().unwrap_or(' ');
        if ch.is_whitespace() || matches!(ch, '(' | '"' | '\u{201c}' | '[') {
            break;
        }
        from = p;
    }
    let word = &s[from..mark];
    if word.is_empty() {
        return true;
    }
    let opener = || opener_at(&s[next..]);
    let tables = [&ABBREVIATIONS, &MONTH_ABBREVIATIONS, &AMBIGUOUS_ABBREVIATIONS];
    let abbreviation = if may_hold_lowered(&tables, word) {
        with_ascii_lower(word, |lower| {
            if ABBREVIATIONS.contains(lower) {
                Some(Abbreviation::Always)
            } else if MONTH_ABBREVIATIONS.contains(lower) {
                Some(Abbreviation::Month)
            } else if AMBIGUOUS_ABBREVIATIONS.contains(lower) {
                Some(Abbreviation::Ambiguous)
            } else {
                None
            }
        })
        .flatten()
    } else {
        None
    };
    match abbreviation {
        Some(Abbreviation::Always) => return false,
        Some(Abbreviation::Month) => return !c.is_ascii_digit(),
        Some(Abbreviation::Ambiguous) => return opener(),
        None => {}
    }
    let mut chars = word.chars();
    let first = chars.next();
    // An initial (`J. Smith`) ends a sentence only before a common opener. (One character: the first is
    // the whole word.)
    if first.is_some_and(|c| c.len_utf8() == word.len() && c.is_uppercase()) {
        return opener();
    }
    // A dotted abbreviation (`U.S`, `e.g`). Its second byte is a period or part of its first character: an
    // ASCII second byte that is no period rules it out at once, as for most words.
    let dotted = !word.as_bytes().get(1).is_some_and(|&c| c < 0x80 && c != b'.')
        && word.as_bytes().contains(&b'.')
        && word.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
    if dotted {
        return opener();
    }
    true
}

/// The kinds of abbreviation a period may follow.
enum Abbreviation {
    /// Never before a sentence end (`Dr.`).
    Always,
    /// Not before a number (`Jan. 5`).
    Month,
    /// Before a sentence end only when a common opener follows (`Inc.`).
    Ambiguous,
}

/// Whether `rest` starts with a common sentence opener: its first word of letters and digits (at most
/// 20 characters of it), in lower case, is one of [`OPENERS`].
fn opener_at(rest: &str) -> bool {
    // The longest opener has 9 letters: an ASCII word of 10 or more is none, and so is a longer prefix.
    let ascii = rest.bytes().take(10).take_while(u8::is_ascii_alphanumeric).count();
    match rest.as_bytes().get(ascii) {
        _ if ascii == 10 => false,
        Some(b) if !b.is_ascii() => {
            let word: String =
                rest.chars().take_while(|c| c.is_alphanumeric()).take(20).flat_map(char::to_lowercase).collect();
            OPENERS.contains(&word)
        }
        _ => with_ascii_lower(&rest[..ascii], |w| OPENERS.contains(w)) == Some(true),
    }
}

fn push(text: &str, start: usize, end: usize, chrome: bool, out: &mut Vec<Sentence>) {
    let Some(s) = text.get(start..end) else { return };
    let (lead, trimmed) = trim(s);
    if trimmed.is_empty() {
        return;
    }
    let span = Span::new(start + lead, start + lead + trimmed.len());
    let chrome =
        chrome || with_phrase(trimmed, &[&CHROME_LINES], |p| p.len() > 4 && CHROME_LINES.contains(p)) == Some(true);
    out.push(Sentence { span, chrome });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences of `text`, chrome ones marked with a leading `#`, joined by ` | `.
    fn render(text: &str) -> String {
        split(text)
            .iter()
            .map(|s| format!("{}{}", if s.chrome { "#" } else { "" }, s.span.slice(text)))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn sentences_table() {
        // (name, text, sentences joined by " | ", chrome ones prefixed with "#")
        let cases: &[(&str, &str, &str)] = &[
            ("empty", "", ""),
            ("whitespace_only", " \n\t\r\n ", ""),
            ("two_sentences", "Oslo is cold. Rome is warm.", "Oslo is cold. | Rome is warm."),
            ("short_line_hyphenated", "Officials of Kyrgyz-\nstan came.", "Officials of Kyrgyz-\nstan came."),
            ("short_line_dash_alone", "Funds came -\nfrom Chad.", "Funds came - | from Chad."),
            ("question_and_exclamation", "Is it? Yes! Fine.", "Is it? | Yes! | Fine."),
            ("title_abbreviation", "Dr. Luca Anceschi spoke. He left.", "Dr. Luca Anceschi spoke. | He left."),
            ("mr_abbreviation", "Mr. Smith met Mrs. Jones today.", "Mr. Smith met Mrs. Jones today."),
            ("dotted_abbreviation_mid", "The U.S. President spoke.", "The U.S. President spoke."),
            ("dotted_abbreviation_end", "He lives in the U.S. The weather is fine.", "He lives in the U.S. | The weather is fine."),
            ("eg_lowercase_next", "Some states, e.g. Chad, agreed.", "Some states, e.g. Chad, agreed."),
            ("initial", "John F. Kennedy was there.", "John F. Kennedy was there."),
            ("decimal", "Trade reached $3.8 billion. It grew.", "Trade reached $3.8 billion. | It grew."),
            ("decimal_percent", "Growth was 2.5 percent in 2021.", "Growth was 2.5 percent in 2021."),
            ("curly_quote_after_period", "He said “adaptation without isolation.” Managed adaptation remains.", "He said “adaptation without isolation.” | Managed adaptation remains."),
            ("straight_quote_after_period", "She said \"no.\" Then she left.", "She said \"no.\" | Then she left."),
            ("question_in_quote_lowercase", "“Is it?” he asked.", "“Is it?” he asked."),
            ("ellipsis_char", "We waited… Then it came.", "We waited… | Then it came."),
            ("ellipsis_dots_lowercase", "We waited... and waited.", "We waited... and waited."),
            ("ambiguous_inc_then_name", "Apple Inc. Chief Executive spoke.", "Apple Inc. Chief Executive spoke."),
            ("ambiguous_inc_then_opener", "He joined Apple Inc. The firm grew.", "He joined Apple Inc. | The firm grew."),
            ("month_abbreviation_number", "It opened on Jan. 5 in Oslo.", "It opened on Jan. 5 in Oslo."),
            ("no_space_after_period", "See example.com for more.", "See example.com for more."),
            ("heading_own_block", "Recommendations for officials\nA separate section is devoted to it.", "Recommendations for officials | A separate section is devoted to it."),
            ("one_paragraph_per_line", "First paragraph ends here.\nSecond paragraph starts here.", "First paragraph ends here. | Second paragraph starts here."),
            ("hard_wrapped_paragraph", "The river basin authority said on Monday that water levels in the\nnorthern reservoirs had fallen for the third year in a row, and that\nfarmers should expect restrictions. Officials will meet again soon.", "The river basin authority said on Monday that water levels in the\nnorthern reservoirs had fallen for the third year in a row, and that\nfarmers should expect restrictions. | Officials will meet again soon."),
            ("wrapped_two_lines", "The treaty was signed in the capital after a long night of talks and\nthen ratified.", "The treaty was signed in the capital after a long night of talks and\nthen ratified."),
            ("lowercase_continuation", "This paragraph of a web page was broken by a tool in the\nmiddle of a sentence.", "This paragraph of a web page was broken by a tool in the\nmiddle of a sentence."),
            ("title_then_byline_not_joined", "Rivers and Reservoirs of the Northern Basin Today\nBy Ingrid Halvorsen", "Rivers and Reservoirs of the Northern Basin Today | By Ingrid Halvorsen"),
            ("crlf_lines", "One line.\r\nAnother line.", "One line. | Another line."),
            ("lone_cr", "One line.\rAnother line.", "One line. | Another line."),
            ("markdown_heading", "# Water policy\nThe basin is dry.", "# Water policy | The basin is dry."),
            ("read_more_chrome", "The basin is dry.\n\nRead more", "The basin is dry. | #Read more"),
            ("share_chrome", "Share\nThe basin is dry.", "#Share | The basin is dry."),
            ("skip_chrome", "Skip to main content\nThe basin is dry.", "#Skip to main content | The basin is dry."),
            ("all_caps_menu", "CONTACT US\nThe basin is dry.", "#CONTACT US | The basin is dry."),
            ("bullet_menu", "  • Home\n  • Research\n  • Events\nThe basin is dry.", "#• Home | #• Research | #• Events | The basin is dry."),
            ("short_run_chrome", "Rate Count\n\n0\n\nRating\n\n3\n\nThe basin is dry.", "#Rate Count | #0 | #Rating | #3 | The basin is dry."),
            ("byline_not_chrome", "Water in the North: A Long Decline\nIngrid Halvorsen\n03 October 2019\n\nThe basin is dry.", "Water in the North: A Long Decline | Ingrid Halvorsen | 03 October 2019 | The basin is dry."),
            ("subscription_appeal", "The basin is dry.\nPlease support us with a donation today.", "The basin is dry. | #Please support us with a donation today."),
            ("appeal_sandwich", "We have a small favor to ask.\nFor years we have reported on rivers.\nBut we need your help to continue.", "#We have a small favor to ask. | #For years we have reported on rivers. | #But we need your help to continue."),
            ("cookie_banner", "We use cookies to improve your experience.\nThe basin is dry.", "#We use cookies to improve your experience. | The basin is dry."),
            ("copyright_in_prose", "Copyright disputes between the two studios reached the courts this year.", "Copyright disputes between the two studios reached the courts this year."),
            ("advertisement_in_prose", "Advertisement spending in the capital grew 15 percent in 2024.", "Advertisement spending in the capital grew 15 percent in 2024."),
            ("advertisement_label", "The basin is dry.\nAdvertisement\nThe river is low.", "The basin is dry. | #Advertisement | The river is low."),
            ("copyright_line", "The basin is dry.\nCopyright 2024 Basin News, a long-standing publication of the valley", "The basin is dry. | #Copyright 2024 Basin News, a long-standing publication of the valley"),
            ("list_of_figures", "Shares were:\n\n- Kazakhstan: 45 percent\n- Uzbekistan: 30 percent\n- Kyrgyzstan: 10 percent\n\nThe basin is dry.", "Shares were: | - Kazakhstan: 45 percent | - Uzbekistan: 30 percent | - Kyrgyzstan: 10 percent | The basin is dry."),
            ("lines_of_figures", "Tajikistan exported $2.1 billion\nTurkmenistan exported $9.4 billion\nMongolia exported $1.3 billion\nThe basin is dry.", "Tajikistan exported $2.1 billion | Turkmenistan exported $9.4 billion | Mongolia exported $1.3 billion | The basin is dry."),
            ("table", "Shares:\n\n| Country | Share | Year | Trend |\n|---|---|---|---|\n| Kazakhstan | 45 percent | 2023 | up |\n| Uzbekistan | Astana | capital | none |\n| Kyrgyzstan | Bishkek | capital | none |", "Shares: | | Country | Share | Year | Trend | | | Kazakhstan | 45 percent | 2023 | up | | | Uzbekistan | Astana | capital | none | | | Kyrgyzstan | Bishkek | capital | none |"),
            ("donate_in_prose", "The United States will donate 5 million doses to Kazakhstan, officials said on Monday.", "The United States will donate 5 million doses to Kazakhstan, officials said on Monday."),
            ("become_a_member_in_prose", "Uzbekistan may become a member of the union.", "Uzbekistan may become a member of the union."),
            ("quoted_support_in_a_long_sentence", "\"Thank you for your support,\" the minister told his counterpart after the talks in the capital.", "\"Thank you for your support,\" the minister told his counterpart after the talks in the capital."),
            ("long_appeal_paragraph", "The basin is dry.\nWe, the reporters of this paper, will not be silenced. But we need your help to continue our work.", "The basin is dry. | #We, the reporters of this paper, will not be silenced. | #But we need your help to continue our work."),
            ("disclaimer_at_the_start", "The basin is dry.\nViews expressed are those of the authors and of no institution they work for.", "The basin is dry. | #Views expressed are those of the authors and of no institution they work for."),
            ("donate_button", "The basin is dry.\nDonate now", "The basin is dry. | #Donate now"),
            ("newsletter_to_the_reader", "The basin is dry.\nGet our newsletter every week.", "The basin is dry. | #Get our newsletter every week."),
            ("privacy_policy_link", "The basin is dry.\nPrivacy policy", "The basin is dry. | #Privacy policy"),
            ("tags_line", "Tags: water, rivers, Norway", "#Tags: water, rivers, Norway"),
            ("related_list", "The basin is dry.\n\nRead more:\n\nRivers in Crisis?\nJane Doe\nInstitute of Water Studies\n\nThe next paragraph is long enough to be prose again.", "The basin is dry. | #Read more: | #Rivers in Crisis? | #Jane Doe | #Institute of Water Studies | The next paragraph is long enough to be prose again."),
            ("footer_separators", "About us - Work with us - Experts - Contact - Privacy", "#About us - Work with us - Experts - Contact - Privacy"),
            ("copyright", "© 2024 Basin News. All rights reserved.", "#© 2024 Basin News. | #All rights reserved."),
            ("foreign_script_line", "«Данное сообщение создано иностранным агентом»\nThe basin is dry and the river is low, and the farmers of the valley are waiting for rain.", "#«Данное сообщение создано иностранным агентом» | The basin is dry and the river is low, and the farmers of the valley are waiting for rain."),
            ("repeated_label", "Club events\nThe basin is dry.\nClub events", "#Club events | The basin is dry. | #Club events"),
            ("emoji_and_cjk", "Water 😀 is life. 水是生命。", "Water 😀 is life. | 水是生命。"),
            ("u2028_inside", "One\u{2028}two. Three.", "One\u{2028}two. | Three."),
        ];
        for &(name, text, want) in cases {
            assert_eq!(render(text), want, "{name}");
        }
    }

    #[test]
    fn spans_are_trimmed_ordered_and_on_boundaries() {
        let text = "  Россия 😀. Oslo\r\n\r\n• Menu\n  Next. “Quote.” End…  ";
        let sentences = split(text);
        let mut last_end = 0;
        for s in &sentences {
            let slice = text.get(s.span.range()).expect("on char boundaries");
            assert!(!slice.is_empty());
            assert_eq!(slice, slice.trim());
            assert!(s.span.start as usize >= last_end);
            last_end = s.span.end as usize;
        }
    }

    #[test]
    fn word_tables_are_sorted_lower_case_ascii() {
        for table in [
            SMALL_WORDS.words,
            CHROME_LINES.words,
            LIST_HEADINGS.words,
            ABBREVIATIONS.words,
            AMBIGUOUS_ABBREVIATIONS.words,
            MONTH_ABBREVIATIONS.words,
            OPENERS.words,
        ] {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "{table:?} is not sorted");
            assert!(table.iter().all(|w| w.is_ascii() && w.to_lowercase() == *w), "{table:?}");
        }
        // `opener_at` passes over ASCII words of ten letters or more.
        assert!(OPENERS.words.iter().all(|w| w.len() < 10));
    }

    #[test]
    fn general_punctuation_holds_no_letter_or_digit() {
        for c in '\u{2000}'..='\u{206f}' {
            assert!(is_general_punctuation(c) && !c.is_alphanumeric() && !c.is_alphabetic(), "{c:?}");
        }
        for c in ['\u{1fff}', '\u{2070}', 'a', '\u{2071}'] {
            assert!(!is_general_punctuation(c), "{c:?}");
        }
    }

    #[test]
    fn words_with_alphanumerics_counts_as_split_whitespace_does() {
        let pieces = [
            "a", "Z", "0", "9", " ", "  ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{0}", ".", "(", "\"", "'", "-", "@",
            "[", "`", "{", "/", ":", "\u{7f}", "\u{85}", "\u{a0}", "\u{2003}", "\u{2019}", "\u{2014}", "é", "Ж", "中",
            "٣", "😀", "\u{3000}", "abcdefgh", "12345678", "        ", "........",
        ];
        // Every string of up to three pieces, then longer ones drawn by a fixed linear congruential sequence.
        let mut texts: Vec<String> = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    texts.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut state = 7u64;
        for _ in 0..20_000 {
            let mut t = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            for _ in 0..(state >> 59) {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                t.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            texts.push(t);
        }
        for t in &texts {
            let want = t.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
            assert_eq!(words_with_alphanumerics(t, usize::MAX), want, "{t:?}");
            assert_eq!(words_with_alphanumerics(t, 3), want.min(3), "{t:?}");
        }
    }

    #[test]
    fn word_table_gates_agree_with_the_tables() {
        let tables = [SMALL_WORDS, CHROME_LINES, LIST_HEADINGS, ABBREVIATIONS, AMBIGUOUS_ABBREVIATIONS, OPENERS];
        let probes =
            ["", "a", "A", "mr", "Mr", "MR", "read more", "Read More", "e.g", "E.G", "x", "zzz", "\u{212a}", "ß"];
        for table in &tables {
            for w in table.words.iter().copied().chain(probes) {
                let lower = w.to_lowercase();
                let held = table.words.binary_search(&lower.as_str()).is_ok();
                assert_eq!(table.contains(&lower), held, "{w:?}");
                assert!(!held || may_hold_lowered(&[table], w), "{w:?}");
            }
        }
    }

    #[test]
    fn prefixes_that_start_prose_are_prefixes_of_chrome() {
        for p in PROSE_PREFIXES {
            assert!(CHROME_PREFIXES.contains(p), "{p}");
        }
    }

    /// What a search of `input` for each phrase finds.
    fn appeal_by_each_phrase(input: &[u8]) -> Appeal {
        let holds = |p: &&str| input.windows(p.len()).any(|w| w == p.as_bytes());
        if APPEAL_PHRASES.iter().any(holds) {
            Appeal::Strong
        } else if READER_APPEAL_PHRASES.iter().any(holds) {
            Appeal::Weak { at_start: READER_APPEAL_PHRASES.iter().any(|p| input.starts_with(p.as_bytes())) }
        } else {
            Appeal::No
        }
    }

    #[test]
    fn appeal_matcher_finds_what_a_search_for_each_phrase_finds() {
        let m = AppealMatcher::new();
        assert!(m.prefix_free, "the patterns are prefix-free, so one pattern's phrases are checked per place");
        let mut inputs: Vec<String> = vec![
            String::new(),
            "support".into(),
            "your supporters".into(),
            "we upport us".into(),
            "support usupport independent".into(),
            "uses cookie policy".into(),
            "accept cookie".into(),
            "terms of terms of use".into(),
            "favo to ask, favour to ask".into(),
            "reader-supporte".into(),
            "we use cookiesdonate".into(),
            "a paywal".into(),
        ];
        for phrase in APPEAL_PHRASES.iter().chain(READER_APPEAL_PHRASES) {
            inputs.push(format!("x {phrase} y"));
            inputs.push(format!("{phrase} y"));
            inputs.push(phrase[1..].to_string());
            inputs.push(phrase[..phrase.len() - 1].to_string());
            inputs.push(format!("{}{phrase}", &phrase[..phrase.len() / 2]));
        }
        for input in &inputs {
            assert_eq!(m.find(input.as_bytes()), appeal_by_each_phrase(input.as_bytes()), "{input:?}");
        }
    }

    #[test]
    fn appeal_places_of_the_whole_text_give_each_block_what_a_search_of_it_gives() {
        // Phrases cut by block ends, phrases at block starts and ends, patterns whose phrase runs past the
        // block: every block (every range of the text) is judged as a search of it for each phrase judges it.
        let m = AppealMatcher::new();
        let text = "we use cookies. support us support independent journalism; terms of use and \
                    subscribe now or please support. favour to ask donate today";
        let lower = text.as_bytes();
        let mut places = Vec::new();
        m.places_into(lower, &mut places);
        assert!(places.len() >= 6, "{places:?}");
        let mut judged = [0; 3];
        for a in 0..=lower.len() {
            for b in a..=lower.len() {
                let want = appeal_by_each_phrase(&lower[a..b]);
                assert_eq!(m.find_at(&lower[a..b], a, &places), want, "{:?}", &text[a..b]);
                judged[match want {
                    Appeal::No => 0,
                    Appeal::Weak { .. } => 1,
                    Appeal::Strong => 2,
                }] += 1;
            }
        }
        assert!(judged.iter().all(|&n| n > 100), "{judged:?}");
    }

    #[test]
    fn only_the_kelvin_sign_lowers_to_ascii() {
        for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(c.to_lowercase().all(|l| l.is_ascii()), c == KELVIN, "{c:?}");
        }
    }

    #[test]
    fn long_single_line_is_linear() {
        // A 5 MB line without sentence ends, and one made only of periods: both must finish quickly.
        let line = "word ".repeat(1_000_000);
        let start = std::time::Instant::now();
        assert_eq!(split(&line).len(), 1);
        let dots = ".".repeat(5_000_000);
        assert_eq!(split(&dots).len(), 1);
        let mixed = "a. ".repeat(1_000_000);
        assert!(!split(&mixed).is_empty());
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }
}
