#!/bin/bash
# bench/sql/run.sh: revised Tokuhashi scored inside the databases (issue #16).
#
#   bench/sql/run.sh                  (from the repository root)
#   ROWS=5000000 ROUNDS=3 bench/sql/run.sh
#
# On one generated cohort (bench/batch/gen_cohort.awk, seed 42; ROWS rows,
# default 1,000,000), each round times, in this order (rounds interleave the
# configurations so that load changes hit them all alike):
#   pg floor    SELECT count(sm_floor('tokuhashi_revised', items)) FROM t, where
#               sm_floor is a trivial SQL function returning its argument: the
#               engine's own cost of scanning the rows and calling a function
#   pg score    SELECT count(spinemets_score('tokuhashi_revised', items)) FROM t
#   (both with parallel workers allowed, max_parallel_workers_per_gather = 2,
#    and again serially, = 0; the score once more in parallel with its result
#    cache off, SET spinemets.cache = off: every row scored)
#   sqlite floor / score    the same queries in SQLite (the floor calls the
#               built-in length()) with the loadable extension
#   batch       spinemets batch on the same rows as CSV (2 threads)
# and prints the median wall time of each, the cost per row and the ratios.
# The PostgreSQL cluster is private and thrown away (tests/store/pg.sh); the
# extension is installed as root (CREATE EXTENSION), else created from its
# script. Checks first that all three give the same sum of totals.
# Needs `make` and `make ext` (run here when missing). Data in $BUILD/bench/sql.
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)
BUILD=${BUILD:-build}
ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-3}
BIN="$BUILD/spinemets"
dir="$root/$BUILD/bench/sql"
mkdir -p "$dir"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PSQL="$PGBIN/psql"

[ -x "$BIN" ] || make --no-print-directory >/dev/null
[ -f build/ext/pg/spinemets.so ] && [ -f build/ext/spinemets_sqlite.so ] || make --no-print-directory ext >/dev/null

csv="$dir/cohort-$ROWS.csv"
if [ ! -s "$csv" ]; then
  echo "generating $ROWS rows -> $csv" >&2
  awk -v n="$ROWS" -f bench/batch/gen_cohort.awk > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi

# ---- PostgreSQL: a private cluster ----
pgdir=$(mktemp -d /tmp/spinemets-bench-sql.XXXXXX)
chmod 755 "$pgdir"
cp "$csv" "$pgdir/cohort.csv" && chmod 644 "$pgdir/cohort.csv"
trap 'bash tests/store/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -f "$dir/out.csv"' EXIT
PG_OPTS="-c shared_buffers=256MB -c max_parallel_workers_per_gather=2 -c jit=off" \
  bash tests/store/pg.sh start "$pgdir" >/dev/null
url=$(bash tests/store/pg.sh url "$pgdir")
pq() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@"; }
if [ "$(id -u)" = 0 ]; then
  install -m 755 build/ext/pg/spinemets.so "$("$PGBIN/pg_config" --pkglibdir)/"
  install -m 644 ext/postgresql/spinemets.control ext/postgresql/spinemets--0.1.0.sql "$("$PGBIN/pg_config" --sharedir)/extension/"
  pq -c "CREATE EXTENSION spinemets"
else
  sed -e '/^\\echo/d' -e "s|MODULE_PATHNAME|$root/build/ext/pg/spinemets|" ext/postgresql/spinemets--0.1.0.sql | pq
fi
echo "loading $ROWS rows into PostgreSQL and SQLite" >&2
pq <<SQL
CREATE FUNCTION sm_floor(instrument text, items jsonb) RETURNS jsonb
  AS 'SELECT items' LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT;
CREATE TEMP TABLE raw (id text, kps text, e text, v text, o text, p text, f text);
COPY raw FROM '$pgdir/cohort.csv' WITH (FORMAT csv, HEADER true);
CREATE TABLE t AS SELECT id, jsonb_strip_nulls(jsonb_build_object('kps', NULLIF(kps, '')::int,
  'extraspinal_bone_metastases', e::int, 'vertebral_body_metastases', v::int,
  'major_organ_metastases', o, 'primary', NULLIF(p, ''), 'frankel', f)) AS items FROM raw;
VACUUM ANALYZE t;
SQL
db="$dir/cohort-$ROWS.db"
if [ ! -s "$db" ]; then
  rm -f "$db.tmp"
  sqlite3 "$db.tmp" <<SQL
CREATE TABLE raw (id TEXT, kps TEXT, e TEXT, v TEXT, o TEXT, p TEXT, f TEXT);
.mode csv
.import --skip 1 $csv raw
CREATE TABLE t AS SELECT id, json_object('kps', CAST(NULLIF(kps, '') AS INTEGER),
  'extraspinal_bone_metastases', CAST(e AS INTEGER), 'vertebral_body_metastases', CAST(v AS INTEGER),
  'major_organ_metastases', o, 'primary', NULLIF(p, ''), 'frankel', f) AS items FROM raw;
DROP TABLE raw;
VACUUM;
SQL
  mv "$db.tmp" "$db"
fi
lite() { sqlite3 "$db" ".load $root/build/ext/spinemets_sqlite" "$@"; }

# ---- the same answer everywhere ----
sum_pg=$(pq -c "SELECT sum((spinemets_score('tokuhashi_revised', items)->>'total')::int) FROM t")
sum_lite=$(lite "SELECT sum(json_extract(spinemets_score('tokuhashi_revised', items), '\$.total')) FROM t")
"$BIN" batch "$csv" --instrument tokuhashi_revised --output "$dir/out.csv" 2>/dev/null
sum_batch=$(awk -F, 'NR > 1 { s += $8 } END { printf "%d", s }' "$dir/out.csv")
if [ "$sum_pg" = "$sum_lite" ] && [ "$sum_pg" = "$sum_batch" ]; then
  echo "check: PostgreSQL, SQLite and batch agree: sum of totals $sum_pg over $ROWS rows"
else
  echo "check FAILED: sums of totals: PostgreSQL $sum_pg, SQLite $sum_lite, batch $sum_batch" >&2
  exit 1
fi

now() { date +%s.%N; }
declare -A T
timeit() { # timeit NAME COMMAND...: append the wall time of one run to T[NAME]
  local name=$1 t0 t1; shift
  t0=$(now); "$@" >/dev/null; t1=$(now)
  T[$name]="${T[$name]:-} $(echo "$t1 - $t0" | bc -l)"
}
par=(-c "SET max_parallel_workers_per_gather = 2")
ser=(-c "SET max_parallel_workers_per_gather = 0")
q_floor="SELECT count(sm_floor('tokuhashi_revised', items)) FROM t"
q_score="SELECT count(spinemets_score('tokuhashi_revised', items)) FROM t"
workers=$(pq "${par[@]}" -c "EXPLAIN (ANALYZE, COSTS OFF) $q_score" | sed -n 's/.*Workers Launched: \([0-9]*\).*/\1/p' | head -n 1)
distinct=$(pq -c "SELECT count(DISTINCT items) FROM t")
echo "$distinct distinct combinations of the six items in $ROWS rows"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL workers launched: ${workers:-0} (+ the leader)"
for r in $(seq "$ROUNDS"); do
  echo "round $r/$ROUNDS" >&2
  timeit pg_floor_par pq "${par[@]}" -c "$q_floor"
  timeit pg_score_par pq "${par[@]}" -c "$q_score"
  timeit pg_floor_ser pq "${ser[@]}" -c "$q_floor"
  timeit pg_score_ser pq "${ser[@]}" -c "$q_score"
  timeit pg_nocache_par pq "${par[@]}" -c "SET spinemets.cache = off" -c "$q_score"
  timeit lite_floor lite "SELECT count(length(items)) FROM t"
  timeit lite_score lite "SELECT count(spinemets_score('tokuhashi_revised', items)) FROM t"
  timeit batch "$BIN" batch "$csv" --instrument tokuhashi_revised --output "$dir/out.csv"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
declare -A M
for k in "${!T[@]}"; do M[$k]=$(echo "${T[$k]}" | median); done
row() { # row LABEL KEY
  printf '%-46s %9.3f s %9.3f us/row   (runs:%s)\n' "$1" "${M[$2]}" "$(echo "${M[$2]} * 1000000 / $ROWS" | bc -l)" "${T[$2]}"
}
echo
echo "$ROWS rows, revised Tokuhashi, median of $ROUNDS rounds (wall clock, whole query or process)"
row "PostgreSQL floor, parallel (sm_floor)" pg_floor_par
row "PostgreSQL spinemets_score, parallel" pg_score_par
row "PostgreSQL spinemets_score, parallel, no cache" pg_nocache_par
row "PostgreSQL floor, serial" pg_floor_ser
row "PostgreSQL spinemets_score, serial" pg_score_ser
row "SQLite floor (length)" lite_floor
row "SQLite spinemets_score" lite_score
row "spinemets batch (CSV, 2 threads)" batch
ratio() { echo "scale=2; ${M[$1]} / ${M[$2]}" | bc -l; }
echo
echo "PostgreSQL score / floor, parallel: $(ratio pg_score_par pg_floor_par)x (target <= 2x)"
echo "PostgreSQL score / floor, serial:   $(ratio pg_score_ser pg_floor_ser)x"
echo "PostgreSQL no cache / floor, par.:  $(ratio pg_nocache_par pg_floor_par)x"
echo "SQLite score / floor:               $(ratio lite_score lite_floor)x"
echo "PostgreSQL parallel / batch:        $(ratio pg_score_par batch)x"
echo "SQLite / batch:                     $(ratio lite_score batch)x"
