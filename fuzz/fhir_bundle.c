/*
** fhir_bundle.c: libFuzzer target for the FHIR Bundle importer
** (sm_fhir_import, docs/fhir.md) and the FHIR export of its assessment.
**
** Invariants checked (a violation aborts, so the fuzzer reports it):
**   - the result has status "ok" or "invalid"; "invalid" has errors, each
**     with a path ("" or a JSON pointer) and a non-empty message;
**   - an imported case is always a valid case (sm_json_read_case finds no
**     error), and every provenance path is a JSON pointer;
**   - the case is assessed with SM_OK, and its FHIR Bundle is built and dumps.
**
** Corpus: fuzz/corpus/fhir_bundle/ (replayed by `make check` through replay.c).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/fhir.h"
#include "io/json_case.h"
#include "spinemets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = sm_fhir_import((const char *)data, size, "2026-12-04");
	if (!doc)
		return 0;
	const char *status = json_string_value(json_object_get(doc, "status"));
	if (!status)
		abort();
	size_t i;
	json_t *e;
	if (strcmp(status, "invalid") == 0) {
		if (!json_array_size(json_object_get(doc, "errors")))
			abort();
		json_array_foreach(json_object_get(doc, "errors"), i, e) {
			const char *path = json_string_value(json_object_get(e, "path"));
			const char *msg = json_string_value(json_object_get(e, "message"));
			if (!path || (path[0] && path[0] != '/') || !msg || !msg[0])
				abort();
		}
		json_decref(doc);
		return 0;
	}
	if (strcmp(status, "ok") != 0)
		abort();
	json_array_foreach(json_object_get(doc, "provenance"), i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		if (!path || path[0] != '/')
			abort();
	}
	char *text = json_dumps(json_object_get(doc, "case"), JSON_COMPACT);
	sm_case *c = malloc(sizeof *c);
	sm_assessment *a = malloc(sizeof *a);
	if (text && c && a) {
		json_t *errors = sm_json_read_case(text, strlen(text), c);
		if (errors && json_array_size(errors))
			abort(); /* the importer wrote a case the parser refuses */
		if (errors) {
			if (sm_assess(c, a) != SM_OK)
				abort();
			json_t *as = sm_json_assessment(c, a);
			json_t *case_doc = json_loads(text, 0, NULL);
			json_t *b = as ? sm_fhir_bundle(as, case_doc) : NULL;
			if (as && !b)
				abort();
			char *s = b ? json_dumps(b, JSON_COMPACT) : NULL;
			free(s);
			json_decref(b);
			json_decref(case_doc);
			json_decref(as);
		}
		json_decref(errors);
	}
	free(text);
	free(c);
	free(a);
	json_decref(doc);
	return 0;
}
