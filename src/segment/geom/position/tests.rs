use super::anchors::budget_start;
use super::*;

/// A line of pieces `(x0, text)` at baseline `y`, 10 pt glyphs, 10 pt per character.
fn line(y: f32, pieces: &[(f32, &str)]) -> ingest::Line {
    let pieces: Vec<ingest::Piece> = pieces
        .iter()
        .enumerate()
        .map(|(i, (x, t))| ingest::Piece {
            gap: if i == 0 { "" } else { "\u{3000}" },
            text: t.to_string(),
            bbox: [*x, y - 1.2, x + 10.0 * t.chars().count() as f32, y + 8.8],
            cell: None,
        })
        .collect();
    ingest::Line {
        text: pieces
            .iter()
            .map(|p| format!("{}{}", p.gap, p.text))
            .collect(),
        vertical: false,
        spans: Vec::new(),
        pieces,
    }
}

fn labels_and_values(page: &ingest::Page) -> Vec<(String, Vec<String>)> {
    let found = assign(0, page, 1, &|_| false).expect("a form");
    let mut out = Vec::new();
    for (k, role) in &found.roles {
        let _ = k;
        if let Role::Label { label, values } = role {
            let v = values
                .iter()
                .flat_map(|v| found.cells[v].lines.iter().map(|(_, t)| t.clone()))
                .collect();
            out.push((label.clone(), v));
        }
    }
    out.sort();
    out
}

#[test]
fn wrapped_labels_side_values_pairs_and_columns() {
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(800.0, &[(50.0, "事業名"), (120.0, "港湾物流事業")]),
            // A label wrapped in a 4-character column, its value beside it.
            line(780.0, &[(50.0, "令和６年"), (120.0, "1,200千円")]),
            line(767.0, &[(50.0, "度補正予")]),
            line(754.0, &[(50.0, "算額")]),
            // Two fields side by side.
            line(
                730.0,
                &[
                    (50.0, "補助率"),
                    (120.0, "1/2"),
                    (300.0, "実施主体"),
                    (370.0, "市町村"),
                ],
            ),
            // Labels over values.
            line(705.0, &[(50.0, "事業概要")]),
            line(692.0, &[(60.0, "港湾の物流を高度化する。")]),
            line(679.0, &[(60.0, "計画を支援する。")]),
            // Prose at the left margin ends the value.
            line(650.0, &[(40.0, "以上のとおり。")]),
        ],
    };
    let got = labels_and_values(&page);
    let want: Vec<(String, Vec<String>)> = vec![
        ("事業名".into(), vec!["港湾物流事業".into()]),
        (
            "事業概要".into(),
            vec!["港湾の物流を高度化する。".into(), "計画を支援する。".into()],
        ),
        ("令和６年度補正予算額".into(), vec!["1,200千円".into()]),
        ("実施主体".into(), vec!["市町村".into()]),
        ("補助率".into(), vec!["1/2".into()]),
    ];
    let mut want = want;
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_value_centred_beside_its_label_starts_above_it() {
    // Rows 18 pt apart, value lines 13 pt apart: 事業概要 sits at the middle of its
    // three lines, the first of which is above it and within 1 em of 事業名's value.
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(800.0, &[(50.0, "事業名"), (120.0, "港湾物流事業")]),
            line(782.0, &[(120.0, "港湾の物流を高度化する。")]),
            line(
                769.0,
                &[(50.0, "事業概要"), (120.0, "計画の策定を支援する。")],
            ),
            line(756.0, &[(120.0, "設備の導入を補助する。")]),
            line(738.0, &[(50.0, "実施主体"), (120.0, "市町村")]),
        ],
    };
    let got = labels_and_values(&page);
    let mut want: Vec<(String, Vec<String>)> = vec![
        ("事業名".into(), vec!["港湾物流事業".into()]),
        (
            "事業概要".into(),
            vec![
                "港湾の物流を高度化する。".into(),
                "計画の策定を支援する。".into(),
                "設備の導入を補助する。".into(),
            ],
        ),
        ("実施主体".into(), vec!["市町村".into()]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_label_centred_on_an_even_number_of_value_lines_is_measured_from_its_value_line() {
    // Rows 16 pt apart, value lines 10 pt apart: 事業概要 sits at the middle of its four
    // lines, half a line below the second, with which it shares a row; the line above is
    // 15 pt from the label's baseline but 10 from the value line beside it.
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(800.0, &[(50.0, "事業名"), (120.0, "港湾物流事業")]),
            line(784.0, &[(120.0, "港湾の物流を高度化する。")]),
            {
                // One row: the label (baseline 769) and the value line 5 pt above it.
                let mut row = line(
                    774.0,
                    &[(50.0, "事業概要"), (120.0, "計画の策定を支援する。")],
                );
                row.pieces[0].bbox[1] -= 5.0;
                row.pieces[0].bbox[3] -= 5.0;
                row
            },
            line(764.0, &[(120.0, "設備の導入を補助する。")]),
            line(754.0, &[(120.0, "人材の育成を支える。")]),
            line(738.0, &[(50.0, "実施主体"), (120.0, "市町村")]),
        ],
    };
    let got = labels_and_values(&page);
    let mut want: Vec<(String, Vec<String>)> = vec![
        ("事業名".into(), vec!["港湾物流事業".into()]),
        (
            "事業概要".into(),
            vec![
                "港湾の物流を高度化する。".into(),
                "計画の策定を支援する。".into(),
                "設備の導入を補助する。".into(),
                "人材の育成を支える。".into(),
            ],
        ),
        ("実施主体".into(), vec!["市町村".into()]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn the_line_pitch_is_read_down_a_paragraph_when_labels_sit_between_its_lines() {
    // Every label sits half a line off its two value lines, so no two consecutive rows
    // are a line pitch apart (10 pt); the value column's left edge gives it.
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(800.0, &[(50.0, "事業名"), (120.0, "港湾物流事業")]),
            line(779.0, &[(120.0, "都道府県")]),
            line(774.0, &[(50.0, "実施主体")]),
            line(769.0, &[(120.0, "市町村")]),
            line(748.0, &[(120.0, "港湾の物流を高度化する。")]),
            line(743.0, &[(50.0, "事業概要")]),
            line(738.0, &[(120.0, "設備の導入を補助する。")]),
            line(716.0, &[(50.0, "補助率"), (120.0, "1/2")]),
        ],
    };
    let got = labels_and_values(&page);
    let mut want: Vec<(String, Vec<String>)> = vec![
        ("事業名".into(), vec!["港湾物流事業".into()]),
        (
            "事業概要".into(),
            vec![
                "港湾の物流を高度化する。".into(),
                "設備の導入を補助する。".into(),
            ],
        ),
        ("実施主体".into(), vec!["都道府県".into(), "市町村".into()]),
        ("補助率".into(), vec!["1/2".into()]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_label_centred_in_its_column_is_stacked_past_a_value_line() {
    // 【会計区 / 分】 centred in the label column, the value line between them.
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(800.0, &[(50.0, "事業名"), (120.0, "港湾物流事業")]),
            line(782.0, &[(50.0, "【会計区")]),
            line(776.0, &[(120.0, "一般会計")]),
            line(769.0, &[(65.0, "分】")]),
            line(750.0, &[(50.0, "実施主体"), (120.0, "市町村")]),
        ],
    };
    let got = labels_and_values(&page);
    assert!(
        got.contains(&("【会計区分】".into(), vec!["一般会計".into()])),
        "{got:?}"
    );
}

#[test]
fn prose_set_beside_the_form_is_no_value() {
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(
                800.0,
                &[
                    (50.0, "事業名"),
                    (120.0, "港湾物流事業"),
                    (350.0, "本稿では住民の声を紹介する。"),
                ],
            ),
            line(
                787.0,
                &[
                    (50.0, "補助率"),
                    (120.0, "1/2"),
                    (350.0, "回答者の多くは通勤時間を挙げる。"),
                ],
            ),
            line(
                774.0,
                &[
                    (50.0, "実施主体"),
                    (120.0, "市町村"),
                    (350.0, "図書館の開館時間を延長した。"),
                ],
            ),
            line(
                761.0,
                &[
                    (50.0, "事業概要"),
                    (120.0, "設備を補助する。"),
                    (350.0, "参加者から声が寄せられた。"),
                ],
            ),
        ],
    };
    let got = labels_and_values(&page);
    let mut want: Vec<(String, Vec<String>)> = vec![
        ("事業名".into(), vec!["港湾物流事業".into()]),
        ("補助率".into(), vec!["1/2".into()]),
        ("実施主体".into(), vec!["市町村".into()]),
        ("事業概要".into(), vec!["設備を補助する。".into()]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_value_stacked_over_a_budget_label_is_no_label() {
    assert!(budget_start("令和６年度補正予算額"));
    assert!(budget_start("Ｒ７予算案"));
    assert!(!budget_start("港湾物流事業令和6年度補正予算額"));
    assert!(!budget_start("9664予算額"));
}

#[test]
fn a_page_with_few_labels_is_left_alone() {
    let page = ingest::Page {
        number: 1,
        lines: vec![
            line(800.0, &[(50.0, "目的"), (120.0, "本書は手順を示す。")]),
            line(780.0, &[(50.0, "手順は次のとおり。")]),
        ],
    };
    assert!(assign(0, &page, 1, &|_| false).is_none());
}
