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

use super::font::Font;
use super::pdf::{Pdf, number};
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

/// Deepest nesting of Form XObjects interpreted (deeper draws are skipped).
pub const MAX_FORM_DEPTH: usize = 12;
const MAX_GSTATE_DEPTH: usize = 256;
const MAX_GLYPHS_PER_PAGE: usize = 2_000_000;
const MAX_RULES_PER_PAGE: usize = 200_000;
/// A filled path at most this thick (user-space units) is a rule drawn as a bar.
pub const THIN_FILL: f32 = 2.5;
/// A segment whose ends differ by less than this across its direction is axis-aligned.
const AXIS_TOLERANCE: f32 = 0.5;

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
}

/// An axis-aligned ruling line in user space (y up): `x0 ≤ x1`, `y0 ≤ y1`, and either
/// `y0 == y1` (horizontal) or `x0 == x1` (vertical).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Least x.
    pub x0: f32,
    /// Least y.
    pub y0: f32,
    /// Greatest x.
    pub x1: f32,
    /// Greatest y.
    pub y1: f32,
}

impl Rule {
    /// The rule along segment (a, b) if it is horizontal or vertical (within
    /// `AXIS_TOLERANCE`) and finite; diagonal segments are no rules.
    pub fn from_segment(a: (f32, f32), b: (f32, f32)) -> Option<Rule> {
        if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
            return None;
        }
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        if y1 - y0 < AXIS_TOLERANCE && x1 - x0 >= AXIS_TOLERANCE {
            let y = (y0 + y1) / 2.0;
            Some(Rule {
                x0,
                y0: y,
                x1,
                y1: y,
            })
        } else if x1 - x0 < AXIS_TOLERANCE && y1 - y0 >= AXIS_TOLERANCE {
            let x = (x0 + x1) / 2.0;
            Some(Rule {
                x0: x,
                y0,
                x1: x,
                y1,
            })
        } else {
            None
        }
    }

    /// Whether the rule is horizontal (else vertical).
    pub fn horizontal(&self) -> bool {
        self.y0 == self.y1
    }
}

/// A straight piece of a path: from, to (user space).
type Segment = ((f32, f32), (f32, f32));

/// The path under construction: straight segments in user space, the current point and
/// the start of the current subpath (both in user space).
#[derive(Default)]
struct Path {
    segments: Vec<Segment>,
    current: Option<(f32, f32)>,
    start: Option<(f32, f32)>,
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
    /// What was skipped or odd while interpreting (one message each).
    pub warnings: Vec<String>,
    /// Images drawn (image XObjects and inline images): a page with images and no glyphs
    /// is image-only (a scan).
    pub images: usize,
    form_stack: Vec<ObjectId>,
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
            warnings: Vec::new(),
            images: 0,
            form_stack: Vec::new(),
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
        };
        let mut stack: Vec<State> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path = Path::default();
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
            // lopdf is not ours: a panic in its parser must not take the caller down. The
            // reader is moved into the closure so that the operation may borrow from it.
            let reader = &mut parsed;
            let read = std::panic::catch_unwind(AssertUnwindSafe(move || {
                let reader = reader;
                reader.next_ref()
            }));
            let (operator, operands) = match read {
                Ok(None) => break,
                Ok(Some(Ok(op))) => op,
                Ok(Some(Err(e))) => {
                    self.warnings.push(format!(
                        "content stream unparsable after {count} operators ({e}); text from the rest of it skipped"
                    ));
                    return;
                }
                Err(_) => {
                    self.warnings.push(
                        "content stream parser failed; text from the rest of it skipped".into(),
                    );
                    return;
                }
            };
            if !meter.charge_operator() {
                return;
            }
            count += 1;
            // The numeric operands, on the stack for the usual few.
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
            let nums: &[f32] = if len <= small.len() {
                &small[..len]
            } else {
                &many
            };
            let n = |i: usize| nums.get(i).copied();
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
                "m" if nums.len() == 2 => {
                    let p = apply(&st.ctm, nums[0], nums[1]);
                    path.current = Some(p);
                    path.start = Some(p);
                }
                "l" if nums.len() == 2 => {
                    let p = apply(&st.ctm, nums[0], nums[1]);
                    if let Some(c) = path.current {
                        path.segments.push((c, p));
                    }
                    path.current = Some(p);
                }
                "c" | "v" | "y" if nums.len() >= 4 => {
                    // Curves draw no rules; only the current point moves.
                    let k = nums.len() - 2;
                    path.current = Some(apply(&st.ctm, nums[k], nums[k + 1]));
                }
                "h" => {
                    if let (Some(c), Some(s)) = (path.current, path.start) {
                        path.segments.push((c, s));
                        path.current = Some(s);
                    }
                }
                "re" if nums.len() == 4 => {
                    let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
                    let c = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
                        .map(|(px, py)| apply(&st.ctm, px, py));
                    for k in 0..4 {
                        path.segments.push((c[k], c[(k + 1) % 4]));
                    }
                    path.current = Some(c[0]);
                    path.start = Some(c[0]);
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    let stroke = !matches!(operator, "f" | "F" | "f*" | "n");
                    let fill = !matches!(operator, "S" | "s" | "n");
                    let segments = std::mem::take(&mut path);
                    self.paint(&segments.segments, stroke, fill);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) =
                        (operands.first(), operands.get(1).and_then(number))
                    {
                        st.font = self.font(resources, name);
                        st.size = size;
                    }
                }
                "Tc" => st.char_spacing = n(0).unwrap_or(st.char_spacing),
                "Tw" => st.word_spacing = n(0).unwrap_or(st.word_spacing),
                "Tz" => st.hscale = n(0).map(|v| v / 100.0).unwrap_or(st.hscale),
                "TL" => st.leading = n(0).unwrap_or(st.leading),
                "Ts" => st.rise = n(0).unwrap_or(st.rise),
                "Td" | "TD" if nums.len() == 2 => {
                    if operator == "TD" {
                        st.leading = -nums[1];
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, nums[0], nums[1]], &tlm);
                    tm = tlm;
                }
                "Tm" if nums.len() == 6 => {
                    tlm = [nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if operator != "Tj" && operator != "TJ" {
                        if operator == "\"" && nums.len() >= 2 {
                            st.word_spacing = nums[0];
                            st.char_spacing = nums[1];
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], &tlm);
                        tm = tlm;
                    }
                    let Some(font) = st.font else { continue };
                    match operands.last() {
                        Some(Object::String(bytes, _)) => self.show(&st, font, &mut tm, bytes),
                        Some(Object::Array(items)) if operator == "TJ" => {
                            for item in items {
                                match item {
                                    Object::String(bytes, _) => {
                                        self.show(&st, font, &mut tm, bytes)
                                    }
                                    o => {
                                        if let Some(adj) = number(o) {
                                            let d = -adj / 1000.0 * st.size;
                                            let vertical = self.fonts.fonts[font].wmode == 1;
                                            let t = if vertical {
                                                [1.0, 0.0, 0.0, 1.0, 0.0, d]
                                            } else {
                                                [1.0, 0.0, 0.0, 1.0, d * st.hscale, 0.0]
                                            };
                                            tm = mul(&t, &tm);
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                "BI" => self.images += 1,
                "Do" => {
                    if let Some(Object::Name(name)) = operands.first() {
                        self.form(resources, name, &st.ctm);
                    }
                }
                _ => {}
            }
        }
    }

    /// Keeps the rules a painted path draws (see the module notes).
    fn paint(&mut self, segments: &[Segment], stroke: bool, fill: bool) {
        if segments.is_empty() || self.rules.len() >= MAX_RULES_PER_PAGE {
            return;
        }
        if stroke {
            for &(a, b) in segments {
                if let Some(r) = Rule::from_segment(a, b) {
                    self.rules.push(r);
                }
            }
        } else if fill {
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for &(a, b) in segments {
                for p in [a, b] {
                    x0 = x0.min(p.0);
                    y0 = y0.min(p.1);
                    x1 = x1.max(p.0);
                    y1 = y1.max(p.1);
                }
            }
            let (w, h) = (x1 - x0, y1 - y0);
            // A thin bar is a rule along its long side, drawn through its middle.
            let rule = if h <= THIN_FILL && w > h {
                let y = (y0 + y1) / 2.0;
                Rule::from_segment((x0, y), (x1, y))
            } else if w <= THIN_FILL && h > w {
                let x = (x0 + x1) / 2.0;
                Rule::from_segment((x, y0), (x, y1))
            } else {
                None
            };
            self.rules.extend(rule);
        }
        self.rules.truncate(MAX_RULES_PER_PAGE);
    }

    fn show(&mut self, st: &State, font_idx: usize, tm: &mut Matrix, bytes: &[u8]) {
        let mut codes = std::mem::take(&mut self.codes);
        self.show_codes(st, font_idx, tm, bytes, &mut codes);
        self.codes = codes;
    }

    fn show_codes(
        &mut self,
        st: &State,
        font_idx: usize,
        tm: &mut Matrix,
        bytes: &[u8],
        codes: &mut Vec<u32>,
    ) {
        let font = &self.fonts.fonts[font_idx];
        let vertical = font.wmode == 1;
        font.codes_into(bytes, codes);
        for &code in codes.iter() {
            if self.glyphs.len() >= MAX_GLYPHS_PER_PAGE || !self.pdf.meter.charge_glyph() {
                return;
            }
            let params = [st.size * st.hscale, 0.0, 0.0, st.size, 0.0, st.rise];
            let trm = mul(&params, &mul(tm, &st.ctm));
            let w = font.width(code) / 1000.0;
            let spacing = st.char_spacing
                + if font.is_space(code) {
                    st.word_spacing
                } else {
                    0.0
                };
            let t = if vertical {
                [1.0, 0.0, 0.0, 1.0, 0.0, -(w * st.size + spacing)]
            } else {
                [1.0, 0.0, 0.0, 1.0, (w * st.size + spacing) * st.hscale, 0.0]
            };
            *tm = mul(&t, tm);
            let after = mul(&params, &mul(tm, &st.ctm));
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt() * font.em_scale;
            self.glyphs.push(RawGlyph {
                font: font_idx,
                code,
                gid: font.gid(code),
                x: trm[4],
                y: trm[5],
                x_end: after[4],
                y_end: after[5],
                size: if size.is_finite() { size } else { 0.0 },
                vertical,
            });
        }
    }

    fn font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> Option<usize> {
        let fonts = resources?
            .get(b"Font")
            .ok()
            .and_then(|o| self.pdf.resolve(o))?;
        let entry = fonts.as_dict().ok()?.get(name).ok()?;
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        if let Some(id) = id
            && let Some(&i) = self.fonts.by_id.get(&id)
        {
            return Some(i);
        }
        let dict = self.pdf.resolve(entry)?.as_dict().ok()?;
        let font = Font::from_dict(self.pdf, dict, &mut self.warnings);
        self.fonts.fonts.push(font);
        let idx = self.fonts.fonts.len() - 1;
        if let Some(id) = id {
            self.fonts.by_id.insert(id, idx);
        }
        Some(idx)
    }

    fn form(&mut self, resources: Option<&Dictionary>, name: &[u8], ctm: &Matrix) {
        let Some(xobjects) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| self.pdf.resolve(o))
            .and_then(|o| o.as_dict().ok())
        else {
            return;
        };
        let Ok(entry) = xobjects.get(name) else {
            return;
        };
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Some(Object::Stream(stream)) = self.pdf.resolve(entry) else {
            return;
        };
        match stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
        {
            Some(b"Form") => {}
            Some(b"Image") => {
                self.images += 1;
                return;
            }
            _ => return,
        }
        if !self.pdf.meter.charge_form_draw() {
            return;
        }
        if self.form_stack.len() >= MAX_FORM_DEPTH {
            self.warnings.push(format!(
                "form XObject nesting deeper than {MAX_FORM_DEPTH}; inner forms skipped"
            ));
            return;
        }
        if let Some(id) = id
            && self.form_stack.contains(&id)
        {
            self.warnings.push(format!(
                "form XObject {} {} draws itself (cycle); skipped",
                id.0, id.1
            ));
            return;
        }
        // Decoded once per document: a form drawn a thousand times is inflated once.
        let cached = id.and_then(|id| self.pdf.meter.cached_form(id));
        let content = match cached {
            Some(c) => c,
            None => match self.pdf.stream_bytes(stream) {
                Ok(c) => {
                    let c = Rc::new(c);
                    if let Some(id) = id {
                        self.pdf.meter.cache_form(id, Rc::clone(&c));
                    }
                    c
                }
                Err(e) => {
                    self.warnings.push(format!("form XObject: {e}"));
                    return;
                }
            },
        };
        let matrix: Matrix = match stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| self.pdf.resolve(o))
        {
            Some(Object::Array(a)) if a.len() == 6 => {
                let v: Vec<f32> = a.iter().filter_map(number).collect();
                if v.len() == 6 {
                    [v[0], v[1], v[2], v[3], v[4], v[5]]
                } else {
                    IDENTITY
                }
            }
            _ => IDENTITY,
        };
        let own_resources = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| self.pdf.resolve(o))
            .and_then(|o| o.as_dict().ok());
        // Borrow dance: the resources live in the document, which outlives this call.
        let pdf = self.pdf;
        let res: Option<&Dictionary> = match own_resources {
            Some(r) => Some(r),
            None => resources,
        };
        let _ = pdf;
        self.form_stack.push(id.unwrap_or((0, 0)));
        self.run(&content, res, mul(&matrix, ctm));
        self.form_stack.pop();
    }
}

pub mod lexer;

#[cfg(test)]
mod tests;
