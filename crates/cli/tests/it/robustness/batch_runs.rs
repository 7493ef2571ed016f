//! Hostile conditions for `batch`: warnings, symlinks, unreadable directories, locks, time
//! bounds, kills and reruns, names that are not UTF-8.

use super::*;

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn batch_records_warnings_symlinks_and_image_only_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("scan.pdf"), scan_pdf()).unwrap();
    std::fs::write(d.join("a.txt"), "普通の文です。\n").unwrap();
    std::os::unix::fs::symlink(d.join("a.txt"), d.join("b.txt")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", d.join("dangling.pdf")).unwrap();
    let out = tmp.path().join("out");
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    // The scan needs attention (exit 4); symlinks are no failure.
    assert_eq!(
        run.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("needs attention: scan.pdf: page(s) 2 are images only"),
        "{err}"
    );
    let m = manifest(&out);
    let scan = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "scan.pdf")
        .unwrap();
    assert_eq!(
        scan["warnings"][0],
        "image-only page 2: no text; OCR not run"
    );
    assert_eq!(scan["status"], "needs_attention");
    assert_eq!(scan["attention"]["reasons"][0]["kind"], "image_only_pages");
    assert_eq!(m["summary"]["warnings"], 1);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("docs/scan.pdf/doc.json")).unwrap())
            .unwrap();
    assert_eq!(
        doc["warnings"][0],
        "image-only page 2: no text; OCR not run"
    );
    let skipped: Vec<(&str, &str)> = m["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["path"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        vec![("b.txt", "symlink"), ("dangling.pdf", "symlink")]
    );
    assert_eq!(m["summary"]["skipped"], 2);
}

#[test]
fn d8_an_unreadable_directory_is_recorded_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir_all(d.join("locked")).unwrap();
    std::fs::write(d.join("a.txt"), "普通の文です。\n").unwrap();
    std::fs::write(d.join("locked/b.txt"), "中身\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    let set =
        |p: &Path, m| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    set(&d.join("locked"), 0o000);
    let out = tmp.path().join("out");
    // Root reads everything: run the batch as `nobody` then (the campaign did the same).
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        set(tmp.path(), 0o777);
        set(&d, 0o755);
        set(&d.join("a.txt"), 0o644);
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_glyphmend"));
        c
    } else {
        bin()
    };
    let run = cmd
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    set(&d.join("locked"), 0o755);
    assert_eq!(
        run.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m = manifest(&out);
    assert_eq!(m["inputs"][0]["path"], "a.txt");
    assert_eq!(m["skipped"][0]["path"], "locked");
    assert_eq!(m["skipped"][0]["reason"], "unreadable");
}

#[test]
fn d6_d9_one_writer_per_output_and_never_into_the_input() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("a.txt"), "普通の文です。\n").unwrap();
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("is the input directory"));
    assert!(!d.join("manifest.json").exists());
    // Another batch holds OUT's lock.
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let lock = std::fs::File::create(out.join(".glyphmend.lock")).unwrap();
    lock.lock().unwrap();
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("another batch is writing"));
    assert!(!out.join("manifest.json").exists());
    lock.unlock().unwrap();
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
}

#[test]
fn d1_batch_bounds_each_input_in_time_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("a.txt"), "普通の文です。\n").unwrap();
    std::fs::write(d.join("dag.pdf"), form_dag(10, 12)).unwrap();
    let out = tmp.path().join("out");
    // Budgets lifted so that only the time bound can end the hostile input.
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .args(["--timeout", "1", "--max-form-draws", "1000000000000"])
        .args([
            "--max-operators",
            "1000000000000",
            "--max-content-mib",
            "1000000000",
        ])
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m = manifest(&out);
    assert_eq!(m["inputs"][0]["path"], "a.txt");
    assert_eq!(m["inputs"][0]["status"], "ok");
    assert_eq!(m["inputs"][1]["path"], "dag.pdf");
    assert_eq!(m["inputs"][1]["failed_stage"], "timeout");
    assert!(!out.join("docs/dag.pdf").exists());
}

#[test]
fn a_truncated_document_needs_attention_in_a_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("dag.pdf"), form_dag(10, 12)).unwrap();
    let out = tmp.path().join("out");
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .args(["--max-form-draws", "1000"])
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m = manifest(&out);
    let e = &m["inputs"][0];
    assert_eq!(e["status"], "needs_attention");
    assert_eq!(e["attention"]["reasons"][0]["kind"], "truncated");
    assert!(
        e["warnings"][0]
            .as_str()
            .unwrap()
            .contains("budget of 1000 form XObject draws")
    );
}

#[test]
fn d5_names_that_are_not_utf8_keep_distinct_outputs() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    let name = |b: &[u8]| d.join(std::ffi::OsStr::from_bytes(b));
    std::fs::write(name(b"x\xff.txt"), "一つ目です。\n").unwrap();
    std::fs::write(name(b"x\xfe.txt"), "二つ目です。\n").unwrap();
    let out = tmp.path().join("out");
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let m = manifest(&out);
    let paths: Vec<&str> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["x%FE.txt", "x%FF.txt"]);
    let corpus = std::fs::read_to_string(out.join("corpus.jsonl")).unwrap();
    assert!(corpus.contains("一つ目") && corpus.contains("二つ目"));
    assert!(out.join("docs/x%FE.txt/doc.json").exists());
    assert!(out.join("docs/x%FF.txt/doc.json").exists());
}

#[test]
fn a_pdf_without_its_header_line_is_read_with_a_warning() {
    let mut p = Pdf::new();
    p.text_page("headless");
    let pdf = p.finish();
    // Drop the leading comment lines (`%PDF-1.5`, the binary marker).
    let mut start = 0;
    while pdf[start] == b'%' {
        start += pdf[start..].iter().position(|&b| b == b'\n').unwrap() + 1;
    }
    let cut = &pdf[start..];
    assert!(!cut.windows(4).any(|w| w == b"%PDF"), "test premise");
    let doc = extract_bytes(cut, "cut.pdf", &ExtractOptions::default()).unwrap();
    assert_eq!(doc.text(), "headless\n");
    assert!(doc.warnings.iter().any(|w| w.contains("no %PDF- header")));
    // Not every headerless file is taken for a PDF.
    assert!(extract_bytes(b"hello world\n", "t.pdf", &ExtractOptions::default()).is_err());
}

fn timings(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("timings.json")).unwrap()).unwrap()
}

/// `n` distinct garbled text inputs (dev-a.txt with a numbered first line).
fn text_inputs(dir: &Path, n: usize) {
    let a = std::fs::read_to_string(crate::common::repo().join("tests/fixtures/seed/dev-a.txt"))
        .unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("x{i:03}.txt")), format!("{i}\n{a}")).unwrap();
    }
}

#[test]
fn d12_a_killed_batch_resumes_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    text_inputs(&d, 24);
    let out = tmp.path().join("out");
    let mut child = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .args(["-j1", "-q"])
        .spawn()
        .unwrap();
    // Kill it once a few inputs are journaled (and before the end, or the test proves
    // nothing: then it fails below).
    let journal = out.join("journal.jsonl");
    let t0 = std::time::Instant::now();
    while std::fs::read_to_string(&journal).map_or(0, |j| j.lines().count()) < 3 {
        assert!(t0.elapsed().as_secs() < 120, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out.join("manifest.json").exists(),
        "killed too late to test resume"
    );
    let run = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(run.status.success() || run.status.code() == Some(4));
    let skipped = timings(&out)["skipped"].as_u64().unwrap();
    assert!(skipped >= 3, "only {skipped} inputs resumed");
    assert!(!journal.exists(), "the manifest commits the journal");
    // The result is a fresh run's.
    let fresh = tmp.path().join("fresh");
    bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&fresh)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(manifest(&out), manifest(&fresh));
    for f in ["corpus.jsonl", "records.jsonl"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(fresh.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn d7_d13_reruns_repair_what_is_missing_stale_or_transient() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    for n in ["a", "b", "c"] {
        std::fs::write(d.join(format!("{n}.txt")), format!("{n}の文です。\n")).unwrap();
    }
    let out = tmp.path().join("out");
    // A write failure (the document's output directory is a file): recorded at stage write…
    std::fs::create_dir_all(out.join("docs")).unwrap();
    std::fs::write(out.join("docs/c.txt"), "in the way").unwrap();
    let batch = || {
        bin()
            .arg("batch")
            .arg(&d)
            .arg("-o")
            .arg(&out)
            .arg("-q")
            .output()
            .unwrap()
    };
    assert_eq!(batch().status.code(), Some(3));
    assert_eq!(manifest(&out)["inputs"][2]["failed_stage"], "write");
    // … and retried once the obstacle is gone, not resumed as a failure.
    std::fs::remove_file(out.join("docs/c.txt")).unwrap();
    assert_eq!(batch().status.code(), Some(0));
    assert_eq!(manifest(&out)["inputs"][2]["status"], "ok");
    // A deleted output is regenerated; a killed writer's temp file removed; the outputs of
    // a removed input removed.
    std::fs::remove_file(out.join("docs/a.txt/repaired.txt")).unwrap();
    let stale = out.join("docs/b.txt/.spans.json.tmp-123-ThreadId(2)");
    std::fs::write(&stale, "half").unwrap();
    std::fs::remove_file(d.join("c.txt")).unwrap();
    assert_eq!(batch().status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(out.join("docs/a.txt/repaired.txt")).unwrap(),
        "aの文です。\n"
    );
    assert!(!stale.exists());
    assert!(!out.join("docs/c.txt").exists());
    assert_eq!(timings(&out)["skipped"], 1, "only b.txt was complete");
}

#[test]
fn a_pdf_encrypted_only_for_its_attachments_is_read() {
    let mut p = Pdf::new();
    p.text_page("open text");
    // Crypt filters leave streams and strings alone (Identity); only embedded files
    // (EFF) are encrypted, under a user password we do not know.
    let enc = p.doc.add_object(dictionary! {
        "Filter" => "Standard", "V" => 4, "R" => 4, "Length" => 128, "P" => -4,
        "CF" => dictionary! { "StdCF" => dictionary! {
            "CFM" => "AESV2", "AuthEvent" => "EFOpen", "Length" => 16 } },
        "StmF" => "Identity", "StrF" => "Identity", "EFF" => "StdCF",
        "O" => Object::string_literal(vec![7u8; 32]),
        "U" => Object::string_literal(vec![9u8; 32]),
    });
    p.doc.trailer.set("Encrypt", enc);
    p.doc.trailer.set(
        "ID",
        vec![
            Object::string_literal(vec![1u8; 16]),
            Object::string_literal(vec![1u8; 16]),
        ],
    );
    let pdf = p.finish();
    for password in [None, Some(String::new())] {
        let o = ExtractOptions {
            password,
            ..ExtractOptions::default()
        };
        let doc = extract_bytes(&pdf, "eff.pdf", &o).unwrap();
        assert_eq!(doc.text(), "open text\n");
        assert!(doc.warnings[0].contains("encrypted only for its embedded files"));
    }
}

#[test]
fn d11_an_unfinished_batch_is_named_by_review_and_index() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("a.txt"), "普通の文です。\n").unwrap();
    let out = tmp.path().join("out");
    let batch = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(batch.status.success());
    let warned = |cmd: &str| {
        let o = bin().arg(cmd).arg(&out).output().unwrap();
        String::from_utf8_lossy(&o.stderr).contains("the last batch did not finish")
    };
    assert!(!warned("review") && !warned("index"));
    // A killed run leaves its journal (and a temp file at the top of OUT).
    std::fs::write(out.join("journal.jsonl"), "").unwrap();
    let stale = out.join(".corpus.jsonl.tmp-1-ThreadId(1)");
    std::fs::write(&stale, "").unwrap();
    assert!(warned("review") && warned("index"));
    let batch = bin()
        .arg("batch")
        .arg(&d)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(batch.status.success());
    assert!(!warned("review"));
    assert!(!stale.exists());
}

#[test]
fn d3_a_line_longer_than_a_chunk_is_repaired_in_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let a = std::fs::read_to_string(crate::common::repo().join("tests/fixtures/seed/dev-a.txt"))
        .unwrap();
    // The whole garbled file as one line (no sentence ends: hard cuts too), twice.
    let line = a.replace('\n', "");
    let f = tmp.path().join("one.txt");
    std::fs::write(&f, format!("{line}\n{line}")).unwrap();
    let run = |chunk: &str| {
        let o = bin()
            .arg("repair")
            .arg(&f)
            .args(["--chunk-bytes", chunk])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let parts = run("1024");
    assert_eq!(parts.matches('\n').count(), 1);
    assert_ne!(parts.split('\n').next().unwrap(), line, "repairs happened");
    let whole = run("100000000");
    // Cut at other places, the same text reads nearly the same.
    let same = parts
        .chars()
        .zip(whole.chars())
        .filter(|(a, b)| a == b)
        .count();
    assert!(
        same * 10 >= whole.chars().count() * 8,
        "{same} of {}",
        whole.chars().count()
    );
}
