#!/usr/bin/env python3
"""The shipped tables (MS Mincho / MS Gothic by default; any font with `--fonts`) measured
on real PDFs nothing was derived from (issue 13 "real ministry PDFs", issue 14 "trust").

For each PDF, the composite (Type0) fonts named MS Gothic / PGothic / Mincho / PMincho (or
those `--fonts` names) are put in the state of the defect glyphmend exists for (jp-mlit-kyushu-89test.pdf: a CID font
with its original glyph IDs and neither a ToUnicode nor a cmap in the embedded program):
their /ToUnicode is removed and the `cmap` table of their embedded TrueType is renamed
(`cmaq`, same length and sort position, so the font stays valid). The stripped copy goes to
OUT/stripped/ (third-party data: never into the repository). `glyphmend extract --json -q`
then reads both files and the glyphs of the stripped fonts are compared one by one with
what the original document's own ToUnicode said (spans of source `to-unicode` in the
original's read; glyphs whose truth span does not have one character per glyph are not
scored). Glyph sequences are aligned page by page on (font, glyph ID), so a different line
order cannot misalign them.

Each stripped glyph is right, wrong, unresolved, or a twin (printed and truth differ but
share their NFKC form: one glyph the font's cmap maps from both, e.g. 日 and the Kangxi
radical ⽇ that Office writes into ToUnicode); wrong glyphs printed at span confidence
>= 0.9 are counted apart (the project's rule: never a confident wrong character).

usage: scripts/table_heldout.py GLYPHMEND_BIN OUT [--tables DIR] [--learn] [--fonts A,B] PDF...

  --tables DIR   passed to `extract --tables` (user tables come before the shipped ones)
  --fonts A,B    measure the composite fonts of these canonical names instead of the MS
                 ones (e.g. Meiryo, HGPGothicE, YuGothic-Regular; MS-PGothic works too).
                 A BaseFont is canonicalised as glyphmend binds tables: subset tag, `@`,
                 spaces, `,Style` and `-Bold`/`-Italic` dropped, Japanese names
                 (NFKC) mapped to PostScript ones
  --learn        leave self-learning on (default: `--no-learn`, so the tables alone are
                 measured)

Needs PyMuPDF (`fitz`) to write the stripped copies. Prints the figures and writes
OUT/summary.json, OUT/wrong.tsv (every wrong glyph: file, font, gid, truth, printed,
source, confidence) and OUT/unresolved.tsv (glyphs left unresolved, by font and glyph ID).
"""
import collections
import json
import os
import re
import struct
import subprocess
import sys
import unicodedata
import warnings

warnings.filterwarnings("ignore")
import fitz  # noqa: E402  (PyMuPDF)

# BaseFont (as printed) -> MS family, filled by strip().
families = {}

# The composite fonts whose tables are measured: MS Gothic / PGothic / Mincho / PMincho
# under their PostScript names (subset tag, `@` vertical prefix, CMap and style suffixes)
# or their Japanese names (Word and Ichitaro write `ＭＳ 明朝` in Shift_JIS bytes).
MS_FONT = re.compile(r"^@?(MS-P?(?:Gothic|Mincho))(?:$|[-,])")
JAPANESE = {"MS明朝": "MS-Mincho", "MSP明朝": "MS-PMincho", "MSゴシック": "MS-Gothic",
            "MSPゴシック": "MS-PGothic"}


# The fonts measured when `--fonts` is given (canonical names); None: the MS fonts.
SELECTED = None
# Japanese names (NFKC, spaces removed) of other Office fonts -> PostScript names.
OTHER_JAPANESE = {"メイリオ": "Meiryo", "メイリオUI": "MeiryoUI", "HGPゴシックE": "HGPGothicE",
                  "HGゴシックE": "HGGothicE", "HGSゴシックE": "HGSGothicE", "HGゴシックM": "HGGothicM",
                  "HG丸ゴシックM-PRO": "HGMaruGothicMPRO", "游明朝": "YuMincho",
                  "游ゴシック": "YuGothic", "游ゴシックRegular": "YuGothic-Regular"}


def canonical(raw):
    """A BaseFont's bytes as glyphmend's canonical_basefont would bind them (for --fonts)."""
    raw = re.sub(rb"^[A-Z]{6}\+", b"", raw).lstrip(b"@")
    for enc in ("utf-8", "cp932", "latin-1"):
        try:
            name = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    name = unicodedata.normalize("NFKC", name).replace(" ", "").split(",")[0]
    for style in ("-BoldItalic", "-Bold", "-Italic"):
        if name.endswith(style) and len(name) > len(style):
            name = name[: -len(style)]
            break
    return OTHER_JAPANESE.get(name, name)


def family(raw):
    """The measured font (MS-Gothic / MS-PGothic / MS-Mincho / MS-PMincho, or one of
    `--fonts`) a BaseFont's bytes name, or None."""
    if SELECTED is not None:
        name = canonical(raw)
        if name in SELECTED:
            return name
        ms = ms_family(raw)
        return ms if ms in SELECTED else None
    return ms_family(raw)


def ms_family(raw):
    """MS-Gothic / MS-PGothic / MS-Mincho / MS-PMincho for a BaseFont's bytes, or None."""
    raw = re.sub(rb"^[A-Z]{6}\+", b"", raw)
    m = MS_FONT.match(raw.decode("latin-1"))
    if m:
        return m.group(1)
    for enc in ("cp932", "utf-8", "utf-16"):
        try:
            name = unicodedata.normalize("NFKC", raw.decode(enc))
        except (UnicodeDecodeError, LookupError):
            continue
        name = re.split(r"[,-]", name.lstrip("@").replace(" ", ""))[0]
        if name in JAPANESE:
            return JAPANESE[name]
    return None


def shown_name(raw):
    """The BaseFont as `extract --json` prints it (its bytes as lossy UTF-8)."""
    return raw.decode("utf-8", errors="replace")


def descendant(doc, xref):
    """The xref of a Type0 font's descendant CIDFont, if it has one."""
    kind, val = doc.xref_get_key(xref, "DescendantFonts")
    if kind == "xref":
        val = doc.xref_object(int(val.split()[0]), compressed=True)
    m = re.search(r"(\d+)\s+0\s+R", val or "")
    return int(m.group(1)) if m else None


def strip_cmap(data):
    """`data` with its sfnt `cmap` table renamed, or None if it has none."""
    if len(data) < 12:
        return None
    n = struct.unpack(">H", data[4:6])[0]
    for i in range(n):
        at = 12 + 16 * i
        if data[at : at + 4] == b"cmap":
            return data[:at] + b"cmaq" + data[at + 4 :]
    return None


def strip(src, dst):
    """Write `src` with its measured composite fonts' ToUnicode and cmap removed; return what
    those ToUnicode maps said: BaseFont (as printed) -> code -> text (None where two
    disagree). Each such font's family goes to `families`."""
    doc = fitz.open(src)
    truth = {}
    patched = set()
    for x in range(1, doc.xref_length()):
        try:
            if doc.xref_get_key(x, "Subtype") != ("name", "/Type0"):
                continue
        except Exception:
            continue
        raw = doc.xref_get_key(x, "BaseFont")[1][1:].encode("utf-8", "surrogateescape")
        fam = family(raw)
        if fam is None:
            continue
        t = truth.setdefault(shown_name(raw), {})
        families[shown_name(raw)] = fam
        kind, tu = doc.xref_get_key(x, "ToUnicode")
        data = doc.xref_stream(int(tu.split()[0])) if kind == "xref" else None
        if data is not None:
            for code, text in parse_tounicode(data).items():
                # Two fonts of one name that disagree on a code: no truth for it.
                if t.setdefault(code, text) != text:
                    t[code] = None
        doc.xref_set_key(x, "ToUnicode", "null")
        d = descendant(doc, x)
        if d is None:
            continue
        kind, fd = doc.xref_get_key(d, "FontDescriptor")
        if kind != "xref":
            continue
        kind, ff = doc.xref_get_key(int(fd.split()[0]), "FontFile2")
        if kind != "xref":
            continue
        ffx = int(ff.split()[0])
        if ffx in patched:
            continue
        new = strip_cmap(doc.xref_stream(ffx))
        if new is not None:
            doc.update_stream(ffx, new)
            patched.add(ffx)
    doc.save(dst, garbage=0)
    return truth


def utf16(hexstr):
    b = bytes.fromhex(hexstr)
    return b.decode("utf-16-be", errors="replace")


def parse_tounicode(data):
    """code -> text of a ToUnicode CMap (bfchar and bfrange, both range forms)."""
    text = data.decode("latin-1")
    out = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = utf16(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, arr, dst in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:\[([^\]]*)\]|<([0-9A-Fa-f]*)>)", block
        ):
            lo, hi = int(lo, 16), int(hi, 16)
            if hi - lo > 0xFFFF:
                continue
            if arr:
                for k, d in enumerate(re.findall(r"<([0-9A-Fa-f]*)>", arr)):
                    out[lo + k] = utf16(d)
            elif dst:
                base = bytes.fromhex(dst)
                if len(base) < 2:
                    continue
                # The last UTF-16 unit increments through the range.
                last = int.from_bytes(base[-2:], "big")
                for k in range(hi - lo + 1):
                    unit = (last + k) & 0xFFFF
                    out[lo + k] = (base[:-2] + unit.to_bytes(2, "big")).decode(
                        "utf-16-be", errors="replace"
                    )
    return out


def usable(text):
    """A ToUnicode entry's text, or None if it holds no printable character."""
    if not text or all(unicodedata.category(c) == "Cc" for c in text):
        return None
    return text


def per_glyph(text, truth):
    """The character printed for each glyph of a span, or None if they cannot be paired.
    Layout inserts spaces between glyphs drawn apart (they have no glyph), so the text
    may hold more characters than the span has glyphs; which whitespace characters are
    the inserted ones is chosen by dynamic programming, the pairing with fewest
    differences from `truth` (only whitespace moves, so no non-space character can be
    paired with another glyph than its own)."""
    chars = list(text)
    n, m = len(truth), len(chars)
    if m < n:
        return None
    if m == n:
        return chars
    inf = float("inf")
    # cost[i][j]: first i glyphs paired within the first j characters.
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == inf or j == m:
                continue
            if chars[j].isspace() and c < cost[i][j + 1]:
                cost[i][j + 1] = c
            if i < n:
                d = c + (truth[i] is not None and truth[i] != chars[j])
                if d < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1] = d
    if cost[n][m] == inf:
        return None
    out = [None] * n
    i, j = n, m
    while i > 0:
        t = truth[i - 1]
        d = cost[i - 1][j - 1] + (t is not None and t != chars[j - 1])
        if cost[i - 1][j - 1] != inf and d == cost[i][j]:
            out[i - 1] = chars[j - 1]
            i, j = i - 1, j - 1
        else:
            j -= 1
    return out


def glyphs(binary, pdf, fonts, truth, extra):
    """Per glyph of a stripped font that has a truth: (font, gid, source, confidence,
    truth, printed); and the counts of glyphs not scored (notdef, no truth, a span's text
    not pairable with its glyphs)."""
    out = subprocess.run(
        [binary, "extract", "--json", "-q", *extra, pdf], capture_output=True, check=True
    ).stdout
    v = json.loads(out)
    rows, skipped = [], collections.Counter()
    for p in v["pages"]:
        for line in p["lines"]:
            for s in line["spans"]:
                font, source = s.get("font"), s.get("source")
                if font not in fonts or source == "encoding":
                    # Not a stripped font; `encoding` is a simple (WinAnsi) font that
                    # Excel writes under the same name.
                    continue
                codes = s.get("codes") or []
                if source == "notdef":
                    skipped["notdef"] += len(codes)
                    continue
                # A ToUnicode entry to nothing or to control characters (Excel maps
                # glyph 2 to U+000A) is no reading to score against.
                want = [usable(truth.get(font, {}).get(c)) for c in codes]
                got = per_glyph(s.get("text", ""), want)
                if got is None:
                    skipped["unpaired"] += len(codes)
                    continue
                gids = s.get("gids") or codes
                for gid, t, g in zip(gids, want, got):
                    if t is None:
                        skipped["no truth"] += 1
                        continue
                    rows.append((font, gid, source, s.get("confidence", 0.0), t, g))
    return rows, skipped


def main():
    global SELECTED
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    binary, out = args[0], args[1]
    rest = args[2:]
    extra = ["--no-learn"]
    pdfs = []
    i = 0
    while i < len(rest):
        if rest[i] == "--tables":
            extra += ["--tables", rest[i + 1]]
            i += 2
        elif rest[i] == "--fonts":
            SELECTED = set(rest[i + 1].split(","))
            i += 2
        elif rest[i] == "--learn":
            extra.remove("--no-learn")
            i += 1
        else:
            pdfs.append(rest[i])
            i += 1
    os.makedirs(os.path.join(out, "stripped"), exist_ok=True)
    total = collections.Counter()
    by_source = collections.Counter()
    wrong_rows = []
    unresolved = collections.Counter()
    by_font = collections.Counter()
    per_file = {}
    for pdf in pdfs:
        dst = os.path.join(out, "stripped", os.path.basename(pdf))
        truth = strip(pdf, dst)
        c = collections.Counter()
        if truth:
            rows, skipped = glyphs(binary, dst, set(truth), truth, extra)
            c.update(skipped)
            for font, gid, source, conf, t, g in rows:
                c["glyphs"] += 1
                if source == "unresolved":
                    kind = "unresolved"
                    unresolved[(families[font], gid, t)] += 1
                elif g == t:
                    kind = "right"
                elif unicodedata.normalize("NFKC", g) == unicodedata.normalize("NFKC", t):
                    # One glyph, two code points of one NFKC form: Office writes the
                    # font's Kangxi radical (U+2F47 ⽇) or EM SPACE where the text is 日 /
                    # U+3000. Neither reading is wrong; counted apart, never as right.
                    kind = "twin"
                else:
                    kind = "wrong"
                    if conf >= 0.9:
                        c["wrong >= 0.9"] += 1
                    wrong_rows.append((os.path.basename(pdf), font, gid, t, g, source, conf))
                c[kind] += 1
                by_source[(source, kind)] += 1
                by_font[(families[font], kind)] += 1
        per_file[os.path.basename(pdf)] = dict(c)
        total.update(c)
        total["files"] += 1
        if truth:
            total["files with measured fonts"] += 1
    summary = {
        "binary": binary,
        "options": extra,
        "total": dict(total),
        "by_source": {f"{k[0]} {k[1]}": v for k, v in sorted(by_source.items())},
        "by_font": {f"{k[0]} {k[1]}": v for k, v in sorted(by_font.items())},
        "files": per_file,
    }
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    with open(os.path.join(out, "wrong.tsv"), "w") as f:
        f.write("file\tfont\tgid\ttruth\tprinted\tsource\tconfidence\n")
        for r in wrong_rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    with open(os.path.join(out, "unresolved.tsv"), "w") as f:
        f.write("font\tgid\ttruth\tglyphs\n")
        for (font, gid, t), v in unresolved.most_common():
            f.write(f"{font}\t{gid}\t{t}\t{v}\n")
    n = total["glyphs"] or 1
    print(f"{total['files']} files ({total['files with measured fonts']} with the measured composite fonts), options {' '.join(extra)}")
    for k in ["right", "twin", "wrong", "unresolved"]:
        print(f"  {k:11} {total[k]:8}  {100 * total[k] / n:6.2f} %")
    print(f"  wrong>=0.9  {total['wrong >= 0.9']:8}")
    print(
        f"  scored {total['glyphs']}; not scored: no truth {total['no truth']}, "
        f"notdef {total['notdef']}, text not pairable {total['unpaired']}"
    )
    for k, v in sorted(by_source.items()):
        print(f"  source {k[0]:12} {k[1]:10} {v:8}")
    for k, v in sorted(by_font.items()):
        print(f"  font   {k[0]:12} {k[1]:10} {v:8}")
    pairs = collections.Counter((r[3], r[4], r[6] >= 0.9) for r in wrong_rows)
    for (t, g, hi), v in pairs.most_common(15):
        print(f"  wrong {t!r} -> {g!r}{' (>=0.9)' if hi else ''}: {v}")


if __name__ == "__main__":
    main()
