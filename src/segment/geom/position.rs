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
use crate::segment::labels::Field;
use std::collections::{BTreeMap, BTreeSet};

mod anchors;
mod centred;
mod columns;
mod output;
mod values;

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

/// Labels and values by position on page `page_index` (first global line number `first`);
/// pieces in the ruled cells `skip` (label and value cells already read) are left alone.
pub(super) fn assign(
    page_index: usize,
    page: &ingest::Page,
    first: u32,
    skip: &dyn Fn(&Key) -> bool,
) -> Option<Assigned> {
    let lines = usable_pieces(page, skip);
    let anchors = anchors::find_anchors(&lines);
    // Section headings (事業の流れ, 事業イメージ …) fill no field: they do not make a page a form.
    if anchors.iter().filter(|a| a.field != Field::Section).count() < MIN_ANCHORS {
        return None;
    }
    let label_at: BTreeMap<(usize, usize), usize> = anchors
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.parts.iter().map(move |p| (*p, i)))
        .collect();
    let right_bounds = columns::right_bounds(page, &lines, &anchors, &label_at);
    let values = values::take_values(&lines, &anchors, &label_at, &right_bounds);
    Some(output::assigned(
        page_index,
        page,
        first,
        &lines,
        &anchors,
        &values,
        &right_bounds,
    ))
}

/// The pieces of each line of `page` that may be read by position (none on OCR and vertical
/// lines), without those in the ruled cells `skip`.
fn usable_pieces(page: &ingest::Page, skip: &dyn Fn(&Key) -> bool) -> Vec<Vec<P>> {
    page.lines
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
        .collect()
}

/// `b` starts on one of `a`'s lines, right of it.
fn beside(a: &Anchor, b: &Anchor) -> bool {
    (a.first_line..=a.last_line).contains(&b.first_line) && b.x0 > a.x0
}

#[cfg(test)]
mod tests;
