//! Analysis: the answers to an editor's questions, as plain Rust values.
//!
//! One file per feature. Each takes the [`Index`](crate::index::Index), a parsed
//! [`Note`](crate::note::Note) with its text, and a byte offset, and returns spans and Markdown; nothing
//! here knows LSP. Links to sources are made by a [`Linker`] that the caller provides (the server links to
//! files on disk; tests link to something readable).
//!
//! The one rule every feature keeps: an excerpt is a verbatim piece of its source. [`excerpt`] cuts it, marks
//! names in bold and escapes Markdown, and shortens only with `…` at either end.

pub mod checks;
pub mod completion;
pub mod hover;
pub mod locations;
pub mod quotes;
pub mod symbols;

use crate::index::SourceDoc;
use crate::text::Span;

/// Makes a link to a place in a source, for the Markdown of a hover.
pub trait Linker {
    /// A URL that opens `source` at `span`, or `None` when the source cannot be opened.
    fn link(&self, source: &SourceDoc, span: Span) -> Option<String>;
}

/// A linker that makes no links.
pub struct NoLinks;

impl Linker for NoLinks {
    fn link(&self, _: &SourceDoc, _: Span) -> Option<String> {
        None
    }
}

/// The longest excerpt shown, in characters, before it is shortened around the name.
pub const EXCERPT_CHARS: usize = 320;

/// Cuts the excerpt of `text` within `sentence` around `focus`, with every span of `bold` that lies inside it
/// in bold, as Markdown. Line breaks show as spaces. A sentence longer than `EXCERPT_CHARS` is shortened
/// around `focus` at word boundaries, with `…` where it was cut.
pub fn excerpt(text: &str, sentence: Span, focus: Span, bold: &[Span]) -> String {
    let window = shorten(text, sentence, focus, EXCERPT_CHARS);
    let mut out = String::new();
    if window.start > sentence.start {
        out.push('…');
    }
    let mut at = window.start as usize;
    let mut marks: Vec<Span> = bold.iter().copied().filter(|b| window.contains_span(*b) && !b.is_empty()).collect();
    marks.sort();
    marks.dedup();
    for b in marks {
        if (b.start as usize) < at {
            continue;
        }
        out.push_str(&escape_markdown(&text[at..b.start as usize]));
        out.push_str("**");
        out.push_str(&escape_markdown(b.slice(text)));
        out.push_str("**");
        at = b.end as usize;
    }
    out.push_str(&escape_markdown(&text[at..window.end as usize]));
    if window.end < sentence.end {
        out.push('…');
    }
    out
}

/// The part of `sentence` to show: all of it when short, else about `max_chars` characters around `focus`,
/// cut at spaces.
pub fn shorten(text: &str, sentence: Span, focus: Span, max_chars: usize) -> Span {
    let s = sentence.slice(text);
    if s.chars().count() <= max_chars || !sentence.contains_span(focus) {
        return sentence;
    }
    let half = max_chars.saturating_sub(focus.slice(text).chars().count()) / 2;
    // Walk back `half` characters from the focus, and forward from its end, then snap to a space.
    let before = &text[sentence.start as usize..focus.start as usize];
    let mut start = sentence.start as usize + before.char_indices().rev().nth(half).map_or(0, |(i, _)| i);
    let after = &text[focus.end as usize..sentence.end as usize];
    let mut end = focus.end as usize + after.char_indices().nth(half).map_or(after.len(), |(i, _)| i);
    if start > sentence.start as usize {
        if let Some(sp) = text[start..focus.start as usize].find(' ') {
            start += sp + 1;
        }
    }
    if end < sentence.end as usize {
        if let Some(sp) = text[focus.end as usize..end].rfind(' ') {
            end = focus.end as usize + sp;
        }
    }
    Span::new(start, end.max(start))
}

/// Escapes the characters that Markdown would read as markup, so the text renders as written; line breaks
/// become spaces so an excerpt stays on one blockquote line.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut last_was_space = false;
    for c in s.chars() {
        match c {
            '\r' | '\n' => {
                if !last_was_space {
                    out.push(' ');
                }
                last_was_space = true;
                continue;
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        last_was_space = c == ' ';
    }
    out
}

/// Undoes what [`excerpt`] does to text, for tests that check an excerpt is verbatim: drops the escapes,
/// the bold marks and the `…` at the ends.
pub fn unescape_excerpt(md: &str) -> String {
    let md = md.strip_prefix('…').unwrap_or(md);
    let md = md.strip_suffix('…').unwrap_or(md);
    let md = md.replace("**", "");
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_table() {
        // (name, text, bold word, expected Markdown)
        let cases: &[(&str, &str, &str, &str)] = &[
            ("plain", "Kazakhstan exports oil.", "Kazakhstan", "**Kazakhstan** exports oil."),
            ("escapes_markup", "A *star* and $5 [x].", "star", "A \\***star**\\* and \\$5 \\[x\\]."),
            ("line_break_is_space", "One\r\ntwo Uzbekistan.", "Uzbekistan", "One two **Uzbekistan**."),
            ("curly_possessive_kept", "Russia’s trade grew.", "Russia", "**Russia**’s trade grew."),
        ];
        for &(name, text, word, want) in cases {
            let at = text.find(word).unwrap();
            let focus = Span::new(at, at + word.len());
            let got = excerpt(text, Span::new(0, text.len()), focus, &[focus]);
            assert_eq!(got, want, "{name}");
            // Whatever the excerpt shows is a verbatim piece of the text (line breaks aside).
            assert!(text.replace("\r\n", " ").contains(&unescape_excerpt(&got)), "{name}");
        }
    }

    #[test]
    fn long_sentence_is_shortened_around_the_name() {
        let text = format!("{} Tashkent {}", "word ".repeat(200), "more ".repeat(200));
        let at = text.find("Tashkent").unwrap();
        let focus = Span::new(at, at + 8);
        let got = excerpt(&text, Span::new(0, text.len()), focus, &[focus]);
        assert!(got.starts_with('…') && got.ends_with('…'), "{got}");
        assert!(got.contains("**Tashkent**"));
        assert!(got.chars().count() <= EXCERPT_CHARS + 10);
        assert!(text.contains(&unescape_excerpt(&got)));
    }
}
