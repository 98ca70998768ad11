#!/bin/bash
# tests/browser/run.sh: browser tests of the web page (Debian chromium +
# playwright-core). Starts `$SPINEMETS_BIN serve` on a free loopback port, runs
# tests/browser/test.js, stops the server. Screenshots go to
# $BUILD/test-logs/browser/. Last line: "N passed, M failed" (tests/run.sh sums it).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build/asan}
BIN=${SPINEMETS_BIN:-$BUILD/spinemets}
OUT="$BUILD/test-logs/browser"
mkdir -p "$OUT"

give_up() { echo "browser: $*"; echo "0 passed, 1 failed"; exit 1; }

# Debian chromium, node and npm (as root they are installed; otherwise deps.sh
# prints the apt-get line to run)
scripts/deps.sh browser || give_up "missing Debian packages (see the apt-get line above)"
if [ ! -f tests/browser/node_modules/playwright-core/package.json ]; then
  (cd tests/browser && npm ci --no-audit --no-fund) || give_up "npm ci in tests/browser failed"
fi
[ -x "$BIN" ] || give_up "$BIN is not built"

rm -f "$OUT/server.out" "$OUT/server.err"
"$BIN" serve --listen 127.0.0.1:0 --quiet >"$OUT/server.out" 2>"$OUT/server.err" &
server=$!
stop_server() { kill -TERM "$server" 2>/dev/null; }
trap stop_server EXIT
port=""
for _ in $(seq 100); do
  port=$(head -n 1 "$OUT/server.out" 2>/dev/null | sed -n 's|.*http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p')
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { cat "$OUT/server.err"; give_up "the server did not start"; }
echo "browser: server pid $server on port $port"

timeout -k 10 300 node tests/browser/test.js "http://127.0.0.1:$port" "$OUT" | tee "$OUT/test.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/test.log" | tail -n 1)
passed=0 failed=1
if [ -n "$line" ]; then passed=${line%% passed*}; failed=${line#*, }; failed=${failed%% failed*}; fi

# the server must stop cleanly on SIGTERM (and, under ASan, without leaks)
kill -TERM "$server" 2>/dev/null
rc=0
for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server" 2>/dev/null; then
  kill -KILL "$server"; rc=137
else
  wait "$server"; rc=$?
fi
trap - EXIT
if [ "$rc" -eq 0 ]; then
  passed=$((passed + 1)); echo "ok - server stopped cleanly"
else
  failed=$((failed + 1)); echo "FAIL - server exit status $rc"; tail -n 30 "$OUT/server.err"
fi
echo "browser: screenshots in $OUT"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
