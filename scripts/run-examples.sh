#!/bin/bash
# run-examples.sh BIN: the main job for now: score every example in examples/score/
# (file name INSTRUMENT-description.json) and print the report for a person.
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
exit $status
