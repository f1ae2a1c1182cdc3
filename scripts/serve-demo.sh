#!/bin/sh
# scripts/serve-demo.sh CASC_BINARY DIR
#
# `make serve`: makes a demo CA in DIR unless DIR already holds one, then
# runs `casc serve` on 127.0.0.1:8080 in the foreground (Ctrl-C stops it).
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 CASC_BINARY DIR" >&2
  exit 2
fi
casc=$1
dir=$2

if [ ! -x "$casc" ]; then
  echo "$0: $casc: not an executable (run make build first)" >&2
  exit 2
fi

# casc init refuses a non-empty directory, so only a directory without a
# casc.conf is initialised; an existing CA is served as it is.
if [ ! -f "$dir/casc.conf" ]; then
  "$casc" --dir "$dir" init
fi

# exec: the server gets the signals of the terminal and of `make` directly.
exec "$casc" --dir "$dir" serve --listen 127.0.0.1:8080
