use super::*;

use lopdf::dictionary;

fn type0(encoding: &str) -> Font {
    let pdf = Pdf::new(lopdf::Document::with_version("1.5"), 1 << 20);
    let dict = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Test",
        "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
    };
    Font::from_dict(&pdf, &dict, &mut Vec::new())
}

fn text_of(f: &Font, bytes: &[u8]) -> String {
    f.codes(bytes)
        .into_iter()
        .map(|c| f.predefined_text(c).unwrap_or_else(|| "?".into()))
        .collect()
}

#[test]
fn named_cmaps_give_text() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("UniJIS-UCS2-H", &[0x4E, 0x88, 0x7B, 0x97], "予算"),
        // A surrogate pair is one code.
        (
            "UniJIS-UTF16-H",
            &[0xD8, 0x42, 0xDF, 0xB7, 0x5B, 0xB6],
            "𠮷家",
        ),
        ("UniJIS2004-UTF16-V", &[0x30, 0x6E], "の"),
        ("UniJIS-UTF8-H", "事業 R7".as_bytes(), "事業 R7"),
        (
            "UniJIS-UTF32-H",
            &[0, 0, 0x4E, 0x88, 0, 2, 0x0B, 0xB7],
            "予𠮷",
        ),
        ("90ms-RKSJ-H", &[0x97, 0x5C, 0x8E, 0x5A, 0x41], "予算A"),
        (
            "EUC-H",
            &[0xCD, 0xBD, 0xBB, 0xBB, 0x8E, 0xB1, 0x41],
            "予算ｱA",
        ),
        ("H", &[0x4D, 0x3D, 0x3B, 0x3B], "予算"),
    ];
    for (enc, bytes, want) in cases {
        let f = type0(enc);
        assert_eq!(&text_of(&f, bytes), want, "{enc}");
    }
    assert_eq!(type0("V").wmode, 1);
    assert_eq!(type0("EUC-V").wmode, 1);
    assert_eq!(type0("H").wmode, 0);
    // A truncated sequence is no text, not a panic.
    let f = type0("UniJIS-UTF8-H");
    assert_eq!(text_of(&f, &[0xE4, 0xBA]), "?");
    // Bytes in no codespace range of EUC-H (no JIS X 0212 there): no text.
    let f = type0("EUC-H");
    assert!(text_of(&f, &[0x8F, 0xB0]).chars().all(|c| c == '?'));
}

/// A TrueType whose CIDs are its own glyph IDs (IPAexGothic, identity CIDToGIDMap) under
/// a stock Adobe-Japan1 CIDSystemInfo: its cmap contradicts the collection, which is
/// then not used; the same dictionary without a program keeps the collection.
#[test]
fn collection_contradicted_by_embedded_cmap_is_dropped() {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    let data = std::fs::read(path).expect("fonts-ipaexfont must be installed (.ci/run)");
    let mut doc = lopdf::Document::with_version("1.5");
    let file = doc.add_object(lopdf::Stream::new(dictionary! {}, data));
    let fd = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "IPAexGothic", "FontFile2" => file,
    });
    let info = dictionary! {
        "Registry" => Object::string_literal("Adobe"),
        "Ordering" => Object::string_literal("Japan1"), "Supplement" => 2,
    };
    let cid_font = |with_program: bool| {
        let mut d = dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "IPAexGothic",
            "CIDSystemInfo" => info.clone(),
        };
        if with_program {
            d.set("FontDescriptor", fd);
        }
        d
    };
    let embedded = doc.add_object(cid_font(true));
    let bare = doc.add_object(cid_font(false));
    let type0 = |desc| {
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "IPAexGothic",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(desc)],
        }
    };
    let pdf = Pdf::new(doc, 64 << 20);
    let mut warnings = Vec::new();
    let f = Font::from_dict(&pdf, &type0(embedded), &mut warnings);
    assert!(f.embedded_cmap.is_some(), "test premise: program read");
    assert_eq!(f.collection, None, "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("contradicts")),
        "{warnings:?}"
    );
    let f = Font::from_dict(&pdf, &type0(bare), &mut Vec::new());
    assert_eq!(f.collection, Some(Collection::Japan1));
    // CID 1860 of Adobe-Japan1 is 月.
    assert_eq!(f.predefined_text(1860).as_deref(), Some("月"));
}

#[test]
fn glyph_names() {
    assert_eq!(glyph_name_char("uni4EE4"), Some('令'));
    assert_eq!(glyph_name_char("u20BB7"), Some('𠮷'));
    assert_eq!(glyph_name_char("one"), Some('1'));
    assert_eq!(glyph_name_char("g17"), None);
    // The Adobe Glyph List, TeX font names, and suffixes dropped as the AGL says.
    assert_eq!(glyph_name_char("fi"), Some('\u{FB01}'));
    assert_eq!(glyph_name_char("Euro"), Some('€'));
    assert_eq!(glyph_name_char("dotlessi"), Some('ı'));
    assert_eq!(glyph_name_char("asteriskmath"), Some('∗'));
    assert_eq!(glyph_name_char("a.sc"), Some('a'));
    assert_eq!(glyph_name_char("one.oldstyle"), Some('1'));
    assert_eq!(glyph_name_char(".notdef"), None);
    assert_eq!(glyph_name_char("nonesuch.alt"), None);
}

#[test]
fn base_encodings_from_the_generated_list() {
    let std = encoding::base_encoding("StandardEncoding").unwrap();
    assert_eq!(std[0x27], Some('’'));
    assert_eq!(std[0xAE], Some('\u{FB01}'));
    assert_eq!(std[0x41], Some('A'));
    let mac = encoding::base_encoding("MacRomanEncoding").unwrap();
    assert_eq!(mac[0x27], Some('\''));
    assert_eq!(mac[0xD5], Some('’'));
    assert!(encoding::base_encoding("NoSuchEncoding").is_none());
}

/// The tables compiled at build time (`glyphlist.rs`, through `build.rs`) mean what the
/// hash maps filled from the same file line by line meant: every name of the file (and
/// names not in it) gives the same character, every base encoding the same glyph names,
/// and there are no other entries.
#[test]
fn compiled_glyph_list_equals_the_parsed_maps() {
    let reference = encoding::glyph_list();
    let (names, encodings) = (encoding::compiled_names(), encoding::compiled_encodings());
    assert!(names.len() > 4_000, "{} names", names.len());
    assert_eq!(names.len(), reference.names.len());
    assert!(
        names.windows(2).all(|w| w[0].0 < w[1].0),
        "not sorted and unique"
    );
    let text = encoding::glyphlist_text();
    let mut looked_up = 0;
    for line in text.lines() {
        for name in line.split('\t').chain(["nonesuch", "", "A.sc", "zzzzzz"]) {
            assert_eq!(
                glyphlist::lookup(names, name),
                reference.names.get(name).copied(),
                "{name}"
            );
            looked_up += 1;
        }
    }
    assert!(looked_up > 10_000);
    assert_eq!(encodings.len(), reference.encodings.len());
    for (enc, codes) in encodings {
        assert_eq!(Some(codes), reference.encodings.get(enc), "{enc}");
    }
    // The parse the build script runs gives the same tables.
    let parsed = glyphlist::parse(text);
    assert_eq!(parsed.names.as_slice(), names);
    assert_eq!(parsed.encodings.len(), encodings.len());
    // A later line for a name replaces an earlier one, as a map's insert does.
    let t = glyphlist::parse("b\t42\na\t41\nb\t43\nenc\tE\t300\tx\nenc\tE\t1\ty\n");
    assert_eq!(t.names, [("a", 'A'), ("b", 'C')]);
    assert_eq!(t.encodings.len(), 1);
    assert_eq!(t.encodings[0].1[1], Some("y"));
    assert!(glyphlist::to_rust(&t).contains("(\"b\", '\\u{43}')"));
}

#[test]
fn type1_program_builtin_encoding() {
    let tex = b"%!PS-AdobeFont-1.0: CMSY10 003.002\n/Encoding 256 array\n\
        0 1 255 {1 index exch /.notdef put} for\ndup 0 /minus put\n\
        dup 3 /asteriskmath put\ndup 65 /A put\nreadonly def\ncurrentfile eexec\n\x8a\x01dup 7 /B put";
    let t = encoding::type1_builtin_encoding(tex).unwrap();
    assert_eq!(t[0], Some('−'));
    assert_eq!(t[3], Some('∗'));
    assert_eq!(t[65], Some('A'));
    // Nothing after `eexec` (encrypted) is read, and unnamed codes stay unknown.
    assert_eq!(t[7], None);
    assert_eq!(t[1], None);
    let std = b"%!FontType1-1.0: Foo\n/Encoding StandardEncoding def\ncurrentfile eexec\n";
    assert_eq!(
        encoding::type1_builtin_encoding(std).unwrap()[0x27],
        Some('’')
    );
    assert!(encoding::type1_builtin_encoding(b"%!PS no encoding here").is_none());
}

#[test]
fn installed_font_reverse_prefers_unified_ideographs() {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    let Ok(data) = std::fs::read(path) else {
        eprintln!("skipping: {path} not installed");
        return;
    };
    let (map, n) = read_embedded(&data).unwrap();
    assert_eq!(n, 12239);
    let font = skrifa::FontRef::new(&data).unwrap();
    let cm = font.charmap();
    let g = cm.map('人').unwrap().to_u32();
    assert_eq!(
        cm.map('\u{2F08}').map(|g| g.to_u32()),
        Some(g),
        "test premise: shared glyph"
    );
    assert_eq!(map[&g], '人');
    let sp = cm.map('\u{3000}').unwrap().to_u32();
    assert_eq!(map[&sp], '\u{3000}');
}

#[test]
fn cff_charset_check_needs_a_cid_keyed_cff() {
    // Not CFF at all, and a name-keyed (Type1C) check, give no verdict.
    assert_eq!(encoding::cff_cids_differ_from_gids(b"not a font"), None);
    assert_eq!(encoding::cff_cids_differ_from_gids(&[]), None);
}
