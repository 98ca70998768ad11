/*
** registry.c: the registry routes of the JSON API (see registry.h and
** src/http/openapi.json). Authentication, roles, cases as versioned
** documents, events, the worklist, the monthly audit, users and sites.
** The store (src/store) keeps the data and writes the audit log; the core
** (sm_assess, sm_pathway_clock, sm_audit_summarise) decides; this file only
** checks who may do what and carries JSON in and out.
**
** Error conventions (as for the rest of the API): every error is
** {"error": {"status": N, "message": "..."}} (plus "code" for some 403s);
** field errors (422) add {"status": "invalid", "errors": [{"path", "message"}]}
** with JSON pointers into the request body, as POST /api/v1/assess does.
*/
#define _POSIX_C_SOURCE 200809L
#include "http/registry.h"
#include "http/guard.h"
#include "http/reg_doc.h"
#include "io/json_case.h"
#include "spinemets.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COOKIE_NAME "spinemets_session"
#define PW_MAX 1024

struct sm_registry {
	sm_store_pool *pool;
	sm_registry_options o;
	pthread_mutex_t mu;
	int have_secret;
	char secret[SM_STORE_TOKEN_SIZE];
};

sm_registry *sm_registry_new(sm_store_pool *pool, const sm_registry_options *opt)
{
	sm_registry *reg = calloc(1, sizeof *reg);
	if (!reg)
		return NULL;
	reg->pool = pool;
	if (opt)
		reg->o = *opt;
	if (!reg->o.session_idle)
		reg->o.session_idle = 12 * 3600;
	if (!reg->o.session_max)
		reg->o.session_max = 7 * 24 * 3600;
	if (reg->o.session_max < reg->o.session_idle)
		reg->o.session_max = reg->o.session_idle;
	if (!reg->o.pool_wait_ms)
		reg->o.pool_wait_ms = 10000;
	if (!reg->o.otp_ttl)
		reg->o.otp_ttl = 72 * 3600;
	if (!reg->o.api_token_max)
		reg->o.api_token_max = 90u * 24 * 3600;
	pthread_mutex_init(&reg->mu, NULL);
	return reg;
}

void sm_registry_free(sm_registry *reg)
{
	if (!reg)
		return;
	sodium_memzero(reg->secret, sizeof reg->secret);
	pthread_mutex_destroy(&reg->mu);
	free(reg);
}

/* ======================================================================
** Routes
** ==================================================================== */
typedef enum {
	R_NONE, R_LOGIN, R_LOGOUT, R_PASSWORD, R_ME, R_CASES, R_CASE, R_VERSIONS, R_EVENTS,
	R_WORKLIST, R_REPORT, R_AUDIT_LOG, R_USERS, R_USER, R_USER_DEACTIVATE, R_USER_ACTIVATE,
	R_USER_PASSWORD, R_SITES
} route_id;

typedef struct route {
	route_id id;
	int64_t case_id;                      /* R_CASE, R_VERSIONS, R_EVENTS; 0: not an id */
	char case_key[33];                    /* the segment when it is a case key (32 hex digits):
	                                      ** how researchers name a case (never by its id) */
	char username[SM_STORE_USERNAME_SIZE]; /* R_USER_* */
} route;

static const char *const OWNED[] = {"login", "logout", "password", "me", "cases", "worklist",
                                    "audit", "users", "sites"};

int sm_registry_owns(const char *path)
{
	if (!path || strncmp(path, "/api/v1/", 8) != 0)
		return 0;
	const char *seg = path + 8;
	size_t n = strcspn(seg, "/");
	for (size_t k = 0; k < sizeof OWNED / sizeof OWNED[0]; k++)
		if (strlen(OWNED[k]) == n && strncmp(seg, OWNED[k], n) == 0)
			return 1;
	return 0;
}

/* a positive decimal id without sign, spaces or leading zeros */
static int parse_id(const char *s, size_t n, int64_t *out)
{
	if (n == 0 || n > 18 || s[0] == '0')
		return -1;
	int64_t v = 0;
	for (size_t k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (s[k] - '0');
	}
	*out = v;
	return 0;
}

static void match(const char *path, route *rt)
{
	memset(rt, 0, sizeof *rt);
	const char *p = path + 8;
	static const struct { const char *path; route_id id; } fixed[] = {
		{"login", R_LOGIN},       {"logout", R_LOGOUT},       {"password", R_PASSWORD},
		{"me", R_ME},             {"cases", R_CASES},         {"worklist", R_WORKLIST},
		{"audit/report", R_REPORT}, {"audit/log", R_AUDIT_LOG}, {"users", R_USERS},
		{"sites", R_SITES},
	};
	for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
		if (strcmp(p, fixed[k].path) == 0) {
			rt->id = fixed[k].id;
			return;
		}
	if (strncmp(p, "cases/", 6) == 0) {
		const char *s = p + 6;
		size_t n = strcspn(s, "/");
		if (n == 0)
			return;
		if (parse_id(s, n, &rt->case_id) != 0)
			rt->case_id = 0; /* not an id: 404 once authenticated */
		if (n == 32 && strspn(s, "0123456789abcdef") >= 32) {
			memcpy(rt->case_key, s, 32);
			rt->case_key[32] = '\0';
		}
		if (s[n] == '\0')
			rt->id = R_CASE;
		else if (strcmp(s + n, "/versions") == 0)
			rt->id = R_VERSIONS;
		else if (strcmp(s + n, "/events") == 0)
			rt->id = R_EVENTS;
		return;
	}
	if (strncmp(p, "users/", 6) == 0) {
		const char *s = p + 6;
		const char *slash = strchr(s, '/');
		if (!slash && *s && strlen(s) < sizeof rt->username) {
			snprintf(rt->username, sizeof rt->username, "%s", s);
			rt->id = R_USER;
			return;
		}
		if (!slash || slash == s || (size_t)(slash - s) >= sizeof rt->username)
			return;
		memcpy(rt->username, s, (size_t)(slash - s));
		rt->username[slash - s] = '\0';
		if (strcmp(slash, "/deactivate") == 0)
			rt->id = R_USER_DEACTIVATE;
		else if (strcmp(slash, "/activate") == 0)
			rt->id = R_USER_ACTIVATE;
		else if (strcmp(slash, "/password") == 0)
			rt->id = R_USER_PASSWORD;
	}
}

/* The methods of each route, for 405 answers. */
static const char *allowed(route_id id)
{
	switch (id) {
	case R_CASES: case R_USERS: case R_SITES: return "GET, HEAD, POST";
	case R_CASE: return "GET, HEAD, PUT, DELETE";
	case R_ME: case R_VERSIONS: case R_WORKLIST: case R_REPORT: case R_AUDIT_LOG: case R_USER: return "GET, HEAD";
	default: return "POST";
	}
}

static int method_ok(route_id id, const char *m)
{
	const char *a = allowed(id);
	if (strcmp(m, "HEAD") == 0)
		m = "GET";
	size_t n = strlen(m);
	for (const char *p = a; (p = strstr(p, m)) != NULL; p += n)
		if ((p == a || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* ======================================================================
** The request context and replies
** ==================================================================== */
typedef struct ctx {
	sm_registry *reg;
	const sm_api_request *q;
	sm_api_response *r;
	route rt;
	sm_store *st;
	int64_t now;
	sm_store_actor actor;
	int authed;
	sm_store_user user;
	sm_store_token tok;
	char token_hash[SM_STORE_TOKEN_HASH_SIZE];
	sm_store_site site;      /* the user's site (id 0: none) */
	json_t *body;            /* the parsed JSON body, or NULL */
	json_t *errors;          /* field errors being collected */
} ctx;

static void reply(ctx *c, unsigned status, json_t *doc)
{
	sm_api_set_json(c->r, status, doc);
	c->r->cache = "no-store";
}

static void fail_code(ctx *c, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail_code(ctx *c, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *e = json_object(), *o = json_object();
	json_object_set_new(e, "status", json_integer(status));
	json_object_set_new(e, "message", json_string(msg));
	if (code)
		json_object_set_new(e, "code", json_string(code));
	json_object_set_new(o, "error", e);
	reply(c, status, o);
}
#define fail(c, status, ...) fail_code(c, status, NULL, __VA_ARGS__)

/* An error body with extra top-level members (steals `extra`'s members). */
static void fail_with(ctx *c, unsigned status, const char *message, json_t *extra)
{
	json_t *e = json_object(), *o = json_object();
	json_object_set_new(e, "status", json_integer(status));
	json_object_set_new(e, "message", json_string(message));
	json_object_set_new(o, "error", e);
	if (extra) {
		json_object_update(o, extra);
		json_decref(extra);
	}
	reply(c, status, o);
}

static void field_error(ctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void field_error(ctx *c, const char *path, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!c->errors)
		c->errors = json_array();
	json_t *e = json_object();
	json_object_set_new(e, "path", json_string(path));
	json_object_set_new(e, "message", json_string(msg));
	json_array_append_new(c->errors, e);
}

/* 422 with the collected errors (steals `errors` when given). */
static void fail_invalid(ctx *c, json_t *errors)
{
	if (errors) {
		if (!c->errors)
			c->errors = json_array();
		json_array_extend(c->errors, errors);
		json_decref(errors);
	}
	json_t *x = json_object();
	json_object_set_new(x, "status", json_string("invalid"));
	json_object_set_new(x, "errors", c->errors ? c->errors : json_array());
	c->errors = NULL;
	fail_with(c, 422, "the request is invalid: see errors (JSON pointers into the body)", x);
}

/* Map a store failure to HTTP. */
static void fail_store(ctx *c, sm_store_status rc, const char *what)
{
	const char *msg = c->st ? sm_store_errmsg(c->st) : "";
	switch (rc) {
	case SM_STORE_NOT_FOUND: fail(c, 404, "%s: not found", what); break;
	case SM_STORE_EXISTS: fail(c, 409, "%s: already exists", what); break;
	case SM_STORE_CONFLICT: fail(c, 409, "%s: conflict", what); break;
	case SM_STORE_GONE: fail(c, 410, "%s: deleted", what); break;
	case SM_STORE_INVALID: fail(c, 422, "%s: %s", what, *msg ? msg : "invalid"); break;
	case SM_STORE_NOMEM: fail(c, 500, "out of memory"); break;
	default:
		/* the database's own words stay in the server log */
		fprintf(stderr, "spinemets serve: database error (%s): %s\n", what, msg);
		fail(c, 503, "the registry database is unavailable; try again");
		break;
	}
}

static const char *arg(const ctx *c, const char *name)
{
	for (size_t k = 0; k < c->q->nargs; k++)
		if (c->q->args[k].name && strcmp(c->q->args[k].name, name) == 0)
			return c->q->args[k].value ? c->q->args[k].value : "";
	return NULL;
}

/* A query argument as a whole number in [lo, hi]; dflt when absent. -1: bad (answered 400). */
static int arg_int(ctx *c, const char *name, long long lo, long long hi, long long dflt, long long *out)
{
	const char *v = arg(c, name);
	*out = dflt;
	if (!v)
		return 0;
	char *end = NULL;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (!*v || *end || errno || x < lo || x > hi) {
		fail(c, 400, "query parameter %s: expected a whole number from %lld to %lld", name, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

/* ======================================================================
** Bodies
** ==================================================================== */
/* Parse the JSON body into c->body (an object). 0 ok; -1 answered. */
static int read_body(ctx *c, int required)
{
	if (!c->q->body || c->q->len == 0) {
		if (!required)
			return 0;
		if (!sm_api_is_json_type(c->q->content_type)) {
			fail(c, 415, "the body must be JSON: send Content-Type: application/json");
			return -1;
		}
		fail(c, 400, "the request needs a JSON object body");
		return -1;
	}
	if (!sm_api_is_json_type(c->q->content_type)) {
		fail(c, 415, "the body must be JSON: send Content-Type: application/json");
		return -1;
	}
	json_error_t je;
	c->body = json_loadb(c->q->body, c->q->len, JSON_REJECT_DUPLICATES, &je);
	if (!c->body) {
		fail(c, 400, "malformed JSON: %s (line %d, column %d)", je.text, je.line, je.column);
		return -1;
	}
	if (!json_is_object(c->body)) {
		fail(c, 400, "the body must be a JSON object");
		return -1;
	}
	return 0;
}

/* Unknown members of the body are errors (a typo is never silently ignored). */
static void known_members(ctx *c, const json_t *o, const char *const *names, size_t n)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		int ok = 0;
		for (size_t k = 0; k < n; k++)
			ok |= strcmp(key, names[k]) == 0;
		if (!ok) {
			char path[300], list[300] = "";
			size_t o2 = 0;
			for (size_t k = 0; k < n && o2 < sizeof list - 40; k++)
				o2 += (size_t)snprintf(list + o2, sizeof list - o2, "%s%s", k ? ", " : "", names[k]);
			snprintf(path, sizeof path, "/%.250s", key);
			field_error(c, path, "unknown member; allowed: %s", list);
		}
	}
}
#define KNOWN(c, o, ...)                                                           \
	do {                                                                       \
		static const char *const names_[] = {__VA_ARGS__};                 \
		known_members(c, o, names_, sizeof names_ / sizeof names_[0]);     \
	} while (0)

/* Text without control characters, 1..max bytes, valid UTF-8 (jansson checked that). */
static int text_ok(const char *s, size_t max, int multiline)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)s[k];
		if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t' || ch == '\r'))) || ch == 0x7F)
			return 0;
	}
	return 1;
}

/* body member `name` as text; NULL when absent (an error when required or not text) */
static const char *body_text(ctx *c, const char *name, int required, size_t max, int multiline)
{
	json_t *v = json_object_get(c->body, name);
	char path[64];
	snprintf(path, sizeof path, "/%s", name);
	if (!v || json_is_null(v)) {
		if (required)
			field_error(c, path, "required");
		return NULL;
	}
	if (!json_is_string(v)) {
		field_error(c, path, "expected a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v) || !text_ok(s, max, multiline)) {
		field_error(c, path, "expected text of 1 to %zu bytes without control characters", max);
		return NULL;
	}
	return s;
}

/* body member "version": the version the client edited; 0 when absent (error if required) */
static int body_version(ctx *c, int required)
{
	json_t *v = json_object_get(c->body, "version");
	if (!v || json_is_null(v)) {
		if (required)
			field_error(c, "/version", "required: the version you read and edited (optimistic concurrency)");
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > INT32_MAX) {
		field_error(c, "/version", "expected a whole number from 1");
		return 0;
	}
	return (int)json_integer_value(v);
}

/* identifiers: {name, hospital_number, phone}: strings (or null); returns the JSON text or NULL */
static char *body_identifiers(ctx *c)
{
	json_t *v = json_object_get(c->body, "identifiers");
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		field_error(c, "/identifiers", "expected an object with name, hospital_number and phone");
		return NULL;
	}
	int bad = 0;
	const char *key;
	json_t *x;
	json_object_foreach(v, key, x) {
		char path[300];
		snprintf(path, sizeof path, "/identifiers/%.250s", key);
		if (strcmp(key, "name") && strcmp(key, "hospital_number") && strcmp(key, "phone")) {
			field_error(c, path, "unknown member; allowed: name, hospital_number, phone");
			bad = 1;
		} else if (!json_is_null(x) && (!json_is_string(x) || strlen(json_string_value(x)) != json_string_length(x) ||
		                                !text_ok(json_string_value(x), 512, 0))) {
			field_error(c, path, "expected text of 1 to 512 bytes without control characters, or null");
			bad = 1;
		}
	}
	return bad ? NULL : json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* ======================================================================
** Authentication
** ==================================================================== */
static int is_token(const char *s, size_t n)
{
	if (n != SM_STORE_TOKEN_SIZE - 1)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'f')))
			return 0;
	return 1;
}

/* The token from "Authorization: Bearer X" or the session cookie; 1 found,
** 0 no credentials, -1 malformed. */
static int find_token(const sm_api_request *q, char out[SM_STORE_TOKEN_SIZE])
{
	if (q->authorization && *q->authorization) {
		const char *a = q->authorization;
		while (*a == ' ')
			a++;
		if (strncasecmp(a, "Bearer ", 7) != 0)
			return -1;
		a += 7;
		while (*a == ' ')
			a++;
		size_t n = strlen(a);
		while (n && a[n - 1] == ' ')
			n--;
		if (!is_token(a, n))
			return -1;
		memcpy(out, a, n);
		out[n] = '\0';
		return 1;
	}
	if (q->cookie) {
		const char *p = q->cookie;
		while (*p) {
			while (*p == ' ' || *p == ';')
				p++;
			size_t n = strcspn(p, ";");
			size_t cl = strlen(COOKIE_NAME);
			if (n > cl && strncmp(p, COOKIE_NAME, cl) == 0 && p[cl] == '=') {
				const char *v = p + cl + 1;
				size_t vn = n - cl - 1;
				while (vn && v[vn - 1] == ' ')
					vn--;
				if (!is_token(v, vn))
					return -1;
				memcpy(out, v, vn);
				out[vn] = '\0';
				return 1;
			}
			p += n;
		}
	}
	return 0;
}

static void need_login(ctx *c, const char *msg)
{
	fail(c, 401, "%s", msg);
	c->r->www_authenticate = "Bearer realm=\"spinemets\"";
}

/* 1 authenticated; 0 answered (401/503). */
static int authenticate(ctx *c)
{
	char token[SM_STORE_TOKEN_SIZE];
	int f = find_token(c->q, token);
	if (f == 0) {
		need_login(c, "authentication required: log in (POST /api/v1/login) or send Authorization: Bearer TOKEN");
		return 0;
	}
	if (f < 0) {
		need_login(c, "invalid or expired credentials: log in again");
		return 0;
	}
	sm_store_token_hash(token, c->token_hash);
	sodium_memzero(token, sizeof token);
	sm_store_status rc = sm_store_token_lookup(c->st, c->token_hash, c->now, &c->user, &c->tok);
	if (rc == SM_STORE_NOT_FOUND || rc == SM_STORE_INVALID) {
		need_login(c, "invalid or expired credentials: log in again");
		return 0;
	}
	if (rc != SM_STORE_OK) {
		fail_store(c, rc, "authentication");
		return 0;
	}
	if (c->tok.kind == SM_TOKEN_API && c->now - c->tok.created_at >= (int64_t)c->reg->o.api_token_max) {
		char m[200];
		snprintf(m, sizeof m, "this API token is older than %u days, the most this server accepts: make a new one "
		         "(spinemets user token)", c->reg->o.api_token_max / 86400);
		need_login(c, m);
		return 0;
	}
	if (c->tok.kind == SM_TOKEN_SESSION) {
		/* idle expiry: a session used again lives on, up to its maximum age */
		int64_t idle = c->reg->o.session_idle;
		int64_t want = c->now + idle, cap = c->tok.created_at + (int64_t)c->reg->o.session_max;
		if (want > cap)
			want = cap;
		int64_t slack = idle / 4 < 60 ? idle / 4 : 60;
		if (want > c->tok.expires_at + slack)
			(void)sm_store_token_touch(c->st, c->tok.id, want);
	}
	c->authed = 1;
	c->actor.user_id = c->user.id;
	c->actor.at = c->now;
	if (c->user.site_id > 0 && sm_store_site_get_id(c->st, c->user.site_id, &c->site) != SM_STORE_OK)
		memset(&c->site, 0, sizeof c->site);
	return 1;
}

static int is_clinical(const ctx *c)
{
	return (c->user.role == SM_ROLE_CLINICIAN || c->user.role == SM_ROLE_COORDINATOR) && c->site.id > 0;
}

static int need_clinical(ctx *c)
{
	if (is_clinical(c))
		return 1;
	fail_code(c, 403, "forbidden", "this needs a clinician or coordinator of a site (your role: %s)",
	          sm_store_role_name(c->user.role));
	return 0;
}

static void set_cookie(ctx *c, const char *token, int clear)
{
	snprintf(c->r->set_cookie, sizeof c->r->set_cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	         COOKIE_NAME, clear ? "" : token, clear ? "; Max-Age=0" : "",
	         c->reg->o.cookie_secure ? "; Secure" : "");
}

static json_t *user_json(ctx *c, const sm_store_user *u)
{
	json_t *o = json_object();
	json_object_set_new(o, "username", json_string(u->username));
	json_object_set_new(o, "display_name", json_string(u->display_name));
	json_object_set_new(o, "role", json_string(sm_store_role_name(u->role)));
	sm_store_site s;
	if (u->site_id > 0 && sm_store_site_get_id(c->st, u->site_id, &s) == SM_STORE_OK)
		json_object_set_new(o, "site", json_string(s.code));
	else
		json_object_set_new(o, "site", json_null());
	json_object_set_new(o, "active", json_boolean(u->active));
	json_object_set_new(o, "password_change_required", json_boolean(u->must_change_password));
	char t[32];
	sm_reg_iso_time(u->created_at, t);
	json_object_set_new(o, "created_at", json_string(t));
	return o;
}

static void audit(ctx *c, const char *action, int64_t case_id, const char *detail)
{
	sm_store_actor who = {c->authed ? c->user.id : 0, c->now};
	if (sm_store_audit_add(c->st, &who, action, case_id, detail) != SM_STORE_OK)
		fprintf(stderr, "spinemets serve: audit entry %s not written: %s\n", action, sm_store_errmsg(c->st));
}

/* The audit row of a read that returns data: no row, no data (503). 0 written;
** -1 answered. */
static int audit_or_fail(ctx *c, const char *action, int64_t case_id, const char *detail)
{
	sm_store_actor who = {c->authed ? c->user.id : 0, c->now};
	if (sm_store_audit_add(c->st, &who, action, case_id, detail) == SM_STORE_OK)
		return 0;
	fprintf(stderr, "spinemets serve: audit entry %s not written, nothing returned: %s\n", action,
	        sm_store_errmsg(c->st));
	fail(c, 503, "the registry cannot record this read in its audit log, so it returns nothing; try again");
	return -1;
}

/* A refused request of an authenticated user (403, or a case of another site
** answered 404) leaves an audit row: who tried what. */
static void audit_denied(ctx *c, int64_t case_id, const char *why)
{
	char detail[400];
	snprintf(detail, sizeof detail, "%s %.200s: %s", c->q->method, c->q->path, why);
	audit(c, "access.denied", case_id, detail);
}

/* ---- POST /login ---- */
static void do_login(ctx *c)
{
	if (read_body(c, 1))
		return;
	KNOWN(c, c->body, "username", "password");
	json_t *u = json_object_get(c->body, "username"), *p = json_object_get(c->body, "password");
	if (!json_is_string(u))
		field_error(c, "/username", "required: a string");
	if (!json_is_string(p))
		field_error(c, "/password", "required: a string");
	if (c->errors)
		return fail_invalid(c, NULL);
	const char *username = json_string_value(u), *password = json_string_value(p);
	unsigned wait = sm_throttle_check(c->reg->o.throttle, username, c->q->client, c->now);
	if (wait) {
		fail_code(c, 429, "login_throttled", "too many failed logins; try again in %u s", wait);
		c->r->retry_after = wait;
		return;
	}
	sm_store_user user;
	sm_store_status rc = SM_STORE_NOT_FOUND;
	if (strlen(username) == json_string_length(u) && strlen(password) == json_string_length(p) &&
	    strlen(password) <= PW_MAX)
		rc = sm_store_user_authenticate(c->st, username, password, &user);
	else
		(void)sm_store_password_verify("", password); /* not a shortcut for bad input */
	if (rc == SM_STORE_OK || rc == SM_STORE_NOT_FOUND)
		sm_throttle_result(c->reg->o.throttle, username, c->q->client, rc == SM_STORE_OK, c->now);
	if (rc == SM_STORE_NOT_FOUND) {
		char detail[200];
		snprintf(detail, sizeof detail, "username %.120s", text_ok(username, 120, 0) ? username : "(not text)");
		audit(c, "user.login_failed", 0, detail);
		need_login(c, "unknown user or wrong password");
		return;
	}
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "login");
	if (user.must_change_password && c->now - user.password_set_at >= (int64_t)c->reg->o.otp_ttl) {
		/* a one-time password unused for too long: it no longer opens anything */
		c->user = user;
		c->authed = 1;
		audit(c, "user.login_expired", 0, "one-time password expired");
		c->authed = 0;
		sodium_memzero(&user, sizeof user);
		char m[200];
		snprintf(m, sizeof m, "this one-time password has expired (it was valid for %u hours): ask an "
		         "administrator for a new one", c->reg->o.otp_ttl / 3600);
		need_login(c, m);
		return;
	}
	if (sm_store_password_needs_rehash(user.password_hash)) {
		/* made with earlier argon2id limits: store it again with today's
		** (the password is known now); a failure here does not stop the login */
		char newhash[SM_STORE_PWHASH_SIZE];
		if (sm_store_password_hash(password, newhash) == SM_STORE_OK &&
		    sm_store_user_rehash(c->st, user.id, newhash) == SM_STORE_OK)
			memcpy(user.password_hash, newhash, sizeof newhash);
		sodium_memzero(newhash, sizeof newhash);
	}
	char token[SM_STORE_TOKEN_SIZE], hash[SM_STORE_TOKEN_HASH_SIZE];
	sm_store_token_generate(token);
	sm_store_token_hash(token, hash);
	c->now = (int64_t)time(NULL); /* the session starts now, after the (slow) password check */
	int64_t exp = c->now + c->reg->o.session_idle;
	rc = sm_store_token_add(c->st, hash, user.id, SM_TOKEN_SESSION, c->now, exp, NULL);
	if (rc != SM_STORE_OK) {
		sodium_memzero(token, sizeof token);
		return fail_store(c, rc, "session");
	}
	c->user = user;
	c->authed = 1;
	audit(c, "user.login", 0, "session");
	json_t *o = json_object();
	json_object_set_new(o, "token", json_string(token));
	json_object_set_new(o, "token_type", json_string("Bearer"));
	char t[32];
	sm_reg_iso_time(exp, t);
	json_object_set_new(o, "expires_at", json_string(t));
	json_object_set_new(o, "idle_timeout_seconds", json_integer(c->reg->o.session_idle));
	json_object_set_new(o, "password_change_required", json_boolean(user.must_change_password));
	json_object_set_new(o, "user", user_json(c, &user));
	set_cookie(c, token, 0);
	sodium_memzero(token, sizeof token);
	sodium_memzero(user.password_hash, sizeof user.password_hash);
	reply(c, 200, o);
}

static void do_logout(ctx *c)
{
	sm_store_status rc = sm_store_token_delete(c->st, c->token_hash);
	if (rc != SM_STORE_OK && rc != SM_STORE_NOT_FOUND)
		return fail_store(c, rc, "logout");
	audit(c, "user.logout", 0, sm_store_token_kind_name(c->tok.kind));
	set_cookie(c, "", 1);
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("logged_out"));
	reply(c, 200, o);
}

static void do_password(ctx *c)
{
	if (read_body(c, 1))
		return;
	KNOWN(c, c->body, "current_password", "new_password");
	json_t *cur = json_object_get(c->body, "current_password"), *nw = json_object_get(c->body, "new_password");
	if (!json_is_string(cur))
		field_error(c, "/current_password", "required: a string");
	if (!json_is_string(nw))
		field_error(c, "/new_password", "required: a string");
	if (c->errors)
		return fail_invalid(c, NULL);
	const char *cp = json_string_value(cur), *np = json_string_value(nw);
	if (strlen(cp) != json_string_length(cur) || strlen(cp) > PW_MAX ||
	    !sm_store_password_verify(c->user.password_hash, cp))
		field_error(c, "/current_password", "wrong password");
	size_t n = strlen(np);
	char why[300];
	if (n != json_string_length(nw))
		field_error(c, "/new_password", "a password without NUL characters");
	else if (strcmp(np, cp) == 0)
		field_error(c, "/new_password", "must differ from the current password");
	else if (sm_store_password_quality(np, c->user.username, cp, why, sizeof why) != SM_STORE_OK)
		field_error(c, "/new_password", "%s", why);
	if (c->errors)
		return fail_invalid(c, NULL);
	char hash[SM_STORE_PWHASH_SIZE];
	size_t revoked = 0;
	sm_store_status rc = sm_store_password_hash(np, hash);
	if (rc == SM_STORE_OK) /* every other login session of the user ends */
		rc = sm_store_user_change_password(c->st, c->user.id, hash, false, c->now, c->tok.id, &revoked);
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "password");
	char detail[120];
	snprintf(detail, sizeof detail, "changed by the user; %zu other session%s ended", revoked, revoked == 1 ? "" : "s");
	audit(c, "user.password", 0, detail);
	c->user.must_change_password = false;
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string("changed"));
	json_object_set_new(o, "other_sessions_ended", json_integer((json_int_t)revoked));
	json_object_set_new(o, "user", user_json(c, &c->user));
	reply(c, 200, o);
}

static void do_me(ctx *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "user", user_json(c, &c->user));
	json_t *t = json_object();
	json_object_set_new(t, "kind", json_string(sm_store_token_kind_name(c->tok.kind)));
	char buf[32];
	sm_reg_iso_time(c->tok.expires_at, buf);
	json_object_set_new(t, "expires_at", json_string(buf));
	json_object_set_new(o, "token", t);
	reply(c, 200, o);
}

/* ======================================================================
** Cases
** ==================================================================== */
static const char *site_code(ctx *c, int64_t site_id, sm_store_site *cache)
{
	if (cache->id == site_id && site_id > 0)
		return cache->code;
	if (site_id > 0 && sm_store_site_get_id(c->st, site_id, cache) == SM_STORE_OK)
		return cache->code;
	return "?";
}

static int get_secret(ctx *c, char out[SM_STORE_TOKEN_SIZE])
{
	sm_registry *reg = c->reg;
	pthread_mutex_lock(&reg->mu);
	int have = reg->have_secret;
	if (have)
		memcpy(out, reg->secret, SM_STORE_TOKEN_SIZE);
	pthread_mutex_unlock(&reg->mu);
	if (have)
		return 0;
	if (sm_store_secret(c->st, "case_key", c->now, out) != SM_STORE_OK)
		return -1;
	pthread_mutex_lock(&reg->mu);
	memcpy(reg->secret, out, SM_STORE_TOKEN_SIZE);
	reg->have_secret = 1;
	pthread_mutex_unlock(&reg->mu);
	return 0;
}

/* The case index of a version (sm_store_case_index): what the worklist and
** the monthly audit select by, from the core's own clock. */
static void make_index(const sm_case *k, sm_urgency urgency, sm_store_case_index *ix)
{
	sm_clock clock;
	memset(ix, 0, sizeof *ix);
	sm_pathway_clock(k, urgency, 0, &clock); /* `now` changes no field used here */
	ix->urgency = (int)urgency;
	ix->started = clock.started;
	ix->start = clock.started ? clock.start : 0;
	ix->closed = clock.closed;
	for (int g = 0; g < SM_NTARGETS; g++) {
		const sm_target *t = &clock.targets[g];
		if (t->state == SM_TS_PENDING || t->state == SM_TS_BREACHED) {
			if (!ix->has_next_due || t->due_at < ix->next_due)
				ix->next_due = t->due_at;
			ix->has_next_due = true;
		}
	}
}

/* The clock of a stored case (parsed document + recorded urgency) at now.
** `ix`: the case's index (its urgency is used), or NULL (read from the assessment). */
static int case_clock_ix(const char *document, const char *assessment, const sm_store_case_index *ix, int64_t now,
                         sm_case *k, sm_clock *clock, json_t **doc_out);
static int case_clock(const char *document, const char *assessment, int64_t now, sm_case *k, sm_clock *clock,
                      json_t **doc_out)
{
	return case_clock_ix(document, assessment, NULL, now, k, clock, doc_out);
}

static int case_clock_ix(const char *document, const char *assessment, const sm_store_case_index *ix, int64_t now,
                         sm_case *k, sm_clock *clock, json_t **doc_out)
{
	if (!document)
		return -1;
	/* the stored text is the compact form the reader takes: parsed once, and
	** into a JSON tree only when the caller wants the document */
	json_t *doc = doc_out ? json_loads(document, 0, NULL) : NULL;
	if (doc_out && !doc)
		return -1;
	json_t *errors = doc ? sm_reg_read_case(doc, "", k) : sm_json_read_case(document, strlen(document), k);
	int bad = !errors || json_array_size(errors) > 0;
	json_decref(errors);
	if (bad) {
		json_decref(doc);
		return -1;
	}
	int u = ix ? ix->urgency : sm_reg_assessment_urgency(assessment);
	if (u < 0) {
		char *a = NULL, *d = NULL;
		sm_urgency uu = SM_URG_ROUTINE;
		if (sm_reg_assess(k, &a, &d, &uu) == 0)
			u = (int)uu;
		free(a);
		free(d);
	}
	sm_pathway_clock(k, u < 0 ? SM_URG_ROUTINE : (sm_urgency)u, now, clock);
	if (doc_out)
		*doc_out = doc;
	else
		json_decref(doc);
	return 0;
}

static json_t *loads_or_null(const char *s)
{
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;
	return j ? j : json_null();
}

/* The view of one stored version: identifiable (clinical) or de-identified. */
static json_t *case_view(ctx *c, const sm_store_case *sc, int identifiable)
{
	sm_store_site cache = {0};
	json_t *o = json_object();
	if (identifiable) {
		json_object_set_new(o, "id", json_integer(sc->case_id));
	} else {
		/* researchers never see the registry id: the case key stands in for it */
		char secret[SM_STORE_TOKEN_SIZE], key[33];
		if (get_secret(c, secret) == 0) {
			sm_reg_case_key(secret, sc->case_id, key);
			json_object_set_new(o, "id", json_string(key));
			json_object_set_new(o, "case_key", json_string(key));
		}
		sodium_memzero(secret, sizeof secret);
	}
	json_object_set_new(o, "site", json_string(site_code(c, sc->site_id, &cache)));
	json_object_set_new(o, "version", json_integer(sc->version));
	json_object_set_new(o, "latest_version", json_integer(sc->latest_version));
	json_object_set_new(o, "deleted", json_boolean(sc->deleted));
	if (identifiable) {
		char t[32];
		sm_reg_iso_time(sc->at, t);
		json_object_set_new(o, "saved_at", json_string(t));
		sm_store_user au;
		if (sc->author_id > 0 && sm_store_user_get_id(c->st, sc->author_id, &au) == SM_STORE_OK)
			json_object_set_new(o, "saved_by", json_string(au.username));
		else
			json_object_set_new(o, "saved_by", json_null());
		json_object_set_new(o, "reason", json_string(sc->reason ? sc->reason : ""));
		json_object_set_new(o, "identifiers", loads_or_null(sc->identifiers));
		json_object_set_new(o, "identifiers_version", json_integer(sc->identifiers_version));
	}
	if (!sc->document) {
		json_object_set_new(o, "document", json_null());
		return o;
	}
	sm_case *k = malloc(sizeof *k);
	sm_clock clock;
	json_t *doc = NULL;
	if (k && case_clock(sc->document, sc->assessment, c->now, k, &clock, &doc) == 0) {
		if (identifiable) {
			json_object_set_new(o, "document", doc);
		} else {
			const char *origin = "none";
			json_object_set_new(o, "document", sm_reg_deidentify(doc, k, &origin));
			json_object_set_new(o, "time_origin", json_string(origin));
			json_decref(doc);
		}
		json_object_set_new(o, "assessment", loads_or_null(sc->assessment));
		json_object_set_new(o, "engine_version", sc->engine_version ? json_string(sc->engine_version) : json_null());
		json_object_set_new(o, "definitions", loads_or_null(sc->definitions));
		json_object_set_new(o, "clock", sm_reg_clock_json(&clock, identifiable));
	} else {
		json_object_set_new(o, "document", identifiable ? loads_or_null(sc->document) : json_null());
		json_object_set_new(o, "assessment", loads_or_null(sc->assessment));
	}
	free(k);
	return o;
}

/* Read a case for a role: clinical users only see their own site's cases (404
** otherwise). *sc is the version asked for (0: latest), with identifiers for
** clinical users (the store audits that read). Returns 0 or answers. */
static int load_case(ctx *c, int64_t id, int version, int with_identifiers, sm_store_case **sc)
{
	*sc = NULL;
	sm_store_case *peek = NULL;
	sm_store_status rc = sm_store_case_get(c->st, NULL, id, version, 0, &peek);
	int other_site = (rc == SM_STORE_OK || rc == SM_STORE_GONE) && peek && is_clinical(c) &&
	                 peek->site_id != c->site.id;
	if (rc == SM_STORE_NOT_FOUND || other_site) {
		if (other_site)
			audit_denied(c, id, "a case of another site (answered 404)");
		sm_store_free(peek);
		fail(c, 404, "no such case (%" PRId64 ")%s", id, version ? " or version" : "");
		return -1;
	}
	if (rc == SM_STORE_GONE) {
		json_t *x = json_object();
		json_object_set_new(x, "id", json_integer(id));
		json_object_set_new(x, "version", json_integer(peek->version));
		json_object_set_new(x, "deleted", json_true());
		sm_store_free(peek);
		fail_with(c, 410, "the case is deleted; its earlier versions remain readable with ?version=N", x);
		return -1;
	}
	if (rc != SM_STORE_OK) {
		sm_store_free(peek);
		fail_store(c, rc, "case");
		return -1;
	}
	if (!with_identifiers) {
		*sc = peek;
		return 0;
	}
	sm_store_free(peek);
	rc = sm_store_case_get(c->st, &c->actor, id, version, SM_STORE_IDENTIFIERS, sc);
	if (rc != SM_STORE_OK) {
		sm_store_free(*sc);
		*sc = NULL;
		fail_store(c, rc, "case");
		return -1;
	}
	return 0;
}

static int researcher_or_clinical(ctx *c)
{
	if (is_clinical(c) || c->user.role == SM_ROLE_RESEARCHER)
		return 1;
	fail_code(c, 403, "forbidden", "case data needs a clinician, coordinator or researcher (your role: %s)",
	          sm_store_role_name(c->user.role));
	return 0;
}

static void do_case_get(ctx *c)
{
	if (!researcher_or_clinical(c))
		return;
	long long version;
	if (arg_int(c, "version", 1, INT32_MAX, 0, &version))
		return;
	int ident = is_clinical(c);
	sm_store_case *sc;
	if (load_case(c, c->rt.case_id, (int)version, ident, &sc))
		return;
	reply(c, 200, case_view(c, sc, ident));
	sm_store_free(sc);
}

static void do_versions(ctx *c)
{
	if (!researcher_or_clinical(c))
		return;
	int ident = is_clinical(c);
	/* a deleted case still has its history: no 410 here */
	sm_store_case *sc = NULL;
	sm_store_status rc = sm_store_case_get(c->st, NULL, c->rt.case_id, 0, 0, &sc);
	int other_site = (rc == SM_STORE_OK || rc == SM_STORE_GONE) && sc && ident && sc->site_id != c->site.id;
	sm_store_free(sc);
	if (other_site)
		audit_denied(c, c->rt.case_id, "the versions of a case of another site (answered 404)");
	if (rc == SM_STORE_NOT_FOUND || other_site)
		return fail(c, 404, "no such case (%" PRId64 ")", c->rt.case_id);
	if (rc != SM_STORE_OK && rc != SM_STORE_GONE)
		return fail_store(c, rc, "case");
	sm_store_versions *vs = NULL;
	rc = sm_store_case_versions(c->st, c->rt.case_id, &vs);
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "versions");
	if (ident && audit_or_fail(c, "case.versions", c->rt.case_id, "version history")) {
		sm_store_free(vs);
		return;
	}
	json_t *arr = json_array();
	for (size_t k = 0; k < vs->n; k++) {
		const sm_store_version *v = &vs->v[k];
		json_t *o = json_object();
		json_object_set_new(o, "version", json_integer(v->version));
		json_object_set_new(o, "deleted", json_boolean(v->deleted));
		if (ident) {
			char t[32];
			sm_reg_iso_time(v->at, t);
			json_object_set_new(o, "saved_at", json_string(t));
			json_object_set_new(o, "saved_by", *v->author ? json_string(v->author) : json_null());
			json_object_set_new(o, "reason", json_string(v->reason));
			json_object_set_new(o, "identifiers_changed", json_boolean(v->identifiers_changed));
		}
		json_object_set_new(o, "has_assessment", json_boolean(v->has_assessment));
		json_object_set_new(o, "engine_version", *v->engine_version ? json_string(v->engine_version) : json_null());
		json_array_append_new(arr, o);
	}
	json_t *o = json_object();
	if (ident)
		json_object_set_new(o, "id", json_integer(c->rt.case_id));
	else
		json_object_set_new(o, "id", json_string(c->rt.case_key));
	json_object_set_new(o, "versions", arr);
	sm_store_free(vs);
	reply(c, 200, o);
}

/* The document member of a body, validated as a case: the sm_case in *k.
** Returns the document (borrowed) or NULL (errors collected). */
static json_t *body_document(ctx *c, sm_case *k)
{
	json_t *doc = json_object_get(c->body, "document");
	if (!doc || json_is_null(doc)) {
		field_error(c, "/document", "required: the case document (schema spinemets/case/1)");
		return NULL;
	}
	if (!json_is_object(doc)) {
		field_error(c, "/document", "expected a JSON object (schema spinemets/case/1)");
		return NULL;
	}
	json_t *errors = sm_reg_read_case(doc, "/document", k);
	if (!errors) {
		field_error(c, "/document", "out of memory");
		return NULL;
	}
	size_t n = json_array_size(errors);
	if (n) {
		if (!c->errors)
			c->errors = json_array();
		json_array_extend(c->errors, errors);
	}
	json_decref(errors);
	return n ? NULL : doc;
}

/* What a save answers: the new version as the client knows it (no read back). */
static json_t *saved_view(ctx *c, int64_t id, int version, const json_t *doc, const char *identifiers,
                          const char *assessment, const char *definitions, const char *reason, const sm_case *k,
                          sm_urgency urgency)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "site", json_string(c->site.code));
	json_object_set_new(o, "version", json_integer(version));
	json_object_set_new(o, "latest_version", json_integer(version));
	json_object_set_new(o, "deleted", json_false());
	char t[32];
	sm_reg_iso_time(c->now, t);
	json_object_set_new(o, "saved_at", json_string(t));
	json_object_set_new(o, "saved_by", json_string(c->user.username));
	json_object_set_new(o, "reason", json_string(reason));
	if (identifiers)
		json_object_set_new(o, "identifiers", loads_or_null(identifiers));
	json_object_set_new(o, "document", json_deep_copy(doc));
	json_object_set_new(o, "assessment", loads_or_null(assessment));
	json_object_set_new(o, "engine_version", json_string(SM_ENGINE_VERSION));
	json_object_set_new(o, "definitions", loads_or_null(definitions));
	sm_clock clock;
	sm_pathway_clock(k, urgency, c->now, &clock);
	json_object_set_new(o, "clock", sm_reg_clock_json(&clock, 1));
	return o;
}

/* 409: the version the client edited (and what it sent) and the current one. */
static void conflict(ctx *c, int64_t id, int expected, const json_t *doc, const char *identifiers)
{
	json_t *x = json_object(), *yours = json_object();
	json_object_set_new(yours, "version", json_integer(expected));
	if (doc)
		json_object_set_new(yours, "document", json_deep_copy(doc));
	if (identifiers)
		json_object_set_new(yours, "identifiers", loads_or_null(identifiers));
	json_object_set_new(x, "yours", yours);
	sm_store_case *cur = NULL;
	sm_store_status rc = sm_store_case_get(c->st, &c->actor, id, 0, SM_STORE_IDENTIFIERS, &cur);
	if (cur && (rc == SM_STORE_OK || rc == SM_STORE_GONE))
		json_object_set_new(x, "current", case_view(c, cur, 1));
	sm_store_free(cur);
	char msg[200];
	snprintf(msg, sizeof msg,
	         "the case has changed since version %d (someone else saved it): nothing was saved; "
	         "compare yours with current and save again naming the current version", expected);
	fail_with(c, 409, msg, x);
}

static void do_case_create(ctx *c)
{
	if (!need_clinical(c) || read_body(c, 1))
		return;
	KNOWN(c, c->body, "document", "identifiers", "reason");
	sm_case *k = malloc(sizeof *k);
	if (!k)
		return fail(c, 500, "out of memory");
	json_t *doc = body_document(c, k);
	char *ids = body_identifiers(c);
	const char *reason = body_text(c, "reason", 0, SM_STORE_TEXT_MAX, 1);
	if (c->errors) {
		free(k);
		free(ids);
		return fail_invalid(c, NULL);
	}
	if (!reason)
		reason = "created";
	char *assessment = NULL, *defs = NULL, *text = NULL;
	sm_urgency urg = SM_URG_ROUTINE;
	if (sm_reg_assess(k, &assessment, &defs, &urg) != 0 ||
	    !(text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		fail(c, 500, "out of memory");
	} else {
		sm_store_case_index ix;
		make_index(k, urg, &ix);
		sm_store_save s = {c->site.id, ids, text, assessment, SM_ENGINE_VERSION, defs, reason, &ix};
		int64_t id = 0;
		sm_store_status rc = sm_store_case_create(c->st, &c->actor, &s, &id);
		if (rc != SM_STORE_OK) {
			fail_store(c, rc, "case");
		} else {
			reply(c, 201, saved_view(c, id, 1, doc, ids, assessment, defs, reason, k, urg));
			snprintf(c->r->location, sizeof c->r->location, "/api/v1/cases/%" PRId64, id);
		}
	}
	free(k);
	free(ids);
	free(assessment);
	free(defs);
	free(text);
}

/* the site check before a write: the case exists, is not deleted and is ours */
static int writable(ctx *c, int64_t id)
{
	sm_store_case *sc = NULL;
	if (load_case(c, id, 0, 0, &sc))
		return 0;
	sm_store_free(sc);
	return 1;
}

static void do_case_update(ctx *c)
{
	if (!need_clinical(c) || read_body(c, 1))
		return;
	KNOWN(c, c->body, "version", "document", "identifiers", "reason");
	sm_case *k = malloc(sizeof *k);
	if (!k)
		return fail(c, 500, "out of memory");
	int expected = body_version(c, 1);
	json_t *doc = body_document(c, k);
	char *ids = body_identifiers(c);
	const char *reason = body_text(c, "reason", 0, SM_STORE_TEXT_MAX, 1);
	char *assessment = NULL, *defs = NULL, *text = NULL;
	if (c->errors) {
		fail_invalid(c, NULL);
		goto out;
	}
	if (!writable(c, c->rt.case_id))
		goto out;
	if (!reason)
		reason = "updated";
	sm_urgency urg = SM_URG_ROUTINE;
	if (sm_reg_assess(k, &assessment, &defs, &urg) != 0 ||
	    !(text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		fail(c, 500, "out of memory");
		goto out;
	}
	sm_store_case_index ix;
	make_index(k, urg, &ix);
	sm_store_save s = {0, ids, text, assessment, SM_ENGINE_VERSION, defs, reason, &ix};
	int version = 0;
	sm_store_status rc = sm_store_case_update(c->st, &c->actor, c->rt.case_id, expected, &s, &version);
	if (rc == SM_STORE_CONFLICT)
		conflict(c, c->rt.case_id, expected, doc, ids);
	else if (rc != SM_STORE_OK)
		fail_store(c, rc, "case");
	else
		reply(c, 200, saved_view(c, c->rt.case_id, version, doc, ids, assessment, defs, reason, k, urg));
out:
	free(k);
	free(ids);
	free(assessment);
	free(defs);
	free(text);
}

static void do_case_delete(ctx *c)
{
	if (!need_clinical(c))
		return;
	/* version and reason in a JSON body, or as query parameters */
	int expected = 0;
	const char *reason = NULL;
	if (c->q->body && c->q->len) {
		if (read_body(c, 1))
			return;
		KNOWN(c, c->body, "version", "reason");
		expected = body_version(c, 1);
		reason = body_text(c, "reason", 1, SM_STORE_TEXT_MAX, 1);
	} else {
		long long v;
		if (arg_int(c, "version", 1, INT32_MAX, 0, &v))
			return;
		expected = (int)v;
		reason = arg(c, "reason");
		if (!expected)
			field_error(c, "/version", "required: the version you read (body member or ?version=)");
		if (!reason)
			field_error(c, "/reason", "required: why the case is deleted (body member or ?reason=)");
		else if (!text_ok(reason, SM_STORE_TEXT_MAX, 1)) {
			field_error(c, "/reason", "expected text without control characters");
			reason = NULL;
		}
	}
	if (c->errors)
		return fail_invalid(c, NULL);
	if (!writable(c, c->rt.case_id))
		return;
	int version = 0;
	sm_store_status rc = sm_store_case_delete(c->st, &c->actor, c->rt.case_id, expected, reason, &version);
	if (rc == SM_STORE_CONFLICT)
		return conflict(c, c->rt.case_id, expected, NULL, NULL);
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "case");
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->rt.case_id));
	json_object_set_new(o, "version", json_integer(version));
	json_object_set_new(o, "deleted", json_true());
	json_object_set_new(o, "reason", json_string(reason));
	reply(c, 200, o);
}

/* POST /cases/{id}/events: {"events": [{type, at}, ...]} or {"event": {...}},
** "version" (optional: when given a stale version is a 409; when absent the
** events are appended to the latest version, retried on a concurrent save). */
static void do_events(ctx *c)
{
	if (!need_clinical(c) || read_body(c, 1))
		return;
	KNOWN(c, c->body, "events", "event", "version", "reason");
	json_t *evs = json_object_get(c->body, "events"), *one = json_object_get(c->body, "event");
	json_t *list = json_array();
	if (evs && one)
		field_error(c, "/event", "give either event or events, not both");
	else if (one)
		json_array_append(list, one);
	else if (json_is_array(evs) && json_array_size(evs) >= 1)
		json_array_extend(list, evs);
	else
		field_error(c, "/events", "required: a non-empty array of {\"type\", \"at\"} events");
	int expected = body_version(c, 0);
	const char *reason = body_text(c, "reason", 0, SM_STORE_TEXT_MAX, 1);
	sm_case *k = malloc(sizeof *k);
	json_t *doc = NULL;
	char *assessment = NULL, *defs = NULL, *text = NULL;
	if (!k) {
		fail(c, 500, "out of memory");
		goto out;
	}
	if (!c->errors) {
		/* the events alone, checked as a case: paths point into this body */
		json_t *probe = json_object();
		json_object_set(probe, "events", list);
		json_t *errors = sm_reg_read_case(probe, "", k);
		json_decref(probe);
		size_t i;
		json_t *e;
		json_array_foreach(errors, i, e) {
			const char *p = json_string_value(json_object_get(e, "path"));
			char path[600];
			/* "/events/N/..." -> "/event/..." when one event was given */
			if (one && p && strncmp(p, "/events/0", 9) == 0)
				snprintf(path, sizeof path, "/event%s", p + 9);
			else
				snprintf(path, sizeof path, "%s", p ? p : "");
			field_error(c, path, "%s", json_string_value(json_object_get(e, "message")));
		}
		json_decref(errors);
	}
	if (c->errors) {
		fail_invalid(c, NULL);
		goto out;
	}
	if (!reason)
		reason = "events added";
	for (int attempt = 0; attempt < 8; attempt++) {
		sm_store_case *sc = NULL;
		if (load_case(c, c->rt.case_id, 0, 0, &sc))
			goto out;
		int base = expected ? expected : sc->latest_version;
		json_decref(doc);
		doc = json_loads(sc->document, 0, NULL);
		sm_store_free(sc);
		if (!json_is_object(doc)) {
			fail(c, 500, "the stored document is not readable");
			goto out;
		}
		json_t *cur = json_object_get(doc, "events");
		if (!json_is_array(cur)) {
			cur = json_array();
			json_object_set_new(doc, "events", cur);
		}
		json_array_extend(cur, list);
		json_t *errors = sm_reg_read_case(doc, "/document", k);
		if (!errors || json_array_size(errors)) {
			fail_invalid(c, errors);
			goto out;
		}
		json_decref(errors);
		free(assessment);
		free(defs);
		free(text);
		assessment = defs = text = NULL;
		sm_urgency urg = SM_URG_ROUTINE;
		if (sm_reg_assess(k, &assessment, &defs, &urg) != 0 ||
		    !(text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
			fail(c, 500, "out of memory");
			goto out;
		}
		sm_store_case_index ix;
		make_index(k, urg, &ix);
		sm_store_save s = {0, NULL, text, assessment, SM_ENGINE_VERSION, defs, reason, &ix};
		int version = 0;
		sm_store_status rc = sm_store_case_update(c->st, &c->actor, c->rt.case_id, base, &s, &version);
		if (rc == SM_STORE_CONFLICT && !expected)
			continue; /* someone saved meanwhile: append to the newer version */
		if (rc == SM_STORE_CONFLICT)
			conflict(c, c->rt.case_id, expected, NULL, NULL);
		else if (rc != SM_STORE_OK)
			fail_store(c, rc, "case");
		else
			reply(c, 201, saved_view(c, c->rt.case_id, version, doc, NULL, assessment, defs, reason, k, urg));
		goto out;
	}
	fail(c, 409, "the case kept changing while the events were added; try again");
out:
	json_decref(list);
	json_decref(doc);
	free(k);
	free(assessment);
	free(defs);
	free(text);
}

/* site=CODE for a clinical user: their own site only (403 otherwise) */
static int own_site_arg(ctx *c)
{
	const char *s = arg(c, "site");
	if (s && strcmp(s, c->site.code) != 0) {
		fail_code(c, 403, "forbidden", "you may only see your own site (%s)", c->site.code);
		return -1;
	}
	return 0;
}

/* site=CODE for a registry-wide role: *id (0 when absent = every site); -1 answered */
static int any_site_arg(ctx *c, sm_store_site *s)
{
	memset(s, 0, sizeof *s);
	const char *code = arg(c, "site");
	if (!code || !*code)
		return 0;
	sm_store_status rc = sm_store_site_get(c->st, code, s);
	if (rc == SM_STORE_NOT_FOUND || rc == SM_STORE_INVALID) {
		fail(c, 404, "no such site");
		return -1;
	}
	if (rc != SM_STORE_OK) {
		fail_store(c, rc, "site");
		return -1;
	}
	return 0;
}

/* The urgency of a case's latest assessment read from the stored assessment
** (a case without a case index; the clinical document alone: not audited). */
static int latest_urgency(ctx *c, int64_t case_id)
{
	sm_store_case *sc = NULL;
	int u = -1;
	if (sm_store_case_get(c->st, NULL, case_id, 0, 0, &sc) == SM_STORE_OK)
		u = sm_reg_assessment_urgency(sc->assessment);
	sm_store_free(sc);
	return u;
}

static void do_case_list(ctx *c)
{
	if (!researcher_or_clinical(c))
		return;
	long long offset, limit;
	if (arg_int(c, "offset", 0, INT32_MAX, 0, &offset) || arg_int(c, "limit", 1, 200, 50, &limit))
		return;
	const char *text = arg(c, "q");
	if (text && *text && !text_ok(text, 256, 0))
		return fail(c, 400, "query parameter q: text of 1 to 256 bytes without control characters");
	json_t *o = json_object();
	if (!is_clinical(c)) {
		/* researcher: de-identified rows of any site; no search by identifiers */
		if (text && *text) {
			json_decref(o);
			return fail_code(c, 403, "forbidden", "searching by identifiers needs a clinician or coordinator");
		}
		sm_store_site site;
		if (any_site_arg(c, &site)) {
			json_decref(o);
			return;
		}
		/* the page from the case rows alone (no document read), by case id */
		char secret[SM_STORE_TOKEN_SIZE];
		if (get_secret(c, secret) != 0) {
			json_decref(o);
			return fail(c, 503, "the registry database is unavailable; try again");
		}
		sm_store_case_list *l = NULL;
		sm_store_status rc = sm_store_case_page(c->st, site.id, (size_t)offset, (size_t)limit, &l);
		if (rc != SM_STORE_OK) {
			sodium_memzero(secret, sizeof secret);
			json_decref(o);
			return fail_store(c, rc, "cases");
		}
		json_t *rows = json_array();
		sm_store_site cache = {0};
		for (size_t k = 0; k < l->n; k++) {
			const sm_store_case_row *row = &l->rows[k];
			json_t *x = json_object();
			char key[33];
			sm_reg_case_key(secret, row->case_id, key);
			json_object_set_new(x, "id", json_string(key)); /* never the registry id */
			json_object_set_new(x, "case_key", json_string(key));
			json_object_set_new(x, "site", json_string(site_code(c, row->site_id, &cache)));
			json_object_set_new(x, "version", json_integer(row->version));
			int u = row->urgency >= 0 ? row->urgency : latest_urgency(c, row->case_id);
			json_object_set_new(x, "urgency", u >= 0 ? json_string(sm_urgency_name((sm_urgency)u)) : json_null());
			json_array_append_new(rows, x);
		}
		sodium_memzero(secret, sizeof secret);
		json_object_set_new(o, "total", json_integer((json_int_t)l->total));
		json_object_set_new(o, "offset", json_integer(offset));
		json_object_set_new(o, "limit", json_integer(limit));
		json_object_set_new(o, "cases", rows);
		sm_store_free(l);
		return reply(c, 200, o);
	}
	if (own_site_arg(c)) {
		json_decref(o);
		return;
	}
	const char *del = arg(c, "deleted");
	sm_store_query sq = {c->site.id, text, del && strcmp(del, "true") == 0, (size_t)offset, (size_t)limit};
	sm_store_case_list *l = NULL;
	sm_store_status rc = sm_store_case_search(c->st, &c->actor, &sq, &l);
	if (rc != SM_STORE_OK) {
		json_decref(o);
		return fail_store(c, rc, "cases");
	}
	json_t *rows = json_array();
	for (size_t k = 0; k < l->n; k++) {
		const sm_store_case_row *row = &l->rows[k];
		json_t *x = json_object();
		json_object_set_new(x, "id", json_integer(row->case_id));
		json_object_set_new(x, "site", json_string(c->site.code));
		json_object_set_new(x, "version", json_integer(row->version));
		json_object_set_new(x, "deleted", json_boolean(row->deleted));
		char t[32];
		sm_reg_iso_time(row->updated_at, t);
		json_object_set_new(x, "updated_at", json_string(t));
		json_t *ids = json_object();
		json_object_set_new(ids, "name", row->name ? json_string(row->name) : json_null());
		json_object_set_new(ids, "hospital_number", row->hospital_number ? json_string(row->hospital_number) : json_null());
		json_object_set_new(x, "identifiers", ids);
		/* the urgency of the latest assessment: from the case index, else read from it */
		int u = row->deleted ? -1 : row->urgency >= 0 ? row->urgency : latest_urgency(c, row->case_id);
		json_object_set_new(x, "urgency", u >= 0 ? json_string(sm_urgency_name((sm_urgency)u)) : json_null());
		json_array_append_new(rows, x);
	}
	json_object_set_new(o, "total", json_integer((json_int_t)l->total));
	json_object_set_new(o, "offset", json_integer(offset));
	json_object_set_new(o, "limit", json_integer(limit));
	json_object_set_new(o, "cases", rows);
	sm_store_free(l);
	reply(c, 200, o);
}

/* ======================================================================
** The worklist and the monthly audit
** ==================================================================== */
typedef struct work_walk {
	ctx *c;
	double hours;
	sm_case *k;
	json_t *rows;
	size_t scanned;
} work_walk;

static int work_row(void *p, const sm_store_case *sc, const sm_store_case_index *ix)
{
	work_walk *w = p;
	w->scanned++;
	sm_clock clock;
	if (case_clock_ix(sc->document, sc->assessment, ix, w->c->now, w->k, &clock, NULL) != 0 || !clock.started ||
	    clock.closed)
		return 0;
	int breached = 0, due = 0;
	double left = INFINITY;
	for (int g = 0; g < SM_NTARGETS; g++) {
		const sm_target *t = &clock.targets[g];
		if (t->state == SM_TS_BREACHED) {
			breached = 1;
		} else if (t->state == SM_TS_PENDING && t->hours_left <= w->hours) {
			due = 1;
		} else {
			continue;
		}
		if (t->hours_left < left)
			left = t->hours_left;
	}
	if (!breached && !due)
		return 0;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(sc->case_id));
	json_object_set_new(o, "version", json_integer(sc->version));
	json_object_set_new(o, "identifiers", loads_or_null(sc->identifiers));
	json_object_set_new(o, "urgency", json_string(sm_urgency_name(clock.urgency)));
	json_object_set_new(o, "status", json_string(breached ? "breached" : "due"));
	json_object_set_new(o, "hours_left", json_real(round(left * 1000.0) / 1000.0));
	json_object_set_new(o, "clock", sm_reg_clock_json(&clock, 1));
	json_array_append_new(w->rows, o);
	return 0;
}

static int cmp_left(const void *a, const void *b)
{
	double x = json_real_value(json_object_get(*(json_t *const *)a, "hours_left"));
	double y = json_real_value(json_object_get(*(json_t *const *)b, "hours_left"));
	if (x != y)
		return (x > y) - (x < y);
	json_int_t i = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t j = json_integer_value(json_object_get(*(json_t *const *)b, "id"));
	return (i > j) - (i < j);
}

static void do_worklist(ctx *c)
{
	if (!need_clinical(c) || own_site_arg(c))
		return;
	double hours = 6;
	const char *h = arg(c, "hours");
	if (h) {
		char *end = NULL;
		errno = 0;
		hours = strtod(h, &end);
		if (!*h || *end || errno || !(hours >= 0 && hours <= 720))
			return fail(c, 400, "query parameter hours: a number of hours from 0 to 720");
	}
	work_walk w = {c, hours, malloc(sizeof(sm_case)), json_array(), 0};
	if (!w.k) {
		json_decref(w.rows);
		return fail(c, 500, "out of memory");
	}
	/* candidates by the case index: started, open, a target due by now + hours (every
	** case without an index too); the rows are then decided exactly as before */
	sm_store_case_filter f = {0};
	f.open_due = true;
	f.due_by = c->now + (int64_t)ceil(hours * 3600.0) + 1;
	sm_store_status rc = sm_store_case_each_indexed(c->st, &c->actor, c->site.id, SM_STORE_IDENTIFIERS, &f, work_row, &w);
	free(w.k);
	if (rc != SM_STORE_OK) {
		json_decref(w.rows);
		return fail_store(c, rc, "worklist");
	}
	size_t n = json_array_size(w.rows);
	json_t **v = n ? malloc(n * sizeof *v) : NULL;
	json_t *sorted = json_array();
	if (v) {
		for (size_t k = 0; k < n; k++)
			v[k] = json_array_get(w.rows, k);
		qsort(v, n, sizeof *v, cmp_left);
		for (size_t k = 0; k < n; k++)
			json_array_append(sorted, v[k]);
		free(v);
	}
	json_decref(w.rows);
	json_t *o = json_object();
	json_object_set_new(o, "site", json_string(c->site.code));
	char t[32];
	sm_reg_iso_time(c->now, t);
	json_object_set_new(o, "generated_at", json_string(t));
	json_object_set_new(o, "hours", json_real(hours));
	json_object_set_new(o, "cases_scanned", json_integer((json_int_t)w.scanned));
	json_object_set_new(o, "cases", sorted);
	reply(c, 200, o);
}

typedef struct report_walk {
	ctx *c;
	long long from, to;
	sm_case *k;
	sm_clock *clocks;
	size_t n, cap;
	size_t unstarted;
	int oom;
	int64_t *ids; /* the case of each clock (the list of cases that missed a target) */
} report_walk;

static int report_row(void *p, const sm_store_case *sc, const sm_store_case_index *ix)
{
	report_walk *w = p;
	sm_clock clock;
	if (case_clock_ix(sc->document, sc->assessment, ix, w->c->now, w->k, &clock, NULL) != 0)
		return 0;
	if (!clock.started) {
		w->unstarted++;
		return 0;
	}
	if (clock.start < w->from || clock.start >= w->to)
		return 0;
	if (w->n == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 64;
		sm_clock *nv = realloc(w->clocks, nc * sizeof *nv);
		if (!nv) {
			w->oom = 1;
			return 1;
		}
		w->clocks = nv;
		int64_t *ni = realloc(w->ids, nc * sizeof *ni);
		if (!ni) {
			w->oom = 1;
			return 1;
		}
		w->ids = ni;
		w->cap = nc;
	}
	w->ids[w->n] = sc->case_id;
	w->clocks[w->n++] = clock;
	return 0;
}

/* the targets by urgency, from the core (not restated here) */
static json_t *standards(void)
{
	json_t *o = json_object();
	sm_case *k = malloc(sizeof *k);
	if (!k)
		return o;
	sm_case_init(k);
	k->events[0].type = SM_EV_PRESENTATION;
	k->events[0].at = 86400;
	k->nevents = 1;
	for (int u = SM_URG_EMERGENCY; u >= SM_URG_ROUTINE; u--) {
		sm_clock clock;
		sm_pathway_clock(k, (sm_urgency)u, 86400, &clock);
		json_t *x = json_object();
		for (int g = 0; g < SM_NTARGETS; g++)
			json_object_set_new(x, sm_target_name((sm_target_id)g),
			                    clock.targets[g].state == SM_TS_NOT_APPLICABLE
			                        ? json_null()
			                        : json_integer(clock.targets[g].within_hours));
		json_object_set_new(o, sm_urgency_name((sm_urgency)u), x);
	}
	free(k);
	return o;
}

/* the site's own staff see which cases missed each target ({id, state}); other roles see counts only */
static void report_not_met(json_t *targets, const report_walk *w)
{
	for (int g = 0; g < SM_NTARGETS; g++) {
		json_t *list = json_array();
		for (size_t k = 0; k < w->n; k++) {
			sm_target_state st = w->clocks[k].targets[g].state;
			if (st != SM_TS_MISSED && st != SM_TS_BREACHED)
				continue;
			json_t *x = json_object();
			json_object_set_new(x, "id", json_integer((json_int_t)w->ids[k]));
			json_object_set_new(x, "state", json_string(sm_target_state_name(st)));
			json_array_append_new(list, x);
		}
		json_object_set_new(json_object_get(targets, sm_target_name((sm_target_id)g)), "not_met_cases", list);
	}
}

static void do_report(ctx *c)
{
	sm_store_site site = {0};
	if (is_clinical(c)) {
		if (own_site_arg(c))
			return;
		site = c->site;
	} else if (c->user.role == SM_ROLE_RESEARCHER || c->user.role == SM_ROLE_ADMIN) {
		if (any_site_arg(c, &site))
			return;
	} else {
		return fail_code(c, 403, "forbidden", "the audit report needs a site or registry role");
	}
	const char *month = arg(c, "month");
	long long from, to;
	if (!month || sm_reg_parse_month(month, &from, &to) != 0)
		return fail(c, 400, "query parameter month: required, as YYYY-MM (e.g. 2026-03)");
	report_walk w = {c, from, to, malloc(sizeof(sm_case)), NULL, 0, 0, 0, 0, NULL};
	if (!w.k)
		return fail(c, 500, "out of memory");
	sm_store_case_filter f = {0};
	f.started_in = true; /* candidates by the case index: the clock starts in the month */
	f.from = from;
	f.to = to;
	sm_store_status rc = sm_store_case_each_indexed(c->st, NULL, site.id, 0, &f, report_row, &w);
	free(w.k);
	if (rc != SM_STORE_OK || w.oom) {
		free(w.clocks);
		free(w.ids);
		return rc != SM_STORE_OK ? fail_store(c, rc, "audit report") : fail(c, 500, "out of memory");
	}
	double *scratch = malloc((w.n ? w.n : 1) * sizeof *scratch);
	sm_audit a;
	if (!scratch || sm_audit_summarise(w.clocks, w.n, scratch, &a) != SM_OK) {
		free(scratch);
		free(w.clocks);
		free(w.ids);
		return fail(c, 500, "out of memory");
	}
	json_t *o = json_object();
	json_object_set_new(o, "site", site.id ? json_string(site.code) : json_null());
	json_object_set_new(o, "month", json_string(month));
	char t[32];
	sm_reg_iso_time(from, t);
	json_object_set_new(o, "from", json_string(t));
	sm_reg_iso_time(to, t);
	json_object_set_new(o, "to", json_string(t));
	sm_reg_iso_time(c->now, t);
	json_object_set_new(o, "generated_at", json_string(t));
	json_object_set_new(o, "engine_version", json_string(SM_ENGINE_VERSION));
	json_object_set_new(o, "standards_hours", standards());
	json_t *summary = sm_reg_audit_json(&a, w.clocks, w.n);
	json_object_update(o, summary);
	json_decref(summary);
	if (is_clinical(c))
		report_not_met(json_object_get(o, "targets"), &w);
	reply(c, 200, o);
	free(scratch);
	free(w.clocks);
	free(w.ids);
}

/* ======================================================================
** Users, sites and the audit log (admin)
** ==================================================================== */
static int need_admin(ctx *c)
{
	if (c->user.role == SM_ROLE_ADMIN)
		return 1;
	fail_code(c, 403, "forbidden", "this needs an administrator (your role: %s)", sm_store_role_name(c->user.role));
	return 0;
}

void sm_registry_random_password(char out[32])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
	for (int k = 0; k < 20; k++)
		out[k] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
	out[20] = '\0';
}

static void do_users_list(ctx *c)
{
	if (!need_admin(c))
		return;
	sm_store_site site;
	if (any_site_arg(c, &site))
		return;
	sm_store_user *us = NULL;
	size_t n = 0;
	sm_store_status rc = sm_store_user_list(c->st, site.id, &us, &n);
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "users");
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(arr, user_json(c, &us[k]));
	sodium_memzero(us, n * sizeof *us);
	sm_store_free(us);
	json_t *o = json_object();
	json_object_set_new(o, "users", arr);
	reply(c, 200, o);
}

static void do_users_add(ctx *c)
{
	if (!need_admin(c) || read_body(c, 1))
		return;
	KNOWN(c, c->body, "username", "display_name", "role", "site", "password", "must_change_password");
	sm_store_user u;
	memset(&u, 0, sizeof u);
	const char *username = body_text(c, "username", 1, 64, 0);
	if (username && !sm_store_username_ok(username))
		field_error(c, "/username", SM_STORE_USERNAME_RULE);
	const char *display = body_text(c, "display_name", 0, SM_STORE_NAME_SIZE - 1, 0);
	const char *role = body_text(c, "role", 1, 32, 0);
	int r = role ? sm_store_role_find(role) : -1;
	if (role && r < 0)
		field_error(c, "/role", "one of clinician, coordinator, researcher, admin");
	const char *site = body_text(c, "site", 0, 63, 0);
	sm_store_site s = {0};
	if (site && sm_store_site_get(c->st, site, &s) != SM_STORE_OK)
		field_error(c, "/site", "no such site (POST /api/v1/sites adds one)");
	if ((r == SM_ROLE_CLINICIAN || r == SM_ROLE_COORDINATOR) && !site)
		field_error(c, "/site", "required for a clinician or coordinator");
	json_t *pw = json_object_get(c->body, "password");
	char why[300];
	if (pw && !json_is_null(pw) &&
	    (!json_is_string(pw) || strlen(json_string_value(pw)) != json_string_length(pw)))
		field_error(c, "/password", "a password as a string (or leave it out for a one-time password)");
	else if (pw && !json_is_null(pw) &&
	         sm_store_password_quality(json_string_value(pw), username, NULL, why, sizeof why) != SM_STORE_OK)
		field_error(c, "/password", "%s (or leave it out for a generated one-time password)", why);
	json_t *mc = json_object_get(c->body, "must_change_password");
	if (mc && !json_is_boolean(mc))
		field_error(c, "/must_change_password", "expected true or false");
	else if (json_is_false(mc))
		field_error(c, "/must_change_password",
		            "cannot be false: a password set by an administrator is always one-time "
		            "(the user must choose their own at first login)");
	if (c->errors)
		return fail_invalid(c, NULL);
	char otp[32] = "";
	const char *password = json_string_value(pw);
	if (!password) {
		sm_registry_random_password(otp);
		password = otp;
	}
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.display_name, sizeof u.display_name, "%s", display ? display : username);
	u.role = (sm_store_role)r;
	u.site_id = s.id;
	u.must_change_password = true; /* set by an administrator: always one-time */
	sm_store_status rc = sm_store_password_hash(password, u.password_hash);
	int64_t id = 0;
	if (rc == SM_STORE_OK)
		rc = sm_store_user_add(c->st, &u, c->now, &id);
	if (rc == SM_STORE_EXISTS) {
		sodium_memzero(otp, sizeof otp);
		return fail(c, 409, "username already in use");
	}
	if (rc != SM_STORE_OK) {
		sodium_memzero(otp, sizeof otp);
		return fail_store(c, rc, "user");
	}
	char detail[400];
	snprintf(detail, sizeof detail, "user %s (%s)", u.username, sm_store_role_name(u.role));
	audit(c, "user.add", 0, detail);
	/* the administrator knows this user's password until it is changed: an alert */
	snprintf(detail, sizeof detail, "administrator %s set the password of new user %s (%s, one-time, valid %u h)",
	         c->user.username, u.username, *otp ? "generated" : "chosen by the administrator",
	         c->reg->o.otp_ttl / 3600);
	audit(c, "alert.admin_set_password", 0, detail);
	sm_store_user got;
	json_t *o = json_object();
	if (sm_store_user_get_id(c->st, id, &got) == SM_STORE_OK)
		json_object_set_new(o, "user", user_json(c, &got));
	if (*otp)
		json_object_set_new(o, "one_time_password", json_string(otp));
	sodium_memzero(otp, sizeof otp);
	reply(c, 201, o);
}

static void do_user_action(ctx *c)
{
	if (!need_admin(c))
		return;
	sm_store_user u;
	sm_store_status rc = sm_store_user_get(c->st, c->rt.username, &u);
	if (rc == SM_STORE_NOT_FOUND || rc == SM_STORE_INVALID)
		return fail(c, 404, "no such user");
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "user");
	if (c->rt.id == R_USER) {
		json_t *o = json_object();
		json_object_set_new(o, "user", user_json(c, &u));
		sodium_memzero(&u, sizeof u);
		return reply(c, 200, o);
	}
	char otp[32] = "";
	const char *action;
	if (c->rt.id == R_USER_DEACTIVATE || c->rt.id == R_USER_ACTIVATE) {
		int on = c->rt.id == R_USER_ACTIVATE;
		if (!on && u.id == c->user.id)
			return fail(c, 409, "you cannot deactivate yourself");
		rc = sm_store_user_set_active(c->st, u.id, on, c->now);
		action = on ? "user.activate" : "user.deactivate";
	} else {
		sm_registry_random_password(otp);
		char hash[SM_STORE_PWHASH_SIZE];
		rc = sm_store_password_hash(otp, hash);
		if (rc == SM_STORE_OK)
			rc = sm_store_user_change_password(c->st, u.id, hash, true, c->now, 0, NULL);
		if (rc == SM_STORE_OK)
			rc = sm_store_token_delete_user(c->st, u.id, NULL);
		action = "user.password_reset";
	}
	if (rc != SM_STORE_OK) {
		sodium_memzero(otp, sizeof otp);
		return fail_store(c, rc, "user");
	}
	char detail[400];
	snprintf(detail, sizeof detail, "user %s", u.username);
	audit(c, action, 0, detail);
	if (*otp) {
		snprintf(detail, sizeof detail, "administrator %s reset the password of user %s (one-time, valid %u h)",
		         c->user.username, u.username, c->reg->o.otp_ttl / 3600);
		audit(c, "alert.admin_set_password", 0, detail);
	}
	json_t *o = json_object();
	if (sm_store_user_get_id(c->st, u.id, &u) == SM_STORE_OK)
		json_object_set_new(o, "user", user_json(c, &u));
	if (*otp)
		json_object_set_new(o, "one_time_password", json_string(otp));
	sodium_memzero(otp, sizeof otp);
	sodium_memzero(&u, sizeof u);
	reply(c, 200, o);
}

static void do_sites(ctx *c, int post)
{
	if (post) {
		if (!need_admin(c) || read_body(c, 1))
			return;
		KNOWN(c, c->body, "code", "name");
		const char *code = body_text(c, "code", 1, 63, 0);
		if (code && !sm_store_site_code_ok(code))
			field_error(c, "/code", SM_STORE_SITE_CODE_RULE);
		const char *name = body_text(c, "name", 1, SM_STORE_NAME_SIZE - 1, 0);
		if (c->errors)
			return fail_invalid(c, NULL);
		int64_t id;
		sm_store_status rc = sm_store_site_add(c->st, code, name, c->now, &id);
		if (rc == SM_STORE_EXISTS)
			return fail(c, 409, "a site with that code exists");
		if (rc != SM_STORE_OK)
			return fail_store(c, rc, "site");
		char detail[120];
		snprintf(detail, sizeof detail, "site %s", code);
		audit(c, "site.add", 0, detail);
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(code));
		json_object_set_new(o, "name", json_string(name));
		return reply(c, 201, o);
	}
	sm_store_site *ss = NULL;
	size_t n = 0;
	sm_store_status rc = sm_store_site_list(c->st, &ss, &n);
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "sites");
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++) {
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(ss[k].code));
		json_object_set_new(o, "name", json_string(ss[k].name));
		json_array_append_new(arr, o);
	}
	sm_store_free(ss);
	json_t *o = json_object();
	json_object_set_new(o, "sites", arr);
	reply(c, 200, o);
}

static void do_audit_log(ctx *c)
{
	if (!need_admin(c))
		return;
	long long after, case_id, limit;
	if (arg_int(c, "after", 0, INT64_MAX, 0, &after) || arg_int(c, "case", 0, INT64_MAX, 0, &case_id) ||
	    arg_int(c, "limit", 1, SM_STORE_PAGE_MAX, 100, &limit))
		return;
	sm_store_audit_query aq = {after, case_id, 0, (size_t)limit};
	const char *user = arg(c, "user");
	if (user && *user) {
		sm_store_user u;
		if (sm_store_user_get(c->st, user, &u) != SM_STORE_OK)
			return fail(c, 404, "no such user");
		aq.user_id = u.id;
	}
	sm_store_audit_list *l = NULL;
	sm_store_status rc = sm_store_audit_list_get(c->st, &aq, &l);
	if (rc != SM_STORE_OK)
		return fail_store(c, rc, "audit log");
	json_t *arr = json_array();
	int64_t last = after;
	int64_t cache_id = -1;
	char cache_name[SM_STORE_USERNAME_SIZE] = "";
	for (size_t k = 0; k < l->n; k++) {
		const sm_store_audit_entry *e = &l->e[k];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(e->id));
		char t[32];
		sm_reg_iso_time(e->at, t);
		json_object_set_new(o, "at", json_string(t));
		if (e->user_id > 0 && e->user_id != cache_id) {
			sm_store_user u;
			cache_id = e->user_id;
			snprintf(cache_name, sizeof cache_name, "%s",
			         sm_store_user_get_id(c->st, e->user_id, &u) == SM_STORE_OK ? u.username : "?");
		}
		json_object_set_new(o, "user", e->user_id > 0 ? json_string(cache_name) : json_null());
		json_object_set_new(o, "action", json_string(e->action));
		json_object_set_new(o, "case_id", e->case_id ? json_integer(e->case_id) : json_null());
		json_object_set_new(o, "detail", json_string(e->detail));
		json_array_append_new(arr, o);
		last = e->id;
	}
	sm_store_free(l);
	json_t *o = json_object();
	json_object_set_new(o, "entries", arr);
	json_object_set_new(o, "next_after", json_integer(last));
	reply(c, 200, o);
}

/* A researcher names a case by its case key, a clinical user by its id: the
** key is resolved here (a keyed hash of each id; nothing but ids is read).
** 0: rt.case_id set; -1 answered 404. */
static int resolve_case_name(ctx *c)
{
	if (c->user.role != SM_ROLE_RESEARCHER) {
		if (c->rt.case_id == 0) {
			fail(c, 404, "no such case: a case id is a positive whole number");
			return -1;
		}
		return 0;
	}
	if (!c->rt.case_key[0]) {
		if (c->rt.case_id)
			audit_denied(c, 0, "a researcher named a case by a registry id (answered 404)");
		fail(c, 404, "no such case: researchers name a case by its case_key (32 hex digits), never by a registry id");
		return -1;
	}
	c->rt.case_id = 0;
	char secret[SM_STORE_TOKEN_SIZE], key[33];
	if (get_secret(c, secret) != 0) {
		fail(c, 503, "the registry database is unavailable; try again");
		return -1;
	}
	enum { PAGE = 1000 };
	int64_t *ids = malloc(PAGE * sizeof *ids), after = 0;
	sm_store_status rc = ids ? SM_STORE_OK : SM_STORE_NOMEM;
	for (int guard = 0; ids && rc == SM_STORE_OK && !c->rt.case_id && guard < 100000; guard++) {
		size_t n = 0;
		rc = sm_store_case_ids(c->st, after, ids, PAGE, &n);
		for (size_t k = 0; rc == SM_STORE_OK && k < n && !c->rt.case_id; k++) {
			sm_reg_case_key(secret, ids[k], key);
			if (sodium_memcmp(key, c->rt.case_key, 32) == 0)
				c->rt.case_id = ids[k];
		}
		if (n < PAGE)
			break;
		after = ids[n - 1];
	}
	free(ids);
	sodium_memzero(secret, sizeof secret);
	if (rc != SM_STORE_OK) {
		fail_store(c, rc, "case");
		return -1;
	}
	if (!c->rt.case_id) {
		fail(c, 404, "no such case (case key %s)", c->rt.case_key);
		return -1;
	}
	return 0;
}

/* ======================================================================
** Dispatch
** ==================================================================== */
void sm_registry_handle(sm_registry *reg, const sm_api_request *q, sm_api_response *r)
{
	ctx c;
	memset(&c, 0, sizeof c);
	c.reg = reg;
	c.q = q;
	c.r = r;
	match(q->path, &c.rt);
	if (c.rt.id == R_NONE)
		return sm_api_error(r, 404, "no such API resource; see /api/v1/openapi.json");
	if (!method_ok(c.rt.id, q->method))
		return sm_api_not_allowed(r, allowed(c.rt.id));
	if (!reg)
		return sm_api_error(r, 503, "this server has no registry (start it with spinemets serve --db URL)");
	c.st = sm_store_pool_checkout_timed(reg->pool, reg->o.pool_wait_ms);
	if (!c.st) {
		sm_api_error(r, 503, "the server is busy; try again");
		return;
	}
	c.now = (int64_t)time(NULL);
	int get = strcmp(q->method, "GET") == 0 || strcmp(q->method, "HEAD") == 0;
	if (c.rt.id == R_LOGIN) {
		do_login(&c);
	} else if (authenticate(&c)) {
		if (c.user.must_change_password && c.rt.id != R_PASSWORD && c.rt.id != R_LOGOUT) {
			fail_code(&c, 403, "password_change_required",
			          "change your password first (POST /api/v1/password)");
		} else if ((c.rt.id == R_CASE || c.rt.id == R_VERSIONS || c.rt.id == R_EVENTS) && resolve_case_name(&c) != 0) {
			/* answered */
		} else {
			switch (c.rt.id) {
			case R_LOGOUT: do_logout(&c); break;
			case R_PASSWORD: do_password(&c); break;
			case R_ME: do_me(&c); break;
			case R_CASES: get ? do_case_list(&c) : do_case_create(&c); break;
			case R_CASE:
				if (get)
					do_case_get(&c);
				else if (strcmp(q->method, "PUT") == 0)
					do_case_update(&c);
				else
					do_case_delete(&c);
				break;
			case R_VERSIONS: do_versions(&c); break;
			case R_EVENTS: do_events(&c); break;
			case R_WORKLIST: do_worklist(&c); break;
			case R_REPORT: do_report(&c); break;
			case R_AUDIT_LOG: do_audit_log(&c); break;
			case R_USERS: get ? do_users_list(&c) : do_users_add(&c); break;
			case R_USER: case R_USER_DEACTIVATE: case R_USER_ACTIVATE: case R_USER_PASSWORD: do_user_action(&c); break;
			case R_SITES: do_sites(&c, !get); break;
			default: fail(&c, 404, "no such API resource"); break;
			}
		}
		if (c.authed && r->status == 403)
			audit_denied(&c, c.rt.case_id, "forbidden (403)");
	}
	r->authenticated = c.authed;
	json_decref(c.body);
	json_decref(c.errors);
	sodium_memzero(&c.user, sizeof c.user);
	sm_store_pool_checkin(reg->pool, c.st);
}

int sm_registry_hashes(const char *method, const char *path)
{
	if (!method || strcmp(method, "POST") != 0 || !sm_registry_owns(path))
		return 0;
	route rt;
	match(path, &rt);
	return rt.id == R_LOGIN || rt.id == R_PASSWORD || rt.id == R_USERS || rt.id == R_USER_PASSWORD;
}

int sm_registry_health(sm_registry *reg)
{
	if (!reg)
		return 0;
	sm_store *st = sm_store_pool_checkout_timed(reg->pool, reg->o.pool_wait_ms < 2000 ? reg->o.pool_wait_ms : 2000);
	if (!st)
		return 0;
	int current = 0, latest = 0;
	int ok = sm_store_schema_version(st, &current, &latest) == SM_STORE_OK;
	sm_store_pool_checkin(reg->pool, st);
	return ok;
}

int sm_registry_credentials_ok(sm_registry *reg, const sm_api_request *q)
{
	char token[SM_STORE_TOKEN_SIZE], hash[SM_STORE_TOKEN_HASH_SIZE];
	if (!reg || find_token(q, token) != 1)
		return 0;
	sm_store_token_hash(token, hash);
	sodium_memzero(token, sizeof token);
	sm_store *st = sm_store_pool_checkout_timed(reg->pool, reg->o.pool_wait_ms < 1000 ? reg->o.pool_wait_ms : 1000);
	if (!st)
		return 0;
	sm_store_user user;
	sm_store_token tok;
	int ok = sm_store_token_lookup(st, hash, (int64_t)time(NULL), &user, &tok) == SM_STORE_OK;
	sodium_memzero(&user, sizeof user);
	sm_store_pool_checkin(reg->pool, st);
	return ok;
}

/* ======================================================================
** The case index of cases saved before it existed
** ==================================================================== */
typedef struct backfill_walk {
	sm_store *st;
	sm_case *k;
	size_t done;
	sm_store_status rc;
} backfill_walk;

static int backfill_row(void *p, const sm_store_case *sc, const sm_store_case_index *ix)
{
	backfill_walk *w = p;
	if (ix || !sc->document)
		return 0;
	json_t *doc = json_loads(sc->document, 0, NULL);
	json_t *errors = doc ? sm_reg_read_case(doc, "", w->k) : NULL;
	int bad = !errors || json_array_size(errors) > 0;
	json_decref(errors);
	json_decref(doc);
	if (bad)
		return 0; /* not a valid case: stays without an index (always a candidate) */
	int u = sm_reg_assessment_urgency(sc->assessment);
	if (u < 0) {
		char *a = NULL, *d = NULL;
		sm_urgency uu = SM_URG_ROUTINE;
		if (sm_reg_assess(w->k, &a, &d, &uu) == 0)
			u = (int)uu;
		free(a);
		free(d);
	}
	sm_store_case_index nix;
	make_index(w->k, u < 0 ? SM_URG_ROUTINE : (sm_urgency)u, &nix);
	bool set = false;
	w->rc = sm_store_case_index_set(w->st, sc->case_id, sc->version, &nix, &set);
	if (w->rc != SM_STORE_OK)
		return 1;
	w->done += set;
	return 0;
}

sm_store_status sm_registry_backfill(sm_store *st, size_t *n)
{
	if (n)
		*n = 0;
	backfill_walk w = {st, malloc(sizeof(sm_case)), 0, SM_STORE_OK};
	if (!w.k)
		return SM_STORE_NOMEM;
	/* a filter no indexed case passes: only the cases without an index come */
	sm_store_case_filter f = {0};
	f.open_due = true;
	f.due_by = INT64_MIN;
	sm_store_status rc = sm_store_case_each_indexed(st, NULL, 0, 0, &f, backfill_row, &w);
	free(w.k);
	if (rc == SM_STORE_OK)
		rc = w.rc;
	if (n)
		*n = w.done;
	return rc;
}

/* ======================================================================
** First start
** ==================================================================== */
sm_store_status sm_registry_bootstrap(sm_store *st, int64_t now, int *created, char password[32], char *err,
                                      size_t errsz)
{
	*created = 0;
	password[0] = '\0';
	sm_store_user *us = NULL;
	size_t n = 0;
	sm_store_status rc = sm_store_user_list(st, 0, &us, &n);
	sm_store_free(us);
	if (rc != SM_STORE_OK) {
		snprintf(err, errsz, "%s", sm_store_errmsg(st));
		return rc;
	}
	if (n > 0)
		return SM_STORE_OK;
	rc = sm_store_site_add(st, "default", "Default site", now, NULL);
	if (rc != SM_STORE_OK && rc != SM_STORE_EXISTS) {
		snprintf(err, errsz, "site default: %s", sm_store_errmsg(st));
		return rc;
	}
	sm_store_user u;
	memset(&u, 0, sizeof u);
	snprintf(u.username, sizeof u.username, "admin");
	snprintf(u.display_name, sizeof u.display_name, "Administrator");
	u.role = SM_ROLE_ADMIN;
	u.site_id = 0;
	u.must_change_password = true;
	char pw[32];
	sm_registry_random_password(pw);
	rc = sm_store_password_hash(pw, u.password_hash);
	if (rc == SM_STORE_OK)
		rc = sm_store_user_add(st, &u, now, NULL);
	if (rc == SM_STORE_EXISTS) { /* another server made it first */
		sodium_memzero(pw, sizeof pw);
		return SM_STORE_OK;
	}
	if (rc != SM_STORE_OK) {
		sodium_memzero(pw, sizeof pw);
		snprintf(err, errsz, "user admin: %s", sm_store_errmsg(st));
		return rc;
	}
	sm_store_actor sys = {0, now};
	(void)sm_store_audit_add(st, &sys, "user.add", 0, "first start: user admin (admin), one-time password");
	memcpy(password, pw, 32);
	sodium_memzero(pw, sizeof pw);
	*created = 1;
	return SM_STORE_OK;
}
