//! What extraction gives: a document of pages of lines of spans (runs of glyphs sharing font and
//! mapping source), with statistics.

use super::*;

/// A run of glyphs on one line sharing font and mapping source.
#[derive(Debug, Clone, Serialize)]
pub struct Span {
    /// 1-based page number.
    pub page: u32,
    /// The span's text, layout gaps included (U+FFFD for each unresolved glyph).
    pub text: String,
    /// BaseFont as written in the PDF.
    pub font: String,
    /// Character code of each glyph.
    pub codes: Vec<u32>,
    /// Glyph IDs where the font structure determines them.
    pub gids: Vec<Option<u32>>,
    /// Which source gave the text.
    pub source: MappingSource,
    /// Name of the table for `source = table`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Lowest confidence over the span's glyphs.
    pub confidence: f32,
    /// The ToUnicode had entries here that were not used as they stand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tounicode_distrust: Option<cmap::Distrust>,
    /// [x0, y0, x1, y1] in PDF user space (y up).
    pub bbox: [f32; 4],
    /// Glyphs of the span left unresolved.
    pub unresolved: usize,
}

/// One line of text.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// The line's text, layout gaps included (U+FFFD for each unresolved glyph).
    pub text: String,
    /// A vertical column rather than a horizontal line.
    pub vertical: bool,
    /// The runs of glyphs on the line, in reading order.
    pub spans: Vec<Span>,
    /// The line's text cut at layout gaps and cell borders, with positions (for the record
    /// reader's geometry; not serialised).
    #[serde(skip)]
    pub pieces: Vec<Piece>,
}

/// A run of a line's text drawn without a layout gap inside one place (a ruled cell or the
/// flowing text): `line.text` is the pieces' `gap` + `text` concatenated.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The gap inserted before the piece ("", " " or U+3000).
    pub gap: &'static str,
    /// The piece's text.
    pub text: String,
    /// [x0, y0, x1, y1] of its glyphs in PDF user space (y up).
    pub bbox: [f32; 4],
    /// The ruled table cell [x0, y0, x1, y1] it was read in, if any.
    pub cell: Option<[f32; 4]>,
}

/// One page.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// The page's lines in reading order.
    pub lines: Vec<Line>,
}

impl Page {
    /// Lines, each ended by a newline.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            s.push_str(&l.text);
            s.push('\n');
        }
        s
    }
}

/// Counts over the whole extraction.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Glyphs in the text (an overprinted glyph counted once).
    pub glyphs: usize,
    /// Of those, glyphs left unresolved (U+FFFD).
    pub unresolved: usize,
    /// Glyphs by mapping source (its kebab-case name).
    pub by_source: std::collections::BTreeMap<String, usize>,
}

/// An extracted document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The file as named by the caller.
    pub file: String,
    /// The pages extracted, in order.
    pub pages: Vec<Page>,
    /// What was odd or lost (budgets, distrusted ToUnicode, unresolved glyphs, …).
    pub warnings: Vec<String>,
    /// Counts over all pages.
    pub stats: Stats,
}

impl Document {
    /// All pages' text joined by a form feed.
    pub fn text(&self) -> String {
        self.pages
            .iter()
            .map(Page::text)
            .collect::<Vec<_>>()
            .join("\x0c")
    }
}
