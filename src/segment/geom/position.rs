//! Labels and values of forms drawn without ruling lines (or with a rectangle around a
//! whole field), associated by position alone.
//!
//! On such a page extraction gives no label cells: a label is a *piece* of a line (text
//! between layout gaps, [`crate::ingest::Piece`]) whose whole text is a vocabulary label —
//! or several pieces stacked at the same left edge on consecutive lines whose joined text is
//! one (a label wrapped in a narrow column: `令和６年` / `度補正予` / `算額`). Its value is:
//!
//! - **right**: the pieces right of the label on the label's own lines, up to the next label
//!   on the first line (two fields side by side), continued over the following lines whose
//!   pieces all sit in that value column, while nothing stands in the label column and the
//!   vertical gap stays under [`MAX_GAP_EMS`];
//! - **below**, when nothing is right of it: the lines under the label whose pieces start at
//!   or right of its left edge and end before the next label of the label's line (labels
//!   over values in columns), until a label, an outdented line or a gap.
//!
//! - **centred**: a value centred vertically beside its label (Excel's default; its first
//!   lines sit above the label's line) is taken whole when its lines, at the page's line
//!   pitch, are set off from the lines around them by wider spacing on both sides (not by
//!   another label's line) and the label sits at their middle (`centred_block`); the
//!   lines it claims end the value of the field above.
//!
//! A wrapped label's lines share their left edge or, centred in the label column, their
//! centre; a value line set between them (nothing in the label column) is looked past. A
//! column of running text beside the form (prose set in a second column: a left edge shared
//! by several pieces that stand right of other text, seldom right after a label, and head
//! no label's column, `aside_column`) bounds the values of the labels left of it.
//!
//! A piece inside a drawn rectangle (a ruled cell that is not a label cell) only takes
//! values from the same rectangle. A budget label with no value beside a budget label
//! (`予算額` beside `令和6年度補正予算額` / `令和5年度予算額`) is a group heading and is
//! dropped, as for ruled cells. Every piece belongs to one label at most, labels taken in
//! reading order. A page with fewer than [`MIN_ANCHORS`] labels is left as it is, so prose
//! that merely starts a line with a label word keeps the text rules. OCR lines (cut into
//! words, not at layout gaps) and vertical lines are not read by position.

use super::{Cell, Key, Role, Segments, key};
use crate::ingest;
use crate::segment::labels::{self, Field};
use std::collections::{BTreeMap, BTreeSet};

/// Labels a page needs before its lines are rewritten by position.
const MIN_ANCHORS: usize = 3;
/// A vertical gap (in ems) that ends a value: a blank line or a field's spacing.
const MAX_GAP_EMS: f32 = 1.0;
/// Horizontal slack (in ems) for "same left edge" and column bounds.
const SLACK_EMS: f32 = 0.6;
/// Pieces of a wrapped label: at most this many lines.
const MAX_LABEL_LINES: usize = 4;

/// One usable piece: line index, piece index, and its geometry.
#[derive(Debug, Clone)]
struct P {
    line: usize,
    idx: usize,
    text: String,
    gap: &'static str,
    bbox: [f32; 4],
    cell: Option<Key>,
}

impl P {
    fn em(&self) -> f32 {
        (self.bbox[3] - self.bbox[1]).max(1.0)
    }
}

/// A label found by position: its pieces (first one first), the label text, its field.
#[derive(Debug)]
struct Anchor {
    parts: Vec<(usize, usize)>,
    label: String,
    field: Field,
    x0: f32,
    x1: f32,
    first_line: usize,
    last_line: usize,
    em: f32,
    cell: Option<Key>,
}

/// What the positional pass adds to a page: cells (labels and values), their roles, the
/// value cells, and the rewritten segments of each touched line (global number).
#[derive(Debug, Default)]
pub(super) struct Assigned {
    pub(super) cells: BTreeMap<Key, Cell>,
    pub(super) roles: BTreeMap<Key, Role>,
    pub(super) consumed: BTreeSet<Key>,
    pub(super) segs: BTreeMap<u32, Segments>,
}

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

fn synthetic(page: usize, n: usize, value: bool) -> Key {
    // NaN bits: no real box has them.
    [
        0x7FC0_0001,
        u32::try_from(page).unwrap_or(u32::MAX),
        u32::try_from(n).unwrap_or(u32::MAX),
        u32::from(value),
    ]
}

/// Labels and values by position on page `page_index` (first global line number `first`);
/// pieces in the ruled cells `skip` (label and value cells already read) are left alone.
pub(super) fn assign(
    page_index: usize,
    page: &ingest::Page,
    first: u32,
    skip: &dyn Fn(&Key) -> bool,
) -> Option<Assigned> {
    let lines: Vec<Vec<P>> = page
        .lines
        .iter()
        .enumerate()
        .map(|(li, l)| {
            // OCR lines are cut into words, not at layout gaps: not read by position.
            if l.vertical
                || l.spans
                    .iter()
                    .any(|s| s.source == ingest::resolve::MappingSource::Ocr)
            {
                return Vec::new();
            }
            l.pieces
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.cell.as_ref().map(key).is_some_and(|k| skip(&k)))
                .map(|(idx, p)| P {
                    line: li,
                    idx,
                    text: p.text.clone(),
                    gap: p.gap,
                    bbox: p.bbox,
                    cell: p.cell.as_ref().map(key),
                })
                .collect()
        })
        .collect();
    let anchors = find_anchors(&lines);
    if anchors.len() < MIN_ANCHORS {
        return None;
    }
    let page_right = lines
        .iter()
        .flatten()
        .map(|p| p.bbox[2])
        .fold(f32::NEG_INFINITY, f32::max);
    let cell_right = |k: &Option<Key>| -> Option<f32> {
        let k = (*k)?;
        page.lines
            .iter()
            .flat_map(|l| &l.pieces)
            .find_map(|p| p.cell.filter(|c| key(c) == k).map(|c| c[2]))
    };
    let mut taken: BTreeSet<(usize, usize)> = anchors
        .iter()
        .flat_map(|a| a.parts.iter().copied())
        .collect();
    let label_at: BTreeMap<(usize, usize), usize> = anchors
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.parts.iter().map(move |p| (*p, i)))
        .collect();
    let aside_x = aside_column(&lines, &anchors, &label_at);
    let mut out = Assigned::default();
    // Per anchor: value pieces in line order.
    let mut values: Vec<Vec<(usize, usize)>> = vec![Vec::new(); anchors.len()];
    // The next label on the label's first line bounds the columns on the right.
    let right_bounds: Vec<f32> = anchors
        .iter()
        .map(|a| {
            let next_x0 = anchors
                .iter()
                .filter(|b| beside(a, b))
                .map(|b| b.x0)
                .fold(f32::INFINITY, f32::min);
            let aside = aside_x
                .filter(|x| a.x1 < *x)
                .map_or(f32::INFINITY, |x| x - SLACK_EMS * a.em);
            next_x0
                .min(cell_right(&a.cell).unwrap_or(page_right))
                .min(aside)
        })
        .collect();
    // Values centred beside their labels: the lines each one claims.
    let pitch = line_pitch(&lines);
    let centred: Vec<Option<Vec<(usize, usize)>>> = anchors
        .iter()
        .enumerate()
        .map(|(ai, a)| centred_block(a, right_bounds[ai], &lines, &label_at, pitch))
        .collect();
    let claimed: BTreeMap<usize, usize> = centred
        .iter()
        .enumerate()
        .filter_map(|(ai, c)| c.as_ref().map(|c| (ai, c)))
        .flat_map(|(ai, c)| c.iter().map(move |(li, _)| (*li, ai)))
        .collect();
    for (ai, a) in anchors.iter().enumerate() {
        let slack = SLACK_EMS * a.em;
        let bound = right_bounds[ai];
        let usable = |p: &P, taken: &BTreeSet<(usize, usize)>| {
            !taken.contains(&(p.line, p.idx)) && p.cell == a.cell
        };
        if let Some(block) = &centred[ai] {
            let got: Vec<(usize, usize)> = block
                .iter()
                .copied()
                .filter(|k| !taken.contains(k))
                .collect();
            taken.extend(got.iter().copied());
            values[ai] = got;
            continue;
        }
        // Right of the label, on its own lines.
        let mut got: Vec<(usize, usize)> = Vec::new();
        for row in &lines[a.first_line..=a.last_line] {
            for p in row {
                if usable(p, &taken) && p.bbox[0] >= a.x1 - slack && p.bbox[2] <= bound + slack {
                    got.push((p.line, p.idx));
                }
            }
        }
        let (col0, col1) = if got.is_empty() {
            (a.x0 - slack, bound + slack)
        } else {
            (a.x1 - slack, bound + slack)
        };
        // Continue below.
        let mut bottom = lines[a.last_line]
            .iter()
            .map(|p| p.bbox[1])
            .fold(f32::INFINITY, f32::min);
        for row in &lines[a.last_line + 1..] {
            // Lines a value centred beside another label claims end this one.
            if row
                .first()
                .and_then(|p| claimed.get(&p.line))
                .is_some_and(|owner| *owner != ai)
            {
                break;
            }
            // A label in this label's columns ends the value.
            if row.iter().any(|p| {
                label_at.contains_key(&(p.line, p.idx))
                    && p.bbox[0] < col1
                    && p.bbox[2] > a.x0 - slack
            }) {
                break;
            }
            let top = row
                .iter()
                .map(|p| p.bbox[3])
                .fold(f32::NEG_INFINITY, f32::max);
            if bottom - top > MAX_GAP_EMS * a.em {
                break;
            }
            // Anything starting left of the column but reaching into it (an outdented
            // line, text in the label column) ends the value.
            if row
                .iter()
                .any(|p| p.bbox[0] < col0 && p.bbox[2] > a.x0 + slack)
            {
                break;
            }
            let here: Vec<&P> = row
                .iter()
                .filter(|p| usable(p, &taken) && p.bbox[0] >= col0 && p.bbox[2] <= col1)
                .collect();
            if here.is_empty() {
                break;
            }
            bottom = here.iter().map(|p| p.bbox[1]).fold(f32::INFINITY, f32::min);
            got.extend(here.iter().map(|p| (p.line, p.idx)));
        }
        taken.extend(got.iter().copied());
        values[ai] = got;
    }
    let piece = |(li, idx): (usize, usize)| lines[li].iter().find(|p| p.idx == idx);
    // Keys of assigned pieces.
    let mut key_of: BTreeMap<(usize, usize), Key> = BTreeMap::new();
    for (ai, a) in anchors.iter().enumerate() {
        let lk = synthetic(page_index, ai, false);
        let vk = synthetic(page_index, ai, true);
        for p in &a.parts {
            key_of.insert(*p, lk);
        }
        let line_no = |li: usize| first.saturating_add(u32::try_from(li).unwrap_or(u32::MAX));
        out.cells.insert(
            lk,
            Cell {
                rect: [a.x0, 0.0, a.x1, 0.0],
                lines: vec![(line_no(a.first_line), a.label.clone())],
                soft: vec![false],
            },
        );
        if values[ai].is_empty() {
            let group = a.field == Field::Budget
                && anchors
                    .iter()
                    .any(|b| beside(a, b) && b.field == Field::Budget);
            out.roles.insert(
                lk,
                if group {
                    Role::Group
                } else {
                    Role::Label {
                        label: a.label.clone(),
                        values: Vec::new(),
                    }
                },
            );
            continue;
        }
        let mut cell = Cell::default();
        let mut by_line: BTreeMap<usize, Vec<&P>> = BTreeMap::new();
        for v in &values[ai] {
            key_of.insert(*v, vk);
            if let Some(p) = piece(*v) {
                by_line.entry(v.0).or_default().push(p);
            }
        }
        for (li, ps) in by_line {
            let mut text = String::new();
            for (i, p) in ps.iter().enumerate() {
                // The line's own gaps: the value reads as extracted.
                if i > 0 {
                    text.push_str(p.gap);
                }
                text.push_str(&p.text);
            }
            let right = ps
                .iter()
                .map(|p| p.bbox[2])
                .fold(f32::NEG_INFINITY, f32::max);
            let em = ps.iter().map(|p| p.em()).fold(0.0f32, f32::max);
            cell.lines.push((line_no(li), text));
            cell.soft
                .push(right_bounds[ai] - right <= super::SOFT_WRAP_EMS * em + super::SOFT_WRAP_PAD);
        }
        out.cells.insert(vk, cell);
        out.consumed.insert(vk);
        out.roles.insert(
            lk,
            Role::Label {
                label: a.label.clone(),
                values: vec![vk],
            },
        );
    }
    // Rewritten segments of the touched lines.
    let touched: BTreeSet<usize> = key_of.keys().map(|(li, _)| *li).collect();
    for li in touched {
        let line = &page.lines[li];
        let mut segs: Segments = Vec::new();
        for (idx, p) in line.pieces.iter().enumerate() {
            let k = key_of
                .get(&(li, idx))
                .copied()
                .or_else(|| p.cell.as_ref().map(key));
            match segs.last_mut() {
                Some((ok, _, text)) if *ok == k && k.is_some() => {
                    text.push_str(p.gap);
                    text.push_str(&p.text);
                }
                _ => segs.push((k, p.gap, p.text.clone())),
            }
        }
        out.segs.insert(
            first.saturating_add(u32::try_from(li).unwrap_or(u32::MAX)),
            segs,
        );
    }
    Some(out)
}

/// Where a column of text unrelated to the form starts (prose set beside the sheet): the
/// left edge shared by at least [`ASIDE_MIN_LINES`] pieces that stand right of other text
/// on their lines, hold running text, start no label's column and follow a label directly
/// on few of their lines (a value column follows its labels).
fn aside_column(
    lines: &[Vec<P>],
    anchors: &[Anchor],
    label_at: &BTreeMap<(usize, usize), usize>,
) -> Option<f32> {
    // (x0, em, preceded by a label, characters) of pieces that are not first on their line.
    let mut inner: Vec<(f32, f32, bool, usize)> = Vec::new();
    for row in lines {
        for (i, p) in row.iter().enumerate().skip(1) {
            if label_at.contains_key(&(p.line, p.idx)) {
                continue;
            }
            let after_label = label_at.contains_key(&(row[i - 1].line, row[i - 1].idx));
            inner.push((p.bbox[0], p.em(), after_label, p.text.chars().count()));
        }
    }
    let mut best: Option<f32> = None;
    for &(x, em, _, _) in &inner {
        let same: Vec<&(f32, f32, bool, usize)> =
            inner.iter().filter(|q| (q.0 - x).abs() <= 2.0).collect();
        let n = same.len();
        let labelled = same.iter().filter(|q| q.2).count();
        let chars: usize = same.iter().map(|q| q.3).sum();
        let heads_a_column = anchors.iter().any(|a| (a.x0 - x).abs() <= SLACK_EMS * em);
        if n >= ASIDE_MIN_LINES
            && labelled * 10 < n * 3
            && chars >= 8 * n
            && !heads_a_column
            && best.is_none_or(|b| x < b)
        {
            best = Some(x);
        }
    }
    best
}

/// Lines a column of unrelated text must fill before it bounds the form's values.
const ASIDE_MIN_LINES: usize = 4;

/// The page's line pitch: the smallest distance between the baselines of consecutive
/// lines that is not a label line set half a line off its value (at least 0.8 em).
fn line_pitch(lines: &[Vec<P>]) -> Option<f32> {
    let base = |row: &[P]| row.iter().map(|p| p.bbox[1]).fold(f32::INFINITY, f32::min);
    let em = |row: &[P]| row.iter().map(P::em).fold(0.0f32, f32::max);
    let rows: Vec<&Vec<P>> = lines.iter().filter(|r| !r.is_empty()).collect();
    rows.windows(2)
        .filter_map(|w| {
            let d = base(w[0]) - base(w[1]);
            (d >= 0.8 * em(w[0])).then_some(d)
        })
        .min_by(f32::total_cmp)
}

/// A value centred vertically beside its label (Excel's default): the value lines in the
/// label's value column run above the label's first line. Taken only when the run is cut
/// off from its neighbours by wider spacing than the page's line pitch on both sides (not
/// by another label's line: a value of the field above continuing down), and the label sits
/// at the run's middle. Returns the run's pieces.
fn centred_block(
    a: &Anchor,
    bound: f32,
    lines: &[Vec<P>],
    label_at: &BTreeMap<(usize, usize), usize>,
    pitch: Option<f32>,
) -> Option<Vec<(usize, usize)>> {
    let pitch = pitch?;
    let slack = SLACK_EMS * a.em;
    let in_column = |p: &P| {
        !label_at.contains_key(&(p.line, p.idx))
            && p.cell == a.cell
            && p.bbox[0] >= a.x1 - slack
            && p.bbox[2] <= bound + slack
    };
    let in_label_column = |p: &P| {
        !a.parts.contains(&(p.line, p.idx)) && p.bbox[0] < a.x1 - slack && p.bbox[2] > a.x0 - slack
    };
    let base = |ps: &[&P]| ps.iter().map(|p| p.bbox[1]).fold(f32::INFINITY, f32::min);
    let limit = pitch + 0.3 * a.em;
    // Value pieces on the label's own lines.
    let mut got: Vec<(usize, usize)> = Vec::new();
    for row in &lines[a.first_line..=a.last_line] {
        got.extend(row.iter().filter(|p| in_column(p)).map(|p| (p.line, p.idx)));
    }
    // Up, then down: rows of value pieces only, at the line pitch.
    let first_base = lines[a.first_line]
        .iter()
        .filter(|p| a.parts.contains(&(p.line, p.idx)))
        .map(|p| p.bbox[1])
        .fold(f32::INFINITY, f32::min);
    let mut edge = first_base;
    let mut above = 0;
    for row in lines[..a.first_line].iter().rev() {
        if row.is_empty() {
            continue;
        }
        let all: Vec<&P> = row.iter().collect();
        if base(&all) - edge > limit {
            break;
        }
        if row.iter().any(&in_label_column) {
            return None;
        }
        let here: Vec<&P> = row.iter().filter(|p| in_column(p)).collect();
        if here.is_empty() {
            break;
        }
        edge = base(&here);
        above += 1;
        got.extend(here.iter().map(|p| (p.line, p.idx)));
    }
    if above == 0 {
        return None;
    }
    let last_base = lines[a.last_line]
        .iter()
        .filter(|p| a.parts.contains(&(p.line, p.idx)))
        .map(|p| p.bbox[1])
        .fold(f32::INFINITY, f32::min);
    let mut edge = last_base;
    for row in &lines[a.last_line + 1..] {
        if row.is_empty() {
            continue;
        }
        let all: Vec<&P> = row.iter().collect();
        if edge - base(&all) > limit {
            break;
        }
        if row.iter().any(&in_label_column) {
            return None;
        }
        let here: Vec<&P> = row.iter().filter(|p| in_column(p)).collect();
        if here.is_empty() {
            break;
        }
        edge = base(&here);
        got.extend(here.iter().map(|p| (p.line, p.idx)));
    }
    // The label at the run's middle.
    let boxes: Vec<[f32; 4]> = got
        .iter()
        .filter_map(|(li, idx)| lines[*li].iter().find(|p| p.idx == *idx).map(|p| p.bbox))
        .collect();
    let top = boxes.iter().map(|b| b[3]).fold(f32::NEG_INFINITY, f32::max);
    let bottom = boxes.iter().map(|b| b[1]).fold(f32::INFINITY, f32::min);
    let label_boxes: Vec<[f32; 4]> = a
        .parts
        .iter()
        .filter_map(|(li, idx)| lines[*li].iter().find(|p| p.idx == *idx).map(|p| p.bbox))
        .collect();
    let ltop = label_boxes
        .iter()
        .map(|b| b[3])
        .fold(f32::NEG_INFINITY, f32::max);
    let lbottom = label_boxes
        .iter()
        .map(|b| b[1])
        .fold(f32::INFINITY, f32::min);
    if ((top + bottom) - (ltop + lbottom)).abs() * 0.5 > 0.6 * a.em {
        return None;
    }
    got.sort_unstable();
    Some(got)
}

/// `b` starts on one of `a`'s lines, right of it.
fn beside(a: &Anchor, b: &Anchor) -> bool {
    (a.first_line..=a.last_line).contains(&b.first_line) && b.x0 > a.x0
}

/// A label pieced together from a wrapped column that the vocabulary does not list is only
/// taken when it starts like a budget label (`令和６年` / `度補正予` / `算額`): the budget
/// pattern (anything ending in 予算額) would otherwise take a value stacked over a label.
fn budget_start(joined: &str) -> bool {
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
fn find_anchors(lines: &[Vec<P>]) -> Vec<Anchor> {
    let mut used: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut out = Vec::new();
    for (li, row) in lines.iter().enumerate() {
        for p in row {
            if used.contains(&(p.line, p.idx)) {
                continue;
            }
            let slack = SLACK_EMS * p.em();
            // Stack of pieces below at the same left edge, each the first piece of its
            // line at or right of that edge.
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
                    || (q.bbox[0] > p.bbox[0]
                        && (centre(&q.bbox) - centre(&p.bbox)).abs() <= slack);
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
                    .is_some_and(|(_, mid)| {
                        mid.iter().any(|c| "【】［］[]〔〕（）()".contains(*c))
                    });
                if k > 0
                    && labels::field_of(&joined).is_none()
                    && (inner_bracket
                        || !budget_start(&joined)
                        || best.as_ref().is_some_and(|b| {
                            b.1 != Field::Budget
                                || budget_start(&q.text)
                                || whole_label(&q.text).is_some()
                        }))
                {
                    continue;
                }
                best = Some((k, f, l));
            }
            let Some((k, field, label)) = best else {
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

#[cfg(test)]
mod tests;
