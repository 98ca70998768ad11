/*
** katagiri.c: the new Katagiri score (REFERENCE §6.6 and §14; Katagiri 2014).
** Items [S, §14]: primary growth slow 0 / moderate 2 / rapid 3; visceral or
** cerebral metastases nodular 1 / disseminated 2; laboratory abnormal 1
** (CRP >= 0.4 mg/dL, LDH >= 250 IU/L or albumin < 3.7 g/dL) or critical 2
** (platelets < 100,000/uL, calcium >= 10.3 mg/dL or total bilirubin >= 1.4 mg/dL),
** the worse tier only; ECOG 3-4 1; previous chemotherapy 1; multiple skeletal
** metastases 1. Total 0-10, bands 0-3 / 4-6 / 7-10 (Kubota 2019).
*/
#include "internal.h"

#define CH(a) a, SM_COUNT(a)

static const sm_choice visceral_choices[] = {
	{"none", 0, "no visceral or cerebral metastases: 0 points"},
	{"nodular", 1, "nodular visceral or cerebral metastases: 1 point"},
	{"disseminated", 2, "disseminated metastases (pleural, peritoneal, leptomeningeal): 2 points"},
};
static const sm_choice labs_choices[] = {
	{"normal", 0, "laboratory data normal: 0 points"},
	{"abnormal", 1, "abnormal laboratory data (CRP >= 0.4 mg/dL, LDH >= 250 IU/L or albumin < 3.7 g/dL): 1 point"},
	{"critical", 2, "critical laboratory data (platelets < 100,000/uL, calcium >= 10.3 mg/dL or total bilirubin >= 1.4 mg/dL): 2 points"},
};
static const sm_choice skeletal_choices[] = {
	{"solitary", 0, "solitary skeletal metastasis: 0 points"},
	{"multiple", 1, "multiple skeletal metastases: 1 point"},
};

/* Lab cut-offs (REFERENCE §14): index order matches the items below. */
typedef struct lab_rule {
	const char *key;
	int tier;        /* 1 abnormal, 2 critical */
	int below;       /* 1: abnormal when value < cut; 0: when value >= cut */
	double cut;
	const char *text;
} lab_rule;
static const lab_rule lab_rules[] = {
	{"crp_mg_dl", 1, 0, 0.4, "CRP >= 0.4 mg/dL"},
	{"ldh_iu_l", 1, 0, 250.0, "LDH >= 250 IU/L"},
	{"albumin_g_dl", 1, 1, 3.7, "albumin < 3.7 g/dL"},
	{"platelets_per_ul", 2, 1, 100000.0, "platelets < 100,000/uL"},
	{"calcium_mg_dl", 2, 0, 10.3, "calcium >= 10.3 mg/dL"},
	{"bilirubin_mg_dl", 2, 0, 1.4, "total bilirubin >= 1.4 mg/dL"},
};

static const sm_item items[] = {
	{"primary", SM_T_HISTOLOGY, NULL, 0, 0, 0, 0, "primary tumour (histology key)"},
	{"hormone_dependent", SM_T_BOOL, NULL, 0, 0, 0, 0, "breast or prostate cancer that is hormone-dependent"},
	{"targeted_therapy", SM_T_BOOL, NULL, 0, 0, 0, 0, "lung cancer on molecularly targeted therapy"},
	{"visceral_metastases", SM_T_ENUM, CH(visceral_choices), 0, 0, 0, "visceral or cerebral metastases"},
	{"labs", SM_T_ENUM, CH(labs_choices), 0, 0, 0, "laboratory data category, or give the measurements"},
	{"crp_mg_dl", SM_T_NUMBER, NULL, 0, 0, 100, 0, "C-reactive protein, mg/dL"},
	{"ldh_iu_l", SM_T_NUMBER, NULL, 0, 0, 100000, 0, "lactate dehydrogenase, IU/L"},
	{"albumin_g_dl", SM_T_NUMBER, NULL, 0, 0, 10, 0, "serum albumin, g/dL"},
	{"platelets_per_ul", SM_T_NUMBER, NULL, 0, 0, 5000000, 0, "platelet count per microlitre"},
	{"calcium_mg_dl", SM_T_NUMBER, NULL, 0, 0, 30, 0, "serum calcium, mg/dL"},
	{"bilirubin_mg_dl", SM_T_NUMBER, NULL, 0, 0, 100, 0, "total bilirubin, mg/dL"},
	{"ecog", SM_T_INT, NULL, 0, 0, 4, 1, "ECOG performance status (3-4 scores 1)"},
	{"kps", SM_T_INT, NULL, 0, 0, 100, 10, "Karnofsky performance status, used when ecog is absent (40 or less = ECOG 3-4, converted)"},
	{"previous_chemotherapy", SM_T_BOOL, NULL, 0, 0, 0, 0, "previous cytotoxic chemotherapy"},
	{"skeletal_metastases", SM_T_ENUM, CH(skeletal_choices), 0, 0, 0, "skeletal metastases"},
};

static const sm_band_def bands[] = {
	{0, 3, "low", "low risk (0-3): survival 97.9% at 6 months, 91% at 1 year, 78% at 2 years (Katagiri 2014)."},
	{4, 6, "intermediate", "intermediate risk (4-6): survival 73.9% at 6 months (Katagiri 2014)."},
	{7, 10, "high", "high risk (7-10): survival 27% at 6 months and 6% at 1 year (Katagiri 2014)."},
};

static void missing(const sm_input *in, sm_result *out, const char *key, int lo, int hi)
{
	size_t idx = sm_item_index(in->instrument, key);
	sm_component *c = sm_add_component(out, key, NULL, &in->instrument->items[idx], lo, hi);
	sm_component_text(c, "not given: counted as its whole possible range, never as 0");
	sm_add_missing(out, key);
}

static void choice(const sm_input *in, sm_result *out, const char *key, int lo, int hi)
{
	size_t idx = sm_item_index(in->instrument, key);
	const sm_item *it = &in->instrument->items[idx];
	const sm_value *v = sm_get(in, key);
	if (!v) {
		missing(in, out, key, lo, hi);
		return;
	}
	sm_component *c = sm_add_component(out, key, v, it, it->choices[v->i].points, it->choices[v->i].points);
	sm_component_text(c, it->choices[v->i].text);
}

static void primary(const sm_input *in, sm_result *out)
{
	const sm_value *pr = sm_get(in, "primary");
	const sm_value *hd = sm_get(in, "hormone_dependent");
	const sm_value *tt = sm_get(in, "targeted_therapy");
	if (!pr) {
		missing(in, out, "primary", 0, 3);
		return;
	}
	const sm_histology *h = sm_histology_at((size_t)pr->i);
	int lo, hi;
	const char *why;
	switch (h->katagiri) {
	case SM_KAT_SLOW: lo = hi = 0; why = ": slow growth, 0 points"; break;
	case SM_KAT_MODERATE: lo = hi = 2; why = ": moderate growth, 2 points"; break;
	case SM_KAT_RAPID: lo = hi = 3; why = ": rapid growth, 3 points"; break;
	case SM_KAT_HORMONE:
		if (hd) {
			lo = hi = hd->i ? 0 : 2;
			why = hd->i ? ", hormone-dependent: slow growth, 0 points" : ", hormone-independent: moderate growth, 2 points";
		} else {
			lo = 0;
			hi = 2;
			why = ": 0 if hormone-dependent, 2 if not (hormone_dependent not given)";
			sm_add_missing(out, "hormone_dependent");
		}
		break;
	case SM_KAT_LUNG:
	default:
		if (tt) {
			lo = hi = tt->i ? 2 : 3;
			why = tt->i ? ", on molecularly targeted therapy: moderate growth, 2 points" : ", no targeted therapy: rapid growth, 3 points";
		} else {
			lo = 2;
			hi = 3;
			why = ": 2 with molecularly targeted therapy, 3 without (targeted_therapy not given)";
			sm_add_missing(out, "targeted_therapy");
		}
		break;
	}
	if (hd && h->katagiri != SM_KAT_HORMONE)
		sm_add_note(out, "hormone_dependent applies to breast and prostate only and was ignored.");
	if (tt && h->katagiri != SM_KAT_LUNG)
		sm_add_note(out, "targeted_therapy applies to lung cancer only and was ignored.");
	if (h->katagiri_default) {
		out->flags |= SM_FLAG_CATALOGUE_DEFAULT;
		sm_add_note(out, "Katagiri does not name this primary; it is placed in 'others' (moderate) by implementation default.");
	}
	sm_component *c = sm_add_component(out, "primary", pr, &items[0], lo, hi);
	if (c) {
		sm_sb sb;
		sm_sb_init(&sb, c->explain, sizeof c->explain);
		sm_sb_str(&sb, h->name);
		sm_sb_str(&sb, why);
	}
}

static void labs_item(const sm_input *in, sm_result *out)
{
	int abn_true = 0, abn_all_known = 1, crit_true = 0, crit_all_known = 1, any = 0;
	const char *abn_why = NULL, *crit_why = NULL;
	for (size_t k = 0; k < SM_COUNT(lab_rules); k++) {
		const sm_value *v = sm_get(in, lab_rules[k].key);
		int *t = lab_rules[k].tier == 1 ? &abn_true : &crit_true;
		int *all = lab_rules[k].tier == 1 ? &abn_all_known : &crit_all_known;
		if (!v) {
			*all = 0;
			continue;
		}
		any = 1;
		int hit = lab_rules[k].below ? v->d < lab_rules[k].cut : v->d >= lab_rules[k].cut;
		if (hit) {
			*t = 1;
			if (lab_rules[k].tier == 1 && !abn_why)
				abn_why = lab_rules[k].text;
			if (lab_rules[k].tier == 2 && !crit_why)
				crit_why = lab_rules[k].text;
		}
	}
	int lo, hi;
	if (crit_true) {
		lo = hi = 2;
	} else if (crit_all_known) {
		lo = abn_true ? 1 : 0;
		hi = abn_true ? 1 : abn_all_known ? 0 : 1;
	} else {
		lo = abn_true ? 1 : 0;
		hi = 2;
	}
	const sm_value *lv = sm_get(in, "labs");
	if (lv) {
		int t = labs_choices[lv->i].points;
		if (any && (t < lo || t > hi)) {
			sm_result_error(out, SM_E_CONFLICT, "/labs",
			                "labs disagrees with the laboratory measurements given; give the category or the measurements (crp_mg_dl, ldh_iu_l, albumin_g_dl, platelets_per_ul, calcium_mg_dl, bilirubin_mg_dl)");
			return;
		}
		sm_component *c = sm_add_component(out, "labs", lv, &items[4], t, t);
		sm_component_text(c, labs_choices[lv->i].text);
		return;
	}
	if (!any) {
		missing(in, out, "labs", 0, 2);
		return;
	}
	sm_component *c = sm_add_component(out, "labs", NULL, &items[4], lo, hi);
	if (!c)
		return;
	sm_sb sb;
	sm_sb_init(&sb, c->explain, sizeof c->explain);
	if (lo == hi) {
		c->vkind = SM_VK_TEXT;
		sm_copy(c->text, sizeof c->text, labs_choices[lo].key);
		if (lo == 2) {
			sm_sb_str(&sb, "critical from the measurements (");
			sm_sb_str(&sb, crit_why);
			sm_sb_str(&sb, "): 2 points, the worse tier only");
		} else if (lo == 1) {
			sm_sb_str(&sb, "abnormal from the measurements (");
			sm_sb_str(&sb, abn_why);
			sm_sb_str(&sb, "), no critical value: 1 point");
		} else {
			sm_sb_str(&sb, "every measurement within the cut-offs: 0 points");
		}
		return;
	}
	sm_sb_str(&sb, "from the measurements given the laboratory item can still score ");
	sm_sb_int(&sb, lo);
	sm_sb_str(&sb, " to ");
	sm_sb_int(&sb, hi);
	sm_sb_str(&sb, "; missing: ");
	int first = 1;
	for (size_t k = 0; k < SM_COUNT(lab_rules); k++) {
		if (sm_get(in, lab_rules[k].key))
			continue;
		/* an abnormal analyte no longer matters once abnormal is known */
		if (lab_rules[k].tier == 1 && abn_true)
			continue;
		if (!first)
			sm_sb_str(&sb, ", ");
		sm_sb_str(&sb, lab_rules[k].key);
		sm_add_missing(out, lab_rules[k].key);
		first = 0;
	}
}

static void performance(const sm_input *in, sm_result *out)
{
	const sm_value *ecog = sm_get(in, "ecog"), *kps = sm_get(in, "kps");
	if (ecog) {
		int p = ecog->i >= 3 ? 1 : 0;
		sm_component *c = sm_add_component(out, "ecog", ecog, &items[11], p, p);
		sm_component_text(c, p ? "ECOG 3-4: 1 point" : "ECOG 0-2: 0 points");
		if (kps && (sm_ecog_from_kps(kps->i) >= 3) != (ecog->i >= 3))
			sm_add_note(out, "kps and ecog disagree by the usual conversion; ecog was used.");
		return;
	}
	if (kps) {
		int p = kps->i <= 40 ? 1 : 0;
		out->flags |= SM_FLAG_CONVERTED;
		sm_component *c = sm_add_component(out, "kps", kps, &items[12], p, p);
		sm_component_text(c, p ? "KPS 40 or less, converted to ECOG 3-4 (REFERENCE §5.3): 1 point"
		                       : "KPS 50 or more, converted to ECOG 0-2 (REFERENCE §5.3): 0 points");
		return;
	}
	missing(in, out, "ecog", 0, 1);
}

static void score(const sm_input *in, sm_result *out)
{
	primary(in, out);
	choice(in, out, "visceral_metastases", 0, 2);
	labs_item(in, out);
	if (out->nerrors)
		return;
	performance(in, out);
	const sm_value *ch = sm_get(in, "previous_chemotherapy");
	if (ch) {
		sm_component *c = sm_add_component(out, "previous_chemotherapy", ch, &items[13], ch->i, ch->i);
		sm_component_text(c, ch->i ? "previous chemotherapy: 1 point" : "no previous chemotherapy: 0 points");
	} else {
		missing(in, out, "previous_chemotherapy", 0, 1);
	}
	choice(in, out, "skeletal_metastases", 0, 1);
	sm_finish_sum(out, 0);
}

const sm_instrument sm_inst_katagiri = {
	.name = "katagiri",
	.title = "New Katagiri score",
	.definition = "katagiri-2014",
	.citation = "Katagiri H, Okada R, Takagi T, et al. New prognostic factors and scoring system for patients with skeletal metastasis. Cancer Med 2014;3(5):1359-1367. doi:10.1002/cam4.292",
	.reference = "REFERENCE §6.6 and §14",
	.direction = SM_HIGHER_IS_WORSE,
	.is_grade = false,
	.items = items,
	.nitems = SM_COUNT(items),
	.bands = bands,
	.nbands = SM_COUNT(bands),
	.score = score,
};
