/*
** sort.c: the index sort and scratch helper shared by the survival functions.
** A merge sort because it is stable, O(n log n) in the worst case and needs no
** global state (qsort has no context argument and qsort_r is not standard C).
*/
#include <stdlib.h>
#include <string.h>

#include "stats/stats_internal.h"

#define SMX_RUN 16 /* insertion-sort runs of this length before merging */

static void insertion(size_t *idx, size_t lo, size_t hi, smx_cmp_fn cmp, const void *ctx)
{
	for (size_t i = lo + 1; i < hi; i++) {
		size_t v = idx[i];
		size_t j = i;
		while (j > lo && cmp(idx[j - 1], v, ctx) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

void smx_sort_index(size_t *idx, size_t *tmp, size_t n, smx_cmp_fn cmp, const void *ctx)
{
	size_t i, width;
	size_t *src = idx, *dst = tmp;

	if (n < 2)
		return;
	for (i = 1; i < n; i++)
		if (cmp(idx[i - 1], idx[i], ctx) > 0)
			break;
	if (i == n)
		return; /* already in order */

	for (i = 0; i < n; i += SMX_RUN)
		insertion(idx, i, (n - i < SMX_RUN) ? n : i + SMX_RUN, cmp, ctx);

	for (width = SMX_RUN; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = (n - lo < width) ? n : lo + width;
			size_t hi = (n - lo < 2 * width) ? n : lo + 2 * width;
			size_t a = lo, b = mid, o = lo;
			if (mid == hi || cmp(src[mid - 1], src[mid], ctx) <= 0) {
				memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src);
				continue;
			}
			while (a < mid && b < hi)
				dst[o++] = (cmp(src[b], src[a], ctx) < 0) ? src[b++] : src[a++];
			while (a < mid)
				dst[o++] = src[a++];
			while (b < hi)
				dst[o++] = src[b++];
		}
		size_t *swap = src;
		src = dst;
		dst = swap;
		if (width > SIZE_MAX / 4)
			break;
	}
	if (src != idx)
		memcpy(idx, src, n * sizeof *idx);
}

sm_status smx_scratch(void *work, size_t work_size, size_t need, void **buf, void **owned)
{
	*owned = NULL;
	if (work != NULL) {
		if (work_size < need)
			return SM_E_ARGUMENT;
		*buf = work;
		return SM_OK;
	}
	*buf = malloc(need ? need : 1);
	if (*buf == NULL)
		return SM_E_NOMEM;
	*owned = *buf;
	return SM_OK;
}
