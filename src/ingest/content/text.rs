//! Text: the text state and positioning operators and the showing of strings, each code
//! a [`RawGlyph`] at its origin in user space, advanced by its width, the character and
//! word spacing and horizontal scaling (vertically in WMode 1). Glyphs per page are bounded
//! by [`MAX_GLYPHS_PER_PAGE`] and each is charged to the document's budget.

use super::super::pdf::number;
use super::{IDENTITY, Interpreter, MAX_GLYPHS_PER_PAGE, Matrix, RawGlyph, State, mul};
use lopdf::{Dictionary, Object};

/// The text matrix and the text line matrix.
pub(super) struct TextPosition {
    tm: Matrix,
    tlm: Matrix,
}

impl Default for TextPosition {
    fn default() -> Self {
        TextPosition {
            tm: IDENTITY,
            tlm: IDENTITY,
        }
    }
}

impl Interpreter<'_> {
    /// A text object, text state, positioning or showing operator with its `operands`
    /// (`nums`: the numeric ones); operators with the wrong operands do nothing.
    pub(super) fn text_op(
        &mut self,
        operator: &str,
        operands: &[Object],
        nums: &[f32],
        resources: Option<&Dictionary>,
        st: &mut State,
        pos: &mut TextPosition,
    ) {
        let n = |i: usize| nums.get(i).copied();
        match operator {
            "BT" => {
                pos.tm = IDENTITY;
                pos.tlm = IDENTITY;
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
                pos.tlm = mul(&[1.0, 0.0, 0.0, 1.0, nums[0], nums[1]], &pos.tlm);
                pos.tm = pos.tlm;
            }
            "Tm" if nums.len() == 6 => {
                pos.tlm = [nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]];
                pos.tm = pos.tlm;
            }
            "T*" => {
                pos.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], &pos.tlm);
                pos.tm = pos.tlm;
            }
            "Tj" | "'" | "\"" | "TJ" => self.show_op(operator, operands, nums, st, pos),
            _ => {}
        }
    }

    /// `Tj`, `'`, `"` and `TJ`: the next line for the quote operators, then the string(s).
    fn show_op(
        &mut self,
        operator: &str,
        operands: &[Object],
        nums: &[f32],
        st: &mut State,
        pos: &mut TextPosition,
    ) {
        if operator != "Tj" && operator != "TJ" {
            if operator == "\"" && nums.len() >= 2 {
                st.word_spacing = nums[0];
                st.char_spacing = nums[1];
            }
            pos.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], &pos.tlm);
            pos.tm = pos.tlm;
        }
        let Some(font) = st.font else { return };
        let tm = &mut pos.tm;
        match operands.last() {
            Some(Object::String(bytes, _)) => self.show(st, font, tm, bytes),
            Some(Object::Array(items)) if operator == "TJ" => {
                for item in items {
                    match item {
                        Object::String(bytes, _) => self.show(st, font, tm, bytes),
                        o => {
                            if let Some(adj) = number(o) {
                                let d = -adj / 1000.0 * st.size;
                                let vertical = self.fonts.fonts[font].wmode == 1;
                                let t = if vertical {
                                    [1.0, 0.0, 0.0, 1.0, 0.0, d]
                                } else {
                                    [1.0, 0.0, 0.0, 1.0, d * st.hscale, 0.0]
                                };
                                *tm = mul(&t, tm);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
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
                covered: false,
            });
        }
    }
}
