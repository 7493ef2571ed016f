//! `glyphmend index OUT`: full-text index of a batch's corpus (or an OpenSearch export).

use super::term::say;
use anyhow::Context;
use clap::{Args as ClapArgs, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum Export {
    /// Bulk NDJSON (action line + document line per page) plus index settings.
    Opensearch,
}

#[derive(ClapArgs)]
pub struct Args {
    /// Output directory of `glyphmend batch`.
    pub out: PathBuf,
    /// Instead of the local index, write the corpus for another search engine.
    #[arg(long, value_enum)]
    pub export: Option<Export>,
    /// Export file (default OUT/opensearch-bulk.ndjson).
    #[arg(short, long, requires = "export")]
    pub output: Option<PathBuf>,
    /// Index name in the bulk action lines.
    #[arg(long, default_value = "glyphmend")]
    pub index_name: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(why) = glyphmend::export::OutDir::new(&args.out).commit_problem() {
        super::term::write_message(format_args!(
            "warning: {}: {why}; rerun it for a consistent corpus, records and manifest",
            args.out.display()
        ));
    }
    match args.export {
        Some(Export::Opensearch) => {
            let target = args
                .output
                .unwrap_or_else(|| glyphmend::export::OutDir::new(&args.out).opensearch_path());
            let n =
                glyphmend::export::search::export_opensearch(&args.out, &target, &args.index_name)
                    .with_context(|| format!("exporting {}", args.out.display()))?;
            say!(
                "{n} pages → {} (settings: {}.mapping.json)",
                target.display(),
                target.display()
            );
        }
        None => {
            let n = glyphmend::export::index::build(&args.out)
                .with_context(|| format!("indexing {}", args.out.display()))?;
            say!(
                "{n} pages indexed → {}",
                glyphmend::export::index::index_dir(&args.out).display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
