//! Speed of the character LM: one `log_prob` call on the shipped model, and the adaptive
//! wrapper. Cycles through a held-out text so the lookups hit realistic n-grams.

use criterion::{Criterion, criterion_group, criterion_main};
use glyphmend::lm::{AdaptiveLm, CharLm, Scorer};
use std::hint::black_box;

fn bench_lm(c: &mut Criterion) {
    let text: Vec<char> = include_str!("../tests/fixtures/clean_ja_heldout.txt")
        .replace('\n', "")
        .chars()
        .collect();
    let lm = CharLm::builtin();
    let mut i = 3usize;
    c.bench_function("CharLm::log_prob", |b| {
        b.iter(|| {
            i = if i + 1 >= text.len() { 3 } else { i + 1 };
            black_box(lm.log_prob(black_box(&text[i - 3..i]), black_box(text[i])))
        })
    });
    let garbled: Vec<char> = "ᨭ᥼ࡢ㹌㹎㹍ᅋ".chars().collect();
    let mut j = 0usize;
    c.bench_function("CharLm::log_prob mojibake", |b| {
        b.iter(|| {
            j = (j + 1) % garbled.len();
            black_box(lm.log_prob(black_box(&text[100..103]), black_box(garbled[j])))
        })
    });
    let mut ad = AdaptiveLm::new(lm);
    ad.observe(&text[..text.len() / 2].iter().collect::<String>());
    let mut k = 3usize;
    c.bench_function("AdaptiveLm::log_prob", |b| {
        b.iter(|| {
            k = if k + 1 >= text.len() { 3 } else { k + 1 };
            black_box(ad.log_prob(black_box(&text[k - 3..k]), black_box(text[k])))
        })
    });
}

criterion_group!(benches, bench_lm);
criterion_main!(benches);
