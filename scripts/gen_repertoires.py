#!/usr/bin/env python3
"""Write the character repertoires glyphmend's repertoire-order models rank over.

Each file lists the code points (as inclusive hex ranges, one per line) that a legacy
Japanese character set can encode, C0 controls (U+0000-001F) excluded: Office's
Unicode-sorted fonts start their ranking after those. Python's codecs are the
reference because the shipped seed tables were checked against them.

    python3 scripts/gen_repertoires.py data/repertoires

Also writes the ordered repertoires (JIS X 0208 row-cell order; Adobe-Japan1 CID order
from Debian's poppler-data, when installed).
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

# Ordered repertoires: glyph orders that are not Unicode order. Each line is one rank (or a
# run of ranks): `XXXX` a code point, `XXXX-YYYY` consecutive ranks holding consecutive
# code points, `.*N` N ranks that map to no single BMP/SMP character (holes keep ranks).

def write_ordered(path, title, seq):
    lines = []
    i = 0
    while i < len(seq):
        if seq[i] is None:
            j = i
            while j < len(seq) and seq[j] is None:
                j += 1
            lines.append(f".*{j - i}")
            i = j
            continue
        j = i
        while j + 1 < len(seq) and seq[j + 1] is not None and seq[j + 1] == seq[j] + 1:
            j += 1
        lines.append(f"{seq[i]:04X}-{seq[j]:04X}" if j > i else f"{seq[i]:04X}")
        i = j + 1
    with open(path, "w") as f:
        f.write(f"# {title}\n# ordered: one line per rank or run of ranks (see scripts/gen_repertoires.py)\n")
        f.write("\n".join(lines) + "\n")

def jis0208_row_cell():
    """JIS X 0208 in row-cell order (rows 1-84), through Python's euc_jp codec."""
    seq = []
    for row in range(1, 85):
        for cell in range(1, 95):
            try:
                ch = bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp")
            except UnicodeDecodeError:
                continue  # unassigned cell: fonts in row-cell order skip it
            if len(ch) == 1:
                seq.append(ord(ch))
    return seq

def utf16_to_cp(h):
    """A UTF-16 code unit sequence in hex (4 or 8 digits) as one code point, or None."""
    b = bytes.fromhex(h)
    try:
        s = b.decode("utf-16-be")
    except UnicodeDecodeError:
        return None
    return ord(s) if len(s) == 1 else None

def adobe_japan1(cmap_dir):
    """CID order of Adobe-Japan1 (CID = rank). A character's rank is the CID Adobe's
    UniJIS-UTF16-H CMap maps it to (its default glyph: the full-width ぁ at CID 842, not
    the half-width one at 517); a CID is the character Adobe-Japan1-UCS2 names for it if
    that character maps back to it, else the smallest character that does, else a hole."""
    import re
    uni = open(os.path.join(cmap_dir, "UniJIS-UTF16-H"), encoding="latin-1").read()
    to_cid = {}
    for block in re.findall(r"begincidrange(.*?)endcidrange", uni, re.S):
        for a, b, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", block):
            ca, cb = utf16_to_cp(a), utf16_to_cp(b)
            if ca is None or cb is None:
                continue
            for k in range(ca, cb + 1):
                to_cid[k] = int(cid) + k - ca
    for block in re.findall(r"begincidchar(.*?)endcidchar", uni, re.S):
        for a, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", block):
            ca = utf16_to_cp(a)
            if ca is not None:
                to_cid[ca] = int(cid)
    ucs2 = open(os.path.join(cmap_dir, "Adobe-Japan1-UCS2"), encoding="latin-1").read()
    named = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", ucs2, re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            if len(dst) == 4:
                named[int(src, 16)] = int(dst, 16)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", ucs2, re.S):
        for a, b, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            if len(dst) == 4:
                for k in range(int(a, 16), int(b, 16) + 1):
                    named[k] = int(dst, 16) + k - int(a, 16)
    by_cid = {}
    for c, cid in to_cid.items():
        if c >= 0x20:
            by_cid.setdefault(cid, []).append(c)
    n = max(max(named), max(by_cid)) + 1
    seq = []
    for cid in range(n):
        cands = by_cid.get(cid, [])
        if named.get(cid) in cands:
            seq.append(named[cid])
        elif cands:
            seq.append(min(cands))
        else:
            seq.append(None)
    return seq

write_ordered(os.path.join(out, "jis0208.txt"),
              "JIS X 0208 row-cell order (rows 1-84, assigned cells), from Python's euc_jp codec",
              jis0208_row_cell())
aj1 = "/usr/share/poppler/cMap/Adobe-Japan1"
if os.path.exists(os.path.join(aj1, "UniJIS-UTF16-H")):
    write_ordered(os.path.join(out, "adobe-japan1.txt"),
                  "Adobe-Japan1 CID order (rank = CID), from Adobe's UniJIS-UTF16-H and Adobe-Japan1-UCS2 CMaps "
                  "(Copyright 1990-2023 Adobe, BSD-3-Clause; Debian poppler-data)",
                  adobe_japan1(aj1))
