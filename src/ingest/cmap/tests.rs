use super::*;

#[test]
fn bfchar_bfrange_arrays_and_surrogates() {
    let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0EBF> <4EE4> endbfchar
2 beginbfrange <0010> <0012> <0041> <0020> <0021> [<D842DFB7> <304B309A>] endbfrange
endcmap";
    let cm = ToUnicode::parse(src);
    assert!(!cm.damaged);
    assert_eq!(
        cm.codespace,
        vec![CodespaceRange {
            len: 2,
            lo: 0,
            hi: 0xFFFF
        }]
    );
    assert_eq!(cm.map[&3], " ");
    assert_eq!(cm.map[&0x0EBF], "令");
    assert_eq!(cm.map[&0x12], "C");
    assert_eq!(cm.map[&0x20], "𠮷");
    assert_eq!(cm.map[&0x21], "か\u{309A}");
    assert!(!cm.is_identity_map());
}

#[test]
fn identity_map_is_detected() {
    let src = b"4 beginbfchar <0EBF> <0EBF> <0EFE> <0EFE> <0228> <0228> <0003> <0003> endbfchar";
    assert!(ToUnicode::parse(src).is_identity_map());
}

#[test]
fn huge_range_is_capped_not_allocated() {
    let cm = ToUnicode::parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
    assert!(cm.damaged);
    assert!(cm.map.is_empty());
}

#[test]
fn cid_cmap_codespace_ranges_parent_and_hostile_input() {
    let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/WMode 1 def
2 begincodespacerange <00> <80> <8140> <9ffc> endcodespacerange
2 begincidrange <20> <7e> 1 <8140> <817e> 633 endcidrange
1 begincidchar <8180> 9000 endcidchar
endcmap";
    let cm = CidCMap::parse(src);
    assert!(!cm.damaged);
    assert_eq!(cm.wmode, 1);
    // One-byte and two-byte codes split by the codespace; 0xA0 is in none: one byte.
    assert_eq!(
        cm.codes(&[0x41, 0x81, 0x41, 0xA0, 0x81]),
        vec![0x41, 0x8141, 0xA0, 0x81]
    );
    assert_eq!(cm.cid(0x41), Some(0x41 - 0x20 + 1));
    assert_eq!(cm.cid(0x8141), Some(634));
    assert_eq!(cm.cid(0x8180), Some(9000));
    assert_eq!(cm.cid(0x817f), None);
    assert_eq!(cm.entries().count(), 95 + 63 + 1);

    // A child with only a usecmap inherits codespace and mappings; its own entries win.
    let mut child = CidCMap::parse(b"/Parent usecmap 1 begincidchar <8141> 7 endcidchar");
    assert_eq!(child.usecmap.as_deref(), Some("Parent"));
    child.parent = Some(Arc::new(cm));
    assert_eq!(child.codespace().len(), 2);
    assert_eq!(child.cid(0x8141), Some(7));
    assert_eq!(child.cid(0x8142), Some(635));

    // Huge ranges stay ranges (no allocation); overlaps and junk are cut, not panics.
    let cm = CidCMap::parse(
        b"1 begincodespacerange <00000000> <ffffffff> endcodespacerange
3 begincidrange <00000000> <ffffffff> 5 <00000010> <00000020> 1 <0005> 4 endcidrange",
    );
    assert!(cm.damaged);
    assert_eq!(cm.cid(0xFFFF_FFF0), Some(5 + 0xFFFF_FFF0));
    assert_eq!(cm.codes(&[1, 2, 3]), vec![0x0001_0203]);
    assert!(
        CidCMap::parse(b"begincidrange <zz> [ ( endcidrange )")
            .cid(0)
            .is_none()
    );
}

#[test]
fn judging_entries() {
    assert_eq!(judge_entry("\u{2F08}"), Some(Distrust::Alias));
    assert_eq!(judge_entry("\u{2003}"), Some(Distrust::Alias));
    assert_eq!(judge_entry("\u{14}"), Some(Distrust::Unusable));
    assert_eq!(judge_entry("﨑"), None);
    assert_eq!(judge_entry("人"), None);
    assert_eq!(unalias('\u{2F08}', true), '人');
    assert_eq!(unalias('\u{2003}', true), '\u{3000}');
    assert_eq!(unalias('\u{F900}', true), '豈');
}

/// Amyuni's ToUnicode writes one-byte destinations (`<27> <27> <65>` for e); poppler reads
/// the byte as the character, and so do we (it was U+6500 攀, a kanji, before).
#[test]
fn one_byte_destinations_are_that_character() {
    let src = b"1 begincodespacerange <20> <72> endcodespacerange
2 beginbfrange <27> <27> <65> <30> <31> <61> endbfrange
1 beginbfchar <35> <E4> endbfchar";
    let cm = ToUnicode::parse(src);
    assert_eq!(cm.map[&0x27], "e");
    assert_eq!(cm.map[&0x30], "a");
    assert_eq!(cm.map[&0x31], "b");
    assert_eq!(cm.map[&0x35], "ä");
    // Two bytes stay one UTF-16 code unit.
    assert_eq!(utf16be(&[0x65, 0x00]), "攀");
}

#[test]
fn a_space_hides_a_visible_glyph_only_where_the_cmap_names_one() {
    assert_eq!(visible_behind_space(" ", Some('次')), Some('次'));
    assert_eq!(visible_behind_space("\u{3000}", Some('ブ')), Some('ブ'));
    assert_eq!(visible_behind_space("\u{A0}", Some('A')), Some('A'));
    // The cmap's own space, an invisible or alias character, or no cmap: the entry stands.
    for cmap in [
        Some(' '),
        Some('\u{3000}'),
        Some('\u{200B}'),
        Some('\u{2003}'),
        None,
    ] {
        assert_eq!(visible_behind_space(" ", cmap), None, "{cmap:?}");
    }
    // Only a one-space entry is in question.
    assert_eq!(visible_behind_space("次", Some('欠')), None);
    assert_eq!(visible_behind_space("  ", Some('次')), None);
}
