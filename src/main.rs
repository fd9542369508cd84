//! The `research-lsp` binary: argument parsing, then the language server or a CLI subcommand.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use research_lsp::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors are one line on stderr and status 2; help and version go to stdout.
        Err(e) if e.use_stderr() => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ");
            eprintln!("research-lsp: error: {first} (see research-lsp --help)");
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli.command {
        None | Some(Command::Lsp) => serve(),
        Some(Command::Index(args)) => cli::index(&args),
        Some(Command::Check(args)) => cli::check(&args),
        Some(Command::Bench(args)) => research_lsp::bench::run(&args),
        Some(Command::BenchChild(args)) => research_lsp::bench::child(&args),
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
