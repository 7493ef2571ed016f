//! Subcommands. Each lives in its own file with an `Args` struct and a `run` function.

mod lm;

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
    /// Character language model: build, score, evaluate.
    Lm(lm::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Lm(args) => lm::run(args),
    }
}
