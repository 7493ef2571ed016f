//! One block of a PR sheet → one record.
//!
//! Extracted sheets come out with cells in odd order (a section heading may follow its
//! content, headings may be stacked above several bodies), so each field is read by its own
//! rule from the whole block:
//!
//! * title: `事業名：`/`施策名：`, `No.N … ：name amount`, `name（bureau）`, `局 課name`,
//!   `〇 …事業`, or a block that starts with a short `…事業` line — strongest wins;
//! * budget lines: a budget label (予算, 概算決定, 概算要求) followed by an amount, pending
//!   labels continued by `：item amount` lines, `（うち …）` portions, `…の内数`;
//! * rates: lines labelled 補助率/交付率, and flow-diagram lines that hold only rates;
//! * sections: headings followed by prose; the 内閣府 template (prose before the title,
//!   `事業概要・目的` after it) by bullet style.
//!
//! A block without a title yields no record.

use super::amounts::{budget_kind, find_money, find_rates, find_year, fold_width};
use super::clean::{Block, Line, squash};
use super::list::MINISTRIES;
use super::{BudgetLine, ProgramRecord, SourceInfo, SourceSpan, SubsidyRate, UnitAmount};

/// A title candidate.
#[derive(Debug, Clone)]
pub(super) struct Title {
    pub(super) name: String,
    pub(super) org: Option<String>,
    pub(super) number: Option<u32>,
    pub(super) index: usize,
    pub(super) strength: u8,
}

/// The record a block describes, if it has a title.
pub fn records(block: &Block, source: &SourceInfo, default_era: &str) -> Vec<ProgramRecord> {
    let hits = super::labels::find(block);
    let Some(title) = super::form::labelled_title(block, &hits, find_title(block)) else {
        return super::form::untitled(block, &hits, source, default_era)
            .into_iter()
            .collect();
    };
    let mut record = ProgramRecord {
        name: Some(title.name.clone()),
        ..ProgramRecord::default()
    };
    if let Some(n) = title.number {
        record.numbers.push(n);
    }
    let org = title.org.clone().or_else(|| labelled_org(block));
    if let Some(org) = org {
        let (ministry, bureau) = split_org(&org);
        record.ministry = ministry;
        record.bureau = bureau;
    }
    if let Some(other) = parenthesised_alias(block, title.index) {
        record.other_names.push(other);
    }
    record.budget = budget_lines(block, default_era);
    record.subsidy_rates = subsidy_rates(block);
    record.implementing_bodies = implementing_bodies(block);
    record.unit_amounts = unit_amounts(block);
    record.contact = contact(block);
    let label_lines: Vec<usize> = hits.iter().map(|h| h.label_index).collect();
    let sections = sections(block, title.index, &label_lines);
    record.purpose = sections.purpose;
    record.overview = sections.overview;
    record.effects = sections.effects;
    if let (Some(first), Some(last)) = (block.first(), block.last()) {
        record.sources.push(SourceSpan {
            file: source.file.clone(),
            page: first.page,
            line_start: first.start,
            line_end: last.end,
        });
    }
    super::form::fill(&mut record, block, &hits, title.index, source, default_era);
    vec![record]
}

fn regex(
    pattern: &'static str,
    cell: &'static std::sync::OnceLock<regex::Regex>,
) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(pattern).expect("static regex"))
}

/// Remove layout spaces between two CJK characters ("支援  事業" → "支援事業") and trim.
pub fn tidy(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = out.chars().next_back();
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if prev.is_some_and(|p| is_cjk(&p)) && next.is_some_and(is_cjk) {
                continue;
            }
            if prev.is_some_and(char::is_whitespace) {
                continue;
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn is_cjk(c: &char) -> bool {
    matches!(*c as u32, 0x3000..=0x30FF | 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0xFF01..=0xFF60)
}

pub(super) fn find_title(block: &Block) -> Option<Title> {
    static LABELLED: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static ORG_TITLE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static BUREAU_PREFIX: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static BULLET: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static NUMBER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let labelled = regex(r"^(?:事業名|施策名)\s*[：:]\s*(.+)$", &LABELLED);
    let org_title = regex(
        r"^(.{4,}?)[（(]([^（）()]*(?:府|省|庁|局|課|室|部))[）)]$",
        &ORG_TITLE,
    );
    let bureau_prefix = regex(
        r"^(\S+局)\s+(\S+?(?:課|室))(\S{4,}(?:事業|経費|交付金|調査))$",
        &BUREAU_PREFIX,
    );
    let bullet = regex(r"^[〇○◯]\s*(\S{4,40}事業)$", &BULLET);
    let number = regex(r"No\.?\s*([0-9]+)", &NUMBER);

    let mut best: Option<Title> = None;
    let mut consider = |t: Title| {
        if best.as_ref().is_none_or(|b| t.strength > b.strength) {
            best = Some(t);
        }
    };
    let mut pending_number: Option<u32> = None;
    let mut first_text = true;
    for (i, line) in block.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        let text = line.text.trim();
        let folded = fold_width(text);
        if let Some(c) = labelled.captures(text) {
            consider(Title {
                name: tidy(&c[1]),
                org: None,
                number: None,
                index: i,
                strength: 10,
            });
        }
        if let Some(c) = number.captures(&folded) {
            pending_number = c[1].parse().ok();
        } else if let Some(n) = pending_number {
            // "No.51 令和７年度当初予算案" / "：居住支援協議会等活動支援事業 10.81億円"
            if let Some(item) = colon_item(text) {
                consider(Title {
                    name: item,
                    org: None,
                    number: Some(n),
                    index: i,
                    strength: 9,
                });
                pending_number = None;
            } else if !text.starts_with(['：', ':']) {
                pending_number = None;
            }
        }
        if let Some(c) = org_title.captures(text) {
            let name = tidy(&c[1]);
            let org = c[2].trim().to_string();
            if is_title_text(&name) && looks_like_org(&org) {
                consider(Title {
                    name,
                    org: Some(org),
                    number: None,
                    index: i,
                    strength: 8,
                });
            }
        }
        if let Some(c) = bureau_prefix.captures(text) {
            consider(Title {
                name: c[3].to_string(),
                org: Some(format!("{} {}", &c[1], &c[2])),
                number: None,
                index: i,
                strength: 7,
            });
        }
        if let Some(c) = bullet.captures(text) {
            consider(Title {
                name: tidy(&c[1]),
                org: None,
                number: None,
                index: i,
                strength: 5,
            });
        }
        if first_text {
            first_text = false;
            let name = tidy(text);
            if name.ends_with("事業") && name.chars().count() <= 40 && is_title_text(&name) {
                consider(Title {
                    name,
                    org: None,
                    number: None,
                    index: i,
                    strength: 4,
                });
            }
        }
    }
    best
}

/// A program name, not a sentence or a field.
pub(super) fn is_title_text(s: &str) -> bool {
    let n = s.chars().count();
    (4..=60).contains(&n)
        && !s.contains(['。', '、', '：', ':', '【', '＜'])
        && !s.starts_with(['（', '(', '・', '○', '〇', '※'])
}

fn looks_like_org(s: &str) -> bool {
    // A phone number or a condition in parentheses is not an org.
    MINISTRIES.iter().any(|m| s.starts_with(m))
        || (s.ends_with(['室', '課', '局']) && !s.contains(['、', '。']))
}

/// "：居住支援協議会等活動支援事業 10.81億円" → the item name.
fn colon_item(text: &str) -> Option<String> {
    let rest = text.strip_prefix(['：', ':'])?;
    let money = find_money(rest);
    let first = money.first()?;
    let folded = fold_width(rest);
    let item = original_slice(rest, &folded, 0, first.start);
    let item = item.trim();
    (!item.is_empty()).then(|| item.to_string())
}

/// The org of a `所管：` line.
fn labelled_org(block: &Block) -> Option<String> {
    block.iter().find_map(|l| {
        let t = l.text.trim();
        let rest = t
            .strip_prefix("所管")
            .or_else(|| t.strip_prefix("担当府省庁"))?;
        let rest = rest.trim_start_matches(['：', ':', ' ', '　']);
        (!rest.is_empty()).then(|| rest.to_string())
    })
}

/// "内閣府男女共同参画局総務課" → (内閣府, "男女共同参画局 総務課").
pub fn split_org(org: &str) -> (Option<String>, Option<String>) {
    let org = org.trim();
    let (ministry, rest) = match MINISTRIES.iter().find(|m| org.starts_with(*m)) {
        Some(m) => (Some(m.to_string()), &org[m.len()..]),
        None => (None, org),
    };
    let units: Vec<String> = rest
        .split(|c: char| c.is_whitespace())
        .filter(|u| !u.is_empty())
        .flat_map(split_bureau_units)
        .collect();
    let bureau = (!units.is_empty()).then(|| units.join(" "));
    (ministry, bureau)
}

/// Split "男女共同参画局総務課" after 局/部 when more follows.
fn split_bureau_units(unit: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = unit.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        if matches!(c, '局' | '部') && i + 2 < chars.len() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// "（地域における女性活躍促進に向けた取組に必要な経費）" within two lines after the title.
fn parenthesised_alias(block: &Block, title: usize) -> Option<String> {
    block
        .iter()
        .skip(title + 1)
        .filter(|l| !l.is_blank())
        .take(2)
        .find_map(|l| {
            let t = l.text.trim();
            let inner = t
                .strip_prefix(['（', '('])?
                .strip_suffix(['）', ')'])?
                .trim();
            (is_title_text(inner)
                && !inner.starts_with("旧")
                && (inner.ends_with("経費") || inner.ends_with("事業")))
            .then(|| tidy(inner))
        })
}

/// Whether a label names a budget figure (not a grant decision or a track record).
fn is_budget_label(label: &str) -> bool {
    let l = fold_width(label);
    (l.contains("予算") || l.contains("概算決定") || l.contains("概算要求") || l.contains("要求額"))
        && !l.contains("交付決定")
        && !l.contains("実績")
}

/// Strip brackets, "No.N" and spaces from a label as written.
fn clean_label(s: &str) -> String {
    static NO: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let no = regex(r"^\s*(?:No|Ｎｏ)[.．]?\s*[0-9０-９]+", &NO);
    let s = no.replace(s, "");
    // "① 令和6年度補正予算額" / "(1) …": the list marker is not part of the label.
    let s = super::labels::strip_marker(s.trim_start());
    s.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '【' | '】'
                        | '［'
                        | '］'
                        | '['
                        | ']'
                        | '〔'
                        | '〕'
                        | '＜'
                        | '＞'
                        | '<'
                        | '>'
                        | '《'
                        | '》'
                        | '〈'
                        | '〉'
                )
        })
        .collect::<String>()
        .trim_start_matches(['（', '(', '：', ':'])
        .trim_end_matches(['：', ':'])
        .to_string()
}

/// Budget lines of a block, deduplicated (repeated text boxes).
pub(super) fn budget_lines(block: &Block, default_era: &str) -> Vec<BudgetLine> {
    let mut out: Vec<BudgetLine> = Vec::new();
    let mut pending_label: Option<String> = None;
    let mut previous_label: Option<(String, Option<i32>, Option<super::BudgetKind>)> = None;
    for line in block {
        if line.is_blank() {
            continue;
        }
        let text = line.text.trim();
        let folded = fold_width(text);
        let money = find_money(text);
        if let Some(label) = pending_label.clone() {
            if text.starts_with(['：', ':']) {
                if let (Some(item), Some(m)) = (colon_item(text), money.first()) {
                    let after = folded.get(m.end..).unwrap_or("");
                    push_unique(
                        &mut out,
                        BudgetLine {
                            part_of_item: None,
                            fiscal_year: find_year(&label, default_era).map(|y| y.year),
                            kind: budget_kind(&label),
                            amount_yen: Some(m.yen),
                            part_of: after.trim_start().starts_with("の内数"),
                            item: Some(item),
                            portion: None,
                            raw: text.to_string(),
                            label: label.clone(),
                        },
                    );
                }
                continue;
            }
            pending_label = None;
        }
        if money.is_empty() {
            // A label waiting for "：item amount" lines.
            if is_budget_label(text) && text.chars().count() <= 40 && !text.contains('。') {
                let label = clean_label(text);
                if find_year(&label, default_era).is_some() {
                    pending_label = Some(label);
                }
            }
            continue;
        }
        let mut cursor = 0;
        for m in &money {
            let before = original_slice(text, &folded, cursor, m.start);
            let after = folded.get(m.end..).unwrap_or("");
            cursor = m.end;
            let part_of = after.trim_start().starts_with("の内数");
            let before_clean = clean_label(&before);
            if let Some(rest) = before_clean.strip_prefix("うち") {
                // "（うち孤独・孤立対策NPO等支援関係２．８億円）" or "（うち10億円が…分）"
                let Some((label, year, kind)) = previous_label.clone() else {
                    continue;
                };
                let portion = if rest.is_empty() {
                    after
                        .trim_start()
                        .trim_start_matches('が')
                        .split(['）', ')'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string()
                } else {
                    rest.to_string()
                };
                push_unique(
                    &mut out,
                    BudgetLine {
                        part_of_item: None,
                        label,
                        fiscal_year: year,
                        kind,
                        amount_yen: Some(m.yen),
                        part_of,
                        item: None,
                        portion: (!portion.is_empty()).then_some(portion),
                        raw: text.to_string(),
                    },
                );
                continue;
            }
            if !is_budget_label(&before_clean) || before_clean.chars().count() > 30 {
                continue;
            }
            let label = before_clean
                .trim_start_matches(['、', '，', ','])
                .to_string();
            let year = find_year(&label, default_era).map(|y| y.year);
            let kind = budget_kind(&label);
            previous_label = Some((label.clone(), year, kind));
            push_unique(
                &mut out,
                BudgetLine {
                    part_of_item: None,
                    label,
                    fiscal_year: year,
                    kind,
                    amount_yen: Some(m.yen),
                    part_of,
                    item: None,
                    portion: None,
                    raw: text.to_string(),
                },
            );
        }
    }
    out
}

/// The part of `original` whose width-folded form is `folded[start..end]` (folding maps
/// characters one to one, so char positions agree).
fn original_slice(original: &str, folded: &str, start: usize, end: usize) -> String {
    let char_start = folded.get(..start).map_or(0, |s| s.chars().count());
    let char_len = folded.get(start..end).map_or(0, |s| s.chars().count());
    original.chars().skip(char_start).take(char_len).collect()
}

pub(super) fn push_unique(out: &mut Vec<BudgetLine>, line: BudgetLine) {
    let same = |b: &BudgetLine| {
        squash(&b.label) == squash(&line.label)
            && b.amount_yen == line.amount_yen
            && b.part_of == line.part_of
            && b.item == line.item
            && b.portion == line.portion
    };
    if !out.iter().any(same) {
        out.push(line);
    }
}

/// Remove budget lines that a sheet shares verbatim with another sheet when one of them
/// contradicts the sheet's own total for that year and kind: a text box of the next sheet
/// that extraction placed in this block (the next sheet repeats it). All shared lines go.
pub fn drop_stray_budget_lines(sheets: &mut [ProgramRecord]) {
    let raws: Vec<Vec<String>> = sheets
        .iter()
        .map(|s| s.budget.iter().map(|b| squash(&b.raw)).collect())
        .collect();
    for (i, sheet) in sheets.iter_mut().enumerate() {
        let totals: Vec<(Option<i32>, Option<super::BudgetKind>, String)> = sheet
            .budget
            .iter()
            .filter(|b| !b.part_of && b.portion.is_none())
            .map(|b| (b.fiscal_year, b.kind, squash(&b.raw)))
            .collect();
        let elsewhere = |b: &BudgetLine| {
            let raw = squash(&b.raw);
            raws.iter()
                .enumerate()
                .any(|(j, r)| j != i && r.contains(&raw))
        };
        let conflicts = |b: &BudgetLine| {
            let raw = squash(&b.raw);
            totals
                .iter()
                .any(|(y, k, r)| *y == b.fiscal_year && *k == b.kind && *r != raw)
        };
        // One stray line shows the whole shared text box is stray.
        if sheet.budget.iter().any(|b| elsewhere(b) && conflicts(b)) {
            sheet.budget.retain(|b| !elsewhere(b));
        }
    }
}

/// Rate lines: labelled (補助率, 交付率) or flow-diagram lines holding only rates.
fn subsidy_rates(block: &Block) -> Vec<SubsidyRate> {
    let mut out: Vec<SubsidyRate> = Vec::new();
    let lines: Vec<(usize, &Line)> = block
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.is_blank())
        .collect();
    let mut in_rate_label = false;
    for (pos, (index, line)) in lines.iter().enumerate() {
        let text = line.text.trim();
        let folded = fold_width(text);
        let labelled = folded.contains("補助率") || folded.contains("交付率");
        let continuation = in_rate_label && folded.starts_with(':');
        in_rate_label = labelled || continuation;
        if labelled || continuation {
            let subject_line = lines
                .get(pos.wrapping_sub(1))
                .map(|(_, l)| l.text.as_str())
                .filter(|_| pos > 0);
            for rate in labelled_rates(&folded, subject_line) {
                push_rate(&mut out, rate);
            }
            continue;
        }
        if is_rate_only_line(&folded) {
            // "(１の事業)" on the very next line names what the rates are for.
            let next = block.get(index + 1).map(|l| fold_width(l.text.trim()));
            let applies_to = next
                .filter(|n| (n.starts_with('(') && n.ends_with(')')) && n.contains("の事業"))
                .map(|n| n[1..n.len() - 1].to_string());
            for (rate, _, _) in find_rates(&folded) {
                push_rate(
                    &mut out,
                    SubsidyRate {
                        rate,
                        applies_to: applies_to.clone(),
                        raw: text.to_string(),
                    },
                );
            }
        }
    }
    // A bare rate repeated elsewhere in a diagram adds nothing to one with a subject.
    let with_subject: Vec<String> = out
        .iter()
        .filter(|r| r.applies_to.is_some())
        .map(|r| r.rate.clone())
        .collect();
    out.retain(|r| r.applies_to.is_some() || !with_subject.contains(&r.rate));
    out
}

pub(super) fn push_rate(out: &mut Vec<SubsidyRate>, rate: SubsidyRate) {
    if !out
        .iter()
        .any(|r| r.rate == rate.rate && r.applies_to == rate.applies_to)
    {
        out.push(rate);
    }
}

/// A line of a flow diagram holding rates and at most a short label ("委託費 定額",
/// "３/４、４/５ 地方公共団体").
fn is_rate_only_line(folded: &str) -> bool {
    let rates = find_rates(folded);
    if rates.is_empty() || folded.contains('円') || folded.contains('。') {
        return false;
    }
    let mut rest = String::new();
    let mut cursor = 0;
    for (_, s, e) in &rates {
        rest.push_str(folded.get(cursor..*s).unwrap_or(""));
        cursor = *e;
    }
    rest.push_str(folded.get(cursor..).unwrap_or(""));
    let rest: String = rest
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '、' | ',' | '，'))
        .collect();
    rest.chars().count() <= 8
}

/// Rates of a labelled line with their subjects.
pub(super) fn labelled_rates(folded: &str, previous_line: Option<&str>) -> Vec<SubsidyRate> {
    let raw = folded.to_string();
    let (head, tail) = match folded.find("補助率").or_else(|| folded.find("交付率")) {
        Some(p) => (&folded[..p], &folded[p + "補助率".len()..]),
        None => ("", folded),
    };
    let tail = tail.trim_start_matches(['】', ']', ':', ' ', '〕', '>', '》', '〉', '」']);
    // Subject written before the label: "（１）活躍推進型 ２．１億円【補助率】 ２分の１".
    // Brackets and bullets around the label are not a subject.
    // "実施方法  補助      補助率  1/2": a label-and-value cell before the label's, not its
    // subject ("（Ａ）寄り添い支援型プラス  【補助率】" is one).
    let cell = head.trim_end_matches(['【', '[', '〔', '<', '《']);
    let head = if cell.ends_with("  ") && cell.trim().contains("  ") {
        ""
    } else {
        head
    };
    let head = super::labels::strip_marker(head.trim());
    let mut head_subject = strip_numbering(
        head.trim_end_matches(['【', '[', '○', ' ', '〔', '<', '《', '〈', '「'])
            .trim_start_matches(['○', ' ']),
    );
    if let Some(m) = find_money(&head_subject).first() {
        head_subject = head_subject[..m.start].trim().to_string();
    }
    let head_text = head
        .trim()
        .trim_matches(['【', '[', '〔', '<', '《', '〈', '「', '○', ' ']);
    if head_subject.is_empty() && !head_text.is_empty() {
        // Label after an amount only: the subject is the heading on the line before.
        if let Some(prev) = previous_line {
            let p = fold_width(prev.trim());
            // A labelled field on the line before ("(3) 実施主体：…") is not a subject.
            if starts_with_numbering(&p)
                && !p.contains("補助率")
                && super::labels::split_label(&p).is_none()
            {
                head_subject = strip_numbering(&p);
            }
        }
    }
    let mut out = Vec::new();
    // Split the tail into clauses at 、 outside parentheses.
    let clauses = split_top_level(tail);
    let mut group: Vec<String> = Vec::new();
    for clause in clauses {
        let clause = clause.trim();
        let (main, paren) = match clause.find(['(', '（']) {
            Some(p) => (
                &clause[..p],
                Some(clause[p..].trim_matches(['(', ')', '（', '）'])),
            ),
            None => (clause, None),
        };
        let rates = find_rates(main);
        let Some((rate, start, _)) = rates.first().cloned() else {
            continue;
        };
        let subject_before = main[..start].trim().to_string();
        group.push(rate.clone());
        let mut subject = if !subject_before.is_empty() {
            Some(subject_before)
        } else if !head_subject.is_empty() {
            Some(head_subject.clone())
        } else {
            None
        };
        let mut later = Vec::new();
        if let Some(p) = paren {
            if let Some((who, what)) = p.split_once('は') {
                // "（ＮＰＯ法人等は定額、上限 500万円）"
                for (r, _, _) in find_rates(what) {
                    later.push(SubsidyRate {
                        rate: r,
                        applies_to: Some(who.trim().to_string()),
                        raw: raw.clone(),
                    });
                }
            } else if find_rates(p).is_empty() && subject.is_none() {
                // "10/10 、２/３（都道府県・指定都市）": the parenthesis covers the group.
                subject = Some(p.trim().to_string());
                for earlier in &group[..group.len() - 1] {
                    out.retain(|r: &SubsidyRate| !(r.rate == *earlier && r.applies_to.is_none()));
                    out.push(SubsidyRate {
                        rate: earlier.clone(),
                        applies_to: subject.clone(),
                        raw: raw.clone(),
                    });
                }
            }
            group.clear();
        }
        out.push(SubsidyRate {
            rate,
            applies_to: subject,
            raw: raw.clone(),
        });
        out.append(&mut later);
    }
    out
}

pub(super) fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in s.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth -= 1,
            _ => {}
        }
        if depth <= 0 && matches!(c, '、' | ',') {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

fn starts_with_numbering(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    regex(r"^(?:\([0-9A-Za-z]{1,2}\)|[0-9]{1,2}[.．]|[①-⑳])", &RE).is_match(s)
}

/// "（１）活躍推進型" → "活躍推進型" (input width-folded).
fn strip_numbering(s: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = regex(
        r"^\s*(?:\([0-9A-Za-z]{1,2}\)|[0-9]{1,2}[.．]|[①-⑳])\s*",
        &RE,
    );
    re.replace(s, "").trim().to_string()
}

/// `実施主体` lists, split at 、 outside parentheses, deduplicated in order.
fn implementing_bodies(block: &Block) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in block {
        let t = line.text.trim();
        let Some(p) = t.find("実施主体") else {
            continue;
        };
        let rest = &t[p + "実施主体".len()..];
        let Some(rest) = rest
            .strip_prefix('】')
            .or_else(|| rest.strip_prefix('：'))
            .or_else(|| rest.strip_prefix(':'))
        else {
            continue;
        };
        let rest = rest.split('【').next().unwrap_or("");
        // "【実施主体】：民間団体": the colon after the bracket is not part of a body.
        let rest = rest.trim_start_matches([':', '：', ' ', '　']);
        for body in split_top_level(rest) {
            let body = body.trim().trim_end_matches(['。', ' ']).to_string();
            if !body.is_empty() && !out.contains(&body) {
                out.push(body);
            }
        }
    }
    out
}

/// 補助基準額 per unit ("１都道府県あたり 7,206千円") and caps ("上限 500万円").
fn unit_amounts(block: &Block) -> Vec<UnitAmount> {
    static PER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let per_re = regex(
        r"(\S*あたり|上限)\s*[0-9０-９][0-9０-９,，.．]*\s*(?:千|万|百万|億)?円",
        &PER,
    );
    let mut out: Vec<UnitAmount> = Vec::new();
    for line in block {
        let t = line.text.trim();
        for c in per_re.captures_iter(t) {
            let Some(whole) = c.get(0) else { continue };
            let Some(yen) = find_money(whole.as_str()).first().map(|m| m.yen) else {
                continue;
            };
            // "【補助基準額】１都道府県あたり" → "１都道府県あたり".
            let per = c[1]
                .rsplit(['】', '：', ':'])
                .next()
                .unwrap_or(&c[1])
                .to_string();
            if !out.iter().any(|u| u.per == per && u.amount_yen == yen) {
                out.push(UnitAmount {
                    per,
                    amount_yen: yen,
                    raw: t.to_string(),
                });
            }
        }
    }
    out
}

/// The contact line (［お問い合わせ先］…, 【担当】…).
fn contact(block: &Block) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = regex(
        r"[［【\[](?:お問い?合わ?せ先|問い?合わ?せ先|担当|連絡先)[］】\]]\s*[：:]?\s*(.+)$",
        &RE,
    );
    block
        .iter()
        .find_map(|l| re.captures(l.text.trim()).map(|c| c[1].trim().to_string()))
}

#[derive(Default)]
struct Sections {
    purpose: Option<String>,
    overview: Option<String>,
    effects: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Heading {
    Purpose,
    Overview,
    Effects,
    /// 事業概要・目的 of the 内閣府 template (content precedes the title).
    TemplateSummary,
    /// 実施主体等: its numbered items interleave with the overview's in extraction.
    Bodies,
    Other,
}

const HEADINGS: &[(&str, Heading)] = &[
    ("事業概要・目的", Heading::TemplateSummary),
    ("事業の目的", Heading::Purpose),
    ("施策の目的", Heading::Purpose),
    ("目的・スキーム", Heading::Purpose),
    ("対策のポイント", Heading::Purpose),
    ("事業の概要", Heading::Overview),
    ("施策の概要", Heading::Overview),
    ("事業の内容", Heading::Overview),
    ("事業内容・フロー", Heading::Overview),
    ("期待される効果", Heading::Effects),
    ("成果イメージ", Heading::Effects),
    ("事業目標", Heading::Effects),
    ("実施主体等", Heading::Bodies),
    ("資金の流れ", Heading::Other),
    ("事業の流れ", Heading::Other),
    ("事業イメージ", Heading::Other),
    ("施策のスキーム図", Heading::Other),
    ("対策の柱との関係", Heading::Other),
    ("制度スキーム", Heading::Other),
];

/// The heading a line is, if it is one: short, optionally numbered or bracketed.
fn heading(line: &str) -> Option<Heading> {
    let folded = fold_width(line.trim());
    let stripped = strip_numbering(&folded);
    let stripped = stripped.trim_start_matches(['<', '＜', '【', '[', '［', ' ']);
    if stripped.chars().count() > 45 || stripped.contains('。') {
        return None;
    }
    HEADINGS
        .iter()
        .find(|(h, _)| stripped.starts_with(h))
        .map(|(_, kind)| *kind)
}

/// Paragraphs: runs of non-blank lines, as (first index, last index, joined text).
fn paragraphs(block: &Block, from: usize, to: usize) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for i in from..to.min(block.len()) {
        let blank = block[i].is_blank();
        if !blank && start.is_none() {
            start = Some(i);
        }
        if let Some(s) = start {
            let end_here = blank || i + 1 == to.min(block.len());
            if end_here {
                let last = if blank { i - 1 } else { i };
                let text: String = block[s..=last].iter().map(|l| l.text.trim()).collect();
                out.push((s, last, text));
                start = None;
            }
        }
    }
    out
}

fn is_prose(text: &str) -> bool {
    text.contains('。') || text.chars().count() >= 20
}

/// `labels`: block lines holding a vocabulary label ([`super::labels`]); a body never runs
/// over one.
fn sections(block: &Block, title: usize, labels: &[usize]) -> Sections {
    let mut found = Sections::default();
    let headings: Vec<(usize, Heading)> = block
        .iter()
        .enumerate()
        .filter_map(|(i, l)| heading(&l.text).map(|h| (i, h)))
        .collect();
    let is_heading_or_title = |i: usize| i == title || headings.iter().any(|(h, _)| *h == i);
    let is_boundary = |i: usize| is_heading_or_title(i) || labels.contains(&i);
    // Headings stacked above one another (no text between) share the bodies below them in
    // an order the text does not show: such headings, and the one after them, get nothing.
    let stacked = |index: usize| {
        block
            .iter()
            .enumerate()
            .skip(index + 1)
            .filter(|(_, l)| !l.is_blank())
            // "（対象、補助率等）等": the heading's own second line.
            .find(|(_, l)| !l.text.trim().starts_with(['（', '(']))
            .is_some_and(|(i, _)| is_heading_or_title(i) && i != title)
    };
    let mut previous_stacked = false;
    for (pos, &(index, kind)) in headings.iter().enumerate() {
        let stacked_here = stacked(index);
        let ambiguous = stacked_here || previous_stacked;
        previous_stacked = stacked_here;
        let next = headings
            .get(pos + 1)
            .map_or(block.len(), |(i, _)| *i)
            .min(if title > index { title } else { block.len() });
        let slot = match kind {
            Heading::Purpose => &mut found.purpose,
            Heading::Overview => &mut found.overview,
            Heading::Effects => &mut found.effects,
            Heading::TemplateSummary => {
                template_summary(block, title, &mut found);
                continue;
            }
            Heading::Bodies => {
                if let Some(overview) = found.overview.as_mut() {
                    for item in interleaved_overview_items(block, index) {
                        overview.push('\n');
                        overview.push_str(&item);
                    }
                }
                continue;
            }
            Heading::Other => continue,
        };
        if ambiguous || slot.is_some() {
            continue;
        }
        let follows = content_follows(&block[index].text);
        let body = body_after(block, index, next, &is_boundary, follows);
        *slot = body.or_else(|| {
            // Content printed before its heading ("期待される効果" after the text).
            (kind == Heading::Effects && !follows)
                .then(|| body_before(block, index, &is_heading_or_title))
                .flatten()
        });
    }
    found
}

/// Two-column sheets (事業の概要 | 実施主体等) come out row by row: after the 実施主体等
/// heading, a numbered item "(2) 広報啓発活動支援" followed by prose is the overview's item,
/// one followed by 【実施主体】… fields is the right column's. Returns the overview items.
fn interleaved_overview_items(block: &Block, bodies_heading: usize) -> Vec<String> {
    let mut items = Vec::new();
    let mut pending: Option<String> = None;
    let mut in_overview = false;
    for (_, _, text) in paragraphs(block, bodies_heading + 1, block.len()) {
        let folded = fold_width(&text);
        if heading(&text).is_some() {
            break;
        }
        if starts_with_numbering(&folded) && text.chars().count() < 40 {
            pending = Some(text);
            in_overview = false;
        } else if folded.starts_with(['【', '※', '[']) {
            pending = None;
            in_overview = false;
        } else if let Some(sub) = pending.take() {
            if is_prose(&text) {
                items.push(sub);
                items.push(text);
                in_overview = true;
            }
        } else if in_overview {
            items.push(text);
        }
    }
    items
}

/// Bracketed (＜事業目標＞, 【…】) and numbered (１．事業の目的) headings are printed above
/// their content, even when it is short.
fn content_follows(line: &str) -> bool {
    let folded = fold_width(line.trim());
    folded.starts_with(['<', '【', '[', '［']) || starts_with_numbering(&folded)
}

/// Prose paragraphs after a heading: up to two leading non-prose paragraphs are skipped, the
/// body ends at the first non-prose paragraph after prose.
fn body_after(
    block: &Block,
    heading: usize,
    end: usize,
    is_heading: &dyn Fn(usize) -> bool,
    follows: bool,
) -> Option<String> {
    let mut body: Vec<String> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for (first, last, text) in paragraphs(block, heading + 1, end) {
        if (first..=last).any(is_heading) {
            break;
        }
        if is_prose(&text) {
            body.push(text);
        } else if body.is_empty() && skipped.len() < 2 {
            skipped.push(text);
        } else {
            break;
        }
    }
    if body.is_empty() && follows {
        // A short body ("食品アクセス確保に取り組む地域の増加") under its own heading.
        body = skipped.into_iter().take(1).collect();
    }
    (!body.is_empty()).then(|| body.join("\n"))
}

/// Prose paragraphs right before a heading, skipping diagram labels in between.
fn body_before(
    block: &Block,
    heading: usize,
    is_heading: &dyn Fn(usize) -> bool,
) -> Option<String> {
    let mut body: Vec<String> = Vec::new();
    let paras = paragraphs(block, 0, heading);
    let mut skipped = 0;
    for (first, last, text) in paras.into_iter().rev() {
        if (first..=last).any(is_heading) {
            break;
        }
        if is_prose(&text) {
            body.insert(0, text);
        } else if body.is_empty() && skipped < 3 {
            skipped += 1;
        } else {
            break;
        }
    }
    (!body.is_empty()).then(|| body.join("\n"))
}

/// 内閣府 template: the prose before the title holds 事業概要・目的 (○/〇 paragraphs →
/// purpose) and 事業イメージ・具体例 (numbered or plain items → overview).
fn template_summary(block: &Block, title: usize, found: &mut Sections) {
    let mut purpose: Vec<String> = Vec::new();
    let mut overview: Vec<String> = Vec::new();
    let mut current: Option<(bool, String)> = None;
    let flush = |current: &mut Option<(bool, String)>, p: &mut Vec<String>, o: &mut Vec<String>| {
        if let Some((bullet, text)) = current.take() {
            if bullet { p.push(text) } else { o.push(text) }
        }
    };
    for line in block.iter().take(title) {
        let t = line.text.trim();
        if t.is_empty() || heading(t).is_some() {
            continue;
        }
        let folded = fold_width(t);
        let bullet = t.starts_with(['○', '〇', '◯']);
        let numbered = starts_with_numbering(&folded)
            || folded.starts_with(|c: char| c.is_ascii_digit())
                && folded.chars().nth(1) == Some(' ');
        if bullet || numbered || current.is_none() {
            flush(&mut current, &mut purpose, &mut overview);
            current = Some((bullet, t.to_string()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(t);
        }
    }
    flush(&mut current, &mut purpose, &mut overview);
    if found.purpose.is_none() && !purpose.is_empty() {
        found.purpose = Some(purpose.join("\n"));
    }
    if found.overview.is_none() && !overview.is_empty() {
        found.overview = Some(overview.join("\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::clean::{blocks, lines};

    fn one(text: &str) -> ProgramRecord {
        let ls = lines(text);
        let bs = blocks(&ls);
        let mut all: Vec<ProgramRecord> = bs
            .iter()
            .flat_map(|b| records(b, &SourceInfo::new("t"), "令和"))
            .collect();
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn labelled_sheet() {
        let r = one(
            "事業名：地域共生社会の実現に向けたＮＰＯ法人等支援事業\n令和６年度補正予算額　２．４億円（令和５年度補正予算額　１．８億円）\n所管：厚生労働省　社会・援護局　地域福祉課\n　補助率：国 1/2（ＮＰＯ法人等は定額、上限 500万円）\n【担当】社会・援護局 地域福祉課 企画係（内線 2871）\n",
        );
        assert_eq!(
            r.name.as_deref(),
            Some("地域共生社会の実現に向けたＮＰＯ法人等支援事業")
        );
        assert_eq!(r.ministry.as_deref(), Some("厚生労働省"));
        assert_eq!(r.bureau.as_deref(), Some("社会・援護局 地域福祉課"));
        let amounts: Vec<(Option<i32>, Option<i64>)> = r
            .budget
            .iter()
            .map(|b| (b.fiscal_year, b.amount_yen))
            .collect();
        assert_eq!(
            amounts,
            vec![
                (Some(2024), Some(240_000_000)),
                (Some(2023), Some(180_000_000))
            ]
        );
        let rates: Vec<(&str, Option<&str>)> = r
            .subsidy_rates
            .iter()
            .map(|s| (s.rate.as_str(), s.applies_to.as_deref()))
            .collect();
        assert_eq!(
            rates,
            vec![("1/2", Some("国")), ("定額", Some("NPO法人等"))]
        );
        assert_eq!(r.unit_amounts[0].amount_yen, 5_000_000);
        assert_eq!(
            r.contact.as_deref(),
            Some("社会・援護局 地域福祉課 企画係（内線 2871）")
        );
    }

    #[test]
    fn portions_and_part_of() {
        let r = one(
            "施策名：地域における自殺対策の強化\n令和６年度補正予算 20億円\n（うち10億円が孤独・孤立対策分）\n【R7予算（案）額 6,136,919千円の内数】\n",
        );
        assert_eq!(r.budget.len(), 3, "{:?}", r.budget);
        assert_eq!(r.budget[1].portion.as_deref(), Some("孤独・孤立対策分"));
        assert_eq!(r.budget[1].amount_yen, Some(1_000_000_000));
        assert!(r.budget[2].part_of);
        assert_eq!(r.budget[2].fiscal_year, Some(2025));
    }

    #[test]
    fn no_title_no_record() {
        let ls = lines("令和６年度補正予算 20億円\n");
        assert!(
            blocks(&ls)
                .iter()
                .all(|b| records(b, &SourceInfo::new("t"), "令和").is_empty())
        );
    }

    #[test]
    fn template_with_content_before_title() {
        // 内閣府 template: items and ○ paragraphs first, title and headings after them.
        let r = one(
            "１ 地方公共団体の取組を支援します。\n\n○ 孤独・孤立対策推進法が施行されました。\n\n地域の交付金（内閣府孤独・孤立対策推進室）\n\n ７年度概算決定額 １．４億円（６年度予算額１．３億円）\n\n事業概要・目的 事業イメージ・具体例\n\n資金の流れ\n\n○ 全国各地で孤独・孤立対策が展開されます。\n\n期待される効果\n\n１/２、３/４\n",
        );
        assert_eq!(r.name.as_deref(), Some("地域の交付金"));
        assert_eq!(r.ministry.as_deref(), Some("内閣府"));
        assert_eq!(r.bureau.as_deref(), Some("孤独・孤立対策推進室"));
        assert_eq!(
            r.purpose.as_deref(),
            Some("○ 孤独・孤立対策推進法が施行されました。")
        );
        assert_eq!(
            r.overview.as_deref(),
            Some("１ 地方公共団体の取組を支援します。")
        );
        assert_eq!(
            r.effects.as_deref(),
            Some("○ 全国各地で孤独・孤立対策が展開されます。")
        );
        let b: Vec<_> = r
            .budget
            .iter()
            .map(|b| (b.fiscal_year, b.kind, b.amount_yen))
            .collect();
        assert_eq!(
            b,
            vec![
                (
                    Some(2025),
                    Some(super::super::BudgetKind::Decided),
                    Some(140_000_000)
                ),
                (
                    Some(2024),
                    Some(super::super::BudgetKind::Initial),
                    Some(130_000_000)
                ),
            ]
        );
        let rates: Vec<&str> = r.subsidy_rates.iter().map(|s| s.rate.as_str()).collect();
        assert_eq!(rates, vec!["1/2", "3/4"]);
    }

    #[test]
    fn stacked_headings_give_no_text_fields() {
        let r = one(
            "① 施策の目的\n\n③ 施策の概要\n（対象、補助率等）等\n\n⑤ 成果イメージ\n\n・自殺者数は過去最多の水準で推移している。\n\n施策名：地域における自殺対策の強化\n令和６年度補正予算 20億円\n",
        );
        assert_eq!(r.purpose, None);
        assert_eq!(r.overview, None);
        assert_eq!(r.effects, None);
        assert_eq!(r.budget[0].amount_yen, Some(2_000_000_000));
    }

    #[test]
    fn artefacts_do_not_leak_into_fields() {
        // Fake-bold title line and vertical text inside a sheet.
        let r = one(
            "更生保護地域寄り添い支援  事業\n地域支援地域支援地域支援地域支援\nコ\nー\nデ\n【R6補正予算額 681,592千円の内数】\n",
        );
        assert_eq!(r.name.as_deref(), Some("更生保護地域寄り添い支援事業"));
        assert_eq!(r.budget.len(), 1);
        assert!(r.budget[0].part_of);
        assert_eq!(r.budget[0].amount_yen, Some(681_592_000));
        assert_eq!(r.sources[0].line_end, 6);
    }

    #[test]
    fn split_org_units() {
        assert_eq!(
            split_org("内閣府男女共同参画局総務課"),
            (Some("内閣府".into()), Some("男女共同参画局 総務課".into()))
        );
        assert_eq!(
            split_org("成育局 成育環境課"),
            (None, Some("成育局 成育環境課".into()))
        );
    }
}
