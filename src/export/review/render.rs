//! Page images for the review site: each PDF page rendered by poppler's `pdftoppm` (long side
//! [`LONG_SIDE`] pixels) and its geometry read by `pdfinfo` (media box and rotation, what
//! `pdftoppm` renders), so that boxes in PDF user space land on the image.
//!
//! Images are cached per input content: `img/<sha256 prefix>/` holds `p-<N>.png` and
//! `pages.json`, written last, whose presence means the rendering is complete. A rerun of the
//! review renders only documents it has not seen; an input that is gone still shows its
//! images if they were rendered before.
//!
//! Invariant: nothing here fails the review. A missing renderer, a missing or changed input, a
//! PDF poppler cannot read or a renderer over its time limit gives a note for the page,
//! never an error.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Pixels of a rendered page's longer side (`pdftoppm -scale-to`). Measured on the bundled
/// sample's A4 pages (docs/performance.md): 708 × 1000 px, about 100 KB and 0.08 s a page;
/// `-r 72` (596 × 842) makes small kanji hard to check, `-r 150` doubles size and time.
pub const LONG_SIDE: u32 = 1000;

/// Time one document's rendering may take before it is abandoned.
const RENDER_TIMEOUT: Duration = Duration::from_secs(120);

/// What `pdftoppm` renders of a page: the media box and the page's rotation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PageGeometry {
    /// [x0, y0, x1, y1] of the media box, PDF user space.
    pub media_box: [f32; 4],
    /// /Rotate in degrees, clockwise (0, 90, 180, 270).
    pub rotate: i32,
}

impl PageGeometry {
    /// A box in PDF user space as [left, top, width, height] fractions of the rendered image
    /// (0..=1, y down), clipped to the page; `None` for an empty or off-page box.
    pub fn to_image(&self, b: [f32; 4]) -> Option<[f32; 4]> {
        let [mx0, my0, mx1, my1] = self.media_box;
        let (w, h) = (mx1 - mx0, my1 - my0);
        if w <= 0.0 || h <= 0.0 {
            return None;
        }
        // Unrotated fractions, y down.
        let corner = |x: f32, y: f32| -> (f32, f32) {
            let (u, v) = ((x - mx0) / w, (my1 - y) / h);
            match self.rotate.rem_euclid(360) {
                90 => (1.0 - v, u),
                180 => (1.0 - u, 1.0 - v),
                270 => (v, 1.0 - u),
                _ => (u, v),
            }
        };
        let (a, c) = (corner(b[0], b[1]), corner(b[2], b[3]));
        let (l, r) = (a.0.min(c.0).max(0.0), a.0.max(c.0).min(1.0));
        let (t, bo) = (a.1.min(c.1).max(0.0), a.1.max(c.1).min(1.0));
        (r > l && bo > t).then_some([l, t, r - l, bo - t])
    }
}

/// One rendered page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderedPage {
    /// 1-based page number.
    pub page: u32,
    /// File name of its PNG in the document's image directory.
    pub file: String,
    /// Its geometry, if `pdfinfo` gave it (no boxes without it).
    pub geometry: Option<PageGeometry>,
}

/// `pages.json` of a document's image directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rendering {
    /// How the pages were rendered (the `pdftoppm` options).
    pub renderer: String,
    /// The rendered pages, in order.
    pub pages: Vec<RenderedPage>,
}

const PAGES_JSON: &str = "pages.json";

/// Finds an executable on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A previous complete rendering in `dir`, if any.
pub fn cached(dir: &Path) -> Option<Rendering> {
    let bytes = std::fs::read(dir.join(PAGES_JSON)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Renders every page of `pdf` into `dir` (created; previous contents replaced) and records
/// them in `pages.json`. `Err` is a note for a reader.
pub fn render(pdftoppm: &Path, pdf: &Path, dir: &Path) -> Result<Rendering, String> {
    // A half-written previous attempt is removed first: pages.json is written last.
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let scale = LONG_SIDE.to_string();
    let mut cmd = Command::new(pdftoppm);
    cmd.args(["-png", "-scale-to", &scale])
        .arg(pdf)
        .arg(dir.join("p"));
    run_with_timeout(cmd, "pdftoppm")?;
    let mut pages: Vec<RenderedPage> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            // pdftoppm names pages p-1.png, or p-01.png … zero-padded to the page count.
            let n: u32 = file
                .strip_prefix("p-")?
                .strip_suffix(".png")?
                .parse()
                .ok()?;
            Some(RenderedPage {
                page: n,
                file,
                geometry: None,
            })
        })
        .collect();
    if pages.is_empty() {
        return Err("pdftoppm rendered no page".into());
    }
    pages.sort_by_key(|p| p.page);
    if let Some(pdfinfo) = which("pdfinfo") {
        let last = pages.last().map_or(1, |p| p.page);
        if let Ok(geoms) = geometry(&pdfinfo, pdf, last) {
            for p in &mut pages {
                p.geometry = geoms.get(&p.page).copied();
            }
        }
    }
    let rendering = Rendering {
        renderer: format!("pdftoppm -png -scale-to {LONG_SIDE}"),
        pages,
    };
    let json = serde_json::to_vec_pretty(&rendering).map_err(|e| e.to_string())?;
    crate::export::write_atomic(&dir.join(PAGES_JSON), &json).map_err(|e| e.to_string())?;
    Ok(rendering)
}

/// Runs `cmd` (stdout and stderr captured), killing it after [`RENDER_TIMEOUT`].
fn run_with_timeout(mut cmd: Command, name: &str) -> Result<Vec<u8>, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{name} could not start: {e}"))?;
    // Drain stdout on a thread so a large output cannot block the child.
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(s, &mut buf);
        }
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > RENDER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{name} took longer than {} s",
                    RENDER_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{name}: {e}")),
        }
    };
    let out = reader.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        let mut err = String::new();
        if let Some(mut s) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut s, &mut err);
        }
        let first = err.lines().next().unwrap_or("").trim().to_string();
        Err(format!("{name} failed ({status}): {first}"))
    }
}

/// Media box and rotation of pages 1..=last, from `pdfinfo -box`.
fn geometry(
    pdfinfo: &Path,
    pdf: &Path,
    last: u32,
) -> Result<std::collections::BTreeMap<u32, PageGeometry>, String> {
    let mut cmd = Command::new(pdfinfo);
    cmd.args(["-box", "-f", "1", "-l", &last.to_string()])
        .arg(pdf);
    let out = run_with_timeout(cmd, "pdfinfo")?;
    Ok(parse_pdfinfo(&String::from_utf8_lossy(&out)))
}

/// Parses `Page    N MediaBox: x0 y0 x1 y1` and `Page    N rot:  R` lines.
fn parse_pdfinfo(text: &str) -> std::collections::BTreeMap<u32, PageGeometry> {
    let mut out = std::collections::BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("Page") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let Some(n) = words.next().and_then(|w| w.parse::<u32>().ok()) else {
            continue;
        };
        let entry = out.entry(n).or_insert(PageGeometry {
            media_box: [0.0; 4],
            rotate: 0,
        });
        match words.next() {
            Some("MediaBox:") => {
                let v: Vec<f32> = words.filter_map(|w| w.parse().ok()).collect();
                if let [a, b, c, d] = v[..] {
                    entry.media_box = [a.min(c), b.min(d), a.max(c), b.max(d)];
                }
            }
            Some("rot:") => {
                entry.rotate = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            }
            _ => {}
        }
    }
    out.retain(|_, g| g.media_box[2] > g.media_box[0] && g.media_box[3] > g.media_box[1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdfinfo_box_output_parses() {
        let text = "Pages:           2\nPage    1 size:  595.32 x 841.92 pts (A4)\n\
                    Page    1 rot:   90\nPage    1 MediaBox:      0.00     0.00   595.32   841.92\n\
                    Page    1 CropBox:       0.00     0.00   595.32   841.92\n\
                    Page    2 rot:   0\nPage    2 MediaBox:     10.00    20.00   110.00   220.00\n";
        let g = parse_pdfinfo(text);
        assert_eq!(g[&1].rotate, 90);
        assert_eq!(g[&1].media_box, [0.0, 0.0, 595.32, 841.92]);
        assert_eq!(g[&2].media_box, [10.0, 20.0, 110.0, 220.0]);
    }

    #[test]
    fn boxes_map_to_image_fractions_under_rotation() {
        let g = PageGeometry {
            media_box: [0.0, 0.0, 100.0, 200.0],
            rotate: 0,
        };
        // A box at the top left: y up in PDF, y down in the image.
        assert_eq!(
            g.to_image([0.0, 150.0, 50.0, 200.0]),
            Some([0.0, 0.0, 0.5, 0.25])
        );
        let r = PageGeometry { rotate: 90, ..g };
        // Rotated clockwise, the page's top edge becomes the image's right edge.
        assert_eq!(
            r.to_image([0.0, 150.0, 50.0, 200.0]),
            Some([0.75, 0.0, 0.25, 0.5])
        );
        assert_eq!(g.to_image([0.0, 300.0, 10.0, 400.0]), None, "off the page");
    }
}
