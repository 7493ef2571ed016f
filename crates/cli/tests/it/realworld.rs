//! Real PDFs nobody on the project made (`../shared/corpus/realworld/pdf`): `glyphmend extract`
//! must read every file at least as well as `pdftotext -raw`, by the rules of the corpus's own
//! `compare.py` (suspicious glyph-ID characters, peer-asserted snippets, CER where a truth exists),
//! and must invent no Japanese in the Chinese, Korean and Arabic files.
//!
//! Files still worse than pdftotext are listed in [`KNOWN_WORSE`] with the reason; the test fails
//! when a file not listed is worse, and also when a listed file no longer is (so the list only
//! shrinks). Needs `pdftotext` (poppler-utils, installed by `.ci/run`) and `../shared`.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

/// Files still worse than `pdftotext -raw`, each with why. Empty is the goal.
const KNOWN_WORSE: &[(&str, &str)] = &[(
    "pdfminer-simple3",
    "one vertical column of 10 glyphs printed as one line in place; the truth (pdfminer's \
     output) and pdftotext put each vertical glyph on a line of its own: CER 0.21, all of it \
     line breaks (0 ignoring whitespace, realworld_layout::simple3_vertical_text_in_place)",
)];

/// Files where pdftotext's own text is wrong (wrong or missing ToUnicode): its U+FFFD-free
/// garbage is no standard, so only CER and snippets count there (as in compare.py).
const PDFTOTEXT_WRONG: &[&str] = &[
    "kyushu-89test",
    "issue2884_reduced",
    "issue7696",
    "test_3072",
    "complex_ttf_font",
];

/// Files in other scripts, where no kana may appear that pdftotext does not print.
const NOT_JAPANESE: &[&str] = &[
    "pdfjs-bug1627427_reduced",
    "pdfjs-issue2128r",
    "pdfjs-issue3521",
    "pdfjs-issue5010",
    "pdfjs-issue7696",
    "pdfminer-issue_566_test_1",
    "pdfminer-issue_566_test_2",
    "pymupdf-chinese-tables",
    "pymupdf-test_3072",
    "pdfjs-complex_ttf_font",
];

fn corpus() -> PathBuf {
    crate::common::repo().join("../shared/corpus/realworld/pdf")
}

/// The characters metrics.py counts as glyph IDs printed as code points.
fn base_suspicious(c: char) -> bool {
    let o = c as u32;
    (0x0590..=0x08FF).contains(&o)
        || (0x0900..=0x1FFF).contains(&o)
        || (0x2C00..=0x2DFF).contains(&o)
        || (0xA000..=0xABFF).contains(&o)
        || (0xE000..=0xF8FF).contains(&o)
        || o == 0xFFFD
        || (c.is_control() && !"\t\n\r\u{c}".contains(c))
}

fn is_ext_a(c: char) -> bool {
    (0x3400..=0x4DBF).contains(&(c as u32))
}

/// metrics.py's `suspicious_count`: Ext A counts only next to another suspicious character.
fn suspicious_count(text: &str) -> usize {
    let mut n = 0;
    for line in text.split('\n') {
        let cs: Vec<char> = line.chars().collect();
        let flags: Vec<bool> = cs.iter().map(|&c| base_suspicious(c)).collect();
        for i in 0..cs.len() {
            if flags[i] {
                n += 1;
            } else if is_ext_a(cs[i]) {
                let (lo, hi) = (i.saturating_sub(3), (i + 4).min(cs.len()));
                if (lo..hi).any(|j| flags[j] || (j != i && is_ext_a(cs[j]))) {
                    n += 1;
                }
            }
        }
    }
    n
}

fn share(text: &str) -> f64 {
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars == 0 {
        return 0.0;
    }
    100.0 * suspicious_count(text) as f64 / chars as f64
}

fn cer(text: &str, truth: &str) -> f64 {
    common::cer(&common::pdfcer_lines(text), &common::pdfcer_lines(truth))
}

fn nows(t: &str) -> String {
    t.split_whitespace().collect()
}

fn kana(t: &str) -> usize {
    t.chars()
        .filter(|&c| ('\u{3041}'..='\u{30FA}').contains(&c))
        .count()
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("spawn");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What one tool read from one file, by compare.py's measures.
struct Reading {
    share: f64,
    snippets: Option<usize>,
    cer: Option<f64>,
    kana: usize,
}

fn measure(name: &str, text: &str) -> Reading {
    let dir = corpus();
    let mut truth = std::fs::read_to_string(dir.join(format!("{name}.expected.txt")))
        .ok()
        .map(|t| (t, None));
    for entry in std::fs::read_dir(&dir).expect("corpus dir").flatten() {
        let f = entry.file_name().to_string_lossy().into_owned();
        if let Some(page) = f
            .strip_prefix(&format!("{name}.p"))
            .and_then(|r| r.strip_suffix(".expected.txt"))
            .and_then(|p| p.parse::<usize>().ok())
        {
            truth = Some((
                std::fs::read_to_string(entry.path()).expect("truth"),
                Some(page),
            ));
        }
    }
    let cer = truth.map(|(t, page)| {
        let src = match page {
            Some(n) => text.split('\u{c}').nth(n - 1).unwrap_or(""),
            None => text,
        };
        cer(src, &t)
    });
    let snippets = std::fs::read_to_string(dir.join(format!("{name}.expected-snippets.txt")))
        .ok()
        .map(|s| {
            let flat = nows(text);
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .filter(|l| flat.contains(&nows(l)))
                .count()
        });
    Reading {
        share: share(text),
        snippets,
        cer,
        kana: kana(text),
    }
}

/// Why glyphmend's reading is worse than pdftotext's, by compare.py's rules.
fn worse(name: &str, g: &Reading, p: &Reading) -> Vec<String> {
    let mut why = Vec::new();
    if !PDFTOTEXT_WRONG.iter().any(|k| name.contains(k)) && g.share > p.share + 1.0 {
        why.push(format!(
            "suspicious {:.2} % vs pdftotext {:.2} %",
            g.share, p.share
        ));
    }
    if let (Some(sg), Some(sp)) = (g.snippets, p.snippets)
        && sg < sp
    {
        why.push(format!("snippets {sg} vs pdftotext {sp}"));
    }
    if let (Some(cg), Some(cp)) = (g.cer, p.cer)
        && cg > cp + 0.01
    {
        why.push(format!("CER {cg:.4} vs pdftotext {cp:.4}"));
    }
    if NOT_JAPANESE.contains(&name) && g.kana > p.kana {
        why.push(format!(
            "{} kana in a non-Japanese file (pdftotext {})",
            g.kana, p.kana
        ));
    }
    why
}

#[test]
fn no_realworld_file_is_read_worse_than_pdftotext() {
    let dir = corpus();
    assert!(
        dir.is_dir(),
        "needs ../shared/corpus/realworld/pdf: {}",
        dir.display()
    );
    assert!(
        Command::new("pdftotext").arg("-v").output().is_ok(),
        "needs pdftotext (poppler-utils; .ci/run installs it)"
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".pdf")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 50,
        "only {} PDFs in {}",
        names.len(),
        dir.display()
    );
    let mut failures = Vec::new();
    let mut still_listed = Vec::new();
    for name in &names {
        let pdf = dir.join(format!("{name}.pdf"));
        let gm = run(Command::new(env!("CARGO_BIN_EXE_glyphmend"))
            .arg("extract")
            .arg(&pdf));
        let pt = run(Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-"));
        let why = worse(name, &measure(name, &gm), &measure(name, &pt));
        let listed = KNOWN_WORSE.iter().any(|(k, _)| k == name);
        match (why.is_empty(), listed) {
            (false, false) => failures.push(format!("{name}: {}", why.join("; "))),
            (true, true) => still_listed.push(name.clone()),
            _ => {}
        }
    }
    assert!(
        failures.is_empty() && still_listed.is_empty(),
        "worse than pdftotext -raw:\n  {}\nlisted in KNOWN_WORSE but no longer worse (remove them):\n  {}",
        failures.join("\n  "),
        still_listed.join("\n  ")
    );
}

#[test]
fn metrics_match_the_corpus_definitions() {
    // Glyph IDs printed as code points count; kana, kanji and Ext A on its own do not.
    assert_eq!(suspicious_count("ධࠉᮐ入札"), 3);
    assert_eq!(suspicious_count("㐀 は 東京"), 0);
    assert_eq!(suspicious_count("㐀㐁"), 2);
    assert_eq!(suspicious_count("a\u{1}b\u{c}"), 1);
    assert!((cer("入札\n説明書", "入札説明書") - 0.2).abs() < 1e-9);
}

/// None of these documents (tender notices, clinic lists, extractor test files) holds
/// budget-program records: the segmenter must not invent any.
#[test]
fn non_budget_documents_yield_no_records() {
    let dir = corpus();
    assert!(dir.is_dir(), "needs {}", dir.display());
    let mut seen = 0;
    let mut invented = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("corpus dir").flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        seen += 1;
        let out = Command::new(env!("CARGO_BIN_EXE_glyphmend"))
            .arg("records")
            .arg(&path)
            .output()
            .expect("spawn");
        let lines = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        if lines > 0 {
            invented.push(format!("{}: {lines} record(s)", path.display()));
        }
    }
    assert!(seen >= 50, "only {seen} PDFs in {}", dir.display());
    assert!(
        invented.is_empty(),
        "records from non-budget documents:\n{}",
        invented.join("\n")
    );
}
