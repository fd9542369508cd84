//! Words of one sentence, with what separates each from the one before, for name extraction.
//!
//! A word is a run of letters and digits, joined across an inner apostrophe (`O'Brien`), period
//! (`U.S`, `Amwaj.Media`), plus (`C5+1`, `BRICS+`), ampersand (`AT&T`) or dash. A trailing possessive
//! (`’s`, `'s`) is cut from the word and flagged; a trailing apostrophe (`States’`) is left outside it.
//! A dashed word is kept whole when it is one name (`Kassym-Jomart`, `North–South`, `Co-operation`) and cut
//! into its parts when a part is a place, a demonym or an acronym (`Russia-Central`, `Moscow-led`).
//! Every span lies on character boundaries of the text; the scan is linear and allocates only the output
//! (plus a lower-case copy of the rare dashed word).

use super::lexicon;

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
    pub start: usize,
    pub end: usize,
    pub gap: Gap,
    /// The word was followed by a possessive `’s`, cut from the span.
    pub possessive: bool,
    /// A dashed compound whose later part is lower case (`Co-operation`, `Euro-optimist`).
    pub compound: bool,
    /// The first character is upper case.
    pub cap: bool,
    /// At least two letters, all upper case (`EAEU`, `BRICS+`).
    pub acronym: bool,
}

impl Tok {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
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

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2013}')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// The words of `text[start..end]`, in order.
pub fn tokenize(text: &str, start: usize, end: usize) -> Vec<Tok> {
    // About one word in six bytes of English prose.
    let mut toks = Vec::with_capacity((end.saturating_sub(start)) / 6 + 1);
    let Some(s) = text.get(start..end) else {
        return toks;
    };
    let mut gap = GapScan::default();
    let mut first = true;
    let mut pos = 0;
    while pos < s.len() {
        let Some(c) = char_at(s, pos) else { break };
        if !c.is_alphanumeric() {
            gap.see(c);
            pos += c.len_utf8();
            continue;
        }
        let word_start = pos;
        let mut word_end = pos + c.len_utf8();
        let mut has_dash = false;
        let mut dotted = true; // Letter, period, letter, period... so far (`U.S`).
        let mut letters_since_period = 1;
        while let Some(d) = char_at(s, word_end) {
            if d.is_alphanumeric() {
                word_end += d.len_utf8();
                letters_since_period += 1;
                if letters_since_period > 1 {
                    dotted = false;
                }
                continue;
            }
            let after = char_at(s, word_end + d.len_utf8());
            let joins = matches!(after, Some(a) if a.is_alphanumeric());
            if (is_dash(d) || is_apostrophe(d) || d == '.' || d == '&' || d == '+') && joins {
                has_dash |= is_dash(d);
                if d == '.' {
                    letters_since_period = 0;
                } else {
                    dotted = false;
                }
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
        let word = &s[word_start..word_end];
        let (trimmed, possessive) = strip_possessive(word);
        let this_gap = if first { Gap::Start } else { gap.gap() };
        first = false;
        gap = GapScan::default();
        if possessive {
            // The possessive's apostrophe and `s` lie between this word and the next.
            gap.other = true;
        }
        let abs = start + word_start;
        if has_dash {
            push_dashed(text, abs, abs + trimmed.len(), this_gap, possessive, &mut toks);
        } else {
            toks.push(make(text, abs, abs + trimmed.len(), this_gap, possessive, false));
        }
        pos = word_end;
    }
    toks
}

fn strip_possessive(word: &str) -> (&str, bool) {
    for suffix in ["\u{2019}s", "'s", "\u{2019}S", "'S"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if !stem.is_empty() {
                return (stem, true);
            }
        }
    }
    (word, false)
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
        return Tok { start, end, gap, possessive, compound, cap, acronym: upper >= 2 && lower == 0 };
    }
    for c in w.chars() {
        if c.is_uppercase() {
            upper += 1;
        } else if c.is_lowercase() {
            lower += 1;
        }
    }
    Tok { start, end, gap, possessive, compound, cap, acronym: upper >= 2 && lower == 0 }
}

/// Keeps a dashed word whole or cuts it into parts (see the module documentation).
fn push_dashed(text: &str, start: usize, end: usize, gap: Gap, possessive: bool, toks: &mut Vec<Tok>) {
    let word = text.get(start..end).unwrap_or("");
    let lower = word.to_lowercase().replace(['\u{2010}', '\u{2011}', '\u{2013}'], "-");
    if lexicon::is_place(&lower) {
        toks.push(make(text, start, end, gap, possessive, false));
        return;
    }
    let mut parts = Vec::new();
    let mut part_start = start;
    for (i, c) in word.char_indices() {
        if is_dash(c) {
            parts.push((part_start, start + i));
            part_start = start + i + c.len_utf8();
        }
    }
    parts.push((part_start, end));
    let part_is_cap =
        |&(s, e): &(usize, usize)| text.get(s..e).and_then(|w| w.chars().next()).is_some_and(char::is_uppercase);
    let any_known = lower.split('-').zip(&parts).any(|(p, &(s, e))| {
        lexicon::is_place(p) || lexicon::is_adjective_of_place(p) || make(text, s, e, Gap::Space, false, false).acronym
    });
    let all_cap = parts.iter().all(part_is_cap);
    let first_lower = lower.split('-').next().unwrap_or("");
    let compound =
        part_is_cap(&parts[0]) && parts[1..].iter().all(|p| !part_is_cap(p)) && lexicon::is_hyphen_prefix(first_lower);
    if !any_known && all_cap {
        toks.push(make(text, start, end, gap, possessive, false));
    } else if !any_known && compound {
        toks.push(make(text, start, end, gap, possessive, true));
    } else {
        let last = parts.len() - 1;
        for (i, &(s, e)) in parts.iter().enumerate() {
            if s >= e {
                continue;
            }
            let g = if i == 0 { gap } else { Gap::Dash };
            toks.push(make(text, s, e, g, possessive && i == last, false));
        }
    }
}

/// Accumulates the characters between two words into a [`Gap`].
#[derive(Default)]
struct GapScan {
    periods: u32,
    commas: u32,
    other: bool,
}

impl GapScan {
    fn see(&mut self, c: char) {
        if c.is_whitespace() {
            return;
        }
        match c {
            '.' => self.periods += 1,
            ',' => self.commas += 1,
            _ => self.other = true,
        }
    }

    fn gap(&self) -> Gap {
        match (self.other, self.periods, self.commas) {
            (false, 0, 0) => Gap::Space,
            (false, 1, 0) => Gap::Period,
            (false, 0, 1) => Gap::Comma,
            _ => Gap::Other,
        }
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
                format!("{g}{}{}", t.text(text), if t.possessive { "'s" } else { "" })
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
    fn flags() {
        let t = tokenize("EAEU Russia co-operation", 0, 24);
        assert!(t[0].acronym && t[0].cap);
        assert!(!t[1].acronym && t[1].cap);
        assert!(!t[2].cap);
    }
}
