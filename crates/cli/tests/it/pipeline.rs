//! One pipeline for every command: the same input gives the same text whether `extract`,
//! `repair`, `records` (its `load_text`), `batch` or the library reads it; the records
//! schema is the one generated from the types, and every line `batch` writes obeys it;
//! documents with unresolved glyphs are named, not called ok.

use glyphmend::pipeline::{Pipeline, records_schema};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn glyphmend() -> Command {
    Command::new(env!("CARGO_BIN_EXE_glyphmend"))
}

fn run(args: &[&str]) -> Output {
    glyphmend().args(args).output().expect("run glyphmend")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn shared_pdfs() -> Vec<PathBuf> {
    let dir = crate::common::repo().join("../shared/corpus/pdf");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the shared corpus is needed)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    assert!(v.len() >= 20, "shared PDFs missing: {v:?}");
    v
}

fn sample(name: &str) -> PathBuf {
    crate::common::repo().join("corpus").join(name)
}

/// Inputs of the comparison: the shared PDFs, the sample's PDFs and text files.
fn inputs() -> Vec<PathBuf> {
    let mut v = shared_pdfs();
    for f in std::fs::read_dir(crate::common::repo().join("corpus"))
        .expect("corpus/")
        .filter_map(|e| e.ok().map(|e| e.path()))
    {
        if f.extension().is_some_and(|x| x == "pdf" || x == "txt") {
            v.push(f);
        }
    }
    v.sort();
    v
}

/// A batch input directory holding copies of `files` (temporary; never in the repository).
fn batch_dir(files: &[PathBuf], dir: &Path) -> Vec<String> {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut names = Vec::new();
    for (i, f) in files.iter().enumerate() {
        // Distinct names: the shared corpus and the sample both have `office_emu*.pdf`.
        let name = format!("{i:02}-{}", f.file_name().unwrap().to_string_lossy());
        std::fs::copy(f, dir.join(&name)).expect("copy");
        names.push(name);
    }
    names
}

#[test]
fn the_same_input_gives_the_same_text_whichever_command_reads_it() {
    let files = inputs();
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let names = batch_dir(&files, &input);
    let r = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert!(
        matches!(r.status.code(), Some(0 | 4)),
        "batch: {:?} {}",
        r.status,
        String::from_utf8_lossy(&r.stderr)
    );
    let pipeline = Pipeline::builtin().expect("tables");
    let mut changed_by_repair = 0;
    for (file, name) in files.iter().zip(&names) {
        let shown = file.display();
        let library = pipeline.read(file).expect("pipeline").text();
        let batch = std::fs::read_to_string(out.join("docs").join(name).join("repaired.txt"))
            .unwrap_or_else(|e| panic!("{shown}: batch output: {e}"));
        assert_eq!(batch, library, "{shown}: batch differs from the library");
        let extract = run(&["extract", "--quiet", s(file)]);
        assert!(extract.status.success(), "{shown}: extract failed");
        assert_eq!(
            String::from_utf8(extract.stdout).expect("UTF-8"),
            library,
            "{shown}: extract differs"
        );
        let records_text = glyphmend::segment::load_text(file).expect("load_text");
        assert_eq!(records_text, library, "{shown}: records' text differs");
        if file.extension().is_some_and(|x| x == "txt") {
            let repair = run(&["repair", s(file)]);
            assert!(repair.status.success(), "{shown}: repair failed");
            let repaired = String::from_utf8(repair.stdout).expect("UTF-8");
            assert_eq!(repaired, library, "{shown}: repair differs");
            changed_by_repair +=
                usize::from(repaired != std::fs::read_to_string(file).expect("read"));
        }
    }
    // The comparison is not vacuous: the garbled sample file is repaired.
    assert!(
        changed_by_repair >= 1,
        "no text input was changed by repair"
    );
}

#[test]
fn shift_jis_and_euc_jp_read_the_same_everywhere() {
    let text = "令和６年度補正予算額　２．４億円\n孤独・孤立対策推進室\n";
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let sjis = encoding_rs::SHIFT_JIS.encode(text).0.into_owned();
    let euc = encoding_rs::EUC_JP.encode(text).0.into_owned();
    std::fs::write(input.join("sjis.txt"), &sjis).unwrap();
    std::fs::write(input.join("euc.txt"), &euc).unwrap();
    for f in ["sjis.txt", "euc.txt"] {
        let p = input.join(f);
        for cmd in [vec!["repair", s(&p)], vec!["extract", "--quiet", s(&p)]] {
            let r = run(&cmd);
            assert!(
                r.status.success(),
                "{cmd:?}: {}",
                String::from_utf8_lossy(&r.stderr)
            );
            assert_eq!(String::from_utf8(r.stdout).unwrap(), text, "{cmd:?}");
        }
        let r = run(&["records", s(&p)]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let d = run(&["diff", "--color", "never", s(&p)]);
        assert!(d.status.success(), "{}", String::from_utf8_lossy(&d.stderr));
    }
    // Bytes in no supported encoding: every command names the file and the byte offset.
    let bad = input.join("bad.txt");
    std::fs::write(&bad, b"abc\xff\xfe\xfd").unwrap();
    for cmd in ["repair", "records", "diff", "extract"] {
        let r = run(&[cmd, s(&bad)]);
        assert!(!r.status.success(), "{cmd} accepted bad bytes");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(
            err.contains("bad.txt") && err.contains("byte offset 3"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn checked_in_schema_is_the_generated_one() {
    let path = crate::common::repo().join("schema/records.schema.json");
    let checked_in = std::fs::read_to_string(&path).expect("schema file");
    assert!(
        checked_in == records_schema(),
        "schema/records.schema.json is stale: regenerate it with \
         `glyphmend records --schema > schema/records.schema.json`"
    );
    let r = run(&["records", "--schema"]);
    assert!(r.status.success());
    assert_eq!(String::from_utf8(r.stdout).unwrap(), checked_in);
}

/// A JSON Schema validator for the keywords the generated schema uses; any other keyword
/// fails the test, so a schema the validator cannot check is never passed silently.
fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: not allowed"));
        }
        return;
    };
    for key in obj.keys() {
        assert!(
            [
                "$schema",
                "$id",
                "$defs",
                "$ref",
                "title",
                "description",
                "type",
                "properties",
                "required",
                "additionalProperties",
                "items",
                "enum",
                "const",
                "oneOf",
                "anyOf",
                "minimum",
                "maximum",
                "format",
                "default",
            ]
            .contains(&key.as_str()),
            "validator does not know the keyword `{key}`"
        );
    }
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], v, at, errors);
    }
    if let Some(t) = obj.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type {t}"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            other => panic!("unknown type {other}"),
        });
        if !ok {
            errors.push(format!("{at}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(e) = obj.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{at}: {v} not in {e:?}"));
    }
    if let Some(c) = obj.get("const")
        && c != v
    {
        errors.push(format!("{at}: {v} != {c}"));
    }
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
        && v.as_f64().is_some_and(|x| x < min)
    {
        errors.push(format!("{at}: {v} < {min}"));
    }
    if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
        && v.as_f64().is_some_and(|x| x > max)
    {
        errors.push(format!("{at}: {v} > {max}"));
    }
    if let Some(format) = obj.get("format").and_then(Value::as_str) {
        let fits = match format {
            "uint32" => v.as_u64().is_some_and(|x| x <= u32::MAX as u64),
            "int32" => v.as_i64().is_some_and(|x| i32::try_from(x).is_ok()),
            "uint" | "uint64" => v.is_u64(),
            "int64" | "int" => v.is_i64(),
            other => panic!("validator does not know format {other}"),
        };
        if !fits {
            errors.push(format!("{at}: {v} is not {format}"));
        }
    }
    for (key, combine) in [("oneOf", 1usize), ("anyOf", 0)] {
        if let Some(alts) = obj.get(key).and_then(Value::as_array) {
            let passing = alts
                .iter()
                .filter(|a| {
                    let mut e = Vec::new();
                    validate(root, a, v, at, &mut e);
                    e.is_empty()
                })
                .count();
            if passing == 0 || (combine == 1 && passing != 1) {
                errors.push(format!("{at}: {passing} alternatives of {key} match"));
            }
        }
    }
    if let Some(o) = v.as_object() {
        let props = obj.get("properties").and_then(Value::as_object);
        if let Some(req) = obj.get("required").and_then(Value::as_array) {
            for k in req.iter().filter_map(Value::as_str) {
                if !o.contains_key(k) {
                    errors.push(format!("{at}: `{k}` missing"));
                }
            }
        }
        for (k, child) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(root, s, child, &format!("{at}.{k}"), errors),
                None => {
                    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
                        errors.push(format!("{at}: unknown key `{k}`"));
                    }
                }
            }
        }
    }
    if let (Some(items), Some(a)) = (obj.get("items"), v.as_array()) {
        for (i, item) in a.iter().enumerate() {
            validate(root, items, item, &format!("{at}[{i}]"), errors);
        }
    }
}

fn errors_of(schema: &Value, v: &Value) -> Vec<String> {
    let mut e = Vec::new();
    validate(schema, schema, v, "$", &mut e);
    e
}

#[test]
fn every_record_batch_writes_validates_against_the_schema() {
    let schema: Value = serde_json::from_str(&records_schema()).expect("schema is JSON");
    // The validator rejects what the schema forbids (it is not a yes-machine).
    for bad in [
        r#"{"name": 3}"#,
        r#"{"surprise": 1}"#,
        r#"{"budget": [{"label": "x", "raw": "y", "part_of": true, "kind": "other"}]}"#,
        r#"{"sources": [{"file": "a", "page": 0, "line_start": 1, "line_end": 1}]}"#,
        r#"{"budget": [{"raw": "y", "part_of": true}]}"#,
    ] {
        let v: Value = serde_json::from_str(bad).unwrap();
        assert!(!errors_of(&schema, &v).is_empty(), "accepted {bad}");
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let files = vec![
        sample("dev-a.txt"),
        sample("dev-b.txt"),
        sample("dev-c.txt"),
    ];
    batch_dir(&files, &input);
    let r = run(&["batch", s(&input), "-o", s(&out), "--quiet"]);
    assert!(matches!(r.status.code(), Some(0 | 4)), "{r:?}");
    let text = std::fs::read_to_string(out.join("records.jsonl")).expect("records.jsonl");
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let v: Value = serde_json::from_str(line).expect("JSON line");
        let e = errors_of(&schema, &v);
        assert!(e.is_empty(), "records.jsonl line {}: {e:?}", i + 1);
        assert!(v["source"].is_string(), "line {} has no source", i + 1);
        n += 1;
    }
    assert!(n >= 3, "only {n} records: the test would prove nothing");
}

/// Which shared PDF stays unresolved with the shipped tables alone: a reportlab subset
/// renumbers its glyphs, so only `--font-files` can identify them.
fn unresolved_pdf() -> PathBuf {
    let p = crate::common::repo().join("../shared/corpus/pdf/reportlab__a_no_tounicode.pdf");
    assert!(p.exists(), "{}: the shared corpus is needed", p.display());
    p
}

#[test]
fn a_pdf_with_unresolved_glyphs_needs_attention_with_its_fix() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(unresolved_pdf(), input.join("no-tounicode.pdf")).unwrap();
    std::fs::write(input.join("clean.txt"), "本文\n").unwrap();
    let r = run(&["batch", s(&input), "-o", s(&out)]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("needs attention: no-tounicode.pdf") && stderr.contains("--font-files"),
        "{stderr}"
    );
    let m: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entry = |p: &str| {
        m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(entry("clean.txt")["status"], "ok");
    let pdf = entry("no-tounicode.pdf");
    assert_eq!(pdf["status"], "needs_attention");
    assert!(!pdf["warnings"].as_array().unwrap().is_empty());
    assert_eq!(m["summary"]["needs_attention"], 1);
    assert_eq!(m["summary"]["ok"], 1);
    let n: Value =
        serde_json::from_slice(&std::fs::read(out.join("needs_attention.json")).unwrap()).unwrap();
    let docs = n["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["path"], "no-tounicode.pdf");
    let reason = &docs[0]["reasons"][0];
    assert_eq!(reason["kind"], "unresolved_glyphs");
    assert!(reason["glyphs"].as_u64().unwrap() > 0);
    assert!(!reason["fonts"].as_array().unwrap().is_empty());
    assert!(
        reason["fix"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().contains("--font-files")),
        "{reason}"
    );
    // The document's own record says so too.
    let doc: Value =
        serde_json::from_slice(&std::fs::read(out.join("docs/no-tounicode.pdf/doc.json")).unwrap())
            .unwrap();
    assert_eq!(doc["attention"]["reasons"][0]["kind"], "unresolved_glyphs");
    assert!(!doc["warnings"].as_array().unwrap().is_empty());
    // `extract` names it as well.
    let e = run(&["extract", s(&unresolved_pdf())]);
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(err.contains("needs attention:"), "{err}");
    // `batch --help` documents the exit statuses.
    let help = String::from_utf8(run(&["batch", "--help"]).stdout).unwrap();
    assert!(
        help.contains("4  nothing failed, but some inputs need attention"),
        "{help}"
    );
}

#[test]
fn a_pdf_that_came_out_entirely_unresolved_is_not_ok() {
    let pipeline = Pipeline::builtin().expect("tables");
    let doc = pipeline.read(&unresolved_pdf()).expect("extract");
    let text = doc.text();
    let attention = doc.attention.as_ref().expect("needs attention");
    if text
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|c| c == '\u{FFFD}')
    {
        assert!(attention.unreadable(), "{attention:?}");
    }
    assert!(doc.unresolved_glyphs() > 0);
}
