#!/usr/bin/env bash
# Scaling of `glyphmend batch` from 1 to N worker threads on the same PDFs: copies the
# shared corpus PDFs COPIES times into a work directory, runs `batch -j1` and `batch -jN`
# (fresh output each, --force), and prints wall and CPU time, pages per second and the
# speed-up. Wall-clock figures: run it on an otherwise idle machine.
#
#   scripts/batch_scaling.sh [SHARED_DIR] [COPIES] [JOBS...]
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
COPIES=${2:-10}
shift 2 || true
JOBS=${*:-1 2}
BIN=${GLYPHMEND:-${CARGO_TARGET_DIR:-target}/release/glyphmend}
WORK=${WORK:-$(mktemp -d)}
[ -x "$BIN" ] || { echo "no release binary at $BIN: run cargo build --release" >&2; exit 1; }
mkdir -p "$WORK/in"
for k in $(seq 1 "$COPIES"); do
  for f in "$SHARED"/corpus/pdf/*.pdf; do
    cp "$f" "$WORK/in/$k-$(basename "$f")"
  done
done
n=$(ls "$WORK/in" | wc -l)
echo "$n PDFs (1 page each) in $WORK/in"
base=""
for j in $JOBS; do
  rm -rf "$WORK/out-$j"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time-$j" \
    "$BIN" batch -q -j "$j" --force -o "$WORK/out-$j" "$WORK/in" || true
  read -r wall user sys rss < "$WORK/time-$j"
  base=${base:-$wall}
  awk -v j="$j" -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$base" \
    'BEGIN { printf "-j%s: wall %.2f s, CPU %.2f s, %.0f pages/s, peak RSS %d MiB, speed-up %.2fx\n", j, w, u + s, n / w, r / 1024, b / w }'
done
if command -v pdftotext >/dev/null; then
  # The reference: one pdftotext -raw process per file, one at a time (it has no -j).
  /usr/bin/time -f "%e %U %S" -o "$WORK/time-pdftotext" \
    sh -c 'for f in "$1"/*.pdf; do pdftotext -raw "$f" /dev/null; done' sh "$WORK/in"
  read -r wall user sys < "$WORK/time-pdftotext"
  awk -v n="$n" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { printf "pdftotext -raw, one process per file: wall %.2f s, CPU %.2f s, %.0f pages/s\n", w, u + s, n / w }'
fi
