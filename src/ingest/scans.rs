//! Image-only pages (scans) read by OCR: their lines, in the shape of extracted lines,
//! replace the page's empty ones.
//!
//! Invariants: an OCR line is one span with source `ocr` and the line's mean confidence,
//! with boxes in user space; the page's image-only warning is rewritten to say how it was
//! read, or why it could not be — never dropped.

use super::resolve::MappingSource;
use super::{IMAGE_ONLY_PREFIX, Line, Page, Piece, Span, ocr};

/// Reads the image-only pages by OCR: their lines replace the (empty) extracted ones and
/// their warning says how they were read, or why they could not be.
pub(super) fn read_scans(
    bytes: &[u8],
    image_only: &[(u32, ocr::PageFrame)],
    password: Option<&str>,
    opts: &ocr::OcrOptions,
    pages: &mut [Page],
    warnings: &mut [String],
) {
    for &(number, frame) in image_only {
        let outcome = match ocr::read_page(bytes, number, password, opts) {
            Ok(read) if read.lines.is_empty() => "no text; OCR found none".to_string(),
            Ok(read) => {
                let lines: Vec<Line> = read
                    .lines
                    .iter()
                    .map(|l| ocr_line(number, l, frame, read.image_size))
                    .collect();
                let mean =
                    lines.iter().map(|l| l.spans[0].confidence).sum::<f32>() / lines.len() as f32;
                let outcome = format!(
                    "read by OCR ({}, {} lines, mean confidence {:.2})",
                    ocr::ENGINE,
                    lines.len(),
                    mean
                );
                if let Some(p) = pages.iter_mut().find(|p| p.number == number) {
                    p.lines = lines;
                }
                outcome
            }
            Err(e) => format!("no text; OCR failed: {e}"),
        };
        let old = format!("{IMAGE_ONLY_PREFIX}{number}: no text; OCR not run");
        if let Some(w) = warnings.iter_mut().find(|w| **w == old) {
            *w = format!("{IMAGE_ONLY_PREFIX}{number}: {outcome}");
        }
    }
}

/// One OCR line as an extracted line: one span (source `ocr`, the line's mean confidence)
/// and one piece per word, boxes in user space.
fn ocr_line(page: u32, l: &ocr::OcrLine, frame: ocr::PageFrame, size: (u32, u32)) -> Line {
    let text = l.text();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut joined = String::new();
    for w in &l.words {
        let before = joined.clone();
        joined = ocr::join_words([before.as_str(), w.text.as_str()]);
        let added = &joined[before.len()..];
        let (gap, word) = match added.strip_prefix(' ') {
            Some(rest) => (" ", rest),
            None => ("", added),
        };
        pieces.push(Piece {
            gap,
            text: word.to_string(),
            bbox: frame.to_user(w.bbox, size),
            cell: None,
        });
    }
    let span = Span {
        page,
        text: text.clone(),
        font: ocr::ENGINE.to_string(),
        codes: Vec::new(),
        gids: Vec::new(),
        source: MappingSource::Ocr,
        table: None,
        confidence: l.confidence(),
        tounicode_distrust: None,
        bbox: frame.to_user(l.bbox(), size),
        unresolved: 0,
    };
    Line {
        text,
        vertical: l.vertical(),
        spans: vec![span],
        pieces,
    }
}
