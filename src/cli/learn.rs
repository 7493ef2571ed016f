//! `glyphmend learn --font FILE.ttf|.ttc|.otf [--name NAME] [--basefont NAME] [--out DIR]`
//!
//! Derives a GID → Unicode table. Sources are optional flags of one command so other
//! sources (text, PDF) can be added beside `--font`.

use anyhow::{Context, bail};
use glyphmend::learn::font_file;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Font file whose own cmap gives an exact table.
    #[arg(long)]
    pub font: Option<PathBuf>,
    /// Table name (file stem); default: the BaseFont in lower case.
    #[arg(long)]
    pub name: Option<String>,
    /// BaseFont the table is for (default: the font's PostScript name; selects the face of a .ttc).
    #[arg(long)]
    pub basefont: Option<String>,
    /// Directory to write `NAME.table` into.
    #[arg(long, default_value = "mappings")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Some(font) = &args.font else {
        bail!("learn needs a source: --font FILE");
    };
    let table = font_file::learn_font_file(font, args.name.as_deref(), args.basefont.as_deref())
        .with_context(|| format!("learning from {}", font.display()))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let path = args.out.join(format!("{}.table", table.name));
    std::fs::write(&path, table.to_text())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "{}: {} glyphs mapped in {} rules → {}",
        font.display(),
        table.len(),
        table.rules.len(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
