//! Conversions between the core's byte spans and LSP positions, in the negotiated encoding.
//!
//! Positions past a line's end or the document's end are clamped, as the specification says; a position in
//! the middle of a character snaps to that character's start. Nothing here can panic on a client's numbers.

use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

use crate::index::SourceDoc;
use crate::text::{Encoding, LineCol, LineIndex, Span};

/// A text with its line index and the encoding the client counts in.
pub struct Conv<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub enc: Encoding,
}

impl Conv<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let lc = self.lines.line_col(self.text, offset, self.enc);
        Position { line: lc.line, character: lc.col }
    }

    pub fn range(&self, span: Span) -> Range {
        Range { start: self.position(span.start as usize), end: self.position(span.end as usize) }
    }

    pub fn offset(&self, pos: Position) -> usize {
        self.lines.offset(self.text, LineCol { line: pos.line, col: pos.character }, self.enc)
    }
}

/// The file URI of a source, where it has a file an editor can open.
pub fn source_uri(doc: &SourceDoc) -> Option<Uri> {
    if !doc.meta.path.is_absolute() {
        return None;
    }
    Uri::from_file_path(&doc.meta.path)
}

/// A location in a source.
pub fn source_location(doc: &SourceDoc, span: Span, enc: Encoding) -> Option<Location> {
    let uri = source_uri(doc)?;
    let source = doc.text().ok()?;
    let conv = Conv { text: &source.text, lines: &source.lines, enc };
    Some(Location { uri, range: conv.range(span) })
}
