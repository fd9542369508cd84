//! Fuzz target `store`: see `research_lsp_fuzz::bodies::store`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    research_lsp_fuzz::bodies::store(data);
});
