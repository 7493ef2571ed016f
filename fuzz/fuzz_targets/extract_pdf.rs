#![no_main]
//! Whole-PDF extraction (lopdf's parser, our interpreter, fonts, layout): no panic escapes.
//! lopdf panics that `ingest::pdf` contains with `catch_unwind` are reported as unreadable
//! input, not crashes, so the abort-on-panic hook is replaced by a silent one; a panic that
//! escapes `extract_bytes` still aborts (libfuzzer-sys catches it at the boundary).
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let opts = glyphmend::ingest::ExtractOptions {
        max_stream_bytes: 1 << 20,
        ..Default::default()
    };
    let _ = glyphmend::ingest::extract_bytes(data, "fuzz.pdf", &opts);
});
