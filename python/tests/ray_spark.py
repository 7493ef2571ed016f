"""The Ray and Spark recipes of the README give what one ``glyphmend batch`` gives (run by
crates/cli/tests/it/python.rs, ignored unless ray and pyspark are installed).

    python ray_spark.py GLYPHMEND_BINARY REPO_DIR SHARED_DIR

Each engine maps :func:`glyphmend.dask.process` (one document per task) over
:func:`glyphmend.dask.inputs` on a local cluster of 2 workers; the client merges the parts
with :func:`glyphmend.dask.merge`. The outputs must equal the CLI's byte for byte.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def same_outputs(a, b, what):
    for name in ("corpus.jsonl", "records.jsonl", "needs_attention.json"):
        assert (Path(a) / name).read_bytes() == (Path(b) / name).read_bytes(), f"{what}: {name}"
    ma = json.loads((Path(a) / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((Path(b) / "manifest.json").read_text(encoding="utf-8"))
    assert ma == mb, f"{what}: manifest.json"


def main():
    binary, repo, shared = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    import ray
    from pyspark.sql import SparkSession

    from glyphmend import dask as gd

    pdfs = sorted((shared / "corpus/realworld/pdf").glob("*.pdf"))[:6]
    assert len(pdfs) == 6, f"needs ../shared/corpus/realworld/pdf (found {len(pdfs)})"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inp = tmp / "in"
        shutil.copytree(repo / "corpus", inp)
        for p in pdfs:
            shutil.copy(p, inp / p.name)
        (inp / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
        ref = tmp / "ref"
        subprocess.run([binary, "batch", "-q", "-o", str(ref), str(inp)], check=False)

        # Ray: the per-document function as a remote task.
        out = tmp / "ray"
        names = gd.inputs(str(inp), str(out))
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            task = ray.remote(gd.process)
            parts = ray.get([task.remote(str(inp), str(out), n) for n in names])
        finally:
            ray.shutdown()
        summary = gd.merge(parts, str(out))
        assert summary["inputs"] == len(names) and summary["failed"] == 1, summary
        same_outputs(out, ref, "ray")
        print(f"ray: {len(names)} documents, same outputs as glyphmend batch")

        # Spark: the same function mapped over an RDD of input names.
        out = tmp / "spark"
        names = gd.inputs(str(inp), str(out))
        # Spark's workers start their own Python: the one glyphmend is installed in.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = SparkSession.builder.master("local[2]").appName("glyphmend").getOrCreate()
        try:
            d, o = str(inp), str(out)
            parts = spark.sparkContext.parallelize(names, len(names)).map(lambda n: gd.process(d, o, n)).collect()
        finally:
            spark.stop()
        summary = gd.merge(parts, str(out))
        assert summary["inputs"] == len(names) and summary["failed"] == 1, summary
        same_outputs(out, ref, "spark")
        print(f"spark: {len(names)} documents, same outputs as glyphmend batch")


if __name__ == "__main__":
    main()
