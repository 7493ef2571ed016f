//! `glyphmend batch DIR -o OUT [-j N]`: every PDF and `.txt` under a directory through the
//! pipeline.
//!
//! Exit status: 0 every input done and clean; 3 completed, but some inputs failed; 4
//! completed, nothing failed, but some inputs need attention (unresolved glyphs, …; listed in
//! `OUT/needs_attention.json` and on standard error); 2 the batch could not run at all.

use super::term::{escape_line, say};
use anyhow::Context;
use clap::Args as ClapArgs;
use glyphmend::batch::{self, BatchOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
#[command(after_help = "Exit status:
  0  every input done, nothing unresolved or in doubt
  2  the batch could not run (missing directory, bad --tables, unwritable output)
  3  every input was tried, some failed (see OUT/manifest.json)
  4  nothing failed, but some inputs need attention: unresolved glyphs or garbling,
     repairs or PDF decodings under the confidence threshold, self-learned readings,
     tables learned from the batch (see OUT/needs_attention.json)

Example:
  glyphmend batch pdfs/ -o out/ && glyphmend review out/")]
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
    /// A font file or directory you have: renumbered subsets (LibreOffice, reportlab) are
    /// read by glyph outline (as `extract --font-files`). One path per option, repeat it for
    /// more (`--font-files a/ --font-files b.ttf`): the input is a directory too, so a list
    /// could not tell where the fonts end.
    #[arg(long = "font-files", value_name = "PATH", action = clap::ArgAction::Append)]
    pub font_files: Vec<PathBuf>,
    /// First learn tables from the directory's own PDFs (as `learn --pdf`) for fonts no table
    /// covers: a document with a good ToUnicode repairs others of the same font.
    #[arg(long)]
    pub learn_fonts: bool,
    /// Reprocess every input, even those unchanged since the last run.
    #[arg(long)]
    pub force: bool,
    /// Also write `corpus.parquet` and `records.parquet` (typed columns, nulls for absent
    /// fields) for DuckDB, pandas and Spark; `glyphmend parquet OUT` writes them later.
    #[arg(long)]
    pub parquet: bool,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Wall-time limit per input, in seconds (0: none); an input over it is recorded as
    /// failed (stage `timeout`) and the batch goes on.
    #[arg(long, value_name = "SECS", default_value_t = batch::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,
    /// Password of encrypted PDFs (the same for every input).
    #[arg(long)]
    pub password: Option<String>,
    /// Only shard K of N of the inputs (e.g. `--shard 3/8`, one per machine or array task),
    /// each into its own -o; `glyphmend merge` joins the shards' directories.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Do not decipher glyphs no table explains from each document's own text (as
    /// `repair --no-learn`).
    #[arg(long)]
    pub no_learn: bool,
    /// Read image-only pages (scans) with Tesseract (`tesseract-ocr` with `jpn` and
    /// `jpn_vert`; `GLYPHMEND_TESSERACT` names another binary); their text is flagged as OCR.
    /// Tesseract takes 4–30 s a page: raise `--timeout` for long scanned documents.
    #[arg(long)]
    pub ocr: bool,
    #[command(flatten)]
    pub budget: super::extract::BudgetArgs,
}

// Long: arguments, the run and its report in sequence, as the command prints them.
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
        force: args.force,
        timeout: (args.timeout > 0).then(|| std::time::Duration::from_secs(args.timeout)),
        budget: args.budget.budget(),
        password: args.password.clone(),
        learn: !args.no_learn,
        ocr: args.ocr.then(glyphmend::ingest::ocr::OcrOptions::default),
        shard: args
            .shard
            .as_deref()
            .map(glyphmend::batch::merge::parse_shard)
            .transpose()
            .map_err(anyhow::Error::msg)?,
        only: None,
        durable: true,
    };
    let bar = super::progress::Bar::new(!args.quiet);
    let report = batch::run_with_progress(&opts, &bar)
        .with_context(|| format!("batch over {}", args.dir.display()))?;
    let m = &report.manifest;
    let t = &report.timings;
    for note in &report.notes {
        say!("warning: {}", escape_line(note));
    }
    if !args.quiet {
        let n = &report.needs_attention;
        for f in &n.failed {
            let stage = f.stage.map_or("?", |s| s.name());
            say!(
                "failed: {} ({stage}): {}",
                escape_line(&f.path),
                escape_line(&f.error)
            );
        }
        for d in &n.documents {
            for r in &d.attention.reasons {
                say!("needs attention: {}: {}", escape_line(&d.path), r.summary());
            }
        }
        for s in &m.skipped {
            say!(
                "skipped: {}: {}",
                escape_line(&s.path),
                escape_line(&s.detail)
            );
        }
        let spans = &m.summary.spans;
        say!(
            "{} inputs: {} ok, {} need attention, {} failed, {} resumed unchanged, {} skipped \
             entries; {} warnings; {} pages, {} spans repaired, {} decoded{}, {} low \
             confidence, {} unresolved; {:.2}s with {} thread(s), {:.1} pages/s",
            m.summary.inputs,
            m.summary.ok,
            m.summary.needs_attention,
            m.summary.failed,
            t.skipped,
            m.summary.skipped,
            m.summary.warnings,
            m.summary.pages,
            spans.repaired_spans,
            spans.decoded_spans,
            if spans.provenance.is_empty() {
                String::new()
            } else {
                format!(" (by provenance: {})", spans.provenance_text())
            },
            spans.low_confidence_spans,
            spans.unresolved_spans,
            t.wall_seconds,
            t.threads,
            t.pages_per_second
        );
        say!(
            "wrote {}/{{corpus.jsonl,records.jsonl,manifest.json,needs_attention.json,timings.json,docs/}}",
            args.output.display()
        );
    }
    if args.parquet {
        let out = glyphmend::export::OutDir::new(&args.output);
        let n = glyphmend::export::parquet::write_outdir(&out)?;
        if !args.quiet {
            eprintln!(
                "wrote {}/{{corpus.parquet,records.parquet}}: {} pages, {} records",
                args.output.display(),
                n.corpus_rows,
                n.record_rows
            );
        }
    }
    Ok(ExitCode::from(report.exit_status()))
}
