#!/usr/bin/env python3
"""Generates data/cmaps/ from Adobe's CMap resources as Debian's poppler-data installs them.

Outputs (all in PDF CMap syntax, so the one CMap parser in src/ingest/cmap.rs reads them):
  data/cmaps/<Collection>.cmaps   every predefined code -> CID CMap of the collection
                                  (90ms-RKSJ-H, GBK-EUC-H, B5pc-V, KSC-EUC-H, ...), comments
                                  stripped, adjacent ranges merged, one section per CMap
                                  introduced by "%%CMap NAME"; `usecmap` kept as written.
  data/cmaps/<Collection>.ucs2    CID -> Unicode of the collection, from Adobe-<Coll>-UCS2.

Left out on purpose: the Uni* CMaps (their codes are Unicode, src/ingest/font.rs decodes them
without data), UCS2-* / *-UCS2 / *-UCS2C (Unicode <-> code conversions, not code -> CID) and the
Adobe-<Coll>-* CID -> CID / host CMaps. poppler-data's cidToUnicode/ files are NOT used: they
are GPL-2 (Glyph & Cog); the Adobe CMap resources are BSD-3-Clause (licence text copied into
every generated header as the licence requires).

Deliberate changes to the data, so the text is plain text: Unicode variation selectors
(U+FE00-FE0F, U+E0100-E01EF) are dropped from CID -> Unicode values (Adobe-Japan1-UCS2 gives
e.g. 逢 U+9022 U+E0100 for the traditional glyph form; the character is 逢). Vertical-form CIDs
keep Adobe's horizontal values (CID 7887 -> 、 U+3001, not poppler's U+FE11).

usage: python3 scripts/gen_cmaps.py [/usr/share/poppler/cMap] [data/cmaps]
needs: Debian package poppler-data.
"""
import os
import re
import subprocess
import sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/poppler/cMap"
OUT = sys.argv[2] if len(sys.argv) > 2 else "data/cmaps"
COLLECTIONS = ["Adobe-Japan1", "Adobe-GB1", "Adobe-CNS1", "Adobe-Korea1", "Adobe-KR"]


def package_version():
    try:
        return subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "poppler-data"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def licence(path):
    """The %%Copyright block of an Adobe CMap file, as comment lines."""
    lines = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("%%Copyright:"):
                lines.append("% " + line[len("%%Copyright:"):].strip())
    return lines


def strip_comments(text):
    return "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("%"))


def hexes(s):
    return re.findall(r"<([0-9a-fA-F]+)>", s)


def wanted(name):
    if name.startswith(("Uni", "UCS2-", "Adobe-")):
        return False
    if name.endswith(("-UCS2", "-UCS2C")):
        return False
    return True


def code_cmap(path):
    """(usecmap, wmode, codespace [(lo, hi)], ranges [(lo_hex, hi_hex, cid)], notdef) of a CMap."""
    text = strip_comments(open(path, encoding="latin-1").read())
    m = re.search(r"/([^\s/]+)\s+usecmap", text)
    use = m.group(1) if m else None
    m = re.search(r"/WMode\s+(\d)", text)
    wmode = int(m.group(1)) if m else 0
    cs = []
    for sec in re.findall(r"begincodespacerange(.*?)endcodespacerange", text, re.S):
        h = hexes(sec)
        cs += list(zip(h[0::2], h[1::2]))
    ranges = []
    for sec in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for lo, hi, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\d+)", sec):
            ranges.append((lo.lower(), hi.lower(), int(cid)))
    for sec in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        for c, cid in re.findall(r"<([0-9a-fA-F]+)>\s*(\d+)", sec):
            ranges.append((c.lower(), c.lower(), int(cid)))
    return use, wmode, cs, ranges


def merge_code_ranges(ranges):
    """Sorts by (code length, code) and merges ranges adjacent in both code and CID."""
    out = []
    for lo, hi, cid in sorted(ranges, key=lambda r: (len(r[0]), int(r[0], 16))):
        if out:
            plo, phi, pcid = out[-1]
            if (len(plo) == len(lo) and int(phi, 16) + 1 == int(lo, 16)
                    and pcid + int(phi, 16) - int(plo, 16) + 1 == cid):
                out[-1] = (plo, hi, pcid)
                continue
        out.append((lo, hi, cid))
    return out


def is_vs(c):
    u = ord(c)
    return 0xFE00 <= u <= 0xFE0F or 0xE0100 <= u <= 0xE01EF


def ucs2_map(path):
    """CID -> text of an Adobe-<Coll>-UCS2 ToUnicode CMap (bfchar/bfrange, UTF-16BE values)."""
    text = strip_comments(open(path, encoding="latin-1").read())
    m = {}
    for sec in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for a, b in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", sec):
            m[int(a, 16)] = bytes.fromhex(b).decode("utf-16-be")
    for sec in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, c in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])", sec):
            a, b = int(a, 16), int(b, 16)
            if c.startswith("<"):
                s = bytes.fromhex(c[1:-1]).decode("utf-16-be")
                for i in range(a, b + 1):
                    m[i] = s[:-1] + chr(ord(s[-1]) + i - a)
            else:
                for i, x in enumerate(hexes(c)):
                    m[a + i] = bytes.fromhex(x).decode("utf-16-be")
    return m


def utf16hex(s):
    return s.encode("utf-16-be").hex()


def write_ucs2(m, f):
    """bfrange runs of single BMP/astral characters with consecutive code points, bfchar else."""
    items = sorted((cid, "".join(c for c in s if not is_vs(c))) for cid, s in m.items())
    items = [(cid, s) for cid, s in items if s and s != "\ufffd"]
    runs = []
    for cid, s in items:
        if (runs and len(s) == 1 and len(runs[-1][2]) == 1
                and runs[-1][1] + 1 == cid
                and ord(runs[-1][2]) + (cid - runs[-1][0]) == ord(s)
                and (ord(s) & 0xFF) != 0          # bfrange may only step the last byte
                and ord(s) < 0x10000):
            runs[-1][1] = cid
            continue
        runs.append([cid, cid, s])
    f.write("1 begincodespacerange <0000> <ffff> endcodespacerange\n")
    singles = [r for r in runs if r[0] == r[1]]
    multi = [r for r in runs if r[0] != r[1]]
    f.write(f"{len(multi)} beginbfrange\n")
    for lo, hi, s in multi:
        f.write(f"<{lo:04x}> <{hi:04x}> <{utf16hex(s)}>\n")
    f.write("endbfrange\n")
    f.write(f"{len(singles)} beginbfchar\n")
    for lo, _, s in singles:
        f.write(f"<{lo:04x}> <{utf16hex(s)}>\n")
    f.write("endbfchar\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    version = package_version()
    for coll in COLLECTIONS:
        d = os.path.join(SRC, coll)
        if not os.path.isdir(d):
            sys.exit(f"missing {d}: apt-get install poppler-data")
        ucs2 = os.path.join(d, f"{coll}-UCS2")
        head = [
            f"% Generated by scripts/gen_cmaps.py from Debian poppler-data {version},",
            f"% {d}. Do not edit. Source licence (BSD-3-Clause), reproduced as it requires:",
        ] + licence(ucs2)
        names = sorted(n for n in os.listdir(d) if wanted(n))
        if names:
            with open(os.path.join(OUT, f"{coll}.cmaps"), "w", encoding="ascii") as f:
                f.write("\n".join(head) + "\n")
                f.write(f"% Code -> CID CMaps of {coll}, one section per CMap.\n")
                for n in names:
                    use, wmode, cs, ranges = code_cmap(os.path.join(d, n))
                    f.write(f"%%CMap {n}\n")
                    if use:
                        f.write(f"/{use} usecmap\n")
                    f.write(f"/WMode {wmode} def\n")
                    if cs:
                        f.write(f"{len(cs)} begincodespacerange\n")
                        f.write("".join(f"<{lo.lower()}> <{hi.lower()}>\n" for lo, hi in cs))
                        f.write("endcodespacerange\n")
                    merged = merge_code_ranges(ranges)
                    f.write(f"{len(merged)} begincidrange\n")
                    f.write("".join(f"<{lo}> <{hi}> {cid}\n" for lo, hi, cid in merged))
                    f.write("endcidrange\n")
        with open(os.path.join(OUT, f"{coll}.ucs2"), "w", encoding="ascii") as f:
            f.write("\n".join(head) + "\n")
            f.write(f"% CID -> Unicode of {coll} from {coll}-UCS2 (variation selectors dropped).\n")
            write_ucs2(ucs2_map(ucs2), f)


if __name__ == "__main__":
    main()
