#!/usr/bin/env python3
"""Does a candidate held-out font share a glyph order with a font already used?

For the characters of one document of the held-out text (150 non-empty lines each, as
examples/unseen_fonts.rs cuts them), maps each character through each font's cmap to its
glyph ID and reports, per candidate, the used font and constant offset under which the
most of its characters have the same glyph ID (1.00: the same order, possibly shifted).
A collection (.ttc) is read as its first face, as the benchmark does.

Usage: scripts/glyph_order_overlap.py TEXT DOC USED_FONT... -- CANDIDATE_FONT...
Needs fontTools (python3-fonttools).
"""
import collections
import sys

from fontTools.ttLib import TTCollection, TTFont

DOC_LINES = 150


def main():
    args = sys.argv[1:]
    if "--" not in args or len(args) < 4:
        sys.exit(__doc__)
    k = args.index("--")
    text, doc, used, cands = args[0], int(args[1]), args[2:k], args[k + 1 :]
    lines = [l for l in open(text, encoding="utf-8").read().split("\n") if l.strip()]
    chars = sorted({c for l in lines[doc * DOC_LINES : (doc + 1) * DOC_LINES] for c in l if ord(c) > 127})

    def gids(path):
        font = TTCollection(path).fonts[0] if path.endswith(".ttc") else TTFont(path, lazy=True)
        cmap = font.getBestCmap()
        index = {g: i for i, g in enumerate(font.getGlyphOrder())}
        return {c: index[cmap[ord(c)]] for c in chars if ord(c) in cmap}

    used_gids = {p: gids(p) for p in used}
    print(f"document {doc}: {len(chars)} distinct non-ASCII characters")
    for p in cands:
        m = gids(p)
        best = (0.0, "-", 0)
        for u, um in used_gids.items():
            common = [c for c in m if c in um]
            if common:
                off, n = collections.Counter(m[c] - um[c] for c in common).most_common(1)[0]
                best = max(best, (n / len(common), u, off))
        kana = sum(1 for c in m if "\u3040" <= c <= "\u30ff")
        print(f"{p}\tcovers {len(m)} (kana {kana})\tclosest used order {best[1]} offset {best[2]}: {best[0]:.2f}")


if __name__ == "__main__":
    main()
