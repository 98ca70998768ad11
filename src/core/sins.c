/*
** sins.c: Spinal Instability Neoplastic Score (REFERENCE §1).
** Fisher CG et al., Spine 2010;35(22):E1221-E1229 (items, points, bands, Table 1);
** the level -> location groups of §1.3; a level range takes its highest-scoring
** level (§1.4, conservative implementation choice, flagged `level_range`).
*/
#include "internal.h"

#include <string.h>

/* ---- levels (§1.3): index 0 Occ, 1-7 C1-C7, 8-19 T1-T12, 20-24 L1-L5, 25-29 S1-S5 ---- */
static const char *const level_names[SM_NLEVELS] = {
	"Occ", "C1", "C2", "C3", "C4", "C5", "C6", "C7",
	"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12",
	"L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5",
};

/* Location choice index per level (order of location_choices below:
** 0 junctional, 1 mobile, 2 semi_rigid, 3 rigid). Fisher 2010 groups:
** junctional Occ-C2, C7-T2, T11-L1, L5-S1; mobile C3-C6, L2-L4;
** semi-rigid T3-T10; rigid S2-S5. */
static const unsigned char level_location[SM_NLEVELS] = {
	0, 0, 0, 1, 1, 1, 1, 0,                 /* Occ, C1..C7 */
	0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0,     /* T1..T12 */
	0, 1, 1, 1, 0,                          /* L1..L5 */
	0, 3, 3, 3, 3,                          /* S1..S5 */
};

const char *sm_level_name(int index)
{
	return index >= 0 && index < SM_NLEVELS ? level_names[index] : NULL;
}

static int level_one(const char *s, size_t n)
{
	for (int k = 0; k < SM_NLEVELS; k++)
		if (strlen(level_names[k]) == n && strncmp(level_names[k], s, n) == 0)
			return k;
	return -1;
}

sm_status sm_level_parse(const char *text, int *lo, int *hi)
{
	if (!text || !lo || !hi)
		return SM_E_ARGUMENT;
	const char *dash = strchr(text, '-');
	size_t n = strlen(text);
	int a, b;
	if (!dash) {
		a = b = level_one(text, n);
	} else {
		a = level_one(text, (size_t)(dash - text));
		b = level_one(dash + 1, strlen(dash + 1));
	}
	if (a < 0 || b < 0)
		return SM_E_DOMAIN;
	*lo = a < b ? a : b;
	*hi = a < b ? b : a;
	return SM_OK;
}

/* ---- items (§1.1, Fisher 2010 Table 1) ---- */
static const sm_choice location_choices[] = {
	{"junctional", 3, "junctional (Occ-C2, C7-T2, T11-L1, L5-S1): 3 points"},
	{"mobile", 2, "mobile spine (C3-C6, L2-L4): 2 points"},
	{"semi_rigid", 1, "semi-rigid (T3-T10): 1 point"},
	{"rigid", 0, "rigid (S2-S5): 0 points"},
};
static const sm_choice pain_choices[] = {
	{"mechanical", 3, "mechanical pain (worse with movement or loading, relieved by lying down): 3 points"},
	{"occasional", 1, "occasional pain, not mechanical: 1 point"},
	{"none", 0, "pain-free lesion: 0 points"},
};
static const sm_choice bone_choices[] = {
	{"lytic", 2, "lytic lesion on CT: 2 points"},
	{"mixed", 1, "mixed lytic/blastic: 1 point"},
	{"blastic", 0, "blastic: 0 points"},
};
static const sm_choice alignment_choices[] = {
	{"subluxation", 4, "subluxation or translation present: 4 points"},
	{"deformity", 2, "de novo deformity (kyphosis or scoliosis): 2 points"},
	{"normal", 0, "normal alignment: 0 points"},
};
static const sm_choice collapse_choices[] = {
	{"over_50", 3, "more than 50% vertebral body collapse (exactly 50% is scored here, §1.4): 3 points"},
	{"under_50", 2, "less than 50% collapse: 2 points"},
	{"body_involved_over_50", 1, "no collapse but more than 50% of the body involved: 1 point"},
	{"none", 0, "none of these: 0 points"},
};
static const sm_choice posterolateral_choices[] = {
	{"bilateral", 3, "bilateral posterolateral involvement (facet, pedicle or costovertebral joint fractured or replaced by tumour): 3 points"},
	{"unilateral", 1, "unilateral posterolateral involvement: 1 point"},
	{"none", 0, "no posterolateral involvement: 0 points"},
};

#define CH(a) a, SM_COUNT(a)
static const sm_item items[] = {
	{"level", SM_T_LEVEL, NULL, 0, 0, 0, 0, "spinal level of the lesion (gives location by the §1.3 table)"},
	{"location", SM_T_ENUM, CH(location_choices), 0, 0, 0, "location class, instead of level"},
	{"pain", SM_T_ENUM, CH(pain_choices), 0, 0, 0, "pain"},
	{"bone_lesion", SM_T_ENUM, CH(bone_choices), 0, 0, 0, "bone lesion quality on CT"},
	{"alignment", SM_T_ENUM, CH(alignment_choices), 0, 0, 0, "radiographic spinal alignment"},
	{"collapse", SM_T_ENUM, CH(collapse_choices), 0, 0, 0, "vertebral body collapse"},
	{"posterolateral", SM_T_ENUM, CH(posterolateral_choices), 0, 0, 0, "posterolateral involvement of spinal elements"},
};

static const sm_band_def bands[] = {
	{0, 6, "stable", "stable (0-6); no mechanical intervention on SINS grounds."},
	{7, 12, "potentially_unstable", "indeterminate, possible impending instability (7-12); surgical consultation recommended."},
	{13, 18, "unstable", "unstable (13-18); surgical consultation recommended."},
};

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

static void score(const sm_input *in, sm_result *out)
{
	const sm_value *lv = sm_get(in, "level");
	const sm_value *loc = sm_get(in, "location");
	const sm_item *loc_item = &items[1];
	if (lv) {
		/* best (highest-scoring) location over the levels in the range */
		int best = -1;
		for (int l = lv->lo; l <= lv->hi; l++) {
			int ci = level_location[l];
			if (best < 0 || location_choices[ci].points > location_choices[best].points)
				best = ci;
		}
		if (lv->hi != lv->lo) {
			out->flags |= SM_FLAG_LEVEL_RANGE;
			sm_add_note(out, "A level range is scored by its highest-scoring level (REFERENCE §1.4, conservative implementation choice).");
		}
		if (loc && loc->i != best) {
			char msg[SM_MSG_SIZE];
			sm_sb sb;
			sm_sb_init(&sb, msg, sizeof msg);
			sm_sb_str(&sb, "location \"");
			sm_sb_str(&sb, location_choices[loc->i].key);
			sm_sb_str(&sb, "\" disagrees with level ");
			sm_sb_str(&sb, level_names[lv->lo]);
			if (lv->hi != lv->lo) {
				sm_sb_str(&sb, "-");
				sm_sb_str(&sb, level_names[lv->hi]);
			}
			sm_sb_str(&sb, ", which is \"");
			sm_sb_str(&sb, location_choices[best].key);
			sm_sb_str(&sb, "\" (REFERENCE §1.3); give one of them, or make them agree");
			sm_result_error(out, SM_E_CONFLICT, "/location", msg);
			return;
		}
		sm_component *c = sm_add_component(out, "location", NULL, loc_item,
		                                   location_choices[best].points, location_choices[best].points);
		if (c) {
			sm_sb sb;
			c->vkind = SM_VK_TEXT;
			sm_copy(c->text, sizeof c->text, location_choices[best].key);
			sm_sb_init(&sb, c->explain, sizeof c->explain);
			sm_sb_str(&sb, "level ");
			sm_sb_str(&sb, level_names[lv->lo]);
			if (lv->hi != lv->lo) {
				sm_sb_str(&sb, "-");
				sm_sb_str(&sb, level_names[lv->hi]);
			}
			sm_sb_str(&sb, " -> ");
			sm_sb_str(&sb, location_choices[best].text);
			sm_sb_str(&sb, " (REFERENCE §1.3)");
		}
	} else {
		choice_component(in, out, "location");
	}
	choice_component(in, out, "pain");
	choice_component(in, out, "bone_lesion");
	choice_component(in, out, "alignment");
	choice_component(in, out, "collapse");
	choice_component(in, out, "posterolateral");
	sm_finish_sum(out, 0);
}

const sm_instrument sm_inst_sins = {
	.name = "sins",
	.title = "SINS (Spinal Instability Neoplastic Score)",
	.definition = "fisher-2010",
	.citation = "Fisher CG, DiPaola CP, Ryken TC, et al. A novel classification system for spinal instability in neoplastic disease: an evidence-based approach and expert consensus from the Spine Oncology Study Group. Spine 2010;35(22):E1221-E1229. doi:10.1097/BRS.0b013e3181e16ae2",
	.reference = "REFERENCE §1",
	.direction = SM_HIGHER_IS_WORSE,
	.is_grade = false,
	.items = items,
	.nitems = SM_COUNT(items),
	.bands = bands,
	.nbands = SM_COUNT(bands),
	.score = score,
};
