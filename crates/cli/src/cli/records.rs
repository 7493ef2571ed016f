//! `glyphmend records FILE...`: program records as JSON lines, or `--eval EXPECTED.jsonl` to
//! score them field by field against hand-labelled records.

use anyhow::Context;
use glyphmend::pipeline::Pipeline;
use glyphmend::segment::{self, SourceInfo, eval};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// PDFs or text files (UTF-8, UTF-16, Shift_JIS, EUC-JP; pages separated by form feeds),
    /// read as every command reads them (PDFs extracted, text repaired). Several files are
    /// read as consecutive parts of one document: list rows join sheets across them.
    #[arg(required_unless_present = "schema")]
    pub files: Vec<PathBuf>,
    /// Print the JSON Schema of one record (generated from the record types) and exit.
    #[arg(long, conflicts_with_all = ["eval", "files"])]
    pub schema: bool,
    /// Score against expected records (JSON lines) instead of printing records.
    #[arg(long, value_name = "EXPECTED.jsonl")]
    pub eval: Option<PathBuf>,
    /// With --eval: print the report as JSON, including missed and spurious facts.
    #[arg(long)]
    pub json: bool,
    /// With --eval: exit 1 when overall precision or recall is below this percentage.
    #[arg(long, value_name = "PERCENT")]
    pub min: Option<f64>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.schema {
        print!("{}", glyphmend::pipeline::records_schema());
        return Ok(ExitCode::SUCCESS);
    }
    let pipeline = Pipeline::builtin()?;
    let mut docs = Vec::new();
    for path in &args.files {
        docs.push(pipeline.read(path)?);
    }
    let records = match docs.as_slice() {
        [doc] => glyphmend::pipeline::records(doc),
        _ => {
            let texts: Vec<(String, SourceInfo)> = docs
                .iter()
                .map(|d| (d.text(), SourceInfo::new(d.name.clone())))
                .collect();
            let documents: Vec<(&str, SourceInfo)> =
                texts.iter().map(|(t, s)| (t.as_str(), s.clone())).collect();
            segment::records_from_documents(&documents)
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let Some(expected_path) = args.eval else {
        for r in &records {
            serde_json::to_writer(&mut out, r)?;
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let shown = expected_path.display().to_string();
    let expected_text =
        std::fs::read_to_string(&expected_path).with_context(|| format!("reading {shown}"))?;
    let expected = eval::read_expected(&shown, &expected_text)?;
    let report = eval::evaluate(&expected, &records);
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.table())?;
        for (field, value) in &report.missed {
            writeln!(out, "missed   {field}: {value}")?;
        }
        for (field, value) in &report.spurious {
            writeln!(out, "spurious {field}: {value}")?;
        }
    }
    if let Some(min) = args.min {
        let p = 100.0 * report.overall.precision();
        let r = 100.0 * report.overall.recall();
        if p < min || r < min {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
