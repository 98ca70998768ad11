#!/bin/bash
# tests/hostile/run.sh: the hostile-client suite (tests/hostile/hostile_test.c)
# on the ASan binary: strict HTTP, CSRF, slow clients, a keep-alive flood, a
# login flood on SQLite; then health with PostgreSQL killed and restarted on a
# throwaway cluster (tests/store/pg.sh). If PostgreSQL cannot be started the
# run FAILS (never a silent skip). Ends with "N passed, M failed".
set -u
BUILD=${BUILD:-build/asan}
BIN=${SPINEMETS_BIN:-$BUILD/spinemets}
here=$(dirname "$0")
pgsh=$here/../store/pg.sh
d=$(mktemp -d "$BUILD/hostile-test.XXXXXX")
pgdir=$(mktemp -d /tmp/spinemets-hostile-pg.XXXXXX)
trap 'bash "$pgsh" stop "$pgdir" >/dev/null 2>&1; rm -rf "$d"' EXIT
if ! bash "$pgsh" start "$pgdir" >/dev/null; then
  echo "FAIL PostgreSQL could not be started (tests/store/pg.sh start $pgdir)"
  "$BUILD/tests/hostile_test" "$BIN" "$d"
  exit 1
fi
bash "$pgsh" createdb "$pgdir" health >/dev/null
"$BUILD/tests/hostile_test" "$BIN" "$d" "$(bash "$pgsh" url "$pgdir" health)" "$pgsh" "$pgdir"
