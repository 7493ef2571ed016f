//! `glyphmend._native`: the Python module's compiled half (the `glyphmend` package wraps it).
//!
//! Invariants: every call runs the same [`glyphmend::pipeline::Pipeline`] the CLI runs, so a
//! file gives the same text, spans and records in Python as on the command line; work runs
//! with the GIL released (threads in Python run documents in parallel); results cross into
//! Python as JSON text produced by the same serde types the CLI prints, so the two can never
//! drift; errors are `glyphmend.GlyphmendError` with the CLI's message (the error and its
//! causes joined by ": "). Learned or loaded tables ([`NativeTables`]) hold their files' text,
//! so saving them writes the bytes `glyphmend learn pdf` writes.

use glyphmend::learn::from_pdfs::{self, LearnPdfOptions, LearnedPdfTables, LeftOut};
use glyphmend::pipeline::{Document, Options, Pipeline, Source, SourceKind};
use glyphmend::tables::{FontTable, TableSet};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

create_exception!(
    _native,
    GlyphmendError,
    PyException,
    "An input glyphmend could not read, with the message the command line prints."
);

/// The message the CLI prints for an error: it and its causes, joined by ": ".
fn message(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        source = cause.source();
    }
    s
}

fn err(e: impl std::error::Error + 'static) -> PyErr {
    GlyphmendError::new_err(message(&e))
}

fn json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(err)
}

/// The pipeline with the options the CLI's `extract` takes; `learned` tables are added as
/// `--tables` adds a directory's.
fn pipeline(
    pages: Option<(u32, u32)>,
    font_files: Option<Vec<PathBuf>>,
    tables: Option<PathBuf>,
    learned: Option<Arc<TableSet>>,
    password: Option<String>,
) -> PyResult<Pipeline> {
    let mut pipeline = Pipeline::builtin()
        .map_err(err)?
        .with_tables_dir(tables.as_deref())
        .map_err(err)?;
    if let Some(set) = learned {
        pipeline.add_tables((*set).clone());
    }
    if let Some((a, b)) = pages
        && (a == 0 || b < a)
    {
        return Err(GlyphmendError::new_err(format!(
            "bad page range `{a}-{b}` (pages count from 1)"
        )));
    }
    let outlines = match font_files {
        Some(paths) if !paths.is_empty() => Some(Arc::new(
            glyphmend::tables::outlines::OutlineIndex::from_paths(&paths).map_err(|e| {
                GlyphmendError::new_err(format!("reading font_files: {}", message(&e)))
            })?,
        )),
        _ => None,
    };
    Ok(Pipeline {
        options: Options {
            password,
            pages,
            outlines,
            ..Options::default()
        },
        ..pipeline
    })
}

/// One input after the pipeline (the Python `Document` wraps it).
#[pyclass(frozen, module = "glyphmend._native")]
struct NativeDocument {
    doc: Document,
}

#[pymethods]
impl NativeDocument {
    /// The final text, pages separated by form feeds (what `glyphmend extract` prints).
    fn text(&self) -> String {
        self.doc.text()
    }

    /// The whole document as JSON (what `glyphmend extract --json` prints for text input).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| json(&self.doc))
    }

    /// The PDF's glyph runs with provenance as JSON (`extract --json` for a PDF), or None.
    fn glyphs_json(&self, py: Python<'_>) -> PyResult<Option<String>> {
        py.detach(|| self.doc.glyphs.as_ref().map(json).transpose())
    }

    /// The corpus rows (one per page) as JSON lines, as `glyphmend batch` writes them to
    /// `corpus.jsonl` for this document under the name `path`.
    fn corpus_jsonl(&self, py: Python<'_>, path: &str) -> PyResult<String> {
        py.detach(|| {
            let mut out = String::new();
            for line in self.doc.to_result(path).corpus_lines() {
                out.push_str(&json(&line)?);
                out.push('\n');
            }
            Ok(out)
        })
    }

    /// The program records as JSON lines (what `glyphmend records` prints).
    fn records_jsonl(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            let mut out = String::new();
            for r in glyphmend::pipeline::records(&self.doc) {
                out.push_str(&json(&r)?);
                out.push('\n');
            }
            Ok(out)
        })
    }
}

/// Reads a file (path) or bytes (with `name`, a PDF unless `kind` is "txt") through the
/// pipeline. `tables`: a directory of `*.table` files (`--tables`); `learned`: tables from
/// [`learn_pdf`] or [`load_tables`].
#[pyfunction]
#[pyo3(signature = (path=None, data=None, name=None, kind=None, pages=None, font_files=None, tables=None, password=None, learned=None))]
#[allow(clippy::too_many_arguments)]
fn extract(
    py: Python<'_>,
    path: Option<PathBuf>,
    data: Option<Vec<u8>>,
    name: Option<String>,
    kind: Option<String>,
    pages: Option<(u32, u32)>,
    font_files: Option<Vec<PathBuf>>,
    tables: Option<PathBuf>,
    password: Option<String>,
    learned: Option<PyRef<'_, NativeTables>>,
) -> PyResult<NativeDocument> {
    let learned = learned.map(|t| Arc::clone(&t.set));
    py.detach(|| {
        let pipeline = pipeline(pages, font_files, tables, learned, password)?;
        let source = match (path, data) {
            (Some(p), None) => Source::read(Path::new(&p)).map_err(err)?,
            (None, Some(bytes)) => {
                let kind = match kind.as_deref() {
                    None | Some("pdf") => SourceKind::Pdf,
                    Some("txt") => SourceKind::Txt,
                    Some(k) => {
                        return Err(GlyphmendError::new_err(format!(
                            "unknown kind `{k}` (pdf or txt)"
                        )));
                    }
                };
                Source::from_bytes(name.unwrap_or_else(|| "<bytes>".into()), bytes, kind)
                    .map_err(err)?
            }
            _ => {
                return Err(GlyphmendError::new_err(
                    "give either a path or bytes".to_string(),
                ));
            }
        };
        let doc = pipeline.run(source).map_err(err)?;
        Ok(NativeDocument { doc })
    })
}

/// Repairs garbled text as `glyphmend repair` does: the repaired text, and the spans (repaired
/// and unresolved) as JSON lines (what `repair --json` prints).
/// `tables` and `learned` as for [`extract`].
#[pyfunction]
#[pyo3(signature = (text, tables=None, min_rule_confidence=0.5, learned=None))]
fn repair(
    py: Python<'_>,
    text: String,
    tables: Option<PathBuf>,
    min_rule_confidence: f32,
    learned: Option<PyRef<'_, NativeTables>>,
) -> PyResult<(String, String)> {
    let learned = learned.map(|t| Arc::clone(&t.set));
    py.detach(|| {
        let mut pipeline = pipeline(None, None, tables, learned, None)?;
        pipeline.options.min_rule_confidence = min_rule_confidence;
        let repairer = pipeline.repairer();
        let result = repairer.repair_text(&text);
        let spans = result.spans_jsonl().map_err(err)?;
        Ok((result.text.into_owned(), spans))
    })
}

/// Mapping tables: learned from PDFs ([`learn_pdf`]) or loaded from `*.table` files
/// ([`load_tables`]). Each keeps its file's text: [`NativeTables::save`] writes it back as is.
#[pyclass(frozen, module = "glyphmend._native")]
struct NativeTables {
    /// The parsed tables, in file order.
    set: Arc<TableSet>,
    /// Per table: its file name and the file's text.
    files: Vec<(String, String)>,
    /// What `learn_pdf` learned (report, votes); `None` for loaded tables.
    learned: Option<LearnedPdfTables>,
}

#[pymethods]
impl NativeTables {
    /// The tables' names, in file order.
    fn names(&self) -> Vec<String> {
        self.set.tables.iter().map(|t| t.name.clone()).collect()
    }

    /// Per table: the file name and the file's text.
    fn files(&self) -> Vec<(String, String)> {
        self.files.clone()
    }

    /// Creates `dir` and writes every table file into it (as `learn pdf --out dir`);
    /// returns the paths written.
    fn save(&self, py: Python<'_>, dir: PathBuf) -> PyResult<Vec<PathBuf>> {
        py.detach(|| {
            from_pdfs::create_dir(&dir).map_err(err)?;
            let mut written = Vec::new();
            for (name, text) in &self.files {
                let dest = dir.join(name);
                std::fs::write(&dest, text).map_err(|source| {
                    err(from_pdfs::LearnPdfError::Write {
                        path: dest.clone(),
                        source,
                    })
                })?;
                written.push(dest);
            }
            Ok(written)
        })
    }

    /// What `learn pdf --report` prints (None for loaded tables).
    fn report(&self, py: Python<'_>) -> Option<String> {
        py.detach(|| self.learned.as_ref().map(LearnedPdfTables::report))
    }

    /// Files that did not vote: (path, "held out" | "duplicate").
    fn left_out(&self) -> Vec<(PathBuf, &'static str)> {
        self.learned
            .iter()
            .flat_map(|l| &l.left_out)
            .map(|(p, why)| {
                let why = match why {
                    LeftOut::HeldOut => "held out",
                    LeftOut::Duplicate => "duplicate",
                };
                (p.clone(), why)
            })
            .collect()
    }

    /// Documents that could not be read: (name, why).
    fn failures(&self) -> Vec<(String, String)> {
        self.learned
            .iter()
            .flat_map(|l| l.corpus.failures.clone())
            .collect()
    }

    /// Per learned table, the figures `learn pdf` prints: name, glyphs, voted, conflicts,
    /// generalized, documents and sources (document, sha256 prefix), as JSON.
    fn stats_json(&self) -> PyResult<String> {
        let rows: Vec<serde_json::Value> = self
            .learned
            .iter()
            .flat_map(|l| &l.tables)
            .map(|t| {
                let l = &t.learned;
                serde_json::json!({
                    "name": l.table.name,
                    "basefonts": l.table.basefonts,
                    "glyphs": l.table.len(),
                    "voted": l.voted,
                    "conflicts": l.conflicts.len(),
                    "generalized": l.generalized,
                    "documents": l.documents,
                    "sources": t.sources,
                })
            })
            .collect();
        json(&rows)
    }
}

/// `glyphmend learn pdf PATHS…`: tables voted across the PDFs under `paths` (files or
/// directories, searched recursively). `families` and `corroborate` are lists of BaseFont
/// groups (`--family`, `--corroborate`), `only` BaseFonts (`--only`), `exclude` held-out
/// files (`--exclude`).
#[pyfunction]
#[pyo3(signature = (paths, exclude=Vec::new(), families=Vec::new(), corroborate=Vec::new(), pool_versions=false, generalize=true, only=Vec::new(), text_repair=false))]
#[allow(clippy::too_many_arguments)]
fn learn_pdf(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    exclude: Vec<PathBuf>,
    families: Vec<Vec<String>>,
    corroborate: Vec<Vec<String>>,
    pool_versions: bool,
    generalize: bool,
    only: Vec<String>,
    text_repair: bool,
) -> PyResult<NativeTables> {
    py.detach(|| {
        let options = LearnPdfOptions {
            votes: glyphmend::learn::pdf_votes::VoteOptions {
                generalize,
                families,
                pool_versions,
                text: text_repair,
                corroborate,
                ..Default::default()
            },
            only,
            exclude,
        };
        let learned = from_pdfs::learn_pdf(&paths, &options).map_err(err)?;
        Ok(NativeTables {
            set: Arc::new(learned.table_set()),
            files: learned
                .tables
                .iter()
                .map(|t| (t.file_name(), t.file_text()))
                .collect(),
            learned: Some(learned),
        })
    })
}

/// Tables from a directory of `*.table` files (as `--tables` reads it: sorted by file name)
/// or from one `.table` file.
#[pyfunction]
fn load_tables(py: Python<'_>, path: PathBuf) -> PyResult<NativeTables> {
    py.detach(|| {
        let io = |p: &Path, e| err(glyphmend::Error::io(p, e));
        let paths = if path.is_dir() {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| io(&path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "table"))
                .collect();
            paths.sort();
            paths
        } else {
            vec![path]
        };
        let (mut tables, mut files) = (Vec::new(), Vec::new());
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
            tables.push(FontTable::parse(&p.display().to_string(), &text).map_err(err)?);
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((name, text));
        }
        Ok(NativeTables {
            set: Arc::new(TableSet { tables }),
            files,
            learned: None,
        })
    })
}

/// The inputs `glyphmend batch INPUT_DIR` would process, named as it names them.
#[pyfunction]
fn batch_inputs(py: Python<'_>, input_dir: PathBuf, out_dir: PathBuf) -> PyResult<Vec<String>> {
    py.detach(|| glyphmend::batch::list_inputs(&input_dir, &out_dir).map_err(err))
}

/// `glyphmend batch INPUT_DIR -o OUT` restricted to the inputs `only` (one worker thread):
/// one task of a distributed batch. Returns the manifest's summary as JSON.
#[pyfunction]
#[pyo3(signature = (input_dir, out_dir, only, tables=None, font_files=None, password=None, learn=true))]
#[allow(clippy::too_many_arguments)]
fn batch_part(
    py: Python<'_>,
    input_dir: PathBuf,
    out_dir: PathBuf,
    only: Vec<String>,
    tables: Option<PathBuf>,
    font_files: Option<Vec<PathBuf>>,
    password: Option<String>,
    learn: bool,
) -> PyResult<String> {
    py.detach(|| {
        let mut opts = glyphmend::batch::BatchOptions::new(input_dir, out_dir);
        opts.extra_tables = tables;
        opts.font_files = font_files.unwrap_or_default();
        opts.password = password;
        opts.learn = learn;
        opts.only = Some(only);
        // A part is read by the merge and removed: only the merged output is synced.
        opts.durable = false;
        let report = glyphmend::batch::run(&opts).map_err(err)?;
        json(&report.manifest.summary)
    })
}

/// `glyphmend merge PARTS... -o OUT`: joins finished batch parts (or shards) into the
/// directory one batch would have written. Returns the manifest's summary as JSON.
/// `consume`: the parts' document files are moved into OUT (the parts are not needed
/// afterwards).
#[pyfunction]
#[pyo3(signature = (parts, out_dir, consume = false))]
fn batch_merge(
    py: Python<'_>,
    parts: Vec<PathBuf>,
    out_dir: PathBuf,
    consume: bool,
) -> PyResult<String> {
    use glyphmend::batch::merge::{TakeDocs, merge_with};
    let take = if consume {
        TakeDocs::Move
    } else {
        TakeDocs::Copy
    };
    py.detach(|| {
        let report = merge_with(&parts, &out_dir, take).map_err(err)?;
        json(&report.manifest.summary)
    })
}

/// The JSON Schema of one program record (`glyphmend records --schema`).
#[pyfunction]
fn records_schema() -> String {
    glyphmend::pipeline::records_schema()
}

/// The version of the library inside.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("GlyphmendError", m.py().get_type::<GlyphmendError>())?;
    m.add_class::<NativeDocument>()?;
    m.add_class::<NativeTables>()?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(repair, m)?)?;
    m.add_function(wrap_pyfunction!(learn_pdf, m)?)?;
    m.add_function(wrap_pyfunction!(load_tables, m)?)?;
    m.add_function(wrap_pyfunction!(records_schema, m)?)?;
    m.add_function(wrap_pyfunction!(batch_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(batch_part, m)?)?;
    m.add_function(wrap_pyfunction!(batch_merge, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
