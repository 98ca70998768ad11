#!/bin/bash
# rule_ids.sh: every decision rule id is named by at least one test: a unit
# test (tests/unit/*.c, as "ID", e.g. assert_fired(a, "TRIAGE-1")) or a golden
# vector (tests/vectors/*.jsonl, $SHARED/clinical/vectors/*.jsonl). The ids
# come from the rule table itself (`spinemets rules`, one rule per line that
# does not start with a space) and from every X-macro rule list in src/core
# (X(R_NAME, "ID", ...)), so rules added later are checked without editing
# this file. The missing ones are listed.
set -u
cd "$(dirname "$0")/../.."
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
SHARED=${SHARED:-../shared}
pass=0 fail=0
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }

# Rules no decision fires yet, with the reason; listed so the gap is visible.
# An entry that a test names (or that leaves the table) must be removed.
UNFIRED=(
  # rules.h defines it, but src/core/assess.c never fires it: best supportive
  # care is given under NOMS-OPT-5 (radioresistant, unfit) and NOMS-OPT-8
  # (unstable, unfit) instead. To wire or drop with the rules work of issue #11.
  "NOMS-OPT-13"
)

# Ids merged from another branch before a test names them (issue #11, REFERENCE
# §15: their authors name them). Listed so that `make check` stays green while
# the gap is printed; an entry that a test names is reported (remove it), not
# failed, so the two branches can merge in either order.
PENDING=(
)

ids=$({ "$BIN" rules | grep -E '^[^ ]' | awk '{print $1}'
        grep -hoE 'X\(R_[A-Z0-9_]+, *"[^"]+"' src/core/*.h | sed -E 's/.*"([^"]+)"/\1/'; } | sort -u)
n=$(wc -w <<<"$ids")
if [ "$n" -ge 10 ]; then ok; else ko "only $n rule ids found (spinemets rules at $BIN?)"; fi

files=(tests/unit/*.c)
for f in tests/vectors/*.jsonl "$SHARED"/clinical/vectors/*.jsonl; do [ -f "$f" ] && files+=("$f"); done

# missing ID...: the ids that no test file names
missing() {
  local id
  for id in "$@"; do
    grep -qF -- "\"$id\"" "${files[@]}" || echo "$id"
  done
}

miss=$(missing $ids)
unexpected="" pending=""
for id in $miss; do
  skip=0
  for u in "${UNFIRED[@]}"; do [ "$u" = "$id" ] && skip=1; done
  for u in "${PENDING[@]}"; do [ "$u" = "$id" ] && skip=2; done
  [ $skip -eq 0 ] && unexpected="$unexpected $id"
  [ $skip -eq 2 ] && pending="$pending $id"
done
[ -z "$pending" ] || echo "note: $(wc -w <<<"$pending") rule ids still pending a test (PENDING):$pending"
for u in "${PENDING[@]}"; do
  grep -qx -- "$u" <<<"$miss" || echo "note: PENDING entry $u is now named by a test (or gone): remove it"
done
if [ -z "$unexpected" ]; then ok; else
  ko "rule ids named by no unit test or vector:$unexpected"
  echo "  (name each in a test that makes it fire: assert_fired(a, \"ID\") in tests/unit/, or a vector's includes)"
fi
for u in "${UNFIRED[@]}"; do
  if ! grep -qx -- "$u" <<<"$ids"; then ko "UNFIRED entry $u is no longer a rule id: remove it"
  elif ! grep -qx -- "$u" <<<"$miss"; then ko "UNFIRED entry $u is now named by a test: remove it from UNFIRED"
  else ok; fi
done

# test the test on a file of its own: an id nobody names is reported, a named
# one is not, and "ZZ-10" does not count as naming "ZZ-1"
tmpf=$(mktemp)
trap 'rm -f "$tmpf"' EXIT
printf 'assert_fired(a, "ZZ-10");\n' >"$tmpf"
files=("$tmpf")
probe=$(missing "ZZ-1" "ZZ-10" "ZZ-2" | tr '\n' ' ')
if [ "$probe" = "ZZ-1 ZZ-2 " ]; then ok; else ko "the check does not single out the unnamed ids (got: $probe)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
