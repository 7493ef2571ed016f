#!/usr/bin/env python3
"""Writes the tiny hand-made PDF fixtures of tests/fixtures/pdf/ (run from the repo root).

tiny.pdf: one page, Helvetica text drawn directly and through a Form XObject.
tiny_encrypted.pdf (user password "secret") is made from it with qpdf:
  qpdf --encrypt secret owner 256 -- tests/fixtures/pdf/tiny.pdf tests/fixtures/pdf/tiny_encrypted.pdf
  qpdf --encrypt "" owner 256 -- tests/fixtures/pdf/tiny.pdf tests/fixtures/pdf/tiny_encrypted_nopw.pdf
"""

def pdf(objects):
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"

page = b"BT /F1 12 Tf 72 720 Td (Hello 123) Tj ET q 1 0 0 1 72 700 cm /X1 Do Q"
form = b"BT /F1 12 Tf 0 0 Td [(Form) -400 (text)] TJ ET"
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>",
    stream(page),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    stream(form, b"/Type /XObject /Subtype /Form /BBox [0 0 200 50] "
                 b"/Resources << /Font << /F1 5 0 R >> >> "),
]
open("tests/fixtures/pdf/tiny.pdf", "wb").write(pdf(objs))

# two_column.pdf: a heading across the page, two prose columns drawn row by row (left and
# right line of each row in one BT block, as layout programs do), a footer across the page.
# Reading order must be: heading, left column, right column, footer.
left = ["Left column line one is here", "left column line two goes on",
        "left column line three ends", "left column line four, last"]
right = ["Right column first line text", "right column second line text",
         "right column third line text", "right column fourth line text"]
ops = [b"BT /F1 10 Tf 1 0 0 1 72 720 Tm (Heading across the whole page width) Tj ET"]
for k, (l, r) in enumerate(zip(left, right)):
    y = 690 - 14 * k
    ops.append(b"BT /F1 10 Tf 1 0 0 1 72 %d Tm (%s) Tj 1 0 0 1 320 %d Tm (%s) Tj ET"
               % (y, l.encode(), y, r.encode()))
ops.append(b"BT /F1 10 Tf 1 0 0 1 72 600 Tm (Footer across the whole page width too) Tj ET")
widths = b"[" + b" ".join([b"500"] * 95) + b"]"
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>",
    stream(b"\n".join(ops)),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding "
    b"/FirstChar 32 /LastChar 126 /Widths " + widths + b" >>",
]
open("tests/fixtures/pdf/two_column.pdf", "wb").write(pdf(objs))
