//! `glyphmend batch DIR -o OUT [-j N]`: repair every PDF and `.txt` under a directory.
//!
//! Exit codes: 0 all inputs done; 3 completed, but some inputs failed (see the manifest);
//! 2 the batch could not run at all.

use anyhow::Context;
use clap::Args as ClapArgs;
use glyphmend::batch::{self, BatchOptions, Stages};
use std::path::PathBuf;
use std::process::ExitCode;

/// "Completed with failures": every input was tried, at least one failed.
pub const EXIT_COMPLETED_WITH_FAILURES: u8 = 3;

#[derive(ClapArgs)]
pub struct Args {
    /// Directory to process recursively (`*.pdf`, `*.txt`).
    pub dir: PathBuf,
    /// Output directory (created; a rerun resumes from it).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Extra mapping tables (`*.table`) to use besides the built-in ones.
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Font files or directories you have: renumbered subsets (LibreOffice, reportlab) are
    /// read by glyph outline (as `extract --font-files`).
    #[arg(long = "font-files", num_args = 1..)]
    pub font_files: Vec<PathBuf>,
    /// First learn tables from the directory's own PDFs (as `learn --pdf`) for fonts no table
    /// covers: a document with a good ToUnicode repairs others of the same font.
    #[arg(long)]
    pub learn_fonts: bool,
    /// Reprocess every input, even those unchanged since the last run.
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = BatchOptions {
        input_dir: args.dir.clone(),
        out_dir: args.output.clone(),
        threads,
        extra_tables: args.tables.clone(),
        font_files: args.font_files.clone(),
        learn_fonts: args.learn_fonts,
        progress: !args.quiet,
        force: args.force,
    };
    let report = batch::run(&opts, Stages::builtin())
        .with_context(|| format!("batch over {}", args.dir.display()))?;
    let m = &report.manifest;
    let t = &report.timings;
    if !args.quiet {
        for e in m.inputs.iter().filter(|e| e.error.is_some()) {
            eprintln!(
                "failed: {} ({}): {}",
                e.path,
                e.failed_stage.as_deref().unwrap_or("?"),
                e.error.as_deref().unwrap_or("")
            );
        }
        eprintln!(
            "{} inputs: {} ok, {} failed, {} resumed unchanged; {} pages, {} spans repaired \
             ({} low confidence), {} unresolved; {:.2}s with {} thread(s), {:.1} pages/s",
            m.summary.inputs,
            m.summary.ok,
            m.summary.failed,
            t.skipped,
            m.summary.pages,
            m.summary.repaired_spans,
            m.summary.low_confidence_spans,
            m.summary.unresolved_spans,
            t.wall_seconds,
            t.threads,
            t.pages_per_second
        );
        eprintln!(
            "wrote {}/{{corpus.jsonl,records.jsonl,manifest.json,timings.json,docs/}}",
            args.output.display()
        );
    }
    Ok(if report.failed() > 0 {
        ExitCode::from(EXIT_COMPLETED_WITH_FAILURES)
    } else {
        ExitCode::SUCCESS
    })
}
