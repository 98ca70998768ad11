/*
** json_score.c: the JSON adapter for `spinemets score` (contract 1 of
** ARCHITECTURE.md). No clinical logic: it only moves values between JSON and
** the core's input/result structs.
*/
#include "io/json_score.h"

#include <stdio.h>
#include <string.h>

static const char *json_kind(const json_t *v)
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

void sm_json_read_items(sm_input *in, const json_t *obj)
{
	const char *key;
	json_t *val;
	if (!json_is_object(obj)) {
		char msg[128];
		snprintf(msg, sizeof msg, "expected a JSON object of item values, got %s", json_kind(obj));
		sm_input_add_error(in, SM_E_TYPE, "", msg);
		return;
	}
	json_object_foreach((json_t *)obj, key, val) {
		switch (json_typeof(val)) {
		case JSON_STRING:
			sm_input_set_text(in, key, json_string_value(val));
			break;
		case JSON_INTEGER:
			sm_input_set_int(in, key, (long long)json_integer_value(val));
			break;
		case JSON_REAL:
			sm_input_set_number(in, key, json_real_value(val));
			break;
		case JSON_TRUE:
		case JSON_FALSE:
			sm_input_set_bool(in, key, json_is_true(val));
			break;
		case JSON_NULL:
			sm_input_set_unknown(in, key);
			break;
		case JSON_OBJECT:
		case JSON_ARRAY:
			sm_input_reject(in, key, json_kind(val));
			break;
		}
	}
}

static json_t *range_array(int lo, int hi)
{
	json_t *a = json_array();
	json_array_append_new(a, json_integer(lo));
	json_array_append_new(a, json_integer(hi));
	return a;
}

static json_t *component_value(const sm_component *c)
{
	switch (c->vkind) {
	case SM_VK_TEXT: return json_string(c->text);
	case SM_VK_INT: return json_integer(c->i);
	case SM_VK_NUMBER: return json_real(c->d);
	case SM_VK_BOOL: return json_boolean(c->i);
	case SM_VK_NONE: break;
	}
	return json_null();
}

json_t *sm_json_result(const sm_result *r)
{
	const sm_instrument *inst = r->instrument;
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "instrument", json_string(sm_instrument_name(inst)));
	json_object_set_new(o, "definition", json_string(sm_instrument_definition(inst)));
	json_object_set_new(o, "engine_version", json_string(SM_ENGINE_VERSION));
	json_object_set_new(o, "status", json_string(sm_result_status_name(r->status)));
	if (r->status != SM_RESULT_INVALID) {
		if (r->has_total) {
			if (r->status == SM_RESULT_OK)
				json_object_set_new(o, "total", json_integer(r->total));
		} else if (r->grade) {
			json_object_set_new(o, "grade", json_string(r->grade));
		}
	}
	json_object_set_new(o, "band", r->band ? json_string(r->band) : json_null());
	if (r->band_meaning)
		json_object_set_new(o, "band_meaning", json_string(r->band_meaning));
	if (r->has_total && r->status != SM_RESULT_INVALID)
		json_object_set_new(o, "range", range_array(r->lo, r->hi));
	if (r->npossible) {
		json_t *p = json_array();
		for (size_t k = 0; k < r->npossible; k++)
			json_array_append_new(p, json_string(r->possible[k]));
		json_object_set_new(o, "possible", p);
	}
	json_t *comps = json_array();
	for (size_t k = 0; k < r->ncomponents; k++) {
		const sm_component *c = &r->components[k];
		json_t *jc = json_object();
		json_object_set_new(jc, "item", json_string(c->item));
		json_object_set_new(jc, "value", component_value(c));
		if (!sm_instrument_is_grade(inst)) {
			json_object_set_new(jc, "points", c->known ? json_integer(c->points) : json_null());
			if (!c->known)
				json_object_set_new(jc, "range", range_array(c->lo, c->hi));
		}
		json_object_set_new(jc, "explanation", json_string(c->explain));
		json_array_append_new(comps, jc);
	}
	json_object_set_new(o, "components", comps);
	json_t *miss = json_array();
	for (size_t k = 0; k < r->nmissing; k++)
		json_array_append_new(miss, json_string(r->missing[k]));
	json_object_set_new(o, "missing", miss);
	json_t *errs = json_array();
	for (size_t k = 0; k < r->nerrors; k++) {
		json_t *e = json_object();
		json_object_set_new(e, "path", json_string(r->errors[k].path));
		json_object_set_new(e, "message", json_string(r->errors[k].message));
		json_array_append_new(errs, e);
	}
	json_object_set_new(o, "errors", errs);
	json_t *flags = json_array();
	for (unsigned b = 0; b < SM_NFLAGS; b++)
		if (r->flags & (1u << b))
			json_array_append_new(flags, json_string(sm_flag_name(b)));
	json_object_set_new(o, "flags", flags);
	json_t *notes = json_array();
	for (size_t k = 0; k < r->nnotes; k++)
		json_array_append_new(notes, json_string(r->notes[k]));
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "interpretation", json_string(r->interpretation));
	json_object_set_new(o, "citation", json_string(sm_instrument_citation(inst)));
	json_object_set_new(o, "reference", json_string(sm_instrument_reference(inst)));
	json_object_set_new(o, "direction", json_string(sm_direction_name(sm_instrument_direction(inst))));
	return o;
}

json_t *sm_json_score_text(const sm_instrument *inst, const char *text, size_t len,
                           sm_result_status *status_out)
{
	json_error_t jerr;
	sm_input in;
	sm_result res;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!doc) {
		char msg[SM_MSG_SIZE + 64];
		json_t *o = json_object();
		if (!o)
			return NULL;
		snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		json_object_set_new(o, "instrument", json_string(sm_instrument_name(inst)));
		json_object_set_new(o, "definition", json_string(sm_instrument_definition(inst)));
		json_object_set_new(o, "engine_version", json_string(SM_ENGINE_VERSION));
		json_object_set_new(o, "status", json_string("invalid"));
		json_object_set_new(o, "band", json_null());
		json_object_set_new(o, "components", json_array());
		json_object_set_new(o, "missing", json_array());
		json_t *e = json_object();
		json_object_set_new(e, "path", json_string(""));
		json_object_set_new(e, "message", json_string(msg));
		json_object_set_new(e, "line", json_integer(jerr.line));
		json_object_set_new(e, "column", json_integer(jerr.column));
		json_t *errs = json_array();
		json_array_append_new(errs, e);
		json_object_set_new(o, "errors", errs);
		json_object_set_new(o, "flags", json_array());
		json_object_set_new(o, "notes", json_array());
		json_object_set_new(o, "interpretation", json_string("Not scored: the input is not valid JSON."));
		json_object_set_new(o, "citation", json_string(sm_instrument_citation(inst)));
		json_object_set_new(o, "reference", json_string(sm_instrument_reference(inst)));
		json_object_set_new(o, "direction", json_string(sm_direction_name(sm_instrument_direction(inst))));
		if (status_out)
			*status_out = SM_RESULT_INVALID;
		return o;
	}
	sm_input_init(&in, inst);
	sm_json_read_items(&in, doc);
	json_decref(doc);
	sm_score(&in, &res);
	if (status_out)
		*status_out = res.status;
	return sm_json_result(&res);
}
