#!/usr/bin/env bash
# casc lint on a generated corpus of N certificates (default 50,000) of
# every profile (root, sub-CA, TLS, code signing, timestamping, OCSP signer,
# S/MIME), one in ten deliberately broken, in one process with every lint
# on, pinned to one core (taskset -c 0). Prints certificates a second, lints
# run, and the ratio to the 15,000 certificates/s target; then, in one
# process on the same core, OpenSSL's d2i_X509 alone against casc's decoder
# alone and casc's decoder with every lint (bench/lint_decode_bench.c). zlint and
# x509lint are compared only when found on PATH (Debian packages neither).
# Env: N, BUILD (default build/release), TMPDIR.
set -euo pipefail

N=${N:-50000}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc
GEN=$BUILD/bench/lint_corpus_bench
DEC=$BUILD/bench/lint_decode_bench
TARGET=15000

die() { echo "lint.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N=$N: a positive count"
command -v taskset >/dev/null || die "taskset not found (util-linux)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc lint_corpus_bench lint_decode_bench

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "nproc $(nproc), $(openssl version), N=$N"
echo "setup: generating $N certificates ..." >&2
"$GEN" "$N" "$T/corpus.pem"
der_n=$(grep -c -- "-----BEGIN CERTIFICATE-----" "$T/corpus.pem")
[[ $der_n -eq $N ]] || die "corpus has $der_n certificates, not $N"
nlints=$("$CASC" lint --lints | awk '$3 == "certificate"' | wc -l)

# warm the page cache, then time one run on core 0: wall clock, and the CPU
# time the process used (on a shared machine the wall clock includes the
# time core 0 spent on others)
"$CASC" lint "$T/corpus.pem" >/dev/null || true
status=0
/usr/bin/time -f "%e %U %S" -o "$T/time.txt" taskset -c 0 "$CASC" lint "$T/corpus.pem" \
  >"$T/findings.txt" || status=$?
[[ $status -le 1 ]] || die "casc lint exited $status"
read -r secs usr sys < <(tail -n 1 "$T/time.txt")
cpu=$(echo "$usr + $sys" | bc -l)
rate=$(echo "$N / $secs" | bc -l)
findings=$(wc -l <"$T/findings.txt")
errors=$(grep -c ": error " "$T/findings.txt" || true)
printf "casc lint: %d certificates in %.2f s wall on one core: %.0f certificates/s\n" "$N" "$secs" "$rate"
printf "  CPU time %.2f s: %.0f certificates/s per core\n" "$cpu" "$(echo "$N / $cpu" | bc -l)"
printf "  %d certificate lints each: %d lints run (%.0f lints/s); %d findings, %d errors\n" \
  "$nlints" $((N * nlints)) "$(echo "$N * $nlints / $secs" | bc -l)" "$findings" "$errors"
printf "  target %d certificates/s: ratio %.2f\n" "$TARGET" "$(echo "$rate / $TARGET" | bc -l)"
taskset -c 0 "$DEC" "$T/corpus.pem"

for tool in zlint x509lint; do
  if command -v $tool >/dev/null; then
    echo "$tool found; compare by hand on $T/corpus.pem (splitting per certificate)"
  else
    echo "$tool: not installed (not packaged in Debian); casc's figure only"
  fi
done
