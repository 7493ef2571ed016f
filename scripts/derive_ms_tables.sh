#!/usr/bin/env bash
# Derive the shipped tables of the Windows Japanese fonts (MS Mincho/PMincho, MS Gothic/
# PGothic/UI Gothic) from evidence: votes of trusted ToUnicode entries and embedded cmaps in
# real PDFs that embed these fonts with their original glyph IDs, generalised by
# repertoire-order blocks fitted to the votes (`glyphmend learn pdf`). Nothing is typed.
#
#   scripts/derive_ms_tables.sh GLYPHMEND [MIRROR_GIT_DIR...]
#
# Evidence:
#   * ../shared/corpus/realworld/pdf/*.pdf (see its SOURCES.md), except the held-out test
#     document jp-mlit-kyushu-89test.pdf, which is excluded by content (any copy of it too);
#   * optionally, the PDFs of public GitHub repositories given as bare git directories
#     (e.g. the `fetch` mirrors of ryosuke-betw/opendata-pdf-to-csv and AayushY02/PDFextract):
#     every *.pdf blob in their history is copied to $WORK/evidence/OWNER_REPO@COMMIT/PATH,
#     the name each table's `# source:` lines cite. These copies are local test data: they
#     are never committed.
# Output: mappings/ms-mincho.table, mappings/ms-gothic.table, and the figures in
# $WORK/report.txt and $WORK/loo.tsv (leave-one-document-out agreement).
# The tables are usable by plain-text `repair` too (`--text-repair`, no `text=no`): these
# fonts' glyph IDs are what pdftotext & co. print as code points when the ToUnicode is
# missing (measured on the held-out jp-mlit-kyushu-89test.pdf by crates/cli/tests/it/ms_repair.rs), and
# repair applies a table only where the document-level decision accepts it.
set -euo pipefail
cd "$(dirname "$0")/.."
GM=${1:?usage: derive_ms_tables.sh GLYPHMEND [MIRROR_GIT_DIR...]}
shift
WORK=${WORK:-/tmp/derive-ms}
REAL=../shared/corpus/realworld/pdf
HELD_OUT=$REAL/jp-mlit-kyushu-89test.pdf
rm -rf "$WORK"
mkdir -p "$WORK/evidence" "$WORK/out"
for git_dir in "$@"; do
  # OWNER+NAME/repo is how the mirrors are laid out; fall back to the directory name.
  name=$(basename "$(dirname "$git_dir")")
  [[ $name == *+* ]] || name=$(basename "$git_dir")
  name=${name/+/_}
  git -C "$git_dir" rev-list --all --objects --missing=allow-any | while read -r sha path; do
    [[ ${path,,} == *.pdf ]] || continue
    [[ $(git -C "$git_dir" cat-file -t "$sha" 2>/dev/null) == blob ]] || continue
    commit=$(git -C "$git_dir" log --all --format=%h --abbrev=12 -1 --find-object="$sha" 2>/dev/null || true)
    dest="$WORK/evidence/$name@$commit/$path"
    mkdir -p "$(dirname "$dest")"
    # A shallow mirror may lack a blob: skip it.
    git -C "$git_dir" cat-file blob "$sha" >"$dest" 2>/dev/null || rm -f "$dest"
  done
done
# Families: fonts of one TrueType collection share their glyph table (msmincho.ttc,
# msgothic.ttc); the report prints the measured agreement that justifies each pooling.
# MS UI Gothic is left out: no document here votes on it, so nothing shows it agrees.
args=(pdf "$REAL" "$WORK/evidence" --exclude "$HELD_OUT" --pool-versions
  --family MS-Mincho,MS-PMincho --family MS-Gothic,MS-PGothic
  --corroborate MS-Mincho,MS-Gothic --only MS-Mincho,MS-Gothic --text-repair
  --out "$WORK/out")
"$GM" learn "${args[@]}" --report --leave-one-out >"$WORK/report.txt" 2>"$WORK/learn.err"
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
