//! Speed changes of PDF extraction change no output (issue 19), checked without the old
//! binary: each faster path is compared with the slower one it replaced, on every file of
//! the real-world corpus (`../shared/corpus/realworld/pdf`).
//!
//! * Content streams: `ingest::content::lexer::Operations` (our tokenizer, falling back to
//!   lopdf) yields exactly the operations and errors of lopdf's `Content::decode_iter`, for
//!   every stream object of every file — page contents, forms, and also fonts, images and
//!   whatever else, as arbitrary input.
//! * Streams: `ingest::pdf::decode_stream` (zlib-rs for a lone `/FlateDecode` that inflates
//!   cleanly, else lopdf) gives exactly `decode_stream_reference`'s bytes or error (lopdf
//!   alone, whose inflater is miniz_oxide) for every stream object of every file, for
//!   damaged copies of each deflated one (truncated, bytes flipped, checksum broken), and
//!   at limits just below and at its decoded size.
//! * Object streams: `ingest::pdf::Pdf` reads them on demand; every object lopdf's eager
//!   load stores is the object `Pdf::object` returns under its id, no other id of the
//!   cross-reference data gives one, and the object count the page-tree budget scales with
//!   is lopdf's.
//! * The language model is parsed only when a document has unresolved glyphs: the lazy
//!   handle's bytes (hashed into a batch manifest) are the parsed model's (`lm.rs`), and
//!   extraction through the pipeline gives the same document as extraction plus
//!   self-learning called the way it was before (always).
//!
//! Start-up data compiled at build time is checked entry by entry where it is compiled, a
//! stronger check than any file's output: every CID of every collection
//! (`predefined::tests::dense_collection_text_equals_the_parsed_map`) and every glyph name
//! and base encoding (`font::tests::compiled_glyph_list_equals_the_parsed_maps`). The
//! lexer's exact short path for reals is covered by the content-stream test below (every
//! operand of every real-world stream) and bit for bit by
//! `lexer::tests::exact_reals_are_from_strs_values`.

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

/// Every stream object of every real-world file, with its file and object id.
fn realworld_streams() -> Vec<(PathBuf, lopdf::ObjectId, lopdf::Stream)> {
    let mut streams = Vec::new();
    for file in realworld() {
        let doc =
            lopdf::Document::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (id, obj) in doc.objects {
            if let lopdf::Object::Stream(s) = obj {
                streams.push((file.clone(), id, s));
            }
        }
    }
    streams
}

#[test]
fn objects_read_on_demand_are_lopdfs_eager_ones() {
    use glyphmend::ingest::{budget::Budget, pdf::Pdf};
    let (mut files_packed, mut checked, mut compressed) = (0usize, 0usize, 0usize);
    for file in realworld() {
        let bytes = std::fs::read(&file).expect("read");
        let eager =
            lopdf::Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let lazy = Pdf::load(&bytes, None, usize::MAX, Budget::default())
            .unwrap_or_else(|e| panic!("{}: {e:?}", file.display()));
        if lazy.doc.objects.len() < eager.objects.len() {
            files_packed += 1;
        }
        for (&id, obj) in &eager.objects {
            assert!(
                lazy.object(id) == Some(obj),
                "{}: object {id:?} differs from lopdf's",
                file.display()
            );
            checked += 1;
            if !lazy.doc.objects.contains_key(&id) {
                compressed += 1;
            }
        }
        // Every other id the file names, and the next few, gives nothing.
        let max = eager
            .reference_table
            .entries
            .keys()
            .max()
            .copied()
            .unwrap_or(0);
        for number in 0..=max + 8 {
            for generation in [0, 1] {
                let id = (number, generation);
                if !eager.objects.contains_key(&id) {
                    assert!(
                        lazy.object(id).is_none(),
                        "{}: object {id:?} is not lopdf's",
                        file.display()
                    );
                }
            }
        }
        assert_eq!(
            lazy.object_count(),
            eager.objects.len(),
            "{}: object count",
            file.display()
        );
    }
    println!("{checked} objects, {compressed} of them read on demand, in {files_packed} files");
    assert!(
        files_packed >= 10 && compressed > 10_000,
        "test premise: object streams read"
    );
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
    for (file, id, stream) in realworld_streams() {
        let s = &stream;
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
    eprintln!("{streams} streams, {ops} operations, {fast_streams} streams read without lopdf");
    assert!(
        streams > 1000 && ops > 100_000,
        "{streams} streams, {ops} operations"
    );
}

/// Damaged copies of a deflated stream's bytes: cut at several points, a run of bytes
/// flipped (in the header, the middle, the checksum), and an empty one.
fn damaged(content: &[u8]) -> Vec<Vec<u8>> {
    let n = content.len();
    let mut out = vec![Vec::new()];
    for cut in [
        1,
        2,
        n / 10,
        n / 2,
        n * 9 / 10,
        n.saturating_sub(4),
        n.saturating_sub(1),
    ] {
        out.push(content[..cut.min(n)].to_vec());
    }
    for at in [0, 1, 2, n / 3, n / 2, n * 3 / 4, n.saturating_sub(3)] {
        let mut c = content.to_vec();
        for b in c.iter_mut().skip(at).take(3) {
            *b ^= 0x5a;
        }
        out.push(c);
    }
    out
}

#[test]
fn stream_decoding_equals_lopdfs_on_every_realworld_stream_and_damaged_copies() {
    use glyphmend::ingest::pdf::{decode_stream, decode_stream_reference};
    const MAX: usize = 256 << 20;
    let (mut streams, mut flate, mut cases, mut inflated) = (0usize, 0usize, 0usize, 0usize);
    let same = |s: &lopdf::Stream, max: usize, what: &str| {
        let (fast, slow) = (decode_stream(s, max), decode_stream_reference(s, max));
        assert!(
            fast == slow,
            "{what}, limit {max}: {:?} vs lopdf's {:?}",
            fast.as_ref().map(Vec::len),
            slow.as_ref().map(Vec::len)
        );
        fast.is_ok()
    };
    for (file, id, stream) in realworld_streams() {
        let s = &stream;
        let what = format!("{} object {id:?}", file.display());
        same(s, MAX, &what);
        streams += 1;
        let Ok(full) = decode_stream_reference(s, MAX) else {
            continue;
        };
        // At its decoded size and one byte below it (over the limit).
        same(s, full.len(), &what);
        same(s, full.len().saturating_sub(1), &what);
        let is_flate =
            s.dict.get(b"Filter").ok().and_then(|f| f.as_name().ok()) == Some(&b"FlateDecode"[..]);
        if !is_flate {
            continue;
        }
        flate += 1;
        for (k, bytes) in damaged(&s.content).into_iter().enumerate() {
            let mut d = s.clone();
            d.content = bytes;
            inflated += usize::from(same(&d, MAX, &format!("{what} damaged #{k}")));
            cases += 1;
        }
    }
    eprintln!(
        "{streams} streams, {flate} deflated; {cases} damaged copies ({inflated} decoded, \
         in part or whole)"
    );
    assert!(
        streams > 1000 && flate > 500 && inflated > 1000,
        "{streams} streams, {flate} deflated, {inflated} damaged copies decoded"
    );
}
