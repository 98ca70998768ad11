#!/bin/bash
# bench/page/run.sh: the web page on a slow phone (360x740, Slow 3G, 4x CPU), this
# build beside a baseline build. usage: bench/page/run.sh [BASELINE_BIN] [RUNS]
#   BASELINE_BIN  default ../main/build/spinemets (today's page); "none" to skip
# Starts each binary on a free loopback port with a throwaway registry, runs
# bench.js, stops it. Prints both medians; bench/README.md records them.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${SPINEMETS_BIN:-build/spinemets}
BASE=${1:-../main/build/spinemets}
RUNS=${2:-3}
scripts/deps.sh browser >/dev/null || exit 1
[ -f tests/browser/node_modules/playwright-core/package.json ] || (cd tests/browser && npm ci --no-audit --no-fund) || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spinemets-bench-page.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
measure() { # measure NAME BIN
  local name=$1 bin=$2 pid port=""
  "$bin" serve --listen 127.0.0.1:0 --quiet --db "sqlite:$tmp/$name.db" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$tmp/$name.out" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  if [ -z "$port" ]; then echo "$name: the server did not start"; kill "$pid" 2>/dev/null; return 1; fi
  echo "== $name ($bin)"
  timeout 600 node bench/page/bench.js "http://127.0.0.1:$port/" "$RUNS" | sed "s/^/$name /"
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}
[ "$BASE" = none ] || [ ! -x "$BASE" ] || measure baseline "$BASE"
measure this "$BIN"
