//! Throughput per CPU-second (not wall time): on a shared, loaded machine wall-clock
//! benchmarks measure the neighbours; process CPU time (from /proc/self/stat, 10 ms ticks,
//! each case runs ≥ 2 s of CPU) measures our own work. Run pinned to one core with one
//! worker thread for per-core figures:
//!
//!     RAYON_NUM_THREADS=1 taskset -c 0 cargo run --release --example throughput
//!
//! Inputs: the seed fixtures (as in `benches/repair.rs`) and, when present,
//! `../shared/corpus/pdf/*.pdf`.

use glyphmend::detect::classify;
use glyphmend::detect::scan::{Path as ScanPath, first_strong_via};
use glyphmend::lm::CharLm;
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;
use std::hint::black_box;
use std::path::Path;

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs `f` until at least `min_cpu` CPU seconds have passed; returns (runs, CPU seconds).
fn measure(min_cpu: f64, mut f: impl FnMut()) -> (u64, f64) {
    f(); // warm-up (lazy tables)
    let t0 = cpu_seconds();
    let mut runs = 0;
    loop {
        f();
        runs += 1;
        let dt = cpu_seconds() - t0;
        if dt >= min_cpu {
            return (runs, dt);
        }
    }
}

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed")
        .join(name);
    std::fs::read_to_string(p).expect("seed fixture")
}

fn report(name: &str, bytes: usize, (runs, cpu): (u64, f64)) {
    let mb = bytes as f64 * runs as f64 / 1e6;
    println!(
        "{name:40} {:10.2} MB/CPU-s  ({runs} runs, {cpu:.2} CPU-s)",
        mb / cpu
    );
}

fn main() {
    let min_cpu: f64 = std::env::var("MIN_CPU")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let only = std::env::args().nth(1).unwrap_or_default();
    let tables = TableSet::builtin().expect("tables");
    let lm = CharLm::builtin();
    let repairer = Repairer::new(&tables, lm);
    let base = fixture("dev-b.txt") + &fixture("dev-c.txt");
    let mut clean = String::new();
    while clean.len() < 8 << 20 {
        clean.push_str(&base);
        clean.push('\n');
    }
    let mixed = fixture("dev-a.txt");
    let truth = fixture("dev-a.truth.txt");
    let garbled = glyphmend::eval::differing_lines(&mixed, &truth);
    let run = |name: &str| only.is_empty() || name.contains(only.as_str());
    for (name, path) in [
        ("scan_clean_8MiB (default choice)", ScanPath::Best),
        ("scan_clean_8MiB (AVX2 lookups)", ScanPath::Avx2),
        ("scan_clean_8MiB (SSSE3 lookups)", ScanPath::Ssse3),
        ("scan_clean_8MiB (SSE2 compares)", ScanPath::Sse2),
        ("scan_clean_8MiB (scalar)", ScanPath::Scalar),
    ] {
        if run(name) {
            let r = measure(min_cpu, || {
                black_box(first_strong_via(black_box(&clean), 0, path));
            });
            report(name, clean.len(), r);
        }
    }
    if run("repair_clean_8MiB") {
        let r = measure(min_cpu, || {
            black_box(repairer.repair_text(black_box(&clean)));
        });
        report("repair_clean_8MiB", clean.len(), r);
    }
    if run("repair_garbled_lines_only") {
        let r = measure(min_cpu, || {
            black_box(repairer.repair_text(black_box(&garbled)));
        });
        report("repair_garbled_lines_only", garbled.len(), r);
    }
    if run("verdicts") {
        // The document-level table verdicts alone (`doclevel::decide`), on the evidence
        // lines of dev-a's garbled lines, against the reading-by-reading computation it
        // replaced (`decide_reference`, bit-identical verdicts).
        let evidence: Vec<Vec<char>> = garbled
            .lines()
            .filter(|l| l.chars().any(|c| classify(c).is_strong()))
            .map(|l| l.chars().collect())
            .collect();
        let text_tables: Vec<&glyphmend::tables::FontTable> = tables.text_tables().collect();
        let (_, stats) =
            glyphmend::repair::doclevel::decide_with_stats(&text_tables, &evidence, lm, None);
        println!("{:40} {stats:?}", "verdicts: how positions were scored");
        let r = measure(min_cpu, || {
            black_box(glyphmend::repair::doclevel::decide(
                &text_tables,
                &evidence,
                lm,
                None,
            ));
        });
        report("verdicts_dev_a_garbled (decide)", garbled.len(), r);
        let r = measure(min_cpu, || {
            black_box(glyphmend::repair::doclevel::decide_reference(
                &text_tables,
                &evidence,
                lm,
                None,
            ));
        });
        report("verdicts_dev_a_garbled (reference)", garbled.len(), r);
    }
    if run("lm_floor") {
        // What any LM-checked repair of these lines must at least do: score each character
        // of their true reading once, in context, under the base model (no alternatives, no
        // margins). Reported per byte of the *garbled* input, so it is a ceiling on
        // `repair_garbled_lines_only`.
        let reading: Vec<Vec<char>> = glyphmend::eval::differing_lines(&truth, &mixed)
            .lines()
            .map(|l| l.chars().collect())
            .collect();
        let r = measure(min_cpu, || {
            for l in &reading {
                black_box(lm.score(black_box(l)));
            }
        });
        report("lm_floor (1 lookup per char, same lines)", garbled.len(), r);
    }
    if run("table_only") {
        // A what-if, not the repair: no language model at all — each line's strong
        // characters decoded by the one table that explains most of them, all else kept.
        // It shows what dropping the model would buy in speed and cost in errors.
        let text_tables: Vec<&glyphmend::tables::FontTable> = tables.text_tables().collect();
        let strong = |c: char| classify(c).is_strong();
        let table_only = |text: &str| -> String {
            let mut out = String::with_capacity(text.len() + text.len() / 4);
            for line in text.split_inclusive('\n') {
                let explains = |t: &&&glyphmend::tables::FontTable| {
                    line.chars()
                        .filter(|&c| strong(c) && t.get(c as u32).is_some_and(|d| !strong(d)))
                        .count()
                };
                let best = text_tables.iter().max_by_key(explains);
                for c in line.chars() {
                    match best.and_then(|t| t.get(c as u32)) {
                        Some(d) if strong(c) => out.push(d),
                        _ => out.push(c),
                    }
                }
            }
            out
        };
        let r = measure(min_cpu, || {
            black_box(table_only(black_box(&mixed)));
        });
        report("table_only what-if, dev-a mixed", mixed.len(), r);
        let e = glyphmend::eval::evaluate(&mixed, &table_only(&mixed), &truth);
        let full = glyphmend::eval::evaluate(&mixed, &repairer.repair_text(&mixed).text, &truth);
        println!(
            "{:40} CER on garbled lines {:.2} % (the repair: {:.2} %, input {:.2} %)",
            "table_only what-if, dev-a",
            100.0 * e.cer(),
            100.0 * full.cer(),
            100.0 * e.input_cer()
        );
    }
    if run("repair_dev_a_mixed") {
        let r = measure(min_cpu, || {
            black_box(repairer.repair_text(black_box(&mixed)));
        });
        report("repair_dev_a_mixed", mixed.len(), r);
    }
    if run("pdf") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pdf");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .filter_map(|p| {
                let b = std::fs::read(&p).ok()?;
                Some((p.display().to_string(), b))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            println!("no ../shared/corpus/pdf: PDF case skipped");
            return;
        }
        let opts = glyphmend::ingest::ExtractOptions::default();
        let mut pages = 0usize;
        let r = measure(min_cpu, || {
            pages = 0;
            for (name, bytes) in &files {
                if let Ok(doc) = glyphmend::ingest::extract_bytes(bytes, name, &opts) {
                    pages += doc.pages.len();
                    for p in &doc.pages {
                        black_box(repairer.repair_text(&p.text()));
                    }
                }
            }
        });
        println!(
            "{:40} {:10.1} pages/CPU-s  ({} files, {pages} pages × {} runs, {:.2} CPU-s)",
            "pdf_ingest_repair_shared",
            (pages as u64 * r.0) as f64 / r.1,
            files.len(),
            r.0,
            r.1
        );
    }
}
