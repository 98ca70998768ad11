/*
** test_assess_props.c: properties of `spinemets assess` over many generated
** cases (fixed-seed xorshift64* generator; every field of KEYS.md §5, each
** present, absent or null). Each case is written as JSON text and goes through
** the real parser (sm_json_read_case), sm_assess and sm_json_assessment.
**
** Properties (issue "Decisions", REFERENCE.md):
**   (a) setting one neurological symptom or sign to true never lowers the
**       urgency (§7.1, §14); likewise a pain feature of set P;
**   (b) under 18: adult scores not computed (none of tokuhashi/tomita/bauer/
**       nesms/katagiri in "scores"), a paediatric section with Lansky < 16 and
**       KPS from 16 (§5.4, §8, §12), never the adult 16 mg dexamethasone, never
**       Patchell-eligible (§7.4);
**   (c) every option, work-up item, differential cue and action has at least
**       one reason, each citing a rule; every NOMS dimension has a reason;
**   (d) every fired rule id is in the rule table; every rule has a section;
**   (e) sm_assess never fails and its JSON always dumps and parses back;
**   (f) emergency => contact 0 h and MRI 24 h; urgent => 24 h and 168 h;
**       routine => neither (§7.2, §14);
**   (g) every output word is in the KEYS.md §4/§6 vocabulary;
**   (h) the §14 triage table as an oracle;
**   (i) S unfit => no stabilisation or separation surgery (§3.3 "if S allows");
**       radiosensitive => cEBRT, never SRS or separation surgery (§3.3, §11 #11);
**       ESCC 1c => MDT (§2); SRS or surgery not available => not offered
**       (KEYS §5 setting); MRI contraindicated => no MRI in the work-up (§7.2);
**       Patchell-eligible => every criterion met and histology not on the
**       Patchell radiosensitive list (§7.4, §12).
*/
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "spinemets.h"
#include "io/json_case.h"
#include "io/json_score.h"

#define NCASES 50000 /* issue #11: at least 50,000 generated cases */

/* ------------------------------------------------------------------ */
/* PRNG: xorshift64*                                                    */
/* ------------------------------------------------------------------ */
static uint64_t g_rng;
static uint64_t next64(void)
{
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return g_rng * 2685821657736338717ULL;
}
static int rnd(int n) { return (int)(next64() % (uint64_t)n); }
static bool chance(double p) { return (double)(next64() >> 11) / 9007199254740992.0 < p; }
static double uniform(double lo, double hi) { return lo + (hi - lo) * ((double)(next64() >> 11) / 9007199254740992.0); }

/* ------------------------------------------------------------------ */
/* vocabulary (KEYS.md)                                                 */
/* ------------------------------------------------------------------ */
static const char *const K_OPTIONS[] = {"cebrt", "srs", "separation_surgery_then_srs", "stabilisation", "cement_augmentation",
	"systemic_therapy", "chemotherapy_first", "supportive_care", "mdt_review", "surgical_opinion",
	"decompressive_surgery_then_rt", "reirradiation_assessment"};
static const char *const K_WORKUP[] = {"mri_whole_spine", "ct_whole_spine", "ct_myelography", "ct_chest_abdomen_pelvis",
	"bone_scan_or_pet", "biopsy", "serum_protein_electrophoresis_free_light_chains", "psa", "breast_examination_mammography",
	"thyroid_examination", "urinalysis", "calcium_alp_ldh", "csf_cytology", "bone_marrow", "urine_catecholamines", "afp_bhcg",
	"crp_blood_cultures", "tumour_lysis_bloods", "blood_cultures_two_sets", "no_biopsy_needed_for_organism",
	"biopsy_histology_microbiology", "brucella_serology_if_endemic", "tb_tests_on_biopsy", "biopsy_planned_by_sarcoma_centre",
	"adjusted_calcium_now", "fbc_calcium_esr_spep_flc", "fbc_crp_esr"};
static const char *const K_DIFF[] = {"favour_metastasis", "consider_spondylodiscitis", "consider_tuberculosis", "consider_myeloma",
	"consider_primary_bone_tumour", "consider_osteoporotic_fracture", "infection_leads"};
static const char *const K_URGENCY[] = {"emergency", "urgent", "routine"};
static const char *const K_DEX[] = {"give_16mg", "not_routine", "seek_haematology_advice_first", "per_paediatric_protocol",
	"discuss_with_team_now"};
static const char *const K_NEURO[] = {"low", "indeterminate", "high"};
static const char *const K_ONCO[] = {"radiosensitive", "radioresistant", "unknown"};
static const char *const K_MECH[] = {"stable", "potentially_unstable", "unstable"};
static const char *const K_SYST[] = {"fit", "unfit", "unknown"};
#define NK(a) (sizeof(a) / sizeof((a)[0]))

static bool word_in(const char *w, const char *const *list, size_t n)
{
	for (size_t k = 0; w && k < n; k++)
		if (strcmp(w, list[k]) == 0)
			return true;
	return false;
}

static const char *const LEVELS[SM_NLEVELS] = {"Occ", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "T1", "T2", "T3", "T4", "T5",
	"T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5"};
static const char *const EVENTS[] = {"symptom_onset", "presentation", "referral", "coordinator_contact", "mri_requested",
	"mri_done", "dexamethasone_started", "mdt_decision", "surgery", "radiotherapy_start", "systemic_therapy_start",
	"discharge", "follow_up", "death"};
static const char *const PAIN_KEYS[] = {"pain_thoracic_or_cervical", "pain_progressive_lumbar", "pain_severe_unremitting_lower",
	"pain_on_straining", "pain_localised_tenderness", "pain_nocturnal", "pain_mechanical"};
static const char *const NEURO_KEYS[] = {"radicular_pain", "limb_weakness", "difficulty_walking", "sensory_loss",
	"bladder_bowel_dysfunction"};

/* ------------------------------------------------------------------ */
/* generator                                                            */
/* ------------------------------------------------------------------ */
static void put(json_t *o, const char *k, json_t *v) { json_object_set_new(o, k, v); }
static json_t *pick(const char *const *words, size_t n) { return json_string(words[rnd((int)n)]); }
static json_t *rbool(double p_true) { return json_boolean(chance(p_true)); }

/* a field: absent (returns without setting), null, or the value */
#define MAYBE(o, key, p, expr)                                                 \
	do {                                                                   \
		if (chance(p))                                                 \
			put((o), (key), chance(0.04) ? json_null() : (expr)); \
	} while (0)

static json_t *gen_age(void)
{
	static const double ages[] = {0, 1, 2, 4.5, 5, 9, 12, 15, 15.9, 16, 16.5, 17, 17.99, 18, 18.5, 25, 40, 64, 80, 99, 130};
	if (chance(0.7))
		return json_real(ages[rnd((int)NK(ages))]);
	return json_integer(rnd(101));
}

static json_t *gen_asia(void)
{
	if (chance(0.5)) {
		static const char *const g[] = {"A", "B", "C", "D", "E"};
		return pick(g, 5);
	}
	json_t *o = json_object();
	bool normal = chance(0.2);
	MAYBE(o, "normal_exam", 0.5, json_boolean(normal));
	if (!normal || !json_is_true(json_object_get(o, "normal_exam"))) {
		MAYBE(o, "sensory_s4_s5", 0.6, rbool(0.5));
		MAYBE(o, "voluntary_anal_contraction", 0.6, rbool(0.5));
		MAYBE(o, "motor_more_than_3_below", 0.5, rbool(0.5));
		if (chance(0.6)) {
			int nm = rnd(11);
			put(o, "key_muscles_below_nli", json_integer(nm));
			if (chance(0.8))
				put(o, "key_muscles_grade3_below_nli", json_integer(rnd(nm + 1)));
		}
	} else {
		/* a normal examination: sacral sparing and all key muscles >= 3 */
		MAYBE(o, "sensory_s4_s5", 0.4, json_true());
		MAYBE(o, "voluntary_anal_contraction", 0.4, json_true());
		if (chance(0.4)) {
			int nm = rnd(11);
			put(o, "key_muscles_below_nli", json_integer(nm));
			put(o, "key_muscles_grade3_below_nli", json_integer(nm));
		}
	}
	MAYBE(o, "prior_deficit", 0.4, rbool(0.5));
	return o;
}

static json_t *gen_lesion(void)
{
	json_t *l = json_object();
	if (chance(0.9)) {
		int lo = rnd(SM_NLEVELS), span = chance(0.75) ? 0 : rnd(3) + 1;
		int hi = lo + span < SM_NLEVELS ? lo + span : SM_NLEVELS - 1;
		char lv[16];
		if (lo == hi)
			snprintf(lv, sizeof lv, "%s", LEVELS[lo]);
		else
			snprintf(lv, sizeof lv, "%s-%s", LEVELS[lo], LEVELS[hi]);
		put(l, "level", json_string(lv));
	} else {
		static const char *const loc[] = {"junctional", "mobile", "semi_rigid", "rigid"};
		MAYBE(l, "location", 0.5, pick(loc, 4));
	}
	static const char *const pain[] = {"mechanical", "occasional", "none"};
	static const char *const bone[] = {"lytic", "mixed", "blastic"};
	static const char *const align[] = {"subluxation", "deformity", "normal", "normal"};
	static const char *const col[] = {"over_50", "under_50", "body_involved_over_50", "none"};
	static const char *const pl[] = {"bilateral", "unilateral", "none"};
	static const char *const escc[] = {"0", "1a", "1b", "1c", "2", "3"};
	MAYBE(l, "pain", 0.75, pick(pain, 3));
	MAYBE(l, "bone_lesion", 0.75, pick(bone, 3));
	MAYBE(l, "alignment", 0.75, pick(align, 4));
	MAYBE(l, "collapse", 0.75, pick(col, 4));
	MAYBE(l, "posterolateral", 0.75, pick(pl, 3));
	MAYBE(l, "escc", 0.75, pick(escc, 6));
	static const char *const bools[] = {"pathological_fracture", "axial_load_pain", "disc_space_involved",
		"adjacent_endplates_destroyed", "epidural_soft_tissue", "prior_radiotherapy", "compressive"};
	for (size_t k = 0; k < NK(bools); k++)
		MAYBE(l, bools[k], 0.4, rbool(0.4));
	return l;
}

/* A case near the Patchell criteria (§7.4): adult, tissue-proven, fit, one
** compressive area, with one or two criteria moved to or across a boundary. */
static json_t *gen_patchell_case(void)
{
	static const char *const prim[] = {"lung_nsclc", "breast", "kidney", "prostate", "colon", "melanoma", "myeloma", "lymphoma", "seminoma"};
	static const double ages[] = {17, 17.9, 18, 40, 70};
	static const double hours[] = {0, 12, 47, 48, 48.1, 49, 96};
	static const double surv[] = {2, 2.9, 3, 6, 24};
	static const char *const lv[] = {"T4", "T7", "T7-T8", "T12", "L1", "L2", "L3", "C5"};
	json_t *c = json_object();
	json_t *p = json_object();
	put(p, "age_years", json_real(chance(0.8) ? 60 : ages[rnd((int)NK(ages))]));
	put(c, "patient", p);
	json_t *ca = json_object();
	put(ca, "history", json_string("known"));
	put(ca, "primary", json_string(chance(0.7) ? "lung_nsclc" : prim[rnd((int)NK(prim))]));
	put(ca, "tissue_confirmed", json_boolean(chance(0.9)));
	put(c, "cancer", ca);
	json_t *s = json_object();
	put(s, chance(0.5) ? "limb_weakness" : "pain_thoracic_or_cervical", json_true());
	put(c, "symptoms", s);
	json_t *n = json_object();
	if (chance(0.5)) {
		put(n, "frankel", json_string("A"));
		put(n, "complete_paraplegia_hours", json_real(hours[rnd((int)NK(hours))]));
	} else {
		put(n, "frankel", json_string(chance(0.5) ? "C" : "D"));
	}
	MAYBE(n, "deteriorating", 0.5, rbool(0.5));
	put(c, "neurology", n);
	json_t *sy = json_object();
	put(sy, "fit_for_surgery", json_boolean(chance(0.85)));
	put(sy, "expected_survival_months", json_real(chance(0.6) ? 6 : surv[rnd((int)NK(surv))]));
	put(c, "systemic", sy);
	json_t *ls = json_array();
	int nl = chance(0.75) ? 1 : 2;
	for (int k = 0; k < nl; k++) {
		json_t *l = json_object();
		put(l, "level", json_string(k == 0 ? lv[rnd((int)NK(lv))] : (chance(0.5) ? "T9" : "L4")));
		put(l, "escc", json_string(chance(0.85) ? (chance(0.5) ? "2" : "3") : "1c"));
		MAYBE(l, "prior_radiotherapy", 0.3, rbool(0.3));
		MAYBE(l, "compressive", 0.3, json_true());
		json_array_append_new(ls, l);
	}
	put(c, "lesions", ls);
	return c;
}


/* REFERENCE §15.4: back pain without cancer, every red flag recorded, with one
** flag flipped, dropped or an age at a boundary now and then */
static json_t *gen_back_pain_case(void)
{
	static const char *const sym_false[] = {"pain_thoracic_or_cervical", "pain_progressive_lumbar", "pain_severe_unremitting_lower",
		"pain_nocturnal", "limb_weakness", "difficulty_walking", "sensory_loss", "bladder_bowel_dysfunction",
		"no_improvement_4_6_weeks", "weight_loss", "fever", "night_sweats", "bilateral_radicular_pain"};
	static const char *const hist_false[] = {"immunosuppression", "long_term_steroids", "osteoporosis", "injecting_drug_use"};
	static const double ages[] = {15, 16, 17.9, 18, 19, 20, 35, 49, 50, 61};
	json_t *c = json_object(), *p = json_object(), *ca = json_object(), *s = json_object(), *h = json_object(), *inf = json_object();
	put(p, "age_years", json_real(ages[rnd((int)NK(ages))]));
	put(c, "patient", p);
	put(ca, "history", json_string(chance(0.9) ? "none" : "suspected"));
	put(c, "cancer", ca);
	put(s, "pain_mechanical", json_true());
	put(s, "radicular_pain", rbool(0.4));
	for (size_t k = 0; k < NK(sym_false); k++)
		put(s, sym_false[k], json_false());
	for (size_t k = 0; k < NK(hist_false); k++)
		put(h, hist_false[k], json_false());
	put(inf, "tb_history_or_contact", json_false());
	put(inf, "bacteraemia_or_endocarditis", json_false());
	int m = rnd(3);
	if (m == 1)
		put(s, sym_false[rnd((int)NK(sym_false))], json_true());
	else if (m == 2)
		json_object_del(s, sym_false[rnd((int)NK(sym_false))]);
	MAYBE(s, "pain_persistent", 0.3, rbool(0.5));
	put(c, "symptoms", s);
	put(c, "history", h);
	put(c, "infection", inf);
	return c;
}

static json_t *gen_case(void)
{
	if (chance(0.04))
		return gen_back_pain_case();
	if (chance(0.08))
		return gen_patchell_case();
	json_t *c = json_object();
	if (chance(0.5))
		put(c, "schema", json_string("spinemets/case/1"));
	if (chance(0.9)) {
		json_t *p = json_object();
		static const char *const sex[] = {"female", "male", "other"};
		MAYBE(p, "age_years", 0.88, gen_age());
		MAYBE(p, "sex", 0.75, pick(sex, 3));
		put(c, "patient", p);
	}
	if (chance(0.9)) {
		json_t *ca = json_object();
		static const char *const hist[] = {"known", "none", "suspected"};
		const char *h = NULL;
		if (chance(0.85)) {
			h = hist[rnd(3)];
			put(ca, "history", json_string(h));
		}
		if (chance(h && strcmp(h, "none") == 0 ? 0.05 : 0.75)) {
			if (h && strcmp(h, "none") == 0)
				put(ca, "primary", json_string("unknown"));
			else
				put(ca, "primary", json_string(sm_histology_at((size_t)rnd((int)sm_histology_count()))->key));
		}
		MAYBE(ca, "tissue_confirmed", 0.6, rbool(0.6));
		MAYBE(ca, "hormone_dependent", 0.3, rbool(0.5));
		MAYBE(ca, "targeted_therapy", 0.3, rbool(0.5));
		MAYBE(ca, "previous_chemotherapy", 0.4, rbool(0.5));
		MAYBE(ca, "months_since_diagnosis", 0.3, json_real(uniform(0, 240)));
		put(c, "cancer", ca);
	}
	if (chance(0.9)) {
		json_t *s = json_object();
		double p_any = uniform(0.05, 0.6); /* some cases have many features, some none */
		for (size_t k = 0; k < NK(PAIN_KEYS); k++)
			MAYBE(s, PAIN_KEYS[k], 0.75, rbool(p_any));
		for (size_t k = 0; k < NK(NEURO_KEYS); k++)
			MAYBE(s, NEURO_KEYS[k], 0.75, rbool(p_any * 0.7));
		MAYBE(s, "deficit_days", 0.2, json_integer(rnd(60)));
		MAYBE(s, "fever", 0.4, rbool(0.2));
		/* REFERENCE §15 keys */
		static const char *const S15[] = {"saddle_sensory_change", "urinary_retention", "sexual_dysfunction",
			"bilateral_radicular_pain", "refuses_to_walk", "new_limp", "motor_regression", "painful_scoliosis_or_torticollis",
			"new_wetting_or_soiling", "constipation_with_overflow", "reduced_anal_sensation", "pain_persistent",
			"pain_analgesia_resistant", "no_improvement_4_6_weeks", "weight_loss", "night_sweats", "lymphadenopathy",
			"stridor_or_orthopnoea", "constipation", "polyuria", "vomiting"};
		for (size_t k = 0; k < NK(S15); k++)
			MAYBE(s, S15[k], 0.25, rbool(0.15));
		put(c, "symptoms", s);
	}
	if (chance(0.65)) {
		json_t *n = json_object();
		static const char *const fr[] = {"A", "B", "C", "D", "E", "E", "E"};
		static const char *const amb[] = {"independent", "assisted", "non_ambulatory"};
		static const double hours[] = {0, 6, 12, 47.9, 48, 48.5, 49, 72, 200};
		MAYBE(n, "frankel", 0.5, pick(fr, NK(fr)));
		MAYBE(n, "asia", 0.2, gen_asia());
		MAYBE(n, "ambulatory", 0.4, pick(amb, 3));
		MAYBE(n, "complete_paraplegia_hours", 0.2, json_real(hours[rnd((int)NK(hours))]));
		MAYBE(n, "myelopathy", 0.4, rbool(0.3));
		MAYBE(n, "radiculopathy", 0.4, rbool(0.3));
		MAYBE(n, "deteriorating", 0.4, rbool(0.3));
		static const char *const N15[] = {"sensory_level", "umn_signs", "deficit_longstanding", "areflexia", "ascending_weakness",
			"bulbar_or_breathing_difficulty", "reduced_consciousness", "sudden_unilateral_weakness_face_speech_vision",
			"reduced_leg_reflexes"};
		for (size_t k = 0; k < NK(N15); k++)
			MAYBE(n, N15[k], 0.2, rbool(0.15));
		MAYBE(n, "root_weakness_mrc", 0.1, json_integer(rnd(6)));
		MAYBE(n, "hours_since_last_walked", 0.1, json_real(uniform(0, 200)));
		put(c, "neurology", n);
	}
	if (chance(0.3)) {
		json_t *h = json_object(), *inf = json_object(), *im = json_object();
		static const char *const H15[] = {"pregnant", "anticoagulant_or_antiplatelet", "recent_neuraxial_procedure",
			"immunosuppression", "long_term_steroids", "osteoporosis", "injecting_drug_use"};
		static const char *const I15[] = {"bacteraemia_or_endocarditis", "abscess", "gibbus", "tb_history_or_contact",
			"tb_endemic_region", "recent_spinal_procedure", "sepsis"};
		static const char *const M15[] = {"paraspinal_or_dumbbell_mass", "conus_or_cauda_compression", "mediastinal_mass",
			"chondroid_or_osteoid_matrix", "mri_done", "mri_contraindicated"};
		static const char *const cult[] = {"pending", "negative", "s_aureus_lugdunensis_or_brucella", "other_organism"};
		for (size_t k = 0; k < NK(H15); k++)
			MAYBE(h, H15[k], 0.4, rbool(0.2));
		for (size_t k = 0; k < NK(I15); k++)
			MAYBE(inf, I15[k], 0.3, rbool(0.15));
		MAYBE(inf, "blood_culture", 0.2, pick(cult, 4));
		for (size_t k = 0; k < NK(M15); k++)
			MAYBE(im, M15[k], 0.2, rbool(0.2));
		put(c, "history", h);
		put(c, "infection", inf);
		put(c, "imaging", im);
	}
	if (chance(0.6)) {
		json_t *p = json_object();
		MAYBE(p, "kps", 0.6, json_integer(10 * rnd(11)));
		MAYBE(p, "ecog", 0.4, json_integer(rnd(5)));
		MAYBE(p, "lansky", 0.3, json_integer(10 * rnd(11)));
		put(c, "performance", p);
	}
	if (chance(0.65)) {
		json_t *s = json_object();
		static const char *const pat[] = {"nodular", "disseminated"};
		static const double surv[] = {0.5, 1, 2, 2.9, 3, 3.1, 6, 12, 24};
		if (chance(0.6)) {
			bool present = chance(0.5);
			put(s, "visceral_metastases", json_string(present ? "present" : "none"));
			if (present) {
				MAYBE(s, "visceral_removable", 0.5, rbool(0.5));
				MAYBE(s, "visceral_treatable", 0.5, rbool(0.5));
				MAYBE(s, "visceral_pattern", 0.5, pick(pat, 2));
			}
		}
		MAYBE(s, "brain_metastases", 0.4, rbool(0.2));
		MAYBE(s, "extraspinal_bone_metastases", 0.5, json_integer(rnd(8)));
		MAYBE(s, "fit_for_surgery", 0.6, rbool(0.6));
		MAYBE(s, "expected_survival_months", 0.6, chance(0.7) ? json_real(surv[rnd((int)NK(surv))]) : json_real(uniform(0, 60)));
		if (chance(0.4)) {
			json_t *labs = json_object();
			MAYBE(labs, "albumin_g_dl", 0.5, json_real(uniform(1.5, 5.5)));
			MAYBE(labs, "crp_mg_dl", 0.5, json_real(uniform(0, 20)));
			MAYBE(labs, "ldh_iu_l", 0.5, json_real(uniform(80, 1500)));
			MAYBE(labs, "platelets_per_ul", 0.5, json_integer(10000 * (1 + rnd(60))));
			MAYBE(labs, "calcium_mg_dl", 0.5, json_real(uniform(7, 14)));
			MAYBE(labs, "bilirubin_mg_dl", 0.5, json_real(uniform(0.1, 5)));
			MAYBE(labs, "esr_mm_h", 0.2, json_integer(rnd(120)));
			MAYBE(labs, "inr", 0.2, json_real(uniform(0.8, 4)));
			MAYBE(labs, "adjusted_calcium_mmol_l", 0.2, json_real(uniform(1.8, 3.6)));
			put(s, "labs", labs);
		}
		put(c, "systemic", s);
	}
	if (chance(0.4)) {
		json_t *im = json_object();
		MAYBE(im, "mri_contraindicated", 0.6, rbool(0.3));
		MAYBE(im, "mri_done", 0.4, rbool(0.5));
		put(c, "imaging", im);
	}
	if (chance(0.75)) {
		json_t *ls = json_array();
		int n = chance(0.03) ? rnd(SM_MAX_LESIONS + 1) : rnd(5);
		for (int k = 0; k < n; k++)
			json_array_append_new(ls, gen_lesion());
		put(c, "lesions", ls);
	}
	if (chance(0.2)) {
		json_t *ev = json_array();
		int n = rnd(5);
		for (int k = 0; k < n; k++) {
			json_t *e = json_object();
			char at[40];
			snprintf(at, sizeof at, "2026-%02d-%02dT%02d:%02d:00Z", 1 + rnd(12), 1 + rnd(28), rnd(24), rnd(60));
			put(e, "type", pick(EVENTS, NK(EVENTS)));
			put(e, "at", json_string(at));
			json_array_append_new(ev, e);
		}
		put(c, "events", ev);
	}
	if (chance(0.35)) {
		json_t *st = json_object();
		static const char *const keys[] = {"mri_available", "ct_available", "srs_available", "spinal_surgery_available",
			"paediatric_oncology_available"};
		for (size_t k = 0; k < NK(keys); k++)
			MAYBE(st, keys[k], 0.5, rbool(0.5));
		put(c, "setting", st);
	}
	return c;
}

/* ------------------------------------------------------------------ */
/* checks                                                               */
/* ------------------------------------------------------------------ */
static const char *g_text; /* the case being checked, for messages */
static unsigned long g_checks;

/* Violations are collected (one entry per kind, with its count and first
** example) so that one run shows every defect; the test fails at the end. */
typedef struct violation {
	const char *fmt;
	unsigned long count;
	char first[600];
	char text[2400];
} violation;
static violation g_viol[64];
static size_t g_nviol;

static void violate(const char *fmt, ...) CMOCKA_PRINTF_ATTRIBUTE(1, 2);
static void violate(const char *fmt, ...)
{
	violation *v = NULL;
	for (size_t k = 0; k < g_nviol; k++)
		if (g_viol[k].fmt == fmt)
			v = &g_viol[k];
	if (!v) {
		if (g_nviol >= sizeof g_viol / sizeof *g_viol)
			return;
		v = &g_viol[g_nviol++];
		v->fmt = fmt;
		v->count = 0;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(v->first, sizeof v->first, fmt, ap);
		va_end(ap);
		snprintf(v->text, sizeof v->text, "%s", g_text ? g_text : "");
	}
	v->count++;
}

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		g_checks++;                                                    \
		if (!(cond))                                                   \
			violate(__VA_ARGS__);                                  \
	} while (0)

/* print every violation; fail if any */
static void report_violations(const char *what)
{
	for (size_t k = 0; k < g_nviol; k++)
		print_error("%s: VIOLATION x%lu: %s\n  first case: %s\n", what, g_viol[k].count, g_viol[k].first, g_viol[k].text);
	size_t n = g_nviol;
	g_nviol = 0;
	if (n)
		fail_msg("%s: %zu kind(s) of property violation", what, n);
}

static bool in_list(const json_t *list, const char *val)
{
	size_t i;
	json_t *x;
	json_array_foreach((json_t *)list, i, x) if (json_is_string(x) && strcmp(json_string_value(x), val) == 0) return true;
	return false;
}

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static const char *urgency_word(sm_urgency u) { return sm_urgency_name(u); }

static bool reasons_ok(const json_t *reasons, const json_t *rules)
{
	if (!json_is_array(reasons) || json_array_size(reasons) == 0)
		return false;
	size_t i;
	json_t *r;
	json_array_foreach((json_t *)reasons, i, r) {
		const char *id = str(r, "rule"), *text = str(r, "text"), *src = str(r, "source");
		if (!id || !sm_rule_find(id) || !text || !text[0] || !src || !src[0])
			return false;
		if (!in_list(rules, id))
			return false;
	}
	return true;
}

/* a keyed list (keys + reasons map) */
static void check_keyed(const json_t *parent, const char *list_name, const char *map_name, const json_t *rules,
                        const char *const *vocab, size_t nvocab)
{
	const json_t *keys = json_object_get(parent, list_name), *map = json_object_get(parent, map_name);
	CHECK(json_is_array(keys) && json_is_object(map), "(c) %s/%s missing", list_name, map_name);
	size_t i, m;
	json_t *k;
	json_array_foreach((json_t *)keys, i, k) {
		const char *key = json_string_value(k);
		CHECK(key != NULL, "(c) %s: non-string key", list_name);
		CHECK(reasons_ok(json_object_get(map, key), rules), "(c) %s \"%s\" has no reason citing a fired rule", list_name, key);
		if (vocab)
			CHECK(word_in(key, vocab, nvocab), "(g) %s \"%s\" is not a KEYS.md word", list_name, key);
		for (m = 0; m < i; m++)
			CHECK(strcmp(json_string_value(json_array_get(keys, m)), key) != 0, "%s \"%s\" listed twice", list_name, key);
	}
	CHECK(json_object_size(map) == json_array_size(keys), "(c) %s: reasons for keys not listed", list_name);
}

static bool any_tri(const sm_tri *t, int n)
{
	for (int k = 0; k < n; k++)
		if (t[k] == SM_YES)
			return true;
	return false;
}

/* §14 triage table; cancer: 1 yes, 0 no, -1 not recorded */
static sm_urgency table14(int cancer, bool P, bool N)
{
	sm_urgency with = N ? SM_URG_EMERGENCY : P ? SM_URG_URGENT : SM_URG_ROUTINE;
	sm_urgency without = P && N ? SM_URG_EMERGENCY : P ? SM_URG_URGENT : SM_URG_ROUTINE;
	if (cancer == 1)
		return with;
	if (cancer == 0)
		return without;
	return with > without ? with : without; /* not recorded: the more urgent (§0 rule 2) */
}

typedef struct stats {
	unsigned long s15_1, simple, mimics;
	unsigned long cases, urg[3], children, adults, age_unknown, lesions, eligible, oracle, oracle_skipped,
		mutations, raised, options[NK(K_OPTIONS)], workup[NK(K_WORKUP)], diff[NK(K_DIFF)], dex[4];
} stats;
static stats S;


/* ------------------------------------------------------------------ */
/* REFERENCE §15 (issue #11): properties that hold for every case       */
/* ------------------------------------------------------------------ */
static const sm_patchell_criterion *criterion_of(const sm_assessment *a, const char *name)
{
	for (size_t k = 0; k < a->npatchell; k++)
		if (strcmp(a->patchell[k].criterion, name) == 0)
			return &a->patchell[k];
	return NULL;
}

static void check_section15(const sm_case *c, const sm_assessment *a, const json_t *j, const json_t *rules)
{
	const json_t *t = json_object_get(j, "triage"), *n = json_object_get(j, "noms");
	const json_t *opts = json_object_get(n, "options"), *acts = json_object_get(t, "actions");
	bool age_known = c->patient.age_years.known;
	double age = c->patient.age_years.v;
	bool child = age_known && age < 18;
	/* (15.5) no decompressive-surgery option when a Patchell exclusion for neurological recovery holds */
	static const char *const excl[] = {"not_paraplegic_over_48h", "expected_survival_3_months", "fit_for_surgery"};
	bool excluded = false;
	for (size_t k = 0; k < 3; k++) {
		const sm_patchell_criterion *p = criterion_of(a, excl[k]);
		excluded |= p && p->met == SM_NO;
	}
	if (excluded && !child) {
		CHECK(!in_list(opts, "decompressive_surgery_then_rt"), "(15.5) decompressive surgery offered despite a Patchell exclusion");
		CHECK(!in_list(opts, "separation_surgery_then_srs"), "(15.5) separation surgery offered despite a Patchell exclusion");
	}
	/* (15.5) every Patchell criterion holds -> the option is there */
	if (a->patchell_eligible && !child && a->patchell_applicable)
		CHECK(in_list(opts, "decompressive_surgery_then_rt"), "(15.5) all Patchell criteria hold but no decompressive surgery option");
	/* (15.5) a missing input never makes eligibility false; unknown keeps the surgical opinion */
	bool any_no = false, any_unknown = false;
	for (size_t k = 0; k < a->npatchell; k++) {
		any_no |= a->patchell[k].met == SM_NO;
		any_unknown |= a->patchell[k].met == SM_UNKNOWN;
	}
	if (a->patchell_eligibility == SM_NO)
		CHECK(any_no, "(15.5) eligibility false without a criterion known to fail");
	if (!any_no && any_unknown) {
		CHECK(a->patchell_eligibility == SM_UNKNOWN, "(15.5) a missing input did not leave eligibility unknown");
		if (!child && a->patchell_applicable && (!age_known || age >= 16))
			CHECK(in_list(opts, "surgical_opinion"), "(15.5) eligibility unknown without a surgical opinion");
	}
	/* (15.1) emergency whenever the cord or cauda-equina picture holds */
	bool legs = c->symptoms.neuro[SM_N_LIMB_WEAKNESS] == SM_YES || c->symptoms.neuro[SM_N_DIFFICULTY_WALKING] == SM_YES;
	bool with = c->neurology.sensory_level == SM_YES || c->neurology.umn_signs == SM_YES ||
	            c->symptoms.neuro[SM_N_BLADDER_BOWEL] == SM_YES || c->symptoms.urinary_retention == SM_YES;
	bool graded = ((c->neurology.frankel >= 0 && c->neurology.frankel <= 3) || (c->neurology.asia_grade >= 0 && c->neurology.asia_grade <= 3)) &&
	              c->neurology.deficit_longstanding != SM_YES;
	bool sphincter = c->symptoms.saddle_sensory_change == SM_YES || c->symptoms.urinary_retention == SM_YES ||
	                 c->symptoms.neuro[SM_N_BLADDER_BOWEL] == SM_YES || c->symptoms.sexual_dysfunction == SM_YES;
	bool pain = c->symptoms.bilateral_radicular_pain == SM_YES || any_tri(c->symptoms.pain, SM_NPAIN) ||
	            c->symptoms.neuro[SM_N_RADICULAR_PAIN] == SM_YES;
	if ((legs && with) || graded || (sphincter && pain)) {
		CHECK(a->urgency == SM_URG_EMERGENCY, "(15.1) cord or cauda-equina picture not triaged emergency");
		S.s15_1++;
	}
	/* (15.4) simple back pain: never emergency, never a child */
	if (in_list(rules, "S15-4-SIMPLE")) {
		CHECK(a->urgency != SM_URG_EMERGENCY, "(15.4) simple back pain triaged emergency");
		CHECK(age_known && age >= 18, "(15.4) simple back pain for a child or an unknown age");
		S.simple++;
	}
	/* banner, actions and options agree */
	bool now = in_list(acts, "contact_mscc_coordinator_immediately") || in_list(acts, "contact_paediatric_oncology_immediately");
	bool in24 = in_list(acts, "contact_mscc_coordinator_24h") || in_list(acts, "contact_paediatric_oncology_24h");
	if (a->urgency == SM_URG_EMERGENCY)
		CHECK(now && !in24, "(banner) emergency without an immediate contact action, or with a 24 h one");
	else if (a->urgency == SM_URG_URGENT)
		CHECK(in24 && !now, "(banner) urgent without a 24 h contact action, or with an immediate one");
	else {
		CHECK(!now && !in24, "(banner) routine with a contact action");
		CHECK(!in_list(acts, "dexamethasone_16mg") && !in_list(acts, "immobilise_flat_log_roll"), "(banner) routine with an emergency action");
		CHECK(!in_list(opts, "decompressive_surgery_then_rt") || a->nlesions, "(banner) routine, no lesion, decompressive surgery offered");
	}
	if (in_list(acts, "keep_active"))
		CHECK(a->urgency == SM_URG_ROUTINE && !in_list(acts, "immobilise_flat_log_roll"), "(banner) keep active beside immobilisation or a non-routine urgency");
	/* no steroid dose line for a child */
	if (child) {
		CHECK(!in_list(acts, "dexamethasone_16mg") && a->dexamethasone != SM_DEX_GIVE_16MG, "(15.12) a steroid dose for a child");
		if (a->dexamethasone == SM_DEX_PAEDIATRIC)
			CHECK(any_tri(c->symptoms.neuro, SM_NNEURO) || a->ntriage_reasons, "(15.12) steroid for a child without neurology");
	}
	/* no rule applied outside its age scope (15.18) */
	for (size_t k = 0; k < a->nfired; k++)
		CHECK(sm_age_scope_applies(a->fired[k]->scope, age_known, age), "(15.18) rule %s (scope %s) applied at age %g",
		      a->fired[k]->id, sm_age_scope_name(a->fired[k]->scope), age);
	if (age_known && age >= 16 && age < 18)
		CHECK(a->adolescent && in_list(acts, "confirm_adult_or_paediatric_protocol"), "(15.18) age 16-17 without the adolescent flag");
	/* every option names its framework */
	const json_t *fw = json_object_get(n, "option_frameworks");
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o) {
		const char *f = json_string_value(json_object_get(fw, json_string_value(o)));
		CHECK(f && f[0], "(framework) option without a framework");
	}
	/* mimic flags never lower the triage: the same case without them triages the same */
	if (a->nmimics) {
		S.mimics++;
		sm_case *c3 = malloc(sizeof *c3);
		sm_assessment *a3 = malloc(sizeof *a3);
		if (c3 && a3) {
			memcpy(c3, c, sizeof *c3);
			c3->neurology.sudden_unilateral_weakness_face_speech_vision = SM_NO;
			c3->neurology.bulbar_or_breathing_difficulty = SM_NO;
			c3->neurology.ascending_weakness = SM_NO;
			c3->history.recent_neuraxial_procedure = SM_NO;
			sm_assess(c3, a3);
			CHECK(a->urgency >= a3->urgency, "(15.1) a mimic flag lowered the triage");
		}
		free(c3);
		free(a3);
	}
}

static void check_case(const sm_case *c, const sm_assessment *a)
{
	json_t *j = sm_json_assessment(c, a);
	assert_non_null(j);
	/* (e) the JSON dumps and parses back */
	char *dump = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(dump);
	json_error_t je;
	json_t *back = json_loads(dump, 0, &je);
	CHECK(back != NULL, "(e) assessment JSON does not parse back: %s", je.text);
	json_decref(back);
	free(dump);
	CHECK(strcmp(str(j, "status"), "ok") == 0, "(e) status not ok");

	const json_t *t = json_object_get(j, "triage"), *n = json_object_get(j, "noms"), *rules = json_object_get(j, "rules");
	const char *urg = str(t, "urgency");
	/* (d) fired rules */
	CHECK(json_array_size(rules) == a->nfired, "(d) rules list and fired count differ");
	size_t i;
	json_t *x;
	json_array_foreach((json_t *)rules, i, x) {
		const sm_rule *r = sm_rule_find(json_string_value(x));
		CHECK(r != NULL, "(d) fired rule %s not in the rule table", json_string_value(x));
		CHECK(r->section && r->section[0], "(d) rule %s without a section", r->id);
		for (size_t m = 0; m < i; m++)
			CHECK(strcmp(json_string_value(json_array_get(rules, m)), json_string_value(x)) != 0, "(d) rule %s fired twice", r->id);
	}
	/* (f) targets */
	const json_t *contact = json_object_get(t, "contact_within_hours"), *mri = json_object_get(t, "mri_within_hours");
	CHECK(word_in(urg, K_URGENCY, NK(K_URGENCY)), "(g) urgency %s", urg);
	if (strcmp(urg, "emergency") == 0) {
		CHECK(json_integer_value(contact) == 0 && json_is_integer(contact), "(f) emergency without immediate contact");
		CHECK(json_is_integer(mri) && (json_integer_value(mri) == 24 || json_integer_value(mri) == 4), "(f) emergency without MRI in 24 h (or 4 h, §15.1)");
		S.urg[0]++;
	} else if (strcmp(urg, "urgent") == 0) {
		CHECK(json_integer_value(contact) == 24 && json_is_integer(contact), "(f) urgent without contact in 24 h");
		CHECK(json_is_integer(mri) && (json_integer_value(mri) == 168 || json_integer_value(mri) == 24), "(f) urgent without MRI in 1 week (24 h for compression on imaging, §15.3)");
		S.urg[1]++;
	} else {
		CHECK(!contact || json_is_null(contact), "(f) routine with a contact target");
		CHECK(!mri || json_is_null(mri), "(f) routine with an MRI target");
		S.urg[2]++;
	}
	if (a->urgency == SM_URG_EMERGENCY)
		CHECK((a->mri_within_hours == 24 || a->mri_within_hours == 4) && a->contact_within_hours == 0, "(f) struct: emergency targets");
	const char *dex = str(t, "dexamethasone");
	CHECK(word_in(dex, K_DEX, NK(K_DEX)), "(g) dexamethasone %s", dex);
	for (size_t k = 0; k < 4; k++)
		if (strcmp(dex, K_DEX[k]) == 0)
			S.dex[k]++;
	/* (c) reasons; (g) vocabulary */
	CHECK(reasons_ok(json_object_get(t, "reasons"), rules), "(c) triage without reasons");
	check_keyed(t, "actions", "action_reasons", rules, NULL, 0);
	check_keyed(n, "options", "reasons", rules, K_OPTIONS, NK(K_OPTIONS));
	check_keyed(j, "workup", "workup_reasons", rules, K_WORKUP, NK(K_WORKUP));
	check_keyed(j, "differential", "differential_reasons", rules, K_DIFF, NK(K_DIFF));
	static const char *const dims[4] = {"neurologic", "oncologic", "mechanical", "systemic"};
	for (int d = 0; d < 4; d++)
		CHECK(reasons_ok(json_object_get(json_object_get(n, "assessment_reasons"), dims[d]), rules), "(c) NOMS %s without a reason", dims[d]);
	const json_t *nv = json_object_get(n, "neurologic"), *ov = json_object_get(n, "oncologic"), *mv = json_object_get(n, "mechanical"),
		     *sv = json_object_get(n, "systemic");
	CHECK(json_is_null(nv) || word_in(json_string_value(nv), K_NEURO, 3), "(g) noms.neurologic");
	CHECK(word_in(json_string_value(ov), K_ONCO, 3), "(g) noms.oncologic");
	CHECK(json_is_null(mv) || word_in(json_string_value(mv), K_MECH, 3), "(g) noms.mechanical");
	CHECK(word_in(json_string_value(sv), K_SYST, 3), "(g) noms.systemic");
	const json_t *opts = json_object_get(n, "options"), *wu = json_object_get(j, "workup");
	for (size_t k = 0; k < NK(K_OPTIONS); k++)
		S.options[k] += in_list(opts, K_OPTIONS[k]);
	for (size_t k = 0; k < NK(K_WORKUP); k++)
		S.workup[k] += in_list(wu, K_WORKUP[k]);
	for (size_t k = 0; k < NK(K_DIFF); k++)
		S.diff[k] += in_list(json_object_get(j, "differential"), K_DIFF[k]);
	/* Patchell reasons */
	json_array_foreach(json_object_get(json_object_get(j, "surgery"), "reasons"), i, x) {
		const char *st = str(x, "status");
		CHECK(st && (!strcmp(st, "met") || !strcmp(st, "not_met") || !strcmp(st, "unknown")), "(g) Patchell status");
		CHECK(str(x, "text") && str(x, "text")[0], "(c) Patchell criterion without text");
	}

	/* (b) children */
	const json_t *scores = json_object_get(j, "scores"), *ped = json_object_get(j, "paediatric");
	static const char *const adult[] = {"tokuhashi_revised", "tomita", "bauer", "bauer_modified", "nesms", "katagiri"};
	bool child = c->patient.age_years.known && c->patient.age_years.v < 18;
	if (child) {
		S.children++;
		CHECK(!a->adult_scores_computed, "(b) child with adult scores computed");
		CHECK(json_is_false(json_object_get(scores, "computed")), "(b) child: scores.computed not false");
		for (int s = 0; s < 6; s++)
			CHECK(json_object_get(scores, adult[s]) == NULL, "(b) child with an adult %s result", adult[s]);
		CHECK(json_is_object(ped), "(b) child without a paediatric section");
		const char *scale = str(ped, "scale");
		CHECK(scale && strcmp(scale, c->patient.age_years.v < 16 ? "lansky" : "kps") == 0, "(b) age %g: scale %s",
		      c->patient.age_years.v, scale ? scale : "(none)");
		CHECK(json_is_true(json_object_get(ped, "adult_scores_suppressed")), "(b) child: adult_scores_suppressed not true");
		CHECK(strcmp(dex, "give_16mg") != 0, "(b) child given the adult 16 mg dexamethasone (§8, §11 #7)");
		CHECK(!a->patchell_eligible, "(b) child Patchell-eligible (trial enrolled adults only)");
	} else {
		CHECK(ped == NULL, "(b) adult or unknown age with a paediatric section");
		CHECK(!a->paediatric, "(b) paediatric flag for an adult");
		if (c->patient.age_years.known)
			S.adults++;
		else
			S.age_unknown++;
	}

	/* (i) REFERENCE invariants on the options */
	const char *syst = json_string_value(sv);
	if (syst && strcmp(syst, "unfit") == 0) {
		CHECK(!in_list(opts, "stabilisation"), "(i) unfit patient offered stabilisation (§3.3: if S allows)");
		CHECK(!in_list(opts, "separation_surgery_then_srs"), "(i) unfit patient offered separation surgery (§3.3)");
	}
	if (!child && strcmp(json_string_value(ov), "radiosensitive") == 0 && a->nlesions && !json_is_null(nv)) {
		CHECK(in_list(opts, "cebrt"), "(i) radiosensitive without cEBRT (§3.3)");
		CHECK(!in_list(opts, "srs"), "(i) radiosensitive offered SRS (§3.3, §11 #11)");
		CHECK(!in_list(opts, "separation_surgery_then_srs"), "(i) radiosensitive offered separation surgery (§3.3)");
	}
	if (!child && json_is_string(nv) && strcmp(json_string_value(nv), "indeterminate") == 0)
		CHECK(in_list(opts, "mdt_review"), "(i) ESCC 1c without an MDT review (§2)");
	if (c->setting.srs_available == SM_NO)
		CHECK(!in_list(opts, "srs"), "(i) SRS offered where SRS is not available (KEYS §5 setting)");
	if (c->setting.spinal_surgery_available == SM_NO) {
		CHECK(!in_list(opts, "stabilisation"), "(i) stabilisation offered where spinal surgery is not available");
		CHECK(!in_list(opts, "separation_surgery_then_srs"), "(i) separation surgery offered where spinal surgery is not available");
	}
	if (c->imaging.mri_contraindicated == SM_YES)
		CHECK(!in_list(wu, "mri_whole_spine"), "(i) MRI in the work-up although contraindicated (§7.2)");
	if (json_is_string(mv) && strcmp(json_string_value(mv), "stable") == 0)
		CHECK(!in_list(opts, "stabilisation"), "(i) mechanically stable but stabilisation offered (§3.3 SINS 0-6)");
	if (a->patchell_eligible) {
		S.eligible++;
		for (size_t k = 0; k < a->npatchell; k++)
			CHECK(a->patchell[k].met == SM_YES, "(i) Patchell-eligible with criterion %s not met", a->patchell[k].criterion);
		const sm_histology *h = c->cancer.primary >= 0 ? sm_histology_at((size_t)c->cancer.primary) : NULL;
		CHECK(h && !h->patchell_radiosensitive, "(i) Patchell-eligible with a Patchell-radiosensitive or unknown histology");
		CHECK(c->systemic.expected_survival_months.known && c->systemic.expected_survival_months.v >= 3, "(i) Patchell-eligible without survival >= 3 months");
		CHECK(c->systemic.fit_for_surgery == SM_YES, "(i) Patchell-eligible without fitness");
		CHECK(!c->neurology.complete_paraplegia_hours.known || c->neurology.complete_paraplegia_hours.v <= 48,
		      "(i) Patchell-eligible although paraplegic > 48 h");
	}

	/* (h) the §14 triage table as an oracle */
	bool P = any_tri(c->symptoms.pain, SM_NPAIN);
	bool Nsym = any_tri(c->symptoms.neuro, SM_NNEURO);
	bool signs = c->neurology.myelopathy == SM_YES || c->neurology.radiculopathy == SM_YES || c->neurology.deteriorating == SM_YES ||
	             (c->neurology.frankel >= 0 && c->neurology.frankel <= 3) || (c->neurology.asia_grade >= 0 && c->neurology.asia_grade <= 3) ||
	             (c->neurology.complete_paraplegia_hours.known && c->neurology.complete_paraplegia_hours.v > 0) ||
	             c->neurology.ambulatory == SM_AMB_NON_AMBULATORY;
	bool N = Nsym || signs;
	const sm_histology *h = c->cancer.primary >= 0 ? sm_histology_at((size_t)c->cancer.primary) : NULL;
	int cancer;
	bool skip = false;
	if (c->cancer.history == SM_HISTORY_KNOWN || c->cancer.history == SM_HISTORY_SUSPECTED)
		cancer = 1;
	else if (c->cancer.history == SM_HISTORY_NONE)
		cancer = 0, skip = h != NULL; /* "none" with primary "unknown": ambiguous */
	else
		cancer = h && strcmp(h->key, "unknown") != 0 ? 1 : h ? (skip = true, -1) : -1;
	if (!N && c->neurology.ambulatory == SM_AMB_ASSISTED)
		skip = true; /* walking with an aid: "difficulty walking" or not is not defined */
	/* §15 supersedes §14: children under 16 follow §15.2; simple back pain
	** (15.4) may lower "P alone"; every other §15 rule only raises */
	bool simple = in_list(rules, "S15-4-SIMPLE");
	bool unilateral = !cancer && c->symptoms.neuro[SM_N_RADICULAR_PAIN] == SM_YES && c->symptoms.bilateral_radicular_pain == SM_NO;
	if (c->patient.age_years.known && c->patient.age_years.v < 16)
		skip = true;
	/* 15.4: unilateral radicular pain without cancer is not set N */
	bool back_pain_rule = in_list(rules, "S15-4-RED-FLAG") || in_list(rules, "S15-4-UNRECORDED");
	if (!skip && !simple && !(unilateral && back_pain_rule)) {
		sm_urgency want = table14(cancer, P, N);
		CHECK(a->urgency >= want, "(h) §14 triage: cancer %d, P %d, N %d -> at least %s expected, got %s", cancer, P, N,
		      urgency_word(want), urgency_word(a->urgency));
		S.oracle++;
	} else {
		S.oracle_skipped++;
	}
	check_section15(c, a, j, rules);
	json_decref(j);
}

/* (a) mutations that add one neurological symptom or sign, or one pain feature */
enum { NMUT = SM_NNEURO + 7 + SM_NPAIN };
static void mutate(sm_case *c, int m)
{
	if (m < SM_NNEURO) {
		c->symptoms.neuro[m] = SM_YES;
		return;
	}
	m -= SM_NNEURO;
	switch (m) {
	case 0: c->neurology.myelopathy = SM_YES; return;
	case 1: c->neurology.radiculopathy = SM_YES; return;
	case 2: c->neurology.deteriorating = SM_YES; return;
	case 3: c->neurology.frankel = rnd(4); return;          /* A..D */
	case 4: c->neurology.ambulatory = SM_AMB_NON_AMBULATORY; return;
	case 5: c->neurology.complete_paraplegia_hours.known = true; c->neurology.complete_paraplegia_hours.v = 24; c->neurology.frankel = 0; return;
	case 6: c->neurology.asia_grade = rnd(4); return;       /* A..D */
	default: c->symptoms.pain[m - 7] = SM_YES; return;
	}
}

static const char *mutation_name(int m)
{
	static char buf[64];
	if (m < SM_NNEURO)
		return sm_neuro_keys[m];
	m -= SM_NNEURO;
	static const char *const names[] = {"myelopathy", "radiculopathy", "deteriorating", "frankel A-D", "non_ambulatory",
		"complete paraplegia 24 h", "asia A-D"};
	if (m < 7)
		return names[m];
	snprintf(buf, sizeof buf, "%s", sm_pain_keys[m - 7]);
	return buf;
}

static void test_properties(void **state)
{
	(void)state;
	g_rng = 0x5eed5eed2026ULL;
	memset(&S, 0, sizeof S);
	sm_case *c = malloc(sizeof *c), *c2 = malloc(sizeof *c2);
	sm_assessment *a = malloc(sizeof *a), *a2 = malloc(sizeof *a2);
	assert_non_null(c);
	assert_non_null(c2);
	assert_non_null(a);
	assert_non_null(a2);
	for (int n = 0; n < NCASES; n++) {
		json_t *doc = gen_case();
		char *text = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		g_text = text;
		json_t *err = sm_json_read_case(text, strlen(text), c);
		assert_non_null(err);
		if (json_array_size(err)) {
			char *d = json_dumps(err, JSON_COMPACT);
			print_error("generated case %d rejected: %s\n", n, d);
			free(d);
		}
		CHECK(json_array_size(err) == 0, "a valid generated case was rejected (generator or parser defect)");
		if (json_array_size(err)) {
			json_decref(err);
			free(text);
			continue;
		}
		json_decref(err);
		S.cases++;
		S.lesions += c->nlesions;
		CHECK(sm_assess(c, a) == SM_OK, "(e) sm_assess failed");
		check_case(c, a);
		/* (a) one mutation per case; every mutation for one case in sixteen */
		int from = rnd(NMUT), to = from + 1;
		if (n % 16 == 0)
			from = 0, to = NMUT;
		for (int m = from; m < to; m++) {
			memcpy(c2, c, sizeof *c);
			mutate(c2, m);
			CHECK(sm_assess(c2, a2) == SM_OK, "(e) sm_assess failed on a mutated case");
			CHECK(a2->urgency >= a->urgency, "(a) setting %s to true lowered the urgency from %s to %s", mutation_name(m),
			      sm_urgency_name(a->urgency), sm_urgency_name(a2->urgency));
			S.mutations++;
			S.raised += a2->urgency > a->urgency;
		}
		free(text);
		g_text = NULL;
	}
	/* the generator must reach every branch worth checking */
	print_message("assess properties: %lu cases (%lu children, %lu adults, %lu age unknown), %lu lesions; urgency %lu emergency / "
	              "%lu urgent / %lu routine; dexamethasone give_16mg %lu, not_routine %lu, haematology first %lu, paediatric %lu; "
	              "Patchell-eligible %lu; triage oracle on %lu (skipped %lu ambiguous); %lu mutations (%lu raised the urgency); %lu checks\n",
	              S.cases, S.children, S.adults, S.age_unknown, S.lesions, S.urg[0], S.urg[1], S.urg[2], S.dex[0], S.dex[1], S.dex[2],
	              S.dex[3], S.eligible, S.oracle, S.oracle_skipped, S.mutations, S.raised, g_checks);
	for (size_t k = 0; k < NK(K_OPTIONS); k++)
		print_message("  option %-28s %lu\n", K_OPTIONS[k], S.options[k]);
	for (size_t k = 0; k < NK(K_WORKUP); k++)
		print_message("  workup %-46s %lu\n", K_WORKUP[k], S.workup[k]);
	for (size_t k = 0; k < NK(K_DIFF); k++)
		print_message("  differential %-30s %lu\n", K_DIFF[k], S.diff[k]);
	free(c);
	free(c2);
	free(a);
	free(a2);
	report_violations("properties");
	assert_true(S.children > 1000 && S.adults > 1000 && S.age_unknown > 500);
	assert_true(S.urg[0] > 1000 && S.urg[1] > 1000 && S.urg[2] > 1000);
	assert_true(S.eligible > 0);
	print_message("  §15: cord/cauda-equina pictures %lu, simple back pain %lu, mimic flags %lu\n", S.s15_1, S.simple, S.mimics);
	assert_true(S.s15_1 > 100 && S.simple > 0 && S.mimics > 100);
	for (size_t k = 0; k < 4; k++)
		assert_true(S.dex[k] > 0);
	for (size_t k = 0; k < NK(K_OPTIONS); k++)
		if (S.options[k] == 0)
			fail_msg("option %s never produced by the generator", K_OPTIONS[k]);
	for (size_t k = 0; k < NK(K_DIFF); k++)
		if (S.diff[k] == 0)
			fail_msg("differential %s never produced by the generator", K_DIFF[k]);
}

/* (d) the rule table itself */
static void test_rule_table_sections(void **state)
{
	(void)state;
	for (size_t k = 0; k < sm_rule_count(); k++) {
		const sm_rule *r = sm_rule_at(k);
		assert_non_null(r);
		assert_true(r->id && r->id[0]);
		assert_true(r->section && r->section[0]);
		assert_ptr_equal(sm_rule_find(r->id), r);
	}
}

/* (e) the parser never crashes on mangled generated cases, and every error has a pointer path */
static void test_mangled_cases(void **state)
{
	(void)state;
	g_rng = 0xfeedfacecafef00dULL;
	sm_case *c = malloc(sizeof *c);
	sm_assessment *a = malloc(sizeof *a);
	assert_non_null(c);
	assert_non_null(a);
	unsigned long valid = 0, invalid = 0;
	for (int n = 0; n < 4000; n++) {
		json_t *doc = gen_case();
		char *text = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		size_t len = strlen(text);
		/* flip, delete or duplicate a few bytes */
		int edits = chance(0.7) ? 1 : 2;
		for (int e = 0; e < edits && len > 1; e++) {
			size_t at = (size_t)rnd((int)len);
			switch (rnd(3)) {
			case 0: text[at] = (char)(" {}[]\":,0123456789-.eEtrufalsn\\xAZ"[rnd(34)]); break;
			case 1: memmove(text + at, text + at + 1, len - at); len--; break;
			default: text[at] = text[(size_t)rnd((int)len)]; break;
			}
		}
		g_text = text;
		json_t *err = sm_json_read_case(text, len, c);
		assert_non_null(err);
		size_t i;
		json_t *x;
		json_array_foreach(err, i, x) {
			const char *p = str(x, "path"), *m = str(x, "message");
			CHECK(p && (p[0] == '\0' || p[0] == '/'), "error path is not a JSON pointer: %s", p ? p : "(null)");
			CHECK(m && m[0], "error without a message");
		}
		if (json_array_size(err) == 0) {
			valid++;
			CHECK(sm_assess(c, a) == SM_OK, "(e) sm_assess failed");
			check_case(c, a);
		} else {
			invalid++;
		}
		json_decref(err);
		free(text);
		g_text = NULL;
	}
	print_message("mangled cases: %lu still valid (assessed and checked), %lu rejected with pointer paths\n", valid, invalid);
	assert_true(invalid > 500);
	free(c);
	free(a);
	report_violations("mangled cases");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table_sections),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_mangled_cases),
	};
	SM_RUN_SUITE("assess_props", tests);
}
