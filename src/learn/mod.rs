//! Deriving mapping tables: from anchors, from font files, from a PDF corpus's ToUnicode,
//! and from garbled text itself.

pub mod anchors;
pub mod corpus;
pub mod decipher;
pub mod font_file;
pub mod merge;
pub mod order_fit;
pub mod pdf_votes;
pub mod permutation;
pub mod simulate;
