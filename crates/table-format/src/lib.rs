//! The format of glyphmend's per-font glyph-ID → Unicode mapping tables (`mappings/*.table`):
//! the statement syntax ([`format`](mod@format)), its meaning as rules ([`text`],
//! [`rule`]), the character repertoires blocks are ordered by ([`repertoire`]), and the
//! precompiled binary form ([`compiled`]).
//!
//! A crate of its own, with no dependencies, because both glyphmend (which re-exports these
//! modules as `glyphmend::tables::…`) and glyphmend's build script (which precompiles the
//! shipped tables into [`compiled`] form) use it: one parser, so a precompiled table is the
//! table its text gives.
//!
//! Invariants: parsing never panics on any input (a bad line is an [`Error::TableFormat`]
//! naming its file and line); the repertoires are the checked-in `data/repertoires` files;
//! [`compiled::decode`] rejects any damaged or truncated input.

#![deny(missing_docs)]

pub mod compiled;
mod error;
pub mod format;
pub mod repertoire;
pub mod rule;
pub mod text;

pub use error::{Error, Result};

/// The shipped tables' text, for tests that run the parser over real tables.
#[cfg(test)]
pub(crate) const BUILTIN: &[(&str, &str)] = &include!("../../../mappings/builtin.rs.in");
