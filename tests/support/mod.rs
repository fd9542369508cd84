//! A small LSP client for protocol tests: it starts the real `research-lsp` binary, as an editor would, and
//! speaks JSON-RPC with Content-Length framing over its stdin and stdout.
//!
//! Every wait has a timeout, so a server that stops answering fails the test instead of hanging it. Requests
//! that the server sends to the client (progress creation, configuration) are answered automatically, and
//! every notification is kept for the test to inspect.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A unique temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "research-lsp-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

pub fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for c in path.to_string_lossy().chars() {
        match c {
            ' ' => s.push_str("%20"),
            '#' => s.push_str("%23"),
            '%' => s.push_str("%25"),
            '?' => s.push_str("%3F"),
            _ => s.push(c),
        }
    }
    s
}

pub fn uri_to_path(uri: &str) -> PathBuf {
    PathBuf::from(uri.strip_prefix("file://").unwrap_or(uri).replace("%20", " ").replace("%23", "#"))
}

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications and requests received from the server, in order.
    pub received: Vec<Value>,
    pub cache: TempDir,
    /// What to answer to workspace/configuration.
    pub configuration: Value,
}

pub struct Options {
    pub init_options: Option<Value>,
    pub root: Option<PathBuf>,
    pub utf8: bool,
    pub progress: bool,
    pub env: Vec<(String, String)>,
    /// Whether the client offers to watch files for the server (dynamic registration).
    pub client_watches: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { init_options: None, root: None, utf8: false, progress: true, env: Vec::new(), client_watches: false }
    }
}

impl Server {
    /// Starts the server without initializing it.
    pub fn spawn(env: &[(String, String)]) -> Server {
        let cache = TempDir::new("cache");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_research-lsp"));
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).env("XDG_CACHE_HOME", cache.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start research-lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let Some(len) = len else { return };
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(value) = serde_json::from_slice::<Value>(&body) else { return };
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, rx, next_id: 1, received: Vec::new(), cache, configuration: Value::Null }
    }

    /// Starts and initializes the server, then waits for the first index.
    pub fn start(opts: Options) -> Server {
        let mut server = Server::spawn(&opts.env);
        let mut general = json!({});
        if opts.utf8 {
            general = json!({"positionEncodings": ["utf-8", "utf-16"]});
        }
        let root_uri = opts.root.as_deref().map(file_uri);
        let init = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {
                    "general": general,
                    "window": {"workDoneProgress": opts.progress},
                    "workspace": {
                        "configuration": true,
                        "didChangeWatchedFiles": {"dynamicRegistration": opts.client_watches, "relativePatternSupport": true}
                    },
                    "textDocument": {"hover": {"contentFormat": ["markdown"]}}
                },
                "initializationOptions": opts.init_options,
            }),
        );
        assert!(init.get("result").is_some(), "initialize failed: {init}");
        server.notify("initialized", json!({}));
        server.wait_indexed(1);
        server
    }

    pub fn send(&mut self, msg: &Value) {
        let body = serde_json::to_string(msg).unwrap();
        self.send_raw(body.as_bytes());
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.stdin.write_all(header.as_bytes()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response (the whole response object: `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.wait_response(id)
    }

    /// The `result` of a request, failing the test on an error answer.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request(method, params);
        match resp.get("result") {
            Some(r) => r.clone(),
            None => panic!("{method} failed: {resp}"),
        }
    }

    pub fn wait_response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.next_message(deadline).unwrap_or_else(|| panic!("no response to request {id}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.handle_incoming(msg);
        }
    }

    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(v) => Some(v),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Keeps a message from the server, answering it if it is a request.
    fn handle_incoming(&mut self, msg: Value) {
        if let (Some(id), Some(method)) = (msg.get("id").cloned(), msg.get("method").and_then(Value::as_str)) {
            let result = match method {
                "workspace/configuration" => json!([self.configuration.clone()]),
                _ => Value::Null,
            };
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
        }
        self.received.push(msg);
    }

    /// Processes incoming messages for a while (to collect notifications).
    pub fn pump(&mut self, dur: Duration) {
        let deadline = Instant::now() + dur;
        while let Some(msg) = self.next_message(deadline) {
            self.handle_incoming(msg);
        }
    }

    /// Waits until the server has swapped in index generation `generation` or later and is not indexing.
    pub fn wait_indexed(&mut self, generation: u64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let status = self.call("researchLsp/status", Value::Null);
            if status["generation"].as_u64().unwrap_or(0) >= generation && status["indexing"] == json!(false) {
                return status;
            }
            assert!(Instant::now() < deadline, "index not ready: {status}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `researchLsp/status` satisfies `ok` with no indexing under way.
    pub fn wait_status(&mut self, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let status = self.call("researchLsp/status", Value::Null);
            if status["indexing"] == json!(false) && ok(&status) {
                return status;
            }
            assert!(Instant::now() < deadline, "waited in vain for {what}: {status}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn notifications(&self, method: &str) -> Vec<&Value> {
        self.received.iter().filter(|m| m.get("method").and_then(Value::as_str) == Some(method)).collect()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.call(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    pub fn at(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        self.call(method, json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}))
    }

    pub fn shutdown(mut self) -> Option<i32> {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Helpers for fault tests: raw bytes in, messages out as they come, and the process's end.
impl Server {
    /// Writes bytes to the server's stdin exactly as given, without framing them.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message from the server, without answering it even if it is a request (for tests that hold
    /// back an answer on purpose).
    pub fn recv(&mut self, within: Duration) -> Option<Value> {
        self.next_message(Instant::now() + within)
    }

    /// Every response to request `id` that arrives within `within`; other messages are handled as usual.
    pub fn responses_to(&mut self, id: &Value, within: Duration) -> Vec<Value> {
        let deadline = Instant::now() + within;
        let mut out = Vec::new();
        while let Some(msg) = self.next_message(deadline) {
            if msg.get("id") == Some(id) && msg.get("method").is_none() {
                out.push(msg);
            } else {
                self.handle_incoming(msg);
            }
        }
        out
    }

    /// Like `wait_response`, with a wait of its own instead of `TIMEOUT`.
    pub fn wait_response_within(&mut self, id: i64, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let msg = self.next_message(deadline).unwrap_or_else(|| panic!("no response to request {id}"));
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.handle_incoming(msg);
        }
    }

    /// Waits for the process to end by itself; its exit status, or `None` if it is still running.
    pub fn wait_exit(&mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hover's Markdown.
pub fn hover_text(hover: &Value) -> String {
    hover["contents"]["value"].as_str().unwrap_or_default().to_string()
}

/// The UTF-16 position of the `n`th occurrence (0-based) of `needle` in `text`.
pub fn pos_of(text: &str, needle: &str, n: usize) -> (u32, u32) {
    let at = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle:?} not in text")).0;
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].encode_utf16().count() as u32;
    (line, col)
}

/// The text of a file at an LSP range (UTF-16 columns).
pub fn text_at_range(text: &str, range: &Value) -> String {
    let offset = |pos: &Value| -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let col = pos["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            start += text[start..].find('\n').map_or(text.len() - start, |i| i + 1);
        }
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= col {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    text[offset(&range["start"])..offset(&range["end"])].to_string()
}
