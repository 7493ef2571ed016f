//! Deriving mapping tables: from anchors, from font files, from a PDF corpus's ToUnicode,
//! and from garbled text itself.

pub mod anchors;
