//! Byte spans, line indexes and position conversion.
//!
//! The core of research-lsp speaks byte offsets into UTF-8 text, and nothing else. Lines and columns exist
//! only at the edges: the CLI prints 0-based lines with UTF-16 columns (the contract of `index --json`), and
//! the language server converts to whichever encoding the client negotiated. Everything here is pure and
//! total: offsets and positions past the end are clamped, never a panic.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r`, exactly the three that LSP counts (so U+2028 and friends are
//! ordinary characters here, as they are to the client).

use serde::Serialize;

/// A half-open byte range `start..end` into one text. `u32` keeps postings compact; a single source larger
/// than 4 GiB is refused by the corpus loader before it gets here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start: start as u32, end: end as u32 }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// True when `offset` lies inside the span or touches its end (a cursor right after a word is "on" it).
    pub fn touches(self, offset: usize) -> bool {
        self.start as usize <= offset && offset <= self.end as usize
    }
    pub fn contains_span(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// The text of the span, or "" when the span does not fall on character boundaries of `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.range()).unwrap_or("")
    }
}

/// How a client counts columns. LSP's default is UTF-16; UTF-8 is used when the client offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A 0-based line and a column counted in the chosen encoding's code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The byte offset at which each line starts.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut i = 0;
        while let Some(pos) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + pos;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
            starts.push(next as u32);
            i = next;
        }
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line that holds `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// The byte range of line `line` without its line break; an empty range at the end for lines past the
    /// last one.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let Some(&start) = self.starts.get(line) else {
            return Span::new(text.len(), text.len());
        };
        let mut end = self.starts.get(line + 1).map_or(text.len(), |&s| s as usize);
        let bytes = text.as_bytes();
        if end > start as usize && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start as usize && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start as usize, end)
    }

    /// Converts a byte offset to a line and column. An offset inside a character counts from that
    /// character's start; an offset past the end is the end.
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let prefix = &text[start..offset];
        let col = match enc {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        };
        LineCol { line: line as u32, col: col as u32 }
    }

    /// Converts a line and column to a byte offset, clamping as LSP says: a line past the end is the end of
    /// the text, a column past the line's end is the line's end, and a column inside a character (half a
    /// surrogate pair, a byte inside a UTF-8 sequence) is that character's start.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len();
        }
        let span = self.line_span(text, line);
        let line_text = span.slice(text);
        let want = pos.col as usize;
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            let w = match enc {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
            if units + w > want {
                return span.start as usize + i;
            }
            units += w;
        }
        span.end as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_table() {
        // (name, text, offset, utf16 line/col, utf8 line/col)
        let cases: &[(&str, &str, usize, (u32, u32), (u32, u32))] = &[
            ("empty_text", "", 0, (0, 0), (0, 0)),
            ("past_eof", "ab", 9, (0, 2), (0, 2)),
            ("after_lf", "a\nb", 2, (1, 0), (1, 0)),
            ("after_crlf", "a\r\nb", 3, (1, 0), (1, 0)),
            ("lone_cr", "a\rb", 2, (1, 0), (1, 0)),
            ("emoji_utf16", "😀x", 4, (0, 2), (0, 4)),
            ("cyrillic", "Россия x", 13, (0, 7), (0, 13)),
            ("inside_char", "é", 1, (0, 0), (0, 0)),
            ("u2028_not_break", "a\u{2028}b", 4, (0, 2), (0, 4)),
        ];
        for &(name, text, offset, u16lc, u8lc) in cases {
            let idx = LineIndex::new(text);
            let got16 = idx.line_col(text, offset, Encoding::Utf16);
            let got8 = idx.line_col(text, offset, Encoding::Utf8);
            assert_eq!((got16.line, got16.col), u16lc, "{name} utf16");
            assert_eq!((got8.line, got8.col), u8lc, "{name} utf8");
        }
    }

    #[test]
    fn offset_table() {
        // (name, text, line, col, encoding, expected offset)
        let cases: &[(&str, &str, u32, u32, Encoding, usize)] = &[
            ("origin", "abc", 0, 0, Encoding::Utf16, 0),
            ("col_past_line_end", "ab\ncd", 0, 99, Encoding::Utf16, 2),
            ("col_past_crlf_line_end", "ab\r\ncd", 0, 99, Encoding::Utf16, 2),
            ("line_past_eof", "ab\ncd", 7, 0, Encoding::Utf16, 5),
            ("after_emoji_utf16", "😀x", 0, 2, Encoding::Utf16, 4),
            ("half_surrogate", "😀x", 0, 1, Encoding::Utf16, 0),
            ("after_emoji_utf8", "😀x", 0, 4, Encoding::Utf8, 4),
            ("inside_utf8_seq", "😀x", 0, 2, Encoding::Utf8, 0),
            ("second_line_cyrillic", "a\nРоссия", 1, 3, Encoding::Utf16, 8),
            ("empty_last_line", "a\n", 1, 0, Encoding::Utf16, 2),
        ];
        for &(name, text, line, col, enc, want) in cases {
            let idx = LineIndex::new(text);
            assert_eq!(idx.offset(text, LineCol { line, col }, enc), want, "{name}");
        }
    }

    #[test]
    fn roundtrip_every_boundary() {
        let text = "Kazakhstan 😀\r\nРоссия\rend\n\nx";
        let idx = LineIndex::new(text);
        for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                let lc = idx.line_col(text, i, enc);
                let back = idx.offset(text, lc, enc);
                // A position inside a line break maps to the line's end, which is where the break starts.
                assert!(back == i || text[back..i].chars().all(|c| c == '\r' || c == '\n'), "{i} {enc:?}");
            }
        }
    }
}
