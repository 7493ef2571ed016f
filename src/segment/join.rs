//! Join list rows with the sheets that describe them.
//!
//! A sheet joins a row when it names the row's number ("No.51"), or when their names match
//! (equal, one containing the other, or character-bigram Dice ≥ [`NAME_MATCH`]). Rows that
//! repeat one program under several headings (same name and ministry) become one record with
//! several numbers. Joining never invents a field: each comes from the row or the sheet.

use super::clean::squash;
use super::{BudgetLine, ProgramRecord};

/// Bigram Dice similarity above which two program names are taken to be the same program.
pub const NAME_MATCH: f64 = 0.75;

/// Character-bigram Dice similarity of two squashed strings (1.0 for equal strings).
pub fn dice(a: &str, b: &str) -> f64 {
    let a: Vec<char> = squash(a).chars().collect();
    let b: Vec<char> = squash(b).chars().collect();
    if a == b {
        return 1.0;
    }
    if a.len() < 2 || b.len() < 2 {
        return 0.0;
    }
    let mut bigrams_b: Vec<(char, char)> = b.windows(2).map(|w| (w[0], w[1])).collect();
    let total = (a.len() - 1 + b.len() - 1) as f64;
    let mut shared = 0usize;
    for w in a.windows(2) {
        if let Some(p) = bigrams_b.iter().position(|x| *x == (w[0], w[1])) {
            bigrams_b.swap_remove(p);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total
}

/// How well a sheet's names match a row's name: 0 when they do not.
fn name_score(row: &ProgramRecord, sheet: &ProgramRecord) -> f64 {
    let Some(row_name) = row.name.as_deref().map(squash) else {
        return 0.0;
    };
    let mut best: f64 = 0.0;
    for name in sheet.name.iter().chain(sheet.other_names.iter()) {
        let name = squash(name);
        let contained = row_name.chars().count() >= 6
            && name.chars().count() >= 6
            && (name.contains(&row_name) || row_name.contains(&name));
        let score = if name == row_name {
            1.0
        } else if contained {
            0.9
        } else {
            dice(&row_name, &name)
        };
        best = best.max(score);
    }
    if best >= NAME_MATCH { best } else { 0.0 }
}

fn push_budget(into: &mut Vec<BudgetLine>, line: BudgetLine) {
    let same = |b: &BudgetLine| {
        squash(&b.label) == squash(&line.label)
            && b.amount_yen == line.amount_yen
            && b.part_of == line.part_of
            && b.item == line.item
            && b.portion == line.portion
    };
    if !into.iter().any(same) {
        into.push(line);
    }
}

/// Merge rows naming the same program (same name and ministry) into the first of them.
fn merge_repeated_rows(rows: Vec<ProgramRecord>) -> Vec<ProgramRecord> {
    let mut out: Vec<ProgramRecord> = Vec::new();
    for row in rows {
        let key = (row.name.as_deref().map(squash), row.ministry.clone());
        match out
            .iter_mut()
            .find(|r| (r.name.as_deref().map(squash), r.ministry.clone()) == key)
        {
            Some(existing) => {
                for n in row.numbers {
                    if !existing.numbers.contains(&n) {
                        existing.numbers.push(n);
                    }
                }
                for note in row.notes {
                    if !existing.notes.contains(&note) {
                        existing.notes.push(note);
                    }
                }
                for b in row.budget {
                    push_budget(&mut existing.budget, b);
                }
                existing.sources.extend(row.sources);
                existing.provenance.extend(row.provenance);
            }
            None => out.push(row),
        }
    }
    out
}

/// Rows (list order) with their sheets merged in, then the sheets no row names.
pub fn join(rows: Vec<ProgramRecord>, sheets: Vec<ProgramRecord>) -> Vec<ProgramRecord> {
    let mut rows = merge_repeated_rows(rows);
    let mut sheet_used = vec![false; sheets.len()];
    let mut row_used = vec![false; rows.len()];
    // Candidate pairs, best first: explicit numbers beat names.
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (si, sheet) in sheets.iter().enumerate() {
        for (ri, row) in rows.iter().enumerate() {
            let by_number = sheet.numbers.iter().any(|n| row.numbers.contains(n));
            let score = if by_number {
                2.0
            } else {
                name_score(row, sheet)
            };
            if score > 0.0 {
                pairs.push((score, si, ri));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut assignment: Vec<Option<usize>> = vec![None; rows.len()];
    for (_, si, ri) in pairs {
        if !sheet_used[si] && !row_used[ri] {
            sheet_used[si] = true;
            row_used[ri] = true;
            assignment[ri] = Some(si);
        }
    }
    for (ri, row) in rows.iter_mut().enumerate() {
        if let Some(si) = assignment[ri] {
            merge_sheet(row, &sheets[si]);
        }
    }
    rows.extend(
        sheets
            .into_iter()
            .zip(sheet_used)
            .filter(|(_, used)| !used)
            .map(|(s, _)| s),
    );
    rows
}

fn merge_sheet(row: &mut ProgramRecord, sheet: &ProgramRecord) {
    let row_name = row.name.take();
    row.name = sheet.name.clone().or(row_name.clone());
    let mut other = sheet.other_names.clone();
    if let Some(rn) = row_name {
        let known = row
            .name
            .iter()
            .chain(other.iter())
            .any(|n| squash(n) == squash(&rn));
        if !known {
            other.push(rn);
        }
    }
    row.other_names = other;
    for n in &sheet.numbers {
        if !row.numbers.contains(n) {
            row.numbers.push(*n);
        }
    }
    if sheet.ministry.is_some() {
        row.ministry = sheet.ministry.clone();
    }
    row.bureau = sheet.bureau.clone();
    let row_budget = std::mem::take(&mut row.budget);
    row.budget = sheet.budget.clone();
    for b in row_budget {
        push_budget(&mut row.budget, b);
    }
    row.purpose = sheet.purpose.clone();
    row.overview = sheet.overview.clone();
    row.effects = sheet.effects.clone();
    row.implementing_bodies = sheet.implementing_bodies.clone();
    row.subsidy_rates = sheet.subsidy_rates.clone();
    row.unit_amounts = sheet.unit_amounts.clone();
    row.contact = sheet.contact.clone();
    row.program_code = sheet.program_code.clone();
    row.policy = sheet.policy.clone();
    row.target = sheet.target.clone();
    row.eligible = sheet.eligible.clone();
    row.period = sheet.period.clone();
    row.account = sheet.account.clone();
    row.status = sheet.status;
    row.goals = sheet.goals.clone();
    for f in &sheet.flags {
        if !row.flags.contains(f) {
            row.flags.push(f.clone());
        }
    }
    row.sources.extend(sheet.sources.iter().cloned());
    row.provenance.extend(sheet.provenance.iter().cloned());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, numbers: Vec<u32>) -> ProgramRecord {
        ProgramRecord {
            name: Some(name.to_string()),
            numbers,
            ministry: Some("内閣府".into()),
            ..ProgramRecord::default()
        }
    }

    #[test]
    fn dice_basics() {
        assert_eq!(dice("abc", "abc"), 1.0);
        assert!(
            dice(
                "地域における孤独・孤立対策に関するＮＰＯ等のモデル調査",
                "地域における孤独・孤立対策に関するＮＰＯ等の取組モデル調査"
            ) > 0.9
        );
        assert!(
            dice(
                "孤独・孤立対策のための自殺防止対策事業",
                "地域における自殺対策の強化"
            ) < 0.5
        );
    }

    #[test]
    fn repeated_rows_merge_and_join() {
        let rows = vec![
            named("交付金A", vec![55]),
            named("交付金A", vec![56]),
            named("全く別の事業", vec![57]),
        ];
        let sheets = vec![named("交付金A", vec![]), named("関係のない施策", vec![])];
        let out = join(rows, sheets);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].numbers, vec![55, 56]);
        assert_eq!(out[2].name.as_deref(), Some("関係のない施策"));
        assert!(out[2].numbers.is_empty());
    }
}
