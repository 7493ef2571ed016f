//! What the positional pass hands back: a label cell per label and a value cell per value
//! (under keys no real box has, [`synthetic`]), their roles — a budget label with no value
//! beside a budget label is a group heading — and the touched lines rewritten into
//! segments, each value's pieces joined with the line's own gaps so it reads as extracted.

use super::super::{SOFT_WRAP_EMS, SOFT_WRAP_PAD};
use super::{Anchor, Assigned, Cell, Key, P, Role, Segments, beside, key};
use crate::ingest;
use crate::segment::labels::Field;
use std::collections::{BTreeMap, BTreeSet};

/// A key for label (`value` false) or value cell `n` of page `page`.
fn synthetic(page: usize, n: usize, value: bool) -> Key {
    // NaN bits: no real box has them.
    [
        0x7FC0_0001,
        u32::try_from(page).unwrap_or(u32::MAX),
        u32::try_from(n).unwrap_or(u32::MAX),
        u32::from(value),
    ]
}

/// The global number of line `li` of a page whose first line is `first`.
fn line_no(first: u32, li: usize) -> u32 {
    first.saturating_add(u32::try_from(li).unwrap_or(u32::MAX))
}

/// The cells, roles and rewritten lines of `anchors` and their `values` on page
/// `page_index` (first global line number `first`).
pub(super) fn assigned(
    page_index: usize,
    page: &ingest::Page,
    first: u32,
    lines: &[Vec<P>],
    anchors: &[Anchor],
    values: &[Vec<(usize, usize)>],
    right_bounds: &[f32],
) -> Assigned {
    let mut out = Assigned::default();
    // Keys of assigned pieces.
    let mut key_of: BTreeMap<(usize, usize), Key> = BTreeMap::new();
    for (ai, a) in anchors.iter().enumerate() {
        let lk = synthetic(page_index, ai, false);
        let vk = synthetic(page_index, ai, true);
        for p in &a.parts {
            key_of.insert(*p, lk);
        }
        out.cells.insert(
            lk,
            Cell {
                rect: [a.x0, 0.0, a.x1, 0.0],
                lines: vec![(line_no(first, a.first_line), a.label.clone())],
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
        for v in &values[ai] {
            key_of.insert(*v, vk);
        }
        let cell = value_cell(first, lines, &values[ai], right_bounds[ai]);
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
    out.segs = segments(page, first, &key_of);
    out
}

/// The cell of one value's pieces `value`, a line per source line, each marked soft when it
/// runs up to the value column's right bound `bound` (wrapped by the layout).
fn value_cell(first: u32, lines: &[Vec<P>], value: &[(usize, usize)], bound: f32) -> Cell {
    let piece = |(li, idx): (usize, usize)| lines[li].iter().find(|p| p.idx == idx);
    let mut cell = Cell::default();
    let mut by_line: BTreeMap<usize, Vec<&P>> = BTreeMap::new();
    for v in value {
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
        cell.lines.push((line_no(first, li), text));
        cell.soft
            .push(bound - right <= SOFT_WRAP_EMS * em + SOFT_WRAP_PAD);
    }
    cell
}

/// Rewritten segments of the lines holding an assigned piece (`key_of`), by global line
/// number: runs of pieces of one cell joined with the line's gaps.
fn segments(
    page: &ingest::Page,
    first: u32,
    key_of: &BTreeMap<(usize, usize), Key>,
) -> BTreeMap<u32, Segments> {
    let mut out = BTreeMap::new();
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
        out.insert(line_no(first, li), segs);
    }
    out
}
