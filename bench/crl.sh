#!/usr/bin/env bash
# A signed CRL of N revoked certificates (default 1,000,000): `casc crl`
# against `openssl ca -gencrl` over the same revocations, in one run, with
# the time and the peak RSS of each (/usr/bin/time -v).
#
# Setup (not timed): a fresh CA (casc init), N revoked rows inserted into
# casc's SQLite database directly (sqlite3 CLI), and openssl's index.txt
# written from the same rows (same serials, expiry, revocation dates and
# reasons). Timed: only the CRL generation. casc writes every issuer's CRLs,
# the issuing CA's full CRL and its crl_shards shard CRLs included, so it
# does more work than openssl, which writes the one full CRL.
# Env: N, KEY (casc init --key-type, default ec-p256), BUILD (default
# build/release), TMPDIR.
set -euo pipefail

N=${N:-1000000}
KEY=${KEY:-ec-p256}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc

die() { echo "crl.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N=$N: a positive count"
for tool in openssl sqlite3; do
  command -v $tool >/dev/null || die "$tool not found"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (apt-get install time)"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fstype=$(df -T "$T" | awk 'NR == 2 { print $2 }')
[[ $fstype == tmpfs ]] && echo "crl.sh: warning: $T is on tmpfs; fsync is free there" >&2

echo "nproc $(nproc), $(openssl version), N=$N, key $KEY"
"$CASC" --dir "$T/ca" init --key-type "$KEY" >/dev/null
shards=$(awk -F' *= *' '$1 == "crl_shards" { print $2 }' "$T/ca/casc.conf")

# --- N revoked certificates of the TLS issuing CA ------------------------
# Serials as casc makes them: 16 random octets, the top bit clear and the
# next one set. Revocation dates spread over the last 30 days, expiry 60
# days out; reasons: a third keyCompromise (1), a third superseded (4), a
# third none.
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
rows=$(sqlite3 "$T/ca/casc.db" "SELECT count(*) FROM certificates WHERE revoked = 1")

# openssl's index: status, expiry, revocation date[,reason], serial, file, subject.
echo "setup: writing openssl's index.txt ..." >&2
sqlite3 -separator $'\t' "$T/ca/casc.db" \
  "SELECT 'R', substr(strftime('%Y%m%d%H%M%S', not_after, 'unixepoch'), 3) || 'Z',
          substr(strftime('%Y%m%d%H%M%S', revoked_at, 'unixepoch'), 3) || 'Z' ||
            CASE reason WHEN 1 THEN ',keyCompromise' WHEN 4 THEN ',superseded' ELSE '' END,
          serial, 'unknown', '/CN=' || substr(subject, 4)
   FROM certificates WHERE revoked = 1" >"$T/index.txt"
echo 01 >"$T/crlnumber"
cat >"$T/openssl.cnf" <<CNF
[ca]
default_ca = bench
[bench]
database = $T/index.txt
crlnumber = $T/crlnumber
certificate = $T/ca/certs/issuing-ca.pem
private_key = $T/ca/keys/issuing-ca.key
default_md = sha256
default_crl_days = 7
crl_extensions = crl_ext
unique_subject = no
[crl_ext]
authorityKeyIdentifier = keyid:always
CNF

timed() { # output file, command...
  local out=$1
  shift
  /usr/bin/time -v -o "$out" "$@" >/dev/null
}
field() { # file, time -v label
  awk -F': ' -v k="$2" 'index($0, k) { print $2 }' "$1" | tail -1
}
secs() { # "m:ss.cc" or "h:mm:ss" to seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"
}

sync
echo "timing: openssl ca -gencrl ..." >&2
timed "$T/openssl.time" openssl ca -gencrl -config "$T/openssl.cnf" -out "$T/openssl.crl"
echo "timing: casc crl ..." >&2
mkdir "$T/out"
timed "$T/casc.time" "$CASC" --dir "$T/ca" crl --out "$T/out"
o_t=$(secs "$(field "$T/openssl.time" "Elapsed (wall clock) time")")
c_t=$(secs "$(field "$T/casc.time" "Elapsed (wall clock) time")")
o_rss=$(field "$T/openssl.time" "Maximum resident set size")
c_rss=$(field "$T/casc.time" "Maximum resident set size")

# Both CRLs verify and list every revoked row.
crl=$T/out/crl/issuing-ca.crl
openssl crl -inform DER -in "$crl" -noout -verify -CAfile "$T/ca/certs/issuing-ca.pem" 2>&1 |
  grep -q 'verify OK' || die "casc's CRL does not verify"
openssl crl -in "$T/openssl.crl" -noout -verify -CAfile "$T/ca/certs/issuing-ca.pem" 2>&1 |
  grep -q 'verify OK' || die "openssl's CRL does not verify"
c_n=$(openssl crl -inform DER -in "$crl" -noout -text | grep -c 'Serial Number:' || true)
o_n=$(openssl crl -in "$T/openssl.crl" -noout -text | grep -c 'Serial Number:' || true)
[[ $c_n == "$rows" && $o_n == "$rows" ]] ||
  die "entries: casc $c_n, openssl $o_n, database $rows"
sum=0
for f in "$T"/out/crl/issuing-ca/*.crl; do
  k=$(openssl crl -inform DER -in "$f" -noout -text | grep -c 'Serial Number:' || true)
  sum=$((sum + k))
done
[[ $sum == "$rows" ]] || die "the $shards shards hold $sum entries, not $rows"

printf '%-28s %10s %14s %12s\n' "" "seconds" "peak RSS MB" "CRL bytes"
printf '%-28s %10.2f %14.1f %12d\n' "openssl ca -gencrl" "$o_t" "$(bc -l <<<"$o_rss / 1024")" \
  "$(openssl crl -in "$T/openssl.crl" -outform DER | wc -c)"
printf '%-28s %10.2f %14.1f %12d\n' "casc crl (full + $shards shards)" "$c_t" \
  "$(bc -l <<<"$c_rss / 1024")" "$(wc -c <"$crl")"
printf 'casc/openssl time: %.3f (target <= 0.333)\n' "$(bc -l <<<"$c_t / $o_t")"
printf 'casc peak RSS: %.1f MB (target <= 100)\n' "$(bc -l <<<"$c_rss / 1024")"
echo "revoked rows: $rows; casc full CRL, shards and openssl's CRL verify (openssl crl -verify)"
