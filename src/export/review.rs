//! A static HTML review of a batch: one self-contained file (inline CSS and JS, no external
//! assets, no server) that opens from disk.
//!
//! Per document and page, the changed lines side by side (original | repaired), repaired
//! spans highlighted with table, rule and confidence on hover (`title`), unresolved garbling
//! marked, counts per table, failed inputs with their errors. A checkbox (or the URL hash
//! `#low`) filters to lines holding low-confidence spans.
//!
//! The inline script is the single source of the live numbers: on load it counts the span
//! marks into `#js-count-spans`, `#js-count-low`, fills `#js-table-counts`, flags rows with
//! low-confidence spans, applies the filter from the hash and writes the number of visible
//! lines into `#js-count-visible`. A headless browser's DOM dump therefore shows whether the
//! page works.

use crate::export::corpus::{DocResult, LOW_CONFIDENCE, PageResult, SpanRecord};
use crate::export::diff::repaired_ranges;
use crate::export::manifest::Manifest;
use crate::export::outdir::{DocFile, OutDir};
use crate::export::{self, Result};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Reads a batch output directory and renders its review page.
pub fn render_dir(out_dir: &Path) -> Result<String> {
    let out = OutDir::new(out_dir);
    let manifest: Manifest = out.read_manifest()?;
    let mut docs = Vec::new();
    for e in &manifest.inputs {
        if !e.status.has_outputs() || e.outputs.is_none() {
            continue;
        }
        docs.push(export::read_json::<DocResult>(
            &out.doc_file(&e.path, DocFile::Doc),
        )?);
    }
    Ok(render(&manifest, &docs))
}

/// Writes `review.html` into the output directory; returns its path.
pub fn write_dir(out_dir: &Path, target: Option<&Path>) -> Result<std::path::PathBuf> {
    let html = render_dir(out_dir)?;
    let path = target
        .map(Path::to_path_buf)
        .unwrap_or_else(|| OutDir::new(out_dir).review_path());
    export::write_atomic(&path, html.as_bytes())?;
    Ok(path)
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

const STYLE: &str = r#"
body{font-family:system-ui,"Noto Sans CJK JP","IPAexGothic",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1em;color:#555}
table.lines{border-collapse:collapse;width:100%;table-layout:fixed}
table.lines td{border-top:1px solid #eee;padding:2px 6px;vertical-align:top;white-space:pre-wrap;word-break:break-all}
table.lines td.no{width:3.5em;color:#888;text-align:right}
table.lines th{text-align:left;color:#666;font-weight:normal}
td.orig{background:#fff7f7} td.rep{background:#f6fff6}
mark.span{background:#ffe28a;border-radius:2px;cursor:help}
mark.span.low{background:#ff9c8a;outline:1px solid #c00}
mark.unresolved{background:#d8d8ff;cursor:help}
.ctl{font-size:.7em;color:#a00;border:1px solid #a00}
table.counts{border-collapse:collapse} table.counts td,table.counts th{border:1px solid #ccc;padding:2px 8px}
.failed{color:#a00}
.only-low tr.line:not(.has-low),.only-low section.page:not(.has-low),.only-low section.doc:not(.has-low){display:none}
.note{color:#666}
"#;

const SCRIPT: &str = r#"
(function(){
  var thr = parseFloat(document.body.getAttribute('data-low-threshold'));
  var marks = document.querySelectorAll('td.orig mark.span');
  var low = 0, per = {};
  marks.forEach(function(m){
    var c = parseFloat(m.getAttribute('data-conf')), t = m.getAttribute('data-table');
    per[t] = per[t] || [0, 0]; per[t][0]++;
    if (c < thr) {
      low++; per[t][1]++;
      var row = m.closest('tr.line'); row.classList.add('has-low');
      var pg = m.closest('section.page'); if (pg) pg.classList.add('has-low');
      var doc = m.closest('section.doc'); if (doc) doc.classList.add('has-low');
      var id = m.getAttribute('data-span');
      row.querySelectorAll('mark.span[data-span="' + id + '"]').forEach(function(x){ x.classList.add('low'); });
    }
  });
  document.getElementById('js-count-spans').textContent = marks.length;
  document.getElementById('js-count-low').textContent = low;
  var body = document.getElementById('js-table-counts');
  Object.keys(per).sort().forEach(function(t){
    var tr = document.createElement('tr');
    tr.className = 'js-table-row';
    tr.setAttribute('data-table', t);
    [t, per[t][0], per[t][1]].forEach(function(v){ var td = document.createElement('td'); td.textContent = v; tr.appendChild(td); });
    body.appendChild(tr);
  });
  var box = document.getElementById('only-low');
  function apply(){
    document.body.classList.toggle('only-low', box.checked);
    var visible = 0;
    document.querySelectorAll('tr.line').forEach(function(r){ if (r.getClientRects().length > 0) visible++; });
    document.getElementById('js-count-visible').textContent = visible;
    document.body.setAttribute('data-filter', box.checked ? 'low' : 'all');
  }
  box.addEventListener('change', function(){
    history.replaceState(null, '', box.checked ? '#low' : '#');
    apply();
  });
  window.addEventListener('hashchange', function(){ box.checked = location.hash === '#low'; apply(); });
  box.checked = location.hash === '#low';
  apply();
})();
"#;

/// Renders the review page of a manifest and its documents.
pub fn render(manifest: &Manifest, docs: &[DocResult]) -> String {
    let mut per_table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in docs.iter().flat_map(|d| d.spans()) {
        let e = per_table.entry(s.table.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(s.confidence < LOW_CONFIDENCE);
    }
    let sm = &manifest.summary;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>glyphmend review</title><style>{STYLE}</style></head>\n\
         <body data-low-threshold=\"{LOW_CONFIDENCE}\" data-filter=\"none\">\n\
         <h1>glyphmend review</h1>\n\
         <p>{} inputs: {} ok, <span class=\"failed\">{} failed</span>; {} pages. \
         {} ({} with tables version <code>{}</code>).</p>\n",
        sm.inputs,
        sm.ok,
        sm.failed,
        sm.pages,
        escape(&manifest.tool),
        manifest.tables.len(),
        escape(
            manifest
                .tables_version
                .get(..12)
                .unwrap_or(&manifest.tables_version)
        ),
    );
    let _ = write!(
        h,
        "<p>Repaired spans: <b id=\"js-count-spans\">?</b> (manifest: \
         <span id=\"manifest-count-spans\">{}</span>), low confidence (&lt; {LOW_CONFIDENCE}): \
         <b id=\"js-count-low\">?</b> (manifest: <span id=\"manifest-count-low\">{}</span>); \
         unresolved: {}. Lines shown: <b id=\"js-count-visible\">?</b>.</p>\n\
         <p><label><input type=\"checkbox\" id=\"only-low\"> only lines with low-confidence \
         spans</label> <span class=\"note\">(or open with <code>#low</code>; hover a span for \
         its table, rule and confidence)</span></p>\n",
        sm.repaired_spans, sm.low_confidence_spans, sm.unresolved_spans
    );
    h.push_str(
        "<h2>Spans per table</h2>\n<table class=\"counts\" id=\"table-counts\"><thead>\
         <tr><th>table</th><th>spans</th><th>low confidence</th></tr></thead><tbody>",
    );
    for (t, (n, low)) in &per_table {
        let _ = write!(
            h,
            "<tr class=\"static-table-row\"><td>{}</td><td>{n}</td><td>{low}</td></tr>",
            escape(t)
        );
    }
    h.push_str(
        "</tbody></table>\n<p class=\"note\">Counted live by the page:</p>\
         <table class=\"counts\"><thead><tr><th>table</th><th>spans</th><th>low confidence</th>\
         </tr></thead><tbody id=\"js-table-counts\"></tbody></table>\n",
    );
    let failed: Vec<_> = manifest
        .inputs
        .iter()
        .filter(|e| e.status == crate::export::manifest::Status::Failed)
        .collect();
    if !failed.is_empty() {
        h.push_str("<h2 class=\"failed\">Failed inputs</h2>\n<ul id=\"failed\">");
        for e in failed {
            let _ = write!(
                h,
                "<li class=\"failed-input\"><code>{}</code> ({}): {}</li>",
                escape(&e.path),
                escape(e.failed_stage.map_or("?", |s| s.name())),
                escape(e.error.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<h2>Documents</h2>\n<ul>");
    for (i, d) in docs.iter().enumerate() {
        let n: usize = d.pages.iter().map(|p| p.spans.len()).sum();
        let _ = write!(
            h,
            "<li><a href=\"#doc-{i}\">{}</a> — {} page(s), {n} span(s)</li>",
            escape(&d.path),
            d.pages.len()
        );
    }
    h.push_str("</ul>\n");
    for (i, d) in docs.iter().enumerate() {
        let _ = writeln!(
            h,
            "<section class=\"doc\" id=\"doc-{i}\"><h2>{}</h2>",
            escape(&d.path)
        );
        for p in &d.pages {
            render_page(&mut h, i, p);
        }
        h.push_str("</section>\n");
    }
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body></html>\n");
    h
}

fn span_title(s: &SpanRecord) -> String {
    format!(
        "{} → {}\ntable {} · {}\n{}\nconfidence {:.2}",
        s.before, s.after, s.table, s.fix, s.rule, s.confidence
    )
}

fn render_page(h: &mut String, doc: usize, p: &PageResult) {
    let _ = writeln!(
        h,
        "<section class=\"page\" id=\"doc-{doc}-p{}\"><h3>page {} — {} span(s), {} unresolved, \
         {} of {} characters garbled</h3>",
        p.page,
        p.page,
        p.spans.len(),
        p.unresolved.len(),
        p.stats.garbled_chars,
        p.stats.chars
    );
    let original: Vec<&str> = p.original.split('\n').collect();
    let repaired: Vec<&str> = p.repaired.split('\n').collect();
    let mut rows = 0;
    for (i, (old, new)) in original.iter().zip(&repaired).enumerate() {
        let line_no = i + 1;
        let spans: Vec<&SpanRecord> = p.spans.iter().filter(|s| s.line == line_no).collect();
        let unresolved: Vec<_> = p.unresolved.iter().filter(|u| u.line == line_no).collect();
        if old == new && unresolved.is_empty() {
            continue;
        }
        if rows == 0 {
            h.push_str(
                "<table class=\"lines\"><tr><th class=\"no\">line</th><th>original</th>\
                 <th>repaired</th></tr>\n",
            );
        }
        rows += 1;
        // Marks over character ranges: (start, end, html open tag).
        let mut old_marks: Vec<(usize, usize, String)> = Vec::new();
        for (k, s) in spans.iter().enumerate() {
            old_marks.push((s.column.saturating_sub(1), s.end_column, span_open(s, k)));
        }
        for u in &unresolved {
            old_marks.push((
                u.start,
                u.end,
                format!(
                    "<mark class=\"unresolved\" title=\"{}\">",
                    escape(&format!(
                        "unresolved ({}): looks garbled, no table explains it; confidence {:.2}",
                        u.reason, u.confidence
                    ))
                ),
            ));
        }
        let new_marks: Vec<(usize, usize, String)> = match repaired_ranges(old, new, &spans) {
            Some(ranges) => {
                let mut sorted: Vec<(usize, &SpanRecord)> =
                    spans.iter().copied().enumerate().collect();
                sorted.sort_by_key(|(_, s)| s.column);
                ranges
                    .into_iter()
                    .zip(sorted)
                    .map(|((a, b), (k, s))| (a, b, span_open(s, k)))
                    .collect()
            }
            None => Vec::new(),
        };
        let fixes: Vec<&str> = p
            .fixes
            .iter()
            .filter(|f| f.0 == line_no)
            .map(|f| f.1.as_str())
            .collect();
        let fix_note = if fixes.is_empty() {
            String::new()
        } else {
            format!(
                " <span class=\"note\" title=\"the extractor had reordered this line\">[{}]</span>",
                escape(&fixes.join(", "))
            )
        };
        let _ = writeln!(
            h,
            "<tr class=\"line\" data-line=\"{line_no}\"><td class=\"no\">{line_no}</td>\
             <td class=\"orig\">{}</td><td class=\"rep\">{}{fix_note}</td></tr>",
            marked(old, &old_marks),
            marked(new, &new_marks)
        );
    }
    if rows == 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\">no repairs on this page ({} lines).</p>",
            p.stats.lines
        );
    } else {
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}

fn span_open(s: &SpanRecord, k: usize) -> String {
    format!(
        "<mark class=\"span\" data-span=\"{k}\" data-table=\"{}\" data-conf=\"{:.3}\" title=\"{}\">",
        escape(&s.table),
        s.confidence,
        escape(&span_title(s))
    )
}

/// HTML of a line with non-overlapping character ranges wrapped in the given open tags.
fn marked(line: &str, marks: &[(usize, usize, String)]) -> String {
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
    fn marks_wrap_character_ranges() {
        let m = vec![(1, 3, "<mark>".to_string())];
        assert_eq!(marked("x支援y", &m), "x<mark>支援</mark>y");
        assert_eq!(
            marked("<>", &[(0, 1, "<mark>".into())]),
            "<mark>&lt;</mark>&gt;"
        );
    }
}
