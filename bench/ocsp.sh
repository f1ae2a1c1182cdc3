#!/usr/bin/env bash
# OCSP GET requests per second, three responders over the same CA and the
# same request, each driven by wrk (GET, 64 connections) on 127.0.0.1:
#   (a) casc serve: the presigned response from memory, with RFC 5019
#       caching headers;
#   (b) nginx serving the very same response bytes as a static file;
#   (c) openssl ocsp -index ... -port, which signs every response. It
#       answers one request per connection and does not close an HTTP/1.1
#       connection itself, so wrk gets nothing from it: ab (HTTP/1.0, a new
#       connection per request, 64 at a time) drives it, and casc too in
#       that mode, for a like-for-like line. ab counts responses of another
#       length than the first as "failed": ECDSA signatures vary in length,
#       so only non-2xx answers and exceptions count as failures here.
# Targets (issue 3, 2 cores): casc at least 1.2x nginx and 15x openssl ocsp.
# Env: DURATION (seconds per run, default 10), THREADS (server threads and
# wrk threads, default 2), BUILD (default build/release). Installs wrk and
# nginx with apt-get when they are missing.
set -euo pipefail

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
CASC=$BUILD/casc
PY=/usr/bin/python3

die() { echo "ocsp.sh: $*" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || die "DURATION=$DURATION: seconds"
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "THREADS=$THREADS: a count"
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v ab >/dev/null || need+=(apache2-utils)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
if [[ ${#need[@]} -gt 0 ]]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
    die "cannot install ${need[*]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
bench_build casc

T=$(mktemp -d)
chmod 755 "$T" # nginx's workers read the response file
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
  cat "$T"/*.log "$T"/*.err 2>/dev/null >&2 || true
  die "nothing listens on port $1"
}
rps() { awk '/^Requests\/sec:/ { print $2 }'; }
# ab's rate, or nothing when a request failed for another reason than length.
ab_rps() {
  ab -q -r -t "$DURATION" -n 100000000 -c 64 "$1" 2>&1 | awk '
    /^Non-2xx responses:/ { bad += $3 }
    /Failed requests:/ { getline; if ($0 ~ /Connect: [1-9]|Receive: [1-9]|Exceptions: [1-9]/) bad++ }
    /^Requests per second:/ { r = $4 }
    END { if (!bad) print r }'
}

P_CASC=$(free_port)
CA=$T/ca
"$CASC" --dir "$CA" init --key-type ec-p256 --base-url "http://127.0.0.1:$P_CASC" >/dev/null
"$CASC" --dir "$CA" issue --profile tls-server --dns bench.casc-test.com -o "$T/leaf.pem" \
  --key-out "$T/leaf.key" >/dev/null
"$CASC" --dir "$CA" ocsp presign >/dev/null
openssl ocsp -issuer "$CA/certs/issuing-ca.pem" -cert "$T/leaf.pem" -no_nonce \
  -reqout "$T/req.der" >/dev/null
path=/ocsp/$("$PY" -c 'import base64,sys,urllib.parse; print(urllib.parse.quote(base64.b64encode(open(sys.argv[1],"rb").read()).decode(), safe=""))' "$T/req.der")
echo "nproc $(nproc); $(openssl version); wrk -t$THREADS -c64 -d${DURATION}s"

# (a) casc serve
"$CASC" --dir "$CA" serve --listen "127.0.0.1:$P_CASC" --threads "$THREADS" 2>"$T/casc.err" &
pids+=($!)
wait_port "$P_CASC"
curl -sf -o "$T/resp.der" "http://127.0.0.1:$P_CASC$path" || die "casc serve did not answer"
openssl ocsp -respin "$T/resp.der" -CAfile "$CA/certs/root-ca.pem" \
  -verify_other "$CA/certs/issuing-ca.pem" -issuer "$CA/certs/issuing-ca.pem" \
  -cert "$T/leaf.pem" 2>&1 | grep -q "leaf.pem: good" || die "casc's response does not verify"
r_casc=$(wrk -t"$THREADS" -c64 -d"${DURATION}s" "http://127.0.0.1:$P_CASC$path" | rps)
r_casc_ab=$(ab_rps "http://127.0.0.1:$P_CASC$path")

# (b) nginx, the same bytes from a file
P_NGINX=$(free_port)
mkdir -p "$T/www/ocsp" "$T/nginx"
cp "$T/resp.der" "$T/www/ocsp/r"
chmod -R a+rX "$T/www"
cat >"$T/nginx/nginx.conf" <<EOF
worker_processes $THREADS;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $T/nginx;
  proxy_temp_path $T/nginx;
  fastcgi_temp_path $T/nginx;
  uwsgi_temp_path $T/nginx;
  scgi_temp_path $T/nginx;
  server {
    listen 127.0.0.1:$P_NGINX;
    root $T/www;
    location /ocsp/ { default_type application/ocsp-response; }
  }
}
EOF
"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" 2>"$T/nginx/start.err" &
pids+=($!)
wait_port "$P_NGINX"
cmp -s <(curl -sf "http://127.0.0.1:$P_NGINX/ocsp/r") "$T/resp.der" || die "nginx serves other bytes"
r_nginx=$(wrk -t"$THREADS" -c64 -d"${DURATION}s" "http://127.0.0.1:$P_NGINX/ocsp/r" | rps)

# (c) openssl ocsp over an index of the same CA
"$CASC" --dir "$CA" list --json | "$PY" -c '
import datetime, json, sys
for c in json.load(sys.stdin):
    t = datetime.datetime.strptime(c["not_after"], "%Y-%m-%dT%H:%M:%SZ").strftime("%y%m%d%H%M%SZ")
    print("%s\t%s\t\t%s\tunknown\t/CN=%s" % ("R" if c["status"] == "revoked" else "V", t, c["serial"], c["serial"]))
' >"$T/index.txt"
P_OSSL=$(free_port)
# OpenSSL 3.0's -port takes a number and listens on every address (there
# is no option to bind one); wrk still talks to 127.0.0.1 only. One process:
# its -multi children were seen spinning after their parent was killed.
# It takes GET requests at "/" followed by the base64, not under /ocsp/.
openssl ocsp -index "$T/index.txt" -port "$P_OSSL" -CA "$CA/certs/issuing-ca.pem" \
  -rsigner "$CA/certs/ocsp-signer.pem" -rkey "$CA/keys/ocsp-signer.key" -nmin 5 \
  >"$T/openssl.log" 2>&1 &
pids+=($!)
# not wait_port: a connection that sends nothing stalls this responder
sleep 1
# It answers one request per connection: see (c) above.
curl -sf -m 5 --http1.0 -o "$T/ossl.der" "http://127.0.0.1:$P_OSSL/${path#/ocsp/}" ||
  die "openssl ocsp did not answer"
r_ossl=$(ab_rps "http://127.0.0.1:$P_OSSL/${path#/ocsp/}")

"$PY" - "$r_casc" "$r_nginx" "$r_casc_ab" "$r_ossl" <<'EOF'
import sys
c, n, cab, o = (float(x or 0) for x in sys.argv[1:])
print("wrk, keep-alive:")
print("  casc serve    %10.0f req/s" % c)
print("  nginx static  %10.0f req/s" % n)
print("ab, one connection per request:")
print("  casc serve    %10.0f req/s" % cab)
print("  openssl ocsp  %10.0f req/s" % o)
print("casc / nginx             %.2fx (target 1.2x)" % (c / n if n else 0))
if o:
    print("casc (wrk) / openssl     %.1fx (target 15x)" % (c / o))
    print("casc (ab) / openssl (ab) %.1fx" % (cab / o))
else:
    print("casc / openssl: not measured (openssl ocsp failed under ab)")
EOF
