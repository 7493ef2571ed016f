//! `glyphmend repair`: garbled text in, repaired text out, one output line per input line.

use anyhow::{Context, bail};
use clap::Args as ClapArgs;
use glyphmend::repair::Repairer;
use glyphmend::repair::stream::{Parts, PartsError, bounded};
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

/// Reads a file (or stdin for `-`) as every command does ([`glyphmend::pipeline::decode()`]:
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

/// Longest part of one line repaired at a time: a longer line is repaired in parts of
/// this size back to back (its repair takes about 40 bytes of memory a byte of garbled
/// text: 350 MB for an 8 MiB part, 80 MB for 1 MiB).
const LONG_LINE_PART: usize = 1 << 20;

/// The input of `repair`: standard input is read once and held (it cannot be read twice);
/// a file is streamed on each pass.
enum Input {
    Text(String),
    File(PathBuf),
}

impl Input {
    /// A plain file is streamed; standard input and files that open with a byte-order
    /// mark are decoded whole. A file found not to be UTF-8 while streaming is decoded
    /// whole too (see [`NotUtf8`]), so the file is not read an extra time to check.
    fn open(path: &PathBuf, lossy: bool) -> anyhow::Result<Self> {
        Ok(
            if path.as_os_str() == "-" || starts_with_bom(path).unwrap_or(true) {
                Input::Text(read_text(path, lossy)?)
            } else {
                Input::File(path.clone())
            },
        )
    }
}

/// Whether a file opens with a UTF-8 or UTF-16 byte-order mark.
fn starts_with_bom(path: &PathBuf) -> std::io::Result<bool> {
    let mut head = Vec::with_capacity(3);
    std::fs::File::open(path)?.take(3).read_to_end(&mut head)?;
    Ok(head.starts_with(b"\xEF\xBB\xBF")
        || head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF"))
}

/// Writes a clean input unchanged to the output file or standard output.
fn copy_clean(input: &Input, output: Option<&PathBuf>) -> anyhow::Result<()> {
    let create =
        |p: &PathBuf| std::fs::File::create(p).with_context(|| format!("creating {}", p.display()));
    match input {
        Input::Text(text) => match output {
            Some(p) => create(p)?.write_all(text.as_bytes())?,
            None => std::io::stdout().lock().write_all(text.as_bytes())?,
        },
        Input::File(path) => {
            let mut file =
                std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
            match output {
                Some(p) => std::io::copy(&mut file, &mut create(p)?),
                None => std::io::copy(&mut file, &mut std::io::stdout().lock()),
            }
            .with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

/// A streamed file is not UTF-8 at `offset`: it is decoded whole instead (Shift_JIS, …).
#[derive(Debug)]
struct NotUtf8 {
    path: PathBuf,
    offset: usize,
}

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: invalid UTF-8 at byte offset {} (the file changed while it was read?)",
            self.path.display(),
            self.offset
        )
    }
}

impl std::error::Error for NotUtf8 {}

/// Calls `f` on each chunk of whole lines of the input; a streamed chunk that is not UTF-8
/// ends it with [`NotUtf8`] (its offset a file offset).
fn for_each_chunk(
    input: &Input,
    chunk_bytes: usize,
    mut f: impl FnMut(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let part_bytes = chunk_bytes.min(LONG_LINE_PART);
    let path = match input {
        Input::Text(text) => {
            for chunk in glyphmend::repair::line_chunks(text, chunk_bytes) {
                for part in bounded(chunk, part_bytes) {
                    f(part)?;
                }
            }
            return Ok(());
        }
        Input::File(path) => path,
    };
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    // Whole lines of about `chunk_bytes`, or heads of a longer line (never held whole).
    let mut parts = Parts::new(file, chunk_bytes).max_head(part_bytes);
    loop {
        match parts.next_part() {
            Ok(Some(chunk)) => {
                for part in bounded(chunk, part_bytes) {
                    f(part)?;
                }
            }
            Ok(None) => return Ok(()),
            Err(PartsError::NotUtf8 { offset }) => {
                return Err(NotUtf8 {
                    path: path.clone(),
                    offset,
                }
                .into());
            }
            Err(PartsError::Io(e)) => {
                return Err(anyhow::Error::new(e).context(format!("reading {}", path.display())));
            }
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tables = load_tables(args.tables.as_ref())?;
    let lm = glyphmend::lm::CharLm::builtin();
    let mut repairer = Repairer::new(&tables, lm);
    repairer.options.min_rule_confidence = args.min_rule_confidence;
    repairer.options.learn = !args.no_learn;
    // First pass: the scan (and the UTF-8 check) before any output; the language model
    // adapts in a second pass only if some line needs repair, so clean text costs the scan
    // alone.
    if let Some(o) = &args.output {
        // Creating the output would truncate the input before it is read again.
        if std::fs::canonicalize(o)
            .ok()
            .is_some_and(|o| std::fs::canonicalize(&args.input).is_ok_and(|i| i == o))
        {
            bail!("{}: the output would overwrite the input", o.display());
        }
    }
    let mut input = Input::open(&args.input, args.lossy)?;
    let mut doc = repairer.document();
    let scanned = for_each_chunk(&input, args.chunk_bytes, |chunk| {
        doc.scan(chunk);
        Ok(())
    });
    if let Err(e) = scanned {
        if e.downcast_ref::<NotUtf8>().is_none() {
            return Err(e);
        }
        // Not UTF-8: decoded whole as every command does (Shift_JIS, EUC-JP, --lossy).
        input = Input::Text(read_text(&args.input, args.lossy)?);
        doc = repairer.document();
        for_each_chunk(&input, args.chunk_bytes, |chunk| {
            doc.scan(chunk);
            Ok(())
        })?;
    }
    if doc.needs_adaptation() {
        for_each_chunk(&input, args.chunk_bytes, |chunk| {
            doc.adapt(chunk);
            Ok(())
        })?;
    }
    // A clean text is its own repair: copied as it is (file to file or to standard output
    // by the kernel where it can: copy_file_range, splice), not read line by line again.
    if !doc.needs_adaptation() && !args.json && !args.explain {
        copy_clean(&input, args.output.as_ref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    let mut explained = Vec::new();
    let mut first_line = 1;
    for_each_chunk(&input, args.chunk_bytes, |chunk| {
        let result = repairer.repair_chunk(&doc, chunk, first_line);
        first_line += memchr::memchr_iter(b'\n', chunk.as_bytes()).count();
        if args.json {
            out.write_all(result.spans_jsonl()?.as_bytes())?;
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
        explain(&repairer, &doc, &explained)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `--explain`: every fix, span and unresolved span with its evidence, then the tables'
/// document-level verdicts and the readings learned from the document, on standard error.
// Long: prints the explanation's sections in order from one set of verdicts.
fn explain(
    repairer: &Repairer<'_>,
    doc: &glyphmend::repair::DocumentModel<'_>,
    explained: &[glyphmend::repair::LineReport],
) -> anyhow::Result<()> {
    let mut err = std::io::stderr().lock();
    for line in explained {
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
    for v in repairer.verdicts(doc) {
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
    for (k, t) in repairer.learned(doc).iter().enumerate() {
        writeln!(
            err,
            "table {} (font {}): {} reading(s) learned from this document's own text (applied where calibrated confidence ≥ {:.2})",
            t.name,
            k + 1,
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
    Ok(())
}
