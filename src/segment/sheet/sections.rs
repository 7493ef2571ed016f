//! A sheet's headed sections: 事業概要, 目的, 期待される効果 … found by their headings (before or
//! after their content, as the sample's templates print them), and their paragraphs.

use super::*;

#[derive(Default)]
pub(super) struct Sections {
    pub(super) purpose: Option<String>,
    pub(super) overview: Option<String>,
    pub(super) effects: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Heading {
    Purpose,
    Overview,
    Effects,
    /// 事業概要・目的 of the 内閣府 template (content precedes the title).
    TemplateSummary,
    /// 実施主体等: its numbered items interleave with the overview's in extraction.
    Bodies,
    Other,
}

pub(super) const HEADINGS: &[(&str, Heading)] = &[
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
pub(super) fn heading(line: &str) -> Option<Heading> {
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

/// Paragraphs: runs of non-blank lines, as (first index, last index, joined text). A flow
/// chart line ([`is_flow_chart`](crate::segment::labels::is_flow_chart)) is a paragraph of its
/// own, so that the readers below can end a body at it.
pub(super) fn paragraphs(block: &Block, from: usize, to: usize) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let end = to.min(block.len());
    let push = |out: &mut Vec<(usize, usize, String)>, s: usize, last: usize| {
        let text: String = block[s..=last].iter().map(|l| l.text.trim()).collect();
        out.push((s, last, text));
    };
    for (i, line) in block.iter().enumerate().take(end).skip(from) {
        if line.is_blank() {
            if let Some(s) = start.take() {
                push(&mut out, s, i - 1);
            }
        } else if is_flow_chart(&line.text) {
            if let Some(s) = start.take() {
                push(&mut out, s, i - 1);
            }
            push(&mut out, i, i);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        push(&mut out, s, end - 1);
    }
    out
}

/// Whether a paragraph of [`paragraphs`] is a flow chart line.
fn is_flow_chart(text: &str) -> bool {
    crate::segment::labels::is_flow_chart(text)
}

pub(super) fn is_prose(text: &str) -> bool {
    text.contains('。') || text.chars().count() >= 20
}

/// `labels`: block lines holding a vocabulary label ([`crate::segment::labels`]); a body never runs
/// over one.
pub(super) fn sections(block: &Block, title: usize, labels: &[usize]) -> Sections {
    let mut found = Sections::default();
    let headings: Vec<(usize, Heading)> = block
        .iter()
        .enumerate()
        .filter_map(|(i, l)| heading(&l.text).map(|h| (i, h)))
        .collect();
    let is_heading_or_title = |i: usize| i == title || headings.iter().any(|(h, _)| *h == i);
    let is_boundary = |i: usize| is_heading_or_title(i) || labels.contains(&i);
    // A vocabulary label alone on its line (`【事業概要】`): a heading these rules do not read,
    // which stacks like theirs.
    let bare_label = |i: usize| {
        labels.contains(&i)
            && crate::segment::labels::split_label(&block[i].text)
                .is_some_and(|(_, _, rest)| rest.trim().is_empty())
    };
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
            .is_some_and(|(i, _)| (is_heading_or_title(i) && i != title) || bare_label(i))
    };
    let under_bare_label = |index: usize| {
        (0..index)
            .rev()
            .find(|&i| !block[i].is_blank())
            .is_some_and(bare_label)
    };
    let mut previous_stacked = false;
    for (pos, &(index, kind)) in headings.iter().enumerate() {
        let stacked_here = stacked(index);
        let ambiguous = stacked_here || previous_stacked || under_bare_label(index);
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
pub(super) fn interleaved_overview_items(block: &Block, bodies_heading: usize) -> Vec<String> {
    let mut items = Vec::new();
    let mut pending: Option<String> = None;
    let mut in_overview = false;
    for (_, _, text) in paragraphs(block, bodies_heading + 1, block.len()) {
        let folded = fold_width(&text);
        if heading(&text).is_some() {
            break;
        }
        if is_flow_chart(&text) {
            // A chart ends the item it follows and is none.
            pending = None;
            in_overview = false;
        } else if starts_with_numbering(&folded) && text.chars().count() < 40 {
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
pub(super) fn content_follows(line: &str) -> bool {
    let folded = fold_width(line.trim());
    folded.starts_with(['<', '【', '[', '［']) || starts_with_numbering(&folded)
}

/// Prose paragraphs after a heading: up to two leading non-prose paragraphs are skipped, the
/// body ends at the first non-prose paragraph after prose.
pub(super) fn body_after(
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
        // A flow chart (`国 →委託（1/2）→ ＮＰＯ法人`, a chart box's text) ends the body and
        // is never part of it; one of 20 characters or more would pass for prose.
        if is_flow_chart(&text) {
            if body.is_empty() {
                continue;
            }
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
        // A short body ("食品アクセス確保に取り組む地域の増加") under its own heading; a check
        // table's cells (`Ⅰ` / `○`) are no body.
        body = skipped
            .into_iter()
            .take(1)
            .filter(|t| !crate::segment::labels::is_marks_only(t))
            .collect();
    }
    (!body.is_empty()).then(|| body.join("\n"))
}

/// Prose paragraphs right before a heading, skipping diagram labels in between.
pub(super) fn body_before(
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
        // A flow chart ends the body (read backwards) and is never part of it.
        if is_flow_chart(&text) {
            if body.is_empty() {
                continue;
            }
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
pub(super) fn template_summary(block: &Block, title: usize, found: &mut Sections) {
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
        // A flow chart (the 資金の流れ box) ends the paragraph before it and is none.
        if is_flow_chart(t) {
            flush(&mut current, &mut purpose, &mut overview);
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
