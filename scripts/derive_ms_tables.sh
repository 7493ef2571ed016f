#!/usr/bin/env bash
# Derive the shipped tables of the Windows Japanese fonts (MS Mincho/PMincho, MS Gothic/
# PGothic/UI Gothic) from evidence: votes of trusted ToUnicode entries and embedded cmaps in
# real PDFs that embed these fonts with their original glyph IDs, generalised by
# repertoire-order blocks fitted to the votes (`glyphmend learn pdf`). Nothing is typed.
#
#   scripts/derive_ms_tables.sh GLYPHMEND [MIRROR_GIT_DIR[@REV]...] [--held-out PATH...]
#
# Evidence:
#   * ../shared/corpus/realworld/pdf/*.pdf (see its SOURCES.md), except the held-out test
#     document jp-mlit-kyushu-89test.pdf, which is excluded by content (any copy of it too);
#   * optionally, the PDFs of public GitHub repositories given as bare git directories
#     (e.g. the `fetch` mirrors of ryosuke-betw/opendata-pdf-to-csv, AayushY02/PDFextract and
#     saka1029/Tensuhyo): every *.pdf blob in their history (with `@REV`: in REV's tree only)
#     is copied to $WORK/evidence/OWNER_REPO@COMMIT/PATH, COMMIT being the first commit
#     holding the blob at PATH (with `@REV`: REV), the name each table's `# source:` lines
#     cite. These copies are local test data: they are never committed.
# Held out (excluded by content, wherever a copy lies): jp-mlit-kyushu-89test.pdf, and the
# PDFs given after --held-out (files, directories, or bare git directories whose history's
# PDF blobs are all held out), e.g. the mima3/yakusyopdf mirror that
# scripts/table_heldout.py measures the tables on.
# Output: mappings/ms-mincho.table, mappings/ms-gothic.table, and the figures in
# $WORK/report.txt (with leave-one-document-out agreement unless LEAVE_ONE_OUT=0).
# The tables are usable by plain-text `repair` too (`--text-repair`, no `text=no`): these
# fonts' glyph IDs are what pdftotext & co. print as code points when the ToUnicode is
# missing (measured on the held-out jp-mlit-kyushu-89test.pdf by crates/cli/tests/it/ms_repair.rs), and
# repair applies a table only where the document-level decision accepts it.
set -euo pipefail
cd "$(dirname "$0")/.."
GM=${1:?usage: derive_ms_tables.sh GLYPHMEND [MIRROR_GIT_DIR[@REV]...] [--held-out PATH...]}
shift
WORK=${WORK:-/tmp/derive-ms}
REAL=../shared/corpus/realworld/pdf
HELD_OUT=$REAL/jp-mlit-kyushu-89test.pdf
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
# The PDF blobs of the mirrors, cited by repository, commit and path (scripts/pdf_blobs.sh).
source scripts/pdf_blobs.sh
for spec in "${mirrors[@]}"; do
  copy_pdf_blobs "$spec" "$WORK/evidence"
done
# Held-out PDFs: listed file by file for --exclude (blobs of a git directory copied first).
exclude=("$HELD_OUT")
held_out_pdfs exclude "$WORK" "${held[@]}"
# Families: fonts of one TrueType collection share their glyph table (msmincho.ttc,
# msgothic.ttc); the report prints the measured agreement that justifies each pooling.
# MS UI Gothic is left out: no document here votes on it, so nothing shows it agrees.
args=(pdf "$REAL" "$WORK/evidence" --exclude "${exclude[@]}" --pool-versions
  --family MS-Mincho,MS-PMincho --family MS-Gothic,MS-PGothic
  --corroborate MS-Mincho,MS-Gothic --only MS-Mincho,MS-Gothic --text-repair
  --out "$WORK/out")
# Leave-one-document-out re-votes the corpus once per document (quadratic: hours with the
# Tensuhyo mirror's ~2,400 PDFs); LEAVE_ONE_OUT=0 skips it. scripts/table_heldout.py on a
# held-out set is the measurement that counts (near-twin documents inflate leave-one-out).
loo=(--leave-one-out)
[[ ${LEAVE_ONE_OUT:-1} == 0 ]] && loo=()
"$GM" learn "${args[@]}" --report "${loo[@]}" >"$WORK/report.txt" 2>"$WORK/learn.err"
# Sources are cited by repository, commit and path (or by corpus path), not by scratch path.
for t in ms-mincho ms-gothic; do
  sed -e "s|^# source: $WORK/evidence/\([^_]*\)_|# source: github:\1/|" \
    -e "s|^# source: \.\./shared/|# source: shared/|" \
    -e "s|e\.g\. $WORK/evidence/\([^_]*\)_|e.g. github:\1/|g" \
    -e "s|e\.g\. \.\./shared/|e.g. shared/|g" \
    "$WORK/out/$t.table" >"mappings/$t.table"
done
grep -E '^(font|family|ms-)' "$WORK/report.txt" | grep -E 'ALL|^font|^family' || true
echo "written: mappings/ms-mincho.table mappings/ms-gothic.table; figures in $WORK/report.txt"
