//! Malformed PDFs: each gives a clear error naming the file, or best-effort text with a
//! warning — never a panic. Broken inputs are derived here from small good fixtures.

use glyphmend::ingest::{ExtractOptions, IngestError, extract_bytes};
use lopdf::{Object, Stream, dictionary};
use std::io::Write;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p: PathBuf = crate::common::repo().join("tests/fixtures/pdf").join(name);
    std::fs::read(&p).unwrap()
}

fn truth() -> String {
    String::from_utf8(fixture("ground_truth.txt")).unwrap()
}

fn save(doc: &mut lopdf::Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Applies `f` to every stream whose dictionary has `key` pointing at it (FontFile2, ToUnicode).
fn edit_referenced_streams(
    doc: &mut lopdf::Document,
    key: &[u8],
    f: &dyn Fn(&mut Stream),
) -> usize {
    let ids: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(key).ok().and_then(|o| o.as_reference().ok()))
        .collect();
    for id in &ids {
        if let Ok(Object::Stream(s)) = doc.get_object_mut(*id) {
            f(s);
        }
    }
    ids.len()
}

#[test]
fn tiny_good_pdf_reads_direct_and_form_text() {
    let doc = extract_bytes(&fixture("tiny.pdf"), "tiny.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(doc.text(), "Hello 123\nForm text\n");
}

#[test]
fn truncated_file_is_an_error_naming_the_file() {
    let good = fixture("tiny.pdf");
    for cut in [0, 10] {
        match extract_bytes(&good[..cut], "cut.pdf", &ExtractOptions::default()) {
            Err(e) => assert!(e.to_string().starts_with("cut.pdf: "), "{e}"),
            Ok(d) => panic!("truncated at {cut} gave a document: {:?}", d.text()),
        }
    }
    // Cut after the page objects: lopdf recovers them; the lost content is a warning.
    match extract_bytes(
        &good[..good.len() / 3],
        "cut.pdf",
        &ExtractOptions::default(),
    ) {
        Err(e) => assert!(e.to_string().starts_with("cut.pdf: "), "{e}"),
        Ok(d) => assert!(
            !d.warnings.is_empty(),
            "silent partial document: {:?}",
            d.text()
        ),
    }
    // Cut in the middle of the big fixture: lopdf may recover what precedes the cut; either
    // way no panic and an error names the file.
    let big = fixture("office_emu__c_identity.pdf");
    if let Err(e) = extract_bytes(
        &big[..big.len() / 2],
        "half.pdf",
        &ExtractOptions::default(),
    ) {
        assert!(e.to_string().contains("half.pdf"), "{e}");
    }
}

#[test]
fn broken_xref_offset_still_gives_text() {
    let good = String::from_utf8_lossy(&fixture("tiny.pdf")).into_owned();
    let at = good.rfind("startxref\n").unwrap() + "startxref\n".len();
    let end = at + good[at..].find('\n').unwrap();
    let broken = format!("{}{}{}", &good[..at], "123", &good[end..]);
    let doc = extract_bytes(broken.as_bytes(), "xref.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(doc.text(), "Hello 123\nForm text\n");
}

#[test]
fn encrypted_without_and_with_password() {
    let enc = fixture("tiny_encrypted.pdf");
    let err = extract_bytes(&enc, "enc.pdf", &ExtractOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::Encrypted {
                password_given: false,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("enc.pdf") && err.to_string().contains("--password"));
    let wrong = ExtractOptions {
        password: Some("nope".into()),
        ..ExtractOptions::default()
    };
    let err = extract_bytes(&enc, "enc.pdf", &wrong).unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::Encrypted {
                password_given: true,
                ..
            }
        ),
        "{err}"
    );
    let right = ExtractOptions {
        password: Some("secret".into()),
        ..ExtractOptions::default()
    };
    let doc = extract_bytes(&enc, "enc.pdf", &right).unwrap();
    assert_eq!(doc.text(), "Hello 123\nForm text\n");
    // Empty user password: opens without asking.
    let doc = extract_bytes(
        &fixture("tiny_encrypted_nopw.pdf"),
        "e.pdf",
        &ExtractOptions::default(),
    )
    .unwrap();
    assert_eq!(doc.text(), "Hello 123\nForm text\n");
}

#[test]
fn missing_font_program_falls_back_to_tables() {
    let mut doc = lopdf::Document::load_mem(&fixture("chromium__b_partial50.pdf")).unwrap();
    let mut n = 0;
    for o in doc.objects.values_mut() {
        if let Object::Dictionary(d) = o
            && d.remove(b"FontFile2").is_some()
        {
            n += 1;
        }
    }
    assert_eq!(n, 2, "test premise: two embedded fonts");
    let out = extract_bytes(&save(&mut doc), "nofont.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(out.text(), truth());
    assert!(
        out.stats.by_source.get("table").copied().unwrap_or(0) > 100,
        "{:?}",
        out.stats
    );
    assert_eq!(out.stats.by_source.get("font-cmap"), None);
}

#[test]
fn corrupt_font_program_warns_and_falls_back() {
    let mut doc = lopdf::Document::load_mem(&fixture("chromium__b_partial50.pdf")).unwrap();
    let n = edit_referenced_streams(&mut doc, b"FontFile2", &|s| {
        s.dict.remove(b"Filter");
        s.set_content(b"\x00\x01\x00\x00garbage that is not a font".to_vec());
    });
    assert_eq!(n, 2);
    let out = extract_bytes(&save(&mut doc), "badfont.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(out.text(), truth());
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("embedded font program unreadable")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn invalid_tounicode_cmap_warns_and_falls_back() {
    let mut doc = lopdf::Document::load_mem(&fixture("chromium__b_partial50.pdf")).unwrap();
    let n = edit_referenced_streams(&mut doc, b"ToUnicode", &|s| {
        s.dict.remove(b"Filter");
        s.set_content(b"1 beginbfrange <0000> <FFFF> [<0041> <00".to_vec());
    });
    assert_eq!(n, 2);
    let out = extract_bytes(&save(&mut doc), "badcmap.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(out.text(), truth());
    assert!(
        out.warnings.iter().any(|w| w.contains("ToUnicode")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn decompression_bomb_is_capped() {
    let mut doc = lopdf::Document::load_mem(&fixture("tiny.pdf")).unwrap();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..16 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap();
    assert!(bomb.len() < 100_000, "test premise: small compressed size");
    let content_id = doc.get_pages()[&1];
    let cid = doc.get_page_contents(content_id)[0];
    doc.objects.insert(
        cid,
        Object::Stream(Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb)),
    );
    let opts = ExtractOptions {
        max_stream_bytes: 1 << 20,
        ..ExtractOptions::default()
    };
    let out = extract_bytes(&save(&mut doc), "bomb.pdf", &opts).unwrap();
    assert!(
        out.warnings.iter().any(|w| w.contains("limit")),
        "{:?}",
        out.warnings
    );
    assert_eq!(out.text(), "");
}

#[test]
fn cyclic_form_xobject_is_drawn_once() {
    let mut doc = lopdf::Document::load_mem(&fixture("tiny.pdf")).unwrap();
    let page = doc.get_pages()[&1];
    let form_id = doc
        .get_dictionary(page)
        .unwrap()
        .get_deref(b"Resources", &doc)
        .unwrap()
        .as_dict()
        .unwrap()
        .get_deref(b"XObject", &doc)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"X1")
        .unwrap()
        .as_reference()
        .unwrap();
    if let Ok(Object::Stream(s)) = doc.get_object_mut(form_id) {
        s.set_content(b"BT /F1 12 Tf (Loop) Tj ET 0 -20 0 cm /X1 Do".to_vec());
        let mut res = s.dict.get(b"Resources").unwrap().as_dict().unwrap().clone();
        res.set("XObject", dictionary! { "X1" => form_id });
        s.dict.set("Resources", res);
    }
    let out = extract_bytes(&save(&mut doc), "cycle.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(out.text(), "Hello 123\nLoop\n");
    assert!(
        out.warnings.iter().any(|w| w.contains("cycle")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn not_a_pdf_and_page_range_errors() {
    let e = extract_bytes(b"hello", "x.txt", &ExtractOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("x.txt") && e.to_string().contains("not a PDF"),
        "{e}"
    );
    let opts = ExtractOptions {
        pages: Some((3, 5)),
        ..ExtractOptions::default()
    };
    let e = extract_bytes(&fixture("tiny.pdf"), "tiny.pdf", &opts).unwrap_err();
    assert!(e.to_string().contains("outside 1-1"), "{e}");
}

/// Random bytes into both parsers (CMap and content interpreter) and into whole-file
/// loading of mutated fixtures: no panic, bounded output. A fixed-seed xorshift keeps the
/// test deterministic; `fuzz/` holds the cargo-fuzz targets for longer runs.
#[test]
fn random_bytes_never_panic() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: &[u8] =
        b"<>[]()0123456789abcdefABCDEF /-.beginbfcharrangeendcodespaceTjTJTfTdTmBTETqQcmDo\n\\%";
    for round in 0..300 {
        let len = (next() % 400) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                let r = next();
                if round % 2 == 0 {
                    alphabet[(r % alphabet.len() as u64) as usize]
                } else {
                    r as u8
                }
            })
            .collect();
        let cm = glyphmend::ingest::cmap::ToUnicode::parse(&bytes);
        assert!(cm.map.len() <= glyphmend::ingest::cmap::MAX_ENTRIES);
        glyphmend::ingest::fuzz_content(&bytes);
    }
    let good = fixture("tiny.pdf");
    // No user tables (the shipped ones are parsed lazily, and tiny.pdf uses none).
    let opts = ExtractOptions {
        tables: Default::default(),
        ..ExtractOptions::default()
    };
    for _ in 0..100 {
        let mut b = good.clone();
        for _ in 0..(1 + next() % 8) {
            let i = (next() % b.len() as u64) as usize;
            b[i] = next() as u8;
        }
        let _ = extract_bytes(&b, "mutated.pdf", &opts);
    }
}

#[test]
fn notdef_glyph_gives_no_text_and_is_counted() {
    let bytes = fixture("office_emu__c_identity.pdf");
    let before = extract_bytes(&bytes, "c.pdf", &ExtractOptions::default()).unwrap();
    let mut doc = lopdf::Document::load_mem(&bytes).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let composite = doc
        .get_page_fonts(page)
        .unwrap()
        .into_iter()
        .find(|(_, d)| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(&b"Type0"[..]))
        .map(|(name, _)| name)
        .expect("test premise: a Type0 font on page 1");
    // CID 0 is `.notdef` by definition: the glyph a producer draws for a character its
    // font lacks (seen in real MHLW Excel exports).
    let mut content = b"BT /".to_vec();
    content.extend_from_slice(&composite);
    content.extend_from_slice(b" 10 Tf 50 50 Td <0000> Tj ET");
    doc.add_page_contents(page, content).unwrap();
    let after = extract_bytes(&save(&mut doc), "notdef.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(
        after.stats.by_source.get("notdef"),
        Some(&1),
        "{:?}",
        after.stats
    );
    assert_eq!(after.stats.unresolved, before.stats.unresolved);
    assert_eq!(after.stats.glyphs, before.stats.glyphs + 1);
    assert_eq!(
        after.text().matches('\u{FFFD}').count(),
        before.text().matches('\u{FFFD}').count()
    );
    assert!(
        after.warnings.iter().any(|w| w.contains(".notdef")),
        "{:?}",
        after.warnings
    );
    assert!(!before.warnings.iter().any(|w| w.contains(".notdef")));
}
