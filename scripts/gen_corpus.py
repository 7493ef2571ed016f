#!/usr/bin/env python3
"""Generate a large garbled/clean text corpus (with its truth) for speed and scale runs.

Lines come from the bundled clean Japanese text (tests/fixtures/clean_ja_heldout.txt and
the truth files of tests/fixtures/seed). Each output line is a source line, or, to keep
lines distinct, the head of one spliced to the tail of another. A fraction of the lines is
garbled the way seed font A garbles (the glyph ID printed as a code point, no bidi
reordering -- what PyMuPDF prints):
  hiragana  gid = cp - 0x280C      katakana  gid = cp - 0x280E
  kanji     gid = rank in sorted(CP932 U JIS X 0213, C0 controls excluded) + 0x5C0
  full-width ASCII  gid = cp - 0xC0E2
Other characters are left as they are (as with a partial ToUnicode CMap).

    python3 scripts/gen_corpus.py OUT_PREFIX --mb 10 [--garbled 0.2] [--seed 1] [--repeat]

writes OUT_PREFIX.txt and OUT_PREFIX.truth.txt. --repeat instead repeats
tests/fixtures/seed/dev-{a,b,c}.txt (and truths) as they are: real sheets repeat lines,
and that is the case glyphmend's per-document line cache serves.
"""
import argparse
import os
import random
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def repertoire_rank():
    # Only code points below the last kanji decoded (U+9FA5) affect kanji ranks.
    cps = []
    for cp in range(0x20, 0xA000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        for enc in ("cp932", "euc_jis_2004"):
            try:
                c.encode(enc)
                cps.append(cp)
                break
            except UnicodeEncodeError:
                pass
    return {cp: i for i, cp in enumerate(sorted(set(cps)))}


def garbler():
    rank = repertoire_rank()

    def garble_char(c):
        u = ord(c)
        if 0x3041 <= u <= 0x3096:
            return chr(u - 0x280C)
        if 0x30A1 <= u <= 0x30FF:
            return chr(u - 0x280E)
        if 0x4E00 <= u <= 0x9FA5 and u in rank:
            return chr(rank[u] + 0x5C0)
        if 0xFF01 <= u <= 0xFF5E:
            return chr(u - 0xC0E2)
        return c

    return lambda line: "".join(garble_char(c) for c in line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=1.0, help="approximate size (MB of UTF-8)")
    ap.add_argument("--garbled", type=float, default=0.2, help="fraction of garbled lines")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", action="store_true", help="repeat the seed files as they are")
    a = ap.parse_args()
    target = int(a.mb * 1_000_000)
    rng = random.Random(a.seed)
    out, truth, size = [], [], 0
    if a.repeat:
        pairs = []
        for name in ("dev-a", "dev-b", "dev-c"):
            g = read(f"tests/fixtures/seed/{name}.txt").split("\n")
            t = read(f"tests/fixtures/seed/{name}.truth.txt").split("\n")
            pairs += list(zip(g, t))
        while size < target:
            for g, t in pairs:
                out.append(g)
                truth.append(t)
                size += len(g.encode()) + 1
    else:
        pool = []
        for rel in (
            "tests/fixtures/clean_ja_heldout.txt",
            "tests/fixtures/seed/dev-a.truth.txt",
            "tests/fixtures/seed/dev-b.truth.txt",
            "tests/fixtures/seed/dev-c.truth.txt",
        ):
            pool += [l for l in read(rel).split("\n") if len(l) >= 4]
        garble = garbler()
        while size < target:
            line = rng.choice(pool)
            if rng.random() < 0.7:
                other = rng.choice(pool)
                line = line[: rng.randint(1, len(line))] + other[rng.randint(0, len(other) - 1):]
            g = garble(line) if rng.random() < a.garbled else line
            out.append(g)
            truth.append(line)
            size += len(g.encode()) + 1
    with open(a.out + ".txt", "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    with open(a.out + ".truth.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(truth) + "\n")
    print(f"{a.out}.txt: {len(out)} lines, {size} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
