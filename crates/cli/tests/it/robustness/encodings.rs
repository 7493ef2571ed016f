//! D20: every command that reads text (`repair`, `records`, `diff`, `extract`, `batch`)
//! decodes it the same way, through `pipeline::decode`: UTF-8 with or without a byte-order
//! mark, UTF-16 LE/BE with one, Shift_JIS; a NUL inside valid text is kept; NUL in bytes
//! that are not UTF-8 is binary data, refused by all alike.

use super::*;

fn text() -> String {
    std::fs::read_to_string(crate::common::repo().join("tests/fixtures/seed/pr_sheet.truth.txt"))
        .unwrap()
}

fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
    let mut v: Vec<u8> = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in s.encode_utf16() {
        v.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    v
}

/// The same text in every encoding, each as `<root>/<encoding>/t.txt`.
fn variants(root: &Path, text: &str) -> Vec<(&'static str, std::path::PathBuf)> {
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable, "test premise: the text is Shift_JIS");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.as_bytes());
    [
        ("utf8", text.as_bytes().to_vec()),
        ("utf8_bom", bom),
        ("utf16le", utf16(text, false)),
        ("utf16be", utf16(text, true)),
        ("shift_jis", sjis.into_owned()),
    ]
    .into_iter()
    .map(|(name, bytes)| {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("t.txt"), bytes).unwrap();
        (name, dir)
    })
    .collect()
}

/// The command's standard output, with the file's directory named alike for every variant.
fn stdout_of(args: &[&str], file: &Path) -> String {
    let o = bin().args(args).arg(file).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let dir = file.parent().unwrap().display().to_string();
    String::from_utf8(o.stdout).unwrap().replace(&dir, "DIR")
}

/// Records (JSON lines) without their `id`, which hashes the file's path.
fn without_ids(jsonl: &str) -> String {
    jsonl
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v["id"].is_string(), "{l}");
            v.as_object_mut().unwrap().remove("id");
            format!("{v}\n")
        })
        .collect()
}

/// What `batch` wrote for `t.txt`: the repaired text and the records (whose ids hash
/// the text's spans, not the input's bytes).
fn batch_of(dir: &Path, out: &Path) -> (String, String) {
    let o = bin()
        .arg("batch")
        .arg(dir)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(out.join("docs/t.txt/repaired.txt")).unwrap();
    let records = std::fs::read_to_string(out.join("records.jsonl")).unwrap();
    (text, records)
}

#[test]
fn d20_every_command_decodes_text_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let text = text();
    let all = variants(tmp.path(), &text);
    let per_command = |dir: &Path, k: usize| {
        let f = dir.join("t.txt");
        (
            stdout_of(&["repair"], &f),
            stdout_of(&["extract", "--quiet"], &f),
            without_ids(&stdout_of(&["records"], &f)),
            stdout_of(&["diff", "--color", "never"], &f),
            batch_of(dir, &tmp.path().join(format!("out{k}"))),
        )
    };
    let reference = per_command(&all[0].1, 0);
    assert_eq!(reference.0, text);
    assert_eq!(reference.1, text);
    assert!(reference.2.lines().count() >= 1, "records found");
    assert_eq!(reference.4.0, text);
    assert!(reference.4.1.lines().count() >= 1, "records found");
    for (k, (name, dir)) in all.iter().enumerate().skip(1) {
        assert_eq!(per_command(dir, k), reference, "{name}");
    }
}

#[test]
fn d20_nul_is_kept_in_text_and_refused_in_binary_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("text");
    std::fs::create_dir(&d).unwrap();
    let f = d.join("t.txt");
    std::fs::write(&f, "前\u{0}後\n").unwrap();
    assert_eq!(stdout_of(&["repair"], &f), "前\u{0}後\n");
    assert_eq!(stdout_of(&["extract", "--quiet"], &f), "前\u{0}後\n");
    stdout_of(&["records"], &f);
    stdout_of(&["diff", "--color", "never"], &f);
    assert_eq!(
        batch_of(&d, &tmp.path().join("out")).0,
        "前\u{0}後\n",
        "batch keeps the NUL too"
    );

    // Not UTF-8 (Shift_JIS bytes) with a NUL: binary, refused by every command alike.
    let b = tmp.path().join("bin");
    std::fs::create_dir(&b).unwrap();
    let f = b.join("t.txt");
    std::fs::write(&f, b"\x91\x4f\x00\x8c\xe3\n").unwrap();
    for cmd in ["repair", "extract", "records", "diff"] {
        let o = bin().arg(cmd).arg(&f).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("NUL byte at byte offset 2"), "{cmd}: {err}");
    }
    let out = tmp.path().join("bout");
    let o = bin()
        .arg("batch")
        .arg(&b)
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["inputs"][0]["failed_stage"], "decode");
    assert!(
        m["inputs"][0]["error"]
            .as_str()
            .unwrap()
            .contains("NUL byte at byte offset 2")
    );
}
