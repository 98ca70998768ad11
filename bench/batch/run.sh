#!/bin/bash
# bench/batch/run.sh: `spinemets batch` against a vectorised pandas script and
# against `cat FILE > OUT` (the floor: the bytes read and written once), on a
# generated 5,000,000-row cohort scored with revised Tokuhashi.
#
#   bench/batch/run.sh            (from the repository root; ROWS=..., RUNS=... to change)
#
# Needs the release build (run `make` first), python3-pandas (Debian) and
# hyperfine (optional: without it, bash `time`, median of RUNS runs). As root,
# missing Debian packages are installed with apt-get. Data and outputs go to
# $BUILD/bench/batch (the CSV is kept for reruns; the outputs are removed).
# Targets: at least 25x faster than pandas, within 5x of cat.
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ROWS=${ROWS:-5000000}
RUNS=${RUNS:-3}
PY=${PYTHON:-/usr/bin/python3}
BIN="$BUILD/spinemets"
dir="$BUILD/bench/batch"
mkdir -p "$dir"

if [ ! -x "$BIN" ] || [ "$BIN" -ot src/research/batch.c ]; then
  echo "building the release binary (make)" >&2
  make --no-print-directory >/dev/null
fi
missing=""
"$PY" -c 'import pandas' 2>/dev/null || missing="$missing python3-pandas"
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing:$missing" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 || true
  else
    echo "missing Debian packages:$missing (apt-get install -y$missing)" >&2
  fi
fi
"$PY" -c 'import pandas' || { echo "bench/batch: $PY cannot import pandas" >&2; exit 1; }

csv="$dir/cohort-$ROWS.csv"
if [ ! -s "$csv" ]; then
  echo "generating $ROWS rows -> $csv" >&2
  awk -v n="$ROWS" -f bench/batch/gen_cohort.awk > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi
out_sm="$dir/out-spinemets.csv" out_pd="$dir/out-pandas.csv" out_cat="$dir/out-cat.csv"
trap 'rm -f "$out_sm" "$out_pd" "$out_cat"' EXIT

cmd_sm="$BIN batch $csv --instrument tokuhashi_revised --output $out_sm"
cmd_pd="$PY bench/batch/tokuhashi_pandas.py $csv $out_pd"
cmd_cat="cat $csv > $out_cat"

# Correctness first: the two scorers must agree, byte for byte, on every row.
$cmd_sm 2>"$dir/summary.txt"
$cmd_pd
if cmp -s "$out_sm" "$out_pd"; then
  echo "check: spinemets batch and pandas outputs are identical ($(($(wc -l < "$out_sm") - 1)) rows)"
else
  echo "check FAILED: spinemets batch and pandas outputs differ:" >&2
  cmp "$out_sm" "$out_pd" >&2 || true
  diff <(head -n 1000 "$out_sm") <(head -n 1000 "$out_pd") | head -n 10 >&2
  exit 1
fi
sed 's/^/  /' "$dir/summary.txt"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
declare -A T
if command -v hyperfine >/dev/null 2>&1; then
  # page cache warm (the input was just read); `sync` before each run so that
  # earlier runs' dirty pages are not written back during the next one
  hyperfine --style basic --runs "$RUNS" --prepare sync --export-json "$dir/hyperfine.json" \
    -n spinemets "$cmd_sm 2>/dev/null" -n pandas "$cmd_pd" -n cat "$cmd_cat"
  for name in spinemets pandas cat; do
    T[$name]=$("$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["command"] == sys.argv[2]: print(r["median"])' "$dir/hyperfine.json" "$name")
  done
else
  for name in spinemets pandas cat; do
    case $name in spinemets) c="$cmd_sm 2>/dev/null" ;; pandas) c=$cmd_pd ;; cat) c=$cmd_cat ;; esac
    for _ in $(seq "$RUNS"); do
      sync
      s=$(date +%s.%N); bash -c "$c"; e=$(date +%s.%N)
      awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
    done > "$dir/times-$name"
    T[$name]=$(median < "$dir/times-$name")
  done
fi

size=$(du -m "$csv" | cut -f1)
printf '\n%-34s %10s\n' "revised Tokuhashi, $ROWS rows ($size MB)" "median s"
printf '%-34s %10.3f\n' "spinemets batch ($(nproc) threads)" "${T[spinemets]}" "pandas $("$PY" -c 'import pandas; print(pandas.__version__)') (vectorised)" "${T[pandas]}" "cat FILE > OUT" "${T[cat]}"
awk -v s="${T[spinemets]}" -v p="${T[pandas]}" -v c="${T[cat]}" -v n="$ROWS" 'BEGIN {
  printf "\npandas / spinemets = %.1fx (target >= 25x: %s)\n", p / s, ((p / s >= 25) ? "met" : "NOT met");
  printf "spinemets / cat    = %.1fx (target <= 5x: %s)\n", s / c, ((s / c <= 5) ? "met" : "NOT met");
  printf "rows per second    = %.2f million\n", n / s / 1e6 }'
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
