//! Precompiles the shipped mapping tables (`mappings/*.table`, listed in
//! `mappings/builtin.rs.in`) into the binary form of `tables::compiled`, so a process
//! that needs one copies arrays instead of parsing text. The parser, the expansion and the
//! encoding are those of the library (the `glyphmend-table-format` crate, which the library
//! re-exports as `glyphmend::tables`); a test checks that each precompiled table equals its
//! parsed text. Nothing is downloaded. A table that fails to parse is left out with a
//! warning: the crate then parses it at run time, which reports the error.

use glyphmend_table_format as tables;
use std::path::PathBuf;

const BUILTIN: &[(&str, &str)] = &include!("mappings/builtin.rs.in");

fn main() {
    // The table-format crate is a build dependency: a change to it (or to the repertoires
    // it embeds) rebuilds and so reruns this script.
    for path in ["build.rs", "mappings"] {
        println!("cargo::rerun-if-changed={path}");
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        println!("cargo::error=OUT_DIR is not set");
        return;
    };
    let mut list = String::from("[\n");
    for (file, text) in BUILTIN {
        let compiled = tables::text::parse(file, text).and_then(|t| {
            let (map, rule_of) = tables::rule::expand(&t.name, &t.rules)?;
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
}
