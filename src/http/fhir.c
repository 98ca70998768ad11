/*
** fhir.c: POST /api/v1/fhir/import (docs/fhir.md). The body is a FHIR R4
** Bundle (Content-Type application/json or application/fhir+json); the answer
** is what `spinemets fhir import` prints, as of today (UTC). A Bundle that
** cannot be read is answered with a FHIR OperationOutcome: 400 for malformed
** JSON, 422 otherwise. Nothing is saved.
*/
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/fhir.h"
#include "io/fhir.h"

static int fhir_json_type(const char *ct)
{
	if (sm_api_is_json_type(ct))
		return 1;
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/fhir+json");
	return strncasecmp(ct, "application/fhir+json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* the import errors as an OperationOutcome (one issue per error) */
static json_t *outcome(const json_t *errors, int *malformed)
{
	json_t *issues = json_array();
	size_t i;
	json_t *e;
	*malformed = 0;
	json_array_foreach(errors, i, e) {
		const char *path = json_string_value(json_object_get(e, "path"));
		const char *msg = json_string_value(json_object_get(e, "message"));
		int bad_json = json_object_get(e, "line") != NULL;
		*malformed |= bad_json;
		json_t *is = json_pack("{s:s, s:s, s:s}", "severity", "error", "code", bad_json ? "structure" : "invalid",
		                       "diagnostics", msg ? msg : "");
		if (path && *path)
			json_object_set_new(is, "expression", json_pack("[s]", path));
		json_array_append_new(issues, is);
	}
	return json_pack("{s:s, s:o}", "resourceType", "OperationOutcome", "issue", issues);
}

int sm_http_fhir(const char *method, const char *path, const char *ct, const char *body, size_t len,
                 sm_api_response *r)
{
	if (strcmp(path, "/api/v1/fhir/import") != 0)
		return 0;
	if (strcmp(method, "POST") != 0) {
		sm_api_not_allowed(r, "POST");
		return 1;
	}
	if (!fhir_json_type(ct)) {
		sm_api_error(r, 415, "the body must be a FHIR Bundle: send Content-Type: application/fhir+json or application/json");
		return 1;
	}
	char today[16];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(today, sizeof today, "%Y-%m-%d", &tmv);
	json_t *doc = sm_fhir_import(body ? body : "", body ? len : 0, today);
	if (!doc) {
		sm_api_error(r, 500, "out of memory");
		return 1;
	}
	const char *st = json_string_value(json_object_get(doc, "status"));
	if (st && strcmp(st, "ok") == 0) {
		sm_api_set_json(r, 200, doc);
		return 1;
	}
	int malformed = 0;
	json_t *oo = outcome(json_object_get(doc, "errors"), &malformed);
	json_decref(doc);
	sm_api_set_json(r, malformed ? 400 : 422, oo);
	return 1;
}
