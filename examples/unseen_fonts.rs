//! The unseen-font benchmark (issue 14): held-out clean Japanese garbled through real
//! fonts' glyph IDs, the way extractors print them, repaired with the shipped tables
//! minus the test font's own (and, by default, self-learning); reports, per font and
//! variant, how many garbled characters came back right, wrong or unresolved, the
//! precision of spans printed with confidence ≥ 0.9, and reliability per confidence
//! bucket. It also fits the confidence calibration (`data/calibration.tsv`).
//!
//!     scripts/unseen_fonts.sh            # installs the fonts, builds the held-out text,
//!                                        # fits the calibration, runs both font splits
//!     cargo run --example unseen_fonts -- [OPTIONS] TEXT FONT...
//!     cargo run --example unseen_fonts -- --fit-calibration [--about TEXT] SPANS.tsv... > data/calibration.tsv
//!
//! A FONT is a font file, or `table:NAME` (a shipped table's own font: garbled through the
//! table itself, which stays in the set — the known-font case).
//!
//! Options: `--spans FILE` writes every span with its evidence and whether it was right
//! (the calibration's input); `--docs A..B` takes documents A to B−1 of the text
//! (`DOC_LINES` lines each; default 0..4); `--learn-all` applies every learned reading
//! (calibration fitting must see the ones the threshold would drop); `--no-learn` turns
//! self-learning off; `--variants a,b` restricts the variants; `--min-learned-support N`
//! replaces `RepairOptions::min_learned_support` (what the glyph-order floor costs).
//!
//! Garbling (per document): every character the font's cmap covers becomes its glyph ID
//! printed as a code point; ASCII stays (drawn in a Latin font); `CLEAN_SHARE` of the
//! character types stay clean (a partial ToUnicode); pdftotext's page break (form feed)
//! starts every 40th line; lines are then shown as a bidi-aware extractor shows them
//! (`repair::bidi::forward`: glyph IDs among U+0590–08FF get reordered). Variants: `font`
//! (its real glyph IDs), `permuted` (the same glyph IDs shuffled over its characters),
//! `frequency` (numbered by first use from 0x0E00, as some producers renumber), `nfc`
//! (`font`, then the extractor's text NFC-normalised), `ascii` (`font`, with half-width
//! ASCII drawn in the same font: glyph IDs below 0x20 print as control characters).

use glyphmend::lm::CharLm;
use glyphmend::repair::calibrate::{Calibration, SpanEvidence, SpanKind};
use glyphmend::repair::{Repairer, bidi};
use glyphmend::tables::TableSet;
use std::collections::HashMap;
use std::io::Write;
use unicode_normalization::UnicodeNormalization;

const DOC_LINES: usize = 150;
const CLEAN_SHARE: f64 = 0.1;
const VARIANTS: [&str; 5] = ["font", "permuted", "frequency", "nfc", "ascii"];

/// SplitMix64.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A document garbled: its text and printed code point → the true characters (more than
/// one only where NFC merged two glyph IDs).
struct Doc {
    text: String,
    truth: HashMap<char, Vec<char>>,
    garbled_chars: usize,
}

/// Garbles `lines` through `code` (char → printed glyph code point, None = stays).
/// `ascii`: ASCII is garbled too where its glyph ID prints as a control character.
fn garble(
    lines: &[&str],
    seed: u64,
    code: &dyn Fn(char) -> Option<char>,
    ascii: bool,
    nfc: bool,
) -> Doc {
    let mut state = seed;
    // Partial ToUnicode: a random share of character types stays clean.
    let mut types: Vec<char> = lines.iter().flat_map(|l| l.chars()).collect();
    types.sort_unstable();
    types.dedup();
    let clean: std::collections::HashSet<char> = types
        .iter()
        .copied()
        .filter(|_| (splitmix(&mut state) % 1000) < (CLEAN_SHARE * 1000.0) as u64)
        .collect();
    let mut truth: HashMap<char, char> = HashMap::new();
    let mut garbled_chars = 0;
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        let mut logical = String::new();
        for c in l.chars() {
            let g = if clean.contains(&c) || (c.is_ascii() && !ascii) {
                None
            } else {
                code(c)
            };
            let printable = |g: char| !g.is_ascii() || (c.is_ascii() && (g as u32) < 0x20);
            match g {
                Some(g) if truth.get(&g).is_none_or(|t| *t == c) && printable(g) => {
                    truth.insert(g, c);
                    garbled_chars += 1;
                    logical.push(g);
                }
                _ => logical.push(c),
            }
        }
        if k % 40 == 39 {
            out.push('\u{c}');
        }
        out.push_str(&bidi::forward(&logical));
        out.push('\n');
    }
    let mut multi: HashMap<char, Vec<char>> = HashMap::new();
    if nfc {
        out = out.nfc().collect();
        for (g, c) in truth {
            let n: Vec<char> = g.to_string().nfc().collect();
            if let [n] = n[..] {
                multi.entry(n).or_default().push(c);
            }
        }
    } else {
        multi = truth.into_iter().map(|(g, c)| (g, vec![c])).collect();
    }
    Doc {
        text: out,
        truth: multi,
        garbled_chars,
    }
}

#[derive(Default, Clone)]
struct Tally {
    garbled: usize,
    right: usize,
    wrong: usize,
    /// Characters of spans with confidence ≥ 0.9, and the right ones among them.
    conf_chars: usize,
    conf_right: usize,
    spans: usize,
    learned_right: usize,
    learned_wrong: usize,
}

/// Reads span rows written by `--spans` into labelled evidence.
fn read_spans(path: &str) -> anyhow::Result<Vec<(SpanEvidence, bool)>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for l in text.lines().filter(|l| !l.starts_with("font\t")) {
        let f: Vec<&str> = l.split('\t').collect();
        if f.len() < 13 {
            continue;
        }
        let kind = match f[3] {
            "table" => SpanKind::Table,
            "residual" => SpanKind::Residual,
            "learned" => SpanKind::Learned,
            _ => continue,
        };
        out.push((
            SpanEvidence {
                kind,
                chars: f[4].parse()?,
                gain: f[5].parse()?,
                rule_confidence: f[6].parse()?,
                occurrences: f[7].parse().ok(),
                ordered: f[8].parse::<u8>().ok().map(|x| x == 1),
                order_share: f[9].parse().ok(),
                doc_logprob: f[10].parse().ok(),
                support: f.get(16).and_then(|x| x.parse().ok()),
            },
            f[12] == "1",
        ));
    }
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--fit-calibration") {
        // `--about TEXT`: what the spans files hold (fonts' documents), for the header.
        let mut files: Vec<String> = args[1..].to_vec();
        let about = match files.iter().position(|a| a == "--about") {
            Some(k) if k + 1 < files.len() => {
                let v = files.remove(k + 1);
                files.remove(k);
                v
            }
            _ => "the unseen-font benchmark's tuning fonts and the shipped tables' own fonts, \
                  documents 0..2 of the held-out text (manpages-ja)"
                .to_string(),
        };
        // Each file is a set: the threshold must hold in every one (Calibration::fit_sets).
        let mut sets = Vec::new();
        // Per file: its name, spans read, and the fonts in it (the spans' first column).
        let mut listing = Vec::new();
        for p in &files {
            let s = read_spans(p)?;
            let mut fonts: Vec<String> = std::fs::read_to_string(p)?
                .lines()
                .skip(1)
                .filter_map(|l| l.split('\t').next().map(str::to_string))
                .collect();
            fonts.sort();
            fonts.dedup();
            let name = std::path::Path::new(p)
                .file_name()
                .map_or(p.clone(), |n| n.to_string_lossy().into_owned());
            listing.push(format!("{name}: {} spans; {}", s.len(), fonts.join(" ")));
            sets.push(s);
        }
        let total: usize = sets.iter().map(Vec::len).sum();
        let names: Vec<&str> = listing
            .iter()
            .map(|l| l.split(':').next().unwrap_or(l))
            .collect();
        let header = format!(
            "The confidence calibration of `repair` (src/repair/calibrate.rs). Derived, not typed:\n\
             written by `cargo run --example unseen_fonts -- --fit-calibration {}` (scripts/unseen_fonts.sh)\n\
             from {} labelled spans, every learned reading applied (--learn-all): {about}.\n\
             Spans files and the fonts in them (the learned readings' threshold holds in each):\n  {}\n\
             Evaluated on other fonts and documents (docs/performance.md). Columns: stratum\n\
             (kind:length class), lowest raw score of the step, spans and right spans in it,\n\
             probability (right + 1) / (spans + 2).",
            names.join(" "),
            total,
            listing.join("\n  ")
        );
        let sets: Vec<&[(SpanEvidence, bool)]> = sets.iter().map(Vec::as_slice).collect();
        print!("{}", Calibration::fit_sets(&sets, &header));
        return Ok(());
    }
    let mut take_opt = |name: &str| -> Option<String> {
        let k = args.iter().position(|a| a == name)?;
        let v = args.get(k + 1).cloned();
        args.drain(k..(k + 2).min(args.len()));
        v
    };
    let spans_path = take_opt("--spans");
    let docs_range = take_opt("--docs").unwrap_or_else(|| "0..4".into());
    let variants_opt = take_opt("--variants");
    let min_support: Option<u32> = take_opt("--min-learned-support")
        .map(|v| v.parse())
        .transpose()?;
    let mut flag = |name: &str| -> bool {
        let k = args.iter().position(|a| a == name);
        if let Some(k) = k {
            args.remove(k);
        }
        k.is_some()
    };
    let learn_all = flag("--learn-all");
    let no_learn = flag("--no-learn");
    let mut spans_out = match &spans_path {
        Some(p) => Some(std::fs::File::create(p)?),
        None => None,
    };
    if let Some(f) = spans_out.as_mut() {
        writeln!(
            f,
            "font\tvariant\ttable\tkind\tchars\tgain\trule_confidence\toccurrences\tordered\torder_share\tdoc_logprob\tconfidence\tright\tbefore\tafter\twant\tsupport"
        )?;
    }
    let (d0, d1) = docs_range
        .split_once("..")
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
        .ok_or_else(|| anyhow::anyhow!("--docs A..B"))?;
    let variants: Vec<String> = match variants_opt {
        Some(v) => v.split(',').map(str::to_string).collect(),
        None => VARIANTS.iter().map(|s| s.to_string()).collect(),
    };
    let Some(text_path) = args.first() else {
        anyhow::bail!("usage: unseen_fonts [OPTIONS] TEXT FONT...");
    };
    let text = std::fs::read_to_string(text_path)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let docs: Vec<&[&str]> = lines.chunks(DOC_LINES).skip(d0).take(d1 - d0).collect();
    if docs.len() < d1 - d0 {
        anyhow::bail!("{text_path}: only {} documents", lines.len() / DOC_LINES);
    }
    let builtin = TableSet::builtin()?;
    let lm = CharLm::builtin();
    println!(
        "font\tvariant\tgarbled\tright\twrong\tunresolved\twrong_share\tconf>=0.9_chars\tconf>=0.9_precision\tspans\tlearned_right\tlearned_wrong"
    );
    // Reliability: per confidence decile, spans, right spans, summed confidence.
    let mut buckets = [(0usize, 0usize, 0.0f64); 10];
    let mut total = Tally::default();
    for font_path in &args[1..] {
        // (test font name, its table, the tables repair may use)
        let (name, table, set) = if let Some(t) = font_path.strip_prefix("table:") {
            let table = builtin
                .get(t)
                .ok_or_else(|| anyhow::anyhow!("no shipped table {t}"))?
                .clone();
            let set = TableSet {
                tables: builtin.text_tables().cloned().collect(),
            };
            (format!("table:{t}"), table, set)
        } else {
            let data = std::fs::read(font_path)?;
            let faces = glyphmend::learn::font_file::faces(&data)?;
            let Some((index, ps)) = faces.first() else {
                anyhow::bail!("{font_path}: no face");
            };
            let table =
                glyphmend::learn::font_file::table_from_font(&data, *index, font_path, None, None)?;
            // The test font's own table is left out (matched by BaseFont).
            let set = TableSet {
                tables: builtin
                    .text_tables()
                    .filter(|t| !t.basefonts.contains(ps))
                    .cloned()
                    .collect(),
            };
            (table.name.clone(), table, set)
        };
        let mut repairer = Repairer::new(&set, lm);
        repairer.options.learn = !no_learn;
        if let Some(n) = min_support {
            repairer.options.min_learned_support = n;
        }
        if learn_all {
            repairer.options.min_learned_confidence = 0.0;
            repairer.options.min_learned_support = 0;
        }
        let mut inverse: HashMap<char, u32> = HashMap::new();
        for (g, c) in table.entries() {
            inverse.entry(c).or_insert(g);
        }
        for variant in &variants {
            let mut tally = Tally::default();
            for (d, doc_lines) in docs.iter().enumerate() {
                let seed = 0xD0C0 + (d0 + d) as u64;
                let real = |c: char| inverse.get(&c).and_then(|&g| char::from_u32(g));
                let doc = match variant.as_str() {
                    "font" => garble(doc_lines, seed, &real, false, false),
                    "nfc" => garble(doc_lines, seed, &real, false, true),
                    "ascii" => garble(doc_lines, seed, &real, true, false),
                    "permuted" => {
                        let mut gids: Vec<u32> = inverse.values().copied().collect();
                        gids.sort_unstable();
                        let mut chars: Vec<char> = inverse.keys().copied().collect();
                        chars.sort_unstable();
                        let mut st = seed ^ 0x5151;
                        for i in (1..gids.len()).rev() {
                            let j = (splitmix(&mut st) % (i as u64 + 1)) as usize;
                            gids.swap(i, j);
                        }
                        let m: HashMap<char, u32> = chars.into_iter().zip(gids).collect();
                        garble(
                            doc_lines,
                            seed,
                            &|c| m.get(&c).and_then(|&g| char::from_u32(g)),
                            false,
                            false,
                        )
                    }
                    "frequency" => {
                        let mut order: HashMap<char, u32> = HashMap::new();
                        for c in doc_lines.iter().flat_map(|l| l.chars()) {
                            if !c.is_ascii() && inverse.contains_key(&c) {
                                let n = order.len() as u32;
                                order.entry(c).or_insert(0x0E00 + n);
                            }
                        }
                        garble(
                            doc_lines,
                            seed,
                            &|c| order.get(&c).and_then(|&g| char::from_u32(g)),
                            false,
                            false,
                        )
                    }
                    v => anyhow::bail!("unknown variant {v}"),
                };
                let result = repairer.repair_text(&doc.text);
                if std::env::var_os("UNSEEN_VERBOSE").is_some() {
                    let mut m = repairer.document();
                    m.observe(&doc.text);
                    for v in repairer.verdicts(&m).iter().filter(|v| v.wins) {
                        eprintln!("{name} {variant} doc {d}: {v:?}");
                    }
                }
                tally.garbled += doc.garbled_chars;
                for s in result.spans() {
                    let wants: Vec<&[char]> = s
                        .before
                        .chars()
                        .map(|c| doc.truth.get(&c).map_or(&[][..], |v| &v[..]))
                        .collect();
                    let got: Vec<char> = s.after.chars().collect();
                    let n = wants.len();
                    // A character kept as it was where it was no garbling is right too.
                    let right_chars = if got.len() == n {
                        s.before
                            .chars()
                            .zip(&wants)
                            .zip(&got)
                            .filter(|((b, w), g)| w.contains(g) || (w.is_empty() && b == *g))
                            .count()
                    } else {
                        0
                    };
                    let learned = s.evidence.is_some_and(|e| e.kind == SpanKind::Learned);
                    tally.right += right_chars;
                    tally.wrong += n - right_chars;
                    if learned {
                        tally.learned_right += right_chars;
                        tally.learned_wrong += n - right_chars;
                    }
                    tally.spans += 1;
                    let ok = right_chars == n;
                    if s.confidence >= 0.9 {
                        tally.conf_chars += n;
                        tally.conf_right += right_chars;
                    }
                    let b = ((s.confidence * 10.0) as usize).min(9);
                    buckets[b].0 += 1;
                    buckets[b].1 += usize::from(ok);
                    buckets[b].2 += s.confidence as f64;
                    if let (Some(f), Some(e)) = (spans_out.as_mut(), s.evidence) {
                        writeln!(
                            f,
                            "{name}\t{variant}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                            s.table,
                            e.kind.as_str(),
                            e.chars,
                            e.gain,
                            e.rule_confidence,
                            e.occurrences.map_or("-".into(), |n| n.to_string()),
                            e.ordered.map_or("-".into(), |o| u8::from(o).to_string()),
                            e.order_share.map_or("-".into(), |x| format!("{x:.3}")),
                            e.doc_logprob.map_or("-".into(), |x| format!("{x:.3}")),
                            s.confidence,
                            u8::from(ok),
                            s.before.escape_debug(),
                            s.after.escape_debug(),
                            wants
                                .iter()
                                .map(|w| w.first().copied().unwrap_or('?'))
                                .collect::<String>()
                                .escape_debug(),
                            e.support.map_or("-".into(), |n| n.to_string()),
                        )?;
                    }
                }
            }
            let unresolved = tally.garbled.saturating_sub(tally.right + tally.wrong);
            println!(
                "{name}\t{variant}\t{}\t{}\t{}\t{}\t{:.4}\t{}\t{}\t{}\t{}\t{}",
                tally.garbled,
                tally.right,
                tally.wrong,
                unresolved,
                tally.wrong as f64 / tally.garbled.max(1) as f64,
                tally.conf_chars,
                if tally.conf_chars == 0 {
                    "-".to_string()
                } else {
                    format!("{:.4}", tally.conf_right as f64 / tally.conf_chars as f64)
                },
                tally.spans,
                tally.learned_right,
                tally.learned_wrong
            );
            total.garbled += tally.garbled;
            total.right += tally.right;
            total.wrong += tally.wrong;
            total.conf_chars += tally.conf_chars;
            total.conf_right += tally.conf_right;
            total.spans += tally.spans;
            total.learned_right += tally.learned_right;
            total.learned_wrong += tally.learned_wrong;
        }
    }
    println!(
        "\nall\t-\t{}\t{}\t{}\t{}\t{:.4}\t{}\t{}\t{}\t{}\t{}",
        total.garbled,
        total.right,
        total.wrong,
        total.garbled.saturating_sub(total.right + total.wrong),
        total.wrong as f64 / total.garbled.max(1) as f64,
        total.conf_chars,
        if total.conf_chars == 0 {
            "-".to_string()
        } else {
            format!("{:.4}", total.conf_right as f64 / total.conf_chars as f64)
        },
        total.spans,
        total.learned_right,
        total.learned_wrong
    );
    println!("\nbucket\tspans\tpredicted\tobserved");
    let mut err = 0.0;
    let mut used = 0;
    for (b, (n, ok, sum)) in buckets.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let pred = sum / *n as f64;
        let obs = *ok as f64 / *n as f64;
        err += (pred - obs).abs();
        used += 1;
        println!(
            "{:.1}-{:.1}\t{n}\t{pred:.3}\t{obs:.3}",
            b as f64 / 10.0,
            (b + 1) as f64 / 10.0
        );
    }
    if used > 0 {
        println!(
            "calibration error (mean |predicted - observed| over buckets): {:.3}",
            err / used as f64
        );
    }
    Ok(())
}
