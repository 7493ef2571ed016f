//! Where a page's text lies against its boxes and /Rotate, found on real council and budget
//! PDFs held out from tuning (issue 13): a landscape table drawn on a portrait page turned by
//! /Rotate 90 (InDesign via iText) read as one-glyph columns; text parked outside the MediaBox
//! (Ichitaro's table header repeated above the page, the other half of a page cut in two by
//! its MediaBox) was printed although no viewer shows it.

use super::pdf_font_encodings::{one_page, text};
use lopdf::{Object, dictionary};

/// Helvetica, not embedded: read as WinAnsi text.
fn helvetica(_: &mut lopdf::Document) -> lopdf::Dictionary {
    dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
}

/// `pdf` with `entries` set on its (only) page dictionary.
fn with_page_entries(pdf: &[u8], entries: Vec<(&str, Object)>) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).expect("load");
    let page = *doc.get_pages().get(&1).expect("page 1");
    let dict = doc.get_dictionary_mut(page).expect("page dict");
    for (k, v) in entries {
        dict.set(k, v);
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// The extracted text's lines, trimmed, blank ones left out.
fn nonblank_lines(pdf: &[u8]) -> Vec<String> {
    text(pdf)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn rect(a: [i64; 4]) -> Object {
    Object::Array(a.iter().map(|&v| v.into()).collect())
}

#[test]
fn a_page_turned_by_rotate_reads_along_its_turned_lines() {
    // The MediaBox is 300 x 200; shown turned clockwise, the text runs up the page (each
    // line's matrix turned a quarter counterclockwise) and the next line lies further right.
    let lines = [
        "Budget of the year",
        "Revenue and expenditure",
        "Total 1,197,654",
    ];
    let mut content = String::new();
    for (k, l) in lines.iter().enumerate() {
        content.push_str(&format!(
            "BT /F1 12 Tf 0 1 -1 0 {} 20 Tm ({l}) Tj ET\n",
            100 + 20 * k
        ));
    }
    let pdf = with_page_entries(
        &one_page(helvetica, content.as_bytes()),
        vec![("Rotate", 90.into())],
    );
    assert_eq!(nonblank_lines(&pdf), lines.to_vec());
}

#[test]
fn a_page_turned_the_other_way_reads_too() {
    // Text running down the page (a page shown turned counterclockwise, /Rotate 270).
    let lines = ["First line here", "Second line here"];
    let mut content = String::new();
    for (k, l) in lines.iter().enumerate() {
        content.push_str(&format!(
            "BT /F1 12 Tf 0 -1 1 0 {} 180 Tm ({l}) Tj ET\n",
            200 - 20 * k
        ));
    }
    let pdf = with_page_entries(
        &one_page(helvetica, content.as_bytes()),
        vec![("Rotate", 270.into())],
    );
    assert_eq!(nonblank_lines(&pdf), lines.to_vec());
}

#[test]
fn text_outside_the_media_box_is_left_out() {
    // The MediaBox is 300 x 200: a line on the page, one beyond its right edge (a page cut
    // in half by a smaller MediaBox), a header parked above its top.
    let content = b"BT /F1 12 Tf 20 100 Td (Shown line) Tj ET\n\
        BT /F1 12 Tf 320 100 Td (Cut away) Tj ET\n\
        BT /F1 12 Tf 20 500 Td (Parked header) Tj ET\n";
    assert_eq!(text(&one_page(helvetica, content)).trim(), "Shown line");
    // The CropBox is not a limit (`pdftotext` keeps what lies outside it too).
    let cropped = with_page_entries(
        &one_page(
            helvetica,
            b"BT /F1 12 Tf 20 100 Td (Left) Tj ET BT /F1 12 Tf 200 100 Td (Right) Tj ET",
        ),
        vec![("CropBox", rect([0, 0, 150, 200]))],
    );
    assert_eq!(text(&cropped).trim(), "Left Right");
}

#[test]
fn a_box_that_misses_all_the_text_keeps_it() {
    // Every glyph lies beyond the MediaBox: the box, not the text, is taken to be wrong.
    let pdf = one_page(helvetica, b"BT /F1 12 Tf 400 500 Td (Only line) Tj ET\n");
    assert_eq!(text(&pdf).trim(), "Only line");
}
