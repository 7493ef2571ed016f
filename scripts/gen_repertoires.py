#!/usr/bin/env python3
"""Write the character repertoires glyphmend's repertoire-order models rank over.

Each file lists the code points (as inclusive hex ranges, one per line) that a legacy
Japanese character set can encode, C0 controls (U+0000-001F) excluded: Office's
Unicode-sorted fonts start their ranking after those. Python's codecs are the
reference because the shipped seed tables were checked against them.

    python3 scripts/gen_repertoires.py data/repertoires
"""
import sys, os

def encodable(enc):
    out = []
    for cp in range(0x20, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode(enc)
            out.append(cp)
        except (UnicodeEncodeError, LookupError):
            pass
    return out

def ranges(cps):
    cps = sorted(set(cps))
    res = []
    for cp in cps:
        if res and res[-1][1] == cp - 1:
            res[-1][1] = cp
        else:
            res.append([cp, cp])
    return res

def write(path, title, cps):
    with open(path, "w") as f:
        f.write(f"# {title}\n# {len(set(cps))} code points; C0 controls excluded; inclusive ranges, hex\n")
        for a, b in ranges(cps):
            f.write(f"{a:04X}-{b:04X}\n" if a != b else f"{a:04X}\n")

out = sys.argv[1] if len(sys.argv) > 1 else "data/repertoires"
os.makedirs(out, exist_ok=True)
cp932 = encodable("cp932")
jis2004 = encodable("euc_jis_2004")
write(os.path.join(out, "cp932.txt"), "CP932 (Windows-31J) repertoire, from Python's cp932 codec", cp932)
write(os.path.join(out, "jisx0213.txt"), "JIS X 0213:2004 repertoire, from Python's euc_jis_2004 codec", jis2004)
