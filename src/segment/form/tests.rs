use super::*;

#[test]
fn goals_have_value_unit_year() {
    let g = goal("令和８年度までに実施自治体数を300か所とする", "令和");
    assert_eq!(g.value.as_deref(), Some("300"));
    assert_eq!(g.unit.as_deref(), Some("か所"));
    assert_eq!(g.year, Some(2026));
    let g = goal("利用者の満足度80％以上", "令和");
    assert_eq!(
        (g.value.as_deref(), g.unit.as_deref(), g.year),
        (Some("80"), Some("%"), None)
    );
}

#[test]
fn periods() {
    let p = period("令和６年度～令和８年度", "令和");
    assert_eq!((p.start_year, p.end_year), (Some(2024), Some(2026)));
    let p = period("令和６年度", "令和");
    assert_eq!((p.start_year, p.end_year), (Some(2024), None));
}

#[test]
fn review_sheet_cells() {
    // A review-sheet row: cells side by side, start and end years in their own cells.
    let text = "事業名  地域連携推進事業        担当部局庁  農林水産省農村振興局\n事業開始年度  令和4年度      事業終了(予定)年度  令和8年度\n会計区分  一般会計\n予算額\n令和６年度補正予算額　1,200百万円\n";
    let records = crate::segment::records_from_text(text, &SourceInfo::new("t"));
    assert_eq!(records.len(), 1, "{records:?}");
    let r = &records[0];
    assert_eq!(r.name.as_deref(), Some("地域連携推進事業"));
    assert_eq!(r.ministry.as_deref(), Some("農林水産省"));
    assert_eq!(r.account.as_deref(), Some("一般会計"));
    let p = r.period.as_ref().expect("period");
    assert_eq!((p.start_year, p.end_year), (Some(2022), Some(2026)));
    assert_eq!(r.budget[0].amount_yen, Some(1_200_000_000));
    assert!(r.flags.is_empty());
}

#[test]
fn part_of_items() {
    assert_eq!(
        part_of_item("（社会資本整備総合交付金の内数）").as_deref(),
        Some("社会資本整備総合交付金")
    );
    assert_eq!(part_of_item("681,592千円の内数"), None);
}

#[test]
fn a_bare_heading_titles_a_form_after_its_page_tag() {
    // Word-style sheet: page tag, the program's name as a heading, headed paragraphs.
    let text = "別紙2\n離島航路支援交付金\n【会計区分】\n一般会計\n【補助率】\n1/2\n【事業の概要】\n航路の維持に要する経費を助成する。\n";
    let records = crate::segment::records_from_text(text, &SourceInfo::new("t"));
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].name.as_deref(), Some("離島航路支援交付金"));
    // Prose with a title-like first line but fewer than three labels stays untitled.
    let text = "別紙2\n離島航路支援交付金\n目的\n航路の維持を図る。\n";
    let records = crate::segment::records_from_text(text, &SourceInfo::new("t"));
    assert!(records.iter().all(|r| r.name.is_none()), "{records:?}");
}

#[test]
fn amount_beside_a_title_is_not_the_title() {
    assert_eq!(
        super::before_budget("港湾物流高度化事業 【令和６年度補正予算額 ３．１億円】"),
        "港湾物流高度化事業"
    );
    assert_eq!(
        super::before_budget("港湾物流高度化事業 R6補正予算額 500百万円"),
        "港湾物流高度化事業"
    );
    // No amount after it: not a budget beside a title.
    assert_eq!(
        super::before_budget("令和６年度補正予算の概要"),
        "令和６年度補正予算の概要"
    );
}

#[test]
fn wrapped_goal_lines_are_one_target() {
    assert_eq!(
        super::goal_items(&[
            "令和９年度までに導入事業者を",
            "150社とすることを目指します。"
        ]),
        vec!["令和９年度までに導入事業者を150社とすることを目指します。".to_string()]
    );
    assert_eq!(
        super::goal_items(&["・研修を10回開催する。", "・相談を500件受ける。"]).len(),
        2
    );
}

#[test]
fn rates_under_their_label_keep_their_subjects() {
    // `●補助率` over `国 1/2、都道府県 1/2` (a blank line between): the layout rules read the
    // value line as bare rates; the label's reading says whose they are.
    let text = "地域鉄道安全対策強化事業\n\n【R６補正予算額 ３，４５３百万円】\n\n●事業主体\n都道府県\n●補助率\n\n国 1/2、都道府県 1/2\n";
    let records = crate::segment::records_from_text(text, &SourceInfo::new("t"));
    assert_eq!(records.len(), 1, "{records:?}");
    let rates: Vec<(String, Option<String>)> = records[0]
        .subsidy_rates
        .iter()
        .map(|r| (r.rate.clone(), r.applies_to.clone()))
        .collect();
    assert_eq!(
        rates,
        vec![
            ("1/2".to_string(), Some("国".to_string())),
            ("1/2".to_string(), Some("都道府県".to_string())),
        ]
    );
}

/// In a table's header row the cell right of 事業名 is the next column's heading, no name.
#[test]
fn a_column_heading_is_no_name() {
    assert_eq!(name_value("類似団体区分"), None);
    assert_eq!(name_value("管理者の情報"), None);
    assert_eq!(
        name_value("地域共生社会推進事業").as_deref(),
        Some("地域共生社会推進事業")
    );
}
