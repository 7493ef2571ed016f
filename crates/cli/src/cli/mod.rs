//! Subcommands. Each lives in its own file with an `Args` struct and a `run` function.

pub mod extract;
mod lm;
pub mod records;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod batch;
pub mod diff;
pub mod index;
pub mod learn;
pub mod merge;
pub mod parquet;
mod progress;
pub mod repair;
pub mod review;
pub mod search;
pub mod term;

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
    /// Repair glyph-ID mojibake in extracted text (one output line per input line).
    Repair(repair::Args),
    /// Derive a mapping table (from anchors, a font file, a corpus) into mappings/.
    Learn(learn::Args),
    /// Character language model: build, score, evaluate.
    Lm(lm::Args),
    /// Budget-program records (JSON lines) from clean text; --eval scores them.
    Records(records::Args),
    /// Repaired text of a PDF in reading order (pages separated by form feeds).
    Extract(extract::Args),
    /// Repair every PDF and .txt under a directory into corpus, records and a manifest
    /// (exit 3: some inputs failed; 4: some need attention).
    Batch(batch::Args),
    /// Write a static HTML review (original vs repaired, spans, confidence) of a batch.
    Review(review::Args),
    /// Show original vs repaired lines of a text file in the terminal.
    Diff(diff::Args),
    /// Join the output directories of `batch --shard K/N` runs into one.
    Merge(merge::Args),
    /// Write corpus.parquet and records.parquet of a batch (typed columns for DuckDB, pandas,
    /// Spark).
    Parquet(parquet::Args),
    /// Build the full-text index of a batch's corpus (or export it for OpenSearch).
    Index(index::Args),
    /// Search a batch's index: ranked hits with snippets and source page.
    Search(search::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Repair(a) => repair::run(a),
        Command::Learn(a) => learn::run(a),
        Command::Lm(args) => lm::run(args),
        Command::Records(args) => records::run(args),
        Command::Extract(a) => extract::run(a),
        Command::Batch(a) => batch::run(a),
        Command::Review(a) => review::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Index(a) => index::run(a),
        Command::Parquet(a) => parquet::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Search(a) => search::run(a),
    }
}
