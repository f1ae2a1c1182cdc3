#!/usr/bin/env bash
# OCSP responses presigned per second by `casc ocsp presign`, against the
# raw ECDSA P-256 signing rate of `openssl speed -multi $(nproc)`: presign
# signs in one thread per online CPU, so the cores used are all of them.
# Target (issue 3): at least 85% of that rate.
#
# The CA is a fresh `casc init --key-type ec-p256`; N certificate rows are
# added straight to its database (serials and issuer only matter to
# presigning; the DER column holds a placeholder), as if N certificates had
# been issued, then `casc ocsp presign` signs and stores a response for each.
# Env: N (default 1000000), BUILD (default build/release), TMPDIR (put it on
# the disk you care about: every batch of 256 responses is one fsync'd
# commit).
set -euo pipefail

N=${N:-1000000}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc
PY=/usr/bin/python3

die() { echo "presign.sh: $*" >&2; exit 2; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "N=$N: a positive count"
command -v openssl >/dev/null || die "openssl not found"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fstype=$(df -T "$T" | awk 'NR == 2 { print $2 }')
[[ $fstype == tmpfs ]] && echo "presign.sh: warning: $T is on tmpfs: commits cost nothing" >&2

"$CASC" --dir "$T/ca" init --key-type ec-p256 >/dev/null
echo "nproc $(nproc); $(openssl version)"

# N rows for the TLS issuing CA, random 16-octet serials like casc's own.
"$PY" - "$T/ca/casc.db" "$N" <<'EOF'
import os, sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
issuer = con.execute("SELECT id FROM issuers WHERE name = 'issuing-ca'").fetchone()[0]
now = int(time.time())
def rows():
    for _ in range(n):
        b = bytearray(os.urandom(16)); b[0] = (b[0] & 0x3F) | 0x40
        yield (b.hex().upper(), issuer, "CN=bench", "", "tls-server", now, now + 90 * 86400, b"x")
con.executemany("INSERT INTO certificates (serial, issuer_id, subject, sans, profile, "
                "not_before, not_after, der) VALUES (?,?,?,?,?,?,?,?)", rows())
con.commit()
con.close()
EOF

start=$(date +%s.%N)
out=$("$CASC" --dir "$T/ca" ocsp presign --json)
end=$(date +%s.%N)
signed=$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["signed"])' "$out")
casc_rate=$("$PY" -c "print(round($signed / ($end - $start)))")

# openssl speed -multi: the summary's last line for the curve,
# " 256 bits ecdsa (nistp256)   0.0000s   0.0001s  90000.0  30000.0"
cores=$(nproc)
speed=$(openssl speed -multi "$cores" -seconds 3 ecdsap256 2>/dev/null |
  awk '/ecdsa \(nistp256\)/ { v = $(NF-1) } END { print v }')
[[ -n $speed ]] || die "openssl speed -multi $cores ecdsap256: no rate found"
ratio=$("$PY" -c "print('%.0f%%' % (100 * $casc_rate / $speed))")
printf 'casc ocsp presign: %d responses in %.1f s: %s/s\n' "$signed" \
  "$("$PY" -c "print($end - $start)")" "$casc_rate"
printf 'openssl speed -multi %d ecdsap256 (%d cores): %.0f signs/s\n' "$cores" "$cores" "$speed"
echo "presign rate / raw sign rate: $ratio (target: at least 85%)"
