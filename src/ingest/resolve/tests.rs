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

fn matched_table(font: &Font) -> (Option<String>, Vec<String>) {
    let tables = TableSet::default();
    let sources = Sources {
        tables: &tables,
        builtin_tables: true,
        doc_tables: None,
        outlines: None,
        min_confidence: 0.5,
    };
    let r = FontResolver::new(font, sources, false, &mut Vec::new());
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
