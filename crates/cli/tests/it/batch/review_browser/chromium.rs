//! Driving headless Chromium (DOM dumps, screenshots) and reading its DOM dumps.
//!
//! Invariants: Chromium's absence is a failure, not a skip (CI installs it); a run that does
//! not finish within a minute is killed and fails; a DOM dump whose page script did not
//! finish (`<body data-ready="1">` missing) fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium; CI installs it, so its absence is a failure, not a skip.
pub(super) fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!("chromium not found on PATH: the review site tests need it (apt-get install chromium)");
}

/// `chromium --headless ARGS… URL`, killed after a minute; its stdout.
pub(super) fn headless(chromium: &Path, args: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chromium");
    // Read while it runs: a DOM over the pipe's buffer (64 KiB) would block Chromium.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = reader.join().unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// `chromium --headless --dump-dom URL`: the DOM after the page's scripts ran.
pub(super) fn dump_dom(chromium: &Path, url: &str) -> String {
    let dom = headless(chromium, &["--dump-dom"], url);
    assert!(
        body_attr(&dom, "data-ready").as_deref() == Some("1"),
        "the page's script did not finish: {dom:.600}"
    );
    dom
}

/// A screenshot of `url` into `path` (PNG); returns its size in pixels.
pub(super) fn screenshot(chromium: &Path, url: &str, path: &Path) -> (u32, u32) {
    let _ = std::fs::remove_file(path);
    let shot = format!("--screenshot={}", path.display());
    headless(chromium, &[&shot, "--window-size=1400,1000"], url);
    png_size(path)
}

/// Width and height of a PNG (its IHDR).
pub(super) fn png_size(path: &Path) -> (u32, u32) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        b.len() > 24 && b.starts_with(b"\x89PNG"),
        "{}: not a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    (be(16), be(20))
}

/// The text content of the element with `id` in a DOM dump (`<x id="id">text</x>`).
pub(super) fn text_of_id(dom: &str, id: &str) -> Option<String> {
    let at = dom.find(&format!("id=\"{id}\""))?;
    let rest = &dom[at..];
    let open_end = rest.find('>')? + 1;
    let close = rest[open_end..].find('<')?;
    Some(rest[open_end..open_end + close].to_string())
}

/// An attribute of `<body>` in a DOM dump (the page scripts publish their state there).
pub(super) fn body_attr(dom: &str, name: &str) -> Option<String> {
    let at = dom.find("<body")?;
    let tag = &dom[at..at + dom[at..].find('>')?];
    let v = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[v..v + tag[v..].find('"')?].to_string())
}

/// The opening tags in a DOM dump whose class list starts with the classes `class` (a
/// trailing `-` matches any suffix: `doc tier-` matches `doc tier-0`).
pub(super) fn tags_with_class<'a>(dom: &'a str, class: &str) -> Vec<&'a str> {
    let needle = format!("class=\"{class}");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = dom[from..].find(&needle) {
        let at = from + i;
        let start = dom[..at].rfind('<').unwrap_or(at);
        let end = at + dom[at..].find('>').unwrap_or(0);
        let tag = &dom[start..=end];
        // `class="box"` or `class="box under"`, not `class="boxes"`.
        let next = dom[at + needle.len()..].chars().next();
        if class.ends_with('-') || matches!(next, Some('"' | ' ')) {
            out.push(tag);
        }
        from = end + 1;
    }
    out
}

/// An attribute of an opening tag.
pub(super) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let v = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[v..v + tag[v..].find('"')?])
}

pub(super) fn file_url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

/// Where screenshots are kept for a person to look at after the tests.
pub(super) fn screenshot_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The text of the element with `id` in a DOM dump, tags removed and the entities the site
/// writes decoded (the element ends at the first closing tag of its own name).
pub(super) fn element_text(dom: &str, id: &str) -> Option<String> {
    let at = dom.find(&format!(" id=\"{id}\""))?;
    let start = dom[..at].rfind('<')?;
    let name: String = dom[start + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let end = start + dom[start..].find(&format!("</{name}>"))?;
    let mut text = String::new();
    let mut in_tag = false;
    for c in dom[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}
