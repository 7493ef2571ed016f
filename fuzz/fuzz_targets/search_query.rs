#![no_main]
//! The search query path (`export::search::search_in`): the nesting and limit checks,
//! tantivy's query parser with our bigram query tokenizer, ranking, snippets and highlight
//! ranges, on a small index in memory. Invariants: no panic, no stack overflow; at most
//! `limit` hits; every highlighted range lies inside its snippet on character boundaries,
//! and the character ranges agree with the byte ranges.
use glyphmend::export::search::{SearchOptions, search_in};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static INDEX: OnceLock<(tantivy::Index, glyphmend::export::index::Fields)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let (idx, f) = INDEX.get_or_init(|| {
        glyphmend::export::index::in_ram(&[
            ("a.pdf", 1, "令和６年度予算の概要\n補助基準額は２．４億円（前年度比）"),
            ("a.pdf", 2, "事業名：地域公共交通確保維持改善事業\nAND OR NOT \"引用\""),
            ("b.txt", 1, "ｶﾀｶﾅ と ひらがな、English words and 123 numbers."),
            ("c.txt", 1, "令和６年度予算の概要\n補助基準額は２．４億円（前年度比）"),
        ])
        .expect("index in memory")
    });
    for (limit, all_words, collapse) in [(3, true, true), (10, false, false)] {
        let opts = SearchOptions {
            limit,
            all_words,
            snippet_chars: 40,
            collapse_duplicates: collapse,
        };
        let Ok(hits) = search_in(idx, f, query, &opts) else {
            continue;
        };
        assert!(hits.len() <= limit);
        for h in &hits {
            assert_eq!(h.highlighted.len(), h.highlighted_chars.len());
            for (r, c) in h.highlighted.iter().zip(&h.highlighted_chars) {
                assert!(r.start <= r.end && r.end <= h.snippet.len(), "{r:?} in {:?}", h.snippet);
                assert!(h.snippet.is_char_boundary(r.start) && h.snippet.is_char_boundary(r.end));
                assert_eq!(h.snippet[..r.start].chars().count(), c.start);
                assert_eq!(h.snippet[..r.end].chars().count(), c.end);
            }
        }
    }
});
