//! The `research-lsp` binary: argument parsing, then the language server or a CLI subcommand.

use std::process::ExitCode;

use clap::Parser;
use research_lsp::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with success; usage errors to stderr with status 2.
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        None | Some(Command::Lsp) => serve(),
        Some(Command::Index(args)) => cli::index(&args),
        Some(Command::Check(args)) => cli::check(&args),
    }
}

fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("research-lsp: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(research_lsp::lsp::run());
    ExitCode::SUCCESS
}
