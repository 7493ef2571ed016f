//! `glyphmend learn`: derive a mapping table and write it into `mappings/`.

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use glyphmend::learn::anchors;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Anchors file (`anchor gid=… char=…` lines): fit a repertoire-order table to them.
    #[arg(long)]
    pub anchors: Option<PathBuf>,
    /// Table name (the file is `<out>/<name>.table`).
    #[arg(long)]
    pub name: Option<String>,
    /// One-line description written into the table.
    #[arg(long)]
    pub description: Option<String>,
    /// PDF BaseFont names (comma-separated, no subset tag) the table is for.
    #[arg(long)]
    pub basefont: Option<String>,
    /// Output directory.
    #[arg(long, default_value = "mappings")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Some(path) = &args.anchors else {
        bail!("nothing to learn from: give --anchors FILE");
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let anchors = anchors::parse_anchors(&path.display().to_string(), &text)?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .context("cannot derive a table name from the anchors file; give --name")?,
    };
    let mut table = anchors::table_from_anchors(&name, &anchors)?;
    table.description = args.description.clone().unwrap_or_default();
    if let Some(b) = &args.basefont {
        table.basefonts = b.split(',').map(str::to_string).collect();
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let dest = args.out.join(format!("{name}.table"));
    let mut body = format!(
        "# learned from {} ({} anchors)\n",
        path.display(),
        anchors.len()
    );
    body.push_str(&table.to_text());
    std::fs::write(&dest, body).with_context(|| format!("writing {}", dest.display()))?;
    eprintln!(
        "{}: {} rules, {} glyphs mapped",
        dest.display(),
        table.rules.len(),
        table.len()
    );
    Ok(ExitCode::SUCCESS)
}
