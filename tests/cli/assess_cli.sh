#!/bin/bash
# assess_cli.sh: black-box tests of `spinemets assess` and `spinemets rules`
# (ARCHITECTURE.md contracts 2 and 3, docs/case-format.md): exit codes, help,
# every example case as text and JSON, stdin and FILE, errors with JSON paths,
# line/column of bad JSON, and docs/rules.md kept identical to `rules --markdown`.
set -u
BIN=${SPINEMETS_BIN:-build/asan/spinemets}
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }
# expect CODE NAME -- COMMAND... (stdin from $IN)
expect() {
  local want=$1 name=$2; shift 2
  printf '%s' "${IN:-}" | "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else ko "$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}
has() { # has NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ok; else ko "$1: /$2/ not in $(basename "$3"): $(head -c 400 "$3")"; fi
}
hasnt() { # hasnt NAME PATTERN FILE
  if grep -qE -- "$2" "$3"; then ko "$1: /$2/ unexpectedly in $(basename "$3")"; else ok; fi
}

# ---- help ----
IN=''
expect 0 "assess --help" "$BIN" assess --help
has "assess help usage" 'usage: spinemets assess' "$tmp/out"
has "assess help exit status" 'Exit status' "$tmp/out"
has "assess help names the format" 'docs/case-format.md' "$tmp/out"
expect 0 "--help" "$BIN" --help
has "--help lists assess" 'assess \[FILE\|-\]' "$tmp/out"
has "--help lists rules" '^  rules ' "$tmp/out"
expect 2 "assess unknown option" "$BIN" assess --bogus
expect 2 "assess two files" "$BIN" assess a.json b.json

# ---- every example case, text and JSON ----
n=0
for f in examples/cases/*.json; do
  [ -e "$f" ] || continue
  n=$((n+1))
  IN='' expect 0 "example $f (text)" "$BIN" assess "$f"
  has "example $f text triage" '^TRIAGE: ' "$tmp/out"
  has "example $f text NOMS" '^NOMS$' "$tmp/out"
  has "example $f text rules" '^Rules that fired: ' "$tmp/out"
  has "example $f text caveat" 'never a diagnosis' "$tmp/out"
  has "example $f text care plan" '^CARE PLAN ' "$tmp/out"
  has "example $f text care plan rule" '^      - CARE-[A-Z0-9-]+ ' "$tmp/out"
  IN='' expect 0 "example $f (json)" "$BIN" assess --json "$f"
  has "example $f json status" '"status": "ok"' "$tmp/out"
  has "example $f json schema" '"schema": "spinemets/assessment/1"' "$tmp/out"
  has "example $f json urgency" '"urgency": "(emergency|urgent|routine)"' "$tmp/out"
  has "example $f json dexamethasone" '"dexamethasone": "(give_16mg|not_routine|seek_haematology_advice_first|per_paediatric_protocol)"' "$tmp/out"
  has "example $f json noms" '"noms": \{' "$tmp/out"
  has "example $f json surgery" '"patchell_eligible": (true|false)' "$tmp/out"
  has "example $f json rules" '"rules": \[' "$tmp/out"
  has "example $f json care plan" '"care_plan": \{' "$tmp/out"
  has "example $f json care plan outcomes" '"outcomes_to_record": \[' "$tmp/out"
  hasnt "example $f json no errors" '"status": "invalid"' "$tmp/out"
  # a complete JSON document: the last line closes the top-level object
  if [ "$(tail -n 1 "$tmp/out")" = "}" ]; then ok; else ko "example $f json not closed"; fi
done
if [ "$n" -ge 6 ]; then ok; else ko "examples/cases holds $n cases, want at least 6"; fi

# ---- what each example is there to show ----
IN='' expect 0 "suspected MSCC" "$BIN" assess --json examples/cases/adult-suspected-mscc.json
has "suspected MSCC emergency" '"urgency": "emergency"' "$tmp/out"
has "suspected MSCC contact now" '"contact_within_hours": 0' "$tmp/out"
has "suspected MSCC MRI 24 h" '"mri_within_hours": 24' "$tmp/out"
has "suspected MSCC dexamethasone" '"dexamethasone": "give_16mg"' "$tmp/out"
IN='' expect 0 "renal NOMS" "$BIN" assess --json examples/cases/adult-noms-renal.json
has "renal separation surgery" '"separation_surgery_then_srs"' "$tmp/out"
has "renal radioresistant" '"oncologic": "radioresistant"' "$tmp/out"
has "renal high grade" '"neurologic": "high"' "$tmp/out"
has "renal patchell" '"patchell_eligible": true' "$tmp/out"
has "renal scores computed" '"computed": true' "$tmp/out"
hasnt "renal every score ok" '"status": "incomplete"' "$tmp/out"
has "renal tokuhashi 9" '"total": 9,' "$tmp/out"
IN='' expect 0 "child" "$BIN" assess --json examples/cases/child-neuroblastoma.json
has "child chemotherapy first" '"chemotherapy_first"' "$tmp/out"
has "child lansky" '"scale": "lansky"' "$tmp/out"
has "child adult scores suppressed" '"adult_scores_suppressed": true' "$tmp/out"
has "child dexamethasone protocol" '"dexamethasone": "per_paediatric_protocol"' "$tmp/out"
has "child not validated flag" '"not_validated_in_children"' "$tmp/out"
IN='' expect 0 "unknown primary" "$BIN" assess --json examples/cases/unknown-primary.json
has "unknown primary urgent" '"urgency": "urgent"' "$tmp/out"
has "unknown primary CT CAP" '"ct_chest_abdomen_pelvis"' "$tmp/out"
has "unknown primary biopsy" '"biopsy"' "$tmp/out"
has "unknown primary myeloma screen" '"serum_protein_electrophoresis_free_light_chains"' "$tmp/out"
IN='' expect 0 "discitis" "$BIN" assess --json examples/cases/spondylodiscitis-mimic.json
has "discitis cue" '"consider_spondylodiscitis"' "$tmp/out"
has "discitis TB cue" '"consider_tuberculosis"' "$tmp/out"
has "discitis cultures" '"crp_blood_cultures"' "$tmp/out"
hasnt "discitis not favour metastasis" '"favour_metastasis"' "$tmp/out"
IN='' expect 0 "district" "$BIN" assess --json examples/cases/district-no-mri.json
has "district emergency" '"urgency": "emergency"' "$tmp/out"
has "district CT now" '"ct_whole_spine"' "$tmp/out"
has "district MRI referral" '"mri_centre"' "$tmp/out"

# ---- stdin and FILE ----
IN=$(cat examples/cases/adult-suspected-mscc.json)
expect 0 "stdin, no argument" "$BIN" assess
has "stdin report" 'EMERGENCY' "$tmp/out"
expect 0 "stdin, -" "$BIN" assess -
has "stdin - report" 'EMERGENCY' "$tmp/out"
expect 0 "stdin --json -" "$BIN" assess --json -
has "stdin json" '"urgency": "emergency"' "$tmp/out"
printf '%s' "$IN" > "$tmp/case.json"
IN='' expect 0 "FILE argument" "$BIN" assess "$tmp/case.json"
has "FILE report" 'EMERGENCY' "$tmp/out"
IN='' expect 0 "--json after FILE" "$BIN" assess "$tmp/case.json" --json
has "--json after FILE" '"status": "ok"' "$tmp/out"
IN='' expect 2 "missing file" "$BIN" assess "$tmp/nope.json"
has "missing file message" 'cannot open' "$tmp/err"
head -c 4200000 /dev/zero | tr '\0' ' ' > "$tmp/big.json"
IN='' expect 2 "input over 4 MiB" "$BIN" assess "$tmp/big.json"
has "too large message" 'larger than' "$tmp/err"

# ---- absent and null mean unknown ----
IN='{}'
expect 0 "empty case" "$BIN" assess --json
has "empty case ok" '"status": "ok"' "$tmp/out"
IN='{"schema":"spinemets/case/1","patient":null,"cancer":{"history":"known","primary":null},"lesions":null,"events":null,"symptoms":{"limb_weakness":null,"pain_nocturnal":true}}'
expect 0 "null is unknown" "$BIN" assess --json
has "null is unknown: urgent on the recorded pain" '"urgency": "urgent"' "$tmp/out"
has "null is unknown: warns" 'not assumed absent' "$tmp/out"

# ---- invalid cases: exit 1, JSON path in the output ----
IN='{"schema":"spinemets/case/1","patinet":{"age_years":60}}'
expect 1 "unknown top-level key" "$BIN" assess
has "unknown top-level key path" '/patinet: unknown key' "$tmp/out"
has "unknown top-level key lists keys" 'allowed keys: schema, patient, cancer' "$tmp/out"
expect 1 "unknown top-level key --json" "$BIN" assess --json
has "invalid json status" '"status": "invalid"' "$tmp/out"
has "invalid json path" '"path": "/patinet"' "$tmp/out"

IN='{"lesions":[{"level":"T7"},{"level":"T8","colapse":"none"}]}'
expect 1 "unknown lesion key" "$BIN" assess
has "unknown lesion key path" '/lesions/1/colapse: unknown lesion key' "$tmp/out"
has "unknown lesion key lists keys" 'allowed keys: level, location, pain, bone_lesion' "$tmp/out"

IN='{"performance":{"kps":75}}'
expect 1 "kps 75" "$BIN" assess
has "kps 75 path" '/performance/kps: 75 is not allowed' "$tmp/out"
has "kps 75 allowed" 'from 0 to 100 in steps of 10' "$tmp/out"
expect 1 "kps 75 --json" "$BIN" assess --json
has "kps 75 json path" '"path": "/performance/kps"' "$tmp/out"

IN='{"lesions":[{"level":"T7","collapse":"half"}]}'
expect 1 "collapse bad value" "$BIN" assess --json
has "collapse path" '"path": "/lesions/0/collapse"' "$tmp/out"
has "collapse allowed values" 'over_50.*under_50.*body_involved_over_50.*none' "$tmp/out"

IN='{"lesions":[{"level":"T7","escc":"4"}]}'
expect 1 "escc bad grade" "$BIN" assess
has "escc path" '/lesions/0/escc' "$tmp/out"

IN='{"patient":{"age_years":131}}'
expect 1 "age over 130" "$BIN" assess
has "age path" '/patient/age_years' "$tmp/out"

IN='{"symptoms":{"fever":"yes"}}'
expect 1 "bool as string" "$BIN" assess
has "bool message" '/symptoms/fever: expected true or false' "$tmp/out"

IN='{"events":[{"type":"mri_done","at":"2026-02-30"}]}'
expect 1 "impossible date" "$BIN" assess
has "date path" '/events/0/at: .*ISO 8601' "$tmp/out"
IN='{"events":[{"type":"mri_done","at":"2026-03-01T14:30:00+06:00"}]}'
expect 0 "ISO 8601 with offset" "$BIN" assess

IN='{"cancer":{"history":"none","primary":"breast"}}'
expect 1 "history none with a primary" "$BIN" assess
has "contradiction path" '/cancer/primary' "$tmp/out"

IN='{"schema":"spinemets/case/2"}'
expect 1 "wrong schema" "$BIN" assess
has "wrong schema path" '/schema' "$tmp/out"

IN=$'{\n  "patient": {\n    "age_years": 60,\n  }\n}'
expect 1 "malformed JSON" "$BIN" assess
has "malformed text line and column" 'malformed JSON at line 4, column 3' "$tmp/out"
expect 1 "malformed JSON --json" "$BIN" assess --json
has "malformed line" '"line": 4' "$tmp/out"
has "malformed column" '"column": 3' "$tmp/out"

IN='{"a":1,"a":2}'
expect 1 "duplicate key" "$BIN" assess
has "duplicate message" 'duplicate' "$tmp/out"

IN='[1,2]'
expect 1 "not an object" "$BIN" assess
has "not an object message" 'expected a case object, got an array' "$tmp/out"
IN='"text"'
expect 1 "a string" "$BIN" assess --json
has "a string message" 'expected a case object, got a string' "$tmp/out"

IN=''
expect 1 "empty input" "$BIN" assess
has "empty input is malformed" 'malformed JSON' "$tmp/out"

# ---- rules ----
IN=''
expect 0 "rules" "$BIN" rules
has "rules lists TRIAGE-1" '^TRIAGE-1 ' "$tmp/out"
has "rules lists the care-plan rules" '^CARE-VTE-1 ' "$tmp/out"
expect 0 "rules --markdown" "$BIN" rules --markdown
if cmp -s "$tmp/out" docs/rules.md; then ok; else
  ko "docs/rules.md is stale: regenerate with 'build/spinemets rules --markdown > docs/rules.md'"
fi
expect 0 "rules --help" "$BIN" rules --help
expect 2 "rules bad argument" "$BIN" rules --bogus
# every rule id an example fires is documented in docs/rules.md
for f in examples/cases/*.json; do
  [ -e "$f" ] || continue
  for id in $("$BIN" assess "$f" | sed -n 's/^Rules that fired: //p'); do
    if grep -qF "| \`$id\` |" docs/rules.md; then ok; else ko "rule $id ($f) not in docs/rules.md"; fi
  done
  # and every care-plan rule it applies
  for id in $("$BIN" assess "$f" | sed -n 's/^      - \(CARE-[A-Z0-9-]*\).*/\1/p'); do
    if grep -qF "| \`$id\` |" docs/rules.md; then ok; else ko "care-plan rule $id ($f) not in docs/rules.md"; fi
  done
done
# the case format document exists and names the schema
if [ -f docs/case-format.md ] && grep -q 'spinemets/case/1' docs/case-format.md; then ok; else ko "docs/case-format.md missing"; fi
# ---- issue 13: a UTF-8 byte order mark is skipped; a directory is named alike ----
IN="$(printf '\xef\xbb\xbf'; cat examples/cases/adult-suspected-mscc.json)"
expect 0 "BOM on stdin accepted" "$BIN" assess
hasnt "BOM: no error" 'not valid|unexpected|invalid' "$tmp/err"
IN=''
mkdir -p "$tmp/adir"
expect 2 "directory as the case file" "$BIN" assess "$tmp/adir"
has "directory named alike" "cannot open '.*adir': it is a directory, not a file" "$tmp/err"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
