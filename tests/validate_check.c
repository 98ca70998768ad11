/*
** validate_check.c: compare the JSON of `spinemets validate --json` with R's numbers.
**
** usage: validate_check OUTPUT.json EXPECTED.txt CHECK...
**   groups          n, events, the whole-cohort curve (km.all) and every group of
**                   spec.groups (n, events, median and its CI, every Kaplan-Meier row:
**                   time, n_risk, n_event, n_censor, survival, std_err, lower, upper), the
**                   log-rank test (chisq, df, p, observed, expected per group), and
**                   survival_at read off R's own curves (the step at the last time <= t)
**   at              survival_at_detail against summary(fit, times = spec.times) (km.<g>.at.*):
**                   run validate with --at set to spec.times
**   conc:SCORE.DIR  c_index (value, se, variance, n, pair counts, direction) against
**                   concordance(); DIR is better or worse
** EXPECTED.txt is a file of tests/fixtures/make-expected.R ("key v1 v2 ..." lines; NA, NaN
** as R prints them). Numbers agree when |got - want| <= 1e-6 * max(1, |want|); R's NA and
** NaN must be JSON null. Prints every mismatch and a summary; exit 0 when all agree.
*/
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-6

typedef struct entry {
	char *key;
	char **val;
	size_t n;
} entry;

static entry *ents;
static size_t nents;
static size_t compared, failed;
static double max_diff;

static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "validate_check: cannot open %s\n", path);
		exit(2);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		ents = realloc(ents, (nents + 1) * sizeof *ents);
		entry *e = &ents[nents++];
		memset(e, 0, sizeof *e);
		char *save = NULL;
		for (char *tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			if (!e->key) {
				e->key = strdup(tok);
				continue;
			}
			e->val = realloc(e->val, (e->n + 1) * sizeof *e->val);
			e->val[e->n++] = strdup(tok);
		}
	}
	free(line);
	fclose(f);
}

static const entry *find(const char *fmt, const char *a, const char *b)
{
	char key[256];
	snprintf(key, sizeof key, fmt, a, b);
	for (size_t i = 0; i < nents; i++)
		if (strcmp(ents[i].key, key) == 0)
			return &ents[i];
	fprintf(stderr, "FAIL: %s not in the expected file\n", key);
	failed++;
	return NULL;
}

static int is_na(const char *s)
{
	return strcmp(s, "NA") == 0 || strcmp(s, "NaN") == 0;
}

static void fail(const char *what, const char *got, const char *want)
{
	failed++;
	if (failed <= 40)
		fprintf(stderr, "FAIL: %s: got %s, R says %s\n", what, got, want);
}

/* Compare a JSON value (number or null) with R's text. */
static void cmp(const json_t *got, const char *want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cmp(const json_t *got, const char *want, const char *fmt, ...)
{
	char what[256], g[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	compared++;
	if (json_is_number(got))
		snprintf(g, sizeof g, "%.17g", json_number_value(got));
	else
		snprintf(g, sizeof g, "%s", got ? (json_is_null(got) ? "null" : "non-number") : "(absent)");
	if (is_na(want)) {
		if (!json_is_null(got))
			fail(what, g, want);
		return;
	}
	if (!json_is_number(got)) {
		fail(what, g, want);
		return;
	}
	double x = json_number_value(got), w = strtod(want, NULL);
	if (isinf(w)) {
		fail(what, g, want);
		return;
	}
	double d = fabs(x - w), scale = fabs(w) > 1 ? fabs(w) : 1;
	if (d / scale > max_diff)
		max_diff = d / scale;
	if (!(d <= TOL * scale))
		fail(what, g, want);
}

static void cmp_d(const json_t *got, double want, const char *what)
{
	char w[64];
	snprintf(w, sizeof w, "%.17g", want);
	cmp(got, isnan(want) ? "NA" : w, "%s", what);
}

/* R's curve read at t as summary(fit, times = t): 1 before the first time, NA after the last. */
static double r_step(const entry *time, const entry *surv, double t)
{
	if (time->n == 0 || t > strtod(time->val[time->n - 1], NULL))
		return NAN;
	double s = 1;
	for (size_t j = 0; j < time->n && strtod(time->val[j], NULL) <= t; j++)
		s = strtod(surv->val[j], NULL);
	return s;
}

static void check_curve(const json_t *c, const char *g, int with_km)
{
	const entry *e;
	char what[128];
	if ((e = find("km.%s.n%s", g, "")))
		cmp(json_object_get(c, "n"), e->val[0], "km.%s n", g);
	if ((e = find("km.%s.events%s", g, "")))
		cmp(json_object_get(c, "events"), e->val[0], "km.%s events", g);
	if ((e = find("km.%s.median%s", g, "")) && e->n == 3) {
		const json_t *m = json_object_get(c, "median");
		cmp(json_object_get(m, "value"), e->val[0], "km.%s median", g);
		cmp(json_object_get(m, "lower"), e->val[1], "km.%s median lower", g);
		cmp(json_object_get(m, "upper"), e->val[2], "km.%s median upper", g);
	}
	const entry *tm = find("km.%s.time%s", g, ""), *sv = find("km.%s.surv%s", g, "");
	if (!tm || !sv)
		return;
	/* survival_at: read off R's curve at each detail time */
	const json_t *sat = json_object_get(c, "survival_at"), *det = json_object_get(c, "survival_at_detail");
	const char *k;
	json_t *val;
	json_object_foreach((json_t *)sat, k, val) {
		double t = json_number_value(json_object_get(json_object_get(det, k), "time"));
		snprintf(what, sizeof what, "km.%s survival_at %s (t = %g)", g, k, t);
		cmp_d(val, r_step(tm, sv, t), what);
	}
	if (!with_km)
		return;
	const json_t *km = json_object_get(c, "km");
	if (json_array_size(km) != tm->n) {
		char a[32], b[32];
		snprintf(a, sizeof a, "%zu rows", json_array_size(km));
		snprintf(b, sizeof b, "%zu rows", tm->n);
		compared++;
		fail("km length", a, b);
		return;
	}
	static const char *const fields[][2] = {{"time", "time"},         {"n_risk", "n_risk"},
	                                        {"n_event", "n_event"},   {"n_censor", "n_censor"},
	                                        {"survival", "surv"},     {"std_err", "std_err"},
	                                        {"lower", "lower"},       {"upper", "upper"}};
	for (size_t fld = 0; fld < sizeof fields / sizeof fields[0]; fld++) {
		const entry *r = find("km.%s.%s", g, fields[fld][1]);
		if (!r || r->n != tm->n)
			continue;
		for (size_t j = 0; j < r->n; j++)
			cmp(json_object_get(json_array_get(km, j), fields[fld][0]), r->val[j], "km.%s row %zu %s", g, j,
			    fields[fld][0]);
	}
}

static const json_t *group_of(const json_t *root, const char *g)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(root, "groups"), i, x) {
		const char *s = json_string_value(json_object_get(x, "group"));
		if (s && strcmp(s, g) == 0)
			return x;
	}
	return NULL;
}

static void check_groups(const json_t *root)
{
	const entry *e;
	if ((e = find("km.all.n%s%s", "", "")))
		cmp(json_object_get(root, "n"), e->val[0], "n");
	if ((e = find("km.all.events%s%s", "", "")))
		cmp(json_object_get(root, "events"), e->val[0], "events");
	check_curve(json_object_get(root, "overall"), "all", 1);
	const entry *gs = find("spec.groups%s%s", "", "");
	if (!gs)
		return;
	for (size_t i = 0; i < gs->n; i++) {
		const json_t *g = group_of(root, gs->val[i]);
		compared++;
		if (!g) {
			fail("group", "(absent)", gs->val[i]);
			continue;
		}
		check_curve(g, gs->val[i], 1);
	}
	const json_t *lr = json_object_get(root, "logrank");
	if ((e = find("logrank.chisq%s%s", "", "")))
		cmp(json_object_get(lr, "chisq"), e->val[0], "logrank chisq");
	if ((e = find("logrank.df%s%s", "", "")))
		cmp(json_object_get(lr, "df"), e->val[0], "logrank df");
	if ((e = find("logrank.p%s%s", "", "")))
		cmp(json_object_get(lr, "p"), e->val[0], "logrank p");
	const entry *obs = find("logrank.obs%s%s", "", ""), *ex = find("logrank.exp%s%s", "", ""),
	            *ln = find("logrank.n%s%s", "", "");
	if (!obs || !ex || !ln)
		return;
	for (size_t i = 0; i < gs->n && i < obs->n; i++) {
		size_t j;
		json_t *x;
		const json_t *hit = NULL;
		json_array_foreach(json_object_get(lr, "groups"), j, x) {
			const char *s = json_string_value(json_object_get(x, "group"));
			if (s && strcmp(s, gs->val[i]) == 0)
				hit = x;
		}
		cmp(json_object_get(hit, "n"), ln->val[i], "logrank n %s", gs->val[i]);
		cmp(json_object_get(hit, "observed"), obs->val[i], "logrank observed %s", gs->val[i]);
		cmp(json_object_get(hit, "expected"), ex->val[i], "logrank expected %s", gs->val[i]);
	}
}

static void check_at_curve(const json_t *c, const char *g, const entry *times)
{
	const json_t *det = json_object_get(c, "survival_at_detail");
	static const char *const fields[][2] = {{"survival", "surv"}, {"std_err", "std_err"}, {"lower", "lower"},
	                                        {"upper", "upper"},   {"n_risk", "n_risk"}};
	const entry *av = find("km.%s.at.available%s", g, "");
	if (!av)
		return;
	for (size_t i = 0; i < times->n; i++) {
		double t = strtod(times->val[i], NULL);
		const json_t *p = NULL;
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)det, k, x) {
			if (json_number_value(json_object_get(x, "time")) == t)
				p = x;
		}
		compared++;
		if (!p) {
			fail("survival_at_detail time", "(absent)", times->val[i]);
			continue;
		}
		int want_av = strtod(av->val[i], NULL) != 0;
		if (json_is_true(json_object_get(p, "available")) != want_av) {
			fail("available", want_av ? "false" : "true", av->val[i]);
			continue;
		}
		for (size_t fld = 0; fld < sizeof fields / sizeof fields[0]; fld++) {
			const entry *r = find("km.%s.at.%s", g, fields[fld][1]);
			if (r && i < r->n)
				cmp(json_object_get(p, fields[fld][0]), r->val[i], "km.%s at t = %s %s", g, times->val[i],
				    fields[fld][0]);
		}
	}
}

static void check_at(const json_t *root)
{
	const entry *times = find("spec.times%s%s", "", ""), *gs = find("spec.groups%s%s", "", "");
	if (!times || !gs)
		return;
	check_at_curve(json_object_get(root, "overall"), "all", times);
	for (size_t i = 0; i < gs->n; i++) {
		const json_t *g = group_of(root, gs->val[i]);
		if (g)
			check_at_curve(g, gs->val[i], times);
	}
}

static void check_conc(const json_t *root, const char *spec)
{
	char score[128], dir[16];
	const char *dot = strrchr(spec, '.');
	if (!dot || (size_t)(dot - spec) >= sizeof score) {
		fprintf(stderr, "validate_check: conc:SCORE.DIR, not %s\n", spec);
		exit(2);
	}
	snprintf(score, sizeof score, "%.*s", (int)(dot - spec), spec);
	snprintf(dir, sizeof dir, "%s", dot + 1);
	const json_t *c = json_object_get(root, "c_index");
	char pre[160];
	snprintf(pre, sizeof pre, "%s.%s", score, dir);
	const entry *e;
	if ((e = find("conc.%s.concordance%s", pre, "")))
		cmp(json_object_get(c, "value"), e->val[0], "C %s", pre);
	if ((e = find("conc.%s.std_err%s", pre, "")))
		cmp(json_object_get(c, "se"), e->val[0], "C se %s", pre);
	if ((e = find("conc.%s.var%s", pre, "")))
		cmp(json_object_get(c, "variance"), e->val[0], "C variance %s", pre);
	if ((e = find("conc.%s.n%s", pre, "")))
		cmp(json_object_get(c, "n"), e->val[0], "C n %s", pre);
	if ((e = find("conc.%s.count%s", pre, "")) && e->n == 5) {
		static const char *const k[5] = {"concordant", "discordant", "tied_x", "tied_y", "tied_xy"};
		for (int i = 0; i < 5; i++)
			cmp(json_object_get(c, k[i]), e->val[i], "C %s %s", k[i], pre);
	}
	const char *d = json_string_value(json_object_get(c, "direction"));
	const char *want = strcmp(dir, "better") == 0 ? "higher_is_better" : "higher_is_worse";
	compared++;
	if (!d || strcmp(d, want) != 0)
		fail("C direction", d ? d : "(absent)", want);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: validate_check OUTPUT.json EXPECTED.txt groups|at|conc:SCORE.DIR...\n");
		return 2;
	}
	json_error_t err;
	json_t *root = json_load_file(argv[1], 0, &err);
	if (!root) {
		fprintf(stderr, "FAIL: %s is not JSON: %s (line %d)\n", argv[1], err.text, err.line);
		return 1;
	}
	load(argv[2]);
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "groups") == 0)
			check_groups(root);
		else if (strcmp(argv[i], "at") == 0)
			check_at(root);
		else if (strncmp(argv[i], "conc:", 5) == 0)
			check_conc(root, argv[i] + 5);
		else {
			fprintf(stderr, "validate_check: unknown check %s\n", argv[i]);
			return 2;
		}
	}
	printf("validate_check: %zu numbers compared with R, %zu differ (largest relative difference %.3g)\n", compared,
	       failed, max_diff);
	json_decref(root);
	for (size_t i = 0; i < nents; i++) {
		free(ents[i].key);
		for (size_t j = 0; j < ents[i].n; j++)
			free(ents[i].val[j]);
		free(ents[i].val);
	}
	free(ents);
	return failed ? 1 : 0;
}
