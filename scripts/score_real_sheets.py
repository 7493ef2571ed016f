#!/usr/bin/env python3
"""Field precision / recall of `glyphmend records` on budget PR sheets from outside this
repository (issue 15, "records from any budget sheet", real sheets from public sources).

The sheets and their labels are third-party data and stay outside the repository: this
script only reads the two directories it is given.

* PDF_DIR holds the sheets, one PDF per file, grouped by source in sub-directories
  (PDF_DIR/SOURCE/NAME.pdf; files directly in PDF_DIR are the source "-").
* LABELS_DIR holds, for each PDF, the expected records written by reading the sheet (before
  running the reader), as JSON lines in the record schema (`glyphmend records --schema`):
  LABELS_DIR/SOURCE/NAME.jsonl. A PDF without its labels file is reported and left out.

Each PDF is read three ways: the PDF itself (geometry path), `pdftotext` default-mode text
and `pdftotext -raw` text (text path); each is scored with `glyphmend records --eval
LABELS --json`, whose counts are summed per source and input kind.

usage: scripts/score_real_sheets.py GLYPHMEND_BIN PDF_DIR LABELS_DIR [--fields]

--fields also prints per-field counts of each (source, input) pair.
"""
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

INPUTS = ("pdf", "pdftotext", "pdftotext -raw")


def text_of(pdf, raw, out_dir):
    """pdftotext's text of `pdf` (default or -raw mode), written under out_dir."""
    out = out_dir / (pdf.stem + (".raw.txt" if raw else ".txt"))
    cmd = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else []) + [str(pdf), str(out)]
    subprocess.run(cmd, check=True)
    return out


def evaluate(glyphmend, labels, path):
    """The --eval --json report of glyphmend on `path` against `labels`."""
    run = subprocess.run(
        [glyphmend, "records", "--eval", str(labels), "--json", str(path)],
        capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"glyphmend failed on {path}: {run.stderr.strip()}")
    return json.loads(run.stdout)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        sys.exit(__doc__)
    glyphmend, pdf_dir, labels_dir = args[0], Path(args[1]), Path(args[2])
    per_fields = "--fields" in sys.argv
    totals = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    sheets = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for pdf in sorted(pdf_dir.rglob("*.pdf")):
            rel = pdf.relative_to(pdf_dir)
            source = rel.parts[0] if len(rel.parts) > 1 else "-"
            labels = labels_dir / rel.with_suffix(".jsonl")
            if not labels.is_file():
                print(f"no labels for {rel} (want {labels}); left out", file=sys.stderr)
                continue
            sheets[source] += sum(1 for line in labels.read_text().splitlines() if line.strip())
            paths = {
                "pdf": pdf,
                "pdftotext": text_of(pdf, False, tmp),
                "pdftotext -raw": text_of(pdf, True, tmp),
            }
            for kind, path in paths.items():
                report = evaluate(glyphmend, labels, path)
                for field, c in report["fields"].items():
                    counts = totals[(source, kind)][field]
                    counts[0] += c["expected"]
                    counts[1] += c["produced"]
                    counts[2] += c["correct"]
    if not totals:
        sys.exit("no PDF with labels found")
    print(f"{'source':<16}{'sheets':>7}  " + "".join(f"{k:>22}" for k in INPUTS))
    for source in sorted(sheets):
        row = f"{source:<16}{sheets[source]:>7}  "
        for kind in INPUTS:
            fields = totals[(source, kind)]
            exp = sum(c[0] for c in fields.values())
            prod = sum(c[1] for c in fields.values())
            ok = sum(c[2] for c in fields.values())
            p = 100.0 * ok / prod if prod else 100.0
            r = 100.0 * ok / exp if exp else 100.0
            row += f"{p:>9.1f} / {r:5.1f} ({exp:>4})"
        print(row)
        if per_fields:
            for kind in INPUTS:
                for field, (e, p, o) in sorted(totals[(source, kind)].items()):
                    if e or p:
                        print(f"    {kind:<15}{field:<26}{e:>5}{p:>5}{o:>5}")


if __name__ == "__main__":
    main()
