//! Speed changes of PDF extraction change no output (issue 19), checked without the old
//! binary: each faster path is compared with the slower one it replaced, on every file of
//! the real-world corpus (`../shared/corpus/realworld/pdf`).
//!
//! * Content streams: `ingest::content::lexer::Operations` (our tokenizer, falling back to
//!   lopdf) yields exactly the operations and errors of lopdf's `Content::decode_iter`, for
//!   every stream object of every file — page contents, forms, and also fonts, images and
//!   whatever else, as arbitrary input.
//! * The language model is parsed only when a document has unresolved glyphs: the lazy
//!   handle's bytes (hashed into a batch manifest) are the parsed model's (`lm.rs`), and
//!   extraction through the pipeline gives the same document as extraction plus
//!   self-learning called the way it was before (always).

use crate::common;
use glyphmend::ingest::content::lexer::Operations;
use std::path::PathBuf;

fn realworld() -> Vec<PathBuf> {
    let dir = common::repo().join("../shared/corpus/realworld/pdf");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (needs ../shared/corpus/realworld)", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "only {} real-world PDFs", files.len());
    files
}

fn show(r: lopdf::Result<lopdf::content::Operation>) -> String {
    match r {
        Ok(op) => format!("{op:?}"),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn content_operations_equal_lopdfs_on_every_realworld_stream() {
    let (mut streams, mut ops, mut fast_streams) = (0usize, 0usize, 0usize);
    for file in realworld() {
        let doc =
            lopdf::Document::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (id, obj) in &doc.objects {
            let lopdf::Object::Stream(s) = obj else {
                continue;
            };
            let bytes = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            let mut it = Operations::new(&bytes);
            let fast: Vec<String> = it.by_ref().map(show).collect();
            if it.handed_over().is_none() {
                fast_streams += 1;
            }
            let slow: Vec<String> = lopdf::content::Content::decode_iter(&bytes)
                .map(show)
                .collect();
            assert!(
                fast == slow,
                "{} object {id:?}: {} operations vs lopdf's {}",
                file.display(),
                fast.len(),
                slow.len()
            );
            streams += 1;
            ops += fast.len();
        }
    }
    eprintln!("{streams} streams, {ops} operations, {fast_streams} streams read without lopdf");
    assert!(
        streams > 1000 && ops > 100_000,
        "{streams} streams, {ops} operations"
    );
}
