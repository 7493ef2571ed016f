//! The review site of a batch: static HTML (inline CSS and JS, no external assets, no
//! server) that opens from disk, for a corpus of thousands of documents.
//!
//! ```text
//! OUT/review.html                 the index: one row per input, needs-attention first
//! OUT/review/doc/<k>.html         one page per document (k: its position in the manifest;
//!                                 a long one continues in <k>-2.html, … every 25 pages)
//! OUT/review/img/<sha>/p-<N>.png  PDF pages rendered by pdftoppm (cached per input content)
//! ```
//!
//! * The index is a table of every input (failed ones too) ranked by tier — failed,
//!   unresolved (glyphs, garbling or text lost), to check (spans under
//!   [`LOW_CONFIDENCE`](crate::export::corpus::LOW_CONFIDENCE), self-learned readings,
//!   other attention reasons), ok — then by counts; sortable by
//!   any column and filterable by text. It holds counts only, never a document's text, so
//!   it stays small for thousands of documents.
//! * A document page has one section per page: for a PDF the rendered page with a box on
//!   every line that holds a repaired, decoded or unresolved run, beside the lines to review;
//!   every item shows before → after, table, rule, evidence and confidence as text. A
//!   confidence threshold flags (and optionally hides) what lies under it; `j`/`k` move
//!   between lines, `n`/`p` between pages; clicking a line selects its box and vice versa.
//!
//! Invariant: every count shown comes from [`DocCounts::of`] over the document's `doc.json`
//! (the index and the document page call the same function; the page's script counts the
//! items it shows, which are the same records). Rendering problems (no `pdftoppm`, input
//! gone or changed) are notes on the page, never failures.

mod assets;
mod doc;
mod index;
pub mod render;

use crate::export::corpus::{DocResult, SpanCounts};
use crate::export::manifest::{InputEntry, Manifest, Status, Timings};
use crate::export::outdir::{DocFile, OutDir};
use crate::export::{self, ExportError, Result};
use rayon::prelude::*;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// How to build the site.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Where the index goes (default `OUT/review.html`); the site's directory `review/` is
    /// created beside it.
    pub output: Option<PathBuf>,
    /// The batch's input directory, to find the PDFs to render (default: the one the batch
    /// recorded in `timings.json`).
    pub inputs: Option<PathBuf>,
    /// Do not render page images.
    pub no_images: bool,
}

/// What [`write_site`] wrote.
#[derive(Debug, Clone)]
pub struct ReviewReport {
    /// The index page.
    pub index: PathBuf,
    /// Document pages written.
    pub documents: usize,
    /// PDF pages with an image (rendered now or before).
    pub images: usize,
    /// Why some PDFs have no images (one line per reason and document count).
    pub notes: Vec<String>,
}

/// Counts of one document, from its `doc.json`: the single source of every number the site
/// shows about it. Its spans are [`SpanCounts::of`], as the manifest and
/// `needs_attention.json` count them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocCounts {
    /// Pages.
    pub pages: usize,
    /// Repaired, self-learned, decoded, low-confidence and unresolved spans, with
    /// provenance.
    pub spans: SpanCounts,
    /// Lines holding anything to review.
    pub lines: usize,
    /// Lowest confidence over spans and decoded runs (1 when there are none).
    pub min_confidence: f32,
    /// Warnings.
    pub warnings: usize,
}

impl DocCounts {
    /// The counts of `doc`.
    pub fn of(doc: &DocResult) -> DocCounts {
        let mut c = DocCounts {
            pages: doc.pages.len(),
            spans: SpanCounts::of(&doc.pages),
            warnings: doc.warnings.len(),
            min_confidence: 1.0,
            ..Default::default()
        };
        for p in &doc.pages {
            let resolved = p.decoded.iter().filter(|r| r.unresolved == 0);
            for conf in p
                .spans
                .iter()
                .map(|s| s.confidence)
                .chain(resolved.map(|r| r.confidence))
            {
                c.min_confidence = c.min_confidence.min(conf);
            }
            c.lines += doc::review_lines(p).len();
        }
        c
    }
}

/// How urgently an input needs a reader: 0 failed, 1 unresolved or text lost, 2 to check,
/// 3 ok.
pub fn tier(entry: &InputEntry, doc: Option<&DocResult>, c: &DocCounts) -> u8 {
    use crate::pipeline::attention::AttentionReason as R;
    if entry.status == Status::Failed || doc.is_none() {
        return 0;
    }
    let reasons = doc
        .and_then(|d| d.attention.as_ref())
        .map(|a| a.reasons.as_slice())
        .unwrap_or_default();
    let lost = reasons.iter().any(|r| {
        matches!(
            r,
            R::Truncated { .. }
                | R::ImageOnlyPages { .. }
                | R::UnresolvedGlyphs { .. }
                | R::UnresolvedSpans { .. }
        )
    });
    if c.spans.unresolved_spans > 0 || lost {
        1
    } else if c.spans.low_confidence_spans > 0 || c.spans.learned_spans > 0 || !reasons.is_empty() {
        2
    } else {
        3
    }
}

/// Tier names, by [`tier`].
pub const TIERS: [&str; 4] = ["failed", "unresolved", "check", "ok"];

/// One input as the site sees it.
pub(crate) struct Item<'a> {
    /// Its manifest entry.
    pub entry: &'a InputEntry,
    /// 1-based position in the manifest: the document page's name.
    pub number: usize,
    /// Its counts (zero for a failed input).
    pub counts: DocCounts,
    /// [`tier`].
    pub tier: u8,
}

/// Writes the review site of the batch output `out_dir`.
// Long: the site's files written in sequence from one manifest read.
pub fn write_site(out_dir: &Path, opts: &ReviewOptions) -> Result<ReviewReport> {
    let out = OutDir::new(out_dir);
    let manifest: Manifest = out.read_manifest()?;
    let index_path = opts.output.clone().unwrap_or_else(|| out.review_path());
    let site = index_path.parent().map_or_else(
        || PathBuf::from(OutDir::REVIEW_DIR),
        |p| p.join(OutDir::REVIEW_DIR),
    );
    let index_name = index_path.file_name().map_or_else(
        || "review.html".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let docs_dir = site.join("doc");
    // Pages of a previous run may name documents that are gone: start clean.
    match std::fs::remove_dir_all(&docs_dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(ExportError::io(&docs_dir, e));
        }
        _ => {}
    }
    std::fs::create_dir_all(&docs_dir).map_err(|e| ExportError::io(&docs_dir, e))?;
    let img_dir = site.join("img");
    let images = page_images(&out, &manifest, &img_dir, opts);
    let ctx = doc::Context {
        index_name: &index_name,
    };

    // Documents are independent: read and write them in parallel; the index needs only their
    // counts and tiers.
    type Written = (DocCounts, u8, Vec<PathBuf>);
    let results: Vec<Result<Option<Written>>> = manifest
        .inputs
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            if !e.status.has_outputs() || e.outputs.is_none() {
                return Ok(None);
            }
            let d: DocResult = export::read_json(&out.doc_file(&e.path, DocFile::Doc))?;
            let counts = DocCounts::of(&d);
            let t = tier(e, Some(&d), &counts);
            let img = e.sha256.as_deref().and_then(|s| images.get(s));
            let mut files = Vec::new();
            for (name, html) in doc::render(&ctx, img, i + 1, e, &d, &counts, t) {
                // Synced together below, before the index that links them.
                let path = docs_dir.join(name);
                export::write_replace(&path, html.as_bytes())?;
                files.push(path);
            }
            Ok(Some((counts, t, files)))
        })
        .collect();
    let mut items = Vec::with_capacity(results.len());
    let mut written: Vec<PathBuf> = Vec::new();
    let mut report = ReviewReport {
        index: index_path.clone(),
        documents: 0,
        images: 0,
        notes: Vec::new(),
    };
    for (i, (e, r)) in manifest.inputs.iter().zip(results).enumerate() {
        let (counts, t) = match r? {
            Some((counts, t, files)) => {
                report.documents += 1;
                written.extend(files);
                (counts, t)
            }
            None => (DocCounts::default(), 0),
        };
        items.push(Item {
            entry: e,
            number: i + 1,
            counts,
            tier: t,
        });
    }
    export::sync_file_system(&docs_dir, &written)?;
    let mut notes: std::collections::BTreeMap<&str, usize> = Default::default();
    for img in images.values() {
        match img {
            Ok((_, r)) => report.images += r.pages.len(),
            Err(n) => *notes.entry(n.as_str()).or_default() += 1,
        }
    }
    report.notes = notes
        .into_iter()
        .map(|(n, k)| format!("{n} ({k} PDF(s))"))
        .collect();
    if !opts.no_images {
        let used = images
            .values()
            .filter_map(|r| r.as_ref().ok().map(|(k, _)| k.clone()))
            .collect();
        doc::remove_unused_images(&img_dir, &used);
    }
    let html = index::render(&manifest, &items, &report.notes);
    export::write_atomic(&index_path, html.as_bytes())?;
    Ok(report)
}

/// The page images of every PDF with outputs, by input sha256: rendered now (each content
/// once, in parallel), found from a previous run, or why there are none.
fn page_images(
    out: &OutDir,
    manifest: &Manifest,
    img_dir: &Path,
    opts: &ReviewOptions,
) -> std::collections::HashMap<String, doc::Images> {
    let inputs = opts.inputs.clone().or_else(|| {
        export::read_json::<Timings>(&out.timings_path())
            .ok()
            .and_then(|t| t.input_dir)
    });
    let pdftoppm = render::which("pdftoppm");
    // One input path per content: copies of a file are rendered once.
    let mut wanted: std::collections::BTreeMap<&str, &str> = Default::default();
    for e in &manifest.inputs {
        if e.kind == crate::pipeline::SourceKind::Pdf
            && e.status.has_outputs()
            && e.outputs.is_some()
            && let Some(sha) = e.sha256.as_deref()
        {
            wanted.entry(sha).or_insert(e.path.as_str());
        }
    }
    let _ = std::fs::create_dir_all(img_dir);
    wanted
        .into_par_iter()
        .map(|(sha, path)| {
            let result = (|| {
                if opts.no_images {
                    return Err("turned off (--no-images)".to_string());
                }
                let key = doc::image_key(sha).ok_or("the input has no content hash")?;
                let dir = img_dir.join(&key);
                if let Some(r) = render::cached(&dir) {
                    return Ok((key, r));
                }
                let tool = pdftoppm
                    .as_deref()
                    .ok_or("pdftoppm not found (install poppler-utils)")?;
                let root = inputs
                    .as_deref()
                    .ok_or("the batch's input directory is unknown (pass --inputs DIR)")?;
                let mut pdf = root.to_path_buf();
                pdf.extend(path.split('/'));
                let bytes = std::fs::read(&pdf).map_err(|_| {
                    "the input PDF is no longer where the batch read it".to_string()
                })?;
                use sha2::Digest;
                if hex::encode(sha2::Sha256::digest(&bytes)) != sha {
                    return Err("the input PDF changed since the batch (rerun it)".into());
                }
                render::render(tool, &pdf, &dir).map(|r| (key, r))
            })();
            (sha.to_string(), result)
        })
        .collect()
}

/// The address of a line of a batch's document in its review site, relative to the batch's
/// output directory: `review/doc/<number>[-<part>].html#line=p<page>-l<line>` (`number`:
/// the document's 1-based position in the manifest; pages 1–25 are part 1, …; `line` 0:
/// the page, `#p-<page>`). The document page selects the line: its row among the lines to
/// review if it is one, else its row in the page's text, boxed on the page image.
pub fn line_link(number: usize, page: u32, line: usize) -> String {
    let part = (page.max(1) as usize - 1) / doc::PAGES_PER_FILE;
    let file = doc::file_name(number, part);
    let anchor = if line == 0 {
        format!("p-{page}")
    } else {
        format!("line=p{page}-l{line}")
    };
    format!("{}/doc/{file}#{anchor}", OutDir::REVIEW_DIR)
}

/// Writes the review site with default options (index at `target`, default
/// `OUT/review.html`); returns the index's path.
pub fn write_dir(out_dir: &Path, target: Option<&Path>) -> Result<PathBuf> {
    let opts = ReviewOptions {
        output: target.map(Path::to_path_buf),
        ..Default::default()
    };
    Ok(write_site(out_dir, &opts)?.index)
}

/// Escapes `s` for HTML text and attribute values; control characters are shown as
/// `U+XXXX` so garbled text stays visible.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls (garbled half-width text) would be invisible: show their code.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {
                let _ = write!(out, "<span class=ctl>U+{:04X}</span>", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// HTML of a line with non-overlapping character ranges wrapped in the given open tags.
pub(crate) fn marked(line: &str, marks: &[(usize, usize, String)]) -> String {
    let mut sorted: Vec<&(usize, usize, String)> = marks.iter().collect();
    sorted.sort_by_key(|m| m.0);
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    for (a, b, open) in sorted {
        let (a, b) = ((*a).max(pos).min(chars.len()), (*b).min(chars.len()));
        if a >= b {
            continue;
        }
        out.push_str(&escape(&chars[pos..a].iter().collect::<String>()));
        out.push_str(open);
        out.push_str(&escape(&chars[a..b].iter().collect::<String>()));
        out.push_str("</mark>");
        pos = b;
    }
    out.push_str(&escape(&chars[pos..].iter().collect::<String>()));
    out
}

/// The page head shared by the index and the document pages.
pub(crate) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>{}</style></head>\n",
        escape(title),
        assets::STYLE
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_controls() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert!(escape("a\u{1}b").contains("U+0001"));
    }

    #[test]
    fn line_links_name_the_part_holding_the_page() {
        assert_eq!(line_link(3, 2, 7), "review/doc/3.html#line=p2-l7");
        assert_eq!(line_link(3, 25, 1), "review/doc/3.html#line=p25-l1");
        assert_eq!(line_link(3, 26, 1), "review/doc/3-2.html#line=p26-l1");
        assert_eq!(line_link(12, 51, 0), "review/doc/12-3.html#p-51");
    }

    #[test]
    fn marks_wrap_character_ranges() {
        let m = vec![(1, 3, "<mark>".to_string())];
        assert_eq!(marked("x支援y", &m), "x<mark>支援</mark>y");
        assert_eq!(
            marked("<>", &[(0, 1, "<mark>".into())]),
            "<mark>&lt;</mark>&gt;"
        );
    }
}
