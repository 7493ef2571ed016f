//! Labelled form fields ([`super::labels`]) → record fields.
//!
//! The rules in [`super::sheet`] read the layouts of the sample; this module reads any sheet
//! written as a form. It only fills what those rules left empty (their readings of the
//! sample's layouts stay as they are) and the fields only forms carry (事業番号, 対象者,
//! 事業期間, 会計区分, 新規/継続, 成果目標, 補助対象). Values go through the typed parsers
//! ([`super::amounts`]): amounts in yen, rates normalised, years Gregorian.
//!
//! It also records where each field was read ([`FieldSource`](super::FieldSource)) and flags sheets whose title
//! was read but no field (`no_fields`), and sheets whose fields were read under an
//! unreadable title (`untitled`) — such a sheet is never dropped silently.

use super::amounts::{find_money, find_year, fold_width};
use super::clean::{Block, Line};
use super::labels::{Field, Hit};
use super::sheet::{self, Title};
use super::{Period, ProgramRecord, ProgramStatus, SourceInfo, SourceSpan, UnitAmount};

/// The title: a labelled 事業名 (or 施策名) beats every weaker rule's title.
pub(super) fn labelled_title(block: &Block, hits: &[Hit], found: Option<Title>) -> Option<Title> {
    if found.as_ref().is_some_and(|t| t.strength >= 10) {
        return found;
    }
    let labelled = hits
        .iter()
        .find(|h| h.field == Field::Name && name_value(&h.value).is_some())
        .or_else(|| {
            hits.iter()
                .find(|h| h.field == Field::Policy && name_value(&h.value).is_some())
        });
    match labelled {
        Some(h) => Some(Title {
            name: name_value(&h.value)?,
            org: found.and_then(|t| t.org),
            number: None,
            index: h.first.min(block.len().saturating_sub(1)),
            strength: 10,
        }),
        None => found.or_else(|| heading_title(block, hits)),
    }
}

/// A form whose title is a bare heading (no 事業名 label): among the first lines of the block
/// above every label (after a page tag such as 別紙1, an amount line or a bureau line), the
/// first naming a program (…事業, …交付金, …補助金), on a block with at least three labelled
/// fields. A heading mark before it (〇, ■, 【拡充】) and an amount written after it on its
/// line (`…事業 【令和6年度補正予算額 3.1億円】`) are not part of the name.
fn heading_title(block: &Block, hits: &[Hit]) -> Option<Title> {
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let tag = TAG.get_or_init(|| {
        regex::Regex::new(r"^(?:別紙|資料|参考|様式)\s*[0-9０-９]{1,2}$").expect("static regex")
    });
    // An amount line at the top (`令和６年度補正予算額 …` over the title) is part of the head.
    let first_label = super::labels::head_end(block, hits);
    if hits.iter().filter(|h| h.field != Field::Section).count() < 3 {
        return None;
    }
    // Only the head of the block: a title sits above the fields, within a few lines.
    let (index, name) = block
        .iter()
        .enumerate()
        .take(first_label)
        .filter(|(_, l)| !l.is_blank() && !tag.is_match(l.text.trim()))
        .take(4)
        .find_map(|(i, l)| {
            let name = sheet::tidy(before_budget(&strip_heading_mark(&l.text)));
            (name.chars().count() <= 40
                && sheet::is_title_text(&name)
                && ["事業", "交付金", "補助金"]
                    .iter()
                    .any(|e| name.ends_with(e)))
            .then_some((i, name))
        })?;
    Some(Title {
        name,
        org: None,
        number: None,
        index,
        strength: 3,
    })
}

/// A title's heading mark: a bullet (〇 ○ ■ …) or a bracketed tag (【拡充】, ［新規］) before
/// the name.
fn strip_heading_mark(text: &str) -> String {
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let tag = TAG.get_or_init(|| {
        regex::Regex::new(r"^\s*(?:[〇○◯●◎■□◆◇]\s*|[【［\[][^】］\]]{1,6}[】］\]]\s*)")
            .expect("static regex")
    });
    tag.replace(text, "").into_owned()
}

/// The text before a budget label written after it on its line ("…事業 令和6年度補正予算
/// 24.8億円", "…事業 【R6補正予算額 …】"); the whole text when there is none.
pub(super) fn before_budget(text: &str) -> &str {
    static BUDGET: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = BUDGET.get_or_init(|| {
        regex::Regex::new(
            r"[\s【［\[（(]*(?:令和|平成|[RＲ])?\s*[0-9０-９元]{1,2}\s*年度[^。、]{0,12}予算|[\s【［\[（(]*[RＲ][0-9０-９]{1,2}[^。、]{0,8}予算",
        )
        .expect("static regex")
    });
    match re.find(text) {
        Some(m) if m.start() > 0 && !find_money(&text[m.start()..]).is_empty() => {
            text[..m.start()].trim_end()
        }
        _ => text,
    }
}

/// A name value: its first line, layout spaces removed, if it reads as a name.
fn name_value(value: &str) -> Option<String> {
    // "施策名：…事業 令和6年度補正予算 24.8億円": the amount beside the name is not part of it.
    let first = sheet::tidy(before_budget(value.lines().next()?));
    // A blank form's label takes the next line: a section mark (`■設備費`) or another
    // field's heading is no name (a bare heading `is_title_text` rejects; here also one
    // behind 補助, `補助事業概要`).
    let marked = first.starts_with(['■', '□', '◆', '◇', '●', '◎', '▲', '△', '▼', '▽', '★', '☆']);
    let heading = first
        .strip_prefix("補助")
        .is_some_and(|rest| super::labels::field_of(rest).is_some());
    // In a table's header row the label's neighbour is the next column's heading
    // (`業務名　業種名　事業名　類似団体区分`): a programme's name ends in none of these.
    let column = ["区分", "名", "種別", "分類", "情報", "番号", "コード"]
        .iter()
        .any(|s| first.ends_with(s));
    (sheet::is_title_text(&first) && !marked && !heading && !column).then_some(first)
}

/// Fields that only a budget sheet has: a block holding three of them (one a budget amount
/// or a subsidy rate) is a sheet even when its title cannot be read.
const SHEET_FIELDS: &[Field] = &[
    Field::Budget,
    Field::SubsidyRate,
    Field::Bodies,
    Field::Overview,
    Field::Purpose,
    Field::Effects,
    Field::Goals,
];

/// A record for a block that is a sheet by its fields but whose title was not read, flagged
/// `untitled`; `None` for any other block.
pub(super) fn untitled(
    block: &Block,
    hits: &[Hit],
    source: &SourceInfo,
    default_era: &str,
) -> Option<ProgramRecord> {
    let mut kinds: Vec<Field> = hits
        .iter()
        .filter(|h| !h.value.trim().is_empty() && SHEET_FIELDS.contains(&h.field))
        .map(|h| h.field)
        .collect();
    kinds.sort_by_key(|f| *f as u8);
    kinds.dedup();
    let money_or_rate = hits.iter().any(|h| {
        (h.field == Field::Budget && !find_money(&h.value).is_empty())
            || (h.field == Field::SubsidyRate && !super::amounts::find_rates(&h.value).is_empty())
    });
    let has_title_label = hits
        .iter()
        .any(|h| matches!(h.field, Field::Name | Field::Policy));
    if kinds.len() < 3 || !(money_or_rate || has_title_label) {
        return None;
    }
    let mut record = ProgramRecord::default();
    if let (Some(first), Some(last)) = (block.first(), block.last()) {
        record.sources.push(SourceSpan {
            file: source.file.clone(),
            page: first.page,
            line_start: first.start,
            line_end: last.end,
        });
    }
    // Amounts on their label's line are the layout rules' part.
    record.budget = sheet::budget_lines(block, default_era);
    fill(&mut record, block, hits, usize::MAX, source, default_era);
    record.flags.retain(|f| f != "no_fields");
    record.flags.push("untitled".into());
    Some(record)
}

/// Fill what the layout rules left empty from the labelled fields, then provenance and flags.
pub(super) fn fill(
    record: &mut ProgramRecord,
    block: &Block,
    hits: &[Hit],
    title_index: usize,
    source: &SourceInfo,
    default_era: &str,
) {
    let mut from_label: FromLabel = Vec::new();
    let had = Had {
        rates: !record.subsidy_rates.is_empty(),
        bodies: !record.implementing_bodies.is_empty(),
    };
    for h in hits {
        fill_field(record, block, h, had, default_era, &mut from_label);
    }
    provenance(record, block, title_index, &from_label, source);
    if has_no_fields(record) {
        record.flags.push("no_fields".into());
    }
}

/// Fields read by labels, with the lines they came from: (field, first, last).
type FromLabel = Vec<(&'static str, usize, usize)>;

/// Which list fields the layout rules had filled before the labels were read.
#[derive(Clone, Copy)]
struct Had {
    rates: bool,
    bodies: bool,
}

/// One label's value `h` into `record`, where the field is still empty (or the label's
/// reading is the better one), noting the lines it came from in `from_label`.
// Long: one short arm per field kind; the longer ones have their own functions.
fn fill_field(
    record: &mut ProgramRecord,
    block: &Block,
    h: &Hit,
    had: Had,
    default_era: &str,
    from_label: &mut FromLabel,
) {
    let value = h.value.trim();
    let lines: Vec<&str> = value
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let range = (h.first, h.last);
    match h.field {
        Field::Name => {}
        Field::Policy => {
            if let Some(p) = name_value(value)
                && record.name.as_deref() != Some(p.as_str())
                && record.policy.is_none()
            {
                record.policy = Some(p);
                from_label.push(("policy", range.0, range.1));
            }
        }
        Field::Budget => fill_budget(record, block, h, &lines, default_era, from_label),
        Field::SubsidyRate => {
            if !lines.is_empty() {
                let joined = format!("補助率:{}", fold_width(&lines.join("、")));
                let read = sheet::labelled_rates(&joined, None);
                if !had.rates {
                    for rate in read {
                        sheet::push_rate(&mut record.subsidy_rates, rate);
                    }
                    if !record.subsidy_rates.is_empty() {
                        from_label.push(("subsidy_rates", range.0, range.1));
                    }
                } else if names_whose(&read, &record.subsidy_rates) {
                    // `●補助率` over `国 1/2、都道府県 1/2`: the layout rules read the value
                    // line as bare rates; the label's reading names whose each one is.
                    record.subsidy_rates = read;
                    from_label.push(("subsidy_rates", range.0, range.1));
                }
            }
        }
        Field::Bodies => fill_bodies(record, h, &lines, had.bodies, from_label),
        Field::Overview | Field::Purpose | Field::Effects => {
            fill_prose(record, h, &lines, from_label)
        }
        Field::Contact => {
            if record.contact.is_none() && !lines.is_empty() {
                record.contact = Some(lines.join(" "));
                from_label.push(("contact", range.0, range.1));
            }
        }
        Field::Goals => {
            if record.goals.is_empty() && !lines.is_empty() {
                record.goals = goal_items(&lines)
                    .iter()
                    .map(|l| goal(l, default_era))
                    .collect();
                from_label.push(("goals", range.0, range.1));
            }
        }
        Field::Period => {
            if record.period.is_none() && !lines.is_empty() {
                record.period = Some(period(&lines.join(" "), default_era));
                from_label.push(("period", range.0, range.1));
            }
        }
        Field::PeriodStart | Field::PeriodEnd => {
            fill_period_bound(record, h, &lines, default_era, from_label)
        }
        Field::Account => set_text(&mut record.account, &lines, "account", range, from_label),
        Field::Target => set_text(&mut record.target, &lines, "target", range, from_label),
        Field::Eligible => set_text(&mut record.eligible, &lines, "eligible", range, from_label),
        Field::Code => {
            if record.program_code.is_none()
                && let Some(first) = lines.first()
            {
                record.program_code = Some(first.to_string());
                from_label.push(("program_code", range.0, range.1));
            }
        }
        Field::Status => fill_status(record, value, range, from_label),
        Field::Org => {
            if record.ministry.is_none()
                && record.bureau.is_none()
                && let Some(first) = lines.first()
            {
                let (m, b) = sheet::split_org(first);
                record.ministry = m;
                record.bureau = b;
                from_label.push(("ministry", range.0, range.1));
            }
        }
        Field::UnitAmount => fill_unit_amounts(record, h, &lines, from_label),
        Field::Section => {}
    }
}

/// A budget label's amounts (`うち` breakdown lines left out).
fn fill_budget(
    record: &mut ProgramRecord,
    block: &Block,
    h: &Hit,
    lines: &[&str],
    default_era: &str,
    from_label: &mut FromLabel,
) {
    // A label with its amount on the same line is read by the layout rules.
    let label_line = block.get(h.label_index).map_or("", |l| l.text.as_str());
    let value_lines: Vec<&str> = if find_money(label_line).is_empty() {
        lines
            .iter()
            .copied()
            .filter(|l| {
                let f = fold_width(l);
                !f.trim_start_matches(['(', '（']).starts_with("うち")
            })
            .collect()
    } else {
        Vec::new()
    };
    if labelled_budget(record, &h.label, &value_lines, default_era) {
        from_label.push(("budget", h.label_index, h.last));
    }
}

/// The implementing bodies of a label's value, each once.
fn fill_bodies(
    record: &mut ProgramRecord,
    h: &Hit,
    lines: &[&str],
    had_bodies: bool,
    from_label: &mut FromLabel,
) {
    // The layout rules read the label's line only; a value wrapped over more
    // lines is read whole here.
    let wrapped = h.last > h.label_index && h.first == h.label_index;
    if wrapped && had_bodies {
        record.implementing_bodies.clear();
    }
    if (!had_bodies || wrapped) && !lines.is_empty() {
        for line in lines {
            let line = super::labels::strip_marker(line);
            for body in sheet::split_top_level(line) {
                let body = body.trim().trim_end_matches(['。', ' ']).to_string();
                if !body.is_empty() && !record.implementing_bodies.contains(&body) {
                    record.implementing_bodies.push(body);
                }
            }
        }
        from_label.push(("implementing_bodies", h.first, h.last));
    }
}

/// Whether a label's rates (`read`) are the rates already found (`found`, all without a
/// subject) with the subject each applies to: every rate read names one, and every rate found
/// is among them.
fn names_whose(read: &[super::SubsidyRate], found: &[super::SubsidyRate]) -> bool {
    !read.is_empty()
        && read.iter().all(|r| r.applies_to.is_some())
        && found
            .iter()
            .all(|f| f.applies_to.is_none() && read.iter().any(|r| r.rate == f.rate))
}

/// Overview, purpose or effects: the label's reading replaces a heading rule's that lacks
/// the start of the value.
fn fill_prose(record: &mut ProgramRecord, h: &Hit, lines: &[&str], from_label: &mut FromLabel) {
    let (slot, name) = match h.field {
        Field::Overview => (&mut record.overview, "overview"),
        Field::Purpose => (&mut record.purpose, "purpose"),
        _ => (&mut record.effects, "effects"),
    };
    // A heading rule reads the lines below a label; when the label's own line
    // holds the start of the value, that reading lacks it: the label's wins.
    if h.first == h.label_index
        && let (Some(text), Some(first)) = (slot.as_ref(), lines.first())
    {
        let head: String = squash_ws(first).chars().take(8).collect();
        if !squash_ws(text).starts_with(&head) {
            *slot = None;
        }
    }
    set_text(slot, lines, name, (h.first, h.last), from_label);
}

/// The targets of a 成果目標 value, one per item: a line that ends no sentence (no 。) and is
/// followed by a line starting no list item was wrapped by the layout ("…事業者を150社とする" /
/// "ことを目指します。") and is one target with it.
fn goal_items(lines: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        let starts_item = super::labels::strip_marker(line).len() < line.len();
        match out.last_mut() {
            Some(last) if open && !starts_item => last.push_str(line.trim()),
            _ => out.push(line.trim().to_string()),
        }
        open = !line.trim_end().ends_with(['。', '．']);
    }
    out
}

/// A period's start or end year from its own label.
fn fill_period_bound(
    record: &mut ProgramRecord,
    h: &Hit,
    lines: &[&str],
    default_era: &str,
    from_label: &mut FromLabel,
) {
    let Some(first) = lines.first() else { return };
    let Some(year) = period(first, default_era).start_year else {
        return;
    };
    let p = record.period.get_or_insert_with(|| Period {
        raw: String::new(),
        start_year: None,
        end_year: None,
    });
    let slot = if h.field == Field::PeriodStart {
        &mut p.start_year
    } else {
        &mut p.end_year
    };
    if slot.is_none() {
        *slot = Some(year);
        if !p.raw.is_empty() {
            p.raw.push_str(" / ");
        }
        p.raw.push_str(&format!("{}: {first}", h.label));
        from_label.push(("period", h.first, h.last));
    }
}

/// New or continuing, when the value says one and not the other.
fn fill_status(
    record: &mut ProgramRecord,
    value: &str,
    range: (usize, usize),
    from_label: &mut FromLabel,
) {
    if record.status.is_none() {
        let folded = fold_width(value);
        let status = match (folded.contains("新規"), folded.contains("継続")) {
            (true, false) => Some(ProgramStatus::New),
            (false, true) => Some(ProgramStatus::Continuing),
            _ => None,
        };
        if status.is_some() {
            record.status = status;
            from_label.push(("status", range.0, range.1));
        }
    }
}

/// The first amount of each value line, per the label's unit, each amount once.
fn fill_unit_amounts(
    record: &mut ProgramRecord,
    h: &Hit,
    lines: &[&str],
    from_label: &mut FromLabel,
) {
    for line in lines {
        if let Some(m) = find_money(line).first() {
            let per = h.label.clone();
            if !record.unit_amounts.iter().any(|u| u.amount_yen == m.yen) {
                record.unit_amounts.push(UnitAmount {
                    per,
                    amount_yen: m.yen,
                    raw: line.to_string(),
                });
                from_label.push(("unit_amounts", h.first, h.last));
            }
        }
    }
}

fn squash_ws(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn set_text(
    slot: &mut Option<String>,
    lines: &[&str],
    field: &'static str,
    range: (usize, usize),
    from_label: &mut Vec<(&'static str, usize, usize)>,
) {
    if slot.is_none() && !lines.is_empty() {
        *slot = Some(lines.join("\n"));
        from_label.push((field, range.0, range.1));
    }
}

/// Budget lines of a labelled value: each value line with an amount is read as "label
/// value" by the budget parser (so "予算額" over "令和6年度 1,200千円の内数" on the next line
/// is one budget line); a value naming only what it is part of ("○○交付金の内数") gives a line
/// without amount. Returns whether a line was added.
fn labelled_budget(
    record: &mut ProgramRecord,
    label: &str,
    lines: &[&str],
    default_era: &str,
) -> bool {
    let before = record.budget.len();
    for line in lines {
        let text = format!("{label} {line}");
        let synthetic = vec![Line {
            text: text.clone(),
            page: 1,
            start: 1,
            end: 1,
        }];
        let mut parsed = sheet::budget_lines(&synthetic, default_era);
        if parsed.is_empty()
            && find_money(line).is_empty()
            && let Some(item) = part_of_item(line)
        {
            let year_text = format!("{label}{line}");
            parsed.push(super::BudgetLine {
                label: label_text(label),
                fiscal_year: find_year(&year_text, default_era).map(|y| y.year),
                kind: super::amounts::budget_kind(label),
                amount_yen: None,
                part_of: true,
                item: None,
                portion: None,
                part_of_item: Some(item),
                raw: line.to_string(),
            });
        }
        for mut b in parsed {
            // Already read from the block by the layout rules (same amount and kind)?
            if record.budget.iter().any(|x| {
                x.amount_yen == b.amount_yen
                    && x.part_of == b.part_of
                    && x.portion == b.portion
                    && (x.amount_yen.is_some() || x.part_of_item == b.part_of_item)
            }) {
                continue;
            }
            b.raw = line.to_string();
            if b.part_of && b.part_of_item.is_none() {
                b.part_of_item = part_of_item(line);
            }
            record.budget.push(b);
        }
    }
    for b in &mut record.budget {
        if b.part_of && b.part_of_item.is_none() {
            b.part_of_item = part_of_item(&b.raw);
        }
    }
    record.budget.len() > before
}

fn label_text(label: &str) -> String {
    fold_width(label)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '【' | '】' | '［' | '］' | '[' | ']'))
        .collect()
}

fn has_no_fields(r: &ProgramRecord) -> bool {
    r.budget.is_empty()
        && r.purpose.is_none()
        && r.overview.is_none()
        && r.effects.is_none()
        && r.implementing_bodies.is_empty()
        && r.subsidy_rates.is_empty()
        && r.unit_amounts.is_empty()
        && r.contact.is_none()
        && r.goals.is_empty()
        && r.target.is_none()
        && r.period.is_none()
        && r.program_code.is_none()
        && r.eligible.is_none()
        && r.account.is_none()
}

mod provenance;
mod values;
pub use provenance::mark_repairs;
use provenance::provenance;
pub use values::{goal, part_of_item, period};

#[cfg(test)]
mod tests;
