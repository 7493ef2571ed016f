#!/usr/bin/env python3
"""Write mappings/anchors/{A,B,C}.anchors: a handful of glyphs per seed font whose reading
is certain from context, taken from shared/corpus/seed/pairs.tsv. Tables are then derived
from these by `glyphmend learn anchors`; the other 300 pairs stay out of the tables and
serve as the test of what the fit predicts.

    python3 scripts/seed_anchors.py ../shared/corpus/seed/pairs.tsv mappings/anchors
"""
import sys, os

PICK = {
    # font: (chars, confidence override for glyphs that are context-only guesses)
    "A": "しでらイスメ会実図孤法（）ＮＯＰ○〇",
    "B": "もでへキスムー一図体化団①③ⅠⅡ２",
    "C": "すデモル室査調ＮＯＰ",
}
CONF = {("A", "○"): 0.6, ("A", "〇"): 0.5}

pairs, out = sys.argv[1], sys.argv[2]
rows = {}
with open(pairs, encoding="utf-8") as f:
    next(f)
    for line in f:
        font, garbled, truth, occ, evidence = line.rstrip("\n").split("\t")
        gid = int(garbled.split()[0][2:], 16)
        ch = truth.split()[1]
        rows[(font, ch)] = (gid, evidence.split("[")[0].strip() + " " + evidence.split("]")[-1].strip())
os.makedirs(out, exist_ok=True)
for font, chars in PICK.items():
    with open(os.path.join(out, f"{font}.anchors"), "w", encoding="utf-8") as f:
        f.write(f"# anchors for seed font {font}: glyphs whose reading is certain from context\n")
        for ch in chars:
            gid, ev = rows[(font, ch)]
            conf = CONF.get((font, ch))
            c = f" confidence={conf}" if conf else ""
            ev = ev.replace('"', "'")
            f.write(f'anchor gid={gid:04X} char=U+{ord(ch):04X}{c} evidence="{ch}: {ev}"\n')
