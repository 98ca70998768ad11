/*
** test_assess.c: `spinemets assess` decisions, written from REFERENCE.md
** (§14 supersedes: triage rule, radiosensitivity table), KEYS.md §4-§6 and the
** issue "Decisions": every branch of the §14 triage rule with its contact and
** MRI targets (§7.2), dexamethasone (§7.2, §7.3, §8), MRI contraindicated ->
** CT, immobilisation, no plain X-ray; NOMS N/O/M/S (§2, §3, §14) with ESCC
** 0..3 and the SINS 6/7 and 12/13 boundaries (§1.2), cement augmentation,
** radioresistant low/high grade, fit/unfit, the treating centre's setting
** (KEYS §5); Patchell criteria and their boundaries (§7.4); paediatrics
** (§5.4, §8, §12); work-up keys (§8, §9, KEYS §6); differential cues (§9);
** invalid cases with JSON-pointer paths and allowed values (KEYS §5); the rule
** table and docs/rules.md.
**
** Every case goes through the real parser (sm_json_read_case) and the real
** serialiser (sm_json_assessment); expectations are read from the JSON that
** `spinemets assess --json` prints. Cases are written with single quotes,
** turned into JSON by q().
*/
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "testcase.h"
#include "spinemets.h"
#include "io/json_case.h"
#include "io/json_score.h"

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */
typedef struct run {
	char *text;        /* the case as parsed */
	sm_case *c;
	sm_assessment *a;
	json_t *j;         /* sm_json_assessment */
} run;

#define MAX_RUNS 256
static run *g_runs[MAX_RUNS];
static size_t g_nruns;
static json_t *g_jsons[MAX_RUNS];
static size_t g_njsons;

static int free_runs(void **state)
{
	(void)state;
	for (size_t k = 0; k < g_nruns; k++) {
		run *r = g_runs[k];
		free(r->text);
		free(r->c);
		free(r->a);
		json_decref(r->j);
		free(r);
	}
	g_nruns = 0;
	for (size_t k = 0; k < g_njsons; k++)
		json_decref(g_jsons[k]);
	g_njsons = 0;
	return 0;
}

static json_t *keep(json_t *j)
{
	if (g_njsons < MAX_RUNS)
		g_jsons[g_njsons++] = j;
	return j;
}




static run *assess_raw(char *text /* taken */)
{
	run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->text = text;
	r->c = malloc(sizeof *r->c);
	r->a = malloc(sizeof *r->a);
	assert_non_null(r->c);
	assert_non_null(r->a);
	if (g_nruns < MAX_RUNS)
		g_runs[g_nruns++] = r;
	json_t *err = sm_json_read_case(text, strlen(text), r->c);
	assert_non_null(err);
	if (json_array_size(err)) {
		char *d = json_dumps(err, JSON_COMPACT);
		print_error("case rejected: %s\n  case: %s\n", d, text);
		free(d);
		json_decref(err);
		fail();
	}
	json_decref(err);
	assert_int_equal(sm_assess(r->c, r->a), SM_OK);
	r->j = sm_json_assessment(r->c, r->a);
	assert_non_null(r->j);
	return r;
}

/* assess a case written with single quotes */
static run *A(const char *s)
{
	return assess_raw(q(s));
}

/* assess `base` deep-merged with `patch` */
static run *AM(const char *base, const char *patch)
{
	json_t *b = parse_q(base), *p = parse_q(patch);
	merge(b, p);
	char *text = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(b);
	json_decref(p);
	return assess_raw(text);
}

/* dotted path into a JSON value ("noms.options", "lesions.0.sins.total") */
static json_t *jget(json_t *root, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *cur = root;
	char *save = NULL;
	for (char *seg = strtok_r(buf, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save)) {
		if (json_is_array(cur)) {
			char *end;
			long i = strtol(seg, &end, 10);
			cur = *end ? NULL : json_array_get(cur, (size_t)i);
		} else {
			cur = json_object_get(cur, seg);
		}
	}
	return cur;
}

static char *show(json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("(absent)");
}

static void report(const run *r, const char *path, const char *what, json_t *got, const char *file, int line)
{
	char *g = show(got);
	print_error("%s: expected %s, got %s\n  case: %s\n", path, what, g, r->text);
	free(g);
	_fail(file, line);
}

#define EXPECT_STR(r, path, want) expect_str_((r), (path), (want), __FILE__, __LINE__)
static void expect_str_(run *r, const char *path, const char *want, const char *file, int line)
{
	json_t *v = jget(r->j, path);
	const char *got = json_string_value(v);
	if (!got || strcmp(got, want) != 0) {
		char what[160];
		snprintf(what, sizeof what, "\"%s\"", want);
		report(r, path, what, v, file, line);
	}
}

#define EXPECT_INT(r, path, want) expect_int_((r), (path), (want), __FILE__, __LINE__)
static void expect_int_(run *r, const char *path, long long want, const char *file, int line)
{
	json_t *v = jget(r->j, path);
	if (!json_is_integer(v) || json_integer_value(v) != want) {
		char what[64];
		snprintf(what, sizeof what, "%lld", want);
		report(r, path, what, v, file, line);
	}
}

#define EXPECT_BOOL(r, path, want) expect_bool_((r), (path), (want), __FILE__, __LINE__)
static void expect_bool_(run *r, const char *path, bool want, const char *file, int line)
{
	json_t *v = jget(r->j, path);
	if (!json_is_boolean(v) || json_is_true(v) != want)
		report(r, path, want ? "true" : "false", v, file, line);
}

/* absent or null */
#define EXPECT_NONE(r, path) expect_none_((r), (path), __FILE__, __LINE__)
static void expect_none_(run *r, const char *path, const char *file, int line)
{
	json_t *v = jget(r->j, path);
	if (v && !json_is_null(v))
		report(r, path, "absent or null", v, file, line);
}

static bool in_list(json_t *list, const char *val)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) if (json_is_string(x) && strcmp(json_string_value(x), val) == 0) return true;
	return false;
}

#define HAS(r, path, val) has_((r), (path), (val), true, __FILE__, __LINE__)
#define LACKS(r, path, val) has_((r), (path), (val), false, __FILE__, __LINE__)
static void has_(run *r, const char *path, const char *val, bool want, const char *file, int line)
{
	json_t *list = jget(r->j, path);
	if (want && !json_is_array(list)) {
		report(r, path, "a list", list, file, line);
		return;
	}
	if (in_list(list, val) != want) {
		char what[200];
		snprintf(what, sizeof what, "a list %s \"%s\"", want ? "with" : "without", val);
		report(r, path, what, list, file, line);
	}
}

/* "rules" holds the rule id */
#define FIRED(r, id) has_((r), "rules", (id), true, __FILE__, __LINE__)
#define NOT_FIRED(r, id) has_((r), "rules", (id), false, __FILE__, __LINE__)

/* any element of list at `path` whose key contains `sub` */
static bool list_has_sub(run *r, const char *path, const char *sub)
{
	size_t i;
	json_t *x;
	json_array_foreach(jget(r->j, path), i, x) if (json_is_string(x) && strstr(json_string_value(x), sub)) return true;
	return false;
}

/* Patchell criterion status: "met", "not_met", "unknown" or NULL if absent */
static const char *criterion(run *r, const char *name)
{
	size_t i;
	json_t *x;
	json_array_foreach(jget(r->j, "surgery.reasons"), i, x) {
		if (strcmp(json_string_value(json_object_get(x, "criterion")), name) == 0)
			return json_string_value(json_object_get(x, "status"));
	}
	return NULL;
}

#define EXPECT_CRIT(r, name, want) expect_crit_((r), (name), (want), __FILE__, __LINE__)
static void expect_crit_(run *r, const char *name, const char *want, const char *file, int line)
{
	const char *got = criterion(r, name);
	if (!got || strcmp(got, want) != 0) {
		char what[160];
		snprintf(what, sizeof what, "criterion %s \"%s\"", name, want);
		report(r, "surgery.reasons", what, jget(r->j, "surgery.reasons"), file, line);
	}
}

/* a paediatric note containing every one of the words */
static bool paed_note_with(run *r, const char *w1, const char *w2)
{
	size_t i;
	json_t *x;
	json_array_foreach(jget(r->j, "paediatric.notes"), i, x) {
		const char *s = json_string_value(x);
		if (s && strstr(s, w1) && (!w2 || strstr(s, w2)))
			return true;
	}
	return false;
}

/* ---- invalid cases ---- */
static json_t *errors_of(const char *s)
{
	char *t = q(s);
	sm_case *c = malloc(sizeof *c);
	assert_non_null(c);
	json_t *err = sm_json_read_case(t, strlen(t), c);
	free(c);
	free(t);
	assert_non_null(err);
	return keep(err);
}

/* the case must be rejected with an error at `path` whose message contains
** every one of the NULL-terminated words */
static void expect_error_a(const char *s, const char *path, const char *const *words, const char *file, int line)
{
	json_t *err = errors_of(s);
	size_t i;
	json_t *e;
	json_array_foreach(err, i, e) {
		const char *p = json_string_value(json_object_get(e, "path"));
		const char *m = json_string_value(json_object_get(e, "message"));
		if (!p || !m || strcmp(p, path) != 0)
			continue;
		bool all = true;
		for (size_t k = 0; words[k]; k++)
			if (!strstr(m, words[k]))
				all = false;
		if (all)
			return;
	}
	char *d = json_dumps(err, JSON_COMPACT);
	print_error("expected an error at \"%s\" naming", path);
	for (size_t k = 0; words[k]; k++)
		print_error(" \"%s\"", words[k]);
	print_error("\n  got: %s\n  case: %s\n", d, s);
	free(d);
	_fail(file, line);
}
#define EXPECT_ERROR(s, path, ...)                                             \
	do {                                                                   \
		const char *const w_[] = {__VA_ARGS__, NULL};                  \
		expect_error_a((s), (path), w_, __FILE__, __LINE__);           \
	} while (0)
#define EXPECT_ERROR_AT(s, path)                                               \
	do {                                                                   \
		const char *const w_[] = {NULL};                               \
		expect_error_a((s), (path), w_, __FILE__, __LINE__);           \
	} while (0)

#define EXPECT_VALID(s)                                                        \
	do {                                                                   \
		json_t *e_ = errors_of(s);                                     \
		if (json_array_size(e_)) {                                     \
			char *d_ = json_dumps(e_, JSON_COMPACT);               \
			print_error("expected a valid case, got %s\n  case: %s\n", d_, s); \
			free(d_);                                              \
			fail();                                                \
		}                                                              \
	} while (0)

/* ------------------------------------------------------------------ */
/* cases                                                                */
/* ------------------------------------------------------------------ */
#define ALL_SYMPTOMS_FALSE                                                     \
	"'pain_thoracic_or_cervical':false,'pain_progressive_lumbar':false,'pain_severe_unremitting_lower':false," \
	"'pain_on_straining':false,'pain_localised_tenderness':false,'pain_nocturnal':false,'pain_mechanical':false," \
	"'radicular_pain':false,'limb_weakness':false,'difficulty_walking':false,'sensory_loss':false,'bladder_bowel_dysfunction':false"

static const char *const pain_keys[] = {
	"pain_thoracic_or_cervical", "pain_progressive_lumbar", "pain_severe_unremitting_lower",
	"pain_on_straining", "pain_localised_tenderness", "pain_nocturnal", "pain_mechanical",
};
static const char *const neuro_keys[] = {
	"radicular_pain", "limb_weakness", "difficulty_walking", "sensory_loss", "bladder_bowel_dysfunction",
};

/* adult, every symptom recorded false; history/primary given by the patch */
static const char *const TRIAGE_BASE =
	"{'schema':'spinemets/case/1','patient':{'age_years':60,'sex':'female'},"
	"'symptoms':{" ALL_SYMPTOMS_FALSE "}}";

/* adult radioresistant (kidney), fit, tissue-proven, ESCC and SINS from the patch */
static const char *const NOMS_BASE =
	"{'schema':'spinemets/case/1','patient':{'age_years':60,'sex':'male'},"
	"'cancer':{'history':'known','primary':'kidney','tissue_confirmed':true},"
	"'neurology':{'myelopathy':false,'frankel':'E'},"
	"'systemic':{'fit_for_surgery':true,'expected_survival_months':12,'visceral_metastases':'none'},"
	"'lesions':[{'level':'L3','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none','escc':'0'}]}";

/* every Patchell criterion met (Patchell 2005, REFERENCE §7.4) */
static const char *const PATCHELL_BASE =
	"{'schema':'spinemets/case/1','patient':{'age_years':60,'sex':'male'},"
	"'cancer':{'history':'known','primary':'lung_nsclc','tissue_confirmed':true},"
	"'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true},"
	"'systemic':{'fit_for_surgery':true,'expected_survival_months':6,'visceral_metastases':'none'},"
	"'neurology':{'frankel':'A','complete_paraplegia_hours':12,'myelopathy':true},"
	"'lesions':[{'level':'T8','escc':'3','compressive':true}]}";

/* ------------------------------------------------------------------ */
/* triage (§14 rule, §7.2 targets)                                      */
/* ------------------------------------------------------------------ */
typedef struct triage_row {
	const char *history; /* NULL = not recorded */
	bool P, N;
	const char *urgency;
} triage_row;

static void check_targets(run *r, const char *urgency)
{
	EXPECT_STR(r, "triage.urgency", urgency);
	if (strcmp(urgency, "emergency") == 0) {
		EXPECT_INT(r, "triage.contact_within_hours", 0);
		EXPECT_INT(r, "triage.mri_within_hours", 24);
	} else if (strcmp(urgency, "urgent") == 0) {
		EXPECT_INT(r, "triage.contact_within_hours", 24);
		EXPECT_INT(r, "triage.mri_within_hours", 168);
	} else {
		EXPECT_NONE(r, "triage.contact_within_hours");
		EXPECT_NONE(r, "triage.mri_within_hours");
	}
}

static void test_triage_rule_every_branch(void **state)
{
	(void)state;
	/* REFERENCE §14 "Triage rule, stated without gaps"; unrecorded history:
	** the more urgent of "cancer" and "no cancer" (§0 rule 2: missing is not normal) */
	static const triage_row rows[] = {
		{"known", true, true, "emergency"},     {"known", false, true, "emergency"},
		{"known", true, false, "urgent"},       {"known", false, false, "routine"},
		{"suspected", true, true, "emergency"}, {"suspected", false, true, "emergency"},
		{"suspected", true, false, "urgent"},   {"suspected", false, false, "routine"},
		{"none", true, true, "emergency"},      {"none", false, true, "routine"},
		{"none", true, false, "urgent"},        {"none", false, false, "routine"},
		{NULL, true, true, "emergency"},        {NULL, false, true, "emergency"},
		{NULL, true, false, "urgent"},          {NULL, false, false, "routine"},
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		const triage_row *t = &rows[k];
		char patch[512];
		snprintf(patch, sizeof patch, "{%s%s%s 'symptoms':{'pain_nocturnal':%s,'limb_weakness':%s}}",
		         t->history ? "'cancer':{'history':'" : "", t->history ? t->history : "", t->history ? "'}," : "",
		         t->P ? "true" : "false", t->N ? "true" : "false");
		run *r = AM(TRIAGE_BASE, patch);
		check_targets(r, t->urgency);
		/* dexamethasone 16 mg only with neurology (§7.2 NG234 1.8.1 / 1.8.3) */
		/* §15.1: without known or suspected cancer, "discuss with the team now" */
		bool no_cancer = t->history && strcmp(t->history, "none") == 0;
		EXPECT_STR(r, "triage.dexamethasone", strcmp(t->urgency, "emergency") == 0 && t->N ? (no_cancer ? "discuss_with_team_now" : "give_16mg") : "not_routine");
		if (no_cancer && t->P) {
			/* §14: P (with or without N) without a cancer history -> unknown-primary work-up */
			HAS(r, "triage.actions", "unknown_primary_workup");
			HAS(r, "workup", "ct_chest_abdomen_pelvis");
			HAS(r, "workup", "biopsy");
		}
		if (no_cancer && !t->P && t->N) {
			/* §14: N alone without cancer: not this pathway, assess for other causes */
			FIRED(r, "TRIAGE-5");
			LACKS(r, "triage.actions", "dexamethasone_16mg");
		}
		if (!t->P && !t->N)
			LACKS(r, "triage.actions", "no_plain_xray");
		else if (strcmp(t->urgency, "routine") != 0)
			HAS(r, "triage.actions", "no_plain_xray"); /* §7.2, §11 #10 */
	}
}

static void test_triage_each_feature(void **state)
{
	(void)state;
	/* every P feature alone -> urgent; every N feature alone -> emergency (known cancer, §7.1, §14) */
	for (size_t k = 0; k < 7; k++) {
		char patch[512];
		snprintf(patch, sizeof patch, "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'%s':true}}", pain_keys[k]);
		run *r = AM(TRIAGE_BASE, patch);
		check_targets(r, "urgent");
		EXPECT_STR(r, "triage.dexamethasone", "not_routine");
		EXPECT_BOOL(r, "triage.complete", true);
	}
	for (size_t k = 0; k < 5; k++) {
		char patch[512];
		snprintf(patch, sizeof patch, "{'cancer':{'history':'known','primary':'prostate'},'symptoms':{'%s':true}}", neuro_keys[k]);
		run *r = AM(TRIAGE_BASE, patch);
		check_targets(r, "emergency");
		EXPECT_STR(r, "triage.dexamethasone", "give_16mg");
		HAS(r, "triage.actions", "contact_mscc_coordinator_immediately");
	}
}

static void test_triage_signs_count_as_N(void **state)
{
	(void)state;
	/* §7.1: signs of cord or cauda equina compression are set N, even when every
	** symptom was recorded absent */
	static const char *const signs[] = {
		"{'neurology':{'myelopathy':true}}",
		"{'neurology':{'frankel':'C'}}",
		"{'neurology':{'frankel':'A','complete_paraplegia_hours':10}}",
		"{'neurology':{'asia':'B'}}",
		"{'neurology':{'ambulatory':'non_ambulatory'}}",
	};
	for (size_t k = 0; k < sizeof signs / sizeof signs[0]; k++) {
		run *r = AM(AM(TRIAGE_BASE, "{'cancer':{'history':'known','primary':'breast'}}")->text, signs[k]);
		check_targets(r, "emergency");
		EXPECT_STR(r, "triage.dexamethasone", "give_16mg");
	}
	/* Frankel E (normal) is not a sign */
	run *r = AM(TRIAGE_BASE, "{'cancer':{'history':'known','primary':'breast'},'neurology':{'frankel':'E'}}");
	check_targets(r, "routine");
}

static void test_triage_unrecorded_symptoms(void **state)
{
	(void)state;
	/* nothing recorded as present: routine, but flagged incomplete (§0 rule 2) */
	run *r = A("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'}}");
	check_targets(r, "routine");
	EXPECT_BOOL(r, "triage.complete", false);
	/* history unrecorded: incomplete too */
	r = A("{'patient':{'age_years':60},'symptoms':{" ALL_SYMPTOMS_FALSE "}}");
	EXPECT_BOOL(r, "triage.complete", false);
}

static void test_triage_no_history_unknown_primary(void **state)
{
	(void)state;
	/* history "none" with primary "unknown" (no primary identified) is still no
	** cancer history: N alone is not this pathway (§14), P and N together are */
	run *r = AM(TRIAGE_BASE, "{'cancer':{'history':'none','primary':'unknown'},'symptoms':{'limb_weakness':true}}");
	check_targets(r, "routine");
	r = AM(TRIAGE_BASE, "{'cancer':{'history':'none','primary':'unknown'},'symptoms':{'limb_weakness':true,'pain_nocturnal':true}}");
	check_targets(r, "emergency");
	HAS(r, "workup", "ct_chest_abdomen_pelvis");
	/* history not recorded, primary given: a cancer history */
	r = AM(TRIAGE_BASE, "{'cancer':{'primary':'breast'},'symptoms':{'limb_weakness':true}}");
	check_targets(r, "emergency");
}

static void test_triage_first_presentation_child(void **state)
{
	(void)state;
	/* §14: 23% of MSCC is the first presentation; a child with pain and neurology
	** and no cancer history is an emergency, with steroids per paediatric protocol */
	run *r = A("{'patient':{'age_years':4,'sex':'male'},'cancer':{'history':'none'},"
	           "'symptoms':{'pain_nocturnal':true,'difficulty_walking':true}}");
	check_targets(r, "emergency");
	EXPECT_STR(r, "triage.dexamethasone", "discuss_with_team_now"); /* §15.1 (every age): no cancer known, no dose */
	/* §8: route every child to paediatric oncology */
	if (!list_has_sub(r, "triage.actions", "paediatric_oncology"))
		fail_msg("child with suspected MSCC: no paediatric oncology action: %s", show(jget(r->j, "triage.actions")));
	FIRED(r, "PAED-5");
}

/* ---- dexamethasone (§7.2, §7.3, §8) ---- */
static void test_dexamethasone(void **state)
{
	(void)state;
	run *r;
	/* suspected MSCC, adult solid tumour: 16 mg (NG234 1.8.1) */
	r = A("{'patient':{'age_years':71,'sex':'male'},'cancer':{'history':'known','primary':'prostate'},"
	      "'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true}}");
	EXPECT_STR(r, "triage.dexamethasone", "give_16mg");
	HAS(r, "triage.actions", "dexamethasone_16mg");
	/* no neurology: not routine (NG234 1.8.3) */
	r = AM(TRIAGE_BASE, "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_nocturnal':true}}");
	EXPECT_STR(r, "triage.dexamethasone", "not_routine");
	LACKS(r, "triage.actions", "dexamethasone_16mg");
	/* suspected lymphoma / leukaemia, neurology stable: haematology advice and tissue first */
	static const char *const haem[] = {"lymphoma", "leukaemia"};
	for (int k = 0; k < 2; k++) {
		char s[512];
		snprintf(s, sizeof s,
		         "{'patient':{'age_years':35,'sex':'male'},'cancer':{'history':'suspected','primary':'%s','tissue_confirmed':false},"
		         "'symptoms':{'pain_thoracic_or_cervical':true,'sensory_loss':true},'neurology':{'deteriorating':false}}",
		         haem[k]);
		r = A(s);
		EXPECT_STR(r, "triage.urgency", "emergency");
		EXPECT_STR(r, "triage.dexamethasone", "seek_haematology_advice_first");
		HAS(r, "workup", "biopsy");
		/* never delay steroids when neurology is deteriorating */
		r = AM(s, "{'neurology':{'deteriorating':true}}");
		EXPECT_STR(r, "triage.dexamethasone", "give_16mg");
	}
	/* confirmed haematological malignancy with spinal disease: 16 mg (NG234 1.8.5) */
	r = A("{'patient':{'age_years':50,'sex':'male'},'cancer':{'history':'known','primary':'lymphoma','tissue_confirmed':true},"
	      "'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true},'neurology':{'deteriorating':false}}");
	EXPECT_STR(r, "triage.dexamethasone", "give_16mg");
	r = AM(TRIAGE_BASE, "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'myeloma','tissue_confirmed':true},"
	                    "'symptoms':{'pain_thoracic_or_cervical':true}}");
	EXPECT_STR(r, "triage.urgency", "urgent");
	EXPECT_STR(r, "triage.dexamethasone", "give_16mg");
	/* children: per the paediatric protocol, never the adult 16 mg (§8, §11 #7) */
	r = A("{'patient':{'age_years':10,'sex':'female'},'cancer':{'history':'known','primary':'ewing_sarcoma','tissue_confirmed':true},"
	      "'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true}}");
	EXPECT_STR(r, "triage.urgency", "emergency");
	EXPECT_STR(r, "triage.dexamethasone", "per_paediatric_protocol");
	LACKS(r, "triage.actions", "dexamethasone_16mg");
	/* a child with suspected lymphoma: never the adult dose */
	r = A("{'patient':{'age_years':12,'sex':'female'},'cancer':{'history':'suspected','primary':'lymphoma'},"
	      "'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true},'neurology':{'deteriorating':true}}");
	EXPECT_STR(r, "triage.dexamethasone", "per_paediatric_protocol");
}

/* ---- imaging actions (§7.2) ---- */
static void test_mri_contraindicated_ct(void **state)
{
	(void)state;
	static const char *const hist[] = {"known", "none"};
	for (int k = 0; k < 2; k++) {
		char s[512];
		snprintf(s, sizeof s,
		         "{'patient':{'age_years':64,'sex':'female'},'cancer':{'history':'%s'},"
		         "'symptoms':{'pain_on_straining':true,'difficulty_walking':true},'imaging':{'mri_contraindicated':true}}",
		         hist[k]);
		run *r = A(s);
		EXPECT_STR(r, "triage.urgency", "emergency");
		HAS(r, "workup", "ct_whole_spine");
		LACKS(r, "workup", "mri_whole_spine");
		if (list_has_sub(r, "triage.actions", "mri"))
			fail_msg("MRI contraindicated but an MRI action is listed: %s", r->text);
		HAS(r, "triage.actions", "ct_whole_spine");
		FIRED(r, "NICE-CT");
	}
	/* urgent pathway, child */
	run *r = A("{'patient':{'age_years':8},'cancer':{'history':'known','primary':'neuroblastoma'},"
	           "'symptoms':{'pain_nocturnal':true},'imaging':{'mri_contraindicated':true},'lesions':[{'level':'T9'}]}");
	HAS(r, "workup", "ct_whole_spine");
	LACKS(r, "workup", "mri_whole_spine");
	/* MRI possible: MRI, not CT, as the first imaging of the spine */
	r = A("{'patient':{'age_years':64},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_nocturnal':true,'limb_weakness':true}}");
	HAS(r, "workup", "mri_whole_spine");
	HAS(r, "triage.actions", "whole_spine_mri_24h");
}

static void test_immobilisation_and_xray(void **state)
{
	(void)state;
	/* §7.2, §14: neurology or pain suggesting instability -> immobilise */
	run *r = A("{'patient':{'age_years':64},'cancer':{'history':'known','primary':'breast'},"
	           "'symptoms':{'pain_mechanical':true,'limb_weakness':true}}");
	if (!list_has_sub(r, "triage.actions", "immobilise"))
		fail_msg("mechanical pain with neurology: no immobilisation action: %s", r->text);
	HAS(r, "triage.actions", "no_plain_xray");
	/* SINS 13 (unstable) on the pain pathway */
	r = A("{'patient':{'age_years':64},'cancer':{'history':'known','primary':'lung_nsclc'},"
	      "'symptoms':{'pain_thoracic_or_cervical':true},"
	      "'lesions':[{'level':'L1','pain':'mechanical','bone_lesion':'lytic','alignment':'deformity','collapse':'under_50','posterolateral':'unilateral'}]}");
	EXPECT_INT(r, "lesions.0.sins.total", 13);
	if (!list_has_sub(r, "triage.actions", "immobilise"))
		fail_msg("SINS 13: no immobilisation action: %s", r->text);
	/* gross instability on imaging (subluxation) with neurology, no mechanical
	** pain recorded: §14 "start without delay when neurology suggests spinal
	** instability" */
	r = AM(TRIAGE_BASE, "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true},"
	                    "'lesions':[{'level':'T11','pain':'none','bone_lesion':'lytic','alignment':'subluxation','collapse':'over_50','posterolateral':'bilateral'}]}");
	EXPECT_STR(r, "triage.urgency", "emergency");
	EXPECT_STR(r, "noms.mechanical", "unstable");
	if (!list_has_sub(r, "triage.actions", "immobilise"))
		fail_msg("subluxation (gross instability) with neurology: no immobilisation action: %s", r->text);
	/* no instability suspected: no immobilisation */
	r = A("{'patient':{'age_years':64},'cancer':{'history':'known','primary':'breast'},"
	      "'symptoms':{'pain_thoracic_or_cervical':true,'pain_mechanical':false},"
	      "'lesions':[{'level':'T7','pain':'none','bone_lesion':'blastic','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	if (list_has_sub(r, "triage.actions", "immobilise"))
		fail_msg("stable lesion, no mechanical pain: immobilisation listed: %s", r->text);
	/* §11 #10: never a plain X-ray in the work-up */
	if (list_has_sub(r, "workup", "ray"))
		fail_msg("plain X-ray in the work-up: %s", r->text);
}

/* ------------------------------------------------------------------ */
/* NOMS (§2, §3, §14)                                                   */
/* ------------------------------------------------------------------ */
static void test_noms_escc_grades(void **state)
{
	(void)state;
	static const struct { const char *g, *n; } rows[] = {
		{"0", "low"}, {"1a", "low"}, {"1b", "low"}, {"1c", "indeterminate"}, {"2", "high"}, {"3", "high"},
	};
	for (size_t k = 0; k < 6; k++) {
		char patch[512];
		snprintf(patch, sizeof patch, "{'lesions':[{'level':'L3','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none','escc':'%s'}]}", rows[k].g);
		run *r = AM(NOMS_BASE, patch);
		EXPECT_STR(r, "noms.neurologic", rows[k].n);
		EXPECT_STR(r, "noms.oncologic", "radioresistant");
		EXPECT_STR(r, "noms.mechanical", "stable");
		EXPECT_STR(r, "noms.systemic", "fit");
		EXPECT_STR(r, "lesions.0.escc.grade", rows[k].g);
		EXPECT_STR(r, "lesions.0.escc.band", rows[k].n); /* KEYS §1 escc bands: low, indeterminate, high */
		if (strcmp(rows[k].n, "low") == 0) {
			/* §3.3 radioresistant, low grade, no myelopathy -> SRS */
			HAS(r, "noms.options", "srs");
			LACKS(r, "noms.options", "separation_surgery_then_srs");
			LACKS(r, "noms.options", "stabilisation");
		} else if (strcmp(rows[k].n, "high") == 0) {
			/* §3.3 radioresistant, high grade, fit -> separation surgery + SRS */
			HAS(r, "noms.options", "separation_surgery_then_srs");
			LACKS(r, "noms.options", "srs");
		} else {
			/* §2: 1c never silently collapsed: MDT */
			HAS(r, "noms.options", "mdt_review");
			FIRED(r, "NOMS-N-1C");
		}
		/* §3.3 M: SINS 0-6 -> no mechanical intervention */
		LACKS(r, "noms.options", "stabilisation");
		LACKS(r, "noms.options", "cement_augmentation");
	}
	/* the worst lesion decides N (§2: level of worst compression) */
	run *r = AM(NOMS_BASE, "{'lesions':[{'level':'L3','escc':'1a','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'},"
	                       "{'level':'T9','escc':'3','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	EXPECT_STR(r, "noms.neurologic", "high");
	EXPECT_INT(r, "index_lesion", 1);
	/* low grade with myelopathy in a radioresistant tumour -> MDT (§3.3) */
	r = AM(NOMS_BASE, "{'neurology':{'myelopathy':true},'lesions':[{'level':'L3','escc':'1b','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	EXPECT_STR(r, "noms.neurologic", "low");
	HAS(r, "noms.options", "mdt_review");
	LACKS(r, "noms.options", "srs");
}

static void test_noms_oncologic_catalogue(void **state)
{
	(void)state;
	/* REFERENCE §14 radiosensitivity table (supersedes §3.2) */
	static const char *const sensitive[] = {
		"lymphoma", "leukaemia", "myeloma", "plasmacytoma", "seminoma", "germ_cell_nonseminoma", "teratoma",
		"breast", "prostate", "ovary", "neuroendocrine", "carcinoid", "lung_sclc", "neuroblastoma", "ewing_sarcoma",
	};
	static const char *const resistant[] = {
		"kidney", "thyroid", "liver", "colon", "rectum", "stomach", "oesophagus", "pancreas", "lung_nsclc",
		"melanoma", "soft_tissue_sarcoma", "osteosarcoma",
	};
	size_t nchecked = 0;
	for (size_t h = 0; h < sm_histology_count(); h++) {
		const char *key = sm_histology_at(h)->key;
		const char *want = "unknown";
		for (size_t k = 0; k < sizeof sensitive / sizeof *sensitive; k++)
			if (strcmp(key, sensitive[k]) == 0)
				want = "radiosensitive";
		for (size_t k = 0; k < sizeof resistant / sizeof *resistant; k++)
			if (strcmp(key, resistant[k]) == 0)
				want = "radioresistant";
		char patch[512];
		snprintf(patch, sizeof patch, "{'cancer':{'primary':'%s'},'lesions':[{'level':'L3','escc':'2','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}", key);
		run *r = AM(NOMS_BASE, patch);
		EXPECT_STR(r, "noms.oncologic", want);
		if (strcmp(want, "radiosensitive") == 0) {
			/* §3.3: cEBRT whatever the grade; no separation surgery (§11 #11) */
			HAS(r, "noms.options", "cebrt");
			LACKS(r, "noms.options", "separation_surgery_then_srs");
			LACKS(r, "noms.options", "srs");
		} else if (strcmp(want, "radioresistant") == 0) {
			HAS(r, "noms.options", "separation_surgery_then_srs");
		} else {
			/* §14: histology first; MDT */
			HAS(r, "noms.options", "mdt_review");
			FIRED(r, "NOMS-O-2");
		}
		free_runs(NULL);
		nchecked++;
	}
	assert_int_equal(nchecked, 39);
}

static void test_noms_unknown_histology_asks_for_tissue(void **state)
{
	(void)state;
	/* §14: "anything else, lung of unknown type and unknown primary: oncologic
	** unknown (the recommendation then asks for histology first, e.g. biopsy)" */
	static const char *const prim[] = {"unknown", "lung", "other", "bladder", "head_neck"};
	char missing[256] = "";
	for (int k = 0; k < 5; k++) {
		char patch[512];
		snprintf(patch, sizeof patch, "{'cancer':{'primary':'%s','tissue_confirmed':null}}", prim[k]);
		run *r = AM(NOMS_BASE, patch);
		EXPECT_STR(r, "noms.oncologic", "unknown");
		HAS(r, "noms.options", "mdt_review");
		if (!in_list(jget(r->j, "workup"), "biopsy")) {
			strcat(missing, " ");
			strcat(missing, prim[k]);
		}
	}
	if (missing[0])
		fail_msg("oncologic unknown, tissue not recorded, but no biopsy in the work-up for:%s (REFERENCE §14: histology first, e.g. biopsy)", missing);
}

/* SINS lesions: level pain bone alignment collapse posterolateral -> total */
static const struct sins_row {
	const char *lesion;
	int total;
	const char *band;
} sins_rows[] = {
	/* §13 SINS-6: T3 mechanical lytic normal none none = 6 (upper edge of stable) */
	{"'level':'T3','pain':'mechanical','bone_lesion':'lytic','alignment':'normal','collapse':'none','posterolateral':'none'", 6, "stable"},
	/* SINS-5: L3 occasional mixed normal <50% unilateral = 7 (lower edge) */
	{"'level':'L3','pain':'occasional','bone_lesion':'mixed','alignment':'normal','collapse':'under_50','posterolateral':'unilateral'", 7, "potentially_unstable"},
	/* SINS-4: T12 mechanical lytic normal body>50% bilateral = 12 (upper edge) */
	{"'level':'T12','pain':'mechanical','bone_lesion':'lytic','alignment':'normal','collapse':'body_involved_over_50','posterolateral':'bilateral'", 12, "potentially_unstable"},
	/* SINS-1: L1 mechanical lytic deformity <50% unilateral = 13 */
	{"'level':'L1','pain':'mechanical','bone_lesion':'lytic','alignment':'deformity','collapse':'under_50','posterolateral':'unilateral'", 13, "unstable"},
};

static void test_noms_mechanical_boundaries(void **state)
{
	(void)state;
	for (size_t k = 0; k < 4; k++) {
		char patch[400];
		snprintf(patch, sizeof patch, "{'lesions':[{%s,'escc':'0'}]}", sins_rows[k].lesion);
		run *r = AM(NOMS_BASE, patch);
		EXPECT_INT(r, "lesions.0.sins.total", sins_rows[k].total);
		EXPECT_STR(r, "lesions.0.sins.band", sins_rows[k].band);
		EXPECT_STR(r, "noms.mechanical", sins_rows[k].band);
		if (strcmp(sins_rows[k].band, "stable") == 0) {
			/* SINS 0-6: no mechanical intervention */
			LACKS(r, "noms.options", "surgical_opinion");
			LACKS(r, "noms.options", "stabilisation");
		} else if (strcmp(sins_rows[k].band, "potentially_unstable") == 0) {
			/* §1.2, §3.3: SINS 7-12 -> surgical opinion */
			HAS(r, "noms.options", "surgical_opinion");
			LACKS(r, "noms.options", "stabilisation");
		} else {
			/* SINS 13-18 -> stabilisation if S allows (fit here) */
			HAS(r, "noms.options", "stabilisation");
		}
		/* N and O are independent of M: radioresistant low grade -> SRS */
		HAS(r, "noms.options", "srs");
	}
	/* subluxation/translation is gross instability whatever the total (§3.3) */
	run *r = AM(NOMS_BASE, "{'lesions':[{'level':'S3','pain':'none','bone_lesion':'blastic','alignment':'subluxation','collapse':'none','posterolateral':'none','escc':'0'}]}");
	EXPECT_INT(r, "lesions.0.sins.total", 4);
	EXPECT_STR(r, "noms.mechanical", "unstable");
	HAS(r, "noms.options", "stabilisation");
	/* the most unstable lesion decides M */
	r = AM(NOMS_BASE, "{'lesions':[{'level':'T3','pain':'none','bone_lesion':'blastic','alignment':'normal','collapse':'none','posterolateral':'none','escc':'0'},"
	                  "{'level':'C1','pain':'mechanical','bone_lesion':'lytic','alignment':'subluxation','collapse':'over_50','posterolateral':'bilateral','escc':'0'}]}");
	EXPECT_INT(r, "lesions.1.sins.total", 18);
	EXPECT_STR(r, "noms.mechanical", "unstable");
	/* SINS incomplete with instability possible: not reported stable (§0 rule 2) */
	r = AM(NOMS_BASE, "{'lesions':[{'level':'L1','escc':'0'}]}");
	EXPECT_NONE(r, "noms.mechanical");
	HAS(r, "noms.options", "surgical_opinion");
	HAS(r, "workup", "ct_whole_spine");
}

static void test_noms_cement_augmentation(void **state)
{
	(void)state;
	/* §3.3: pathological body fracture with axial-load pain, no gross instability */
	const char *frac = "{'lesions':[{'level':'T8','pain':'mechanical','bone_lesion':'lytic','alignment':'normal','collapse':'under_50',"
	                   "'posterolateral':'none','escc':'0','pathological_fracture':true,'axial_load_pain':true}]}";
	run *r = AM(NOMS_BASE, frac);
	EXPECT_INT(r, "lesions.0.sins.total", 8);
	HAS(r, "noms.options", "cement_augmentation");
	HAS(r, "noms.options", "srs");
	/* NOMS-6: myeloma -> cement augmentation + cEBRT */
	r = AM(AM(NOMS_BASE, frac)->text, "{'cancer':{'primary':'myeloma'}}");
	HAS(r, "noms.options", "cement_augmentation");
	HAS(r, "noms.options", "cebrt");
	/* no axial-load pain: no cement */
	r = AM(AM(NOMS_BASE, frac)->text, "{'lesions':[{'level':'T8','pain':'occasional','bone_lesion':'lytic','alignment':'normal','collapse':'under_50','posterolateral':'none','escc':'0','pathological_fracture':true,'axial_load_pain':false}]}");
	LACKS(r, "noms.options", "cement_augmentation");
	/* gross instability (subluxation): stabilisation, not cement */
	r = AM(NOMS_BASE, "{'lesions':[{'level':'T8','pain':'mechanical','bone_lesion':'lytic','alignment':'subluxation','collapse':'over_50',"
	                  "'posterolateral':'bilateral','escc':'0','pathological_fracture':true,'axial_load_pain':true}]}");
	LACKS(r, "noms.options", "cement_augmentation");
	HAS(r, "noms.options", "stabilisation");
}

static void test_noms_systemic(void **state)
{
	(void)state;
	/* NOMS-4: radioresistant, high grade, cannot tolerate surgery -> palliative
	** cEBRT / supportive care; never stabilisation or separation surgery,
	** even when mechanically unstable (§3.3 "if S allows") */
	const char *unstable_high = "{'lesions':[{'level':'C1','pain':'mechanical','bone_lesion':'lytic','alignment':'subluxation','collapse':'over_50','posterolateral':'bilateral','escc':'3'}]}";
	static const char *const unfit[] = {
		"{'systemic':{'fit_for_surgery':false,'expected_survival_months':12}}",
		"{'systemic':{'fit_for_surgery':false,'expected_survival_months':null}}",
		"{'systemic':{'fit_for_surgery':true,'expected_survival_months':2}}", /* < 3 months (§3.3 example 3, §7.4) */
	};
	for (int k = 0; k < 3; k++) {
		run *r = AM(AM(NOMS_BASE, unstable_high)->text, unfit[k]);
		EXPECT_STR(r, "noms.systemic", "unfit");
		EXPECT_STR(r, "noms.mechanical", "unstable");
		HAS(r, "noms.options", "cebrt");
		HAS(r, "noms.options", "supportive_care");
		LACKS(r, "noms.options", "separation_surgery_then_srs");
		LACKS(r, "noms.options", "stabilisation");
		EXPECT_BOOL(r, "surgery.patchell_eligible", false);
	}
	/* fit: separation surgery and stabilisation (NOMS-3, NOMS-5 with high grade) */
	run *r = AM(NOMS_BASE, unstable_high);
	EXPECT_STR(r, "noms.systemic", "fit");
	HAS(r, "noms.options", "separation_surgery_then_srs");
	HAS(r, "noms.options", "stabilisation");
	LACKS(r, "noms.options", "supportive_care");
	/* fitness not recorded: systemic unknown, the MDT decides */
	r = AM(NOMS_BASE, "{'systemic':{'fit_for_surgery':null,'expected_survival_months':null},'lesions':[{'level':'T6','escc':'3','pain':'occasional','bone_lesion':'lytic','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	EXPECT_STR(r, "noms.systemic", "unknown");
	HAS(r, "noms.options", "mdt_review");
	/* §13 NOMS-1: myeloma, ESCC 3 with myelopathy, SINS 5, fit -> cEBRT (+ systemic), no separation surgery */
	r = AM(NOMS_BASE, "{'cancer':{'primary':'myeloma'},'neurology':{'myelopathy':true,'frankel':'D'},"
	                  "'lesions':[{'level':'T8','pain':'occasional','bone_lesion':'lytic','alignment':'normal','collapse':'none','posterolateral':'unilateral','escc':'3'}]}");
	EXPECT_INT(r, "lesions.0.sins.total", 5);
	HAS(r, "noms.options", "cebrt");
	HAS(r, "noms.options", "systemic_therapy");
	LACKS(r, "noms.options", "separation_surgery_then_srs");
	/* §13 NOMS-5: NSCLC, ESCC 0, SINS 14 -> stabilisation, then SRS */
	r = AM(NOMS_BASE, "{'cancer':{'primary':'lung_nsclc'},'lesions':[{'level':'L1','pain':'mechanical','bone_lesion':'lytic','alignment':'deformity','collapse':'over_50','posterolateral':'unilateral','escc':'0'}]}");
	EXPECT_INT(r, "lesions.0.sins.total", 14);
	HAS(r, "noms.options", "stabilisation");
	HAS(r, "noms.options", "srs");
}

static void test_noms_escc_below_conus(void **state)
{
	(void)state;
	/* §2: below the conus the Bilsky scale was not designed for roots: show the
	** standard grade with a "scale not validated below conus" flag */
	{
		run *rc = AM(NOMS_BASE, "{'lesions':[{'level':'L3','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none','escc':'2'}]}");
		EXPECT_STR(rc, "lesions.0.escc.grade", "2");
		char *all = show(rc->j);
		bool flagged = strstr(all, "conus") != NULL;
		free(all);
		if (!flagged)
			fail_msg("ESCC 2 at L3 (below the conus): no 'not validated below conus' flag, note or warning anywhere (REFERENCE §2)");
	}
}

static void test_noms_cement_posterior_elements(void **state)
{
	(void)state;
	run *r;
	/* posterior-element compromise (facets/pedicles replaced or fractured on both
	** sides): §3.3 limits vertebroplasty/kyphoplasty to "no gross instability /
	** no posterior-element compromise" */
	r = AM(NOMS_BASE, "{'lesions':[{'level':'T8','pain':'mechanical','bone_lesion':'lytic','alignment':'normal','collapse':'under_50',"
	                  "'posterolateral':'bilateral','escc':'0','pathological_fracture':true,'axial_load_pain':true}]}");
	EXPECT_INT(r, "lesions.0.sins.total", 11);
	LACKS(r, "noms.options", "cement_augmentation");
	HAS(r, "noms.options", "surgical_opinion");
}

static void test_noms_1c_unfit(void **state)
{
	(void)state;
	/* ESCC 1c is an MDT decision between cord-sparing SRS and separation surgery
	** (§2); surgery is still limited by what the patient can tolerate (§3.3) */
	{
		const char *onec = "{'lesions':[{'level':'T9','pain':'none','bone_lesion':'lytic','alignment':'normal','collapse':'none','posterolateral':'none','escc':'1c'}]}";
		run *r1 = AM(AM(NOMS_BASE, onec)->text, "{'systemic':{'fit_for_surgery':false}}");
		EXPECT_STR(r1, "noms.neurologic", "indeterminate");
		EXPECT_STR(r1, "noms.systemic", "unfit");
		HAS(r1, "noms.options", "mdt_review");
		LACKS(r1, "noms.options", "separation_surgery_then_srs");
		r1 = AM(AM(NOMS_BASE, onec)->text, "{'systemic':{'expected_survival_months':2}}");
		EXPECT_STR(r1, "noms.systemic", "unfit");
		LACKS(r1, "noms.options", "separation_surgery_then_srs");
	}
}

static void test_setting(void **state)
{
	(void)state;
	run *r;
	/* KEYS §5 setting: no SRS here -> no "srs" option; cEBRT with a referral */
	r = AM(NOMS_BASE, "{'setting':{'srs_available':false}}");
	EXPECT_STR(r, "noms.neurologic", "low");
	LACKS(r, "noms.options", "srs");
	HAS(r, "noms.options", "cebrt");
	HAS(r, "noms.referrals", "srs_centre");
	FIRED(r, "SETTING-1");
	/* SRS here (absent means available) */
	r = AM(NOMS_BASE, "{'setting':{'srs_available':null}}");
	HAS(r, "noms.options", "srs");
	/* ESCC 1c without SRS: no srs option */
	r = AM(NOMS_BASE, "{'setting':{'srs_available':false},'lesions':[{'level':'L3','escc':'1c','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	LACKS(r, "noms.options", "srs");
	HAS(r, "noms.options", "mdt_review");
	/* high grade, no SRS: a referral for the SRS part */
	r = AM(NOMS_BASE, "{'setting':{'srs_available':false},'lesions':[{'level':'L3','escc':'3','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	LACKS(r, "noms.options", "srs");
	HAS(r, "noms.referrals", "srs_centre");
	/* no spinal surgery here: no stabilisation / separation surgery;
	** surgical opinion + referral */
	r = AM(NOMS_BASE, "{'setting':{'spinal_surgery_available':false},'lesions':[{'level':'C1','pain':'mechanical','bone_lesion':'lytic','alignment':'subluxation','collapse':'over_50','posterolateral':'bilateral','escc':'3'}]}");
	EXPECT_STR(r, "noms.mechanical", "unstable");
	EXPECT_STR(r, "noms.neurologic", "high");
	LACKS(r, "noms.options", "stabilisation");
	LACKS(r, "noms.options", "separation_surgery_then_srs");
	HAS(r, "noms.options", "surgical_opinion");
	HAS(r, "noms.referrals", "spinal_surgery_centre");
	FIRED(r, "SETTING-2");
	/* potentially unstable without surgery here: opinion + referral */
	char patch[400];
	snprintf(patch, sizeof patch, "{'setting':{'spinal_surgery_available':false},'lesions':[{%s,'escc':'0'}]}", sins_rows[1].lesion);
	r = AM(NOMS_BASE, patch);
	HAS(r, "noms.options", "surgical_opinion");
	HAS(r, "noms.referrals", "spinal_surgery_centre");
	/* both missing */
	r = AM(NOMS_BASE, "{'setting':{'spinal_surgery_available':false,'srs_available':false},'lesions':[{'level':'L3','escc':'2','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	LACKS(r, "noms.options", "srs");
	LACKS(r, "noms.options", "separation_surgery_then_srs");
	LACKS(r, "noms.options", "stabilisation");
	HAS(r, "noms.referrals", "spinal_surgery_centre");
	/* no MRI here: CT now and referral for MRI within the target */
	r = A("{'patient':{'age_years':64},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_nocturnal':true,'limb_weakness':true},'setting':{'mri_available':false}}");
	HAS(r, "triage.actions", "ct_whole_spine");
	HAS(r, "noms.referrals", "mri_centre");
	EXPECT_INT(r, "triage.mri_within_hours", 24);
	/* no paediatric oncology here: referral */
	r = A("{'patient':{'age_years':6},'cancer':{'history':'suspected'},'symptoms':{'pain_nocturnal':true,'limb_weakness':true},'setting':{'paediatric_oncology_available':false}}");
	HAS(r, "noms.referrals", "paediatric_oncology_centre");
}

/* ------------------------------------------------------------------ */
/* Patchell (§7.4)                                                      */
/* ------------------------------------------------------------------ */
static void test_patchell_all_met(void **state)
{
	(void)state;
	run *r = A(PATCHELL_BASE);
	EXPECT_BOOL(r, "surgery.patchell_eligible", true);
	static const char *const crit[] = {
		"age_18_or_over", "tissue_proven_non_cns_cancer", "cord_compression_on_mri", "neurological_sign_or_symptom",
		"not_paraplegic_over_48h", "single_area", "expected_survival_3_months", "fit_for_surgery", "not_radiosensitive",
		"not_cauda_equina_only",
	};
	for (size_t k = 0; k < sizeof crit / sizeof *crit; k++)
		EXPECT_CRIT(r, crit[k], "met");
	/* MSCC-4 wording: "consider surgery + RT"; always discuss (§7.4) */
	json_t *note = jget(r->j, "surgery.note");
	assert_non_null(json_string_value(note));
	assert_non_null(strstr(json_string_value(note), "consider"));
}

static void test_patchell_boundaries(void **state)
{
	(void)state;
	static const struct { const char *patch, *criterion; bool eligible; } rows[] = {
		/* not totally paraplegic for > 48 h */
		{"{'neurology':{'complete_paraplegia_hours':48}}", "not_paraplegic_over_48h", true},
		{"{'neurology':{'complete_paraplegia_hours':48.5}}", "not_paraplegic_over_48h", false},
		{"{'neurology':{'complete_paraplegia_hours':49}}", "not_paraplegic_over_48h", false},
		{"{'neurology':{'complete_paraplegia_hours':72}}", "not_paraplegic_over_48h", false},
		{"{'neurology':{'complete_paraplegia_hours':0,'frankel':'C'}}", "not_paraplegic_over_48h", true},
		/* expected survival >= 3 months */
		{"{'systemic':{'expected_survival_months':3}}", "expected_survival_3_months", true},
		{"{'systemic':{'expected_survival_months':2.9}}", "expected_survival_3_months", false},
		{"{'systemic':{'expected_survival_months':1.5}}", "expected_survival_3_months", false},
		/* age >= 18 */
		{"{'patient':{'age_years':18}}", "age_18_or_over", true},
		{"{'patient':{'age_years':17}}", "age_18_or_over", false},
		{"{'patient':{'age_years':17.9}}", "age_18_or_over", false},
		/* single area: two non-contiguous compressive areas are excluded */
		{"{'lesions':[{'level':'T4','escc':'2','compressive':true},{'level':'L2','escc':'3','compressive':true}]}", "single_area", false},
		{"{'lesions':[{'level':'T4','escc':'2'},{'level':'T6','escc':'3'}]}", "single_area", false},
		/* contiguous segments are one area */
		{"{'lesions':[{'level':'T7','escc':'2','compressive':true},{'level':'T8','escc':'3','compressive':true}]}", "single_area", true},
		{"{'lesions':[{'level':'T7-T9','escc':'3'}]}", "single_area", true},
		/* a non-compressive second lesion does not break "single area" */
		{"{'lesions':[{'level':'T8','escc':'3'},{'level':'L4','escc':'1a'}]}", "single_area", true},
		/* cauda equina / roots only (below L1) */
		{"{'lesions':[{'level':'L3','escc':'3','compressive':true}]}", "not_cauda_equina_only", false},
		{"{'lesions':[{'level':'L2-L4','escc':'2'}]}", "not_cauda_equina_only", false},
		{"{'lesions':[{'level':'T12','escc':'3'}]}", "not_cauda_equina_only", true},
		{"{'lesions':[{'level':'L1','escc':'3'}]}", "not_cauda_equina_only", true},
		/* radiosensitive histology (Patchell list: lymphoma, leukaemia, myeloma, germ cell) */
		{"{'cancer':{'primary':'lymphoma'}}", "not_radiosensitive", false},
		{"{'cancer':{'primary':'leukaemia'}}", "not_radiosensitive", false},
		{"{'cancer':{'primary':'myeloma'}}", "not_radiosensitive", false},
		{"{'cancer':{'primary':'plasmacytoma'}}", "not_radiosensitive", false},
		{"{'cancer':{'primary':'seminoma'}}", "not_radiosensitive", false},
		{"{'cancer':{'primary':'germ_cell_nonseminoma'}}", "not_radiosensitive", false},
		/* NOMS-radiosensitive but not on the Patchell list (§12: Patchell list for surgical eligibility) */
		{"{'cancer':{'primary':'breast'}}", "not_radiosensitive", true},
		{"{'cancer':{'primary':'prostate'}}", "not_radiosensitive", true},
		{"{'cancer':{'primary':'kidney'}}", "not_radiosensitive", true},
		/* previous RT precluding 30 Gy/10 */
		{"{'lesions':[{'level':'T8','escc':'3','compressive':true,'prior_radiotherapy':true}]}", "no_prior_rt_precluding_30gy", false},
		/* tissue-proven, not CNS origin */
		{"{'cancer':{'tissue_confirmed':false}}", "tissue_proven_non_cns_cancer", false},
		{"{'cancer':{'primary':'medulloblastoma'}}", "tissue_proven_non_cns_cancer", false},
		/* cord compression on MRI */
		{"{'lesions':[{'level':'T8','escc':'1b'}]}", "cord_compression_on_mri", false},
		{"{'lesions':[{'level':'T8','escc':'1c'}]}", "cord_compression_on_mri", false},
		/* fit */
		{"{'systemic':{'fit_for_surgery':false}}", "fit_for_surgery", false},
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		run *r = AM(PATCHELL_BASE, rows[k].patch);
		EXPECT_BOOL(r, "surgery.patchell_eligible", rows[k].eligible);
		EXPECT_CRIT(r, rows[k].criterion, rows[k].eligible ? "met" : "not_met");
		free_runs(NULL);
	}
}

static void test_patchell_unknowns(void **state)
{
	(void)state;
	/* unknown is never "met": eligibility stays open (§0 rule 2) */
	static const char *const rows[] = {
		"{'patient':{'age_years':null}}",
		"{'systemic':{'expected_survival_months':null}}",
		"{'systemic':{'fit_for_surgery':null}}",
		"{'neurology':{'complete_paraplegia_hours':null}}", /* Frankel A, duration unknown */
		"{'cancer':{'tissue_confirmed':null}}",
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		run *r = AM(PATCHELL_BASE, rows[k]);
		EXPECT_BOOL(r, "surgery.patchell_eligible", false);
		EXPECT_BOOL(r, "surgery.undetermined", true);
	}
}

/* ------------------------------------------------------------------ */
/* paediatrics (§5.4, §8, §12)                                          */
/* ------------------------------------------------------------------ */
static void test_paediatric_ages(void **state)
{
	(void)state;
	const char *base = "{'patient':{'age_years':15,'sex':'male'},'cancer':{'history':'known','primary':'ewing_sarcoma','tissue_confirmed':true},"
	                   "'symptoms':{'pain_thoracic_or_cervical':true},'systemic':{'visceral_metastases':'none'},"
	                   "'performance':{'kps':80},'lesions':[{'level':'T9','escc':'1a','pain':'occasional','bone_lesion':'lytic','alignment':'normal','collapse':'none','posterolateral':'none'}]}";
	static const struct { const char *age; const char *scale; bool note16; } rows[] = {
		{"0", "lansky", false}, {"4.5", "lansky", false}, {"15", "lansky", false}, {"15.9", "lansky", false},
		{"16", "kps", true}, {"17", "kps", false}, {"17.99", "kps", false},
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		char patch[80];
		snprintf(patch, sizeof patch, "{'patient':{'age_years':%s}}", rows[k].age);
		run *r = AM(base, patch);
		EXPECT_STR(r, "paediatric.scale", rows[k].scale);
		EXPECT_BOOL(r, "paediatric.adult_scores_suppressed", true);
		EXPECT_BOOL(r, "scores.computed", false);
		static const char *const adult[] = {"tokuhashi_revised", "tomita", "bauer", "bauer_modified", "nesms", "katagiri"};
		for (int s = 0; s < 6; s++) {
			char p[64];
			snprintf(p, sizeof p, "scores.%s", adult[s]);
			EXPECT_NONE(r, p);
		}
		/* §12: Lansky < 16, flag 16 exactly; from 17 nothing about Lansky */
		if (rows[k].note16 && !paed_note_with(r, "16", "Lansky"))
			fail_msg("age %s: no note flagging that some protocols use Lansky at 16\n  notes: %s", rows[k].age,
			         show(jget(r->j, "paediatric.notes")));
		if (!rows[k].note16 && strcmp(rows[k].scale, "kps") == 0 && paed_note_with(r, "Lansky", NULL))
			fail_msg("age %s: a Lansky note at an age where KPS applies\n  notes: %s", rows[k].age,
			         show(jget(r->j, "paediatric.notes")));
		/* SINS/ESCC descriptive only, flagged (§8) */
		HAS(r, "lesions.0.sins.flags", "not_validated_in_children");
		HAS(r, "lesions.0.escc.flags", "not_validated_in_children");
		/* Patchell enrolled adults only */
		EXPECT_BOOL(r, "surgery.patchell_eligible", false);
		FIRED(r, "PAED-2");
		free_runs(NULL);
	}
	/* 18: adult; no paediatric section, adult scores computed */
	run *r = AM(base, "{'patient':{'age_years':18}}");
	EXPECT_NONE(r, "paediatric");
	EXPECT_BOOL(r, "scores.computed", true);
	EXPECT_STR(r, "scores.tokuhashi_revised.instrument", "tokuhashi_revised");
	EXPECT_STR(r, "scores.tomita.instrument", "tomita");
	EXPECT_STR(r, "scores.bauer.instrument", "bauer");
	EXPECT_STR(r, "scores.bauer_modified.instrument", "bauer_modified");
	EXPECT_STR(r, "scores.nesms.instrument", "nesms");
	EXPECT_STR(r, "scores.katagiri.instrument", "katagiri");
	LACKS(r, "lesions.0.sins.flags", "not_validated_in_children");
	/* age not recorded: computed, with a warning (AGE-1) */
	r = AM(base, "{'patient':{'age_years':null}}");
	EXPECT_NONE(r, "paediatric");
	FIRED(r, "AGE-1");
	/* a child rated with KPS under 16 is told to use Lansky */
	r = AM(base, "{'patient':{'age_years':9}}");
	if (!paed_note_with(r, "Lansky", "Karnofsky"))
		fail_msg("KPS recorded at age 9: no note asking for Lansky: %s", show(jget(r->j, "paediatric.notes")));
}

static void test_paediatric_chemotherapy_first(void **state)
{
	(void)state;
	/* PED-1: 2-year-old, dumbbell neuroblastoma, moderate deficit, stable ->
	** urgent chemotherapy first; surgery for rapid deterioration (De Bernardi 2001) */
	const char *ped1 = "{'patient':{'age_years':2,'sex':'female'},'cancer':{'history':'known','primary':'neuroblastoma','tissue_confirmed':true},"
	                   "'symptoms':{'limb_weakness':true,'difficulty_walking':true},'neurology':{'frankel':'C','deteriorating':false},"
	                   "'performance':{'lansky':50},'lesions':[{'level':'T10','escc':'2','epidural_soft_tissue':true,'pain':'occasional','bone_lesion':'lytic','alignment':'normal','collapse':'none','posterolateral':'unilateral'}]}";
	run *r = A(ped1);
	HAS(r, "noms.options", "chemotherapy_first");
	LACKS(r, "noms.options", "separation_surgery_then_srs");
	LACKS(r, "noms.options", "stabilisation");
	EXPECT_STR(r, "triage.urgency", "emergency");
	EXPECT_STR(r, "triage.dexamethasone", "per_paediatric_protocol");
	EXPECT_BOOL(r, "paediatric.adult_scores_suppressed", true);
	HAS(r, "workup", "bone_marrow");
	/* §8 laminectomy deformity risk and symmetric RT notes */
	if (!paed_note_with(r, "laminoplasty", NULL))
		fail_msg("no laminectomy/laminoplasty note: %s", show(jget(r->j, "paediatric.notes")));
	if (!paed_note_with(r, "symmetric", NULL))
		fail_msg("no symmetric-RT note: %s", show(jget(r->j, "paediatric.notes")));
	/* deteriorating: decompression considered, chemotherapy-first not offered */
	r = AM(ped1, "{'neurology':{'deteriorating':true}}");
	LACKS(r, "noms.options", "chemotherapy_first");
	HAS(r, "noms.options", "surgical_opinion");
	/* lymphoma in a child: chemosensitive too */
	r = AM(ped1, "{'patient':{'age_years':11},'cancer':{'primary':'lymphoma'}}");
	HAS(r, "noms.options", "chemotherapy_first");
	/* not chemosensitive (osteosarcoma): no chemotherapy-first */
	r = AM(ped1, "{'patient':{'age_years':14},'cancer':{'primary':'osteosarcoma'}}");
	LACKS(r, "noms.options", "chemotherapy_first");
	/* adult neuroblastoma-free chemosensitive case (§3.4c): lymphoma, stable -> systemic therapy */
	r = A("{'patient':{'age_years':45},'cancer':{'history':'known','primary':'lymphoma','tissue_confirmed':true},"
	      "'neurology':{'deteriorating':false},'systemic':{'fit_for_surgery':true,'expected_survival_months':24},"
	      "'lesions':[{'level':'T5','escc':'2','pain':'none','bone_lesion':'mixed','alignment':'normal','collapse':'none','posterolateral':'none'}]}");
	HAS(r, "noms.options", "cebrt");
	HAS(r, "noms.options", "systemic_therapy");
	EXPECT_NONE(r, "paediatric");
}

static void test_paediatric_primary_prior(void **state)
{
	(void)state;
	/* §8: under 5 -> neuroblastoma first; from 5 -> sarcoma first */
	run *r = A("{'patient':{'age_years':3},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'pain_nocturnal':true}}");
	EXPECT_STR(r, "primary_candidates.0", "neuroblastoma");
	r = A("{'patient':{'age_years':9},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'pain_nocturnal':true}}");
	const char *first = json_string_value(jget(r->j, "primary_candidates.0"));
	if (!first || !strstr(first, "sarcoma"))
		fail_msg("age 9: sarcoma first expected, got %s", show(jget(r->j, "primary_candidates")));
	/* §10 adult unknown primary: lung first */
	r = A("{'patient':{'age_years':58,'sex':'male'},'cancer':{'history':'suspected','primary':'unknown'},'symptoms':{'pain_nocturnal':true}}");
	EXPECT_STR(r, "primary_candidates.0", "lung");
	HAS(r, "primary_candidates", "prostate");
	LACKS(r, "primary_candidates", "breast");
}

/* ------------------------------------------------------------------ */
/* work-up (§8, §9, KEYS §6)                                            */
/* ------------------------------------------------------------------ */
static void test_workup(void **state)
{
	(void)state;
	run *r;
	static const char *const unknown_primary[] = {
		"ct_chest_abdomen_pelvis", "bone_scan_or_pet", "serum_protein_electrophoresis_free_light_chains",
		"thyroid_examination", "urinalysis", "calcium_alp_ldh", "biopsy",
	};
	/* §9 unknown primary (Rougraff 1993 + standard additions), man: PSA */
	r = A("{'patient':{'age_years':58,'sex':'male'},'cancer':{'history':'suspected','primary':'unknown'},"
	      "'symptoms':{'pain_nocturnal':true},'lesions':[{'level':'T7','disc_space_involved':false}]}");
	for (size_t k = 0; k < sizeof unknown_primary / sizeof *unknown_primary; k++)
		HAS(r, "workup", unknown_primary[k]);
	HAS(r, "workup", "psa");
	LACKS(r, "workup", "breast_examination_mammography");
	/* woman: breast examination and mammography, no PSA */
	r = A("{'patient':{'age_years':58,'sex':'female'},'cancer':{'history':'none'},"
	      "'symptoms':{'pain_nocturnal':true},'lesions':[{'level':'T7'}]}");
	for (size_t k = 0; k < sizeof unknown_primary / sizeof *unknown_primary; k++)
		HAS(r, "workup", unknown_primary[k]);
	HAS(r, "workup", "breast_examination_mammography");
	LACKS(r, "workup", "psa");
	/* sex not recorded: both */
	r = A("{'patient':{'age_years':58},'cancer':{'history':'suspected'},'symptoms':{'pain_nocturnal':true}}");
	HAS(r, "workup", "breast_examination_mammography");
	HAS(r, "workup", "psa");
	/* known, tissue-proven primary: no unknown-primary work-up */
	r = A("{'patient':{'age_years':58,'sex':'male'},'cancer':{'history':'known','primary':'prostate','tissue_confirmed':true},"
	      "'symptoms':{'pain_nocturnal':true}}");
	LACKS(r, "workup", "ct_chest_abdomen_pelvis");
	LACKS(r, "workup", "biopsy");
	LACKS(r, "workup", "urine_catecholamines");
	/* child, new presentation (§8): urine catecholamines, AFP/beta-hCG, MRI */
	r = A("{'patient':{'age_years':3,'sex':'male'},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'pain_nocturnal':true}}");
	HAS(r, "workup", "urine_catecholamines");
	HAS(r, "workup", "afp_bhcg");
	HAS(r, "workup", "mri_whole_spine");
	LACKS(r, "workup", "psa");
	LACKS(r, "workup", "breast_examination_mammography");
	r = A("{'patient':{'age_years':13,'sex':'female'},'cancer':{'history':'none'},'symptoms':{'pain_nocturnal':true}}");
	HAS(r, "workup", "urine_catecholamines");
	HAS(r, "workup", "afp_bhcg");
	/* lymphoma (not confirmed): biopsy before steroids, bone marrow (§9) */
	r = A("{'patient':{'age_years':40,'sex':'male'},'cancer':{'history':'suspected','primary':'lymphoma'},'symptoms':{'pain_thoracic_or_cervical':true}}");
	HAS(r, "workup", "biopsy");
	HAS(r, "workup", "bone_marrow");
	/* leukaemia, confirmed: bone marrow still */
	r = A("{'patient':{'age_years':40},'cancer':{'history':'known','primary':'leukaemia','tissue_confirmed':true},'symptoms':{'pain_thoracic_or_cervical':true}}");
	HAS(r, "workup", "bone_marrow");
	/* myeloma suspected: electrophoresis and free light chains */
	r = A("{'patient':{'age_years':70},'cancer':{'history':'suspected','primary':'myeloma'},'symptoms':{'pain_thoracic_or_cervical':true}}");
	HAS(r, "workup", "serum_protein_electrophoresis_free_light_chains");
	/* CNS primary: CSF cytology */
	r = A("{'patient':{'age_years':9},'cancer':{'history':'known','primary':'medulloblastoma'},'symptoms':{'limb_weakness':true}}");
	HAS(r, "workup", "csf_cytology");
	/* fever: CRP and blood cultures */
	r = A("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_nocturnal':true,'fever':true}}");
	HAS(r, "workup", "crp_blood_cultures");
	r = A("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_nocturnal':true,'fever':false}}");
	LACKS(r, "workup", "crp_blood_cultures");
	/* SINS bone items missing: CT */
	r = A("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_nocturnal':true},'lesions':[{'level':'T7','pain':'none'}]}");
	HAS(r, "workup", "ct_whole_spine");
}

/* ------------------------------------------------------------------ */
/* differential cues (§9)                                               */
/* ------------------------------------------------------------------ */
static void test_differential(void **state)
{
	(void)state;
	run *r;
	/* DD-1: two adjacent bodies, destroyed intervening disc, fever -> spondylodiscitis; infection work-up */
	r = A("{'patient':{'age_years':64,'sex':'female'},'cancer':{'history':'none'},'symptoms':{'pain_localised_tenderness':true,'fever':true},"
	      "'lesions':[{'level':'L3','disc_space_involved':true,'adjacent_endplates_destroyed':true},{'level':'L4','disc_space_involved':true,'adjacent_endplates_destroyed':true}]}");
	HAS(r, "differential", "consider_spondylodiscitis");
	HAS(r, "differential", "consider_tuberculosis"); /* disc sparing does not exclude TB; disc-centred: consider it */
	LACKS(r, "differential", "favour_metastasis");
	HAS(r, "workup", "crp_blood_cultures");
	/* disc preserved, epidural soft tissue -> favour metastasis */
	r = A("{'patient':{'age_years':64,'sex':'female'},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'T9','disc_space_involved':false,'epidural_soft_tissue':true}]}");
	HAS(r, "differential", "favour_metastasis");
	LACKS(r, "differential", "consider_spondylodiscitis");
	/* disc preserved, pedicle involved -> favour metastasis */
	r = A("{'patient':{'age_years':64},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'T9','disc_space_involved':false,'posterolateral':'unilateral'}]}");
	HAS(r, "differential", "favour_metastasis");
	/* skip levels without known cancer -> tuberculosis */
	r = A("{'patient':{'age_years':40},'cancer':{'history':'none'},'symptoms':{'pain_nocturnal':true},"
	      "'lesions':[{'level':'T4','disc_space_involved':false},{'level':'L2','disc_space_involved':false}]}");
	HAS(r, "differential", "consider_tuberculosis");
	/* adult unknown primary -> myeloma */
	r = A("{'patient':{'age_years':66,'sex':'male'},'cancer':{'history':'suspected','primary':'unknown'},'symptoms':{'pain_nocturnal':true},'lesions':[{'level':'T7'}]}");
	HAS(r, "differential", "consider_myeloma");
	/* known breast cancer: no myeloma cue */
	r = A("{'patient':{'age_years':66},'cancer':{'history':'known','primary':'breast'},'lesions':[{'level':'T7'}]}");
	LACKS(r, "differential", "consider_myeloma");
	LACKS(r, "differential", "consider_primary_bone_tumour");
	/* young, solitary lesion, no known cancer -> primary bone tumour */
	r = A("{'patient':{'age_years':20},'cancer':{'history':'none'},'symptoms':{'pain_nocturnal':true},'lesions':[{'level':'L2'}]}");
	HAS(r, "differential", "consider_primary_bone_tumour");
	/* sacrum without known cancer (chordoma) */
	r = A("{'patient':{'age_years':62},'cancer':{'history':'none'},'symptoms':{'pain_severe_unremitting_lower':true},'lesions':[{'level':'S2'}]}");
	HAS(r, "differential", "consider_primary_bone_tumour");
	/* collapse, no epidural mass, no pedicle involvement -> osteoporotic fracture */
	r = A("{'patient':{'age_years':78,'sex':'female'},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'L1','collapse':'under_50','epidural_soft_tissue':false,'posterolateral':'none'}]}");
	HAS(r, "differential", "consider_osteoporotic_fracture");
	/* with an epidural mass, or a pedicle involved: not */
	r = A("{'patient':{'age_years':78,'sex':'female'},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'L1','collapse':'under_50','epidural_soft_tissue':true,'posterolateral':'none'}]}");
	LACKS(r, "differential", "consider_osteoporotic_fracture");
	r = A("{'patient':{'age_years':78,'sex':'female'},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'L1','collapse':'over_50','epidural_soft_tissue':false,'posterolateral':'bilateral'}]}");
	LACKS(r, "differential", "consider_osteoporotic_fracture");
}

/* ------------------------------------------------------------------ */
/* invalid cases (KEYS §5): JSON-pointer paths, allowed values           */
/* ------------------------------------------------------------------ */
static void test_invalid_unknown_keys(void **state)
{
	(void)state;
	EXPECT_ERROR("{'bogus':1}", "/bogus", "patient", "lesions", "setting");
	EXPECT_ERROR("{'patient':{'weight':70}}", "/patient/weight", "age_years", "sex");
	EXPECT_ERROR("{'cancer':{'stage':4}}", "/cancer/stage", "history", "primary");
	EXPECT_ERROR("{'symptoms':{'headache':true}}", "/symptoms/headache", "limb_weakness", "pain_nocturnal");
	EXPECT_ERROR("{'neurology':{'reflexes':'brisk'}}", "/neurology/reflexes", "frankel", "asia");
	EXPECT_ERROR("{'neurology':{'asia':{'foo':true}}}", "/neurology/asia/foo", "sensory_s4_s5", "voluntary_anal_contraction");
	EXPECT_ERROR("{'performance':{'who':1}}", "/performance/who", "kps", "ecog", "lansky");
	EXPECT_ERROR("{'systemic':{'stage':'IV'}}", "/systemic/stage", "visceral_metastases", "labs");
	EXPECT_ERROR("{'systemic':{'labs':{'sodium':140}}}", "/systemic/labs/sodium", "albumin_g_dl", "calcium_mg_dl");
	EXPECT_ERROR("{'imaging':{'ct_done':true}}", "/imaging/ct_done", "mri_contraindicated", "mri_done");
	EXPECT_ERROR("{'lesions':[{'level':'T7'},{'level':'T8','size_mm':30}]}", "/lesions/1/size_mm", "collapse", "escc", "compressive");
	EXPECT_ERROR("{'events':[{'type':'presentation','at':'2026-03-01','where':'ED'}]}", "/events/0/where", "type", "at");
	EXPECT_ERROR("{'setting':{'pet_available':true}}", "/setting/pet_available", "srs_available", "spinal_surgery_available");
	/* JSON pointer escaping of odd keys (RFC 6901) */
	EXPECT_ERROR_AT("{'patient':{'a/b~c':1}}", "/patient/a~1b~0c");
	/* every error is reported, not only the first */
	json_t *e = errors_of("{'bogus':1,'patient':{'weight':70},'setting':{'x':true}}");
	assert_int_equal(json_array_size(e), 3);
}

static void test_invalid_types_and_ranges(void **state)
{
	(void)state;
	/* wrong types */
	EXPECT_ERROR("{'patient':{'age_years':'64'}}", "/patient/age_years", "number");
	EXPECT_ERROR("{'cancer':{'tissue_confirmed':'yes'}}", "/cancer/tissue_confirmed", "true", "false");
	EXPECT_ERROR("{'symptoms':{'limb_weakness':1}}", "/symptoms/limb_weakness", "true", "false");
	EXPECT_ERROR("{'patient':[]}", "/patient", "object");
	EXPECT_ERROR("{'lesions':{'level':'T7'}}", "/lesions", "array");
	EXPECT_ERROR_AT("{'lesions':['T7']}", "/lesions/0");
	EXPECT_ERROR_AT("{'events':{'type':'presentation'}}", "/events");
	EXPECT_ERROR_AT("{'events':['2026-03-01']}", "/events/0");
	EXPECT_ERROR("{'lesions':[{'level':'T7','pathological_fracture':'yes'}]}", "/lesions/0/pathological_fracture", "true", "false");
	/* out-of-vocabulary words list the allowed values */
	EXPECT_ERROR("{'lesions':[{'level':'T7'},{'level':'T8','collapse':'total'}]}", "/lesions/1/collapse",
	             "over_50", "under_50", "body_involved_over_50", "none");
	EXPECT_ERROR("{'lesions':[{'level':'T8','collapse':3}]}", "/lesions/0/collapse", "over_50");
	EXPECT_ERROR("{'lesions':[{'level':'T8','pain':'severe'}]}", "/lesions/0/pain", "mechanical", "occasional");
	EXPECT_ERROR("{'lesions':[{'level':'T8','escc':'4'}]}", "/lesions/0/escc", "1a", "1b", "1c", "3");
	EXPECT_ERROR("{'lesions':[{'level':'T8','escc':2}]}", "/lesions/0/escc", "1c");
	EXPECT_ERROR_AT("{'lesions':[{'level':'coccyx'}]}", "/lesions/0/level");
	EXPECT_ERROR_AT("{'lesions':[{'level':'T13'}]}", "/lesions/0/level");
	EXPECT_ERROR("{'lesions':[{'level':'T2-T3','location':'rigid'}]}", "/lesions/0/location", "junctional");
	EXPECT_ERROR("{'neurology':{'frankel':'F'}}", "/neurology/frankel", "\"A\"", "\"E\"");
	EXPECT_ERROR_AT("{'neurology':{'asia':'F'}}", "/neurology/asia");
	EXPECT_ERROR("{'neurology':{'ambulatory':'walks'}}", "/neurology/ambulatory", "independent", "assisted", "non_ambulatory");
	EXPECT_ERROR("{'patient':{'sex':'m'}}", "/patient/sex", "female", "male", "other");
	EXPECT_ERROR("{'cancer':{'history':'yes'}}", "/cancer/history", "known", "none", "suspected");
	EXPECT_ERROR("{'cancer':{'primary':'lungs'}}", "/cancer/primary", "lung_nsclc", "breast");
	EXPECT_ERROR("{'systemic':{'visceral_metastases':'some'}}", "/systemic/visceral_metastases", "none", "present");
	EXPECT_ERROR("{'systemic':{'visceral_metastases':'present','visceral_pattern':'miliary'}}", "/systemic/visceral_pattern", "nodular", "disseminated");
	EXPECT_ERROR("{'events':[{'type':'admission','at':'2026-03-01'}]}", "/events/0/type", "symptom_onset", "death");
	EXPECT_ERROR("{'schema':'spinemets/case/2'}", "/schema", "spinemets/case/1");
	/* out-of-range numbers name the allowed range */
	EXPECT_ERROR("{'performance':{'kps':75}}", "/performance/kps", "steps of 10");
	EXPECT_ERROR("{'performance':{'kps':110}}", "/performance/kps", "100");
	EXPECT_ERROR("{'performance':{'kps':-10}}", "/performance/kps", "0");
	EXPECT_ERROR("{'performance':{'ecog':5}}", "/performance/ecog", "4");
	EXPECT_ERROR("{'performance':{'ecog':1.5}}", "/performance/ecog", "integer");
	EXPECT_ERROR("{'performance':{'lansky':55}}", "/performance/lansky", "steps of 10");
	EXPECT_ERROR("{'patient':{'age_years':-1}}", "/patient/age_years", "0");
	EXPECT_ERROR("{'patient':{'age_years':131}}", "/patient/age_years", "130");
	EXPECT_ERROR_AT("{'systemic':{'expected_survival_months':-2}}", "/systemic/expected_survival_months");
	EXPECT_ERROR("{'systemic':{'extraspinal_bone_metastases':1.5}}", "/systemic/extraspinal_bone_metastases", "integer");
	EXPECT_ERROR_AT("{'systemic':{'extraspinal_bone_metastases':-1}}", "/systemic/extraspinal_bone_metastases");
	EXPECT_ERROR_AT("{'neurology':{'complete_paraplegia_hours':-1}}", "/neurology/complete_paraplegia_hours");
	EXPECT_ERROR_AT("{'symptoms':{'deficit_days':-3}}", "/symptoms/deficit_days");
	EXPECT_ERROR_AT("{'systemic':{'labs':{'albumin_g_dl':-0.5}}}", "/systemic/labs/albumin_g_dl");
	EXPECT_ERROR_AT("{'neurology':{'asia':{'key_muscles_below_nli':4,'key_muscles_grade3_below_nli':9}}}",
	                "/neurology/asia/key_muscles_grade3_below_nli");
	EXPECT_ERROR_AT("{'neurology':{'asia':{'key_muscles_below_nli':-1}}}", "/neurology/asia/key_muscles_below_nli");
	/* contradictions */
	EXPECT_ERROR("{'cancer':{'history':'none','primary':'breast'}}", "/cancer/primary", "none");
	EXPECT_ERROR_AT("{'systemic':{'visceral_metastases':'none','visceral_pattern':'nodular'}}", "/systemic/visceral_metastases");
	/* too many lesions (SM_MAX_LESIONS = 30) */
	{
		char s[4096] = "{'lesions':[";
		for (int k = 0; k < 31; k++)
			strcat(s, k ? ",{'level':'T7'}" : "{'level':'T7'}");
		strcat(s, "]}");
		EXPECT_ERROR_AT(s, "/lesions");
	}
	/* null means unknown, never an error */
	EXPECT_VALID("{'schema':'spinemets/case/1','patient':{'age_years':null,'sex':null},'cancer':null,'lesions':[{'level':'T7','escc':null,'compressive':null,'pain':null}],'events':null}");
	EXPECT_VALID("{}");
}

static void test_invalid_dates(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "01/03/2026", "2026-3-1",
		"2026-03-01T24:00", "2026-03-01T12:60", "2026-03-01T12", "2026-03-01T12:00+15:00", "2026-03-01T12:00+0100",
		"2026-03-01X", "2026-03-01T12:00:00.", "", "yesterday", "20260301",
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		char s[256];
		snprintf(s, sizeof s, "{'events':[{'type':'presentation','at':'%s'}]}", bad[k]);
		EXPECT_ERROR(s, "/events/0/at", "ISO 8601");
	}
	EXPECT_ERROR("{'events':[{'type':'presentation','at':'2026-03-01'},{'type':'mri_done','at':20260301}]}", "/events/1/at", "ISO 8601");
	/* an event needs both fields */
	EXPECT_ERROR_AT("{'events':[{'type':'presentation'}]}", "/events/0");
	EXPECT_ERROR_AT("{'events':[{'at':'2026-03-01'}]}", "/events/0");
	static const char *const good[] = {
		"2024-02-29", "2000-02-29", "2026-03-01", "2026-03-01T14:30", "2026-03-01T14:30:00Z", "2026-03-01T23:59:59.5Z",
		"2026-03-01T12:00+05:30", "2026-03-01T12:00:00-14:00",
	};
	for (size_t k = 0; k < sizeof good / sizeof *good; k++) {
		char s[256];
		snprintf(s, sizeof s, "{'events':[{'type':'presentation','at':'%s'}]}", good[k]);
		EXPECT_VALID(s);
	}
	/* offsets are applied (UTC seconds) */
	long long t1 = 0, t2 = 0;
	assert_int_equal(sm_parse_iso8601("2026-03-01T12:00:00+01:00", &t1), 0);
	assert_int_equal(sm_parse_iso8601("2026-03-01T11:00:00Z", &t2), 0);
	assert_true(t1 == t2);
	assert_int_equal(sm_parse_iso8601("1970-01-01", &t1), 0);
	assert_true(t1 == 0);
}

static void test_invalid_documents(void **state)
{
	(void)state;
	/* malformed JSON: path "" with line and column */
	json_t *e = errors_of("{'patient': {'age_years': 6");
	assert_int_equal(json_array_size(e), 1);
	json_t *x = json_array_get(e, 0);
	assert_string_equal(json_string_value(json_object_get(x, "path")), "");
	assert_true(json_is_integer(json_object_get(x, "line")));
	assert_true(json_is_integer(json_object_get(x, "column")));
	/* not an object */
	EXPECT_ERROR("[1,2]", "", "object");
	EXPECT_ERROR("'spinemets/case/1'", "", "object");
	/* duplicate keys are refused */
	e = errors_of("{'patient':{'age_years':60},'patient':{'age_years':61}}");
	assert_true(json_array_size(e) >= 1);
	/* the invalid document the CLI prints */
	json_t *doc = sm_json_case_invalid(json_incref(e));
	assert_string_equal(json_string_value(json_object_get(doc, "status")), "invalid");
	assert_true(json_is_array(json_object_get(doc, "errors")));
	json_decref(doc);
}

/* ------------------------------------------------------------------ */
/* the rule table and docs/rules.md                                     */
/* ------------------------------------------------------------------ */
static void test_rule_table(void **state)
{
	(void)state;
	size_t n = sm_rule_count();
	assert_true(n > 0);
	for (size_t k = 0; k < n; k++) {
		const sm_rule *r = sm_rule_at(k);
		assert_non_null(r);
		assert_non_null(r->id);
		assert_true(r->id[0]);
		assert_non_null(r->section);
		assert_true(r->section[0]);
		assert_non_null(r->source);
		assert_true(r->source[0]);
		assert_non_null(r->text);
		assert_true(r->text[0]);
		assert_ptr_equal(sm_rule_find(r->id), r);
		for (size_t m = 0; m < k; m++)
			if (strcmp(sm_rule_at(m)->id, r->id) == 0)
				fail_msg("rule id %s twice", r->id);
	}
	assert_null(sm_rule_find("NO-SUCH-RULE"));
	assert_null(sm_rule_at(n));
	/* the ids KEYS.md §4 names */
	assert_non_null(sm_rule_find("NG234-1.5.2"));
	assert_non_null(sm_rule_find("NOMS-O-1"));
}

static char *slurp_stream(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	*len = n;
	return buf;
}

static void test_rules_markdown_matches_docs(void **state)
{
	(void)state;
	FILE *doc = fopen("docs/rules.md", "rb");
	if (!doc) {
		print_message("docs/rules.md does not exist yet: skipping the comparison with `spinemets rules --markdown`\n");
		skip();
	}
	size_t ndoc, nout;
	char *want = slurp_stream(doc, &ndoc);
	fclose(doc);
	const char *bin = getenv("SPINEMETS_BIN");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "%s rules --markdown", bin && *bin ? bin : "build/spinemets");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *got = slurp_stream(p, &nout);
	int rc = pclose(p);
	assert_int_equal(rc, 0);
	if (ndoc != nout || memcmp(want, got, ndoc) != 0)
		fail_msg("docs/rules.md differs from `%s` (%zu vs %zu bytes): regenerate it", cmd, ndoc, nout);
	/* every rule id of the table is in the document */
	char *text = malloc(nout + 1);
	memcpy(text, got, nout);
	text[nout] = '\0';
	for (size_t k = 0; k < sm_rule_count(); k++)
		if (!strstr(text, sm_rule_at(k)->id))
			fail_msg("rule %s missing from docs/rules.md", sm_rule_at(k)->id);
	free(text);
	free(want);
	free(got);
}

/* ------------------------------------------------------------------ */
/* golden vectors: rules and reasons on each (the CLI run is tests/vectors.c) */
/* ------------------------------------------------------------------ */
static void test_fired_rules_exist(void **state)
{
	(void)state;
	const char *cases[] = {PATCHELL_BASE, NOMS_BASE, TRIAGE_BASE};
	for (int k = 0; k < 3; k++) {
		run *r = A(cases[k]);
		size_t i;
		json_t *x;
		json_array_foreach(jget(r->j, "rules"), i, x) {
			if (!sm_rule_find(json_string_value(x)))
				fail_msg("fired rule %s is not in the rule table", json_string_value(x));
		}
		assert_int_equal(json_array_size(jget(r->j, "rules")), r->a->nfired);
	}
}

/* ------------------------------------------------------------------ */
/* the streaming writer (sm_jw_assessment, sm_jw_case_invalid) and the  */
/* assess route that uses it                                            */
/* ------------------------------------------------------------------ */
#include "http/api.h"

#define JW_FLAGS(indent) (((indent) ? JSON_INDENT(indent) : JSON_COMPACT) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))

static char *jw_assessment_text(const sm_case *c, const sm_assessment *a, int indent)
{
	sm_jw w;
	sm_jw_init(&w, indent);
	sm_jw_assessment(&w, c, a);
	char *t = sm_jw_finish(&w, NULL);
	assert_non_null(t);
	return t;
}

static void expect_keys(json_t *o, const char *const *keys, size_t n, const char *where)
{
	const char *k;
	json_t *v;
	size_t i = 0;
	json_object_foreach(o, k, v) {
		if (i >= n || strcmp(k, keys[i]) != 0)
			fail_msg("%s: key %zu is \"%s\", expected \"%s\"", where, i, k, i < n ? keys[i] : "(none)");
		i++;
	}
	if (i != n)
		fail_msg("%s: %zu keys, expected %zu", where, i, n);
}

/* the document keeps the members and order of KEYS.md §4; compact and
** indented text are what json_dumps() writes for the same tree */
static void test_writer_document(void **state)
{
	(void)state;
	const char *cases[] = {TRIAGE_BASE, NOMS_BASE, PATCHELL_BASE,
		"{'patient':{'age_years':8},'cancer':{'history':'known','primary':'neuroblastoma'},"
		"'lesions':[{'level':'T4-T6','escc':'2'},{'escc':'1b'}]}"};
	for (size_t k = 0; k < N(cases); k++) {
		run *r = A(cases[k]);
		for (int indent = 0; indent <= 2; indent += 2) {
			char *got = jw_assessment_text(r->c, r->a, indent);
			char *want = json_dumps(r->j, JW_FLAGS(indent));
			assert_non_null(want);
			assert_string_equal(got, want);
			free(got);
			free(want);
		}
		const char *top[] = {"schema", "engine_version", "status", "triage", "lesions", "index_lesion", "scores", "noms",
			"surgery", "workup", "workup_reasons", "differential", "differential_reasons", "primary_candidates",
			"paediatric", "warnings", "rules", "care_plan", "disclaimer"};
		const char *top_adult[] = {"schema", "engine_version", "status", "triage", "lesions", "index_lesion", "scores", "noms",
			"surgery", "workup", "workup_reasons", "differential", "differential_reasons", "primary_candidates",
			"warnings", "rules", "care_plan", "disclaimer"};
		if (r->a->paediatric)
			expect_keys(r->j, top, N(top), "assessment");
		else
			expect_keys(r->j, top_adult, N(top_adult), "assessment");
		/* §15: the rule that set the steroid advice, the mimic flags beside the
		** triage (15.1) and the adolescent flag (15.18) */
		const char *tri[] = {"urgency", "contact_within_hours", "mri_within_hours", "dexamethasone", "actions",
			"action_reasons", "reasons", "complete", "dexamethasone_rule", "mimics", "mimic_reasons", "adolescent"};
		const char *tri_routine[] = {"urgency", "contact_within_hours", "dexamethasone", "actions", "action_reasons",
			"reasons", "complete", "dexamethasone_rule", "mimics", "mimic_reasons", "adolescent"};
		if (r->a->mri_within_hours >= 0)
			expect_keys(jget(r->j, "triage"), tri, N(tri), "triage");
		else
			expect_keys(jget(r->j, "triage"), tri_routine, N(tri_routine), "triage");
		const char *noms[] = {"neurologic", "oncologic", "mechanical", "systemic", "assessment_reasons", "options",
			"reasons", "option_frameworks", "referrals"};
		expect_keys(jget(r->j, "noms"), noms, N(noms), "noms");
		const char *surg[] = {"patchell_eligible", "eligibility", "conflict", "reasons", "undetermined", "applicable", "note"};
		expect_keys(jget(r->j, "surgery"), surg, N(surg), "surgery");
		size_t i;
		json_t *l;
		json_array_foreach(jget(r->j, "lesions"), i, l) {
			const char *lk[] = {"level", "index", "sins", "escc"};
			expect_keys(l, lk, N(lk), "lesion");
		}
	}
}

/* what the jansson tree builder did with repeated keys and NULL strings: a
** repeated key keeps its first place in the map with its last reasons, NULL
** list entries are left out; a NULL member is written as null */
static void test_writer_repeated_keys_and_nulls(void **state)
{
	(void)state;
	run *r = A(PATCHELL_BASE);
	sm_assessment *a = malloc(sizeof *a);
	assert_non_null(a);
	memcpy(a, r->a, sizeof *a);
	assert_true(a->nworkup >= 2 && a->nworkup < SM_MAX_WORKUP);
	/* a third entry repeating the first key, with the second entry's reasons */
	a->workup[a->nworkup] = a->workup[1];
	a->workup[a->nworkup].key = a->workup[0].key;
	a->nworkup++;
	assert_true(a->nwarnings + 2 <= SM_MAX_WARNINGS);
	a->warnings[a->nwarnings++] = NULL;
	a->warnings[a->nwarnings++] = "last";
	a->adult_scores_computed = false;
	a->adult_scores_reason = NULL;
	char *text = jw_assessment_text(r->c, a, 0);
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	json_t *keys = jget(j, "workup"), *map = jget(j, "workup_reasons");
	assert_int_equal(json_array_size(keys), a->nworkup);
	assert_int_equal(json_object_size(map), a->nworkup - 1);
	assert_string_equal(json_object_iter_key(json_object_iter(map)), a->workup[0].key);
	json_t *first = json_object_get(map, a->workup[0].key);
	assert_int_equal(json_array_size(first), a->workup[1].nreasons);
	assert_string_equal(json_string_value(jget(first, "0.text")), a->workup[1].reasons[0].text);
	/* the text itself holds the repeated key once in the map (a parser would hide a repeat) */
	char pat[128];
	snprintf(pat, sizeof pat, "\"%s\":", a->workup[0].key);
	const char *from = strstr(text, "\"workup_reasons\":"), *to = strstr(text, "\"differential\":");
	assert_true(from && to && from < to);
	int seen = 0;
	for (const char *p = strstr(from, pat); p && p < to; p = strstr(p + 1, pat))
		seen++;
	assert_int_equal(seen, 1);
	json_t *w = jget(j, "warnings");
	assert_int_equal(json_array_size(w), a->nwarnings - 1);
	assert_string_equal(json_string_value(json_array_get(w, json_array_size(w) - 1)), "last");
	assert_true(json_is_null(jget(j, "scores.reason")));
	assert_false(json_is_true(jget(j, "scores.computed")));
	json_decref(j);
	free(text);
	free(a);
}

/* the invalid document: the errors as given, byte for byte what jansson dumps */
static void test_writer_invalid_document(void **state)
{
	(void)state;
	const char *bad[] = {"{'patient': {'age_years': 6", "{'patient':{'sex':'x\\n\\u00e9\\u0001'},'bogus':1}", "[1]"};
	for (size_t k = 0; k < N(bad); k++) {
		json_t *e = errors_of(bad[k]);
		assert_true(json_array_size(e) > 0);
		json_t *o = json_object();
		json_object_set_new(o, "schema", json_string("spinemets/assessment/1"));
		json_object_set_new(o, "engine_version", json_string(SM_ENGINE_VERSION));
		json_object_set_new(o, "status", json_string("invalid"));
		json_object_set(o, "errors", e);
		for (int indent = 0; indent <= 2; indent += 2) {
			sm_jw w;
			sm_jw_init(&w, indent);
			sm_jw_case_invalid(&w, e);
			char *got = sm_jw_finish(&w, NULL);
			char *want = json_dumps(o, JW_FLAGS(indent));
			assert_non_null(got);
			assert_string_equal(got, want);
			free(got);
			free(want);
		}
		/* the tree wrapper steals the errors */
		json_t *doc = sm_json_case_invalid(json_incref(e));
		assert_true(json_equal(doc, o));
		json_decref(doc);
		json_decref(o);
	}
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_case_invalid(&w, NULL);
	char *t = sm_jw_finish(&w, NULL);
	assert_non_null(t);
	assert_non_null(strstr(t, "\"status\":\"invalid\",\"errors\":[]}"));
	free(t);
}

/* POST /api/v1/assess answers with the writer's text; its buffers are reused
** between requests and freed by sm_api_shutdown() */
static void test_api_assess_route(void **state)
{
	(void)state;
	const char *cases[] = {PATCHELL_BASE, "{'patient':{'age_years':-1}}", TRIAGE_BASE, "{'patient':", NOMS_BASE,
		PATCHELL_BASE};
	const unsigned status[] = {200, 422, 200, 400, 200, 200};
	for (int round = 0; round < 2; round++) {
		for (size_t k = 0; k < N(cases); k++) {
			char *body = q(cases[k]);
			sm_api_response resp;
			sm_api_handle("POST", "/api/v1/assess", "application/json", body, strlen(body), &resp);
			assert_int_equal(resp.status, status[k]);
			assert_string_equal(resp.content_type, "application/json");
			assert_int_equal(strlen(resp.body), resp.len);
			char *want;
			if (status[k] == 200) {
				run *r = A(cases[k]);
				want = jw_assessment_text(r->c, r->a, 0);
			} else {
				json_t *e = errors_of(cases[k]);
				sm_jw w;
				sm_jw_init(&w, 0);
				sm_jw_case_invalid(&w, e);
				want = sm_jw_finish(&w, NULL);
			}
			assert_string_equal(resp.body, want);
			free(want);
			free(body);
			sm_api_response_free(&resp);
			free_runs(NULL);
		}
		sm_api_shutdown(); /* the route works again afterwards */
	}
	sm_api_shutdown();
}


/* ------------------------------------------------------------------ */
/* REFERENCE §15: every S15 rule id fires on one side of its boundary  */
/* and not on the other                                                */
/* ------------------------------------------------------------------ */
static bool fired(const sm_assessment *a, const char *id)
{
	for (size_t k = 0; k < a->nfired; k++)
		if (strcmp(a->fired[k]->id, id) == 0)
			return true;
	return false;
}

/* assert_fired / assert_not_fired come from testutil.h */

typedef struct boundary_row {
	const char *id;
	const char *fires;     /* single-quoted case on the firing side */
	const char *not_fires; /* the nearest case on the other side */
} boundary_row;

#define NOCA "'cancer':{'history':'none'}"
#define SIMPLE_SYM "'symptoms':{'pain_thoracic_or_cervical':false,'pain_progressive_lumbar':false,'pain_severe_unremitting_lower':false,'pain_nocturnal':false,'pain_mechanical':true,'radicular_pain':false,'limb_weakness':false,'difficulty_walking':false,'sensory_loss':false,'bladder_bowel_dysfunction':false,'no_improvement_4_6_weeks':false,'weight_loss':false,'fever':false,'night_sweats':false},'history':{'immunosuppression':false,'long_term_steroids':false,'osteoporosis':false,'injecting_drug_use':false},'infection':{'tb_history_or_contact':false,'bacteraemia_or_endocarditis':false}"
#define PAT(neuro, extra) "{'patient':{'age_years':58},'cancer':{'history':'known','primary':'kidney','tissue_confirmed':true},'systemic':{'fit_for_surgery':true,'expected_survival_months':" extra ",'visceral_metastases':'none'},'symptoms':{'limb_weakness':true},'neurology':{" neuro "},'lesions':[{'level':'T9','escc':'3'}]}"

static const boundary_row boundaries[] = {
	{"S15-1-CORD", "{'patient':{'age_years':50}," NOCA ",'symptoms':{'limb_weakness':true},'neurology':{'sensory_level':true}}",
	 "{'patient':{'age_years':50}," NOCA ",'symptoms':{'limb_weakness':true},'neurology':{'sensory_level':false}}"},
	{"S15-1-CAUDA", "{'patient':{'age_years':40}," NOCA ",'symptoms':{'pain_mechanical':true,'saddle_sensory_change':true}}",
	 "{'patient':{'age_years':40}," NOCA ",'symptoms':{'pain_mechanical':false,'radicular_pain':false,'saddle_sensory_change':true}}"},
	{"S15-1-MRI-4H", "{'patient':{'age_years':40}," NOCA ",'symptoms':{'pain_mechanical':true,'sexual_dysfunction':true}}",
	 "{'patient':{'age_years':40},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_mechanical':true,'sexual_dysfunction':true}}"},
	{"S15-1-MRI-24H", "{'patient':{'age_years':50}," NOCA ",'neurology':{'frankel':'C'}}", "{'patient':{'age_years':50}," NOCA ",'neurology':{'frankel':'E'}}"},
	{"S15-1-DEX-DISCUSS", "{'patient':{'age_years':50}," NOCA ",'neurology':{'frankel':'C'}}",
	 "{'patient':{'age_years':50},'cancer':{'history':'suspected'},'neurology':{'frankel':'C'}}"},
	{"S15-1-MIMIC-STROKE", "{'neurology':{'sudden_unilateral_weakness_face_speech_vision':true}}", "{'neurology':{'sudden_unilateral_weakness_face_speech_vision':false}}"},
	{"S15-1-MIMIC-GBS", "{'neurology':{'ascending_weakness':true,'areflexia':true}}", "{'neurology':{'ascending_weakness':true,'areflexia':false}}"},
	{"S15-1-MIMIC-HAEMATOMA", "{'history':{'recent_neuraxial_procedure':true}}", "{'history':{'recent_neuraxial_procedure':false}}"},
	{"S15-1-MIMIC-CONSCIOUSNESS", "{'neurology':{'reduced_consciousness':true}}", "{'neurology':{'reduced_consciousness':false}}"},
	{"S15-2-CHILD-N", "{'patient':{'age_years':3}," NOCA ",'symptoms':{'new_limp':true}}", "{'patient':{'age_years':18}," NOCA ",'symptoms':{'new_limp':true}}"},
	{"S15-2-EMERGENCY", "{'patient':{'age_years':3}," NOCA ",'symptoms':{'new_limp':true,'reduced_anal_sensation':true}}",
	 "{'patient':{'age_years':3}," NOCA ",'symptoms':{'new_limp':false,'reduced_anal_sensation':false}}"},
	{"S15-2-PAIN", "{'patient':{'age_years':17.9}," NOCA ",'symptoms':{'pain_analgesia_resistant':true}}", "{'patient':{'age_years':18}," NOCA ",'symptoms':{'pain_analgesia_resistant':true}}"},
	{"S15-2-MRI", "{'patient':{'age_years':17.9}," NOCA ",'symptoms':{'new_limp':true,'refuses_to_walk':true}}", "{'patient':{'age_years':18}," NOCA ",'symptoms':{'new_limp':true,'refuses_to_walk':true}}"},
	{"S15-2-SEDATION", "{'patient':{'age_years':9},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'stridor_or_orthopnoea':true}}",
	 "{'patient':{'age_years':9},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'stridor_or_orthopnoea':false}}"},
	{"S15-3-RADIOLOGICAL", "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'lesions':[{'level':'T5','escc':'2'}]}",
	 "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'lesions':[{'level':'T5','escc':'1b'}]}"},
	{"S15-4-SIMPLE", "{'patient':{'age_years':49}," NOCA "," SIMPLE_SYM "}", "{'patient':{'age_years':50}," NOCA "," SIMPLE_SYM "}"},
	{"S15-4-RED-FLAG", "{'patient':{'age_years':19}," NOCA "," SIMPLE_SYM "}", "{'patient':{'age_years':20}," NOCA "," SIMPLE_SYM "}"},
	{"S15-4-UNRECORDED", "{'patient':{'age_years':30}," NOCA ",'symptoms':{'pain_mechanical':true}}", "{'patient':{'age_years':30}," NOCA "," SIMPLE_SYM "}"},
	{"S15-4-ROOT", "{'patient':{'age_years':30}," NOCA ",'neurology':{'root_weakness_mrc':3}}", "{'patient':{'age_years':30}," NOCA ",'neurology':{'root_weakness_mrc':4}}"},
	{"S15-4-MYELOMA", "{'patient':{'age_years':60}," NOCA ",'symptoms':{'pain_mechanical':true,'pain_persistent':true}}",
	 "{'patient':{'age_years':59.9}," NOCA ",'symptoms':{'pain_mechanical':true,'pain_persistent':true}}"},
	{"S15-5-PATCHELL", PAT("'frankel':'A','complete_paraplegia_hours':48", "3"), PAT("'frankel':'A','complete_paraplegia_hours':48.5", "3")},
	{"S15-5-OUTSIDE", PAT("'frankel':'C'", "2.9"), PAT("'frankel':'C'", "3")},
	{"S15-5-UNKNOWN", PAT("'frankel':'A'", "3"), PAT("'frankel':'B'", "3")},
	{"S15-6-PRIOR-RT", "{'cancer':{'history':'known','primary':'prostate'},'lesions':[{'level':'L2','prior_radiotherapy':true}]}",
	 "{'cancer':{'history':'known','primary':'prostate'},'lesions':[{'level':'L2','prior_radiotherapy':false}]}"},
	{"S15-7-TISSUE-FIRST", "{'patient':{'age_years':30},'cancer':{'history':'suspected','primary':'lymphoma'},'symptoms':{'limb_weakness':true},'neurology':{'frankel':'D','deteriorating':false}}",
	 "{'patient':{'age_years':30},'cancer':{'history':'suspected','primary':'lymphoma'},'symptoms':{'limb_weakness':true},'neurology':{'frankel':'C','deteriorating':false}}"},
	{"S15-7-DEX-NOW", "{'patient':{'age_years':30},'cancer':{'history':'suspected','primary':'lymphoma'},'symptoms':{'limb_weakness':true},'neurology':{'frankel':'C','deteriorating':false}}",
	 "{'patient':{'age_years':30},'cancer':{'history':'suspected','primary':'lymphoma'},'symptoms':{'limb_weakness':true},'neurology':{'frankel':'D','deteriorating':false}}"},
	{"S15-7-TLS", "{'patient':{'age_years':30},'cancer':{'history':'suspected','primary':'leukaemia'},'symptoms':{'limb_weakness':true}}",
	 "{'patient':{'age_years':30},'cancer':{'history':'suspected','primary':'leukaemia','tissue_confirmed':true},'symptoms':{'limb_weakness':true}}"},
	{"S15-7-FEATURES", "{'patient':{'age_years':39},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'lymphadenopathy':true}}",
	 "{'patient':{'age_years':40},'cancer':{'history':'suspected'},'symptoms':{'limb_weakness':true,'lymphadenopathy':true}}"},
	{"S15-8-INFECTION", "{" NOCA ",'systemic':{'labs':{'esr_mm_h':30}}}", "{" NOCA ",'systemic':{'labs':{'esr_mm_h':29}}}"},
	{"S15-8-TB", "{'infection':{'tb_endemic_region':true}}", "{'infection':{'tb_endemic_region':false}}"},
	{"S15-8-WORKUP", "{'patient':{'age_years':18},'infection':{'gibbus':true}}", "{'patient':{'age_years':17},'infection':{'gibbus':true}}"},
	{"S15-8-ANTIBIOTICS", "{'patient':{'age_years':40},'infection':{'abscess':true}}", "{'patient':{'age_years':40},'infection':{'abscess':false}}"},
	{"S15-8-DEX", "{'patient':{'age_years':40},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true,'fever':true}}",
	 "{'patient':{'age_years':40},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true,'fever':false}}"},
	{"S15-8-CHILD", "{'patient':{'age_years':17},'infection':{'gibbus':true}}", "{'patient':{'age_years':18},'infection':{'gibbus':true}}"},
	{"S15-9-CHEMO-FIRST", "{'patient':{'age_years':6},'cancer':{'history':'known','primary':'wilms'},'neurology':{'deteriorating':false}}",
	 "{'patient':{'age_years':6},'cancer':{'history':'known','primary':'osteosarcoma'},'neurology':{'deteriorating':false}}"},
	{"S15-9-CRANIOSPINAL", "{'patient':{'age_years':6},'cancer':{'history':'known','primary':'medulloblastoma'},'neurology':{'deteriorating':false}}",
	 "{'patient':{'age_years':6},'cancer':{'history':'known','primary':'neuroblastoma'},'neurology':{'deteriorating':false}}"},
	{"S15-10-PREGNANCY", "{'history':{'pregnant':true}}", "{'history':{'pregnant':false}}"},
	{"S15-10-ANTICOAG", "{'history':{'anticoagulant_or_antiplatelet':true}}", "{'history':{'anticoagulant_or_antiplatelet':false}}"},
	{"S15-10-CORRECT", "{'systemic':{'labs':{'platelets_per_ul':49999}}}", "{'systemic':{'labs':{'platelets_per_ul':50000}}}"},
	{"S15-11-COLLAR", "{'lesions':[{'level':'C7','alignment':'subluxation'}]}", "{'lesions':[{'level':'T1','alignment':'subluxation'}]}"},
	{"S15-11-C0C2", "{'lesions':[{'level':'C2','alignment':'subluxation'}]}", "{'lesions':[{'level':'C3','alignment':'subluxation'}]}"},
	{"S15-12-BUNDLE", "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true}}",
	 "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':false,'difficulty_walking':false,'sensory_loss':false,'bladder_bowel_dysfunction':false,'radicular_pain':false,'pain_nocturnal':true}}"},
	{"S15-12-STRONGYLOIDES", "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true},'infection':{'tb_endemic_region':true}}",
	 "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true},'infection':{'tb_endemic_region':false}}"},
	{"S15-12-CHILD", "{'patient':{'age_years':17.5},'cancer':{'history':'known','primary':'lymphoma'}}", "{'patient':{'age_years':18},'cancer':{'history':'known','primary':'lymphoma'}}"},
	{"S15-13-CONFLICT", "{'performance':{'kps':90,'ecog':2}}", "{'performance':{'kps':90,'ecog':0}}"},
	{"S15-14-SARCOMA", "{'patient':{'age_years':29}," NOCA ",'lesions':[{'level':'L1'}]}", "{'patient':{'age_years':30}," NOCA ",'lesions':[{'level':'L1'}]}"},
	{"S15-15-CALCIUM", "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'polyuria':true}}", "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'polyuria':false}}"},
	{"S15-15-RAISED", "{'systemic':{'labs':{'adjusted_calcium_mmol_l':2.61}}}", "{'systemic':{'labs':{'adjusted_calcium_mmol_l':2.6}}}"},
	{"S15-16-MYELOMA", "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'plasmacytoma'}}", "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'lymphoma'}}"},
	{"S15-16-SCREEN", "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'myeloma'}}", "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'myeloma','tissue_confirmed':true}}"},
	{"S15-17-RT", "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'prostate'},'symptoms':{'limb_weakness':true},'lesions':[{'level':'T4','escc':'2'}]}",
	 "{'patient':{'age_years':70},'cancer':{'history':'known','primary':'prostate'},'lesions':[{'level':'T4','escc':'1a'}]}"},
	{"S15-18-ADOLESCENT", "{'patient':{'age_years':16}}", "{'patient':{'age_years':15.9}}"},
	{"S15-19-TRANSFER", "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true},'setting':{'radiotherapy_available':false}}",
	 "{'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true},'setting':{'radiotherapy_available':true}}"},
};

static void test_section15_boundaries(void **state)
{
	(void)state;
	for (size_t k = 0; k < N(boundaries); k++) {
		const boundary_row *b = &boundaries[k];
		run *r = A(b->fires);
		if (!fired(r->a, b->id))
			fail_msg("%s did not fire on %s", b->id, b->fires);
		r = A(b->not_fires);
		if (fired(r->a, b->id))
			fail_msg("%s fired on the other side of its boundary: %s", b->id, b->not_fires);
	}
	/* every §15 rule of the table has a boundary row here */
	for (size_t k = 0; k < sm_rule_count(); k++) {
		const sm_rule *rule = sm_rule_at(k);
		if (strncmp(rule->id, "S15-", 4) != 0)
			continue;
		bool found = false;
		for (size_t j = 0; j < N(boundaries); j++)
			found |= strcmp(boundaries[j].id, rule->id) == 0;
		if (!found)
			fail_msg("rule %s has no boundary test", rule->id);
	}
}

/* §15.5, §15.1, §15.12: concrete decisions from the issue's failure classes */
static void test_section15_decisions(void **state)
{
	(void)state;
	/* paraplegic for 5 days: no decompressive or separation surgery, surgical opinion for stability */
	run *r = A(PAT("'frankel':'A','complete_paraplegia_hours':120", "6"));
	assert_fired(r->a, "S15-5-OUTSIDE");
	LACKS(r, "noms.options", "separation_surgery_then_srs");
	LACKS(r, "noms.options", "decompressive_surgery_then_rt");
	HAS(r, "noms.options", "surgical_opinion");
	EXPECT_STR(r, "surgery.eligibility", "not_eligible");
	/* every criterion: the Patchell option beside NOMS, each with its framework */
	r = A(PAT("'frankel':'C','complete_paraplegia_hours':0", "6"));
	HAS(r, "noms.options", "decompressive_surgery_then_rt");
	HAS(r, "noms.options", "separation_surgery_then_srs");
	EXPECT_STR(r, "noms.option_frameworks.decompressive_surgery_then_rt", "Patchell");
	EXPECT_STR(r, "noms.option_frameworks.separation_surgery_then_srs", "NOMS");
	/* a missing input: eligibility unknown, never false */
	r = A(PAT("'frankel':'C','complete_paraplegia_hours':0", "null"));
	EXPECT_STR(r, "surgery.eligibility", "unknown");
	HAS(r, "noms.options", "surgical_opinion");
	/* toddler with overflow incontinence and weakness, no pain, no cancer: emergency with MRI */
	r = A("{'patient':{'age_years':2}," NOCA ",'symptoms':{'limb_weakness':true,'constipation_with_overflow':true}}");
	EXPECT_STR(r, "triage.urgency", "emergency");
	HAS(r, "workup", "mri_whole_spine");
	EXPECT_STR(r, "triage.dexamethasone", "discuss_with_team_now"); /* §15.1: no cancer known */
	LACKS(r, "triage.actions", "dexamethasone_16mg");
	assert_not_fired(r->a, "NG234-1.8.1");
	/* mimic flag beside an emergency: the triage stays emergency */
	r = A("{'patient':{'age_years':70},'cancer':{'history':'known','primary':'breast'},'symptoms':{'limb_weakness':true},'neurology':{'sudden_unilateral_weakness_face_speech_vision':true}}");
	EXPECT_STR(r, "triage.urgency", "emergency");
	HAS(r, "triage.mimics", "stroke_pathway");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_triage_rule_every_branch, free_runs),
		cmocka_unit_test_teardown(test_triage_each_feature, free_runs),
		cmocka_unit_test_teardown(test_triage_signs_count_as_N, free_runs),
		cmocka_unit_test_teardown(test_triage_unrecorded_symptoms, free_runs),
		cmocka_unit_test_teardown(test_triage_no_history_unknown_primary, free_runs),
		cmocka_unit_test_teardown(test_triage_first_presentation_child, free_runs),
		cmocka_unit_test_teardown(test_dexamethasone, free_runs),
		cmocka_unit_test_teardown(test_mri_contraindicated_ct, free_runs),
		cmocka_unit_test_teardown(test_immobilisation_and_xray, free_runs),
		cmocka_unit_test_teardown(test_noms_escc_grades, free_runs),
		cmocka_unit_test_teardown(test_noms_oncologic_catalogue, free_runs),
		cmocka_unit_test_teardown(test_noms_unknown_histology_asks_for_tissue, free_runs),
		cmocka_unit_test_teardown(test_noms_mechanical_boundaries, free_runs),
		cmocka_unit_test_teardown(test_noms_cement_augmentation, free_runs),
		cmocka_unit_test_teardown(test_noms_systemic, free_runs),
		cmocka_unit_test_teardown(test_noms_escc_below_conus, free_runs),
		cmocka_unit_test_teardown(test_noms_cement_posterior_elements, free_runs),
		cmocka_unit_test_teardown(test_noms_1c_unfit, free_runs),
		cmocka_unit_test_teardown(test_setting, free_runs),
		cmocka_unit_test_teardown(test_patchell_all_met, free_runs),
		cmocka_unit_test_teardown(test_patchell_boundaries, free_runs),
		cmocka_unit_test_teardown(test_patchell_unknowns, free_runs),
		cmocka_unit_test_teardown(test_paediatric_ages, free_runs),
		cmocka_unit_test_teardown(test_paediatric_chemotherapy_first, free_runs),
		cmocka_unit_test_teardown(test_paediatric_primary_prior, free_runs),
		cmocka_unit_test_teardown(test_workup, free_runs),
		cmocka_unit_test_teardown(test_differential, free_runs),
		cmocka_unit_test_teardown(test_invalid_unknown_keys, free_runs),
		cmocka_unit_test_teardown(test_invalid_types_and_ranges, free_runs),
		cmocka_unit_test_teardown(test_invalid_dates, free_runs),
		cmocka_unit_test_teardown(test_invalid_documents, free_runs),
		cmocka_unit_test_teardown(test_rule_table, free_runs),
		cmocka_unit_test_teardown(test_rules_markdown_matches_docs, free_runs),
		cmocka_unit_test_teardown(test_fired_rules_exist, free_runs),
		cmocka_unit_test_teardown(test_writer_document, free_runs),
		cmocka_unit_test_teardown(test_writer_repeated_keys_and_nulls, free_runs),
		cmocka_unit_test_teardown(test_writer_invalid_document, free_runs),
		cmocka_unit_test_teardown(test_api_assess_route, free_runs),
		cmocka_unit_test_teardown(test_section15_boundaries, free_runs),
		cmocka_unit_test_teardown(test_section15_decisions, free_runs),
	};
	SM_RUN_SUITE("assess", tests);
}
