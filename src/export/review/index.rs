//! The index of the review site: one row per input, needs-attention first.

use super::{Item, TIERS, assets, escape, head};
use crate::export::corpus::LOW_CONFIDENCE;
use crate::export::manifest::Manifest;
use std::cmp::Reverse;
use std::fmt::Write;

/// The sort order the index is written in: tier, then unresolved, under the threshold,
/// self-learned, decoded, spans (all descending), then manifest order (path).
fn order(items: &[Item<'_>]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    idx.sort_by_key(|&i| {
        let (x, s) = (&items[i], &items[i].counts.spans);
        (
            x.tier,
            Reverse(s.unresolved_spans),
            Reverse(s.low_confidence_spans),
            Reverse(s.learned_spans),
            Reverse(s.decoded_spans),
            Reverse(s.repaired_spans),
            x.number,
        )
    });
    idx
}

/// Renders the index.
pub(super) fn render(manifest: &Manifest, items: &[Item<'_>], notes: &[String]) -> String {
    let mut h = head("glyphmend review");
    h.push_str("<body data-shown=\"?\">\n<h1>glyphmend review</h1>\n");
    summary(&mut h, manifest, items, notes);
    h.push_str(
        "<div class=\"controls\"><label>filter <input type=\"search\" id=\"filter\" \
         placeholder=\"path, reason, tier…\" size=\"30\"></label><label><input \
         type=\"checkbox\" id=\"only-attention\"> only inputs needing attention</label>\
         shown <b id=\"js-shown\">?</b> · click a column to sort</div>\n",
    );
    let cols = [
        ("tier", "attention"),
        ("path", "document"),
        ("kind", "kind"),
        ("pages", "pages"),
        ("unresolved", "unresolved"),
        ("low", "under threshold"),
        ("learned", "self-learned"),
        ("decoded", "decoded runs"),
        ("spans", "repaired spans"),
        ("lines", "lines to review"),
        ("provenance", "provenance"),
        ("min", "lowest confidence"),
        ("why", "why"),
    ];
    h.push_str("<table class=\"docs\" id=\"docs\"><thead><tr>");
    for (key, label) in cols {
        let _ = write!(h, "<th data-col=\"{key}\">{label}</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for (rank, &i) in order(items).iter().enumerate() {
        row(&mut h, &items[i], rank);
    }
    h.push_str("</tbody></table>\n");
    if !manifest.skipped.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Skipped</h2><ul id=\"skipped\">{}</ul>",
            manifest
                .skipped
                .iter()
                .map(|s| format!(
                    "<li><code>{}</code> ({:?}) {}</li>",
                    escape(&s.path),
                    s.reason,
                    escape(&s.detail)
                ))
                .collect::<String>()
        );
    }
    let _ = write!(
        h,
        "<script>{}</script>\n</body></html>\n",
        assets::INDEX_SCRIPT
    );
    h
}

/// The batch's totals above the table: inputs by tier, span counts, provenance, notes.
fn summary(h: &mut String, manifest: &Manifest, items: &[Item<'_>], notes: &[String]) {
    let mut tiers = [0usize; 4];
    let mut total = super::DocCounts::default();
    for it in items {
        tiers[usize::from(it.tier.min(3))] += 1;
        total.pages += it.counts.pages;
        total.spans.add(&it.counts.spans);
        total.lines += it.counts.lines;
    }
    let _ = writeln!(
        h,
        "<p>{} inputs: <span class=\"failed\">{} failed</span>, {} with unresolved text, {} to \
         check, {} ok; {} pages. {} (tables <code>{}</code>).</p>",
        items.len(),
        tiers[0],
        tiers[1],
        tiers[2],
        tiers[3],
        total.pages,
        escape(&manifest.tool),
        escape(
            manifest
                .tables_version
                .get(..12)
                .unwrap_or(&manifest.tables_version)
        ),
    );
    let _ = writeln!(
        h,
        "<table class=\"counts\" id=\"totals\"><tr><th>repaired spans</th><th>under \
         {LOW_CONFIDENCE}</th><th>self-learned</th><th>decoded runs</th><th>unresolved</th>\
         <th>lines to review</th></tr><tr><td id=\"total-spans\">{}</td><td id=\"total-low\">{}\
         </td><td>{}</td><td id=\"total-decoded\">{}</td><td id=\"total-unresolved\">{}</td>\
         <td>{}</td></tr></table>",
        total.spans.repaired_spans,
        total.spans.low_confidence_spans,
        total.spans.learned_spans,
        total.spans.decoded_spans,
        total.spans.unresolved_spans,
        total.lines
    );
    if !total.spans.provenance.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note\" id=\"total-provenance\">spans by provenance: {}{}</p>",
            escape(&total.spans.provenance_text()),
            tables_text(&total.spans)
        );
    }
    for n in notes {
        let _ = writeln!(
            h,
            "<p class=\"note image-note\">Page images: {}</p>",
            escape(n)
        );
    }
}

/// One input's row of the documents table, `rank` its place in the default order.
fn row(h: &mut String, it: &Item<'_>, rank: usize) {
    let e = it.entry;
    let c = &it.counts;
    let failed = it.tier == 0;
    let name = if failed || c.pages == 0 && e.outputs.is_none() {
        format!("<code>{}</code>", escape(&e.path))
    } else {
        format!(
            "<a href=\"review/doc/{}.html\">{}</a>",
            it.number,
            escape(&e.path)
        )
    };
    let why = if failed {
        format!(
            "{}: {}",
            escape(e.failed_stage.map_or("?", |s| s.name())),
            escape(e.error.as_deref().unwrap_or("no output"))
        )
    } else {
        // Reasons by name; their full text (with the commands that fix them) one click away.
        e.attention
            .as_ref()
            .filter(|a| !a.reasons.is_empty())
            .map(|a| {
                let kinds: Vec<&str> = a.reasons.iter().map(|r| r.kind()).collect();
                let full: Vec<String> = a.reasons.iter().map(|r| escape(&r.summary())).collect();
                format!(
                    "<details><summary>{}</summary>{}</details>",
                    kinds.join(", "),
                    full.join("<br>")
                )
            })
            .unwrap_or_default()
    };
    let kind = serde_json::to_value(e.kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let num = |v: usize| format!("<td class=\"n\" data-v=\"{v}\">{v}</td>");
    let _ = writeln!(
        h,
        "<tr class=\"doc tier-{t}\" data-tier=\"{t}\" data-order=\"{rank}\" data-path=\"{}\">\
         <td class=\"tier\" data-v=\"{t}\">{}</td><td class=\"path\">{name}</td><td>{}</td>{}{}{}{}{}{}{}\
         <td class=\"prov\">{}</td><td class=\"n\" data-v=\"{:.3}\">{}</td><td class=\"why\">{why}</td></tr>",
        escape(&e.path),
        TIERS[usize::from(it.tier.min(3))],
        escape(&kind),
        num(c.pages),
        num(c.spans.unresolved_spans),
        num(c.spans.low_confidence_spans),
        num(c.spans.learned_spans),
        num(c.spans.decoded_spans),
        num(c.spans.repaired_spans),
        num(c.lines),
        escape(&c.spans.provenance_text()),
        if failed { -1.0 } else { c.min_confidence },
        if failed || c.spans.repaired_spans + c.spans.decoded_spans == 0 {
            "—".to_string()
        } else {
            format!("{:.3}", c.min_confidence)
        },
        t = it.tier,
    );
}

/// ` · tables: ms-mincho 1183, …` (empty without tables), escaped.
pub(super) fn tables_text(c: &crate::export::corpus::SpanCounts) -> String {
    if c.tables.is_empty() {
        return String::new();
    }
    format!(
        " · tables: {}",
        escape(&crate::export::corpus::by_count_text(&c.tables))
    )
}
