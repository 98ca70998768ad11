/*
** test_fhir_http.c: POST /api/v1/fhir/import through the API router (no
** sockets): a Bundle becomes a case with provenance (200); a malformed Bundle
** is a 400 OperationOutcome, an unreadable one a 422 OperationOutcome naming
** the JSON path; other methods 405, other content types 415.
*/
#include <jansson.h>

#include "testutil.h"
#include "http/api.h"
#include "http/fhir.h"

static json_t *call(const char *method, const char *ct, const char *body, unsigned *status)
{
	sm_api_response r;
	sm_api_handle(method, "/api/v1/fhir/import", ct, body, body ? strlen(body) : 0, &r);
	*status = r.status;
	json_t *doc = json_loadb(r.body, r.len, 0, NULL);
	sm_api_response_free(&r);
	return doc;
}

static const char *BUNDLE =
	"{\"resourceType\":\"Bundle\",\"entry\":["
	"{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\",\"gender\":\"male\"}},"
	"{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c\",\"code\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10-cm\",\"code\":\"C61\"}]}}},"
	"{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"89247-1\"}]},\"valueInteger\":5}}]}";

static void test_import_ok(void **state)
{
	(void)state;
	const char *cts[] = {"application/json", "application/fhir+json; charset=utf-8"};
	for (size_t k = 0; k < N(cts); k++) {
		unsigned st;
		json_t *d = call("POST", cts[k], BUNDLE, &st);
		assert_int_equal(st, 200);
		assert_non_null(d);
		assert_string_equal(json_string_value(json_object_get(d, "status")), "ok");
		json_t *c = json_object_get(d, "case");
		assert_string_equal(json_string_value(json_object_get(json_object_get(c, "cancer"), "primary")), "prostate");
		assert_string_equal(json_string_value(json_object_get(json_object_get(c, "patient"), "sex")), "male");
		assert_null(json_object_get(c, "performance")); /* ECOG 5: reported, not imported */
		size_t i;
		json_t *x;
		int ecog5 = 0;
		json_array_foreach(json_object_get(d, "ignored"), i, x)
			ecog5 |= strstr(json_string_value(json_object_get(x, "reason")), "ECOG 5") != NULL;
		assert_true(ecog5);
		assert_int_equal(json_array_size(json_object_get(d, "provenance")), 3);
		json_decref(d);
	}
}

static void test_import_errors(void **state)
{
	(void)state;
	unsigned st;
	json_t *d = call("POST", "application/json", "{\"resourceType\":\"Bundle\",", &st);
	assert_int_equal(st, 400);
	assert_string_equal(json_string_value(json_object_get(d, "resourceType")), "OperationOutcome");
	json_t *is = json_array_get(json_object_get(d, "issue"), 0);
	assert_string_equal(json_string_value(json_object_get(is, "code")), "structure");
	assert_string_equal(json_string_value(json_object_get(is, "severity")), "error");
	json_decref(d);

	d = call("POST", "application/json", "{\"resourceType\":\"Patient\"}", &st);
	assert_int_equal(st, 422);
	is = json_array_get(json_object_get(d, "issue"), 0);
	assert_string_equal(json_string_value(json_object_get(is, "code")), "invalid");
	assert_string_equal(json_string_value(json_array_get(json_object_get(is, "expression"), 0)), "/resourceType");
	json_decref(d);

	d = call("POST", "application/json", "{\"resourceType\":\"Bundle\",\"entry\":7}", &st);
	assert_int_equal(st, 422);
	is = json_array_get(json_object_get(d, "issue"), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(is, "expression"), 0)), "/entry");
	json_decref(d);

	d = call("POST", NULL, "", &st);
	assert_int_equal(st, 415);
	json_decref(d);
	d = call("POST", "text/plain", BUNDLE, &st);
	assert_int_equal(st, 415);
	json_decref(d);
	d = call("GET", NULL, NULL, &st);
	assert_int_equal(st, 405);
	json_decref(d);
	d = call("POST", "application/json", NULL, &st); /* no body: malformed */
	assert_int_equal(st, 400);
	json_decref(d);
}

static void test_other_paths_untouched(void **state)
{
	(void)state;
	sm_api_response r;
	memset(&r, 0x5a, sizeof r);
	assert_int_equal(sm_http_fhir("POST", "/api/v1/fhir/export", "application/json", "{}", 2, &r), 0);
	sm_api_handle("POST", "/api/v1/fhir/importx", "application/json", "{}", 2, &r);
	assert_int_equal(r.status, 404);
	sm_api_response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_ok),
		cmocka_unit_test(test_import_errors),
		cmocka_unit_test(test_other_paths_untouched),
	};
	SM_RUN_SUITE("fhir_http", tests);
}
