//! Merging the output directories of a sharded batch (`batch --shard K/N`, one per shard,
//! on as many machines as a scheduler gives) into the directory one `batch` over all the
//! inputs would have written.
//!
//! Invariants:
//! - Every shard must be finished (a manifest and no journal) and made with the same tables
//!   and model (`tables_version`, `model_sha256`); otherwise nothing is written.
//! - Inputs are merged in path order, as `batch` orders them; an input in two shards is an
//!   error. Corpus lines and per-document records are read back from each shard's documents
//!   (whose files are written again by the same writers, or moved when the shards are
//!   consumed: [`TakeDocs`]), and list rows and sheets are joined across all
//!   shards' inputs (`segment::join_batch`), so `corpus.jsonl`, `records.jsonl`,
//!   `manifest.json` and `needs_attention.json` equal the unsharded batch's.
//! - The merged manifest is written last (as `batch` does): a merge killed before it leaves no
//!   manifest, and a rerun does it again.

use super::manifest::{InputEntry, Manifest, NeedsAttention, Summary};
use super::{BatchError, lock};
use crate::export::OutDir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What [`merge`] wrote.
#[derive(Debug, Clone)]
pub struct MergeReport {
    /// The merged manifest (also in `OUT/manifest.json`).
    pub manifest: Manifest,
    /// Failed inputs and inputs needing attention (also in `needs_attention.json`).
    pub needs_attention: NeedsAttention,
}

fn refuse(shard: &Path, why: impl std::fmt::Display) -> BatchError {
    BatchError::Merge {
        path: shard.to_path_buf(),
        reason: why.to_string(),
    }
}

/// How a merge takes each document's files (`docs/<path>/`) from its shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TakeDocs {
    /// Written again from what was read: the shards stay as they were (a shard can be
    /// resumed or merged again).
    #[default]
    Copy,
    /// Moved (renamed) into OUT, falling back to [`TakeDocs::Copy`] across file systems:
    /// for parts that are removed after the merge (`glyphmend.dask`). Creating a file costs
    /// far more than renaming one, and a merge is the serial end of a distributed batch.
    Move,
}

/// Merges the finished shard directories `shards` into `out` (created; not one of them),
/// leaving the shards as they were.
pub fn merge(shards: &[PathBuf], out_dir: &Path) -> Result<MergeReport, BatchError> {
    merge_with(shards, out_dir, TakeDocs::Copy)
}

/// [`merge`], taking each document's files from its shard as `take` says.
pub fn merge_with(
    shards: &[PathBuf],
    out_dir: &Path,
    take: TakeDocs,
) -> Result<MergeReport, BatchError> {
    let manifests = shard_manifests(shards, out_dir)?;
    let base = &manifests[0];
    let inputs = merged_inputs(shards, &manifests)?;
    let mut skipped: Vec<_> = manifests.iter().flat_map(|m| m.skipped.clone()).collect();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.dedup_by(|a, b| a.path == b.path);

    let out = OutDir::new(out_dir);
    out.create()?;
    let _lock = lock(out_dir)?;
    let mut corpus = Vec::new();
    let mut records = Vec::new();
    for (e, k) in &inputs {
        if e.status.has_outputs() {
            let from = OutDir::new(&shards[*k]);
            let (doc, recs) = from
                .read_doc(&e.path)
                .map_err(|err| refuse(&shards[*k], format!("outputs of {}: {err}", e.path)))?;
            let moved = take == TakeDocs::Move && out.adopt_doc(&from, &e.path)?;
            if !moved {
                out.write_doc(&doc, &recs)?;
            }
            corpus.extend(doc.corpus_lines());
            records.extend(recs);
        }
    }
    let inputs: Vec<_> = inputs.into_iter().map(|(e, _)| e).collect();
    let manifest = Manifest {
        format: base.format,
        tool: base.tool.clone(),
        tables_version: base.tables_version.clone(),
        tables: base.tables.clone(),
        model_sha256: base.model_sha256.clone(),
        summary: Summary::of(&inputs, skipped.len()),
        inputs,
        skipped,
    };
    let written: Vec<&str> = manifest
        .inputs
        .iter()
        .filter(|e| e.status.has_outputs())
        .map(|e| e.path.as_str())
        .collect();
    out.sync_docs(&written)?;
    let needs_attention = NeedsAttention::of(&manifest);
    out.commit(&crate::export::outdir::Aggregates {
        corpus: &corpus,
        records: &crate::segment::join_batch(records),
        needs_attention: &needs_attention,
        manifest: &manifest,
    })?;
    Ok(MergeReport {
        manifest,
        needs_attention,
    })
}

/// The manifests of `shards`: each finished, none of them `out_dir`, all made with the same
/// tables and model (at least one).
fn shard_manifests(shards: &[PathBuf], out_dir: &Path) -> Result<Vec<Manifest>, BatchError> {
    let Some(first) = shards.first() else {
        return Err(refuse(out_dir, "no shard directories to merge"));
    };
    let mut manifests = Vec::with_capacity(shards.len());
    for s in shards {
        if let (Ok(a), Ok(b)) = (s.canonicalize(), out_dir.canonicalize())
            && a == b
        {
            return Err(refuse(s, "the output directory is one of the shards"));
        }
        let dir = OutDir::new(s);
        if dir.journal_path().exists() {
            return Err(refuse(
                s,
                "this shard is unfinished (journal.jsonl present): rerun its batch first",
            ));
        }
        if let Some(why) = dir.commit_problem() {
            return Err(refuse(
                s,
                format!("this shard is unfinished ({why}): rerun its batch first"),
            ));
        }
        let m = dir.read_manifest().map_err(|e| {
            refuse(
                s,
                format!("no readable manifest ({e}): not a finished batch"),
            )
        })?;
        manifests.push(m);
    }
    let base = &manifests[0];
    for (s, m) in shards.iter().zip(&manifests) {
        if m.tables_version != base.tables_version || m.model_sha256 != base.model_sha256 {
            return Err(refuse(
                s,
                format!(
                    "made with other tables or model than {} (tables {} vs {}): rerun the shards with the same glyphmend, --tables and --font-files",
                    first.display(),
                    short(&m.tables_version),
                    short(&base.tables_version)
                ),
            ));
        }
    }
    Ok(manifests)
}

/// Inputs in path order, each with the shard that holds its outputs; an input in two
/// shards is an error.
fn merged_inputs(
    shards: &[PathBuf],
    manifests: &[Manifest],
) -> Result<Vec<(InputEntry, usize)>, BatchError> {
    let mut inputs = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (k, m) in manifests.iter().enumerate() {
        for e in &m.inputs {
            if let Some(other) = seen.insert(e.path.clone(), k) {
                return Err(refuse(
                    &shards[k],
                    format!(
                        "input {} is also in {}: shards must not overlap",
                        e.path,
                        shards[other].display()
                    ),
                ));
            }
            inputs.push((e.clone(), k));
        }
    }
    inputs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    Ok(inputs)
}

fn short(version: &str) -> &str {
    version.get(..12).unwrap_or(version)
}

/// Which of `n` shards an input (its `/`-separated path relative to the batch directory)
/// belongs to: stable across machines and runs, and about even in count.
pub fn shard_of(rel: &str, n: usize) -> usize {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(rel.as_bytes());
    let v = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    (v % n.max(1) as u64) as usize
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("bad shard `{s}`: expected K/N, e.g. 2/8"))?;
    let k: usize = k
        .trim()
        .parse()
        .map_err(|_| format!("bad shard `{s}`: K is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("bad shard `{s}`: N is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("bad shard `{s}`: need 1 ≤ K ≤ N"));
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_inputs_evenly_and_stably() {
        let n = 4;
        let mut counts = [0usize; 4];
        for i in 0..4000 {
            let rel = format!("dir/{i}.pdf");
            let s = shard_of(&rel, n);
            assert_eq!(s, shard_of(&rel, n));
            counts[s] += 1;
        }
        assert!(
            counts.iter().all(|&c| (850..=1150).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
        assert!(parse_shard("0/8").is_err());
        assert!(parse_shard("9/8").is_err());
        assert!(parse_shard("x").is_err());
    }
}
