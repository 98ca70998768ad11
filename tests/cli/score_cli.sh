#!/bin/bash
# score_cli.sh: black-box tests of `spinemets score` (ARCHITECTURE.md contract 1):
# exit codes, help, listing, formats, errors with paths, line/column of bad JSON.
set -u
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
# expect_exit CODE NAME -- COMMAND... (stdin from $IN)
expect() {
  local want=$1 name=$2; shift 2
  printf '%s' "${IN:-}" | "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else ko "$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}
has() { # has NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ok; else ko "$1: /$2/ not in $(basename "$3"): $(head -c 400 "$3")"; fi
}

IN='{"level":"L1","pain":"mechanical","bone_lesion":"lytic","alignment":"deformity","collapse":"under_50","posterolateral":"unilateral"}'
expect 0 "ok result" "$BIN" score sins
has "ok status" '"status": "ok"' "$tmp/out"
has "ok total" '"total": 13' "$tmp/out"
has "direction" '"direction": "higher_is_worse"' "$tmp/out"
has "definition" '"definition": "fisher-2010"' "$tmp/out"
has "citation" '"citation": "Fisher CG' "$tmp/out"
expect 0 "text format" "$BIN" score sins --format text
has "text table" 'posterolateral +unilateral +1' "$tmp/out"
has "text band" 'Band: unstable' "$tmp/out"
has "text source" 'Source: Fisher' "$tmp/out"
has "text caveat" 'never a diagnosis' "$tmp/out"
expect 0 "--format=text" "$BIN" score --format=text sins

printf '%s' "$IN" > "$tmp/case.json"
IN='' expect 0 "--input FILE" "$BIN" score sins --input "$tmp/case.json"
has "--input total" '"total": 13' "$tmp/out"
IN='' expect 2 "--input missing file" "$BIN" score sins --input "$tmp/nope.json"
has "missing file message" 'cannot open' "$tmp/err"

IN='{"level":"L1"}'
expect 0 "incomplete exits 0" "$BIN" score sins
has "incomplete" '"status": "incomplete"' "$tmp/out"
has "incomplete band null" '"band": null' "$tmp/out"
has "incomplete missing" '"pain"' "$tmp/out"

IN='{"level":"T7","collapse":"half"}'
expect 1 "invalid exits 1" "$BIN" score sins
has "invalid status" '"status": "invalid"' "$tmp/out"
has "invalid path" '"path": "/collapse"' "$tmp/out"
has "invalid lists allowed" 'over_50.*under_50.*body_involved_over_50.*none' "$tmp/out"

IN='{"level":"T7","pian":"none"}'
expect 1 "unknown key" "$BIN" score sins
has "unknown key path" '"path": "/pian"' "$tmp/out"
has "unknown key lists items" 'allowed items: level, location, pain' "$tmp/out"

IN='{"kps":"90"}'
expect 1 "wrong type" "$BIN" score tokuhashi_revised
has "wrong type message" 'expected an integer, got a string' "$tmp/out"

IN='{"kps":[90]}'
expect 1 "array value" "$BIN" score tokuhashi_revised
has "array message" 'got an array' "$tmp/out"

IN='{"pain":"none","pain":"none"}'
expect 1 "duplicate key" "$BIN" score sins
has "duplicate message" 'duplicate' "$tmp/out"

IN=$'{\n  "level": "T7",\n  "pain": \n}'
expect 1 "malformed JSON" "$BIN" score sins
has "malformed line" '"line": 4' "$tmp/out"
has "malformed column" '"column": 1' "$tmp/out"
has "malformed message" 'malformed JSON at line 4' "$tmp/out"

IN='[1,2]'
expect 1 "not an object" "$BIN" score sins
has "not an object message" 'expected a JSON object' "$tmp/out"

IN=''
expect 1 "empty input" "$BIN" score sins
has "empty input is malformed" 'malformed JSON' "$tmp/out"

IN='{}'
expect 0 "empty object is incomplete" "$BIN" score katagiri
has "empty object range" '"range": \[' "$tmp/out"

IN='{"albumin_g_dl": null, "modified_bauer": 3}'
expect 0 "null means unknown" "$BIN" score nesms
has "null missing" '"albumin_g_dl"' "$tmp/out"

IN=''
expect 2 "unknown instrument" "$BIN" score nosuch
has "unknown instrument lists" 'one of: sins escc' "$tmp/err"
expect 2 "no instrument" "$BIN" score
expect 2 "unknown option" "$BIN" score --bogus sins
expect 2 "bad format" "$BIN" score --format xml sins
expect 2 "no command" "$BIN"
expect 2 "unknown command" "$BIN" frobnicate
expect 0 "--help" "$BIN" --help
has "help lists score" 'score INSTRUMENT' "$tmp/out"
expect 0 "score --help" "$BIN" score --help
has "score help exit status" 'Exit status' "$tmp/out"
expect 0 "--list" "$BIN" score --list
for i in sins escc frankel asia tokuhashi_revised tomita bauer bauer_modified nesms katagiri; do
  has "--list $i" "^$i " "$tmp/out"
done
expect 0 "--items" "$BIN" score --items katagiri
has "--items lists labs" 'platelets_per_ul' "$tmp/out"
expect 0 "--version" "$BIN" --version
for d in fisher-2010 bilsky-2010 tokuhashi-2005 tomita-2001 bauer-1995 leithner-2008 ghori-2015 katagiri-2014; do
  has "--version $d" "$d" "$tmp/out"
done
# output larger than the cap is refused, not read without bound
head -c 1100000 /dev/zero | tr '\0' ' ' > "$tmp/big.json"
IN='' expect 2 "input over 1 MiB" "$BIN" score sins --input "$tmp/big.json"
has "too large message" 'larger than' "$tmp/err"
# every example scores without error
for f in examples/score/*.json; do
  inst=$(basename "$f" .json); inst=${inst%%-*}
  IN=$(cat "$f") expect 0 "example $f" "$BIN" score "$inst"
done
# man page exists and names every command
if [ -f docs/spinemets.1 ] && grep -q 'score' docs/spinemets.1; then ok; else ko "docs/spinemets.1 missing"; fi
# ---- issue 13: a UTF-8 byte order mark is skipped (as batch and validate do in CSV) ----
IN=$'\xef\xbb\xbf''{"level":"L1","pain":"mechanical","bone_lesion":"lytic","alignment":"deformity","collapse":"under_50","posterolateral":"unilateral"}'
expect 0 "BOM on stdin accepted" "$BIN" score sins
has "BOM: scored" '"status": "ok"' "$tmp/out"
printf '%s' "$IN" > "$tmp/bom.json"
IN='' expect 0 "BOM in --input FILE accepted" "$BIN" score sins --input "$tmp/bom.json"
has "BOM file: scored" '"status": "ok"' "$tmp/out"
mkdir -p "$tmp/adir"
IN='' expect 2 "directory as --input" "$BIN" score sins --input "$tmp/adir"
has "directory named alike" "cannot open '.*adir': it is a directory, not a file" "$tmp/err"
IN=''

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
