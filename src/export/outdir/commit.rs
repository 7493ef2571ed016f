//! The aggregate files of a batch (`corpus.jsonl`, `records.jsonl`, `needs_attention.json`,
//! `manifest.json`, and `commit.json` naming their hashes) replaced as one.
//!
//! On Unix they are written whole into a generation directory named by their content,
//! `OUT/.commit-HASH/`, and OUT's files of those names are links through `OUT/.committed`,
//! itself a link to the generation: the commit is one `rename(2)` of that link. A batch
//! killed at any point leaves OUT with the previous commit's files, all of them, or the new
//! one's, never a mix; a killed run's half-written generation is removed by the next commit.
//! (Elsewhere, or where the file system has no symbolic links, the files are replaced one
//! after another, and [`OutDir::commit_problem`] finds a run killed between them.)
//!
//! Invariants: the generation's name is a hash of `commit.json`, so two batches that wrote
//! the same outputs have the same tree; the generation a link names is complete before the
//! link is renamed into place (synced first when the directory is durable).

use super::{OutDir, jsonl};
use crate::export::corpus::CorpusLine;
use crate::export::manifest::{Manifest, NeedsAttention};
use crate::export::{ExportError, Result, read_json, stage, to_json_pretty};
use crate::segment::ProgramRecord;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The aggregate files of a run, for [`OutDir::commit`].
#[derive(Debug, Clone, Copy)]
pub struct Aggregates<'a> {
    /// `corpus.jsonl`'s lines.
    pub corpus: &'a [CorpusLine],
    /// `records.jsonl`'s records.
    pub records: &'a [ProgramRecord],
    /// `needs_attention.json`.
    pub needs_attention: &'a NeedsAttention,
    /// `manifest.json`.
    pub manifest: &'a Manifest,
}

const COMMIT_FORMAT: u32 = 1;

/// The link to the current generation.
const COMMITTED: &str = ".committed";
/// Generation directories are `.commit-` and 16 hex digits of `commit.json`'s sha256.
const GENERATION_PREFIX: &str = ".commit-";

/// `commit.json`: what the last commit wrote.
#[derive(serde::Serialize, serde::Deserialize)]
struct CommitRecord {
    format: u32,
    files: Vec<CommitFile>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CommitFile {
    name: String,
    bytes: u64,
    sha256: String,
}

impl OutDir {
    /// Writes the aggregate files of a run as one commit (see the module notes).
    pub fn commit(&self, a: &Aggregates<'_>) -> Result<()> {
        if !self.durable {
            // A scratch OUT (a part) is read by the merge, which reads only its manifest and
            // documents: the other aggregate files would be written only to be removed.
            return self.write_file(&self.manifest_path(), &to_json_pretty(a.manifest));
        }
        let files: [(PathBuf, Vec<u8>); 4] = [
            (self.corpus_path(), jsonl(a.corpus)),
            (self.records_path(), jsonl(a.records)),
            (
                self.needs_attention_path(),
                to_json_pretty(a.needs_attention),
            ),
            (self.manifest_path(), to_json_pretty(a.manifest)),
        ];
        let record = CommitRecord {
            format: COMMIT_FORMAT,
            files: files
                .iter()
                .map(|(path, bytes)| CommitFile {
                    name: file_name(path),
                    bytes: bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(bytes)),
                })
                .collect(),
        };
        let record = to_json_pretty(&record);
        #[cfg(unix)]
        if self.links_work() {
            return self.commit_generation(&files, &record);
        }
        self.commit_plain(&files, &record)
    }

    /// The files replaced one after another (no links: another system, or a file system
    /// without symbolic links); a kill between them is found by [`Self::commit_problem`].
    fn commit_plain(&self, files: &[(PathBuf, Vec<u8>)], record: &[u8]) -> Result<()> {
        self.write_file(&self.commit_path(), record)?;
        let kill_after = fault_kill_after();
        for (path, bytes) in files {
            self.write_file(path, bytes)?;
            if kill_after.as_deref() == Some(file_name(path).as_str()) {
                kill_self();
            }
        }
        Ok(())
    }

    /// Whether OUT holds symbolic links (it already does, or a probe link can be made).
    #[cfg(unix)]
    fn links_work(&self) -> bool {
        let committed = self.root.join(COMMITTED);
        if std::fs::read_link(&committed).is_ok() {
            return true;
        }
        let probe = self
            .root
            .join(format!(".committed.probe-{}", std::process::id()));
        let _ = std::fs::remove_file(&probe);
        let made = std::os::unix::fs::symlink(GENERATION_PREFIX, &probe).is_ok();
        let _ = std::fs::remove_file(&probe);
        made
    }

    /// The generation directory for `files`, then the switch of the `.committed` link.
    #[cfg(unix)]
    fn commit_generation(&self, files: &[(PathBuf, Vec<u8>)], record: &[u8]) -> Result<()> {
        let name = format!(
            "{GENERATION_PREFIX}{}",
            &hex::encode(Sha256::digest(record))[..16]
        );
        let generation = self.root.join(&name);
        let committed = self.root.join(COMMITTED);
        let kill_after = fault_kill_after();
        let current = std::fs::read_link(&committed).ok();
        let commit_json = generation.join(file_name(&self.commit_path()));
        if current.as_deref() != Some(Path::new(&name)) {
            // Not the current one: what is there is a killed run's leftover, written anew.
            if generation.exists() {
                std::fs::remove_dir_all(&generation)
                    .map_err(|e| ExportError::io(&generation, e))?;
            }
            std::fs::create_dir_all(&generation).map_err(|e| ExportError::io(&generation, e))?;
            stage(&commit_json, record, self.durable)?.commit()?;
            for (path, bytes) in files {
                let file = file_name(path);
                stage(&generation.join(&file), bytes, self.durable)?.commit()?;
                if kill_after.as_deref() == Some(file.as_str()) {
                    kill_self();
                }
            }
            self.sync_dir(&generation)?;
            replace_link(&self.root, Path::new(&name), &committed)?;
        } else {
            // The same outputs as committed: only a file changed since (by hand) is written
            // again, in place (the files disagreed already).
            if std::fs::read(&commit_json).ok().as_deref() != Some(record) {
                stage(&commit_json, record, self.durable)?.commit()?;
            }
            for (path, bytes) in files {
                let file = file_name(path);
                let at = generation.join(&file);
                let digest = hex::encode(Sha256::digest(bytes));
                if !same_file_hash(&at, bytes.len() as u64, &digest) {
                    stage(&at, bytes, self.durable)?.commit()?;
                }
                if kill_after.as_deref() == Some(file.as_str()) {
                    kill_self();
                }
            }
            self.sync_dir(&generation)?;
        }
        // OUT's names link through `.committed` (made once; replaces the plain files of
        // an OUT written before generations, commit.json first and the manifest last, so a
        // kill in between is found by `commit_problem`).
        for path in std::iter::once(self.commit_path()).chain(files.iter().map(|(p, _)| p.clone()))
        {
            let target = Path::new(COMMITTED).join(file_name(&path));
            if std::fs::read_link(&path).ok().as_deref() != Some(target.as_path()) {
                replace_link(&self.root, &target, &path)?;
            }
        }
        self.sync_dir(&self.root)?;
        // Earlier generations (and a killed run's) are no longer named by any link.
        if let Ok(entries) = std::fs::read_dir(&self.root) {
            for e in entries.filter_map(|e| e.ok()) {
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(GENERATION_PREFIX) && n != name {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        Ok(())
    }

    /// Syncs a directory's entries (renames into it) if this OUT is durable.
    #[cfg(unix)]
    fn sync_dir(&self, dir: &Path) -> Result<()> {
        if !self.durable {
            return Ok(());
        }
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| ExportError::io(dir, e))
    }

    /// Why the aggregate files cannot be trusted to agree, if they cannot: a batch wrote
    /// documents no manifest has committed (`journal.jsonl`: it is running or was killed),
    /// or a file differs from what `commit.json` says was written with the others (an OUT
    /// of plain files whose batch was killed between them, or files changed by hand).
    /// `None` when they agree, and for an OUT written before `commit.json` existed (nothing
    /// to check against).
    pub fn commit_problem(&self) -> Option<String> {
        if self.uncommitted() {
            return Some("the last batch did not finish (journal.jsonl)".into());
        }
        let record: CommitRecord = read_json(&self.commit_path()).ok()?;
        let torn: Vec<&str> = record
            .files
            .iter()
            .filter(|f| {
                // Only names of the aggregate files: commit.json is not trusted with paths.
                let path = match f.name.as_str() {
                    "corpus.jsonl" => self.corpus_path(),
                    "records.jsonl" => self.records_path(),
                    "needs_attention.json" => self.needs_attention_path(),
                    "manifest.json" => self.manifest_path(),
                    _ => return true,
                };
                !same_file_hash(&path, f.bytes, &f.sha256)
            })
            .map(|f| f.name.as_str())
            .collect();
        (!torn.is_empty()).then(|| {
            format!(
                "the last batch did not finish: {} not as committed with the others \
                 (commit.json); the files disagree",
                torn.join(", ")
            )
        })
    }
}

/// Points `link` at `target` atomically: a new link beside it (`.NAME.tmp-PID`, a name
/// [`OutDir::remove_stale_temp_files`] sweeps) renamed over it.
#[cfg(unix)]
fn replace_link(root: &Path, target: &Path, link: &Path) -> Result<()> {
    let tmp = root.join(format!(
        ".{}.tmp-{}",
        file_name(link).trim_start_matches('.'),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)
        .and_then(|()| std::fs::rename(&tmp, link))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            ExportError::io(link, e)
        })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether the file at `path` has this length and sha256 (read in blocks: the corpus can be
/// large).
fn same_file_hash(path: &Path, len: u64, sha256: &str) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if f.metadata().map(|m| m.len()).ok() != Some(len) {
        return false;
    }
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    hex::encode(h.finalize()) == sha256
}

/// Fault injection for the kill tests and campaign: `GLYPHMEND_FAULT_KILL_AFTER=NAME` makes
/// [`OutDir::commit`] kill its own process (SIGKILL: no unwinding, no cleanup, as `kill -9`)
/// right after it has written the aggregate file `NAME`.
pub const FAULT_KILL_AFTER_ENV: &str = "GLYPHMEND_FAULT_KILL_AFTER";

fn fault_kill_after() -> Option<String> {
    std::env::var(FAULT_KILL_AFTER_ENV).ok()
}

fn kill_self() -> ! {
    #[cfg(unix)]
    // SAFETY: raise only sends a signal to this process; SIGKILL cannot be handled.
    unsafe {
        libc::raise(libc::SIGKILL);
    }
    std::process::abort()
}
