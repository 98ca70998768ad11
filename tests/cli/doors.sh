#!/bin/bash
# doors.sh: the lists the doors take from the core tables are current
# (tools/gen_doors.c; regenerate with `make doors`): web/gen-vocab.json, the
# enums of src/http/openapi.json and the instrument table of
# docs/instruments.md; and they agree with what the program itself says.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/asan}
BIN=${SPINEMETS_BIN:-$BUILD/spinemets}
GEN=$BUILD/tools/gen_doors
pass=0 fail=0
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -x "$GEN" ]; then echo "FAIL $GEN not built (make tests)"; echo "0 passed, 1 failed"; exit 1; fi

# ---- staleness: each checked-in file is exactly the generator's output ----
fresh() { # fresh NAME FILE COMMAND...
  local name=$1 file=$2; shift 2
  if "$@" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$file"; then ok; else
    ko "$file is stale (or $name failed: $(head -c 200 "$tmp/err")): run 'make doors'"
    diff "$file" "$tmp/out" | head -n 10
  fi
}
fresh vocab-json web/gen-vocab.json "$GEN" vocab-json
fresh openapi src/http/openapi.json "$GEN" openapi src/http/openapi.json
fresh instruments-md docs/instruments.md "$GEN" instruments-md docs/instruments.md

# ---- the generated lists say what the program says ----
# every instrument of `spinemets score --list`, in order, in the page's data and the OpenAPI enum
want=$("$BIN" score --list | grep -E '^[^ ]' | awk '{print $1}' | tr '\n' ' ')
got=$(jq -r '.instruments | join(" ")' web/gen-vocab.json 2>/dev/null)" "
if [ "$got" = "$want" ]; then ok; else ko "gen-vocab instruments '$got' != score --list '$want'"; fi
got=$(jq -r '.paths["/api/v1/score/{instrument}"].post.parameters[0].schema.enum | join(" ")' src/http/openapi.json)" "
if [ "$got" = "$want" ]; then ok; else ko "openapi instrument enum '$got' != score --list '$want'"; fi
for i in $want; do
  if grep -qF "| \`$i\` |" docs/instruments.md; then ok; else ko "docs/instruments.md has no row for $i"; fi
done
# the --help texts list them from the same table
for cmd in score batch; do
  h=$("$BIN" $cmd --help | sed -n '/^Instruments:/,/^$/p' | sed 's/^Instruments://' | xargs)
  if [ "$h" = "$(xargs <<<"$want")" ]; then ok; else ko "$cmd --help lists '$h', score --list '$want'"; fi
done
# the prognostic instruments are the adult scores of an assessment
ex=$(ls examples/cases/*.json | head -n 1)
scores=$("$BIN" assess --json "$ex" | jq -r '.scores | keys_unsorted | map(select(. != "computed" and . != "reason")) | join(" ")')
prog=$(jq -r '.prognostic_instruments | join(" ")' web/gen-vocab.json)
if [ -n "$scores" ] && [ "$scores" = "$prog" ]; then ok; else ko "prognostic instruments '$prog' != the scores of assess '$scores'"; fi
# every histology key is accepted as a case's primary
for k in $(jq -r '.histology[].key' web/gen-vocab.json); do
  printf '{"schema":"spinemets/case/1","cancer":{"history":"known","primary":"%s"}}' "$k" >"$tmp/c.json"
  "$BIN" assess --json "$tmp/c.json" >/dev/null 2>&1 || { ko "histology key $k refused by assess"; continue; }
  ok
done
# the vocabularies are the words the case parser takes: a bad word's error lists them
msg=$(printf '{"schema":"spinemets/case/1","patient":{"sex":"x"}}' | "$BIN" assess --json - 2>&1)
for w in $(jq -r '.vocab.sex[]' web/gen-vocab.json); do
  if grep -q "\\\\\"$w\\\\\"\|\"$w\"" <<<"$msg"; then ok; else ko "sex word $w not in the parser's error: $msg"; fi
done

# ---- test the test: a stale enum is put back, a foreign one is caught ----
jq -r '.' src/http/openapi.json >/dev/null 2>&1 || ko "openapi.json is not JSON"
sed 's/^        "katagiri"$/        "katagiri_old"/' src/http/openapi.json >"$tmp/stale.json"
if cmp -s "$tmp/stale.json" src/http/openapi.json; then ko "test bug: the stale copy did not change"; else ok; fi
"$GEN" openapi "$tmp/stale.json" >"$tmp/fixed.json" 2>"$tmp/err"
if cmp -s "$tmp/fixed.json" src/http/openapi.json; then ok; else ko "gen_doors openapi does not restore a stale enum"; fi
sed 's/<!-- END generated: instruments -->/x/' docs/instruments.md >"$tmp/nomark.md"
if "$GEN" instruments-md "$tmp/nomark.md" >/dev/null 2>&1; then ko "gen_doors accepts a document without its markers"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
