//! The content-stream interpreter: text state and operators, graphics state (q/Q, cm) and
//! Form XObjects, producing positioned glyphs with their font, code and glyph ID.
//!
//! Invariants: operand errors skip the operator (PDF viewers do the same); Form XObjects
//! recurse at most [`MAX_FORM_DEPTH`] deep and never into a form already on the stack; the
//! q/Q stack and the number of glyphs per page are bounded; operators, glyphs, form draws
//! and decoded bytes are charged to the document's [`super::budget::Meter`] and the
//! interpreter stops when it is exhausted; a form is decoded once per document.
//!
//! Ruling lines: painted paths are kept as axis-aligned [`Rule`]s in user space (the CTM
//! applied) for table layout — every straight horizontal/vertical segment of a stroked path,
//! and a filled path only when it is thin (≤ [`THIN_FILL`] across: a rule drawn as a filled
//! bar). Clipping-only paths (`n`) and curves draw no rules; the rules per page are bounded.
//!
//! Covered text: a white rectangle filled after glyphs were drawn (no ExtGState in effect,
//! whose alpha or blend mode could let them show through) hides those under it; they are
//! marked [`RawGlyph::covered`] (a legend relabelled by whiting out one language and
//! printing another over it) so that layout reads them apart from the text drawn on top.

use super::font::Font;
use super::pdf::{Pdf, number};
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;

mod resources;
mod rules;
mod text;

pub use rules::{Cover, Rule};

/// Deepest nesting of Form XObjects interpreted (deeper draws are skipped).
pub const MAX_FORM_DEPTH: usize = 12;
const MAX_GSTATE_DEPTH: usize = 256;
const MAX_GLYPHS_PER_PAGE: usize = 2_000_000;
const MAX_RULES_PER_PAGE: usize = 200_000;
/// A filled path at most this thick (user-space units) is a rule drawn as a bar.
pub const THIN_FILL: f32 = 2.5;

/// 2×3 affine matrix `[a b c d e f]` in PDF's row-vector convention.
pub type Matrix = [f32; 6];
/// The identity matrix.
pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: apply `m` first, then `n`.
pub fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Point (x, y) under matrix `m`.
fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// One glyph as drawn.
#[derive(Debug, Clone)]
pub struct RawGlyph {
    /// Index into the page interpreter's font list.
    pub font: usize,
    /// Character code, as the font splits the string.
    pub code: u32,
    /// Glyph ID, where the font structure determines it ([`Font::gid`]).
    pub gid: Option<u32>,
    /// Origin in user space (y up).
    pub x: f32,
    /// Origin y in user space.
    pub y: f32,
    /// Origin after the advance.
    pub x_end: f32,
    /// y of the origin after the advance.
    pub y_end: f32,
    /// Em size in user space.
    pub size: f32,
    /// Drawn in vertical writing mode (the font's WMode 1).
    pub vertical: bool,
    /// Painted over by a white rectangle filled after it (see the module notes).
    pub covered: bool,
}

impl RawGlyph {
    /// The glyph's box in user space (y up), [x0, y0, x1, y1]: the advance by the em box
    /// (0.12 em below the baseline to 0.88 above), or for vertical writing an em wide
    /// around the origin.
    pub fn bbox(&self) -> [f32; 4] {
        let (x, y, size) = (self.x, self.y, self.size);
        if self.vertical {
            [
                x - size / 2.0,
                self.y_end.min(y),
                x + size / 2.0,
                self.y_end.max(y),
            ]
        } else {
            [
                x.min(self.x_end),
                y - 0.12 * size,
                x.max(self.x_end),
                y + 0.88 * size,
            ]
        }
    }
}

/// Fonts met while interpreting, shared across pages (keyed by object id).
#[derive(Default)]
pub struct FontCache {
    /// The fonts, indexed by [`RawGlyph::font`].
    pub fonts: Vec<Font>,
    by_id: HashMap<ObjectId, usize>,
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<usize>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
    /// The fill colour is white (gray 1, RGB 1 1 1, CMYK 0 0 0 0).
    fill_white: bool,
    /// The fill colour space is gray, RGB or CMYK (device, calibrated or ICC): `sc`/`scn`
    /// operands then read as such (in a Separation, 1 is full ink).
    fill_space_plain: bool,
    /// An ExtGState was set (`gs`): its alpha or blend mode may let covered text show.
    ext_gstate: bool,
    /// The clipping path's bounding box, when one was set: a cover paints only inside it.
    clip: Option<[f32; 4]>,
}

/// Interprets one page (or form) content stream.
pub struct Interpreter<'a> {
    pdf: &'a Pdf,
    /// The fonts met so far, shared across pages.
    pub fonts: &'a mut FontCache,
    /// Glyphs drawn, in content-stream order.
    pub glyphs: Vec<RawGlyph>,
    /// Ruling lines painted on the page (see the module notes).
    pub rules: Vec<Rule>,
    /// White rectangles filled after some glyphs were drawn (see the module notes).
    pub covers: Vec<Cover>,
    /// What was skipped or odd while interpreting (one message each).
    pub warnings: Vec<String>,
    /// Images drawn (image XObjects and inline images): a page with images and no glyphs
    /// is image-only (a scan).
    pub images: usize,
    form_stack: Vec<ObjectId>,
    /// What a form drawn now inherits from the state that draws it: an ExtGState in effect
    /// and the clip box (see [`State`]).
    inherited: (bool, Option<[f32; 4]>),
    /// The codes of the string shown last (reused: no allocation per string).
    codes: Vec<u32>,
}

impl<'a> Interpreter<'a> {
    /// An interpreter for content streams of `pdf`, adding the fonts it meets to `fonts`.
    pub fn new(pdf: &'a Pdf, fonts: &'a mut FontCache) -> Self {
        Interpreter {
            pdf,
            fonts,
            glyphs: Vec::new(),
            rules: Vec::new(),
            covers: Vec::new(),
            warnings: Vec::new(),
            images: 0,
            form_stack: Vec::new(),
            inherited: (false, None),
            codes: Vec::new(),
        }
    }

    /// Runs `content` with `resources` under `ctm`.
    pub fn run(&mut self, content: &[u8], resources: Option<&Dictionary>, ctm: Matrix) {
        let mut st = State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
            fill_white: false,
            fill_space_plain: true,
            ext_gstate: self.inherited.0,
            clip: self.inherited.1,
        };
        // `W`/`W*` seen: the path painted next also clips.
        let mut clip_next = false;
        let mut stack: Vec<State> = Vec::new();
        let mut pos = text::TextPosition::default();
        let mut path = rules::Path::default();
        // Operators are parsed one at a time (a 5 M-operator stream is never held whole)
        // and each is charged to the document's budget.
        let meter = &self.pdf.meter;
        if !meter.charge_content(content.len()) {
            return;
        }
        let mut parsed = lexer::Operations::new(content);
        let mut count = 0usize;
        loop {
            if meter.exhausted() {
                return;
            }
            let Some((operator, operands)) = self.next_operation(&mut parsed, count) else {
                return;
            };
            if !meter.charge_operator() {
                return;
            }
            count += 1;
            let numbers = Numbers::of(operands);
            let nums = numbers.as_slice();
            match operator {
                "q" if stack.len() < MAX_GSTATE_DEPTH => {
                    stack.push(st.clone());
                }
                "Q" => {
                    if let Some(s) = stack.pop() {
                        st = s;
                    }
                }
                "cm" if nums.len() == 6 => {
                    let m = [nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]];
                    st.ctm = mul(&m, &st.ctm);
                }
                "g" | "rg" | "k" => {
                    st.fill_space_plain = true;
                    st.fill_white = matches!(nums, [1.0] | [1.0, 1.0, 1.0] | [0.0, 0.0, 0.0, 0.0]);
                }
                "sc" | "scn" => {
                    st.fill_white = st.fill_space_plain
                        && matches!(nums, [1.0] | [1.0, 1.0, 1.0] | [0.0, 0.0, 0.0, 0.0])
                }
                "cs" => {
                    // A new space starts at its initial colour, never white.
                    st.fill_white = false;
                    st.fill_space_plain = match operands.first() {
                        Some(Object::Name(name)) => self.plain_colour_space(resources, name),
                        _ => false,
                    };
                }
                "gs" => st.ext_gstate = true,
                "W" | "W*" => clip_next = true,
                "m" | "l" | "c" | "v" | "y" | "h" | "re" => {
                    self.path_op(operator, nums, &st.ctm, &mut path, None)
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    // The clip applies after this paint: the clip box a cover meets is the
                    // one in effect before it.
                    let covers = (st.fill_white && !st.ext_gstate).then_some(st.clip);
                    if std::mem::take(&mut clip_next)
                        && let Some(b) = path.bbox()
                    {
                        st.clip = Some(match st.clip {
                            Some(c) => [
                                c[0].max(b[0]),
                                c[1].max(b[1]),
                                c[2].min(b[2]),
                                c[3].min(b[3]),
                            ],
                            None => b,
                        });
                    }
                    self.path_op(operator, nums, &st.ctm, &mut path, covers)
                }
                "BT" | "Tf" | "Tc" | "Tw" | "Tz" | "TL" | "Ts" | "Td" | "TD" | "Tm" | "T*"
                | "Tj" | "'" | "\"" | "TJ" => {
                    self.text_op(operator, operands, nums, resources, &mut st, &mut pos)
                }
                "BI" => self.images += 1,
                "Do" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        let outer =
                            std::mem::replace(&mut self.inherited, (st.ext_gstate, st.clip));
                        self.form(resources, name, &st.ctm);
                        self.inherited = outer;
                    }
                }
                _ => {}
            }
        }
    }

    /// Colour space `name` (a device family or a `/ColorSpace` resource) is gray, RGB or
    /// CMYK: device, CalGray/CalRGB or ICC-based (whose components mean the same).
    fn plain_colour_space(&self, resources: Option<&Dictionary>, name: &[u8]) -> bool {
        const PLAIN: [&[u8]; 6] = [
            b"DeviceGray",
            b"DeviceRGB",
            b"DeviceCMYK",
            b"CalGray",
            b"CalRGB",
            b"ICCBased",
        ];
        if PLAIN.contains(&name) {
            return true;
        }
        let family = resources
            .and_then(|r| r.get(b"ColorSpace").ok())
            .and_then(|o| self.pdf.resolve(o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| d.get(name).ok())
            .and_then(|o| self.pdf.resolve(o))
            .and_then(|o| match o {
                Object::Name(n) => Some(n.as_slice()),
                Object::Array(a) => a
                    .first()
                    .and_then(|f| self.pdf.resolve(f))
                    .and_then(|f| f.as_name().ok()),
                _ => None,
            });
        family.is_some_and(|f| PLAIN.contains(&f))
    }

    /// Marks the glyphs a later white rectangle covers ([`RawGlyph::covered`]): the glyph's
    /// box ([`RawGlyph::bbox`]) lies inside the rectangle, within 0.1 em. Call once the page (and its annotations) is interpreted.
    pub fn mark_covered(&mut self) {
        if self.covers.is_empty() {
            return;
        }
        // Glyphs by their boxes' least x, so each cover looks only at those that can lie
        // inside it.
        let mut by_x: Vec<(f32, usize)> = self
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, g)| (g.bbox()[0], i))
            .filter(|(x, _)| x.is_finite())
            .collect();
        by_x.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        for c in &self.covers {
            let from = by_x.partition_point(|&(x, _)| x < c.x0 - 1.0);
            for &(x, i) in &by_x[from..] {
                if x > c.x1 {
                    break;
                }
                let g = &self.glyphs[i];
                if i >= c.before || g.covered {
                    continue;
                }
                let slack = 0.1 * g.size;
                let [x0, y0, x1, y1] = g.bbox();
                if x0 >= c.x0 - slack
                    && x1 <= c.x1 + slack
                    && y0 >= c.y0 - slack
                    && y1 <= c.y1 + slack
                {
                    self.glyphs[i].covered = true;
                }
            }
        }
    }

    /// The next operation of `parsed` (`count` read so far); `None` at the end of the
    /// stream, or with a warning when the rest of it cannot be parsed.
    fn next_operation<'p>(
        &mut self,
        parsed: &'p mut lexer::Operations<'_>,
        count: usize,
    ) -> Option<(&'p str, &'p [Object])> {
        // lopdf is not ours: a panic in its parser must not take the caller down. The
        // reader is moved into the closure so that the operation may borrow from it.
        let reader = parsed;
        let read = std::panic::catch_unwind(AssertUnwindSafe(move || {
            let reader = reader;
            reader.next_ref()
        }));
        match read {
            Ok(None) => None,
            Ok(Some(Ok(op))) => Some(op),
            Ok(Some(Err(e))) => {
                self.warnings.push(format!(
                    "content stream unparsable after {count} operators ({e}); text from the rest of it skipped"
                ));
                None
            }
            Err(_) => {
                self.warnings
                    .push("content stream parser failed; text from the rest of it skipped".into());
                None
            }
        }
    }
}

/// The numeric operands of an operation, on the stack for the usual few.
struct Numbers {
    small: [f32; 8],
    many: Vec<f32>,
    len: usize,
}

impl Numbers {
    fn of(operands: &[Object]) -> Self {
        let mut small = [0f32; 8];
        let mut many: Vec<f32> = Vec::new();
        let mut len = 0usize;
        for v in operands.iter().filter_map(number) {
            if len < small.len() {
                small[len] = v;
            } else {
                if many.is_empty() {
                    many.extend_from_slice(&small);
                }
                many.push(v);
            }
            len += 1;
        }
        Numbers { small, many, len }
    }

    fn as_slice(&self) -> &[f32] {
        if self.len <= self.small.len() {
            &self.small[..self.len]
        } else {
            &self.many
        }
    }
}

pub mod lexer;

#[cfg(test)]
mod tests;
