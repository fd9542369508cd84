//! Fuzz target `positions`: see `research_lsp_fuzz::bodies::positions`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    research_lsp_fuzz::bodies::positions(data);
});
