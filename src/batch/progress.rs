//! What a running batch reports, for whoever shows it: the CLI draws a progress bar from it,
//! a notebook could update a widget. The library itself draws nothing.

/// Receives a batch's progress. Called from worker threads, hence `Sync`.
pub trait Progress: Sync {
    /// The batch is about to process `total_files` inputs.
    fn start(&self, total_files: u64) {
        let _ = total_files;
    }
    /// One input finished (processed or skipped) with `pages` pages.
    fn file_done(&self, pages: u64) {
        let _ = pages;
    }
    /// Every input is done.
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
