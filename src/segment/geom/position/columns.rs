//! Where each label's values may reach on the right, and the page's line pitch.
//!
//! A label's value column ends at the next label on the label's first line (two fields side
//! by side), at the right edge of the ruled rectangle the label sits in (or of the page's
//! text), and at a column of running text beside the form ([`aside_column`]) when the label
//! is left of it.

use super::{Anchor, Key, P, SLACK_EMS, beside, key};
use crate::ingest;
use std::collections::BTreeMap;

/// Lines a column of unrelated text must fill before it bounds the form's values.
const ASIDE_MIN_LINES: usize = 4;

/// Per anchor: the right bound of its value column.
pub(super) fn right_bounds(
    page: &ingest::Page,
    lines: &[Vec<P>],
    anchors: &[Anchor],
    label_at: &BTreeMap<(usize, usize), usize>,
) -> Vec<f32> {
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
    let aside_x = aside_column(lines, anchors, label_at);
    // The next label on the label's first line bounds the columns on the right.
    anchors
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
        .collect()
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

/// The page's line pitch: the smallest distance between the baselines of consecutive
/// lines, or of a piece and the nearest piece below it that shares its left edge (a
/// paragraph's next line, when labels set half a line off their values stand between every
/// pair of consecutive rows), that is not a label line set half a line off its value (at
/// least 0.8 em).
pub(super) fn line_pitch(lines: &[Vec<P>]) -> Option<f32> {
    let base = |row: &[P]| row.iter().map(|p| p.bbox[1]).fold(f32::INFINITY, f32::min);
    let em = |row: &[P]| row.iter().map(P::em).fold(0.0f32, f32::max);
    let rows: Vec<&Vec<P>> = lines.iter().filter(|r| !r.is_empty()).collect();
    let between_rows = rows.windows(2).filter_map(|w| {
        let d = base(w[0]) - base(w[1]);
        (d >= 0.8 * em(w[0])).then_some(d)
    });
    let pieces: Vec<&P> = lines.iter().flatten().collect();
    let down_a_column = pieces.iter().filter_map(|p| {
        let slack = SLACK_EMS * p.em();
        let below = pieces
            .iter()
            .filter(|q| (q.bbox[0] - p.bbox[0]).abs() <= slack && q.bbox[1] < p.bbox[1])
            .map(|q| q.bbox[1])
            .fold(f32::NEG_INFINITY, f32::max);
        let d = p.bbox[1] - below;
        (d.is_finite() && d >= 0.8 * p.em()).then_some(d)
    });
    between_rows.chain(down_a_column).min_by(f32::total_cmp)
}
