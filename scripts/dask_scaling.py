"""Wall time of `glyphmend.dask.run` on a local Dask cluster with 1 and with 2 worker
processes, over a directory of at least 200 PDFs (the shared corpus's PDFs, copied as
often as needed), and a check that both outputs equal one `glyphmend batch`.

    python3 scripts/dask_scaling.py GLYPHMEND_BINARY SHARED_DIR [MIN_PDFS [SUBDIR]]

SUBDIR (default `corpus`) picks the PDFs under SHARED_DIR, e.g. `corpus/realworld`.

Needs the Python package installed (`pip install .`) and dask[distributed]. Prints one
line per run (one document per task, and tasks cut by size as `glyphmend.dask.run` does by
default) and the ratio 2 workers / 1 worker. Run it on an otherwise idle machine; it prints
the load average.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dask.distributed import Client, LocalCluster

import glyphmend.dask as gd


def main():
    binary, shared = sys.argv[1], Path(sys.argv[2])
    want = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    sub = sys.argv[4] if len(sys.argv) > 4 else "corpus"
    pdfs = sorted((shared / sub).rglob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inp = tmp / "in"
        inp.mkdir()
        n = 0
        while n < want:
            for p in pdfs:
                shutil.copy(p, inp / f"{n // len(pdfs)}-{p.name}")
                n += 1
        t = time.perf_counter()
        subprocess.run([binary, "batch", "-q", "-j1", "-o", str(tmp / "ref"), str(inp)], check=False)
        print(f"glyphmend batch -j1: {n} PDFs, {time.perf_counter() - t:.1f} s")
        walls = {}
        for workers, per_task in ((1, 1), (2, 1), (1, "size"), (2, "size")):
            out = tmp / f"dask{workers}-{per_task}"
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, Client(cluster) as client:
                client.run(lambda: __import__("glyphmend"))  # imports outside the timing
                # gd.run, its two phases timed apart.
                t = time.perf_counter()
                names = gd.inputs(str(inp), str(out))
                if per_task == "size":  # gd.run's default
                    groups = gd.groups(str(inp), names, workers=workers)
                else:
                    groups = [names[i : i + per_task] for i in range(0, len(names), per_task)]
                futures = client.map(gd.process, [str(inp)] * len(groups), [str(out)] * len(groups), groups, pure=False)
                parts = client.gather(futures)
                mapped = time.perf_counter() - t
                summary = gd.merge(parts, str(out))
                walls[workers, per_task] = time.perf_counter() - t
            for name in ("corpus.jsonl", "records.jsonl", "needs_attention.json"):
                assert (out / name).read_bytes() == (tmp / "ref" / name).read_bytes(), name
            wall = walls[workers, per_task]
            print(f"dask, {workers} worker(s), {per_task} document(s) per task ({len(groups)} tasks): {summary['inputs']} inputs, {wall:.1f} s ({mapped:.1f} s tasks, {wall - mapped:.1f} s merge), same outputs as batch")
        for per_task in (1, "size"):
            print(f"{per_task} document(s) per task: ratio 2 workers / 1 worker: {walls[2, per_task] / walls[1, per_task]:.2f}")
        print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
