#!/usr/bin/env bash
# Extract the held-out clean Japanese text (manpages-ja, never used to train the LM) into FILE.
# One line per sentence/paragraph, lines >= 8 chars and >= 50% kana/kanji, de-duplicated.
# Usage: scripts/heldout_text.sh FILE
set -euo pipefail
OUT=${1:?usage: heldout_text.sh FILE}
dpkg -s manpages-ja >/dev/null 2>&1 || \
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends manpages-ja
python3 "$(dirname "$0")/lm_sources.py" "$(mktemp -d)" --heldout "$OUT" --heldout-only
wc -lm "$OUT"
