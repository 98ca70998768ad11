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

/* A record of the radix sort: sorted by key; val travels with it. */
typedef struct smx_rec {
	uint64_t key;
	uint64_t val;
} smx_rec;

/* Stable ascending sort of a[0..n-1] by key; tmp is scratch of n records. O(n). */
void smx_radix_sort(smx_rec *a, smx_rec *tmp, size_t n);

/* A key whose unsigned order is the numeric order of x (x not NaN; -0 and +0 share one),
** and its inverse. */
uint64_t smx_key_double(double x);
double smx_double_key(uint64_t key);

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
