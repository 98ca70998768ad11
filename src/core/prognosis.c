/*
** prognosis.c: the additive prognostic scores.
**   tokuhashi_revised  REFERENCE §6.1 (Tokuhashi 2005; NICE CG75 appendix 3), with
**                      the KPS/ECOG convention of §5.3 (flag `converted`).
**   tomita             REFERENCE §6.2 and §14 (Tomita 2001); rapid growth = 4.
**   bauer              REFERENCE §6.3 (Bauer & Wedin 1995), five favourable factors.
**   bauer_modified     REFERENCE §6.3 (Leithner 2008), pathological fracture dropped.
**   nesms              REFERENCE §6.4 and §14 (Ghori 2015): min(3, 2*[mBauer >= 3]
**                      + [walks independently] + [albumin >= 3.5 g/dL]).
** Missing items contribute their whole range of points, never 0.
*/
#include "internal.h"

#include <math.h>

#define CH(a) a, SM_COUNT(a)
#define BIG 1e9

/* Add a component for an enum item scored directly by its choice points. */
static void choice_component(const sm_input *in, sm_result *out, const char *key)
{
	size_t idx = sm_item_index(in->instrument, key);
	const sm_item *it = &in->instrument->items[idx];
	const sm_value *v = sm_get(in, key);
	if (!v) {
		int lo = 99, hi = -1;
		for (size_t k = 0; k < it->nchoices; k++) {
			if (it->choices[k].points < lo) lo = it->choices[k].points;
			if (it->choices[k].points > hi) hi = it->choices[k].points;
		}
		sm_component *c = sm_add_component(out, key, NULL, it, lo, hi);
		sm_component_text(c, "not given: counted as its whole possible range, never as 0");
		sm_add_missing(out, key);
		return;
	}
	const sm_choice *ch = &it->choices[v->i];
	sm_component *c = sm_add_component(out, key, v, it, ch->points, ch->points);
	sm_component_text(c, ch->text);
}

static void missing_component(const sm_input *in, sm_result *out, const char *key, int lo, int hi)
{
	size_t idx = sm_item_index(in->instrument, key);
	sm_component *c = sm_add_component(out, key, NULL, &in->instrument->items[idx], lo, hi);
	sm_component_text(c, "not given: counted as its whole possible range, never as 0");
	sm_add_missing(out, key);
}

static void explain(sm_component *c, const char *a, long long n, const char *b)
{
	sm_sb sb;
	if (!c)
		return;
	sm_sb_init(&sb, c->explain, sizeof c->explain);
	sm_sb_str(&sb, a);
	if (n >= 0)
		sm_sb_int(&sb, n);
	sm_sb_str(&sb, b);
}

/* ================= revised Tokuhashi ================= */
static const sm_choice tok_organ[] = {
	{"none", 2, "no metastases to major internal organs: 2 points"},
	{"removable", 1, "removable metastases to major internal organs: 1 point"},
	{"unremovable", 0, "unremovable metastases to major internal organs: 0 points"},
};
static const sm_choice frankel_palsy[] = {
	{"A", 0, "Frankel A: complete palsy, 0 points"},
	{"B", 0, "Frankel B: complete palsy, 0 points"},
	{"C", 1, "Frankel C: incomplete palsy, 1 point"},
	{"D", 1, "Frankel D: incomplete palsy, 1 point"},
	{"E", 2, "Frankel E: no palsy, 2 points"},
};
static const sm_item tok_items[] = {
	{"kps", SM_T_INT, NULL, 0, 0, 100, 10, "Karnofsky performance status (10-40 -> 0, 50-70 -> 1, 80-100 -> 2)"},
	{"ecog", SM_T_INT, NULL, 0, 0, 4, 1, "ECOG performance status, used only when kps is absent (converted, REFERENCE §5.3)"},
	{"extraspinal_bone_metastases", SM_T_INT, NULL, 0, 0, BIG, 1, "number of extraspinal bone metastatic foci (>=3 -> 0, 1-2 -> 1, 0 -> 2)"},
	{"vertebral_body_metastases", SM_T_INT, NULL, 0, 1, BIG, 1, "number of metastases in the vertebral bodies (>=3 -> 0, 2 -> 1, 1 -> 2)"},
	{"major_organ_metastases", SM_T_ENUM, CH(tok_organ), 0, 0, 0, "metastases to major internal organs"},
	{"primary", SM_T_HISTOLOGY, NULL, 0, 0, 0, 0, "primary site (histology key)"},
	{"frankel", SM_T_ENUM, CH(frankel_palsy), 0, 0, 0, "palsy as Frankel grade"},
};
static const sm_band_def tok_bands[] = {
	{0, 8, "lt_6_months", "predicted survival under 6 months (Tokuhashi 2005); suggested strategy: conservative treatment, palliative surgery only exceptionally."},
	{9, 11, "ge_6_months", "predicted survival 6 months or more (Tokuhashi 2005); suggested strategy: palliative surgery, excisional surgery only for a single lesion without major-organ metastases."},
	{12, 15, "ge_12_months", "predicted survival 1 year or more (Tokuhashi 2005); suggested strategy: excisional surgery."},
};

static void tok_score(const sm_input *in, sm_result *out)
{
	const sm_value *kps = sm_get(in, "kps"), *ecog = sm_get(in, "ecog");
	if (kps) {
		int p = kps->i >= 80 ? 2 : kps->i >= 50 ? 1 : 0;
		sm_component *c = sm_add_component(out, "kps", kps, &tok_items[0], p, p);
		explain(c, "KPS ", kps->i, p == 2 ? " (80-100%): 2 points" : p == 1 ? " (50-70%): 1 point" : " (10-40%): 0 points");
		if (ecog)
			sm_add_note(out, "Both kps and ecog were given: kps was used, ecog ignored.");
	} else if (ecog) {
		/* REFERENCE §5.3: ECOG 0 -> KPS 90-100 (2), 1 -> 70-80 (1 or 2),
		** 2 -> 50-60 (1), 3-4 -> 10-40 (0). */
		int lo, hi;
		switch (ecog->i) {
		case 0: lo = hi = 2; break;
		case 1: lo = 1; hi = 2; break;
		case 2: lo = hi = 1; break;
		default: lo = hi = 0; break;
		}
		out->flags |= SM_FLAG_CONVERTED;
		sm_component *c = sm_add_component(out, "ecog", ecog, &tok_items[1], lo, hi);
		explain(c, "ECOG ", ecog->i,
		        ecog->i == 1 ? " converted to KPS 70-80, which straddles the 70/80 cut-off: 1 or 2 points (REFERENCE §5.3)"
		                     : " converted to KPS by the ECOG-ACRIN-style convention (REFERENCE §5.3)");
		if (ecog->i == 1)
			sm_add_note(out, "ECOG 1 corresponds to KPS 70-80, across the Tokuhashi cut-off: both totals are given; measure KPS to decide.");
	} else {
		missing_component(in, out, "kps", 0, 2);
	}
	const sm_value *ex = sm_get(in, "extraspinal_bone_metastases");
	if (ex) {
		int p = ex->i >= 3 ? 0 : ex->i >= 1 ? 1 : 2;
		sm_component *c = sm_add_component(out, "extraspinal_bone_metastases", ex, &tok_items[2], p, p);
		explain(c, "", ex->i, p == 0 ? " extraspinal bone foci (>=3): 0 points" : p == 1 ? " extraspinal bone foci (1-2): 1 point" : " extraspinal bone foci: 2 points");
	} else {
		missing_component(in, out, "extraspinal_bone_metastases", 0, 2);
	}
	const sm_value *vb = sm_get(in, "vertebral_body_metastases");
	if (vb) {
		int p = vb->i >= 3 ? 0 : vb->i == 2 ? 1 : 2;
		sm_component *c = sm_add_component(out, "vertebral_body_metastases", vb, &tok_items[3], p, p);
		explain(c, "", vb->i, p == 0 ? " vertebral body metastases (>=3): 0 points" : p == 1 ? " vertebral body metastases: 1 point" : " vertebral body metastasis: 2 points (>=3/2/1 as in the 2005 paper and the corrected NICE appendix, REFERENCE §6.1)");
	} else {
		missing_component(in, out, "vertebral_body_metastases", 0, 2);
	}
	choice_component(in, out, "major_organ_metastases");
	const sm_value *pr = sm_get(in, "primary");
	if (pr) {
		const sm_histology *h = sm_histology_at((size_t)pr->i);
		sm_component *c = sm_add_component(out, "primary", pr, &tok_items[5], h->tokuhashi_points, h->tokuhashi_points);
		if (c) {
			sm_sb sb;
			sm_sb_init(&sb, c->explain, sizeof c->explain);
			sm_sb_str(&sb, h->name);
			sm_sb_str(&sb, ": ");
			sm_sb_int(&sb, h->tokuhashi_points);
			sm_sb_str(&sb, h->tokuhashi_points == 1 ? " point" : " points");
			sm_sb_str(&sb, " (lung, osteosarcoma, stomach, bladder, oesophagus, pancreas 0; liver, gallbladder, unidentified 1; others 2; kidney, uterus 3; rectum 4; thyroid, breast, prostate, carcinoid 5)");
		}
		if (h->tokuhashi_default) {
			out->flags |= SM_FLAG_CATALOGUE_DEFAULT;
			sm_add_note(out, "This primary is not listed by Tokuhashi; it is scored as 'others' (2) by implementation default (REFERENCE §6.1).");
		}
	} else {
		missing_component(in, out, "primary", 0, 5);
	}
	choice_component(in, out, "frankel");
	sm_finish_sum(out, 0);
}

const sm_instrument sm_inst_tokuhashi = {
	.name = "tokuhashi_revised",
	.title = "Revised Tokuhashi score",
	.definition = "tokuhashi-2005",
	.citation = "Tokuhashi Y, Matsuzaki H, Oda H, Oshima M, Ryu J. A revised scoring system for preoperative evaluation of metastatic spine tumor prognosis. Spine 2005;30(19):2186-2191. doi:10.1097/01.brs.0000180401.06919.a5 (as reproduced with corrections in NICE CG75, 2008, appendix 3)",
	.reference = "REFERENCE §6.1",
	.direction = SM_HIGHER_IS_BETTER,
	.is_grade = false,
	.items = tok_items,
	.nitems = SM_COUNT(tok_items),
	.bands = tok_bands,
	.nbands = SM_COUNT(tok_bands),
	.score = tok_score,
};

/* ================= Tomita ================= */
static const sm_choice tom_growth[] = {
	{"slow", 1, "slow growth (breast, thyroid, prostate, etc.): 1 point"},
	{"moderate", 2, "moderate growth (kidney, uterus, etc.): 2 points"},
	{"rapid", 4, "rapid growth (lung, liver, stomach, colon, unknown primary, etc.): 4 points"},
};
static const sm_choice tom_visceral[] = {
	{"none", 0, "no visceral metastases: 0 points"},
	{"treatable", 2, "treatable visceral metastases: 2 points"},
	{"untreatable", 4, "untreatable visceral metastases: 4 points"},
};
static const sm_choice tom_bone[] = {
	{"solitary", 1, "solitary or isolated bone metastasis (spine included): 1 point"},
	{"multiple", 2, "multiple bone metastases: 2 points"},
};
static const sm_item tom_items[] = {
	{"primary", SM_T_HISTOLOGY, NULL, 0, 0, 0, 0, "primary tumour (gives the growth class where the catalogue has one)"},
	{"growth", SM_T_ENUM, CH(tom_growth), 0, 0, 0, "growth class, instead of or overriding primary"},
	{"visceral_metastases", SM_T_ENUM, CH(tom_visceral), 0, 0, 0, "visceral metastases"},
	{"bone_metastases", SM_T_ENUM, CH(tom_bone), 0, 0, 0, "bone metastases including the spine"},
};
static const sm_band_def tom_bands[] = {
	{2, 3, "wide_or_marginal_excision", "goal long-term local control: wide or marginal excision (e.g. total en bloc spondylectomy) (Tomita 2001). Survival per band is not verified and not shown."},
	{4, 5, "marginal_or_intralesional_excision", "goal middle-term local control: marginal or intralesional excision (Tomita 2001)."},
	{6, 7, "palliative_surgery", "goal short-term palliation: palliative surgery (Tomita 2001)."},
	{8, 10, "supportive_care", "goal terminal care: non-operative supportive care (Tomita 2001)."},
};

static void tom_score(const sm_input *in, sm_result *out)
{
	const sm_value *pr = sm_get(in, "primary"), *gr = sm_get(in, "growth");
	const sm_histology *h = pr ? sm_histology_at((size_t)pr->i) : NULL;
	if (gr) {
		const sm_choice *ch = &tom_growth[gr->i];
		sm_component *c = sm_add_component(out, "growth", gr, &tom_items[1], ch->points, ch->points);
		sm_component_text(c, ch->text);
		if (h && h->tomita != SM_TOMITA_NONE && (int)h->tomita != ch->points)
			sm_add_note(out, "The growth given overrides the class the catalogue gives the primary.");
	} else if (h && h->tomita != SM_TOMITA_NONE) {
		int p = (int)h->tomita;
		sm_component *c = sm_add_component(out, "growth", NULL, &tom_items[1], p, p);
		if (c) {
			sm_sb sb;
			c->vkind = SM_VK_TEXT;
			sm_copy(c->text, sizeof c->text, p == 1 ? "slow" : p == 2 ? "moderate" : "rapid");
			sm_sb_init(&sb, c->explain, sizeof c->explain);
			sm_sb_str(&sb, h->name);
			sm_sb_str(&sb, " -> ");
			sm_sb_str(&sb, p == 1 ? tom_growth[0].text : p == 2 ? tom_growth[1].text : tom_growth[2].text);
			sm_sb_str(&sb, " (REFERENCE §14)");
		}
	} else {
		missing_component(in, out, "growth", 1, 4);
		if (h)
			sm_add_note(out, "Tomita gives no growth class for this primary: supply growth (slow, moderate or rapid) (REFERENCE §14).");
	}
	choice_component(in, out, "visceral_metastases");
	choice_component(in, out, "bone_metastases");
	sm_finish_sum(out, 0);
}

const sm_instrument sm_inst_tomita = {
	.name = "tomita",
	.title = "Tomita score",
	.definition = "tomita-2001",
	.citation = "Tomita K, Kawahara N, Kobayashi T, Yoshida A, Murakami H, Akamaru T. Surgical strategy for spinal metastases. Spine 2001;26(3):298-306. doi:10.1097/00007632-200102010-00016",
	.reference = "REFERENCE §6.2",
	.direction = SM_HIGHER_IS_WORSE,
	.is_grade = false,
	.items = tom_items,
	.nitems = SM_COUNT(tom_items),
	.bands = tom_bands,
	.nbands = SM_COUNT(tom_bands),
	.score = tom_score,
};

/* ================= Bauer and modified Bauer ================= */
static const sm_choice skeletal_choices[] = {
	{"solitary", 1, "solitary skeletal metastasis: 1 point"},
	{"multiple", 0, "multiple skeletal metastases: 0 points"},
};
static const sm_item bauer_items[] = {
	{"primary", SM_T_HISTOLOGY, NULL, 0, 0, 0, 0, "primary tumour (histology key)"},
	{"visceral_metastases", SM_T_BOOL, NULL, 0, 0, 0, 0, "visceral metastases (brain metastases count as visceral)"},
	{"pathological_fracture", SM_T_BOOL, NULL, 0, 0, 0, 0, "pathological fracture (original Bauer only)"},
	{"skeletal_metastases", SM_T_ENUM, CH(skeletal_choices), 0, 0, 0, "skeletal metastases"},
};
static const sm_band_def bauer_bands[] = {
	{0, 1, "poor", "poor (0-1): about 0% one-year survival in the derivation cohort (Bauer & Wedin 1995; cut-points secondary sources)."},
	{2, 3, "moderate", "moderate (2-3): about 25% one-year survival (Bauer & Wedin 1995; figure from secondary sources)."},
	{4, 5, "good", "good (4-5): about 50% one-year survival (Bauer & Wedin 1995)."},
};
static const sm_band_def bauer_mod_bands[] = {
	{0, 1, "poor", "poor (0-1): the derivation associated this group with supportive care rather than surgery (Leithner 2008)."},
	{2, 2, "moderate", "moderate (2): short-term palliation, posterior surgery (Leithner 2008)."},
	{3, 4, "good", "good (3-4): medium-term local control, anterior-posterior surgery (Leithner 2008)."},
};

/* Adds the Bauer components; shared by bauer, bauer_modified and nesms. */
static void bauer_components(const sm_input *in, sm_result *out, bool with_fracture)
{
	const sm_value *pr = sm_get(in, "primary");
	const sm_value *vis = sm_get(in, "visceral_metastases");
	const sm_value *sk = sm_get(in, "skeletal_metastases");
	size_t ipr = sm_item_index(in->instrument, "primary");
	size_t ivis = sm_item_index(in->instrument, "visceral_metastases");
	size_t isk = sm_item_index(in->instrument, "skeletal_metastases");
	if (vis) {
		int p = vis->i ? 0 : 1;
		sm_component *c = sm_add_component(out, "visceral_metastases", vis, &in->instrument->items[ivis], p, p);
		sm_component_text(c, p ? "no visceral metastases: 1 point" : "visceral (or brain) metastases: 0 points");
	} else {
		missing_component(in, out, "visceral_metastases", 0, 1);
	}
	if (with_fracture) {
		const sm_value *fr = sm_get(in, "pathological_fracture");
		if (fr) {
			int p = fr->i ? 0 : 1;
			sm_component *c = sm_add_component(out, "pathological_fracture", fr, &bauer_items[2], p, p);
			sm_component_text(c, p ? "no pathological fracture: 1 point" : "pathological fracture: 0 points");
		} else {
			missing_component(in, out, "pathological_fracture", 0, 1);
		}
	} else if (sm_item_index(in->instrument, "pathological_fracture") < SM_MAX_ITEMS &&
	           sm_get(in, "pathological_fracture")) {
		sm_add_note(out, "pathological_fracture is not an item of the modified Bauer score (Leithner 2008) and was ignored.");
	}
	if (sk) {
		const sm_choice *ch = &skeletal_choices[sk->i];
		sm_component *c = sm_add_component(out, "skeletal_metastases", sk, &in->instrument->items[isk], ch->points, ch->points);
		sm_component_text(c, ch->text);
	} else {
		missing_component(in, out, "skeletal_metastases", 0, 1);
	}
	if (pr) {
		const sm_histology *h = sm_histology_at((size_t)pr->i);
		int lo4 = h->bauer_lung < 0 ? 0 : !h->bauer_lung, hi4 = h->bauer_lung < 0 ? 1 : !h->bauer_lung;
		int lo5 = h->bauer_favourable < 0 ? 0 : h->bauer_favourable, hi5 = h->bauer_favourable < 0 ? 1 : h->bauer_favourable;
		sm_component *c = sm_add_component(out, "primary_not_lung", pr, &in->instrument->items[ipr], lo4, hi4);
		sm_component_text(c, lo4 != hi4 ? "primary not identified: lung cancer (0) is still possible, 0 or 1"
		                     : hi4 ? "primary is not lung cancer: 1 point" : "lung cancer: 0 points for 'not lung'");
		c = sm_add_component(out, "primary_favourable", pr, &in->instrument->items[ipr], lo5, hi5);
		sm_component_text(c, lo5 != hi5 ? "primary not identified: breast, kidney, lymphoma or myeloma still possible, 0 or 1"
		                     : hi5 ? "breast, kidney, lymphoma or myeloma: 1 point" : "not breast, kidney, lymphoma or myeloma: 0 points");
		if (lo4 != hi4 || lo5 != hi5)
			sm_add_note(out, "Unknown primary: the two Bauer primary items stay open (0 or 1 each) until the primary is identified.");
		if (h->bauer_default) {
			out->flags |= SM_FLAG_CATALOGUE_DEFAULT;
			sm_add_note(out, "The Bauer primary items for this histology are an implementation default (see the histology catalogue).");
		}
	} else {
		sm_component *c = sm_add_component(out, "primary_not_lung", NULL, &in->instrument->items[ipr], 0, 1);
		sm_component_text(c, "not lung cancer: not given, 0 or 1");
		c = sm_add_component(out, "primary_favourable", NULL, &in->instrument->items[ipr], 0, 1);
		sm_component_text(c, "breast, kidney, lymphoma or myeloma: not given, 0 or 1");
		sm_add_missing(out, "primary");
	}
}

static void bauer_score(const sm_input *in, sm_result *out)
{
	bauer_components(in, out, true);
	sm_finish_sum(out, 0);
}

static void bauer_mod_score(const sm_input *in, sm_result *out)
{
	bauer_components(in, out, false);
	sm_finish_sum(out, 0);
}

const sm_instrument sm_inst_bauer = {
	.name = "bauer",
	.title = "Bauer score",
	.definition = "bauer-1995",
	.citation = "Bauer HC, Wedin R. Survival after surgery for spinal and extremity metastases. Prognostication in 241 patients. Acta Orthop Scand 1995;66(2):143-146. doi:10.3109/17453679508995508",
	.reference = "REFERENCE §6.3",
	.direction = SM_HIGHER_IS_BETTER,
	.is_grade = false,
	.items = bauer_items,
	.nitems = SM_COUNT(bauer_items),
	.bands = bauer_bands,
	.nbands = SM_COUNT(bauer_bands),
	.score = bauer_score,
};

const sm_instrument sm_inst_bauer_modified = {
	.name = "bauer_modified",
	.title = "Modified Bauer score",
	.definition = "leithner-2008",
	.citation = "Leithner A, Radl R, Gruber G, et al. Predictive value of seven preoperative prognostic scoring systems for spinal metastases. Eur Spine J 2008;17(11):1488-1495. doi:10.1007/s00586-008-0763-1",
	.reference = "REFERENCE §6.3",
	.direction = SM_HIGHER_IS_BETTER,
	.is_grade = false,
	.items = bauer_items,
	.nitems = SM_COUNT(bauer_items),
	.bands = bauer_mod_bands,
	.nbands = SM_COUNT(bauer_mod_bands),
	.score = bauer_mod_score,
};

/* ================= NESMS ================= */
static const sm_choice nes_ambulatory[] = {
	{"independent", 1, "walks independently: 1 point"},
	{"assisted", 0, "walks with an aid: whether this counts as ambulatory is not verified (REFERENCE §14): 0 or 1"},
	{"non_ambulatory", 0, "not ambulatory: 0 points"},
};
static const sm_item nes_items[] = {
	{"modified_bauer", SM_T_INT, NULL, 0, 0, 4, 1, "modified Bauer score (0-4), or give its items"},
	{"primary", SM_T_HISTOLOGY, NULL, 0, 0, 0, 0, "modified Bauer item: primary tumour"},
	{"visceral_metastases", SM_T_BOOL, NULL, 0, 0, 0, 0, "modified Bauer item: visceral metastases"},
	{"skeletal_metastases", SM_T_ENUM, CH(skeletal_choices), 0, 0, 0, "modified Bauer item: skeletal metastases"},
	{"ambulatory", SM_T_ENUM, CH(nes_ambulatory), 0, 0, 0, "ambulatory status"},
	{"albumin_g_dl", SM_T_NUMBER, NULL, 0, 0, 10, 0, "pre-treatment serum albumin, g/dL"},
	{"albumin_g_l", SM_T_NUMBER, NULL, 0, 0, 100, 0, "pre-treatment serum albumin, g/L (converted to g/dL)"},
};
static const sm_band_def nes_bands[] = {
	{0, 0, "0", "NESMS 0: the highest risk of death within one year (Schoenfeld 2021 prospective validation). No per-score survival percentages are verified (REFERENCE §14)."},
	{1, 1, "1", "NESMS 1: odds of death within one year 31.30 times those of score 3 (95% CI 8.82-111.04; Schoenfeld 2021)."},
	{2, 2, "2", "NESMS 2: odds of death within one year 7.04 times those of score 3 (95% CI 2.47-20.08; Schoenfeld 2021)."},
	{3, 3, "3", "NESMS 3: the reference group with the lowest risk of death within one year (Schoenfeld 2021)."},
};

static void nes_score(const sm_input *in, sm_result *out)
{
	const sm_value *mb = sm_get(in, "modified_bauer");
	bool items_given = sm_get(in, "primary") || sm_get(in, "visceral_metastases") || sm_get(in, "skeletal_metastases");
	int mlo = 0, mhi = 4;
	if (items_given) {
		/* Score the modified Bauer items into a scratch result (on the stack). */
		sm_result tmp;
		tmp.instrument = in->instrument;
		tmp.ncomponents = 0;
		tmp.nmissing = 0;
		tmp.nnotes = 0;
		tmp.flags = 0;
		bauer_components(in, &tmp, false);
		int lo = 0, hi = 0;
		for (size_t k = 0; k < tmp.ncomponents; k++) {
			lo += tmp.components[k].lo;
			hi += tmp.components[k].hi;
		}
		out->flags |= tmp.flags;
		if (mb && (mb->i < lo || mb->i > hi)) {
			char msg[SM_MSG_SIZE];
			sm_sb sb;
			sm_sb_init(&sb, msg, sizeof msg);
			sm_sb_str(&sb, "modified_bauer ");
			sm_sb_int(&sb, mb->i);
			sm_sb_str(&sb, " disagrees with its items, which give ");
			sm_sb_int(&sb, lo);
			if (hi != lo) {
				sm_sb_str(&sb, "-");
				sm_sb_int(&sb, hi);
			}
			sm_sb_str(&sb, "; give one or make them agree");
			sm_result_error(out, SM_E_CONFLICT, "/modified_bauer", msg);
			return;
		}
		if (!mb) {
			mlo = lo;
			mhi = hi;
			for (size_t k = 0; k < tmp.nmissing; k++)
				sm_add_missing(out, tmp.missing[k]);
		}
	}
	if (mb)
		mlo = mhi = mb->i;
	{
		int lo = mlo >= 3 ? 2 : 0, hi = mhi >= 3 ? 2 : 0;
		sm_component *c = sm_add_component(out, "modified_bauer", mb, &nes_items[0], lo, hi);
		if (c) {
			sm_sb sb;
			sm_sb_init(&sb, c->explain, sizeof c->explain);
			sm_sb_str(&sb, "modified Bauer ");
			sm_sb_int(&sb, mlo);
			if (mhi != mlo) {
				sm_sb_str(&sb, "-");
				sm_sb_int(&sb, mhi);
			}
			sm_sb_str(&sb, mlo == mhi && !mb ? " (from its items)" : "");
			sm_sb_str(&sb, lo == hi ? (lo ? ": 3 or more, 2 points" : ": under 3, 0 points") : ": 0 or 2 points");
			if (!mb && mlo == mhi) {
				c->vkind = SM_VK_INT;
				c->i = mlo;
			}
		}
		if (!mb && !items_given)
			sm_add_missing(out, "modified_bauer");
	}
	const sm_value *amb = sm_get(in, "ambulatory");
	if (amb) {
		int lo = amb->i == 0 ? 1 : 0, hi = amb->i == 2 ? 0 : 1;
		sm_component *c = sm_add_component(out, "ambulatory", amb, &nes_items[4], lo, hi);
		sm_component_text(c, nes_ambulatory[amb->i].text);
		if (amb->i == 1) {
			out->flags |= SM_FLAG_VERIFY_PENDING;
			sm_add_note(out, "Walking with an aid: the derivation's definition of ambulatory is not verified, so both totals are given (REFERENCE §14).");
		}
	} else {
		missing_component(in, out, "ambulatory", 0, 1);
	}
	const sm_value *adl = sm_get(in, "albumin_g_dl"), *agl = sm_get(in, "albumin_g_l");
	if (adl && agl && fabs(adl->d - agl->d / 10.0) > 0.05) {
		sm_result_error(out, SM_E_CONFLICT, "/albumin_g_l",
		                "albumin_g_l disagrees with albumin_g_dl (1 g/dL = 10 g/L); give one of them");
		return;
	}
	if (adl || agl) {
		double g = adl ? adl->d : agl->d / 10.0;
		int p = g >= 3.5 ? 1 : 0;
		sm_component *c = sm_add_component(out, adl ? "albumin_g_dl" : "albumin_g_l", adl ? adl : agl,
		                                   adl ? &nes_items[5] : &nes_items[6], p, p);
		if (c) {
			sm_sb sb;
			sm_sb_init(&sb, c->explain, sizeof c->explain);
			sm_sb_str(&sb, "albumin ");
			sm_sb_num(&sb, g);
			sm_sb_str(&sb, p ? " g/dL (3.5 or more): 1 point" : " g/dL (under 3.5): 0 points");
		}
	} else {
		missing_component(in, out, "albumin_g_dl", 0, 1);
	}
	sm_finish_sum(out, 3);
}

const sm_instrument sm_inst_nesms = {
	.name = "nesms",
	.title = "NESMS (New England Spinal Metastasis Score)",
	.definition = "ghori-2015",
	.citation = "Ghori AK, Leonard DA, Schoenfeld AJ, et al. Modeling 1-year survival after surgery on the metastatic spine. Spine J 2015;15(11):2345-2350; prospective validation: Schoenfeld AJ et al., Spine J 2021;21(1):28-36. doi:10.1016/j.spinee.2020.02.009",
	.reference = "REFERENCE §6.4 and §14",
	.direction = SM_HIGHER_IS_BETTER,
	.is_grade = false,
	.items = nes_items,
	.nitems = SM_COUNT(nes_items),
	.bands = nes_bands,
	.nbands = SM_COUNT(nes_bands),
	.score = nes_score,
};
