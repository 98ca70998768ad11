/*
** api.c: routes of the JSON API (/api/v1/...) and the embedded web page.
** Bodies and responses of score and assess are exactly those of the CLI
** (ARCHITECTURE.md contracts 1 and 2). No clinical logic here.
*/
#include "http/api.h"
#include "http/fhir.h"
#include "http/assets.h"
#include "http/registry.h"
#include "io/json_case.h"
#include "io/json_score.h"
#include "spinemets.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <zlib.h>

#define JSON_CT "application/json"

/* GET /api/v1/instruments and /rules, serialised and compressed once (fixed_doc_route) */
typedef struct fixed_doc {
	sm_asset as;
	char *body;
	unsigned char *gz;
	char etag[24], gz_etag[28];
} fixed_doc;
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;
static fixed_doc fixed[2];
static int fixed_ready;

const sm_asset *sm_asset_find(const char *path)
{
	for (size_t k = 0; k < sm_nassets; k++)
		if (strcmp(sm_assets[k].path, path) == 0)
			return &sm_assets[k];
	return NULL;
}

void sm_api_set_json(sm_api_response *r, unsigned status, json_t *doc)
{
	r->status = status;
	r->content_type = JSON_CT;
	r->body = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
	r->owned = 1;
	json_decref(doc);
	if (!r->body) {
		r->status = 500;
		r->body = (char *)"{\"error\":{\"status\":500,\"message\":\"out of memory\"}}";
		r->owned = 0;
	}
	r->len = strlen(r->body);
}

#define set_json sm_api_set_json

/* A response written by a JSON writer (which is reset). */
static void set_written(sm_api_response *r, unsigned status, sm_jw *w)
{
	size_t len = 0;
	r->status = status;
	r->content_type = JSON_CT;
	r->body = sm_jw_finish(w, &len);
	r->owned = 1;
	r->len = len;
	if (!r->body) {
		r->status = 500;
		r->body = (char *)"{\"error\":{\"status\":500,\"message\":\"out of memory\"}}";
		r->owned = 0;
		r->len = strlen(r->body);
	}
}

void sm_api_error(sm_api_response *r, unsigned status, const char *message)
{
	json_t *e = json_object(), *o = json_object();
	json_object_set_new(e, "status", json_integer(status));
	json_object_set_new(e, "message", json_string(message));
	json_object_set_new(o, "error", e);
	set_json(r, status, o);
}

void sm_api_response_free(sm_api_response *r)
{
	if (r && r->owned)
		free(r->body);
	if (r) {
		r->body = NULL;
		r->owned = 0;
	}
}

int sm_api_is_json_type(const char *ct)
{
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static json_t *instruments_doc(void)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(sm_instrument_name(in)));
		json_object_set_new(o, "title", json_string(sm_instrument_title(in)));
		json_object_set_new(o, "definition", json_string(sm_instrument_definition(in)));
		json_object_set_new(o, "citation", json_string(sm_instrument_citation(in)));
		json_object_set_new(o, "reference", json_string(sm_instrument_reference(in)));
		json_object_set_new(o, "direction", json_string(sm_direction_name(sm_instrument_direction(in))));
		json_object_set_new(o, "result", json_string(sm_instrument_is_grade(in) ? "grade" : "total"));
		json_t *items = json_array();
		for (size_t i = 0; i < sm_instrument_item_count(in); i++) {
			const sm_item *it = sm_instrument_item(in, i);
			json_t *jo = json_object();
			json_object_set_new(jo, "key", json_string(it->key));
			json_object_set_new(jo, "help", json_string(it->help));
			static const char *const types[] = {"enum", "integer", "number", "boolean", "histology", "level"};
			json_object_set_new(jo, "type", json_string(types[it->type]));
			if (it->type == SM_T_ENUM) {
				json_t *ch = json_array();
				for (size_t c = 0; c < it->nchoices; c++) {
					json_t *co = json_object();
					json_object_set_new(co, "value", json_string(it->choices[c].key));
					json_object_set_new(co, "text", json_string(it->choices[c].text));
					json_array_append_new(ch, co);
				}
				json_object_set_new(jo, "values", ch);
			} else if (it->type == SM_T_INT || it->type == SM_T_NUMBER) {
				json_object_set_new(jo, "min", json_real(it->min));
				if (it->max < 1e9)
					json_object_set_new(jo, "max", json_real(it->max));
				if (it->step > 0)
					json_object_set_new(jo, "step", json_real(it->step));
			}
			json_array_append_new(items, jo);
		}
		json_object_set_new(o, "items", items);
		json_t *bands = json_array();
		for (size_t b = 0; b < sm_instrument_band_count(in); b++) {
			const sm_band_def *d = sm_instrument_band(in, b);
			json_t *bo = json_object();
			json_object_set_new(bo, "band", json_string(d->key));
			if (!sm_instrument_is_grade(in)) {
				json_object_set_new(bo, "min", json_integer(d->lo));
				json_object_set_new(bo, "max", json_integer(d->hi));
			}
			json_object_set_new(bo, "meaning", json_string(d->meaning));
			json_array_append_new(bands, bo);
		}
		json_object_set_new(o, "bands", bands);
		json_array_append_new(arr, o);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "engine_version", json_string(SM_ENGINE_VERSION));
	json_object_set_new(doc, "instruments", arr);
	json_t *h = json_array();
	for (size_t k = 0; k < sm_histology_count(); k++) {
		const sm_histology *x = sm_histology_at(k);
		json_t *ho = json_object();
		json_object_set_new(ho, "key", json_string(x->key));
		json_object_set_new(ho, "name", json_string(x->name));
		json_object_set_new(ho, "paediatric", json_boolean(x->paediatric));
		json_array_append_new(h, ho);
	}
	json_object_set_new(doc, "histologies", h);
	return doc;
}

static json_t *rules_doc(void)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < sm_rule_count(); k++) {
		const sm_rule *r = sm_rule_at(k);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(r->id));
		json_object_set_new(o, "section", json_string(r->section));
		json_object_set_new(o, "source", json_string(r->source));
		json_object_set_new(o, "text", json_string(r->text));
		json_array_append_new(arr, o);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "rules", arr);
	/* the care-plan rules (REFERENCE §16, src/core/careplan.c) */
	json_t *care = json_array();
	for (size_t k = 0; k < sm_care_rule_count(); k++) {
		const sm_care_rule *c = sm_care_rule_at(k);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(c->rule.id));
		json_object_set_new(o, "section", json_string(c->rule.section));
		json_object_set_new(o, "source", json_string(c->rule.source));
		json_object_set_new(o, "text", json_string(c->rule.text));
		json_object_set_new(o, "item", json_string(c->key));
		json_object_set_new(o, "phase", json_string(sm_care_phase_name(c->phase)));
		json_object_set_new(o, "addon", json_boolean(c->addon));
		json_object_set_new(o, "age_scope", json_string(c->age_scope));
		json_object_set_new(o, "when", json_string(c->when));
		json_object_set_new(o, "if_unknown", json_string(c->check_if_unknown ? "check" : "wait"));
		json_array_append_new(care, o);
	}
	json_object_set_new(doc, "care_plan_rules", care);
	return doc;
}

static int method_is(const char *m, const char *want)
{
	return strcmp(m, want) == 0;
}

void sm_api_not_allowed(sm_api_response *r, const char *allow)
{
	sm_api_error(r, 405, "method not allowed on this resource");
	r->allow = allow;
}
#define not_allowed sm_api_not_allowed

/* POST bodies: JSON only */
static int post_ok(const char *method, const char *ct, sm_api_response *r)
{
	if (!method_is(method, "POST")) {
		not_allowed(r, "POST");
		return 0;
	}
	if (!sm_api_is_json_type(ct)) {
		sm_api_error(r, 415, "the body must be JSON: send Content-Type: application/json");
		return 0;
	}
	return 1;
}

static int has_malformed(const json_t *errors)
{
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) if (json_object_get(e, "line")) return 1;
	return 0;
}

/* The case and the assessment of one request (227 KiB + 924 KiB). Malloc'd
** per request, blocks this large may be mapped fresh and every page faulted in
** again (glibc's mmap threshold, arena trimming), so they are kept on a free
** list instead. It grows to the number of requests assessed at once (at most
** ASSESS_POOL_MAX are kept) and sm_api_shutdown() frees it.
** sm_json_read_case() (sm_case_init) and sm_assess() initialise all of both,
** so a slot needs no clearing between requests. */
typedef struct assess_slot {
	struct assess_slot *next;
	sm_case c;
	sm_assessment a;
} assess_slot;

#define ASSESS_POOL_MAX 64
static pthread_mutex_t assess_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static assess_slot *assess_pool;
static unsigned assess_pool_n;

static assess_slot *assess_slot_get(void)
{
	pthread_mutex_lock(&assess_pool_lock);
	assess_slot *s = assess_pool;
	if (s) {
		assess_pool = s->next;
		assess_pool_n--;
	}
	pthread_mutex_unlock(&assess_pool_lock);
	return s ? s : malloc(sizeof *s);
}

static void assess_slot_put(assess_slot *s)
{
	pthread_mutex_lock(&assess_pool_lock);
	if (assess_pool_n < ASSESS_POOL_MAX) {
		s->next = assess_pool;
		assess_pool = s;
		assess_pool_n++;
		s = NULL;
	}
	pthread_mutex_unlock(&assess_pool_lock);
	free(s);
}

void sm_api_shutdown(void)
{
	pthread_mutex_lock(&fixed_lock);
	for (size_t k = 0; k < 2; k++) {
		free(fixed[k].body);
		free(fixed[k].gz);
		memset(&fixed[k], 0, sizeof fixed[k]);
	}
	fixed_ready = 0;
	pthread_mutex_unlock(&fixed_lock);
	pthread_mutex_lock(&assess_pool_lock);
	assess_slot *s = assess_pool;
	assess_pool = NULL;
	assess_pool_n = 0;
	pthread_mutex_unlock(&assess_pool_lock);
	while (s) {
		assess_slot *next = s->next;
		free(s);
		s = next;
	}
}

static void assess(const char *body, size_t len, sm_api_response *r)
{
	assess_slot *s = assess_slot_get();
	if (!s) {
		sm_api_error(r, 500, "out of memory");
		return;
	}
	json_t *errors = sm_json_read_case(body, len, &s->c);
	sm_jw w; /* the response, written straight to text */
	sm_jw_init(&w, 0);
	if (!errors) {
		sm_api_error(r, 500, "out of memory");
	} else if (json_array_size(errors)) {
		unsigned st = has_malformed(errors) ? 400 : 422;
		sm_jw_case_invalid(&w, errors);
		json_decref(errors);
		set_written(r, st, &w);
	} else {
		json_decref(errors);
		sm_assess(&s->c, &s->a);
		sm_jw_assessment(&w, &s->c, &s->a);
		set_written(r, 200, &w);
	}
	assess_slot_put(s);
}

/* a token of an Accept-Encoding list is present and not refused with q=0 */
static int accepts(const char *list, const char *coding)
{
	size_t n = strlen(coding);
	for (const char *p = list; p && *p;) {
		p += strspn(p, " \t,");
		size_t tok = strcspn(p, " \t;,");
		if (tok == n && strncasecmp(p, coding, n) == 0) {
			const char *e = p + tok, *end = p + strcspn(p, ",");
			const char *qv = NULL;
			for (const char *x = e; x < end; x++)
				if ((*x == 'q' || *x == 'Q') && x[1] == '=')
					qv = x + 2;
			return !qv || strtod(qv, NULL) > 0.0;
		}
		p += strcspn(p, ",");
	}
	return 0;
}

/* If-None-Match holds the ETag (either representation's) or "*" */
static int etag_matches(const char *inm, const sm_asset *as)
{
	if (!inm)
		return 0;
	if (strchr(inm, '*'))
		return 1;
	return strstr(inm, as->etag) || strstr(inm, as->gz_etag);
}

/* a representation that never changes while the server runs: the gzip copy when the client
** takes gzip, its ETag, and 304 when If-None-Match holds it */
static void send_fixed(const sm_api_request *q, const sm_asset *as, sm_api_response *r)
{
	int gz = as->gz && accepts(q->accept_encoding, "gzip");
	r->vary = "Accept-Encoding";
	r->etag = gz ? as->gz_etag : as->etag;
	if (etag_matches(q->if_none_match, as)) {
		r->status = 304;
		r->body = NULL;
		r->len = 0;
		return;
	}
	if (gz) {
		r->body = (char *)as->gz;
		r->len = as->gz_len;
		r->content_encoding = "gzip";
	}
}

/* the embedded web page */
static void static_asset(const sm_api_request *q, sm_api_response *r)
{
	sm_api_handle(q->method, q->path, q->content_type, q->body, q->len, r);
	const char *p = strcmp(q->path, "/") == 0 ? "/index.html" : q->path;
	const sm_asset *as = sm_asset_find(p);
	if (as && r->status == 200)
		send_fixed(q, as, r);
}

/* GET /api/v1/instruments and /api/v1/rules never change while the server runs: serialised and
** gzip-compressed once (on first use), then served like the embedded page */

static void fixed_make(fixed_doc *d, json_t *doc)
{
	memset(d, 0, sizeof *d);
	d->body = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(doc);
	if (!d->body)
		return;
	size_t n = strlen(d->body);
	unsigned long long h = 1469598103934665603ULL;
	for (size_t k = 0; k < n; k++)
		h = (h ^ (unsigned char)d->body[k]) * 1099511628211ULL;
	snprintf(d->etag, sizeof d->etag, "\"%016llx\"", h);
	snprintf(d->gz_etag, sizeof d->gz_etag, "\"%016llx-gz\"", h);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK) {
		uLong cap = deflateBound(&z, (uLong)n);
		d->gz = malloc(cap);
		if (d->gz) {
			z.next_in = (Bytef *)d->body;
			z.avail_in = (uInt)n;
			z.next_out = d->gz;
			z.avail_out = (uInt)cap;
			if (deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < n) {
				d->as.gz = d->gz;
				d->as.gz_len = z.total_out;
			}
		}
		deflateEnd(&z);
	}
	d->as.content_type = JSON_CT;
	d->as.data = (const unsigned char *)d->body;
	d->as.len = n;
	d->as.etag = d->etag;
	d->as.gz_etag = d->gz_etag;
}

static int fixed_doc_route(const sm_api_request *q, sm_api_response *r)
{
	int which = strcmp(q->path, "/api/v1/instruments") == 0 ? 0 : strcmp(q->path, "/api/v1/rules") == 0 ? 1 : -1;
	if (which < 0 || !(method_is(q->method, "GET") || method_is(q->method, "HEAD")))
		return 0;
	pthread_mutex_lock(&fixed_lock);
	if (!fixed_ready) {
		fixed_make(&fixed[0], instruments_doc());
		fixed_make(&fixed[1], rules_doc());
		fixed_ready = 1;
	}
	pthread_mutex_unlock(&fixed_lock);
	const fixed_doc *d = &fixed[which];
	if (!d->body)
		return 0; /* out of memory: the ordinary route answers */
	memset(r, 0, sizeof *r);
	r->status = 200;
	r->content_type = JSON_CT;
	r->body = (char *)d->as.data;
	r->len = d->as.len;
	r->cache = "no-cache";
	send_fixed(q, &d->as, r);
	return 1;
}

/* GET /api/v1/health: the engine, and the database when there is one
** (db: -1 none, 0 unreachable: 503, 1 answering). */
static void health(sm_api_response *r, int db)
{
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(db == 0 ? "unavailable" : "ok"));
	json_object_set_new(o, "engine_version", json_string(SM_ENGINE_VERSION));
	json_object_set_new(o, "database", json_string(db < 0 ? "none" : db ? "ok" : "unreachable"));
	set_json(r, db == 0 ? 503 : 200, o);
	r->cache = "no-store";
	if (db == 0)
		r->retry_after = 5;
}

void sm_api_handle_request(struct sm_registry *reg, const sm_api_request *q, sm_api_response *r)
{
	if (reg && strcmp(q->path, "/api/v1/health") == 0 &&
	    (method_is(q->method, "GET") || method_is(q->method, "HEAD"))) {
		memset(r, 0, sizeof *r);
		return health(r, sm_registry_health(reg));
	}
	if (sm_registry_owns(q->path)) {
		memset(r, 0, sizeof *r);
		return sm_registry_handle(reg, q, r);
	}
	if (strncmp(q->path, "/api/", 5) != 0)
		return static_asset(q, r);
	if (fixed_doc_route(q, r))
		return;
	sm_api_handle(q->method, q->path, q->content_type, q->body, q->len, r);
}

void sm_api_handle(const char *method, const char *path, const char *ct, const char *body, size_t len,
                   sm_api_response *r)
{
	memset(r, 0, sizeof *r);
	int get = method_is(method, "GET") || method_is(method, "HEAD");
	if (strncmp(path, "/api/", 5) == 0) {
		if (strcmp(path, "/api/v1/health") == 0) {
			if (!get)
				return not_allowed(r, "GET, HEAD");
			return health(r, -1);
		}
		if (strcmp(path, "/api/v1/instruments") == 0) {
			if (!get)
				return not_allowed(r, "GET, HEAD");
			return set_json(r, 200, instruments_doc());
		}
		if (strcmp(path, "/api/v1/rules") == 0) {
			if (!get)
				return not_allowed(r, "GET, HEAD");
			return set_json(r, 200, rules_doc());
		}
		if (strcmp(path, "/api/v1/openapi.json") == 0) {
			if (!get)
				return not_allowed(r, "GET, HEAD");
			const sm_asset *oa = sm_asset_find("/openapi.json");
			if (!oa)
				return sm_api_error(r, 500, "OpenAPI document not built in");
			r->status = 200;
			r->content_type = JSON_CT;
			r->body = (char *)oa->data;
			r->len = oa->len;
			return;
		}
		if (strncmp(path, "/api/v1/score/", 14) == 0) {
			const sm_instrument *inst = sm_instrument_find(path + 14);
			if (!inst)
				return sm_api_error(r, 404, "unknown instrument; GET /api/v1/instruments lists them");
			if (!post_ok(method, ct, r))
				return;
			sm_result_status st = SM_RESULT_INVALID;
			sm_jw w;
			sm_jw_init(&w, 0);
			int malformed = sm_score_json_text(&w, inst, body ? body : "", len, &st);
			return set_written(r, st != SM_RESULT_INVALID ? 200 : malformed ? 400 : 422, &w);
		}
		if (strcmp(path, "/api/v1/assess") == 0) {
			if (!post_ok(method, ct, r))
				return;
			return assess(body ? body : "", len, r);
		}
		if (sm_http_fhir(method, path, ct, body, len, r)) /* FHIR routes: src/http/fhir.c */
			return;
		return sm_api_error(r, 404, "no such API resource; see /api/v1/openapi.json");
	}
	/* the web page */
	const char *p = strcmp(path, "/") == 0 ? "/index.html" : path;
	const sm_asset *as = sm_asset_find(p);
	if (!as)
		return sm_api_error(r, 404, "not found");
	if (!get)
		return not_allowed(r, "GET, HEAD");
	r->status = 200;
	r->content_type = as->content_type;
	r->body = (char *)as->data;
	r->len = as->len;
	r->cache = "no-cache";
}
