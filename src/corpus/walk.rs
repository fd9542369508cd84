//! Finding the files of a corpus: documents and bibliographies under a list of files and directories.
//!
//! [`discover`] walks each directory depth first with the entries of every directory sorted by name, so
//! the files of one root come out sorted by path and the result is the same on every run. It follows
//! symbolic links, but never into a directory it is already inside (a loop, reported) and never twice
//! into the same directory (reached by two links, skipped quietly); each file is listed once however it
//! is reached. Hidden entries (`.git`, `.obsidian`, ...) and `node_modules` are not walked. It stops at
//! a cap on the number of files, with a warning. It does not read the files.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::decode::describe_io_error;
use super::{Stamp, Warning};

/// How many files one load takes at most.
pub const MAX_FILES: usize = 200_000;

/// What a file is to the corpus, decided by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A text document: `.txt`, `.md` or `.markdown`.
    Document,
    /// A BibTeX/BibLaTeX bibliography: `.bib`.
    BibTeX,
    /// Possibly a CSL-JSON bibliography: `.json`.
    Json,
}

/// One file found by [`discover`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub kind: FileKind,
    /// The file's size and modification time, as the walk found them.
    pub stamp: Option<Stamp>,
}

/// The kind of a file from its extension (case-insensitive), or `None` for a file the corpus ignores.
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "txt" | "md" | "markdown" => Some(FileKind::Document),
        "bib" => Some(FileKind::BibTeX),
        "json" => Some(FileKind::Json),
        _ => None,
    }
}

/// True for a directory entry that is not walked: hidden names and `node_modules`.
fn is_skipped_name(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules"
}

/// Lists the corpus files under `roots`, in order, with a warning for every root or entry that could
/// not be used. At most `max_files` files are listed.
pub fn discover(roots: &[PathBuf], max_files: usize) -> (Vec<Found>, Vec<Warning>) {
    discover_with(roots, max_files, &mut |_| {})
}

/// [`discover`], handing `listed` each file as soon as it is listed, in the order of the list: a caller can
/// start on the first files while the walk goes on.
pub fn discover_with(
    roots: &[PathBuf],
    max_files: usize,
    listed: &mut dyn FnMut(&Found),
) -> (Vec<Found>, Vec<Warning>) {
    let mut walker = Walker {
        found: Vec::new(),
        warnings: Vec::new(),
        seen_files: HashSet::new(),
        seen_dirs: HashSet::new(),
        max_files,
        full: false,
        listed,
    };
    for root in roots {
        if walker.full {
            break;
        }
        walker.root(root);
    }
    (walker.found, walker.warnings)
}

struct Walker<'a> {
    found: Vec<Found>,
    warnings: Vec<Warning>,
    /// Canonical paths of the files listed so far.
    seen_files: HashSet<PathBuf>,
    /// Canonical paths of the directories walked so far.
    seen_dirs: HashSet<PathBuf>,
    max_files: usize,
    full: bool,
    /// Told of each file listed, as it is.
    listed: &'a mut dyn FnMut(&Found),
}

/// A directory waiting to be walked, or a file waiting to be listed, in path order on a stack.
enum Pending {
    Dir { path: PathBuf, canonical: PathBuf },
    File { found: Found, canonical: PathBuf },
}

impl Walker<'_> {
    fn warn(&mut self, path: &Path, message: impl Into<String>) {
        self.warnings.push(Warning { path: path.to_path_buf(), message: message.into() });
    }

    fn root(&mut self, root: &Path) {
        let metadata = match fs::metadata(root) {
            Ok(metadata) => metadata,
            Err(error) => return self.warn(root, describe_io_error(&error)),
        };
        let canonical = match fs::canonicalize(root) {
            Ok(canonical) => canonical,
            Err(error) => return self.warn(root, describe_io_error(&error)),
        };
        if metadata.is_dir() {
            self.walk(root.to_path_buf(), canonical);
        } else if !metadata.is_file() {
            self.warn(root, "not a regular file or directory; skipped");
        } else if let Some(kind) = kind_of(root) {
            self.list(Found { path: root.to_path_buf(), kind, stamp: Stamp::of_metadata(&metadata) }, canonical, root);
        } else {
            self.warn(root, "unsupported file type (expected .txt, .md, .markdown, .bib or .json); skipped");
        }
    }

    fn list(&mut self, found: Found, canonical: PathBuf, root: &Path) {
        if self.found.len() >= self.max_files {
            if !self.full {
                self.full = true;
                let message = format!("more than {} files; the rest were skipped", self.max_files);
                self.warn(root, message);
            }
            return;
        }
        if self.seen_files.insert(canonical) {
            (self.listed)(&found);
            self.found.push(found);
        }
    }

    fn walk(&mut self, root: PathBuf, canonical: PathBuf) {
        if !self.seen_dirs.insert(canonical.clone()) {
            return;
        }
        let mut stack = vec![Pending::Dir { path: root.clone(), canonical }];
        while let Some(pending) = stack.pop() {
            if self.full {
                return;
            }
            match pending {
                Pending::File { found, canonical } => self.list(found, canonical, &root),
                Pending::Dir { path, canonical } => {
                    let children = self.children(&path, &canonical);
                    stack.extend(children.into_iter().rev());
                }
            }
        }
    }

    /// The entries of one directory worth visiting, sorted by name.
    fn children(&mut self, dir: &Path, dir_canonical: &Path) -> Vec<Pending> {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                let message = format!("directory skipped: {}", describe_io_error(&error));
                self.warn(dir, message);
                return Vec::new();
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let name = entry.file_name();
                    if name.to_str().is_some_and(is_skipped_name) {
                        continue;
                    }
                    let is_symlink = entry.file_type().map(|t| t.is_symlink()).unwrap_or(true);
                    names.push((name, is_symlink, entry));
                }
                Err(error) => {
                    let message = format!("directory entry skipped: {}", describe_io_error(&error));
                    self.warn(dir, message);
                }
            }
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));

        let mut children = Vec::new();
        for (name, is_symlink, entry) in names {
            let path = dir.join(&name);
            // A link is followed; anything else is asked of its directory (no walk of the whole path again).
            let metadata = if is_symlink { fs::metadata(&path) } else { entry.metadata() };
            let metadata = match metadata {
                Ok(metadata) => metadata,
                Err(error) => {
                    let message = if is_symlink && error.kind() == std::io::ErrorKind::NotFound {
                        "broken symbolic link; skipped".to_string()
                    } else if is_symlink {
                        format!(
                            "symbolic link not followed: {}",
                            describe_io_error(&error).trim_start_matches("cannot read: ")
                        )
                    } else {
                        describe_io_error(&error)
                    };
                    self.warn(&path, message);
                    continue;
                }
            };
            // Without links, the canonical path of a child is its parent's plus its name; only a link
            // needs the file system to resolve it.
            let canonical = if is_symlink {
                match fs::canonicalize(&path) {
                    Ok(canonical) => canonical,
                    Err(error) => {
                        self.warn(&path, describe_io_error(&error));
                        continue;
                    }
                }
            } else {
                dir_canonical.join(&name)
            };
            if metadata.is_dir() {
                if dir_canonical.starts_with(&canonical) {
                    self.warn(&path, "symbolic link loop; not followed");
                } else if self.seen_dirs.insert(canonical.clone()) {
                    children.push(Pending::Dir { path, canonical });
                }
            } else if metadata.is_file() {
                if let Some(kind) = kind_of(&path) {
                    let found = Found { path, kind, stamp: Stamp::of_metadata(&metadata) };
                    children.push(Pending::File { found, canonical });
                }
            }
        }
        children
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        let cases: &[(&str, &str, Option<FileKind>)] = &[
            ("txt", "a.txt", Some(FileKind::Document)),
            ("md", "a.md", Some(FileKind::Document)),
            ("markdown_upper", "a.MARKDOWN", Some(FileKind::Document)),
            ("bib", "refs.bib", Some(FileKind::BibTeX)),
            ("json", "refs.json", Some(FileKind::Json)),
            ("pdf", "a.pdf", None),
            ("no_extension", "README", None),
            ("dotfile", ".txt", None),
        ];
        for (name, path, expected) in cases {
            assert_eq!(kind_of(Path::new(path)), *expected, "case {name}");
        }
    }

    #[test]
    fn skipped_names() {
        let cases: &[(&str, &str, bool)] = &[
            ("git", ".git", true),
            ("hidden_file", ".notes.md", true),
            ("node_modules", "node_modules", true),
            ("plain_dir", "sources", false),
            ("dot_inside", "a.b", false),
        ];
        for (name, entry, expected) in cases {
            assert_eq!(is_skipped_name(entry), *expected, "case {name}");
        }
    }

    #[test]
    fn cap_on_files() {
        let dir = std::env::temp_dir().join(format!("research-lsp-walk-cap-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let made = fs::create_dir_all(&dir)
            .and_then(|()| (0..5).try_for_each(|i| fs::write(dir.join(format!("{i}.txt")), "x")));
        assert!(made.is_ok(), "{made:?}");
        let (found, warnings) = discover(std::slice::from_ref(&dir), 3);
        let names: Vec<_> =
            found.iter().filter_map(|f| f.path.file_name().and_then(|n| n.to_str()).map(String::from)).collect();
        assert_eq!(names, ["0.txt", "1.txt", "2.txt"]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].message, "more than 3 files; the rest were skipped");
        let _ = fs::remove_dir_all(&dir);
    }
}
