//! `glyphmend review OUT`: a static HTML report of a batch's repairs.

use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Output directory of `glyphmend batch`.
    pub out: PathBuf,
    /// Where to write the report (default OUT/review.html).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if glyphmend::export::OutDir::new(&args.out).uncommitted() {
        super::term::write_message(format_args!(
            "warning: {}: the last batch did not finish (journal.jsonl); rerun it for a \
             consistent corpus, records and manifest",
            args.out.display()
        ));
    }
    let path = glyphmend::export::review::write_dir(&args.out, args.output.as_deref())
        .with_context(|| format!("review of {}", args.out.display()))?;
    let abs = path.canonicalize().unwrap_or(path);
    println!("file://{}", abs.display());
    Ok(ExitCode::SUCCESS)
}
