use super::*;
use crate::ingest::pdf::Pdf;
use lopdf::{Object, Stream, dictionary};

/// A non-embedded `XXXXXX+MS-Mincho` Type0 font (Identity-H, Adobe-Identity) whose
/// ToUnicode maps MS Mincho's glyph IDs of あいう to `text`.
fn ms_mincho_with_tounicode(text: [char; 3]) -> Font {
    let mut doc = lopdf::Document::with_version("1.5");
    let cmap = format!(
        "begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
         3 beginbfchar\n<0836> <{:04X}>\n<0838> <{:04X}>\n<083A> <{:04X}>\nendbfchar\nendcmap\n",
        text[0] as u32, text[1] as u32, text[2] as u32
    );
    let tu = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let pdf = Pdf::new(doc, 1 << 20);
    let dict = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+MS-Mincho",
        "Encoding" => "Identity-H",
        "ToUnicode" => Object::Reference(tu),
        "DescendantFonts" => vec![Object::Dictionary(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+MS-Mincho",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
        })],
    };
    Font::from_dict(&pdf, &dict, &mut Vec::new())
}

/// No user tables, no document tables, no outlines; the shipped tables when `builtin`.
fn sources(tables: &TableSet, builtin: bool) -> Sources<'_> {
    Sources {
        tables,
        builtin_tables: builtin,
        doc_tables: None,
        outlines: None,
        min_confidence: 0.5,
    }
}

fn matched_table(font: &Font) -> (Option<String>, Vec<String>) {
    let tables = TableSet::default();
    let r = FontResolver::new(font, sources(&tables, true), false, &mut Vec::new());
    let name = r.table().map(|t| t.name.clone());
    (name, r.take_warnings())
}

#[test]
fn a_name_matched_table_needs_the_fonts_evidence_to_agree() {
    // The document's own ToUnicode agrees with the shipped MS Mincho table: it applies.
    let (name, warnings) = matched_table(&ms_mincho_with_tounicode(['あ', 'い', 'う']));
    assert_eq!(name.as_deref(), Some("ms-mincho"), "{warnings:?}");
    // Same name, but the font's own entries contradict the table: refused, and said.
    let (name, warnings) = matched_table(&ms_mincho_with_tounicode(['カ', 'キ', 'ク']));
    assert_eq!(name, None);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("matches the name but not the font")),
        "{warnings:?}"
    );
}

/// IPAexGothic embedded whole (CID = GID) under a ToUnicode that says space for the glyph
/// of あ (as Word's merged Meiryo subsets do for figure labels) and for the space glyph:
/// the drawn glyph is read through the program's own cmap, the blank one stays a space.
#[test]
fn a_space_entry_for_a_drawn_glyph_yields_to_the_fonts_cmap() {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    let data = std::fs::read(path).expect("fonts-ipaexfont must be installed (.ci/run)");
    let (cmap, _) = crate::ingest::font::read_embedded(&data).expect("IPAexGothic reads");
    let gid_of = |c: char| {
        cmap.iter()
            .find(|&(_, &x)| x == c)
            .map(|(&g, _)| g)
            .expect("glyph in IPAexGothic")
    };
    let (a, space, ideo) = (gid_of('あ'), gid_of(' '), gid_of('\u{3000}'));
    let mut doc = lopdf::Document::with_version("1.5");
    let tu = format!(
        "begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
         3 beginbfchar\n<{a:04X}> <0020>\n<{space:04X}> <0020>\n<{ideo:04X}> <3000>\n\
         endbfchar\nendcmap\n"
    );
    let tu = doc.add_object(Stream::new(dictionary! {}, tu.into_bytes()));
    let file = doc.add_object(Stream::new(dictionary! {}, data));
    let fd = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+IPAexGothic", "FontFile2" => file,
    });
    let desc = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+IPAexGothic",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => fd,
    });
    let dict = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+IPAexGothic",
        "Encoding" => "Identity-H", "ToUnicode" => Object::Reference(tu),
        "DescendantFonts" => vec![Object::Reference(desc)],
    };
    let pdf = Pdf::new(doc, 64 << 20);
    let font = Font::from_dict(&pdf, &dict, &mut Vec::new());
    let tables = TableSet::default();
    let r = FontResolver::new(&font, sources(&tables, false), false, &mut Vec::new());
    let drawn = r.resolve(a, Some(a));
    assert_eq!(drawn.text.as_deref(), Some("あ"));
    assert_eq!(drawn.source, MappingSource::FontCmap);
    assert_eq!(drawn.tounicode_distrust, Some(Distrust::SpaceForDrawnGlyph));
    for g in [space, ideo] {
        let blank = r.resolve(g, Some(g));
        assert_eq!(blank.source, MappingSource::ToUnicode, "gid {g}");
        assert!(
            blank.text.as_deref().is_some_and(|t| t.trim().is_empty()),
            "gid {g}"
        );
    }
}

/// A Word export's Wingdings bullet: a Type0 font whose ToUnicode gives the symbol cmap's
/// private-use U+F06C reads as the black circle Unicode encoded for it; the same font named
/// otherwise stays unresolved, and a simple Wingdings font's `l` under WinAnsiEncoding is
/// the circle too, not the letter.
#[test]
fn wingdings_codes_read_as_their_symbols() {
    let type0 = |basefont: &str| {
        let mut doc = lopdf::Document::with_version("1.5");
        let cmap = "begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
                    1 beginbfchar\n<0003> <F06C>\nendbfchar\nendcmap\n";
        let tu = doc.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
        let pdf = Pdf::new(doc, 1 << 20);
        let dict = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => basefont,
            "Encoding" => "Identity-H",
            "ToUnicode" => Object::Reference(tu),
            "DescendantFonts" => vec![Object::Dictionary(dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => basefont,
                "CIDSystemInfo" => dictionary! {
                    "Registry" => Object::string_literal("Adobe"),
                    "Ordering" => Object::string_literal("Identity"),
                    "Supplement" => 0,
                },
            })],
        };
        Font::from_dict(&pdf, &dict, &mut Vec::new())
    };
    let tables = TableSet::default();
    let resolve = |font: &Font, code: u32, gid: Option<u32>| {
        FontResolver::new(font, sources(&tables, false), false, &mut Vec::new()).resolve(code, gid)
    };
    let word = type0("BCDOEE+Wingdings-Regular");
    let r = resolve(&word, 3, Some(3));
    assert_eq!(r.text.as_deref(), Some("\u{26AB}"));
    assert_eq!(r.source, MappingSource::SymbolFont);
    assert_eq!(r.tounicode_distrust, Some(Distrust::Unusable));
    let other = type0("BCDOEE+Century");
    assert_eq!(
        resolve(&other, 3, Some(3)).source,
        MappingSource::Unresolved
    );

    let pdf = Pdf::new(lopdf::Document::with_version("1.5"), 1 << 20);
    let simple = Font::from_dict(
        &pdf,
        &dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Wingdings",
            "Encoding" => "WinAnsiEncoding",
        },
        &mut Vec::new(),
    );
    let r = resolve(&simple, u32::from(b'l'), None);
    assert_eq!(r.text.as_deref(), Some("\u{26AB}"));
    assert_eq!(r.source, MappingSource::SymbolFont);
    // A code the family leaves empty keeps the encoding's reading.
    assert_eq!(resolve(&simple, 0x20, None).text.as_deref(), Some(" "));
}
