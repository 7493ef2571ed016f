//! Vertical Japanese set glyph by glyph in a horizontal font, as "Microsoft: Print To PDF"
//! writes Word's vertical notices (告示, found on MHLW fee-schedule notices held out from
//! tuning): the page's matrix turned a quarter turn twice, every glyph in its own `BT … TD …
//! Tj ET` one em below the previous, columns right to left. Read as columns, not across them.

use glyphmend::ingest::{ExtractOptions, extract_bytes};
use lopdf::{Object, Stream, dictionary};

const TEXT: [&str; 3] = ["告示第一号", "次のように改める。", "令和四年"];

/// A Type0 Identity-H font whose ToUnicode maps code k + 1 to the k-th distinct character
/// of `TEXT`; the page draws `TEXT`'s columns the way the printer driver does.
fn notice_pdf() -> Vec<u8> {
    let mut chars: Vec<char> = Vec::new();
    for c in TEXT.iter().flat_map(|t| t.chars()) {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    let code = |c: char| chars.iter().position(|&d| d == c).unwrap() + 1;
    let mut tu = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    tu.push_str(&format!("{} beginbfchar\n", chars.len()));
    for &c in &chars {
        tu.push_str(&format!("<{:04X}> <{:04X}>\n", code(c), c as u32));
    }
    tu.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end");
    let mut content = String::from("0.75 0 0 -0.75 0 841.92 cm\n");
    for (col, t) in TEXT.iter().enumerate() {
        // Each column: turn a quarter, flip, turn back (the driver's matrices), then one
        // glyph per text object, 1.1 em below the previous.
        content.push_str("q 0 0.457 -0.457 0 0 0 cm\n");
        // The next column is 82.7 units further along the turned y axis: 28 pt to the left.
        content.push_str(&format!(
            "1 0 0 -1 192.48 {:.2} cm 0 1 -1 0 0 0 cm\n",
            -1488.64 + 82.72 * col as f32
        ));
        for (k, c) in t.chars().enumerate() {
            content.push_str(&format!(
                "BT /F1 40.96 Tf -20.48 {:.3} TD <{:04X}> Tj ET\n",
                -35.2 - 45.4 * k as f32,
                code(c)
            ));
        }
        content.push_str("Q\n");
    }
    super::pdf_font_encodings::one_page(
        |doc| {
            let tu = doc.add_object(Stream::new(dictionary! {}, tu.into_bytes()));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "CIDFont+F2",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "DW" => 1000,
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "CIDFont+F2",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
            }
        },
        content.as_bytes(),
    )
}

#[test]
fn stacked_glyphs_read_as_columns_right_to_left() {
    let doc =
        extract_bytes(&notice_pdf(), "notice.pdf", &ExtractOptions::default()).expect("extract");
    let lines: Vec<String> = doc
        .text()
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines, TEXT.to_vec(), "{}", doc.text());
}
