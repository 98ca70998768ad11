/*
** test_jw.c: the streaming JSON writer (src/io/jw.c) against jansson, byte
** for byte: strings with every control character and multi-byte UTF-8,
** integers at their limits, reals in every notation, empty and nested
** containers, compact and indented, and random documents built both ways.
*/
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "io/json_score.h"
#include "io/jw.h"
#include "io/utf8.h"

#define REAL10 JSON_REAL_PRECISION(10)

/* jansson's text for one value */
static char *jansson_text(json_t *v, size_t flags)
{
	char *s = json_dumps(v, flags | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | REAL10);
	json_decref(v);
	assert_non_null(s);
	return s;
}

static char *jw_text(sm_jw *w)
{
	size_t n = 0;
	char *s = sm_jw_finish(w, &n);
	assert_non_null(s);
	assert_int_equal(strlen(s), n);
	return s;
}

static void same(char *want, char *got)
{
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void check_string(const char *s, size_t n)
{
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_strn(&w, s, n);
	same(jansson_text(json_stringn(s, n), JSON_COMPACT), jw_text(&w));
}

static void test_strings(void **st)
{
	(void)st;
	char all[40];
	for (int c = 0; c < 32; c++)
		all[c] = (char)c;
	memcpy(all + 32, "\"\\/\x7f" "ab", 6);
	check_string(all, 38);
	for (int c = 0; c < 32; c++) {
		char one[3] = {'x', (char)c, 'y'};
		check_string(one, 3);
	}
	check_string("", 0);
	check_string("plain ASCII text, with (punctuation) & <markup>", 47);
	const char *u = "caf\xc3\xa9 \xe0\xa6\xae\xe0\xa7\x87\xe0\xa6\xb0\xe0\xa7\x81\xe0\xa6\xa6\xe0\xa6\xa3\xe0\xa7\x8d\xe0\xa6\xa1 "
	                "\xf0\x9f\xa6\xb4 \xe2\x89\xa5 10 \xc2\xb5g";
	check_string(u, strlen(u));
	check_string("\"quoted\"\n\ttab\\slash", 19);
}

/* Bytes that are not UTF-8 (jansson refuses them) become U+FFFD, one per byte. */
static void test_invalid_utf8(void **st)
{
	(void)st;
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{"a\xff" "b", "\"a\xef\xbf\xbd" "b\""},
		{"\xc3", "\"\xef\xbf\xbd\""},                          /* truncated sequence */
		{"\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\""},          /* overlong "/" */
		{"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* surrogate */
		{"\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* > U+10FFFF */
		{"\xe2\x89" "x", "\"\xef\xbf\xbd\xef\xbf\xbd" "x\""},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		sm_jw w;
		sm_jw_init(&w, 0);
		sm_jw_str(&w, cases[k].in);
		char *got = jw_text(&w);
		assert_string_equal(got, cases[k].want);
		/* and what is written parses */
		json_t *v = json_loads(got, JSON_DECODE_ANY, NULL);
		assert_non_null(v);
		json_decref(v);
		free(got);
	}
}

/* The one UTF-8 validator and the escaper that batch and validate share. */
static void test_utf8_and_escape(void **st)
{
	(void)st;
	static const struct {
		const char *s;
		size_t len, want;
	} seqs[] = {
		{"a", 1, 1},           {"\xC3\xA9", 2, 2},       {"\xC2\x80", 2, 2},     {"\xC1\xBF", 2, 0}, /* overlong */
		{"\xE0\xA0\x80", 3, 3}, {"\xE0\x9F\xBF", 3, 0},   /* overlong */         {"\xED\x9F\xBF", 3, 3},
		{"\xED\xA0\x80", 3, 0}, /* surrogate */           {"\xF0\x90\x80\x80", 4, 4},
		{"\xF0\x8F\xBF\xBF", 4, 0}, /* overlong */        {"\xF4\x8F\xBF\xBF", 4, 4},
		{"\xF4\x90\x80\x80", 4, 0}, /* > U+10FFFF */      {"\xF5\x80\x80\x80", 4, 0},
		{"\xE2\x82", 2, 0}, /* truncated */               {"\x80", 1, 0},
	};
	for (size_t k = 0; k < sizeof seqs / sizeof *seqs; k++)
		assert_int_equal(sm_utf8_seq((const unsigned char *)seqs[k].s, seqs[k].len), seqs[k].want);
	const char *text = "plain ascii, long enough for the word loop: caf\xC3\xA9 \xE9 end";
	assert_int_equal(sm_utf8_invalid_at((const unsigned char *)text, strlen(text)),
	                 (size_t)(strchr(text, '\xE9') - text));
	assert_int_equal(sm_utf8_invalid_at((const unsigned char *)"caf\xC3\xA9", 5), 5);
	/* escaping: as jansson (upper-case hex, short forms), bad bytes as U+FFFD */
	char out[SM_JSON_ESCAPE_MAX(8)];
	size_t n = sm_json_escape(out, "a\x01\b\f\x1b\"\\\xE9", 8);
	assert_int_equal(n, strlen("\"a\\u0001\\b\\f\\u001B\\\"\\\\\xEF\xBF\xBD\""));
	assert_memory_equal(out, "\"a\\u0001\\b\\f\\u001B\\\"\\\\\xEF\xBF\xBD\"", n);
	/* the worst case fills SM_JSON_ESCAPE_MAX exactly */
	char worst[SM_JSON_ESCAPE_MAX(3)];
	assert_int_equal(sm_json_escape(worst, "\x01\x02\x03", 3), SM_JSON_ESCAPE_MAX(3));
}

static void test_numbers(void **st)
{
	(void)st;
	static const long long ints[] = {0, 1, -1, 9, 10, 42, -1000000, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
		sm_jw w;
		sm_jw_init(&w, 0);
		sm_jw_int(&w, ints[k]);
		same(jansson_text(json_integer(ints[k]), JSON_COMPACT), jw_text(&w));
	}
	static const double reals[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 2.5, 3.4, 100.0, 1e9, 1e10, 1e15, 1e16,
	                               1e20, 1e100, 1e300, 1.7976931348623157e308, 1e-4, 1e-5, 1e-7,
	                               2.2250738585072014e-308, 5e-324, 3.14159265358979, 2.0 / 3.0, -2.5e-300,
	                               123456789012.0, 1234567890.5, 0.000123456789, 12345.678901234};
	for (size_t k = 0; k < sizeof reals / sizeof reals[0]; k++) {
		sm_jw w;
		sm_jw_init(&w, 0);
		sm_jw_real(&w, reals[k]);
		same(jansson_text(json_real(reals[k]), JSON_COMPACT), jw_text(&w));
	}
	/* not a number: null (jansson has no such real) */
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_arr(&w);
	sm_jw_real(&w, NAN);
	sm_jw_real(&w, INFINITY);
	sm_jw_real(&w, -INFINITY);
	sm_jw_bool(&w, true);
	sm_jw_bool(&w, false);
	sm_jw_str(&w, NULL);
	sm_jw_arr_end(&w);
	char *got = jw_text(&w);
	assert_string_equal(got, "[null,null,null,true,false,null]");
	free(got);
}

/* A fixed document with empty and nested containers, in three layouts. */
static void test_layouts(void **st)
{
	(void)st;
	static const size_t flags[] = {JSON_COMPACT, JSON_INDENT(2), JSON_INDENT(4)};
	static const int indents[] = {0, 2, 4};
	for (size_t m = 0; m < 3; m++) {
		json_t *o = json_object(), *a = json_array(), *inner = json_object();
		json_object_set_new(o, "name", json_string("sins"));
		json_object_set_new(o, "empty_array", json_array());
		json_object_set_new(o, "empty_object", json_object());
		json_array_append_new(a, json_integer(1));
		json_array_append_new(a, json_array());
		json_array_append_new(a, json_null());
		json_object_set_new(inner, "x", json_real(0.25));
		json_object_set_new(inner, "y", json_false());
		json_array_append_new(a, inner);
		json_object_set_new(o, "list", a);
		json_object_set_new(o, "last", json_string("\xc3\xa9"));

		sm_jw w;
		sm_jw_init(&w, indents[m]);
		sm_jw_obj(&w);
		sm_jw_kstr(&w, "name", "sins");
		sm_jw_key(&w, "empty_array");
		sm_jw_arr(&w);
		sm_jw_arr_end(&w);
		sm_jw_key(&w, "empty_object");
		sm_jw_obj(&w);
		sm_jw_obj_end(&w);
		sm_jw_key(&w, "list");
		sm_jw_arr(&w);
		sm_jw_int(&w, 1);
		sm_jw_arr(&w);
		sm_jw_arr_end(&w);
		sm_jw_null(&w);
		sm_jw_obj(&w);
		sm_jw_kreal(&w, "x", 0.25);
		sm_jw_kbool(&w, "y", false);
		sm_jw_obj_end(&w);
		sm_jw_arr_end(&w);
		sm_jw_kstr(&w, "last", "\xc3\xa9");
		sm_jw_obj_end(&w);
		same(jansson_text(o, flags[m]), jw_text(&w));
	}
}

/* Random documents: built as a jansson tree and written by walking it. */
static unsigned long long rng_state = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

static const char *const words[] = {"", "a", "lytic", "T4-T6", "caf\xc3\xa9", "line\nbreak", "q\"uote", "\x01\x1f",
                                    "\xe0\xa6\x95", "tab\there", "back\\slash", "\xf0\x9f\x98\x80"};
#define NWORDS (sizeof words / sizeof words[0])

static json_t *random_value(int depth)
{
	unsigned kind = rnd(depth > 4 ? 6 : 8);
	switch (kind) {
	case 0: return json_null();
	case 1: return json_boolean(rnd(2));
	case 2: return json_integer((json_int_t)rnd(2000000) - 1000000);
	case 3: return json_real((double)((int)rnd(200001) - 100000) / (double)(1u << rnd(30)) * pow(10.0, (double)rnd(40) - 20.0));
	case 4:
	case 5: return json_string(words[rnd(NWORDS)]);
	case 6: {
		json_t *a = json_array();
		for (unsigned k = rnd(5); k > 0; k--)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (unsigned k = 0, n = rnd(5); k < n; k++) {
			char key[32];
			snprintf(key, sizeof key, "k%u", k);
			json_object_set_new(o, key, random_value(depth + 1));
		}
		return o;
	}
	}
}

static void walk(sm_jw *w, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL: sm_jw_null(w); return;
	case JSON_TRUE: sm_jw_bool(w, true); return;
	case JSON_FALSE: sm_jw_bool(w, false); return;
	case JSON_INTEGER: sm_jw_int(w, (long long)json_integer_value(v)); return;
	case JSON_REAL: sm_jw_real(w, json_real_value(v)); return;
	case JSON_STRING: sm_jw_strn(w, json_string_value(v), json_string_length(v)); return;
	case JSON_ARRAY:
		sm_jw_arr(w);
		for (size_t k = 0; k < json_array_size(v); k++)
			walk(w, json_array_get(v, k));
		sm_jw_arr_end(w);
		return;
	case JSON_OBJECT:
		sm_jw_obj(w);
		for (size_t k = 0; k < json_object_size(v); k++) {
			char key[32];
			snprintf(key, sizeof key, "k%zu", k);
			sm_jw_key(w, key);
			walk(w, json_object_get(v, key));
		}
		sm_jw_obj_end(w);
		return;
	}
}

static void test_random_documents(void **st)
{
	(void)st;
	static const size_t flags[] = {JSON_COMPACT, JSON_INDENT(2)};
	for (int round = 0; round < 3000; round++) {
		json_t *doc = random_value(0);
		size_t m = (size_t)round % 2;
		sm_jw w;
		sm_jw_init(&w, m ? 2 : 0);
		walk(&w, doc);
		same(jansson_text(doc, flags[m]), jw_text(&w));
	}
}

/* Unbalanced nesting and a writer reused after finish. */
static void test_misuse(void **st)
{
	(void)st;
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_obj(&w);
	assert_null(sm_jw_finish(&w, NULL)); /* still open */
	sm_jw_arr_end(&w);                   /* closes nothing */
	assert_null(sm_jw_finish(&w, NULL));
	for (int k = 0; k < SM_JW_MAX_DEPTH + 1; k++)
		sm_jw_arr(&w);
	for (int k = 0; k < SM_JW_MAX_DEPTH + 1; k++)
		sm_jw_arr_end(&w);
	assert_null(sm_jw_finish(&w, NULL)); /* too deep */
	sm_jw_int(&w, 7);
	char *s = jw_text(&w);
	assert_string_equal(s, "7");
	free(s);
	sm_jw_str(&w, "x");
	sm_jw_free(&w);
}

/* A score result written by sm_jw_result parses back to the same document
** whatever the layout, and the CLI's indented text is that document. */
static void test_result_layouts(void **st)
{
	(void)st;
	static const char *const bodies[] = {
		("{\"location\":\"junctional\",\"pain\":\"mechanical\",\"bone_lesion\":\"lytic\","
		 "\"alignment\":\"subluxation\",\"collapse\":\"gt_50\",\"posterolateral\":\"bilateral\"}"),
		"{\"location\":\"junctional\"}",
		"{\"location\":\"nowhere\"}",
		"{\"location\":",
	};
	for (size_t k = 0; k < sizeof bodies / sizeof bodies[0]; k++) {
		sm_jw a, b;
		sm_result_status s1, s2;
		sm_jw_init(&a, 0);
		sm_jw_init(&b, 2);
		int m1 = sm_score_json_text(&a, sm_instrument_find("sins"), bodies[k], strlen(bodies[k]), &s1);
		int m2 = sm_score_json_text(&b, sm_instrument_find("sins"), bodies[k], strlen(bodies[k]), &s2);
		assert_int_equal(m1, k == 3);
		assert_int_equal(m1, m2);
		assert_int_equal(s1, s2);
		char *ta = jw_text(&a), *tb = jw_text(&b);
		json_t *ja = json_loads(ta, 0, NULL), *jb = json_loads(tb, 0, NULL);
		assert_non_null(ja);
		assert_non_null(jb);
		assert_true(json_equal(ja, jb));
		same(jansson_text(json_incref(ja), JSON_COMPACT), ta);
		same(jansson_text(json_incref(jb), JSON_INDENT(2)), tb);
		json_decref(ja);
		json_decref(jb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_utf8_and_escape),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_random_documents),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_result_layouts),
	};
	SM_RUN_SUITE("jw", tests);
}
