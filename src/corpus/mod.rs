//! The corpus: source documents and what their bibliography says of them.
//!
//! A corpus is a list of paths, files or directories walked recursively; by default it is the seed corpus
//! embedded in the binary. Loading never fails as a whole: every problem with one file (not UTF-8, binary,
//! unreadable, a bad bibliography entry) becomes a [`Warning`] and the rest is loaded.
//!
//! Guarantees of [`load`] and [`seeds`]: sources come in path order (roots in the order given, files of a
//! root sorted by path), whatever the threads did; every source's citation key is unique in the corpus
//! (see [`assemble`] for the rules); every text is at most [`MAX_SOURCE_LEN`] bytes, so `u32` offsets
//! reach all of it; nothing in any file can make loading panic. Warnings come in the order they are
//! found: walking the roots, then reading files (in path order), then matching entries to documents.
//!
//! The pieces, in the order data flows through them: [`walk`] finds the files, [`decode`] reads each
//! into text, [`bib`] reads bibliographies, [`assemble`] matches entries to documents and settles the
//! keys; [`embedded`] holds the seeds.

pub mod assemble;
pub mod bib;
pub mod decode;
pub mod embedded;
pub mod walk;

pub use decode::MAX_SOURCE_LEN;
pub use embedded::{cache_dir, materialize_seeds, seeds};

use rayon::prelude::*;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the bibliography (or, lacking an entry, the document itself) says of a source.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SourceMeta {
    /// The citation key, unique within the corpus (`cafiero2025`).
    pub key: String,
    pub title: String,
    pub author: Option<String>,
    /// The date as the source states it, ISO 8601 where it is complete (`2025-12-09`), else as precise as known.
    pub date: Option<String>,
    /// The publisher, journal or website.
    pub publisher: Option<String>,
    /// The path of the document: a real file, or for an embedded seed `seeds/<file name>`.
    pub path: PathBuf,
    /// True for the seed documents embedded in the binary.
    #[serde(skip)]
    pub embedded: bool,
    /// The file's size and modification time when it was read (none for the embedded seeds).
    #[serde(skip)]
    pub stamp: Option<Stamp>,
}

/// A file's size and modification time: when both are what they were, its text is taken to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub modified: std::time::SystemTime,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        Stamp::of_metadata(&std::fs::metadata(path).ok()?)
    }

    pub fn of_metadata(meta: &std::fs::Metadata) -> Option<Stamp> {
        Some(Stamp { len: meta.len(), modified: meta.modified().ok()? })
    }
}

/// One source document: its metadata and its full text.
#[derive(Clone, Debug)]
pub struct Source {
    pub meta: SourceMeta,
    pub text: Arc<String>,
}

/// A problem with one file or entry, reported and skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// A loaded corpus.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub sources: Vec<Source>,
    pub warnings: Vec<Warning>,
}

/// Loads the documents (`.txt`, `.md`, `.markdown`) and bibliographies (`.bib`, CSL-JSON `.json`)
/// under `paths`, each a file or a directory walked recursively. Files are read in parallel; the
/// result does not depend on it.
pub fn load(paths: &[PathBuf]) -> Corpus {
    let (sources, warnings) =
        load_with(paths, &|_, _| None, &|texts| texts.iter().map(|t| Arc::new(t.text.to_string())).collect());
    Corpus { sources: sources.into_iter().map(|(meta, text)| Source { meta, text }).collect(), warnings }
}

/// A document read, as [`load_with`] hands it to its digest: its place in the order documents come in (a
/// number that grows with it, not its index: numbers may be skipped), its path, its text and the title the
/// text's first line gives.
pub struct Text<'a> {
    pub order: usize,
    pub path: &'a Path,
    pub text: &'a str,
    pub title: &'a str,
}

/// What [`load_with`] makes of documents read, a few at a time: one body for each, in their order.
pub type Digest<'a, T> = dyn Fn(&[Text<'_>]) -> Vec<T> + Sync + 'a;

/// [`load`], keeping of each document what `digest` makes of its text rather than the text, so that a caller
/// that only needs what it extracts never holds the whole corpus in memory (the texts are dropped as soon as
/// `digest` returns). Where `known` has a body and title for a document's path and current [`Stamp`], the file
/// is not read at all. Documents come with their metadata, in the order of [`load`].
///
/// Each file is read (and each document digested) on the cores as soon as the walk lists it, while the walk
/// goes on on a thread of its own: the walk is system calls, one file at a time, and at 36,000 files it took
/// a quarter of a second that the cores spent waiting. The files go to the cores in batches of up to
/// [`BATCH_FILES`] files and [`BATCH_BYTES`] bytes, each read whole before `digest` is handed its documents
/// together: a digest that runs one step over every document before the next step keeps each step's code and
/// tables in the cache, where going from step to step for every document evicted them. The result is what
/// [`load_listed`] gives of a [`list`]ing.
pub fn load_with<T: Send>(
    paths: &[PathBuf],
    known: &(dyn Fn(&Path, Stamp) -> Option<(T, String)> + Sync),
    digest: &Digest<'_, T>,
) -> (Vec<(SourceMeta, T)>, Vec<Warning>) {
    let (sender, listed) = std::sync::mpsc::channel::<(usize, walk::Found)>();
    let (mut read, ((found, warnings), bibtex)) = std::thread::scope(|scope| {
        let walk = scope.spawn(move || {
            let mut count = 0;
            let mut bibtex = Vec::new();
            let found = walk::discover_with(paths, walk::MAX_FILES, &mut |file| {
                if file.kind == walk::FileKind::BibTeX {
                    bibtex.push((count, file.clone()));
                } else {
                    // The receiver lives until the walk ends.
                    let _ = sender.send((count, file.clone()));
                }
                count += 1;
            });
            drop(sender);
            // The BibTeX files are parsed here once the walk is over, beside the cores' batches: a large one
            // (a reference manager's export of the whole corpus) takes a core for a tenth of a second or
            // more, and in a batch of its own it could come last (a walk sorted by name lists
            // `references.bib` after the folders of documents), with the other core idle meanwhile.
            let bibtex: Vec<(usize, ReadFile<T>)> = bibtex.iter().map(|(i, file)| (*i, read_other(file))).collect();
            (found, bibtex)
        });
        let mut listed = listed.into_iter();
        let batches = std::iter::from_fn(move || next_batch(&mut listed));
        let read: Vec<(usize, ReadFile<T>)> =
            batches.par_bridge().flat_map_iter(|batch| read_batch(batch, known, digest)).collect();
        (read, walk.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    read.extend(bibtex);
    read.sort_unstable_by_key(|(i, _)| *i);
    assembled(found.into_iter().zip(read.into_iter().map(|(_, read)| read)), warnings)
}

/// The most files [`load_with`] hands a core at once.
pub const BATCH_FILES: usize = 16;

/// Past this many bytes of files, [`load_with`] hands a core no more in the same batch (a large file goes
/// alone), so that a batch's texts fit in a core's cache and a corpus of a few large files still spreads
/// over the cores.
pub const BATCH_BYTES: u64 = 512 * 1024;

/// The next batch of `listed` files (see [`load_with`]): up to [`BATCH_FILES`] files, and no file after
/// their sizes reach [`BATCH_BYTES`]. `None` when none are left.
fn next_batch(listed: &mut impl Iterator<Item = (usize, walk::Found)>) -> Option<Vec<(usize, walk::Found)>> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while batch.len() < BATCH_FILES && bytes < BATCH_BYTES {
        let Some(file) = listed.next() else { break };
        bytes += file.1.stamp.map_or(0, |s| s.len);
        batch.push(file);
    }
    (!batch.is_empty()).then_some(batch)
}

/// Reads a batch of listed files (see [`load_with`]): each document into a buffer of this thread's, then all
/// of them digested at once.
fn read_batch<T>(
    batch: Vec<(usize, walk::Found)>,
    known: &(dyn Fn(&Path, Stamp) -> Option<(T, String)> + Sync),
    digest: &Digest<'_, T>,
) -> Vec<(usize, ReadFile<T>)> {
    let mut out: Vec<(usize, Option<ReadFile<T>>)> = Vec::with_capacity(batch.len());
    // The documents to read: their places in `out`.
    let mut to_read: Vec<usize> = Vec::new();
    for (i, file) in &batch {
        let read = match file.kind {
            walk::FileKind::Document => match file.stamp.and_then(|s| known(&file.path, s)) {
                Some((body, title)) => Some(ReadFile::Document { body, title, note: None, stamp: file.stamp }),
                None => {
                    to_read.push(out.len());
                    None
                }
            },
            _ => Some(read_other(file)),
        };
        out.push((*i, read));
    }
    if !to_read.is_empty() {
        READ_BUFFERS.with(|buffers| match buffers.try_borrow_mut() {
            Ok(mut buffers) => read_documents(&batch, &to_read, &mut buffers, digest, &mut out),
            // (Only this function borrows them, and `digest` reads no file through here.)
            Err(_) => read_documents(&batch, &to_read, &mut Vec::new(), digest, &mut out),
        });
    }
    out.into_iter()
        .map(|(i, read)| (i, read.unwrap_or_else(|| ReadFile::Skipped("not read (an internal error)".to_string()))))
        .collect()
}

/// Reads the documents `batch[k]` for each `k` of `to_read` into `buffers` (one each, kept for the next
/// batch), digests them together, and puts what each gave at `out[k]`.
fn read_documents<T>(
    batch: &[(usize, walk::Found)],
    to_read: &[usize],
    buffers: &mut Vec<Vec<u8>>,
    digest: &Digest<'_, T>,
    out: &mut [(usize, Option<ReadFile<T>>)],
) {
    if buffers.len() < to_read.len() {
        buffers.resize_with(to_read.len(), Vec::new);
    }
    // (place in `out`, text, title, note)
    let mut texts: Vec<(usize, std::borrow::Cow<'_, str>, String, Option<&'static str>)> = Vec::new();
    for (&k, buffer) in to_read.iter().zip(buffers.iter_mut()) {
        let file = &batch[k].1;
        match decode::read_text_into(&file.path, buffer, file.stamp.map(|s| s.len)) {
            Ok((text, note)) => {
                let title = assemble::derive_title(&text, &file.path);
                texts.push((k, text, title, note));
            }
            Err(message) => out[k].1 = Some(ReadFile::Skipped(message)),
        }
    }
    let handed: Vec<Text<'_>> = texts
        .iter()
        .map(|(k, text, title, _)| Text { order: batch[*k].0, path: &batch[*k].1.path, text, title })
        .collect();
    let bodies = digest(&handed);
    debug_assert_eq!(bodies.len(), handed.len(), "one body for each document");
    drop(handed);
    for ((k, _, title, note), body) in texts.into_iter().zip(bodies) {
        out[k].1 = Some(ReadFile::Document { body, title, note, stamp: batch[k].1.stamp });
    }
    for buffer in buffers.iter_mut() {
        if buffer.capacity() > KEPT_BUFFER {
            *buffer = Vec::new();
        }
    }
}

/// The files under some roots, before any document is read: each document with its [`Stamp`], and the
/// bibliographies read. Made by [`list`], and handed to [`load_listed`]: to check an index read from the
/// store against the corpus without reading the files that did not change, say.
pub struct Listing {
    found: Vec<(walk::Found, Listed)>,
    warnings: Vec<Warning>,
}

/// What listing found of one file.
enum Listed {
    /// A document, to be read later; its stamp (in its [`walk::Found`]) was taken before: a change while it
    /// is read shows next time.
    Document,
    /// A bibliography, or a file not loaded, read in full.
    Read(ReadFile<()>),
}

/// Walks `paths`, dates each document and reads each bibliography (in parallel).
pub fn list(paths: &[PathBuf]) -> Listing {
    let (found, warnings) = walk::discover(paths, walk::MAX_FILES);
    Listing { found: found.into_par_iter().map(listed).collect(), warnings }
}

fn listed(file: walk::Found) -> (walk::Found, Listed) {
    let listed = match file.kind {
        // Dated by the walk that found it: one system call per file.
        walk::FileKind::Document => Listed::Document,
        _ => Listed::Read(read_other(&file)),
    };
    (file, listed)
}

/// [`load_with`] over a [`Listing`] made earlier: its documents read in the same batches, on the cores.
pub fn load_listed<T: Send>(
    listing: Listing,
    known: &(dyn Fn(&Path, Stamp) -> Option<(T, String)> + Sync),
    digest: &Digest<'_, T>,
) -> (Vec<(SourceMeta, T)>, Vec<Warning>) {
    let Listing { found, warnings } = listing;
    let mut documents = found
        .iter()
        .enumerate()
        .filter(|(_, (_, listed))| matches!(listed, Listed::Document))
        .map(|(order, (file, _))| (order, file.clone()));
    let batches: Vec<Vec<(usize, walk::Found)>> = std::iter::from_fn(|| next_batch(&mut documents)).collect();
    let mut read: Vec<Option<ReadFile<T>>> = (0..found.len()).map(|_| None).collect();
    let batches_read: Vec<(usize, ReadFile<T>)> =
        batches.into_par_iter().flat_map_iter(|batch| read_batch(batch, known, digest)).collect();
    for (order, file) in batches_read {
        read[order] = Some(file);
    }
    let files = found.into_iter().zip(read).map(|((file, listed), read)| {
        let read = match listed {
            Listed::Document => read.unwrap_or_else(|| ReadFile::Skipped("not read (an internal error)".to_string())),
            Listed::Read(ReadFile::Bibliography { entries, problems }) => ReadFile::Bibliography { entries, problems },
            Listed::Read(ReadFile::Skipped(message)) => ReadFile::Skipped(message),
            Listed::Read(ReadFile::Ignored | ReadFile::Document { .. }) => ReadFile::Ignored,
        };
        (file, read)
    });
    assembled(files, warnings)
}

/// The corpus from what reading each found file gave, in the order found: documents with their metadata
/// (from the bibliographies), and a warning for each file skipped or repaired, after the `warnings` of the
/// walk.
fn assembled<T>(
    files: impl Iterator<Item = (walk::Found, ReadFile<T>)>,
    mut warnings: Vec<Warning>,
) -> (Vec<(SourceMeta, T)>, Vec<Warning>) {
    let mut documents = Vec::new();
    let mut bibliographies = Vec::new();
    for (file, read) in files {
        let mut warn = |message: String| warnings.push(Warning { path: file.path.clone(), message });
        match read {
            ReadFile::Document { body, title, note, stamp } => {
                if let Some(note) = note {
                    warn(note.to_string());
                }
                documents.push(assemble::Document { path: file.path, body, title, embedded: false, stamp });
            }
            ReadFile::Bibliography { entries, problems } => {
                problems.into_iter().for_each(|w| warnings.push(w));
                bibliographies.push(assemble::BibFile { path: file.path, entries });
            }
            ReadFile::Skipped(message) => warn(message),
            ReadFile::Ignored => {}
        }
    }
    assemble::assemble_with(documents, bibliographies, warnings)
}

/// Reads the document at `path` the way [`load`] does (the same decoding), for a caller that dropped its text
/// and needs it again.
pub fn read_document(path: &Path) -> Result<String, String> {
    decode::read_text(path).map(|decoded| decoded.text)
}

/// What reading one found file gave.
enum ReadFile<T> {
    Document {
        body: T,
        title: String,
        note: Option<&'static str>,
        stamp: Option<Stamp>,
    },
    Bibliography {
        entries: Vec<bib::BibEntry>,
        problems: Vec<Warning>,
    },
    /// Not loaded, for the reason given.
    Skipped(String),
    /// Not loaded and not worth a word: a `.json` file that is not CSL-JSON.
    Ignored,
}

/// A file that is no document: a bibliography, or something ignored.
fn read_other<T>(file: &walk::Found) -> ReadFile<T> {
    let path = file.path.as_path();
    match file.kind {
        walk::FileKind::Document => ReadFile::Ignored,
        walk::FileKind::BibTeX => match decode::read_text(path) {
            Ok(decoded) => {
                let (entries, mut problems) = bib::parse_bibtex(path, &decoded.text);
                if let Some(note) = decoded.note {
                    problems.insert(0, note_warning(path, note));
                }
                ReadFile::Bibliography { entries, problems }
            }
            Err(message) => ReadFile::Skipped(message),
        },
        walk::FileKind::Json => match decode::read_text(path) {
            Ok(decoded) => match bib::parse_csl_json(path, &decoded.text) {
                Some((entries, problems)) => ReadFile::Bibliography { entries, problems },
                None => ReadFile::Ignored,
            },
            // Binary or mangled JSON is somebody else's data; only trouble reading the file is news.
            Err(message) if message == "binary file skipped" => ReadFile::Ignored,
            Err(message) => ReadFile::Skipped(message),
        },
    }
}

thread_local! {
    /// The memory each thread reads a batch of documents into ([`load_with`]), one buffer for each, kept
    /// from one batch to the next.
    static READ_BUFFERS: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Lets go of the buffers this thread reads documents into (see [`crate::memory::give_back`]): a batch's
/// buffers each keep the memory of the largest file they held, up to [`KEPT_BUFFER`].
pub fn release_buffers() {
    READ_BUFFERS.with(|buffers| {
        if let Ok(mut buffers) = buffers.try_borrow_mut() {
            *buffers = Vec::new();
        }
    });
}

/// The memory this thread's read buffers hold.
#[cfg(test)]
fn buffered() -> usize {
    READ_BUFFERS.with(|buffers| buffers.borrow().iter().map(Vec::capacity).sum::<usize>())
}

/// The largest read buffer a thread keeps after a file (a larger file's memory is given back).
const KEPT_BUFFER: usize = 1 << 20;

fn note_warning(path: &Path, note: &str) -> Warning {
    Warning { path: path.to_path_buf(), message: note.to_string() }
}

/// A directory of its own under the system's temporary one (`tag` and the process id), made afresh with
/// `n` documents `n00.md`, `n01.md`..., the text of document `f` being `text(f)`: for tests.
#[cfg(test)]
pub(crate) fn temp_corpus(tag: &str, n: usize, text: impl Fn(usize) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("research-lsp-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("make the corpus directory");
    for f in 0..n {
        std::fs::write(dir.join(format!("n{f:02}.md")), text(f)).expect("write");
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_buffers_are_let_go_of() {
        let dir = temp_corpus("read-buffers", 40, |f| "The Aral Basin Council met in Tashkent. ".repeat(50 + f * 10));
        // A pool of its own, so that no other test's loading fills its threads' buffers meanwhile.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
        let (docs, _) = pool.install(|| load_with(std::slice::from_ref(&dir), &|_, _| None, &|t| vec![(); t.len()]));
        assert_eq!(docs.len(), 40);
        let held = || pool.broadcast(|_| buffered()).into_iter().sum::<usize>();
        assert!(held() > 0);
        pool.broadcast(|_| release_buffers());
        assert_eq!(held(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
