//! [`OutDir`]: the one owner of a batch output directory's layout.
//!
//! ```text
//! OUT/manifest.json            every input, status, versions (export::manifest::Manifest)
//! OUT/needs_attention.json     failed inputs and inputs needing attention
//! OUT/timings.json             durations of the last run (not deterministic)
//! OUT/corpus.jsonl             one line per page of every input that went through
//! OUT/records.jsonl            program records of all inputs (schema/records.schema.json)
//! OUT/journal.jsonl            inputs finished by a run not yet committed by its manifest
//! OUT/commit.json              sha256 of the four files above it
//! OUT/.committed -> .commit-HASH  the files above are links through it (one commit)
//! OUT/.glyphmend.lock          held by the batch writing OUT
//! OUT/docs/<input>/doc.json    the document (single source of truth for the files beside it)
//! OUT/docs/<input>/repaired.txt, spans.json, records.jsonl
//! OUT/index/                   full-text index (`glyphmend index`)
//! OUT/review.html              review site's index (`glyphmend review`)
//! OUT/review/                  its document pages and page images (export::review)
//! ```
//!
//! The four aggregate files (`corpus.jsonl`, `records.jsonl`, `needs_attention.json`,
//! `manifest.json`) and `commit.json` (their hashes) are one commit ([`OutDir::commit`]):
//! on Unix they live in `OUT/.commit-HASH/`, OUT's names link to them through the
//! `OUT/.committed` link, and one rename switches all five, so a killed batch leaves the
//! previous commit or the new one, whole (see the `commit` module). Files that do not match
//! `commit.json` (changed by hand, or an OUT of plain files from an older version killed
//! between them) are found by [`OutDir::commit_problem`]; readers warn, the next batch
//! rewrites them from the per-document outputs.
//!
//! Invariant: no other module spells these names; every write goes through
//! [`super::write_atomic`] / [`super::write_replace`] / [`super::stage`]. Files are synced
//! before what commits them, except in a [`OutDir::scratch`] directory (a part to merge).

use super::corpus::{CorpusLine, DocResult, SpanRecord};
use super::manifest::{Manifest, NeedsAttention, Timings};
use super::{ExportError, Result, read_json, stage, to_json_pretty};
use crate::segment::ProgramRecord;
use std::path::{Path, PathBuf};

/// A file of one document's output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFile {
    /// `repaired.txt`: the final text, pages separated by form feeds.
    Text,
    /// `spans.json`: the repaired spans.
    Spans,
    /// `records.jsonl`: the document's program records.
    Records,
    /// `doc.json`: the document; written last, its presence means the others are complete.
    Doc,
}

impl DocFile {
    /// Every file, in the order they are written.
    pub const ALL: [DocFile; 4] = [
        DocFile::Text,
        DocFile::Spans,
        DocFile::Records,
        DocFile::Doc,
    ];

    /// The file's name.
    pub fn name(self) -> &'static str {
        match self {
            DocFile::Text => "repaired.txt",
            DocFile::Spans => "spans.json",
            DocFile::Records => "records.jsonl",
            DocFile::Doc => "doc.json",
        }
    }
}

/// A batch's output directory.
#[derive(Debug, Clone)]
pub struct OutDir {
    root: PathBuf,
    /// Files synced to disk before what commits them (false: [`Self::scratch`]).
    durable: bool,
}

impl OutDir {
    /// The output directory at `root` (nothing is created yet).
    pub fn new(root: impl Into<PathBuf>) -> OutDir {
        OutDir {
            root: root.into(),
            durable: true,
        }
    }

    /// A scratch output directory, for a part that a merge reads and then removes (one task
    /// of a scheduler): documents written like any other (atomic renames, the same order,
    /// so a killed task leaves it consistent), but never synced to disk, and of the
    /// aggregate files only `manifest.json` (the merge reads nothing else). Only the merged
    /// directory needs to survive a power loss; syncing every part made each task wait on
    /// the whole file system (one `syncfs` per task).
    pub fn scratch(root: impl Into<PathBuf>) -> OutDir {
        OutDir {
            root: root.into(),
            durable: false,
        }
    }

    /// Writes `bytes` to `path` by an atomic rename, synced if this directory is durable.
    fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        stage(path, bytes, self.durable)?.commit()
    }

    /// Its path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the directory.
    pub fn create(&self) -> Result<()> {
        std::fs::create_dir_all(&self.root).map_err(|e| ExportError::io(&self.root, e))
    }

    /// `manifest.json`.
    pub fn manifest_path(&self) -> PathBuf {
        self.root.join("manifest.json")
    }
    /// `needs_attention.json`.
    pub fn needs_attention_path(&self) -> PathBuf {
        self.root.join("needs_attention.json")
    }
    /// `timings.json`.
    pub fn timings_path(&self) -> PathBuf {
        self.root.join("timings.json")
    }
    /// `corpus.jsonl`.
    pub fn corpus_path(&self) -> PathBuf {
        self.root.join("corpus.jsonl")
    }
    /// `records.jsonl`.
    pub fn records_path(&self) -> PathBuf {
        self.root.join("records.jsonl")
    }
    /// `journal.jsonl`.
    pub fn journal_path(&self) -> PathBuf {
        self.root.join("journal.jsonl")
    }
    /// `commit.json`.
    pub fn commit_path(&self) -> PathBuf {
        self.root.join("commit.json")
    }
    /// The search index's directory.
    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }
    /// The review site's directory beside its index (`review/`).
    pub const REVIEW_DIR: &'static str = "review";

    /// The default review report.
    pub fn review_path(&self) -> PathBuf {
        self.root.join("review.html")
    }
    /// OpenSearch bulk export's default file.
    pub fn opensearch_path(&self) -> PathBuf {
        self.root.join("opensearch-bulk.ndjson")
    }

    /// Where an input's outputs go, relative to the output directory (`docs/<rel>`).
    pub fn doc_dir_rel(rel: &str) -> String {
        format!("docs/{rel}")
    }

    /// Where an input's outputs go (`rel` is `/`-separated, relative to the inputs).
    pub fn doc_dir(&self, rel: &str) -> PathBuf {
        let mut p = self.root.join("docs");
        for part in rel.split('/') {
            p.push(part);
        }
        p
    }

    /// One file of an input's outputs.
    pub fn doc_file(&self, rel: &str, file: DocFile) -> PathBuf {
        self.doc_dir(rel).join(file.name())
    }

    /// Removes an input's outputs (they would be stale) and the directories above them
    /// left empty; a missing directory is fine.
    pub fn remove_doc(&self, rel: &str) {
        // Best effort: a leftover directory is overwritten by the next success anyway.
        let dir = self.doc_dir(rel);
        let _ = std::fs::remove_dir_all(&dir);
        let docs = self.root.join("docs");
        let mut up = dir.parent();
        while let Some(d) = up.filter(|d| d.starts_with(&docs) && *d != docs.as_path()) {
            // Fails (and stops) at the first directory that is not empty.
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            up = d.parent();
        }
    }

    /// Removes everything under `docs/` that is not the output directory of an input in
    /// `keep` (relative paths as [`Self::doc_dir`] takes them), or above one: the outputs
    /// of removed inputs, also when a run was killed after its manifest and before it
    /// removed them, and directories left empty. Only for the holder of the batch lock.
    /// Returns how many entries were removed.
    pub fn remove_docs_except(&self, keep: &std::collections::HashSet<&str>) -> usize {
        let docs = self.root.join("docs");
        let ancestors: std::collections::HashSet<&str> = keep
            .iter()
            .flat_map(|&rel| rel.match_indices('/').map(move |(i, _)| &rel[..i]))
            .collect();
        let mut removed = 0;
        let mut it = walkdir::WalkDir::new(&docs).min_depth(1).into_iter();
        while let Some(Ok(e)) = it.next() {
            let rel: Option<Vec<&str>> = e
                .path()
                .strip_prefix(&docs)
                .ok()
                .and_then(|r| r.components().map(|c| c.as_os_str().to_str()).collect());
            let rel = rel.map(|parts| parts.join("/"));
            let rel = rel.as_deref().unwrap_or("");
            if keep.contains(rel) {
                if e.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
            if e.file_type().is_dir() && ancestors.contains(rel) {
                continue;
            }
            let gone = if e.file_type().is_dir() {
                it.skip_current_dir();
                std::fs::remove_dir_all(e.path())
            } else {
                std::fs::remove_file(e.path())
            };
            removed += usize::from(gone.is_ok());
        }
        // Ancestors whose inputs all failed without outputs are left empty.
        for e in walkdir::WalkDir::new(&docs)
            .min_depth(1)
            .contents_first(true)
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if e.file_type().is_dir() && std::fs::remove_dir(e.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// Reads the manifest.
    pub fn read_manifest(&self) -> Result<Manifest> {
        read_json(&self.manifest_path())
    }

    /// Reads the previous run's manifest if there is one of this format; `None` otherwise
    /// (an unreadable or older manifest only costs a full rerun).
    pub fn previous_manifest(&self) -> Option<Manifest> {
        let path = self.manifest_path();
        if !path.exists() {
            return None;
        }
        self.read_manifest()
            .ok()
            .filter(|m| m.format == super::manifest::MANIFEST_FORMAT)
    }

    /// Reads `needs_attention.json`.
    pub fn read_needs_attention(&self) -> Result<NeedsAttention> {
        read_json(&self.needs_attention_path())
    }

    /// Writes `timings.json`.
    pub fn write_timings(&self, t: &Timings) -> Result<()> {
        self.write_file(&self.timings_path(), &to_json_pretty(t))
    }

    /// Reads `corpus.jsonl`.
    pub fn read_corpus(&self) -> Result<Vec<CorpusLine>> {
        super::corpus::read_corpus(&self.corpus_path())
    }

    /// Writes one document's files (not synced: see [`Self::sync_docs`]). All four are
    /// written to temporary files first and renamed into place only when every one is
    /// written, `doc.json` last: a failed write (a full disk) leaves the previous outputs
    /// as they were, and no temporary file.
    pub fn write_doc(&self, doc: &DocResult, records: &[ProgramRecord]) -> Result<()> {
        let rel = &doc.path;
        let spans: Vec<&SpanRecord> = doc.spans().collect();
        let staged = [
            stage(
                &self.doc_file(rel, DocFile::Text),
                doc.repaired_text().as_bytes(),
                false,
            )?,
            stage(
                &self.doc_file(rel, DocFile::Spans),
                &to_json_pretty(&spans),
                false,
            )?,
            stage(
                &self.doc_file(rel, DocFile::Records),
                &jsonl(records),
                false,
            )?,
            stage(
                &self.doc_file(rel, DocFile::Doc),
                &to_json_pretty(doc),
                false,
            )?,
        ];
        for s in staged {
            s.commit()?;
        }
        Ok(())
    }

    /// Moves one document's files from `from` (another output directory on the same file
    /// system, whose documents are not needed any more) into this one, by renames: the whole
    /// directory when this one has none for it, else file by file, `doc.json` last as
    /// [`Self::write_doc`] writes it. `Ok(false)`: they cannot be renamed here (another file
    /// system); the caller writes them instead.
    pub fn adopt_doc(&self, from: &OutDir, rel: &str) -> Result<bool> {
        let to = self.doc_dir(rel);
        let crosses = |e: &std::io::Error| e.kind() == std::io::ErrorKind::CrossesDevices;
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ExportError::io(parent, e))?;
        }
        if std::fs::symlink_metadata(&to).is_err() {
            return match std::fs::rename(from.doc_dir(rel), &to) {
                Ok(()) => Ok(true),
                Err(e) if crosses(&e) => Ok(false),
                Err(e) => Err(ExportError::io(&to, e)),
            };
        }
        for f in DocFile::ALL {
            let at = self.doc_file(rel, f);
            match std::fs::rename(from.doc_file(rel, f), &at) {
                Ok(()) => {}
                // Those moved already are rewritten with the same bytes.
                Err(e) if crosses(&e) => return Ok(false),
                Err(e) => return Err(ExportError::io(&at, e)),
            }
        }
        Ok(true)
    }

    /// Reads one document and its records back.
    pub fn read_doc(&self, rel: &str) -> Result<(DocResult, Vec<ProgramRecord>)> {
        let doc: DocResult = read_json(&self.doc_file(rel, DocFile::Doc))?;
        let path = self.doc_file(rel, DocFile::Records);
        let text = std::fs::read_to_string(&path).map_err(|e| ExportError::io(&path, e))?;
        let records = text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|source| ExportError::Json {
                    path: path.clone(),
                    source,
                })
            })
            .collect::<Result<_>>()?;
        Ok((doc, records))
    }

    /// Whether every file of a document's outputs is there.
    pub fn doc_complete(&self, rel: &str) -> bool {
        DocFile::ALL
            .iter()
            .all(|&f| self.doc_file(rel, f).is_file())
    }

    /// Appends one line to the journal (one `write` of a whole line: lines of concurrent
    /// workers never interleave, and a kill leaves at most a torn last line).
    pub fn append_journal<T: serde::Serialize>(&self, item: &T) -> Result<()> {
        use std::io::Write;
        let path = self.journal_path();
        let mut line = serde_json::to_vec(item).map_err(|source| ExportError::Json {
            path: path.clone(),
            source,
        })?;
        line.push(b'\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(&line))
            .map_err(|e| ExportError::io(&path, e))
    }

    /// The journal's lines that parse as `T` (a torn or foreign line is skipped), in order.
    pub fn read_journal<T: serde::de::DeserializeOwned>(&self) -> Vec<T> {
        std::fs::read_to_string(self.journal_path())
            .map(|text| {
                text.lines()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes the journal (once a manifest has committed what it recorded).
    pub fn remove_journal(&self) -> Result<()> {
        match std::fs::remove_file(self.journal_path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(ExportError::io(self.journal_path(), e))
            }
            _ => Ok(()),
        }
    }

    /// Whether a batch wrote documents that no manifest has committed yet (it is running, or
    /// was killed): `corpus.jsonl`, `records.jsonl` and `manifest.json` may disagree until
    /// the batch is rerun.
    pub fn uncommitted(&self) -> bool {
        self.journal_path().exists()
    }

    /// Removes temporary files a killed writer left in OUT and under `docs/` (names
    /// `.NAME.tmp-…`, see [`super::write_atomic`]; a killed commit's generation directory
    /// goes at the next commit). Only for the holder of the batch lock:
    /// nobody else writes. Returns how many were removed.
    pub fn remove_stale_temp_files(&self) -> usize {
        let mut n = 0;
        let top = walkdir::WalkDir::new(&self.root).max_depth(1);
        for e in top
            .into_iter()
            .chain(walkdir::WalkDir::new(self.root.join("docs")))
            .filter_map(|e| e.ok())
        {
            let name = e.file_name().to_string_lossy();
            // A link too: the commit's links are made under such names (`commit`).
            if (e.file_type().is_file() || e.file_type().is_symlink())
                && name.starts_with('.')
                && name.contains(".tmp-")
                && std::fs::remove_file(e.path()).is_ok()
            {
                n += 1;
            }
        }
        n
    }

    /// Makes the documents' files durable (before the manifest that commits them); nothing
    /// for a [`Self::scratch`] directory.
    pub fn sync_docs(&self, rels: &[&str]) -> Result<()> {
        if !self.durable {
            return Ok(());
        }
        let written: Vec<PathBuf> = rels
            .iter()
            .flat_map(|rel| DocFile::ALL.map(|f| self.doc_file(rel, f)))
            .collect();
        super::sync_file_system(&self.root, &written)
    }
}

/// One JSON value per line.
fn jsonl<T: serde::Serialize>(items: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        // Our own plain data types always serialise.
        out.extend(serde_json::to_vec(item).unwrap_or_default());
        out.push(b'\n');
    }
    out
}

mod commit;
#[cfg(test)]
mod tests;

pub use commit::{Aggregates, FAULT_KILL_AFTER_ENV};
