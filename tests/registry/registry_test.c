/*
** registry_test.c: black-box tests of the registry (spinemets serve --db,
** the registry API and the registry commands) over real sockets.
**
**   registry_test api BIN URL BOOT_URL
**       the API suite on registry URL (empty or migrated) and the first-start
**       checks on BOOT_URL (an empty registry): command line (db, site, user,
**       export), authentication (tokens, sessions, cookie, idle and absolute
**       expiry, deactivation, one-time passwords), the access matrix (each
**       role x each endpoint), cross-site refusal, no identifiers for
**       researchers, audit rows, SQL injection through every text field,
**       409 conflicts with both versions, 410, validation (422 with JSON
**       pointers), the worklist and the monthly audit report on constructed
**       cases with known times, the de-identified export, OpenAPI coverage.
**   registry_test durability BIN URL [--rounds N]
**       clients save in a loop, the server is killed with SIGKILL mid-run and
**       restarted: every acknowledged save is there (via the API), and
**       `spinemets db check` passes.
**   registry_test race BIN URL [--servers N] [--threads N] [--iters N] [--cases N]
**       N servers over one database, client threads editing the same cases:
**       every failed save is a 409, final version = 1 + successful saves,
**       versions 1..final each exactly once and holding the document of the
**       writer told it won.
**
** Servers listen on 127.0.0.1 free ports only. Prints "FAIL ..." lines and
** ends with "N passed, M failed". Links jansson and the store (to make a token
** that expires in seconds).
*/
#include "harness.h"

#include "store/store.h"
#include "store/store_internal.h"

#include <regex.h>
#include <sodium.h>

static const char *url, *boot_url;

/* ======================================================================
** Documents
** ==================================================================== */
enum { ROUTINE, URGENT, EMERGENCY };

/* a case document; events: the inside of the events array ("" for none) */
static char *mkdoc(int kind, const char *events, int age)
{
	char *s = malloc(4096);
	const char *sym = kind == EMERGENCY ? "\"symptoms\":{\"limb_weakness\":true},"
	                  : kind == URGENT  ? "\"symptoms\":{\"pain_thoracic_or_cervical\":true},"
	                                    : "";
	const char *can = kind == ROUTINE ? "" : "\"cancer\":{\"history\":\"known\",\"primary\":\"breast\"},";
	char agebuf[64] = "";
	if (age > 0)
		snprintf(agebuf, sizeof agebuf, "\"patient\":{\"age_years\":%d,\"sex\":\"female\"},", age);
	snprintf(s, 4096, "{\"schema\":\"spinemets/case/1\",%s%s%s\"events\":[%s]}", agebuf, can, sym, events ? events : "");
	return s;
}

/* POST /cases: returns the status; *id the new case */
static int create(int port, const char *tok, const char *doc, const char *ids, const char *reason, long long *id)
{
	size_t n = strlen(doc) + (ids ? strlen(ids) : 0) + (reason ? strlen(reason) : 0) + 200;
	char *b = malloc(n);
	int o = snprintf(b, n, "{\"document\":%s", doc);
	if (ids)
		o += snprintf(b + o, n - (size_t)o, ",\"identifiers\":%s", ids);
	if (reason) {
		json_t *r = json_string(reason);
		char *rs = json_dumps(r, JSON_ENCODE_ANY);
		o += snprintf(b + o, n - (size_t)o, ",\"reason\":%s", rs);
		free(rs);
		json_decref(r);
	}
	snprintf(b + o, n - (size_t)o, "}");
	resp r;
	int st = api(port, tok, "POST", "/api/v1/cases", b, &r);
	if (id)
		*id = st == 201 ? jint(r.json, "id") : 0;
	if (st != 201)
		printf("create: status %d: %.400s\n", st, r.body ? r.body : "");
	free(b);
	resp_free(&r);
	return st;
}

static int latest_version(int port, const char *tok, long long id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/cases/%lld", id);
	resp r;
	api(port, tok, "GET", path, NULL, &r);
	int v = r.status == 200 ? (int)jint(r.json, "version") : -1;
	resp_free(&r);
	return v;
}

/* PUT a document at `version`; returns the status */
static int put_doc(int port, const char *tok, long long id, int version, const char *doc, const char *ids,
                   const char *reason, resp *out)
{
	json_t *b = json_object();
	json_object_set_new(b, "version", json_integer(version));
	json_object_set_new(b, "document", json_loads(doc, 0, NULL));
	if (ids)
		json_object_set_new(b, "identifiers", json_loads(ids, 0, NULL));
	if (reason)
		json_object_set_new(b, "reason", json_string(reason));
	char *text = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/cases/%lld", id);
	resp r;
	int st = api(port, tok, "PUT", path, text, &r);
	free(text);
	if (out)
		*out = r;
	else
		resp_free(&r);
	return st;
}

/* ======================================================================
** The API suite
** ==================================================================== */
typedef struct who {
	const char *name;
	char token[80];
} who;

enum { W_NONE, W_CLN, W_CON, W_CLS, W_RE, W_AD, NWHO };
static who people[NWHO] = {{"none", ""}, {"cl_n", ""}, {"co_n", ""}, {"cl_s", ""}, {"re", ""}, {"ad", ""}};
static const char *PASS = "a-long-test-password-1";

static const char *MARK_NAME = "Zebediah Quuxworth";
static const char *MARK_HN = "HN-MARK-4471";
static const char *MARK_PHONE = "07700 900461";
static const char *MARK_REASON = "Zebediah rang about his MRI";

static int token_for(const char *user, char out[80])
{
	run r;
	CLI(&r, NULL, "user", "token", user, "--days", "1", "--db", url);
	size_t n = strcspn(r.out, "\n");
	int ok = r.status == 0 && n == 64;
	if (ok) {
		memcpy(out, r.out, 64);
		out[64] = '\0';
	}
	run_free(&r);
	return ok ? 0 : -1;
}

static void test_cli(void)
{
	run r;
	static const char *const cmds[] = {"serve", "db", "site", "user", "export"};
	for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
		CLI(&r, NULL, cmds[k], "--help");
		check(r.status == 0 && strstr(r.out, "usage: spinemets") != NULL, "%s --help: status %d", cmds[k], r.status);
		run_free(&r);
	}
	CLI(&r, NULL, "db");
	check(r.status == 2 && strstr(r.err, "migrate"), "db without a subcommand: usage error (%d)", r.status);
	run_free(&r);
	CLI(&r, NULL, "db", "frobnicate", "--db", url);
	check(r.status == 2, "db frobnicate: usage error (%d)", r.status);
	run_free(&r);
	CLI(&r, NULL, "export", "--db", url);
	check(r.status == 2 && strstr(r.err, "--deidentified"), "export without --deidentified: refused (%d: %s)", r.status, r.err);
	run_free(&r);
	CLI(&r, NULL, "db", "migrate", "--db", url);
	check(r.status == 0 && strstr(r.out, "applied"), "db migrate: %d %s%s", r.status, r.out, r.err);
	run_free(&r);
	CLI(&r, NULL, "db", "migrate", "--db", url);
	check(r.status == 0 && strstr(r.out, "0 migrations applied"), "db migrate again applies nothing: %s", r.out);
	run_free(&r);
	CLI(&r, NULL, "db", "version", "--db", url);
	check(r.status == 0 && strstr(r.out, "schema version"), "db version: %s", r.out);
	run_free(&r);
	CLI(&r, NULL, "site", "add", "north", "North Hospital", "--db", url);
	check(r.status == 0, "site add north: %d %s", r.status, r.err);
	run_free(&r);
	CLI(&r, NULL, "site", "add", "north", "Again", "--db", url);
	check(r.status == 1 && strstr(r.err, "exists"), "site add north again: %d %s", r.status, r.err);
	run_free(&r);
	CLI(&r, NULL, "site", "add", "bad code!", "X", "--db", url);
	check(r.status == 2, "site add with a bad code: usage error (%d)", r.status);
	run_free(&r);
	CLI(&r, NULL, "site", "add", "south", "South Hospital", "--db", url);
	check(r.status == 0, "site add south: %d", r.status);
	run_free(&r);
	CLI(&r, NULL, "site", "add", "inj_cli", "'; DROP TABLE sites; --", "--db", url);
	check(r.status == 0, "site add with an SQL injection name: %d", r.status);
	run_free(&r);
	CLI(&r, NULL, "site", "list", "--db", url);
	check(r.status == 0 && strstr(r.out, "north\tNorth Hospital") && strstr(r.out, "'; DROP TABLE sites; --"),
	      "site list shows the sites verbatim: %s", r.out);
	run_free(&r);
	char pwline[80];
	snprintf(pwline, sizeof pwline, "%s\n", PASS);
	static const char *const users[][3] = {{"cl_n", "clinician", "north"}, {"co_n", "coordinator", "north"},
	                                       {"cl_s", "clinician", "south"}, {"re", "researcher", NULL},
	                                       {"ad", "admin", NULL},          {"victim", "clinician", "north"}};
	for (size_t k = 0; k < sizeof users / sizeof users[0]; k++) {
		if (users[k][2])
			CLI(&r, pwline, "user", "add", users[k][0], "--role", users[k][1], "--site", users[k][2], "--password-stdin", "--db", url);
		else
			CLI(&r, pwline, "user", "add", users[k][0], "--role", users[k][1], "--password-stdin", "--db", url);
		check(r.status == 0 && !strstr(r.out, "one-time"), "user add %s: %d %s", users[k][0], r.status, r.err);
		run_free(&r);
	}
	CLI(&r, NULL, "user", "add", "otp_user", "--role", "clinician", "--site", "north", "--db", url);
	check(r.status == 0 && strstr(r.out, "one-time password: "), "user add without a password prints a one-time password");
	run_free(&r);
	CLI(&r, pwline, "user", "add", "cl_n", "--role", "clinician", "--site", "north", "--password-stdin", "--db", url);
	check(r.status == 1 && strstr(r.err, "in use"), "user add of a taken username: %d %s", r.status, r.err);
	run_free(&r);
	CLI(&r, pwline, "user", "add", "x1", "--role", "wizard", "--site", "north", "--password-stdin", "--db", url);
	check(r.status == 2 && strstr(r.err, "--role"), "user add with an unknown role: %d", r.status);
	run_free(&r);
	CLI(&r, pwline, "user", "add", "x2", "--role", "clinician", "--password-stdin", "--db", url);
	check(r.status == 2 && strstr(r.err, "--site"), "a clinician needs --site: %d", r.status);
	run_free(&r);
	CLI(&r, pwline, "user", "add", "x3", "--role", "clinician", "--site", "nowhere", "--password-stdin", "--db", url);
	check(r.status == 1 && strstr(r.err, "no site"), "user add with an unknown site: %d %s", r.status, r.err);
	run_free(&r);
	CLI(&r, "short\n", "user", "add", "x4", "--role", "researcher", "--password-stdin", "--db", url);
	check(r.status == 1, "user add with a short password: %d", r.status);
	run_free(&r);
	CLI(&r, pwline, "user", "add", "x' OR '1'='1", "--role", "researcher", "--password-stdin", "--db", url);
	check(r.status == 2, "user add with an SQL injection username: refused (%d)", r.status);
	run_free(&r);
	CLI(&r, NULL, "user", "token", "nobody", "--db", url);
	check(r.status == 1, "user token for an unknown user: %d", r.status);
	run_free(&r);
	CLI(&r, NULL, "user", "token", "cl_n", "--days", "0", "--db", url);
	check(r.status == 2, "user token --days 0: usage error (%d)", r.status);
	run_free(&r);
	for (int k = 1; k < NWHO; k++)
		check(token_for(people[k].name, people[k].token) == 0, "user token %s", people[k].name);
	CLI(&r, NULL, "user", "list", "--db", url);
	check(r.status == 0 && strstr(r.out, "otp_user\tclinician\tnorth\tactive\tmust-change"), "user list: %s", r.out);
	run_free(&r);
}

/* ---- authentication ---- */
static int login(int port, const char *user, const char *password, resp *r)
{
	json_t *b = json_object();
	json_object_set_new(b, "username", json_string(user));
	json_object_set_new(b, "password", json_string(password));
	char *t = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	int st = api(port, NULL, "POST", "/api/v1/login", t, r);
	free(t);
	return st;
}

static void test_auth(int port)
{
	resp r;
	static const char *const gets[] = {"/api/v1/cases", "/api/v1/cases/1", "/api/v1/cases/1/versions", "/api/v1/worklist",
	                                   "/api/v1/audit/report?month=2025-03", "/api/v1/audit/log", "/api/v1/users",
	                                   "/api/v1/sites", "/api/v1/me"};
	for (size_t k = 0; k < sizeof gets / sizeof gets[0]; k++) {
		char wa[128] = "";
		int st = api(port, NULL, "GET", gets[k], NULL, &r);
		header(&r, "WWW-Authenticate", wa, sizeof wa);
		check(st == 401 && error_shape(&r) && strstr(wa, "Bearer"), "GET %s without credentials: %d (WWW-Authenticate '%s')",
		      gets[k], st, wa);
		resp_free(&r);
	}
	static const char *const bad[] = {"Authorization: Bearer xyz\r\n", "Authorization: Basic YWQ6cGFzcw==\r\n",
	                                  "Authorization: Bearer 0000000000000000000000000000000000000000000000000000000000000000\r\n",
	                                  "Cookie: spinemets_session=abc\r\n",
	                                  "Cookie: spinemets_session=1111111111111111111111111111111111111111111111111111111111111111\r\n"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		int st = http(port, "GET", "/api/v1/me", bad[k], NULL, NULL, &r);
		check(st == 401 && error_shape(&r), "bad credentials %zu: %d", k, st);
		resp_free(&r);
	}
	/* login */
	int st = login(port, "cl_n", PASS, &r);
	char cookie[256] = "";
	header(&r, "Set-Cookie", cookie, sizeof cookie);
	check(st == 200 && strlen(jstr(r.json, "token")) == 64 && json_is_false(jget(r.json, "password_change_required")) &&
	          strcmp(jstr(r.json, "user.role"), "clinician") == 0 && strcmp(jstr(r.json, "user.site"), "north") == 0,
	      "login cl_n: %d %.300s", st, r.body ? r.body : "");
	check(strstr(cookie, "spinemets_session=") == cookie && strstr(cookie, "HttpOnly") && strstr(cookie, "SameSite=Strict") &&
	          strstr(cookie, "Path=/"),
	      "login sets the session cookie HttpOnly, SameSite=Strict, Path=/: '%s'", cookie);
	char session[80];
	snprintf(session, sizeof session, "%s", jstr(r.json, "token"));
	check(strstr(cookie, session) != NULL, "the cookie holds the session token");
	resp_free(&r);
	char ch[200];
	snprintf(ch, sizeof ch, "Cookie: theme=dark; spinemets_session=%s; other=1\r\n", session);
	st = http(port, "GET", "/api/v1/me", ch, NULL, NULL, &r);
	check(st == 200 && strcmp(jstr(r.json, "user.username"), "cl_n") == 0 && strcmp(jstr(r.json, "token.kind"), "session") == 0,
	      "the cookie authenticates: %d", st);
	resp_free(&r);
	st = api(port, session, "GET", "/api/v1/me", NULL, &r);
	check(st == 200, "the session token authenticates as a Bearer token: %d", st);
	resp_free(&r);
	st = http(port, "POST", "/api/v1/logout", ch, NULL, NULL, &r);
	header(&r, "Set-Cookie", cookie, sizeof cookie);
	check(st == 200 && strstr(cookie, "Max-Age=0"), "logout clears the cookie: %d '%s'", st, cookie);
	resp_free(&r);
	st = http(port, "GET", "/api/v1/me", ch, NULL, NULL, &r);
	check(st == 401, "after logout the session is gone: %d", st);
	resp_free(&r);
	/* failures alike */
	st = login(port, "cl_n", "wrong-password-123", &r);
	char m1[200];
	snprintf(m1, sizeof m1, "%s", jstr(r.json, "error.message"));
	check(st == 401 && error_shape(&r), "login with a wrong password: %d", st);
	resp_free(&r);
	st = login(port, "nobody-here", PASS, &r);
	check(st == 401 && strcmp(m1, jstr(r.json, "error.message")) == 0, "login of an unknown user: %d, same message", st);
	resp_free(&r);
	st = api(port, NULL, "POST", "/api/v1/login", "{\"username\": \"cl_n\",", &r);
	check(st == 400 && error_shape(&r), "login with malformed JSON: %d", st);
	resp_free(&r);
	st = http(port, "POST", "/api/v1/login", NULL, "text/plain", "username=cl_n", &r);
	check(st == 415 && error_shape(&r), "login with a form body: %d", st);
	resp_free(&r);
	st = api(port, NULL, "POST", "/api/v1/login", "{\"username\": \"cl_n\"}", &r);
	check(st == 422 && strcmp(jstr(r.json, "errors.0.path"), "/password") == 0, "login without a password: %d", st);
	resp_free(&r);
	st = api(port, NULL, "GET", "/api/v1/login", NULL, &r);
	char allow[64] = "";
	header(&r, "Allow", allow, sizeof allow);
	check(st == 405 && strcmp(allow, "POST") == 0, "GET /login: 405 Allow %s", allow);
	resp_free(&r);
	st = api(port, people[W_CLN].token, "PATCH", "/api/v1/cases", "{}", &r);
	header(&r, "Allow", allow, sizeof allow);
	check(st == 405 && strstr(allow, "POST"), "PATCH /cases: 405 Allow %s", allow);
	resp_free(&r);

	/* a one-time password: only POST /password until changed */
	run cr;
	CLI(&cr, NULL, "user", "add", "otp2", "--role", "coordinator", "--site", "north", "--db", url);
	char otp[64] = "";
	const char *p = strstr(cr.out, "one-time password: ");
	if (p)
		sscanf(p + strlen("one-time password: "), "%63s", otp);
	run_free(&cr);
	st = login(port, "otp2", otp, &r);
	check(st == 200 && json_is_true(jget(r.json, "password_change_required")), "login with a one-time password: %d", st);
	char tok[80];
	snprintf(tok, sizeof tok, "%s", jstr(r.json, "token"));
	resp_free(&r);
	static const char *const blocked[] = {"/api/v1/me", "/api/v1/cases", "/api/v1/worklist", "/api/v1/sites"};
	for (size_t k = 0; k < sizeof blocked / sizeof blocked[0]; k++) {
		st = api(port, tok, "GET", blocked[k], NULL, &r);
		check(st == 403 && strcmp(jstr(r.json, "error.code"), "password_change_required") == 0,
		      "GET %s before the password change: %d %s", blocked[k], st, jstr(r.json, "error.code"));
		resp_free(&r);
	}
	st = api(port, tok, "POST", "/api/v1/password", "{\"current_password\":\"nope\",\"new_password\":\"a-new-password-1\"}", &r);
	check(st == 422 && strcmp(jstr(r.json, "errors.0.path"), "/current_password") == 0, "password change with a wrong current: %d", st);
	resp_free(&r);
	char body[300];
	snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"new_password\":\"short\"}", otp);
	st = api(port, tok, "POST", "/api/v1/password", body, &r);
	check(st == 422 && strcmp(jstr(r.json, "errors.0.path"), "/new_password") == 0, "a too short new password: %d", st);
	resp_free(&r);
	snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"new_password\":\"kettle-staple-mango-7\"}", otp);
	st = api(port, tok, "POST", "/api/v1/password", body, &r);
	check(st == 200 && json_is_false(jget(r.json, "user.password_change_required")), "password changed: %d", st);
	resp_free(&r);
	st = api(port, tok, "GET", "/api/v1/me", NULL, &r);
	check(st == 200, "after the change the session works: %d", st);
	resp_free(&r);
	st = login(port, "otp2", otp, &r);
	check(st == 401, "the one-time password no longer works: %d", st);
	resp_free(&r);
	st = login(port, "otp2", "kettle-staple-mango-7", &r);
	check(st == 200 && json_is_false(jget(r.json, "password_change_required")), "login with the new password: %d", st);
	resp_free(&r);
}

/* ---- the access matrix ---- */
static long long C1; /* a north case with identifiers markers */

enum {
	E_LIST, E_CREATE, E_GET, E_PUT, E_DELETE, E_VERSIONS, E_EVENTS, E_WORKLIST, E_REPORT, E_REPORT_NORTH,
	E_USERS, E_USER_ADD, E_DEACTIVATE, E_ACTIVATE, E_RESET, E_SITES, E_SITE_ADD, E_AUDIT_LOG, E_ME,
	E_LIST_SOUTH, E_WORKLIST_SOUTH, E_GET_V1, E_PASSWORD, E_LOGOUT, E_SEARCH, E_USER, NEP
};
static const struct {
	const char *name;
	int expect[NWHO]; /* none, cl_n, co_n, cl_s, re, ad */
} matrix[NEP] = {
	[E_LIST] = {"GET /cases", {401, 200, 200, 200, 200, 403}},
	[E_CREATE] = {"POST /cases", {401, 201, 201, 201, 403, 403}},
	[E_GET] = {"GET /cases/{north}", {401, 200, 200, 404, 200, 403}},
	[E_PUT] = {"PUT /cases/{north}", {401, 200, 200, 404, 403, 403}},
	[E_DELETE] = {"DELETE /cases/{north}", {401, 200, 200, 404, 403, 403}},
	[E_VERSIONS] = {"GET /cases/{north}/versions", {401, 200, 200, 404, 200, 403}},
	[E_EVENTS] = {"POST /cases/{north}/events", {401, 201, 201, 404, 403, 403}},
	[E_WORKLIST] = {"GET /worklist", {401, 200, 200, 200, 403, 403}},
	[E_REPORT] = {"GET /audit/report?month=", {401, 200, 200, 200, 200, 200}},
	[E_REPORT_NORTH] = {"GET /audit/report?site=north", {401, 200, 200, 403, 200, 200}},
	[E_USERS] = {"GET /users", {401, 403, 403, 403, 403, 200}},
	[E_USER_ADD] = {"POST /users", {401, 403, 403, 403, 403, 201}},
	[E_DEACTIVATE] = {"POST /users/victim/deactivate", {401, 403, 403, 403, 403, 200}},
	[E_ACTIVATE] = {"POST /users/victim/activate", {401, 403, 403, 403, 403, 200}},
	[E_RESET] = {"POST /users/victim/password", {401, 403, 403, 403, 403, 200}},
	[E_SITES] = {"GET /sites", {401, 200, 200, 200, 200, 200}},
	[E_SITE_ADD] = {"POST /sites", {401, 403, 403, 403, 403, 201}},
	[E_AUDIT_LOG] = {"GET /audit/log", {401, 403, 403, 403, 403, 200}},
	[E_ME] = {"GET /me", {401, 200, 200, 200, 200, 200}},
	[E_LIST_SOUTH] = {"GET /cases?site=south", {401, 403, 403, 200, 200, 403}},
	[E_WORKLIST_SOUTH] = {"GET /worklist?site=south", {401, 403, 403, 200, 403, 403}},
	[E_GET_V1] = {"GET /cases/{north}?version=1", {401, 200, 200, 404, 200, 403}},
	[E_PASSWORD] = {"POST /password (wrong current)", {401, 422, 422, 422, 422, 422}},
	[E_LOGOUT] = {"POST /logout (own session)", {401, 200, 200, 200, 200, 200}},
	[E_SEARCH] = {"GET /cases?q=", {401, 200, 200, 200, 403, 403}},
	[E_USER] = {"GET /users/victim", {401, 403, 403, 403, 403, 200}},
};

static int jeq_str(json_t *j, const char *path, const char *want)
{
	return strcmp(jstr(j, path), want) == 0;
}

/* The case key a researcher names a case by: keyed BLAKE2b-128 of
** "spinemets-case:ID" under the registry secret "case_key" (an oracle written
** from the API's description, not the server's code). */
static sm_store *open_store(void);
static void case_key_of(long long id, char out[33])
{
	static char secret[SM_STORE_TOKEN_SIZE];
	out[0] = '\0';
	if (!secret[0]) {
		sm_store *st = open_store();
		if (!st || sm_store_secret(st, "case_key", (int64_t)time(NULL), secret) != SM_STORE_OK)
			secret[0] = '\0';
		sm_store_close(st);
	}
	unsigned char key[32], h[16];
	size_t kl = 0;
	if (sodium_hex2bin(key, sizeof key, secret, 64, NULL, &kl, NULL) != 0 || kl != 32)
		return;
	char msg[40];
	int n = snprintf(msg, sizeof msg, "spinemets-case:%lld", id);
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n, key, sizeof key);
	sodium_bin2hex(out, 33, h, sizeof h);
}

/* For the researcher: /api/v1/cases/ID... -> /api/v1/cases/KEY... */
static void researcher_path(char *path, size_t size)
{
	const char *pre = "/api/v1/cases/";
	char *p = strstr(path, pre);
	if (!p)
		return;
	char *d = p + strlen(pre);
	size_t nd = strspn(d, "0123456789");
	if (!nd)
		return;
	char key[33], rest[256];
	case_key_of(strtoll(d, NULL, 10), key);
	snprintf(rest, sizeof rest, "%s", d + nd);
	snprintf(d, size - (size_t)(d - path), "%s%s", key, rest);
}

static char researcher_bodies[1 << 20];
static size_t researcher_len;

static void keep_researcher(const resp *r)
{
	if (r->body && researcher_len + r->len + 2 < sizeof researcher_bodies) {
		memcpy(researcher_bodies + researcher_len, r->body, r->len);
		researcher_len += r->len;
		researcher_bodies[researcher_len++] = '\n';
		researcher_bodies[researcher_len] = '\0';
	}
}

static void test_matrix(int port)
{
	char *doc = mkdoc(ROUTINE, "", 61);
	char ids[300];
	snprintf(ids, sizeof ids, "{\"name\":\"%s\",\"hospital_number\":\"%s\",\"phone\":\"%s\"}", MARK_NAME, MARK_HN, MARK_PHONE);
	check(create(port, people[W_CLN].token, doc, ids, MARK_REASON, &C1) == 201, "create the matrix case");
	int unique = 0;
	for (int e = 0; e < NEP; e++) {
		for (int w = 0; w < NWHO; w++) {
			const char *tok = people[w].token;
			char path[256], body[1024];
			const char *method = "GET";
			const char *b = NULL;
			long long target = C1;
			char session[80] = "";
			switch (e) {
			case E_LIST: snprintf(path, sizeof path, "/api/v1/cases"); break;
			case E_CREATE:
				method = "POST";
				snprintf(path, sizeof path, "/api/v1/cases");
				snprintf(body, sizeof body, "{\"document\":%s,\"identifiers\":{\"name\":\"Matrix %d\"}}", doc, w);
				b = body;
				break;
			case E_GET: snprintf(path, sizeof path, "/api/v1/cases/%lld", C1); break;
			case E_GET_V1: snprintf(path, sizeof path, "/api/v1/cases/%lld?version=1", C1); break;
			case E_PUT:
				method = "PUT";
				snprintf(path, sizeof path, "/api/v1/cases/%lld", C1);
				snprintf(body, sizeof body, "{\"version\":%d,\"document\":%s,\"reason\":\"matrix %d\"}",
				         latest_version(port, people[W_CLN].token, C1), doc, w);
				b = body;
				break;
			case E_DELETE:
				create(port, people[W_CLN].token, doc, NULL, NULL, &target);
				method = "DELETE";
				snprintf(path, sizeof path, "/api/v1/cases/%lld", target);
				snprintf(body, sizeof body, "{\"version\":1,\"reason\":\"matrix delete %d\"}", w);
				b = body;
				break;
			case E_VERSIONS: snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", C1); break;
			case E_EVENTS:
				method = "POST";
				snprintf(path, sizeof path, "/api/v1/cases/%lld/events", C1);
				b = "{\"event\":{\"type\":\"follow_up\",\"at\":\"2024-06-01T09:00:00Z\"}}";
				break;
			case E_WORKLIST: snprintf(path, sizeof path, "/api/v1/worklist"); break;
			case E_WORKLIST_SOUTH: snprintf(path, sizeof path, "/api/v1/worklist?site=south"); break;
			case E_REPORT: snprintf(path, sizeof path, "/api/v1/audit/report?month=2025-03"); break;
			case E_REPORT_NORTH: snprintf(path, sizeof path, "/api/v1/audit/report?month=2025-03&site=north"); break;
			case E_USERS: snprintf(path, sizeof path, "/api/v1/users"); break;
			case E_USER_ADD:
				method = "POST";
				snprintf(path, sizeof path, "/api/v1/users");
				snprintf(body, sizeof body, "{\"username\":\"matrix%d\",\"role\":\"researcher\"}", unique++);
				b = body;
				break;
			case E_DEACTIVATE: method = "POST"; snprintf(path, sizeof path, "/api/v1/users/victim/deactivate"); break;
			case E_ACTIVATE: method = "POST"; snprintf(path, sizeof path, "/api/v1/users/victim/activate"); break;
			case E_RESET: method = "POST"; snprintf(path, sizeof path, "/api/v1/users/victim/password"); break;
			case E_SITES: snprintf(path, sizeof path, "/api/v1/sites"); break;
			case E_SITE_ADD:
				method = "POST";
				snprintf(path, sizeof path, "/api/v1/sites");
				snprintf(body, sizeof body, "{\"code\":\"msite%d\",\"name\":\"Matrix site\"}", unique++);
				b = body;
				break;
			case E_AUDIT_LOG: snprintf(path, sizeof path, "/api/v1/audit/log"); break;
			case E_ME: snprintf(path, sizeof path, "/api/v1/me"); break;
			case E_LIST_SOUTH: snprintf(path, sizeof path, "/api/v1/cases?site=south"); break;
			case E_SEARCH: snprintf(path, sizeof path, "/api/v1/cases?q=Zebediah"); break;
			case E_USER: snprintf(path, sizeof path, "/api/v1/users/victim"); break;
			case E_PASSWORD:
				method = "POST";
				snprintf(path, sizeof path, "/api/v1/password");
				b = "{\"current_password\":\"not-my-password\",\"new_password\":\"whatever-long-1\"}";
				break;
			case E_LOGOUT:
				method = "POST";
				snprintf(path, sizeof path, "/api/v1/logout");
				if (w != W_NONE) {
					resp l;
					login(port, people[w].name, PASS, &l);
					snprintf(session, sizeof session, "%s", jstr(l.json, "token"));
					resp_free(&l);
					tok = session;
				}
				break;
			}
			resp r;
			if (w == W_RE)
				researcher_path(path, sizeof path); /* researchers name cases by key */
			int st = api(port, tok, method, path, b, &r);
			int want = matrix[e].expect[w];
			check(st == want, "%s as %s: %d, want %d: %.200s", matrix[e].name, people[w].name, st, want,
			      r.body ? r.body : "");
			if (st >= 400)
				check(error_shape(&r), "%s as %s: error shape", matrix[e].name, people[w].name);
			if (w == W_RE)
				keep_researcher(&r);
			if (e == E_LOGOUT && w != W_NONE) {
				resp again;
				api(port, tok, "GET", "/api/v1/me", NULL, &again);
				check(again.status == 401, "after logout %s's session is refused: %d", people[w].name, again.status);
				resp_free(&again);
			}
			resp_free(&r);
		}
	}
	/* the victim was reset: a one-time password; the old token was revoked */
	resp r;
	/* cross-site: cl_s's list holds no north case; the worklist neither */
	api(port, people[W_CLS].token, "GET", "/api/v1/cases?limit=200", NULL, &r);
	int leak = r.body && strstr(r.body, MARK_NAME);
	size_t i;
	json_t *row;
	json_array_foreach(jget(r.json, "cases"), i, row) leak |= strcmp(jstr(row, "site"), "south") != 0;
	check(r.status == 200 && !leak, "a south clinician's list holds only south cases");
	resp_free(&r);
	/* researcher views: every GET on the case, list, versions, report */
	const char *gets[] = {"/api/v1/cases?limit=200", "/api/v1/cases?site=north", "/api/v1/audit/report?month=2025-03"};
	for (size_t k = 0; k < 3; k++) {
		api(port, people[W_RE].token, "GET", gets[k], NULL, &r);
		check(r.status == 200, "researcher GET %s: %d", gets[k], r.status);
		keep_researcher(&r);
		resp_free(&r);
	}
	free(doc);
}

static void test_researcher_sees_no_identifiers(int port)
{
	resp r;
	char path[128];
	/* no registry id for researchers: a numeric id answers 404, the case key works */
	snprintf(path, sizeof path, "/api/v1/cases/%lld", C1);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	check(r.status == 404, "a researcher naming a case by its registry id: 404 (%d)", r.status);
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", C1);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	check(r.status == 404, "a researcher naming versions by a registry id: 404 (%d)", r.status);
	resp_free(&r);
	api(port, people[W_RE].token, "GET", "/api/v1/cases?limit=200", NULL, &r);
	{
		size_t i;
		json_t *e;
		int ints = 0, n = 0;
		json_array_foreach(jget(r.json, "cases"), i, e) {
			n++;
			ints += json_is_integer(json_object_get(e, "id")) ||
			        !jeq_str(e, "id", jstr(e, "case_key")) || strlen(jstr(e, "case_key")) != 32;
		}
		check(r.status == 200 && n > 0 && ints == 0, "the researcher's list names cases by key only (%d of %d not)", ints, n);
	}
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%lld", C1);
	researcher_path(path, sizeof path);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	check(r.status == 200 && json_is_string(jget(r.json, "id")) && jeq_str(r.json, "id", jstr(r.json, "case_key")),
	      "the researcher's view carries the key as its id, no registry id: %.200s", r.body ? r.body : "");
	resp_free(&r);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	check(r.status == 200 && strlen(jstr(r.json, "case_key")) == 32 && !jget(r.json, "identifiers") &&
	          !jget(r.json, "saved_by") && !jget(r.json, "reason") && !jget(r.json, "saved_at") &&
	          strcmp(jstr(r.json, "document.schema"), "spinemets/case-deidentified/1") == 0 &&
	          json_is_number(jget(r.json, "document.events.0.hours_from_presentation")) &&
	          !jget(r.json, "document.events.0.at") && json_is_object(jget(r.json, "assessment")) &&
	          json_is_object(jget(r.json, "definitions")),
	      "the researcher's view of a case is de-identified: %.400s", r.body ? r.body : "");
	keep_researcher(&r);
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", C1);
	researcher_path(path, sizeof path);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	check(r.status == 200 && json_array_size(jget(r.json, "versions")) >= 2 && !jget(r.json, "versions.0.saved_by") &&
	          !jget(r.json, "versions.0.reason"),
	      "the researcher's versions list names no author and no reason");
	keep_researcher(&r);
	resp_free(&r);
	const char *markers[] = {MARK_NAME, "Zebediah", MARK_HN, MARK_PHONE, "900461", "cl_n", "co_n", "Matrix 1",
	                         "2024-06-01", "hospital_number", "\"phone\""};
	for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++)
		check(strstr(researcher_bodies, markers[k]) == NULL, "no researcher response holds '%s'", markers[k]);
	regex_t re;
	regcomp(&re, "[0-9]{4}-[0-9]{2}-[0-9]{2}T", REG_EXTENDED | REG_NOSUB);
	/* report bodies carry from/to/generated_at; case bodies carry no date at all */
	char *copy = strdup(researcher_bodies);
	int dated = 0;
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		if (!strstr(line, "\"month\"") && !strstr(line, "\"user\"") && regexec(&re, line, 0, NULL, 0) == 0) {
			dated = 1;
			printf("dated researcher body: %.300s\n", line);
		}
	check(!dated, "no researcher case, list or versions body holds a date-time");
	free(copy);
	regfree(&re);
	/* a clinician of the site sees them all */
	snprintf(path, sizeof path, "/api/v1/cases/%lld", C1);
	api(port, people[W_CLN].token, "GET", path, NULL, &r);
	check(r.status == 200 && strcmp(jstr(r.json, "identifiers.name"), MARK_NAME) == 0 &&
	          strcmp(jstr(r.json, "identifiers.phone"), MARK_PHONE) == 0 && json_is_string(jget(r.json, "saved_by")) &&
	          strcmp(jstr(r.json, "engine_version"), "") != 0 && json_is_string(jget(r.json, "definitions.sins")),
	      "the clinician's view has the identifiers, author, engine and definitions: %.300s", r.body ? r.body : "");
	resp_free(&r);
}

/* ---- audit rows ---- */
static long long audit_tail(int port)
{
	long long after = 0;
	for (int k = 0; k < 100; k++) {
		char p[96];
		snprintf(p, sizeof p, "/api/v1/audit/log?after=%lld&limit=1000", after);
		resp r;
		api(port, people[W_AD].token, "GET", p, NULL, &r);
		long long next = jint(r.json, "next_after");
		size_t n = json_array_size(jget(r.json, "entries"));
		resp_free(&r);
		if (next <= after || n == 0)
			break;
		after = next;
	}
	return after;
}

/* an entry after `after` with this action, user and case (0: any case) */
static int audited(int port, long long after, const char *action, const char *user, long long case_id)
{
	char p[160];
	snprintf(p, sizeof p, "/api/v1/audit/log?after=%lld&limit=1000&user=%s", after, user);
	resp r;
	api(port, people[W_AD].token, "GET", p, NULL, &r);
	int found = 0;
	size_t i;
	json_t *e;
	json_array_foreach(jget(r.json, "entries"), i, e) if (strcmp(jstr(e, "action"), action) == 0 &&
	                                                      (!case_id || jint(e, "case_id") == case_id)) found = 1;
	resp_free(&r);
	return found;
}

static void test_audit_rows(int port)
{
	const char *tok = people[W_CLN].token;
	resp r;
	char path[128];
	long long t;
	char *doc = mkdoc(URGENT, "", 50);
	long long id = 0;

	t = audit_tail(port);
	create(port, tok, doc, "{\"name\":\"Audit Case\"}", NULL, &id);
	check(audited(port, t, "case.create", "cl_n", id), "POST /cases writes case.create");

	t = audit_tail(port);
	snprintf(path, sizeof path, "/api/v1/cases/%lld", id);
	api(port, tok, "GET", path, NULL, &r);
	resp_free(&r);
	check(audited(port, t, "case.read", "cl_n", id), "GET /cases/{id} writes case.read");

	t = audit_tail(port);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	resp_free(&r);
	check(!audited(port, t, "case.read", "re", id), "a de-identified read is not an identifiable read");

	t = audit_tail(port);
	put_doc(port, tok, id, 1, doc, NULL, "audit update", NULL);
	check(audited(port, t, "case.update", "cl_n", id), "PUT writes case.update");

	t = audit_tail(port);
	api(port, tok, "POST", "/api/v1/cases/0/events", "{}", &r);
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%lld/events", id);
	api(port, tok, "POST", path, "{\"events\":[{\"type\":\"referral\",\"at\":\"2024-01-01\"}]}", &r);
	check(r.status == 201, "add events: %d %.200s", r.status, r.body ? r.body : "");
	resp_free(&r);
	check(audited(port, t, "case.update", "cl_n", id), "POST events writes case.update");

	t = audit_tail(port);
	api(port, tok, "GET", "/api/v1/cases?q=Audit", NULL, &r);
	check(r.status == 200 && jint(r.json, "total") == 1, "search finds the case: %lld", jint(r.json, "total"));
	resp_free(&r);
	check(audited(port, t, "case.search", "cl_n", 0), "GET /cases writes case.search");

	t = audit_tail(port);
	api(port, tok, "GET", "/api/v1/worklist", NULL, &r);
	resp_free(&r);
	check(audited(port, t, "case.list", "cl_n", 0), "GET /worklist writes case.list");

	t = audit_tail(port);
	snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", id);
	api(port, tok, "GET", path, NULL, &r);
	resp_free(&r);
	check(audited(port, t, "case.versions", "cl_n", id), "GET versions writes case.versions");

	t = audit_tail(port);
	snprintf(path, sizeof path, "/api/v1/cases/%lld", id);
	api(port, tok, "DELETE", path, "{\"version\":3,\"reason\":\"audit delete\"}", &r);
	check(r.status == 200, "delete: %d %.200s", r.status, r.body ? r.body : "");
	resp_free(&r);
	check(audited(port, t, "case.delete", "cl_n", id), "DELETE writes case.delete");

	t = audit_tail(port);
	login(port, "co_n", PASS, &r);
	resp_free(&r);
	login(port, "co_n", "wrong-password-xx", &r);
	resp_free(&r);
	check(audited(port, t, "user.login", "co_n", 0), "login writes user.login");
	free(doc);
}

/* ---- SQL injection ---- */
static const char *const INJ[] = {
	"'; DROP TABLE cases; --",
	"\" OR \"1\"=\"1",
	"x' OR '1'='1",
	"%' OR 1=1 --",
	"Robert'); DELETE FROM audit_log; --",
	"1; UPDATE users SET role='admin' --",
	"\\'; SELECT pg_sleep(3); --",
	"_%_",
};
#define NINJ (sizeof INJ / sizeof INJ[0])

static void counts(int port, long long *cases, long long *users, long long *sites, long long *audit)
{
	resp r;
	api(port, people[W_CLN].token, "GET", "/api/v1/cases?deleted=true&limit=1", NULL, &r);
	*cases = jint(r.json, "total");
	resp_free(&r);
	api(port, people[W_AD].token, "GET", "/api/v1/users", NULL, &r);
	*users = (long long)json_array_size(jget(r.json, "users"));
	resp_free(&r);
	api(port, people[W_AD].token, "GET", "/api/v1/sites", NULL, &r);
	*sites = (long long)json_array_size(jget(r.json, "sites"));
	resp_free(&r);
	*audit = audit_tail(port);
}


static void test_injection(int port)
{
	const char *tok = people[W_CLN].token;
	long long c0, u0, s0, a0, c1, u1, s1, a1;
	counts(port, &c0, &u0, &s0, &a0);
	char *doc = mkdoc(ROUTINE, "", 0);
	long long ids[NINJ];
	resp r;
	for (size_t k = 0; k < NINJ; k++) {
		json_t *idj = json_object();
		json_object_set_new(idj, "name", json_string(INJ[k]));
		json_object_set_new(idj, "hospital_number", json_string(INJ[(k + 1) % NINJ]));
		json_object_set_new(idj, "phone", json_string(INJ[(k + 2) % NINJ]));
		char *it = json_dumps(idj, JSON_COMPACT);
		json_decref(idj);
		check(create(port, tok, doc, it, INJ[k], &ids[k]) == 201, "create with injection identifiers %zu", k);
		free(it);
		/* read back verbatim */
		char path[64];
		snprintf(path, sizeof path, "/api/v1/cases/%lld", ids[k]);
		api(port, tok, "GET", path, NULL, &r);
		check(jeq_str(r.json, "identifiers.name", INJ[k]) && jeq_str(r.json, "identifiers.hospital_number", INJ[(k + 1) % NINJ]) &&
		          jeq_str(r.json, "identifiers.phone", INJ[(k + 2) % NINJ]) && jeq_str(r.json, "reason", INJ[k]),
		      "injection %zu stored and read back verbatim", k);
		resp_free(&r);
		/* a reason on update and on delete */
		check(put_doc(port, tok, ids[k], 1, doc, NULL, INJ[(k + 3) % NINJ], NULL) == 200, "update with an injection reason %zu", k);
	}
	/* search: exactly the cases whose name or hospital number holds the text literally */
	for (size_t k = 0; k < NINJ; k++) {
		char *q = malloc(3 * strlen(INJ[k]) + 64);
		size_t o = (size_t)sprintf(q, "/api/v1/cases?limit=200&q=");
		for (const unsigned char *p = (const unsigned char *)INJ[k]; *p; p++)
			o += (size_t)sprintf(q + o, isalnum(*p) ? "%c" : "%%%02X", *p);
		api(port, tok, "GET", q, NULL, &r);
		long long want = 0;
		for (size_t j = 0; j < NINJ; j++)
			want += strcasestr(INJ[j], INJ[k]) != NULL || strcasestr(INJ[(j + 1) % NINJ], INJ[k]) != NULL;
		check(r.status == 200 && jint(r.json, "total") == want, "search q='%s': %lld cases, want %lld", INJ[k],
		      jint(r.json, "total"), want);
		resp_free(&r);
		free(q);
	}
	/* deletion reason */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/cases/%lld", ids[0]);
	json_t *db = json_object();
	json_object_set_new(db, "version", json_integer(2));
	json_object_set_new(db, "reason", json_string(INJ[4]));
	char *dt = json_dumps(db, JSON_COMPACT);
	json_decref(db);
	api(port, tok, "DELETE", path, dt, &r);
	check(r.status == 200 && jeq_str(r.json, "reason", INJ[4]), "delete with an injection reason: %d", r.status);
	resp_free(&r);
	free(dt);
	/* usernames: login, user add (one valid-looking, one refused), site names and codes */
	for (size_t k = 0; k < NINJ; k++) {
		login(port, INJ[k], INJ[k], &r);
		check(r.status == 401, "login as '%s': %d", INJ[k], r.status);
		resp_free(&r);
		json_t *b = json_object();
		json_object_set_new(b, "username", json_string(INJ[k]));
		json_object_set_new(b, "role", json_string("researcher"));
		char *bt = json_dumps(b, JSON_COMPACT);
		json_decref(b);
		api(port, people[W_AD].token, "POST", "/api/v1/users", bt, &r);
		check(r.status == 422 && jeq_str(r.json, "errors.0.path", "/username"), "user add '%s': refused (%d)", INJ[k], r.status);
		resp_free(&r);
		free(bt);
		b = json_object();
		json_object_set_new(b, "code", json_string(INJ[k]));
		json_object_set_new(b, "name", json_string(INJ[k]));
		bt = json_dumps(b, JSON_COMPACT);
		json_decref(b);
		api(port, people[W_AD].token, "POST", "/api/v1/sites", bt, &r);
		check(r.status == 422 && jeq_str(r.json, "errors.0.path", "/code"), "site code '%s': refused (%d)", INJ[k], r.status);
		resp_free(&r);
		free(bt);
	}
	api(port, people[W_AD].token, "POST", "/api/v1/users",
	    "{\"username\":\"o'brien--x\",\"role\":\"clinician\",\"site\":\"north\",\"display_name\":\"'; DROP TABLE users; --\"}", &r);
	check(r.status == 201 && jeq_str(r.json, "user.username", "o'brien--x") &&
	          jeq_str(r.json, "user.display_name", "'; DROP TABLE users; --") &&
	          strlen(jstr(r.json, "one_time_password")) == 20,
	      "user add with quotes in the username and display name: %d %.200s", r.status, r.body ? r.body : "");
	resp_free(&r);
	api(port, people[W_AD].token, "POST", "/api/v1/sites", "{\"code\":\"inj_api\",\"name\":\"x'); DELETE FROM sites; --\"}", &r);
	check(r.status == 201, "site add with an injection name: %d", r.status);
	resp_free(&r);
	api(port, people[W_AD].token, "GET", "/api/v1/sites", NULL, &r);
	check(r.body && strstr(r.body, "x'); DELETE FROM sites; --") && strstr(r.body, "'; DROP TABLE sites; --"),
	      "the injection site names are there verbatim");
	resp_free(&r);
	/* query parameters of other routes */
	api(port, people[W_AD].token, "GET", "/api/v1/audit/log?user=x%27%20OR%20%271%27%3D%271", NULL, &r);
	check(r.status == 404, "audit log for an injection username: %d", r.status);
	resp_free(&r);
	api(port, people[W_RE].token, "GET", "/api/v1/audit/report?month=2025-03&site=x%27%20OR%20%271%27%3D%271", NULL, &r);
	check(r.status == 404, "report for an injection site: %d", r.status);
	resp_free(&r);
	api(port, people[W_RE].token, "GET", "/api/v1/audit/report?month=2025-03%27%20OR%201%3D1", NULL, &r);
	check(r.status == 400, "report for an injection month: %d", r.status);
	resp_free(&r);
	/* nothing else changed */
	counts(port, &c1, &u1, &s1, &a1);
	check(c1 == c0 + (long long)NINJ, "cases: %lld before, %lld after (want +%zu)", c0, c1, NINJ);
	check(u1 == u0 + 1, "users: %lld before, %lld after (want +1)", u0, u1);
	check(s1 == s0 + 1, "sites: %lld before, %lld after (want +1)", s0, s1);
	check(a1 > a0, "the audit log grew (%lld -> %lld)", a0, a1);
	api(port, people[W_CLN].token, "GET", "/api/v1/me", NULL, &r);
	check(jeq_str(r.json, "user.role", "clinician"), "cl_n is still a clinician");
	resp_free(&r);
	free(doc);
}

/* ---- conflicts, gone, validation ---- */
static void test_conflicts(int port)
{
	const char *tok = people[W_CLN].token;
	char *doc = mkdoc(URGENT, "", 44), *doc2 = mkdoc(EMERGENCY, "", 45);
	long long id;
	create(port, tok, doc, "{\"name\":\"Conflict Case\",\"hospital_number\":\"CC-1\"}", NULL, &id);
	resp r;
	check(put_doc(port, tok, id, 1, doc2, NULL, "first edit", &r) == 200 && jint(r.json, "version") == 2 &&
	          jeq_str(r.json, "assessment.triage.urgency", "emergency") && jeq_str(r.json, "engine_version", jstr(r.json, "assessment.engine_version")),
	      "a save at the current version: 200, version 2, re-assessed");
	resp_free(&r);
	int st = put_doc(port, people[W_CON].token, id, 1, doc, "{\"name\":\"Stale Name\"}", "stale edit", &r);
	check(st == 409 && error_shape(&r) && jint(r.json, "yours.version") == 1 && json_is_object(jget(r.json, "yours.document")) &&
	          jeq_str(r.json, "yours.identifiers.name", "Stale Name") && jint(r.json, "current.version") == 2 &&
	          jeq_str(r.json, "current.identifiers.name", "Conflict Case") &&
	          json_is_true(jget(r.json, "current.document.symptoms.limb_weakness")),
	      "a stale save: 409 with yours (version 1) and current (version 2): %d %.300s", st, r.body ? r.body : "");
	resp_free(&r);
	check(latest_version(port, tok, id) == 2, "the stale save changed nothing");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/cases/%lld/events", id);
	api(port, tok, "POST", path, "{\"version\":1,\"event\":{\"type\":\"presentation\",\"at\":\"2024-02-02T10:00:00Z\"}}", &r);
	check(r.status == 409 && jint(r.json, "current.version") == 2, "events at a stale version: 409 (%d)", r.status);
	resp_free(&r);
	api(port, tok, "POST", path, "{\"event\":{\"type\":\"presentation\",\"at\":\"2024-02-02T10:00:00Z\"}}", &r);
	check(r.status == 201 && jint(r.json, "version") == 3 && jeq_str(r.json, "document.events.0.type", "presentation") &&
	          json_is_true(jget(r.json, "clock.started")),
	      "events without a version append to the latest: %d", r.status);
	resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%lld", id);
	api(port, tok, "DELETE", path, "{\"version\":2,\"reason\":\"stale delete\"}", &r);
	check(r.status == 409 && jint(r.json, "yours.version") == 2 && jint(r.json, "current.version") == 3,
	      "a stale delete: 409 with both versions (%d)", r.status);
	resp_free(&r);
	api(port, tok, "DELETE", path, "{\"version\":3}", &r);
	check(r.status == 422 && jeq_str(r.json, "errors.0.path", "/reason"), "delete without a reason: 422 (%d)", r.status);
	resp_free(&r);
	char qp[160];
	snprintf(qp, sizeof qp, "/api/v1/cases/%lld?version=3&reason=duplicate%%20record", id);
	api(port, tok, "DELETE", qp, NULL, &r);
	check(r.status == 200 && jint(r.json, "version") == 4 && json_is_true(jget(r.json, "deleted")),
	      "delete with ?version=&reason=: %d %.200s", r.status, r.body ? r.body : "");
	resp_free(&r);
	api(port, tok, "GET", path, NULL, &r);
	check(r.status == 410 && error_shape(&r) && jint(r.json, "version") == 4, "GET a deleted case: 410 (%d)", r.status);
	resp_free(&r);
	snprintf(qp, sizeof qp, "/api/v1/cases/%lld?version=2", id);
	api(port, tok, "GET", qp, NULL, &r);
	check(r.status == 200 && jint(r.json, "version") == 2 && jint(r.json, "latest_version") == 4,
	      "an earlier version of a deleted case stays readable (%d)", r.status);
	resp_free(&r);
	check(put_doc(port, tok, id, 4, doc, NULL, NULL, NULL) == 410, "PUT to a deleted case: 410");
	snprintf(qp, sizeof qp, "/api/v1/cases/%lld/versions", id);
	api(port, tok, "GET", qp, NULL, &r);
	check(r.status == 200 && json_array_size(jget(r.json, "versions")) == 4 && json_is_true(jget(r.json, "versions.3.deleted")) &&
	          jeq_str(r.json, "versions.3.reason", "duplicate record") && jeq_str(r.json, "versions.1.saved_by", "cl_n") &&
	          json_is_true(jget(r.json, "versions.0.identifiers_changed")),
	      "versions of the deleted case: %.300s", r.body ? r.body : "");
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/cases/999999999", NULL, &r);
	check(r.status == 404 && error_shape(&r), "an unknown case: 404");
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/cases/abc", NULL, &r);
	check(r.status == 404, "a case id that is not a number: 404 (%d)", r.status);
	resp_free(&r);
	free(doc);
	free(doc2);
}

static void test_validation(int port)
{
	const char *tok = people[W_CLN].token;
	resp r;
	struct {
		const char *method, *path, *body, *ptr;
	} t[] = {
		{"POST", "/api/v1/cases", "{\"document\":{\"patient\":{\"agee\":1}}}", "/document/patient/agee"},
		{"POST", "/api/v1/cases", "{\"document\":{\"schema\":\"spinemets/case/2\"}}", "/document/schema"},
		{"POST", "/api/v1/cases", "{\"document\":{\"events\":[{\"type\":\"teleport\",\"at\":\"2024-01-01\"}]}}", "/document/events/0/type"},
		{"POST", "/api/v1/cases", "{}", "/document"},
		{"POST", "/api/v1/cases", "{\"document\":{},\"bogus\":1}", "/bogus"},
		{"POST", "/api/v1/cases", "{\"document\":{},\"identifiers\":{\"email\":\"a@b\"}}", "/identifiers/email"},
		{"POST", "/api/v1/cases", "{\"document\":{},\"identifiers\":{\"name\":\"a\\nb\"}}", "/identifiers/name"},
		{"POST", "/api/v1/cases", "{\"document\":[]}", "/document"},
		{"PUT", "/api/v1/cases/C", "{\"document\":{}}", "/version"},
		{"PUT", "/api/v1/cases/C", "{\"version\":\"1\",\"document\":{}}", "/version"},
		{"POST", "/api/v1/cases/C/events", "{\"events\":[{\"type\":\"presentation\",\"at\":\"yesterday\"}]}", "/events/0/at"},
		{"POST", "/api/v1/cases/C/events", "{\"event\":{\"type\":\"nope\",\"at\":\"2024-01-01\"}}", "/event/type"},
		{"POST", "/api/v1/cases/C/events", "{\"events\":[]}", "/events"},
		{"POST", "/api/v1/users", "{\"username\":\"v1\",\"role\":\"clinician\"}", "/site"},
	};
	char cpath[64];
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
		const char *p = t[k].path;
		char buf[128];
		const char *c = strstr(p, "/C");
		if (c && (c[2] == '\0' || c[2] == '/')) {
			snprintf(buf, sizeof buf, "%.*s/%lld%s", (int)(c - p), p, C1, c + 2);
			p = buf;
		}
		const char *who = strcmp(t[k].path, "/api/v1/users") == 0 ? people[W_AD].token : tok;
		api(port, who, t[k].method, p, t[k].body, &r);
		int found = 0;
		size_t i;
		json_t *e;
		json_array_foreach(jget(r.json, "errors"), i, e) found |= strcmp(jstr(e, "path"), t[k].ptr) == 0;
		check(r.status == 422 && error_shape(&r) && jeq_str(r.json, "status", "invalid") && found,
		      "%s %s %s: 422 naming %s: %d %.300s", t[k].method, t[k].path, t[k].body, t[k].ptr, r.status, r.body ? r.body : "");
		resp_free(&r);
	}
	api(port, tok, "POST", "/api/v1/cases", "{\"document\": {", &r);
	check(r.status == 400 && error_shape(&r), "malformed JSON: 400 (%d)", r.status);
	resp_free(&r);
	char auth[120];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tok);
	http(port, "POST", "/api/v1/cases", auth, "text/plain", "{\"document\":{}}", &r);
	check(r.status == 415 && error_shape(&r), "text/plain body: 415 (%d)", r.status);
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/cases?limit=0", NULL, &r);
	check(r.status == 400 && error_shape(&r), "limit=0: 400 (%d)", r.status);
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/worklist?hours=abc", NULL, &r);
	check(r.status == 400, "hours=abc: 400 (%d)", r.status);
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/audit/report?month=2025-13", NULL, &r);
	check(r.status == 400, "month=2025-13: 400 (%d)", r.status);
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/audit/report", NULL, &r);
	check(r.status == 400, "report without a month: 400 (%d)", r.status);
	resp_free(&r);
	snprintf(cpath, sizeof cpath, "/api/v1/cases/%lld?version=0", C1);
	api(port, tok, "GET", cpath, NULL, &r);
	check(r.status == 400, "version=0: 400 (%d)", r.status);
	resp_free(&r);
	snprintf(cpath, sizeof cpath, "/api/v1/cases/%lld?version=9999", C1);
	api(port, tok, "GET", cpath, NULL, &r);
	check(r.status == 404, "a version that does not exist: 404 (%d)", r.status);
	resp_free(&r);
}

/* ---- the worklist ---- */
static void ev(char *buf, size_t size, const char *type, time_t at, int first)
{
	char t[32];
	iso(at, t);
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s{\"type\":\"%s\",\"at\":\"%s\"}", first ? "" : ",", type, t);
}

static long long mkcase(int port, const char *tok, int kind, const char *events, const char *name)
{
	char *doc = mkdoc(kind, events, 0);
	char ids[128];
	snprintf(ids, sizeof ids, "{\"name\":\"%s\"}", name);
	long long id = 0;
	check(create(port, tok, doc, ids, NULL, &id) == 201, "create %s", name);
	free(doc);
	return id;
}

static void test_worklist(int port)
{
	time_t T = time(NULL);
	const time_t H = 3600;
	const char *tok = people[W_CLN].token;
	char e[1024];
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 30 * H, 1);
	long long w1 = mkcase(port, tok, EMERGENCY, e, "Worklist One");
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 20 * H, 1);
	ev(e, sizeof e, "coordinator_contact", T - 19 * H, 0);
	long long w2 = mkcase(port, tok, EMERGENCY, e, "Worklist Two");
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 10 * H, 1);
	long long w3 = mkcase(port, tok, URGENT, e, "Worklist Three");
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 30 * H, 1);
	ev(e, sizeof e, "coordinator_contact", T - 29 * H, 0);
	ev(e, sizeof e, "mri_done", T - 25 * H, 0);
	ev(e, sizeof e, "mdt_decision", T - 20 * H, 0);
	mkcase(port, tok, EMERGENCY, e, "Worklist Done");
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 30 * H, 1);
	ev(e, sizeof e, "discharge", T - 1 * H, 0);
	mkcase(port, tok, EMERGENCY, e, "Worklist Closed");
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 30 * H, 1);
	mkcase(port, tok, ROUTINE, e, "Worklist Routine");
	e[0] = 0;
	ev(e, sizeof e, "presentation", T - 30 * H, 1);
	long long s1 = mkcase(port, people[W_CLS].token, EMERGENCY, e, "Worklist South");

	struct {
		const char *q;
		long long ids[4];
		double left[4];
		const char *status[4];
	} t[] = {
		{"", {w1, w2}, {-6, 4}, {"breached", "due"}},
		{"?hours=15", {w1, w2, w3}, {-6, 4, 14}, {"breached", "due", "due"}},
		{"?hours=0", {w1}, {-6}, {"breached"}},
		{"?hours=3.5&site=north", {w1}, {-6}, {"breached"}},
	};
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
		char path[96];
		snprintf(path, sizeof path, "/api/v1/worklist%s", t[k].q);
		resp r;
		api(port, tok, "GET", path, NULL, &r);
		size_t want = 0;
		while (want < 4 && t[k].ids[want])
			want++;
		json_t *cases = jget(r.json, "cases");
		int ok = r.status == 200 && json_array_size(cases) == want && jeq_str(r.json, "site", "north");
		for (size_t i = 0; ok && i < want; i++) {
			json_t *c = json_array_get(cases, i);
			double left = jnum(c, "hours_left");
			ok = jint(c, "id") == t[k].ids[i] && fabs(left - t[k].left[i]) < 0.1 && jeq_str(c, "status", t[k].status[i]) &&
			     json_is_string(jget(c, "identifiers.name")) && json_is_object(jget(c, "clock.targets"));
		}
		check(ok, "worklist%s: %zu cases in order with hours left: %.600s", t[k].q, want, r.body ? r.body : "");
		resp_free(&r);
	}
	resp r;
	api(port, tok, "GET", "/api/v1/worklist", NULL, &r);
	json_t *c0 = jget(r.json, "cases.0");
	check(jeq_str(c0, "identifiers.name", "Worklist One") && jeq_str(c0, "urgency", "emergency") &&
	          jeq_str(c0, "clock.targets.contact.state", "breached") && jint(c0, "clock.targets.mri.within_hours") == 24 &&
	          fabs(jnum(c0, "clock.targets.plan.hours_left") + 6) < 0.1,
	      "the first worklist entry carries its clock");
	json_t *c1 = jget(r.json, "cases.1");
	check(jeq_str(c1, "clock.targets.contact.state", "met") && fabs(jnum(c1, "clock.intervals_hours.presentation_to_contact") - 1) < 0.01 &&
	          jeq_str(c1, "clock.targets.mri.state", "pending"),
	      "the second entry: contact met after 1 h, MRI pending");
	resp_free(&r);
	api(port, people[W_CLS].token, "GET", "/api/v1/worklist", NULL, &r);
	check(r.status == 200 && json_array_size(jget(r.json, "cases")) == 1 && jint(r.json, "cases.0.id") == s1,
	      "the south worklist holds the south case only");
	resp_free(&r);
	/* once the MRI and plan are recorded, w2 leaves the worklist */
	char path[96], body[400];
	snprintf(path, sizeof path, "/api/v1/cases/%lld/events", w2);
	char a1[32], a2[32];
	iso(T - 18 * H, a1);
	iso(T - 2 * H, a2);
	snprintf(body, sizeof body, "{\"events\":[{\"type\":\"mri_done\",\"at\":\"%s\"},{\"type\":\"mdt_decision\",\"at\":\"%s\"}]}", a1, a2);
	api(port, tok, "POST", path, body, &r);
	check(r.status == 201 && jeq_str(r.json, "clock.targets.plan.state", "met"), "events recorded: %d", r.status);
	resp_free(&r);
	api(port, tok, "GET", "/api/v1/worklist", NULL, &r);
	check(json_array_size(jget(r.json, "cases")) == 1 && jint(r.json, "cases.0.id") == w1, "after the events only w1 is left");
	resp_free(&r);
}

/* ---- the monthly audit report ---- */
typedef struct rep_case {
	int kind;
	const char *present;       /* ISO */
	double onset, contact, mri, mdt, surgery, rt, systemic; /* hours from presentation; -1 none */
	int site_south, deleted;
} rep_case;

static void test_report(int port)
{
	const rep_case cs[] = {
		{EMERGENCY, "2025-03-03T08:00:00Z", -1, 1, 2, 20, 30, -1, -1, 0, 0},     /* A1 */
		{EMERGENCY, "2025-03-10T00:00:00Z", -1, 3, 4, 30, -1, 48, -1, 0, 0},     /* A2 */
		{EMERGENCY, "2025-03-15T12:00:00Z", -1, 30, 10, 22, -1, -1, -1, 0, 0},   /* A3 */
		{EMERGENCY, "2025-03-20T06:00:00Z", -1, 2, 30, -1, -1, -1, -1, 0, 0},    /* A4 */
		{EMERGENCY, "2025-03-25T00:00:00Z", -72, 0.5, 50, 60, -1, -1, 100, 0, 0}, /* A5 */
		{URGENT, "2025-03-28T00:00:00Z", -1, 20, 100, 150, -1, -1, -1, 0, 0},     /* A6 */
		{URGENT, "2025-04-01T00:00:00Z", -1, 1, 1, 1, -1, -1, -1, 0, 0},         /* A7: April */
		{EMERGENCY, "2025-03-12T00:00:00Z", -1, 1, 1, 1, -1, -1, -1, 0, 1},      /* A8: deleted */
		{ROUTINE, "2025-03-05T00:00:00Z", -1, -1, -1, -1, -1, -1, -1, 0, 0},     /* A9 */
		{EMERGENCY, "2025-02-28T23:30:00Z", -1, 1, 1, 1, -1, -1, -1, 0, 0},      /* A10: February */
		{URGENT, "2025-03-31T23:00:00Z", -1, -1, -1, -1, -1, -1, -1, 0, 0},      /* A11 */
		{EMERGENCY, "2025-03-05T00:00:00Z", -1, 1, 1, 1, -1, -1, -1, 1, 0},      /* S2: south */
	};
	long long a1 = 0;
	for (size_t k = 0; k < sizeof cs / sizeof cs[0]; k++) {
		long long p0;
		char e[1200] = "";
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		strptime(cs[k].present, "%Y-%m-%dT%H:%M:%SZ", &tm);
		p0 = (long long)timegm(&tm);
		ev(e, sizeof e, "presentation", (time_t)p0, 1);
		const struct { const char *t; double h; } list[] = {
			{"symptom_onset", cs[k].onset}, {"coordinator_contact", cs[k].contact}, {"mri_done", cs[k].mri},
			{"mdt_decision", cs[k].mdt}, {"surgery", cs[k].surgery}, {"radiotherapy_start", cs[k].rt},
			{"systemic_therapy_start", cs[k].systemic}};
		for (size_t j = 0; j < sizeof list / sizeof list[0]; j++)
			if (list[j].h != -1)
				ev(e, sizeof e, list[j].t, (time_t)(p0 + (long long)(list[j].h * 3600)), 0);
		char *doc = mkdoc(cs[k].kind, e, k == 0 ? 93 : 0);
		const char *tok = cs[k].site_south ? people[W_CLS].token : people[W_CLN].token;
		char ids[64];
		snprintf(ids, sizeof ids, "{\"name\":\"Report %zu\"}", k);
		long long id = 0;
		check(create(port, tok, doc, ids, NULL, &id) == 201, "report case %zu created", k);
		if (k == 0)
			a1 = id;
		if (cs[k].deleted) {
			char path[64];
			snprintf(path, sizeof path, "/api/v1/cases/%lld", id);
			resp r;
			api(port, tok, "DELETE", path, "{\"version\":1,\"reason\":\"entered twice\"}", &r);
			resp_free(&r);
		}
		free(doc);
	}
	/* By hand (quantiles of R type 7: x[(n-1)p], interpolated), March 2025, north:
	** cases A1-A6, A9, A11 = 8 (emergency A1-A5, urgent A6 and A11, routine A9);
	** treated A1 (surgery 30 h), A2 (radiotherapy 48 h), A5 (systemic 100 h).
	**   presentation_to_contact {0.5, 1, 2, 3, 20, 30}: median (2+3)/2 = 2.5;
	**     q1 at 1.25: 1 + 0.25 (2-1) = 1.25; q3 at 3.75: 3 + 0.75 (20-3) = 15.75
	**   presentation_to_mri {2, 4, 10, 30, 50, 100}: median 20; q1 4 + 0.25*6 = 5.5;
	**     q3 30 + 0.75*20 = 45
	**   presentation_to_plan {20, 22, 30, 60, 150}: median 30, q1 22, q3 60
	**   presentation_to_treatment {30, 48, 100}: median 48; q1 30 + 0.5*18 = 39;
	**     q3 48 + 0.5*52 = 74
	**   mri_to_plan {10, 12, 18, 26, 50}: 18, 12, 26; plan_to_treatment {10, 18, 40}:
	**     18, 14, 29; onset_to_presentation {72}
	** Targets (emergency 24/24/24 h, urgent 24/168/168 h, routine none):
	**   contact: met A1 A2 A4 A5 A6, missed A3 (30 h), breached A11 -> 5/7
	**   mri: met A1 A2 A3 A6 (100 <= 168), missed A4 A5, breached A11 -> 4/7
	**   plan: met A1 A3 A6, missed A2 A5, breached A4 A11 -> 3/7 */
	struct { const char *name; long long n; double med, q1, q3; } iv[] = {
		{"onset_to_presentation", 1, 72, 72, 72},
		{"presentation_to_contact", 6, 2.5, 1.25, 15.75},
		{"presentation_to_mri", 6, 20, 5.5, 45},
		{"presentation_to_plan", 5, 30, 22, 60},
		{"presentation_to_treatment", 3, 48, 39, 74},
		{"mri_to_plan", 5, 18, 12, 26},
		{"plan_to_treatment", 3, 18, 14, 29},
	};
	struct { const char *name; long long num, den, met, missed, breached, na; double share; } tg[] = {
		{"contact", 5, 7, 5, 1, 1, 1, 5.0 / 7},
		{"mri", 4, 7, 4, 2, 1, 1, 4.0 / 7},
		{"plan", 3, 7, 3, 2, 2, 1, 3.0 / 7},
	};
	const char *as[] = {people[W_CLN].token, people[W_RE].token, people[W_AD].token};
	const char *paths[] = {"/api/v1/audit/report?month=2025-03", "/api/v1/audit/report?month=2025-03&site=north",
	                       "/api/v1/audit/report?site=north&month=2025-03"};
	for (size_t w = 0; w < 3; w++) {
		resp r;
		api(port, as[w], "GET", paths[w], NULL, &r);
		json_t *j = r.json;
		check(r.status == 200 && jeq_str(j, "site", "north") && jeq_str(j, "month", "2025-03") &&
		          jeq_str(j, "from", "2025-03-01T00:00:00Z") && jeq_str(j, "to", "2025-04-01T00:00:00Z") &&
		          jint(j, "cases") == 8 && jint(j, "by_urgency.emergency") == 5 && jint(j, "by_urgency.urgent") == 2 &&
		          jint(j, "by_urgency.routine") == 1 && jint(j, "treated") == 3,
		      "report (%zu): counts: %.400s", w, r.body ? r.body : "");
		for (size_t k = 0; k < sizeof iv / sizeof iv[0]; k++) {
			char p[128];
			snprintf(p, sizeof p, "intervals.%s", iv[k].name);
			json_t *x = jget(j, p);
			check(jint(x, "n") == iv[k].n && fabs(jnum(x, "median_hours") - iv[k].med) < 1e-6 &&
			          fabs(jnum(x, "q1_hours") - iv[k].q1) < 1e-6 && fabs(jnum(x, "q3_hours") - iv[k].q3) < 1e-6,
			      "report (%zu): %s n=%lld median %g q1 %g q3 %g (got n=%lld %g %g %g)", w, iv[k].name, iv[k].n, iv[k].med,
			      iv[k].q1, iv[k].q3, jint(x, "n"), jnum(x, "median_hours"), jnum(x, "q1_hours"), jnum(x, "q3_hours"));
		}
		for (size_t k = 0; k < sizeof tg / sizeof tg[0]; k++) {
			char p[128];
			snprintf(p, sizeof p, "targets.%s", tg[k].name);
			json_t *x = jget(j, p);
			check(jint(x, "numerator") == tg[k].num && jint(x, "denominator") == tg[k].den && jint(x, "met") == tg[k].met &&
			          jint(x, "missed") == tg[k].missed && jint(x, "breached") == tg[k].breached &&
			          jint(x, "not_applicable") == tg[k].na && jint(x, "pending") == 0 &&
			          fabs(jnum(x, "share") - tg[k].share) < 1e-5,
			      "report (%zu): target %s %lld/%lld (got %lld/%lld, share %g)", w, tg[k].name, tg[k].num, tg[k].den,
			      jint(x, "numerator"), jint(x, "denominator"), jnum(x, "share"));
		}
		check(jint(j, "standards_hours.emergency.mri") == 24 && jint(j, "standards_hours.urgent.mri") == 168 &&
		          jint(j, "standards_hours.urgent.contact") == 24 && json_is_null(jget(j, "standards_hours.routine.mri")),
		      "report (%zu): the standards", w);
		resp_free(&r);
	}
	resp r;
	api(port, people[W_RE].token, "GET", "/api/v1/audit/report?month=2025-03", NULL, &r);
	check(r.status == 200 && json_is_null(jget(r.json, "site")) && jint(r.json, "cases") == 9,
	      "the all-sites report adds the south case: %lld", jint(r.json, "cases"));
	resp_free(&r);
	api(port, people[W_CLS].token, "GET", "/api/v1/audit/report?month=2025-03", NULL, &r);
	check(r.status == 200 && jeq_str(r.json, "site", "south") && jint(r.json, "cases") == 1, "south's own report: 1 case");
	resp_free(&r);
	api(port, people[W_CLN].token, "GET", "/api/v1/audit/report?month=2025-04", NULL, &r);
	check(r.status == 200 && jint(r.json, "cases") == 1 && jnum(r.json, "intervals.mri_to_plan.median_hours") == 0,
	      "April: 1 case (MRI and plan in the same hour)");
	resp_free(&r);
	api(port, people[W_CLN].token, "GET", "/api/v1/audit/report?month=2019-01", NULL, &r);
	check(r.status == 200 && jint(r.json, "cases") == 0 && json_is_null(jget(r.json, "intervals.presentation_to_mri.median_hours")) &&
	          json_is_null(jget(r.json, "targets.mri.share")),
	      "an empty month: 0 cases, null medians and shares");
	resp_free(&r);

	/* the researcher's view of A1: hours from presentation, age top-coded */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/cases/%lld", a1);
	researcher_path(path, sizeof path);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	json_t *evs = jget(r.json, "document.events");
	double want[] = {0, 1, 2, 20, 30};
	int ok = json_array_size(evs) == 5;
	for (size_t k = 0; ok && k < 5; k++)
		ok = fabs(jnum(json_array_get(evs, k), "hours_from_presentation") - want[k]) < 1e-9;
	check(r.status == 200 && ok && jint(r.json, "document.patient.age_years") == 90 && jeq_str(r.json, "time_origin", "presentation") &&
	          fabs(jnum(r.json, "clock.targets.plan.done_after_hours") - 20) < 1e-9 && !jget(r.json, "clock.start"),
	      "the researcher sees A1's events as hours from presentation and age 90: %.500s", r.body ? r.body : "");
	char key[40];
	snprintf(key, sizeof key, "%s", jstr(r.json, "case_key"));
	resp_free(&r);

	/* the export holds the same, and nothing identifying */
	char out[256], out2[300];
	snprintf(out, sizeof out, "%s/registry-export-%d.jsonl", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(out2, sizeof out2, "%s.2", out);
	long long audit_before = audit_tail(port);
	run cr;
	CLI(&cr, NULL, "export", "--deidentified", "--k", "1", "--site", "north", "--output", out, "--db", url);
	check(cr.status == 0 && strstr(cr.err, "written"), "export --deidentified --site north: %d %s", cr.status, cr.err);
	run_free(&cr);
	CLI(&cr, NULL, "export", "--deidentified", "--k", "1", "--site", "north", "--output", out2, "--db", url);
	run_free(&cr);
	FILE *f = fopen(out, "r");
	char *line = NULL;
	size_t cap = 0;
	long long lines = 0, good = 0;
	int found_a1 = 0, leak = 0, dated = 0;
	regex_t re;
	regcomp(&re, "[0-9]{4}-[0-9]{2}-[0-9]{2}", REG_EXTENDED | REG_NOSUB);
	int header = 0;
	while (f && getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL);
		if (!header++) { /* the header comes first and says how the cases were generalised */
			check(jeq_str(j, "schema", "spinemets/export-header/1") && jint(j, "deidentification.k") == 1 &&
			          jint(j, "deidentification.cases_left_out") == 0,
			      "the export starts with its header: %.300s", line);
			json_decref(j);
			continue;
		}
		lines++;
		if (j && strlen(jstr(j, "case_key")) == 32 && !jget(j, "id") && !jget(j, "identifiers") &&
		    jeq_str(j, "site", "north") && jeq_str(j, "document.schema", "spinemets/case-deidentified/1") &&
		    json_is_object(jget(j, "assessment")) && json_is_string(jget(j, "engine_version")) &&
		    json_is_string(jget(j, "definitions.sins")) && json_is_object(jget(j, "clock")))
			good++;
		if (j && jeq_str(j, "case_key", key)) {
			json_t *e = jget(j, "document.events");
			found_a1 = json_array_size(e) == 5 && fabs(jnum(json_array_get(e, 4), "hours_from_presentation") - 30) < 1e-9 &&
			           jeq_str(j, "document.patient.age_band", "90+") && !jget(j, "document.patient.age_years");
		}
		json_decref(j);
		const char *m[] = {MARK_NAME, "Zebediah", MARK_HN, MARK_PHONE, "Report 0", "Worklist One", "cl_n", "DROP TABLE",
		                   "entered twice", "saved_at", "saved_by"};
		for (size_t k = 0; k < sizeof m / sizeof m[0]; k++)
			leak |= strstr(line, m[k]) != NULL;
		dated |= regexec(&re, line, 0, NULL, 0) == 0;
	}
	free(line);
	regfree(&re);
	if (f)
		fclose(f);
	api(port, people[W_CLN].token, "GET", "/api/v1/cases?limit=1", NULL, &r);
	long long total = jint(r.json, "total");
	resp_free(&r);
	check(lines > 0 && lines == total && good == lines, "the export has one valid line per live north case (%lld lines, %lld good, %lld cases)",
	      lines, good, total);
	check(found_a1, "the export holds A1 under the researcher's case key, hours from presentation and age band 90+");
	check(!leak, "the export holds no identifier, name, author or reason");
	check(!dated, "the export holds no absolute date");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", out, out2);
	int same = system(cmd);
	check(same == 0, "two exports are identical (stable pseudonymous keys)");
	unlink(out);
	unlink(out2);
	CLI(&cr, NULL, "export", "--deidentified", "--site", "nowhere", "--db", url);
	check(cr.status == 1 && strstr(cr.err, "no site"), "export of an unknown site: %d", cr.status);
	run_free(&cr);
	CLI(&cr, NULL, "export", "--deidentified", "--db", url);
	long long nl = 0;
	for (const char *p = cr.out; *p; p++)
		nl += *p == '\n';
	check(cr.status == 0 && nl >= 2, "export of every site to stdout: %lld lines", nl);
	/* default k = 5: south has fewer than 5 cases in any year, so it is never named */
	check(!strstr(cr.out, "\"site\":\"south\""), "a site with fewer than 5 cases in a year is not named");
	{
		long long rows = 0, other = 0, exact_age = 0, named = 0, hdr_cases = -1, hdr_left = -1, hdr_merged = -1;
		char *copy = strdup(cr.out);
		for (char *ln = strtok(copy, "\n"); ln; ln = strtok(NULL, "\n")) {
			json_t *j = json_loads(ln, 0, NULL);
			if (jeq_str(j, "schema", "spinemets/export-header/1")) {
				hdr_cases = jint(j, "cases");
				hdr_left = jint(j, "deidentification.cases_left_out");
				hdr_merged = jint(j, "deidentification.cases_merged_into_other");
				check(jint(j, "deidentification.k") == 5 && strstr(jstr(j, "deidentification.small_sites"), "fewer than 5"),
				      "the header says k = 5 and how small sites are treated: %.300s", ln);
			} else if (j) {
				rows++;
				other += jeq_str(j, "site", "other");
				named += jeq_str(j, "site", "north");
				exact_age += jget(j, "document.patient.age_years") != NULL;
				const char *band = jstr(j, "document.patient.age_band");
				if (*band && strcmp(band, "90+") != 0 && strchr(band, '-')) {
					int lo = atoi(band), hi = atoi(strchr(band, '-') + 1);
					check((lo == 18 || lo % 5 == 0) && hi == (lo == 18 ? 19 : lo + 4) && lo >= 18,
					      "an adult age band is 5 years wide: %s", band);
				}
			}
			json_decref(j);
		}
		free(copy);
		check(hdr_cases == rows && hdr_merged == other, "the header counts the rows (%lld/%lld) and the merged ones (%lld/%lld)",
		      hdr_cases, rows, hdr_merged, other);
		check(hdr_left >= 0 && rows + hdr_left >= lines, "rows + left out cover every case (%lld + %lld >= %lld)", rows,
		      hdr_left, lines);
		check(exact_age == 0, "no exact age in the default export (%lld)", exact_age);
	}
	run_free(&cr);
	const char *tmpd = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	CLI(&cr, NULL, "export", "--deidentified", "--output", tmpd, "--db", url);
	check(cr.status == 1 && strstr(cr.err, "it is a directory, not a file"), "export to a directory: named alike (%d %s)",
	      cr.status, cr.err);
	run_free(&cr);
	CLI(&cr, NULL, "export", "--deidentified", "--k", "0", "--db", url);
	check(cr.status == 2 && strstr(cr.err, "--k"), "export --k 0: usage error (%d)", cr.status);
	run_free(&cr);
	check(audited(port, audit_before, "export.deidentified", "", 0), "the export is in the audit log");
}

/* The registry's store, opened directly (a failed check and NULL when it cannot be). */
static sm_store *open_store(void)
{
	sm_store *st = NULL;
	char err[SM_STORE_ERRMSG_SIZE];
	int ok = sm_store_open(url, SM_STORE_NO_MIGRATE, &st, err, sizeof err) == SM_STORE_OK;
	check(ok, "open the store: %s", ok ? "" : err);
	return ok ? st : NULL;
}

/* ---- expiry and deactivation ---- */
static void test_expiry(int port)
{
	/* an API token that expires in 4 s, made in the store itself */
	sm_store *st = open_store();
	if (!st)
		return;
	sm_store_user u;
	char token[SM_STORE_TOKEN_SIZE], hash[SM_STORE_TOKEN_HASH_SIZE];
	sm_store_user_get(st, "cl_n", &u);
	sm_store_token_generate(token);
	sm_store_token_hash(token, hash);
	int64_t now = (int64_t)time(NULL);
	check(sm_store_token_add(st, hash, u.id, SM_TOKEN_API, now, now + 4, NULL) == SM_STORE_OK, "short token added");
	sm_store_close(st);
	resp r;
	api(port, token, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 200, "a fresh token works: %d", r.status);
	resp_free(&r);
	sleep_ms(5100);
	api(port, token, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401 && error_shape(&r), "an expired token: 401 (%d)", r.status);
	resp_free(&r);

	/* deactivation: tokens and login refused at once */
	char vt[80];
	check(token_for("victim", vt) == 0, "a token for victim");
	api(port, vt, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 403 && jeq_str(r.json, "error.code", "password_change_required"),
	      "victim's token authenticates (a password change is pending after the reset): %d", r.status);
	resp_free(&r);
	api(port, people[W_AD].token, "POST", "/api/v1/users/victim/deactivate", NULL, &r);
	check(r.status == 200 && json_is_false(jget(r.json, "user.active")), "deactivate victim: %d", r.status);
	resp_free(&r);
	api(port, vt, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401, "a deactivated user's token: 401 (%d)", r.status);
	resp_free(&r);
	api(port, people[W_AD].token, "POST", "/api/v1/users/ad/deactivate", NULL, &r);
	check(r.status == 409, "an admin cannot deactivate themselves: %d", r.status);
	resp_free(&r);
	api(port, people[W_AD].token, "POST", "/api/v1/users/nobody/deactivate", NULL, &r);
	check(r.status == 404, "deactivate an unknown user: %d", r.status);
	resp_free(&r);
	api(port, people[W_AD].token, "POST", "/api/v1/users/victim/activate", NULL, &r);
	check(r.status == 200 && json_is_true(jget(r.json, "user.active")), "reactivate victim: %d", r.status);
	resp_free(&r);
	api(port, vt, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401, "the revoked token stays revoked after reactivation: %d", r.status);
	resp_free(&r);
	run cr;
	CLI(&cr, NULL, "user", "deactivate", "victim", "--db", url);
	check(cr.status == 0, "user deactivate from the command line: %d", cr.status);
	run_free(&cr);
	CLI(&cr, NULL, "user", "token", "victim", "--db", url);
	check(cr.status == 1, "no token for an inactive user: %d", cr.status);
	run_free(&cr);

	/* session idle expiry on a server with --session-idle 4 (times are whole seconds) */
	server s;
	if (server_start(&s, url, (const char *const[]){"--session-idle", "4", NULL})) {
		check(0, "start the --session-idle 4 server");
		return;
	}
	login(s.port, "co_n", PASS, &r);
	char sess[80];
	snprintf(sess, sizeof sess, "%s", jstr(r.json, "token"));
	check(r.status == 200 && jint(r.json, "idle_timeout_seconds") == 4, "login on the idle server");
	resp_free(&r);
	for (int k = 0; k < 6; k++) {
		sleep_ms(1000);
		api(s.port, sess, "GET", "/api/v1/me", NULL, &r);
		check(r.status == 200, "a session used every second lives on past its first 4 s (%d: %d)", k, r.status);
		resp_free(&r);
	}
	sleep_ms(6000);
	api(s.port, sess, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401, "a session idle for 6 s (idle limit 4 s) has ended: %d", r.status);
	resp_free(&r);
	server_stop(&s, "idle server");
}

/* ---- password hashes made with earlier argon2id limits ---- */
static void test_rehash_at_login(int port)
{
	sm_store *st = open_store();
	if (!st)
		return;
	int ok;
	/* co_n's password stored as libsodium's "interactive" limits made it (64 MiB) */
	sm_store_user u;
	char old[crypto_pwhash_STRBYTES];
	ok = sm_store_user_get(st, "co_n", &u) == SM_STORE_OK &&
	     crypto_pwhash_str(old, PASS, strlen(PASS), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                       crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 &&
	     sm_store_user_set_password_ex(st, u.id, old, u.must_change_password, (int64_t)time(NULL)) == SM_STORE_OK;
	check(ok && strstr(old, "$m=65536,") != NULL, "co_n's hash replaced by a 64 MiB one");
	resp r;
	int status = login(port, "co_n", PASS, &r);
	check(status == 200, "login with the old hash: %d", status);
	resp_free(&r);
	ok = sm_store_user_get(st, "co_n", &u) == SM_STORE_OK;
	check(ok && strstr(u.password_hash, "$m=9216,t=4,p=1$") != NULL && !sm_store_password_needs_rehash(u.password_hash),
	      "after the login the hash has today's limits: %.40s", ok ? u.password_hash : "");
	check(ok && sm_store_password_verify(u.password_hash, PASS), "the new hash verifies the same password");
	sm_store_close(st);
	status = login(port, "co_n", PASS, &r);
	check(status == 200, "login again: %d", status);
	resp_free(&r);
}

/* ---- OpenAPI ---- */
static void test_openapi(int port)
{
	resp r;
	api(port, NULL, "GET", "/api/v1/openapi.json", NULL, &r);
	json_t *paths = jget(r.json, "paths");
	check(r.status == 200 && json_is_object(paths), "the OpenAPI document");
	static const char *const want[][2] = {
		{"/api/v1/login", "post"}, {"/api/v1/logout", "post"}, {"/api/v1/password", "post"}, {"/api/v1/me", "get"},
		{"/api/v1/cases", "get"}, {"/api/v1/cases", "post"}, {"/api/v1/cases/{id}", "get"}, {"/api/v1/cases/{id}", "put"},
		{"/api/v1/cases/{id}", "delete"}, {"/api/v1/cases/{id}/versions", "get"}, {"/api/v1/cases/{id}/events", "post"},
		{"/api/v1/worklist", "get"}, {"/api/v1/audit/report", "get"}, {"/api/v1/audit/log", "get"}, {"/api/v1/users", "get"},
		{"/api/v1/users", "post"}, {"/api/v1/users/{username}", "get"}, {"/api/v1/users/{username}/deactivate", "post"}, {"/api/v1/users/{username}/activate", "post"},
		{"/api/v1/users/{username}/password", "post"}, {"/api/v1/sites", "get"}, {"/api/v1/sites", "post"},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		json_t *op = json_object_get(json_object_get(paths, want[k][0]), want[k][1]);
		check(json_is_object(op) && json_is_object(jget(op, "responses")), "OpenAPI documents %s %s", want[k][1], want[k][0]);
		if (!op || strcmp(want[k][0], "/api/v1/login") == 0)
			continue;
		/* documented with 401 and 403, and answering 401 without credentials */
		json_t *resps = jget(op, "responses");
		check(json_object_get(resps, "401") && json_object_get(resps, "403"), "%s %s documents 401 and 403", want[k][1], want[k][0]);
		char path[128], method[16];
		snprintf(path, sizeof path, "%s", want[k][0]);
		char *b = strchr(path, '{');
		if (b) {
			char rest[128];
			snprintf(rest, sizeof rest, "%s", strchr(b, '}') + 1);
			snprintf(b, sizeof path - (size_t)(b - path), "%s%s", strstr(want[k][0], "{id}") ? "1" : "someone", rest);
		}
		size_t m;
		for (m = 0; want[k][1][m] && m < sizeof method - 1; m++)
			method[m] = (char)(want[k][1][m] - 32);
		method[m] = '\0';
		resp x;
		api(port, NULL, method, path, strcmp(method, "GET") ? "{}" : NULL, &x);
		check(x.status == 401, "%s %s without credentials: 401 (%d)", method, path, x.status);
		resp_free(&x);
	}
	check(json_is_object(jget(r.json, "components.securitySchemes.bearer")) &&
	          jeq_str(r.json, "components.securitySchemes.session.name", "spinemets_session"),
	      "the security schemes are documented");
	check(json_is_array(jget(r.json, "paths./api/v1/assess.post.security")) &&
	          json_array_size(jget(r.json, "paths./api/v1/assess.post.security")) == 0,
	      "the public routes are marked public");
	resp_free(&r);
	/* the public routes stay public */
	static const char *const pub[] = {"/", "/api/v1/health", "/api/v1/instruments", "/api/v1/rules", "/api/v1/openapi.json"};
	for (size_t k = 0; k < sizeof pub / sizeof pub[0]; k++) {
		api(port, NULL, "GET", pub[k], NULL, &r);
		check(r.status == 200, "GET %s stays public: %d", pub[k], r.status);
		resp_free(&r);
	}
	api(port, NULL, "POST", "/api/v1/assess", "{\"schema\":\"spinemets/case/1\"}", &r);
	check(r.status == 200, "POST /assess stays public: %d", r.status);
	resp_free(&r);
}

/* ---- issue 13: accounts ---- */
static int change_pw(int port, const char *tok, const char *cur, const char *nw, resp *r)
{
	json_t *b = json_object();
	json_object_set_new(b, "current_password", json_string(cur));
	json_object_set_new(b, "new_password", json_string(nw));
	char *t = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	int st = api(port, tok, "POST", "/api/v1/password", t, r);
	free(t);
	return st;
}

static void test_accounts(int port)
{
	resp r = {0};
	const char *adm = people[W_AD].token;
	long long mark = audit_tail(port);
	/* an administrator's password is always one-time */
	api(port, adm, "POST", "/api/v1/users",
	    "{\"username\":\"acct1\",\"role\":\"clinician\",\"site\":\"north\",\"password\":\"kettle-staple-mango-7\","
	    "\"must_change_password\":false}", &r);
	check(r.status == 422 && strcmp(jstr(r.json, "errors.0.path"), "/must_change_password") == 0 &&
	          strstr(jstr(r.json, "errors.0.message"), "one-time"),
	      "an admin cannot set a password that need not be changed: %d %s", r.status, r.body);
	resp_free(&r);
	api(port, adm, "POST", "/api/v1/users",
	    "{\"username\":\"acct1\",\"role\":\"clinician\",\"site\":\"north\",\"password\":\"password1234\"}", &r);
	check(r.status == 422 && strcmp(jstr(r.json, "errors.0.path"), "/password") == 0,
	      "an admin's weak password is refused: %d", r.status);
	resp_free(&r);
	api(port, adm, "POST", "/api/v1/users",
	    "{\"username\":\"acct1\",\"role\":\"clinician\",\"site\":\"north\",\"password\":\"kettle-staple-mango-7\"}", &r);
	check(r.status == 201 && json_is_true(jget(r.json, "user.password_change_required")),
	      "an admin-set password is one-time: %d", r.status);
	resp_free(&r);
	check(audited(port, mark, "alert.admin_set_password", "ad", 0), "an alert row when an admin sets a password");
	mark = audit_tail(port);
	/* usernames: one per spelling without regard to case */
	api(port, adm, "POST", "/api/v1/users", "{\"username\":\"ACCT1\",\"role\":\"researcher\"}", &r);
	check(r.status == 409, "ACCT1 beside acct1: 409 (%d)", r.status);
	resp_free(&r);
	run cr;
	char pwline[80];
	snprintf(pwline, sizeof pwline, "%s\n", PASS);
	CLI(&cr, pwline, "user", "add", "CL_N", "--role", "clinician", "--site", "north", "--password-stdin", "--db", url);
	check(cr.status == 1 && strstr(cr.err, "letter case"), "user add CL_N beside cl_n: %d %s", cr.status, cr.err);
	run_free(&cr);
	login(port, "CL_N", PASS, &r);
	check(r.status == 200 && jeq_str(r.json, "user.username", "cl_n"), "log in as CL_N finds cl_n: %d", r.status);
	resp_free(&r);
	/* weak passwords at a password change */
	login(port, "acct1", "kettle-staple-mango-7", &r);
	char s1[80];
	snprintf(s1, sizeof s1, "%s", jstr(r.json, "token"));
	resp_free(&r);
	static const char *const weak[] = {"too-short-1", "aaaaaaaaaaaaaaa", "password1234", "acct1acct1acct1",
	                                   "123456789012"};
	for (size_t k = 0; k < sizeof weak / sizeof weak[0]; k++) {
		change_pw(port, s1, "kettle-staple-mango-7", weak[k], &r);
		check(r.status == 422 && strcmp(jstr(r.json, "errors.0.path"), "/new_password") == 0,
		      "weak new password '%s' refused: %d %s", weak[k], r.status, r.body);
		resp_free(&r);
	}
	change_pw(port, s1, "kettle-staple-mango-7", "Zebra-quilt-harbour-9", &r);
	check(r.status == 200, "a strong new password: %d %s", r.status, r.body);
	resp_free(&r);
	/* other sessions end at a password change; the one making it stays */
	char s2[80], s3[80];
	login(port, "acct1", "Zebra-quilt-harbour-9", &r);
	snprintf(s2, sizeof s2, "%s", jstr(r.json, "token"));
	resp_free(&r);
	login(port, "acct1", "Zebra-quilt-harbour-9", &r);
	snprintf(s3, sizeof s3, "%s", jstr(r.json, "token"));
	resp_free(&r);
	change_pw(port, s2, "Zebra-quilt-harbour-9", "Otter-lantern-canyon-4", &r);
	check(r.status == 200 && jint(r.json, "other_sessions_ended") == 2, "change from s2 ends s1 and s3: %d %s",
	      r.status, r.body);
	resp_free(&r);
	api(port, s3, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401, "another session after the change: 401 (%d)", r.status);
	resp_free(&r);
	api(port, s1, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401, "the first session after the change: 401 (%d)", r.status);
	resp_free(&r);
	api(port, s2, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 200, "the session that changed it still works: %d", r.status);
	resp_free(&r);
	/* a reset by an admin: an alert row, every session ends */
	api(port, adm, "POST", "/api/v1/users/acct1/password", NULL, &r);
	char otp[64];
	snprintf(otp, sizeof otp, "%s", jstr(r.json, "one_time_password"));
	check(r.status == 200 && strlen(otp) == 20, "admin resets acct1: %d", r.status);
	resp_free(&r);
	check(audited(port, mark, "alert.admin_set_password", "ad", 0), "an alert row when an admin resets a password");
	api(port, s2, "GET", "/api/v1/me", NULL, &r);
	check(r.status == 401, "a reset ends every session: %d", r.status);
	resp_free(&r);
	/* a one-time password expires (default 72 h): set 73 h ago in the store */
	sm_store *st = open_store();
	if (st) {
		sm_store_user u;
		char h[SM_STORE_PWHASH_SIZE];
		int64_t now = (int64_t)time(NULL);
		check(sm_store_user_get(st, "acct1", &u) == SM_STORE_OK && sm_store_password_hash(otp, h) == SM_STORE_OK &&
		          sm_store_user_set_password_ex(st, u.id, h, true, now - 73 * 3600) == SM_STORE_OK,
		      "backdate acct1's one-time password");
		/* and an API token made 91 days ago that would expire only in 10 days */
		char token[SM_STORE_TOKEN_SIZE], th[SM_STORE_TOKEN_HASH_SIZE];
		sm_store_user cl;
		sm_store_user_get(st, "cl_n", &cl);
		sm_store_token_generate(token);
		sm_store_token_hash(token, th);
		check(sm_store_token_add(st, th, cl.id, SM_TOKEN_API, now - 91 * 86400, now + 10 * 86400, NULL) == SM_STORE_OK,
		      "an old API token");
		sm_store_close(st);
		login(port, "acct1", otp, &r);
		check(r.status == 401 && r.body && strstr(r.body, "expired"), "an expired one-time password: 401 (%d %s)",
		      r.status, r.body);
		resp_free(&r);
		api(port, token, "GET", "/api/v1/me", NULL, &r);
		check(r.status == 401 && r.body && strstr(r.body, "older than 90 days"), "an API token older than 90 days: 401 (%d)",
		      r.status);
		resp_free(&r);
	}
	CLI(&cr, NULL, "user", "token", "cl_n", "--days", "91", "--db", url);
	check(cr.status == 2 && strstr(cr.err, "at most 90 days"), "user token --days 91: refused (%d %s)", cr.status, cr.err);
	run_free(&cr);
	CLI(&cr, NULL, "user", "token", "cl_n", "--days", "91", "--token-max-days", "120", "--db", url);
	check(cr.status == 0, "user token --days 91 --token-max-days 120: %d %s", cr.status, cr.err);
	run_free(&cr);
	CLI(&cr, "password1234\n", "user", "add", "acct2", "--role", "researcher", "--password-stdin", "--db", url);
	check(cr.status == 1 && strstr(cr.err, "dictionary"), "user add with a dictionary password: %d %s", cr.status, cr.err);
	run_free(&cr);
}

/* ---- issue 13: denied access leaves an audit row; no data without its audit row ---- */
static void test_denied_and_fail_closed(int port)
{
	resp r = {0};
	long long mark = audit_tail(port);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%lld", C1);
	api(port, people[W_CLS].token, "GET", path, NULL, &r);
	check(r.status == 404, "another site's case: 404 (%d)", r.status);
	resp_free(&r);
	check(audited(port, mark, "access.denied", "cl_s", C1), "a denied read of another site's case is audited");
	snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", C1);
	mark = audit_tail(port);
	api(port, people[W_CLS].token, "GET", path, NULL, &r);
	check(r.status == 404, "another site's versions: 404 (%d)", r.status);
	resp_free(&r);
	check(audited(port, mark, "access.denied", "cl_s", C1), "a denied versions read is audited");
	mark = audit_tail(port);
	api(port, people[W_RE].token, "GET", "/api/v1/users", NULL, &r);
	check(r.status == 403, "a researcher lists users: 403 (%d)", r.status);
	resp_free(&r);
	check(audited(port, mark, "access.denied", "re", 0), "a 403 is audited");
	mark = audit_tail(port);
	snprintf(path, sizeof path, "/api/v1/cases/%lld", C1);
	api(port, people[W_RE].token, "GET", path, NULL, &r);
	check(r.status == 404, "a researcher naming a registry id: 404 (%d)", r.status);
	resp_free(&r);
	check(audited(port, mark, "access.denied", "re", 0), "a researcher naming a registry id is audited");
	snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", C1);
	/* the audit log refuses the versions row (a full disk, say): no data, 503 */
	sm_store *st = open_store();
	if (!st)
		return;
	const char *add = strcmp(sm_store_backend(st), "postgresql") == 0
	                      ? "CREATE FUNCTION test_no_versions_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
	                        "IF NEW.action IN ('case.versions', 'export.deidentified') THEN RAISE EXCEPTION 'test: disk full'; END IF; "
	                        "RETURN NEW; END $$; CREATE TRIGGER test_no_versions_audit BEFORE INSERT ON audit_log "
	                        "FOR EACH ROW EXECUTE FUNCTION test_no_versions_audit();"
	                      : "CREATE TRIGGER test_no_versions_audit BEFORE INSERT ON audit_log WHEN NEW.action IN "
	                        "('case.versions', 'export.deidentified') BEGIN SELECT RAISE(ABORT, 'test: disk full'); END;";
	const char *drop = strcmp(sm_store_backend(st), "postgresql") == 0
	                       ? "DROP TRIGGER test_no_versions_audit ON audit_log; DROP FUNCTION test_no_versions_audit();"
	                       : "DROP TRIGGER test_no_versions_audit;";
	int made = smx_store_exec(st, add) == SM_STORE_OK;
	check(made, "add a trigger that refuses the versions audit row: %s", sm_store_errmsg(st));
	if (made) {
		api(port, people[W_CLN].token, "GET", path, NULL, &r);
		check(r.status == 503 && r.body && !strstr(r.body, "\"versions\""),
		      "versions read without its audit row: 503 and no data (%d %.200s)", r.status, r.body);
		resp_free(&r);
		run cr;
		CLI(&cr, NULL, "export", "--deidentified", "--db", url);
		check(cr.status == 1 && cr.out[0] == '\0' && strstr(cr.err, "audit log refused"),
		      "an export without its audit row writes nothing (%d, %zu bytes out: %s)", cr.status, strlen(cr.out), cr.err);
		run_free(&cr);
		check(smx_store_exec(st, drop) == SM_STORE_OK, "drop the trigger: %s", sm_store_errmsg(st));
		api(port, people[W_CLN].token, "GET", path, NULL, &r);
		check(r.status == 200, "versions read again once the audit log works: %d", r.status);
		resp_free(&r);
	}
	sm_store_close(st);
}

/* ---- issue 13: the worklist and the audit report from the case index equal
** the answers computed from every stored document ---- */
static void strip_volatile(json_t *j)
{
	if (json_is_object(j)) {
		json_object_del(j, "generated_at");
		json_object_del(j, "cases_scanned");
		json_object_del(j, "hours_left"); /* moves with the clock between two requests */
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v) strip_volatile(v);
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) strip_volatile(v);
	}
}

static void test_index_equals_documents(int port)
{
	static const struct { int who; const char *path; } Q[] = {
		{W_CLN, "/api/v1/worklist"},
		{W_CLN, "/api/v1/worklist?hours=720"},
		{W_CLS, "/api/v1/worklist?hours=720"},
		{W_CLN, "/api/v1/audit/report?month=2025-03"},
		{W_CLN, "/api/v1/audit/report?month=2025-04"},
		{W_RE, "/api/v1/audit/report?month=2025-03"},
		{W_AD, "/api/v1/audit/report?month=2025-03&site=north"},
		{W_CLN, "/api/v1/cases?limit=200"}, /* urgency from the index */
		{W_RE, "/api/v1/cases?limit=200"},
		{W_RE, "/api/v1/cases?limit=7&offset=3&site=north"},
	};
	enum { NQ = sizeof Q / sizeof Q[0] };
	json_t *indexed[NQ];
	long long scanned_ix = 0, listed = 0;
	for (size_t k = 0; k < NQ; k++) {
		resp r = {0};
		api(port, people[Q[k].who].token, "GET", Q[k].path, NULL, &r);
		check(r.status == 200, "%s: %d", Q[k].path, r.status);
		if (k == 1) {
			scanned_ix = jint(r.json, "cases_scanned");
			listed = (long long)json_array_size(jget(r.json, "cases"));
		}
		indexed[k] = r.json ? json_incref(r.json) : json_null();
		strip_volatile(indexed[k]);
		resp_free(&r);
	}
	check(listed > 0, "the worklist over 720 h lists cases (%lld)", listed);
	sm_store *st = open_store();
	if (!st)
		return;
	check(sm_store_case_index_clear(st) == SM_STORE_OK, "clear the case index: %s", sm_store_errmsg(st));
	sm_store_close(st);
	for (int round = 0; round < 2; round++) {
		long long scanned = 0;
		for (size_t k = 0; k < NQ; k++) {
			resp r = {0};
			api(port, people[Q[k].who].token, "GET", Q[k].path, NULL, &r);
			if (k == 1)
				scanned = jint(r.json, "cases_scanned");
			strip_volatile(r.json);
			check(r.status == 200 && json_equal(indexed[k], r.json),
			      "%s: the same answer %s the case index (%d)", Q[k].path, round ? "after a backfill of" : "without",
			      r.status);
			resp_free(&r);
		}
		if (round == 0) {
			/* without an index every case is read; the index reads fewer */
			check(scanned > scanned_ix, "the index narrows the worklist's reads (%lld read with it, %lld without)",
			      scanned_ix, scanned);
			run cr;
			CLI(&cr, NULL, "db", "migrate", "--db", url);
			check(cr.status == 0 && strstr(cr.out, "case index written for") && !strstr(cr.out, "for 0 case"),
			      "db migrate writes the case index back: %s%s", cr.out, cr.err);
			run_free(&cr);
		} else {
			check(scanned == scanned_ix, "after the backfill the worklist reads as few as before (%lld, %lld)", scanned,
			      scanned_ix);
		}
	}
	for (size_t k = 0; k < NQ; k++)
		json_decref(indexed[k]);
}

/* ---- first start ---- */
/* A first start that cannot listen creates nothing (issue 13: bind before bootstrap). */
static void test_bind_before_bootstrap(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
		check(0, "bind a port to occupy");
		if (fd >= 0)
			close(fd);
		return;
	}
	char listen_at[40];
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
	run r;
	CLI(&r, NULL, "serve", "--listen", listen_at, "--db", boot_url);
	close(fd);
	check(r.status != 0 && strstr(r.err, "cannot listen") && !strstr(r.out, "one-time password"),
	      "serve on a port in use fails before the first start (%d: %s)", r.status, r.err);
	run_free(&r);
	CLI(&r, NULL, "user", "list", "--db", boot_url);
	check(r.status == 0 && !strstr(r.out, "admin"), "no admin was created by the failed start: %s", r.out);
	run_free(&r);
}

static void test_first_start(void)
{
	server s;
	test_bind_before_bootstrap();
	if (server_start(&s, boot_url, NULL)) {
		check(0, "start on an empty registry");
		return;
	}
	const char *p = strstr(s.out, "one-time password for admin: ");
	char pw[64] = "";
	if (p)
		sscanf(p + strlen("one-time password for admin: "), "%63s", pw);
	check(strlen(pw) == 20, "the first start prints admin's one-time password: '%s'", s.out);
	const char *first = "spinemets serve: listening on http://127.0.0.1:";
	check(strncmp(s.out, first, strlen(first)) == 0, "the listening line comes first");
	resp r;
	login(s.port, "admin", pw, &r);
	check(r.status == 200 && json_is_true(jget(r.json, "password_change_required")) && jeq_str(r.json, "user.role", "admin"),
	      "admin logs in with it: must change the password (%d)", r.status);
	char tok[80];
	snprintf(tok, sizeof tok, "%s", jstr(r.json, "token"));
	resp_free(&r);
	api(s.port, tok, "GET", "/api/v1/users", NULL, &r);
	check(r.status == 403 && jeq_str(r.json, "error.code", "password_change_required"), "nothing else works before the change: %d", r.status);
	resp_free(&r);
	char body[200];
	snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"new_password\":\"Zebra-quilt-harbour-9\"}", pw);
	api(s.port, tok, "POST", "/api/v1/password", body, &r);
	check(r.status == 200, "admin changes the password: %d", r.status);
	resp_free(&r);
	api(s.port, tok, "GET", "/api/v1/users", NULL, &r);
	check(r.status == 200 && json_array_size(jget(r.json, "users")) == 1, "then GET /users works: %d", r.status);
	resp_free(&r);
	api(s.port, tok, "GET", "/api/v1/sites", NULL, &r);
	check(r.body && strstr(r.body, "\"code\":\"default\""), "site default exists");
	resp_free(&r);
	api(s.port, tok, "POST", "/api/v1/users", "{\"username\":\"newbie\",\"role\":\"clinician\",\"site\":\"default\"}", &r);
	char otp[64];
	snprintf(otp, sizeof otp, "%s", jstr(r.json, "one_time_password"));
	check(r.status == 201 && strlen(otp) == 20 && json_is_true(jget(r.json, "user.password_change_required")),
	      "admin adds a user with a one-time password: %d", r.status);
	resp_free(&r);
	login(s.port, "newbie", otp, &r);
	check(r.status == 200 && json_is_true(jget(r.json, "password_change_required")), "the new user must change it too");
	resp_free(&r);
	api(s.port, tok, "POST", "/api/v1/users/newbie/password", NULL, &r);
	check(r.status == 200 && strlen(jstr(r.json, "one_time_password")) == 20 && strcmp(jstr(r.json, "one_time_password"), otp),
	      "admin resets a password: a new one-time password (%d)", r.status);
	resp_free(&r);
	login(s.port, "newbie", otp, &r);
	check(r.status == 401, "the old one-time password is gone: %d", r.status);
	resp_free(&r);
	server_stop(&s, "first-start server");
	if (server_start(&s, boot_url, NULL) == 0) {
		check(strstr(s.out, "one-time password") == NULL, "a second start prints no password");
		server_stop(&s, "second start");
	}
	run cr;
	CLI(&cr, NULL, "db", "check", "--db", boot_url);
	check(cr.status == 0 && strstr(cr.out, "passed"), "db check of the first-start registry: %s%s", cr.out, cr.err);
	run_free(&cr);
}

static int mode_api(void)
{
	double t0 = now_ms();
	test_cli();
	server s;
	if (server_start(&s, url, NULL)) {
		check(0, "could not start the server");
		return 1;
	}
	check(strstr(s.out, "one-time password") == NULL, "a registry with users gets no first-start admin");
	info("server on 127.0.0.1:%d (%s)", s.port, url);
	test_auth(s.port);
	test_matrix(s.port);
	test_researcher_sees_no_identifiers(s.port);
	test_audit_rows(s.port);
	test_injection(s.port);
	test_conflicts(s.port);
	test_validation(s.port);
	test_worklist(s.port);
	test_report(s.port);
	test_index_equals_documents(s.port);
	test_rehash_at_login(s.port);
	test_accounts(s.port);
	test_denied_and_fail_closed(s.port);
	test_expiry(s.port);
	test_openapi(s.port);
	server_stop(&s, "main server");
	test_first_start();
	run cr;
	CLI(&cr, NULL, "db", "check", "--db", url);
	check(cr.status == 0 && strstr(cr.out, "passed"), "db check after the suite: %s%s", cr.out, cr.err);
	run_free(&cr);
	info("api suite took %.1f s", (now_ms() - t0) / 1e3);
	return 0;
}

/* ======================================================================
** Durability: SIGKILL mid-run
** ==================================================================== */
typedef struct ack {
	long long id;
	int version;
	int age;
} ack;

typedef struct writer {
	int port;
	const char *tok;
	int thread;
	int round;
	ack *acks;
	size_t nacks, cap;
	int other;       /* responses other than 200/201/409 before the kill */
} writer;

static void add_ack(writer *w, long long id, int version, int age)
{
	if (w->nacks == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->acks = realloc(w->acks, w->cap * sizeof *w->acks);
	}
	w->acks[w->nacks++] = (ack){id, version, age};
}

static volatile int stop_writers;

static void *writer_main(void *p)
{
	writer *w = p;
	char *doc = mkdoc(ROUTINE, "", 1);
	long long id = 0;
	char ids[64];
	snprintf(ids, sizeof ids, "{\"name\":\"Durable %d-%d\"}", w->round, w->thread);
	resp r;
	size_t n = strlen(doc) + 200;
	char *b = malloc(n);
	snprintf(b, n, "{\"document\":%s,\"identifiers\":%s}", doc, ids);
	int st = api(w->port, w->tok, "POST", "/api/v1/cases", b, &r);
	free(b);
	free(doc);
	if (st == 201) {
		id = jint(r.json, "id");
		add_ack(w, id, 1, 1);
	}
	resp_free(&r);
	int version = 1;
	for (int k = 0; id && !stop_writers && k < 100000; k++) {
		int age = (version % 120) + 1;
		char *d = mkdoc(ROUTINE, "", age);
		char reason[64];
		snprintf(reason, sizeof reason, "r%d-t%d-v%d", w->round, w->thread, version + 1);
		st = put_doc(w->port, w->tok, id, version, d, NULL, reason, NULL);
		free(d);
		if (st == 200) {
			version++;
			add_ack(w, id, version, age);
		} else if (st == 0) {
			break; /* the server is gone */
		} else {
			w->other++;
			break;
		}
	}
	return NULL;
}

static int setup_user(const char *site, const char *user, char tok[80])
{
	run r;
	CLI(&r, NULL, "site", "add", site, "Test site", "--db", url);
	int ok = r.status == 0 || strstr(r.err, "exists");
	run_free(&r);
	char pw[80];
	snprintf(pw, sizeof pw, "%s\n", PASS);
	CLI(&r, pw, "user", "add", user, "--role", "clinician", "--site", site, "--password-stdin", "--db", url);
	ok = ok && (r.status == 0 || strstr(r.err, "in use"));
	run_free(&r);
	return ok && token_for(user, tok) == 0 ? 0 : -1;
}

static int mode_durability(int rounds)
{
	char tok[80];
	check(setup_user("dur", "writer", tok) == 0, "durability: site, user and token");
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	for (int round = 0; round < rounds; round++) {
		server s;
		if (server_start(&s, url, (const char *const[]){"--threads", "4", NULL})) {
			check(0, "durability: start the server");
			return 1;
		}
		enum { NW = 4 };
		writer w[NW];
		pthread_t th[NW];
		stop_writers = 0;
		for (int k = 0; k < NW; k++) {
			memset(&w[k], 0, sizeof w[k]);
			w[k].port = s.port;
			w[k].tok = tok;
			w[k].thread = k;
			w[k].round = round;
			pthread_create(&th[k], NULL, writer_main, &w[k]);
		}
		long delay = 1200 + (long)(rand_r(&seed) % 1500);
		sleep_ms(delay);
		server_kill(&s); /* SIGKILL mid-run */
		for (int k = 0; k < NW; k++)
			pthread_join(th[k], NULL);
		size_t total = 0;
		for (int k = 0; k < NW; k++) {
			total += w[k].nacks;
			check(w[k].other == 0, "durability round %d writer %d: only 200/201 before the kill (%d others)", round, k, w[k].other);
		}
		info("round %d: killed after %ld ms, %zu acknowledged saves", round, delay, total);
		check(total > 4, "round %d: some saves were acknowledged (%zu)", round, total);
		/* restart: every acknowledged save is there */
		if (server_start(&s, url, NULL)) {
			check(0, "durability: restart after SIGKILL");
			return 1;
		}
		size_t missing = 0;
		for (int k = 0; k < NW; k++) {
			for (size_t a = 0; a < w[k].nacks; a++) {
				const ack *x = &w[k].acks[a];
				char path[96];
				snprintf(path, sizeof path, "/api/v1/cases/%lld?version=%d", x->id, x->version);
				resp r;
				api(s.port, tok, "GET", path, NULL, &r);
				if (r.status != 200 || jint(r.json, "document.patient.age_years") != x->age ||
				    (x->version > 1 && jint(r.json, "version") != x->version)) {
					if (missing++ < 5)
						printf("missing: case %lld version %d (status %d)\n", x->id, x->version, r.status);
				}
				resp_free(&r);
			}
			if (w[k].nacks) {
				const ack *last = &w[k].acks[w[k].nacks - 1];
				int v = latest_version(s.port, tok, last->id);
				check(v == last->version || v == last->version + 1,
				      "round %d writer %d: latest version %d is the last acknowledged (%d) or one in flight", round, k, v,
				      last->version);
			}
			free(w[k].acks);
		}
		check(missing == 0, "round %d: every acknowledged save is there after SIGKILL and restart (%zu missing of %zu)", round,
		      missing, total);
		server_stop(&s, "restarted server");
		run cr;
		CLI(&cr, NULL, "db", "check", "--db", url);
		check(cr.status == 0 && strstr(cr.out, "passed"), "round %d: db check after the kill: %s%s", round, cr.out, cr.err);
		run_free(&cr);
	}
	return 0;
}

/* ======================================================================
** Race: several servers, many clients, the same cases
** ==================================================================== */
typedef struct win {
	long long id;
	int version;
	char reason[48];
} win;

typedef struct racer {
	int thread, iters, ncases;
	const int *ports;
	int nports;
	const char *tok;
	const long long *cases;
	win *wins;
	size_t nwins;
	int conflicts, bad;
} racer;

static void *racer_main(void *p)
{
	racer *r = p;
	r->wins = calloc((size_t)r->iters, sizeof *r->wins);
	for (int i = 0; i < r->iters; i++) {
		int port = r->ports[(r->thread + i) % r->nports];
		long long id = r->cases[(r->thread + i) % r->ncases];
		int v = latest_version(port, r->tok, id);
		if (v < 1) {
			r->bad++;
			continue;
		}
		char *doc = mkdoc(URGENT, "", (r->thread * 1000 + i) % 130 + 1);
		char reason[48];
		snprintf(reason, sizeof reason, "race t%d i%d", r->thread, i);
		resp x;
		int st = put_doc(port, r->tok, id, v, doc, NULL, reason, &x);
		free(doc);
		if (st == 200 && jint(x.json, "version") == v + 1) {
			win *w = &r->wins[r->nwins++];
			w->id = id;
			w->version = v + 1;
			snprintf(w->reason, sizeof w->reason, "%s", reason);
		} else if (st == 409 && jint(x.json, "yours.version") == v && jint(x.json, "current.version") > v) {
			r->conflicts++;
		} else {
			if (r->bad++ < 3)
				printf("race: unexpected %d: %.300s\n", st, x.body ? x.body : "");
		}
		resp_free(&x);
	}
	return NULL;
}

static int mode_race(int nservers, int nthreads, int iters, int ncases)
{
	char tok[80];
	check(setup_user("race", "racer", tok) == 0, "race: site, user and token");
	server s[MAX_SERVERS];
	int ports[MAX_SERVERS];
	for (int k = 0; k < nservers; k++) {
		if (server_start(&s[k], url, (const char *const[]){"--threads", "4", NULL})) {
			check(0, "race: start server %d", k);
			for (int j = 0; j < k; j++)
				server_kill(&s[j]);
			return 1;
		}
		ports[k] = s[k].port;
	}
	long long cases[64];
	char *doc = mkdoc(URGENT, "", 40);
	for (int k = 0; k < ncases; k++)
		check(create(ports[k % nservers], tok, doc, NULL, "race start", &cases[k]) == 201, "race: case %d", k);
	free(doc);
	racer *rs = calloc((size_t)nthreads, sizeof *rs);
	pthread_t *th = calloc((size_t)nthreads, sizeof *th);
	double t0 = now_ms();
	for (int t = 0; t < nthreads; t++) {
		rs[t] = (racer){t, iters, ncases, ports, nservers, tok, cases, NULL, 0, 0, 0};
		pthread_create(&th[t], NULL, racer_main, &rs[t]);
	}
	int wins = 0, conflicts = 0, bad = 0;
	for (int t = 0; t < nthreads; t++) {
		pthread_join(th[t], NULL);
		wins += (int)rs[t].nwins;
		conflicts += rs[t].conflicts;
		bad += rs[t].bad;
	}
	info("race: %d servers x %d threads x %d saves on %d cases in %.1f s: %d saved, %d conflicts", nservers, nthreads, iters,
	     ncases, (now_ms() - t0) / 1e3, wins, conflicts);
	check(bad == 0, "race: every failed save is a 409 with both versions (%d others)", bad);
	check(wins + conflicts == nthreads * iters, "race: every save answered 200 or 409");
	check(conflicts > 0, "race: the clients did collide (%d conflicts)", conflicts);
	for (int c = 0; c < ncases; c++) {
		int succ = 0;
		for (int t = 0; t < nthreads; t++)
			for (size_t k = 0; k < rs[t].nwins; k++)
				succ += rs[t].wins[k].id == cases[c];
		int v = latest_version(ports[c % nservers], tok, cases[c]);
		check(v == 1 + succ, "race case %d: final version %d = 1 + %d successful saves (no lost update)", c, v, succ);
		char path[96];
		snprintf(path, sizeof path, "/api/v1/cases/%lld/versions", cases[c]);
		resp r;
		api(ports[0], tok, "GET", path, NULL, &r);
		json_t *vs = jget(r.json, "versions");
		int chain = (int)json_array_size(vs) == v;
		for (int k = 0; chain && k < v; k++)
			chain = jint(json_array_get(vs, (size_t)k), "version") == k + 1;
		check(chain, "race case %d: versions 1..%d, each exactly once", c, v);
		int owners = 1;
		for (int t = 0; t < nthreads; t++)
			for (size_t k = 0; k < rs[t].nwins; k++) {
				const win *w = &rs[t].wins[k];
				if (w->id != cases[c])
					continue;
				json_t *x = json_array_get(vs, (size_t)(w->version - 1));
				if (strcmp(jstr(x, "reason"), w->reason) != 0) {
					owners = 0;
					printf("race: case %lld version %d holds '%s', the winner was '%s'\n", w->id, w->version, jstr(x, "reason"),
					       w->reason);
				}
			}
		check(owners, "race case %d: every version holds the save of the writer told it won", c);
		resp_free(&r);
	}
	for (int t = 0; t < nthreads; t++)
		free(rs[t].wins);
	free(rs);
	free(th);
	for (int k = 0; k < nservers; k++)
		server_stop(&s[k], "race server");
	run cr;
	CLI(&cr, NULL, "db", "check", "--db", url);
	check(cr.status == 0 && strstr(cr.out, "passed"), "race: db check: %s%s", cr.out, cr.err);
	run_free(&cr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s api BIN URL BOOT_URL | durability BIN URL [--rounds N] |\n"
		                "       race BIN URL [--servers N] [--threads N] [--iters N] [--cases N]\n", argv[0]);
		return 2;
	}
	const char *mode = argv[1];
	bin = argv[2];
	url = argv[3];
	crash_guard(); /* unbuffered output; a crash of the suite is a reported failure */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, watchdog);
	alarm((unsigned)watchdog_s);
	int rounds = 2, servers = 2, threads = 8, iters = 25, ncases = 3;
	for (int i = 4; i < argc; i++) {
		if (!strcmp(mode, "api") && i == 4)
			boot_url = argv[i];
		else if (i + 1 < argc && !strcmp(argv[i], "--rounds"))
			rounds = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--servers"))
			servers = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--threads"))
			threads = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--iters"))
			iters = atoi(argv[++i]);
		else if (i + 1 < argc && !strcmp(argv[i], "--cases"))
			ncases = atoi(argv[++i]);
	}
	if (servers < 1 || servers > MAX_SERVERS || threads < 1 || threads > 64 || iters < 1 || ncases < 1 || ncases > 64 ||
	    rounds < 1) {
		fprintf(stderr, "registry_test: bad numbers\n");
		return 2;
	}
	if (!strcmp(mode, "api")) {
		if (!boot_url) {
			fprintf(stderr, "registry_test api: BOOT_URL (an empty registry) needed\n");
			return 2;
		}
		mode_api();
	} else if (!strcmp(mode, "durability")) {
		mode_durability(rounds);
	} else if (!strcmp(mode, "race")) {
		mode_race(servers, threads, iters, ncases);
	} else {
		fprintf(stderr, "registry_test: unknown mode '%s'\n", mode);
		return 2;
	}
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
