/*
** engine.c: status words, the instrument registry, input setters with domain
** checks, and the shared parts of scoring (ranges, bands, interpretation).
*/
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- small string helpers (no printf in the core) ---- */
void sm_sb_init(sm_sb *sb, char *buf, size_t cap)
{
	sb->p = buf;
	sb->cap = cap;
	sb->len = 0;
	if (cap)
		buf[0] = '\0';
}

void sm_sb_str(sm_sb *sb, const char *s)
{
	if (!s || sb->cap == 0)
		return;
	size_t room = sb->cap - 1 - sb->len, n = strlen(s);
	if (n > room) {
		/* truncated: never cut a UTF-8 sequence in two (the text ends up in
		** JSON, which must stay valid UTF-8) */
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

void sm_sb_int(sm_sb *sb, long long v)
{
	char tmp[24];
	size_t n = 0;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u && n < sizeof tmp - 1);
	if (v < 0)
		tmp[n++] = '-';
	char out[24];
	for (size_t k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
	sm_sb_str(sb, out);
}

void sm_sb_num(sm_sb *sb, double v)
{
	if (isnan(v)) {
		sm_sb_str(sb, "NaN");
		return;
	}
	if (v < 0) {
		sm_sb_str(sb, "-");
		v = -v;
	}
	if (v > 1e15) {
		sm_sb_str(sb, "a very large number");
		return;
	}
	double ip = floor(v);
	long long frac = (long long)llround((v - ip) * 10000.0);
	if (frac >= 10000) {
		ip += 1;
		frac -= 10000;
	}
	sm_sb_int(sb, (long long)ip);
	if (frac) {
		char d[6] = {'.', 0, 0, 0, 0, 0};
		for (int k = 4; k >= 1; k--) {
			d[k] = (char)('0' + (int)(frac % 10));
			frac /= 10;
		}
		int end = 4;
		while (end > 1 && d[end] == '0')
			d[end--] = '\0';
		sm_sb_str(sb, d);
	}
}

void sm_copy(char *dst, size_t cap, const char *src)
{
	sm_sb sb;
	sm_sb_init(&sb, dst, cap);
	sm_sb_str(&sb, src);
}

int sm_streq(const char *a, const char *b)
{
	return a && b && a[0] == b[0] && strcmp(a, b) == 0;
}

/* ---- words ---- */
const char *sm_strerror(sm_status status)
{
	switch (status) {
	case SM_OK: return "success";
	case SM_E_UNKNOWN_INSTRUMENT: return "no instrument of that name";
	case SM_E_UNKNOWN_ITEM: return "the instrument has no item of that name";
	case SM_E_TYPE: return "value of the wrong type for the item";
	case SM_E_DOMAIN: return "value outside the item's allowed values";
	case SM_E_CONFLICT: return "two items contradict each other";
	case SM_E_TOO_MANY: return "too many entries for a fixed-size list";
	case SM_E_ARGUMENT: return "missing or unusable argument";
	case SM_E_DUPLICATE: return "the same item was given twice";
	case SM_E_SYNTAX: return "malformed input";
	case SM_E_NOMEM: return "out of memory";
	case SM_E_IO: return "input/output error";
	}
	return "unknown status code";
}

const char *sm_result_status_name(sm_result_status s)
{
	switch (s) {
	case SM_RESULT_OK: return "ok";
	case SM_RESULT_INCOMPLETE: return "incomplete";
	case SM_RESULT_INVALID: return "invalid";
	}
	return "invalid";
}

const char *sm_direction_name(sm_direction d)
{
	switch (d) {
	case SM_HIGHER_IS_BETTER: return "higher_is_better";
	case SM_HIGHER_IS_WORSE: return "higher_is_worse";
	case SM_DIRECTION_NONE: return "none";
	}
	return "none";
}

static const char *const flag_names[SM_NFLAGS] = {
	"converted", "verify_pending", "capped", "catalogue_default", "level_range",
	"not_validated_in_children",
};

const char *sm_flag_name(unsigned bit_index)
{
	return bit_index < SM_NFLAGS ? flag_names[bit_index] : NULL;
}

const char *sm_item_type_name(sm_item_type t)
{
	switch (t) {
	case SM_T_ENUM: return "one of the listed words (a JSON string)";
	case SM_T_INT: return "an integer";
	case SM_T_NUMBER: return "a number";
	case SM_T_BOOL: return "true or false";
	case SM_T_HISTOLOGY: return "a histology key (a JSON string)";
	case SM_T_LEVEL: return "a spinal level such as \"T7\" or a range \"T2-T3\" (a JSON string)";
	}
	return "a value";
}

/* ---- registry (KEYS.md §1 order) ---- */
static const sm_instrument *const registry[] = {
	&sm_inst_sins, &sm_inst_escc, &sm_inst_frankel, &sm_inst_asia, &sm_inst_tokuhashi,
	&sm_inst_tomita, &sm_inst_bauer, &sm_inst_bauer_modified, &sm_inst_nesms, &sm_inst_katagiri,
};

size_t sm_instrument_count(void) { return SM_COUNT(registry); }

const sm_instrument *sm_instrument_at(size_t index)
{
	return index < SM_COUNT(registry) ? registry[index] : NULL;
}

const sm_instrument *sm_instrument_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t k = 0; k < SM_COUNT(registry); k++)
		if (strcmp(registry[k]->name, name) == 0)
			return registry[k];
	return NULL;
}

const char *sm_instrument_name(const sm_instrument *in) { return in ? in->name : NULL; }
const char *sm_instrument_title(const sm_instrument *in) { return in ? in->title : NULL; }
const char *sm_instrument_definition(const sm_instrument *in) { return in ? in->definition : NULL; }
const char *sm_instrument_citation(const sm_instrument *in) { return in ? in->citation : NULL; }
const char *sm_instrument_reference(const sm_instrument *in) { return in ? in->reference : NULL; }
sm_direction sm_instrument_direction(const sm_instrument *in) { return in ? in->direction : SM_DIRECTION_NONE; }
bool sm_instrument_is_grade(const sm_instrument *in) { return in && in->is_grade; }
size_t sm_instrument_item_count(const sm_instrument *in) { return in ? in->nitems : 0; }

const sm_item *sm_instrument_item(const sm_instrument *in, size_t index)
{
	return in && index < in->nitems ? &in->items[index] : NULL;
}

const sm_item *sm_instrument_item_find(const sm_instrument *in, const char *key, size_t *index)
{
	if (!in || !key)
		return NULL;
	for (size_t k = 0; k < in->nitems; k++)
		if (in->items[k].key[0] == key[0] && strcmp(in->items[k].key, key) == 0) {
			if (index)
				*index = k;
			return &in->items[k];
		}
	return NULL;
}

size_t sm_instrument_band_count(const sm_instrument *in) { return in ? in->nbands : 0; }

const sm_band_def *sm_instrument_band(const sm_instrument *in, size_t index)
{
	return in && index < in->nbands ? &in->bands[index] : NULL;
}

/* ---- input ---- */
sm_status sm_input_init(sm_input *in, const sm_instrument *instrument)
{
	if (!in || !instrument)
		return SM_E_ARGUMENT;
	/* the error slots are written before they are counted: only the values
	** and the counters need clearing (the errors are most of the struct) */
	memset(in->v, 0, sizeof in->v);
	in->nerrors = 0;
	in->nerrors_dropped = 0;
	in->instrument = instrument;
	for (size_t k = 0; k < instrument->nitems && k < SM_MAX_ITEMS; k++)
		in->v[k].type = instrument->items[k].type;
	return SM_OK;
}

sm_status sm_input_add_error(sm_input *in, sm_status code, const char *path, const char *message)
{
	if (!in)
		return SM_E_ARGUMENT;
	if (in->nerrors >= SM_MAX_ERRORS) {
		in->nerrors_dropped++;
		return code;
	}
	sm_error *e = &in->errors[in->nerrors++];
	e->code = code;
	sm_copy(e->path, sizeof e->path, path ? path : "");
	sm_copy(e->message, sizeof e->message, message ? message : sm_strerror(code));
	return code;
}

void sm_describe_domain(const sm_item *it, sm_sb *sb)
{
	switch (it->type) {
	case SM_T_ENUM:
		sm_sb_str(sb, "one of ");
		for (size_t k = 0; k < it->nchoices; k++) {
			if (k)
				sm_sb_str(sb, k + 1 == it->nchoices ? " or " : ", ");
			sm_sb_str(sb, "\"");
			sm_sb_str(sb, it->choices[k].key);
			sm_sb_str(sb, "\"");
		}
		break;
	case SM_T_INT:
		sm_sb_str(sb, "an integer from ");
		sm_sb_int(sb, (long long)it->min);
		if (it->max >= 1e9) {
			sm_sb_str(sb, " upwards");
		} else {
			sm_sb_str(sb, " to ");
			sm_sb_int(sb, (long long)it->max);
		}
		if (it->step > 1) {
			sm_sb_str(sb, " in steps of ");
			sm_sb_int(sb, (long long)it->step);
		}
		break;
	case SM_T_NUMBER:
		sm_sb_str(sb, "a number from ");
		sm_sb_num(sb, it->min);
		sm_sb_str(sb, " to ");
		sm_sb_num(sb, it->max);
		break;
	case SM_T_BOOL:
		sm_sb_str(sb, "true or false");
		break;
	case SM_T_HISTOLOGY:
		sm_sb_str(sb, "a histology key: ");
		for (size_t k = 0; k < sm_histology_count(); k++) {
			if (k)
				sm_sb_str(sb, ", ");
			sm_sb_str(sb, sm_histology_at(k)->key);
		}
		break;
	case SM_T_LEVEL:
		sm_sb_str(sb, "a level Occ, C1-C7, T1-T12, L1-L5 or S1-S5, or a range such as \"T2-T3\" (the coccyx is not scored by SINS)");
		break;
	}
}

/* Append `key` as one JSON pointer token ("~" -> "~0", "/" -> "~1"). */
static void pointer_token(sm_sb *sb, const char *key)
{
	char one[2] = {0, 0};
	sm_sb_str(sb, "/");
	for (; key && *key; key++) {
		if (*key == '~')
			sm_sb_str(sb, "~0");
		else if (*key == '/')
			sm_sb_str(sb, "~1");
		else {
			one[0] = *key;
			sm_sb_str(sb, one);
		}
	}
}

static sm_status bad_value(sm_input *in, sm_status code, const sm_item *it, const char *key,
                           const char *what)
{
	char path[64], msg[SM_ERRMSG_SIZE];
	sm_sb p, m;
	sm_sb_init(&p, path, sizeof path);
	pointer_token(&p, key);
	sm_sb_init(&m, msg, sizeof msg);
	if (what) {
		sm_sb_str(&m, what);
		sm_sb_str(&m, "; ");
	}
	sm_sb_str(&m, "allowed: ");
	sm_describe_domain(it, &m);
	return sm_input_add_error(in, code, path, msg);
}

static sm_value *slot(sm_input *in, const char *key, const sm_item **it)
{
	size_t idx = 0;
	if (!in || !in->instrument || !key)
		return NULL;
	*it = sm_instrument_item_find(in->instrument, key, &idx);
	if (!*it || idx >= SM_MAX_ITEMS)
		return NULL;
	return &in->v[idx];
}

static sm_status unknown_key(sm_input *in, const char *key)
{
	char path[64], msg[SM_ERRMSG_SIZE];
	sm_sb p, m;
	if (!in || !in->instrument)
		return SM_E_ARGUMENT;
	sm_sb_init(&p, path, sizeof path);
	pointer_token(&p, key);
	sm_sb_init(&m, msg, sizeof msg);
	sm_sb_str(&m, "unknown item for ");
	sm_sb_str(&m, in->instrument->name);
	sm_sb_str(&m, "; allowed items: ");
	for (size_t k = 0; k < in->instrument->nitems; k++) {
		if (k)
			sm_sb_str(&m, ", ");
		sm_sb_str(&m, in->instrument->items[k].key);
	}
	return sm_input_add_error(in, SM_E_UNKNOWN_ITEM, path, msg);
}

static sm_status wrong_type(sm_input *in, const sm_item *it, const char *key, const char *given)
{
	char what[96];
	sm_sb w;
	sm_sb_init(&w, what, sizeof what);
	sm_sb_str(&w, "expected ");
	sm_sb_str(&w, sm_item_type_name(it->type));
	sm_sb_str(&w, ", got ");
	sm_sb_str(&w, given);
	return bad_value(in, SM_E_TYPE, it, key, what);
}

static sm_status dup_check(sm_input *in, sm_value *v, const sm_item *it, const char *key)
{
	if (v->given)
		return bad_value(in, SM_E_DUPLICATE, it, key, "given twice");
	v->given = true;
	return SM_OK;
}

sm_status sm_input_set_text(sm_input *in, const char *key, const char *text)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	if (!text)
		return sm_input_set_unknown(in, key);
	if (dup_check(in, v, it, key))
		return SM_E_DUPLICATE;
	switch (it->type) {
	case SM_T_ENUM:
		for (size_t k = 0; k < it->nchoices; k++)
			if (it->choices[k].key[0] == text[0] && strcmp(it->choices[k].key, text) == 0) {
				v->present = true;
				v->i = (int)k;
				return SM_OK;
			}
		{
			char what[96];
			sm_sb w;
			sm_sb_init(&w, what, sizeof what);
			sm_sb_str(&w, "\"");
			sm_sb_str(&w, text);
			sm_sb_str(&w, "\" is not an allowed value");
			return bad_value(in, SM_E_DOMAIN, it, key, what);
		}
	case SM_T_HISTOLOGY: {
		int idx = 0;
		if (sm_histology_find(text, &idx)) {
			v->present = true;
			v->i = idx;
			return SM_OK;
		}
		char what[96];
		sm_sb w;
		sm_sb_init(&w, what, sizeof what);
		sm_sb_str(&w, "\"");
		sm_sb_str(&w, text);
		sm_sb_str(&w, "\" is not in the histology catalogue");
		return bad_value(in, SM_E_DOMAIN, it, key, what);
	}
	case SM_T_LEVEL: {
		int lo = 0, hi = 0;
		if (sm_level_parse(text, &lo, &hi) == SM_OK) {
			v->present = true;
			v->lo = lo;
			v->hi = hi;
			return SM_OK;
		}
		char what[96];
		sm_sb w;
		sm_sb_init(&w, what, sizeof what);
		sm_sb_str(&w, "\"");
		sm_sb_str(&w, text);
		sm_sb_str(&w, "\" is not a level SINS defines");
		return bad_value(in, SM_E_DOMAIN, it, key, what);
	}
	case SM_T_INT:
	case SM_T_NUMBER:
		return wrong_type(in, it, key, "a string");
	case SM_T_BOOL:
		return wrong_type(in, it, key, "a string");
	}
	return SM_E_ARGUMENT;
}

static sm_status check_range(sm_input *in, const sm_item *it, const char *key, double x)
{
	if (isnan(x) || x < it->min || x > it->max) {
		char what[96];
		sm_sb w;
		sm_sb_init(&w, what, sizeof what);
		sm_sb_num(&w, x);
		sm_sb_str(&w, " is out of range");
		return bad_value(in, SM_E_DOMAIN, it, key, what);
	}
	return SM_OK;
}

sm_status sm_input_set_int(sm_input *in, const char *key, long long value)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	if (dup_check(in, v, it, key))
		return SM_E_DUPLICATE;
	if (it->type == SM_T_NUMBER) {
		v->given = false;
		return sm_input_set_number(in, key, (double)value);
	}
	if (it->type != SM_T_INT)
		return wrong_type(in, it, key, "an integer");
	double x = (double)value;
	if (check_range(in, it, key, x))
		return SM_E_DOMAIN;
	if (it->step > 1 && (value - (long long)it->min) % (long long)it->step != 0) {
		char what[96];
		sm_sb w;
		sm_sb_init(&w, what, sizeof what);
		sm_sb_int(&w, value);
		sm_sb_str(&w, " is not a step of the scale");
		return bad_value(in, SM_E_DOMAIN, it, key, what);
	}
	v->present = true;
	v->i = (int)value;
	return SM_OK;
}

sm_status sm_input_set_number(sm_input *in, const char *key, double value)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	if (dup_check(in, v, it, key))
		return SM_E_DUPLICATE;
	if (it->type == SM_T_INT) {
		/* A real with no fraction (e.g. 90.0) is accepted as the integer. */
		if (isfinite(value) && value == floor(value) && fabs(value) < 1e15) {
			v->given = false;
			return sm_input_set_int(in, key, (long long)value);
		}
		return wrong_type(in, it, key, "a number with a fraction");
	}
	if (it->type != SM_T_NUMBER)
		return wrong_type(in, it, key, "a number");
	if (check_range(in, it, key, value))
		return SM_E_DOMAIN;
	v->present = true;
	v->d = value;
	return SM_OK;
}

sm_status sm_input_set_bool(sm_input *in, const char *key, bool value)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	if (dup_check(in, v, it, key))
		return SM_E_DUPLICATE;
	if (it->type != SM_T_BOOL)
		return wrong_type(in, it, key, "true/false");
	v->present = true;
	v->i = value ? 1 : 0;
	return SM_OK;
}

sm_status sm_input_reject(sm_input *in, const char *key, const char *given)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	return wrong_type(in, it, key, given ? given : "a value of another type");
}

sm_status sm_input_set_unknown(sm_input *in, const char *key)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	if (dup_check(in, v, it, key))
		return SM_E_DUPLICATE;
	return SM_OK;
}

static int parse_ll(const char *s, long long *out)
{
	long long v = 0;
	int neg = 0, digits = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > 100000000000000LL)
			return 0;
		v = v * 10 + (*s - '0');
	}
	if (!digits || *s)
		return 0;
	*out = neg ? -v : v;
	return 1;
}

static int parse_num(const char *s, double *out)
{
	/* a plain decimal number, optionally with an exponent ("3.4", "-0.5",
	** "0.40000000000000002", "1e5"); no hex, inf or nan; the C locale */
	const char *q = s;
	int digits = 0;
	if (*q == '-' || *q == '+')
		q++;
	while (*q >= '0' && *q <= '9')
		q++, digits++;
	if (*q == '.') {
		q++;
		while (*q >= '0' && *q <= '9')
			q++, digits++;
	}
	if (!digits)
		return 0;
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '-' || *q == '+')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			return 0;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q)
		return 0;
	char *end = NULL;
	double v = strtod(s, &end);
	if (end != q || !isfinite(v))
		return 0;
	*out = v;
	return 1;
}

sm_status sm_input_set_parsed(sm_input *in, const char *key, const char *text)
{
	const sm_item *it = NULL;
	sm_value *v = slot(in, key, &it);
	if (!v)
		return unknown_key(in, key);
	if (!text || !*text)
		return sm_input_set_unknown(in, key);
	switch (it->type) {
	case SM_T_ENUM:
	case SM_T_HISTOLOGY:
	case SM_T_LEVEL:
		return sm_input_set_text(in, key, text);
	case SM_T_INT: {
		long long x;
		double d;
		if (parse_ll(text, &x))
			return sm_input_set_int(in, key, x);
		if (parse_num(text, &d))
			return sm_input_set_number(in, key, d);
		return wrong_type(in, it, key, "text that is not a number");
	}
	case SM_T_NUMBER: {
		double d;
		if (parse_num(text, &d))
			return sm_input_set_number(in, key, d);
		return wrong_type(in, it, key, "text that is not a number");
	}
	case SM_T_BOOL:
		if (sm_streq(text, "true") || sm_streq(text, "1") || sm_streq(text, "yes") ||
		    sm_streq(text, "TRUE") || sm_streq(text, "Yes"))
			return sm_input_set_bool(in, key, true);
		if (sm_streq(text, "false") || sm_streq(text, "0") || sm_streq(text, "no") ||
		    sm_streq(text, "FALSE") || sm_streq(text, "No"))
			return sm_input_set_bool(in, key, false);
		return wrong_type(in, it, key, "text that is not true/false/yes/no/1/0");
	}
	return SM_E_ARGUMENT;
}

/* ---- scoring helpers ---- */
size_t sm_item_index(const sm_instrument *inst, const char *key)
{
	size_t idx = 0;
	if (sm_instrument_item_find(inst, key, &idx))
		return idx;
	return (size_t)-1;
}

const sm_value *sm_get(const sm_input *in, const char *key)
{
	size_t idx = sm_item_index(in->instrument, key);
	if (idx >= SM_MAX_ITEMS || !in->v[idx].present)
		return NULL;
	return &in->v[idx];
}

const sm_value *sm_input_get(const sm_input *in, const char *key)
{
	if (!in || !in->instrument || !key)
		return NULL;
	return sm_get(in, key);
}

sm_component *sm_add_component(sm_result *out, const char *item, const sm_value *vsrc,
                               const sm_item *item_def, int lo, int hi)
{
	if (out->ncomponents >= SM_MAX_COMPONENTS)
		return NULL;
	sm_component *c = &out->components[out->ncomponents++];
	c->vkind = SM_VK_NONE;
	c->text[0] = '\0';
	c->i = 0;
	c->d = 0;
	c->explain[0] = '\0';
	c->item = item;
	c->lo = lo;
	c->hi = hi;
	c->known = lo == hi;
	c->points = lo;
	if (vsrc && vsrc->present && item_def) {
		switch (item_def->type) {
		case SM_T_ENUM:
			c->vkind = SM_VK_TEXT;
			sm_copy(c->text, sizeof c->text, item_def->choices[vsrc->i].key);
			break;
		case SM_T_HISTOLOGY:
			c->vkind = SM_VK_TEXT;
			sm_copy(c->text, sizeof c->text, sm_histology_at((size_t)vsrc->i)->key);
			break;
		case SM_T_LEVEL: {
			sm_sb sb;
			c->vkind = SM_VK_TEXT;
			sm_sb_init(&sb, c->text, sizeof c->text);
			sm_sb_str(&sb, sm_level_name(vsrc->lo));
			if (vsrc->hi != vsrc->lo) {
				sm_sb_str(&sb, "-");
				sm_sb_str(&sb, sm_level_name(vsrc->hi));
			}
			break;
		}
		case SM_T_INT:
			c->vkind = SM_VK_INT;
			c->i = vsrc->i;
			break;
		case SM_T_NUMBER:
			c->vkind = SM_VK_NUMBER;
			c->d = vsrc->d;
			break;
		case SM_T_BOOL:
			c->vkind = SM_VK_BOOL;
			c->i = vsrc->i;
			break;
		}
	}
	return c;
}

void sm_component_text(sm_component *c, const char *text)
{
	if (c)
		sm_copy(c->explain, sizeof c->explain, text);
}

void sm_add_missing(sm_result *out, const char *item)
{
	for (size_t k = 0; k < out->nmissing; k++)
		if (sm_streq(out->missing[k], item))
			return;
	if (out->nmissing < SM_MAX_ITEMS)
		out->missing[out->nmissing++] = item;
}

void sm_add_note(sm_result *out, const char *note)
{
	for (size_t k = 0; k < out->nnotes; k++)
		if (out->notes[k] == note)
			return;
	if (out->nnotes < SM_MAX_NOTES)
		out->notes[out->nnotes++] = note;
}

void sm_result_error(sm_result *out, sm_status code, const char *path, const char *message)
{
	if (out->nerrors >= SM_MAX_ERRORS)
		return;
	sm_error *e = &out->errors[out->nerrors++];
	e->code = code;
	sm_copy(e->path, sizeof e->path, path);
	sm_copy(e->message, sizeof e->message, message);
}

const sm_band_def *sm_band_for(const sm_instrument *inst, int total)
{
	for (size_t k = 0; k < inst->nbands; k++)
		if (total >= inst->bands[k].lo && total <= inst->bands[k].hi)
			return &inst->bands[k];
	return NULL;
}

static void interpretation_common(sm_result *out, sm_sb *sb)
{
	const sm_instrument *inst = out->instrument;
	if (out->nmissing) {
		sm_sb_str(sb, " Not yet known: ");
		for (size_t k = 0; k < out->nmissing; k++) {
			if (k)
				sm_sb_str(sb, ", ");
			sm_sb_str(sb, out->missing[k]);
		}
		sm_sb_str(sb, ".");
	}
	if (out->flags & SM_FLAG_CONVERTED)
		sm_sb_str(sb, " A performance scale was converted (KPS/ECOG; no formal mapping exists, REFERENCE §5.3).");
	if (out->flags & SM_FLAG_VERIFY_PENDING)
		sm_sb_str(sb, " Part of this result rests on a rule not yet verified against the source paper (verify_pending).");
	sm_sb_str(sb, " Decision support only; see ");
	sm_sb_str(sb, inst->reference);
	sm_sb_str(sb, ".");
}

void sm_finish_sum(sm_result *out, int cap)
{
	int lo = 0, hi = 0;
	bool all_known = true;
	for (size_t k = 0; k < out->ncomponents; k++) {
		lo += out->components[k].lo;
		hi += out->components[k].hi;
		if (!out->components[k].known)
			all_known = false;
	}
	if (out->nmissing)
		all_known = false;
	if (cap > 0) {
		if (hi > cap) {
			if (lo >= cap || all_known)
				out->flags |= SM_FLAG_CAPPED;
			hi = cap;
		}
		if (lo > cap)
			lo = cap;
	}
	out->has_total = true;
	out->lo = lo;
	out->hi = hi;
	const sm_instrument *inst = out->instrument;
	const sm_band_def *blo = sm_band_for(inst, lo), *bhi = sm_band_for(inst, hi);
	char *buf = out->interpretation;
	sm_sb sb;
	sm_sb_init(&sb, buf, sizeof out->interpretation);
	if (all_known && lo == hi) {
		out->status = SM_RESULT_OK;
		out->total = lo;
	} else {
		out->status = SM_RESULT_INCOMPLETE;
	}
	if (blo && blo == bhi) {
		out->band = blo->key;
		out->band_meaning = blo->meaning;
	}
	sm_sb_str(&sb, inst->title);
	if (out->status == SM_RESULT_OK) {
		sm_sb_str(&sb, " ");
		sm_sb_int(&sb, out->total);
	} else {
		sm_sb_str(&sb, ": incomplete, the total can still be anything from ");
		sm_sb_int(&sb, lo);
		sm_sb_str(&sb, " to ");
		sm_sb_int(&sb, hi);
	}
	if (out->band) {
		sm_sb_str(&sb, out->status == SM_RESULT_OK ? " (" : "; every completion falls in the band ");
		sm_sb_str(&sb, out->band);
		sm_sb_str(&sb, out->status == SM_RESULT_OK ? "): " : ": ");
		sm_sb_str(&sb, out->band_meaning);
	} else {
		sm_sb_str(&sb, "; the band cannot be decided until the missing items are known (");
		sm_sb_str(&sb, blo ? blo->key : "?");
		sm_sb_str(&sb, " to ");
		sm_sb_str(&sb, bhi ? bhi->key : "?");
		sm_sb_str(&sb, ").");
	}
	if (out->flags & SM_FLAG_CAPPED)
		sm_sb_str(&sb, " The sum reached the published ceiling and was capped.");
	interpretation_common(out, &sb);
}

void sm_finish_grade(sm_result *out, const char *grade, const char *band, const char *meaning)
{
	sm_sb sb;
	sm_sb_init(&sb, out->interpretation, sizeof out->interpretation);
	out->has_total = false;
	out->grade = grade;
	out->band = band;
	out->band_meaning = meaning;
	out->status = (grade || band) && out->npossible <= 1 ? SM_RESULT_OK : SM_RESULT_INCOMPLETE;
	sm_sb_str(&sb, out->instrument->title);
	if (grade) {
		sm_sb_str(&sb, " grade ");
		sm_sb_str(&sb, grade);
		sm_sb_str(&sb, ": ");
		sm_sb_str(&sb, meaning);
	} else if (band && out->status == SM_RESULT_OK) {
		sm_sb_str(&sb, ": ");
		sm_sb_str(&sb, meaning);
	} else {
		sm_sb_str(&sb, ": incomplete; grades still possible: ");
		for (size_t k = 0; k < out->npossible; k++) {
			if (k)
				sm_sb_str(&sb, ", ");
			sm_sb_str(&sb, out->possible[k]);
		}
		sm_sb_str(&sb, ".");
	}
	interpretation_common(out, &sb);
}

int sm_ecog_from_kps(int kps)
{
	/* REFERENCE §5.3 ECOG-ACRIN-style convention: 100-90 -> 0, 80-70 -> 1,
	** 60-50 -> 2, 40-30 -> 3, 20-10 -> 4, 0 -> 5. */
	if (kps >= 90) return 0;
	if (kps >= 70) return 1;
	if (kps >= 50) return 2;
	if (kps >= 30) return 3;
	if (kps >= 10) return 4;
	return 5;
}

/* Clear everything but the component, error and text arrays, which are
** written before they are counted (together they are most of the 12 KB). */
static void result_reset(sm_result *out)
{
	out->instrument = NULL;
	out->status = SM_RESULT_OK;
	out->has_total = false;
	out->total = out->lo = out->hi = 0;
	out->grade = out->band = out->band_meaning = NULL;
	memset(out->possible, 0, sizeof out->possible);
	out->npossible = 0;
	out->ncomponents = 0;
	memset(out->missing, 0, sizeof out->missing);
	out->nmissing = 0;
	out->nerrors = 0;
	out->flags = 0;
	memset(out->notes, 0, sizeof out->notes);
	out->nnotes = 0;
	out->interpretation[0] = '\0';
}

sm_status sm_score(const sm_input *in, sm_result *out)
{
	if (!out)
		return SM_E_ARGUMENT;
	result_reset(out);
	if (!in || !in->instrument)
		return SM_E_ARGUMENT;
	out->instrument = in->instrument;
	if (in->nerrors) {
		out->status = SM_RESULT_INVALID;
		for (size_t k = 0; k < in->nerrors && k < SM_MAX_ERRORS; k++)
			out->errors[out->nerrors++] = in->errors[k];
		sm_copy(out->interpretation, sizeof out->interpretation,
		        "Not scored: the input holds values outside the allowed domain (see errors).");
		return SM_OK;
	}
	in->instrument->score(in, out);
	if (out->nerrors) {
		out->status = SM_RESULT_INVALID;
		out->has_total = false;
		out->band = NULL;
		out->grade = NULL;
		out->ncomponents = 0;
		out->nmissing = 0;
		out->npossible = 0;
		sm_copy(out->interpretation, sizeof out->interpretation,
		        "Not scored: the input holds values that contradict each other (see errors).");
	}
	return SM_OK;
}
