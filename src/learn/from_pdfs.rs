//! `glyphmend learn pdf` as a library call: tables voted across a PDF corpus
//! ([`super::pdf_votes`]), from paths to the table files the command writes.
//!
//! [`learn_pdf`] collects the PDFs under the paths given, leaves out held-out documents
//! (by content) and duplicate copies, reads the documents in parallel, votes, and names
//! the tables; [`LearnedPdfTables::save`] writes them, each with its provenance header
//! (documents and their content hashes), in the format [`crate::tables::TableSet::load_dir`]
//! reads back. The command line and the Python package both call this, so their table files
//! are the same bytes for the same inputs.
//!
//! Invariants: the tables do not depend on the order of the paths or on the thread count
//! (files are sorted and deduplicated; votes are keyed by file name); a document is voted
//! at most once however many copies of it are given; a held-out document never votes,
//! whatever its path.

use super::pdf_votes::{CorpusVotes, LearnedFont, VoteOptions, report};
use crate::tables::{FontTable, TableSet};
use rayon::prelude::*;
use sha2::Digest;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What can stop [`learn_pdf`] or [`LearnedPdfTables::save`]. The messages are the CLI's.
#[derive(Debug, thiserror::Error)]
pub enum LearnPdfError {
    /// A path given (or a file under it) could not be read.
    #[error("reading {}", path.display())]
    Read {
        /// The path.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The paths hold no PDF (or every one is held out or a duplicate).
    #[error("no PDF files under the paths given")]
    NoPdfs,
    /// Building a table failed.
    #[error(transparent)]
    Tables(#[from] crate::Error),
    /// The output directory could not be created.
    #[error("creating {}", path.display())]
    Create {
        /// The directory.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A table file could not be written.
    #[error("writing {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Options of [`learn_pdf`] (the flags of `glyphmend learn pdf`).
#[derive(Debug, Clone, Default)]
pub struct LearnPdfOptions {
    /// How votes become tables (`--no-generalize`, `--family`, `--corroborate`,
    /// `--pool-versions`, `--text-repair`).
    pub votes: VoteOptions,
    /// Keep only the tables of these BaseFonts (a family's first); empty: all (`--only`).
    pub only: Vec<String>,
    /// Files whose content stays out of the votes, wherever a copy of it lies (`--exclude`).
    pub exclude: Vec<PathBuf>,
}

/// Why a file under the paths given did not vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    /// Its content is that of an excluded file.
    HeldOut,
    /// Its content is that of a file earlier in path order.
    Duplicate,
}

/// One learned table with the provenance its file carries.
#[derive(Debug, Clone)]
pub struct LearnedPdfTable {
    /// The table and the figures behind it. Its name is final: versions of one font (glyph
    /// counts) are told apart as `name-gN`.
    pub learned: LearnedFont,
    /// The documents whose votes went in, with the first 16 hex digits of their SHA-256
    /// (`?` for a document not hashed, which does not happen for files read here).
    pub sources: Vec<(String, String)>,
}

impl LearnedPdfTable {
    /// The table.
    pub fn table(&self) -> &FontTable {
        &self.learned.table
    }

    /// The file name `learn pdf` writes it under: `<name>.table`.
    pub fn file_name(&self) -> String {
        format!("{}.table", self.learned.table.name)
    }

    /// The file's text: a provenance header (document count, then every source document
    /// with its hash) and the table in the text format.
    pub fn file_text(&self) -> String {
        let mut body = format!("# learned from {} PDF documents\n", self.learned.documents);
        for (doc, sha) in &self.sources {
            body.push_str(&format!("# source: {doc} sha256={sha}\n"));
        }
        body.push_str(&self.learned.table.to_text());
        body
    }

    /// Writes [`Self::file_text`] into `dir` (which must exist); returns the file's path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, LearnPdfError> {
        let dest = dir.join(self.file_name());
        std::fs::write(&dest, self.file_text()).map_err(|source| LearnPdfError::Write {
            path: dest.clone(),
            source,
        })?;
        Ok(dest)
    }
}

/// What [`learn_pdf`] learned, and what it met on the way.
#[derive(Debug)]
pub struct LearnedPdfTables {
    /// The tables, ordered by font (BaseFont, then glyph count).
    pub tables: Vec<LearnedPdfTable>,
    /// Files that did not vote, in path order, and why.
    pub left_out: Vec<(PathBuf, LeftOut)>,
    /// The votes (failures to read a document are in `corpus.failures`).
    pub corpus: CorpusVotes,
    /// The options the tables were built with (for [`CorpusVotes::leave_one_out`]).
    pub votes: VoteOptions,
}

impl LearnedPdfTables {
    /// The tables as a set, for [`crate::pipeline::Pipeline::add_tables`] (what `--tables`
    /// gives after [`Self::save`]).
    pub fn table_set(&self) -> TableSet {
        TableSet {
            tables: self
                .tables
                .iter()
                .map(|t| t.learned.table.clone())
                .collect(),
        }
    }

    /// Creates `dir` and writes every table into it (see [`LearnedPdfTable::write`]);
    /// returns the files written.
    pub fn save(&self, dir: &Path) -> Result<Vec<PathBuf>, LearnPdfError> {
        create_dir(dir)?;
        self.tables.iter().map(|t| t.write(dir)).collect()
    }

    /// What `learn pdf --report` prints: per table coverage and conflicts, then the
    /// measured agreement of every pair of family members.
    pub fn report(&self) -> String {
        let learned: Vec<LearnedFont> = self.tables.iter().map(|t| t.learned.clone()).collect();
        let mut s = report(&learned, &self.corpus);
        for fam in &self.votes.families {
            for (i, a) in fam.iter().enumerate() {
                for b in &fam[i + 1..] {
                    let (shared, agree) = self.corpus.family_agreement(a, b);
                    s.push_str(&format!(
                        "family {a} / {b}: {agree} of {shared} glyphs voted in both agree\n"
                    ));
                }
            }
        }
        s
    }
}

/// Creates `dir` and its parents (the error names it).
pub fn create_dir(dir: &Path) -> Result<(), LearnPdfError> {
    std::fs::create_dir_all(dir).map_err(|source| LearnPdfError::Create {
        path: dir.to_path_buf(),
        source,
    })
}

/// `glyphmend learn pdf PATHS…`: tables from the votes of the PDFs under `paths` (files,
/// or directories searched recursively for `*.pdf`). See [`learn_pdf_with`].
///
/// ```no_run
/// use glyphmend::learn::from_pdfs::{LearnPdfOptions, learn_pdf};
/// let learned = learn_pdf(&["pdfs/".into()], &LearnPdfOptions::default())?;
/// learned.save("tables/".as_ref())?; // then `glyphmend extract --tables tables/ …`
/// # Ok::<(), glyphmend::learn::from_pdfs::LearnPdfError>(())
/// ```
pub fn learn_pdf(
    paths: &[PathBuf],
    options: &LearnPdfOptions,
) -> Result<LearnedPdfTables, LearnPdfError> {
    learn_pdf_with(paths, options, &mut |_, _| {})
}

/// [`learn_pdf`], telling `left_out` about each file that does not vote as it is found
/// (the CLI prints them as it goes).
pub fn learn_pdf_with(
    paths: &[PathBuf],
    options: &LearnPdfOptions,
    left_out: &mut dyn FnMut(&Path, LeftOut),
) -> Result<LearnedPdfTables, LearnPdfError> {
    let (kept, left) = select_files(paths, options, left_out)?;
    let sha_of: BTreeMap<String, String> = kept
        .iter()
        .map(|(f, h)| (f.display().to_string(), h[..16].to_string()))
        .collect();
    let files: Vec<PathBuf> = kept.into_iter().map(|(f, _)| f).collect();
    if files.is_empty() {
        return Err(LearnPdfError::NoPdfs);
    }
    let corpus = read_votes(&files);
    let mut learned: Vec<LearnedFont> = corpus
        .tables(&options.votes)?
        .into_iter()
        .filter(|l| options.only.is_empty() || options.only.contains(&l.key.basefont))
        .collect();
    // Versions of one font (different glyph counts) get one table each: `name-gN`.
    let mut per_name: BTreeMap<String, usize> = BTreeMap::new();
    for l in &learned {
        *per_name.entry(l.table.name.clone()).or_default() += 1;
    }
    for l in &mut learned {
        if let (Some(n), true) = (l.key.glyphs, per_name[&l.table.name] > 1) {
            l.table.name = format!("{}-g{n}", l.table.name);
        }
    }
    let pooled = corpus.pooled_votes(&options.votes, None);
    let tables = learned
        .into_iter()
        .map(|l| {
            // Provenance: every document whose votes went in, with its content hash.
            let sources = pooled
                .get(&l.key)
                .into_iter()
                .flat_map(|fv| &fv.documents)
                .map(|doc| {
                    let sha = sha_of.get(doc).map(String::as_str).unwrap_or("?");
                    (doc.clone(), sha.to_string())
                })
                .collect();
            LearnedPdfTable {
                learned: l,
                sources,
            }
        })
        .collect();
    Ok(LearnedPdfTables {
        tables,
        left_out: left,
        corpus,
        votes: options.votes.clone(),
    })
}

/// The PDFs under `paths`, each once by content, with their SHA-256: held-out documents
/// (by content, not only by path: a copy elsewhere is the same document) and duplicates
/// are left out, reported to `left_out` and returned apart.
#[allow(clippy::type_complexity)]
fn select_files(
    paths: &[PathBuf],
    options: &LearnPdfOptions,
    left_out: &mut dyn FnMut(&Path, LeftOut),
) -> Result<(Vec<(PathBuf, String)>, Vec<(PathBuf, LeftOut)>), LearnPdfError> {
    let mut files = Vec::new();
    for p in paths {
        collect_pdfs(p, &mut files).map_err(|source| LearnPdfError::Read {
            path: p.clone(),
            source,
        })?;
    }
    files.sort();
    files.dedup();
    // Held-out documents stay out by content, not only by path: a copy elsewhere is the
    // same document.
    let hash = |p: &Path| -> Result<String, LearnPdfError> {
        let b = std::fs::read(p).map_err(|source| LearnPdfError::Read {
            path: p.to_path_buf(),
            source,
        })?;
        Ok(hex::encode(sha2::Sha256::digest(&b)))
    };
    let mut held_out = BTreeSet::new();
    for p in &options.exclude {
        held_out.insert(hash(p)?);
    }
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    let mut left = Vec::new();
    for f in files {
        let h = hash(&f)?;
        let why = if held_out.contains(&h) {
            LeftOut::HeldOut
        } else if seen.insert(h.clone()) {
            kept.push((f, h));
            continue;
        } else {
            LeftOut::Duplicate
        };
        left_out(&f, why);
        left.push((f, why));
    }
    Ok((kept, left))
}

/// The votes of `files`, read in parallel; votes are keyed by file name, so the tables do
/// not depend on the order or the thread count.
fn read_votes(files: &[PathBuf]) -> CorpusVotes {
    let opts = crate::ingest::ExtractOptions::default();
    let read: Vec<(String, Result<Vec<u8>, String>)> = files
        .par_iter()
        .map(|f| {
            (
                f.display().to_string(),
                std::fs::read(f).map_err(|e| e.to_string()),
            )
        })
        .collect();
    let parts: Vec<CorpusVotes> = read
        .into_par_iter()
        .map(|(name, bytes)| {
            let mut c = CorpusVotes::default();
            match bytes {
                Ok(b) => c.add_pdf(&name, &b, &opts),
                Err(e) => c.failures.push((name, format!("cannot read: {e}"))),
            }
            c
        })
        .collect();
    let mut corpus = CorpusVotes::default();
    for p in parts {
        corpus.absorb(p);
    }
    corpus
}

/// `path` itself if it is a file, else every `*.pdf` below it (recursively).
fn collect_pdfs(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for e in std::fs::read_dir(path)? {
            let p = e?.path();
            if p.is_dir() {
                collect_pdfs(&p, out)?;
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
                out.push(p);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}
