#!/usr/bin/env bash
# Shared by the table derivations (derive_ms_tables.sh, derive_font_tables.sh): copy every
# PDF blob of a public repository's git directory once, under the name its tables cite.
#
#   source scripts/pdf_blobs.sh
#   copy_pdf_blobs GIT_DIR[@REV] DEST_DIR      # -> DEST_DIR/OWNER_REPO@COMMIT/PATH
#   copy_pdf_blobs_flat GIT_DIR DEST_DIR       # -> DEST_DIR/SHA.pdf (held-out sets)
#   held_out_pdfs ARRAY WORK PATH...           # appends every held-out PDF to ARRAY
#
# With `@REV`: the PDFs of REV's tree, cited by REV's commit; without: every PDF blob in the
# history, cited by the first commit that holds it at that path. One `git log --raw` pass:
# looking each blob up with `git log --find-object` costs seconds per blob on a history of
# thousands of PDFs. The copies are local test data: they are never committed.

# "SHA COMMIT PATH" per distinct PDF blob of GIT_DIR (in REV's tree, or across the history).
pdf_blobs() {
  local git_dir=$1 rev=$2
  if [[ -n $rev ]]; then
    local commit
    commit=$(git -C "$git_dir" rev-parse --short=12 "$rev^{commit}")
    git -C "$git_dir" ls-tree -r -z "$rev" | while IFS=$'\t' read -r -d '' meta path; do
      set -- $meta
      if [[ $2 == blob && ${path,,} == *.pdf ]]; then printf '%s %s %s\n' "$3" "$commit" "$path"; fi
    done
  else
    git -C "$git_dir" -c core.quotePath=false log --all --reverse --raw --no-renames --no-abbrev --format='C %H' |
      while IFS= read -r line; do
        case $line in
          "C "*) commit=${line:2:12} ;;
          :*)
            local meta=${line%%$'\t'*} path=${line#*$'\t'}
            set -- $meta
            if [[ $5 == [AM] && ${path,,} == *.pdf ]]; then printf '%s %s %s\n' "$4" "$commit" "$path"; fi
            ;;
        esac
      done
  fi | awk '!seen[$1]++'
}

# OWNER_REPO for a mirror laid out as OWNER+NAME/repo[/.git] (else the directory's name).
mirror_name() {
  local git_dir=${1%/} name
  git_dir=${git_dir%/.git}
  name=$(basename "$(dirname "$git_dir")")
  [[ $name == *+* ]] || name=$(basename "$git_dir")
  printf '%s\n' "${name/+/_}"
}

copy_pdf_blobs() {
  local spec=$1 dest_dir=$2 git_dir rev= name
  git_dir=${spec%@*}
  [[ $spec == *@* ]] && rev=${spec##*@}
  name=$(mirror_name "$git_dir")
  pdf_blobs "$git_dir" "$rev" | while read -r sha commit path; do
    local dest="$dest_dir/$name@$commit/$path"
    mkdir -p "$(dirname "$dest")"
    # A shallow mirror may lack a blob: skip it.
    git -C "$git_dir" cat-file blob "$sha" >"$dest" 2>/dev/null || rm -f "$dest"
  done
}

copy_pdf_blobs_flat() {
  local git_dir=$1 dest_dir=$2
  mkdir -p "$dest_dir"
  pdf_blobs "$git_dir" "" | while read -r sha _ _; do
    git -C "$git_dir" cat-file blob "$sha" >"$dest_dir/$sha.pdf" 2>/dev/null || rm -f "$dest_dir/$sha.pdf"
  done
}

# Appends to the array named ARRAY every PDF under the held-out PATHs (directories of PDFs,
# or git directories, whose blobs are first copied flat into WORK/held-out/NAME): the files
# a derivation passes to --exclude.
held_out_pdfs() {
  local -n into=$1
  local work=$2 h dir f
  shift 2
  for h in "$@"; do
    if [[ -d $h/objects || -d $h/.git ]]; then
      dir="$work/held-out/$(mirror_name "$h")"
      copy_pdf_blobs_flat "$h" "$dir"
      h=$dir
    fi
    while IFS= read -r -d '' f; do into+=("$f"); done < <(find "$h" -type f -iname '*.pdf' -print0)
  done
}
