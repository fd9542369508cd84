//! Fault tests: the real binary over stdio, fed what a buggy or dying client sends, and each time asked
//! afterwards whether it still answers.
//!
//! Faults already covered by `lsp_protocol.rs` (a request before `initialize`, unknown methods, bad
//! params, changes to unopened documents, a change whose start is after its end, a panicking handler) are
//! not repeated here.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::*;

const SHORT: Duration = Duration::from_millis(300);

/// Proves the server still serves: opens a fresh note and hovers on the entity in it.
fn still_answers(s: &mut Server) {
    static N: AtomicU32 = AtomicU32::new(0);
    let uri = format!("file:///tmp/faults-alive-{}.md", N.fetch_add(1, Ordering::SeqCst));
    s.open(&uri, "Kazakhstan joined early.\n");
    let h = s.hover(&uri, 0, 2);
    assert!(hover_text(&h).starts_with("**Kazakhstan**"), "the server does not answer as before: {h}");
}

/// The only response to `id` within a short wait.
fn the_response(s: &mut Server, id: Value) -> Value {
    let mut got = s.responses_to(&id, Duration::from_secs(2));
    assert_eq!(got.len(), 1, "expected one response to {id}: {got:?}");
    got.remove(0)
}

fn error_code(resp: &Value) -> i64 {
    resp["error"]["code"].as_i64().unwrap_or_else(|| panic!("not an error answer: {resp}"))
}

#[test]
fn malformed_json_gets_a_parse_error_with_its_id_and_the_session_goes_on() {
    let mut s = Server::start(Options::default());
    s.send_raw(br#"{"jsonrpc":"2.0","id":41,"method":"textDocument/hover","params":{"#);
    let resp = the_response(&mut s, json!(41));
    assert_eq!(error_code(&resp), -32700, "{resp}");
    // Without a readable id, the answer carries null.
    s.send_raw(b"\x00\xffnot json at all");
    let resp = the_response(&mut s, Value::Null);
    assert_eq!(error_code(&resp), -32700, "{resp}");
    // Invalid UTF-8 inside a string is not JSON either.
    s.send_raw(b"{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"\xff\"}");
    assert_eq!(error_code(&the_response(&mut s, json!(42))), -32700);
    still_answers(&mut s);
}

#[test]
fn a_garbled_stream_is_resynchronized_on_the_next_header() {
    let mut s = Server::start(Options::default());
    // Garbage between messages, a header block without a length, a length that is not a number, and garbage
    // glued to the front of a header: each is skipped up to the next Content-Length header (so the first two
    // make one garbled region).
    s.send_bytes(b"this is not a header\r\n\r\n");
    s.send_bytes(b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"id\":1}");
    s.send_bytes(b"Content-Length: twelve\r\n\r\n{\"id\":2}");
    s.send_bytes(b"xyzzy");
    let status_id = s.request_async("researchLsp/status", Value::Null);
    let status = s.wait_response(status_id);
    assert_eq!(status["result"]["sources"], 5, "{status}");
    let parse_errors = s.received.iter().filter(|m| m["error"]["code"] == -32700 && m["id"].is_null()).count();
    assert!(parse_errors >= 2, "one parse error per garbled region: {:?}", s.received);
    // A Content-Type header and lower-case names are fine.
    let body = json!({"jsonrpc": "2.0", "id": 5000, "method": "researchLsp/status"}).to_string();
    let msg = format!(
        "content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    s.send_bytes(msg.as_bytes());
    assert_eq!(the_response(&mut s, json!(5000))["result"]["sources"], 5);
    still_answers(&mut s);
}

#[test]
fn a_batch_is_refused_request_by_request() {
    let mut s = Server::start(Options::default());
    let batch = json!([
        {"jsonrpc": "2.0", "id": 51, "method": "researchLsp/status"},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": "fifty-two", "method": "shutdown"},
    ]);
    s.send(&batch);
    s.pump(Duration::from_secs(1));
    for id in [json!(51), json!("fifty-two")] {
        let answers: Vec<&Value> = s.received.iter().filter(|m| m["id"] == id && m.get("method").is_none()).collect();
        assert_eq!(answers.len(), 1, "{id}: {answers:?}");
        assert_eq!(error_code(answers[0]), -32600);
    }
    // The shutdown inside the batch was not carried out.
    still_answers(&mut s);
    s.send(&json!([]));
    assert_eq!(error_code(&the_response(&mut s, Value::Null)), -32600);
    still_answers(&mut s);
}

#[test]
fn json_that_is_not_json_rpc_is_an_invalid_request() {
    let mut s = Server::start(Options::default());
    let cases = [
        (json!({"jsonrpc": "1.0", "id": 61, "method": "researchLsp/status"}), json!(61)),
        (json!({"id": 62, "method": "researchLsp/status"}), json!(62)),
        (json!({"jsonrpc": "2.0", "id": 63, "method": 7}), json!(63)),
        (json!({"jsonrpc": "2.0", "id": 64}), json!(64)),
        (json!({"jsonrpc": "2.0", "id": {"nested": 1}, "method": "x"}), Value::Null),
        (json!(42), Value::Null),
        (json!("a string"), Value::Null),
    ];
    for (msg, id) in cases {
        s.send(&msg);
        let resp = the_response(&mut s, id);
        assert_eq!(error_code(&resp), -32600, "{msg}: {resp}");
    }
    still_answers(&mut s);
}

#[test]
fn unknown_notifications_and_requests_of_every_kind() {
    let mut s = Server::start(Options::default());
    s.notify("custom/neverHeardOf", json!({"x": 1}));
    s.notify("$/setTrace", json!({"value": "verbose"}));
    let resp = s.request("$/unknownRequest", json!({}));
    assert_eq!(error_code(&resp), -32601, "{resp}");
    // A notification whose params do not fit is dropped, not fatal.
    s.notify("textDocument/didOpen", json!(["not", "an", "object"]));
    s.notify("textDocument/didChange", json!({"textDocument": 5}));
    let resp = s.request("textDocument/hover", json!([1, 2, 3]));
    assert_eq!(error_code(&resp), -32602, "{resp}");
    still_answers(&mut s);
}

#[test]
fn duplicate_ids_get_one_answer_each() {
    let mut s = Server::start(Options::default());
    s.open("file:///tmp/dup.md", "Kazakhstan and Kazakhstan.\n");
    let hover = |id: i64| {
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": "file:///tmp/dup.md"}, "position": {"line": 0, "character": 2}}})
    };
    // Three requests with one id, pipelined: each is answered, with the result or, while another with the
    // same id is in flight, with -32600.
    for _ in 0..3 {
        s.send(&hover(9001));
    }
    let got = s.responses_to(&json!(9001), Duration::from_secs(3));
    assert_eq!(got.len(), 3, "{got:?}");
    for resp in &got {
        assert!(resp.get("result").is_some() || error_code(resp) == -32600, "{resp}");
    }
    still_answers(&mut s);
}

#[test]
fn replies_to_unknown_ids_are_ignored() {
    let mut s = Server::start(Options::default());
    s.send(&json!({"jsonrpc": "2.0", "id": 987654, "result": {"anything": true}}));
    s.send(&json!({"jsonrpc": "2.0", "id": "never-sent", "error": {"code": -32601, "message": "no"}}));
    s.send(&json!({"jsonrpc": "2.0", "id": null, "result": null}));
    // None of these gets an answer: a response is never answered.
    s.pump(SHORT);
    assert!(s.received.iter().all(|m| m.get("id").is_none() || m.get("method").is_some()), "{:?}", s.received);
    still_answers(&mut s);
}

#[test]
fn a_late_reply_to_a_request_the_server_gave_up_on() {
    // The server asks to create a progress token and waits 5 s for the answer. Hold it back past that, then
    // answer it twice.
    let mut s = Server::spawn(&[]);
    let init =
        s.request("initialize", json!({"processId": null, "capabilities": {"window": {"workDoneProgress": true}}}));
    assert!(init.get("result").is_some(), "{init}");
    s.notify("initialized", json!({}));
    let deadline = Instant::now() + TIMEOUT;
    let create_id = loop {
        let msg = s.recv(TIMEOUT).expect("the server asks for a progress token");
        if msg["method"] == "window/workDoneProgress/create" {
            break msg["id"].clone();
        }
        assert!(Instant::now() < deadline);
    };
    // While its request waits, the server answers ours.
    let id = s.request_async("researchLsp/status", Value::Null);
    loop {
        let msg = s.recv(TIMEOUT).expect("the server answers while it waits");
        if msg["id"] == json!(id) && msg.get("method").is_none() {
            assert_eq!(msg["result"]["version"], env!("CARGO_PKG_VERSION"));
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(5500));
    s.send(&json!({"jsonrpc": "2.0", "id": create_id, "result": null}));
    s.send(&json!({"jsonrpc": "2.0", "id": create_id, "result": null}));
    s.wait_indexed(1);
    still_answers(&mut s);
}

#[test]
fn cancel_requests_for_in_flight_finished_and_unknown_ids() {
    let mut s = Server::start(Options::default());
    s.open("file:///tmp/cancel.md", "Kazakhstan.\n");
    let params = json!({"textDocument": {"uri": "file:///tmp/cancel.md"}, "position": {"line": 0, "character": 2}});
    // Cancelled right after it was sent: one answer, either the result or -32800 (cancelled).
    let id = s.request_async("textDocument/hover", params.clone());
    s.notify("$/cancelRequest", json!({"id": id}));
    let got = s.responses_to(&json!(id), Duration::from_secs(2));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].get("result").is_some() || error_code(&got[0]) == -32800, "{}", got[0]);
    // Cancelled after its answer, twice, and an id never used: nothing happens.
    let id = s.request_async("textDocument/hover", params);
    s.wait_response(id);
    s.notify("$/cancelRequest", json!({"id": id}));
    s.notify("$/cancelRequest", json!({"id": id}));
    s.notify("$/cancelRequest", json!({"id": "no-such-request"}));
    s.notify("$/cancelRequest", json!({"nonsense": true}));
    assert!(s.responses_to(&json!(id), SHORT).is_empty());
    still_answers(&mut s);
}

#[test]
fn a_message_over_the_size_cap_is_refused_and_skipped() {
    let mut s = Server::start(Options::default());
    // 65 MiB of body, over the 64 MiB cap: refused with its id, without the server keeping it.
    let head = br#"{"jsonrpc":"2.0","id":77,"method":"textDocument/didOpen","params":{"text":""#;
    let len = 65 * 1024 * 1024;
    s.send_bytes(format!("Content-Length: {len}\r\n\r\n").as_bytes());
    s.send_bytes(head);
    let chunk = vec![b'x'; 1024 * 1024];
    let mut left = len - head.len();
    while left > 0 {
        let n = left.min(chunk.len());
        s.send_bytes(&chunk[..n]);
        left -= n;
    }
    let resp = the_response(&mut s, json!(77));
    assert_eq!(error_code(&resp), -32600, "{resp}");
    assert!(resp["error"]["message"].as_str().unwrap_or("").contains("limit"), "{resp}");
    still_answers(&mut s);
}

#[test]
fn a_20_mb_note_is_taken_and_answered() {
    let mut s = Server::start(Options::default());
    // Prose with some non-ASCII in it, and a known entity on the last line.
    let line = "The committee met again on the question of the western rail link and its cost — élan, Россия.\n";
    let copies = 20 * 1024 * 1024 / line.len() + 1;
    let mut text = line.repeat(copies);
    text.push_str("Kazakhstan at the end.\n");
    assert!(text.len() >= 20 * 1024 * 1024);
    let uri = "file:///tmp/faults-20mb.md";
    let started = Instant::now();
    s.open(uri, &text);
    // A debug build on a busy machine takes its time over 20 MB: wait longer than usual.
    let params = json!({"textDocument": {"uri": uri}, "position": {"line": copies, "character": 2}});
    let id = s.request_async("textDocument/hover", params);
    let h = s.wait_response_within(id, Duration::from_secs(120));
    assert!(hover_text(&h["result"]).starts_with("**Kazakhstan**"), "{h}");
    eprintln!("opening and hovering a 20 MB note took {:?}", started.elapsed());
    // An edit at the very end lands there.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": copies + 1, "character": 0}, "end": {"line": copies + 1, "character": 0}}, "text": "END"}]}),
    );
    let got = s.call("researchLsp/documentText", json!({"uri": uri}));
    let got = got["text"].as_str().unwrap_or_default();
    assert_eq!(got.len(), text.len() + 3);
    assert!(got.ends_with("end.\nEND"));
    s.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    still_answers(&mut s);
}

/// The UTF-16 line and column of a byte offset in a text whose only line break is `\n`.
fn utf16_pos(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count(), before[line_start..].encode_utf16().count())
}

#[test]
fn five_hundred_pipelined_edits_interleaved_with_hovers_give_the_exact_text() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/faults-burst.md";
    let mut model = String::from("Kazakhstan 😀 start\n");
    s.open(uri, &model);
    let words = ["Kazakhstan", " é ", "Россия", "\n", "😀", " [@valdai] ", "x"];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut hover_ids = Vec::new();
    for version in 2..502 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // A random char boundary, and a deletion of up to 3 chars after it.
        let boundaries: Vec<usize> = model.char_indices().map(|(i, _)| i).chain([model.len()]).collect();
        let a = boundaries[(state % boundaries.len() as u64) as usize];
        let del = ((state >> 32) % 4) as usize;
        let b = boundaries.iter().copied().filter(|&i| i >= a).nth(del).unwrap_or(model.len());
        let insert = words[((state >> 40) % words.len() as u64) as usize];
        let (sl, sc) = utf16_pos(&model, a);
        let (el, ec) = utf16_pos(&model, b);
        model.replace_range(a..b, insert);
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": insert}]}),
        );
        if version % 5 == 0 {
            let params = json!({"textDocument": {"uri": uri}, "position": {"line": sl, "character": sc}});
            hover_ids.push(s.request_async("textDocument/hover", params));
        }
    }
    for id in hover_ids {
        let resp = s.wait_response(id);
        assert!(resp.get("result").is_some(), "hover {id}: {resp}");
    }
    let got = s.call("researchLsp/documentText", json!({"uri": uri}));
    assert_eq!(got["version"], 501);
    assert_eq!(got["text"].as_str().unwrap_or_default(), model);
    still_answers(&mut s);
}

#[test]
fn an_edit_range_past_the_end_is_clamped_to_the_end() {
    let mut s = Server::start(Options::default());
    let uri = "file:///tmp/faults-past-end.md";
    s.open(uri, "ab\ncd");
    let change = |version: i32, sl: u32, sc: u32, el: u32, ec: u32, text: &str| {
        json!({"textDocument": {"uri": uri, "version": version},
               "contentChanges": [{"range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}, "text": text}]})
    };
    s.notify("textDocument/didChange", change(2, 99, 0, 120, 7, "!"));
    s.notify("textDocument/didChange", change(3, 0, 99, 0, 4000, "?"));
    s.notify("textDocument/didChange", change(4, 1, 1, 4_000_000_000, 4_000_000_000, ""));
    let got = s.call("researchLsp/documentText", json!({"uri": uri}));
    assert_eq!(got["text"], "ab?\nc");
    still_answers(&mut s);
}

#[test]
fn requests_after_shutdown_are_invalid_and_exit_then_ends_with_status_0() {
    let mut s = Server::start(Options::default());
    let resp = s.request("shutdown", Value::Null);
    assert_eq!(resp["result"], Value::Null, "{resp}");
    for method in ["researchLsp/status", "textDocument/hover", "shutdown", "initialize"] {
        let resp = s.request(method, json!({}));
        assert_eq!(error_code(&resp), -32600, "{method}: {resp}");
    }
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///x.md", "languageId": "markdown", "version": 1, "text": ""}}),
    );
    // Malformed input is still answered by the framing guard.
    s.send_raw(b"{oops");
    assert_eq!(error_code(&the_response(&mut s, Value::Null)), -32700);
    let started = Instant::now();
    s.notify("exit", Value::Null);
    assert_eq!(s.wait_exit(Duration::from_secs(5)), Some(0));
    assert!(started.elapsed() < Duration::from_secs(3), "exit took {:?}", started.elapsed());
}

#[test]
fn exit_without_shutdown_ends_with_status_1_at_once() {
    let mut s = Server::start(Options::default());
    s.open("file:///tmp/faults-exit.md", "Kazakhstan.\n");
    let started = Instant::now();
    s.notify("exit", Value::Null);
    assert_eq!(s.wait_exit(Duration::from_secs(5)), Some(1));
    assert!(started.elapsed() < Duration::from_secs(3), "exit took {:?}", started.elapsed());
}

#[test]
fn exit_before_initialize_ends_with_status_1() {
    let mut s = Server::spawn(&[]);
    s.notify("exit", Value::Null);
    assert_eq!(s.wait_exit(Duration::from_secs(5)), Some(1));
}

#[test]
fn shutdown_and_exit_sent_together_end_with_status_0() {
    let mut s = Server::start(Options::default());
    let id = s.request_async("shutdown", Value::Null);
    s.notify("exit", Value::Null);
    assert_eq!(s.wait_exit(Duration::from_secs(5)), Some(0));
    // The shutdown was answered, or cancelled by the exit behind it; either way nothing else came.
    let answers: Vec<&Value> = s.received.iter().filter(|m| m["id"] == json!(id)).collect();
    assert!(answers.len() <= 1, "{answers:?}");
}

/// A bare client over pipes whose stdin the test can close.
struct Bare {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: BufReader<std::process::ChildStdout>,
    _cache: TempDir,
}

impl Bare {
    fn spawn() -> Bare {
        let cache = TempDir::new("faults-bare");
        let mut child = Command::new(env!("CARGO_BIN_EXE_research-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .env("XDG_CACHE_HOME", cache.path())
            .spawn()
            .expect("start research-lsp");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Bare { child, stdin, stdout, _cache: cache }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
    }

    /// Reads messages until the response to `id`. The server here sends nothing that needs an answer.
    fn response(&mut self, id: i64) -> Value {
        loop {
            let mut len = 0;
            loop {
                let mut line = String::new();
                assert!(self.stdout.read_line(&mut line).expect("read") > 0, "the server closed its output");
                if let Some(v) = line.trim_end().strip_prefix("Content-Length: ") {
                    len = v.parse().expect("length");
                }
                if line.trim_end().is_empty() {
                    break;
                }
            }
            let mut body = vec![0; len];
            self.stdout.read_exact(&mut body).expect("body");
            let msg: Value = serde_json::from_slice(&body).expect("json");
            if msg["id"] == json!(id) && msg.get("method").is_none() {
                return msg;
            }
        }
    }

    fn initialize(&mut self, process_id: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                         "params": {"processId": process_id, "capabilities": {}}}));
        assert!(self.response(1).get("result").is_some());
        self.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_end_of_input_ends_the_server_with_1_or_after_shutdown_0() {
    let mut bare = Bare::spawn();
    bare.initialize(Value::Null);
    bare.stdin = None;
    assert_eq!(bare.wait_exit(Duration::from_secs(5)), Some(1));

    let mut bare = Bare::spawn();
    bare.initialize(Value::Null);
    bare.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    assert!(bare.response(2).get("result").is_some());
    bare.stdin = None;
    assert_eq!(bare.wait_exit(Duration::from_secs(5)), Some(0));
}

#[cfg(unix)]
#[test]
fn the_death_of_the_client_process_ends_the_server() {
    let mut editor = Command::new("sleep").arg("600").spawn().expect("spawn a stand-in editor");
    let mut bare = Bare::spawn();
    bare.initialize(json!(editor.id()));
    // The server keeps serving while its client lives (it polls every 2 s).
    std::thread::sleep(Duration::from_millis(2500));
    bare.send(json!({"jsonrpc": "2.0", "id": 2, "method": "researchLsp/status"}));
    assert!(bare.response(2).get("result").is_some());
    assert_eq!(bare.wait_exit(Duration::ZERO), None);
    let _ = editor.kill();
    let _ = editor.wait();
    // Stdin stays open: only the watch can end it.
    assert_eq!(bare.wait_exit(Duration::from_secs(8)), Some(1));
}
