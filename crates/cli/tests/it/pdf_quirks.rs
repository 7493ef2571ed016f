//! What writers get wrong that pdftotext reads anyway (the sixth held-out round: PDFBox's
//! test files and a MEXT white paper, none used for tuning). Each PDF is built here with the
//! one quirk: streams that end with a space before `endstream`, abbreviated filter
//! names on streams, ToUnicode CMaps that map nothing or map to single bytes, Type 3 fonts
//! whose glyph names mean nothing, encryption without a file /ID, and text drawn only by
//! annotations' appearance streams (form fields); text whited out and written over (the
//! eleventh round).

use super::pdf_font_encodings::{one_page, text};
use glyphmend::ingest::{ExtractOptions, extract_bytes};
use lopdf::{Object, Stream, dictionary};
use std::io::Write;

fn helvetica(_: &mut lopdf::Document) -> lopdf::Dictionary {
    dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
}

fn warnings(pdf: &[u8]) -> Vec<String> {
    extract_bytes(pdf, "t.pdf", &ExtractOptions::default())
        .unwrap()
        .warnings
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// AntennaHouse PDF Driver ends streams with a space before `endstream` (`…data
/// endstream`); lopdf dropped such objects (a page without its content).
#[test]
fn a_stream_ended_by_a_space_before_endstream_is_read() {
    let content = zlib(b"BT /F1 12 Tf 20 100 Td (Space before endstream) Tj ET");
    let objects: Vec<Vec<u8>> = vec![
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>".to_vec(),
        [
            format!("<</Length {}/Filter/FlateDecode>>\nstream\n", content.len()).as_bytes(),
            &content[..],
            b" endstream",
        ]
        .concat(),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>".to_vec(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (k, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", k + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in &offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    assert_eq!(text(&pdf), "Space before endstream");
    let w = warnings(&pdf);
    assert!(w.iter().any(|w| w.contains("before `endstream`")), "{w:?}");
}

/// `/Filter /Fl` (an inline image's abbreviation) on a content stream.
#[test]
fn abbreviated_filter_names_on_streams_are_decoded() {
    let packed = zlib(b"BT /F1 12 Tf 20 100 Td (Abbreviated filter) Tj ET");
    let mut doc = lopdf::Document::load_mem(&one_page(helvetica, b"")).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let contents = doc.get_page_contents(page);
    assert_eq!(contents.len(), 1);
    doc.objects.insert(
        contents[0],
        Object::Stream(Stream::new(dictionary! { "Filter" => "Fl" }, packed)),
    );
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    assert_eq!(text(&out), "Abbreviated filter");
}

/// A ToUnicode with no mapping says nothing: the font reads as without one (PDFBox's
/// PDFBOX-4322: the Identity-H encoding CMap given as the ToUnicode of a CID font whose codes
/// are code points and whose CIDToGIDMap moves them to glyphs; every glyph came out U+FFFD,
/// pdftotext reads the code points).
#[test]
fn a_tounicode_that_maps_nothing_is_read_as_absent() {
    let text_codes: Vec<u16> = "Justin".encode_utf16().collect();
    // CID (= code point) → an unrelated glyph ID.
    let mut cid_to_gid = vec![0u8; 2 * 128];
    for (k, c) in text_codes.iter().enumerate() {
        let gid = 10 + k as u16;
        cid_to_gid[2 * *c as usize..2 * *c as usize + 2].copy_from_slice(&gid.to_be_bytes());
    }
    let content = format!(
        "BT /F1 12 Tf 20 100 Td <{}> Tj ET",
        text_codes
            .iter()
            .map(|c| format!("{c:04X}"))
            .collect::<String>()
    );
    let pdf = one_page(
        |doc| {
            let tu = doc.add_object(Stream::new(
                dictionary! {},
                // The Identity-H encoding CMap given as the ToUnicode: code ranges, no text.
                b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 begincidrange <0000> <FFFF> 0 endcidrange\nendcmap CMapName currentdict /CMap defineresource pop end end".to_vec(),
            ));
            let map = doc.add_object(Stream::new(dictionary! {}, cid_to_gid.clone()));
            let desc = doc.add_object(
                dictionary! { "Type" => "FontDescriptor", "FontName" => "Calibri", "Flags" => 32 },
            );
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Calibri",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "FontDescriptor" => desc, "CIDToGIDMap" => map,
            });
            dictionary! { "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Calibri", "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu }
        },
        content.as_bytes(),
    );
    assert_eq!(text(&pdf), "Justin");
}

/// Amyuni writes one-byte ToUnicode destinations (`<65>` for e); they were read as the high
/// half of a UTF-16 unit (攀, a kanji).
#[test]
fn one_byte_tounicode_destinations_are_characters() {
    let pdf = one_page(
        |doc| {
            let tu = doc.add_object(Stream::new(
                dictionary! {},
                b"1 begincodespacerange <20> <7E> endcodespacerange\n2 beginbfrange <21> <21> <65> <22> <23> <6E> endbfrange".to_vec(),
            ));
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "ToUnicode" => tu }
        },
        b"BT /F1 12 Tf 20 100 Td (!\"#) Tj ET",
    );
    assert_eq!(text(&pdf), "eno");
}

/// dvips' bitmap fonts name glyphs `/A8`, `/CP`: their printable ASCII codes are the text.
#[test]
fn type3_glyph_names_nobody_knows_read_as_their_codes() {
    let pdf = one_page(
        |doc| {
            let glyph = doc.add_object(Stream::new(dictionary! {}, b"0 0 0 0 0 0 d1".to_vec()));
            let enc = doc.add_object(dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![97.into(), "CP".into(), "CQ".into(), "CR".into()],
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type3",
                "FontBBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
                "CharProcs" => dictionary! { "CP" => glyph, "CQ" => glyph, "CR" => glyph },
                "Encoding" => enc, "FirstChar" => 97, "LastChar" => 99,
                "Widths" => vec![500.into(), 500.into(), 500.into()],
            }
        },
        b"BT /F1 12 Tf 20 100 Td (cab) Tj ET",
    );
    assert_eq!(text(&pdf), "cab");
}

/// Form field values and other annotations are drawn by their appearance streams, placed in
/// their /Rect; a hidden annotation draws nothing.
#[test]
fn annotation_appearances_are_read_and_hidden_ones_are_not() {
    let mut doc =
        lopdf::Document::load_mem(&one_page(helvetica, b"BT /F1 12 Tf 20 170 Td (Form) Tj ET"))
            .unwrap();
    let helv = helvetica(&mut doc);
    let font = doc.add_object(helv);
    let appearance = |doc: &mut lopdf::Document, text: &str| {
        doc.add_object(Stream::new(
            dictionary! {
                "BBox" => vec![0.into(), 0.into(), 200.into(), 20.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "Helv" => font } },
            },
            format!("/Tx BMC BT /Helv 10 Tf 2 6 Td ({text}) Tj ET EMC").into_bytes(),
        ))
    };
    let shown = appearance(&mut doc, "Field value");
    let hidden = appearance(&mut doc, "Hidden value");
    let widget = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx",
        "Rect" => vec![20.into(), 120.into(), 220.into(), 140.into()],
        "AP" => dictionary! { "N" => shown },
    });
    let hidden_widget = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Widget", "FT" => "Tx", "F" => 2,
        "Rect" => vec![20.into(), 60.into(), 220.into(), 80.into()],
        "AP" => dictionary! { "N" => hidden },
    });
    let page_id = *doc.get_pages().values().next().unwrap();
    doc.get_object_mut(page_id)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Annots", vec![widget.into(), hidden_widget.into()]);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    let got = text(&out);
    assert_eq!(
        got.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>(),
        vec!["Form", "Field value"],
        "{got}"
    );
}

/// An RC4-encrypted file without a trailer /ID (PDFBox's encrypted_doc_no_id): the key is
/// derived with an empty ID, as poppler does; lopdf refused to decrypt without one. lopdf
/// saves this file with a cross-reference stream; the /ID is added to its dictionary.
#[test]
fn encryption_without_a_file_id_uses_an_empty_one() {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let mut doc = lopdf::Document::load_mem(&one_page(
        helvetica,
        b"BT /F1 12 Tf 20 100 Td (Secret text) Tj ET",
    ))
    .unwrap();
    doc.trailer.set(
        "ID",
        vec![Object::string_literal(""), Object::string_literal("")],
    );
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "",
        key_length: 40,
        permissions: Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    // Blank out the trailer's /ID (same length, so no offset moves).
    let at = out
        .windows(3)
        .rposition(|w| w == b"/ID")
        .expect("the trailer has an /ID");
    let end = at + out[at..].iter().position(|&b| b == b']').unwrap() + 1;
    out[at..end].iter_mut().for_each(|b| *b = b' ');
    let saved = String::from_utf8_lossy(&out).into_owned();
    assert!(!saved.contains("/ID"));
    assert_eq!(text(&out), "Secret text");
}

/// A legend relabelled by whiting out its labels and printing new ones over them (the
/// Geospatial Information Authority's English legends, PDF Complete): the text drawn on top
/// reads whole, the covered labels after it, never letter by letter between each other.
#[test]
fn text_whited_out_and_written_over_reads_apart() {
    let pdf = one_page(
        helvetica,
        b"BT /F1 10 Tf 20 100 Td (Suikaisen) Tj ET \
          BT /F1 10 Tf 20 80 Td (Kaiganisen) Tj ET \
          q 1 1 1 rg 15 75 120 40 re f Q \
          BT /F1 10 Tf 22 100 Td (Shore Line) Tj ET \
          BT /F1 10 Tf 22 80 Td (Coastline) Tj ET",
    );
    let got = text(&pdf);
    let lines: Vec<&str> = got
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines,
        ["Shore Line", "Coastline", "Suikaisen", "Kaiganisen"],
        "{got}"
    );
}
