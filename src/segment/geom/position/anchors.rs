//! Labels of a page read by position: a piece whose whole text is a vocabulary label, or
//! pieces stacked at one left edge (or centre) on consecutive, evenly spaced lines whose
//! joined text is one — the longest such join wins, and a join the vocabulary does not list
//! must start like a budget label ([`budget_start`]). Every piece belongs to one label at
//! most, pieces taken in reading order.

use super::{Anchor, MAX_GAP_EMS, MAX_LABEL_LINES, P, SLACK_EMS};
use crate::segment::labels::{self, Field};
use std::collections::BTreeSet;

/// The label a piece's whole text is, without spaces.
fn whole_label(text: &str) -> Option<(Field, String)> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 30 {
        return None;
    }
    let (field, _, rest) = labels::split_label(t)?;
    rest.trim().is_empty().then(|| {
        let label: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        (field, label)
    })
}

/// A label pieced together from a wrapped column that the vocabulary does not list is only
/// taken when it starts like a budget label (`令和６年` / `度補正予` / `算額`): the budget
/// pattern (anything ending in 予算額) would otherwise take a value stacked over a label.
pub(super) fn budget_start(joined: &str) -> bool {
    let key = labels::label_key(joined);
    let mut chars = key.chars();
    let era_digit = |rest: &str| {
        rest.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '元')
    };
    key.strip_prefix("令和").is_some_and(era_digit)
        || key.strip_prefix("平成").is_some_and(era_digit)
        || (chars.next() == Some('R') && chars.next().is_some_and(|c| c.is_ascii_digit()))
        || ["予算", "補正", "当初", "概算", "前年度", "本年度", "今年度"]
            .iter()
            .any(|p| key.starts_with(p))
}

/// Labels of a page: whole pieces, or pieces stacked at one left edge on consecutive lines
/// that join into a label (the longest such join wins).
pub(super) fn find_anchors(lines: &[Vec<P>]) -> Vec<Anchor> {
    let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut out = Vec::new();
    for (li, row) in lines.iter().enumerate() {
        for p in row {
            if used.contains(&(p.line, p.idx)) {
                continue;
            }
            let stack = stack_below(lines, li, p, &used);
            let Some((k, field, label)) = best_join(&stack) else {
                continue;
            };
            let parts: Vec<&P> = stack[..=k].to_vec();
            for q in &parts {
                used.insert((q.line, q.idx));
            }
            out.push(Anchor {
                parts: parts.iter().map(|q| (q.line, q.idx)).collect(),
                label,
                field,
                x0: parts
                    .iter()
                    .map(|q| q.bbox[0])
                    .fold(f32::INFINITY, f32::min),
                x1: parts
                    .iter()
                    .map(|q| q.bbox[2])
                    .fold(f32::NEG_INFINITY, f32::max),
                first_line: li,
                last_line: parts.last().map_or(li, |q| q.line),
                em: p.em(),
                cell: p.cell,
            });
        }
    }
    out
}

/// `p` (on line `li`) and the pieces stacked below it at the same left edge, each the first
/// piece of its line at or right of that edge, none of them `used`.
fn stack_below<'p>(
    lines: &'p [Vec<P>],
    li: usize,
    p: &'p P,
    used: &BTreeSet<(usize, usize)>,
) -> Vec<&'p P> {
    let slack = SLACK_EMS * p.em();
    let mut stack: Vec<&P> = vec![p];
    let mut bottom = p.bbox[1];
    // The lines of one wrapped label are evenly spaced; a wider gap is the next field.
    let mut min_gap = f32::INFINITY;
    let mut skipped = 0;
    for next in lines.iter().skip(li + 1) {
        if stack.len() >= MAX_LABEL_LINES {
            break;
        }
        let Some(q) = next
            .iter()
            .filter(|q| q.bbox[2] > p.bbox[0] - slack && q.cell == p.cell)
            .min_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]))
        else {
            break;
        };
        // A value line set between the lines of a label centred beside it
        // (nothing in the label's column): looked past, once per label line.
        if q.bbox[0] > p.bbox[2] + slack && skipped < stack.len() {
            skipped += 1;
            continue;
        }
        // Lines of a wrapped label share their left edge, or their centre when
        // the label is centred in its column.
        let centre = |b: &[f32; 4]| 0.5 * (b[0] + b[2]);
        let aligned = (q.bbox[0] - p.bbox[0]).abs() <= slack
            || (q.bbox[0] > p.bbox[0] && (centre(&q.bbox) - centre(&p.bbox)).abs() <= slack);
        if !aligned
            || q.bbox[2] > p.bbox[2] + 2.0 * slack
            || bottom - q.bbox[3] > MAX_GAP_EMS * p.em()
            || bottom - q.bbox[3] > min_gap + 0.25 * p.em()
            || used.contains(&(q.line, q.idx))
        {
            break;
        }
        min_gap = min_gap.min(bottom - q.bbox[3]);
        bottom = q.bbox[1];
        stack.push(q);
    }
    stack
}

/// The longest prefix of `stack` whose joined text is a label: its last index, field and
/// label.
fn best_join(stack: &[&P]) -> Option<(usize, Field, String)> {
    let mut best: Option<(usize, Field, String)> = None;
    let mut joined = String::new();
    for (k, q) in stack.iter().enumerate() {
        joined.push_str(q.text.trim());
        let Some((f, l)) = whole_label(&joined) else {
            continue;
        };
        // A join past a whole label, or one holding brackets inside, must be a
        // vocabulary label itself, not just something ending in 予算額.
        let inner_bracket = l
            .trim_end_matches([':', '：'])
            .chars()
            .skip(1)
            .collect::<Vec<_>>()
            .split_last()
            .is_some_and(|(_, mid)| mid.iter().any(|c| "【】［］[]〔〕（）()".contains(*c)));
        if k > 0
            && labels::field_of(&joined).is_none()
            && (inner_bracket
                || !budget_start(&joined)
                || best.as_ref().is_some_and(|b| {
                    b.1 != Field::Budget || budget_start(&q.text) || whole_label(&q.text).is_some()
                }))
        {
            continue;
        }
        best = Some((k, f, l));
    }
    best
}
