/*
** utf8.c: the UTF-8 validator (see utf8.h).
*/
#include "io/utf8.h"

#include <stdint.h>
#include <string.h>

/* ASCII runs are skipped 8 bytes at a time (a byte >= 0x80 sets a high bit
** whatever the byte order). */
#define HIGHS UINT64_C(0x8080808080808080)

size_t sm_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, k;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c == 0xE0) {
		need = 2;
		lo = 0xA0; /* no overlong 3-byte forms */
	} else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
		need = 2;
	} else if (c == 0xED) {
		need = 2;
		hi = 0x9F; /* no UTF-16 surrogates */
	} else if (c == 0xF0) {
		need = 3;
		lo = 0x90; /* no overlong 4-byte forms */
	} else if (c >= 0xF1 && c <= 0xF3) {
		need = 3;
	} else if (c == 0xF4) {
		need = 3;
		hi = 0x8F; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n - 1 < need || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k <= need; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return need + 1;
}

size_t sm_utf8_invalid_at(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & HIGHS)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = sm_utf8_seq(s + i, n - i);
		if (!k)
			return i;
		i += k;
	}
	return n;
}
