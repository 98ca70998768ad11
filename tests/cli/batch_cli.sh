#!/bin/bash
# batch_cli.sh: black-box tests of `spinemets batch` (research cohort scoring):
# golden outputs (tests/fixtures/batch), errors and exit codes, JSON Lines,
# stdin, agreement with `spinemets score`, chunk boundaries, and bounded memory
# on a generated 1,000,000-row file (peak RSS).
set -u
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
BUILD=${BUILD:-build/asan}
FIX=tests/fixtures/batch
pass=0 fail=0
tmp=$(mktemp -d); big="$BUILD/batch-test.$$"
trap 'rm -rf "$tmp" "$big"' EXIT
mkdir -p "$big"
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
# run NAME WANT_EXIT -- COMMAND... : stdout in $tmp/out, stderr in $tmp/err
run() {
  local name=$1 want=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else ko "$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}
has() { # has NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ok; else ko "$1: /$2/ not in $(basename "$3"): $(head -c 400 "$3")"; fi
}
hasnt() {
  if grep -qE -- "$2" "$3"; then ko "$1: /$2/ found in $(basename "$3")"; else ok; fi
}
same() { # same NAME EXPECTED ACTUAL
  if cmp -s "$2" "$3"; then ok; else ko "$1: output differs from $2"; diff "$2" "$3" | head -n 10; fi
}
T=tokuhashi_revised

# ---- golden outputs ----
run "basic" 0 -- "$BIN" batch "$FIX/basic.csv" --instrument $T
same "basic golden" "$FIX/basic.expected.csv" "$tmp/out"
has "summary rows" '^spinemets batch: 10 rows read$' "$tmp/err"
has "summary counts" "^  $T +5 ok +2 incomplete +3 invalid$" "$tmp/err"
has "summary names the invalid row" 'row 7: tokuhashi_revised: kps: 95 is not a step' "$tmp/err"
hasnt "no progress bar when stderr is not a terminal" $'\r' "$tmp/err"
has "empty cell: incomplete with the range" '^4,,0,1,none,breast,E,empty kps: incomplete with a range,,ge_12_months,incomplete,missing: kps; range 13-15$' "$tmp/out"
has "bad value kept with reason" '^6,95,0,1,none,breast,E,kps not a step of 10,,,invalid,kps: 95 is not a step of the scale' "$tmp/out"
has "quoted values scored" '^3,"80","1","3","unremovable","lung_nsclc","C","a ""quoted"" word",4,lt_6_months,ok,$' "$tmp/out"
run "crlf + bom" 0 -- "$BIN" batch "$FIX/crlf_bom.csv" --instrument $T
same "crlf + bom golden (both kept)" "$FIX/crlf_bom.expected.csv" "$tmp/out"
run "ragged rows kept" 0 -- "$BIN" batch "$FIX/ragged.csv" --instrument $T
same "ragged golden" "$FIX/ragged.expected.csv" "$tmp/out"
has "ragged summary" '2 malformed' "$tmp/err"
has "short row padded, row and column named" '^2,90,0,1,none,,,,,invalid,"row 3, column 6 \(""primary""\): expected 7 fields, got 5"$' "$tmp/out"
run "--map" 0 -- "$BIN" batch "$FIX/map.csv" --instrument $T --map karnofsky=kps --map site=$T.primary
same "--map golden" "$FIX/map.expected.csv" "$tmp/out"
run "--map=COLUMN=ITEM form" 0 -- "$BIN" batch "$FIX/map.csv" --instrument=$T --map=karnofsky=kps --map=site=primary
same "--map= golden" "$FIX/map.expected.csv" "$tmp/out"
run "--albumin g/L" 0 -- "$BIN" batch "$FIX/albumin_gl.csv" --instrument nesms --albumin g/L
same "--albumin g/L golden" "$FIX/albumin_gl.expected.csv" "$tmp/out"
run "albumin read as g/dL" 0 -- "$BIN" batch "$FIX/albumin_gl.csv" --instrument nesms
has "38 g/dL is out of range" '^1,2,independent,38,,,invalid,albumin_g_dl: 38 is out of range' "$tmp/out"
run "two instruments" 0 -- "$BIN" batch "$FIX/two.csv" --instrument $T,tomita
same "two instruments golden" "$FIX/two.expected.csv" "$tmp/out"
has "two instruments summary" '^  tomita +2 ok +2 incomplete +0 invalid$' "$tmp/err"
run "--instrument repeated" 0 -- "$BIN" batch "$FIX/two.csv" --instrument $T --instrument tomita
same "--instrument repeated golden" "$FIX/two.expected.csv" "$tmp/out"
run "invalid UTF-8 row kept" 0 -- "$BIN" batch "$FIX/latin1.csv" --instrument $T
same "latin1 golden" "$FIX/latin1.expected.csv" "$tmp/out"
has "latin1 reason" 'row 3, column 3 \(""primary""\): invalid UTF-8 \(byte 0xE9\)' "$tmp/out"
run "header only" 0 -- "$BIN" batch "$FIX/header_only.csv" --instrument $T
has "header only writes the header" '^id,kps,primary,frankel,tokuhashi_revised_total,tokuhashi_revised_band,tokuhashi_revised_status,tokuhashi_revised_reason$' "$tmp/out"
has "header only: 0 rows" '0 rows read' "$tmp/err"

# ---- stdin, --output, --threads ----
run "stdin" 0 -- bash -c "\"$BIN\" batch - --instrument $T < $FIX/basic.csv"
same "stdin golden" "$FIX/basic.expected.csv" "$tmp/out"
run "--output" 0 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --output "$tmp/o.csv"
same "--output golden" "$FIX/basic.expected.csv" "$tmp/o.csv"
run "-o and --threads 1" 0 -- "$BIN" batch "$FIX/basic.csv" --instrument $T -o "$tmp/o1.csv" --threads 1
same "--threads 1 golden" "$FIX/basic.expected.csv" "$tmp/o1.csv"

# ---- JSON Lines ----
run "jsonl" 0 -- "$BIN" batch "$FIX/basic.csv" --instrument $T,tomita --format jsonl
if [ "$(wc -l < "$tmp/out")" -eq 10 ]; then ok; else ko "jsonl: $(wc -l < "$tmp/out") lines, want 10"; fi
has "jsonl input columns" '^\{"id":"1","kps":"90","extraspinal_bone_metastases":"0",' "$tmp/out"
has "jsonl result object" '"tokuhashi_revised":\{"instrument":"tokuhashi_revised","definition":"tokuhashi-2005",.*"status":"ok","total":15,' "$tmp/out"
has "jsonl embedded newline escaped" '"note":"embedded\\nline break, and the primary is not a key"' "$tmp/out"
has "jsonl doubled quotes" '"note":"a \\"quoted\\" word"' "$tmp/out"
if command -v python3 >/dev/null 2>&1; then
  if python3 -c 'import json,sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert set(o["tomita"]) >= {"status", "components", "missing", "errors"}' "$tmp/out" 2>"$tmp/perr"; then ok
  else ko "jsonl: not valid JSON objects: $(head -c 300 "$tmp/perr")"; fi
fi
run "jsonl ragged" 0 -- "$BIN" batch "$FIX/ragged.csv" --instrument $T --format jsonl
has "jsonl ragged error with row" '"errors":\[\{"path":"","message":"row 4, column 8: expected 7 fields, got 8"\}\]' "$tmp/out"
run "jsonl invalid UTF-8 repaired" 0 -- "$BIN" batch "$FIX/latin1.csv" --instrument $T --format jsonl
has "jsonl U+FFFD" $'"primary":"caf\xEF\xBF\xBD"' "$tmp/out"

# ---- the same totals as `spinemets score` ----
for id in 1 2 3 9 10; do
  line=$(grep -E "^$id," "$FIX/basic.csv" | tr -d '"')
  IFS=, read -r _ kps ex vb org prim fr _ <<<"$line"
  json="{\"kps\":$kps,\"extraspinal_bone_metastases\":$ex,\"vertebral_body_metastases\":$vb,\"major_organ_metastases\":\"$org\",\"primary\":\"$prim\",\"frankel\":\"$fr\"}"
  want=$(printf '%s' "$json" | "$BIN" score $T | sed -n 's/^  "total": \([0-9]*\),*$/\1/p')
  got=$(awk -F, -v id="$id" '$1 == id' "$FIX/basic.expected.csv" | awk -F, '{print $(NF-3)}')
  if [ -n "$want" ] && [ "$want" = "$got" ]; then ok; else ko "row id $id: batch total '$got', score total '$want'"; fi
done

# ---- fatal input errors (exit 1) ----
run "unterminated quote" 1 -- "$BIN" batch "$FIX/bad_quote.csv" --instrument $T
has "unterminated: row and column" 'row 3, column 3 \("primary"\): unterminated quoted field' "$tmp/err"
has "rows before the error are written" '^1,90,breast,E,' "$tmp/out"
run "stray quote" 1 -- "$BIN" batch "$FIX/stray_quote.csv" --instrument $T
has "stray quote: row and column" "row 3, column 3 \(\"primary\"\): unexpected 'n' after the closing quote" "$tmp/err"
run "empty file" 1 -- "$BIN" batch "$FIX/empty.csv" --instrument $T
has "empty file message" 'empty \(no header row\)' "$tmp/err"
printf '\xff\xfei\x00d\x00\n\x00' > "$tmp/utf16.csv"
run "UTF-16" 1 -- "$BIN" batch "$tmp/utf16.csv" --instrument $T
has "UTF-16 message" 'UTF-16' "$tmp/err"
printf 'kps,kps\n90,80\n' > "$tmp/dup.csv"
run "duplicate header names" 1 -- "$BIN" batch "$tmp/dup.csv" --instrument $T
has "duplicate header message" "columns 1 \('kps'\) and 2 \('kps'\) both give item 'kps'" "$tmp/err"
if [ -w /dev/full ]; then
  run "write error" 1 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --output /dev/full
  has "write error message" 'cannot write the output' "$tmp/err"
fi

# ---- regressions (issue 13): an over-long record first, a NUL byte in a cell ----
{ printf 'id,kps,primary\n1,"'; head -c 1700000 /dev/zero | tr '\0' x; printf '",breast\n2,80,breast\n'; } > "$tmp/long_first.csv"
run "over-long record early: an error, not a crash" 1 -- "$BIN" batch "$tmp/long_first.csv" --instrument $T
has "over-long record message" 'row 2: record longer than the limit' "$tmp/err"
hasnt "over-long record: no sanitizer report" 'runtime error|AddressSanitizer' "$tmp/err"
printf 'id,kps,extraspinal_bone_metastases,vertebral_body_metastases,major_organ_metastases,primary,frankel\n1,80\0005,0,1,none,breast,E\n2,80,0,1,none,breast,E\n' > "$tmp/nul.csv"
run "NUL byte in a cell" 0 -- "$BIN" batch "$tmp/nul.csv" --instrument $T
has "NUL byte: row and column named" 'row 2, column 2 \(""kps""\): a NUL byte' "$tmp/out"
hasnt "NUL byte: not scored as 80" '^1,80.*,ok,' "$tmp/out"
has "NUL byte: the next row is scored" '^2,80,0,1,none,breast,E,[0-9]+,.*,ok,$' "$tmp/out"
run "NUL byte, one thread" 0 -- "$BIN" batch "$tmp/nul.csv" --instrument $T --threads 1
has "NUL byte marked invalid (1 thread)" 'a NUL byte \(0x00\)' "$tmp/err"

# ---- usage errors (exit 2) ----
run "no arguments" 2 -- "$BIN" batch
run "no instrument" 2 -- "$BIN" batch "$FIX/basic.csv"
has "no instrument lists names" '--instrument is required; one or more of: sins escc' "$tmp/err"
run "unknown instrument" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T,tokuhashi
has "unknown instrument lists names" "unknown instrument 'tokuhashi'; one of: sins escc frankel asia tokuhashi_revised tomita" "$tmp/err"
run "instrument twice" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T,$T
run "bad format" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --format xml
has "bad format message" 'csv or jsonl' "$tmp/err"
run "bad --albumin" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument nesms --albumin mmol/L
run "bad --threads" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --threads 0
run "--map without =" 2 -- "$BIN" batch "$FIX/map.csv" --instrument $T --map karnofsky
run "--map unknown column" 2 -- "$BIN" batch "$FIX/map.csv" --instrument $T --map nosuch=kps
has "--map unknown column message" "no column named 'nosuch'" "$tmp/err"
run "--map unknown item" 2 -- "$BIN" batch "$FIX/map.csv" --instrument $T --map karnofsky=karnofsky
has "--map unknown item lists items" 'tokuhashi_revised: kps ecog extraspinal_bone_metastases' "$tmp/err"
run "--map unknown instrument" 2 -- "$BIN" batch "$FIX/map.csv" --instrument $T --map karnofsky=tokuhashi.kps
run "--map onto an existing column" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --map note=kps
has "--map conflict message" "both give item 'kps'; check the --map options" "$tmp/err"
run "unknown option" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --bogus
run "option without value" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument
run "two files" 2 -- "$BIN" batch "$FIX/basic.csv" "$FIX/map.csv" --instrument $T
run "unwritable output" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T --output "$tmp/no/such/dir.csv"
has "unwritable output message" 'cannot write' "$tmp/err"
run "missing file" 2 -- "$BIN" batch "$tmp/nope.csv" --instrument $T
has "missing file message" 'cannot open' "$tmp/err"
run "--help" 0 -- "$BIN" batch --help
has "help documents the reason column" 'NAME_reason' "$tmp/out"
has "help documents exit status" 'Exit status' "$tmp/out"
run "main --help lists batch" 0 -- "$BIN" --help
has "main help" '^  batch FILE.csv' "$tmp/out"

# ---- many chunks: plain and quoted input agree, threads agree, row numbers ----
awk -v n=30000 -v seed=7 -f bench/batch/gen_cohort.awk > "$big/plain.csv"
# the same cells, every one quoted (the general RFC 4180 path), CRLF line ends
awk -F, '{ s = ""; for (i = 1; i <= NF; i++) s = s (i > 1 ? "," : "") "\"" $i "\""; printf "%s\r\n", s }' \
  "$big/plain.csv" > "$big/quoted.csv"
run "30k plain jsonl" 0 -- "$BIN" batch "$big/plain.csv" --instrument $T,tomita --format jsonl -o "$big/plain.jsonl"
run "30k quoted jsonl" 0 -- "$BIN" batch "$big/quoted.csv" --instrument $T,tomita --format jsonl -o "$big/quoted.jsonl"
same "plain and quoted input give the same results" "$big/plain.jsonl" "$big/quoted.jsonl"
# plain chunks followed by quoted ones: the same combinations reach the cache
# under both key forms (raw span and cell by cell); results must not change
awk -F, 'NR <= 15001 { print; next } { s = ""; for (i = 1; i <= NF; i++) s = s (i > 1 ? "," : "") "\"" $i "\""; print s }' \
  "$big/plain.csv" > "$big/mixed.csv"
run "30k mixed plain/quoted jsonl" 0 -- "$BIN" batch "$big/mixed.csv" --instrument $T,tomita --format jsonl -o "$big/mixed.jsonl"
same "plain then quoted chunks give the same results" "$big/plain.jsonl" "$big/mixed.jsonl"
# item columns that are not adjacent (id between them): keyed cell by cell
awk -F, 'BEGIN { OFS = "," } { t = $1; $1 = $2; $2 = t; print }' "$big/plain.csv" > "$big/apart.csv"
run "30k id between items jsonl" 0 -- "$BIN" batch "$big/apart.csv" --instrument $T --format jsonl -o "$big/apart.jsonl"
run "30k adjacent items jsonl" 0 -- "$BIN" batch "$big/plain.csv" --instrument $T --format jsonl -o "$big/adjacent.jsonl"
sed 's/^.*,"tokuhashi_revised":/{/' "$big/apart.jsonl" > "$big/apart.res"
sed 's/^.*,"tokuhashi_revised":/{/' "$big/adjacent.jsonl" > "$big/adjacent.res"
same "adjacent and separated item columns give the same results" "$big/adjacent.res" "$big/apart.res"
if head -n 1 "$big/apart.csv" | grep -q '^kps,id,extraspinal'; then ok; else ko "apart.csv header: $(head -n 1 "$big/apart.csv")"; fi
run "30k csv, 1 thread" 0 -- "$BIN" batch "$big/plain.csv" --instrument $T --threads 1 -o "$big/t1.csv"
run "30k csv, 3 threads" 0 -- "$BIN" batch "$big/plain.csv" --instrument $T --threads 3 -o "$big/t3.csv"
same "output order does not depend on threads" "$big/t1.csv" "$big/t3.csv"
if [ "$(wc -l < "$big/t1.csv")" -eq 30001 ]; then ok; else ko "30k rows: $(wc -l < "$big/t1.csv") lines out"; fi
# a ragged row deep in the file: its reason names its row (header = row 1)
awk 'NR == 25001 { print $0 ",extra"; next } { print }' "$big/plain.csv" > "$big/ragged.csv"
run "ragged row in a later chunk" 0 -- "$BIN" batch "$big/ragged.csv" --instrument $T
has "later ragged row numbered" '^P0025000,.*,invalid,"row 25001, column 8: expected 7 fields, got 8"$' "$tmp/out"
has "later ragged row in summary" '^    row 25001, column 8: expected 7 fields, got 8$' "$tmp/err"
# an unterminated quote deep in the file stops there, naming row and line
awk 'NR == 20001 { print "P9,\"80,1,1,none,breast,E"; next } { print }' "$big/plain.csv" > "$big/badq.csv"
run "fatal error in a later chunk" 1 -- "$BIN" batch "$big/badq.csv" --instrument $T
has "later fatal error row" 'row 20001, column 2 \("kps"\): unterminated quoted field' "$tmp/err"
has "rows before it written" '^P0019999,' "$tmp/out"

# ---- bounded memory: 1,000,000 rows (release build), compared with 100,000 ----
# The release binary when it is as new as the source; else the ASan one
# (leak checks off, a higher limit for its shadow memory).
REL=${SPINEMETS_RELEASE_BIN:-build/spinemets}
if [ -x "$REL" ] && [ "$REL" -nt src/research/batch.c ]; then
  MB="$REL"; limit_kb=$((64 * 1024)); what=release
else
  MB="$BIN"; limit_kb=$((128 * 1024)); what=asan
  echo "note: $REL missing or older than src/research/batch.c: memory test on $BIN (limit $((limit_kb / 1024)) MB)"
fi
peak_kb() { # peak_kb FILE: peak RSS in KiB of batch on FILE
  if [ -x /usr/bin/time ]; then
    ASAN_OPTIONS=detect_leaks=0 /usr/bin/time -f '%M' -o "$tmp/rss" \
      "$MB" batch "$1" --instrument $T -o /dev/null 2>/dev/null || { echo 0; return; }
    tail -n 1 "$tmp/rss"
  else # poll VmHWM
    ASAN_OPTIONS=detect_leaks=0 "$MB" batch "$1" --instrument $T -o /dev/null 2>/dev/null & local pid=$! hwm=0 v
    while kill -0 "$pid" 2>/dev/null; do
      v=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null); [ -n "$v" ] && hwm=$v; sleep 0.05
    done
    wait "$pid" || hwm=0
    echo "$hwm"
  fi
}
awk -v n=1000000 -v seed=11 -f bench/batch/gen_cohort.awk > "$big/m.csv"
head -n 100001 "$big/m.csv" > "$big/k.csv"
p1=$(peak_kb "$big/m.csv"); p2=$(peak_kb "$big/k.csv")
echo "peak RSS ($what): 1,000,000 rows $((p1 / 1024)) MB, 100,000 rows $((p2 / 1024)) MB ($(du -m "$big/m.csv" | cut -f1) MB of CSV)"
if [ "$p1" -gt 0 ] && [ "$p1" -lt "$limit_kb" ]; then ok; else ko "1M rows: peak RSS ${p1} KB, limit ${limit_kb} KB"; fi
# the only thing that grows with the file is the result cache, capped at 28 MiB
if [ "$p2" -gt 0 ] && [ "$p1" -lt $((p2 + 32 * 1024)) ]; then ok; else ko "peak RSS grows with the file: ${p2} KB -> ${p1} KB"; fi
run "1M rows scored" 0 -- "$MB" batch "$big/m.csv" --instrument $T -o /dev/null
has "1M rows summary" '^spinemets batch: 1000000 rows read$' "$tmp/err"
rm -f "$big/m.csv" "$big/k.csv"

# ---- issue 13: directories named alike ----
mkdir -p "$tmp/adir"
run "directory as input" 2 -- "$BIN" batch "$tmp/adir" --instrument $T
has "input directory named alike" "cannot open '.*adir': it is a directory, not a file" "$tmp/err"
run "directory as output" 2 -- "$BIN" batch "$FIX/basic.csv" --instrument $T -o "$tmp/adir"
has "output directory named alike" "cannot write '.*adir': it is a directory, not a file" "$tmp/err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
