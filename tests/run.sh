#!/bin/bash
# tests/run.sh: run every suite of `make check` and sum their results.
# A suite is a program or script whose last output line is "N passed, M failed".
# A suite that ends without that line, or exits non-zero with 0 failed, counts
# as one failure. Logs go to $BUILD/test-logs/.
set -u
BUILD=${BUILD:-build/asan}
SHARED=${SHARED:-../shared}
export BUILD SHARED
BIN="$BUILD/spinemets"
export SPINEMETS_BIN="$BIN"
logs="$BUILD/test-logs"
mkdir -p "$logs"
# Suites that start `spinemets serve` without --db get a throwaway registry
# (never ./spinemets.db in the working tree).
regtmp=$(mktemp -d "${TMPDIR:-/tmp}/spinemets-check.XXXXXX")
trap 'rm -rf "$regtmp"' EXIT
export SPINEMETS_DB="sqlite:$regtmp/registry.db"
total_pass=0 total_fail=0

run_suite() { # run_suite NAME COMMAND...
  local name=$1; shift
  local log="$logs/$name.log" rc line p f
  "$@" >"$log" 2>&1
  rc=$?
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
  else
    p=0; f=1
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  if [ "$f" -eq 0 ]; then
    printf '  %-28s %s\n' "$name" "$p passed"
  else
    printf '  %-28s %s  (log: %s)\n' "$name" "$p passed, $f FAILED" "$log"
    grep -E 'FAIL|ERROR|runtime error|AddressSanitizer|LeakSanitizer' "$log" | head -n 15 | sed 's/^/      /'
  fi
}

echo "spinemets: running test suites (logs in $logs)"
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  run_suite "$(basename "$t")" "$t"
done
if [ -d "$SHARED/clinical/vectors" ]; then
  run_suite vectors "$BUILD/tests/vectors" "$BIN" "$SHARED/clinical/vectors" tests/vectors
else
  echo "  vectors: $SHARED/clinical/vectors not found" ; total_fail=$((total_fail + 1))
fi
# the project's own golden vectors (same format; e.g. the threshold boundaries)
if [ -d tests/vectors ]; then
  run_suite vectors-project "$BUILD/tests/vectors" "$BIN" tests/vectors
fi
for t in "$BUILD"/tests/fuzz-replay-*; do
  [ -x "$t" ] || continue
  name=$(basename "$t"); corpus="fuzz/corpus/${name#fuzz-replay-}"
  run_suite "$name" "$t" "$corpus"
done
run_suite http "$BUILD/tests/http_test" "$BIN"
run_suite hostile bash tests/hostile/run.sh
for b in sqlite postgresql; do run_suite "store-$b" bash tests/store/run.sh "$b"; done
for b in sqlite postgresql; do run_suite "registry-$b" bash tests/registry/run.sh "$b"; done
for e in sqlite postgresql replication; do run_suite "ext-$e" bash tests/ext/run.sh "$e"; done
for s in tests/cli/*.sh; do
  [ -f "$s" ] || continue
  run_suite "$(basename "$s" .sh)" bash "$s"
done
run_suite fhir bash tests/fhir/run.sh
run_suite i18n bash tests/i18n/run.sh
run_suite browser bash tests/browser/run.sh
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
