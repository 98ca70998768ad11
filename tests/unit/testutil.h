/*
** testutil.h: shared glue for the cmocka unit suites.
** Every suite ends with one line "N passed, M failed" (tests/run.sh sums them).
** The instrument suites share the helpers below (T_*: build an input from
** key/value strings, score it, find components and missing items, and assert
** ok / incomplete / invalid results); they are `static inline` and marked
** unused, so a suite that needs none of them still compiles warning-free.
*/
#ifndef SM_TESTUTIL_H
#define SM_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "spinemets.h"

#define SM_RUN_SUITE(name, tests)                                              \
	do {                                                                   \
		int failed_ = cmocka_run_group_tests_name(name, tests, NULL, NULL); \
		size_t n_ = sizeof(tests) / sizeof((tests)[0]);                 \
		fflush(stderr);                                                \
		printf("%zu passed, %d failed\n", n_ - (size_t)failed_, failed_); \
		return failed_ ? 1 : 0;                                        \
	} while (0)

/* number of elements of an array */
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* helpers may go unused in a suite (clang warns on unused static inline) */
#define T_HELPER static inline __attribute__((unused))

/* ------------------------------------------------------------------ */
/* instrument helpers, shared by the instrument suites                 */
/* ------------------------------------------------------------------ */
T_HELPER const sm_instrument *T_inst(const char *name)
{
	const sm_instrument *i = sm_instrument_find(name);
	if (!i)
		fail_msg("instrument \"%s\" is not in the registry", name);
	return i;
}

/* Set `key` through the typed setter matching the item's declared type. */
T_HELPER sm_status T_set(sm_input *in, const char *key, const char *val)
{
	const sm_item *it = sm_instrument_item_find(in->instrument, key, NULL);
	char *end = NULL;
	if (!it || !val)
		return sm_input_set_text(in, key, val);
	switch (it->type) {
	case SM_T_INT: {
		long long x = strtoll(val, &end, 10);
		if (end == val || *end)
			return sm_input_set_text(in, key, val);
		return sm_input_set_int(in, key, x);
	}
	case SM_T_NUMBER: {
		double d = strtod(val, &end);
		if (end == val || *end)
			return sm_input_set_text(in, key, val);
		return sm_input_set_number(in, key, d);
	}
	case SM_T_BOOL:
		if (strcmp(val, "true") == 0)
			return sm_input_set_bool(in, key, true);
		if (strcmp(val, "false") == 0)
			return sm_input_set_bool(in, key, false);
		return sm_input_set_text(in, key, val);
	default:
		return sm_input_set_text(in, key, val);
	}
}

/* Score `name` from a NULL-terminated array of key, value, key, value... */
T_HELPER void T_score_a(sm_result *r, const char *name, const char *const *kv)
{
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst(name)), SM_OK);
	for (size_t k = 0; kv && kv[k]; k += 2)
		(void)T_set(&in, kv[k], kv[k + 1]);
	assert_int_equal(sm_score(&in, r), SM_OK);
}

#define T_SCORE(r, name, ...)                                                  \
	do {                                                                   \
		const char *const kv_[] = {__VA_ARGS__, NULL};                 \
		T_score_a((r), (name), kv_);                                   \
	} while (0)

T_HELPER const sm_component *T_comp(const sm_result *r, const char *item)
{
	for (size_t k = 0; k < r->ncomponents; k++)
		if (r->components[k].item && strcmp(r->components[k].item, item) == 0)
			return &r->components[k];
	return NULL;
}

T_HELPER bool T_has_missing(const sm_result *r, const char *item)
{
	for (size_t k = 0; k < r->nmissing; k++)
		if (r->missing[k] && strcmp(r->missing[k], item) == 0)
			return true;
	return false;
}

T_HELPER void T_ok(const sm_result *r, int total, const char *band)
{
	if (r->status != SM_RESULT_OK)
		fail_msg("status %s, expected ok with total %d [%s]", sm_result_status_name(r->status),
		         total, r->interpretation);
	assert_true(r->has_total);
	if (r->total != total)
		fail_msg("total %d, expected %d [%s]", r->total, total, r->interpretation);
	assert_int_equal(r->lo, total);
	assert_int_equal(r->hi, total);
	if (band) {
		if (!r->band)
			fail_msg("no band, expected %s", band);
		assert_string_equal(r->band, band);
	}
}

/* band == NULL: no band may be given (completions fall in different bands). */
T_HELPER void T_incomplete(const sm_result *r, int lo, int hi, const char *band)
{
	if (r->status != SM_RESULT_INCOMPLETE)
		fail_msg("status %s, expected incomplete %d..%d [%s]",
		         sm_result_status_name(r->status), lo, hi, r->interpretation);
	if (r->lo != lo || r->hi != hi)
		fail_msg("range %d..%d, expected %d..%d [%s]", r->lo, r->hi, lo, hi, r->interpretation);
	if (band) {
		if (!r->band)
			fail_msg("no band, expected %s (every completion is in it)", band);
		assert_string_equal(r->band, band);
	} else if (r->band) {
		fail_msg("band %s given, but the completions %d..%d span several bands", r->band, lo, hi);
	}
}

/* Invalid, with an error at `path` whose message contains every word given. */
T_HELPER void T_invalid_v(const sm_result *r, const char *path, va_list ap)
{
	if (r->status != SM_RESULT_INVALID)
		fail_msg("status %s, expected invalid at %s [%s]", sm_result_status_name(r->status), path,
		         r->interpretation);
	if (r->nerrors < 1)
		fail_msg("invalid without errors");
	const sm_error *e = NULL;
	for (size_t k = 0; k < r->nerrors; k++)
		if (strcmp(r->errors[k].path, path) == 0)
			e = &r->errors[k];
	if (!e)
		fail_msg("no error at path %s (first error at %s: %s)", path, r->errors[0].path,
		         r->errors[0].message);
	for (;;) {
		const char *w = va_arg(ap, const char *);
		if (!w)
			break;
		if (!strstr(e->message, w))
			fail_msg("error message at %s does not name \"%s\": %s", path, w, e->message);
	}
}

T_HELPER void T_invalid(const sm_result *r, const char *path, ...)
{
	va_list ap;
	va_start(ap, path);
	T_invalid_v(r, path, ap);
	va_end(ap);
}

T_HELPER int T_sum_components(const sm_result *r)
{
	int s = 0;
	for (size_t k = 0; k < r->ncomponents; k++)
		s += r->components[k].points;
	return s;
}

/* Score `name` from the NULL-terminated key/value list `base` with the value of
** `item` replaced by `value`; `item` must be one of the keys of `base`. */
T_HELPER void T_score_replacing(sm_result *r, const char *name, const char *const *base,
                                const char *item, const char *value)
{
	const char *kv[64];
	size_t n = 0;
	bool found = false;
	for (; base[n]; n++) {
		assert_true(n + 1 < N(kv));
		kv[n] = base[n];
	}
	kv[n] = NULL;
	for (size_t j = 0; kv[j]; j += 2)
		if (strcmp(kv[j], item) == 0) {
			kv[j + 1] = value;
			found = true;
		}
	assert_true(found);
	T_score_a(r, name, kv);
}

/* ------------------------------------------------------------------ */
/* decision rules: did an assessment fire a rule (by its stable id)?    */
/* ------------------------------------------------------------------ */
T_HELPER bool T_fired(const sm_assessment *a, const char *id)
{
	for (size_t k = 0; k < a->nfired; k++)
		if (a->fired[k] && strcmp(a->fired[k]->id, id) == 0)
			return true;
	return false;
}

T_HELPER void T_assert_fired(const sm_assessment *a, const char *id, bool want, const char *file, int line)
{
	if (!sm_rule_find(id)) {
		print_error("%s is not a rule id of the rule table\n", id);
		_fail(file, line);
	}
	if (T_fired(a, id) == want)
		return;
	char list[2048];
	size_t n = 0;
	list[0] = '\0';
	for (size_t k = 0; k < a->nfired && n + 1 < sizeof list; k++) {
		int w = snprintf(list + n, sizeof list - n, " %s", a->fired[k]->id);
		if (w < 0)
			break;
		n += (size_t)w < sizeof list - n ? (size_t)w : sizeof list - n - 1;
	}
	print_error("rule %s %s; fired:%s\n", id, want ? "did not fire" : "fired", n ? list : " (none)");
	_fail(file, line);
}

/* assert_fired(assessment, "RULE-ID"): the rule is among the fired ones (and
** is a rule of the table); assert_not_fired: it is not. */
#define assert_fired(a, id) T_assert_fired((a), (id), true, __FILE__, __LINE__)
#define assert_not_fired(a, id) T_assert_fired((a), (id), false, __FILE__, __LINE__)

#endif
