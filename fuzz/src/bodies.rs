//! What each fuzz target does with its input, and what it checks beyond "does not panic".
//!
//! - `extract`: sentences, figures and names of arbitrary text; every span lies inside the text, on
//!   character boundaries.
//! - `note`: a note parsed against the seeds' index, then hover, definition, completion, symbols and checks
//!   at offsets the input picks; every span lies inside the note (or, for definitions, inside the source).
//! - `positions`: a text and a series of edits at arbitrary positions in either encoding, applied to a
//!   server `Document` and to a plain `String` model with the LSP rules; the two agree, and the line index
//!   of the result round-trips every offset.
//! - `server`: raw bytes as the whole input of an in-process server session.
//! - `store`: the persisted index of the seeds, damaged as the input says (bytes changed, cut, or the input
//!   itself as the file), with its checksum made right again so that the decoder proper is reached; what
//!   decodes is opened as the server opens it (from the file alone, then the seeds on disk listed against
//!   it) and asked for hovers, and a source whose stored
//!   extraction does not fit its file is never served a text. Nothing panics; what is accepted answers.
//!
//! This file is also compiled into the main crate's `tests/properties.rs`, so it uses nothing but
//! `research_lsp`, `tokio` and the LSP types of `tower-lsp-server`, which the main crate has too.

use std::sync::OnceLock;

use research_lsp::analysis::{checks, completion, hover, locations, symbols, NoLinks};
use research_lsp::extract;
use research_lsp::index::{content_hash, Index};
use research_lsp::lsp::documents::Document;
use research_lsp::note::Note;
use research_lsp::text::{Encoding, LineIndex, Span};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

/// Whether `span` is a well-formed range of `text` on character boundaries.
pub fn inside(text: &str, span: Span) -> bool {
    span.start <= span.end && text.get(span.range()).is_some()
}

pub fn extract(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let sentences = extract::sentences::split(&text);
    for s in &sentences {
        assert!(inside(&text, s.span), "sentence {:?}", s.span);
    }
    for f in extract::figures::extract(&text, &sentences) {
        assert!(inside(&text, f.span), "figure {:?}", f.span);
    }
    let names = extract::entities::extract(&text, &sentences);
    for m in &names.mentions {
        assert!(inside(&text, m.span), "name {:?}", m.span);
    }
    let _ = extract::entities::resolve(&[&names]);
}

/// The index of the embedded seeds, built once.
pub fn seeds_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::build(research_lsp::corpus::seeds()))
}

pub fn note(data: &[u8]) {
    // The first bytes pick the offsets to ask at; the rest is the note.
    let split = data.len().min(4);
    let (picks, rest) = data.split_at(split);
    let text = String::from_utf8_lossy(rest);
    let index = seeds_index();
    let note = Note::parse(&text, index);
    for m in &note.mentions {
        assert!(inside(&text, m.span), "mention {:?}", m.span);
    }
    for f in &note.figures {
        assert!(inside(&text, f.span), "figure {:?}", f.span);
    }
    for q in &note.quotes {
        assert!(inside(&text, q.outer) && inside(&text, q.inner), "quote {q:?}");
    }
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let offsets: Vec<usize> = if boundaries.len() <= 64 {
        boundaries
    } else {
        picks.iter().map(|&p| boundaries[(p as usize * boundaries.len()) / 256]).collect()
    };
    for offset in offsets {
        if let Some(h) = hover::hover(index, &text, &note, offset, &NoLinks) {
            assert!(inside(&text, h.span), "hover {:?} at {offset}", h.span);
        }
        for loc in locations::definition(index, &note, offset) {
            let source = index.source(loc.source).text().expect("the seeds' texts are held");
            assert!(inside(&source.text, loc.span), "definition {:?} at {offset}", loc.span);
        }
        for item in completion::complete(index, &text, &note, offset).items {
            assert!(inside(&text, item.replace), "completion {:?} at {offset}", item.replace);
        }
    }
    for item in symbols::document_symbols(&note, text.len()) {
        assert!(inside(&text, item.full) && inside(&text, item.heading), "symbol {:?}", item.full);
    }
    for finding in checks::check(index, &text, &note) {
        assert!(inside(&text, finding.span), "finding {:?}", finding.span);
    }
}

/// Pieces that edits insert.
const PIECES: &[&str] = &["", "a", "é", "Ж", "中", "😀", "\r\n", "\n", "\r", "\u{2028}", "Kazakhstan ", "x\ry"];

/// The model's byte offset of an LSP position: lines broken by `\r\n`, `\n` and `\r`; a line past the end is
/// the end of the text; a column past the line's end is the line's end; a column inside a character is that
/// character's start.
pub fn model_offset(text: &str, line: usize, col: usize, enc: Encoding) -> usize {
    let bytes = text.as_bytes();
    let mut start = 0;
    for _ in 0..line {
        let Some(i) = bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r') else { return text.len() };
        let at = start + i;
        start = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { at + 2 } else { at + 1 };
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        let w = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if c == '\n' || c == '\r' || units + w > col {
            return start + i;
        }
        units += w;
    }
    text.len()
}

pub fn positions(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let enc = if first & 1 == 0 { Encoding::Utf16 } else { Encoding::Utf8 };
    let text_len = (first as usize >> 1).min(rest.len());
    let (head, edits) = rest.split_at(text_len);
    let mut model = String::from_utf8_lossy(head).into_owned();
    let mut doc = Document::new(&model, 1);
    for e in edits.chunks_exact(5) {
        let (sl, sc, el, ec) = (e[0] as u32 % 8, e[1] as u32 % 64, e[2] as u32 % 8, e[3] as u32 % 64);
        let insert = PIECES[e[4] as usize % PIECES.len()];
        let range = Range { start: Position { line: sl, character: sc }, end: Position { line: el, character: ec } };
        let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: insert.into() };
        let a = model_offset(&model, sl as usize, sc as usize, enc);
        let b = model_offset(&model, el as usize, ec as usize, enc);
        let applied = doc.apply(&change, enc);
        if a <= b {
            assert!(applied.is_ok(), "{range:?} refused in {model:?}");
            model.replace_range(a..b, insert);
        } else {
            assert!(applied.is_err(), "{range:?} applied backwards in {model:?}");
        }
        assert_eq!(doc.rope.to_string(), model, "after {range:?} {insert:?}");
    }
    let idx = LineIndex::new(&model);
    for (i, _) in model.char_indices() {
        let back = idx.offset(&model, idx.line_col(&model, i, enc), enc);
        let gap = model.get(back.min(i)..back.max(i)).unwrap_or("?");
        assert!(back == i || gap.chars().all(|c| c == '\r' || c == '\n'), "offset {i} came back as {back}");
    }
}

/// A runtime for in-process server sessions, with the seeds' cache kept out of the user's home.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let cache = std::env::temp_dir().join(format!("research-lsp-fuzz-cache-{}", std::process::id()));
        std::env::set_var("XDG_CACHE_HOME", cache);
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime")
    })
}

pub fn store(data: &[u8]) {
    use research_lsp::store;
    // The seeds written to a directory of their own, indexed from there, and that index's file.
    static DISK: OnceLock<(std::path::PathBuf, Vec<u8>)> = OnceLock::new();
    let (dir, file) = DISK.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("research-lsp-fuzz-store-{}", std::process::id()));
        let dir = research_lsp::corpus::materialize_seeds(&root).expect("the seeds written");
        let index = Index::load(std::slice::from_ref(&dir), &[]);
        (dir, store::encode(&index))
    });
    let Some((&mode, rest)) = data.split_first() else { return };
    let mut bytes = match mode % 3 {
        // The input is the file.
        0 => rest.to_vec(),
        // The input says which bytes to change: (position, value) pairs.
        1 => {
            let mut b = file.clone();
            for pair in rest.chunks_exact(3) {
                let at = usize::from(u16::from_le_bytes([pair[0], pair[1]])) * b.len() / 65536;
                b[at] = pair[2];
            }
            b
        }
        // Cut at a point the input picks, and put the input after it.
        _ => {
            let at = rest.first().map_or(0, |&p| usize::from(p) * file.len() / 256);
            let mut b = file[..at].to_vec();
            b.extend_from_slice(rest);
            b
        }
    };
    if mode & 4 == 0 {
        store::reseal(&mut bytes);
    }
    let Ok(stored) = store::decode(&bytes) else { return };
    // As the server opens it: from the store alone; the corpus is listed against it in the background.
    let index = store::restore_unlisted(stored);
    let _ = store::holds_for(&index, research_lsp::corpus::list(std::slice::from_ref(dir)));
    {
        let text = "Russia, Kazakhstan and the Eurasian Economic Union; $45 billion, 62 percent [@valdai].";
        let note = Note::parse(text, &index);
        for offset in 0..text.len() {
            if text.is_char_boundary(offset) {
                let _ = hover::hover(&index, text, &note, offset, &NoLinks);
                let _ = locations::definition(&index, &note, offset);
            }
        }
        let _ = checks::check(&index, text, &note);
        // The checks run in the background after a restart: postings and figure order.
        if let Some(mended) = index.with_checked_store() {
            let note = Note::parse(text, &mended);
            let _ = hover::hover(&mended, text, &note, 0, &NoLinks);
        }
        // What was accepted but does not fit the files is found by the check, and its file is never quoted
        // from. The one text that may still be served for it is a copy of the very text indexed, kept from an
        // earlier read of the same content (the cache of texts is keyed by content hash: see
        // `SourceDoc::text`), as after an edit until the re-index is in; a store whose path was changed to
        // another file's meets that copy whenever the process read the content before.
        for path in store::stale_sources(&index) {
            let doc = index.sources.iter().find(|d| d.meta.path == path).expect("a source of the index");
            if let Ok(served) = doc.text() {
                let same = served.text.len() == doc.len && content_hash(&served.text) == doc.hash;
                assert!(same, "{path:?} is stale ({:?}) yet a text not indexed is served", doc.check_file());
            }
        }
    }
}

pub fn server(data: &[u8]) {
    let ending = server_session(data);
    assert!(!matches!(ending, research_lsp::lsp::Ending::OutputFailed), "{ending:?}");
}

/// The `initialize` every session starts with, so that the input reaches the handlers rather than the
/// "not initialized" refusal. Its answer is awaited before the input goes in, as a client would.
const INITIALIZE: &str =
    r#"{"jsonrpc":"2.0","id":"fuzz-init","method":"initialize","params":{"processId":null,"capabilities":{}}}"#;

/// Runs one in-process session: an `initialize`, then `data` as raw bytes; says how it ended.
pub fn server_session(data: &[u8]) -> research_lsp::lsp::Ending {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let data = data.to_vec();
    runtime().block_on(async move {
        let (mut client_out, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, mut client_in) = tokio::io::duplex(1 << 16);
        let session = tokio::spawn(research_lsp::lsp::serve(server_in, server_out));
        let init = format!("Content-Length: {}\r\n\r\n{INITIALIZE}", INITIALIZE.len());
        client_out.write_all(init.as_bytes()).await.expect("the session reads its input");
        // Wait for the answer to `initialize`, then keep draining the output so the server never blocks.
        let mut seen = Vec::new();
        let mut buf = vec![0u8; 1 << 16];
        while !seen.windows(11).any(|w| w == b"\"fuzz-init\"") {
            match client_in.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        let drain = tokio::spawn(async move { while matches!(client_in.read(&mut buf).await, Ok(n) if n > 0) {} });
        // The server may stop reading early (after `exit`): a failed write then is no failure of the test.
        let _ = client_out.write_all(&data).await;
        drop(client_out);
        let ending = session.await.expect("the session does not panic");
        drain.abort();
        ending
    })
}
