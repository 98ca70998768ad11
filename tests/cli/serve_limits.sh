#!/bin/bash
# serve_limits.sh: every limit of `spinemets serve` (the table in
# src/http/limits.c, as `serve --help` lists it) is documented with its default
# in docs/spinemets.1 and README.md; a value out of range is refused with exit
# status 2 and a message naming the option and its range.
set -u
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
pass=0 fail=0
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
help=$("$BIN" serve --help)
n=0
while read -r opt dflt; do
  n=$((n+1))
  man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  if grep -q -- "^\.BI $man_opt " docs/spinemets.1 && \
     sed -n "/^\.BI $man_opt /,/^\.TP/p" docs/spinemets.1 | grep -q "default $dflt\b"; then ok
  else ko "docs/spinemets.1 does not document $opt with its default $dflt"; fi
  if grep -q -- "\`$opt $dflt\`" README.md || grep -q -- "\`$opt\`" README.md; then ok
  else ko "README.md does not mention $opt"; fi
done < <(printf '%s\n' "$help" | sed -n 's/^  \(--[a-z-]*\) [NS] *(default \([0-9]*\).*/\1 \2/p')
if [ "$n" -ge 10 ]; then ok; else ko "serve --help lists $n limits, expected the whole table"; fi
out=$("$BIN" serve --per-address 0 --db sqlite:/nonexistent/x.db 2>&1); rc=$?
if [ "$rc" -eq 2 ] && printf '%s' "$out" | grep -q -- "--per-address needs a whole number from 1 to"; then ok
else ko "--per-address 0: exit $rc, want 2 with the range: $out"; fi
out=$("$BIN" serve --request-deadline 1x 2>&1); rc=$?
if [ "$rc" -eq 2 ] && printf '%s' "$out" | grep -q -- "--request-deadline needs"; then ok
else ko "--request-deadline 1x: exit $rc, want 2: $out"; fi
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
out=$("$BIN" serve --listen 127.0.0.1:0 --db "sqlite:$d/r.db" --max-connections 10 --auth-reserve 10 2>&1); rc=$?
if [ "$rc" -eq 2 ] && printf '%s' "$out" | grep -q -- "--auth-reserve (10) must be below --max-connections (10)"; then ok
else ko "--auth-reserve = --max-connections: exit $rc, want 2: $out"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
