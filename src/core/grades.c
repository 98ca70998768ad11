/*
** grades.c: the instruments whose result is a grade, not a sum.
**   escc     Bilsky ESCC scale (REFERENCE §2; Bilsky 2010): 0/1a/1b low,
**            1c indeterminate (never folded into low or high), 2/3 high.
**   frankel  Frankel grade (REFERENCE §4.1; Frankel 1969), grouped as the
**            revised Tokuhashi palsy item (§4.3): A/B complete, C/D incomplete, E none.
**   asia     ASIA Impairment Scale (REFERENCE §4.2; ISNCSCI): grade from the
**            sacral-sparing and key-muscle rules; exactly half of the key muscles
**            at grade >= 3 is D. Unknown items are enumerated: the result lists
**            every grade still possible.
*/
#include "internal.h"

#include <string.h>

/* ---- ESCC ---- */
static const sm_choice escc_choices[] = {
	{"0", 0, "bone-only disease"},
	{"1a", 1, "epidural impingement, thecal sac not deformed"},
	{"1b", 1, "thecal sac deformed, spinal cord not touched"},
	{"1c", 2, "thecal sac deformed, cord abutted but not compressed"},
	{"2", 3, "cord compressed, CSF still visible around the cord"},
	{"3", 3, "cord compressed, no CSF visible around the cord"},
};
/* points here index the band: 1 low, 2 indeterminate, 3 high; 0 is low too */
static const sm_band_def escc_bands[] = {
	{0, 1, "low", "low grade (0, 1a, 1b): without instability, a candidate for radiation as first treatment (Bilsky 2010; NOMS, REFERENCE §3)."},
	{2, 2, "indeterminate", "grade 1c: management debated, MDT decision (SRS with cord-sparing fractionation vs separation surgery) (REFERENCE §2)."},
	{3, 3, "high", "high grade (2, 3): surgical decompression before radiation unless the tumour is highly radiosensitive (NOMS, REFERENCE §3)."},
};
static const sm_item escc_items[] = {
	{"grade", SM_T_ENUM, escc_choices, SM_COUNT(escc_choices), 0, 0, 0,
	 "Bilsky grade on axial T2 MRI at the level of worst compression"},
};

static void grade_from_choice(const sm_input *in, sm_result *out, const sm_band_def *bands, size_t nbands)
{
	const sm_item *it = &in->instrument->items[0];
	const sm_value *v = sm_get(in, "grade");
	if (!v) {
		for (size_t k = 0; k < it->nchoices && out->npossible < SM_COUNT(out->possible); k++)
			out->possible[out->npossible++] = it->choices[k].key;
		sm_add_missing(out, "grade");
		sm_finish_grade(out, NULL, NULL, NULL);
		return;
	}
	const sm_choice *ch = &it->choices[v->i];
	const sm_band_def *b = NULL;
	for (size_t k = 0; k < nbands; k++)
		if (ch->points >= bands[k].lo && ch->points <= bands[k].hi)
			b = &bands[k];
	sm_component *c = sm_add_component(out, "grade", v, it, 0, 0);
	if (c) {
		sm_sb sb;
		sm_sb_init(&sb, c->explain, sizeof c->explain);
		sm_sb_str(&sb, ch->key);
		sm_sb_str(&sb, ": ");
		sm_sb_str(&sb, ch->text);
	}
	sm_finish_grade(out, ch->key, b ? b->key : NULL, b ? b->meaning : NULL);
}

static void escc_score(const sm_input *in, sm_result *out)
{
	grade_from_choice(in, out, escc_bands, SM_COUNT(escc_bands));
}

const sm_instrument sm_inst_escc = {
	.name = "escc",
	.title = "Bilsky ESCC (epidural spinal cord compression) scale",
	.definition = "bilsky-2010",
	.citation = "Bilsky MH, Laufer I, Fourney DR, et al. Reliability analysis of the epidural spinal cord compression scale. J Neurosurg Spine 2010;13(3):324-328. doi:10.3171/2010.3.SPINE09459",
	.reference = "REFERENCE §2",
	.direction = SM_DIRECTION_NONE,
	.is_grade = true,
	.items = escc_items,
	.nitems = SM_COUNT(escc_items),
	.bands = escc_bands,
	.nbands = SM_COUNT(escc_bands),
	.score = escc_score,
};

/* ---- Frankel ---- */
static const sm_choice frankel_choices[] = {
	{"A", 0, "complete: no motor and no sensory function below the lesion"},
	{"B", 0, "sensory only: some sensation below the lesion, motor paralysis complete"},
	{"C", 1, "motor useless: some motor power below the lesion but of no practical use"},
	{"D", 1, "motor useful: useful power, can move legs, may walk with or without aids"},
	{"E", 2, "recovery/normal: no weakness, sensory loss or sphincter disturbance (abnormal reflexes allowed)"},
};
static const sm_band_def frankel_bands[] = {
	{0, 0, "complete", "complete palsy (Frankel A, B): revised Tokuhashi palsy item 0 points (REFERENCE §4.3)."},
	{1, 1, "incomplete", "incomplete palsy (Frankel C, D): revised Tokuhashi palsy item 1 point (REFERENCE §4.3)."},
	{2, 2, "none", "no palsy (Frankel E): revised Tokuhashi palsy item 2 points (REFERENCE §4.3)."},
};
static const sm_item frankel_items[] = {
	{"grade", SM_T_ENUM, frankel_choices, SM_COUNT(frankel_choices), 0, 0, 0, "Frankel grade A-E"},
};

static void frankel_score(const sm_input *in, sm_result *out)
{
	grade_from_choice(in, out, frankel_bands, SM_COUNT(frankel_bands));
	if (out->ncomponents)
		out->components[0].points = out->components[0].lo = out->components[0].hi = 0;
}

const sm_instrument sm_inst_frankel = {
	.name = "frankel",
	.title = "Frankel grade",
	.definition = "frankel-1969",
	.citation = "Frankel HL, Hancock DO, Hyslop G, et al. The value of postural reduction in the initial management of closed injuries of the spine with paraplegia and tetraplegia. Paraplegia 1969;7(3):179-192.",
	.reference = "REFERENCE §4.1",
	.direction = SM_DIRECTION_NONE,
	.is_grade = true,
	.items = frankel_items,
	.nitems = SM_COUNT(frankel_items),
	.bands = frankel_bands,
	.nbands = SM_COUNT(frankel_bands),
	.score = frankel_score,
};

/* ---- ASIA Impairment Scale ---- */
static const sm_item asia_items[] = {
	{"sensory_s4_s5", SM_T_BOOL, NULL, 0, 0, 0, 0, "any sensory function at S4-S5 (light touch, pin prick or deep anal pressure)"},
	{"voluntary_anal_contraction", SM_T_BOOL, NULL, 0, 0, 0, 0, "voluntary anal contraction"},
	{"motor_more_than_3_below", SM_T_BOOL, NULL, 0, 0, 0, 0, "motor function more than three levels below the motor level on either side"},
	{"key_muscles_below_nli", SM_T_INT, NULL, 0, 0, 20, 1, "number of key muscle functions below the neurological level of injury"},
	{"key_muscles_grade3_below_nli", SM_T_INT, NULL, 0, 0, 20, 1, "of those, how many have grade 3 or more"},
	{"normal_exam", SM_T_BOOL, NULL, 0, 0, 0, 0, "sensation and motor function normal in all segments"},
	{"prior_deficit", SM_T_BOOL, NULL, 0, 0, 0, 0, "the person had a deficit before (E needs a prior deficit)"},
};
static const sm_band_def asia_bands[] = {
	{0, 0, "complete", "AIS A or B: motor complete (revised Tokuhashi palsy 0, REFERENCE §4.3)."},
	{1, 1, "incomplete", "AIS C or D: motor incomplete (revised Tokuhashi palsy 1, REFERENCE §4.3)."},
	{2, 2, "none", "AIS E: normal sensory and motor function after a prior deficit."},
	{3, 3, "not_applicable", "normal examination and never a cord injury: no AIS grade applies (ISNCSCI)."},
};

enum { AIS_A, AIS_B, AIS_C, AIS_D, AIS_E, AIS_NA, AIS_N };
static const char *const ais_name[AIS_N] = {"A", "B", "C", "D", "E", NULL};
static const int ais_band[AIS_N] = {0, 0, 1, 1, 2, 3};
static const char *const ais_meaning[AIS_N] = {
	"complete: no sensory or motor function preserved in the sacral segments S4-S5.",
	"sensory incomplete: sensory but no motor function preserved below the neurological level, including S4-S5, and no motor function more than three levels below the motor level on either side.",
	"motor incomplete: fewer than half of the key muscle functions below the neurological level have grade 3 or more.",
	"motor incomplete: half or more of the key muscle functions below the neurological level have grade 3 or more.",
	"normal sensory and motor function in all segments in a person who had prior deficits.",
	"normal examination and never a cord injury: no AIS grade applies.",
};

static int ais_grade(int s, int vac, int m3, int half, int normal, int prior)
{
	if (normal)
		return prior ? AIS_E : AIS_NA;
	if (!s && !vac)
		return AIS_A;
	if (vac || (s && m3))
		return half ? AIS_D : AIS_C;
	return AIS_B;
}

static void asia_score(const sm_input *in, sm_result *out)
{
	static const char *const bool_keys[] = {"sensory_s4_s5", "voluntary_anal_contraction",
		"motor_more_than_3_below", "normal_exam", "prior_deficit"};
	const sm_value *bv[5];
	for (int k = 0; k < 5; k++)
		bv[k] = sm_get(in, bool_keys[k]);
	const sm_value *nm = sm_get(in, "key_muscles_below_nli");
	const sm_value *n3 = sm_get(in, "key_muscles_grade3_below_nli");
	if (nm && n3 && n3->i > nm->i) {
		sm_result_error(out, SM_E_CONFLICT, "/key_muscles_grade3_below_nli",
		                "key_muscles_grade3_below_nli cannot exceed key_muscles_below_nli (an integer from 0 to key_muscles_below_nli)");
		return;
	}
	if (bv[3] && bv[3]->i && nm && n3 && n3->i < nm->i) {
		sm_result_error(out, SM_E_CONFLICT, "/normal_exam",
		                "normal_exam true contradicts key muscles below grade 3 (key_muscles_grade3_below_nli < key_muscles_below_nli)");
		return;
	}
	if (bv[3] && bv[3]->i && ((bv[0] && !bv[0]->i) || (bv[1] && !bv[1]->i))) {
		sm_result_error(out, SM_E_CONFLICT, "/normal_exam",
		                "normal_exam true contradicts absent sacral sensation or absent voluntary anal contraction (a normal examination has both)");
		return;
	}
	int half_known = nm && n3;
	int half_val = half_known ? (n3->i * 2 >= nm->i) : 0;
	/* a key muscle below grade 3 means the examination is not normal */
	int weak_muscle = half_known && n3->i < nm->i;
	unsigned seen = 0;
	for (unsigned mask = 0; mask < 64; mask++) {
		int val[6];
		int ok = 1;
		for (int k = 0; k < 6; k++) {
			int bit = (int)((mask >> k) & 1u);
			if (k < 5) {
				if (bv[k] && bv[k]->i != bit)
					ok = 0;
			} else if (half_known && half_val != bit) {
				ok = 0;
			}
			val[k] = bit;
		}
		if (!ok)
			continue;
		/* a normal examination has sacral sensation and anal contraction */
		if (val[3] && (!val[0] || !val[1] || weak_muscle))
			continue;
		seen |= 1u << ais_grade(val[0], val[1], val[2], val[5], val[3], val[4]);
	}
	for (int g = 0; g < AIS_N; g++)
		if (seen & (1u << g))
			out->possible[out->npossible++] = ais_name[g] ? ais_name[g] : "not_applicable";
	/* components: echo what was given */
	for (size_t k = 0; k < in->instrument->nitems; k++) {
		const sm_item *it = &in->instrument->items[k];
		const sm_value *v = sm_get(in, it->key);
		if (v) {
			sm_component *c = sm_add_component(out, it->key, v, it, 0, 0);
			sm_component_text(c, it->help);
		}
	}
	int only = -1, nposs = 0, band = -1, same_band = 1;
	for (int g = 0; g < AIS_N; g++)
		if (seen & (1u << g)) {
			only = g;
			nposs++;
			if (band >= 0 && ais_band[g] != band)
				same_band = 0;
			band = ais_band[g];
		}
	if (nposs == 1) {
		out->npossible = 0;
		sm_finish_grade(out, ais_name[only], asia_bands[ais_band[only]].key, ais_meaning[only]);
		return;
	}
	for (size_t k = 0; k < in->instrument->nitems; k++)
		if (!sm_get(in, in->instrument->items[k].key))
			sm_add_missing(out, in->instrument->items[k].key);
	sm_finish_grade(out, NULL, same_band && band >= 0 ? asia_bands[band].key : NULL,
	                same_band && band >= 0 ? asia_bands[band].meaning : NULL);
	out->status = SM_RESULT_INCOMPLETE;
}

const sm_instrument sm_inst_asia = {
	.name = "asia",
	.title = "ASIA Impairment Scale (ISNCSCI)",
	.definition = "isncsci-2019",
	.citation = "American Spinal Injury Association. International Standards for Neurological Classification of Spinal Cord Injury (ISNCSCI), revised 2011/2019; Kirshblum SC et al., J Spinal Cord Med 2011;34(6):535-546.",
	.reference = "REFERENCE §4.2",
	.direction = SM_DIRECTION_NONE,
	.is_grade = true,
	.items = asia_items,
	.nitems = SM_COUNT(asia_items),
	.bands = asia_bands,
	.nbands = SM_COUNT(asia_bands),
	.score = asia_score,
};
