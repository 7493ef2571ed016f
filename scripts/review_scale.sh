#!/usr/bin/env bash
# The review site for a corpus of about 1,000 documents: copies the bundled sample (corpus/:
# 4 PDFs, 3 extracted-text files) and the shared corpus PDFs (../shared/corpus/pdf) into
# directories until there are TARGET inputs, runs `glyphmend batch` and `glyphmend review`,
# and prints the site's sizes, the review's wall time, and how long the index and a PDF
# document page take to load in headless Chromium (the pages' own script records
# performance.now() at its end and at the load event: `data-ready-ms`, `data-load-ms`).
#
#   scripts/review_scale.sh [TARGET]          (default 1000; GLYPHMEND=path/to/binary)
#
# Copies of one file have one content hash, so their page images are rendered once: the
# rendering cost is that of the distinct PDFs (see the printout), not of TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${1:-1000}
SHARED=${SHARED:-../shared}
BIN=${GLYPHMEND:-${CARGO_TARGET_DIR:-target}/debug/glyphmend}
WORK=${WORK:-$(mktemp -d)}
[ -x "$BIN" ] || { echo "no binary at $BIN: run cargo test --no-run" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium not found" >&2; exit 1; }
files=(corpus/*.pdf corpus/*.txt "$SHARED"/corpus/pdf/*.pdf)
mkdir -p "$WORK/in"
n=0; k=0
while [ "$n" -lt "$TARGET" ]; do
  k=$((k + 1)); mkdir -p "$WORK/in/set$k"
  i=0
  for f in "${files[@]}"; do
    [ "$n" -lt "$TARGET" ] || break
    i=$((i + 1)); cp "$f" "$WORK/in/set$k/$i-$(basename "$f")"; n=$((n + 1))
  done
done
echo "$n inputs ($(printf '%s\n' "${files[@]}" | wc -l) distinct files) in $WORK/in"
"$BIN" batch -q -o "$WORK/out" "$WORK/in" || true   # exit 4: some need attention
rm -rf "$WORK/out/review" "$WORK/out/review.html"
/usr/bin/time -f "review (first run, renders pages): %e s wall, %U s user" \
  "$BIN" review "$WORK/out" >/dev/null
/usr/bin/time -f "review (rerun, images cached): %e s wall, %U s user" \
  "$BIN" review "$WORK/out" >/dev/null
echo "index: $(stat -c %s "$WORK/out/review.html") bytes;" \
  "document pages: $(ls "$WORK/out/review/doc" | wc -l), $(du -sh "$WORK/out/review/doc" | cut -f1);" \
  "images: $(find "$WORK/out/review/img" -name '*.png' | wc -l) PNG, $(du -sh "$WORK/out/review/img" | cut -f1)"
# The largest document page and the page of the first no-ToUnicode PDF.
big=$(ls -S "$WORK/out/review/doc" | head -1 || true)
pdfpage=$(grep -l 'office_emu__a_no_tounicode.pdf</h1>' "$WORK"/out/review/doc/*.html | head -1 || true)
measure() {  # URL LABEL: three loads, each in a fresh profile
  for i in 1 2 3; do
    prof=$(mktemp -d)
    start=$(date +%s.%N)
    dom=$(timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --disable-dev-shm-usage --user-data-dir="$prof" --dump-dom "$1" 2>/dev/null)
    end=$(date +%s.%N)
    rm -rf "$prof"
    body=$(grep -o '<body[^>]*>' <<<"$dom" | head -1)
    ready=$(grep -o 'data-ready-ms="[0-9]*"' <<<"$body" | grep -o '[0-9]*' || echo "?")
    load=$(grep -o 'data-load-ms="[0-9]*"' <<<"$body" | grep -o '[0-9]*' || echo "?")
    printf '%s: script done %s ms, load event %s ms after navigation; chromium process %.2f s\n' \
      "$2" "$ready" "$load" "$(echo "$end - $start" | bc)"
  done
}
measure "file://$WORK/out/review.html" "index ($n rows)"
measure "file://$WORK/out/review/doc/$(basename "$pdfpage")" "PDF page $(basename "$pdfpage")"
measure "file://$WORK/out/review/doc/$big" "largest page $big ($(stat -c %s "$WORK/out/review/doc/$big") bytes)"
measure "about:blank" "about:blank (browser start-up alone)"
echo "work directory: $WORK"
