//! Protocol tests: the real binary over stdio, as an editor drives it.

mod support;

use serde_json::{json, Value};
use support::*;

const NOTE: &str = "# Notes on Central Asia\n\nKazakhstan joined the Eurasian Economic Union early [@cafiero2025].\nTrade reached $41-42 billion a year [@valdai].\nKazakhstan exports 80% of its oil.\n\n## Open questions\n\nWhat does the CSTO do?\n";
const NOTE_URI: &str = "file:///tmp/research-lsp-note.md";
const SEED_KEYS: [&str; 5] = ["backyardReport", "gusev2019", "cafiero2025", "valdai", "moscowtimes"];

fn seeds_server() -> Server {
    let mut s = Server::start(Options::default());
    s.open(NOTE_URI, NOTE);
    s
}

#[test]
fn initialize_advertises_features_and_utf16_by_default() {
    let mut s = Server::spawn(&[]);
    let init = s.call("initialize", json!({"processId": null, "capabilities": {}}));
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    let triggers: Vec<&str> =
        caps["completionProvider"]["triggerCharacters"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for t in ["@", "$", "€"] {
        assert!(triggers.contains(&t), "trigger {t}");
    }
    assert_eq!(init["serverInfo"]["name"], "research-lsp");
}

#[test]
fn utf8_is_chosen_when_offered() {
    let mut s = Server::spawn(&[]);
    let init = s.call(
        "initialize",
        json!({"processId": null, "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut s = Server::spawn(&[]);
    let resp = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": NOTE_URI}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(resp["error"]["code"], -32002, "{resp}");
}

#[test]
fn unknown_methods_and_bad_params_get_errors_and_the_server_goes_on() {
    let mut s = Server::start(Options::default());
    let resp = s.request("textDocument/noSuchThing", json!({}));
    assert_eq!(resp["error"]["code"], -32601, "{resp}");
    let resp = s.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(resp["error"]["code"], -32602, "{resp}");
    s.notify("$/noSuchNotification", json!({}));
    let status = s.call("researchLsp/status", Value::Null);
    assert_eq!(status["sources"], 5);
}

#[test]
fn a_panicking_handler_answers_internal_error_and_the_server_keeps_serving() {
    let mut s =
        Server::start(Options { env: vec![("RESEARCH_LSP_TEST_HOOKS".into(), "1".into())], ..Options::default() });
    let resp = s.request("researchLsp/panicForTest", Value::Null);
    assert_eq!(resp["error"]["code"], -32603, "{resp}");
    let resp = s.request("researchLsp/panicForTest", Value::Null);
    assert_eq!(resp["error"]["code"], -32603, "{resp}");
    s.open(NOTE_URI, NOTE);
    let (line, col) = pos_of(NOTE, "Kazakhstan", 0);
    assert!(hover_text(&s.hover(NOTE_URI, line, col + 2)).contains("Kazakhstan"));
}

#[test]
fn indexing_reports_work_done_progress() {
    let s = Server::start(Options::default());
    let progress = s.notifications("$/progress");
    let kinds: Vec<&str> = progress.iter().filter_map(|p| p["params"]["value"]["kind"].as_str()).collect();
    assert_eq!(kinds.first(), Some(&"begin"), "{progress:?}");
    assert_eq!(kinds.last(), Some(&"end"), "{progress:?}");
    assert!(s.received.iter().any(|m| m["method"] == "window/workDoneProgress/create"));
}

#[test]
fn status_reports_the_embedded_seeds() {
    let mut s = Server::start(Options::default());
    let status = s.call("researchLsp/status", Value::Null);
    assert_eq!(status["corpus"], json!(["<embedded seeds>"]));
    assert_eq!(status["sources"], 5);
    assert!(status["entities"].as_u64().unwrap() > 20, "{status}");
    assert!(status["figures"].as_u64().unwrap() > 5, "{status}");
}

#[test]
fn hover_on_an_entity_lists_its_sources_with_verbatim_excerpts() {
    let mut s = seeds_server();
    let (line, col) = pos_of(NOTE, "Kazakhstan", 0);
    for c in [col, col + 5, col + 10] {
        let h = s.hover(NOTE_URI, line, c);
        let md = hover_text(&h);
        assert!(md.starts_with("**Kazakhstan**"), "{md}");
        assert!(md.contains("place"), "{md}");
        let keys = SEED_KEYS.iter().filter(|k| md.contains(&format!("[@{k}]"))).count();
        assert!(keys >= 3, "Kazakhstan is in most seeds: {md}");
        assert_eq!(h["range"]["start"], json!({"line": line, "character": col}));
        assert_eq!(h["range"]["end"], json!({"line": line, "character": col + 10}));
    }
    // Every quoted excerpt is a verbatim piece of a seed.
    let md = hover_text(&s.hover(NOTE_URI, line, col));
    let seeds: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .map(|t| t.replace("\r\n", " ").replace('\n', " "))
        .collect();
    let quotes: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("> ")).collect();
    assert!(!quotes.is_empty());
    for q in quotes {
        let q = q.split(" [↗](").next().unwrap();
        let plain = research_lsp::analysis::unescape_excerpt(q);
        let plain = plain.trim_start_matches('…').trim_end_matches('…');
        assert!(seeds.iter().any(|t| t.contains(plain)), "not verbatim: {plain}");
    }
}

#[test]
fn hover_by_alias_finds_the_same_entity() {
    let mut s = seeds_server();
    let (line, col) = pos_of(NOTE, "CSTO", 0);
    let md = hover_text(&s.hover(NOTE_URI, line, col + 1));
    assert!(md.contains("Collective Security Treaty"), "{md}");
}

#[test]
fn hover_on_a_figure_quotes_the_source_that_cites_it() {
    let mut s = seeds_server();
    let (line, col) = pos_of(NOTE, "$41-42 billion", 0);
    let md = hover_text(&s.hover(NOTE_URI, line, col + 3));
    assert!(md.contains("[@valdai]"), "{md}");
    assert!(md.contains("trade volume"), "{md}");
    let (line, col) = pos_of(NOTE, "80%", 0);
    let md = hover_text(&s.hover(NOTE_URI, line, col + 1));
    assert!(md.contains("[@moscowtimes]"), "{md}");
}

#[test]
fn hover_on_a_citation_gives_the_reference() {
    let mut s = seeds_server();
    let (line, col) = pos_of(NOTE, "@cafiero2025", 0);
    let md = hover_text(&s.hover(NOTE_URI, line, col + 3));
    assert!(md.contains("Giorgio Cafiero"), "{md}");
    assert!(md.contains("Can the West Bump Russia Out of Central Asia?"), "{md}");
    assert!(md.contains("[Open source](file://"), "{md}");
}

#[test]
fn a_plain_word_gets_no_hover() {
    let mut s = seeds_server();
    let (line, col) = pos_of(NOTE, "joined", 0);
    assert_eq!(s.hover(NOTE_URI, line, col + 1), Value::Null);
}

#[test]
fn definition_jumps_to_exact_mentions_in_real_files() {
    let mut s = seeds_server();
    let (line, col) = pos_of(NOTE, "Kazakhstan", 0);
    let locs = s.at("textDocument/definition", NOTE_URI, line, col + 1);
    let locs = locs.as_array().expect("locations");
    assert!(locs.len() >= 5, "{locs:?}");
    for loc in locs {
        let path = uri_to_path(loc["uri"].as_str().unwrap());
        assert!(path.starts_with(s.cache.path()), "seeds are written to the cache: {path:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text_at_range(&text, &loc["range"]);
        assert_eq!(at, "Kazakhstan", "{loc}");
    }
    // Citation key: the top of the source.
    let (line, col) = pos_of(NOTE, "@valdai", 0);
    let locs = s.at("textDocument/definition", NOTE_URI, line, col + 2);
    let loc = &locs.as_array().unwrap()[0];
    assert!(loc["uri"].as_str().unwrap().ends_with("003_d915e0f5ed7bbfbf.txt"));
    assert_eq!(loc["range"]["start"], json!({"line": 0, "character": 0}));
    // Figure: its exact place.
    let (line, col) = pos_of(NOTE, "$41-42 billion", 0);
    let locs = s.at("textDocument/definition", NOTE_URI, line, col + 2);
    let loc = &locs.as_array().unwrap()[0];
    let text = std::fs::read_to_string(uri_to_path(loc["uri"].as_str().unwrap())).unwrap();
    assert_eq!(text_at_range(&text, &loc["range"]), "$41-42 billion");
}

#[test]
fn references_include_the_corpus_and_open_notes() {
    let mut s = seeds_server();
    let other = "file:///tmp/other-note.md";
    s.open(other, "More on Kazakhstan here.\n");
    let (line, col) = pos_of(NOTE, "Kazakhstan", 0);
    let refs = s.call(
        "textDocument/references",
        json!({"textDocument": {"uri": NOTE_URI}, "position": {"line": line, "character": col}, "context": {"includeDeclaration": true}}),
    );
    let refs = refs.as_array().unwrap();
    let in_note = refs.iter().filter(|r| r["uri"] == NOTE_URI).count();
    assert_eq!(in_note, 2, "two mentions in this note");
    assert_eq!(refs.iter().filter(|r| r["uri"] == other).count(), 1);
    assert!(refs.iter().filter(|r| r["uri"].as_str().unwrap().ends_with(".txt")).count() >= 5);
}

#[test]
fn completion_of_citation_keys_figures_and_entities() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/complete.md";
    let text = "See [@caf\nTrade of $41\nKazak\nthe\n";
    s.open(uri, text);
    let items = |v: &Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    let keys = s.at("textDocument/completion", uri, 0, 9);
    assert_eq!(items(&keys).first().map(String::as_str), Some("cafiero2025"), "{keys}");
    let item = &keys["items"][0];
    assert!(item["detail"].as_str().unwrap().contains("Cafiero"), "{item}");
    assert_eq!(
        item["textEdit"]["range"],
        json!({"start": {"line": 0, "character": 6}, "end": {"line": 0, "character": 9}})
    );

    let figs = s.at("textDocument/completion", uri, 1, 12);
    assert!(items(&figs).iter().any(|l| l == "$41-42 billion"), "{figs}");
    let fig = figs["items"].as_array().unwrap().iter().find(|i| i["label"] == "$41-42 billion").unwrap();
    assert_eq!(fig["textEdit"]["newText"], "$41-42 billion [@valdai]");

    let ents = s.at("textDocument/completion", uri, 2, 5);
    assert_eq!(items(&ents).first().map(String::as_str), Some("Kazakhstan"), "{ents}");
    let resolved = s.call("completionItem/resolve", ents["items"][0].clone());
    assert!(resolved["documentation"]["value"].as_str().unwrap().contains("**Kazakhstan**"));

    // Ordinary typing is not flooded.
    let none = s.at("textDocument/completion", uri, 3, 2);
    assert!(items(&none).is_empty(), "{none}");
}

#[test]
fn symbols_for_the_note_and_the_corpus() {
    let mut s = seeds_server();
    let outline = s.call("textDocument/documentSymbol", json!({"textDocument": {"uri": NOTE_URI}}));
    assert_eq!(outline[0]["name"], "Notes on Central Asia");
    assert_eq!(outline[0]["children"][0]["name"], "Open questions");
    let found = s.call("workspace/symbol", json!({"query": "Kazakh"}));
    assert_eq!(found[0]["name"], "Kazakhstan", "{found}");
    assert!(found[0]["location"]["uri"].as_str().unwrap().starts_with("file://"));
}

#[test]
fn utf16_positions_after_emoji_and_cyrillic() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/emoji.md";
    let text = "😀 Привет — Kazakhstan 🇰🇿 and Kazakhstan\r\nKazakhstan again\n";
    s.open(uri, text);
    for n in 0..3 {
        let (line, col) = pos_of(text, "Kazakhstan", n);
        let h = s.hover(uri, line, col + 1);
        assert_eq!(h["range"]["start"], json!({"line": line, "character": col}), "occurrence {n}");
        assert!(hover_text(&h).starts_with("**Kazakhstan**"));
    }
}

#[test]
fn utf8_positions_when_negotiated() {
    let mut s = Server::start(Options { utf8: true, ..Options::default() });
    let uri = "file:///tmp/utf8.md";
    let text = "Привет Kazakhstan\n";
    s.open(uri, text);
    let col = text.find("Kazakhstan").unwrap() as u32; // bytes
    let h = s.hover(uri, 0, col + 1);
    assert_eq!(h["range"]["start"], json!({"line": 0, "character": col}));
}

#[test]
fn positions_past_the_end_are_clamped_not_fatal() {
    let mut s = seeds_server();
    assert_eq!(s.hover(NOTE_URI, 999, 999), Value::Null);
    let resp = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": NOTE_URI}, "position": {"line": 2, "character": 100000}}),
    );
    assert!(resp.get("result").is_some(), "{resp}");
    assert_eq!(s.call("researchLsp/status", Value::Null)["sources"], 5);
}

/// A small deterministic generator for random edits.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Splits a String model into LSP lines (\n, \r\n, \r) and converts (line, utf16 col) to a byte offset with
/// the same clamping the server uses.
fn model_offset(text: &str, line: usize, col: usize) -> usize {
    let mut starts = vec![0];
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            starts.push(i + 2);
            i += 2;
            continue;
        }
        if b[i] == b'\n' || b[i] == b'\r' {
            starts.push(i + 1);
        }
        i += 1;
    }
    if line >= starts.len() {
        return text.len();
    }
    let start = starts[line];
    let mut units = 0;
    for (j, c) in text[start..].char_indices() {
        if c == '\n' || c == '\r' || units + c.len_utf16() > col {
            return start + j;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn utf16_pos(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let mut line = 0;
    let mut line_start = 0;
    let b = before.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            line += 1;
            line_start = i + 2;
            i += 2;
            continue;
        }
        if b[i] == b'\n' || b[i] == b'\r' {
            line += 1;
            line_start = i + 1;
        }
        i += 1;
    }
    (line, before[line_start..].encode_utf16().count())
}

#[test]
fn random_incremental_edits_replay_to_the_same_text() {
    let pieces = ["a", "Kazakhstan ", "😀", "Россия", "\r\n", "\n", "é", " ", "🇰🇿", "\r", "x\ny", "[@valdai]"];
    let mut s = Server::start(Options::default());
    for round in 0..6u64 {
        let uri = format!("file:///tmp/replay-{round}.md");
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (round + 1));
        let mut model = String::from("Start\r\nРоссия 😀 text\n");
        s.open(&uri, &model);
        for version in 2..200 {
            // Pick a valid range in the model, then send it in UTF-16 positions.
            let mut a = rng.below(model.len() + 1);
            let mut b = rng.below(model.len() + 1);
            while !model.is_char_boundary(a) {
                a -= 1;
            }
            while !model.is_char_boundary(b) {
                b -= 1;
            }
            let (a, b) = (a.min(b), a.max(b));
            // Never split a \r\n pair: that is not a position an editor can name.
            let mb = model.as_bytes();
            let splits_crlf = |i: usize| i > 0 && mb[i - 1] == b'\r' && mb.get(i) == Some(&b'\n');
            if splits_crlf(a) || splits_crlf(b) {
                continue;
            }
            let insert = if rng.below(3) == 0 { String::new() } else { pieces[rng.below(pieces.len())].to_string() };
            let (sl, sc) = utf16_pos(&model, a);
            let (el, ec) = utf16_pos(&model, b);
            assert_eq!(model_offset(&model, sl, sc), a);
            model.replace_range(a..b, &insert);
            s.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [{"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": insert}]}),
            );
            if version % 50 == 0 {
                let _ = s.hover(&uri, sl as u32, sc as u32);
            }
        }
        let got = s.call("researchLsp/documentText", json!({"uri": uri}));
        assert_eq!(got["text"].as_str().unwrap(), model, "round {round}");
    }
}

#[test]
fn a_burst_of_pipelined_edits_then_a_hover_sees_the_final_text() {
    let mut s = Server::start(Options::default());
    for round in 0..10 {
        let uri = format!("file:///tmp/burst-{round}.md");
        s.open(&uri, "");
        let mut expected = String::new();
        for (i, word) in ["Kazakhstan", " and ", "Uzbekistan", " trade", "\n"].iter().cycle().take(100).enumerate() {
            let (line, col) = utf16_pos(&expected, expected.len());
            expected.push_str(word);
            s.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": i + 2},
                       "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": word}]}),
            );
        }
        let h = s.hover(&uri, 19, 2);
        assert!(hover_text(&h).starts_with("**Kazakhstan**"), "round {round}: {h}");
        let got = s.call("researchLsp/documentText", json!({"uri": uri}));
        assert_eq!(got["text"].as_str().unwrap(), expected, "round {round}");
    }
}

#[test]
fn a_change_with_start_after_end_is_refused_and_logged() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/bad-range.md";
    s.open(uri, "abc\n");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 1}}, "text": "X"}]}),
    );
    let got = s.call("researchLsp/documentText", json!({"uri": uri}));
    assert_eq!(got["text"], "abc\n");
    s.pump(std::time::Duration::from_millis(200));
    assert!(s
        .notifications("window/logMessage")
        .iter()
        .any(|m| m["params"]["message"].as_str().unwrap().contains("refused")));
}

#[test]
fn changes_to_unopened_documents_are_ignored() {
    let mut s = Server::start(Options::default());
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nope.md", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    s.notify("textDocument/didClose", json!({"textDocument": {"uri": "file:///nope.md"}}));
    assert_eq!(s.hover("file:///nope.md", 0, 0), Value::Null);
    assert_eq!(s.call("researchLsp/status", Value::Null)["sources"], 5);
}

#[test]
fn shutdown_then_exit_ends_the_process() {
    let s = Server::start(Options::default());
    assert_eq!(s.shutdown(), Some(0));
}
