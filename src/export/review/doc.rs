//! One document's page of the review site (see the parent module for the layout).

use super::render::{self, Rendering};
use super::{DocCounts, TIERS, assets, escape, head, marked};
use crate::export::corpus::{DecodedRun, DocResult, LOW_CONFIDENCE, PageResult, SpanRecord};
use crate::export::diff::repaired_ranges;
use crate::export::manifest::InputEntry;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// What every document page needs to know about the site.
pub(super) struct Context<'a> {
    /// File name of the index (the pages link back to it).
    pub index_name: &'a str,
}

/// A PDF's page images: the rendering, or why there is none.
pub(super) type Images = Result<(String, Rendering), String>;

/// Line numbers of a page that hold something to review: a repaired span, a decoded or
/// unresolved run, unresolved garbling, or text the repair changed.
pub(crate) fn review_lines(p: &PageResult) -> Vec<usize> {
    let mut lines: BTreeSet<usize> = p.spans.iter().map(|s| s.line).collect();
    lines.extend(p.decoded.iter().map(|r| r.line));
    lines.extend(p.unresolved.iter().map(|u| u.line));
    for (i, (a, b)) in p
        .original
        .split('\n')
        .zip(p.repaired.split('\n'))
        .enumerate()
    {
        if a != b {
            lines.insert(i + 1);
        }
    }
    lines.into_iter().collect()
}

/// The cache directory name of an input's page images (a prefix of its content hash).
pub(super) fn image_key(sha256: &str) -> Option<String> {
    let key = sha256.get(..16)?;
    key.bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then(|| key.to_ascii_lowercase())
}

/// Removes image directories no document of this run uses (inputs gone or changed).
pub(super) fn remove_unused_images(img_dir: &Path, used: &BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(img_dir) else {
        return;
    };
    for e in entries.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        // Only directories this module names (16 lowercase hex digits) are ours to remove.
        if name.len() == 16
            && name
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            && !used.contains(&name)
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn fmt_conf(c: f32) -> String {
    format!("{c:.3}")
}

fn gids_text(r: &DecodedRun) -> String {
    let mut parts: Vec<String> = r
        .gids
        .iter()
        .take(12)
        .map(|g| g.map_or_else(|| "?".to_string(), |g| g.to_string()))
        .collect();
    if r.gids.len() > 12 {
        parts.push(format!("… ({} glyphs)", r.gids.len()));
    }
    parts.join(" ")
}

/// At most 40 characters of a run's text (the line beside it shows it whole).
fn short(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        s.push('…');
    }
    s
}

fn span_item(s: &SpanRecord) -> String {
    let mut h = format!(
        "<li class=\"item span\" data-conf=\"{}\"><b>{} → {}</b> · table <code>{}</code> · {} · \
         rule <code>{}</code>",
        fmt_conf(s.confidence),
        escape(&s.before),
        escape(&s.after),
        escape(&s.table),
        escape(&s.fix),
        escape(&s.rule)
    );
    if let Some(e) = &s.evidence {
        let _ = write!(h, " · evidence: {}", escape(e));
    }
    let _ = write!(h, " · confidence <b>{:.3}</b></li>", s.confidence);
    h
}

fn run_item(r: &DecodedRun) -> String {
    if r.unresolved > 0 {
        return format!(
            "<li class=\"item unres\">glyphs <code>{}</code> → <b>{}</b> · {} glyph(s) no \
             ToUnicode, cmap, table or outline explains (left as U+FFFD) · font <code>{}</code> \
             · fix: <code>--font-files DIR</code> or <code>learn pdf</code></li>",
            escape(&gids_text(r)),
            escape(&short(&r.text)),
            r.unresolved,
            escape(&r.font)
        );
    }
    let table = r
        .table
        .as_deref()
        .map(|t| format!(" · table <code>{}</code>", escape(t)))
        .unwrap_or_default();
    format!(
        "<li class=\"item run\" data-conf=\"{}\" data-source=\"{}\">glyphs <code>{}</code> → \
         <b>{}</b> · decoded by <code>{}</code>{table} · font <code>{}</code> · confidence \
         <b>{:.3}</b></li>",
        fmt_conf(r.confidence),
        escape(&r.source),
        escape(&gids_text(r)),
        escape(&short(&r.text)),
        escape(&r.source),
        escape(&r.font),
        r.confidence
    )
}

/// Pages per HTML file of a document: a long document is split into parts of this many
/// pages, each file linking to the others, so that every file stays quick to open.
pub(super) const PAGES_PER_FILE: usize = 25;

/// The file name of part `part` (0-based) of document `number`: `N.html`, `N-2.html`, …
pub(super) fn file_name(number: usize, part: usize) -> String {
    if part == 0 {
        format!("{number}.html")
    } else {
        format!("{number}-{}.html", part + 1)
    }
}

/// Renders the pages of document number `number`: (file name, HTML) per part.
pub(super) fn render(
    ctx: &Context<'_>,
    images: Option<&Images>,
    number: usize,
    entry: &InputEntry,
    d: &DocResult,
    c: &DocCounts,
    tier: u8,
) -> Vec<(String, String)> {
    let mut h = header(ctx, entry, d, c, tier);
    let pdf = d.kind == "pdf";
    let rendering = match images {
        Some(Ok((key, r))) => Some((key.as_str(), r)),
        Some(Err(note)) if pdf => {
            let _ = writeln!(
                h,
                "<p class=\"noimg\" id=\"image-note\">No page images: {}.</p>",
                escape(note)
            );
            None
        }
        _ => None,
    };
    let per_page: Vec<Vec<usize>> = d.pages.iter().map(review_lines).collect();
    let parts = d.pages.len().div_ceil(PAGES_PER_FILE).max(1);
    let mut files = Vec::with_capacity(parts);
    for part in 0..parts {
        let range = part * PAGES_PER_FILE..((part + 1) * PAGES_PER_FILE).min(d.pages.len());
        let mut f = head(&format!("{} — glyphmend review", d.path));
        let _ = writeln!(
            f,
            "<body data-kind=\"{}\" data-doc=\"{number}\" data-tier=\"{}\" \
             data-part=\"{}\" data-parts=\"{parts}\">",
            escape(&d.kind),
            TIERS[usize::from(tier.min(3))],
            part + 1
        );
        f.push_str(&h);
        if d.pages.len() > 1 {
            pager(&mut f, d, &per_page, number, part, parts);
        }
        for (k, (p, lines)) in d.pages[range.clone()]
            .iter()
            .zip(&per_page[range])
            .enumerate()
        {
            let image = rendering.and_then(|(key, r)| {
                r.pages
                    .iter()
                    .find(|rp| rp.page == p.page)
                    .map(|rp| (key, rp))
            });
            render_page(&mut f, p, lines, pdf, image, rendering.is_some(), k);
        }
        let _ = write!(
            f,
            "<script>{}</script>\n</body></html>\n",
            assets::DOC_SCRIPT
        );
        files.push((file_name(number, part), f));
    }
    files
}

/// The document page's top: controls, title, counts, provenance, attention, warnings (the
/// same on every part of the document).
fn header(ctx: &Context<'_>, entry: &InputEntry, d: &DocResult, c: &DocCounts, tier: u8) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"controls\"><a href=\"../../{}\" id=\"back\">← all documents</a> · \
         <label>confidence threshold <input type=\"number\" id=\"threshold\" min=\"0\" \
         max=\"1\" step=\"0.01\" value=\"{LOW_CONFIDENCE}\" style=\"width:5em\"> \
         <input type=\"range\" id=\"threshold-range\" min=\"0\" max=\"1\" step=\"0.01\" \
         value=\"{LOW_CONFIDENCE}\"></label>\
         <label><input type=\"checkbox\" id=\"only-under\"> only lines under it</label>\
         items <b id=\"js-items\">?</b>, under the threshold <b id=\"js-under\">?</b>, lines \
         shown <b id=\"js-visible\">?</b> · <kbd>j</kbd>/<kbd>k</kbd> next/previous line, \
         <kbd>n</kbd>/<kbd>p</kbd> page; click a line or a box</div>\n\
         <h1>{}</h1>\n",
        escape(ctx.index_name),
        escape(&d.path),
    );
    let _ = writeln!(
        h,
        "<table class=\"counts\" id=\"counts\"><tr><th>status</th><th>pages</th>\
         <th>repaired spans</th><th>under {LOW_CONFIDENCE}</th><th>self-learned</th>\
         <th>decoded runs</th><th>unresolved</th><th>lines to review</th>\
         <th>lowest confidence</th></tr><tr><td>{}</td><td>{}</td><td id=\"count-spans\">{}</td>\
         <td>{}</td><td>{}</td><td id=\"count-decoded\">{}</td><td id=\"count-unresolved\">{}</td>\
         <td id=\"count-lines\">{}</td><td>{:.3}</td></tr></table>",
        TIERS[usize::from(tier.min(3))],
        c.pages,
        c.spans.repaired_spans,
        c.spans.low_confidence_spans,
        c.spans.learned_spans,
        c.spans.decoded_spans,
        c.spans.unresolved_spans,
        c.lines,
        c.min_confidence
    );
    if !c.spans.provenance.is_empty() || c.spans.unresolved_glyphs > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\" id=\"provenance\">spans by provenance: {}{}{}</p>",
            escape(&c.spans.provenance_text()),
            super::index::tables_text(&c.spans),
            if c.spans.unresolved_glyphs > 0 {
                format!(" · unresolved glyphs: {}", c.spans.unresolved_glyphs)
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">{} · sha256 <code>{}</code> · manifest status <code>{:?}</code></p>",
        escape(&d.kind),
        escape(d.sha256.get(..16).unwrap_or(&d.sha256)),
        entry.status
    );
    if let Some(a) = &d.attention {
        h.push_str("<ul id=\"attention\">");
        for r in &a.reasons {
            let _ = write!(
                h,
                "<li class=\"reason\" data-kind=\"{}\">{}</li>",
                r.kind(),
                escape(&r.summary())
            );
        }
        h.push_str("</ul>\n");
    }
    if !d.warnings.is_empty() {
        let _ = write!(
            h,
            "<details id=\"warnings\"><summary>{} warning(s)</summary><ul>",
            d.warnings.len()
        );
        for w in &d.warnings {
            let _ = write!(h, "<li>{}</li>", escape(w));
        }
        h.push_str("</ul></details>\n");
    }
    h
}

/// Links to every page (with its count of lines to review) and to the neighbouring parts.
fn pager(
    f: &mut String,
    d: &DocResult,
    per_page: &[Vec<usize>],
    number: usize,
    part: usize,
    parts: usize,
) {
    f.push_str("<p class=\"pager\" id=\"pager\">pages: ");
    for (i, (p, lines)) in d.pages.iter().zip(per_page).enumerate() {
        let target = i / PAGES_PER_FILE;
        let href = if target == part {
            String::new()
        } else {
            file_name(number, target)
        };
        let _ = write!(
            f,
            "<a href=\"{href}#p-{0}\"{2}>{0}</a>{1} ",
            p.page,
            if lines.is_empty() {
                String::new()
            } else {
                format!("<sup>{}</sup>", lines.len())
            },
            if target == part {
                " class=\"here\""
            } else {
                ""
            }
        );
    }
    if part > 0 {
        let _ = write!(
            f,
            " <a id=\"prev-part\" rel=\"prev\" href=\"{}\">← pages {}–{}</a>",
            file_name(number, part - 1),
            (part - 1) * PAGES_PER_FILE + 1,
            part * PAGES_PER_FILE
        );
    }
    if part + 1 < parts {
        let _ = write!(
            f,
            " <a id=\"next-part\" rel=\"next\" href=\"{}\">pages {}–{} →</a>",
            file_name(number, part + 1),
            (part + 1) * PAGES_PER_FILE + 1,
            ((part + 2) * PAGES_PER_FILE).min(d.pages.len())
        );
    }
    f.push_str("</p>\n");
}

// Long: writes one page's HTML in order from one page result.
fn render_page(
    h: &mut String,
    p: &PageResult,
    lines: &[usize],
    pdf: bool,
    image: Option<(&str, &render::RenderedPage)>,
    rendered: bool,
    index: usize,
) {
    let n = p.page;
    let _ = writeln!(
        h,
        "<section class=\"page\" id=\"p-{n}\" data-page=\"{n}\"><h2>page {n} — {} line(s) to \
         review of {}</h2><div class=\"pair\">",
        lines.len(),
        p.stats.lines
    );
    if pdf {
        h.push_str("<div class=\"imgcol\">");
        match image {
            Some((key, rp)) => {
                // The first pages load at once (what a reader sees first); the rest lazily.
                let lazy = if index < 2 { "eager" } else { "lazy" };
                let _ = write!(
                    h,
                    "<div class=\"imgwrap\"><img src=\"../img/{key}/{}\" alt=\"page {n}\" \
                     loading=\"{lazy}\" class=\"page-img\">",
                    escape(&rp.file)
                );
                if let Some(g) = rp.geometry {
                    for &l in lines {
                        let Some(Some(b)) = p.line_boxes.get(l - 1) else {
                            continue;
                        };
                        let Some([x, y, w, ht]) = g.to_image(*b) else {
                            continue;
                        };
                        let unres = p.unresolved.iter().any(|u| u.line == l)
                            || p.decoded.iter().any(|r| r.line == l && r.unresolved > 0);
                        let _ = write!(
                            h,
                            "<div class=\"box{}\" id=\"box-p{n}-l{l}\" data-row=\"p{n}-l{l}\" \
                             title=\"line {l}\" style=\"left:{:.3}%;top:{:.3}%;width:{:.3}%;\
                             height:{:.3}%\"></div>",
                            if unres { " unres" } else { "" },
                            x * 100.0,
                            y * 100.0,
                            w * 100.0,
                            ht * 100.0
                        );
                    }
                }
                h.push_str("</div>");
                if rp.geometry.is_none() {
                    h.push_str(
                        "<p class=\"note\">No page geometry (pdfinfo missing or failed): \
                         lines are not boxed.</p>",
                    );
                } else if p.line_boxes.is_empty() && !lines.is_empty() {
                    h.push_str(
                        "<p class=\"note\">This output has no line positions (written by an \
                         older version): rerun the batch to box lines.</p>",
                    );
                }
            }
            None if rendered => {
                h.push_str("<p class=\"noimg\">This page was not rendered.</p>");
            }
            None => {
                h.push_str("<p class=\"noimg\">No image (see above).</p>");
            }
        }
        h.push_str("</div>");
    }
    h.push_str("<div class=\"textcol\">");
    if lines.is_empty() {
        let _ = write!(
            h,
            "<p class=\"note\">Nothing to review on this page ({} lines).</p>",
            p.stats.lines
        );
    } else {
        h.push_str("<table class=\"lines\">");
        let original: Vec<&str> = p.original.split('\n').collect();
        let repaired: Vec<&str> = p.repaired.split('\n').collect();
        for &l in lines {
            render_line(h, p, l, original.get(l - 1), repaired.get(l - 1));
        }
        h.push_str("</table>");
    }
    let geometry = image.and_then(|(_, rp)| rp.geometry);
    render_text(h, p, geometry.as_ref());
    h.push_str("</div></div></section>\n");
}

/// The page's whole text (as searched), one numbered row per line, folded: a search hit
/// or a click opens it at a line (`#line=pN-lM` when the line is not one to review). On a
/// rendered PDF page each row carries its box on the image (`data-box`, percentages), which
/// the page's script draws when the row is selected.
fn render_text(h: &mut String, p: &PageResult, geometry: Option<&render::PageGeometry>) {
    let n = p.page;
    let text = p.repaired.strip_suffix('\n').unwrap_or(&p.repaired);
    let count = if text.is_empty() {
        0
    } else {
        text.split('\n').count()
    };
    let _ = write!(
        h,
        "<details class=\"fulltext\" id=\"text-p{n}\"><summary>page text ({count} line(s))\
         </summary><table class=\"full\">"
    );
    for (i, line) in text.split('\n').take(count).enumerate() {
        let l = i + 1;
        let bx = geometry
            .zip(p.line_boxes.get(i).copied().flatten())
            .and_then(|(g, b)| g.to_image(b))
            .map(|[x, y, w, ht]| {
                format!(
                    " data-box=\"{:.3},{:.3},{:.3},{:.3}\"",
                    x * 100.0,
                    y * 100.0,
                    w * 100.0,
                    ht * 100.0
                )
            })
            .unwrap_or_default();
        let _ = write!(
            h,
            "<tr class=\"tline\" id=\"t-p{n}-l{l}\" data-line=\"{l}\"{bx}><td class=\"no\">{l}\
             </td><td class=\"txt\">{}</td></tr>",
            escape(line)
        );
    }
    h.push_str("</table></details>");
}

// Long: writes one line's HTML in order from its spans.
fn render_line(h: &mut String, p: &PageResult, l: usize, old: Option<&&str>, new: Option<&&str>) {
    let n = p.page;
    let (old, new) = (old.copied().unwrap_or(""), new.copied().unwrap_or(""));
    let spans: Vec<&SpanRecord> = p.spans.iter().filter(|s| s.line == l).collect();
    let runs: Vec<&DecodedRun> = p.decoded.iter().filter(|r| r.line == l).collect();
    let unresolved: Vec<_> = p.unresolved.iter().filter(|u| u.line == l).collect();
    let mut old_marks: Vec<(usize, usize, String)> = Vec::new();
    for s in &spans {
        old_marks.push((
            s.column.saturating_sub(1),
            s.end_column,
            format!(
                "<mark class=\"span\" data-conf=\"{}\">",
                fmt_conf(s.confidence)
            ),
        ));
    }
    for r in runs.iter().filter(|r| r.column > 0) {
        let open = if r.unresolved > 0 {
            "<mark class=\"unres\">".to_string()
        } else {
            format!(
                "<mark class=\"run\" data-conf=\"{}\">",
                fmt_conf(r.confidence)
            )
        };
        old_marks.push((r.column - 1, r.end_column, open));
    }
    for u in &unresolved {
        old_marks.push((u.start, u.end, "<mark class=\"unres\">".to_string()));
    }
    let _ = write!(
        h,
        "<tr class=\"line\" id=\"p{n}-l{l}\" data-line=\"{l}\"><td class=\"no\">{l}</td><td>"
    );
    if old == new {
        let _ = write!(
            h,
            "<div class=\"txt\"><span class=\"lbl\">text</span>{}</div>",
            marked(old, &old_marks)
        );
    } else {
        let new_marks: Vec<(usize, usize, String)> = match repaired_ranges(old, new, &spans) {
            Some(ranges) => {
                let mut sorted = spans.clone();
                sorted.sort_by_key(|s| s.column);
                ranges
                    .into_iter()
                    .zip(sorted)
                    .map(|((a, b), s)| {
                        let open = format!(
                            "<mark class=\"span\" data-conf=\"{}\">",
                            fmt_conf(s.confidence)
                        );
                        (a, b, open)
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let fixes: Vec<&str> = p
            .fixes
            .iter()
            .filter(|f| f.0 == l)
            .map(|f| f.1.as_str())
            .collect();
        let fix_note = if fixes.is_empty() {
            String::new()
        } else {
            format!(
                " <span class=\"note\">[reordered: {}]</span>",
                escape(&fixes.join(", "))
            )
        };
        let _ = write!(
            h,
            "<div class=\"txt orig\"><span class=\"lbl\">before</span>{}</div>\
             <div class=\"txt rep\"><span class=\"lbl\">after</span>{}{fix_note}</div>",
            marked(old, &old_marks),
            marked(new, &new_marks)
        );
    }
    h.push_str("<ul class=\"items\">");
    for s in &spans {
        h.push_str(&span_item(s));
    }
    for r in &runs {
        h.push_str(&run_item(r));
    }
    for u in &unresolved {
        let _ = write!(
            h,
            "<li class=\"item unres\"><b>{}</b> · unresolved ({}): looks garbled, no table \
             explains it; left as is · {:.2} sure it is garbled</li>",
            escape(&u.text),
            escape(&u.reason),
            u.confidence
        );
    }
    h.push_str("</ul></td></tr>\n");
}
