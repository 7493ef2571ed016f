//! What a batch run's outputs depend on besides its inputs — tables, model, font files,
//! options — hashed into the version the manifest records; resume redoes an input whose
//! version differs.

use super::manifest::{InputEntry, TableVersion};
use super::{BatchError, BatchOptions, JournalLine};
use crate::export::outdir::OutDir;
use crate::pipeline::Pipeline;
use crate::tables::TableSet;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What a run's outputs depend on besides its inputs, as the manifest records it.
pub(super) struct RunVersions {
    /// Everything that can change what an input reads as: resume redoes an input when it
    /// differs.
    pub(super) tables_version: String,
    pub(super) table_versions: Vec<TableVersion>,
    pub(super) model_sha256: String,
}

/// The run's versions; loads `--font-files` into the pipeline (they are part of them).
pub(super) fn run_versions(
    opts: &BatchOptions,
    pipeline: &mut Pipeline,
) -> Result<RunVersions, BatchError> {
    let (mut tables_version, table_versions, model_sha256) =
        if opts.extra_tables.is_none() && !opts.learn_fonts {
            builtin_versions(pipeline)
        } else {
            versions(pipeline.tables(), &pipeline.lm.to_bytes())
        };
    let mut fold = |part: &[u8]| {
        let mut h = Sha256::new();
        h.update(tables_version.as_bytes());
        h.update(part);
        tables_version = hex::encode(h.finalize());
    };
    if !opts.font_files.is_empty() {
        let ix = crate::tables::outlines::OutlineIndex::from_paths(&opts.font_files)?;
        // Other font files can change what PDFs read as: part of the version resume checks.
        let mut faces = String::new();
        for (file, face) in &ix.faces {
            let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
            faces.push_str(&format!("{}#{face}:{len}\n", file.display()));
        }
        fold(faces.as_bytes());
        pipeline.options.outlines = Some(std::sync::Arc::new(ix));
    }
    if !opts.learn {
        // Without self-learning the same input can read differently: not a resumable run.
        fold(b"no-learn\n");
    }
    if let Some(ocr) = &opts.ocr {
        // Scans read or not read: outputs differ, so a run with other OCR settings redoes them.
        fold(ocr.fingerprint().as_bytes());
    }
    Ok(RunVersions {
        tables_version,
        table_versions,
        model_sha256,
    })
}

/// The previous run's entries that this run may resume: its manifest's (same version) and
/// those a killed run finished after it (the journal; later lines win).
pub(super) fn previous_entries(out: &OutDir, tables_version: &str) -> HashMap<String, InputEntry> {
    let mut previous: HashMap<String, InputEntry> = out
        .previous_manifest()
        .filter(|m| m.tables_version == tables_version)
        .map(|m| m.inputs.into_iter().map(|e| (e.path.clone(), e)).collect())
        .unwrap_or_default();
    for l in out.read_journal::<JournalLine>() {
        if l.tables_version == tables_version {
            previous.insert(l.entry.path.clone(), l.entry);
        }
    }
    previous
}

/// sha256 over crate version, tables (sorted by name) and model; per-table hashes.
/// [`versions`] of the built-in tables and model, computed once per process: a scheduler
/// runs one small batch per document in the same worker, and hashing every table's text
/// and the model each time cost ten times the document. The shipped tables' and model's
/// hashes come from `build.rs`: rendering each table to text cost a batch 0.2 CPU-s before
/// its first input.
fn builtin_versions(pipeline: &Pipeline) -> (String, Vec<TableVersion>, String) {
    static BUILTIN: std::sync::OnceLock<(String, Vec<TableVersion>, String)> =
        std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| {
            let model = pipeline
                .lm
                .is_builtin()
                .then_some(crate::lm::BUILTIN_SHA256);
            versions_with(pipeline.tables(), &pipeline.lm.to_bytes(), model, |t| {
                crate::tables::BUILTIN_TEXT_SHA256
                    .iter()
                    .find(|(name, _)| *name == t.name)
                    .map(|(_, h)| (*h).to_string())
            })
        })
        .clone()
}

pub(super) fn versions(tables: &TableSet, model: &[u8]) -> (String, Vec<TableVersion>, String) {
    versions_with(tables, model, None, |_| None)
}

/// [`versions`] with hashes known beforehand: the model's (`model_sha256`) and a table's
/// text's (`known`, else its text is rendered and hashed).
fn versions_with(
    tables: &TableSet,
    model: &[u8],
    model_sha256: Option<&str>,
    known: impl Fn(&crate::tables::FontTable) -> Option<String>,
) -> (String, Vec<TableVersion>, String) {
    let mut sorted: Vec<_> = tables.tables.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut all = Sha256::new();
    all.update(b"glyphmend ");
    all.update(env!("CARGO_PKG_VERSION").as_bytes());
    all.update([0]);
    let mut per_table = Vec::new();
    for t in sorted {
        let h = known(t).unwrap_or_else(|| hex::encode(Sha256::digest(t.to_text().as_bytes())));
        all.update(t.name.as_bytes());
        all.update([0]);
        all.update(h.as_bytes());
        all.update([0]);
        per_table.push(TableVersion {
            name: t.name.clone(),
            sha256: h,
            rules: t.rules.len(),
        });
    }
    let model_sha = model_sha256.map_or_else(|| hex::encode(Sha256::digest(model)), str::to_string);
    all.update(b"model ");
    all.update(model_sha.as_bytes());
    (hex::encode(all.finalize()), per_table, model_sha)
}
