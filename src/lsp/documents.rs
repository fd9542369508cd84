//! Open notes: their text as ropes, their versions, and a cached parse.
//!
//! Edits are applied synchronously, in the order the client sent them, inside the notification handler and
//! before anything awaits, so a request that follows an edit always sees it. A change whose range starts after
//! it ends is refused, and a version that does not increase is reported; positions past the end are clamped.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

use crate::analysis::checks::Finding;
use crate::note::Note;
use crate::text::{Encoding, LineIndex};

/// A parsed snapshot of a note, valid for one version of its text and one generation of the index.
#[derive(Debug)]
pub struct Parsed {
    pub text: String,
    pub lines: LineIndex,
    pub note: Note,
    pub version: i32,
    pub generation: u64,
}

/// An open note.
#[derive(Debug)]
pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub parsed: Option<Arc<Parsed>>,
    /// The findings of the last check: for which version and index generation.
    pub findings: Option<(i32, u64, Arc<Vec<Finding>>)>,
}

/// Why a change was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum EditError {
    StartAfterEnd(Range),
}

impl Document {
    pub fn new(text: &str, version: i32) -> Document {
        Document { rope: Rope::from_str(text), version, parsed: None, findings: None }
    }

    /// Applies one content change. A change without a range replaces the whole text.
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) -> Result<(), EditError> {
        self.parsed = None;
        self.findings = None;
        let Some(range) = change.range else {
            self.rope = Rope::from_str(&change.text);
            return Ok(());
        };
        let start = char_index(&self.rope, range.start, enc);
        let end = char_index(&self.rope, range.end, enc);
        if start > end {
            return Err(EditError::StartAfterEnd(range));
        }
        self.rope.remove(start..end);
        self.rope.insert(start, &change.text);
        Ok(())
    }
}

/// The char index of an LSP position in a rope, clamped to the line's end and the document's end. Lines are
/// broken by `\n`, `\r\n` and `\r` only (ropey is built without `unicode_lines`).
pub fn char_index(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let want = pos.character as usize;
    let mut units = 0;
    let mut chars = 0;
    for ch in rope.line(line).chars() {
        if ch == '\n' || ch == '\r' {
            break;
        }
        let w = match enc {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
        };
        if units + w > want {
            break;
        }
        units += w;
        chars += 1;
    }
    line_start + chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position { line: sl, character: sc },
                end: Position { line: el, character: ec },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn edit_table() {
        // (name, initial text, change, encoding, expected text)
        let cases: &[(&str, &str, TextDocumentContentChangeEvent, Encoding, &str)] = &[
            ("insert_after_emoji_utf16", "😀x", change(0, 2, 0, 2, "y"), Encoding::Utf16, "😀yx"),
            ("insert_after_emoji_utf8", "😀x", change(0, 4, 0, 4, "y"), Encoding::Utf8, "😀yx"),
            ("replace_cyrillic", "Россия", change(0, 0, 0, 3, "Бе"), Encoding::Utf16, "Бесия"),
            ("crlf_second_line", "a\r\nbc", change(1, 1, 1, 2, "X"), Encoding::Utf16, "a\r\nbX"),
            ("lone_cr_is_a_break", "a\rbc", change(1, 0, 1, 0, "X"), Encoding::Utf16, "a\rXbc"),
            ("u2028_is_not_a_break", "a\u{2028}b", change(0, 2, 0, 2, "X"), Encoding::Utf16, "a\u{2028}Xb"),
            ("col_past_line_end", "ab\ncd", change(0, 99, 0, 99, "!"), Encoding::Utf16, "ab!\ncd"),
            ("line_past_end", "ab", change(5, 0, 6, 0, "!"), Encoding::Utf16, "ab!"),
            ("delete_across_lines", "ab\ncd\nef", change(0, 1, 2, 1, ""), Encoding::Utf16, "af"),
            ("half_surrogate_snaps_back", "😀x", change(0, 1, 0, 1, "y"), Encoding::Utf16, "y😀x"),
        ];
        for (name, initial, ch, enc, want) in cases {
            let mut doc = Document::new(initial, 1);
            doc.apply(ch, *enc).unwrap();
            assert_eq!(doc.rope.to_string(), *want, "{name}");
        }
    }

    #[test]
    fn start_after_end_is_refused() {
        let mut doc = Document::new("abc", 1);
        assert!(doc.apply(&change(0, 2, 0, 1, "x"), Encoding::Utf16).is_err());
        assert_eq!(doc.rope.to_string(), "abc");
    }
}
