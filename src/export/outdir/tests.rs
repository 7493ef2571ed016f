//! Unit tests of [`super::OutDir`].

use super::*;

#[test]
fn layout_is_spelled_in_one_place() {
    let o = OutDir::new("/out");
    assert_eq!(o.doc_dir("a/b.pdf"), Path::new("/out/docs/a/b.pdf"));
    assert_eq!(
        o.doc_file("a/b.pdf", DocFile::Doc),
        Path::new("/out/docs/a/b.pdf/doc.json")
    );
    assert_eq!(OutDir::doc_dir_rel("a/b.pdf"), "docs/a/b.pdf");
    assert_eq!(o.manifest_path(), Path::new("/out/manifest.json"));
}

#[test]
fn documents_round_trip_in_durable_and_scratch_directories() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = DocResult {
        path: "x/y.txt".into(),
        sha256: "0".repeat(64),
        kind: "txt".into(),
        pages: vec![],
        warnings: vec!["w".into()],
        attention: None,
    };
    let rec = ProgramRecord {
        source: Some("x/y.txt".into()),
        name: Some("事業".into()),
        ..Default::default()
    };
    let files = |o: &OutDir| -> Vec<Vec<u8>> {
        [
            o.doc_file("x/y.txt", DocFile::Text),
            o.doc_file("x/y.txt", DocFile::Doc),
            o.doc_file("x/y.txt", DocFile::Records),
        ]
        .iter()
        .map(|p| std::fs::read(p).expect("written"))
        .collect()
    };
    let mut written = Vec::new();
    for o in [
        OutDir::new(dir.path().join("durable")),
        OutDir::scratch(dir.path().join("scratch")),
    ] {
        o.write_doc(&doc, std::slice::from_ref(&rec))
            .expect("write");
        o.sync_docs(&["x/y.txt"]).expect("sync");
        let (d, r) = o.read_doc("x/y.txt").expect("read");
        assert_eq!(d, doc);
        assert_eq!(r, vec![rec.clone()]);
        written.push(files(&o));
    }
    // Only the syncing differs, never the bytes.
    assert_eq!(written[0], written[1]);
}

#[test]
fn a_scratch_directory_commits_only_its_manifest() {
    use crate::export::manifest::{Manifest, NeedsAttention, Summary};
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = Manifest {
        format: 1,
        tool: "glyphmend test".into(),
        tables_version: "t".into(),
        tables: vec![],
        model_sha256: "m".into(),
        summary: Summary::default(),
        inputs: vec![],
        skipped: vec![],
    };
    let needs_attention = NeedsAttention::of(&manifest);
    let aggregates = Aggregates {
        corpus: &[],
        records: &[],
        needs_attention: &needs_attention,
        manifest: &manifest,
    };
    let durable = OutDir::new(dir.path().join("durable"));
    let scratch = OutDir::scratch(dir.path().join("scratch"));
    for o in [&durable, &scratch] {
        o.create().expect("create");
        o.commit(&aggregates).expect("commit");
        assert_eq!(o.read_manifest().expect("manifest"), manifest);
        assert_eq!(o.commit_problem(), None);
    }
    // The merge reads a part's manifest and documents only: nothing else is written there.
    assert!(durable.corpus_path().exists() && durable.commit_path().exists());
    for p in [
        scratch.corpus_path(),
        scratch.records_path(),
        scratch.needs_attention_path(),
        scratch.commit_path(),
    ] {
        assert!(!p.exists(), "{} written", p.display());
    }
}
