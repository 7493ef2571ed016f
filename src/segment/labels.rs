//! The label vocabulary of budget PR sheets and a label finder over text lines.
//!
//! Budget sheets of every ministry are forms: a fixed set of labelled fields (事業名, 予算額,
//! 補助率, 実施主体, 事業概要 …) whose placement varies. [`VOCABULARY`] lists the labels
//! and the field each one fills; [`label_key`] folds the spelling variants (全角/半角, spaces,
//! の and ・ between words, brackets 【】［］[]〔〕＜＞<>《》「」 and a trailing ：/:) so one
//! entry covers them all.
//!
//! [`find`] reads a block line by line and recognises, at the start of a line (after a
//! bullet ○●◎■□◆◇・ or a number ①, (1), 1.):
//!
//! * `【label】value`, `［label］：value` (any bracket pair, value may be empty);
//! * `label：value` / `label: value`;
//! * `label  value` (label then a space — the value follows in the same cell);
//! * `label` alone on its line: a headed paragraph, the value is on the lines below;
//! * a value that is itself followed, after two or more spaces, by another label (cells of
//!   one table row side by side, as a layout-preserving extraction writes them) is cut there.
//!
//! A value runs on over the following lines until the next label line or a blank line; after
//! a blank line it continues only while the lines are list items (○, ・, ①, (1)) like the
//! ones before it. Invariant: a label is recognised only when its whole folded text is a
//! vocabulary entry — never by substring — so running prose is not mistaken for a field.

use super::amounts::fold_width;
use super::clean::{Block, Line};

/// What a label fills in a [`super::ProgramRecord`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 事業名: the program's name.
    Name,
    /// 施策名: the policy (the name when there is no 事業名).
    Policy,
    /// 予算額 and its variants; labels naming a year/kind are read by the budget parser.
    Budget,
    /// 補助率 / 交付率.
    SubsidyRate,
    /// 実施主体.
    Bodies,
    /// 事業概要.
    Overview,
    /// 目的.
    Purpose,
    /// 期待される効果.
    Effects,
    /// 成果目標 (numeric targets).
    Goals,
    /// 担当 / 問い合わせ先.
    Contact,
    /// 事業期間.
    Period,
    /// 事業開始年度 (review sheets give start and end in separate cells).
    PeriodStart,
    /// 事業終了（予定）年度.
    PeriodEnd,
    /// 会計区分.
    Account,
    /// 対象者.
    Target,
    /// 補助対象 (what is subsidised).
    Eligible,
    /// 事業番号.
    Code,
    /// 新規/継続.
    Status,
    /// 担当府省庁 / 所管.
    Org,
    /// 補助基準額 / 補助上限額.
    UnitAmount,
    /// A section heading that fills no field (事業スキーム, 事業の流れ, 事業イメージ, 資金の
    ///流れ, 対策の柱との関係, 事業目的・概要 over its own 事業目的 / 事業概要): it only ends the
    /// value above it, so a flow chart or picture captions are not read into that value.
    Section,
}

impl Field {
    /// Fields holding one short value: an inline value is not continued on the next lines.
    fn is_single(self) -> bool {
        matches!(
            self,
            Field::Name
                | Field::Policy
                | Field::Account
                | Field::Code
                | Field::Status
                | Field::Period
                | Field::PeriodStart
                | Field::PeriodEnd
                | Field::Org
        )
    }
}

/// The label vocabulary: (label as usually written, field). Matching uses [`label_key`] of
/// both sides, so "事業の概要", "【事業概要】", "［ 事業・概要 ］：" all hit "事業概要".
/// Short generic labels (目的, 概要, 担当) are included because a label only counts at
/// the start of a line and as the whole label text. A bare 対象 is not: sheets use it for
/// target periods and target persons alike.
pub const VOCABULARY: &[(&str, Field)] = &[
    ("事業名", Field::Name),
    ("事業名称", Field::Name),
    ("事業の名称", Field::Name),
    ("補助事業名", Field::Name),
    ("施策名", Field::Policy),
    ("施策の名称", Field::Policy),
    ("予算額", Field::Budget),
    ("予算", Field::Budget),
    ("事業予算", Field::Budget),
    ("予算計上額", Field::Budget),
    ("予算要求額", Field::Budget),
    ("概算要求額", Field::Budget),
    ("要求額", Field::Budget),
    ("補正予算額", Field::Budget),
    ("当初予算額", Field::Budget),
    ("概算決定額", Field::Budget),
    ("補助率", Field::SubsidyRate),
    ("交付率", Field::SubsidyRate),
    ("補助割合", Field::SubsidyRate),
    ("補助率等", Field::SubsidyRate),
    ("実施主体", Field::Bodies),
    ("事業実施主体", Field::Bodies),
    ("実施主体等", Field::Bodies),
    ("補助事業者", Field::Bodies),
    ("事業主体", Field::Bodies),
    ("実施者", Field::Bodies),
    ("交付先", Field::Bodies),
    ("委託先", Field::Bodies),
    ("事業概要", Field::Overview),
    ("事業の概要", Field::Overview),
    ("施策の概要", Field::Overview),
    ("概要", Field::Overview),
    ("事業内容", Field::Overview),
    ("事業の内容", Field::Overview),
    ("施策の内容", Field::Overview),
    ("目的", Field::Purpose),
    ("事業目的", Field::Purpose),
    ("事業の目的", Field::Purpose),
    ("施策の目的", Field::Purpose),
    ("背景・目的", Field::Purpose),
    ("事業の背景・目的", Field::Purpose),
    ("目的・背景", Field::Purpose),
    ("事業の趣旨", Field::Purpose),
    ("趣旨", Field::Purpose),
    ("期待される効果", Field::Effects),
    ("期待される成果", Field::Effects),
    ("事業効果", Field::Effects),
    ("事業の効果", Field::Effects),
    ("効果", Field::Effects),
    ("見込まれる効果", Field::Effects),
    ("成果目標", Field::Goals),
    ("成果指標", Field::Goals),
    ("目標", Field::Goals),
    ("数値目標", Field::Goals),
    ("成果目標・指標", Field::Goals),
    ("アウトカム", Field::Goals),
    ("アウトカム目標", Field::Goals),
    ("KPI", Field::Goals),
    ("担当", Field::Contact),
    ("担当課", Field::Contact),
    ("担当課室", Field::Contact),
    ("担当部局", Field::Contact),
    ("担当部署", Field::Contact),
    ("担当部局課室", Field::Contact),
    ("問い合わせ先", Field::Contact),
    ("問合せ先", Field::Contact),
    ("お問い合わせ先", Field::Contact),
    ("お問合せ先", Field::Contact),
    ("連絡先", Field::Contact),
    ("事業期間", Field::Period),
    ("実施期間", Field::Period),
    ("事業実施期間", Field::Period),
    ("期間", Field::Period),
    ("事業開始年度", Field::PeriodStart),
    ("開始年度", Field::PeriodStart),
    ("事業終了（予定）年度", Field::PeriodEnd),
    ("事業終了年度", Field::PeriodEnd),
    ("終了予定年度", Field::PeriodEnd),
    ("会計区分", Field::Account),
    ("会計", Field::Account),
    ("対象者", Field::Target),
    ("事業対象者", Field::Target),
    ("支援対象", Field::Target),
    ("支援対象者", Field::Target),
    ("補助対象", Field::Eligible),
    ("補助対象経費", Field::Eligible),
    ("対象経費", Field::Eligible),
    ("補助対象事業", Field::Eligible),
    ("事業番号", Field::Code),
    ("事業コード", Field::Code),
    ("レビューシート番号", Field::Code),
    ("新規・継続", Field::Status),
    ("新規/継続", Field::Status),
    ("新規継続の別", Field::Status),
    ("担当府省庁", Field::Org),
    ("担当部局庁", Field::Org),
    ("担当府省", Field::Org),
    ("府省庁名", Field::Org),
    ("府省庁", Field::Org),
    ("所管", Field::Org),
    ("所管府省", Field::Org),
    ("補助基準額", Field::UnitAmount),
    ("補助上限額", Field::UnitAmount),
    ("補助上限", Field::UnitAmount),
];

/// Section headings of ministries' house formats (MAFF ＜対策のポイント＞ ＜政策目標＞, MEXT
/// 背景・課題, MHLW ⑤成果イメージ, METI 事業目的・概要 / 事業スキーム, CAO 事業概要・目的 /
/// 事業イメージ・具体例 …), read like [`VOCABULARY`]. Kept apart because the sample's heading
/// rules (`sheet::sections`) read some of them their own way: there they do not end a
/// section (see [`is_house_heading`]).
pub const HOUSE_HEADINGS: &[(&str, Field)] = &[
    ("対策のポイント", Field::Purpose),
    ("背景・課題", Field::Purpose),
    ("現状・課題", Field::Purpose),
    ("事業の背景", Field::Purpose),
    ("事業概要・目的", Field::Purpose),
    ("事業の趣旨・目的", Field::Purpose),
    ("政策目標", Field::Effects),
    ("事業目標", Field::Effects),
    ("成果イメージ", Field::Effects),
    ("想定される成果", Field::Effects),
    ("事業イメージ・具体例", Field::Overview),
    ("事業目的・概要", Field::Section),
    ("事業スキーム", Field::Section),
    ("スキーム", Field::Section),
    ("スキーム図", Field::Section),
    ("施策のスキーム図、実施要件", Field::Section),
    ("事業の流れ", Field::Section),
    ("資金の流れ", Field::Section),
    ("事業イメージ", Field::Section),
    ("対策の柱との関係", Field::Section),
];

/// Whether a label is one of [`HOUSE_HEADINGS`].
pub fn is_house_heading(label: &str) -> bool {
    let key = label_key(label);
    let bare = without_annotation(label).map(label_key);
    HOUSE_HEADINGS
        .iter()
        .any(|(l, _)| label_key(l) == key || bare.as_deref() == Some(label_key(l).as_str()))
}

/// Bracket pairs a label may be written in.
const BRACKETS: &[(char, char)] = &[
    ('【', '】'),
    ('［', '］'),
    ('[', ']'),
    ('〔', '〕'),
    ('＜', '＞'),
    ('<', '>'),
    ('《', '》'),
    ('「', '」'),
    ('〈', '〉'),
    ('≪', '≫'),
    ('(', ')'),
];

/// The comparable form of a label: width-folded, without whitespace, brackets, the
/// connectors の ・ / and a trailing colon. "［事業の概要］：" → "事業概要".
pub fn label_key(s: &str) -> String {
    let folded = fold_width(s);
    let mut key: String = folded
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(c, 'の' | '・' | '/' | '／' | '･')
                && !BRACKETS.iter().any(|(o, e)| c == o || c == e)
        })
        .collect();
    while key.ends_with([':', '：']) {
        key.pop();
    }
    key.make_ascii_uppercase();
    key
}

/// The field a label names, if it is in the vocabulary.
pub fn field_of(label: &str) -> Option<Field> {
    field_of_key(&label_key(label))
}

/// [`field_of`] of a label's [`label_key`].
fn field_of_key(key: &str) -> Option<Field> {
    // Keyed by label key; the first vocabulary entry of a key wins, as a scan in order would.
    static KEYS: std::sync::OnceLock<std::collections::HashMap<String, Field>> =
        std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut keys = std::collections::HashMap::new();
        for (l, f) in VOCABULARY.iter().chain(HOUSE_HEADINGS) {
            keys.entry(label_key(l)).or_insert(*f);
        }
        keys
    });
    if key.is_empty() {
        return None;
    }
    keys.get(key).copied()
}

/// A budget label's key (its [`label_key`]) that names its year or kind (`令和6年度補正予算額`,
/// `R7予算案`): read by the budget parser like [`Field::Budget`].
fn is_budget_key(key: &str) -> bool {
    let n = key.chars().count();
    (2..=24).contains(&n)
        && (key.ends_with("予算額")
            || key.ends_with("予算")
            || key.ends_with("予算案")
            || key.ends_with("予算案額")
            || key.ends_with("要求額")
            || key.ends_with("決定額")
            || key.ends_with("要望額"))
        && !key.contains('。')
}

/// A labelled value found in a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The field the label names.
    pub field: Field,
    /// The label as written, brackets and colon stripped.
    pub label: String,
    /// The value: the rest of the label's line and its continuation lines, joined by `\n`
    /// (empty when the label has no readable value).
    pub value: String,
    /// Index in the block of the label's line.
    pub label_index: usize,
    /// Block indexes of the first and last line holding the value (the label's line when the
    /// value is empty).
    pub first: usize,
    /// See `first`.
    pub last: usize,
}

/// A label at the start of `text`: (field, label as written, the rest of the line).
pub fn split_label(text: &str) -> Option<(Field, String, String)> {
    let t = strip_marker(text.trim());
    if t.is_empty() {
        return None;
    }
    // 【label】rest, ［label］：rest, (label) rest.
    if let Some(first) = t.chars().next()
        && let Some((_, close)) = BRACKETS.iter().find(|(o, _)| *o == first)
    {
        let inner_start = first.len_utf8();
        if let Some(end) = t[inner_start..].find(*close) {
            let inner = &t[inner_start..inner_start + end];
            let rest = &t[inner_start + end + close.len_utf8()..];
            let rest = rest.trim_start_matches([':', '：', ' ', '　', '\t']);
            if let Some(f) = labelled_field(inner) {
                let rest = if is_bracketed_heading(rest) { "" } else { rest };
                return Some((f, clean(inner), rest.to_string()));
            }
            // "(担当：○○局○○課)", "【担当：…】": label and value inside one pair.
            if let Some(p) = inner.find([':', '：'])
                && let Some(f) = labelled_field(&inner[..p])
                && rest.trim().is_empty()
            {
                let value = inner[p..].trim_start_matches([':', '：', ' ', '　']);
                return Some((f, clean(&inner[..p]), value.to_string()));
            }
            // 【新規】 / ［継続］ tags.
            let key = label_key(inner);
            if key == "新規" || key == "継続" {
                return Some((Field::Status, clean(inner), key));
            }
        }
        return None;
    }
    // label：rest
    if let Some(p) = t.find([':', '：']) {
        let label = &t[..p];
        if label.chars().count() <= 24 && labelled_field(label).is_some() {
            let rest = t[p..].trim_start_matches([':', '：', ' ', '　', '\t']);
            // "（担当：○○局○○課）": the label opened a parenthesis its value closes.
            let rest = match label.trim_start().chars().next() {
                Some('（') => rest.trim_end().strip_suffix('）').unwrap_or(rest),
                Some('(') => rest.trim_end().strip_suffix(')').unwrap_or(rest),
                _ => rest,
            };
            return labelled_field(label).map(|f| (f, clean(label), rest.to_string()));
        }
    }
    // label<space>rest, or the label alone.
    let end = t.find([' ', '　', '\t']).unwrap_or(t.len());
    let label = &t[..end];
    let f = labelled_field(label)?;
    let rest = t[end..].trim_start_matches([' ', '　', '\t', ':', '：']);
    // "③ 施策の概要 ④ 施策のスキーム図": numbered headings side by side, no value; so is
    // "事業概要・目的 事業イメージ・具体例" (the rest is a heading of its own).
    let rest_is_heading = {
        let r = rest.trim();
        !r.is_empty() && !r.contains([' ', '　']) && field_of(r).is_some()
    };
    if (is_numbered(rest) && is_numbered(text.trim()) && !rest.contains('。'))
        || is_bracketed_heading(rest)
        || rest_is_heading
    {
        return Some((f, clean(label), String::new()));
    }
    Some((f, clean(label), rest.to_string()))
}

fn labelled_field(label: &str) -> Option<Field> {
    let key = label_key(label);
    field_of_key(&key)
        .or_else(|| is_budget_key(&key).then_some(Field::Budget))
        .or_else(|| field_of(without_annotation(label)?))
}

/// A heading with its annotation in parentheses, "事業スキーム（対象者、対象行為、補助率等）"
/// or "成果イメージ（経済効果、…を含む）等": the heading without it (None when there is
/// none, or nothing is left).
fn without_annotation(label: &str) -> Option<&str> {
    let t = label.trim().trim_end_matches('等');
    let close = t.chars().last()?;
    let open = match close {
        '）' => '（',
        ')' => '(',
        _ => return None,
    };
    let start = t.rfind(open)?;
    let head = t[..start].trim();
    (!head.is_empty()).then_some(head)
}

fn clean(label: &str) -> String {
    label
        .trim()
        .trim_start_matches(['（', '('])
        .trim_end_matches([':', '：'])
        .trim()
        .to_string()
}

/// Remove a leading bullet or number: "○ ", "・", "① ", "(1) ", "1. ", "１．", "■".
pub fn strip_marker(s: &str) -> &str {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^(?:[○〇◯●◎■□◆◇▪▫・※\-－]\s*|[①-⑳]\s*|[（(][0-9０-９]{1,2}[）)]\s*|[0-9０-９]{1,2}[.．、]\s*|[ア-ン][.．]\s*)",
        )
        .expect("static regex")
    });
    match re.find(s) {
        Some(m) => &s[m.end()..],
        None => s,
    }
}

/// "＜事業イメージ＞" after a label on its line: a second heading side by side, not a value.
fn is_bracketed_heading(rest: &str) -> bool {
    let t = rest.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    BRACKETS
        .iter()
        .filter(|(o, _)| *o != '(')
        .any(|(o, e)| first == *o && t.ends_with(*e) && t.chars().count() <= 16)
}

/// "根拠法令  なし": a short unknown label, two or more spaces, a value — a form row the
/// vocabulary does not know, which ends the value above it.
fn is_unknown_cell(text: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^\s*[^\s、。，．0-9０-９]{2,10}(?:\s{2,}|　)\S").expect("static regex")
    });
    let t = text.trim();
    re.is_match(text) && !t.contains('。') && !is_item(t)
}

/// Whether a line starts with a number (①, (1), 1.): numbered headings.
fn is_numbered(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^(?:[①-⑳]|[（(][0-9０-９]{1,2}[）)]|[0-9０-９]{1,2}[.．])")
            .expect("static regex")
    });
    re.is_match(s)
}

/// Whether a line starts a list item (bullet or number).
fn is_item(s: &str) -> bool {
    let t = s.trim();
    strip_marker(t).len() < t.len()
}

/// A line of nothing but marks and roman numerals (`Ⅰ`, `○`, `Ⅱ ○`): a check table's cells.
pub(super) fn is_marks_only(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && t.chars().all(|c| {
            c.is_whitespace() || ('\u{2160}'..='\u{217f}').contains(&c) || "○●◎◯〇△▲×✓✔".contains(c)
        })
}

/// Arrows a flow chart joins its parties with.
const ARROWS: &[char] = &['→', '⇒', '➡', '⇨', '⇢', '⟶'];

/// Words of money flowing along a chart's arrows (委託, 補助 …).
const FLOW_WORDS: &[&str] = &[
    "委託", "補助", "交付", "定額", "助成", "出資", "貸付", "負担",
];

/// A flow chart of money written on one line (`国 →委託（1/2）→ ＮＰＯ法人`,
/// `国 ⇒ 都道府県 ⇒ 市町村`): a chart box's text, never a headed section's text value, and it
/// ends one. Narrow on purpose, since prose may hold an arrow (`省エネ化→コスト削減`): at
/// least one arrow, no sentence end (。), every piece between arrows short (at most 16
/// characters: a party or `補助（1/2）`), at least two pieces, and the chart names money or
/// the state — a rate (1/2, 定額), a flow word ([`FLOW_WORDS`]) or a piece that is 国.
/// The rates written on such a line are read by the rate rule (`sheet::fields`), not here.
pub(super) fn is_flow_chart(text: &str) -> bool {
    let folded = fold_width(text.trim());
    if !folded.contains(ARROWS) || folded.contains('。') {
        return false;
    }
    let pieces: Vec<&str> = folded
        .split(ARROWS)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    pieces.len() >= 2
        && pieces.iter().all(|p| p.chars().count() <= 16)
        && (!super::amounts::find_rates(&folded).is_empty()
            || FLOW_WORDS.iter().any(|w| folded.contains(w))
            || pieces.contains(&"国"))
}

/// A line wholly in parentheses ("（対象、補助率等）等"): a heading's annotation, not a value.
fn is_annotation(text: &str) -> bool {
    let t = text.trim_end_matches('等');
    (t.starts_with('（') && t.ends_with('）')) || (t.starts_with('(') && t.ends_with(')'))
}

/// Cells of one row side by side: cut `rest` before a later label written after two or more
/// spaces (or a full-width space). Returns the value part and the rest from the next label.
fn cut_at_next_label(rest: &str) -> (String, Option<String>) {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"(?:\s{2,}|　+)").expect("static regex"));
    // "実施主体等　【実施主体】…": a heading whose box holds labelled lines of its own.
    if rest.starts_with(['【', '［', '[', '〔']) && split_label(rest).is_some() {
        return (String::new(), Some(rest.to_string()));
    }
    for m in re.find_iter(rest) {
        let tail = &rest[m.end()..];
        if let Some((_, _, _)) = split_label(tail) {
            // A bare word like "対象" inside a value is a label only when something follows
            // it in a cell-like way (a colon, a bracket, or more text after spaces).
            let head = rest[..m.start()].trim_end().to_string();
            return (head, Some(tail.to_string()));
        }
    }
    (rest.trim_end().to_string(), None)
}

impl Hit {
    /// Whether this hit is a sheet's amount line: a budget label with its amount on its own
    /// line (`令和６年度補正予算額 7,801百万円`). Such a line sits in a sheet's head, beside
    /// the title and the bureau (the top-right box of a slide), so it does not end the head
    /// the way the first field label does.
    pub fn is_amount_line(&self) -> bool {
        self.field == Field::Budget
            && self.first == self.label_index
            && !super::amounts::find_money(&self.value).is_empty()
    }
}

/// The end of a block's head: the index of its first label line that is not an amount line
/// ([`Hit::is_amount_line`]); the block's length when there is none.
pub fn head_end(block: &Block, hits: &[Hit]) -> usize {
    hits.iter()
        .filter(|h| !h.is_amount_line())
        .map(|h| h.label_index)
        .min()
        .unwrap_or(block.len())
}

/// Every labelled value of a block, in text order.
pub fn find(block: &Block) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    let label_lines: Vec<Option<(Field, String, String)>> =
        block.iter().map(|l| split_label(&l.text)).collect();
    let mut i = 0;
    while i < block.len() {
        let Some((field, label, rest)) = label_lines[i].clone() else {
            i += 1;
            continue;
        };
        if let Some((stack, owners, next)) = heading_stack(block, &label_lines, i) {
            for j in stack {
                let Some((field, label, _)) = label_lines[j].clone() else {
                    continue;
                };
                let (value, first, last) = match owners.iter().find(|o| o.0 == j) {
                    Some((_, value, first, last)) => (value.clone(), *first, *last),
                    None => (String::new(), j, j),
                };
                hits.push(Hit {
                    field,
                    label,
                    value,
                    label_index: j,
                    first,
                    last,
                });
            }
            i = next;
            continue;
        }
        // Several cells on one line.
        let mut same_line: Vec<(Field, String, String)> = Vec::new();
        let mut current = (field, label, rest);
        loop {
            let (value, next) = cut_at_next_label(&current.2);
            same_line.push((current.0, current.1.clone(), value));
            match next.and_then(|n| split_label(&n)) {
                Some(n) => current = n,
                None => break,
            }
        }
        let last_cell = same_line.len() - 1;
        let mut next_i = i + 1;
        for (k, (field, label, value)) in same_line.into_iter().enumerate() {
            // (text, width of the source line it ends): a long line that does not end a
            // sentence and is followed by a line that does not start an item was wrapped.
            let mut parts: Vec<(String, usize)> = Vec::new();
            if !value.trim().is_empty() {
                parts.push((
                    value.trim().to_string(),
                    block[i].text.trim().chars().count(),
                ));
            }
            let mut last = i;
            if k == last_cell && (value.trim().is_empty() || !field.is_single()) {
                // Continuation lines belong to the last cell of the line.
                let (more, end) = continuation(block, &label_lines, i, !parts.is_empty());
                if !more.is_empty() {
                    last = end;
                    next_i = end + 1;
                    parts.extend(more);
                }
            }
            let first = if parts.is_empty() || !value.trim().is_empty() {
                i
            } else {
                (i + 1..=last).find(|&j| !block[j].is_blank()).unwrap_or(i)
            };
            hits.push(Hit {
                field,
                label,
                value: unwrap(&parts).join("\n"),
                label_index: i,
                first,
                last,
            });
        }
        i = next_i;
    }
    text_past_other_fields(block, &mut hits);
    hits
}

/// Whether a field holds running text (the fields a heading over a box names).
fn is_text_field(field: Field) -> bool {
    matches!(field, Field::Purpose | Field::Overview | Field::Effects)
}

/// A text heading whose box's text extraction wrote after other boxes' contents:
/// `◆期待される効果`, then `◆事業主体` / `民間事業者` / `◆補助率` / `1/2` (the box beside it),
/// then the effects. A text-field heading alone on its line that got no value takes the first
/// paragraph after it that no label claims, when all that stands between is other fields'
/// filled values (not text fields, not headings), a check table's cells or a flow chart —
/// and at least one other field (text after a check table alone may be any box's; text right
/// under the heading is its continuation's). The paragraph must start after a blank line (a
/// box's start), be running text (a sentence end or 20 characters) and not a note (※).
/// Anything else in between (another heading, an unclaimed line) leaves the heading empty.
/// A paragraph goes to one heading at most: a heading further up meets the lower one first.
fn text_past_other_fields(block: &Block, hits: &mut [Hit]) {
    // The hit whose label or value holds each line.
    let mut cover: Vec<Option<usize>> = vec![None; block.len()];
    for (k, h) in hits.iter().enumerate() {
        let from = h.label_index.min(h.first);
        let to = h.last.max(h.label_index).min(block.len().saturating_sub(1));
        for c in cover.iter_mut().take(to + 1).skip(from) {
            c.get_or_insert(k);
        }
    }
    for a in 0..hits.len() {
        let h = &hits[a];
        if !is_text_field(h.field)
            || !h.value.is_empty()
            || h.first != h.label_index
            || h.last != h.label_index
        {
            continue;
        }
        let mut j = h.label_index + 1;
        let mut passed = false;
        let mut found: Option<(usize, usize)> = None;
        while j < block.len() {
            let line = &block[j];
            if line.is_blank() {
                j += 1;
                continue;
            }
            if let Some(b) = cover[j] {
                let other = &hits[b];
                if b == a
                    || is_text_field(other.field)
                    || other.field == Field::Section
                    || other.value.is_empty()
                {
                    break;
                }
                passed = true;
                j = other.last.max(other.label_index).max(j) + 1;
                continue;
            }
            let text = line.text.trim();
            if is_marks_only(text) || is_flow_chart(text) {
                j += 1;
                continue;
            }
            if passed && block[j - 1].is_blank() && !text.starts_with(['※', '＊', '*']) {
                let mut k = j;
                while k + 1 < block.len()
                    && !block[k + 1].is_blank()
                    && cover[k + 1].is_none()
                    && !is_flow_chart(&block[k + 1].text)
                {
                    k += 1;
                }
                found = Some((j, k));
            }
            break;
        }
        let Some((first, last)) = found else {
            continue;
        };
        let parts: Vec<(String, usize)> = block[first..=last]
            .iter()
            .map(|l| (l.text.trim().to_string(), l.text.trim().chars().count()))
            .collect();
        let joined: String = parts.iter().map(|(t, _)| t.as_str()).collect();
        if !joined.contains('。') && joined.chars().count() < 20 {
            continue;
        }
        let value = unwrap(&parts).join("\n");
        let h = &mut hits[a];
        h.value = value;
        h.first = first;
        h.last = last;
    }
}

/// The stacked-headings owner: (line, value, first and last value line).
type Owner = (usize, String, usize, usize);

/// Headings with no value stacked one under the other (`事業目的・概要` / `事業目的`, then the
/// text): a row of column headings that extraction wrote one per line, the columns' text
/// after them. The text below the stack belongs to its heading when only one of them names a
/// field (the others being section headings); with several, a heading gets a text only when
/// the grid of boxes leaves one reading ([`grid_owners`]), else none gets it (rather than a
/// neighbour's text). Returns the stack's lines, the owners with their values, and the line
/// after.
fn heading_stack(
    block: &Block,
    labels: &[Option<(Field, String, String)>],
    index: usize,
) -> Option<(Vec<usize>, Vec<Owner>, usize)> {
    // A one-value field (事業名, 会計区分 …) alone on its line is a label over its value, not
    // a column heading: it neither starts nor joins a stack.
    let empty_heading = |j: usize| {
        labels[j]
            .as_ref()
            .is_some_and(|(f, _, rest)| rest.trim().is_empty() && !f.is_single())
    };
    if !empty_heading(index) {
        return None;
    }
    let mut stack = vec![index];
    let mut j = index + 1;
    while j < block.len() {
        // A heading's annotation on its own line ("（対象、補助率等）等") is part of it.
        if block[j].is_blank() || is_annotation(block[j].text.trim()) {
            j += 1;
            continue;
        }
        // `◆事業主体` / `民間事業者` under a text heading: a field's label over its value,
        // not a column heading (a text heading's value may still start right under it).
        let over_its_value = labels[j]
            .as_ref()
            .is_some_and(|(f, _, _)| !is_text_field(*f) && *f != Field::Section)
            && block
                .get(j + 1)
                .is_some_and(|l| !l.is_blank() && labels[j + 1].is_none());
        if !empty_heading(j) || over_its_value {
            break;
        }
        stack.push(j);
        j += 1;
    }
    if stack.len() < 2 {
        return None;
    }
    let end = *stack.last()?;
    // Only a stack with one field-naming heading has an owner: with two or more, which
    // column's text comes first is a guess, and a field left empty is better than a wrong one.
    // A heading whose field a label of its own gives further on (`実施主体等` over a box of
    // `【実施主体】…` lines) owns no free text: it is passed over like a section heading.
    let labelled_later = |field: Field| {
        labels[end + 1..].iter().any(|l| {
            l.as_ref()
                .is_some_and(|(f, _, rest)| *f == field && !rest.trim().is_empty())
        })
    };
    let naming: Vec<usize> = stack
        .iter()
        .copied()
        .filter(|&k| {
            labels[k]
                .as_ref()
                .is_some_and(|(f, _, _)| *f != Field::Section && !labelled_later(*f))
        })
        .collect();
    if naming.len() >= 2 {
        // Several field headings: their texts are theirs only when the grid the headings
        // were set in fixes whose each one is (see `grid_owners`).
        return Some(match grid_owners(block, labels, &stack, &naming, end) {
            Some((owners, last)) => (stack, owners, last + 1),
            None => (stack, Vec::new(), end + 1),
        });
    }
    let owner_line = naming.first().copied();
    let (more, last) = continuation(block, labels, end, false);
    let next = if more.is_empty() { end + 1 } else { last + 1 };
    let owner = owner_line.filter(|_| !more.is_empty()).map(|o| {
        let first = (end + 1..=last)
            .find(|&k| !block[k].is_blank())
            .unwrap_or(end);
        (o, unwrap(&more).join("\n"), first, last)
    });
    Some((stack, owner.into_iter().collect(), next))
}

/// A paragraph after a heading stack: (first line, last line, its lines with their widths).
type Paragraph = (usize, usize, Vec<(String, usize)>);

/// The paragraphs after line `end`: runs of non-blank lines (a flow chart line is one of
/// its own), up to the next label line, unknown form cell or the block's end.
fn paragraphs_after(
    block: &Block,
    labels: &[Option<(Field, String, String)>],
    end: usize,
) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false;
    for j in end + 1..block.len() {
        let line = &block[j];
        if line.is_blank() {
            open = false;
            continue;
        }
        if labels[j].is_some() || is_unknown_cell(&line.text) {
            break;
        }
        let text = line.text.trim();
        let chart = is_flow_chart(text);
        match out.last_mut() {
            Some((_, last, lines)) if open && !chart => {
                *last = j;
                lines.push((text.to_string(), text.chars().count()));
            }
            _ => out.push((j, j, vec![(text.to_string(), text.chars().count())])),
        }
        open = !chart;
    }
    out
}

/// Texts of a stack of several field headings, when the layout leaves one reading.
///
/// A stack is a grid of boxes' heading bars (a slide's 2×2 boxes: 事業概要・目的 |
/// 事業イメージ・具体例 over 資金の流れ | 期待される効果) that default-mode extraction writes
/// row by row, while it writes the boxes' texts after them either in the same order (one row
/// of columns) or column by column. With as many paragraphs after the stack as headings, each
/// full grid (columns dividing the headings' count) gives one pairing; a pairing holds when
/// every field heading gets running text — a flow chart or a check table's cells (`Ⅰ`, `○`)
/// only go to a section heading (資金の流れ). A field heading gets a paragraph only when
/// every pairing that holds gives it the same one (the first and the last box are the same
/// in row and column order); with none holding, nothing is given. Returns the owners and the
/// last line read.
fn grid_owners(
    block: &Block,
    labels: &[Option<(Field, String, String)>],
    stack: &[usize],
    naming: &[usize],
    end: usize,
) -> Option<(Vec<Owner>, usize)> {
    let paragraphs = paragraphs_after(block, labels, end);
    let n = stack.len();
    if paragraphs.len() != n {
        return None;
    }
    let no_text = |p: &Paragraph| {
        p.2.len() == 1 && (is_flow_chart(&p.2[0].0) || is_marks_only(&p.2[0].0))
            || p.2.iter().all(|(t, _)| is_marks_only(t))
    };
    // pairing[k]: the stack position whose text the k-th paragraph is.
    let mut pairings: Vec<Vec<usize>> = Vec::new();
    for columns in (1..=n).filter(|c| n.is_multiple_of(*c)) {
        let rows = n / columns;
        let pairing: Vec<usize> = (0..n).map(|k| (k % rows) * columns + k / rows).collect();
        let holds = pairing
            .iter()
            .enumerate()
            .all(|(k, &h)| !naming.contains(&stack[h]) || !no_text(&paragraphs[k]));
        if holds && !pairings.contains(&pairing) {
            pairings.push(pairing);
        }
    }
    let first = pairings.first()?;
    let mut owners = Vec::new();
    for (k, &h) in first.iter().enumerate() {
        let line = stack[h];
        if naming.contains(&line) && pairings.iter().all(|p| p[k] == h) {
            let (p_first, p_last, lines) = &paragraphs[k];
            owners.push((line, unwrap(lines).join("\n"), *p_first, *p_last));
        }
    }
    let last = paragraphs.last().map_or(end, |p| p.1);
    Some((owners, last))
}

/// Width from which a line that does not end a sentence is taken to be wrapped.
const WRAP_WIDTH: usize = 20;

/// Joins wrapped lines: a line at least [`WRAP_WIDTH`] wide that does not end with 。 or a
/// closing bracket and is followed by a line that starts no list item continues on it.
fn unwrap(parts: &[(String, usize)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut previous_wrapped = false;
    for (text, width) in parts {
        if previous_wrapped
            && !is_item(text)
            && let Some(last) = out.last_mut()
        {
            last.push_str(text);
        } else {
            out.push(text.clone());
        }
        previous_wrapped =
            *width >= WRAP_WIDTH && !text.ends_with(['。', '．', '）', ')', '」', '】', '］']);
    }
    out
}

/// Lines after `index` that continue its value: up to the next label line or blank line;
/// past a blank line only while list items continue a list.
fn continuation(
    block: &Block,
    labels: &[Option<(Field, String, String)>],
    index: usize,
    has_inline_value: bool,
) -> (Vec<(String, usize)>, usize) {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut end = index;
    let mut j = index + 1;
    let mut saw_blank = false;
    let mut list = false;
    let mut annotated = false;
    while j < block.len() {
        let line: &Line = &block[j];
        if line.is_blank() {
            saw_blank = true;
            j += 1;
            continue;
        }
        if labels[j].is_some() || is_unknown_cell(&line.text) {
            break;
        }
        let text = line.text.trim();
        let waiting = out.is_empty() && !has_inline_value && !annotated;
        // Cells of a check table (`Ⅰ` / `○`) written where a heading's text was awaited: the
        // text of a box beside it, not this heading's, so the heading gets none.
        if waiting && is_marks_only(text) {
            break;
        }
        // A flow chart (`国 →委託（1/2）→ ＮＰＯ法人`) is a chart box's text: it ends a value
        // and is never one; awaited text may still come after it.
        if is_flow_chart(text) {
            if waiting {
                j += 1;
                continue;
            }
            break;
        }
        // "・…への支援" / blank / "…に対し、…を補助します。": an item's heading (no sentence
        // end) over its text, which extraction set a blank line apart from it.
        let item_text = list
            && out
                .last()
                .is_some_and(|(t, _)| is_item(t) && !t.contains('。'))
            && !is_item(text)
            && text.contains('。');
        let goes_on = waiting || item_text || (list && is_item(text));
        if saw_blank && !goes_on {
            break;
        }
        if out.is_empty() && !has_inline_value && !annotated && is_annotation(text) {
            annotated = true;
            // "事業の概要" over "（対象、補助率等）": the heading's own second line.
            end = j;
            j += 1;
            continue;
        }
        if out.is_empty() && !has_inline_value {
            list = is_item(text);
        }
        saw_blank = false;
        out.push((text.to_string(), text.chars().count()));
        end = j;
        j += 1;
    }
    (out, end)
}

#[cfg(test)]
mod tests;
