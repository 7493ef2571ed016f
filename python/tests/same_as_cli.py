"""The Python package gives what the CLI gives, for the same input (run by crates/cli/tests/it/python.rs).

    python same_as_cli.py GLYPHMEND_BINARY REPO_DIR SHARED_DIR
"""

import json
import subprocess
import sys
import threading
from pathlib import Path

import glyphmend



def main():
    # Under a guard: Dask's worker processes import this file.
    binary, repo, shared = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])


    def cli(*args, stdin=None):
        out = subprocess.run([binary, *args], input=stdin, capture_output=True, check=True)
        return out.stdout.decode("utf-8")


    checked = 0

    # repair: text and spans of the garbled sample equal `repair` and `repair --json`.
    dev_a = repo / "tests/fixtures/seed/dev-a.txt"
    text = dev_a.read_text(encoding="utf-8")
    r = glyphmend.repair(text)
    assert r.text == cli("repair", str(dev_a)), "repair text differs"
    cli_spans = [json.loads(l) for l in cli("repair", "--json", str(dev_a)).splitlines()]
    assert r.spans == cli_spans, "repair spans differ"
    assert len(r.repaired) > 50, "the sample should have repairs"
    checked += 1

    # extract: real PDFs' text equals `extract`; bytes and path agree; documents read in
    # parallel threads (the GIL released) give the same text.
    pdfs = sorted((shared / "corpus/realworld/pdf").glob("*.pdf"))[:6]
    assert len(pdfs) == 6, f"needs ../shared/corpus/realworld/pdf (found {len(pdfs)})"
    texts = {}
    for p in pdfs:
        doc = glyphmend.extract(p)
        assert doc.text == cli("extract", str(p)), f"extract text differs: {p.name}"
        assert glyphmend.extract(p.read_bytes(), name=str(p)).text == doc.text
        assert doc.kind == "pdf" and doc.lines is not None and len(doc.pages) >= 1
        texts[p] = doc.text
        checked += 1
    got = {}
    threads = [threading.Thread(target=lambda p=p: got.__setitem__(p, glyphmend.extract(p).text)) for p in pdfs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == texts, "threads gave different text"

    # records: equal `records` on the same text, and every field name is in the schema.
    truth = repo / "tests/fixtures/seed/dev-a.truth.txt"
    recs = glyphmend.records(glyphmend.extract(truth))
    cli_recs = [json.loads(l) for l in cli("records", str(truth)).splitlines()]
    assert recs == cli_recs and len(recs) > 5, "records differ"
    schema = glyphmend.records_schema()
    for rec in recs:
        assert set(rec) <= set(schema["properties"]), set(rec) - set(schema["properties"])
    checked += 1

    # errors: the CLI's message, as GlyphmendError.
    try:
        glyphmend.extract(repo / "no-such-file.pdf")
        raise AssertionError("no error for a missing file")
    except glyphmend.GlyphmendError as e:
        assert "no-such-file.pdf" in str(e), str(e)

    # learn_pdf: the table files `glyphmend learn pdf` writes, byte for byte, and its
    # --report. The office_emu fixtures' fonts renamed (same length, so the xref holds) to
    # names no shipped table knows: the identity-ToUnicode document reads only through the
    # tables voted from the other, given as `tables=` or as the saved directory.
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        for name in ("office_emu__full.pdf", "office_emu__c_identity.pdf"):
            data = (repo / "tests/fixtures/pdf" / name).read_bytes()
            assert data.count(b"IPAex") == 6, name
            (corpus / name).write_bytes(data.replace(b"IPAex", b"HGTes"))
        (corpus / "copy").mkdir()
        (corpus / "copy" / "again.pdf").write_bytes((corpus / "office_emu__full.pdf").read_bytes())
        broken = corpus / "office_emu__c_identity.pdf"
        inputs = [corpus, *pdfs[:3]]
        for flags, kw in (
            ([], {}),
            (["--no-generalize", "--family", "HGTesGothic,HGTesMincho", "--exclude", str(pdfs[0])],
             {"generalize": False, "families": ["HGTesGothic,HGTesMincho"], "exclude": [pdfs[0]]}),
        ):
            out = tmp / f"cli{len(flags)}"
            report = cli("learn", "pdf", *map(str, inputs), "--out", str(out), "--report", *flags)
            tables = glyphmend.learn_pdf(inputs, **kw)
            assert tables.report() == report, f"learn pdf {flags}: report differs"
            saved = tables.save(tmp / f"py{len(flags)}")
            files = sorted(p.name for p in out.iterdir())
            assert sorted(Path(p).name for p in saved) == files and len(files) >= 2, (saved, files)
            for name in files:
                assert (out / name).read_bytes() == (tmp / f"py{len(flags)}" / name).read_bytes(), name
            assert ("duplicate" in dict((Path(p).name, w) for p, w in tables.left_out).values())
            checked += 1
        tables = glyphmend.learn_pdf(inputs)
        assert any(n.startswith("hgtes") for n in tables.names), tables.names
        before = glyphmend.extract(broken).text
        after = cli("extract", str(broken), "--tables", str(tmp / "cli0"))
        assert after.count("\ufffd") * 10 < before.count("\ufffd"), "learned tables should read it"
        assert glyphmend.extract(broken, tables=tables).text == after, "extract with learned tables"
        assert glyphmend.extract(broken, tables=tmp / "py0").text == after, "extract with --tables dir"
        loaded = glyphmend.load_tables(tmp / "cli0")
        assert loaded.files == tables.files, "loaded tables differ from the learned ones"
        assert glyphmend.extract(broken.read_bytes(), tables=loaded).text == after
        # repair: text tables (`--text-repair`) used as `tables=` equal `repair --tables`.
        text_tables = glyphmend.learn_pdf(inputs, text_repair=True)
        text_tables.save(tmp / "text")
        want = cli("repair", "--json", "--tables", str(tmp / "text"), str(dev_a))
        assert glyphmend.repair(text, tables=text_tables).spans == [json.loads(l) for l in want.splitlines()]
        checked += 1
        # Errors: the CLI's message.
        (tmp / "empty").mkdir()
        msg = subprocess.run([binary, "learn", "pdf", str(tmp / "empty")], capture_output=True).stderr.decode()
        try:
            glyphmend.learn_pdf(tmp / "empty")
            raise AssertionError("no error for a directory without PDFs")
        except glyphmend.GlyphmendError as e:
            assert msg.strip() == f"glyphmend: {e}", (msg, str(e))

    # Distributed batch: one task per document, parts merged, equals one `glyphmend batch`
    # over the same directory (the sample's text files and PDFs plus 6 real PDFs, copied).
    import shutil
    from glyphmend import dask as gd

    def same_outputs(a, b, what):
        for name in ("corpus.jsonl", "records.jsonl", "needs_attention.json"):
            assert (Path(a) / name).read_bytes() == (Path(b) / name).read_bytes(), f"{what}: {name}"
        ma = json.loads((Path(a) / "manifest.json").read_text(encoding="utf-8"))
        mb = json.loads((Path(b) / "manifest.json").read_text(encoding="utf-8"))
        assert ma == mb, f"{what}: manifest.json"

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inp = tmp / "in"
        shutil.copytree(repo / "corpus", inp)
        for p in pdfs:
            shutil.copy(p, inp / p.name)
        (inp / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
        ref = tmp / "ref"
        subprocess.run([binary, "batch", "-q", "-o", str(ref), str(inp)], check=False)
        names = gd.inputs(str(inp), str(tmp / "seq"))
        assert "broken.pdf" in names and "dev-a.txt" in names and len(names) == 14, names

        # Without a cluster: the per-document function and the merge (the Ray/Spark recipe).
        parts = [gd.process(str(inp), str(tmp / "seq"), n) for n in names]
        summary = gd.merge(parts, str(tmp / "seq"))
        assert summary["failed"] == 1, summary
        assert not (tmp / "seq" / ".parts").exists()
        same_outputs(tmp / "seq", ref, "process + merge")
        # Several documents per task (what `run(..., per_task=k)` sends): the same again.
        parts = [gd.process(str(inp), str(tmp / "grouped"), names[i : i + 4]) for i in range(0, len(names), 4)]
        gd.merge(parts, str(tmp / "grouped"))
        same_outputs(tmp / "grouped", ref, "process of groups + merge")
        checked += 1

        # Tasks cut by size (gd.run's default): every input in exactly one task.
        tasks = gd.groups(str(inp), names, workers=2)
        assert sorted(n for t in tasks for n in t) == sorted(names) and 1 < len(tasks) < len(names), tasks

        # On a real (local) Dask cluster of 2 worker processes.
        from dask.distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, Client(cluster) as client:
            summary = gd.run(client, str(inp), str(tmp / "dask"))
        assert summary["inputs"] == len(names) and summary["failed"] == 1, summary
        same_outputs(tmp / "dask", ref, "dask")
        checked += 1

    # `batch --parquet` read by DuckDB without glue code: every row, typed budget lines.
    import duckdb

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([binary, "batch", "-q", "--parquet", "-o", out, str(repo / "corpus")], check=False)
        n_corpus = sum(1 for _ in open(Path(out) / "corpus.jsonl", encoding="utf-8"))
        recs = [json.loads(l) for l in open(Path(out) / "records.jsonl", encoding="utf-8")]
        con = duckdb.connect()
        got = con.execute(f"select count(*) from read_parquet('{out}/corpus.parquet')").fetchone()[0]
        assert got == n_corpus > 0, (got, n_corpus)
        amounts = con.execute(
            f"select sum(b.amount_yen) from (select unnest(budget) as b from read_parquet('{out}/records.parquet'))"
        ).fetchone()[0]
        want = sum(l.get("amount_yen", 0) or 0 for r in recs for l in r.get("budget", []))
        assert amounts == want and want > 0, (amounts, want)
        checked += 1

    print(f"ok: {checked} comparisons with the CLI")


if __name__ == "__main__":
    main()
