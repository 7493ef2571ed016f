"""Run glyphmend over many documents on a Dask cluster (``pip install glyphmend[dask]``).

Each task reads one document (by path: the files must be readable by the workers, e.g. on
a shared file system) and returns its corpus rows, records and status; the client gathers
them into ``OUT/corpus.jsonl``, ``OUT/records.jsonl`` and ``OUT/failed.jsonl`` in input
order, rows as ``glyphmend batch`` writes them (page ids, text, counts). A document that
fails is recorded with the CLI's message and the run goes on.

>>> from dask.distributed import Client                  # doctest: +SKIP
>>> import glyphmend.dask
>>> client = Client("scheduler:8786")                    # doctest: +SKIP
>>> summary = glyphmend.dask.run(client, paths, "out/")  # doctest: +SKIP

Ray and Spark: the same per-document function, :func:`process`, is what to map —
``ray.remote(process)`` over the paths, or ``sc.parallelize(paths).map(process)`` — and
:func:`write` gathers the results the same way.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence

from . import GlyphmendError, extract

__all__ = ["process", "run", "write"]


def process(path: str, root: Optional[str] = None, **options: Any) -> Dict[str, Any]:
    """Reads one document; returns ``{"path", "ok", "corpus", "records", "error"}``.

    ``path`` is named relative to ``root`` in the outputs (as ``batch DIR`` names it);
    ``options`` go to :func:`glyphmend.extract`. Never raises for a bad input.
    """
    name = os.path.relpath(path, root) if root else path
    try:
        doc = extract(path, **options)
    except GlyphmendError as e:
        return {"path": name, "ok": False, "corpus": [], "records": [], "error": str(e)}
    corpus = [json.loads(l) for l in doc._native.corpus_jsonl(name).splitlines() if l]
    records = [json.loads(l) for l in doc._native.records_jsonl().splitlines() if l]
    for r in records:
        r["source"] = name
    return {"path": name, "ok": True, "corpus": corpus, "records": records, "error": None}


def write(results: Iterable[Dict[str, Any]], out: str) -> Dict[str, int]:
    """Writes gathered :func:`process` results to ``out`` (created if missing)."""
    os.makedirs(out, exist_ok=True)
    counts = {"documents": 0, "failed": 0, "pages": 0, "records": 0}
    paths = {k: os.path.join(out, f"{k}.jsonl") for k in ("corpus", "records", "failed")}
    tmp = {k: p + ".tmp" for k, p in paths.items()}
    with open(tmp["corpus"], "w", encoding="utf-8") as c, open(
        tmp["records"], "w", encoding="utf-8"
    ) as r, open(tmp["failed"], "w", encoding="utf-8") as f:
        for res in results:
            counts["documents"] += 1
            if not res["ok"]:
                counts["failed"] += 1
                f.write(json.dumps({"path": res["path"], "error": res["error"]}, ensure_ascii=False) + "\n")
                continue
            for row in res["corpus"]:
                c.write(json.dumps(row, ensure_ascii=False) + "\n")
                counts["pages"] += 1
            for rec in res["records"]:
                r.write(json.dumps(rec, ensure_ascii=False) + "\n")
                counts["records"] += 1
    # Each file appears whole or not at all.
    for k in paths:
        os.replace(tmp[k], paths[k])
    return counts


def run(client: Any, paths: Sequence[str], out: str, root: Optional[str] = None, **options: Any) -> Dict[str, int]:
    """Maps :func:`process` over ``paths`` on a ``dask.distributed.Client``, one task per
    document, and writes the gathered results to ``out`` in input order."""
    futures = client.map(process, list(paths), root=root, pure=False, **options)
    return write(client.gather(futures), out)
