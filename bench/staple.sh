#!/usr/bin/env bash
# Stapling N certificates (default 200) from one responder: `casc staple
# --dir` (one process: fetch, full verification, atomic write of each
# staple) against what cron scripts do today, one `openssl ocsp` run per
# certificate (fetch, verification against the root, -respout), in one run.
#
# Setup (not timed): a fresh CA (casc init), N tls-server certificates with
# their chains as full-chain PEM files in one directory, the responses
# presigned, `casc serve` on a free 127.0.0.1 port (stopped by PID at exit).
# Timed: casc staple --dir (every staple new, then again when every staple
# in place is already the newest, which fetches and verifies both), and the
# openssl loop. Both speak plain HTTP to the same casc serve.
# Env: N, BUILD (default build/release), TMPDIR.
set -euo pipefail

N=${N:-200}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc

die() { echo "staple.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N=$N: a positive count"
for tool in openssl curl python3; do
  command -v $tool >/dev/null || die "$tool not found"
done

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc

T=$(mktemp -d)
SERVE_PID=
cleanup() {
  [[ -n $SERVE_PID ]] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
echo "nproc $(nproc), $(openssl version), N=$N"
"$CASC" --dir "$T/ca" init --base-url "$url" >/dev/null
mkdir "$T/d" "$T/o"
echo "setup: issuing $N certificates ..." >&2
for i in $(seq 1 "$N"); do
  "$CASC" --dir "$T/ca" issue --profile tls-server --dns "s$i.bench.example.com" \
    -o "$T/leaf.pem" --chain-out "$T/chain.pem" --key-out "$T/k$i.key" >/dev/null
  cat "$T/leaf.pem" "$T/chain.pem" >"$T/d/s$i.pem"
done
"$CASC" --dir "$T/ca" ocsp presign >/dev/null
"$CASC" --dir "$T/ca" serve --listen "127.0.0.1:$port" --threads 1 >/dev/null 2>"$T/serve.err" &
SERVE_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$url/healthz" >/dev/null && break
  sleep 0.1
done
curl -sf "$url/healthz" >/dev/null || die "casc serve did not start: $(cat "$T/serve.err")"

ms() { echo $(($(date +%s%N) / 1000000)); }

echo "timing: casc staple --dir (all new) ..." >&2
t0=$(ms)
"$CASC" staple --dir "$T/d" >/dev/null
t1=$(ms)
echo "timing: casc staple --dir (all kept) ..." >&2
"$CASC" staple --dir "$T/d" >"$T/kept.out"
t2=$(ms)
echo "timing: openssl ocsp, once per certificate ..." >&2
for i in $(seq 1 "$N"); do
  openssl ocsp -issuer "$T/ca/certs/issuing-ca.pem" -cert "$T/d/s$i.pem" -url "$url/ocsp" \
    -CAfile "$T/ca/certs/root-ca.pem" -verify_other "$T/ca/certs/issuing-ca.pem" -no_nonce \
    -respout "$T/o/s$i.ocsp" >/dev/null 2>"$T/openssl.err" ||
    die "openssl ocsp failed: $(cat "$T/openssl.err")"
done
t3=$(ms)

# Every staple is there and verifies with openssl; the second run kept all.
n=$(find "$T/d" -name '*.pem.ocsp' | wc -l)
[[ $n == "$N" ]] || die "$n staples written, not $N"
[[ $(grep -c ': kept' "$T/kept.out") == "$N" ]] || die "the second run did not keep every staple"
openssl ocsp -respin "$T/d/s1.pem.ocsp" -issuer "$T/ca/certs/issuing-ca.pem" -cert "$T/d/s1.pem" \
  -CAfile "$T/ca/certs/root-ca.pem" -verify_other "$T/ca/certs/issuing-ca.pem" 2>&1 |
  grep -q 'Response verify OK' || die "casc's staple does not verify with openssl"

new=$((t1 - t0)) kept=$((t2 - t1)) ossl=$((t3 - t2))
printf '%-40s %10s %14s\n' "" "seconds" "ms per cert"
printf '%-40s %10.2f %14.2f\n' "openssl ocsp x $N (one process each)" "$(bc -l <<<"$ossl / 1000")" \
  "$(bc -l <<<"$ossl / $N")"
printf '%-40s %10.2f %14.2f\n' "casc staple --dir (all written)" "$(bc -l <<<"$new / 1000")" \
  "$(bc -l <<<"$new / $N")"
printf '%-40s %10.2f %14.2f\n' "casc staple --dir (all kept)" "$(bc -l <<<"$kept / 1000")" \
  "$(bc -l <<<"$kept / $N")"
printf 'casc/openssl time: %.3f\n' "$(bc -l <<<"$new / $ossl")"
