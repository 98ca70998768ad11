/*
** assess.c: from one case to triage, instruments, NOMS, surgery eligibility,
** work-up, paediatric pathway and differential cues (`spinemets assess`).
** Every decision records the rules that fired (rules.h, REFERENCE.md sections).
** The output offers options with reasons; it never tells a clinician not to
** operate.
*/
#include "internal.h"
#include "rules.h"

#include <string.h>

/* ---------------- small helpers ---------------- */
static const sm_rule *R(int r) { return sm_rule_at((size_t)r); }

static void fire(sm_assessment *a, int r)
{
	const sm_rule *rule = R(r);
	for (size_t k = 0; k < a->nfired; k++)
		if (a->fired[k] == rule)
			return;
	if (a->nfired < SM_MAX_FIRED)
		a->fired[a->nfired++] = rule;
}

static void set_reason(sm_assessment *a, sm_reason *rs, int r, const char *t1, const char *t2)
{
	sm_sb sb;
	rs->rule = R(r);
	sm_sb_init(&sb, rs->text, sizeof rs->text);
	sm_sb_str(&sb, t1);
	sm_sb_str(&sb, t2);
	fire(a, r);
}

static void add_reason(sm_assessment *a, sm_reason *list, size_t *n, int r, const char *t1, const char *t2)
{
	for (size_t k = 0; k < *n; k++)
		if (list[k].rule == R(r) && t2 == NULL && strcmp(list[k].text, t1 ? t1 : "") == 0)
			return;
	if (*n >= SM_MAX_REASONS)
		return;
	set_reason(a, &list[(*n)++], r, t1, t2);
}

/* Add (or find) `key` in a keyed list and give it a reason. */
static sm_item_list *item(sm_assessment *a, sm_item_list *list, size_t *n, size_t max, const char *key,
                          int r, const char *t1, const char *t2)
{
	sm_item_list *it = NULL;
	for (size_t k = 0; k < *n; k++)
		if (strcmp(list[k].key, key) == 0)
			it = &list[k];
	if (!it) {
		if (*n >= max)
			return NULL;
		it = &list[(*n)++];
		memset(it, 0, sizeof *it);
		it->key = key;
	}
	add_reason(a, it->reasons, &it->nreasons, r, t1, t2);
	return it;
}

static void remove_item(sm_item_list *list, size_t *n, const char *key)
{
	for (size_t k = 0; k < *n; k++)
		if (strcmp(list[k].key, key) == 0) {
			memmove(&list[k], &list[k + 1], (*n - k - 1) * sizeof *list);
			(*n)--;
			return;
		}
}

static int has_item(const sm_item_list *list, size_t n, const char *key)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(list[k].key, key) == 0)
			return 1;
	return 0;
}

#define OPTION(key, r, t1, t2) item(a, a->options, &a->noptions, SM_MAX_OPTIONS, key, r, t1, t2)
#define WORKUP(key, r, t1, t2) item(a, a->workup, &a->nworkup, SM_MAX_WORKUP, key, r, t1, t2)
#define DIFF(key, r, t1, t2) item(a, a->differential, &a->ndifferential, SM_MAX_DIFF, key, r, t1, t2)
#define ACTION(key, r, t1, t2) item(a, a->actions, &a->nactions, SM_MAX_ACTIONS, key, r, t1, t2)

static void warn(sm_assessment *a, const char *text)
{
	for (size_t k = 0; k < a->nwarnings; k++)
		if (a->warnings[k] == text)
			return;
	if (a->nwarnings < SM_MAX_WARNINGS)
		a->warnings[a->nwarnings++] = text;
}

static void referral(sm_assessment *a, const char *key)
{
	for (size_t k = 0; k < a->nreferrals; k++)
		if (strcmp(a->referrals[k], key) == 0)
			return;
	if (a->nreferrals < SM_COUNT(a->referrals))
		a->referrals[a->nreferrals++] = key;
}

static void paed_note(sm_assessment *a, int r, const char *text)
{
	fire(a, r);
	if (a->npaediatric_notes < SM_COUNT(a->paediatric_notes))
		a->paediatric_notes[a->npaediatric_notes++] = text;
}

static int yes(sm_tri t) { return t == SM_YES; }
static int no(sm_tri t) { return t == SM_NO; }
/* setting fields: unknown means available (KEYS.md §5) */
static int available(sm_tri t) { return t != SM_NO; }

/* ---------------- derived facts ---------------- */
typedef struct facts {
	const sm_case *c;
	const sm_histology *h;   /* NULL when the primary is not given */
	int primary_unknown;     /* "unknown" primary, or cancer suspected without a primary */
	int child;               /* age < 18 */
	int age_known;
	double age;
	sm_tri cancer;           /* known or suspected cancer */
	sm_tri P, N;             /* symptom sets (§7.1) */
	int signs;               /* neurological signs on examination */
	int haem;                /* lymphoma or leukaemia primary */
	int haem_confirmed;
	int vertebrae;           /* levels involved (union over lesions) */
	int subluxation;
	/* REFERENCE §15 */
	int adult_ok;            /* adult (NICE, Patchell, IDSA) rules may apply: age >= 16 or unknown (§15.18) */
	int adolescent;          /* 16 <= age < 18: both shown, flagged */
	int cord, cauda;         /* §15.1 pictures */
	int child_n;             /* §15.2: number of set-N items in a child */
	int radiological;        /* §15.3: MSCC on imaging */
	int infection;           /* §15.8: infection leads */
	int haem_possible;       /* §15.7: lymphoma or leukaemia possible (primary or features) */
	int conflict_para;       /* §15.13: paraplegia hours vs Frankel D-E */
} facts;

static int lesion_choice(const sm_lesion *l, const char *key);

/* §15.1: the cord and cauda-equina pictures (neurology alone is enough). */
static void pictures(const sm_case *c, facts *f)
{
	int fr = c->neurology.frankel, as = c->neurology.asia_grade;
	int legs = yes(c->symptoms.neuro[SM_N_LIMB_WEAKNESS]) || yes(c->symptoms.neuro[SM_N_DIFFICULTY_WALKING]);
	int with = yes(c->neurology.sensory_level) || yes(c->neurology.umn_signs) ||
	           yes(c->symptoms.neuro[SM_N_BLADDER_BOWEL]) || yes(c->symptoms.urinary_retention);
	int graded = ((fr >= 0 && fr <= 3) || (as >= 0 && as <= 3)) && !yes(c->neurology.deficit_longstanding);
	f->cord = (legs && with) || graded;
	int sphincter = yes(c->symptoms.saddle_sensory_change) || yes(c->symptoms.urinary_retention) ||
	                yes(c->symptoms.neuro[SM_N_BLADDER_BOWEL]) || yes(c->symptoms.sexual_dysfunction);
	int pain = yes(c->symptoms.bilateral_radicular_pain) || yes(c->symptoms.neuro[SM_N_RADICULAR_PAIN]);
	for (int k = 0; k < SM_NPAIN; k++)
		pain |= yes(c->symptoms.pain[k]);
	f->cauda = sphincter && pain;
	/* §15.2: the extra set-N items in a child */
	if (f->child) {
		const sm_tri items[] = {c->symptoms.refuses_to_walk, c->symptoms.new_limp, c->symptoms.motor_regression,
		                        c->symptoms.painful_scoliosis_or_torticollis, c->neurology.reduced_leg_reflexes,
		                        c->symptoms.urinary_retention, c->symptoms.new_wetting_or_soiling,
		                        c->symptoms.constipation_with_overflow, c->symptoms.reduced_anal_sensation};
		for (size_t k = 0; k < SM_COUNT(items); k++)
			f->child_n += yes(items[k]);
		for (int k = 0; k < SM_NNEURO; k++)
			f->child_n += yes(c->symptoms.neuro[k]);
		if (f->child_n == 0 && f->signs)
			f->child_n = 1;
	}
	/* §15.3: compression on imaging */
	int deficit = f->signs || yes(c->symptoms.neuro[SM_N_LIMB_WEAKNESS]) || yes(c->symptoms.neuro[SM_N_SENSORY_LOSS]) ||
	              yes(c->symptoms.neuro[SM_N_BLADDER_BOWEL]);
	for (size_t k = 0; k < c->nlesions; k++) {
		int g = c->lesions[k].escc;
		if (g >= SM_ESCC_2 || (g == SM_ESCC_1C && deficit))
			f->radiological = 1;
	}
	if (yes(c->imaging.conus_or_cauda_compression))
		f->radiological = 1;
	/* §15.8: infection leads */
	int markers = c->cancer.history == SM_HISTORY_NONE &&
	              ((c->systemic.crp_mg_dl.known && c->systemic.crp_mg_dl.v >= 1.0) ||
	               (c->systemic.esr_mm_h.known && c->systemic.esr_mm_h.v >= 30));
	int disc = 0;
	for (size_t k = 0; k < c->nlesions; k++)
		if (yes(c->lesions[k].disc_space_involved) && yes(c->lesions[k].adjacent_endplates_destroyed))
			disc = 1;
	f->infection = yes(c->symptoms.fever) || markers || yes(c->infection.bacteraemia_or_endocarditis) || disc ||
	               yes(c->infection.abscess) || yes(c->infection.gibbus) || yes(c->history.injecting_drug_use) ||
	               yes(c->history.immunosuppression) || yes(c->infection.recent_spinal_procedure);
	/* §15.7: lymphoma caution from a coded primary or from features (young adult) */
	int young = f->age_known && f->age < 40;
	int b_symptoms = yes(c->symptoms.night_sweats) || yes(c->symptoms.weight_loss) || yes(c->symptoms.fever);
	int features = young && f->cancer != SM_NO && (!f->h || f->h->unknown_primary) &&
	               (yes(c->symptoms.lymphadenopathy) || yes(c->imaging.mediastinal_mass) || b_symptoms ||
	                (c->systemic.ldh_iu_l.known && c->systemic.ldh_iu_l.v >= 250));
	f->haem_possible = (f->haem && !yes(c->cancer.tissue_confirmed)) || features;
	f->conflict_para = c->neurology.complete_paraplegia_hours.known && c->neurology.complete_paraplegia_hours.v > 0 &&
	                   c->neurology.frankel >= 3;
	(void)lesion_choice;
}

static int lesion_choice(const sm_lesion *l, const char *key)
{
	const sm_value *v = sm_get(&l->sins, key);
	return v ? v->i : -1;
}

static void derive(const sm_case *c, facts *f)
{
	memset(f, 0, sizeof *f);
	f->c = c;
	f->h = c->cancer.primary >= 0 ? sm_histology_at((size_t)c->cancer.primary) : NULL;
	f->age_known = c->patient.age_years.known;
	f->age = c->patient.age_years.v;
	f->child = f->age_known && f->age < 18;
	int specific_primary = f->h && !f->h->unknown_primary;
	if (c->cancer.history == SM_HISTORY_KNOWN || c->cancer.history == SM_HISTORY_SUSPECTED || specific_primary)
		f->cancer = SM_YES;
	else if (c->cancer.history == SM_HISTORY_NONE)
		f->cancer = SM_NO;
	else
		f->cancer = SM_UNKNOWN;
	f->primary_unknown = f->cancer == SM_YES && ((f->h && f->h->unknown_primary) ||
	                     (!f->h && c->cancer.history == SM_HISTORY_SUSPECTED));
	int any = 0, all_no = 1;
	for (int k = 0; k < SM_NPAIN; k++) {
		if (yes(c->symptoms.pain[k]))
			any = 1;
		if (!no(c->symptoms.pain[k]))
			all_no = 0;
	}
	f->P = any ? SM_YES : all_no ? SM_NO : SM_UNKNOWN;
	any = 0;
	all_no = 1;
	for (int k = 0; k < SM_NNEURO; k++) {
		if (yes(c->symptoms.neuro[k]))
			any = 1;
		if (!no(c->symptoms.neuro[k]))
			all_no = 0;
	}
	f->signs = (c->neurology.frankel >= 0 && c->neurology.frankel <= 3) ||
	           (c->neurology.asia_grade >= 0 && c->neurology.asia_grade <= 3) ||
	           yes(c->neurology.myelopathy) || yes(c->neurology.radiculopathy) || yes(c->neurology.deteriorating) ||
	           (c->neurology.complete_paraplegia_hours.known && c->neurology.complete_paraplegia_hours.v > 0) ||
	           c->neurology.ambulatory == SM_AMB_NON_AMBULATORY;
	f->N = (any || f->signs) ? SM_YES : all_no ? SM_NO : SM_UNKNOWN;
	f->haem = f->h && f->h->lympholytic;
	f->haem_confirmed = f->h && yes(c->cancer.tissue_confirmed) && f->h->haematological;
	unsigned char seen[SM_NLEVELS] = {0};
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_value *lv = sm_get(&c->lesions[k].sins, "level");
		if (lv)
			for (int l = lv->lo; l <= lv->hi; l++)
				seen[l] = 1;
		if (lesion_choice(&c->lesions[k], "alignment") == 0)
			f->subluxation = 1;
	}
	for (int l = 0; l < SM_NLEVELS; l++)
		f->vertebrae += seen[l];
	/* lesions without a level still count once each */
	for (size_t k = 0; k < c->nlesions; k++)
		if (!sm_get(&c->lesions[k].sins, "level"))
			f->vertebrae++;
	f->adult_ok = !f->age_known || f->age >= 16;
	f->adolescent = f->age_known && f->age >= 16 && f->age < 18;
	/* reduced consciousness: neurology is unassessable, unknown rather than normal (§15.1) */
	if (yes(c->neurology.reduced_consciousness) && f->N == SM_NO)
		f->N = SM_UNKNOWN;
	pictures(c, f);
}

/* ---------------- triage (§7, §14) ---------------- */
static sm_urgency urgency_for(int cancer, int P, int N)
{
	if (cancer)
		return N ? SM_URG_EMERGENCY : P ? SM_URG_URGENT : SM_URG_ROUTINE;
	if (P && N)
		return SM_URG_EMERGENCY;
	return P ? SM_URG_URGENT : SM_URG_ROUTINE;
}

static int instability_suspected(const facts *f, const sm_assessment *a)
{
	if (yes(f->c->symptoms.pain[SM_P_MECHANICAL]) || f->subluxation)
		return 1;
	for (size_t k = 0; k < a->nlesions; k++)
		if (a->sins[k].band && strcmp(a->sins[k].band, "unstable") == 0)
			return 1;
	return 0;
}

/* A lesion already shown unstable (subluxation, SINS 13+), or the 15.11 collar
** condition (cervical lesion with mechanical pain): never "keep active". */
static int lesion_unstable(const facts *f, const sm_assessment *a)
{
	if (f->subluxation)
		return 1;
	for (size_t k = 0; k < a->nlesions; k++)
		if (a->sins[k].band && strcmp(a->sins[k].band, "unstable") == 0)
			return 1;
	for (size_t k = 0; k < f->c->nlesions; k++) {
		const sm_value *lv = sm_get(&f->c->lesions[k].sins, "level");
		if (lv && lv->lo <= 7 && yes(f->c->symptoms.pain[SM_P_MECHANICAL]))
			return 1;
	}
	return 0;
}

/* §15.4: simple back pain. 1 simple, 0 a red flag present, -1 red flags not
** all recorded (unknown is not absent), -2 not applicable. */
static int simple_back_pain(const facts *f, int *radicular_not_n)
{
	const sm_case *c = f->c;
	*radicular_not_n = 0;
	if (f->cancer != SM_NO || !f->age_known || f->age < 18 || f->P != SM_YES)
		return -2;
	if (!yes(c->symptoms.pain[SM_P_MECHANICAL]) && !yes(c->symptoms.pain[SM_P_ON_STRAINING]) &&
	    !yes(c->symptoms.pain[SM_P_LOCALISED_TENDERNESS]))
		return -2;
	/* objective deficit, sphincter or bilateral features: not simple (15.1 decides) */
	if (f->signs || f->cord || f->cauda || yes(c->symptoms.bilateral_radicular_pain) ||
	    yes(c->symptoms.saddle_sensory_change) || yes(c->symptoms.urinary_retention))
		return -2;
	static const int nk[] = {SM_N_LIMB_WEAKNESS, SM_N_DIFFICULTY_WALKING, SM_N_SENSORY_LOSS, SM_N_BLADDER_BOWEL};
	for (size_t k = 0; k < SM_COUNT(nk); k++)
		if (yes(c->symptoms.neuro[nk[k]]))
			return -2;
	/* unilateral radicular pain without cancer is not set N (the 4 deficit items recorded absent) */
	int deficits_absent = 1;
	for (size_t k = 0; k < SM_COUNT(nk); k++)
		if (!no(c->symptoms.neuro[nk[k]]))
			deficits_absent = 0;
	*radicular_not_n = deficits_absent && yes(c->symptoms.neuro[SM_N_RADICULAR_PAIN]) && no(c->symptoms.bilateral_radicular_pain);
	const sm_tri flags[] = {
		c->symptoms.pain[SM_P_THORACIC_OR_CERVICAL], c->symptoms.pain[SM_P_NOCTURNAL],
		c->symptoms.pain[SM_P_SEVERE_UNREMITTING_LOWER], c->symptoms.pain[SM_P_PROGRESSIVE_LUMBAR],
		c->symptoms.no_improvement_4_6_weeks, c->symptoms.weight_loss, c->symptoms.fever, c->symptoms.night_sweats,
		c->history.immunosuppression, c->history.long_term_steroids, c->history.osteoporosis,
		c->history.injecting_drug_use, c->infection.tb_history_or_contact, c->infection.bacteraemia_or_endocarditis,
	};
	int unknown = 0;
	for (size_t k = 0; k < SM_COUNT(flags); k++) {
		if (yes(flags[k]))
			return 0;
		if (!no(flags[k]))
			unknown = 1;
	}
	if (f->age >= 50 || f->age < 20)
		return 0;
	for (size_t k = 0; k < SM_COUNT(nk); k++)
		if (!no(c->symptoms.neuro[nk[k]]))
			unknown = 1;
	if (yes(c->symptoms.neuro[SM_N_RADICULAR_PAIN]) && !no(c->symptoms.bilateral_radicular_pain))
		unknown = 1;
	if (unknown)
		return -1;
	return 1;
}

#define TRIAGE_REASON(r, t) add_reason(a, a->triage_reasons, &a->ntriage_reasons, r, t, NULL)

/* §15.1-15.4, §15.11: the safety rules; returns the urgency (never lower than
** `u` except for simple back pain, 15.4). */
static sm_urgency safety_triage(const facts *f, sm_assessment *a, sm_urgency u, int simple)
{
	const sm_case *c = f->c;
	sm_urgency up = u;
#define RAISE(v) do { if ((v) > up) up = (v); } while (0)
	if (f->cord) {
		RAISE(SM_URG_EMERGENCY);
		TRIAGE_REASON(R_S15_1_CORD, "Cord picture (weakness with a sensory level, upper-motor-neuron signs or sphincter dysfunction, or Frankel/ASIA A-D of recent or unknown onset): emergency whatever the cancer history and with or without pain.");
	}
	if (f->cauda) {
		RAISE(SM_URG_EMERGENCY);
		TRIAGE_REASON(R_S15_1_CAUDA, "Cauda-equina picture (saddle, sphincter or sexual dysfunction with back or radicular pain): emergency.");
	}
	if (f->radiological) {
		if (f->N != SM_NO) {
			RAISE(SM_URG_EMERGENCY);
			TRIAGE_REASON(R_S15_3_RADIOLOGICAL, f->N == SM_YES ? "Compression on imaging with neurological features: emergency."
			                                                  : "Compression on imaging and neurology not yet examined (or unassessable): emergency.");
		} else {
			RAISE(SM_URG_URGENT);
			TRIAGE_REASON(R_S15_3_RADIOLOGICAL, "Compression on imaging without neurological features: urgent; discuss with the MSCC coordinator or spinal team today and agree a definitive plan within 24 hours.");
		}
	}
	if (f->child) {
		int back = f->P == SM_YES || yes(c->symptoms.pain[SM_P_LOCALISED_TENDERNESS]);
		if (f->child_n) {
			TRIAGE_REASON(R_S15_2_CHILD_N, "Child: neurological features of the paediatric set N recorded.");
			if (f->cancer == SM_YES || yes(c->imaging.paraspinal_or_dumbbell_mass) || back || f->signs || f->child_n >= 2) {
				RAISE(SM_URG_EMERGENCY);
				TRIAGE_REASON(R_S15_2_EMERGENCY, "Child with set-N features and a cancer history, a paraspinal or dumbbell mass, back pain, an abnormal examination or two or more N items: emergency (paediatric oncology and neurosurgery now).");
			} else {
				RAISE(SM_URG_URGENT);
				TRIAGE_REASON(R_S15_2_EMERGENCY, "Child with a single set-N feature and nothing else recorded: at least urgent; emergency if back pain, a cancer history or another N item is found.");
			}
		}
		if (yes(c->symptoms.pain_persistent) || yes(c->symptoms.pain[SM_P_PROGRESSIVE_LUMBAR]) ||
		    yes(c->symptoms.pain[SM_P_SEVERE_UNREMITTING_LOWER]) ||
		    yes(c->symptoms.pain[SM_P_NOCTURNAL]) || yes(c->symptoms.pain_analgesia_resistant)) {
			RAISE(SM_URG_URGENT);
			TRIAGE_REASON(R_S15_2_PAIN, "Child with persistent or worsening back pain, pain that wakes the child, or pain through simple analgesia: at least urgent MRI, never routine.");
		}
		if (f->cancer != SM_NO && f->P == SM_YES && !f->child_n) {
			RAISE(SM_URG_URGENT);
			TRIAGE_REASON(R_PAED_ROUTE, "Child with known or suspected cancer and spinal pain: urgent paediatric oncology.");
		}
	}
	/* §15.11: C0-C2 with subluxation */
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_value *lv = sm_get(&c->lesions[k].sins, "level");
		if (lv && lv->lo <= 2 && lesion_choice(&c->lesions[k], "alignment") == 0) {
			int deficit = f->N == SM_YES;
			RAISE(deficit ? SM_URG_EMERGENCY : SM_URG_URGENT);
			TRIAGE_REASON(R_S15_11_C0C2, deficit ? "C0-C2 involvement with subluxation and a deficit: surgical opinion immediately."
			                                     : "C0-C2 involvement with subluxation: surgical opinion within 24 hours.");
			break;
		}
	}
	/* §15.4 (adults): simple back pain, red flags, single-root weakness */
	if (simple == 1 && up == SM_URG_URGENT && u == SM_URG_URGENT && !f->radiological && !f->child) {
		up = SM_URG_ROUTINE;
		TRIAGE_REASON(R_S15_4_SIMPLE, "Mechanical lumbosacral pain without cancer, deficit or any red flag (all recorded): simple back pain, routine.");
	} else if (simple == 0) {
		RAISE(SM_URG_URGENT);
		TRIAGE_REASON(R_S15_4_RED_FLAG, "Back pain without known cancer and with a red flag: urgent, with the unknown-primary and infection work-up.");
	} else if (simple == -1) {
		TRIAGE_REASON(R_S15_4_UNRECORDED, "Back pain without known cancer whose red flags are not all recorded: not classed as simple back pain; record every red flag.");
	}
	if (f->cancer == SM_NO && !f->child && f->age_known && c->neurology.root_weakness_mrc.known &&
	    c->neurology.root_weakness_mrc.v <= 3) {
		RAISE(SM_URG_URGENT);
		TRIAGE_REASON(R_S15_4_ROOT, "Severe single-root weakness (MRC 3 or less): urgent spinal referral.");
		ACTION("urgent_spinal_referral", R_S15_4_ROOT, "Severe or progressive single-root weakness: urgent spinal referral.", NULL);
	}
#undef RAISE
	return up;
}

static void mimics(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	if (yes(c->neurology.sudden_unilateral_weakness_face_speech_vision))
		item(a, a->mimics, &a->nmimics, SM_COUNT(a->mimics), "stroke_pathway", R_S15_1_MIMIC_STROKE,
		     "Sudden one-sided weakness with face, speech or vision involvement: stroke pathway and brain imaging first (the spinal triage stands).", NULL);
	if ((yes(c->neurology.ascending_weakness) && yes(c->neurology.areflexia) && !yes(c->neurology.sensory_level)) ||
	    yes(c->neurology.bulbar_or_breathing_difficulty))
		item(a, a->mimics, &a->nmimics, SM_COUNT(a->mimics), "consider_guillain_barre", R_S15_1_MIMIC_GBS,
		     "Symmetric ascending weakness with areflexia and no sensory level, or bulbar or breathing difficulty: consider Guillain-Barre; vital capacity and neurology now.", NULL);
	if (yes(c->history.anticoagulant_or_antiplatelet) || yes(c->history.recent_neuraxial_procedure))
		item(a, a->mimics, &a->nmimics, SM_COUNT(a->mimics), "consider_epidural_haematoma", R_S15_1_MIMIC_HAEMATOMA,
		     "Anticoagulant or antiplatelet therapy, or a recent neuraxial procedure: consider a spinal epidural haematoma.", NULL);
	if (yes(c->neurology.reduced_consciousness))
		item(a, a->mimics, &a->nmimics, SM_COUNT(a->mimics), "neurology_unassessable", R_S15_1_MIMIC_CONSCIOUSNESS,
		     "Reduced consciousness or delirium: neurology unassessable (unknown, not normal); check calcium, glucose, sepsis and brain metastases.", NULL);
}

static void triage(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	int radicular_not_n = 0;
	int simple = simple_back_pain(f, &radicular_not_n);
	int P = f->P == SM_YES, N = f->N == SM_YES;
	if (radicular_not_n && !f->signs) {
		N = 0;
		for (int k = 0; k < SM_NNEURO; k++)
			if (k != SM_N_RADICULAR_PAIN && yes(c->symptoms.neuro[k]))
				N = 1;
	}
	sm_urgency u;
	int adult = f->adult_ok;
	if (f->signs && adult)
		add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_SIGNS,
		           "Neurological signs on examination (deficit, myelopathy, radiculopathy, paraplegia or deterioration) count as set N.", NULL);
	if (f->cancer == SM_UNKNOWN) {
		sm_urgency u1 = urgency_for(1, P, N), u0 = urgency_for(0, P, N);
		u = u1 > u0 ? u1 : u0;
		add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_HISTORY_UNKNOWN,
		           "Cancer history not recorded: triaged as if cancer were possible.", NULL);
	} else {
		u = urgency_for(f->cancer == SM_YES, P, N);
	}
	if (!adult) /* children under 16: §15.2 and §8 decide, not the adult NICE rule */
		u = SM_URG_ROUTINE;
	if (f->cancer != SM_NO && adult) {
		if (N)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_CANCER_N,
			           "Known or suspected cancer with a neurological feature: suspected MSCC.", NULL);
		else if (P)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_CANCER_P,
			           "Known or suspected cancer with pain suggestive of spinal metastases, no neurology.", NULL);
	}
	if (f->cancer != SM_YES && adult) {
		if (P && N)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NOCA_PN,
			           "No known cancer, but spinal pain with neurology: MSCC can be the first presentation of cancer.", NULL);
		else if (P && simple != 1)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NOCA_P,
			           "No known cancer, spinal pain suggestive of metastases: urgent, investigate for an unknown primary.", NULL);
		else if (N && f->cancer == SM_NO && !f->cord && !f->cauda)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NOCA_N,
			           "No cancer history and neurology without the pain features or a cord or cauda-equina picture: assess for other causes.", NULL);
	}
	if (!P && !N && adult)
		add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NONE,
		           "No recorded pain feature of set P and no neurological feature of set N.", NULL);
	u = safety_triage(f, a, u, simple);
	a->urgency = u;
	if (u == SM_URG_ROUTINE && N && f->cancer == SM_NO && adult)
		ACTION("assess_other_causes", R_TRIAGE_NOCA_N, "Neurological features without cancer, suggestive pain or a cord or cauda-equina picture: not this pathway; assess for other causes.", NULL);
	if (simple == 1 && u == SM_URG_ROUTINE && !lesion_unstable(f, a)) { /* an unstable lesion is not simple back pain (care plan §16: precautions) */
		ACTION("keep_active", R_S15_4_SIMPLE, "Simple back pain: keep active (no bed rest, no log-roll); no imaging in a non-specialist setting.", NULL);
		ACTION("safety_net_cauda_equina", R_S15_4_SIMPLE, "Written safety net: saddle numbness, new bladder, bowel or sexual dysfunction, or leg weakness -> emergency assessment; reassess if any red flag appears.", NULL);
	}
	if (!a->ntriage_reasons)
		add_reason(a, a->triage_reasons, &a->ntriage_reasons, f->child ? R_S15_2_PAIN : R_TRIAGE_HISTORY_UNKNOWN,
		           f->child ? "Child without a set-N feature and without persistent, worsening, night or analgesia-resistant back pain: routine on these data; reassess if any appears."
		                    : "No triage feature recorded.", NULL);
	mimics(f, a);
	a->triage_complete = f->P != SM_UNKNOWN && f->N != SM_UNKNOWN && f->cancer != SM_UNKNOWN;
	if (f->P == SM_UNKNOWN || f->N == SM_UNKNOWN)
		warn(a, "Some triage symptoms were not recorded: the urgency rests on the features recorded as present; unrecorded features are not assumed absent.");

	int mri_here = available(c->setting.mri_available);
	int ct_here = available(c->setting.ct_available);
	int mri_contra = yes(c->imaging.mri_contraindicated);
	int mri_done = yes(c->imaging.mri_done);
	/* rules whose source covers this age (§15.18): the NICE adult rules at 16 or
	** over (or age unknown), the paediatric rule (§15.2) under 16 */
	int r_mri24 = adult ? R_MRI_24H : R_S15_2_MRI, r_mri1w = adult ? R_MRI_1W : R_S15_2_MRI;
	int r_contra = adult ? R_MRI_CONTRA : R_S15_2_MRI;
	int neuro = N || f->cord || f->cauda || f->child_n;
	int cauda_4h = f->cauda && f->cancer != SM_YES && !f->child;
	if (u == SM_URG_EMERGENCY) {
		a->contact_within_hours = 0;
		a->mri_within_hours = cauda_4h ? 4 : 24;
		if (f->child)
			ACTION("contact_paediatric_oncology_immediately", R_PAED_ROUTE, "Suspected malignant cord compression in a child: contact the paediatric oncology team now (and the MSCC coordinator where the network routes children through it).", NULL);
		if (!f->child || f->adolescent)
			ACTION("contact_mscc_coordinator_immediately", adult ? R_CONTACT_IMMEDIATE : R_S15_1_CORD, "Suspected MSCC: contact the MSCC coordinator now.", NULL);
		if (f->child)
			ACTION("nil_by_mouth", R_S15_2_MRI, "Child: keep nil by mouth (sedation or anaesthesia for MRI or surgery may be needed); the need for sedation never delays transfer.", NULL);
		if (mri_done)
			ACTION("review_mri_now", r_mri24, "Whole-spine MRI recorded as done: grade ESCC and instability from it now.", NULL);
		else if (mri_contra) {
			ACTION("ct_whole_spine", r_contra, "MRI contraindicated: CT of the whole spine within 24 hours; CT myelography only in a specialist centre.",
			       ct_here ? NULL : " No CT here: transfer for CT within 24 hours.");
			if (!ct_here)
				referral(a, "imaging_centre");
		} else if (!mri_here) {
			if (ct_here && !f->child)
				ACTION("ct_whole_spine", R_SETTING_NO_MRI, "No MRI here: CT of the whole spine now, and transfer for whole-spine MRI within 24 hours.", NULL);
			if (cauda_4h)
				ACTION("mri_within_4h", R_S15_1_MRI_4H, "Cauda-equina picture without known cancer: emergency transfer for MRI within 4 hours of the request (lumbosacral; whole spine if cancer or infection is possible).", NULL);
			else
				ACTION("whole_spine_mri_24h", f->child ? R_S15_2_MRI : R_S15_1_MRI_24H, f->child ? "Child: transfer for MRI within 24 hours (sooner if deteriorating); whole-spine CT only when transfer is impossible."
				                                                                            : "Whole-spine MRI within 24 hours (at a centre that has MRI): emergency transfer now.", NULL);
			referral(a, "mri_centre");
		} else if (cauda_4h)
			ACTION("mri_within_4h", R_S15_1_MRI_4H, "Cauda-equina picture without known cancer: MRI within 4 hours of the request (lumbosacral; whole spine if cancer or infection is possible).", NULL);
		else
			ACTION("whole_spine_mri_24h", r_mri24, "Whole-spine MRI as soon as possible and always within 24 hours.", NULL);
		if (f->cord || f->cauda)
			fire(a, R_S15_1_MRI_24H);
		ACTION("treatment_plan_24h", r_mri24, "Agree a definitive treatment plan within 24 hours of suspecting MSCC.", NULL);
		if (!f->child && !available(c->setting.spinal_surgery_available)) {
			ACTION("refer_spinal_surgery", R_SETTING_NO_SURGERY, "No spinal surgery here: discuss with the nearest spinal surgical centre now, so that decompression or stabilisation is not delayed if the MRI shows it is needed.", NULL);
			referral(a, "spinal_surgery_centre");
		}
		if (!available(c->setting.radiotherapy_available))
			referral(a, "radiotherapy_centre");
	} else if (u == SM_URG_URGENT) {
		a->contact_within_hours = 24;
		a->mri_within_hours = f->radiological ? 24 : 168;
		if (f->child)
			ACTION("contact_paediatric_oncology_24h", R_PAED_ROUTE, "Suspected spinal malignancy in a child: contact the paediatric oncology team within 24 hours.", NULL);
		if (!f->child || f->adolescent)
			ACTION("contact_mscc_coordinator_24h", adult ? R_CONTACT_24H : R_S15_2_PAIN, "Suspected spinal metastases: contact the MSCC coordinator within 24 hours.", NULL);
		if (f->radiological)
			ACTION("discuss_same_day_plan_24h", R_S15_3_RADIOLOGICAL, "Compression on imaging: discuss with the MSCC coordinator or spinal team today; definitive plan within 24 hours.", NULL);
		if (mri_done)
			ACTION("review_mri", r_mri1w, "Whole-spine MRI recorded as done: stage the spine from it.", NULL);
		else if (mri_contra) {
			ACTION("ct_whole_spine", r_contra, "MRI contraindicated: CT of the whole spine within 1 week.", ct_here ? NULL : " No CT here: refer.");
			if (!ct_here)
				referral(a, "imaging_centre");
		} else {
			ACTION("whole_spine_mri_1_week", r_mri1w, f->child ? "Child: MRI is the test, at least urgent (within 1 week; sooner if symptoms progress)." : "Whole-spine MRI within 1 week.", mri_here ? NULL : " No MRI here: refer.");
			if (!mri_here)
				referral(a, "mri_centre");
		}
		ACTION("treatment_plan_1_week", r_mri1w, "Agree a treatment plan within 1 week.", NULL);
	} else {
		a->contact_within_hours = -1;
		a->mri_within_hours = -1;
	}
	if (u != SM_URG_ROUTINE) {
		if (adult)
			ACTION("no_plain_xray", R_NO_XRAY, "A plain spinal X-ray cannot exclude metastases or MSCC: do not use it for that.", NULL);
		if (f->cancer != SM_YES || f->primary_unknown)
			ACTION("unknown_primary_workup", R_WU_UNKNOWN_PRIMARY, "No known primary: start the unknown-primary work-up.", NULL);
		if (instability_suspected(f, a))
			ACTION("immobilise_flat_log_roll", adult ? R_IMMOBILISE : R_S15_19_TRANSFER, "Instability suspected (mechanical pain, subluxation or SINS 13+): immobilise flat with log-rolling now, expert advice within 24 hours.", NULL);
		if (f->child && yes(c->imaging.mediastinal_mass) + yes(c->symptoms.stridor_or_orthopnoea) > 0)
			ACTION("anaesthetic_review_before_sedation", R_S15_2_SEDATION, "Mediastinal mass, stridor or orthopnoea: anaesthetic review before any sedation.", NULL);
	}
	/* dexamethasone (§7.2, §7.3, §8, §15.1, §15.7, §15.8, §15.12) */
	int sphincter = yes(c->symptoms.neuro[SM_N_BLADDER_BOWEL]) || yes(c->symptoms.urinary_retention) ||
	                yes(c->symptoms.saddle_sensory_change);
	int walks = !(c->neurology.frankel >= 0 && c->neurology.frankel <= 2) && !(c->neurology.asia_grade >= 0 && c->neurology.asia_grade <= 2) &&
	            c->neurology.ambulatory != SM_AMB_NON_AMBULATORY &&
	            !(c->neurology.complete_paraplegia_hours.known && c->neurology.complete_paraplegia_hours.v > 0);
	int tissue_first = f->haem_possible && neuro && no(c->neurology.deteriorating) && walks && !sphincter;
	int dex_now_haem = f->haem_possible && neuro && !tissue_first;
	if (f->infection && neuro && u != SM_URG_ROUTINE) {
		a->dexamethasone = SM_DEX_DISCUSS;
		a->dex_rule = R(R_S15_8_DEX);
		ACTION("discuss_steroid_with_spinal_team", R_S15_8_DEX, "Infection leads the differential: dexamethasone is not advised by default; discuss with the spinal team.",
		       f->cancer == SM_YES ? " A cancer is also known: the infection rule (S15-8-DEX) set this advice, not the MSCC rule." : NULL);
		if (f->cancer == SM_YES)
			fire(a, adult ? R_DEX_16 : R_S15_12_CHILD);
	} else if (tissue_first) {
		a->dexamethasone = SM_DEX_HAEMATOLOGY_FIRST;
		a->dex_rule = R(R_S15_7_TISSUE_FIRST);
		ACTION("seek_haematology_advice", R_DEX_HAEM_SUSPECTED, "Lymphoma or leukaemia suspected, not confirmed, neurology stable: haematology advice and tissue before steroids; give steroids at once if neurology deteriorates.", NULL);
		ACTION("tissue_within_24h", R_S15_7_TISSUE_FIRST, "Tissue first while the person walks, sphincters are intact and deterioration is recorded absent: biopsy, marrow, node, effusion or blood film within 24 hours, then the steroid.",
		       c->neurology.frankel < 0 && c->neurology.ambulatory < 0 ? " Walking and Frankel grade not recorded: confirm now; if the person cannot walk, give dexamethasone now." : NULL);
	} else if (f->cancer == SM_NO && neuro && u == SM_URG_EMERGENCY) {
		/* §15.1 at every age: without known or suspected cancer, discuss (no dose, never a delay) */
		a->dexamethasone = SM_DEX_DISCUSS;
		a->dex_rule = R(R_S15_1_DEX_DISCUSS);
		ACTION("discuss_steroid_with_team_now", R_S15_1_DEX_DISCUSS, "No known or suspected cancer: discuss dexamethasone with the spinal/oncology team now (lymphoma, infection, disc and haematoma are possible); never delay MRI or transfer for it.",
		       f->child ? " Child: any dose comes from the paediatric oncology protocol." : NULL);
	} else if (f->child && neuro && u != SM_URG_ROUTINE) {
		a->dexamethasone = SM_DEX_PAEDIATRIC;
		a->dex_rule = R(R_S15_12_CHILD);
		fire(a, R_DEX_PAED);
		ACTION("steroid_dose_from_paediatric_oncology", R_S15_12_CHILD, "Child: ask the paediatric oncology team (or the regional centre) for the steroid dose now; no dose is computed here.", NULL);
		if (dex_now_haem)
			ACTION("dexamethasone_now_tissue_in_parallel", R_S15_7_DEX_NOW, "Lymphoma or leukaemia possible with a severe, sphincter or deteriorating (or unknown-course) deficit: steroid now per the paediatric protocol and urgent tissue in parallel; tell the pathologist a steroid was given.", NULL);
	} else if (f->child) {
		/* §15.12: never a steroid for a child without neurology */
		a->dexamethasone = SM_DEX_NOT_ROUTINE;
		a->dex_rule = R(R_S15_12_CHILD);
		fire(a, R_S15_12_CHILD);
	} else if (neuro && u == SM_URG_EMERGENCY) {
		a->dexamethasone = SM_DEX_GIVE_16MG;
		a->dex_rule = R(dex_now_haem ? R_S15_7_DEX_NOW : R_DEX_16);
		ACTION("dexamethasone_16mg", R_DEX_16, "Dexamethasone 16 mg orally (or equivalent) as soon as possible unless contraindicated; stop if MSCC is excluded.", NULL);
		if (dex_now_haem)
			ACTION("dexamethasone_now_tissue_in_parallel", R_S15_7_DEX_NOW, "Lymphoma or leukaemia possible with Frankel A-C, sphincter involvement, deterioration or an unknown course: dexamethasone now and urgent tissue in parallel; tell the pathologist a steroid was given.", NULL);
	} else if (f->haem_confirmed && u != SM_URG_ROUTINE) {
		a->dexamethasone = SM_DEX_GIVE_16MG;
		a->dex_rule = R(R_DEX_HAEM_CONFIRMED);
		ACTION("dexamethasone_16mg", R_DEX_HAEM_CONFIRMED, "Confirmed haematological malignancy with spinal disease: dexamethasone 16 mg as soon as possible, then plan with the haematology MDT.", NULL);
	} else {
		a->dexamethasone = SM_DEX_NOT_ROUTINE;
		a->dex_rule = R(adult ? R_DEX_NOT_ROUTINE : R_S15_12_CHILD);
		fire(a, adult ? R_DEX_NOT_ROUTINE : R_S15_12_CHILD);
	}
	if (f->haem_possible && u != SM_URG_ROUTINE) {
		WORKUP("tumour_lysis_bloods", R_S15_7_TLS, "Lymphoma or leukaemia possible: urate, potassium, phosphate, calcium, creatinine and LDH; IV hydration with or before the first steroid dose.", NULL);
		if (!f->haem)
			fire(a, R_S15_7_FEATURES);
	}
	if (a->dexamethasone == SM_DEX_GIVE_16MG || a->dexamethasone == SM_DEX_PAEDIATRIC) {
		ACTION("steroid_safety_bundle", R_S15_12_BUNDLE, "With the steroid: gastric protection, capillary glucose monitoring, a daily neurological check; taper after definitive treatment (over 5-7 days); if neurology worsens during the taper, return to the previous dose and seek advice; stop if MSCC is excluded.", NULL);
		if (yes(c->infection.tb_endemic_region))
			ACTION("consider_strongyloides", R_S15_12_STRONGYLOIDES, "From an endemic region: consider Strongyloides serology or empirical ivermectin before prolonged high-dose steroids.", NULL);
	}
	if (f->adolescent) {
		a->adolescent = true;
		ACTION("confirm_adult_or_paediatric_protocol", R_S15_18_ADOLESCENT, "Age 16-17: adult and paediatric rules are both shown; confirm whether the adult or the paediatric protocol applies.", NULL);
	}
	if (f->child && u != SM_URG_ROUTINE) {
		if (!available(c->setting.paediatric_oncology_available)) {
			fire(a, R_SETTING_NO_PAED);
			referral(a, "paediatric_oncology_centre");
		}
	}
}

/* ---------------- instruments ---------------- */
static int escc_rank(const sm_lesion *l)
{
	if (l->escc < 0)
		return 0;
	return l->escc >= SM_ESCC_2 ? 3 : l->escc == SM_ESCC_1C ? 2 : 1;
}

static void lesion_instruments(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	a->nlesions = c->nlesions;
	a->index_lesion = -1;
	int best_rank = -1, best_sins = -1;
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_lesion *l = &c->lesions[k];
		sm_score(&l->sins, &a->sins[k]);
		sm_input ei;
		sm_input_init(&ei, &sm_inst_escc);
		if (l->escc >= 0)
			sm_input_set_text(&ei, "grade", sm_vocab_word(SM_VOCAB_ESCC, (size_t)l->escc));
		sm_score(&ei, &a->escc[k]);
		const sm_value *lv = sm_get(&l->sins, "level");
		if (l->escc >= 0 && lv && lv->lo > 20 /* below L1: cauda equina */) {
			static const char below[] = "Below the conus the Bilsky scale was not designed for nerve roots: the standard grade is shown, but the scale is not validated below the conus (REFERENCE §2).";
			if (a->escc[k].nnotes < SM_MAX_NOTES)
				a->escc[k].notes[a->escc[k].nnotes++] = below;
			warn(a, "An ESCC grade was recorded below the conus (cauda equina level): the Bilsky scale is not validated there (REFERENCE §2).");
		}
		if (f->child) {
			a->sins[k].flags |= SM_FLAG_NOT_VALIDATED_IN_CHILDREN;
			a->escc[k].flags |= SM_FLAG_NOT_VALIDATED_IN_CHILDREN;
		}
		int rank = escc_rank(l), s = a->sins[k].hi;
		if (rank > best_rank || (rank == best_rank && s > best_sins)) {
			best_rank = rank;
			best_sins = s;
			a->index_lesion = (int)k;
		}
	}
}

static void set_choice(sm_input *in, const char *key, const char *word)
{
	if (word)
		sm_input_set_text(in, key, word);
}

/* §15.13: KPS and ECOG further apart than the §5.3 convention */
static int perf_conflict(const sm_case *c)
{
	static const int ecog_of_kps[11] = {4, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0};
	if (!c->performance.kps.known || !c->performance.ecog.known)
		return 0;
	int k = (int)(c->performance.kps.v / 10);
	return k >= 0 && k <= 10 && ecog_of_kps[k] != (int)c->performance.ecog.v;
}

static const char conflict_note[] = "conflict: KPS and ECOG disagree (REFERENCE §15.13); the range covers the total with each value.";

/* Score `in` and widen `r` to cover both totals (never silently one value). */
static void widen(const sm_input *in, sm_result *r)
{
	sm_result alt;
	sm_score(in, &alt);
	if (r->status == SM_RESULT_INVALID || alt.status == SM_RESULT_INVALID)
		return;
	if (alt.lo == r->lo && alt.hi == r->hi)
		return;
	r->lo = alt.lo < r->lo ? alt.lo : r->lo;
	r->hi = alt.hi > r->hi ? alt.hi : r->hi;
	if (r->lo != r->hi) {
		r->status = SM_RESULT_INCOMPLETE;
		r->band = NULL;
		r->band_meaning = NULL;
	}
	if (r->nnotes < SM_MAX_NOTES)
		r->notes[r->nnotes++] = conflict_note;
}

static void prognostic_scores(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	if (f->child) {
		a->adult_scores_computed = false;
		a->adult_scores_reason = "Age under 18: the adult prognostic scores (revised Tokuhashi, Tomita, Bauer, modified Bauer, NESMS, Katagiri) were derived in adults and are not computed (REFERENCE §8).";
		fire(a, R_PAED_SUPPRESS);
		return;
	}
	if (f->cancer == SM_NO) {
		a->adult_scores_computed = false;
		a->adult_scores_reason = "No cancer recorded: the prognostic scores for spinal metastases do not apply.";
		return;
	}
	a->adult_scores_computed = true;
	if (!f->age_known) {
		fire(a, R_AGE_UNKNOWN);
		warn(a, "Age not recorded: adult prognostic scores were computed; they are not valid under 18.");
	}
	const char *primary = f->h ? f->h->key : NULL;
	/* shared derivations */
	int visc = c->systemic.visceral_metastases;
	sm_tri brain = c->systemic.brain_metastases;
	sm_tri visceral_any = SM_UNKNOWN; /* visceral or brain */
	if (visc == SM_VISC_PRESENT || brain == SM_YES)
		visceral_any = SM_YES;
	else if (visc == SM_VISC_NONE)
		visceral_any = SM_NO;
	if (visc == SM_VISC_NONE && brain == SM_UNKNOWN)
		warn(a, "Brain metastases not recorded: visceral 'none' was taken to include the brain for Bauer, NESMS and Katagiri.");
	const char *skeletal = NULL;
	if (c->nlesions) {
		if (c->systemic.extraspinal_bone_metastases.known) {
			double total = f->vertebrae + c->systemic.extraspinal_bone_metastases.v;
			skeletal = total > 1 ? "multiple" : "solitary";
		} else if (f->vertebrae > 1) {
			skeletal = "multiple";
		}
	}
	sm_tri fracture = SM_UNKNOWN;
	if (c->nlesions) {
		int any = 0, all_no = 1;
		for (size_t k = 0; k < c->nlesions; k++) {
			if (yes(c->lesions[k].pathological_fracture))
				any = 1;
			if (!no(c->lesions[k].pathological_fracture))
				all_no = 0;
		}
		fracture = any ? SM_YES : all_no ? SM_NO : SM_UNKNOWN;
	}
	const char *ecog_kps_note = NULL;
	(void)ecog_kps_note;
	const char *frankel = c->neurology.frankel >= 0 ? sm_vocab_word(SM_VOCAB_FRANKEL, (size_t)c->neurology.frankel) : NULL;
	if (!frankel && c->neurology.asia_grade >= 0) {
		frankel = sm_vocab_word(SM_VOCAB_FRANKEL, (size_t)c->neurology.asia_grade);
		warn(a, "Only the ASIA grade was recorded: the Tokuhashi palsy item used the same grouping (REFERENCE §4.3).");
	}
	sm_input in;
	/* revised Tokuhashi */
	sm_input_init(&in, &sm_inst_tokuhashi);
	if (c->performance.kps.known)
		sm_input_set_int(&in, "kps", (long long)c->performance.kps.v);
	else if (c->performance.ecog.known)
		sm_input_set_int(&in, "ecog", (long long)c->performance.ecog.v);
	if (c->systemic.extraspinal_bone_metastases.known)
		sm_input_set_int(&in, "extraspinal_bone_metastases", (long long)c->systemic.extraspinal_bone_metastases.v);
	if (f->vertebrae > 0)
		sm_input_set_int(&in, "vertebral_body_metastases", f->vertebrae);
	if (visc == SM_VISC_NONE)
		set_choice(&in, "major_organ_metastases", "none");
	else if (visc == SM_VISC_PRESENT && c->systemic.visceral_removable != SM_UNKNOWN)
		set_choice(&in, "major_organ_metastases", yes(c->systemic.visceral_removable) ? "removable" : "unremovable");
	set_choice(&in, "primary", primary);
	set_choice(&in, "frankel", frankel);
	sm_score(&in, &a->tokuhashi);
	if (perf_conflict(c)) { /* §15.13: the ECOG value too, shown as a range */
		sm_input_set_unknown(&in, "kps");
		sm_input_set_int(&in, "ecog", (long long)c->performance.ecog.v);
		widen(&in, &a->tokuhashi);
	}
	/* Tomita */
	sm_input_init(&in, &sm_inst_tomita);
	set_choice(&in, "primary", primary);
	if (visc == SM_VISC_NONE)
		set_choice(&in, "visceral_metastases", "none");
	else if (visc == SM_VISC_PRESENT && c->systemic.visceral_treatable != SM_UNKNOWN)
		set_choice(&in, "visceral_metastases", yes(c->systemic.visceral_treatable) ? "treatable" : "untreatable");
	set_choice(&in, "bone_metastases", skeletal);
	sm_score(&in, &a->tomita);
	/* Bauer and modified Bauer */
	for (int mod = 0; mod < 2; mod++) {
		sm_input_init(&in, mod ? &sm_inst_bauer_modified : &sm_inst_bauer);
		set_choice(&in, "primary", primary);
		if (visceral_any != SM_UNKNOWN)
			sm_input_set_bool(&in, "visceral_metastases", visceral_any == SM_YES);
		if (!mod && fracture != SM_UNKNOWN)
			sm_input_set_bool(&in, "pathological_fracture", fracture == SM_YES);
		set_choice(&in, "skeletal_metastases", skeletal);
		sm_score(&in, mod ? &a->bauer_modified : &a->bauer);
	}
	/* NESMS */
	sm_input_init(&in, &sm_inst_nesms);
	set_choice(&in, "primary", primary);
	if (visceral_any != SM_UNKNOWN)
		sm_input_set_bool(&in, "visceral_metastases", visceral_any == SM_YES);
	set_choice(&in, "skeletal_metastases", skeletal);
	if (c->neurology.ambulatory >= 0)
		set_choice(&in, "ambulatory", sm_vocab_word(SM_VOCAB_AMBULATORY, (size_t)c->neurology.ambulatory));
	if (c->systemic.albumin_g_dl.known)
		sm_input_set_number(&in, "albumin_g_dl", c->systemic.albumin_g_dl.v);
	sm_score(&in, &a->nesms);
	/* Katagiri */
	sm_input_init(&in, &sm_inst_katagiri);
	set_choice(&in, "primary", primary);
	if (c->cancer.hormone_dependent != SM_UNKNOWN && f->h && f->h->katagiri == SM_KAT_HORMONE)
		sm_input_set_bool(&in, "hormone_dependent", yes(c->cancer.hormone_dependent));
	if (c->cancer.targeted_therapy != SM_UNKNOWN && f->h && f->h->katagiri == SM_KAT_LUNG)
		sm_input_set_bool(&in, "targeted_therapy", yes(c->cancer.targeted_therapy));
	if (visc == SM_VISC_PRESENT && c->systemic.visceral_pattern >= 0)
		set_choice(&in, "visceral_metastases", sm_vocab_word(SM_VOCAB_PATTERN, (size_t)c->systemic.visceral_pattern));
	else if (visc == SM_VISC_NONE && brain == SM_YES)
		set_choice(&in, "visceral_metastases", "nodular");
	else if (visc == SM_VISC_NONE)
		set_choice(&in, "visceral_metastases", "none");
	if (c->systemic.crp_mg_dl.known) sm_input_set_number(&in, "crp_mg_dl", c->systemic.crp_mg_dl.v);
	if (c->systemic.ldh_iu_l.known) sm_input_set_number(&in, "ldh_iu_l", c->systemic.ldh_iu_l.v);
	if (c->systemic.albumin_g_dl.known) sm_input_set_number(&in, "albumin_g_dl", c->systemic.albumin_g_dl.v);
	if (c->systemic.platelets_per_ul.known) sm_input_set_number(&in, "platelets_per_ul", c->systemic.platelets_per_ul.v);
	if (c->systemic.calcium_mg_dl.known) sm_input_set_number(&in, "calcium_mg_dl", c->systemic.calcium_mg_dl.v);
	if (c->systemic.bilirubin_mg_dl.known) sm_input_set_number(&in, "bilirubin_mg_dl", c->systemic.bilirubin_mg_dl.v);
	if (c->performance.ecog.known)
		sm_input_set_int(&in, "ecog", (long long)c->performance.ecog.v);
	else if (c->performance.kps.known)
		sm_input_set_int(&in, "kps", (long long)c->performance.kps.v);
	if (c->cancer.previous_chemotherapy != SM_UNKNOWN)
		sm_input_set_bool(&in, "previous_chemotherapy", yes(c->cancer.previous_chemotherapy));
	set_choice(&in, "skeletal_metastases", skeletal);
	sm_score(&in, &a->katagiri);
	if (perf_conflict(c)) { /* §15.13: the KPS value too, shown as a range */
		sm_input_set_unknown(&in, "ecog");
		sm_input_set_int(&in, "kps", (long long)c->performance.kps.v);
		widen(&in, &a->katagiri);
	}
}

/* ---------------- NOMS (§3) ---------------- */
static const char *level_text(const sm_result *sins)
{
	for (size_t k = 0; k < sins->ncomponents; k++)
		if (strcmp(sins->components[k].item, "location") == 0)
			return sins->components[k].explain;
	return "";
}

static int band_rank(const char *band)
{
	if (!band) return -1;
	if (strcmp(band, "stable") == 0) return 0;
	if (strcmp(band, "potentially_unstable") == 0) return 1;
	return 2;
}

static int rank_of_total(int t) { return t <= 6 ? 0 : t <= 12 ? 1 : 2; }

static void noms(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	/* N */
	a->noms_neurologic = -1;
	if (a->index_lesion >= 0 && c->lesions[a->index_lesion].escc >= 0) {
		int g = c->lesions[a->index_lesion].escc;
		a->noms_neurologic = g >= SM_ESCC_2 ? 2 : g == SM_ESCC_1C ? 1 : 0;
		const sm_result *er = &a->escc[a->index_lesion];
		/* children: the grade's definition, not the adult treatment meaning */
		add_reason(a, a->noms_reasons[0], &a->noms_nreasons[0], R_NOMS_N,
		           f->child && er->ncomponents ? er->components[0].explain : er->band_meaning,
		           f->child ? " (descriptive in children: the adult NOMS treatment rules do not apply)" : NULL);
	} else {
		add_reason(a, a->noms_reasons[0], &a->noms_nreasons[0], R_NOMS_N,
		           "No ESCC grade recorded: the neurologic assessment needs whole-spine MRI.", NULL);
	}
	if (yes(c->neurology.myelopathy))
		add_reason(a, a->noms_reasons[0], &a->noms_nreasons[0], R_NOMS_N, "Clinical myelopathy present.", NULL);
	if (yes(c->neurology.radiculopathy))
		add_reason(a, a->noms_reasons[0], &a->noms_nreasons[0], R_NOMS_N, "Radiculopathy present.", NULL);
	/* O */
	a->noms_oncologic = f->h ? (int)f->h->radiosensitivity : SM_RT_UNKNOWN;
	if (a->noms_oncologic == SM_RT_UNKNOWN)
		add_reason(a, a->noms_reasons[1], &a->noms_nreasons[1], R_NOMS_O_UNKNOWN,
		           f->h ? "This histology is not classed for conventional EBRT (or the lung cancer type is unknown): histology first." : "Primary not known: histology first (biopsy).", NULL);
	else
		add_reason(a, a->noms_reasons[1], &a->noms_nreasons[1], R_NOMS_O, f->h->name,
		           a->noms_oncologic == SM_RT_SENSITIVE ? ": radiosensitive to conventional EBRT." : ": radioresistant to conventional EBRT.");
	/* M: the most unstable lesion */
	int mech = -1, undetermined_higher = 0;
	for (size_t k = 0; k < a->nlesions; k++) {
		int r = band_rank(a->sins[k].band);
		if (r > mech)
			mech = r;
	}
	for (size_t k = 0; k < a->nlesions; k++)
		if (!a->sins[k].band && a->sins[k].status != SM_RESULT_INVALID && rank_of_total(a->sins[k].hi) > mech)
			undetermined_higher = 1;
	if (f->subluxation) {
		mech = 2;
		add_reason(a, a->noms_reasons[2], &a->noms_nreasons[2], R_NOMS_M, "Subluxation/translation: gross instability.", NULL);
	}
	if (undetermined_higher && mech < 2) {
		add_reason(a, a->noms_reasons[2], &a->noms_nreasons[2], R_OPT_M_UNKNOWN,
		           "SINS incomplete: a more unstable band is still possible until the missing items are known.", NULL);
		mech = -1;
	}
	a->noms_mechanical = mech;
	if (mech >= 0) {
		for (size_t k = 0; k < a->nlesions; k++)
			if (band_rank(a->sins[k].band) == mech) {
				add_reason(a, a->noms_reasons[2], &a->noms_nreasons[2], R_NOMS_M, a->sins[k].interpretation, NULL);
				break;
			}
	} else if (!a->nlesions) {
		add_reason(a, a->noms_reasons[2], &a->noms_nreasons[2], R_NOMS_M, "No lesion recorded: SINS not computed.", NULL);
	}
	/* S */
	a->noms_systemic = -1;
	const sm_num *surv = &c->systemic.expected_survival_months;
	if (no(c->systemic.fit_for_surgery) || (surv->known && surv->v < 3)) {
		a->noms_systemic = 1;
		add_reason(a, a->noms_reasons[3], &a->noms_nreasons[3], R_NOMS_S,
		           no(c->systemic.fit_for_surgery) ? "Recorded as not fit for surgery." : "Expected survival under 3 months.", NULL);
	} else if (yes(c->systemic.fit_for_surgery)) {
		a->noms_systemic = 0;
		add_reason(a, a->noms_reasons[3], &a->noms_nreasons[3], R_NOMS_S,
		           surv->known ? "Recorded as fit for surgery, expected survival of 3 months or more." : "Recorded as fit for surgery (expected survival not recorded).", NULL);
	} else {
		add_reason(a, a->noms_reasons[3], &a->noms_nreasons[3], R_NOMS_S, "Fitness for surgery not recorded.", NULL);
	}

	/* options before M (§3.3) */
	int N = a->noms_neurologic, O = a->noms_oncologic, S = a->noms_systemic;
	int srs_here = available(c->setting.srs_available);
	int surgery_here = available(c->setting.spinal_surgery_available);
	int deteriorating = yes(c->neurology.deteriorating);
	int chemo = f->h && f->h->chemosensitive;
	if (f->child) {
		int cfc = f->h && f->h->chemo_first_child; /* §15.9, a catalogue attribute */
		if (cfc && !deteriorating && a->noms_mechanical != 2) {
			sm_item_list *it = OPTION("chemotherapy_first", R_S15_9_CHEMO_FIRST, f->h->name,
			       ": chemosensitive childhood tumour, neurology not deteriorating and no gross instability: protocol-directed first treatment with paediatric oncology after the fastest safe diagnosis; decompression (laminotomy or laminoplasty) if neurology deteriorates.");
			if (it && f->h->leptomeningeal)
				add_reason(a, it->reasons, &it->nreasons, R_S15_9_CRANIOSPINAL, "Drop metastases of a CNS primary: the protocol includes craniospinal radiotherapy.", NULL);
		}
		if (deteriorating || (!cfc && N == 2))
			OPTION("surgical_opinion", deteriorating ? R_S15_9_CHEMO_FIRST : R_PAED_ROUTE, deteriorating ? "Neurology deteriorating: urgent neurosurgical opinion for decompression (laminotomy or laminoplasty in the growing spine)." : "High-grade compression in a tumour not on the chemotherapy-first list: urgent surgical opinion.", NULL);
		OPTION("mdt_review", R_PAED_ROUTE, "Paediatric oncology MDT decides the treatment.", NULL);
	} else {
		if (N == 1) {
			OPTION("mdt_review", R_NOMS_1C, "ESCC 1c: SRS with cord-sparing fractionation versus separation surgery is debated; MDT decision.", NULL);
		}
		if (N == -1 && !a->nlesions) {
			/* nothing imaged yet: no treatment option before MRI grades the spine */
			OPTION("mdt_review", R_OPT_N_UNKNOWN, "No imaging recorded yet: the MDT chooses treatment once whole-spine MRI has graded the spine",
			       O == SM_RT_SENSITIVE ? " (the histology is radiosensitive: conventional EBRT is the likely option if MRI confirms spinal disease)." : ".");
		} else if (O == SM_RT_SENSITIVE) {
			OPTION("cebrt", R_OPT_RS, f->h->name, N == 2 ? ": radiosensitive, conventional EBRT (urgent) whatever the ESCC grade." : ": radiosensitive, conventional EBRT.");
			if (chemo)
				OPTION("systemic_therapy", R_OPT_RS_SYSTEMIC, f->h->name, ": chemosensitive, add systemic therapy (MDT).");
		} else if (O == SM_RT_RESISTANT) {
			if (N == 0) {
				if (yes(c->neurology.myelopathy)) {
					OPTION("mdt_review", R_NOMS_LOWMYELO, "Myelopathy with low-grade ESCC: MDT review.", NULL);
				} else if (srs_here) {
					OPTION("srs", R_OPT_RR_LOW, "Radioresistant histology, low-grade ESCC, no myelopathy: SRS/SBRT.", NULL);
				} else {
					OPTION("cebrt", R_SETTING_NO_SRS, "SRS is the first choice (radioresistant, low-grade ESCC) but is not available here: conventional EBRT, or refer to a centre with SRS.", NULL);
					referral(a, "srs_centre");
				}
			} else if (N == 1) {
				OPTION(srs_here ? "srs" : "cebrt", srs_here ? R_NOMS_1C : R_SETTING_NO_SRS, "ESCC 1c: one option discussed at the MDT is radiation with cord-sparing fractionation.", NULL);
				if (surgery_here && S != 1)
					OPTION("separation_surgery_then_srs", R_NOMS_1C, "ESCC 1c: the other option discussed at the MDT is separation surgery then SRS.", NULL);
			} else if (N == 2) {
				if (S != 1) {
					if (surgery_here) {
						OPTION("separation_surgery_then_srs", R_OPT_RR_HIGH_FIT,
						       S == 0 ? "Radioresistant histology, high-grade ESCC, fit for surgery: separation surgery then postoperative SRS."
						              : "Radioresistant histology, high-grade ESCC: separation surgery then postoperative SRS if fit for surgery (fitness not recorded).",
						       srs_here ? NULL : " SRS is not available here: refer for postoperative SRS, or give postoperative conventional EBRT.");
						if (!srs_here)
							referral(a, "srs_centre");
					} else {
						OPTION("surgical_opinion", R_SETTING_NO_SURGERY, "High-grade ESCC in a radioresistant tumour: separation surgery is the first choice but spinal surgery is not available here: urgent referral.", NULL);
						referral(a, "spinal_surgery_centre");
					}
				}
				if (S != 0) {
					OPTION("cebrt", R_OPT_RR_HIGH_UNFIT, S == 1 ? "Not fit for surgery: palliative conventional EBRT." : "If not fit for surgery: palliative conventional EBRT.", NULL);
					OPTION("supportive_care", R_OPT_RR_HIGH_UNFIT, "Best supportive care alongside or instead of radiotherapy, as the patient can tolerate.", NULL);
				}
				if (S == -1)
					OPTION("mdt_review", R_NOMS_S, "Fitness for surgery not recorded: the MDT decides between surgery and radiotherapy.", NULL);
			} else {
				OPTION("mdt_review", R_OPT_N_UNKNOWN, "ESCC grade not known: whole-spine MRI first, then the MDT chooses between SRS and separation surgery.", NULL);
			}
		} else {
			OPTION("mdt_review", R_OPT_O_UNKNOWN, "Histology not known: obtain tissue; the MDT plans treatment once the histology is known.", NULL);
			if (N == 2)
				OPTION("surgical_opinion", R_OPT_O_UNKNOWN, "High-grade compression with unknown histology: surgical opinion (decompression can provide tissue).", NULL);
		}
		if (N == -1 && O != SM_RT_RESISTANT)
			OPTION("mdt_review", R_OPT_N_UNKNOWN, "ESCC grade not known: whole-spine MRI is needed for the neurologic assessment.", NULL);
		if (chemo && O != SM_RT_SENSITIVE && !deteriorating && a->noms_mechanical != 2)
			OPTION("systemic_therapy", R_OPT_CHEMO_FIRST, f->h->name, ": chemosensitive; systemic therapy may come first (MDT).");
	}
	/* M, independent of N and O */
	if (f->child) {
		/* SINS is not validated in children: only gross instability prompts an opinion */
		if (a->noms_mechanical == 2)
			OPTION("surgical_opinion", R_OPT_M_UNSTABLE, "Mechanically unstable on the SINS items (descriptive only in children): paediatric spinal surgical opinion.", NULL);
	} else if (a->noms_mechanical == 2) {
		if (S == 1) {
			OPTION("supportive_care", R_OPT_M_UNSTABLE, "Mechanically unstable but not fit for surgery: orthosis, radiotherapy and symptomatic care.", NULL);
		} else if (surgery_here) {
			OPTION("stabilisation", R_OPT_M_UNSTABLE, "Mechanically unstable (SINS 13-18 or subluxation): stabilisation, open or percutaneous.",
			       S == -1 ? " Fitness for surgery not recorded." : NULL);
		} else {
			OPTION("surgical_opinion", R_SETTING_NO_SURGERY, "Mechanically unstable: stabilisation needed but spinal surgery is not available here: urgent referral.", NULL);
			referral(a, "spinal_surgery_centre");
		}
	} else if (a->noms_mechanical == 1) {
		OPTION("surgical_opinion", R_OPT_M_POTENTIAL, "SINS 7-12, potentially unstable: surgical opinion.", NULL);
		if (!surgery_here)
			referral(a, "spinal_surgery_centre");
	} else if (a->noms_mechanical == -1 && a->nlesions) {
		OPTION("surgical_opinion", R_OPT_M_UNKNOWN, "SINS incomplete: instability cannot be excluded; surgical opinion until the missing items are known.", NULL);
	}
	for (size_t k = 0; k < c->nlesions && !f->child; k++) {
		const sm_lesion *l = &c->lesions[k];
		if (yes(l->pathological_fracture) && yes(l->axial_load_pain) && lesion_choice(l, "alignment") != 0 &&
		    lesion_choice(l, "posterolateral") != 0 /* bilateral: posterior-element compromise */ &&
		    band_rank(a->sins[k].band) < 2) {
			OPTION("cement_augmentation", R_OPT_M_CEMENT, "Pathological body fracture with axial-load pain and no gross instability: vertebroplasty or kyphoplasty.", NULL);
			break;
		}
	}
	if (!available(c->setting.radiotherapy_available) &&
	    (has_item(a->options, a->noptions, "cebrt") || has_item(a->options, a->noptions, "srs") ||
	     has_item(a->options, a->noptions, "separation_surgery_then_srs"))) {
		fire(a, R_SETTING_NO_RT);
		referral(a, "radiotherapy_centre");
	}
	(void)level_text;
}

/* ---------------- Patchell (§7.4) ---------------- */
static void criterion(sm_assessment *a, const char *name, sm_tri met, const char *text)
{
	if (a->npatchell >= SM_COUNT(a->patchell))
		return;
	sm_patchell_criterion *p = &a->patchell[a->npatchell++];
	p->criterion = name;
	p->met = met;
	p->text = text;
}

static int compressive(const sm_lesion *l)
{
	return l->escc >= SM_ESCC_2 || (l->escc < 0 && yes(l->compressive));
}

static void patchell(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	if (f->adult_ok)
		fire(a, R_PATCHELL);
	criterion(a, "age_18_or_over", !f->age_known ? SM_UNKNOWN : f->age >= 18 ? SM_YES : SM_NO,
	          !f->age_known ? "Age not recorded." : f->age >= 18 ? "Age 18 or over." : "Under 18: the trial enrolled adults only.");
	int cns = f->h && f->h->cns_primary;
	criterion(a, "tissue_proven_non_cns_cancer",
	          cns ? SM_NO : yes(c->cancer.tissue_confirmed) && f->h && !f->primary_unknown ? SM_YES
	                      : no(c->cancer.tissue_confirmed) ? SM_NO : SM_UNKNOWN,
	          cns ? "CNS primary: excluded." : yes(c->cancer.tissue_confirmed) && f->h && !f->primary_unknown ? "Tissue-proven cancer, not of CNS or spinal-column origin."
	              : no(c->cancer.tissue_confirmed) ? "Cancer not tissue-proven." : "Tissue confirmation not recorded.");
	int ncomp = 0, any_escc_known = 0;
	for (size_t k = 0; k < c->nlesions; k++) {
		if (compressive(&c->lesions[k]))
			ncomp++;
		if (c->lesions[k].escc >= 0)
			any_escc_known = 1;
	}
	criterion(a, "cord_compression_on_mri", ncomp ? SM_YES : any_escc_known ? SM_NO : SM_UNKNOWN,
	          ncomp ? "Cord compression by an epidural mass on MRI (ESCC 2-3)." : any_escc_known ? "No lesion compresses the cord (ESCC below 2)." : "ESCC grade not recorded.");
	criterion(a, "neurological_sign_or_symptom", f->P == SM_YES || f->N == SM_YES ? SM_YES : f->P == SM_NO && f->N == SM_NO ? SM_NO : SM_UNKNOWN,
	          f->P == SM_YES || f->N == SM_YES ? "At least one neurological sign or symptom (pain counts)." : "No neurological sign or symptom recorded.");
	const sm_num *ph = &c->neurology.complete_paraplegia_hours;
	sm_tri para;
	const char *para_text;
	if (f->conflict_para) {
		/* §15.13: hours of complete paraplegia with Frankel D-E: both values, eligibility unknown (never false) */
		para = SM_UNKNOWN;
		para_text = "Conflict: complete paraplegia hours recorded with Frankel D-E (/neurology/complete_paraplegia_hours, /neurology/frankel): eligibility shown as a range.";
	} else if (ph->known) {
		para = ph->v > 48 ? SM_NO : SM_YES;
		para_text = ph->v > 48 ? "Totally paraplegic for more than 48 hours." : "Not totally paraplegic for more than 48 hours.";
	} else if (c->neurology.frankel == 0) {
		para = SM_UNKNOWN;
		para_text = "Complete paraplegia (Frankel A) of unrecorded duration: record the hours.";
	} else if (c->neurology.frankel > 0) {
		para = SM_YES;
		para_text = "Not totally paraplegic.";
	} else {
		para = SM_UNKNOWN;
		para_text = "Paraplegia and its duration not recorded.";
	}
	criterion(a, "not_paraplegic_over_48h", para, para_text);
	/* single area: compressive lesions contiguous */
	sm_tri single = SM_UNKNOWN;
	const char *single_text = "No compressive lesion recorded.";
	if (ncomp) {
		int lo = 99, hi = -1, levels = 0, unknown_level = 0;
		unsigned char mark[SM_NLEVELS] = {0};
		for (size_t k = 0; k < c->nlesions; k++) {
			if (!compressive(&c->lesions[k]))
				continue;
			const sm_value *lv = sm_get(&c->lesions[k].sins, "level");
			if (!lv) {
				unknown_level = 1;
				continue;
			}
			for (int l = lv->lo; l <= lv->hi; l++) {
				if (!mark[l])
					levels++;
				mark[l] = 1;
			}
			if (lv->lo < lo) lo = lv->lo;
			if (lv->hi > hi) hi = lv->hi;
		}
		if (unknown_level && ncomp > 1) {
			single = SM_UNKNOWN;
			single_text = "Level of a compressive lesion not recorded.";
		} else if (levels && hi - lo + 1 == levels) {
			single = SM_YES;
			single_text = "Compression restricted to a single area (contiguous segments).";
		} else if (levels) {
			single = SM_NO;
			single_text = "Multiple discrete compressive lesions.";
		}
		/* cauda equina / roots only: every compressive level below L1 */
		if (levels && lo > 20) {
			criterion(a, "not_cauda_equina_only", SM_NO, "Compression below L1 only (cauda equina/roots): excluded from the trial.");
		} else if (levels) {
			criterion(a, "not_cauda_equina_only", SM_YES, "Compression at or above the conus.");
		}
	}
	criterion(a, "single_area", single, single_text);
	const sm_num *surv = &c->systemic.expected_survival_months;
	criterion(a, "expected_survival_3_months", !surv->known ? SM_UNKNOWN : surv->v >= 3 ? SM_YES : SM_NO,
	          !surv->known ? "Expected survival not recorded." : surv->v >= 3 ? "Expected survival of 3 months or more." : "Expected survival under 3 months.");
	criterion(a, "fit_for_surgery", c->systemic.fit_for_surgery,
	          yes(c->systemic.fit_for_surgery) ? "Medically fit for surgery." : no(c->systemic.fit_for_surgery) ? "Not fit for surgery." : "Fitness for surgery not recorded.");
	criterion(a, "not_radiosensitive", !f->h ? SM_UNKNOWN : f->h->patchell_radiosensitive ? SM_NO : SM_YES,
	          !f->h ? "Histology not recorded." : f->h->patchell_radiosensitive ? "Radiosensitive histology (lymphoma, leukaemia, myeloma or germ cell): excluded; radiotherapy with or without systemic therapy." : "Not a Patchell radiosensitive histology.");
	int prior_rt = 0;
	for (size_t k = 0; k < c->nlesions; k++)
		if (compressive(&c->lesions[k]) && yes(c->lesions[k].prior_radiotherapy))
			prior_rt = 1;
	if (prior_rt)
		criterion(a, "no_prior_rt_precluding_30gy", SM_NO, "Prior radiotherapy at a compressive level (may preclude 30 Gy in 10 fractions).");
	int all = 1;
	for (size_t k = 0; k < a->npatchell; k++)
		if (a->patchell[k].met != SM_YES)
			all = 0;
	a->patchell_eligible = all;
	a->patchell_applicable = true;
	if (f->child) {
		a->patchell_applicable = false;
		a->patchell_note = "The Patchell trial enrolled adults only: its criteria do not apply to children. The paediatric oncology MDT decides; decompression is kept for rapid or progressive deterioration (REFERENCE §8).";
	} else if (!ncomp && any_escc_known) {
		a->patchell_applicable = false;
		a->patchell_note = "No cord compression recorded on imaging (ESCC below 2): the Patchell criteria concern MSCC and do not apply now; reassess if compression develops.";
	}
	if (f->adult_ok)
		fire(a, R_PATCHELL_OTHER);
	int any_no = 0, any_unknown = 0;
	for (size_t k = 0; k < a->npatchell; k++) {
		any_no |= a->patchell[k].met == SM_NO;
		any_unknown |= a->patchell[k].met == SM_UNKNOWN;
	}
	a->patchell_eligibility = any_no ? SM_NO : any_unknown ? SM_UNKNOWN : SM_YES;
	if (f->conflict_para && !any_no) {
		a->patchell_conflict = true;
	}
}

/* ---------------- work-up (§7.2, §8, §9) ---------------- */
static void workup(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	int need_imaging = a->urgency != SM_URG_ROUTINE || c->nlesions > 0;
	if (need_imaging && !yes(c->imaging.mri_done)) {
		if (yes(c->imaging.mri_contraindicated)) {
			WORKUP("ct_whole_spine", f->adult_ok ? R_MRI_CONTRA : R_S15_2_MRI, "MRI contraindicated: CT of the whole spine; CT myelography only in a specialist centre if more information is needed.", NULL);
		} else {
			WORKUP("mri_whole_spine", R_WU_MRI, a->urgency == SM_URG_EMERGENCY ? "Whole-spine MRI within 24 hours." : "Whole-spine MRI to stage the spine and grade compression.", NULL);
			if (!available(c->setting.mri_available))
				WORKUP("ct_whole_spine", R_SETTING_NO_MRI, "No MRI here: CT of the whole spine while MRI is arranged elsewhere.", NULL);
		}
	}
	for (size_t k = 0; k < c->nlesions && !f->child; k++) {
		const sm_lesion *l = &c->lesions[k];
		if (!sm_get(&l->sins, "bone_lesion") || !sm_get(&l->sins, "posterolateral") || !sm_get(&l->sins, "collapse")) {
			WORKUP("ct_whole_spine", R_WU_CT_SINS, "CT to complete the SINS bone items (bone quality, collapse, posterolateral elements).", NULL);
			break;
		}
	}
	if (f->primary_unknown || (f->cancer == SM_NO && (a->urgency != SM_URG_ROUTINE || c->nlesions))) {
		if (!f->child) {
			WORKUP("ct_chest_abdomen_pelvis", R_WU_UNKNOWN_PRIMARY, "Unknown primary: CT chest, abdomen and pelvis (lung, kidney, liver, colon).", NULL);
			WORKUP("bone_scan_or_pet", R_WU_UNKNOWN_PRIMARY, "Unknown primary: whole-body bone scan or PET-CT for staging and a biopsy target.", NULL);
			WORKUP("serum_protein_electrophoresis_free_light_chains", R_WU_UNKNOWN_PRIMARY, "Unknown primary: serum protein electrophoresis, immunofixation and free light chains (myeloma).", NULL);
			if (c->patient.sex != SM_SEX_FEMALE)
				WORKUP("psa", R_WU_UNKNOWN_PRIMARY, "Unknown primary (male, or sex not recorded as female): PSA (prostate).", NULL);
			if (c->patient.sex != SM_SEX_MALE)
				WORKUP("breast_examination_mammography", R_WU_UNKNOWN_PRIMARY, "Unknown primary (female, or sex not recorded as male): breast examination and mammography.", NULL);
			WORKUP("thyroid_examination", R_WU_UNKNOWN_PRIMARY, "Unknown primary: thyroid examination.", NULL);
			WORKUP("urinalysis", R_WU_UNKNOWN_PRIMARY, "Unknown primary: urinalysis for haematuria (kidney, bladder).", NULL);
			WORKUP("calcium_alp_ldh", R_WU_UNKNOWN_PRIMARY, "Unknown primary: calcium, alkaline phosphatase and LDH.", NULL);
			if (has_item(a->differential, a->ndifferential, "consider_spondylodiscitis"))
				WORKUP("biopsy", R_WU_BIOPSY, "Disc-centred process: CT-guided biopsy of the disc/endplate for culture, TB testing (AFB, GeneXpert) and histology.", NULL);
			else
				WORKUP("biopsy", R_WU_BIOPSY, "No primary known: CT-guided biopsy of the most accessible lesion after staging (send for culture and TB testing as well as histology).", NULL);
			fire(a, R_EPI_ADULT);
		}
	}
	if (a->noms_oncologic == SM_RT_UNKNOWN && f->cancer == SM_YES && !yes(c->cancer.tissue_confirmed) && !f->child)
		WORKUP("biopsy", R_NOMS_O_UNKNOWN, "Histology unknown or not classed for radiotherapy: tissue diagnosis first (biopsy) to guide treatment.", NULL);
	if (f->h && !f->primary_unknown && no(c->cancer.tissue_confirmed))
		WORKUP("biopsy", R_WU_BIOPSY, "Cancer not tissue-proven: biopsy (histology changes the treatment).", NULL);
	if (f->haem && !yes(c->cancer.tissue_confirmed))
		WORKUP("biopsy", R_WU_BIOPSY, "Lymphoma or leukaemia suspected: tissue diagnosis, before steroids when neurology allows.", NULL);
	if (f->h && f->h->marrow_staging)
		WORKUP("bone_marrow", R_WU_HAEM, f->h->name, ": bone marrow aspirate and trephine for staging.");
	if (f->h && f->h->myeloma_like && !yes(c->cancer.tissue_confirmed))
		WORKUP("serum_protein_electrophoresis_free_light_chains", R_WU_MYELOMA, "Myeloma suspected: serum protein electrophoresis, immunofixation and free light chains.", NULL);
	if (f->h && f->h->leptomeningeal)
		WORKUP("csf_cytology", R_WU_CSF, "CNS primary: CSF cytology for leptomeningeal spread, after MRI and a check for raised intracranial pressure.", NULL);
	if (f->child && (f->primary_unknown || !f->h || (!yes(c->cancer.tissue_confirmed) && c->cancer.history != SM_HISTORY_KNOWN))) {
		if (need_imaging && !yes(c->imaging.mri_contraindicated))
			WORKUP("mri_whole_spine", R_WU_PAED, "Child: MRI is the investigation of choice.", NULL);
		WORKUP("urine_catecholamines", R_WU_PAED, "Child, new presentation: urgent urine catecholamines (neuroblastoma).", NULL);
		WORKUP("afp_bhcg", R_WU_PAED, "Child, new presentation: AFP and beta-hCG (germ-cell tumours).", NULL);
		WORKUP("biopsy", R_WU_BIOPSY, "Child without a tissue diagnosis: biopsy planned with paediatric oncology (sarcoma centre before biopsy if a bone sarcoma is possible).", NULL);
	}
	if (yes(c->symptoms.fever) || has_item(a->differential, a->ndifferential, "consider_spondylodiscitis"))
		WORKUP("crp_blood_cultures", R_WU_INFECTION, "Fever or a disc-centred process: CRP and blood cultures before antibiotics.", NULL);
}

/* ---------------- differential (§9) ---------------- */
static void differential(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	int discitis = 0;
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_lesion *l = &c->lesions[k];
		if (yes(l->disc_space_involved) && (yes(l->adjacent_endplates_destroyed) || yes(c->symptoms.fever)))
			discitis = 1;
	}
	if (discitis) {
		DIFF("consider_spondylodiscitis", R_DDX_DISCITIS, "Disc-centred process with endplate destruction on both sides", yes(c->symptoms.fever) ? ", and fever." : ".");
		DIFF("consider_tuberculosis", R_DDX_TB, "Disc-centred disease: tuberculosis is the other infective cause to exclude.", NULL);
	} else {
		for (size_t k = 0; k < c->nlesions; k++) {
			const sm_lesion *l = &c->lesions[k];
			int posterior = lesion_choice(l, "posterolateral") == 0 || lesion_choice(l, "posterolateral") == 1;
			if (no(l->disc_space_involved) && (yes(l->epidural_soft_tissue) || posterior)) {
				DIFF("favour_metastasis", R_DDX_METASTASIS, "Disc space preserved with ",
				     yes(l->epidural_soft_tissue) ? "epidural soft tissue." : "posterior element involvement.");
				break;
			}
		}
	}
	if ((f->cancer != SM_YES || f->primary_unknown) && c->nlesions && !discitis)
		DIFF("consider_tuberculosis", R_DDX_TB, c->nlesions > 1 ? "Several levels involved without a known primary: consider tuberculosis (skip lesions; disc sparing does not exclude TB)."
		                                                         : "Spinal lesion without a known primary: tuberculosis remains possible (disc sparing does not exclude TB).", NULL);
	if (!f->child && (f->primary_unknown || (f->cancer != SM_YES && c->nlesions)))
		DIFF("consider_myeloma", R_DDX_MYELOMA, "Unknown primary in an adult: myeloma is over-represented among unknown-primary presentations.", NULL);
	if (f->cancer != SM_YES && c->nlesions == 1) {
		const sm_value *lv = sm_get(&c->lesions[0].sins, "level");
		int sacral_or_occ = lv && (lv->lo == 0 || lv->lo >= 25);
		if ((f->age_known && f->age < 30) || sacral_or_occ)
			DIFF("consider_primary_bone_tumour", R_DDX_BONE, sacral_or_occ ? "Solitary lesion at the sacrum or skull base without known cancer (chordoma?): refer to a sarcoma centre before biopsy."
			                                                   : "Solitary lesion in a young person without known cancer (Ewing sarcoma, osteosarcoma): refer to a sarcoma centre before biopsy.", NULL);
	}
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_lesion *l = &c->lesions[k];
		int col = lesion_choice(l, "collapse");
		if ((col == 0 || col == 1) && no(l->epidural_soft_tissue) && lesion_choice(l, "posterolateral") == 2) {
			DIFF("consider_osteoporotic_fracture", R_DDX_OSTEOPOROTIC, "Collapse without epidural mass or pedicle involvement: an osteoporotic fracture is possible.", NULL);
			break;
		}
	}
}


/* ---------------- §15: options, work-up and actions after the decision ---------------- */
static int patchell_exclusion(const sm_assessment *a, const char **why)
{
	for (size_t k = 0; k < a->npatchell; k++) {
		const sm_patchell_criterion *p = &a->patchell[k];
		if (p->met != SM_NO)
			continue;
		if (strcmp(p->criterion, "not_paraplegic_over_48h") == 0 || strcmp(p->criterion, "expected_survival_3_months") == 0 ||
		    strcmp(p->criterion, "fit_for_surgery") == 0) {
			*why = p->text;
			return 1;
		}
	}
	return 0;
}

static void safety_after(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	sm_urgency u = a->urgency;
	/* 15.5: options never contradict eligibility (adults; not children) */
	const char *why = NULL;
	if (f->adult_ok && !f->child) {
		if (patchell_exclusion(a, &why)) {
			remove_item(a->options, &a->noptions, "separation_surgery_then_srs");
			remove_item(a->options, &a->noptions, "decompressive_surgery_then_rt");
			OPTION("surgical_opinion", R_S15_5_OUTSIDE, "Outside the Patchell evidence for decompression to recover neurology; surgical opinion for stabilisation or intractable mechanical pain. ", why);
			if (!has_item(a->options, a->noptions, "cebrt"))
				OPTION("cebrt", R_S15_5_OUTSIDE, "Outside the Patchell evidence: radiotherapy (conventional EBRT), as the patient can tolerate.", NULL);
			OPTION("supportive_care", R_S15_5_OUTSIDE, "Best supportive care alongside or instead of radiotherapy.", NULL);
		} else if (!a->patchell_applicable) {
			/* no cord compression recorded: Patchell does not apply now */
		} else if (a->patchell_eligibility == SM_YES) {
			OPTION("decompressive_surgery_then_rt", R_S15_5_PATCHELL, "Every Patchell criterion holds: consider direct decompressive surgery plus postoperative radiotherapy (walking after treatment 84% vs 57% with RT alone); discuss with the MSCC coordinator and a spinal surgeon.", NULL);
		} else if (a->patchell_eligibility == SM_UNKNOWN) {
			OPTION("surgical_opinion", R_S15_5_UNKNOWN, a->patchell_conflict ? "Patchell eligibility is a range (contradictory inputs): surgical opinion stays listed."
			                                                                 : "Patchell eligibility unknown (a criterion is not recorded): surgical opinion stays listed.", NULL);
		}
	}
	/* 15.6: prior radiotherapy at the level */
	for (size_t k = 0; k < c->nlesions; k++)
		if (yes(c->lesions[k].prior_radiotherapy)) {
			OPTION("surgical_opinion", R_S15_6_PRIOR_RT, "Previously irradiated level: surgical opinion.", NULL);
			OPTION("reirradiation_assessment", R_S15_6_PRIOR_RT, "Previously irradiated level: specialist re-irradiation assessment (SBRT, or conventional RT within cumulative cord tolerance) at a centre that provides it.",
			       available(c->setting.srs_available) ? NULL : " Not available here: refer.");
			if (!available(c->setting.srs_available))
				referral(a, "srs_centre");
			break;
		}
	/* 15.16: myeloma and plasmacytoma */
	if (f->h && f->h->myeloma_like && !f->child) {
		OPTION("systemic_therapy", R_S15_16_MYELOMA, "Myeloma or plasmacytoma: radiotherapy plus systemic therapy with haematology the same day.", NULL);
		ACTION("avoid_nephrotoxins", R_S15_16_MYELOMA, "Myeloma: avoid NSAIDs and nephrotoxins; check calcium and creatinine; bisphosphonate with haematology.", NULL);
		if (!yes(c->cancer.tissue_confirmed))
			WORKUP("serum_protein_electrophoresis_free_light_chains", R_S15_16_SCREEN, "Myeloma suspected: serum and urine protein electrophoresis and free light chains; they do not delay triage.", NULL);
	}
	/* 15.17: radiotherapy timing and dose for MSCC */
	if ((u == SM_URG_EMERGENCY || f->radiological) && has_item(a->options, a->noptions, "cebrt"))
		OPTION("cebrt", R_S15_17_RT, "As definitive treatment for MSCC: start within 24 hours of the decision; 8 Gy single fraction for short expected survival or poor performance status, 20 Gy in 5 fractions otherwise, longer for a favourable prognosis (the oncologist decides).", NULL);
	/* 15.8: infection before metastasis */
	if (f->infection) {
		a->infection_leads = true;
		DIFF("infection_leads", R_S15_8_INFECTION, "Infection leads the differential (fever, raised markers, bacteraemia, disc and end-plate destruction, abscess, gibbus, injecting drug use, immunosuppression or a recent spinal procedure); a known cancer does not exclude it.", NULL);
		if (f->child) {
			ACTION("paediatric_infection_team", R_S15_8_CHILD, "Child: the paediatric infection team leads the infection work-up and treatment.", NULL);
		} else {
			WORKUP("blood_cultures_two_sets", R_S15_8_WORKUP, "Two sets of blood cultures, CRP and ESR.", NULL);
			if (c->infection.blood_culture == SM_CULTURE_TYPICAL)
				WORKUP("no_biopsy_needed_for_organism", R_S15_8_WORKUP, "Blood cultures grow S. aureus, S. lugdunensis or Brucella: image-guided biopsy is not needed for the organism.", NULL);
			else
				WORKUP("biopsy_histology_microbiology", R_S15_8_WORKUP, "Image-guided biopsy for histology and microbiology: Gram stain and culture, AFB smear and culture, Xpert MTB/RIF.", NULL);
			WORKUP("brucella_serology_if_endemic", R_S15_8_WORKUP, "Brucella serology where endemic.", NULL);
			int deficit = f->N == SM_YES || f->cord || f->cauda;
			if (yes(c->infection.sepsis) || deficit)
				ACTION("antibiotics_now_after_cultures", R_S15_8_ANTIBIOTICS, deficit ? "Infection with a neurological deficit: blood cultures, then antibiotics now and an urgent spinal surgical opinion."
				                                                                      : "Infection with sepsis: blood cultures, then antibiotics now and an urgent spinal surgical opinion.", NULL);
			else if (no(c->infection.sepsis) && f->N == SM_NO && !yes(c->neurology.deteriorating))
				ACTION("withhold_antibiotics_until_samples", R_S15_8_ANTIBIOTICS, "Stable, no sepsis, neurologically intact: withhold empirical antibiotics until blood cultures and the biopsy are taken.", NULL);
			else
				ACTION("antibiotics_now_after_cultures", R_S15_8_ANTIBIOTICS, "Sepsis or neurology not recorded as absent: take blood cultures, then antibiotics without waiting for the biopsy; urgent spinal surgical opinion.", NULL);
		}
	}
	if (yes(c->infection.tb_endemic_region) || yes(c->infection.tb_history_or_contact)) {
		DIFF("consider_tuberculosis", R_S15_8_TB, "TB-endemic region or TB exposure: tuberculosis stays on the list (it does not by itself lead the differential).", NULL);
		WORKUP("tb_tests_on_biopsy", R_S15_8_TB, "Add TB tests to any biopsy (AFB smear and culture, Xpert MTB/RIF); IGRA or TST when subacute.", NULL);
	}
	/* 15.9: fastest safe diagnosis in a child with a chemosensitive tumour */
	if (f->child && f->h && f->h->urine_catecholamines)
		WORKUP("urine_catecholamines", R_S15_9_CHEMO_FIRST, f->h->name, ": urgent urine catecholamines.");
	if (f->child && f->h && f->h->germ_cell)
		WORKUP("afp_bhcg", R_S15_9_CHEMO_FIRST, f->h->name, ": AFP and beta-hCG.");
	/* 15.10: special circumstances (caveats; nothing removed) */
	if (yes(c->history.pregnant))
		ACTION("pregnancy_imaging_and_obstetric_input", R_S15_10_PREGNANCY, "Pregnant: MRI without gadolinium unless it would change management; CT or nuclear medicine only when essential; do not delay dexamethasone; obstetric input in parallel.", NULL);
	if (yes(c->history.anticoagulant_or_antiplatelet))
		ACTION("periprocedural_anticoagulation_plan", R_S15_10_ANTICOAG, "Anticoagulant or antiplatelet therapy: plan (hold, bridge or reverse) before biopsy, lumbar puncture, vertebral augmentation or surgery; for emergency decompression, reverse rather than delay.", NULL);
	if ((c->systemic.platelets_per_ul.known && c->systemic.platelets_per_ul.v < 50000) || (c->systemic.inr.known && c->systemic.inr.v > 1.5))
		ACTION("correct_coagulation_before_procedures", R_S15_10_CORRECT, "Platelets under 50 x 10^9/L or INR over 1.5: correct before biopsy, lumbar puncture, vertebral augmentation or surgery.", NULL);
	/* 15.11: cervical instability */
	for (size_t k = 0; k < c->nlesions; k++) {
		const sm_value *lv = sm_get(&c->lesions[k].sins, "level");
		int cervical = lv && lv->lo <= 7;
		if (cervical && (lesion_choice(&c->lesions[k], "alignment") == 0 || (a->sins[k].band && strcmp(a->sins[k].band, "unstable") == 0) ||
		                 yes(c->symptoms.pain[SM_P_MECHANICAL]))) {
			ACTION("hard_collar", R_S15_11_COLLAR, "Suspected cervical instability: a properly fitted hard collar (trained staff, pressure-area checks, never forced into neutral in a fixed deformity) or as the spinal surgeon directs; flat; expert advice within 24 hours.", NULL);
			break;
		}
	}
	/* 15.14: suspected primary bone tumour -> sarcoma centre before biopsy */
	int sarcoma = yes(c->imaging.chondroid_or_osteoid_matrix) || has_item(a->differential, a->ndifferential, "consider_primary_bone_tumour") ||
	              (f->h && f->h->bone_sarcoma && !yes(c->cancer.tissue_confirmed));
	if (sarcoma) {
		fire(a, R_S15_14_SARCOMA);
		ACTION("phone_sarcoma_centre_before_biopsy", R_S15_14_SARCOMA, "Possible primary bone tumour: phone the sarcoma centre before any biopsy or open procedure (tract and approach); emergency decompression is not delayed for it.", NULL);
		if (has_item(a->workup, a->nworkup, "biopsy")) {
			remove_item(a->workup, &a->nworkup, "biopsy");
			WORKUP("biopsy_planned_by_sarcoma_centre", R_S15_14_SARCOMA, "Biopsy only as planned with the sarcoma centre (not the most accessible lesion).", NULL);
		}
	}
	/* 15.15: hypercalcaemia */
	if (f->cancer != SM_NO && (yes(c->symptoms.neuro[SM_N_LIMB_WEAKNESS]) || yes(c->neurology.reduced_consciousness) ||
	                           yes(c->symptoms.constipation) || yes(c->symptoms.polyuria) || yes(c->symptoms.vomiting)))
		WORKUP("adjusted_calcium_now", R_S15_15_CALCIUM, "Cancer with weakness, confusion, drowsiness, constipation, polyuria or vomiting: adjusted calcium now (it never downgrades a neurological finding).", NULL);
	if (c->systemic.adjusted_calcium_mmol_l.known && c->systemic.adjusted_calcium_mmol_l.v > 2.6)
		ACTION("treat_hypercalcaemia", R_S15_15_RAISED, "Adjusted calcium above 2.6 mmol/L: IV fluids and a bisphosphonate with the oncologist.", NULL);
	/* 15.4: a red flag brings the infection work-up beside the unknown-primary one */
	for (size_t k = 0; k < a->nfired; k++)
		if (a->fired[k] == R(R_S15_4_RED_FLAG)) {
			WORKUP("fbc_crp_esr", R_S15_4_RED_FLAG, "Back pain with a red flag: FBC, CRP and ESR (infection and malignancy screen); blood cultures if febrile.", NULL);
			break;
		}
	/* 15.4: myeloma screen at 60 or over with persistent back pain */
	if (f->cancer == SM_NO && f->age_known && f->age >= 60 && f->P == SM_YES &&
	    (yes(c->symptoms.pain_persistent) || yes(c->symptoms.no_improvement_4_6_weeks)))
		WORKUP("fbc_calcium_esr_spep_flc", R_S15_4_MYELOMA, "Age 60 or over with persistent back pain: FBC, calcium, ESR or plasma viscosity, serum protein electrophoresis and free light chains.", NULL);
	/* 15.19: a level of care missing on site */
	if (u != SM_URG_ROUTINE &&
	    (!available(c->setting.mri_available) || !available(c->setting.spinal_surgery_available) ||
	     !available(c->setting.radiotherapy_available) || (f->child && !available(c->setting.paediatric_oncology_available)))) {
		ACTION("transfer_with_images_and_report", R_S15_19_TRANSFER, "A level of care is missing here: transfer (flat with spinal precautions if instability is suspected) with the images and this report.", NULL);
		ACTION("record_last_walked_and_first_steroid", R_S15_19_TRANSFER, "Record the time the patient last walked (the 48-hour rule depends on it) and the time of the first steroid dose.",
		       c->neurology.hours_since_last_walked.known ? NULL : " Time last walked not recorded yet.");
	}
}

/* ---------------- §15.13: inputs that contradict each other ---------------- */
static void consistency(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	int any = 0;
	if (c->performance.kps.known && c->performance.ecog.known) {
		if (perf_conflict(c)) {
			warn(a, "Conflict: /performance/kps and /performance/ecog disagree beyond the §5.3 convention; Tokuhashi used KPS and Katagiri used ECOG (each score shows the other value's total in its range); check both.");
			any = 1;
		}
	}
	if (c->neurology.frankel == 4 && c->neurology.asia_grade == 0) {
		warn(a, "Conflict: /neurology/frankel is E but /neurology/asia grade is A; urgency and safety actions used the more severe value.");
		any = 1;
	}
	if (c->neurology.ambulatory == SM_AMB_INDEPENDENT && c->neurology.frankel >= 0 && c->neurology.frankel <= 2) {
		warn(a, "Conflict: /neurology/ambulatory is independent but /neurology/frankel is A-C; urgency and safety actions used the more severe value.");
		any = 1;
	}
	if (f->conflict_para) {
		warn(a, "Conflict: /neurology/complete_paraplegia_hours is recorded with /neurology/frankel D-E; Patchell eligibility is shown as a range (conflict), not decided by either value.");
		any = 1;
	}
	long long first[SM_NEVENT_TYPES];
	int have[SM_NEVENT_TYPES] = {0};
	for (size_t k = 0; k < c->nevents; k++) {
		int t = c->events[k].type;
		if (t < 0 || t >= SM_NEVENT_TYPES)
			continue;
		if (!have[t] || c->events[k].at < first[t])
			first[t] = c->events[k].at;
		have[t] = 1;
	}
	if ((have[SM_EV_SYMPTOM_ONSET] && have[SM_EV_PRESENTATION] && first[SM_EV_SYMPTOM_ONSET] > first[SM_EV_PRESENTATION]) ||
	    (have[SM_EV_MRI_REQUESTED] && have[SM_EV_MRI_DONE] && first[SM_EV_MRI_REQUESTED] > first[SM_EV_MRI_DONE])) {
		warn(a, "Conflict: /events dates out of order (symptom_onset after presentation, or mri_requested after mri_done); check the dates.");
		any = 1;
	}
	if (f->age_known && f->age < 16 && c->performance.kps.known) {
		warn(a, "Conflict: /patient/age_years is under 16 but /performance/kps (an adult scale) is recorded; use /performance/lansky.");
		any = 1;
	}
	if (any)
		fire(a, R_S15_13_CONFLICT);
}

/* ---------------- paediatric (§8) ---------------- */
static void paediatric(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	a->paediatric = f->child;
	if (!f->child)
		return;
	a->perf_scale = f->age < 16 ? "lansky" : "kps";
	paed_note(a, R_PAED_SCALE, f->age < 16 ? "Under 16: performance on the Lansky play-performance scale (parent-rated; record who rated)."
	                                       : "16 or over: performance on the Karnofsky scale.");
	if (f->age >= 16 && f->age < 17)
		paed_note(a, R_PAED_SCALE, "Age 16: some Children's Oncology Group protocols use Lansky up to and including 16 (REFERENCE §5.4).");
	if (f->age < 16 && c->performance.kps.known && !c->performance.lansky.known)
		paed_note(a, R_PAED_SCALE, "A Karnofsky score was recorded for a child under 16: use the Lansky scale.");
	paed_note(a, R_PAED_SUPPRESS, "Adult prognostic scores are not computed; SINS and ESCC are shown descriptively and are not validated in children.");
	if (f->h && f->h->chemo_first_child)
		paed_note(a, R_OPT_CHEMO_FIRST, "Chemosensitive tumour: urgent chemotherapy is usually first; decompression for rapid or progressive deterioration.");
	paed_note(a, R_PAED_LAMINECTOMY, "If laminectomy is considered: spinal deformity follows multilevel laminectomy in 46% under 15 years (100% cervical); prefer laminoplasty and follow up for deformity.");
	paed_note(a, R_PAED_RT, "If radiotherapy is given: include whole vertebral bodies symmetrically to avoid scoliosis; growth impairment depends on dose and age.");
	paed_note(a, R_DEX_PAED, "Dexamethasone per the paediatric oncology protocol (never the adult dose scaled by weight); tissue first if lymphoma or leukaemia is possible and neurology allows.");
	paed_note(a, R_PAED_ROUTE, "Route to paediatric oncology.");
	if (!f->h || f->primary_unknown) {
		fire(a, R_PAED_PRIOR);
		if (f->age < 5) {
			a->primary_candidates[a->nprimary_candidates++] = "neuroblastoma";
			a->primary_candidates[a->nprimary_candidates++] = "soft_tissue_sarcoma";
			a->primary_candidates[a->nprimary_candidates++] = "ewing_sarcoma";
		} else {
			a->primary_candidates[a->nprimary_candidates++] = "soft_tissue_sarcoma";
			a->primary_candidates[a->nprimary_candidates++] = "ewing_sarcoma";
			a->primary_candidates[a->nprimary_candidates++] = "neuroblastoma";
		}
		a->primary_candidates[a->nprimary_candidates++] = "lymphoma";
		a->primary_candidates[a->nprimary_candidates++] = "leukaemia";
	}
}

static void adult_candidates(const facts *f, sm_assessment *a)
{
	if (f->child || !(f->primary_unknown || f->cancer == SM_NO))
		return;
	if (a->urgency == SM_URG_ROUTINE && !f->c->nlesions)
		return;
	fire(a, R_EPI_ADULT);
	a->primary_candidates[a->nprimary_candidates++] = "lung";
	a->primary_candidates[a->nprimary_candidates++] = "kidney";
	a->primary_candidates[a->nprimary_candidates++] = "myeloma";
	if (f->c->patient.sex != SM_SEX_FEMALE)
		a->primary_candidates[a->nprimary_candidates++] = "prostate";
	if (f->c->patient.sex != SM_SEX_MALE)
		a->primary_candidates[a->nprimary_candidates++] = "breast";
	a->primary_candidates[a->nprimary_candidates++] = "colon";
	a->primary_candidates[a->nprimary_candidates++] = "thyroid";
}

const char *const sm_noms_neurologic_names[3] = {"low", "indeterminate", "high"};
const char *const sm_noms_oncologic_names[3] = {"unknown", "radiosensitive", "radioresistant"};
const char *const sm_noms_mechanical_names[3] = {"stable", "potentially_unstable", "unstable"};
const char *const sm_noms_systemic_names[2] = {"fit", "unfit"};

const char *sm_urgency_name(sm_urgency u)
{
	switch (u) {
	case SM_URG_ROUTINE: return "routine";
	case SM_URG_URGENT: return "urgent";
	case SM_URG_EMERGENCY: return "emergency";
	}
	return "routine";
}

const char *sm_dex_name(sm_dex d)
{
	switch (d) {
	case SM_DEX_NOT_ROUTINE: return "not_routine";
	case SM_DEX_GIVE_16MG: return "give_16mg";
	case SM_DEX_HAEMATOLOGY_FIRST: return "seek_haematology_advice_first";
	case SM_DEX_PAEDIATRIC: return "per_paediatric_protocol";
	case SM_DEX_DISCUSS: return "discuss_with_team_now";
	}
	return "not_routine";
}

sm_status sm_assess(const sm_case *c, sm_assessment *out)
{
	if (!c || !out)
		return SM_E_ARGUMENT;
	memset(out, 0, sizeof *out);
	facts f;
	derive(c, &f);
	lesion_instruments(&f, out);
	triage(&f, out);
	prognostic_scores(&f, out);
	noms(&f, out);
	patchell(&f, out);
	differential(&f, out);
	workup(&f, out);
	paediatric(&f, out);
	adult_candidates(&f, out);
	safety_after(&f, out);
	consistency(&f, out);
	sm_care_plan_build(c, out, &out->care_plan); /* REFERENCE §16 (careplan.c): reads the assessment above */
	return SM_OK;
}
