//! One resolution per distinct (font, code, glyph ID) of a document, and the glyphs counted
//! by the source that resolved them.

use super::resolve::{self, FontResolver, MappingSource};
use super::{Stats, content};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// The document's glyph resolutions, one per distinct (font, code, glyph ID): a glyph's
/// resolution depends on nothing else (the resolver's lazily matched table is the same for
/// every glyph of the font), so a code drawn a thousand times is resolved once, in the order
/// the glyphs come (the first use of a font's table, and its warnings, stay where they were).
#[derive(Default)]
pub(super) struct Memo {
    index: HashMap<(usize, u32, Option<u32>), usize, BuildHasherDefault<KeyHasher>>,
    pub(super) entries: Vec<Resolution>,
}

/// One memoised resolution and how many glyphs used it.
pub(super) struct Resolution {
    pub(super) resolved: resolve::Resolved,
    /// Unresolved, with a table entry below the confidence floor.
    pub(super) in_doubt: bool,
    /// Glyphs laid out with it (an overprint dropped by layout is not counted).
    pub(super) glyphs: std::cell::Cell<usize>,
}

impl Memo {
    /// The resolution of `g` (resolved on first sight).
    pub(super) fn resolve(&mut self, resolvers: &[FontResolver], g: &content::RawGlyph) -> usize {
        let next = self.entries.len();
        let k = *self.index.entry((g.font, g.code, g.gid)).or_insert(next);
        if k == next {
            let resolver = &resolvers[g.font];
            let resolved = resolver.resolve(g.code, g.gid);
            let in_doubt = resolved.source == MappingSource::Unresolved
                && g.gid.and_then(|gid| resolver.doubtful_entry(gid)).is_some();
            self.entries.push(Resolution {
                resolved,
                in_doubt,
                glyphs: std::cell::Cell::new(0),
            });
        }
        k
    }

    /// Adds the glyphs by mapping source to `stats` (under each source's kebab-case name).
    pub(super) fn count_sources(&self, stats: &mut Stats) {
        let mut by_source: Vec<(MappingSource, usize)> = Vec::new();
        for e in &self.entries {
            match by_source.iter_mut().find(|(s, _)| *s == e.resolved.source) {
                Some((_, n)) => *n += e.glyphs.get(),
                None => by_source.push((e.resolved.source, e.glyphs.get())),
            }
        }
        for (s, n) in by_source {
            if n > 0 {
                *stats.by_source.entry(source_name(s)).or_default() += n;
            }
        }
    }
}

/// A hasher for the memo's small integer keys (SipHash costs more than the lookup saves).
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }
}

fn source_name(s: MappingSource) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}
