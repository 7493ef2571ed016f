//! `glyphmend batch`, `review`, `index`, `search`, `diff` as a user runs them, on small
//! fixtures made here in temporary directories.
//!
//! Only `search::end_to_end_repair_then_search_finds_the_repaired_phrase` depends on the quality of
//! the repair (language model); every other test holds whatever the repair decides.

use glyphmend::batch::manifest::{Manifest, Status, Timings};
use glyphmend::pipeline::Stage;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn glyphmend() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_glyphmend"));
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> Output {
    glyphmend()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("spawn glyphmend")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Deterministic noise (xorshift), for the corrupt file.
fn noise(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

/// A directory mixing good and bad inputs of every kind.
fn mixed_inputs(dir: &Path) {
    let repo = crate::common::repo();
    // Garbled text (glyph IDs printed as code points) and clean text.
    write(
        &dir.join("text/garbled.txt"),
        "地域のከᵝな୺体の㐃ᦠを㏻ࡌた\nclean line\nᨭ᥼を⾜う\n".as_bytes(),
    );
    write(
        &dir.join("text/clean.txt"),
        "孤独・孤立対策の推進\n地域の多様な主体\n".as_bytes(),
    );
    // Two pages (form feed, as pdftotext writes).
    write(
        &dir.join("text/pages.txt"),
        "一頁目の本文\n\u{c}二頁目の本文\n\u{c}".as_bytes(),
    );
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("生活困窮者等支援\n");
    write(&dir.join("text/sjis.txt"), &sjis);
    // A "text" file that is binary.
    write(
        &dir.join("text/binary.txt"),
        b"\x00\x01\x02\xff\xfe\x00garbage",
    );
    // Good PDFs (from the bundled sample).
    for name in [
        "office_emu__a_no_tounicode.pdf",
        "office_emu_cmap__full.pdf",
    ] {
        let bytes = std::fs::read(repo.join("corpus").join(name)).expect("bundled sample PDF");
        write(&dir.join("pdf").join(name), &bytes);
    }
    // Random bytes named .pdf, a truncated PDF, an encrypted one.
    write(
        &dir.join("pdf/corrupt.pdf"),
        &noise(4096, 0x9E37_79B9_7F4A_7C15),
    );
    let good = std::fs::read(repo.join("corpus/office_emu_cmap__full.pdf")).unwrap();
    write(&dir.join("pdf/truncated.pdf"), &good[..good.len() / 3]);
    write(&dir.join("pdf/encrypted.pdf"), ENCRYPTED_PDF);
    // Not an input.
    write(&dir.join("notes.md"), b"# not an input\n");
}

/// A minimal PDF whose trailer points at a standard-security-handler dictionary with a
/// user password (the O/U entries are not derivable from an empty password), so no reader
/// can decrypt its content.
const ENCRYPTED_PDF: &[u8] = b"%PDF-1.4\n\
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >> endobj\n\
4 0 obj << /Length 16 >> stream\n\x7f\x13\x99\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\nendstream endobj\n\
5 0 obj << /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 \
/O <2d6b5c1e9f0a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4> \
/U <8e7d6c5b4a39281706f5e4d3c2b1a09f00000000000000000000000000000000> >> endobj\n\
trailer << /Size 6 /Root 1 0 R /Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\n\
%%EOF\n";

/// Every file under `dir` (relative path → bytes), except the per-run `timings.json`; the
/// aggregate files by their names in OUT (links into the commit's generation directory,
/// which is not listed again).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with(".commit"));
    for e in walk {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel == "timings.json" {
            continue;
        }
        out.insert(rel, std::fs::read(e.path()).unwrap());
    }
    out
}

fn manifest(out: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn timings(out: &Path) -> Timings {
    serde_json::from_slice(&std::fs::read(out.join("timings.json")).unwrap()).unwrap()
}

fn corpus(out: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("corpus.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("corpus line is JSON"))
        .collect()
}

const COMPLETED_WITH_FAILURES: i32 = 3;

#[test]
fn batch_records_every_failure_resumes_and_ignores_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    mixed_inputs(&input);
    let out1 = tmp.path().join("out1");
    let out2 = tmp.path().join("out2");

    let r1 = run(&["batch", s(&input), "-o", s(&out1), "-j", "1"]);
    let stderr = String::from_utf8_lossy(&r1.stderr);
    assert_eq!(r1.status.code(), Some(COMPLETED_WITH_FAILURES), "{stderr}");
    let r2 = run(&["batch", s(&input), "-o", s(&out2), "-j", "2", "--quiet"]);
    assert_eq!(r2.status.code(), Some(COMPLETED_WITH_FAILURES));
    assert!(
        r2.stderr.is_empty(),
        "quiet: {}",
        String::from_utf8_lossy(&r2.stderr)
    );

    // Same bytes whatever -j.
    let snap1 = snapshot(&out1);
    let snap2 = snapshot(&out2);
    assert_eq!(
        snap1.keys().collect::<Vec<_>>(),
        snap2.keys().collect::<Vec<_>>()
    );
    for (k, v) in &snap1 {
        assert!(v == &snap2[k], "{k} differs between -j 1 and -j 2");
    }

    // Every input is listed, sorted, with a status; failures carry their stage and error.
    let m = manifest(&out1);
    let paths: Vec<&str> = m.inputs.iter().map(|e| e.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(m.inputs.len(), 10, "{paths:?}");
    assert!(!paths.contains(&"notes.md"));
    let entry = |p: &str| m.inputs.iter().find(|e| e.path == p).unwrap();
    // A PDF cut to a third still has its first page's objects: extraction recovers what
    // it can (best effort, with warnings) instead of failing the input.
    assert!(entry("pdf/truncated.pdf").status.has_outputs());
    for bad in ["pdf/corrupt.pdf", "pdf/encrypted.pdf", "text/binary.txt"] {
        let e = entry(bad);
        assert_eq!(e.status, Status::Failed, "{bad}");
        assert!(e.error.as_deref().is_some_and(|s| !s.is_empty()), "{bad}");
        assert!(e.failed_stage.is_some());
        assert!(e.sha256.is_some(), "{bad}: hashed even though it failed");
        assert!(!out1.join("docs").join(bad).exists(), "{bad}: no outputs");
    }
    assert_eq!(entry("text/binary.txt").failed_stage, Some(Stage::Decode));
    assert_eq!(entry("pdf/corrupt.pdf").failed_stage, Some(Stage::Extract));
    for good in [
        "text/garbled.txt",
        "text/clean.txt",
        "text/pages.txt",
        "text/sjis.txt",
    ] {
        let e = entry(good);
        assert!(e.status.has_outputs(), "{good}: {:?}", e.error);
        let dir = out1.join("docs").join(good);
        for f in ["doc.json", "repaired.txt", "spans.json", "records.jsonl"] {
            assert!(dir.join(f).is_file(), "{good}/{f}");
        }
    }
    // Good PDFs either work (PDF support built in) or fail with a clear error.
    for pdf in [
        "pdf/office_emu__a_no_tounicode.pdf",
        "pdf/office_emu_cmap__full.pdf",
    ] {
        let e = entry(pdf);
        match e.status {
            Status::Ok | Status::NeedsAttention => assert!(e.pages > 0),
            Status::Failed => assert!(e.error.as_deref().unwrap().contains("PDF"), "{e:?}"),
        }
    }
    assert_eq!(
        m.summary.failed,
        m.inputs
            .iter()
            .filter(|e| e.status == Status::Failed)
            .count()
    );
    assert!(m.summary.failed >= 3);
    assert!(stderr.contains("failed: pdf/corrupt.pdf"), "{stderr}");
    assert!(!m.tables.is_empty() && m.tables_version.len() == 64);

    // Corpus: one line per page of good inputs; clean text unchanged; pages split.
    let lines = corpus(&out1);
    assert_eq!(lines.len(), m.summary.pages);
    let by_id = |id: &str| lines.iter().find(|l| l["id"] == id).unwrap();
    assert_eq!(
        by_id("text/clean.txt#p1")["text"],
        "孤独・孤立対策の推進\n地域の多様な主体\n"
    );
    assert_eq!(by_id("text/clean.txt#p1")["garble"]["garbled_chars"], 0);
    assert_eq!(by_id("text/pages.txt#p2")["text"], "二頁目の本文\n");
    assert_eq!(by_id("text/sjis.txt#p1")["text"], "生活困窮者等支援\n");
    let garbled = by_id("text/garbled.txt#p1");
    assert!(garbled["garble"]["garbled_chars"].as_u64().unwrap() >= 5);
    assert_eq!(garbled["page"], 1);
    assert_eq!(garbled["sha256"].as_str().unwrap().len(), 64);
    assert!(garbled["repairs"]["spans"].is_u64());

    // Timings live in timings.json only.
    let t1 = timings(&out1);
    assert_eq!(t1.threads, 1);
    assert_eq!(t1.skipped, 0);
    assert_eq!(t1.files.len(), 10);
    assert!(!String::from_utf8_lossy(&snap1["manifest.json"]).contains("_ms"));

    // A rerun skips everything and writes the same bytes.
    let r3 = run(&["batch", s(&input), "-o", s(&out1), "-j", "2", "--quiet"]);
    assert_eq!(r3.status.code(), Some(COMPLETED_WITH_FAILURES));
    let t3 = timings(&out1);
    assert_eq!(t3.skipped, 10, "second run must skip every input");
    assert!(t3.files.iter().all(|f| f.skipped));
    assert_eq!(snapshot(&out1), snap1, "resumed output differs");

    // A changed input is the only one processed again.
    write(&input.join("text/clean.txt"), "変更後の本文\n".as_bytes());
    let r4 = run(&["batch", s(&input), "-o", s(&out1), "--quiet"]);
    assert_eq!(r4.status.code(), Some(COMPLETED_WITH_FAILURES));
    let t4 = timings(&out1);
    assert_eq!(t4.skipped, 9);
    let redone: Vec<_> = t4.files.iter().filter(|f| !f.skipped).collect();
    assert_eq!(redone.len(), 1);
    assert_eq!(redone[0].path, "text/clean.txt");
    assert_eq!(
        corpus(&out1)
            .iter()
            .find(|l| l["id"] == "text/clean.txt#p1")
            .unwrap()["text"],
        "変更後の本文\n"
    );

    // --force reprocesses everything, same result.
    let before = snapshot(&out1);
    let r5 = run(&["batch", s(&input), "-o", s(&out1), "--quiet", "--force"]);
    assert_eq!(r5.status.code(), Some(COMPLETED_WITH_FAILURES));
    assert_eq!(timings(&out1).skipped, 0);
    assert_eq!(snapshot(&out1), before);
}

#[test]
fn batch_of_good_inputs_exits_zero_and_missing_dir_is_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("a.txt"), "本文\n".as_bytes());
    let out = tmp.path().join("out");
    let r = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert_eq!(manifest(&out).summary.ok, 1);
    let r = run(&["batch", s(&tmp.path().join("nope")), "-o", s(&out)]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("nope"));
}

/// Output directory inside the input directory: not read back as input.
#[test]
fn output_inside_input_is_not_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().to_path_buf();
    write(&input.join("a.txt"), "本文\n".as_bytes());
    let out = input.join("out");
    for _ in 0..2 {
        let r = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
        assert_eq!(r.status.code(), Some(0));
    }
    let m = manifest(&out);
    assert_eq!(m.inputs.len(), 1, "{:?}", m.inputs);
}

#[test]
fn diff_colours_only_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("g.txt");
    // Strong evidence (Tai Tham, Samaritan…): reported as repaired or unresolved either way.
    write(&f, "clean\n地域のከᵝな୺体の㐃ᦠを㏻ࡌた\n".as_bytes());
    let plain = run(&["diff", s(&f)]);
    assert!(plain.status.success());
    let text = String::from_utf8(plain.stdout).unwrap();
    assert!(!text.contains('\x1b'), "not a terminal: no colour");
    assert!(text.contains("g.txt p1:2"), "{text}");
    assert!(text.contains("- 地域の"), "{text}");
    assert!(!text.contains("clean"), "{text}");
    let colour = run(&["diff", s(&f), "--color", "always"]);
    assert!(String::from_utf8(colour.stdout).unwrap().contains('\x1b'));
    let no_color = glyphmend()
        .args(["diff", s(&f), "--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8(no_color.stdout).unwrap().contains('\x1b'));
}

#[test]
fn sharded_batches_merge_into_the_unsharded_output() {
    // The bundled sample (texts and PDFs) in one batch, and in 2 and 3 shards merged: the
    // same corpus, records, manifest inputs and summary, and needs-attention list.
    let tmp = tempfile::tempdir().unwrap();
    let corpus = crate::common::repo().join("corpus");
    let whole = tmp.path().join("whole");
    let code = run(&["batch", s(&corpus), "-o", s(&whole), "-q"])
        .status
        .code();
    assert!(matches!(code, Some(0 | 4)), "{code:?}");
    let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let manifest = |dir: &Path| -> serde_json::Value {
        let mut m: serde_json::Value = serde_json::from_str(&read(dir, "manifest.json")).unwrap();
        // Only these may differ (none does today, but they are not the point).
        m.as_object_mut().unwrap().remove("tool");
        m
    };
    for n in [2usize, 3] {
        let mut dirs = Vec::new();
        let mut inputs = 0;
        for k in 1..=n {
            let d = tmp.path().join(format!("shard{n}-{k}"));
            let shard = format!("{k}/{n}");
            let out = run(&["batch", s(&corpus), "--shard", &shard, "-o", s(&d), "-q"]);
            assert!(matches!(out.status.code(), Some(0 | 4)), "{out:?}");
            inputs += manifest(&d)["inputs"].as_array().unwrap().len();
            dirs.push(d);
        }
        assert_eq!(inputs, 7, "the shards partition the 7 inputs");
        let merged = tmp.path().join(format!("merged{n}"));
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(|d| s(d)));
        args.extend(["-o", s(&merged), "-q"]);
        let out = run(&args);
        assert_eq!(out.status.code(), code, "{out:?}");
        for name in ["corpus.jsonl", "records.jsonl", "needs_attention.json"] {
            assert!(
                read(&whole, name) == read(&merged, name),
                "{n} shards: {name} differs"
            );
        }
        assert_eq!(
            manifest(&whole),
            manifest(&merged),
            "{n} shards: manifest differs"
        );
        assert!(merged.join("docs").is_dir());
        // Shards consumed (their document files moved, as `glyphmend.dask` merges its parts):
        // the same OUT, file for file, and no document file left in the shards.
        let copies: Vec<PathBuf> = dirs
            .iter()
            .map(|d| {
                let c = d.with_extension("consumed");
                copy_tree(d, &c);
                c
            })
            .collect();
        let moved = tmp.path().join(format!("moved{n}"));
        glyphmend::batch::merge::merge_with(
            &copies,
            &moved,
            glyphmend::batch::merge::TakeDocs::Move,
        )
        .unwrap();
        let tree = |d: &Path| -> Vec<(PathBuf, Vec<u8>)> {
            walkdir::WalkDir::new(d)
                .sort_by_file_name()
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| !e.file_type().is_dir())
                .map(|e| {
                    let rel = e.path().strip_prefix(d).unwrap().to_path_buf();
                    (rel, std::fs::read(e.path()).unwrap_or_default())
                })
                .filter(|(rel, _)| rel != Path::new("timings.json"))
                .collect()
        };
        let (want, got) = (tree(&merged), tree(&moved));
        assert!(want.len() > 10, "{} files", want.len());
        assert!(
            want == got,
            "{n} shards: merging by moves wrote another OUT"
        );
        for c in &copies {
            let left = tree(&c.join("docs"));
            assert!(left.is_empty(), "left in {}: {:?}", c.display(), left[0].0);
        }
    }
    // Overlapping shards, a directory that is no batch, and a bad K/N are refused.
    let one = tmp.path().join("shard2-1");
    let out = run(&["merge", s(&one), s(&one), "-o", s(&tmp.path().join("x"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must not overlap"));
    let out = run(&["merge", s(&corpus), "-o", s(&tmp.path().join("y"))]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a finished batch"));
    let out = run(&[
        "batch",
        s(&corpus),
        "--shard",
        "3/2",
        "-o",
        s(&tmp.path().join("z")),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 ≤ K ≤ N"));
}

/// The real document without ToUnicode (MS Mincho, read through the shipped table).
fn kyushu() -> std::path::PathBuf {
    let p = crate::common::repo().join("../shared/corpus/realworld/pdf/jp-mlit-kyushu-89test.pdf");
    assert!(p.is_file(), "{}: needs ../shared/corpus", p.display());
    p
}

/// The resolved decoded runs of a `doc.json`, by (provenance, table), and its unresolved runs.
fn decoded_runs(doc: &serde_json::Value) -> (BTreeMap<(String, String), usize>, usize) {
    let mut resolved = BTreeMap::new();
    let mut unresolved = 0;
    for p in doc["pages"].as_array().unwrap() {
        for r in p["decoded"].as_array().into_iter().flatten() {
            if r["unresolved"].as_u64().unwrap() > 0 {
                unresolved += 1;
            } else {
                let key = (
                    r["source"].as_str().unwrap().to_string(),
                    r["table"].as_str().unwrap_or("").to_string(),
                );
                *resolved.entry(key).or_default() += 1;
            }
        }
    }
    (resolved, unresolved)
}

#[test]
fn pdf_decodings_are_spans_with_provenance_in_manifest_and_needs_attention() {
    let repo = crate::common::repo();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    write(&input.join("kyushu.pdf"), &std::fs::read(kyushu()).unwrap());
    write(&input.join("clean.txt"), "本文\n".as_bytes());
    let out = tmp.path().join("out");
    let r = run(&["batch", s(&input), "-o", s(&out), "-j", "2"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    // Every glyph explained by the shipped table (derived from 1,381 documents' votes):
    // decodings are spans to review, not a reason for attention; exit 0.
    assert_eq!(r.status.code(), Some(0), "{stderr}");

    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("docs/kyushu.pdf/doc.json")).unwrap())
            .unwrap();
    let (resolved, unresolved_runs) = decoded_runs(&doc);
    let decoded: usize = resolved.values().sum();
    assert!(decoded > 500, "{resolved:?}");
    // No ToUnicode: every decoded run came through the shipped MS Mincho table.
    assert_eq!(
        resolved.keys().collect::<Vec<_>>(),
        [&("table".to_string(), "ms-mincho".to_string())]
    );

    let m = manifest(&out);
    let e = m.inputs.iter().find(|e| e.path == "kyushu.pdf").unwrap();
    assert_eq!(e.status, Status::Ok);
    assert_eq!(e.spans.decoded_spans, decoded);
    assert_eq!(e.spans.provenance.get("table"), Some(&decoded));
    assert_eq!(e.spans.provenance.len(), 1, "{:?}", e.spans.provenance);
    assert_eq!(e.spans.tables.get("ms-mincho"), Some(&decoded));
    assert_eq!(e.spans.unresolved_spans, unresolved_runs);
    assert_eq!((e.spans.unresolved_glyphs, unresolved_runs), (0, 0));
    // The summary adds the inputs' counts; the clean text has none.
    assert_eq!(m.summary.spans, e.spans);
    assert!(
        stderr.contains(&format!(
            "{decoded} decoded (by provenance: table {decoded})"
        )),
        "{stderr}"
    );

    // needs_attention.json lists nothing: decodings through a table that won are reviewable
    // spans, not a problem (the generated PDF below, read through a table in doubt, is one).
    let n: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("needs_attention.json")).unwrap()).unwrap();
    assert_eq!(n["documents"].as_array().map(Vec::len), Some(0), "{n}");

    // A generated PDF read through a table in doubt (every rule at 0.60, under the 0.8
    // threshold): its decodings are low-confidence spans, and it needs attention for them.
    let doubt = tmp.path().join("tables");
    let shipped = std::fs::read_to_string(repo.join("mappings/ipaexmincho.table")).unwrap();
    assert!(shipped.contains("name=ipaexmincho ") && shipped.contains("confidence=1.00"));
    write(
        &doubt.join("doubt.table"),
        shipped
            .replace("name=ipaexmincho ", "name=ipaexmincho-doubt ")
            .replace("confidence=1.00", "confidence=0.60")
            .as_bytes(),
    );
    let input2 = tmp.path().join("in2");
    let name = "office_emu__a_no_tounicode.pdf";
    write(
        &input2.join(name),
        &std::fs::read(repo.join("corpus").join(name)).unwrap(),
    );
    let out2 = tmp.path().join("out2");
    let r = run(&[
        "batch",
        s(&input2),
        "-o",
        s(&out2),
        "--tables",
        s(&doubt),
        "-q",
    ]);
    assert_eq!(
        r.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out2.join("docs").join(name).join("doc.json")).unwrap(),
    )
    .unwrap();
    let (resolved, _) = decoded_runs(&doc);
    let low = resolved[&("table".to_string(), "ipaexmincho-doubt".to_string())];
    assert!(low > 0, "{resolved:?}");
    let m = manifest(&out2);
    let e = &m.inputs[0];
    assert_eq!(e.status, Status::NeedsAttention);
    assert_eq!(e.spans.low_confidence_spans, low);
    assert_eq!(e.spans.low_confidence.get("table"), Some(&low));
    assert_eq!(e.spans.tables.get("ipaexmincho-doubt"), Some(&low));
    assert_eq!(e.spans.decoded_spans, resolved.values().sum::<usize>());
    let n: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out2.join("needs_attention.json")).unwrap()).unwrap();
    let reason = &n["documents"][0]["reasons"][0];
    assert_eq!(reason["kind"], "low_confidence", "{n}");
    assert_eq!(reason["spans"], low);
    assert_eq!(reason["provenance"]["table"], low);
    assert_eq!(n["documents"][0]["low_confidence_spans"], low);
}

mod review_browser;
mod search;

/// `cp -r from to` (symbolic links kept as links).
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let at = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&at).unwrap();
        } else if e.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &at).unwrap();
        } else {
            std::fs::copy(e.path(), &at).unwrap();
        }
    }
}
