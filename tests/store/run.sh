#!/bin/bash
# tests/store/run.sh sqlite|postgresql: every store suite against one backend.
#   sqlite:      fresh files in a new $BUILD/store-test.XXXXXX/ (removed after a pass)
#   postgresql:  a throwaway PostgreSQL cluster (tests/store/pg.sh) started
#                here and stopped afterwards; if it cannot be started the run
#                FAILS (never a silent skip).
# Suites: the store suite (store_test), durability with the writer killed by
# SIGKILL, [postgresql: durability with the server killed by SIGKILL], and the
# cross-process race (2 processes x 4 threads on the same cases).
# Prints every suite's output and ends with the summed "N passed, M failed".
set -u
BUILD=${BUILD:-build/asan}
here=$(dirname "$0")
bin=$BUILD/tests
. "$here/../lib/suite.sh" # sub NAME COMMAND...

case "${1:-}" in
  sqlite)
    # a private directory per run: concurrent `make check` runs share $BUILD
    d=$(mktemp -d "$BUILD/store-test.XXXXXX")
    sub "store suite (sqlite)" "$bin/store_test" "sqlite:$d/suite.db"
    sub "durability, writer killed (sqlite)" "$bin/store_stress" durability "sqlite:$d/durability.db" --rounds 3
    sub "race, 2 processes x 4 threads (sqlite)" "$bin/store_stress" race "sqlite:$d/race.db" --procs 2 --threads 4 --iters 30
    if [ "$fail" -eq 0 ]; then rm -rf "$d"; else echo "databases kept in $d"; fi
    ;;
  postgresql)
    dir=$(mktemp -d /tmp/spinemets-pg.XXXXXX)
    trap 'bash "$here/pg.sh" stop "$dir" >/dev/null 2>&1' EXIT
    if ! bash "$here/pg.sh" start "$dir" >/dev/null; then
      echo "FAIL PostgreSQL could not be started (tests/store/pg.sh start $dir)"
      echo "0 passed, 1 failed"
      exit 1
    fi
    for db in suite durability crash race; do
      bash "$here/pg.sh" createdb "$dir" "$db" || { echo "FAIL createdb $db"; fail=$((fail + 1)); }
    done
    url() { bash "$here/pg.sh" url "$dir" "$1"; }
    sub "store suite (postgresql)" "$bin/store_test" "$(url suite)"
    sub "durability, writer killed (postgresql)" "$bin/store_stress" durability "$(url durability)" --rounds 3
    sub "durability, server killed (postgresql)" "$bin/store_stress" durability "$(url crash)" --rounds 2 \
      --crash-cmd "bash $here/pg.sh crash $dir" --restart-cmd "bash $here/pg.sh restart $dir"
    sub "race, 2 processes x 4 threads (postgresql)" "$bin/store_stress" race "$(url race)" --procs 2 --threads 4 --iters 40
    ;;
  *) echo "usage: tests/store/run.sh sqlite|postgresql" >&2; echo "0 passed, 1 failed"; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
