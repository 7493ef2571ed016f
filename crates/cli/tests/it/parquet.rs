//! `batch --parquet` and `glyphmend parquet OUT`: the columnar files hold every line of
//! corpus.jsonl and records.jsonl, typed (budget lines a list of structs), absent as null.

use arrow_array::{Array, Int64Array, ListArray, RecordBatch, StringArray, StructArray};
use std::path::Path;
use std::process::Command;

fn read(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet reader")
        .build()
        .expect("parquet reader")
        .map(|b| b.expect("batch"))
        .collect()
}

fn strings(batches: &[RecordBatch], column: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for b in batches {
        let col = b
            .column_by_name(column)
            .unwrap_or_else(|| panic!("no column {column}"));
        let col = col
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("a string column");
        out.extend((0..col.len()).map(|i| (!col.is_null(i)).then(|| col.value(i).to_string())));
    }
    out
}

#[test]
fn batch_writes_typed_parquet_beside_the_json_lines() {
    let repo = crate::common::repo();
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_glyphmend"))
        .args(["batch", "-q", "--parquet", "-o"])
        .arg(&out)
        .arg(repo.join("corpus"))
        .status()
        .expect("run glyphmend");
    assert!(matches!(status.code(), Some(0 | 4)), "{status:?}");
    let lines = |name: &str| -> Vec<serde_json::Value> {
        std::fs::read_to_string(out.join(name))
            .expect(name)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect()
    };
    // corpus: one row per line, same ids and text in the same order.
    let corpus = lines("corpus.jsonl");
    let batches = read(&out.join("corpus.parquet"));
    assert!(corpus.len() >= 5);
    let ids = strings(&batches, "id");
    let texts = strings(&batches, "text");
    assert_eq!(ids.len(), corpus.len());
    for (i, row) in corpus.iter().enumerate() {
        assert_eq!(ids[i].as_deref(), row["id"].as_str());
        assert_eq!(texts[i].as_deref(), row["text"].as_str());
    }
    // records: same count and names; budget lines a list of structs with Int64 amounts;
    // a field absent from a record is a null.
    let records = lines("records.jsonl");
    let batches = read(&out.join("records.parquet"));
    assert!(records.len() > 10, "the sample has records");
    let names = strings(&batches, "name");
    assert_eq!(names.len(), records.len());
    let mut amounts_checked = 0;
    let mut nulls_checked = 0;
    let mut row = 0;
    for b in &batches {
        let budget = b.column_by_name("budget").expect("budget column");
        let budget = budget
            .as_any()
            .downcast_ref::<ListArray>()
            .expect("a list column");
        let ministry = b.column_by_name("ministry").expect("ministry column");
        for i in 0..b.num_rows() {
            let rec = &records[row + i];
            assert_eq!(names[row + i].as_deref(), rec["name"].as_str());
            if rec.get("ministry").is_none() {
                assert!(ministry.is_null(i), "absent is null");
                nulls_checked += 1;
            }
            let Some(lines) = rec["budget"].as_array() else {
                continue;
            };
            let got = budget.value(i);
            let got = got
                .as_any()
                .downcast_ref::<StructArray>()
                .expect("struct items");
            assert_eq!(got.len(), lines.len());
            let amount = got.column_by_name("amount_yen").expect("amount_yen");
            let amount = amount.as_any().downcast_ref::<Int64Array>().expect("Int64");
            for (j, l) in lines.iter().enumerate() {
                match l.get("amount_yen").and_then(|v| v.as_i64()) {
                    Some(v) => {
                        assert_eq!(amount.value(j), v);
                        amounts_checked += 1;
                    }
                    None => assert!(amount.is_null(j)),
                }
            }
        }
        row += b.num_rows();
    }
    assert!(amounts_checked > 10, "{amounts_checked} amounts compared");
    assert!(
        nulls_checked > 0,
        "no record without a ministry: the null check proved nothing"
    );
    // `glyphmend parquet OUT` rewrites the same files from the JSON lines.
    let before = std::fs::read(out.join("records.parquet")).expect("records.parquet");
    std::fs::remove_file(out.join("records.parquet")).expect("remove");
    let status = Command::new(env!("CARGO_BIN_EXE_glyphmend"))
        .arg("parquet")
        .arg(&out)
        .status()
        .expect("run glyphmend");
    assert!(status.success());
    assert_eq!(
        std::fs::read(out.join("records.parquet")).expect("rewritten"),
        before
    );
    // Not a batch directory: a clear error naming it.
    let err = Command::new(env!("CARGO_BIN_EXE_glyphmend"))
        .arg("parquet")
        .arg(tmp.path())
        .output()
        .expect("run glyphmend");
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("no corpus.jsonl"));
}
