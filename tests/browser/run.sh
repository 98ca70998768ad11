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

# the reason goes on a FAIL line, which tests/run.sh shows in its summary (not only the log path)
give_up() { echo "FAIL browser: $*"; echo "0 passed, 1 failed"; exit 1; }

# Debian chromium, node and npm (as root they are installed; otherwise deps.sh
# prints the apt-get line to run)
scripts/deps.sh browser || give_up "missing Debian packages (see the apt-get line above)"
# node uses its own CA list; trust the system's too (e.g. a site's TLS proxy CA)
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
if [ ! -f tests/browser/node_modules/playwright-core/package.json ] || [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  (cd tests/browser && npm ci --no-audit --no-fund) >"$OUT/npm-ci.log" 2>&1 ||
    give_up "npm ci in tests/browser failed: $(grep -m 1 -iE 'npm ERR!|error' "$OUT/npm-ci.log" | cut -c 1-160) (whole output: $OUT/npm-ci.log)"
fi
[ -x "$BIN" ] || give_up "$BIN is not built"

# a fresh registry for each run: a site with a clinician and a researcher
# (the tests log in with these; nothing outside $OUT is touched)
DB="sqlite:$OUT/registry.db"
rm -f "$OUT/server.out" "$OUT/server.err" "$OUT/registry.db" "$OUT/registry.db-wal" "$OUT/registry.db-shm"
export SPINEMETS_TEST_USER=clin1 SPINEMETS_TEST_PASSWORD=browser-test-pass-1
export SPINEMETS_TEST_RESEARCHER=res1 SPINEMETS_TEST_RESEARCHER_PASSWORD=browser-test-pass-2
export SPINEMETS_TEST_NEWUSER=new1 SPINEMETS_TEST_NEWUSER_PASSWORD=one-time-pass-3
export SPINEMETS_TEST_ADMIN=adm1 SPINEMETS_TEST_ADMIN_PASSWORD=browser-admin-pass-4
{ "$BIN" site add north "North Hospital" --db "$DB" &&
  printf '%s\n' "$SPINEMETS_TEST_PASSWORD" | "$BIN" user add "$SPINEMETS_TEST_USER" --role clinician --site north --password-stdin --db "$DB" &&
  printf '%s\n' "$SPINEMETS_TEST_RESEARCHER_PASSWORD" | "$BIN" user add "$SPINEMETS_TEST_RESEARCHER" --role researcher --password-stdin --db "$DB" &&
  printf '%s\n' "$SPINEMETS_TEST_NEWUSER_PASSWORD" | "$BIN" user add "$SPINEMETS_TEST_NEWUSER" --role coordinator --site north --must-change --password-stdin --db "$DB" &&
  printf '%s\n' "$SPINEMETS_TEST_ADMIN_PASSWORD" | "$BIN" user add "$SPINEMETS_TEST_ADMIN" --role admin --password-stdin --db "$DB"
} >"$OUT/setup.log" 2>&1 || { cat "$OUT/setup.log"; give_up "could not create the test registry"; }
"$BIN" serve --listen 127.0.0.1:0 --quiet --db "$DB" >"$OUT/server.out" 2>"$OUT/server.err" &
server=$!
stop_server() { kill -TERM "$server" 2>/dev/null; }
trap stop_server EXIT
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p' "$OUT/server.out" 2>/dev/null | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { cat "$OUT/server.err"; give_up "the server did not start"; }
echo "browser: server pid $server on port $port"

timeout -k 10 360 node tests/browser/test.js "http://127.0.0.1:$port" "$OUT" | tee "$OUT/test.log"
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
