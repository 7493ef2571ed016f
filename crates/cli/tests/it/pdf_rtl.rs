//! Hebrew and Arabic drawn in visual order (glyphs left to right as they stand, as producers
//! draw them) come out of `extract` in logical order, as pdftotext writes them (pdf.js's
//! issue11656, issue10301, ArabicCIDTrueType, …); glyph IDs printed as code points that land
//! in the same blocks (garbled CJK) stay exactly as drawn. Each PDF is built here with lopdf.

use crate::pdf_font_encodings::{one_page, text};
use lopdf::{Object, Stream, dictionary};

/// A non-embedded Type0 Identity-H font whose ToUnicode maps each (code, text) of `entries`.
fn type0_with_tounicode(
    doc: &mut lopdf::Document,
    basefont: &str,
    entries: &[(u16, &str)],
) -> lopdf::Dictionary {
    let mut tu = format!(
        "begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n{} beginbfchar\n",
        entries.len()
    );
    for (code, text) in entries {
        let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
        tu.push_str(&format!("<{code:04X}> <{utf16}>\n"));
    }
    tu.push_str("endbfchar\nendcmap");
    let tu = doc.add_object(Stream::new(dictionary! {}, tu.into_bytes()));
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => basefont,
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
    });
    dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => basefont,
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
    }
}

/// The codes of `text` under `entries` (each character its code), as a hex string operand.
fn codes(entries: &[(u16, &str)], text: &str) -> String {
    let hex: String = text
        .chars()
        .map(|c| {
            let code = entries
                .iter()
                .find(|(_, t)| t.chars().eq([c]))
                .map(|e| e.0)
                .expect("a character the font has");
            format!("{code:04X}")
        })
        .collect();
    format!("<{hex}>")
}

#[test]
fn hebrew_and_arabic_lines_drawn_in_visual_order_read_in_logical_order() {
    // Glyph IDs 1…: nothing like the code points, as in a real subset.
    let entries: Vec<(u16, &str)> = [
        "ש", "ל", "ו", "ם", "ע", " ", "2", "0", "6", "س", "ل", "ا", "م", "ة", "ن", "٢", "٠", "٦",
    ]
    .into_iter()
    .enumerate()
    .map(|(k, t)| (k as u16 + 1, t))
    .collect();
    // Logical "שלום 2026 עולם" stands on the page as "םלוע 2026 םולש"; logical "سلام سنة ٢٠٢٦"
    // as "٢٠٢٦ ةنس مالس" (numbers stay left to right inside right-to-left text).
    let content = format!(
        "BT /F1 12 Tf 10 150 Td {} Tj 0 -30 Td {} Tj ET",
        codes(&entries, "םלוע 2026 םולש"),
        codes(&entries, "٢٠٢٦ ةنس مالس"),
    );
    let pdf = one_page(
        |doc| type0_with_tounicode(doc, "ABCDEF+ArialMT", &entries),
        content.as_bytes(),
    );
    assert_eq!(text(&pdf), "שלום 2026 עולם\nسلام سنة ٢٠٢٦");
}

#[test]
fn garbled_cjk_whose_glyph_ids_land_in_hebrew_and_mandaic_stays_as_drawn() {
    // An MS Mincho subset whose ToUnicode (too small to be judged an identity map) prints
    // glyph IDs as code points: 0x05E9, 0x05DC fall in Hebrew, 0x0862 is の printed as `ࡢ`.
    // Not text: detect and repair must see the glyphs in the order they were drawn.
    let entries = [
        (0x05E9u16, "\u{05E9}"),
        (0x05DC, "\u{05DC}"),
        (0x0862, "\u{0862}"),
    ];
    let drawn = "\u{05E9}\u{05DC}\u{0862}\u{05E9}";
    let content = format!("BT /F1 12 Tf 10 150 Td {} Tj ET", codes(&entries, drawn));
    let pdf = one_page(
        |doc| type0_with_tounicode(doc, "ABCDEF+MS-Mincho", &entries),
        content.as_bytes(),
    );
    assert_eq!(text(&pdf), drawn);
}
