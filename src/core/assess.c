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
} facts;

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

static void triage(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	int P = f->P == SM_YES, N = f->N == SM_YES;
	sm_urgency u;
	if (f->signs)
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
	a->urgency = u;
	if (f->cancer != SM_NO) {
		if (N)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_CANCER_N,
			           "Known or suspected cancer with a neurological feature: suspected MSCC.", NULL);
		else if (P)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_CANCER_P,
			           "Known or suspected cancer with pain suggestive of spinal metastases, no neurology.", NULL);
	}
	if (f->cancer != SM_YES) {
		if (P && N)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NOCA_PN,
			           "No known cancer, but spinal pain with neurology: MSCC can be the first presentation of cancer.", NULL);
		else if (P)
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NOCA_P,
			           "No known cancer, spinal pain suggestive of metastases: urgent, investigate for an unknown primary.", NULL);
		else if (N && f->cancer == SM_NO) {
			add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NOCA_N,
			           "No cancer history and neurology without the pain features: assess for other causes.", NULL);
			ACTION("assess_other_causes", R_TRIAGE_NOCA_N, "Neurological features without cancer or suggestive pain: not this pathway; assess for other causes.", NULL);
		}
	}
	if (!P && !N)
		add_reason(a, a->triage_reasons, &a->ntriage_reasons, R_TRIAGE_NONE,
		           "No recorded pain feature of set P and no neurological feature of set N.", NULL);
	a->triage_complete = f->P != SM_UNKNOWN && f->N != SM_UNKNOWN && f->cancer != SM_UNKNOWN;
	if (f->P == SM_UNKNOWN || f->N == SM_UNKNOWN)
		warn(a, "Some triage symptoms were not recorded: the urgency rests on the features recorded as present; unrecorded features are not assumed absent.");

	int mri_here = available(c->setting.mri_available);
	int ct_here = available(c->setting.ct_available);
	int mri_contra = yes(c->imaging.mri_contraindicated);
	int mri_done = yes(c->imaging.mri_done);
	if (u == SM_URG_EMERGENCY) {
		a->contact_within_hours = 0;
		a->mri_within_hours = 24;
		if (f->child)
			ACTION("contact_paediatric_oncology_immediately", R_PAED_ROUTE, "Suspected malignant cord compression in a child: contact the paediatric oncology team now (and the MSCC coordinator where the network routes children through it).", NULL);
		else
			ACTION("contact_mscc_coordinator_immediately", R_CONTACT_IMMEDIATE, "Suspected MSCC: contact the MSCC coordinator now.", NULL);
		if (mri_done)
			ACTION("review_mri_now", R_MRI_24H, "Whole-spine MRI recorded as done: grade ESCC and instability from it now.", NULL);
		else if (mri_contra) {
			ACTION("ct_whole_spine", R_MRI_CONTRA, "MRI contraindicated: CT of the whole spine within 24 hours; CT myelography only in a specialist centre.",
			       ct_here ? NULL : " No CT here: transfer for CT within 24 hours.");
			if (!ct_here)
				referral(a, "imaging_centre");
		} else if (!mri_here) {
			if (ct_here)
				ACTION("ct_whole_spine", R_SETTING_NO_MRI, "No MRI here: CT of the whole spine now, and transfer for whole-spine MRI within 24 hours.", NULL);
			ACTION("whole_spine_mri_24h", R_MRI_24H, "Whole-spine MRI within 24 hours (at a centre that has MRI): arrange transfer now.", NULL);
			referral(a, "mri_centre");
		} else
			ACTION("whole_spine_mri_24h", R_MRI_24H, "Whole-spine MRI as soon as possible and always within 24 hours.", NULL);
		ACTION("treatment_plan_24h", R_MRI_24H, "Agree a definitive treatment plan within 24 hours of suspecting MSCC.", NULL);
		if (!f->child && !available(c->setting.spinal_surgery_available)) {
			ACTION("refer_spinal_surgery", R_SETTING_NO_SURGERY, "No spinal surgery here: discuss with the nearest spinal surgical centre now, so that decompression or stabilisation is not delayed if the MRI shows it is needed.", NULL);
			referral(a, "spinal_surgery_centre");
		}
		if (!available(c->setting.radiotherapy_available))
			referral(a, "radiotherapy_centre");
	} else if (u == SM_URG_URGENT) {
		a->contact_within_hours = 24;
		a->mri_within_hours = 168;
		if (f->child)
			ACTION("contact_paediatric_oncology_24h", R_PAED_ROUTE, "Suspected spinal malignancy in a child: contact the paediatric oncology team within 24 hours.", NULL);
		else
			ACTION("contact_mscc_coordinator_24h", R_CONTACT_24H, "Suspected spinal metastases: contact the MSCC coordinator within 24 hours.", NULL);
		if (mri_done)
			ACTION("review_mri", R_MRI_1W, "Whole-spine MRI recorded as done: stage the spine from it.", NULL);
		else if (mri_contra) {
			ACTION("ct_whole_spine", R_MRI_CONTRA, "MRI contraindicated: CT of the whole spine within 1 week.", ct_here ? NULL : " No CT here: refer.");
			if (!ct_here)
				referral(a, "imaging_centre");
		} else {
			ACTION("whole_spine_mri_1_week", R_MRI_1W, "Whole-spine MRI within 1 week.", mri_here ? NULL : " No MRI here: refer.");
			if (!mri_here)
				referral(a, "mri_centre");
		}
		ACTION("treatment_plan_1_week", R_MRI_1W, "Agree a treatment plan within 1 week.", NULL);
	} else {
		a->contact_within_hours = -1;
		a->mri_within_hours = -1;
	}
	if (u != SM_URG_ROUTINE) {
		ACTION("no_plain_xray", R_NO_XRAY, "A plain spinal X-ray cannot exclude metastases or MSCC: do not use it for that.", NULL);
		if (f->cancer != SM_YES || f->primary_unknown)
			ACTION("unknown_primary_workup", R_WU_UNKNOWN_PRIMARY, "No known primary: start the unknown-primary work-up.", NULL);
		if (instability_suspected(f, a))
			ACTION("immobilise_flat_log_roll", R_IMMOBILISE, "Instability suspected (mechanical pain, subluxation or SINS 13+): immobilise flat with log-rolling now, expert advice within 24 hours.", NULL);
	}
	/* dexamethasone (§7.2, §7.3, §8) */
	int deteriorating = yes(c->neurology.deteriorating);
	int haem_suspected = f->haem && !yes(c->cancer.tissue_confirmed);
	if (haem_suspected && N && !deteriorating) {
		a->dexamethasone = SM_DEX_HAEMATOLOGY_FIRST;
		ACTION("seek_haematology_advice", R_DEX_HAEM_SUSPECTED, "Lymphoma or leukaemia suspected, not confirmed, neurology stable: haematology advice and tissue before steroids; give steroids at once if neurology deteriorates.", NULL);
	} else if (f->child && u != SM_URG_ROUTINE) {
		a->dexamethasone = SM_DEX_PAEDIATRIC;
		fire(a, R_DEX_PAED);
		if (haem_suspected && N && deteriorating)
			fire(a, R_DEX_HAEM_SUSPECTED);
	} else if (N && u == SM_URG_EMERGENCY) {
		a->dexamethasone = SM_DEX_GIVE_16MG;
		ACTION("dexamethasone_16mg", R_DEX_16, "Dexamethasone 16 mg orally (or equivalent) as soon as possible unless contraindicated; stop if MSCC is excluded.", NULL);
		if (haem_suspected)
			fire(a, R_DEX_HAEM_SUSPECTED);
	} else if (f->haem_confirmed && u != SM_URG_ROUTINE) {
		a->dexamethasone = SM_DEX_GIVE_16MG;
		ACTION("dexamethasone_16mg", R_DEX_HAEM_CONFIRMED, "Confirmed haematological malignancy with spinal disease: dexamethasone 16 mg as soon as possible, then plan with the haematology MDT.", NULL);
	} else {
		a->dexamethasone = SM_DEX_NOT_ROUTINE;
		fire(a, R_DEX_NOT_ROUTINE);
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
		if (chemo && !deteriorating && a->noms_mechanical != 2)
			OPTION("chemotherapy_first", R_OPT_CHEMO_FIRST, f->h->name,
			       ": chemosensitive, neurology not deteriorating and no gross instability: urgent chemotherapy first; decompression only for rapid or progressive deterioration (De Bernardi 2001).");
		if (deteriorating || (!chemo && N == 2))
			OPTION("surgical_opinion", R_OPT_CHEMO_FIRST, deteriorating ? "Neurology deteriorating: urgent neurosurgical opinion for decompression." : "High-grade compression in a tumour not known to be chemosensitive: urgent surgical opinion.", NULL);
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
	if (ph->known) {
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
	fire(a, R_PATCHELL_OTHER);
}

/* ---------------- work-up (§7.2, §8, §9) ---------------- */
static void workup(const facts *f, sm_assessment *a)
{
	const sm_case *c = f->c;
	int need_imaging = a->urgency != SM_URG_ROUTINE || c->nlesions > 0;
	if (need_imaging && !yes(c->imaging.mri_done)) {
		if (yes(c->imaging.mri_contraindicated)) {
			WORKUP("ct_whole_spine", R_MRI_CONTRA, "MRI contraindicated: CT of the whole spine; CT myelography only in a specialist centre if more information is needed.", NULL);
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
	if (f->h && f->h->chemosensitive)
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
	sm_care_plan_build(c, out, &out->care_plan); /* REFERENCE §16 (careplan.c): reads the assessment above */
	(void)remove_item;
	return SM_OK;
}
