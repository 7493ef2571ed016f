#!/usr/bin/env python3
"""OCR of scanned pages (`--ocr`): character error rate and time per page.

Makes a scan of page 1 of each given PDF (`pdftoppm -r 300 -gray`, wrapped as the only
image of an image-only PDF written here with zlib, no other tool), then reads the scan with
`glyphmend extract --ocr` and, for comparison, the same image with `tesseract` directly
(`-l jpn+jpn_vert --psm 3 --dpi 300`). The reference text is `ground_truth.txt` beside the
PDF when given with --truth, else pdftotext's text of the original page 1. CER: edit distance over the reference's length, both sides NFKC-folded
with all whitespace removed (Tesseract cannot see full-width forms or U+3000 on an image).

    scripts/ocr_scans.py [--bin target/debug/glyphmend] [--truth FILE] PDF...
    scripts/ocr_scans.py --make-vertical OUT.pdf --truth ground_truth.txt

The second form writes a vertical (縦書き) page of the first 10 lines of the truth (HTML with
`writing-mode: vertical-rl` in IPAex Mincho, printed by headless chromium) to OUT.pdf and
their text to OUT.txt, a vertical page whose true text is known.

Prints one row per PDF (CER of --ocr, CER of tesseract directly, wall seconds of the whole
`extract --ocr` run for the page, lines read) and the means. Wall-clock figures: run it
on an otherwise idle machine.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
import zlib


def lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def cer(out, ref):
    def fold(s):
        return [c for c in unicodedata.normalize("NFKC", s) if not c.isspace()]

    a, b = fold(out), fold(ref)
    return lev(a, b) / max(1, len(b))


def render(pdf):
    pgm = subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", "-singlefile", pdf],
        check=True,
        capture_output=True,
    ).stdout
    fields, i = [], 0
    while len(fields) < 4:
        while pgm[i : i + 1].isspace():
            i += 1
        start = i
        while not pgm[i : i + 1].isspace():
            i += 1
        fields.append(pgm[start:i].decode())
    assert fields[0] == "P5" and fields[3] == "255", fields
    w, h = int(fields[1]), int(fields[2])
    return w, h, pgm[i + 1 :], pgm


def scan_pdf(w, h, pixels):
    """A one-page PDF painting only the image, page size = image at 300 dpi."""
    pw, ph = w * 72 / 300, h * 72 / 300
    data = zlib.compress(pixels, 6)
    content = f"q {pw:.3f} 0 0 {ph:.3f} 0 0 cm /Im0 Do Q".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.3f} {ph:.3f}] "
        f"/Contents 4 0 R /Resources << /XObject << /Im0 5 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(data))
        + data
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
    for n, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def make_vertical(out_pdf, truth):
    import html

    lines = truth.strip().split("\n")[:10]
    body = "<br>".join(html.escape(l) for l in lines)
    base = os.path.splitext(out_pdf)[0]
    with open(base + ".html", "w", encoding="utf-8") as f:
        f.write(
            '<html><head><meta charset="utf-8"><style>@page{size:A4;margin:15mm} '
            "body{writing-mode:vertical-rl;font-family:'IPAexMincho',serif;font-size:14pt;"
            f"line-height:1.8}}</style></head><body>{body}</body></html>"
        )
    with open(base + ".txt", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         "--print-to-pdf=" + out_pdf, base + ".html"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--make-vertical", metavar="OUT_PDF")
    ap.add_argument("--bin", default=os.environ.get("GLYPHMEND", "target/debug/glyphmend"))
    ap.add_argument("--truth")
    ap.add_argument("pdfs", nargs="*")
    args = ap.parse_args()
    truth = open(args.truth, encoding="utf-8").read() if args.truth else None
    if args.make_vertical:
        make_vertical(args.make_vertical, truth)
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in args.pdfs:
            ref = truth
            if ref is None:
                ref = subprocess.run(
                    ["pdftotext", "-f", "1", "-l", "1", pdf, "-"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            w, h, pixels, pgm = render(pdf)
            scan = os.path.join(tmp, os.path.basename(pdf))
            with open(scan, "wb") as f:
                f.write(scan_pdf(w, h, pixels))
            t0 = time.monotonic()
            ours = subprocess.run(
                [args.bin, "extract", "--ocr", "-q", scan],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            secs = time.monotonic() - t0
            direct = subprocess.run(
                ["tesseract", "stdin", "stdout", "-l", "jpn+jpn_vert", "--psm", "3", "--dpi", "300"],
                input=pgm,
                check=True,
                capture_output=True,
                env=dict(os.environ, OMP_THREAD_LIMIT="1"),
            ).stdout.decode()
            lines = sum(1 for l in ours.splitlines() if l.strip())
            rows.append((os.path.basename(pdf), cer(ours, ref), cer(direct, ref), secs, lines))
    print("pdf\tcer_ocr\tcer_tesseract\tseconds\tlines")
    for name, a, b, s, n in rows:
        print(f"{name}\t{a:.4f}\t{b:.4f}\t{s:.2f}\t{n}")
    k = len(rows)
    print(
        f"mean\t{sum(r[1] for r in rows) / k:.4f}\t{sum(r[2] for r in rows) / k:.4f}\t"
        f"{sum(r[3] for r in rows) / k:.2f}\t"
    )


if __name__ == "__main__":
    sys.exit(main())
