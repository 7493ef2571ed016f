//! Adobe's predefined CMaps (code → CID) and the CID → Unicode maps of the registered
//! character collections (Adobe-Japan1, -GB1, -CNS1, -Korea1, -KR), generated into
//! `data/cmaps/` by `scripts/gen_cmaps.py` from Debian's poppler-data (BSD-3-Clause Adobe
//! resources; licence in each file's header).
//!
//! Each collection's CID → Unicode map is also compiled at build time (`build.rs`, by
//! `dense`) into a table indexed by CID, which is what [`Collection::text`] reads.
//!
//! Invariants: the data is embedded (no file is read at run time) and parsed lazily, one
//! CMap or collection on first use, then shared for the life of the process; a name not
//! in the data gives `None`, never a guess. `Uni*` CMaps are not here: their codes are
//! Unicode and `font.rs` decodes them without data.

use super::cmap::{CidCMap, ToUnicode};
use dense::{Compact, DenseText};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub(crate) mod dense;

/// A registered character collection with a CID → Unicode map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    /// Adobe-Japan1 (Japanese).
    Japan1,
    /// Adobe-GB1 (simplified Chinese).
    Gb1,
    /// Adobe-CNS1 (traditional Chinese).
    Cns1,
    /// Adobe-Korea1 (Korean).
    Korea1,
    /// Adobe-KR (Korean).
    Kr,
}

impl Collection {
    /// All collections, in the order their CMaps are searched by name.
    pub const ALL: [Collection; 5] = [
        Collection::Japan1,
        Collection::Gb1,
        Collection::Cns1,
        Collection::Korea1,
        Collection::Kr,
    ];

    /// The collection a CIDSystemInfo names. Only Registry `Adobe` counts: another
    /// registry's "Korea1" (Unidocs) or `Adobe-Identity` says nothing about what a CID is.
    pub fn from_system_info(registry: &str, ordering: &str) -> Option<Collection> {
        if registry != "Adobe" {
            return None;
        }
        match ordering {
            "Japan1" => Some(Collection::Japan1),
            "GB1" => Some(Collection::Gb1),
            "CNS1" => Some(Collection::Cns1),
            "Korea1" => Some(Collection::Korea1),
            "KR" => Some(Collection::Kr),
            _ => None,
        }
    }

    /// `Adobe-Japan1` etc.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Japan1 => "Adobe-Japan1",
            Collection::Gb1 => "Adobe-GB1",
            Collection::Cns1 => "Adobe-CNS1",
            Collection::Korea1 => "Adobe-Korea1",
            Collection::Kr => "Adobe-KR",
        }
    }

    /// Whether the collection is Japanese (its CIDs may become kana/kanji).
    pub fn is_japanese(self) -> bool {
        self == Collection::Japan1
    }

    fn cmaps_source(self) -> &'static str {
        match self {
            Collection::Japan1 => include_str!("../../data/cmaps/Adobe-Japan1.cmaps"),
            Collection::Gb1 => include_str!("../../data/cmaps/Adobe-GB1.cmaps"),
            Collection::Cns1 => include_str!("../../data/cmaps/Adobe-CNS1.cmaps"),
            Collection::Korea1 => include_str!("../../data/cmaps/Adobe-Korea1.cmaps"),
            Collection::Kr => "",
        }
    }

    fn ucs2_source(self) -> &'static str {
        match self {
            Collection::Japan1 => include_str!("../../data/cmaps/Adobe-Japan1.ucs2"),
            Collection::Gb1 => include_str!("../../data/cmaps/Adobe-GB1.ucs2"),
            Collection::Cns1 => include_str!("../../data/cmaps/Adobe-CNS1.ucs2"),
            Collection::Korea1 => include_str!("../../data/cmaps/Adobe-Korea1.ucs2"),
            Collection::Kr => include_str!("../../data/cmaps/Adobe-KR.ucs2"),
        }
    }

    /// The text of a CID in this collection (`None` for CIDs the collection leaves
    /// unmapped, such as CID 0 .notdef).
    pub fn text(self, cid: u32) -> Option<&'static str> {
        if let Some(c) = self.compiled() {
            return c.get(cid);
        }
        match self.dense() {
            Some(d) => d.get(cid),
            None => self.to_unicode().map.get(&cid).map(String::as_str),
        }
    }

    /// [`Collection::text`] as a table indexed by CID, built once straight from the
    /// generated `.ucs2` lines (a few times faster than [`ToUnicode::parse`] and its map:
    /// this was a tenth of `extract`'s time on the real-world PDFs, one process per file).
    /// `None` when the data is not in the generated form read here (then the parsed map
    /// serves); a test checks every collection is, with the same text for every CID.
    fn dense(self) -> Option<&'static DenseText> {
        static DENSE: [OnceLock<Option<DenseText>>; 5] = [const { OnceLock::new() }; 5];
        let i = Collection::ALL.iter().position(|&c| c == self)?;
        DENSE[i]
            .get_or_init(|| {
                DenseText::parse(self.ucs2_source(), Some(super::cmap::utf16_plus))
                    .filter(|d| d.entries < super::cmap::MAX_ENTRIES)
            })
            .as_ref()
    }

    /// The table of [`Collection::dense`] as the build script compiled it from the same
    /// data (no parse at run time: parsing was ~15 % of a one-page CID-keyed PDF's
    /// `extract`); `None` when the build wrote none (the data was not in the generated
    /// form), and then `dense` serves. The entry limit is checked as `dense` checks it.
    fn compiled(self) -> Option<Compact<'static>> {
        macro_rules! table {
            ($name:literal) => {
                (
                    include_str!(concat!(env!("OUT_DIR"), "/", $name, ".dense.txt")),
                    include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".dense.bin")) as &[u8],
                )
            };
        }
        let (text, table) = match self {
            Collection::Japan1 => table!("Adobe-Japan1"),
            Collection::Gb1 => table!("Adobe-GB1"),
            Collection::Cns1 => table!("Adobe-CNS1"),
            Collection::Korea1 => table!("Adobe-Korea1"),
            Collection::Kr => table!("Adobe-KR"),
        };
        Compact::new(text, table).filter(|c| c.entries < super::cmap::MAX_ENTRIES)
    }

    /// The collection whose `Adobe-<Coll>-UCS2` CMap a ToUnicode names in `usecmap`.
    pub fn from_ucs2_cmap_name(name: &str) -> Option<Collection> {
        Collection::ALL
            .into_iter()
            .find(|c| name.strip_prefix(c.name()) == Some("-UCS2"))
    }

    /// The whole CID → Unicode map (parsed on first use).
    pub fn to_unicode(self) -> &'static ToUnicode {
        static MAPS: OnceLock<Mutex<HashMap<Collection, &'static ToUnicode>>> = OnceLock::new();
        let maps = MAPS.get_or_init(Default::default);
        // A poisoned lock only means another thread panicked mid-insert of a whole map;
        // the map itself is still consistent.
        let mut guard = maps.lock().unwrap_or_else(|e| e.into_inner());
        let map: &'static ToUnicode = guard.entry(self).or_insert_with(|| {
            Box::leak(Box::new(ToUnicode::parse(self.ucs2_source().as_bytes())))
        });
        map
    }

    /// The source text of one predefined CMap section (`%%CMap NAME` up to the next one).
    fn cmap_section(self, name: &str) -> Option<&'static str> {
        let src = self.cmaps_source();
        let head = format!("%%CMap {name}\n");
        let start = src.find(&head)? + head.len();
        let end = src[start..]
            .find("%%CMap ")
            .map_or(src.len(), |e| start + e);
        Some(&src[start..end])
    }
}

/// A predefined code → CID CMap by name (`90ms-RKSJ-H`, `GBK-EUC-H`, `B5pc-V`, …) with the
/// collection its CIDs belong to. `None` for names not in the data (Identity-H/V and the
/// `Uni*` CMaps included).
pub fn cmap(name: &str) -> Option<(Arc<CidCMap>, Collection)> {
    type Cache = HashMap<String, Option<(Arc<CidCMap>, Collection)>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
        return hit.clone();
    }
    let loaded = load(name, 0);
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(name.to_string(), loaded.clone());
    loaded
}

fn load(name: &str, depth: u8) -> Option<(Arc<CidCMap>, Collection)> {
    // usecmap chains in the data are one level deep; the bound only stops a cycle.
    if depth > 4 {
        return None;
    }
    let (coll, src) = Collection::ALL
        .iter()
        .find_map(|&c| Some((c, c.cmap_section(name)?)))?;
    let mut cm = CidCMap::parse(src.as_bytes());
    if let Some(parent) = cm.usecmap.clone() {
        cm.parent = Some(load(&parent, depth + 1)?.0);
    }
    Some((Arc::new(cm), coll))
}

/// Resolves a `usecmap` of an embedded CMap stream against the predefined CMaps.
pub fn attach_parent(cm: &mut CidCMap) -> Option<Collection> {
    let (parent, coll) = cmap(cm.usecmap.as_deref()?)?;
    cm.parent = Some(parent);
    Some(coll)
}

/// Every predefined CMap name in the data, per collection (for tests and audits).
pub fn names() -> Vec<(Collection, &'static str)> {
    let mut out = Vec::new();
    for c in Collection::ALL {
        for line in c.cmaps_source().lines() {
            if let Some(n) = line.strip_prefix("%%CMap ") {
                out.push((c, n));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_across_collections() {
        let (rksj, coll) = cmap("90ms-RKSJ-H").unwrap();
        assert_eq!(coll, Collection::Japan1);
        // 予 = 0x975C in Shift_JIS.
        let codes = rksj.codes(&[0x97, 0x5C, 0x41, 0xB1]);
        assert_eq!(codes, vec![0x975C, 0x41, 0xB1]);
        let text: Vec<_> = codes
            .iter()
            .map(|&c| coll.text(rksj.cid(c).unwrap()).unwrap())
            .collect();
        assert_eq!(text, ["予", "A", "ｱ"]);

        // The vertical CMap inherits the horizontal one and maps 、 to its vertical CID,
        // whose text is the horizontal form.
        let (v, _) = cmap("90ms-RKSJ-V").unwrap();
        assert_eq!(v.wmode, 1);
        assert_eq!(v.cid(0x8141), Some(7887));
        assert_eq!(Collection::Japan1.text(7887), Some("、"));
        assert_eq!(v.cid(0x975C), rksj.cid(0x975C));

        let (gbk, coll) = cmap("GBK-EUC-H").unwrap();
        assert_eq!(coll, Collection::Gb1);
        // 中文 in GBK.
        let s: String = gbk
            .codes(&[0xD6, 0xD0, 0xCE, 0xC4])
            .into_iter()
            .map(|c| coll.text(gbk.cid(c).unwrap()).unwrap())
            .collect();
        assert_eq!(s, "中文");

        let (ksc, coll) = cmap("KSC-EUC-H").unwrap();
        assert_eq!(coll, Collection::Korea1);
        // 한 in EUC-KR.
        let cid = ksc.cid(ksc.next_code(&[0xC7, 0xD1]).0).unwrap();
        assert_eq!(coll.text(cid), Some("한"));

        let (b5, coll) = cmap("B5pc-H").unwrap();
        assert_eq!(coll, Collection::Cns1);
        // 中 in Big5.
        assert_eq!(coll.text(b5.cid(0xA4A4).unwrap()), Some("中"));

        assert!(cmap("Identity-H").is_none());
        assert!(cmap("UniJIS-UCS2-H").is_none());
        assert!(cmap("No-Such-CMap").is_none());
    }

    /// The tables `text` reads — the one compiled at build time and the one parsed at run
    /// time — give, for every CID of every collection, what the parsed ToUnicode map gives;
    /// and both exist for each (no collection falls back).
    #[test]
    fn dense_collection_text_equals_the_parsed_map() {
        for c in Collection::ALL {
            let d = c
                .dense()
                .unwrap_or_else(|| panic!("{}: not in the generated form", c.name()));
            let compiled = c
                .compiled()
                .unwrap_or_else(|| panic!("{}: no table compiled at build time", c.name()));
            assert_eq!(compiled.entries, d.entries, "{}", c.name());
            let map = &c.to_unicode().map;
            assert!(map.len() > 10_000, "{}: {} entries", c.name(), map.len());
            for cid in 0..=0x1_0000u32 {
                let want = map.get(&cid).map(String::as_str);
                assert_eq!(d.get(cid), want, "{} CID {cid}", c.name());
                assert_eq!(compiled.get(cid), want, "{} CID {cid} (compiled)", c.name());
                assert_eq!(c.text(cid), want, "{} CID {cid} (text)", c.name());
            }
            assert!(map.keys().all(|&k| k <= 0xFFFF));
        }
        // Not the generated form: the parsed map serves.
        let parse = |s: &str| DenseText::parse(s, Some(crate::ingest::cmap::utf16_plus));
        assert!(parse("1 beginbfrange\n<0001> <0002> <0041>\n").is_none());
        assert!(parse("/CIDInit /ProcSet findresource begin\n").is_none());
        assert!(parse("1 beginbfchar\n<0001> <0041>\nendbfchar\n").is_some());
        // An odd-length destination needs the library's `utf16_plus` (the build script
        // has none, and then compiles no table).
        let odd = "1 beginbfrange\n<0001> <0002> <004100>\nendbfrange\n";
        assert!(parse(odd).is_some());
        assert!(DenseText::parse(odd, None).is_none());
        // A compact table of the wrong size is not read.
        assert!(Compact::new("", &[0; 8]).is_none());
    }

    #[test]
    fn collections_by_system_info() {
        assert_eq!(
            Collection::from_system_info("Adobe", "Japan1"),
            Some(Collection::Japan1)
        );
        assert_eq!(Collection::from_system_info("Adobe", "Identity"), None);
        assert_eq!(Collection::from_system_info("Unidocs", "Korea1"), None);
        // Variation selectors are dropped: CID 1133 is 逢 (U+9022 U+E0100 in Adobe's map).
        assert_eq!(Collection::Japan1.text(1133), Some("逢"));
        assert_eq!(Collection::Japan1.text(0), None);
    }

    #[test]
    fn every_cmap_in_the_data_loads_undamaged() {
        let all = names();
        assert!(all.len() >= 90, "{} CMaps", all.len());
        for (coll, n) in all {
            let (cm, c) = cmap(n).unwrap_or_else(|| panic!("{n} does not load"));
            assert_eq!(c, coll, "{n}");
            assert!(!cm.damaged, "{n} damaged");
            assert!(!cm.codespace().is_empty(), "{n} has no codespace");
            assert!(
                cm.entries().next().is_some() || cm.parent.is_some(),
                "{n} has no mappings"
            );
        }
    }

    /// The generated data against the Adobe files it came from, every code of every CMap
    /// and every CID of every collection. Needs Debian's poppler-data.
    #[test]
    fn data_round_trips_against_poppler_data() {
        let root = std::path::Path::new("/usr/share/poppler/cMap");
        assert!(root.is_dir(), "poppler-data not installed");
        let mut checked = 0usize;
        for (coll, n) in names() {
            let bytes = std::fs::read(root.join(coll.name()).join(n)).unwrap();
            let mut src = CidCMap::parse(&bytes);
            if src.usecmap.is_some() {
                attach_parent(&mut src).unwrap();
            }
            let (ours, _) = cmap(n).unwrap();
            assert_eq!(ours.codespace(), src.codespace(), "{n}");
            for (code, cid) in src.entries() {
                assert_eq!(ours.cid(code), Some(cid), "{n} code {code:#x}");
                checked += 1;
            }
            for (code, cid) in ours.entries() {
                assert_eq!(src.cid(code), Some(cid), "{n} code {code:#x} not in source");
            }
        }
        for coll in Collection::ALL {
            let path = root.join(coll.name()).join(format!("{}-UCS2", coll.name()));
            let src = ToUnicode::parse(&std::fs::read(path).unwrap());
            let vs = |c: &char| {
                let u = *c as u32;
                (0xFE00..=0xFE0F).contains(&u) || (0xE0100..=0xE01EF).contains(&u)
            };
            for (cid, text) in &src.map {
                let want: String = text.chars().filter(|c| !vs(c)).collect();
                let want = (!want.is_empty() && want != "\u{FFFD}").then_some(want);
                assert_eq!(
                    coll.text(*cid).map(String::from),
                    want,
                    "{coll:?} CID {cid}"
                );
                checked += 1;
            }
        }
        assert!(checked > 100_000, "{checked}");
    }
}
