#!/usr/bin/env bash
# Kill campaign for `glyphmend batch` (issue 20, D11/D12): kills a batch at many points and
# checks that OUT is consistent or detectably unfinished every time, and that the rerun
# redoes only unfinished inputs and ends byte-identical to an uninterrupted run.
#
# usage: scripts/kill_campaign.sh BIN INPUT_DIR WORKDIR [DELAY_S...]
#   1. kill -9 after each DELAY_S seconds of a fresh run (default 0.5 1.5 3);
#   2. from an OUT of all inputs but the last directory's, a run over all of them killed
#      right after it replaced each aggregate file (GLYPHMEND_FAULT_KILL_AFTER);
#   3. from the OUT of all inputs, a run over all but the last directory's (a run that
#      processes nothing and writes no journal) killed after each aggregate file;
#   4. the start of 2, killed by strace at the Nth rename(2) of a thread (N in RENAMES,
#      default "1 2 3 4 5 6": strace counts per thread, and each input runs on a thread of
#      its own: 1-4 fall in the first new input's four files, 5 and 6 on the main thread's
#      manifest.json and timings.json), if strace is installed.
# Per kill: "state" is consistent (commit.json matches the four aggregate files and no
# journal), unfinished (journal.jsonl: readers warn), torn-detected (files differ from
# commit.json: readers warn) or no-manifest (a first run that never committed); then the
# rerun's exit status, inputs resumed, and whether OUT equals the reference (timings.json
# excepted) with no temporary file left.
set -u
BIN=$(realpath "$1"); IN=$(realpath "$2"); WD=$3; shift 3
DELAYS=${*:-0.5 1.5 3}
RENAMES=${RENAMES:-1 2 3 4 5 6}
mkdir -p "$WD"; WD=$(realpath "$WD")
REF=$WD/ref
rm -rf "$REF"; "$BIN" batch "$IN" -o "$REF" -j1 -q; echo "reference: exit $?, $(ls "$REF/docs" | wc -l) top-level docs entries"

state() {
  python3 - "$1" <<'PY'
import hashlib, json, os, sys
o = sys.argv[1]
if os.path.exists(os.path.join(o, "journal.jsonl")):
    print("unfinished(journal)"); sys.exit()
try:
    c = json.load(open(os.path.join(o, "commit.json")))
except Exception:
    print("no-manifest" if not os.path.exists(os.path.join(o, "manifest.json")) else "no-commit.json"); sys.exit()
bad = []
for f in c["files"]:
    p = os.path.join(o, f["name"])
    h = hashlib.sha256(open(p, "rb").read()).hexdigest() if os.path.exists(p) else None
    if h != f["sha256"]:
        bad.append(f["name"])
print("torn-detected(" + ",".join(bad) + ")" if bad else "consistent")
PY
}

rerun() { # OUT [INPUT_DIR REFERENCE]
  local O=$1 in=${2:-$IN} ref=${3:-$REF} rc sk same tmp
  "$BIN" batch "$in" -o "$O" -j1 -q 2>"$O.rerun.err"; rc=$?
  sk=$(python3 -c "import json;t=json.load(open('$O/timings.json'));print(t['skipped'],'/',t['inputs'])")
  if diff -rq --exclude=timings.json "$ref" "$O" >/dev/null; then same=identical; else same=DIFFERENT; fi
  tmp=$(find "$O" -name '.*.tmp-*' | wc -l)
  echo "rerun exit $rc, resumed $sk, vs reference: $same, temp files $tmp, warned: $(grep -c 'did not finish' "$O.rerun.err")"
}

# A start that differs from the reference: all inputs but the last directory's.
PART=$WD/part_in
rm -rf "$PART"; cp -a "$IN" "$PART"
last=$(cd "$PART" && ls -d */ 2>/dev/null | tail -1)
[ -n "$last" ] && rm -rf "$PART/${last%/}"
START=$WD/start
rm -rf "$START"; "$BIN" batch "$PART" -o "$START" -j1 -q

echo "== kill -9 after a delay (fresh OUT)"
for d in $DELAYS; do
  O=$WD/delay_$d; rm -rf "$O"
  "$BIN" batch "$IN" -o "$O" -j1 -q & pid=$!
  sleep "$d"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  echo "after ${d}s: $(ls -d "$O"/docs/*/ 2>/dev/null | wc -l) dirs, state $(state "$O"); $(rerun "$O")"
done

echo "== killed right after replacing each aggregate file (OUT of a smaller input set first)"
for f in corpus.jsonl records.jsonl needs_attention.json manifest.json; do
  O=$WD/after_$f; rm -rf "$O"; cp -a "$START" "$O"
  GLYPHMEND_FAULT_KILL_AFTER=$f "$BIN" batch "$IN" -o "$O" -j1 -q; rc=$?
  echo "after $f (exit $rc): state $(state "$O"); $(rerun "$O")"
done

echo "== inputs removed only (no journal): killed right after replacing each aggregate file"
for f in corpus.jsonl records.jsonl needs_attention.json manifest.json; do
  O=$WD/removed_after_$f; rm -rf "$O"; cp -a "$REF" "$O"
  GLYPHMEND_FAULT_KILL_AFTER=$f "$BIN" batch "$PART" -o "$O" -j1 -q; rc=$?
  echo "after $f (exit $rc): state $(state "$O"); $(rerun "$O" "$PART" "$START")"
done

if command -v strace >/dev/null; then
  echo "== killed by strace at the Nth rename (OUT of a smaller input set first)"
  for n in $RENAMES; do
    O=$WD/rename_$n; rm -rf "$O"; cp -a "$START" "$O"
    strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
      -e inject=rename,renameat,renameat2:signal=SIGKILL:when="$n" \
      "$BIN" batch "$IN" -o "$O" -j1 -q; rc=$?
    echo "rename #$n (exit $rc): state $(state "$O"); $(rerun "$O")"
  done
fi
