/*
** spinemets_pg.c: the spinemets core as PostgreSQL functions
** (CREATE EXTENSION spinemets; see docs/sql.md).
**
**   spinemets_score(instrument text, items jsonb) -> jsonb
**   spinemets_assess(case jsonb) -> jsonb
**   spinemets_version() -> text
**   spinemets_instruments() -> SETOF (name, title, definition, citation,
**                                     reference, direction, is_grade)
**
** The result documents are written by the same writer as the command line
** (src/io: sm_jw_result, sm_jw_assessment), so they hold the same members and
** values as `spinemets score` and `spinemets assess --json` (jsonb then
** orders the keys its own way). Invalid input is a PostgreSQL error
** (SQLSTATE 22023 invalid_parameter_value; 22P02 for text that is not JSON)
** whose DETAIL lists the JSON path and the message of each problem.
**
** Items (spinemets_score) are read by walking the jsonb value with
** PostgreSQL's own jsonb API into the core's setters (sm_input_set_*), the
** calls the JSON adapter makes: no JSON library on that path. A case
** (spinemets_assess) is turned into text and read by the case adapter
** (src/io/json_case.c, jansson) until the case-field table of issue #10
** exists; then it too can be walked here.
**
** Backends are single-threaded processes: the large input and result structs
** are static (per process), never shared between threads.
*/
#include "postgres.h"

#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spinemets.h"
#include "spinemets_bridge.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(spinemets_version);
PG_FUNCTION_INFO_V1(spinemets_score);
PG_FUNCTION_INFO_V1(spinemets_assess);
PG_FUNCTION_INFO_V1(spinemets_instruments);

static sm_input g_in;
static sm_result g_res;

void _PG_init(void);

/* ---- the result cache of spinemets_score ----
** The function is immutable: its result depends only on the instrument and
** the bytes of the jsonb value (a canonical form: keys sorted, one per name).
** Each backend (and parallel worker) keeps the results of the combinations it
** has seen, as `spinemets batch` does: a research table holds far fewer
** distinct combinations of an instrument's items than rows. Open addressing,
** at most CACHE_PROBE probes; when spinemets.cache_mb of copies are held (a
** result of revised Tokuhashi is about 2 KB) the whole cache is dropped and
** refilled. SET spinemets.cache = off to measure without. */
#define CACHE_SLOTS 262144
#define CACHE_PROBE 8
typedef struct cache_slot {
	uint32 hash;
	const sm_instrument *inst;
	struct varlena *in, *out;
} cache_slot;
static cache_slot *cache;
static MemoryContext cache_cx;
static Size cache_used;
static bool cache_on = true;
static int cache_mb = 64;

void _PG_init(void)
{
	DefineCustomBoolVariable("spinemets.cache", "Keep the results of spinemets_score per backend.",
	                         "Off: every call scores (for measurements); the results are the same.", &cache_on, true,
	                         PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("spinemets.cache_mb", "Memory for the results kept by spinemets_score, per backend.",
	                        "Each backend and parallel worker has its own.", &cache_mb, 64, 1, 4096, PGC_USERSET,
	                        GUC_UNIT_MB, NULL, NULL, NULL);
	MarkGUCPrefixReserved("spinemets");
}

/* The slot holding (inst, jb), or the empty slot where it goes, or NULL. */
static cache_slot *cache_find(const sm_instrument *inst, const Jsonb *jb, uint32 h)
{
	Size len = VARSIZE(jb);
	if (!cache) {
		cache_cx = AllocSetContextCreate(TopMemoryContext, "spinemets score cache", ALLOCSET_DEFAULT_SIZES);
		cache = MemoryContextAllocZero(TopMemoryContext, sizeof(cache_slot) * CACHE_SLOTS);
	}
	for (uint32 n = 0, i = h & (CACHE_SLOTS - 1); n < CACHE_PROBE; n++, i = (i + 1) & (CACHE_SLOTS - 1)) {
		cache_slot *s = &cache[i];
		if (!s->in)
			return s;
		if (s->hash == h && s->inst == inst && VARSIZE(s->in) == len && memcmp(s->in, jb, len) == 0)
			return s;
	}
	return NULL;
}

static void cache_put(cache_slot *s, const sm_instrument *inst, const Jsonb *jb, uint32 h, Datum out)
{
	struct varlena *o = (struct varlena *)DatumGetPointer(out);
	Size need = VARSIZE(jb) + VARSIZE(o);
	if (cache_used + need > (Size)cache_mb * 1024 * 1024) {
		MemoryContextReset(cache_cx);
		memset(cache, 0, sizeof(cache_slot) * CACHE_SLOTS);
		cache_used = 0;
		s = cache_find(inst, jb, h);
	}
	s->in = MemoryContextAlloc(cache_cx, VARSIZE(jb));
	memcpy(s->in, jb, VARSIZE(jb));
	s->out = MemoryContextAlloc(cache_cx, VARSIZE(o));
	memcpy(s->out, o, VARSIZE(o));
	s->hash = h;
	s->inst = inst;
	cache_used += need;
}

Datum spinemets_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(SM_ENGINE_VERSION));
}

/* A NUL-terminated copy of a jsonb string (keys and string values). */
static const char *jb_cstr(const char *s, int len, char *buf, size_t cap)
{
	size_t n = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* The words json_score.c uses for a value of the wrong kind. */
static const char *jb_kind(const JsonbValue *v)
{
	switch (v->type) {
	case jbvNull: return "null";
	case jbvString: return "a string";
	case jbvNumeric: return "a number";
	case jbvBool: return "a boolean";
	case jbvBinary: return JsonContainerIsObject(v->val.binary.data) ? "an object" : "an array";
	default: return "a value";
	}
}

/* One item value into the core, as json_score.c does with a jansson value:
** a number written without a fraction or exponent is an integer. */
static void set_item(sm_input *in, const char *key, const JsonbValue *v)
{
	char sbuf[256];
	switch (v->type) {
	case jbvString:
		sm_input_set_text(in, key, jb_cstr(v->val.string.val, v->val.string.len, sbuf, sizeof sbuf));
		return;
	case jbvBool:
		sm_input_set_bool(in, key, v->val.boolean);
		return;
	case jbvNull:
		sm_input_set_unknown(in, key);
		return;
	case jbvNumeric: {
		char *txt = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
		char *end = NULL;
		if (strpbrk(txt, ".eE") == NULL) {
			long long i;
			errno = 0;
			i = strtoll(txt, &end, 10);
			if (errno == 0 && end && *end == '\0') {
				sm_input_set_int(in, key, i);
				pfree(txt);
				return;
			}
		}
		sm_input_set_number(in, key, strtod(txt, NULL));
		pfree(txt);
		return;
	}
	default:
		sm_input_reject(in, key, jb_kind(v));
		return;
	}
}

/* Walk the top-level object of `jb` into `in`. */
static void read_items(sm_input *in, Jsonb *jb)
{
	JsonbIterator *it;
	JsonbValue v;
	JsonbIteratorToken tok;
	char key[256];
	if (!JB_ROOT_IS_OBJECT(jb)) {
		char msg[128];
		const char *what = "an array";
		if (JB_ROOT_IS_SCALAR(jb)) {
			JsonbValue sv;
			if (JsonbExtractScalar(&jb->root, &sv))
				what = jb_kind(&sv);
		}
		snprintf(msg, sizeof msg, "expected a JSON object of item values, got %s", what);
		sm_input_add_error(in, SM_E_TYPE, "", msg);
		return;
	}
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE) {
		if (tok == WJB_KEY) {
			jb_cstr(v.val.string.val, v.val.string.len, key, sizeof key);
			tok = JsonbIteratorNext(&it, &v, true);
			if (tok == WJB_VALUE)
				set_item(in, key, &v);
		}
	}
}

/* "path: message" lines (the document itself is "(document)"). */
static void add_problem(StringInfo s, const char *path, const char *message)
{
	if (s->len)
		appendStringInfoString(s, "\n");
	appendStringInfo(s, "%s: %s", path && *path ? path : "(document)", message);
}

/* ---- the writer's text as jsonb ----
** The documents are written as text by the program's writer (src/io/jw.c).
** jsonb_in would read them back char by char (most of a call's time); this
** reader takes the writer's compact output (strings with \" \\ \b \f \n \r
** \t and \u00XX escapes, integers, reals, true, false, null) straight into
** jsonb values. Anything else it does not expect sends the whole text to
** jsonb_in, so the result is always what jsonb_in would give. */
typedef struct jreader {
	const char *p, *end;
	JsonbValue *root; /* what the last container's end gave: the root's, at the end */
} jreader;

static bool jr_value(jreader *r, JsonbParseState **st, JsonbIteratorToken tok);

static bool jr_string(jreader *r, JsonbValue *v)
{
	const char *start = ++r->p; /* after the quote */
	const char *q = start;
	char *buf = NULL;
	size_t n = 0;
	while (q < r->end && *q != '"' && *q != '\\')
		q++;
	if (q < r->end && *q == '"') { /* no escape: point into the text */
		v->type = jbvString;
		v->val.string.val = (char *)start;
		v->val.string.len = (int)(q - start);
		r->p = q + 1;
		return true;
	}
	buf = palloc((size_t)(r->end - start) + 1);
	for (q = start; q < r->end && *q != '"'; q++) {
		if (*q != '\\') {
			buf[n++] = *q;
			continue;
		}
		if (++q >= r->end)
			return false;
		switch (*q) {
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case '/': buf[n++] = '/'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u': {
			unsigned c = 0;
			if (r->end - q < 5)
				return false;
			for (int k = 1; k <= 4; k++) {
				char h = q[k];
				c = c * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 99);
			}
			if (c == 0 || c > 0x7f) /* not a control character the writer escapes */
				return false;
			buf[n++] = (char)c;
			q += 4;
			break;
		}
		default: return false;
		}
	}
	if (q >= r->end)
		return false;
	v->type = jbvString;
	v->val.string.val = buf;
	v->val.string.len = (int)n;
	r->p = q + 1;
	return true;
}

static bool jr_scalar(jreader *r, JsonbValue *v)
{
	const char *q = r->p;
	if (*q == '"')
		return jr_string(r, v);
	if (r->end - q >= 4 && memcmp(q, "true", 4) == 0) {
		v->type = jbvBool;
		v->val.boolean = true;
		r->p += 4;
		return true;
	}
	if (r->end - q >= 5 && memcmp(q, "false", 5) == 0) {
		v->type = jbvBool;
		v->val.boolean = false;
		r->p += 5;
		return true;
	}
	if (r->end - q >= 4 && memcmp(q, "null", 4) == 0) {
		v->type = jbvNull;
		r->p += 4;
		return true;
	}
	if (*q == '-' || (*q >= '0' && *q <= '9')) {
		char num[64];
		bool integer = true;
		size_t n = 0;
		while (q < r->end && (strchr("+-0123456789.eE", *q) != NULL) && n < sizeof num - 1) {
			if (*q == '.' || *q == 'e' || *q == 'E')
				integer = false;
			num[n++] = *q++;
		}
		num[n] = '\0';
		v->type = jbvNumeric;
		if (integer && n < 18) {
			v->val.numeric = int64_to_numeric(strtoll(num, NULL, 10));
		} else {
			v->val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(num),
			                                                       ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
		}
		r->p = q;
		return true;
	}
	return false;
}

static bool jr_value(jreader *r, JsonbParseState **st, JsonbIteratorToken tok)
{
	JsonbValue v;
	if (r->p >= r->end)
		return false;
	if (*r->p == '{' || *r->p == '[') {
		bool obj = *r->p == '{';
		r->p++;
		pushJsonbValue(st, obj ? WJB_BEGIN_OBJECT : WJB_BEGIN_ARRAY, NULL);
		if (r->p < r->end && *r->p == (obj ? '}' : ']')) {
			r->p++;
		} else {
			for (;;) {
				if (obj) {
					if (r->p >= r->end || *r->p != '"' || !jr_string(r, &v))
						return false;
					pushJsonbValue(st, WJB_KEY, &v);
					if (r->p >= r->end || *r->p != ':')
						return false;
					r->p++;
				}
				if (!jr_value(r, st, obj ? WJB_VALUE : WJB_ELEM))
					return false;
				if (r->p < r->end && *r->p == ',') {
					r->p++;
					continue;
				}
				if (r->p < r->end && *r->p == (obj ? '}' : ']')) {
					r->p++;
					break;
				}
				return false;
			}
		}
		r->root = pushJsonbValue(st, obj ? WJB_END_OBJECT : WJB_END_ARRAY, NULL);
		return true;
	}
	if (!jr_scalar(r, &v))
		return false;
	pushJsonbValue(st, tok, &v);
	return true;
}

/* The writer's text (malloc'd; freed here) as jsonb. */
static Datum text_to_jsonb(char *text, size_t n)
{
	JsonbParseState *st = NULL;
	jreader r;
	char *copy;
	if (!text)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("spinemets: out of memory writing the result")));
	r.p = text;
	r.end = text + n;
	r.root = NULL;
	if (n && *text == '{' && jr_value(&r, &st, WJB_VALUE) && r.p == r.end && r.root && !st) {
		Jsonb *jb = JsonbValueToJsonb(r.root); /* copies every string out of `text` */
		free(text);
		return JsonbPGetDatum(jb);
	}
	copy = pnstrdup(text, n);
	free(text);
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(copy));
}

/* The documents hold UTF-8 text (e.g. "REFERENCE §6.1"), as they are. */
static void need_utf8(const char *fn)
{
	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("%s needs a database with encoding UTF8, not %s", fn, GetDatabaseEncodingName())));
}

Datum spinemets_score(PG_FUNCTION_ARGS)
{
	text *name_t = PG_GETARG_TEXT_PP(0);
	Jsonb *items = PG_GETARG_JSONB_P(1);
	char *name = text_to_cstring(name_t);
	const sm_instrument *inst = sm_instrument_find(name);
	char *out;
	size_t n = 0;
	uint32 h = 0;
	cache_slot *slot = NULL;
	Datum result;
	need_utf8("spinemets_score");
	if (!inst) {
		StringInfoData names;
		initStringInfo(&names);
		for (size_t k = 0; k < sm_instrument_count(); k++)
			appendStringInfo(&names, "%s%s", k ? ", " : "", sm_instrument_name(sm_instrument_at(k)));
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("spinemets_score: unknown instrument \"%s\"", name),
		                errhint("One of: %s.", names.data)));
	}
	if (cache_on) {
		h = hash_bytes((const unsigned char *)items, (int)VARSIZE(items));
		slot = cache_find(inst, items, h);
		if (slot && slot->in) {
			struct varlena *copy = palloc(VARSIZE(slot->out));
			memcpy(copy, slot->out, VARSIZE(slot->out));
			PG_RETURN_POINTER(copy);
		}
	}
	sm_input_init(&g_in, inst);
	read_items(&g_in, items);
	sm_score(&g_in, &g_res);
	if (g_res.status == SM_RESULT_INVALID) {
		StringInfoData d;
		initStringInfo(&d);
		for (size_t k = 0; k < g_res.nerrors; k++)
			add_problem(&d, g_res.errors[k].path, g_res.errors[k].message);
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("spinemets_score: invalid items for %s at %s", name,
		                       g_res.nerrors && *g_res.errors[0].path ? g_res.errors[0].path : "(document)"),
		                errdetail("%s", d.data)));
	}
	out = smx_result_json(&g_res, &n);
	result = text_to_jsonb(out, n);
	if (slot)
		cache_put(slot, inst, items, h, result);
	PG_RETURN_DATUM(result);
}

static sm_case g_case;
static sm_assessment g_assessment;

Datum spinemets_assess(PG_FUNCTION_ARGS)
{
	Jsonb *jb = PG_GETARG_JSONB_P(0);
	char *text;
	need_utf8("spinemets_assess");
	text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	char *problems = NULL, *out;
	char first[512] = "(document)";
	size_t n = 0;
	out = smx_assess_json(text, strlen(text), &g_case, &g_assessment, &n, &problems, first, sizeof first);
	pfree(text);
	if (!out && problems) {
		char *detail = pstrdup(problems);
		free(problems);
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("spinemets_assess: invalid case at %s", first), errdetail("%s", detail)));
	}
	PG_RETURN_DATUM(text_to_jsonb(out, n));
}

Datum spinemets_instruments(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
	InitMaterializedSRF(fcinfo, 0);
	for (size_t k = 0; k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		Datum values[7];
		bool nulls[7] = {false, false, false, false, false, false, false};
		values[0] = CStringGetTextDatum(sm_instrument_name(in));
		values[1] = CStringGetTextDatum(sm_instrument_title(in));
		values[2] = CStringGetTextDatum(sm_instrument_definition(in));
		values[3] = CStringGetTextDatum(sm_instrument_citation(in));
		values[4] = CStringGetTextDatum(sm_instrument_reference(in));
		values[5] = CStringGetTextDatum(sm_direction_name(sm_instrument_direction(in)));
		values[6] = BoolGetDatum(sm_instrument_is_grade(in));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum)0;
}
