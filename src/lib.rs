//! glyphmend: exact text out of Japanese government PDFs whose fonts lost their ToUnicode.
//!
//! Every command runs one [`pipeline`]: an input (PDF or text in any supported encoding) →
//! a [`pipeline::Document`] (pages, lines, spans with provenance, unresolved glyphs,
//! warnings) → program records. Its stages, one module each, data flowing one way:
//!
//! * [`ingest`] — PDF content streams → glyphs with (font, code, GID, ToUnicode, position).
//! * [`detect`] — find garbled spans (glyph IDs printed as code points) in text.
//! * [`repair`] — map them back through per-font [`tables`], undo bidi and NFC damage.
//! * [`segment`] — clean text → budget-program records.
//! * [`export`] — corpus, search index, review reports.
//!
//! Models the stages share: [`tables`] (GID → Unicode, reviewable data in `mappings/`),
//! [`lm`] (character n-gram language model) and [`learn`] (deriving tables).

#![deny(missing_docs)]

pub mod batch;
pub mod detect;
pub mod error;
pub mod eval;
pub mod export;
pub mod ingest;
pub mod learn;
pub mod lm;
pub mod pipeline;
pub mod repair;
pub mod segment;
pub mod tables;

pub use error::{Error, Result};
