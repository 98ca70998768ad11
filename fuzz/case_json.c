/*
** case_json.c: libFuzzer target for the case parser of `spinemets assess`
** (sm_json_read_case, KEYS.md §5). Arbitrary bytes are parsed into a
** heap-allocated sm_case; a valid case is assessed (sm_assess) and serialised
** (sm_json_assessment, then json_dumps), as the CLI does. Everything is freed.
**
** Invariants checked (a violation aborts, so the fuzzer reports it):
**   - the parser returns an error array; every error has a string "path" that
**     is "" or a JSON pointer starting with "/", and a non-empty "message";
**   - a valid case is assessed with SM_OK and its JSON dump parses back.
**
** Corpus: fuzz/corpus/case_json/ (replayed by `make check` through replay.c).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_case.h"
#include "io/json_score.h"
#include "spinemets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_errors(const json_t *errors)
{
	if (!json_is_array(errors))
		abort();
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (!path || (path[0] != '\0' && path[0] != '/'))
			abort();
		if (!msg || !msg[0])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sm_case *c = malloc(sizeof *c);
	if (!c)
		return 0;
	json_t *errors = sm_json_read_case((const char *)data, size, c);
	if (!errors) {
		free(c);
		return 0;
	}
	check_errors(errors);
	if (json_array_size(errors) == 0) {
		sm_assessment *a = malloc(sizeof *a);
		if (a) {
			if (sm_assess(c, a) != SM_OK)
				abort();
			json_t *doc = sm_json_assessment(c, a);
			char *s = json_dumps(doc, SM_JSON_DUMP_FLAGS);
			if (!s)
				abort();
			json_error_t je;
			json_t *back = json_loads(s, 0, &je);
			if (!back)
				abort();
			json_decref(back);
			free(s);
			json_decref(doc);
			free(a);
		}
	} else {
		/* the invalid-case document, as the CLI prints it */
		json_t *doc = sm_json_case_invalid(json_incref(errors));
		char *s = json_dumps(doc, SM_JSON_DUMP_FLAGS);
		free(s);
		json_decref(doc);
	}
	json_decref(errors);
	free(c);
	return 0;
}
