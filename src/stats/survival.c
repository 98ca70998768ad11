/*
** survival.c: the Kaplan-Meier estimate (Kaplan & Meier 1958) with Greenwood's variance
** (Greenwood 1926) and the log-log confidence interval, its median as print.survfit
** reports it, and the curve read at a given time as summary.survfit reports it.
** The R functions matched, and the formulas, are in survival.h and README.md.
*/
#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_internal.h"

size_t sm_km_work_size(size_t n)
{
	size_t bytes;
	if (!smx_mul_size(n, 2 * sizeof(smx_rec), &bytes))
		return 0;
	return bytes ? bytes : 1;
}

double sm_km_quantile_time(const double *x, const double *y, size_t m)
{
	const double tol = sqrt(DBL_EPSILON); /* R: .Machine$double.eps^0.5, as all.equal() */
	size_t j;

	if (x == NULL || y == NULL)
		return NAN;
	for (j = 0; j < m; j++)
		if (!isnan(y[j]) && y[j] < 0.5 + tol)
			break;
	if (j == m)
		return NAN;
	if (fabs(y[j] - 0.5) < tol) {
		/* S sits at 0.5: the median is the middle of that plateau, up to the next drop */
		for (size_t k = j + 1; k < m; k++)
			if (!isnan(y[k]) && y[k] < y[j])
				return (x[j] + x[k]) / 2.0;
	}
	return x[j];
}

/* The log-log interval of R's survfit_confint for survival p with SE of log S `se`. */
static void loglog_ci(double p, double se, double z, double *lo, double *hi)
{
	if (!(p > 0.0 && p < 1.0)) {
		*lo = *hi = NAN; /* R: NA where S is 0 or 1 */
		return;
	}
	double lp = log(p);
	double se2 = z * se / lp;
	double center = log(-lp);
	*lo = exp(-exp(center - se2));
	*hi = exp(-exp(center + se2));
}

/* One allocation holding the struct and its arrays (doubles first, then size_t). */
static sm_km *km_alloc(size_t m, double **dbl, size_t **sz)
{
	size_t head = sizeof(sm_km), nd, ns, total;
	head = (head + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
	if (!smx_mul_size(m, 6 * sizeof(double), &nd) || !smx_mul_size(m, 3 * sizeof(size_t), &ns))
		return NULL;
	total = head + nd;
	if (total < nd || total + ns < total)
		return NULL;
	total += ns;
	unsigned char *block = malloc(total);
	if (block == NULL)
		return NULL;
	memset(block, 0, head);
	*dbl = (double *)(void *)(block + head);
	*sz = (size_t *)(void *)(block + head + nd);
	return (sm_km *)(void *)block;
}

sm_status sm_km_fit(const double *time, const int *event, size_t n, const int *group, int which,
                    double conf_level, void *work, size_t work_size, sm_km **out,
                    size_t *bad_row)
{
	void *buf = NULL, *owned = NULL;
	smx_rec *rec, *tmp;
	size_t used = 0, m = 0, need;
	double *dbl;
	size_t *sz;
	sm_km *km;
	sm_status st;

	if (out == NULL)
		return SM_E_ARGUMENT;
	*out = NULL;
	if (n > 0 && (time == NULL || event == NULL))
		return SM_E_ARGUMENT;
	if (!(conf_level > 0.0 && conf_level < 1.0))
		return SM_E_ARGUMENT;
	need = sm_km_work_size(n);
	if (need == 0)
		return SM_E_NOMEM;
	st = smx_scratch(work, work_size, need, &buf, &owned);
	if (st != SM_OK)
		return st;
	rec = buf;
	tmp = rec + n;

	for (size_t i = 0; i < n; i++) {
		if (group != NULL && group[i] != which)
			continue;
		if (!smx_row_ok(time[i], event[i])) {
			if (bad_row != NULL)
				*bad_row = i;
			free(owned);
			return SM_E_DOMAIN;
		}
		rec[used].key = smx_key_double(time[i]);
		rec[used].val = (uint64_t)event[i];
		used++;
	}
	smx_radix_sort(rec, tmp, used);
	for (size_t i = 0; i < used; i++)
		if (i == 0 || rec[i].key != rec[i - 1].key)
			m++;

	km = km_alloc(m, &dbl, &sz);
	if (km == NULL) {
		free(owned);
		return SM_E_NOMEM;
	}
	double *t_ = dbl, *surv = dbl + m, *se = dbl + 2 * m, *sel = dbl + 3 * m;
	double *lo = dbl + 4 * m, *hi = dbl + 5 * m;
	size_t *nrisk = sz, *nevent = sz + m, *ncens = sz + 2 * m;
	double z = sm_qnorm(1.0 - (1.0 - conf_level) / 2.0);
	double s = 1.0, green = 0.0;
	size_t at_risk = used, j = 0, nev = 0;

	for (size_t i = 0; i < used;) {
		uint64_t key = rec[i].key;
		size_t d = 0, c = 0;
		for (; i < used && rec[i].key == key; i++) {
			if (rec[i].val)
				d++;
			else
				c++;
		}
		if (d > 0) {
			s *= (double)(at_risk - d) / (double)at_risk;
			if (at_risk > d)
				green += (double)d / ((double)at_risk * (double)(at_risk - d));
			else
				green = INFINITY; /* S reaches 0: R's std.err is Inf from here */
		}
		t_[j] = smx_double_key(key);
		nrisk[j] = at_risk;
		nevent[j] = d;
		ncens[j] = c;
		surv[j] = s;
		sel[j] = sqrt(green);
		se[j] = s * sel[j]; /* 0 * Inf = NaN where S = 0, as summary.survfit */
		loglog_ci(s, sel[j], z, &lo[j], &hi[j]);
		at_risk -= d + c;
		nev += d;
		j++;
	}
	free(owned);

	km->n = used;
	km->n_events = nev;
	km->n_times = m;
	km->conf_level = conf_level;
	km->time = t_;
	km->n_risk = nrisk;
	km->n_event = nevent;
	km->n_censor = ncens;
	km->surv = surv;
	km->std_err = se;
	km->std_err_log = sel;
	km->lower = lo;
	km->upper = hi;
	km->median = sm_km_quantile_time(t_, surv, m);
	km->median_lower = sm_km_quantile_time(t_, lo, m);
	km->median_upper = sm_km_quantile_time(t_, hi, m);
	*out = km;
	return SM_OK;
}

void sm_km_free(sm_km *km)
{
	free(km);
}

sm_status sm_km_at(const sm_km *km, double t, sm_km_point *out)
{
	size_t lo, hi;

	if (km == NULL || out == NULL)
		return SM_E_ARGUMENT;
	out->available = false;
	out->surv = out->std_err = out->lower = out->upper = NAN;
	out->n_risk = 0;
	if (isnan(t))
		return SM_E_DOMAIN;
	if (km->n_times == 0 || t > km->time[km->n_times - 1])
		return SM_OK; /* beyond the data: not available */
	out->available = true;
	if (t < km->time[0]) {
		/* before the first observed time: R's summary gives 1 with SE 0 and CI 1..1 */
		out->surv = 1.0;
		out->std_err = 0.0;
		out->lower = out->upper = 1.0;
		out->n_risk = km->n;
		return SM_OK;
	}
	/* last j with time[j] <= t */
	lo = 0;
	hi = km->n_times;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (km->time[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	out->surv = km->surv[lo];
	out->std_err = km->std_err[lo];
	out->lower = km->lower[lo];
	out->upper = km->upper[lo];
	out->n_risk = (km->time[lo] == t) ? km->n_risk[lo] : km->n_risk[lo + 1];
	return SM_OK;
}
