//! Subcommands. Each lives in its own file with an `Args` struct and a `run` function.

pub mod records;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "glyphmend",
    version,
    about = "Exact text from Japanese PDFs whose fonts lost their ToUnicode"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Budget-program records (JSON lines) from clean text; --eval scores them.
    Records(records::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Records(args) => records::run(args),
    }
}
