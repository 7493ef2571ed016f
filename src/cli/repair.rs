//! `glyphmend repair`: garbled text in, repaired text out, one output line per input line.

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use glyphmend::repair::Repairer;
use std::io::{BufRead, Read, Write};
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
    /// Do not learn readings from the document's own garbled text when the tables leave
    /// garbling unexplained (self-learning is on by default and applies only readings at
    /// or above the calibrated threshold, see `data/calibration.tsv`).
    #[arg(long)]
    pub no_learn: bool,
    /// Write the repaired text here instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Bytes of whole lines held at a time (output does not depend on it; for tests).
    #[arg(long, hide = true, default_value_t = CHUNK_BYTES)]
    pub chunk_bytes: usize,
}

/// Reads a file (or stdin for `-`) as every command does ([`glyphmend::pipeline::decode`]:
/// UTF-8, UTF-16 with BOM, Shift_JIS, EUC-JP), naming the byte offset of the first bad byte.
/// `lossy` reads what no encoding accepts as UTF-8 with U+FFFD for the bad bytes.
pub fn read_text(path: &PathBuf, lossy: bool) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    }
    match glyphmend::pipeline::decode(&bytes) {
        Ok((text, _)) => Ok(text),
        Err(_) if lossy => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => bail!("{}: {e} (--lossy reads it as UTF-8 anyway)", path.display()),
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

/// Bytes of text held at a time when repairing a file: it is read twice, once to adapt
/// the model to its clean lines, once to repair it chunk by chunk (same output as whole).
const CHUNK_BYTES: usize = 8 << 20;

/// The input of `repair`: standard input is read once and held (it cannot be read twice);
/// a file is streamed on each pass.
enum Input {
    Text(String),
    File(PathBuf),
}

impl Input {
    fn open(path: &PathBuf, lossy: bool) -> anyhow::Result<Self> {
        Ok(
            if path.as_os_str() == "-" || !plain_utf8(path).unwrap_or(false) {
                // Not plain UTF-8 (a BOM, Shift_JIS, …): decoded whole, as every command does.
                Input::Text(read_text(path, lossy)?)
            } else {
                Input::File(path.clone())
            },
        )
    }
}

/// Whether a file is UTF-8 without a byte-order mark (streamed chunk by chunk); checked in
/// blocks, so a large file is not held whole.
fn plain_utf8(path: &PathBuf) -> std::io::Result<bool> {
    let mut reader = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut first = true;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        // Whole lines: a `\n` never belongs to a multi-byte sequence.
        while buf.len() < CHUNK_BYTES {
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
        }
        if buf.is_empty() {
            return Ok(true);
        }
        if first
            && (buf.starts_with(b"\xEF\xBB\xBF")
                || buf.starts_with(b"\xFF\xFE")
                || buf.starts_with(b"\xFE\xFF"))
        {
            return Ok(false);
        }
        first = false;
        if std::str::from_utf8(&buf).is_err() {
            return Ok(false);
        }
    }
}

/// Calls `f` on each chunk of whole lines of the input, with the same UTF-8 handling as
/// [`read_text`] (offsets of bad bytes are file offsets).
fn for_each_chunk(
    input: &Input,
    lossy: bool,
    chunk_bytes: usize,
    mut f: impl FnMut(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let path = match input {
        Input::Text(text) => {
            for chunk in glyphmend::repair::line_chunks(text, chunk_bytes) {
                f(chunk)?;
            }
            return Ok(());
        }
        Input::File(path) => path,
    };
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut reader = std::io::BufReader::new(file);
    let mut buf = Vec::with_capacity(chunk_bytes.min(CHUNK_BYTES) + (64 << 10));
    let mut offset = 0usize;
    loop {
        buf.clear();
        // Whole lines up to at least `chunk_bytes`; a `\n` never belongs to a multi-byte
        // sequence, so per-chunk UTF-8 decoding is the whole file's.
        while buf.len() < chunk_bytes.max(1) {
            let n = reader
                .read_until(b'\n', &mut buf)
                .with_context(|| format!("reading {}", path.display()))?;
            if n == 0 {
                break;
            }
        }
        if buf.is_empty() {
            return Ok(());
        }
        match std::str::from_utf8(&buf) {
            Ok(s) => f(s)?,
            Err(_) if lossy => f(&String::from_utf8_lossy(&buf))?,
            Err(e) => bail!(
                "{}: invalid UTF-8 at byte offset {} (use --lossy to replace it)",
                path.display(),
                offset + e.valid_up_to()
            ),
        }
        offset += buf.len();
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tables = load_tables(args.tables.as_ref())?;
    let lm = glyphmend::lm::CharLm::builtin();
    let mut repairer = Repairer::new(&tables, lm);
    repairer.options.min_rule_confidence = args.min_rule_confidence;
    repairer.options.learn = !args.no_learn;
    // First pass: the document model (and every UTF-8 error) before any output.
    let input = Input::open(&args.input, args.lossy)?;
    let mut doc = repairer.document();
    for_each_chunk(&input, args.lossy, args.chunk_bytes, |chunk| {
        doc.observe(chunk);
        Ok(())
    })?;
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    let mut explained = Vec::new();
    let mut first_line = 1;
    for_each_chunk(&input, args.lossy, args.chunk_bytes, |chunk| {
        let result = repairer.repair_chunk(&doc, chunk, first_line);
        first_line += memchr::memchr_iter(b'\n', chunk.as_bytes()).count();
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
        if args.explain {
            explained.extend(result.lines);
        }
        Ok(())
    })?;
    out.flush()?;
    if args.explain {
        let mut err = std::io::stderr().lock();
        for line in &explained {
            for f in &line.fixes {
                writeln!(
                    err,
                    "{}: {f}: the extractor had reordered this line",
                    line.line
                )?;
            }
            for s in &line.spans {
                let how = s.evidence.map_or(String::new(), |e| {
                    format!(
                        " ({}, {} char(s), LM gain {:.1}, rule confidence {:.2})",
                        e.kind.as_str(),
                        e.chars,
                        e.gain,
                        e.rule_confidence
                    )
                });
                writeln!(
                    err,
                    "{}:{}-{}: {} → {}  [{}; {}; {}] confidence {:.2}{how}",
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
        // Which tables the document's garbling was judged against, and the verdicts.
        for v in repairer.verdicts(&doc) {
            if v.distinct > 0 {
                writeln!(
                    err,
                    "table {}: {} ({}{} glyph(s), {} character(s); gain {:.1} vs shuffled {:.1} mean, {:.1} best)",
                    v.table,
                    if v.wins {
                        "explains this document"
                    } else {
                        "does not explain this document, decodes nothing"
                    },
                    if v.residual {
                        "on what the others left: "
                    } else {
                        ""
                    },
                    v.distinct,
                    v.decoded,
                    v.gain,
                    v.null_mean,
                    v.null_best
                )?;
            }
        }
        if let Some(t) = repairer.learned(&doc) {
            writeln!(
                err,
                "table {}: {} reading(s) learned from this document's own text (applied where calibrated confidence ≥ {:.2})",
                t.name,
                t.rules.len(),
                repairer.options.min_learned_confidence
            )?;
            for r in &t.rules {
                writeln!(
                    err,
                    "  {}: {}",
                    glyphmend::repair::describe_rule(r),
                    r.evidence
                )?;
            }
        }
        let n: usize = explained.iter().map(|l| l.spans.len()).sum();
        let u: usize = explained.iter().map(|l| l.unresolved.len()).sum();
        writeln!(err, "{n} span(s) repaired, {u} unresolved")?;
    }
    Ok(ExitCode::SUCCESS)
}
