/*
** concordance.c: Harrell's C (Harrell et al. 1982, 1996) in O(n log n), with the
** infinitesimal-jackknife standard error, as R's concordance(Surv(time, event) ~ score)
** reports it (survival 3.x defaults: timewt = "n", no weights, no strata).
**
** The scores are replaced by dense ranks 1..u and the rows sorted by (time, rank) with a
** stable radix sort; a Fenwick (binary indexed) tree of counts over the ranks answers "how
** many rows seen so far have a smaller / equal / larger score" in O(log u). Two sweeps
** over the blocks of equal time:
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

/*
** Scratch: rec[n] and tmp[n] records, then rank[n + 1] (uint64). After the sorts, tmp holds
** a1[n] and b1[n] (int64) and rank holds the Fenwick tree bit[n + 1].
*/
size_t sm_concordance_work_size(size_t n)
{
	if (n > SIZE_MAX / 64 - 1)
		return 0;
	return 2 * n * sizeof(smx_rec) + (n + 1) * sizeof(uint64_t);
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

#define REC_EVENT(r) ((int)((r).val & 1))
#define REC_RANK(r) ((size_t)((r).val >> 1))

sm_status sm_concordance(const double *time, const int *event, const double *score, size_t n,
                         sm_direction direction, void *work, size_t work_size,
                         sm_concordance_result *out, size_t *bad_row)
{
	void *buf = NULL, *owned = NULL;
	smx_rec *rec, *tmp;
	uint64_t *rank;
	int64_t *bit, *a1, *b1;
	int64_t conc = 0, disc = 0, tiex = 0, tiey = 0, tiexy = 0, inserted;
	size_t u = 0, need;
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
	rec = buf;
	tmp = rec + n;
	rank = (uint64_t *)(void *)(tmp + n);

	/* dense score ranks 1..u */
	for (size_t i = 0; i < n; i++) {
		rec[i].key = smx_key_double(score[i]);
		rec[i].val = i;
	}
	smx_radix_sort(rec, tmp, n);
	for (size_t p = 0; p < n; p++) {
		if (p == 0 || rec[p].key != rec[p - 1].key)
			u++;
		rank[rec[p].val] = u;
	}
	/* rows in rank order, now sorted stably by time: order (time, rank) */
	for (size_t p = 0; p < n; p++)
		rec[p].key = smx_key_double(time[rec[p].val]);
	smx_radix_sort(rec, tmp, n);
	for (size_t p = 0; p < n; p++) {
		size_t row = (size_t)rec[p].val;
		rec[p].val = (rank[row] << 1) | (uint64_t)event[row];
	}
	bit = (int64_t *)(void *)rank; /* rank[] is no longer needed */
	a1 = (int64_t *)(void *)tmp;   /* nor is the sort's scratch */
	b1 = a1 + n;

	/* sweep 1: times descending; each event against the rows that outlive it */
	memset(bit, 0, (u + 1) * sizeof *bit);
	inserted = 0;
	for (size_t e = n; e > 0;) {
		size_t s = e;
		while (s > 0 && rec[s - 1].key == rec[e - 1].key)
			s--;
		for (size_t p = s; p < e; p++) {
			if (!REC_EVENT(rec[p])) {
				bit_add(bit, u, REC_RANK(rec[p])); /* censored at t outlive events at t */
				inserted++;
			}
		}
		int64_t nev = 0, same = 0, run = 0;
		size_t prev = 0;
		for (size_t p = s; p < e; p++) {
			if (!REC_EVENT(rec[p]))
				continue;
			size_t r = REC_RANK(rec[p]);
			struct pairs q = query(bit, r, inserted);
			int64_t c = better ? q.greater : q.less, d = better ? q.less : q.greater;
			a1[p] = c - d;
			b1[p] = c + d + q.equal;
			conc += c;
			disc += d;
			tiex += q.equal;
			/* events tied in time are not comparable: count them by equal score */
			run = (nev > 0 && r == prev) ? run + 1 : 1;
			same += run - 1;
			prev = r;
			nev++;
		}
		tiexy += same;
		tiey += nev * (nev - 1) / 2 - same;
		for (size_t p = s; p < e; p++) {
			if (REC_EVENT(rec[p])) {
				bit_add(bit, u, REC_RANK(rec[p]));
				inserted++;
			}
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
	memset(bit, 0, (u + 1) * sizeof *bit);
	inserted = 0;
	for (size_t s = 0; s < n;) {
		size_t e = s;
		while (e < n && rec[e].key == rec[s].key)
			e++;
		/* pass 0: events at t, before they enter the tree; 1: they enter;
		** pass 2: censored at t, who outlive the events at t */
		for (int pass = 0; pass < 3; pass++) {
			for (size_t p = s; p < e; p++) {
				int ev = REC_EVENT(rec[p]);
				if (ev != (pass < 2))
					continue;
				if (pass == 1) {
					bit_add(bit, u, REC_RANK(rec[p]));
					inserted++;
					continue;
				}
				struct pairs q = query(bit, REC_RANK(rec[p]), inserted);
				int64_t c = better ? q.less : q.greater, d = better ? q.greater : q.less;
				int64_t a = c - d, b = c + d + q.equal;
				if (ev) {
					a += a1[p];
					b += b1[p];
				}
				double infl = ((double)a - somers * (double)b) / np;
				ksum_add(&acc, infl * infl);
			}
		}
		s = e;
	}
	free(owned);
	out->var = (acc.s + acc.c) / 4.0;
	out->std_err = sqrt(out->var);
	return SM_OK;
}
