#!/usr/bin/env python3
"""Side by side on the real-world PDFs (issue 19): `glyphmend extract` and `batch` against a
`pdftotext -raw` loop, for one or more glyphmend binaries (e.g. before and after a change) in
one run, and whether their outputs are byte-identical.

    python3 scripts/realworld_speed.py [--rounds N] [--copies K] [--cpu C] [--extract-only] BIN [BIN...]

Data: ../shared/corpus/realworld/pdf/*.pdf (56 files; --pdf-dir to change). Pages come from
`pdfinfo`. CPU is each process's own user+sys time, read from the kernel's accounting of
children (getrusage RUSAGE_CHILDREN, microseconds), so the loop driving them is not counted;
wall is elapsed time. Each figure is the median of --rounds rounds, the tools interleaved
within a round. With --cpu C the one-process runs (extract, pdftotext, batch -j1) are pinned
to core C with taskset (batch -j2 never is).

Rows:
  extract    one `BIN extract F > /dev/null` per file; pages per CPU-second, and that over
             pdftotext's (issue target >= 2)
  pdftotext  one `pdftotext -raw F -` per file (the reference)
  batch -j1  one `BIN batch -j1 --force` over a temp dir holding a copy of each file; CPU,
             and the pdftotext loop's CPU over it (target >= 1.5)
  -j2/-j1    `batch -j1` and `-j2` over --copies copies of each file (default 4: 224 PDFs);
             wall of -j1 over wall of -j2 (target >= 1.8)
--extract-only: the extract and pdftotext rows only (no batch runs; identity of extract
text and --json only).
Identity: every binary's `extract` text and `extract --json` of every file (standard output,
standard error and exit status), and its batch output directory (every file but timings.json),
are compared with the first binary's.
The temp dirs are under $TMPDIR; nothing is written into the repository.
"""

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, pin=None, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (cpu seconds, wall seconds, exit status)."""
    if pin is not None:
        cmd = ["taskset", "-c", str(pin)] + cmd
    c0, w0 = child_cpu(), time.perf_counter()
    p = subprocess.run(cmd, stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return child_cpu() - c0, time.perf_counter() - w0, p.returncode


def loop(cmds, pin):
    cpu = wall = 0.0
    for c in cmds:
        dc, dw, _ = run(c, pin)
        cpu += dc
        wall += dw
    return cpu, wall


def pages(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def tree_digest(d, skip=("timings.json",)):
    h = hashlib.sha256()
    for p in sorted(Path(d).rglob("*")):
        if p.is_file() and p.name not in skip and not p.name.startswith(".glyphmend"):
            h.update(str(p.relative_to(d)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bins", nargs="+", type=Path)
    ap.add_argument("--pdf-dir", type=Path,
                    default=Path(__file__).resolve().parent.parent / "../shared/corpus/realworld/pdf")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--cpu", type=int, default=None, help="pin one-process runs to this core")
    ap.add_argument("--no-identity", action="store_true")
    ap.add_argument("--extract-only", action="store_true",
                    help="only the extract loop against pdftotext (no batch runs)")
    a = ap.parse_args()
    pdfs = sorted(a.pdf_dir.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no PDFs in {a.pdf_dir}")
    n_pages = sum(pages(p) for p in pdfs)
    bins = [b.resolve() for b in a.bins]
    names = [f"{b} (#{i + 1})" if len(bins) > 1 else str(b) for i, b in enumerate(bins)]
    work = Path(tempfile.mkdtemp(prefix="gm-realworld-speed-"))
    try:
        one = work / "in1"
        many = work / "in_many"
        one.mkdir()
        many.mkdir()
        for p in pdfs:
            shutil.copy(p, one / p.name)
            for k in range(0 if a.extract_only else a.copies):
                shutil.copy(p, many / f"{k}-{p.name}")
        n_many = len(pdfs) * (0 if a.extract_only else a.copies)
        print(f"{len(pdfs)} PDFs, {n_pages} pages ({a.pdf_dir}); {n_many} for -j2/-j1; "
              f"{a.rounds} rounds, medians; pinned to core {a.cpu}" if a.cpu is not None
              else f"{len(pdfs)} PDFs, {n_pages} pages ({a.pdf_dir}); {n_many} for -j2/-j1; "
              f"{a.rounds} rounds, medians; not pinned")
        res = {}
        for r in range(a.rounds):
            cpu, _ = loop([["pdftotext", "-raw", str(p), "-"] for p in pdfs], a.cpu)
            res.setdefault("pdftotext", []).append(cpu)
            for i, b in enumerate(bins):
                cpu, _ = loop([[str(b), "extract", "-q", str(p)] for p in pdfs], a.cpu)
                res.setdefault(("extract", i), []).append(cpu)
                if a.extract_only:
                    continue
                out = work / f"out1-{i}"
                cpu, wall, _ = run([str(b), "batch", "-q", "-j1", "--force", "-o", str(out), str(one)], a.cpu)
                res.setdefault(("batch1", i), []).append(cpu)
                res.setdefault(("batch1wall", i), []).append(wall)
                for j in (1, 2):
                    out = work / f"outm{j}-{i}"
                    cpu, wall, _ = run([str(b), "batch", "-q", f"-j{j}", "--force", "-o", str(out), str(many)])
                    res.setdefault((f"many{j}", i), []).append(wall)
                    res.setdefault((f"many{j}cpu", i), []).append(cpu)
        med = {k: statistics.median(v) for k, v in res.items()}
        pt = med["pdftotext"]
        print(f"\n| | CPU-s | pages/CPU-s | vs pdftotext -raw |")
        print("|---|---:|---:|---:|")
        print(f"| pdftotext -raw, one process per file | {pt:.3f} | {n_pages / pt:.0f} | 1 |")
        for i, nm in enumerate(names):
            e = med[("extract", i)]
            print(f"| {nm} extract, one process per file | {e:.3f} | {n_pages / e:.0f} | **{pt / e:.2f}×** pages/CPU-s |")
        for i, nm in enumerate(names if not a.extract_only else []):
            c = med[("batch1", i)]
            print(f"| {nm} batch -j1 ({len(pdfs)} files) | {c:.3f} (wall {med[('batch1wall', i)]:.2f} s) | {n_pages / c:.0f} | **{pt / c:.2f}×** less CPU |")
        if not a.extract_only:
            print(f"\n| {n_many} PDFs | -j1 wall | -j2 wall | -j1 CPU | -j2 CPU | -j1/-j2 wall |")
            print("|---|---:|---:|---:|---:|---:|")
        for i, nm in enumerate(names if not a.extract_only else []):
            w1, w2 = med[("many1", i)], med[("many2", i)]
            print(f"| {nm} | {w1:.2f} s | {w2:.2f} s | {med[('many1cpu', i)]:.2f} | {med[('many2cpu', i)]:.2f} | **{w1 / w2:.2f}×** |")
        print("\nper round (CPU-s):", {str(k): [round(x, 3) for x in v] for k, v in res.items()})
        if not a.no_identity and len(bins) > 1:
            same = True
            ref = None
            for i, b in enumerate(bins):
                digests = []
                for p in pdfs:
                    # Without -q: warnings and needs-attention lines go to stderr.
                    for args in (["extract", str(p)], ["extract", "--json", str(p)]):
                        o = subprocess.run([str(b)] + args, capture_output=True)
                        digests.append(hashlib.sha256(
                            o.stdout + b"\0" + o.stderr + b"\0" + str(o.returncode).encode()
                        ).hexdigest())
                if not a.extract_only:
                    digests.append(tree_digest(work / f"out1-{i}"))
                    digests.append(tree_digest(work / f"outm2-{i}"))
                if ref is None:
                    ref = digests
                elif digests != ref:
                    same = False
                    print(f"outputs of {names[i]} DIFFER from {names[0]} "
                          f"({sum(x != y for x, y in zip(digests, ref))} of {len(ref)} outputs)")
            if same:
                print(f"\nidentity: extract text, extract --json ({len(pdfs)} files each; stdout, stderr, exit status)"
                      + ("" if a.extract_only else " and both batch output dirs (all but timings.json)")
                      + " byte-identical across the binaries")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
