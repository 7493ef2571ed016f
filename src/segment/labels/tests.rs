use super::*;
use crate::segment::clean::{blocks, lines};

fn hits(text: &str) -> Vec<(Field, String)> {
    let ls = lines(text);
    blocks(&ls)
        .iter()
        .flat_map(find)
        .map(|h| (h.field, h.value))
        .collect()
}

#[test]
fn variants_share_a_key() {
    for l in [
        "事業の概要",
        "【事業概要】",
        "［ 事業・概要 ］：",
        "事業概要:",
        "〔事業概要〕",
    ] {
        assert_eq!(field_of(l), Some(Field::Overview), "{l}");
    }
    assert_eq!(field_of("ＫＰＩ"), Some(Field::Goals));
    assert_eq!(field_of("事業終了(予定)年度"), Some(Field::PeriodEnd));
    assert_eq!(field_of("担当部局・庁"), Some(Field::Org));
    assert_eq!(field_of("事業の概要を説明する"), None);
}

#[test]
fn label_forms() {
    let h = hits(
        "【事業名】 テスト支援事業\n担当課：総務課\n実施主体  都道府県、市町村\n事業概要\n○ 一つ目の取組を行う。\n\n○ 二つ目の取組を行う。\n\n目的\n地域を支える。\n",
    );
    assert_eq!(
        h,
        vec![
            (Field::Name, "テスト支援事業".to_string()),
            (Field::Contact, "総務課".to_string()),
            (Field::Bodies, "都道府県、市町村".to_string()),
            (
                Field::Overview,
                "○ 一つ目の取組を行う。\n○ 二つ目の取組を行う。".to_string()
            ),
            (Field::Purpose, "地域を支える。".to_string()),
        ]
    );
}

#[test]
fn cells_side_by_side() {
    let h = hits("事業番号  0042      会計区分  一般会計\n");
    assert_eq!(
        h,
        vec![
            (Field::Code, "0042".to_string()),
            (Field::Account, "一般会計".to_string())
        ]
    );
}

#[test]
fn prose_is_not_a_label() {
    assert!(hits("目的を達成するために支援を行う。\n対象となる経費は人件費。\n").is_empty());
    assert_eq!(
        split_label("令和６年度補正予算額　１，２００千円").map(|x| x.0),
        Some(Field::Budget)
    );
}

#[test]
fn house_headings_and_annotations() {
    assert_eq!(field_of("＜対策のポイント＞"), Some(Field::Purpose));
    assert_eq!(field_of("＜政策目標＞"), Some(Field::Effects));
    assert_eq!(
        split_label("⑤ 成果イメージ（経済効果、雇用の下支え・創出効果を含む）").map(|x| x.0),
        Some(Field::Effects)
    );
    assert_eq!(
        split_label("事業スキーム（対象者、対象行為、補助率等）").map(|x| x.0),
        Some(Field::Section)
    );
    // A parenthesis alone is not a heading.
    assert_eq!(without_annotation("（対象、補助率等）等"), None);
    assert!(is_house_heading(
        "④ 施策のスキーム図、実施要件（対象、補助率等）等".trim_start_matches("④ ")
    ));
}

#[test]
fn contact_in_one_bracket_pair() {
    for line in [
        "（担当：初等中等教育局企画課）",
        "(担当：初等中等教育局企画課)",
    ] {
        assert_eq!(
            split_label(line),
            Some((
                Field::Contact,
                "担当".to_string(),
                "初等中等教育局企画課".to_string()
            )),
            "{line}"
        );
    }
}

#[test]
fn stacked_headings_give_text_only_when_unambiguous() {
    // Two field headings stacked: whose text follows is a guess, so neither gets it.
    let h = hits("事業の概要\n\n実施主体等\n\n・調査を支援します。\n・研修を支援します。\n");
    assert_eq!(
        h,
        vec![
            (Field::Overview, String::new()),
            (Field::Bodies, String::new())
        ]
    );
    // A section heading in the stack is passed over.
    let h = hits("事業目的・概要\n事業目的\n\n地域を支えます。\n");
    assert_eq!(
        h,
        vec![
            (Field::Section, String::new()),
            (Field::Purpose, "地域を支えます。".to_string()),
        ]
    );
}

#[test]
fn a_stacked_heading_given_by_its_own_labels_owns_no_text() {
    // 実施主体等's box holds 【実施主体】 lines of its own, so the free text after the stack
    // is the overview's.
    let h = hits(
        "事業の概要\n\n実施主体等\n\n・調査を支援します。\n・研修を支援します。\n\n【実施主体】市町村\n",
    );
    assert_eq!(
        h,
        vec![
            (
                Field::Overview,
                "・調査を支援します。\n・研修を支援します。".to_string()
            ),
            (Field::Bodies, String::new()),
            (Field::Bodies, "市町村".to_string()),
        ]
    );
}

#[test]
fn check_table_cells_are_no_value() {
    let h = hits("成果イメージ\n\nⅠ\n○\n\n本文です。\n");
    assert_eq!(h, vec![(Field::Effects, String::new())]);
    assert!(is_marks_only("Ⅱ ○"));
    assert!(!is_marks_only("○ 実施主体：市町村"));
}

#[test]
fn flow_charts_are_narrow() {
    for chart in [
        "国 →委託（1/2）→ ＮＰＯ法人",
        "国 →補助（3/4）→ 一般社団法人 →補助（1/2）→ 都道府県",
        "国 ⇒ 都道府県 ⇒ 市町村",
        "都道府県 ➡ 事業者（補助）",
    ] {
        assert!(is_flow_chart(chart), "{chart}");
    }
    for prose in [
        // An arrow in prose: no money word, no 国.
        "省エネ化→コスト削減",
        // A sentence.
        "国から都道府県へ補助します。→ 地域の活性化",
        // A long piece between arrows is prose, not a party.
        "地域の中小企業に対する補助を通じて生産性を向上→所得の増加",
        // No arrow.
        "国 委託（1/2） ＮＰＯ法人",
        // An arrow with one piece only.
        "→ 補助",
    ] {
        assert!(!is_flow_chart(prose), "{prose}");
    }
}

#[test]
fn a_flow_chart_is_no_value_and_ends_one() {
    // Awaited text: the chart is passed over, the effects after it are the value.
    let h = hits("【期待される効果】\n国 →委託（1/2）→ ＮＰＯ法人\n○ 地域の取組が増加します。\n");
    assert_eq!(
        h,
        vec![(Field::Effects, "○ 地域の取組が増加します。".to_string())]
    );
    // A chart alone under the label: no value.
    let h = hits("【期待される効果】\n国 →補助（3/4）→ 一般社団法人 →補助（1/2）→ 都道府県\n");
    assert_eq!(h, vec![(Field::Effects, String::new())]);
    // After the value: the chart ends it.
    let h = hits(
        "【事業の背景・目的】\n○ 人材が不足しています。\n国 →交付（定額）→ 地域協議会\n○ 補足の文です。\n",
    );
    assert_eq!(
        h,
        vec![(Field::Purpose, "○ 人材が不足しています。".to_string())]
    );
}

#[test]
fn a_grid_of_boxes_gives_its_headings_their_texts() {
    // 内閣府's 2×2 boxes: heading bars written row by row, texts column by column. The flow
    // chart can only be 資金の流れ's, so the texts are read in column order.
    let h = hits(
        "事業概要・目的\n\n事業イメージ・具体例\n\n資金の流れ\n\n期待される効果\n\n\
         ○ 人材が不足しています。\n○ このため、研修を支援します。\n\n\
         国 →補助（定額）→ 都道府県\n\n\
         （１）研修への支援\n研修に取り組む市町村に対し、経費を補助します。\n\n\
         ○ 本事業により、地域の取組が増加します。\n",
    );
    assert_eq!(
        h,
        vec![
            (
                Field::Purpose,
                "○ 人材が不足しています。\n○ このため、研修を支援します。".to_string()
            ),
            (
                Field::Overview,
                "（１）研修への支援\n研修に取り組む市町村に対し、経費を補助します。".to_string()
            ),
            (Field::Section, String::new()),
            (
                Field::Effects,
                "○ 本事業により、地域の取組が増加します。".to_string()
            ),
        ]
    );
    // Four field headings and four texts: row and column order both hold, and agree only
    // on the first and the last box.
    let h = hits(
        "【事業の目的】\n\n【事業の概要】\n\n【対象者】\n\n【期待される効果】\n\n\
         地域を支えます。\n\n研修を支援します。\n\n市町村の職員です。\n\n取組が増えます。\n",
    );
    assert_eq!(
        h,
        vec![
            (Field::Purpose, "地域を支えます。".to_string()),
            (Field::Overview, String::new()),
            (Field::Target, String::new()),
            (Field::Effects, "取組が増えます。".to_string()),
        ]
    );
    // Fewer texts than headings: no grid reading, no text.
    let h = hits(
        "事業概要・目的\n\n事業イメージ・具体例\n\n資金の流れ\n\n期待される効果\n\n地域を支えます。\n",
    );
    assert!(h.iter().all(|(_, v)| v.is_empty()), "{h:?}");
}

#[test]
fn a_heading_takes_its_text_past_other_boxes_fields() {
    // The effects box's text written after the box beside it (bodies and rates).
    let h = hits(
        "◆期待される効果\n\n◆事業主体\n民間事業者、大学等\n◆補助率\n1/2\n\n\
         本事業により、地域の取組が増加します。\n",
    );
    assert_eq!(
        h,
        vec![
            (
                Field::Effects,
                "本事業により、地域の取組が増加します。".to_string()
            ),
            (Field::Bodies, "民間事業者、大学等".to_string()),
            (Field::SubsidyRate, "1/2".to_string()),
        ]
    );
    // Past a check table's cells, a flow chart and one-line fields.
    let h = hits(
        "⑤ 成果イメージ（経済効果を含む）\n\nⅠ\n○\n\nⅡ\n\n国 →補助（1/2）→ 市町村\n\
         ○ 実施主体：市町村\n○ 補助率：1/2\n\n・本事業により、取組が増加します。\n",
    );
    assert_eq!(h[0].1, "・本事業により、取組が増加します。");
    // Another heading in between: no text.
    let h = hits(
        "◆期待される効果\n\n◆事業概要\n\n◆補助率\n1/2\n\n本事業により、地域の取組が増加します。\n",
    );
    assert_eq!(h[0], (Field::Effects, String::new()));
    // Nothing passed: text right under the heading is its continuation's business.
    let h = hits("◆期待される効果\n\n※ 注記です。\n");
    assert_eq!(h, vec![(Field::Effects, "※ 注記です。".to_string())]);
    // A note after the fields is not the heading's.
    let h = hits("◆期待される効果\n\n◆補助率\n1/2\n\n※ 補助率は上限です。\n");
    assert_eq!(h[0], (Field::Effects, String::new()));
}

#[test]
fn an_item_heading_keeps_its_text_past_a_blank_line() {
    let h = hits(
        "【事業概要】\n・研修への支援\n\n研修に取り組む市町村に対し、経費を補助します。\n\
         ・調査への支援\n調査に取り組む大学に対し、経費を補助します。\n",
    );
    assert_eq!(
        h,
        vec![(
            Field::Overview,
            "・研修への支援\n研修に取り組む市町村に対し、経費を補助します。\n\
             ・調査への支援\n調査に取り組む大学に対し、経費を補助します。"
                .to_string()
        )]
    );
    // Past a blank line, a sentence after a whole sentence is not the item's.
    let h = hits("【事業概要】\n・研修を支援します。\n\n別の欄の文です。\n");
    assert_eq!(
        h,
        vec![(Field::Overview, "・研修を支援します。".to_string())]
    );
}
