#!/usr/bin/env python3
"""Hebrew/Arabic word order of `glyphmend extract` against `pdftotext -raw` (issue 13).

usage: scripts/rtl_order.py GLYPHMEND_BIN PDFJS_CLONE OUT

Writes every PDF of the clone's test/pdfs (mozilla/pdf.js; third-party test data: it stays in
OUT, never in this repository) to OUT/pdf, runs `pdftotext -raw -enc UTF-8` on each, and keeps
the files whose pdftotext text holds Hebrew or Arabic letters (U+0590-05FF, U+0600-06FF,
U+0750-077F, U+FB50-FDFF, U+FE70-FEFF). On those it runs GLYPHMEND_BIN extract and compares
the right-to-left words (maximal runs of those letters; both texts NFKC-folded, pdftotext's
U+202A-202E embedding marks removed): a file is counted in visual order when more of
glyphmend's words occur only reversed among pdftotext's words than occur as they are
(palindromes, single letters included, count for neither). compare.py cannot see this: it is
blind to order where a file has no truth, and none of these has one.
"""
import collections
import os
import re
import subprocess
import sys
import unicodedata

LETTERS = "\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF"
RTL = re.compile(f"[{LETTERS}]")
WORD = re.compile(f"[{LETTERS}\uFB1D-\uFB4F]+")


def words(text):
    text = unicodedata.normalize("NFKC", re.sub("[\u202A-\u202E]", "", text))
    return collections.Counter(WORD.findall(text))


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, timeout=60).stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return ""


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    binary, repo, out = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    pdf_dir = os.path.join(out, "pdf")
    os.makedirs(pdf_dir, exist_ok=True)
    names = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "-z", "--name-only", "HEAD", "test/pdfs"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    rtl_files = []
    for f in sorted(n for n in names if n.lower().endswith(".pdf")):
        path = os.path.join(pdf_dir, os.path.basename(f))
        if not os.path.exists(path):
            data = subprocess.run(["git", "-C", repo, "show", f"HEAD:{f}"], capture_output=True).stdout
            if not data.startswith(b"%PDF"):
                continue  # a Git LFS pointer, a link file or a broken file
            open(path, "wb").write(data)
        pt = run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"])
        if RTL.search(pt):
            rtl_files.append((path, pt))
    visual = 0
    for path, pt in rtl_files:
        g, p = words(run([binary, "extract", path])), words(pt)
        same = sum((g & p).values())
        rev = sum((collections.Counter({w[::-1]: k for w, k in g.items()}) & p).values())
        pal = sum(min(k, p[w]) for w, k in g.items() if w == w[::-1])
        bad = rev - pal > same - pal
        visual += bad
        print(f"{os.path.basename(path):28s} glyphmend words {sum(g.values()):4d}, pdftotext {sum(p.values()):4d}: "
              f"as they are {same:4d}, reversed {rev:4d}{'  VISUAL ORDER' if bad else ''}")
    print(f"files with Hebrew/Arabic in pdftotext's text: {len(rtl_files)}; glyphmend in visual order: {visual}")


if __name__ == "__main__":
    main()
