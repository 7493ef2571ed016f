use super::*;
use crate::segment::clean::{blocks, lines};

/// Records of every block of `text`, no running header known.
fn record_count(text: &str) -> usize {
    blocks(&lines(text))
        .iter()
        .map(|b| records(b, &SourceInfo::new("t"), "令和", &HashSet::new()).len())
        .sum()
}

fn one(text: &str) -> ProgramRecord {
    let ls = lines(text);
    let bs = blocks(&ls);
    let mut all: Vec<ProgramRecord> = bs
        .iter()
        .flat_map(|b| records(b, &SourceInfo::new("t"), "令和", &HashSet::new()))
        .collect();
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

#[test]
fn labelled_sheet() {
    let r = one(
        "事業名：地域共生社会の実現に向けたＮＰＯ法人等支援事業\n令和６年度補正予算額　２．４億円（令和５年度補正予算額　１．８億円）\n所管：厚生労働省　社会・援護局　地域福祉課\n　補助率：国 1/2（ＮＰＯ法人等は定額、上限 500万円）\n【担当】社会・援護局 地域福祉課 企画係（内線 2871）\n",
    );
    assert_eq!(
        r.name.as_deref(),
        Some("地域共生社会の実現に向けたＮＰＯ法人等支援事業")
    );
    assert_eq!(r.ministry.as_deref(), Some("厚生労働省"));
    assert_eq!(r.bureau.as_deref(), Some("社会・援護局 地域福祉課"));
    let amounts: Vec<(Option<i32>, Option<i64>)> = r
        .budget
        .iter()
        .map(|b| (b.fiscal_year, b.amount_yen))
        .collect();
    assert_eq!(
        amounts,
        vec![
            (Some(2024), Some(240_000_000)),
            (Some(2023), Some(180_000_000))
        ]
    );
    let rates: Vec<(&str, Option<&str>)> = r
        .subsidy_rates
        .iter()
        .map(|s| (s.rate.as_str(), s.applies_to.as_deref()))
        .collect();
    assert_eq!(
        rates,
        vec![("1/2", Some("国")), ("定額", Some("NPO法人等"))]
    );
    assert_eq!(r.unit_amounts[0].amount_yen, 5_000_000);
    assert_eq!(
        r.contact.as_deref(),
        Some("社会・援護局 地域福祉課 企画係（内線 2871）")
    );
}

#[test]
fn portions_and_part_of() {
    let r = one(
        "施策名：地域における自殺対策の強化\n令和６年度補正予算 20億円\n（うち10億円が孤独・孤立対策分）\n【R7予算（案）額 6,136,919千円の内数】\n",
    );
    assert_eq!(r.budget.len(), 3, "{:?}", r.budget);
    assert_eq!(r.budget[1].portion.as_deref(), Some("孤独・孤立対策分"));
    assert_eq!(r.budget[1].amount_yen, Some(1_000_000_000));
    assert!(r.budget[2].part_of);
    assert_eq!(r.budget[2].fiscal_year, Some(2025));
}

#[test]
fn no_title_no_record() {
    let ls = lines("令和６年度補正予算 20億円\n");
    assert!(
        blocks(&ls)
            .iter()
            .all(|b| records(b, &SourceInfo::new("t"), "令和", &HashSet::new()).is_empty())
    );
}

#[test]
fn template_with_content_before_title() {
    // 内閣府 template: items and ○ paragraphs first, title and headings after them.
    let r = one(
        "１ 地方公共団体の取組を支援します。\n\n○ 孤独・孤立対策推進法が施行されました。\n\n地域の交付金（内閣府孤独・孤立対策推進室）\n\n ７年度概算決定額 １．４億円（６年度予算額１．３億円）\n\n事業概要・目的 事業イメージ・具体例\n\n資金の流れ\n\n○ 全国各地で孤独・孤立対策が展開されます。\n\n期待される効果\n\n１/２、３/４\n",
    );
    assert_eq!(r.name.as_deref(), Some("地域の交付金"));
    assert_eq!(r.ministry.as_deref(), Some("内閣府"));
    assert_eq!(r.bureau.as_deref(), Some("孤独・孤立対策推進室"));
    assert_eq!(
        r.purpose.as_deref(),
        Some("○ 孤独・孤立対策推進法が施行されました。")
    );
    assert_eq!(
        r.overview.as_deref(),
        Some("１ 地方公共団体の取組を支援します。")
    );
    assert_eq!(
        r.effects.as_deref(),
        Some("○ 全国各地で孤独・孤立対策が展開されます。")
    );
    let b: Vec<_> = r
        .budget
        .iter()
        .map(|b| (b.fiscal_year, b.kind, b.amount_yen))
        .collect();
    assert_eq!(
        b,
        vec![
            (
                Some(2025),
                Some(super::super::BudgetKind::Decided),
                Some(140_000_000)
            ),
            (
                Some(2024),
                Some(super::super::BudgetKind::Initial),
                Some(130_000_000)
            ),
        ]
    );
    let rates: Vec<&str> = r.subsidy_rates.iter().map(|s| s.rate.as_str()).collect();
    assert_eq!(rates, vec!["1/2", "3/4"]);
}

#[test]
fn stacked_headings_give_no_text_fields() {
    let r = one(
        "① 施策の目的\n\n③ 施策の概要\n（対象、補助率等）等\n\n⑤ 成果イメージ\n\n・自殺者数は過去最多の水準で推移している。\n\n施策名：地域における自殺対策の強化\n令和６年度補正予算 20億円\n",
    );
    assert_eq!(r.purpose, None);
    assert_eq!(r.overview, None);
    assert_eq!(r.effects, None);
    assert_eq!(r.budget[0].amount_yen, Some(2_000_000_000));
}

#[test]
fn artefacts_do_not_leak_into_fields() {
    // Fake-bold title line and vertical text inside a sheet.
    let r = one(
        "更生保護地域寄り添い支援  事業\n地域支援地域支援地域支援地域支援\nコ\nー\nデ\n【R6補正予算額 681,592千円の内数】\n",
    );
    assert_eq!(r.name.as_deref(), Some("更生保護地域寄り添い支援事業"));
    assert_eq!(r.budget.len(), 1);
    assert!(r.budget[0].part_of);
    assert_eq!(r.budget[0].amount_yen, Some(681_592_000));
    assert_eq!(r.sources[0].line_end, 6);
}

#[test]
fn split_org_units() {
    assert_eq!(
        split_org("内閣府男女共同参画局総務課"),
        (Some("内閣府".into()), Some("男女共同参画局 総務課".into()))
    );
    assert_eq!(
        split_org("成育局 成育環境課"),
        (None, Some("成育局 成育環境課".into()))
    );
}

#[test]
fn amount_line_above_the_title_is_part_of_the_head() {
    // Default-mode pdftotext writes the slide's top-right box (amount, bureau) before the
    // title: the title and the bureau are still the head's.
    let r = one(
        "令和６年度補正予算額 3,140百万円\n港湾局 計画課\n\n離島航路維持支援事業\n【事業の背景・目的】\n\n・離島の航路が減便しています。\n\n補助率：1/2\n\n【期待される効果】\n\n・航路が維持されます。\n",
    );
    assert_eq!(r.name.as_deref(), Some("離島航路維持支援事業"));
    assert_eq!(r.bureau.as_deref(), Some("港湾局 計画課"));
}

#[test]
fn bureau_right_under_an_amount_line_further_down() {
    // The top-right box written after the left column: its bureau line follows the amount.
    let r = one(
        "森林経営集約化推進事業\n事業目的・概要\n事業目的\n\n森林の所有者が分からない土地が増えています。\n\n令和６年度補正予算額 12.5億円\n林政局 経営課\n\n事業スキーム（対象者、対象行為、補助率等）\n国 →補助（1/2）→ 民間団体\n",
    );
    assert_eq!(r.bureau.as_deref(), Some("林政局 経営課"));
    // A bureau-like line elsewhere (not under an amount, not in the head) is not read.
    let r = one(
        "森林経営集約化推進事業\n事業目的・概要\n事業目的\n\n森林の所有者が分からない土地が増えています。\n\n令和６年度補正予算額 12.5億円\n\n事業スキーム（対象者、対象行為、補助率等）\n林政局 経営課\n",
    );
    assert_eq!(r.bureau, None);
    // A labelled line under the amount is its label's.
    let r = one(
        "事業名：森林経営集約化推進事業\n令和６年度補正予算額 12.5億円\n担当部局　林政局経営課\n事業概要：森林の集約化を支援します。\n",
    );
    assert_eq!(r.bureau, None);
}

#[test]
fn a_heading_under_a_bare_label_is_stacked() {
    // 【事業概要】 and 【期待される効果】 side by side come out one under the other; the text
    // after them is both boxes', in an order the text does not show.
    let r = one(
        "離島航路維持支援事業\n令和６年度補正予算額 3,140百万円\n\n【事業概要】\n\n【期待される効果】\n\n・航路を運航する事業者に対し、燃料費を補助します。\n\n国 →補助（1/2）→ 事業者\n\n本事業により、島の暮らしが守られます。\n",
    );
    assert_eq!(r.effects, None);
    assert_eq!(r.overview, None);
}

#[test]
fn check_table_cells_are_no_effects() {
    // ⑤'s text awaited, the ② box's check table (Ⅰ Ⅱ Ⅲ, ○) comes next: not its text.
    let r = one(
        "施策名：離島航路維持支援事業\n令和６年度補正予算 31億円\n\n⑤ 成果イメージ（経済効果を含む）\n\nⅠ\n○\n\nⅡ\n\nⅢ\n○\n\n国 →補助（1/2）→ 事業者\n○ 実施主体：事業者\n",
    );
    assert_eq!(r.effects, None);
}

/// Rates of a record, for the flow-chart tests.
fn rates_of(r: &ProgramRecord) -> Vec<&str> {
    r.subsidy_rates.iter().map(|s| s.rate.as_str()).collect()
}

#[test]
fn a_flow_chart_is_no_effects() {
    // The 資金の流れ box's chart written between 期待される効果 and its text (default-mode
    // pdftotext of two boxes side by side): 20 characters and more, it passed for prose.
    let r = one(
        "山村振興等支援事業（内閣府科学技術政策室）\n\n6年度補正予算額 42.8億円\n\n期待される効果\n\n国 →補助（3/4）→ 一般社団法人 →補助（1/2）→ 都道府県\n\n○ 本事業により、山村振興に取り組む地域が増加します。\n",
    );
    assert_eq!(
        r.effects.as_deref(),
        Some("○ 本事業により、山村振興に取り組む地域が増加します。")
    );
    // Its rates are still read.
    assert_eq!(rates_of(&r), vec!["3/4", "1/2"]);
    // A chart right under the text, with no blank line between: it ends the text.
    let r = one(
        "山村振興等支援事業（内閣府科学技術政策室）\n\n6年度補正予算額 42.8億円\n\n期待される効果\n\n○ 本事業により、山村振興に取り組む地域が増加します。\n国 →委託（1/2）→ ＮＰＯ法人 →交付（定額）→ 大学等\n",
    );
    assert_eq!(
        r.effects.as_deref(),
        Some("○ 本事業により、山村振興に取り組む地域が増加します。")
    );
    assert_eq!(rates_of(&r), vec!["1/2", "定額"]);
}

#[test]
fn a_flow_chart_before_effects_is_not_their_text() {
    // Text printed before its heading: a chart there is no effects text.
    let r = one(
        "山村振興等支援事業（内閣府科学技術政策室）\n\n6年度補正予算額 42.8億円\n\n国 →補助（3/4）→ 一般社団法人 →補助（1/2）→ 都道府県\n\n期待される効果\n",
    );
    assert_eq!(r.effects, None);
    assert_eq!(rates_of(&r), vec!["3/4", "1/2"]);
}

#[test]
fn a_flow_chart_ends_the_template_purpose() {
    // 内閣府 template, content before the title: the chart is neither purpose nor overview.
    let r = one(
        "○ 孤独・孤立対策推進法が施行されました。\n国 →交付（定額）→ 地域協議会\n１ 地方公共団体の取組を支援します。\n\n地域の交付金（内閣府孤独・孤立対策推進室）\n\n ７年度概算決定額 １．４億円（６年度予算額１．３億円）\n\n事業概要・目的 事業イメージ・具体例\n",
    );
    assert_eq!(
        r.purpose.as_deref(),
        Some("○ 孤独・孤立対策推進法が施行されました。")
    );
    assert_eq!(
        r.overview.as_deref(),
        Some("１ 地方公共団体の取組を支援します。")
    );
    assert_eq!(rates_of(&r), vec!["定額"]);
}

/// A sentence that wraps after a parenthesised office is prose, not a sheet's title line;
/// the same line followed by a sheet's amount is one.
#[test]
fn a_parenthesised_office_inside_a_sentence_is_no_title() {
    let prose = "対応策についての情報を迅速に提供\nするための内閣府の特設サイト（内閣官房新型コロナウイルス感染症対策室）\nが立ち上がった。\n";
    let bs = blocks(&lines(prose));
    assert!(bs.iter().all(|b| find_title(b).is_none()));
    let sheet =
        "地域デジタル基盤整備事業（内閣官房デジタル推進室）\n令和６年度補正予算額　２．４億円\n";
    let bs = blocks(&lines(sheet));
    let title = bs.iter().find_map(find_title).expect("a title line");
    assert_eq!(title.name, "地域デジタル基盤整備事業");
}

/// A subsidy guideline's contents page names the document's fields with page numbers: no
/// record, while the same labels with values are a sheet's.
#[test]
fn a_contents_page_is_no_sheet() {
    let contents = "事業承継促進補助金\n目次\n１．事業の目的　５\n２．事業概要　５\n３．補助対象者　６\n４．補助対象経費　１１\n５．実施主体　２１\n";
    assert_eq!(record_count(contents), 0);
    let sheet = "事業承継促進補助金\n１．事業の目的　中小企業の事業承継を支援する\n２．事業概要　専門家の活用を補助する\n３．補助対象者　中小企業者\n４．補助対象経費　専門家経費\n５．実施主体　民間団体\n";
    let r = one(sheet);
    assert_eq!(r.name.as_deref(), Some("事業承継促進補助金"));
    assert!(r.eligible.is_some(), "{r:?}");
}

/// A title over most pages of a long document is its running header (a guideline's name),
/// not a sheet's; a title over two pages is a sheet's.
#[test]
fn a_running_header_is_no_sheet_title() {
    let page = "事業承継促進補助金\n１．事業の目的　中小企業の事業承継を支援する\n２．事業概要　専門家の活用を補助する\n３．補助対象経費　専門家経費\n";
    let long = [page; 6].join("\u{c}");
    let ls = lines(&long);
    let running = running_headers(&ls);
    assert!(running.contains("事業承継促進補助金"), "{running:?}");
    let records_of = |ls: &[Line], running: &HashSet<String>| -> usize {
        blocks(ls)
            .iter()
            .map(|b| records(b, &SourceInfo::new("t"), "令和", running).len())
            .sum()
    };
    assert_eq!(records_of(&ls, &running), 0);
    let short = [page; 2].join("\u{c}");
    let ls = lines(&short);
    let running = running_headers(&ls);
    assert!(running.is_empty(), "{running:?}");
    assert_eq!(records_of(&ls, &running), 2);
}

/// A first line ending in 事業 with nothing read under it (a guideline's cover) is no sheet;
/// a labelled 事業名 with nothing under it is one, flagged `no_fields`.
#[test]
fn a_weak_title_alone_is_no_sheet() {
    let cover = "中小企業生産性革命推進事業\n事業承継補助金\n公募要領\n";
    assert_eq!(record_count(cover), 0);
    let r = one("【事業名】読めない様式の支援事業\n（図）\n");
    assert_eq!(r.flags, vec!["no_fields".to_string()]);
}

/// A guideline's numbered section on eligible projects is no program's title.
#[test]
fn a_field_heading_is_no_title() {
    assert!(!is_title_text("2.3 補助対象事業"));
    assert!(!is_title_text("補助対象事業"));
    assert!(is_title_text("地域共生社会推進事業"));
}

/// A report form under a grant rule (`下記のとおり報告します。` / `記` / `１．補助事業名`) names
/// the programme it reports on; it is no sheet of it. The same items without the letter are.
#[test]
fn a_report_form_is_no_sheet() {
    let items = "１．補助事業名\n    地域共生社会推進事業\n２．事業期間\n    開始  令和6年4月1日\n３．事業概要\n    相談窓口を設ける\n";
    let letter = format!(
        "補助事業実績報告書\n交付規程第１８条の規定に基づき、下記の\nとおり報告します。\n記\n{items}"
    );
    assert_eq!(record_count(&letter), 0);
    assert_eq!(record_count(items), 1);
}

/// A venue on a floor is no office: `会場　よろーな（1 階大会議室）` is no title.
#[test]
fn a_room_is_no_office() {
    assert!(!looks_like_org("1 階大会議室"));
    assert!(!looks_like_org("２階会議室"));
    assert!(looks_like_org("男女共同参画局総務課"));
    assert!(looks_like_org("内閣府"));
}

/// A budget book's revenue items, each tagged with its department: the one whose amount
/// wrapped to the next line is no sheet title (held-out Setagaya budget book). A sheet's own
/// office-tagged title with one other tagged line still makes a record.
#[test]
fn an_item_of_a_tagged_list_is_no_title() {
    let book = [
        "25 教育支援体",
        "制整備事業",
        "34,570",
        "3 　インクルーシブ教育システム推進事業（教育委員会事務局）　24,336",
        "　　充当事業：特別支援教育の推進･P445",
        "6 　インクルーシブ教育システム推進事業（教育委員会事務局）　8,284",
        "　　充当事業：会計年度任用職員の人件費（教育委員会事務局）･P471",
        "8 　幼児教育推進体制等を活用した幼保小の架け橋プログラム促進事業（教育委員会事務局）",
        "1,950",
        "　　充当事業：乳幼児期の教育・保育の推進･P447",
    ]
    .join("\n");
    assert_eq!(record_count(&book), 0);
    let sheet = "地域共生社会推進事業（社会・援護局地域福祉課）\n\
令和６年度予算額　２．４億円\n\
【担当】（社会・援護局地域福祉課）\n";
    assert_eq!(record_count(sheet), 1);
    // An imprint: the name is an office itself.
    assert_eq!(record_count("発行　内閣府（原稿作成　国立印刷局）\n"), 0);
    // A notice's addressee (MHLW medical-fee notices, held out): an office, its other name.
    let notice = "写　保医発０８２９第７号\n令和５年８月２９日\n\n地方厚生（支）局医療課長\n\
都道府県民生主管部（局）\n  国民健康保険主管課（部）長          殿\n";
    assert_eq!(record_count(notice), 0);
}
