//! The generator's sheets: budget sheets, review sheets and notices as text, each with the
//! record it states (none for a notice).

use super::*;

/// One synthetic sheet: its text and the record it states.
pub(super) fn sheet(rng: &mut Rng, held_out: bool, fresh: bool) -> (String, ProgramRecord) {
    let mut style = Style::random(rng, held_out);
    style.fresh = fresh;
    let topic = *rng.pick(TOPICS);
    let name = format!("{}{}{}", topic, rng.pick(ACTIONS), rng.pick(ENDINGS));
    let mut r = ProgramRecord {
        name: Some(name.clone()),
        ..ProgramRecord::default()
    };
    // Each field: its lines, emitted in a shuffled order after the name.
    let mut fields: Vec<Vec<String>> = Vec::new();
    let mut n = 0usize;
    let mut next = || {
        n += 1;
        n - 1
    };
    let head = style.field(
        style.label("事業名", "事業の名称", next(), rng),
        std::slice::from_ref(&name),
    );

    let mut cells: Vec<(String, String)> = Vec::new();
    if rng.chance(60) {
        let code = format!("{:04}", 1 + rng.below(9000));
        cells.push(("事業番号".into(), code.clone()));
        r.program_code = Some(code);
    }
    if rng.chance(50) {
        let account = rng.pick(ACCOUNTS).to_string();
        cells.push(("会計区分".into(), account.clone()));
        r.account = Some(account);
    }
    if rng.chance(50) {
        let new = rng.chance(50);
        cells.push((
            "新規・継続".into(),
            if new { "新規" } else { "継続" }.into(),
        ));
        r.status = Some(if new {
            ProgramStatus::New
        } else {
            ProgramStatus::Continuing
        });
    }
    if style.cells && !cells.is_empty() {
        let line = cells
            .iter()
            .map(|(l, v)| format!("{l}  {v}"))
            .collect::<Vec<_>>()
            .join("      ");
        fields.push(vec![line]);
    } else {
        for (l, v) in &cells {
            let synonym = match l.as_str() {
                "事業番号" => "事業コード",
                "会計区分" => "会計",
                _ => "新規／継続",
            };
            fields.push(style.field(
                style.label(l, synonym, next(), rng),
                std::slice::from_ref(v),
            ));
        }
    }

    if rng.chance(60) {
        let ministry = *rng.pick(MINISTRIES);
        let bureau = *rng.pick(BUREAUS);
        fields.push(style.field(
            style.label("担当府省庁", "所管", next(), rng),
            &[format!("{ministry}{bureau}")],
        ));
        r.ministry = Some(ministry.into());
        r.bureau = Some(bureau.into());
    }

    // Budget: this year's figure, sometimes last year's, sometimes a share of a larger item.
    let (yen, written) = amount(rng);
    let part_of = rng.chance(25);
    let suffix = if part_of { "の内数" } else { "" };
    let label = if rng.chance(50) {
        "令和６年度補正予算額"
    } else {
        "令和6年度補正予算額"
    };
    let value = format!("{written}{suffix}");
    match rng.below(3) {
        0 => fields.push(style.field(style.label(label, label, next(), rng), &[value])),
        1 => fields.push(vec![
            style.label("予算額", "予算", next(), rng),
            format!("{label}　{value}"),
        ]),
        _ => fields.push(vec![label.to_string(), value.clone()]),
    }
    if fresh && rng.chance(40) {
        let (prev_yen, prev_written) = amount(rng);
        let written = if rng.chance(50) {
            prev_written.replace("千円", " 千円")
        } else {
            prev_written
        };
        fields.push(vec![format!("（令和５年度予算額　{written}）")]);
        r.budget.push(BudgetLine {
            label: "令和５年度予算額".into(),
            fiscal_year: Some(2023),
            kind: Some(BudgetKind::Initial),
            amount_yen: Some(prev_yen),
            part_of: false,
            item: None,
            portion: None,
            part_of_item: None,
            raw: String::new(),
        });
    }
    r.budget.push(BudgetLine {
        label: label.into(),
        fiscal_year: Some(2024),
        kind: Some(BudgetKind::Supplementary),
        amount_yen: Some(yen),
        part_of,
        item: None,
        portion: None,
        part_of_item: None,
        raw: String::new(),
    });
    if rng.chance(30) {
        let whole = rng.pick(WHOLES).to_string();
        fields.push(style.field(
            style.label("予算", "予算額", next(), rng),
            &[format!("{whole}の内数")],
        ));
        r.budget.push(BudgetLine {
            label: if style.synonyms {
                "予算額"
            } else {
                "予算"
            }
            .into(),
            fiscal_year: None,
            kind: Some(BudgetKind::Initial),
            amount_yen: None,
            part_of: true,
            item: None,
            portion: None,
            part_of_item: Some(whole),
            raw: String::new(),
        });
    }

    if rng.chance(70) {
        let rate = *rng.pick(&["1/2", "2/3", "3/4", "定額", "10/10"]);
        let written = match rate {
            "1/2" if rng.chance(50) => "２分の１".to_string(),
            "2/3" if rng.chance(50) => "３分の２".to_string(),
            r if rng.chance(30) => widen(r),
            r => r.to_string(),
        };
        fields.push(style.field(style.label("補助率", "補助割合", next(), rng), &[written]));
        r.subsidy_rates.push(SubsidyRate {
            rate: rate.into(),
            applies_to: None,
            raw: String::new(),
        });
    }
    if rng.chance(70) {
        let k = 1 + rng.below(3);
        let mut bodies: Vec<String> = Vec::new();
        while bodies.len() < k {
            let b = rng.pick(BODIES).to_string();
            if !bodies.contains(&b) {
                bodies.push(b);
            }
        }
        fields.push(style.field(
            style.label("実施主体", "事業実施主体", next(), rng),
            &[bodies.join("、")],
        ));
        r.implementing_bodies = bodies;
    }
    if rng.chance(50) {
        let t = rng.pick(TARGETS).to_string();
        fields.push(style.field(
            style.label("対象者", "支援対象者", next(), rng),
            std::slice::from_ref(&t),
        ));
        r.target = Some(t);
    }
    // Prose fields, one to three sentences, bulleted or not.
    let prose = |rng: &mut Rng| -> Vec<String> {
        let k = 1 + rng.below(3);
        let bullet = rng.chance(40);
        (0..k)
            .map(|_| {
                let s = sentence(rng, topic);
                if bullet { format!("・{s}") } else { s }
            })
            .collect()
    };
    for (canonical, synonym, slot) in [
        ("事業の目的", "背景・目的", 0),
        ("事業概要", "事業の内容", 1),
        ("期待される効果", "見込まれる効果", 2),
    ] {
        if rng.chance(80) {
            let lines = prose(rng);
            fields.push(style.field(style.label(canonical, synonym, next(), rng), &lines));
            let text = Some(lines.join("\n"));
            match slot {
                0 => r.purpose = text,
                1 => r.overview = text,
                _ => r.effects = text,
            }
        }
    }
    if rng.chance(50) {
        let year = 2025 + rng.below(5) as i32;
        let value = 10 + rng.below(990);
        let unit = *rng.pick(GOAL_UNITS);
        let line = format!(
            "令和{}年度までに{}の実施数を{}{}とする",
            widen(&(year - 2018).to_string()),
            topic,
            value,
            unit
        );
        fields.push(style.field(
            style.label("成果目標", "成果指標", next(), rng),
            std::slice::from_ref(&line),
        ));
        r.goals.push(Goal {
            text: line,
            value: Some(value.to_string()),
            unit: Some(unit.into()),
            year: Some(year),
        });
    }
    if rng.chance(50) {
        let start = 2024;
        let end = 2025 + rng.below(4) as i32;
        let written = format!("令和{}年度～令和{}年度", start - 2018, end - 2018);
        fields.push(style.field(
            style.label("事業期間", "実施期間", next(), rng),
            std::slice::from_ref(&written),
        ));
        r.period = Some(Period {
            raw: written,
            start_year: Some(start),
            end_year: Some(end),
        });
    }
    if rng.chance(60) {
        let contact = format!(
            "{}{}（内線{}）",
            rng.pick(BUREAUS),
            rng.pick(DIVISIONS),
            1000 + rng.below(8999)
        );
        fields.push(style.field(
            style.label("担当課", "問合せ先", next(), rng),
            std::slice::from_ref(&contact),
        ));
        r.contact = Some(contact);
    }
    // Shuffle the fields (Fisher–Yates), keep the name first or second.
    for i in (1..fields.len()).rev() {
        let j = rng.below(i + 1);
        fields.swap(i, j);
    }
    let mut lines: Vec<String> = Vec::new();
    if held_out && rng.chance(30) && !fields.is_empty() {
        lines.extend(fields.remove(0));
        lines.push(String::new());
    }
    lines.extend(head);
    for f in fields {
        lines.push(String::new());
        lines.extend(f);
    }
    if fresh && rng.chance(40) {
        // A letterhead before the sheet: issuing ministry and date.
        lines.insert(0, String::new());
        lines.insert(0, format!("令和６年１２月　{}", rng.pick(MINISTRIES)));
    }
    (lines.join("\n"), r)
}

/// A review-sheet-like form (行政事業レビューシート style): cells of a table row side by side,
/// start and end years in their own cells, prose under headings wrapped at the cell width,
/// and cells the vocabulary does not know (実施方法, 根拠法令). Written after the parser was
/// final; its figures are first-run figures.
pub(super) fn review_sheet(rng: &mut Rng) -> (String, ProgramRecord) {
    let topic = *rng.pick(TOPICS);
    let name = format!("{}{}{}", topic, rng.pick(ACTIONS), rng.pick(ENDINGS));
    let ministry = *rng.pick(MINISTRIES);
    let bureau = *rng.pick(BUREAUS);
    let division = *rng.pick(DIVISIONS);
    let start = 2019 + rng.below(6) as i32;
    let end = start + 1 + rng.below(5) as i32;
    let account = rng.pick(ACCOUNTS).to_string();
    let (yen, written) = amount(rng);
    let rate = *rng.pick(&["1/2", "2/3", "定額"]);
    let purpose: Vec<String> = (0..1 + rng.below(2))
        .map(|_| sentence(rng, topic))
        .collect();
    let overview: Vec<String> = (0..1 + rng.below(3))
        .map(|_| sentence(rng, topic))
        .collect();
    let value = 10 + rng.below(500);
    let unit = *rng.pick(GOAL_UNITS);
    let goal_year = end;
    let goal = format!(
        "令和{}年度までに{}の取組数を{}{}にする",
        goal_year - 2018,
        topic,
        value,
        unit
    );
    let wrap = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .flat_map(|l| {
                let chars: Vec<char> = l.chars().collect();
                chars
                    .chunks(28)
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let mut lines = vec![
        "令和６年度 行政事業レビューシート".to_string(),
        String::new(),
        format!("事業名  {name}        担当部局庁  {ministry}{bureau}"),
        format!(
            "事業開始年度  令和{}年度      事業終了(予定)年度  令和{}年度      担当課室  {division}",
            start - 2018,
            end - 2018
        ),
        format!("会計区分  {account}"),
        "根拠法令  なし".to_string(),
        String::new(),
        "事業の目的".to_string(),
    ];
    lines.extend(wrap(&purpose));
    lines.push(String::new());
    lines.push("事業概要".to_string());
    lines.extend(wrap(&overview));
    lines.push(String::new());
    lines.push(format!("実施方法  補助            補助率  {rate}"));
    lines.push(String::new());
    lines.push("予算額".to_string());
    lines.push(format!("令和６年度補正予算額　{written}"));
    lines.push(String::new());
    lines.push("成果目標".to_string());
    lines.extend(wrap(std::slice::from_ref(&goal)));
    let r = ProgramRecord {
        name: Some(name),
        ministry: Some(ministry.into()),
        bureau: Some(bureau.into()),
        contact: Some(division.into()),
        account: Some(account),
        period: Some(Period {
            raw: String::new(),
            start_year: Some(start),
            end_year: Some(end),
        }),
        purpose: Some(purpose.join("\n")),
        overview: Some(overview.join("\n")),
        subsidy_rates: vec![SubsidyRate {
            rate: rate.into(),
            applies_to: None,
            raw: String::new(),
        }],
        budget: vec![BudgetLine {
            label: "令和６年度補正予算額".into(),
            fiscal_year: Some(2024),
            kind: Some(BudgetKind::Supplementary),
            amount_yen: Some(yen),
            part_of: false,
            item: None,
            portion: None,
            part_of_item: None,
            raw: String::new(),
        }],
        goals: vec![Goal {
            text: goal,
            value: Some(value.to_string()),
            unit: Some(unit.into()),
            year: Some(goal_year),
        }],
        ..ProgramRecord::default()
    };
    (lines.join("\n"), r)
}

/// A page that is not a budget sheet (a tender notice): must give no record.
pub(super) fn notice(rng: &mut Rng) -> String {
    format!(
        "入札公告\n\n件名：{}整備工事\n履行期間：令和６年４月１日から令和７年３月３１日まで\n\n入札参加資格\n・競争参加資格を有する者であること。\n\n担当：{}契約課（電話 03-0000-{:04}）\n",
        rng.pick(TOPICS),
        rng.pick(BUREAUS),
        rng.below(9999)
    )
}

pub(super) fn corpus(
    seeds: std::ops::RangeInclusive<u64>,
    held_out: bool,
    fresh: bool,
) -> (String, Vec<ProgramRecord>) {
    let mut pages: Vec<String> = Vec::new();
    let mut expected = Vec::new();
    for seed in seeds {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        for _ in 0..3 {
            let (text, record) = sheet(&mut rng, held_out, fresh);
            pages.push(text);
            expected.push(record);
        }
        if rng.chance(50) {
            pages.push(notice(&mut rng));
        }
    }
    (pages.join("\n\u{c}"), expected)
}
