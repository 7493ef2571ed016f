"""CPU and wall seconds of one process running `glyphmend.dask.process` over every input of a
directory, one document per task vs tasks cut by size (`glyphmend.dask.groups`), and of
merging the parts: what a task costs besides its documents (no Dask involved).

    python3 scripts/dask_task_cost.py INPUT_DIR

Needs the Python package installed (`pip install .`). CPU is this process's user + system
time (all threads); wall beyond it is waiting (file system, other processes).
"""

import resource
import shutil
import sys
import tempfile
import time

import glyphmend.dask as gd


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    inp = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        names = gd.inputs(inp, tmp + "/o")
        gd.process(inp, tmp + "/warm", names[:1])  # first use (tables, model) outside
        for label, tasks in (("1 per task", [[n] for n in names]), ("by size", gd.groups(inp, names))):
            out = tmp + "/o"
            shutil.rmtree(out, ignore_errors=True)
            c, w = cpu(), time.perf_counter()
            parts = [gd.process(inp, out, t) for t in tasks]
            c1, w1 = cpu(), time.perf_counter()
            gd.merge(parts, out)
            c2, w2 = cpu(), time.perf_counter()
            print(f"{label}: {len(names)} inputs, {len(tasks)} tasks, process {c1 - c:.2f} s CPU "
                  f"({w1 - w:.2f} s wall), merge {c2 - c1:.2f} s CPU ({w2 - w1:.2f} s wall)")


if __name__ == "__main__":
    main()
