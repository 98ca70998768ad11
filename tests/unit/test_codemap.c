/*
** test_codemap.c: the code tables FHIR import reads (src/core/codemap.c,
** docs/fhir.md): every row points at something the core knows (a histology
** key, a spinal level, a case path with units), no code is listed twice,
** lookups are exact first and ICD-10 categories match their sub-codes with or
** without the dot, and nothing else matches.
*/
#include "testutil.h"

static void test_primary_rows_are_catalogue_keys(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t k = 0; k < sm_code_map_count(); k++) {
		const sm_code_map *r = sm_code_map_at(k);
		if (r->kind != SM_CODE_PRIMARY)
			continue;
		n++;
		if (!sm_histology_find(r->value, NULL))
			fail_msg("row %s maps to \"%s\", not a histology key", r->code, r->value);
	}
	assert_true(n > 20);
	assert_null(sm_code_map_at(sm_code_map_count()));
}

static void test_level_rows_are_levels(void **state)
{
	(void)state;
	for (size_t k = 0; k < sm_code_map_count(); k++) {
		const sm_code_map *r = sm_code_map_at(k);
		int lo, hi;
		if (r->kind == SM_CODE_SITE_LEVEL) {
			assert_int_equal(sm_level_parse(r->value, &lo, &hi), SM_OK);
			assert_int_equal(lo, hi);
		}
		assert_true(r->system == SM_SYS_SNOMED || r->system == SM_SYS_ICD10);
		assert_true(!r->prefix || r->system == SM_SYS_ICD10);
		assert_non_null(r->display);
		assert_true(r->display[0] != '\0');
	}
}

static void test_no_duplicate_codes(void **state)
{
	(void)state;
	for (size_t a = 0; a < sm_code_map_count(); a++)
		for (size_t b = a + 1; b < sm_code_map_count(); b++) {
			const sm_code_map *x = sm_code_map_at(a), *y = sm_code_map_at(b);
			if (x->system == y->system && strcmp(x->code, y->code) == 0)
				fail_msg("code %s listed twice", x->code);
		}
	for (size_t a = 0; a < sm_obs_map_count(); a++)
		for (size_t b = a + 1; b < sm_obs_map_count(); b++)
			if (strcmp(sm_obs_map_at(a)->code, sm_obs_map_at(b)->code) == 0)
				fail_msg("observation code %s listed twice", sm_obs_map_at(a)->code);
}

static void test_systems(void **state)
{
	(void)state;
	assert_int_equal(sm_code_system_find("http://snomed.info/sct"), SM_SYS_SNOMED);
	assert_int_equal(sm_code_system_find("http://hl7.org/fhir/sid/icd-10"), SM_SYS_ICD10);
	assert_int_equal(sm_code_system_find("http://hl7.org/fhir/sid/icd-10-cm"), SM_SYS_ICD10);
	assert_int_equal(sm_code_system_find("http://loinc.org"), SM_SYS_LOINC);
	assert_int_equal(sm_code_system_find("http://loinc.org/"), SM_SYS_NONE);
	assert_int_equal(sm_code_system_find(NULL), SM_SYS_NONE);
	assert_string_equal(sm_code_system_uri(SM_SYS_SNOMED), "http://snomed.info/sct");
	assert_string_equal(sm_code_system_uri(SM_SYS_NONE), "");
}

static const char *primary(const char *code)
{
	const sm_code_map *r = sm_code_map_find(SM_SYS_ICD10, code);
	return r && r->kind == SM_CODE_PRIMARY ? r->value : NULL;
}

static void test_icd10_prefix(void **state)
{
	(void)state;
	assert_string_equal(primary("C50"), "breast");
	assert_string_equal(primary("C50.912"), "breast");
	assert_string_equal(primary("C509"), "breast");
	assert_string_equal(primary("C90.0"), "myeloma");
	assert_string_equal(primary("C90.00"), "myeloma");
	assert_string_equal(primary("C900"), "myeloma");
	assert_string_equal(primary("C90.3"), "plasmacytoma");
	assert_null(primary("C90"));    /* the category alone is not myeloma */
	assert_null(primary("C90.1"));  /* plasma cell leukaemia: not in the table */
	assert_null(primary("C5"));
	assert_null(primary(""));
	assert_null(primary("X"));
	assert_null(sm_code_map_find(SM_SYS_SNOMED, "C50")); /* the system matters */
	assert_null(sm_code_map_find(SM_SYS_NONE, "C50"));
	assert_null(sm_code_map_find(SM_SYS_SNOMED, "2547")); /* no prefix match for SNOMED */
	const sm_code_map *r = sm_code_map_find(SM_SYS_ICD10, "C79.51");
	assert_non_null(r);
	assert_int_equal(r->kind, SM_CODE_SECONDARY_BONE);
	r = sm_code_map_find(SM_SYS_ICD10, "C79.31");
	assert_non_null(r);
	assert_int_equal(r->kind, SM_CODE_SECONDARY_BRAIN);
}

static void test_units(void **state)
{
	(void)state;
	for (size_t k = 0; k < sm_obs_map_count(); k++) {
		const sm_obs_map *o = sm_obs_map_at(k);
		assert_true(o->path[0] == '/');
		size_t units = 0;
		for (size_t u = 0; u < sm_unit_map_count(); u++)
			if (sm_unit_map_at(u)->field == o->field) {
				units++;
				assert_true(sm_unit_map_at(u)->factor > 0);
			}
		assert_true(units > 0);
	}
	/* docs/case-format.md §9 conversions */
	assert_true(sm_unit_map_find(SM_OBS_CRP, "mg/L")->factor == 0.1);
	assert_true(sm_unit_map_find(SM_OBS_ALBUMIN, "g/L")->factor == 0.1);
	assert_true(sm_unit_map_find(SM_OBS_PLATELETS, "10*9/L")->factor == 1000.0);
	assert_true(sm_unit_map_find(SM_OBS_CALCIUM, "mmol/L")->factor == 4.008);
	double bili = 17.1 * sm_unit_map_find(SM_OBS_BILIRUBIN, "umol/L")->factor;
	assert_true(bili > 0.999999 && bili < 1.000001);
	assert_null(sm_unit_map_find(SM_OBS_LDH, "ukat/L"));
	assert_null(sm_unit_map_find(SM_OBS_CRP, "mg/l")); /* UCUM is case-sensitive */
	assert_null(sm_unit_map_find(SM_OBS_CRP, ""));
	assert_non_null(sm_unit_map_find(SM_OBS_ECOG, NULL));
	assert_int_equal(sm_obs_map_find(SM_SYS_LOINC, "89247-1")->field, SM_OBS_ECOG);
	assert_null(sm_obs_map_find(SM_SYS_SNOMED, "89247-1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primary_rows_are_catalogue_keys),
		cmocka_unit_test(test_level_rows_are_levels),
		cmocka_unit_test(test_no_duplicate_codes),
		cmocka_unit_test(test_systems),
		cmocka_unit_test(test_icd10_prefix),
		cmocka_unit_test(test_units),
	};
	SM_RUN_SUITE("codemap", tests);
}
