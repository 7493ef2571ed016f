//! Cost of getting the shipped mapping tables in memory: parsing a table's text (what
//! `--tables DIR` and `learn` do) against loading every shipped table's precompiled form
//! (what a process using the shipped tables does). Repertoires are built once per process
//! and cached, so after the first iteration the text figures exclude building them.

use criterion::{Criterion, criterion_group, criterion_main};
use glyphmend::tables::{BUILTIN, FontTable, TableSet};
use std::hint::black_box;

fn bench_tables(c: &mut Criterion) {
    for name in ["mappings/ipaexgothic.table", "mappings/ipamjmincho.table"] {
        let Some((_, text)) = BUILTIN.iter().find(|(f, _)| *f == name) else {
            eprintln!("{name} is not shipped");
            continue;
        };
        c.bench_function(&format!("parse text {name}"), |b| {
            b.iter(|| black_box(FontTable::parse(name, black_box(text)).map(|t| t.len())))
        });
    }
    c.bench_function("TableSet::builtin (all shipped, precompiled)", |b| {
        b.iter(|| black_box(TableSet::builtin().map(|s| s.tables.len())))
    });
}

criterion_group!(benches, bench_tables);
criterion_main!(benches);
