#!/usr/bin/env bash
# The unseen-font benchmark of issue 14 (examples/unseen_fonts.rs): installs Japanese fonts
# from Debian, extracts held-out clean Japanese (manpages-ja, never trained on), and runs
# the benchmark on the fit split and the held-out split of the fonts separately (families
# that share a glyph order stay on one side), fitting the confidence calibration
# (data/calibration.tsv) on the fit split only (FIT_CALIBRATION=0 keeps the shipped one).
# Usage: scripts/unseen_fonts.sh [OUTDIR]
#   HELDOUT_FONTS="a.ttf b.ttf" runs only those held-out fonts (a documented subset);
#   FIT=0 skips the tuning runs and the refit (the shipped calibration is evaluated).
# The example is built by `cargo test --no-run` (the test profile's dependency features;
# `cargo run` would rebuild every dependency) and run from the target directory.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/unseen_fonts}
cargo test -q --no-run --locked >/dev/null
BIN=${CARGO_TARGET_DIR:-target}/debug/examples/unseen_fonts
unseen_fonts() { nice "$BIN" "$@"; }
mkdir -p "$OUT"
export DEBIAN_FRONTEND=noninteractive
pkgs=(fonts-vlgothic fonts-konatu fonts-morisawa-bizud-gothic fonts-morisawa-bizud-mincho
      fonts-takao-gothic fonts-takao-mincho fonts-ipafont-gothic fonts-ipafont-mincho
      fonts-sawarabi-mincho fonts-sawarabi-gothic fonts-umeplus fonts-motoya-l-cedar fonts-seto
      fonts-ipaexfont fonts-ipamj-mincho manpages-ja)
need=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -s "$OUT/heldout.txt" ] || bash scripts/heldout_text.sh "$OUT/heldout.txt"
F=/usr/share/fonts
fit=($F/truetype/vlgothic/VL-Gothic-Regular.ttf $F/truetype/konatu/Konatu.ttf
     $F/truetype/bizud-gothic/BIZUDGothic-Regular.ttf $F/truetype/bizud-mincho/BIZUDMincho-Regular.ttf)
heldout=($F/truetype/takao-gothic/TakaoGothic.ttf $F/truetype/takao-mincho/TakaoMincho.ttf
         $F/opentype/ipafont-gothic/ipag.ttf $F/opentype/ipafont-mincho/ipam.ttf
         $F/truetype/sawarabi-gothic/sawarabi-gothic-medium.ttf
         $F/truetype/sawarabi-mincho/sawarabi-mincho-medium.ttf
         $F/truetype/umeplus/umeplus-gothic.ttf $F/truetype/motoya-l-cedar/MTLc3m.ttf
         $F/truetype/seto/setofont.ttf $F/opentype/ipaexfont-gothic/ipaexg.ttf
         $F/opentype/ipaexfont-mincho/ipaexm.ttf $F/truetype/ipamj/ipamjm.ttf)
[ -n "${HELDOUT_FONTS:-}" ] && read -r -a heldout <<<"$HELDOUT_FONTS"
# Tuning: the fit fonts (glyph orders: real, shuffled, first-use) and the shipped tables' own
# fonts (known-font case, with the extractor damage variants), documents 0..2, every learned
# reading applied; the calibration is fitted on these spans only.
if [ "${FIT:-1}" = 1 ]; then
unseen_fonts --docs 0..2 --learn-all --variants font,permuted,frequency \
  --spans "$OUT/fit.fonts.spans.tsv" "$OUT/heldout.txt" "${fit[@]}" | tee "$OUT/fit.fonts.tsv"
unseen_fonts --docs 0..2 --learn-all --variants font,nfc,ascii \
  --spans "$OUT/fit.tables.spans.tsv" "$OUT/heldout.txt" \
  table:A table:B table:C table:ms-gothic table:ms-mincho | tee "$OUT/fit.tables.tsv"
fi
if [ "${FIT:-1}" = 1 ] && [ "${FIT_CALIBRATION:-1}" = 1 ]; then
  unseen_fonts --fit-calibration \
    "$OUT/fit.fonts.spans.tsv" "$OUT/fit.tables.spans.tsv" > data/calibration.tsv
  cargo test -q --no-run --locked >/dev/null # the calibration is compiled in
fi
# Held out: other fonts, another document (4), every variant, the calibration as shipped.
unseen_fonts --docs 4..5 --spans "$OUT/heldout.spans.tsv" \
  "$OUT/heldout.txt" "${heldout[@]}" | tee "$OUT/heldout.tsv"
# Reliability of every learned reading, applied or not (the threshold set aside).
unseen_fonts --docs 4..5 --learn-all --spans "$OUT/heldout.all.spans.tsv" \
  "$OUT/heldout.txt" "${heldout[@]}" | tee "$OUT/heldout.all.tsv"
