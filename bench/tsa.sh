#!/usr/bin/env bash
# RFC 3161 timestamps per second, on the same CA, TSA key and request, in
# one run:
#   (a) casc serve's /tsa under many concurrent requests: wrk POSTs an
#       `openssl ts -query` request (SHA-256, nonce, certReq) over CONNS
#       keep-alive connections;
#   (b) `openssl ts -reply`, one process a request (what a TSA built on the
#       openssl command does), THREADS at a time, over the same request;
#   (c) `openssl speed` for the TSA key type on THREADS cores: the raw
#       signing rate, which bounds any TSA.
# Targets (issue 5): (a) at least 50% of (c) and at least 20x (b).
# Also printed, for a shared or busy machine, where wall-clock rates mean
# little: casc's replies per CPU-second of the server process against
# openssl's signatures per CPU-second.
# Env: DURATION (seconds of wrk, default 10), THREADS (server threads, wrk
# threads, openssl processes; default 2), CONNS (default 64), N_OPENSSL
# (openssl ts -reply runs, default 300), KEY_TYPE (casc init --key-type,
# default ec-p256: the TSA key follows it, RSA raised to 3072), BUILD
# (default build/release).
set -euo pipefail

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
N_OPENSSL=${N_OPENSSL:-300}
KEY_TYPE=${KEY_TYPE:-ec-p256}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc
PY=/usr/bin/python3

die() { echo "tsa.sh: $*" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION=$DURATION: seconds"
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "THREADS=$THREADS: a count"
[[ $CONNS =~ ^[1-9][0-9]*$ ]] || die "CONNS=$CONNS: a count"
[[ $N_OPENSSL =~ ^[1-9][0-9]*$ ]] || die "N_OPENSSL=$N_OPENSSL: a count"
if ! command -v wrk >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends wrk >/dev/null || die "cannot install wrk"
fi

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc

T=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 1 200); do
    "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  cat "$T"/*.err >&2 2>/dev/null || true
  die "nothing listens on port $1"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

CA=$T/ca
"$CASC" --dir "$CA" init --key-type "$KEY_TYPE" >/dev/null
TSA_CERT=$CA/certs/tsa.pem
TSA_KEY=$CA/keys/tsa.key
key_text=$(openssl x509 -in "$TSA_CERT" -noout -text)
bits=$(sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' <<<"$key_text" | head -1)
if grep -q "id-ecPublicKey" <<<"$key_text"; then
  speed_alg=ecdsap$bits
  key_desc="EC P-$bits"
else
  speed_alg=rsa$bits
  key_desc="RSA $bits"
fi
head -c 1000000 /dev/urandom >"$T/data"
openssl ts -query -data "$T/data" -sha256 -cert -out "$T/req.tsq" 2>/dev/null
cat "$CA/certs/timestamping-ca.pem" "$TSA_CERT" >"$T/chain.pem"
echo "nproc $(nproc); $(openssl version); TSA key $key_desc; wrk -t$THREADS -c$CONNS -d${DURATION}s"

# (a) casc serve
PORT=$(free_port)
"$CASC" --dir "$CA" serve --listen "127.0.0.1:$PORT" --threads "$THREADS" 2>"$T/casc.err" &
SERVE=$!
pids+=("$SERVE")
wait_port "$PORT"
URL=http://127.0.0.1:$PORT/tsa
curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @"$T/req.tsq" \
  -o "$T/casc.tsr" "$URL" || die "casc serve did not answer"
openssl ts -verify -queryfile "$T/req.tsq" -in "$T/casc.tsr" -CAfile "$CA/certs/root-ca.pem" \
  -untrusted "$T/chain.pem" 2>/dev/null | grep -q "Verification: OK" ||
  die "casc's reply does not verify"
cat >"$T/post.lua" <<EOF
local f = assert(io.open("$T/req.tsq", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/timestamp-query"
EOF
t0=$(cpu_ticks "$SERVE")
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -s "$T/post.lua" "$URL" >"$T/wrk.out"
t1=$(cpu_ticks "$SERVE")
grep -q "Non-2xx" "$T/wrk.out" && { cat "$T/wrk.out" >&2; die "casc answered errors"; }
r_casc=$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk.out")
n_casc=$(awk '/requests in/ { print $1 }' "$T/wrk.out")
cpu_casc=$(( t1 - t0 ))
kill "$SERVE"
wait "$SERVE" 2>/dev/null || true

# (b) openssl ts -reply, one process a request
cat >"$T/ts.cnf" <<EOF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = $T/ts.serial
crypto_device = builtin
signer_cert = $TSA_CERT
certs = $CA/certs/timestamping-ca.pem
signer_key = $TSA_KEY
signer_digest = sha256
default_policy = 2.23.140.1.4.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
echo 01 >"$T/ts.serial"
openssl ts -reply -config "$T/ts.cnf" -queryfile "$T/req.tsq" -out "$T/ossl.tsr" 2>/dev/null ||
  die "openssl ts -reply failed"
openssl ts -verify -queryfile "$T/req.tsq" -in "$T/ossl.tsr" -CAfile "$CA/certs/root-ca.pem" \
  -untrusted "$T/chain.pem" 2>/dev/null | grep -q "Verification: OK" ||
  die "openssl's reply does not verify"
# Each of xargs' THREADS slots has its own serial file: openssl does not lock it.
for i in $(seq 0 $((THREADS - 1))); do
  sed "s|^serial = .*|serial = $T/ts.serial.$i|" "$T/ts.cnf" >"$T/ts.cnf.$i"
  echo 01 >"$T/ts.serial.$i"
done
start=$(date +%s.%N)
seq 1 "$N_OPENSSL" | xargs -P "$THREADS" --process-slot-var=SLOT -I{} sh -c \
  'openssl ts -reply -config "$1/ts.cnf.$SLOT" -queryfile "$1/req.tsq" -out "$1/o.$2.tsr" 2>/dev/null' \
  _ "$T" {}
end=$(date +%s.%N)
ok=$(find "$T" -name 'o.*.tsr' -size +100c | wc -l)
[[ $ok -eq $N_OPENSSL ]] || die "openssl ts -reply: $ok of $N_OPENSSL replies"

# (c) the raw signing rate. `openssl speed` divides its count by the user
# CPU time it used, unless -elapsed: so -elapsed -multi THREADS gives the
# wall-clock rate of THREADS cores (meaningful on an idle machine), and the
# plain run the signatures per CPU-second of one core, which other load on a
# shared machine does not skew; it is compared with casc's replies per
# CPU-second of the server process (user and system time: the kernel's
# networking counts against casc).
speed() { openssl speed -seconds 3 "$@" "$speed_alg" 2>/dev/null | tail -1 | awk '{ print $(NF-1) }'; }
s_multi=$(speed -elapsed -multi "$THREADS")
s_cpu=$(speed)

"$PY" - "$r_casc" "$n_casc" "$cpu_casc" "$(getconf CLK_TCK)" "$start" "$end" "$N_OPENSSL" \
  "$s_multi" "$s_cpu" "$THREADS" "$key_desc" <<'EOF'
import sys
r_casc, n_casc, cpu, tck, start, end, n_ossl, s_multi, s_cpu = map(float, sys.argv[1:10])
threads, key = sys.argv[10], sys.argv[11]
r_ossl = n_ossl / (end - start)
cpu_s = cpu / tck
per_cpu = n_casc / cpu_s if cpu_s else 0
print("casc serve /tsa      %10.0f replies/s  (%s threads; %.0f replies per server CPU-second)"
      % (r_casc, threads, per_cpu))
print("openssl ts -reply    %10.0f replies/s  (one process a request, %s at a time)"
      % (r_ossl, threads))
print("openssl speed %-7s%10.0f signs/s on %s cores (wall clock); %.0f per CPU-second"
      % (key, s_multi, threads, s_cpu))
print("casc / signing rate of the cores           %.2f (target 0.50)" % (r_casc / s_multi))
print("casc per CPU-second / signs per CPU-second %.2f (target 0.50)" % (per_cpu / s_cpu))
print("casc / openssl ts -reply                   %.1fx (target 20x)" % (r_casc / r_ossl))
EOF
