//! The Language Server Protocol front end: the only module that knows LSP.
//!
//! [`serve`] runs the server over any pair of byte streams; [`run`] serves stdin and stdout with it and ends
//! the process with the status the session earned. The client's bytes never reach tower-lsp-server directly:
//! [`framing`] reads them, answers malformed messages itself (-32700, -32600) and passes on only well-formed
//! JSON-RPC, through an in-memory pipe. Everything written to the output, the library's frames and the guard's
//! own error answers, goes through one writer task, a whole frame at a time, so two messages never interleave.
//! Every request passes through [`CatchPanic`], so a panic anywhere in a handler answers that request with
//! -32603 and the server keeps serving. The protocol owns the output; logs go to stderr and to the client's
//! log.
//!
//! How a session ends: `exit` ends it at once, with status 0 after a successful `shutdown` and 1 otherwise;
//! the end of the input ends it the same way (0 after `shutdown`, 1 when the client vanished without one);
//! the death of the process named by `processId` in `initialize` ends it with 1, as does an output that can
//! no longer be written. Requests still in flight get [`GRACE`] to answer.

pub mod config;
pub mod convert;
pub mod documents;
pub mod framing;
pub mod process;
pub mod server;
pub mod watch;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::{mpsc, oneshot};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LspService, Server};

use framing::{Frame, FrameReader, Incoming, MAX_MESSAGE_BYTES};
use server::Backend;

/// How long requests in flight may take to answer once the session is ending.
pub const GRACE: Duration = Duration::from_secs(1);

/// The capacity of the in-memory pipes to and from the library.
const PIPE_BYTES: usize = 256 * 1024;

/// How many whole frames may wait for the writer.
const FRAME_QUEUE: usize = 64;

/// How a session ended, which decides the process's exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The client sent `exit`.
    Exit { after_shutdown: bool },
    /// The input ended.
    InputClosed { after_shutdown: bool },
    /// The client's process (its `processId`) is gone.
    ClientGone,
    /// The output could not be written any more.
    OutputFailed,
}

impl Ending {
    /// The exit status: 0 for a session that was shut down before it ended, 1 for any other end.
    pub fn code(self) -> i32 {
        match self {
            Ending::Exit { after_shutdown: true } | Ending::InputClosed { after_shutdown: true } => 0,
            _ => 1,
        }
    }
}

/// Serves the language server over stdio, then ends the process with the session's status.
pub async fn run() {
    let ending = serve(tokio::io::stdin(), tokio::io::stdout()).await;
    // Exit from here, with the output already flushed: returning would drop the runtime, which waits for
    // blocking tasks (an indexing job, the blocking read of stdin) and can keep a finished server alive.
    std::process::exit(ending.code());
}

/// The language service with research-lsp's own methods.
fn service() -> (LspService<Backend>, ClientSocket) {
    let mut builder = LspService::build(Backend::new)
        .custom_method("researchLsp/sources", Backend::sources)
        .custom_method("researchLsp/status", Backend::status)
        .custom_method("researchLsp/documentText", Backend::document_text);
    if std::env::var_os("RESEARCH_LSP_TEST_HOOKS").is_some_and(|v| v == "1") {
        builder = builder.custom_method("researchLsp/panicForTest", Backend::panic_for_test);
    }
    builder.finish()
}

/// Why the reader stopped.
enum Stop {
    Exit,
    InputClosed,
    ClientGone,
    OutputFailed,
}

/// Serves one session over `input` and `output` until it ends, and says how it ended. Needs a Tokio runtime
/// with timers.
pub async fn serve<I, O>(input: I, output: O) -> Ending
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let lifecycle = Lifecycle::default();
    let shut_down = lifecycle.shut_down.clone();
    let (service, socket) = service();
    let (to_library, library_in) = tokio::io::duplex(PIPE_BYTES);
    let (library_out, from_library) = tokio::io::duplex(PIPE_BYTES);
    let (frames, frames_rx) = mpsc::channel::<Vec<u8>>(FRAME_QUEUE);
    let (pid_tx, pid_rx) = oneshot::channel::<i64>();

    let mut writer = tokio::spawn(write_frames(output, frames_rx));
    let mut pump = tokio::spawn(pump(from_library, frames.clone()));
    let mut library =
        tokio::spawn(Server::new(library_in, library_out, socket).serve(lifecycle.wrap(CatchPanic(service))));
    let mut reader = tokio::spawn(read_frames(input, to_library, frames, pid_tx));
    let watch = async move {
        match pid_rx.await {
            Ok(pid) => process::wait_for_exit(pid).await,
            Err(_) => std::future::pending().await,
        }
    };

    // Biased, so that a writer that finished because the reader (and with it the last sender) is gone never
    // passes for a failed one.
    let stop = tokio::select! {
        biased;
        stop = &mut reader => stop.unwrap_or(Stop::InputClosed),
        () = watch => Stop::ClientGone,
        _ = &mut writer => Stop::OutputFailed,
    };
    if matches!(stop, Stop::ClientGone) {
        eprintln!("research-lsp: the client's process is gone; stopping");
    }
    // The library sees the end of its input once the reader is gone, answers what is in flight, and returns.
    reader.abort();
    if tokio::time::timeout(GRACE, &mut library).await.is_err() {
        eprintln!("research-lsp: warning: requests still in flight after {GRACE:?}; stopping without them");
        library.abort();
    }
    if tokio::time::timeout(GRACE, &mut pump).await.is_err() {
        pump.abort();
    }
    let stop = match stop {
        Stop::OutputFailed => Stop::OutputFailed,
        other => match tokio::time::timeout(GRACE, &mut writer).await {
            Ok(Ok(true)) => other,
            Ok(_) => Stop::OutputFailed,
            Err(_) => {
                writer.abort();
                Stop::OutputFailed
            }
        },
    };
    let after_shutdown = shut_down.load(Ordering::SeqCst);
    let ending = match stop {
        Stop::Exit => Ending::Exit { after_shutdown },
        Stop::InputClosed => Ending::InputClosed { after_shutdown },
        Stop::ClientGone => Ending::ClientGone,
        Stop::OutputFailed => Ending::OutputFailed,
    };
    eprintln!("research-lsp: session ended: {ending:?}");
    ending
}

/// Reads the client's messages and passes the well-formed ones to the library; answers the others itself.
/// Stops after `exit` or at the end of the input. The process id in the first `initialize` goes to `pid`.
async fn read_frames<I: AsyncRead + Unpin>(
    input: I,
    mut to_library: DuplexStream,
    frames: mpsc::Sender<Vec<u8>>,
    pid: oneshot::Sender<i64>,
) -> Stop {
    let mut reader = FrameReader::new(input, MAX_MESSAGE_BYTES);
    let mut pid = Some(pid);
    loop {
        let frame = match reader.next().await {
            Ok(Some(frame)) => frame,
            Ok(None) => return Stop::InputClosed,
            Err(e) => {
                eprintln!("research-lsp: error: reading the input: {e}");
                return Stop::InputClosed;
            }
        };
        let answers = match frame {
            Frame::Body(body) => match framing::check(&body) {
                Incoming::Request(req) => {
                    if req.method() == "initialize" {
                        let client = req.params().and_then(|p| p.get("processId")).and_then(|p| p.as_i64());
                        if let (Some(client), Some(tx)) = (client, pid.take()) {
                            let _ = tx.send(client);
                        }
                    }
                    let exit = req.method() == "exit";
                    if to_library.write_all(&framing::frame(&req)).await.is_err() {
                        return Stop::InputClosed;
                    }
                    if exit {
                        return Stop::Exit;
                    }
                    continue;
                }
                Incoming::Response(resp) => {
                    if to_library.write_all(&framing::frame(&resp)).await.is_err() {
                        return Stop::InputClosed;
                    }
                    continue;
                }
                Incoming::Refused(answers) => {
                    eprintln!("research-lsp: warning: refused a malformed message of {} bytes", body.len());
                    answers
                }
            },
            Frame::TooLarge { declared, prefix } => {
                eprintln!("research-lsp: warning: refused a message of {declared} bytes");
                let message = format!("Invalid Request: {declared} bytes is over the limit of {MAX_MESSAGE_BYTES}");
                vec![framing::error(framing::recover_id(&prefix), ErrorCode::InvalidRequest, message)]
            }
            Frame::Garbled { skipped, why } => {
                eprintln!("research-lsp: warning: skipped {skipped} bytes of garbled input ({why})");
                vec![framing::error(Id::Null, ErrorCode::ParseError, format!("Parse error: {why}"))]
            }
        };
        for answer in answers {
            if frames.send(framing::frame(&answer)).await.is_err() {
                return Stop::OutputFailed;
            }
        }
    }
}

/// Copies the library's output to the writer, one whole frame at a time.
async fn pump(from_library: DuplexStream, frames: mpsc::Sender<Vec<u8>>) {
    let mut reader = FrameReader::new(from_library, u64::MAX);
    while let Ok(Some(frame)) = reader.next().await {
        match frame {
            Frame::Body(body) => {
                if frames.send(framing::frame_bytes(&body)).await.is_err() {
                    return;
                }
            }
            other => eprintln!("research-lsp: error: the library wrote an unframed message: {other:?}"),
        }
    }
}

/// Writes whole frames to the output, flushing whenever no more are waiting. False when the output failed.
async fn write_frames<O: AsyncWrite + Unpin>(mut output: O, mut frames: mpsc::Receiver<Vec<u8>>) -> bool {
    while let Some(frame) = frames.recv().await {
        if output.write_all(&frame).await.is_err() {
            return false;
        }
        if frames.is_empty() && output.flush().await.is_err() {
            return false;
        }
    }
    output.flush().await.is_ok()
}

/// Follows the session's lifecycle as the library sees it: initialized once `initialize` answered with
/// success, shut down once `shutdown` arrived after that (the library marks it at the same moment, before
/// its answer, so a `shutdown` and `exit` sent together still count as a clean end). It also sees to it that
/// every request but `exit` gets an answer.
#[derive(Clone, Default)]
struct Lifecycle {
    initialized: Arc<AtomicBool>,
    shut_down: Arc<AtomicBool>,
}

impl Lifecycle {
    fn wrap<S>(self, inner: S) -> Tracked<S> {
        Tracked { inner, lifecycle: self }
    }
}

/// A service that keeps its [`Lifecycle`] up to date.
struct Tracked<S> {
    inner: S,
    lifecycle: Lifecycle,
}

impl<S> Service<Request> for Tracked<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let method = req.method().to_string();
        let id = req.id().cloned();
        if method == "shutdown" && self.lifecycle.initialized.load(Ordering::SeqCst) {
            self.lifecycle.shut_down.store(true, Ordering::SeqCst);
        }
        let initialized = self.lifecycle.initialized.clone();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let mut answer = fut.await;
            if let Ok(resp) = &mut answer {
                match (&*resp, id) {
                    (Some(r), _) if method == "initialize" && r.is_ok() => initialized.store(true, Ordering::SeqCst),
                    // tower-lsp-server drops the answer to an unknown `$/` request; LSP wants -32601 for it.
                    (None, Some(id)) if method != "exit" => {
                        let error = Error::method_not_found();
                        *resp = Some(Response::from_error(id, Error { data: Some(method.into()), ..error }));
                    }
                    _ => {}
                }
            }
            answer
        })
    }
}

/// A service wrapper that turns a panic while handling one message into an error answer for it.
pub struct CatchPanic<S>(pub S);

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        match catch_unwind(AssertUnwindSafe(|| self.0.call(req))) {
            Ok(fut) => Box::pin(Guarded { inner: Box::pin(fut), id, method }),
            Err(_) => Box::pin(std::future::ready(Ok(id.map(|id| panic_response(id, &method))))),
        }
    }
}

fn panic_response(id: tower_lsp_server::jsonrpc::Id, method: &str) -> Response {
    eprintln!("research-lsp: error: the handler of {method} panicked; the server goes on");
    Response::from_error(
        id,
        Error { code: ErrorCode::InternalError, message: format!("internal error in {method}").into(), data: None },
    )
}

struct Guarded<F> {
    inner: Pin<Box<F>>,
    id: Option<tower_lsp_server::jsonrpc::Id>,
    method: String,
}

impl<F, E> Future for Guarded<F>
where
    F: Future<Output = Result<Option<Response>, E>>,
{
    type Output = Result<Option<Response>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        match catch_unwind(AssertUnwindSafe(|| this.inner.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(Ok(this.id.take().map(|id| panic_response(id, &this.method)))),
        }
    }
}
