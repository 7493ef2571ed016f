//! `glyphmend lm`: build the character language model, score text with it, evaluate it.
//! (The lookalike-margin measurement is a research aid: `examples/lm_lookalike.rs`.)

use anyhow::{Context, bail};
use glyphmend::lm::{AdaptiveLm, CharLm, LmBuilder, Scorer};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Build a model from running text and word lists.
    Build {
        /// Output model file.
        #[arg(long)]
        out: PathBuf,
        /// n-gram order.
        #[arg(long, default_value_t = 4)]
        order: usize,
        /// Drop n-grams (order ≥ 2) whose weighted count is below this.
        #[arg(long, default_value_t = 2.0)]
        min_count: f64,
        /// Scale of the Witten-Bell backoff mass T(h) (1 = classic Witten-Bell).
        #[arg(long, default_value_t = 1.0)]
        backoff_scale: f64,
        /// Running text, one sentence per line: FILE or FILE=WEIGHT.
        #[arg(long)]
        text: Vec<String>,
        /// Word list, `word<TAB>count` per line: FILE or FILE=WEIGHT (multiplies counts).
        #[arg(long)]
        words: Vec<String>,
    },
    /// Print per-character log10 probabilities of TEXT.
    Score {
        text: String,
        /// Model file (default: the built-in model).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Mean log10 probability per character of a text file (one line per sentence).
    Eval {
        file: PathBuf,
        #[arg(long)]
        model: Option<PathBuf>,
        /// Also adapt to the first half of the file and evaluate the second half.
        #[arg(long)]
        adaptive: bool,
        /// Maximum cache weight of the adaptive model.
        #[arg(long, default_value_t = AdaptiveLm::MAX_CACHE_WEIGHT)]
        cache_weight: f32,
        /// Characters observed at which the cache weight reaches half its maximum.
        #[arg(long, default_value_t = AdaptiveLm::HALF_WEIGHT_CHARS)]
        half_weight_chars: f32,
    },
}

fn split_weight(spec: &str) -> anyhow::Result<(PathBuf, f64)> {
    match spec.rsplit_once('=') {
        Some((file, w)) => {
            let w: f64 = w
                .parse()
                .with_context(|| format!("bad weight in `{spec}`"))?;
            Ok((PathBuf::from(file), w))
        }
        None => Ok((PathBuf::from(spec), 1.0)),
    }
}

fn load_model(model: &Option<PathBuf>) -> anyhow::Result<std::borrow::Cow<'static, CharLm>> {
    Ok(match model {
        Some(p) => {
            let b = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            std::borrow::Cow::Owned(
                CharLm::from_bytes(&b).with_context(|| format!("loading {}", p.display()))?,
            )
        }
        None => std::borrow::Cow::Borrowed(CharLm::builtin()),
    })
}

fn mean_log_prob(s: &dyn Scorer, lines: &[&str]) -> (f64, usize) {
    let mut total = 0.0f64;
    let mut n = 0usize;
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        total += s.score_text(&chars) as f64;
        n += chars.len();
    }
    (total / n.max(1) as f64, n)
}

// Long: one arm per `lm` subcommand, each a few lines.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Build {
            out,
            order,
            min_count,
            backoff_scale,
            text,
            words,
        } => {
            if !(1..=glyphmend::lm::MAX_ORDER).contains(&order) {
                bail!("--order must be 1..={}", glyphmend::lm::MAX_ORDER);
            }
            if text.is_empty() && words.is_empty() {
                bail!("nothing to build from: give --text and/or --words");
            }
            let t0 = Instant::now();
            let mut b = LmBuilder::new(order);
            b.backoff_scale = backoff_scale;
            for spec in &text {
                let (file, w) = split_weight(spec)?;
                let s = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                b.add_text(&s, w);
                eprintln!("text  {} ×{w}", file.display());
            }
            for spec in &words {
                let (file, w) = split_weight(spec)?;
                let s = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let mut n = 0usize;
                for (i, line) in s.lines().enumerate() {
                    let Some((word, count)) = line.split_once('\t') else {
                        bail!("{}:{}: expected word<TAB>count", file.display(), i + 1);
                    };
                    let count: f64 = count
                        .trim()
                        .parse()
                        .with_context(|| format!("{}:{}: bad count", file.display(), i + 1))?;
                    b.add_word(word, count * w);
                    n += 1;
                }
                eprintln!("words {} ×{w}: {n} entries", file.display());
            }
            let counted = t0.elapsed();
            let (lm, stats) = b.build_with_stats(order, min_count);
            let bytes = lm.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "order {order}, min count {min_count}: kept n-grams per order {:?}, {} entries, \
                 {} bytes, {:.0} weighted chars; counting {:.1}s, total {:.1}s",
                stats.ngrams_per_order,
                stats.entries,
                bytes.len(),
                b.total_chars,
                counted.as_secs_f64(),
                t0.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Action::Score { text, model } => {
            let lm = load_model(&model)?;
            let chars: Vec<char> = text.chars().collect();
            let mut total = 0.0f32;
            for i in 0..chars.len() {
                let lp = lm.log_prob(&chars[..i], chars[i]);
                total += lp;
                println!("U+{:04X}\t{}\t{lp:.3}", chars[i] as u32, chars[i]);
            }
            println!(
                "total\t{total:.3}\tper char {:.3}",
                total / chars.len().max(1) as f32
            );
            Ok(ExitCode::SUCCESS)
        }
        Action::Eval {
            file,
            model,
            adaptive,
            cache_weight,
            half_weight_chars,
        } => {
            let lm = load_model(&model)?;
            let s = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let lines: Vec<&str> = s.lines().filter(|l| !l.is_empty()).collect();
            let (mean, n) = mean_log_prob(lm.as_ref(), &lines);
            println!(
                "{}: {n} chars, mean log10 p per char {mean:.4}",
                file.display()
            );
            if adaptive {
                let half = lines.len() / 2;
                let (first, second) = lines.split_at(half);
                let (base2, n2) = mean_log_prob(lm.as_ref(), second);
                let mut ad = AdaptiveLm::with_weights(lm.as_ref(), cache_weight, half_weight_chars);
                ad.observe(&first.join("\n"));
                let (ad2, _) = mean_log_prob(&ad, second);
                println!(
                    "second half ({n2} chars): base {base2:.4}, adapted to first half {ad2:.4}"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
