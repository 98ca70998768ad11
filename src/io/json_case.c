/*
** json_case.c: the case format (KEYS.md §5, docs/case-format.md) to and from
** JSON. Unknown keys and impossible values are errors naming the JSON path and
** the allowed values; absent fields (or null) mean unknown. No clinical logic.
*/
#include "io/json_case.h"
#include "io/json_careplan.h"
#include "io/json_score.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { F_TRI, F_NUM, F_VOCAB, F_HIST, F_OBJ } ftype;

typedef struct field {
	const char *key;
	ftype t;
	size_t off;          /* offset in sm_case */
	double min, max;     /* F_NUM */
	int integer;         /* F_NUM: must be an integer; step in `step` */
	double step;
	sm_vocab vocab;      /* F_VOCAB */
} field;

#define TRI(k, m) {k, F_TRI, offsetof(sm_case, m), 0, 0, 0, 0, 0}
#define NUM(k, m, lo, hi) {k, F_NUM, offsetof(sm_case, m), lo, hi, 0, 0, 0}
#define INT(k, m, lo, hi, st) {k, F_NUM, offsetof(sm_case, m), lo, hi, 1, st, 0}
#define VOC(k, m, v) {k, F_VOCAB, offsetof(sm_case, m), 0, 0, 0, 0, v}
#define HIST(k, m) {k, F_HIST, offsetof(sm_case, m), 0, 0, 0, 0, 0}
#define OBJ(k) {k, F_OBJ, 0, 0, 0, 0, 0, 0}

static const field f_patient[] = {
	NUM("age_years", patient.age_years, 0, 130),
	VOC("sex", patient.sex, SM_VOCAB_SEX),
};
static const field f_cancer[] = {
	VOC("history", cancer.history, SM_VOCAB_HISTORY),
	HIST("primary", cancer.primary),
	TRI("tissue_confirmed", cancer.tissue_confirmed),
	TRI("hormone_dependent", cancer.hormone_dependent),
	TRI("targeted_therapy", cancer.targeted_therapy),
	TRI("previous_chemotherapy", cancer.previous_chemotherapy),
	NUM("months_since_diagnosis", cancer.months_since_diagnosis, 0, 1200),
};
static const field f_symptoms[] = {
	TRI("pain_thoracic_or_cervical", symptoms.pain[SM_P_THORACIC_OR_CERVICAL]),
	TRI("pain_progressive_lumbar", symptoms.pain[SM_P_PROGRESSIVE_LUMBAR]),
	TRI("pain_severe_unremitting_lower", symptoms.pain[SM_P_SEVERE_UNREMITTING_LOWER]),
	TRI("pain_on_straining", symptoms.pain[SM_P_ON_STRAINING]),
	TRI("pain_localised_tenderness", symptoms.pain[SM_P_LOCALISED_TENDERNESS]),
	TRI("pain_nocturnal", symptoms.pain[SM_P_NOCTURNAL]),
	TRI("pain_mechanical", symptoms.pain[SM_P_MECHANICAL]),
	TRI("radicular_pain", symptoms.neuro[SM_N_RADICULAR_PAIN]),
	TRI("limb_weakness", symptoms.neuro[SM_N_LIMB_WEAKNESS]),
	TRI("difficulty_walking", symptoms.neuro[SM_N_DIFFICULTY_WALKING]),
	TRI("sensory_loss", symptoms.neuro[SM_N_SENSORY_LOSS]),
	TRI("bladder_bowel_dysfunction", symptoms.neuro[SM_N_BLADDER_BOWEL]),
	NUM("deficit_days", symptoms.deficit_days, 0, 36500),
	TRI("fever", symptoms.fever),
	/* REFERENCE §15.1 cauda equina */
	TRI("saddle_sensory_change", symptoms.saddle_sensory_change),
	TRI("urinary_retention", symptoms.urinary_retention),
	TRI("sexual_dysfunction", symptoms.sexual_dysfunction),
	TRI("bilateral_radicular_pain", symptoms.bilateral_radicular_pain),
	/* §15.2 children */
	TRI("refuses_to_walk", symptoms.refuses_to_walk),
	TRI("new_limp", symptoms.new_limp),
	TRI("motor_regression", symptoms.motor_regression),
	TRI("painful_scoliosis_or_torticollis", symptoms.painful_scoliosis_or_torticollis),
	TRI("new_wetting_or_soiling", symptoms.new_wetting_or_soiling),
	TRI("constipation_with_overflow", symptoms.constipation_with_overflow),
	TRI("reduced_anal_sensation", symptoms.reduced_anal_sensation),
	TRI("pain_persistent", symptoms.pain_persistent),
	TRI("pain_analgesia_resistant", symptoms.pain_analgesia_resistant),
	TRI("stridor_or_orthopnoea", symptoms.stridor_or_orthopnoea),
	/* §15.4 red flags, §15.7 features, §15.15 */
	TRI("no_improvement_4_6_weeks", symptoms.no_improvement_4_6_weeks),
	TRI("weight_loss", symptoms.weight_loss),
	TRI("night_sweats", symptoms.night_sweats),
	TRI("lymphadenopathy", symptoms.lymphadenopathy),
	TRI("constipation", symptoms.constipation),
	TRI("polyuria", symptoms.polyuria),
	TRI("vomiting", symptoms.vomiting),
};
static const field f_neurology[] = {
	VOC("frankel", neurology.frankel, SM_VOCAB_FRANKEL),
	OBJ("asia"),
	VOC("ambulatory", neurology.ambulatory, SM_VOCAB_AMBULATORY),
	NUM("complete_paraplegia_hours", neurology.complete_paraplegia_hours, 0, 1e6),
	TRI("myelopathy", neurology.myelopathy),
	TRI("radiculopathy", neurology.radiculopathy),
	TRI("deteriorating", neurology.deteriorating),
	/* REFERENCE §15.1, §15.2, §15.4, §15.19 */
	TRI("sensory_level", neurology.sensory_level),
	TRI("umn_signs", neurology.umn_signs),
	TRI("deficit_longstanding", neurology.deficit_longstanding),
	TRI("areflexia", neurology.areflexia),
	TRI("ascending_weakness", neurology.ascending_weakness),
	TRI("bulbar_or_breathing_difficulty", neurology.bulbar_or_breathing_difficulty),
	TRI("reduced_consciousness", neurology.reduced_consciousness),
	TRI("sudden_unilateral_weakness_face_speech_vision", neurology.sudden_unilateral_weakness_face_speech_vision),
	TRI("reduced_leg_reflexes", neurology.reduced_leg_reflexes),
	INT("root_weakness_mrc", neurology.root_weakness_mrc, 0, 5, 1),
	NUM("hours_since_last_walked", neurology.hours_since_last_walked, 0, 1e6),
};
static const field f_performance[] = {
	INT("kps", performance.kps, 0, 100, 10),
	INT("ecog", performance.ecog, 0, 4, 1),
	INT("lansky", performance.lansky, 0, 100, 10),
};
static const field f_systemic[] = {
	VOC("visceral_metastases", systemic.visceral_metastases, SM_VOCAB_VISCERAL),
	TRI("visceral_removable", systemic.visceral_removable),
	TRI("visceral_treatable", systemic.visceral_treatable),
	VOC("visceral_pattern", systemic.visceral_pattern, SM_VOCAB_PATTERN),
	TRI("brain_metastases", systemic.brain_metastases),
	INT("extraspinal_bone_metastases", systemic.extraspinal_bone_metastases, 0, 10000, 1),
	TRI("fit_for_surgery", systemic.fit_for_surgery),
	NUM("expected_survival_months", systemic.expected_survival_months, 0, 1200),
	OBJ("labs"),
};
static const field f_labs[] = {
	NUM("albumin_g_dl", systemic.albumin_g_dl, 0, 10),
	NUM("crp_mg_dl", systemic.crp_mg_dl, 0, 100),
	NUM("ldh_iu_l", systemic.ldh_iu_l, 0, 100000),
	NUM("platelets_per_ul", systemic.platelets_per_ul, 0, 5000000),
	NUM("calcium_mg_dl", systemic.calcium_mg_dl, 0, 30),
	NUM("bilirubin_mg_dl", systemic.bilirubin_mg_dl, 0, 100),
	NUM("esr_mm_h", systemic.esr_mm_h, 0, 200),
	NUM("inr", systemic.inr, 0.5, 20),
	NUM("adjusted_calcium_mmol_l", systemic.adjusted_calcium_mmol_l, 0.5, 6),
};
static const field f_imaging[] = {
	TRI("mri_contraindicated", imaging.mri_contraindicated),
	TRI("mri_done", imaging.mri_done),
	TRI("paraspinal_or_dumbbell_mass", imaging.paraspinal_or_dumbbell_mass),
	TRI("conus_or_cauda_compression", imaging.conus_or_cauda_compression),
	TRI("mediastinal_mass", imaging.mediastinal_mass),
	TRI("chondroid_or_osteoid_matrix", imaging.chondroid_or_osteoid_matrix),
};
static const field f_history[] = { /* REFERENCE §15.1, §15.4, §15.8, §15.10 */
	TRI("pregnant", history.pregnant),
	TRI("anticoagulant_or_antiplatelet", history.anticoagulant_or_antiplatelet),
	TRI("recent_neuraxial_procedure", history.recent_neuraxial_procedure),
	TRI("immunosuppression", history.immunosuppression),
	TRI("long_term_steroids", history.long_term_steroids),
	TRI("osteoporosis", history.osteoporosis),
	TRI("injecting_drug_use", history.injecting_drug_use),
};
static const field f_infection[] = { /* REFERENCE §15.8 */
	TRI("bacteraemia_or_endocarditis", infection.bacteraemia_or_endocarditis),
	TRI("abscess", infection.abscess),
	TRI("gibbus", infection.gibbus),
	TRI("tb_history_or_contact", infection.tb_history_or_contact),
	TRI("tb_endemic_region", infection.tb_endemic_region),
	TRI("recent_spinal_procedure", infection.recent_spinal_procedure),
	TRI("sepsis", infection.sepsis),
	VOC("blood_culture", infection.blood_culture, SM_VOCAB_CULTURE),
};
static const field f_setting[] = {
	TRI("mri_available", setting.mri_available),
	TRI("ct_available", setting.ct_available),
	TRI("srs_available", setting.srs_available),
	TRI("spinal_surgery_available", setting.spinal_surgery_available),
	TRI("paediatric_oncology_available", setting.paediatric_oncology_available),
	TRI("radiotherapy_available", setting.radiotherapy_available),
};

#define NF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct parser {
	sm_case *c;
	json_t *errors;
} parser;

static void error(parser *p, const char *path, const char *fmt, const char *a1, const char *a2)
{
	char msg[2304];
	snprintf(msg, sizeof msg, fmt, a1 ? a1 : "", a2 ? a2 : "");
	if (json_array_size(p->errors) >= 64)
		return;
	json_t *e = json_object();
	json_object_set_new(e, "path", json_string(path));
	json_object_set_new(e, "message", json_string(msg));
	json_array_append_new(p->errors, e);
}

static const char *kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* path + "/" + escaped key */
static void join(char *out, size_t n, const char *base, const char *key)
{
	size_t len = (size_t)snprintf(out, n, "%s/", base);
	for (; *key && len + 3 < n; key++) {
		if (*key == '~') { out[len++] = '~'; out[len++] = '0'; }
		else if (*key == '/') { out[len++] = '~'; out[len++] = '1'; }
		else out[len++] = *key;
	}
	out[len < n ? len : n - 1] = '\0';
}

static void allowed_keys(char *buf, size_t n, const field *fs, size_t nf)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < nf && len < n; k++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", k ? ", " : "", fs[k].key);
}

static void set_field(parser *p, const field *f, const json_t *v, const char *path);

static void read_section(parser *p, const json_t *obj, const char *path, const field *fs, size_t nf,
                         void (*sub)(parser *, const char *, const json_t *, const char *))
{
	if (json_is_null(obj))
		return;
	if (!json_is_object(obj)) {
		error(p, path, "expected an object, got %s", kind(obj), NULL);
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		char fp[512];
		join(fp, sizeof fp, path, key);
		const field *f = NULL;
		for (size_t k = 0; k < nf; k++)
			if (strcmp(fs[k].key, key) == 0)
				f = &fs[k];
		if (!f) {
			char keys[2048];
			allowed_keys(keys, sizeof keys, fs, nf);
			error(p, fp, "unknown key; allowed keys here: %s", keys, NULL);
			continue;
		}
		if (f->t == F_OBJ) {
			if (sub)
				sub(p, key, v, fp);
			continue;
		}
		set_field(p, f, v, fp);
	}
}

static void set_field(parser *p, const field *f, const json_t *v, const char *path)
{
	char *base = (char *)p->c + f->off;
	if (json_is_null(v))
		return; /* null = unknown */
	switch (f->t) {
	case F_TRI:
		if (!json_is_boolean(v)) {
			error(p, path, "expected true or false (or null for unknown), got %s", kind(v), NULL);
			return;
		}
		*(sm_tri *)base = json_is_true(v) ? SM_YES : SM_NO;
		return;
	case F_NUM: {
		if (!json_is_number(v)) {
			error(p, path, "expected %s, got %s", f->integer ? "an integer" : "a number", kind(v));
			return;
		}
		double x = json_number_value(v);
		char range[160];
		if (f->integer && f->step > 1)
			snprintf(range, sizeof range, "an integer from %g to %g in steps of %g", f->min, f->max, f->step);
		else if (f->integer)
			snprintf(range, sizeof range, "an integer from %g to %g", f->min, f->max);
		else
			snprintf(range, sizeof range, "a number from %g to %g", f->min, f->max);
		if (x != x || x < f->min || x > f->max || (f->integer && (x != (double)(long long)x)) ||
		    (f->integer && f->step > 1 && ((long long)x % (long long)f->step) != 0)) {
			char given[64];
			snprintf(given, sizeof given, "%g", x);
			error(p, path, "%s is not allowed; allowed: %s", given, range);
			return;
		}
		sm_num *n = (sm_num *)base;
		n->known = true;
		n->v = x;
		return;
	}
	case F_VOCAB: {
		int idx = json_is_string(v) ? sm_vocab_find(f->vocab, json_string_value(v)) : -1;
		if (idx < 0) {
			error(p, path, json_is_string(v) ? "\"%s\" is not allowed; allowed: %s" : "got %s; allowed: %s",
			      json_is_string(v) ? json_string_value(v) : kind(v), sm_vocab_describe(f->vocab));
			return;
		}
		*(int *)base = idx;
		return;
	}
	case F_HIST: {
		int idx = -1;
		if (!json_is_string(v) || !sm_histology_find(json_string_value(v), &idx)) {
			char keys[1024];
			size_t len = 0;
			for (size_t k = 0; k < sm_histology_count() && len < sizeof keys; k++)
				len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s", k ? ", " : "", sm_histology_at(k)->key);
			error(p, path, "%s is not a histology key; allowed: %s", json_is_string(v) ? json_string_value(v) : kind(v), keys);
			return;
		}
		*(int *)base = idx;
		return;
	}
	case F_OBJ:
		return;
	}
}

/* errors recorded in a core sm_input, re-rooted under `prefix` */
static void input_errors(parser *p, const sm_input *in, const char *prefix)
{
	for (size_t k = 0; k < in->nerrors; k++) {
		char path[512];
		snprintf(path, sizeof path, "%s%s", prefix, in->errors[k].path);
		error(p, path, "%s", in->errors[k].message, NULL);
	}
}

static void items_into(parser *p, sm_input *in, const json_t *obj, const char *path, const char *const *skip, size_t nskip)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		int skipped = 0;
		for (size_t k = 0; k < nskip; k++)
			if (strcmp(skip[k], key) == 0)
				skipped = 1;
		if (skipped)
			continue;
		switch (json_typeof(v)) {
		case JSON_STRING: sm_input_set_text(in, key, json_string_value(v)); break;
		case JSON_INTEGER: sm_input_set_int(in, key, (long long)json_integer_value(v)); break;
		case JSON_REAL: sm_input_set_number(in, key, json_real_value(v)); break;
		case JSON_TRUE:
		case JSON_FALSE: sm_input_set_bool(in, key, json_is_true(v)); break;
		case JSON_NULL: sm_input_set_unknown(in, key); break;
		default: sm_input_reject(in, key, kind(v)); break;
		}
	}
	(void)p;
	(void)path;
}

static void neurology_sub(parser *p, const char *key, const json_t *v, const char *path)
{
	(void)key;
	if (json_is_null(v))
		return;
	if (json_is_string(v)) {
		int g = sm_vocab_find(SM_VOCAB_FRANKEL, json_string_value(v));
		if (g < 0) {
			error(p, path, "\"%s\" is not an ASIA grade; give \"A\"-\"E\" or an object with the asia items (%s)",
			      json_string_value(v), "sensory_s4_s5, voluntary_anal_contraction, motor_more_than_3_below, key_muscles_below_nli, key_muscles_grade3_below_nli, normal_exam, prior_deficit");
			return;
		}
		p->c->neurology.asia_grade = g;
		return;
	}
	if (!json_is_object(v)) {
		error(p, path, "expected an ASIA grade (\"A\"-\"E\") or an object of asia items, got %s", kind(v), NULL);
		return;
	}
	p->c->neurology.asia_items_given = true;
	items_into(p, &p->c->neurology.asia, v, path, NULL, 0);
	input_errors(p, &p->c->neurology.asia, path);
}

static void systemic_sub(parser *p, const char *key, const json_t *v, const char *path)
{
	(void)key;
	read_section(p, v, path, f_labs, NF(f_labs), NULL);
}

static const char *const lesion_bools[] = {
	"pathological_fracture", "axial_load_pain", "disc_space_involved", "adjacent_endplates_destroyed",
	"epidural_soft_tissue", "prior_radiotherapy", "compressive",
};

static void read_lesion(parser *p, const json_t *obj, const char *path)
{
	sm_lesion *l = sm_case_add_lesion(p->c);
	if (!l)
		return;
	if (!json_is_object(obj)) {
		error(p, path, "expected a lesion object, got %s", kind(obj), NULL);
		return;
	}
	sm_tri *bools[] = {&l->pathological_fracture, &l->axial_load_pain, &l->disc_space_involved,
	                   &l->adjacent_endplates_destroyed, &l->epidural_soft_tissue, &l->prior_radiotherapy,
	                   &l->compressive};
	const char *skip[1 + NF(lesion_bools)];
	skip[0] = "escc";
	for (size_t k = 0; k < NF(lesion_bools); k++)
		skip[k + 1] = lesion_bools[k];
	/* SINS items and level, through the core's own checks */
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		char fp[512];
		join(fp, sizeof fp, path, key);
		if (strcmp(key, "escc") == 0) {
			if (json_is_null(v))
				continue;
			int g = json_is_string(v) ? sm_vocab_find(SM_VOCAB_ESCC, json_string_value(v)) : -1;
			if (g < 0)
				error(p, fp, "%s is not an ESCC grade; allowed: %s", json_is_string(v) ? json_string_value(v) : kind(v),
				      sm_vocab_describe(SM_VOCAB_ESCC));
			else
				l->escc = g;
			continue;
		}
		for (size_t k = 0; k < NF(lesion_bools); k++)
			if (strcmp(key, lesion_bools[k]) == 0) {
				if (json_is_null(v))
					;
				else if (!json_is_boolean(v))
					error(p, fp, "expected true or false (or null for unknown), got %s", kind(v), NULL);
				else
					*bools[k] = json_is_true(v) ? SM_YES : SM_NO;
			}
	}
	sm_input *in = &l->sins;
	items_into(p, in, obj, path, skip, NF(skip));
	/* unknown keys: the SINS input rejects them with its own list; widen the message */
	for (size_t k = 0; k < in->nerrors; k++) {
		if (in->errors[k].code == SM_E_UNKNOWN_ITEM) {
			char fp[512];
			snprintf(fp, sizeof fp, "%s%s", path, in->errors[k].path);
			error(p, fp, "unknown lesion key; allowed keys: level, location, pain, bone_lesion, alignment, collapse, posterolateral, escc, pathological_fracture, axial_load_pain, disc_space_involved, adjacent_endplates_destroyed, epidural_soft_tissue, prior_radiotherapy, compressive%s", "", NULL);
		} else {
			char fp[512];
			snprintf(fp, sizeof fp, "%s%s", path, in->errors[k].path);
			error(p, fp, "%s", in->errors[k].message, NULL);
		}
	}
	if (!in->nerrors) {
		/* cross-item checks (level vs location) */
		sm_result r;
		sm_score(in, &r);
		for (size_t k = 0; k < r.nerrors; k++) {
			char fp[512];
			snprintf(fp, sizeof fp, "%s%s", path, r.errors[k].path);
			error(p, fp, "%s", r.errors[k].message, NULL);
		}
	}
}

static void read_events(parser *p, const json_t *arr, const char *path)
{
	if (json_is_null(arr))
		return;
	if (!json_is_array(arr)) {
		error(p, path, "expected an array of {\"type\", \"at\"} events, got %s", kind(arr), NULL);
		return;
	}
	size_t i;
	json_t *ev;
	json_array_foreach((json_t *)arr, i, ev) {
		char ep[560];
		snprintf(ep, sizeof ep, "%s/%zu", path, i);
		if (p->c->nevents >= SM_MAX_EVENTS) {
			error(p, ep, "too many events (at most %s)", "64", NULL);
			return;
		}
		if (!json_is_object(ev)) {
			error(p, ep, "expected an event object {\"type\", \"at\"}, got %s", kind(ev), NULL);
			continue;
		}
		sm_event *e = &p->c->events[p->c->nevents];
		int ok = 1, have_type = 0, have_at = 0;
		const char *key;
		json_t *v;
		json_object_foreach(ev, key, v) {
			char fp[512];
			join(fp, sizeof fp, ep, key);
			if (strcmp(key, "type") == 0) {
				int t = json_is_string(v) ? sm_vocab_find(SM_VOCAB_EVENT, json_string_value(v)) : -1;
				if (t < 0) {
					error(p, fp, "%s is not an event type; allowed: %s", json_is_string(v) ? json_string_value(v) : kind(v),
					      sm_vocab_describe(SM_VOCAB_EVENT));
					ok = 0;
				} else {
					e->type = t;
					have_type = 1;
				}
			} else if (strcmp(key, "at") == 0) {
				long long t = 0;
				if (!json_is_string(v) || sm_parse_iso8601(json_string_value(v), &t) != 0 ||
				    strlen(json_string_value(v)) >= sizeof e->text) {
					error(p, fp, "%s is not an ISO 8601 date-time; allowed: e.g. \"2026-03-01T14:30:00Z\" or \"2026-03-01\"",
					      json_is_string(v) ? json_string_value(v) : kind(v), NULL);
					ok = 0;
				} else {
					e->at = t;
					snprintf(e->text, sizeof e->text, "%s", json_string_value(v));
					have_at = 1;
				}
			} else {
				error(p, fp, "unknown key; allowed keys here: type, at%s", "", NULL);
				ok = 0;
			}
		}
		if (ok && (!have_type || !have_at)) {
			error(p, ep, "an event needs both %s", "\"type\" and \"at\"", NULL);
			ok = 0;
		}
		if (ok)
			p->c->nevents++;
	}
}

static const char *const top_keys =
	"schema, patient, cancer, symptoms, neurology, performance, systemic, imaging, history, infection, lesions, events, setting";

json_t *sm_json_read_case(const char *text, size_t len, sm_case *c)
{
	parser p = {c, json_array()};
	json_error_t je;
	sm_case_init(c);
	if (!p.errors)
		return NULL;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!doc) {
		char msg[300];
		snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
		json_t *e = json_object();
		json_object_set_new(e, "path", json_string(""));
		json_object_set_new(e, "message", json_string(msg));
		json_object_set_new(e, "line", json_integer(je.line));
		json_object_set_new(e, "column", json_integer(je.column));
		json_array_append_new(p.errors, e);
		return p.errors;
	}
	if (!json_is_object(doc)) {
		error(&p, "", "expected a case object, got %s", kind(doc), NULL);
		json_decref(doc);
		return p.errors;
	}
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v) {
		char fp[512];
		join(fp, sizeof fp, "", key);
		if (strcmp(key, "schema") == 0) {
			if (!json_is_string(v) || strcmp(json_string_value(v), "spinemets/case/1") != 0)
				error(&p, fp, "unsupported schema %s; allowed: \"spinemets/case/1\"", json_is_string(v) ? json_string_value(v) : kind(v), NULL);
		} else if (strcmp(key, "patient") == 0) {
			read_section(&p, v, fp, f_patient, NF(f_patient), NULL);
		} else if (strcmp(key, "cancer") == 0) {
			read_section(&p, v, fp, f_cancer, NF(f_cancer), NULL);
		} else if (strcmp(key, "symptoms") == 0) {
			read_section(&p, v, fp, f_symptoms, NF(f_symptoms), NULL);
		} else if (strcmp(key, "neurology") == 0) {
			read_section(&p, v, fp, f_neurology, NF(f_neurology), neurology_sub);
		} else if (strcmp(key, "performance") == 0) {
			read_section(&p, v, fp, f_performance, NF(f_performance), NULL);
		} else if (strcmp(key, "systemic") == 0) {
			read_section(&p, v, fp, f_systemic, NF(f_systemic), systemic_sub);
		} else if (strcmp(key, "imaging") == 0) {
			read_section(&p, v, fp, f_imaging, NF(f_imaging), NULL);
		} else if (strcmp(key, "history") == 0) {
			read_section(&p, v, fp, f_history, NF(f_history), NULL);
		} else if (strcmp(key, "infection") == 0) {
			read_section(&p, v, fp, f_infection, NF(f_infection), NULL);
		} else if (strcmp(key, "setting") == 0) {
			read_section(&p, v, fp, f_setting, NF(f_setting), NULL);
		} else if (strcmp(key, "events") == 0) {
			read_events(&p, v, fp);
		} else if (strcmp(key, "lesions") == 0) {
			if (json_is_null(v))
				continue;
			if (!json_is_array(v)) {
				error(&p, fp, "expected an array of lesions, got %s", kind(v), NULL);
				continue;
			}
			if (json_array_size(v) > SM_MAX_LESIONS) {
				error(&p, fp, "too many lesions (at most %s, one per involved level)", "30", NULL);
				continue;
			}
			size_t i;
			json_t *l;
			json_array_foreach(v, i, l) {
				char lp[256];
				snprintf(lp, sizeof lp, "/lesions/%zu", i);
				read_lesion(&p, l, lp);
			}
		} else {
			error(&p, fp, "unknown key; allowed keys: %s", top_keys, NULL);
		}
	}
	json_decref(doc);
	/* impossible combinations */
	if (c->cancer.history == SM_HISTORY_NONE && c->cancer.primary >= 0 &&
	    strcmp(sm_histology_at((size_t)c->cancer.primary)->key, "unknown") != 0)
		error(&p, "/cancer/primary", "a primary (%s) contradicts history \"none\"; use history \"known\" or \"suspected\"",
		      sm_histology_at((size_t)c->cancer.primary)->key, NULL);
	if (c->systemic.visceral_metastases == SM_VISC_NONE &&
	    (c->systemic.visceral_pattern >= 0 || c->systemic.visceral_removable != SM_UNKNOWN || c->systemic.visceral_treatable != SM_UNKNOWN))
		error(&p, "/systemic/visceral_metastases", "visceral_metastases \"none\" contradicts %s", "visceral_pattern/visceral_removable/visceral_treatable", NULL);
	if (c->neurology.asia_items_given && c->neurology.asia.nerrors == 0) {
		sm_result r;
		sm_score(&c->neurology.asia, &r);
		for (size_t k = 0; k < r.nerrors; k++) {
			char fp[512];
			snprintf(fp, sizeof fp, "/neurology/asia%s", r.errors[k].path);
			error(&p, fp, "%s", r.errors[k].message, NULL);
		}
		if (r.status == SM_RESULT_OK && r.grade)
			c->neurology.asia_grade = sm_vocab_find(SM_VOCAB_FRANKEL, r.grade);
	}
	return p.errors;
}

/* ---------------- ISO 8601 ---------------- */
static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	*out = v;
	return 0;
}

static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int sm_parse_iso8601(const char *s, long long *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	const char *p = s + 10;
	long long off = 0;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi))
			return -1;
		p += 5;
		if (*p == ':') {
			if (digits(p + 1, 2, &se))
				return -1;
			p += 3;
			if (*p == '.' || *p == ',') {
				p++;
				if (*p < '0' || *p > '9')
					return -1;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		if (*p == 'Z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			int sign = *p == '-' ? -1 : 1;
			if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 14 || om > 59)
				return -1;
			off = sign * (oh * 3600LL + om * 60LL);
			p += 6;
		}
	}
	if (*p)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + se - off;
	return 0;
}

/* ---------------- assessment -> JSON ---------------- */
/* Written straight to text with the streaming writer (jw.h). The document is
** the one the former jansson tree builder produced (KEYS.md §4), byte for
** byte: a NULL string in a list is left out, as json_array_append_new
** of json_string(NULL) did; a NULL string as an object member is written as
** null (the tree silently dropped the member). */

static void jw_reasons(sm_jw *w, const sm_reason *r, size_t n)
{
	sm_jw_arr(w);
	for (size_t k = 0; k < n; k++) {
		sm_jw_obj(w);
		sm_jw_kstr(w, "rule", r[k].rule->id);
		sm_jw_kstr(w, "text", r[k].text);
		sm_jw_kstr(w, "source", r[k].rule->section);
		sm_jw_kstr(w, "framework", r[k].rule->framework);
		sm_jw_kstr(w, "age_scope", sm_age_scope_name(r[k].rule->scope));
		sm_jw_obj_end(w);
	}
	sm_jw_arr_end(w);
}

/* A list of strings; NULL entries are left out. */
static void jw_str_list(sm_jw *w, const char *const *s, size_t n)
{
	sm_jw_arr(w);
	for (size_t k = 0; k < n; k++)
		if (s[k])
			sm_jw_str(w, s[k]);
	sm_jw_arr_end(w);
}

/* keys list + {key: reasons} map. A key given twice keeps its first place in
** the map with the reasons of its last entry (what json_object_set_new did;
** the core never repeats a key). NULL keys are left out. */
static void jw_keyed(sm_jw *w, const char *list_name, const char *reasons_name, const sm_item_list *items, size_t n)
{
	sm_jw_key(w, list_name);
	sm_jw_arr(w);
	for (size_t k = 0; k < n; k++)
		if (items[k].key)
			sm_jw_str(w, items[k].key);
	sm_jw_arr_end(w);
	sm_jw_key(w, reasons_name);
	sm_jw_obj(w);
	for (size_t k = 0; k < n; k++) {
		const char *key = items[k].key;
		if (!key)
			continue;
		size_t j, last = k;
		for (j = 0; j < k; j++)
			if (items[j].key && items[j].key[0] == key[0] && strcmp(items[j].key, key) == 0)
				break;
		if (j < k)
			continue; /* written at its first place */
		for (j = k + 1; j < n; j++)
			if (items[j].key && items[j].key[0] == key[0] && strcmp(items[j].key, key) == 0)
				last = j;
		sm_jw_key(w, key);
		jw_reasons(w, items[last].reasons, items[last].nreasons);
	}
	sm_jw_obj_end(w);
}

static void jw_name_or_null(sm_jw *w, const char *key, const char *const *names, int idx, int n)
{
	sm_jw_key(w, key);
	if (idx >= 0 && idx < n)
		sm_jw_str(w, names[idx]);
	else
		sm_jw_null(w);
}

static const char *const patchell_undetermined_note =
	"Patchell eligibility cannot be decided yet: record the criteria marked unknown. Discuss with the MSCC coordinator and a spinal surgeon.";
static const char *const patchell_eligible_note =
	"All Patchell criteria hold: consider decompressive surgery plus postoperative radiotherapy; discuss with the MSCC coordinator and a spinal surgeon.";
static const char *const patchell_not_eligible_note =
	"Not every Patchell criterion holds (see reasons): radiotherapy with or without systemic therapy, or best supportive care; surgery may still be considered for instability, bony retropulsion, unknown histology needing tissue, prior radiotherapy to the level or progression despite radiotherapy. Discuss with the MSCC coordinator and a spinal surgeon.";
static const char *const assessment_disclaimer =
	"Decision support for qualified clinicians, never a diagnosis. Every option shows its reasons and sources (REFERENCE.md sections).";

void sm_jw_assessment(sm_jw *w, const sm_case *c, const sm_assessment *a)
{
	sm_jw_obj(w);
	sm_jw_kstr(w, "schema", "spinemets/assessment/1");
	sm_jw_kstr(w, "engine_version", SM_ENGINE_VERSION);
	sm_jw_kstr(w, "status", "ok");

	sm_jw_key(w, "triage");
	sm_jw_obj(w);
	sm_jw_kstr(w, "urgency", sm_urgency_name(a->urgency));
	if (a->contact_within_hours >= 0)
		sm_jw_kint(w, "contact_within_hours", a->contact_within_hours);
	else
		sm_jw_knull(w, "contact_within_hours");
	if (a->mri_within_hours >= 0)
		sm_jw_kint(w, "mri_within_hours", a->mri_within_hours);
	sm_jw_kstr(w, "dexamethasone", sm_dex_name(a->dexamethasone));
	jw_keyed(w, "actions", "action_reasons", a->actions, a->nactions);
	sm_jw_key(w, "reasons");
	jw_reasons(w, a->triage_reasons, a->ntriage_reasons);
	sm_jw_kbool(w, "complete", a->triage_complete);
	if (a->dex_rule)
		sm_jw_kstr(w, "dexamethasone_rule", a->dex_rule->id);
	else
		sm_jw_knull(w, "dexamethasone_rule");
	jw_keyed(w, "mimics", "mimic_reasons", a->mimics, a->nmimics);
	sm_jw_kbool(w, "adolescent", a->adolescent);
	sm_jw_obj_end(w);

	sm_jw_key(w, "lesions");
	sm_jw_arr(w);
	for (size_t k = 0; k < a->nlesions; k++) {
		sm_jw_obj(w);
		const sm_value *lv = sm_input_get(&c->lesions[k].sins, "level");
		if (lv) {
			char lvl[16];
			if (lv->lo == lv->hi)
				snprintf(lvl, sizeof lvl, "%s", sm_level_name(lv->lo));
			else
				snprintf(lvl, sizeof lvl, "%s-%s", sm_level_name(lv->lo), sm_level_name(lv->hi));
			sm_jw_kstr(w, "level", lvl);
		} else {
			sm_jw_knull(w, "level");
		}
		sm_jw_kbool(w, "index", (int)k == a->index_lesion);
		sm_jw_key(w, "sins");
		sm_jw_result(w, &a->sins[k]);
		sm_jw_key(w, "escc");
		sm_jw_result(w, &a->escc[k]);
		sm_jw_obj_end(w);
	}
	sm_jw_arr_end(w);
	if (a->index_lesion >= 0)
		sm_jw_kint(w, "index_lesion", a->index_lesion);
	else
		sm_jw_knull(w, "index_lesion");

	sm_jw_key(w, "scores");
	sm_jw_obj(w);
	sm_jw_kbool(w, "computed", a->adult_scores_computed);
	if (a->adult_scores_computed) {
		static const char *const names[6] = {"tokuhashi_revised", "tomita", "bauer", "bauer_modified", "nesms", "katagiri"};
		const sm_result *res[6] = {&a->tokuhashi, &a->tomita, &a->bauer, &a->bauer_modified, &a->nesms, &a->katagiri};
		for (int k = 0; k < 6; k++) {
			sm_jw_key(w, names[k]);
			sm_jw_result(w, res[k]);
		}
	} else {
		sm_jw_kstr(w, "reason", a->adult_scores_reason);
	}
	sm_jw_obj_end(w);

	sm_jw_key(w, "noms");
	sm_jw_obj(w);
	jw_name_or_null(w, "neurologic", sm_noms_neurologic_names, a->noms_neurologic, 3);
	jw_name_or_null(w, "oncologic", sm_noms_oncologic_names, a->noms_oncologic, 3);
	jw_name_or_null(w, "mechanical", sm_noms_mechanical_names, a->noms_mechanical, 3);
	sm_jw_kstr(w, "systemic", a->noms_systemic >= 0 ? sm_noms_systemic_names[a->noms_systemic] : "unknown");
	sm_jw_key(w, "assessment_reasons");
	sm_jw_obj(w);
	static const char *const dims[4] = {"neurologic", "oncologic", "mechanical", "systemic"};
	for (int d = 0; d < 4; d++) {
		sm_jw_key(w, dims[d]);
		jw_reasons(w, a->noms_reasons[d], a->noms_nreasons[d]);
	}
	sm_jw_obj_end(w);
	jw_keyed(w, "options", "reasons", a->options, a->noptions);
	/* the framework that put each option there (its first reason's rule) */
	sm_jw_key(w, "option_frameworks");
	sm_jw_obj(w);
	for (size_t k = 0; k < a->noptions; k++)
		if (a->options[k].key && a->options[k].nreasons)
			sm_jw_kstr(w, a->options[k].key, a->options[k].reasons[0].rule->framework);
	sm_jw_obj_end(w);
	sm_jw_key(w, "referrals");
	jw_str_list(w, a->referrals, a->nreferrals);
	sm_jw_obj_end(w);

	sm_jw_key(w, "surgery");
	sm_jw_obj(w);
	sm_jw_kbool(w, "patchell_eligible", a->patchell_eligible);
	sm_jw_kstr(w, "eligibility", a->patchell_eligibility == SM_YES ? "eligible" : a->patchell_eligibility == SM_NO ? "not_eligible" : "unknown");
	sm_jw_kbool(w, "conflict", a->patchell_conflict);
	sm_jw_key(w, "reasons");
	sm_jw_arr(w);
	int failed = 0, open = 0;
	for (size_t k = 0; k < a->npatchell; k++) {
		const sm_patchell_criterion *p = &a->patchell[k];
		sm_jw_obj(w);
		sm_jw_kstr(w, "criterion", p->criterion);
		sm_jw_kstr(w, "status", p->met == SM_YES ? "met" : p->met == SM_NO ? "not_met" : "unknown");
		sm_jw_kstr(w, "text", p->text);
		sm_jw_obj_end(w);
		failed += p->met == SM_NO;
		open += p->met == SM_UNKNOWN;
	}
	sm_jw_arr_end(w);
	sm_jw_kbool(w, "undetermined", a->patchell_applicable && !failed && open);
	sm_jw_kbool(w, "applicable", a->patchell_applicable);
	sm_jw_kstr(w, "note", a->patchell_note ? a->patchell_note
	                      : !failed && open ? patchell_undetermined_note
	                      : a->patchell_eligible ? patchell_eligible_note
	                      : patchell_not_eligible_note);
	sm_jw_obj_end(w);

	jw_keyed(w, "workup", "workup_reasons", a->workup, a->nworkup);
	jw_keyed(w, "differential", "differential_reasons", a->differential, a->ndifferential);
	sm_jw_key(w, "primary_candidates");
	jw_str_list(w, a->primary_candidates, a->nprimary_candidates);
	if (a->paediatric) {
		sm_jw_key(w, "paediatric");
		sm_jw_obj(w);
		sm_jw_kstr(w, "scale", a->perf_scale);
		sm_jw_kbool(w, "adult_scores_suppressed", !a->adult_scores_computed);
		sm_jw_key(w, "notes");
		jw_str_list(w, a->paediatric_notes, a->npaediatric_notes);
		sm_jw_obj_end(w);
	}
	sm_jw_key(w, "warnings");
	jw_str_list(w, a->warnings, a->nwarnings);
	sm_jw_key(w, "rules");
	sm_jw_arr(w);
	for (size_t k = 0; k < a->nfired; k++)
		if (a->fired[k]->id)
			sm_jw_str(w, a->fired[k]->id);
	sm_jw_arr_end(w);
	sm_jw_key(w, "care_plan"); /* REFERENCE §16 (json_careplan.c) */
	sm_jw_care_plan(w, &a->care_plan);
	sm_jw_kstr(w, "disclaimer", assessment_disclaimer);
	sm_jw_obj_end(w);
}

/* Any jansson value, as json_dumps() writes it with JSON_PRESERVE_ORDER. */
static void jw_value(sm_jw *w, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *m;
		sm_jw_obj(w);
		json_object_foreach((json_t *)v, key, m) {
			sm_jw_key(w, key);
			jw_value(w, m);
		}
		sm_jw_obj_end(w);
		return;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *m;
		sm_jw_arr(w);
		json_array_foreach(v, i, m) jw_value(w, m);
		sm_jw_arr_end(w);
		return;
	}
	case JSON_STRING: sm_jw_strn(w, json_string_value(v), json_string_length(v)); return;
	case JSON_INTEGER: sm_jw_int(w, (long long)json_integer_value(v)); return;
	case JSON_REAL: sm_jw_real(w, json_real_value(v)); return;
	case JSON_TRUE: sm_jw_bool(w, true); return;
	case JSON_FALSE: sm_jw_bool(w, false); return;
	case JSON_NULL: break;
	}
	sm_jw_null(w);
}

void sm_jw_case_invalid(sm_jw *w, const json_t *errors)
{
	sm_jw_obj(w);
	sm_jw_kstr(w, "schema", "spinemets/assessment/1");
	sm_jw_kstr(w, "engine_version", SM_ENGINE_VERSION);
	sm_jw_kstr(w, "status", "invalid");
	sm_jw_key(w, "errors");
	if (errors) {
		jw_value(w, errors);
	} else {
		sm_jw_arr(w);
		sm_jw_arr_end(w);
	}
	sm_jw_obj_end(w);
}

json_t *sm_json_assessment(const sm_case *c, const sm_assessment *a)
{
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_assessment(&w, c, a);
	return sm_jw_to_json(&w);
}

json_t *sm_json_case_invalid(json_t *errors)
{
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_case_invalid(&w, errors);
	json_decref(errors);
	return sm_jw_to_json(&w);
}
