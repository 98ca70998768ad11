#!/bin/bash
# validate_cli.sh: black-box tests of `spinemets validate`.
# Every number of --json is checked against R's survival package (tests/fixtures/*-expected.txt,
# written by tests/fixtures/make-expected.R) to 1e-6 by $BUILD/tests/validate_check: R's lung
# data (C-index of ph.karno 0.598; medians by ph.ecog 394/306/199; log-rank 22 on 3 df) and the
# synthetic cohorts with ties, heavy censoring and a plateau at 0.5. Then the error cases, the
# text report, calibration against published band figures and the HTML report.
set -u
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
BUILD=${BUILD:-$(dirname "$BIN")}
CHECK=${VALIDATE_CHECK:-$BUILD/tests/validate_check}
FX=tests/fixtures
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
expect() { # expect CODE NAME COMMAND...
  local want=$1 name=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else ko "$name: exit $rc, want $want: $(head -c 400 "$tmp/err")"; fi
}
has() { # has NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ok; else ko "$1: /$2/ not in $(basename "$3"): $(head -c 400 "$3")"; fi
}
hasnt() { # hasnt NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ko "$1: /$2/ found in $(basename "$3"): $(grep -E -- "$2" "$3" | head -3)"; else ok; fi
}
check() { # check NAME EXPECTED CHECKS...: compare $tmp/out with R
  local name=$1 exp=$2; shift 2
  if "$CHECK" "$tmp/out" "$exp" "$@" >"$tmp/check" 2>&1; then ok; echo "ok $name: $(tail -n 1 "$tmp/check")"
  else ko "$name: $(head -c 1500 "$tmp/check")"; fi
}
if [ ! -x "$CHECK" ]; then echo "validate_cli: $CHECK not built (make tests)"; echo "0 passed, 1 failed"; exit 1; fi
V() { "$BIN" validate "$@"; }

# ---- R's lung data -----------------------------------------------------------------------
L="$FX/lung.csv"; LX="$FX/lung-expected.txt"
expect 0 "lung by ph.ecog" V "$L" --time time --event status --score ph.karno --group ph.ecog --json
check "lung curves, log-rank, C of ph.karno" "$LX" groups conc:ph.karno.better
has "C of ph.karno is 0.598" '"c_index": \{"value": 0\.5977' "$tmp/out"
has "median ph.ecog 0 is 394" '"median": \{"value": 394, "lower": 340, "upper": 558\}' "$tmp/out"
has "median ph.ecog 1 is 306" '"median": \{"value": 306, "lower": 245, "upper": 426\}' "$tmp/out"
has "median ph.ecog 2 is 199" '"median": \{"value": 199, "lower": 153, "upper": 285\}' "$tmp/out"
has "log-rank 22 on 3 df" '"logrank": \{"chisq": 21\.96[0-9]*, "df": 3, "p": 0\.0000664' "$tmp/out"
has "empty score cell counted" '"missing_score": 1,' "$tmp/out"
has "empty group cell counted" '"missing_group": 1,' "$tmp/out"
has "groups in numeric order" '"groups": \[\{"group": "0".*\{"group": "1".*\{"group": "2".*\{"group": "3"' "$tmp/out"
has "note on the empty score" '1 rows without a score were left out of the C-index' "$tmp/out"
expect 0 "lung at R's times" V "$L" --time time --event status --score ph.karno --group ph.ecog --json --no-km \
  --at 0,5,30,180,365,394,730,1000,1022,1100
check "lung curves read at times (summary.survfit)" "$LX" at
hasnt "--no-km leaves the rows out" '"km": \[' "$tmp/out"
for sc in age wt.loss pat.karno meal.cal ph.ecog; do
  expect 0 "lung C of $sc" V "$L" --time time --event status --score "$sc" --group ph.ecog --json --no-km
  check "lung C of $sc, higher is better" "$LX" conc:$sc.better
  expect 0 "lung C of $sc, reversed" V "$L" --time time --event status --score "$sc" --group ph.ecog --json --no-km \
    --direction higher_is_worse
  check "lung C of $sc, higher is worse" "$LX" conc:$sc.worse
done
# time in days: survival_at 3/6/12/24 are months (x 30.4375 days), read off R's own curves
expect 0 "lung in days" V "$L" --time time --event status --score ph.karno --group ph.ecog --json --time-unit days
check "lung survival at 3/6/12/24 months" "$LX" groups
has "months in days" '"12": \{"time": 365\.25,' "$tmp/out"
has "unit named" '"survival_at_unit": "months"' "$tmp/out"
# grouping by the score's own values without --group
expect 0 "lung by ph.karno values" V "$L" --time time --event status --score ph.karno --json --no-km
has "grouped by score values" '"grouping": "score"' "$tmp/out"
has "score groups sorted" '"group": "50".*"group": "60".*"group": "70".*"group": "80".*"group": "90".*"group": "100"' \
  "$(tr -d '\n' <"$tmp/out" >"$tmp/flat"; echo "$tmp/flat")"
check "lung C by score grouping" "$LX" conc:ph.karno.better
expect 0 "lung C of meal.cal grouped by its 61 values" V "$L" --time time --event status --score meal.cal --json --no-km
check "C of meal.cal by score grouping" "$LX" conc:meal.cal.better
awk -F, 'NR == 1 { print $0 ",cont" } NR > 1 { print $0 "," NR * 1.5 }' "$L" >"$tmp/cont.csv"
expect 0 "a continuous score has too many values to group" V "$tmp/cont.csv" --time time --event status --score cont --json --no-km
has "no grouping" '"grouping": "none"' "$tmp/out"
has "no log-rank" '"logrank": null' "$tmp/out"
has "says why" 'more than 64 distinct values' "$tmp/out"
has "still a C-index" '"c_index": \{"value": 0\.' "$tmp/out"

# ---- synthetic cohorts: ties, heavy censoring, plateau at 0.5 ------------------------------
for c in ties censored plateau; do
  X="$FX/$c-expected.txt"
  times=$(grep '^spec.times' "$X" | cut -d' ' -f2- | tr ' ' ,)
  expect 0 "$c" V "$FX/$c.csv" --time time --event status --score score --group group --json
  check "$c curves, log-rank, C" "$X" groups conc:score.better
  expect 0 "$c reversed, at times" V "$FX/$c.csv" --time time --event status --score score --group group --json \
    --direction higher_is_worse --at "$times"
  check "$c curves at times, C reversed" "$X" at conc:score.worse
done
expect 0 "censored" V "$FX/censored.csv" --time time --event status --score score --group group --json
has "not reached is null" '"median": \{"value": null, "lower": null, "upper": null\}' "$tmp/out"
expect 0 "plateau" V "$FX/plateau.csv" --time time --event status --score score --group group --json
has "plateau median midpoint 3.5" '"median": \{"value": 3\.5, "lower": 1, "upper": null\}' "$tmp/out"

# ---- text report ---------------------------------------------------------------------------
expect 0 "text report" V "$L" --time time --event status --score ph.karno --group ph.ecog
has "text medians" '^  0 +63 +37 +394 \(340-558\)' "$tmp/out"
has "text log-rank" 'chi-square 21\.96 on 3 df' "$tmp/out"
has "text C" "Harrell's C of ph.karno: 0\.5978" "$tmp/out"
has "text at-risk table" '^Number at risk' "$tmp/out"
has "text exclusions" "1 rows without a group" "$tmp/out"
expect 0 "help" V --help
has "help names --time-unit" 'time-unit' "$tmp/out"
expect 0 "listed in the main help" "$BIN" --help
has "main help" 'validate FILE.csv' "$tmp/out"

# ---- errors --------------------------------------------------------------------------------
expect 2 "no such column" V "$L" --time days --event status --score ph.karno
has "names the column" "no column 'days' \(--time\)" "$tmp/err"
has "lists the columns" "the columns of .*: 'inst', 'time', 'status', 'age', 'sex', 'ph.ecog', 'ph.karno'" "$tmp/err"
expect 2 "two missing columns" V "$L" --time time --event dead --score kps
has "both named" "no column 'dead'" "$tmp/err"
has "both named (2)" "no column 'kps'" "$tmp/err"
printf 'time,event,score\n10,1,3\n12,0,4\n1x,1,5\n' >"$tmp/bad.csv"
expect 1 "bad number" V "$tmp/bad.csv" --time time --event event --score score
has "row and column of a bad number" "row 4, column 1 \('time'\): '1x' is not a number" "$tmp/err"
printf 'time,event,score\n10,1,3\n12,2,4\n' >"$tmp/bad2.csv"
expect 1 "event not 0/1" V "$tmp/bad2.csv" --time time --event event --score score
has "event message" "row 3, column 2 \('event'\): event '2' must be 1 \(event\) or 0 \(censored\)" "$tmp/err"
printf 'time,event,score\n10,1,3\n-2,0,4\n' >"$tmp/bad3.csv"
expect 1 "negative time" V "$tmp/bad3.csv" --time time --event event --score score
has "negative time message" "row 3, column 1 \('time'\): time '-2' must be 0 or more" "$tmp/err"
printf 'time,event,score\n10,1,3\n12,0,abc\n' >"$tmp/bad4.csv"
expect 1 "bad score" V "$tmp/bad4.csv" --time time --event event --score score
has "bad score message" "row 3, column 3 \('score'\): 'abc' is not a number" "$tmp/err"
printf 'time,event,score\n10,1,3\n12,0\n' >"$tmp/ragged.csv"
expect 1 "ragged row" V "$tmp/ragged.csv" --time time --event event --score score
has "ragged message" "row 3" "$tmp/err"
printf 'time,event,score\n10,1,3\n1x,1,5\n14,0,4\n,1,2\n15,,2\n16,1,\n17,1,NA\n9,0,2\n' >"$tmp/skip.csv"
expect 0 "--skip-invalid" V "$tmp/skip.csv" --time time --event event --score score --skip-invalid --json
has "invalid counted" '"excluded": \{"missing_time": 1, "missing_event": 1, "invalid": 1\}' "$tmp/out"
has "missing score counted" '"missing_score": 2,' "$tmp/out"
has "n after exclusions" '"n": 5,' "$tmp/out"
has "first invalid named" "skipped \(--skip-invalid\); the first: row 3, column 1 \('time'\)" "$tmp/out"
expect 0 "--skip-invalid ragged" V "$tmp/ragged.csv" --time time --event event --score score --skip-invalid --json
has "ragged counted" '"invalid": 1\}' "$tmp/out"
expect 2 "unknown instrument" V "$L" --time time --event status --score ph.karno --instrument karnofsky
has "lists instruments" 'unknown instrument .* katagiri' "$tmp/err"
expect 2 "grade refused" V "$L" --time time --event status --score ph.ecog --instrument escc
expect 2 "bad direction" V "$L" --time time --event status --score ph.karno --direction up
expect 2 "bad time unit" V "$L" --time time --event status --score ph.karno --time-unit fortnights
expect 2 "missing file" V "$tmp/nope.csv" --time time --event status --score ph.karno
expect 2 "no --time" V "$L" --event status --score ph.karno
expect 2 "unknown option" V "$L" --time time --event status --score ph.karno --frobnicate
printf 'time,event\n' >"$tmp/empty.csv"
expect 1 "no rows" V "$tmp/empty.csv" --time time --event event --group event

# ---- an instrument: bands, direction, calibration -------------------------------------------
# a deterministic synthetic Katagiri cohort in days (totals 0-10, higher = shorter survival)
awk 'BEGIN { srand(7); print "id,days,dead,katagiri";
  for (i = 1; i <= 600; i++) { k = int(rand() * 11); m = 60 * exp(-0.3 * k);
    t = int(-log(1 - rand()) * m * 30.4375) + 1; c = int(rand() * 1500) + 30;
    if (t <= c) print i "," t ",1," k; else print i "," c ",0," k } }' >"$tmp/kat.csv"
expect 0 "katagiri bands" V "$tmp/kat.csv" --time days --event dead --score katagiri --instrument katagiri \
  --time-unit days --json --report "$tmp/kat.html"
has "grouped by bands" '"grouping": "bands"' "$tmp/out"
has "band keys in order" '"group": "low".*' "$tmp/out"
has "direction from the instrument" '"direction": "higher_is_worse", "direction_source": "instrument"' "$tmp/out"
has "C above 0.5 for a risk score" '"c_index": \{"value": 0\.[6-9]' "$tmp/out"
has "calibration row low 12 months 91%" '"band": "low", "range": \[0, 3\].*"months": 12, "published": 0\.91, "tag": "V"' "$tmp/out"
has "calibration row high 6 months 27%" '"band": "high", "range": \[7, 10\].*"months": 6, "published": 0\.27' "$tmp/out"
hasnt "no unverified figure (4-6 at 1 year)" '"band": "intermediate".*"months": 12' "$tmp/out"
has "observed beside published" '"observed": \{"time": 365\.25, "available": true' "$tmp/out"
has "katagiri note" 'only the band figures REFERENCE' "$tmp/out"
expect 1 "total out of range" V "$FX/lung.csv" --time time --event status --score ph.karno --instrument katagiri
has "not a total" "'90' is not a total of katagiri \(an integer from 0 to 10\)" "$tmp/err"
expect 2 "direction contradicting the instrument" V "$tmp/kat.csv" --time days --event dead --score katagiri \
  --instrument katagiri --direction higher_is_better
expect 0 "calibration needs a time unit" V "$tmp/kat.csv" --time days --event dead --score katagiri --instrument katagiri --json
has "asks for --time-unit" 'give --time-unit' "$tmp/out"
has "no calibration rows" '"rows": \[\]' "$tmp/out"
awk -F, 'NR == 1 { print "id,days,dead,tomita"; next } { print $1 "," $2 "," $3 "," ($4 % 9) + 2 }' "$tmp/kat.csv" >"$tmp/tom.csv"
expect 0 "tomita" V "$tmp/tom.csv" --time days --event dead --score tomita --instrument tomita --time-unit days --json
has "tomita: no survival shown" 'survival per band is not verified and must not be displayed' "$tmp/out"
has "tomita: no rows" '"rows": \[\]' "$tmp/out"
expect 0 "tokuhashi" V "$tmp/kat.csv" --time days --event dead --score katagiri --instrument tokuhashi_revised \
  --time-unit days --json
has "tokuhashi predictions" '"band": "lt_6_months", .*"kind": "survival_shorter_than", "months": 6' "$tmp/out"
expect 0 "katagiri with a group column" V "$tmp/kat.csv" --time days --event dead --score katagiri \
  --instrument katagiri --group dead --time-unit days --json --no-km
has "calibration still by band" '"band": "low", "range": \[0, 3\]' "$tmp/out"
expect 0 "katagiri text" V "$tmp/kat.csv" --time days --event dead --score katagiri --instrument katagiri --time-unit days
has "text calibration" '^Calibration' "$tmp/out"
has "text band rows" '^  low ' "$tmp/out"

# ---- the HTML report ------------------------------------------------------------------------
R="$tmp/kat.html"
if [ -s "$R" ]; then ok; else ko "report written"; fi
has "html document" '^<!DOCTYPE html>' "$R"
has "html closed" '</html>' "$R"
has "inline svg" '<svg ' "$R"
has "svg title" '<title id="km-title">' "$R"
has "svg desc" '<desc id="km-desc">' "$R"
has "svg curves" 'stroke="#0072B2"' "$R"
has "at-risk table" 'Number at risk' "$R"
has "calibration table" 'Calibration against published figures' "$R"
has "calibration cites" 'Katagiri 2014, REFERENCE §6.6, §14' "$R"
has "method notes" 'infinitesimal jackknife' "$R"
has "greenwood" 'Greenwood' "$R"
hasnt "self-contained: no http" 'https?://' "$R"
hasnt "no script" '<script' "$R"
hasnt "no external link or src" ' (src|href)=' "$R"
printf 'time,event,score,grp\n10,1,3,<b>&\n12,0,4,<b>&\n5,1,2,x\n' >"$tmp/esc.csv"
expect 0 "escaping" V "$tmp/esc.csv" --time time --event event --score score --group grp --report "$tmp/esc.html"
hasnt "group values escaped" '<b>&' "$tmp/esc.html"
has "escaped form" '&lt;b&gt;&amp;' "$tmp/esc.html"
expect 0 "lung report" V "$L" --time time --event status --score ph.karno --group ph.ecog --report "$tmp/lung.html"
has "lung report svg" '<svg ' "$tmp/lung.html"
hasnt "lung report self-contained" 'https?://' "$tmp/lung.html"
expect 2 "report to a bad path" V "$L" --time time --event status --score ph.karno --report "$tmp/no/such/dir/r.html"

# ---- numbers: fast path and the rest ------------------------------------------------------------
printf 'time,event,score\n1e1,1,3.25\n 12.5 ,0,+4\n0.000123456789012345678,1,1E-2\n123456789012345678901,0,2\n7.,1,.5\n' >"$tmp/num.csv"
expect 0 "number forms" V "$tmp/num.csv" --time time --event event --score score --json --at 0.0001,10,12.5
has "1e1 read as 10" '"10": \{"time": 10, "available": true, "survival": 0\.4,' "$tmp/out"
has "long decimals" '"lower": 0\.00012345678901234567,' "$tmp/out"
has "n 5" '"n": 5,' "$tmp/out"
printf 'time,event,score\n1e,1,3\n' >"$tmp/num2.csv"
expect 1 "bad exponent" V "$tmp/num2.csv" --time time --event event --score score
printf 'time,event,score\ninf,1,3\n' >"$tmp/num3.csv"
expect 1 "inf refused" V "$tmp/num3.csv" --time time --event event --score score

# ---- issue 13: every patient censored; --report unwritable; a directory ----
printf 'time,event,score\n1,0,3\n2,0,5\n3,0,4\n4,0,2\n' >"$tmp/cens.csv"
expect 0 "all censored" V "$tmp/cens.csv" --time time --event event --score score
hasnt "all censored: no nan" '\bnan\b' "$tmp/out"
has "all censored: log-rank not estimable" 'Log-rank test: not estimable \(.*every patient is censored\)' "$tmp/out"
has "all censored: C not estimable" "Harrell's C of score: not estimable \(no comparable pair: every patient is censored\)" "$tmp/out"
expect 0 "all censored, HTML report" V "$tmp/cens.csv" --time time --event event --score score --report "$tmp/cens.html"
hasnt "all censored report: no nan" '\bnan\b' "$tmp/cens.html"
has "all censored report: not estimable" 'not estimable' "$tmp/cens.html"
expect 2 "--report unwritable" V "$tmp/cens.csv" --time time --event event --score score --report "$tmp/no/such/dir/r.html"
if [ -s "$tmp/out" ]; then ko "--report unwritable: the report was printed first"; else ok; fi
has "--report unwritable: named" "cannot write '.*r.html'" "$tmp/err"
mkdir -p "$tmp/adir"
expect 2 "--report to a directory" V "$tmp/cens.csv" --time time --event event --score score --report "$tmp/adir"
has "--report directory named alike" "it is a directory, not a file" "$tmp/err"
expect 2 "directory as the CSV" V "$tmp/adir" --time time --event event --score score
has "CSV directory named alike" "cannot open '.*adir': it is a directory, not a file" "$tmp/err"

# ---- issue 13: a UTF-8 byte order mark is skipped, as by score, assess and batch ----
printf '\xef\xbb\xbftime,event,score\n1,1,3\n2,0,5\n3,1,4\n4,1,2\n' >"$tmp/bom.csv"
printf 'time,event,score\n1,1,3\n2,0,5\n3,1,4\n4,1,2\n' >"$tmp/nobom.csv"
expect 0 "BOM before the header" V "$tmp/bom.csv" --time time --event event --score score --json
cp "$tmp/out" "$tmp/bom.json"
expect 0 "the same file without a BOM" V "$tmp/nobom.csv" --time time --event event --score score --json
if cmp -s <(grep -v '"source"\|"file"\|seconds' "$tmp/bom.json") <(grep -v '"source"\|"file"\|seconds' "$tmp/out"); then ok; else ko "BOM: the result differs from the file without one"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
