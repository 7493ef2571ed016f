use super::repertoire::Repertoire;
use super::*;

fn block(rep: &'static str, offset: i64, first: char, last: char) -> Rule {
    Rule {
        kind: RuleKind::Block {
            repertoire: rep,
            offset,
            first,
            last,
        },
        confidence: 0.9,
        source: "test".into(),
        evidence: String::new(),
    }
}

#[test]
fn canonical_basefont_strips_tag_cmap_style_and_maps_japanese_names() {
    assert_eq!(
        canonical_basefont("OGNPJD+MS-Mincho-90ms-RKSJ-H"),
        "MS-Mincho"
    );
    assert_eq!(canonical_basefont("MS-Gothic-Identity-H"), "MS-Gothic");
    assert_eq!(canonical_basefont("ABCDEE+MS-PGothic,Bold"), "MS-PGothic");
    assert_eq!(canonical_basefont("MS-Mincho-Bold"), "MS-Mincho");
    assert_eq!(canonical_basefont("@MS-Mincho"), "MS-Mincho");
    assert_eq!(
        canonical_basefont("HeiseiMin-W3-90ms-RKSJ-H"),
        "HeiseiMin-W3"
    );
    assert_eq!(canonical_basefont("Ryumin-Light"), "Ryumin-Light");
    assert_eq!(canonical_basefont("Foo-H"), "Foo-H");
    assert_eq!(canonical_basefont("-Bold"), "-Bold");
    assert_eq!(canonical_basefont("ＭＳ 明朝"), "MS-Mincho");
    assert_eq!(canonical_basefont("ＭＳゴシック"), "MS-Gothic");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("ＭＳ明朝");
    let lossy = String::from_utf8_lossy(&sjis);
    assert_eq!(canonical_basefont(&format!("SVDSYM+{lossy}")), "MS-Mincho");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("ＭＳＰ明朝");
    let lossy = String::from_utf8_lossy(&sjis);
    assert_eq!(canonical_basefont(&format!("@{lossy}")), "MS-PMincho");
    // Word's family + style names and the Office HG fonts, as Unicode and as lossy
    // Shift_JIS, give what their PostScript names give.
    for (jp, ps) in [
        ("游ゴシックBold", "YuGothic-Bold"),
        ("游ゴシックRegular", "YuGothic-Regular"),
        ("Meiryo UI,Bold", "MeiryoUI"),
        ("HG丸ｺﾞｼｯｸM-PRO", "HGMaruGothicMPRO"),
        ("HGPｺﾞｼｯｸE", "HGPGothicE"),
        ("HGS創英角ｺﾞｼｯｸUB", "HGSSoeiKakugothicUB"),
    ] {
        assert_eq!(canonical_basefont(jp), canonical_basefont(ps), "{jp}");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(jp);
        let lossy = String::from_utf8_lossy(&sjis);
        assert_eq!(
            canonical_basefont(&format!("ABCDEF+{lossy}")),
            canonical_basefont(ps),
            "{jp}"
        );
    }
    assert_eq!(canonical_basefont("YuGothic-Bold"), "YuGothic");
}

#[test]
fn blocks_expand_and_glyphs_override() {
    let mut rules = vec![block("unicode", -0x280C, 'ぁ', 'ゖ')];
    rules.push(Rule {
        kind: RuleKind::Glyph {
            gid: 0x835,
            ch: '○',
        },
        confidence: 0.5,
        source: "context".into(),
        evidence: String::new(),
    });
    let t = FontTable::from_rules("T", rules).unwrap();
    assert_eq!(t.get(0x835), Some('○'));
    assert_eq!(t.get(0x836), Some('あ'));
    assert_eq!(t.get(0x862), Some('の'));
    assert_eq!(t.get(0x834), None);
    assert_eq!(t.decode(0x836).unwrap().rule, 0);
    assert_eq!(t.decode(0x835).unwrap().rule, 1);
}

#[test]
fn repertoire_block_reproduces_font_a_kanji() {
    let t = FontTable::from_rules("A", vec![block("cp932+jisx0213", 1472, '一', '龥')]).unwrap();
    assert_eq!(t.get(0x1A2D), Some('支'));
    assert_eq!(t.get(0x197C), Some('援'));
    assert_eq!(t.get(0x0B4D), Some('一'));
}

#[test]
fn text_round_trip_is_exact() {
    let mut t = FontTable::from_rules(
        "A",
        vec![
            block("unicode", -0x280C, 'ぁ', 'ゖ'),
            block("cp932+jisx0213", 1472, '一', '龥'),
        ],
    )
    .unwrap();
    t.description = "MS Gothic-like".into();
    t.basefonts = vec!["MS-Gothic".into()];
    let text = t.to_text();
    let back = FontTable::parse("t", &text).unwrap();
    assert_eq!(back.rules, t.rules);
    assert_eq!(back.basefonts, t.basefonts);
    assert_eq!(back.to_text(), text);
    assert_eq!(
        back.entries().collect::<Vec<_>>(),
        t.entries().collect::<Vec<_>>()
    );
}

#[test]
fn own_order_blocks_are_rank_ranges_and_round_trip() {
    // JIS row 4 (hiragana) then row 5 (katakana); Adobe-Japan1 kanji from 亜 (CID 1125).
    let t = FontTable::from_rules(
        "J",
        vec![
            block("jis0208", 0x100, 'ぁ', 'ヶ'),
            block("adobe-japan1", -0xEA, '亜', '腕'),
        ],
    )
    .unwrap();
    let jis = Repertoire::by_name("jis0208").unwrap();
    let a = jis.rank('ぁ').unwrap() + 0x100;
    assert_eq!(t.get(a), Some('ぁ'));
    assert_eq!(t.get(a + 83), Some('ァ')); // ん is cell 83, ァ opens row 5
    assert_eq!(t.get(1125 - 0xEA), Some('亜'));
    // Adobe-Japan1 lists kanji in JIS order: 唖 (U+5516) follows 亜 (U+4E9C).
    assert_eq!(t.get(1125 - 0xEA + 1), Some('唖'));
    let text = t.to_text();
    let back = FontTable::parse("t", &text).unwrap();
    assert_eq!(back.rules, t.rules);
    assert_eq!(back.to_text(), text);
    assert_eq!(
        back.entries().collect::<Vec<_>>(),
        t.entries().collect::<Vec<_>>()
    );
}

#[test]
fn edited_gid_range_is_caught() {
    let t = FontTable::from_rules("A", vec![block("unicode", -0x280C, 'ぁ', 'ゖ')]).unwrap();
    let text = t.to_text().replace("gids=0835", "gids=0836");
    assert!(FontTable::parse("t", &text).is_err());
}

#[test]
fn subset_tags() {
    assert_eq!(strip_subset_tag("ABCDEF+MS-Gothic"), "MS-Gothic");
    assert_eq!(strip_subset_tag("MS-Gothic"), "MS-Gothic");
    assert_eq!(strip_subset_tag("abcdef+X"), "abcdef+X");
}

#[test]
fn builtin_tables_parse_and_match_the_directory() {
    let set = TableSet::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let on_disk = TableSet::load_dir(&dir).unwrap();
    let mut a: Vec<_> = set.tables.iter().map(|t| t.name.clone()).collect();
    let mut b: Vec<_> = on_disk.tables.iter().map(|t| t.name.clone()).collect();
    a.sort();
    b.sort();
    assert_eq!(
        a, b,
        "mappings/builtin.rs.in must list every mappings/*.table"
    );
}

#[test]
fn lazy_builtin_lookup_agrees_with_the_parsed_set() {
    let set = TableSet::builtin().unwrap();
    for name in [
        "ABCDEF+IPAexGothic",
        "IPAexMincho",
        "IPAmjMincho",
        "MS-Gothic",
        "Nope",
    ] {
        let a = set.for_basefont(name).map(|t| t.name.clone());
        let b = builtin_for_basefont(name).map(|t| t.name.clone());
        assert_eq!(a, b, "{name}");
    }
    assert!(builtin_for_basefont("IPAexGothic").is_some());
}

#[test]
fn every_shipped_table_precompiled_equals_its_text() {
    for (file, text) in BUILTIN {
        let (_, bytes) = BUILTIN_COMPILED
            .iter()
            .find(|(f, _)| f == file)
            .unwrap_or_else(|| panic!("{file} was not precompiled by build.rs"));
        let (t, map, rule_of) = compiled::decode(bytes).expect("decodes");
        let parsed = text::parse(file, text).unwrap();
        let (want_map, want_rule_of) = rule::expand(&parsed.name, &parsed.rules).unwrap();
        assert!(t == parsed, "{file}: header or rules differ");
        assert!(map == want_map, "{file}: glyph map differs");
        assert!(rule_of == want_rule_of, "{file}: rule indices differ");
    }
    assert_eq!(BUILTIN_COMPILED.len(), BUILTIN.len());
}

/// The shipped set plus extras, as a comparable list: each table's name and text, in order.
fn listing(set: &TableSet) -> Vec<(String, String)> {
    set.tables
        .iter()
        .map(|t| (t.name.clone(), t.to_text()))
        .collect()
}

#[test]
fn lazy_table_set_equals_the_eagerly_extended_set() {
    let builtin = TableSet::builtin().unwrap();
    assert!(builtin.tables.len() >= 2, "needs two shipped tables");
    // Extras that replace a shipped table, add new ones, and repeat a name within a set and
    // across sets: `extend` replaces by name, so order and duplicates matter.
    let mut replaced = builtin.tables[1].clone();
    replaced.description = "replaced".into();
    let mut new_a = builtin.tables[0].clone();
    new_a.name = "extra-a".into();
    let mut new_b = new_a.clone();
    new_b.name = "extra-b".into();
    let mut new_a2 = new_a.clone();
    new_a2.description = "second extra-a".into();
    let first = TableSet {
        tables: vec![new_a.clone(), replaced, new_b, new_a2.clone()],
    };
    let second = TableSet {
        tables: vec![new_a2, builtin.tables[0].clone(), new_a],
    };
    let mut eager = builtin.clone();
    eager.extend(first.clone());
    eager.extend(second.clone());
    assert_ne!(listing(&eager), listing(&builtin));

    // Every shipped table is precompiled, so nothing is decoded before the first `get`.
    let mut before = LazyTableSet::builtin().unwrap();
    assert!(!before.is_decoded());
    before.extend(first.clone());
    before.extend(second.clone());
    assert!(!before.is_decoded());
    assert_eq!(listing(before.get()), listing(&eager));

    // Decoded in between: later sets extend the decoded set.
    let mut between = LazyTableSet::builtin().unwrap();
    between.extend(first);
    assert!(!between.get().tables.is_empty());
    between.extend(second);
    assert_eq!(listing(between.get()), listing(&eager));

    assert_eq!(
        listing(LazyTableSet::builtin().unwrap().get()),
        listing(&builtin)
    );
}

/// The build script's hashes of the shipped tables are those of their canonical text as
/// the library renders it (a batch's manifest records them), one for every shipped table.
#[test]
fn builtin_text_hashes_are_those_of_to_text() {
    use sha2::Digest;
    let set = TableSet::builtin().expect("builtin tables");
    assert_eq!(set.tables.len(), BUILTIN_TEXT_SHA256.len());
    for t in &set.tables {
        let (_, known) = BUILTIN_TEXT_SHA256
            .iter()
            .find(|(name, _)| *name == t.name)
            .unwrap_or_else(|| panic!("no build-time hash for table {}", t.name));
        let now = hex::encode(sha2::Sha256::digest(t.to_text().as_bytes()));
        assert_eq!(*known, now, "table {}", t.name);
    }
}
