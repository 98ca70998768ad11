/* testcase.h: writing test cases as compact single-quoted JSON, shared by the
** suites that build cases (test_assess, test_rules, test_careplan).
**   q(s)        single quotes -> double quotes (no case text needs an apostrophe)
**   parse_q(s)  q() then parse; a bad case is a test bug and fails the test
**   merge(d,p)  deep merge: objects merge, anything else replaces; "__delete__" removes
** Include after testutil.h and <jansson.h>. */
#ifndef SPINEMETS_TESTCASE_H
#define SPINEMETS_TESTCASE_H

static inline char *q(const char *s)
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);
	assert_non_null(t);
	for (size_t k = 0; k <= n; k++)
		t[k] = s[k] == '\'' ? '"' : s[k];
	return t;
}

static inline json_t *parse_q(const char *s)
{
	char *t = q(s);
	json_error_t je;
	json_t *j = json_loads(t, 0, &je);
	if (!j)
		fail_msg("test bug: bad JSON in a test case (%s): %s", je.text, t);
	free(t);
	return j;
}

static inline void merge(json_t *dst, json_t *patch)
{
	const char *k;
	json_t *v;
	json_object_foreach(patch, k, v) {
		json_t *d = json_object_get(dst, k);
		if (json_is_string(v) && strcmp(json_string_value(v), "__delete__") == 0)
			json_object_del(dst, k);
		else if (json_is_object(v) && json_is_object(d))
			merge(d, v);
		else
			json_object_set(dst, k, v);
	}
}

#endif
