//! Sheets in layouts the position reader was not built on (issue 15, third family):
//!
//! - **centred**: labels centred vertically beside multi-line values (Excel's default
//!   alignment: the value's first line sits above the label), rows separated by a little
//!   padding only, labels sometimes centred horizontally too;
//! - **dense**: fields with no spacing between them and narrow label columns, so a wrapped
//!   label's lines and the next field's label are stacked at one pitch;
//! - **headed**: Word-style headed paragraphs (`【目的】`, `１．事業の目的`, `○事業概要`,
//!   `（２）…`, `■…`, `＜…＞`), each heading followed by its value below it — a paragraph that
//!   wraps at the page edge, lines, or list items — and sometimes a `label：value` list of
//!   the short fields first, or the title as a bare heading with no label;
//! - **prose**: two columns of unrelated text beside a sheet (the sheet in a left column),
//!   after it on the same page, or on a page of their own: they state no field.
//!
//! Word lists are this file's own (none from the seed sample, `records_synth.rs` or the other
//! generators). Fonts include proportional ones (IPAPGothic, VL PGothic) the other sets do
//! not use.

use super::sheets::{commas, html_escape, value_html};
use super::*;

mod vocab;
use vocab::*;

/// One field: label, value lines, and whether it is short (fits one line).
struct VField {
    label: String,
    value: Vec<String>,
    short: bool,
}

/// A label in brackets or plain, at random.
fn dress(rng: &mut Rng, label: &str) -> String {
    match rng.below(6) {
        0 => format!("【{label}】"),
        1 => format!("＜{label}＞"),
        _ => label.to_string(),
    }
}

fn digits(rng: &mut Rng, s: &str) -> String {
    sheets::width(rng, s)
}

/// An amount and how it is written (千円, 百万円, 億円, or 円 with commas).
fn amount(rng: &mut Rng) -> (i64, String) {
    if rng.chance(20) {
        let k = 1_000 + rng.below(900_000) as i64;
        let yen = k * 1_000;
        return (yen, digits(rng, &format!("{}円", commas(yen))));
    }
    sheets::money(rng)
}

/// The record and its fields (budget lines apart: (label, value) rows).
fn content(rng: &mut Rng) -> (ProgramRecord, Vec<VField>, Vec<(String, String)>) {
    let mut r = ProgramRecord::default();
    let theme = *rng.pick(THEMES);
    let name = format!("{theme}{}", rng.pick(ENDINGS));
    r.name = Some(name.clone());
    let mut f: Vec<VField> = Vec::new();
    let name_label = *rng.pick(&["事業名", "事業名", "事業の名称", "補助事業名"]);
    f.push(VField {
        label: name_label.into(),
        value: vec![name],
        short: true,
    });
    if rng.chance(35) {
        let code = format!("{}-{:03}", 1 + rng.below(9), rng.below(1000));
        let code = digits(rng, &code);
        r.program_code = Some(code.clone());
        f.push(VField {
            label: rng_pick(rng, &["事業番号", "事業コード"]).into(),
            value: vec![code],
            short: true,
        });
    }
    if rng.chance(45) {
        let book = *rng.pick(LEDGERS);
        r.account = Some(book.into());
        f.push(VField {
            label: "会計区分".into(),
            value: vec![book.into()],
            short: true,
        });
    }
    if rng.chance(45) {
        let start = 2020 + rng.below(5) as i32;
        let end = start + 2 + rng.below(3) as i32;
        let value = digits(
            rng,
            &format!("令和{}年度～令和{}年度", start - 2018, end - 2018),
        );
        r.period = Some(Period {
            raw: value.clone(),
            start_year: Some(start),
            end_year: Some(end),
        });
        f.push(VField {
            label: rng_pick(rng, &["事業期間", "実施期間", "事業実施期間"]).into(),
            value: vec![value],
            short: true,
        });
    }
    if rng.chance(40) {
        let new = rng.chance(50);
        r.status = Some(if new {
            ProgramStatus::New
        } else {
            ProgramStatus::Continuing
        });
        f.push(VField {
            label: rng_pick(rng, &["新規・継続", "新規／継続"]).into(),
            value: vec![if new { "新規" } else { "継続" }.into()],
            short: true,
        });
    }
    // Budget rows.
    let (yen, written) = amount(rng);
    let part_of = rng.chance(20);
    let label = digits(rng, "令和6年度補正予算額");
    let mut budget = vec![(
        label.clone(),
        format!("{written}{}", if part_of { "の内数" } else { "" }),
    )];
    r.budget.push(BudgetLine {
        label,
        fiscal_year: Some(2024),
        kind: Some(BudgetKind::Supplementary),
        amount_yen: Some(yen),
        part_of,
        item: None,
        portion: None,
        part_of_item: None,
        raw: String::new(),
    });
    if rng.chance(15) {
        let fund = *rng.pick(FUNDS);
        let label = digits(rng, "令和5年度当初予算額");
        budget.push((label.clone(), format!("{fund}の内数")));
        r.budget.push(BudgetLine {
            label,
            fiscal_year: Some(2023),
            kind: Some(BudgetKind::Initial),
            amount_yen: None,
            part_of: true,
            item: None,
            portion: None,
            part_of_item: Some(fund.into()),
            raw: String::new(),
        });
    } else if rng.chance(40) {
        let (prev, w) = amount(rng);
        let label = digits(rng, "令和5年度予算額");
        budget.push((label.clone(), w));
        r.budget.push(BudgetLine {
            label,
            fiscal_year: Some(2023),
            kind: Some(BudgetKind::Initial),
            amount_yen: Some(prev),
            part_of: false,
            item: None,
            portion: None,
            part_of_item: None,
            raw: String::new(),
        });
    }
    if rng.chance(70) {
        let (written, rate) = *rng.pick(&[
            ("1/2", "1/2"),
            ("1/3", "1/3"),
            ("2/3", "2/3"),
            ("定額", "定額"),
            ("３分の２", "2/3"),
            ("10/10", "10/10"),
        ]);
        r.subsidy_rates.push(SubsidyRate {
            rate: rate.into(),
            applies_to: None,
            raw: String::new(),
        });
        f.push(VField {
            label: rng_pick(rng, &["補助率", "補助率", "交付率", "補助割合"]).into(),
            value: vec![digits(rng, written)],
            short: true,
        });
    }
    let n = 1 + rng.below(3);
    let mut actors: Vec<String> = Vec::new();
    while actors.len() < n {
        let a = rng.pick(ACTORS).to_string();
        if !actors.contains(&a) {
            actors.push(a);
        }
    }
    r.implementing_bodies = actors.clone();
    let one_per_line = actors.len() > 1 && rng.chance(30);
    f.push(VField {
        label: rng_pick(rng, &["実施主体", "事業実施主体", "事業主体"]).into(),
        value: if one_per_line {
            actors.clone()
        } else {
            vec![actors.join("、")]
        },
        short: !one_per_line,
    });
    let sentences = |rng: &mut Rng, n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                format!(
                    "{}{}に関し、{}ことで、{}。",
                    if rng.chance(30) { "・" } else { "" },
                    theme,
                    rng.pick(DEEDS),
                    rng.pick(ENDS)
                )
            })
            .collect()
    };
    let n = 2 + rng.below(3);
    let overview = sentences(rng, n);
    r.overview = Some(overview.join("\n"));
    f.push(VField {
        label: rng_pick(rng, &["事業概要", "事業の概要", "事業内容", "事業の内容"]).into(),
        value: overview,
        short: false,
    });
    if rng.chance(65) {
        let n = 1 + rng.below(3);
        let v = sentences(rng, n);
        r.purpose = Some(v.join("\n"));
        f.push(VField {
            label: rng_pick(rng, &["目的", "事業の目的", "事業目的", "背景・目的"]).into(),
            value: v,
            short: false,
        });
    }
    if rng.chance(60) {
        let n = 1 + rng.below(2);
        let v: Vec<String> = (0..n)
            .map(|_| {
                format!(
                    "{theme}の分野で{}の{}。",
                    rng.pick(GROUPS),
                    rng_pick(rng, &["負担が軽減される", "参加が広がる", "経営が安定する"])
                )
            })
            .collect();
        r.effects = Some(v.join("\n"));
        f.push(VField {
            label: rng_pick(rng, &["期待される効果", "事業の効果", "見込まれる効果"]).into(),
            value: v,
            short: false,
        });
    }
    if rng.chance(40) {
        let n = 20 + rng.below(480);
        let unit = *rng.pick(&["件", "人", "団体", "施設", "世帯"]);
        let year = 2026 + rng.below(4) as i32;
        let what = rng_pick(rng, &["支援件数", "利用実績", "参加数"]);
        let text = digits(
            rng,
            &format!("令和{}年度に{what}を{n}{unit}とする", year - 2018),
        );
        r.goals.push(Goal {
            text: text.clone(),
            value: Some(n.to_string()),
            unit: Some(unit.into()),
            year: Some(year),
        });
        f.push(VField {
            label: rng_pick(rng, &["成果目標", "数値目標", "成果指標"]).into(),
            value: vec![text],
            short: false,
        });
    }
    if rng.chance(40) {
        let who = *rng.pick(GROUPS);
        r.target = Some(who.into());
        f.push(VField {
            label: rng_pick(rng, &["対象者", "支援対象者", "事業対象者"]).into(),
            value: vec![who.into()],
            short: true,
        });
    }
    if rng.chance(40) {
        let v = *rng.pick(OUTLAYS);
        r.eligible = Some(v.into());
        f.push(VField {
            label: rng_pick(rng, &["補助対象経費", "対象経費"]).into(),
            value: vec![v.into()],
            short: true,
        });
    }
    if rng.chance(45) {
        let v = format!("{}部{}課", rng.pick(OFFICES), rng.pick(UNITS));
        r.contact = Some(v.clone());
        f.push(VField {
            label: rng_pick(rng, &["担当課", "担当部署", "問い合わせ先"]).into(),
            value: vec![v],
            short: true,
        });
    }
    (r, f, budget)
}

fn rng_pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// The sheet's layout.
#[derive(Clone, Copy)]
enum Style {
    Centred,
    Dense,
    Headed,
}

/// Label and value side by side, one row per field (centred or dense), the budget rows
/// either as fields or under a 予算額 label.
fn rows(
    rng: &mut Rng,
    scope: &str,
    style: Style,
    fields: &[VField],
    budget: &[(String, String)],
) -> String {
    let centred = matches!(style, Style::Centred);
    let label_width = if centred {
        4.0 + rng.below(5) as f32
    } else {
        3.0 + rng.below(3) as f32
    };
    let pad = if centred {
        *rng.pick(&[0.3f32, 0.4, 0.6, 0.8])
    } else {
        0.0
    };
    let gap = *rng.pick(&[0.8f32, 1.0, 1.5]);
    let label_centre = centred && rng.chance(40);
    let mut out: Vec<String> = Vec::new();
    let row = |label: &str, value: &[String]| {
        format!(
            "<div class=vr><div class=vl>{}</div><div class=vv>{}</div></div>",
            html_escape(label),
            value_html(value)
        )
    };
    let budget_at = 1 + rng.below(fields.len());
    let grouped = rng.chance(40);
    for (i, f) in fields.iter().enumerate() {
        if i == budget_at {
            if grouped {
                let lines: Vec<String> = budget.iter().map(|(l, v)| format!("{l}　{v}")).collect();
                out.push(row(&dress(rng, "予算額"), &lines));
            } else {
                for (l, v) in budget {
                    out.push(row(l, std::slice::from_ref(v)));
                }
            }
        }
        let label = dress(rng, &f.label);
        out.push(row(&label, &f.value));
    }
    if budget_at >= fields.len() {
        for (l, v) in budget {
            out.push(row(l, std::slice::from_ref(v)));
        }
    }
    let align = if centred { "center" } else { "flex-start" };
    let text_align = if label_centre { "center" } else { "left" };
    format!(
        "<style>.{scope} .vr{{display:flex;align-items:{align};padding:{pad}em 0;margin:0}}.{scope} .vl{{flex:none;width:{label_width}em;text-align:{text_align}}}.{scope} .vv{{flex:1;margin-left:{gap}em}}</style>{}",
        out.join("\n")
    )
}

/// Word-style headed paragraphs.
fn headed(
    rng: &mut Rng,
    scope: &str,
    record: &ProgramRecord,
    fields: &[VField],
    budget: &[(String, String)],
) -> String {
    let style = rng.below(6);
    let indent = *rng.pick(&[0.0f32, 1.0, 1.0, 2.0]);
    let first_indent = if rng.chance(40) { 1.0f32 } else { 0.0 };
    let space = *rng.pick(&[0.3f32, 0.6, 1.0]);
    let flow = rng.chance(50);
    let mut k = 0usize;
    let mut heading = |label: &str| -> String {
        k += 1;
        let text = match style {
            0 => format!("【{label}】"),
            1 => format!("{}．{label}", fullwidth(k)),
            2 => format!("○{label}"),
            3 => format!("（{}）{label}", fullwidth(k)),
            4 => format!("■ {label}"),
            _ => format!("＜{label}＞"),
        };
        format!("<div class=hh>{}</div>", html_escape(&text))
    };
    let mut out: Vec<String> = Vec::new();
    let bare_title = rng.chance(25);
    let colon_list = rng.chance(30);
    let mut list: Vec<String> = Vec::new();
    if bare_title {
        out.push(format!(
            "<div class=ht>{}</div>",
            html_escape(record.name.as_deref().unwrap_or_default())
        ));
    }
    let paragraph = |value: &[String], flow: bool| -> String {
        if flow && value.len() > 1 {
            // Sentences run on; items of a list (implementing bodies one per line) are
            // joined with 、 so that the page still shows where one ends.
            let mut text = String::new();
            for l in value {
                if !text.is_empty() && !text.ends_with('。') {
                    text.push('、');
                }
                text.push_str(l.trim_start_matches('・'));
            }
            format!("<div class=hp>{}</div>", html_escape(&text))
        } else {
            format!("<div class=hp>{}</div>", value_html(value))
        }
    };
    let budget_at = 1 + rng.below(fields.len());
    for (i, f) in fields.iter().enumerate() {
        if i == budget_at {
            if !list.is_empty() {
                out.push(format!("<div class=hs>{}</div>", list.join("")));
                list.clear();
            }
            out.push(heading("予算額"));
            let lines: Vec<String> = budget.iter().map(|(l, v)| format!("{l}　{v}")).collect();
            out.push(paragraph(&lines, false));
        }
        if i == 0 && bare_title {
            continue;
        }
        if f.short && colon_list && f.value.len() == 1 {
            list.push(format!(
                "<div>{}：{}</div>",
                html_escape(&f.label),
                html_escape(&f.value[0])
            ));
            continue;
        }
        if !list.is_empty() {
            out.push(format!("<div class=hs>{}</div>", list.join("")));
            list.clear();
        }
        out.push(heading(&f.label));
        out.push(paragraph(&f.value, flow && !f.short));
    }
    if budget_at >= fields.len() {
        out.push(heading("予算額"));
        let lines: Vec<String> = budget.iter().map(|(l, v)| format!("{l}　{v}")).collect();
        out.push(paragraph(&lines, false));
    }
    if !list.is_empty() {
        out.push(format!("<div class=hs>{}</div>", list.join("")));
    }
    format!(
        "<style>.{scope} .hh{{margin-top:{space}em;font-weight:bold}}.{scope} .hp{{margin-left:{indent}em;text-indent:{first_indent}em}}</style>{}",
        out.join("\n")
    )
}

/// Paragraphs of unrelated prose under headings.
fn prose(rng: &mut Rng) -> String {
    let mut out = Vec::new();
    for _ in 0..2 + rng.below(3) {
        out.push(format!("<div class=ph>{}</div>", rng.pick(PROSE_HEADS)));
        let n = 2 + rng.below(4);
        let text: String = (0..n).map(|_| *rng.pick(PROSE_SENTENCES)).collect();
        out.push(format!("<p class=pp>{text}</p>"));
    }
    out.join("\n")
}

/// One document: 2–4 sheet pages (some with prose beside or after), sometimes a page of
/// prose alone; the records the sheets state.
pub(super) fn document(rng: &mut Rng) -> (Vec<String>, Vec<ProgramRecord>) {
    let mut pages = Vec::new();
    let mut records = Vec::new();
    for i in 0..2 + rng.below(3) {
        let (record, fields, budget) = content(rng);
        let style = *rng.pick(&[Style::Centred, Style::Dense, Style::Headed]);
        let scope = format!("s{i}");
        let body = match style {
            Style::Headed => headed(rng, &scope, &record, &fields, &budget),
            _ => rows(rng, &scope, style, &fields, &budget),
        };
        let sheet = format!("<p class=doc>別紙{}</p>{body}", i + 1);
        let page = match rng.below(10) {
            0..=2 => format!(
                "<div class=\"page {scope}\"><div class=beside><div>{sheet}</div><div class=aside>{}</div></div></div>",
                prose(rng)
            ),
            3..=4 => format!(
                "<div class=\"page {scope}\">{sheet}<div class=after>{}</div></div>",
                prose(rng)
            ),
            _ => format!("<div class=\"page {scope}\">{sheet}</div>"),
        };
        pages.push(page);
        records.push(record);
    }
    if rng.chance(35) {
        let at = rng.below(pages.len() + 1);
        pages.insert(
            at,
            format!(
                "<div class=page><div class=pt>{}</div><div class=after>{}{}</div></div>",
                rng.pick(&["広報だより", "調査報告", "解説"]),
                prose(rng),
                prose(rng)
            ),
        );
    }
    (pages, records)
}

/// CSS of the varied pages (added to the document head by `html`).
pub(super) const CSS: &str = ".beside{display:grid;grid-template-columns:3fr 2fr;column-gap:2em}.after{column-count:2;column-gap:2em;margin-top:2em}.ph{font-weight:bold;margin-top:0.6em}.pp{margin:0.3em 0;text-indent:1em}.pt{font-size:140%;text-align:center}.hs{margin:0.5em 0}.ht{text-align:center;font-size:130%;margin-bottom:0.6em}";

/// Full-width digits of `n`.
fn fullwidth(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}
