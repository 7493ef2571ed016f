#!/usr/bin/env bash
# Derive the shipped tables of the other fonts Japanese offices use (Yu Gothic, Meiryo UI,
# the HG fonts bundled with Microsoft Office) from evidence, as derive_ms_tables.sh does for
# the MS fonts: votes of trusted ToUnicode entries and embedded cmaps in real PDFs that embed
# these fonts with their original glyph IDs (Identity-H, CIDToGIDMap Identity), generalised
# by repertoire-order blocks fitted to the votes (`glyphmend learn pdf`). Nothing is typed.
#
#   scripts/derive_font_tables.sh GLYPHMEND [MIRROR_GIT_DIR...]
#
# Evidence:
#   * ../shared/corpus/realworld/pdf/*.pdf (see its SOURCES.md), except the held-out test
#     documents (HELD_OUT below), excluded by content;
#   * the PDFs of public GitHub repositories given as git directories (the `fetch` mirrors
#     of smatsumt/parse-tokyo-covid-report-pdf, hkwi/our-data and AayushY02/PDFextract were
#     used; Code-for-OKINAWA/covid19-pdf-parser was kept out as a held-out source, see
#     docs/performance.md): every *.pdf blob in their
#     history is copied to $WORK/evidence/OWNER_REPO@COMMIT/PATH, the name each table's
#     `# source:` lines cite. These copies are local test data: they are never committed.
#
# A table ships (is written to mappings/) only when the evidence is enough, decided here
# from the measured figures, never by hand:
#   * at least MIN_DOCS (3) documents voted on the font, and
#   * leave-one-document-out agreement >= MIN_AGREEMENT (0.995) over at least
#     MIN_PREDICTED (100) held-out predictions.
# The others are listed in $WORK/verdict.tsv with the reason. Duplicate documents (same
# bytes) are left out by `learn pdf` itself.
# Output: mappings/<table>.table for each font that passes, and the figures in
# $WORK/report.txt, $WORK/loo.tsv and $WORK/verdict.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
GM=${1:?usage: derive_font_tables.sh GLYPHMEND [MIRROR_GIT_DIR...]}
shift
WORK=${WORK:-/tmp/derive-fonts}
REAL=../shared/corpus/realworld/pdf
# Held out by content: the MS tables' test document, and the two MLIT Kinki documents whose
# Yu Gothic (游ゴシック) fonts crates/cli/tests/it/office_fonts.rs reads through the table.
HELD_OUT=("$REAL/jp-mlit-kyushu-89test.pdf" "$REAL/jp-mlit-kinki-nara-setsumeisho.pdf"
  "$REAL/jp-mlit-kinki-nara-besshi5.pdf")
MIN_DOCS=3 MIN_AGREEMENT=0.995 MIN_PREDICTED=100
rm -rf "$WORK"
mkdir -p "$WORK/evidence" "$WORK/out"
for git_dir in "$@"; do
  # OWNER+NAME/repo is how the mirrors are laid out; fall back to the directory name.
  name=$(basename "$(dirname "$git_dir")")
  [[ $name == *+* ]] || name=$(basename "$git_dir")
  [[ $name == *+* ]] || name=$(basename "$(dirname "$(dirname "$git_dir")")")
  name=${name/+/_}
  # One pass over the history: every PDF blob with the newest commit that wrote it (a
  # `--find-object` walk per blob is too slow for repositories of thousands of PDFs).
  git -C "$git_dir" log --all --no-renames --format='commit %H' --raw --no-abbrev |
    awk '/^commit /{c=substr($2,1,12); next}
         /^:/{split($0,t,"\t"); split(t[1],f," "); p=tolower(t[2]);
              if (p ~ /\.pdf$/ && f[4] !~ /^0+$/ && !(f[4] in seen)) {seen[f[4]]=1; print f[4]"\t"c"\t"t[2]}}' |
    while IFS=$'\t' read -r sha commit path; do
      dest="$WORK/evidence/$name@$commit/$path"
      mkdir -p "$(dirname "$dest")"
      # A shallow mirror may lack a blob: skip it.
      git -C "$git_dir" cat-file blob "$sha" >"$dest" 2>/dev/null || rm -f "$dest"
    done
done
# Fonts and families. Weights and the P/S variants of a typeface are separate fonts: none
# is pooled with another unless measured to share glyph IDs (Yu Gothic Regular and Medium
# agree on every glyph both vote on). Only the fonts whose tables were also measured on a
# held-out *source* (docs/performance.md) are derived here: Yu Gothic Regular (held out:
# MLIT Kinki, Okinawa prefecture) and HG丸ｺﾞｼｯｸM-PRO (table from Kobe documents, held
# out: Osaka city). The others found (Yu Gothic Bold, Meiryo UI, HGｺﾞｼｯｸM, HGPｺﾞｼｯｸE,
# the HG創英 fonts, HGP明朝E, Yu Mincho) have one source or fewer than 3 documents.
FONTS=YuGothic-Regular,HGMaruGothicMPRO
args=(pdf "$REAL" "$WORK/evidence" --exclude "${HELD_OUT[@]}" --pool-versions
  --family YuGothic-Regular,YuGothic-Medium --only "$FONTS" --out "$WORK/out")
"$GM" learn "${args[@]}" --report --leave-one-out >"$WORK/report.txt" 2>"$WORK/learn.err"
grep -P '\t' "$WORK/report.txt" >"$WORK/loo.tsv" || true
# Verdict per table: documents (from the report's `font … table NAME: N documents`), the
# leave-one-out totals (the `ALL` row).
printf 'table\tdocuments\tpredicted\tagreement\tverdict\n' >"$WORK/verdict.tsv"
shipped=()
for t in "$WORK"/out/*.table; do
  name=$(basename "$t" .table)
  docs=$(grep -oP "table \Q$name\E: \K[0-9]+(?= documents)" "$WORK/report.txt" | head -1)
  read -r predicted agreement < <(awk -F'\t' -v n="$name" '$1 == n && $2 == "ALL" {print $4, $6}' "$WORK/loo.tsv")
  verdict=ship
  if ((${docs:-0} < MIN_DOCS)); then
    verdict="too few documents"
  elif ((${predicted:-0} < MIN_PREDICTED)); then
    verdict="too few held-out predictions"
  elif ! awk -v a="${agreement:-0}" -v m="$MIN_AGREEMENT" 'BEGIN {exit !(a >= m)}'; then
    verdict="leave-one-out agreement below $MIN_AGREEMENT"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${docs:-0}" "${predicted:-0}" "${agreement:-0}" "$verdict" >>"$WORK/verdict.tsv"
  [[ $verdict == ship ]] || continue
  # Sources are cited by repository, commit and path (or by corpus path), not by scratch path.
  sed -e "s|^# source: $WORK/evidence/\([^_]*\)_|# source: github:\1/|" \
    -e "s|^# source: \.\./shared/|# source: shared/|" \
    -e "s|e\.g\. $WORK/evidence/\([^_]*\)_|e.g. github:\1/|g" \
    -e "s|e\.g\. \.\./shared/|e.g. shared/|g" \
    "$t" >"mappings/$name.table"
  shipped+=("mappings/$name.table")
done
column -t -s $'\t' "$WORK/verdict.tsv"
echo "written: ${shipped[*]:-nothing}; figures in $WORK/report.txt, $WORK/loo.tsv, $WORK/verdict.tsv"
