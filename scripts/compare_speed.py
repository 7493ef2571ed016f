#!/usr/bin/env python3
"""Time glyphmend against other tools on the same files, in one run; report speed ratios
and CER. Called by scripts/compare_speed.sh (which sets up the tools); usable directly:

    compare_speed.py text --glyphmend BIN FILE[:TRUTH] ...
    compare_speed.py pdf  --glyphmend BIN --truth GROUND_TRUTH.txt FILE.pdf ...

Text: `glyphmend repair FILE -o OUT` (whole process, wall clock, best of --runs) against
ftfy.fix_text on the same text in-process (ftfy does not repair glyph-ID mojibake; it is
the reference for a text fixer's speed). CER is measured on the lines where the input
differs from the truth (the garbled lines), at most --cer-lines of them.
Inprocess: ftfy.fix_text per CPU-second on exactly the inputs of glyphmend's
`examples/throughput.rs` (8 MiB of clean text from dev-b + dev-c, dev-a's garbled lines,
dev-a whole), which prints glyphmend's own MB/CPU-s for the same cases: divide the two.
PDF: `pdftotext -raw`, PyMuPDF page.get_text(), and `glyphmend extract` when the binary
has that subcommand (otherwise "extract not built"). CER of the whole page text against
the ground truth, all whitespace removed.
Peak RSS of the glyphmend process is read from /usr/bin/time -v when available.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    from rapidfuzz.distance import Levenshtein as _lev

    def edit_distance(a, b):
        return _lev.distance(a, b)
except ImportError:  # pure Python fallback (slow on long strings)

    def edit_distance(a, b):
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i]
            for j, cb in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
            prev = cur
        return prev[-1]


def run_timed(cmd, runs):
    """Best wall time of `runs` runs and the peak RSS (KiB) of the last, if measurable."""
    best, rss = None, None
    timev = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(timev + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.decode(errors='replace')[-500:]}")
        best = dt if best is None else min(best, dt)
        m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        if m:
            rss = int(m.group(1))
    return best, rss, p.stdout


def line_cer(inp, out, truth, limit):
    il, ol, tl = inp.split("\n"), out.split("\n"), truth.split("\n")
    if not (len(il) == len(ol) == len(tl)):
        return None
    errs = total = n = 0
    for i, o, t in zip(il, ol, tl):
        if i == t:
            continue
        errs += edit_distance(o, t)
        total += len(t)
        n += 1
        if n >= limit:
            break
    return errs / total if total else 0.0


def fmt_cer(x):
    return "n/a" if x is None else f"{100 * x:.2f} %"


def text_mode(a):
    import ftfy

    print("| file | MB | glyphmend repair (s) | MB/s | peak RSS | ftfy fix_text (s) | MB/s | speed ratio | CER input | CER glyphmend | CER ftfy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for spec in a.files:
        path, _, truth_path = spec.partition(":")
        text = open(path, encoding="utf-8").read()
        mb = len(text.encode()) / 1e6
        with tempfile.TemporaryDirectory() as d:
            out_path = os.path.join(d, "out.txt")
            gt, rss, _ = run_timed([a.glyphmend, "repair", path, "-o", out_path], a.runs)
            out = open(out_path, encoding="utf-8").read()
        ft = None
        fixed = None
        for _ in range(a.runs):
            t0 = time.perf_counter()
            fixed = ftfy.fix_text(text)
            dt = time.perf_counter() - t0
            ft = dt if ft is None else min(ft, dt)
        if truth_path:
            truth = open(truth_path, encoding="utf-8").read()
            c_in = line_cer(text, text, truth, a.cer_lines)
            c_gm = line_cer(text, out, truth, a.cer_lines)
            c_ft = line_cer(text, fixed, truth, a.cer_lines)
        else:
            c_in = c_gm = c_ft = None
        rss_s = f"{rss / 1024:.0f} MiB" if rss else "n/a"
        print(
            f"| {os.path.basename(path)} | {mb:.2f} | {gt:.3f} | {mb / gt:.1f} | {rss_s} | {ft:.3f} | "
            f"{mb / ft:.2f} | {ft / gt:.1f}× | {fmt_cer(c_in)} | {fmt_cer(c_gm)} | {fmt_cer(c_ft)} |",
            flush=True,
        )


def has_extract(binary):
    p = subprocess.run([binary, "extract", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p.returncode == 0


def pdf_mode(a):
    import fitz  # PyMuPDF

    truth = re.sub(r"\s+", "", open(a.truth, encoding="utf-8").read())
    extract = has_extract(a.glyphmend)
    if not extract:
        print("glyphmend: extract not built (the glyphmend column is skipped)")

    def cer(s):
        return edit_distance(re.sub(r"\s+", "", s), truth) / max(1, len(truth))

    print("| pdf | pages | pdftotext -raw (s) | CER | PyMuPDF (s) | CER | glyphmend extract (s) | CER | vs pdftotext | vs PyMuPDF |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for path in a.files:
        pt, _, out = run_timed(["pdftotext", "-raw", path, "-"], a.runs)
        c_pt = cer(out.decode(errors="replace"))
        mt = None
        for _ in range(a.runs):
            t0 = time.perf_counter()
            doc = fitz.open(path)
            text = "".join(page.get_text() for page in doc)
            pages = doc.page_count
            doc.close()
            dt = time.perf_counter() - t0
            mt = dt if mt is None else min(mt, dt)
        c_mu = cer(text)
        if extract:
            gt, _, gout = run_timed([a.glyphmend, "extract", path], a.runs)
            c_gm = fmt_cer(cer(gout.decode(errors="replace")))
            g_s, r1, r2 = f"{gt:.3f}", f"{pt / gt:.2f}×", f"{mt / gt:.2f}×"
        else:
            g_s, c_gm, r1, r2 = "not built", "n/a", "n/a", "n/a"
        print(
            f"| {os.path.basename(path)} | {pages} | {pt:.3f} | {fmt_cer(c_pt)} | {mt:.3f} | {fmt_cer(c_mu)} | "
            f"{g_s} | {c_gm} | {r1} | {r2} |",
            flush=True,
        )


def cpu_rate(f, nbytes, min_cpu=2.0):
    """MB per CPU-second of f() on nbytes of input, repeated for at least min_cpu CPU-s."""
    f()  # warm-up
    t0, runs = time.process_time(), 0
    while True:
        f()
        runs += 1
        dt = time.process_time() - t0
        if dt >= min_cpu:
            return nbytes * runs / 1e6 / dt


def inprocess_mode(a):
    import ftfy

    def fixture(name):
        with open(os.path.join("tests/fixtures/seed", name), encoding="utf-8") as f:
            return f.read()

    base = fixture("dev-b.txt") + fixture("dev-c.txt")
    clean = ""
    while len(clean.encode()) < 8 << 20:  # as examples/throughput.rs builds it
        clean += base + "\n"
    mixed, truth = fixture("dev-a.txt"), fixture("dev-a.truth.txt")
    garbled = "".join(f"{x}\n" for x, t in zip(mixed.splitlines(), truth.splitlines()) if x != t)
    print(f"ftfy {ftfy.__version__} fix_text, MB per CPU-second (compare examples/throughput):")
    for name, text in [
        ("repair_clean_8MiB", clean),
        ("repair_garbled_lines_only", garbled),
        ("repair_dev_a_mixed", mixed),
    ]:
        n = len(text.encode())
        print(f"  {name:32} {cpu_rate(lambda: ftfy.fix_text(text), n, 1.0 if n > 1e6 else 2.0):10.2f} MB/CPU-s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["text", "pdf", "inprocess"])
    ap.add_argument("--glyphmend", default=shutil.which("glyphmend") or "target/release/glyphmend")
    ap.add_argument("--truth", help="PDF mode: ground-truth text")
    ap.add_argument("--runs", type=int, default=3, help="best of this many runs")
    ap.add_argument("--cer-lines", type=int, default=3000, help="text mode: garbled lines scored")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.mode == "inprocess":
        inprocess_mode(a)
    elif a.mode == "text":
        text_mode(a)
    else:
        if not a.truth:
            sys.exit("pdf mode needs --truth")
        pdf_mode(a)


if __name__ == "__main__":
    main()
