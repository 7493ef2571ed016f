use super::super::{Placed, lines};

/// `visual` drawn left to right, one glyph per character (6 units wide, em 10), a space
/// leaving a 6-unit blank (a word gap) instead of a glyph; every glyph `stated` or not.
fn drawn(visual: &str, stated: bool) -> Vec<Placed<'_>> {
    let mut out = Vec::new();
    let mut x = 0.0;
    for (at, c) in visual.char_indices() {
        if c != ' ' {
            out.push(Placed {
                font: 0,
                text: Some(&visual[at..at + c.len_utf8()]),
                x,
                y: 100.0,
                x_end: x + 6.0,
                y_end: 100.0,
                size: 10.0,
                vertical: false,
                cjk: false,
                stated,
            });
        }
        x += 6.0;
    }
    out
}

fn text(glyphs: &[Placed]) -> Vec<String> {
    super::super::tests::render(glyphs)
}

#[test]
fn hebrew_line_in_visual_order_reads_logically_with_its_number_left_to_right() {
    assert_eq!(text(&drawn("םולש", true)), ["שלום"]);
    // Logical "שלום 123 עולם" stands on the page as "םלוע 123 םולש".
    assert_eq!(text(&drawn("םלוע 123 םולש", true)), ["שלום 123 עולם"]);
}

#[test]
fn arabic_line_keeps_arabic_indic_digits_left_to_right() {
    // Logical "سنة ٢٠٢٦" (year 2026) stands as "٢٠٢٦ ةنس".
    assert_eq!(text(&drawn("٢٠٢٦ ةنس", true)), ["سنة ٢٠٢٦"]);
}

#[test]
fn majority_direction_latin_line_reverses_only_its_hebrew_word() {
    assert_eq!(
        text(&drawn("the word םולש means peace", true)),
        ["the word שלום means peace"]
    );
    // Mostly Hebrew: a right-to-left paragraph; the Latin word stays as written.
    assert_eq!(text(&drawn("PDF ץבוקה תא חתפ", true)), ["פתח את הקובץ PDF"]);
}

#[test]
fn lines_without_trusted_rtl_text_are_untouched() {
    // Latin and Japanese: the layout is the same glyphs, gaps and order as left to right.
    for s in ["plain Latin 123 (x)", "日本語の 文章"] {
        let gs = drawn(s, true);
        let got = lines(&gs);
        assert_eq!(got.len(), 1);
        let order: Vec<usize> = got[0].glyphs.iter().map(|g| g.0).collect();
        assert_eq!(order, (0..gs.len()).collect::<Vec<_>>(), "{s}");
    }
    // Hebrew letters whose text no source states (table, unresolved, glyph IDs): as drawn.
    assert_eq!(text(&drawn("םולש", false)), ["םולש"]);
    // Glyph IDs of garbled kana land in U+0700–08FF (ࡢ is の): stated or not, never reordered.
    assert_eq!(text(&drawn("ࡢࡣ ࠉࡢ", true)), ["ࡢࡣ ࠉࡢ"]);
}

#[test]
fn opaque_glyphs_keep_their_drawn_order_inside_a_hebrew_line() {
    // Two glyph-ID characters (ࡢࡣ, stated but outside Hebrew/Arabic) between Hebrew words:
    // the words are read right to left, the garbled pair stays as drawn.
    assert_eq!(text(&drawn("םלוע ࡢࡣ םולש", true)), ["שלום ࡢࡣ עולם"]);
    // Unstated glyphs in the middle of a Hebrew line: the same.
    let mut gs = drawn("םלוע אב םולש", true);
    for g in &mut gs[4..6] {
        g.stated = false;
    }
    assert_eq!(text(&gs), ["שלום אב עולם"]);
}
