//! The decipherment benchmark (a research aid, formerly `glyphmend learn --simulate`): clean
//! text garbled with a random glyph permutation (or a font in a repertoire's order) is
//! learned back from the garbled text alone; one line per corpus size with the share of
//! glyphs and garbled characters recovered, and the precision of the confident ones.
//!
//!     scripts/heldout_text.sh /tmp/heldout.txt
//!     cargo run --release --example decipher_simulation -- /tmp/heldout.txt \
//!         --sizes 4000,40000,400000 --seed 11 --clean-share 0.3 [--simulate-order jis0208]
//!
//! Options: `--sizes N,…` corpus sizes in characters (default 10000,100000,1000000; each
//! size uses seed + size); `--seed N` (default 1); `--clean-share X` share of character
//! types left clean, as a partial ToUnicode would (default 0.3); `--simulate-order NAME`
//! garbles with a font in that repertoire's order (`jis0208`, `adobe-japan1`; glyph ID =
//! rank + 0x900) instead of a random permutation; `--no-order-fit` learns by pure
//! one-to-one assignment. See `glyphmend::learn::simulate` for the figures measured.

use anyhow::{Context, bail};
use glyphmend::learn::{decipher, simulate};

/// Glyph ID of rank 0 in `--simulate-order` fonts: past the right-to-left blocks, so that
/// no bidi reordering is simulated.
const SIMULATED_ORDER_OFFSET: u32 = 0x900;

/// The command line.
struct Options {
    clean: std::path::PathBuf,
    sizes: Vec<usize>,
    seed: u64,
    clean_share: f64,
    simulate_order: Option<String>,
    no_order_fit: bool,
}

fn options() -> anyhow::Result<Options> {
    let mut o = Options {
        clean: Default::default(),
        sizes: vec![10_000, 100_000, 1_000_000],
        seed: 1,
        clean_share: 0.3,
        simulate_order: None,
        no_order_fit: false,
    };
    let mut clean = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--sizes" => {
                o.sizes = value()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .context("--sizes: comma-separated numbers")?
            }
            "--seed" => o.seed = value()?.parse().context("--seed")?,
            "--clean-share" => o.clean_share = value()?.parse().context("--clean-share")?,
            "--simulate-order" => o.simulate_order = Some(value()?),
            "--no-order-fit" => o.no_order_fit = true,
            s if s.starts_with("--") => bail!("unknown option {s}"),
            _ => clean = Some(std::path::PathBuf::from(&a)),
        }
    }
    o.clean = clean.context("usage: decipher_simulation CLEAN.txt [--sizes N,…] [--seed N] [--clean-share X] [--simulate-order NAME] [--no-order-fit]")?;
    Ok(o)
}

fn main() -> anyhow::Result<()> {
    let a = options()?;
    let clean = &a.clean;
    let text =
        std::fs::read_to_string(clean).with_context(|| format!("reading {}", clean.display()))?;
    let lm = glyphmend::lm::CharLm::builtin();
    println!(
        "size_chars\tclean_share\tglyphs\tglyphs_right\tglyph_share\tgarbled_chars\tchar_share\tconfident_chars\tconfident_precision\tseconds"
    );
    for &size in &a.sizes {
        let part = simulate::prefix(&text, size);
        let seed = a.seed.wrapping_add(size as u64);
        let g = match &a.simulate_order {
            Some(name) => {
                let rep = glyphmend::tables::repertoire::Repertoire::by_name(name)?;
                simulate::garble_ordered(part, rep, SIMULATED_ORDER_OFFSET, seed, a.clean_share)
            }
            None => simulate::garble(part, seed, a.clean_share),
        };
        let started = std::time::Instant::now();
        let learned = decipher::learn(
            "sim",
            &[decipher::Source {
                name: "sim".into(),
                text: g.text.clone(),
            }],
            lm,
            &decipher::Options {
                order_fit: !a.no_order_fit,
                ..Default::default()
            },
        )?;
        let secs = started.elapsed().as_secs_f64();
        for h in &learned.hypotheses {
            eprintln!("  order fit: {h}");
        }
        let r = simulate::recovery(&g, &learned);
        println!(
            "{}\t{:.3}\t{}\t{}\t{:.4}\t{}\t{:.4}\t{}\t{:.4}\t{:.1}",
            part.chars().count(),
            g.clean_share,
            r.glyphs,
            r.glyphs_right,
            r.glyph_share(),
            r.tokens,
            r.token_share(),
            r.tokens_confident,
            r.confident_precision(),
            secs
        );
    }
    Ok(())
}
