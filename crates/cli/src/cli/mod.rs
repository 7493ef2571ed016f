//! Subcommands. Each lives in its own file with an `Args` struct and a `run` function.

pub mod extract;
mod lm;
pub mod records;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod batch;
pub mod diff;
pub mod index;
pub mod learn;
pub mod merge;
pub mod parquet;
mod progress;
pub mod repair;
pub mod review;
pub mod search;
pub mod term;

#[derive(Parser)]
#[command(
    name = "glyphmend",
    version,
    about = "Exact text from Japanese PDFs whose fonts lost their ToUnicode"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Repair glyph-ID mojibake in extracted text (one output line per input line).
    #[command(after_help = "Examples:
  pdftotext -raw nyusatsu.pdf - | glyphmend repair           # stdin to stdout
  glyphmend repair extracted.txt -o fixed.txt --explain      # what changed, and why
  glyphmend repair extracted.txt --json                      # spans with confidence")]
    Repair(repair::Args),
    /// Derive mapping tables into mappings/: from PDFs, garbled text, a font file or anchors.
    #[command(after_help = "Examples:
  glyphmend learn pdf pdfs/ --report                  # tables from the PDFs' own ToUnicode
  glyphmend learn text garbled.txt --report           # decipher glyph IDs from text alone
  glyphmend learn font /usr/share/fonts/x.ttf --name x --out mappings/")]
    Learn(Box<learn::Args>),
    /// Character language model: build, score, evaluate.
    Lm(lm::Args),
    /// Budget-program records (JSON lines) from clean text; --eval scores them.
    #[command(after_help = "Examples:
  glyphmend records sheet.pdf                         # one JSON object per program
  glyphmend records --schema                          # the JSON Schema of a record
  glyphmend records sheet.txt --eval expected.jsonl   # field precision and recall")]
    Records(records::Args),
    /// Repaired text of a PDF in reading order (pages separated by form feeds).
    #[command(after_help = "Examples:
  glyphmend extract nyusatsu.pdf                      # text, pages separated by form feeds
  glyphmend extract nyusatsu.pdf --pages 2-3 --json   # glyphs, spans and provenance
  glyphmend extract scan.pdf --font-files /usr/share/fonts/truetype/  # match outlines")]
    Extract(extract::Args),
    /// Repair every PDF and .txt under a directory into corpus, records and a manifest
    /// (exit 3: some inputs failed; 4: some need attention).
    Batch(batch::Args),
    /// Write the static HTML review site of a batch: an index of documents (needs attention
    /// first) and one page per document, PDF pages rendered beside the text.
    #[command(after_help = "Examples:
  glyphmend batch pdfs/ -o out/ && glyphmend review out/   # prints file:///…/out/review.html
  glyphmend review out/ --inputs pdfs/       # the PDFs moved since the batch: where they are now
  glyphmend review out/ --no-images          # text only, no pdftoppm
Open a document page with #threshold=0.95 to flag everything under 0.95.")]
    Review(review::Args),
    /// Show original vs repaired lines of a text file in the terminal.
    #[command(after_help = "Example:
  glyphmend diff extracted.txt | less -R")]
    Diff(diff::Args),
    /// Join the output directories of `batch --shard K/N` runs into one.
    Merge(merge::Args),
    /// Write corpus.parquet and records.parquet of a batch (typed columns for DuckDB, pandas,
    /// Spark).
    Parquet(parquet::Args),
    /// Build the full-text index of a batch's corpus (or export it for OpenSearch).
    #[command(after_help = "Example:
  glyphmend index out/ && glyphmend search out/ \"孤独 孤立\"")]
    Index(index::Args),
    /// Search a batch's index: ranked hits with snippets and source page.
    #[command(after_help = "Examples:
  glyphmend search out/ 課                   # single kanji
  glyphmend search out/ ﾌﾟﾛｾｽ --json        # half-width katakana finds プロセス
  glyphmend search out/ \"地域 福祉\" --any -n 20
  glyphmend search out/ 様式 --all-pages       # identical pages each listed")]
    Search(search::Args),
}

impl Cli {
    /// The command line, parsed. Building the whole definition (every subcommand and its
    /// help texts) costs about as much CPU as extracting a small PDF, so the subcommand the
    /// arguments name is built alone; anything that is not a clean parse there (`--help`,
    /// `--version`, an error) is parsed again by the whole definition, which prints what it
    /// always printed.
    pub fn parse_args() -> Cli {
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        Cli::parse_named(&argv).unwrap_or_else(|| Cli::parse_from(argv))
    }

    /// `argv` parsed by a definition holding only the subcommand `argv[1]` names; `None`
    /// when it names none or does not parse there.
    fn parse_named(argv: &[std::ffi::OsString]) -> Option<Cli> {
        use clap::FromArgMatches;
        let name = argv.get(1)?.to_str()?;
        let sub = subcommand_alone(name)?;
        let matches = clap::Command::new("glyphmend")
            .subcommand(sub)
            .try_get_matches_from(argv)
            .ok()?;
        Cli::from_arg_matches(&matches).ok()
    }
}

/// Subcommand `name`, built alone with its arguments as the derived definition builds them
/// (its own help texts are the whole definition's).
fn subcommand_alone(name: &str) -> Option<clap::Command> {
    use clap::{Args, Command};
    const NAMES: [&str; 12] = [
        "repair", "learn", "lm", "records", "extract", "batch", "review", "diff", "merge",
        "parquet", "index", "search",
    ];
    let name = *NAMES.iter().find(|n| **n == name)?;
    let cmd = Command::new(name);
    Some(match name {
        "repair" => repair::Args::augment_args(cmd),
        "learn" => learn::Args::augment_args(cmd),
        "lm" => lm::Args::augment_args(cmd),
        "records" => records::Args::augment_args(cmd),
        "extract" => extract::Args::augment_args(cmd),
        "batch" => batch::Args::augment_args(cmd),
        "review" => review::Args::augment_args(cmd),
        "diff" => diff::Args::augment_args(cmd),
        "merge" => merge::Args::augment_args(cmd),
        "parquet" => parquet::Args::augment_args(cmd),
        "index" => index::Args::augment_args(cmd),
        _ => search::Args::augment_args(cmd),
    })
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Repair(a) => repair::run(a),
        Command::Learn(a) => learn::run(*a),
        Command::Lm(args) => lm::run(args),
        Command::Records(args) => records::run(args),
        Command::Extract(a) => extract::run(a),
        Command::Batch(a) => batch::run(a),
        Command::Review(a) => review::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Index(a) => index::run(a),
        Command::Parquet(a) => parquet::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Search(a) => search::run(a),
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::{CommandFactory, Parser};

    /// What parses a command's arguments: each argument's definition and each nested
    /// subcommand's, recursively (help texts of the subcommand itself left out).
    fn parsing(cmd: &clap::Command) -> String {
        let mut out = String::new();
        for arg in cmd.get_arguments() {
            out.push_str(&format!("{arg:?}\n"));
        }
        for g in cmd.get_groups() {
            out.push_str(&format!("{g:?}\n"));
        }
        for sub in cmd.get_subcommands() {
            out.push_str(&format!("[{}]\n{}", sub.get_name(), parsing(sub)));
        }
        out
    }

    /// Every subcommand is built alone exactly as the whole definition builds it, so a
    /// command line parses alike either way.
    #[test]
    fn each_subcommand_alone_parses_as_in_the_whole_definition() {
        let whole = Cli::command();
        let mut n = 0;
        for sub in whole.get_subcommands() {
            let name = sub.get_name();
            let alone = super::subcommand_alone(name)
                .unwrap_or_else(|| panic!("subcommand {name} is not built alone"));
            assert_eq!(parsing(&alone), parsing(sub), "subcommand {name}");
            n += 1;
        }
        assert!(n >= 12, "only {n} subcommands");
        let argv = |s: &str| -> Vec<std::ffi::OsString> { s.split(' ').map(Into::into).collect() };
        assert!(Cli::parse_named(&argv("glyphmend extract a.pdf --json")).is_some());
        assert!(Cli::parse_named(&argv("glyphmend learn text garbled.txt --report")).is_some());
        // Help, version and errors are left to the whole definition.
        for line in [
            "glyphmend extract --help",
            "glyphmend --version",
            "glyphmend extract",
            "glyphmend nope a",
        ] {
            assert!(Cli::parse_named(&argv(line)).is_none(), "{line}");
        }
    }

    /// The words of a shell command line: whitespace-separated, `"…"` kept whole.
    fn words(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                c if c.is_whitespace() && !quoted => {
                    if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                }
                c => cur.push(c),
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    /// Every `glyphmend …` example in a subcommand's `--help` (nested ones, as `learn pdf`,
    /// included) parses as written (comments after `#`, and other commands after `&&` or
    /// `|`, left out).
    #[test]
    fn every_help_example_parses() {
        let cmd = Cli::command();
        let mut checked = 0;
        let mut subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
        while let Some(sub) = subs.pop() {
            subs.extend(sub.get_subcommands());
            let Some(help) = sub.get_after_help() else {
                continue;
            };
            for line in help.to_string().lines() {
                for part in line.split("&&").flat_map(|p| p.split('|')) {
                    let part = part.split(" #").next().unwrap_or("").trim();
                    if !part.starts_with("glyphmend ") {
                        continue;
                    }
                    let args = words(part);
                    if let Err(e) = Cli::try_parse_from(&args) {
                        panic!(
                            "example `{part}` of `{}` does not parse: {e}",
                            sub.get_name()
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 20, "only {checked} examples found");
    }
}
