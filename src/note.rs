//! A Markdown note, as the analysis sees it: citations, figures, entity mentions, quotations, headings.
//!
//! A note is parsed on its own, with the index only to find entity names. Markdown structure comes from
//! `pulldown-cmark`: code blocks and inline code are never searched for citations, figures, names or
//! quotations, and headings become document symbols. Citations follow Pandoc: `[@key]`, `[see @key, p. 3]`,
//! `[@a; @b]`, `@key` in running text and `@{key}`; an `@` glued to a word (an e-mail address) is not one.
//!
//! Every span is a byte span of the note's text, on character boundaries.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::extract::{self, Figure};
use crate::index::{Index, Mention};
use crate::text::Span;

/// A citation of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub key: String,
    /// The key without the `@` (and without braces for `@{key}`).
    pub key_span: Span,
    /// The `@key` (or `@{key}`) as written.
    pub at_span: Span,
    /// The bracketed group `[...]` this citation sits in, if any.
    pub group: Option<Span>,
}

/// A Markdown heading, for document symbols.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub title: String,
    /// The whole heading line(s).
    pub span: Span,
}

/// A quotation in the note: text in quotation marks, or a Markdown blockquote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words, without the quotation marks.
    pub inner: Span,
    /// The quotation as written, with its marks.
    pub outer: Span,
    pub blockquote: bool,
}

/// What a note holds.
#[derive(Clone, Debug, Default)]
pub struct Note {
    pub citations: Vec<Citation>,
    pub figures: Vec<Figure>,
    pub mentions: Vec<Mention>,
    pub headings: Vec<Heading>,
    pub quotes: Vec<Quote>,
    /// Code blocks and inline code, which nothing looks into.
    pub code: Vec<Span>,
}

/// What sits at an offset of a note.
#[derive(Clone, Debug, PartialEq)]
pub enum Target<'a> {
    Citation(&'a Citation),
    Figure(&'a Figure),
    Entity(&'a Mention),
}

impl Note {
    /// Parses `text` against `index` (used only to find entity names).
    pub fn parse(text: &str, index: &Index) -> Note {
        let mut note = Note::default();
        let mut heading: Option<(u8, usize, String)> = None;
        let mut quote_depth = 0usize;
        let mut quote_start = 0usize;
        let opts = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
        for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
            match event {
                Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) => {
                    note.code.push(Span::new(range.start, range.end))
                }
                Event::Start(Tag::CodeBlock(_)) => note.code.push(Span::new(range.start, range.end)),
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((heading_level(level), range.start, String::new()))
                }
                Event::Text(t) if heading.is_some() => {
                    if let Some((_, _, title)) = heading.as_mut() {
                        title.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, start, title)) = heading.take() {
                        note.headings.push(Heading {
                            level,
                            title: title.trim().to_string(),
                            span: Span::new(start, range.end),
                        });
                    }
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    if quote_depth == 0 {
                        quote_start = range.start;
                    }
                    quote_depth += 1;
                }
                Event::End(TagEnd::BlockQuote(_)) => {
                    quote_depth = quote_depth.saturating_sub(1);
                    if quote_depth == 0 {
                        let outer = Span::new(quote_start, range.end.max(quote_start));
                        note.quotes.push(Quote { inner: outer, outer, blockquote: true });
                    }
                }
                _ => {}
            }
        }
        note.code.sort();
        let in_code = |s: Span| note.code.iter().any(|c| c.start < s.end && s.start < c.end);

        note.citations = find_citations(text).into_iter().filter(|c| !in_code(c.at_span)).collect();
        let in_citation = |s: Span| note.citations.iter().any(|c| c.at_span.start < s.end && s.start < c.at_span.end);
        for q in &mut note.quotes {
            q.inner = blockquote_inner(text, q.outer, &note.citations);
        }

        // Chrome (menus, share buttons) is a property of web pages; in a note every line is the author's own,
        // bullet lists included.
        let sentences: Vec<extract::Sentence> =
            extract::sentences::split(text).into_iter().map(|s| extract::Sentence { chrome: false, ..s }).collect();
        note.figures = extract::figures::extract(text, &sentences)
            .into_iter()
            .filter(|f| !in_code(f.span) && !in_citation(f.span))
            .collect();
        note.mentions =
            index.find_entities(text).into_iter().filter(|m| !in_code(m.span) && !in_citation(m.span)).collect();
        let mut quotes: Vec<Quote> = find_inline_quotes(text).into_iter().filter(|q| !in_code(q.outer)).collect();
        quotes.append(&mut note.quotes);
        quotes.sort_by_key(|q| q.outer);
        note.quotes = quotes;
        note
    }

    /// The citation, figure or entity mention at `offset` (a cursor touching its end counts), in that order
    /// of preference.
    pub fn at(&self, offset: usize) -> Option<Target<'_>> {
        if let Some(c) = self.citations.iter().find(|c| c.at_span.touches(offset)) {
            return Some(Target::Citation(c));
        }
        if let Some(f) = self.figures.iter().find(|f| f.span.touches(offset)) {
            return Some(Target::Figure(f));
        }
        self.mentions.iter().find(|m| m.span.touches(offset)).map(Target::Entity)
    }

    /// True when `offset` lies in a code block or inline code.
    pub fn in_code(&self, offset: usize) -> bool {
        self.code.iter().any(|c| c.start as usize <= offset && offset < c.end as usize)
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn trim_span(text: &str, s: Span) -> Span {
    let slice = s.slice(text);
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail >= slice.len() {
        return Span::new(s.start as usize, s.start as usize);
    }
    Span::new(s.start as usize + lead, s.end as usize - trail)
}

/// The quoted words of a blockquote: without the `>` markers before its first word, and without a citation
/// that closes it (`> words — [@key]`), which names the source rather than quoting it. The `>` markers of
/// later lines stay inside the span; whoever reads the words skips them.
fn blockquote_inner(text: &str, outer: Span, citations: &[Citation]) -> Span {
    let mut s = trim_span(text, outer);
    let slice = s.slice(text);
    let lead = slice.len() - slice.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).len();
    s.start += lead as u32;
    loop {
        let slice = s.slice(text);
        let kept = slice.trim_end_matches(|c: char| c.is_whitespace() || c == '>');
        let end = s.start as usize + kept.len();
        // A citation group (or a bare `@key`) that ends the blockquote, and the dash that introduces it.
        let Some(cite) = citations.iter().find(|c| c.group.unwrap_or(c.at_span).end as usize == end) else {
            s.end = end.max(s.start as usize) as u32;
            break;
        };
        let cut = cite.group.unwrap_or(cite.at_span).start as usize;
        if cut <= s.start as usize {
            // The blockquote is nothing but a citation.
            s.end = s.start;
            break;
        }
        let before = text.get(s.start as usize..cut).unwrap_or("");
        let trimmed = before.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '—' | '–' | '―' | '-' | '>'));
        s.end = (s.start as usize + trimmed.len()) as u32;
    }
    s
}

/// Characters a Pandoc citation key may hold inside (it must start with a letter, digit or `_`).
fn is_key_inner(c: char) -> bool {
    c.is_alphanumeric() || "_:.#$%&-+?<>~/".contains(c)
}

/// Finds every `@key` that Pandoc would read as a citation.
pub fn find_citations(text: &str) -> Vec<Citation> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for at in memchr::memchr_iter(b'@', bytes) {
        // An `@` glued to a word or to another `@` is an e-mail address or a handle, not a citation.
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '@' || c == '_') {
            continue;
        }
        let rest = &text[at + 1..];
        let (key_start, key_end, at_end) = if let Some(braced) = rest.strip_prefix('{') {
            let Some(close) = braced.find('}') else { continue };
            if close == 0 || braced[..close].contains(['\n', '\r']) {
                continue;
            }
            (at + 2, at + 2 + close, at + 3 + close)
        } else {
            let mut chars = rest.char_indices();
            match chars.next() {
                Some((_, c)) if c.is_alphanumeric() || c == '_' => {}
                _ => continue,
            }
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                if !is_key_inner(c) {
                    end = i;
                    break;
                }
            }
            // Internal punctuation is part of a key, trailing punctuation is not (`@doe99.` ends a sentence).
            let key = rest[..end].trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
            (at + 1, at + 1 + key.len(), at + 1 + key.len())
        };
        let key_span = Span::new(key_start, key_end);
        out.push(Citation {
            key: key_span.slice(text).to_string(),
            key_span,
            at_span: Span::new(at, at_end),
            group: enclosing_brackets(text, at),
        });
    }
    out
}

/// The `[...]` group around `at` on the same line, if `at` sits in one.
fn enclosing_brackets(text: &str, at: usize) -> Option<Span> {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let open = text[line_start..at].rfind('[')? + line_start;
    if text[open + 1..at].contains(']') {
        return None;
    }
    let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
    let close = text[at..line_end].find(']')? + at;
    if text[at..close].contains('[') {
        return None;
    }
    Some(Span::new(open, close + 1))
}

/// Finds text between quotation marks: “…” and "…", within a paragraph.
pub fn find_inline_quotes(text: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    // The opening mark's offset, its length, and the mark that closes it.
    let mut open: Option<(usize, usize, char)> = None;
    let mut prev_break = false;
    for (i, c) in text.char_indices() {
        // A blank line ends a paragraph, and an unclosed quotation with it.
        if c == '\n' {
            if prev_break {
                open = None;
            }
            prev_break = true;
            continue;
        } else if c != '\r' && !c.is_whitespace() {
            prev_break = false;
        }
        match (open, c) {
            (None, '“') => open = Some((i, c.len_utf8(), '”')),
            (None, '"') => open = Some((i, 1, '"')),
            (Some((start, open_len, close)), c) if c == close => {
                let inner = Span::new(start + open_len, i);
                let outer = Span::new(start, i + c.len_utf8());
                if !inner.is_empty() {
                    out.push(Quote { inner, outer, blockquote: false });
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_table() {
        // (name, text, expected keys with their groups as text)
        let cases: &[(&str, &str, &[(&str, Option<&str>)])] = &[
            ("bracketed", "As shown [@cafiero2025].", &[("cafiero2025", Some("[@cafiero2025]"))]),
            ("prefix_and_locator", "[see @doe99, p. 3]", &[("doe99", Some("[see @doe99, p. 3]"))]),
            ("two_keys", "[@a1; @b2]", &[("a1", Some("[@a1; @b2]")), ("b2", Some("[@a1; @b2]"))]),
            ("in_text", "@smith04 says so.", &[("smith04", None)]),
            ("trailing_period", "as @smith04.", &[("smith04", None)]),
            ("internal_punct", "[@doe:2020.x]", &[("doe:2020.x", Some("[@doe:2020.x]"))]),
            ("braced", "[@{weird key}]", &[("weird key", Some("[@{weird key}]"))]),
            ("email_is_not", "write to a@b.org", &[]),
            ("suppress_author", "[-@doe99]", &[("doe99", Some("[-@doe99]"))]),
            ("bare_at", "an @ sign", &[]),
            ("cyrillic_key", "[@россия2024]", &[("россия2024", Some("[@россия2024]"))]),
        ];
        for &(name, text, want) in cases {
            let got: Vec<(String, Option<String>)> = find_citations(text)
                .iter()
                .map(|c| (c.key.clone(), c.group.map(|g| g.slice(text).to_string())))
                .collect();
            let want: Vec<(String, Option<String>)> =
                want.iter().map(|(k, g)| (k.to_string(), g.map(str::to_string))).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn quote_table() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("curly", "He said “a b c” today.", &["a b c"]),
            ("straight", "He said \"a b c\" today.", &["a b c"]),
            ("across_line_break", "“a b\nc d”", &["a b\nc d"]),
            ("not_across_paragraphs", "“a b\n\nc d", &[]),
            ("two", "“x” and “y”", &["x", "y"]),
        ];
        for &(name, text, want) in cases {
            let got: Vec<&str> = find_inline_quotes(text).iter().map(|q| q.inner.slice(text)).collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn blockquote_inner_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("plain", "> one two three\n", "one two three"),
            ("two_lines", "> one two\n> three four\n", "one two\n> three four"),
            ("trailing_citation", "> one two three [@key]\n", "one two three"),
            ("dash_citation", "> one two three\n> — [@key, p. 4]\n", "one two three"),
            ("only_citation", "> [@key]\n", ""),
        ];
        for &(name, text, want) in cases {
            let note = Note::parse(text, &Index::default());
            let got: Vec<&str> = note.quotes.iter().filter(|q| q.blockquote).map(|q| q.inner.slice(text)).collect();
            assert_eq!(got, [want], "{name}");
        }
    }

    #[test]
    fn code_is_never_searched() {
        let index = Index::default();
        let text = "`[@inline]` and\n\n```\n[@block] $45 billion\n```\n\n[@real]\n";
        let note = Note::parse(text, &index);
        let keys: Vec<&str> = note.citations.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["real"]);
        assert!(note.figures.is_empty());
    }

    #[test]
    fn headings_become_symbols() {
        let note = Note::parse("# Top\n\ntext\n\n## Sub *part*\n", &Index::default());
        let got: Vec<(u8, &str)> = note.headings.iter().map(|h| (h.level, h.title.as_str())).collect();
        assert_eq!(got, [(1, "Top"), (2, "Sub part")]);
    }
}
