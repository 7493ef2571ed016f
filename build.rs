//! Precompiles the shipped mapping tables (`mappings/*.table`, listed in
//! `mappings/builtin.rs.in`) into the binary form of `src/tables/compiled.rs`, so a process
//! that needs one copies arrays instead of parsing text. The parser, the expansion and the
//! encoding are the crate's own (`src/tables/{format,repertoire,rule,text,compiled}.rs`,
//! compiled in here); a test checks that each precompiled table equals its parsed text.
//! Nothing is downloaded. A table that fails to parse is left out with a warning: the
//! crate then parses it at run time, which reports the error.

// The crate's table modules are compiled in whole; the build uses only part of them.
#![allow(dead_code)]

use std::path::PathBuf;

/// What the table modules need of `crate::error`.
mod error {
    #[derive(Debug)]
    pub enum Error {
        TableFormat {
            file: String,
            line: usize,
            reason: String,
        },
        UnknownRepertoire(String),
        Other(String),
    }

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Error::TableFormat { file, line, reason } => {
                    write!(f, "{file}:{line}: bad mapping table: {reason}")
                }
                Error::UnknownRepertoire(name) => write!(f, "unknown repertoire `{name}`"),
                Error::Other(s) => f.write_str(s),
            }
        }
    }

    pub type Result<T> = std::result::Result<T, Error>;
}

#[path = "build/tables.rs"]
mod tables;

const BUILTIN: &[(&str, &str)] = &include!("mappings/builtin.rs.in");

fn main() {
    for path in [
        "build.rs",
        "build",
        "mappings",
        "data/repertoires",
        "src/tables/compiled.rs",
        "src/tables/format.rs",
        "src/tables/repertoire.rs",
        "src/tables/rule.rs",
        "src/tables/text.rs",
    ] {
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
