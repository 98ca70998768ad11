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

static void jw_range(sm_jw *w, const char *key, int lo, int hi)
{
	sm_jw_key(w, key);
	sm_jw_arr(w);
	sm_jw_int(w, lo);
	sm_jw_int(w, hi);
	sm_jw_arr_end(w);
}

static void jw_component_value(sm_jw *w, const sm_component *c)
{
	switch (c->vkind) {
	case SM_VK_TEXT: sm_jw_str(w, c->text); return;
	case SM_VK_INT: sm_jw_int(w, c->i); return;
	case SM_VK_NUMBER: sm_jw_real(w, c->d); return;
	case SM_VK_BOOL: sm_jw_bool(w, c->i != 0); return;
	case SM_VK_NONE: break;
	}
	sm_jw_null(w);
}

/* The members every result starts with. */
static void jw_head(sm_jw *w, const sm_instrument *inst, const char *status)
{
	sm_jw_kstr(w, "instrument", sm_instrument_name(inst));
	sm_jw_kstr(w, "definition", sm_instrument_definition(inst));
	sm_jw_kstr(w, "engine_version", SM_ENGINE_VERSION);
	sm_jw_kstr(w, "status", status);
}

/* ... and end with. */
static void jw_tail(sm_jw *w, const sm_instrument *inst)
{
	sm_jw_kstr(w, "citation", sm_instrument_citation(inst));
	sm_jw_kstr(w, "reference", sm_instrument_reference(inst));
	sm_jw_kstr(w, "direction", sm_direction_name(sm_instrument_direction(inst)));
}

void sm_jw_result(sm_jw *w, const sm_result *r)
{
	const sm_instrument *inst = r->instrument;
	sm_jw_obj(w);
	jw_head(w, inst, sm_result_status_name(r->status));
	if (r->status != SM_RESULT_INVALID) {
		if (r->has_total) {
			if (r->status == SM_RESULT_OK)
				sm_jw_kint(w, "total", r->total);
		} else if (r->grade) {
			sm_jw_kstr(w, "grade", r->grade);
		}
	}
	sm_jw_kstr(w, "band", r->band);
	if (r->band_meaning)
		sm_jw_kstr(w, "band_meaning", r->band_meaning);
	if (r->has_total && r->status != SM_RESULT_INVALID)
		jw_range(w, "range", r->lo, r->hi);
	if (r->npossible) {
		sm_jw_key(w, "possible");
		sm_jw_arr(w);
		for (size_t k = 0; k < r->npossible; k++)
			sm_jw_str(w, r->possible[k]);
		sm_jw_arr_end(w);
	}
	sm_jw_key(w, "components");
	sm_jw_arr(w);
	for (size_t k = 0; k < r->ncomponents; k++) {
		const sm_component *c = &r->components[k];
		sm_jw_obj(w);
		sm_jw_kstr(w, "item", c->item);
		sm_jw_key(w, "value");
		jw_component_value(w, c);
		if (!sm_instrument_is_grade(inst)) {
			if (c->known)
				sm_jw_kint(w, "points", c->points);
			else
				sm_jw_knull(w, "points");
			if (!c->known)
				jw_range(w, "range", c->lo, c->hi);
		}
		sm_jw_kstr(w, "explanation", c->explain);
		sm_jw_obj_end(w);
	}
	sm_jw_arr_end(w);
	sm_jw_key(w, "missing");
	sm_jw_arr(w);
	for (size_t k = 0; k < r->nmissing; k++)
		sm_jw_str(w, r->missing[k]);
	sm_jw_arr_end(w);
	sm_jw_key(w, "errors");
	sm_jw_arr(w);
	for (size_t k = 0; k < r->nerrors; k++) {
		sm_jw_obj(w);
		sm_jw_kstr(w, "path", r->errors[k].path);
		sm_jw_kstr(w, "message", r->errors[k].message);
		sm_jw_obj_end(w);
	}
	sm_jw_arr_end(w);
	sm_jw_key(w, "flags");
	sm_jw_arr(w);
	for (unsigned b = 0; b < SM_NFLAGS; b++)
		if (r->flags & (1u << b))
			sm_jw_str(w, sm_flag_name(b));
	sm_jw_arr_end(w);
	sm_jw_key(w, "notes");
	sm_jw_arr(w);
	for (size_t k = 0; k < r->nnotes; k++)
		sm_jw_str(w, r->notes[k]);
	sm_jw_arr_end(w);
	sm_jw_kstr(w, "interpretation", r->interpretation);
	jw_tail(w, inst);
	sm_jw_obj_end(w);
}

/* The result of a body that is not JSON: status invalid, one error with
** the parser's line and column. */
static void jw_malformed(sm_jw *w, const sm_instrument *inst, const json_error_t *jerr)
{
	char msg[SM_MSG_SIZE + 64];
	snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d: %s", jerr->line, jerr->column, jerr->text);
	sm_jw_obj(w);
	jw_head(w, inst, "invalid");
	sm_jw_knull(w, "band");
	sm_jw_key(w, "components");
	sm_jw_arr(w);
	sm_jw_arr_end(w);
	sm_jw_key(w, "missing");
	sm_jw_arr(w);
	sm_jw_arr_end(w);
	sm_jw_key(w, "errors");
	sm_jw_arr(w);
	sm_jw_obj(w);
	sm_jw_kstr(w, "path", "");
	sm_jw_kstr(w, "message", msg);
	sm_jw_kint(w, "line", jerr->line);
	sm_jw_kint(w, "column", jerr->column);
	sm_jw_obj_end(w);
	sm_jw_arr_end(w);
	sm_jw_key(w, "flags");
	sm_jw_arr(w);
	sm_jw_arr_end(w);
	sm_jw_key(w, "notes");
	sm_jw_arr(w);
	sm_jw_arr_end(w);
	sm_jw_kstr(w, "interpretation", "Not scored: the input is not valid JSON.");
	jw_tail(w, inst);
	sm_jw_obj_end(w);
}

int sm_score_json_text(sm_jw *w, const sm_instrument *inst, const char *text, size_t len,
                       sm_result_status *status_out)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!doc) {
		jw_malformed(w, inst, &jerr);
		if (status_out)
			*status_out = SM_RESULT_INVALID;
		return 1;
	}
	/* per thread: an input and a result are 19 KB, too much for some stacks */
	static _Thread_local sm_input in;
	static _Thread_local sm_result res;
	sm_input_init(&in, inst);
	sm_json_read_items(&in, doc);
	json_decref(doc);
	sm_score(&in, &res);
	if (status_out)
		*status_out = res.status;
	sm_jw_result(w, &res);
	return 0;
}

json_t *sm_json_score_text(const sm_instrument *inst, const char *text, size_t len,
                           sm_result_status *status_out)
{
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_score_json_text(&w, inst, text, len, status_out);
	return sm_jw_to_json(&w);
}
