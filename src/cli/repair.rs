//! `glyphmend repair`: garbled text in, repaired text out, one output line per input line.

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use glyphmend::repair::Repairer;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
pub struct Args {
    /// Input text file, or `-` for standard input.
    #[arg(default_value = "-")]
    pub input: PathBuf,
    /// Print each repaired span (line, column, before, after, table, rule, confidence) on
    /// standard error, after the text.
    #[arg(long)]
    pub explain: bool,
    /// Print the spans as JSON lines on standard output instead of the text.
    #[arg(long)]
    pub json: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    /// Extra mapping tables (`*.table`) to use besides the built-in ones.
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Also apply table entries marked low-confidence (below this; default 0.5).
    #[arg(long, default_value_t = 0.5)]
    pub min_rule_confidence: f32,
    /// Write the repaired text here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Reads a file (or stdin for `-`) as UTF-8, naming the byte offset of the first bad byte.
pub fn read_text(path: &PathBuf, lossy: bool) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) if lossy => Ok(String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => bail!(
            "{}: invalid UTF-8 at byte offset {} (use --lossy to replace it)",
            path.display(),
            e.utf8_error().valid_up_to()
        ),
    }
}

/// The built-in tables plus those in `dir`.
pub fn load_tables(dir: Option<&PathBuf>) -> anyhow::Result<glyphmend::tables::TableSet> {
    let mut set = glyphmend::tables::TableSet::builtin().context("built-in tables")?;
    if let Some(d) = dir {
        set.extend(glyphmend::tables::TableSet::load_dir(d)?);
    }
    Ok(set)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = read_text(&args.input, args.lossy)?;
    let tables = load_tables(args.tables.as_ref())?;
    let lm = glyphmend::lm::CharLm::builtin();
    let mut repairer = Repairer::new(&tables, lm);
    repairer.options.min_rule_confidence = args.min_rule_confidence;
    let result = repairer.repair_text(&text);
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    if args.json {
        for line in &result.lines {
            for s in &line.spans {
                let mut v = serde_json::to_value(s)?;
                v["type"] = "repair".into();
                writeln!(out, "{v}")?;
            }
            for u in &line.unresolved {
                let mut v = serde_json::to_value(u)?;
                v["type"] = "unresolved".into();
                writeln!(out, "{v}")?;
            }
        }
    } else {
        out.write_all(result.text.as_bytes())?;
    }
    out.flush()?;
    if args.explain {
        let mut err = std::io::stderr().lock();
        for line in &result.lines {
            for f in &line.fixes {
                writeln!(
                    err,
                    "{}: {f}: the extractor had reordered this line",
                    line.line
                )?;
            }
            for s in &line.spans {
                writeln!(
                    err,
                    "{}:{}-{}: {} → {}  [{}; {}; {}] confidence {:.2}",
                    s.line,
                    s.column,
                    s.end_column,
                    s.before,
                    s.after,
                    s.table,
                    s.fix,
                    s.rule,
                    s.confidence
                )?;
            }
            for u in &line.unresolved {
                writeln!(
                    err,
                    "{}:{}-{}: {} left as is: looks garbled but no table explains it (confidence {:.2})",
                    u.line,
                    u.start + 1,
                    u.end,
                    u.text,
                    u.confidence
                )?;
            }
        }
        let n: usize = result.lines.iter().map(|l| l.spans.len()).sum();
        let u: usize = result.lines.iter().map(|l| l.unresolved.len()).sum();
        writeln!(err, "{n} span(s) repaired, {u} unresolved")?;
    }
    Ok(ExitCode::SUCCESS)
}
