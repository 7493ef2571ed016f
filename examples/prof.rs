use glyphmend::lm::{AdaptiveLm, CharLm};
use glyphmend::repair::Repairer;
use glyphmend::tables::TableSet;
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string("tests/fixtures/seed/dev-a.txt").unwrap();
    let tables = TableSet::builtin().unwrap();
    let lm = CharLm::builtin();
    let r = Repairer::new(&tables, lm);
    let _ = r.repair_text(&text);
    let t = Instant::now();
    for _ in 0..20 {
        let _ = r.repair_text(&text);
    }
    println!("repair_text {:?}", t.elapsed() / 20);
    let t = Instant::now();
    for _ in 0..20 {
        let mut a = AdaptiveLm::new(lm);
        a.observe(&text);
    }
    println!("observe {:?}", t.elapsed() / 20);
    let t = Instant::now();
    for _ in 0..20 {
        let _ = glyphmend::repair::nfc::text_may_be_nfc(&text);
    }
    println!("nfc check {:?}", t.elapsed() / 20);
    let mut ro = Repairer::new(&tables, lm);
    ro.options.adapt = false;
    let t = Instant::now();
    for _ in 0..20 {
        let _ = ro.repair_text(&text);
    }
    println!("repair_text no adapt {:?}", t.elapsed() / 20);
}
