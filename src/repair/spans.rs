//! From a line's best path to what is reported: the decoded spans with their table, rule,
//! calibrated confidence and evidence, and the garbling left unresolved.

use super::*;

impl<'a> Repairer<'a> {
    /// The decoded spans of a path, each with its lattice positions `[a, b)`.
    #[allow(clippy::too_many_arguments)]
    // Long: one walk over the decoded runs; every step shares its state.
    pub(super) fn spans(
        &self,
        opts: &lattice::Options,
        pick: &[usize],
        cand: &bidi::Candidate,
        tables: &[&FontTable],
        lm: &dyn Scorer,
        line_no: usize,
        kinds: &Kinds,
    ) -> Vec<(usize, usize, RepairSpan)> {
        let o = &self.options;
        let scored = lattice::ScoredPath::new(opts, pick, lm, o.switch_cost);
        let base = scored.total;
        let mut out = Vec::new();
        for (s, e) in decoded_runs(opts, pick) {
            // Split runs where the table changes: each span names one table.
            let mut a = s;
            while a < e {
                let choice = opts[a][pick[a]].choice;
                let mut b = a + 1;
                while b < e && opts[b][pick[b]].choice == choice {
                    b += 1;
                }
                let table = tables[choice as usize - 1];
                let mut alt = pick.to_vec();
                alt[a..b].iter_mut().for_each(|k| *k = 0);
                let gain = base - scored.rescore_window(opts, &alt, a, b, lm, o.switch_cost);
                let mut rules: Vec<u16> = (a..b).map(|i| opts[i][pick[i]].rule).collect();
                rules.sort_unstable();
                rules.dedup();
                let rule_conf = rules
                    .iter()
                    .filter_map(|r| table.rule(*r))
                    .map(|r| r.confidence)
                    .fold(1.0f32, f32::min);
                let rule = rules
                    .iter()
                    .filter_map(|r| table.rule(*r))
                    .map(describe_rule)
                    .collect::<Vec<_>>()
                    .join("; ");
                let cols: Vec<usize> = (a..b).map(|i| cand.order[i]).collect();
                let nfc = (a..b).any(|i| opts[i][pick[i]].nfc);
                let kind = kinds.kind(table);
                let learned = kinds.learned.filter(|_| kind == SpanKind::Learned);
                let evidence = SpanEvidence {
                    kind,
                    chars: b - a,
                    gain: gain.max(0.0),
                    rule_confidence: rule_conf,
                    occurrences: learned.map(|l| {
                        (a..b)
                            .map(|i| {
                                let g = opts[i][0].out[0] as u32;
                                l.occurrences.get(&g).copied().unwrap_or(0)
                            })
                            .min()
                            .unwrap_or(0)
                    }),
                    ordered: learned
                        .map(|l| (a..b).all(|i| l.ordered.contains(&(opts[i][0].out[0] as u32)))),
                    order_share: learned.map(|l| l.order_share),
                    doc_logprob: learned.map(|l| l.doc_logprob),
                    support: learned.map(|l| {
                        (a..b)
                            .map(|i| {
                                let g = opts[i][0].out[0] as u32;
                                l.support.get(&g).copied().unwrap_or(0)
                            })
                            .min()
                            .unwrap_or(0)
                    }),
                };
                out.push((
                    a,
                    b,
                    RepairSpan {
                        line: line_no,
                        column: cols.iter().min().copied().unwrap_or(0) + 1,
                        end_column: cols.iter().max().copied().unwrap_or(0) + 1,
                        before: (a..b).map(|i| opts[i][0].out[0]).collect(),
                        after: (a..b)
                            .flat_map(|i| opts[i][pick[i]].chars().iter().copied())
                            .collect(),
                        table: table.name.clone(),
                        rule,
                        fix: if nfc {
                            "decode+nfc".into()
                        } else {
                            "decode".into()
                        },
                        confidence: o.calibration.probability(&evidence),
                        evidence: Some(evidence),
                    },
                ));
                a = b;
            }
        }
        out
    }
}

/// Maximal runs [s, e) of positions whose pick is a decoding.
pub(super) fn decoded_runs(opts: &lattice::Options, pick: &[usize]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < pick.len() {
        if opts[i][pick[i]].choice == KEEP {
            i += 1;
            continue;
        }
        let s = i;
        while i < pick.len() && opts[i][pick[i]].choice != KEEP {
            i += 1;
        }
        runs.push((s, i));
    }
    runs
}

/// Unresolved garbling among the `kept` input columns.
pub(super) fn unresolved(chars: &[char], kept: &[usize], line_no: usize) -> Vec<GarbledSpan> {
    let mut mask = vec![false; chars.len()];
    for &k in kept {
        if let Some(m) = mask.get_mut(k) {
            *m = true;
        }
    }
    let masked: Vec<char> = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if mask[i] { c } else { ' ' })
        .collect();
    detect::strong_runs(&masked)
        .into_iter()
        .map(|(s, e)| {
            let strong = masked[s..e]
                .iter()
                .filter(|c| classify(**c).is_strong())
                .count();
            GarbledSpan {
                line: line_no,
                start: s,
                end: e,
                text: chars[s..e].iter().collect(),
                reason: Reason::NoTable,
                confidence: (strong as f32 / (e - s) as f32).min(1.0)
                    * if strong > 1 { 0.9 } else { 0.5 },
            }
        })
        .collect()
}

/// A rule as a short human-readable string.
pub fn describe_rule(rule: &crate::tables::Rule) -> String {
    match &rule.kind {
        RuleKind::Block {
            repertoire,
            offset,
            first,
            last,
        } => {
            let sign = if *offset < 0 { '−' } else { '+' };
            let base = if *repertoire == "unicode" {
                "code point".to_string()
            } else {
                format!("rank in {repertoire}")
            };
            format!(
                "{first}..{last}: gid = {base} {sign} 0x{:X} ({})",
                offset.unsigned_abs(),
                rule.source
            )
        }
        RuleKind::Glyph { gid, ch } => format!("glyph 0x{gid:04X} = {ch} ({})", rule.source),
    }
}
