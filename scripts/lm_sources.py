#!/usr/bin/env python3
"""Extract the training (and held-out) sources of the character LM into a scratch dir.

Usage: lm_sources.py OUTDIR [--heldout FILE]

Writes into OUTDIR:
  text_<name>.txt   clean running Japanese, one line per paragraph/sentence
  words_<name>.tsv  word<TAB>count  (count already weighted, see WEIGHTS below)

--heldout FILE additionally writes manpages-ja clean text to FILE (never used for training).

A line counts as "clean Japanese" when it has >= 8 characters and >= 50% of them are
kana/kanji; lines are de-duplicated. Everything is deterministic (sorted file walks).
"""
import gzip
import html
import math
import os
import re
import sys

MIN_LEN = 8


def is_kana_kanji(ch):
    o = ord(ch)
    return (0x3040 <= o <= 0x30FF) or (0x4E00 <= o <= 0x9FFF) or o in (0x3005, 0x30FC)


def clean_line(line):
    line = re.sub(r"\s+", " ", line).strip()
    if len(line) < MIN_LEN:
        return None
    jp = sum(1 for ch in line if is_kana_kanji(ch))
    if jp * 2 < len(line):
        return None
    return line


def read_text(path):
    with open(path, "rb") as f:
        raw = f.read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    for enc in ("utf-8", "euc-jp"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", errors="replace")


TAG_BLOCK = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
BLOCK_TAGS = re.compile(r"</?(p|div|br|li|h[1-6]|tr|td|th|dt|dd|pre|table|title|section)\b[^>]*>", re.I)
TAGS = re.compile(r"<[^>]+>")


def html_lines(text):
    text = TAG_BLOCK.sub(" ", text)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = BLOCK_TAGS.sub("\n", text)
    text = TAGS.sub("", text)
    text = html.unescape(text)
    # Join source line breaks inside a paragraph: Japanese has no spaces between words.
    for para in re.split(r"\n\s*\n|\n(?=\S)", text):
        yield para.replace("\n", "")


ROFF_ESC = re.compile(r"\\f[BIRPC]|\\f\(..|\\\(..|\\\[[^\]]*\]|\\[&\-e|^%0 ]|\\s[+-]?\d|\\\*\(..|\\\*.")


def roff_lines(text):
    para = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            m = re.match(r"[.'](\S+)\s*(.*)", line)
            macro, rest = (m.group(1), m.group(2)) if m else ("", "")
            if macro in ("B", "I", "BR", "IR", "RB", "BI", "IB", "RI"):
                para.append(rest.replace('"', ""))
                continue
            if para:
                yield "".join(para)
                para = []
            if macro in ("SH", "SS", "TP", "IP") and rest:
                yield rest.replace('"', "")
            continue
        line = ROFF_ESC.sub("", line)
        if not line.strip():
            if para:
                yield "".join(para)
                para = []
            continue
        para.append(line.strip())
    if para:
        yield "".join(para)


def split_sentences(para):
    # Keep paragraphs as training lines but cut very long ones at sentence ends.
    for s in re.split(r"(?<=。)", para):
        yield s


def walk(root, suffixes):
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(suffixes):
                out.append(os.path.join(d, f))
    return sorted(out)


def write_text(path, paths, kind):
    seen = set()
    n_chars = 0
    with open(path, "w", encoding="utf-8") as out:
        for p in paths:
            try:
                t = read_text(p)
            except OSError:
                continue
            if kind == "html":
                paras = html_lines(t)
            elif kind == "roff":
                paras = roff_lines(t)
            else:
                paras = re.split(r"\n\s*\n", t)
                paras = (x.replace("\n", "") for x in paras)
            for para in paras:
                for s in split_sentences(para):
                    c = clean_line(s)
                    if c and c not in seen:
                        seen.add(c)
                        out.write(c + "\n")
                        n_chars += len(c)
    print(f"{path}: {len(seen)} lines, {n_chars} chars", file=sys.stderr)


def skk_candidates(path, count, out):
    n = 0
    raw = open(path, "rb").read()
    try:
        text = raw.decode("euc-jp")
    except UnicodeDecodeError:
        text = raw.decode("euc-jis-2004", errors="replace")
    for line in text.split("\n"):
        if not line or line.startswith(";"):
            continue
        parts = line.split(" /", 1)
        if len(parts) != 2:
            continue
        for cand in parts[1].split("/"):
            cand = cand.split(";", 1)[0].strip()
            if not cand or cand.startswith("("):
                continue
            if any(is_kana_kanji(ch) for ch in cand):
                out.write(f"{cand}\t{count}\n")
                n += 1
    return n


def main():
    outdir = sys.argv[1]
    heldout = None
    if "--heldout" in sys.argv:
        heldout = sys.argv[sys.argv.index("--heldout") + 1]
    os.makedirs(outdir, exist_ok=True)
    if heldout:
        write_text(heldout, walk("/usr/share/man/ja", (".gz", ".1", ".5", ".8")), "roff")
        if "--heldout-only" in sys.argv:
            return

    sources = [
        ("libreoffice", walk("/usr/share/libreoffice/help/ja", (".html", ".xhp")), "html"),
        ("gimp", walk("/usr/share/gimp/2.0/help/ja", (".html",)), "html"),
        ("debref", walk("/usr/share/debian-reference", (".ja.html",)), "html"),
        ("devref", walk("/usr/share/developers-reference/ja", (".html",)), "html"),
        ("maintguide", walk("/usr/share/doc/maint-guide-ja/html", (".ja.html",)), "html"),
        ("policy", walk("/usr/share/doc/debian-policy/ja", (".html",)), "html"),
    ]
    for name, paths, kind in sources:
        write_text(os.path.join(outdir, f"text_{name}.txt"), paths, kind)

    # wordfreq: frequency per token; scaled so the list counts like a 3 M-token corpus.
    try:
        import wordfreq

        freqs = wordfreq.get_frequency_dict("ja", wordlist="large")
        with open(os.path.join(outdir, "words_wordfreq.tsv"), "w", encoding="utf-8") as out:
            n = 0
            for w, f in sorted(freqs.items(), key=lambda kv: (-kv[1], kv[0])):
                if any(is_kana_kanji(ch) for ch in w):
                    out.write(f"{w}\t{f * 3e6:.4f}\n")
                    n += 1
        print(f"wordfreq: {n} words", file=sys.stderr)
    except ImportError:
        print("wordfreq not installed: skipped", file=sys.stderr)

    # ipadic surface forms: lower cost = more common; map cost to a light pseudo-count.
    ipadic = "/usr/share/mecab/dic/ipadic"
    with open(os.path.join(outdir, "words_ipadic.tsv"), "w", encoding="utf-8") as out:
        n = 0
        for p in walk(ipadic, (".csv",)):
            for line in open(p, encoding="euc-jp", errors="replace"):
                f = line.rstrip("\n").split(",")
                if len(f) < 4:
                    continue
                try:
                    cost = int(f[3])
                except ValueError:
                    continue
                c = min(3.0, max(0.05, 0.5 * math.pow(10, -(cost - 5000) / 3000)))
                out.write(f"{f[0]}\t{c:.4f}\n")
                n += 1
        print(f"ipadic: {n} entries", file=sys.stderr)

    skk = "/usr/share/skk"
    with open(os.path.join(outdir, "words_skk.tsv"), "w", encoding="utf-8") as out:
        n = 0
        for name, count in (("SKK-JISYO.law", 1.0), ("SKK-JISYO.geo", 0.3), ("SKK-JISYO.jinmei", 0.2),
                            ("SKK-JISYO.office.zipcode", 0.1), ("SKK-JISYO.zipcode", 0.1)):
            p = os.path.join(skk, name)
            if os.path.exists(p):
                n += skk_candidates(p, count, out)
        print(f"skk: {n} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
