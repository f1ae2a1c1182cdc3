#!/usr/bin/env bash
# Checking against a CRL of N revoked certificates (default 1,000,000):
# casc's CRL index (load, verify the signature, index the serials: one pass
# over the DER) against `openssl crl -verify -noout` on the same file, in
# one run, with the time and peak RSS of each (/usr/bin/time -v); then the
# cost of one lookup in the index.
#
# Setup (not timed): a fresh CA (casc init), N revoked rows inserted into
# casc's database directly (sqlite3), the issuing CA's full CRL written by
# `casc crl`. Timed: openssl crl -verify; bench/crlindex_bench (load +
# verify + index, and 1,000 lookups so the index is exercised); then a
# second crlindex_bench run looks every listed serial up, and as many
# unlisted ones, checking every answer, for the time per lookup. casc writes
# its entries in serial order, which the index detects and keeps; so the
# same CRL with its entries shuffled (re-signed by the issuing CA) is timed
# too, against openssl on that file, for CAs that list in revocation order.
# Last, `casc check --no-ocsp` of a certificate whose distribution point is
# that CRL, served by casc serve: fetched, verified, indexed and cached,
# then again from the cache (wall clock, CPU time and peak RSS).
# Env: N, KEY (casc init --key-type, default ec-p256), BUILD (default
# build/release), TMPDIR.
set -euo pipefail

N=${N:-1000000}
KEY=${KEY:-ec-p256}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc
HELPER=$BUILD/bench/crlindex_bench

die() { echo "crlcheck.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N=$N: a positive count"
for tool in openssl sqlite3 bc; do
  command -v $tool >/dev/null || die "$tool not found"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc crlindex_bench

T=$(mktemp -d)
SERVE_PID=
cleanup() {
  [[ -n $SERVE_PID ]] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

echo "nproc $(nproc), $(openssl version), N=$N, key $KEY"
# one CRL per issuer (no shards), so that a certificate's distribution
# point is the CRL of N entries
"$CASC" --dir "$T/ca" init --key-type "$KEY" --crl-shards 1 --base-url "http://127.0.0.1:$PORT" \
  >/dev/null

# Serials as casc makes them (16 random octets, top bit clear, next set);
# reasons: a third keyCompromise, a third superseded, a third none.
now=$(date +%s)
echo "setup: inserting $N revoked rows ..." >&2
sqlite3 "$T/ca/casc.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < $N)
INSERT OR IGNORE INTO certificates
  (serial, issuer_id, subject, sans, profile, not_before, not_after, der, revoked,
   revoked_at, reason, invalidity_date)
SELECT '4' || substr(hex(randomblob(16)), 2),
       (SELECT id FROM issuers WHERE name = 'issuing-ca'),
       'CN=bench' || n || '.example.com', '', 'tls-server', $now - 86400 * 30,
       $now + 86400 * 60, x'', 1, $now - (n * 7919) % (86400 * 30),
       CASE n % 3 WHEN 0 THEN 1 WHEN 1 THEN 4 ELSE NULL END, NULL
FROM i;
COMMIT;
SQL
sqlite3 "$T/ca/casc.db" "SELECT serial FROM certificates WHERE revoked = 1" >"$T/serials.txt"
"$CASC" --dir "$T/ca" issue --profile tls-server --dns bench.casc-test.com -o "$T/leaf.pem" \
  --chain-out "$T/chain.pem" --key-out "$T/leaf.key" >/dev/null
cat "$T/leaf.pem" "$T/chain.pem" >"$T/full.pem"
head -1000 "$T/serials.txt" >"$T/serials-1000.txt"
echo "setup: casc crl ..." >&2
"$CASC" --dir "$T/ca" crl >/dev/null
crl=$T/ca/crl/issuing-ca.crl
issuer=$T/ca/certs/issuing-ca.pem
rows=$(wc -l <"$T/serials.txt")

field() { # file, time -v label
  awk -F': ' -v k="$2" 'index($0, k) { print $2 }' "$1" | tail -1
}
secs() { # "m:ss.cc" or "h:mm:ss" to seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"
}

cat "$crl" >/dev/null # both start with the file in the page cache
echo "timing: openssl crl -verify -noout ..." >&2
/usr/bin/time -v -o "$T/openssl.time" openssl crl -inform DER -in "$crl" -noout -verify \
  -CAfile "$issuer" >"$T/openssl.out" 2>&1 || die "openssl crl failed: $(cat "$T/openssl.out")"
grep -q 'verify OK' "$T/openssl.out" || die "openssl: $(cat "$T/openssl.out")"
echo "timing: casc CRL index ..." >&2
/usr/bin/time -v -o "$T/casc.time" "$HELPER" "$crl" "$issuer" "$T/serials-1000.txt" \
  >"$T/casc.out" || die "crlindex_bench failed"
read -r c_load c_verify _ _ c_entries c_hits c_misses _ <"$T/casc.out"
[[ $c_entries == "$rows" && $c_hits == 1000 && $c_misses == 1000 ]] ||
  die "index: $c_entries entries (want $rows), $c_hits/1000 found, $c_misses/1000 not found"
echo "timing: every serial looked up ..." >&2
"$HELPER" "$crl" "$issuer" "$T/serials.txt" >"$T/lookup.out" || die "crlindex_bench failed"
read -r _ _ l_n l_us _ l_hits l_misses _ <"$T/lookup.out"
[[ $l_hits == "$rows" && $l_misses == "$rows" ]] ||
  die "lookups: $l_hits of $rows listed serials found, $l_misses of $rows others not found"

echo "timing: the same entries shuffled ..." >&2
"$HELPER" --shuffle "$crl" "$T/ca/keys/issuing-ca.key" "$T/shuffled.crl" ||
  die "crlindex_bench --shuffle failed"
cat "$T/shuffled.crl" >/dev/null
/usr/bin/time -v -o "$T/openssl-s.time" openssl crl -inform DER -in "$T/shuffled.crl" -noout \
  -verify -CAfile "$issuer" >"$T/openssl-s.out" 2>&1 || die "openssl crl failed (shuffled)"
grep -q 'verify OK' "$T/openssl-s.out" || die "openssl (shuffled): $(cat "$T/openssl-s.out")"
/usr/bin/time -v -o "$T/casc-s.time" "$HELPER" "$T/shuffled.crl" "$issuer" \
  "$T/serials-1000.txt" >"$T/casc-s.out" || die "crlindex_bench failed (shuffled)"
read -r s_load s_verify _ _ s_entries s_hits s_misses _ <"$T/casc-s.out"
[[ $s_entries == "$rows" && $s_hits == 1000 && $s_misses == 1000 ]] ||
  die "shuffled index: $s_entries entries, $s_hits/1000 found, $s_misses/1000 not found"

echo "timing: casc check over HTTP (casc serve) ..." >&2
"$CASC" --dir "$T/ca" serve --listen "127.0.0.1:$PORT" --threads 1 >/dev/null 2>"$T/serve.err" &
SERVE_PID=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
export XDG_CACHE_HOME=$T/cache
/usr/bin/time -v -o "$T/check.time" "$CASC" check "$T/full.pem" --trust "$T/ca/certs/root-ca.pem" \
  --no-ocsp --json >"$T/check.json" || die "casc check failed: $(cat "$T/check.json")"
grep -q '"source": "crl"' "$T/check.json" || die "casc check: no CRL answer"
/usr/bin/time -v -o "$T/check2.time" "$CASC" check "$T/full.pem" \
  --trust "$T/ca/certs/root-ca.pem" --no-ocsp --json >"$T/check2.json" || die "casc check failed"
grep -q '"cached": true' "$T/check2.json" || die "casc check: the CRL was not cached"

o_t=$(secs "$(field "$T/openssl.time" "Elapsed (wall clock) time")")
c_t=$(secs "$(field "$T/casc.time" "Elapsed (wall clock) time")")
o_rss=$(field "$T/openssl.time" "Maximum resident set size")
c_rss=$(field "$T/casc.time" "Maximum resident set size")

printf '%-34s %10s %14s\n' "" "seconds" "peak RSS MB"
printf '%-34s %10.2f %14.1f\n' "openssl crl -verify -noout" "$o_t" "$(bc -l <<<"$o_rss / 1024")"
printf '%-34s %10.2f %14.1f\n' "casc CRL index (load+verify)" "$c_t" \
  "$(bc -l <<<"$c_rss / 1024")"
printf '  of which: load and index %.3f s, signature %.3f s\n' "$c_load" "$c_verify"
os_t=$(secs "$(field "$T/openssl-s.time" "Elapsed (wall clock) time")")
cs_t=$(secs "$(field "$T/casc-s.time" "Elapsed (wall clock) time")")
os_rss=$(field "$T/openssl-s.time" "Maximum resident set size")
cs_rss=$(field "$T/casc-s.time" "Maximum resident set size")
printf '%-34s %10.2f %14.1f\n' "openssl, entries shuffled" "$os_t" "$(bc -l <<<"$os_rss / 1024")"
printf '%-34s %10.2f %14.1f\n' "casc, entries shuffled" "$cs_t" "$(bc -l <<<"$cs_rss / 1024")"
printf '  of which: load and index %.3f s (sorting), signature %.3f s\n' "$s_load" "$s_verify"
printf 'CRL: %d entries, %d bytes\n' "$rows" "$(wc -c <"$crl")"
printf 'casc/openssl time: %.3f (target <= 0.25)\n' "$(bc -l <<<"$c_t / $o_t")"
printf 'casc/openssl peak RSS: %.3f (target <= 0.20)\n' "$(bc -l <<<"$c_rss / $o_rss")"
printf 'shuffled: casc/openssl time %.3f, peak RSS %.3f\n' "$(bc -l <<<"$cs_t / $os_t")" \
  "$(bc -l <<<"$cs_rss / $os_rss")"
cpu() { # user + system seconds
  bc -l <<<"$(field "$1" "User time (seconds)") + $(field "$1" "System time (seconds)")"
}
ch_t=$(secs "$(field "$T/check.time" "Elapsed (wall clock) time")")
ch_rss=$(field "$T/check.time" "Maximum resident set size")
ch2_t=$(secs "$(field "$T/check2.time" "Elapsed (wall clock) time")")
ch2_rss=$(field "$T/check2.time" "Maximum resident set size")
printf 'casc check, its CRL of %d entries fetched from casc serve: %.2f s (CPU %.2f s), %.1f MB\n' \
  "$rows" "$ch_t" "$(cpu "$T/check.time")" "$(bc -l <<<"$ch_rss / 1024")"
printf 'casc check again, the CRL from the cache: %.2f s (CPU %.2f s), %.1f MB\n' \
  "$ch2_t" "$(cpu "$T/check2.time")" "$(bc -l <<<"$ch2_rss / 1024")"
printf 'lookup: %.3f us each over %d lookups, half listed (target <= 2)\n' "$l_us" "$l_n"
