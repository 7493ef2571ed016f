//! Where each record field was read (page, lines, whether from repaired text): the
//! labelled lines when a label gave the field, else the block lines its text is found on.

use super::super::amounts::fold_width;
use super::super::clean::Block;
use super::super::{FieldSource, ProgramRecord, SourceInfo};

/// Provenance of every field the record has: the labelled lines when a label gave it, else
/// the block line(s) its text is found on.
pub(super) fn provenance(
    record: &mut ProgramRecord,
    block: &Block,
    title_index: usize,
    from_label: &[(&'static str, usize, usize)],
    source: &SourceInfo,
) {
    let mut out: Vec<FieldSource> = Vec::new();
    let mut push = |field: &str, first: usize, last: usize| {
        let (Some(a), Some(b)) = (block.get(first), block.get(last.max(first))) else {
            return;
        };
        let fs = FieldSource {
            field: field.to_string(),
            file: source.file.clone(),
            page: a.page,
            line_start: a.start,
            line_end: b.end,
            repaired: None,
            min_confidence: None,
        };
        if !out.contains(&fs) {
            out.push(fs);
        }
    };
    let labelled = |field: &str| from_label.iter().any(|(f, _, _)| *f == field);
    for (field, first, last) in from_label {
        push(field, *first, *last);
    }
    if record.name.is_some() && title_index < block.len() {
        push("name", title_index, title_index);
    }
    let texts: Vec<(&str, Vec<String>)> = vec![
        (
            "budget",
            record.budget.iter().map(|b| b.raw.clone()).collect(),
        ),
        ("purpose", record.purpose.iter().cloned().collect()),
        ("overview", record.overview.iter().cloned().collect()),
        ("effects", record.effects.iter().cloned().collect()),
        ("implementing_bodies", record.implementing_bodies.clone()),
        (
            "subsidy_rates",
            record.subsidy_rates.iter().map(|r| r.raw.clone()).collect(),
        ),
        (
            "unit_amounts",
            record.unit_amounts.iter().map(|u| u.raw.clone()).collect(),
        ),
        ("contact", record.contact.iter().cloned().collect()),
    ];
    for (field, values) in texts {
        if labelled(field) {
            continue;
        }
        for v in values {
            if let Some((a, b)) = locate(block, &v) {
                push(field, a, b);
            }
        }
    }
    record.provenance.extend(out);
}

/// The block lines a value was read from: the first line containing its first characters
/// through the line containing its last characters (compared without spaces, width-folded).
fn locate(block: &Block, value: &str) -> Option<(usize, usize)> {
    let squash = |s: &str| -> String {
        fold_width(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let v = squash(value);
    if v.is_empty() {
        return None;
    }
    let head: String = v.chars().take(12).collect();
    let tail: String = {
        let n = v.chars().count();
        v.chars().skip(n.saturating_sub(12)).collect()
    };
    let lines: Vec<String> = block.iter().map(|l| squash(&l.text)).collect();
    let first = lines
        .iter()
        .position(|l| !l.is_empty() && (l.contains(&head) || head.contains(l.as_str())))?;
    let last = (first..lines.len())
        .find(|&i| !lines[i].is_empty() && lines[i].contains(&tail))
        .unwrap_or(first);
    Some((first, last))
}

/// Marks the provenance of `records` with what the repair did on their lines: `lines`
/// gives, per 1-based global line number, the lowest confidence of a span on it (repaired
/// or left unresolved).
pub fn mark_repairs(records: &mut [ProgramRecord], lines: &std::collections::BTreeMap<u32, f32>) {
    for r in records {
        for p in &mut r.provenance {
            let mut repaired = false;
            let mut low: Option<f32> = None;
            for (_, c) in lines.range(p.line_start..=p.line_end) {
                repaired = true;
                low = Some(low.map_or(*c, |l: f32| l.min(*c)));
            }
            p.repaired = Some(repaired);
            p.min_confidence = low;
        }
    }
}
