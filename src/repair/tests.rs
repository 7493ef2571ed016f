use super::*;

#[test]
fn chunk_by_chunk_repair_equals_whole_text_repair() {
    // dev-a (garbled and clean lines) twice, the second copy with CRLF endings and
    // no final newline: chunks of any size, observed then repaired one at a time,
    // give the whole-text output and reports.
    let dev_a = include_str!("../../tests/fixtures/seed/dev-a.txt");
    let text = format!("{dev_a}\n{}", dev_a.replace('\n', "\r\n").trim_end());
    let tables = TableSet::builtin().expect("built-in tables");
    let repairer = Repairer::new(&tables, crate::lm::CharLm::builtin());
    let whole = repairer.repair_text(&text);
    assert!(whole.spans().count() > 50, "the test would prove nothing");
    for target in [1, 300, 4096, text.len() / 3, text.len() * 2] {
        let chunks: Vec<&str> = line_chunks(&text, target).collect();
        assert_eq!(chunks.concat(), text);
        assert!(
            chunks
                .iter()
                .rev()
                .skip(1)
                .all(|c| c.ends_with('\n') && c.len() >= target)
        );
        let mut doc = repairer.document();
        for c in &chunks {
            doc.observe(c);
        }
        assert_eq!(doc.lines(), text.split('\n').count());
        // The lazy way (scan every chunk, then adapt every chunk) builds the same model.
        let mut lazy = repairer.document();
        for c in &chunks {
            lazy.scan(c);
        }
        assert!(lazy.needs_adaptation());
        for c in &chunks {
            lazy.adapt(c);
        }
        for (how, doc) in [("observe", &doc), ("scan+adapt", &lazy)] {
            let mut out = String::new();
            let mut reports = Vec::new();
            let mut line = 1;
            for c in &chunks {
                let r = repairer.repair_chunk(doc, c, line);
                line += c.matches('\n').count();
                out.push_str(&r.text);
                reports.extend(r.lines);
            }
            assert!(
                out == whole.text,
                "{how}, chunks of {target} bytes: text differs"
            );
            assert_eq!(
                format!("{reports:?}"),
                format!("{:?}", whole.lines),
                "{how}, {target}"
            );
        }
    }
    // A clean text asks for no model at all.
    let mut clean = repairer.document();
    clean.scan(
        &include_str!("../../tests/fixtures/seed/dev-a.txt")
            .replace(|c: char| classify(c).is_strong(), ""),
    );
    assert!(!clean.needs_adaptation());
    // Chunks observed without adaptation would differ: the model matters.
    let mut plain = repairer.document();
    plain.adapt = false;
    plain.observe(&text);
    let r = repairer.repair_chunk(&plain, &text, 1);
    assert_ne!(format!("{:?}", r.lines), format!("{:?}", whole.lines));
}

#[test]
fn text_is_borrowed_unless_a_line_changes() {
    let tables = TableSet::builtin().expect("built-in tables");
    let repairer = Repairer::new(&tables, crate::lm::CharLm::builtin());
    let clean = "地域の多様な主体の連携を通じた支援。\nabc\r\n";
    let out = repairer.repair_text(clean);
    assert!(matches!(out.text, Cow::Borrowed(s) if std::ptr::eq(s, clean)));
    assert!(out.lines.is_empty());
    // A control character is strong evidence no table explains: reported, not changed.
    let odd = "abc\u{1}def\n地域\n";
    let out = repairer.repair_text(odd);
    assert_eq!(out.text, odd);
    assert_eq!(out.unresolved().count(), 1, "{:?}", out.lines);
    assert!(matches!(out.text, Cow::Borrowed(s) if std::ptr::eq(s, odd)));
    // A repaired line makes an owned text. (A lone garbled line is too little evidence
    // for a table to win a document: the sample's text is used.)
    let garbled = include_str!("../../tests/fixtures/seed/dev-a.txt");
    let out = repairer.repair_text(garbled);
    assert!(matches!(out.text, Cow::Owned(_)));
    assert!(out.text.contains("ＮＰＯ法"), "{}", out.text);
    assert_eq!(out.clone().into_owned().text, out.text);
}

/// Clean Japanese whose kanji pdftotext printed as Kangxi radicals (`⼊札`, from fonts whose
/// ToUnicode names the radical): the residue is radicals alone, so nothing is deciphered
/// (it took seconds per document and applied nothing); the named fix `radical` reads them
/// as the kanji they stand for, and nothing else changes.
#[test]
fn a_residue_of_radicals_alone_is_read_as_kanji_not_deciphered() {
    use unicode_normalization::UnicodeNormalization;
    let radical_of: std::collections::HashMap<char, char> = (0x2F00u32..=0x2FD5)
        .filter_map(char::from_u32)
        .filter_map(|r| {
            let mut it = std::iter::once(r).nfkc();
            match (it.next(), it.next()) {
                (Some(k), None) => Some((k, r)),
                _ => None,
            }
        })
        .collect();
    let clean: String = include_str!("../../tests/fixtures/clean_ja_heldout.txt")
        .chars()
        .take(6_000)
        .collect();
    let text: String = clean
        .chars()
        .map(|c| radical_of.get(&c).copied().unwrap_or(c))
        .collect();
    let radicals: std::collections::HashSet<char> = text
        .chars()
        .filter(|c| ('\u{2F00}'..='\u{2FD5}').contains(c))
        .collect();
    assert!(
        radicals.len() >= 12,
        "the test would prove nothing: {radicals:?}"
    );
    let tables = TableSet::builtin().expect("built-in tables");
    let repairer = Repairer::new(&tables, crate::lm::CharLm::builtin());
    let mut doc = repairer.document();
    doc.observe(&text);
    assert!(repairer.learned(&doc).is_empty());
    let repair = repairer.repair_text(&text);
    let out: Vec<char> = repair.text.chars().collect();
    let (given, truth): (Vec<char>, Vec<char>) = (text.chars().collect(), clean.chars().collect());
    assert_eq!(out.len(), truth.len());
    let (mut read, mut left) = (0, 0);
    for ((&o, &g), &t) in out.iter().zip(&given).zip(&truth) {
        if g == t {
            assert_eq!(o, g, "a character that was no radical changed");
        } else if o == t {
            read += 1;
        } else {
            assert_eq!(o, g, "a radical read as something else");
            left += 1;
        }
    }
    assert!(read > 0 && left * 20 <= read, "read {read}, left {left}");
    assert!(
        repair
            .spans()
            .all(|s| s.table == crate::repair::RADICAL_TABLE)
    );
}

/// Radicals in a document with other garbling evidence may be glyph IDs of the same font:
/// the named fix `radical` reads nothing there, and they stay reported.
#[test]
fn radicals_amid_other_garbling_are_not_read() {
    let tables = TableSet::builtin().expect("built-in tables");
    let repairer = Repairer::new(&tables, crate::lm::CharLm::builtin());
    let alone = repairer.repair_text("⼊札の⼿引き\n");
    assert_eq!(alone.text, "入札の手引き\n", "premise: read when alone");
    let text = "⼊札の⼿引き\nሀሁሂሃሄ ሐሑሒ\n";
    let repair = repairer.repair_text(text);
    assert_eq!(repair.text, text);
    assert!(repair.unresolved().any(|u| u.text.contains('⼊')));
}
