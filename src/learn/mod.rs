//! Deriving mapping tables: from anchors, from font files, from a PDF corpus's ToUnicode,
//! and from garbled text itself. [`from_pdfs::learn_pdf`] is `glyphmend learn pdf` whole.

pub mod anchors;
pub mod corpus;
pub mod decipher;
pub mod font_file;
pub mod from_pdfs;
pub mod merge;
pub mod order_fit;
pub mod pdf_votes;
pub mod permutation;
pub mod simulate;
