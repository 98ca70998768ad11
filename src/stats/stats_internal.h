/*
** stats_internal.h: helpers shared by the files of src/stats/. Not public API:
** nothing outside src/stats/ may include this header. Names start with smx_.
*/
#ifndef SM_STATS_INTERNAL_H
#define SM_STATS_INTERNAL_H

#include <stddef.h>
#include <float.h>
#include <stdint.h>

#include "stats/survival.h"

/* Ordering of row a before row b: negative, zero or positive, as strcmp. */
typedef int (*smx_cmp_fn)(size_t a, size_t b, const void *ctx);

/* Stable bottom-up merge sort of the row indices idx[0..n-1] by cmp; tmp is scratch of n
** entries. O(n log n) comparisons; an already sorted input costs one pass. */
void smx_sort_index(size_t *idx, size_t *tmp, size_t n, smx_cmp_fn cmp, const void *ctx);

/* Check one row's time and event (rule 1 of survival.h). */
static inline int smx_row_ok(double t, int e)
{
	/* t >= 0 is false for NaN; t < INFINITY rejects +inf. */
	return t >= 0.0 && t <= DBL_MAX && (e == 0 || e == 1);
}

/* a * b into *out without overflow; 0 on overflow. */
static inline int smx_mul_size(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return 0;
	*out = a * b;
	return 1;
}

/* Scratch: use the caller's buffer when given (checking its size), else malloc `need`
** bytes. *owned is set to the pointer to free (NULL when the caller's is used). */
sm_status smx_scratch(void *work, size_t work_size, size_t need, void **buf, void **owned);

#endif
