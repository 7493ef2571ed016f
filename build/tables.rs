//! The crate's table modules, compiled into `build.rs` under the paths they have in the
//! crate (`crate::tables::…`).

#[path = "../src/tables/compiled.rs"]
pub mod compiled;
#[path = "../src/tables/format.rs"]
pub mod format;
#[path = "../src/tables/repertoire.rs"]
pub mod repertoire;
#[path = "../src/tables/rule.rs"]
pub mod rule;
#[path = "../src/tables/text.rs"]
pub mod text;
