//! The language server: LSP requests in, analysis calls, LSP answers out.
//!
//! Handlers are thin: they convert the request (URI and position to a parsed note and a byte offset), call
//! one function of [`crate::analysis`] inside [`guard`] (so a panic becomes a -32603 answer, not a dead
//! server), and convert the answer. State is an `Arc<Index>` swapped whole when indexing finishes, and the open
//! notes in a `DashMap`, edited synchronously in the order the client sent the edits.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::request::WorkDoneProgressCreate;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::config::{self, Settings};
use super::convert::{source_location, source_uri, Conv};
use super::documents::{Document, Parsed};
use super::watch;
use crate::analysis::{self, checks, completion, hover, locations, symbols, Linker};
use crate::corpus;
use crate::index::{Index, Prior, SourceDoc};
use crate::note::{Note, Target};
use crate::store;
use crate::text::{Encoding, Span};

/// How long the server waits for the client to answer one of its requests.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The state shared between handlers and the background indexing task.
pub struct Shared {
    index: RwLock<(Arc<Index>, u64)>,
    /// Incremented for each indexing job; a job whose number is no longer current drops its result.
    job: AtomicU64,
    indexing: AtomicBool,
    encoding: OnceLock<Encoding>,
    root: RwLock<Option<PathBuf>>,
    /// The corpus setting from the client, which wins over the workspace file.
    client_corpus: RwLock<Option<Vec<String>>>,
    /// What the last indexing job indexed, for `researchLsp/status`.
    corpus_desc: RwLock<Vec<String>>,
    reported_unknown: Mutex<Vec<String>>,
    supports_progress: AtomicBool,
    supports_config_pull: AtomicBool,
    /// Whether to show "in N sources" inlay hints (setting `inlayHints`, off by default).
    inlay_hints: AtomicBool,
    /// The corpus roots on disk that the current index was read from (none for the embedded seeds).
    watched: RwLock<Vec<PathBuf>>,
    /// Whether the client watches files for us (dynamic registration of didChangeWatchedFiles), and
    /// whether it takes relative patterns.
    client_watches: AtomicBool,
    relative_patterns: AtomicBool,
    /// Our own watcher, where the client does not watch for us.
    own_watcher: Mutex<Option<notify::RecommendedWatcher>>,
    /// Where changed paths go, from either watcher, to be debounced into one re-index.
    changes: OnceLock<tokio::sync::mpsc::UnboundedSender<PathBuf>>,
    /// Whether to keep the index in the cache directory between sessions (setting `persistIndex`, on by
    /// default), and what became of it, for `researchLsp/status`.
    persist_index: AtomicBool,
    persisted: RwLock<Value>,
    /// One write of the persisted index at a time.
    persisting: Mutex<()>,
    /// Paths the watchers reported since the last indexing job: read again whatever their stamps say.
    recently_changed: Mutex<Vec<PathBuf>>,
    /// Work after an index is in use (the quotation word map, writing the persisted index), for
    /// `researchLsp/status`: it costs CPU, not answers.
    background: AtomicU64,
    /// An index was built or read since memory was last given back (see [`crate::memory`]): the last
    /// background task to end gives it back.
    give_back_due: AtomicBool,
    /// The index in use was read from the store and the corpus has not been listed since to see whether its
    /// files are those stored (see [`store::restore_unlisted`]): until it has, a change is followed by
    /// indexing again, which lists the corpus, rather than by an update of the changed files alone.
    listing_unchecked: AtomicBool,
}

impl Shared {
    fn index(&self) -> (Arc<Index>, u64) {
        match self.index.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or(Encoding::Utf16)
    }
}

pub struct Backend {
    client: Client,
    docs: Docs,
    shared: Arc<Shared>,
}

/// The open notes, shared with the tasks that check them.
type Docs = Arc<DashMap<Uri, Document>>;

/// How long the server waits after the last edit before it checks a note.
const CHECK_DELAY: Duration = Duration::from_millis(250);

/// Runs `f`, turning a panic into an internal error answer for this request alone.
fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        eprintln!("research-lsp: error: {what} panicked: {msg}");
        Error { code: ErrorCode::InternalError, message: format!("{what} failed: {msg}").into(), data: None }
    })
}

/// Links hover excerpts to the source file at the excerpt's line.
struct FileLinker {
    enc: Encoding,
}

impl Linker for FileLinker {
    fn link(&self, source: &SourceDoc, span: Span) -> Option<String> {
        let uri = source_uri(source)?;
        let text = source.text().ok()?;
        let pos = Conv { text: &text.text, lines: &text.lines, enc: self.enc }.position(span.start as usize);
        Some(format!("{}#L{},{}", uri.as_str(), pos.line + 1, pos.character + 1))
    }
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            docs: Arc::new(DashMap::new()),
            shared: Arc::new(Shared {
                index: RwLock::new((Arc::new(Index::default()), 0)),
                job: AtomicU64::new(0),
                // Nothing is indexed until the first job ends, which `initialized` starts.
                indexing: AtomicBool::new(true),
                encoding: OnceLock::new(),
                root: RwLock::new(None),
                client_corpus: RwLock::new(None),
                corpus_desc: RwLock::new(Vec::new()),
                reported_unknown: Mutex::new(Vec::new()),
                supports_progress: AtomicBool::new(false),
                supports_config_pull: AtomicBool::new(false),
                inlay_hints: AtomicBool::new(false),
                watched: RwLock::new(Vec::new()),
                client_watches: AtomicBool::new(false),
                relative_patterns: AtomicBool::new(false),
                own_watcher: Mutex::new(None),
                changes: OnceLock::new(),
                persist_index: AtomicBool::new(true),
                persisted: RwLock::new(Value::Null),
                persisting: Mutex::new(()),
                recently_changed: Mutex::new(Vec::new()),
                background: AtomicU64::new(0),
                give_back_due: AtomicBool::new(false),
                listing_unchecked: AtomicBool::new(false),
            }),
        }
    }

    /// The parsed note at `uri`, parsed again only when its text or the index changed.
    fn parsed(&self, uri: &Uri) -> Option<(Arc<Index>, Arc<Parsed>)> {
        parsed(&self.shared, &self.docs, uri)
    }

    /// The note, index and byte offset for a request at a position.
    fn at(&self, pos: &TextDocumentPositionParams) -> Option<(Arc<Index>, Arc<Parsed>, usize)> {
        let (index, parsed) = self.parsed(&pos.text_document.uri)?;
        let offset =
            Conv { text: &parsed.text, lines: &parsed.lines, enc: self.shared.encoding() }.offset(pos.position);
        Some((index, parsed, offset))
    }

    fn conv<'a>(&self, parsed: &'a Parsed) -> Conv<'a> {
        Conv { text: &parsed.text, lines: &parsed.lines, enc: self.shared.encoding() }
    }

    /// Starts indexing in the background with the current configuration.
    fn reindex(&self, reason: &'static str) {
        let shared = self.shared.clone();
        let client = self.client.clone();
        let docs = self.docs.clone();
        tokio::spawn(async move { index_job(shared, docs, client, reason).await });
    }

    /// Notes unknown setting keys in the log, once each.
    async fn report_settings(&self, settings: &Settings, origin: &str) {
        let fresh: Vec<String> = {
            let Ok(mut seen) = self.shared.reported_unknown.lock() else { return };
            let fresh: Vec<String> = settings.unknown.iter().filter(|k| !seen.contains(k)).cloned().collect();
            seen.extend(fresh.iter().cloned());
            fresh
        };
        if !fresh.is_empty() {
            log(&self.client, MessageType::INFO, format!("{origin}: unknown setting(s) ignored: {}", fresh.join(", ")))
                .await;
        }
        for e in &settings.errors {
            self.client.show_message(MessageType::WARNING, format!("research-lsp: {origin}: {e}")).await;
        }
    }
}

/// The parsed note at `uri`, parsed again only when its text or the index changed. The parse happens
/// outside the map's lock.
fn parsed(shared: &Shared, docs: &DashMap<Uri, Document>, uri: &Uri) -> Option<(Arc<Index>, Arc<Parsed>)> {
    let (index, generation) = shared.index();
    let (rope, version) = {
        let doc = docs.get(uri)?;
        if let Some(p) = &doc.parsed {
            if p.version == doc.version && p.generation == generation {
                return Some((index, p.clone()));
            }
        }
        (doc.rope.clone(), doc.version)
    };
    let text = rope.to_string();
    let note = Note::parse(&text, &index);
    let parsed = Arc::new(Parsed { lines: crate::text::LineIndex::new(&text), text, note, version, generation });
    if let Some(mut doc) = docs.get_mut(uri) {
        if doc.version == version {
            doc.parsed = Some(parsed.clone());
        }
    }
    Some((index, parsed))
}

/// Checks a note after a pause in typing and publishes its diagnostics, unless it changed meanwhile (a
/// newer check is then on its way). The check runs on the blocking pool, never on the request path.
fn schedule_check(shared: Arc<Shared>, docs: Docs, client: Client, uri: Uri, delay: Duration) {
    let Some(version) = docs.get(&uri).map(|d| d.version) else { return };
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        if docs.get(&uri).map(|d| d.version) != Some(version) {
            return;
        }
        let enc = shared.encoding();
        let (task_docs, task_uri) = (docs.clone(), uri.clone());
        let result = tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| {
                let (index, parsed) = parsed(&shared, &task_docs, &task_uri)?;
                let findings = Arc::new(checks::check(&index, &parsed.text, &parsed.note));
                let conv = Conv { text: &parsed.text, lines: &parsed.lines, enc };
                let diagnostics: Vec<Diagnostic> =
                    findings.iter().map(|f| to_diagnostic(&index, &conv, f, enc)).collect();
                if let Some(mut doc) = task_docs.get_mut(&task_uri) {
                    if doc.version == parsed.version {
                        doc.findings = Some((parsed.version, parsed.generation, findings));
                    }
                }
                Some((parsed.version, diagnostics))
            }))
        })
        .await;
        match result {
            Ok(Ok(Some((checked, diagnostics)))) => {
                if docs.get(&uri).map(|d| d.version) == Some(checked) {
                    client.publish_diagnostics(uri, diagnostics, Some(checked)).await;
                }
            }
            Ok(Ok(None)) => {}
            _ => eprintln!("research-lsp: error: checking {} failed", uri.as_str()),
        }
    });
}

/// A finding as an LSP diagnostic, with the places in the sources that back it.
fn to_diagnostic(index: &Index, conv: &Conv, f: &checks::Finding, enc: Encoding) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|(sid, span)| {
            let doc = index.source(*sid);
            let location = source_location(doc, *span, enc)?;
            Some(DiagnosticRelatedInformation { location, message: format!("[@{}]", doc.meta.key) })
        })
        .collect();
    Diagnostic {
        range: conv.range(f.span),
        severity: Some(match f.severity {
            checks::Severity::Error => DiagnosticSeverity::ERROR,
            checks::Severity::Warning => DiagnosticSeverity::WARNING,
            checks::Severity::Information => DiagnosticSeverity::INFORMATION,
            checks::Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(f.code.to_string())),
        source: Some("research-lsp".to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// Writes a line to the client's log, and warnings and errors also to stderr (all lines with
/// `RESEARCH_LSP_LOG=info`): some editors log a server's stderr as errors, whatever it says.
async fn log(client: &Client, typ: MessageType, message: String) {
    static VERBOSE: OnceLock<bool> = OnceLock::new();
    let verbose = *VERBOSE.get_or_init(|| std::env::var("RESEARCH_LSP_LOG").is_ok_and(|v| v == "info" || v == "debug"));
    if verbose || typ == MessageType::WARNING || typ == MessageType::ERROR {
        eprintln!("research-lsp: {message}");
    }
    client.log_message(typ, message).await;
}

/// Loads the configured corpus and builds its index off the async runtime, reporting progress, then swaps the
/// new index in whole. A job overtaken by a newer one drops its result.
async fn index_job(shared: Arc<Shared>, docs: Docs, client: Client, reason: &'static str) {
    let job = shared.job.fetch_add(1, Ordering::SeqCst) + 1;
    shared.indexing.store(true, Ordering::SeqCst);
    let token = NumberOrString::String(format!("research-lsp/index/{job}"));
    // Which corpus: the client's setting, else the workspace file, else the embedded seeds.
    let root = shared.root.read().ok().and_then(|r| r.clone());
    let client_corpus = shared.client_corpus.read().ok().and_then(|c| c.clone());
    let mut messages: Vec<(MessageType, String)> = Vec::new();
    let paths: Option<Vec<PathBuf>> = match client_corpus {
        Some(paths) if !paths.is_empty() => Some(config::resolve_paths(&paths, root.as_deref())),
        _ => match root.as_deref().map(config::from_file) {
            Some(Ok(Some(file))) => {
                if !file.unknown.is_empty() {
                    messages.push((
                        MessageType::INFO,
                        format!("{}: unknown key(s) ignored: {}", config::CONFIG_FILE, file.unknown.join(", ")),
                    ));
                }
                for e in &file.errors {
                    messages.push((MessageType::WARNING, format!("{}: {e}", config::CONFIG_FILE)));
                }
                if let Some(on) = file.persist_index {
                    shared.persist_index.store(on, Ordering::SeqCst);
                }
                file.corpus.filter(|c| !c.is_empty()).map(|c| config::resolve_paths(&c, root.as_deref()))
            }
            Some(Err(e)) => {
                messages.push((MessageType::WARNING, e));
                None
            }
            _ => None,
        },
    };
    for p in paths.iter().flatten() {
        if !p.exists() {
            messages.push((MessageType::WARNING, format!("corpus path does not exist: {}", p.display())));
        }
    }
    let roots: Vec<PathBuf> = paths.clone().unwrap_or_default();
    let desc: Vec<String> = match &paths {
        Some(p) => p.iter().map(|p| p.display().to_string()).collect(),
        None => vec!["<embedded seeds>".to_string()],
    };

    let started = Instant::now();
    // The extraction of sources whose text did not change is reused from the index in use, or else from
    // the persisted index when this corpus was indexed in an earlier session.
    let previous = shared.index().0;
    let store_path = match &paths {
        Some(paths) if shared.persist_index.load(Ordering::SeqCst) => {
            corpus::cache_dir().map(|dir| store::path_for(&dir, paths))
        }
        _ => None,
    };
    let same_corpus = shared.corpus_desc.read().is_ok_and(|d| *d == desc) && !previous.sources.is_empty();
    // No store yet (a first start): the corpus is indexed as it is walked (see `corpus::load_with`), not
    // listed first to look the files up in a store there is not.
    let read_store = store_path.clone().filter(|path| !same_corpus && path.exists());
    let changed: Vec<PathBuf> = shared.recently_changed.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default();
    let changed_count = changed.len();
    let listing_unchecked = shared.listing_unchecked.load(Ordering::SeqCst);
    let work = tokio::task::spawn_blocking(move || {
        catch_unwind(AssertUnwindSafe(|| {
            let mut extra = Vec::new();
            let corpus = match paths {
                Some(paths) => {
                    if let Some(path) = read_store {
                        let (index, state) = open_persisted(store::read(&path), &paths, &previous);
                        return (index, extra, state);
                    }
                    // Files the watchers named: followed in the index in use where that gives the same index
                    // as indexing again; else indexed again (and always where the index in use came from the
                    // store and the corpus was not listed since: other files may have changed meanwhile).
                    if same_corpus && !changed.is_empty() && !listing_unchecked {
                        match previous.update(&changed) {
                            Ok(index) => return (index, extra, Persisted::Updated),
                            Err(why) => return (reload(&paths, &previous, &changed), extra, Persisted::Reindexed(why)),
                        }
                    }
                    return (reload(&paths, &previous, &changed), extra, Persisted::Built);
                }
                None => {
                    let mut seeds = corpus::seeds();
                    match corpus::cache_dir().map(|dir| corpus::materialize_seeds(&dir)) {
                        Some(Ok(dir)) => {
                            for s in &mut seeds.sources {
                                if let Some(name) = s.meta.path.file_name() {
                                    s.meta.path = dir.join(name);
                                }
                            }
                        }
                        Some(Err(e)) => extra.push(format!("could not write the seed corpus to the cache: {e}")),
                        None => extra.push("no cache directory (set XDG_CACHE_HOME or HOME)".to_string()),
                    }
                    seeds
                }
            };
            let index = Index::build_reusing(corpus, Some(&previous));
            (index, extra, Persisted::Built)
        }))
    });
    // The work-done progress is asked of the client while the work runs: a client slow to answer (or that
    // never does, until the timeout) does not hold the indexing back.
    let progress = shared.supports_progress.load(Ordering::SeqCst)
        && matches!(
            tokio::time::timeout(
                CLIENT_TIMEOUT,
                client.send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams { token: token.clone() })
            )
            .await,
            Ok(Ok(()))
        );
    if progress {
        client
            .send_notification::<Progress>(ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(WorkDoneProgressBegin {
                    title: "Indexing corpus".to_string(),
                    cancellable: Some(false),
                    message: Some(reason.to_string()),
                    percentage: None,
                })),
            })
            .await;
    }

    let built = work.await;
    let elapsed = started.elapsed();

    if shared.job.load(Ordering::SeqCst) != job {
        return;
    }
    let mut persist: Option<(Arc<Index>, u64)> = None;
    let summary = match built {
        Ok(Ok((index, extra, persisted))) => {
            let loaded = matches!(persisted, Persisted::Loaded);
            match &persisted {
                Persisted::Unusable(why) => messages.push((MessageType::INFO, format!("{why}; indexing from scratch"))),
                Persisted::Reindexed(why) => {
                    messages.push((MessageType::INFO, format!("{why}: the corpus was indexed again")))
                }
                Persisted::Updated => {
                    messages.push((MessageType::INFO, format!("followed {} changed file(s)", changed_count)))
                }
                _ => {}
            }
            for w in &index.warnings {
                messages.push((MessageType::WARNING, w.to_string()));
            }
            for e in extra {
                messages.push((MessageType::WARNING, e));
            }
            let summary = format!(
                "indexed {} sources: {} entities, {} figures, {} bytes in {} ms",
                index.sources.len(),
                index.entities.len(),
                index.figure_count(),
                index.bytes,
                elapsed.as_millis()
            );
            let index = Arc::new(index);
            let mut generation = 0;
            if let Ok(mut slot) = shared.index.write() {
                generation = slot.1 + 1;
                *slot = (index.clone(), generation);
                // Any index but the store's was made from a listing of the corpus (an update, from an
                // index that was: no update is made from one that was not).
                shared.listing_unchecked.store(loaded, Ordering::SeqCst);
            }
            // A build or a restart freed a great deal; an update, little.
            if !matches!(persisted, Persisted::Updated) {
                shared.give_back_due.store(true, Ordering::SeqCst);
            }
            if let Ok(mut p) = shared.persisted.write() {
                // `generation` is the index the state is about.
                let updated = matches!(persisted, Persisted::Updated);
                *p = match (&store_path, loaded) {
                    (Some(path), true) => json!({ "path": path, "state": "loaded", "generation": generation }),
                    // The stored index is an earlier one; the next start reads the changed files again.
                    (Some(path), false) if updated => {
                        json!({ "path": path, "state": "behind", "generation": generation })
                    }
                    (Some(path), false) => json!({ "path": path, "state": "writing", "generation": generation }),
                    (None, _) => Value::Null,
                };
            }
            if matches!(persisted, Persisted::Updated) {
                // The store is left as it is: at the next start the changed files do not match their stored
                // size and date, and only they are read again.
            } else if !loaded {
                persist = Some((index.clone(), generation));
            } else {
                // The stored sources were taken on their files' size and modification time; their texts are
                // now checked in the background, and any that no longer match (or that the stored extraction
                // does not fit) are indexed again, as if a watcher had named them.
                let check = index.clone();
                let (roots, docs, client) = (roots.clone(), docs.clone(), client.clone());
                let runtime = tokio::runtime::Handle::current();
                spawn_background(&shared, move |busy| {
                    // The store's sources were taken on the sizes and times stored, without a look at the
                    // corpus: now it is listed. Where it is not as stored (a file came, went or changed, a
                    // bibliography changed), it is indexed again, reusing the extraction of every file that
                    // did not change; unless a newer index is in use, which was (see `listing_unchecked`).
                    hold_listing_for_tests();
                    let holds = catch_unwind(AssertUnwindSafe(|| store::holds_for(&check, corpus::list(&roots))));
                    let current = busy.index.read().is_ok_and(|slot| Arc::ptr_eq(&slot.0, &check));
                    if !holds.unwrap_or(false) {
                        if current {
                            // Indexing from now on, before this task stops counting as background work: a
                            // client waiting for both to be over does not see a gap between them.
                            busy.indexing.store(true, Ordering::SeqCst);
                            let shared = busy.clone();
                            runtime.spawn(async move {
                                let why = "the corpus changed since the index was saved";
                                log(&client, MessageType::INFO, format!("{why}; indexing the changes")).await;
                                index_job_boxed(shared, docs, client, why).await;
                            });
                        }
                        return;
                    }
                    if current {
                        busy.listing_unchecked.store(false, Ordering::SeqCst);
                    }
                    // What the store gave unchecked (postings, figure order), checked off the path to the first
                    // answer: where it does not hold, the index is mended and swapped, unless a newer one is in use.
                    if let Ok(Some(fixed)) = catch_unwind(AssertUnwindSafe(|| check.with_checked_store())) {
                        if let Ok(mut slot) = busy.index.write() {
                            if Arc::ptr_eq(&slot.0, &check) {
                                let generation = slot.1 + 1;
                                *slot = (Arc::new(fixed), generation);
                            }
                        }
                        eprintln!("research-lsp: the stored postings or figure order did not hold; mended");
                    }
                    let stale = catch_unwind(AssertUnwindSafe(|| store::stale_sources(&check))).unwrap_or_default();
                    // What following an edited source needs, worked out now rather than on the first edit.
                    let _ = catch_unwind(AssertUnwindSafe(|| check.prepare_updates()));
                    if let Some(tx) = busy.changes.get() {
                        for path in stale {
                            let _ = tx.send(path);
                        }
                    }
                });
            }
            // The word map that quotation checks use, built now rather than on the first check.
            let warm = index.clone();
            spawn_background(&shared, move |_| {
                let _ = catch_unwind(AssertUnwindSafe(|| crate::analysis::quotes::QuoteIndex::shared(&warm)));
            });
            if let Ok(mut d) = shared.corpus_desc.write() {
                *d = desc;
            }
            summary
        }
        _ => {
            messages.push((MessageType::ERROR, "indexing failed; the previous index stays in use".to_string()));
            "indexing failed".to_string()
        }
    };
    // The progress ends before the status says the indexing is over, so that a client that sees the one has
    // seen the other.
    if progress {
        client
            .send_notification::<Progress>(ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(summary.clone()),
                })),
            })
            .await;
    }
    shared.indexing.store(false, Ordering::SeqCst);
    let warnings = messages.iter().filter(|(t, _)| *t == MessageType::WARNING).count();
    for (typ, msg) in messages {
        log(&client, typ, msg).await;
    }
    if warnings > 0 {
        client
            .show_message(
                MessageType::WARNING,
                format!("research-lsp: {warnings} warning(s) while indexing; see the log"),
            )
            .await;
    }
    log(&client, MessageType::INFO, summary.clone()).await;
    if let (Some((index, generation)), Some(path)) = (persist, store_path) {
        let shared = shared.clone();
        shared.background.fetch_add(1, Ordering::SeqCst);
        tokio::task::spawn_blocking(move || {
            let _guard = shared.persisting.lock().unwrap_or_else(|e| e.into_inner());
            let _done = Decrement(&shared);
            // A newer job writes its own index; this one would be stale at once.
            if shared.job.load(Ordering::SeqCst) != job {
                return;
            }
            let started = Instant::now();
            let mut state = match catch_unwind(AssertUnwindSafe(|| store::write(&index, &path))) {
                Ok(Ok(())) => json!({ "path": path, "state": "saved", "ms": started.elapsed().as_millis() as u64 }),
                Ok(Err(e)) => json!({ "path": path, "state": "error", "error": e.to_string() }),
                Err(_) => json!({ "path": path, "state": "error", "error": "panic while writing" }),
            };
            state["generation"] = json!(generation);
            if let Ok(mut p) = shared.persisted.write() {
                *p = state;
            }
        });
    }
    watch_corpus(&shared, &client, roots).await;
    // The open notes are checked again against the new index.
    let uris: Vec<Uri> = docs.iter().map(|d| d.key().clone()).collect();
    for uri in uris {
        schedule_check(shared.clone(), docs.clone(), client.clone(), uri, Duration::ZERO);
    }
}

/// [`index_job`] as a boxed future, for an index job to start another: the type of a future that holds one
/// of its own kind cannot be named, nor shown to be `Send`, without a box between them.
fn index_job_boxed(
    shared: Arc<Shared>,
    docs: Docs,
    client: Client,
    reason: &'static str,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
    Box::pin(index_job(shared, docs, client, reason))
}

/// How long the background work that follows an index job waits before it starts: the first requests on
/// the new index (a hover while the editor opens) get the cores first.
const BACKGROUND_DELAY: Duration = Duration::from_millis(250);

/// In a debug build, the milliseconds of `RESEARCH_LSP_TEST_HOLD_LISTING_MS` before the listing that checks
/// a stored index starts: a test then publishes a change while the listing is not done, which it otherwise
/// could only hope to (see `listing_unchecked`). A release build has no such wait.
fn hold_listing_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("RESEARCH_LSP_TEST_HOLD_LISTING_MS").ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// Runs `work` on the blocking pool after [`BACKGROUND_DELAY`], counted in `background` from now on.
fn spawn_background(shared: &Arc<Shared>, work: impl FnOnce(&Arc<Shared>) + Send + 'static) {
    shared.background.fetch_add(1, Ordering::SeqCst);
    let shared = shared.clone();
    tokio::spawn(async move {
        tokio::time::sleep(BACKGROUND_DELAY).await;
        let _ = tokio::task::spawn_blocking(move || {
            let _done = Decrement(&shared);
            work(&shared);
        })
        .await;
    });
}

/// Counts a background task as done when it ends, however it ends. The last one to end after an index was
/// built or read gives back the memory that work freed (see [`crate::memory`]): by then the build, the
/// writing of the store, the checks and the word map have all let go of what they needed for a time. (Two
/// tasks ending at once may each see the other and leave it to the next time.)
struct Decrement<'a>(&'a Shared);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        let shared = self.0;
        if shared.background.load(Ordering::SeqCst) == 1 && shared.give_back_due.swap(false, Ordering::SeqCst) {
            crate::memory::give_back();
        }
        shared.background.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Indexes the corpus at `paths` again, taking each source whose file is as it was when the index in use
/// read it (same size and modification time) from that index, except for the `changed` paths the watchers
/// named and the files that had a warning, which are read again.
fn reload(paths: &[PathBuf], previous: &Index, changed: &[PathBuf]) -> Index {
    let read_again: std::collections::HashSet<&std::path::Path> =
        previous.warnings.iter().map(|w| w.path.as_path()).chain(changed.iter().map(PathBuf::as_path)).collect();
    let prior: Vec<Prior> =
        previous.sources.iter().filter(|d| !read_again.contains(d.meta.path.as_path())).map(|d| Prior::of(d)).collect();
    Index::load(paths, &prior)
}

/// What the persisted index gave an indexing job.
enum Persisted {
    /// The corpus was unchanged: the stored index was used whole.
    Loaded,
    /// Indexed (reusing what could be reused).
    Built,
    /// The files that changed were followed in the index in use ([`Index::update`]).
    Updated,
    /// The files that changed could not be followed, for the reason given, and the corpus was indexed again.
    Reindexed(crate::index::NotUpdated),
    /// The stored index could not be used, for the reason given; indexed from scratch.
    Unusable(String),
}

/// The index of the corpus at `paths` from the persisted index, taken as stored (see
/// [`store::restore_unlisted`]; the corpus is listed afterwards, in the background); else built, reusing
/// what the index in use has.
fn open_persisted(
    stored: std::result::Result<store::Stored, store::StoreError>,
    paths: &[PathBuf],
    previous: &Index,
) -> (Index, Persisted) {
    let load = || {
        let prior: Vec<Prior> = previous.sources.iter().filter(|d| !d.meta.embedded).map(|d| Prior::of(d)).collect();
        Index::load(paths, &prior)
    };
    match stored {
        Ok(stored) => (store::restore_unlisted(stored), Persisted::Loaded),
        Err(store::StoreError::Missing) => (load(), Persisted::Built),
        Err(e) => (load(), Persisted::Unusable(e.to_string())),
    }
}

/// Watches the corpus roots for changes: through the client where it offers, else with our own watcher.
/// Called after each indexing job; does nothing when the roots did not change.
async fn watch_corpus(shared: &Arc<Shared>, client: &Client, roots: Vec<PathBuf>) {
    let same = shared.watched.read().is_ok_and(|w| *w == roots);
    let registered = shared.own_watcher.lock().is_ok_and(|w| w.is_some());
    if same && (registered || roots.is_empty() || shared.client_watches.load(Ordering::SeqCst)) {
        return;
    }
    if let Ok(mut w) = shared.watched.write() {
        *w = roots.clone();
    }
    if let Ok(mut own) = shared.own_watcher.lock() {
        *own = None;
    }
    if roots.is_empty() {
        return;
    }
    if shared.client_watches.load(Ordering::SeqCst) {
        let relative = shared.relative_patterns.load(Ordering::SeqCst);
        let watchers: Vec<FileSystemWatcher> = roots
            .iter()
            .filter_map(|root| {
                let (dir, pattern) = if root.is_dir() {
                    (root.clone(), watch::CORPUS_GLOB.to_string())
                } else {
                    let name = root.file_name()?.to_string_lossy().to_string();
                    (root.parent()?.to_path_buf(), name)
                };
                let glob = if relative {
                    GlobPattern::Relative(RelativePattern {
                        base_uri: OneOf::Right(Uri::from_file_path(&dir)?),
                        pattern,
                    })
                } else {
                    GlobPattern::String(format!("{}/{pattern}", dir.display()))
                };
                Some(FileSystemWatcher { glob_pattern: glob, kind: None })
            })
            .collect();
        let id = "research-lsp/corpus-watch".to_string();
        let method = "workspace/didChangeWatchedFiles".to_string();
        let unregister = Unregistration { id: id.clone(), method: method.clone() };
        let _ = tokio::time::timeout(CLIENT_TIMEOUT, client.unregister_capability(vec![unregister])).await;
        let options = serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers }).ok();
        let registration = Registration { id, method, register_options: options };
        match tokio::time::timeout(CLIENT_TIMEOUT, client.register_capability(vec![registration])).await {
            Ok(Ok(())) => return,
            _ => {
                log(
                    client,
                    MessageType::WARNING,
                    "the client did not take our file watchers; watching ourselves".into(),
                )
                .await
            }
        }
    }
    let Some(tx) = shared.changes.get().cloned() else { return };
    // Off the async threads: a recursive watch walks the whole corpus (36,541 files at 1 GB took about 0.1 s),
    // and requests (the first hover after a restart) must not wait behind it.
    let started = tokio::task::spawn_blocking(move || watch::start_own(&roots, tx)).await;
    match started.unwrap_or_else(|_| Err("could not start watching the corpus".to_string())) {
        Ok(w) => {
            if let Ok(mut own) = shared.own_watcher.lock() {
                *own = Some(w);
            }
        }
        Err(e) => log(client, MessageType::WARNING, e).await,
    }
}

/// Turns bursts of changed paths into one re-index, for paths in the corpus that are not open notes.
/// The task holds the shared state weakly: the state holds the channel's sender, and a strong reference
/// here would keep both alive for ever after the session ends.
async fn debounce_changes(
    weak: std::sync::Weak<Shared>,
    docs: Docs,
    client: Client,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<PathBuf>,
) {
    while let Some(first) = rx.recv().await {
        let mut changed = vec![first];
        loop {
            match tokio::time::timeout(watch::DEBOUNCE, rx.recv()).await {
                Ok(Some(p)) => changed.push(p),
                Ok(None) => return,
                Err(_) => break,
            }
        }
        let Some(shared) = weak.upgrade() else { return };
        let roots = shared.watched.read().map(|w| w.clone()).unwrap_or_default();
        let open: Vec<PathBuf> = docs.iter().filter_map(|d| d.key().to_file_path().map(|p| p.into_owned())).collect();
        changed.retain(|p| watch::is_corpus_file(p, &roots) && !open.contains(p));
        changed.sort();
        changed.dedup();
        if !changed.is_empty() {
            if let Ok(mut c) = shared.recently_changed.lock() {
                c.extend(changed);
            }
            index_job(shared.clone(), docs.clone(), client.clone(), "files changed on disk").await;
        }
    }
}

/// Places in sources as LSP locations; a source's URI is made once for all its places.
fn to_locations(index: &Index, found: Vec<locations::SourceLocation>, enc: Encoding) -> Vec<Location> {
    // A source's URI and text are taken once for all its places (they come grouped by source); a source
    // whose text cannot be read now has no place to go to.
    let mut current: Option<(u32, Option<(Uri, Arc<crate::index::SourceText>)>)> = None;
    let mut out = Vec::with_capacity(found.len());
    for l in found {
        let doc = index.source(l.source);
        if current.as_ref().is_none_or(|(sid, _)| *sid != l.source) {
            current = Some((l.source, source_uri(doc).zip(doc.text().ok())));
        }
        if let Some((_, Some((uri, source)))) = &current {
            let conv = Conv { text: &source.text, lines: &source.lines, enc };
            out.push(Location { uri: uri.clone(), range: conv.range(l.span) });
        }
    }
    out
}

fn position_encoding(params: &InitializeParams) -> Encoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    if let Some(folder) = params.workspace_folders.as_ref().and_then(|f| f.first()) {
        return folder.uri.to_file_path().map(|p| p.into_owned());
    }
    #[allow(deprecated)]
    params.root_uri.as_ref().and_then(|u| u.to_file_path().map(|p| p.into_owned()))
}

/// The answer to `researchLsp/sources`.
#[derive(Serialize)]
struct SourcesAnswer {
    name: String,
    kind: String,
    sources: Vec<SourceAnswer>,
}

#[derive(Serialize)]
struct SourceAnswer {
    key: String,
    title: String,
    author: Option<String>,
    date: Option<String>,
    mentions: usize,
    excerpts: Vec<ExcerptAnswer>,
}

#[derive(Serialize)]
struct ExcerptAnswer {
    text: String,
    uri: Option<Uri>,
    range: Range,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResolveData {
    entity: u32,
    generation: u64,
}

/// The sources of a `researchLsp/sources` answer that come with excerpts (the most mentioning first); the
/// rest are listed with their counts.
const MAX_SOURCES_WITH_EXCERPTS: usize = 200;

impl Backend {
    /// `researchLsp/sources`: the sources of the entity or figure at a position, with their excerpts (for the
    /// first [`MAX_SOURCES_WITH_EXCERPTS`]).
    pub async fn sources(&self, params: TextDocumentPositionParams) -> Result<Option<Value>> {
        let Some((index, parsed, offset)) = self.at(&params) else { return Ok(None) };
        let enc = self.shared.encoding();
        guard("researchLsp/sources", || {
            let mut groups: Vec<(u32, Vec<Span>)> = Vec::new();
            let (name, kind) = match parsed.note.at(offset) {
                Some(Target::Entity(m)) => {
                    let e = index.entity(m.entity);
                    for (sid, ids) in e.by_source.iter() {
                        let doc = index.source(*sid);
                        groups.push((*sid, ids.iter().filter_map(|&i| doc.mention(i)).map(|m| m.span).collect()));
                    }
                    (e.name.clone(), e.kind.as_str().to_string())
                }
                Some(Target::Figure(f)) => {
                    groups = index
                        .figures_like_by_source(f)
                        .into_iter()
                        .map(|(sid, refs)| {
                            (sid, refs.iter().filter_map(|r| index.figure(*r)).map(|f| f.span).collect())
                        })
                        .collect();
                    (f.span.slice(&parsed.text).to_string(), "figure".to_string())
                }
                _ => return None,
            };
            let sources = groups
                .into_iter()
                .enumerate()
                .map(|(rank, (sid, spans))| {
                    let doc = index.source(sid);
                    let mut excerpts: Vec<ExcerptAnswer> = Vec::new();
                    let mut seen: Vec<Span> = Vec::new();
                    // Excerpts come from the first sources only (the texts are read from disk); a source
                    // whose text cannot be read is listed without them.
                    let source = if rank < MAX_SOURCES_WITH_EXCERPTS { doc.text().ok() } else { None };
                    for span in spans.iter().filter(|_| source.is_some()) {
                        let Some(source) = &source else { break };
                        let conv = Conv { text: &source.text, lines: &source.lines, enc };
                        let sentence = index.sentence_of(sid, *span).unwrap_or(*span);
                        if seen.contains(&sentence) {
                            continue;
                        }
                        seen.push(sentence);
                        excerpts.push(ExcerptAnswer {
                            text: sentence.slice(&source.text).to_string(),
                            uri: source_uri(doc),
                            range: conv.range(*span),
                        });
                    }
                    SourceAnswer {
                        key: doc.meta.key.clone(),
                        title: doc.meta.title.clone(),
                        author: doc.meta.author.clone(),
                        date: doc.meta.date.clone(),
                        mentions: spans.len(),
                        excerpts,
                    }
                })
                .collect();
            serde_json::to_value(SourcesAnswer { name, kind, sources }).ok()
        })
    }

    /// `researchLsp/documentText`: the server's copy of an open note, so that an editor (or a test) can check
    /// that both sides agree after incremental edits.
    pub async fn document_text(&self, params: TextDocumentIdentifier) -> Result<Option<Value>> {
        Ok(self.docs.get(&params.uri).map(|d| json!({"version": d.version, "text": d.rope.to_string()})))
    }

    /// `researchLsp/panicForTest`: panics, to show that a panicking handler answers -32603 and the server
    /// goes on. Registered only when `RESEARCH_LSP_TEST_HOOKS=1`.
    pub async fn panic_for_test(&self) -> Result<Value> {
        panic!("panic requested by researchLsp/panicForTest")
    }

    /// `researchLsp/status`: what is indexed.
    pub async fn status(&self) -> Result<Value> {
        let (index, generation) = self.shared.index();
        let corpus = self.shared.corpus_desc.read().map(|d| d.clone()).unwrap_or_default();
        Ok(json!({
            "version": env!("CARGO_PKG_VERSION"),
            "corpus": corpus,
            "sources": index.sources.len(),
            "entities": index.entities.len(),
            "figures": index.figure_count(),
            "bytes": index.bytes,
            "generation": generation,
            "indexing": self.shared.indexing.load(Ordering::SeqCst),
            "persisted": self.shared.persisted.read().map(|p| p.clone()).unwrap_or(Value::Null),
            "background": self.shared.background.load(Ordering::SeqCst),
            "warnings": index.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        }))
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = position_encoding(&params);
        let _ = self.shared.encoding.set(enc);
        if let Ok(mut root) = self.shared.root.write() {
            *root = workspace_root(&params);
        }
        let caps = &params.capabilities;
        let progress = caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        self.shared.supports_progress.store(progress, Ordering::SeqCst);
        let pull = caps.workspace.as_ref().and_then(|w| w.configuration).unwrap_or(false);
        self.shared.supports_config_pull.store(pull, Ordering::SeqCst);
        let watched = caps.workspace.as_ref().and_then(|w| w.did_change_watched_files.as_ref());
        let dynamic = watched.and_then(|w| w.dynamic_registration).unwrap_or(false);
        self.shared.client_watches.store(dynamic, Ordering::SeqCst);
        let relative = watched.and_then(|w| w.relative_pattern_support).unwrap_or(false);
        self.shared.relative_patterns.store(relative, Ordering::SeqCst);
        if let Some(options) = &params.initialization_options {
            let settings = config::from_json(options);
            self.report_settings(&settings, "initializationOptions").await;
            if let Ok(mut c) = self.shared.client_corpus.write() {
                *c = settings.corpus;
            }
            if let Some(on) = settings.inlay_hints {
                self.shared.inlay_hints.store(on, Ordering::SeqCst);
            }
            if let Some(on) = settings.persist_index {
                self.shared.persist_index.store(on, Ordering::SeqCst);
            }
        }
        let triggers = ["@", "$", "€", "£"].iter().map(|s| s.to_string()).collect();
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match enc {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..Default::default()
                })),
                inlay_hint_provider: Some(OneOf::Left(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(triggers),
                    resolve_provider: Some(true),
                    ..Default::default()
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "research-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        if self.shared.changes.set(tx).is_ok() {
            tokio::spawn(debounce_changes(Arc::downgrade(&self.shared), self.docs.clone(), self.client.clone(), rx));
        }
        self.reindex("starting");
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let Some(tx) = self.shared.changes.get() else { return };
        for change in params.changes {
            if let Some(path) = change.uri.to_file_path() {
                let _ = tx.send(path.into_owned());
            }
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.docs.insert(doc.uri.clone(), Document::new(&doc.text, doc.version));
        schedule_check(self.shared.clone(), self.docs.clone(), self.client.clone(), doc.uri, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let enc = self.shared.encoding();
        let uri = params.text_document.uri;
        let problem = match self.docs.get_mut(&uri) {
            None => Some(format!("didChange for a document that is not open: {}", uri.as_str())),
            Some(mut doc) => {
                let mut problem = None;
                if params.text_document.version <= doc.version {
                    problem = Some(format!(
                        "didChange for {}: version {} does not increase on {}",
                        uri.as_str(),
                        params.text_document.version,
                        doc.version
                    ));
                }
                for change in &params.content_changes {
                    if let Err(e) = doc.apply(change, enc) {
                        problem = Some(format!("didChange for {}: change refused: {e:?}", uri.as_str()));
                    }
                }
                doc.version = params.text_document.version;
                problem
            }
        };
        schedule_check(self.shared.clone(), self.docs.clone(), self.client.clone(), uri.clone(), CHECK_DELAY);
        if let Some(p) = problem {
            log(&self.client, MessageType::WARNING, p).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        if self.docs.remove(&params.text_document.uri).is_none() {
            let msg = format!("didClose for a document that is not open: {}", params.text_document.uri.as_str());
            log(&self.client, MessageType::WARNING, msg).await;
            return;
        }
        // A closed note's diagnostics go with it.
        self.client.publish_diagnostics(params.text_document.uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let settings = config::from_json(&params.settings);
        self.report_settings(&settings, "settings").await;
        if let Some(on) = settings.inlay_hints {
            self.shared.inlay_hints.store(on, Ordering::SeqCst);
        }
        if let Some(on) = settings.persist_index {
            self.shared.persist_index.store(on, Ordering::SeqCst);
        }
        if settings.corpus.is_some() {
            // The same corpus again (editors send their settings right after starting) is no reason to index.
            let unchanged =
                self.shared.client_corpus.read().is_ok_and(|c| *c == settings.corpus) && self.shared.index().1 > 0;
            if let Ok(mut c) = self.shared.client_corpus.write() {
                *c = settings.corpus;
            }
            if !unchanged {
                self.reindex("configuration changed");
            }
            return;
        }
        if settings.inlay_hints.is_some() || settings.persist_index.is_some() {
            return;
        }
        // A client that sends no settings in the notification expects us to pull them; never await a
        // request inside a notification handler, so do it in a task with a timeout.
        if self.shared.supports_config_pull.load(Ordering::SeqCst) {
            let client = self.client.clone();
            let shared = self.shared.clone();
            let docs = self.docs.clone();
            tokio::spawn(async move {
                let item = ConfigurationItem { scope_uri: None, section: Some("researchLsp".to_string()) };
                if let Ok(Ok(values)) = tokio::time::timeout(CLIENT_TIMEOUT, client.configuration(vec![item])).await {
                    if let Some(v) = values.first() {
                        let s = config::from_json(v);
                        if let Some(on) = s.inlay_hints {
                            shared.inlay_hints.store(on, Ordering::SeqCst);
                        }
                        if let Some(on) = s.persist_index {
                            shared.persist_index.store(on, Ordering::SeqCst);
                        }
                        if let Ok(mut c) = shared.client_corpus.write() {
                            *c = s.corpus;
                        }
                    }
                }
                index_job(shared, docs, client, "configuration changed").await;
            });
        } else {
            self.reindex("configuration changed");
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let Some((index, parsed, offset)) = self.at(&params.text_document_position_params) else { return Ok(None) };
        let linker = FileLinker { enc: self.shared.encoding() };
        let found = guard("hover", || hover::hover(&index, &parsed.text, &parsed.note, offset, &linker))?;
        Ok(found.map(|h| Hover {
            contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
            range: Some(self.conv(&parsed).range(h.span)),
        }))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let Some((index, parsed, offset)) = self.at(&params.text_document_position_params) else { return Ok(None) };
        let enc = self.shared.encoding();
        let found =
            guard("definition", || to_locations(&index, locations::definition(&index, &parsed.note, offset), enc))?;
        Ok((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let Some((index, parsed, offset)) = self.at(&params.text_document_position) else { return Ok(None) };
        let Some(eid) = locations::entity_at(&parsed.note, offset) else { return Ok(None) };
        let enc = self.shared.encoding();
        let mut found = guard("references", || {
            to_locations(&index, locations::entity_mentions(&index, eid, locations::MAX_LOCATIONS), enc)
        })?;
        // The mentions in open notes, this one first.
        let uris: Vec<Uri> = self.docs.iter().map(|d| d.key().clone()).collect();
        let this = &params.text_document_position.text_document.uri;
        for uri in std::iter::once(this.clone()).chain(uris.into_iter().filter(|u| u != this)) {
            let Some((_, note)) = self.parsed(&uri) else { continue };
            let conv = self.conv(&note);
            for span in locations::note_mentions(&note.note, eid) {
                found.push(Location { uri: uri.clone(), range: conv.range(span) });
            }
        }
        Ok(Some(found))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let Some((index, parsed, offset)) = self.at(&params.text_document_position) else { return Ok(None) };
        let (_, generation) = self.shared.index();
        let conv = self.conv(&parsed);
        let list = guard("completion", || completion::complete(&index, &parsed.text, &parsed.note, offset))?;
        let items = list
            .items
            .into_iter()
            .map(|item| {
                let (kind, data) = match item.kind {
                    completion::ItemKind::Entity(e) => {
                        (CompletionItemKind::TEXT, Some(json!({"entity": e, "generation": generation})))
                    }
                    completion::ItemKind::Citation(_) => (CompletionItemKind::REFERENCE, None),
                    completion::ItemKind::Figure(_) => (CompletionItemKind::VALUE, None),
                };
                CompletionItem {
                    label: item.label,
                    kind: Some(kind),
                    detail: Some(item.detail),
                    sort_text: Some(format!("{:05}", item.rank)),
                    filter_text: Some(item.replace.slice(&parsed.text).to_string()).filter(|s| !s.is_empty()),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                        range: conv.range(item.replace),
                        new_text: item.insert,
                    })),
                    data,
                    ..Default::default()
                }
            })
            .collect();
        Ok(Some(CompletionResponse::List(CompletionList { is_incomplete: list.incomplete, items })))
    }

    async fn completion_resolve(&self, mut item: CompletionItem) -> Result<CompletionItem> {
        let Some(data) = item.data.clone().and_then(|d| serde_json::from_value::<ResolveData>(d).ok()) else {
            return Ok(item);
        };
        let (index, generation) = self.shared.index();
        if data.generation != generation || data.entity as usize >= index.entities.len() {
            return Ok(item);
        }
        let linker = FileLinker { enc: self.shared.encoding() };
        let md = guard("completionItem/resolve", || analysis::hover::entity_markdown(&index, data.entity, &linker))?;
        item.documentation =
            Some(Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: md }));
        Ok(item)
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some((_, parsed)) = self.parsed(&params.text_document.uri) else { return Ok(None) };
        let conv = self.conv(&parsed);
        let outline = guard("documentSymbol", || symbols::document_symbols(&parsed.note, parsed.text.len()))?;
        #[allow(deprecated)]
        fn convert(item: symbols::OutlineItem, conv: &Conv) -> DocumentSymbol {
            DocumentSymbol {
                name: item.title,
                detail: None,
                kind: SymbolKind::STRING,
                tags: None,
                deprecated: None,
                range: conv.range(item.full),
                selection_range: conv.range(item.heading),
                children: Some(item.children.into_iter().map(|c| convert(c, conv)).collect()),
            }
        }
        Ok(Some(DocumentSymbolResponse::Nested(outline.into_iter().map(|i| convert(i, &conv)).collect())))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let (index, _) = self.shared.index();
        let enc = self.shared.encoding();
        let found = guard("workspace/symbol", || {
            symbols::workspace_symbols(&index, &params.query, 200)
                .into_iter()
                .filter_map(|s| {
                    let location = source_location(index.source(s.source), s.span, enc)?;
                    #[allow(deprecated)]
                    Some(SymbolInformation {
                        name: s.name,
                        kind: match s.kind {
                            crate::extract::EntityKind::Place => SymbolKind::NAMESPACE,
                            crate::extract::EntityKind::Organization => SymbolKind::CLASS,
                            crate::extract::EntityKind::Person => SymbolKind::OBJECT,
                            crate::extract::EntityKind::Other => SymbolKind::EVENT,
                        },
                        tags: None,
                        deprecated: None,
                        location,
                        container_name: Some(index.source(s.source).meta.key.clone()),
                    })
                })
                .collect::<Vec<_>>()
        })?;
        Ok(Some(WorkspaceSymbolResponse::Flat(found)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some((index, parsed)) = self.parsed(&uri) else { return Ok(None) };
        let cached = self
            .docs
            .get(&uri)
            .and_then(|d| d.findings.clone())
            .filter(|(v, g, _)| *v == parsed.version && *g == parsed.generation)
            .map(|(_, _, f)| f);
        let findings = match cached {
            Some(f) => f,
            None => Arc::new(guard("codeAction", || checks::check(&index, &parsed.text, &parsed.note))?),
        };
        let conv = self.conv(&parsed);
        let (a, b) = (conv.offset(params.range.start), conv.offset(params.range.end));
        let enc = self.shared.encoding();
        let mut actions = Vec::new();
        for f in findings.iter().filter(|f| f.span.start as usize <= b.max(a) && a.min(b) <= f.span.end as usize) {
            let diagnostic = to_diagnostic(&index, &conv, f, enc);
            for fix in &f.fixes {
                let edits =
                    fix.edits.iter().map(|(span, text)| TextEdit { range: conv.range(*span), new_text: text.clone() });
                let changes = std::iter::once((uri.clone(), edits.collect())).collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit { changes: Some(changes), ..Default::default() }),
                    is_preferred: fix.preferred.then_some(true),
                    ..Default::default()
                }));
            }
        }
        Ok(Some(actions))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.shared.inlay_hints.load(Ordering::SeqCst) {
            return Ok(None);
        }
        let Some((index, parsed)) = self.parsed(&params.text_document.uri) else { return Ok(None) };
        let conv = self.conv(&parsed);
        let (a, b) = (conv.offset(params.range.start), conv.offset(params.range.end));
        let firsts = guard("inlayHint", || checks::entity_first_mentions(&index, &parsed.note))?;
        let hints = firsts
            .into_iter()
            .filter(|(span, _, _)| a <= span.end as usize && span.end as usize <= b)
            .map(|(span, _, n)| InlayHint {
                position: conv.position(span.end as usize),
                label: InlayHintLabel::String(format!("in {n} {}", if n == 1 { "source" } else { "sources" })),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Ok(Some(hints))
    }
}
