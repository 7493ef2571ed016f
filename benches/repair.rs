//! Repair throughput: clean Japanese text (the fast path), the mixed seed sample, text made
//! only of garbled lines (distinct, and repeated: real sheets repeat lines and a document's
//! distinct lines are repaired once), the byte scanner alone, and table lookups.
//! Inputs are the seed fixtures (repeated to a fixed size where noted).
//! LM scoring is in `benches/lm.rs`. PDF ingest + repair per page on the shared PDFs
//! (`../shared/corpus/pdf`, skipped when absent).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use glyphmend::lm::CharLm;
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;
use std::hint::black_box;
use std::path::Path;

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed")
        .join(name);
    std::fs::read_to_string(p).expect("seed fixture")
}

fn repeat_to(s: &str, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + s.len());
    while out.len() < bytes {
        out.push_str(s);
        out.push('\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let tables = TableSet::builtin().expect("tables");
    let lm = CharLm::builtin();
    let repairer = Repairer::new(&tables, lm);
    let clean = repeat_to(&(fixture("dev-b.txt") + &fixture("dev-c.txt")), 8 << 20);
    let mixed = fixture("dev-a.txt");
    let truth = fixture("dev-a.truth.txt");
    let garbled = glyphmend::eval::differing_lines(&mixed, &truth);

    let mut g = c.benchmark_group("repair");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("clean_8MiB", |b| {
        b.iter(|| black_box(repairer.repair_text(black_box(&clean))))
    });
    g.throughput(Throughput::Bytes(mixed.len() as u64));
    g.bench_function("seed_dev_a_mixed", |b| {
        b.iter(|| black_box(repairer.repair_text(black_box(&mixed))))
    });
    g.throughput(Throughput::Bytes(garbled.len() as u64));
    g.bench_function("seed_garbled_lines_only", |b| {
        b.iter(|| black_box(repairer.repair_text(black_box(&garbled))))
    });
    let garbled_x50 = garbled.repeat(50);
    g.throughput(Throughput::Bytes(garbled_x50.len() as u64));
    g.bench_function("seed_garbled_lines_repeated_x50", |b| {
        b.iter(|| black_box(repairer.repair_text(black_box(&garbled_x50))))
    });
    let mixed_x20 = repeat_to(&mixed, 20 * mixed.len());
    g.throughput(Throughput::Bytes(mixed_x20.len() as u64));
    g.bench_function("seed_dev_a_mixed_repeated_x20", |b| {
        b.iter(|| black_box(repairer.repair_text(black_box(&mixed_x20))))
    });
    g.finish();

    let mut g = c.benchmark_group("detect");
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("scan_clean_8MiB", |b| {
        b.iter(|| black_box(glyphmend::detect::scan::first_strong(black_box(&clean), 0)))
    });
    g.finish();

    let a = tables.get("A").expect("table A");
    c.bench_function("table_lookup_1k", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for g in 0x0B00u32..0x0F00 {
                if let Some(ch) = a.get(black_box(g)) {
                    n = n.wrapping_add(ch as u32);
                }
            }
            black_box(n)
        })
    });
}

/// PDF ingest + repair, per page: the shared generated PDFs (each extracted, then every
/// page's text repaired, as `batch` does). Skipped when `../shared` is absent.
fn bench_pdf(c: &mut Criterion) {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pdf");
    let mut files: Vec<(String, Vec<u8>)> = match std::fs::read_dir(&shared) {
        Ok(dir) => dir
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .filter_map(|p| {
                Some((
                    p.file_name()?.to_string_lossy().into_owned(),
                    std::fs::read(&p).ok()?,
                ))
            })
            .collect(),
        Err(_) => {
            eprintln!("no ../shared/corpus/pdf: PDF bench skipped");
            return;
        }
    };
    files.sort();
    let tables = TableSet::builtin().expect("tables");
    let repairer = Repairer::new(&tables, CharLm::builtin());
    let opts = glyphmend::ingest::ExtractOptions::default();
    let pages: usize = files
        .iter()
        .filter_map(|(name, b)| glyphmend::ingest::extract_bytes(b, name, &opts).ok())
        .map(|d| d.pages.len())
        .sum();
    let mut g = c.benchmark_group("pdf");
    g.sample_size(10);
    g.throughput(Throughput::Elements(pages as u64)); // per page
    g.bench_function(format!("ingest_repair_shared_{}_files", files.len()), |b| {
        b.iter(|| {
            for (name, bytes) in &files {
                if let Ok(doc) = glyphmend::ingest::extract_bytes(black_box(bytes), name, &opts) {
                    for p in &doc.pages {
                        black_box(repairer.repair_text(&p.text()));
                    }
                }
            }
        })
    });
    g.bench_function(format!("ingest_only_shared_{}_files", files.len()), |b| {
        b.iter(|| {
            for (name, bytes) in &files {
                black_box(glyphmend::ingest::extract_bytes(black_box(bytes), name, &opts).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_pdf);
criterion_main!(benches);
