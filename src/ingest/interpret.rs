//! Running the content streams of the requested pages: the fonts met, each page's
//! positioned glyphs and ruling lines, and which pages are image-only.
//!
//! Invariants: a page range outside the document is an error, never clamped silently; the
//! document budget stops the loop (with the meter's warning); a /Contents or /Resources
//! loop skips the looping part with a warning; an image-only page gets the
//! [`IMAGE_ONLY_PREFIX`] warning saying OCR was not run (rewritten by [`super::scans`]
//! when it is); glyphs drawn wholly outside the page's MediaBox are left out, as viewers and
//! `pdftotext` leave them out, unless the box holds none of the page's glyphs (then the box,
//! not the text, is taken to be wrong).

use super::content::{self, FontCache, IDENTITY, Interpreter};
use super::pages::{contents_is_reference, page_frame, page_resources, page_tree, visible_box};
use super::{ExtractOptions, IMAGE_ONLY_PREFIX, IngestError, annotations, ocr, pdf};

/// The content streams run: the fonts met and each page's positioned glyphs.
pub(super) struct Interpreted {
    pub(super) fonts: FontCache,
    /// Per page: number, glyphs, ruling lines.
    pub(super) raw_pages: Vec<(u32, Vec<content::RawGlyph>, Vec<content::Rule>)>,
    /// Pages that draw images and no glyphs, with where they lie (for OCR).
    pub(super) image_only: Vec<(u32, ocr::PageFrame)>,
    pub(super) warnings: Vec<String>,
}

// Long: the document's pages interpreted in sequence over shared fonts, budget and warnings.
pub(super) fn interpret(
    bytes: &[u8],
    file: &str,
    opts: &ExtractOptions,
) -> Result<Interpreted, IngestError> {
    let pdf = pdf::Pdf::load(
        bytes,
        opts.password.as_deref(),
        opts.max_stream_bytes,
        opts.budget,
    )
    .map_err(|e| match e {
        pdf::LoadFailure::Encrypted { password_given } => IngestError::Encrypted {
            file: file.to_string(),
            password_given,
        },
        pdf::LoadFailure::Unreadable(reason) => IngestError::Unreadable {
            file: file.to_string(),
            reason,
        },
    })?;
    let mut warnings = pdf.load_warnings.clone();
    let page_ids = page_tree(&pdf, &mut warnings);
    if page_ids.is_empty() {
        return Err(IngestError::Unreadable {
            file: file.to_string(),
            reason: "no pages (page tree missing or broken)".into(),
        });
    }
    let n_pages = page_ids.len() as u32;
    let (first, last) = opts.pages.unwrap_or((1, n_pages));
    if first == 0 || first > last || first > n_pages {
        return Err(IngestError::PageRange {
            file: file.to_string(),
            first,
            last,
            pages: n_pages,
        });
    }
    let mut fonts = FontCache::default();
    let mut raw_pages = Vec::new();
    let mut image_only = Vec::new();
    // (page, glyphs left out): one summary warning at the end, not one line per page.
    let mut off_page: Vec<(u32, usize)> = Vec::new();
    for (&number, &id) in page_ids.range(first..=last.min(n_pages)) {
        if pdf.meter.exhausted() {
            break;
        }
        pdf.meter.set_page(number);
        let mut content = Vec::new();
        let content_ids = pdf.get_page_contents(id);
        if content_ids.is_empty() && contents_is_reference(&pdf, id) {
            warnings.push(format!(
                "page {number}: /Contents is a reference loop or names no stream; page skipped"
            ));
        }
        for cid in content_ids {
            if pdf.meter.exhausted() {
                break;
            }
            match pdf.get_object(cid) {
                Ok(lopdf::Object::Stream(s)) => match pdf.stream_bytes(s) {
                    Ok(b) => {
                        content.extend_from_slice(&b);
                        content.push(b'\n');
                    }
                    Err(e) => warnings.push(format!("page {number}: content stream: {e}")),
                },
                _ => warnings.push(format!("page {number}: content object missing")),
            }
        }
        let resources = page_resources(&pdf, id);
        if resources.is_err() {
            warnings.push(format!(
                "page {number}: /Resources is a reference loop or missing; its fonts are unavailable"
            ));
        }
        let mut interp = Interpreter::new(&pdf, &mut fonts);
        interp.run(&content, resources.ok().flatten(), IDENTITY);
        annotations::draw(&pdf, id, &mut interp);
        interp.mark_covered();
        warnings.extend(
            interp
                .warnings
                .into_iter()
                .map(|w| format!("page {number}: {w}")),
        );
        if interp.glyphs.is_empty() && interp.images > 0 && !pdf.meter.exhausted() {
            warnings.push(format!("{IMAGE_ONLY_PREFIX}{number}: no text; OCR not run"));
            image_only.push((number, page_frame(&pdf, id)));
        }
        let mut glyphs = interp.glyphs;
        if let Some(visible) = visible_box(&pdf, id) {
            let dropped = drop_off_page(&mut glyphs, visible);
            if dropped > 0 {
                off_page.push((number, dropped));
            }
        }
        raw_pages.push((number, glyphs, interp.rules));
    }
    warnings.extend(pdf.meter.warning());
    if !off_page.is_empty() {
        let total: usize = off_page.iter().map(|&(_, n)| n).sum();
        let pages: Vec<String> = off_page.iter().map(|(p, _)| p.to_string()).collect();
        warnings.push(format!(
            "{total} glyph(s) drawn outside their page's MediaBox left out (page(s) {})",
            pages.join(", ")
        ));
    }
    Ok(Interpreted {
        fonts,
        raw_pages,
        image_only,
        warnings,
    })
}

/// Removes the glyphs that lie wholly outside `visible` ([x0, y0, x1, y1], user space) and
/// returns how many. Producers park text there that no viewer shows (Ichitaro repeats a
/// table's header column above the page on every continuation page; a page cut in half by
/// a smaller MediaBox keeps the other half's text). A glyph counts as
/// outside when the segment from its origin to its advanced origin misses the box by more
/// than a tolerance, so a glyph on the edge stays. When no glyph of the page is inside, all
/// are kept: a box that misses the whole page's text is more likely wrong than the text.
pub(super) fn drop_off_page(glyphs: &mut Vec<content::RawGlyph>, visible: [f32; 4]) -> usize {
    // Half a point: rounding in producers' boxes, never a visible glyph.
    const TOLERANCE: f32 = 0.5;
    let [x0, y0, x1, y1] = visible;
    let inside = |g: &content::RawGlyph| {
        g.x.max(g.x_end) >= x0 - TOLERANCE
            && g.x.min(g.x_end) <= x1 + TOLERANCE
            && g.y.max(g.y_end) >= y0 - TOLERANCE
            && g.y.min(g.y_end) <= y1 + TOLERANCE
    };
    if !glyphs.iter().any(inside) {
        return 0;
    }
    let before = glyphs.len();
    glyphs.retain(inside);
    before - glyphs.len()
}
