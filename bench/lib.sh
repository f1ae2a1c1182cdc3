# Shared by the bench/*.sh scripts; sourced, not run. Expects ROOT, BUILD
# and a die() function.

# Builds the named targets in $BUILD (RelWithDebInfo), configuring it first
# when it is new; the build log is shown only when something fails.
bench_build() {
  local log
  log=$(mktemp)
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$log" 2>&1 ||
      { cat "$log" >&2; rm -f "$log"; die "cmake configure failed"; }
  fi
  cmake --build "$BUILD" -j2 --target "$@" >"$log" 2>&1 ||
    { cat "$log" >&2; rm -f "$log"; die "build failed"; }
  rm -f "$log"
}
