//! The seed corpus embedded in the binary, and a copy of it on disk for editors to open.
//!
//! The five seed documents and `seeds/references.bib` are compiled in byte for byte. [`seeds`] builds
//! their [`Corpus`] with the same bibliography code as [`load`](super::load), so the seeds' metadata
//! lives in one place, the `.bib` file. [`materialize_seeds`] writes them once into a directory named
//! after a hash of their content: a new release with changed seeds gets a new directory, and an
//! unchanged one finds its files in place and writes nothing. Files are written to a temporary name and
//! renamed, so a reader never sees half a file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::assemble::{assemble, BibFile, Document};
use super::bib::parse_bibtex;
use super::Corpus;

/// The directory the embedded seeds claim to come from, in their `path`s.
pub const SEED_DIR: &str = "seeds";

/// The name of the seeds' bibliography.
pub const SEED_BIBLIOGRAPHY: &str = "references.bib";

/// The seed documents: file name and text, byte for byte.
pub const SEED_DOCUMENTS: [(&str, &str); 5] = [
    ("000_dff35ea259b1bf8d.txt", include_str!("../../seeds/000_dff35ea259b1bf8d.txt")),
    ("001_1c1cd4a807901fff.txt", include_str!("../../seeds/001_1c1cd4a807901fff.txt")),
    ("002_6a4b30dcf2198651.txt", include_str!("../../seeds/002_6a4b30dcf2198651.txt")),
    ("003_d915e0f5ed7bbfbf.txt", include_str!("../../seeds/003_d915e0f5ed7bbfbf.txt")),
    ("004_6ac02d4f05cb9ba7.txt", include_str!("../../seeds/004_6ac02d4f05cb9ba7.txt")),
];

/// The seeds' bibliography, byte for byte.
pub const SEED_REFERENCES: &str = include_str!("../../seeds/references.bib");

/// The embedded seed corpus: five sources with `embedded: true` and `path` = `seeds/<file name>`.
pub fn seeds() -> Corpus {
    static SEEDS: OnceLock<Corpus> = OnceLock::new();
    SEEDS.get_or_init(build_seeds).clone()
}

fn build_seeds() -> Corpus {
    let bib_path = Path::new(SEED_DIR).join(SEED_BIBLIOGRAPHY);
    let (entries, warnings) = parse_bibtex(&bib_path, SEED_REFERENCES);
    let documents = SEED_DOCUMENTS
        .iter()
        .map(|(name, text)| {
            let path = Path::new(SEED_DIR).join(name);
            Document {
                title: super::assemble::derive_title(text, &path),
                path,
                body: std::sync::Arc::new((*text).to_string()),
                embedded: true,
                stamp: None,
            }
        })
        .collect();
    assemble(documents, vec![BibFile { path: bib_path, entries }], warnings)
}

/// Every embedded seed file, documents then bibliography, as (file name, bytes).
fn seed_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    SEED_DOCUMENTS
        .iter()
        .map(|(name, text)| (*name, text.as_bytes()))
        .chain(std::iter::once((SEED_BIBLIOGRAPHY, SEED_REFERENCES.as_bytes())))
}

/// The name of the directory the seeds are written to: `seeds-` and 12 hex digits of their hash.
pub fn seed_dir_name() -> String {
    let mut hasher = Fnv1a64::new();
    for (name, bytes) in seed_files() {
        hasher.write(name.as_bytes());
        hasher.write(&[0]);
        hasher.write(&(bytes.len() as u64).to_le_bytes());
        hasher.write(bytes);
    }
    format!("seeds-{:012x}", hasher.finish() >> 16)
}

/// Writes the embedded seeds and their `references.bib` into `<cache_dir>/seeds-<hash>/` unless they
/// are already there with the right content, and returns that directory.
pub fn materialize_seeds(cache_dir: &Path) -> io::Result<PathBuf> {
    let dir = cache_dir.join(seed_dir_name());
    fs::create_dir_all(&dir)?;
    for (name, bytes) in seed_files() {
        write_if_changed(&dir.join(name), bytes)?;
    }
    Ok(dir)
}

/// Writes `bytes` to `path` through a temporary file and a rename, unless `path` already holds them.
fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Ok(existing) = fs::read(path) {
        if existing == bytes {
            return Ok(());
        }
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let temp = path.with_file_name(format!(".{file_name}.tmp-{}-{nanos}", std::process::id()));
    let written = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Where research-lsp keeps files of its own: `$XDG_CACHE_HOME/research-lsp`, else
/// `$HOME/.cache/research-lsp`; on Windows `%LOCALAPPDATA%\research-lsp`. `None` if none is set.
pub fn cache_dir() -> Option<PathBuf> {
    let from_env = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            // The XDG specification says relative paths are to be ignored; so is an empty variable.
            .filter(|path| path.is_absolute())
    };
    let base = if cfg!(windows) {
        from_env("LOCALAPPDATA")
    } else {
        from_env("XDG_CACHE_HOME").or_else(|| from_env("HOME").map(|home| home.join(".cache")))
    };
    base.map(|base| base.join("research-lsp"))
}

/// FNV-1a, 64 bits: a hash that is the same on every platform and in every release, unlike std's
/// `DefaultHasher`. Good for naming a cache directory; not for anything an adversary chooses.
pub struct Fnv1a64(u64);

impl Fnv1a64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    pub fn new() -> Self {
        Fnv1a64(Self::OFFSET_BASIS)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv1a64 {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_reference_values() {
        // Reference values from the FNV specification's test suite.
        let cases: &[(&str, &[u8], u64)] = &[
            ("empty", b"", 0xcbf29ce484222325),
            ("a", b"a", 0xaf63dc4c8601ec8c),
            ("foobar", b"foobar", 0x85944171f73967e8),
        ];
        for (name, bytes, expected) in cases {
            let mut hasher = Fnv1a64::new();
            hasher.write(bytes);
            assert_eq!(hasher.finish(), *expected, "case {name}");
        }
    }

    #[test]
    fn seeds_parse_without_warnings() {
        let corpus = seeds();
        assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
        assert_eq!(corpus.sources.len(), 5);
    }

    #[test]
    fn seed_dir_name_is_stable_within_a_build() {
        let name = seed_dir_name();
        assert_eq!(name, seed_dir_name());
        assert!(name.starts_with("seeds-") && name.len() == "seeds-".len() + 12, "{name}");
    }
}
