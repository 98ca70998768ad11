/*
** test_bauer.c: Bauer (1995) and modified Bauer (Leithner 2008), REFERENCE §6.3
** and §13 BAU-1..4; KEYS.md `bauer`, `bauer_modified`. One point per
** favourable factor: no visceral metastases; no pathological fracture
** (original only); solitary skeletal metastasis; primary not lung; primary
** breast, kidney, lymphoma or myeloma (items 4 and 5 independent). Bands:
** bauer 0-1 poor / 2-3 moderate / 4-5 good; modified 0-1 poor / 2 moderate /
** 3-4 good. Higher is better. Includes an exhaustive property test over every
** histology key x visceral x fracture x skeletal.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

/* §6.3 primary points (item 4 "not lung" + item 5 "breast/kidney/lymphoma/
** myeloma") for every KEYS.md §3 key, typed in from the reference. `alt` is a
** second accepted value where the reference does not settle the key (it must
** then carry the flag catalogue_default); `open` accepts an incomplete result
** with the primary items left open as the range 0..2 (rule 2: an unknown
** primary may still be lung or a favourable histology). */
typedef struct { const char *key; int pts; int alt; bool open; } hp;
static const hp PRIMARY[] = {
	{"breast", 2, -1, false}, {"lung_nsclc", 0, -1, false}, {"lung_sclc", 0, -1, false},
	{"lung", 0, -1, false}, {"prostate", 1, -1, false}, {"kidney", 2, -1, false},
	{"thyroid", 1, -1, false}, {"colon", 1, -1, false}, {"rectum", 1, -1, false},
	{"stomach", 1, -1, false}, {"oesophagus", 1, -1, false}, {"pancreas", 1, -1, false},
	{"liver", 1, -1, false}, {"gallbladder", 1, -1, false}, {"bladder", 1, -1, false},
	{"uterus", 1, -1, false}, {"cervix", 1, -1, false}, {"ovary", 1, -1, false},
	{"head_neck", 1, -1, false}, {"melanoma", 1, -1, false},
	{"soft_tissue_sarcoma", 1, -1, false}, {"osteosarcoma", 1, -1, false},
	{"myeloma", 2, -1, false},
	{"plasmacytoma", 1, 2, false}, /* myeloma family? not named by Bauer */
	{"lymphoma", 2, -1, false}, {"leukaemia", 1, -1, false}, {"seminoma", 1, -1, false},
	{"germ_cell_nonseminoma", 1, -1, false}, {"neuroendocrine", 1, -1, false},
	{"carcinoid", 1, -1, false}, {"neuroblastoma", 1, -1, false},
	{"ewing_sarcoma", 1, -1, false}, {"rhabdomyosarcoma", 1, -1, false},
	{"wilms", 1, 2, false}, /* a kidney cancer, but Bauer's "kidney" is renal cell */
	{"medulloblastoma", 1, -1, false}, {"retinoblastoma", 1, -1, false},
	{"teratoma", 1, -1, false}, {"other", 1, -1, false},
	{"unknown", 1, 0, true}, /* not known to be lung: the reference does not settle it */
};
static bool primary_ok(const hp *h, int got) { return got == h->pts || (h->alt >= 0 && got == h->alt); }

static const char *band_bauer(int t) { return t <= 1 ? "poor" : t <= 3 ? "moderate" : "good"; }
static const char *band_mod(int t) { return t <= 1 ? "poor" : t == 2 ? "moderate" : "good"; }

/* ---- §13 vectors, both scores ---- */
static void test_vector_bau1(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "breast", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 5, "good");
	T_SCORE(&r, "bauer_modified", "primary", "breast", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 4, "good");
}
static void test_vector_bau2(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "true",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 0, "poor");
	T_SCORE(&r, "bauer_modified", "primary", "lung", "visceral_metastases", "true",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 0, "poor");
}
static void test_vector_bau3(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 2, "moderate");
	T_SCORE(&r, "bauer_modified", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 2, "moderate");
}
static void test_vector_bau4(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "kidney", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 4, "good");
	/* §6.10 worked example: renal cell, no visceral, multiple -> 3, good */
	T_SCORE(&r, "bauer_modified", "primary", "kidney", "visceral_metastases", "false",
	        "skeletal_metastases", "multiple");
	T_ok(&r, 3, "good");
}

/* ---- item points ---- */
static void test_visceral_points(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "false",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 1, "poor");
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "true",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 0, "poor");
}
static void test_fracture_points(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "true",
	        "pathological_fracture", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 1, "poor");
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "true",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 0, "poor");
}
static void test_skeletal_points(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "true",
	        "pathological_fracture", "true", "skeletal_metastases", "solitary");
	T_ok(&r, 1, "poor");
	T_SCORE(&r, "bauer_modified", "primary", "lung", "visceral_metastases", "true",
	        "skeletal_metastases", "solitary");
	T_ok(&r, 1, "poor");
}

/* §6.3 note: items 4 and 5 independent: breast 2, prostate 1, lung 0. */
static void test_primary_items_independent(void **s)
{
	(void)s;
	static const struct { const char *k; int p; } v[] = {
		{"breast", 2}, {"kidney", 2}, {"lymphoma", 2}, {"myeloma", 2}, {"prostate", 1},
		{"lung_nsclc", 0}, {"lung_sclc", 0}, {"lung", 0}};
	for (size_t j = 0; j < N(v); j++) {
		sm_result r;
		T_SCORE(&r, "bauer_modified", "primary", v[j].k, "visceral_metastases", "true",
		        "skeletal_metastases", "multiple");
		if (r.status != SM_RESULT_OK || r.total != v[j].p)
			fail_msg("bauer_modified primary %s: expected %d (REFERENCE §6.3), got %s %d", v[j].k, v[j].p,
			         sm_result_status_name(r.status), r.total);
	}
}

/* Modified Bauer drops the fracture item: it is ignored, not missing. */
static void test_modified_ignores_fracture(void **s)
{
	(void)s;
	sm_result a, b, c;
	T_SCORE(&a, "bauer_modified", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "true", "skeletal_metastases", "solitary");
	T_SCORE(&b, "bauer_modified", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "solitary");
	T_SCORE(&c, "bauer_modified", "primary", "prostate", "visceral_metastases", "false",
	        "skeletal_metastases", "solitary");
	T_ok(&a, 3, "good");
	T_ok(&b, 3, "good");
	T_ok(&c, 3, "good");
	assert_false(T_has_missing(&c, "pathological_fracture"));
}

/* ---- bands ---- */
static void test_bauer_band_boundary_1_2(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "false",
	        "pathological_fracture", "true", "skeletal_metastases", "multiple");
	T_ok(&r, 1, "poor");
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 2, "moderate");
}
static void test_bauer_band_boundary_3_4(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "multiple");
	T_ok(&r, 3, "moderate");
	T_SCORE(&r, "bauer", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "solitary");
	T_ok(&r, 4, "good");
}
static void test_modified_band_boundary_1_2(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer_modified", "primary", "prostate", "visceral_metastases", "true",
	        "skeletal_metastases", "multiple");
	T_ok(&r, 1, "poor");
	T_SCORE(&r, "bauer_modified", "primary", "prostate", "visceral_metastases", "false",
	        "skeletal_metastases", "multiple");
	T_ok(&r, 2, "moderate");
}
static void test_modified_band_boundary_2_3(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer_modified", "primary", "prostate", "visceral_metastases", "true",
	        "skeletal_metastases", "solitary");
	T_ok(&r, 2, "moderate");
	T_SCORE(&r, "bauer_modified", "primary", "prostate", "visceral_metastases", "false",
	        "skeletal_metastases", "solitary");
	T_ok(&r, 3, "good");
}

static void check_bands(const char *name, const int (*want)[2], const char *const *keys, size_t n)
{
	const sm_instrument *in = T_inst(name);
	assert_int_equal(sm_instrument_band_count(in), n);
	for (size_t k = 0; k < n; k++) {
		const sm_band_def *b = sm_instrument_band(in, k);
		assert_int_equal(b->lo, want[k][0]);
		assert_int_equal(b->hi, want[k][1]);
		assert_string_equal(b->key, keys[k]);
	}
}
static void test_band_tables(void **s)
{
	(void)s;
	static const int wb[3][2] = {{0, 1}, {2, 3}, {4, 5}};
	static const int wm[3][2] = {{0, 1}, {2, 2}, {3, 4}};
	static const char *const keys[] = {"poor", "moderate", "good"};
	check_bands("bauer", wb, keys, 3);
	check_bands("bauer_modified", wm, keys, 3);
}

/* ---- invalid ---- */
static void test_invalid_skeletal(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "breast", "visceral_metastases", "false",
	        "pathological_fracture", "false", "skeletal_metastases", "many");
	T_invalid(&r, "/skeletal_metastases", "solitary", "multiple", NULL);
	T_SCORE(&r, "bauer_modified", "skeletal_metastases", "single");
	T_invalid(&r, "/skeletal_metastases", "solitary", "multiple", NULL);
}
static void test_invalid_visceral_type(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "visceral_metastases", "present");
	T_invalid(&r, "/visceral_metastases", "true", "false", NULL);
	T_SCORE(&r, "bauer", "pathological_fracture", "yes please");
	T_invalid(&r, "/pathological_fracture", "true", "false", NULL);
}
static void test_invalid_primary(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "renal_cell");
	T_invalid(&r, "/primary", "kidney", NULL);
	T_SCORE(&r, "bauer_modified", "primary", "");
	T_invalid(&r, "/primary", NULL);
}

/* ---- missing ---- */
static void test_missing_primary(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "visceral_metastases", "true", "pathological_fracture", "true",
	        "skeletal_metastases", "multiple");
	T_incomplete(&r, 0, 2, NULL);
	assert_true(T_has_missing(&r, "primary"));
	T_SCORE(&r, "bauer_modified", "visceral_metastases", "false", "skeletal_metastases", "solitary");
	T_incomplete(&r, 2, 4, NULL);
	assert_true(T_has_missing(&r, "primary"));
	T_SCORE(&r, "bauer", "visceral_metastases", "false", "pathological_fracture", "false",
	        "skeletal_metastases", "solitary");
	T_incomplete(&r, 3, 5, NULL);
}
static void test_missing_visceral(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "breast", "pathological_fracture", "false",
	        "skeletal_metastases", "solitary");
	T_incomplete(&r, 4, 5, "good");
	assert_true(T_has_missing(&r, "visceral_metastases"));
	T_SCORE(&r, "bauer_modified", "primary", "prostate", "skeletal_metastases", "multiple");
	T_incomplete(&r, 1, 2, NULL);
	assert_true(T_has_missing(&r, "visceral_metastases"));
}
static void test_missing_fracture_bauer_only(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "true", "skeletal_metastases", "multiple");
	T_incomplete(&r, 0, 1, "poor");
	assert_true(T_has_missing(&r, "pathological_fracture"));
	T_SCORE(&r, "bauer", "primary", "lung", "visceral_metastases", "false", "skeletal_metastases", "multiple");
	T_incomplete(&r, 1, 2, NULL);
}
static void test_missing_skeletal(void **s)
{
	(void)s;
	sm_result r;
	T_SCORE(&r, "bauer", "primary", "prostate", "visceral_metastases", "false",
	        "pathological_fracture", "false");
	T_incomplete(&r, 3, 4, NULL);
	assert_true(T_has_missing(&r, "skeletal_metastases"));
	T_SCORE(&r, "bauer_modified", "primary", "breast", "visceral_metastases", "false");
	T_incomplete(&r, 3, 4, "good");
	assert_true(T_has_missing(&r, "skeletal_metastases"));
}
static void test_missing_everything(void **s)
{
	(void)s;
	sm_result r;
	sm_input in;
	assert_int_equal(sm_input_init(&in, T_inst("bauer")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 0, 5, NULL);
	assert_int_equal(sm_input_init(&in, T_inst("bauer_modified")), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	T_incomplete(&r, 0, 4, NULL);
	assert_false(T_has_missing(&r, "pathological_fracture"));
}

/* ---- identity and direction (§6.0: higher is better for both) ---- */
static void test_direction_and_identity(void **s)
{
	(void)s;
	const sm_instrument *b = T_inst("bauer"), *m = T_inst("bauer_modified");
	assert_int_equal(sm_instrument_direction(b), SM_HIGHER_IS_BETTER);
	assert_int_equal(sm_instrument_direction(m), SM_HIGHER_IS_BETTER);
	assert_non_null(strstr(sm_instrument_definition(b), "1995"));
	assert_non_null(strstr(sm_instrument_definition(m), "2008"));
	assert_non_null(strstr(sm_instrument_citation(b), "Bauer"));
	assert_non_null(strstr(sm_instrument_citation(b), "10.3109/17453679508995508"));
	assert_non_null(strstr(sm_instrument_citation(m), "Leithner"));
	assert_non_null(strstr(sm_instrument_citation(m), "10.1007/s00586-008-0763-1"));
	static const char *const keys[] = {"primary", "visceral_metastases", "pathological_fracture",
	                                   "skeletal_metastases"};
	for (size_t k = 0; k < N(keys); k++)
		if (!sm_instrument_item_find(b, keys[k], NULL))
			fail_msg("KEYS.md item %s missing from bauer", keys[k]);
}

/* ---- exhaustive property test: every histology x visceral x fracture x skeletal ---- */
static void exhaustive(const char *name, bool modified)
{
	static const char *const tf[] = {"false", "true"};
	static const char *const sk[] = {"solitary", "multiple"};
	int bad = 0, n = 0;
	assert_int_equal(N(PRIMARY), 39);
	for (size_t h = 0; h < N(PRIMARY); h++)
	for (int v = 0; v < 2; v++)
	for (int f = 0; f < 2; f++)
	for (int k = 0; k < 2; k++) {
		sm_result r;
		T_SCORE(&r, name, "primary", PRIMARY[h].key, "visceral_metastases", tf[v],
		        "pathological_fracture", tf[f], "skeletal_metastases", sk[k]);
		n++;
		/* favourable factors: no visceral, no fracture (original only), solitary */
		int rest = (v ? 0 : 1) + (modified ? 0 : (f ? 0 : 1)) + (k == 0 ? 1 : 0);
		int maxv = modified ? 4 : 5;
		const char *band = r.status == SM_RESULT_OK ? (modified ? band_mod(r.total) : band_bauer(r.total)) : NULL;
		bool ok = r.status == SM_RESULT_OK && r.has_total && r.total >= 0 && r.total <= maxv &&
		          primary_ok(&PRIMARY[h], r.total - rest) && r.band && band &&
		          strcmp(r.band, band) == 0 && T_sum_components(&r) == r.total && r.nmissing == 0;
		/* the band agrees with the instrument's own band table too */
		if (ok) {
			const sm_instrument *in = T_inst(name);
			bool in_band = false;
			for (size_t j = 0; j < sm_instrument_band_count(in); j++) {
				const sm_band_def *bd = sm_instrument_band(in, j);
				if (r.total >= bd->lo && r.total <= bd->hi && strcmp(bd->key, r.band) == 0)
					in_band = true;
			}
			ok = in_band;
		}
		/* the open reading of an unknown primary: incomplete, primary items 0..2 */
		if (!ok && PRIMARY[h].open && r.status == SM_RESULT_INCOMPLETE && r.lo == rest &&
		    r.hi == rest + 2) {
			const char *blo = modified ? band_mod(rest) : band_bauer(rest);
			const char *bhi = modified ? band_mod(rest + 2) : band_bauer(rest + 2);
			bool same = strcmp(blo, bhi) == 0;
			ok = same ? (r.band && strcmp(r.band, blo) == 0) : r.band == NULL;
		}
		/* an alternative reading must be flagged as an implementation default */
		if (ok && r.status == SM_RESULT_OK && PRIMARY[h].alt >= 0 && r.total - rest != PRIMARY[h].pts &&
		    !(r.flags & SM_FLAG_CATALOGUE_DEFAULT))
			ok = false;
		if (!ok) {
			if (bad < 20)
				print_message("MISMATCH %s %s visceral=%s fracture=%s %s: expected %d + primary %d; got %s %d %s (components %d)\n",
				              name, PRIMARY[h].key, tf[v], tf[f], sk[k], rest, PRIMARY[h].pts,
				              sm_result_status_name(r.status), r.total, r.band ? r.band : "-",
				              T_sum_components(&r));
			bad++;
		}
	}
	assert_int_equal(n, 39 * 8);
	assert_int_equal(bad, 0);
}
static void test_exhaustive_bauer(void **s) { (void)s; exhaustive("bauer", false); }
static void test_exhaustive_bauer_modified(void **s) { (void)s; exhaustive("bauer_modified", true); }

/* Modified Bauer = Bauer without the fracture item, for every combination. */
static void test_exhaustive_modified_equals_bauer_minus_fracture(void **s)
{
	(void)s;
	static const char *const tf[] = {"false", "true"};
	static const char *const sk[] = {"solitary", "multiple"};
	int bad = 0;
	for (size_t h = 0; h < N(PRIMARY); h++)
	for (int v = 0; v < 2; v++)
	for (int f = 0; f < 2; f++)
	for (int k = 0; k < 2; k++) {
		sm_result a, b;
		T_SCORE(&a, "bauer", "primary", PRIMARY[h].key, "visceral_metastases", tf[v],
		        "pathological_fracture", tf[f], "skeletal_metastases", sk[k]);
		T_SCORE(&b, "bauer_modified", "primary", PRIMARY[h].key, "visceral_metastases", tf[v],
		        "pathological_fracture", tf[f], "skeletal_metastases", sk[k]);
		int d = f ? 0 : 1;
		if (a.status != b.status || a.lo - d != b.lo || a.hi - d != b.hi) {
			print_message("MISMATCH %s: bauer %d..%d, modified %d..%d, fracture %s\n", PRIMARY[h].key,
			              a.lo, a.hi, b.lo, b.hi, tf[f]);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_bau1),
		cmocka_unit_test(test_vector_bau2),
		cmocka_unit_test(test_vector_bau3),
		cmocka_unit_test(test_vector_bau4),
		cmocka_unit_test(test_visceral_points),
		cmocka_unit_test(test_fracture_points),
		cmocka_unit_test(test_skeletal_points),
		cmocka_unit_test(test_primary_items_independent),
		cmocka_unit_test(test_modified_ignores_fracture),
		cmocka_unit_test(test_bauer_band_boundary_1_2),
		cmocka_unit_test(test_bauer_band_boundary_3_4),
		cmocka_unit_test(test_modified_band_boundary_1_2),
		cmocka_unit_test(test_modified_band_boundary_2_3),
		cmocka_unit_test(test_band_tables),
		cmocka_unit_test(test_invalid_skeletal),
		cmocka_unit_test(test_invalid_visceral_type),
		cmocka_unit_test(test_invalid_primary),
		cmocka_unit_test(test_missing_primary),
		cmocka_unit_test(test_missing_visceral),
		cmocka_unit_test(test_missing_fracture_bauer_only),
		cmocka_unit_test(test_missing_skeletal),
		cmocka_unit_test(test_missing_everything),
		cmocka_unit_test(test_direction_and_identity),
		cmocka_unit_test(test_exhaustive_bauer),
		cmocka_unit_test(test_exhaustive_bauer_modified),
		cmocka_unit_test(test_exhaustive_modified_equals_bauer_minus_fracture),
	};
	SM_RUN_SUITE("bauer", tests);
}
