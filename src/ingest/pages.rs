//! The page tree: pages in order (with what is wrong with the tree warned, not fatal), each
//! page's resources and whether its contents are a reference.

use super::*;

/// A page's /Resources, inherited from the page tree when absent: `Ok(None)` when there
/// are none, `Err` when the entry is there but does not resolve to a dictionary (a
/// reference loop, a missing object).
pub(super) fn page_resources(
    pdf: &pdf::Pdf,
    page: lopdf::ObjectId,
) -> Result<Option<&lopdf::Dictionary>, ()> {
    let mut id = page;
    for _ in 0..64 {
        let Ok(dict) = pdf.get_dictionary(id) else {
            return Ok(None);
        };
        if let Ok(r) = dict.get(b"Resources") {
            return pdf
                .resolve(r)
                .and_then(|o| o.as_dict().ok())
                .map(Some)
                .ok_or(());
        }
        let Some(parent) = dict.get(b"Parent").ok().and_then(|p| p.as_reference().ok()) else {
            return Ok(None);
        };
        id = parent;
    }
    Ok(None)
}

/// The page's /Contents is an indirect reference (so an empty content list means it loops
/// or names no stream, not that the page is blank).
pub(super) fn contents_is_reference(pdf: &pdf::Pdf, page: lopdf::ObjectId) -> bool {
    pdf.get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Contents").ok())
        .is_some_and(|c| matches!(c, lopdf::Object::Reference(_)))
}

/// The pages in order, as lopdf's page iterator finds them, except that a /Pages node met
/// a second time (a loop, or a node shared by two parents) is skipped with a warning
/// instead of ending the walk: the rest of the tree is kept.
pub(super) fn page_tree(
    pdf: &pdf::Pdf,
    warnings: &mut Vec<String>,
) -> std::collections::BTreeMap<u32, lopdf::ObjectId> {
    use lopdf::Object;
    const MAX_DEPTH: usize = 256;
    let mut pages = std::collections::BTreeMap::new();
    let Some(root) = pdf
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|p| p.as_reference().ok())
    else {
        return pages;
    };
    let kids_of = |id| -> &[Object] {
        pdf.get_dictionary(id)
            .and_then(|d| pdf.get_deref(d, b"Kids"))
            .and_then(Object::as_array)
            .map(|k| k.as_slice())
            .unwrap_or(&[])
    };
    let mut seen = std::collections::HashSet::from([root]);
    let mut stack: Vec<&[Object]> = vec![kids_of(root)];
    // Each kid is visited at most once per reference in the file, so this ends; the cap is
    // belt and braces against a huge /Kids array repeated.
    let mut budget = pdf.object_count().saturating_mul(4).max(1024);
    let mut loops = 0usize;
    while let Some(kids) = stack.last_mut() {
        let Some((kid, rest)) = kids.split_first() else {
            stack.pop();
            continue;
        };
        *kids = rest;
        if budget == 0 {
            warnings.push("page tree too large; pages after this point skipped".into());
            break;
        }
        budget -= 1;
        let Ok(kid_id) = kid.as_reference() else {
            continue;
        };
        match pdf
            .get_dictionary(kid_id)
            .and_then(lopdf::Dictionary::get_type)
        {
            Ok(b"Page") | Err(_) => {
                let n = pages.len() as u32 + 1;
                pages.insert(n, kid_id);
            }
            Ok(b"Pages") => {
                if !seen.insert(kid_id) {
                    loops += 1;
                } else if stack.len() < MAX_DEPTH {
                    stack.push(kids_of(kid_id));
                }
            }
            Ok(_) => {}
        }
    }
    if loops > 0 {
        warnings.push(format!(
            "page tree: {loops} /Pages node(s) met again (a loop); skipped, the other pages kept"
        ));
    }
    pages
}

/// The page's MediaBox in user space, inherited from the page tree: what a page can show.
/// `None` when the page has no readable MediaBox: nothing is then known to lie off the page.
/// (The CropBox is not used: `pdftotext` keeps text outside it, and a producer's CropBox
/// cutting off live text would lose it.)
pub(super) fn visible_box(pdf: &pdf::Pdf, page: lopdf::ObjectId) -> Option<[f32; 4]> {
    page_box(pdf, page, b"MediaBox")
}

/// A page rectangle (`key`), inherited from the page tree, normalised to x0 < x1, y0 < y1;
/// `None` when absent, malformed or under a point wide or high.
fn page_box(pdf: &pdf::Pdf, page: lopdf::ObjectId, key: &[u8]) -> Option<[f32; 4]> {
    let v: Vec<f32> = inherited(pdf, page, key)?
        .as_array()
        .ok()?
        .iter()
        .filter_map(|o| pdf.resolve(o).and_then(pdf::number))
        .collect();
    let [a, b, c, d] = <[f32; 4]>::try_from(v).ok()?;
    let r = [a.min(c), b.min(d), a.max(c), b.max(d)];
    (r[2] - r[0] >= 1.0 && r[3] - r[1] >= 1.0).then_some(r)
}

/// A page attribute (`key`), from the page or the nearest ancestor in the page tree that has
/// it (inheritable attributes, PDF 32000 7.7.3.4), resolved; `None` when absent or the tree
/// is broken (depth bounded: a /Parent loop ends).
fn inherited<'a>(
    pdf: &'a pdf::Pdf,
    page: lopdf::ObjectId,
    key: &[u8],
) -> Option<&'a lopdf::Object> {
    let mut id = page;
    for _ in 0..64 {
        let dict = pdf.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return pdf.resolve(v);
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

/// The page's MediaBox and /Rotate, inherited from the page tree when absent (what
/// `pdftoppm` renders; see [`super::ocr::PageFrame`]). A missing or malformed MediaBox is
/// taken as A4.
pub(super) fn page_frame(pdf: &pdf::Pdf, page: lopdf::ObjectId) -> super::ocr::PageFrame {
    let inherited = |key: &[u8]| inherited(pdf, page, key);
    let media_box = inherited(b"MediaBox")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| {
            let v: Vec<f32> = a
                .iter()
                .filter_map(|o| pdf.resolve(o).and_then(pdf::number))
                .collect();
            <[f32; 4]>::try_from(v).ok()
        })
        .filter(|b| (b[2] - b[0]).abs() >= 1.0 && (b[3] - b[1]).abs() >= 1.0)
        .unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let rotate = inherited(b"Rotate")
        .and_then(|o| o.as_i64().ok())
        .map_or(0, |r| r.rem_euclid(360) as u32 / 90 * 90);
    super::ocr::PageFrame { media_box, rotate }
}
