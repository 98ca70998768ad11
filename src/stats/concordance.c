/*
** concordance.c: Harrell's C (Harrell et al. 1982, 1996) in O(n log n), with the
** infinitesimal-jackknife standard error, as R's concordance(Surv(time, event) ~ score)
** reports it (survival 3.x defaults: timewt = "n", no weights, no strata).
**
** The rows are sorted by (time, event, score rank); the scores are replaced by dense ranks
** 1..u so that a Fenwick (binary indexed) tree of counts answers "how many rows seen so
** far have a smaller / equal / larger score" in O(log u). Two sweeps:
**   1. times descending: each event counts its pairs with the rows that outlive it (later
**      times, and rows censored at its own time). This visits every comparable pair once,
**      giving the totals, and each event's own counts as the shorter member of a pair.
**   2. times ascending: each row counts its pairs with the earlier events (and, for a
**      censored row, the events at its own time), its counts as the longer member.
** The influence of row i on Somers' D = (C - D) / N is ((c_i - d_i) - D (c_i + d_i + t_i)) / N
** where c_i, d_i, t_i are the concordant, discordant and tied-score pairs row i belongs to;
** R's variance of the concordance is the sum of the squared influences over 4.
*/
#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_internal.h"

struct conc_ctx {
	const double *time;
	const int *event;
	const double *score;
	const size_t *rank;
};

static int cmp_score(size_t a, size_t b, const void *ctx)
{
	const struct conc_ctx *c = ctx;
	return (c->score[a] > c->score[b]) - (c->score[a] < c->score[b]);
}

static int cmp_time_event_rank(size_t a, size_t b, const void *ctx)
{
	const struct conc_ctx *c = ctx;
	if (c->time[a] != c->time[b])
		return (c->time[a] > c->time[b]) ? 1 : -1;
	if (c->event[a] != c->event[b])
		return (c->event[a] > c->event[b]) ? 1 : -1;
	return (c->rank[a] > c->rank[b]) - (c->rank[a] < c->rank[b]);
}

static void bit_add(int64_t *bit, size_t u, size_t r)
{
	for (; r <= u; r += r & (~r + 1))
		bit[r]++;
}

static int64_t bit_prefix(const int64_t *bit, size_t r)
{
	int64_t s = 0;
	for (; r > 0; r -= r & (~r + 1))
		s += bit[r];
	return s;
}

/* Byte offset of the int64 part of the scratch (after idx, tmp, rank). */
static size_t int_offset(size_t n)
{
	size_t off = 3 * n * sizeof(size_t);
	return (off + alignof(int64_t) - 1) / alignof(int64_t) * alignof(int64_t);
}

size_t sm_concordance_work_size(size_t n)
{
	size_t a, b;
	/* idx, tmp, rank: 3n size_t; bit: n + 1, a1, b1: n int64 each */
	if (n > SIZE_MAX / 64 - 1 || !smx_mul_size(3 * n, sizeof(size_t), &a) ||
	    !smx_mul_size(3 * n + 1, sizeof(int64_t), &b))
		return 0;
	return int_offset(n) + b;
}

/* The pairs of a query: counts of rows in the tree with smaller, equal, larger ranks. */
struct pairs {
	int64_t less, equal, greater;
};

static struct pairs query(const int64_t *bit, size_t r, int64_t total)
{
	struct pairs p;
	int64_t below = bit_prefix(bit, r - 1), upto = bit_prefix(bit, r);
	p.less = below;
	p.equal = upto - below;
	p.greater = total - upto;
	return p;
}

/* Neumaier's compensated sum. */
struct ksum {
	double s, c;
};

static void ksum_add(struct ksum *k, double v)
{
	double t = k->s + v;
	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

sm_status sm_concordance(const double *time, const int *event, const double *score, size_t n,
                         sm_direction direction, void *work, size_t work_size,
                         sm_concordance_result *out, size_t *bad_row)
{
	void *buf = NULL, *owned = NULL;
	size_t *idx, *tmp, *rank, u = 0, need;
	int64_t *bit, *a1, *b1;
	int64_t conc = 0, disc = 0, tiex = 0, tiey = 0, tiexy = 0, inserted;
	struct conc_ctx ctx;
	sm_status st;
	int better;

	if (out == NULL)
		return SM_E_ARGUMENT;
	memset(out, 0, sizeof *out);
	out->concordance = out->std_err = out->var = NAN;
	if (direction != SM_HIGHER_IS_BETTER && direction != SM_HIGHER_IS_WORSE)
		return SM_E_ARGUMENT;
	if (n > 0 && (time == NULL || event == NULL || score == NULL))
		return SM_E_ARGUMENT;
	better = (direction == SM_HIGHER_IS_BETTER);
	for (size_t i = 0; i < n; i++) {
		if (!smx_row_ok(time[i], event[i]) || isnan(score[i])) {
			if (bad_row != NULL)
				*bad_row = i;
			return SM_E_DOMAIN;
		}
	}
	need = sm_concordance_work_size(n);
	if (need == 0)
		return SM_E_NOMEM;
	st = smx_scratch(work, work_size, need, &buf, &owned);
	if (st != SM_OK)
		return st;
	idx = buf;
	tmp = idx + n;
	rank = tmp + n;
	bit = (int64_t *)(void *)((unsigned char *)buf + int_offset(n));
	a1 = bit + n + 1;
	b1 = a1 + n;
	ctx.time = time;
	ctx.event = event;
	ctx.score = score;
	ctx.rank = rank;

	/* dense score ranks 1..u */
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	smx_sort_index(idx, tmp, n, cmp_score, &ctx);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || score[idx[i]] != score[idx[i - 1]])
			u++;
		rank[idx[i]] = u;
	}
	smx_sort_index(idx, tmp, n, cmp_time_event_rank, &ctx);

	/* sweep 1: times descending; each event against the rows that outlive it */
	memset(bit, 0, (n + 1) * sizeof *bit);
	inserted = 0;
	for (size_t e = n; e > 0;) {
		size_t s = e, mid;
		double t = time[idx[e - 1]];
		while (s > 0 && time[idx[s - 1]] == t)
			s--;
		for (mid = s; mid < e && event[idx[mid]] == 0; mid++) {
			bit_add(bit, u, rank[idx[mid]]); /* censored at t outlive events at t */
			inserted++;
		}
		for (size_t p = mid; p < e; p++) {
			struct pairs q = query(bit, rank[idx[p]], inserted);
			int64_t c = better ? q.greater : q.less, d = better ? q.less : q.greater;
			a1[p] = c - d;
			b1[p] = c + d + q.equal;
			conc += c;
			disc += d;
			tiex += q.equal;
		}
		/* events tied in time: not comparable; split by equal score */
		int64_t nev = (int64_t)(e - mid), same = 0;
		for (size_t p = mid; p < e;) {
			size_t r0 = p;
			while (p < e && rank[idx[p]] == rank[idx[r0]])
				p++;
			int64_t run = (int64_t)(p - r0);
			same += run * (run - 1) / 2;
		}
		tiexy += same;
		tiey += nev * (nev - 1) / 2 - same;
		for (size_t p = mid; p < e; p++) {
			bit_add(bit, u, rank[idx[p]]);
			inserted++;
		}
		e = s;
	}

	out->n = n;
	out->concordant = (double)conc;
	out->discordant = (double)disc;
	out->tied_x = (double)tiex;
	out->tied_y = (double)tiey;
	out->tied_xy = (double)tiexy;
	int64_t npair = conc + disc + tiex;
	if (npair == 0) {
		free(owned);
		return SM_OK; /* no comparable pair: concordance and SE are NAN, as R's NaN */
	}
	double np = (double)npair;
	double somers = (double)(conc - disc) / np;
	out->concordance = (somers + 1.0) / 2.0;

	/* sweep 2: times ascending; each row against the earlier events */
	struct ksum acc = {0.0, 0.0};
	memset(bit, 0, (n + 1) * sizeof *bit);
	inserted = 0;
	for (size_t s = 0; s < n;) {
		size_t e = s, mid;
		double t = time[idx[s]];
		while (e < n && time[idx[e]] == t)
			e++;
		for (mid = s; mid < e && event[idx[mid]] == 0; mid++)
			;
		for (int pass = 0; pass < 2; pass++) {
			/* pass 0: events at t (before they enter); pass 1: censored at t (after) */
			size_t lo = pass ? s : mid, hi = pass ? mid : e;
			for (size_t p = lo; p < hi; p++) {
				struct pairs q = query(bit, rank[idx[p]], inserted);
				int64_t c = better ? q.less : q.greater, d = better ? q.greater : q.less;
				int64_t a = c - d, b = c + d + q.equal;
				if (pass == 0) {
					a += a1[p];
					b += b1[p];
				}
				double infl = ((double)a - somers * (double)b) / np;
				ksum_add(&acc, infl * infl);
			}
			if (pass == 0) {
				for (size_t p = mid; p < e; p++) {
					bit_add(bit, u, rank[idx[p]]);
					inserted++;
				}
			}
		}
		s = e;
	}
	free(owned);
	out->var = (acc.s + acc.c) / 4.0;
	out->std_err = sqrt(out->var);
	return SM_OK;
}
