/*
** careplan.c: the care plan of every assessment (REFERENCE §16): what to do
** now, during treatment and after it, beside the triage and the treatment
** options. One table row per rule: stable id, the item it builds, phase, age
** scope of its source (REFERENCE §15.18), condition (a predicate over the case
** and the assessment already computed), text, REFERENCE section and source tag.
**
** How a row is applied:
**   - the age scope first: a row outside the patient's age is never applied.
**     Age not recorded: the adult rows apply (as the engine's AGE-1 default for
**     the adult scores), child-only rows do not, except rows whose own age
**     limit is a safety rule (no codeine under 12), which are shown as checks;
**   - then the condition: yes -> the row is applied; no -> it is not; not
**     decidable because an input is missing -> a row marked check_if_unknown
**     (every safety rule) is applied as a check that names what is missing,
**     the others (treatment suggestions and information) are left out until
**     the input is known;
**   - a base row (addon false) decides whether its item appears; addon rows
**     add to an item already there, in table order.
** The plan never allocates: items and texts live in the caller's sm_care_plan;
** capacities are proved sufficient for the table by tests/unit/test_careplan.c
** and overflow is counted (ndropped, truncated), never silent.
*/
#include "internal.h"

#include <string.h>

typedef enum cp_scope {
	CP_ALL = 0,    /* all ages */
	CP_ADULT,      /* 18 and over; age not recorded: applied */
	CP_CHILD,      /* under 18; age not recorded: not applied (the adult row applies) */
	CP_UNDER12,    /* under 12; age not recorded: undecidable (check) */
	CP_OVER16,     /* over 16 (NICE NG89 as REFERENCE §15.18 states it); age not recorded: applied */
	CP_UPTO16      /* 16 and under; age not recorded: not applied (the over-16 row applies) */
} cp_scope;


/* What the predicates read: the case, its assessment and facts derived once. */
typedef struct cp_ctx {
	const sm_case *c;
	const sm_assessment *a;
	bool age_known;
	double age;
	const sm_histology *h;   /* NULL when no primary is given */
	bool primary_identified; /* a catalogue primary other than "not identified" */
	sm_tri cancer;           /* known or suspected cancer */
	sm_tri deficit;          /* a neurological deficit */
	sm_tri precautions;      /* spinal precautions indicated */
	sm_tri immobile;         /* reduced mobility */
	sm_tri pain;
	sm_tri mscc;
	sm_tri spinal_mets;      /* spinal metastasis shown on imaging */
	sm_tri high_lesion;      /* a lesion at or above T6 */
	sm_tri pathway;          /* on the spinal tumour pathway */
	const char *m_deficit, *m_precautions, *m_immobile, *m_pain, *m_mscc, *m_mets, *m_level, *m_pathway;
} cp_ctx;

typedef sm_tri (*cp_pred)(const cp_ctx *x, const char **missing);

typedef struct cp_row {
	sm_care_rule pub;        /* what callers see (first member) */
	cp_scope scope;
	cp_pred pred;
} cp_row;

/* ---------------- tri-state helpers ---------------- */
static sm_tri tri_and(sm_tri a, const char *ma, sm_tri b, const char *mb, const char **missing)
{
	if (a == SM_NO || b == SM_NO)
		return SM_NO;
	if (a == SM_YES && b == SM_YES)
		return SM_YES;
	*missing = a == SM_UNKNOWN ? ma : mb;
	return SM_UNKNOWN;
}

static sm_tri tri_or(sm_tri a, const char *ma, sm_tri b, const char *mb, const char **missing)
{
	if (a == SM_YES || b == SM_YES)
		return SM_YES;
	if (a == SM_NO && b == SM_NO)
		return SM_NO;
	*missing = a == SM_UNKNOWN ? ma : mb;
	return SM_UNKNOWN;
}

static sm_tri tri_not(sm_tri a)
{
	return a == SM_YES ? SM_NO : a == SM_NO ? SM_YES : SM_UNKNOWN;
}

static bool yes(sm_tri t) { return t == SM_YES; }

static int lesion_choice(const sm_lesion *l, const char *key)
{
	const sm_value *v = sm_get(&l->sins, key);
	return v ? v->i : -1;
}

static bool has_action(const sm_assessment *a, const char *key)
{
	for (size_t k = 0; k < a->nactions; k++)
		if (a->actions[k].key && strcmp(a->actions[k].key, key) == 0)
			return true;
	return false;
}

#define LEVEL_C7 7
#define LEVEL_T6 13
#define SINS_UNSTABLE 13

/* ---------------- derived facts ---------------- */
static void derive(const sm_case *c, const sm_assessment *a, cp_ctx *x)
{
	memset(x, 0, sizeof *x);
	x->c = c;
	x->a = a;
	x->age_known = c->patient.age_years.known;
	x->age = c->patient.age_years.v;
	x->h = c->cancer.primary >= 0 ? sm_histology_at((size_t)c->cancer.primary) : NULL;
	x->primary_identified = x->h && !x->h->unknown_primary;
	if (c->cancer.history == SM_HISTORY_KNOWN || c->cancer.history == SM_HISTORY_SUSPECTED || x->primary_identified)
		x->cancer = SM_YES;
	else if (c->cancer.history == SM_HISTORY_NONE)
		x->cancer = SM_NO;
	else
		x->cancer = SM_UNKNOWN;

	/* neurological deficit: weakness, walking, sensation, sphincters, or a grade A-D */
	static const int deficit_symptoms[] = {SM_N_LIMB_WEAKNESS, SM_N_DIFFICULTY_WALKING, SM_N_SENSORY_LOSS, SM_N_BLADDER_BOWEL};
	bool any = false, all_no = true;
	for (size_t k = 0; k < SM_COUNT(deficit_symptoms); k++) {
		sm_tri t = c->symptoms.neuro[deficit_symptoms[k]];
		any = any || t == SM_YES;
		all_no = all_no && t == SM_NO;
	}
	int fr = c->neurology.frankel, as = c->neurology.asia_grade;
	bool grade_deficit = (fr >= 0 && fr <= 3) || (as >= 0 && as <= 3);
	bool grade_normal = fr == 4 || as == 4;
	/* the cord, cauda-equina and paediatric signs of REFERENCE §15.1 and §15.2 */
	const sm_tri signs[] = {c->symptoms.saddle_sensory_change, c->symptoms.urinary_retention,
	                        c->symptoms.reduced_anal_sensation, c->symptoms.new_wetting_or_soiling,
	                        c->symptoms.constipation_with_overflow, c->symptoms.refuses_to_walk,
	                        c->symptoms.motor_regression, c->neurology.sensory_level, c->neurology.umn_signs};
	for (size_t k = 0; k < SM_COUNT(signs); k++)
		any = any || signs[k] == SM_YES;
	if (any || grade_deficit || yes(c->neurology.myelopathy) ||
	    (c->neurology.complete_paraplegia_hours.known && c->neurology.complete_paraplegia_hours.v > 0) ||
	    c->neurology.ambulatory == SM_AMB_NON_AMBULATORY)
		x->deficit = SM_YES;
	else if (grade_normal || all_no)
		x->deficit = SM_NO;
	else
		x->deficit = SM_UNKNOWN;
	x->m_deficit = "neurological examination not recorded";

	/* spinal precautions (NG234): suspected MSCC, or instability suspected */
	bool unstable = c->nlesions > 0 && a->noms_mechanical == 2;
	bool maybe_unstable = false;
	for (size_t k = 0; k < c->nlesions; k++) {
		if (lesion_choice(&c->lesions[k], "alignment") == 0)
			unstable = true;
		if (k < a->nlesions) {
			const sm_result *s = &a->sins[k];
			if (s->status == SM_RESULT_OK && s->total >= SINS_UNSTABLE)
				unstable = true;
			else if (s->status == SM_RESULT_INCOMPLETE && s->hi >= SINS_UNSTABLE)
				maybe_unstable = true;
		}
	}
	sm_tri mech = c->symptoms.pain[SM_P_MECHANICAL];
	bool pathway_urgent = a->urgency != SM_URG_ROUTINE;
	if (a->urgency == SM_URG_EMERGENCY || unstable || has_action(a, "immobilise_flat_log_roll") || has_action(a, "hard_collar") ||
	    (pathway_urgent && yes(mech)))
		x->precautions = SM_YES;
	else if (maybe_unstable && (pathway_urgent || c->cancer.history != SM_HISTORY_NONE)) {
		/* SINS scores neoplastic lesions: an incomplete SINS leaves instability open on the
		** tumour pathway; a routine case without cancer (e.g. simple back pain, §15.4) is not */
		x->precautions = SM_UNKNOWN;
		x->m_precautions = "SINS incomplete: instability not excluded";
	} else if (pathway_urgent && mech == SM_UNKNOWN) {
		x->precautions = SM_UNKNOWN;
		x->m_precautions = "mechanical pain not recorded: instability not excluded";
	} else
		x->precautions = SM_NO;

	/* reduced mobility */
	int amb = c->neurology.ambulatory;
	bool poor_ps = (c->performance.ecog.known && c->performance.ecog.v >= 3) ||
	               (c->performance.kps.known && c->performance.kps.v <= 40);
	if (amb == SM_AMB_ASSISTED || amb == SM_AMB_NON_AMBULATORY || (fr >= 0 && fr <= 2) || (as >= 0 && as <= 2) ||
	    (c->neurology.complete_paraplegia_hours.known && c->neurology.complete_paraplegia_hours.v > 0) || poor_ps ||
	    yes(c->symptoms.refuses_to_walk) ||
	    (c->neurology.hours_since_last_walked.known && c->neurology.hours_since_last_walked.v > 0) ||
	    x->precautions == SM_YES)
		x->immobile = SM_YES;
	else if (amb == SM_AMB_INDEPENDENT)
		x->immobile = SM_NO;
	else
		x->immobile = SM_UNKNOWN;
	x->m_immobile = "walking status not recorded";

	/* pain: a set-P feature, radicular pain, or a painful lesion (SINS pain item) */
	any = false;
	all_no = true;
	for (int k = 0; k < SM_NPAIN; k++) {
		any = any || yes(c->symptoms.pain[k]);
		all_no = all_no && c->symptoms.pain[k] == SM_NO;
	}
	any = any || yes(c->symptoms.neuro[SM_N_RADICULAR_PAIN]) || yes(c->symptoms.bilateral_radicular_pain) ||
	      yes(c->symptoms.pain_persistent) || yes(c->symptoms.pain_analgesia_resistant);
	all_no = all_no && c->symptoms.neuro[SM_N_RADICULAR_PAIN] == SM_NO;
	for (size_t k = 0; k < c->nlesions; k++) {
		int p = lesion_choice(&c->lesions[k], "pain");
		if (p == 0 || p == 1)
			any = true;
	}
	x->pain = any ? SM_YES : all_no ? SM_NO : SM_UNKNOWN;
	x->m_pain = "pain not recorded";

	/* cord compression */
	bool compression = false, all_low = c->nlesions > 0;
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_lesion *l = &c->lesions[k];
		if (l->escc >= SM_ESCC_2 || yes(l->compressive))
			compression = true;
		if (l->escc < 0 || l->escc >= SM_ESCC_2)
			all_low = false;
	}
	if (a->urgency == SM_URG_EMERGENCY || compression)
		x->mscc = SM_YES;
	else if (all_low && x->deficit == SM_NO)
		x->mscc = SM_NO;
	else
		x->mscc = SM_UNKNOWN;
	x->m_mscc = "cord compression not excluded on imaging";

	if (x->cancer == SM_NO)
		x->spinal_mets = SM_NO;
	else if (x->cancer == SM_YES && c->nlesions > 0)
		x->spinal_mets = SM_YES;
	else
		x->spinal_mets = SM_UNKNOWN;
	x->m_mets = "spinal metastasis not yet shown on imaging";

	bool high = false, all_levels = c->nlesions > 0;
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_value *lv = sm_get(&c->lesions[k].sins, "level");
		if (!lv)
			all_levels = false;
		else if (lv->lo <= LEVEL_T6)
			high = true;
	}
	x->high_lesion = high ? SM_YES : all_levels ? SM_NO : SM_UNKNOWN;
	x->m_level = "level of the lesion not recorded";

	if (x->cancer == SM_YES || c->nlesions > 0 || a->urgency != SM_URG_ROUTINE)
		x->pathway = SM_YES;
	else if (x->cancer == SM_NO)
		x->pathway = SM_NO;
	else
		x->pathway = SM_UNKNOWN;
	x->m_pathway = "cancer history not recorded";
}

/* ---------------- predicates ---------------- */
static sm_tri p_always(const cp_ctx *x, const char **m) { (void)x; (void)m; return SM_YES; }

static sm_tri p_precautions(const cp_ctx *x, const char **m)
{
	*m = x->m_precautions;
	return x->precautions;
}

static sm_tri p_collar(const cp_ctx *x, const char **m)
{
	(void)m;
	if (has_action(x->a, "hard_collar"))
		return SM_YES;
	if (x->precautions != SM_YES)
		return SM_NO;
	for (size_t k = 0; k < x->c->nlesions; k++) {
		const sm_value *lv = sm_get(&x->c->lesions[k].sins, "level");
		if (lv && lv->lo <= LEVEL_C7)
			return SM_YES;
	}
	return SM_NO;
}

static sm_tri p_immobile(const cp_ctx *x, const char **m)
{
	*m = x->m_immobile;
	return x->immobile;
}

static sm_tri p_bleeding_risk(const cp_ctx *x, const char **m)
{
	(void)m;
	const sm_case *c = x->c;
	if (yes(c->history.anticoagulant_or_antiplatelet) ||
	    (c->systemic.platelets_per_ul.known && c->systemic.platelets_per_ul.v < 50000) ||
	    (c->systemic.inr.known && c->systemic.inr.v > 1.5))
		return SM_YES;
	return SM_NO;
}

static sm_tri p_deficit_or_immobile(const cp_ctx *x, const char **m)
{
	return tri_or(x->deficit, x->m_deficit, x->immobile, x->m_immobile, m);
}

static sm_tri p_dysreflexia(const cp_ctx *x, const char **m)
{
	return tri_and(x->deficit, x->m_deficit, x->high_lesion, x->m_level, m);
}

static sm_tri p_pain(const cp_ctx *x, const char **m)
{
	*m = x->m_pain;
	return x->pain;
}

static sm_tri p_pain_no_mscc(const cp_ctx *x, const char **m)
{
	const char *m1 = NULL;
	sm_tri t = tri_and(x->pain, x->m_pain, x->spinal_mets, x->m_mets, &m1);
	return tri_and(t, m1, tri_not(x->mscc), x->m_mscc, m);
}

static sm_tri p_mscc_cancer(const cp_ctx *x, const char **m)
{
	return tri_and(x->mscc, x->m_mscc, x->cancer, "cancer history not recorded", m);
}

static sm_tri p_bone_agent(const cp_ctx *x, const char **m)
{
	sm_tri agent;
	if (x->primary_identified)
		agent = x->h->bone_agent ? SM_YES : SM_NO;
	else
		agent = x->cancer == SM_NO ? SM_NO : SM_UNKNOWN;
	sm_tri bone;
	const sm_num *extra = &x->c->systemic.extraspinal_bone_metastases;
	if (x->cancer == SM_NO)
		bone = SM_NO;
	else if (x->c->nlesions > 0 || (extra->known && extra->v > 0))
		bone = SM_YES;
	else
		bone = SM_UNKNOWN;
	return tri_and(agent, "primary not identified", bone, "bone metastases not yet shown on imaging", m);
}

static sm_tri p_deficit(const cp_ctx *x, const char **m)
{
	*m = x->m_deficit;
	return x->deficit;
}

static sm_tri p_limited_setting(const cp_ctx *x, const char **m)
{
	(void)m;
	const sm_case *c = x->c;
	const sm_tri s[] = {c->setting.mri_available, c->setting.ct_available, c->setting.srs_available,
	                    c->setting.spinal_surgery_available, c->setting.paediatric_oncology_available,
	                    c->setting.radiotherapy_available};
	for (size_t k = 0; k < SM_COUNT(s); k++)
		if (s[k] == SM_NO)
			return SM_YES;
	return SM_NO;
}

static sm_tri p_pathway(const cp_ctx *x, const char **m)
{
	*m = x->m_pathway;
	return x->pathway;
}

/* palliative care triggers (adult scores only where the engine computed them) */
static sm_tri t_survival(const cp_ctx *x)
{
	const sm_num *s = &x->c->systemic.expected_survival_months;
	return !s->known ? SM_UNKNOWN : s->v < 3 ? SM_YES : SM_NO;
}

/* Score total in [lo, hi] for every completion: yes; for none: no. */
static sm_tri score_in(const sm_assessment *a, const sm_result *r, int lo, int hi)
{
	if (!a->adult_scores_computed || r->status == SM_RESULT_INVALID || !r->has_total)
		return SM_UNKNOWN;
	if (r->lo >= lo && r->hi <= hi)
		return SM_YES;
	if (r->hi < lo || r->lo > hi)
		return SM_NO;
	return SM_UNKNOWN;
}

static sm_tri t_tokuhashi(const cp_ctx *x) { return score_in(x->a, &x->a->tokuhashi, 0, 8); }
static sm_tri t_tomita(const cp_ctx *x) { return score_in(x->a, &x->a->tomita, 8, 10); }

static sm_tri t_ecog(const cp_ctx *x)
{
	const sm_num *e = &x->c->performance.ecog, *k = &x->c->performance.kps;
	/* the worse of the two when both are recorded (REFERENCE §15.13: safety uses the more severe value) */
	if ((e->known && e->v >= 3) || (k->known && k->v <= 40))
		return SM_YES;
	if (e->known || k->known)
		return SM_NO;
	return SM_UNKNOWN;
}

static sm_tri p_survival(const cp_ctx *x, const char **m) { (void)m; return t_survival(x); }
static sm_tri p_tokuhashi(const cp_ctx *x, const char **m) { (void)m; return t_tokuhashi(x); }
static sm_tri p_tomita(const cp_ctx *x, const char **m) { (void)m; return t_tomita(x); }
static sm_tri p_ecog(const cp_ctx *x, const char **m) { (void)m; return t_ecog(x); }

static sm_tri p_adolescent(const cp_ctx *x, const char **m)
{
	(void)m;
	return x->age_known && x->age >= 16 ? SM_YES : SM_NO;
}

static sm_tri p_complex_symptoms(const cp_ctx *x, const char **m)
{
	(void)x;
	*m = "complex symptoms are not recorded in the case";
	return SM_UNKNOWN;
}

static sm_tri pall_base(const cp_ctx *x, bool adult, const char **m)
{
	sm_tri s = t_survival(x);
	if (s == SM_YES || (adult && (t_tokuhashi(x) == SM_YES || t_tomita(x) == SM_YES || t_ecog(x) == SM_YES)))
		return SM_YES;
	if (x->cancer == SM_NO)
		return SM_NO; /* no cancer: only a recorded trigger (above) */
	*m = s == SM_UNKNOWN ? "expected survival not recorded"
	   : adult && t_ecog(x) == SM_UNKNOWN ? "performance status not recorded"
	   : "no trigger recorded";
	return SM_UNKNOWN;
}

static sm_tri p_pall_adult(const cp_ctx *x, const char **m) { return pall_base(x, true, m); }
static sm_tri p_pall_child(const cp_ctx *x, const char **m) { return pall_base(x, false, m); }

static sm_tri p_growth(const cp_ctx *x, const char **m)
{
	const sm_case *c = x->c;
	if (x->pathway == SM_NO)
		return SM_NO;
	for (size_t k = 0; k < c->nevents; k++)
		if (c->events[k].type == SM_EV_SURGERY || c->events[k].type == SM_EV_RADIOTHERAPY_START)
			return SM_YES;
	for (size_t k = 0; k < c->nlesions; k++)
		if (yes(c->lesions[k].prior_radiotherapy))
			return SM_YES;
	*m = "no spinal surgery or radiotherapy recorded yet";
	return SM_UNKNOWN;
}

/* ---------------- the table (REFERENCE §16) ---------------- */
/* scope arguments are (enum, name, engine scope) triples, so the row carries
** all three: its exact scope, the name shown, and the nearest scope of the
** engine's rule table (sm_rule.scope; the name is authoritative) */
#define SCOPE_ENUM(e, n, c) e
#define SCOPE_NAME(e, n, c) n
#define SCOPE_CORE(e, n, c) c
#define S_ALL (CP_ALL, "all ages", SM_SCOPE_ALL)
#define S_ADULT (CP_ADULT, "18 and over", SM_SCOPE_ADULT)
#define S_CHILD (CP_CHILD, "under 18", SM_SCOPE_CHILD)
#define S_UNDER12 (CP_UNDER12, "under 12", SM_SCOPE_CHILD)
#define S_OVER16 (CP_OVER16, "over 16", SM_SCOPE_NG59)
#define S_UPTO16 (CP_UPTO16, "16 and under", SM_SCOPE_CHILD)
#define ROW(id, sec, src, text, key, phase, addon, scope, when, check, pred) \
	{{{id, sec, src, text, SCOPE_CORE scope, "§16 care plan"}, key, phase, addon, SCOPE_NAME scope, when, check}, \
	 SCOPE_ENUM scope, pred}

static const cp_row table[] = {
	/* ---- now ---- */
	ROW("CARE-PRECAUTIONS-1", "§16, §7.2, §15.19", "V (NICE NG234 immobilisation), S (CG75)",
	    "Spinal precautions: immobilise without delay (flat, neutral spine, log-roll), expert advice within 24 hours to keep it short, turn every 2-4 hours, transfer flat; after senior review of stability, graded sitting and mobilisation without delay.",
	    "spinal_precautions", SM_CARE_NOW, false, S_ADULT,
	    "suspected or confirmed MSCC (emergency triage), or instability suspected: SINS 13 or more, subluxation, NOMS mechanically unstable, or mechanical pain on the urgent pathway",
	    true, p_precautions),
	ROW("CARE-PRECAUTIONS-2", "§16, §15.2", "V (NICE NG234 immobilisation); S (Leeds/Yorkshire CYP guidance)",
	    "Spinal precautions as the paediatric spinal or neurosurgical team directs: flat, neutral spine and log-roll while instability is suspected, transfer flat; keep nil by mouth while an urgent procedure or sedation is possible.",
	    "spinal_precautions", SM_CARE_NOW, false, S_CHILD,
	    "as CARE-PRECAUTIONS-1, under 18", true, p_precautions),
	ROW("CARE-PRECAUTIONS-COLLAR", "§16, §15.11", "S (MASCIP), V (NG234 immobilisation)",
	    "Cervical level: a properly fitted hard collar (fitted by trained staff, with pressure-area checks, never forced into neutral in a fixed deformity) or as the spinal surgeon directs.",
	    "spinal_precautions", SM_CARE_NOW, true, S_ALL,
	    "spinal precautions apply and a lesion is at Occ-C7", false, p_collar),
	ROW("CARE-VTE-1", "§16, §15.10, §15.18", "V (NICE NG89 scope and risk assessment)",
	    "VTE and bleeding risk assessment; mechanical prophylaxis while immobile; drug prophylaxis when the bleeding risk allows, timed around biopsy, lumbar puncture and surgery (REFERENCE §15.10).",
	    "vte_bleeding_risk", SM_CARE_NOW, false, S_OVER16,
	    "age over 16 with reduced mobility (walking with help or not at all, Frankel/ASIA A-C, paraplegia, ECOG 3-4 or KPS 40 or less, or spinal precautions)",
	    true, p_immobile),
	ROW("CARE-VTE-2", "§16, §15.18", "V (NICE NG89 scope: over 16s)",
	    "VTE risk and prevention as the paediatric team decides (NICE NG89 covers over 16s; at exactly 16 agree the adult or paediatric protocol); no adult drug-prophylaxis doses.",
	    "vte_bleeding_risk", SM_CARE_NOW, false, S_UPTO16,
	    "age 16 or under with reduced mobility", true, p_immobile),
	ROW("CARE-VTE-BLEEDING", "§16, §15.10", "S (SIR 2019 peri-procedural consensus)",
	    "Bleeding risk recorded (anticoagulant or antiplatelet therapy, platelets under 50 x 10^9/L or INR over 1.5): no added drug prophylaxis until the peri-procedural plan is agreed; mechanical prophylaxis meanwhile.",
	    "vte_bleeding_risk", SM_CARE_NOW, true, S_ALL,
	    "anticoagulant or antiplatelet therapy, platelets under 50,000/uL or INR over 1.5", false, p_bleeding_risk),
	ROW("CARE-BLADDER-1", "§16", "S (CG75; NICE CG179)",
	    "Bladder: check for retention (bladder scan or catheter), intermittent catheterisation where possible; a neurogenic bowel programme; pressure-area assessment and care.",
	    "bladder_bowel_pressure", SM_CARE_NOW, false, S_ALL,
	    "any neurological deficit or reduced mobility", true, p_deficit_or_immobile),
	ROW("CARE-BLADDER-AD", "§16", "R (autonomic dysreflexia)",
	    "Lesion at or above T6: risk of autonomic dysreflexia; check blood pressure with bladder and bowel care and treat the trigger (full bladder, loaded bowel) first.",
	    "bladder_bowel_pressure", SM_CARE_NOW, true, S_ALL,
	    "a neurological deficit and a lesion at or above T6", true, p_dysreflexia),
	ROW("CARE-PAIN-1", "§16", "V (ASTRO 2017)",
	    "Pain plan: prompt individualised analgesia, including neuropathic agents for neuropathic or radicular pain.",
	    "pain_plan", SM_CARE_NOW, false, S_ALL,
	    "pain: a set-P feature, radicular pain, or a painful lesion (SINS pain item)", true, p_pain),
	ROW("CARE-PAIN-8GY", "§16", "V (ASTRO 2017)",
	    "Painful spinal metastasis without cord compression: a single 8 Gy fraction relieves pain as well as longer courses, whatever the prognosis, unless the oncologist prefers otherwise.",
	    "pain_plan", SM_CARE_NOW, true, S_ADULT,
	    "pain, a spinal metastasis on imaging, and cord compression excluded", false, p_pain_no_mscc),
	ROW("CARE-PAIN-MSCC-RT", "§16, §15.17", "V (QS56 statement 6; SCORAD III)",
	    "Radiotherapy for MSCC per REFERENCE §15.17: starts within 24 hours of the decision to treat; single 8 Gy for short expected survival or poor performance status, 20 Gy in 5 fractions otherwise; the oncologist decides.",
	    "pain_plan", SM_CARE_NOW, true, S_ADULT,
	    "suspected or confirmed MSCC in a person with cancer", false, p_mscc_cancer),
	ROW("CARE-PAIN-CHILD", "§16, §8", "R (paediatric protocol)",
	    "Children: analgesia per the paediatric protocol, doses from the national paediatric formulary.",
	    "pain_plan", SM_CARE_NOW, true, S_CHILD,
	    "under 18", false, p_always),
	ROW("CARE-PAIN-CODEINE", "§16", "R (codeine rule)",
	    "No codeine under 12 years.",
	    "pain_plan", SM_CARE_NOW, true, S_UNDER12,
	    "under 12 (age not recorded: shown as a check)", true, p_always),
	ROW("CARE-REHAB-1", "§16", "S (CG75 rehabilitation and discharge)",
	    "Physiotherapy and occupational therapy from admission.",
	    "physio_ot", SM_CARE_NOW, false, S_ALL,
	    "every patient", true, p_always),
	ROW("CARE-REHAB-2", "§16", "S (CG75 rehabilitation and discharge)",
	    "Within spinal precautions until senior review clears stability, then graded sitting and mobilisation without delay.",
	    "physio_ot", SM_CARE_NOW, true, S_ALL,
	    "spinal precautions apply (as CARE-PRECAUTIONS-1)", true, p_precautions),
	ROW("CARE-PALL-1", "§16", "S (NG234), R (thresholds)",
	    "Specialist palliative care alongside, never instead of, oncological or surgical treatment (triggers: expected survival under 3 months, revised Tokuhashi 0-8, Tomita 8-10, ECOG 3-4, or complex symptoms).",
	    "palliative_care", SM_CARE_NOW, false, S_ADULT,
	    "expected survival under 3 months, revised Tokuhashi 0-8, Tomita 8-10, ECOG 3-4 (or KPS 40 or less), or complex symptoms (not a case key: a check for anyone who may have cancer)",
	    true, p_pall_adult),
	ROW("CARE-PALL-PAED", "§16, §8", "S (NG234), R (thresholds)",
	    "Paediatric palliative care alongside, never instead of, treatment (triggers: expected survival under 3 months or complex symptoms; adult prognostic scores are never used in children).",
	    "palliative_care", SM_CARE_NOW, false, S_CHILD,
	    "under 18: expected survival under 3 months or complex symptoms; no adult-score trigger", true, p_pall_child),
	ROW("CARE-PALL-SURVIVAL", "§16", "R (thresholds)",
	    "Trigger present: expected survival under 3 months.",
	    "palliative_care", SM_CARE_NOW, true, S_ALL,
	    "expected survival under 3 months", false, p_survival),
	ROW("CARE-PALL-TOKUHASHI", "§16, §6.1", "R (thresholds)",
	    "Trigger present: revised Tokuhashi 0-8.",
	    "palliative_care", SM_CARE_NOW, true, S_ADULT,
	    "revised Tokuhashi total 0-8 for every completion of the missing items", false, p_tokuhashi),
	ROW("CARE-PALL-TOMITA", "§16, §6.2", "R (thresholds)",
	    "Trigger present: Tomita 8-10.",
	    "palliative_care", SM_CARE_NOW, true, S_ADULT,
	    "Tomita total 8-10 for every completion of the missing items (no survival figure shown)", false, p_tomita),
	ROW("CARE-PALL-ECOG", "§16, §5", "R (thresholds)",
	    "Trigger present: ECOG 3-4 (or Karnofsky 40 or less).",
	    "palliative_care", SM_CARE_NOW, true, S_ADULT,
	    "ECOG 3-4 or KPS 40 or less (the worse of the two when both are recorded)", false, p_ecog),
	ROW("CARE-PALL-SYMPTOMS", "§16", "S (NG234)",
	    "Refer also for complex symptoms (pain, breathlessness, distress or other needs the team cannot meet).",
	    "palliative_care", SM_CARE_NOW, true, S_ALL,
	    "complex symptoms are not a case key: always a check beside the palliative care item", true, p_complex_symptoms),
	ROW("CARE-PALL-ADOLESCENT", "§16, §15.18", "V (guideline scopes)",
	    "Age 16-17: agree with the patient and family whether adult or paediatric (teenage and young adult) palliative services lead.",
	    "palliative_care", SM_CARE_NOW, true, S_CHILD,
	    "age 16 or 17 (REFERENCE §15.18: adolescents are flagged)", false, p_adolescent),
	ROW("CARE-INFO-1", "§16", "V (Starship; De Bernardi 2001), R (adult > 48 h recovery)",
	    "Honest information for the patient and family, and psychological support: what is known, what is not yet known, and what each option can and cannot do.",
	    "information_support", SM_CARE_NOW, false, S_ALL,
	    "every patient", true, p_always),
	ROW("CARE-INFO-ADULT", "§16, §7.4", "V (Patchell 2005), R (adult > 48 h recovery)",
	    "The chance of walking again falls with the severity and duration of the deficit; people completely paraplegic for more than 48 hours were excluded from the Patchell trial and recovery is uncommon.",
	    "information_support", SM_CARE_NOW, true, S_ADULT,
	    "a neurological deficit", false, p_deficit),
	ROW("CARE-INFO-CHILD", "§16, §8", "V (Starship; De Bernardi 2001)",
	    "In children about half of those unable to walk regain independent walking with prompt management (Starship), though none of 10 paraplegic children did in De Bernardi 2001.",
	    "information_support", SM_CARE_NOW, true, S_CHILD,
	    "under 18 with a neurological deficit", false, p_deficit),
	ROW("CARE-SOCIAL-1", "§16", "project requirement (seed 000)",
	    "Social and financial support assessment (costs, travel, work, carers); a named contact for follow-up.",
	    "social_financial_support", SM_CARE_NOW, false, S_ALL,
	    "every patient", true, p_always),
	ROW("CARE-SOCIAL-2", "§16, §15.19", "project requirement (seed 000)",
	    "Services are missing on site: plan transfer, travel and costs with the family now; financial hardship and fear of spinal surgery are leading causes of abandoned treatment.",
	    "social_financial_support", SM_CARE_NOW, true, S_ALL,
	    "a setting key recorded as not available", false, p_limited_setting),
	/* ---- during treatment ---- */
	ROW("CARE-BONE-1", "§16", "S (CG75 recommendations carried into NG234), R",
	    "Bone-targeted therapy (bisphosphonate or denosumab) to discuss with the oncologist or haematologist: myeloma needing treatment, breast cancer, castration-resistant prostate cancer; check calcium, vitamin D, renal function and dental health first.",
	    "bone_targeted_therapy", SM_CARE_DURING, false, S_ADULT,
	    "adult with bone metastases (a spinal lesion or extraspinal bone metastases) of a primary whose catalogue attribute bone_agent is set",
	    true, p_bone_agent),
	ROW("CARE-REHAB-3", "§16", "S (CG75 rehabilitation and discharge)",
	    "Rehabilitation goals and a discharge plan agreed with the patient and family.",
	    "rehabilitation_discharge", SM_CARE_DURING, false, S_ALL,
	    "every patient", true, p_always),
	/* ---- after treatment ---- */
	ROW("CARE-FOLLOWUP-1", "§16", "seed 000, R (intervals are local)",
	    "Follow-up: clinical review; whole-spine MRI on new or worsening symptoms; scheduled MRI per the treating team (the registry keeps the dates and flags missed visits).",
	    "follow_up", SM_CARE_AFTER, false, S_ALL,
	    "on the spinal tumour pathway: known or suspected cancer, a spinal lesion, or urgent/emergency triage", true, p_pathway),
	ROW("CARE-FOLLOWUP-2", "§16, §15.1", "seed 000",
	    "New or worsening pain or neurology after treatment goes back through triage (REFERENCE §15.1), not the outpatient queue.",
	    "follow_up", SM_CARE_AFTER, true, S_ALL,
	    "with the follow-up item", true, p_always),
	ROW("CARE-GROWTH-1", "§16, §8", "V (Yasuoka 1982), S (Quraishi 2023)",
	    "Spinal growth and deformity surveillance after laminectomy or vertebral radiotherapy until skeletal maturity; standing spinal radiographs are appropriate for this (the ban on plain films concerns diagnosing metastases).",
	    "growth_surveillance", SM_CARE_AFTER, false, S_CHILD,
	    "under 18 after spinal surgery or radiotherapy (recorded event or prior radiotherapy at a level; not yet recorded: a check)",
	    true, p_growth),
};

static const sm_care_outcome outcomes[] = {
	{"alive_30_days", "Alive at 30 days"},
	{"alive_3_months", "Alive at 3 months"},
	{"alive_6_months", "Alive at 6 months"},
	{"alive_12_months", "Alive at 12 months"},
	{"ambulatory_status_30_days", "Ambulatory status at 30 days"},
	{"ambulatory_status_3_months", "Ambulatory status at 3 months"},
	{"ambulatory_status_6_months", "Ambulatory status at 6 months"},
	{"ambulatory_status_12_months", "Ambulatory status at 12 months"},
	{"frankel_or_asia_30_days", "Frankel or ASIA grade at 30 days"},
	{"frankel_or_asia_3_months", "Frankel or ASIA grade at 3 months"},
	{"frankel_or_asia_6_months", "Frankel or ASIA grade at 6 months"},
	{"frankel_or_asia_12_months", "Frankel or ASIA grade at 12 months"},
	{"date_of_death", "Date of death"},
	{"date_of_last_contact", "Date of last contact"},
	{"complications", "Complications"},
	{"treatment_abandoned_and_why", "Whether treatment was abandoned, and why"},
};

static const cp_row *row_at(size_t i) { return i < SM_COUNT(table) ? &table[i] : NULL; }

const char *sm_care_phase_name(sm_care_phase p)
{
	switch (p) {
	case SM_CARE_NOW: return "now";
	case SM_CARE_DURING: return "during";
	case SM_CARE_AFTER: return "after";
	}
	return "now";
}

size_t sm_care_rule_count(void) { return SM_COUNT(table); }

const sm_care_rule *sm_care_rule_at(size_t index)
{
	const cp_row *r = row_at(index);
	return r ? &r->pub : NULL;
}

const sm_care_rule *sm_care_rule_find(const char *id)
{
	if (!id)
		return NULL;
	for (size_t k = 0; k < SM_COUNT(table); k++)
		if (strcmp(table[k].pub.rule.id, id) == 0)
			return &table[k].pub;
	return NULL;
}

size_t sm_care_outcome_count(void) { return SM_COUNT(outcomes); }
const sm_care_outcome *sm_care_outcome_at(size_t index) { return index < SM_COUNT(outcomes) ? &outcomes[index] : NULL; }

/* Age scope: yes (applies), no (outside), unknown (age not recorded and the
** row's limit is itself the rule). */
static sm_tri in_scope(const cp_ctx *x, cp_scope s)
{
	double age = x->age;
	switch (s) {
	case CP_ALL: return SM_YES;
	case CP_ADULT: return !x->age_known || age >= 18 ? SM_YES : SM_NO;
	case CP_CHILD: return x->age_known && age < 18 ? SM_YES : SM_NO;
	case CP_UNDER12: return !x->age_known ? SM_UNKNOWN : age < 12 ? SM_YES : SM_NO;
	case CP_OVER16: return !x->age_known || age > 16 ? SM_YES : SM_NO;
	case CP_UPTO16: return x->age_known && age <= 16 ? SM_YES : SM_NO;
	}
	return SM_NO;
}

static sm_care_item *find_item(sm_care_plan *p, const char *key)
{
	for (size_t k = 0; k < p->nitems; k++)
		if (strcmp(p->items[k].key, key) == 0)
			return &p->items[k];
	return NULL;
}

static void append_text(sm_care_plan *p, sm_care_item *it, const sm_care_ref *ref)
{
	sm_sb sb;
	size_t len = strlen(it->text);
	sm_sb_init(&sb, it->text + len, sizeof it->text - len); /* appends after the text so far */
	if (len)
		sm_sb_str(&sb, " ");
	if (ref->check) {
		sm_sb_str(&sb, "Check (");
		sm_sb_str(&sb, ref->missing ? ref->missing : "not recorded");
		sm_sb_str(&sb, "): ");
	}
	sm_sb_str(&sb, ref->rule->rule.text);
	if (len + sb.len + 1 >= sizeof it->text)
		p->truncated = true;
}

sm_status sm_care_plan_build(const sm_case *c, const sm_assessment *a, sm_care_plan *out)
{
	if (!c || !a || !out)
		return SM_E_ARGUMENT;
	cp_ctx x;
	derive(c, a, &x);
	memset(out, 0, sizeof *out);
	out->outcomes = outcomes;
	out->noutcomes = SM_COUNT(outcomes);
	for (size_t k = 0; k < SM_COUNT(table); k++) {
		const cp_row *row = &table[k];
		const char *m_scope = "age not recorded", *m_pred = NULL;
		sm_tri scope = in_scope(&x, row->scope);
		if (scope == SM_NO)
			continue;
		sm_tri t = row->pred(&x, &m_pred);
		const char *missing = NULL;
		t = tri_and(scope, m_scope, t, m_pred, &missing);
		if (t == SM_NO || (t == SM_UNKNOWN && !row->pub.check_if_unknown))
			continue;
		sm_care_item *it = find_item(out, row->pub.key);
		if (!it && row->pub.addon)
			continue; /* an addon only adds to its item */
		if (!it) {
			if (out->nitems >= SM_CARE_MAX_ITEMS) {
				out->ndropped++;
				continue;
			}
			it = &out->items[out->nitems++];
			it->key = row->pub.key;
			it->phase = row->pub.phase;
			it->age_scope = row->pub.age_scope;
			it->check = t == SM_UNKNOWN;
		} else if (!row->pub.addon) {
			continue; /* a second base row of the same item (disjoint age scopes: never) */
		}
		if (it->nrules >= SM_CARE_MAX_RULES) {
			out->ndropped++;
			continue;
		}
		sm_care_ref *ref = &it->rules[it->nrules++];
		ref->rule = &row->pub;
		ref->check = t == SM_UNKNOWN;
		ref->missing = ref->check ? (missing ? missing : "not recorded") : NULL;
		append_text(out, it, ref);
	}
	return SM_OK;
}
