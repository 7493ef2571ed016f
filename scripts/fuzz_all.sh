#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for SECONDS each, one after another, at
# the lowest CPU priority, and prints one summary line per target: exit status, runs,
# coverage, features, peak RSS, new crash/timeout/oom artifacts. Exit status 1 if any
# target found something.
#
# usage: scripts/fuzz_all.sh SECONDS [TARGET...]
#   PARALLEL=1: run the targets at the same time (each for SECONDS of wall time, sharing the
#   cores), for when SECONDS × targets is longer than the time there is.
#   TIMEOUT=S: seconds one input may take before it counts as a hang (default 30). Under
#   ASan with debug assertions an input costs ~50-70× its release time, and at nice 19 on a
#   busy machine a fuzzer waits for the CPU: a 0.6 s input then "times out" at 30 s.
#   needs: rustup's nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`)
#   corpora: fuzz/corpus/TARGET (kept between runs; seeded here from tests/fixtures when
#   empty); logs: fuzz/logs/TARGET-TIME.log; crashes: fuzz/artifacts/TARGET/
set -u
secs=${1:?usage: scripts/fuzz_all.sh SECONDS [TARGET...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz" || exit 2
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=(tounicode_cmap content_stream extract_pdf repair_text search_query)
fi
mkdir -p logs

# Seeds for an empty corpus (libFuzzer starts from nothing otherwise).
seed() {
  local t=$1 c=corpus/$1
  mkdir -p "$c"
  [ -n "$(ls -A "$c")" ] && return
  case $t in
    extract_pdf)
      cp "$root/tests/fixtures/pdf/tiny.pdf" "$root/tests/fixtures/pdf/two_column.pdf" "$c/" ;;
    repair_text)
      # The garbled sample in pieces of 40 lines (the target skips inputs over 4 KiB).
      split -l 40 -d "$root/tests/fixtures/seed/dev-a.txt" "$c/dev-a-"
      printf '普通の文です。\n' > "$c/clean" ;;
    search_query)
      local i=0
      for q in '令和' '補助基準額' '"補助基準額"' '令和 AND 予算' '(令和 OR 事業) AND NOT 交通' \
               'source:a.pdf' 'page:[1 TO 2]' 'text:ｶﾀｶﾅ^2' 'english words' '"AND OR"'; do
        printf '%s' "$q" > "$c/q$i"; i=$((i + 1))
      done ;;
  esac
}

max_len() {
  case $1 in
    extract_pdf) echo 16384 ;;
    repair_text) echo 4096 ;;
    search_query) echo 512 ;;
    *) echo 4096 ;;
  esac
}

echo "building ${targets[*]} (cargo +nightly fuzz build)"
: >logs/build.log
for t in "${targets[@]}"; do
  nice -n 19 cargo +nightly fuzz build "$t" >>logs/build.log 2>&1 ||
    { echo "build of $t failed: fuzz/logs/build.log"; exit 2; }
done

summary=()
found=0
stamp=$(date -u +%Y%m%dT%H%M%SZ)
declare -A before
run_one() {
  local t=$1
  nice -n 19 cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout="${TIMEOUT:-30}" -rss_limit_mb=4096 \
    -print_final_stats=1 >"logs/$t-$stamp.log" 2>&1
  echo $? >"logs/$t-$stamp.rc"
}
for t in "${targets[@]}"; do
  seed "$t"
  before[$t]=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  echo "fuzzing $t for ${secs}s: logs/$t-$stamp.log"
  if [ "${PARALLEL:-0}" = 1 ]; then run_one "$t" & else run_one "$t"; fi
done
wait
for t in "${targets[@]}"; do
  log=logs/$t-$stamp.log
  rc=$(cat "logs/$t-$stamp.rc")
  after=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  rss=$(grep -oE 'stat::peak_rss_mb: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  corpus=$(ls "corpus/$t" | wc -l)
  new=$((after - before[$t]))
  [ "$rc" -ne 0 ] || [ "$new" -gt 0 ] && found=1
  summary+=("$(printf '%-15s rc=%-3s runs=%-10s cov=%-6s ft=%-7s corpus=%-6s peak_rss_mb=%-5s new_artifacts=%s' \
    "$t" "$rc" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "${rss:-?}" "$new")")
done

echo
echo "fuzz_all.sh: ${secs}s per target (parallel=${PARALLEL:-0}), $(date -u +%Y-%m-%dT%H:%MZ), $(cargo fuzz --version 2>/dev/null)"
printf '%s\n' "${summary[@]}"
[ "$found" -eq 0 ] && echo "no crash, timeout or out-of-memory" || echo "FOUND SOMETHING: see fuzz/artifacts and the logs"
exit "$found"
