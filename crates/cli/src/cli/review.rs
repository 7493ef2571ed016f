//! `glyphmend review OUT`: the static HTML review site of a batch.

use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Output directory of `glyphmend batch`.
    pub out: PathBuf,
    /// Where to write the index (default OUT/review.html); the document pages and page
    /// images go to the directory `review/` beside it.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// The batch's input directory, where the PDFs to render are (default: the one the
    /// batch recorded in OUT/timings.json).
    #[arg(long, value_name = "DIR")]
    pub inputs: Option<PathBuf>,
    /// Do not render PDF pages (pdftoppm) beside the text.
    #[arg(long)]
    pub no_images: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(why) = glyphmend::export::OutDir::new(&args.out).commit_problem() {
        super::term::write_message(format_args!(
            "warning: {}: {why}; rerun it for a consistent corpus, records and manifest",
            args.out.display()
        ));
    }
    let opts = glyphmend::export::review::ReviewOptions {
        output: args.output,
        inputs: args.inputs,
        no_images: args.no_images,
    };
    let report = glyphmend::export::review::write_site(&args.out, &opts)
        .with_context(|| format!("review of {}", args.out.display()))?;
    for note in &report.notes {
        super::term::write_message(format_args!("note: page images: {note}"));
    }
    let abs = report.index.canonicalize().unwrap_or(report.index);
    println!("file://{}", abs.display());
    Ok(ExitCode::SUCCESS)
}
