//! Figures: the amounts of money, percentages, ranges, counts and multipliers a text cites, each
//! normalised to a value in base units and a unit, so that one quantity written in two notations compares
//! equal with [`Figure::same_quantity`].
//!
//! The same extractor reads the sources and the user's notes, which is why it normalises rather than
//! matching text: `$45 billion`, `US$45bn` and `45 billion dollars` all give 4.5e10 `USD`; `62 percent`,
//! `62 per cent` and `62%` all give 62 `percent`; `sevenfold`, `7-fold` and `7x` all give 7 `times`.
//!
//! What is a figure: a number with a unit. Money has a currency (a symbol, an ISO code or a currency
//! noun; a bare `$` is taken to be the US dollar, `¥` the yen, and `pounds` are money only as `pounds
//! sterling` or `British pounds`). A percentage has `%`, `percent`, `per cent` or `pct`. A multiplier is a
//! `-fold` word, `N times` before a comparative or after a verb of change, `3x`, or `doubled`/`tripled`.
//! A count is a number followed, within four words, by a plural noun with only adjectives in between
//! (`24,000 Tajik citizens` counts `citizen`); number words from two to ninety count (`five countries`),
//! and `a`/`one` do only with a scale word (`a thousand specialists`). A range (`$41-42 billion`,
//! `10–15%`, `between 30 and 40 percent`) takes its unit and scale from its high end unless its low end
//! has its own. A bare number is never a figure, and neither are years, dates, times, ordinals, versions,
//! phone numbers, identifiers (`IT02141980157`, `C5+1`) or labelled numbers (`Day 2`, `Figure 3`,
//! `Boeing 737`).
//!
//! Each figure carries its sentence (from the `sentences` given, or its line when no sentence holds it;
//! figures in chrome sentences are dropped) and the year it refers to, by this rule: among the four-digit
//! years (1900–2100) of its sentence that lie between the previous figure and the next one, the nearest
//! (the later on a tie); when there is none, the nearest year before the figure in its sentence (a year
//! that opens a sentence holds for all of its figures); otherwise none.
//!
//! Guarantees: [`extract`] is total (any `&str`, no panics), runs in time linear in the text (it stops only
//! at digits, currency symbols and word starts, and parses a bounded window there), and every span lies on
//! char boundaries of the text.

mod lexicon;
mod scan;
#[cfg(test)]
mod tests;

use super::{Figure, Sentence, Unit};
use crate::extract::reuse;
use crate::text::Span;
use scan::{Found, Scanned, YearMention};
use std::borrow::Cow;

/// Finds the cited figures of one document, in order of position.
pub fn extract(text: &str, sentences: &[Sentence]) -> Vec<Figure> {
    reuse::with(&BUFFERS, |b| {
        scan::scan(text, &mut b.scanned);
        attach(text, sentences, &b.scanned.figures, &mut b.scanned.years, &mut b.placed)
    })
}

/// What [`extract`] keeps from one document to the next (see [`reuse`]).
#[derive(Default)]
struct Buffers {
    scanned: Scanned,
    placed: Vec<(usize, Span)>,
}

impl reuse::Buffers for Buffers {
    fn clear(&mut self) {
        reuse::clear_vec(&mut self.scanned.figures);
        reuse::clear_vec(&mut self.scanned.years);
        reuse::clear_vec(&mut self.placed);
    }
}

thread_local! {
    static BUFFERS: reuse::Slot<Buffers> = const { std::cell::Cell::new(None) };
}

/// Lets go of the buffers this thread keeps for [`figures`](self) (see [`crate::extract::release_buffers`]).
pub(crate) fn release_buffers() {
    reuse::release(&BUFFERS);
}

/// A canonical human form of a figure's value, for labels and completion items: `$45 billion`,
/// `$41–42 billion`, `€12 billion`, `RUB 1.2 trillion`, `62%`, `10–15%`, `35,000 jobs`,
/// `1.5 million migrants`, `7×`.
pub fn format_value(figure: &Figure) -> String {
    match &figure.unit {
        Unit::Money(code) => {
            let (prefix, space) = match code.as_str() {
                "USD" => ("$", ""),
                "EUR" => ("\u{20ac}", ""),
                "GBP" => ("\u{a3}", ""),
                "JPY" => ("\u{a5}", ""),
                other => (other, " "),
            };
            format!("{prefix}{space}{}", scaled(figure.value, figure.high))
        }
        Unit::Percent => format!("{}%", plain_pair(figure.value, figure.high)),
        Unit::Multiplier => format!("{}\u{d7}", plain_pair(figure.value, figure.high)),
        Unit::Count(noun) => {
            let one = figure.high.is_none() && figure.value == 1.0;
            let noun = if one { noun.to_string() } else { lexicon::plural_of(noun) };
            format!("{} {noun}", scaled(figure.value, figure.high))
        }
    }
}

/// A value (or range) with a scale word once it reaches a million: `45 billion`, `41–42 billion`, `35,000`.
fn scaled(value: f64, high: Option<f64>) -> String {
    const SCALES: [(f64, &str); 3] = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")];
    for (factor, word) in SCALES {
        if value.abs() >= factor {
            return format!("{} {word}", plain_pair(value / factor, high.map(|h| h / factor)));
        }
    }
    plain_pair(value, high)
}

fn plain_pair(value: f64, high: Option<f64>) -> String {
    match high {
        Some(h) => format!("{}\u{2013}{}", plain(value), plain(h)),
        None => plain(value),
    }
}

/// A number with thousands separators and at most six decimals, trailing zeros removed: `35,000`, `3.8`.
fn plain(value: f64) -> String {
    let fixed = format!("{value:.6}");
    let trimmed = if fixed.contains('.') { fixed.trim_end_matches('0').trim_end_matches('.') } else { &fixed };
    let (sign, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", trimmed),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 8);
    for (n, ch) in int.chars().enumerate() {
        if n > 0 && (int.len() - n) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Gives each found figure its sentence and year, dropping figures in chrome. `placed` is a buffer (empty).
fn attach(
    text: &str,
    sentences: &[Sentence],
    found: &[Found],
    years: &mut Vec<YearMention>,
    placed: &mut Vec<(usize, Span)>,
) -> Vec<Figure> {
    // A year written inside a figure (`2000%`) is part of that figure, not a year it refers to.
    let mut f = 0;
    years.retain(|y| {
        while f < found.len() && found[f].end <= y.start {
            f += 1;
        }
        !(f < found.len() && found[f].start <= y.start && y.end <= found[f].end)
    });

    let sorted: Cow<[Sentence]> = if sentences.windows(2).all(|w| w[0].span.start <= w[1].span.start) {
        Cow::Borrowed(sentences)
    } else {
        let mut copy = sentences.to_vec();
        copy.sort_by_key(|s| s.span.start);
        Cow::Owned(copy)
    };
    let mut lines = LineCache::default();
    // Each figure that stays, by its index in `found`, with its context.
    placed.reserve(found.len());
    for (index, figure) in found.iter().enumerate() {
        let span = Span::new(figure.start, figure.end);
        let at = sorted.partition_point(|s| s.span.start <= span.start);
        let holder = at.checked_sub(1).map(|k| sorted[k]);
        let context = match holder {
            Some(s) if s.span.contains_span(span) => {
                if s.chrome {
                    continue;
                }
                s.span
            }
            Some(s) if s.chrome && s.span.touches(span.start as usize) => continue,
            _ => lines.around(text, span),
        };
        placed.push((index, context));
    }

    let mut out = Vec::with_capacity(placed.len());
    for group in placed.chunk_by(|a, b| a.1 == b.1) {
        let context = group[0].1;
        for (k, &(index, _)) in group.iter().enumerate() {
            let figure = &found[index];
            let region_start = if k == 0 { context.start as usize } else { found[group[k - 1].0].end };
            let region_end = group.get(k + 1).map_or(context.end as usize, |next| found[next.0].start);
            let year = year_for(years, figure, region_start, region_end, context.start as usize);
            out.push(Figure {
                span: Span::new(figure.start, figure.end),
                value: figure.value,
                high: figure.high,
                unit: figure.unit,
                year,
                sentence: context,
            });
        }
    }
    out
}

/// The year a figure refers to, by the rule in the module documentation.
fn year_for(
    years: &[YearMention],
    figure: &Found,
    region_start: usize,
    region_end: usize,
    context_start: usize,
) -> Option<i32> {
    let first_in = |pos: usize| years.partition_point(|y| y.start < pos);
    // The nearest year in the figure's own region: the last one before it and the first one after it.
    let lo = first_in(region_start);
    let hi = years.partition_point(|y| y.end <= region_end);
    let own = years.get(lo..hi.max(lo)).unwrap_or(&[]);
    let split = own.partition_point(|y| y.end <= figure.start);
    let before = split.checked_sub(1).and_then(|i| own.get(i));
    let after = own.get(split).filter(|y| y.start >= figure.end);
    let nearest = match (before, after) {
        (Some(b), Some(a)) => Some(if figure.start - b.end < a.start - figure.end { b } else { a }),
        (b, a) => b.or(a),
    };
    if let Some(y) = nearest {
        return Some(y.year);
    }
    // Else the nearest year before the figure anywhere in its sentence.
    let from = first_in(context_start);
    let upto = years.partition_point(|y| y.end <= figure.start);
    (upto > from).then(|| years[upto - 1].year)
}

/// The line (or lines, for a figure that wraps) around a figure without a sentence, remembered so that
/// many figures on one long line cost one search.
#[derive(Default)]
struct LineCache {
    last: Option<Span>,
}

impl LineCache {
    fn around(&mut self, text: &str, span: Span) -> Span {
        if let Some(last) = self.last {
            if last.contains_span(span) {
                return last;
            }
        }
        let b = text.as_bytes();
        let start = memchr::memrchr2(b'\n', b'\r', &b[..span.start as usize]).map_or(0, |p| p + 1);
        let end = memchr::memchr2(b'\n', b'\r', &b[span.end as usize..]).map_or(b.len(), |p| span.end as usize + p);
        let line = Span::new(start, end);
        self.last = Some(line);
        line
    }
}
