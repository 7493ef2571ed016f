//! `glyphmend extract FILE.pdf [-o OUT] [--pages A-B] [--json] [--password PW] [--tables DIR]`
//!
//! Thin over [`glyphmend::pipeline`]: the text printed is the text `batch` and `records`
//! read from the same file. Unresolved glyphs are named on standard error ("needs
//! attention", with the command that would fix them).

use super::term::{escape_line, say};
use anyhow::{Context, bail};
use glyphmend::ingest::budget::Budget;
use glyphmend::pipeline::{Options, Pipeline};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct Args {
    /// PDF file (or a text file, repaired as `repair` does), or `-` for stdin.
    #[arg(required_unless_present = "font_files")]
    pub file: Option<PathBuf>,
    /// Output file (default stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Page range, e.g. `3-5` or `2`.
    #[arg(long)]
    pub pages: Option<String>,
    /// Per-span provenance as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Password of an encrypted PDF.
    #[arg(long)]
    pub password: Option<String>,
    /// Extra mapping tables (`*.table`), added to the builtin ones.
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Font files or directories (.ttf/.ttc/.otf) you have: glyphs of subsets that renumbered
    /// their glyphs (LibreOffice, reportlab) are identified by their outlines.
    #[arg(long = "font-files", num_args = 1..)]
    pub font_files: Vec<PathBuf>,
    /// Apply table entries down to this confidence (entries below 0.5 are in doubt and by
    /// default only reported).
    #[arg(long, default_value_t = 0.5)]
    pub min_rule_confidence: f32,
    /// Do not decipher glyphs no table explains from the document's own text (self-learning
    /// is on by default and applies only readings at the calibrated threshold).
    #[arg(long)]
    pub no_learn: bool,
    /// Read image-only pages (scans) with Tesseract (`tesseract-ocr` with `jpn` and
    /// `jpn_vert`; `GLYPHMEND_TESSERACT` names another binary); `--json` flags their lines
    /// with source `ocr` and Tesseract's confidence.
    #[arg(long)]
    pub ocr: bool,
    /// Suppress warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// Per-document work limits of PDF extraction (see `glyphmend::ingest::budget`). A document
/// over one is truncated there, with a warning.
#[derive(clap::Args, Clone)]
pub struct BudgetArgs {
    /// Per-document limit on decoded stream bytes, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = Budget::DEFAULT_DECODED_BYTES >> 20)]
    pub max_decoded_mib: usize,
    /// Per-document limit on content-stream bytes interpreted (forms once per draw), in MiB.
    #[arg(long, value_name = "MIB", default_value_t = Budget::DEFAULT_CONTENT_BYTES >> 20)]
    pub max_content_mib: usize,
    /// Per-document limit on content-stream operators executed.
    #[arg(long, value_name = "N", default_value_t = Budget::DEFAULT_OPERATORS)]
    pub max_operators: usize,
    /// Per-document limit on glyphs.
    #[arg(long, value_name = "N", default_value_t = Budget::DEFAULT_GLYPHS)]
    pub max_glyphs: usize,
    /// Per-document limit on form XObject draws.
    #[arg(long, value_name = "N", default_value_t = Budget::DEFAULT_FORM_DRAWS)]
    pub max_form_draws: usize,
}

impl BudgetArgs {
    pub fn budget(&self) -> Budget {
        Budget {
            decoded_bytes: self.max_decoded_mib.saturating_mul(1 << 20),
            content_bytes: self.max_content_mib.saturating_mul(1 << 20),
            operators: self.max_operators,
            glyphs: self.max_glyphs,
            form_draws: self.max_form_draws,
        }
    }
}

fn parse_pages(s: &str) -> anyhow::Result<(u32, u32)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: u32 = a
        .trim()
        .parse()
        .with_context(|| format!("bad page range `{s}`"))?;
    let b: u32 = b
        .trim()
        .parse()
        .with_context(|| format!("bad page range `{s}`"))?;
    if a == 0 || b < a {
        bail!("bad page range `{s}` (pages count from 1)");
    }
    Ok((a, b))
}

/// The input: FILE, or the last value of `--font-files` when that is no font (`--font-files
/// DIR file.pdf` takes every value after the option as a font path).
fn input_file(file: Option<PathBuf>, font_files: &mut Vec<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(f) = file {
        return Ok(f);
    }
    let is_font = |p: &std::path::Path| {
        p.is_dir()
            || p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                ["ttf", "otf", "ttc", "otc"].contains(&e.to_ascii_lowercase().as_str())
            })
    };
    match font_files.last() {
        Some(last) if !is_font(last) => Ok(font_files.pop().unwrap_or_default()),
        _ => bail!("no input FILE (give it before --font-files, or after the font paths)"),
    }
}

pub fn run(mut args: Args) -> anyhow::Result<ExitCode> {
    let file = input_file(args.file.take(), &mut args.font_files)?;
    let mut pipeline = Pipeline::builtin()?.with_tables_dir(args.tables.as_deref())?;
    pipeline.options = Options {
        password: args.password.clone(),
        pages: args.pages.as_deref().map(parse_pages).transpose()?,
        min_rule_confidence: args.min_rule_confidence,
        outlines: if args.font_files.is_empty() {
            None
        } else {
            Some(Arc::new(
                glyphmend::tables::outlines::OutlineIndex::from_paths(&args.font_files)
                    .context("reading --font-files")?,
            ))
        },
        budget: args.budget.budget(),
        learn: !args.no_learn,
        ocr: args.ocr.then(glyphmend::ingest::ocr::OcrOptions::default),
    };
    let doc = pipeline.read(&file)?;
    if !args.quiet {
        for w in &doc.warnings {
            say!("warning: {}: {w}", escape_line(&doc.name));
        }
        if let Some(a) = &doc.attention {
            for r in &a.reasons {
                say!(
                    "needs attention: {}: {}",
                    escape_line(&doc.name),
                    r.summary()
                );
            }
        }
    }
    let out = if args.json {
        match &doc.glyphs {
            // A PDF: every glyph run with its provenance, as before.
            Some(glyphs) => serde_json::to_string_pretty(glyphs)? + "\n",
            None => serde_json::to_string_pretty(&doc)? + "\n",
        }
    } else {
        doc.text()
    };
    match &args.output {
        Some(p) => std::fs::write(p, out).with_context(|| format!("writing {}", p.display()))?,
        None => match std::io::stdout().lock().write_all(out.as_bytes()) {
            // `glyphmend extract x.pdf | head` is normal use, not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        },
    }
    // The process ends here: freeing every glyph and line one by one costs more than the
    // exit that reclaims them (a few per cent of a small PDF's run).
    std::mem::forget(doc);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_after_font_files_is_the_input() {
        let dir = std::env::temp_dir();
        let mut fonts = vec![
            dir.clone(),
            PathBuf::from("a.ttf"),
            PathBuf::from("doc.pdf"),
        ];
        let f = input_file(None, &mut fonts).unwrap();
        assert_eq!(f, PathBuf::from("doc.pdf"));
        assert_eq!(fonts, [dir.clone(), PathBuf::from("a.ttf")]);
        let mut fonts = vec![dir.clone(), PathBuf::from("b.TTC")];
        assert!(input_file(None, &mut fonts).is_err());
        assert_eq!(fonts.len(), 2);
        let mut fonts = vec![PathBuf::from("c.pdf")];
        assert_eq!(
            input_file(Some("x.pdf".into()), &mut fonts).unwrap(),
            PathBuf::from("x.pdf")
        );
        assert_eq!(fonts.len(), 1);
    }
}
