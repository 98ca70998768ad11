#!/bin/bash
# tests/fhir/run.sh: FHIR import (`spinemets fhir import`) and export
# (`spinemets assess --fhir`) on hand-made Bundles (docs/fhir.md): case fields
# and their provenance, codes and units the tables do not know reported (never
# guessed), bad Bundles refused with the JSON path, the imported case assessed
# (round trip), and the structure of the exported Bundle (resource types,
# required elements, every reference resolving inside the Bundle).
set -u
cd "$(dirname "$0")/../.."
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
D=tests/fhir/bundles
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
# run WANT NAME ARGS... (stdin from $IN when set): output in $tmp/out, $tmp/err
run() {
  local want=$1 name=$2; shift 2
  if [ -n "${IN+x}" ]; then printf '%s' "$IN" | "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
  else "$BIN" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; fi
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else ko "$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
  if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/err"; then ko "$name: sanitizer report"; fi
}
# is NAME JQ-EXPR EXPECTED FILE: jq -c result equals EXPECTED
is() {
  local got; got=$(jq -c "$2" "$4" 2>&1)
  if [ "$got" = "$3" ]; then ok; else ko "$1: $2 = $got, want $3"; fi
}

# ---- full.json: Patient, primary (SNOMED), metastases (SNOMED bodySite, ICD-10-CM, WHO ICD-10), labs ----
run 0 "import full" fhir import --at 2026-12-04 $D/full.json
cp "$tmp/out" "$tmp/full.json"; F="$tmp/full.json"
is "status" '.status' '"ok"' "$F"
is "age from birthDate at --at" '.case.patient.age_years' '66' "$F"
is "sex" '.case.patient.sex' '"female"' "$F"
is "primary SNOMED -> breast" '.case.cancer.primary' '"breast"' "$F"
is "history" '.case.cancer.history' '"known"' "$F"
is "tissue from verificationStatus" '.case.cancer.tissue_confirmed' 'true' "$F"
is "months since onset" '.case.cancer.months_since_diagnosis' '24' "$F"
is "vertebral levels -> lesions" '[.case.lesions[].level]' '["T7","L1"]' "$F"
is "other bone site counted" '.case.systemic.extraspinal_bone_metastases' '1' "$F"
is "ICD-10-CM C78.7 -> visceral" '.case.systemic.visceral_metastases' '"present"' "$F"
is "WHO ICD-10 C79.3 -> brain" '.case.systemic.brain_metastases' 'true' "$F"
is "latest ECOG wins" '.case.performance.ecog' '2' "$F"
is "ECOG provenance" '[.provenance[] | select(.path=="/performance/ecog") | .from]' '["Observation/ecog-new"]' "$F"
is "older ECOG reported" '[.ignored[] | select(.from=="Observation/ecog-old") | .reason]' '["superseded by a later observation"]' "$F"
is "KPS" '.case.performance.kps' '70' "$F"
is "CRP mg/L -> mg/dL" '.case.systemic.labs.crp_mg_dl' '2.5' "$F"
is "albumin g/L -> g/dL" '.case.systemic.labs.albumin_g_dl' '3.4' "$F"
is "calcium mmol/L -> mg/dL" '.case.systemic.labs.calcium_mg_dl' '10.421' "$F"
is "LDH in ukat/L not converted" '.case.systemic.labs.ldh_iu_l' 'null' "$F"
is "LDH unit reported" '[.ignored[] | select(.from=="Observation/ldh-bad-unit") | .reason | test("ukat/L.*not guessed")]' '[true]' "$F"
is "observation after --at not read" '.case.systemic.labs.platelets_per_ul' 'null' "$F"
is "future observation reported" '[.ignored[] | select(.from=="Observation/platelets-future") | .element]' '["effectiveDateTime"]' "$F"
is "unknown body site reported" '[.ignored[] | select(.element=="bodySite[3]") | .reason | test("999999999")]' '[true]' "$F"
is "non-cancer condition reported" '[.ignored[] | select(.from=="Condition/diabetes") | .element]' '["code"]' "$F"
is "unknown resource type reported" '[.ignored[] | select(.from=="Spaceship/x1") | .reason | test("not read")]' '[true]' "$F"
is "unused resource type reported" '[.ignored[] | select(.from=="MedicationAdministration/dex")] | length' '1' "$F"
is "non-object entry reported" '[.ignored[] | select(.entry=="/entry/16") | .element]' '["resource"]' "$F"
is "provenance entry points into the Bundle" '[.provenance[] | select(.path=="/cancer/primary") | .entry]' '["/entry/0"]' "$F"
# every provenance path holds its value in the case, and every case value has a provenance row
is "provenance paths resolve" '[.provenance[] as $p | (.case | getpath($p.path | ltrimstr("/") | split("/") | map(tonumber? // .))) == $p.value] | all' 'true' "$F"
is "every case value has provenance" '([.case | paths(scalars) | map(tostring) | "/" + join("/")] - ["/schema"] | sort) == ([.provenance[].path] | sort)' 'true' "$F"
run 0 "age the day before the birthday" fhir import --at 2026-06-14 $D/full.json
is "age 65 before birthday" '.case.patient.age_years' '65' "$tmp/out"
is "no ECOG before the first one" '.case.performance.ecog' 'null' "$tmp/out"
run 0 "import at 2026-10-15" fhir import --at 2026-10-15 $D/full.json
is "ECOG as of an earlier --at" '.case.performance.ecog' '1' "$tmp/out"

# ---- ecog5.json: ECOG 5, unknown primary code, child, Lansky, refuted, out-of-range lab ----
run 0 "import ecog5" fhir import --at 2026-12-04 $D/ecog5.json
cp "$tmp/out" "$tmp/e5.json"; E="$tmp/e5.json"
is "ECOG 5 not imported" '.case.performance.ecog' 'null' "$E"
is "ECOG 5 reported" '[.ignored[] | select(.from=="Observation/e5") | .reason | test("ECOG 5")]' '[true]' "$E"
is "child age" '.case.patient.age_years' '6' "$E"
is "Lansky (NCIt C38144)" '.case.performance.lansky' '60' "$E"
is "unknown primary code: primary left out" '.case.cancer.primary' 'null' "$E"
is "unknown primary code reported" '[.ignored[] | select(.from=="Condition/nb") | .reason | test("87364003.*not guessed")]' '[true]' "$E"
is "provisional -> suspected" '.case.cancer.history' '"suspected"' "$E"
is "provisional -> not tissue-confirmed" '.case.cancer.tissue_confirmed' 'false' "$E"
is "refuted condition not read" '[.ignored[] | select(.from=="Condition/c2") | .element]' '["verificationStatus"]' "$E"
is "gender unknown reported" '[.ignored[] | select(.from=="Patient/p") | .element]' '["gender"]' "$E"
is "second patient reported" '[.ignored[] | select(.from=="Patient/p2")] | length' '1' "$E"
is "bilirubin umol/L -> mg/dL" '.case.systemic.labs.bilirubin_mg_dl' '2' "$E"
is "out-of-range CRP refused by the case parser" '[.case.systemic.labs.crp_mg_dl, ([.ignored[] | select(.from=="Observation/crp-huge") | .reason | test("from 0 to 100")])]' '[null,[true]]' "$E"

# ---- ICD-10 codes: dotted and undotted, CM sub-codes, an unknown category ----
icd() { # icd SYSTEM CODE -> the primary key imported (or null)
  IN="{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c\",\"code\":{\"coding\":[{\"system\":\"$1\",\"code\":\"$2\"}]}}}]}"
  run 0 "import ICD $2" fhir import --at 2026-12-04 -; unset IN
}
for pair in C61:prostate C349:lung C34.90:lung C90.00:myeloma C90.3:plasmacytoma C7A.0:neuroendocrine C80.1:unknown; do
  icd http://hl7.org/fhir/sid/icd-10-cm "${pair%%:*}"
  is "ICD-10-CM ${pair%%:*}" '.case.cancer.primary' "\"${pair#*:}\"" "$tmp/out"
done
for code in C99 C90.1 C4 X; do
  icd http://hl7.org/fhir/sid/icd-10 "$code"
  is "ICD-10 $code not guessed" '[.case.cancer.primary, (.ignored | length)]' '[null,1]' "$tmp/out"
done
icd http://example.org/local C50
is "unknown system not read" '.case.cancer' 'null' "$tmp/out"

# ---- bad Bundles: clear errors with the JSON path, exit 1 ----
bad() { # bad NAME PATH-EXPECTED INPUT
  IN=$3; run 1 "$1" fhir import --at 2026-12-04 -; unset IN
  is "$1 path" '.errors[0].path' "\"$2\"" "$tmp/out"
  if grep -q "spinemets fhir import: " "$tmp/err"; then ok; else ko "$1: no message on stderr"; fi
}
bad "malformed JSON" "" '{"resourceType": "Bundle", "entry": ['
is "malformed JSON line/column" '[.errors[0].line, (.errors[0].column > 0)]' '[1,true]' "$tmp/out"
bad "not an object" "" '[1, 2]'
bad "not a Bundle" "/resourceType" '{"resourceType": "Patient", "id": "x"}'
bad "no resourceType" "/resourceType" '{"entry": []}'
bad "entry not an array" "/entry" '{"resourceType": "Bundle", "entry": {"resource": {}}}'
bad "empty input" "" ''
python3 - "$tmp/many.json" <<'PY'
import json, sys
e = [{"resource": {"resourceType": "Observation", "id": str(i)}} for i in range(2001)]
json.dump({"resourceType": "Bundle", "entry": e}, open(sys.argv[1], "w"))
PY
run 1 "too many entries" fhir import --at 2026-12-04 "$tmp/many.json"
is "too many entries path" '.errors[0].path' '"/entry"' "$tmp/out"
head -c 4300000 /dev/zero | tr '\0' ' ' >"$tmp/big.json"
run 2 "oversized Bundle" fhir import --at 2026-12-04 "$tmp/big.json"
if grep -q "larger than" "$tmp/err"; then ok; else ko "oversized: no size message"; fi
IN='{"resourceType":"Bundle"}'
run 0 "empty Bundle" fhir import --at 2026-12-04 -
is "empty Bundle -> empty case" '.case' '{"schema":"spinemets/case/1"}' "$tmp/out"
unset IN
# odd element types never crash and are reported
IN='{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","gender":7,"birthDate":19600615}},{"resource":{"resourceType":"Observation","code":{"coding":"x"},"valueInteger":"2"}},{"resource":{"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"89247-1"}]},"valueInteger":"2"}},{"resource":{"resourceType":"Condition","code":{"coding":[{"system":"http://snomed.info/sct","code":"94222008"}]},"bodySite":"T7"}},{"resource":{"resourceType":"Condition","verificationStatus":3,"code":{"coding":[{"system":7,"code":null}]}}},{},null,7]}'
run 0 "wrong element types" fhir import --at 2026-12-04 -
is "wrong element types: nothing imported but history" '.case | del(.schema)' '{"cancer":{"history":"known"}}' "$tmp/out"
is "wrong element types: each reported" '.ignored | length >= 7' 'true' "$tmp/out"
unset IN

# ---- usage ----
run 2 "bad --at" fhir import --at 2026-13-01 $D/full.json
run 2 "--at without a date" fhir import --at
run 2 "unknown subcommand" fhir export x
run 2 "unknown option" fhir import --nope $D/full.json
run 0 "fhir import --help" fhir import --help
if grep -q 'usage: spinemets fhir import' "$tmp/out"; then ok; else ko "help text"; fi

# ---- round trip: imported case -> assess ----
for b in full ecog5; do
  run 0 "case-only $b" fhir import --at 2026-12-04 --case-only $D/$b.json
  cp "$tmp/out" "$tmp/case-$b.json"
  run 0 "assess imported $b" assess --json "$tmp/case-$b.json"
  is "assessed $b" '.status' '"ok"' "$tmp/out"
done

# ---- FHIR out: structure of the Bundle ----
check_bundle() { # check_bundle NAME BUNDLE ASSESSMENT
  local n=$1 b=$2 a=$3
  is "$n: Bundle collection" '[.resourceType, .type]' '["Bundle","collection"]' "$b"
  is "$n: every entry has a unique urn:uuid fullUrl" '[.entry[].fullUrl] | (all(test("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$")) and (length == (unique | length)))' 'true' "$b"
  is "$n: every reference resolves" '[.entry[].fullUrl] as $u | [.. | objects | select(has("reference")) | .reference | IN($u[])] | all' 'true' "$b"
  is "$n: resource types" '[.entry[].resource.resourceType] | unique - ["Patient","Observation","RiskAssessment","CarePlan"]' '[]' "$b"
  is "$n: one Patient, one RiskAssessment" '[([.entry[].resource | select(.resourceType=="Patient")] | length), ([.entry[].resource | select(.resourceType=="RiskAssessment")] | length)]' '[1,1]' "$b"
  is "$n: Observation required elements" '[.entry[].resource | select(.resourceType=="Observation") | (.status and .code.coding[0].system and .code.coding[0].code and .subject.reference)] | all' 'true' "$b"
  is "$n: Observation has a value or a reason" '[.entry[].resource | select(.resourceType=="Observation") | (has("valueInteger") or has("valueCodeableConcept") or has("valueRange") or has("dataAbsentReason"))] | all' 'true' "$b"
  is "$n: RiskAssessment required elements" '[.entry[].resource | select(.resourceType=="RiskAssessment") | (.status=="final" and (.subject.reference|length>0))] | all' 'true' "$b"
  local urg; urg=$(jq -c '.triage.urgency' "$a")
  is "$n: urgency carried" '[.entry[].resource | select(.resourceType=="RiskAssessment") | .prediction[0].qualitativeRisk.coding[0].code]' "[$urg]" "$b"
  local nscores; nscores=$(jq '[(.scores | objects | to_entries[] | select(.value|type=="object")), (.lesions[] | .sins, .escc | objects)] | length' "$a")
  is "$n: one Observation per score" '[.entry[].resource | select(.resourceType=="Observation" and .code.coding[0].system=="urn:spinemets:fhir:instrument")] | length' "$nscores" "$b"
  local ncp; ncp=$(jq '[.care_plan.items // [] | .[]] | length' "$a")
  if [ "$ncp" -gt 0 ]; then
    is "$n: CarePlan activities" '[.entry[].resource | select(.resourceType=="CarePlan") | .status, .intent, (.activity|length)]' "[\"draft\",\"proposal\",$ncp]" "$b"
  else
    is "$n: no CarePlan without a care plan" '[.entry[].resource | select(.resourceType=="CarePlan")] | length' '0' "$b"
  fi
}
run 0 "assess --fhir full" assess --json --fhir "$tmp/b-full.json" "$tmp/case-full.json"
cp "$tmp/out" "$tmp/a-full.json"
check_bundle full "$tmp/b-full.json" "$tmp/a-full.json"
is "full: ECOG with LOINC" '[.entry[].resource | select(.code.coding[0].code=="89247-1") | .valueInteger]' '[2]' "$tmp/b-full.json"
is "full: SINS at T7 with the SNOMED vertebra" '[.entry[].resource | select(.code.coding[0].code=="sins") | .bodySite.coding[0].code]' '["71737002","61032001"]' "$tmp/b-full.json"
for c in examples/cases/*.json; do
  n=$(basename "$c" .json)
  run 0 "assess --fhir $n" assess --json --fhir "$tmp/b-$n.json" "$c"
  cp "$tmp/out" "$tmp/a-$n.json"
  check_bundle "$n" "$tmp/b-$n.json" "$tmp/a-$n.json"
done
run 0 "assess --fhir - (stdout) with text report" assess --fhir "$tmp/b2.json" examples/cases/adult-noms-renal.json
if grep -q 'TRIAGE' "$tmp/out"; then ok; else ko "text report kept with --fhir"; fi
run 2 "assess --fhir unwritable" assess --fhir /nonexistent/dir/b.json examples/cases/adult-noms-renal.json
if grep -q "cannot write" "$tmp/err"; then ok; else ko "unwritable: message"; fi
IN='{"performance": {"kps": 75}}'
run 1 "assess --fhir invalid case" assess --fhir "$tmp/none.json" -
unset IN
if [ ! -e "$tmp/none.json" ]; then ok; else ko "invalid case wrote a Bundle"; fi

# ---- every exported Bundle validates with FHIR.js (npm fhir, pinned in
# tests/fhir/validate/package-lock.json; installed once like tests/browser) ----
V=tests/fhir/validate
if [ ! -f $V/node_modules/fhir/package.json ]; then
  scripts/deps.sh browser >/dev/null 2>&1 || true   # node and npm (Debian)
  (cd $V && npm ci --no-audit --no-fund) >"$tmp/npm-ci.log" 2>&1 ||
    ko "npm ci in $V failed: $(grep -m 1 -iE 'npm ERR!|error' "$tmp/npm-ci.log" | cut -c 1-160)"
fi
if [ -f $V/node_modules/fhir/package.json ]; then
  bundles=("$tmp"/b-*.json)
  if node $V/validate.js "${bundles[@]}" >"$tmp/validate.log" 2>&1; then ok; else ko "FHIR.js: $(grep -m 5 FAIL "$tmp/validate.log")"; fi
  n=$(grep -c '^ok ' "$tmp/validate.log")
  if [ "$n" -eq "${#bundles[@]}" ] && [ "$n" -ge 7 ]; then ok; else ko "FHIR.js validated $n of ${#bundles[@]} Bundles"; fi
  # the validator itself catches a broken Bundle (a wrong code, a missing element, an unknown property)
  jq '.type = "nonsense" | .entry[1].resource.foo = 1 | del(.entry[2].resource.status)' "$tmp/b-full.json" >"$tmp/broken.json"
  node $V/validate.js "$tmp/broken.json" >"$tmp/validate-bad.log" 2>&1
  if [ "$(grep -c FAIL "$tmp/validate-bad.log")" -ge 3 ]; then ok; else ko "FHIR.js did not catch a broken Bundle: $(cat "$tmp/validate-bad.log")"; fi
fi

# ---- the mCODE STU4 examples (npm hl7.fhir.us.mcode 4.0.0, fetched once with
# `npm pack`: its dependency hl7.fhir.r4.core is not on npm, so `npm ci` cannot
# install it; the tarball is checked against its published sha1) ----
M=$V/node_modules/.mcode
MCODE_SHA1=b1d877a4ef642106699c6431b1f6d9fb5c52ea97
if [ ! -d $M/package/example ]; then
  mkdir -p $M
  (cd $M && npm pack hl7.fhir.us.mcode@4.0.0) >"$tmp/npm-pack.log" 2>&1 &&
    echo "$MCODE_SHA1  $M/hl7.fhir.us.mcode-4.0.0.tgz" | sha1sum -c --quiet - >/dev/null 2>&1 &&
    tar xzf $M/hl7.fhir.us.mcode-4.0.0.tgz -C $M ||
    { ko "npm pack hl7.fhir.us.mcode@4.0.0 failed or its sha1 differs: $(tail -n 2 "$tmp/npm-pack.log")"; rm -rf $M; }
fi
if [ -d $M/package/example ]; then
  n=0 bad=0 perf=0
  for f in $M/package/example/*.json; do
    n=$((n+1))
    # a single resource goes in as a one-entry Bundle; Bundles as they are
    jq 'if .resourceType == "Bundle" then . else {resourceType: "Bundle", type: "collection", entry: [{resource: .}]} end' "$f" >"$tmp/mc.json"
    "$BIN" fhir import --at 2026-12-04 "$tmp/mc.json" >"$tmp/mc.out" 2>"$tmp/mc.err"
    if [ $? -ne 0 ] || grep -qE 'AddressSanitizer|runtime error' "$tmp/mc.err" || [ "$(jq -r .status "$tmp/mc.out")" != ok ]; then
      bad=$((bad+1)); echo "FAIL mCODE $(basename "$f"): $(head -c 200 "$tmp/mc.err")"; continue
    fi
    # performance status: the imported value equals the resource's own value (read here with jq)
    for pair in "89247-1:ecog" "89243-0:kps" "C38144:lansky"; do
      want=$(jq -c --arg c "${pair%%:*}" '[.. | objects | select(.resourceType? == "Observation" and (.code.coding // [] | any(.code == $c))) | .valueInteger] | last' "$tmp/mc.json")
      [ "$want" = null ] && continue
      perf=$((perf+1))
      got=$(jq -c ".case.performance.${pair#*:}" "$tmp/mc.out")
      [ "$want" = 5 ] && [ "${pair#*:}" = ecog ] && want=null
      if [ "$got" != "$want" ]; then bad=$((bad+1)); echo "FAIL mCODE $(basename "$f"): ${pair#*:} $got, want $want"; fi
    done
    # sex equals Patient.gender (female, male, other)
    want=$(jq -c '[.. | objects | select(.resourceType? == "Patient") | .gender | select(. == "female" or . == "male" or . == "other")] | first' "$tmp/mc.json")
    got=$(jq -c '.case.patient.sex' "$tmp/mc.out")
    if [ "$got" != "$want" ]; then bad=$((bad+1)); echo "FAIL mCODE $(basename "$f"): sex $got, want $want"; fi
    # the imported case is assessed
    jq .case "$tmp/mc.out" | "$BIN" assess --json - >/dev/null 2>"$tmp/mc.err" || { bad=$((bad+1)); echo "FAIL mCODE $(basename "$f"): assess: $(head -c 200 "$tmp/mc.err")"; }
  done
  if [ "$n" -eq 179 ]; then ok; else ko "mCODE: $n examples, expected 179"; fi
  if [ "$bad" -eq 0 ]; then ok; else ko "mCODE: $bad failures"; fi
  if [ "$perf" -ge 4 ]; then ok; else ko "mCODE: only $perf performance-status examples checked"; fi
  J=$M/package/example/Bundle-mcode-patient-bundle-jenny-m.json
  run 0 "import the Jenny M bundle" fhir import --at 2026-12-04 $J
  is "Jenny M" '.case | [.patient.sex, .cancer.primary, .cancer.history, .cancer.tissue_confirmed, .performance.ecog]' '["female","breast","known",true,0]' "$tmp/out"
  is "Jenny M: procedures and medications listed as not read" '[.ignored[] | select(.element == "resourceType")] | length > 5' 'true' "$tmp/out"
fi

# ---- docs/fhir.md holds the current code tables ----
run 0 "fhir codes" fhir codes
sed -n '/<!-- fhir-codes:begin -->/,/<!-- fhir-codes:end -->/p' docs/fhir.md | sed '1d;$d' >"$tmp/doc-codes"
if cmp -s "$tmp/out" "$tmp/doc-codes"; then ok; else ko "docs/fhir.md code tables are stale: run spinemets fhir codes"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
