/*
** test_grades.c: the grade instruments, written from the reference:
**   escc     Bilsky ESCC (REFERENCE §2, KEYS.md `escc`): 0/1a/1b low, 1c
**            indeterminate (never folded into low or high), 2/3 high.
**   frankel  Frankel (§4.1; KEYS.md bands complete A-B / incomplete C-D / none E).
**   asia     ASIA Impairment Scale (§4.2): sacral sparing, motor > 3 levels,
**            key-muscle counts (exactly half is D), E needs a prior deficit,
**            not_applicable for a normal exam without one; unknown items give
**            the set of grades still possible.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

/* `possible` holds exactly the grades listed (any order). */
static void expect_possible(const sm_result *r, const char *const *want, size_t n)
{
	bool ok = r->npossible == n;
	for (size_t k = 0; ok && k < n; k++) {
		bool found = false;
		for (size_t j = 0; j < r->npossible; j++)
			if (r->possible[j] && strcmp(r->possible[j], want[k]) == 0)
				found = true;
		ok = found;
	}
	if (!ok) {
		char got[128] = "", exp[128] = "";
		for (size_t j = 0; j < r->npossible; j++) {
			strncat(got, r->possible[j] ? r->possible[j] : "(null)", sizeof got - strlen(got) - 2);
			strncat(got, " ", sizeof got - strlen(got) - 1);
		}
		for (size_t k = 0; k < n; k++) {
			strncat(exp, want[k], sizeof exp - strlen(exp) - 2);
			strncat(exp, " ", sizeof exp - strlen(exp) - 1);
		}
		fail_msg("possible grades {%s}, expected {%s}", got, exp);
	}
}

#define EXPECT_POSSIBLE(r, ...)                                                \
	do {                                                                   \
		const char *const w_[] = {__VA_ARGS__};                        \
		expect_possible((r), w_, N(w_));                               \
	} while (0)

static void expect_grade(const sm_result *r, const char *grade, const char *band)
{
	if (r->status != SM_RESULT_OK)
		fail_msg("status %s, expected ok with grade %s [%s]", sm_result_status_name(r->status),
		         grade ? grade : "(none)", r->interpretation);
	assert_false(r->has_total);
	if (grade) {
		if (!r->grade)
			fail_msg("no grade, expected %s", grade);
		assert_string_equal(r->grade, grade);
	} else {
		assert_null(r->grade);
	}
	if (band) {
		if (!r->band)
			fail_msg("no band, expected %s", band);
		assert_string_equal(r->band, band);
	}
}

/* ================================ ESCC ================================ */
typedef struct { const char *grade, *band; } gb;
static const gb ESCC[] = {{"0", "low"}, {"1a", "low"}, {"1b", "low"}, {"1c", "indeterminate"},
                          {"2", "high"}, {"3", "high"}};

static void escc_one(size_t k)
{
	sm_result r;
	T_SCORE(&r, "escc", "grade", ESCC[k].grade);
	expect_grade(&r, ESCC[k].grade, ESCC[k].band);
}
static void test_escc_0(void **s) { (void)s; escc_one(0); }
static void test_escc_1a_vector_escc1(void **s) { (void)s; escc_one(1); }
static void test_escc_1b_vector_escc2(void **s) { (void)s; escc_one(2); }
static void test_escc_1c_vector_escc3(void **s) { (void)s; escc_one(3); }
static void test_escc_2_vector_escc4(void **s) { (void)s; escc_one(4); }
static void test_escc_3_vector_escc5(void **s) { (void)s; escc_one(5); }

/* §2: "Never collapse 1c silently into either group." */
static void test_escc_1c_never_low_or_high(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "escc", "grade", "1c");
	assert_non_null(r.band);
	assert_string_not_equal(r.band, "low");
	assert_string_not_equal(r.band, "high");
	assert_non_null(r.band_meaning);
	assert_non_null(strstr(r.band_meaning, "MDT"));
}

static void test_escc_invalid(void **s)
{
	(void)s;
	static const char *const bad[] = {"4", "1d", "1A", "1", "-1", "", "grade 2", "III", "low", "1 c", "2a"};
	int nbad = 0;
	for (size_t k = 0; k < N(bad); k++) {
		sm_result r;
		T_SCORE(&r, "escc", "grade", bad[k]);
		bool ok = r.status == SM_RESULT_INVALID && r.nerrors && strcmp(r.errors[0].path, "/grade") == 0 &&
		          strstr(r.errors[0].message, "\"1a\"") && strstr(r.errors[0].message, "\"1c\"") &&
		          strstr(r.errors[0].message, "\"3\"") && !r.grade && !r.band;
		if (!ok) {
			print_message("MISMATCH escc grade \"%s\": expected invalid at /grade naming 0..3; got %s\n",
			              bad[k], sm_result_status_name(r.status));
			nbad++;
		}
	}
	assert_int_equal(nbad, 0);
}

static void test_escc_missing(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("escc")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_null(r.grade);
	assert_null(r.band);
	assert_true(T_has_missing(&r, "grade"));
	EXPECT_POSSIBLE(&r, "0", "1a", "1b", "1c", "2", "3");
}

static void test_escc_identity(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("escc");
	assert_true(sm_instrument_is_grade(in));
	assert_int_equal(sm_instrument_direction(in), SM_DIRECTION_NONE);
	assert_non_null(strstr(sm_instrument_definition(in), "2010"));
	assert_non_null(strstr(sm_instrument_citation(in), "Bilsky"));
	assert_non_null(strstr(sm_instrument_citation(in), "10.3171/2010.3.SPINE09459"));
	const sm_item *it = sm_instrument_item_find(in, "grade", NULL);
	assert_non_null(it);
	assert_int_equal(it->type, SM_T_ENUM);
	assert_int_equal(it->nchoices, 6);
}

/* ============================== Frankel ============================== */
static const gb FRANKEL[] = {{"A", "complete"}, {"B", "complete"}, {"C", "incomplete"},
                             {"D", "incomplete"}, {"E", "none"}};

static void frankel_one(size_t k)
{
	sm_result r;
	T_SCORE(&r, "frankel", "grade", FRANKEL[k].grade);
	expect_grade(&r, FRANKEL[k].grade, FRANKEL[k].band);
}
static void test_frankel_A(void **s) { (void)s; frankel_one(0); }
static void test_frankel_B_vector_neu1(void **s) { (void)s; frankel_one(1); }
static void test_frankel_C(void **s) { (void)s; frankel_one(2); }
static void test_frankel_D_vector_neu2(void **s) { (void)s; frankel_one(3); }
static void test_frankel_E(void **s) { (void)s; frankel_one(4); }

static void test_frankel_invalid(void **s)
{
	(void)s;
	static const char *const bad[] = {"F", "a", "e", "", "AB", "0", "A ", "complete"};
	int nbad = 0;
	for (size_t k = 0; k < N(bad); k++) {
		sm_result r;
		T_SCORE(&r, "frankel", "grade", bad[k]);
		bool ok = r.status == SM_RESULT_INVALID && r.nerrors && strcmp(r.errors[0].path, "/grade") == 0 &&
		          strstr(r.errors[0].message, "\"A\"") && strstr(r.errors[0].message, "\"E\"");
		if (!ok) {
			print_message("MISMATCH frankel grade \"%s\": expected invalid at /grade naming A..E; got %s\n",
			              bad[k], sm_result_status_name(r.status));
			nbad++;
		}
	}
	assert_int_equal(nbad, 0);
}

static void test_frankel_missing(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("frankel")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_null(r.grade);
	assert_null(r.band);
	assert_true(T_has_missing(&r, "grade"));
	EXPECT_POSSIBLE(&r, "A", "B", "C", "D", "E");
}

static void test_frankel_identity(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("frankel");
	assert_true(sm_instrument_is_grade(in));
	assert_int_equal(sm_instrument_direction(in), SM_DIRECTION_NONE);
	assert_non_null(strstr(sm_instrument_definition(in), "1969"));
	assert_non_null(strstr(sm_instrument_citation(in), "Frankel"));
	assert_non_null(strstr(sm_instrument_citation(in), "1969"));
}

/* ================================ ASIA ================================ */
/* Score asia with the seven items; NULL = not given. */
static void asia(sm_result *r, const char *s45, const char *vac, const char *m3, const char *nkey,
                 const char *n3, const char *normal, const char *prior)
{
	const char *kv[15];
	size_t m = 0;
	const char *keys[] = {"sensory_s4_s5", "voluntary_anal_contraction", "motor_more_than_3_below",
	                      "key_muscles_below_nli", "key_muscles_grade3_below_nli", "normal_exam",
	                      "prior_deficit"};
	const char *vals[] = {s45, vac, m3, nkey, n3, normal, prior};
	for (size_t k = 0; k < 7; k++)
		if (vals[k]) {
			kv[m++] = keys[k];
			kv[m++] = vals[k];
		}
	kv[m] = NULL;
	T_score_a(r, "asia", kv);
}

static void test_asia_items_present(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("asia");
	static const struct { const char *key; sm_item_type t; } want[] = {
		{"sensory_s4_s5", SM_T_BOOL}, {"voluntary_anal_contraction", SM_T_BOOL},
		{"motor_more_than_3_below", SM_T_BOOL}, {"key_muscles_below_nli", SM_T_INT},
		{"key_muscles_grade3_below_nli", SM_T_INT}, {"normal_exam", SM_T_BOOL},
		{"prior_deficit", SM_T_BOOL}};
	for (size_t k = 0; k < N(want); k++) {
		const sm_item *it = sm_instrument_item_find(in, want[k].key, NULL);
		if (!it)
			fail_msg("KEYS.md asia item %s missing", want[k].key);
		assert_int_equal(it->type, want[k].t);
	}
	assert_true(sm_instrument_is_grade(in));
	assert_int_equal(sm_instrument_direction(in), SM_DIRECTION_NONE);
	assert_non_null(sm_instrument_citation(in));
	assert_true(strlen(sm_instrument_citation(in)) > 0);
}

/* NEU-3: no sensory/motor at S4-S5 -> A. */
static void test_asia_A_vector_neu3(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "false", "false", "false", "10", "0", "false", "true");
	expect_grade(&r, "A", NULL);
}

/* A is determined by the sacral segments alone: nothing else can change it. */
static void test_asia_A_from_sacral_only(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "false", "false", NULL, NULL, NULL, NULL, NULL);
	expect_grade(&r, "A", NULL);
}

/* No sacral sparing is complete even with motor > 3 levels below and strong muscles. */
static void test_asia_A_despite_motor_below(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "false", "false", "true", "10", "8", "false", "true");
	expect_grade(&r, "A", NULL);
}

/* NEU-4: sacral sensory sparing, no motor > 3 levels below the motor level -> B. */
static void test_asia_B_vector_neu4(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "false", "false", "10", "0", "false", "true");
	expect_grade(&r, "B", NULL);
}

/* B whatever the key-muscle counts (motor sparing is not > 3 levels below). */
static void test_asia_B_counts_irrelevant(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "false", "false", "10", "8", "false", "true");
	expect_grade(&r, "B", NULL);
	asia(&r, "true", "false", "false", NULL, NULL, "false", NULL);
	expect_grade(&r, "B", NULL);
}

/* NEU-5: VAC present, 4 of 10 key muscles >= 3 -> C. */
static void test_asia_C_vector_neu5(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "true", "10", "4", "false", "true");
	expect_grade(&r, "C", NULL);
}

/* NEU-6: VAC present, 5 of 10 -> D (exactly half is D, §4.2). */
static void test_asia_D_vector_neu6_exactly_half(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "true", "10", "5", "false", "true");
	expect_grade(&r, "D", NULL);
}

/* §4.2 example: 5 of 10 with anal contraction, sacral sensation not recorded -> D. */
static void test_asia_D_vac_without_sensory_given(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, NULL, "true", NULL, "10", "5", "false", NULL);
	expect_grade(&r, "D", NULL);
}

/* Sensory incomplete + motor sparing > 3 levels below (no VAC): C or D by the counts. */
static void test_asia_C_sensory_plus_motor_below(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "false", "true", "10", "2", "false", "true");
	expect_grade(&r, "C", NULL);
	asia(&r, "true", "false", "true", "10", "5", "false", "true");
	expect_grade(&r, "D", NULL);
	asia(&r, "true", "false", "true", "10", "4", "false", "true");
	expect_grade(&r, "C", NULL);
}

/* The C/D rule over every count: D iff 2 * grade3 >= n (§4.2 implementation line). */
static void test_asia_half_rule_table(void **s)
{
	(void)s;
	int bad = 0;
	char nb[16], kb[16];
	for (int n = 1; n <= 20; n++)
		for (int k = 0; k <= n; k++) {
			snprintf(nb, sizeof nb, "%d", n);
			snprintf(kb, sizeof kb, "%d", k);
			sm_result r;
			asia(&r, "true", "true", "true", nb, kb, "false", "true");
			const char *want = 2 * k >= n ? "D" : "C";
			if (r.status != SM_RESULT_OK || !r.grade || strcmp(r.grade, want) != 0) {
				if (bad < 10)
					print_message("MISMATCH asia %d of %d key muscles >= 3: expected %s; got %s %s\n",
					              k, n, want, sm_result_status_name(r.status), r.grade ? r.grade : "-");
				bad++;
			}
		}
	assert_int_equal(bad, 0);
}

/* Odd counts: 3 of 7 is fewer than half (C); 4 of 7 is more than half (D). */
static void test_asia_odd_counts(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "false", "7", "3", "false", "true");
	expect_grade(&r, "C", NULL);
	asia(&r, "true", "true", "false", "7", "4", "false", "true");
	expect_grade(&r, "D", NULL);
}

/* E: normal in all segments in a person who had prior deficits. */
static void test_asia_E(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "true", "10", "10", "true", "true");
	expect_grade(&r, "E", NULL);
	asia(&r, NULL, NULL, NULL, NULL, NULL, "true", "true");
	expect_grade(&r, "E", NULL);
}

/* Normal exam and never a deficit: no AIS grade; band not_applicable (KEYS.md). */
static void test_asia_not_applicable(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "true", "10", "10", "true", "false");
	expect_grade(&r, NULL, "not_applicable");
	assert_null(r.grade);
	asia(&r, NULL, NULL, NULL, NULL, NULL, "true", "false");
	expect_grade(&r, NULL, "not_applicable");
}

/* key_muscles_grade3_below_nli is 0..key_muscles_below_nli (KEYS.md). */
static void test_asia_inconsistent_counts_invalid(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "true", "4", "5", "false", "true");
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_true(r.nerrors >= 1);
	bool path_ok = strcmp(r.errors[0].path, "/key_muscles_grade3_below_nli") == 0 ||
	               strcmp(r.errors[0].path, "/key_muscles_below_nli") == 0;
	assert_true(path_ok);
	assert_null(r.grade);
	assert_int_equal(r.npossible, 0);
	/* 0 of 0 is consistent; 1 of 0 is not */
	asia(&r, "true", "true", "true", "0", "1", "false", "true");
	assert_int_equal(r.status, SM_RESULT_INVALID);
}

static void test_asia_negative_counts_invalid(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", "true", "-1", "0", "false", "true");
	T_invalid(&r, "/key_muscles_below_nli", NULL);
	asia(&r, "true", "true", "true", "10", "-2", "false", "true");
	T_invalid(&r, "/key_muscles_grade3_below_nli", NULL);
}

static void test_asia_wrong_types_invalid(void **s)
{
	(void)s;
	sm_result r;
	/* a word for a bool item, a word for an int item */
	asia(&r, "yes please", "true", "true", "10", "5", "false", "true");
	T_invalid(&r, "/sensory_s4_s5", "true", "false", NULL);
	asia(&r, "true", "true", "true", "ten", "5", "false", "true");
	T_invalid(&r, "/key_muscles_below_nli", NULL);
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("asia")), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "normal_exam", 1), SM_E_TYPE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_invalid(&r, "/normal_exam", "true", NULL);
}

/* A normal examination has sacral sensation and anal contraction. */
static void test_asia_normal_exam_contradiction_invalid(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "false", "false", NULL, NULL, NULL, "true", "true");
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_null(r.grade);
}

/* ---- unknown items: the set of grades still possible ---- */
static void test_asia_nothing_known(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_null(r.grade);
	EXPECT_POSSIBLE(&r, "A", "B", "C", "D", "E", "not_applicable");
	assert_true(r.nmissing >= 1);
}

static void test_asia_vac_only_C_or_D(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, NULL, "true", NULL, NULL, NULL, "false", NULL);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_null(r.grade);
	EXPECT_POSSIBLE(&r, "C", "D");
	assert_true(T_has_missing(&r, "key_muscles_below_nli") ||
	            T_has_missing(&r, "key_muscles_grade3_below_nli"));
	/* n known, count >= 3 unknown: still C or D */
	asia(&r, "true", "true", "true", "10", NULL, "false", "true");
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	EXPECT_POSSIBLE(&r, "C", "D");
	assert_true(T_has_missing(&r, "key_muscles_grade3_below_nli"));
}

static void test_asia_motor_below_unknown(void **s)
{
	(void)s;
	sm_result r;
	/* sensory sparing, no VAC, m3 unknown: B, or C/D by the counts */
	asia(&r, "true", "false", NULL, "10", "5", "false", "true");
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	EXPECT_POSSIBLE(&r, "B", "D");
	assert_true(T_has_missing(&r, "motor_more_than_3_below"));
	asia(&r, "true", "false", NULL, "10", "4", "false", "true");
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	EXPECT_POSSIBLE(&r, "B", "C");
	asia(&r, "true", "false", NULL, NULL, NULL, "false", "true");
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	EXPECT_POSSIBLE(&r, "B", "C", "D");
}

static void test_asia_vac_unknown_no_sensory(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "false", NULL, NULL, NULL, NULL, "false", "true");
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	EXPECT_POSSIBLE(&r, "A", "C", "D");
	assert_true(T_has_missing(&r, "voluntary_anal_contraction"));
	asia(&r, "false", NULL, NULL, "10", "2", "false", "true");
	EXPECT_POSSIBLE(&r, "A", "C");
}

static void test_asia_prior_unknown_normal(void **s)
{
	(void)s;
	sm_result r;
	asia(&r, "true", "true", NULL, NULL, NULL, "true", NULL);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_null(r.grade);
	EXPECT_POSSIBLE(&r, "E", "not_applicable");
	assert_true(T_has_missing(&r, "prior_deficit"));
}

static void test_asia_normal_unknown(void **s)
{
	(void)s;
	sm_result r;
	/* every key muscle >= 3 and sacral function: D, unless the exam is normal (E) */
	asia(&r, "true", "true", "true", "10", "10", NULL, "true");
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	EXPECT_POSSIBLE(&r, "D", "E");
	assert_true(T_has_missing(&r, "normal_exam"));
	/* one key muscle below grade 3: the exam cannot be normal, so D */
	asia(&r, "true", "true", "true", "10", "9", NULL, "true");
	expect_grade(&r, "D", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escc_0),
		cmocka_unit_test(test_escc_1a_vector_escc1),
		cmocka_unit_test(test_escc_1b_vector_escc2),
		cmocka_unit_test(test_escc_1c_vector_escc3),
		cmocka_unit_test(test_escc_2_vector_escc4),
		cmocka_unit_test(test_escc_3_vector_escc5),
		cmocka_unit_test(test_escc_1c_never_low_or_high),
		cmocka_unit_test(test_escc_invalid),
		cmocka_unit_test(test_escc_missing),
		cmocka_unit_test(test_escc_identity),
		cmocka_unit_test(test_frankel_A),
		cmocka_unit_test(test_frankel_B_vector_neu1),
		cmocka_unit_test(test_frankel_C),
		cmocka_unit_test(test_frankel_D_vector_neu2),
		cmocka_unit_test(test_frankel_E),
		cmocka_unit_test(test_frankel_invalid),
		cmocka_unit_test(test_frankel_missing),
		cmocka_unit_test(test_frankel_identity),
		cmocka_unit_test(test_asia_items_present),
		cmocka_unit_test(test_asia_A_vector_neu3),
		cmocka_unit_test(test_asia_A_from_sacral_only),
		cmocka_unit_test(test_asia_A_despite_motor_below),
		cmocka_unit_test(test_asia_B_vector_neu4),
		cmocka_unit_test(test_asia_B_counts_irrelevant),
		cmocka_unit_test(test_asia_C_vector_neu5),
		cmocka_unit_test(test_asia_D_vector_neu6_exactly_half),
		cmocka_unit_test(test_asia_D_vac_without_sensory_given),
		cmocka_unit_test(test_asia_C_sensory_plus_motor_below),
		cmocka_unit_test(test_asia_half_rule_table),
		cmocka_unit_test(test_asia_odd_counts),
		cmocka_unit_test(test_asia_E),
		cmocka_unit_test(test_asia_not_applicable),
		cmocka_unit_test(test_asia_inconsistent_counts_invalid),
		cmocka_unit_test(test_asia_negative_counts_invalid),
		cmocka_unit_test(test_asia_wrong_types_invalid),
		cmocka_unit_test(test_asia_normal_exam_contradiction_invalid),
		cmocka_unit_test(test_asia_nothing_known),
		cmocka_unit_test(test_asia_vac_only_C_or_D),
		cmocka_unit_test(test_asia_motor_below_unknown),
		cmocka_unit_test(test_asia_vac_unknown_no_sensory),
		cmocka_unit_test(test_asia_prior_unknown_normal),
		cmocka_unit_test(test_asia_normal_unknown),
	};
	SM_RUN_SUITE("grades", tests);
}
