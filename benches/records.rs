//! Throughput of `segment::records_from_documents` on the seed sample (about 750 lines).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use glyphmend::segment::{self, SourceInfo};
use std::hint::black_box;
use std::path::Path;

fn seed_records(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed");
    let texts: Vec<(String, SourceInfo)> = [
        "dev-a.truth.txt",
        "dev-b.truth.txt",
        "dev-c.truth.txt",
        "pr_sheet.truth.txt",
    ]
    .iter()
    .filter_map(|f| {
        std::fs::read_to_string(dir.join(f))
            .ok()
            .map(|t| (t, SourceInfo::new(*f)))
    })
    .collect();
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let docs: Vec<(&str, SourceInfo)> =
        texts.iter().map(|(t, s)| (t.as_str(), s.clone())).collect();
    let mut group = c.benchmark_group("records");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("seed_sample", |b| {
        b.iter(|| segment::records_from_documents(black_box(&docs)))
    });
    group.finish();
}

criterion_group!(benches, seed_records);
criterion_main!(benches);
