//! [`Document`]: one input after the pipeline, and the per-document result a batch stores.
//!
//! Invariant: a document always carries what it could not resolve and the warnings met;
//! its [`Document::text`] round-trips a text input's final form feed.

use super::{Attention, SourceKind, TextEncoding};
use crate::export::corpus::{DocResult, PageResult};
use serde::Serialize;

/// One input after the pipeline: its pages' text, what was repaired or decoded and how,
/// what stayed unresolved, and the warnings met.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The input's name (path as given, or relative to a batch directory).
    pub name: String,
    /// PDF or text.
    pub kind: SourceKind,
    /// sha256 of the input's bytes.
    pub sha256: String,
    /// A text input's encoding.
    pub encoding: Option<TextEncoding>,
    /// The text ended with a form feed (kept so that the text round-trips).
    #[serde(skip)]
    pub final_form_feed: bool,
    /// Pages: text as read, final text, repaired spans and unresolved garbling.
    pub pages: Vec<PageResult>,
    /// A PDF's lines and glyph runs with their provenance (ToUnicode, cmap, table, outline)
    /// and unresolved glyphs.
    pub glyphs: Option<crate::ingest::Document>,
    /// Warnings met reading the input (fonts, streams, tables in doubt).
    pub warnings: Vec<String>,
    /// Why a reader should look at this document, if at all.
    pub attention: Option<Attention>,
}

impl Document {
    /// The final text: pages separated by form feeds.
    pub fn text(&self) -> String {
        let mut s = self
            .pages
            .iter()
            .map(|p| p.repaired.as_str())
            .collect::<Vec<_>>()
            .join("\u{c}");
        if self.final_form_feed {
            s.push('\u{c}');
        }
        s
    }

    /// Glyphs of a PDF no source explained (shown as U+FFFD).
    pub fn unresolved_glyphs(&self) -> usize {
        self.glyphs.as_ref().map_or(0, |g| g.stats.unresolved)
    }

    /// The per-document result a batch stores (`doc.json`), under `path`.
    pub fn to_result(&self, path: &str) -> DocResult {
        DocResult {
            path: path.to_string(),
            sha256: self.sha256.clone(),
            kind: match self.kind {
                SourceKind::Pdf => "pdf".into(),
                SourceKind::Txt => "txt".into(),
            },
            pages: self.pages.clone(),
            warnings: self.warnings.clone(),
            attention: self.attention.clone(),
        }
    }
}
