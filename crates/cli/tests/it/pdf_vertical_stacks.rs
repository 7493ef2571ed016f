//! Vertical Japanese set glyph by glyph in a horizontal font, as "Microsoft: Print To PDF"
//! writes Word's vertical notices (告示, found on MHLW fee-schedule notices held out from
//! tuning): the page's matrix turned a quarter turn twice, every glyph in its own `BT … TD …
//! Tj ET` one em below the previous, columns right to left. Read as columns, not across them.
//! And the vertical names of an Excel vote table's header cells (Sakaiminato City council, held
//! out from tuning): each name whole in its cell, the row of votes below it on one line.

use glyphmend::ingest::{ExtractOptions, extract_bytes};
use lopdf::{Object, Stream, dictionary};

const TEXT: [&str; 3] = ["告示第一号", "次のように改める。", "令和四年"];

/// The distinct characters of `texts` in order of first use: code k + 1 is the k-th.
fn repertoire(texts: &[&str]) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for c in texts.iter().flat_map(|t| t.chars()) {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    chars
}

/// A one-page PDF drawing `content` with /F1 a Type0 Identity-H font whose ToUnicode maps
/// code k + 1 to `chars[k]`.
fn identity_h_pdf(chars: &[char], content: &str) -> Vec<u8> {
    let code = |c: char| chars.iter().position(|&d| d == c).unwrap() + 1;
    let mut tu = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    tu.push_str(&format!("{} beginbfchar\n", chars.len()));
    for &c in chars {
        tu.push_str(&format!("<{:04X}> <{:04X}>\n", code(c), c as u32));
    }
    tu.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end");
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

/// The page draws `TEXT`'s columns the way the printer driver does.
fn notice_pdf() -> Vec<u8> {
    let chars = repertoire(&TEXT);
    let code = |c: char| chars.iter().position(|&d| d == c).unwrap() + 1;
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
    identity_h_pdf(&chars, &content)
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

/// A vote table as Excel draws it (Sakaiminato City council results, held out from tuning): a
/// ruled grid whose narrow header cells hold each member's name set vertically, one glyph per
/// text object 1.24 em below the previous, the last baseline 0.28 em above the cell's bottom
/// rule (y 130); the row below (down to `bottom`) holds the bill and a ○ per member on
/// baseline `row`.
fn vote_table_pdf(row: f32, bottom: u32) -> Vec<u8> {
    const NAMES: [&str; 2] = ["荒井秀行", "松本晶彦"];
    let chars = repertoire(&["案件", NAMES[0], NAMES[1], "議案第一号○"]);
    let code = |c: char| chars.iter().position(|&d| d == c).unwrap() + 1;
    let hex = |t: &str| {
        t.chars()
            .map(|c| format!("{:04X}", code(c)))
            .collect::<String>()
    };
    // Rules: verticals at x 20, 100, 140, 180 and horizontals at y 180, 130, `bottom`.
    let mut content = String::from("0.5 w\n");
    for x in [20, 100, 140, 180] {
        content.push_str(&format!("{x} {bottom} m {x} 180 l S\n"));
    }
    for y in [180, 130, bottom] {
        content.push_str(&format!("20 {y} m 180 {y} l S\n"));
    }
    content.push_str(&format!("BT /F1 10 Tf 30 150 Td <{}> Tj ET\n", hex("案件")));
    for (k, name) in NAMES.iter().enumerate() {
        for (j, c) in name.chars().enumerate() {
            content.push_str(&format!(
                "BT /F1 10 Tf {} {:.1} Td <{}> Tj ET\n",
                115 + 40 * k,
                170.0 - 12.4 * j as f32,
                hex(&c.to_string())
            ));
        }
    }
    content.push_str(&format!(
        "BT /F1 10 Tf 30 {row} Td <{}> Tj ET\n",
        hex("議案第一号")
    ));
    for k in 0..NAMES.len() {
        content.push_str(&format!(
            "BT /F1 10 Tf {} {row} Td <{}> Tj ET\n",
            115 + 40 * k,
            hex("○")
        ));
    }
    identity_h_pdf(&chars, &content)
}

/// `extract`'s non-blank lines, trimmed.
fn text_lines(pdf: &[u8]) -> Vec<String> {
    let doc = extract_bytes(pdf, "votes.pdf", &ExtractOptions::default()).expect("extract");
    doc.text()
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

const VOTE_LINES: [&str; 4] = ["案件", "荒井秀行", "松本晶彦", "議案第一号　○　○"];

#[test]
fn a_vertical_label_keeps_its_last_glyph_in_its_table_cell() {
    // The row of votes 4.3 em below the names. The stacked glyphs were given their baseline
    // as the top of a vertical glyph, so the last one's box reached below the cell's rule and
    // it was read in the row below (`荒井秀` … `議案第一号　行○`).
    assert_eq!(text_lines(&vote_table_pdf(90.0, 80)), VOTE_LINES);
}

#[test]
fn a_mark_in_the_cell_below_a_vertical_label_is_not_its_head() {
    // The row of votes 1.8 em below the names: each lone ○ was taken for a head drawn apart
    // from the column above it (as Word's `第一`), across the cell border, and printed on a
    // line of its own.
    assert_eq!(text_lines(&vote_table_pdf(115.0, 100)), VOTE_LINES);
}
