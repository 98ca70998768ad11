/*
** test_nesms.c: New England Spinal Metastasis Score (REFERENCE §6.4 and §14,
** §13 NES-1..4; KEYS.md `nesms`), written from the reference:
**   NESMS = min(3, 2*[modified Bauer >= 3] + [walks independently]
**                  + [albumin >= 3.5 g/dL]); 3.5 exactly scores 1; the
**   ceiling is part of the derivation (flag `capped` when it bites);
**   `assisted` -> incomplete with both totals and flag `verify_pending`;
**   albumin in g/L accepted and converted; bands "0".."3"; higher is better;
**   the band meanings show the prospective odds ratios (7.04 for 2, 31.30 for 1).
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

static int ref_nesms(int mb, int indep, int alb_ok)
{
	int t = (mb >= 3 ? 2 : 0) + indep + alb_ok;
	return t > 3 ? 3 : t;
}
static const char *BAND[] = {"0", "1", "2", "3"};

/* ---- modified Bauer 0..4 ---- */
static void test_modified_bauer_each_value(void **s)
{
	(void)s;
	static const char *const mb[] = {"0", "1", "2", "3", "4"};
	static const int pts[] = {0, 0, 0, 2, 2};
	for (size_t k = 0; k < N(mb); k++) {
		sm_result r;
		T_SCORE(&r, "nesms", "modified_bauer", mb[k], "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
		T_ok(&r, pts[k], BAND[pts[k]]);
		const sm_component *c = T_comp(&r, "modified_bauer");
		if (c)
			assert_int_equal(c->points, pts[k]);
	}
}

static void test_modified_bauer_out_of_domain(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "5", "ambulatory", "independent", "albumin_g_dl", "3.0");
	T_invalid(&r, "/modified_bauer", "0", "4", NULL);
	T_SCORE(&r, "nesms", "modified_bauer", "-1");
	T_invalid(&r, "/modified_bauer", NULL);
	T_SCORE(&r, "nesms", "modified_bauer", "good");
	T_invalid(&r, "/modified_bauer", NULL);
}

/* ---- ambulatory ---- */
static void test_ambulatory_independent(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "independent", "albumin_g_dl", "3.0");
	T_ok(&r, 1, "1");
	assert_false(r.flags & SM_FLAG_VERIFY_PENDING);
}

static void test_ambulatory_non_ambulatory(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
	T_ok(&r, 0, "0");
	assert_false(r.flags & SM_FLAG_VERIFY_PENDING);
}

/* §14: walking with an aid is not verified: incomplete, both totals, verify_pending. */
static void test_ambulatory_assisted_verify_pending(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "assisted", "albumin_g_dl", "3.0");
	T_incomplete(&r, 0, 1, NULL);
	assert_true(r.flags & SM_FLAG_VERIFY_PENDING);
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "assisted", "albumin_g_dl", "4.0");
	T_incomplete(&r, 3, 3, "3");
	assert_true(r.flags & SM_FLAG_VERIFY_PENDING);
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "assisted", "albumin_g_dl", "3.0");
	T_incomplete(&r, 2, 3, NULL);
	assert_true(r.flags & SM_FLAG_VERIFY_PENDING);
}

static void test_ambulatory_invalid(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "ambulatory", "walks");
	T_invalid(&r, "/ambulatory", "independent", "assisted", "non_ambulatory", NULL);
}

/* ---- albumin >= 3.5 g/dL (3.5 exactly scores 1, §14) ---- */
static void test_albumin_cutoff_g_dl(void **s)
{
	(void)s;
	static const struct { const char *v; int p; } a[] = {
		{"3.5", 1}, {"3.49", 0}, {"3.4999", 0}, {"3.51", 1}, {"0", 0}, {"2.8", 0}, {"4.2", 1}, {"5", 1}};
	for (size_t k = 0; k < N(a); k++) {
		sm_result r;
		T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "non_ambulatory", "albumin_g_dl", a[k].v);
		if (r.status != SM_RESULT_OK || r.total != a[k].p)
			fail_msg("albumin %s g/dL: expected %d (>= 3.5 scores 1, REFERENCE §14), got %s %d", a[k].v,
			         a[k].p, sm_result_status_name(r.status), r.total);
	}
}

static void test_albumin_g_l_converted(void **s)
{
	(void)s;
	static const struct { const char *v; int p; } a[] = {{"35", 1}, {"34.9", 0}, {"28", 0}, {"42", 1}};
	for (size_t k = 0; k < N(a); k++) {
		sm_result r;
		T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "non_ambulatory", "albumin_g_l", a[k].v);
		if (r.status != SM_RESULT_OK || r.total != a[k].p)
			fail_msg("albumin %s g/L: expected %d (35 g/L = 3.5 g/dL), got %s %d", a[k].v, a[k].p,
			         sm_result_status_name(r.status), r.total);
	}
}

/* The CSV path: "3.5" typed as text still scores 1. */
static void test_albumin_parsed_text(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, T_inst("nesms")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "modified_bauer", "0"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "ambulatory", "non_ambulatory"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "albumin_g_dl", "3.5"), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_ok(&r, 1, "1");
}

static void test_albumin_invalid(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "albumin_g_dl", "-1");
	T_invalid(&r, "/albumin_g_dl", NULL);
	T_SCORE(&r, "nesms", "albumin_g_dl", "low");
	T_invalid(&r, "/albumin_g_dl", NULL);
}

static void test_albumin_units_disagree_invalid(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "independent", "albumin_g_dl", "3.0",
	        "albumin_g_l", "40");
	assert_int_equal(r.status, SM_RESULT_INVALID);
	/* agreeing units are fine */
	T_SCORE(&r, "nesms", "modified_bauer", "0", "ambulatory", "independent", "albumin_g_dl", "3.0",
	        "albumin_g_l", "30");
	T_ok(&r, 1, "1");
}

/* ---- §13 vectors ---- */
static void test_vector_nes1(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "2", "ambulatory", "independent", "albumin_g_dl", "3.0");
	T_ok(&r, 1, "1");
}
static void test_vector_nes2(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.2");
	T_ok(&r, 2, "2");
}
static void test_vector_nes3_capped(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "4", "ambulatory", "independent", "albumin_g_dl", "3.9");
	T_ok(&r, 3, "3");
	assert_true(r.flags & SM_FLAG_CAPPED);
}
static void test_vector_nes4(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "1", "ambulatory", "non_ambulatory", "albumin_g_dl", "2.8");
	T_ok(&r, 0, "0");
}

/* ---- the cap and every total 0..3 ---- */
static void test_cap_exactly_3_not_capped_flag(void **s)
{
	(void)s;
	sm_result r;
	/* 2 + 1 + 0 = 3 exactly: not over the ceiling */
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "independent", "albumin_g_dl", "3.0");
	T_ok(&r, 3, "3");
	assert_false(r.flags & SM_FLAG_CAPPED);
	/* 2 + 0 + 1 = 3 */
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.5");
	T_ok(&r, 3, "3");
}

static void test_every_total_band(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "2", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.49");
	T_ok(&r, 0, "0");
	T_SCORE(&r, "nesms", "modified_bauer", "2", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.5");
	T_ok(&r, 1, "1");
	T_SCORE(&r, "nesms", "modified_bauer", "2", "ambulatory", "independent", "albumin_g_dl", "3.5");
	T_ok(&r, 2, "2");
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.49");
	T_ok(&r, 2, "2");
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "independent", "albumin_g_dl", "3.49");
	T_ok(&r, 3, "3");
}

static void test_band_table_and_odds_ratios(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("nesms");
	assert_int_equal(sm_instrument_band_count(in), 4);
	for (size_t k = 0; k < 4; k++) {
		const sm_band_def *b = sm_instrument_band(in, k);
		assert_int_equal(b->lo, (int)k);
		assert_int_equal(b->hi, (int)k);
		assert_string_equal(b->key, BAND[k]);
	}
	/* §14: display the prospective odds ratios, not invented percentages */
	assert_non_null(strstr(sm_instrument_band(in, 2)->meaning, "7.04"));
	assert_non_null(strstr(sm_instrument_band(in, 1)->meaning, "31.30"));
}

/* ---- modified Bauer from its items (KEYS.md: "or the bauer_modified items") ---- */
static void test_from_bauer_items(void **s)
{
	(void)s;
	sm_result r;
	/* kidney, no visceral, multiple: modified Bauer 3 -> 2 */
	T_SCORE(&r, "nesms", "primary", "kidney", "visceral_metastases", "false",
	        "skeletal_metastases", "multiple", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
	T_ok(&r, 2, "2");
	/* prostate, no visceral, multiple: modified Bauer 2 -> 0 */
	T_SCORE(&r, "nesms", "primary", "prostate", "visceral_metastases", "false",
	        "skeletal_metastases", "multiple", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
	T_ok(&r, 0, "0");
	/* breast, visceral, solitary: 0 + 1 + 1 + 1 = 3 -> 2; + independent + albumin -> cap 3 */
	T_SCORE(&r, "nesms", "primary", "breast", "visceral_metastases", "true",
	        "skeletal_metastases", "solitary", "ambulatory", "independent", "albumin_g_dl", "4.0");
	T_ok(&r, 3, "3");
	/* lung, no visceral, solitary: 1 + 1 + 0 + 0 = 2 -> 0 */
	T_SCORE(&r, "nesms", "primary", "lung_nsclc", "visceral_metastases", "false",
	        "skeletal_metastases", "solitary", "ambulatory", "independent", "albumin_g_dl", "4.0");
	T_ok(&r, 2, "2");
}

static void test_from_partial_bauer_items(void **s)
{
	(void)s;
	sm_result r;
	/* primary missing, no visceral, solitary: modified Bauer 2..4 -> 0 or 2 */
	T_SCORE(&r, "nesms", "visceral_metastases", "false", "skeletal_metastases", "solitary",
	        "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
	T_incomplete(&r, 0, 2, NULL);
	assert_true(T_has_missing(&r, "primary"));
	/* lung, visceral, skeletal missing: modified Bauer 0..1 -> 0 whatever */
	T_SCORE(&r, "nesms", "primary", "lung", "visceral_metastases", "true",
	        "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
	T_incomplete(&r, 0, 0, "0");
	assert_true(T_has_missing(&r, "skeletal_metastases"));
}

static void test_score_and_items_disagree_invalid(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "4", "primary", "lung", "visceral_metastases", "true",
	        "skeletal_metastases", "multiple", "ambulatory", "independent", "albumin_g_dl", "4.0");
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_null(r.band);
	T_SCORE(&r, "nesms", "modified_bauer", "3", "primary", "kidney", "visceral_metastases", "false",
	        "skeletal_metastases", "multiple", "ambulatory", "independent", "albumin_g_dl", "4.0");
	T_ok(&r, 3, "3");
}

/* ---- missing ---- */
static void test_missing_modified_bauer(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "ambulatory", "non_ambulatory", "albumin_g_dl", "3.0");
	T_incomplete(&r, 0, 2, NULL);
	assert_true(T_has_missing(&r, "modified_bauer"));
	T_SCORE(&r, "nesms", "ambulatory", "independent", "albumin_g_dl", "4.0");
	T_incomplete(&r, 2, 3, NULL);
}
static void test_missing_ambulatory(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "1", "albumin_g_dl", "3.0");
	T_incomplete(&r, 0, 1, NULL);
	assert_true(T_has_missing(&r, "ambulatory"));
	assert_false(r.flags & SM_FLAG_VERIFY_PENDING);
}
static void test_missing_albumin(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "nesms", "modified_bauer", "3", "ambulatory", "non_ambulatory");
	T_incomplete(&r, 2, 3, NULL);
	assert_true(T_has_missing(&r, "albumin_g_dl") || T_has_missing(&r, "albumin_g_l"));
	/* every completion reaches the ceiling: the total can only be 3 */
	T_SCORE(&r, "nesms", "modified_bauer", "4", "ambulatory", "independent");
	T_incomplete(&r, 3, 3, "3");
}
static void test_missing_everything(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("nesms")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 0, 3, NULL);
	assert_true(T_has_missing(&r, "modified_bauer"));
	assert_true(T_has_missing(&r, "ambulatory"));
}

/* ---- identity and direction (§6.0: higher is better) ---- */
static void test_direction_and_identity(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("nesms");
	assert_int_equal(sm_instrument_direction(in), SM_HIGHER_IS_BETTER);
	assert_false(sm_instrument_is_grade(in));
	assert_non_null(strstr(sm_instrument_definition(in), "2015"));
	assert_non_null(strstr(sm_instrument_citation(in), "Ghori"));
	static const char *const keys[] = {"modified_bauer", "ambulatory", "albumin_g_dl", "albumin_g_l"};
	for (size_t k = 0; k < N(keys); k++)
		if (!sm_instrument_item_find(in, keys[k], NULL))
			fail_msg("KEYS.md item %s missing from nesms", keys[k]);
}

/* ---- exhaustive: modified Bauer 0..4 x ambulatory x albumin either side of 3.5 ---- */
static void test_exhaustive(void **s)
{
	(void)s;
	static const char *const amb[] = {"independent", "assisted", "non_ambulatory"};
	static const struct { const char *v; int ok; } alb[] = {{"2.0", 0}, {"3.49", 0}, {"3.5", 1}, {"4.5", 1}};
	int bad = 0;
	char mb[16];
	for (int m = 0; m <= 4; m++)
	for (size_t a = 0; a < N(amb); a++)
	for (size_t l = 0; l < N(alb); l++) {
		snprintf(mb, sizeof mb, "%d", m);
		sm_result r;
		T_SCORE(&r, "nesms", "modified_bauer", mb, "ambulatory", amb[a], "albumin_g_dl", alb[l].v);
		bool ok;
		if (a == 1) {
			int lo = ref_nesms(m, 0, alb[l].ok), hi = ref_nesms(m, 1, alb[l].ok);
			ok = r.status == SM_RESULT_INCOMPLETE && r.lo == lo && r.hi == hi &&
			     (r.flags & SM_FLAG_VERIFY_PENDING) &&
			     (lo == hi ? r.band && strcmp(r.band, BAND[lo]) == 0 : r.band == NULL);
		} else {
			int want = ref_nesms(m, a == 0, alb[l].ok);
			ok = r.status == SM_RESULT_OK && r.total == want && r.band &&
			     strcmp(r.band, BAND[want]) == 0 && r.total >= 0 && r.total <= 3;
		}
		if (!ok) {
			print_message("MISMATCH mb %d %s albumin %s: got %s %d..%d %s\n", m, amb[a], alb[l].v,
			              sm_result_status_name(r.status), r.lo, r.hi, r.band ? r.band : "-");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modified_bauer_each_value),
		cmocka_unit_test(test_modified_bauer_out_of_domain),
		cmocka_unit_test(test_ambulatory_independent),
		cmocka_unit_test(test_ambulatory_non_ambulatory),
		cmocka_unit_test(test_ambulatory_assisted_verify_pending),
		cmocka_unit_test(test_ambulatory_invalid),
		cmocka_unit_test(test_albumin_cutoff_g_dl),
		cmocka_unit_test(test_albumin_g_l_converted),
		cmocka_unit_test(test_albumin_parsed_text),
		cmocka_unit_test(test_albumin_invalid),
		cmocka_unit_test(test_albumin_units_disagree_invalid),
		cmocka_unit_test(test_vector_nes1),
		cmocka_unit_test(test_vector_nes2),
		cmocka_unit_test(test_vector_nes3_capped),
		cmocka_unit_test(test_vector_nes4),
		cmocka_unit_test(test_cap_exactly_3_not_capped_flag),
		cmocka_unit_test(test_every_total_band),
		cmocka_unit_test(test_band_table_and_odds_ratios),
		cmocka_unit_test(test_from_bauer_items),
		cmocka_unit_test(test_from_partial_bauer_items),
		cmocka_unit_test(test_score_and_items_disagree_invalid),
		cmocka_unit_test(test_missing_modified_bauer),
		cmocka_unit_test(test_missing_ambulatory),
		cmocka_unit_test(test_missing_albumin),
		cmocka_unit_test(test_missing_everything),
		cmocka_unit_test(test_direction_and_identity),
		cmocka_unit_test(test_exhaustive),
	};
	SM_RUN_SUITE("nesms", tests);
}
