//! The integration tests, one binary (as ripgrep does): one link instead of one per file, and
//! one place for shared helpers (`common`). Each module is the test file of one area; run one with
//! `cargo test --test it MODULE::`.

mod batch;
mod batch_learned;
mod chromium_print;
mod cli;
mod common;
mod decide_identity;
mod decipher;
mod false_repairs;
mod lm;
mod lm_cli;
mod ms_fonts;
mod ms_repair;
mod ocr;
mod office_fonts;
mod parallel_identical;
mod parquet;
mod pdf_extract;
mod pdf_font_encodings;
mod pdf_malformed;
mod pdf_outlines;
mod pdf_page_boxes;
mod pdf_quirks;
mod pdf_rtl;
mod pdf_selflearn;
mod pdf_unruled_tables;
mod pdf_vertical_stacks;
mod pdf_votes;
mod pipeline;
mod python;
mod realworld;
mod realworld_cmaps;
mod realworld_layout;
mod records_ministry;
mod records_pdf;
mod records_seed;
mod records_synth;
mod robustness;
mod seed_repair;
mod speed_identity;
mod trust;
mod trust_unseen;
mod unknown_font;
