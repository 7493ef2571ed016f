//! Self-learning: the glyphs the winning tables leave unexplained, deciphered from the
//! document's own text (the `learn --text` engine) and kept as a table whose spans are
//! applied only at or above the calibrated threshold.

use super::*;

/// What self-learning read from a document.
#[derive(Debug)]
pub(super) struct LearnedTable {
    /// One table per font the learner told apart (glyph IDs of two fonts overlap in one
    /// text: the same glyph may read differently in each), restricted to the glyphs no
    /// winning table explained; the span decoder chooses among them by context.
    pub(super) tables: Vec<FontTable>,
    /// Occurrences of each unexplained glyph in the lines learned from.
    pub(super) occurrences: std::collections::HashMap<u32, u32>,
    /// Glyphs inside a block of a glyph order the learner fitted.
    pub(super) ordered: std::collections::HashSet<u32>,
    /// Share of the occurrences whose glyph is in `ordered`.
    pub(super) order_share: f32,
    /// Mean log10 probability of the learned readings in the lines learned from.
    pub(super) doc_logprob: f32,
    /// Per glyph an order hypothesis verified: that hypothesis' glyph count.
    pub(super) support: std::collections::HashMap<u32, u32>,
}

/// Name of the table learned from a document's own text.
pub const LEARNED_TABLE: &str = "learned";
/// Source of its rules.
pub const LEARNED_SOURCE: &str = "learned";
/// Self-learning needs at least this many distinct unexplained glyphs…
pub(super) const LEARN_MIN_GLYPHS: usize = 8;
/// …occurring this many times in all…
pub(super) const LEARN_MIN_TOKENS: usize = 60;
/// …and reads at most this many bytes of their lines.
pub(super) const LEARN_MAX_BYTES: usize = 400_000;

impl<'a> Repairer<'a> {
    /// The table learned from this document's own unexplained glyphs, if self-learning is
    /// on and the tables that won leave enough garbling to learn from (decided on first
    /// use, once every chunk is observed). Its readings are glyph rules of source
    /// `learned`; its spans are applied only at or above the calibrated
    /// [`RepairOptions::min_learned_confidence`].
    pub fn learned<'d>(&self, doc: &'d DocumentModel<'a>) -> &'d [FontTable] {
        if !self.options.learn {
            return &[];
        }
        doc.learned
            .get_or_init(|| self.learn_document(doc))
            .as_ref()
            .map_or(&[], |l| l.tables.as_slice())
    }

    pub(super) fn learn_document(&self, doc: &DocumentModel<'a>) -> Option<LearnedTable> {
        let winners = self.winners(doc);
        let (residual, fixed, _) = match doc.residual.get() {
            Some(r) => r,
            None => {
                // Repaired with the spans' final kinds (what a second font decodes is
                // `Residual`): text and unresolved glyphs do not depend on them, and the
                // reports are then the repair's own when no learned table joins (reused).
                let kinds = Kinds {
                    residual: self.kinds(doc).residual,
                    learned: None,
                    read_radicals: false,
                };
                let (r, f) = self.residual(doc, &winners, &kinds);
                doc.residual.get_or_init(|| (r, f, kinds.residual))
            }
        };
        if residual.len() < LEARN_MIN_GLYPHS || residual.iter().all(|&c| is_alias_form(c)) {
            return None;
        }
        let (counts, text, text_lines) = residual_lines(fixed, residual);
        if counts.values().sum::<usize>() < LEARN_MIN_TOKENS {
            return None;
        }
        let source = crate::learn::decipher::Source {
            name: "document".into(),
            text,
        };
        let learned = crate::learn::decipher::learn(
            LEARNED_TABLE,
            &[source],
            self.lm,
            &crate::learn::decipher::Options {
                one_font: self.options.learn_one_font,
                ..Default::default()
            },
        )
        .ok()?;
        let tables = learned_tables(&learned)?;
        let total: usize = counts.values().sum();
        let in_block = |g: &u32| {
            learned.tables.iter().any(|t| {
                t.decode(*g)
                    .and_then(|d| t.rule(d.rule))
                    .is_some_and(|r| matches!(r.kind, RuleKind::Block { .. }))
            })
        };
        // Every glyph a fitted block reads: the unexplained ones, and those the learner
        // verified (with support) that the repair's own detector let pass as real symbols
        // (♫, ⚟, ⨨ … in a garbled word); without the latter a verified word holding one was
        // left unverified. Controls, ASCII and spaces stay out: a learned table never wins
        // them (issue 14 item 4; ASCII printed as controls read as fullwidth forms).
        let ordered: std::collections::HashSet<u32> = counts
            .keys()
            .map(|g| *g as u32)
            .chain(learned.support.iter().map(|(g, _)| *g).filter(|g| {
                char::from_u32(*g).is_some_and(|c| !super::doclevel::never_evidence(c))
            }))
            .filter(in_block)
            .collect();
        let verified: usize = counts
            .iter()
            .filter(|(g, _)| ordered.contains(&(**g as u32)))
            .map(|(_, n)| n)
            .sum();
        let doc_logprob = doc_logprob(&tables[0], &text_lines, &counts, &doc.adaptive);
        // Occurrences of every character of the lines learned from (a glyph that looks like a
        // real character is not in the residual but may be read by a learned block).
        let mut occurrences: std::collections::HashMap<u32, u32> = Default::default();
        for line in &text_lines {
            for c in line.chars() {
                let n = occurrences.entry(c as u32).or_default();
                *n = n.saturating_add(1);
            }
        }
        Some(LearnedTable {
            support: learned.support.iter().copied().collect(),
            doc_logprob,
            tables,
            occurrences,
            order_share: verified as f32 / total.max(1) as f32,
            ordered,
        })
    }
}

/// A radical (Kangxi, CJK supplement: U+2E80–U+2FDF) or a vertical presentation form
/// (U+FE10–U+FE19, U+FE30–U+FE4F). A residue of these alone is not a font's glyph IDs but
/// kanji and punctuation whose ToUnicode names the alias (`⼊札`, `⼿引き`, `︓` in
/// pdftotext's text of Office/Distiller PDFs): nothing to decipher, and deciphering 3,000
/// of them took seconds per document (docs/performance.md, the ninth held-out round).
fn is_alias_form(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{2FDF}' | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}')
}

/// Occurrences of the unexplained glyphs `residual` in the repaired lines `fixed` and the
/// lines holding them (their decoded neighbours are context), up to [`LEARN_MAX_BYTES`]:
/// (counts, the lines as one text, the lines).
fn residual_lines<'f>(
    fixed: &'f [super::document::Fixed],
    residual: &std::collections::HashSet<char>,
) -> (std::collections::HashMap<char, usize>, String, Vec<&'f str>) {
    let mut counts: std::collections::HashMap<char, usize> = Default::default();
    let mut text = String::new();
    let mut text_lines: Vec<&str> = Vec::new();
    for (line, _) in fixed.iter() {
        if text.len() >= LEARN_MAX_BYTES {
            break;
        }
        let mut has = false;
        for c in line.chars().filter(|c| residual.contains(c)) {
            *counts.entry(c).or_default() += 1;
            has = true;
        }
        if has {
            text_lines.push(line.as_str());
            text.push_str(line);
            text.push('\n');
        }
    }
    (counts, text, text_lines)
}

/// The learned tables' rules as tables of source `learned`: every rule of a learned font
/// (its blocks also read glyphs that look like real characters, which the residual leaves
/// out) whose readings are text — never a control, ASCII or another garbled glyph. `None`
/// when no table is left (or one cannot be built).
fn learned_tables(learned: &crate::learn::decipher::Learned) -> Option<Vec<FontTable>> {
    let mut tables: Vec<FontTable> = Vec::new();
    for learned_table in &learned.tables {
        let text_like = |c: char| !(classify(c).is_strong() || c.is_control() || c.is_ascii());
        let rules: Vec<Rule> = learned_table
            .rules
            .iter()
            .filter(|r| match r.kind {
                RuleKind::Glyph { ch, .. } => text_like(ch),
                RuleKind::Block { first, last, .. } => text_like(first) && text_like(last),
            })
            .map(|r| Rule {
                source: LEARNED_SOURCE.into(),
                ..r.clone()
            })
            .collect();
        if !rules.is_empty() {
            tables.push(FontTable::from_rules(LEARNED_TABLE, rules).ok()?);
        }
    }
    (!tables.is_empty()).then_some(tables)
}

/// Mean log10 probability of the learned readings of `table` in the lines learned from,
/// with every learned reading applied (-99 when there is none).
fn doc_logprob(
    table: &FontTable,
    text_lines: &[&str],
    counts: &std::collections::HashMap<char, usize>,
    adaptive: &crate::lm::AdaptiveLm<'_>,
) -> f32 {
    let (mut sum, mut n) = (0.0f64, 0usize);
    for line in text_lines.iter() {
        let decoded: Vec<char> = line
            .chars()
            .map(|c| {
                table
                    .get(c as u32)
                    .filter(|_| counts.contains_key(&c))
                    .unwrap_or(c)
            })
            .collect();
        for (i, c) in line.chars().enumerate() {
            if counts.contains_key(&c) && table.get(c as u32).is_some() {
                sum += adaptive.log_prob(&decoded[i.saturating_sub(3)..i], decoded[i]) as f64;
                n += 1;
            }
        }
    }
    if n == 0 {
        -99.0
    } else {
        (sum / n as f64) as f32
    }
}
