//! Font encodings pdftotext reads and glyphmend must read too (found on pdf.js's test PDFs,
//! held out from tuning): glyph names of the Adobe Glyph List, substituted fonts, an identity
//! ToUnicode that a CID → GID map proves right. Each PDF is built here with lopdf.

use glyphmend::ingest::{ExtractOptions, extract_bytes};
use lopdf::{Object, Stream, dictionary};

/// A one-page PDF drawing `content` with font `/F1` = `font` (its objects added by `add`).
pub fn one_page(
    add: impl FnOnce(&mut lopdf::Document) -> lopdf::Dictionary,
    content: &[u8],
) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let font = add(&mut doc);
    let font_id = doc.add_object(font);
    let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 300.into(), 200.into()],
        "Contents" => contents,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The text `extract` reads from `pdf`, trailing whitespace trimmed.
pub fn text(pdf: &[u8]) -> String {
    extract_bytes(pdf, "t.pdf", &ExtractOptions::default())
        .unwrap()
        .text()
        .trim_end()
        .to_string()
}

#[test]
fn differences_with_glyph_list_names_and_notdef_space() {
    // pdfTeX-style names (fi, quoteright) and a `.notdef` at the space (issue4304).
    let pdf = one_page(
        |doc| {
            let enc = doc.add_object(dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![2.into(), "fi".into(), "quoteright".into(), 32.into(), ".notdef".into()],
            });
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman", "Encoding" => enc }
        },
        b"BT /F1 12 Tf 10 100 Td (\x02nd it\x03s done) Tj ET",
    );
    assert_eq!(text(&pdf), "\u{FB01}nd it\u{2019}s done");
}

#[test]
fn substituted_symbolic_truetype_reads_ascii_and_standard_encoding() {
    // Arial flagged symbolic, not embedded, no /Encoding (bug864847), and a non-symbolic
    // substituted font's upper half in StandardEncoding (0xF1 = æ, issue7580).
    let desc = |doc: &mut lopdf::Document, flags: i64| {
        doc.add_object(
            dictionary! { "Type" => "FontDescriptor", "FontName" => "ArialMT", "Flags" => flags },
        )
    };
    let pdf = one_page(
        |doc| {
            let d = desc(doc, 4);
            dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial-ItalicMT", "FontDescriptor" => d }
        },
        b"BT /F1 12 Tf 10 100 Td (Hello, 864847) Tj ET",
    );
    assert_eq!(text(&pdf), "Hello, 864847");
    let pdf = one_page(
        |doc| {
            let d = desc(doc, 32);
            dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ArialMT", "FontDescriptor" => d }
        },
        b"BT /F1 12 Tf 10 100 Td (ae,\xf1) Tj ET",
    );
    assert_eq!(text(&pdf), "ae,æ");
    // A symbol font keeps no ASCII reading: a wrong letter is worse than U+FFFD. Wingdings'
    // `J` is the smiling face Unicode encoded for it (data/dingbats.tsv); a symbol font no
    // table knows stays unresolved.
    let symbolic = |basefont: &'static str| {
        one_page(
            move |doc| {
                let d = desc(doc, 4);
                dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => basefont, "FontDescriptor" => d }
            },
            b"BT /F1 12 Tf 10 100 Td (J) Tj ET",
        )
    };
    assert_eq!(text(&symbolic("Wingdings-Regular")), "\u{263A}");
    assert_eq!(text(&symbolic("Marlett")), "\u{FFFD}");
}

/// A Type0 Identity-H font whose ToUnicode maps every code to itself, with or without a
/// CIDToGIDMap stream that moves the glyphs (as TCPDF writes: CIDs are code points).
fn identity_tounicode_pdf(with_map: bool) -> Vec<u8> {
    one_page(
        |doc| {
            let tu = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
                /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
                1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                1 beginbfrange <0000> <00FF> <0000> endbfrange\n\
                endcmap CMapName currentdict /CMap defineresource pop end end"
                .to_vec();
            let tu = doc.add_object(Stream::new(dictionary! {}, tu));
            let mut cid = dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "AAAAAC+DejaVuSans",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            };
            if with_map {
                // CID c → GID c − 29 (the glyph order of a subset), for c in 0x20..0x80.
                let mut map = vec![0u8; 0x80 * 2];
                for c in 0x20u16..0x80 {
                    let g = c - 29;
                    map[c as usize * 2] = (g >> 8) as u8;
                    map[c as usize * 2 + 1] = g as u8;
                }
                let m = doc.add_object(Stream::new(dictionary! {}, map));
                cid.set("CIDToGIDMap", m);
            }
            let cid = doc.add_object(cid);
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "AAAAAC+DejaVuSans",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
            }
        },
        b"BT /F1 12 Tf 10 100 Td <00540068006500200066006F0078> Tj ET",
    )
}

#[test]
fn identity_tounicode_is_trusted_only_when_a_cid_to_gid_map_proves_it() {
    assert_eq!(text(&identity_tounicode_pdf(true)), "The fox");
    // Without the map the codes are the glyph IDs: the identity ToUnicode is the defect.
    let distrusted = text(&identity_tounicode_pdf(false));
    assert!(!distrusted.contains("The"), "{distrusted}");
}

#[test]
fn type1_program_encoding_applies_under_an_unknown_base_name() {
    // `/Encoding /NULL` names nothing: the embedded program's own vector gives 149 = bullet
    // (bug859204). Only the program's cleartext part is read, so a stub program will do.
    let program = b"%!PS-AdobeFont-1.0: NewsGothicStd-Bold\n/Encoding 256 array\n\
        0 1 255 {1 index exch /.notdef put} for\ndup 149 /bullet put\ndup 66 /B put\n\
        readonly def\ncurrentfile eexec\n"
        .to_vec();
    let pdf = one_page(
        |doc| {
            let file = doc.add_object(Stream::new(dictionary! {}, program));
            let desc = doc.add_object(dictionary! {
                "Type" => "FontDescriptor", "FontName" => "NewsGothicStd-Bold", "Flags" => 32, "FontFile" => file,
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "NewsGothicStd-Bold",
                "Encoding" => "NULL", "FontDescriptor" => desc,
            }
        },
        b"BT /F1 12 Tf 10 100 Td (\x95 B) Tj ET",
    );
    assert_eq!(text(&pdf), "\u{2022} B");
}

/// A non-embedded Type0 Identity-H font with no ToUnicode and a CIDToGIDMap stream mapping
/// each CID of `cids` to GID 40 + its rank (the map moves every glyph).
fn cid_map_without_tounicode_pdf(cids: &[u16], content: &[u8]) -> Vec<u8> {
    let cids = cids.to_vec();
    one_page(
        move |doc| {
            let top = usize::from(*cids.iter().max().unwrap_or(&0)) + 1;
            let mut map = vec![0u8; top * 2];
            for (rank, &c) in cids.iter().enumerate() {
                let g = 40 + rank as u16;
                map[usize::from(c) * 2] = (g >> 8) as u8;
                map[usize::from(c) * 2 + 1] = g as u8;
            }
            let m = doc.add_object(Stream::new(dictionary! {}, map));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "TimesNewRomanPS-BoldMT",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "CIDToGIDMap" => m,
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "TimesNewRomanPS-BoldMT",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()],
            }
        },
        content,
    )
}

#[test]
fn cids_that_a_moving_cid_to_gid_map_proves_are_code_points_read_as_latin_text() {
    // pdf.js issue12418: Czech in a Times New Roman whose CIDs are Unicode (ě = U+011B).
    let cids: Vec<u16> = "Uvolnění ".chars().map(|c| c as u16).collect();
    let pdf = cid_map_without_tounicode_pdf(
        &cids,
        b"BT /F1 12 Tf 10 100 Td <00550076006F006C006E0065011B006E00ED> Tj ET",
    );
    assert_eq!(text(&pdf), "Uvolnění");
}

#[test]
fn cids_that_include_low_glyph_ids_are_not_read_as_code_points() {
    // pdf.js complex_ttf_font: the CIDs are another font's glyph IDs (3 is its space), and
    // read as code points they would be `̽ଋҨ…`: nothing is decoded.
    let pdf = cid_map_without_tounicode_pdf(
        &[3, 0x33D, 0x4A8, 0x41],
        b"BT /F1 12 Tf 10 100 Td <033D000304A80041> Tj ET",
    );
    let out = text(&pdf);
    assert!(!out.contains('A') && !out.contains('\u{33D}'), "{out:?}");
    assert!(out.contains('\u{FFFD}'), "{out:?}");
}

#[test]
fn identity_tounicode_through_a_one_byte_embedded_cmap_that_moves_the_codes() {
    // pdf.js issue13242 (Word's Calibri): an embedded `OneByteIdentityH` CMap, codes are the
    // text's bytes, the CIDToGIDMap sends them to the subset's glyphs; the identity
    // ToUnicode names the codes' characters, not glyph IDs.
    let pdf = one_page(
        |doc| {
            let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
                /CMapName /OneByteIdentityH def /CMapType 1 def\n\
                1 begincodespacerange <00> <FF> endcodespacerange\n\
                1 begincidrange <00> <FF> 0 endcidrange\n\
                endcmap CMapName currentdict /CMap defineresource pop end end"
                .to_vec();
            let enc = doc.add_object(Stream::new(
                dictionary! { "Type" => "CMap", "CMapName" => "OneByteIdentityH" },
                cmap,
            ));
            let tu = b"begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n\
                1 beginbfrange <20> <7E> <0020> endbfrange\nendcmap"
                .to_vec();
            let tu = doc.add_object(Stream::new(dictionary! {}, tu));
            let mut map = vec![0u8; 0x80 * 2];
            for c in 0x20u16..0x7F {
                let g = c + 300;
                map[c as usize * 2] = (g >> 8) as u8;
                map[c as usize * 2 + 1] = g as u8;
            }
            let m = doc.add_object(Stream::new(dictionary! {}, map));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "RDIVQV+Calibri",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
                "CIDToGIDMap" => m,
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "RDIVQV+Calibri",
                "Encoding" => enc, "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
            }
        },
        b"BT /F1 12 Tf 10 100 Td (Lorem ipsum) Tj ET",
    );
    assert_eq!(text(&pdf), "Lorem ipsum");
}

#[test]
fn type3_glyph_names_that_number_their_codes_and_a_font_matrix_in_glyph_units() {
    // pdf.js issue9655: glyphs named `C50` at code 0x50, drawn in ~30-unit glyph space under
    // an identity FontMatrix at size 0.24: words must neither split nor run together.
    let pdf = one_page(
        |doc| {
            let names: Vec<Object> = "PIrnopsuy"
                .bytes()
                .flat_map(|b| [Object::Integer(i64::from(b)), Object::Name(format!("C{b:02x}").into_bytes())])
                .collect();
            let enc = doc.add_object(dictionary! { "Type" => "Encoding", "Differences" => names });
            let widths: Vec<Object> = (0x49..=0x79).map(|_| Object::Integer(31)).collect();
            dictionary! {
                "Type" => "Font", "Subtype" => "Type3",
                "FontMatrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 0.into()],
                "FontBBox" => vec![0.into(), (-14).into(), 64.into(), 58.into()],
                "FirstChar" => 0x49, "LastChar" => 0x79, "Widths" => widths,
                "Encoding" => enc, "CharProcs" => dictionary! {}, "Resources" => dictionary! {},
            }
        },
        b"BT /F1 0.24 Tf 20 100 Td (Pro) Tj 7.44 0 Td 7.44 0 Td 7.44 0 Td (pry) Tj 40 0 Td (Ins) Tj ET",
    );
    assert_eq!(text(&pdf), "Propry Ins");
}

#[test]
fn ligature_glyph_names_read_as_their_components() {
    // pdf.js issue15516 / issue11016: `f_f_i`, `T_h` (AGL: components joined by `_`) name
    // codes below 0x20; they are text, not a renumbered subset's glyph ordinals.
    let pdf = one_page(
        |doc| {
            let enc = doc.add_object(dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![1.into(), "f_f_i".into(), "T_h".into(), "f_t.alt".into()],
            });
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "MinionPro-Regular", "Encoding" => enc }
        },
        b"BT /F1 12 Tf 10 100 Td (\x02e o\x01ce \x03) Tj ET",
    );
    assert_eq!(text(&pdf), "The office ft");
}

#[test]
fn blank_glyphs_nothing_names_separate_words_instead_of_becoming_replacement_characters() {
    // pdf.js issue6901 (code 0x20 named `suppress` by TeX's encoding) and issue6721 (an
    // unnamed zero-width code between words): a space and nothing, not U+FFFD.
    let pdf = one_page(
        |doc| {
            let enc = doc.add_object(dictionary! {
                "Type" => "Encoding",
                "Differences" => vec![32.into(), "suppress".into(), 224.into(), "xq17z".into()],
            });
            let widths: Vec<Object> = (32..=224)
                .map(|c| Object::Integer(if c == 224 { 0 } else { 500 }))
                .collect();
            dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "CMR9", "Encoding" => enc,
                "FirstChar" => 32, "LastChar" => 224, "Widths" => widths,
            }
        },
        b"BT /F1 12 Tf 10 100 Td (Issue 69\xe001) Tj ET",
    );
    assert_eq!(text(&pdf), "Issue 6901");
}

#[test]
fn a_tounicode_tab_for_a_blank_glyph_is_a_space() {
    // pdf.js issue6612: every space glyph (GID 3) maps to U+0009.
    let pdf = one_page(
        |doc| {
            let tu = b"begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                3 beginbfchar <0001> <0054> <0002> <006F> <0003> <0009> endbfchar\nendcmap"
                .to_vec();
            let tu = doc.add_object(Stream::new(dictionary! {}, tu));
            let cid = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "NimbusMonL-Regu",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
            });
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "NimbusMonL-Regu",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![cid.into()], "ToUnicode" => tu,
            }
        },
        b"BT /F1 12 Tf 10 100 Td <000100020003000100020003> Tj ET",
    );
    assert_eq!(text(&pdf), "To To");
}
