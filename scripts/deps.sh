#!/usr/bin/env bash
# Installs the Debian packages that casc's build and tests need.
# Idempotent: prints nothing and touches nothing when all are present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang
  libssl-dev openssl
  libsqlite3-dev sqlite3
  libh2o-evloop-dev libuv1-dev
  libcurl4-openssl-dev curl
  libinih-dev
  libjansson-dev
  libcmocka-dev
  python3 python3-cryptography
  faketime
  nginx gnutls-bin haproxy
  softhsm2 libengine-pkcs11-openssl opensc libp11-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
