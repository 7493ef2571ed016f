//! `glyphmend lm build / score / eval` end to end on a tiny corpus in a temp dir.

use std::process::Command;

fn glyphmend() -> Command {
    Command::new(env!("CARGO_BIN_EXE_glyphmend"))
}

#[test]
fn build_then_score_and_eval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = dir.path().join("text.txt");
    let words = dir.path().join("words.tsv");
    let model = dir.path().join("m.lm");
    std::fs::write(
        &text,
        "事業の目的を記載する。\n支援を行う。\n事業の目的を記載する。\n",
    )
    .unwrap();
    std::fs::write(&words, "補助率\t3\n地方公共団体\t2\n").unwrap();
    let out = glyphmend()
        .args(["lm", "build", "--order", "3", "--min-count", "1", "--out"])
        .arg(&model)
        .arg("--text")
        .arg(format!("{}=2", text.display()))
        .arg("--words")
        .arg(&words)
        .output()
        .expect("run build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("kept n-grams per order"), "{stderr}");

    let score = |s: &str| -> f32 {
        let out = glyphmend()
            .args(["lm", "score", s, "--model"])
            .arg(&model)
            .output()
            .expect("run score");
        assert!(out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        // One line per character plus the total.
        assert_eq!(stdout.lines().count(), s.chars().count() + 1, "{stdout}");
        let total = stdout.lines().last().unwrap().split('\t').nth(1).unwrap();
        total.parse().unwrap()
    };
    assert!(score("事業の目的") > score("事業ࡢ目的") + 3.0);

    let out = glyphmend()
        .args(["lm", "eval", "--model"])
        .arg(&model)
        .arg(&text)
        .output()
        .expect("run eval");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("mean log10 p per char"));
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad_model = dir.path().join("bad.lm");
    std::fs::write(&bad_model, b"GMLM\x02\0\0\0truncated").unwrap();
    let out = glyphmend()
        .args(["lm", "score", "支援", "--model"])
        .arg(&bad_model)
        .output()
        .expect("run score");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("language model"));

    let words = dir.path().join("w.tsv");
    std::fs::write(&words, "no tab here\n").unwrap();
    let out = glyphmend()
        .args(["lm", "build", "--out"])
        .arg(dir.path().join("m.lm"))
        .arg("--words")
        .arg(&words)
        .output()
        .expect("run build");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected word<TAB>count"));
}
