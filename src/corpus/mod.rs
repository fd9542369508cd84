//! The corpus: source documents and what their bibliography says of them.
//!
//! A corpus is a list of paths, files or directories walked recursively; by default it is the seed corpus
//! embedded in the binary. Loading never fails as a whole: every problem with one file (not UTF-8, binary,
//! unreadable, a bad bibliography entry) becomes a [`Warning`] and the rest is loaded.

pub mod bib;

use std::fmt;
use std::path::PathBuf;
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
}

/// One source document: its metadata and its full text.
#[derive(Clone, Debug)]
pub struct Source {
    pub meta: SourceMeta,
    pub text: Arc<str>,
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

/// Loads the embedded seed corpus. (Stub; being written.)
pub fn seeds() -> Corpus {
    Corpus::default()
}

/// Loads the documents and bibliographies under `paths`. (Stub; being written.)
pub fn load(_paths: &[PathBuf]) -> Corpus {
    Corpus::default()
}
