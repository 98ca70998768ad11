/*
** survival.h: survival statistics for spinemets research (`spinemets validate`).
**
** A small pure-C library over plain column arrays: follow-up time, event
** indicator, group and score. It knows nothing about clinical items. Every
** number is meant to equal what R's survival package prints (see
** src/stats/README.md for the formulas and the R function each one matches):
**
**   sm_km_fit        survfit(Surv(time, event) ~ 1, conf.type = "log-log")
**   sm_km_at         summary(fit, times = t)
**   sm_km (median)   print(fit): median and its CI as print.survfit computes them
**   sm_logrank       survdiff(Surv(time, event) ~ group)           (rho = 0)
**   sm_concordance   concordance(Surv(time, event) ~ score)   (Harrell's C)
**
** Rules of the library (tested in tests/unit/test_stats.c):
**   1. No printing, no exit/abort, no globals. Every fallible call returns an
**      sm_status: SM_OK, SM_E_ARGUMENT (NULL pointer, bad size or level),
**      SM_E_DOMAIN (a time that is NaN, infinite or negative, an event other
**      than 0/1, a group out of range, a NaN score) or SM_E_NOMEM.
**      When `bad_row` is not NULL and the status is SM_E_DOMAIN, *bad_row is
**      set to the index of the first offending row.
**   2. Ownership: the caller owns every input array; the library reads it and
**      never keeps a pointer to it. Results that the library allocates
**      (sm_km, sm_logrank_result) are one block each, owned by the caller and
**      freed with their _free function; freeing NULL is a no-op. On failure
**      *out is set to NULL and nothing is left allocated.
**      sm_concordance_result is a plain caller-owned struct.
**   3. Scratch memory: each function takes `work`/`work_size`. Pass NULL/0
**      and the function allocates (and frees) its own scratch; or pass a
**      buffer of at least sm_*_work_size(n) bytes, aligned as malloc aligns,
**      that the function uses instead (too small: SM_E_ARGUMENT).
**   4. Cost: O(n log n) time and O(n) memory in the number of rows n (the
**      log-rank test adds O(m k^2) for m event times and k groups). Tested
**      with 5,000,000 rows.
**   5. Times are compared exactly (no tolerance). R's survival applies
**      aeqSurv() (timefix = TRUE), which merges times closer than about
**      1e-8 relatively; round times computed from dates before calling.
**   6. "Not available" is NAN: a median or confidence limit that is not
**      reached, a CI where R prints NA (S = 1 or S = 0 on the log-log scale).
**
** Anything not declared here is internal to src/stats/.
*/
#ifndef SM_SURVIVAL_H
#define SM_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spinemets.h" /* sm_status, sm_direction */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Kaplan-Meier ---------------------------------------------------------------------- */

/* One Kaplan-Meier curve. Read-only for the caller; free with sm_km_free. One row per
** distinct observed time (event or censoring), ascending, exactly as survfit's rows. */
typedef struct sm_km {
	size_t n;                   /* rows used */
	size_t n_events;            /* events among them */
	size_t n_times;             /* distinct times: length of every array below */
	double conf_level;          /* e.g. 0.95 */
	const double *time;         /* [n_times] distinct times, ascending */
	const size_t *n_risk;       /* [n_times] at risk just before time[j] (time >= time[j]) */
	const size_t *n_event;      /* [n_times] events at time[j] */
	const size_t *n_censor;     /* [n_times] censored at time[j] */
	const double *surv;         /* [n_times] S(time[j]) */
	const double *std_err;      /* [n_times] Greenwood SE of S (summary.survfit's std.err);
	                               NAN where S = 0, as R */
	const double *std_err_log;  /* [n_times] SE of log S: sqrt(sum d / (n (n - d)));
	                               survfit's $std.err; INFINITY once S = 0 */
	const double *lower;        /* [n_times] log-log CI; NAN where S is 1 or 0 (R's NA) */
	const double *upper;        /* [n_times] */
	double median;              /* first time with S <= 0.5 (print.survfit's rule, below);
	                               NAN = not reached */
	double median_lower;        /* the same rule applied to the lower curve; NAN = not reached */
	double median_upper;        /* the same rule applied to the upper curve; NAN = not reached */
} sm_km;

/* Bytes of scratch sm_km_fit needs for n rows; 0 when n is too large to address. */
size_t sm_km_work_size(size_t n);

/*
** sm_km_fit: the Kaplan-Meier estimate of the rows i with group[i] == which (all rows when
** `group` is NULL). time[i] must be finite and >= 0 and event[i] 0 (censored) or 1 (event)
** for every row used; rows of other groups are not read beyond group[i].
** conf_level is the two-sided level of the CI, in (0, 1) (R: conf.int = 0.95).
** No row used (n == 0 or an empty group) is not an error: the result has n_times == 0,
** and its median and CI are NAN.
** On SM_OK *out is a new sm_km owned by the caller (sm_km_free).
*/
sm_status sm_km_fit(const double *time, const int *event, size_t n, const int *group, int which,
                    double conf_level, void *work, size_t work_size, sm_km **out,
                    size_t *bad_row);

/* Free a curve from sm_km_fit. NULL is a no-op. */
void sm_km_free(sm_km *km);

/* The curve read at one time t, as summary(fit, times = t) reports it. */
typedef struct sm_km_point {
	bool available;  /* false when t is after the last observed time (R: "no points
	                    selected" unless extend = TRUE) or the curve is empty; then every
	                    number below is NAN / 0 */
	double surv;     /* S at the last event time <= t; 1 before the first time */
	double std_err;  /* Greenwood SE of S (0 before the first time) */
	double lower;    /* log-log CI; as R, 1 and 1 before the first time, NAN where S is
	                    1 at or after the first time, or 0 */
	double upper;
	size_t n_risk;   /* rows with time >= t */
} sm_km_point;

/* sm_km_at: evaluate the step function at t. t must not be NaN (SM_E_DOMAIN). */
sm_status sm_km_at(const sm_km *km, double t, sm_km_point *out);

/*
** sm_km_quantile_time: print.survfit's rule for the time where a curve y[0..m-1] (one value
** per time x[j], ascending) first reaches 0.5: skip NAN values; take the first j with
** y[j] < 0.5 + sqrt(DBL_EPSILON); when that y[j] is 0.5 within sqrt(DBL_EPSILON) and a
** later non-NAN y falls below it, return the midpoint of x[j] and the first such later x;
** otherwise x[j]. NAN when no y qualifies. Exposed so that callers (and tests) can apply it
** to any curve; sm_km_fit uses it for median, median_lower and median_upper.
*/
double sm_km_quantile_time(const double *x, const double *y, size_t m);

/* ---- Log-rank test (survdiff, rho = 0) ------------------------------------------------- */

/* Read-only for the caller; free with sm_logrank_free. */
typedef struct sm_logrank_result {
	size_t k;                /* groups (the k passed in) */
	size_t n;                /* rows used (group >= 0) */
	const size_t *n_group;   /* [k] rows per group */
	const double *observed;  /* [k] events per group */
	const double *expected;  /* [k] expected events under H0 */
	const double *var;       /* [k * k] row-major variance-covariance of O - E */
	double chisq;            /* (O - E)' V^- (O - E), see sm_logrank */
	size_t df;               /* degrees of freedom */
	double p_value;          /* upper tail of chi-square(df); NAN when df == 0 */
} sm_logrank_result;

/* Bytes of scratch sm_logrank needs for n rows and k groups; 0 when too large. */
size_t sm_logrank_work_size(size_t n, size_t k);

/*
** sm_logrank: the log-rank test of k groups (R: survdiff(Surv(time, event) ~ group)).
** group[i] is in 0..k-1; a negative group[i] marks a row without a group, which is left out
** (as R's na.action does), and its time and event are not read. A group >= k is
** SM_E_DOMAIN. k must be >= 1 (SM_E_ARGUMENT otherwise).
** As survdiff: groups with expected == 0 (empty, or never at risk at an event time) are
** left out, the first remaining group is dropped, and chisq is the quadratic form of the
** remaining O - E in the inverse of their variance block, solved by Cholesky
** decomposition. df is the rank of that block: k' - 1 for k' groups with expected > 0,
** exactly as R, whenever R gives an answer (R stops when the block is singular; here a
** singular block gives a generalised inverse and a smaller df). With df == 0, chisq is 0
** and p_value NAN.
** On SM_OK *out is a new result owned by the caller (sm_logrank_free).
*/
sm_status sm_logrank(const double *time, const int *event, const int *group, size_t n, size_t k,
                     void *work, size_t work_size, sm_logrank_result **out, size_t *bad_row);

/* Free a result from sm_logrank. NULL is a no-op. */
void sm_logrank_free(sm_logrank_result *lr);

/* ---- Harrell's concordance ------------------------------------------------------------- */

typedef struct sm_concordance_result {
	size_t n;              /* rows used */
	double concordance;    /* (concordant + tied_x / 2) / (concordant + discordant + tied_x);
	                          NAN when no pair is comparable */
	double std_err;        /* sqrt(var) */
	double var;            /* infinitesimal-jackknife variance, as concordance()$var */
	double concordant;     /* counts of comparable pairs (exact integers in a double) */
	double discordant;
	double tied_x;         /* comparable pairs with equal scores */
	double tied_y;         /* pairs of events at the same time, scores differ */
	double tied_xy;        /* pairs of events at the same time, equal scores */
} sm_concordance_result;

/* Bytes of scratch sm_concordance needs for n rows; 0 when too large. */
size_t sm_concordance_work_size(size_t n);

/*
** sm_concordance: Harrell's C of score against (time, event), O(n log n).
** A pair is comparable when the shorter time is an event. Two events at the same time are
** not comparable (tied_y / tied_xy); an event and a censoring at the same time are, the
** censored row counting as the longer survivor; two censored rows never are. A comparable
** pair with equal scores counts 1/2 (tied_x).
** direction says what a high score predicts:
**   SM_HIGHER_IS_BETTER  a higher score predicts LONGER survival: R's default,
**                        concordance(Surv(time, event) ~ score) (reverse = FALSE);
**   SM_HIGHER_IS_WORSE   a higher score predicts SHORTER survival (a risk score):
**                        concordance(..., reverse = TRUE); concordant and discordant swap.
**   anything else        SM_E_ARGUMENT.
** std_err matches R's default (infinitesimal jackknife, concordance()$var, unweighted,
** timewt = "n"): with N = concordant + discordant + tied_x, D = (concordant - discordant)/N
** and, for each row i, c_i, d_i, t_i its concordant, discordant and tied_x pairs,
** var = sum_i ((c_i - d_i) - D (c_i + d_i + t_i))^2 / (4 N^2).
** score[i] may be infinite but not NaN (SM_E_DOMAIN; drop missing scores first).
*/
sm_status sm_concordance(const double *time, const int *event, const double *score, size_t n,
                         sm_direction direction, void *work, size_t work_size,
                         sm_concordance_result *out, size_t *bad_row);

/* ---- Distributions --------------------------------------------------------------------- */

/* Upper tail P(X > x) of a chi-square with df > 0 degrees of freedom: R's
** pchisq(x, df, lower.tail = FALSE). 1 for x <= 0; NAN for NaN input or df <= 0. */
double sm_pchisq_upper(double x, double df);

/* Regularised upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a), a > 0, x >= 0. */
double sm_gamma_q(double a, double x);

/* Standard normal quantile: R's qnorm(p). -INFINITY / INFINITY at 0 / 1; NAN outside. */
double sm_qnorm(double p);

#ifdef __cplusplus
}
#endif

#endif
