//! Putting documents and bibliography entries together into a [`Corpus`] with unique citation keys.
//!
//! Rules, applied in the order the inputs come (documents and bibliographies sorted by path, entries in
//! file order), so the result is deterministic:
//!
//! - A key seen a second time, in the same or another bibliography, is reported and that later entry
//!   is skipped, as biber does: the first definition wins.
//! - An entry describes the first document its `file` field names, matched by path (relative to the
//!   bibliography's directory, or absolute), else by file name. A name shared by several documents
//!   prefers the ones under the bibliography's directory and is reported if still ambiguous.
//! - A document already described keeps its first entry; a later entry naming it is reported.
//! - A document no entry describes gets a key derived from its file stem (lowercase ASCII letters and
//!   digits, `source` if none are left), made unique with `-2`, `-3`, ... against every key of every
//!   entry and every key derived before it, and its first non-empty line as title.

use crate::extract::fasthash::{FastMap as HashMap, FastSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::bib::{file_name_of, BibEntry, EntryLocation};
use super::{Corpus, Source, SourceMeta, Warning};

/// The longest title taken from a document's first line, in characters.
const MAX_DERIVED_TITLE_CHARS: usize = 200;

/// A document found and read, not yet given its metadata: what the loader keeps of it (`body`: its text, or
/// what was extracted from it) and the title its first line gives ([`derive_title`]).
pub struct Document<T> {
    pub path: PathBuf,
    pub body: T,
    pub title: String,
    pub embedded: bool,
    pub stamp: Option<super::Stamp>,
}

/// The entries of one bibliography file.
pub struct BibFile {
    pub path: PathBuf,
    pub entries: Vec<BibEntry>,
}

/// How a `file` field value found (or did not find) a document.
enum Resolution {
    Found(usize),
    Ambiguous(usize),
    Missing,
}

/// Builds the corpus; `warnings` are those found so far and are kept first.
pub fn assemble(documents: Vec<Document<Arc<String>>>, bibliographies: Vec<BibFile>, warnings: Vec<Warning>) -> Corpus {
    let (sources, warnings) = assemble_with(documents, bibliographies, warnings);
    Corpus { sources: sources.into_iter().map(|(meta, text)| Source { meta, text }).collect(), warnings }
}

/// [`assemble`] for documents of any body: each document's metadata with its body, in document order.
pub fn assemble_with<T>(
    documents: Vec<Document<T>>,
    mut bibliographies: Vec<BibFile>,
    mut warnings: Vec<Warning>,
) -> (Vec<(SourceMeta, T)>, Vec<Warning>) {
    let normalized: Vec<PathBuf> = documents.iter().map(|d| normalize(&d.path)).collect();
    let by_path: HashMap<&Path, usize> =
        normalized.iter().enumerate().map(|(index, path)| (path.as_path(), index)).collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
    for (index, path) in normalized.iter().enumerate() {
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            by_name.entry(name).or_default().push(index);
        }
    }

    // Which entry (bibliography, entry) describes each document, and where each key was first defined.
    let mut described: Vec<Option<(usize, usize)>> = vec![None; documents.len()];
    let mut keys: HashMap<&str, (&Path, EntryLocation)> = HashMap::default();
    for (bib_index, bib) in bibliographies.iter().enumerate() {
        let bib_dir = normalize(bib.path.parent().unwrap_or(Path::new("")));
        let mut warn = |message: String| warnings.push(Warning { path: bib.path.clone(), message });
        for (entry_index, entry) in bib.entries.iter().enumerate() {
            let location = entry.location;
            if let Some((first_path, first_location)) = keys.get(entry.key.as_str()) {
                warn(format!(
                    "{location}: duplicate key `{}` (first defined at {}, {first_location}); entry skipped",
                    entry.key,
                    first_path.display()
                ));
                continue;
            }
            keys.insert(&entry.key, (&bib.path, location));
            for file in &entry.files {
                match resolve(file, &bib_dir, &by_path, &by_name, &normalized) {
                    Resolution::Found(document) => {
                        match described[document] {
                            None => described[document] = Some((bib_index, entry_index)),
                            Some((other_bib, other_entry)) => {
                                let other = &bibliographies[other_bib].entries[other_entry].key;
                                warn(format!(
                                    "{location}: entry `{}` names {file}, which entry `{other}` already describes; ignored",
                                    entry.key
                                ));
                            }
                        }
                        // One entry describes one document, so keys stay unique.
                        break;
                    }
                    Resolution::Ambiguous(count) => warn(format!(
                        "{location}: entry `{}`: file name {} matches {count} documents; not attached",
                        entry.key,
                        file_name_of(file)
                    )),
                    Resolution::Missing => {
                        // Attachments elsewhere (PDFs in a Zotero storage) are normal; a relative text
                        // file that is not in the corpus is probably a typo worth a word.
                        let is_text = Path::new(file)
                            .extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "txt" | "md" | "markdown"));
                        if is_text && !is_absolute_anywhere(file) {
                            warn(format!("{location}: entry `{}`: file {file} is not in the corpus", entry.key));
                        }
                    }
                }
            }
        }
    }

    let mut taken: FastSet<String> = keys.keys().map(|key| key.to_string()).collect();
    drop(keys);
    let mut sources = Vec::with_capacity(documents.len());
    for (index, document) in documents.into_iter().enumerate() {
        let Document { path, body, title, embedded, stamp } = document;
        // An entry describes one document at most, so its fields are moved to it rather than copied.
        let entry = described[index].and_then(|(b, e)| bibliographies.get_mut(b)?.entries.get_mut(e));
        let meta = match entry {
            Some(entry) => SourceMeta {
                key: std::mem::take(&mut entry.key),
                title: entry.title.take().unwrap_or(title),
                author: entry.author.take(),
                date: entry.date.take(),
                publisher: entry.publisher.take(),
                path,
                embedded,
                stamp,
            },
            None => {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let key = unique_key(&derive_key(&stem), &taken);
                taken.insert(key.clone());
                SourceMeta { key, title, author: None, date: None, publisher: None, path, embedded, stamp }
            }
        };
        sources.push((meta, body));
    }
    (sources, warnings)
}

/// Finds the document a `file` field value names.
fn resolve(
    file: &str,
    bib_dir: &Path,
    by_path: &HashMap<&Path, usize>,
    by_name: &HashMap<&str, Vec<usize>>,
    normalized: &[PathBuf],
) -> Resolution {
    let exact = normalize(&bib_dir.join(file));
    if let Some(&index) = by_path.get(exact.as_path()) {
        return Resolution::Found(index);
    }
    let Some(candidates) = by_name.get(file_name_of(file)) else {
        return Resolution::Missing;
    };
    if let [only] = candidates.as_slice() {
        return Resolution::Found(*only);
    }
    let near: Vec<usize> = candidates.iter().copied().filter(|&index| normalized[index].starts_with(bib_dir)).collect();
    match near.as_slice() {
        [only] => Resolution::Found(*only),
        _ => Resolution::Ambiguous(candidates.len()),
    }
}

/// True for a path absolute on this system or written as a Windows absolute path.
fn is_absolute_anywhere(file: &str) -> bool {
    let bytes = file.as_bytes();
    Path::new(file).is_absolute()
        || file.starts_with('/')
        || file.starts_with('\\')
        || (bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// Removes `.` and resolves `..` against the component before it, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A citation key from a file stem: its ASCII letters and digits, lowercased; `source` if none.
pub fn derive_key(stem: &str) -> String {
    let key: String = stem.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    if key.is_empty() {
        "source".to_string()
    } else {
        key
    }
}

/// `base` if it is free, else the first free of `base-2`, `base-3`, ...
pub fn unique_key(base: &str, taken: &FastSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base}-{n}")).find(|key| !taken.contains(key)).unwrap_or_else(|| base.to_string())
}

/// The first non-empty line (without Markdown heading marks), at most 200 characters; else the file name.
pub fn derive_title(text: &str, path: &Path) -> String {
    let line = text.lines().map(|line| line.trim().trim_start_matches('#').trim()).find(|line| !line.is_empty());
    match line {
        Some(line) => match line.char_indices().nth(MAX_DERIVED_TITLE_CHARS) {
            Some((cut, _)) => line[..cut].trim_end().to_string(),
            None => line.to_string(),
        },
        None => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_derivation() {
        let cases: &[(&str, &str, &str)] = &[
            ("seed_stem", "000_dff35ea259b1bf8d", "000dff35ea259b1bf8d"),
            ("mixed_case", "Gusev-2019", "gusev2019"),
            ("spaces_and_dots", "my notes.v2", "mynotesv2"),
            ("non_ascii_dropped", "Über_Asien", "berasien"),
            ("nothing_left", "日本", "source"),
            ("empty", "", "source"),
        ];
        for (name, stem, expected) in cases {
            assert_eq!(derive_key(stem), *expected, "case {name}");
        }
    }

    #[test]
    fn key_deduplication() {
        let taken: FastSet<String> = ["notes", "notes-2", "a"].iter().map(|s| s.to_string()).collect();
        let cases: &[(&str, &str, &str)] =
            &[("free", "fresh", "fresh"), ("taken_once", "a", "a-2"), ("taken_twice", "notes", "notes-3")];
        for (name, base, expected) in cases {
            assert_eq!(unique_key(base, &taken), *expected, "case {name}");
        }
    }

    #[test]
    fn title_derivation() {
        let long = "x".repeat(300);
        let cases: &[(&str, &str, &str)] = &[
            ("first_line", "Title\nbody", "Title"),
            ("skips_blank_lines", "\n  \n  Title  \nbody", "Title"),
            ("markdown_heading", "## A heading\n", "A heading"),
            ("crlf", "Title\r\nbody", "Title"),
            ("empty_uses_file_name", "", "doc.txt"),
            ("whitespace_only", " \n\t\n", "doc.txt"),
            ("long_line_cut", &long, &long[..200]),
        ];
        for (name, text, expected) in cases {
            assert_eq!(derive_title(text, Path::new("dir/doc.txt")), *expected, "case {name}");
        }
    }

    #[test]
    fn path_normalization() {
        let cases: &[(&str, &str, &str)] = &[
            ("cur_dir", "./a/./b.txt", "a/b.txt"),
            ("parent", "a/x/../b.txt", "a/b.txt"),
            ("leading_parent_kept", "../a.txt", "../a.txt"),
            ("absolute", "/r/a/../b", "/r/b"),
        ];
        for (name, path, expected) in cases {
            assert_eq!(normalize(Path::new(path)), PathBuf::from(expected), "case {name}");
        }
    }

    fn entry(key: &str, files: &[&str], line: usize) -> BibEntry {
        BibEntry {
            key: key.into(),
            title: Some(format!("Title of {key}")),
            author: None,
            date: None,
            publisher: None,
            files: files.iter().map(|f| f.to_string()).collect(),
            location: EntryLocation::Line(line),
        }
    }

    fn document(path: &str) -> Document<Arc<String>> {
        let text = format!("first line of {path}\n");
        Document {
            title: derive_title(&text, Path::new(path)),
            path: PathBuf::from(path),
            body: Arc::new(text),
            embedded: false,
            stamp: None,
        }
    }

    #[test]
    fn matching_entries_to_documents() {
        type Case<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a [&'a str])], &'a [&'a str], usize);
        let cases: &[Case] = &[
            ("by_relative_path", &["c/sub/a.txt"], &[("k", &["sub/a.txt"])], &["k"], 0),
            ("by_file_name", &["c/sub/a.txt"], &[("k", &["a.txt"])], &["k"], 0),
            ("zotero_absolute_elsewhere", &["c/a.txt"], &[("k", &["/zotero/storage/a.txt"])], &["k"], 0),
            ("no_entry_derives_key", &["c/My Doc.md"], &[], &["mydoc"], 0),
            ("derived_avoids_entry_keys", &["c/k.txt", "c/x.txt"], &[("k", &["x.txt"])], &["k-2", "k"], 0),
            ("duplicate_key_skipped", &["c/a.txt", "c/b.txt"], &[("k", &["a.txt"]), ("k", &["b.txt"])], &["k", "b"], 1),
            ("second_entry_for_same_doc", &["c/a.txt"], &[("k", &["a.txt"]), ("j", &["a.txt"])], &["k"], 1),
            ("ambiguous_name", &["c/x/a.txt", "c/y/a.txt"], &[("k", &["a.txt"])], &["a", "a-2"], 1),
            ("missing_text_file_warned", &["c/a.txt"], &[("k", &["typo.txt"])], &["a"], 1),
            ("missing_pdf_quiet", &["c/a.txt"], &[("k", &["a.pdf"])], &["a"], 0),
            ("one_entry_one_document", &["c/a.txt", "c/b.txt"], &[("k", &["a.txt", "b.txt"])], &["k", "b"], 0),
        ];
        for (name, docs, entries, keys, warning_count) in cases {
            let documents = docs.iter().map(|p| document(p)).collect();
            let bib = BibFile {
                path: PathBuf::from("c/references.bib"),
                entries: entries.iter().enumerate().map(|(i, (key, files))| entry(key, files, i + 1)).collect(),
            };
            let corpus = assemble(documents, vec![bib], Vec::new());
            let got: Vec<&str> = corpus.sources.iter().map(|s| s.meta.key.as_str()).collect();
            assert_eq!(got, *keys, "case {name}");
            assert_eq!(corpus.warnings.len(), *warning_count, "case {name}: {:?}", corpus.warnings);
        }
    }

    #[test]
    fn duplicate_key_warning_names_both_places() {
        let bib = |path: &str, line| BibFile { path: PathBuf::from(path), entries: vec![entry("k", &[], line)] };
        let corpus = assemble(Vec::new(), vec![bib("a.bib", 3), bib("b.bib", 7)], Vec::new());
        assert_eq!(
            corpus.warnings,
            vec![Warning {
                path: PathBuf::from("b.bib"),
                message: "line 7: duplicate key `k` (first defined at a.bib, line 3); entry skipped".into(),
            }]
        );
    }
}
