//! PDF ingestion: exact text from (font, glyph ID), whatever the ToUnicode says.
//!
//! [`extract_bytes`] loads a PDF with lopdf, runs our own content-stream interpreter
//! ([`content`]) over each page, resolves every glyph through the mapping chain
//! ([`resolve`]: trusted ToUnicode → embedded font cmap → `mappings/` table → document
//! table → unresolved) and lays the glyphs out in reading order ([`layout`]).
//!
//! Invariants: no input panics or grows memory without bound (streams are capped at
//! [`ExtractOptions::max_stream_bytes`] decoded bytes, forms are depth- and cycle-limited,
//! and the whole document at [`ExtractOptions::budget`]: decoded bytes, operators, glyphs,
//! form draws — a document over budget is truncated with a warning, see [`budget`]); loops
//! in the page tree, /Resources or /Contents skip the looping part with a warning;
//! a page that draws images and no glyphs is reported as image-only, and read by OCR
//! ([`ocr`], Tesseract) only when [`ExtractOptions::ocr`] is set;
//! a glyph no source explains is emitted as U+FFFD ([`UNRESOLVED_CHAR`]) in text, counted in
//! [`Stats::unresolved`] and kept with its GID in the spans — never as a guessed character.

mod annotations;
pub mod budget;
pub mod cmap;
pub mod content;
mod document;
pub mod font;
mod fuzz;
mod interpret;
pub mod layout;
mod memo;
pub mod ocr;
mod pages;
pub mod pdf;
pub mod predefined;
pub mod resolve;
mod scans;
pub mod selflearn;

pub use document::{Document, Line, Page, Piece, Span, Stats};
#[doc(hidden)]
pub use fuzz::fuzz_content;
use interpret::{Interpreted, interpret};
use memo::Memo;
use scans::read_scans;

use crate::tables::TableSet;
use layout::{Gap, Placed};
use resolve::{FontResolver, MappingSource};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

pub use resolve::DocumentTables;

/// How the warning about a page with images and no text starts (followed by the page
/// number and `:`).
pub const IMAGE_ONLY_PREFIX: &str = "image-only page ";

/// What an unresolved glyph becomes in text output.
pub const UNRESOLVED_CHAR: char = '\u{FFFD}';

/// Why extraction failed outright.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{file}: cannot read")]
    Io {
        /// The file as named (`<stdin>` for stdin).
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a PDF or is damaged beyond reading.
    #[error("{file}: not a readable PDF: {reason}")]
    Unreadable {
        /// The file as named.
        file: String,
        /// Why it could not be read.
        reason: String,
    },
    /// The file is encrypted and the password (or its absence) does not open it.
    #[error("{file}: encrypted; {}", if *password_given { "the password given is wrong" } else { "give the password with --password" })]
    Encrypted {
        /// The file as named.
        file: String,
        /// Whether a password was given (and so was wrong).
        password_given: bool,
    },
    /// The requested page range is empty or starts outside the document.
    #[error("{file}: page range {first}-{last} outside 1-{pages}")]
    PageRange {
        /// The file as named.
        file: String,
        /// First page requested (1-based).
        first: u32,
        /// Last page requested (inclusive).
        last: u32,
        /// Pages the document has.
        pages: u32,
    },
}

impl From<IngestError> for crate::Error {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Io { file, source } => crate::Error::io(file, source),
            e => crate::Error::Pdf(e.to_string()),
        }
    }
}

/// Options of one extraction.
#[derive(Clone)]
pub struct ExtractOptions {
    /// Password for an encrypted file (none: the empty user password).
    pub password: Option<String>,
    /// 1-based inclusive page range.
    pub pages: Option<(u32, u32)>,
    /// Tables matched by BaseFont (user tables; consulted before the shipped ones).
    pub tables: Arc<TableSet>,
    /// Also match the shipped `mappings/` tables (each parsed on first use).
    pub builtin_tables: bool,
    /// Tables learned for this document (the learning stage fills this).
    pub document_tables: Option<Arc<dyn DocumentTables>>,
    /// Outlines of font files the user has: identify glyphs of renumbered subsets.
    pub outlines: Option<Arc<crate::tables::outlines::OutlineIndex>>,
    /// Cap on one decoded stream.
    pub max_stream_bytes: usize,
    /// Caps on the whole document's work.
    pub budget: budget::Budget,
    /// Table entries below this confidence are in doubt: the glyph stays unresolved and a
    /// warning says how many such entries were not applied.
    pub min_rule_confidence: f32,
    /// Read image-only pages (scans) with Tesseract ([`ocr`]); `None`: report them only.
    pub ocr: Option<ocr::OcrOptions>,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            password: None,
            pages: None,
            tables: Arc::new(TableSet::default()),
            builtin_tables: true,
            document_tables: None,
            outlines: None,
            max_stream_bytes: 64 << 20,
            budget: budget::Budget::default(),
            min_rule_confidence: 0.5,
            ocr: None,
        }
    }
}

/// Extracts a file; `-` reads stdin.
pub fn extract_path(path: &Path, opts: &ExtractOptions) -> Result<Document, IngestError> {
    let file = path.display().to_string();
    let bytes = if path.as_os_str() == "-" {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut v).map_err(|source| {
            IngestError::Io {
                file: "<stdin>".into(),
                source,
            }
        })?;
        v
    } else {
        std::fs::read(path).map_err(|source| IngestError::Io {
            file: file.clone(),
            source,
        })?
    };
    extract_bytes(&bytes, &file, opts)
}

/// The fonts a document uses (every font the content streams select, in order of first
/// use), with the warnings met on the way. Corpus learning reads ToUnicode, glyph IDs and
/// the embedded programs from these.
pub fn document_fonts(
    bytes: &[u8],
    file: &str,
    opts: &ExtractOptions,
) -> Result<(Vec<font::Font>, Vec<String>), IngestError> {
    let i = interpret(bytes, file, opts)?;
    Ok((i.fonts.fonts, i.warnings))
}

/// Extracts from memory; `file` names the input in errors and warnings.
pub fn extract_bytes(
    bytes: &[u8],
    file: &str,
    opts: &ExtractOptions,
) -> Result<Document, IngestError> {
    let Interpreted {
        fonts,
        raw_pages,
        image_only,
        mut warnings,
    } = interpret(bytes, file, opts)?;
    let renumbered = renumbered_fonts(&fonts.fonts, &raw_pages);
    let sources = resolve::Sources {
        tables: &opts.tables,
        builtin_tables: opts.builtin_tables,
        doc_tables: opts.document_tables.as_deref(),
        outlines: opts.outlines.as_deref(),
        min_confidence: opts.min_rule_confidence,
    };
    let mut font_warnings = Vec::new();
    let resolvers: Vec<FontResolver> = fonts
        .fonts
        .iter()
        .zip(&renumbered)
        .map(|(f, &r)| FontResolver::new(f, sources, r, &mut font_warnings))
        .collect();
    warnings.extend(font_warnings);
    let mut tally = Tally::default();
    let mut memo = Memo::default();
    let mut pages = Vec::new();
    for (number, raw, rules) in raw_pages {
        let lines = page_lines(
            number,
            &raw,
            &rules,
            &fonts.fonts,
            &resolvers,
            &mut memo,
            &mut tally,
        );
        pages.push(Page { number, lines });
    }
    memo.count_sources(&mut tally.stats);
    if let Some(ocr_opts) = &opts.ocr {
        read_scans(
            bytes,
            &image_only,
            opts.password.as_deref(),
            ocr_opts,
            &mut pages,
            &mut warnings,
        );
    }
    for r in &resolvers {
        warnings.extend(r.take_warnings());
    }
    let Tally { stats, in_doubt } = tally;
    summary_warnings(&stats, in_doubt, opts.min_rule_confidence, &mut warnings);
    Ok(Document {
        file: file.to_string(),
        pages,
        warnings,
        stats,
    })
}

/// Simple fonts drawing codes below 0x20 that their encoding leaves unnamed: the codes are
/// glyph ordinals of a renumbered subset. Tab, line feed and carriage return are not
/// evidence: Excel and Word draw a cell's line break as code 0x0A of a WinAnsi font, and a
/// renumbered subset always also draws its first glyphs, codes 1, 2, …. A font that is not
/// embedded is no subset.
fn renumbered_fonts(
    fonts: &[font::Font],
    raw_pages: &[(u32, Vec<content::RawGlyph>, Vec<content::Rule>)],
) -> Vec<bool> {
    let mut renumbered = vec![false; fonts.len()];
    for (_, raw, _) in raw_pages {
        for g in raw {
            let f = &fonts[g.font];
            if g.code < 0x20
                && !matches!(g.code, 0x09 | 0x0A | 0x0D)
                && f.code_map == font::CodeMap::OneByte
                && f.embedded
                && f.encoding_string(g.code).is_none()
            {
                renumbered[g.font] = true;
            }
        }
    }
    renumbered
}

/// What extraction counts over a document's glyphs.
#[derive(Default)]
struct Tally {
    stats: Stats,
    /// Unresolved glyphs that have a table entry below the confidence floor.
    in_doubt: usize,
}

/// Lays out a page's glyphs, those a later white rectangle covers
/// ([`content::RawGlyph::covered`]) apart from the rest and after them: text whited out and
/// written over stays whole and never interleaves with what was printed on it.
fn layers(
    placed: &[Placed],
    raw: &[content::RawGlyph],
    rules: &[content::Rule],
) -> (Vec<layout::LineLayout>, Vec<Option<[f32; 4]>>) {
    if !raw.iter().any(|g| g.covered) {
        return layout::lines_and_cells(placed, rules);
    }
    let mut lines = Vec::new();
    let mut cells = vec![None; placed.len()];
    for covered in [false, true] {
        let index: Vec<usize> = (0..placed.len())
            .filter(|&i| raw[i].covered == covered)
            .collect();
        let layer: Vec<Placed> = index.iter().map(|&i| placed[i].clone()).collect();
        let (layer_lines, layer_cells) = layout::lines_and_cells(&layer, rules);
        for mut line in layer_lines {
            for g in &mut line.glyphs {
                g.0 = index[g.0];
            }
            lines.push(line);
        }
        for (k, cell) in layer_cells.into_iter().enumerate() {
            cells[index[k]] = cell;
        }
    }
    (lines, cells)
}

/// What an unresolved glyph becomes in text output, as a string.
const UNRESOLVED_STR: &str = "\u{FFFD}";

/// A page's glyphs resolved and laid out into lines, each with its spans (runs of one
/// font and provenance) and pieces (runs without gaps, within one table cell).
fn page_lines(
    number: u32,
    raw: &[content::RawGlyph],
    rules: &[content::Rule],
    fonts: &[font::Font],
    resolvers: &[FontResolver],
    memo: &mut Memo,
    tally: &mut Tally,
) -> Vec<Line> {
    let ids: Vec<usize> = raw.iter().map(|g| memo.resolve(resolvers, g)).collect();
    let memo = &*memo;
    let resolved = |i: usize| &memo.entries[ids[i]];
    let placed: Vec<Placed> = raw
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let r = &resolved(i).resolved;
            let text = r.text.as_deref();
            Placed::new(g, text, fonts[g.font].cjk, stated(r, g.gid))
        })
        .collect();
    let mut lines = Vec::new();
    let (layouts, cell_box) = layers(&placed, raw, rules);
    for ll in layouts {
        let mut text = String::new();
        let mut spans: Vec<Span> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        for &(i, gap) in &ll.glyphs {
            let (g, e) = (&raw[i], resolved(i));
            let r = &e.resolved;
            let gap_text = match gap {
                Gap::None => "",
                Gap::Space => " ",
                Gap::Ideographic => "\u{3000}",
            };
            text.push_str(gap_text);
            let glyph_text = r.text.as_deref().unwrap_or(UNRESOLVED_STR);
            text.push_str(glyph_text);
            tally.stats.glyphs += 1;
            e.glyphs.set(e.glyphs.get() + 1);
            let unresolved = usize::from(r.source == MappingSource::Unresolved);
            tally.stats.unresolved += unresolved;
            tally.in_doubt += usize::from(e.in_doubt);
            let bbox = g.bbox();
            add_to_pieces(&mut pieces, gap, gap_text, glyph_text, bbox, cell_box[i]);
            let at = GlyphAt {
                g,
                r,
                font: &fonts[g.font].basefont,
                table: if r.source == MappingSource::Table {
                    resolvers[g.font].table().map(|t| t.name.as_str())
                } else {
                    None
                },
                gap_text,
                text: glyph_text,
                bbox,
                unresolved,
            };
            add_to_spans(&mut spans, number, &at);
        }
        lines.push(Line {
            text,
            vertical: ll.vertical,
            spans,
            pieces,
        });
    }
    lines
}

/// Whether a glyph's text is stated by a source that gives text (ToUnicode, predefined CMap,
/// simple-font encoding, the font's own cmap) rather than read from its glyph ID (tables,
/// outlines, learning, CIDs as code points) or missing; and is not the glyph ID itself printed
/// as a code point (a ToUnicode too small to be judged an identity map, or one that maps CIDs to
/// glyph IDs): the text layout may reorder as right-to-left (`layout::bidi`).
fn stated(r: &resolve::Resolved, gid: Option<u32>) -> bool {
    let source = matches!(
        r.source,
        MappingSource::ToUnicode
            | MappingSource::PredefinedCmap
            | MappingSource::Encoding
            | MappingSource::FontCmap
    );
    let glyph_id = |t: &str| {
        let mut cs = t.chars();
        matches!((cs.next(), cs.next(), gid), (Some(c), None, Some(g)) if c as u32 == g)
    };
    source && r.text.as_deref().is_some_and(|t| !glyph_id(t))
}

/// Adds a glyph (its text after its gap, its box, its ruled cell) to the line's pieces: to
/// the last piece when no gap separates them and they share the cell.
fn add_to_pieces(
    pieces: &mut Vec<Piece>,
    gap: Gap,
    gap_text: &'static str,
    glyph_text: &str,
    [x0, y0, x1, y1]: [f32; 4],
    cell: Option<[f32; 4]>,
) {
    match pieces.last_mut() {
        Some(p) if gap == Gap::None && p.cell == cell => {
            p.text.push_str(glyph_text);
            p.bbox = [
                p.bbox[0].min(x0),
                p.bbox[1].min(y0),
                p.bbox[2].max(x1),
                p.bbox[3].max(y1),
            ];
        }
        _ => pieces.push(Piece {
            gap: gap_text,
            text: glyph_text.to_string(),
            bbox: [x0, y0, x1, y1],
            cell,
        }),
    }
}

/// One glyph of a line as its span records it.
struct GlyphAt<'a> {
    g: &'a content::RawGlyph,
    r: &'a resolve::Resolved,
    /// The font's BaseFont.
    font: &'a String,
    /// The table that gave its text, if one did.
    table: Option<&'a str>,
    /// The gap text before it.
    gap_text: &'static str,
    /// Its text (U+FFFD when unresolved).
    text: &'a str,
    bbox: [f32; 4],
    /// 1 when unresolved.
    unresolved: usize,
}

/// Adds a glyph to the line's spans (page `number`): to the last span when font, source,
/// table and ToUnicode verdict are the same, else as a new span (the gap text then ends
/// the last one).
fn add_to_spans(spans: &mut Vec<Span>, number: u32, at: &GlyphAt<'_>) {
    let (g, r, font, table, gap_text, glyph_text, unresolved) = (
        at.g,
        at.r,
        at.font,
        at.table,
        at.gap_text,
        at.text,
        at.unresolved,
    );
    let [x0, y0, x1, y1] = at.bbox;
    match spans.last_mut() {
        Some(s)
            if s.font == *font
                && s.source == r.source
                && s.table.as_deref() == table
                && s.tounicode_distrust == r.tounicode_distrust =>
        {
            s.text.push_str(gap_text);
            s.text.push_str(glyph_text);
            s.codes.push(g.code);
            s.gids.push(g.gid);
            s.confidence = s.confidence.min(r.confidence);
            s.bbox = [
                s.bbox[0].min(x0),
                s.bbox[1].min(y0),
                s.bbox[2].max(x1),
                s.bbox[3].max(y1),
            ];
            s.unresolved += unresolved;
        }
        _ => {
            if !gap_text.is_empty()
                && let Some(s) = spans.last_mut()
            {
                s.text.push_str(gap_text);
            }
            spans.push(Span {
                page: number,
                text: glyph_text.to_string(),
                font: font.clone(),
                codes: vec![g.code],
                gids: vec![g.gid],
                source: r.source,
                table: table.map(String::from),
                confidence: r.confidence,
                tounicode_distrust: r.tounicode_distrust,
                bbox: [x0, y0, x1, y1],
                unresolved,
            })
        }
    }
}

/// The document-level warnings of the glyph counts.
fn summary_warnings(
    stats: &Stats,
    in_doubt: usize,
    min_rule_confidence: f32,
    warnings: &mut Vec<String>,
) {
    if in_doubt > 0 {
        warnings.push(format!(
            "{in_doubt} glyphs have only table entries in doubt (confidence below {}); not applied (lower --min-rule-confidence to apply them)",
            min_rule_confidence
        ));
    }
    if let Some(&n) = stats.by_source.get("notdef") {
        warnings.push(format!(
            "{n} glyph(s) drawn as .notdef (the font has no glyph for them): no text"
        ));
    }
    if stats.unresolved > 0 {
        warnings.push(format!(
            "{} of {} glyphs unresolved (shown as U+FFFD; GIDs in --json)",
            stats.unresolved, stats.glyphs
        ));
    }
}
