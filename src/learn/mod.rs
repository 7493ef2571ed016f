//! (stage under construction)

pub mod font_file;
