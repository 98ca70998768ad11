/*
** jw.h: a streaming JSON writer into one growing buffer.
**
** Why: building a jansson tree and then json_dumps() of it cost most of the
** time of an API request (bench/README.md, "HTTP"). The writer produces the
** same bytes jansson produces with JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)
** and either JSON_COMPACT (indent 0) or JSON_INDENT(n): keys in the order
** written, ":" or ": ", strings escaped as jansson escapes them (\" \\ \b \f
** \n \r \t, other control characters as \u00XX, everything else as is), reals
** as "%.10g" with ".0" added when needed and the exponent without "+" or
** leading zeros. tests/unit/test_jw.c checks it byte for byte against jansson.
**
** The caller pairs every begin with its end and writes a key before each
** member of an object; the writer does not check the grammar beyond a depth
** limit. Out of memory is sticky: every later call does nothing and
** sm_jw_finish() returns NULL.
*/
#ifndef SM_IO_JW_H
#define SM_IO_JW_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define SM_JW_MAX_DEPTH 32

typedef struct sm_jw {
	char *p;
	size_t len, cap;
	int indent;                        /* 0: compact; n: newline and n spaces per level */
	int depth;
	bool after_key;                    /* the next value follows "key": */
	bool oom;
	unsigned count[SM_JW_MAX_DEPTH + 1]; /* members written at each level */
} sm_jw;

void sm_jw_init(sm_jw *w, int indent);
/* The text (NUL-terminated, malloc'd; the caller frees it) and its length;
** NULL when memory ran out or the nesting is unbalanced. Resets `w`. */
char *sm_jw_finish(sm_jw *w, size_t *len);
/* The finished text parsed as a jansson value, for callers that need a tree
** (NULL when memory ran out or the nesting is unbalanced). Resets `w`. */
json_t *sm_jw_to_json(sm_jw *w);
/* Free the buffer without taking it. */
void sm_jw_free(sm_jw *w);

void sm_jw_obj(sm_jw *w);        /* { */
void sm_jw_obj_end(sm_jw *w);    /* } */
void sm_jw_arr(sm_jw *w);        /* [ */
void sm_jw_arr_end(sm_jw *w);    /* ] */
void sm_jw_key(sm_jw *w, const char *key);
void sm_jw_str(sm_jw *w, const char *s);   /* NULL writes null */
void sm_jw_strn(sm_jw *w, const char *s, size_t n);
void sm_jw_int(sm_jw *w, long long v);
void sm_jw_real(sm_jw *w, double v);       /* NaN and infinities write null */
void sm_jw_bool(sm_jw *w, bool v);
void sm_jw_null(sm_jw *w);

/* The one JSON string escaper of the program (the writer's, also used by
** `spinemets batch` and `spinemets validate`): s[0..n) as a JSON string with
** its quotes into dst, which has room for SM_JSON_ESCAPE_MAX(n) bytes;
** returns the bytes written. Escapes as jansson does (see above); bytes that
** are not UTF-8 (io/utf8.h) become U+FFFD. */
#define SM_JSON_ESCAPE_MAX(n) (6 * (n) + 2)
size_t sm_json_escape(char *dst, const char *s, size_t n);

/* "key": value in one call, for the common members. */
void sm_jw_kstr(sm_jw *w, const char *key, const char *s);
void sm_jw_kint(sm_jw *w, const char *key, long long v);
void sm_jw_kreal(sm_jw *w, const char *key, double v);
void sm_jw_kbool(sm_jw *w, const char *key, bool v);
void sm_jw_knull(sm_jw *w, const char *key);
#endif
