#!/usr/bin/env bash
# The unseen-font benchmark of issue 14 (examples/unseen_fonts.rs): installs Japanese fonts
# from Debian, extracts held-out clean Japanese (manpages-ja, never trained on), and runs
# the benchmark on the fit split and the held-out split of the fonts separately (families
# that share a glyph order stay on one side), fitting the confidence calibration
# (data/calibration.tsv) on the fit split only (FIT_CALIBRATION=0 keeps the shipped one).
# Usage: scripts/unseen_fonts.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/unseen_fonts}
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
# Tuning: the fit fonts (glyph orders: real, shuffled, first-use) and the shipped tables' own
# fonts (known-font case, with the extractor damage variants), documents 0..2, every learned
# reading applied; the calibration is fitted on these spans only.
cargo run -q --example unseen_fonts -- --docs 0..2 --learn-all --variants font,permuted,frequency \
  --spans "$OUT/fit.fonts.spans.tsv" "$OUT/heldout.txt" "${fit[@]}" | tee "$OUT/fit.fonts.tsv"
cargo run -q --example unseen_fonts -- --docs 0..2 --learn-all --variants font,nfc,ascii \
  --spans "$OUT/fit.tables.spans.tsv" "$OUT/heldout.txt" \
  table:A table:B table:C table:ms-gothic table:ms-mincho | tee "$OUT/fit.tables.tsv"
if [ "${FIT_CALIBRATION:-1}" = 1 ]; then
  cargo run -q --example unseen_fonts -- --fit-calibration \
    "$OUT/fit.fonts.spans.tsv" "$OUT/fit.tables.spans.tsv" > data/calibration.tsv
fi
# Held out: other fonts, another document (4), every variant, the calibration as shipped.
cargo run -q --example unseen_fonts -- --docs 4..5 --spans "$OUT/heldout.spans.tsv" \
  "$OUT/heldout.txt" "${heldout[@]}" | tee "$OUT/heldout.tsv"
