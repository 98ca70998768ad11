/*
** radix.c: the sort shared by the survival functions, and the scratch helper.
** A stable least-significant-digit radix sort of (key, value) records on 64-bit keys,
** 8 bits per pass. It needs one extra array of n records, takes at most 8 passes of
** sequential reads and writes (passes where every key has the same digit are skipped),
** and no global state. Doubles are mapped to keys whose unsigned order is their numeric
** order (IEEE 754: flip the sign bit of non-negatives, every bit of negatives).
*/
#include <stdlib.h>
#include <string.h>

#include "stats/stats_internal.h"

uint64_t smx_key_double(double x)
{
	uint64_t bits;
	if (x == 0.0)
		x = 0.0; /* -0 and +0 compare equal: give them one key */
	memcpy(&bits, &x, sizeof bits);
	return (bits & UINT64_C(0x8000000000000000)) ? ~bits : bits ^ UINT64_C(0x8000000000000000);
}

double smx_double_key(uint64_t key)
{
	uint64_t bits = (key & UINT64_C(0x8000000000000000)) ? key ^ UINT64_C(0x8000000000000000)
	                                                      : ~key;
	double x;
	memcpy(&x, &bits, sizeof x);
	return x;
}

void smx_radix_sort(smx_rec *a, smx_rec *tmp, size_t n)
{
	size_t count[8][256];
	smx_rec *src = a, *dst = tmp;

	if (n < 2)
		return;
	memset(count, 0, sizeof count);
	for (size_t i = 0; i < n; i++) {
		uint64_t k = a[i].key;
		for (int d = 0; d < 8; d++)
			count[d][(k >> (8 * d)) & 0xFF]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t *c = count[d], sum = 0;
		unsigned shift = 8u * (unsigned)d;
		if (c[(src[0].key >> shift) & 0xFF] == n)
			continue; /* every key has this digit: nothing to do */
		for (int b = 0; b < 256; b++) {
			size_t v = c[b];
			c[b] = sum;
			sum += v;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i].key >> shift) & 0xFF]++] = src[i];
		smx_rec *swap = src;
		src = dst;
		dst = swap;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
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
