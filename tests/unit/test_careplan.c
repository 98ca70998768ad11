/*
** test_careplan.c: the care plan (REFERENCE §16, src/core/careplan.c).
**
**  - the table: CARE ids unique and cited (§16), age scopes from the list,
**    base rows before their addons, capacities that the table cannot exceed
**    (items, rules per item, text), the outcomes to record (§16 last paragraph);
**  - every CARE rule at its boundary, through the real parser and sm_assess:
**    age 16 vs 17 (VTE, NG89 "over 16" as REFERENCE §15.18 states it), T6 vs
**    T7 (autonomic dysreflexia), 11 vs 12 (codeine), 17 vs 18 (adult and
**    paediatric rows), Tokuhashi 8 vs 9 and Tomita 7 vs 8 (crafted scores),
**    ECOG 2 vs 3, KPS 50 vs 40, expected survival 2 vs 3 months, C7 vs T1
**    (collar), ESCC 1a vs 2 (single 8 Gy vs MSCC radiotherapy), and the checks
**    an unrecorded input gives (never a silent drop of a safety item);
**  - the JSON contract (care_plan.items[] with phase, key, text, rules[{id,
**    section}], age_scope; outcomes_to_record[]);
**  - a property test over 60,000 generated cases: every item has rules, each a
**    CARE id of the table, in its age scope; no adult score triggers palliative
**    care in a child; the plan never contradicts the triage (precautions with
**    emergency triage or log-roll, mobilisation only within precautions, never
**    "keep active" beside precautions, no MSCC and non-MSCC radiotherapy
**    together); nothing dropped or truncated.
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "testcase.h"
#include "spinemets.h"
#include "io/json_case.h"

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */
static sm_case g_c;
static sm_assessment g_a;


/* Parse (must be valid) and assess; returns the care plan. */
static const sm_care_plan *P(const char *case_q)
{
	char *t = q(case_q);
	json_t *errors = sm_json_read_case(t, strlen(t), &g_c);
	assert_non_null(errors);
	if (json_array_size(errors)) {
		char *e = json_dumps(errors, JSON_COMPACT);
		fail_msg("test bug: invalid case %s: %s", t, e ? e : "?");
	}
	json_decref(errors);
	free(t);
	assert_int_equal(sm_assess(&g_c, &g_a), SM_OK);
	return &g_a.care_plan;
}

static const sm_care_item *item(const sm_care_plan *p, const char *key)
{
	for (size_t k = 0; k < p->nitems; k++)
		if (strcmp(p->items[k].key, key) == 0)
			return &p->items[k];
	return NULL;
}

static const sm_care_ref *ref(const sm_care_plan *p, const char *id)
{
	for (size_t k = 0; k < p->nitems; k++)
		for (size_t r = 0; r < p->items[k].nrules; r++)
			if (strcmp(p->items[k].rules[r].rule->rule.id, id) == 0)
				return &p->items[k].rules[r];
	return NULL;
}

/* `id` applied and decided (not a check) */
static void fired(const sm_care_plan *p, const char *id)
{
	const sm_care_ref *r = ref(p, id);
	if (!r)
		fail_msg("%s not in the care plan", id);
	if (r->check)
		fail_msg("%s is a check (%s), expected decided", id, r->missing ? r->missing : "?");
}

/* `id` applied as a check whose missing text names `word` */
static void checked(const sm_care_plan *p, const char *id, const char *word)
{
	const sm_care_ref *r = ref(p, id);
	if (!r)
		fail_msg("%s not in the care plan, expected a check", id);
	if (!r->check)
		fail_msg("%s decided, expected a check naming \"%s\"", id, word);
	if (!r->missing || !strstr(r->missing, word))
		fail_msg("%s: missing text \"%s\" does not name \"%s\"", id, r->missing ? r->missing : "(null)", word);
}

static void absent(const sm_care_plan *p, const char *id)
{
	if (ref(p, id))
		fail_msg("%s in the care plan, expected absent", id);
}

static bool has_text(const sm_care_item *it, const char *s) { return it && strstr(it->text, s) != NULL; }

/* cases */
#define ADULT_MSCC "{'patient':{'age_years':%s},'cancer':{'history':'known','primary':'breast'}," \
	"'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true},'neurology':{'ambulatory':'non_ambulatory'}}"

static const sm_care_plan *Pf(const char *fmt, const char *arg)
{
	char buf[2048];
	snprintf(buf, sizeof buf, fmt, arg);
	return P(buf);
}

/* ------------------------------------------------------------------ */
/* the table                                                            */
/* ------------------------------------------------------------------ */
static const char *const SCOPES[] = {"all ages", "18 and over", "under 18", "under 12", "over 16", "16 and under"};
#define MISSING_MAX 120 /* longest "missing" text the predicates may give (checked by the property test) */

static void test_table(void **state)
{
	(void)state;
	size_t n = sm_care_rule_count();
	assert_true(n >= 25);
	assert_null(sm_care_rule_at(n));
	const char *keys[64];
	size_t nkeys = 0, rows_per_key[64] = {0}, text_per_key[64] = {0};
	for (size_t k = 0; k < n; k++) {
		const sm_care_rule *r = sm_care_rule_at(k);
		assert_non_null(r);
		assert_true(strncmp(r->rule.id, "CARE-", 5) == 0);
		assert_ptr_equal(sm_care_rule_find(r->rule.id), r);
		for (size_t m = 0; m < k; m++)
			if (strcmp(sm_care_rule_at(m)->rule.id, r->rule.id) == 0)
				fail_msg("duplicate id %s", r->rule.id);
		if (!strstr(r->rule.section, "§16"))
			fail_msg("%s: section %s does not cite §16", r->rule.id, r->rule.section);
		assert_true(r->rule.source && *r->rule.source && r->rule.text && *r->rule.text && r->when && *r->when);
		bool scope_ok = false;
		for (size_t s = 0; s < N(SCOPES); s++)
			scope_ok = scope_ok || strcmp(SCOPES[s], r->age_scope) == 0;
		if (!scope_ok)
			fail_msg("%s: age scope \"%s\" not in the list", r->rule.id, r->age_scope);
		assert_true(r->phase == SM_CARE_NOW || r->phase == SM_CARE_DURING || r->phase == SM_CARE_AFTER);
		size_t ki;
		for (ki = 0; ki < nkeys; ki++)
			if (strcmp(keys[ki], r->key) == 0)
				break;
		if (ki == nkeys) {
			/* a new item: its first row is a base row and the table is in phase order */
			if (r->addon)
				fail_msg("%s: addon before any base row of %s", r->rule.id, r->key);
			if (nkeys)
				assert_true(sm_care_rule_at(k - 1)->phase <= r->phase);
			assert_true(nkeys < N(keys));
			keys[nkeys++] = r->key;
		} else {
			/* rows of one item are contiguous and share its phase */
			if (strcmp(sm_care_rule_at(k - 1)->key, r->key) != 0)
				fail_msg("%s: rows of %s are not contiguous", r->rule.id, r->key);
			assert_int_equal(sm_care_rule_at(k - 1)->phase, r->phase);
		}
		rows_per_key[ki]++;
		text_per_key[ki] += strlen(r->rule.text) + 1 + strlen("Check (): ") + MISSING_MAX;
	}
	/* capacities: the table cannot overflow a plan (so ndropped and truncated stay 0) */
	assert_true(nkeys <= SM_CARE_MAX_ITEMS);
	for (size_t ki = 0; ki < nkeys; ki++) {
		if (rows_per_key[ki] > SM_CARE_MAX_RULES)
			fail_msg("%s has %zu rows, more than SM_CARE_MAX_RULES", keys[ki], rows_per_key[ki]);
		if (text_per_key[ki] >= SM_CARE_TEXT_SIZE)
			fail_msg("%s: worst-case text %zu bytes does not fit SM_CARE_TEXT_SIZE", keys[ki], text_per_key[ki]);
	}
	assert_null(sm_care_rule_find("NG234-1.5.2"));
	assert_null(sm_care_rule_find(NULL));
	assert_string_equal(sm_care_phase_name(SM_CARE_NOW), "now");
	assert_string_equal(sm_care_phase_name(SM_CARE_DURING), "during");
	assert_string_equal(sm_care_phase_name(SM_CARE_AFTER), "after");
	assert_int_equal(sm_care_plan_build(NULL, &g_a, &g_a.care_plan), SM_E_ARGUMENT);
}

static void test_outcomes(void **state)
{
	(void)state;
	static const char *const want[] = {"alive_30_days", "alive_3_months", "alive_6_months", "alive_12_months",
		"ambulatory_status_30_days", "ambulatory_status_12_months", "frankel_or_asia_30_days", "frankel_or_asia_3_months",
		"frankel_or_asia_6_months", "frankel_or_asia_12_months", "date_of_death", "date_of_last_contact", "complications",
		"treatment_abandoned_and_why"};
	const sm_care_plan *p = P("{'patient':{'age_years':60}}");
	assert_int_equal(p->noutcomes, sm_care_outcome_count());
	for (size_t w = 0; w < N(want); w++) {
		bool found = false;
		for (size_t k = 0; k < p->noutcomes; k++)
			found = found || strcmp(p->outcomes[k].key, want[w]) == 0;
		if (!found)
			fail_msg("outcome %s not listed", want[w]);
	}
	assert_null(sm_care_outcome_at(sm_care_outcome_count()));
}

/* ------------------------------------------------------------------ */
/* every rule at its boundary                                           */
/* ------------------------------------------------------------------ */
static void test_precautions(void **state)
{
	(void)state;
	const sm_care_plan *p = Pf(ADULT_MSCC, "18");
	fired(p, "CARE-PRECAUTIONS-1");
	absent(p, "CARE-PRECAUTIONS-2");
	fired(p, "CARE-REHAB-2");
	p = Pf(ADULT_MSCC, "17");
	fired(p, "CARE-PRECAUTIONS-2");
	absent(p, "CARE-PRECAUTIONS-1");
	/* urgent (pain, no neurology): mechanical pain decides; not recorded -> check */
	const char *urgent = "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
		"'symptoms':{'pain_thoracic_or_cervical':true,'pain_mechanical':%s,'radicular_pain':false,'limb_weakness':false,"
		"'difficulty_walking':false,'sensory_loss':false,'bladder_bowel_dysfunction':false}}";
	p = Pf(urgent, "true");
	fired(p, "CARE-PRECAUTIONS-1");
	p = Pf(urgent, "false");
	assert_null(item(p, "spinal_precautions"));
	absent(p, "CARE-REHAB-2");
	p = Pf(urgent, "null");
	checked(p, "CARE-PRECAUTIONS-1", "mechanical pain");
	checked(p, "CARE-REHAB-2", "mechanical pain");
	/* a SINS 13+ lesion is unstable even on the routine pathway */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'L1','pain':'mechanical','bone_lesion':'lytic','alignment':'deformity','collapse':'under_50','posterolateral':'unilateral'}]}");
	fired(p, "CARE-PRECAUTIONS-1");
	/* SINS incomplete with 13+ still possible: check */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
	      "'lesions':[{'level':'L1','bone_lesion':'lytic'}]}");
	checked(p, "CARE-PRECAUTIONS-1", "SINS");
}

static void test_collar(void **state)
{
	(void)state;
	const char *c = "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
		"'symptoms':{'limb_weakness':true},'lesions':[{'level':'%s','escc':'2'}]}";
	const sm_care_plan *p = Pf(c, "C7");
	fired(p, "CARE-PRECAUTIONS-COLLAR");
	p = Pf(c, "T1");
	fired(p, "CARE-PRECAUTIONS-1");
	absent(p, "CARE-PRECAUTIONS-COLLAR");
}

static void test_vte(void **state)
{
	(void)state;
	const sm_care_plan *p = Pf(ADULT_MSCC, "17");
	fired(p, "CARE-VTE-1");
	absent(p, "CARE-VTE-2");
	assert_string_equal(item(p, "vte_bleeding_risk")->age_scope, "over 16");
	p = Pf(ADULT_MSCC, "16");
	fired(p, "CARE-VTE-2");
	absent(p, "CARE-VTE-1");
	assert_string_equal(item(p, "vte_bleeding_risk")->age_scope, "16 and under");
	p = Pf(ADULT_MSCC, "16.5");
	fired(p, "CARE-VTE-1");
	/* walking independently, nothing else reducing mobility: no VTE item */
	const char *walk = "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
		"'neurology':{'ambulatory':%s,'frankel':'E'},'symptoms':{'pain_thoracic_or_cervical':true,'pain_mechanical':false}}";
	p = Pf(walk, "'independent'");
	assert_null(item(p, "vte_bleeding_risk"));
	p = Pf(walk, "'assisted'");
	fired(p, "CARE-VTE-1");
	p = Pf(walk, "null");
	checked(p, "CARE-VTE-1", "walking");
	/* ECOG 3 is reduced mobility */
	p = P("{'patient':{'age_years':60},'neurology':{'frankel':'E'},'performance':{'ecog':3}}");
	fired(p, "CARE-VTE-1");
	/* bleeding risk recorded: no added drug prophylaxis until the plan (REFERENCE §15.10) */
	p = P("{'patient':{'age_years':60},'neurology':{'ambulatory':'assisted'},'history':{'anticoagulant_or_antiplatelet':true}}");
	fired(p, "CARE-VTE-BLEEDING");
	p = P("{'patient':{'age_years':60},'neurology':{'ambulatory':'assisted'},'systemic':{'labs':{'platelets_per_ul':49000}}}");
	fired(p, "CARE-VTE-BLEEDING");
	p = P("{'patient':{'age_years':60},'neurology':{'ambulatory':'assisted'},'systemic':{'labs':{'platelets_per_ul':50000,'inr':1.5}}}");
	absent(p, "CARE-VTE-BLEEDING");
	p = P("{'patient':{'age_years':60},'neurology':{'ambulatory':'assisted'},'systemic':{'labs':{'inr':1.6}}}");
	fired(p, "CARE-VTE-BLEEDING");
	/* age not recorded: the over-16 row applies */
	p = P("{'neurology':{'ambulatory':'non_ambulatory'}}");
	fired(p, "CARE-VTE-1");
	absent(p, "CARE-VTE-2");
}

static void test_bladder_and_dysreflexia(void **state)
{
	(void)state;
	const char *c = "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
		"'symptoms':{'limb_weakness':true},'lesions':[{'level':'%s','escc':'3'}]}";
	const sm_care_plan *p = Pf(c, "T6");
	fired(p, "CARE-BLADDER-1");
	fired(p, "CARE-BLADDER-AD");
	p = Pf(c, "T7");
	fired(p, "CARE-BLADDER-1");
	absent(p, "CARE-BLADDER-AD");
	p = Pf(c, "T6-T8");
	fired(p, "CARE-BLADDER-AD");
	p = Pf(c, "C5");
	fired(p, "CARE-BLADDER-AD");
	/* a deficit without a recorded level: the dysreflexia risk is a check */
	p = Pf(ADULT_MSCC, "60");
	checked(p, "CARE-BLADDER-AD", "level");
	/* no deficit and walking independently: no bladder item */
	p = P("{'patient':{'age_years':60},'neurology':{'frankel':'E','ambulatory':'independent'},"
	      "'lesions':[{'level':'T4','escc':'1a'}]}");
	assert_null(item(p, "bladder_bowel_pressure"));
	/* nothing recorded: a check, never dropped */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'}}");
	checked(p, "CARE-BLADDER-1", "not recorded");
	/* no deficit (Frankel E) at T4 but immobile: bladder care, no dysreflexia */
	p = P("{'patient':{'age_years':60},'neurology':{'frankel':'E','ambulatory':'assisted'},'lesions':[{'level':'T4','escc':'1a'}]}");
	fired(p, "CARE-BLADDER-1");
	absent(p, "CARE-BLADDER-AD");
}

static void test_pain(void **state)
{
	(void)state;
	const char *c = "{'patient':{'age_years':%s},'cancer':{'history':'known','primary':'breast'},"
		"'symptoms':{'pain_thoracic_or_cervical':true}}";
	const sm_care_plan *p = Pf(c, "11");
	fired(p, "CARE-PAIN-1");
	fired(p, "CARE-PAIN-CHILD");
	fired(p, "CARE-PAIN-CODEINE");
	assert_true(has_text(item(p, "pain_plan"), "No codeine under 12"));
	p = Pf(c, "12");
	fired(p, "CARE-PAIN-CHILD");
	absent(p, "CARE-PAIN-CODEINE");
	p = Pf(c, "17");
	fired(p, "CARE-PAIN-CHILD");
	p = Pf(c, "18");
	absent(p, "CARE-PAIN-CHILD");
	absent(p, "CARE-PAIN-CODEINE");
	/* age not recorded: the codeine rule is a check */
	p = P("{'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_thoracic_or_cervical':true}}");
	checked(p, "CARE-PAIN-CODEINE", "age");
	/* no pain recorded at all: a check; pain recorded absent: no pain plan */
	p = P("{'patient':{'age_years':60}}");
	checked(p, "CARE-PAIN-1", "pain");
	p = P("{'patient':{'age_years':60},'symptoms':{'pain_thoracic_or_cervical':false,'pain_progressive_lumbar':false,"
	      "'pain_severe_unremitting_lower':false,'pain_on_straining':false,'pain_localised_tenderness':false,"
	      "'pain_nocturnal':false,'pain_mechanical':false,'radicular_pain':false}}");
	assert_null(item(p, "pain_plan"));
}

static void test_radiotherapy_in_pain_plan(void **state)
{
	(void)state;
	/* painful metastasis without compression or deficit: single 8 Gy */
	const char *c = "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},"
		"'symptoms':{'pain_thoracic_or_cervical':true,'radicular_pain':false,'limb_weakness':false,'difficulty_walking':false,"
		"'sensory_loss':false,'bladder_bowel_dysfunction':false},'lesions':[{'level':'T8','escc':'%s'}]}";
	const sm_care_plan *p = Pf(c, "1a");
	fired(p, "CARE-PAIN-8GY");
	absent(p, "CARE-PAIN-MSCC-RT");
	p = Pf(c, "2");
	absent(p, "CARE-PAIN-8GY");
	fired(p, "CARE-PAIN-MSCC-RT");
	/* no lesion imaged yet: the 8 Gy rule waits (not a safety rule) */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'},'symptoms':{'pain_thoracic_or_cervical':true}}");
	absent(p, "CARE-PAIN-8GY");
	/* no cancer: no MSCC radiotherapy line even with an emergency */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'none'},'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true}}");
	assert_int_equal(g_a.urgency, SM_URG_EMERGENCY);
	absent(p, "CARE-PAIN-MSCC-RT");
	/* children: neither adult radiotherapy line */
	p = P("{'patient':{'age_years':10},'cancer':{'history':'known','primary':'ewing_sarcoma'},"
	      "'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true},'lesions':[{'level':'T8','escc':'3'}]}");
	absent(p, "CARE-PAIN-MSCC-RT");
	absent(p, "CARE-PAIN-8GY");
}

static void test_bone_agent(void **state)
{
	(void)state;
	const char *c = "{'patient':{'age_years':%s},'cancer':{'history':'known','primary':'breast'},'lesions':[{'level':'T8'}]}";
	const sm_care_plan *p = Pf(c, "18");
	fired(p, "CARE-BONE-1");
	assert_int_equal(item(p, "bone_targeted_therapy")->phase, SM_CARE_DURING);
	p = Pf(c, "17");
	absent(p, "CARE-BONE-1");
	/* a primary whose catalogue attribute is not set (the decision reads the attribute) */
	int idx = -1;
	const sm_histology *h = sm_histology_find("kidney", &idx);
	assert_non_null(h);
	assert_false(h->bone_agent);
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'kidney'},'lesions':[{'level':'T8'}]}");
	absent(p, "CARE-BONE-1");
	size_t with_attr = 0;
	for (size_t k = 0; k < sm_histology_count(); k++)
		with_attr += sm_histology_at(k)->bone_agent;
	assert_true(with_attr >= 3);
	/* primary not identified: a check; no cancer: nothing */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'suspected','primary':'unknown'},'lesions':[{'level':'T8'}]}");
	checked(p, "CARE-BONE-1", "primary");
	p = P("{'patient':{'age_years':60},'cancer':{'history':'none'},'lesions':[{'level':'T8'}]}");
	absent(p, "CARE-BONE-1");
	/* no bone metastasis shown yet */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'prostate'}}");
	checked(p, "CARE-BONE-1", "bone metastases");
	p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'prostate'},'systemic':{'extraspinal_bone_metastases':2}}");
	fired(p, "CARE-BONE-1");
}

static void test_every_patient_items(void **state)
{
	(void)state;
	const char *cases[] = {"{}", "{'patient':{'age_years':3}}", ADULT_MSCC};
	for (size_t k = 0; k < N(cases); k++) {
		const sm_care_plan *p = strchr(cases[k], '%') ? Pf(cases[k], "70") : P(cases[k]);
		fired(p, "CARE-REHAB-1");
		fired(p, "CARE-REHAB-3");
		fired(p, "CARE-INFO-1");
		fired(p, "CARE-SOCIAL-1");
		assert_int_equal(item(p, "rehabilitation_discharge")->phase, SM_CARE_DURING);
	}
}

static void test_palliative_adult(void **state)
{
	(void)state;
	const char *base = "{'patient':{'age_years':60},'cancer':{'history':'known','primary':'lung_nsclc'},%s}";
	const sm_care_plan *p = Pf(base, "'systemic':{'expected_survival_months':2}");
	fired(p, "CARE-PALL-1");
	fired(p, "CARE-PALL-SURVIVAL");
	checked(p, "CARE-PALL-SYMPTOMS", "complex symptoms");
	assert_false(item(p, "palliative_care")->check);
	p = Pf(base, "'systemic':{'expected_survival_months':3},'performance':{'ecog':1}");
	absent(p, "CARE-PALL-SURVIVAL");
	checked(p, "CARE-PALL-1", "no trigger");
	p = Pf(base, "'systemic':{'expected_survival_months':12},'performance':{'ecog':3}");
	fired(p, "CARE-PALL-1");
	fired(p, "CARE-PALL-ECOG");
	p = Pf(base, "'systemic':{'expected_survival_months':12},'performance':{'ecog':2}");
	absent(p, "CARE-PALL-ECOG");
	checked(p, "CARE-PALL-1", "no trigger");
	p = Pf(base, "'systemic':{'expected_survival_months':12},'performance':{'kps':40}");
	fired(p, "CARE-PALL-ECOG");
	p = Pf(base, "'systemic':{'expected_survival_months':12},'performance':{'kps':50}");
	absent(p, "CARE-PALL-ECOG");
	/* the worse of ECOG and KPS (REFERENCE §15.13) */
	p = Pf(base, "'systemic':{'expected_survival_months':12},'performance':{'kps':90,'ecog':3}");
	fired(p, "CARE-PALL-ECOG");
	/* nothing recorded: a check naming expected survival */
	p = Pf(base, "'symptoms':{}");
	checked(p, "CARE-PALL-1", "expected survival");
	/* no cancer and no trigger: no palliative item */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'none'},'lesions':[{'level':'L3'}]}");
	assert_null(item(p, "palliative_care"));
	/* but a recorded trigger counts without cancer */
	p = P("{'patient':{'age_years':60},'cancer':{'history':'none'},'systemic':{'expected_survival_months':1}}");
	fired(p, "CARE-PALL-SURVIVAL");
}

/* The score triggers on crafted results: totals at the boundary and ranges. */
static void with_score(sm_result *r, sm_result_status st, int lo, int hi)
{
	memset(r, 0, sizeof *r);
	r->status = st;
	r->has_total = true;
	r->lo = lo;
	r->hi = hi;
	r->total = lo;
}

static void test_palliative_scores(void **state)
{
	(void)state;
	P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'kidney'},'systemic':{'expected_survival_months':12},"
	  "'performance':{'ecog':1}}");
	static sm_assessment a;
	memcpy(&a, &g_a, sizeof a);
	a.adult_scores_computed = true;
	with_score(&a.tomita, SM_RESULT_OK, 2, 2);
	struct { sm_result_status st; int lo, hi; bool trig; } tok[] = {
		{SM_RESULT_OK, 8, 8, true}, {SM_RESULT_OK, 9, 9, false}, {SM_RESULT_OK, 0, 0, true},
		{SM_RESULT_INCOMPLETE, 5, 8, true}, {SM_RESULT_INCOMPLETE, 7, 10, false}, {SM_RESULT_INCOMPLETE, 9, 12, false}};
	for (size_t k = 0; k < N(tok); k++) {
		with_score(&a.tokuhashi, tok[k].st, tok[k].lo, tok[k].hi);
		assert_int_equal(sm_care_plan_build(&g_c, &a, &a.care_plan), SM_OK);
		if (tok[k].trig) {
			fired(&a.care_plan, "CARE-PALL-TOKUHASHI");
			fired(&a.care_plan, "CARE-PALL-1");
		} else {
			absent(&a.care_plan, "CARE-PALL-TOKUHASHI");
			checked(&a.care_plan, "CARE-PALL-1", "no trigger");
		}
	}
	with_score(&a.tokuhashi, SM_RESULT_OK, 12, 12);
	struct { sm_result_status st; int lo, hi; bool trig; } tom[] = {
		{SM_RESULT_OK, 7, 7, false}, {SM_RESULT_OK, 8, 8, true}, {SM_RESULT_OK, 10, 10, true},
		{SM_RESULT_INCOMPLETE, 8, 10, true}, {SM_RESULT_INCOMPLETE, 6, 8, false}};
	for (size_t k = 0; k < N(tom); k++) {
		with_score(&a.tomita, tom[k].st, tom[k].lo, tom[k].hi);
		assert_int_equal(sm_care_plan_build(&g_c, &a, &a.care_plan), SM_OK);
		if (tom[k].trig) {
			fired(&a.care_plan, "CARE-PALL-TOMITA");
			/* no survival figure shown with the Tomita trigger */
			assert_null(strstr(sm_care_rule_find("CARE-PALL-TOMITA")->rule.text, "month"));
			assert_null(strstr(sm_care_rule_find("CARE-PALL-TOMITA")->rule.text, "%"));
		} else {
			absent(&a.care_plan, "CARE-PALL-TOMITA");
		}
	}
	/* scores not computed (a child): never a trigger, whatever they hold */
	with_score(&a.tomita, SM_RESULT_OK, 10, 10);
	with_score(&a.tokuhashi, SM_RESULT_OK, 0, 0);
	a.adult_scores_computed = false;
	assert_int_equal(sm_care_plan_build(&g_c, &a, &a.care_plan), SM_OK);
	absent(&a.care_plan, "CARE-PALL-TOMITA");
	absent(&a.care_plan, "CARE-PALL-TOKUHASHI");
}

static void test_palliative_child(void **state)
{
	(void)state;
	const char *c = "{'patient':{'age_years':%s},'cancer':{'history':'known','primary':'neuroblastoma'},"
		"'performance':{'ecog':4,'kps':20},'systemic':{'expected_survival_months':12}}";
	const sm_care_plan *p = Pf(c, "17");
	absent(p, "CARE-PALL-1");
	absent(p, "CARE-PALL-ECOG");
	checked(p, "CARE-PALL-PAED", "no trigger");
	fired(p, "CARE-PALL-ADOLESCENT");
	p = Pf(c, "15.9");
	absent(p, "CARE-PALL-ADOLESCENT");
	p = Pf(c, "16");
	fired(p, "CARE-PALL-ADOLESCENT");
	assert_string_equal(item(p, "palliative_care")->age_scope, "under 18");
	p = Pf(c, "18");
	fired(p, "CARE-PALL-1");
	fired(p, "CARE-PALL-ECOG");
	p = P("{'patient':{'age_years':4},'cancer':{'history':'known','primary':'neuroblastoma'},'systemic':{'expected_survival_months':2}}");
	fired(p, "CARE-PALL-PAED");
	fired(p, "CARE-PALL-SURVIVAL");
	/* a child without cancer or trigger: no palliative item */
	p = P("{'patient':{'age_years':9},'cancer':{'history':'none'}}");
	assert_null(item(p, "palliative_care"));
}

static void test_information(void **state)
{
	(void)state;
	const sm_care_plan *p = Pf(ADULT_MSCC, "60");
	fired(p, "CARE-INFO-ADULT");
	absent(p, "CARE-INFO-CHILD");
	assert_true(has_text(item(p, "information_support"), "48 hours"));
	p = Pf(ADULT_MSCC, "6");
	fired(p, "CARE-INFO-CHILD");
	absent(p, "CARE-INFO-ADULT");
	p = P("{'patient':{'age_years':60},'neurology':{'frankel':'E'}}");
	absent(p, "CARE-INFO-ADULT");
}

static void test_social(void **state)
{
	(void)state;
	const sm_care_plan *p = P("{'patient':{'age_years':60},'setting':{'mri_available':false}}");
	fired(p, "CARE-SOCIAL-2");
	p = P("{'patient':{'age_years':60},'setting':{'mri_available':true}}");
	absent(p, "CARE-SOCIAL-2");
	fired(p, "CARE-SOCIAL-1");
	assert_true(has_text(item(p, "social_financial_support"), "named contact"));
}

static void test_follow_up(void **state)
{
	(void)state;
	const sm_care_plan *p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'}}");
	fired(p, "CARE-FOLLOWUP-1");
	fired(p, "CARE-FOLLOWUP-2");
	assert_int_equal(item(p, "follow_up")->phase, SM_CARE_AFTER);
	assert_true(has_text(item(p, "follow_up"), "triage"));
	p = P("{'patient':{'age_years':60},'cancer':{'history':'none'},'symptoms':{'pain_thoracic_or_cervical':false,"
	      "'pain_progressive_lumbar':false,'pain_severe_unremitting_lower':false,'pain_on_straining':false,"
	      "'pain_localised_tenderness':false,'pain_nocturnal':false,'pain_mechanical':false,'radicular_pain':false,"
	      "'limb_weakness':false,'difficulty_walking':false,'sensory_loss':false,'bladder_bowel_dysfunction':false}}");
	assert_int_equal(g_a.urgency, SM_URG_ROUTINE);
	assert_null(item(p, "follow_up"));
	p = P("{'patient':{'age_years':60},'symptoms':{'pain_thoracic_or_cervical':false,"
	      "'pain_progressive_lumbar':false,'pain_severe_unremitting_lower':false,'pain_on_straining':false,"
	      "'pain_localised_tenderness':false,'pain_nocturnal':false,'pain_mechanical':false,'radicular_pain':false,"
	      "'limb_weakness':false,'difficulty_walking':false,'sensory_loss':false,'bladder_bowel_dysfunction':false}}");
	checked(p, "CARE-FOLLOWUP-1", "cancer history");
}

static void test_growth(void **state)
{
	(void)state;
	const char *c = "{'patient':{'age_years':%s},'cancer':{'history':'known','primary':'ewing_sarcoma'},"
		"'events':[{'type':'radiotherapy_start','at':'2026-01-02T10:00Z'}]}";
	const sm_care_plan *p = Pf(c, "17");
	fired(p, "CARE-GROWTH-1");
	assert_int_equal(item(p, "growth_surveillance")->phase, SM_CARE_AFTER);
	p = Pf(c, "18");
	absent(p, "CARE-GROWTH-1");
	p = P("{'patient':{'age_years':8},'cancer':{'history':'known','primary':'ewing_sarcoma'},'lesions':[{'level':'T4','prior_radiotherapy':true}]}");
	fired(p, "CARE-GROWTH-1");
	p = P("{'patient':{'age_years':8},'cancer':{'history':'known','primary':'ewing_sarcoma'}}");
	checked(p, "CARE-GROWTH-1", "surgery or radiotherapy");
	p = P("{'cancer':{'history':'known','primary':'ewing_sarcoma'}}");
	absent(p, "CARE-GROWTH-1");
}

/* ------------------------------------------------------------------ */
/* JSON (shared contract) and the text of a check                       */
/* ------------------------------------------------------------------ */
static void test_json_contract(void **state)
{
	(void)state;
	P("{'patient':{'age_years':11},'cancer':{'history':'known','primary':'breast'},"
	  "'symptoms':{'pain_thoracic_or_cervical':true,'limb_weakness':true}}");
	json_t *j = sm_json_assessment(&g_c, &g_a);
	assert_non_null(j);
	json_t *cp = json_object_get(j, "care_plan");
	assert_true(json_is_object(cp));
	json_t *items = json_object_get(cp, "items");
	assert_int_equal(json_array_size(items), g_a.care_plan.nitems);
	size_t i, r;
	json_t *it, *rule;
	json_array_foreach(items, i, it) {
		const char *ph = json_string_value(json_object_get(it, "phase"));
		assert_true(ph && (!strcmp(ph, "now") || !strcmp(ph, "during") || !strcmp(ph, "after")));
		assert_string_equal(json_string_value(json_object_get(it, "key")), g_a.care_plan.items[i].key);
		assert_string_equal(json_string_value(json_object_get(it, "text")), g_a.care_plan.items[i].text);
		assert_true(json_is_string(json_object_get(it, "age_scope")));
		assert_true(json_is_boolean(json_object_get(it, "check")));
		json_t *rules = json_object_get(it, "rules");
		assert_true(json_array_size(rules) >= 1);
		json_array_foreach(rules, r, rule) {
			const char *id = json_string_value(json_object_get(rule, "id"));
			assert_non_null(sm_care_rule_find(id));
			assert_string_equal(json_string_value(json_object_get(rule, "section")), sm_care_rule_find(id)->rule.section);
			bool chk = json_is_true(json_object_get(rule, "check"));
			assert_int_equal(chk, json_is_string(json_object_get(rule, "missing")));
		}
	}
	assert_int_equal(json_array_size(json_object_get(cp, "outcomes_to_record")), sm_care_outcome_count());
	assert_int_equal(json_integer_value(json_object_get(cp, "dropped")), 0);
	/* flat lists: keys and rule ids, checks a subset of rules */
	assert_int_equal(json_array_size(json_object_get(cp, "keys")), g_a.care_plan.nitems);
	json_t *ids = json_object_get(cp, "rules");
	bool has_codeine = false;
	json_array_foreach(ids, i, it) has_codeine = has_codeine || !strcmp(json_string_value(it), "CARE-PAIN-CODEINE");
	assert_true(has_codeine);
	json_decref(j);
}

static void test_check_wording(void **state)
{
	(void)state;
	const sm_care_plan *p = P("{'patient':{'age_years':60},'cancer':{'history':'known','primary':'breast'}}");
	const sm_care_item *it = item(p, "bladder_bowel_pressure");
	assert_non_null(it);
	assert_true(it->check);
	assert_true(strncmp(it->text, "Check (", 7) == 0);
	assert_non_null(strstr(it->text, "Bladder: check for retention"));
}

/* ------------------------------------------------------------------ */
/* property test                                                        */
/* ------------------------------------------------------------------ */
#define NCASES 60000
static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next64(void)
{
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return g_rng * 2685821657736338717ULL;
}
static int rnd(int n) { return (int)(next64() % (uint64_t)n); }
static bool chance(int percent) { return rnd(100) < percent; }
static sm_tri rtri(void) { int k = rnd(3); return k == 0 ? SM_UNKNOWN : k == 1 ? SM_NO : SM_YES; }
static sm_num rnum(int p_known, double lo, double hi, double step)
{
	sm_num n = {false, 0};
	if (chance(p_known)) {
		n.known = true;
		int steps = (int)((hi - lo) / step);
		n.v = lo + step * rnd(steps + 1);
	}
	return n;
}

static const char *const LEVELS[] = {"Occ", "C2", "C5", "C7", "T1", "T4", "T6", "T7", "T10", "T12", "L1", "L3", "L5", "S1", "T6-T8", "C7-T2"};
static const char *const SINS_ITEMS[][4] = {
	{"pain", "mechanical", "occasional", "none"},
	{"bone_lesion", "lytic", "mixed", "blastic"},
	{"alignment", "subluxation", "deformity", "normal"},
	{"collapse", "over_50", "under_50", "none"},
	{"posterolateral", "bilateral", "unilateral", "none"}};

static void gen(sm_case *c)
{
	static const double ages[] = {0.5, 2, 5, 9, 11, 11.9, 12, 15, 16, 16.5, 17, 17.99, 18, 25, 50, 64, 80, 95};
	sm_case_init(c);
	if (chance(85)) {
		c->patient.age_years.known = true;
		c->patient.age_years.v = ages[rnd((int)N(ages))];
	}
	c->patient.sex = rnd(4) - 1;
	c->cancer.history = rnd(4) - 1;
	if (chance(70))
		c->cancer.primary = rnd((int)sm_histology_count());
	c->cancer.tissue_confirmed = rtri();
	c->cancer.hormone_dependent = rtri();
	for (int k = 0; k < SM_NPAIN; k++)
		c->symptoms.pain[k] = chance(40) ? SM_UNKNOWN : chance(30) ? SM_YES : SM_NO;
	for (int k = 0; k < SM_NNEURO; k++)
		c->symptoms.neuro[k] = chance(40) ? SM_UNKNOWN : chance(25) ? SM_YES : SM_NO;
	c->symptoms.fever = rtri();
	c->neurology.frankel = rnd(6) - 1;
	c->neurology.asia_grade = chance(20) ? rnd(5) : -1;
	c->neurology.ambulatory = rnd(4) - 1;
	if (chance(15)) {
		c->neurology.complete_paraplegia_hours.known = true;
		c->neurology.complete_paraplegia_hours.v = rnd(100);
	}
	c->neurology.myelopathy = rtri();
	c->neurology.deteriorating = rtri();
	c->performance.kps = rnum(40, 0, 100, 10);
	c->performance.ecog = rnum(40, 0, 4, 1);
	c->systemic.expected_survival_months = rnum(40, 0, 24, 1);
	c->systemic.extraspinal_bone_metastases = rnum(30, 0, 5, 1);
	c->systemic.visceral_metastases = rnd(3) - 1;
	c->systemic.visceral_treatable = rtri();
	c->systemic.visceral_removable = rtri();
	c->systemic.visceral_pattern = rnd(3) - 1;
	c->systemic.fit_for_surgery = rtri();
	c->imaging.mri_done = rtri();
	sm_tri *set[] = {&c->setting.mri_available, &c->setting.ct_available, &c->setting.srs_available,
	                 &c->setting.spinal_surgery_available, &c->setting.paediatric_oncology_available,
	                 &c->setting.radiotherapy_available};
	for (size_t k = 0; k < N(set); k++)
		*set[k] = chance(85) ? SM_UNKNOWN : rtri();
	int nl = chance(45) ? 0 : 1 + rnd(3);
	for (int k = 0; k < nl; k++) {
		sm_lesion *l = sm_case_add_lesion(c);
		if (chance(85))
			assert_int_equal(sm_input_set_text(&l->sins, "level", LEVELS[rnd((int)N(LEVELS))]), SM_OK);
		for (size_t s = 0; s < N(SINS_ITEMS); s++)
			if (chance(60))
				assert_int_equal(sm_input_set_text(&l->sins, SINS_ITEMS[s][0], SINS_ITEMS[s][1 + rnd(3)]), SM_OK);
		l->escc = chance(70) ? rnd(6) : -1;
		l->compressive = rtri();
		l->prior_radiotherapy = rtri();
		l->disc_space_involved = rtri();
		l->epidural_soft_tissue = rtri();
	}
	/* REFERENCE §15 keys */
	sm_tri *t15[] = {&c->symptoms.saddle_sensory_change, &c->symptoms.urinary_retention, &c->symptoms.bilateral_radicular_pain,
	                 &c->symptoms.refuses_to_walk, &c->symptoms.new_wetting_or_soiling, &c->symptoms.pain_persistent,
	                 &c->neurology.sensory_level, &c->neurology.umn_signs, &c->history.anticoagulant_or_antiplatelet};
	for (size_t k = 0; k < N(t15); k++)
		*t15[k] = chance(70) ? SM_UNKNOWN : chance(20) ? SM_YES : SM_NO;
	c->systemic.platelets_per_ul = rnum(20, 10000, 400000, 10000);
	c->systemic.inr = rnum(20, 0.8, 3.0, 0.1);
	c->neurology.hours_since_last_walked = rnum(10, 0, 96, 6);
	if (chance(15)) {
		/* a simple-back-pain shape (REFERENCE §15.4): no cancer, every red flag recorded absent */
		c->patient.age_years.known = true;
		c->patient.age_years.v = 20 + rnd(30);
		c->cancer.history = SM_HISTORY_NONE;
		c->cancer.primary = -1;
		for (int k = 0; k < SM_NPAIN; k++)
			c->symptoms.pain[k] = SM_NO;
		c->symptoms.pain[SM_P_MECHANICAL] = SM_YES;
		for (int k = 0; k < SM_NNEURO; k++)
			c->symptoms.neuro[k] = SM_NO;
		sm_tri *no[] = {&c->symptoms.no_improvement_4_6_weeks, &c->symptoms.weight_loss, &c->symptoms.fever,
		                &c->symptoms.night_sweats, &c->history.immunosuppression, &c->history.long_term_steroids,
		                &c->history.osteoporosis, &c->history.injecting_drug_use, &c->infection.tb_history_or_contact,
		                &c->infection.bacteraemia_or_endocarditis, &c->symptoms.saddle_sensory_change,
		                &c->symptoms.urinary_retention, &c->symptoms.bilateral_radicular_pain, &c->neurology.myelopathy,
		                &c->neurology.deteriorating, &c->neurology.sensory_level, &c->neurology.umn_signs};
		for (size_t k = 0; k < N(no); k++)
			*no[k] = SM_NO;
		c->neurology.frankel = chance(50) ? 4 : -1;
		c->neurology.asia_grade = -1;
		c->neurology.complete_paraplegia_hours.known = false;
		if (c->neurology.ambulatory == SM_AMB_NON_AMBULATORY)
			c->neurology.ambulatory = -1;
	}
	if (chance(20)) {
		c->events[0].type = chance(50) ? SM_EV_SURGERY : SM_EV_RADIOTHERAPY_START;
		c->events[0].at = 1767225600;
		c->nevents = 1;
	}
}

static bool in_scope(const char *scope, bool known, double age)
{
	if (!strcmp(scope, "all ages"))
		return true;
	if (!known)
		return !strcmp(scope, "18 and over") || !strcmp(scope, "over 16") || !strcmp(scope, "under 12");
	if (!strcmp(scope, "18 and over"))
		return age >= 18;
	if (!strcmp(scope, "under 18"))
		return age < 18;
	if (!strcmp(scope, "under 12"))
		return age < 12;
	if (!strcmp(scope, "over 16"))
		return age > 16;
	if (!strcmp(scope, "16 and under"))
		return age <= 16;
	return false;
}

static bool action(const sm_assessment *a, const char *part)
{
	for (size_t k = 0; k < a->nactions; k++)
		if (a->actions[k].key && strstr(a->actions[k].key, part))
			return true;
	return false;
}

static void test_properties(void **state)
{
	(void)state;
	static const char *const adult_triggers[] = {"CARE-PALL-1", "CARE-PALL-TOKUHASHI", "CARE-PALL-TOMITA", "CARE-PALL-ECOG"};
	static const char *const always[] = {"physio_ot", "information_support", "social_financial_support", "rehabilitation_discharge"};
	size_t seen_rules[64] = {0}, checks = 0, children = 0, keep_active = 0;
	for (int n = 0; n < NCASES; n++) {
		gen(&g_c);
		assert_int_equal(sm_assess(&g_c, &g_a), SM_OK);
		const sm_care_plan *p = &g_a.care_plan;
		const bool known = g_c.patient.age_years.known;
		const double age = g_c.patient.age_years.v;
		const bool child = known && age < 18;
		children += child;
		if (p->ndropped || p->truncated)
			fail_msg("case %d: %zu dropped, truncated %d", n, p->ndropped, p->truncated);
		int last_phase = 0;
		for (size_t k = 0; k < p->nitems; k++) {
			const sm_care_item *it = &p->items[k];
			if (it->nrules < 1)
				fail_msg("case %d: item %s without a rule", n, it->key);
			assert_true((int)it->phase >= last_phase);
			last_phase = (int)it->phase;
			assert_true(strlen(it->text) > 0 && strlen(it->text) + 1 < SM_CARE_TEXT_SIZE);
			for (size_t r = 0; r < it->nrules; r++) {
				const sm_care_ref *rf = &it->rules[r];
				const sm_care_rule *rule = rf->rule;
				assert_non_null(rule);
				assert_ptr_equal(sm_care_rule_find(rule->rule.id), rule);
				assert_true(strncmp(rule->rule.id, "CARE-", 5) == 0);
				assert_string_equal(rule->key, it->key);
				assert_int_equal(rule->addon, r > 0);
				if (!in_scope(rule->age_scope, known, age))
					fail_msg("case %d: %s (scope %s) applied at age %s%g", n, rule->rule.id, rule->age_scope,
					         known ? "" : "unknown ", known ? age : 0.0);
				if (!known && !strcmp(rule->age_scope, "under 12") && !rf->check)
					fail_msg("case %d: %s decided without an age", n, rule->rule.id);
				if (rf->check) {
					checks++;
					assert_true(rule->check_if_unknown);
					assert_true(rf->missing && *rf->missing && strlen(rf->missing) <= MISSING_MAX);
				} else {
					assert_null(rf->missing);
				}
				for (size_t t = 0; t < sm_care_rule_count() && t < N(seen_rules); t++)
					if (sm_care_rule_at(t) == rule)
						seen_rules[t]++;
			}
			if (child && !strcmp(it->key, "palliative_care"))
				for (size_t t = 0; t < N(adult_triggers); t++)
					if (ref(p, adult_triggers[t]))
						fail_msg("case %d: %s triggers palliative care in a child of %g", n, adult_triggers[t], age);
		}
		for (size_t t = 0; t < N(always); t++)
			if (!item(p, always[t]))
				fail_msg("case %d: %s missing", n, always[t]);
		/* the plan never contradicts the triage */
		const sm_care_item *prec = item(p, "spinal_precautions");
		if ((g_a.urgency == SM_URG_EMERGENCY || action(&g_a, "immobilise")) && (!prec || prec->check))
			fail_msg("case %d: triage %s with log-roll/emergency but spinal precautions %s", n,
			         sm_urgency_name(g_a.urgency), prec ? "only a check" : "absent");
		keep_active += action(&g_a, "keep_active");
		if (prec) {
			const sm_care_ref *mob = ref(p, "CARE-REHAB-2");
			if (!mob || mob->check != prec->check)
				fail_msg("case %d: mobilisation not kept within the spinal precautions", n);
			if (action(&g_a, "keep_active") || action(&g_a, "no_bed_rest"))
				fail_msg("case %d: keep-active advice beside spinal precautions (%s, %zu lesions, NOMS mechanical %d): %.160s", n,
				         sm_urgency_name(g_a.urgency), g_c.nlesions, g_a.noms_mechanical, prec->text);
		}
		if (ref(p, "CARE-PAIN-8GY") && ref(p, "CARE-PAIN-MSCC-RT"))
			fail_msg("case %d: radiotherapy for pain without MSCC beside MSCC radiotherapy", n);
		/* a recorded deficit always gets bladder, bowel and pressure care, decided */
		for (int s = SM_N_LIMB_WEAKNESS; s < SM_NNEURO; s++)
			if (g_c.symptoms.neuro[s] == SM_YES) {
				const sm_care_ref *b = ref(p, "CARE-BLADDER-1");
				if (!b || b->check)
					fail_msg("case %d: deficit recorded but bladder care %s", n, b ? "a check" : "absent");
				break;
			}
		/* nothing is silently left out: a safety item whose input is missing is at least a check */
		if ((!known || age > 16) && g_c.neurology.ambulatory < 0 && !item(p, "vte_bleeding_risk")) {
			bool poor = (g_c.performance.ecog.known && g_c.performance.ecog.v >= 3) ||
			            (g_c.performance.kps.known && g_c.performance.kps.v <= 40);
			if (!poor)
				fail_msg("case %d: walking status not recorded and no VTE item (not even a check)", n);
		}
	}
	/* the generator reaches every rule, children and checks */
	for (size_t t = 0; t < sm_care_rule_count() && t < N(seen_rules); t++)
		if (!seen_rules[t])
			fail_msg("rule %s never applied in %d generated cases", sm_care_rule_at(t)->rule.id, NCASES);
	assert_true(children > NCASES / 10);
	assert_true(checks > 0);
	assert_true(keep_active > 100); /* the generator reaches simple back pain (REFERENCE §15.4) */
	print_message("%d cases, %zu children, %zu checks, %zu with keep-active advice\n", NCASES, children, checks, keep_active);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_precautions),
		cmocka_unit_test(test_collar),
		cmocka_unit_test(test_vte),
		cmocka_unit_test(test_bladder_and_dysreflexia),
		cmocka_unit_test(test_pain),
		cmocka_unit_test(test_radiotherapy_in_pain_plan),
		cmocka_unit_test(test_bone_agent),
		cmocka_unit_test(test_every_patient_items),
		cmocka_unit_test(test_palliative_adult),
		cmocka_unit_test(test_palliative_scores),
		cmocka_unit_test(test_palliative_child),
		cmocka_unit_test(test_information),
		cmocka_unit_test(test_social),
		cmocka_unit_test(test_follow_up),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_check_wording),
		cmocka_unit_test(test_properties),
	};
	SM_RUN_SUITE("careplan", tests);
}
