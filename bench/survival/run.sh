#!/bin/bash
# bench/survival/run.sh: `spinemets validate` against R's survival package on the same
# synthetic cohorts of 1,000,000 and 5,000,000 patients, in one run.
#
#   bench/survival/run.sh                  # both sizes
#   SIZES="200000 1000000" bench/survival/run.sh
#
# Each cohort is one CSV (time in integer days 1-3650, so many ties; event 0/1 with about
# 30 % censored; a Katagiri-like integer score 0-10 with ties, higher = shorter survival).
# Both sides are timed by wall clock as whole processes, reading the CSV included:
#   R          Rscript: read the CSV (data.table::fread when installed, else read.csv with
#              colClasses), survfit(Surv(time, event) ~ band, conf.type = "log-log") and
#              ~ 1 with summary(times = 3/6/12/24 months) and the median table, survdiff(~ band),
#              concordance(~ score, reverse = TRUE)
#   spinemets  build/spinemets validate FILE --instrument katagiri --time-unit days --json
#              (release build, -O2): the same curves, medians, survival at 3/6/12/24 months,
#              log-rank, Harrell's C with its SE, calibration, the JSON written
# The R script also prints its own phase times, and spinemets its own (--timings), and the
# two C-indices and chi-squares are printed side by side as a check that both did the work.
# Needs root (apt-get) for R when it is missing: scripts/deps.sh stats-ref.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZES=${SIZES:-"1000000 5000000"}
OUT=${BENCH_OUT:-build/bench/survival}
mkdir -p "$OUT"

scripts/deps.sh build stats-ref >&2
make -s build/spinemets >&2
BIN=build/spinemets

# ---- the cohort generator (deterministic: splitmix64) ----
cat >"$OUT/gen.c" <<'EOF'
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static uint64_t s = 20240611;
static uint64_t next(void) { uint64_t z = (s += 0x9e3779b97f4a7c15ULL); z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL; return z ^ (z >> 31); }
static double unif(void) { return ((double)(next() >> 11) + 0.5) / 9007199254740992.0; }
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  static char buf[1 << 20];
  setvbuf(stdout, buf, _IOFBF, sizeof buf);
  puts("id,time,event,score");
  for (long i = 1; i <= n; i++) {
    int k = (int)(unif() * 11);                       /* score 0-10 */
    double med = 60 * exp(-0.3 * k) * 30.4375;         /* median survival in days */
    long t = (long)(-log(unif()) * med / log(2)) + 1;  /* exponential event time */
    long c = (long)(unif() * 3650) + 1;                /* uniform censoring */
    int ev = t <= c;
    long tt = ev ? t : c;
    if (tt > 3650) { tt = 3650; ev = 0; }
    printf("%ld,%ld,%d,%d\n", i, tt, ev, k);
  }
  return 0;
}
EOF
cc -O2 -o "$OUT/gen" "$OUT/gen.c" -lm

# ---- the R side ----
cat >"$OUT/bench.R" <<'EOF'
args <- commandArgs(trailingOnly = TRUE)
t0 <- proc.time()[["elapsed"]]
suppressPackageStartupMessages(library(survival))
use_dt <- requireNamespace("data.table", quietly = TRUE)
t1 <- proc.time()[["elapsed"]]
if (use_dt) {
  d <- as.data.frame(data.table::fread(args[1], select = c("time", "event", "score"), showProgress = FALSE))
} else {
  d <- read.csv(args[1], colClasses = c("NULL", "numeric", "integer", "numeric"))
}
t2 <- proc.time()[["elapsed"]]
d$band <- cut(d$score, c(-Inf, 3, 6, Inf), labels = c("low", "intermediate", "high"))
fit <- survfit(Surv(time, event) ~ band, data = d, conf.type = "log-log")
fit1 <- survfit(Surv(time, event) ~ 1, data = d, conf.type = "log-log")
at <- c(3, 6, 12, 24) * 30.4375
s <- summary(fit, times = at); s1 <- summary(fit1, times = at)
tab <- summary(fit)$table; tab1 <- summary(fit1)$table
t3 <- proc.time()[["elapsed"]]
sd <- survdiff(Surv(time, event) ~ band, data = d)
t4 <- proc.time()[["elapsed"]]
cc <- concordance(Surv(time, event) ~ score, data = d, reverse = TRUE)
t5 <- proc.time()[["elapsed"]]
cat(sprintf("R_READER %s\nR_LOAD %.3f\nR_READ %.3f\nR_SURVFIT %.3f\nR_SURVDIFF %.3f\nR_CONCORDANCE %.3f\n",
            if (use_dt) "data.table::fread" else "read.csv", t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4))
cat(sprintf("R_C %.10f\nR_SE %.10f\nR_CHISQ %.6f\nR_MEDIANS %s\n", cc$concordance, sqrt(cc$var), sd$chisq,
            paste(tab[, "median"], collapse = " ")))
EOF

now() { date +%s.%N; }
printf '%s\n' "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(Rscript --version 2>&1 | head -1); survival $(Rscript -e 'cat(as.character(packageVersion("survival")))')"
printf '%-10s %10s %10s %12s %8s\n' "patients" "R (s)" "spinemets" "ratio" "target"
summary=""
for n in $SIZES; do
  f="$OUT/cohort-$n.csv"
  [ -s "$f" ] || "$OUT/gen" "$n" >"$f"
  sync
  cat "$f" >/dev/null # both read it from the page cache
  a=$(now); Rscript "$OUT/bench.R" "$f" >"$OUT/r-$n.txt"; b=$(now)
  "$BIN" validate "$f" --time time --event event --score score --instrument katagiri --time-unit days --json \
    --timings >"$OUT/spinemets-$n.json" 2>"$OUT/spinemets-$n.timings"; c=$(now)
  r=$(echo "$b - $a" | bc -l); s=$(echo "$c - $b" | bc -l); q=$(echo "$r / $s" | bc -l)
  ok=$(echo "$q >= 10" | bc -l)
  printf '%-10s %10.2f %10.2f %11.1fx %8s\n' "$n" "$r" "$s" "$q" "$([ "$ok" = 1 ] && echo 'met' || echo 'MISSED')"
  rc=$(sed -n 's/^R_C //p' "$OUT/r-$n.txt"); rx=$(sed -n 's/^R_CHISQ //p' "$OUT/r-$n.txt")
  sc=$(grep -o '"c_index": {"value": [0-9.e-]*' "$OUT/spinemets-$n.json" | sed 's/.*: //')
  sx=$(grep -o '"logrank": {"chisq": [0-9.e+-]*' "$OUT/spinemets-$n.json" | sed 's/.*: //')
  summary+="  $n: R phases: $(grep -E '^R_(READER|LOAD|READ|SURVFIT|SURVDIFF|CONCORDANCE) ' "$OUT/r-$n.txt" | sed 's/^R_//' | tr '\n' ' ')"$'\n'
  summary+="  $n: spinemets $(cat "$OUT/spinemets-$n.timings")"$'\n'
  summary+="  $n: C-index R $rc, spinemets $sc; log-rank chi-square R $rx, spinemets $sx"$'\n'
done
printf '%s' "$summary"
