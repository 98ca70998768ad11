/*
** test_sins.c: SINS (REFERENCE §1, KEYS.md §1 `sins`), written from the
** reference tables, not from the implementation.
**   §1.1 item points, §1.2 bands 0-6 / 7-12 / 13-18, §1.3 level -> location
**   table (coccyx: error), §1.4 level ranges take the highest-scoring level,
**   §13 vectors SINS-1..10, rule 2 (missing -> range, never 0), §0 rule 4
**   (direction), and an exhaustive property test over all 1,296 item
**   combinations.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

/* ------------------------------------------------------------------ */
/* REFERENCE §1.1 / §1.2 tables, typed in from the reference           */
/* ------------------------------------------------------------------ */
typedef struct { const char *value; int points; } vp;

static const vp LOCATION[] = {{"junctional", 3}, {"mobile", 2}, {"semi_rigid", 1}, {"rigid", 0}};
static const vp PAIN[] = {{"mechanical", 3}, {"occasional", 1}, {"none", 0}};
static const vp BONE[] = {{"lytic", 2}, {"mixed", 1}, {"blastic", 0}};
static const vp ALIGN[] = {{"subluxation", 4}, {"deformity", 2}, {"normal", 0}};
static const vp COLLAPSE[] = {{"over_50", 3}, {"under_50", 2}, {"body_involved_over_50", 1}, {"none", 0}};
static const vp POSTERO[] = {{"bilateral", 3}, {"unilateral", 1}, {"none", 0}};


static const char *ref_band(int total)
{
	if (total >= 0 && total <= 6)
		return "stable";
	if (total >= 7 && total <= 12)
		return "potentially_unstable";
	if (total >= 13 && total <= 18)
		return "unstable";
	return NULL;
}

/* Score one item value with every other item at its 0-point value; the total
** is then the item's points. */
static void check_item(const char *item, const vp *table, size_t n)
{
	int bad = 0;
	for (size_t k = 0; k < n; k++) {
		const char *kv[] = {"location", "rigid", "pain", "none", "bone_lesion", "blastic",
		                    "alignment", "normal", "collapse", "none", "posterolateral", "none",
		                    NULL};
		for (size_t j = 0; kv[j]; j += 2)
			if (strcmp(kv[j], item) == 0)
				kv[j + 1] = table[k].value;
		sm_result r;
		T_score_a(&r, "sins", kv);
		const sm_component *c = T_comp(&r, item);
		if (r.status != SM_RESULT_OK || r.total != table[k].points || !c ||
		    c->points != table[k].points) {
			print_message("MISMATCH %s=%s: expected %d points (REFERENCE §1.1); got status %s total %d component %d\n",
			              item, table[k].value, table[k].points, sm_result_status_name(r.status),
			              r.total, c ? c->points : -99);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_location_points(void **s) { (void)s; check_item("location", LOCATION, N(LOCATION)); }
static void test_pain_points(void **s) { (void)s; check_item("pain", PAIN, N(PAIN)); }
static void test_bone_lesion_points(void **s) { (void)s; check_item("bone_lesion", BONE, N(BONE)); }
static void test_alignment_points(void **s) { (void)s; check_item("alignment", ALIGN, N(ALIGN)); }
static void test_collapse_points(void **s) { (void)s; check_item("collapse", COLLAPSE, N(COLLAPSE)); }
static void test_posterolateral_points(void **s) { (void)s; check_item("posterolateral", POSTERO, N(POSTERO)); }

/* §11 claim 2: the web's "pain yes 3 / no 2 / pain-free 1" must not be followed. */
static void test_pain_not_web_claim(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "location", "rigid", "pain", "none", "bone_lesion", "blastic",
	        "alignment", "normal", "collapse", "none", "posterolateral", "none");
	T_ok(&r, 0, "stable");
	T_SCORE(&r, "sins", "location", "rigid", "pain", "occasional", "bone_lesion", "blastic",
	        "alignment", "normal", "collapse", "none", "posterolateral", "none");
	T_ok(&r, 1, "stable");
}

/* ---- §13 vectors and §1.5 worked examples ---- */
typedef struct {
	const char *id, *level, *pain, *bone, *align, *collapse, *pl;
	int total;
	const char *band;
} sins_vec;

static const sins_vec VECTORS[] = {
	{"SINS-1", "L1", "mechanical", "lytic", "deformity", "under_50", "unilateral", 13, "unstable"},
	{"SINS-2", "T7", "none", "blastic", "normal", "none", "none", 1, "stable"},
	{"SINS-3", "C5", "occasional", "mixed", "normal", "body_involved_over_50", "none", 5, "stable"},
	{"SINS-4", "T12", "mechanical", "lytic", "normal", "body_involved_over_50", "bilateral", 12, "potentially_unstable"},
	{"SINS-5", "L3", "occasional", "mixed", "normal", "under_50", "unilateral", 7, "potentially_unstable"},
	{"SINS-6", "T3", "mechanical", "lytic", "normal", "none", "none", 6, "stable"},
	{"SINS-7", "C1", "mechanical", "lytic", "subluxation", "over_50", "bilateral", 18, "unstable"},
	{"SINS-8", "S3", "none", "blastic", "normal", "none", "none", 0, "stable"},
};

static void run_vector(const sins_vec *v)
{
	sm_result r;
	T_SCORE(&r, "sins", "level", v->level, "pain", v->pain, "bone_lesion", v->bone,
	        "alignment", v->align, "collapse", v->collapse, "posterolateral", v->pl);
	T_ok(&r, v->total, v->band);
	assert_int_equal(T_sum_components(&r), v->total);
}

static void test_vector_sins1(void **s) { (void)s; run_vector(&VECTORS[0]); }
static void test_vector_sins2(void **s) { (void)s; run_vector(&VECTORS[1]); }
static void test_vector_sins3(void **s) { (void)s; run_vector(&VECTORS[2]); }
static void test_vector_sins4(void **s) { (void)s; run_vector(&VECTORS[3]); }
static void test_vector_sins5(void **s) { (void)s; run_vector(&VECTORS[4]); }
static void test_vector_sins6(void **s) { (void)s; run_vector(&VECTORS[5]); }
static void test_vector_sins7(void **s) { (void)s; run_vector(&VECTORS[6]); }
static void test_vector_sins8(void **s) { (void)s; run_vector(&VECTORS[7]); }

/* ---- §1.2 band boundaries on both sides ---- */
static void test_band_boundary_6_7(void **s)
{
	(void)s;
	sm_result r;
	/* 6: semi-rigid 1 + occasional 1 + mixed 1 + deformity 2 + body_involved 1 */
	T_SCORE(&r, "sins", "location", "semi_rigid", "pain", "occasional", "bone_lesion", "mixed",
	        "alignment", "deformity", "collapse", "body_involved_over_50", "posterolateral", "none");
	T_ok(&r, 6, "stable");
	/* 7: the same + unilateral 1 */
	T_SCORE(&r, "sins", "location", "semi_rigid", "pain", "occasional", "bone_lesion", "mixed",
	        "alignment", "deformity", "collapse", "body_involved_over_50", "posterolateral", "unilateral");
	T_ok(&r, 7, "potentially_unstable");
}

static void test_band_boundary_12_13(void **s)
{
	(void)s;
	sm_result r;
	/* 12: junctional 3 + mechanical 3 + lytic 2 + deformity 2 + under_50 2 + none 0 */
	T_SCORE(&r, "sins", "location", "junctional", "pain", "mechanical", "bone_lesion", "lytic",
	        "alignment", "deformity", "collapse", "under_50", "posterolateral", "none");
	T_ok(&r, 12, "potentially_unstable");
	/* 13: + unilateral 1 */
	T_SCORE(&r, "sins", "location", "junctional", "pain", "mechanical", "bone_lesion", "lytic",
	        "alignment", "deformity", "collapse", "under_50", "posterolateral", "unilateral");
	T_ok(&r, 13, "unstable");
}

static void test_band_extremes(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "location", "rigid", "pain", "none", "bone_lesion", "blastic",
	        "alignment", "normal", "collapse", "none", "posterolateral", "none");
	T_ok(&r, 0, "stable");
	T_SCORE(&r, "sins", "location", "junctional", "pain", "mechanical", "bone_lesion", "lytic",
	        "alignment", "subluxation", "collapse", "over_50", "posterolateral", "bilateral");
	T_ok(&r, 18, "unstable");
}

/* The band table the instrument publishes matches §1.2 / KEYS.md. */
static void test_band_table(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("sins");
	assert_int_equal(sm_instrument_band_count(in), 3);
	static const struct { int lo, hi; const char *key; } want[] = {
		{0, 6, "stable"}, {7, 12, "potentially_unstable"}, {13, 18, "unstable"}};
	for (size_t k = 0; k < 3; k++) {
		const sm_band_def *b = sm_instrument_band(in, k);
		assert_non_null(b);
		assert_int_equal(b->lo, want[k].lo);
		assert_int_equal(b->hi, want[k].hi);
		assert_string_equal(b->key, want[k].key);
		assert_non_null(b->meaning);
	}
	assert_null(sm_instrument_band(in, 3));
}

/* ---- invalid values: status invalid, error at the item, allowed words named ---- */
static void test_invalid_location(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "location", "thoracic", "pain", "none", "bone_lesion", "blastic",
	        "alignment", "normal", "collapse", "none", "posterolateral", "none");
	T_invalid(&r, "/location", "junctional", "mobile", "semi_rigid", "rigid", NULL);
	assert_false(r.band != NULL);
}

static void test_invalid_pain(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "pain", "yes");
	T_invalid(&r, "/pain", "mechanical", "occasional", "none", NULL);
}

static void test_invalid_bone_lesion(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "bone_lesion", "Lytic");
	T_invalid(&r, "/bone_lesion", "lytic", "mixed", "blastic", NULL);
}

static void test_invalid_alignment(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "alignment", "kyphosis");
	T_invalid(&r, "/alignment", "subluxation", "deformity", "normal", NULL);
}

static void test_invalid_collapse(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "collapse", "50");
	T_invalid(&r, "/collapse", "over_50", "under_50", "body_involved_over_50", "none", NULL);
}

static void test_invalid_posterolateral(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "posterolateral", "both");
	T_invalid(&r, "/posterolateral", "bilateral", "unilateral", "none", NULL);
}

static void test_invalid_is_not_scored(void **s)
{
	(void)s;
	sm_result r;
	/* everything else complete: the one bad value still makes it invalid */
	T_SCORE(&r, "sins", "level", "L1", "pain", "mechanical", "bone_lesion", "lytic",
	        "alignment", "deformity", "collapse", "under_50", "posterolateral", "one side");
	T_invalid(&r, "/posterolateral", "unilateral", NULL);
	assert_null(r.band);
}

/* ---- missing items: incomplete, exact range, band only when determined ---- */
static void test_missing_pain_range_band_determined(void **s)
{
	(void)s;
	sm_result r;
	/* others 0: pain 0..3 -> 0..3, every completion stable */
	T_SCORE(&r, "sins", "location", "rigid", "bone_lesion", "blastic", "alignment", "normal",
	        "collapse", "none", "posterolateral", "none");
	T_incomplete(&r, 0, 3, "stable");
	assert_true(T_has_missing(&r, "pain"));
	assert_int_equal(r.nmissing, 1);
	const sm_component *c = T_comp(&r, "pain");
	if (c) {
		assert_false(c->known);
		assert_int_equal(c->lo, 0);
		assert_int_equal(c->hi, 3);
	}
}

static void test_missing_pain_range_band_open(void **s)
{
	(void)s;
	sm_result r;
	/* 5 known (mobile 2 + lytic 2 + unilateral 1) + pain 0..3 -> 5..8 spans 6/7 */
	T_SCORE(&r, "sins", "location", "mobile", "bone_lesion", "lytic", "alignment", "normal",
	        "collapse", "none", "posterolateral", "unilateral");
	T_incomplete(&r, 5, 8, NULL);
	assert_true(T_has_missing(&r, "pain"));
}

static void test_missing_alignment(void **s)
{
	(void)s;
	sm_result r;
	/* 7 known (junctional 3 + mechanical 3 + unilateral 1) + alignment 0..4 -> 7..11 */
	T_SCORE(&r, "sins", "location", "junctional", "pain", "mechanical", "bone_lesion", "blastic",
	        "collapse", "none", "posterolateral", "unilateral");
	T_incomplete(&r, 7, 11, "potentially_unstable");
	assert_true(T_has_missing(&r, "alignment"));
}

static void test_missing_collapse(void **s)
{
	(void)s;
	sm_result r;
	/* 10 known + collapse 0..3 -> 10..13 spans 12/13 */
	T_SCORE(&r, "sins", "location", "junctional", "pain", "mechanical", "bone_lesion", "lytic",
	        "alignment", "deformity", "posterolateral", "none");
	T_incomplete(&r, 10, 13, NULL);
	assert_true(T_has_missing(&r, "collapse"));
}

static void test_missing_bone_lesion(void **s)
{
	(void)s;
	sm_result r;
	/* 13 known + bone 0..2 -> 13..15, all unstable */
	T_SCORE(&r, "sins", "location", "junctional", "pain", "mechanical", "alignment", "subluxation",
	        "collapse", "over_50", "posterolateral", "none");
	T_incomplete(&r, 13, 15, "unstable");
	assert_true(T_has_missing(&r, "bone_lesion"));
}

static void test_missing_posterolateral(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "location", "semi_rigid", "pain", "none", "bone_lesion", "blastic",
	        "alignment", "normal", "collapse", "none");
	T_incomplete(&r, 1, 4, "stable");
	assert_true(T_has_missing(&r, "posterolateral"));
}

static void test_missing_location_and_level(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "sins", "pain", "none", "bone_lesion", "blastic", "alignment", "normal",
	        "collapse", "none", "posterolateral", "none");
	T_incomplete(&r, 0, 3, "stable");
	assert_true(T_has_missing(&r, "location") || T_has_missing(&r, "level"));
}

static void test_missing_everything(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("sins")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 0, 18, NULL);
	assert_true(T_has_missing(&r, "location") || T_has_missing(&r, "level"));
	assert_true(T_has_missing(&r, "pain"));
	assert_true(T_has_missing(&r, "bone_lesion"));
	assert_true(T_has_missing(&r, "alignment"));
	assert_true(T_has_missing(&r, "collapse"));
	assert_true(T_has_missing(&r, "posterolateral"));
}

/* Explicitly unknown (JSON null) is the same as absent, never 0. */
static void test_unknown_is_not_zero(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "location", "mobile"), SM_OK);
	assert_int_equal(sm_input_set_unknown(&in, "pain"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "bone_lesion", "lytic"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "alignment", "normal"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "collapse", "none"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "posterolateral", "none"), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 4, 7, NULL);
	assert_true(T_has_missing(&r, "pain"));
}

/* ---- §1.3 level table: every level ---- */
static const vp LEVELS[] = {
	{"Occ", 3}, {"C1", 3}, {"C2", 3}, {"C3", 2}, {"C4", 2}, {"C5", 2}, {"C6", 2}, {"C7", 3},
	{"T1", 3}, {"T2", 3}, {"T3", 1}, {"T4", 1}, {"T5", 1}, {"T6", 1}, {"T7", 1}, {"T8", 1},
	{"T9", 1}, {"T10", 1}, {"T11", 3}, {"T12", 3}, {"L1", 3}, {"L2", 2}, {"L3", 2}, {"L4", 2},
	{"L5", 3}, {"S1", 3}, {"S2", 0}, {"S3", 0}, {"S4", 0}, {"S5", 0},
};

static const char *class_of(int pts)
{
	return pts == 3 ? "junctional" : pts == 2 ? "mobile" : pts == 1 ? "semi_rigid" : "rigid";
}

static void test_level_table_all_levels(void **s)
{
	(void)s;
	int bad = 0;
	assert_int_equal(N(LEVELS), SM_NLEVELS);
	for (size_t k = 0; k < N(LEVELS); k++) {
		sm_result r;
		T_SCORE(&r, "sins", "level", LEVELS[k].value, "pain", "none", "bone_lesion", "blastic",
		        "alignment", "normal", "collapse", "none", "posterolateral", "none");
		const sm_component *c = T_comp(&r, "location");
		if (r.status != SM_RESULT_OK || r.total != LEVELS[k].points ||
		    (c && c->points != LEVELS[k].points)) {
			print_message("MISMATCH level %s: expected %s %d (REFERENCE §1.3); got status %s total %d\n",
			              LEVELS[k].value, class_of(LEVELS[k].points), LEVELS[k].points,
			              sm_result_status_name(r.status), r.total);
			bad++;
		}
		if (r.flags & SM_FLAG_LEVEL_RANGE) {
			print_message("MISMATCH level %s: single level flagged level_range\n", LEVELS[k].value);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* §13 SINS-9 exactly as listed. */
static void test_vector_sins9_locations(void **s)
{
	(void)s;
	static const vp v9[] = {{"Occ", 3}, {"C2", 3}, {"C3", 2}, {"C6", 2}, {"C7", 3}, {"T2", 3},
	                        {"T3", 1}, {"T10", 1}, {"T11", 3}, {"L1", 3}, {"L2", 2}, {"L4", 2},
	                        {"L5", 3}, {"S1", 3}, {"S2", 0}, {"S5", 0}};
	for (size_t k = 0; k < N(v9); k++) {
		sm_result r;
		T_SCORE(&r, "sins", "level", v9[k].value, "pain", "none", "bone_lesion", "blastic",
		        "alignment", "normal", "collapse", "none", "posterolateral", "none");
		T_ok(&r, v9[k].points, "stable");
	}
}

/* Level agrees with its own location class (given both). */
static void test_level_with_matching_location(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t k = 0; k < N(LEVELS); k++) {
		sm_result r;
		T_SCORE(&r, "sins", "level", LEVELS[k].value, "location", class_of(LEVELS[k].points),
		        "pain", "none", "bone_lesion", "blastic", "alignment", "normal", "collapse", "none",
		        "posterolateral", "none");
		if (r.status != SM_RESULT_OK || r.total != LEVELS[k].points) {
			print_message("MISMATCH level %s + location %s (agree): got status %s total %d\n",
			              LEVELS[k].value, class_of(LEVELS[k].points),
			              sm_result_status_name(r.status), r.total);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* KEYS.md: level and location both given and disagreeing -> invalid. */
static void test_level_location_disagree_invalid(void **s)
{
	(void)s;
	int bad = 0;
	static const char *const classes[] = {"junctional", "mobile", "semi_rigid", "rigid"};
	for (size_t k = 0; k < N(LEVELS); k++)
		for (size_t c = 0; c < 4; c++) {
			if (strcmp(classes[c], class_of(LEVELS[k].points)) == 0)
				continue;
			sm_result r;
			T_SCORE(&r, "sins", "level", LEVELS[k].value, "location", classes[c], "pain", "none",
			        "bone_lesion", "blastic", "alignment", "normal", "collapse", "none",
			        "posterolateral", "none");
			bool path_ok = r.nerrors > 0 && (strcmp(r.errors[0].path, "/location") == 0 ||
			                                 strcmp(r.errors[0].path, "/level") == 0);
			if (r.status != SM_RESULT_INVALID || !path_ok || r.band) {
				print_message("MISMATCH level %s + location %s (disagree): expected invalid; got %s\n",
				              LEVELS[k].value, classes[c], sm_result_status_name(r.status));
				bad++;
			}
		}
	assert_int_equal(bad, 0);
}

/* §1.3 and §13 SINS-10: the coccyx is not defined by SINS; garbage is invalid. */
static void test_coccyx_and_garbage_invalid(void **s)
{
	(void)s;
	static const char *const bad_levels[] = {
		"Co1", "Co", "Cx", "coccyx", "Coccyx", "C0", "C8", "T0", "T13", "L0", "L6", "S0", "S6",
		"T", "7", "", "T7-", "-T7", "T2-T3-T4", "T2--T3", "T7 ", " T7", "t7", "occ", "OCC",
		"S5-Co1", "L5-Coccyx", "T2-X", "lumbar", "T 7", "T07",
	};
	int bad = 0;
	for (size_t k = 0; k < N(bad_levels); k++) {
		sm_result r;
		T_SCORE(&r, "sins", "level", bad_levels[k], "pain", "none", "bone_lesion", "blastic",
		        "alignment", "normal", "collapse", "none", "posterolateral", "none");
		bool ok = r.status == SM_RESULT_INVALID && r.nerrors > 0 &&
		          strcmp(r.errors[0].path, "/level") == 0 && strstr(r.errors[0].message, "Occ") &&
		          strstr(r.errors[0].message, "S5");
		if (!ok) {
			print_message("MISMATCH level \"%s\": expected invalid at /level naming Occ..S5; got %s (%s)\n",
			              bad_levels[k], sm_result_status_name(r.status),
			              r.nerrors ? r.errors[0].message : "no error");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* sm_level_parse agrees: coccyx -> SM_E_DOMAIN; every §1.3 level parses. */
static void test_level_parse_api(void **s)
{
	(void)s;
	int lo = -1, hi = -1;
	for (size_t k = 0; k < N(LEVELS); k++) {
		assert_int_equal(sm_level_parse(LEVELS[k].value, &lo, &hi), SM_OK);
		assert_int_equal(lo, (int)k);
		assert_int_equal(hi, (int)k);
		assert_string_equal(sm_level_name((int)k), LEVELS[k].value);
	}
	assert_null(sm_level_name(SM_NLEVELS));
	assert_null(sm_level_name(-1));
	assert_int_equal(sm_level_parse("Co1", &lo, &hi), SM_E_DOMAIN);
	assert_int_equal(sm_level_parse("coccyx", &lo, &hi), SM_E_DOMAIN);
	assert_int_equal(sm_level_parse("T2-T3", &lo, &hi), SM_OK);
	assert_int_equal(lo, 9);
	assert_int_equal(hi, 10);
}

/* §1.4: a range takes the highest-scoring level of those in it (flag level_range). */
static void test_level_ranges_highest(void **s)
{
	(void)s;
	static const vp ranges[] = {
		{"T2-T3", 3}, {"T10-L2", 3}, {"T3-T10", 1}, {"T4-T8", 1}, {"C3-C6", 2}, {"L2-L4", 2},
		{"S2-S5", 0}, {"C6-C7", 3}, {"C2-C3", 3}, {"T9-T10", 1}, {"T10-T11", 3}, {"L4-L5", 3},
		{"S1-S2", 3}, {"L3-S2", 3}, {"Occ-S5", 3}, {"S3-S4", 0}, {"C4-C5", 2}, {"T5-T6", 1},
		{"L2-L3", 2}, {"T7-T7", 1},
	};
	int bad = 0;
	for (size_t k = 0; k < N(ranges); k++) {
		sm_result r;
		T_SCORE(&r, "sins", "level", ranges[k].value, "pain", "none", "bone_lesion", "blastic",
		        "alignment", "normal", "collapse", "none", "posterolateral", "none");
		if (r.status != SM_RESULT_OK || r.total != ranges[k].points) {
			print_message("MISMATCH range %s: expected %d (highest-scoring level, REFERENCE §1.4); got %s total %d\n",
			              ranges[k].value, ranges[k].points, sm_result_status_name(r.status), r.total);
			bad++;
			continue;
		}
		const char *dash = strchr(ranges[k].value, '-');
		bool real_range = dash && strncmp(ranges[k].value, dash + 1, strlen(dash + 1)) != 0;
		if (real_range && !(r.flags & SM_FLAG_LEVEL_RANGE)) {
			print_message("MISMATCH range %s: flag level_range not set\n", ranges[k].value);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_level_range_with_location(void **s)
{
	(void)s;
	sm_result r;
	/* T2-T3 scores as junctional (T2): junctional agrees, semi_rigid does not */
	T_SCORE(&r, "sins", "level", "T2-T3", "location", "junctional", "pain", "none",
	        "bone_lesion", "blastic", "alignment", "normal", "collapse", "none", "posterolateral", "none");
	T_ok(&r, 3, "stable");
	T_SCORE(&r, "sins", "level", "T2-T3", "location", "semi_rigid", "pain", "none",
	        "bone_lesion", "blastic", "alignment", "normal", "collapse", "none", "posterolateral", "none");
	assert_int_equal(r.status, SM_RESULT_INVALID);
}

/* A range score feeds the total like a single level (§1.5 spans). */
static void test_level_range_total(void **s)
{
	(void)s;
	sm_result r;
	/* T10-L2 -> junctional 3; + mechanical 3 + lytic 2 + deformity 2 + under_50 2 + unilateral 1 = 13 */
	T_SCORE(&r, "sins", "level", "T10-L2", "pain", "mechanical", "bone_lesion", "lytic",
	        "alignment", "deformity", "collapse", "under_50", "posterolateral", "unilateral");
	T_ok(&r, 13, "unstable");
}

/* §0 rule 4 / §6.0: direction asserted. A higher SINS is more unstable. */
static void test_direction_and_identity(void **s)
{
	(void)s;
	const sm_instrument *in = T_inst("sins");
	assert_int_equal(sm_instrument_direction(in), SM_HIGHER_IS_WORSE);
	assert_string_equal(sm_direction_name(sm_instrument_direction(in)), "higher_is_worse");
	assert_false(sm_instrument_is_grade(in));
	assert_string_equal(sm_instrument_definition(in), "fisher-2010");
	const char *cit = sm_instrument_citation(in);
	assert_non_null(cit);
	assert_non_null(strstr(cit, "Fisher"));
	assert_non_null(strstr(cit, "2010"));
	assert_non_null(strstr(cit, "10.1097/BRS.0b013e3181e16ae2"));
	static const char *const keys[] = {"level", "location", "pain", "bone_lesion", "alignment",
	                                   "collapse", "posterolateral"};
	for (size_t k = 0; k < N(keys); k++)
		if (!sm_instrument_item_find(in, keys[k], NULL))
			fail_msg("KEYS.md item %s missing from sins", keys[k]);
}

/* The result is higher for a worse lesion: monotone in every item. */
static void test_direction_monotone(void **s)
{
	(void)s;
	sm_result a, b;
	T_SCORE(&a, "sins", "location", "mobile", "pain", "occasional", "bone_lesion", "mixed",
	        "alignment", "normal", "collapse", "none", "posterolateral", "none");
	T_SCORE(&b, "sins", "location", "mobile", "pain", "mechanical", "bone_lesion", "mixed",
	        "alignment", "normal", "collapse", "none", "posterolateral", "none");
	assert_int_equal(a.status, SM_RESULT_OK);
	assert_int_equal(b.status, SM_RESULT_OK);
	assert_true(b.total > a.total);
}

/* ---- exhaustive property test: all 4 x 3 x 3 x 3 x 4 x 3 = 1,296 combinations ---- */
static void test_exhaustive_1296(void **s)
{
	(void)s;
	int bad = 0, n = 0;
	for (size_t a = 0; a < N(LOCATION); a++)
	for (size_t b = 0; b < N(PAIN); b++)
	for (size_t c = 0; c < N(BONE); c++)
	for (size_t d = 0; d < N(ALIGN); d++)
	for (size_t e = 0; e < N(COLLAPSE); e++)
	for (size_t f = 0; f < N(POSTERO); f++) {
		int want = LOCATION[a].points + PAIN[b].points + BONE[c].points + ALIGN[d].points +
		           COLLAPSE[e].points + POSTERO[f].points;
		sm_result r;
		T_SCORE(&r, "sins", "location", LOCATION[a].value, "pain", PAIN[b].value,
		        "bone_lesion", BONE[c].value, "alignment", ALIGN[d].value,
		        "collapse", COLLAPSE[e].value, "posterolateral", POSTERO[f].value);
		n++;
		const char *wb = ref_band(want);
		bool ok = r.status == SM_RESULT_OK && r.has_total && r.total == want && r.lo == want &&
		          r.hi == want && r.total >= 0 && r.total <= 18 && r.band &&
		          strcmp(r.band, wb) == 0 && T_sum_components(&r) == r.total &&
		          r.nmissing == 0 && r.nerrors == 0;
		/* the band agrees with the total per the instrument's own band table too */
		if (ok) {
			bool in_band = false;
			const sm_instrument *in = T_inst("sins");
			for (size_t k = 0; k < sm_instrument_band_count(in); k++) {
				const sm_band_def *bd = sm_instrument_band(in, k);
				if (r.total >= bd->lo && r.total <= bd->hi && strcmp(bd->key, r.band) == 0)
					in_band = true;
			}
			ok = in_band;
		}
		if (!ok) {
			if (bad < 20)
				print_message("MISMATCH %s/%s/%s/%s/%s/%s: expected %d %s; got %s %d %s (components sum %d)\n",
				              LOCATION[a].value, PAIN[b].value, BONE[c].value, ALIGN[d].value,
				              COLLAPSE[e].value, POSTERO[f].value, want, wb,
				              sm_result_status_name(r.status), r.total, r.band ? r.band : "-",
				              T_sum_components(&r));
			bad++;
		}
	}
	assert_int_equal(n, 1296);
	assert_int_equal(bad, 0);
}

/* Exhaustive with one item missing: the range is exactly the min..max of the
** completions, and a band is given only when every completion shares it. */
static void test_exhaustive_one_missing(void **s)
{
	(void)s;
	static const struct { const char *key; const vp *t; size_t n; } items[] = {
		{"location", LOCATION, N(LOCATION)}, {"pain", PAIN, N(PAIN)}, {"bone_lesion", BONE, N(BONE)},
		{"alignment", ALIGN, N(ALIGN)}, {"collapse", COLLAPSE, N(COLLAPSE)},
		{"posterolateral", POSTERO, N(POSTERO)},
	};
	int bad = 0;
	size_t idx[6];
	for (size_t miss = 0; miss < 6; miss++) {
		size_t total_combos = 1;
		for (size_t k = 0; k < 6; k++)
			total_combos *= items[k].n;
		for (size_t code = 0; code < total_combos; code++) {
			size_t x = code;
			for (size_t k = 0; k < 6; k++) {
				idx[k] = x % items[k].n;
				x /= items[k].n;
			}
			if (idx[miss] != 0)
				continue; /* enumerate each partial input once */
			const char *kv[13];
			size_t m = 0;
			int known = 0;
			for (size_t k = 0; k < 6; k++) {
				if (k == miss)
					continue;
				kv[m++] = items[k].key;
				kv[m++] = items[k].t[idx[k]].value;
				known += items[k].t[idx[k]].points;
			}
			kv[m] = NULL;
			int mn = 99, mx = -1;
			for (size_t v = 0; v < items[miss].n; v++) {
				int p = items[miss].t[v].points;
				mn = p < mn ? p : mn;
				mx = p > mx ? p : mx;
			}
			int lo = known + mn, hi = known + mx;
			const char *band = strcmp(ref_band(lo), ref_band(hi)) == 0 ? ref_band(lo) : NULL;
			sm_result r;
			T_score_a(&r, "sins", kv);
			bool ok = r.status == SM_RESULT_INCOMPLETE && r.lo == lo && r.hi == hi &&
			          (band ? (r.band && strcmp(r.band, band) == 0) : r.band == NULL) &&
			          (T_has_missing(&r, items[miss].key) ||
			           (miss == 0 && T_has_missing(&r, "level")));
			if (!ok) {
				if (bad < 20)
					print_message("MISMATCH missing %s, known %d: expected %d..%d band %s; got %s %d..%d band %s\n",
					              items[miss].key, known, lo, hi, band ? band : "(none)",
					              sm_result_status_name(r.status), r.lo, r.hi, r.band ? r.band : "(none)");
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_location_points),
		cmocka_unit_test(test_pain_points),
		cmocka_unit_test(test_bone_lesion_points),
		cmocka_unit_test(test_alignment_points),
		cmocka_unit_test(test_collapse_points),
		cmocka_unit_test(test_posterolateral_points),
		cmocka_unit_test(test_pain_not_web_claim),
		cmocka_unit_test(test_vector_sins1),
		cmocka_unit_test(test_vector_sins2),
		cmocka_unit_test(test_vector_sins3),
		cmocka_unit_test(test_vector_sins4),
		cmocka_unit_test(test_vector_sins5),
		cmocka_unit_test(test_vector_sins6),
		cmocka_unit_test(test_vector_sins7),
		cmocka_unit_test(test_vector_sins8),
		cmocka_unit_test(test_band_boundary_6_7),
		cmocka_unit_test(test_band_boundary_12_13),
		cmocka_unit_test(test_band_extremes),
		cmocka_unit_test(test_band_table),
		cmocka_unit_test(test_invalid_location),
		cmocka_unit_test(test_invalid_pain),
		cmocka_unit_test(test_invalid_bone_lesion),
		cmocka_unit_test(test_invalid_alignment),
		cmocka_unit_test(test_invalid_collapse),
		cmocka_unit_test(test_invalid_posterolateral),
		cmocka_unit_test(test_invalid_is_not_scored),
		cmocka_unit_test(test_missing_pain_range_band_determined),
		cmocka_unit_test(test_missing_pain_range_band_open),
		cmocka_unit_test(test_missing_alignment),
		cmocka_unit_test(test_missing_collapse),
		cmocka_unit_test(test_missing_bone_lesion),
		cmocka_unit_test(test_missing_posterolateral),
		cmocka_unit_test(test_missing_location_and_level),
		cmocka_unit_test(test_missing_everything),
		cmocka_unit_test(test_unknown_is_not_zero),
		cmocka_unit_test(test_level_table_all_levels),
		cmocka_unit_test(test_vector_sins9_locations),
		cmocka_unit_test(test_level_with_matching_location),
		cmocka_unit_test(test_level_location_disagree_invalid),
		cmocka_unit_test(test_coccyx_and_garbage_invalid),
		cmocka_unit_test(test_level_parse_api),
		cmocka_unit_test(test_level_ranges_highest),
		cmocka_unit_test(test_level_range_with_location),
		cmocka_unit_test(test_level_range_total),
		cmocka_unit_test(test_direction_and_identity),
		cmocka_unit_test(test_direction_monotone),
		cmocka_unit_test(test_exhaustive_1296),
		cmocka_unit_test(test_exhaustive_one_missing),
	};
	SM_RUN_SUITE("sins", tests);
}
