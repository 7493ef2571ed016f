//! Sheets without ruling lines: labels and values placed by position only (flex rows and
//! grids, no table), or each field inside a drawn rectangle. Variants, chosen per sheet and
//! per field: value right of the label (label column 3.5–8.5 em, so labels wrap), label alone
//! with the value block below it (indented 0–2 em), two short fields side by side, two labels
//! over two values (header columns), 予算額 beside its budget lines, `label：` with a colon.

use super::sheets::{Field, html_escape, value_html};
use super::*;

fn side(label: &str, value: &[String], colon: bool) -> String {
    format!(
        "<div class=f><div class=l>{}{}</div><div class=v>{}</div></div>",
        html_escape(label),
        if colon { "：" } else { "" },
        value_html(value)
    )
}

fn head(label: &str, value: &[String]) -> String {
    format!(
        "<div class=hd><div class=hl>{}</div><div class=hv>{}</div></div>",
        html_escape(label),
        value_html(value)
    )
}

/// The page of one sheet drawn without table rules (`boxed`: each field in a rectangle).
pub(super) fn page(
    rng: &mut Rng,
    index: usize,
    fields: Vec<Field>,
    budget: &[(String, String)],
    boxed: bool,
) -> String {
    let label_width = 3.5 + rng.below(6) as f32;
    let gap = *rng.pick(&[0.8f32, 1.0, 1.5, 2.0]);
    let indent = *rng.pick(&[0.0f32, 1.0, 2.0]);
    let head_rate = *rng.pick(&[0u64, 20, 40]);
    let pair_rate = *rng.pick(&[0u64, 50, 80]);
    let columns = rng.chance(30);
    let colon = rng.chance(15);
    let mut out: Vec<String> = Vec::new();
    let mut queue: Vec<Field> = Vec::new();
    let flush = |out: &mut Vec<String>, q: &mut Vec<Field>| {
        while !q.is_empty() {
            let part: Vec<Field> = q.drain(..q.len().min(2)).collect();
            if part.len() == 2 && columns {
                out.push(format!(
                    "<div class=cols><div class=hl>{}</div><div class=hl>{}</div><div class=cv>{}</div><div class=cv>{}</div></div>",
                    html_escape(&part[0].label),
                    html_escape(&part[1].label),
                    value_html(&part[0].value),
                    value_html(&part[1].value)
                ));
            } else if part.len() == 2 {
                out.push(format!(
                    "<div class=row>{}{}</div>",
                    side(&part[0].label, &part[0].value, colon),
                    side(&part[1].label, &part[1].value, colon)
                ));
            } else {
                out.push(side(&part[0].label, &part[0].value, colon));
            }
        }
    };
    let budget_at = 1 + rng.below(fields.len().max(1));
    for (i, f) in fields.iter().enumerate() {
        if i == budget_at {
            flush(&mut out, &mut queue);
            budget_block(rng, budget, colon, &mut out);
        }
        if f.short && rng.chance(pair_rate) {
            queue.push(Field {
                label: f.label.clone(),
                value: f.value.clone(),
                short: true,
            });
            continue;
        }
        flush(&mut out, &mut queue);
        if !f.short && rng.chance(head_rate) {
            out.push(head(&f.label, &f.value));
        } else {
            out.push(side(&f.label, &f.value, colon));
        }
    }
    flush(&mut out, &mut queue);
    if budget_at >= fields.len() {
        budget_block(rng, budget, colon, &mut out);
    }
    let border = if boxed {
        ".f,.hd,.cols{border:1px solid #000;padding:2px 4px;margin-top:-1px}.row>.f{margin-top:0}"
    } else {
        ".f,.hd,.cols{margin:0.35em 0}"
    };
    format!(
        "<div class=page><style>.l{{flex:none;width:{label_width}em}}.v{{flex:1;margin-left:{gap}em}}.hv{{margin-left:{indent}em}}{border}</style><p class=doc>資料{index}</p>{}</div>",
        out.join("\n")
    )
}

/// Budget lines: each as a field, or a 予算額 label beside rows of sub-label and amount.
fn budget_block(rng: &mut Rng, budget: &[(String, String)], colon: bool, out: &mut Vec<String>) {
    if rng.chance(50) {
        let rows: Vec<String> = budget
            .iter()
            .map(|(l, v)| {
                format!(
                    "<div class=f><div class=l2>{}</div><div class=v>{}</div></div>",
                    html_escape(l),
                    html_escape(v)
                )
            })
            .collect();
        out.push(format!(
            "<div class=f><div class=l>{}</div><div class=v>{}</div></div>",
            html_escape(&sheets::bracket(rng, "予算額")),
            rows.join("")
        ));
    } else {
        for (l, v) in budget {
            out.push(side(l, std::slice::from_ref(v), colon));
        }
    }
}

/// CSS shared by the plain pages (added to the document head by `html`).
pub(super) const CSS: &str = ".f{display:flex}.row{display:flex}.row>.f{width:50%}.hl{font-weight:bold}.cols{display:grid;grid-template-columns:1fr 1fr;column-gap:1em}.l2{flex:none;width:10em}";
