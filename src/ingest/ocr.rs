//! OCR of image-only pages (scans) with Tesseract, run through its command line.
//!
//! Only pages [`super::extract_bytes`] found image-only (images drawn, no glyph) are read,
//! and only when [`super::ExtractOptions::ocr`] is set. A page is rendered with poppler's
//! `pdftoppm -r DPI -gray` (the PDF on standard input, a PGM image on standard output, so
//! any image filter poppler decodes is read and no temporary file is written), then read by
//! `tesseract stdin stdout -l jpn+jpn_vert --psm 3 --dpi DPI tsv`. The TSV gives every word
//! with its box and confidence; words are grouped into Tesseract's lines.
//!
//! Invariants:
//! - Each program run is bounded by [`OcrOptions::timeout`] (then killed); a missing
//!   program, a failure, a timeout or unreadable output is an [`OcrError`], which the caller
//!   records as a document warning. Nothing here panics on what a file or a program gives.
//! - OCR text is never presented as font text: its spans have
//!   [`MappingSource::Ocr`](super::resolve::MappingSource::Ocr), the engine as `font`, no
//!   codes or glyph IDs, and Tesseract's mean word confidence of the line (0–100 scaled to
//!   0–1) as `confidence`.
//! - Spaces: Tesseract's Japanese output separates its "words" (often single characters)
//!   with spaces. Between two words a space is kept unless the character before it and the
//!   character after it are both CJK ([`is_cjk`]: kana, ideographs, CJK symbols and
//!   punctuation, full-width forms), or one is CJK and the other ASCII punctuation: so
//!   `地域 共生` becomes `地域共生` and `資料 )` `資料)`, while `令和 6 年度` and `上限 500
//!   万円` keep theirs (a digit or Latin letter next to CJK keeps its space). A decimal
//!   point or thousands separator between digits takes no space either (`2. 4` → `2.4`,
//!   as `２．４` is read): a budget amount must not split into two numbers.
//! - Boxes are converted from image pixels to PDF user space (y up) through the page's
//!   MediaBox (what `pdftoppm` renders) and its /Rotate.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Environment variable naming the `tesseract` program (default: `tesseract` on `PATH`).
pub const TESSERACT_ENV: &str = "GLYPHMEND_TESSERACT";
/// Environment variable naming the `pdftoppm` program (default: `pdftoppm` on `PATH`).
pub const PDFTOPPM_ENV: &str = "GLYPHMEND_PDFTOPPM";
/// What OCR spans name as their `font`: the engine.
pub const ENGINE: &str = "tesseract";

/// How image-only pages are read.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrOptions {
    /// The `tesseract` program ([`TESSERACT_ENV`] when set, else `tesseract`).
    pub tesseract: PathBuf,
    /// The `pdftoppm` program ([`PDFTOPPM_ENV`] when set, else `pdftoppm`).
    pub pdftoppm: PathBuf,
    /// Tesseract's `-l`: `jpn+jpn_vert` (horizontal and vertical Japanese; Debian packages
    /// `tesseract-ocr-jpn` and `tesseract-ocr-jpn-vert`).
    pub languages: String,
    /// Tesseract's page segmentation mode: 3, fully automatic layout (columns, blocks).
    pub psm: u8,
    /// Rendering resolution in dots per inch (300: Tesseract's recommended resolution).
    pub dpi: u32,
    /// Wall time allowed to each program run on one page.
    pub timeout: Duration,
}

impl Default for OcrOptions {
    fn default() -> Self {
        let program = |var: &str, name: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from(name), PathBuf::from)
        };
        OcrOptions {
            tesseract: program(TESSERACT_ENV, "tesseract"),
            pdftoppm: program(PDFTOPPM_ENV, "pdftoppm"),
            languages: "jpn+jpn_vert".into(),
            psm: 3,
            dpi: 300,
            timeout: Duration::from_secs(120),
        }
    }
}

impl OcrOptions {
    /// A short stable description of what changes OCR output (for a batch's resume check).
    pub fn fingerprint(&self) -> String {
        format!(
            "ocr {} -l {} --psm {} dpi {}",
            ENGINE, self.languages, self.psm, self.dpi
        )
    }
}

/// Why a page could not be read by OCR.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// The program could not be started (not installed, not on `PATH`).
    #[error(
        "cannot run `{program}`: {source} (install tesseract-ocr, tesseract-ocr-jpn, \
         tesseract-ocr-jpn-vert and poppler-utils, or set {TESSERACT_ENV} / {PDFTOPPM_ENV})"
    )]
    Missing {
        /// The program as named.
        program: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The program ended with a failure status.
    #[error("`{program}` failed ({status}): {stderr}")]
    Failed {
        /// The program as named.
        program: String,
        /// Its exit status.
        status: String,
        /// The end of what it wrote on standard error.
        stderr: String,
    },
    /// The program did not finish within [`OcrOptions::timeout`] and was killed.
    #[error("`{program}` did not finish within {seconds} s; killed")]
    Timeout {
        /// The program as named.
        program: String,
        /// The time bound.
        seconds: u64,
    },
    /// The program's output could not be read.
    #[error("`{program}` gave unreadable output: {reason}")]
    Output {
        /// The program as named.
        program: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// One word as Tesseract read it.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWord {
    /// The word's text.
    pub text: String,
    /// Tesseract's confidence, 0–100.
    pub confidence: f32,
    /// [left, top, right, bottom] in image pixels (y down).
    pub bbox: [f32; 4],
}

/// One line of words.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    /// The words in Tesseract's order.
    pub words: Vec<OcrWord>,
}

impl OcrLine {
    /// The words joined by the space rule of the module docs.
    pub fn text(&self) -> String {
        join_words(self.words.iter().map(|w| w.text.as_str()))
    }

    /// The mean of the words' confidences, scaled to 0–1.
    pub fn confidence(&self) -> f32 {
        if self.words.is_empty() {
            return 0.0;
        }
        let sum: f32 = self.words.iter().map(|w| w.confidence).sum();
        (sum / self.words.len() as f32 / 100.0).clamp(0.0, 1.0)
    }

    /// The union of the words' boxes, in image pixels.
    pub fn bbox(&self) -> [f32; 4] {
        let mut b = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
        for w in &self.words {
            b = [
                b[0].min(w.bbox[0]),
                b[1].min(w.bbox[1]),
                b[2].max(w.bbox[2]),
                b[3].max(w.bbox[3]),
            ];
        }
        b
    }

    /// A column of text rather than a row: at least two characters stacked in a box more
    /// than twice as tall as it is wide.
    pub fn vertical(&self) -> bool {
        let b = self.bbox();
        let chars: usize = self.words.iter().map(|w| w.text.chars().count()).sum();
        chars >= 2 && (b[3] - b[1]) > 2.0 * (b[2] - b[0])
    }
}

/// Kana, CJK ideographs (with extensions and compatibility forms), CJK symbols and
/// punctuation, Kangxi radicals, enclosed and compatibility CJK, full-width and half-width
/// forms: the characters Japanese text writes without spaces between them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals, Kangxi radicals
        | 0x3000..=0x30FF    // CJK symbols and punctuation, hiragana, katakana
        | 0x3190..=0x31FF    // kanbun, CJK strokes, katakana phonetic extensions
        | 0x3200..=0x33FF    // enclosed CJK, CJK compatibility
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFFEF    // full-width and half-width forms
        | 0x20000..=0x3FFFF) // extensions B and later
}

/// Joins words with a space, except between two CJK characters or CJK and ASCII
/// punctuation (see the module docs).
pub fn join_words<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in words {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        let mut tail = out.chars().rev();
        if let (Some(a), Some(b)) = (tail.next(), w.chars().next())
            && !tight(a, b)
            && !(matches!(a, '.' | ',')
                && b.is_ascii_digit()
                && tail.next().is_some_and(|c| c.is_ascii_digit()))
        {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Whether no space goes between `a` and `b`.
fn tight(a: char, b: char) -> bool {
    (is_cjk(a) && (is_cjk(b) || b.is_ascii_punctuation()))
        || (a.is_ascii_punctuation() && is_cjk(b))
}

/// The lines of Tesseract's TSV output (`tsv` config), in its order. Rows that are not
/// words (levels 1–4), words with no text, and malformed rows are skipped.
pub fn parse_tsv(tsv: &str) -> Vec<OcrLine> {
    let mut lines: Vec<OcrLine> = Vec::new();
    let mut current: Option<(u32, u32, u32, u32)> = None;
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let text = cols[11..].join("\t");
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let int = |i: usize| cols[i].trim().parse::<u32>().ok();
        let num = |i: usize| cols[i].trim().parse::<f32>().ok().filter(|v| v.is_finite());
        let (Some(page), Some(block), Some(par), Some(line)) = (int(1), int(2), int(3), int(4))
        else {
            continue;
        };
        let (Some(left), Some(top), Some(width), Some(height), Some(conf)) =
            (num(6), num(7), num(8), num(9), num(10))
        else {
            continue;
        };
        let word = OcrWord {
            text: text.to_string(),
            confidence: conf.clamp(0.0, 100.0),
            bbox: [left, top, left + width.max(0.0), top + height.max(0.0)],
        };
        let key = (page, block, par, line);
        match lines.last_mut() {
            Some(l) if current == Some(key) => l.words.push(word),
            _ => {
                current = Some(key);
                lines.push(OcrLine { words: vec![word] });
            }
        }
    }
    lines
}

/// Where a rendered page lies in PDF user space: the MediaBox and the /Rotate (0, 90, 180
/// or 270) `pdftoppm` renders with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageFrame {
    /// [x0, y0, x1, y1] of the MediaBox.
    pub media_box: [f32; 4],
    /// Clockwise rotation in degrees, a multiple of 90 in 0..360.
    pub rotate: u32,
}

impl PageFrame {
    /// A box in image pixels (y down) of an image `size` (width, height) pixels, in user
    /// space (y up).
    pub fn to_user(&self, px: [f32; 4], size: (u32, u32)) -> [f32; 4] {
        let [x0, y0, x1, y1] = self.media_box;
        let (w, h) = ((x1 - x0).abs().max(1.0), (y1 - y0).abs().max(1.0));
        let (iw, ih) = (size.0.max(1) as f32, size.1.max(1) as f32);
        let (x0, y0, x1, y1) = (x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1));
        let map = |u: f32, v: f32| -> (f32, f32) {
            match self.rotate {
                // Shown turned clockwise: the image's top-left is the page's bottom-left.
                90 => (x0 + v / ih * w, y0 + u / iw * h),
                180 => (x1 - u / iw * w, y0 + v / ih * h),
                270 => (x1 - v / ih * w, y1 - u / iw * h),
                _ => (x0 + u / iw * w, y1 - v / ih * h),
            }
        };
        let (ax, ay) = map(px[0], px[1]);
        let (bx, by) = map(px[2], px[3]);
        [ax.min(bx), ay.min(by), ax.max(bx), ay.max(by)]
    }
}

/// A page read by OCR: its lines and the rendered image's size.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// Lines in Tesseract's reading order.
    pub lines: Vec<OcrLine>,
    /// Width and height of the rendered image, pixels.
    pub image_size: (u32, u32),
}

/// Renders page `page` (1-based) of the PDF `pdf` and reads it with Tesseract.
pub fn read_page(
    pdf: &[u8],
    page: u32,
    password: Option<&str>,
    opts: &OcrOptions,
) -> Result<OcrPage, OcrError> {
    let dpi = opts.dpi.clamp(36, 1200).to_string();
    let page_s = page.to_string();
    let mut render = Command::new(&opts.pdftoppm);
    render.args([
        "-r",
        &dpi,
        "-gray",
        "-f",
        &page_s,
        "-l",
        &page_s,
        "-singlefile",
    ]);
    if let Some(pw) = password {
        render.args(["-upw", pw]);
    }
    render.arg("-");
    let pgm = run(render, pdf, opts.timeout)?;
    let image_size = pgm_size(&pgm).ok_or_else(|| OcrError::Output {
        program: opts.pdftoppm.display().to_string(),
        reason: "not a PGM image".into(),
    })?;
    let mut ocr = Command::new(&opts.tesseract);
    ocr.args(["stdin", "stdout", "-l", &opts.languages, "--psm"])
        .arg(opts.psm.to_string())
        .args(["--dpi", &dpi, "tsv"]);
    // Tesseract's OpenMP threads only slow it down when pages already run in parallel
    // (on a busy 2-core machine: 3.4 s instead of 9.4 s a page); the caller may say else.
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        ocr.env("OMP_THREAD_LIMIT", "1");
    }
    let tsv = run(ocr, &pgm, opts.timeout)?;
    let tsv = String::from_utf8(tsv).map_err(|e| OcrError::Output {
        program: opts.tesseract.display().to_string(),
        reason: format!("not UTF-8: {e}"),
    })?;
    Ok(OcrPage {
        lines: parse_tsv(&tsv),
        image_size,
    })
}

/// Width and height of a binary PGM (`P5`) image from its header.
fn pgm_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let head = bytes.get(..bytes.len().min(256))?;
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 3 && i < head.len() {
        match head[i] {
            b'#' => {
                while i < head.len() && head[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < head.len() && !head[i].is_ascii_whitespace() {
                    i += 1;
                }
                fields.push(std::str::from_utf8(&head[start..i]).ok()?);
            }
        }
    }
    if fields.first() != Some(&"P5") || fields.len() < 3 {
        return None;
    }
    Some((fields[1].parse().ok()?, fields[2].parse().ok()?))
}

/// Runs `cmd` with `input` on its standard input; its standard output, within `timeout`.
fn run(mut cmd: Command, input: &[u8], timeout: Duration) -> Result<Vec<u8>, OcrError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| OcrError::Missing {
            program: program.clone(),
            source,
        })?;
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let deadline = Instant::now() + timeout;
    std::thread::scope(|s| {
        // A program that stops reading early closes the pipe: the write error is its
        // business and shows in its status.
        s.spawn(move || {
            if let Some(mut i) = stdin {
                let _ = i.write_all(input);
            }
        });
        let out = s.spawn(move || {
            let mut v = Vec::new();
            if let Some(mut o) = stdout {
                let _ = o.read_to_end(&mut v);
            }
            v
        });
        let err = s.spawn(move || {
            let mut v = Vec::new();
            if let Some(mut e) = stderr {
                let _ = e.read_to_end(&mut v);
            }
            v
        });
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(OcrError::Timeout {
                        program: program.clone(),
                        seconds: timeout.as_secs(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(OcrError::Output {
                        program: program.clone(),
                        reason: e.to_string(),
                    });
                }
            }
        };
        let out = out.join().unwrap_or_default();
        let err = err.join().unwrap_or_default();
        let status = status?;
        if !status.success() {
            let text = String::from_utf8_lossy(&err);
            let text = text.trim();
            let tail: String = {
                let chars: Vec<char> = text.chars().collect();
                chars[chars.len().saturating_sub(300)..].iter().collect()
            };
            return Err(OcrError::Failed {
                program: program.clone(),
                status: status.to_string(),
                stderr: tail.replace('\n', " "),
            });
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_only_between_non_cjk_neighbours() {
        assert_eq!(join_words(["地域", "共生", "社会"]), "地域共生社会");
        assert_eq!(join_words(["令和", "6", "年度"]), "令和 6 年度");
        assert_eq!(join_words(["(PR", "資料", ")"]), "(PR 資料)");
        assert_eq!(join_words(["事業名", ":", "地域"]), "事業名:地域");
        assert_eq!(join_words(["(2", ")", "都道府県"]), "(2 )都道府県");
        assert_eq!(
            join_words(["【担当】", "社会", "・", "援護局"]),
            "【担当】社会・援護局"
        );
        assert_eq!(join_words(["N", "P", "O", "法人"]), "N P O 法人");
        assert_eq!(join_words(["ＮＰＯ", "法人"]), "ＮＰＯ法人");
        assert_eq!(join_words(["a", " ", "b"]), "a b");
        assert_eq!(join_words(["2.", "4", "億円"]), "2.4 億円");
        assert_eq!(join_words(["1,", "234"]), "1,234");
        assert_eq!(join_words(["1.", "事業"]), "1.事業");
        assert_eq!(join_words(["x.", "4"]), "x. 4");
    }

    #[test]
    fn tsv_words_grouped_into_lines_with_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t2481\t3508\t-1\t\n\
            4\t1\t1\t1\t1\t0\t238\t221\t844\t40\t-1\t\n\
            5\t1\t1\t1\t1\t1\t238\t221\t40\t39\t90\t令\n\
            5\t1\t1\t1\t1\t2\t287\t222\t25\t38\t80\t和\n\
            5\t1\t1\t1\t1\t3\t300\t222\t25\t38\t95\t \n\
            5\t1\t1\t1\t2\t1\t238\t301\t108\t39\t70\t事業\n\
            5\tx\t1\t1\t2\t1\t238\t301\t108\t39\t70\t壊\n\
            5\t1\t1\t1\t2\t2\t345\t293\t25\t58\t-1\t名";
        let lines = parse_tsv(tsv);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "令和");
        assert!((lines[0].confidence() - 0.85).abs() < 1e-6);
        assert_eq!(lines[0].bbox(), [238.0, 221.0, 312.0, 260.0]);
        // A confidence of -1 counts as 0, the malformed row is skipped.
        assert_eq!(lines[1].text(), "事業名");
        assert!((lines[1].confidence() - 0.35).abs() < 1e-6);
        assert!(!lines[0].vertical());
    }

    #[test]
    fn pixel_boxes_map_to_user_space() {
        let f = PageFrame {
            media_box: [0.0, 0.0, 600.0, 800.0],
            rotate: 0,
        };
        // 300 dpi of a 600 x 800 pt page: 2500 x 3333 px; the top-left 250 px square.
        let b = f.to_user([0.0, 0.0, 250.0, 250.0], (2500, 3333));
        assert!((b[0] - 0.0).abs() < 0.1 && (b[2] - 60.0).abs() < 0.1);
        assert!((b[3] - 800.0).abs() < 0.1 && (b[1] - 740.0).abs() < 0.1);
        let r = PageFrame { rotate: 90, ..f };
        // Turned: the image is 800 pt wide; its top-left is the page's bottom-left.
        let b = r.to_user([0.0, 0.0, 250.0, 250.0], (3333, 2500));
        assert!((b[0] - 0.0).abs() < 0.1 && (b[1] - 0.0).abs() < 0.1);
        assert!((b[2] - 60.0).abs() < 0.1 && (b[3] - 60.0).abs() < 0.1);
    }

    #[test]
    fn pgm_header_sizes() {
        assert_eq!(pgm_size(b"P5\n2481 3508\n255\n\0\0"), Some((2481, 3508)));
        assert_eq!(pgm_size(b"P5 # c\n# x\n7 9 255\n"), Some((7, 9)));
        assert_eq!(pgm_size(b"\x89PNG"), None);
    }

    #[test]
    fn a_missing_program_is_an_error_not_a_panic() {
        let opts = OcrOptions {
            pdftoppm: "/nonexistent/pdftoppm".into(),
            ..OcrOptions::default()
        };
        let e = read_page(b"%PDF-1.4", 1, None, &opts).unwrap_err();
        assert!(matches!(e, OcrError::Missing { .. }), "{e}");
        assert!(e.to_string().contains("/nonexistent/pdftoppm"), "{e}");
    }

    #[test]
    fn a_slow_program_is_killed_at_the_time_bound() {
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let started = Instant::now();
        let e = run(cmd, b"", Duration::from_millis(200)).unwrap_err();
        assert!(matches!(e, OcrError::Timeout { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
