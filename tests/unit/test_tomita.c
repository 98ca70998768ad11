/*
** test_tomita.c: Tomita (REFERENCE §6.2, §14, §11 claim 5, §13 TOM-1..4;
** KEYS.md `tomita`), written from the reference: growth slow 1 / moderate 2 /
** rapid 4 (not 3); visceral none 0 / treatable 2 / untreatable 4; bone
** solitary 1 / multiple 2; bands 2-3 / 4-5 / 6-7 / 8-10; growth classes of the
** catalogue per §14 (any other histology: growth missing unless supplied);
** lower is better; no survival figures displayed.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

typedef struct { const char *value; int points; } vp;
static const vp GROWTH[] = {{"slow", 1}, {"moderate", 2}, {"rapid", 4}};
static const vp VISCERAL[] = {{"none", 0}, {"treatable", 2}, {"untreatable", 4}};
static const vp BONE[] = {{"solitary", 1}, {"multiple", 2}};

static const char *ref_band(int t)
{
	if (t >= 2 && t <= 3) return "wide_or_marginal_excision";
	if (t >= 4 && t <= 5) return "marginal_or_intralesional_excision";
	if (t >= 6 && t <= 7) return "palliative_surgery";
	if (t >= 8 && t <= 10) return "supportive_care";
	return NULL;
}

/* §14 growth classes; 0 = no class (growth must be supplied). */
typedef struct { const char *key; int growth; } hg;
static const hg CLASS[] = {
	{"breast", 1}, {"thyroid", 1}, {"prostate", 1},
	{"kidney", 2}, {"uterus", 2},
	{"lung_nsclc", 4}, {"lung_sclc", 4}, {"lung", 4}, {"liver", 4}, {"stomach", 4}, {"colon", 4},
	{"unknown", 4},
	{"rectum", 0}, {"oesophagus", 0}, {"pancreas", 0}, {"gallbladder", 0}, {"bladder", 0},
	{"cervix", 0}, {"ovary", 0}, {"head_neck", 0}, {"melanoma", 0}, {"soft_tissue_sarcoma", 0},
	{"osteosarcoma", 0}, {"myeloma", 0}, {"plasmacytoma", 0}, {"lymphoma", 0}, {"leukaemia", 0},
	{"seminoma", 0}, {"germ_cell_nonseminoma", 0}, {"neuroendocrine", 0}, {"carcinoid", 0},
	{"neuroblastoma", 0}, {"ewing_sarcoma", 0}, {"rhabdomyosarcoma", 0}, {"wilms", 0},
	{"medulloblastoma", 0}, {"retinoblastoma", 0}, {"teratoma", 0}, {"other", 0},
};

/* ---- item points ---- */
static void test_growth_points(void **s)
{
	(void)s;
	for (size_t k = 0; k < N(GROWTH); k++) {
		sm_result r;
		T_SCORE(&r, "tomita", "growth", GROWTH[k].value, "visceral_metastases", "none",
		        "bone_metastases", "solitary");
		T_ok(&r, GROWTH[k].points + 1, NULL);
		const sm_component *c = T_comp(&r, "growth");
		if (c)
			assert_int_equal(c->points, GROWTH[k].points);
	}
}

/* §6.2 / §11 claim 5: rapid growth is 4, so the range is 2-10. */
static void test_rapid_is_4_not_3(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "rapid", "visceral_metastases", "untreatable",
	        "bone_metastases", "multiple");
	T_ok(&r, 10, "supportive_care");
}

static void test_visceral_points(void **s)
{
	(void)s;
	for (size_t k = 0; k < N(VISCERAL); k++) {
		sm_result r;
		T_SCORE(&r, "tomita", "growth", "slow", "visceral_metastases", VISCERAL[k].value,
		        "bone_metastases", "solitary");
		T_ok(&r, 2 + VISCERAL[k].points, NULL);
		const sm_component *c = T_comp(&r, "visceral_metastases");
		if (c)
			assert_int_equal(c->points, VISCERAL[k].points);
	}
}

static void test_bone_points(void **s)
{
	(void)s;
	for (size_t k = 0; k < N(BONE); k++) {
		sm_result r;
		T_SCORE(&r, "tomita", "growth", "slow", "visceral_metastases", "none",
		        "bone_metastases", BONE[k].value);
		T_ok(&r, 1 + BONE[k].points, NULL);
		const sm_component *c = T_comp(&r, "bone_metastases");
		if (c)
			assert_int_equal(c->points, BONE[k].points);
	}
}

/* ---- §14 growth class from the primary ---- */
static void test_primary_growth_class_every_histology(void **s)
{
	(void)s;
	int bad = 0;
	assert_int_equal(N(CLASS), 39);
	for (size_t k = 0; k < N(CLASS); k++) {
		sm_result r;
		T_SCORE(&r, "tomita", "primary", CLASS[k].key, "visceral_metastases", "none",
		        "bone_metastases", "solitary");
		bool ok;
		if (CLASS[k].growth) {
			ok = r.status == SM_RESULT_OK && r.total == CLASS[k].growth + 1;
		} else {
			ok = r.status == SM_RESULT_INCOMPLETE && r.lo == 2 && r.hi == 5 &&
			     T_has_missing(&r, "growth");
		}
		if (!ok) {
			print_message("MISMATCH primary %s: expected %s (REFERENCE §14); got %s %d..%d\n",
			              CLASS[k].key,
			              CLASS[k].growth ? (CLASS[k].growth == 1 ? "slow (total 2)" :
			                                 CLASS[k].growth == 2 ? "moderate (total 3)" : "rapid (total 5)")
			                              : "no class: incomplete 2..5, growth missing",
			              sm_result_status_name(r.status), r.lo, r.hi);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_slow_breast_thyroid_prostate(void **s)
{
	(void)s;
	static const char *const k[] = {"breast", "thyroid", "prostate"};
	for (size_t j = 0; j < N(k); j++) {
		sm_result r;
		T_SCORE(&r, "tomita", "primary", k[j], "visceral_metastases", "none", "bone_metastases", "solitary");
		T_ok(&r, 2, "wide_or_marginal_excision");
	}
}

static void test_moderate_kidney_uterus(void **s)
{
	(void)s;
	static const char *const k[] = {"kidney", "uterus"};
	for (size_t j = 0; j < N(k); j++) {
		sm_result r;
		T_SCORE(&r, "tomita", "primary", k[j], "visceral_metastases", "none", "bone_metastases", "solitary");
		T_ok(&r, 3, "wide_or_marginal_excision");
	}
}

static void test_rapid_lung_liver_stomach_colon_unknown(void **s)
{
	(void)s;
	static const char *const k[] = {"lung_nsclc", "lung_sclc", "lung", "liver", "stomach", "colon", "unknown"};
	for (size_t j = 0; j < N(k); j++) {
		sm_result r;
		T_SCORE(&r, "tomita", "primary", k[j], "visceral_metastases", "none", "bone_metastases", "solitary");
		T_ok(&r, 5, "marginal_or_intralesional_excision");
	}
}

/* An unclassed primary leaves growth missing; supplying growth completes it. */
static void test_unclassed_primary_needs_growth(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "melanoma", "visceral_metastases", "treatable",
	        "bone_metastases", "multiple");
	T_incomplete(&r, 5, 8, NULL);
	assert_true(T_has_missing(&r, "growth"));
	T_SCORE(&r, "tomita", "primary", "melanoma", "growth", "rapid", "visceral_metastases", "treatable",
	        "bone_metastases", "multiple");
	T_ok(&r, 8, "supportive_care");
}

/* KEYS.md: growth overrides the class of the primary. */
static void test_growth_overrides_primary(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "breast", "growth", "rapid", "visceral_metastases", "none",
	        "bone_metastases", "solitary");
	T_ok(&r, 5, NULL);
	T_SCORE(&r, "tomita", "primary", "lung_nsclc", "growth", "slow", "visceral_metastases", "none",
	        "bone_metastases", "solitary");
	T_ok(&r, 2, NULL);
}

/* ---- §13 vectors ---- */
static void test_vector_tom1(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "breast", "visceral_metastases", "none", "bone_metastases", "solitary");
	T_ok(&r, 2, "wide_or_marginal_excision");
}
static void test_vector_tom2(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "kidney", "visceral_metastases", "treatable", "bone_metastases", "multiple");
	T_ok(&r, 6, "palliative_surgery");
}
static void test_vector_tom3(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "lung", "visceral_metastases", "untreatable", "bone_metastases", "multiple");
	T_ok(&r, 10, "supportive_care");
}
static void test_vector_tom4(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "prostate", "visceral_metastases", "treatable", "bone_metastases", "multiple");
	T_ok(&r, 5, "marginal_or_intralesional_excision");
}

/* ---- band boundaries 3/4, 5/6, 7/8 ---- */
static void band_case(const char *g, const char *v, const char *b, int total)
{
	sm_result r;
	T_SCORE(&r, "tomita", "growth", g, "visceral_metastases", v, "bone_metastases", b);
	T_ok(&r, total, ref_band(total));
}
static void test_band_boundary_3_4(void **s)
{
	(void)s;
	band_case("moderate", "none", "solitary", 3);
	band_case("moderate", "none", "multiple", 4);
}
static void test_band_boundary_5_6(void **s)
{
	(void)s;
	band_case("rapid", "none", "solitary", 5);
	band_case("rapid", "none", "multiple", 6);
}
static void test_band_boundary_7_8(void **s)
{
	(void)s;
	band_case("rapid", "treatable", "solitary", 7);
	band_case("rapid", "treatable", "multiple", 8);
}
static void test_band_extremes(void **s)
{
	(void)s;
	band_case("slow", "none", "solitary", 2);
	band_case("rapid", "untreatable", "multiple", 10);
}

static void test_band_table(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("tomita");
	static const struct { int lo, hi; const char *key; } want[] = {
		{2, 3, "wide_or_marginal_excision"}, {4, 5, "marginal_or_intralesional_excision"},
		{6, 7, "palliative_surgery"}, {8, 10, "supportive_care"}};
	assert_int_equal(sm_instrument_band_count(in), 4);
	for (size_t k = 0; k < 4; k++) {
		const sm_band_def *b = sm_instrument_band(in, k);
		assert_int_equal(b->lo, want[k].lo);
		assert_int_equal(b->hi, want[k].hi);
		assert_string_equal(b->key, want[k].key);
	}
}

/* §6.2 / §14: per-band survival is unverified: no survival figures displayed. */
static void test_no_survival_figures(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("tomita");
	for (size_t k = 0; k < sm_instrument_band_count(in); k++) {
		const char *m = sm_instrument_band(in, k)->meaning;
		if (m && (strchr(m, '%') || strstr(m, "month")))
			fail_msg("Tomita band %s shows a survival figure: %s", sm_instrument_band(in, k)->key, m);
	}
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "rapid", "visceral_metastases", "untreatable", "bone_metastases", "multiple");
	if (strchr(r.interpretation, '%') || strstr(r.interpretation, "month"))
		fail_msg("Tomita interpretation shows a survival figure: %s", r.interpretation);
}

/* ---- invalid values ---- */
static void test_invalid_growth(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "fast", "visceral_metastases", "none", "bone_metastases", "solitary");
	T_invalid(&r, "/growth", "slow", "moderate", "rapid", NULL);
}
static void test_invalid_visceral(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "slow", "visceral_metastases", "present", "bone_metastases", "solitary");
	T_invalid(&r, "/visceral_metastases", "none", "treatable", "untreatable", NULL);
}
static void test_invalid_bone(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "slow", "visceral_metastases", "none", "bone_metastases", "single");
	T_invalid(&r, "/bone_metastases", "solitary", "multiple", NULL);
}
static void test_invalid_primary(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "primary", "renal", "visceral_metastases", "none", "bone_metastases", "solitary");
	T_invalid(&r, "/primary", "kidney", NULL);
}

/* ---- missing ---- */
static void test_missing_growth_and_primary(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "visceral_metastases", "none", "bone_metastases", "solitary");
	T_incomplete(&r, 2, 5, NULL);
	assert_true(T_has_missing(&r, "growth") || T_has_missing(&r, "primary"));
}
static void test_missing_growth_band_closed(void **s)
{
	(void)s;
	sm_result r;
	/* 4 + 2 + growth 1..4 -> 7..10 spans; 4+2 untreatable multiple: 6+{1..4} = 7..10 */
	T_SCORE(&r, "tomita", "visceral_metastases", "untreatable", "bone_metastases", "multiple");
	T_incomplete(&r, 7, 10, NULL);
	/* visceral 4 + solitary 1 + growth 4 known = 9; visceral is known, bone missing -> 9..10 */
	T_SCORE(&r, "tomita", "growth", "rapid", "visceral_metastases", "untreatable");
	T_incomplete(&r, 9, 10, "supportive_care");
	assert_true(T_has_missing(&r, "bone_metastases"));
}
static void test_missing_visceral(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "slow", "bone_metastases", "solitary");
	T_incomplete(&r, 2, 6, NULL);
	assert_true(T_has_missing(&r, "visceral_metastases"));
}
static void test_missing_bone(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "tomita", "growth", "slow", "visceral_metastases", "none");
	T_incomplete(&r, 2, 3, "wide_or_marginal_excision");
	assert_true(T_has_missing(&r, "bone_metastases"));
}
static void test_missing_everything(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("tomita")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 2, 10, NULL);
	assert_true(T_has_missing(&r, "visceral_metastases"));
	assert_true(T_has_missing(&r, "bone_metastases"));
}

/* ---- identity and direction (§6.0: lower is better) ---- */
static void test_direction_and_identity(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("tomita");
	assert_int_equal(sm_instrument_direction(in), SM_HIGHER_IS_WORSE);
	assert_false(sm_instrument_is_grade(in));
	assert_non_null(strstr(sm_instrument_definition(in), "2001"));
	assert_non_null(strstr(sm_instrument_citation(in), "Tomita"));
	assert_non_null(strstr(sm_instrument_citation(in), "10.1097/00007632-200102010-00016"));
	static const char *const keys[] = {"primary", "growth", "visceral_metastases", "bone_metastases"};
	for (size_t k = 0; k < N(keys); k++)
		if (!sm_instrument_item_find(in, keys[k], NULL))
			fail_msg("KEYS.md item %s missing from tomita", keys[k]);
}

/* ---- exhaustive: growth x visceral x bone; and every histology x visceral x bone ---- */
static void test_exhaustive_growth(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t g = 0; g < N(GROWTH); g++)
	for (size_t v = 0; v < N(VISCERAL); v++)
	for (size_t b = 0; b < N(BONE); b++) {
		int want = GROWTH[g].points + VISCERAL[v].points + BONE[b].points;
		sm_result r;
		T_SCORE(&r, "tomita", "growth", GROWTH[g].value, "visceral_metastases", VISCERAL[v].value,
		        "bone_metastases", BONE[b].value);
		bool ok = r.status == SM_RESULT_OK && r.total == want && want >= 2 && want <= 10 && r.band &&
		          strcmp(r.band, ref_band(want)) == 0 && T_sum_components(&r) == want;
		if (!ok) {
			print_message("MISMATCH %s/%s/%s: expected %d %s; got %s %d %s\n", GROWTH[g].value,
			              VISCERAL[v].value, BONE[b].value, want, ref_band(want),
			              sm_result_status_name(r.status), r.total, r.band ? r.band : "-");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_exhaustive_histology(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t h = 0; h < N(CLASS); h++)
	for (size_t v = 0; v < N(VISCERAL); v++)
	for (size_t b = 0; b < N(BONE); b++) {
		int rest = VISCERAL[v].points + BONE[b].points;
		sm_result r;
		T_SCORE(&r, "tomita", "primary", CLASS[h].key, "visceral_metastases", VISCERAL[v].value,
		        "bone_metastases", BONE[b].value);
		bool ok;
		if (CLASS[h].growth) {
			int want = rest + CLASS[h].growth;
			ok = r.status == SM_RESULT_OK && r.total == want && r.band &&
			     strcmp(r.band, ref_band(want)) == 0;
		} else {
			int lo = rest + 1, hi = rest + 4;
			const char *band = strcmp(ref_band(lo), ref_band(hi)) == 0 ? ref_band(lo) : NULL;
			ok = r.status == SM_RESULT_INCOMPLETE && r.lo == lo && r.hi == hi &&
			     (band ? r.band && strcmp(r.band, band) == 0 : r.band == NULL);
		}
		if (!ok) {
			if (bad < 20)
				print_message("MISMATCH %s/%s/%s: got %s %d..%d\n", CLASS[h].key, VISCERAL[v].value,
				              BONE[b].value, sm_result_status_name(r.status), r.lo, r.hi);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_points),
		cmocka_unit_test(test_rapid_is_4_not_3),
		cmocka_unit_test(test_visceral_points),
		cmocka_unit_test(test_bone_points),
		cmocka_unit_test(test_primary_growth_class_every_histology),
		cmocka_unit_test(test_slow_breast_thyroid_prostate),
		cmocka_unit_test(test_moderate_kidney_uterus),
		cmocka_unit_test(test_rapid_lung_liver_stomach_colon_unknown),
		cmocka_unit_test(test_unclassed_primary_needs_growth),
		cmocka_unit_test(test_growth_overrides_primary),
		cmocka_unit_test(test_vector_tom1),
		cmocka_unit_test(test_vector_tom2),
		cmocka_unit_test(test_vector_tom3),
		cmocka_unit_test(test_vector_tom4),
		cmocka_unit_test(test_band_boundary_3_4),
		cmocka_unit_test(test_band_boundary_5_6),
		cmocka_unit_test(test_band_boundary_7_8),
		cmocka_unit_test(test_band_extremes),
		cmocka_unit_test(test_band_table),
		cmocka_unit_test(test_no_survival_figures),
		cmocka_unit_test(test_invalid_growth),
		cmocka_unit_test(test_invalid_visceral),
		cmocka_unit_test(test_invalid_bone),
		cmocka_unit_test(test_invalid_primary),
		cmocka_unit_test(test_missing_growth_and_primary),
		cmocka_unit_test(test_missing_growth_band_closed),
		cmocka_unit_test(test_missing_visceral),
		cmocka_unit_test(test_missing_bone),
		cmocka_unit_test(test_missing_everything),
		cmocka_unit_test(test_direction_and_identity),
		cmocka_unit_test(test_exhaustive_growth),
		cmocka_unit_test(test_exhaustive_histology),
	};
	SM_RUN_SUITE("tomita", tests);
}
