"""Run ``glyphmend batch`` over a directory on a Dask cluster (``pip install glyphmend[dask]``).

Each task is one document: it runs the batch on that input alone into a part directory
(``OUT/.parts/<n>``); the client then merges the parts as ``glyphmend merge`` does. The
result is the directory one ``glyphmend batch INPUT_DIR -o OUT`` would have written —
``corpus.jsonl``, ``records.jsonl`` (list rows and sheets joined across documents),
``manifest.json``, ``needs_attention.json`` and the per-document outputs — because it is
written by the same code. A document that fails is recorded in the manifest with the CLI's
message and the run goes on.

Workers must see the input directory and ``OUT`` at the same paths (a shared file
system), as the scheduler's nodes of a Slurm or Kubernetes cluster usually do.

>>> from dask.distributed import Client                          # doctest: +SKIP
>>> import glyphmend.dask
>>> client = Client("scheduler:8786")                            # doctest: +SKIP
>>> summary = glyphmend.dask.run(client, "pdfs/", "out/")        # doctest: +SKIP
>>> summary["inputs"], summary["failed"]                      # doctest: +SKIP

Ray and Spark: map the same per-document function, :func:`process`, over
:func:`inputs` — ``ray.get([ray.remote(process).remote(d, o, n) for n in names])`` or
``sc.parallelize(names).map(lambda n: process(d, o, n)).collect()`` — then call
:func:`merge` on the client.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from typing import Any, Dict, List, Sequence, Union

from . import _native

__all__ = ["inputs", "merge", "process", "run"]


def inputs(input_dir: str, out: str) -> List[str]:
    """The inputs ``glyphmend batch input_dir -o out`` would process, named as it names
    them (paths relative to ``input_dir``), in its order."""
    return _native.batch_inputs(str(input_dir), str(out))


def _part_dir(out: str, name: str) -> str:
    # One directory per input, stable across reruns (a rerun of a task resumes its part).
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return os.path.join(str(out), ".parts", digest)


def process(input_dir: str, out: str, name: Union[str, Sequence[str]], **options: Any) -> str:
    """Runs the batch on the input ``name`` (as :func:`inputs` names it; or a list of names)
    into its part directory under ``out``; returns that directory. ``options``: ``tables``,
    ``font_files``, ``password``, ``learn`` as for :func:`glyphmend.extract`. A bad document
    does not raise: it is a failed entry of the part's manifest."""
    names = [name] if isinstance(name, str) else list(name)
    part = _part_dir(out, "\n".join(names))
    _native.batch_part(str(input_dir), part, names, **options)
    return part


def merge(parts: Sequence[str], out: str, keep_parts: bool = False) -> Dict[str, Any]:
    """Merges finished part directories into ``out`` (as ``glyphmend merge``); returns the
    manifest's summary (``inputs``, ``failed``, ``pages``, …). The parts are removed
    afterwards unless ``keep_parts``."""
    summary = json.loads(_native.batch_merge([str(p) for p in parts], str(out)))
    if not keep_parts:
        shutil.rmtree(os.path.join(str(out), ".parts"), ignore_errors=True)
    return summary


def run(client: Any, input_dir: str, out: str, per_task: int = 1, **options: Any) -> Dict[str, Any]:
    """``glyphmend batch input_dir -o out`` on a ``dask.distributed.Client``: one task per
    document (:func:`process`; ``per_task`` documents per task for many small documents,
    where a task's fixed cost would dominate), then :func:`merge` on the client. Returns the
    manifest's summary."""
    names = inputs(input_dir, out)
    if not names:
        raise ValueError(f"{input_dir}: no inputs to process")
    k = max(1, int(per_task))
    groups: List[Any] = names if k == 1 else [names[i : i + k] for i in range(0, len(names), k)]
    futures = client.map(
        process, [str(input_dir)] * len(groups), [str(out)] * len(groups), groups, pure=False, **options
    )
    parts = client.gather(futures)
    return merge(parts, out)
