//! Measuring what pooling gives: leave-one-document-out agreement of a pooled font's
//! table, and how far two fonts agree on shared glyph IDs (the evidence for a family).
//!
//! Invariant: a held-out document's own votes never reach the table that predicts them.

use super::table::learn_font;
use super::{CorpusVotes, FontKey, HeldOut, VoteOptions};
use crate::error::Result;
use std::collections::BTreeMap;

impl CorpusVotes {
    /// Leave-one-document-out: for each document voting on the pooled font `key`, the
    /// table fitted without it predicts its voted glyphs (entries at or above
    /// `min_confidence`); agreement and coverage per document.
    pub fn leave_one_out(
        &self,
        key: &FontKey,
        opts: &VoteOptions,
        min_confidence: f32,
    ) -> Result<Vec<HeldOut>> {
        let all = self.pooled_votes(opts, None);
        let Some(fv) = all.get(key) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for doc in &fv.documents {
            // The document's own votes (its majority char per glyph, by construction one).
            let own: BTreeMap<u32, char> = fv
                .votes
                .iter()
                .filter_map(|(g, by_char)| {
                    by_char
                        .iter()
                        .find(|(_, ds)| ds.iter().any(|(d, _)| d == doc))
                        .map(|(c, _)| (*g, *c))
                })
                .collect();
            let rest = self.pooled_votes(opts, Some(doc));
            let mut h = HeldOut {
                document: doc.clone(),
                voted: own.len(),
                ..Default::default()
            };
            if let Some(rv) = rest.get(key).filter(|rv| !rv.votes.is_empty()) {
                let l = learn_font(key, rv, opts)?;
                for (&g, &c) in &own {
                    let Some(d) = l.table.decode(g) else { continue };
                    let conf = l.table.rule(d.rule).map(|r| r.confidence).unwrap_or(0.0);
                    if conf < min_confidence {
                        continue;
                    }
                    h.predicted += 1;
                    if d.ch == c {
                        h.agreed += 1;
                    } else if h.wrong.len() < 10 {
                        h.wrong.push((g, d.ch, c));
                    }
                }
            }
            out.push(h);
        }
        Ok(out)
    }

    /// How far two fonts agree on shared glyph IDs: (glyphs both vote on, of them agreeing),
    /// counting each font's majority character. The evidence for pooling a family.
    pub fn family_agreement(&self, a: &str, b: &str) -> (usize, usize) {
        let opts = VoteOptions {
            pool_versions: true,
            ..Default::default()
        };
        let votes = self.pooled_votes(&opts, None);
        let majority = |name: &str| -> BTreeMap<u32, char> {
            let key = FontKey {
                basefont: name.to_string(),
                glyphs: None,
            };
            votes
                .get(&key)
                .map(|fv| {
                    fv.votes
                        .iter()
                        .filter_map(|(g, by_char)| {
                            by_char
                                .iter()
                                .max_by_key(|(_, d)| d.len())
                                .map(|(c, _)| (*g, *c))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (ma, mb) = (majority(a), majority(b));
        let shared: Vec<u32> = ma.keys().filter(|g| mb.contains_key(g)).copied().collect();
        let agree = shared.iter().filter(|g| ma[g] == mb[g]).count();
        (shared.len(), agree)
    }
}
