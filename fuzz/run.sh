#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into build/fuzz and runs each one
# for SECONDS (default 30), starting from the checked-in seeds in
# fuzz/corpus/<target>/. New inputs go to build/fuzz/corpus/<target>/ (the
# checked-in corpus is only read); crashes, leaks and timeouts to
# build/fuzz/artifacts/<target>/.
#
# usage: fuzz/run.sh [SECONDS] [TARGET...]
#   CASC_FUZZ_STRICT=1 fuzz/run.sh   also check round-trip properties
#                                    (see the comments in each target)
#   CASC_FUZZ_ARGS="-fork=1 -ignore_crashes=1" fuzz/run.sh 60
#                                    keep going after a crash, to collect
#                                    every distinct one in the time given
# Exit status: 0 when every target ran clean, 1 when one found a problem.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-30}
[ $# -gt 0 ] && shift
build="$root/build/fuzz"
cc=${CC:-clang}

case "$secs" in
  ''|*[!0-9]*) echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

cmake -S "$root/fuzz" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in "$root"/fuzz/fuzz_*.c; do
    targets+=("$(basename "$src" .c)")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for t in "${targets[@]}"; do
  if [ ! -x "$build/$t" ]; then
    echo "fuzz: no target $t" >&2
    failed+=("$t")
    continue
  fi
  work="$build/corpus/$t"
  art="$build/artifacts/$t"
  mkdir -p "$work" "$art"
  rm -f "$art"/* # this run's findings only
  seeds=()
  [ -d "$root/fuzz/corpus/$t" ] && seeds=("$root/fuzz/corpus/$t")
  echo "== $t: $secs s =="
  if "$build/$t" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$art/" ${CASC_FUZZ_ARGS:-} "$work" "${seeds[@]}" \
       >"$build/$t.log" 2>&1; then
    # plain runs end with DONE and stats; -fork runs with a "#N: cov:" line
    grep -E '^(#[0-9]+.*DONE|#[0-9]+: cov:|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' \
      "$build/$t.log" | tail -4 || true
    if [ -n "$(ls -A "$art")" ]; then # -ignore_crashes: the run ends well, the crashes stay
      echo "fuzz: $t left $(ls "$art" | wc -l) artifact(s) in $art/" >&2
      grep -E 'runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer' "$build/$t.log" |
        sort | uniq -c | head -10 >&2 || true
      failed+=("$t")
    fi
  else
    echo "fuzz: $t FAILED; see $build/$t.log and $art/" >&2
    grep -E 'ERROR: |SUMMARY: |runtime error|^(round trip|serial|time) |^etag property|^fuzz_http_request: ' "$build/$t.log" | head -5 >&2 || true
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: problems in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all clean"
