//! Field-level precision and recall of records against hand-labelled expectations.
//!
//! Each record is flattened into facts `(field, value)`; values are compared after
//! [`squash`] (NFKC, no whitespace). Free-text fields (purpose, overview, effects) match when
//! their character-bigram Dice similarity is at least [`TEXT_MATCH`]. Records are paired
//! greedily by the number of facts they share; facts of unpaired records count as misses
//! (expected) or false alarms (produced). Sources are not scored.

use super::clean::squash;
use super::join::dice;
use super::{ProgramRecord, SegmentError};
use std::collections::BTreeMap;

/// Dice similarity at which a free-text field counts as found.
pub const TEXT_MATCH: f64 = 0.8;

/// Fields scored, in report order.
pub const FIELDS: &[&str] = &[
    "numbers",
    "name",
    "other_names",
    "ministry",
    "bureau",
    "notes",
    "budget",
    "budget.label",
    "budget.item",
    "purpose",
    "overview",
    "effects",
    "implementing_bodies",
    "subsidy_rate",
    "subsidy_rate.applies_to",
    "unit_amount",
    "contact",
    "program_code",
    "policy",
    "target",
    "eligible",
    "period",
    "account",
    "status",
    "goals",
    "budget.part_of_item",
];

const TEXT_FIELDS: &[&str] = &["purpose", "overview", "effects", "target", "eligible"];

/// A fact: field name and comparable value.
pub type Fact = (&'static str, String);

/// The facts a record states.
pub fn facts(r: &ProgramRecord) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    let mut push = |field: &'static str, value: String| {
        let fact = (field, value);
        if !out.contains(&fact) {
            out.push(fact);
        }
    };
    for n in &r.numbers {
        push("numbers", n.to_string());
    }
    let single = [
        ("name", &r.name),
        ("ministry", &r.ministry),
        ("bureau", &r.bureau),
        ("purpose", &r.purpose),
        ("overview", &r.overview),
        ("effects", &r.effects),
        ("contact", &r.contact),
        ("program_code", &r.program_code),
        ("policy", &r.policy),
        ("target", &r.target),
        ("eligible", &r.eligible),
        ("account", &r.account),
    ];
    for (field, value) in single {
        if let Some(v) = value {
            push(field, squash(v));
        }
    }
    for n in &r.other_names {
        push("other_names", squash(n));
    }
    for n in &r.notes {
        push("notes", squash(n));
    }
    for b in &r.budget {
        budget_facts(b, &mut push);
    }
    if let Some(p) = &r.period {
        let year = |y: Option<i32>| y.map_or("-".to_string(), |y| y.to_string());
        push(
            "period",
            format!("{}|{}", year(p.start_year), year(p.end_year)),
        );
    }
    if let Some(s) = r.status {
        push("status", format!("{s:?}").to_lowercase());
    }
    for g in &r.goals {
        push(
            "goals",
            format!(
                "{}|{}|{}",
                g.value.as_deref().unwrap_or("-"),
                g.unit.as_deref().map_or("-".to_string(), squash),
                g.year.map_or("-".to_string(), |y| y.to_string())
            ),
        );
    }
    for body in &r.implementing_bodies {
        push("implementing_bodies", squash(body));
    }
    for rate in &r.subsidy_rates {
        push("subsidy_rate", squash(&rate.rate));
        if let Some(a) = &rate.applies_to {
            push(
                "subsidy_rate.applies_to",
                format!("{}|{}", squash(&rate.rate), squash(a)),
            );
        }
    }
    for u in &r.unit_amounts {
        push(
            "unit_amount",
            format!("{}|{}", squash(&u.per), u.amount_yen),
        );
    }
    out
}

/// The facts of one budget line: its year, kind, amount, whether part of another and its
/// portion; its label, item and the item it is part of, each with the amount.
fn budget_facts(b: &super::BudgetLine, push: &mut impl FnMut(&'static str, String)) {
    let amount = b.amount_yen.map_or("-".to_string(), |a| a.to_string());
    push(
        "budget",
        format!(
            "{}|{}|{}|{}|{}",
            b.fiscal_year.map_or("-".to_string(), |y| y.to_string()),
            b.kind
                .map_or("-".to_string(), |k| format!("{k:?}").to_lowercase()),
            amount,
            if b.part_of { "part_of" } else { "total" },
            b.portion.as_deref().map_or(String::new(), squash),
        ),
    );
    push("budget.label", format!("{}|{}", squash(&b.label), amount));
    if let Some(item) = &b.item {
        push("budget.item", format!("{}|{}", squash(item), amount));
    }
    if let Some(whole) = &b.part_of_item {
        push(
            "budget.part_of_item",
            format!("{}|{}", squash(whole), amount),
        );
    }
}

fn fact_matches(a: &Fact, b: &Fact) -> bool {
    a.0 == b.0
        && if TEXT_FIELDS.contains(&a.0) {
            dice(&a.1, &b.1) >= TEXT_MATCH
        } else {
            a.1 == b.1
        }
}

/// Facts of `produced` that match a fact of `expected`, each used once.
fn matched(expected: &[Fact], produced: &[Fact]) -> Vec<(usize, usize)> {
    let mut used = vec![false; produced.len()];
    let mut out = Vec::new();
    for (ei, e) in expected.iter().enumerate() {
        if let Some(pi) =
            (0..produced.len()).find(|&pi| !used[pi] && fact_matches(e, &produced[pi]))
        {
            used[pi] = true;
            out.push((ei, pi));
        }
    }
    out
}

/// Counts for one field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Facts expected.
    pub expected: usize,
    /// Facts produced.
    pub produced: usize,
    /// Expected facts that were produced.
    pub correct: usize,
}

impl Counts {
    /// `correct / produced` (1 when nothing was produced).
    pub fn precision(&self) -> f64 {
        if self.produced == 0 {
            1.0
        } else {
            self.correct as f64 / self.produced as f64
        }
    }
    /// `correct / expected` (1 when nothing was expected).
    pub fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.correct as f64 / self.expected as f64
        }
    }
    fn add(&mut self, other: Counts) {
        self.expected += other.expected;
        self.produced += other.produced;
        self.correct += other.correct;
    }
}

/// A scored comparison.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// Counts per field of [`FIELDS`].
    pub fields: BTreeMap<String, Counts>,
    /// Counts over all fields.
    pub overall: Counts,
    /// Records expected.
    pub expected_records: usize,
    /// Records produced.
    pub produced_records: usize,
    /// Expected records paired with a produced one.
    pub paired_records: usize,
    /// Facts expected but not produced (field, value).
    pub missed: Vec<(String, String)>,
    /// Facts produced but not expected (field, value).
    pub spurious: Vec<(String, String)>,
}

/// Score `produced` against `expected`.
// Long: matching and scoring share the fact lists; the steps run in sequence.
pub fn evaluate(expected: &[ProgramRecord], produced: &[ProgramRecord]) -> Report {
    let expected_facts: Vec<Vec<Fact>> = expected.iter().map(facts).collect();
    let produced_facts: Vec<Vec<Fact>> = produced.iter().map(facts).collect();
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for (ei, e) in expected_facts.iter().enumerate() {
        for (pi, p) in produced_facts.iter().enumerate() {
            let shared = matched(e, p).len();
            if shared > 0 {
                pairs.push((shared, ei, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut e_used = vec![None; expected.len()];
    let mut p_used = vec![false; produced.len()];
    for (_, ei, pi) in pairs {
        if e_used[ei].is_none() && !p_used[pi] {
            e_used[ei] = Some(pi);
            p_used[pi] = true;
        }
    }
    let mut report = Report {
        expected_records: expected.len(),
        produced_records: produced.len(),
        ..Report::default()
    };
    for field in FIELDS {
        report.fields.insert(field.to_string(), Counts::default());
    }
    let count = |field: &str, c: Counts, report: &mut Report| {
        if let Some(f) = report.fields.get_mut(field) {
            f.add(c);
        }
        report.overall.add(c);
    };
    for (ei, e) in expected_facts.iter().enumerate() {
        let p: &[Fact] = match e_used[ei] {
            Some(pi) => {
                report.paired_records += 1;
                &produced_facts[pi]
            }
            None => &[],
        };
        let m = matched(e, p);
        let (mut e_hit, mut p_hit) = (vec![false; e.len()], vec![false; p.len()]);
        for (a, b) in &m {
            e_hit[*a] = true;
            p_hit[*b] = true;
        }
        for (i, fact) in e.iter().enumerate() {
            count(
                fact.0,
                Counts {
                    expected: 1,
                    produced: 0,
                    correct: usize::from(e_hit[i]),
                },
                &mut report,
            );
            if !e_hit[i] {
                report.missed.push((fact.0.to_string(), fact.1.clone()));
            }
        }
        for (i, fact) in p.iter().enumerate() {
            count(
                fact.0,
                Counts {
                    expected: 0,
                    produced: 1,
                    correct: 0,
                },
                &mut report,
            );
            if !p_hit[i] {
                report.spurious.push((fact.0.to_string(), fact.1.clone()));
            }
        }
    }
    for (pi, p) in produced_facts.iter().enumerate() {
        if p_used[pi] {
            continue;
        }
        for fact in p {
            count(
                fact.0,
                Counts {
                    expected: 0,
                    produced: 1,
                    correct: 0,
                },
                &mut report,
            );
            report.spurious.push((fact.0.to_string(), fact.1.clone()));
        }
    }
    report
}

/// Read expected records, one JSON object per line (blank lines and `//` comments skipped).
pub fn read_expected(path: &str, text: &str) -> Result<Vec<ProgramRecord>, SegmentError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        let record = serde_json::from_str(t).map_err(|e| SegmentError::Expected {
            path: path.to_string(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        out.push(record);
    }
    Ok(out)
}

impl Report {
    /// A plain-text table: field, expected, produced, correct, precision, recall.
    pub fn table(&self) -> String {
        let mut s = format!(
            "records: expected {}, produced {}, paired {}\n{:<26}{:>9}{:>9}{:>9}{:>11}{:>9}\n",
            self.expected_records,
            self.produced_records,
            self.paired_records,
            "field",
            "expected",
            "produced",
            "correct",
            "precision",
            "recall"
        );
        let mut row = |name: &str, c: &Counts| {
            s.push_str(&format!(
                "{:<26}{:>9}{:>9}{:>9}{:>10.1}%{:>8.1}%\n",
                name,
                c.expected,
                c.produced,
                c.correct,
                100.0 * c.precision(),
                100.0 * c.recall()
            ));
        };
        for field in FIELDS {
            if let Some(c) = self.fields.get(*field) {
                row(field, c);
            }
        }
        row("OVERALL", &self.overall);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::BudgetLine;

    fn rec(name: &str, amount: i64) -> ProgramRecord {
        ProgramRecord {
            name: Some(name.into()),
            budget: vec![BudgetLine {
                part_of_item: None,
                label: "令和６年度補正予算額".into(),
                fiscal_year: Some(2024),
                kind: Some(crate::segment::BudgetKind::Supplementary),
                amount_yen: Some(amount),
                part_of: false,
                item: None,
                portion: None,
                raw: String::new(),
            }],
            ..ProgramRecord::default()
        }
    }

    #[test]
    fn perfect_and_wrong_amount() {
        let expected = vec![rec("事業Ａ", 100), rec("事業Ｂ", 200)];
        let perfect = evaluate(&expected, &expected);
        assert_eq!(perfect.overall.correct, perfect.overall.expected);
        assert_eq!(perfect.overall.precision(), 1.0);
        let wrong = evaluate(&expected, &[rec("事業A", 100), rec("事業Ｂ", 300)]);
        let budget = wrong.fields["budget"];
        assert_eq!(
            (budget.expected, budget.produced, budget.correct),
            (2, 2, 1)
        );
        // Width differences do not matter for names.
        assert_eq!(wrong.fields["name"].correct, 2);
    }

    #[test]
    fn extra_record_costs_precision_only() {
        let expected = vec![rec("事業Ａ", 100)];
        let r = evaluate(&expected, &[rec("事業Ａ", 100), rec("別", 5)]);
        assert_eq!(r.overall.recall(), 1.0);
        assert!(r.overall.precision() < 1.0);
        assert_eq!(r.paired_records, 1);
    }
}
