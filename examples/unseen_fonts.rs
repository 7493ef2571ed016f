//! The unseen-font benchmark (issue 14): held-out clean Japanese garbled through real
//! fonts' glyph IDs, the way extractors print them, repaired with the shipped tables
//! minus the test font's own; reports, per font and variant, how many garbled characters
//! came back right, wrong or unresolved, the precision of spans printed with confidence
//! ≥ 0.9, and reliability per confidence bucket.
//!
//!     scripts/unseen_fonts.sh            # installs the fonts, builds the held-out text
//!     cargo run --example unseen_fonts -- TEXT FONT...
//!
//! Garbling (per document of `DOC_LINES` lines): every character the font's cmap covers
//! becomes its glyph ID printed as a code point (IDs below 0x20 are controls, as
//! extractors print them); ASCII stays (drawn in a Latin font); `CLEAN_SHARE` of the
//! character types stay clean (a partial ToUnicode); pdftotext's page break (form feed)
//! starts every 40th line; lines are then shown as a bidi-aware extractor shows them
//! (`repair::bidi::forward`). Variants: `font` (its real glyph IDs), `permuted` (the same
//! glyph IDs shuffled over its characters), `frequency` (a subset numbered by first use
//! from 0x0E00, as some producers renumber).
//!
//! Output: one TSV row per font × variant on stdout (columns in the header), then the
//! reliability table of all spans; `--spans FILE` writes every span (confidence, right)
//! for calibration fitting.

use glyphmend::lm::CharLm;
use glyphmend::repair::{Repairer, bidi};
use glyphmend::tables::TableSet;
use std::collections::HashMap;
use std::io::Write;

const DOC_LINES: usize = 150;
const CLEAN_SHARE: f64 = 0.1;

/// SplitMix64.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A document garbled: its text and garbled code point → true character.
struct Doc {
    text: String,
    truth: HashMap<char, char>,
    garbled_chars: usize,
}

/// Garbles `lines` through `code` (char → printed glyph code point, None = stays).
fn garble(lines: &[&str], seed: u64, code: &dyn Fn(char) -> Option<char>) -> Doc {
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
    let mut truth = HashMap::new();
    let mut garbled_chars = 0;
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        let mut logical = String::new();
        for c in l.chars() {
            let g = if c.is_ascii() || clean.contains(&c) {
                None
            } else {
                code(c)
            };
            match g {
                Some(g) if truth.get(&g).is_none_or(|t| *t == c) && !g.is_ascii() => {
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
    Doc {
        text: out,
        truth,
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
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut spans_out: Option<std::fs::File> = None;
    if let Some(k) = args.iter().position(|a| a == "--spans") {
        let path = args.get(k + 1).cloned().unwrap_or_default();
        spans_out = Some(std::fs::File::create(&path)?);
        args.drain(k..=k + 1);
    }
    let Some(text_path) = args.first() else {
        anyhow::bail!("usage: unseen_fonts [--spans FILE] TEXT FONT...");
    };
    let text = std::fs::read_to_string(text_path)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let docs: Vec<&[&str]> = lines.chunks(DOC_LINES).take(4).collect();
    let builtin = TableSet::builtin()?;
    let lm = CharLm::builtin();
    println!(
        "font\tvariant\tgarbled\tright\twrong\tunresolved\twrong_share\tconf>=0.9_chars\tconf>=0.9_precision\tspans"
    );
    // Reliability: per confidence decile, spans and right spans.
    let mut buckets = [(0usize, 0usize, 0.0f64); 10];
    for font_path in &args[1..] {
        let data = std::fs::read(font_path)?;
        let faces = glyphmend::learn::font_file::faces(&data)?;
        for (index, ps) in faces.iter().take(1) {
            let table =
                glyphmend::learn::font_file::table_from_font(&data, *index, font_path, None, None)?;
            // The test font's own table is left out (matched by BaseFont).
            let mut set = TableSet::default();
            for t in builtin.text_tables() {
                if !t.basefonts.contains(ps) {
                    set.tables.push(t.clone());
                }
            }
            let repairer = Repairer::new(&set, lm);
            let mut inverse: HashMap<char, u32> = HashMap::new();
            for (g, c) in table.entries() {
                inverse.entry(c).or_insert(g);
            }
            for variant in ["font", "permuted", "frequency"] {
                let mut tally = Tally::default();
                for (d, doc_lines) in docs.iter().enumerate() {
                    let seed = 0xD0C0 + d as u64;
                    let doc = match variant {
                        "font" => garble(doc_lines, seed, &|c| {
                            inverse.get(&c).and_then(|&g| char::from_u32(g))
                        }),
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
                            garble(doc_lines, seed, &|c| {
                                m.get(&c).and_then(|&g| char::from_u32(g))
                            })
                        }
                        _ => {
                            let mut order: HashMap<char, u32> = HashMap::new();
                            for c in doc_lines.iter().flat_map(|l| l.chars()) {
                                if !c.is_ascii() && inverse.contains_key(&c) {
                                    let n = order.len() as u32;
                                    order.entry(c).or_insert(0x0E00 + n);
                                }
                            }
                            garble(doc_lines, seed, &|c| {
                                order.get(&c).and_then(|&g| char::from_u32(g))
                            })
                        }
                    };
                    let result = repairer.repair_text(&doc.text);
                    if std::env::var_os("UNSEEN_VERBOSE").is_some() {
                        let mut m = repairer.document();
                        m.observe(&doc.text);
                        for v in repairer.verdicts(&m).iter().filter(|v| v.wins) {
                            eprintln!("{} {variant} doc {d}: {v:?}", table.name);
                        }
                    }
                    tally.garbled += doc.garbled_chars;
                    for s in result.spans() {
                        let want: Vec<char> = s
                            .before
                            .chars()
                            .map(|c| doc.truth.get(&c).copied().unwrap_or(c))
                            .collect();
                        let got: Vec<char> = s.after.chars().collect();
                        let n = want.len();
                        let right_chars = if got.len() == n {
                            want.iter().zip(&got).filter(|(a, b)| a == b).count()
                        } else {
                            0
                        };
                        tally.right += right_chars;
                        tally.wrong += n - right_chars;
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
                        if let Some(f) = spans_out.as_mut() {
                            writeln!(
                                f,
                                "{}\t{variant}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                                table.name,
                                s.table,
                                s.confidence,
                                u8::from(ok),
                                n,
                                s.before,
                                s.after,
                                want.iter().collect::<String>()
                            )?;
                        }
                    }
                }
                let unresolved = tally.garbled.saturating_sub(tally.right + tally.wrong);
                println!(
                    "{}\t{variant}\t{}\t{}\t{}\t{}\t{:.4}\t{}\t{}\t{}",
                    table.name,
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
                    tally.spans
                );
            }
        }
    }
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
