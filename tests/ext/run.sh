#!/bin/bash
# tests/ext/run.sh sqlite|postgresql|replication: the SQL extensions (ext/,
# issue #16; built by `make ext`, which `make check` runs first).
#   sqlite       the golden vectors through the loadable extension
#                (build/ext/spinemets_sqlite.so) loaded by the test program,
#                and once through the sqlite3 shell's .load
#   postgresql   a throwaway cluster (tests/store/pg.sh): CREATE EXTENSION
#                spinemets, then the golden vectors through the functions
#   replication  two throwaway clusters, a hospital (wal_level = logical) and
#                a research hub, joined by scripts/replication-hub.sh: the hub
#                gets the clinical rows and not one identifier, and researchers
#                assess the replicated cases there with spinemets_assess()
# The extension is installed into PostgreSQL's directories (pg_config
# --pkglibdir and --sharedir) when run as root, as CI runs. Otherwise those
# directories are not writable: the functions are then created from the same
# script with the library's absolute path (CREATE EXTENSION itself is then not
# exercised; the run says so). A cluster that cannot be started FAILS.
# Prints every suite's output and ends with the summed "N passed, M failed".
set -u
BUILD=${BUILD:-build/asan}
SHARED=${SHARED:-../shared}
BIN=${SPINEMETS_BIN:-$BUILD/spinemets}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pgsh="$here/../store/pg.sh"
. "$here/../lib/suite.sh" # sub NAME COMMAND...
vec_dirs=("$SHARED/clinical/vectors")
[ -d "$root/tests/vectors" ] && vec_dirs+=("$root/tests/vectors")
ext_pg="$root/build/ext/pg/spinemets.so"
ext_sqlite="$root/build/ext/spinemets_sqlite.so"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/pg_config" ] || PGBIN=$(dirname "$(command -v pg_config 2>/dev/null || echo /usr/bin/pg_config)")
PSQL="$PGBIN/psql"
[ -x "$PSQL" ] || PSQL=psql

ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

# install_ext URL: make the spinemets functions exist in the database at URL
install_ext() {
  local url=$1
  if [ "$(id -u)" = 0 ]; then
    local lib share
    lib=$("$PGBIN/pg_config" --pkglibdir) share=$("$PGBIN/pg_config" --sharedir)
    install -m 755 "$ext_pg" "$lib/spinemets.so" &&
      install -m 644 "$root/ext/postgresql/spinemets.control" "$root/ext/postgresql/spinemets--0.1.0.sql" "$share/extension/" &&
      "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$url" -c "DROP EXTENSION IF EXISTS spinemets" -c "CREATE EXTENSION spinemets"
  else
    echo "note: not root: $("$PGBIN/pg_config" --pkglibdir) is not writable, so the functions are created" \
         "from ext/postgresql/spinemets--0.1.0.sql with the library's path (CREATE EXTENSION not exercised)"
    sed -e '/^\\echo/d' -e "s|MODULE_PATHNAME|${ext_pg%.so}|" "$root/ext/postgresql/spinemets--0.1.0.sql" |
      "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$url"
  fi
}

need_ext() {
  for f in "$@"; do
    [ -f "$f" ] || { echo "FAIL $f not built (make ext)"; echo "0 passed, 1 failed"; exit 1; }
  done
}

start_cluster() { # start_cluster DIR: start it or fail the run
  if ! bash "$pgsh" start "$1" >/dev/null; then
    echo "FAIL PostgreSQL could not be started (tests/store/pg.sh start $1)"
    echo "$pass passed, $((fail + 1)) failed"
    exit 1
  fi
}

case "${1:-}" in
  sqlite)
    need_ext "$ext_sqlite"
    sub "golden vectors (sqlite)" "$BUILD/tests/ext_vectors" sqlite "$ext_sqlite" "$BIN" "${vec_dirs[@]}"
    # the documented way: the sqlite3 shell's .load
    if command -v sqlite3 >/dev/null; then
      got=$(sqlite3 :memory: ".load ${ext_sqlite%.so}" \
        "SELECT json_extract(spinemets_score('sins', '{\"level\":\"L1\",\"pain\":\"mechanical\",\"bone_lesion\":\"lytic\",\"alignment\":\"deformity\",\"collapse\":\"under_50\",\"posterolateral\":\"unilateral\"}'), '\$.total')" 2>&1)
      want=$(echo '{"level":"L1","pain":"mechanical","bone_lesion":"lytic","alignment":"deformity","collapse":"under_50","posterolateral":"unilateral"}' |
        "$BIN" score sins | sed -n 's/^  "total": \([0-9]*\),$/\1/p')
      [ -n "$want" ] && [ "$got" = "$want" ] && ok "sqlite3 .load: spinemets_score total $got as the program" ||
        bad "sqlite3 .load: got '$got', the program says '$want'"
      err=$(sqlite3 :memory: ".load ${ext_sqlite%.so}" "SELECT spinemets_score('sins', '{\"pain\":\"sharp\"}')" 2>&1)
      case "$err" in *"/pain: "*mechanical*) ok "sqlite3 .load: an invalid item is an error naming /pain and the allowed values" ;;
        *) bad "sqlite3 .load: invalid item gave '$err'" ;; esac
    else
      bad "the sqlite3 shell is missing (scripts/deps.sh ext)"
    fi
    ;;
  postgresql)
    need_ext "$ext_pg"
    dir=$(mktemp -d /tmp/spinemets-ext-pg.XXXXXX)
    trap 'bash "$pgsh" stop "$dir" >/dev/null 2>&1' EXIT
    start_cluster "$dir"
    url=$(bash "$pgsh" url "$dir")
    if install_ext "$url"; then ok "the extension is created"; else bad "the extension could not be created"; finish; fi
    sub "golden vectors (postgresql)" "$BUILD/tests/ext_vectors" pg "$url" "$BIN" "${vec_dirs[@]}"
    # a set-based query in parallel workers gives what one backend gives
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$url" -c "CREATE TABLE tok AS SELECT i, jsonb_build_object('kps', 10 * (1 + i % 10),
         'extraspinal_bone_metastases', i % 4, 'vertebral_body_metastases', 1 + i % 3,
         'major_organ_metastases', (ARRAY['none','removable','unremovable'])[1 + i % 3],
         'primary', (ARRAY['breast','lung_nsclc','kidney','prostate'])[1 + i % 4],
         'frankel', (ARRAY['A','B','C','D','E'])[1 + i % 5]) AS items FROM generate_series(1, 20000) i" -c "ANALYZE tok" ||
      bad "cannot create the table of 20000 rows"
    q="SELECT sum((spinemets_score('tokuhashi_revised', items)->>'total')::int) FROM tok"
    par_set=(-c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0"
      -c "SET max_parallel_workers_per_gather = 2")
    serial=$("$PSQL" -X -At -d "$url" -c "SET max_parallel_workers_per_gather = 0" -c "$q" 2>&1 | tail -n 1)
    nocache=$("$PSQL" -X -At -d "$url" -c "SET max_parallel_workers_per_gather = 0" -c "SET spinemets.cache = off" -c "$q" 2>&1 | tail -n 1)
    plan=$("$PSQL" -X -At -d "$url" "${par_set[@]}" -c "EXPLAIN (ANALYZE, COSTS OFF) $q" 2>&1)
    par=$("$PSQL" -X -At -d "$url" "${par_set[@]}" -c "$q" 2>&1 | tail -n 1)
    case "$plan" in *"Workers Launched: "[1-9]*) ok "the score runs in parallel workers" ;; *) bad "no parallel workers: $plan" ;; esac
    if [[ "$serial" =~ ^[0-9]+$ ]] && [ "$serial" = "$par" ]; then ok "20000 rows scored alike serially and with parallel workers ($serial)"
    else bad "serial '$serial' and parallel '$par' disagree"; fi
    [ "$nocache" = "$serial" ] && ok "the same without the result cache (spinemets.cache = off)" ||
      bad "without the cache: '$nocache', with it: '$serial'"
    ;;
  replication)
    need_ext "$ext_pg"
    hosp=$(mktemp -d /tmp/spinemets-hosp.XXXXXX) hub=$(mktemp -d /tmp/spinemets-hub.XXXXXX)
    trap 'bash "$pgsh" stop "$hub" >/dev/null 2>&1; bash "$pgsh" stop "$hosp" >/dev/null 2>&1' EXIT
    PG_OPTS="-c wal_level=logical" start_cluster "$hosp"
    start_cluster "$hub"
    bash "$pgsh" createdb "$hosp" registry && bash "$pgsh" createdb "$hub" hub_leeds || { bad "createdb"; finish; }
    hosp_url=$(bash "$pgsh" url "$hosp" registry) hub_url=$(bash "$pgsh" url "$hub" hub_leeds)
    triage="$SHARED/clinical/vectors/triage.jsonl"
    # 1. the hospital's registry (schema by the store itself), cases with identifiers
    s1=$("$BUILD/tests/ext_seed" "$hosp_url" "$triage" leeds a 2>&1) && ok "hospital registry seeded ($s1)" || { bad "seed: $s1"; finish; }
    export PSQL
    out=$(bash "$root/scripts/replication-hub.sh" publish "$hosp_url" 2>&1) && ok "publish" || { bad "publish: $out"; finish; }
    deny=$("$PSQL" -X -At -d "$hosp_url" -c "SELECT has_table_privilege('spinemets_replicator', 'case_identifiers', 'SELECT'),
      has_column_privilege('spinemets_replicator', 'case_versions', 'reason', 'SELECT')" 2>&1)
    [ "$deny" = "f|f" ] && ok "the replication role cannot read identifiers or reasons" || bad "replicator privileges: $deny"
    conn="host=$hosp/run port=5432 dbname=registry user=spinemets_replicator"
    out=$(bash "$root/scripts/replication-hub.sh" subscribe "$hub_url" "$conn" leeds 2>&1) && ok "subscribe" || { bad "subscribe: $out"; finish; }
    # 2. more cases after the subscription: streamed, not copied
    s2=$("$BUILD/tests/ext_seed" "$hosp_url" "$triage" leeds b 2>&1) && ok "more cases after subscribing ($s2)" || bad "seed 2: $s2"
    n1=${s1#cases=}; n1=${n1%% *}; l1=${s1#*live_versions=}
    n2=${s2#cases=}; n2=${n2%% *}; l2=${s2#*live_versions=}
    want="$((n1 + n2))|$((l1 + l2))|2"
    # wait (bounded) until the hub has caught up: the hospital's own view of what it publishes
    src=$("$PSQL" -X -At -d "$hosp_url" -c "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_versions WHERE deleted = 0),
      (SELECT count(*) FROM cases WHERE deleted = 1)" 2>&1)
    [ "$src" = "$want" ] && ok "the hospital holds $want (cases|live versions|deleted cases)" || bad "hospital counts '$src', expected '$want'"
    got=""
    for _ in $(seq 1 600); do
      got=$("$PSQL" -X -At -d "$hub_url" -c "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM case_versions),
        (SELECT count(*) FROM cases WHERE deleted = 1)" 2>/dev/null)
      [ "$got" = "$want" ] && break
      sleep 0.2
    done
    [ "$got" = "$want" ] && ok "the hub has every clinical row: $got (cases|versions|deleted cases)" ||
      bad "hub counts '$got', expected '$want' (after 120 s)"
    # the same clinical documents, byte for byte
    h1=$("$PSQL" -X -At -d "$hosp_url" -c "SELECT md5(string_agg(id || ':' || document, ',' ORDER BY id)) FROM case_versions WHERE deleted = 0")
    h2=$("$PSQL" -X -At -d "$hub_url" -c "SELECT md5(string_agg(id || ':' || document, ',' ORDER BY id)) FROM case_versions")
    [ -n "$h1" ] && [ "$h1" = "$h2" ] && ok "the hub's documents are the hospital's" || bad "documents differ ($h1 / $h2)"
    # 3. not one identifier on the hub: every byte of its data, against the hospital's
    ids='Quixote|HN-SECRET|7700 900'
    nh=$("$PGBIN/pg_dump" -d "$hosp_url" --data-only 2>/dev/null | grep -Ec "$ids")
    nb=$("$PGBIN/pg_dump" -d "$hub_url" --data-only 2>/dev/null | grep -Ec "$ids")
    lines=$("$PGBIN/pg_dump" -d "$hub_url" --data-only 2>/dev/null | wc -l)
    [ "$nh" -gt 0 ] && ok "the hospital's dump holds the identifiers ($nh lines)" || bad "the hospital has no identifiers: the check below would prove nothing"
    [ "$lines" -gt 20 ] && [ "$nb" -eq 0 ] && ok "the hub's dump ($lines lines) holds not one identifier, reason or name" ||
      bad "the hub's dump ($lines lines) has $nb lines with identifiers"
    out=$(bash "$root/scripts/replication-hub.sh" check "$hub_url" 2>&1) && ok "replication-hub.sh check: $out" || bad "check: $out"
    lv=$("$PSQL" -X -At -d "$hub_url" -c "SELECT count(*) FROM research_versions" 2>&1)
    [ "$lv" = "$((l1 + l2 - 2))" ] && ok "research_versions leaves out the deleted cases' versions ($lv)" ||
      bad "research_versions: '$lv', expected $((l1 + l2 - 2))"
    # 4. researchers assess the replicated cases on the hub
    if install_ext "$hub_url"; then
      r=$("$PSQL" -X -At -d "$hub_url" -c "SELECT count(*), count(*) FILTER (WHERE spinemets_assess(document::jsonb)->'triage'->>'urgency'
          IN ('emergency', 'urgent', 'routine')) FROM case_versions" 2>&1)
      [ "$r" = "$((l1 + l2))|$((l1 + l2))" ] && ok "spinemets_assess() on the hub triages every replicated version ($r)" ||
        bad "assess on the hub: '$r'"
    else
      bad "the extension could not be created on the hub"
    fi
    ;;
  *) echo "usage: tests/ext/run.sh sqlite|postgresql|replication" >&2; echo "0 passed, 1 failed"; exit 2 ;;
esac
finish
