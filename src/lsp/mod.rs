//! The Language Server Protocol front end: the only module that knows LSP.
//!
//! [`run`] serves over stdin/stdout with tower-lsp-server. Every request passes through [`CatchPanic`], so a
//! panic anywhere in a handler answers that request with -32603 and the server keeps serving. The protocol
//! owns stdout; logs go to stderr and to the client's log.

pub mod config;
pub mod convert;
pub mod documents;
pub mod server;

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_lsp_server::{LspService, Server};

use server::Backend;

/// Serves the language server over stdio until the client exits.
pub async fn run() {
    let mut builder = LspService::build(Backend::new)
        .custom_method("researchLsp/sources", Backend::sources)
        .custom_method("researchLsp/status", Backend::status)
        .custom_method("researchLsp/documentText", Backend::document_text);
    if std::env::var_os("RESEARCH_LSP_TEST_HOOKS").is_some_and(|v| v == "1") {
        builder = builder.custom_method("researchLsp/panicForTest", Backend::panic_for_test);
    }
    let (service, socket) = builder.finish();
    let stdin = tokio::io::stdin();
    let stdout = tokio::io::stdout();
    Server::new(stdin, stdout, socket).serve(CatchPanic(service)).await;
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
