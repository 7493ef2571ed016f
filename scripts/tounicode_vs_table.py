#!/usr/bin/env python3
"""Does a table bind to a font it was not voted from? The ToUnicode entries of one font's
composite subsets, in real PDFs, checked glyph by glyph against a table's voted glyphs
(issue 13: MS PGothic / MS PMincho are bound to the MS Gothic / MS Mincho tables; this is
the evidence for or against that binding).

usage: scripts/tounicode_vs_table.py TABLE FAMILY PDF_OR_DIR...

FAMILY is a canonical font name as scripts/table_heldout.py `--fonts` takes it (MS-PGothic,
MS-PMincho, Meiryo, HGPGothicE, …). Only Type0 fonts with Identity-H/V encoding, an embedded TrueType
program of at least MIN_GLYPHS glyphs (a subset that kept the font's original glyph IDs:
renumbered subsets have a few hundred) and no CIDToGIDMap stream are read; their codes are
glyph IDs. Per (document, code) the ToUnicode text is compared with the table's `glyph`
rule for that glyph ID: agree, disagree (listed), or absent from the table. Entries that
are not one printable character (controls, ligature strings) are not scored.
"""
import collections
import os
import re
import struct
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import table_heldout as th  # noqa: E402  (family(), parse_tounicode(), PyMuPDF)

fitz = th.fitz
MIN_GLYPHS = 5000


def table_glyphs(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("glyph "):
            gid = int(re.search(r"\bgid=([0-9A-Fa-f]+)", line).group(1), 16)
            cps = re.search(r"\bchar=(\S+)", line).group(1)
            out[gid] = "".join(chr(int(c, 16)) for c in re.findall(r"U\+([0-9A-Fa-f]+)", cps))
    return out


def num_glyphs(data):
    if len(data) < 12:
        return 0
    n = struct.unpack(">H", data[4:6])[0]
    for i in range(n):
        at = 12 + 16 * i
        if data[at : at + 4] == b"maxp":
            off = struct.unpack(">I", data[at + 8 : at + 12])[0]
            return struct.unpack(">H", data[off + 4 : off + 6])[0]
    return 0


def fonts(pdf, family):
    """(ToUnicode map) per composite font of `family` whose codes are original glyph IDs."""
    try:
        doc = fitz.open(pdf)
    except Exception:
        return
    for x in range(1, doc.xref_length()):
        try:
            if doc.xref_get_key(x, "Subtype") != ("name", "/Type0"):
                continue
            raw = doc.xref_get_key(x, "BaseFont")[1][1:].encode("utf-8", "surrogateescape")
            if th.family(raw) != family:
                continue
            if doc.xref_get_key(x, "Encoding")[1] not in ("/Identity-H", "/Identity-V"):
                continue
            kind, tu = doc.xref_get_key(x, "ToUnicode")
            d = th.descendant(doc, x)
            if kind != "xref" or d is None:
                continue
            if doc.xref_get_key(d, "CIDToGIDMap")[0] == "xref":
                continue
            kind, fd = doc.xref_get_key(d, "FontDescriptor")
            if kind != "xref":
                continue
            kind, ff = doc.xref_get_key(int(fd.split()[0]), "FontFile2")
            if kind != "xref" or num_glyphs(doc.xref_stream(int(ff.split()[0]))) < MIN_GLYPHS:
                continue
            yield th.parse_tounicode(doc.xref_stream(int(tu.split()[0])))
        except Exception:
            continue


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    table = table_glyphs(sys.argv[1])
    family = sys.argv[2]
    th.SELECTED = {family}
    paths = []
    for p in sys.argv[3:]:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                paths += [os.path.join(root, f) for f in files if f.lower().endswith(".pdf")]
        else:
            paths.append(p)
    docs = 0
    agree = disagree = absent = 0
    glyphs_agree, glyphs_dis = set(), set()
    wrong = collections.Counter()
    for pdf in sorted(paths):
        seen = {}
        for tu in fonts(pdf, family):
            for code, text in tu.items():
                if len(text) != 1 or not text.isprintable() or unicodedata.category(text) == "Co":
                    continue
                seen[code] = text
        if not seen:
            continue
        docs += 1
        for code, text in seen.items():
            want = table.get(code)
            if want is None:
                absent += 1
            elif want == text:
                agree += 1
                glyphs_agree.add(code)
            else:
                disagree += 1
                glyphs_dis.add(code)
                wrong[(code, want, text)] += 1
    print(f"{family} vs {os.path.basename(sys.argv[1])}: {docs} documents; "
          f"(document, glyph) entries: {agree} agree, {disagree} disagree, {absent} not in the table; "
          f"distinct glyphs: {len(glyphs_agree)} agree, {len(glyphs_dis)} disagree")
    for (code, want, text), n in wrong.most_common(40):
        print(f"  gid {code:04X}: table {want!r} (U+{ord(want[0]):04X}), ToUnicode {text!r} "
              f"(U+{ord(text):04X}) in {n} document(s)")


if __name__ == "__main__":
    main()
