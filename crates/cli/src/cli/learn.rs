//! `glyphmend learn MODE`: derive mapping tables and write them into `mappings/` (or `--out`).
//!
//! One subcommand per source of evidence: `pdf` (votes across a PDF corpus), `text`
//! (decipherment of garbled text), `font` (a font file's own cmap), `anchors` (known
//! glyph/character pairs). The flag forms of earlier versions (`learn --pdf PATHS…`,
//! `--text`, `--font`, `--anchors`) still parse, hidden from `--help`, and run the same
//! subcommand ([`Legacy::into_mode`]).

use anyhow::{Context, bail};
use clap::{Args as ClapArgs, Subcommand};
use glyphmend::learn::{anchors, font_file};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(ClapArgs)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub mode: Option<Mode>,
    #[command(flatten)]
    pub legacy: Legacy,
}

/// Where the evidence comes from.
#[derive(Subcommand)]
pub enum Mode {
    /// One table per font from the votes of trusted ToUnicode entries and embedded cmaps
    /// across PDFs (one document's ToUnicode repairs another's of the same font).
    #[command(after_help = "Examples:
  glyphmend learn pdf pdfs/ --report                  # tables from the PDFs' own ToUnicode
  glyphmend learn pdf pdfs/ --out tables/ --family MS-Mincho,MS-PMincho --pool-versions
  glyphmend learn pdf pdfs/ --exclude pdfs/test.pdf --leave-one-out   # held-out agreement")]
    Pdf(PdfArgs),
    /// Tables deciphered from garbled text alone (no mapping, no anchors needed).
    #[command(after_help = "Examples:
  glyphmend learn text garbled.txt --report           # decipher glyph IDs from text alone
  glyphmend learn text garbled.txt --truth clean.txt  # and measure the CER against truth")]
    Text(TextArgs),
    /// An exact table from a font file's own cmap (a font you have).
    #[command(after_help = "Example:
  glyphmend learn font /usr/share/fonts/x.ttf --name x --out mappings/")]
    Font(FontArgs),
    /// A repertoire-order table fitted to anchors (`anchor gid=… char=…` lines).
    #[command(after_help = "Example:
  glyphmend learn anchors seed.anchors --name seed --basefont MS-Mincho --out mappings/")]
    Anchors(AnchorsArgs),
}

/// The table written: its name, description, fonts and directory.
#[derive(ClapArgs)]
pub struct TableArgs {
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

/// `learn pdf`.
#[derive(ClapArgs)]
pub struct PdfArgs {
    /// PDFs or directories of PDFs (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "mappings")]
    pub out: PathBuf,
    /// Print per table: coverage, conflicts, and families' measured agreement.
    #[arg(long)]
    pub report: bool,
    /// Only voted glyphs, no repertoire-order blocks fitted to the votes.
    #[arg(long)]
    pub no_generalize: bool,
    /// BaseFonts that share glyph IDs (comma-separated, repeatable), pooled into one table
    /// named after the first. `--report` prints their measured agreement.
    #[arg(long = "family")]
    pub family: Vec<String>,
    /// Fonts (comma-separated, repeatable; a family's first) whose votes may confirm each
    /// other's extrapolated entries in doubt.
    #[arg(long)]
    pub corroborate: Vec<String>,
    /// Pool the versions (glyph counts) of a font into one table.
    #[arg(long)]
    pub pool_versions: bool,
    /// Write tables only for these BaseFonts (comma-separated; a family's first).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Leave files out of the votes (the held-out test documents), by content.
    #[arg(long = "exclude", num_args = 1..)]
    pub exclude: Vec<PathBuf>,
    /// Print leave-one-document-out agreement and coverage per table.
    #[arg(long)]
    pub leave_one_out: bool,
    /// Mark the tables usable by plain-text `repair` (default: PDF-only, `text=no`).
    #[arg(long)]
    pub text_repair: bool,
}

/// `learn text`.
#[derive(ClapArgs)]
pub struct TextArgs {
    /// Garbled text files to learn tables from.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub table: TableArgs,
    /// Print per table: coverage, entries in doubt, agreement between sources.
    #[arg(long)]
    pub report: bool,
    /// Measure: repair the first file with the learned tables only and print the CER
    /// against this truth file.
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Pure one-to-one assignment, no repertoire-order search.
    #[arg(long)]
    pub no_order_fit: bool,
}

/// `learn font`.
#[derive(ClapArgs)]
pub struct FontArgs {
    /// Font file (.ttf/.ttc/.otf).
    pub file: PathBuf,
    #[command(flatten)]
    pub table: TableArgs,
}

/// `learn anchors`.
#[derive(ClapArgs)]
pub struct AnchorsArgs {
    /// Anchors file (`anchor gid=… char=…` lines).
    pub file: PathBuf,
    #[command(flatten)]
    pub table: TableArgs,
}

/// The flag forms of earlier versions (`learn --pdf PATHS…` and so on), hidden from
/// `--help`; each runs the subcommand of the same name.
#[derive(ClapArgs)]
pub struct Legacy {
    #[arg(long, hide = true)]
    anchors: Option<PathBuf>,
    #[arg(long, hide = true)]
    font: Option<PathBuf>,
    #[arg(long = "pdf", num_args = 1.., hide = true)]
    pdf: Vec<PathBuf>,
    #[arg(long = "text", num_args = 1.., hide = true)]
    text: Vec<PathBuf>,
    #[arg(long, hide = true)]
    name: Option<String>,
    #[arg(long, hide = true)]
    description: Option<String>,
    #[arg(long, hide = true)]
    basefont: Option<String>,
    #[arg(long, default_value = "mappings", hide = true)]
    out: PathBuf,
    #[arg(long, hide = true)]
    report: bool,
    #[arg(long, hide = true)]
    truth: Option<PathBuf>,
    #[arg(long, hide = true)]
    no_order_fit: bool,
    #[arg(long, hide = true)]
    no_generalize: bool,
    #[arg(long = "family", hide = true)]
    family: Vec<String>,
    #[arg(long, hide = true)]
    corroborate: Vec<String>,
    #[arg(long, hide = true)]
    pool_versions: bool,
    #[arg(long, value_delimiter = ',', hide = true)]
    only: Vec<String>,
    #[arg(long = "exclude", num_args = 1.., hide = true)]
    exclude: Vec<PathBuf>,
    #[arg(long, hide = true)]
    leave_one_out: bool,
    #[arg(long, hide = true)]
    text_repair: bool,
}

impl Legacy {
    /// The subcommand the flags name, in the precedence the flag form had: `--pdf`,
    /// `--text`, `--font`, `--anchors`.
    fn into_mode(self) -> anyhow::Result<Mode> {
        let table = TableArgs {
            name: self.name,
            description: self.description,
            basefont: self.basefont,
            out: self.out.clone(),
        };
        Ok(if !self.pdf.is_empty() {
            Mode::Pdf(PdfArgs {
                paths: self.pdf,
                out: self.out,
                report: self.report,
                no_generalize: self.no_generalize,
                family: self.family,
                corroborate: self.corroborate,
                pool_versions: self.pool_versions,
                only: self.only,
                exclude: self.exclude,
                leave_one_out: self.leave_one_out,
                text_repair: self.text_repair,
            })
        } else if !self.text.is_empty() {
            Mode::Text(TextArgs {
                files: self.text,
                table,
                report: self.report,
                truth: self.truth,
                no_order_fit: self.no_order_fit,
            })
        } else if let Some(file) = self.font {
            Mode::Font(FontArgs { file, table })
        } else if let Some(file) = self.anchors {
            Mode::Anchors(AnchorsArgs { file, table })
        } else {
            bail!(
                "nothing to learn from: give a source, `glyphmend learn pdf|text|font|anchors …` \
                 (see `glyphmend learn --help`)"
            )
        })
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mode = match args.mode {
        Some(m) => m,
        None => args.legacy.into_mode()?,
    };
    match mode {
        Mode::Pdf(a) => run_pdf(&a),
        Mode::Text(a) => run_text(&a),
        Mode::Font(a) => run_font(&a),
        Mode::Anchors(a) => run_anchors(&a),
    }
}

/// `learn anchors`: a repertoire-order table fitted to anchors.
fn run_anchors(a: &AnchorsArgs) -> anyhow::Result<ExitCode> {
    let (path, args) = (&a.file, &a.table);
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

/// `learn font`: an exact table from a font file the user owns.
fn run_font(a: &FontArgs) -> anyhow::Result<ExitCode> {
    let (font, args) = (&a.file, &a.table);
    let mut table =
        font_file::learn_font_file(font, args.name.as_deref(), args.basefont.as_deref())
            .with_context(|| format!("learning from {}", font.display()))?;
    if let Some(d) = &args.description {
        table.description = d.clone();
    }
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

/// `learn pdf`: tables from votes across a PDF corpus ([`from_pdfs::learn_pdf`]).
fn run_pdf(args: &PdfArgs) -> anyhow::Result<ExitCode> {
    use glyphmend::learn::from_pdfs::{self, LearnPdfOptions, LeftOut};
    use glyphmend::learn::pdf_votes::VoteOptions;
    let split = |v: &[String]| -> Vec<Vec<String>> {
        v.iter()
            .map(|f| f.split(',').map(str::to_string).collect())
            .collect()
    };
    let options = LearnPdfOptions {
        votes: VoteOptions {
            generalize: !args.no_generalize,
            families: split(&args.family),
            pool_versions: args.pool_versions,
            text: args.text_repair,
            corroborate: split(&args.corroborate),
            ..Default::default()
        },
        only: args.only.clone(),
        exclude: args.exclude.clone(),
    };
    let learned = from_pdfs::learn_pdf_with(&args.paths, &options, &mut |f, why| match why {
        LeftOut::HeldOut => eprintln!("held out: {}", f.display()),
        LeftOut::Duplicate => eprintln!("duplicate left out: {}", f.display()),
    })?;
    from_pdfs::create_dir(&args.out)?;
    for t in &learned.tables {
        let dest = t.write(&args.out)?;
        let l = &t.learned;
        eprintln!(
            "{}: {} glyphs mapped ({} voted, {} in conflict, {} from fitted blocks)",
            dest.display(),
            l.table.len(),
            l.voted,
            l.conflicts.len(),
            l.generalized
        );
    }
    for (f, why) in &learned.corpus.failures {
        eprintln!("warning: {f}: {why}");
    }
    if args.report {
        print!("{}", learned.report());
    }
    if args.leave_one_out {
        println!("table\tdocument\tvoted\tpredicted\tagreed\tagreement\tcoverage");
        for l in learned.tables.iter().map(|t| &t.learned) {
            let (mut v, mut p, mut a) = (0, 0, 0);
            for h in learned.corpus.leave_one_out(&l.key, &learned.votes, 0.5)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{:.4}\t{:.4}",
                    l.table.name,
                    h.document,
                    h.voted,
                    h.predicted,
                    h.agreed,
                    h.agreed as f64 / h.predicted.max(1) as f64,
                    h.predicted as f64 / h.voted.max(1) as f64
                );
                for (g, got, want) in &h.wrong {
                    eprintln!(
                        "  {} {}: gid {g:04X} predicted {got} voted {want}",
                        l.table.name, h.document
                    );
                }
                (v, p, a) = (v + h.voted, p + h.predicted, a + h.agreed);
            }
            println!(
                "{}\tALL\t{v}\t{p}\t{a}\t{:.4}\t{:.4}",
                l.table.name,
                a as f64 / p.max(1) as f64,
                p as f64 / v.max(1) as f64
            );
        }
    }
    if learned.tables.is_empty() {
        eprintln!(
            "no font in these documents has a trusted ToUnicode or an embedded cmap: nothing learned"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `learn text`: decipher tables from garbled text.
// Long: arguments, learning and its report in sequence, as the command prints them.
fn run_text(a: &TextArgs) -> anyhow::Result<ExitCode> {
    let args = &a.table;
    use glyphmend::learn::{decipher, merge};
    let mut sources = Vec::new();
    for p in &a.files {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        sources.push(decipher::Source {
            name: p.display().to_string(),
            text,
        });
    }
    // Sources sorted by name: the result does not depend on the order they were given in.
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    let name = args.name.clone().unwrap_or_else(|| "learned".to_string());
    let lm = glyphmend::lm::CharLm::builtin();
    let options = decipher::Options {
        order_fit: !a.no_order_fit,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let learned = decipher::learn(&name, &sources, lm, &options)?;
    let elapsed = started.elapsed();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for t in &learned.tables {
        let mut t = t.clone();
        if let Some(d) = &args.description {
            t.description = d.clone();
        }
        if let Some(b) = &args.basefont {
            t.basefonts = b.split(',').map(str::to_string).collect();
        }
        let dest = args.out.join(format!("{}.table", t.name));
        let mut body = format!(
            "# learned from garbled text: {}\n",
            sources
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        body.push_str(&t.to_text());
        std::fs::write(&dest, body).with_context(|| format!("writing {}", dest.display()))?;
        eprintln!(
            "{}: {} rules, {} glyphs mapped",
            dest.display(),
            t.rules.len(),
            t.len()
        );
    }
    eprintln!("learned in {:.1} s", elapsed.as_secs_f64());
    if a.report {
        let mut per_source = Vec::new();
        if sources.len() > 1 {
            for s in &sources {
                let l = decipher::learn(&name, std::slice::from_ref(s), lm, &options)?;
                per_source.push((s.name.clone(), l));
            }
        }
        print!("{}", merge::report(&learned, &per_source));
    }
    if let Some(truth_path) = &a.truth {
        let truth = std::fs::read_to_string(truth_path)
            .with_context(|| format!("reading {}", truth_path.display()))?;
        let input = &sources
            .iter()
            .find(|s| Some(s.name.as_str()) == a.files.first().and_then(|p| p.to_str()))
            .unwrap_or(&sources[0])
            .text;
        let set = glyphmend::tables::TableSet {
            tables: learned.tables.clone(),
        };
        let out = glyphmend::repair::Repairer::new(&set, lm)
            .repair_text(input)
            .text;
        let ev = glyphmend::eval::evaluate(input, &out, &truth);
        for (n, got, want) in ev.wrong_lines.iter().take(40) {
            eprintln!("line {n}\n  got:  {got}\n  want: {want}");
        }
        println!(
            "CER on garbled lines: {:.4} (input {:.4}); {} garbled lines, {} chars; clean lines changed: {}",
            ev.cer(),
            ev.input_cer(),
            ev.garbled_lines,
            ev.garbled_chars,
            ev.clean_lines_changed
        );
    }
    Ok(ExitCode::SUCCESS)
}
