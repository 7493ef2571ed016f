#!/usr/bin/env python3
"""What the held-out metric cannot see (issue 13): per set of a heldout_realworld.py OUT,
the files whose glyphmend text holds another multiset of non-space characters than
pdftotext's (text lost, extra or changed; order aside), and the files where over a third of
the (at least 10) non-blank lines hold one character (text read across its lines).

usage: scripts/heldout_outputs.py OUT/corpus/SET [OUT/corpus/SET ...]
"""
import collections
import os
import re
import sys


def chars(path):
    return collections.Counter(re.sub(r"\s", "", open(path, errors="replace").read()))


def one_char_lines(path):
    lines = [re.sub(r"\s", "", l) for l in open(path, errors="replace").read().split("\n")]
    lines = [l for l in lines if l]
    return len(lines) >= 10 and sum(1 for l in lines if len(l) == 1) > len(lines) / 3


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for set_dir in sys.argv[1:]:
        out = os.path.join(set_dir, "out")
        names = sorted(f for f in os.listdir(os.path.join(out, "pdftotext")) if f.endswith(".txt"))
        differ, columns = [], {"pdftotext": 0, "glyphmend": 0}
        for f in names:
            p, g = (os.path.join(out, t, f) for t in ("pdftotext", "glyphmend"))
            if not os.path.exists(g):
                continue
            P, G = chars(p), chars(g)
            if P != G:
                differ.append((f[:-4], sum((P - G).values()), sum((G - P).values()), G["\ufffd"]))
            for tool, path in (("pdftotext", p), ("glyphmend", g)):
                columns[tool] += one_char_lines(path)
        name = os.path.basename(os.path.normpath(set_dir))
        for f, missing, extra, fffd in differ:
            print(f"{name} {f}: {missing} of pdftotext's characters missing, {extra} extra, U+FFFD {fffd}")
        print(f"{name}: {len(names)} files, character multiset != pdftotext's: {len(differ)}; "
              f"> 1/3 one-character lines: glyphmend {columns['glyphmend']}, pdftotext {columns['pdftotext']}")


if __name__ == "__main__":
    main()
