use glyphmend::repair::bidi;
use glyphmend::tables::TableSet;
fn main() {
    let a = std::fs::read_to_string("tests/fixtures/seed/dev-a.txt").unwrap();
    let t = std::fs::read_to_string("tests/fixtures/seed/dev-a.truth.txt").unwrap();
    let tables = TableSet::builtin().unwrap();
    let ta = tables.get("A").unwrap();
    for (i, (v, tr)) in a.lines().zip(t.lines()).enumerate() {
        if v == tr {
            continue;
        }
        let chars: Vec<char> = v.chars().collect();
        let cands = bidi::candidates(&chars);
        // oracle decode: per char, if decoding under A gives the truth char at that position use it
        let mut ok = false;
        let mut hows = vec![];
        for c in &cands {
            let seq: Vec<char> = c.order.iter().map(|&k| chars[k]).collect();
            let tc: Vec<char> = tr.chars().collect();
            if seq.len() == tc.len()
                && seq.iter().zip(&tc).all(|(g, t)| {
                    g == t
                        || ta.get(*g as u32) == Some(*t)
                        || tables.get("B").unwrap().get(*g as u32) == Some(*t)
                        || tables.get("C").unwrap().get(*g as u32) == Some(*t)
                })
            {
                ok = true;
                hows.push(c.how);
            }
        }
        if bidi::has_rtl(&chars) {
            println!(
                "{} rtl cands={} oracle_ok={} {:?}",
                i + 1,
                cands.len(),
                ok,
                hows
            );
        }
    }
}
