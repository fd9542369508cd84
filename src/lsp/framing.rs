//! The framing guard: reads the client's byte stream itself and lets only well-formed JSON-RPC through.
//!
//! tower-lsp-server ends a session, or answers with a null id and loses its place, when a message is
//! malformed. So the server never gives it the client's raw stream: [`FrameReader`] cuts the stream into
//! bodies by their `Content-Length` headers (tolerating `Content-Type` and stray blank lines, refusing a body
//! over the size cap without allocating it, and resynchronizing on the next `Content-Length:` when the
//! stream is garbled), and [`check`] sorts each body into a request, a response, or error answers that the
//! server writes itself: -32700 for a body that is not JSON (with the body's id when it can still be read),
//! -32600 for JSON that is not a JSON-RPC message, and -32600 for every element of a batch, since LSP has no
//! batches. What passes is serialized again from the parsed message, so the library parses exactly what was
//! checked. Nothing here panics or allocates on the strength of a number the client sent.

use std::io;

use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// The largest message body accepted: 64 MiB. A larger one is skipped and refused.
pub const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest header block accepted before the stream is taken to be garbled.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// How much is read from the input at a time.
const READ_CHUNK: usize = 64 * 1024;

/// How many bytes of a refused oversized body are kept to find its id.
const KEPT_PREFIX: usize = 4 * 1024;

/// The header that starts every message, in lower case: what the reader looks for to resynchronize.
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// What the reader found next in the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A complete body of the declared length.
    Body(Vec<u8>),
    /// A body over the size cap, skipped without being kept whole; `prefix` holds its first bytes.
    TooLarge { declared: u64, prefix: Vec<u8> },
    /// Bytes that were not a message (garbage, a bad header, a header block without a usable length),
    /// skipped up to the next `Content-Length:` header or the end of the stream.
    Garbled { skipped: usize, why: String },
}

/// What the header block at the reader's position says.
enum Header {
    /// The stream ended cleanly between messages.
    End,
    /// A body of this many bytes follows.
    Length(u64),
    /// The header block is unusable; resynchronize from byte `resume` of the buffer.
    Bad { why: String, resume: usize },
}

/// Cuts a byte stream into message bodies by their `Content-Length` headers.
pub struct FrameReader<R> {
    input: R,
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    pos: usize,
    eof: bool,
    max_body: u64,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// A reader that refuses bodies larger than `max_body` bytes.
    pub fn new(input: R, max_body: u64) -> FrameReader<R> {
        FrameReader { input, buf: Vec::new(), pos: 0, eof: false, max_body }
    }

    /// Reads more input after the unread part of the buffer; false at the end of the stream. Read bytes
    /// before `pos` are dropped first, so indexes into the buffer shift down by the old `pos`.
    async fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.reserve(READ_CHUNK);
        loop {
            match self.input.read_buf(&mut self.buf).await {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(_) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next frame, or `None` at the end of the stream (including a stream that ends inside a body).
    pub async fn next(&mut self) -> io::Result<Option<Frame>> {
        match self.header().await? {
            Header::End => Ok(None),
            Header::Length(n) if n > self.max_body => self.skip_body(n).await,
            Header::Length(n) => self.body(n as usize).await,
            Header::Bad { why, resume } => {
                let start = self.pos;
                let skipped = self.resync(resume).await?;
                // The bytes before `resume` were read as part of the bad header block.
                let skipped = skipped + resume.saturating_sub(start);
                Ok(Some(Frame::Garbled { skipped, why }))
            }
        }
    }

    /// Parses the header block at the reader's position, leaving the position after it on success.
    async fn header(&mut self) -> io::Result<Header> {
        // Offsets relative to `pos`, since `fill` moves the buffer.
        let mut line_start = 0usize;
        let mut length: Option<u64> = None;
        let mut lines = 0usize;
        loop {
            let from = self.pos + line_start;
            let Some(nl) = memchr::memchr(b'\n', &self.buf[from..]) else {
                if self.buf.len() - self.pos > MAX_HEADER_BYTES {
                    return Ok(Header::Bad { why: "header block too long".into(), resume: self.pos + 1 });
                }
                if !self.fill().await? {
                    let rest = &self.buf[self.pos..];
                    if rest.iter().all(u8::is_ascii_whitespace) {
                        self.pos = self.buf.len();
                        return Ok(Header::End);
                    }
                    return Ok(Header::Bad { why: "the stream ended inside a header".into(), resume: self.buf.len() });
                }
                continue;
            };
            let mut line = &self.buf[from..from + nl];
            if let Some(stripped) = line.strip_suffix(b"\r") {
                line = stripped;
            }
            let next = line_start + nl + 1;
            if line.is_empty() {
                if lines == 0 {
                    // A stray blank line between messages.
                    self.pos += next;
                    line_start = 0;
                    continue;
                }
                return Ok(match length {
                    Some(n) => {
                        self.pos += next;
                        Header::Length(n)
                    }
                    // Look for the header inside the block too: garbage glued to its front makes it read as
                    // some other header.
                    None => Header::Bad { why: "header block without Content-Length".into(), resume: self.pos + 1 },
                });
            }
            lines += 1;
            let Some(colon) = memchr::memchr(b':', line) else {
                return Ok(Header::Bad { why: "not a header line".into(), resume: self.pos + line_start + 1 });
            };
            let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
            if name.is_empty() || !name.iter().all(|&b| is_token_byte(b)) {
                return Ok(Header::Bad { why: "not a header line".into(), resume: self.pos + line_start + 1 });
            }
            if name.eq_ignore_ascii_case(b"content-length") {
                let parsed = parse_length(value);
                match (parsed, length) {
                    (Some(n), None) => length = Some(n),
                    (Some(n), Some(m)) if n == m => {}
                    _ => {
                        let shown = String::from_utf8_lossy(&value[..value.len().min(40)]).into_owned();
                        return Ok(Header::Bad {
                            why: format!("invalid Content-Length {shown:?}"),
                            resume: self.pos + next,
                        });
                    }
                }
            }
            // Content-Type and any other header are tolerated and ignored: the body is read as UTF-8 JSON.
            line_start = next;
            if line_start > MAX_HEADER_BYTES {
                return Ok(Header::Bad { why: "header block too long".into(), resume: self.pos + 1 });
            }
        }
    }

    /// Skips to the next `Content-Length:` header (matched without regard to case) at or after `resume`,
    /// or to the end of the stream. Returns how many bytes it skipped from `resume` on.
    async fn resync(&mut self, resume: usize) -> io::Result<usize> {
        self.pos = resume.min(self.buf.len());
        let mut skipped = 0;
        loop {
            if let Some(at) = find_content_length(&self.buf[self.pos..]) {
                skipped += at;
                self.pos += at;
                return Ok(skipped);
            }
            // Keep a tail that may hold the start of the header, then read more.
            let keep = (CONTENT_LENGTH.len() - 1).min(self.buf.len() - self.pos);
            let drop = self.buf.len() - self.pos - keep;
            skipped += drop;
            self.pos += drop;
            if !self.fill().await? {
                skipped += self.buf.len() - self.pos;
                self.pos = self.buf.len();
                return Ok(skipped);
            }
        }
    }

    /// Reads a body of `n` bytes, growing the buffer only as the bytes arrive.
    async fn body(&mut self, n: usize) -> io::Result<Option<Frame>> {
        let mut body = Vec::with_capacity(n.min(READ_CHUNK * 16));
        loop {
            let take = (n - body.len()).min(self.buf.len() - self.pos);
            body.extend_from_slice(&self.buf[self.pos..self.pos + take]);
            self.pos += take;
            if body.len() == n {
                return Ok(Some(Frame::Body(body)));
            }
            if !self.fill().await? {
                eprintln!("research-lsp: warning: the input ended inside a message body ({} of {n} bytes)", body.len());
                return Ok(None);
            }
        }
    }

    /// Skips a body of `n` bytes that is over the cap, keeping only its first bytes.
    async fn skip_body(&mut self, n: u64) -> io::Result<Option<Frame>> {
        let mut prefix = Vec::new();
        let mut left = n;
        loop {
            let avail = (self.buf.len() - self.pos) as u64;
            let take = left.min(avail) as usize;
            let keep = take.min(KEPT_PREFIX - prefix.len());
            prefix.extend_from_slice(&self.buf[self.pos..self.pos + keep]);
            self.pos += take;
            left -= take as u64;
            if left == 0 {
                return Ok(Some(Frame::TooLarge { declared: n, prefix }));
            }
            if !self.fill().await? {
                eprintln!("research-lsp: warning: the input ended inside an oversized message body");
                return Ok(None);
            }
        }
    }
}

/// Whether `b` may appear in a header name (an HTTP token).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A Content-Length value: decimal digits only, no sign, no overflow.
fn parse_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || value.len() > 20 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

/// The offset of the first `Content-Length:` in `bytes`, in any case.
fn find_content_length(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr2(b'C', b'c', &bytes[from..]) {
        let at = from + i;
        let candidate = bytes.get(at..at + CONTENT_LENGTH.len())?;
        if candidate.eq_ignore_ascii_case(CONTENT_LENGTH) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// What a body turned out to be.
#[derive(Debug)]
pub enum Incoming {
    /// A request or a notification for the server.
    Request(Request),
    /// The client's answer to a request of the server's.
    Response(Response),
    /// Not a message the server can take: these error answers go back instead.
    Refused(Vec<Response>),
}

/// Sorts a body into a request, a response, or the error answers that refuse it.
pub fn check(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("Parse error: {e}");
            return Incoming::Refused(vec![error(recover_id(body), ErrorCode::ParseError, message)]);
        }
    };
    match value {
        Value::Array(items) => {
            // LSP has no batches: each element that carries an id gets its own refusal, so that no request
            // of the client's waits forever; a batch with none gets one refusal with a null id.
            let msg = "Invalid Request: LSP has no batches; send each message in its own frame";
            let mut answers: Vec<Response> = items
                .iter()
                .filter_map(id_of)
                .filter(|id| *id != Id::Null)
                .map(|id| error(id, ErrorCode::InvalidRequest, msg.to_string()))
                .collect();
            if answers.is_empty() {
                answers.push(error(Id::Null, ErrorCode::InvalidRequest, msg.to_string()));
            }
            Incoming::Refused(answers)
        }
        Value::Object(ref map) => {
            let parsed = if map.contains_key("method") {
                Request::deserialize(&value).map(Incoming::Request)
            } else {
                Response::deserialize(&value).map(Incoming::Response)
            };
            parsed.unwrap_or_else(|e| {
                let id = id_of(&value).unwrap_or(Id::Null);
                Incoming::Refused(vec![error(id, ErrorCode::InvalidRequest, format!("Invalid Request: {e}"))])
            })
        }
        _ => Incoming::Refused(vec![error(
            Id::Null,
            ErrorCode::InvalidRequest,
            "Invalid Request: a message is a JSON object".to_string(),
        )]),
    }
}

/// An error answer.
pub fn error(id: Id, code: ErrorCode, message: String) -> Response {
    Response::from_error(id, Error { code, message: message.into(), data: None })
}

/// The id of a JSON object, when it is one a JSON-RPC message may carry.
fn id_of(value: &Value) -> Option<Id> {
    match value.get("id")? {
        Value::Number(n) => n.as_i64().map(Id::Number),
        Value::String(s) => Some(Id::String(s.clone())),
        _ => None,
    }
}

/// The id of a message that is not valid JSON (or was cut short), read from the `"id"` key of its top-level
/// object when the bytes before and after it are intact enough to tell. `Id::Null` otherwise.
pub fn recover_id(body: &[u8]) -> Id {
    let mut depth = 0usize;
    let mut i = 0usize;
    // The last string at depth 1, and whether it can still be a key (nothing but a colon may follow it).
    let mut key: Option<(usize, usize)> = None;
    while i < body.len() {
        match body[i] {
            b'"' => {
                let Some(end) = string_end(body, i) else { return Id::Null };
                key = (depth == 1).then_some((i + 1, end));
                i = end + 1;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b':' if depth == 1 => {
                if let Some((s, e)) = key.take() {
                    if &body[s..e] == b"id" {
                        return scalar_id(&body[i + 1..]).unwrap_or(Id::Null);
                    }
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => key = None,
        }
        i += 1;
    }
    Id::Null
}

/// The index of the quote that closes the string opening at `start`.
fn string_end(body: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// An integer or a string at the start of `rest` (after whitespace), followed by `,`, `}` or whitespace.
fn scalar_id(rest: &[u8]) -> Option<Id> {
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &rest[start..];
    if rest.first() == Some(&b'"') {
        let end = string_end(rest, 0)?;
        return serde_json::from_slice::<String>(&rest[..=end]).ok().map(Id::String);
    }
    let end = rest.iter().position(|b| !(b.is_ascii_digit() || *b == b'-')).unwrap_or(rest.len());
    let after = rest.get(end).copied();
    if end == 0 || !matches!(after, Some(b',' | b'}' | b' ' | b'\t' | b'\r' | b'\n')) {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok().map(Id::Number)
}

/// A JSON value framed as one message.
pub fn frame<T: serde::Serialize>(message: &T) -> Vec<u8> {
    let body = serde_json::to_vec(message).unwrap_or_else(|_| b"null".to_vec());
    frame_bytes(&body)
}

/// A body framed as one message.
pub fn frame_bytes(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8], cap: u64) -> Vec<Frame> {
        let mut reader = FrameReader::new(input, cap);
        let mut out = Vec::new();
        while let Some(f) = reader.next().await.expect("reading a slice cannot fail") {
            out.push(f);
        }
        out
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(f)
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    fn garbled(f: &Frame) -> bool {
        matches!(f, Frame::Garbled { .. })
    }

    #[test]
    fn framing_table() {
        // (name, input, expected frames: Some(body) or None for a garbled region)
        let cases: &[(&str, &str, &[Option<&str>])] = &[
            ("one", "Content-Length: 2\r\n\r\n{}", &[Some("{}")]),
            ("two", "Content-Length: 1\r\n\r\naContent-Length: 1\r\n\r\nb", &[Some("a"), Some("b")]),
            (
                "content_type",
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 1\r\n\r\na",
                &[Some("a")],
            ),
            ("lowercase_and_lf", "content-length:1\n\na", &[Some("a")]),
            ("stray_blank_lines", "\r\n\r\nContent-Length: 1\r\n\r\na\r\n", &[Some("a")]),
            ("empty", "", &[]),
            ("garbage_then_message", "hello world\r\nContent-Length: 1\r\n\r\na", &[None, Some("a")]),
            ("garbage_glued", "xxContent-Length: 1\r\n\r\na", &[None, Some("a")]),
            ("missing_length", "Content-Type: x\r\n\r\n{}Content-Length: 1\r\n\r\na", &[None, Some("a")]),
            ("bad_length", "Content-Length: -3\r\n\r\n{}Content-Length: 1\r\n\r\na", &[None, Some("a")]),
            ("overflowing_length", "Content-Length: 99999999999999999999999\r\n\r\n", &[None]),
            ("conflicting_lengths", "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", &[None]),
            ("truncated_body", "Content-Length: 10\r\n\r\nabc", &[]),
            ("truncated_header", "Content-Len", &[None]),
            ("only_garbage", "\u{0}\u{1}garbage", &[None]),
            ("zero_length", "Content-Length: 0\r\n\r\n", &[Some("")]),
        ];
        for &(name, input, want) in cases {
            let got = run(frames(input.as_bytes(), MAX_MESSAGE_BYTES));
            assert_eq!(got.len(), want.len(), "{name}: {got:?}");
            for (g, w) in got.iter().zip(want) {
                match w {
                    Some(b) => assert_eq!(*g, body(b), "{name}"),
                    None => assert!(garbled(g), "{name}: {g:?}"),
                }
            }
        }
    }

    #[test]
    fn a_body_over_the_cap_is_skipped_and_the_next_one_read() {
        let big = format!("{{\"id\":7,\"x\":\"{}\"}}", "a".repeat(100));
        let input = format!("Content-Length: {}\r\n\r\n{big}Content-Length: 1\r\n\r\nb", big.len());
        let got = run(frames(input.as_bytes(), 50));
        assert!(matches!(&got[0], Frame::TooLarge { declared, .. } if *declared == big.len() as u64), "{got:?}");
        if let Frame::TooLarge { prefix, .. } = &got[0] {
            assert_eq!(recover_id(prefix), Id::Number(7));
        }
        assert_eq!(got[1], body("b"));
    }

    #[test]
    fn a_huge_declared_length_allocates_nothing_up_front() {
        let got = run(frames(b"Content-Length: 18446744073709551615\r\n\r\n{}", MAX_MESSAGE_BYTES));
        assert!(got.is_empty(), "the stream ends inside the skipped body: {got:?}");
    }

    #[test]
    fn check_table() {
        // (name, body, expected: "request", "response", or the error code and id of the refusal)
        let cases: &[(&str, &str, Result<&str, (i64, Id)>)] = &[
            ("request", r#"{"jsonrpc":"2.0","id":1,"method":"x"}"#, Ok("request")),
            ("notification", r#"{"jsonrpc":"2.0","method":"x","params":{}}"#, Ok("request")),
            ("response", r#"{"jsonrpc":"2.0","id":1,"result":null}"#, Ok("response")),
            ("error_response", r#"{"jsonrpc":"2.0","id":"a","error":{"code":1,"message":"m"}}"#, Ok("response")),
            ("not_json", r#"{"jsonrpc":"2.0","id":5,"method":"x""#, Err((-32700, Id::Number(5)))),
            ("not_json_string_id", r#"{"id": "q1", "method": oops}"#, Err((-32700, Id::String("q1".into())))),
            ("not_json_no_id", "nonsense", Err((-32700, Id::Null))),
            ("nested_id_is_not_the_id", r#"{"params":{"id":3},"#, Err((-32700, Id::Null))),
            ("wrong_version", r#"{"jsonrpc":"1.0","id":2,"method":"x"}"#, Err((-32600, Id::Number(2)))),
            ("no_version", r#"{"id":2,"method":"x"}"#, Err((-32600, Id::Number(2)))),
            ("method_not_string", r#"{"jsonrpc":"2.0","id":2,"method":3}"#, Err((-32600, Id::Number(2)))),
            ("float_id", r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#, Err((-32600, Id::Null))),
            ("neither", r#"{"jsonrpc":"2.0","id":9}"#, Err((-32600, Id::Number(9)))),
            ("scalar", "42", Err((-32600, Id::Null))),
            ("empty_batch", "[]", Err((-32600, Id::Null))),
        ];
        for (name, body, want) in cases {
            let got = check(body.as_bytes());
            match (want, got) {
                (Ok("request"), Incoming::Request(_)) | (Ok("response"), Incoming::Response(_)) => {}
                (Err((code, id)), Incoming::Refused(answers)) => {
                    assert_eq!(answers.len(), 1, "{name}");
                    assert_eq!(answers[0].error().map(|e| e.code.code()), Some(*code), "{name}");
                    assert_eq!(answers[0].id(), id, "{name}");
                }
                (_, got) => panic!("{name}: {got:?}"),
            }
        }
    }

    #[test]
    fn invalid_utf8_is_a_parse_error_with_the_id() {
        let Incoming::Refused(answers) = check(b"{\"id\":4,\"method\":\"\xff\"}") else { panic!("passed") };
        assert_eq!(answers[0].error().map(|e| e.code.code()), Some(-32700));
        assert_eq!(answers[0].id(), &Id::Number(4));
    }

    #[test]
    fn a_batch_is_refused_element_by_element() {
        let body = r#"[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":"z","method":"b"}]"#;
        let Incoming::Refused(answers) = check(body.as_bytes()) else { panic!("a batch passed") };
        let ids: Vec<&Id> = answers.iter().map(Response::id).collect();
        assert_eq!(ids, [&Id::Number(1), &Id::String("z".into())]);
        assert!(answers.iter().all(|a| a.error().map(|e| e.code.code()) == Some(-32600)));
    }
}
