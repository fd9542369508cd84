//! research-lsp: a language server for research notes, answered from a corpus of sources.
//!
//! Data flows one way: source files -> [`corpus`] (texts and bibliography) -> [`extract`] (sentences,
//! entities, figures per source) -> [`index`] (immutable, shared behind an `Arc`, swapped whole) ->
//! [`analysis`] (hover, definition, references, completion, symbols: plain Rust results) -> [`lsp`] (the only
//! module that knows the protocol) -> the editor. A note being edited is parsed on its own ([`note`]) and
//! asked against the index.
//!
//! Invariants: the core speaks byte offsets ([`text`]); every excerpt shown is a verbatim slice of its
//! source; every figure reported exists in the source it names; nothing that comes from a client or a file
//! can panic the server.
//!
//! No `unsafe` code, but for three calls, each with its reason: one on Unix systems without `/proc` (see
//! `lsp/process.rs`), one to give memory back to the system (`memory.rs`), and one into the figure scan's
//! SSE2 code on x86-64, which every x86-64 processor runs (`extract/figures/scan.rs`).

#![deny(unsafe_code)]

pub mod text;
pub mod corpus;
pub mod extract;
pub mod index;
pub mod figure_order;
pub mod lazy;
pub mod memory;
pub mod profile;
pub mod store;
pub mod note;
pub mod analysis;
pub mod lsp;
pub mod cli;
pub mod bench;
