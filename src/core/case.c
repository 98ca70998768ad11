/*
** case.c: the case model (KEYS.md §5): vocabulary lists and initialisation,
** and the rule table of the assessment (rules.h).
*/
#include "internal.h"
#include "rules.h"

#include <string.h>

const char *const sm_pain_keys[SM_NPAIN] = {
	"pain_thoracic_or_cervical", "pain_progressive_lumbar", "pain_severe_unremitting_lower",
	"pain_on_straining", "pain_localised_tenderness", "pain_nocturnal", "pain_mechanical",
};
const char *const sm_neuro_keys[SM_NNEURO] = {
	"radicular_pain", "limb_weakness", "difficulty_walking", "sensory_loss", "bladder_bowel_dysfunction",
};

static const char *const w_sex[] = {"female", "male", "other"};
static const char *const w_history[] = {"known", "none", "suspected"};
static const char *const w_amb[] = {"independent", "assisted", "non_ambulatory"};
static const char *const w_visc[] = {"none", "present"};
static const char *const w_pattern[] = {"nodular", "disseminated"};
static const char *const w_event[] = {
	"symptom_onset", "presentation", "referral", "coordinator_contact", "mri_requested", "mri_done",
	"dexamethasone_started", "mdt_decision", "surgery", "radiotherapy_start", "systemic_therapy_start",
	"discharge", "follow_up", "death",
};
static const char *const w_frankel[] = {"A", "B", "C", "D", "E"};
static const char *const w_escc[] = {"0", "1a", "1b", "1c", "2", "3"};
static const char *const w_culture[] = {"pending", "negative", "s_aureus_lugdunensis_or_brucella", "other_organism"};

typedef struct vocab_def {
	const char *const *words;
	size_t n;
	const char *describe;
} vocab_def;

static const vocab_def vocab[SM_VOCAB_COUNT] = {
	{w_sex, SM_COUNT(w_sex), "\"female\", \"male\" or \"other\""},
	{w_history, SM_COUNT(w_history), "\"known\", \"none\" or \"suspected\""},
	{w_amb, SM_COUNT(w_amb), "\"independent\", \"assisted\" or \"non_ambulatory\""},
	{w_visc, SM_COUNT(w_visc), "\"none\" or \"present\""},
	{w_pattern, SM_COUNT(w_pattern), "\"nodular\" or \"disseminated\""},
	{w_event, SM_COUNT(w_event), "symptom_onset, presentation, referral, coordinator_contact, mri_requested, mri_done, dexamethasone_started, mdt_decision, surgery, radiotherapy_start, systemic_therapy_start, discharge, follow_up or death"},
	{w_frankel, SM_COUNT(w_frankel), "\"A\", \"B\", \"C\", \"D\" or \"E\""},
	{w_escc, SM_COUNT(w_escc), "\"0\", \"1a\", \"1b\", \"1c\", \"2\" or \"3\""},
	{w_culture, SM_COUNT(w_culture), "\"pending\", \"negative\", \"s_aureus_lugdunensis_or_brucella\" or \"other_organism\""},
};

size_t sm_vocab_size(sm_vocab v)
{
	return (unsigned)v < SM_VOCAB_COUNT ? vocab[v].n : 0;
}

const char *sm_vocab_word(sm_vocab v, size_t index)
{
	return (unsigned)v < SM_VOCAB_COUNT && index < vocab[v].n ? vocab[v].words[index] : NULL;
}

int sm_vocab_find(sm_vocab v, const char *word)
{
	if ((unsigned)v >= SM_VOCAB_COUNT || !word)
		return -1;
	for (size_t k = 0; k < vocab[v].n; k++)
		if (strcmp(vocab[v].words[k], word) == 0)
			return (int)k;
	return -1;
}

const char *sm_vocab_describe(sm_vocab v)
{
	return (unsigned)v < SM_VOCAB_COUNT ? vocab[v].describe : "";
}

void sm_case_init(sm_case *c)
{
	if (!c)
		return;
	memset(c, 0, sizeof *c);
	c->patient.sex = -1;
	c->cancer.history = -1;
	c->cancer.primary = -1;
	c->neurology.frankel = -1;
	c->neurology.asia_grade = -1;
	c->neurology.ambulatory = -1;
	c->systemic.visceral_metastases = -1;
	c->systemic.visceral_pattern = -1;
	c->infection.blood_culture = -1;
	sm_input_init(&c->neurology.asia, &sm_inst_asia);
}

sm_lesion *sm_case_add_lesion(sm_case *c)
{
	if (!c || c->nlesions >= SM_MAX_LESIONS)
		return NULL;
	sm_lesion *l = &c->lesions[c->nlesions++];
	memset(l, 0, sizeof *l);
	sm_input_init(&l->sins, &sm_inst_sins);
	l->escc = -1;
	return l;
}

/* ---- the rule table ---- */
#define SC_ALL SM_SCOPE_ALL
#define SC_ADULT SM_SCOPE_ADULT
#define SC_NG59 SM_SCOPE_NG59
#define SC_CHILD SM_SCOPE_CHILD
#define SM_RULE_ROW(e, id, sec, src, scope, fw, txt) {id, sec, src, txt, scope, fw},
static const sm_rule rule_table[] = {SM_RULES(SM_RULE_ROW)};

size_t sm_rule_count(void) { return SM_COUNT(rule_table); }

const sm_rule *sm_rule_at(size_t index)
{
	return index < SM_COUNT(rule_table) ? &rule_table[index] : NULL;
}

const sm_rule *sm_rule_find(const char *id)
{
	if (!id)
		return NULL;
	for (size_t k = 0; k < SM_COUNT(rule_table); k++)
		if (strcmp(rule_table[k].id, id) == 0)
			return &rule_table[k];
	return NULL;
}

const char *sm_age_scope_name(sm_age_scope s)
{
	switch (s) {
	case SM_SCOPE_ALL: return "all ages";
	case SM_SCOPE_ADULT: return ">= 18";
	case SM_SCOPE_NG59: return ">= 16";
	case SM_SCOPE_CHILD: return "< 18";
	}
	return "all ages";
}

/* REFERENCE §15.18: adult guidelines (>= 18) are shown at 16-17 too, with the
** adolescent flag; paediatric rules apply under 18. */
bool sm_age_scope_applies(sm_age_scope s, bool age_known, double age)
{
	if (!age_known)
		return true;
	switch (s) {
	case SM_SCOPE_ALL: return true;
	case SM_SCOPE_ADULT: return age >= 16;
	case SM_SCOPE_NG59: return age >= 16;
	case SM_SCOPE_CHILD: return age < 18;
	}
	return true;
}
