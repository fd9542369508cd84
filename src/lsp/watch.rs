//! Watching the corpus on disk, so that sources added, changed, renamed or deleted are picked up.
//!
//! Where the client can watch files for us (dynamic registration of `workspace/didChangeWatchedFiles`), the
//! server registers glob watchers for the corpus and the client reports changes; otherwise the server runs
//! a watcher of its own (`notify`: inotify, FSEvents, ReadDirectoryChangesW). Both feed one channel, and
//! a debounce task turns a burst of changes into one re-index. Only source documents and bibliographies in
//! the configured corpus count; a change to anything else, or to an open note (whose buffer wins over its
//! copy on disk), is ignored.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc::UnboundedSender;

/// How long the server waits after the last change on disk before it re-indexes.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The glob for what a corpus directory holds that the index reads.
pub const CORPUS_GLOB: &str = "**/*.{txt,md,markdown,bib,json}";

/// True when `path` is a file the corpus loader reads (by extension) and lies in one of `roots`.
pub fn is_corpus_file(path: &Path, roots: &[PathBuf]) -> bool {
    let readable = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "txt" | "md" | "markdown" | "bib" | "json"));
    readable && roots.iter().any(|r| path.starts_with(r) || path == r)
}

/// Whether an event of this kind may change what a file holds or which files there are. Opening, reading
/// and closing a file do not: the server reads sources itself (to quote them, to check them against their
/// hashes), and a re-index on each read would read them again, for ever. Metadata alone (permissions, times)
/// does not change a text either.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    use notify::EventKind;
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Starts a watcher of our own over `roots` (directories recursively; a file through its directory),
/// sending every changed path to `tx`.
pub fn start_own(roots: &[PathBuf], tx: UnboundedSender<PathBuf>) -> Result<notify::RecommendedWatcher, String> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Some(event) = event.ok().filter(|e| changes_content(&e.kind)) {
            for path in event.paths {
                let _ = tx.send(path);
            }
        }
    })
    .map_err(|e| format!("cannot watch the corpus: {e}"))?;
    for root in roots {
        let (target, mode) = if root.is_dir() {
            (root.as_path(), RecursiveMode::Recursive)
        } else {
            (root.parent().unwrap_or(root.as_path()), RecursiveMode::NonRecursive)
        };
        watcher.watch(target, mode).map_err(|e| format!("cannot watch {}: {e}", target.display()))?;
    }
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_events_that_may_change_a_text_count() {
        use notify::event::{
            AccessKind, AccessMode, CreateKind, DataChange, MetadataKind, ModifyKind, RemoveKind, RenameMode,
        };
        use notify::EventKind;
        // (name, kind, counts)
        let cases: &[(&str, EventKind, bool)] = &[
            ("opened", EventKind::Access(AccessKind::Open(AccessMode::Any)), false),
            ("read", EventKind::Access(AccessKind::Read), false),
            ("closed_after_reading", EventKind::Access(AccessKind::Close(AccessMode::Read)), false),
            ("closed_after_writing", EventKind::Access(AccessKind::Close(AccessMode::Write)), true),
            ("times_changed", EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)), false),
            ("permissions_changed", EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)), false),
            ("written", EventKind::Modify(ModifyKind::Data(DataChange::Any)), true),
            ("renamed", EventKind::Modify(ModifyKind::Name(RenameMode::Both)), true),
            ("created", EventKind::Create(CreateKind::File), true),
            ("removed", EventKind::Remove(RemoveKind::File), true),
            ("unknown", EventKind::Any, true),
        ];
        for (name, kind, want) in cases {
            assert_eq!(changes_content(kind), *want, "{name}");
        }
    }

    #[test]
    fn corpus_file_table() {
        let roots = [PathBuf::from("/corpus"), PathBuf::from("/one/file.txt")];
        // (name, path, counts)
        let cases: &[(&str, &str, bool)] = &[
            ("text_in_root", "/corpus/a.txt", true),
            ("nested_markdown", "/corpus/x/y/b.MD", true),
            ("bibliography", "/corpus/refs.bib", true),
            ("csl_json", "/corpus/refs.json", true),
            ("pdf_ignored", "/corpus/a.pdf", false),
            ("outside", "/elsewhere/a.txt", false),
            ("single_file_root", "/one/file.txt", true),
            ("sibling_of_file_root", "/one/other.txt", false),
        ];
        for &(name, path, want) in cases {
            assert_eq!(is_corpus_file(Path::new(path), &roots), want, "{name}");
        }
    }
}
