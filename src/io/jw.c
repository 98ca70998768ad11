/*
** jw.c: the streaming JSON writer (see jw.h).
*/
#include "io/jw.h"
#include "io/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_jw_init(sm_jw *w, int indent)
{
	memset(w, 0, sizeof *w);
	w->indent = indent < 0 ? 0 : indent;
}

void sm_jw_free(sm_jw *w)
{
	free(w->p);
	w->p = NULL;
	w->len = w->cap = 0;
}

char *sm_jw_finish(sm_jw *w, size_t *len)
{
	char *out = NULL;
	if (!w->oom && w->depth == 0 && w->p) {
		out = w->p;
		out[w->len] = '\0';
		if (len)
			*len = w->len;
		w->p = NULL;
	}
	sm_jw_free(w);
	int indent = w->indent;
	sm_jw_init(w, indent);
	return out;
}

/* Room for n more bytes and the final NUL. */
static bool room(sm_jw *w, size_t n)
{
	if (w->oom)
		return false;
	if (w->len + n + 1 <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 1024;
	while (cap < w->len + n + 1) {
		if (cap > (size_t)-1 / 2) {
			w->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(w->p, cap);
	if (!p) {
		w->oom = true;
		return false;
	}
	w->p = p;
	w->cap = cap;
	return true;
}

static void put(sm_jw *w, const char *s, size_t n)
{
	if (room(w, n)) {
		memcpy(w->p + w->len, s, n);
		w->len += n;
	}
}

static void putc1(sm_jw *w, char c)
{
	if (room(w, 1))
		w->p[w->len++] = c;
}

static void newline(sm_jw *w, int depth)
{
	if (w->indent <= 0)
		return;
	size_t n = (size_t)depth * (size_t)w->indent;
	if (room(w, n + 1)) {
		w->p[w->len++] = '\n';
		memset(w->p + w->len, ' ', n);
		w->len += n;
	}
}

/* Before a value or a key: the comma and the line break of its level. */
static void before(sm_jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth]++)
		putc1(w, ',');
	newline(w, w->depth);
}

static void open_(sm_jw *w, char c)
{
	before(w);
	putc1(w, c);
	if (w->depth >= SM_JW_MAX_DEPTH) {
		w->oom = true; /* nesting this deep is a bug of the caller */
		return;
	}
	w->count[++w->depth] = 0;
}

static void close_(sm_jw *w, char c)
{
	if (w->depth <= 0) {
		w->oom = true;
		return;
	}
	if (w->count[w->depth])
		newline(w, w->depth - 1);
	w->depth--;
	putc1(w, c);
}

void sm_jw_obj(sm_jw *w) { open_(w, '{'); }
void sm_jw_obj_end(sm_jw *w) { close_(w, '}'); }
void sm_jw_arr(sm_jw *w) { open_(w, '['); }
void sm_jw_arr_end(sm_jw *w) { close_(w, ']'); }

/* A JSON string. Bytes that are not UTF-8 become U+FFFD (jansson would
** refuse the whole document; the JSON writer's strings come from the core's
** tables and from parsed JSON, so there this only guards against a bug). */
size_t sm_json_escape(char *dst, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *d = dst;
	size_t i = 0;
	*d++ = '"';
	while (i < n) {
		/* runs of plain bytes are copied at once */
		size_t j = i;
		while (j < n) {
			unsigned char c = (unsigned char)s[j];
			if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
				break;
			j++;
		}
		if (j > i) {
			memcpy(d, s + i, j - i);
			d += j - i;
			i = j;
			if (i == n)
				break;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t len = sm_utf8_seq((const unsigned char *)s + i, n - i);
			if (len) {
				memcpy(d, s + i, len);
				d += len;
				i += len;
			} else {
				memcpy(d, "\xEF\xBF\xBD", 3);
				d += 3;
				i++;
			}
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		default:
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
		i++;
	}
	*d++ = '"';
	return (size_t)(d - dst);
}

static void string(sm_jw *w, const char *s, size_t n)
{
	if (n > (SIZE_MAX - 2) / 6) {
		w->oom = true;
		return;
	}
	if (room(w, SM_JSON_ESCAPE_MAX(n)))
		w->len += sm_json_escape(w->p + w->len, s, n);
}

void sm_jw_key(sm_jw *w, const char *key)
{
	before(w);
	string(w, key, strlen(key));
	if (w->indent > 0)
		put(w, ": ", 2);
	else
		putc1(w, ':');
	w->after_key = true;
}

void sm_jw_strn(sm_jw *w, const char *s, size_t n)
{
	before(w);
	string(w, s, n);
}

void sm_jw_str(sm_jw *w, const char *s)
{
	if (!s)
		return sm_jw_null(w);
	sm_jw_strn(w, s, strlen(s));
}

void sm_jw_int(sm_jw *w, long long v)
{
	char buf[24], *e = buf + sizeof buf, *q = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--q = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	before(w);
	put(w, q, (size_t)(e - q));
}

void sm_jw_real(sm_jw *w, double v)
{
	if (!isfinite(v))
		return sm_jw_null(w);
	char buf[40];
	int r = snprintf(buf, sizeof buf, "%.10g", v);
	if (r < 0 || (size_t)r >= sizeof buf - 3)
		return sm_jw_null(w);
	size_t n = (size_t)r;
	if (!memchr(buf, '.', n) && !memchr(buf, 'e', n)) {
		buf[n++] = '.';
		buf[n++] = '0';
		buf[n] = '\0';
	}
	char *ex = memchr(buf, 'e', n);
	if (ex) {
		/* "1e+05" -> "1e5", "1e-05" -> "1e-5" */
		char *from = ex + 1, *to = ex + 1;
		if (*from == '-')
			to = ++from;
		else if (*from == '+')
			from++;
		while (*from == '0' && from[1])
			from++;
		size_t tail = (size_t)(buf + n - from);
		memmove(to, from, tail + 1);
		n = (size_t)(to - buf) + tail;
	}
	before(w);
	put(w, buf, n);
}

void sm_jw_bool(sm_jw *w, bool v)
{
	before(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void sm_jw_null(sm_jw *w)
{
	before(w);
	put(w, "null", 4);
}

void sm_jw_kstr(sm_jw *w, const char *key, const char *s)
{
	sm_jw_key(w, key);
	sm_jw_str(w, s);
}

void sm_jw_kint(sm_jw *w, const char *key, long long v)
{
	sm_jw_key(w, key);
	sm_jw_int(w, v);
}

void sm_jw_kreal(sm_jw *w, const char *key, double v)
{
	sm_jw_key(w, key);
	sm_jw_real(w, v);
}

void sm_jw_kbool(sm_jw *w, const char *key, bool v)
{
	sm_jw_key(w, key);
	sm_jw_bool(w, v);
}

void sm_jw_knull(sm_jw *w, const char *key)
{
	sm_jw_key(w, key);
	sm_jw_null(w);
}

json_t *sm_jw_to_json(sm_jw *w)
{
	size_t len = 0;
	char *text = sm_jw_finish(w, &len);
	if (!text)
		return NULL;
	json_t *v = json_loadb(text, len, 0, NULL);
	free(text);
	return v;
}
