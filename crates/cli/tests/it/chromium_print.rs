//! HTML → PDF through one headless Chromium kept open for the whole test binary, driven over
//! its DevTools pipe (`--remote-debugging-pipe`: fd 3 in, fd 4 out, NUL-separated JSON).
//!
//! Starting Chromium once per sheet (`--print-to-pdf`) cost ~2.5 s each and was most of the
//! records tests' time. `Page.printToPDF` with the header and footer off writes the same PDF
//! as `--print-to-pdf --no-pdf-header-footer` (checked byte for byte but the dates), so the
//! figures the tests assert do not depend on which path printed a sheet. If the pipe fails
//! (no Chromium that speaks it), the one-process-per-sheet path prints instead.
//!
//! Invariant: one request in flight at a time (a mutex around the browser); a browser whose
//! pipe broke is not used again.

use serde_json::{Value, json};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

/// The browser and its pipe.
struct Browser {
    child: Child,
    to: File,
    from: File,
    /// Bytes read past the last complete message.
    pending: Vec<u8>,
    next_id: u64,
}

impl Browser {
    fn start(chromium: &str) -> std::io::Result<Browser> {
        let (to_read, to_write) = std::io::pipe()?;
        let (from_read, from_write) = std::io::pipe()?;
        let (child_in, child_out): (OwnedFd, OwnedFd) = (to_read.into(), from_write.into());
        let (fd_in, fd_out) = (child_in.as_raw_fd(), child_out.as_raw_fd());
        let mut cmd = Command::new(chromium);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--remote-debugging-pipe",
            "about:blank",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: between fork and exec only dup/dup2 run (async-signal-safe). Duplicating
        // first keeps an fd that already is 3 or 4 from being dup2'ed onto itself, which
        // would leave its close-on-exec flag set.
        unsafe {
            cmd.pre_exec(move || {
                let (a, b) = (libc::dup(fd_in), libc::dup(fd_out));
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        // The child holds its ends; ours close here so that EOF means the browser is gone.
        drop((child_in, child_out));
        Ok(Browser {
            child,
            to: File::from(OwnedFd::from(to_write)),
            from: File::from(OwnedFd::from(from_read)),
            pending: Vec::new(),
            next_id: 0,
        })
    }

    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Result<u64, String> {
        self.next_id += 1;
        let mut msg = json!({"id": self.next_id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = msg.to_string().into_bytes();
        bytes.push(0);
        self.to
            .write_all(&bytes)
            .map_err(|e| format!("{method}: {e}"))?;
        Ok(self.next_id)
    }

    /// The next message that `wanted` accepts; others (events, other replies) are dropped.
    fn receive(&mut self, wanted: impl Fn(&Value) -> bool) -> Result<Value, String> {
        loop {
            while let Some(end) = self.pending.iter().position(|&b| b == 0) {
                let msg: Vec<u8> = self.pending.drain(..=end).collect();
                let v: Value = serde_json::from_slice(&msg[..end]).map_err(|e| e.to_string())?;
                if wanted(&v) {
                    return Ok(v);
                }
            }
            let mut chunk = vec![0u8; 1 << 16];
            let n = self.from.read(&mut chunk).map_err(|e| e.to_string())?;
            if n == 0 {
                return Err("chromium closed its pipe".into());
            }
            self.pending.extend_from_slice(&chunk[..n]);
        }
    }

    fn call(
        &mut self,
        method: &str,
        params: Value,
        session: Option<&str>,
    ) -> Result<Value, String> {
        let id = self.send(method, params, session)?;
        let reply = self.receive(|v| v["id"].as_u64() == Some(id))?;
        if let Some(err) = reply.get("error") {
            return Err(format!("{method}: {err}"));
        }
        Ok(reply["result"].clone())
    }

    fn print(&mut self, html: &Path) -> Result<Vec<u8>, String> {
        let html = html.canonicalize().map_err(|e| e.to_string())?;
        let target = self.call("Target.createTarget", json!({"url": "about:blank"}), None)?;
        let target = target["targetId"]
            .as_str()
            .ok_or("no targetId")?
            .to_string();
        let attached = self.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
            None,
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_string();
        let s = Some(session.as_str());
        self.call("Page.enable", json!({}), s)?;
        self.call(
            "Page.navigate",
            json!({"url": format!("file://{}", html.display())}),
            s,
        )?;
        self.receive(|v| {
            v["method"] == "Page.loadEventFired" && v["sessionId"].as_str() == Some(&session)
        })?;
        let pdf = self.call(
            "Page.printToPDF",
            json!({"displayHeaderFooter": false}),
            Some(&session),
        )?;
        let data = pdf["data"].as_str().ok_or("no data")?;
        let bytes = base64_decode(data).ok_or("bad base64")?;
        self.call("Target.closeTarget", json!({"targetId": target}), None)?;
        Ok(bytes)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `None` before the first print; `Some(None)` once the pipe failed.
static BROWSER: Mutex<Option<Option<Browser>>> = Mutex::new(None);

/// Prints `html_path` to `pdf_path` with `chromium`; false if the pipe path is not available
/// (the caller then starts Chromium for this sheet).
pub(crate) fn print(chromium: &str, html_path: &Path, pdf_path: &Path) -> bool {
    let mut guard = BROWSER.lock().unwrap_or_else(|p| p.into_inner());
    let slot = guard.get_or_insert_with(|| Browser::start(chromium).ok());
    let Some(browser) = slot.as_mut() else {
        return false;
    };
    match browser.print(html_path) {
        Ok(bytes) => {
            std::fs::write(pdf_path, bytes).expect("write pdf");
            true
        }
        Err(e) => {
            eprintln!("chromium pipe: {e}; printing with one process per sheet from now on");
            *slot = None;
            false
        }
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes: Vec<u8> = s.bytes().filter(|&b| b != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let n = chunk.len().checked_sub(1)?;
        out.extend_from_slice(&acc.to_be_bytes()[1..1 + n]);
    }
    Some(out)
}

#[test]
fn base64_decodes_padded_and_unpadded_input() {
    assert_eq!(base64_decode("TWFu").as_deref(), Some(&b"Man"[..]));
    assert_eq!(base64_decode("TWE=").as_deref(), Some(&b"Ma"[..]));
    assert_eq!(base64_decode("TQ==").as_deref(), Some(&b"M"[..]));
    assert_eq!(base64_decode("JVBERi0=").as_deref(), Some(&b"%PDF-"[..]));
    assert_eq!(base64_decode("T?==").as_deref(), None);
}

/// The pipe writes the PDF `--print-to-pdf --no-pdf-header-footer` writes, but for the
/// creation and modification dates (needs chromium and the records tests' fonts).
#[test]
fn the_pipe_prints_what_one_process_prints() {
    let dir = crate::records_pdf::workdir("pipe-vs-process");
    let html = dir.join("sheet.html");
    std::fs::write(
        &html,
        "<html><body style=\"font-family: IPAexGothic\"><h1>事業名</h1>\
         <table border=1><tr><td>予算額</td><td>1,234百万円</td></tr></table></body></html>",
    )
    .expect("write html");
    let (by_pipe, by_process) = (dir.join("pipe.pdf"), dir.join("process.pdf"));
    assert!(
        print(crate::records_pdf::chromium(), &html, &by_pipe),
        "chromium's DevTools pipe did not print"
    );
    crate::records_pdf::print_one_process(&html, &by_process);
    let undated = |p: &Path| -> Vec<u8> {
        let mut b = std::fs::read(p).expect("read pdf");
        // `(D:YYYYMMDDhhmmss…)`: blank the digits of every date string.
        let mut i = 0;
        while let Some(at) = b[i..].windows(3).position(|w| w == b"(D:") {
            let mut j = i + at + 3;
            while j < b.len() && b[j] != b')' {
                b[j] = b'0';
                j += 1;
            }
            i = j;
        }
        b
    };
    let (a, b) = (undated(&by_pipe), undated(&by_process));
    assert!(a.starts_with(b"%PDF-"), "not a PDF");
    assert!(a == b, "the two PDFs differ beyond their dates");
}
