#!/usr/bin/env bash
# Derive the shipped tables of the other fonts Japanese offices use (Yu Gothic, Meiryo,
# Meiryo UI, the HG fonts bundled with Microsoft Office) from evidence, as derive_ms_tables.sh
# does for the MS fonts: votes of trusted ToUnicode entries and embedded cmaps in real PDFs
# that embed these fonts with their original glyph IDs (Identity-H, CIDToGIDMap Identity),
# generalised by repertoire-order blocks fitted to the votes (`glyphmend learn pdf`). Nothing
# is typed.
#
#   [FONTS=A,B] [FAMILIES="A,A2;B,B2"] [WORK=DIR] \
#     scripts/derive_font_tables.sh GLYPHMEND [MIRROR_GIT_DIR[@REV]...] [--held-out PATH...]
#
# Evidence:
#   * ../shared/corpus/realworld/pdf/*.pdf (see its SOURCES.md), except the held-out test
#     documents (HELD_OUT below), excluded by content;
#   * the PDFs of public GitHub repositories given as git directories (scripts/pdf_blobs.sh:
#     every *.pdf blob in their history, or with `@REV` in REV's tree only, is copied to
#     $WORK/evidence/OWNER_REPO@COMMIT/PATH, the name each table's `# source:` lines cite).
#     These copies are local test data: they are never committed.
# Held out (excluded by content, wherever a copy lies): HELD_OUT below, and the PDFs given
# after --held-out (files, directories, or git directories whose history's PDF blobs are all
# held out); scripts/table_heldout.py measures the tables on them.
#
# FONTS (the tables written) and FAMILIES (`;`-separated groups of BaseFonts pooled into
# one table named after the first) default to the Yu Gothic / HG丸ｺﾞｼｯｸM-PRO derivation below;
# docs/performance.md gives the arguments of every shipped table's run.
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
GM=${1:?usage: derive_font_tables.sh GLYPHMEND [MIRROR_GIT_DIR[@REV]...] [--held-out PATH...]}
shift
WORK=${WORK:-/tmp/derive-fonts}
REAL=../shared/corpus/realworld/pdf
# Held out by content: the MS tables' test document, and the two MLIT Kinki documents whose
# Yu Gothic (游ゴシック) fonts crates/cli/tests/it/office_fonts.rs reads through the table.
HELD_OUT=("$REAL/jp-mlit-kyushu-89test.pdf" "$REAL/jp-mlit-kinki-nara-setsumeisho.pdf"
  "$REAL/jp-mlit-kinki-nara-besshi5.pdf")
MIN_DOCS=3 MIN_AGREEMENT=0.995 MIN_PREDICTED=100
source scripts/pdf_blobs.sh
mirrors=()
held=()
while (($#)); do
  case $1 in
    --held-out) shift; held+=("$@"); break ;;
    *) mirrors+=("$1"); shift ;;
  esac
done
rm -rf "$WORK"
mkdir -p "$WORK/evidence" "$WORK/out" "$WORK/held-out"
for spec in "${mirrors[@]}"; do
  copy_pdf_blobs "$spec" "$WORK/evidence"
done
# Held-out PDFs, listed file by file for --exclude (blobs of a git directory copied first).
exclude=("${HELD_OUT[@]}")
held_out_pdfs exclude "$WORK" "${held[@]}"
# Fonts and families. Weights and the P/S variants of a typeface are separate fonts: none
# is pooled with another unless measured to share glyph IDs (Yu Gothic Regular and Medium
# agree on every glyph both vote on). Only fonts whose tables are also measured on a
# held-out *source* (docs/performance.md) are derived:
#   * the defaults: Yu Gothic Regular (held out: MLIT Kinki, Okinawa prefecture) and
#     HG丸ｺﾞｼｯｸM-PRO (table from Kobe documents, held out: Osaka city);
#   * FONTS=Meiryo,HGPGothicE FAMILIES= with the Tensuhyo, PDFextract, opendata-pdf-to-csv,
#     our-data and parse-tokyo-covid-report-pdf mirrors, held out: MLIT Kinan's HGPｺﾞｼｯｸE
#     document and Osaka city's two Meiryo documents (--held-out DIR holding copies).
# The others found (Yu Gothic Bold, Meiryo UI, HGｺﾞｼｯｸM, the HG創英 fonts, HGP明朝E, Yu
# Mincho; MS UI Gothic: no document at all) have one source or fewer than 3 documents.
FONTS=${FONTS:-YuGothic-Regular,HGMaruGothicMPRO}
FAMILIES=${FAMILIES-YuGothic-Regular,YuGothic-Medium}
families=()
IFS=';' read -r -a groups <<<"$FAMILIES"
for f in "${groups[@]}"; do [[ -n $f ]] && families+=(--family "$f"); done
args=(pdf "$REAL" "$WORK/evidence" --exclude "${exclude[@]}" --pool-versions
  "${families[@]}" --only "$FONTS" --out "$WORK/out")
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
