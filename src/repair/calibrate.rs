//! Calibrated confidence: the confidence printed with a repaired span is the measured
//! probability that the span is right, not a rule's prior.
//!
//! Each span has raw evidence ([`SpanEvidence`]: where its table comes from, how many
//! characters it has, how far its reading beats keeping it under the language model, the
//! weakest rule's own confidence). A [`Calibration`] maps that evidence to a probability:
//! spans are split into strata (source kind × length class), and within a stratum a
//! monotone, non-decreasing step function of a raw score is fitted on labelled spans (the
//! unseen-font benchmark's tuning fonts, `examples/unseen_fonts.rs --fit-calibration`) by
//! pooling adjacent violators over equal-count bins, each step's probability a Laplace
//! estimate (right + 1) / (spans + 2), so that a step seen only right never says 1.
//!
//! The shipped calibration is `data/calibration.tsv`, written by that command (never by
//! hand); its header records the command and the data. Learned readings are applied from
//! a threshold fitted with it: the lowest calibrated confidence at which the labelled
//! learned spans at or above it are 99.5 % right, in each set of fonts it was fitted on.
//! Invariants:
//! * the probability never decreases as the raw score grows within a stratum;
//! * evidence of a stratum the file lacks falls back to its kind's pooled steps (a second
//!   font's table to the tables' steps), then to the whole file's, never to a made-up
//!   figure;
//! * an empty or unreadable calibration gives probability 0 (nothing learned is applied).

use std::sync::OnceLock;

/// Where a span's decoding comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpanKind {
    /// A shipped or user table that won the document in the first round.
    Table,
    /// A table that won on the glyphs the first round's winners left (a second font).
    Residual,
    /// A reading learned from the document's own garbled text (self-learning).
    Learned,
}

impl SpanKind {
    /// The kind's name as serialized (`table`, `residual`, `learned`).
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Table => "table",
            SpanKind::Residual => "residual",
            SpanKind::Learned => "learned",
        }
    }
}

/// The raw evidence of one span, shown in `--json` and fed to the calibration.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SpanEvidence {
    /// Where the span's decoding comes from.
    pub kind: SpanKind,
    /// Characters decoded.
    pub chars: usize,
    /// log10 language-model gain of the reading over keeping the span as it was.
    pub gain: f32,
    /// The weakest rule's own confidence (a learned glyph's: the learner's — 0.9 for a
    /// glyph an order hypothesis verified, 0.8 inside an accepted block, else its context
    /// score).
    pub rule_confidence: f32,
    /// Learned spans: occurrences in the document of the span's rarest glyph.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<u32>,
    /// Learned spans: every glyph of the span lies in a block of a glyph order the learner
    /// fitted (rather than being read from its contexts alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    /// Learned spans: share of the document's unexplained glyph occurrences that lie in
    /// such blocks (a real font's order explains most of them; chance explains few).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_share: Option<f32>,
    /// Learned spans: mean log10 probability, under the document's language model, of the
    /// characters the learned readings put in the document (a wrong decipherment reads as
    /// gibberish however well its glyph order fitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_logprob: Option<f32>,
    /// Learned spans: the least, over the span's glyphs, of how many glyphs the glyph order
    /// that verified it explains (0: a glyph read only from its block's range or from its
    /// contexts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<u32>,
}

/// Length classes: 1, 2, 3–4, 5+ characters.
fn length_class(chars: usize) -> u8 {
    match chars {
        0 | 1 => 1,
        2 => 2,
        3 | 4 => 3,
        _ => 5,
    }
}

impl SpanEvidence {
    /// The score the steps are fitted over. Tables: monotone in the gain and in the rule's
    /// confidence (a gain beyond 20 log10 units adds nothing). Learned readings a glyph
    /// order verified (`learned:v`): the size of the least-supported glyph's verifying
    /// order (up to 64 glyphs) — on the tuning fonts a reading two glyphs' order verifies is
    /// wrong more often than not, one that three or more verify nearly never. Other
    /// learned readings: one score, so one step. Their accuracy depends on the document
    /// (an ordered font's stray glyph, a shuffled font, a renumbered one) far more than on
    /// anything measured per span: left out one tuning font at a time, steps over the
    /// occurrences and the learner's confidence predicted the left-out font worse (37.8
    /// points per font and variant) than the stratum's single rate (33.5).
    pub fn raw(&self) -> f32 {
        let rule = self.rule_confidence.clamp(0.0, 1.0);
        if self.verified() {
            return self.support.unwrap_or(0).min(64) as f32 / 64.0;
        }
        match self.kind {
            SpanKind::Learned => 0.0,
            _ => rule * self.gain.clamp(0.0, 20.0) / 20.0,
        }
    }

    /// A learned reading whose every glyph an order hypothesis verified by its own
    /// contexts (`support` ≥ 1) inside a fitted block (the learner's confidence ≥ 0.9), in
    /// a document where such orders explain at least half of the unexplained glyphs (a
    /// lone fitted block in a shuffled font is chance) and that reads like Japanese with
    /// the learned readings (mean log10 probability ≥ −2.5).
    fn verified(&self) -> bool {
        self.kind == SpanKind::Learned
            && self.ordered == Some(true)
            && self.support.is_some_and(|s| s >= 1)
            && self.order_share.is_some_and(|x| x >= 0.5)
            && self.rule_confidence >= 0.9
            && self.doc_logprob.is_some_and(|lp| lp >= -2.5)
    }

    /// The stratum: `table:2` (kind and length class). Learned readings: `learned:v:1`
    /// when verified, every other learned reading `learned:x`, one
    /// stratum. Finer strata (readings only inside a block, readings from contexts alone,
    /// by how the document reads) fitted the tuning fonts to the point but did not
    /// transfer to held-out fonts and documents (their accuracy varies by document more
    /// than by those features) (docs/performance.md).
    pub fn stratum(&self) -> String {
        match self.kind {
            SpanKind::Learned if self.verified() => "learned:v:1".to_string(),
            SpanKind::Learned => "learned:x".to_string(),
            _ => format!("{}:{}", self.kind.as_str(), length_class(self.chars)),
        }
    }
}

/// One step: from raw score `lo` on, probability `p` (fitted on `n` spans, `right` right).
#[derive(Debug, Clone, PartialEq)]
struct Step {
    stratum: String,
    lo: f32,
    n: usize,
    right: usize,
    p: f32,
}

/// Monotone step functions per stratum.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    steps: Vec<Step>,
}

/// Share of learned spans at or above the threshold that must be right on the tuning data.
pub const TARGET_PRECISION: f64 = 0.995;
/// The row of the file holding the learned readings' threshold.
const THRESHOLD_ROW: &str = "threshold:learned";

/// Fewest spans per bin when fitting.
pub const MIN_BIN: usize = 40;
/// Most bins per stratum before pooling.
pub const MAX_BINS: usize = 12;

impl Calibration {
    /// The shipped calibration (`data/calibration.tsv`).
    pub fn builtin() -> &'static Calibration {
        static C: OnceLock<Calibration> = OnceLock::new();
        C.get_or_init(|| Calibration::parse(include_str!("../../data/calibration.tsv")))
    }

    /// Parses the TSV written by [`Calibration::fit`]; malformed rows are skipped.
    pub fn parse(text: &str) -> Calibration {
        let steps = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("stratum"))
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some(Step {
                    stratum: f.first()?.to_string(),
                    lo: f.get(1)?.parse().ok()?,
                    n: f.get(2)?.parse().ok()?,
                    right: f.get(3)?.parse().ok()?,
                    p: f.get(4)?.parse().ok()?,
                })
            })
            .collect();
        Calibration { steps }
    }

    /// The calibrated confidence from which learned readings are applied: the lowest at
    /// which the tuning spans at or above it were [`TARGET_PRECISION`] right (written by
    /// [`Calibration::fit`]; above 1 when no step reached that, i.e. none is applied).
    pub fn learned_threshold(&self) -> Option<f32> {
        self.steps
            .iter()
            .find(|s| s.stratum == THRESHOLD_ROW)
            .map(|s| s.p)
    }

    /// Whether the calibration has steps for this exact stratum.
    pub fn knows(&self, stratum: &str) -> bool {
        self.steps.iter().any(|s| s.stratum == stratum)
    }

    /// The probability that a span with this evidence is right.
    pub fn probability(&self, e: &SpanEvidence) -> f32 {
        let raw = e.raw();
        let kind = format!("{}:*", e.kind.as_str());
        // A second font's table is a table: without data of its own it falls back to
        // the tables' steps before everything pooled.
        let table = if e.kind == SpanKind::Residual {
            let t = SpanEvidence {
                kind: SpanKind::Table,
                ..*e
            };
            [t.stratum(), "table:*".to_string()]
        } else {
            [String::new(), String::new()]
        };
        let [t1, t2] = table;
        for stratum in [e.stratum(), kind, t1, t2, "*".to_string()] {
            let mut best: Option<&Step> = None;
            for s in self.steps.iter().filter(|s| s.stratum == stratum) {
                // Steps are stored in ascending `lo`; the first one covers everything below.
                if best.is_none() || s.lo <= raw {
                    best = Some(s);
                }
            }
            if let Some(s) = best {
                return s.p;
            }
        }
        0.0
    }

    /// Fits step functions on labelled spans and returns the file text (after `header`,
    /// written as `#` comment lines). Strata: every exact one with at least
    /// [`MIN_BIN`] spans, each kind pooled (`kind:*`), and everything pooled (`*`).
    pub fn fit(samples: &[(SpanEvidence, bool)], header: &str) -> String {
        Calibration::fit_sets(&[samples], header)
    }

    /// [`Calibration::fit`] on several sets of labelled spans (each a set of fonts and
    /// documents): the steps are fitted on all of them pooled; the learned readings'
    /// threshold is the lowest calibrated confidence at which the learned spans at or above
    /// it are [`TARGET_PRECISION`] right in every set (pooled, a set whose fonts the
    /// learner reads well would hide one it reads badly: readings verified by an order of
    /// 3 glyphs were 98.6 % right pooled over the tuning fonts and the first two held-out
    /// sets, 87 % on the tuning fonts alone, and dev-a's one was wrong).
    pub fn fit_sets(sets: &[&[(SpanEvidence, bool)]], header: &str) -> String {
        let samples: Vec<(SpanEvidence, bool)> =
            sets.iter().flat_map(|s| s.iter().copied()).collect();
        let samples = &samples[..];
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str("stratum\tlo\tspans\tright\tp\n");
        let mut strata: Vec<String> = samples.iter().map(|(e, _)| e.stratum()).collect();
        strata.extend(
            samples
                .iter()
                .map(|(e, _)| format!("{}:*", e.kind.as_str())),
        );
        strata.push("*".into());
        strata.sort();
        strata.dedup();
        for stratum in strata {
            let mut pts: Vec<(f32, bool)> = samples
                .iter()
                .filter(|(e, _)| {
                    stratum == "*"
                        || e.stratum() == stratum
                        || stratum == format!("{}:*", e.kind.as_str())
                })
                .map(|(e, ok)| (e.raw(), *ok))
                .collect();
            if pts.len() < MIN_BIN {
                continue;
            }
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            for s in fit_steps(&pts) {
                out.push_str(&format!(
                    "{stratum}\t{:.5}\t{}\t{}\t{:.4}\n",
                    s.lo, s.n, s.right, s.p
                ));
            }
        }
        // The learned readings' threshold, from the steps just written: per set, the
        // learned spans by calibrated confidence, highest first.
        let fitted = Calibration::parse(&out);
        let per_set: Vec<Vec<(f32, bool)>> = sets
            .iter()
            .map(|set| {
                let mut v: Vec<(f32, bool)> = set
                    .iter()
                    .filter(|(e, _)| e.kind == SpanKind::Learned)
                    .map(|(e, ok)| (fitted.probability(e), *ok))
                    .collect();
                v.sort_by(|a, b| b.0.total_cmp(&a.0));
                v
            })
            .collect();
        let mut levels: Vec<f32> = per_set.iter().flatten().map(|x| x.0).collect();
        levels.sort_by(|a, b| b.total_cmp(a));
        levels.dedup();
        let (mut threshold, mut n_at, mut right_at) = (1.01f32, 0, 0);
        // Only at a step's probability (a step is all or nothing).
        for p in levels.into_iter().filter(|p| *p >= 0.9) {
            let (mut n, mut right, mut every) = (0usize, 0usize, true);
            for set in &per_set {
                let at: Vec<&(f32, bool)> = set.iter().filter(|x| x.0 >= p).collect();
                let r = at.iter().filter(|x| x.1).count();
                every &= r as f64 >= TARGET_PRECISION * at.len() as f64;
                n += at.len();
                right += r;
            }
            if every {
                (threshold, n_at, right_at) = (p, n, right);
            }
        }
        out.push_str(&format!(
            "{THRESHOLD_ROW}\t0\t{n_at}\t{right_at}\t{threshold:.4}\n"
        ));
        out
    }
}

/// Equal-count bins over sorted points (ties kept in one bin), then pooled adjacent
/// violators so that the right share never decreases.
fn fit_steps(pts: &[(f32, bool)]) -> Vec<Step> {
    let per = (pts.len() / MAX_BINS).max(MIN_BIN);
    let mut bins: Vec<(f32, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < pts.len() {
        let mut j = (i + per).min(pts.len());
        while j < pts.len() && pts[j].0 == pts[j - 1].0 {
            j += 1;
        }
        // A short tail joins the previous bin.
        if pts.len() - j < MIN_BIN {
            j = pts.len();
        }
        let right = pts[i..j].iter().filter(|p| p.1).count();
        bins.push((pts[i].0, j - i, right));
        i = j;
    }
    // Pool adjacent violators.
    let mut pooled: Vec<(f32, usize, usize)> = Vec::new();
    for b in bins {
        pooled.push(b);
        while pooled.len() >= 2 {
            let k = pooled.len();
            let (a, c) = (pooled[k - 2], pooled[k - 1]);
            if laplace(a.1, a.2) > laplace(c.1, c.2) {
                pooled.pop();
                pooled[k - 2] = (a.0, a.1 + c.1, a.2 + c.2);
            } else {
                break;
            }
        }
    }
    pooled
        .into_iter()
        .map(|(lo, n, right)| Step {
            stratum: String::new(),
            lo,
            n,
            right,
            p: laplace(n, right),
        })
        .collect()
}

/// (right + 1) / (spans + 2).
fn laplace(n: usize, right: usize) -> f32 {
    (right as f32 + 1.0) / (n as f32 + 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: SpanKind, chars: usize, gain: f32) -> SpanEvidence {
        SpanEvidence {
            kind,
            chars,
            gain,
            rule_confidence: 1.0,
            occurrences: None,
            ordered: None,
            order_share: None,
            doc_logprob: None,
            support: None,
        }
    }

    #[test]
    fn learned_strata_are_verified_or_pooled() {
        let learned = |ordered: bool, share: f32, rule: f32, lp: f32| SpanEvidence {
            kind: SpanKind::Learned,
            chars: 2,
            gain: 10.0,
            rule_confidence: rule,
            occurrences: Some(5),
            ordered: Some(ordered),
            order_share: Some(share),
            doc_logprob: Some(lp),
            support: Some(12),
        };
        assert_eq!(learned(true, 0.9, 0.9, -2.0).stratum(), "learned:v:1");
        // Verified readings are scored by their order's support, others by occurrences.
        let v = learned(true, 0.9, 0.9, -2.0);
        assert_eq!(v.raw(), 12.0 / 64.0);
        assert_eq!(learned(false, 0.9, 0.9, -2.0).raw(), 0.0);
        // Any of: not in a fitted block, no order verified a glyph, a shuffled document,
        // inside a block only, reads badly — one pooled stratum.
        for e in [
            learned(false, 0.9, 0.9, -2.0),
            SpanEvidence {
                support: Some(0),
                ..v
            },
            learned(true, 0.3, 0.9, -2.0),
            learned(true, 0.9, 0.8, -2.0),
            learned(true, 0.9, 0.9, -3.0),
        ] {
            assert_eq!(e.stratum(), "learned:x", "{e:?}");
        }
    }

    #[test]
    fn the_threshold_holds_in_every_set() {
        // Verified readings: support 2 (raw 2/64) and support 10 (raw 10/64).
        let v = |support: u32| SpanEvidence {
            kind: SpanKind::Learned,
            chars: 2,
            gain: 10.0,
            rule_confidence: 0.9,
            occurrences: Some(3),
            ordered: Some(true),
            order_share: Some(0.9),
            doc_logprob: Some(-2.0),
            support: Some(support),
        };
        // Set a: support 2 is 90 % right; set b: 100 %, and ten times larger.
        let a: Vec<(SpanEvidence, bool)> = (0..100)
            .map(|k| (v(2), k % 10 != 0))
            .chain((0..200).map(|_| (v(10), true)))
            .collect();
        let b: Vec<(SpanEvidence, bool)> = (0..1000)
            .map(|_| (v(2), true))
            .chain((0..2000).map(|_| (v(10), true)))
            .collect();
        let pooled: Vec<(SpanEvidence, bool)> = a.iter().chain(&b).copied().collect();
        let one = Calibration::parse(&Calibration::fit(&pooled, "pooled"));
        let sets = Calibration::parse(&Calibration::fit_sets(&[&a, &b], "sets"));
        let (p2, p10) = (sets.probability(&v(2)), sets.probability(&v(10)));
        // Same steps either way; pooled, support 2 (99.1 % right) passes the threshold,
        // per set it does not (set a: 90 %).
        assert_eq!(one.probability(&v(2)), p2);
        assert!(p2 < p10, "{p2} {p10}");
        assert!(one.learned_threshold().is_some_and(|t| t <= p2));
        assert!(sets.learned_threshold().is_some_and(|t| t > p2 && t <= p10));
    }

    #[test]
    fn fitted_steps_are_monotone_and_fall_back_by_kind() {
        // Right share rising with the gain, with a dip the pooling must remove.
        let mut samples = Vec::new();
        for k in 0..2000 {
            let gain = (k % 200) as f32 / 10.0;
            let right = match k % 200 {
                0..=49 => k % 2 == 0,
                50..=99 => k % 7 != 0,
                100..=119 => k % 3 != 0, // the dip
                _ => k % 50 != 0,
            };
            samples.push((ev(SpanKind::Table, 3, gain), right));
        }
        let c = Calibration::parse(&Calibration::fit(&samples, "test"));
        let ps: Vec<f32> = (0..200)
            .map(|g| c.probability(&ev(SpanKind::Table, 3, g as f32 / 10.0)))
            .collect();
        assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{ps:?}");
        assert!(ps[0] < 0.6 && ps[199] > 0.95, "{} {}", ps[0], ps[199]);
        // Another length class of the same kind falls back to the kind's pooled steps, a
        // second font's table to the tables'; an empty calibration says 0.
        assert!(!c.knows("table:1"));
        assert!(c.probability(&ev(SpanKind::Table, 1, 19.0)) > 0.9);
        assert!(c.probability(&ev(SpanKind::Residual, 1, 19.0)) > 0.9);
        assert_eq!(
            Calibration::default().probability(&ev(SpanKind::Table, 4, 19.0)),
            0.0
        );
    }
}
