//! The generator's sheets: bordered HTML tables of budget fields in varied forms, the record
//! each states, and tender notices that state none.

use super::*;

/// Full-width digits and slash for ASCII ones, at random.
pub(super) fn width(rng: &mut Rng, s: &str) -> String {
    if rng.chance(50) {
        return s.to_string();
    }
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            '/' => '／',
            ',' => '，',
            '.' => '．',
            _ => c,
        })
        .collect()
}

pub(crate) fn commas(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn money(rng: &mut Rng) -> (i64, String) {
    let (yen, s) = match rng.below(3) {
        0 => {
            let k = 500 + rng.below(5_000_000) as i64;
            (k * 1_000, format!("{}千円", commas(k)))
        }
        1 => {
            let m = 5 + rng.below(50_000) as i64;
            (m * 1_000_000, format!("{}百万円", commas(m)))
        }
        _ => {
            let t = 1 + rng.below(3_000) as i64;
            (t * 10_000_000, format!("{}.{}億円", t / 10, t % 10))
        }
    };
    (yen, width(rng, &s))
}

pub(super) fn bracket(rng: &mut Rng, label: &str) -> String {
    match rng.below(5) {
        0 => format!("【{label}】"),
        1 => format!("［{label}］"),
        _ => label.to_string(),
    }
}

pub(super) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One field of a sheet: label and value lines (value lines joined by `<br>` in one cell).
pub(super) struct Field {
    pub(super) label: String,
    pub(super) value: Vec<String>,
    /// Short enough to share a row with another short field or sit under a header.
    pub(super) short: bool,
}

pub(super) fn td(attrs: &str, text: &str) -> String {
    format!("<td{attrs}>{text}</td>")
}

pub(super) fn value_html(v: &[String]) -> String {
    v.iter()
        .map(|l| html_escape(l))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// How a sheet is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Layout {
    /// A bordered table (the first sets: `tuning`, `held_out`).
    Ruled,
    /// Labels and values placed by position only, no lines (`plain.rs`).
    Plain,
    /// As `Plain`, each field (label and value) inside a drawn rectangle.
    Boxed,
}

/// One sheet: HTML of its page and the record it states. `extras` adds 担当, 補助対象 and
/// 新規/継続 fields (drawn after the others, so sheets without them are the first sets'
/// sheets, seed for seed).
pub(super) fn sheet(
    rng: &mut Rng,
    index: usize,
    layout: Layout,
    extras: bool,
) -> (String, ProgramRecord) {
    let mut r = ProgramRecord::default();
    let subject = *rng.pick(SUBJECTS);
    let name = format!("{subject}{}", rng.pick(SUFFIXES));
    r.name = Some(name.clone());
    let mut fields: Vec<Field> = Vec::new();
    let name_label = *rng.pick(&["事業名", "事業名", "事業名称", "事業の名称"]);
    fields.push(Field {
        label: bracket(rng, name_label),
        value: vec![name.clone()],
        short: false,
    });
    if rng.chance(40) {
        let code = format!("{:04}", rng.below(10_000));
        r.program_code = Some(width(rng, &code));
        fields.push(Field {
            label: bracket(rng, "事業番号"),
            value: vec![r.program_code.clone().unwrap_or_default()],
            short: true,
        });
    }
    if rng.chance(50) {
        let book = *rng.pick(BOOKS);
        r.account = Some(book.into());
        fields.push(Field {
            label: bracket(rng, "会計区分"),
            value: vec![book.into()],
            short: true,
        });
    }
    if rng.chance(50) {
        let start = 2019 + rng.below(6) as i32;
        let end = start + 1 + rng.below(4) as i32;
        let value = width(
            rng,
            &format!("令和{}年度～令和{}年度", start - 2018, end - 2018),
        );
        r.period = Some(Period {
            raw: value.clone(),
            start_year: Some(start),
            end_year: Some(end),
        });
        fields.push(Field {
            label: {
                let l = rng_pick2(rng, "事業期間", "実施期間");
                bracket(rng, l)
            },
            value: vec![value],
            short: true,
        });
    }
    // Budget: this supplementary budget, sometimes last year's and a share of a pool.
    let (yen, written) = money(rng);
    let part_of = rng.chance(25);
    let sup_label = width(rng, "令和6年度補正予算額");
    let mut budget: Vec<(String, String)> = vec![(
        sup_label.clone(),
        format!("{written}{}", if part_of { "の内数" } else { "" }),
    )];
    r.budget.push(BudgetLine {
        label: sup_label.clone(),
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
        let pool = *rng.pick(POOLS);
        let label = width(rng, "令和5年度予算額");
        budget.push((label.clone(), format!("{pool}の内数")));
        r.budget.push(BudgetLine {
            label,
            fiscal_year: Some(2023),
            kind: Some(BudgetKind::Initial),
            amount_yen: None,
            part_of: true,
            item: None,
            portion: None,
            part_of_item: Some(pool.into()),
            raw: String::new(),
        });
    } else if rng.chance(40) {
        let (prev, w) = money(rng);
        let label = width(rng, "令和5年度予算額");
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
    let rate = *rng.pick(&[
        ("1/2", "1/2"),
        ("2/3", "2/3"),
        ("3/4", "3/4"),
        ("定額", "定額"),
        ("10/10", "10/10"),
        ("２分の１", "1/2"),
    ]);
    let with_rate = rng.chance(70);
    if with_rate {
        r.subsidy_rates.push(SubsidyRate {
            rate: rate.1.into(),
            applies_to: None,
            raw: String::new(),
        });
    }
    let n_bodies = 1 + rng.below(3);
    let mut bodies: Vec<String> = Vec::new();
    while bodies.len() < n_bodies {
        let b = rng.pick(DOERS).to_string();
        if !bodies.contains(&b) {
            bodies.push(b);
        }
    }
    r.implementing_bodies = bodies.clone();
    let bodies_label = *rng.pick(&["実施主体", "事業実施主体", "実施主体"]);
    let rate_field = Field {
        label: bracket(rng, "補助率"),
        value: vec![width(rng, rate.0)],
        short: true,
    };
    let bodies_field = Field {
        label: bracket(rng, bodies_label),
        value: vec![bodies.join("、")],
        short: bodies.len() < 3,
    };
    // Prose fields.
    let prose = |rng: &mut Rng, n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                format!(
                    "{}{}について、{}ことにより、{}。",
                    if rng.chance(40) { "○" } else { "" },
                    subject,
                    rng.pick(MOVES),
                    rng.pick(AIMS)
                )
            })
            .collect()
    };
    let n_lines = 1 + rng.below(3);
    let overview = prose(rng, n_lines);
    r.overview = Some(overview.join("\n"));
    let overview_label = *rng.pick(&["事業概要", "事業の概要", "事業内容", "事業概要"]);
    let overview_field = Field {
        label: bracket(rng, overview_label),
        value: overview,
        short: false,
    };
    let mut tail: Vec<Field> = Vec::new();
    if rng.chance(60) {
        let v = prose(rng, 1);
        r.purpose = Some(v.join("\n"));
        tail.push(Field {
            label: {
                let l = *rng.pick(&["事業目的", "目的", "事業の目的"]);
                bracket(rng, l)
            },
            value: v,
            short: false,
        });
    }
    if rng.chance(60) {
        let v = vec![format!(
            "{subject}に関わる{}が{}。",
            rng.pick(WHO),
            rng.pick(&["増加する", "安定する", "改善される"])
        )];
        r.effects = Some(v.join("\n"));
        tail.push(Field {
            label: {
                let l = *rng.pick(&["期待される効果", "事業効果", "期待される効果"]);
                bracket(rng, l)
            },
            value: v,
            short: false,
        });
    }
    if rng.chance(40) {
        let n = 10 + rng.below(990);
        let unit = *rng.pick(&["件", "人", "か所", "団体"]);
        let year = 2025 + rng.below(4) as i32;
        let who = *rng.pick(WHO);
        let text = width(
            rng,
            &format!("令和{}年度までに{who}を{n}{unit}とする", year - 2018),
        );
        r.goals.push(Goal {
            text: text.clone(),
            value: Some(n.to_string()),
            unit: Some(unit.into()),
            year: Some(year),
        });
        tail.push(Field {
            label: {
                let l = *rng.pick(&["成果目標", "成果目標", "数値目標", "KPI"]);
                bracket(rng, l)
            },
            value: vec![text],
            short: false,
        });
    }
    if rng.chance(40) {
        let who = *rng.pick(WHO);
        r.target = Some(who.into());
        tail.push(Field {
            label: {
                let l = *rng.pick(&["対象者", "支援対象"]);
                bracket(rng, l)
            },
            value: vec![who.into()],
            short: true,
        });
    }

    if extras {
        extra_fields(rng, &mut r, &mut tail);
    }
    if layout != Layout::Ruled {
        let mut all: Vec<Field> = Vec::new();
        all.append(&mut fields);
        if with_rate {
            all.push(rate_field);
        }
        all.push(bodies_field);
        all.push(overview_field);
        all.append(&mut tail);
        return (
            super::plain::page(rng, index, all, &budget, layout == Layout::Boxed),
            r,
        );
    }
    // Layout.
    let label_width = 3.5 + rng.below(6) as f32;
    let mut rows: Vec<String> = Vec::new();
    let mut short_queue: Vec<Field> = Vec::new();
    let mut order: Vec<Field> = Vec::new();
    order.append(&mut fields);
    let header_style = rng.chance(30);
    let emit = |rows: &mut Vec<String>, f: &Field, rng: &mut Rng| {
        if !f.short && rng.chance(25) && !f.value.is_empty() {
            rows.push(format!(
                "<tr>{}</tr>",
                td(" colspan=4 class=h", &html_escape(&f.label))
            ));
            rows.push(format!(
                "<tr>{}</tr>",
                td(" colspan=4", &value_html(&f.value))
            ));
        } else {
            rows.push(format!(
                "<tr>{}{}</tr>",
                td(" class=l", &html_escape(&f.label)),
                td(" colspan=3", &value_html(&f.value))
            ));
        }
    };
    let flush_short = |rows: &mut Vec<String>, q: &mut Vec<Field>, rng: &mut Rng| {
        while !q.is_empty() {
            let take = q.len().min(2);
            let part: Vec<Field> = q.drain(..take).collect();
            if part.len() == 2 && header_style {
                rows.push(format!(
                    "<tr>{}{}</tr>",
                    td(" colspan=2 class=h", &html_escape(&part[0].label)),
                    td(" colspan=2 class=h", &html_escape(&part[1].label))
                ));
                rows.push(format!(
                    "<tr>{}{}</tr>",
                    td(" colspan=2", &value_html(&part[0].value)),
                    td(" colspan=2", &value_html(&part[1].value))
                ));
            } else if part.len() == 2 {
                rows.push(format!(
                    "<tr>{}{}{}{}</tr>",
                    td(" class=l", &html_escape(&part[0].label)),
                    td("", &value_html(&part[0].value)),
                    td(" class=l", &html_escape(&part[1].label)),
                    td("", &value_html(&part[1].value))
                ));
            } else {
                emit(rows, &part[0], rng);
            }
        }
    };
    for f in order {
        if f.short && rng.chance(60) {
            short_queue.push(f);
        } else {
            emit(&mut rows, &f, rng);
        }
    }
    flush_short(&mut rows, &mut short_queue, rng);
    // Budget rows: a 予算額 cell spanning them, or one row each.
    if rng.chance(50) {
        let group = bracket(rng, "予算額");
        for (k, (label, value)) in budget.iter().enumerate() {
            let head = if k == 0 {
                td(
                    &format!(" rowspan={} class=l", budget.len()),
                    &html_escape(&group),
                )
            } else {
                String::new()
            };
            rows.push(format!(
                "<tr>{head}{}{}</tr>",
                td("", &html_escape(label)),
                td(" colspan=2", &html_escape(value))
            ));
        }
    } else {
        for (label, value) in &budget {
            rows.push(format!(
                "<tr>{}{}</tr>",
                td(" class=l", &html_escape(label)),
                td(" colspan=3", &html_escape(value))
            ));
        }
    }
    if with_rate && rng.chance(50) {
        short_queue.push(rate_field);
        short_queue.push(bodies_field);
        flush_short(&mut rows, &mut short_queue, rng);
    } else {
        if with_rate {
            emit(&mut rows, &rate_field, rng);
        }
        emit(&mut rows, &bodies_field, rng);
    }
    emit(&mut rows, &overview_field, rng);
    for f in &tail {
        emit(&mut rows, f, rng);
    }
    let html = format!(
        "<div class=page><p class=doc>資料{index}</p><table><colgroup><col style=\"width:{label_width}em\"><col><col style=\"width:{label_width}em\"><col></colgroup>{}</table></div>",
        rows.join("\n")
    );
    (html, r)
}

const BUREAUS: &[&str] = &["生産", "地域振興", "産業政策", "港湾", "文化資源", "医政"];
const DIVISIONS: &[&str] = &["企画", "総務", "振興", "調整", "技術", "計画"];
const COSTS: &[&str] = &[
    "設備導入費、工事費",
    "人件費、旅費、委託費",
    "調査費、謝金",
    "施設整備費",
    "システム構築費、機器購入費",
];

/// 担当, 補助対象 and 新規/継続, each on about half the sheets.
fn extra_fields(rng: &mut Rng, r: &mut ProgramRecord, tail: &mut Vec<Field>) {
    if rng.chance(50) {
        let value = format!("{}局{}課", rng.pick(BUREAUS), rng.pick(DIVISIONS));
        r.contact = Some(value.clone());
        let l = *rng.pick(&["担当", "担当課", "担当部局"]);
        tail.push(Field {
            label: bracket(rng, l),
            value: vec![value],
            short: true,
        });
    }
    if rng.chance(50) {
        let value = *rng.pick(COSTS);
        r.eligible = Some(value.into());
        let l = *rng.pick(&["補助対象", "補助対象経費", "対象経費"]);
        tail.insert(
            0,
            Field {
                label: bracket(rng, l),
                value: vec![value.into()],
                short: false,
            },
        );
    }
    if rng.chance(50) {
        let new = rng.chance(50);
        r.status = Some(if new {
            ProgramStatus::New
        } else {
            ProgramStatus::Continuing
        });
        let l = *rng.pick(&["新規・継続", "新規/継続", "新規・継続の別"]);
        tail.insert(
            0,
            Field {
                label: bracket(rng, l),
                value: vec![if new { "新規" } else { "継続" }.into()],
                short: true,
            },
        );
    }
}

pub(super) fn rng_pick2<'a>(rng: &mut Rng, a: &'a str, b: &'a str) -> &'a str {
    if rng.chance(50) { a } else { b }
}

/// A tender notice: a ruled table whose labels are not budget labels.
pub(super) fn notice(rng: &mut Rng) -> String {
    let subject = *rng.pick(SUBJECTS);
    format!(
        "<div class=page><p>入札公告</p><table><tr><td class=l>件名</td><td>{subject}に係る調査業務</td></tr><tr><td class=l>履行場所</td><td>発注者の指定する場所</td></tr><tr><td class=l>入札日時</td><td>令和６年{}月{}日</td></tr><tr><td class=l>問合せ</td><td>契約係</td></tr></table></div>",
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

pub(super) fn html(pages: &[String], font: &str, size: f32) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>@page{{size:A4;margin:14mm}}body{{font-family:\"{font}\";font-size:{size}pt}}.page{{page-break-after:always}}table{{border-collapse:collapse;width:100%;table-layout:fixed}}td{{border:1px solid #000;padding:2px 4px;vertical-align:top}}td.l,td.h{{background:#eee}}.doc{{text-align:right}}{}{}</style></head><body>{}</body></html>",
        super::plain::CSS,
        super::varied::CSS,
        pages.join("\n")
    )
}
