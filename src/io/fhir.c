/*
** fhir.c: FHIR R4 Bundle -> spinemets case with provenance, and assessment ->
** FHIR R4 Bundle (docs/fhir.md). Codes mean what the core's tables say
** (src/core/codemap.c); everything else is reported, never guessed.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/fhir.h"
#include "io/json_case.h"
#include "spinemets.h"

#define NFIELDS 16

typedef struct cand { /* the latest observation for one case field */
	json_t *value;
	char date[48];
	char from[160], entry[32], element[64], note[400];
} cand;

typedef struct imp {
	json_t *casej, *prov, *ignored;
	long long at;          /* seconds, 00:00 UTC of the assessment date */
	char at_text[16];
	cand obs[NFIELDS];
	bool level_seen[SM_NLEVELS];
	char level_from[SM_NLEVELS][160];
	char level_entry[SM_NLEVELS][32];
	char bone_sites[32][24]; /* distinct coded bone sites outside the spine */
	int nbone;
	char bone_from[160], bone_entry[32];
	bool have_patient, have_primary;
	char from[160], entry[32]; /* the resource being read */
} imp;

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void ignore(imp *m, const char *element, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ignore(imp *m, const char *element, const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	json_array_append_new(m->ignored, json_pack("{s:s, s:s, s:s, s:s}", "from", m->from, "entry", m->entry,
	                                            "element", element, "reason", reason));
}

/* the object at /section (or /section/sub), created on first use */
static json_t *section(imp *m, const char *name, const char *sub)
{
	json_t *s = json_object_get(m->casej, name);
	if (!s) {
		s = json_object();
		json_object_set_new(m->casej, name, s);
	}
	if (!sub)
		return s;
	json_t *t = json_object_get(s, sub);
	if (!t) {
		t = json_object();
		json_object_set_new(s, sub, t);
	}
	return t;
}

static void provenance(imp *m, const char *path, const json_t *value, const char *from, const char *entry,
                       const char *element, const char *note)
{
	json_array_append_new(m->prov, json_pack("{s:s, s:O, s:s, s:s, s:s, s:s}", "path", path, "value", value,
	                                         "from", from, "entry", entry, "element", element, "note", note ? note : ""));
}

/* set /sec/key (or /sec/sub/key) to v (stolen) with its provenance */
static void set_field(imp *m, const char *sec, const char *sub, const char *key, json_t *v,
                      const char *element, const char *note)
{
	char path[128];
	if (sub)
		snprintf(path, sizeof path, "/%s/%s/%s", sec, sub, key);
	else
		snprintf(path, sizeof path, "/%s/%s", sec, key);
	json_object_set_new(section(m, sec, sub), key, v);
	provenance(m, path, v, m->from, m->entry, element, note);
}

/* ---- dates ---- */

/* "YYYY-MM-DD..." -> seconds at 00:00 UTC of that day; -1 when not a full date */
static int day_of(const char *s, long long *out)
{
	char d[11];
	if (!s || strlen(s) < 10)
		return -1;
	memcpy(d, s, 10);
	d[10] = '\0';
	return sm_parse_iso8601(d, out);
}

static int ymd(const char *s, int *y, int *mo, int *d)
{
	long long t;
	if (day_of(s, &t) != 0)
		return -1;
	return sscanf(s, "%4d-%2d-%2d", y, mo, d) == 3 ? 0 : -1;
}

static double round_to(double v, double unit) { return round(v / unit) * unit; }

/* ---- Patient ---- */
static void read_patient(imp *m, const json_t *r)
{
	if (m->have_patient) {
		ignore(m, "", "a second Patient: a case describes one patient; only the first is read");
		return;
	}
	m->have_patient = true;
	const char *g = str(r, "gender");
	if (g) {
		if (strcmp(g, "female") == 0 || strcmp(g, "male") == 0 || strcmp(g, "other") == 0)
			set_field(m, "patient", NULL, "sex", json_string(g), "gender", NULL);
		else
			ignore(m, "gender", "gender \"%s\" is not a sex the case records (female, male, other); left unknown", g);
	} else if (json_object_get(r, "gender")) {
		ignore(m, "gender", "not a string; left unknown");
	}
	json_t *bd = json_object_get(r, "birthDate");
	if (!bd)
		return;
	const char *b = json_string_value(bd);
	int by, bm, bday, ay, am, ad;
	if (!b || ymd(b, &by, &bm, &bday) != 0) {
		ignore(m, "birthDate", "not a full date YYYY-MM-DD; age left unknown (not estimated from a partial date)");
		return;
	}
	ymd(m->at_text, &ay, &am, &ad);
	int months = (ay - by) * 12 + (am - bm) - (ad < bday ? 1 : 0);
	if (months < 0) {
		ignore(m, "birthDate", "birth date %s is after the assessment date %s; age left unknown", b, m->at_text);
		return;
	}
	double age = months >= 24 ? (double)(months / 12) : round_to(months / 12.0, 0.01);
	if (age > 130) {
		ignore(m, "birthDate", "birth date %s gives an age over 130 at %s; left unknown", b, m->at_text);
		return;
	}
	char note[96];
	snprintf(note, sizeof note, "born %s; age in completed %s at %s", b, months >= 24 ? "years" : "months / 12", m->at_text);
	set_field(m, "patient", NULL, "age_years", months >= 24 ? json_integer(months / 12) : json_real(age), "birthDate", note);
}

/* ---- codings ---- */

/* the first coding of a CodeableConcept the tables know; unknown codings
** listed in `seen` (for the report) */
static const sm_code_map *map_concept(const json_t *cc, char *seen, size_t seensz)
{
	size_t i;
	json_t *c;
	seen[0] = '\0';
	json_array_foreach(json_object_get(cc, "coding"), i, c) {
		const char *sys = str(c, "system"), *code = str(c, "code");
		const sm_code_map *row = sm_code_map_find(sm_code_system_find(sys), code);
		if (row)
			return row;
		size_t n = strlen(seen);
		if (n + 8 < seensz)
			snprintf(seen + n, seensz - n, "%s%s|%s", n ? ", " : "", sys ? sys : "(no system)", code ? code : "(no code)");
	}
	return NULL;
}

static bool has_profile(const json_t *r, const char *part)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(r, "meta"), "profile"), i, p) {
		const char *s = json_string_value(p);
		if (s && strstr(s, part))
			return true;
	}
	return false;
}

static const char *coded(const json_t *cc) /* first coding's code of a CodeableConcept */
{
	return str(json_array_get(json_object_get(cc, "coding"), 0), "code");
}

static void set_history(imp *m, const char *h, const char *element, const char *note)
{
	json_t *cancer = json_object_get(m->casej, "cancer");
	const char *now = str(cancer, "history");
	if (now && (strcmp(now, "known") == 0 || strcmp(h, "suspected") == 0))
		return;
	if (now) { /* "suspected" raised to "known": replace the provenance row */
		size_t i;
		json_t *p;
		json_array_foreach(m->prov, i, p) if (strcmp(str(p, "path"), "/cancer/history") == 0) {
			json_array_remove(m->prov, i);
			break;
		}
	}
	set_field(m, "cancer", NULL, "history", json_string(h), element, note);
}

static void read_primary(imp *m, const json_t *r, const sm_code_map *row, const char *vs)
{
	bool suspected = vs && (strcmp(vs, "provisional") == 0 || strcmp(vs, "differential") == 0 || strcmp(vs, "unconfirmed") == 0);
	if (m->have_primary) {
		ignore(m, "code", "a second primary cancer condition: the case holds one primary; the first is kept");
		return;
	}
	m->have_primary = true;
	set_history(m, suspected ? "suspected" : "known", "code", suspected ? "verificationStatus is not confirmed" : NULL);
	if (row) {
		if (!sm_histology_find(row->value, NULL)) {
			ignore(m, "code", "code maps to \"%s\", which is not a histology catalogue key", row->value);
		} else {
			char note[256];
			snprintf(note, sizeof note, "%s|%s (%s)", sm_code_system_uri(row->system), row->code, row->display);
			set_field(m, "cancer", NULL, "primary", json_string(row->value), "code", note);
		}
	}
	if (vs) {
		if (strcmp(vs, "confirmed") == 0)
			set_field(m, "cancer", NULL, "tissue_confirmed", json_true(), "verificationStatus", "confirmed");
		else if (suspected)
			set_field(m, "cancer", NULL, "tissue_confirmed", json_false(), "verificationStatus", vs);
	} else {
		ignore(m, "verificationStatus", "absent: tissue confirmation left unknown");
	}
	const json_t *onset = json_object_get(r, "onsetDateTime");
	const char *elem = "onsetDateTime";
	if (!onset && json_object_get(r, "onsetPeriod")) {
		onset = json_object_get(json_object_get(r, "onsetPeriod"), "start");
		elem = "onsetPeriod.start";
	}
	if (onset) {
		long long t;
		const char *o = json_string_value(onset);
		if (!o || day_of(o, &t) != 0)
			ignore(m, elem, "not a full date YYYY-MM-DD: months since diagnosis left unknown");
		else if (t > m->at)
			ignore(m, elem, "onset %s is after the assessment date %s", o, m->at_text);
		else {
			double months = round_to((double)(m->at - t) / 86400.0 / 30.4375, 0.1);
			char note[96];
			snprintf(note, sizeof note, "onset %s to %s, 30.44-day months", o, m->at_text);
			set_field(m, "cancer", NULL, "months_since_diagnosis", json_real(months), elem, note);
		}
	}
}

static void add_level(imp *m, const char *level)
{
	for (int k = 0; k < SM_NLEVELS; k++)
		if (strcmp(sm_level_name(k), level) == 0 && !m->level_seen[k]) {
			m->level_seen[k] = true;
			snprintf(m->level_from[k], sizeof m->level_from[k], "%s", m->from);
			snprintf(m->level_entry[k], sizeof m->level_entry[k], "%s", m->entry);
		}
}

static void add_bone_site(imp *m, const char *code)
{
	for (int k = 0; k < m->nbone; k++)
		if (strcmp(m->bone_sites[k], code) == 0)
			return;
	if (m->nbone < 32) {
		snprintf(m->bone_sites[m->nbone++], sizeof m->bone_sites[0], "%s", code);
		snprintf(m->bone_from, sizeof m->bone_from, "%s", m->from);
		snprintf(m->bone_entry, sizeof m->bone_entry, "%s", m->entry);
	}
}

static void site(imp *m, sm_code_kind kind, const sm_code_map *s, const char *element)
{
	switch (kind) {
	case SM_CODE_SITE_LEVEL: add_level(m, s->value); break;
	case SM_CODE_SITE_SPINE: ignore(m, element, "%s: the spine without a coded level; no lesion made (record the level)", s->display); break;
	case SM_CODE_SITE_BONE: add_bone_site(m, s->code); break;
	case SM_CODE_SITE_VISCERAL: set_field(m, "systemic", NULL, "visceral_metastases", json_string("present"), element, s->display); break;
	case SM_CODE_SITE_BRAIN: set_field(m, "systemic", NULL, "brain_metastases", json_true(), element, s->display); break;
	default: ignore(m, element, "%s is not a body site", s->display); break;
	}
}

static void read_secondary(imp *m, const json_t *r, const sm_code_map *row)
{
	sm_code_kind k = row ? row->kind : SM_CODE_SECONDARY;
	set_history(m, "known", "code", "a metastasis is recorded");
	if (k == SM_CODE_SECONDARY_NODE) {
		ignore(m, "code", "%s: lymph-node metastases are not a case field", row->display);
		return;
	}
	if (k == SM_CODE_SECONDARY_VISCERAL) {
		set_field(m, "systemic", NULL, "visceral_metastases", json_string("present"), "code", row->display);
		return;
	}
	if (k == SM_CODE_SECONDARY_BRAIN) {
		set_field(m, "systemic", NULL, "brain_metastases", json_true(), "code", row->display);
		return;
	}
	/* bone, spine or unspecified: the site comes from bodySite */
	size_t i;
	json_t *bs;
	int used = 0;
	json_array_foreach(json_object_get(r, "bodySite"), i, bs) {
		char el[48], seen[256];
		snprintf(el, sizeof el, "bodySite[%zu]", i);
		const sm_code_map *s = map_concept(bs, seen, sizeof seen);
		if (!s) {
			ignore(m, el, "body site code(s) %s not in the tables: not guessed", *seen ? seen : "(none)");
			continue;
		}
		used++;
		if (s->kind == SM_CODE_SITE_BONE && k != SM_CODE_SECONDARY_BONE && k != SM_CODE_SECONDARY) {
			ignore(m, el, "%s does not agree with a vertebral-column metastasis code", s->display);
			continue;
		}
		site(m, s->kind, s, el);
	}
	if (!used) {
		if (k == SM_CODE_SECONDARY_SPINE)
			ignore(m, "bodySite", "a vertebral metastasis without a coded level: no lesion made (record the level)");
		else if (k == SM_CODE_SECONDARY_BONE)
			ignore(m, "bodySite", "a bone metastasis without a coded site: not counted");
		else
			ignore(m, "bodySite", "a metastasis without a coded site: nothing recorded");
	}
}

static void read_condition(imp *m, const json_t *r)
{
	const char *vs = coded(json_object_get(r, "verificationStatus"));
	if (vs && (strcmp(vs, "refuted") == 0 || strcmp(vs, "entered-in-error") == 0)) {
		ignore(m, "verificationStatus", "verificationStatus %s: not read", vs);
		return;
	}
	char seen[256];
	const sm_code_map *row = map_concept(json_object_get(r, "code"), seen, sizeof seen);
	bool prim_prof = has_profile(r, "primary-cancer-condition");
	bool sec_prof = has_profile(r, "secondary-cancer-condition");
	if (row && row->kind == SM_CODE_PRIMARY && !sec_prof) {
		read_primary(m, r, row, vs);
	} else if (row && row->kind >= SM_CODE_SECONDARY && row->kind <= SM_CODE_SECONDARY_NODE) {
		read_secondary(m, r, row);
	} else if (!row && prim_prof) {
		ignore(m, "code", "primary cancer code(s) %s not in the tables: primary left unknown, not guessed", *seen ? seen : "(none)");
		read_primary(m, r, NULL, vs);
	} else if (!row && sec_prof) {
		ignore(m, "code", "secondary cancer code(s) %s not in the tables: the site is read from bodySite", *seen ? seen : "(none)");
		read_secondary(m, r, NULL);
	} else if (row) {
		ignore(m, "code", "code %s does not agree with the profile; not read", row->code);
	} else {
		ignore(m, "code", "code(s) %s not in the tables: not a cancer condition this importer knows; not guessed", *seen ? seen : "(none)");
	}
}

/* ---- Observations ---- */
static void read_observation(imp *m, const json_t *r)
{
	const char *status = str(r, "status");
	if (status && (strcmp(status, "entered-in-error") == 0 || strcmp(status, "cancelled") == 0 || strcmp(status, "registered") == 0)) {
		ignore(m, "status", "status %s: not read", status);
		return;
	}
	const sm_obs_map *om = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(json_object_get(r, "code"), "coding"), i, c) {
		om = sm_obs_map_find(sm_code_system_find(str(c, "system")), str(c, "code"));
		if (om)
			break;
	}
	if (!om) {
		char seen[256];
		map_concept(json_object_get(r, "code"), seen, sizeof seen);
		ignore(m, "code", "observation code(s) %s not in the tables: not a case field", *seen ? seen : "(none)");
		return;
	}
	const char *eff = str(r, "effectiveDateTime");
	const char *eff_el = "effectiveDateTime";
	if (!eff) {
		eff = str(json_object_get(r, "effectivePeriod"), "start");
		eff_el = "effectivePeriod.start";
	}
	if (!eff) {
		eff = str(r, "issued");
		eff_el = "issued";
	}
	long long t;
	if (eff && day_of(eff, &t) == 0 && t > m->at) {
		ignore(m, eff_el, "%s is after the assessment date %s: not read", eff, m->at_text);
		return;
	}
	/* the number and its unit */
	double v;
	const char *unit = "", *el = "valueInteger";
	const json_t *vi = json_object_get(r, "valueInteger"), *vq = json_object_get(r, "valueQuantity");
	if (json_is_integer(vi)) {
		v = (double)json_integer_value(vi);
	} else if (json_is_number(json_object_get(vq, "value"))) {
		v = json_number_value(json_object_get(vq, "value"));
		el = "valueQuantity";
		const char *sys = str(vq, "system"), *code = str(vq, "code");
		if (code && (!sys || strcmp(sys, "http://unitsofmeasure.org") == 0))
			unit = code;
		else if (str(vq, "unit"))
			unit = str(vq, "unit");
	} else {
		ignore(m, "value[x]", "no valueInteger or numeric valueQuantity: %s left unknown", om->path);
		return;
	}
	const sm_unit_map *u = sm_unit_map_find(om->field, unit);
	if (!u) {
		ignore(m, el, "unit \"%s\" cannot be converted for %s (no conversion in the tables): not guessed", unit, om->path);
		return;
	}
	double cv = v * u->factor;
	json_t *val;
	char note[256];
	if (om->field == SM_OBS_ECOG || om->field == SM_OBS_KPS || om->field == SM_OBS_LANSKY) {
		if (cv != floor(cv)) {
			ignore(m, el, "%g is not a whole score: %s left unknown", cv, om->path);
			return;
		}
		if (om->field == SM_OBS_ECOG && cv == 5) {
			ignore(m, el, "ECOG 5 means dead: not a performance status the case takes; not imported (check the record)");
			return;
		}
		if (om->field == SM_OBS_ECOG ? (cv < 0 || cv > 4) : (cv < 0 || cv > 100 || fmod(cv, 10) != 0)) {
			ignore(m, el, "%g is outside the scale (%s): not imported", cv, om->field == SM_OBS_ECOG ? "0-4" : "0-100 in steps of 10");
			return;
		}
		val = json_integer((json_int_t)cv);
		snprintf(note, sizeof note, "%s", om->display);
	} else {
		cv = round_to(cv, 0.001);
		val = json_real(cv);
		snprintf(note, sizeof note, "%s: %g %s x %g", om->display, v, *unit ? unit : "(no unit)", u->factor);
	}
	cand *cd = &m->obs[om->field];
	const char *d = eff ? eff : "";
	if (cd->value) {
		if (strcmp(d, cd->date) <= 0) {
			ignore(m, eff_el, "an older (or undated) value than the one read from %s for %s", cd->from, om->path);
			json_decref(val);
			return;
		}
		json_array_append_new(m->ignored, json_pack("{s:s, s:s, s:s, s:s}", "from", cd->from, "entry", cd->entry,
		                                            "element", cd->element, "reason", "superseded by a later observation"));
		json_decref(cd->value);
	}
	cd->value = val;
	snprintf(cd->date, sizeof cd->date, "%s", d);
	snprintf(cd->from, sizeof cd->from, "%s", m->from);
	snprintf(cd->entry, sizeof cd->entry, "%s", m->entry);
	snprintf(cd->element, sizeof cd->element, "%s", el);
	snprintf(cd->note, sizeof cd->note, "%s%s%s", note, *d ? "; effective " : "; undated", d);
}

static void finish(imp *m)
{
	for (size_t k = 0; k < sm_obs_map_count(); k++) {
		const sm_obs_map *om = sm_obs_map_at(k);
		cand *cd = &m->obs[om->field];
		if (!cd->value)
			continue;
		char sec[32], key[48];
		const char *p = om->path + 1, *last = strrchr(om->path, '/');
		snprintf(key, sizeof key, "%s", last + 1);
		const char *slash = strchr(p, '/');
		snprintf(sec, sizeof sec, "%.*s", (int)(slash - p), p);
		json_t *target = section(m, sec, strcmp(last, slash) != 0 ? "labs" : NULL);
		json_object_set_new(target, key, cd->value);
		provenance(m, om->path, cd->value, cd->from, cd->entry, cd->element, cd->note);
		cd->value = NULL;
	}
	json_t *lesions = NULL;
	for (int k = 0; k < SM_NLEVELS; k++) {
		if (!m->level_seen[k])
			continue;
		if (!lesions) {
			lesions = json_array();
			json_object_set_new(m->casej, "lesions", lesions);
		}
		char path[48];
		snprintf(path, sizeof path, "/lesions/%zu/level", json_array_size(lesions));
		json_t *l = json_pack("{s:s}", "level", sm_level_name(k));
		json_array_append_new(lesions, l);
		provenance(m, path, json_object_get(l, "level"), m->level_from[k], m->level_entry[k], "bodySite",
		           "a vertebral level coded on a metastasis; the lesion's SINS and ESCC items are not in FHIR: record them");
	}
	if (m->nbone) {
		json_t *n = json_integer(m->nbone);
		json_object_set_new(section(m, "systemic", NULL), "extraspinal_bone_metastases", n);
		provenance(m, "/systemic/extraspinal_bone_metastases", n, m->bone_from, m->bone_entry, "bodySite",
		           "distinct coded bone sites outside the spine: a lower bound (uncoded sites are not counted)");
	}
}

/* drop case fields the case parser refuses (range checks live there), moving
** their provenance to "ignored" with the parser's message */
static void drop_invalid(imp *m)
{
	for (int round = 0; round < 3; round++) {
		char *text = json_dumps(m->casej, JSON_COMPACT);
		sm_case *c = malloc(sizeof *c);
		if (!text || !c) {
			free(text);
			free(c);
			return;
		}
		json_t *errs = sm_json_read_case(text, strlen(text), c);
		free(text);
		free(c);
		if (!errs || !json_array_size(errs)) {
			json_decref(errs);
			return;
		}
		size_t i;
		json_t *e;
		json_array_foreach(errs, i, e) {
			const char *path = str(e, "path");
			size_t j;
			json_t *p;
			json_array_foreach(m->prov, j, p) if (strcmp(str(p, "path"), path) == 0) {
				char why[SM_ERRMSG_SIZE + 64];
				snprintf(why, sizeof why, "the case refuses it: %s", str(e, "message") ? str(e, "message") : "");
				json_array_append_new(m->ignored, json_pack("{s:s, s:s, s:s, s:s}", "from", str(p, "from"), "entry", str(p, "entry"),
				                                            "element", str(p, "element"), "reason", why));
				json_array_remove(m->prov, j);
				break;
			}
			/* remove the value at path: /sec/key or /sec/labs/key */
			char buf[128];
			snprintf(buf, sizeof buf, "%s", path);
			char *a = buf + 1, *b = strchr(a, '/'), *cc = b ? strchr(b + 1, '/') : NULL;
			if (!b) {
				json_object_del(m->casej, a);
				continue;
			}
			*b = '\0';
			json_t *s = json_object_get(m->casej, a);
			if (cc) {
				*cc = '\0';
				s = json_object_get(s, b + 1);
				json_object_del(s, cc + 1);
			} else {
				json_object_del(s, b + 1);
			}
		}
		json_decref(errs);
	}
}

static json_t *invalid(const char *path, const char *msg)
{
	return json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "schema", "spinemets/fhir-import/1", "status", "invalid",
	                 "errors", "path", path, "message", msg);
}

json_t *sm_fhir_import(const char *text, size_t len, const char *at)
{
	char msg[512];
	long long at_t;
	if (!at || strlen(at) != 10 || day_of(at, &at_t) != 0)
		return invalid("", "the assessment date must be a date YYYY-MM-DD");
	if (len > SM_FHIR_MAX_BYTES) {
		snprintf(msg, sizeof msg, "the Bundle is larger than %d bytes", SM_FHIR_MAX_BYTES);
		return invalid("", msg);
	}
	json_error_t je;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
		json_t *r = invalid("", msg);
		json_t *e = json_array_get(json_object_get(r, "errors"), 0);
		json_object_set_new(e, "line", json_integer(je.line));
		json_object_set_new(e, "column", json_integer(je.column));
		return r;
	}
	json_t *result = NULL;
	const char *rt = str(doc, "resourceType");
	json_t *entries = json_object_get(doc, "entry");
	if (!json_is_object(doc)) {
		result = invalid("", "expected a FHIR Bundle object");
	} else if (!rt || strcmp(rt, "Bundle") != 0) {
		snprintf(msg, sizeof msg, "expected \"Bundle\", got %s%s%s", rt ? "\"" : "", rt ? rt : "no resourceType", rt ? "\"" : "");
		result = invalid("/resourceType", msg);
	} else if (entries && !json_is_array(entries)) {
		result = invalid("/entry", "expected an array of entries");
	} else if (json_array_size(entries) > SM_FHIR_MAX_ENTRIES) {
		snprintf(msg, sizeof msg, "%zu entries; at most %d are read", json_array_size(entries), SM_FHIR_MAX_ENTRIES);
		result = invalid("/entry", msg);
	}
	if (result) {
		json_decref(doc);
		return result;
	}
	imp *m = calloc(1, sizeof *m);
	if (!m) {
		json_decref(doc);
		return NULL;
	}
	m->casej = json_pack("{s:s}", "schema", "spinemets/case/1");
	m->prov = json_array();
	m->ignored = json_array();
	m->at = at_t;
	snprintf(m->at_text, sizeof m->at_text, "%s", at);
	/* Patients first (age, sex), then the rest in Bundle order */
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *e;
		json_array_foreach(entries, i, e) {
			json_t *r = json_object_get(e, "resource");
			const char *t = str(r, "resourceType"), *id = str(r, "id");
			snprintf(m->entry, sizeof m->entry, "/entry/%zu", i);
			snprintf(m->from, sizeof m->from, "%s/%s", t ? t : "?", id ? id : "(no id)");
			bool is_patient = t && strcmp(t, "Patient") == 0;
			if ((pass == 0) != is_patient)
				continue;
			if (!json_is_object(r) || !t) {
				snprintf(m->from, sizeof m->from, "(entry %zu)", i);
				ignore(m, "resource", "not a resource with a resourceType: not read");
			} else if (is_patient) {
				read_patient(m, r);
			} else if (strcmp(t, "Condition") == 0) {
				read_condition(m, r);
			} else if (strcmp(t, "Observation") == 0) {
				read_observation(m, r);
			} else {
				ignore(m, "resourceType", "resource type %s is not read by this importer", t);
			}
		}
	}
	finish(m);
	drop_invalid(m);
	result = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "schema", "spinemets/fhir-import/1", "status", "ok", "at", at,
	                   "case", m->casej, "provenance", m->prov, "ignored", m->ignored);
	for (int k = 0; k < NFIELDS; k++)
		json_decref(m->obs[k].value);
	free(m);
	json_decref(doc);
	return result;
}

/* ---- export: assessment -> Bundle ---- */

static json_t *cc1(const char *system, const char *code, const char *display)
{
	json_t *c = json_pack("{s:s, s:s}", "system", system, "code", code);
	if (display)
		json_object_set_new(c, "display", json_string(display));
	return json_pack("{s:[o]}", "coding", c);
}

static json_t *add_entry(json_t *bundle, json_t *resource, char *url, size_t urlsz)
{
	json_t *entries = json_object_get(bundle, "entry");
	/* deterministic urn:uuid (version 4 layout) so that references resolve
	** within the Bundle and the output is reproducible */
	snprintf(url, urlsz, "urn:uuid:00000000-0000-4000-8000-%012zu", json_array_size(entries) + 1);
	json_array_append_new(entries, json_pack("{s:s, s:o}", "fullUrl", url, "resource", resource));
	return resource;
}

static const char *level_code(const char *level) /* SNOMED vertebra from the core's table */
{
	for (size_t k = 0; k < sm_code_map_count(); k++) {
		const sm_code_map *r = sm_code_map_at(k);
		if (r->kind == SM_CODE_SITE_LEVEL && strcmp(r->value, level) == 0)
			return r->code;
	}
	return NULL;
}

/* one Observation for a score result object; NULL when it says nothing */
static json_t *score_obs(const char *name, const json_t *res, const char *subject, const char *level)
{
	json_t *o = json_pack("{s:s, s:s, s:[{s:[{s:s, s:s}]}], s:o, s:{s:s}}", "resourceType", "Observation", "status", "final",
	                      "category", "coding", "system", "http://terminology.hl7.org/CodeSystem/observation-category", "code", "survey",
	                      "code", cc1(SM_FHIR_CS_INSTRUMENT, name, str(res, "instrument")), "subject", "reference", subject);
	const json_t *total = json_object_get(res, "total"), *range = json_object_get(res, "range");
	const char *grade = str(res, "grade");
	if (json_is_integer(total))
		json_object_set_new(o, "valueInteger", json_integer(json_integer_value(total)));
	else if (grade)
		json_object_set_new(o, "valueCodeableConcept", cc1(SM_FHIR_CS_INSTRUMENT, grade, NULL));
	else if (json_is_integer(json_array_get(range, 0)) && json_is_integer(json_array_get(range, 1)))
		json_object_set_new(o, "valueRange", json_pack("{s:{s:I}, s:{s:I}}", "low", "value", json_integer_value(json_array_get(range, 0)),
		                                               "high", "value", json_integer_value(json_array_get(range, 1))));
	else
		json_object_set_new(o, "dataAbsentReason", cc1("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown", "Unknown"));
	if (str(res, "band"))
		json_object_set_new(o, "interpretation", json_pack("[o]", cc1(SM_FHIR_CS_BAND, str(res, "band"), NULL)));
	if (str(res, "definition"))
	{
		char def[160];
		snprintf(def, sizeof def, "spinemets definition %s", str(res, "definition"));
		json_object_set_new(o, "method", json_pack("{s:s}", "text", def));
	}
	if (str(res, "interpretation"))
		json_object_set_new(o, "note", json_pack("[{s:s}]", "text", str(res, "interpretation")));
	if (level) {
		const char *sct = level_code(level);
		json_object_set_new(o, "bodySite", sct ? json_pack("{s:[{s:s, s:s}], s:s}", "coding", "system", "http://snomed.info/sct", "code", sct, "text", level)
		                                       : json_pack("{s:s}", "text", level));
	}
	return o;
}

static void text_list(char *buf, size_t sz, const char *title, const json_t *list)
{
	size_t i, n = strlen(buf);
	json_t *x;
	if (!json_array_size(list) || n + 4 >= sz)
		return;
	n += (size_t)snprintf(buf + n, sz - n, "%s%s:", n ? "; " : "", title);
	json_array_foreach(list, i, x) {
		if (n + 4 >= sz || !json_is_string(x))
			break;
		n += (size_t)snprintf(buf + n, sz - n, " %s", json_string_value(x));
	}
}

json_t *sm_fhir_bundle(const json_t *a, const json_t *case_doc)
{
	json_t *b = json_pack("{s:s, s:s, s:{s:[{s:s, s:s, s:s}]}, s:[]}", "resourceType", "Bundle", "type", "collection",
	                      "meta", "tag", "system", SM_FHIR_CS_INSTRUMENT, "code", "spinemets",
	                      "display", "spinemets decision support, not a diagnosis", "entry");
	if (!b)
		return NULL;
	char patient[64], url[64];
	json_t *pat = json_pack("{s:s}", "resourceType", "Patient");
	const char *sex = str(json_object_get(case_doc, "patient"), "sex");
	if (sex)
		json_object_set_new(pat, "gender", json_string(sex));
	add_entry(b, pat, patient, sizeof patient);

	json_t *basis = json_array();
	/* ECOG / KPS from the case, with LOINC */
	const json_t *perf = json_object_get(case_doc, "performance");
	for (size_t k = 0; k < sm_obs_map_count(); k++) {
		const sm_obs_map *om = sm_obs_map_at(k);
		const char *key = strrchr(om->path, '/') + 1;
		const json_t *v = strncmp(om->path, "/performance/", 13) == 0 ? json_object_get(perf, key) : NULL;
		if (!json_is_integer(v))
			continue;
		json_t *o = json_pack("{s:s, s:s, s:[{s:[{s:s, s:s}]}], s:o, s:{s:s}, s:I}", "resourceType", "Observation", "status", "final",
		                      "category", "coding", "system", "http://terminology.hl7.org/CodeSystem/observation-category", "code", "survey",
		                      "code", cc1(sm_code_system_uri(om->system), om->code, om->display), "subject", "reference", patient,
		                      "valueInteger", json_integer_value(v));
		add_entry(b, o, url, sizeof url);
		json_array_append_new(basis, json_pack("{s:s}", "reference", url));
	}
	/* per-lesion SINS and ESCC */
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(a, "lesions"), i, l) {
		const char *lev = str(l, "level");
		static const char *const per[] = {"sins", "escc"};
		for (size_t k = 0; k < 2; k++) {
			const json_t *res = json_object_get(l, per[k]);
			if (!json_is_object(res))
				continue;
			add_entry(b, score_obs(per[k], res, patient, lev), url, sizeof url);
			json_array_append_new(basis, json_pack("{s:s}", "reference", url));
		}
	}
	/* every score the assessment carries */
	const char *name;
	json_t *res;
	json_object_foreach(json_object_get(a, "scores"), name, res) {
		if (!json_is_object(res))
			continue;
		add_entry(b, score_obs(name, res, patient, NULL), url, sizeof url);
		json_array_append_new(basis, json_pack("{s:s}", "reference", url));
	}
	/* the triage and recommendation */
	const json_t *t = json_object_get(a, "triage"), *noms = json_object_get(a, "noms");
	const char *urg = str(t, "urgency");
	char mitigation[2048] = "";
	text_list(mitigation, sizeof mitigation, "actions", json_object_get(t, "actions"));
	text_list(mitigation, sizeof mitigation, "options", json_object_get(noms, "options"));
	text_list(mitigation, sizeof mitigation, "referrals", json_object_get(noms, "referrals"));
	text_list(mitigation, sizeof mitigation, "work-up", json_object_get(a, "workup"));
	char method[64];
	snprintf(method, sizeof method, "spinemets engine %s", str(a, "engine_version") ? str(a, "engine_version") : "?");
	json_t *ra = json_pack("{s:s, s:s, s:o, s:{s:s}, s:[{s:o, s:o}]}", "resourceType", "RiskAssessment", "status", "final",
	                       "method", cc1(SM_FHIR_CS_INSTRUMENT, "spinemets-assess", method), "subject", "reference", patient,
	                       "prediction", "outcome", json_pack("{s:s}", "text", "urgency of the spinal metastasis pathway (triage)"),
	                       "qualitativeRisk", cc1(SM_FHIR_CS_URGENCY, urg ? urg : "unknown", NULL));
	if (json_array_size(basis))
		json_object_set_new(ra, "basis", basis);
	else
		json_decref(basis);
	if (*mitigation)
		json_object_set_new(ra, "mitigation", json_string(mitigation));
	json_t *notes = json_array(), *x;
	json_array_foreach(json_object_get(t, "reasons"), i, x) if (str(x, "text"))
{
		char line[1200];
		snprintf(line, sizeof line, "%s: %s", str(x, "rule") ? str(x, "rule") : "", str(x, "text"));
		json_array_append_new(notes, json_pack("{s:s}", "text", line));
	}
	if (str(a, "disclaimer"))
		json_array_append_new(notes, json_pack("{s:s}", "text", str(a, "disclaimer")));
	if (json_array_size(notes))
		json_object_set_new(ra, "note", notes);
	else
		json_decref(notes);
	char ra_url[64];
	add_entry(b, ra, ra_url, sizeof ra_url);
	/* the care plan, when the assessment has one (rendered defensively) */
	const json_t *cp = json_object_get(a, "care_plan");
	if (json_array_size(json_object_get(cp, "items"))) {
		json_t *acts = json_array();
		json_array_foreach(json_object_get(cp, "items"), i, x) {
			const char *key = str(x, "key"), *text = str(x, "text"), *phase = str(x, "phase");
			if (!key && !text)
				continue;
			json_t *d = json_pack("{s:s, s:o}", "status", "not-started", "code",
			                      key ? cc1(SM_FHIR_CS_CARE, key, NULL) : json_pack("{s:s}", "text", text));
			if (key && text)
				json_object_set_new(json_object_get(d, "code"), "text", json_string(text));
			if (text)
				json_object_set_new(d, "description", json_string(text));
			if (phase)
				json_object_set_new(d, "scheduledString", json_string(phase));
			json_array_append_new(acts, json_pack("{s:o}", "detail", d));
		}
		json_t *plan = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:[{s:s}], s:o}", "resourceType", "CarePlan", "status", "draft",
		                         "intent", "proposal", "title", "spinemets care plan (decision support, for the treating team)",
		                         "subject", "reference", patient, "addresses", "reference", ra_url, "activity", acts);
		/* addresses points at a Condition in R4; keep the link as supportingInfo instead */
		json_object_del(plan, "addresses");
		json_object_set_new(plan, "supportingInfo", json_pack("[{s:s}]", "reference", ra_url));
		json_t *otr = json_object_get(cp, "outcomes_to_record");
		if (json_array_size(otr)) {
			char buf[1024] = "";
			text_list(buf, sizeof buf, "outcomes to record", otr);
			json_object_set_new(plan, "note", json_pack("[{s:s}]", "text", buf));
		}
		add_entry(b, plan, url, sizeof url);
	}
	return b;
}
