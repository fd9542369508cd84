//! The persisted index: what the extractors and the merge found, written to the cache directory so that a
//! restart over an unchanged corpus answers at once instead of extracting everything again.
//!
//! One file per corpus (its name is a hash of the corpus roots), holding for each source its path, length
//! and [content hash](crate::index::content_hash) with its sentences, figures, names and assigned mentions,
//! then the entities with their postings. Texts are not stored: they are read from the corpus as always,
//! and a source's stored extraction is used only when its text hashes the same.
//!
//! The file is never trusted. It starts with a magic number, the format version and the version of the
//! program that wrote it, the payload's length and its XXH3 checksum; a file that is short, long,
//! damaged, from another version, or whose spans do not fit the texts is reported and rebuilt. Reading
//! is bounds-checked throughout (no length read from the file is allocated before it is checked against
//! the bytes that remain), so a damaged file costs a rebuild, never a crash. Writes go to a temporary
//! file renamed into place, so a reader never sees half a file.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::corpus::{SourceMeta, Stamp, Warning};
use crate::extract::{self, AcronymDef, DocName, DocNames, EntityKind, Figure, NameMention, Sentence, Symbol, Unit};
use crate::figure_order::FigureOrder;
use crate::index::{self, Entity, FigureRef, Index, Postings, Prior, SourceDoc, SourceId};
use crate::lazy::{Counted, Lazy};
use crate::text::Span;

/// Bumped whenever the layout below or what the extractors produce changes.
pub const FORMAT_VERSION: u32 = 7;
const MAGIC: &[u8; 8] = b"RLSPIDX\0";
/// Entities per separately decodable chunk.
const ENTITY_CHUNK: usize = 1024;
/// Magic, format version, payload length, payload checksum.
const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// Why a persisted index was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// There is no persisted index for this corpus yet.
    Missing,
    /// The file could not be read.
    Io(String),
    /// Written by another format or another version of research-lsp.
    Version(String),
    /// Truncated or damaged: the header, the checksum or the contents do not hold together.
    Corrupt(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Missing => write!(f, "no persisted index yet"),
            StoreError::Io(e) => write!(f, "cannot read the persisted index: {e}"),
            StoreError::Version(e) => write!(f, "the persisted index is from another version ({e})"),
            StoreError::Corrupt(e) => write!(f, "the persisted index is damaged ({e})"),
        }
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// The file that holds the persisted index of the corpus made of `roots`, under `cache_dir`.
pub fn path_for(cache_dir: &Path, roots: &[PathBuf]) -> PathBuf {
    let mut key = Vec::new();
    for root in roots {
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        key.extend_from_slice(root.to_string_lossy().as_bytes());
        key.push(0);
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&key);
    cache_dir.join(format!("index-{hash:016x}.bin"))
}

/// A persisted index as read back: the stored extraction of each source, and the merge.
#[derive(Debug)]
pub struct Stored {
    docs: Vec<StoredDoc>,
    entities: Vec<Entity>,
    /// The figures in quantity order; checked when used (see [`Index::finish_with`]).
    by_quantity: FigureOrder,
    /// What loading the corpus warned of (files skipped, bibliography entries not read).
    warnings: Vec<Warning>,
}

#[derive(Debug)]
struct StoredDoc {
    prior: Prior,
    /// The source's metadata as the corpus gave it then (citation key, title, author, ...).
    meta: SourceMeta,
    entity_of_name: Vec<Option<u32>>,
}

impl Stored {
    /// The number of sources stored.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// An index restored from a persisted one (see [`restore`]).
#[cfg(test)]
pub struct Restored {
    pub index: Index,
    /// True when every source was as stored, so the stored merge was used whole; false when some sources
    /// changed, came or went and the names were merged again.
    pub whole: bool,
    /// The sources read and extracted again.
    pub extracted: usize,
}

/// The index of the corpus under `paths`, taken from `stored` where its files are unchanged.
///
/// A source whose file has the size and modification time stored is taken as it was, without reading the
/// file; any other file is read, and keeps its stored extraction if its text hashes the same. When every
/// source comes from the store, in the stored order, the stored entities and postings are used as they are;
/// otherwise the names are merged again. `also` is more to reuse (the index in use), after the store.
///
/// Texts are not read here, so what was stored is checked against them later: each time a text is read
/// ([`crate::index::SourceDoc::text`] checks its hash and that the stored spans fit it), and in one pass by
/// [`stale_sources`], which a caller runs in the background to re-index whatever no longer matches.
///
/// The server does not wait for the listing this takes: it takes the store as it is ([`restore_unlisted`]),
/// lists the corpus afterwards ([`holds_for`]) and indexes again, reusing what is unchanged, where it
/// differs. The tests restore against a changed corpus in one call, here.
#[cfg(test)]
pub fn restore(stored: Stored, paths: &[PathBuf], also: &[Prior]) -> Restored {
    let listing = crate::corpus::list(paths);
    let Stored { docs, entities, by_quantity, warnings: _ } = stored;
    let n = docs.len();
    let mut assigned: Vec<Vec<Option<u32>>> = Vec::with_capacity(n);
    let mut prior: Vec<Prior> = Vec::with_capacity(n + also.len());
    for d in docs {
        assigned.push(d.entity_of_name);
        prior.push(d.prior);
    }
    prior.extend_from_slice(also);
    let gathered = index::gather_listed(listing, &prior);
    // The prior each source's extraction was taken from, if any: a reused extraction is the prior's own.
    let of_prior: std::collections::HashMap<*const Lazy<Vec<Sentence>>, usize> =
        prior.iter().enumerate().map(|(i, p)| (Arc::as_ptr(&p.sentences), i)).collect();
    let from_prior: Vec<Option<usize>> =
        gathered.docs.iter().map(|d| of_prior.get(&Arc::as_ptr(&d.sentences)).copied()).collect();
    let extracted = from_prior.iter().filter(|f| f.is_none()).count();
    let whole = gathered.docs.len() == n && from_prior.iter().enumerate().all(|(i, f)| *f == Some(i));
    let index = if whole {
        let mut docs = gathered.docs;
        for (doc, entity_of_name) in docs.iter_mut().zip(assigned) {
            doc.entity_of_name = entity_of_name;
        }
        Index::finish_with(docs, entities, gathered.warnings, index::Order::Stored(by_quantity))
    } else {
        Index::merged(gathered.docs, gathered.keys, Some(gathered.streamed), gathered.warnings)
    };
    Restored { index, whole, extracted }
}

/// The index as stored, without looking at the corpus: every source taken with the metadata, size and
/// modification time it had, the loader's warnings as they were, the stored entities and postings used as
/// they are. What the corpus holds now is checked afterwards, off the path to the first answer: the files'
/// sizes and times by [`holds_for`] (a walk of the corpus, which at 36,000 files takes longer than reading
/// the store), the texts by [`stale_sources`]; an excerpt is checked against its text whenever one is read
/// ([`crate::index::SourceDoc::text`]), so nothing is ever quoted from a text that changed meanwhile.
pub fn restore_unlisted(stored: Stored) -> Index {
    let Stored { docs, entities, by_quantity, warnings } = stored;
    let docs = docs.into_iter().map(|d| SourceDoc::stored(d.meta, d.prior, d.entity_of_name)).collect();
    Index::finish_with(docs, entities, warnings, index::Order::Stored(by_quantity))
}

/// Whether `index` is the index of the corpus `listing` lists: the same documents in the same order, each
/// with the size and modification time it was indexed at or else the same text, the same metadata
/// (bibliographies are read again by the listing), and the same files skipped (see [`restore_unlisted`]).
/// No document whose size and time are unchanged is read; one whose size or time changed is read and
/// hashed, not extracted (a file saved again unchanged still holds: its next listing reads it again).
pub fn holds_for(index: &Index, listing: crate::corpus::Listing) -> bool {
    let sources: std::collections::HashMap<&Path, usize> =
        index.sources.iter().enumerate().map(|(i, d)| (d.meta.path.as_path(), i)).collect();
    let known = |path: &Path, stamp: Stamp| {
        let &i = sources.get(path)?;
        let doc = &index.sources[i];
        (doc.meta.stamp == Some(stamp)).then(|| (Some(i), doc.title_line.clone()))
    };
    let same_text = |texts: &[crate::corpus::Text<'_>]| -> Vec<Option<usize>> {
        let same = |path: &Path, text: &str| {
            let &i = sources.get(path)?;
            let doc = &index.sources[i];
            (doc.len == text.len() && doc.hash == index::content_hash(text)).then_some(i)
        };
        texts.iter().map(|t| same(t.path, t.text)).collect()
    };
    let (listed, warnings) = crate::corpus::load_listed(listing, &known, &same_text);
    // All but the stamp, which is the file's now where its text was read again.
    let same_meta = |a: &SourceMeta, b: &SourceMeta| {
        (&a.key, &a.title, &a.author, &a.date, &a.publisher, &a.path, a.embedded)
            == (&b.key, &b.title, &b.author, &b.date, &b.publisher, &b.path, b.embedded)
    };
    // A source's own warning (a text that was not UTF-8) is given when its file is read, and an unchanged
    // file is not: only the warnings about files that are not sources are compared.
    let skipped = |w: &&Warning| !sources.contains_key(w.path.as_path());
    listed.len() == index.sources.len()
        && listed
            .iter()
            .zip(&index.sources)
            .enumerate()
            .all(|(i, ((meta, from), doc))| *from == Some(i) && same_meta(meta, &doc.meta))
        && warnings.iter().filter(skipped).eq(index.warnings.iter().filter(skipped))
}

/// The sources of `index` whose files no longer hold the text indexed, or that the stored extraction does
/// not fit: read in one parallel pass.
pub fn stale_sources(index: &Index) -> Vec<PathBuf> {
    index
        .sources
        .par_iter()
        .filter(|doc| !doc.meta.embedded && doc.check_file().is_err())
        .map(|doc| doc.meta.path.clone())
        .collect()
}

/// Reads the persisted index at `path`.
pub fn read(path: &Path) -> Result<Stored, StoreError> {
    let bytes = match read_bytes(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::Missing),
        Err(e) => return Err(StoreError::Io(e.to_string())),
    };
    decode_owned(bytes)
}

/// The bytes of the file at `path`. On Unix a large file is read in two halves at once: copying 268 MB out of
/// the page cache (and faulting in the memory it goes to) took 180 ms on one core, while the other had
/// nothing to do until the bytes were there.
fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        let file = fs::File::open(path)?;
        let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
        if len >= 1 << 20 && len < isize::MAX as usize {
            let mut bytes = vec![0u8; len];
            let (first, second) = bytes.split_at_mut(len / 2);
            let (a, b) = rayon::join(|| file.read_exact_at(first, 0), || file.read_exact_at(second, (len / 2) as u64));
            a?;
            b?;
            // A file that grew meanwhile is read as it was; one that shrank fails above. Either way the
            // checksum decides whether the bytes are a whole index.
            return Ok(bytes);
        }
    }
    fs::read(path)
}

/// Writes `index` to `path`, atomically: a temporary file in the same directory, renamed into place.
pub fn write(index: &Index, path: &Path) -> std::io::Result<()> {
    write_bytes(&encode(index), path)
}

fn write_bytes(bytes: &[u8], path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The bytes of the persisted index of `index`.
pub fn encode(index: &Index) -> Vec<u8> {
    // Sources are encoded in parallel, each into its own buffer.
    let parts: Vec<Vec<u8>> = index
        .sources
        .par_iter()
        .map(|doc| {
            let mut w = Writer::default();
            encode_doc(&mut w, doc);
            w.buf
        })
        .collect();
    let mut w = Writer::default();
    w.str(env!("CARGO_PKG_VERSION"));
    w.uint(index.sources.len() as u64);
    for part in &parts {
        w.uint(part.len() as u64);
        w.buf.extend_from_slice(part);
    }
    // Entities go in chunks of known byte length, so that they decode in parallel too.
    w.uint(index.entities.len() as u64);
    let chunks: Vec<Vec<u8>> = index
        .entities
        .par_chunks(ENTITY_CHUNK)
        .map(|chunk| {
            let mut w = Writer::default();
            chunk.iter().for_each(|e| encode_entity(&mut w, e));
            w.buf
        })
        .collect();
    for chunk in &chunks {
        w.uint(chunk.len() as u64);
        w.buf.extend_from_slice(chunk);
    }
    // The figures in quantity order, which would otherwise be sorted again: in chunks of known length and
    // count, so that they decode in parallel.
    let order = index.figure_order();
    w.uint(order.len() as u64);
    // (The order's own chunks: a few thousand entries each, see `FigureOrder`.)
    let chunks = order.chunks();
    let encoded: Vec<Vec<u8>> = chunks
        .par_iter()
        .map(|chunk| {
            let mut w = Writer::default();
            for r in chunk.iter() {
                w.uint(u64::from(r.source));
                w.uint(u64::from(r.figure));
            }
            w.buf
        })
        .collect();
    w.uint(chunks.len() as u64);
    for (chunk, bytes) in chunks.iter().zip(&encoded) {
        w.uint(chunk.len() as u64);
        w.uint(bytes.len() as u64);
        w.buf.extend_from_slice(bytes);
    }
    w.uint(index.warnings.len() as u64);
    for warning in &index.warnings {
        w.str(&warning.path.to_string_lossy());
        w.str(&warning.message);
    }
    let payload = w.buf;
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Makes the header of `bytes` (a file [`encode`] wrote, then changed) agree with its payload again: the
/// length and the checksum. For tests and fuzzing, which must get past the checksum to reach the rest.
pub fn reseal(bytes: &mut [u8]) {
    if bytes.len() < HEADER_LEN {
        return;
    }
    let (header, payload) = bytes.split_at_mut(HEADER_LEN);
    header[12..20].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    header[20..28].copy_from_slice(&xxhash_rust::xxh3::xxh3_64(payload).to_le_bytes());
}

/// Reads back what [`encode`] wrote (see [`decode_owned`]).
pub fn decode(bytes: &[u8]) -> Result<Stored, StoreError> {
    decode_owned(bytes.to_vec())
}

/// Reads back what [`encode`] wrote. Everything is checked: the header and the checksum, then the structure
/// of what every answer needs (each source's path, length, hash and counts; the entities with the number of
/// their postings; the figure order, each entry against its source's count of figures). Each source's
/// sentences, figures and names, and each entity's postings, stay in `bytes` and are decoded when first used
/// ([`Lazy`]), where they are checked against those counts (and a posting against the number of sources);
/// that every posting decodes and is a mention of its own entity is checked off the path to the first answer
/// ([`Index::with_checked_store`]).
pub fn decode_owned(bytes: Vec<u8>) -> Result<Stored, StoreError> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(corrupt("not a research-lsp index file"));
    }
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or([0; 4]));
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or([0; 8]));
    let format = u32_at(8);
    if format != FORMAT_VERSION {
        return Err(StoreError::Version(format!("format {format}, this program reads {FORMAT_VERSION}")));
    }
    let len = u64_at(12);
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(corrupt(&format!("{} payload bytes where the header says {len}", payload.len())));
    }
    if xxhash_rust::xxh3::xxh3_64(payload) != u64_at(20) {
        return Err(corrupt("checksum mismatch"));
    }
    let bytes = Arc::new(bytes);
    let mut r = Reader { data: &bytes, pos: HEADER_LEN };
    let version = r.str()?;
    if version != env!("CARGO_PKG_VERSION") {
        return Err(StoreError::Version(format!("written by {version}, this is {}", env!("CARGO_PKG_VERSION"))));
    }
    let n = r.count(1)?;
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count(1)?;
        let start = r.pos;
        r.take(len)?;
        ranges.push(start..r.pos);
    }
    let docs: Vec<StoredDoc> = ranges
        .into_par_iter()
        .map(|range| {
            let mut part = Reader { data: &bytes[..range.end], pos: range.start };
            let doc = decode_doc(&mut part, &bytes)?;
            if part.pos != range.end {
                return Err(corrupt("trailing bytes in a source"));
            }
            Ok(doc)
        })
        .collect::<Result<_, _>>()?;
    let n = r.count(1)?;
    let mut chunks: Vec<(std::ops::Range<usize>, usize)> = Vec::with_capacity(n.div_ceil(ENTITY_CHUNK));
    for first in (0..n).step_by(ENTITY_CHUNK) {
        let len = r.count(1)?;
        let start = r.pos;
        r.take(len)?;
        chunks.push((start..r.pos, ENTITY_CHUNK.min(n - first)));
    }
    let decoded: Vec<Vec<Entity>> = chunks
        .into_par_iter()
        .map(|(chunk, count)| {
            let mut r = Reader { data: &bytes[..chunk.end], pos: chunk.start };
            let entities = (0..count).map(|_| decode_entity(&mut r, &docs, &bytes)).collect::<Result<Vec<_>, _>>()?;
            if r.pos != chunk.end {
                return Err(corrupt("trailing bytes in the entities"));
            }
            Ok(entities)
        })
        .collect::<Result<_, _>>()?;
    let entities: Vec<Entity> = decoded.into_iter().flatten().collect();
    let total = r.count(2)?;
    let n = r.count(2)?;
    let mut chunks: Vec<(std::ops::Range<usize>, usize)> = Vec::with_capacity(n);
    let mut counted = 0;
    for _ in 0..n {
        let count = r.count(0)?;
        let len = r.count(1)?;
        if count == 0 || count.saturating_mul(2) > len {
            return Err(corrupt("a chunk of the figure order"));
        }
        let start = r.pos;
        r.take(len)?;
        chunks.push((start..r.pos, count));
        counted += count;
    }
    if counted != total {
        return Err(corrupt("the figure order's length"));
    }
    let by_quantity: Vec<Arc<[FigureRef]>> = chunks
        .into_par_iter()
        .map(|(chunk, count)| {
            let mut r = Reader { data: &bytes[..chunk.end], pos: chunk.start };
            let mut refs = Vec::with_capacity(count);
            for _ in 0..count {
                let source = u32::try_from(r.uint()?).map_err(|_| corrupt("figure order"))?;
                let figure = u32::try_from(r.uint()?).map_err(|_| corrupt("figure order"))?;
                refs.push(FigureRef { source, figure });
            }
            if r.pos != chunk.end {
                return Err(corrupt("trailing bytes in the figure order"));
            }
            Ok(Arc::from(refs))
        })
        .collect::<Result<_, _>>()?;
    let n = r.count(2)?;
    let mut warnings = Vec::with_capacity(n);
    for _ in 0..n {
        let path = PathBuf::from(r.str()?);
        warnings.push(Warning { path, message: r.str()?.to_string() });
    }
    if r.pos != bytes.len() {
        return Err(corrupt("trailing bytes"));
    }
    if docs.par_iter().any(|d| d.entity_of_name.iter().flatten().any(|&e| e as usize >= entities.len())) {
        return Err(corrupt("a name of an unknown entity"));
    }
    Ok(Stored { docs, entities, by_quantity: FigureOrder::of_chunks(by_quantity), warnings })
}

fn encode_doc(w: &mut Writer, doc: &SourceDoc) {
    w.str(&doc.meta.path.to_string_lossy());
    w.uint(doc.len as u64);
    w.buf.extend_from_slice(&doc.hash.to_le_bytes());
    let stamp = doc.meta.stamp.and_then(|s| Some((s.len, s.modified.duration_since(std::time::UNIX_EPOCH).ok()?)));
    match stamp {
        Some((len, since)) => {
            w.buf.push(1);
            w.uint(len);
            w.uint(since.as_secs());
            w.uint(u64::from(since.subsec_nanos()));
        }
        None => w.buf.push(0),
    }
    w.str(&doc.title_line);
    let meta = &doc.meta;
    w.str(&meta.key);
    w.str(&meta.title);
    for field in [&meta.author, &meta.date, &meta.publisher] {
        w.opt_str(field.as_deref());
    }
    // Each part as its counts and its length in bytes, then the bytes, which decode on their own. A part
    // still in the bytes it was encoded to (by the extraction, or in the store it was read from) is copied.
    let mut part = Writer::default();
    copy_or_encode(w, &mut part, &doc.sentences, |p, v| encode_sentences(p, v));
    copy_or_encode(w, &mut part, &doc.figures, |p, v| encode_figures(p, v));
    copy_or_encode(w, &mut part, &doc.names, encode_names);
    w.uint(doc.entity_of_name.len() as u64);
    for e in &doc.entity_of_name {
        w.uint(e.map_or(0, |e| u64::from(e) + 1));
    }
}

/// Writes `lazy` as a section: its bytes where it has them, else encoded (into `part`, left empty) by `encode`.
fn copy_or_encode<T: Counted>(w: &mut Writer, part: &mut Writer, lazy: &Lazy<T>, encode: fn(&mut Writer, &T)) {
    match lazy.encoded_bytes() {
        Some((bytes, counts)) => {
            part.buf.extend_from_slice(bytes);
            w.section(counts, part);
        }
        None => {
            lazy.peek(|value| encode(part, value));
            w.section(lazy.counts(), part);
        }
    }
}

/// A source's extraction in the form the store keeps it: the three parts encoded into one buffer, each
/// decoded on first use ([`Lazy`]). A corpus's extraction held this way takes about a quarter of the memory
/// of the decoded one; the extraction is encoded as soon as it is made, so that the decoded form of no more
/// than one source per thread is alive at a time.
pub(crate) fn encoded_parts(
    len: usize,
    sentences: Vec<Sentence>,
    figures: Vec<Figure>,
    names: DocNames,
) -> (Lazy<Vec<Sentence>>, Lazy<Vec<Figure>>, Lazy<DocNames>) {
    // A text longer than a span reaches cannot be read back from the store (nor is one written): its parts
    // stay as they are.
    let Ok(limit) = u32::try_from(len) else {
        return (Lazy::new(sentences), Lazy::new(figures), Lazy::new(names));
    };
    // Room for what a source's parts encode to, about a quarter of its text (a third, so that it seldom
    // grows; what is left over is given back below, in place): grown from nothing, the buffer was copied
    // a dozen times per source.
    let mut w = Writer { buf: Vec::with_capacity(len / 3 + 64) };
    encode_sentences(&mut w, &sentences);
    let after_sentences = w.buf.len();
    encode_figures(&mut w, &figures);
    let after_figures = w.buf.len();
    encode_names(&mut w, &names);
    w.buf.shrink_to_fit();
    let total = w.buf.len();
    let bytes = Arc::new(w.buf);
    (
        Lazy::encoded(bytes.clone(), 0..after_sentences, limit, sentences.counts(), decode_sentences),
        Lazy::encoded(bytes.clone(), after_sentences..after_figures, limit, figures.counts(), decode_figures),
        Lazy::encoded(bytes, after_figures..total, limit, names.counts(), decode_names),
    )
}

fn encode_sentences(w: &mut Writer, sentences: &[Sentence]) {
    w.uint(sentences.len() as u64);
    let mut at = 0;
    for s in sentences {
        w.span_from(&mut at, s.span);
        w.buf.push(u8::from(s.chrome));
    }
}

fn encode_figures(w: &mut Writer, figures: &[Figure]) {
    w.uint(figures.len() as u64);
    let mut at = 0;
    for f in figures {
        w.span_from(&mut at, f.span);
        w.buf.extend_from_slice(&f.value.to_le_bytes());
        match f.high {
            Some(h) => {
                w.buf.push(1);
                w.buf.extend_from_slice(&h.to_le_bytes());
            }
            None => w.buf.push(0),
        }
        match &f.unit {
            Unit::Money(code) => {
                w.buf.push(0);
                w.str(code);
            }
            Unit::Percent => w.buf.push(1),
            Unit::Multiplier => w.buf.push(2),
            Unit::Count(noun) => {
                w.buf.push(3);
                w.str(noun);
            }
        }
        match f.year {
            Some(y) => {
                w.buf.push(1);
                w.buf.extend_from_slice(&y.to_le_bytes());
            }
            None => w.buf.push(0),
        }
        w.span_from(&mut 0, f.sentence);
    }
}

fn encode_names(w: &mut Writer, names: &DocNames) {
    w.uint(names.names.len() as u64);
    for n in &names.names {
        w.str(&n.surface);
        w.str(&n.key);
    }
    w.uint(names.mentions.len() as u64);
    let mut at = 0;
    for m in &names.mentions {
        w.span_from(&mut at, m.span);
        w.uint(u64::from(m.name));
        w.buf.push(kind_code(m.kind));
    }
    w.uint(names.acronyms.len() as u64);
    for a in &names.acronyms {
        w.str(&a.short);
        w.str(&a.long);
    }
}

/// The least bytes an element of each part takes: a count larger than the part's bytes allow is damage.
const SENTENCE_BYTES: usize = 3;
const FIGURE_BYTES: usize = 13;
const NAME_BYTES: usize = 2;
const MENTION_BYTES: usize = 4;

fn decode_doc(r: &mut Reader<'_>, bytes: &Arc<Vec<u8>>) -> Result<StoredDoc, StoreError> {
    let path = PathBuf::from(r.str()?);
    let len = usize::try_from(r.uint()?).map_err(|_| corrupt("length"))?;
    let hash = u128::from_le_bytes(r.take(16)?.try_into().map_err(|_| corrupt("hash"))?);
    let stamp = match r.byte()? {
        0 => None,
        1 => {
            let len = r.uint()?;
            let secs = r.uint()?;
            let nanos = u32::try_from(r.uint()?).ok().filter(|n| *n < 1_000_000_000).ok_or_else(|| corrupt("stamp"))?;
            let modified = std::time::UNIX_EPOCH
                .checked_add(std::time::Duration::new(secs, nanos))
                .ok_or_else(|| corrupt("stamp"))?;
            Some(Stamp { len, modified })
        }
        _ => return Err(corrupt("stamp")),
    };
    let title_line = r.str()?.to_string();
    let key = r.str()?.to_string();
    let title = r.str()?.to_string();
    let [author, date, publisher] = [r.opt_str()?, r.opt_str()?, r.opt_str()?].map(|f| f.map(str::to_string));
    // A persisted index is one of files on disk: none is an embedded seed.
    let meta = SourceMeta { key, title, author, date, publisher, path: path.clone(), embedded: false, stamp };
    let limit = u32::try_from(len).map_err(|_| corrupt("length"))?;
    let (counts, range) = r.section([SENTENCE_BYTES, 0])?;
    let sentences = Lazy::encoded(bytes.clone(), range, limit, counts, decode_sentences);
    let (counts, range) = r.section([FIGURE_BYTES, 0])?;
    let figures = Lazy::encoded(bytes.clone(), range, limit, counts, decode_figures);
    let (counts, range) = r.section([NAME_BYTES, MENTION_BYTES])?;
    let names = Lazy::encoded(bytes.clone(), range, limit, counts, decode_names);
    let n = r.count(1)?;
    if n != names.counts()[0] {
        return Err(corrupt("entities for a different number of names"));
    }
    let mut entity_of_name = Vec::with_capacity(n);
    for _ in 0..n {
        let e = r.uint()?;
        entity_of_name.push(if e == 0 { None } else { Some(u32::try_from(e - 1).map_err(|_| corrupt("entity"))?) });
    }
    Ok(StoredDoc {
        prior: Prior {
            path,
            len,
            hash,
            stamp,
            title_line,
            held: None,
            sentences: Arc::new(sentences),
            figures: Arc::new(figures),
            names: Arc::new(names),
        },
        meta,
        entity_of_name,
    })
}

/// Decodes one part with `decode`, which must take every byte.
fn whole_part<'a, T>(bytes: &'a [u8], decode: impl FnOnce(&mut Reader<'a>) -> Result<T, StoreError>) -> Option<T> {
    let mut r = Reader { data: bytes, pos: 0 };
    let value = decode(&mut r).ok()?;
    (r.pos == bytes.len()).then_some(value)
}

fn decode_sentences(bytes: &[u8], limit: u32) -> Option<Vec<Sentence>> {
    whole_part(bytes, |r| {
        let n = r.count(SENTENCE_BYTES)?;
        let mut sentences = Vec::with_capacity(n);
        let mut at = 0;
        for _ in 0..n {
            let span = r.span_from(&mut at, limit)?;
            let chrome = match r.byte()? {
                0 => false,
                1 => true,
                _ => return Err(corrupt("sentence")),
            };
            sentences.push(Sentence { span, chrome });
        }
        Ok(sentences)
    })
}

fn decode_figures(bytes: &[u8], limit: u32) -> Option<Vec<Figure>> {
    whole_part(bytes, |r| {
        let n = r.count(FIGURE_BYTES)?;
        let mut figures = Vec::with_capacity(n);
        let mut symbols = Symbols::default();
        let mut at = 0;
        for _ in 0..n {
            let span = r.span_from(&mut at, limit)?;
            let value = r.f64()?;
            let high = match r.byte()? {
                0 => None,
                1 => Some(r.f64()?),
                _ => return Err(corrupt("figure")),
            };
            let unit = match r.byte()? {
                0 => Unit::Money(symbols.of(r.str()?)),
                1 => Unit::Percent,
                2 => Unit::Multiplier,
                3 => Unit::Count(symbols.of(r.str()?)),
                _ => return Err(corrupt("unit")),
            };
            let year = match r.byte()? {
                0 => None,
                1 => Some(i32::from_le_bytes(r.take(4)?.try_into().map_err(|_| corrupt("year"))?)),
                _ => return Err(corrupt("year")),
            };
            let mut zero = 0;
            let sentence = r.span_from(&mut zero, limit)?;
            figures.push(Figure { span, value, high, unit, year, sentence });
        }
        Ok(figures)
    })
}

fn decode_names(bytes: &[u8], limit: u32) -> Option<DocNames> {
    whole_part(bytes, |r| {
        let (names, mentions, acronyms) = read_names(r, limit)?;
        let names =
            names.into_iter().map(|(surface, key)| DocName { surface: surface.to_string(), key: key.to_string() });
        let acronyms =
            acronyms.into_iter().map(|(short, long)| AcronymDef { short: short.to_string(), long: long.to_string() });
        Ok(DocNames { names: names.collect(), mentions, acronyms: acronyms.collect() })
    })
}

/// A source's names as the merge reads them, from their encoded bytes: what [`decode_names`] gives, the
/// same bytes accepted, without a string copied.
fn names_view(bytes: &[u8], limit: u32) -> Option<extract::NamesView<'_>> {
    whole_part(bytes, |r| {
        let (names, mentions, acronyms) = read_names(r, limit)?;
        Ok(extract::NamesView::new(names, mentions.iter().map(|m| (m.name, m.kind)), acronyms))
    })
}

/// The parts of a source's names, each string borrowed from the bytes: what [`decode_names`] and
/// [`names_view`] both read, so that they accept the same bytes.
type NameParts<'a> = (Vec<(&'a str, &'a str)>, Vec<NameMention>, Vec<(&'a str, &'a str)>);

fn read_names<'a>(r: &mut Reader<'a>, limit: u32) -> Result<NameParts<'a>, StoreError> {
    let n = r.count(NAME_BYTES)?;
    let mut names = Vec::with_capacity(n);
    for _ in 0..n {
        names.push((r.str()?, r.str()?));
    }
    let n = r.count(MENTION_BYTES)?;
    let mut mentions = Vec::with_capacity(n);
    let mut at = 0;
    for _ in 0..n {
        let span = r.span_from(&mut at, limit)?;
        let name = u32::try_from(r.uint()?).map_err(|_| corrupt("name"))?;
        if name as usize >= names.len() {
            return Err(corrupt("a mention of an unknown name"));
        }
        let kind = kind_of_code(r.byte()?)?;
        mentions.push(NameMention { span, name, kind });
    }
    let n = r.count(2)?;
    let mut acronyms = Vec::with_capacity(n);
    for _ in 0..n {
        acronyms.push((r.str()?, r.str()?));
    }
    Ok((names, mentions, acronyms))
}

/// A source's names as the merge reads them ([`extract::NamesView`]): borrowed from the decoded names where
/// they are kept, else read from their encoded bytes without copying a string. Bytes that do not read, or
/// read to other counts than stored, are decoded as [`Lazy`] decodes them (to nothing, the part marked
/// failed), so that the merge sees what every other reader sees.
pub(crate) fn names_view_of(names: &Lazy<DocNames>) -> extract::NamesView<'_> {
    match names.kept_or_encoded() {
        Ok(kept) => extract::NamesView::of(kept),
        Err((bytes, limit, counts)) => names_view(bytes, limit)
            .filter(|view| view.counts() == counts)
            .unwrap_or_else(|| extract::NamesView::of(names.value())),
    }
}

/// The units of one source's figures, interned once each: a source names few, and the global interner is a
/// lock shared by every thread decoding.
#[derive(Default)]
struct Symbols<'a> {
    seen: Vec<(&'a str, Symbol)>,
}

impl<'a> Symbols<'a> {
    fn of(&mut self, s: &'a str) -> Symbol {
        if let Some(&(_, sym)) = self.seen.iter().find(|(t, _)| *t == s) {
            return sym;
        }
        let sym = Symbol::new(s);
        if self.seen.len() < 64 {
            self.seen.push((s, sym));
        }
        sym
    }
}

fn encode_entity(w: &mut Writer, e: &Entity) {
    w.str(&e.name);
    w.buf.push(kind_code(Some(e.kind)));
    w.uint(e.aliases.len() as u64);
    for a in &e.aliases {
        w.str(a);
    }
    w.uint(u64::from(e.total));
    copy_or_encode(w, &mut Writer::default(), &e.by_source, |w, p| encode_postings(w, p));
}

/// An entity's postings: each source, and the distances between the positions of its mentions there.
fn encode_postings<L: AsRef<[u32]>>(w: &mut Writer, by_source: &[(SourceId, L)]) {
    w.uint(by_source.len() as u64);
    for (sid, list) in by_source {
        let list = list.as_ref();
        w.uint(u64::from(*sid));
        w.uint(list.len() as u64);
        let mut prev = 0;
        for &i in list {
            w.uint(u64::from(i.saturating_sub(prev)));
            prev = i;
        }
    }
}

/// An entity's postings in the form the store keeps them, decoded on first use ([`Lazy`]): at 1 GB the
/// decoded postings are millions of small shared lists, several times the size of their bytes.
pub(crate) fn encoded_postings<L: AsRef<[u32]>>(by_source: &[(SourceId, L)], sources: usize) -> Lazy<Postings> {
    let Ok(limit) = u32::try_from(sources) else {
        return Lazy::new(by_source.iter().map(|(sid, l)| (*sid, Arc::from(l.as_ref()))).collect());
    };
    let mut w = Writer::default();
    encode_postings(&mut w, by_source);
    w.buf.shrink_to_fit();
    let len = w.buf.len();
    Lazy::encoded(Arc::new(w.buf), 0..len, limit, [by_source.len(), 0], decode_postings)
}

/// Postings of sources below `sources`. That each position is a mention of the entity is checked in the
/// background ([`Index::with_checked_store`]); until then a position past its source's mentions finds none.
fn decode_postings(bytes: &[u8], sources: u32) -> Option<Postings> {
    whole_part(bytes, |r| {
        let n = r.count(2)?;
        let mut by_source = Vec::with_capacity(n);
        for _ in 0..n {
            let sid = u32::try_from(r.uint()?).ok().filter(|&s| s < sources).ok_or_else(|| corrupt("source"))?;
            let k = r.count(1)?;
            let mut list = Vec::with_capacity(k);
            let mut at: u64 = 0;
            for _ in 0..k {
                at = at
                    .checked_add(r.uint()?)
                    .filter(|&a| a <= u64::from(u32::MAX))
                    .ok_or_else(|| corrupt("posting"))?;
                list.push(at as u32);
            }
            by_source.push((sid, Arc::from(list)));
        }
        Ok(by_source)
    })
}

fn decode_entity(r: &mut Reader, docs: &[StoredDoc], bytes: &Arc<Vec<u8>>) -> Result<Entity, StoreError> {
    let name = r.str()?.to_string();
    let kind = kind_of_code(r.byte()?)?.ok_or_else(|| corrupt("entity kind"))?;
    let n = r.count(1)?;
    let mut aliases = Vec::with_capacity(n);
    for _ in 0..n {
        aliases.push(r.str()?.to_string());
    }
    let total = u32::try_from(r.uint()?).map_err(|_| corrupt("total"))?;
    let (counts, range) = r.section([2, 0])?;
    let sources = u32::try_from(docs.len()).map_err(|_| corrupt("sources"))?;
    let by_source = Lazy::encoded(bytes.clone(), range, sources, counts, decode_postings);
    Ok(Entity { name, kind, aliases, by_source, total })
}

fn kind_code(kind: Option<EntityKind>) -> u8 {
    match kind {
        None => 0,
        Some(EntityKind::Place) => 1,
        Some(EntityKind::Organization) => 2,
        Some(EntityKind::Person) => 3,
        Some(EntityKind::Other) => 4,
    }
}

fn kind_of_code(code: u8) -> Result<Option<EntityKind>, StoreError> {
    Ok(match code {
        0 => None,
        1 => Some(EntityKind::Place),
        2 => Some(EntityKind::Organization),
        3 => Some(EntityKind::Person),
        4 => Some(EntityKind::Other),
        _ => return Err(corrupt("kind")),
    })
}

/// Little-endian bytes and LEB128 variable-length integers.
#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// `v` in LEB128: seven bits a byte, low bits first. Most numbers written are below 128, one byte; a
    /// longer one is put together on the stack and appended at once (one check of the buffer's capacity
    /// rather than one a byte).
    #[inline]
    fn uint(&mut self, mut v: u64) {
        if v < 0x80 {
            self.buf.push(v as u8);
            return;
        }
        let mut bytes = [0u8; 10];
        let mut n = 0;
        while v >= 0x80 {
            bytes[n] = (v as u8) | 0x80;
            v >>= 7;
            n += 1;
        }
        bytes[n] = v as u8;
        self.buf.extend_from_slice(&bytes[..=n]);
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.buf.push(1);
                self.str(s);
            }
            None => self.buf.push(0),
        }
    }

    /// A part written into `part` (which is left empty), after its `counts` and its length in bytes.
    fn section(&mut self, counts: [usize; 2], part: &mut Writer) {
        self.uint(counts[0] as u64);
        self.uint(counts[1] as u64);
        self.uint(part.buf.len() as u64);
        self.buf.append(&mut part.buf);
    }

    /// A span as its start's distance from `at` (the previous start: spans of a list mostly come in text
    /// order, so the distances are small; zigzag-coded, as they need not) and its length.
    fn span_from(&mut self, at: &mut u32, span: Span) {
        let delta = i64::from(span.start) - i64::from(*at);
        self.uint(((delta << 1) ^ (delta >> 63)) as u64);
        self.uint(u64::from(span.end.saturating_sub(span.start)));
        *at = span.start;
    }
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoreError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len()).ok_or_else(|| corrupt("truncated"))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, StoreError> {
        Ok(self.take(1)?[0])
    }

    fn uint(&mut self) -> Result<u64, StoreError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("integer"))
    }

    /// A count of elements that take at least `min_bytes` each: more than the bytes left could hold is
    /// damage, caught before anything is allocated for them.
    fn count(&mut self, min_bytes: usize) -> Result<usize, StoreError> {
        let n = self.uint()?;
        let left = (self.data.len() - self.pos) as u64;
        if n.saturating_mul(min_bytes as u64) > left {
            return Err(corrupt("a count larger than the file"));
        }
        Ok(n as usize)
    }

    /// A part written by [`Writer::section`]: its counts, checked against its length (an element takes at
    /// least `min_bytes`), and where its bytes are.
    fn section(&mut self, min_bytes: [usize; 2]) -> Result<([usize; 2], std::ops::Range<usize>), StoreError> {
        let mut counts = [0; 2];
        for c in &mut counts {
            *c = usize::try_from(self.uint()?).map_err(|_| corrupt("count"))?;
        }
        let len = self.count(1)?;
        let least = counts[0].saturating_mul(min_bytes[0]).saturating_add(counts[1].saturating_mul(min_bytes[1]));
        if least > len {
            return Err(corrupt("a count larger than its part"));
        }
        let start = self.pos;
        self.take(len)?;
        Ok((counts, start..self.pos))
    }

    fn str(&mut self) -> Result<&'a str, StoreError> {
        let n = self.count(1)?;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("text"))
    }

    fn opt_str(&mut self) -> Result<Option<&'a str>, StoreError> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(self.str()?)),
            _ => Err(corrupt("an optional text")),
        }
    }

    fn f64(&mut self) -> Result<f64, StoreError> {
        Ok(f64::from_le_bytes(self.take(8)?.try_into().map_err(|_| corrupt("number"))?))
    }

    /// A span written by [`Writer::span_from`], which must lie within `0..=limit`.
    fn span_from(&mut self, at: &mut u32, limit: u32) -> Result<Span, StoreError> {
        let zigzag = self.uint()?;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        let start = i64::from(*at).checked_add(delta).filter(|s| (0..=i64::from(limit)).contains(s));
        let start = start.ok_or_else(|| corrupt("a span outside its source"))? as u64;
        let end = start.checked_add(self.uint()?).ok_or_else(|| corrupt("span"))?;
        if end > u64::from(limit) {
            return Err(corrupt("a span past the end of its source"));
        }
        *at = start as u32;
        Ok(Span { start: start as u32, end: end as u32 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_leb128_and_read_back() {
        let values = [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX - 1, u64::MAX];
        let mut w = Writer::default();
        values.iter().for_each(|&v| w.uint(v));
        // Seven bits a byte, low bits first, the top bit on every byte but the last.
        assert_eq!(&w.buf[..6], &[0, 1, 127, 0x80, 1, 0xac]);
        assert_eq!(w.buf.len(), 1 + 1 + 1 + 2 + 2 + 2 + 3 + 5 + 10 + 10);
        let mut r = Reader { data: &w.buf, pos: 0 };
        let back: Vec<u64> = values.iter().map(|_| r.uint().expect("a number")).collect();
        assert_eq!(back, values);
        assert_eq!(r.pos, w.buf.len());
    }
    use crate::corpus;

    fn seeds_index() -> Index {
        Index::build(corpus::seeds())
    }

    /// The seeds written to a fresh directory of their own, and the index loaded from it.
    fn on_disk(name: &str) -> (PathBuf, Index) {
        let dir = std::env::temp_dir().join(format!("research-lsp-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let seeds = corpus::materialize_seeds(&dir).expect("seeds written");
        let index = Index::load(std::slice::from_ref(&seeds), &[]);
        assert_eq!(index.sources.len(), corpus::seeds().sources.len());
        (seeds, index)
    }

    fn same_entities(a: &Index, b: &Index) {
        assert_eq!(a.entities.len(), b.entities.len());
        for (a, b) in a.entities.iter().zip(&b.entities) {
            assert_eq!(
                (&a.name, a.kind, &a.aliases, &a.by_source, a.total),
                (&b.name, b.kind, &b.aliases, &b.by_source, b.total)
            );
        }
    }

    #[test]
    fn round_trip_is_the_same_index() {
        let (dir, index) = on_disk("round");
        let bytes = encode(&index);
        let stored = decode(&bytes).expect("decodes");
        assert_eq!(stored.len(), index.sources.len());
        let restored = restore(stored, std::slice::from_ref(&dir), &[]);
        assert!(restored.whole, "the same corpus is restored whole");
        assert_eq!(restored.extracted, 0, "no file is extracted again");
        let back = restored.index;
        same_entities(&back, &index);
        for (a, b) in back.sources.iter().zip(&index.sources) {
            assert_eq!(a.meta, b.meta);
            assert_eq!((a.len, a.hash, &a.title_line), (b.len, b.hash, &b.title_line));
            assert_eq!(a.sentences, b.sentences);
            assert_eq!(a.figures, b.figures);
            assert_eq!(a.names, b.names);
            assert_eq!(a.entity_of_name, b.entity_of_name);
            assert_eq!(a.text().expect("the text reads back").text, b.text().expect("and here").text);
        }
        assert_eq!(back.figure_count(), index.figure_count());
        assert!(stale_sources(&back).is_empty());
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    /// A copy of the corpus fixture `name` (tests/fixtures) in a fresh directory of its own.
    fn fixture_copy(name: &str, tag: &str) -> PathBuf {
        fn copy(from: &Path, to: &Path) {
            fs::create_dir_all(to).expect("directory made");
            for entry in fs::read_dir(from).expect("fixture listed").flatten() {
                let target = to.join(entry.file_name());
                if entry.path().is_dir() {
                    copy(&entry.path(), &target);
                } else {
                    fs::copy(entry.path(), &target).expect("file copied");
                }
            }
        }
        let dir = std::env::temp_dir().join(format!("research-lsp-store-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), &dir);
        dir
    }

    /// The index read from the store without a look at the corpus is the index stored: the sources with
    /// their metadata (from a bibliography), the warnings, the entities, the figure order. Listing the
    /// corpus then finds it unchanged, and finds each kind of change made while no server watched.
    #[test]
    fn the_store_alone_gives_the_stored_index_and_the_listing_finds_what_changed_since() {
        let dir = fixture_copy("own-corpus-loading", "unlisted");
        let roots = std::slice::from_ref(&dir);
        let index = Index::load(roots, &[]);
        assert!(index.sources.iter().any(|d| d.meta.author.is_some()), "metadata from the bibliography");
        assert!(!index.warnings.is_empty(), "the fixture's malformed entry");
        let back = restore_unlisted(decode(&encode(&index)).expect("decodes"));
        same_entities(&back, &index);
        assert_eq!(back.warnings, index.warnings);
        assert_eq!(back.figure_order(), index.figure_order());
        assert_eq!(back.sources.len(), index.sources.len());
        for (a, b) in back.sources.iter().zip(&index.sources) {
            assert_eq!(a.meta, b.meta);
            assert_eq!(a.meta.stamp, b.meta.stamp);
            assert_eq!(
                (a.len, a.hash, &a.title_line, &a.entity_of_name),
                (b.len, b.hash, &b.title_line, &b.entity_of_name)
            );
            assert_eq!((&a.sentences, &a.figures, &a.names), (&b.sentences, &b.figures, &b.names));
        }
        assert!(back.with_checked_store().is_none(), "the stored postings and order hold");
        assert!(holds_for(&back, corpus::list(roots)), "nothing changed");

        // Each change on its own, then undone: the listing finds it.
        let gamma = dir.join("gamma.txt");
        let text = fs::read_to_string(&gamma).expect("gamma");
        let changes: [(&str, &dyn Fn(), &dyn Fn()); 4] = [
            (
                "a document added",
                &|| fs::write(dir.join("delta.txt"), "Delta\n\nA new source.\n").expect("written"),
                &|| fs::remove_file(dir.join("delta.txt")).expect("removed"),
            ),
            ("a document removed", &|| fs::rename(&gamma, dir.join("gamma.away")).expect("moved"), &|| {
                fs::rename(dir.join("gamma.away"), &gamma).expect("moved back")
            }),
            (
                "a bibliography entry retitled",
                &|| {
                    let bib = fs::read_to_string(dir.join("references.bib")).expect("bib");
                    fs::write(dir.join("references.bib"), bib.replace("Beta Notes", "Beta Notes, Revised"))
                        .expect("written")
                },
                &|| {
                    let bib = fs::read_to_string(dir.join("references.bib")).expect("bib");
                    fs::write(dir.join("references.bib"), bib.replace("Beta Notes, Revised", "Beta Notes"))
                        .expect("written")
                },
            ),
            (
                "a document edited",
                &|| fs::write(&gamma, format!("{text}\nOne more line.\n")).expect("written"),
                &|| fs::write(&gamma, &text).expect("written"),
            ),
        ];
        for (what, change, undo) in changes {
            change();
            assert!(!holds_for(&back, corpus::list(roots)), "{what}: found");
            undo();
            // An edit undone leaves a new modification time over the same text: the file is read again, and
            // holds.
            assert!(holds_for(&back, corpus::list(roots)), "{what}: undone");
        }
        let _ = fs::remove_dir_all(&dir);
    }

    /// A large file read in two halves at once gives the bytes of the file, whatever its length.
    #[test]
    fn a_large_file_reads_back_whole() {
        let dir = std::env::temp_dir().join(format!("research-lsp-store-halves-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("directory made");
        for len in [(1 << 20) - 1, 1 << 20, (3 << 20) + 7] {
            let bytes: Vec<u8> = (0..len).map(|i: usize| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
            let path = dir.join(format!("{len}.bin"));
            fs::write(&path, &bytes).expect("written");
            assert!(read_bytes(&path).expect("read") == bytes, "{len} bytes");
        }
        assert_eq!(read_bytes(&dir.join("none.bin")).map_err(|e| e.kind()), Err(std::io::ErrorKind::NotFound));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_refused() {
        let bytes = encode(&seeds_index());
        for len in (0..bytes.len()).step_by(97) {
            assert!(decode(&bytes[..len]).is_err(), "truncated to {len}");
        }
        for at in (0..bytes.len()).step_by(89) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x41;
            assert!(decode(&damaged).is_err(), "byte {at} flipped");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
    }

    #[test]
    fn another_format_version_is_refused_as_such() {
        let mut bytes = encode(&seeds_index());
        bytes[8] = bytes[8].wrapping_add(1);
        assert!(matches!(decode(&bytes), Err(StoreError::Version(_))));
    }

    #[test]
    fn a_changed_source_is_extracted_again_and_the_rest_reused() {
        let (dir, index) = on_disk("changed");
        let stored = decode(&encode(&index)).expect("decodes");
        let first = &index.sources[0];
        let text = first.text().expect("text").text.to_string();
        fs::write(&first.meta.path, format!("{text} One more sentence about Kyrgyzstan.")).expect("written");
        let restored = restore(stored, std::slice::from_ref(&dir), &[]);
        assert!(!restored.whole, "a changed text must not restore whole");
        assert_eq!(restored.extracted, 1);
        let back = restored.index;
        assert_eq!(back.sources.len(), index.sources.len());
        assert_ne!(back.sources[0].hash, first.hash);
        assert!(back.sources[0].text().expect("the new text").text.ends_with("about Kyrgyzstan."));
        assert_eq!(back.sources[1].figures, index.sources[1].figures);
        // The changed source's names were added as it was read, the others' from their bytes: together, what
        // indexing the corpus afresh gives.
        let fresh = Index::load(std::slice::from_ref(&dir), &[]);
        let entities = |i: &Index| {
            i.entities
                .iter()
                .map(|e| (e.name.clone(), e.kind, e.aliases.clone(), e.by_source.clone(), e.total))
                .collect::<Vec<_>>()
        };
        assert_eq!(entities(&back), entities(&fresh));
        for (a, b) in back.sources.iter().zip(&fresh.sources) {
            assert_eq!(a.entity_of_name, b.entity_of_name, "{}", a.meta.path.display());
        }
        assert_eq!(back.figure_order(), fresh.figure_order());
        let (kept, in_turn) = back.kept_and_fresh_tables().expect("the merge keeps its table");
        assert_eq!(kept, in_turn);
        // The index that was in use no longer matches the file: the check finds it.
        assert_eq!(index.sources[0].check_file().err(), Some(crate::index::TextError::Changed));
        assert_eq!(stale_sources(&index), vec![first.meta.path.clone()]);
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    #[test]
    fn a_file_changed_under_the_same_stamp_is_found_by_the_check() {
        let (dir, index) = on_disk("stamp");
        let stored = decode(&encode(&index)).expect("decodes");
        let path = index.sources[2].meta.path.clone();
        let stamp = index.sources[2].meta.stamp.expect("stamped");
        // Same length, same modification time, one letter different.
        let mut bytes = fs::read(&path).expect("read");
        let at = bytes.iter().position(|b| b.is_ascii_lowercase()).expect("a letter");
        bytes[at] = if bytes[at] == b'x' { b'y' } else { b'x' };
        fs::write(&path, &bytes).expect("written");
        fs::File::options().write(true).open(&path).and_then(|f| f.set_modified(stamp.modified)).expect("touched");
        let restored = restore(stored, std::slice::from_ref(&dir), &[]);
        assert!(restored.whole, "the stamp is trusted at first");
        assert_eq!(restored.index.sources[2].check_file().err(), Some(crate::index::TextError::Changed));
        assert_eq!(stale_sources(&restored.index), vec![path]);
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    #[test]
    fn the_stored_figure_order_is_used_only_when_it_holds() {
        let (dir, index) = on_disk("order");
        let bytes = encode(&index);
        let restored = restore(decode(&bytes).expect("decodes"), std::slice::from_ref(&dir), &[]);
        assert_eq!(restored.index.figure_order(), index.figure_order());
        assert!(restored.index.with_checked_store().is_none(), "the stored order holds");
        let n = index.figure_order().len();
        assert!(n > 2);
        let damaged: [fn(&mut Vec<FigureRef>); 4] = [
            |o| o.swap(0, 1),
            |o| o[1] = o[0],
            |o| o[0].figure = u32::MAX,
            |o| {
                o.pop();
            },
        ];
        for damage in damaged {
            let mut stored = decode(&bytes).expect("decodes");
            let mut order: Vec<FigureRef> = stored.by_quantity.iter().copied().collect();
            damage(&mut order);
            stored.by_quantity = FigureOrder::new(order);
            let back = restore(stored, std::slice::from_ref(&dir), &[]).index;
            // Refused at once where an entry names no figure or one is missing; found by the check otherwise.
            let back = back.with_checked_store().unwrap_or(back);
            assert_eq!(back.figure_order(), index.figure_order(), "sorted afresh");
        }
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    #[test]
    fn spans_off_character_boundaries_make_the_source_unfit() {
        let (dir, index) = on_disk("unfit");
        let mut stored = decode(&encode(&index)).expect("decodes");
        let text = index.sources[0].text().expect("text").text.clone();
        let (at, c) = text.char_indices().find(|(_, c)| c.len_utf8() > 1).expect("a multi-byte character");
        assert!(c.len_utf8() > 1);
        let inside = Span::new(at + 1, at + 2);
        stored.docs[0].prior.sentences = Arc::new(Lazy::new(vec![Sentence { span: inside, chrome: false }]));
        let restored = restore(stored, std::slice::from_ref(&dir), &[]);
        assert_eq!(restored.index.sources[0].text().err(), Some(crate::index::TextError::Unfit));
        assert_eq!(stale_sources(&restored.index), vec![index.sources[0].meta.path.clone()]);
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    /// A file that passes the checksum but whose counts and spans lie (a writer bug, or a file put together
    /// by hand): a count larger than its part is refused at once; a span past the end of its source is found
    /// when the part is decoded, which reads as empty and makes the source unfit.
    #[test]
    fn lying_contents_under_a_valid_checksum_are_refused() {
        let file = |sentence_count: u64, span: Span| {
            let mut w = Writer::default();
            w.str(env!("CARGO_PKG_VERSION"));
            w.uint(1);
            let mut doc = Writer::default();
            doc.str("/nowhere.txt");
            doc.uint(10);
            doc.buf.extend_from_slice(&0u128.to_le_bytes());
            doc.buf.push(0);
            doc.str("");
            doc.str("key");
            doc.str("title");
            [None, None, None].into_iter().for_each(|field| doc.opt_str(field));
            let mut part = Writer::default();
            part.uint(1);
            part.span_from(&mut 0, span);
            part.buf.push(0);
            doc.section([sentence_count as usize, 0], &mut part);
            encode_figures(&mut part, &[]);
            doc.section([0, 0], &mut part);
            encode_names(&mut part, &DocNames::default());
            doc.section([0, 0], &mut part);
            doc.uint(0);
            w.uint(doc.buf.len() as u64);
            w.buf.extend_from_slice(&doc.buf);
            // No entity, an empty figure order in no chunk, no warning.
            (0..4).for_each(|_| w.uint(0));
            let payload = w.buf;
            let mut bytes = Vec::new();
            bytes.extend_from_slice(MAGIC);
            bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
            bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
            bytes.extend_from_slice(&payload);
            bytes
        };
        let fine = decode(&file(1, Span::new(5, 9))).expect("a file that holds together");
        assert!(!fine.docs[0].prior.damaged());
        assert_eq!(fine.docs[0].prior.sentences.value().len(), 1);
        assert!(matches!(decode(&file(1000, Span::new(5, 9))), Err(StoreError::Corrupt(_))), "more than fit");
        let lying = decode(&file(1, Span::new(5, 50))).expect("the part is not decoded yet");
        let sentences = &lying.docs[0].prior.sentences;
        assert_eq!(sentences.counts(), [1, 0]);
        assert!(sentences.value().is_empty(), "a part that does not decode reads as empty");
        assert!(lying.docs[0].prior.damaged());
        let miscounted = decode(&file(0, Span::new(5, 9))).expect("the part is not decoded yet");
        assert!(miscounted.docs[0].prior.sentences.value().is_empty(), "decoded to another count");
        assert!(miscounted.docs[0].prior.damaged());
    }

    /// A source whose stored part does not decode is unfit, found by the background check, and extracted
    /// again instead of reused.
    #[test]
    fn a_part_that_does_not_decode_makes_its_source_unfit_and_extracted_again() {
        let (dir, index) = on_disk("damaged");
        let mut stored = decode(&encode(&index)).expect("decodes");
        let count = index.sources[1].figures.len();
        assert!(count > 0);
        let broken = |_: &[u8], _: u32| -> Option<Vec<Figure>> { None };
        stored.docs[1].prior.figures = Arc::new(Lazy::encoded(Arc::new(Vec::new()), 0..0, 0, [count, 0], broken));
        let back = restore(stored, std::slice::from_ref(&dir), &[]).index;
        assert_eq!(stale_sources(&back), vec![index.sources[1].meta.path.clone()]);
        assert!(back.sources[1].damaged());
        assert_eq!(back.sources[1].text().err(), Some(crate::index::TextError::Unfit));
        // Its references fall through, none out of bounds.
        let r = FigureRef { source: 1, figure: 0 };
        assert!(back.figure(r).is_none());
        // Indexed again with the damaged index as the prior: the source is extracted afresh.
        let again =
            Index::load(std::slice::from_ref(&dir), &back.sources.iter().map(|d| Prior::of(d)).collect::<Vec<_>>());
        assert_eq!(again.sources[1].figures, index.sources[1].figures);
        // The background check sorts the figures again, finds the damaged source's figures to be none, and
        // leaves them out of the order.
        let checked = back.with_checked_store().expect("the stored order names figures that do not decode");
        assert!(checked.figure_order().len() + count == index.figure_order().len());
        assert!(checked.figure_order().iter().all(|r| r.source != 1 && checked.figure(*r).is_some()));
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    /// Names whose bytes do not read give the merge nothing, as they give every other reader, and the part
    /// is marked failed; names at hand are read as they are.
    #[test]
    fn the_merge_reads_damaged_names_as_none() {
        let mut w = Writer::default();
        w.uint(1);
        w.str("Kazakhstan");
        w.str("kazakhstan");
        w.uint(1);
        w.span_from(&mut 0, Span { start: 0, end: 10 });
        w.uint(3); // a mention of a name there is not
        w.buf.push(0);
        w.uint(0);
        let len = w.buf.len();
        let names = Lazy::encoded(Arc::new(w.buf), 0..len, 10, [1, 1], decode_names);
        assert_eq!(names_view_of(&names), extract::NamesView::default());
        assert!(names.failed());
        let good = DocNames {
            names: vec![DocName { surface: "Astana".into(), key: "astana".into() }],
            mentions: vec![NameMention { span: Span { start: 0, end: 6 }, name: 0, kind: Some(EntityKind::Place) }],
            acronyms: vec![],
        };
        let good = Lazy::new(good);
        let view = names_view_of(&good);
        assert_eq!(
            (view.names, view.mentions, view.tally),
            (vec![("Astana", "astana")], vec![0], vec![(1, [0, 0, 1, 0])])
        );
    }

    /// Restoring leaves each source's parts undecoded until used; the postings are checked to be mentions
    /// of their own entities in the background, and a store where one is not is merged again.
    #[test]
    fn parts_decode_on_first_use_and_lying_postings_are_merged_again() {
        let (dir, index) = on_disk("postings");
        let bytes = encode(&index);
        let back = restore(decode(&bytes).expect("decodes"), std::slice::from_ref(&dir), &[]).index;
        assert!(back.sources.iter().all(|d| !d.sentences.is_decoded() && !d.figures.is_decoded()));
        assert!(back.with_checked_store().is_none(), "the stored postings and order hold");
        assert!(back.sources.iter().all(|d| !d.sentences.is_decoded()), "the check decodes only names");
        // Point a posting at a mention of another entity.
        let mut stored = decode(&bytes).expect("decodes");
        let (a, b) = (0, 1);
        let (sid, _) = stored.entities[a].by_source[0].clone();
        let other = stored.entities[b].by_source.iter().find(|(s, _)| *s == sid).map(|(_, l)| l[0]);
        let other = other.unwrap_or_else(|| {
            let doc = &stored.docs[sid as usize];
            let names = doc.prior.names.value();
            let at = names.mentions.iter().position(|m| doc.entity_of_name[m.name as usize] != Some(a as u32));
            at.expect("a mention of another entity") as u32
        });
        let mut lying = stored.entities[a].by_source.value().clone();
        lying[0].1 = Arc::from(vec![other]);
        stored.entities[a].by_source = Lazy::new(lying);
        let lying = restore(stored, std::slice::from_ref(&dir), &[]).index;
        let mended = lying.with_checked_store().expect("the postings do not hold");
        same_entities(&mended, &index);
        assert_eq!(mended.figure_order(), index.figure_order());
        // Postings past their source's mentions, of a source that does not exist, or that do not decode.
        let mentions = stored_mentions(&bytes, 0);
        let past = vec![(0, Arc::from(vec![mentions as u32 + 3]))];
        let unknown = vec![(index.sources.len() as u32 + 1, Arc::from(vec![0]))];
        for lie in [past, unknown] {
            let mut stored = decode(&bytes).expect("decodes");
            stored.entities[a].by_source = encoded_postings(&lie, stored.docs.len());
            let lying = restore(stored, std::slice::from_ref(&dir), &[]).index;
            let mended = lying.with_checked_store().expect("the postings do not hold");
            same_entities(&mended, &index);
        }
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }

    /// The number of mentions source `sid` has in the store `bytes`.
    fn stored_mentions(bytes: &[u8], sid: usize) -> usize {
        decode(bytes).expect("decodes").docs[sid].prior.names.counts()[1]
    }

    const PIECES: &[&str] = &[
        "Russia",
        "Kazakhstan",
        " ",
        ". ",
        "\n\n",
        "$45 billion",
        "62 percent",
        "1,200",
        "3.5%",
        "€12m",
        "£7",
        "the Eurasian Economic Union (EEU)",
        " said ",
        "Mr. Putin",
        "Vladimir Putin's",
        "Nazarbayev",
        "twice",
        "in 2019",
        "(",
        ")",
        "\"",
        "é",
        "Ж",
        "Россия",
        "😀",
        "\r\n",
        "\t",
        "U.S.",
        "Shanghai Cooperation",
        "# Title\n",
        "- ",
        "|",
        "**",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the extractors find in a text, its encoded form decodes to exactly that: a build keeps
        /// nothing else of it.
        #[test]
        fn encoded_parts_decode_to_the_extraction(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..120),
        ) {
            let text = pieces.concat();
            let sentences = crate::extract::sentences::split(&text);
            let names = crate::extract::entities::extract(&text, &sentences);
            let figures = crate::extract::figures::extract(&text, &sentences);
            let (s, f, n) = encoded_parts(text.len(), sentences.clone(), figures.clone(), names.clone());
            // The merge reads the names from the bytes as they decode.
            proptest::prop_assert_eq!(names_view_of(&n), extract::NamesView::of(&names));
            proptest::prop_assert!(!n.is_decoded());
            proptest::prop_assert_eq!(s.value(), &sentences);
            proptest::prop_assert_eq!(f.value(), &figures);
            proptest::prop_assert_eq!(n.value(), &names);
            proptest::prop_assert!(!s.failed() && !f.failed() && !n.failed());
        }
    }

    /// A built index holds each source's extraction encoded, none of it decoded; the store copies those bytes
    /// as they are, which are the bytes it would encode from the decoded parts.
    #[test]
    fn a_built_index_holds_its_parts_encoded_and_the_store_copies_them() {
        let (dir, index) = on_disk("encoded");
        assert!(index
            .sources
            .iter()
            .all(|d| !d.sentences.is_decoded() && !d.figures.is_decoded() && !d.names.is_decoded()));
        assert!(index.sources.iter().all(|d| d.sentences.encoded_bytes().is_some()));
        for doc in &index.sources {
            let (mut copied, mut encoded, mut part) = (Writer::default(), Writer::default(), Writer::default());
            copy_or_encode(&mut copied, &mut part, &doc.names, encode_names);
            copy_or_encode(&mut encoded, &mut part, &Lazy::new(doc.names.peek(DocNames::clone)), encode_names);
            assert_eq!(copied.buf, encoded.buf);
            copy_or_encode(&mut copied, &mut part, &doc.figures, |w, v| encode_figures(w, v));
            copy_or_encode(&mut encoded, &mut part, &Lazy::new(doc.figures.peek(Vec::clone)), |w, v| {
                encode_figures(w, v)
            });
            copy_or_encode(&mut copied, &mut part, &doc.sentences, |w, v| encode_sentences(w, v));
            copy_or_encode(&mut encoded, &mut part, &Lazy::new(doc.sentences.peek(Vec::clone)), |w, v| {
                encode_sentences(w, v)
            });
            assert_eq!(copied.buf, encoded.buf);
        }
        // The index read back is the same, and its parts decode to what the extraction found.
        let back = restore(decode(&encode(&index)).expect("decodes"), std::slice::from_ref(&dir), &[]).index;
        for (a, b) in back.sources.iter().zip(&index.sources) {
            assert_eq!((&a.sentences, &a.figures, &a.names), (&b.sentences, &b.figures, &b.names));
        }
        let fresh = crate::extract::sentences::split(&index.sources[0].text().expect("readable").text);
        assert_eq!(*index.sources[0].sentences.value(), fresh);
        let _ = fs::remove_dir_all(dir.parent().unwrap_or(&dir));
    }
}
