#!/bin/bash
# run-examples.sh BIN (`make examples`): score every example in examples/score/
# (file name INSTRUMENT-description.json) and print the report for a person, then
# assess every case in examples/cases/ and print its report. Exits non-zero if any
# example fails.
set -u
BIN=${1:-build/spinemets}
status=0
for f in examples/score/*.json; do
  inst=$(basename "$f" .json); inst=${inst%%-*}
  echo "=================================================================="
  echo "$f"
  echo "$ $BIN score $inst --format text < $f"
  "$BIN" score "$inst" --format text < "$f" || status=1
done
for f in examples/cases/*.json; do
  [ -e "$f" ] || continue
  echo "=================================================================="
  echo "$f"
  echo "$ $BIN assess $f"
  if ! "$BIN" assess "$f"; then
    echo "FAILED: $BIN assess $f" >&2
    status=1
  fi
done
exit $status
