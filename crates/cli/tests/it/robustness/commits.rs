//! Crash safety of a batch's writes (D7, D11): a failed write replaces none of an input's
//! earlier outputs and is retried; a run killed while it writes its aggregate files leaves
//! the previous commit whole (they switch together); aggregate files that disagree anyway
//! (changed by hand) are found by readers and the next run, which heals them; the next run
//! redoes only unfinished inputs.

use super::*;
use std::os::unix::process::{CommandExt, ExitStatusExt};

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn skipped(out: &Path) -> u64 {
    let t: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("timings.json")).unwrap()).unwrap();
    t["skipped"].as_u64().unwrap()
}

fn batch(d: &Path, out: &Path) -> Command {
    let mut c = bin();
    c.arg("batch").arg(d).arg("-o").arg(out);
    c
}

fn entry<'a>(m: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in the manifest"))
}

/// The files of a document's output directory, by name (temporary files included).
fn doc_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn d7_a_failed_write_keeps_the_previous_outputs_and_is_retried() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    std::fs::create_dir(&d).unwrap();
    // big.txt's outputs are over the file-size limit below, small.txt's are not.
    std::fs::write(d.join("big.txt"), "普通の文です。\n".repeat(5000)).unwrap();
    std::fs::write(d.join("small.txt"), "小さな文です。\n").unwrap();
    let out = tmp.path().join("out");
    let first = batch(&d, &out).arg("-q").output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    let before = doc_files(&out.join("docs/big.txt"));
    assert_eq!(before.len(), 4, "{:?}", before.keys());

    // A write that fails part-way (EFBIG from a file-size limit, as ENOSPC would): the
    // rerun with --force redoes big.txt and cannot write its repaired text.
    let limit: libc::rlim_t = 32 << 10;
    let mut cmd = batch(&d, &out);
    cmd.args(["-q", "--force"]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            // Ignored across exec: the write fails with EFBIG instead of killing the process.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let r = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let failed = cmd.output().unwrap();
    assert_eq!(
        failed.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    let m = manifest(&out);
    let e = entry(&m, "big.txt");
    assert_eq!(e["failed_stage"], "write");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("previous outputs kept"),
        "{e}"
    );
    assert_eq!(entry(&m, "small.txt")["status"], "ok");
    // The earlier outputs are all there, unchanged, and no temporary file is left.
    assert_eq!(doc_files(&out.join("docs/big.txt")), before);

    // Space again: the next run retries big.txt (not resumed as a failure) and resumes
    // small.txt.
    let retry = batch(&d, &out).arg("-q").output().unwrap();
    assert_eq!(
        retry.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&retry.stderr)
    );
    assert_eq!(entry(&manifest(&out), "big.txt")["status"], "ok");
    assert_eq!(skipped(&out), 1, "only small.txt resumed");
    assert_eq!(doc_files(&out.join("docs/big.txt")), before);
    let corpus = std::fs::read_to_string(out.join("corpus.jsonl")).unwrap();
    assert!(corpus.contains("big.txt#p1"));
}

/// `in` with a.txt, b.txt, c.txt, batched into `out`.
fn three_inputs(root: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let d = root.join("in");
    std::fs::create_dir_all(&d).unwrap();
    for n in ["a", "b", "c"] {
        std::fs::write(d.join(format!("{n}.txt")), format!("{n}の文です。\n")).unwrap();
    }
    let out = root.join("out");
    assert_eq!(batch(&d, &out).arg("-q").status().unwrap().code(), Some(0));
    (d, out)
}

fn uncommitted(out: &Path) -> Option<String> {
    glyphmend::export::OutDir::new(out).commit_problem()
}

/// Runs a batch killed (SIGKILL) right after it replaced aggregate file `after`.
fn killed_after(d: &Path, out: &Path, after: &str) {
    let run = batch(d, out)
        .arg("-q")
        .env(glyphmend::export::outdir::FAULT_KILL_AFTER_ENV, after)
        .output()
        .unwrap();
    assert_eq!(
        run.status.signal(),
        Some(libc::SIGKILL),
        "not killed after {after}: {:?} {}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Every file under `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files.push((p.strip_prefix(dir).unwrap().to_path_buf(), Vec::new()));
                todo.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                files.push((p.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    files.sort();
    files
}

/// The rerun warns (or not, as `warns`), resumes `resumed` inputs and gives exactly a fresh
/// batch's files.
fn healed(d: &Path, out: &Path, fresh: &Path, resumed: u64, warns: bool) {
    let run = batch(d, out).output().unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert_eq!(
        err.contains("warning:") && err.contains("the last batch did not finish"),
        warns,
        "{err}"
    );
    assert_eq!(skipped(out), resumed, "{err}");
    assert_eq!(uncommitted(out), None);
    assert_eq!(batch(d, fresh).arg("-q").status().unwrap().code(), Some(0));
    // The same document outputs, and nothing else (a removed input's outputs are gone even
    // when the kill came after the manifest that dropped it).
    assert_eq!(tree(&out.join("docs")), tree(&fresh.join("docs")));
    for f in [
        "manifest.json",
        "corpus.jsonl",
        "records.jsonl",
        "needs_attention.json",
        "commit.json",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(fresh.join(f)).unwrap(),
            "{f}"
        );
    }
    // One generation of the aggregate files is left, named as a fresh batch names it.
    assert_eq!(generations(out), generations(fresh));
    assert_eq!(generations(out).len(), 1);
}

/// The names of OUT's generation directories (`.commit-HASH`).
fn generations(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".commit-"))
        .collect();
    v.sort();
    v
}

/// The input names `corpus.jsonl` and `manifest.json` hold (they must agree).
fn sources(out: &Path) -> (Vec<String>, Vec<String>) {
    let corpus = std::fs::read_to_string(out.join("corpus.jsonl")).unwrap();
    let mut in_corpus: Vec<String> = corpus
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].to_string())
        .map(|s| s.trim_matches('"').to_string())
        .collect();
    in_corpus.dedup();
    let m = manifest(out);
    let in_manifest = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    (in_corpus, in_manifest)
}

#[test]
fn d11_a_kill_between_the_aggregate_files_leaves_the_previous_commit_whole() {
    // An input removed, nothing to process: the run writes no journal, and is killed
    // right after it wrote the new corpus.jsonl (without c), before the manifest.
    let tmp = tempfile::tempdir().unwrap();
    let (d, out) = three_inputs(tmp.path());
    assert_eq!(uncommitted(&out), None);
    assert!(
        std::fs::symlink_metadata(out.join("corpus.jsonl"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the aggregate files are links into one generation"
    );
    std::fs::remove_file(d.join("c.txt")).unwrap();
    killed_after(&d, &out, "corpus.jsonl");
    assert!(!out.join("journal.jsonl").exists(), "test premise");
    // The previous commit, all of it: both files still hold c, and agree.
    let (in_corpus, in_manifest) = sources(&out);
    assert_eq!(in_manifest, ["a.txt", "b.txt", "c.txt"]);
    assert_eq!(in_corpus, in_manifest);
    assert_eq!(uncommitted(&out), None, "nothing torn");
    // The next run writes the new commit without a warning; the killed run's half
    // generation is gone.
    healed(&d, &out, &tmp.path().join("fresh"), 2, false);
    assert!(!out.join("docs/c.txt").exists());
}

#[test]
fn d11_aggregate_files_that_disagree_are_found_and_healed() {
    // Not from a kill any more (the files switch together): a file changed by hand.
    let tmp = tempfile::tempdir().unwrap();
    let (d, out) = three_inputs(tmp.path());
    let corpus = std::fs::read_to_string(out.join("corpus.jsonl")).unwrap();
    let first = corpus.lines().next().unwrap();
    std::fs::write(out.join("corpus.jsonl"), format!("{first}\n")).unwrap();
    let why = uncommitted(&out).expect("disagreement found");
    assert!(why.contains("corpus.jsonl"), "{why}");
    // Readers say so.
    let review = bin()
        .arg("review")
        .arg(&out)
        .arg("--no-images")
        .arg("-o")
        .arg(tmp.path().join("r.html"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&review.stderr).contains("the last batch did not finish"),
        "{}",
        String::from_utf8_lossy(&review.stderr)
    );
    healed(&d, &out, &tmp.path().join("fresh"), 3, true);
}

#[test]
fn d11_kills_at_every_aggregate_file_redo_only_unfinished_inputs() {
    // One input removed and one added: the killed run finished d.txt (journal), the rerun
    // resumes all three.
    for after in [
        "corpus.jsonl",
        "records.jsonl",
        "needs_attention.json",
        "manifest.json",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (d, out) = three_inputs(tmp.path());
        std::fs::remove_file(d.join("c.txt")).unwrap();
        std::fs::write(d.join("d.txt"), "dの文です。\n").unwrap();
        killed_after(&d, &out, after);
        // Unfinished (the journal names d.txt), and the aggregate files are the previous
        // commit's, whole: the journal is the only reason given.
        let why = uncommitted(&out).expect("unfinished");
        assert!(why.contains("journal.jsonl"), "{after}: {why}");
        std::fs::rename(out.join("journal.jsonl"), tmp.path().join("journal")).unwrap();
        assert_eq!(uncommitted(&out), None, "{after}");
        std::fs::rename(tmp.path().join("journal"), out.join("journal.jsonl")).unwrap();
        healed(&d, &out, &tmp.path().join("fresh"), 3, true);
    }
}
