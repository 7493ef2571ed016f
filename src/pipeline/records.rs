//! Program records of a [`Document`], and the records' JSON Schema.
//!
//! Invariants: every record names its document as `source`; records read from OCR text are
//! flagged [`OCR_FLAG`]; the schema is generated from [`ProgramRecord`], closed (no unknown
//! keys, no nulls).

use super::Document;
use crate::segment::{ProgramRecord, SourceInfo};

/// The program records of a document, each naming it as its `source`.
pub fn records(doc: &Document) -> Vec<ProgramRecord> {
    let source = SourceInfo::new(doc.name.clone());
    // A PDF's records are read by its geometry (labels and values in ruled cells); its text
    // is the extracted one unchanged, so line numbers agree.
    let mut records = match &doc.glyphs {
        Some(glyphs) if glyphs.text() == doc.text() => {
            crate::segment::records_from_pdf(glyphs, &source)
        }
        _ => crate::segment::records_from_text(&doc.text(), &source),
    };
    for r in &mut records {
        r.source = Some(doc.name.clone());
    }
    crate::segment::form::mark_repairs(&mut records, &repaired_lines(doc));
    // Records read from a scan's OCR text are machine-read: flagged `ocr`. Record pages
    // count form feeds (1 + the page's index), not PDF page numbers.
    let ocr_pages: Vec<u32> = (1u32..)
        .zip(&doc.pages)
        .filter(|(_, p)| p.stats.ocr_confidence.is_some())
        .map(|(i, _)| i)
        .collect();
    if !ocr_pages.is_empty() {
        for r in &mut records {
            if r.sources.iter().any(|s| ocr_pages.contains(&s.page))
                || r.provenance.iter().any(|p| ocr_pages.contains(&p.page))
            {
                r.flags.push(OCR_FLAG.to_string());
            }
        }
    }
    records
}

/// The flag of a program record read from text that OCR read from a scanned page.
pub const OCR_FLAG: &str = "ocr";

/// Global 1-based line numbers of the document's text (as [`Document::text`] numbers them)
/// that the repair changed or left unresolved, with the lowest confidence on each.
fn repaired_lines(doc: &Document) -> std::collections::BTreeMap<u32, f32> {
    let mut out = std::collections::BTreeMap::new();
    let mut offset: u32 = 0;
    for page in &doc.pages {
        let spans = page.spans.iter().map(|s| (s.line, s.confidence));
        let unresolved = page.unresolved.iter().map(|u| (u.line, u.confidence));
        for (line, confidence) in spans.chain(unresolved) {
            let global = offset.saturating_add(u32::try_from(line).unwrap_or(u32::MAX));
            let entry = out.entry(global).or_insert(confidence);
            if confidence < *entry {
                *entry = confidence;
            }
        }
        // Pages are joined by a form feed: the last line of a page and the first of the next
        // share a text line.
        let count = u32::try_from(page.repaired.split('\n').count()).unwrap_or(u32::MAX);
        offset = offset.saturating_add(count.saturating_sub(1));
    }
    out
}

/// The JSON Schema (draft 2020-12) of one program record — one line of `records` output
/// and of a batch's `records.jsonl` — generated from [`ProgramRecord`]. The checked-in
/// `schema/records.schema.json` is this text (`glyphmend records --schema` prints it).
pub fn records_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut value = generator.into_root_schema_for::<ProgramRecord>().to_value();
    close_objects(&mut value);
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "$id".into(),
            "https://github.com/glyphmend/glyphmend/schema/records.schema.json".into(),
        );
    }
    // Our own value: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Every object schema with properties admits no others (a key the types do not know is a
/// format error, not data), and no value is null (the record types skip `None` fields:
/// absent, never null).
fn close_objects(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") {
                map.insert("additionalProperties".into(), false.into());
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(alts)) = map.get_mut("anyOf") {
                alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alts.len() == 1 {
                    let only = alts.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        map.extend(inner);
                    }
                }
            }
            for (_, child) in map.iter_mut() {
                close_objects(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
