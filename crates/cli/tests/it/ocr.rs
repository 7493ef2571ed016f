//! Scanned pages (issue 20): a page that is only an image is listed as image-only, and with
//! `--ocr` read by Tesseract at Tesseract's own accuracy, flagged as OCR, through repair,
//! records and export.
//!
//! The scan is made here: a generated Japanese PDF of `../shared/corpus/pdf` (true text in its
//! `ground_truth.txt`) rendered by `pdftoppm -r 300 -gray` and wrapped, as one image XObject,
//! into an image-only PDF with lopdf. Needs poppler-utils and tesseract-ocr with jpn and
//! jpn_vert (`.ci/run` installs them); without them these tests fail, loudly.

use lopdf::{Object, Stream, dictionary};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use unicode_normalization::UnicodeNormalization;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_glyphmend"))
}

fn shared_pdf(name: &str) -> PathBuf {
    let p = crate::common::repo()
        .join("../shared/corpus/pdf")
        .join(name);
    assert!(p.is_file(), "needs {} (the shared corpus)", p.display());
    p
}

fn truth() -> String {
    std::fs::read_to_string(shared_pdf("ground_truth.txt")).unwrap()
}

/// Page 1 of `pdf` rendered at 300 dpi in grey: (width, height, pixels), and the PGM file.
fn render(pdf: &Path) -> (u32, u32, Vec<u8>, Vec<u8>) {
    let out = Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .output()
        .expect("pdftoppm (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftoppm failed on {}", pdf.display());
    let pgm = out.stdout;
    // "P5\n<w> <h>\n255\n" then the pixels.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8(pgm[start..i].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P5");
    assert_eq!(fields[3], "255");
    let (w, h): (u32, u32) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = pgm[i + 1..].to_vec();
    assert_eq!(pixels.len(), (w * h) as usize);
    (w, h, pixels, pgm)
}

/// An image-only PDF: one page of the size of the 300-dpi image, painting only it.
fn scan_of(w: u32, h: u32, pixels: Vec<u8>) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages = doc.new_object_id();
    let mut image = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        pixels,
    );
    image.compress().unwrap();
    let image = doc.add_object(image);
    let (pw, ph) = (w as f32 * 72.0 / 300.0, h as f32 * 72.0 / 300.0);
    let content = doc.add_object(Stream::new(
        dictionary! {},
        format!("q {pw} 0 0 {ph} 0 0 cm /Im0 Do Q").into_bytes(),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages,
        "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw), Object::Real(ph)],
        "Contents" => content,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// Character error rate, whitespace removed and NFKC-folded on both sides (Tesseract cannot
/// tell full-width `ＮＰＯ` from `NPO` on an image, nor see U+3000).
fn cer(out: &str, truth: &str) -> f64 {
    let fold = |s: &str| s.nfkc().filter(|c| !c.is_whitespace()).collect::<String>();
    crate::common::cer_nows(&fold(out), &fold(truth))
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn batch(dir: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = bin();
    cmd.arg("batch").arg(dir).arg("-o").arg(out).args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn entry<'a>(manifest: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == path)
        .unwrap()
}

fn corpus_line(out: &Path, source: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("corpus.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|l| l["source"] == source)
        .unwrap()
}

#[test]
fn a_scan_is_listed_as_image_only_and_read_with_ocr_at_tesseracts_accuracy() {
    let (w, h, pixels, pgm) = render(&shared_pdf("office_emu__full.pdf"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("scan.pdf"), scan_of(w, h, pixels)).unwrap();
    std::fs::write(dir.join("a.txt"), "普通の文です。\n").unwrap();

    // Without --ocr: listed as image-only, no text, as before.
    let plain = tmp.path().join("plain");
    let run = batch(&dir, &plain, &[], &[]);
    assert_eq!(run.status.code(), Some(4), "{run:?}");
    let m = read_json(&plain.join("manifest.json"));
    let scan = entry(&m, "scan.pdf");
    assert_eq!(scan["status"], "needs_attention");
    assert_eq!(
        scan["warnings"][0],
        "image-only page 1: no text; OCR not run"
    );
    assert_eq!(scan["attention"]["reasons"][0]["kind"], "image_only_pages");
    let line = corpus_line(&plain, "scan.pdf");
    assert_eq!(line["text"], "");
    assert!(line.get("ocr").is_none(), "{line}");

    // With --ocr: read, flagged, and still listed for a reader.
    let ocr = tmp.path().join("ocr");
    let run = batch(&dir, &ocr, &["--ocr"], &[]);
    assert_eq!(run.status.code(), Some(4), "{run:?}");
    let m = read_json(&ocr.join("manifest.json"));
    let scan = entry(&m, "scan.pdf");
    assert_eq!(scan["status"], "needs_attention");
    let warning = scan["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with("image-only page 1: read by OCR (tesseract, "),
        "{warning}"
    );
    let reasons = scan["attention"]["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0]["kind"], "ocr");
    assert_eq!(reasons[0]["pages"], serde_json::json!([1]));
    assert_eq!(entry(&m, "a.txt")["status"], "ok");

    let line = corpus_line(&ocr, "scan.pdf");
    let text = line["text"].as_str().unwrap();
    let lines = line["ocr"]["lines"].as_u64().unwrap();
    let confidence = line["ocr"]["confidence"].as_f64().unwrap();
    assert!(lines >= 15, "{line}");
    assert!(confidence > 0.5 && confidence <= 1.0, "{line}");

    // Repair leaves clean OCR text as it is.
    let doc = read_json(&ocr.join("docs/scan.pdf/doc.json"));
    let page = &doc["pages"][0];
    assert_eq!(page["original"], page["repaired"]);
    assert_eq!(page["spans"], serde_json::json!([]));
    assert_eq!(page["stats"]["ocr_lines"], lines);

    // Tesseract's accuracy: the same image read by tesseract directly.
    let direct = Command::new("tesseract")
        .args([
            "stdin",
            "stdout",
            "-l",
            "jpn+jpn_vert",
            "--psm",
            "3",
            "--dpi",
            "300",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tesseract (tesseract-ocr) must be installed");
    let direct = {
        let mut child = direct;
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &pgm));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let truth = truth();
    let (ours, theirs) = (cer(text, &truth), cer(&direct, &truth));
    eprintln!("CER --ocr {ours:.4}, tesseract directly {theirs:.4}");
    assert!(
        ours <= theirs + 0.02,
        "--ocr CER {ours:.4} vs tesseract's {theirs:.4}"
    );
    assert!(ours <= 0.10, "--ocr CER {ours:.4}:\n{text}");

    // The text reaches the records like any text, flagged as read by OCR; `２．４億円` read as
    // `2. 4 億円` must stay one amount.
    let records = std::fs::read_to_string(ocr.join("docs/scan.pdf/records.jsonl")).unwrap();
    let record: serde_json::Value = serde_json::from_str(records.lines().next().unwrap()).unwrap();
    assert!(
        record["name"].as_str().unwrap().contains("地域共生社会"),
        "{record}"
    );
    assert!(
        record["flags"].as_array().unwrap().contains(&"ocr".into()),
        "{record}"
    );
    assert_eq!(record["budget"][0]["amount_yen"], 240_000_000, "{record}");
}

#[test]
fn extract_json_flags_ocr_lines_with_boxes_and_confidence() {
    let (w, h, pixels, _) = render(&shared_pdf("reportlab__full.pdf"));
    let tmp = tempfile::tempdir().unwrap();
    let scan = tmp.path().join("scan.pdf");
    std::fs::write(&scan, scan_of(w, h, pixels)).unwrap();
    let out = bin()
        .args(["extract", "--json", "--ocr", "-q"])
        .arg(&scan)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = doc["pages"][0]["lines"].as_array().unwrap();
    assert!(lines.len() >= 15, "{doc}");
    let (pw, ph) = (w as f64 * 72.0 / 300.0, h as f64 * 72.0 / 300.0);
    let mut previous_top = f64::MAX;
    for l in lines {
        let span = &l["spans"][0];
        assert_eq!(span["source"], "ocr");
        assert_eq!(span["font"], "tesseract");
        assert_eq!(span["text"], l["text"]);
        let c = span["confidence"].as_f64().unwrap();
        assert!(c > 0.0 && c <= 1.0, "{span}");
        let b: Vec<f64> = span["bbox"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!(0.0 <= b[0] && b[0] < b[2] && b[2] <= pw + 1.0, "{b:?}");
        assert!(0.0 <= b[1] && b[1] < b[3] && b[3] <= ph + 1.0, "{b:?}");
        // One column of prose: lines go down the page (y up in user space).
        assert!(b[3] < previous_top + 1.0, "{b:?}");
        previous_top = b[3];
    }
    // The first line is the title, near the top of the page.
    assert!(
        lines[0]["text"].as_str().unwrap().contains("事業概要"),
        "{doc}"
    );
}

#[test]
fn a_missing_tesseract_is_a_warning_and_the_batch_goes_on() {
    let (w, h, pixels, _) = render(&shared_pdf("chromium__full.pdf"));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("scan.pdf"), scan_of(w, h, pixels)).unwrap();
    std::fs::write(dir.join("a.txt"), "普通の文です。\n").unwrap();
    let out = tmp.path().join("out");
    let run = batch(
        &dir,
        &out,
        &["--ocr"],
        &[("GLYPHMEND_TESSERACT", "/nonexistent/tesseract")],
    );
    // Needs attention (4), not failed (3): the scan is listed, unread, with the reason.
    assert_eq!(run.status.code(), Some(4), "{run:?}");
    let m = read_json(&out.join("manifest.json"));
    let scan = entry(&m, "scan.pdf");
    assert_eq!(scan["status"], "needs_attention");
    let warning = scan["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with(
            "image-only page 1: no text; OCR failed: cannot run `/nonexistent/tesseract`"
        ),
        "{warning}"
    );
    assert_eq!(scan["attention"]["reasons"][0]["kind"], "image_only_pages");
    assert_eq!(entry(&m, "a.txt")["status"], "ok");
    assert_eq!(m["summary"]["failed"], 0);
}
