//! `glyphmend diff FILE`: original vs repaired, changed lines only, in colour on a terminal
//! (NO_COLOR, a pipe or `--color never` give plain `[marked]` text).

use clap::Args as ClapArgs;
use glyphmend::pipeline::{Pipeline, Source};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Text file (`-` for standard input; UTF-8, UTF-16, Shift_JIS or EUC-JP, decoded as
    /// every command decodes it). Form feeds separate pages.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Colour: auto, always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    /// Extra mapping tables (`*.table`).
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Read the input as UTF-8, replacing invalid bytes with U+FFFD (for damaged files in
    /// no supported encoding; never needed for Shift_JIS or EUC-JP).
    #[arg(long)]
    pub lossy: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::builtin()?.with_tables_dir(args.tables.as_deref())?;
    let source = if args.lossy {
        let text = super::repair::read_text(&args.input, true)?;
        Source::text(args.input.display().to_string(), text)
    } else {
        Source::read(&args.input)?
    };
    let doc = pipeline.run(source)?;
    let colour = glyphmend::export::diff::use_colour(&args.color, std::io::stdout().is_terminal());
    let name = args.input.display().to_string();
    let mut out = std::io::stdout().lock();
    let mut changed = 0;
    for page in &doc.pages {
        changed += page.spans.len() + page.unresolved.len();
        let label = format!("{name} p{}", page.page);
        out.write_all(glyphmend::export::diff::render_page(page, &label, colour).as_bytes())?;
    }
    if changed == 0 {
        writeln!(out, "no garbled spans found in {name}")?;
    }
    Ok(ExitCode::SUCCESS)
}
