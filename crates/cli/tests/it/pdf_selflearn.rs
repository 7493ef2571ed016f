//! Fonts nothing knows, read from the document itself (`ingest::selflearn`), measured on
//! real PDFs whose ToUnicode is complete: the ToUnicode is stripped in memory, the PDF is
//! read with no shipped table (so its fonts are ones nothing knows), and the glyphs left
//! unresolved are deciphered from the document's own glyph sequences. The stripped
//! ToUnicode is the truth.
//!
//! Split: the generated documents of `../shared/corpus/pdf/`
//! (`*__full.pdf`: Chromium, ReportLab, LibreOffice, Office emulations, IPAex/IPAmj subsets)
//! were looked at while building; the real ministry documents of
//! `../shared/corpus/realworld/pdf/` (MLIT and MHLW, the fonts that carry a ToUnicode) are
//! the held-out report set, never tuned on. Both must keep wrong characters ≤ 0.5 % of
//! the unresolved glyphs and print none wrong at confidence ≥ 0.9.

use glyphmend::ingest::{self, ExtractOptions, resolve::MappingSource, selflearn};
use glyphmend::lm::CharLm;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

fn shared(rel: &str) -> PathBuf {
    crate::common::repo().join("../shared/corpus").join(rel)
}

/// Truth per BaseFont: code → text (None where two fonts of one name disagree).
type Truth = HashMap<String, HashMap<u32, Option<String>>>;

/// The PDF without any /ToUnicode, and what the ToUnicode maps said.
fn strip(bytes: &[u8]) -> (Vec<u8>, Truth) {
    let mut doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    let mut truth: Truth = HashMap::new();
    let ids: Vec<lopdf::ObjectId> = doc.objects.keys().copied().collect();
    for id in ids {
        let Ok(dict) = doc.get_dictionary(id) else {
            continue;
        };
        let is_font = dict
            .get(b"Type")
            .ok()
            .and_then(|t| t.as_name().ok())
            .is_some_and(|n| n == b"Font");
        let Some(tu) = dict.get(b"ToUnicode").ok().filter(|_| is_font).cloned() else {
            continue;
        };
        let name = dict
            .get(b"BaseFont")
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let data = tu
            .as_reference()
            .ok()
            .and_then(|r| doc.get_object(r).ok())
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| {
                s.decompressed_content()
                    .ok()
                    .or_else(|| Some(s.content.clone()))
            });
        if let Some(data) = data {
            let map = ingest::cmap::ToUnicode::parse(&data).map;
            let t = truth.entry(name).or_default();
            for (code, text) in map {
                let e = t.entry(code).or_insert_with(|| Some(text.clone()));
                if e.as_deref() != Some(text.as_str()) {
                    *e = None;
                }
            }
        }
        if let Ok(d) = doc.get_dictionary_mut(id) {
            d.remove(b"ToUnicode");
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saved");
    (out, truth)
}

#[derive(Default, Debug, Clone, Copy)]
struct Figures {
    /// Unresolved glyph occurrences of fonts whose truth is known.
    unresolved: usize,
    learned: usize,
    right: usize,
    wrong: usize,
    /// Wrong at confidence ≥ 0.9.
    wrong_confident: usize,
    /// Learned where the truth is unknown (conflicting or missing entry).
    unchecked: usize,
}

impl std::ops::AddAssign for Figures {
    fn add_assign(&mut self, o: Figures) {
        self.unresolved += o.unresolved;
        self.learned += o.learned;
        self.right += o.right;
        self.wrong += o.wrong;
        self.wrong_confident += o.wrong_confident;
        self.unchecked += o.unchecked;
    }
}

fn measure(path: &Path) -> Figures {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (stripped, truth) = strip(&bytes);
    let opts = ExtractOptions {
        builtin_tables: false,
        ..Default::default()
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut doc = ingest::extract_bytes(&stripped, &name, &opts).expect("extracted");
    let mut f = Figures::default();
    for span in doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.spans)
    {
        if span.source == MappingSource::Unresolved && truth.contains_key(&span.font) {
            f.unresolved += span.codes.len();
        }
    }
    let before_total = doc.stats.unresolved;
    let outcome =
        selflearn::learn_unresolved(&mut doc, CharLm::builtin(), &selflearn::Options::default());
    assert_eq!(
        doc.stats.unresolved + outcome.learned(),
        before_total,
        "{name}: learned glyphs are counted out of the unresolved ones"
    );
    let fold = |s: &str| -> String { s.nfkc().collect() };
    for span in doc
        .pages
        .iter()
        .flat_map(|p| &p.lines)
        .flat_map(|l| &l.spans)
    {
        if span.source != MappingSource::Learned {
            continue;
        }
        assert_eq!(span.unresolved, 0);
        assert_eq!(span.table.as_deref(), Some(selflearn::LEARNED_TABLE));
        // One character per glyph, followed by its gap (a space never is a learned reading).
        let chars: Vec<char> = span
            .text
            .chars()
            .filter(|c| *c != ' ' && *c != '\u{3000}')
            .collect();
        assert_eq!(chars.len(), span.codes.len(), "{name}: {:?}", span.text);
        for (c, code) in chars.iter().zip(&span.codes) {
            f.learned += 1;
            match truth
                .get(&span.font)
                .and_then(|t| t.get(code))
                .cloned()
                .flatten()
            {
                Some(t) if fold(&t) == fold(&c.to_string()) => f.right += 1,
                Some(t) => {
                    f.wrong += 1;
                    if span.confidence >= 0.9 {
                        f.wrong_confident += 1;
                    }
                    eprintln!(
                        "{name}: {} code {code:#x} read {c:?}, truth {t:?} (confidence {:.3})",
                        span.font, span.confidence
                    );
                }
                None => f.unchecked += 1,
            }
        }
    }
    // Every learned span is reviewable: its readings are spans with their confidence.
    let in_spans: usize = outcome
        .spans
        .iter()
        .map(|s| {
            s.before
                .chars()
                .zip(s.after.chars())
                .filter(|(b, a)| b != a)
                .count()
        })
        .sum();
    assert_eq!(
        in_spans,
        outcome.learned(),
        "{name}: spans account for every reading"
    );
    assert!(outcome.spans.iter().all(|s| s.confidence >= 0.9));
    eprintln!(
        "{name}: {} unresolved (fonts with truth), {} learned: {} right, {} wrong ({} at confidence ≥ 0.9), {} unchecked; recovered {:.1} %",
        f.unresolved,
        f.learned,
        f.right,
        f.wrong,
        f.wrong_confident,
        f.unchecked,
        100.0 * f.right as f64 / f.unresolved.max(1) as f64
    );
    f
}

fn check(set: &str, files: &[PathBuf]) -> Figures {
    let mut total = Figures::default();
    for p in files {
        total += measure(p);
    }
    eprintln!(
        "{set}: {} files, {} unresolved glyphs, {} learned, {} right, {} wrong ({} confident), recovered {:.1} %",
        files.len(),
        total.unresolved,
        total.learned,
        total.right,
        total.wrong,
        total.wrong_confident,
        100.0 * total.right as f64 / total.unresolved.max(1) as f64
    );
    assert!(
        total.unresolved > 1000,
        "{set}: too few unresolved glyphs for the test to prove anything"
    );
    assert!(
        total.wrong * 200 <= total.unresolved,
        "{set}: {} wrong of {}",
        total.wrong,
        total.unresolved
    );
    assert_eq!(total.wrong_confident, 0, "{set}: wrong at confidence ≥ 0.9");
    total
}

fn listed(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let d = shared(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{}: {e} (needs ../shared/corpus)", d.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".pdf") && keep(n))
        })
        .collect();
    v.sort();
    v
}

/// The tuning set: generated documents with full ToUnicode.
#[test]
fn generated_documents_without_tounicode() {
    let files = listed("pdf", |n| n.ends_with("__full.pdf"));
    assert!(files.len() >= 5, "needs ../shared/corpus/pdf/*__full.pdf");
    check("generated (tuning set)", &files);
}

/// The held-out set: real ministry documents, their ToUnicode stripped.
#[test]
fn real_ministry_documents_without_tounicode() {
    let files = listed("realworld/pdf", |n| {
        n.starts_with("jp-mlit") || n.starts_with("jp-mhlw")
    });
    assert!(files.len() >= 10, "needs ../shared/corpus/realworld/pdf");
    check("realworld jp (held out)", &files);
}
