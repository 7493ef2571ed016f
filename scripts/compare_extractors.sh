#!/usr/bin/env bash
# Side-by-side character error rate (CER) of glyphmend, `pdftotext -raw` and PyMuPDF on the
# generated corpus, as a markdown table on stdout.
#
# Usage: scripts/compare_extractors.sh [CORPUS_DIR] [GLYPHMEND_BINARY]
# Needs: poppler-utils (pdftotext), python3 with pymupdf (`pip install pymupdf`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="${1:-$here/../../shared/corpus/pdf}"
bin="${2:-${CARGO_TARGET_DIR:-$here/../target}/debug/glyphmend}"
[ -x "$bin" ] || { echo "build glyphmend first (cargo build); looked for $bin" >&2; exit 2; }
command -v pdftotext >/dev/null || { echo "pdftotext missing: apt-get install poppler-utils" >&2; exit 2; }
exec python3 "$here/compare_extractors.py" "$corpus" "$bin"
