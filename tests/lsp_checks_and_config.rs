//! Protocol tests for diagnostics, quick fixes, quotation hover, inlay hints, and configuration.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

/// Waits for the diagnostics of `uri` at `version`.
fn diagnostics(s: &mut Server, uri: &str, version: i64) -> Vec<Value> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let found = s
            .notifications("textDocument/publishDiagnostics")
            .into_iter()
            .rev()
            .find(|n| n["params"]["uri"] == uri && n["params"]["version"] == version)
            .map(|n| n["params"]["diagnostics"].as_array().cloned().unwrap_or_default());
        if let Some(d) = found {
            return d;
        }
        assert!(Instant::now() < deadline, "no diagnostics for {uri} v{version}");
        s.pump(Duration::from_millis(50));
    }
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn diagnostics_are_published_on_open_and_follow_edits() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/check.md";
    let text = "Trade reached $41-42 billion [@valdai], see [@valdia].\n";
    s.open(uri, text);
    let d = diagnostics(&mut s, uri, 1);
    assert_eq!(codes(&d), ["unknown-citation"], "{d:?}");
    let (line, col) = pos_of(text, "valdia", 0);
    assert_eq!(d[0]["range"]["start"], json!({"line": line, "character": col}));
    assert_eq!(d[0]["source"], "research-lsp");

    // Fix the key by hand: the warning goes away at the next version.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 6}}, "text": "valdai"}]}),
    );
    assert!(diagnostics(&mut s, uri, 2).is_empty());
}

#[test]
fn a_figure_the_cited_source_does_not_hold_is_flagged_with_a_fix() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/figure.md";
    let text = "Trade reached $41-42 billion a year [@cafiero2025].\n";
    s.open(uri, text);
    let d = diagnostics(&mut s, uri, 1);
    let fig = d.iter().find(|d| d["code"] == "figure-not-in-source").expect("figure flagged");
    assert!(fig["message"].as_str().unwrap().contains("valdai"), "{fig}");
    assert!(fig["relatedInformation"][0]["location"]["uri"].as_str().unwrap().ends_with("003_d915e0f5ed7bbfbf.txt"));
    let actions = s.call(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": fig["range"], "context": {"diagnostics": [fig]}}),
    );
    let fix =
        actions.as_array().unwrap().iter().find(|a| a["title"].as_str().unwrap().contains("valdai")).expect("fix");
    assert_eq!(fix["kind"], "quickfix");
    let edits = &fix["edit"]["changes"][uri];
    assert_eq!(edits[0]["newText"].as_str().unwrap(), "valdai", "{fix}");
}

#[test]
fn exact_quotes_are_not_flagged_and_hover_names_their_source() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/quote.md";
    let text = "The report says \"Central Asia is not Russia's 'periphery' or 'backyard,' but has become a supporting continental contour of its economic strategy\" [@backyardReport].\n\nA made-up line: “Central Asia is a periphery that has never mattered to anyone in Moscow at all” [@valdai].\n";
    s.open(uri, text);
    let d = diagnostics(&mut s, uri, 1);
    assert_eq!(codes(&d), ["misquotation"], "{d:?}");
    assert_eq!(d[0]["range"]["start"]["line"], 2);
    let (line, col) = pos_of(text, "supporting continental", 0);
    let h = s.hover(uri, line, col);
    let md = hover_text(&h);
    assert!(md.contains("[@backyardReport]"), "{md}");
    assert!(md.contains("supporting continental contour"), "{md}");
}

#[test]
fn code_is_never_checked() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/code.md";
    s.open(uri, "```\nTrade reached $99 billion [@nobody].\n```\n\nInline `[@nobody]` too.\n");
    assert!(diagnostics(&mut s, uri, 1).is_empty());
}

#[test]
fn inlay_hints_are_off_by_default_and_count_sources_when_on() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/hints.md";
    let text = "Kazakhstan and Kazakhstan again.\n";
    s.open(uri, text);
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}});
    let off = s.call("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": range}));
    assert_eq!(off, Value::Null);
    s.notify("workspace/didChangeConfiguration", json!({"settings": {"researchLsp": {"inlayHints": true}}}));
    let on = s.call("textDocument/inlayHint", json!({"textDocument": {"uri": uri}, "range": range}));
    let hints = on.as_array().unwrap();
    assert_eq!(hints.len(), 1, "one hint, at the first mention: {on}");
    assert_eq!(hints[0]["position"], json!({"line": 0, "character": 10}));
    assert!(hints[0]["label"].as_str().unwrap().ends_with("sources"));
}

#[test]
fn initialization_options_corpus_replaces_the_seeds() {
    let corpus = fixture("lsp-corpus");
    let mut s = Server::start(Options { init_options: Some(json!({"corpus": [corpus]})), ..Options::default() });
    let status = s.call("researchLsp/status", Value::Null);
    assert_eq!(status["sources"], 3, "{status}");
    assert_eq!(status["corpus"][0], corpus.display().to_string());
    let uri = "file:///tmp/own.md";
    let text = "The NPI measured it [@lunde2021].\n";
    s.open(uri, text);
    let (line, col) = pos_of(text, "NPI", 0);
    let md = hover_text(&s.hover(uri, line, col + 1));
    assert!(md.starts_with("**Norwegian Polar Institute**"), "{md}");
    let (line, col) = pos_of(text, "lunde2021", 0);
    assert!(hover_text(&s.hover(uri, line, col)).contains("Meltwater Runoff in the Svalbard Archipelago"));
}

#[test]
fn workspace_file_names_the_corpus_relative_to_the_root() {
    let root = TempDir::new("root");
    let sources = root.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    for f in ["meltwater.md", "voltaris.txt", "references.bib"] {
        std::fs::copy(fixture("lsp-corpus").join(f), sources.join(f)).unwrap();
    }
    std::fs::write(root.path().join(".research-lsp.toml"), "corpus = [\"sources\"]\ncolour = \"blue\"\n").unwrap();
    let mut s = Server::start(Options { root: Some(root.path().to_path_buf()), ..Options::default() });
    let status = s.call("researchLsp/status", Value::Null);
    assert_eq!(status["sources"], 2, "{status}");
    s.pump(Duration::from_millis(200));
    let logs: Vec<String> = s
        .notifications("window/logMessage")
        .iter()
        .map(|m| m["params"]["message"].as_str().unwrap().to_string())
        .collect();
    assert!(logs.iter().any(|l| l.contains("colour")), "unknown key reported: {logs:?}");
}

#[test]
fn a_missing_corpus_path_is_a_warning_shown_to_the_user() {
    let mut s = Server::start(Options {
        init_options: Some(json!({"corpus": ["/no/such/research-corpus", fixture("lsp-corpus")]})),
        ..Options::default()
    });
    assert_eq!(s.call("researchLsp/status", Value::Null)["sources"], 3);
    s.pump(Duration::from_millis(200));
    let shown = s.notifications("window/showMessage");
    assert!(!shown.is_empty(), "a warning is shown");
    assert!(shown.iter().all(|m| m["params"]["type"] == 2), "as a warning: {shown:?}");
    let logs = s.notifications("window/logMessage");
    assert!(logs.iter().any(|m| m["params"]["message"].as_str().unwrap().contains("/no/such/research-corpus")));
}

#[test]
fn did_change_configuration_reloads_the_corpus() {
    let mut s = Server::start(Options::default());
    assert_eq!(s.call("researchLsp/status", Value::Null)["sources"], 5);
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"researchLsp": {"corpus": [fixture("lsp-corpus")]}}}),
    );
    let status = s.wait_indexed(2);
    assert_eq!(status["sources"], 3, "{status}");
    // Pull model: settings null, the server asks for them.
    s.configuration = json!({"corpus": []});
    s.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    let status = s.wait_indexed(3);
    assert_eq!(status["sources"], 5, "back to the seeds: {status}");
}

#[test]
fn requests_are_answered_while_indexing() {
    // A corpus large enough to take a moment: the server answers status and hover meanwhile.
    let dir = TempDir::new("big");
    let para = "Voltaris Energy Storage opened a plant in Gdansk, and the Norwegian Polar Institute measured runoff rising 12 percent.\n";
    for i in 0..40 {
        std::fs::write(dir.path().join(format!("doc{i}.txt")), para.repeat(2000)).unwrap();
    }
    let mut s = Server::spawn(&[]);
    s.call(
        "initialize",
        json!({"processId": null, "capabilities": {}, "initializationOptions": {"corpus": [dir.path()]}}),
    );
    s.notify("initialized", json!({}));
    let started = Instant::now();
    let status = s.call("researchLsp/status", Value::Null);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(status.get("indexing").is_some());
    s.open("file:///tmp/early.md", "Gdansk\n");
    let _ = s.hover("file:///tmp/early.md", 0, 1);
    let status = s.wait_indexed(1);
    assert_eq!(status["sources"], 40);
}

fn copy_fixture_corpus(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    for f in ["meltwater.md", "voltaris.txt", "references.bib"] {
        std::fs::copy(fixture("lsp-corpus").join(f), dir.path().join(f)).unwrap();
    }
    dir
}

fn hover_starts(s: &mut Server, text: &str, word: &str) -> String {
    let uri = "file:///tmp/watch-note.md";
    s.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    s.open(uri, text);
    let (line, col) = pos_of(text, word, 0);
    hover_text(&s.hover(uri, line, col + 1))
}

#[test]
fn sources_changed_on_disk_are_picked_up_by_our_own_watcher() {
    let dir = copy_fixture_corpus("watch-own");
    let mut s = Server::start(Options { init_options: Some(json!({"corpus": [dir.path()]})), ..Options::default() });
    assert_eq!(s.call("researchLsp/status", Value::Null)["sources"], 2);
    // A note that cites a source which is not there yet.
    let note = "file:///tmp/ferry-note.md";
    s.open(note, "The fleet grew [@ferries].\n");
    assert_eq!(codes(&diagnostics(&mut s, note, 1)), ["unknown-citation"]);
    let published = |s: &Server| {
        s.notifications("textDocument/publishDiagnostics").iter().filter(|n| n["params"]["uri"] == note).count()
    };
    let before = published(&s);
    // Added.
    std::fs::write(
        dir.path().join("ferries.txt"),
        "Ferry notes\n\nThe Zanzibar Ferry Authority said that its fleet carried 2.1 million passengers in 2023.\n",
    )
    .unwrap();
    s.wait_status("the added source", |st| st["sources"] == 3);
    // The open note is checked again against the new index: its key is known now.
    let deadline = Instant::now() + TIMEOUT;
    while published(&s) == before {
        assert!(Instant::now() < deadline, "the note's diagnostics were not refreshed");
        s.pump(Duration::from_millis(50));
    }
    assert!(diagnostics(&mut s, note, 1).is_empty());
    assert!(
        hover_starts(&mut s, "The Zanzibar Ferry Authority.", "Zanzibar").starts_with("**Zanzibar Ferry Authority**")
    );
    // Changed: a bibliography edit retitles a source.
    let bib = std::fs::read_to_string(dir.path().join("references.bib")).unwrap();
    std::fs::write(
        dir.path().join("references.bib"),
        bib.replace("Voltaris Opens Gdansk Plant", "Voltaris Builds in Gdansk"),
    )
    .unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while !hover_starts(&mut s, "See [@voltaris2024].", "voltaris2024").contains("Voltaris Builds in Gdansk") {
        assert!(Instant::now() < deadline, "the bibliography edit was not picked up");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Renamed, then deleted.
    let before = s.call("researchLsp/status", Value::Null)["generation"].as_u64().unwrap();
    std::fs::rename(dir.path().join("ferries.txt"), dir.path().join("boats.txt")).unwrap();
    s.wait_status("the rename", |st| st["generation"].as_u64().unwrap() > before && st["sources"] == 3);
    std::fs::remove_file(dir.path().join("boats.txt")).unwrap();
    s.wait_status("the deletion", |st| st["sources"] == 2);
    assert_eq!(hover_starts(&mut s, "The Zanzibar Ferry Authority.", "Zanzibar"), "");
}

#[test]
fn the_client_watches_files_for_us_when_it_offers() {
    let dir = copy_fixture_corpus("watch-client");
    let mut s = Server::start(Options {
        init_options: Some(json!({"corpus": [dir.path()]})),
        client_watches: true,
        ..Options::default()
    });
    s.pump(Duration::from_millis(200));
    let reg = s
        .received
        .iter()
        .find(|m| m["method"] == "client/registerCapability")
        .expect("the server registers file watchers")
        .clone();
    let registration = &reg["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let watcher = &registration["registerOptions"]["watchers"][0]["globPattern"];
    assert_eq!(watcher["pattern"], "**/*.{txt,md,markdown,bib,json}");
    std::fs::write(dir.path().join("new.txt"), "New\n\nThe Harbour Pilots Association met in Bergen.\n").unwrap();
    let uri = file_uri(&dir.path().join("new.txt"));
    s.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri, "type": 1}]}));
    s.wait_status("the new source", |st| st["sources"] == 3);
    let generation = s.call("researchLsp/status", Value::Null)["generation"].clone();
    // A change outside the corpus is no reason to re-index.
    s.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": "file:///elsewhere/x.txt", "type": 2}]}));
    s.pump(Duration::from_millis(600));
    assert_eq!(s.call("researchLsp/status", Value::Null)["generation"], generation);
}

/// Starts a server on `corpus` with `cache` as its cache directory and waits for the first index.
fn start_with_cache(corpus: &TempDir, cache: &TempDir, persist: bool) -> (Server, Value) {
    let mut s = Server::start(Options {
        init_options: Some(json!({"corpus": [corpus.path()], "persistIndex": persist})),
        env: vec![("XDG_CACHE_HOME".to_string(), cache.path().display().to_string())],
        ..Options::default()
    });
    let status = s.wait_indexed(1);
    (s, status)
}

fn wait_persisted(s: &mut Server, state: &str) -> Value {
    s.wait_status(&format!("the persisted index to be {state}"), |st| st["persisted"]["state"] == state)
}

#[test]
fn the_index_is_persisted_and_a_restart_uses_it_unless_it_is_stale_or_damaged() {
    let corpus = copy_fixture_corpus("persist-corpus");
    let cache = TempDir::new("persist-cache");
    let note = "Voltaris Energy Storage opened a plant [@voltaris2024].";

    // Cold: indexed, then written.
    let (mut s, _) = start_with_cache(&corpus, &cache, true);
    let cold = hover_starts(&mut s, note, "Voltaris");
    assert!(cold.starts_with("**Voltaris"), "{cold}");
    let status = wait_persisted(&mut s, "saved");
    let file = std::path::PathBuf::from(status["persisted"]["path"].as_str().unwrap());
    assert!(file.starts_with(cache.path()), "{file:?} is in the cache directory");
    s.shutdown();

    // Warm: the same corpus opens from the file, with the same answers.
    let (mut s, status) = start_with_cache(&corpus, &cache, true);
    assert_eq!(status["persisted"]["state"], "loaded", "{status}");
    assert_eq!(hover_starts(&mut s, note, "Voltaris"), cold);
    s.shutdown();

    // Stale: a source changed while no server ran. The stored index answers first, as stored (the corpus is
    // not listed before it does); the listing that follows finds the change, and the corpus is indexed again
    // with the new text, then written.
    let path = corpus.path().join("voltaris.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nThe Quillfeather Trust bought a stake in Voltaris in 2025.\n")).unwrap();
    let (mut s, status) = start_with_cache(&corpus, &cache, true);
    assert_eq!(status["persisted"]["state"], "loaded", "{status}");
    let status = wait_persisted(&mut s, "saved");
    assert!(status["generation"].as_u64() > Some(1), "indexed again: {status}");
    assert!(hover_starts(&mut s, "The Quillfeather Trust.", "Quillfeather").starts_with("**Quillfeather Trust**"));
    let logged = s.notifications("window/logMessage").iter().any(|m| {
        m["params"]["message"].as_str().is_some_and(|t| t.contains("the corpus changed since the index was saved"))
    });
    assert!(logged, "the change is reported in the log");
    s.shutdown();

    // Unchanged since: the stored index stays in use, and the listing leaves it so.
    let (mut s, status) = start_with_cache(&corpus, &cache, true);
    assert_eq!(status["persisted"]["state"], "loaded", "{status}");
    s.wait_status("the background work to end", |st| st["background"] == 0);
    let status = s.call("researchLsp/status", Value::Null);
    assert_eq!((status["generation"].as_u64(), &status["persisted"]["state"]), (Some(1), &json!("loaded")), "{status}");
    s.shutdown();

    // Damaged: a truncated file is reported, rebuilt, never trusted.
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let (mut s, status) = start_with_cache(&corpus, &cache, true);
    assert_ne!(status["persisted"]["state"], "loaded", "{status}");
    assert!(hover_starts(&mut s, "The Quillfeather Trust.", "Quillfeather").starts_with("**Quillfeather Trust**"));
    let logged = s
        .notifications("window/logMessage")
        .iter()
        .any(|m| m["params"]["message"].as_str().is_some_and(|t| t.contains("damaged") && t.contains("from scratch")));
    assert!(logged, "the damaged file is reported in the log");
    wait_persisted(&mut s, "saved");
    s.shutdown();

    // Garbage of the right size, then turned off: nothing is read or written.
    std::fs::write(&file, vec![0x5a; bytes.len()]).unwrap();
    let (mut s, status) = start_with_cache(&corpus, &cache, false);
    assert_eq!(status["persisted"], Value::Null, "{status}");
    assert!(hover_starts(&mut s, note, "Voltaris").starts_with("**Voltaris"));
    s.shutdown();
    assert_eq!(std::fs::read(&file).unwrap(), vec![0x5a; bytes.len()], "persistIndex: false leaves the file alone");
}

#[test]
fn a_change_published_before_the_stored_index_is_checked_does_not_hide_changes_made_while_no_server_ran() {
    let corpus = copy_fixture_corpus("listing-race");
    let cache = TempDir::new("listing-race-cache");
    let (mut s, _) = start_with_cache(&corpus, &cache, true);
    wait_persisted(&mut s, "saved");
    s.shutdown();

    // A source changes while no server runs.
    let voltaris = corpus.path().join("voltaris.txt");
    let text = std::fs::read_to_string(&voltaris).unwrap();
    std::fs::write(&voltaris, format!("{text}\nThe Quillfeather Trust bought a stake in Voltaris in 2025.\n")).unwrap();

    // The next server answers from the store, and its listing of the corpus, which would find that change,
    // is held back (a debug build's knob) while another source changes and the watcher reports it.
    let mut s = Server::start(Options {
        init_options: Some(json!({"corpus": [corpus.path()], "persistIndex": true})),
        env: vec![
            ("XDG_CACHE_HOME".to_string(), cache.path().display().to_string()),
            ("RESEARCH_LSP_TEST_HOLD_LISTING_MS".to_string(), "8000".to_string()),
        ],
        ..Options::default()
    });
    let status = s.wait_indexed(1);
    assert_eq!(status["persisted"]["state"], "loaded", "{status}");
    let meltwater = corpus.path().join("meltwater.md");
    let text = std::fs::read_to_string(&meltwater).unwrap();
    // (A change that gives no new names, which the index in use can follow in place.)
    std::fs::write(&meltwater, format!("{text}\nIt rained all week.\n")).unwrap();
    let status = s.wait_status("the watched change", |st| st["generation"].as_u64() >= Some(2));
    assert!(status["background"].as_u64() > Some(0), "the listing is still held back: {status}");

    // Following only the reported file would keep the stored, stale voltaris.txt, and the listing, when it
    // ends, finds a newer index in use than the one it checks. Indexing the corpus again keeps both changes.
    s.wait_status("the background work to end", |st| st["background"] == 0);
    let hover = hover_starts(&mut s, "The Quillfeather Trust.", "Quillfeather");
    assert!(hover.starts_with("**Quillfeather Trust**"), "the change made while no server ran is indexed: {hover:?}");
    s.shutdown();
}
