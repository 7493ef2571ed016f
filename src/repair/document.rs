//! What a document as a whole tells the repair: the model adapted to its clean text, the
//! first garbled lines the tables are judged on, and the verdicts, residual and learned table
//! decided once (on first use, after every chunk is observed).

use super::*;

/// What repairing a line depends on besides its own content: the language model adapted
/// to the whole text's clean lines, and whether the text may have been NFC-normalised.
/// Both are sums over lines (the model counts each line on its own; NFC holds for a text
/// split at `\n` iff it holds for every part), so observing a text chunk by chunk, each
/// chunk ending at a line end and in text order, gives the same model as observing it
/// whole. That is what lets a huge text be repaired a chunk at a time with the output of
/// [`Repairer::repair_text`].
pub struct DocumentModel<'a> {
    pub(super) adaptive: crate::lm::AdaptiveLm<'a>,
    pub(super) adapt: bool,
    pub(super) may_be_nfc: bool,
    /// Lines observed so far.
    pub(super) lines: usize,
    /// The first lines holding strong characters (without `\r`), up to
    /// [`doclevel::EVIDENCE_CHARS`] characters: what the tables are judged on.
    pub(super) evidence: Vec<Vec<char>>,
    pub(super) evidence_chars: usize,
    /// The tables' verdicts, decided once every chunk is observed.
    pub(super) verdicts: std::sync::OnceLock<Vec<doclevel::TableVerdict>>,
    /// What the winning tables leave unexplained (see [`Repairer::residual`]), kept from
    /// the verdicts when they already computed it.
    /// With them, each evidence piece as those tables repair it (text and report, line
    /// number 0), which the repair reuses when it decodes with the same tables.
    /// And the tables whose spans that pass reported as `Residual`.
    #[allow(clippy::type_complexity)]
    pub(super) residual:
        std::sync::OnceLock<(std::collections::HashSet<char>, Vec<Fixed>, Vec<String>)>,
    /// The table learned from the document itself (self-learning), decided after them.
    pub(super) learned: std::sync::OnceLock<Option<LearnedTable>>,
    /// How the verdicts' scores were obtained (both rounds).
    pub(super) decide_stats: std::sync::OnceLock<doclevel::DecideStats>,
    /// Line pieces decoded, and pieces whose repair was the residual pass's (see
    /// [`DecodeStats`]).
    pub(super) pieces_decoded: std::sync::atomic::AtomicUsize,
    pub(super) pieces_reused: std::sync::atomic::AtomicUsize,
}

/// One evidence piece as the winning tables repair it: its text and its report.
pub(super) type Fixed = (String, LineReport);

/// How a document's garbled text was decoded ([`DocumentModel::decode_stats`]).
///
/// Every path gives the result of the full search: the verdicts' scores are bit-identical
/// to scoring each reading on its own ([`doclevel::DecideStats`]), and a reused piece is the
/// result the lattice search gave for the same piece, tables and model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DecodeStats {
    /// How the tables' verdicts were scored (both rounds).
    pub verdicts: doclevel::DecideStats,
    /// Distinct line pieces (lines, or windows of very long ones) decoded by the lattice
    /// search under the language model in repair.
    pub pieces_decoded: usize,
    /// Distinct line pieces not decoded again: the winning tables had already repaired
    /// them, with the same model and options, when the verdicts looked for what they leave
    /// unexplained (possible when no second font and no learned reading joins the
    /// winners).
    pub pieces_reused: usize,
}

impl DocumentModel<'_> {
    /// How the garbled text repaired so far under this model was decoded.
    pub fn decode_stats(&self) -> DecodeStats {
        use std::sync::atomic::Ordering::Relaxed;
        DecodeStats {
            verdicts: self.decide_stats.get().copied().unwrap_or_default(),
            pieces_decoded: self.pieces_decoded.load(Relaxed),
            pieces_reused: self.pieces_reused.load(Relaxed),
        }
    }

    /// Observes the next chunk of the text: it must follow the previous chunk and end
    /// with `\n` unless it is the last.
    pub fn observe(&mut self, chunk: &str) {
        let dirty = dirty_lines(chunk, self.lines + 1);
        self.observe_dirty(chunk, &dirty);
    }

    /// The cheap half of [`DocumentModel::observe`]: line count and the tables' evidence,
    /// without the NFC check or adapting the language model. A caller that scans every
    /// chunk and then, only if [`DocumentModel::needs_adaptation`], feeds every chunk again
    /// to [`DocumentModel::adapt`] gets exactly the model `observe` builds; a clean text
    /// (the common case) then costs one scan and no model.
    pub fn scan(&mut self, chunk: &str) {
        let dirty = dirty_lines(chunk, self.lines + 1);
        self.scan_dirty(chunk, &dirty);
    }

    /// Whether any line scanned so far holds strong evidence: only then do the NFC check
    /// and the adapted model change any output.
    pub fn needs_adaptation(&self) -> bool {
        !self.evidence.is_empty()
    }

    /// The other half of [`DocumentModel::observe`]: the NFC check and the language model
    /// adapted to the chunk's clean lines. Chunks must come in text order, as for `scan`.
    pub fn adapt(&mut self, chunk: &str) {
        let dirty = dirty_lines(chunk, 1);
        self.adapt_dirty(chunk, &dirty);
    }

    /// Lines observed so far (the next chunk's first line is this plus one).
    pub fn lines(&self) -> usize {
        self.lines
    }

    pub(super) fn observe_dirty(&mut self, chunk: &str, dirty: &[DirtyLine]) {
        self.scan_dirty(chunk, dirty);
        self.adapt_dirty(chunk, dirty);
    }

    pub(super) fn scan_dirty(&mut self, chunk: &str, dirty: &[DirtyLine]) {
        self.lines += memchr::memchr_iter(b'\n', chunk.as_bytes()).count()
            + usize::from(!chunk.is_empty() && !chunk.ends_with('\n'));
        for d in dirty {
            if self.evidence_chars >= doclevel::EVIDENCE_CHARS {
                break;
            }
            let raw = &chunk[d.start..d.end];
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            // A very long line is judged in the pieces it is repaired in (window).
            for piece in window::pieces(raw) {
                if self.evidence_chars >= doclevel::EVIDENCE_CHARS {
                    break;
                }
                let line: Vec<char> = raw[piece].chars().collect();
                if line.is_empty() {
                    continue;
                }
                self.evidence_chars += line.len();
                self.evidence.push(line);
            }
        }
    }

    pub(super) fn adapt_dirty(&mut self, chunk: &str, dirty: &[DirtyLine]) {
        // A chunk without strong evidence still counts: its lines are the document's.
        self.may_be_nfc &= nfc::text_may_be_nfc(chunk);
        if !self.adapt {
            return;
        }
        let mut prev = 0;
        for d in dirty {
            self.adaptive.observe(&chunk[prev..d.start]);
            prev = (d.end + 1).min(chunk.len());
        }
        self.adaptive.observe(&chunk[prev..]);
    }
}
