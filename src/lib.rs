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
//!
//! # Example
//!
//! Repair text another extractor printed with glyph IDs for characters, read a PDF whose
//! fonts have no ToUnicode, and take program records from a document (tables from files:
//! [`learn::from_pdfs::learn_pdf`]):
//!
//! ```
//! use glyphmend::pipeline::{Pipeline, Source, records};
//!
//! let pipeline = Pipeline::builtin()?;
//! // Glyph IDs printed as code points (pdftotext on a font without ToUnicode): 支援を行う.
//! let text = pipeline.run(Source::text("garbled.txt", "ᨭ᥼を⾜う\n"))?;
//! assert_eq!(text.text(), "支援を行う\n");
//!
//! // Every glyph resolved from the font's own evidence or a shipped table: none left over.
//! let pdf = pipeline.read("tests/fixtures/pdf/office_emu_ipamj__a_no_tounicode.pdf".as_ref())?;
//! assert_eq!(pdf.unresolved_glyphs(), 0);
//! assert!(!pdf.text().contains('\u{FFFD}'));
//!
//! let sheet = "事業名　地域交通確保事業\n予算額　１２３百万円\n";
//! let found = records(&pipeline.run(Source::text("sheet.txt", sheet))?);
//! assert_eq!(found[0].name.as_deref(), Some("地域交通確保事業"));
//! assert_eq!(found[0].budget[0].amount_yen, Some(123_000_000));
//! println!("{}", serde_json::to_string(&found[0])?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
