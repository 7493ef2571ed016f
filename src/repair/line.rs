//! One line's decoding: which tables to try on it, the lattice search under the language
//! model, and the margins a decoded span must clear to be kept.

use super::*;

impl<'a> Repairer<'a> {
    /// Tables worth trying on this line: those that turn its strong characters into
    /// ordinary ones, best first; a table that explains fewer than a quarter of the best
    /// one's is tried only if it reads two or more of them differently from every table
    /// taken before it (a title font's 調査 amid a body font whose kanji block also
    /// covers those glyph IDs).
    pub(super) fn tables_for<'t>(
        &self,
        chars: &[char],
        winners: &[&'t FontTable],
    ) -> Vec<&'t FontTable> {
        let strong: Vec<char> = chars
            .iter()
            .copied()
            .filter(|c| classify(*c).is_strong())
            .collect();
        let mut scored: Vec<(usize, usize, &FontTable)> = winners
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let n = strong
                    .iter()
                    .filter(|c| t.get(**c as u32).is_some_and(|d| !classify(d).is_strong()))
                    .count();
                (n, i, *t)
            })
            .filter(|(n, _, _)| *n > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = scored.first().map_or(0, |s| s.0);
        let mut taken: Vec<&'t FontTable> = Vec::new();
        for (n, _, t) in scored {
            if taken.len() == self.options.max_tables_per_line {
                break;
            }
            let novel = || {
                strong
                    .iter()
                    .filter(|c| {
                        t.get(**c as u32).is_some_and(|d| {
                            !classify(d).is_strong()
                                && taken.iter().all(|u| u.get(**c as u32) != Some(d))
                        })
                    })
                    .count()
            };
            if n * 4 >= best || novel() >= 2 {
                taken.push(t);
            }
        }
        taken
    }

    /// Repairs one line (without its line ending), taken as a whole document: the tables
    /// that decode are those that win on this line alone.
    pub fn repair_line(
        &self,
        line: &str,
        line_no: usize,
        lm: &(dyn Scorer + Sync),
        nfc_alternatives: bool,
    ) -> (String, LineReport) {
        let chars: Vec<char> = line.chars().collect();
        let verdicts = doclevel::decide(&self.tables, &[chars], lm, None);
        let winners: Vec<&'a FontTable> = self
            .tables
            .iter()
            .zip(&verdicts)
            .filter(|(_, v)| v.wins)
            .map(|(t, _)| *t)
            .collect();
        self.repair_line_with(
            line,
            line_no,
            &memo::Memo::new(lm),
            nfc_alternatives,
            &winners,
            // The line is the document: the fix reads radicals only on a line whose sole
            // garbling evidence they are.
            &Kinds {
                read_radicals: true,
                ..Kinds::default()
            },
        )
    }

    /// [`Repairer::repair_line`] with a caller-provided score memo (over the same model).
    pub(super) fn repair_line_with(
        &self,
        line: &str,
        line_no: usize,
        memo: &memo::Memo,
        nfc_alternatives: bool,
        winners: &[&FontTable],
        kinds: &Kinds,
    ) -> (String, LineReport) {
        if kinds.read_radicals
            && winners.is_empty()
            && let Some(fixed) = super::alias::fix_radicals(line, line_no)
        {
            return fixed;
        }
        let chars: Vec<char> = line.chars().collect();
        let tables = self.tables_for(&chars, winners);
        let lm: &dyn Scorer = memo;
        let mut report = LineReport {
            line: line_no,
            ..Default::default()
        };
        let o = &self.options;
        // Try each plausible logical order; keep the best-scoring decoding.
        let mut best: Option<(f32, bidi::Candidate, lattice::Options, Vec<usize>)> = None;
        if !tables.is_empty() {
            for cand in bidi::candidates(&chars) {
                let seq: Vec<char> = cand.order.iter().map(|&i| chars[i]).collect();
                let opts = lattice::options(&seq, &tables, nfc_alternatives, o.min_rule_confidence);
                let mut pick = lattice::best_path(&opts, lm, o.switch_cost);
                self.enforce_margins(&opts, &mut pick, lm);
                let score = lattice::path_score(&opts, &pick, lm, o.switch_cost) + cand.prior;
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, cand, opts, pick));
                }
            }
        }
        let Some((_, cand, opts, mut pick)) = best else {
            report.unresolved = unresolved(&chars, &(0..chars.len()).collect::<Vec<_>>(), line_no);
            return (line.to_string(), report);
        };
        // Learned readings below the calibrated threshold are not applied (their glyphs are
        // reported unresolved); the others' evidence is measured again without them.
        let spans = loop {
            let spans = self.spans(&opts, &pick, &cand, &tables, lm, line_no, kinds);
            let mut reverted = false;
            for (a, b, s) in &spans {
                if s.evidence.is_some_and(|e| {
                    e.kind == SpanKind::Learned
                        && (s.confidence < o.min_learned_confidence
                            || e.support.unwrap_or(0) < o.min_learned_support)
                }) {
                    pick[*a..*b].iter_mut().for_each(|k| *k = 0);
                    reverted = true;
                }
            }
            if !reverted {
                break spans;
            }
        };
        let decoded_any = pick
            .iter()
            .enumerate()
            .any(|(i, &k)| opts[i][k].choice != KEEP);
        let reordered = cand.how != "identity";
        if !decoded_any {
            // A reordering alone is no repair: without a decoding we keep the line as is.
            report.unresolved = unresolved(&chars, &(0..chars.len()).collect::<Vec<_>>(), line_no);
            return (line.to_string(), report);
        }
        if reordered {
            report.fixes.push(cand.how.to_string());
        }
        let mut text = String::with_capacity(line.len());
        for (i, &k) in pick.iter().enumerate() {
            text.extend(opts[i][k].chars());
        }
        report.spans = spans.into_iter().map(|(_, _, s)| s).collect();
        // Strong characters left as they were: no table explains them.
        let kept: Vec<usize> = pick
            .iter()
            .enumerate()
            .filter(|(i, k)| opts[*i][**k].choice == KEEP)
            .map(|(i, _)| cand.order[i])
            .collect();
        report.unresolved = unresolved(&chars, &kept, line_no);
        (text, report)
    }

    /// Reverts decoded spans whose gain over keeping them is below the margin, and spans
    /// whose decoding does not read like Japanese.
    pub(super) fn enforce_margins(
        &self,
        opts: &lattice::Options,
        pick: &mut [usize],
        lm: &dyn Scorer,
    ) {
        let o = &self.options;
        for (s, e) in decoded_runs(opts, pick) {
            // A lone character may be rare yet right (室 in 推進室, 雇 in 雇用); only a run
            // of them is evidence of a wrong table. Single characters rely on the margin.
            if e - s < 2 {
                continue;
            }
            let mut hist: Vec<char> = (0..s)
                .flat_map(|i| opts[i][pick[i]].chars().iter().copied())
                .collect();
            let mut total = 0.0;
            let mut n = 0;
            for i in s..e {
                for &ch in opts[i][pick[i]].chars() {
                    total += lm.log_prob(&hist[hist.len().saturating_sub(3)..], ch);
                    hist.push(ch);
                    n += 1;
                }
            }
            if n > 0 && total / (n as f32) < o.min_mean_logprob {
                pick[s..e].iter_mut().for_each(|k| *k = 0);
            }
        }
        // If most of the line's strong characters stay unexplained, the line is in a font
        // no candidate table knows; short decoded islands in it are chance, not repair.
        // Decoded symbols count as explained garbling too (a title font's す prints as the
        // Latin Ƣ, which real text may hold and so is no strong evidence by itself).
        let strong = |i: usize| classify(opts[i][0].out[0]).is_strong();
        let symbol = |i: usize| classify(opts[i][0].out[0]) == crate::detect::CharClass::Symbol;
        let kept_strong = (0..pick.len())
            .filter(|&i| strong(i) && opts[i][pick[i]].choice == KEEP)
            .count();
        let decoded_strong = (0..pick.len())
            .filter(|&i| (strong(i) || symbol(i)) && opts[i][pick[i]].choice != KEEP)
            .count();
        if kept_strong > decoded_strong {
            for (s, e) in decoded_runs(opts, pick) {
                if e - s <= 2 {
                    pick[s..e].iter_mut().for_each(|k| *k = 0);
                }
            }
        }
        loop {
            let scored = lattice::ScoredPath::new(opts, pick, lm, o.switch_cost);
            let base = scored.total;
            let mut worst: Option<(f32, usize, usize)> = None;
            for (s, e) in decoded_runs(opts, pick) {
                let mut alt = pick.to_vec();
                alt[s..e].iter_mut().for_each(|k| *k = 0);
                let gain = base - scored.rescore_window(opts, &alt, s, e, lm, o.switch_cost);
                if gain < o.min_margin && worst.is_none_or(|w| gain < w.0) {
                    worst = Some((gain, s, e));
                }
            }
            match worst {
                Some((_, s, e)) => pick[s..e].iter_mut().for_each(|k| *k = 0),
                None => break,
            }
        }
    }
}
