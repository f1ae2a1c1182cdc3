#!/usr/bin/env bash
# Signing and verifying a large file (default 1 GiB): `casc sign` and
# `casc verify` against `openssl cms -sign -binary` and `openssl cms -verify
# -binary`, with `openssl dgst -sha256` over the same bytes as the floor, in
# one run, with the time and the peak RSS of each (/usr/bin/time -v).
#
# Setup (not timed): a fresh CA (casc init, EC P-256), a code-signing
# certificate, the file (random bytes), read once so that every tool finds
# it in the page cache. Timed: each command alone, best of RUNS runs.
# casc verify runs with --revocation none (no responder here); it still
# hashes the whole file, checks the signature and builds the chain.
# Env: SIZE (bytes, default 1073741824), RUNS (default 3), BUILD (default
# build/release), TMPDIR.
set -euo pipefail

SIZE=${SIZE:-1073741824}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc

die() { echo "sign.sh: $*" >&2; exit 2; }
[[ $SIZE =~ ^[1-9][0-9]*$ ]] || die "SIZE=$SIZE: a positive byte count"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS=$RUNS: a positive count"
command -v openssl >/dev/null || die "openssl not found"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

echo "nproc $(nproc), $(openssl version), file $SIZE bytes, best of $RUNS"
"$CASC" --dir "$T/ca" init >/dev/null
"$CASC" --dir "$T/ca" issue --profile code-signing \
  --subject "CN=Bench Publisher,O=casc bench,L=Berlin,C=DE" -o "$T/cs.pem" \
  --chain-out "$T/chain.pem" --key-out "$T/cs.key" >/dev/null
ROOTCA=$T/ca/certs/root-ca.pem
echo "setup: writing the file ..." >&2
head -c "$SIZE" /dev/urandom >"$T/file"
cat "$T/file" >/dev/null

# best of RUNS: seconds and peak RSS (kB) of the fastest run, into $t and $rss
timed() {
  local best="" best_rss="" i s r
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -v -o "$T/time" "$@" >/dev/null 2>"$T/err" ||
      { cat "$T/err" >&2; die "failed: $*"; }
    s=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$T/time" |
      awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    r=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$T/time")
    if [[ -z $best ]] || (($(bc -l <<<"$s < $best"))); then
      best=$s
      best_rss=$r
    fi
  done
  t=$best
  rss=$best_rss
}

declare -A TIME RSS
run() { # label, command...
  local label=$1
  shift
  echo "timing: $label ..." >&2
  timed "$@"
  TIME[$label]=$t
  RSS[$label]=$rss
}

run "openssl dgst -sha256" openssl dgst -sha256 "$T/file"
run "casc sign" "$CASC" sign "$T/file" --cert "$T/cs.pem" --key "$T/cs.key" \
  --chain "$T/chain.pem" -o "$T/casc.p7s" --force
run "casc verify" "$CASC" verify "$T/file" --sig "$T/casc.p7s" --trust "$ROOTCA" \
  --revocation none
run "openssl cms -sign" openssl cms -sign -binary -nosmimecap -outform DER -in "$T/file" \
  -signer "$T/cs.pem" -inkey "$T/cs.key" -certfile "$T/chain.pem" -out "$T/openssl.p7s"
run "openssl cms -verify" openssl cms -verify -binary -inform DER -purpose any \
  -in "$T/openssl.p7s" -content "$T/file" -CAfile "$ROOTCA" -out /dev/null

# Each verifies the other's signature.
openssl cms -verify -binary -inform DER -purpose any -in "$T/casc.p7s" -content "$T/file" \
  -CAfile "$ROOTCA" -out /dev/null 2>/dev/null || die "openssl does not verify casc's signature"
"$CASC" verify "$T/file" --sig "$T/openssl.p7s" --trust "$ROOTCA" --revocation none \
  >/dev/null || die "casc does not verify openssl's signature"

floor=${TIME["openssl dgst -sha256"]}
printf '%-22s %9s %13s %14s\n' "" "seconds" "peak RSS MB" "time / dgst"
for label in "openssl dgst -sha256" "casc sign" "casc verify" "openssl cms -sign" \
  "openssl cms -verify"; do
  printf '%-22s %9.2f %13.1f %14.3f\n' "$label" "${TIME[$label]}" \
    "$(bc -l <<<"${RSS[$label]} / 1024")" "$(bc -l <<<"${TIME[$label]} / $floor")"
done
printf 'casc sign / openssl cms -sign: %.3f; casc verify / openssl cms -verify: %.3f\n' \
  "$(bc -l <<<"${TIME["casc sign"]} / ${TIME["openssl cms -sign"]}")" \
  "$(bc -l <<<"${TIME["casc verify"]} / ${TIME["openssl cms -verify"]}")"
echo "targets: casc sign and verify within 1.1x of openssl dgst -sha256; peak RSS <= 16 MB"
echo "openssl verifies casc's signature and casc verifies openssl's"
