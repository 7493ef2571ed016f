//! Columnar outputs: `corpus.parquet` and `records.parquet` from a batch's JSON lines, typed
//! so that DuckDB, pandas, Polars and Spark read them without glue code.
//!
//! Invariants:
//! - The Arrow schema is derived from the JSON Schema generated from the Rust types
//!   ([`crate::pipeline::records_schema`], and schemars on [`CorpusLine`]), never written by
//!   hand: objects become structs, arrays lists (budget lines are a list of structs),
//!   integers Int64, numbers Float64, booleans Boolean, strings and string enums Utf8.
//! - Every column is nullable and an absent field is a null, so one file holds documents that
//!   have a field and documents that do not.
//! - A value the JSON Schema cannot type as a column (a map, a tuple, a mix of types) is kept
//!   whole as its JSON text in a Utf8 column rather than dropped.
//! - The JSON lines stay the source of truth: the Parquet files are written from them and
//!   replace earlier ones atomically (each appears whole or not at all).

use super::corpus::CorpusLine;
use super::{ExportError, Result};
use arrow_schema::{DataType, Field, Fields, Schema};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// Rows per record batch (and per Parquet row group's unit of work).
const BATCH_ROWS: usize = 8192;

/// The Arrow schema a JSON Schema describes (objects at the root: one column per property).
pub fn arrow_schema(json_schema: &Value) -> Schema {
    let defs = json_schema.get("$defs").cloned().unwrap_or(Value::Null);
    let fields = match object_fields(json_schema, &defs, 0) {
        Some(f) => f,
        None => Fields::empty(),
    };
    Schema::new(fields)
}

/// Nesting beyond this is kept as JSON text (the schemas here are a few levels deep; a
/// recursive type would otherwise never end).
const MAX_DEPTH: usize = 16;

fn resolve<'a>(node: &'a Value, defs: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| defs.get(name))
            .unwrap_or(node),
        None => node,
    }
}

fn object_fields(node: &Value, defs: &Value, depth: usize) -> Option<Fields> {
    let props = node.get("properties")?.as_object()?;
    Some(
        props
            .iter()
            .map(|(name, sub)| Field::new(name, data_type(sub, defs, depth + 1), true))
            .collect(),
    )
}

/// The column type of one JSON Schema node; Utf8 (JSON text) for what has no column type.
fn data_type(node: &Value, defs: &Value, depth: usize) -> DataType {
    if depth > MAX_DEPTH {
        return DataType::Utf8;
    }
    let node = resolve(node, defs);
    // `anyOf`/`oneOf`: null and one other type is that type (nullable anyway); alternatives
    // that are all strings (an enum of consts) are a string; anything else is JSON text.
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = node.get(key).and_then(Value::as_array) {
            let types: Vec<DataType> = alts
                .iter()
                .filter(|a| resolve(a, defs).get("type").and_then(Value::as_str) != Some("null"))
                .map(|a| data_type(a, defs, depth + 1))
                .collect();
            return match types.split_first() {
                Some((first, rest)) if rest.iter().all(|t| t == first) => first.clone(),
                _ => DataType::Utf8,
            };
        }
    }
    if node.get("enum").is_some() || node.get("const").is_some() {
        return DataType::Utf8;
    }
    let ty = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        // ["string", "null"] and the like.
        Some(Value::Array(ts)) => {
            let non_null: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            match non_null.as_slice() {
                [one] => *one,
                _ => return DataType::Utf8,
            }
        }
        _ => return DataType::Utf8,
    };
    match ty {
        "string" => DataType::Utf8,
        "integer" => DataType::Int64,
        "number" => DataType::Float64,
        "boolean" => DataType::Boolean,
        "array" => match node.get("items") {
            Some(items) if items.is_object() => DataType::List(Arc::new(Field::new(
                "item",
                data_type(items, defs, depth + 1),
                true,
            ))),
            // Tuples (prefixItems) and untyped arrays.
            _ => DataType::Utf8,
        },
        "object" => match object_fields(node, defs, depth) {
            Some(f) if !f.is_empty() => DataType::Struct(f),
            _ => DataType::Utf8,
        },
        _ => DataType::Utf8,
    }
}

/// Makes `value` fit `ty`: a value where a string column stands that is not a string
/// becomes its JSON text; nulls stay nulls; structs and lists are fitted field by field.
fn conform(value: &mut Value, ty: &DataType) {
    match (ty, &mut *value) {
        (_, Value::Null) => {}
        (DataType::Utf8, Value::String(_)) => {}
        (DataType::Utf8, v) => *v = Value::String(v.to_string()),
        (DataType::Struct(fields), Value::Object(map)) => {
            for f in fields.iter() {
                if let Some(v) = map.get_mut(f.name()) {
                    conform(v, f.data_type());
                }
            }
        }
        (DataType::List(item), Value::Array(items)) => {
            for v in items {
                conform(v, item.data_type());
            }
        }
        _ => {}
    }
}

/// Writes `rows` (JSON objects) to a Parquet file at `path` with `schema`.
pub fn write_rows(
    path: &Path,
    schema: &Schema,
    rows: impl IntoIterator<Item = Value>,
) -> Result<usize> {
    let schema = Arc::new(schema.clone());
    let root = DataType::Struct(schema.fields().clone());
    let tmp = path.with_extension("parquet.tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| ExportError::io(&tmp, e))?;
    let props = parquet::file::properties::WriterProperties::builder()
        .set_compression(parquet::basic::Compression::SNAPPY)
        .build();
    let fail = |what: &str, e: &dyn std::fmt::Display| ExportError::Parquet {
        path: path.to_path_buf(),
        reason: format!("{what}: {e}"),
    };
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, Arc::clone(&schema), Some(props))
        .map_err(|e| fail("writer", &e))?;
    let mut decoder = arrow_json::ReaderBuilder::new(Arc::clone(&schema))
        .with_batch_size(BATCH_ROWS)
        .build_decoder()
        .map_err(|e| fail("decoder", &e))?;
    let mut count = 0usize;
    let mut pending: Vec<Value> = Vec::with_capacity(BATCH_ROWS);
    let flush = |pending: &mut Vec<Value>,
                 decoder: &mut arrow_json::reader::Decoder,
                 writer: &mut parquet::arrow::ArrowWriter<std::fs::File>|
     -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        decoder.serialize(pending).map_err(|e| fail("rows", &e))?;
        pending.clear();
        if let Some(batch) = decoder.flush().map_err(|e| fail("rows", &e))? {
            writer.write(&batch).map_err(|e| fail("write", &e))?;
        }
        Ok(())
    };
    for mut row in rows {
        conform(&mut row, &root);
        pending.push(row);
        count += 1;
        if pending.len() == BATCH_ROWS {
            flush(&mut pending, &mut decoder, &mut writer)?;
        }
    }
    flush(&mut pending, &mut decoder, &mut writer)?;
    writer.close().map_err(|e| fail("close", &e))?;
    std::fs::rename(&tmp, path).map_err(|e| ExportError::io(path, e))?;
    Ok(count)
}

/// The JSON Schema of one corpus line, generated from [`CorpusLine`].
pub fn corpus_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<CorpusLine>().to_value()
}

/// What [`write_outdir`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParquetCounts {
    /// Rows of `corpus.parquet` (pages).
    pub corpus_rows: usize,
    /// Rows of `records.parquet` (program records).
    pub record_rows: usize,
}

/// Reads JSON lines, naming the file and line of a bad one.
fn json_lines(path: &Path) -> Result<Vec<Value>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(ExportError::io(path, e)),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| ExportError::Parquet {
                path: path.to_path_buf(),
                reason: format!("line {}: {e}", i + 1),
            })
        })
        .collect()
}

/// Writes `corpus.parquet` and `records.parquet` in a batch output directory from its
/// `corpus.jsonl` and `records.jsonl`.
pub fn write_outdir(out: &super::outdir::OutDir) -> Result<ParquetCounts> {
    let corpus = arrow_schema(&corpus_schema());
    let records_schema: Value =
        serde_json::from_str(&crate::pipeline::records_schema()).map_err(|e| {
            ExportError::Parquet {
                path: out.root().join("records.parquet"),
                reason: format!("records schema: {e}"),
            }
        })?;
    let records = arrow_schema(&records_schema);
    let corpus_rows = write_rows(
        &out.root().join("corpus.parquet"),
        &corpus,
        json_lines(&out.corpus_path())?,
    )?;
    let record_rows = write_rows(
        &out.root().join("records.parquet"),
        &records,
        json_lines(&out.records_path())?,
    )?;
    Ok(ParquetCounts {
        corpus_rows,
        record_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_schema_types_become_columns() {
        let schema = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "maybe": {"type": ["string", "null"]},
                "n": {"type": "integer"},
                "x": {"type": "number"},
                "ok": {"type": "boolean"},
                "kind": {"$ref": "#/$defs/Kind"},
                "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
                "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]},
                "opt": {"anyOf": [{"$ref": "#/$defs/Line"}, {"type": "null"}]},
                "map": {"type": "object", "additionalProperties": {"type": "integer"}}
            },
            "$defs": {
                "Kind": {"oneOf": [{"const": "a", "type": "string"}, {"const": "b", "type": "string"}]},
                "Line": {"type": "object", "properties": {"amount": {"type": "integer"}}}
            }
        });
        let s = arrow_schema(&schema);
        let ty = |n: &str| s.field_with_name(n).expect(n).data_type().clone();
        let line = DataType::Struct(Fields::from(vec![Field::new(
            "amount",
            DataType::Int64,
            true,
        )]));
        assert_eq!(ty("name"), DataType::Utf8);
        assert_eq!(ty("maybe"), DataType::Utf8);
        assert_eq!(ty("n"), DataType::Int64);
        assert_eq!(ty("x"), DataType::Float64);
        assert_eq!(ty("ok"), DataType::Boolean);
        assert_eq!(ty("kind"), DataType::Utf8);
        assert_eq!(
            ty("lines"),
            DataType::List(Arc::new(Field::new("item", line.clone(), true)))
        );
        assert_eq!(ty("pair"), DataType::Utf8);
        assert_eq!(ty("opt"), line);
        assert_eq!(ty("map"), DataType::Utf8);
        assert!(s.fields().iter().all(|f| f.is_nullable()));
    }

    #[test]
    fn rows_round_trip_with_nulls_and_json_text() {
        use arrow_array::{Array, Int64Array, ListArray, StringArray, StructArray};
        let schema = arrow_schema(&json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "budget": {"type": "array", "items": {"type": "object", "properties": {"amount": {"type": "integer"}}}},
                "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}]}
            }
        }));
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.parquet");
        let rows = vec![
            json!({"name": "支援", "budget": [{"amount": 5}, {"amount": 7}], "pair": [3, "x"]}),
            json!({"budget": []}),
        ];
        assert_eq!(write_rows(&path, &schema, rows).expect("write"), 2);
        let file = std::fs::File::open(&path).expect("open");
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("reader")
            .build()
            .expect("build");
        let batches: Vec<_> = reader.map(|b| b.expect("batch")).collect();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
        let b = &batches[0];
        let name = b.column_by_name("name").expect("name");
        let name = name.as_any().downcast_ref::<StringArray>().expect("utf8");
        assert_eq!(name.value(0), "支援");
        assert!(name.is_null(1), "an absent field is a null");
        let pair = b.column_by_name("pair").expect("pair");
        let pair = pair.as_any().downcast_ref::<StringArray>().expect("utf8");
        assert_eq!(pair.value(0), "[3,\"x\"]");
        let budget = b.column_by_name("budget").expect("budget");
        let budget = budget.as_any().downcast_ref::<ListArray>().expect("list");
        let first = budget.value(0);
        let first = first
            .as_any()
            .downcast_ref::<StructArray>()
            .expect("struct");
        let amounts = first
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("i64");
        assert_eq!(amounts.values().to_vec(), vec![5, 7]);
        assert_eq!(budget.value(1).len(), 0);
    }
}
