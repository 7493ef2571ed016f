//! The summary table `No. 事業名 担当府省庁 備考` (optionally with an amount column).
//!
//! Rows are read right to left: remarks (再掲), then a known ministry name, then an optional
//! amount ("682 の内数"), the rest is the program name. Amount cells that extraction moved
//! away from their row (a column of bare numbers elsewhere) are not assigned to any row:
//! their order is not the row order. In-row amounts take the unit from "（単位：百万円）"
//! and the label from the column header below it ("令和６年度 補正予算額").

use super::amounts::{budget_kind, find_year, fold_width, scale_to_yen};
use super::clean::Line;
use super::{BudgetLine, ProgramRecord, SourceInfo, SourceSpan};

/// Ministries and agencies that appear as the 担当府省庁 of a program.
pub const MINISTRIES: &[&str] = &[
    "内閣府",
    "内閣官房",
    "こども家庭庁",
    "デジタル庁",
    "復興庁",
    "消費者庁",
    "金融庁",
    "警察庁",
    "総務省",
    "法務省",
    "外務省",
    "財務省",
    "文部科学省",
    "厚生労働省",
    "農林水産省",
    "経済産業省",
    "国土交通省",
    "環境省",
    "防衛省",
    "出入国在留管理庁",
    "文化庁",
    "スポーツ庁",
    "林野庁",
    "水産庁",
    "観光庁",
];

/// Remarks the 備考 column holds.
const REMARKS: &[&str] = &["再掲", "新規", "一部再掲"];

/// List rows of a document as records (one per row; the join merges repeats).
pub fn rows(lines: &[Line], source: &SourceInfo) -> Vec<ProgramRecord> {
    let Some(header) = lines.iter().position(is_header) else {
        return Vec::new();
    };
    let (unit, label) = amount_column(lines);
    let default_era = super::clean::document_era(
        &lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    lines[header + 1..]
        .iter()
        .filter_map(|line| {
            parse_row(
                line,
                source,
                unit.as_deref(),
                label.as_deref(),
                &default_era,
            )
        })
        .collect()
}

fn is_header(line: &Line) -> bool {
    let t = fold_width(&line.text);
    t.contains("No.") && t.contains("事業名") && (t.contains("府省") || t.contains("省庁"))
}

/// Unit ("百万") and column label of in-row amounts.
fn amount_column(lines: &[Line]) -> (Option<String>, Option<String>) {
    for (i, line) in lines.iter().enumerate() {
        let t = fold_width(&line.text);
        let Some(rest) = t.split_once("単位").map(|(_, r)| r) else {
            continue;
        };
        let rest = rest.trim_start_matches([':', '：', ' ']);
        let unit = rest.split('円').next().unwrap_or("").trim().to_string();
        if scale_to_yen("1", &unit).is_none() {
            continue;
        }
        // The label is the next few non-blank lines naming a budget.
        let mut label = String::new();
        for next in lines[i + 1..].iter().take(3) {
            if next.is_blank() {
                break;
            }
            let n = fold_width(&next.text);
            if n.contains("年度") || n.contains("予算") || n.contains("決定") || n.contains("要求")
            {
                label.extend(next.text.chars().filter(|c| !c.is_whitespace()));
            } else {
                break;
            }
        }
        return (Some(unit), (!label.is_empty()).then_some(label));
    }
    (None, None)
}

fn parse_row(
    line: &Line,
    source: &SourceInfo,
    unit: Option<&str>,
    label: Option<&str>,
    default_era: &str,
) -> Option<ProgramRecord> {
    let text = line.text.trim();
    let (number, rest) = text.split_once(|c: char| c.is_whitespace())?;
    let number: u32 = fold_width(number).parse().ok()?;
    let mut tokens: Vec<&str> = rest.split_whitespace().collect();
    let mut notes = Vec::new();
    while let Some(last) = tokens.last() {
        if REMARKS.contains(last) {
            notes.insert(0, last.to_string());
            tokens.pop();
        } else {
            break;
        }
    }
    let ministry = tokens.pop().filter(|t| MINISTRIES.contains(t))?.to_string();
    let (amount_text, part_of) = amount_cell(&mut tokens)?;
    let name = tokens.join(" ");
    if name.is_empty() {
        return None;
    }
    let mut budget = Vec::new();
    if let Some(amount) = amount_text {
        let label_text = label.unwrap_or("").to_string();
        let raw = if part_of {
            format!("{amount} の内数")
        } else {
            amount.clone()
        };
        budget.push(BudgetLine {
            part_of_item: None,
            fiscal_year: find_year(&label_text, default_era).map(|y| y.year),
            kind: budget_kind(&label_text),
            amount_yen: unit.and_then(|u| scale_to_yen(&amount, u)),
            label: label_text,
            part_of,
            item: None,
            portion: None,
            raw,
        });
    }
    let provenance = row_provenance(line, source, !notes.is_empty(), !budget.is_empty());
    Some(ProgramRecord {
        numbers: vec![number],
        name: Some(name),
        ministry: Some(ministry),
        notes,
        budget,
        sources: vec![SourceSpan {
            file: source.file.clone(),
            page: line.page,
            line_start: line.start,
            line_end: line.end,
        }],
        provenance,
        ..ProgramRecord::default()
    })
}

/// The optional amount cell at the end of a row's `tokens` (taken off them): "682 の内数",
/// "2,400", "682の内数", as (amount, part of another budget). `None` for an `の内数` with no
/// amount.
fn amount_cell(tokens: &mut Vec<&str>) -> Option<(Option<String>, bool)> {
    let mut part_of = false;
    let mut amount_text = None;
    if tokens.last().is_some_and(|t| *t == "の内数") {
        tokens.pop();
        part_of = true;
    }
    if let Some(last) = tokens.last() {
        let folded = fold_width(last);
        let (digits, inner) = match folded.strip_suffix("の内数") {
            Some(d) => (d.to_string(), true),
            None => (folded.clone(), false),
        };
        if tokens.len() > 1 && is_amount_cell(&digits) {
            part_of |= inner;
            amount_text = Some(digits);
            tokens.pop();
        }
    }
    if part_of && amount_text.is_none() {
        return None;
    }
    Some((amount_text, part_of))
}

/// The provenance of a row's fields: every field of a row comes from its one line.
fn row_provenance(
    line: &Line,
    source: &SourceInfo,
    has_notes: bool,
    has_budget: bool,
) -> Vec<super::FieldSource> {
    let mut fields = vec!["numbers", "name", "ministry"];
    if has_notes {
        fields.push("notes");
    }
    if has_budget {
        fields.push("budget");
    }
    fields
        .into_iter()
        .map(|field| super::FieldSource {
            field: field.to_string(),
            file: source.file.clone(),
            page: line.page,
            line_start: line.start,
            line_end: line.end,
            repaired: None,
            min_confidence: None,
        })
        .collect()
}

fn is_amount_cell(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::clean::lines;

    #[test]
    fn rows_with_and_without_amounts() {
        let text = "No. 事業名 担当府省庁 備考\n46 地域における孤独・孤立対策に関するＮＰＯ等のモデル調査 内閣府 再掲\n49 孤独・孤立対策のための自殺防止対策事業 厚生労働省\n53 刑務所出所者等の就労・住居・相談先の確保 682 の内数 法務省 再掲\n500\n（単位：百万円）\n令和６年度\n補正予算額\n";
        let rows = rows(&lines(text), &SourceInfo::new("t.txt"));
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].numbers, vec![46]);
        assert_eq!(rows[0].ministry.as_deref(), Some("内閣府"));
        assert_eq!(rows[0].notes, vec!["再掲"]);
        assert!(rows[0].budget.is_empty());
        assert!(rows[1].notes.is_empty());
        let b = &rows[2].budget[0];
        assert_eq!(b.amount_yen, Some(682_000_000));
        assert!(b.part_of);
        assert_eq!(b.fiscal_year, Some(2024));
        assert_eq!(b.label, "令和６年度補正予算額");
        assert_eq!(
            rows[2].name.as_deref(),
            Some("刑務所出所者等の就労・住居・相談先の確保")
        );
    }

    #[test]
    fn no_header_no_rows() {
        let rows = rows(&lines("46 何か 内閣府\n"), &SourceInfo::new("t"));
        assert!(rows.is_empty());
    }
}
