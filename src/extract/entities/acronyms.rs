//! Acronyms defined in the text: `Eurasian Economic Union (EAEU)` and the reverse order,
//! `the EAEU (Eurasian Economic Union)`.
//!
//! The expansion is found by aligning the acronym's letters with the words before the bracket (or inside
//! it): each word either contributes a block of letters, the first at its initial and the rest inside it
//! (`Eurasian` gives `EA` in `EAEU`), or is skipped (connectors freely, capitalised words at a cost). The
//! best-scoring alignment wins, so that `Conference on Interaction and Confidence Building Measures in Asia
//! (CICA)` starts at `Conference`. The search is bounded by the acronym's length (at most 12 letters, at
//! most 16 words), so it is constant work per bracket and linear over a text.

use super::lexicon;
use super::tokens::{Gap, Tok};

/// An acronym and its expansion, as byte ranges of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Definition {
    pub short: (usize, usize),
    pub long: (usize, usize),
    /// Token indices of the expansion, inclusive.
    pub long_toks: (usize, usize),
}

const MAX_LETTERS: usize = 12;
const MAX_WORDS: usize = 16;

/// Whether a word looks like an acronym: a letter first, at least two capitals, capitals at least half of
/// the letters, at most 12 bytes (`EAEU`, `BRICS+`, `UofG`).
pub fn acronym_like(word: &str) -> bool {
    if word.len() > 12 || !word.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    let (mut upper, mut letters) = (0, 0);
    for c in word.chars() {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_uppercase() {
                upper += 1;
            }
        }
    }
    upper >= 2 && upper * 2 >= letters
}

/// The acronym definitions of one sentence whose words are `toks`.
#[cfg(test)]
pub fn find(text: &str, toks: &[Tok]) -> Vec<Definition> {
    let mut out = Vec::new();
    find_into(text, toks, &mut Aligner::default(), &mut out);
    out
}

/// The buffers of [`align`], kept from call to call (see [`crate::extract::reuse`]).
#[derive(Default)]
pub struct Aligner {
    /// The acronym's letters in lower case.
    letters: Vec<char>,
    /// The words in lower case, one after another: word `w` is `lowered[ends[w]..ends[w + 1]]`.
    lowered: Vec<char>,
    ends: Vec<usize>,
    /// The table of best scores (see [`align`]).
    best: Vec<i32>,
    /// One word in lower case, as a string for the lexicon.
    word: String,
}

impl Aligner {
    /// Empties the buffers. They are bounded by the acronym's length and the words of an expansion, so
    /// they never grow large.
    pub fn clear(&mut self) {
        self.letters.clear();
        self.lowered.clear();
        self.ends.clear();
        self.best.clear();
        self.word.clear();
    }
}

/// [`find`] into `out`, with the buffers of `aligner`.
pub fn find_into(text: &str, toks: &[Tok], aligner: &mut Aligner, out: &mut Vec<Definition>) {
    for k in 1..toks.len() {
        // A bracket between two words makes their gap `Other`; most gaps are plain.
        if toks[k].gap != Gap::Other {
            continue;
        }
        let before = text.get(toks[k - 1].end as usize..toks[k].start as usize).unwrap_or("");
        if !before.as_bytes().contains(&b'(') || !before.trim_end().ends_with('(') {
            continue;
        }
        // The bracket closes after token `e` with nothing but whitespace before `)`.
        let Some(e) = closing(text, toks, k) else { continue };
        if e == k {
            let short = toks[k].text(text);
            if acronym_like(short) {
                if let Some((s, _)) = best_expansion(text, toks, k - 1, short, aligner) {
                    let s = extend_left(text, toks, s, &mut aligner.word);
                    out.push(Definition {
                        short: (toks[k].start as usize, toks[k].end as usize),
                        long: (toks[s].start as usize, toks[k - 1].end as usize),
                        long_toks: (s, k - 1),
                    });
                }
            }
        } else if !toks[k - 1].possessive() && acronym_like(toks[k - 1].text(text)) && e - k < MAX_WORDS {
            let short = toks[k - 1].text(text);
            let inner_ok = toks[k + 1..=e].iter().all(|t| matches!(t.gap, Gap::Space | Gap::Dash));
            if inner_ok && toks[k].cap() && toks[e].cap() {
                if let Some(score) = align(text, &toks[k..=e], short, aligner) {
                    if score > 0 {
                        out.push(Definition {
                            short: (toks[k - 1].start as usize, toks[k - 1].end as usize),
                            long: (toks[k].start as usize, toks[e].end as usize),
                            long_toks: (k, e),
                        });
                    }
                }
            }
        }
    }
}

/// The last token inside the bracket opened before token `k`, when the bracket closes right after it.
fn closing(text: &str, toks: &[Tok], k: usize) -> Option<usize> {
    let mut e = k;
    loop {
        let after_end = toks.get(e + 1).map_or(text.len(), |t| t.start as usize);
        let after = text.get(toks[e].end as usize..after_end).unwrap_or("");
        if toks[e].possessive() {
            return None;
        }
        if after.trim_start().starts_with(')') {
            return Some(e);
        }
        if e + 1 >= toks.len() || e - k >= MAX_WORDS || !after.chars().all(char::is_whitespace) {
            return None;
        }
        e += 1;
    }
}

/// The best start of an expansion ending at token `last`, with its score.
fn best_expansion(text: &str, toks: &[Tok], last: usize, short: &str, aligner: &mut Aligner) -> Option<(usize, i32)> {
    if !toks[last].cap() || toks[last].possessive() {
        return None;
    }
    let letters = short.chars().filter(|c| c.is_uppercase() || c.is_ascii_digit()).count();
    let window = (letters * 2 + 3).min(MAX_WORDS);
    let mut best: Option<(usize, i32)> = None;
    let mut s = last;
    loop {
        if toks[s].cap() && !is_article(toks[s].text(text)) {
            if let Some(score) = align(text, &toks[s..=last], short, aligner) {
                if score > 0 && best.is_none_or(|(_, b)| score > b) {
                    best = Some((s, score));
                }
            }
        }
        if s == 0 || last - s + 1 >= window {
            break;
        }
        // The expansion cannot reach across punctuation or a possessive.
        if !matches!(toks[s].gap, Gap::Space | Gap::Dash) || toks[s - 1].possessive() {
            break;
        }
        s -= 1;
    }
    best
}

fn is_article(word: &str) -> bool {
    matches!(word, "The" | "A" | "An" | "the" | "a" | "an")
}

/// Extends an expansion over capitalised words right before it that the acronym does not spell
/// (`North-South` before `International Transport Corridor (ITC)`).
fn extend_left(text: &str, toks: &[Tok], mut s: usize, lower: &mut String) -> usize {
    while s > 0 && toks[s].gap == Gap::Space {
        let prev = &toks[s - 1];
        if !prev.cap() || prev.possessive() || prev.acronym() || prev.gap == Gap::Start {
            break;
        }
        // `to_lowercase`, into a buffer kept from word to word when the word is ASCII.
        let word = prev.text(text);
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&word.to_lowercase());
        }
        let plain = !lexicon::is_common_word(lower)
            && !lexicon::is_adjective_of_place(lower)
            && !lexicon::is_place(lower)
            && !lexicon::is_title(lower)
            && !lexicon::is_calendar(lower)
            && !lexicon::is_title_modifier(lower);
        if !plain {
            break;
        }
        s -= 1;
    }
    s
}

/// Scores the best alignment of the acronym's letters with `words`, where the first and the last word
/// must each spell at least one letter. `None` when no alignment exists.
fn align(text: &str, words: &[Tok], short: &str, buffers: &mut Aligner) -> Option<i32> {
    let Aligner { letters, lowered, ends, best, word: word_text } = buffers;
    letters.clear();
    letters.extend(short.chars().filter(|c| c.is_uppercase() || c.is_ascii_digit()).flat_map(char::to_lowercase));
    let (nl, nw) = (letters.len(), words.len());
    if !(2..=MAX_LETTERS).contains(&nl) || !(1..=MAX_WORDS).contains(&nw) {
        return None;
    }
    // The words in lower case, one after another: word `w` is `lowered[ends[w]..ends[w + 1]]`. One buffer
    // for all, rather than one per word.
    lowered.clear();
    ends.clear();
    ends.push(0);
    for t in words {
        lowered.extend(super::tokens::without_soft_breaks(t.text(text)).chars().flat_map(char::to_lowercase));
        ends.push(lowered.len());
    }
    // best[w * (nl + 1) + l]: the best score for words[w..] spelling letters[l..]; i32::MIN where
    // impossible.
    const NONE: i32 = i32::MIN;
    let row = nl + 1;
    best.clear();
    best.resize((nw + 1) * row, NONE);
    best[nw * row + nl] = 0;
    for w in (0..nw).rev() {
        let word = &lowered[ends[w]..ends[w + 1]];
        word_text.clear();
        word_text.extend(word);
        let is_connector = lexicon::is_connector(word_text);
        for l in 0..=nl {
            let mut here = NONE;
            // Skip the word: never the first or the last one.
            if w != 0 && w != nw - 1 && best[(w + 1) * row + l] != NONE {
                let cost = if is_connector {
                    0
                } else if words[w].cap() {
                    -2
                } else {
                    NONE
                };
                if cost != NONE {
                    here = here.max(best[(w + 1) * row + l] + cost);
                }
            }
            // Spell letters[l..l2]: the first at the word's initial, the rest inside it in order.
            if l < nl && word.first() == Some(&letters[l]) {
                let mut inner = 1;
                let mut l2 = l + 1;
                loop {
                    if best[(w + 1) * row + l2] != NONE {
                        let bonus = 2 - (l2 - l - 1) as i32;
                        here = here.max(best[(w + 1) * row + l2] + bonus);
                    }
                    if l2 >= nl {
                        break;
                    }
                    match word[inner..].iter().position(|&c| c == letters[l2]) {
                        Some(p) => {
                            inner += p + 1;
                            l2 += 1;
                        }
                        None => break,
                    }
                }
            }
            best[w * row + l] = here;
        }
    }
    (best[0] != NONE).then_some(best[0])
}

#[cfg(test)]
mod tests {
    use super::super::tokens::tokenize;
    use super::*;

    #[test]
    fn definitions_table() {
        // (name, sentence, expected "short=long" pairs)
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "plain",
                "The Collective Security Treaty Organization (CSTO) met.",
                &["CSTO=Collective Security Treaty Organization"],
            ),
            ("inner_letters", "The Eurasian Economic Union (EAEU) grew.", &["EAEU=Eurasian Economic Union"]),
            ("reverse_order", "the EAEU (Eurasian Economic Union) grew", &["EAEU=Eurasian Economic Union"]),
            (
                "connector_skipped",
                "the Commonwealth of Independent States (CIS) is",
                &["CIS=Commonwealth of Independent States"],
            ),
            (
                "prefers_initials",
                "at the Conference on Interaction and Confidence Building Measures in Asia (CICA), a forum",
                &["CICA=Conference on Interaction and Confidence Building Measures in Asia"],
            ),
            ("dash_parts", "for China-Europe Railway Express (CRE) trains", &["CRE=China-Europe Railway Express"]),
            (
                "extends_left",
                "the North-South International Transport Corridor (ITC), which",
                &["ITC=North-South International Transport Corridor"],
            ),
            ("no_match", "the University of Québec in Montréal (UQAM) and", &[]),
            ("not_acronym", "the report (see above) said", &[]),
            ("lowercase_expansion_refused", "natural language processing (NLP) is", &[]),
            (
                "stops_at_possessive",
                "Russia’s Foundation for Civil Society (FCS) said",
                &["FCS=Foundation for Civil Society"],
            ),
        ];
        for &(name, s, want) in cases {
            let toks = tokenize(s, 0, s.len());
            let got: Vec<String> = find(s, &toks)
                .iter()
                .map(|d| format!("{}={}", &s[d.short.0..d.short.1], &s[d.long.0..d.long.1]))
                .collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
