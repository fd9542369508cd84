//! The fuzz targets' bodies, as a library: each `fuzz_targets/*.rs` hands its input to one function of
//! [`bodies`]. The same file is compiled into the main crate's `tests/properties.rs`, which replays the kept
//! seeds (`corpus-seeds/<target>/`) and random inputs through it on stable Rust.

pub mod bodies;
