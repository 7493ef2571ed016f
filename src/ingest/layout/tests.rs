use super::*;

fn g(text: &str, x: f32, y: f32, vertical: bool) -> Placed<'_> {
    Placed {
        font: 0,
        text: Some(text),
        x,
        y,
        x_end: if vertical { x } else { x + 10.0 },
        y_end: if vertical { y - 10.0 } else { y },
        size: 10.0,
        vertical,
        cjk: true,
        stated: true,
    }
}

/// The lines `lines` makes of `glyphs`, as text (also used by `layout::bidi`'s tests).
pub(super) fn render(glyphs: &[Placed]) -> Vec<String> {
    lines(glyphs)
        .iter()
        .map(|l| {
            l.glyphs
                .iter()
                .map(|&(i, gap)| {
                    let p = match gap {
                        Gap::None => "",
                        Gap::Space => " ",
                        Gap::Ideographic => "\u{3000}",
                    };
                    format!("{p}{}", glyphs[i].text.unwrap_or_default())
                })
                .collect()
        })
        .collect()
}

#[test]
fn lines_by_baseline_and_overprint_once() {
    let gs = vec![
        g("い", 10.0, 100.0, false),
        g("あ", 0.0, 100.0, false),
        g("あ", 0.3, 100.2, false), // fake bold
        g("う", 0.0, 80.0, false),
        g("え", 20.0, 80.0, false), // a full em gap
    ];
    assert_eq!(render(&gs), vec!["あい", "う\u{3000}え"]);
}

#[test]
fn a_narrow_glyph_kerned_against_its_twin_is_kept() {
    // `Toll` in a proportional font: `l` advances 2.1 units at size 10, and the second `l`
    // is drawn 1.9 units after the first (a TJ kern): two glyphs, not fake bold.
    let glyph = |text, x, width| Placed {
        x_end: x + width,
        ..g(text, x, 100.0, false)
    };
    let gs = vec![
        glyph("T", 0.0, 5.9),
        glyph("o", 5.9, 5.1),
        glyph("l", 11.0, 2.1),
        glyph("l", 12.9, 2.1),
        glyph("l", 12.95, 2.1), // drawn again in place
    ];
    assert_eq!(render(&gs), vec!["Toll"]);
}

/// `text` laid out from x = `x0`, one glyph per 10 units, on baseline `y`.
fn run(text: &str, x0: f32, y: f32) -> Vec<Placed<'_>> {
    text.char_indices()
        .enumerate()
        .map(|(k, (at, c))| g(&text[at..at + c.len_utf8()], x0 + 10.0 * k as f32, y, false))
        .collect()
}

#[test]
fn two_prose_columns_read_left_then_right() {
    let left = [
        "あいうえおかきくけこ",
        "さしすせそたちつてと",
        "なにぬねのはひふへほ",
        "まみむめも",
    ];
    let right = [
        "アイウエオカキクケコ",
        "サシスセソタチツテト",
        "ナニヌネノハヒフヘホ",
        "マミムメモヤユヨ",
    ];
    let mut gs = run("見出しは全幅に渡って書かれている長い行", 0.0, 120.0);
    for (k, (l, r)) in left.iter().zip(right).enumerate() {
        let y = 100.0 - 12.0 * k as f32;
        gs.extend(run(l, 0.0, y));
        gs.extend(run(r, 130.0, y));
    }
    gs.extend(run("脚注も全幅に渡って書かれている長い行です", 0.0, 40.0));
    let mut want = vec!["見出しは全幅に渡って書かれている長い行".to_string()];
    want.extend(left.iter().map(|s| s.to_string()));
    want.extend(right.iter().map(|s| s.to_string()));
    want.push("脚注も全幅に渡って書かれている長い行です".into());
    assert_eq!(render(&gs), want);
}

#[test]
fn a_table_of_contents_keeps_its_leaders_on_the_entry() {
    // Entries long enough to read as prose, the leaders and page numbers set apart at the
    // right edge: one line per entry. The same page with prose on the right is two columns.
    let entries = [
        "交付申請までの残手順について",
        "申請準備の進め方と確認事項",
        "ポータル出力書類の一覧と説明",
        "着工前写真の撮影と提出の方法",
    ];
    // Each entry on the left, `right` beside it on the same baseline.
    let page = |right: &'static str| -> Vec<String> {
        let mut gs = Vec::new();
        for (k, e) in entries.iter().enumerate() {
            let y = 100.0 - 20.0 * k as f32;
            gs.extend(run(e, 0.0, y));
            gs.extend(run(right, 400.0, y));
        }
        render(&gs)
    };
    let out = page("・・・・・・・・・Ｐ．７５");
    assert_eq!(out.len(), 4, "{out:?}");
    for (line, e) in out.iter().zip(entries) {
        assert!(
            line.starts_with(e) && line.ends_with("・・・・・・・・・Ｐ．７５"),
            "{out:?}"
        );
    }
    let out = page("右の段落の文章が続いている");
    assert_eq!(out.len(), 8, "{out:?}");
    assert!(out[4..].iter().all(|l| l.starts_with('右')), "{out:?}");
}

#[test]
fn columns_with_different_leading_still_split() {
    let mut gs = Vec::new();
    for k in 0..6 {
        gs.extend(run(
            "左の段落の文章が続いている",
            0.0,
            200.0 - 12.0 * k as f32,
        ));
    }
    for k in 0..5 {
        gs.extend(run(
            "右の段落は行間が広く組まれている",
            160.0,
            198.0 - 15.0 * k as f32,
        ));
    }
    let out = render(&gs);
    assert_eq!(out.len(), 11, "{out:?}");
    assert!(out[..6].iter().all(|l| l.starts_with('左')), "{out:?}");
    assert!(out[6..].iter().all(|l| l.starts_with('右')), "{out:?}");
}

#[test]
fn a_table_of_short_cells_keeps_row_order() {
    let mut gs = Vec::new();
    for k in 0..5 {
        let y = 100.0 - 12.0 * k as f32;
        gs.extend(run("項目", 0.0, y));
        gs.extend(run("金額", 100.0, y));
    }
    let out = render(&gs);
    assert_eq!(out.len(), 5, "{out:?}");
    assert!(
        out.iter()
            .all(|l| l.starts_with("項目") && l.ends_with("金額"))
    );
}

#[test]
fn an_unruled_table_with_long_rows_keeps_row_order() {
    // Niigata City's case lists (held out from tuning), no ruling lines: left of a wide blank
    // number, date and age, right of it four cells 1.5–2 em apart. Each side holds over 8
    // glyphs a row, as prose would, but in runs of at most 8.
    let mut gs = Vec::new();
    for k in 0..6 {
        let y = 200.0 - 14.0 * k as f32;
        gs.extend(run("二八八", 0.0, y));
        gs.extend(run("一／五四十歳代", 45.0, y));
        gs.extend(run("女性", 190.0, y));
        gs.extend(run("中央区", 230.0, y));
        gs.extend(run("医療機関職員", 275.0, y));
        gs.extend(run("なし", 350.0, y));
    }
    let out = render(&gs);
    assert_eq!(out.len(), 6, "{out:?}");
    assert!(
        out.iter()
            .all(|l| l.starts_with("二八八") && l.ends_with("なし")),
        "{out:?}"
    );
}

#[test]
fn names_padded_with_drawn_spaces_keep_their_amounts_on_the_row() {
    // MHLW's fee schedule (JUST PDF, held out): each item's name is drawn with a run of
    // space glyphs after it, its points 15 em to the right, also with spaces around them.
    // Counting the spaces, both sides held 8 glyphs a run and read as two columns of prose.
    let mut gs = Vec::new();
    for k in 0..6 {
        let y = 200.0 - 15.0 * k as f32;
        gs.extend(run("イ  急性期一般入院料１               ", 0.0, y));
        gs.extend(run(" 1,688点 ", 340.0, y));
    }
    let out = render(&gs);
    assert_eq!(out.len(), 6, "{out:?}");
    assert!(
        out.iter()
            .all(|l| l.starts_with('イ') && l.trim_end().ends_with('点')),
        "{out:?}"
    );
}

#[test]
fn runs_break_at_gaps_over_1_2_em() {
    let gs = [
        run("あい", 0.0, 0.0),
        run("う", 31.0, 0.0), // 1.1 em after い: the same run
        run("え", 54.0, 0.0), // 1.3 em after う: a new run
        run("お", 74.0, 0.0), // a full em: the same run
    ]
    .concat();
    let all: Vec<usize> = (0..gs.len()).collect();
    assert_eq!(runs(&gs, &all), 2);
    assert_eq!(runs(&gs, &all[..3]), 1);
    assert_eq!(runs(&gs, &[]), 0);
}

#[test]
fn three_columns() {
    let mut gs = Vec::new();
    for k in 0..4 {
        let y = 100.0 - 12.0 * k as f32;
        gs.extend(run("一の段の文章ですよね", 0.0, y));
        gs.extend(run("二の段の文章ですよね", 130.0, y));
        gs.extend(run("三の段の文章ですよね", 260.0, y));
    }
    let firsts: String = render(&gs)
        .iter()
        .map(|l| l.chars().next().unwrap())
        .collect();
    assert_eq!(firsts, "一一一一二二二二三三三三");
}

fn hr(y: f32, x0: f32, x1: f32) -> Rule {
    Rule {
        x0,
        y0: y,
        x1,
        y1: y,
    }
}
fn vr(x: f32, y0: f32, y1: f32) -> Rule {
    Rule {
        x0: x,
        y0,
        x1: x,
        y1,
    }
}

fn render_ruled(glyphs: &[Placed], rules: &[Rule]) -> Vec<String> {
    lines_with_rules(glyphs, rules)
        .iter()
        .map(|l| {
            l.glyphs
                .iter()
                .map(|&(i, gap)| {
                    let p = match gap {
                        Gap::None => "",
                        Gap::Space => " ",
                        Gap::Ideographic => "\u{3000}",
                    };
                    format!("{p}{}", glyphs[i].text.unwrap_or_default())
                })
                .collect()
        })
        .collect()
}

/// Two prose columns, a section heading over the left column only with a bar drawn over
/// both columns above and below it, then two columns again (the MEXT white paper's layout,
/// held out from tuning): each band reads left column then right; without the bars the
/// columns run through the heading.
#[test]
fn a_rule_across_the_gutter_cuts_the_columns_into_bands() {
    let top = [
        ("あいうえおかきくけこ", "アイウエオカキクケコ"),
        ("さしすせそたちつてと", "サシスセソタチツテト"),
        ("なにぬねのはひふへほ", "ナニヌネノハヒフヘホ"),
        ("まみむめも", "マミムメモヤユヨ"),
    ];
    let bottom = [
        ("やゆよらりるれろわを", "ヤユヨラリルレロワヲ"),
        ("漢字の段落の続きです", "片仮名の段落の続きです"),
        ("左の段の終わり", "右の段の終わり"),
    ];
    let mut gs = Vec::new();
    for (k, (l, r)) in top.iter().enumerate() {
        let y = 200.0 - 12.0 * k as f32;
        gs.extend(run(l, 0.0, y));
        gs.extend(run(r, 130.0, y));
    }
    gs.extend(run("第二節見出し", 0.0, 140.0));
    for (k, (l, r)) in bottom.iter().enumerate() {
        let y = 120.0 - 12.0 * k as f32;
        gs.extend(run(l, 0.0, y));
        gs.extend(run(r, 130.0, y));
    }
    let bars = [hr(154.0, -5.0, 250.0), hr(134.0, -5.0, 250.0)];
    let mut want: Vec<String> = top.iter().map(|p| p.0.to_string()).collect();
    want.extend(top.iter().map(|p| p.1.to_string()));
    want.push("第二節見出し".into());
    want.extend(bottom.iter().map(|p| p.0.to_string()));
    want.extend(bottom.iter().map(|p| p.1.to_string()));
    assert_eq!(render_ruled(&gs, &bars), want);
    // A rule over the left column only cuts nothing.
    let short = [hr(154.0, -5.0, 90.0), hr(134.0, -5.0, 90.0)];
    let mut left: Vec<String> = top.iter().map(|p| p.0.to_string()).collect();
    left.push("第二節見出し".into());
    left.extend(bottom.iter().map(|p| p.0.to_string()));
    assert_eq!(render_ruled(&gs, &short)[..left.len()], left[..]);
}

/// Two columns whose paragraphs end together, a blank band in both, then both go on (the
/// MEXT white paper's page 12): one block, each column read through the band; with a rule
/// drawn across the band the two halves are separate bands.
#[test]
fn columns_go_on_past_a_blank_band_in_both() {
    let para = |tag: &str| -> Vec<String> {
        (0..4)
            .map(|k| format!("{tag}の段落の{k}行目の文章です"))
            .collect()
    };
    let (l1, r1, l2, r2) = (para("左上"), para("右上"), para("左下"), para("右下"));
    let mut gs = Vec::new();
    for k in 0..4 {
        let y = 200.0 - 12.0 * k as f32;
        gs.extend(run(&l1[k], 0.0, y));
        gs.extend(run(&r1[k], 160.0, y));
        // 36 units (3.6 em) below the last row of the first paragraphs.
        let y = 200.0 - 36.0 - 36.0 - 12.0 * k as f32;
        gs.extend(run(&l2[k], 0.0, y));
        gs.extend(run(&r2[k], 160.0, y));
    }
    let want: Vec<String> = [&l1, &l2, &r1, &r2]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    assert_eq!(render_ruled(&gs, &[]), want);
    let banded: Vec<String> = [&l1, &r1, &l2, &r2]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    assert_eq!(render_ruled(&gs, &[hr(150.0, -5.0, 330.0)]), banded);
}

#[test]
fn a_table_ruled_down_its_columns_only_reads_row_by_row() {
    // Kobe City's tax tables (PrimoPDF from Excel, held out): a header row ruled off, then
    // one tall row whose columns are ruled and whose lines are not — a label column and
    // two columns of figures, six lines each. Read cell by cell it listed the labels, then
    // each column of figures.
    let labels = ["計", "（当）", "（過）", "現", "繰", "計"];
    let mut gs = run("区分", 2.0, 110.0);
    gs.extend(run("調定", 62.0, 110.0));
    gs.extend(run("収入", 142.0, 110.0));
    let figures: Vec<(String, String)> = (0..labels.len())
        .map(|k| (format!("{},000", 10 + k), format!("{},500", 20 + k)))
        .collect();
    for (k, (label, (a, b))) in labels.iter().zip(&figures).enumerate() {
        let y = 90.0 - 12.0 * k as f32;
        gs.extend(run(label, 2.0, y));
        gs.extend(run(a, 70.0, y));
        gs.extend(run(b, 150.0, y));
    }
    let mut rules = vec![
        hr(120.0, 0.0, 220.0),
        hr(100.0, 0.0, 220.0),
        hr(20.0, 0.0, 220.0),
    ];
    rules.extend([0.0, 60.0, 140.0, 220.0].map(|x| vr(x, 20.0, 120.0)));
    let out = render_ruled(&gs, &rules);
    assert_eq!(out.len(), 7, "{out:?}");
    assert_eq!(out[1], "計\u{3000}10,000\u{3000}20,500", "{out:?}");
    assert_eq!(out[6], "計\u{3000}15,000\u{3000}25,500", "{out:?}");
}

#[test]
fn wrapped_prose_beside_short_cells_stays_cell_by_cell() {
    // An MLIT scoring sheet (../shared): a criterion of four lines, its rules wrapped over
    // eight, its points over four, all on one line pitch. Read across, each line of the
    // rules would be cut by a piece of the criterion and of the points.
    let mut gs = Vec::new();
    let (left, right) = (
        ["地域課題", "における", "独自の取", "り組み"],
        ["最大", "２", "（累積", "する）"],
    );
    let middle: Vec<String> = (0..8).map(|k| format!("評価方法の説明文その{k}")).collect();
    for k in 0..8 {
        let y = 90.0 - 12.0 * k as f32;
        if k < 4 {
            gs.extend(run(left[k], 2.0, y));
            gs.extend(run(right[k], 172.0, y));
        }
        gs.extend(run(&middle[k], 62.0, y));
    }
    let mut rules = vec![hr(100.0, 0.0, 220.0), hr(0.0, 0.0, 220.0)];
    rules.extend([0.0, 60.0, 170.0, 220.0].map(|x| vr(x, 0.0, 100.0)));
    let out = render_ruled(&gs, &rules);
    assert_eq!(out.len(), 16, "{out:?}");
    assert_eq!(out[..4], left, "{out:?}");
    assert_eq!(out[4..12], middle, "{out:?}");
}

#[test]
fn ruled_table_rows_keep_wrapped_cells_together() {
    // Three columns (x 0|60|130|200), two rows (y 100|70|40). Row 1's first cell wraps
    // over two lines (baselines 88, 76); the other cells are one line at baseline 84,
    // between the wrapped lines, so a line-by-line reading would interleave them.
    let mut gs = run("病院名の", 2.0, 88.0);
    gs.extend(run("続き", 2.0, 76.0));
    gs.extend(run("電話", 62.0, 82.0));
    gs.extend(run("有", 132.0, 82.0));
    gs.extend(run("次の行", 2.0, 50.0));
    gs.extend(run("番号", 62.0, 50.0));
    gs.extend(run("無", 132.0, 50.0));
    gs.extend(run("表の下の本文", 0.0, 20.0));
    gs.extend(run("表の上の題", 0.0, 110.0));
    let mut rules = vec![
        hr(100.0, 0.0, 200.0),
        hr(70.0, 0.0, 200.0),
        hr(40.0, 0.0, 200.0),
    ];
    rules.extend([0.0, 60.0, 130.0, 200.0].map(|x| vr(x, 40.0, 100.0)));
    assert_eq!(
        render_ruled(&gs, &rules),
        vec![
            "表の上の題",
            "病院名の",
            "続き",
            "電話\u{3000}有",
            "次の行\u{3000}番号\u{3000}無",
            "表の下の本文",
        ]
    );
    // Without rules the same glyphs read line by line (the cells interleave).
    assert_eq!(render(&gs)[1], "病院名の");
    assert_eq!(render(&gs)[2], "電話\u{3000}有");
}

#[test]
fn vertical_column_read_where_it_stands() {
    let mut gs = run("上の行", 0.0, 120.0);
    gs.extend(
        ["縦", "書", "き"]
            .iter()
            .enumerate()
            .map(|(k, t)| g(t, 40.0, 100.0 - 10.0 * k as f32, true)),
    );
    gs.extend(run("下の行", 0.0, 40.0));
    assert_eq!(render(&gs), vec!["上の行", "縦書き", "下の行"]);
}

#[test]
fn vertical_columns_right_to_left() {
    let gs = vec![
        g("し", 50.0, 90.0, true),
        g("あ", 80.0, 100.0, true),
        g("い", 80.0, 90.0, true),
        g("さ", 50.0, 100.0, true),
    ];
    assert_eq!(render(&gs), vec!["あい", "さし"]);
}

#[test]
fn a_fifth_em_breaks_latin_words_but_not_cjk_characters() {
    // TeX sets words a quarter em apart (TJ −250); justified Japanese spreads characters by
    // as much without meaning a break.
    let pair = |cjk: bool, gap: f32| {
        let mut a = g("a", 0.0, 100.0, false);
        let mut b = g("b", 10.0 + gap, 100.0, false);
        a.cjk = cjk;
        b.cjk = cjk;
        render(&[a, b])
    };
    assert_eq!(pair(false, 2.5), vec!["a b"]);
    assert_eq!(pair(false, 2.1), vec!["a b"]);
    assert_eq!(pair(false, 1.5), vec!["ab"]);
    assert_eq!(pair(true, 2.1), vec!["ab"]);
    assert_eq!(pair(true, 2.6), vec!["a b"]);
    // A kanji in a simple (non-CJK-flagged) font keeps the CJK threshold (LibreOffice).
    let mut a = g("0", 0.0, 100.0, false);
    let mut b = g("万", 12.1, 100.0, false);
    a.cjk = false;
    b.cjk = false;
    assert_eq!(render(&[a, b]), vec!["0万"]);
}

/// Glyphs of a horizontal font drawn one below the other, in drawing order, 1.1 em apart.
fn stack(text: &str, x: f32, top: f32) -> Vec<Placed<'_>> {
    text.split_inclusive(|_: char| true)
        .enumerate()
        .map(|(k, t)| g(t, x, top - 11.0 * k as f32, false))
        .collect()
}

#[test]
fn stacked_horizontal_glyphs_read_as_columns_right_to_left() {
    // Word's vertical text through "Microsoft: Print To PDF": every glyph its own TD below
    // the previous, columns drawn right to left. As lines it read `縦の　書文　き章`.
    let mut gs = stack("縦書き", 200.0, 300.0);
    gs.extend(stack("の文章", 170.0, 300.0));
    assert_eq!(render(&gs), vec!["縦書き", "の文章"]);
    assert!(lines(&gs).iter().all(|l| l.vertical));
    // Punctuation drifted to the upper right of its cell stays in its column.
    let mut gs = stack("縦書き", 200.0, 300.0);
    gs[1].x += 5.0;
    gs[1].text = Some("、");
    assert_eq!(render(&gs), vec!["縦、き"]);
    // A column's last glyph with a space glyph drawn beside it (Word ends columns so), and
    // a symbol at its head, stay in the column.
    let mut gs = stack("○告示号", 200.0, 300.0);
    gs.push(g(" ", 210.0, 300.0 - 33.0, false));
    assert_eq!(render(&gs)[0], "○告示号");
    // A column's head drawn apart joins the column; with a glyph (even a drawn space) beside
    // it on its baseline, it is part of a row and does not.
    // (Drawn after the column: drawn just before it, it would chain with it.)
    let mut gs = stack("保険医療", 200.0, 289.0);
    gs.push(g("一", 200.0, 311.0, false));
    assert_eq!(render(&gs)[0], "一\u{3000}保険医療");
    gs.push(g(" ", 210.0, 311.0, false));
    assert_eq!(render(&gs)[0], "保険医療");
}

#[test]
fn stacks_need_a_run_of_wide_tight_glyphs() {
    // Horizontal lines one above the other: drawn left to right, never chained.
    let mut gs = run("一行目", 0.0, 100.0);
    gs.extend(run("二行目", 0.0, 89.0));
    assert_eq!(render(&gs), vec!["一行目", "二行目"]);
    // A column of row numbers drawn top to bottom (a table drawn column by column): not
    // CJK, so rows stay rows.
    let digit = |t: &'static str, y: f32| {
        let mut x = g(t, 0.0, y, false);
        x.cjk = false;
        x
    };
    let mut gs = vec![digit("1", 100.0), digit("2", 89.0), digit("3", 78.0)];
    gs.extend(run("甲乙丙", 30.0, 100.0));
    gs.extend(run("丁戊己", 30.0, 89.0));
    gs.extend(run("庚辛壬", 30.0, 78.0));
    assert_eq!(
        render(&gs),
        vec!["1\u{3000}甲乙丙", "2\u{3000}丁戊己", "3\u{3000}庚辛壬"]
    );
    // A figure drawn just before a column (the end of a row) stays out of it.
    let mut zero = g("0", 0.0, 111.0, false);
    zero.cjk = false;
    let mut gs = vec![zero];
    gs.extend(stack("注射液", 0.0, 100.0));
    assert_eq!(render(&gs), vec!["注射液", "0"]);
    // A table cell of names, one per line 1.1 em apart, centred: `田 辻 今` drawn one below
    // the other would chain, but 田 and 今 have neighbours on their lines.
    let mut gs = run("山田", 0.0, 100.0);
    gs.extend(run("辻", 5.0, 89.0));
    gs.extend(run("今村", 0.0, 78.0));
    gs.extend(run("達", 5.0, 67.0));
    gs.extend(run("永川", 0.0, 56.0));
    assert_eq!(render(&gs), vec!["山田", "辻", "今村", "達", "永川"]);
    // Two glyphs one below the other are not a column.
    let gs = stack("上下", 0.0, 100.0);
    assert_eq!(render(&gs), vec!["上", "下"]);
}

/// An Excel row ruled only across, its last cell wrapped over two lines and centred: read
/// as one line, the wrapped cell's lines together; without the rules, line by line.
#[test]
fn a_row_ruled_across_keeps_its_wrapped_cell() {
    let mut gs = run("県内確定例の接", 200.0, 118.0);
    gs.extend(run("49810", 0.0, 106.0));
    gs.extend(run("女性", 80.0, 106.0));
    gs.extend(run("触者", 220.0, 95.0));
    gs.extend(run("49809", 0.0, 70.0));
    gs.extend(run("男性", 80.0, 70.0));
    gs.extend(run("調査中", 210.0, 70.0));
    let rules = [
        hr(130.0, 0.0, 300.0),
        hr(90.0, 0.0, 300.0),
        hr(50.0, 0.0, 300.0),
    ];
    assert_eq!(
        render_ruled(&gs, &rules),
        vec![
            "49810\u{3000}女性\u{3000}県内確定例の接触者",
            "49809\u{3000}男性\u{3000}調査中"
        ]
    );
    assert_eq!(
        render_ruled(&gs, &[]),
        vec![
            "県内確定例の接",
            "49810\u{3000}女性",
            "触者",
            "49809\u{3000}男性\u{3000}調査中"
        ]
    );
    // A rule inside the band (under the first line) makes it no band.
    let inside = [
        hr(130.0, 0.0, 300.0),
        hr(112.0, 0.0, 300.0),
        hr(90.0, 0.0, 300.0),
    ];
    assert_eq!(render_ruled(&gs, &inside)[0], "県内確定例の接");
}

/// Four columns of prose 1.2 em apart with a vertical rule in each gutter (the official
/// gazette's pages, held out from tuning): read column by column. The same page without the
/// rules keeps row order (a gap under 2 em is no gutter of white space alone).
#[test]
fn ruled_columns_under_two_em_apart_read_column_by_column() {
    let cols: Vec<Vec<String>> = (0..4)
        .map(|c| {
            (0..5)
                .map(|k| format!("第{c}段の{k}行目は十文字以上の文です"))
                .collect()
        })
        .collect();
    let width = 10.0 * cols[0][0].chars().count() as f32;
    let mut gs = Vec::new();
    for (c, lines) in cols.iter().enumerate() {
        for (k, l) in lines.iter().enumerate() {
            gs.extend(run(l, c as f32 * (width + 12.0), 200.0 - 12.0 * k as f32));
        }
    }
    let rules: Vec<Rule> = (1..4)
        .map(|c| vr(c as f32 * (width + 12.0) - 6.0, 130.0, 215.0))
        .collect();
    let want: Vec<String> = cols.iter().flatten().cloned().collect();
    assert_eq!(render_ruled(&gs, &rules), want);
    let rows = render_ruled(&gs, &[]);
    assert_eq!(rows.len(), 5, "{rows:?}");
    // Rules that stop short of the last row divide only the rows they span.
    let short: Vec<Rule> = (1..4)
        .map(|c| vr(c as f32 * (width + 12.0) - 6.0, 160.0, 215.0))
        .collect();
    let mut want: Vec<String> = cols.iter().flat_map(|l| l[..4].to_vec()).collect();
    want.push(
        cols.iter()
            .map(|l| l[4].as_str())
            .collect::<Vec<_>>()
            .join("\u{3000}"),
    );
    assert_eq!(render_ruled(&gs, &short), want);
}

/// A running header set up the page's left margin (glyphs advancing along +y) beside prose:
/// one line of its own, read upwards, not one character joined to each row it passes.
#[test]
fn a_header_up_the_margin_is_a_line_of_its_own() {
    let mut gs = Vec::new();
    let body = [
        "本文の一行目です。",
        "本文の二行目です。",
        "本文の三行目です。",
    ];
    for (k, l) in body.iter().enumerate() {
        gs.extend(run(l, 40.0, 100.0 - 10.0 * k as f32));
    }
    for (k, (at, c)) in "官報号外".char_indices().enumerate() {
        let y = 80.0 + 10.0 * k as f32;
        gs.push(Placed {
            x_end: 10.0,
            y_end: y + 10.0,
            ..g(&"官報号外"[at..at + c.len_utf8()], 10.0, y, false)
        });
    }
    let got = render(&gs);
    assert!(got.contains(&"官報号外".to_string()), "{got:?}");
    for l in body {
        assert!(got.contains(&l.to_string()), "{got:?}");
    }
    // Two turned glyphs are too few to be a line: they stay where they stand.
    let few: Vec<Placed> = gs.iter().take(body.len() * 9 + 2).cloned().collect();
    assert_eq!(
        render(&few),
        vec![
            "本文の一行目です。",
            "報\u{3000}本文の二行目です。",
            "官\u{3000}本文の三行目です。"
        ]
    );
}
