//! Fuzz target `server`: see `research_lsp_fuzz::bodies::server`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    research_lsp_fuzz::bodies::server(data);
});
