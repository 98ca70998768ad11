/*
** test_engine.c: the engine around the instruments, written from KEYS.md,
** REFERENCE.md and the contract in spinemets.h: status words and
** sm_strerror for every code; the registry (KEYS.md §1 names, items, bands;
** definition, citation and direction per REFERENCE §6.0); input setters
** (unknown keys, wrong types, out-of-domain values with the error path and a
** message naming the allowed values, duplicates, explicit unknowns);
** sm_input_set_parsed for CSV-like text; JSON-pointer escaping of odd keys;
** the histology catalogue (every KEYS.md §3 key exactly once; attributes per
** REFERENCE §6.1, §6.2/§14, §6.3, §6.6, §3.2/§14 radiosensitivity, §7.4 Patchell).
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "spinemets.h"

/* ============================ status words ============================ */
static void test_status_codes_stable(void **s)
{
	(void)s;
	/* "the list only ever grows; numbers are never reused" */
	assert_int_equal(SM_OK, 0);
	assert_int_equal(SM_E_UNKNOWN_INSTRUMENT, 1);
	assert_int_equal(SM_E_UNKNOWN_ITEM, 2);
	assert_int_equal(SM_E_TYPE, 3);
	assert_int_equal(SM_E_DOMAIN, 4);
	assert_int_equal(SM_E_CONFLICT, 5);
	assert_int_equal(SM_E_TOO_MANY, 6);
	assert_int_equal(SM_E_ARGUMENT, 7);
	assert_int_equal(SM_E_DUPLICATE, 8);
	assert_int_equal(SM_E_SYNTAX, 9);
	assert_int_equal(SM_E_NOMEM, 10);
	assert_int_equal(SM_E_IO, 11);
}

static void test_strerror_every_code(void **s)
{
	(void)s;
	const char *msgs[12];
	for (int k = 0; k <= 11; k++) {
		msgs[k] = sm_strerror((sm_status)k);
		assert_non_null(msgs[k]);
		assert_true(strlen(msgs[k]) > 0);
		for (int j = 0; j < k; j++)
			if (strcmp(msgs[j], msgs[k]) == 0)
				fail_msg("sm_strerror(%d) and sm_strerror(%d) are the same: %s", j, k, msgs[k]);
	}
	/* codes beyond the list still get a sentence, never NULL */
	assert_non_null(sm_strerror((sm_status)12));
	assert_non_null(sm_strerror((sm_status)999));
	assert_non_null(sm_strerror((sm_status)-1));
	assert_true(strlen(sm_strerror((sm_status)999)) > 0);
}

static void test_result_status_names(void **s)
{
	(void)s;
	assert_string_equal(sm_result_status_name(SM_RESULT_OK), "ok");
	assert_string_equal(sm_result_status_name(SM_RESULT_INCOMPLETE), "incomplete");
	assert_string_equal(sm_result_status_name(SM_RESULT_INVALID), "invalid");
	assert_non_null(sm_result_status_name((sm_result_status)42));
}

static void test_direction_names(void **s)
{
	(void)s;
	assert_string_equal(sm_direction_name(SM_HIGHER_IS_BETTER), "higher_is_better");
	assert_string_equal(sm_direction_name(SM_HIGHER_IS_WORSE), "higher_is_worse");
	assert_non_null(sm_direction_name(SM_DIRECTION_NONE));
}

static void test_flag_names(void **s)
{
	(void)s;
	static const struct { unsigned bit; const char *name; } f[] = {
		{SM_FLAG_CONVERTED, "converted"}, {SM_FLAG_VERIFY_PENDING, "verify_pending"},
		{SM_FLAG_CAPPED, "capped"}, {SM_FLAG_CATALOGUE_DEFAULT, "catalogue_default"},
		{SM_FLAG_LEVEL_RANGE, "level_range"},
		{SM_FLAG_NOT_VALIDATED_IN_CHILDREN, "not_validated_in_children"}};
	assert_int_equal(N(f), SM_NFLAGS);
	for (size_t k = 0; k < N(f); k++) {
		unsigned idx = 0;
		while ((1u << idx) != f[k].bit)
			idx++;
		assert_non_null(sm_flag_name(idx));
		assert_string_equal(sm_flag_name(idx), f[k].name);
	}
	assert_null(sm_flag_name(SM_NFLAGS));
	assert_null(sm_flag_name(1000));
}

static void test_item_type_names(void **s)
{
	(void)s;
	for (int t = SM_T_ENUM; t <= SM_T_LEVEL; t++) {
		assert_non_null(sm_item_type_name((sm_item_type)t));
		assert_true(strlen(sm_item_type_name((sm_item_type)t)) > 0);
	}
}

/* ============================== registry ============================== */
/* KEYS.md §1, in its order; §6.0 directions; first author and year of the primary source. */
typedef struct {
	const char *name;
	sm_direction dir;
	bool grade;
	const char *author, *year;
	const char *items[16];
	const char *bands[5];
} inst_spec;

static const inst_spec SPEC[] = {
	{"sins", SM_HIGHER_IS_WORSE, false, "Fisher", "2010",
	 {"level", "location", "pain", "bone_lesion", "alignment", "collapse", "posterolateral"},
	 {"stable", "potentially_unstable", "unstable"}},
	{"escc", SM_DIRECTION_NONE, true, "Bilsky", "2010", {"grade"}, {"low", "indeterminate", "high"}},
	{"frankel", SM_DIRECTION_NONE, true, "Frankel", "1969", {"grade"}, {"complete", "incomplete", "none"}},
	{"asia", SM_DIRECTION_NONE, true, "ISNCSCI", "20",
	 {"sensory_s4_s5", "voluntary_anal_contraction", "motor_more_than_3_below", "key_muscles_below_nli",
	  "key_muscles_grade3_below_nli", "normal_exam", "prior_deficit"},
	 {"not_applicable"}},
	{"tokuhashi_revised", SM_HIGHER_IS_BETTER, false, "Tokuhashi", "2005",
	 {"kps", "ecog", "extraspinal_bone_metastases", "vertebral_body_metastases", "major_organ_metastases",
	  "primary", "frankel"},
	 {"lt_6_months", "ge_6_months", "ge_12_months"}},
	{"tomita", SM_HIGHER_IS_WORSE, false, "Tomita", "2001",
	 {"primary", "growth", "visceral_metastases", "bone_metastases"},
	 {"wide_or_marginal_excision", "marginal_or_intralesional_excision", "palliative_surgery", "supportive_care"}},
	{"bauer", SM_HIGHER_IS_BETTER, false, "Bauer", "1995",
	 {"primary", "visceral_metastases", "pathological_fracture", "skeletal_metastases"},
	 {"poor", "moderate", "good"}},
	{"bauer_modified", SM_HIGHER_IS_BETTER, false, "Leithner", "2008",
	 {"primary", "visceral_metastases", "skeletal_metastases"}, {"poor", "moderate", "good"}},
	{"nesms", SM_HIGHER_IS_BETTER, false, "Ghori", "2015",
	 {"modified_bauer", "ambulatory", "albumin_g_dl", "albumin_g_l"}, {"0", "1", "2", "3"}},
	{"katagiri", SM_HIGHER_IS_WORSE, false, "Katagiri", "2014",
	 {"primary", "hormone_dependent", "targeted_therapy", "visceral_metastases", "labs", "crp_mg_dl",
	  "ldh_iu_l", "albumin_g_dl", "platelets_per_ul", "calcium_mg_dl", "bilirubin_mg_dl", "ecog", "kps",
	  "previous_chemotherapy", "skeletal_metastases"},
	 {"low", "intermediate", "high"}},
};

static void test_registry_names_and_order(void **s)
{
	(void)s;
	assert_int_equal(sm_instrument_count(), N(SPEC));
	for (size_t k = 0; k < N(SPEC); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		assert_non_null(in);
		assert_string_equal(sm_instrument_name(in), SPEC[k].name);
		assert_ptr_equal(sm_instrument_find(SPEC[k].name), in);
	}
	assert_null(sm_instrument_at(N(SPEC)));
	assert_null(sm_instrument_at((size_t)-1));
	assert_null(sm_instrument_find("SINS"));
	assert_null(sm_instrument_find("sins "));
	assert_null(sm_instrument_find(""));
	assert_null(sm_instrument_find("tokuhashi"));
	assert_null(sm_instrument_find("osri"));
	assert_null(sm_instrument_find(NULL));
}

/* REFERENCE §6.0 (and §0 rule 4): every instrument has a definition, a citation and a direction. */
static void test_registry_definition_citation_direction(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t k = 0; k < N(SPEC); k++) {
		const sm_instrument *in = sm_instrument_find(SPEC[k].name);
		const char *def = sm_instrument_definition(in), *cit = sm_instrument_citation(in);
		const char *title = sm_instrument_title(in), *ref = sm_instrument_reference(in);
		bool ok = def && *def && cit && *cit && title && *title && ref && strstr(ref, "REFERENCE") &&
		          strstr(def, SPEC[k].year) && strstr(cit, SPEC[k].author) &&
		          sm_instrument_direction(in) == SPEC[k].dir && sm_instrument_is_grade(in) == SPEC[k].grade;
		if (!ok) {
			print_message("MISMATCH %s: definition %s, citation %.60s..., direction %s (expected %s), grade %d\n",
			              SPEC[k].name, def ? def : "(null)", cit ? cit : "(null)",
			              sm_direction_name(sm_instrument_direction(in)), sm_direction_name(SPEC[k].dir),
			              (int)sm_instrument_is_grade(in));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* KEYS.md §2 examples */
	assert_string_equal(sm_instrument_definition(sm_instrument_find("sins")), "fisher-2010");
	assert_string_equal(sm_instrument_definition(sm_instrument_find("tokuhashi_revised")), "tokuhashi-2005");
}

static void test_registry_items_per_keys(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t k = 0; k < N(SPEC); k++) {
		const sm_instrument *in = sm_instrument_find(SPEC[k].name);
		assert_true(sm_instrument_item_count(in) <= SM_MAX_ITEMS);
		for (size_t j = 0; j < N(SPEC[k].items) && SPEC[k].items[j]; j++) {
			size_t idx = 99;
			const sm_item *it = sm_instrument_item_find(in, SPEC[k].items[j], &idx);
			if (!it || sm_instrument_item(in, idx) != it || strcmp(it->key, SPEC[k].items[j]) != 0) {
				print_message("MISMATCH %s: KEYS.md item %s not found\n", SPEC[k].name, SPEC[k].items[j]);
				bad++;
			}
		}
		/* item keys are unique within an instrument */
		for (size_t a = 0; a < sm_instrument_item_count(in); a++)
			for (size_t b = 0; b < a; b++)
				if (strcmp(sm_instrument_item(in, a)->key, sm_instrument_item(in, b)->key) == 0) {
					print_message("MISMATCH %s: item %s twice\n", SPEC[k].name, sm_instrument_item(in, a)->key);
					bad++;
				}
		assert_null(sm_instrument_item(in, sm_instrument_item_count(in)));
		assert_null(sm_instrument_item_find(in, "no_such_item", NULL));
		assert_null(sm_instrument_item_find(in, NULL, NULL));
	}
	assert_int_equal(bad, 0);
}

static void test_registry_bands_per_keys(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t k = 0; k < N(SPEC); k++) {
		const sm_instrument *in = sm_instrument_find(SPEC[k].name);
		for (size_t j = 0; j < N(SPEC[k].bands) && SPEC[k].bands[j]; j++) {
			bool found = false;
			for (size_t b = 0; b < sm_instrument_band_count(in); b++)
				if (strcmp(sm_instrument_band(in, b)->key, SPEC[k].bands[j]) == 0)
					found = true;
			if (!found) {
				print_message("MISMATCH %s: KEYS.md band %s not in the band table\n", SPEC[k].name,
				              SPEC[k].bands[j]);
				bad++;
			}
		}
		for (size_t b = 0; b < sm_instrument_band_count(in); b++) {
			const sm_band_def *bd = sm_instrument_band(in, b);
			if (!bd->key || !bd->meaning || !*bd->meaning || bd->lo > bd->hi) {
				print_message("MISMATCH %s: band %zu malformed\n", SPEC[k].name, b);
				bad++;
			}
		}
		assert_null(sm_instrument_band(in, sm_instrument_band_count(in)));
	}
	assert_int_equal(bad, 0);
}

/* ============================ input setters ============================ */
static const sm_error *only_error(const sm_result *r)
{
	if (r->status != SM_RESULT_INVALID)
		fail_msg("status %s, expected invalid", sm_result_status_name(r->status));
	if (r->nerrors < 1)
		fail_msg("invalid without an error");
	return &r->errors[0];
}

static void test_null_arguments(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(NULL, sm_instrument_find("sins")), SM_E_ARGUMENT);
	assert_int_equal(sm_input_init(&in, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_score(NULL, &r), SM_E_ARGUMENT);
	assert_int_equal(sm_score(&in, NULL), SM_E_ARGUMENT);
	assert_int_equal(sm_input_set_text(NULL, "pain", "none"), SM_E_ARGUMENT);
	assert_int_equal(sm_input_set_int(NULL, "kps", 90), SM_E_ARGUMENT);
	assert_int_equal(sm_input_set_number(NULL, "kps", 90), SM_E_ARGUMENT);
	assert_int_equal(sm_input_set_bool(NULL, "x", true), SM_E_ARGUMENT);
	assert_int_equal(sm_input_set_parsed(NULL, "pain", "none"), SM_E_ARGUMENT);
	assert_int_equal(sm_input_set_unknown(NULL, "pain"), SM_E_ARGUMENT);
	/* a NULL key is an unusable argument or an unknown item, never a crash */
	sm_status st = sm_input_set_text(&in, NULL, "none");
	assert_true(st == SM_E_ARGUMENT || st == SM_E_UNKNOWN_ITEM);
}

/* KEYS.md §1: unknown keys are invalid; the message names the allowed items. */
static void test_unknown_key_every_setter(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	const sm_instrument *sins = sm_instrument_find("sins");
	for (int setter = 0; setter < 6; setter++) {
		assert_int_equal(sm_input_init(&in, sins), SM_OK);
		sm_status st;
		switch (setter) {
		case 0: st = sm_input_set_text(&in, "colour", "red"); break;
		case 1: st = sm_input_set_int(&in, "colour", 3); break;
		case 2: st = sm_input_set_number(&in, "colour", 3.5); break;
		case 3: st = sm_input_set_bool(&in, "colour", true); break;
		case 4: st = sm_input_set_parsed(&in, "colour", "red"); break;
		default: st = sm_input_set_unknown(&in, "colour"); break;
		}
		assert_int_equal(st, SM_E_UNKNOWN_ITEM);
		assert_int_equal(sm_score(&in, &r), SM_OK);
		const sm_error *e = only_error(&r);
		assert_int_equal(e->code, SM_E_UNKNOWN_ITEM);
		assert_string_equal(e->path, "/colour");
		for (size_t k = 0; k < sm_instrument_item_count(sins); k++)
			if (!strstr(e->message, sm_instrument_item(sins, k)->key))
				fail_msg("unknown-item message does not name %s: %s", sm_instrument_item(sins, k)->key,
				         e->message);
		assert_null(r.band);
		assert_false(r.has_total);
	}
	/* an item of another instrument is unknown here */
	assert_int_equal(sm_input_init(&in, sins), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "kps", 90), SM_E_UNKNOWN_ITEM);
}

/* Unknown key with the other items complete: still invalid (no score). */
static void test_unknown_key_blocks_score(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "location", "rigid"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "pain", "none"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "bone_lesion", "blastic"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "alignment", "normal"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "collapse", "none"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "posterolateral", "none"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "Pain", "none"), SM_E_UNKNOWN_ITEM);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/Pain");
}

/* Wrong types: the code is SM_E_TYPE and the message names the allowed values. */
static void test_wrong_types(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	const sm_instrument *tok = sm_instrument_find("tokuhashi_revised");
	const sm_instrument *sins = sm_instrument_find("sins");
	const sm_instrument *bauer = sm_instrument_find("bauer");
	const sm_instrument *nes = sm_instrument_find("nesms");

	/* integer for a word item */
	assert_int_equal(sm_input_init(&in, sins), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "pain", 3), SM_E_TYPE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/pain");
	assert_int_equal(only_error(&r)->code, SM_E_TYPE);
	assert_non_null(strstr(only_error(&r)->message, "mechanical"));
	assert_non_null(strstr(only_error(&r)->message, "occasional"));

	/* bool for a word item */
	assert_int_equal(sm_input_init(&in, sins), SM_OK);
	assert_int_equal(sm_input_set_bool(&in, "collapse", true), SM_E_TYPE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_non_null(strstr(only_error(&r)->message, "over_50"));

	/* text for an integer item */
	assert_int_equal(sm_input_init(&in, tok), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "kps", "90"), SM_E_TYPE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/kps");
	assert_non_null(strstr(only_error(&r)->message, "100"));

	/* bool for an integer item */
	assert_int_equal(sm_input_init(&in, tok), SM_OK);
	assert_int_equal(sm_input_set_bool(&in, "extraspinal_bone_metastases", true), SM_E_TYPE);

	/* a fraction for an integer item */
	assert_int_equal(sm_input_init(&in, tok), SM_OK);
	sm_status st = sm_input_set_number(&in, "vertebral_body_metastases", 1.5);
	assert_true(st == SM_E_TYPE || st == SM_E_DOMAIN);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/vertebral_body_metastases");

	/* text and integers for a bool item */
	assert_int_equal(sm_input_init(&in, bauer), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "visceral_metastases", "true"), SM_E_TYPE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_non_null(strstr(only_error(&r)->message, "true"));
	assert_non_null(strstr(only_error(&r)->message, "false"));
	assert_int_equal(sm_input_init(&in, bauer), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "pathological_fracture", 1), SM_E_TYPE);

	/* text for a number item; bool for a number item */
	assert_int_equal(sm_input_init(&in, nes), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "albumin_g_dl", "3.5"), SM_E_TYPE);
	assert_int_equal(sm_input_init(&in, nes), SM_OK);
	assert_int_equal(sm_input_set_bool(&in, "albumin_g_dl", true), SM_E_TYPE);

	/* a number for a histology item */
	assert_int_equal(sm_input_init(&in, bauer), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "primary", 1), SM_E_TYPE);

	/* sm_input_reject: an object or array from an adapter */
	assert_int_equal(sm_input_init(&in, sins), SM_OK);
	assert_int_equal(sm_input_reject(&in, "alignment", "an object"), SM_E_TYPE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/alignment");
	assert_non_null(strstr(only_error(&r)->message, "an object"));
	assert_non_null(strstr(only_error(&r)->message, "subluxation"));
	assert_int_equal(sm_input_init(&in, sins), SM_OK);
	assert_int_equal(sm_input_reject(&in, "nope", "an array"), SM_E_UNKNOWN_ITEM);
}

/* Out-of-domain values: SM_E_DOMAIN, path, allowed values named. */
static void test_out_of_domain(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	/* word */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "bone_lesion", "sclerotic"), SM_E_DOMAIN);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(only_error(&r)->code, SM_E_DOMAIN);
	assert_string_equal(only_error(&r)->path, "/bone_lesion");
	assert_non_null(strstr(only_error(&r)->message, "lytic"));
	assert_non_null(strstr(only_error(&r)->message, "mixed"));
	assert_non_null(strstr(only_error(&r)->message, "blastic"));
	/* integer range and step */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "kps", 110), SM_E_DOMAIN);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "kps", 85), SM_E_DOMAIN);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_non_null(strstr(only_error(&r)->message, "10"));
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "vertebral_body_metastases", 0), SM_E_DOMAIN);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "ecog", 5), SM_E_DOMAIN);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_non_null(strstr(only_error(&r)->message, "4"));
	/* number */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("nesms")), SM_OK);
	assert_int_equal(sm_input_set_number(&in, "albumin_g_dl", -0.5), SM_E_DOMAIN);
	/* NaN and infinity are never a measurement */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("katagiri")), SM_OK);
	assert_int_not_equal(sm_input_set_number(&in, "crp_mg_dl", 0.0 / 0.0), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/crp_mg_dl");
	assert_int_equal(sm_input_init(&in, sm_instrument_find("katagiri")), SM_OK);
	assert_int_not_equal(sm_input_set_number(&in, "calcium_mg_dl", 1.0 / 0.0), SM_OK);
	/* level */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "level", "Co1"), SM_E_DOMAIN);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_string_equal(only_error(&r)->path, "/level");
	assert_non_null(strstr(only_error(&r)->message, "Occ"));
}

/* A well-formed UTF-8 string (no truncated sequence at the end or inside). */
static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
		if (!n)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/* A long non-ASCII value is echoed in the error message, truncated where it
** must be, but never in the middle of a character (the message ends up in
** JSON, which must stay valid UTF-8), at every truncation offset. */
static void test_error_truncation_keeps_utf8(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	for (size_t pad = 0; pad < 4; pad++) {
		char text[1600];
		size_t n = 0;
		for (size_t k = 0; k < pad; k++)
			text[n++] = 'x';
		while (n + 4 < sizeof text) {
			memcpy(text + n, pad % 2 ? "\xc3\xa9" : "\xe0\xa6\x95", pad % 2 ? 2 : 3); /* é, Bengali ka */
			n += pad % 2 ? 2 : 3;
		}
		text[n] = '\0';
		assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
		assert_int_equal(sm_input_set_text(&in, "bone_lesion", text), SM_E_DOMAIN);
		assert_int_equal(sm_score(&in, &r), SM_OK);
		assert_int_equal(r.status, SM_RESULT_INVALID);
		assert_true(strlen(only_error(&r)->message) < SM_ERRMSG_SIZE);
		assert_true(strlen(only_error(&r)->message) > 100);
		assert_true(utf8_ok(only_error(&r)->message));
	}
}

/* An input and a result reused after an invalid score carry nothing over. */
static void test_reuse_after_errors(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	for (int k = 0; k < 12; k++)
		sm_input_set_text(&in, "no_such_item", "x");
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_int_equal(r.nerrors, SM_MAX_ERRORS);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(in.nerrors, 0);
	assert_int_equal(in.nerrors_dropped, 0);
	assert_int_equal(sm_input_set_int(&in, "kps", 90), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_int_equal(r.nerrors, 0);
	assert_int_equal(r.ncomponents, 6);
	assert_int_equal(r.nmissing, 5);
	assert_null(r.grade);
	assert_int_equal(r.flags, 0);
	assert_non_null(strstr(r.interpretation, "incomplete"));
	for (size_t k = 0; k < r.ncomponents; k++)
		assert_true(strlen(r.components[k].explain) > 0);
}

/* The histology error names every allowed value (every catalogue key). */
static void test_histology_error_names_all_keys(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tomita")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "primary", "renal_cell"), SM_E_DOMAIN);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	const sm_error *e = only_error(&r);
	assert_string_equal(e->path, "/primary");
	int bad = 0;
	for (size_t k = 0; k < sm_histology_count(); k++) {
		const char *key = sm_histology_at(k)->key;
		/* the key as a whole word of the list */
		const char *p = e->message;
		bool found = false;
		size_t n = strlen(key);
		while ((p = strstr(p, key)) != NULL) {
			char after = p[n];
			if (after == '\0' || after == ',' || after == ' ' || after == '"' || after == ')' || after == '.')
				found = true;
			p += n;
		}
		if (!found) {
			if (bad < 5)
				print_message("MISSING from the allowed values: %s\n", key);
			bad++;
		}
	}
	if (bad)
		print_message("message (%zu chars): %s\n", strlen(e->message), e->message);
	assert_int_equal(bad, 0);
}

/* A value set twice is an error (SM_E_DUPLICATE), whatever the setters. */
static void test_duplicates(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "pain", "none"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "pain", "none"), SM_E_DUPLICATE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(only_error(&r)->code, SM_E_DUPLICATE);
	assert_string_equal(only_error(&r)->path, "/pain");

	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "pain", "none"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "pain", "mechanical"), SM_E_DUPLICATE);

	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_int(&in, "kps", 90), SM_OK);
	assert_int_equal(sm_input_set_number(&in, "kps", 80.0), SM_E_DUPLICATE);

	assert_int_equal(sm_input_init(&in, sm_instrument_find("bauer")), SM_OK);
	assert_int_equal(sm_input_set_bool(&in, "visceral_metastases", true), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "visceral_metastases", "false"), SM_E_DUPLICATE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INVALID);

	/* a value and an explicit unknown for the same item: given twice */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "alignment", "normal"), SM_OK);
	assert_int_equal(sm_input_set_unknown(&in, "alignment"), SM_E_DUPLICATE);
}

/* Every error recorded; beyond SM_MAX_ERRORS they are counted as dropped. */
static void test_many_errors(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	char key[16];
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	for (int k = 0; k < SM_MAX_ERRORS + 3; k++) {
		snprintf(key, sizeof key, "bad%d", k);
		assert_int_equal(sm_input_set_text(&in, key, "x"), SM_E_UNKNOWN_ITEM);
	}
	assert_int_equal(in.nerrors, SM_MAX_ERRORS);
	assert_int_equal(in.nerrors_dropped, 3);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_int_equal(r.nerrors, SM_MAX_ERRORS);
	assert_string_equal(r.errors[0].path, "/bad0");
}

static void test_add_error(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("escc")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "grade", "2"), SM_OK);
	assert_int_equal(sm_input_add_error(&in, SM_E_SYNTAX, "/grade", "unterminated string"), SM_E_SYNTAX);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	const sm_error *e = only_error(&r);
	assert_int_equal(e->code, SM_E_SYNTAX);
	assert_string_equal(e->path, "/grade");
	assert_string_equal(e->message, "unterminated string");
	assert_null(r.grade);
	assert_int_equal(sm_input_add_error(NULL, SM_E_SYNTAX, "", ""), SM_E_ARGUMENT);
}

/* An explicit unknown (JSON null) is not an error: it is missing. */
static void test_set_unknown(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("escc")), SM_OK);
	assert_int_equal(sm_input_set_unknown(&in, "grade"), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_int_equal(r.nerrors, 0);
	assert_null(r.grade);
}

/* sm_score always fills the result afresh (no state left from a previous score). */
static void test_result_refilled(void **s)
{
	(void)s;
	sm_input a, b;
	sm_result r;
	assert_int_equal(sm_input_init(&a, sm_instrument_find("escc")), SM_OK);
	assert_int_equal(sm_input_set_text(&a, "grade", "bogus"), SM_E_DOMAIN);
	assert_int_equal(sm_score(&a, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INVALID);
	assert_int_equal(sm_input_init(&b, sm_instrument_find("escc")), SM_OK);
	assert_int_equal(sm_input_set_text(&b, "grade", "1c"), SM_OK);
	assert_int_equal(sm_score(&b, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_OK);
	assert_int_equal(r.nerrors, 0);
	assert_string_equal(r.grade, "1c");
	assert_ptr_equal(r.instrument, sm_instrument_find("escc"));
}

/* The same item given twice is a duplicate in either order: an explicit
** unknown (JSON null) and then a value, as much as a value and then null. */
static void test_duplicate_unknown_then_value(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_unknown(&in, "pain"), SM_OK);
	assert_int_equal(sm_input_set_text(&in, "pain", "mechanical"), SM_E_DUPLICATE);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INVALID);
	/* the CSV path: an empty cell, then a filled cell of the same column */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "collapse", ""), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "collapse", "over_50"), SM_E_DUPLICATE);
}

/* A decimal as printed by %.17g (a round-trip export) is still a number. */
static void test_parsed_round_trip_decimal(void **s)
{
	(void)s;
	char text[64];
	snprintf(text, sizeof text, "%.17g", 0.4); /* "0.40000000000000002" */
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("katagiri")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "crp_mg_dl", text), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_not_equal(r.status, SM_RESULT_INVALID);
	snprintf(text, sizeof text, "%.17g", 3.7);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("nesms")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "albumin_g_dl", text), SM_OK);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("nesms")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "albumin_g_dl", "3.50"), SM_OK);
}

/* REFERENCE §0 rule 1: the software never outputs an instruction such as "no
** surgery"; it gives the score, the band and the band meaning as published. */
static void test_no_instruction_no_surgery(void **s)
{
	(void)s;
	int bad = 0;
	for (size_t k = 0; k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		for (size_t b = 0; b < sm_instrument_band_count(in); b++) {
			const char *m = sm_instrument_band(in, b)->meaning;
			if (m && (strstr(m, "no surgery") || strstr(m, "No surgery") || strstr(m, "do not operate"))) {
				print_message("MISMATCH %s band %s: \"%s\"\n", sm_instrument_name(in),
				              sm_instrument_band(in, b)->key, m);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* ======================= sm_input_set_parsed (CSV) ======================= */
static void test_parsed_sins_row(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	static const char *const row[][2] = {{"level", "L1"}, {"pain", "mechanical"}, {"bone_lesion", "lytic"},
	                                     {"alignment", "deformity"}, {"collapse", "under_50"},
	                                     {"posterolateral", "unilateral"}};
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	for (size_t k = 0; k < N(row); k++)
		assert_int_equal(sm_input_set_parsed(&in, row[k][0], row[k][1]), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_OK);
	assert_int_equal(r.total, 13); /* SINS-1 */
	assert_string_equal(r.band, "unstable");
	/* a level range through the text path */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "level", "T10-L2"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "level", "T7"), SM_E_DUPLICATE);
}

static void test_parsed_types(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	/* integers */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "kps", "90"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "extraspinal_bone_metastases", "0"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "vertebral_body_metastases", "1"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "major_organ_metastases", "none"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "primary", "breast"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "frankel", "E"), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_OK);
	assert_int_equal(r.total, 15); /* TOK-1 */
	/* booleans and numbers */
	assert_int_equal(sm_input_init(&in, sm_instrument_find("katagiri")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "previous_chemotherapy", "true"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "hormone_dependent", "false"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "albumin_g_dl", "3.4"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "ldh_iu_l", "250"), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_not_equal(r.status, SM_RESULT_INVALID);
}

static void test_parsed_bad_text(void **s)
{
	(void)s;
	static const struct { const char *inst, *key, *text; } bad[] = {
		{"tokuhashi_revised", "kps", "9O"}, {"tokuhashi_revised", "kps", "ninety"},
		{"tokuhashi_revised", "kps", "95"}, {"tokuhashi_revised", "kps", "-10"},
		{"tokuhashi_revised", "kps", "90%"}, {"tokuhashi_revised", "vertebral_body_metastases", "0"},
		{"tokuhashi_revised", "vertebral_body_metastases", "1.5"},
		{"nesms", "albumin_g_dl", "3,4"}, {"nesms", "albumin_g_dl", "abc"}, {"nesms", "albumin_g_dl", "3.4 g/dL"},
		{"nesms", "albumin_g_dl", "-1"}, {"nesms", "albumin_g_dl", "."},
		{"katagiri", "previous_chemotherapy", "maybe"}, {"katagiri", "previous_chemotherapy", "2"},
		{"sins", "bone_lesion", "LYTIC"}, {"sins", "level", "coccyx"}, {"bauer", "primary", "Breast"},
	};
	int nbad = 0;
	for (size_t k = 0; k < N(bad); k++) {
		sm_input in;
		sm_result r;
		assert_int_equal(sm_input_init(&in, sm_instrument_find(bad[k].inst)), SM_OK);
		sm_status st = sm_input_set_parsed(&in, bad[k].key, bad[k].text);
		assert_int_equal(sm_score(&in, &r), SM_OK);
		char path[80];
		snprintf(path, sizeof path, "/%s", bad[k].key);
		bool ok = st != SM_OK && r.status == SM_RESULT_INVALID && r.nerrors &&
		          strcmp(r.errors[0].path, path) == 0 && strstr(r.errors[0].message, "allowed");
		if (!ok) {
			print_message("MISMATCH parsed %s.%s = \"%s\": expected invalid at %s; got %s (status %d)\n",
			              bad[k].inst, bad[k].key, bad[k].text, path, sm_result_status_name(r.status), (int)st);
			nbad++;
		}
	}
	assert_int_equal(nbad, 0);
}

/* An empty cell is unknown: missing, never 0, never an error. */
static void test_parsed_empty_is_unknown(void **s)
{
	(void)s;
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tomita")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "growth", "slow"), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "visceral_metastases", ""), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "bone_metastases", "solitary"), SM_OK);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	assert_int_equal(r.status, SM_RESULT_INCOMPLETE);
	assert_int_equal(r.lo, 2);
	assert_int_equal(r.hi, 6);
	bool listed = false;
	for (size_t k = 0; k < r.nmissing; k++)
		if (strcmp(r.missing[k], "visceral_metastases") == 0)
			listed = true;
	assert_true(listed);
	assert_int_equal(sm_input_init(&in, sm_instrument_find("tokuhashi_revised")), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "kps", ""), SM_OK);
	assert_int_equal(sm_input_set_parsed(&in, "colour", ""), SM_E_UNKNOWN_ITEM);
}

/* ========================= JSON-pointer escaping ========================= */
static void check_pointer(const char *key, const char *want)
{
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, key, "x"), SM_E_UNKNOWN_ITEM);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	if (strcmp(only_error(&r)->path, want) != 0)
		fail_msg("key \"%s\": path \"%s\", expected \"%s\" (RFC 6901)", key, only_error(&r)->path, want);
}

static void test_pointer_slash(void **s) { (void)s; check_pointer("a/b", "/a~1b"); }
static void test_pointer_tilde(void **s) { (void)s; check_pointer("m~n", "/m~0n"); }
static void test_pointer_tilde_slash_order(void **s)
{
	(void)s;
	check_pointer("~1", "/~01");
	check_pointer("/~", "/~1~0");
	check_pointer("~/", "/~0~1");
	check_pointer("//", "/~1~1");
}
static void test_pointer_empty_and_spaces(void **s)
{
	(void)s;
	check_pointer("", "/");
	check_pointer("x y", "/x y");
	check_pointer("\"quoted\"", "/\"quoted\"");
}

static void test_pointer_long_key_bounded(void **s)
{
	(void)s;
	char key[300];
	memset(key, '/', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	sm_input in;
	sm_result r;
	assert_int_equal(sm_input_init(&in, sm_instrument_find("sins")), SM_OK);
	assert_int_equal(sm_input_set_text(&in, key, "x"), SM_E_UNKNOWN_ITEM);
	assert_int_equal(sm_score(&in, &r), SM_OK);
	const sm_error *e = only_error(&r);
	assert_true(strlen(e->path) < sizeof e->path);
	assert_true(e->path[0] == '/');
	assert_true(strlen(e->message) < sizeof e->message);
}

/* =========================== histology catalogue =========================== */
static const char *const KEYS3[] = {
	"breast", "lung_nsclc", "lung_sclc", "lung", "prostate", "kidney", "thyroid", "colon", "rectum",
	"stomach", "oesophagus", "pancreas", "liver", "gallbladder", "bladder", "uterus", "cervix", "ovary",
	"head_neck", "melanoma", "soft_tissue_sarcoma", "osteosarcoma", "myeloma", "plasmacytoma", "lymphoma",
	"leukaemia", "seminoma", "germ_cell_nonseminoma", "neuroendocrine", "carcinoid", "neuroblastoma",
	"ewing_sarcoma", "rhabdomyosarcoma", "wilms", "medulloblastoma", "retinoblastoma", "teratoma", "other",
	"unknown",
};

static const sm_histology *H(const char *key)
{
	int idx = -1;
	const sm_histology *h = sm_histology_find(key, &idx);
	if (!h)
		fail_msg("histology %s not in the catalogue", key);
	assert_ptr_equal(sm_histology_at((size_t)idx), h);
	return h;
}

static void test_catalogue_every_key_once(void **s)
{
	(void)s;
	assert_int_equal(N(KEYS3), 39);
	assert_true(sm_histology_count() >= N(KEYS3));
	int bad = 0;
	for (size_t k = 0; k < N(KEYS3); k++) {
		int n = 0;
		for (size_t j = 0; j < sm_histology_count(); j++)
			if (strcmp(sm_histology_at(j)->key, KEYS3[k]) == 0)
				n++;
		if (n != 1) {
			print_message("MISMATCH histology %s present %d times\n", KEYS3[k], n);
			bad++;
		}
	}
	/* no key twice at all, and every row described */
	for (size_t a = 0; a < sm_histology_count(); a++) {
		const sm_histology *h = sm_histology_at(a);
		if (!h->key || !*h->key || !h->name || !*h->name || !h->source || !*h->source) {
			print_message("MISMATCH histology row %zu incomplete\n", a);
			bad++;
		}
		for (size_t b = 0; b < a; b++)
			if (strcmp(sm_histology_at(b)->key, h->key) == 0) {
				print_message("MISMATCH histology %s twice\n", h->key);
				bad++;
			}
	}
	assert_null(sm_histology_at(sm_histology_count()));
	assert_null(sm_histology_find("renal_cell", NULL));
	assert_null(sm_histology_find("", NULL));
	assert_null(sm_histology_find(NULL, NULL));
	assert_null(sm_histology_find("Breast", NULL));
	assert_int_equal(bad, 0);
}

/* REFERENCE §6.1 revised Tokuhashi primary-site points. */
static void test_catalogue_tokuhashi_points(void **s)
{
	(void)s;
	static const struct { const char *k; int p; } want[] = {
		{"lung_nsclc", 0}, {"lung_sclc", 0}, {"lung", 0}, {"osteosarcoma", 0}, {"stomach", 0},
		{"bladder", 0}, {"oesophagus", 0}, {"pancreas", 0}, {"liver", 1}, {"gallbladder", 1},
		{"unknown", 1}, {"kidney", 3}, {"uterus", 3}, {"rectum", 4}, {"thyroid", 5}, {"breast", 5},
		{"prostate", 5}, {"carcinoid", 5}};
	int bad = 0;
	for (size_t k = 0; k < N(KEYS3); k++) {
		int p = 2; /* "others" */
		for (size_t j = 0; j < N(want); j++)
			if (strcmp(want[j].k, KEYS3[k]) == 0)
				p = want[j].p;
		const sm_histology *h = H(KEYS3[k]);
		bool ok = h->tokuhashi_points == p ||
		          (strcmp(KEYS3[k], "cervix") == 0 && h->tokuhashi_points == 3); /* uterus? */
		if (!ok) {
			print_message("MISMATCH %s tokuhashi_points %d, expected %d (REFERENCE §6.1)\n", KEYS3[k],
			              h->tokuhashi_points, p);
			bad++;
		}
	}
	/* "Lymphoma/myeloma are not listed -> others (2) [implementation default; flag]" */
	assert_true(H("lymphoma")->tokuhashi_default);
	assert_true(H("myeloma")->tokuhashi_default);
	assert_false(H("breast")->tokuhashi_default);
	assert_false(H("colon")->tokuhashi_default);
	assert_int_equal(bad, 0);
}

/* REFERENCE §14 Tomita growth classes (any other histology: none). */
static void test_catalogue_tomita_class(void **s)
{
	(void)s;
	static const struct { const char *k; sm_tomita_growth g; } want[] = {
		{"breast", SM_TOMITA_SLOW}, {"thyroid", SM_TOMITA_SLOW}, {"prostate", SM_TOMITA_SLOW},
		{"kidney", SM_TOMITA_MODERATE}, {"uterus", SM_TOMITA_MODERATE},
		{"lung_nsclc", SM_TOMITA_RAPID}, {"lung_sclc", SM_TOMITA_RAPID}, {"lung", SM_TOMITA_RAPID},
		{"liver", SM_TOMITA_RAPID}, {"stomach", SM_TOMITA_RAPID}, {"colon", SM_TOMITA_RAPID},
		{"unknown", SM_TOMITA_RAPID}};
	int bad = 0;
	for (size_t k = 0; k < N(KEYS3); k++) {
		sm_tomita_growth g = SM_TOMITA_NONE;
		for (size_t j = 0; j < N(want); j++)
			if (strcmp(want[j].k, KEYS3[k]) == 0)
				g = want[j].g;
		if (H(KEYS3[k])->tomita != g) {
			print_message("MISMATCH %s tomita %d, expected %d (REFERENCE §14)\n", KEYS3[k],
			              (int)H(KEYS3[k])->tomita, (int)g);
			bad++;
		}
	}
	assert_int_equal(SM_TOMITA_RAPID, 4); /* §6.2: rapid = 4 points */
	assert_int_equal(bad, 0);
}

/* REFERENCE §6.3 Bauer primary items. */
static void test_catalogue_bauer(void **s)
{
	(void)s;
	int bad = 0;
	static const char *const lungs[] = {"lung_nsclc", "lung_sclc", "lung"};
	static const char *const fav[] = {"breast", "kidney", "lymphoma", "myeloma"};
	static const char *const open[] = {"unknown", "plasmacytoma", "wilms"}; /* not settled */
	for (size_t k = 0; k < N(KEYS3); k++) {
		bool is_open = false, is_lung = false, is_fav = false;
		for (size_t j = 0; j < N(open); j++)
			is_open |= strcmp(open[j], KEYS3[k]) == 0;
		for (size_t j = 0; j < N(lungs); j++)
			is_lung |= strcmp(lungs[j], KEYS3[k]) == 0;
		for (size_t j = 0; j < N(fav); j++)
			is_fav |= strcmp(fav[j], KEYS3[k]) == 0;
		if (is_open)
			continue;
		const sm_histology *h = H(KEYS3[k]);
		if ((h->bauer_lung == 1) != is_lung || (h->bauer_favourable == 1) != is_fav) {
			print_message("MISMATCH %s bauer lung %d favourable %d, expected %d %d (REFERENCE §6.3)\n",
			              KEYS3[k], (int)h->bauer_lung, (int)h->bauer_favourable, is_lung, is_fav);
			bad++;
		}
	}
	/* the unknown primary is not known to be lung cancer */
	assert_true(H("unknown")->bauer_lung != 1 || H("unknown")->bauer_default);
	assert_int_equal(bad, 0);
}

/* REFERENCE §6.6 Katagiri primary groups. */
static void test_catalogue_katagiri(void **s)
{
	(void)s;
	static const struct { const char *k; int g; int alt; } want[] = {
		{"breast", SM_KAT_HORMONE, -1}, {"prostate", SM_KAT_HORMONE, -1},
		{"lung_nsclc", SM_KAT_LUNG, -1}, {"lung_sclc", SM_KAT_LUNG, -1}, {"lung", SM_KAT_LUNG, -1},
		{"thyroid", SM_KAT_SLOW, -1}, {"myeloma", SM_KAT_SLOW, -1}, {"lymphoma", SM_KAT_SLOW, -1},
		{"plasmacytoma", SM_KAT_SLOW, SM_KAT_MODERATE}, {"leukaemia", SM_KAT_MODERATE, SM_KAT_SLOW},
		{"seminoma", SM_KAT_MODERATE, SM_KAT_RAPID}, {"germ_cell_nonseminoma", SM_KAT_MODERATE, SM_KAT_RAPID},
		{"teratoma", SM_KAT_MODERATE, SM_KAT_RAPID},
		{"colon", SM_KAT_RAPID, -1}, {"rectum", SM_KAT_RAPID, -1}, {"stomach", SM_KAT_RAPID, -1},
		{"pancreas", SM_KAT_RAPID, -1}, {"head_neck", SM_KAT_RAPID, -1}, {"oesophagus", SM_KAT_RAPID, -1},
		{"bladder", SM_KAT_RAPID, -1}, {"melanoma", SM_KAT_RAPID, -1}, {"liver", SM_KAT_RAPID, -1},
		{"gallbladder", SM_KAT_RAPID, -1}, {"cervix", SM_KAT_RAPID, -1}, {"unknown", SM_KAT_RAPID, -1},
	};
	int bad = 0;
	for (size_t k = 0; k < N(KEYS3); k++) {
		int g = SM_KAT_MODERATE, alt = -1; /* "others", renal, endometrial, ovarian, sarcoma */
		for (size_t j = 0; j < N(want); j++)
			if (strcmp(want[j].k, KEYS3[k]) == 0) {
				g = want[j].g;
				alt = want[j].alt;
			}
		int got = (int)H(KEYS3[k])->katagiri;
		if (got != g && got != alt) {
			print_message("MISMATCH %s katagiri group %d, expected %d (REFERENCE §6.6)\n", KEYS3[k], got, g);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* REFERENCE §14 radiosensitivity table (supersedes §3.2). */
static void test_catalogue_radiosensitivity(void **s)
{
	(void)s;
	static const char *const sens[] = {"lymphoma", "leukaemia", "myeloma", "plasmacytoma", "seminoma",
	                                   "germ_cell_nonseminoma", "breast", "prostate", "ovary", "neuroendocrine",
	                                   "carcinoid", "lung_sclc", "neuroblastoma", "ewing_sarcoma"};
	static const char *const res[] = {"kidney", "thyroid", "liver", "colon", "rectum", "stomach", "oesophagus",
	                                  "pancreas", "lung_nsclc", "melanoma", "soft_tissue_sarcoma", "osteosarcoma"};
	/* taxonomy the reference leaves open: teratoma is a germ-cell tumour (sensitive?),
	** rhabdomyosarcoma a soft-tissue sarcoma (resistant?): accept either or unknown */
	static const struct { const char *k; sm_radiosensitivity alt; } open[] = {
		{"teratoma", SM_RT_SENSITIVE}, {"rhabdomyosarcoma", SM_RT_RESISTANT}};
	int bad = 0;
	for (size_t k = 0; k < N(KEYS3); k++) {
		sm_radiosensitivity want = SM_RT_UNKNOWN, alt = SM_RT_UNKNOWN;
		for (size_t j = 0; j < N(sens); j++)
			if (strcmp(sens[j], KEYS3[k]) == 0)
				want = alt = SM_RT_SENSITIVE;
		for (size_t j = 0; j < N(res); j++)
			if (strcmp(res[j], KEYS3[k]) == 0)
				want = alt = SM_RT_RESISTANT;
		for (size_t j = 0; j < N(open); j++)
			if (strcmp(open[j].k, KEYS3[k]) == 0)
				alt = open[j].alt;
		sm_radiosensitivity got = H(KEYS3[k])->radiosensitivity;
		if (got != want && got != alt) {
			print_message("MISMATCH %s radiosensitivity %d, expected %d (REFERENCE §14)\n", KEYS3[k],
			              (int)got, (int)want);
			bad++;
		}
	}
	/* "lung of unknown type and unknown primary: oncologic unknown" */
	assert_int_equal(H("lung")->radiosensitivity, SM_RT_UNKNOWN);
	assert_int_equal(H("unknown")->radiosensitivity, SM_RT_UNKNOWN);
	assert_int_equal(H("other")->radiosensitivity, SM_RT_UNKNOWN);
	assert_int_equal(bad, 0);
}

/* REFERENCE §3.2, §7.4, §14: the Patchell exclusion list is narrower. */
static void test_catalogue_patchell(void **s)
{
	(void)s;
	static const char *const yes[] = {"lymphoma", "leukaemia", "myeloma", "seminoma", "germ_cell_nonseminoma"};
	static const char *const open[] = {"plasmacytoma", "teratoma"}; /* myeloma family / germ cell */
	int bad = 0;
	for (size_t k = 0; k < N(KEYS3); k++) {
		bool want = false, is_open = false;
		for (size_t j = 0; j < N(yes); j++)
			want |= strcmp(yes[j], KEYS3[k]) == 0;
		for (size_t j = 0; j < N(open); j++)
			is_open |= strcmp(open[j], KEYS3[k]) == 0;
		if (is_open)
			continue;
		if (H(KEYS3[k])->patchell_radiosensitive != want) {
			print_message("MISMATCH %s patchell_radiosensitive %d, expected %d (REFERENCE §7.4)\n", KEYS3[k],
			              (int)H(KEYS3[k])->patchell_radiosensitive, want);
			bad++;
		}
	}
	/* narrower: breast and prostate are NOMS-radiosensitive but not Patchell-excluded */
	assert_false(H("breast")->patchell_radiosensitive);
	assert_false(H("prostate")->patchell_radiosensitive);
	assert_false(H("lung_sclc")->patchell_radiosensitive);
	assert_int_equal(bad, 0);
}

/* REFERENCE §3.4(c) and §8: chemo-sensitive tumours (systemic therapy may come first). */
static void test_catalogue_chemosensitive(void **s)
{
	(void)s;
	static const char *const yes[] = {"lymphoma", "myeloma", "seminoma", "germ_cell_nonseminoma",
	                                  "neuroblastoma", "lung_sclc"};
	for (size_t k = 0; k < N(yes); k++)
		if (!H(yes[k])->chemosensitive)
			fail_msg("%s not marked chemosensitive (REFERENCE §3.4(c))", yes[k]);
	assert_false(H("kidney")->chemosensitive);
	assert_false(H("melanoma")->chemosensitive);
}


/* The decision attributes (REFERENCE §7.2, §8, §9, §15, §16): exactly the
** histologies each section names, so that decision code never compares names. */
#define ATTR_SET(field, ...)                                                                   \
	do {                                                                                       \
		static const char *const want[] = {__VA_ARGS__};                                       \
		for (size_t k = 0; k < sm_histology_count(); k++) {                                     \
			const sm_histology *h = sm_histology_at(k);                                         \
			bool w = false;                                                                     \
			for (size_t j = 0; j < N(want); j++)                                                \
				w |= strcmp(want[j], h->key) == 0;                                              \
			if (h->field != w)                                                                  \
				fail_msg("%s: %s is %d, expected %d", #field, h->key, (int)h->field, (int)w);   \
		}                                                                                       \
	} while (0)

static void test_catalogue_decision_attributes(void **s)
{
	(void)s;
	ATTR_SET(unknown_primary, "unknown");
	ATTR_SET(lympholytic, "lymphoma", "leukaemia");
	ATTR_SET(haematological, "lymphoma", "leukaemia", "myeloma", "plasmacytoma");
	ATTR_SET(cns_primary, "medulloblastoma");
	ATTR_SET(leptomeningeal, "medulloblastoma");
	/* §15.9: the list, medulloblastoma included (with the craniospinal note) */
	ATTR_SET(chemo_first_child, "neuroblastoma", "lymphoma", "leukaemia", "seminoma", "germ_cell_nonseminoma",
	         "teratoma", "ewing_sarcoma", "rhabdomyosarcoma", "wilms", "medulloblastoma");
	ATTR_SET(bone_sarcoma, "osteosarcoma", "ewing_sarcoma");
	ATTR_SET(myeloma_like, "myeloma", "plasmacytoma");
	ATTR_SET(marrow_staging, "lymphoma", "leukaemia", "neuroblastoma");
	ATTR_SET(urine_catecholamines, "neuroblastoma");
	ATTR_SET(germ_cell, "seminoma", "germ_cell_nonseminoma", "teratoma");
	/* §16: bone-targeted therapy (myeloma needing treatment, breast, prostate) */
	ATTR_SET(bone_agent, "myeloma", "plasmacytoma", "breast", "prostate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_codes_stable),
		cmocka_unit_test(test_strerror_every_code),
		cmocka_unit_test(test_result_status_names),
		cmocka_unit_test(test_direction_names),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_item_type_names),
		cmocka_unit_test(test_registry_names_and_order),
		cmocka_unit_test(test_registry_definition_citation_direction),
		cmocka_unit_test(test_registry_items_per_keys),
		cmocka_unit_test(test_registry_bands_per_keys),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_unknown_key_every_setter),
		cmocka_unit_test(test_unknown_key_blocks_score),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_out_of_domain),
		cmocka_unit_test(test_error_truncation_keeps_utf8),
		cmocka_unit_test(test_reuse_after_errors),
		cmocka_unit_test(test_histology_error_names_all_keys),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_duplicate_unknown_then_value),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_add_error),
		cmocka_unit_test(test_set_unknown),
		cmocka_unit_test(test_result_refilled),
		cmocka_unit_test(test_parsed_sins_row),
		cmocka_unit_test(test_parsed_types),
		cmocka_unit_test(test_parsed_bad_text),
		cmocka_unit_test(test_parsed_empty_is_unknown),
		cmocka_unit_test(test_parsed_round_trip_decimal),
		cmocka_unit_test(test_no_instruction_no_surgery),
		cmocka_unit_test(test_pointer_slash),
		cmocka_unit_test(test_pointer_tilde),
		cmocka_unit_test(test_pointer_tilde_slash_order),
		cmocka_unit_test(test_pointer_empty_and_spaces),
		cmocka_unit_test(test_pointer_long_key_bounded),
		cmocka_unit_test(test_catalogue_every_key_once),
		cmocka_unit_test(test_catalogue_tokuhashi_points),
		cmocka_unit_test(test_catalogue_tomita_class),
		cmocka_unit_test(test_catalogue_bauer),
		cmocka_unit_test(test_catalogue_katagiri),
		cmocka_unit_test(test_catalogue_radiosensitivity),
		cmocka_unit_test(test_catalogue_patchell),
		cmocka_unit_test(test_catalogue_chemosensitive),
		cmocka_unit_test(test_catalogue_decision_attributes),
	};
	SM_RUN_SUITE("engine", tests);
}
