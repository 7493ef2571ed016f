use super::*;

fn doc(votes: &[(u32, char)]) -> BTreeMap<FontKey, DocFont> {
    let mut m = BTreeMap::new();
    m.insert(
        FontKey {
            basefont: "MS-Gothic".into(),
            glyphs: Some(20000),
        },
        DocFont {
            votes: votes
                .iter()
                .map(|&(g, c)| (g, (c, VoteSource::ToUnicode)))
                .collect(),
            outlines: votes.iter().map(|&(g, _)| (g, g as u64 * 7)).collect(),
        },
    );
    m
}

fn corpus(docs: &[(&str, &[(u32, char)])]) -> CorpusVotes {
    let mut c = CorpusVotes::default();
    for (name, v) in docs {
        c.docs.insert(name.to_string(), doc(v));
    }
    c
}

#[test]
fn majority_wins_and_conflicts_are_reported() {
    let c = corpus(&[
        ("a.pdf", &[(10, '支'), (11, '援')]),
        ("b.pdf", &[(10, '支'), (12, 'の')]),
        ("c.pdf", &[(10, '文')]),
    ]);
    let opts = VoteOptions {
        generalize: false,
        ..Default::default()
    };
    let l = &c.tables(&opts).unwrap()[0];
    assert_eq!(l.table.get(10), Some('支'));
    assert_eq!(l.table.get(11), Some('援'));
    assert_eq!(l.table.get(12), Some('の'));
    assert_eq!(l.voted, 3);
    assert_eq!(l.unanimous, 2);
    assert_eq!(l.conflicts[&10], vec![('支', 2), ('文', 1)]);
    let r = l.table.rule(l.table.decode(10).unwrap().rule).unwrap();
    assert!((r.confidence - 2.0 / 3.0).abs() < 1e-6, "{}", r.confidence);
    assert_eq!(l.table.basefonts, vec!["MS-Gothic".to_string()]);
    assert_eq!(l.table.fingerprint.as_deref(), Some("glyphs=20000"));
    assert!(report(&c.tables(&opts).unwrap(), &c).contains("conflict gid=000A: 支×2 文×1"));
}

#[test]
fn a_tie_is_in_doubt() {
    let c = corpus(&[("a.pdf", &[(5, 'ア')]), ("b.pdf", &[(5, 'イ')])]);
    let l = &c.tables(&VoteOptions::default()).unwrap()[0];
    let r = l.table.rule(l.table.decode(5).unwrap().rule).unwrap();
    assert!(r.confidence < 0.5);
}

#[test]
fn result_does_not_depend_on_insertion_order() {
    let a: &[(u32, char)] = &[(10, '支'), (11, '援')];
    let b: &[(u32, char)] = &[(10, '文'), (12, 'の')];
    let one = corpus(&[("a.pdf", a), ("b.pdf", b)]);
    let two = corpus(&[("b.pdf", b), ("a.pdf", a)]);
    let t1 = one.tables(&VoteOptions::default()).unwrap();
    let t2 = two.tables(&VoteOptions::default()).unwrap();
    assert_eq!(t1[0].table.to_text(), t2[0].table.to_text());
}

#[test]
fn different_outlines_keep_a_document_out() {
    let mut c = corpus(&[("a.pdf", &[(10, '支')]), ("b.pdf", &[(10, '文')])]);
    // b.pdf's glyph 10 is drawn differently: another font under the same name.
    for f in c.docs.get_mut("b.pdf").unwrap().values_mut() {
        f.outlines.insert(10, 1);
    }
    let l = &c.tables(&VoteOptions::default()).unwrap()[0];
    assert_eq!(l.table.get(10), Some('支'));
    assert!(l.conflicts.is_empty());
    assert_eq!(l.outline_conflicts.get("b.pdf"), Some(&1));
    assert_eq!(l.documents, 1);
}

#[test]
fn fitted_blocks_fill_unvoted_glyphs_only_where_votes_agree() {
    // Hiragana in Unicode order at offset +0x100 (ぁ U+3041 → 0x3141 …): votes on a few.
    let votes: Vec<(u32, char)> = ['あ', 'か', 'さ', 'た', 'な', 'は']
        .iter()
        .map(|&c| (c as u32 + 0x100, c))
        .collect();
    let c = corpus(&[("a.pdf", &votes)]);
    let l = &c.tables(&VoteOptions::default()).unwrap()[0];
    // き was never voted on: filled by the block, with confidence below a vote's.
    let ki = 'き' as u32 + 0x100;
    assert_eq!(l.table.get(ki), Some('き'));
    let r = l.table.rule(l.table.decode(ki).unwrap().rule).unwrap();
    assert!(r.confidence < 1.0 && r.confidence >= 0.5);
    assert!(l.generalized > 0);
    // ん lies beyond the last vote (は): extrapolated, written but in doubt.
    let n = 'ん' as u32 + 0x100;
    assert_eq!(l.table.get(n), Some('ん'));
    let r = l.table.rule(l.table.decode(n).unwrap().rule).unwrap();
    assert!(r.confidence < 0.5, "{}", r.confidence);
    // Without generalisation it stays unknown.
    let opts = VoteOptions {
        generalize: false,
        ..Default::default()
    };
    assert_eq!(c.tables(&opts).unwrap()[0].table.get(ki), None);
}

fn font_doc(name: &str, glyphs: u32, votes: &[(u32, char)]) -> (FontKey, DocFont) {
    (
        FontKey {
            basefont: name.into(),
            glyphs: Some(glyphs),
        },
        DocFont {
            votes: votes
                .iter()
                .map(|&(g, c)| (g, (c, VoteSource::ToUnicode)))
                .collect(),
            outlines: votes.iter().map(|&(g, _)| (g, g as u64 * 7)).collect(),
        },
    )
}

#[test]
fn families_and_versions_pool_and_leave_one_out_measures() {
    let mut c = CorpusVotes::default();
    let (k, d) = font_doc("MS-Mincho", 20000, &[(10, '支'), (11, '援')]);
    c.docs.insert("a.pdf".into(), BTreeMap::from([(k, d)]));
    let (k, d) = font_doc("MS-PMincho", 21000, &[(10, '支'), (12, 'の')]);
    c.docs.insert("b.pdf".into(), BTreeMap::from([(k, d)]));
    let (k, d) = font_doc("MS-Mincho", 21000, &[(11, '援'), (12, 'の'), (13, '文')]);
    c.docs.insert("c.pdf".into(), BTreeMap::from([(k, d)]));
    assert_eq!(c.family_agreement("MS-Mincho", "MS-PMincho"), (2, 2));
    let opts = VoteOptions {
        generalize: false,
        families: vec![vec!["MS-Mincho".into(), "MS-PMincho".into()]],
        pool_versions: true,
        ..Default::default()
    };
    let t = c.tables(&opts).unwrap();
    assert_eq!(t.len(), 1);
    let l = &t[0];
    assert_eq!(l.table.basefonts, vec!["MS-Mincho", "MS-PMincho"]);
    assert_eq!(l.table.fingerprint.as_deref(), Some("glyphs=21000"));
    assert_eq!(l.documents, 3);
    assert_eq!(l.table.get(12), Some('の'));
    let loo = c.leave_one_out(&l.key, &opts, 0.5).unwrap();
    let c_doc = loo.iter().find(|h| h.document == "c.pdf").unwrap();
    // c.pdf's 文 (gid 13) is voted by nobody else: not predicted, so coverage 2 of 3.
    assert_eq!((c_doc.voted, c_doc.predicted, c_doc.agreed), (3, 2, 2));
    // Without pooling, the two names stay apart.
    assert_eq!(c.tables(&VoteOptions::default()).unwrap().len(), 3);
}

#[test]
fn scattered_votes_fit_no_block() {
    // A frequency-ordered font: consecutive glyph IDs, unrelated characters.
    let votes: Vec<(u32, char)> = "のにはをたがでてとし"
        .chars()
        .enumerate()
        .map(|(i, c)| (100 + i as u32, c))
        .collect();
    let c = corpus(&[("a.pdf", &votes)]);
    let l = &c.tables(&VoteOptions::default()).unwrap()[0];
    assert_eq!(l.generalized, 0);
    assert_eq!(l.table.len(), votes.len());
}
