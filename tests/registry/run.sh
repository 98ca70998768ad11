#!/bin/bash
# tests/registry/run.sh sqlite|postgresql: the registry suites against one backend.
#   sqlite:      fresh files in a new $BUILD/registry-test.XXXXXX/ (removed after a pass)
#   postgresql:  a throwaway PostgreSQL cluster (tests/store/pg.sh) started
#                here and stopped afterwards; if it cannot start, the run FAILS.
# Suites (tests/registry/registry_test.c, on the ASan binary):
#   api          the API and command-line suite (+ first start on an empty registry)
#   durability   the server killed with SIGKILL while clients save, restarted
#   race         two servers over one database, 8 client threads on 2 cases
# Prints every suite's output and ends with the summed "N passed, M failed".
set -u
BUILD=${BUILD:-build/asan}
BIN=${SPINEMETS_BIN:-$BUILD/spinemets}
here=$(dirname "$0")
prog=$BUILD/tests/registry_test
. "$here/../lib/suite.sh" # sub NAME COMMAND...

case "${1:-}" in
  sqlite)
    d=$(mktemp -d "$BUILD/registry-test.XXXXXX")
    export TMPDIR=$d
    sub "registry API (sqlite)" "$prog" api "$BIN" "sqlite:$d/api.db" "sqlite:$d/boot.db"
    sub "durability, server killed (sqlite)" "$prog" durability "$BIN" "sqlite:$d/durability.db" --rounds 2
    sub "race, 2 servers x 8 clients (sqlite)" "$prog" race "$BIN" "sqlite:$d/race.db" --servers 2 --threads 8 --iters 25 --cases 2
    if [ "$fail" -eq 0 ]; then rm -rf "$d"; else echo "databases kept in $d"; fi
    ;;
  postgresql)
    dir=$(mktemp -d /tmp/spinemets-regpg.XXXXXX)
    trap 'bash "$here/../store/pg.sh" stop "$dir" >/dev/null 2>&1' EXIT
    if ! bash "$here/../store/pg.sh" start "$dir" >/dev/null; then
      echo "FAIL PostgreSQL could not be started (tests/store/pg.sh start $dir)"
      echo "0 passed, 1 failed"
      exit 1
    fi
    for db in api boot durability race; do
      bash "$here/../store/pg.sh" createdb "$dir" "$db" || { echo "FAIL createdb $db"; fail=$((fail + 1)); }
    done
    url() { bash "$here/../store/pg.sh" url "$dir" "$1"; }
    sub "registry API (postgresql)" "$prog" api "$BIN" "$(url api)" "$(url boot)"
    sub "durability, server killed (postgresql)" "$prog" durability "$BIN" "$(url durability)" --rounds 2
    sub "race, 2 servers x 8 clients (postgresql)" "$prog" race "$BIN" "$(url race)" --servers 2 --threads 8 --iters 25 --cases 2
    ;;
  *) echo "usage: tests/registry/run.sh sqlite|postgresql" >&2; echo "0 passed, 1 failed"; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
