/*
** logrank.c: the k-sample log-rank test (Mantel 1966; Peto & Peto 1972), as R's
** survdiff(Surv(time, event) ~ group) with rho = 0.
**
** At each distinct event time t with n at risk and d events, n_g of them in group g:
**   E_g   += d n_g / n
**   V_gh  += d (n - d) / (n - 1) * (n_g / n) (delta_gh - n_h / n)      (n > 1)
** O_g counts the events of group g. The statistic is (O - E)' V^- (O - E) over the groups
** with E_g > 0, less the first of them (V has rank k' - 1 because the O - E sum to 0),
** solved with an LDL' (square-root-free Cholesky) decomposition whose near-zero pivots are
** dropped, which gives a generalised inverse when the block is singular.
*/
#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_internal.h"

/* scratch layout: rec[n], tmp[n] (smx_rec), risk[k] (size_t), then a[r*r], b[r], dpiv[r]
** (double) */
static size_t double_offset(size_t n, size_t k)
{
	size_t off = 2 * n * sizeof(smx_rec) + k * sizeof(size_t);
	return (off + alignof(double) - 1) / alignof(double) * alignof(double);
}

size_t sm_logrank_work_size(size_t n, size_t k)
{
	size_t kk, more, off;
	if (n > SIZE_MAX / 64 || k > SIZE_MAX / 64 || !smx_mul_size(k, k, &kk) ||
	    kk > SIZE_MAX / 16 - 2 * k)
		return 0;
	more = (kk + 2 * k) * sizeof(double);
	off = double_offset(n, k);
	if (off > SIZE_MAX - more)
		return 0;
	return (off + more) ? off + more : 1;
}

static sm_logrank_result *lr_alloc(size_t k, double **dbl, size_t **sz)
{
	size_t head = sizeof(sm_logrank_result), kk, nd, ns;
	head = (head + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
	if (!smx_mul_size(k, k, &kk) || kk > SIZE_MAX - 2 * k ||
	    !smx_mul_size(kk + 2 * k, sizeof(double), &nd) || !smx_mul_size(k, sizeof(size_t), &ns) ||
	    nd > SIZE_MAX - head - ns)
		return NULL;
	unsigned char *block = calloc(1, head + nd + ns);
	if (block == NULL)
		return NULL;
	*dbl = (double *)(void *)(block + head);
	*sz = (size_t *)(void *)(block + head + nd);
	return (sm_logrank_result *)(void *)block;
}

/*
** b' A^- b for the symmetric non-negative definite r x r matrix a (row-major, overwritten)
** by LDL' with pivots below a relative tolerance set to zero; *rank gets the pivots kept.
*/
static double quad_form_ginv(double *a, double *b, double *dpiv, size_t r, size_t *rank)
{
	const double tol = 1e-9;
	double q = 0.0;
	*rank = 0;
	for (size_t j = 0; j < r; j++) {
		double diag0 = a[j * r + j];
		double dj = diag0;
		for (size_t p = 0; p < j; p++)
			dj -= a[j * r + p] * a[j * r + p] * dpiv[p];
		if (!(diag0 > 0.0) || dj <= tol * diag0) {
			dpiv[j] = 0.0; /* dependent column: drop it */
			for (size_t i = j + 1; i < r; i++)
				a[i * r + j] = 0.0;
			continue;
		}
		dpiv[j] = dj;
		(*rank)++;
		for (size_t i = j + 1; i < r; i++) {
			double v = a[i * r + j];
			for (size_t p = 0; p < j; p++)
				v -= a[i * r + p] * a[j * r + p] * dpiv[p];
			a[i * r + j] = v / dj;
		}
	}
	/* forward solve L y = b in place; b' A^- b = sum y_j^2 / d_j over kept pivots */
	for (size_t j = 0; j < r; j++) {
		double v = b[j];
		for (size_t p = 0; p < j; p++)
			v -= a[j * r + p] * b[p];
		b[j] = v;
		if (dpiv[j] > 0.0)
			q += v * v / dpiv[j];
	}
	return q;
}

sm_status sm_logrank(const double *time, const int *event, const int *group, size_t n, size_t k,
                     void *work, size_t work_size, sm_logrank_result **out, size_t *bad_row)
{
	void *buf = NULL, *owned = NULL;
	smx_rec *rec, *tmp;
	size_t *risk, used = 0, need, kk;
	double *dbl, *mat, *vec, *dpiv;
	size_t *sz;
	sm_logrank_result *lr;
	sm_status st;

	if (out == NULL)
		return SM_E_ARGUMENT;
	*out = NULL;
	if (k == 0 || (n > 0 && (time == NULL || event == NULL || group == NULL)))
		return SM_E_ARGUMENT;
	need = sm_logrank_work_size(n, k);
	if (need == 0)
		return SM_E_NOMEM;
	kk = k * k; /* no overflow: checked by sm_logrank_work_size */
	st = smx_scratch(work, work_size, need, &buf, &owned);
	if (st != SM_OK)
		return st;
	rec = buf;
	tmp = rec + n;
	risk = (size_t *)(void *)(tmp + n);
	mat = (double *)(void *)((unsigned char *)buf + double_offset(n, k));
	vec = mat + kk;
	dpiv = vec + k;

	for (size_t i = 0; i < n; i++) {
		if (group[i] < 0)
			continue;
		if ((size_t)group[i] >= k || !smx_row_ok(time[i], event[i])) {
			if (bad_row != NULL)
				*bad_row = i;
			free(owned);
			return SM_E_DOMAIN;
		}
		rec[used].key = smx_key_double(time[i]);
		rec[used].val = ((uint64_t)group[i] << 1) | (uint64_t)event[i];
		used++;
	}
	lr = lr_alloc(k, &dbl, &sz);
	if (lr == NULL) {
		free(owned);
		return SM_E_NOMEM;
	}
	double *obs = dbl, *expct = dbl + k, *var = dbl + 2 * k;
	size_t *ngroup = sz;

	smx_radix_sort(rec, tmp, used);
	for (size_t i = 0; i < used; i++)
		ngroup[rec[i].val >> 1]++;
	memcpy(risk, ngroup, k * sizeof *risk);

	size_t at_risk = used;
	for (size_t i = 0; i < used;) {
		size_t start = i, d = 0;
		uint64_t key = rec[i].key;
		for (; i < used && rec[i].key == key; i++) {
			if (rec[i].val & 1) {
				d++;
				obs[rec[i].val >> 1] += 1.0;
			}
		}
		if (d > 0) {
			double nn = (double)at_risk, dd = (double)d;
			double w = (at_risk > 1) ? dd * (nn - dd) / (nn * nn * (nn - 1.0)) : 0.0;
			for (size_t g = 0; g < k; g++) {
				if (risk[g] == 0)
					continue;
				double ng = (double)risk[g];
				expct[g] += dd * ng / nn;
				if (w == 0.0)
					continue;
				var[g * k + g] += w * ng * (nn - ng);
				for (size_t h = g + 1; h < k; h++)
					if (risk[h] != 0)
						var[g * k + h] -= w * ng * (double)risk[h];
			}
		}
		for (size_t p = start; p < i; p++)
			risk[rec[p].val >> 1]--;
		at_risk -= i - start;
	}
	for (size_t g = 0; g < k; g++)
		for (size_t h = g + 1; h < k; h++)
			var[h * k + g] = var[g * k + h];

	/* survdiff: keep groups with E > 0, drop the first of them */
	size_t r = 0, first = k;
	for (size_t g = 0; g < k; g++) {
		if (!(expct[g] > 0.0))
			continue;
		if (first == k) {
			first = g;
			continue;
		}
		risk[r++] = g; /* risk[] is free again: reuse it for the kept indices */
	}
	lr->chisq = 0.0;
	lr->df = 0;
	lr->p_value = NAN;
	if (r > 0) {
		for (size_t a = 0; a < r; a++) {
			vec[a] = obs[risk[a]] - expct[risk[a]];
			for (size_t b = 0; b < r; b++)
				mat[a * r + b] = var[risk[a] * k + risk[b]];
		}
		lr->chisq = quad_form_ginv(mat, vec, dpiv, r, &lr->df);
		if (lr->df > 0)
			lr->p_value = sm_pchisq_upper(lr->chisq, (double)lr->df);
		else
			lr->chisq = 0.0;
	}
	free(owned);

	lr->k = k;
	lr->n = used;
	lr->n_group = ngroup;
	lr->observed = obs;
	lr->expected = expct;
	lr->var = var;
	*out = lr;
	return SM_OK;
}

void sm_logrank_free(sm_logrank_result *lr)
{
	free(lr);
}
