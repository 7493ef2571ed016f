//! `glyphmend diff FILE`: original vs repaired, changed lines only, in colour on a terminal
//! (NO_COLOR, a pipe or `--color never` give plain `[marked]` text).

use anyhow::Context;
use clap::Args as ClapArgs;
use glyphmend::export::corpus::PageResult;
use glyphmend::repair::Repairer;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Text file (`-` for standard input). Form feeds separate pages.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Colour: auto, always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    /// Extra mapping tables (`*.table`).
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = super::repair::read_text(&args.input, args.lossy)?;
    let tables = super::repair::load_tables(args.tables.as_ref()).context("tables")?;
    let repairer = Repairer::new(&tables, glyphmend::lm::CharLm::builtin());
    let colour = glyphmend::export::diff::use_colour(&args.color, std::io::stdout().is_terminal());
    let name = args.input.display().to_string();
    let mut out = std::io::stdout().lock();
    let mut changed = 0;
    for p in glyphmend::batch::split_pages(&text) {
        let repair = repairer.repair_text(&p.text).into_owned();
        let page = PageResult::new(p.page, p.text, repair);
        changed += page.spans.len() + page.unresolved.len();
        let label = format!("{name} p{}", page.page);
        out.write_all(glyphmend::export::diff::render_page(&page, &label, colour).as_bytes())?;
    }
    if changed == 0 {
        writeln!(out, "no garbled spans found in {name}")?;
    }
    Ok(ExitCode::SUCCESS)
}
