//! `glyphmend._native`: the Python module's compiled half (the `glyphmend` package wraps it).
//!
//! Invariants: every call runs the same [`glyphmend::pipeline::Pipeline`] the CLI runs, so a
//! file gives the same text, spans and records in Python as on the command line; work runs
//! with the GIL released (threads in Python run documents in parallel); results cross into
//! Python as JSON text produced by the same serde types the CLI prints, so the two can never
//! drift; errors are `glyphmend.GlyphmendError` with the CLI's message (the error and its
//! causes joined by ": ").

use glyphmend::pipeline::{Document, Options, Pipeline, Source, SourceKind};
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

/// The pipeline with the options the CLI's `extract` takes.
fn pipeline(
    pages: Option<(u32, u32)>,
    font_files: Option<Vec<PathBuf>>,
    tables: Option<PathBuf>,
    password: Option<String>,
) -> PyResult<Pipeline> {
    let pipeline = Pipeline::builtin()
        .map_err(err)?
        .with_tables_dir(tables.as_deref())
        .map_err(err)?;
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
/// pipeline.
#[pyfunction]
#[pyo3(signature = (path=None, data=None, name=None, kind=None, pages=None, font_files=None, tables=None, password=None))]
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
) -> PyResult<NativeDocument> {
    py.detach(|| {
        let pipeline = pipeline(pages, font_files, tables, password)?;
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
#[pyfunction]
#[pyo3(signature = (text, tables=None, min_rule_confidence=0.5))]
fn repair(
    py: Python<'_>,
    text: String,
    tables: Option<PathBuf>,
    min_rule_confidence: f32,
) -> PyResult<(String, String)> {
    py.detach(|| {
        let mut pipeline = pipeline(None, None, tables, None)?;
        pipeline.options.min_rule_confidence = min_rule_confidence;
        let repairer = pipeline.repairer();
        let result = repairer.repair_text(&text);
        let spans = result.spans_jsonl().map_err(err)?;
        Ok((result.text.into_owned(), spans))
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
        let report = glyphmend::batch::run(&opts).map_err(err)?;
        json(&report.manifest.summary)
    })
}

/// `glyphmend merge PARTS... -o OUT`: joins finished batch parts (or shards) into the
/// directory one batch would have written. Returns the manifest's summary as JSON.
#[pyfunction]
fn batch_merge(py: Python<'_>, parts: Vec<PathBuf>, out_dir: PathBuf) -> PyResult<String> {
    py.detach(|| {
        let report = glyphmend::batch::merge::merge(&parts, &out_dir).map_err(err)?;
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
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(repair, m)?)?;
    m.add_function(wrap_pyfunction!(records_schema, m)?)?;
    m.add_function(wrap_pyfunction!(batch_inputs, m)?)?;
    m.add_function(wrap_pyfunction!(batch_part, m)?)?;
    m.add_function(wrap_pyfunction!(batch_merge, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
