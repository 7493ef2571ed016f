#!/usr/bin/env bash
# Speed and CER of glyphmend against pdftotext -raw and PyMuPDF (PDFs) and ftfy (text), in
# one run on the same files, plus the cost curve over three generated corpus sizes.
#
#   scripts/compare_speed.sh [SHARED_DIR] [SIZES_MB...]
#
# Needs: a release build (cargo build --release), poppler-utils (pdftotext), python3 with
# venv. ftfy, pymupdf and rapidfuzz are installed into a venv under $VENV (default
# /tmp/glyphmend-bench-venv) on first use. SHARED_DIR defaults to ../shared.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
shift || true
SIZES=${*:-1 10 100}
BIN=${GLYPHMEND:-${CARGO_TARGET_DIR:-target}/release/glyphmend}
VENV=${VENV:-/tmp/glyphmend-bench-venv}
WORK=${WORK:-$(mktemp -d)}
[ -x "$BIN" ] || { echo "no release binary at $BIN: run cargo build --release" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q ftfy pymupdf rapidfuzz
fi
PY="$VENV/bin/python"
HELP=scripts/compare_speed.py

echo "## Text: glyphmend repair vs ftfy.fix_text (same files)"
echo
"$PY" $HELP text --glyphmend "$BIN" \
  tests/fixtures/seed/dev-a.txt:tests/fixtures/seed/dev-a.truth.txt \
  tests/fixtures/clean_ja_heldout.txt:tests/fixtures/clean_ja_heldout.txt
echo
echo "## Text in process, per CPU-second: ftfy here, glyphmend from examples/throughput"
echo
"$PY" $HELP inprocess
if [ -x "${CARGO_TARGET_DIR:-target}/release/examples/throughput" ]; then
  "${CARGO_TARGET_DIR:-target}/release/examples/throughput" repair_
else
  echo "(cargo build --release --example throughput for glyphmend's figures)"
fi
echo
echo "## Cost curve: generated corpora (20 % garbled lines, mostly distinct lines)"
echo
files=()
for mb in $SIZES; do
  python3 scripts/gen_corpus.py "$WORK/corpus-${mb}MB" --mb "$mb" 2>/dev/null
  files+=("$WORK/corpus-${mb}MB.txt:$WORK/corpus-${mb}MB.truth.txt")
done
"$PY" $HELP text --runs 1 --glyphmend "$BIN" "${files[@]}"
echo
if [ -d "$SHARED/corpus/pdf" ]; then
  echo "## PDF: glyphmend extract vs pdftotext -raw vs PyMuPDF"
  echo
  "$PY" $HELP pdf --glyphmend "$BIN" --truth "$SHARED/corpus/pdf/ground_truth.txt" "$SHARED"/corpus/pdf/*.pdf
else
  echo "no $SHARED/corpus/pdf: PDF comparison skipped"
fi
echo
echo "(work files in $WORK)"
