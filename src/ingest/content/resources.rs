//! Resources a content stream draws: fonts (parsed once per document, shared through the
//! [`FontCache`](super::FontCache)) and XObjects — images counted, Form XObjects run under their matrix at
//! most [`MAX_FORM_DEPTH`] deep and never into a form already on the stack, each draw
//! charged to the document's budget and each form decoded once per document.

use super::super::font::Font;
use super::super::pdf::number;
use super::{IDENTITY, Interpreter, MAX_FORM_DEPTH, Matrix, mul};
use lopdf::{Dictionary, Object};
use std::rc::Rc;

impl Interpreter<'_> {
    pub(super) fn font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> Option<usize> {
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

    // Long: a form draw's checks in the order they must be made, then its run.
    pub(super) fn form(&mut self, resources: Option<&Dictionary>, name: &[u8], ctm: &Matrix) {
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
        self.draw_form(stream, id, resources, ctm);
    }

    /// Runs the XObject `stream` (object `id` if it is one) drawn under `ctm` from a
    /// content stream with `resources`: a form under its /Matrix with its own resources
    /// (else `resources`); an image is counted.
    pub(crate) fn draw_form(
        &mut self,
        stream: &lopdf::Stream,
        id: Option<lopdf::ObjectId>,
        resources: Option<&Dictionary>,
        ctm: &Matrix,
    ) {
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
            // Annotation appearance streams often omit /Subtype; a /BBox makes a form.
            None if stream.dict.has(b"BBox") => {}
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
