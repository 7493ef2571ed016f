//! Subcommands. Each lives in its own file with an `Args` struct and a `run` function.

pub mod extract;
pub mod learn;

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
    /// Repaired text of a PDF in reading order (pages separated by form feeds).
    Extract(extract::Args),
    /// Derive a glyph-ID → Unicode table (from a font file).
    Learn(learn::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => extract::run(a),
        Command::Learn(a) => learn::run(a),
    }
}
