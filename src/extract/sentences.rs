//! Sentence splitting. (First version; to be refined.)

use super::Sentence;
use crate::text::Span;

/// Splits `text` into sentences and stand-alone blocks, every one trimmed of surrounding whitespace.
pub fn split(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        let line_end = line_start + line.len();
        let mut start = line_start;
        let bytes = text.as_bytes();
        let mut i = line_start;
        while i < line_end {
            let b = bytes[i];
            if (b == b'.' || b == b'?' || b == b'!') && i + 1 < line_end && bytes[i + 1] == b' ' {
                push(text, &mut out, start, i + 1);
                start = i + 1;
            }
            i += 1;
        }
        push(text, &mut out, start, line_end);
        line_start = line_end;
    }
    out
}

fn push(text: &str, out: &mut Vec<Sentence>, start: usize, end: usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if start + lead < end - trail {
        out.push(Sentence { span: Span::new(start + lead, end - trail), chrome: false });
    }
}
