//! `glyphmend search OUT "孤独 孤立"`: ranked hits with snippets, their source page and line,
//! and the line's address in the review site (printed as a `file://` link once `glyphmend
//! review OUT` has written the site). Exit code 1 when nothing matches (as grep).

use super::term::{escape, escape_line};
use anyhow::Context;
use clap::Args as ClapArgs;
use glyphmend::export::search::{MAX_HITS, SearchOptions, search};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Output directory of `glyphmend batch` (indexed with `glyphmend index`).
    pub out: PathBuf,
    /// Query: words (all must occur unless --any), "quoted phrases", OR, -excluded.
    pub query: String,
    /// Maximum number of hits (1 to 10000).
    #[arg(short = 'n', long, default_value_t = 10, value_parser = parse_limit)]
    pub limit: usize,
    /// Any query word may match (default: all).
    #[arg(long)]
    pub any: bool,
    /// Hits as JSON lines (character offsets in `highlighted_chars`, the page's line in `line`,
    /// the line's address in the review site, relative to OUT, in `review`).
    #[arg(long)]
    pub json: bool,
    /// Every page its own hit (default: pages with identical text are one hit that lists
    /// the others).
    #[arg(long)]
    pub all_pages: bool,
    /// Colour: auto, always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
}

/// `-n`: a count of hits within [`MAX_HITS`], refused otherwise (never clamped silently).
fn parse_limit(s: &str) -> Result<usize, String> {
    let n: u64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of hits"))?;
    if n == 0 || n > MAX_HITS as u64 {
        return Err(format!("must be 1 to {MAX_HITS}"));
    }
    Ok(n as usize)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let opts = SearchOptions {
        limit: args.limit,
        all_words: !args.any,
        collapse_duplicates: !args.all_pages,
        ..Default::default()
    };
    let hits = search(&args.out, &args.query, &opts)
        .with_context(|| format!("searching {}", args.out.display()))?;
    let colour = glyphmend::export::diff::use_colour(&args.color, std::io::stdout().is_terminal());
    // Hits link into the review site once `glyphmend review OUT` has written it.
    let out_dir = glyphmend::export::OutDir::new(&args.out);
    let site = out_dir
        .review_path()
        .is_file()
        .then(|| args.out.canonicalize().ok())
        .flatten();
    let mut out = std::io::stdout().lock();
    for (rank, h) in hits.iter().enumerate() {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
            continue;
        }
        let mut snippet = String::new();
        let mut pos = 0;
        for r in &h.highlighted {
            let (Some(before), Some(hit)) = (h.snippet.get(pos..r.start), h.snippet.get(r.clone()))
            else {
                continue;
            };
            // Document text is escaped before our own colour codes go in.
            snippet.push_str(&escape(before));
            let hit = escape(hit);
            if colour {
                snippet.push_str(&format!("\x1b[1;33m{hit}\x1b[0m"));
            } else {
                snippet.push_str(&format!("【{hit}】"));
            }
            pos = r.end;
        }
        snippet.push_str(&escape(h.snippet.get(pos..).unwrap_or("")));
        let snippet = snippet.replace('\n', " ⏎ ");
        let same = match h.duplicates.len() {
            0 => String::new(),
            n => format!("  (+{n} identical page(s))"),
        };
        writeln!(
            out,
            "{}. {} page {} line {}  (score {:.2}){same}\n   {}",
            rank + 1,
            escape_line(&h.source),
            h.page,
            h.line,
            h.score,
            snippet.trim()
        )?;
        if let (Some(root), Some(link)) = (&site, &h.review) {
            writeln!(
                out,
                "   review: file://{}/{}",
                escape_line(&root.display().to_string()),
                escape_line(link)
            )?;
        }
    }
    if !args.json && !hits.is_empty() && site.is_none() {
        super::term::write_message(format_args!(
            "note: `glyphmend review {}` writes the review site the hits link into (`review` in --json)",
            args.out.display()
        ));
    }
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
