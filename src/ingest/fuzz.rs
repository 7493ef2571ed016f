//! An entry point for fuzzing: the content-stream interpreter and layout on arbitrary bytes.
//!
//! Invariant: any input terminates and never panics (what the fuzz targets and the
//! random-input test check).

use super::content::{FontCache, IDENTITY, Interpreter};
use super::layout::{self, Placed};
use super::pdf;

/// Runs the content-stream interpreter and layout on arbitrary bytes, with a simple font
/// (`/F1`) and a vertical Identity CID font (`/F2`) in the resources. For fuzzing and the
/// random-input test; returns the number of glyphs laid out.
#[doc(hidden)]
pub fn fuzz_content(bytes: &[u8]) -> usize {
    use lopdf::{Object, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let f1 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let widths: Vec<Object> = vec![1.into(), Object::Array(vec![500.into(), 1000.into()])];
    let desc = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "IPAexGothic", "W" => widths,
    });
    let f2 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+IPAexGothic",
        "Encoding" => "Identity-V", "DescendantFonts" => vec![Object::from(desc)],
    });
    let res = dictionary! { "Font" => dictionary! { "F1" => f1, "F2" => f2 } };
    let pdf = pdf::Pdf::new(doc, 1 << 20);
    let mut fonts = FontCache::default();
    let mut interp = Interpreter::new(&pdf, &mut fonts);
    interp.run(bytes, Some(&res), IDENTITY);
    let glyphs = std::mem::take(&mut interp.glyphs);
    let rules = std::mem::take(&mut interp.rules);
    let texts: Vec<String> = glyphs.iter().map(|g| g.code.to_string()).collect();
    let placed: Vec<Placed> = glyphs
        .iter()
        .zip(&texts)
        .map(|(g, t)| Placed::new(g, Some(t), false, true))
        .collect();
    layout::lines_with_rules(&placed, &rules)
        .iter()
        .map(|l| l.glyphs.len())
        .sum()
}
