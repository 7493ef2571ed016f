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
            // Rates in the message, one decimal (indicatif's {per_sec} prints four: 32.5045/s).
            "{elapsed_precise} [{wide_bar}] {pos}/{len} files · {msg} · ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        self.bar.set_style(style);
    }

    fn file_done(&self, pages: u64) {
        let total = self.pages.fetch_add(pages, Ordering::Relaxed) + pages;
        let files = self.bar.position() + 1;
        self.bar
            .set_message(rates(files, total, self.start.elapsed().as_secs_f64()));
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `2.5 files/s · 40 pages, 20.0 pages/s`: rates with one decimal.
fn rates(files: u64, pages: u64, secs: f64) -> String {
    let secs = secs.max(1e-9);
    format!(
        "{:.1} files/s · {pages} pages, {:.1} pages/s",
        files as f64 / secs,
        pages as f64 / secs
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rates_have_one_decimal() {
        assert_eq!(
            super::rates(65, 130, 2.0),
            "32.5 files/s · 130 pages, 65.0 pages/s"
        );
        assert_eq!(
            super::rates(1, 3, 3.0),
            "0.3 files/s · 3 pages, 1.0 pages/s"
        );
    }
}
