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

mod fields;
mod sections;

use super::amounts::{budget_kind, find_money, find_rates, find_year, fold_width};
use super::clean::{Block, Line, squash};
use super::list::MINISTRIES;
use super::{BudgetLine, ProgramRecord, SourceInfo, SourceSpan, SubsidyRate, UnitAmount};
use fields::*;
pub(super) use fields::{labelled_rates, push_rate, split_top_level};
use sections::*;
use std::collections::{HashMap, HashSet};

/// A title candidate.
#[derive(Debug, Clone)]
pub(super) struct Title {
    pub(super) name: String,
    pub(super) org: Option<String>,
    pub(super) number: Option<u32>,
    pub(super) index: usize,
    pub(super) strength: u8,
}

impl Title {
    /// A candidate at line `index` of the block, the stronger the likelier.
    fn new(
        name: String,
        org: Option<String>,
        number: Option<u32>,
        index: usize,
        strength: u8,
    ) -> Title {
        Title {
            name,
            org,
            number,
            index,
            strength,
        }
    }
}

/// The record a block describes, if it has a title. `running` holds the document's running
/// headers (`running_headers`): a title that is one names the document, not a sheet.
pub fn records(
    block: &Block,
    source: &SourceInfo,
    default_era: &str,
    running: &HashSet<String>,
) -> Vec<ProgramRecord> {
    let hits = super::labels::find(block);
    if is_contents(&hits) || is_form_letter(block) {
        return Vec::new();
    }
    let title = super::form::labelled_title(block, &hits, find_title(block));
    if title.as_ref().is_some_and(|t| running.contains(&t.name)) {
        return Vec::new();
    }
    let Some(title) = title else {
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
    if record.bureau.is_none() {
        record.bureau = bureau_line(block, &hits);
    }
    record.budget = budget_lines(block, default_era);
    record.subsidy_rates = subsidy_rates(block);
    record.implementing_bodies = implementing_bodies(block);
    record.unit_amounts = unit_amounts(block);
    record.contact = contact(block);
    // The section rules read their own headings (some are house-format labels too); the
    // other labels end a section.
    let label_lines: Vec<usize> = hits
        .iter()
        .filter(|h| {
            !(super::labels::is_house_heading(&h.label)
                && block
                    .get(h.label_index)
                    .is_some_and(|l| sections::heading(&l.text).is_some()))
        })
        .map(|h| h.label_index)
        .collect();
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
    // A weak title (a first line or heading ending in 事業, a bullet) with no field read is
    // no evidence of a sheet: the cover of a subsidy guideline. A labelled, numbered or
    // office-tagged title is, and is reported flagged `no_fields`.
    if title.strength < MIN_BARE_TITLE_STRENGTH && record.flags.iter().any(|f| f == "no_fields") {
        return Vec::new();
    }
    vec![record]
}

/// Weakest title that makes a record on its own (flagged `no_fields`): a `局 課name` line.
const MIN_BARE_TITLE_STRENGTH: u8 = 7;

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
            // "施策名：…事業 令和6年度補正予算 20億円": the amount beside it is not the name's.
            consider(Title::new(
                tidy(super::form::before_budget(&c[1])),
                None,
                None,
                i,
                10,
            ));
        }
        if let Some(c) = number.captures(&folded) {
            pending_number = c[1].parse().ok();
        } else if let Some(n) = pending_number {
            // "No.51 令和７年度当初予算案" / "：居住支援協議会等活動支援事業 10.81億円"
            if let Some(item) = colon_item(text) {
                consider(Title::new(item, None, Some(n), i, 9));
                pending_number = None;
            } else if !text.starts_with(['：', ':']) {
                pending_number = None;
            }
        }
        if let Some(c) = org_title.captures(text) {
            let name = tidy(&c[1]);
            let org = c[2].trim().to_string();
            // A name that is itself an office (`発行　内閣府（原稿作成　国立印刷局）`, the
            // gazette's imprint; `都道府県民生主管部（局）`, a notice's addressee, its
            // office's other name in parentheses) names no programme; nor does a bare
            // office word (`（局）`) tag one.
            if is_title_text(&name)
                && !name.ends_with(['府', '省', '庁', '局', '課', '室', '部'])
                && org.chars().count() >= 2
                && looks_like_org(&org)
                && !sentence_goes_on(block, i)
                && !one_of_tagged_items(block, i)
            {
                consider(Title::new(name, Some(org), None, i, 8));
            }
        }
        if let Some(c) = bureau_prefix.captures(text) {
            consider(Title::new(
                c[3].to_string(),
                Some(format!("{} {}", &c[1], &c[2])),
                None,
                i,
                7,
            ));
        }
        if let Some(c) = bullet.captures(text) {
            consider(Title::new(tidy(&c[1]), None, None, i, 5));
        }
        if first_text {
            first_text = false;
            let name = tidy(text);
            if name.ends_with("事業") && name.chars().count() <= 40 && is_title_text(&name) {
                consider(Title::new(name, None, None, i, 4));
            }
        }
    }
    best
}

/// A table of contents: at least three labels whose value is a page number alone
/// (`2. 事業の目的　5`), and they are at least half of the labels with a value (a subsidy
/// guideline's contents page names the fields of the document, not of a sheet).
fn is_contents(hits: &[super::labels::Hit]) -> bool {
    let page_number = |v: &str| {
        let v = fold_width(v);
        let v = v.trim().trim_start_matches(['・', '…', '.', ' ', 'P', 'p']);
        !v.is_empty() && v.len() <= 4 && v.chars().all(|c| c.is_ascii_digit())
    };
    // The first line of each value: an entry's page number, then maybe the next entry
    // when that entry's label is not in the vocabulary.
    let valued: Vec<&str> = hits
        .iter()
        .filter_map(|h| h.value.trim().lines().next())
        .filter(|v| !v.trim().is_empty())
        .collect();
    let numbers = valued.iter().filter(|v| page_number(v)).count();
    numbers >= 3 && 2 * numbers >= valued.len()
}

/// A formal letter or report form (`…規程第１８条の規定に基づき、下記のとおり報告します。`,
/// then `記` alone on its line, then numbered items to fill in): the items name a programme
/// the sender reports on (`１．補助事業名` over a blank form), but the page is no sheet of it.
/// A budget sheet states its fields; it does not address anyone.
fn is_form_letter(block: &Block) -> bool {
    // `trim` takes U+3000 too.
    let Some(ki) = block.iter().position(|l| l.text.trim() == "記") else {
        return false;
    };
    // The request sentence wraps anywhere (`下記の` / `とおり報告します。`).
    let before: String = block[..ki].iter().map(|l| l.text.trim()).collect();
    before.contains("下記のとおり") || before.contains("下記の通り")
}

/// Fewest pages a running header is found on, and the least share of the document's pages.
const RUNNING_MIN_PAGES: usize = 5;

/// A long document's running headers: texts (tidied) among the first three lines of at least
/// [`RUNNING_MIN_PAGES`] pages and of at least half of its pages (a subsidy guideline's
/// `事業承継・M&A 補助金` over each of its 50 pages). A PR sheet's title heads its own sheet,
/// one or two pages.
pub(super) fn running_headers(lines: &[Line]) -> HashSet<String> {
    let mut pages: HashMap<&str, HashSet<u32>> = HashMap::new();
    let mut all_pages = HashSet::new();
    let mut head: (u32, usize) = (0, 0);
    for l in lines {
        all_pages.insert(l.page);
        if l.is_blank() {
            continue;
        }
        if head.0 != l.page {
            head = (l.page, 0);
        }
        head.1 += 1;
        if head.1 <= 3 {
            pages.entry(l.text.trim()).or_default().insert(l.page);
        }
    }
    pages
        .into_iter()
        .filter(|(_, p)| p.len() >= RUNNING_MIN_PAGES && 2 * p.len() >= all_pages.len())
        .map(|(t, _)| tidy(t))
        .collect()
}

/// Other lines tagged with an office in parentheses that make line `i`'s tag one of a list's.
const MIN_TAGGED_SIBLINGS: usize = 3;

/// Whether line `i`, a name with its office in parentheses, is one item of a list of such
/// lines: at least [`MIN_TAGGED_SIBLINGS`] other lines of the block carry an office in
/// parentheses too, wherever on the line (a ward's budget book tags each revenue item with
/// its department, `9 　中学校改築（教育委員会事務局）　210,946`; the item whose amount
/// wrapped to the next line looked like a sheet's title). A sheet names its office once.
fn one_of_tagged_items(block: &Block, i: usize) -> bool {
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let tag = regex(r"[（(]([^（）()]*(?:府|省|庁|局|課|室|部))[）)]", &TAG);
    block
        .iter()
        .enumerate()
        .filter(|&(k, l)| {
            k != i
                && tag
                    .captures_iter(&l.text)
                    .any(|c| looks_like_org(c[1].trim()))
        })
        .take(MIN_TAGGED_SIBLINGS)
        .count()
        >= MIN_TAGGED_SIBLINGS
}

/// Whether the next non-blank line after `i` carries on a sentence (starts with a case
/// particle): "…特設サイト（内閣官房…対策室）" then "が立ち上がった。" is prose, not a sheet's
/// title line (a discussion paper of the Government CIO advisers).
fn sentence_goes_on(block: &Block, i: usize) -> bool {
    block
        .iter()
        .skip(i + 1)
        .find(|l| !l.is_blank())
        .and_then(|l| l.text.trim_start().chars().next())
        .is_some_and(|c| {
            matches!(
                c,
                'が' | 'を' | 'に' | 'は' | 'で' | 'と' | 'も' | 'へ' | 'や'
            )
        })
}

/// A program name, not a sentence or a field.
pub(super) fn is_title_text(s: &str) -> bool {
    let n = s.chars().count();
    (4..=60).contains(&n)
        && !s.contains(['。', '、', '：', ':', '【', '＜'])
        && !s.starts_with(['（', '(', '・', '○', '〇', '※'])
        && !names_a_field(s)
}

/// A heading that is a field's label, section number and marks aside (`2.3 補助対象事業`, a
/// guideline's section on eligible projects): it names a field of a sheet, not a program.
fn names_a_field(s: &str) -> bool {
    static NUMBER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let number = regex(r"^[0-9０-９]+(?:[.．\-－][0-9０-９]+)+[.．]?\s*", &NUMBER);
    let rest = number.find(s).map_or(s, |m| &s[m.end()..]);
    super::labels::field_of(super::labels::strip_marker(rest.trim())).is_some()
}

fn looks_like_org(s: &str) -> bool {
    // A phone number or a condition in parentheses is not an org, nor is a room on a floor
    // (`会場　よろーな（1 階大会議室）`, a newsletter's venue).
    let room = s.contains('階')
        || s.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c));
    MINISTRIES.iter().any(|m| s.starts_with(m))
        || (s.ends_with(['室', '課', '局']) && !s.contains(['、', '。']) && !room)
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

/// A line holding only a bureau and its division ("製造産業局 振興課", "成育局　総務課") in the
/// sheet's head (above every field label, an amount line included, among its first five
/// lines) or right under an amount line (the slide's top-right box, which default-mode
/// pdftotext may write after a column of the sheet): the sheet's bureau.
fn bureau_line(block: &Block, hits: &[super::labels::Hit]) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = regex(r"^(\S{1,12}(?:局|庁|官房))[\s　]+(\S{1,12}(?:課|室))$", &RE);
    let read = |l: &Line| {
        // A labelled line (`担当部局　医政局計画課`) is its label's, not a bare bureau line.
        if super::labels::split_label(&l.text).is_some() {
            return None;
        }
        let c = re.captures(l.text.trim())?;
        Some(format!("{} {}", &c[1], &c[2]))
    };
    let head_end = super::labels::head_end(block, hits);
    let in_head = block
        .iter()
        .take(head_end)
        .filter(|l| !l.is_blank())
        .take(5)
        .find_map(read);
    in_head.or_else(|| {
        hits.iter()
            .filter(|h| h.is_amount_line())
            .find_map(|h| block.get(h.label_index + 1).and_then(read))
    })
}

/// Whether a label names a budget figure (not a grant decision or a track record).
fn is_budget_label(label: &str) -> bool {
    let l = fold_width(label);
    (l.contains("予算") || l.contains("概算決定") || l.contains("概算要求") || l.contains("要求額"))
        && !l.contains("交付決定")
        && !l.contains("実績")
}

/// A budget label with a name before its year ("…事業令和6年度補正予算額") → the label from
/// the year on; unchanged when the year comes first or the text before it names a budget
/// itself ("補正予算額(令和6年度)").
fn without_leading_name(label: &str) -> String {
    static YEAR: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let year = regex(
        r"(?:令和|平成|[RＲ])?[0-9０-９元]{1,2}年度|[RＲ][0-9０-９]{1,2}",
        &YEAR,
    );
    match year.find(label) {
        Some(m) if m.start() > 0 && !label[..m.start()].contains("予算") => {
            label[m.start()..].to_string()
        }
        _ => label.to_string(),
    }
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
    let mut previous_label: PreviousLabel = None;
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
        line_amounts(
            text,
            &folded,
            &money,
            default_era,
            &mut previous_label,
            &mut out,
        );
    }
    out
}

/// The label of the last budget amount read: (label, fiscal year, kind).
type PreviousLabel = Option<(String, Option<i32>, Option<super::BudgetKind>)>;

/// The budget amounts of one line (`money` found in `text`, `folded` its folded form), each
/// with the label before it; a `うち` portion belongs to the label before it
/// (`previous_label`).
fn line_amounts(
    text: &str,
    folded: &str,
    money: &[crate::segment::amounts::Money],
    default_era: &str,
    previous_label: &mut PreviousLabel,
    out: &mut Vec<BudgetLine>,
) {
    let mut cursor = 0;
    for m in money {
        let before = original_slice(text, folded, cursor, m.start);
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
                out,
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
        // "…事業 令和6年度補正予算額 3.1億円" (a title beside its amount): the label starts at
        // its year; the name before it is not part of the label.
        let before_clean = without_leading_name(&before_clean);
        if !is_budget_label(&before_clean) || before_clean.chars().count() > 30 {
            continue;
        }
        let label = before_clean
            .trim_start_matches(['、', '，', ','])
            .to_string();
        let year = find_year(&label, default_era).map(|y| y.year);
        let kind = budget_kind(&label);
        *previous_label = Some((label.clone(), year, kind));
        push_unique(
            out,
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

#[cfg(test)]
mod tests;
