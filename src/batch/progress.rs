//! Progress on a terminal: files and pages per second and an ETA. Silent when standard
//! error is not a terminal (logs and CI stay clean) or when the caller asks for quiet.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub struct Progress {
    bar: ProgressBar,
    pages: AtomicU64,
    start: Instant,
}

impl Progress {
    pub fn new(total_files: u64, enabled: bool) -> Self {
        let bar = if enabled && std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(
                Some(total_files),
                ProgressDrawTarget::stderr_with_hz(5),
            );
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} files {per_sec} · {msg} · ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            pages: AtomicU64::new(0),
            start: Instant::now(),
        }
    }

    /// One input finished (processed or skipped) with `pages` pages.
    pub fn file_done(&self, pages: u64) {
        let total = self.pages.fetch_add(pages, Ordering::Relaxed) + pages;
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        self.bar
            .set_message(format!("{total} pages, {:.1} pages/s", total as f64 / secs));
        self.bar.inc(1);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
