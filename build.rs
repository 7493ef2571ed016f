//! Precompiles the shipped mapping tables (`mappings/*.table`, listed in
//! `mappings/builtin.rs.in`) into the binary form of `tables::compiled`, so a process
//! that needs one copies arrays instead of parsing text. The parser, the expansion and the
//! encoding are those of the library (the `glyphmend-table-format` crate, which the library
//! re-exports as `glyphmend::tables`); a test checks that each precompiled table equals its
//! parsed text. Nothing is downloaded. A table that fails to parse is left out with a
//! warning: the crate then parses it at run time, which reports the error.
//!
//! It also compiles each character collection's CID → Unicode map (`data/cmaps/*.ucs2`)
//! into the compact table of `ingest::predefined::dense` (the same module, included
//! below), read in place at run time; a map not in the generated form gets an empty
//! table, and the crate parses that map at run time. And the glyph list
//! (`data/glyphlist.tsv`) into sorted static tables (`ingest::font::glyphlist`).

use glyphmend_table_format as tables;
use std::path::PathBuf;

const BUILTIN: &[(&str, &str)] = &include!("mappings/builtin.rs.in");

// The library's own module: the build script uses its parse and its compact form.
#[allow(dead_code)]
#[path = "src/ingest/predefined/dense.rs"]
mod dense;

// The library's own module: the build script compiles the glyph list with it.
#[allow(dead_code)]
#[path = "src/ingest/font/glyphlist.rs"]
mod glyphlist;

/// The collections whose `.ucs2` maps `ingest::predefined` embeds.
const COLLECTIONS: [&str; 5] = [
    "Adobe-Japan1",
    "Adobe-GB1",
    "Adobe-CNS1",
    "Adobe-Korea1",
    "Adobe-KR",
];

fn main() {
    // The table-format crate is a build dependency: a change to it (or to the repertoires
    // it embeds) rebuilds and so reruns this script.
    for path in [
        "build.rs",
        "mappings",
        "data/cmaps",
        "data/glyphlist.tsv",
        "models/ja-char.lm",
        "src/ingest/predefined/dense.rs",
        "src/ingest/font/glyphlist.rs",
    ] {
        println!("cargo::rerun-if-changed={path}");
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    let glyphs = match std::fs::read_to_string("data/glyphlist.tsv") {
        Ok(text) => glyphlist::to_rust(&glyphlist::parse(&text)),
        Err(e) => {
            println!("cargo::error=reading data/glyphlist.tsv: {e}");
            return;
        }
    };
    if let Err(e) = std::fs::write(out_dir.join("glyphlist_compiled.rs"), glyphs) {
        println!("cargo::error=writing glyphlist_compiled.rs: {e}");
        return;
    }
    if let Err(e) = compile_collections(&out_dir) {
        println!("cargo::error={e}");
        return;
    }
    let mut list = String::from("[\n");
    // sha256 of each table's canonical text (`FontTable::to_text`), which a batch's manifest
    // records: rendering every table to text cost a batch 0.2 CPU-s before its first input.
    let mut digests = String::from("[\n");
    for (file, text) in BUILTIN {
        let compiled = tables::text::parse(file, text).and_then(|t| {
            let (map, rule_of) = tables::rule::expand(&t.name, &t.rules)?;
            digests.push_str(&format!(
                "    ({:?}, {:?}),\n",
                t.name,
                sha256_hex(tables::text::render(&t.header()).as_bytes()),
            ));
            Ok(tables::compiled::encode(&t, &map, &rule_of))
        });
        let bytes = match compiled {
            Ok(b) => b,
            Err(e) => {
                println!("cargo::warning={e}; the table will be parsed at run time");
                continue;
            }
        };
        let bin = format!("{}.bin", file.replace(['/', '.'], "_"));
        if let Err(e) = std::fs::write(out_dir.join(&bin), bytes) {
            println!("cargo::error=writing {bin}: {e}");
            return;
        }
        list.push_str(&format!(
            "    ({file:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{bin}\")) as &[u8]),\n"
        ));
    }
    list.push(']');
    if let Err(e) = std::fs::write(out_dir.join("builtin_compiled.rs"), list) {
        println!("cargo::error=writing builtin_compiled.rs: {e}");
    }
    digests.push(']');
    if let Err(e) = std::fs::write(out_dir.join("builtin_digests.rs"), digests) {
        println!("cargo::error=writing builtin_digests.rs: {e}");
    }
    let model = match std::fs::read("models/ja-char.lm") {
        Ok(bytes) => sha256_hex(&bytes),
        Err(e) => {
            println!("cargo::error=reading models/ja-char.lm: {e}");
            return;
        }
    };
    if let Err(e) = std::fs::write(
        out_dir.join("builtin_model_digest.rs"),
        format!("{model:?}"),
    ) {
        println!("cargo::error=writing builtin_model_digest.rs: {e}");
    }
}

/// Lower-case hex sha256, as `hex::encode(Sha256::digest(..))` writes it.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `NAME.dense.txt` and `NAME.dense.bin` (the compact form) for each collection;
/// both empty when its map is not in the generated form.
fn compile_collections(out_dir: &std::path::Path) -> Result<(), String> {
    for name in COLLECTIONS {
        let path = format!("data/cmaps/{name}.ucs2");
        let src = std::fs::read_to_string(&path).map_err(|e| format!("reading {path}: {e}"))?;
        let (text, table) = dense::DenseText::parse(&src, None)
            .and_then(|d| d.compact())
            .unwrap_or_else(|| {
                println!("cargo::warning={path}: not in the generated form; parsed at run time");
                (String::new(), Vec::new())
            });
        for (file, bytes) in [
            (format!("{name}.dense.txt"), text.into_bytes()),
            (format!("{name}.dense.bin"), table),
        ] {
            std::fs::write(out_dir.join(&file), bytes)
                .map_err(|e| format!("writing {file}: {e}"))?;
        }
    }
    Ok(())
}
