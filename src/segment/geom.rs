//! Records from a PDF's geometry: labels in ruled cells associated with their values by
//! position.
//!
//! Budget PR sheets are Excel/Word forms printed to PDF: a label sits in a ruled cell and its
//! value in the cell right of it (same row band) or, for column headers, in the cell below.
//! Extraction reads a table row by row, cell by cell, so a narrow label cell wraps
//! (`事業概` / `要`), one-line cells of a row share a line, and a label spanning several rows
//! (`予算額` beside two budget rows) is glued to the first of them — the text rules cannot
//! undo that. This module uses the cell boxes extraction found ([`crate::ingest::Piece`]):
//!
//! 1. Each ruled cell's text (its lines joined; a wrapped label rejoined without a break)
//!    is a *label cell* when the whole of it is a vocabulary label ([`super::labels`]).
//! 2. A label cell's value is the non-empty cells touching its right border that overlap it
//!    vertically by at least half the smaller height; if there are none (or they are labels
//!    themselves), the cells touching its bottom border that overlap it horizontally by at
//!    least half the smaller width. A value cell belongs to one label (the first in reading
//!    order). A budget label whose right neighbours are budget labels (`予算額` spanning
//!    `令和6年度補正予算額` and `令和5年度予算額`) is a group heading and is dropped.
//! 3. A value cell's line whose text runs up to the cell's right border was wrapped by the
//!    layout and is joined with the next line (`独立` / `行政法人`); other breaks stay.
//! 4. The page's lines are rewritten into logical lines `label　value` (value lines
//!    following, a blank line ending the value when the next line is no label); lines
//!    without label or value cells stay as extracted. The rewritten lines keep the source
//!    line numbers they came from (a label line with its value spans both), so provenance
//!    names the page's real lines, and go through the same record rules and typed parsers
//!    as text input ([`super::records_from_lines`]).
//! 5. On a page read by position, two source lines set more than 1 em apart (or the
//!    second back at the top of another column) get a blank line between them, so a value
//!    does not run on into unrelated text below it.
//!
//! Invariants: no text is added or dropped except the group headings and the line breaks
//! inside a wrapped label (blank lines are added at the gaps of step 5); pages without
//! ruled cells or three positional labels give exactly the text path's lines.

use super::clean::{self, Line};
use super::labels::{self, Field};
use crate::ingest;
use std::collections::BTreeMap;

mod position;

/// Borders this close (pt) touch.
const TOUCH: f32 = 3.0;

/// A line of a cell whose text ends within this many ems (plus [`SOFT_WRAP_PAD`] pt of
/// cell padding) of the cell's right border was wrapped by the layout, not by the writer.
const SOFT_WRAP_EMS: f32 = 1.2;
const SOFT_WRAP_PAD: f32 = 4.0;

/// A ruled cell's box as a map key.
type Key = [u32; 4];

fn key(b: &[f32; 4]) -> Key {
    [
        b[0].to_bits(),
        b[1].to_bits(),
        b[2].to_bits(),
        b[3].to_bits(),
    ]
}

/// One ruled cell of a page: its box and its text per source line.
#[derive(Debug, Default)]
struct Cell {
    rect: [f32; 4],
    /// (global line number, text on that line), in reading order.
    lines: Vec<(u32, String)>,
    /// Per line: its text runs up to the cell's right border (a soft wrap: the next line
    /// continues it).
    soft: Vec<bool>,
}

impl Cell {
    fn joined(&self) -> String {
        self.lines.iter().map(|(_, t)| t.trim()).collect::<String>()
    }
}

/// A line cut into its cells: (cell key or `None` for flowing text, gap before, text).
type Segments = Vec<(Option<Key>, &'static str, String)>;

fn segments(line: &ingest::Line) -> Segments {
    let mut out: Segments = Vec::new();
    for p in &line.pieces {
        let k = p.cell.as_ref().map(key);
        match out.last_mut() {
            Some((ok, _, text)) if *ok == k && k.is_some() => {
                text.push_str(p.gap);
                text.push_str(&p.text);
            }
            _ => out.push((k, p.gap, p.text.clone())),
        }
    }
    out
}

fn overlap(a0: f32, a1: f32, b0: f32, b1: f32) -> f32 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

/// What a label cell does.
#[derive(Debug, Clone)]
enum Role {
    /// A label with its value cells (possibly none).
    Label { label: String, values: Vec<Key> },
    /// A group heading over sub-labels: dropped.
    Group,
}

/// The label cell text, if the whole cell is a label: the label without its spaces.
fn label_of(cell: &Cell) -> Option<(Field, String)> {
    let joined = cell.joined();
    if joined.chars().count() > 30 {
        return None;
    }
    let (field, _, rest) = labels::split_label(&joined)?;
    rest.trim().is_empty().then(|| {
        let label: String = joined.chars().filter(|c| !c.is_whitespace()).collect();
        (field, label)
    })
}

/// Roles of the label cells of one page.
fn roles(cells: &BTreeMap<Key, Cell>, order: &[Key]) -> BTreeMap<Key, Role> {
    let found: BTreeMap<Key, (Field, String)> = order
        .iter()
        .filter_map(|k| label_of(&cells[k]).map(|l| (*k, l)))
        .collect();
    let mut taken: std::collections::BTreeSet<Key> = Default::default();
    let mut out = BTreeMap::new();
    for k in order {
        let Some((field, label)) = found.get(k) else {
            continue;
        };
        let l = cells[k].rect;
        let right: Vec<Key> = order
            .iter()
            .filter(|c| *c != k)
            .filter(|c| {
                let r = cells[*c].rect;
                (r[0] - l[2]).abs() <= TOUCH
                    && overlap(r[1], r[3], l[1], l[3]) >= 0.5 * (r[3] - r[1]).min(l[3] - l[1])
            })
            .copied()
            .collect();
        let below: Vec<Key> = order
            .iter()
            .filter(|c| *c != k)
            .filter(|c| {
                let r = cells[*c].rect;
                (r[3] - l[1]).abs() <= TOUCH
                    && overlap(r[0], r[2], l[0], l[2]) >= 0.5 * (r[2] - r[0]).min(l[2] - l[0])
            })
            .copied()
            .collect();
        let has_label = |v: &[Key]| v.iter().any(|c| found.contains_key(c));
        let free = |v: &[Key]| v.iter().all(|c| !taken.contains(c));
        let values = if !right.is_empty() && !has_label(&right) && free(&right) {
            right
        } else if !below.is_empty() && !has_label(&below) && free(&below) {
            below
        } else {
            if *field == Field::Budget
                && !right.is_empty()
                && right
                    .iter()
                    .all(|c| found.get(c).is_some_and(|f| f.0 == Field::Budget))
            {
                out.insert(*k, Role::Group);
                continue;
            }
            Vec::new()
        };
        taken.extend(values.iter().copied());
        out.insert(
            *k,
            Role::Label {
                label: label.clone(),
                values,
            },
        );
    }
    out
}

/// The document's lines for the record reader: as [`clean::lines`] numbers `doc.text()`,
/// with ruled label cells rewritten into `label　value` lines (see the module docs).
pub fn lines(doc: &ingest::Document) -> Vec<Line> {
    let text = doc.text();
    let base = clean::lines(&text);
    // Global line number of each page's first line (pages joined by form feeds).
    let mut first = Vec::with_capacity(doc.pages.len());
    let mut n = 1u32;
    for p in &doc.pages {
        first.push(n);
        n = n.saturating_add(u32::try_from(p.lines.len()).unwrap_or(u32::MAX));
    }
    let Ruled {
        mut by_number,
        raw,
        mut pages,
    } = ruled_cells(doc, &first);
    let mut page_roles: Vec<BTreeMap<Key, Role>> = pages
        .iter()
        .map(|(cells, order)| roles(cells, order))
        .collect();
    let mut consumed: Vec<std::collections::BTreeSet<Key>> = vec![Default::default(); pages.len()];
    for (pi, r) in page_roles.iter().enumerate() {
        for role in r.values() {
            if let Role::Label { values, .. } = role {
                consumed[pi].extend(values.iter().copied());
            }
        }
    }
    // Forms without rules: labels and values by position among the remaining pieces.
    let mut para_breaks: std::collections::BTreeSet<u32> = Default::default();
    for (pi, page) in doc.pages.iter().enumerate() {
        let skip = |k: &Key| page_roles[pi].contains_key(k) || consumed[pi].contains(k);
        let Some(found) = position::assign(pi, page, first[pi], &skip) else {
            continue;
        };
        para_breaks.extend(paragraph_breaks(page, first[pi]));
        pages[pi].0.extend(found.cells);
        page_roles[pi].extend(found.roles);
        consumed[pi].extend(found.consumed);
        for (n, segs) in found.segs {
            by_number.insert(n, (pi, segs));
        }
    }
    let out = rewritten(base, &by_number, &raw, &pages, &page_roles, &consumed);
    with_blank_lines(&out, &para_breaks)
}

/// The lines of `base` (the text path's lines) with those holding a cell of a form
/// rewritten (see [`rewrite`]), as (line, ends a value, is a label line).
fn rewritten(
    base: Vec<Line>,
    by_number: &BTreeMap<u32, (usize, Segments)>,
    raw: &BTreeMap<u32, String>,
    pages: &[PageCells],
    page_roles: &[BTreeMap<Key, Role>],
    consumed: &[std::collections::BTreeSet<Key>],
) -> Vec<(Line, bool, bool)> {
    let relevant = |n: u32| {
        by_number.get(&n).filter(|(pi, segs)| {
            segs.iter().any(|(k, _, _)| {
                k.is_some_and(|k| page_roles[*pi].contains_key(&k) || consumed[*pi].contains(&k))
            })
        })
    };
    // (line, ends a value, is a label line)
    let mut out: Vec<(Line, bool, bool)> = Vec::with_capacity(base.len());
    for line in base {
        if !(line.start..=line.end).any(|n| relevant(n).is_some()) {
            out.push((line, false, false));
            continue;
        }
        // A run of one-character lines joined as vertical text is taken apart again when
        // it holds cells of a form.
        for n in line.start..=line.end {
            let Some((pi, segs)) = relevant(n) else {
                if let Some(t) = raw.get(&n) {
                    out.push((
                        Line {
                            text: clean::collapse_repeats(t.trim_end()),
                            page: line.page,
                            start: n,
                            end: n,
                        },
                        false,
                        false,
                    ));
                }
                continue;
            };
            rewrite(
                n,
                line.page,
                &pages[*pi].0,
                &page_roles[*pi],
                &consumed[*pi],
                segs,
                &mut out,
            );
        }
    }
    out
}

/// The ruled cells of each page with the order they are met in.
type PageCells = (BTreeMap<Key, Cell>, Vec<Key>);

/// What extraction's ruled cells give: the segments of each line holding a cell (global
/// number → page index, segments), each line's raw text, and each page's cells.
struct Ruled {
    by_number: BTreeMap<u32, (usize, Segments)>,
    raw: BTreeMap<u32, String>,
    pages: Vec<PageCells>,
}

/// The ruled cells of `doc` (`first`: global number of each page's first line), each
/// cell's lines marked soft where the layout wrapped them.
fn ruled_cells(doc: &ingest::Document, first: &[u32]) -> Ruled {
    let mut by_number: BTreeMap<u32, (usize, Segments)> = BTreeMap::new();
    let mut raw: BTreeMap<u32, String> = BTreeMap::new();
    let mut pages: Vec<PageCells> = Vec::new();
    for (pi, page) in doc.pages.iter().enumerate() {
        let mut cells: BTreeMap<Key, Cell> = BTreeMap::new();
        let mut order: Vec<Key> = Vec::new();
        for (li, line) in page.lines.iter().enumerate() {
            let number = first[pi].saturating_add(u32::try_from(li).unwrap_or(u32::MAX));
            raw.insert(number, line.text.clone());
            let segs = segments(line);
            for (k, _, t) in &segs {
                let Some(k) = k else { continue };
                let cell = cells.entry(*k).or_insert_with(|| {
                    order.push(*k);
                    Cell {
                        rect: line
                            .pieces
                            .iter()
                            .find_map(|p| p.cell.filter(|c| key(c) == *k))
                            .unwrap_or_default(),
                        lines: Vec::new(),
                        soft: Vec::new(),
                    }
                });
                cell.lines.push((number, t.clone()));
                // Right edge and em of the cell's text on this line.
                let (right, em) = line
                    .pieces
                    .iter()
                    .filter(|p| p.cell.as_ref().map(key) == Some(*k))
                    .fold((f32::NEG_INFINITY, 0.0f32), |(r, e), p| {
                        (r.max(p.bbox[2]), e.max(p.bbox[3] - p.bbox[1]))
                    });
                cell.soft
                    .push(cell.rect[2] - right <= SOFT_WRAP_EMS * em + SOFT_WRAP_PAD);
            }
            if segs.iter().any(|s| s.0.is_some()) {
                by_number.insert(number, (pi, segs));
            }
        }
        pages.push((cells, order));
    }
    Ruled {
        by_number,
        raw,
        pages,
    }
}

/// The rewritten lines `out` ((line, ends a value, is a label line)) with blank lines where
/// a value ends: a blank line unless a label line follows. On a form read by position, a
/// wide vertical gap between two source lines (`para_breaks`) is a blank line.
fn with_blank_lines(
    out: &[(Line, bool, bool)],
    para_breaks: &std::collections::BTreeSet<u32>,
) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::with_capacity(out.len());
    for i in 0..out.len() {
        lines.push(out[i].0.clone());
        let gap_after = out.get(i + 1).is_some_and(|next| {
            !out[i].0.is_blank()
                && next.0.start > out[i].0.end
                && para_breaks
                    .range(out[i].0.end.saturating_add(1)..=next.0.start)
                    .next()
                    .is_some()
        });
        if (out[i].1 || gap_after)
            && let Some(next) = out.get(i + 1)
            && !next.2
            && !next.0.is_blank()
            && next.0.page == out[i].0.page
        {
            let l = &out[i].0;
            lines.push(Line {
                text: String::new(),
                page: l.page,
                start: l.end,
                end: l.end,
            });
        }
    }
    lines
}

/// Global numbers of the lines of `page` set more than [`PARAGRAPH_GAP_EMS`] below the line
/// before them: paragraph (or field) breaks the text does not show.
fn paragraph_breaks(page: &ingest::Page, first: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let extent = |l: &ingest::Line| {
        l.pieces.iter().fold(
            (f32::INFINITY, f32::NEG_INFINITY, 0.0f32),
            |(b, t, e), p| {
                (
                    b.min(p.bbox[1]),
                    t.max(p.bbox[3]),
                    e.max(p.bbox[3] - p.bbox[1]),
                )
            },
        )
    };
    for (li, pair) in page.lines.windows(2).enumerate() {
        let (above, below) = (extent(&pair[0]), extent(&pair[1]));
        if pair[0].pieces.is_empty() || pair[1].pieces.is_empty() {
            continue;
        }
        let em = above.2.max(below.2);
        // A gap, or a jump up to the top of another column.
        if above.0 - below.1 > PARAGRAPH_GAP_EMS * em || below.1 > above.1 {
            out.push(first.saturating_add(u32::try_from(li + 1).unwrap_or(u32::MAX)));
        }
    }
    out
}

/// A vertical gap (in ems) between two lines of a form read by position that separates
/// paragraphs.
const PARAGRAPH_GAP_EMS: f32 = 1.0;

/// Writes source line `n` (cut into `segs`) to `out`: label cells as `label　value` lines
/// (at the label's first line), value cells dropped (written with their label), other cells
/// and flowing text as one line.
// Long: one walk over a line's segments, written as met.
fn rewrite(
    n: u32,
    page: u32,
    cells: &BTreeMap<Key, Cell>,
    roles: &BTreeMap<Key, Role>,
    consumed: &std::collections::BTreeSet<Key>,
    segs: &Segments,
    out: &mut Vec<(Line, bool, bool)>,
) {
    let at = |text: String, start: u32, end: u32| Line {
        text: clean::collapse_repeats(text.trim_end()),
        page,
        start,
        end,
    };
    let mut plain = String::new();
    let flush = |plain: &mut String, out: &mut Vec<(Line, bool, bool)>| {
        if !plain.trim().is_empty() {
            out.push((at(std::mem::take(plain), n, n), false, false));
        }
        plain.clear();
    };
    for (k, gap, text) in segs {
        let role = k.and_then(|k| roles.get(&k));
        if k.is_some_and(|k| consumed.contains(&k)) && role.is_none() {
            continue;
        }
        match (k, role) {
            (Some(k), Some(role)) => {
                // A label cell is written once, at its first line.
                if cells[k].lines.first().map(|l| l.0) != Some(n) {
                    continue;
                }
                flush(&mut plain, out);
                let Role::Label { label, values } = role else {
                    continue;
                };
                let value_lines: Vec<(u32, String)> =
                    values.iter().flat_map(|v| unwrapped(&cells[v])).collect();
                let value_lines: Vec<&(u32, String)> = value_lines.iter().collect();
                // A budget heading whose value starts with a budget label of its own
                // (`予算額` | `令和6年度補正予算額　…`) is a group heading: dropped.
                let group = labels::split_label(label).is_some_and(|(f, _, _)| f == Field::Budget)
                    && value_lines.first().is_some_and(|(_, t)| {
                        labels::split_label(t).is_some_and(|(f, _, _)| f == Field::Budget)
                    });
                match value_lines.split_first() {
                    Some(((n0, t0), rest)) if group => {
                        out.push((at(t0.trim().to_string(), *n0, *n0), rest.is_empty(), true));
                        for (i, (m, t)) in rest.iter().enumerate() {
                            out.push((
                                at(t.trim().to_string(), *m, *m),
                                i + 1 == rest.len(),
                                false,
                            ));
                        }
                    }
                    None => out.push((at(label.clone(), n, n), false, true)),
                    Some(((n0, t0), rest)) => {
                        out.push((
                            at(
                                format!("{label}\u{3000}{}", t0.trim()),
                                n.min(*n0),
                                n.max(*n0),
                            ),
                            rest.is_empty(),
                            true,
                        ));
                        for (i, (m, t)) in rest.iter().enumerate() {
                            out.push((
                                at(t.trim().to_string(), *m, *m),
                                i + 1 == rest.len(),
                                false,
                            ));
                        }
                    }
                }
            }
            _ => {
                if !plain.is_empty() {
                    plain.push_str(if gap.is_empty() { "\u{3000}" } else { gap });
                }
                plain.push_str(text);
            }
        }
    }
    flush(&mut plain, out);
}

/// A cell's lines with soft wraps undone: a line running up to the right border is joined
/// with the next line of the cell (unless that starts a list item), so a word wrapped by the
/// layout (`独立` / `行政法人`) is one again. Each line keeps its first source line number.
fn unwrapped(cell: &Cell) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    let mut join = false;
    for (i, (n, t)) in cell.lines.iter().enumerate() {
        let t = t.trim();
        if t.is_empty() {
            join = false;
            continue;
        }
        match out.last_mut() {
            Some(last) if join && labels::strip_marker(t).len() == t.len() => last.1.push_str(t),
            _ => out.push((*n, t.to_string())),
        }
        join = cell.soft.get(i).copied().unwrap_or(false);
    }
    out
}
