/*
** test_katagiri.c: the new Katagiri score (REFERENCE §6.6 and §14, §5.3,
** §13 KAT-1..4 and PS-3; KEYS.md `katagiri`), written from the reference:
** primary slow 0 / moderate 2 / rapid 3 (hormone-dependent breast/prostate
** slow, else moderate; lung on targeted therapy moderate, else rapid);
** visceral nodular 1 / disseminated 2; labs abnormal 1 (CRP >= 0.4 mg/dL,
** LDH >= 250 IU/L, albumin < 3.7 g/dL) or critical 2 (platelets < 100,000/uL,
** calcium >= 10.3 mg/dL, bilirubin >= 1.4 mg/dL), worse tier only; ECOG 3-4 1
** (KPS <= 40 by conversion, flag `converted`); previous chemotherapy 1;
** multiple skeletal metastases 1. Bands 0-3 / 4-6 / 7-10; higher is worse.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

static const char *ref_band(int t) { return t <= 3 ? "low" : t <= 6 ? "intermediate" : "high"; }

/* Primary groups from §6.6 for every KEYS.md §3 key.
** H: hormone (0 dependent / 2 not), L: lung (2 targeted / 3 not), else points;
** `alt` a second accepted value where the reference does not settle the key. */
enum { GH = -10, GL = -11 };
typedef struct { const char *key; int g; int alt; } kp;
static const kp PRIMARY[] = {
	{"breast", GH, -1}, {"lung_nsclc", GL, -1}, {"lung_sclc", GL, -1}, {"lung", GL, -1},
	{"prostate", GH, -1}, {"kidney", 2, -1}, {"thyroid", 0, -1}, {"colon", 3, -1},
	{"rectum", 3, -1}, {"stomach", 3, -1}, {"oesophagus", 3, -1}, {"pancreas", 3, -1},
	{"liver", 3, -1}, {"gallbladder", 3, -1}, {"bladder", 3, -1}, {"uterus", 2, -1},
	{"cervix", 3, -1}, {"ovary", 2, -1}, {"head_neck", 3, -1}, {"melanoma", 3, -1},
	{"soft_tissue_sarcoma", 2, -1}, {"osteosarcoma", 2, -1}, {"myeloma", 0, -1},
	{"plasmacytoma", 0, 2},           /* myeloma family, or "others" */
	{"lymphoma", 0, -1}, {"leukaemia", 2, 0}, /* "others", or haematological slow */
	{"seminoma", 2, 3},               /* "others", or "other urological" (rapid) */
	{"germ_cell_nonseminoma", 2, 3}, {"neuroendocrine", 2, -1}, {"carcinoid", 2, -1},
	{"neuroblastoma", 2, -1}, {"ewing_sarcoma", 2, -1}, {"rhabdomyosarcoma", 2, -1},
	{"wilms", 2, -1}, {"medulloblastoma", 2, -1}, {"retinoblastoma", 2, -1},
	{"teratoma", 2, 3}, {"other", 2, -1}, {"unknown", 3, -1},
};

/* every other item at 0 points, labs normal */
#define ZERO_KV "primary", "thyroid", "visceral_metastases", "none", "labs", "normal", "ecog", "0", \
	"previous_chemotherapy", "false", "skeletal_metastases", "solitary"

static void score_one(sm_result *r, const char *item, const char *value)
{
	static const char *const base[] = {ZERO_KV, NULL};
	T_score_replacing(r, "katagiri", base, item, value);
}

/* The six measurements, all normal, except overrides; labs category not given. */
static void score_labs(sm_result *r, const char *crp, const char *ldh, const char *alb,
                       const char *plt, const char *ca, const char *bili)
{
	const char *kv[32];
	size_t m = 0;
	const char *fixed[] = {"primary", "thyroid", "visceral_metastases", "none", "ecog", "0",
	                       "previous_chemotherapy", "false", "skeletal_metastases", "solitary"};
	for (size_t k = 0; k < N(fixed); k++)
		kv[m++] = fixed[k];
	const char *keys[] = {"crp_mg_dl", "ldh_iu_l", "albumin_g_dl", "platelets_per_ul", "calcium_mg_dl",
	                      "bilirubin_mg_dl"};
	const char *vals[] = {crp, ldh, alb, plt, ca, bili};
	for (size_t k = 0; k < 6; k++)
		if (vals[k]) {
			kv[m++] = keys[k];
			kv[m++] = vals[k];
		}
	kv[m] = NULL;
	T_score_a(r, "katagiri", kv);
}
#define NORMAL6 "0.1", "200", "4.0", "200000", "9.5", "0.5"

/* ---- primary ---- */
static void test_primary_every_histology(void **s)
{
	(void)s;
	int bad = 0;
	assert_int_equal(N(PRIMARY), 39);
	for (size_t k = 0; k < N(PRIMARY); k++) {
		int variants = PRIMARY[k].g < 0 ? 2 : 1;
		for (int v = 0; v < variants; v++) {
			sm_result r;
			int want;
			if (PRIMARY[k].g == GH) {
				T_SCORE(&r, "katagiri", "primary", PRIMARY[k].key, "hormone_dependent", v ? "true" : "false",
				        "visceral_metastases", "none", "labs", "normal", "ecog", "0",
				        "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
				want = v ? 0 : 2;
			} else if (PRIMARY[k].g == GL) {
				T_SCORE(&r, "katagiri", "primary", PRIMARY[k].key, "targeted_therapy", v ? "true" : "false",
				        "visceral_metastases", "none", "labs", "normal", "ecog", "0",
				        "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
				want = v ? 2 : 3;
			} else {
				score_one(&r, "primary", PRIMARY[k].key);
				want = PRIMARY[k].g;
			}
			bool ok = r.status == SM_RESULT_OK &&
			          (r.total == want || (PRIMARY[k].alt >= 0 && r.total == PRIMARY[k].alt));
			if (!ok) {
				print_message("MISMATCH primary %s (variant %d): expected %d (REFERENCE §6.6); got %s %d\n",
				              PRIMARY[k].key, v, want, sm_result_status_name(r.status), r.total);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void group(const char *const *keys, size_t n, int pts)
{
	for (size_t k = 0; k < n; k++) {
		sm_result r;
		score_one(&r, "primary", keys[k]);
		if (r.status != SM_RESULT_OK || r.total != pts)
			fail_msg("primary %s: expected %d (REFERENCE §6.6), got %s %d", keys[k], pts,
			         sm_result_status_name(r.status), r.total);
	}
}
static void test_primary_slow_0(void **s)
{
	(void)s;
	static const char *const k[] = {"thyroid", "myeloma", "lymphoma"};
	group(k, N(k), 0);
}
static void test_primary_moderate_2(void **s)
{
	(void)s;
	static const char *const k[] = {"kidney", "uterus", "ovary", "soft_tissue_sarcoma", "osteosarcoma", "other"};
	group(k, N(k), 2);
}
static void test_primary_rapid_3(void **s)
{
	(void)s;
	static const char *const k[] = {"colon", "rectum", "stomach", "pancreas", "head_neck", "oesophagus",
	                                "bladder", "melanoma", "liver", "gallbladder", "cervix", "unknown"};
	group(k, N(k), 3);
}

static void test_hormone_breast_prostate(void **s)
{
	(void)s;
	static const char *const k[] = {"breast", "prostate"};
	for (size_t j = 0; j < N(k); j++) {
		sm_result r;
		T_SCORE(&r, "katagiri", "primary", k[j], "hormone_dependent", "true", "visceral_metastases", "none",
		        "labs", "normal", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
		T_ok(&r, 0, "low");
		T_SCORE(&r, "katagiri", "primary", k[j], "hormone_dependent", "false", "visceral_metastases", "none",
		        "labs", "normal", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
		T_ok(&r, 2, "low");
		/* not given: 0 or 2 */
		score_one(&r, "primary", k[j]);
		T_incomplete(&r, 0, 2, "low");
		assert_true(T_has_missing(&r, "hormone_dependent"));
	}
}

static void test_lung_targeted_therapy(void **s)
{
	(void)s;
	static const char *const k[] = {"lung_nsclc", "lung_sclc", "lung"};
	for (size_t j = 0; j < N(k); j++) {
		sm_result r;
		T_SCORE(&r, "katagiri", "primary", k[j], "targeted_therapy", "true", "visceral_metastases", "none",
		        "labs", "normal", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
		T_ok(&r, 2, "low");
		T_SCORE(&r, "katagiri", "primary", k[j], "targeted_therapy", "false", "visceral_metastases", "none",
		        "labs", "normal", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
		T_ok(&r, 3, "low");
		score_one(&r, "primary", k[j]);
		T_incomplete(&r, 2, 3, "low");
		assert_true(T_has_missing(&r, "targeted_therapy"));
	}
}

/* hormone_dependent / targeted_therapy do not move other primaries. */
static void test_modifiers_ignored_elsewhere(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "kidney", "hormone_dependent", "true", "targeted_therapy", "true",
	        "visceral_metastases", "none", "labs", "normal", "ecog", "0", "previous_chemotherapy", "false",
	        "skeletal_metastases", "solitary");
	T_ok(&r, 2, "low");
	T_SCORE(&r, "katagiri", "primary", "colon", "targeted_therapy", "true", "visceral_metastases", "none",
	        "labs", "normal", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 3, "low");
}

/* ---- visceral ---- */
static void test_visceral_points(void **s)
{
	(void)s;
	static const struct { const char *v; int p; } t[] = {{"none", 0}, {"nodular", 1}, {"disseminated", 2}};
	for (size_t k = 0; k < N(t); k++) {
		sm_result r;
		score_one(&r, "visceral_metastases", t[k].v);
		T_ok(&r, t[k].p, "low");
	}
	sm_result r;
	score_one(&r, "visceral_metastases", "present");
	T_invalid(&r, "/visceral_metastases", "none", "nodular", "disseminated", NULL);
}

/* ---- labs as a category ---- */
static void test_labs_category_points(void **s)
{
	(void)s;
	static const struct { const char *v; int p; } t[] = {{"normal", 0}, {"abnormal", 1}, {"critical", 2}};
	for (size_t k = 0; k < N(t); k++) {
		sm_result r;
		score_one(&r, "labs", t[k].v);
		T_ok(&r, t[k].p, "low");
	}
	sm_result r;
	score_one(&r, "labs", "high");
	T_invalid(&r, "/labs", "normal", "abnormal", "critical", NULL);
}

/* ---- labs from measurements: each cut-off on both sides ---- */
static void test_labs_all_normal(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, NORMAL6);
	T_ok(&r, 0, "low");
}
static void test_crp_cutoff_0_4(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.4", "200", "4.0", "200000", "9.5", "0.5");
	T_ok(&r, 1, "low");
	score_labs(&r, "0.39", "200", "4.0", "200000", "9.5", "0.5");
	T_ok(&r, 0, "low");
}
static void test_ldh_cutoff_250(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.1", "250", "4.0", "200000", "9.5", "0.5");
	T_ok(&r, 1, "low");
	score_labs(&r, "0.1", "249.9", "4.0", "200000", "9.5", "0.5");
	T_ok(&r, 0, "low");
}
static void test_albumin_cutoff_3_7(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.1", "200", "3.69", "200000", "9.5", "0.5");
	T_ok(&r, 1, "low");
	score_labs(&r, "0.1", "200", "3.7", "200000", "9.5", "0.5");
	T_ok(&r, 0, "low");
}
static void test_platelets_cutoff_100000(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.1", "200", "4.0", "99999", "9.5", "0.5");
	T_ok(&r, 2, "low");
	score_labs(&r, "0.1", "200", "4.0", "100000", "9.5", "0.5");
	T_ok(&r, 0, "low");
}
static void test_calcium_cutoff_10_3(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.1", "200", "4.0", "200000", "10.3", "0.5");
	T_ok(&r, 2, "low");
	score_labs(&r, "0.1", "200", "4.0", "200000", "10.29", "0.5");
	T_ok(&r, 0, "low");
}
static void test_bilirubin_cutoff_1_4(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.1", "200", "4.0", "200000", "9.5", "1.4");
	T_ok(&r, 2, "low");
	score_labs(&r, "0.1", "200", "4.0", "200000", "9.5", "1.39");
	T_ok(&r, 0, "low");
}

/* The same cut-offs typed as CSV text (sm_input_set_parsed). */
static void test_cutoffs_parsed_text(void **s)
{
	(void)s;
	static const struct { const char *key, *at, *other; int at_pts; } c[] = {
		{"crp_mg_dl", "0.4", "0.39", 1}, {"ldh_iu_l", "250", "249", 1},
		{"albumin_g_dl", "3.69", "3.7", 1}, {"platelets_per_ul", "99999", "100000", 2},
		{"calcium_mg_dl", "10.3", "10.29", 2}, {"bilirubin_mg_dl", "1.4", "1.39", 2}};
	static const char *const keys[] = {"crp_mg_dl", "ldh_iu_l", "albumin_g_dl", "platelets_per_ul",
	                                   "calcium_mg_dl", "bilirubin_mg_dl"};
	static const char *const normal[] = {"0.1", "200", "4.0", "200000", "9.5", "0.5"};
	int bad = 0;
	for (size_t k = 0; k < N(c); k++)
		for (int side = 0; side < 2; side++) {
			sm_input in;
			sm_result r;
			assert_int_equal(sm_input_init(&in, T_inst("katagiri")), SM_OK);
			assert_int_equal(sm_input_set_parsed(&in, "primary", "thyroid"), SM_OK);
			assert_int_equal(sm_input_set_parsed(&in, "visceral_metastases", "none"), SM_OK);
			assert_int_equal(sm_input_set_parsed(&in, "ecog", "0"), SM_OK);
			assert_int_equal(sm_input_set_parsed(&in, "previous_chemotherapy", "false"), SM_OK);
			assert_int_equal(sm_input_set_parsed(&in, "skeletal_metastases", "solitary"), SM_OK);
			for (size_t j = 0; j < 6; j++) {
				const char *v = strcmp(keys[j], c[k].key) == 0 ? (side ? c[k].other : c[k].at) : normal[j];
				assert_int_equal(sm_input_set_parsed(&in, keys[j], v), SM_OK);
			}
			assert_int_equal(sm_score(&in, &r), SM_OK);
			int want = side ? 0 : c[k].at_pts;
			if (r.status != SM_RESULT_OK || r.total != want) {
				print_message("MISMATCH parsed %s=%s: expected %d, got %s %d\n", c[k].key,
				              side ? c[k].other : c[k].at, want, sm_result_status_name(r.status), r.total);
				bad++;
			}
		}
	assert_int_equal(bad, 0);
}

/* Worse tier only, never the sum (§6.6, KAT-4). */
static void test_labs_worse_tier_only(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "1.0", "200", "4.0", "200000", "10.5", "0.5");
	T_ok(&r, 2, "low");
	/* every analyte out: still 2 */
	score_labs(&r, "5.0", "900", "2.0", "50000", "12.0", "3.0");
	T_ok(&r, 2, "low");
	/* every abnormal analyte out, no critical: 1 */
	score_labs(&r, "5.0", "900", "2.0", "200000", "9.5", "0.5");
	T_ok(&r, 1, "low");
}

/* ---- partial labs: the range of the lab item ---- */
static void test_partial_labs_one_normal_value(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.1", NULL, NULL, NULL, NULL, NULL);
	T_incomplete(&r, 0, 2, "low");
	assert_true(r.nmissing >= 1);
}
static void test_partial_labs_abnormal_known(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "0.5", NULL, NULL, NULL, NULL, NULL);
	T_incomplete(&r, 1, 2, "low");
	assert_true(r.nmissing >= 1);
}
static void test_partial_labs_critical_decides(void **s)
{
	(void)s;
	sm_result r;
	/* one critical value settles the item at 2, whatever the others are */
	score_labs(&r, NULL, NULL, NULL, "50000", NULL, NULL);
	T_ok(&r, 2, "low");
	score_labs(&r, NULL, NULL, NULL, NULL, "10.3", NULL);
	T_ok(&r, 2, "low");
}
static void test_partial_labs_criticals_normal(void **s)
{
	(void)s;
	sm_result r;
	/* criticals all normal, abnormal tier unknown: 0 or 1 */
	score_labs(&r, NULL, NULL, NULL, "200000", "9.5", "0.5");
	T_incomplete(&r, 0, 1, "low");
	/* ... and one abnormal value: exactly 1 */
	score_labs(&r, NULL, "300", NULL, "200000", "9.5", "0.5");
	T_ok(&r, 1, "low");
}
static void test_partial_labs_abnormals_normal(void **s)
{
	(void)s;
	sm_result r;
	/* abnormal tier all normal, criticals unknown: 0 or 2 */
	score_labs(&r, "0.1", "200", "4.0", NULL, NULL, NULL);
	T_incomplete(&r, 0, 2, "low");
	/* two criticals normal, one unknown: still 0 or 2 */
	score_labs(&r, "0.1", "200", "4.0", "200000", "9.5", NULL);
	T_incomplete(&r, 0, 2, "low");
	assert_true(T_has_missing(&r, "bilirubin_mg_dl") || T_has_missing(&r, "labs"));
}
static void test_partial_labs_band_effect(void **s)
{
	(void)s;
	sm_result r;
	/* 3 (colon) + 1 nodular + labs 0..2 (crp normal only) + ECOG 0 + chemo 0 + multiple 1 = 5..7 */
	T_SCORE(&r, "katagiri", "primary", "colon", "visceral_metastases", "nodular", "crp_mg_dl", "0.1",
	        "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "multiple");
	T_incomplete(&r, 5, 7, NULL);
}

/* labs category and measurements together: agree -> ok, contradict -> invalid. */
static void test_labs_category_vs_measurements(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "thyroid", "visceral_metastases", "none", "labs", "critical",
	        "calcium_mg_dl", "11.0", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 2, "low");
	T_SCORE(&r, "katagiri", "primary", "thyroid", "visceral_metastases", "none", "labs", "normal",
	        "calcium_mg_dl", "11.0", "ecog", "0", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_null(r.band);
}

static void test_lab_values_invalid(void **s)
{
	(void)s;
	sm_result r;
	score_labs(&r, "-0.1", "200", "4.0", "200000", "9.5", "0.5");
	T_invalid(&r, "/crp_mg_dl", NULL);
	score_labs(&r, "0.1", "high", "4.0", "200000", "9.5", "0.5");
	T_invalid(&r, "/ldh_iu_l", NULL);
}

/* ---- performance status ---- */
static void test_ecog_points(void **s)
{
	(void)s;
	static const struct { const char *v; int p; } t[] = {{"0", 0}, {"1", 0}, {"2", 0}, {"3", 1}, {"4", 1}};
	for (size_t k = 0; k < N(t); k++) {
		sm_result r;
		score_one(&r, "ecog", t[k].v);
		T_ok(&r, t[k].p, "low");
		assert_false(r.flags & SM_FLAG_CONVERTED);
	}
	sm_result r;
	score_one(&r, "ecog", "5");
	T_invalid(&r, "/ecog", "4", NULL);
}

static void kps_only(sm_result *r, const char *kps)
{
	T_SCORE(r, "katagiri", "primary", "thyroid", "visceral_metastases", "none", "labs", "normal",
	        "kps", kps, "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
}

/* §5.3: KPS <= 40 -> ECOG 3-4 -> 1 point, flag converted (PS-3: KPS 40). */
static void test_kps_converted_vector_ps3(void **s)
{
	(void)s;
	static const struct { const char *v; int p; } t[] = {
		{"10", 1}, {"20", 1}, {"30", 1}, {"40", 1}, {"50", 0}, {"60", 0}, {"70", 0}, {"80", 0},
		{"90", 0}, {"100", 0}};
	for (size_t k = 0; k < N(t); k++) {
		sm_result r;
		kps_only(&r, t[k].v);
		if (r.status != SM_RESULT_OK || r.total != t[k].p)
			fail_msg("kps %s: expected %d (KPS <= 40 -> ECOG 3-4, REFERENCE §5.3), got %s %d", t[k].v,
			         t[k].p, sm_result_status_name(r.status), r.total);
		assert_true(r.flags & SM_FLAG_CONVERTED);
	}
	sm_result r;
	kps_only(&r, "45");
	T_invalid(&r, "/kps", NULL);
}

static void test_missing_performance(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "thyroid", "visceral_metastases", "none", "labs", "normal",
	        "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
	T_incomplete(&r, 0, 1, "low");
	assert_true(T_has_missing(&r, "ecog") || T_has_missing(&r, "kps"));
}

/* ---- chemotherapy, skeletal ---- */
static void test_chemo_points(void **s)
{
	(void)s;
	sm_result r;
	score_one(&r, "previous_chemotherapy", "true");
	T_ok(&r, 1, "low");
	score_one(&r, "previous_chemotherapy", "false");
	T_ok(&r, 0, "low");
	score_one(&r, "previous_chemotherapy", "maybe");
	T_invalid(&r, "/previous_chemotherapy", "true", "false", NULL);
}
static void test_skeletal_points(void **s)
{
	(void)s;
	sm_result r;
	score_one(&r, "skeletal_metastases", "multiple");
	T_ok(&r, 1, "low");
	score_one(&r, "skeletal_metastases", "solitary");
	T_ok(&r, 0, "low");
	score_one(&r, "skeletal_metastases", "many");
	T_invalid(&r, "/skeletal_metastases", "solitary", "multiple", NULL);
}

/* ---- §13 vectors ---- */
static void test_vector_kat1(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "breast", "hormone_dependent", "true", "visceral_metastases", "none",
	        "labs", "normal", "ecog", "1", "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 0, "low");
}
static void test_vector_kat2(void **s)
{
	(void)s;
	sm_result r;
	/* the other labs taken as normal (the vector names only albumin 3.4) */
	T_SCORE(&r, "katagiri", "primary", "lung_nsclc", "targeted_therapy", "false",
	        "visceral_metastases", "nodular", "crp_mg_dl", "0.1", "ldh_iu_l", "200", "albumin_g_dl", "3.4",
	        "platelets_per_ul", "200000", "calcium_mg_dl", "9.5", "bilirubin_mg_dl", "0.5", "ecog", "3",
	        "previous_chemotherapy", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 8, "high");
	/* with only albumin measured, a critical value is still possible: 8..9, band high either way */
	T_SCORE(&r, "katagiri", "primary", "lung_nsclc", "targeted_therapy", "false",
	        "visceral_metastases", "nodular", "albumin_g_dl", "3.4", "ecog", "3",
	        "previous_chemotherapy", "true", "skeletal_metastases", "multiple");
	T_incomplete(&r, 8, 9, "high");
}
static void test_vector_kat3(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "kidney", "visceral_metastases", "none",
	        "crp_mg_dl", "0.1", "ldh_iu_l", "300", "albumin_g_dl", "4.0",
	        "platelets_per_ul", "200000", "calcium_mg_dl", "9.5", "bilirubin_mg_dl", "0.5", "ecog", "1",
	        "previous_chemotherapy", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 4, "intermediate");
}
static void test_vector_kat4(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "colon", "visceral_metastases", "disseminated",
	        "crp_mg_dl", "1.0", "ldh_iu_l", "200", "albumin_g_dl", "4.0",
	        "platelets_per_ul", "200000", "calcium_mg_dl", "10.5", "bilirubin_mg_dl", "0.5", "ecog", "4",
	        "previous_chemotherapy", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 10, "high");
}

/* ---- bands ---- */
static void test_band_boundary_3_4(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "colon", "visceral_metastases", "none", "labs", "normal", "ecog", "0",
	        "previous_chemotherapy", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 3, "low");
	T_SCORE(&r, "katagiri", "primary", "colon", "visceral_metastases", "none", "labs", "normal", "ecog", "0",
	        "previous_chemotherapy", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 4, "intermediate");
}
static void test_band_boundary_6_7(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "katagiri", "primary", "colon", "visceral_metastases", "nodular", "labs", "abnormal", "ecog", "0",
	        "previous_chemotherapy", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 6, "intermediate");
	T_SCORE(&r, "katagiri", "primary", "colon", "visceral_metastases", "nodular", "labs", "abnormal", "ecog", "3",
	        "previous_chemotherapy", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 7, "high");
}
static void test_band_table_and_survival(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("katagiri");
	static const struct { int lo, hi; const char *key; } want[] = {
		{0, 3, "low"}, {4, 6, "intermediate"}, {7, 10, "high"}};
	assert_int_equal(sm_instrument_band_count(in), 3);
	for (size_t k = 0; k < 3; k++) {
		const sm_band_def *b = sm_instrument_band(in, k);
		assert_int_equal(b->lo, want[k].lo);
		assert_int_equal(b->hi, want[k].hi);
		assert_string_equal(b->key, want[k].key);
	}
	/* §14 band survival: 0-3 1 y 91 %; >= 7 6 mo 27 %, 1 y 6 % */
	assert_non_null(strstr(sm_instrument_band(in, 0)->meaning, "91"));
	assert_non_null(strstr(sm_instrument_band(in, 1)->meaning, "73.9"));
	assert_non_null(strstr(sm_instrument_band(in, 2)->meaning, "27"));
}

/* ---- missing ---- */
static void test_missing_each_item(void **s)
{
	(void)s;
	static const struct { const char *item; int hi; } t[] = {
		{"primary", 3}, {"visceral_metastases", 2}, {"labs", 2}, {"ecog", 1},
		{"previous_chemotherapy", 1}, {"skeletal_metastases", 1}};
	for (size_t k = 0; k < N(t); k++) {
		const char *kv[] = {ZERO_KV, NULL};
		const char *out[16];
		size_t m = 0;
		for (size_t j = 0; kv[j]; j += 2)
			if (strcmp(kv[j], t[k].item) != 0) {
				out[m++] = kv[j];
				out[m++] = kv[j + 1];
			}
		out[m] = NULL;
		sm_result r;
		T_score_a(&r, "katagiri", out);
		T_incomplete(&r, 0, t[k].hi, "low");
		if (!T_has_missing(&r, t[k].item))
			fail_msg("missing does not list %s", t[k].item);
	}
}
static void test_missing_everything(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("katagiri")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 0, 10, NULL);
}

/* ---- identity and direction (§6.0: lower is better) ---- */
static void test_direction_and_identity(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("katagiri");
	assert_int_equal(sm_instrument_direction(in), SM_HIGHER_IS_WORSE);
	assert_false(sm_instrument_is_grade(in));
	assert_non_null(strstr(sm_instrument_definition(in), "2014"));
	assert_non_null(strstr(sm_instrument_citation(in), "Katagiri"));
	assert_non_null(strstr(sm_instrument_citation(in), "10.1002/cam4.292"));
	static const char *const keys[] = {"primary", "hormone_dependent", "targeted_therapy",
	                                   "visceral_metastases", "labs", "crp_mg_dl", "ldh_iu_l",
	                                   "albumin_g_dl", "platelets_per_ul", "calcium_mg_dl",
	                                   "bilirubin_mg_dl", "ecog", "kps", "previous_chemotherapy",
	                                   "skeletal_metastases"};
	for (size_t k = 0; k < N(keys); k++)
		if (!sm_instrument_item_find(in, keys[k], NULL))
			fail_msg("KEYS.md item %s missing from katagiri", keys[k]);
}

/* ---- exhaustive: every primary (and modifier) x visceral x labs x ECOG x chemo x skeletal ---- */
static void test_exhaustive(void **s)
{
	(void)s;
	static const char *const vis[] = {"none", "nodular", "disseminated"};
	static const char *const labs[] = {"normal", "abnormal", "critical"};
	static const char *const ecog[] = {"0", "1", "2", "3", "4"};
	static const char *const tf[] = {"false", "true"};
	static const char *const sk[] = {"solitary", "multiple"};
	int bad = 0;
	long n = 0;
	for (size_t h = 0; h < N(PRIMARY); h++)
	for (int mod = 0; mod < (PRIMARY[h].g < 0 ? 2 : 1); mod++)
	for (int v = 0; v < 3; v++)
	for (int l = 0; l < 3; l++)
	for (int e = 0; e < 5; e++)
	for (int c = 0; c < 2; c++)
	for (int k = 0; k < 2; k++) {
		const char *modkey = PRIMARY[h].g == GH ? "hormone_dependent" : "targeted_therapy";
		int p = PRIMARY[h].g == GH ? (mod ? 0 : 2) : PRIMARY[h].g == GL ? (mod ? 2 : 3) : PRIMARY[h].g;
		int rest = v + l + (e >= 3 ? 1 : 0) + c + k;
		sm_result r;
		if (PRIMARY[h].g < 0)
			T_SCORE(&r, "katagiri", "primary", PRIMARY[h].key, modkey, tf[mod], "visceral_metastases", vis[v],
			        "labs", labs[l], "ecog", ecog[e], "previous_chemotherapy", tf[c], "skeletal_metastases", sk[k]);
		else
			T_SCORE(&r, "katagiri", "primary", PRIMARY[h].key, "visceral_metastases", vis[v],
			        "labs", labs[l], "ecog", ecog[e], "previous_chemotherapy", tf[c], "skeletal_metastases", sk[k]);
		n++;
		bool ok = r.status == SM_RESULT_OK && r.total >= 0 && r.total <= 10 &&
		          (r.total == rest + p || (PRIMARY[h].alt >= 0 && r.total == rest + PRIMARY[h].alt)) &&
		          r.band && strcmp(r.band, ref_band(r.total)) == 0 && T_sum_components(&r) == r.total;
		if (!ok) {
			if (bad < 20)
				print_message("MISMATCH %s mod %d %s %s ecog %s chemo %s %s: expected %d; got %s %d %s\n",
				              PRIMARY[h].key, mod, vis[v], labs[l], ecog[e], tf[c], sk[k], rest + p,
				              sm_result_status_name(r.status), r.total, r.band ? r.band : "-");
			bad++;
		}
	}
	assert_true(n > 0);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_primary_every_histology),
		cmocka_unit_test(test_primary_slow_0),
		cmocka_unit_test(test_primary_moderate_2),
		cmocka_unit_test(test_primary_rapid_3),
		cmocka_unit_test(test_hormone_breast_prostate),
		cmocka_unit_test(test_lung_targeted_therapy),
		cmocka_unit_test(test_modifiers_ignored_elsewhere),
		cmocka_unit_test(test_visceral_points),
		cmocka_unit_test(test_labs_category_points),
		cmocka_unit_test(test_labs_all_normal),
		cmocka_unit_test(test_crp_cutoff_0_4),
		cmocka_unit_test(test_ldh_cutoff_250),
		cmocka_unit_test(test_albumin_cutoff_3_7),
		cmocka_unit_test(test_platelets_cutoff_100000),
		cmocka_unit_test(test_calcium_cutoff_10_3),
		cmocka_unit_test(test_bilirubin_cutoff_1_4),
		cmocka_unit_test(test_cutoffs_parsed_text),
		cmocka_unit_test(test_labs_worse_tier_only),
		cmocka_unit_test(test_partial_labs_one_normal_value),
		cmocka_unit_test(test_partial_labs_abnormal_known),
		cmocka_unit_test(test_partial_labs_critical_decides),
		cmocka_unit_test(test_partial_labs_criticals_normal),
		cmocka_unit_test(test_partial_labs_abnormals_normal),
		cmocka_unit_test(test_partial_labs_band_effect),
		cmocka_unit_test(test_labs_category_vs_measurements),
		cmocka_unit_test(test_lab_values_invalid),
		cmocka_unit_test(test_ecog_points),
		cmocka_unit_test(test_kps_converted_vector_ps3),
		cmocka_unit_test(test_missing_performance),
		cmocka_unit_test(test_chemo_points),
		cmocka_unit_test(test_skeletal_points),
		cmocka_unit_test(test_vector_kat1),
		cmocka_unit_test(test_vector_kat2),
		cmocka_unit_test(test_vector_kat3),
		cmocka_unit_test(test_vector_kat4),
		cmocka_unit_test(test_band_boundary_3_4),
		cmocka_unit_test(test_band_boundary_6_7),
		cmocka_unit_test(test_band_table_and_survival),
		cmocka_unit_test(test_missing_each_item),
		cmocka_unit_test(test_missing_everything),
		cmocka_unit_test(test_direction_and_identity),
		cmocka_unit_test(test_exhaustive),
	};
	SM_RUN_SUITE("katagiri", tests);
}
