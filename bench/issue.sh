#!/usr/bin/env bash
# Certificates issued per second, each durably committed, three ways on the
# same work in one run:
#   (a) libcasc in one process (bench/issue_bench.c), with a breakdown of
#       where the time goes;
#   (b) the casc command, one process per certificate;
#   (c) openssl x509 -req, one process per certificate, same profile, each
#       certificate file synced (openssl keeps no database).
# Env: N (library count, default 2000), M (process-per-cert count, default
# 200), BUILD (build directory, default build/release), TMPDIR (where the
# CAs live: put it on the disk you care about, not on tmpfs).
set -euo pipefail

N=${N:-2000}
M=${M:-200}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc
BENCH=$BUILD/bench/issue_bench

die() { echo "issue.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N=$N: a positive count"
[[ $M =~ ^[1-9][0-9]*$ ]] || die "M=$M: a positive count"
command -v openssl >/dev/null || die "openssl not found"

# --- build (incremental; only what this benchmark runs) --------------------
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc issue_bench

# --- a fresh CA and a CSR ------------------------------------------------
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fstype=$(df -T "$T" | awk 'NR == 2 { print $2 }')

"$CASC" --dir "$T/ca" init >/dev/null
# Identical untouched copies, so every contender starts from the same fresh
# CA (casc's checkpoint cost grows with its audit log).
cp -a "$T/ca" "$T/ca-lib"
cp -a "$T/ca" "$T/ca-lib2"
cp -a "$T/ca" "$T/ca-cli"
CSR=$T/csr.pem
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/csr.key" \
  -subj /CN=bench.example.com -addext subjectAltName=DNS:bench.example.com \
  -out "$CSR" 2>/dev/null

# The same tls-server profile for openssl. casc's URLs are under the base
# URL of casc.conf; its CRL shard depends on the serial, openssl's is fixed.
base_url=$(awk -F' *= *' '$1 == "base_url" { print $2 }' "$T/ca/casc.conf")
cat >"$T/ext.cnf" <<EOF
[tls_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = none
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:bench.example.com
certificatePolicies = 2.23.140.1.2.1
authorityInfoAccess = OCSP;URI:$base_url/ocsp, caIssuers;URI:$base_url/ca/issuing-ca.crt
crlDistributionPoints = URI:$base_url/crl/issuing-ca/0.crl
EOF
ossl_issue() { # $1: output file
  openssl x509 -req -in "$CSR" -CA "$T/ca/certs/issuing-ca.pem" \
    -CAkey "$T/ca/keys/issuing-ca.key" -CAcreateserial -CAserial "$T/ossl/serial.srl" \
    -days 90 -sha256 -extfile "$T/ext.cnf" -extensions tls_server -out "$1" 2>/dev/null &&
    sync "$1"
}
mkdir "$T/ossl"

# Same profile? Compare the extension lists of one certificate from each.
"$CASC" --dir "$T/ca" issue --profile tls-server --csr "$CSR" -o "$T/sample-casc.pem" >/dev/null
ossl_issue "$T/sample-ossl.pem"
exts() { # the extension names of a certificate, in order, with "critical"
  openssl x509 -in "$1" -noout -text | sed -n '/^ *X509v3 extensions:/,/^ *Signature Algorithm/p' |
    sed -n 's/^ \{12\}\([A-Za-z].*\)$/\1/p' | sed 's/ *$//'
}
if [[ $(exts "$T/sample-casc.pem") == $(exts "$T/sample-ossl.pem") ]]; then
  same="same extensions, same order:"
else
  same="EXTENSIONS DIFFER: casc [$(exts "$T/sample-casc.pem" | paste -sd';')] vs openssl"
fi
rm -f "$T/ossl"/*

ms() { date +%s%N; }

echo "== casc issuance benchmark: certificates issued per second, each durably committed =="
echo "machine: nproc=$(nproc), $(uname -m), $(openssl version)"
echo "CA directories on $fstype ($T)"
[[ $fstype == tmpfs ]] && echo "WARNING: tmpfs ignores fsync; durability costs nothing here (set TMPDIR)"
echo "profile: tls-server from one EC P-256 CSR (DNS:bench.example.com); $same"
exts "$T/sample-ossl.pem" | paste -sd';' | sed 's/^/  /'
echo "N=$N (library), M=$M (one process per certificate)"

# --- (a) the library, one process ----------------------------------------
echo
echo "-- (a) libcasc, one process: issue_bench (casc_ca_issue: SQLite WAL synchronous=FULL commit"
echo "       of certificate + audit entry, then the signed audit checkpoint rewritten with fsync)"
out=$("$BENCH" "$T/ca-lib" "$CSR" "$N" "$T/ca-lib2")
echo "$out"
rate_lib=$(awk '/^rate:/ { print $2 }' <<<"$out")

# --- (b) the command, one process per certificate ------------------------
echo
echo "-- (b) casc --dir DIR issue --profile tls-server --csr CSR, one process per certificate, $M times"
t0=$(ms)
for ((i = 0; i < M; i++)); do
  "$CASC" --dir "$T/ca-cli" issue --profile tls-server --csr "$CSR" >/dev/null
done
t1=$(ms)
rate_cli=$(awk -v m="$M" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", m / (ns / 1e9) }')
echo "$M in $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }') s: $rate_cli certificates/s"

# --- (c) openssl, one process per certificate ----------------------------
echo
echo "-- (c) openssl x509 -req ... -CAcreateserial -days 90 -extfile (same profile) -out f && sync f,"
echo "       one process per certificate, $M times"
t0=$(ms)
for ((i = 0; i < M; i++)); do
  ossl_issue "$T/ossl/$i.pem"
done
t1=$(ms)
rate_ossl=$(awk -v m="$M" -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", m / (ns / 1e9) }')
echo "$M in $(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.3f", ns / 1e9 }') s: $rate_ossl certificates/s"
echo "note: openssl keeps no database: no certificate index, no audit log, no signed checkpoint;"
echo "      it writes the certificate and a serial file (only the certificate synced, not its"
echo "      directory), so it does less work than casc"

# --- summary -------------------------------------------------------------
echo
echo "== summary =="
printf '  (a) libcasc, one process       %10.1f certificates/s\n' "$rate_lib"
printf '  (b) casc command, per process  %10.1f certificates/s\n' "$rate_cli"
printf '  (c) openssl x509, per process  %10.1f certificates/s (no database)\n' "$rate_ossl"
awk -v l="$rate_lib" -v c="$rate_cli" -v o="$rate_ossl" 'BEGIN {
  r = l / o
  printf "  library / openssl = %.1fx (target at least 10x: %s)\n", r, (r >= 10 ? "met" : "NOT met")
  printf "  command / openssl = %.1fx\n", c / o
}'
