//! How well real characters beat lookalike garbles in context (a research aid for tuning the
//! language model, formerly `glyphmend lm lookalike`): for every occurrence in FILE of the
//! true character of a TRUE=GARBLED pair, Δ = score_span(true) − score_span(garbled); prints
//! the mean and median Δ and the shares above 0, 1, 2 and 3.
//!
//!     cargo run --release --example lm_lookalike -- HELDOUT.txt [--model FILE.lm] [--pairs 観=ほ,要=せ]
//!
//! Without `--model`, the shipped model; without `--pairs`, 23 pairs of kanji and the kana
//! or symbols that glyph-ID garbling turns them into.

use anyhow::{Context, bail};
use glyphmend::lm::{CharLm, score_span};
use std::borrow::Cow;

const DEFAULT_PAIRS: &str = "観=ほ,要=せ,託=ク,設=タ,解=ゎ,話=ヰ,見=ぢ,規=つ,視=ど,親=ぶ,言=ゝ,計=ィ,記=グ,許=チ,訳=ヂ,証=ド,評=ホ,試=ヨ,該=ヱ,詳=ヲ,西=す,製=〇,複=」";

fn main() -> anyhow::Result<()> {
    let (mut file, mut model, mut pairs) = (None, None, DEFAULT_PAIRS.to_string());
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = Some(args.next().context("--model needs a file")?),
            "--pairs" => pairs = args.next().context("--pairs needs TRUE=GARBLED,…")?,
            s if s.starts_with("--") => bail!("unknown option {s}"),
            _ => file = Some(std::path::PathBuf::from(&a)),
        }
    }
    let file =
        file.context("usage: lm_lookalike FILE [--model FILE.lm] [--pairs TRUE=GARBLED,…]")?;
    let lm: Cow<'static, CharLm> = match &model {
        Some(p) => {
            let b = std::fs::read(p).with_context(|| format!("reading {p}"))?;
            Cow::Owned(CharLm::from_bytes(&b).with_context(|| format!("loading {p}"))?)
        }
        None => Cow::Borrowed(CharLm::builtin()),
    };
    let mut map = std::collections::HashMap::new();
    for p in pairs.split(',') {
        let mut it = p.split('=').map(|x| x.chars().collect::<Vec<char>>());
        match (it.next().as_deref(), it.next().as_deref()) {
            (Some(&[t]), Some(&[g])) => {
                map.insert(t, g);
            }
            _ => bail!("bad pair `{p}`: expected TRUE=GARBLED, one char each"),
        }
    }
    let s =
        std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
    let mut deltas = Vec::new();
    for line in s.lines() {
        let chars: Vec<char> = line.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if let Some(&g) = map.get(c) {
                let (left, right) = (&chars[..i], &chars[i + 1..]);
                let t = score_span(lm.as_ref(), left, &[*c], right);
                let b = score_span(lm.as_ref(), left, &[g], right);
                deltas.push(t - b);
            }
        }
    }
    let n = deltas.len().max(1) as f32;
    deltas.sort_by(f32::total_cmp);
    let frac = |x: f32| deltas.iter().filter(|&&d| d > x).count() as f32 / n;
    println!(
        "{} occurrences: mean Δ {:.3}, median {:.3}, Δ>0 {:.4}, Δ>1 {:.4}, Δ>2 {:.4}, Δ>3 {:.4}",
        deltas.len(),
        deltas.iter().sum::<f32>() / n,
        deltas.get(deltas.len() / 2).copied().unwrap_or(0.0),
        frac(0.0),
        frac(1.0),
        frac(2.0),
        frac(3.0)
    );
    Ok(())
}
