//! `glyphmend parquet OUT`: `corpus.parquet` and `records.parquet` from a batch's JSON lines.

use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
#[command(after_help = "Example:
  glyphmend batch pdfs/ -o out/ && glyphmend parquet out/
  duckdb -c \"select source, page, text from 'out/corpus.parquet' limit 5\"")]
pub struct Args {
    /// A batch output directory (with corpus.jsonl and records.jsonl).
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let out = glyphmend::export::OutDir::new(&args.out);
    if !out.corpus_path().is_file() {
        anyhow::bail!(
            "{}: no corpus.jsonl (run `glyphmend batch DIR -o {}` first)",
            args.out.display(),
            args.out.display()
        );
    }
    let n = glyphmend::export::parquet::write_outdir(&out)?;
    eprintln!(
        "wrote {}/{{corpus.parquet,records.parquet}}: {} pages, {} records",
        args.out.display(),
        n.corpus_rows,
        n.record_rows
    );
    Ok(ExitCode::SUCCESS)
}
