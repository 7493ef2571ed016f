//! The batch progress bar: files and pages per second and an ETA. Silent when standard error
//! is not a terminal (logs and CI stay clean) or when the user asks for quiet.

use glyphmend::batch::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// A progress bar on standard error, or nothing.
pub struct Bar {
    enabled: bool,
    bar: ProgressBar,
    pages: AtomicU64,
    start: Instant,
}

impl Bar {
    /// A bar drawn only if `enabled` and standard error is a terminal.
    pub fn new(enabled: bool) -> Self {
        Bar {
            enabled: enabled && std::io::stderr().is_terminal(),
            bar: ProgressBar::hidden(),
            pages: AtomicU64::new(0),
            start: Instant::now(),
        }
    }
}

impl Progress for Bar {
    fn start(&self, total_files: u64) {
        if !self.enabled {
            return;
        }
        self.bar.set_length(total_files);
        self.bar
            .set_draw_target(ProgressDrawTarget::stderr_with_hz(5));
        let style = ProgressStyle::with_template(
            "{elapsed_precise} [{wide_bar}] {pos}/{len} files {per_sec} · {msg} · ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        self.bar.set_style(style);
    }

    fn file_done(&self, pages: u64) {
        let total = self.pages.fetch_add(pages, Ordering::Relaxed) + pages;
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        self.bar
            .set_message(format!("{total} pages, {:.1} pages/s", total as f64 / secs));
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
