//! Clean text → budget-program records.
//!
//! Input is extracted text of Japanese budget PR sheets and summary tables; pages are separated
//! by form feeds (`\x0c`), page numbers are 1 + the number of form feeds before a line. The
//! stage:
//!
//! 1. [`clean`] turns the text into numbered [`clean::Line`]s, undoing extraction artefacts
//!    (vertical text one character per line, fake-bold repeats) while keeping line spans.
//! 2. The lines are cut into blocks at page breaks and runs of blank lines; [`list`] reads the
//!    `No. 事業名 担当府省庁 備考` table rows, [`sheet`] reads each block that has a program
//!    title into one record.
//! 3. [`join`] merges list rows with the sheets that describe them (explicit `No.N`, then name
//!    match).
//!
//! Invariants: a field the text does not support is absent (`None` / empty), never guessed;
//! amounts are exact integers of yen; every record carries the source lines it came from.
//! [`eval`] scores records against hand-labelled expectations, field by field.

pub mod amounts;
pub mod clean;
pub mod eval;
pub mod form;
pub mod geom;
pub mod join;
pub mod labels;
pub mod list;
pub mod sheet;

pub use amounts::BudgetKind;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where a text came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceInfo {
    /// File name as given by the user.
    pub file: String,
}

impl SourceInfo {
    /// The source named `file`.
    pub fn new(file: impl Into<String>) -> Self {
        SourceInfo { file: file.into() }
    }
}

/// Where a record was read: a span of source lines (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceSpan {
    /// The input the lines are in.
    pub file: String,
    /// 1 + number of form feeds before the line.
    #[schemars(range(min = 1))]
    pub page: u32,
    /// First line, 1-based, inclusive.
    #[schemars(range(min = 1))]
    pub line_start: u32,
    /// Last line, inclusive.
    #[schemars(range(min = 1))]
    pub line_end: u32,
}

/// One budget figure as written on a sheet or list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BudgetLine {
    /// The label as written, width-folded and without spaces: "令和６年度補正予算額" →
    /// "令和6年度補正予算額".
    pub label: String,
    /// Gregorian fiscal year (令和6年度 → 2024; a bare ６年度 is read in the document's era).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<i32>,
    /// Which kind of budget figure the label names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<BudgetKind>,
    /// Amount in yen, exact (２．４億円 → 240000000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_yen: Option<i64>,
    /// "…の内数": the amount is the total of a larger item this program is part of, not the
    /// program's own total.
    #[serde(default)]
    pub part_of: bool,
    /// The budget item the amount belongs to when the line names one ("社会資本整備総合交付金").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// For "（うち X円が Y分）": the share Y of the line before that this amount covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portion: Option<String>,
    /// For an "…の内数" line, what the amount is part of when the text names it
    /// ("社会資本整備総合交付金の内数" → "社会資本整備総合交付金").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of_item: Option<String>,
    /// The text the line was read from.
    pub raw: String,
}

/// 事業期間 as written, with the fiscal years it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    /// The text as written ("令和６年度～令和８年度").
    pub raw: String,
    /// First fiscal year named (Gregorian).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<i32>,
    /// Last fiscal year named, when a range is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_year: Option<i32>,
}

/// New or continuing program (新規 / 継続).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgramStatus {
    /// 新規.
    New,
    /// 継続.
    Continuing,
}

/// One numeric target of 成果目標 (value, unit and target year where the text gives them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Goal {
    /// The target as written (one line or item).
    pub text: String,
    /// The number, width-folded, commas removed ("80", "1.5").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Its unit as written after the number ("%", "件", "人", "か所").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The fiscal/calendar year the target is for (Gregorian).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// Where one field of a record was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FieldSource {
    /// The record's key ("name", "budget", "purpose", "subsidy_rates" …).
    pub field: String,
    /// The input the lines are in.
    pub file: String,
    /// 1 + number of form feeds before the first line.
    #[schemars(range(min = 1))]
    pub page: u32,
    /// First line, 1-based, inclusive.
    #[schemars(range(min = 1))]
    pub line_start: u32,
    /// Last line, inclusive.
    #[schemars(range(min = 1))]
    pub line_end: u32,
    /// Whether any of these lines was changed by the repair (decode tables, self-learned
    /// tables); absent when not known (text read without the pipeline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repaired: Option<bool>,
    /// The lowest confidence (0..=1) of a repair or unresolved span on these lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "confidence_schema")]
    pub min_confidence: Option<f32>,
}

/// A confidence: a number in 0..=1 (no `format`, the width of the float is ours).
fn confidence_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "number", "minimum": 0.0, "maximum": 1.0})
}

/// A subsidy rate (補助率, 交付率) and who or what it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SubsidyRate {
    /// "1/2", "3/4", "10/10", "定額" (２分の１ → 1/2).
    pub rate: String,
    /// Who or what the rate is for, as written (国, 活躍推進型, １の事業, ＮＰＯ法人等).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
    /// The source line.
    pub raw: String,
}

/// A unit amount (補助基準額, 上限): yen per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnitAmount {
    /// What the amount is per, as written ("１都道府県あたり", "上限").
    pub per: String,
    /// Amount in yen, exact.
    pub amount_yen: i64,
    /// The source line.
    pub raw: String,
}

/// One budget program per JSON line, as printed by `glyphmend records` and written by
/// `glyphmend batch`. A field the text does not support is absent (never null, never
/// guessed). Text values are as written in the source (full-width kept) except where noted;
/// amounts are exact integers of yen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, JsonSchema)]
#[schemars(title = "glyphmend program record")]
pub struct ProgramRecord {
    /// The input the record was read from (a path as given, or relative to a batch's input
    /// directory); absent when several inputs were read as one document (see `sources`). A
    /// record a batch joined across inputs names the first of them (its list row's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Row numbers (No.) in the summary list; a program listed under several headings has
    /// several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<u32>,
    /// Program name (事業名 / 施策名 / sheet title; the sheet's name wins over the list's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Other names the text gives the program (list-table name, parenthesised budget name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_names: Vec<String>,
    /// Ministry or agency (担当府省庁), e.g. 内閣府, こども家庭庁.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ministry: Option<String>,
    /// Bureau / division, units separated by a space ("成育局 成育環境課").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bureau: Option<String>,
    /// Remarks from the list (再掲).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Budget figures as written on the sheet or list row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budget: Vec<BudgetLine>,
    /// 目的 text (事業の目的, 施策の目的, 対策のポイント, the ○ paragraphs of 事業概要・目的).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// 概要 text (事業の概要, 施策の概要, 事業の内容, 事業イメージ・具体例 items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overview: Option<String>,
    /// Expected effects (期待される効果, 成果イメージ, 事業目標).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effects: Option<String>,
    /// 実施主体, one entry per body, split at 、 outside parentheses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implementing_bodies: Vec<String>,
    /// Subsidy rates (補助率, 交付率).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subsidy_rates: Vec<SubsidyRate>,
    /// 補助基準額 per unit and caps (上限).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit_amounts: Vec<UnitAmount>,
    /// Contact (お問い合わせ先, 担当) as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// 事業番号 as written on the sheet (not the list row number, see `numbers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_code: Option<String>,
    /// 施策名 when the sheet also names the program itself (事業名).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// 対象者 / 支援対象 as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// 補助対象 / 対象経費 as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<String>,
    /// 事業期間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// 会計区分 as written (一般会計, …特別会計).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// 新規 / 継続.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProgramStatus>,
    /// 成果目標, one entry per line or item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// Stable id: the first 16 hex digits of sha256 over the record's source spans (file
    /// and lines), so the same input gives the same id on every run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Problems a reader should know of: `no_fields` (a sheet whose title was read but none
    /// of its fields), `untitled` (fields of a sheet whose title could not be read), `ocr`
    /// (read from a scanned page by OCR, `--ocr`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Where the record was read: one span per list row and per sheet block.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceSpan>,
    /// Where each field was read (one entry per field and source span).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provenance: Vec<FieldSource>,
}

impl ProgramRecord {
    /// Sets [`ProgramRecord::id`] from the sources (file and line span of each).
    pub fn set_id(&mut self) {
        use sha2::{Digest, Sha256};
        if self.sources.is_empty() {
            return;
        }
        let mut hasher = Sha256::new();
        for s in &self.sources {
            hasher.update(
                format!("{}\u{1f}{}\u{1f}{}\u{1e}", s.file, s.line_start, s.line_end).as_bytes(),
            );
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        self.id = Some(hex);
    }
}

/// Errors of this stage.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    /// A PDF could not be read.
    #[error(transparent)]
    Pdf(#[from] crate::ingest::IngestError),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The pipeline could not read an input.
    #[error(transparent)]
    Input(#[from] crate::pipeline::PipelineError),
    /// The shipped tables could not be loaded.
    #[error("tables: {reason}")]
    Tables {
        /// Why.
        reason: String,
    },
    /// A line of an expected-records file is not a valid record.
    #[error("{path}:{line}: {reason}")]
    Expected {
        /// The expected-records file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The parse error.
        reason: String,
    },
}

impl From<SegmentError> for crate::Error {
    fn from(e: SegmentError) -> Self {
        crate::Error::Other(e.to_string())
    }
}

/// Whether `path` looks like a PDF (by name or magic bytes).
pub fn is_pdf(path: &Path, head: &[u8]) -> bool {
    head.starts_with(b"%PDF-")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// Reads an input of this stage as clean text, as every command reads it
/// ([`crate::pipeline`] with the shipped tables): a PDF through extraction, a text (any
/// supported encoding) through the text repair.
pub fn load_text(path: &Path) -> Result<String, SegmentError> {
    let pipeline = crate::pipeline::Pipeline::builtin().map_err(|e| SegmentError::Tables {
        reason: e.to_string(),
    })?;
    Ok(pipeline.read(path)?.text())
}

/// Records of one text: its sheets joined with its list rows.
pub fn records_from_text(text: &str, source: &SourceInfo) -> Vec<ProgramRecord> {
    records_from_documents(&[(text, source.clone())])
}

/// Records of a batch's inputs joined across files: list rows no sheet of their own file
/// described are joined with sheets of other files no list row of their file named (by name;
/// see [`join::join`]), and rows of the same program (再掲, same name and ministry) become one
/// record with all their numbers, notes and sources. A record already joined in its own file
/// is kept as it is. Ids are recomputed from the joined sources. Order: the rows (with the
/// sheets joined to them) in input order, the sheets no row named, then the records kept.
pub fn join_batch(records: Vec<ProgramRecord>) -> Vec<ProgramRecord> {
    // A list row spans one line; a sheet spans a block. A record holding both is joined.
    let is_row_only = |r: &ProgramRecord| {
        !r.sources.is_empty() && r.sources.iter().all(|s| s.line_start == s.line_end)
    };
    let is_sheet_only = |r: &ProgramRecord| {
        !r.sources.is_empty()
            && r.sources.iter().all(|s| s.line_start != s.line_end)
            && r.numbers.is_empty()
    };
    let mut rows = Vec::new();
    let mut sheets = Vec::new();
    let mut kept = Vec::new();
    for r in records {
        if is_row_only(&r) {
            rows.push(r);
        } else if is_sheet_only(&r) {
            sheets.push(r);
        } else {
            kept.push(r);
        }
    }
    let mut out = join::join(rows, sheets);
    out.extend(kept);
    for r in &mut out {
        // A record joined across files names the first (its list row's); `sources` has all.
        if let Some(first) = r.sources.first() {
            r.source = Some(first.file.clone());
        }
        r.set_id();
    }
    out
}

/// Records of several texts read together (consecutive parts of one document): list rows in
/// any part are joined with sheets in any part. Order: list rows first (list order), then the
/// sheets no row names (text order).
pub fn records_from_documents(documents: &[(&str, SourceInfo)]) -> Vec<ProgramRecord> {
    let sets = documents
        .iter()
        .map(|(text, source)| {
            (
                clean::lines(text),
                clean::document_era(text),
                source.clone(),
            )
        })
        .collect();
    records_from_lines(sets)
}

/// Records of a PDF read by its geometry ([`geom`]): label cells associated with their value
/// cells by position, then the same rules as text.
pub fn records_from_pdf(doc: &crate::ingest::Document, source: &SourceInfo) -> Vec<ProgramRecord> {
    let era = clean::document_era(&doc.text());
    records_from_lines(vec![(geom::lines(doc), era, source.clone())])
}

/// Records of numbered lines (with the era a bare year is read in), as
/// [`records_from_documents`].
pub fn records_from_lines(sets: Vec<(Vec<clean::Line>, String, SourceInfo)>) -> Vec<ProgramRecord> {
    let mut rows = Vec::new();
    let mut sheets = Vec::new();
    for (lines, default_era, source) in &sets {
        let blocks = clean::blocks(lines);
        rows.extend(list::rows(lines, source));
        let running = sheet::running_headers(lines);
        let mut doc_sheets: Vec<ProgramRecord> = blocks
            .iter()
            .flat_map(|b| sheet::records(b, source, default_era, &running))
            .collect();
        sheets.append(&mut doc_sheets);
    }
    sheet::drop_stray_budget_lines(&mut sheets);
    let mut records = join::join(rows, sheets);
    for r in &mut records {
        r.set_id();
    }
    records
}
