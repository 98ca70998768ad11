/*
** test_stats.c: the survival statistics of src/stats/ against R.
**
** The cohorts (tests/fixtures/NAME.csv) and R's numbers for them (NAME-expected.txt) are written
** by tests/fixtures/make-expected.R and committed; this suite only reads them (run from
** the repository root). Every number is compared to within 1e-6 relatively (1e-12
** absolutely near zero); NA/NaN must match NAN. Further tests cover the edge cases (empty
** group, all censored, one row, all events at one time, invalid input), an O(n^2)
** brute-force check of the concordance counts and variance, caller scratch buffers, and
** 5,000,000 rows.
*/
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "stats/survival.h"

#define REL_TOL 1e-6
#define ABS_TOL 1e-12

/* ---- comparing numbers ----------------------------------------------------------------- */

static bool close_enough(double got, double want)
{
	if (isnan(want))
		return isnan(got);
	if (isinf(want))
		return got == want;
	if (isnan(got) || isinf(got))
		return false;
	double diff = fabs(got - want);
	return diff <= ABS_TOL || diff <= REL_TOL * fabs(want);
}

static size_t n_compared; /* numbers compared (reported in the log) */
static double max_rel;    /* largest relative difference seen among them */

static void check_close(double got, double want, const char *fmt, ...)
{
	n_compared++;
	if (isfinite(got) && isfinite(want) && want != 0.0 && fabs(got - want) / fabs(want) > max_rel)
		max_rel = fabs(got - want) / fabs(want);
	if (close_enough(got, want))
		return;
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	fail_msg("%s: got %.17g, R says %.17g", what, got, want);
}

/* ---- reading the fixtures ---------------------------------------------------------------- */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* An expected-values file: "key v1 v2 ..." lines. */
typedef struct fx_entry {
	const char *key;
	const char *val;
} fx_entry;

typedef struct fx_file {
	char *buf;
	fx_entry *e;
	size_t n;
} fx_file;

static void fx_load(fx_file *fx, const char *path)
{
	size_t cap = 64;
	fx->buf = read_text(path);
	fx->n = 0;
	fx->e = malloc(cap * sizeof *fx->e);
	assert_non_null(fx->e);
	for (char *line = fx->buf; line != NULL && *line != '\0';) {
		char *next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (*line != '#' && *line != '\0') {
			char *sp = strchr(line, ' ');
			if (fx->n == cap) {
				cap *= 2;
				fx->e = realloc(fx->e, cap * sizeof *fx->e);
				assert_non_null(fx->e);
			}
			if (sp != NULL)
				*sp++ = '\0';
			fx->e[fx->n].key = line;
			fx->e[fx->n].val = sp ? sp : "";
			fx->n++;
		}
		line = next;
	}
}

static void fx_free(fx_file *fx)
{
	free(fx->e);
	free(fx->buf);
}

static const char *fx_text(const fx_file *fx, const char *key)
{
	for (size_t i = 0; i < fx->n; i++)
		if (strcmp(fx->e[i].key, key) == 0)
			return fx->e[i].val;
	fail_msg("expected file has no key %s", key);
	return NULL;
}

/* The numbers of a key, in a new array (free it); NA becomes NAN. */
static size_t fx_nums(const fx_file *fx, const char *key, double **out)
{
	const char *s = fx_text(fx, key);
	size_t n = 0, cap = 16;
	double *v = malloc(cap * sizeof *v);
	assert_non_null(v);
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof *v);
			assert_non_null(v);
		}
		if (strncmp(s, "NA", 2) == 0 && (s[2] == ' ' || s[2] == '\0')) {
			v[n++] = NAN;
			s += 2;
			continue;
		}
		char *end;
		v[n++] = strtod(s, &end);
		if (end == s)
			fail_msg("%s: not a number at \"%.20s\"", key, s);
		s = end;
	}
	*out = v;
	return n;
}

static double fx_num(const fx_file *fx, const char *key)
{
	double *v;
	size_t n = fx_nums(fx, key, &v);
	assert_int_equal(n, 1);
	double x = v[0];
	free(v);
	return x;
}

/* A CSV file of numbers with a header; empty cells are NAN. Column-major. */
typedef struct csv_file {
	size_t nrow, ncol;
	char **name;
	double *v; /* v[col * nrow + row] */
	char *buf;
} csv_file;

static size_t count_fields(const char *line)
{
	size_t n = 1;
	for (; *line != '\0' && *line != '\n'; line++)
		if (*line == ',')
			n++;
	return n;
}

static void csv_load(csv_file *c, const char *path)
{
	c->buf = read_text(path);
	char *p = c->buf;
	c->ncol = count_fields(p);
	c->nrow = 0;
	for (char *q = p; *q != '\0'; q++)
		if (*q == '\n' && q[1] != '\0')
			c->nrow++;
	c->name = malloc(c->ncol * sizeof *c->name);
	c->v = malloc((c->ncol * c->nrow + 1) * sizeof *c->v);
	assert_non_null(c->name);
	assert_non_null(c->v);
	for (size_t j = 0; j < c->ncol; j++) {
		c->name[j] = p;
		p += strcspn(p, ",\n");
		*p++ = '\0';
	}
	for (size_t i = 0; i < c->nrow; i++) {
		assert_int_equal(count_fields(p), c->ncol);
		for (size_t j = 0; j < c->ncol; j++) {
			char *end;
			size_t len = strcspn(p, ",\n");
			if (len == 0) {
				c->v[j * c->nrow + i] = NAN;
			} else {
				c->v[j * c->nrow + i] = strtod(p, &end);
				assert_ptr_equal(end, p + len);
			}
			p += len;
			if (*p != '\0')
				p++;
		}
	}
}

static const double *csv_col(const csv_file *c, const char *name)
{
	for (size_t j = 0; j < c->ncol; j++)
		if (strcmp(c->name[j], name) == 0)
			return c->v + j * c->nrow;
	fail_msg("CSV has no column %s", name);
	return NULL;
}

static void csv_free(csv_file *c)
{
	free(c->name);
	free(c->v);
	free(c->buf);
}

/* One cohort with its R expectations. */
typedef struct cohort {
	const char *name;
	fx_file fx;
	csv_file csv;
	size_t n;
	const double *time;
	int *event;
	int *group; /* -1 where the group is NA */
	double *groups;
	size_t k;
} cohort;

static void cohort_load(cohort *c, const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/%s-expected.txt", name);
	c->name = name;
	fx_load(&c->fx, path);
	csv_load(&c->csv, fx_text(&c->fx, "spec.csv"));
	c->n = c->csv.nrow;
	c->time = csv_col(&c->csv, fx_text(&c->fx, "spec.time"));
	const double *st = csv_col(&c->csv, fx_text(&c->fx, "spec.status"));
	const double *gr = csv_col(&c->csv, fx_text(&c->fx, "spec.group"));
	c->event = malloc((c->n + 1) * sizeof *c->event);
	c->group = malloc((c->n + 1) * sizeof *c->group);
	assert_non_null(c->event);
	assert_non_null(c->group);
	for (size_t i = 0; i < c->n; i++) {
		c->event[i] = (int)st[i];
		c->group[i] = isnan(gr[i]) ? -1 : (int)gr[i];
	}
	c->k = fx_nums(&c->fx, "spec.groups", &c->groups);
	for (size_t g = 0; g < c->k; g++)
		assert_true(c->groups[g] == (double)g); /* groups are 0..k-1 */
}

static void cohort_free(cohort *c)
{
	free(c->event);
	free(c->group);
	free(c->groups);
	csv_free(&c->csv);
	fx_free(&c->fx);
}

/* ---- Kaplan-Meier against survfit / summary / print ---------------------------------------- */

static void check_array(const cohort *c, const char *key, const double *got, size_t n)
{
	double *want;
	size_t m = fx_nums(&c->fx, key, &want);
	if (m != n)
		fail_msg("%s %s: %zu values, R has %zu", c->name, key, n, m);
	for (size_t j = 0; j < n; j++)
		check_close(got[j], want[j], "%s %s[%zu]", c->name, key, j);
	free(want);
}

static void check_size_array(const cohort *c, const char *key, const size_t *got, size_t n)
{
	double *tmp = malloc((n + 1) * sizeof *tmp);
	assert_non_null(tmp);
	for (size_t j = 0; j < n; j++)
		tmp[j] = (double)got[j];
	check_array(c, key, tmp, n);
	free(tmp);
}

static void check_km(const cohort *c, const char *label, const int *group, int which)
{
	char key[128];
	sm_km *km = NULL;
	size_t bad = 12345;

	assert_int_equal(sm_km_fit(c->time, c->event, c->n, group, which, 0.95, NULL, 0, &km, &bad),
	                 SM_OK);
	assert_non_null(km);
	assert_int_equal(bad, 12345); /* untouched on success */
	snprintf(key, sizeof key, "km.%s.n", label);
	check_close((double)km->n, fx_num(&c->fx, key), "%s %s", c->name, key);
	snprintf(key, sizeof key, "km.%s.events", label);
	check_close((double)km->n_events, fx_num(&c->fx, key), "%s %s", c->name, key);

#define KM_ARRAY(field, fn)                                                                   \
	snprintf(key, sizeof key, "km.%s." #field, label);                                      \
	fn(c, key, km->field, km->n_times)
	KM_ARRAY(time, check_array);
	KM_ARRAY(n_risk, check_size_array);
	KM_ARRAY(n_event, check_size_array);
	KM_ARRAY(n_censor, check_size_array);
	KM_ARRAY(surv, check_array);
	KM_ARRAY(std_err, check_array);
	KM_ARRAY(std_err_log, check_array);
	KM_ARRAY(lower, check_array);
	KM_ARRAY(upper, check_array);
#undef KM_ARRAY

	double med[3] = {km->median, km->median_lower, km->median_upper};
	snprintf(key, sizeof key, "km.%s.median", label);
	check_array(c, key, med, 3);

	double *times, *avail;
	size_t nt = fx_nums(&c->fx, "spec.times", &times);
	snprintf(key, sizeof key, "km.%s.at.available", label);
	assert_int_equal(fx_nums(&c->fx, key, &avail), nt);
	double *v[5];
	for (int f = 0; f < 5; f++) {
		v[f] = malloc(nt * sizeof *v[f]);
		assert_non_null(v[f]);
	}
	for (size_t j = 0; j < nt; j++) {
		sm_km_point pt;
		assert_int_equal(sm_km_at(km, times[j], &pt), SM_OK);
		if (pt.available != (avail[j] == 1.0))
			fail_msg("%s km.%s at %g: available %d, R %g", c->name, label, times[j],
			         (int)pt.available, avail[j]);
		v[0][j] = pt.surv;
		v[1][j] = pt.std_err;
		v[2][j] = pt.lower;
		v[3][j] = pt.upper;
		v[4][j] = (double)pt.n_risk;
	}
	static const char *const at_keys[5] = {"surv", "std_err", "lower", "upper", "n_risk"};
	for (int f = 0; f < 5; f++) {
		snprintf(key, sizeof key, "km.%s.at.%s", label, at_keys[f]);
		check_array(c, key, v[f], nt);
		free(v[f]);
	}
	free(times);
	free(avail);
	sm_km_free(km);
}

static void test_cohort_km(void **state)
{
	cohort c;
	sm_km *km;
	cohort_load(&c, *state);
	check_km(&c, "all", NULL, 0);
	/* another confidence level: survfit(..., conf.int = 0.90) */
	assert_int_equal(sm_km_fit(c.time, c.event, c.n, NULL, 0, 0.90, NULL, 0, &km, NULL), SM_OK);
	check_array(&c, "km90.all.lower", km->lower, km->n_times);
	check_array(&c, "km90.all.upper", km->upper, km->n_times);
	double med[3] = {km->median, km->median_lower, km->median_upper};
	check_array(&c, "km90.all.median", med, 3);
	sm_km_free(km);
	for (size_t g = 0; g < c.k; g++) {
		char label[32];
		snprintf(label, sizeof label, "%zu", g);
		check_km(&c, label, c.group, (int)g);
	}
	cohort_free(&c);
}

/* ---- log-rank against survdiff ------------------------------------------------------------ */

static void test_cohort_logrank(void **state)
{
	cohort c;
	sm_logrank_result *lr = NULL;
	cohort_load(&c, *state);
	assert_int_equal(sm_logrank(c.time, c.event, c.group, c.n, c.k, NULL, 0, &lr, NULL), SM_OK);
	assert_non_null(lr);
	assert_int_equal(lr->k, c.k);
	check_size_array(&c, "logrank.n", lr->n_group, c.k);
	check_array(&c, "logrank.obs", lr->observed, c.k);
	check_array(&c, "logrank.exp", lr->expected, c.k);
	check_array(&c, "logrank.var", lr->var, c.k * c.k);
	check_close(lr->chisq, fx_num(&c.fx, "logrank.chisq"), "%s chisq", c.name);
	check_close((double)lr->df, fx_num(&c.fx, "logrank.df"), "%s df", c.name);
	check_close(lr->p_value, fx_num(&c.fx, "logrank.p"), "%s p", c.name);
	sm_logrank_free(lr);
	cohort_free(&c);
}

/* ---- concordance against concordance() ---------------------------------------------------- */

static void test_cohort_concordance(void **state)
{
	cohort c;
	cohort_load(&c, *state);
	char *scores = strdup(fx_text(&c.fx, "spec.scores"));
	assert_non_null(scores);
	double *t = malloc((c.n + 1) * sizeof *t), *x = malloc((c.n + 1) * sizeof *x);
	int *e = malloc((c.n + 1) * sizeof *e);
	assert_non_null(t);
	assert_non_null(x);
	assert_non_null(e);
	char *save = NULL;
	for (char *sc = strtok_r(scores, " ", &save); sc != NULL; sc = strtok_r(NULL, " ", &save)) {
		const double *col = csv_col(&c.csv, sc);
		size_t m = 0;
		for (size_t i = 0; i < c.n; i++) {
			if (isnan(col[i]))
				continue; /* R drops rows with a missing score */
			t[m] = c.time[i];
			e[m] = c.event[i];
			x[m] = col[i];
			m++;
		}
		for (int dir = 0; dir < 2; dir++) {
			char key[128];
			const char *dname = dir ? "worse" : "better";
			sm_concordance_result r;
			assert_int_equal(sm_concordance(t, e, x, m,
			                                 dir ? SM_HIGHER_IS_WORSE : SM_HIGHER_IS_BETTER,
			                                 NULL, 0, &r, NULL),
			                 SM_OK);
			snprintf(key, sizeof key, "conc.%s.%s.n", sc, dname);
			check_close((double)r.n, fx_num(&c.fx, key), "%s %s", c.name, key);
			snprintf(key, sizeof key, "conc.%s.%s.concordance", sc, dname);
			check_close(r.concordance, fx_num(&c.fx, key), "%s %s", c.name, key);
			snprintf(key, sizeof key, "conc.%s.%s.var", sc, dname);
			check_close(r.var, fx_num(&c.fx, key), "%s %s", c.name, key);
			snprintf(key, sizeof key, "conc.%s.%s.std_err", sc, dname);
			check_close(r.std_err, fx_num(&c.fx, key), "%s %s", c.name, key);
			double counts[5] = {r.concordant, r.discordant, r.tied_x, r.tied_y, r.tied_xy};
			snprintf(key, sizeof key, "conc.%s.%s.count", sc, dname);
			check_array(&c, key, counts, 5);
		}
	}
	free(t);
	free(x);
	free(e);
	free(scores);
	cohort_free(&c);
}

/* ---- the numbers the brief quotes, read straight from our output ------------------------- */

static void test_lung_known_values(void **state)
{
	(void)state;
	cohort c;
	cohort_load(&c, "lung");
	static const double medians[3] = {394, 306, 199};
	for (int g = 0; g < 3; g++) {
		sm_km *km;
		assert_int_equal(sm_km_fit(c.time, c.event, c.n, c.group, g, 0.95, NULL, 0, &km, NULL),
		                 SM_OK);
		assert_true(km->median == medians[g]);
		sm_km_free(km);
	}
	sm_logrank_result *lr;
	assert_int_equal(sm_logrank(c.time, c.event, c.group, c.n, 4, NULL, 0, &lr, NULL), SM_OK);
	assert_int_equal(lr->n, 227); /* one NA ph.ecog left out */
	assert_int_equal(lr->df, 3);
	assert_true(fabs(lr->chisq - 22.0) < 0.05);
	sm_logrank_free(lr);

	const double *karno = csv_col(&c.csv, "ph.karno");
	double t[300], x[300];
	int e[300];
	size_t m = 0;
	for (size_t i = 0; i < c.n; i++)
		if (!isnan(karno[i])) {
			t[m] = c.time[i];
			e[m] = c.event[i];
			x[m++] = karno[i];
		}
	sm_concordance_result r;
	assert_int_equal(sm_concordance(t, e, x, m, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL), SM_OK);
	assert_true(fabs(r.concordance - 0.598) < 0.0005);
	assert_int_equal(sm_concordance(t, e, x, m, SM_HIGHER_IS_WORSE, NULL, 0, &r, NULL), SM_OK);
	assert_true(fabs(r.concordance - 0.402) < 0.0005);
	cohort_free(&c);
}

/* ---- distributions ------------------------------------------------------------------------ */

static void test_distributions(void **state)
{
	(void)state;
	fx_file fx;
	size_t nq = 0, nc = 0;
	fx_load(&fx, "tests/fixtures/dist-expected.txt");
	for (size_t i = 0; i < fx.n; i++) {
		double a, b, want;
		if (strcmp(fx.e[i].key, "qnorm") == 0) {
			assert_int_equal(sscanf(fx.e[i].val, "%lf %lf", &a, &want), 2);
			check_close(sm_qnorm(a), want, "qnorm(%g)", a);
			nq++;
		} else if (strcmp(fx.e[i].key, "pchisq") == 0) {
			assert_int_equal(sscanf(fx.e[i].val, "%lf %lf %lf", &a, &b, &want), 3);
			check_close(sm_pchisq_upper(a, b), want, "pchisq(%g, %g)", a, b);
			nc++;
		}
	}
	assert_true(nq >= 10);
	assert_true(nc >= 100);
	fx_free(&fx);
	assert_true(sm_qnorm(0.0) == -INFINITY);
	assert_true(sm_qnorm(1.0) == INFINITY);
	assert_true(isnan(sm_qnorm(-0.1)));
	assert_true(isnan(sm_qnorm(NAN)));
	assert_true(sm_pchisq_upper(0.0, 3.0) == 1.0);
	assert_true(sm_pchisq_upper(-1.0, 3.0) == 1.0);
	assert_true(isnan(sm_pchisq_upper(1.0, 0.0)));
	assert_true(isnan(sm_pchisq_upper(NAN, 1.0)));
	assert_true(sm_gamma_q(2.0, INFINITY) == 0.0);
	assert_true(isnan(sm_gamma_q(-1.0, 1.0)));
	/* Q(1, x) = exp(-x) */
	for (double xx = 0.125; xx < 200; xx *= 2)
		check_close(sm_gamma_q(1.0, xx), exp(-xx), "Q(1, %g)", xx);
}

/* ---- edge cases ---------------------------------------------------------------------------- */

static void test_km_empty(void **state)
{
	(void)state;
	sm_km *km = NULL;
	sm_km_point pt;
	assert_int_equal(sm_km_fit(NULL, NULL, 0, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_non_null(km);
	assert_int_equal(km->n, 0);
	assert_int_equal(km->n_times, 0);
	assert_true(isnan(km->median) && isnan(km->median_lower) && isnan(km->median_upper));
	assert_int_equal(sm_km_at(km, 1.0, &pt), SM_OK);
	assert_false(pt.available);
	assert_true(isnan(pt.surv));
	sm_km_free(km);

	/* a group with no rows; rows of other groups are not validated */
	double t[3] = {1, NAN, 3};
	int e[3] = {1, 1, 0}, g[3] = {0, 1, 0};
	assert_int_equal(sm_km_fit(t, e, 3, g, 2, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_int_equal(km->n_times, 0);
	assert_true(isnan(km->median));
	assert_int_equal(sm_km_at(km, 0.0, &pt), SM_OK);
	assert_false(pt.available);
	sm_km_free(km);
	sm_km_free(NULL);
}

static void test_km_all_censored(void **state)
{
	(void)state;
	double t[5] = {4, 1, 3, 3, 5};
	int e[5] = {0, 0, 0, 0, 0};
	sm_km *km;
	sm_km_point pt;
	assert_int_equal(sm_km_fit(t, e, 5, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_int_equal(km->n_times, 4);
	assert_int_equal(km->n_events, 0);
	for (size_t j = 0; j < km->n_times; j++) {
		assert_true(km->surv[j] == 1.0);
		assert_true(km->std_err[j] == 0.0);
		assert_true(isnan(km->lower[j]) && isnan(km->upper[j])); /* R: NA at S = 1 */
	}
	assert_int_equal(km->n_censor[1], 2);
	assert_true(isnan(km->median) && isnan(km->median_lower) && isnan(km->median_upper));
	assert_int_equal(sm_km_at(km, 0.5, &pt), SM_OK); /* before the first time */
	assert_true(pt.available && pt.surv == 1.0 && pt.std_err == 0.0);
	assert_true(pt.lower == 1.0 && pt.upper == 1.0);
	assert_int_equal(pt.n_risk, 5);
	assert_int_equal(sm_km_at(km, 3.5, &pt), SM_OK);
	assert_true(pt.available && pt.surv == 1.0 && isnan(pt.lower));
	assert_int_equal(pt.n_risk, 2);
	assert_int_equal(sm_km_at(km, 5.0, &pt), SM_OK);
	assert_true(pt.available);
	assert_int_equal(pt.n_risk, 1);
	assert_int_equal(sm_km_at(km, 5.0001, &pt), SM_OK);
	assert_false(pt.available);
	sm_km_free(km);
}

static void test_km_single_row(void **state)
{
	(void)state;
	double t[1] = {7};
	int e[1] = {1};
	sm_km *km;
	assert_int_equal(sm_km_fit(t, e, 1, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_int_equal(km->n_times, 1);
	assert_true(km->surv[0] == 0.0);
	assert_true(isnan(km->std_err[0]));     /* R: 0 * Inf */
	assert_true(isinf(km->std_err_log[0])); /* R: Inf */
	assert_true(isnan(km->lower[0]) && isnan(km->upper[0]));
	assert_true(km->median == 7.0);
	assert_true(isnan(km->median_lower) && isnan(km->median_upper));
	sm_km_free(km);

	e[0] = 0;
	assert_int_equal(sm_km_fit(t, e, 1, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_true(km->surv[0] == 1.0 && isnan(km->median));
	sm_km_free(km);
}

static void test_km_same_time(void **state)
{
	(void)state;
	double t[4] = {3, 3, 3, 3};
	int e[4] = {1, 1, 1, 1};
	sm_km *km;
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_int_equal(km->n_times, 1);
	assert_int_equal(km->n_event[0], 4);
	assert_true(km->surv[0] == 0.0 && km->median == 3.0);
	sm_km_free(km);

	/* two groups whose only events share one time: survdiff's variance is 0 there */
	int g[4] = {0, 0, 1, 1};
	sm_logrank_result *lr;
	assert_int_equal(sm_logrank(t, e, g, 4, 2, NULL, 0, &lr, NULL), SM_OK);
	assert_true(lr->expected[0] == 2.0 && lr->expected[1] == 2.0);
	assert_int_equal(lr->df, 0); /* R stops ("system is singular"); we give df 0 */
	assert_true(lr->chisq == 0.0 && isnan(lr->p_value));
	sm_logrank_free(lr);

	sm_concordance_result r;
	double x[4] = {1, 2, 3, 4};
	assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL), SM_OK);
	assert_true(isnan(r.concordance) && isnan(r.std_err));
	assert_true(r.tied_y == 6.0 && r.concordant == 0.0);
}

/* the print.survfit median rule on hand-made curves */
static void test_quantile_rule(void **state)
{
	(void)state;
	double x[5] = {1, 2, 3, 5, 8};
	double a[5] = {0.9, 0.5, 0.5, 0.25, 0.1};          /* plateau at 0.5: (2 + 5) / 2 */
	double b[5] = {0.9, 0.7, 0.5, 0.5, 0.5};           /* plateau to the end: 3 */
	double c[5] = {NAN, NAN, 0.6, 0.4, 0.3};           /* NA skipped */
	double d[5] = {0.9, 0.8, 0.7, 0.6, 0.51};          /* not reached */
	double f[5] = {1, 0.5 + 1e-10, 0.5 - 1e-10, 0.2, 0}; /* within tolerance of 0.5 */
	assert_true(sm_km_quantile_time(x, a, 5) == 3.5);
	assert_true(sm_km_quantile_time(x, b, 5) == 3.0);
	assert_true(sm_km_quantile_time(x, c, 5) == 5.0);
	assert_true(isnan(sm_km_quantile_time(x, d, 5)));
	assert_true(sm_km_quantile_time(x, f, 5) == 2.5);
	assert_true(isnan(sm_km_quantile_time(x, a, 0)));
	assert_true(isnan(sm_km_quantile_time(NULL, a, 5)));
}

static void test_invalid_input(void **state)
{
	(void)state;
	double t[4] = {1, 2, 3, 4}, x[4] = {1, 2, 3, 4};
	int e[4] = {1, 0, 1, 1}, g[4] = {0, 1, 0, 1};
	sm_km *km = (sm_km *)(uintptr_t)1;
	sm_logrank_result *lr = (sm_logrank_result *)(uintptr_t)1;
	sm_concordance_result r;
	size_t bad;
	static const double bad_times[4] = {NAN, -1.0, INFINITY, -INFINITY};

	for (int b = 0; b < 4; b++) {
		t[2] = bad_times[b];
		bad = 99;
		assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, &km, &bad), SM_E_DOMAIN);
		assert_null(km);
		assert_int_equal(bad, 2);
		bad = 99;
		assert_int_equal(sm_logrank(t, e, g, 4, 2, NULL, 0, &lr, &bad), SM_E_DOMAIN);
		assert_null(lr);
		assert_int_equal(bad, 2);
		bad = 99;
		assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, &bad),
		                 SM_E_DOMAIN);
		assert_int_equal(bad, 2);
		assert_true(isnan(r.concordance));
	}
	t[2] = 3;
	/* zero and negative zero are valid times */
	t[0] = -0.0;
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	sm_km_free(km);
	t[0] = 1;

	e[1] = 2;
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, &km, &bad), SM_E_DOMAIN);
	assert_int_equal(bad, 1);
	assert_int_equal(sm_logrank(t, e, g, 4, 2, NULL, 0, &lr, &bad), SM_E_DOMAIN);
	assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_WORSE, NULL, 0, &r, &bad),
	                 SM_E_DOMAIN);
	e[1] = -1;
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, &km, &bad), SM_E_DOMAIN);
	e[1] = 0;

	/* groups: >= k is an error, negative is "no group" */
	g[3] = 2;
	assert_int_equal(sm_logrank(t, e, g, 4, 2, NULL, 0, &lr, &bad), SM_E_DOMAIN);
	assert_int_equal(bad, 3);
	g[3] = -1;
	t[3] = NAN; /* not read: the row has no group */
	assert_int_equal(sm_logrank(t, e, g, 4, 2, NULL, 0, &lr, NULL), SM_OK);
	assert_int_equal(lr->n, 3);
	sm_logrank_free(lr);
	sm_logrank_free(NULL);
	t[3] = 4;
	g[3] = 1;

	x[0] = NAN;
	assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, &bad),
	                 SM_E_DOMAIN);
	assert_int_equal(bad, 0);
	x[0] = -INFINITY; /* infinite scores are ordered, not missing */
	assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL), SM_OK);
	x[0] = 1;

	/* bad arguments */
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, NULL, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_km_fit(NULL, e, 4, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_km_fit(t, NULL, 4, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.0, NULL, 0, &km, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 1.0, NULL, 0, &km, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, NAN, NULL, 0, &km, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_logrank(t, e, g, 4, 0, NULL, 0, &lr, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_logrank(t, e, NULL, 4, 2, NULL, 0, &lr, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_logrank(t, e, g, 4, 2, NULL, 0, NULL, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_concordance(t, e, x, 4, SM_DIRECTION_NONE, NULL, 0, &r, NULL),
	                 SM_E_ARGUMENT);
	assert_int_equal(sm_concordance(t, e, NULL, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL),
	                 SM_E_ARGUMENT);
	assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, NULL, NULL),
	                 SM_E_ARGUMENT);
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	sm_km_point pt;
	assert_int_equal(sm_km_at(km, NAN, &pt), SM_E_DOMAIN);
	assert_false(pt.available);
	assert_int_equal(sm_km_at(NULL, 1.0, &pt), SM_E_ARGUMENT);
	assert_int_equal(sm_km_at(km, 1.0, NULL), SM_E_ARGUMENT);
	sm_km_free(km);

	/* scratch too small */
	unsigned char small[8];
	assert_int_equal(sm_km_fit(t, e, 4, NULL, 0, 0.95, small, sizeof small, &km, NULL),
	                 SM_E_ARGUMENT);
	assert_int_equal(sm_logrank(t, e, g, 4, 2, small, sizeof small, &lr, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_concordance(t, e, x, 4, SM_HIGHER_IS_BETTER, small, sizeof small, &r,
	                                NULL),
	                 SM_E_ARGUMENT);
	/* sizes that cannot be addressed */
	assert_int_equal(sm_km_work_size(SIZE_MAX / 2), 0);
	assert_int_equal(sm_logrank_work_size(SIZE_MAX / 2, 3), 0);
	assert_int_equal(sm_logrank_work_size(10, SIZE_MAX / 2), 0);
	assert_int_equal(sm_concordance_work_size(SIZE_MAX / 8), 0);
}

static void test_logrank_edge(void **state)
{
	(void)state;
	double t[6] = {1, 2, 3, 4, 5, 6};
	int e[6] = {1, 0, 1, 1, 0, 1}, g[6] = {0, 1, 0, 1, 1, 0};
	sm_logrank_result *a, *b;

	/* an empty third group changes nothing but its own zero row */
	assert_int_equal(sm_logrank(t, e, g, 6, 2, NULL, 0, &a, NULL), SM_OK);
	assert_int_equal(sm_logrank(t, e, g, 6, 3, NULL, 0, &b, NULL), SM_OK);
	assert_int_equal(a->df, 1);
	assert_int_equal(b->df, 1);
	assert_true(b->n_group[2] == 0 && b->observed[2] == 0.0 && b->expected[2] == 0.0);
	check_close(b->chisq, a->chisq, "chisq with an empty group");
	check_close(b->p_value, a->p_value, "p with an empty group");
	/* an empty first group: the next one is dropped instead */
	int g2[6];
	for (int i = 0; i < 6; i++)
		g2[i] = g[i] + 1;
	sm_logrank_free(b);
	assert_int_equal(sm_logrank(t, e, g2, 6, 3, NULL, 0, &b, NULL), SM_OK);
	assert_int_equal(b->df, 1);
	check_close(b->chisq, a->chisq, "chisq with an empty first group");
	sm_logrank_free(a);
	sm_logrank_free(b);

	/* one group: no test */
	int g0[6] = {0};
	assert_int_equal(sm_logrank(t, e, g0, 6, 1, NULL, 0, &a, NULL), SM_OK);
	assert_int_equal(a->df, 0);
	assert_true(a->chisq == 0.0 && isnan(a->p_value));
	assert_true(a->observed[0] == 4.0);
	check_close(a->expected[0], 4.0, "one group: E = O");
	sm_logrank_free(a);

	/* no rows */
	assert_int_equal(sm_logrank(NULL, NULL, NULL, 0, 2, NULL, 0, &a, NULL), SM_OK);
	assert_int_equal(a->n, 0);
	assert_int_equal(a->df, 0);
	sm_logrank_free(a);

	/* no events at all */
	int none[6] = {0};
	assert_int_equal(sm_logrank(t, none, g, 6, 2, NULL, 0, &a, NULL), SM_OK);
	assert_int_equal(a->df, 0);
	assert_true(a->chisq == 0.0 && isnan(a->p_value));
	sm_logrank_free(a);
}

static void test_concordance_edge(void **state)
{
	(void)state;
	sm_concordance_result r;
	assert_int_equal(sm_concordance(NULL, NULL, NULL, 0, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL),
	                 SM_OK);
	assert_int_equal(r.n, 0);
	assert_true(isnan(r.concordance));

	double t[4] = {1, 2, 3, 4}, x[4] = {4, 3, 2, 1};
	int cens[4] = {0, 0, 0, 0}, ev[4] = {1, 1, 1, 1};
	assert_int_equal(sm_concordance(t, cens, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL),
	                 SM_OK);
	assert_true(isnan(r.concordance) && r.concordant + r.discordant + r.tied_x == 0.0);
	/* perfectly ordered: higher score, shorter survival */
	assert_int_equal(sm_concordance(t, ev, x, 4, SM_HIGHER_IS_WORSE, NULL, 0, &r, NULL), SM_OK);
	assert_true(r.concordance == 1.0 && r.concordant == 6.0 && r.discordant == 0.0);
	assert_int_equal(sm_concordance(t, ev, x, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL), SM_OK);
	assert_true(r.concordance == 0.0 && r.discordant == 6.0);
	/* an event tied with a censoring: the censored row lives longer */
	double t2[2] = {5, 5}, x2[2] = {1, 2};
	int e2[2] = {1, 0};
	assert_int_equal(sm_concordance(t2, e2, x2, 2, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL),
	                 SM_OK);
	assert_true(r.concordant == 1.0 && r.concordance == 1.0);
	/* all scores equal: every comparable pair is tied_x, C = 0.5 */
	double x3[4] = {2, 2, 2, 2};
	assert_int_equal(sm_concordance(t, ev, x3, 4, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL),
	                 SM_OK);
	assert_true(r.concordance == 0.5 && r.tied_x == 6.0 && r.var == 0.0);
}

/* ---- concordance against an O(n^2) count of every pair ---------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static void brute_concordance(const double *t, const int *e, const double *x, size_t n,
                              int worse, sm_concordance_result *r)
{
	double *c = calloc(n, sizeof *c), *d = calloc(n, sizeof *d), *tx = calloc(n, sizeof *tx);
	assert_true(c && d && tx);
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			size_t s, l; /* shorter, longer */
			if (t[i] == t[j]) {
				if (e[i] && e[j]) {
					if (x[i] == x[j])
						r->tied_xy += 1;
					else
						r->tied_y += 1;
					continue;
				}
				if (!e[i] && !e[j])
					continue;
				s = e[i] ? i : j;
				l = e[i] ? j : i;
			} else {
				s = t[i] < t[j] ? i : j;
				l = t[i] < t[j] ? j : i;
				if (!e[s])
					continue;
			}
			if (x[s] == x[l]) {
				r->tied_x += 1;
				tx[s] += 1;
				tx[l] += 1;
			} else if ((x[s] < x[l]) != (worse != 0)) {
				r->concordant += 1;
				c[s] += 1;
				c[l] += 1;
			} else {
				r->discordant += 1;
				d[s] += 1;
				d[l] += 1;
			}
		}
	}
	double np = r->concordant + r->discordant + r->tied_x;
	double somers = (r->concordant - r->discordant) / np;
	r->concordance = (somers + 1) / 2;
	r->var = 0;
	for (size_t i = 0; i < n; i++) {
		double infl = ((c[i] - d[i]) - somers * (c[i] + d[i] + tx[i])) / np;
		r->var += infl * infl;
	}
	r->var /= 4;
	r->std_err = sqrt(r->var);
	free(c);
	free(d);
	free(tx);
}

static void test_concordance_brute_force(void **state)
{
	(void)state;
	uint64_t seed = 42;
	for (int rep = 0; rep < 60; rep++) {
		size_t n = 1 + (size_t)(rng_next(&seed) % 300);
		uint64_t tmax = 1 + rng_next(&seed) % 40, xmax = 1 + rng_next(&seed) % 12;
		double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x);
		int *e = malloc(n * sizeof *e);
		assert_true(t && x && e);
		for (size_t i = 0; i < n; i++) {
			t[i] = (double)(rng_next(&seed) % tmax);
			e[i] = (int)(rng_next(&seed) % 3 != 0);
			x[i] = (double)(rng_next(&seed) % xmax) / 4.0;
		}
		for (int worse = 0; worse < 2; worse++) {
			sm_concordance_result got, want;
			assert_int_equal(sm_concordance(t, e, x, n,
			                                 worse ? SM_HIGHER_IS_WORSE : SM_HIGHER_IS_BETTER,
			                                 NULL, 0, &got, NULL),
			                 SM_OK);
			brute_concordance(t, e, x, n, worse, &want);
			assert_true(got.concordant == want.concordant);
			assert_true(got.discordant == want.discordant);
			assert_true(got.tied_x == want.tied_x);
			assert_true(got.tied_y == want.tied_y);
			assert_true(got.tied_xy == want.tied_xy);
			check_close(got.concordance, want.concordance, "rep %d C", rep);
			check_close(got.var, want.var, "rep %d var", rep);
		}
		free(t);
		free(x);
		free(e);
	}
}

/* ---- caller scratch buffers give the same answers ------------------------------------------ */

static void test_work_buffers(void **state)
{
	(void)state;
	cohort c;
	cohort_load(&c, "lung");
	size_t need = sm_km_work_size(c.n);
	if (sm_logrank_work_size(c.n, c.k) > need)
		need = sm_logrank_work_size(c.n, c.k);
	if (sm_concordance_work_size(c.n) > need)
		need = sm_concordance_work_size(c.n);
	void *work = malloc(need);
	assert_non_null(work);
	memset(work, 0xA5, need); /* garbage in the scratch must not matter */

	sm_km *a, *b;
	assert_int_equal(sm_km_fit(c.time, c.event, c.n, c.group, 1, 0.9, NULL, 0, &a, NULL), SM_OK);
	assert_int_equal(sm_km_fit(c.time, c.event, c.n, c.group, 1, 0.9, work,
	                           sm_km_work_size(c.n), &b, NULL),
	                 SM_OK);
	assert_int_equal(a->n_times, b->n_times);
	assert_memory_equal(a->surv, b->surv, a->n_times * sizeof(double));
	assert_memory_equal(a->upper, b->upper, a->n_times * sizeof(double));
	assert_true(a->conf_level == 0.9);
	sm_km_free(a);
	sm_km_free(b);

	sm_logrank_result *la, *lb;
	memset(work, 0x5A, need);
	assert_int_equal(sm_logrank(c.time, c.event, c.group, c.n, c.k, NULL, 0, &la, NULL), SM_OK);
	assert_int_equal(sm_logrank(c.time, c.event, c.group, c.n, c.k, work,
	                            sm_logrank_work_size(c.n, c.k), &lb, NULL),
	                 SM_OK);
	assert_true(la->chisq == lb->chisq && la->df == lb->df);
	assert_memory_equal(la->var, lb->var, c.k * c.k * sizeof(double));
	sm_logrank_free(la);
	sm_logrank_free(lb);

	sm_concordance_result ca, cb;
	const double *age = csv_col(&c.csv, "age");
	memset(work, 0xFF, need);
	assert_int_equal(sm_concordance(c.time, c.event, age, c.n, SM_HIGHER_IS_WORSE, NULL, 0, &ca,
	                                NULL),
	                 SM_OK);
	assert_int_equal(sm_concordance(c.time, c.event, age, c.n, SM_HIGHER_IS_WORSE, work,
	                                sm_concordance_work_size(c.n), &cb, NULL),
	                 SM_OK);
	assert_memory_equal(&ca, &cb, sizeof ca);
	free(work);
	cohort_free(&c);
}

/* ---- 5,000,000 rows ------------------------------------------------------------------------- */

static void test_five_million_rows(void **state)
{
	(void)state;
	const size_t n = 5000000;
	double *t = malloc(n * sizeof *t), *x = malloc(n * sizeof *x);
	int *e = malloc(n * sizeof *e), *g = malloc(n * sizeof *g);
	uint64_t seed = 7;
	assert_true(t && x && e && g);
	for (size_t i = 0; i < n; i++) {
		t[i] = (double)(1 + rng_next(&seed) % 100000); /* many ties */
		e[i] = (int)(rng_next(&seed) % 4 != 0);
		g[i] = (int)(rng_next(&seed) % 3);
		x[i] = t[i]; /* a score that orders survival perfectly */
	}

	sm_km *km;
	assert_int_equal(sm_km_fit(t, e, n, NULL, 0, 0.95, NULL, 0, &km, NULL), SM_OK);
	assert_int_equal(km->n, n);
	assert_true(km->n_times <= 100000 && km->n_times > 99000);
	for (size_t j = 1; j < km->n_times; j++)
		assert_true(km->surv[j] <= km->surv[j - 1] && km->time[j] > km->time[j - 1]);
	assert_true(km->median > 0 && km->median_lower <= km->median &&
	            km->median <= km->median_upper);
	sm_km_free(km);

	sm_logrank_result *lr;
	assert_int_equal(sm_logrank(t, e, g, n, 3, NULL, 0, &lr, NULL), SM_OK);
	assert_int_equal(lr->df, 2);
	assert_true(lr->p_value > 1e-6); /* groups drawn at random */
	check_close(lr->observed[0] + lr->observed[1] + lr->observed[2],
	            lr->expected[0] + lr->expected[1] + lr->expected[2], "sum O = sum E");
	sm_logrank_free(lr);

	sm_concordance_result r;
	assert_int_equal(sm_concordance(t, e, x, n, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL), SM_OK);
	assert_true(r.discordant == 0.0); /* only ties (event with censoring at one time) */
	assert_true(r.concordance > 0.99 && r.concordance < 1.0);
	assert_true(r.concordant > 1e12); /* ~ n^2 / 2 pairs, counted exactly */
	for (size_t i = 0; i < n; i++)
		x[i] = (double)(rng_next(&seed) % 1000); /* an unrelated score */
	assert_int_equal(sm_concordance(t, e, x, n, SM_HIGHER_IS_BETTER, NULL, 0, &r, NULL), SM_OK);
	assert_true(fabs(r.concordance - 0.5) < 5 * r.std_err + 1e-3);
	assert_true(r.std_err > 0 && r.std_err < 1e-3);
	free(t);
	free(x);
	free(e);
	free(g);
}

/* ---- registry ---------------------------------------------------------------------------- */

static void test_compared_count(void **state)
{
	(void)state;
	/* guard against fixtures that silently compare nothing */
	fprintf(stderr, "compared %zu numbers with R and the brute force; largest relative "
	                "difference %.3g\n",
	        n_compared, max_rel);
	assert_true(n_compared > 5000);
}

int main(void)
{
	static const char *const lung = "lung", *const ties = "ties", *const cens = "censored",
	                         *const plat = "plateau";
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_prestate(test_cohort_km, (void *)lung),
	    cmocka_unit_test_prestate(test_cohort_logrank, (void *)lung),
	    cmocka_unit_test_prestate(test_cohort_concordance, (void *)lung),
	    cmocka_unit_test_prestate(test_cohort_km, (void *)ties),
	    cmocka_unit_test_prestate(test_cohort_logrank, (void *)ties),
	    cmocka_unit_test_prestate(test_cohort_concordance, (void *)ties),
	    cmocka_unit_test_prestate(test_cohort_km, (void *)cens),
	    cmocka_unit_test_prestate(test_cohort_logrank, (void *)cens),
	    cmocka_unit_test_prestate(test_cohort_concordance, (void *)cens),
	    cmocka_unit_test_prestate(test_cohort_km, (void *)plat),
	    cmocka_unit_test_prestate(test_cohort_logrank, (void *)plat),
	    cmocka_unit_test_prestate(test_cohort_concordance, (void *)plat),
	    cmocka_unit_test(test_lung_known_values),
	    cmocka_unit_test(test_distributions),
	    cmocka_unit_test(test_km_empty),
	    cmocka_unit_test(test_km_all_censored),
	    cmocka_unit_test(test_km_single_row),
	    cmocka_unit_test(test_km_same_time),
	    cmocka_unit_test(test_quantile_rule),
	    cmocka_unit_test(test_invalid_input),
	    cmocka_unit_test(test_logrank_edge),
	    cmocka_unit_test(test_concordance_edge),
	    cmocka_unit_test(test_concordance_brute_force),
	    cmocka_unit_test(test_work_buffers),
	    cmocka_unit_test(test_five_million_rows),
	    cmocka_unit_test(test_compared_count),
	};
	SM_RUN_SUITE("stats", tests);
}
