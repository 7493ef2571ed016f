#!/usr/bin/env bash
# Whole-process speed of `glyphmend repair` on clean Japanese text (issue: the clean path
# costs only the scan), beside `cat` (the I/O floor) and ftfy.fix_text in one Python process.
#
#   scripts/clean_path_speed.sh [MB]        (default 128)
#
# The text is tests/fixtures/clean_ja_heldout.txt (held-out manpages-ja text) repeated to MB
# megabytes. CPU seconds are user+sys from /usr/bin/time, the median of 5 runs; ftfy runs
# once on the first 8 MB (it is ~1,000× slower) and is reported per CPU-second.
# Needs: a glyphmend binary ($GLYPHMEND, default target/release/glyphmend, else
# target/debug/glyphmend from `cargo test --no-run`), python3 with ftfy.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-128}
BIN=${GLYPHMEND:-target/release/glyphmend}
[ -x "$BIN" ] || BIN=target/debug/glyphmend
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK/clean.txt" "$MB" <<'PY'
import sys
src = open("tests/fixtures/clean_ja_heldout.txt", encoding="utf-8").read()
n, want = 0, int(sys.argv[2]) << 20
with open(sys.argv[1], "w", encoding="utf-8") as f:
    while n < want:
        f.write(src); n += len(src.encode())
PY
BYTES=$(stat -c %s "$WORK/clean.txt")
cpu() { # median user+sys of 5 runs of "$@"
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1
  done | awk '{print $1+$2}' | sort -n | sed -n 3p
}
echo "input: $BYTES bytes of clean Japanese; binary: $BIN"
for dest in /dev/null file; do
  if [ $dest = file ]; then out="$WORK/out.txt"; else out=/dev/null; fi
  g=$(cpu "$BIN" repair "$WORK/clean.txt" -o "$out")
  c=$(cpu sh -c "cat '$WORK/clean.txt' > '$out'")
  echo "to $dest: glyphmend repair $g CPU-s ($(python3 -c "print(f'{$BYTES/1e6/max($g,1e-3):,.0f}')") MB/CPU-s); cat $c CPU-s"
done
"$BIN" repair "$WORK/clean.txt" -o "$WORK/out.txt"
cmp -s "$WORK/clean.txt" "$WORK/out.txt" && echo "output byte-identical to the input: yes" || { echo "output differs"; exit 1; }
python3 - "$WORK/clean.txt" <<'PY'
import sys, time, ftfy
text = open(sys.argv[1], encoding="utf-8").read(8 << 20)
t = time.process_time(); ftfy.fix_text(text); t = time.process_time() - t
print(f"ftfy {ftfy.__version__} fix_text on {len(text.encode())/1e6:.1f} MB: {t:.2f} CPU-s ({len(text.encode())/1e6/t:.2f} MB/CPU-s)")
PY
