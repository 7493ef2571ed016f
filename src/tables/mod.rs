//! Per-font glyph-ID → Unicode tables, kept as reviewable data in `mappings/`.
//!
//! A [`FontTable`] is built from [`Rule`]s (repertoire-order blocks and single glyphs, each
//! with its provenance and confidence) and expanded once into a flat array indexed by glyph
//! ID, so a lookup is one bounds check and one load.
//!
//! The shipped tables' text (`mappings/*.table`) is the source of truth; `build.rs` also
//! precompiles each into its rules and flat arrays ([`compiled`]), which a process loads
//! instead of parsing the text (a test checks both give the same table).

pub mod outlines;

// The format (parser, repertoires, rules, compiled form) is its own crate, which the build
// script precompiling the shipped tables uses too.
pub use glyphmend_table_format::{compiled, format, repertoire, rule, text};

pub use rule::{MAX_GID, Rule, RuleKind};

use crate::error::{Error, Result};
use std::path::Path;

/// A decoded glyph: the character and the rule that gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoded {
    /// The character.
    pub ch: char,
    /// Index into the table's `rules` of the rule that gave it.
    pub rule: u16,
}

/// One font profile's glyph-ID → Unicode table.
#[derive(Debug, Clone)]
pub struct FontTable {
    /// Profile name, also the file stem in `mappings/`.
    pub name: String,
    /// Free-text description, from the `table` statement.
    pub description: String,
    /// PostScript BaseFont names (subset tag removed) this table is for.
    pub basefonts: Vec<String>,
    /// Optional fingerprint (e.g. `glyphs=15761`) to tell versions of one BaseFont apart.
    pub fingerprint: Option<String>,
    /// Whether `repair` may apply this table to plain text. Tables learned for PDFs only
    /// (with no evidence from text) can opt out.
    pub text: bool,
    /// The table's rules in file order (later glyph rules override blocks).
    pub rules: Vec<Rule>,
    /// gid → char as u32, 0 = no entry.
    map: Vec<u32>,
    /// gid → index into `rules`.
    rule_of: Vec<u16>,
}

impl FontTable {
    /// Builds a table from rules. Later glyph rules override blocks; blocks never override
    /// an entry already set (the file lists blocks in order of trust).
    pub fn from_rules(name: &str, rules: Vec<Rule>) -> Result<Self> {
        let mut t = FontTable {
            name: name.to_string(),
            description: String::new(),
            basefonts: Vec::new(),
            fingerprint: None,
            text: true,
            rules,
            map: Vec::new(),
            rule_of: Vec::new(),
        };
        (t.map, t.rule_of) = rule::expand(&t.name, &t.rules)?;
        Ok(t)
    }

    /// The character of glyph `gid`, if the table knows it.
    #[inline]
    pub fn get(&self, gid: u32) -> Option<char> {
        match self.map.get(gid as usize) {
            Some(&u) if u != 0 => char::from_u32(u),
            _ => None,
        }
    }

    /// The character and the index of the rule behind it.
    #[inline]
    pub fn decode(&self, gid: u32) -> Option<Decoded> {
        let ch = self.get(gid)?;
        Some(Decoded {
            ch,
            rule: self.rule_of[gid as usize],
        })
    }

    /// The rule behind a decoded glyph.
    pub fn rule(&self, idx: u16) -> Option<&Rule> {
        self.rules.get(idx as usize)
    }

    /// Number of glyph IDs with an entry.
    pub fn len(&self) -> usize {
        self.map.iter().filter(|&&u| u != 0).count()
    }

    /// True if no glyph ID has an entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Iterates (gid, char) over all entries, in gid order.
    pub fn entries(&self) -> impl Iterator<Item = (u32, char)> + '_ {
        self.map
            .iter()
            .enumerate()
            .filter_map(|(g, &u)| char::from_u32(u).filter(|_| u != 0).map(|c| (g as u32, c)))
    }

    /// Parses a table file's text. `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self> {
        Self::from_text(text::parse(file, text)?)
    }

    /// The table of a parsed file.
    pub fn from_text(parsed: text::TableText) -> Result<Self> {
        let (map, rule_of) = rule::expand(&parsed.name, &parsed.rules)?;
        Ok(Self::assemble(parsed, map, rule_of))
    }

    /// A shipped table from its precompiled form ([`compiled`]), `None` if the bytes do
    /// not decode.
    fn from_compiled(bytes: &[u8]) -> Option<Self> {
        let (parsed, map, rule_of) = compiled::decode(bytes)?;
        Some(Self::assemble(parsed, map, rule_of))
    }

    /// A parsed table with its expansion (`rule::expand` of its rules, computed now or at
    /// build time): the one place a file's header becomes a table's.
    fn assemble(parsed: text::TableText, map: Vec<u32>, rule_of: Vec<u16>) -> Self {
        FontTable {
            name: parsed.name,
            description: parsed.description,
            basefonts: parsed.basefonts,
            fingerprint: parsed.fingerprint,
            text: parsed.text,
            rules: parsed.rules,
            map,
            rule_of,
        }
    }

    /// A shipped table: its precompiled form if `build.rs` made one, else its text parsed.
    fn builtin(file: &str, text: &str) -> Result<Self> {
        BUILTIN_COMPILED
            .iter()
            .find(|(f, _)| *f == file)
            .and_then(|(_, bytes)| Self::from_compiled(bytes))
            .map_or_else(|| Self::parse(file, text), Ok)
    }

    /// Reads a table file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&path.display().to_string(), &text)
    }

    /// Writes the table in the text format. `parse(to_text())` gives back the same rules.
    pub fn to_text(&self) -> String {
        text::render(&text::TableHeader {
            name: &self.name,
            description: &self.description,
            basefonts: &self.basefonts,
            fingerprint: self.fingerprint.as_deref(),
            text: self.text,
            rules: &self.rules,
        })
    }
}

/// All tables known to a run: the shipped `mappings/` plus any the user points at.
#[derive(Debug, Clone, Default)]
pub struct TableSet {
    /// The tables, in load order; names are unique (see [`TableSet::extend`]).
    pub tables: Vec<FontTable>,
}

impl TableSet {
    /// The tables shipped in this crate's `mappings/` (compiled in, so the binary works
    /// from any directory).
    pub fn builtin() -> Result<Self> {
        let mut tables = Vec::new();
        for (file, text) in BUILTIN {
            tables.push(FontTable::builtin(file, text)?);
        }
        Ok(TableSet { tables })
    }

    /// Loads every `*.table` in `dir`, sorted by file name (deterministic order).
    pub fn load_dir(dir: &Path) -> Result<Self> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "table"))
            .collect();
        paths.sort();
        let mut tables = Vec::new();
        for p in paths {
            tables.push(FontTable::load(&p)?);
        }
        Ok(TableSet { tables })
    }

    /// Adds tables, replacing any of the same name.
    pub fn extend(&mut self, other: TableSet) {
        for t in other.tables {
            self.tables.retain(|x| x.name != t.name);
            self.tables.push(t);
        }
    }

    /// The table named `name`.
    pub fn get(&self, name: &str) -> Option<&FontTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The table for a PDF BaseFont: matched on [`canonical_basefont`] of both names (subset
    /// tag, `@`, CMap suffix and style suffix removed, Japanese names to PostScript names).
    pub fn for_basefont(&self, basefont: &str) -> Option<&FontTable> {
        let bare = canonical_basefont(basefont);
        self.tables
            .iter()
            .find(|t| t.basefonts.iter().any(|b| canonical_basefont(b) == bare))
    }

    /// Every table bound to a PDF BaseFont (see [`Self::for_basefont`]), in set order.
    pub fn all_for_basefont(&self, basefont: &str) -> Vec<&FontTable> {
        let bare = canonical_basefont(basefont);
        self.tables
            .iter()
            .filter(|t| t.basefonts.iter().any(|b| canonical_basefont(b) == bare))
            .collect()
    }

    /// Tables `repair` may apply to plain text.
    pub fn text_tables(&self) -> impl Iterator<Item = &FontTable> {
        self.tables.iter().filter(|t| t.text)
    }
}

/// `ABCDEF+MS-Gothic` → `MS-Gothic`. A tag is exactly six uppercase letters and `+`.
pub fn strip_subset_tag(basefont: &str) -> &str {
    let b = basefont.as_bytes();
    if b.len() > 7 && b[6] == b'+' && b[..6].iter().all(|c| c.is_ascii_uppercase()) {
        &basefont[7..]
    } else {
        basefont
    }
}

/// Predefined CMap names (PDF 32000-1 Table 118, Japanese part, plus Identity) that
/// Distiller and others append to a Type0 BaseFont (`MS-Mincho-90ms-RKSJ-H`).
const CMAP_SUFFIXES: &[&str] = &[
    "Identity",
    "90ms-RKSJ",
    "90msp-RKSJ",
    "90pv-RKSJ",
    "83pv-RKSJ",
    "Add-RKSJ",
    "Ext-RKSJ",
    "RKSJ",
    "EUC",
    "Add",
    "Ext",
    "NWP",
    "UniJIS-UCS2",
    "UniJIS-UCS2-HW",
    "UniJIS-UTF16",
    "UniJIS-UTF8",
    "UniJIS-UTF32",
    "UniJIS2004-UTF16",
    "UniJIS2004-UTF8",
    "UniJIS2004-UTF32",
    "UniJISPro-UCS2",
    "UniJISPro-UCS2-HW",
    "UniJISPro-UTF8",
    "UniJISX0213-UTF32",
    "UniJISX02132004-UTF32",
];

/// Style suffixes of a BaseFont that name a synthesized or sibling style of one font.
const STYLE_SUFFIXES: &[&str] = &[
    ",Bold",
    ",Italic",
    ",BoldItalic",
    "-Bold",
    "-Italic",
    "-BoldItalic",
];

/// Japanese (and spaced) names of the Windows fonts → their PostScript names. A PDF writer
/// that takes the family name writes it in Shift_JIS (`#82l#82r#96#BE#92#A9`); the
/// document reader decodes names as lossy UTF-8, so both the Unicode name and the lossy
/// form of its Shift_JIS bytes are recognised (computed in [`japanese_names`], not typed).
const JAPANESE_NAMES: &[(&str, &str)] = &[
    ("ＭＳ 明朝", "MS-Mincho"),
    ("ＭＳ Ｐ明朝", "MS-PMincho"),
    ("ＭＳ ゴシック", "MS-Gothic"),
    ("ＭＳ Ｐゴシック", "MS-PGothic"),
    ("MS UI Gothic", "MS-UIGothic"),
    ("メイリオ", "Meiryo"),
    ("游ゴシック", "YuGothic"),
    ("游明朝", "YuMincho"),
    // Word writes Yu fonts as family + style (`游ゴシック Bold`): the weights are separate
    // fonts, so the style is kept.
    ("游ゴシック Light", "YuGothic-Light"),
    ("游ゴシック Regular", "YuGothic-Regular"),
    ("游ゴシック Medium", "YuGothic-Medium"),
    ("游ゴシック Bold", "YuGothic-Bold"),
    ("游明朝 Light", "YuMincho-Light"),
    ("游明朝 Regular", "YuMincho-Regular"),
    ("游明朝 Demibold", "YuMincho-Demibold"),
    ("Meiryo UI", "MeiryoUI"),
    ("メイリオ UI", "MeiryoUI"),
    // The HG fonts bundled with Microsoft Office (PostScript names as embedded PDFs show
    // them next to the Japanese ones with the same glyph count).
    ("HGｺﾞｼｯｸE", "HGGothicE"),
    ("HGPｺﾞｼｯｸE", "HGPGothicE"),
    ("HGSｺﾞｼｯｸE", "HGSGothicE"),
    ("HGｺﾞｼｯｸM", "HGGothicM"),
    ("HGPｺﾞｼｯｸM", "HGPGothicM"),
    ("HGSｺﾞｼｯｸM", "HGSGothicM"),
    ("HG丸ｺﾞｼｯｸM-PRO", "HGMaruGothicMPRO"),
    ("HG明朝E", "HGMinchoE"),
    ("HGP明朝E", "HGPMinchoE"),
    ("HGS明朝E", "HGSMinchoE"),
    ("HG明朝B", "HGMinchoB"),
    ("HGP明朝B", "HGPMinchoB"),
    ("HGS明朝B", "HGSMinchoB"),
    ("HG創英角ｺﾞｼｯｸUB", "HGSoeiKakugothicUB"),
    ("HGP創英角ｺﾞｼｯｸUB", "HGPSoeiKakugothicUB"),
    ("HGS創英角ｺﾞｼｯｸUB", "HGSSoeiKakugothicUB"),
    ("HG創英角ﾎﾟｯﾌﾟ体", "HGSoeiKakupoptai"),
    ("HGP創英角ﾎﾟｯﾌﾟ体", "HGPSoeiKakupoptai"),
    ("HGS創英角ﾎﾟｯﾌﾟ体", "HGSSoeiKakupoptai"),
];

/// Every recognised spelling of [`JAPANESE_NAMES`] (spaces removed) → PostScript name.
fn japanese_names() -> &'static std::collections::HashMap<String, &'static str> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = std::collections::HashMap::new();
        for &(jp, ps) in JAPANESE_NAMES {
            let bare: String = jp.chars().filter(|c| *c != ' ').collect();
            let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&bare);
            m.insert(String::from_utf8_lossy(&sjis).into_owned(), ps);
            let (sjis_sp, _, _) = encoding_rs::SHIFT_JIS.encode(jp);
            m.insert(String::from_utf8_lossy(&sjis_sp).into_owned(), ps);
            m.insert(bare, ps);
            m.insert(jp.to_string(), ps);
        }
        m
    })
}

/// The name a table binds to: `OGNPJD+MS-Mincho-90ms-RKSJ-H` → `MS-Mincho`,
/// `ABCDEE+MS-Gothic,Bold` → `MS-Gothic`, `@ＭＳ 明朝` (or its lossy Shift_JIS form) →
/// `MS-Mincho`. Subset tag, vertical `@`, one CMap suffix and one style suffix are removed,
/// in that order; other names are returned as they are (after those removals).
pub fn canonical_basefont(basefont: &str) -> String {
    let mut s = strip_subset_tag(basefont);
    s = s.strip_prefix('@').unwrap_or(s);
    for wm in ["-H", "-V"] {
        if let Some(stem) = s.strip_suffix(wm) {
            // Longest CMap name first: `-90ms-RKSJ` before `-RKSJ`.
            if let Some(rest) = CMAP_SUFFIXES
                .iter()
                .filter_map(|c| stem.strip_suffix(c)?.strip_suffix('-'))
                .min_by_key(|r| r.len())
                .filter(|r| !r.is_empty())
            {
                s = rest;
            }
            break;
        }
    }
    s = strip_style(s);
    let spaced_out: String = s.chars().filter(|c| *c != ' ').collect();
    match japanese_names()
        .get(s)
        .or_else(|| japanese_names().get(&spaced_out))
    {
        // The PostScript name is canonical like any other (`游ゴシック Bold` →
        // `YuGothic-Bold` → `YuGothic`, as the PostScript name itself gives).
        Some(ps) => strip_style(ps).to_string(),
        None => s.to_string(),
    }
}

/// `s` without one [`STYLE_SUFFIXES`] suffix (never down to nothing).
fn strip_style(s: &str) -> &str {
    STYLE_SUFFIXES
        .iter()
        .find_map(|st| s.strip_suffix(st).filter(|r| !r.is_empty()))
        .unwrap_or(s)
}

/// The shipped tables plus the sets added to them, decoded on first use
/// ([`LazyTableSet::get`]): extracting a PDF reads only the shipped tables of its fonts
/// ([`builtin_for_basefont`]), so a process that repairs no text never decodes them all.
///
/// Invariant: `get` gives exactly `TableSet::builtin()` extended, in order, by every set
/// passed to [`LazyTableSet::extend`], whether it is first called before or after them
/// (tested).
#[derive(Debug, Clone)]
pub struct LazyTableSet {
    /// Every set added, merged in order (`TableSet::extend` is a sequence of replacements
    /// by name, so merging the added sets first gives the same set).
    added: TableSet,
    decoded: std::sync::OnceLock<TableSet>,
}

impl LazyTableSet {
    /// The shipped tables, not decoded yet. A shipped table `build.rs` could not precompile
    /// is parsed (and its error returned) here, as [`TableSet::builtin`] would; the others
    /// were parsed at build time.
    pub fn builtin() -> Result<Self> {
        let decoded = std::sync::OnceLock::new();
        if !BUILTIN
            .iter()
            .all(|(file, _)| BUILTIN_COMPILED.iter().any(|(f, _)| f == file))
        {
            let _ = decoded.set(TableSet::builtin()?);
        }
        Ok(LazyTableSet {
            added: TableSet::default(),
            decoded,
        })
    }

    /// Adds tables, replacing any of the same name (see [`TableSet::extend`]).
    pub fn extend(&mut self, other: TableSet) {
        if let Some(set) = self.decoded.get_mut() {
            set.extend(other.clone());
        }
        self.added.extend(other);
    }

    /// The tables, decoded on the first call. Every shipped table was parsed at build time
    /// (else [`LazyTableSet::builtin`] decoded them), so decoding cannot fail here; if the
    /// embedded forms were bad (a build defect, caught by the tests of the shipped set) the
    /// shipped tables are left out rather than a process stopped.
    pub fn get(&self) -> &TableSet {
        self.decoded.get_or_init(|| {
            let mut set = TableSet::builtin().unwrap_or_default();
            set.extend(self.added.clone());
            set
        })
    }

    /// Whether the tables have been decoded (by [`LazyTableSet::get`]).
    pub fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }
}

/// A shipped table whose rules are parsed on first use: extracting a PDF should pay only for
/// the tables of the fonts it uses, not for 3 MB of table text.
struct LazyBuiltin {
    file: &'static str,
    text: &'static str,
    basefonts: Vec<String>,
    parsed: std::sync::OnceLock<Option<FontTable>>,
}

fn lazy_builtins() -> &'static [LazyBuiltin] {
    static ALL: std::sync::OnceLock<Vec<LazyBuiltin>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|&(file, text)| {
                // Only the `table` header line is read here.
                let header = text
                    .lines()
                    .find(|l| l.trim_start().starts_with("table "))
                    .unwrap_or("");
                let basefonts = format::parse(file, header)
                    .ok()
                    .and_then(|st| st.into_iter().next())
                    .and_then(|st| st.get("basefont").map(str::to_string))
                    .map(|v| v.split(',').map(str::to_string).collect())
                    .unwrap_or_default();
                LazyBuiltin {
                    file,
                    text,
                    basefonts,
                    parsed: std::sync::OnceLock::new(),
                }
            })
            .collect()
    })
}

/// The shipped table for a PDF BaseFont (subset tag removed here), parsing only that table.
/// Same answer as `TableSet::builtin()?.for_basefont(basefont)` (tested).
pub fn builtin_for_basefont(basefont: &str) -> Option<&'static FontTable> {
    let bare = canonical_basefont(basefont);
    lazy_builtins()
        .iter()
        .find(|t| t.basefonts.iter().any(|b| canonical_basefont(b) == bare))
        .and_then(|t| {
            // A parse error is a build defect caught by the tests of the builtin set.
            t.parsed
                .get_or_init(|| FontTable::builtin(t.file, t.text).ok())
                .as_ref()
        })
}

/// Every shipped table bound to a PDF BaseFont (one per version of the font, in file
/// order), parsing only those.
pub fn builtin_tables_for_basefont(basefont: &str) -> Vec<&'static FontTable> {
    let bare = canonical_basefont(basefont);
    lazy_builtins()
        .iter()
        .filter(|t| t.basefonts.iter().any(|b| canonical_basefont(b) == bare))
        .filter_map(|t| {
            t.parsed
                .get_or_init(|| FontTable::builtin(t.file, t.text).ok())
                .as_ref()
        })
        .collect()
}

/// The shipped tables' text, embedded at build time. The list is kept by hand (it is short)
/// and a test checks it matches the directory; `build.rs` reads it too.
pub const BUILTIN: &[(&str, &str)] = &include!("../../mappings/builtin.rs.in");

/// The shipped tables precompiled by `build.rs` (see [`compiled`]), by file name as in
/// [`BUILTIN`]. A table that failed to parse at build time is missing here (a build
/// warning): it is then parsed at run time, which reports the error.
pub const BUILTIN_COMPILED: &[(&str, &[u8])] =
    &include!(concat!(env!("OUT_DIR"), "/builtin_compiled.rs"));

/// sha256 (hex) of each shipped table's canonical text ([`FontTable::to_text`]), by table
/// name, computed by `build.rs` (a test checks each against `to_text`): what a batch's
/// manifest records for the shipped tables, without rendering them at run time.
pub const BUILTIN_TEXT_SHA256: &[(&str, &str)] =
    &include!(concat!(env!("OUT_DIR"), "/builtin_digests.rs"));

#[cfg(test)]
mod tests;
