//! The batch's output files' types now live in [`crate::export::manifest`] (the output
//! format is export's); re-exported here for existing callers.

pub use crate::export::manifest::*;
