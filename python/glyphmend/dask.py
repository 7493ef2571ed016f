"""Run ``glyphmend batch`` over a directory on a Dask cluster (``pip install glyphmend[dask]``).

Each task is a group of documents (:func:`groups`: by size, so a task takes about 100 ms
and its fixed cost stays small; one document if it is large): it runs the batch on those
inputs alone into a part directory (``OUT/.parts/<n>``); the client then merges the parts as
``glyphmend merge`` does. The
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

__all__ = ["groups", "inputs", "merge", "process", "run"]

#: Input bytes per task by default. A task has a fixed cost (a Dask round trip, a part's
#: manifest and outputs, a part to merge: some ms) on top of its documents, which take
#: about 7 ms + 75 ms per MB each (``glyphmend batch -j1`` timings over the 56 PDFs of
#: ../shared/corpus/realworld, release build). 1.2 MB is about 100 ms of work.
TASK_BYTES = 1_200_000


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
    manifest's summary (``inputs``, ``failed``, ``pages``, …). Unless ``keep_parts``, the
    parts' document files are moved into ``out`` (renamed, when on the same file system:
    creating them again is most of a merge's time) and the parts removed afterwards."""
    summary = json.loads(
        _native.batch_merge([str(p) for p in parts], str(out), consume=not keep_parts)
    )
    if not keep_parts:
        shutil.rmtree(os.path.join(str(out), ".parts"), ignore_errors=True)
    return summary


def groups(
    input_dir: str,
    names: Sequence[str],
    task_bytes: int = TASK_BYTES,
    workers: int = 1,
) -> List[List[str]]:
    """The inputs ``names`` cut into tasks: consecutive inputs until they reach
    ``task_bytes`` (a larger input is a task of its own), and no task larger than a quarter
    of a worker's share, so ``workers`` end together. Largest tasks first (they start
    first). Every input is in exactly one task."""
    sizes = []
    for n in names:
        try:
            sizes.append(os.path.getsize(os.path.join(str(input_dir), n)))
        except OSError:
            sizes.append(0)  # the batch reports it; its size does not matter here
    share = sum(sizes) // (4 * max(1, int(workers)))
    limit = max(1, min(int(task_bytes), share))
    out: List[List[str]] = []
    weights: List[int] = []
    group: List[str] = []
    weight = 0
    for n, size in zip(names, sizes):
        group.append(n)
        weight += size
        if weight >= limit:
            out.append(group)
            weights.append(weight)
            group, weight = [], 0
    if group:
        out.append(group)
        weights.append(weight)
    order = sorted(range(len(out)), key=lambda i: -weights[i])
    return [out[i] for i in order]


def run(
    client: Any,
    input_dir: str,
    out: str,
    per_task: Union[int, None] = None,
    task_bytes: int = TASK_BYTES,
    **options: Any,
) -> Dict[str, Any]:
    """``glyphmend batch input_dir -o out`` on a ``dask.distributed.Client``: the inputs cut
    into tasks by size (:func:`groups`; or ``per_task`` documents each), each task
    :func:`process`, then :func:`merge` on the client. Returns the manifest's summary."""
    names = inputs(input_dir, out)
    if not names:
        raise ValueError(f"{input_dir}: no inputs to process")
    if per_task is not None:
        k = max(1, int(per_task))
        tasks: List[Any] = [names[i : i + k] for i in range(0, len(names), k)]
    else:
        workers = len(client.scheduler_info().get("workers", {})) or 1
        tasks = groups(input_dir, names, task_bytes, workers)
    futures = client.map(
        process, [str(input_dir)] * len(tasks), [str(out)] * len(tasks), tasks, pure=False, **options
    )
    parts = client.gather(futures)
    return merge(parts, out)
