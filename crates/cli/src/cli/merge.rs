//! `glyphmend merge SHARD_OUT... -o OUT`: the output directories of `batch --shard K/N` runs
//! joined into the one a single `batch` would have written.

use anyhow::Context;
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
#[command(
    after_help = "Example (a Slurm array or Kubernetes indexed job runs one shard per task):
  glyphmend batch pdfs/ --shard $K/8 -o shards/$K
  glyphmend merge shards/* -o out/

Exit status as `batch`: 0 clean, 3 some inputs failed, 4 some need attention, 2 no merge."
)]
pub struct Args {
    /// The shards' output directories (each a finished `batch --shard K/N -o DIR`).
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// The merged output directory.
    #[arg(short, long)]
    pub output: PathBuf,
    /// No summary.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let report = glyphmend::batch::merge::merge(&args.shards, &args.output)
        .with_context(|| format!("merging into {}", args.output.display()))?;
    let m = &report.manifest;
    if !args.quiet {
        eprintln!(
            "merged {} shard(s): {} inputs: {} ok, {} need attention, {} failed; {} pages, {} records",
            args.shards.len(),
            m.summary.inputs,
            m.summary.ok,
            m.summary.needs_attention,
            m.summary.failed,
            m.summary.pages,
            m.summary.records
        );
    }
    let status = if m.summary.failed > 0 {
        glyphmend::batch::EXIT_SOME_FAILED
    } else if m.summary.needs_attention > 0 {
        glyphmend::batch::EXIT_NEEDS_ATTENTION
    } else {
        0
    };
    Ok(ExitCode::from(status))
}
