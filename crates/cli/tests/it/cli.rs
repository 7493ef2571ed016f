//! The command line as a user meets it.

use std::io::Write;
use std::process::{Command, Stdio};

fn glyphmend() -> Command {
    Command::new(env!("CARGO_BIN_EXE_glyphmend"))
}

fn run_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = glyphmend()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn glyphmend");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn repair_keeps_one_line_per_line_and_fixes_known_garbling() {
    let input = "地域のከᵝな୺体の㐃ᦠを㏻ࡌた\nclean line\n\n末尾";
    let out = run_stdin(&["repair", "-"], input.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.split('\n').count(), input.split('\n').count());
    assert!(text.starts_with("地域の多様な主体の連携を通じた"), "{text}");
    assert!(text.ends_with("\nclean line\n\n末尾"));
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let out = run_stdin(&["repair", "-"], b"abc\xffdef");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("byte offset 3"), "{err}");
    let lossy = run_stdin(&["repair", "--lossy", "-"], b"abc\xffdef");
    assert!(lossy.status.success());
    assert_eq!(String::from_utf8(lossy.stdout).unwrap(), "abc\u{FFFD}def");
}

#[test]
fn json_spans_carry_provenance() {
    let out = run_stdin(&["repair", "--json", "-"], "ᨭ᥼を⾜う\n".as_bytes());
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let spans: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(!spans.is_empty());
    let first = &spans[0];
    assert_eq!(first["type"], "repair");
    assert_eq!(first["line"], 1);
    assert!(first["table"].is_string() && first["rule"].is_string());
    let after: String = spans.iter().filter_map(|s| s["after"].as_str()).collect();
    assert!(after.contains("支援"), "{after}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = glyphmend()
        .args(["repair", "/no/such/file.txt"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/no/such/file.txt"), "{err}");
}

#[test]
fn a_file_repaired_in_small_chunks_gives_the_whole_file_output() {
    // dev-a (79 garbled lines) streamed 500 bytes of lines at a time: text, --json and
    // --explain (line numbers across chunks) equal the default, where it is one chunk.
    let dev_a = crate::common::repo().join("tests/fixtures/seed/dev-a.txt");
    for mode in [None, Some("--json"), Some("--explain")] {
        let run = |extra: &[&str]| {
            glyphmend()
                .arg("repair")
                .args(mode)
                .args(extra)
                .arg(&dev_a)
                .output()
                .expect("run glyphmend")
        };
        let whole = run(&[]);
        let chunked = run(&["--chunk-bytes", "500"]);
        assert!(
            whole.status.success() && chunked.status.success(),
            "{mode:?}"
        );
        assert!(
            whole.stdout.len() > 1000
                && (mode.is_some() || whole.stdout != std::fs::read(&dev_a).unwrap())
        );
        assert!(whole.stdout == chunked.stdout, "{mode:?}: stdout differs");
        assert!(whole.stderr == chunked.stderr, "{mode:?}: stderr differs");
    }
    // A bad byte in a later chunk is named by its offset in the file.
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.txt");
    let mut bytes = "abc\n".repeat(300).into_bytes();
    bytes.extend_from_slice(b"x\xffy\n");
    std::fs::write(&bad, &bytes).expect("write");
    let out = glyphmend()
        .args(["repair", "--chunk-bytes", "100"])
        .arg(&bad)
        .output()
        .expect("run glyphmend");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("byte offset 1201"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "nothing is written before the input is known good"
    );
}

#[test]
fn clean_and_non_utf8_files_come_out_as_the_whole_file_reading_gives() {
    // A clean file takes the copy path (no second reading); a Shift_JIS file is found not
    // to be UTF-8 while streaming and decoded whole: both equal the in-memory reading of
    // standard input, at any chunk size. Writing over the input is refused.
    let dir = tempfile::tempdir().expect("temp dir");
    let clean = dir.path().join("clean.txt");
    std::fs::write(&clean, "地域の支援。\r\nabc\n\n令和６年度").expect("write");
    let sjis = dir.path().join("sjis.txt");
    let sjis_text = "生活困窮者等支援\n".repeat(40);
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&sjis_text);
    std::fs::write(&sjis, &bytes).expect("write");
    for (path, expected) in [
        (&clean, "地域の支援。\r\nabc\n\n令和６年度".to_string()),
        (&sjis, "生活困窮者等支援\n".repeat(40)),
    ] {
        for chunk in ["7", "100", "8388608"] {
            let out = glyphmend()
                .args(["repair", "--chunk-bytes", chunk])
                .arg(path)
                .output()
                .expect("run glyphmend");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected,
                "{path:?} {chunk}"
            );
        }
        let to_file = dir.path().join("out.txt");
        let out = glyphmend()
            .arg("repair")
            .arg(path)
            .arg("-o")
            .arg(&to_file)
            .output()
            .expect("run glyphmend");
        assert!(out.status.success());
        assert_eq!(std::fs::read_to_string(&to_file).expect("read"), expected);
    }
    let out = glyphmend()
        .arg("repair")
        .arg(&clean)
        .arg("-o")
        .arg(&clean)
        .output()
        .expect("run glyphmend");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("would overwrite the input"));
    assert_eq!(
        std::fs::read_to_string(&clean).expect("read"),
        "地域の支援。\r\nabc\n\n令和６年度"
    );
}

#[test]
fn a_pdf_after_font_files_is_the_input_not_a_font() {
    // The issue: `--font-files DIR file.pdf` took file.pdf as a font and asked for FILE.
    let pdf = crate::common::repo().join("corpus/office_emu_cmap__full.pdf");
    let fonts = tempfile::tempdir().unwrap();
    let out = glyphmend()
        .args(["extract", "--font-files"])
        .arg(fonts.path())
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = glyphmend().arg("extract").arg(&pdf).output().unwrap();
    assert_eq!(out.stdout, before.stdout);
    assert!(String::from_utf8_lossy(&out.stdout).contains("地域福祉課"));
    // Only fonts after the option: the input is missing, and said so.
    let out = glyphmend()
        .args(["extract", "--font-files"])
        .arg(fonts.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no input FILE"));
}
