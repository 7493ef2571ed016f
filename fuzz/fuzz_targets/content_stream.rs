#![no_main]
//! Content-stream interpreter + layout with a simple and a vertical CID font: no panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = glyphmend::ingest::fuzz_content(data);
});
