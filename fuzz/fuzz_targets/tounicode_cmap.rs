#![no_main]
//! ToUnicode CMap parser: no panic, bounded entries.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cm = glyphmend::ingest::cmap::ToUnicode::parse(data);
    assert!(cm.map.len() <= glyphmend::ingest::cmap::MAX_ENTRIES);
    let _ = cm.is_identity_map();
});
