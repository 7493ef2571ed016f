#!/usr/bin/env python3
"""CER table (markdown) of glyphmend vs `pdftotext -raw` vs PyMuPDF against ground_truth.txt.

CER = Levenshtein distance / length of the truth, on text with whitespace-only differences
at line ends ignored (lines are stripped of trailing spaces; form feeds removed)."""
import subprocess, sys, pathlib

def norm(t):
    t = t.replace("\x0c", "")
    return "\n".join(l.rstrip() for l in t.strip("\n").split("\n"))

def lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]

def run(cmd):
    r = subprocess.run(cmd, capture_output=True)
    return r.stdout.decode("utf-8", "replace") if r.returncode == 0 else None

def pymupdf_text(path):
    try:
        import pymupdf
    except ImportError:
        return None
    with pymupdf.open(path) as d:
        return "".join(p.get_text() for p in d)

# Font files for `--font-files` (Debian fonts-ipaexfont): outline matching for subsets that
# renumbered their glyphs. The column is left out when they are not installed.
FONT_DIRS = ["/usr/share/fonts/opentype/ipaexfont-gothic", "/usr/share/fonts/opentype/ipaexfont-mincho"]

def main():
    corpus, binary = pathlib.Path(sys.argv[1]), sys.argv[2]
    fonts = [d for d in FONT_DIRS if pathlib.Path(d).is_dir()]
    truth = norm((corpus / "ground_truth.txt").read_text())
    rows = []
    for pdf in sorted(corpus.glob("*.pdf")):
        outs = {
            "glyphmend": run([binary, "extract", "-q", str(pdf)]),
            "glyphmend --font-files": run([binary, "extract", "-q", str(pdf), "--font-files", *fonts]) if len(fonts) == 2 else None,
            "pdftotext -raw": run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"]),
            "PyMuPDF": pymupdf_text(str(pdf)),
        }
        cells = []
        for k, v in outs.items():
            cells.append("n/a" if v is None else f"{100 * lev(norm(v), truth) / len(truth):.1f}%")
        rows.append((pdf.stem, cells))
    print("| PDF | glyphmend | glyphmend --font-files (IPAex) | pdftotext -raw | PyMuPDF |")
    print("|---|---:|---:|---:|---:|")
    for name, cells in rows:
        print(f"| {name} | " + " | ".join(cells) + " |")

main()
