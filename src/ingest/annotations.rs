//! The appearances a page's annotations draw: form field values (widgets), free text,
//! stamps. pdftotext prints them with the page's text (poppler draws every annotation's
//! normal appearance), so a filled-in form reads the same here.
//!
//! Invariants: only an annotation's normal appearance (`/AP /N`: the stream, or the state
//! its `/AS` names) is drawn; hidden or never-shown annotations (`/F` bits Hidden, NoView)
//! and those without an appearance draw nothing; the appearance form is placed in the
//! annotation's `/Rect` as ISO 32000-1 12.5.5 says (its `/BBox` under its `/Matrix` mapped
//! onto the rectangle), and runs in the same interpreter as the page, so it is charged to the
//! document's budget and bounded like any form XObject.

use super::content::{Interpreter, Matrix};
use super::pdf::{Pdf, number};
use lopdf::{Dictionary, Object, ObjectId, Stream};

/// Annotation flags that keep an annotation off the page (ISO 32000-1, table 165).
const HIDDEN: i64 = 1 << 1;
const NO_VIEW: i64 = 1 << 5;

/// Draws the normal appearance of every visible annotation of page `page` with `interp`.
pub(super) fn draw(pdf: &Pdf, page: ObjectId, interp: &mut Interpreter) {
    let Some(annots) = pdf
        .get_object(page)
        .ok()
        .and_then(|o| o.as_dict().ok())
        .and_then(|d| d.get(b"Annots").ok())
        .and_then(|o| pdf.resolve(o))
        .and_then(|o| o.as_array().ok())
    else {
        return;
    };
    // Fonts a field's appearance names without resources of its own: the form's /DR.
    let default_resources = pdf
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|o| pdf.resolve(o))
        .and_then(|o| o.as_dict().ok())
        .and_then(|d| d.get(b"DR").ok())
        .and_then(|o| pdf.resolve(o))
        .and_then(|o| o.as_dict().ok());
    for annot in annots {
        let Some(dict) = pdf.resolve(annot).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        if let Some((stream, id)) = appearance(pdf, dict)
            && let Some(ctm) = placement(pdf, dict, stream)
        {
            interp.draw_form(stream, id, default_resources, &ctm);
        }
    }
}

/// The normal appearance stream of annotation `dict` (and its object id), if it is shown.
fn appearance<'a>(pdf: &'a Pdf, dict: &'a Dictionary) -> Option<(&'a Stream, Option<ObjectId>)> {
    let flags = dict
        .get(b"F")
        .ok()
        .and_then(|o| pdf.resolve(o))
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    if flags & (HIDDEN | NO_VIEW) != 0 {
        return None;
    }
    let ap = pdf.resolve(dict.get(b"AP").ok()?)?.as_dict().ok()?;
    let mut normal = ap.get(b"N").ok()?;
    // A dictionary of appearance states (check boxes, radio buttons): the one /AS names.
    if let Some(Object::Dictionary(states)) = pdf.resolve(normal) {
        let state = dict
            .get(b"AS")
            .ok()
            .and_then(|o| pdf.resolve(o))
            .and_then(|o| o.as_name().ok())?;
        normal = states.get(state).ok()?;
    }
    let id = match normal {
        Object::Reference(id) => Some(*id),
        _ => None,
    };
    match pdf.resolve(normal)? {
        Object::Stream(s) => Some((s, id)),
        _ => None,
    }
}

/// The matrix that maps the appearance form's space onto the annotation's `/Rect`, before
/// the form's own `/Matrix` (which the form draw applies): ISO 32000-1 12.5.5's matrix A.
fn placement(pdf: &Pdf, dict: &Dictionary, stream: &Stream) -> Option<Matrix> {
    let four = |o: &Object| -> Option<[f32; 4]> {
        let a = pdf.resolve(o)?.as_array().ok()?;
        let v: Vec<f32> = a
            .iter()
            .filter_map(|o| pdf.resolve(o))
            .filter_map(number)
            .collect();
        (v.len() == 4 && v.iter().all(|x| x.is_finite())).then(|| [v[0], v[1], v[2], v[3]])
    };
    let rect = four(dict.get(b"Rect").ok()?)?;
    let bbox = four(stream.dict.get(b"BBox").ok()?)?;
    let m: Matrix = match stream.dict.get(b"Matrix").ok().and_then(|o| pdf.resolve(o)) {
        Some(Object::Array(a)) if a.len() == 6 => {
            let v: Vec<f32> = a.iter().filter_map(number).collect();
            if v.len() != 6 {
                return None;
            }
            [v[0], v[1], v[2], v[3], v[4], v[5]]
        }
        _ => super::content::IDENTITY,
    };
    // The form's bounding box as its matrix places it.
    let corners = [
        (bbox[0], bbox[1]),
        (bbox[2], bbox[1]),
        (bbox[0], bbox[3]),
        (bbox[2], bbox[3]),
    ]
    .map(|(x, y)| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]));
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in corners {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (rx0, ry0) = (rect[0].min(rect[2]), rect[1].min(rect[3]));
    let (rx1, ry1) = (rect[0].max(rect[2]), rect[1].max(rect[3]));
    if x1 - x0 <= 0.0 || y1 - y0 <= 0.0 {
        return None;
    }
    let (sx, sy) = ((rx1 - rx0) / (x1 - x0), (ry1 - ry0) / (y1 - y0));
    let a = [sx, 0.0, 0.0, sy, rx0 - x0 * sx, ry0 - y0 * sy];
    a.iter().all(|v| v.is_finite()).then_some(a)
}
