/*
** store_test.c: the store suite, one program for both backends.
**
**   store_test URL     (sqlite:PATH on a fresh file, or postgresql://... on a
**                       fresh database; tests/store/run.sh provides both)
**
** Covers every operation of src/store/store.h: URLs, backend settings,
** migrations (ordered, idempotent, newer schema refused), sites, users,
** passwords, tokens, cases as versioned documents (versions, tombstones,
** optimistic concurrency, racing threads), identifiers kept apart, the
** append-only audit log, SQL injection through every text field, search and
** paging, the worklist walk, the integrity check (and that it can fail), the
** handle pool. Ends with "N passed, M failed".
*/
#include "testutil.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_internal.h"

static const char *g_url;
static sm_store *g_st;
static bool g_pg;
static int64_t g_clock = 1767225600; /* 2026-01-01T00:00:00Z */
static int g_seq;

static int64_t tick(void)
{
	return ++g_clock;
}

static sm_store_actor actor(int64_t user)
{
	sm_store_actor a = {user, tick()};
	return a;
}

#define OK(expr) assert_int_equal(SM_STORE_OK, (expr))
#define IS(status, expr) assert_int_equal((status), (expr))

/* ---- helpers ---- */
static int64_t count_sql(const char *sql)
{
	smx_rows r = {0};
	sm_store_status rc = smx_store_raw(g_st, sql, &r);
	if (rc != SM_STORE_OK)
		fail_msg("%s: %s", sql, sm_store_errmsg(g_st));
	assert_int_equal(1, r.nrows);
	int64_t n = strtoll(r.cell[0], NULL, 10);
	smx_rows_free(&r);
	return n;
}

static const char *const TABLES[] = {"sites", "users", "tokens", "cases", "case_versions",
                                     "case_identifiers", "audit_log", "schema_migrations"};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

static void count_all(int64_t *n)
{
	static const char *const sql[NTABLES] = {
		"SELECT COUNT(*) FROM sites", "SELECT COUNT(*) FROM users",
		"SELECT COUNT(*) FROM tokens", "SELECT COUNT(*) FROM cases",
		"SELECT COUNT(*) FROM case_versions", "SELECT COUNT(*) FROM case_identifiers",
		"SELECT COUNT(*) FROM audit_log", "SELECT COUNT(*) FROM schema_migrations"};
	for (size_t k = 0; k < NTABLES; k++)
		n[k] = count_sql(sql[k]);
}

static int64_t new_site(void)
{
	char code[32];
	snprintf(code, sizeof code, "site%d", ++g_seq);
	int64_t id = 0;
	OK(sm_store_site_add(g_st, code, "A hospital", tick(), &id));
	assert_true(id > 0);
	return id;
}

static char g_hash[SM_STORE_PWHASH_SIZE]; /* one argon2id hash shared by test users */

static const char *pwhash(void)
{
	if (!g_hash[0])
		OK(sm_store_password_hash("correct horse", g_hash));
	return g_hash;
}

static int64_t new_user(int64_t site, sm_store_role role)
{
	sm_store_user u = {0};
	snprintf(u.username, sizeof u.username, "user%d", ++g_seq);
	snprintf(u.display_name, sizeof u.display_name, "Dr User %d", g_seq);
	u.role = role;
	u.site_id = site;
	snprintf(u.password_hash, sizeof u.password_hash, "%s", pwhash());
	int64_t id = 0;
	OK(sm_store_user_add(g_st, &u, tick(), &id));
	return id;
}

static char *doc_text(int n)
{
	static char buf[8][128];
	static int k;
	char *b = buf[k++ % 8];
	snprintf(b, sizeof buf[0], "{\"schema\": \"spinemets/case/1\", \"patient\": {\"age_years\": %d}}", n);
	return b;
}

static int64_t new_case(int64_t site, int64_t author, const char *identifiers, int n)
{
	sm_store_save s = {.site_id = site, .identifiers = identifiers, .document = doc_text(n),
	                   .reason = "first assessment"};
	sm_store_actor a = actor(author);
	int64_t id = 0;
	sm_store_status rc = sm_store_case_create(g_st, &a, &s, &id);
	if (rc != SM_STORE_OK)
		fail_msg("create: %s", sm_store_errmsg(g_st));
	return id;
}

static char *ident_json(const char *name, const char *hn, const char *phone)
{
	json_t *j = json_object();
	if (name)
		json_object_set_new(j, "name", json_string(name));
	if (hn)
		json_object_set_new(j, "hospital_number", json_string(hn));
	if (phone)
		json_object_set_new(j, "phone", json_string(phone));
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static bool ci_contains(const char *hay, const char *needle)
{
	if (!hay)
		return false;
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return !*needle;
}

/* ---- tests ---- */
static void t_urls_and_status(void **state)
{
	(void)state;
	const smx_backend *be;
	const char *target;
	char err[SM_STORE_ERRMSG_SIZE];
	OK(smx_store_parse_url(NULL, &be, &target, err, sizeof err));
	assert_string_equal("sqlite", be->name);
	assert_string_equal("spinemets.db", target);
	OK(smx_store_parse_url("sqlite:/tmp/x.db", &be, &target, err, sizeof err));
	assert_string_equal("/tmp/x.db", target);
	OK(smx_store_parse_url("sqlite:///tmp/y.db", &be, &target, err, sizeof err));
	assert_string_equal("/tmp/y.db", target);
	OK(smx_store_parse_url("registry.db", &be, &target, err, sizeof err));
	assert_string_equal("sqlite", be->name);
	assert_string_equal("registry.db", target);
	OK(smx_store_parse_url("postgresql://db.example/registry", &be, &target, err, sizeof err));
	assert_string_equal("postgresql", be->name);
	OK(smx_store_parse_url("postgres:///r?host=/tmp", &be, &target, err, sizeof err));
	assert_string_equal("postgresql", be->name);
	IS(SM_STORE_INVALID, smx_store_parse_url("mysql://x/y", &be, &target, err, sizeof err));
	assert_non_null(strstr(err, "unknown scheme"));
	IS(SM_STORE_INVALID, smx_store_parse_url("sqlite:", &be, &target, err, sizeof err));
	sm_store *st = (sm_store *)1;
	IS(SM_STORE_INVALID, sm_store_open("mysql://x/y", 0, &st, err, sizeof err));
	assert_null(st);
	assert_string_equal("conflict", sm_store_status_name(SM_STORE_CONFLICT));
	assert_string_equal("gone", sm_store_status_name(SM_STORE_GONE));
	assert_string_equal("?", sm_store_status_name((sm_store_status)99));
	assert_non_null(sm_store_strerror((sm_store_status)99));
	assert_string_equal(g_pg ? "postgresql" : "sqlite", sm_store_backend(g_st));
	sm_store_close(NULL);
	sm_store_free(NULL);
}

static const char *raw1(const char *sql, char *buf, size_t size)
{
	smx_rows r = {0};
	if (smx_store_raw(g_st, sql, &r) != SM_STORE_OK)
		fail_msg("%s: %s", sql, sm_store_errmsg(g_st));
	snprintf(buf, size, "%s", r.nrows && r.cell[0] ? r.cell[0] : "");
	smx_rows_free(&r);
	return buf;
}

static void t_backend_settings(void **state)
{
	(void)state;
	char b[64];
	if (!g_pg) {
		assert_string_equal("wal", raw1("PRAGMA journal_mode", b, sizeof b));
		assert_string_equal("2", raw1("PRAGMA synchronous", b, sizeof b)); /* FULL */
		assert_string_equal("1", raw1("PRAGMA foreign_keys", b, sizeof b));
		assert_true(atoi(raw1("PRAGMA busy_timeout", b, sizeof b)) >= 5000);
	} else {
		assert_string_equal("on", raw1("SHOW synchronous_commit", b, sizeof b));
		assert_string_equal("on", raw1("SHOW fsync", b, sizeof b));
		assert_string_equal("UTF8", raw1("SHOW client_encoding", b, sizeof b));
		assert_true(atoi(raw1("SHOW server_version_num", b, sizeof b)) >= 150000);
	}
}

static void t_migrations(void **state)
{
	(void)state;
	int cur = -1, latest = -1, applied = -1;
	OK(sm_store_schema_version(g_st, &cur, &latest));
	assert_true(latest >= 3);
	assert_int_equal(latest, cur);
	OK(sm_store_migrate(g_st, &applied));
	assert_int_equal(0, applied);
	OK(sm_store_migrate(g_st, &applied));
	assert_int_equal(0, applied);
	assert_int_equal(latest, count_sql("SELECT COUNT(*) FROM schema_migrations"));
	/* in order, 1..latest, each with a time */
	smx_rows r = {0};
	OK(smx_store_raw(g_st, "SELECT version, applied_at FROM schema_migrations ORDER BY version", &r));
	assert_int_equal(latest, r.nrows);
	for (size_t k = 0; k < r.nrows; k++) {
		assert_int_equal((long)k + 1, strtol(r.cell[k * 2], NULL, 10));
		assert_true(strtoll(r.cell[k * 2 + 1], NULL, 10) > 0);
	}
	smx_rows_free(&r);
	/* a second handle migrates nothing; SM_STORE_NO_MIGRATE opens too */
	char err[SM_STORE_ERRMSG_SIZE];
	sm_store *b = NULL;
	OK(sm_store_open(g_url, 0, &b, err, sizeof err));
	OK(sm_store_migrate(b, &applied));
	assert_int_equal(0, applied);
	sm_store_close(b);
	OK(sm_store_open(g_url, SM_STORE_NO_MIGRATE, &b, err, sizeof err));
	sm_store_close(b);
	assert_int_equal(latest, count_sql("SELECT COUNT(*) FROM schema_migrations"));
	/* a database migrated by a newer program is refused */
	OK(smx_store_exec(g_st, "INSERT INTO schema_migrations (version, name, applied_at) "
	                        "VALUES (999, 'from the future', 1)"));
	b = NULL;
	IS(SM_STORE_INVALID, sm_store_open(g_url, 0, &b, err, sizeof err));
	assert_null(b);
	assert_non_null(strstr(err, "newer"));
	IS(SM_STORE_INVALID, sm_store_open(g_url, SM_STORE_NO_MIGRATE, &b, err, sizeof err));
	OK(smx_store_exec(g_st, "DELETE FROM schema_migrations WHERE version = 999"));
	OK(sm_store_open(g_url, 0, &b, err, sizeof err));
	sm_store_close(b);
}

static void t_sites(void **state)
{
	(void)state;
	int64_t id = 0, id2 = 0;
	OK(sm_store_site_add(g_st, "leeds", "Leeds Teaching Hospitals", tick(), &id));
	OK(sm_store_site_add(g_st, "york", "York Hospital", tick(), &id2));
	assert_true(id > 0 && id2 != id);
	IS(SM_STORE_EXISTS, sm_store_site_add(g_st, "leeds", "Another", tick(), NULL));
	sm_store_site s;
	OK(sm_store_site_get(g_st, "leeds", &s));
	assert_int_equal(id, s.id);
	assert_string_equal("Leeds Teaching Hospitals", s.name);
	assert_true(s.created_at > 0);
	OK(sm_store_site_get_id(g_st, id2, &s));
	assert_string_equal("york", s.code);
	IS(SM_STORE_NOT_FOUND, sm_store_site_get(g_st, "nowhere", &s));
	IS(SM_STORE_NOT_FOUND, sm_store_site_get_id(g_st, 987654321, &s));
	IS(SM_STORE_INVALID, sm_store_site_add(g_st, "", "Empty code", tick(), NULL));
	IS(SM_STORE_INVALID, sm_store_site_add(g_st, "x", "", tick(), NULL));
	IS(SM_STORE_INVALID, sm_store_site_add(g_st, "tab\there", "Control", tick(), NULL));
	IS(SM_STORE_INVALID, sm_store_site_add(g_st, "bad\xff", "Not UTF-8", tick(), NULL));
	IS(SM_STORE_INVALID, sm_store_site_add(g_st, "overlong\xc0\xaf", "Overlong", tick(), NULL));
	char longcode[100];
	memset(longcode, 'a', sizeof longcode - 1);
	longcode[sizeof longcode - 1] = 0;
	IS(SM_STORE_INVALID, sm_store_site_add(g_st, longcode, "Too long", tick(), NULL));
	sm_store_site *list = NULL;
	size_t n = 0;
	OK(sm_store_site_list(g_st, &list, &n));
	assert_true(n >= 2);
	int seen = 0;
	for (size_t k = 0; k < n; k++) {
		if (k)
			assert_true(strcmp(list[k - 1].code, list[k].code) < 0);
		seen += strcmp(list[k].code, "leeds") == 0 || strcmp(list[k].code, "york") == 0;
	}
	assert_int_equal(2, seen);
	sm_store_free(list);
}

static void t_users(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t ids[SM_NROLES];
	for (int r = 0; r < SM_NROLES; r++) {
		sm_store_user u = {0};
		snprintf(u.username, sizeof u.username, "role-%s-%d", sm_store_role_name((sm_store_role)r), g_seq);
		snprintf(u.display_name, sizeof u.display_name, "Person %d", r);
		u.role = (sm_store_role)r;
		u.site_id = site;
		snprintf(u.password_hash, sizeof u.password_hash, "%s", pwhash());
		OK(sm_store_user_add(g_st, &u, tick(), &ids[r]));
		IS(SM_STORE_EXISTS, sm_store_user_add(g_st, &u, tick(), NULL));
		sm_store_user got;
		OK(sm_store_user_get(g_st, u.username, &got));
		assert_int_equal(ids[r], got.id);
		assert_int_equal(r, got.role);
		assert_int_equal(site, got.site_id);
		assert_true(got.active);
		assert_string_equal(u.display_name, got.display_name);
		assert_string_equal(pwhash(), got.password_hash);
		OK(sm_store_user_get_id(g_st, ids[r], &got));
		assert_string_equal(u.username, got.username);
	}
	assert_int_equal(SM_ROLE_ADMIN, sm_store_role_find("admin"));
	assert_int_equal(-1, sm_store_role_find("superuser"));
	assert_null(sm_store_role_name((sm_store_role)9));

	sm_store_user bad = {0};
	snprintf(bad.username, sizeof bad.username, "bad-%d", ++g_seq);
	snprintf(bad.display_name, sizeof bad.display_name, "Bad");
	snprintf(bad.password_hash, sizeof bad.password_hash, "%s", pwhash());
	bad.role = (sm_store_role)7;
	IS(SM_STORE_INVALID, sm_store_user_add(g_st, &bad, tick(), NULL));
	bad.role = SM_ROLE_CLINICIAN;
	bad.site_id = 987654321;
	IS(SM_STORE_INVALID, sm_store_user_add(g_st, &bad, tick(), NULL));
	bad.site_id = 0; /* no site: allowed (e.g. a registry-wide admin) */
	snprintf(bad.password_hash, sizeof bad.password_hash, "plaintext");
	IS(SM_STORE_INVALID, sm_store_user_add(g_st, &bad, tick(), NULL));
	snprintf(bad.password_hash, sizeof bad.password_hash, "%s", pwhash());
	OK(sm_store_user_add(g_st, &bad, tick(), NULL));

	IS(SM_STORE_NOT_FOUND, sm_store_user_get(g_st, "nobody-at-all", NULL));
	IS(SM_STORE_NOT_FOUND, sm_store_user_get_id(g_st, 987654321, NULL));

	sm_store_user me;
	OK(sm_store_user_get_id(g_st, ids[0], &me));
	sm_store_user who;
	OK(sm_store_user_authenticate(g_st, me.username, "correct horse", &who));
	assert_int_equal(ids[0], who.id);
	IS(SM_STORE_NOT_FOUND, sm_store_user_authenticate(g_st, me.username, "wrong", &who));
	IS(SM_STORE_NOT_FOUND, sm_store_user_authenticate(g_st, "nobody-at-all", "correct horse", &who));

	char h2[SM_STORE_PWHASH_SIZE];
	OK(sm_store_password_hash("battery staple", h2));
	OK(sm_store_user_set_password(g_st, ids[0], h2, tick()));
	IS(SM_STORE_NOT_FOUND, sm_store_user_authenticate(g_st, me.username, "correct horse", &who));
	OK(sm_store_user_authenticate(g_st, me.username, "battery staple", &who));
	assert_true(who.updated_at > me.updated_at);
	IS(SM_STORE_NOT_FOUND, sm_store_user_set_password(g_st, 987654321, h2, tick()));

	OK(sm_store_user_set_active(g_st, ids[0], false, tick()));
	IS(SM_STORE_NOT_FOUND, sm_store_user_authenticate(g_st, me.username, "battery staple", &who));
	OK(sm_store_user_get_id(g_st, ids[0], &who));
	assert_false(who.active);
	OK(sm_store_user_set_active(g_st, ids[0], true, tick()));
	OK(sm_store_user_authenticate(g_st, me.username, "battery staple", &who));
	IS(SM_STORE_NOT_FOUND, sm_store_user_set_active(g_st, 987654321, false, tick()));

	sm_store_user *list = NULL;
	size_t n = 0;
	OK(sm_store_user_list(g_st, site, &list, &n));
	assert_int_equal(SM_NROLES, n);
	for (size_t k = 1; k < n; k++)
		assert_true(strcmp(list[k - 1].username, list[k].username) < 0);
	sm_store_free(list);
	OK(sm_store_user_list(g_st, 0, &list, &n));
	assert_true(n >= SM_NROLES + 1);
	sm_store_free(list);
}

static void t_passwords(void **state)
{
	(void)state;
	char a[SM_STORE_PWHASH_SIZE], b[SM_STORE_PWHASH_SIZE];
	OK(sm_store_password_hash("s3cret pass", a));
	OK(sm_store_password_hash("s3cret pass", b));
	assert_int_equal(0, strncmp(a, "$argon2id$", 10));
	assert_string_not_equal(a, b); /* salted */
	assert_true(sm_store_password_verify(a, "s3cret pass"));
	assert_true(sm_store_password_verify(b, "s3cret pass"));
	assert_false(sm_store_password_verify(a, "s3cret pas"));
	assert_false(sm_store_password_verify(a, ""));
	assert_false(sm_store_password_verify("not a hash", "s3cret pass"));
	assert_false(sm_store_password_verify(NULL, "x"));
	assert_false(sm_store_password_needs_rehash(a));
	/* the limits: 9 MiB, 4 passes, one lane (OWASP minimum; under 30 MB RSS) */
	assert_non_null(strstr(a, "$m=9216,t=4,p=1$"));
	/* a hash made with libsodium's interactive limits (64 MiB, the earlier
	** default) still verifies, and asks to be rehashed */
	char old[crypto_pwhash_STRBYTES];
	assert_int_equal(0, crypto_pwhash_str(old, "s3cret pass", 11, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                                      crypto_pwhash_MEMLIMIT_INTERACTIVE));
	assert_true(sm_store_password_verify(old, "s3cret pass"));
	assert_false(sm_store_password_verify(old, "s3cret pas"));
	assert_true(sm_store_password_needs_rehash(old));
	IS(SM_STORE_INVALID, sm_store_password_hash("", a));
	IS(SM_STORE_INVALID, sm_store_password_hash(NULL, a));
}

/* The forms every door checks before adding a site or a user. */
static void t_code_and_username_forms(void **state)
{
	(void)state;
	assert_true(sm_store_site_code_ok("leeds"));
	assert_true(sm_store_site_code_ok("dhaka-med_1.b"));
	assert_false(sm_store_site_code_ok(""));
	assert_false(sm_store_site_code_ok(NULL));
	assert_false(sm_store_site_code_ok("two words"));
	assert_false(sm_store_site_code_ok("o'brien"));
	assert_false(sm_store_site_code_ok("d\xc3\xa9j\xc3\xa0"));
	char s64[65];
	memset(s64, 'a', 64);
	s64[64] = '\0';
	assert_false(sm_store_site_code_ok(s64)); /* 63 at most */
	s64[63] = '\0';
	assert_true(sm_store_site_code_ok(s64));
	assert_true(sm_store_username_ok("dr.o'brien+mdt@x-y_z"));
	assert_false(sm_store_username_ok("a b"));
	assert_false(sm_store_username_ok(""));
	assert_false(sm_store_username_ok("semi;colon"));
	memset(s64, 'a', 64);
	s64[64] = '\0';
	assert_true(sm_store_username_ok(s64)); /* 64 at most */
	char s65[66];
	memset(s65, 'a', 65);
	s65[65] = '\0';
	assert_false(sm_store_username_ok(s65));
}

static void t_tokens(void **state)
{
	(void)state;
	char t1[SM_STORE_TOKEN_SIZE], t2[SM_STORE_TOKEN_SIZE];
	char h1[SM_STORE_TOKEN_HASH_SIZE], h1b[SM_STORE_TOKEN_HASH_SIZE], h2[SM_STORE_TOKEN_HASH_SIZE];
	OK(sm_store_token_generate(t1));
	OK(sm_store_token_generate(t2));
	assert_int_equal(64, strlen(t1));
	assert_int_equal(64, strspn(t1, "0123456789abcdef"));
	assert_string_not_equal(t1, t2);
	OK(sm_store_token_hash(t1, h1));
	OK(sm_store_token_hash(t1, h1b));
	OK(sm_store_token_hash(t2, h2));
	assert_string_equal(h1, h1b);
	assert_string_not_equal(h1, t1);
	assert_int_equal(64, strspn(h1, "0123456789abcdef"));

	int64_t site = new_site();
	int64_t uid = new_user(site, SM_ROLE_COORDINATOR);
	int64_t t0 = tick();
	int64_t id = 0;
	OK(sm_store_token_add(g_st, h1, uid, SM_TOKEN_SESSION, t0, t0 + 100, &id));
	assert_true(id > 0);
	IS(SM_STORE_EXISTS, sm_store_token_add(g_st, h1, uid, SM_TOKEN_SESSION, t0, t0 + 100, NULL));
	OK(sm_store_token_add(g_st, h2, uid, SM_TOKEN_API, t0, t0 + 1000000, NULL));
	sm_store_user u;
	sm_store_token tok;
	OK(sm_store_token_lookup(g_st, h1, t0, &u, &tok));
	assert_int_equal(uid, u.id);
	assert_int_equal(SM_ROLE_COORDINATOR, u.role);
	assert_int_equal(SM_TOKEN_SESSION, tok.kind);
	assert_int_equal(t0 + 100, tok.expires_at);
	OK(sm_store_token_lookup(g_st, h1, t0 + 99, &u, NULL));
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h1, t0 + 100, &u, NULL)); /* expired */
	OK(sm_store_token_lookup(g_st, h2, t0 + 100, &u, &tok));
	assert_int_equal(SM_TOKEN_API, tok.kind);
	assert_string_equal("api", sm_store_token_kind_name(SM_TOKEN_API));

	size_t n = 99;
	OK(sm_store_token_delete_expired(g_st, t0 + 100, &n));
	assert_true(n >= 1);
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h1, t0, &u, NULL)); /* gone for good */
	OK(sm_store_token_delete(g_st, h2));
	IS(SM_STORE_NOT_FOUND, sm_store_token_delete(g_st, h2));
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h2, t0, &u, NULL));

	/* a deactivated user's tokens stop working (and are deleted) */
	OK(sm_store_token_add(g_st, h2, uid, SM_TOKEN_API, t0, t0 + 1000000, NULL));
	OK(sm_store_user_set_active(g_st, uid, false, tick()));
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h2, t0, &u, NULL));
	OK(sm_store_user_set_active(g_st, uid, true, tick()));
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h2, t0, &u, NULL));
	OK(sm_store_token_add(g_st, h2, uid, SM_TOKEN_API, t0, t0 + 1000000, NULL));
	OK(sm_store_token_delete_user(g_st, uid, &n));
	assert_int_equal(1, n);

	IS(SM_STORE_INVALID, sm_store_token_add(g_st, h1, 987654321, SM_TOKEN_API, t0, t0 + 9, NULL));
	IS(SM_STORE_INVALID, sm_store_token_add(g_st, "plain-token", uid, SM_TOKEN_API, t0, t0 + 9, NULL));
	IS(SM_STORE_INVALID, sm_store_token_add(g_st, h1, uid, SM_TOKEN_API, t0, t0, NULL));
	IS(SM_STORE_INVALID, sm_store_token_add(g_st, h1, uid, (sm_store_token_kind)5, t0, t0 + 9, NULL));
	IS(SM_STORE_INVALID, sm_store_token_lookup(g_st, "' OR 1=1 --", t0, &u, NULL));
}

/* migration 4: must-change passwords, session touch, registry secrets */
static void t_must_change_touch_secret(void **state)
{
	(void)state;
	int64_t site = new_site();
	sm_store_user u = {0}, got;
	snprintf(u.username, sizeof u.username, "otp%d", ++g_seq);
	snprintf(u.display_name, sizeof u.display_name, "One-time");
	u.role = SM_ROLE_CLINICIAN;
	u.site_id = site;
	u.must_change_password = true;
	snprintf(u.password_hash, sizeof u.password_hash, "%s", pwhash());
	int64_t uid = 0;
	OK(sm_store_user_add(g_st, &u, tick(), &uid));
	OK(sm_store_user_get_id(g_st, uid, &got));
	assert_true(got.must_change_password);
	OK(sm_store_user_authenticate(g_st, u.username, "correct horse", &got));
	assert_true(got.must_change_password);
	OK(sm_store_user_set_password(g_st, uid, pwhash(), tick())); /* the user's own choice */
	OK(sm_store_user_get_id(g_st, uid, &got));
	assert_false(got.must_change_password);
	OK(sm_store_user_set_password_ex(g_st, uid, pwhash(), true, tick())); /* an admin's reset */
	OK(sm_store_user_get_id(g_st, uid, &got));
	assert_true(got.must_change_password);
	IS(SM_STORE_NOT_FOUND, sm_store_user_set_password_ex(g_st, 987654321, pwhash(), true, tick()));
	int64_t other = new_user(site, SM_ROLE_RESEARCHER);
	OK(sm_store_user_get_id(g_st, other, &got));
	assert_false(got.must_change_password);

	/* touch: a session's expiry only moves forward */
	char t[SM_STORE_TOKEN_SIZE], h[SM_STORE_TOKEN_HASH_SIZE];
	OK(sm_store_token_generate(t));
	OK(sm_store_token_hash(t, h));
	int64_t t0 = tick(), id = 0;
	OK(sm_store_token_add(g_st, h, uid, SM_TOKEN_SESSION, t0, t0 + 10, &id));
	sm_store_token tok;
	OK(sm_store_token_touch(g_st, id, t0 + 50));
	OK(sm_store_token_lookup(g_st, h, t0 + 40, &got, &tok));
	assert_int_equal(t0 + 50, tok.expires_at);
	assert_true(got.must_change_password); /* the lookup carries the flag */
	OK(sm_store_token_touch(g_st, id, t0 + 20)); /* never backward */
	OK(sm_store_token_lookup(g_st, h, t0 + 40, &got, &tok));
	assert_int_equal(t0 + 50, tok.expires_at);
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h, t0 + 50, &got, NULL));

	/* secrets: made once, the same for every later call and every handle */
	char s1[SM_STORE_TOKEN_SIZE], s2[SM_STORE_TOKEN_SIZE], s3[SM_STORE_TOKEN_SIZE];
	OK(sm_store_secret(g_st, "test.key_1", tick(), s1));
	assert_int_equal(64, strlen(s1));
	assert_int_equal(64, strspn(s1, "0123456789abcdef"));
	OK(sm_store_secret(g_st, "test.key_1", tick(), s2));
	assert_string_equal(s1, s2);
	OK(sm_store_secret(g_st, "test.key_2", tick(), s3));
	assert_string_not_equal(s1, s3);
	IS(SM_STORE_INVALID, sm_store_secret(g_st, "", tick(), s3));
	IS(SM_STORE_INVALID, sm_store_secret(g_st, "x'; DROP TABLE registry_secrets; --", tick(), s3));
	assert_int_equal(2, count_sql("SELECT COUNT(*) FROM registry_secrets WHERE name LIKE 'test.%'"));
}

/* issue 13: password quality, usernames one per spelling, sessions ended at a
** password change, password_set_at kept by a rehash, the case-collision
** refusal of migration 5 (and recovery once renamed) */
static void t_accounts(void **state)
{
	(void)state;
	char why[300];
	static const char *const weak[] = {"short-pass1", "aaaaaaaaaaaa", "password1234", "abcdefghijkl",
	                                   "123456789012", "Password2024!", "xxxxbob-the-builder", "clinAclinA-99"};
	for (size_t k = 0; k < sizeof weak / sizeof weak[0]; k++) {
		why[0] = 0;
		if (sm_store_password_quality(weak[k], "clinA", NULL, why, sizeof why) != SM_STORE_INVALID)
			fail_msg("weak password accepted: %s", weak[k]);
		assert_true(why[0] != 0);
	}
	OK(sm_store_password_quality("kettle-staple-mango-7", "clinA", NULL, why, sizeof why));
	OK(sm_store_password_quality("Zebra-quilt-harbour-9", NULL, NULL, why, sizeof why));
	IS(SM_STORE_INVALID, sm_store_password_quality("Zebra-quilt-harbour-9", NULL, "Zebra-quilt-harbour-8", why,
	                                               sizeof why));

	/* usernames: one per spelling without regard to case */
	int64_t site = new_site();
	sm_store_user u = {0}, got;
	snprintf(u.username, sizeof u.username, "CaseUser%d", ++g_seq);
	snprintf(u.display_name, sizeof u.display_name, "Case user");
	u.role = SM_ROLE_CLINICIAN;
	u.site_id = site;
	snprintf(u.password_hash, sizeof u.password_hash, "%s", pwhash());
	int64_t uid = 0;
	int64_t t_add = tick();
	OK(sm_store_user_add(g_st, &u, t_add, &uid));
	OK(sm_store_user_get_id(g_st, uid, &got));
	assert_int_equal(t_add, got.password_set_at);
	char upper[SM_STORE_USERNAME_SIZE], lower[SM_STORE_USERNAME_SIZE];
	for (size_t k = 0; k <= strlen(u.username); k++) {
		upper[k] = (char)((u.username[k] >= 'a' && u.username[k] <= 'z') ? u.username[k] - 32 : u.username[k]);
		lower[k] = (char)((u.username[k] >= 'A' && u.username[k] <= 'Z') ? u.username[k] + 32 : u.username[k]);
	}
	sm_store_user dup = u;
	snprintf(dup.username, sizeof dup.username, "%s", upper);
	IS(SM_STORE_EXISTS, sm_store_user_add(g_st, &dup, tick(), NULL));
	assert_non_null(strstr(sm_store_errmsg(g_st), "letter case"));
	OK(sm_store_user_get(g_st, lower, &got));
	assert_int_equal(uid, got.id);
	assert_string_equal(u.username, got.username); /* stored as given */
	OK(sm_store_user_authenticate(g_st, upper, "correct horse", &got));
	assert_int_equal(uid, got.id);

	/* a password change ends the user's other sessions (not the one making it, not API tokens) */
	char t[4][SM_STORE_TOKEN_SIZE], h[4][SM_STORE_TOKEN_HASH_SIZE];
	int64_t tid[4];
	int64_t now = tick();
	for (int k = 0; k < 4; k++) {
		OK(sm_store_token_generate(t[k]));
		OK(sm_store_token_hash(t[k], h[k]));
		OK(sm_store_token_add(g_st, h[k], uid, k == 3 ? SM_TOKEN_API : SM_TOKEN_SESSION, now, now + 3600, &tid[k]));
	}
	size_t revoked = 99;
	int64_t t_set = tick();
	OK(sm_store_user_change_password(g_st, uid, pwhash(), false, t_set, tid[1], &revoked));
	assert_int_equal(2, revoked);
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h[0], now + 1, NULL, NULL));
	OK(sm_store_token_lookup(g_st, h[1], now + 1, NULL, NULL));
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h[2], now + 1, NULL, NULL));
	OK(sm_store_token_lookup(g_st, h[3], now + 1, NULL, NULL));
	OK(sm_store_user_get_id(g_st, uid, &got));
	assert_int_equal(t_set, got.password_set_at);
	assert_false(got.must_change_password);
	/* a reset by an administrator (keep 0) ends every session */
	OK(sm_store_user_change_password(g_st, uid, pwhash(), true, tick(), 0, &revoked));
	assert_int_equal(1, revoked);
	IS(SM_STORE_NOT_FOUND, sm_store_token_lookup(g_st, h[1], now + 1, NULL, NULL));
	OK(sm_store_user_get_id(g_st, uid, &got));
	int64_t set_at = got.password_set_at;
	assert_true(got.must_change_password);
	/* a rehash keeps when the password was set and that it is one-time */
	OK(sm_store_user_rehash(g_st, uid, pwhash()));
	OK(sm_store_user_get_id(g_st, uid, &got));
	assert_int_equal(set_at, got.password_set_at);
	assert_true(got.must_change_password);
	IS(SM_STORE_NOT_FOUND, sm_store_user_rehash(g_st, 987654321, pwhash()));

	/* migration 5 on a registry whose usernames collide without regard to case:
	** take the schema back to version 4, add the collision, reopen */
	OK(smx_store_exec(g_st, "DROP INDEX cases_ix_due; DROP INDEX cases_ix_start; DROP INDEX cases_ix_invalid"));
	static const char *const ixcols[] = {"ix_valid", "ix_urgency", "ix_started", "ix_start", "ix_closed", "ix_next_due"};
	for (size_t k = 0; k < 6; k++) {
		char drop[80];
		snprintf(drop, sizeof drop, "ALTER TABLE cases DROP COLUMN %s", ixcols[k]);
		OK(smx_store_exec(g_st, drop));
	}
	OK(smx_store_exec(g_st, "DROP INDEX users_username_nocase"));
	OK(smx_store_exec(g_st, "ALTER TABLE users DROP COLUMN password_set_at"));
	OK(smx_store_exec(g_st, "DELETE FROM schema_migrations WHERE version >= 5"));
	char sql[400];
	snprintf(sql, sizeof sql,
	         "INSERT INTO users (username, display_name, role, site_id, password_hash, active, created_at, "
	         "updated_at, must_change_password) SELECT '%s', 'Twin', role, site_id, password_hash, 1, 1, 1, 0 "
	         "FROM users WHERE id = %lld",
	         upper, (long long)uid);
	OK(smx_store_exec(g_st, sql));
	char err[SM_STORE_ERRMSG_SIZE];
	sm_store *b = NULL;
	IS(SM_STORE_INVALID, sm_store_open(g_url, 0, &b, err, sizeof err));
	assert_null(b);
	assert_non_null(strstr(err, "differ only in letter case"));
	assert_non_null(strstr(err, upper));
	assert_non_null(strstr(err, u.username));
	/* nothing changed: still version 4 */
	assert_int_equal(0, count_sql("SELECT COUNT(*) FROM schema_migrations WHERE version >= 5"));
	snprintf(sql, sizeof sql, "UPDATE users SET username = 'renamed_%d' WHERE username = '%s'", g_seq, upper);
	OK(smx_store_exec(g_st, sql));
	OK(sm_store_open(g_url, 0, &b, err, sizeof err));
	sm_store_close(b);
	assert_int_equal(1, count_sql("SELECT COUNT(*) FROM schema_migrations WHERE version = 5"));
	assert_int_equal(1, count_sql("SELECT COUNT(*) FROM schema_migrations WHERE version = 6"));
	OK(sm_store_user_get_id(g_st, uid, &got)); /* backfilled from updated_at */
	assert_true(got.password_set_at > 0);
}

/* issue 13: a new SQLite registry and its -wal and -shm files are 0600 whatever the umask */
static void t_file_modes(void **state)
{
	(void)state;
	if (g_pg)
		skip();
	const char *path = g_url + strlen("sqlite:");
	char fresh[600];
	snprintf(fresh, sizeof fresh, "%s.modes.db", path);
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t k = 0; k < 3; k++) {
		char f[640];
		snprintf(f, sizeof f, "%s%s", fresh, suffix[k]);
		unlink(f);
	}
	mode_t old = umask(022);
	char url[640], err[SM_STORE_ERRMSG_SIZE];
	snprintf(url, sizeof url, "sqlite:%s", fresh);
	sm_store *b = NULL;
	OK(sm_store_open(url, 0, &b, err, sizeof err));
	OK(sm_store_site_add(b, "modes", "Modes", tick(), NULL)); /* a write: the WAL exists now */
	umask(old);
	for (size_t k = 0; k < 3; k++) {
		char f[640];
		snprintf(f, sizeof f, "%s%s", fresh, suffix[k]);
		struct stat sb;
		if (stat(f, &sb) != 0)
			fail_msg("%s: not there", f);
		if ((sb.st_mode & 0777) != 0600)
			fail_msg("%s: mode %o, want 600", f, (unsigned)(sb.st_mode & 0777));
	}
	sm_store_close(b);
	for (size_t k = 0; k < 3; k++) {
		char f[640];
		snprintf(f, sizeof f, "%s%s", fresh, suffix[k]);
		unlink(f);
	}
}

static void t_case_create_get(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t uid = new_user(site, SM_ROLE_CLINICIAN);
	const char *ids = "{\"name\": \"Ada Lovelace\", \"hospital_number\": \"RX1 234\", \"phone\": \"0113 000 0000\"}";
	const char *doc = "{\"schema\": \"spinemets/case/1\", \"primary\": \"breast\"}";
	const char *asmt = "{\"triage\": {\"urgency\": \"urgent\"}}";
	const char *defs = "{\"sins\": \"fisher-2010\", \"tokuhashi\": \"tokuhashi-2005\"}";
	sm_store_save s = {.site_id = site, .identifiers = ids, .document = doc, .assessment = asmt,
	                   .engine_version = "0.1.0", .definitions = defs, .reason = "new referral"};
	sm_store_actor a = actor(uid);
	int64_t cid = 0;
	OK(sm_store_case_create(g_st, &a, &s, &cid));
	assert_true(cid > 0);

	sm_store_case *c = NULL;
	OK(sm_store_case_get(g_st, NULL, cid, 0, 0, &c));
	assert_int_equal(cid, c->case_id);
	assert_int_equal(site, c->site_id);
	assert_int_equal(1, c->version);
	assert_int_equal(1, c->latest_version);
	assert_false(c->deleted);
	assert_false(c->case_deleted);
	assert_int_equal(uid, c->author_id);
	assert_int_equal(a.at, c->at);
	assert_string_equal("new referral", c->reason);
	assert_string_equal(doc, c->document);
	assert_string_equal(asmt, c->assessment);
	assert_string_equal("0.1.0", c->engine_version);
	assert_string_equal(defs, c->definitions);
	assert_null(c->identifiers); /* not asked for */
	assert_int_equal(0, c->identifiers_version);
	sm_store_free(c);

	int64_t audit0 = count_sql("SELECT COUNT(*) FROM audit_log");
	IS(SM_STORE_INVALID, sm_store_case_get(g_st, NULL, cid, 0, SM_STORE_IDENTIFIERS, &c));
	sm_store_actor reader = actor(uid);
	OK(sm_store_case_get(g_st, &reader, cid, 1, SM_STORE_IDENTIFIERS, &c));
	assert_string_equal(ids, c->identifiers);
	assert_int_equal(1, c->identifiers_version);
	sm_store_free(c);
	assert_int_equal(audit0 + 1, count_sql("SELECT COUNT(*) FROM audit_log"));

	/* an assessment records its engine version and definitions, or is refused */
	sm_store_save bad = s;
	bad.engine_version = NULL;
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &bad, NULL));
	bad = s;
	bad.definitions = NULL;
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &bad, NULL));
	/* without identifiers and without an assessment */
	sm_store_save plain = {.site_id = site, .document = doc, .reason = "anonymous"};
	OK(sm_store_case_create(g_st, &a, &plain, &cid));
	OK(sm_store_case_get(g_st, &reader, cid, 0, SM_STORE_IDENTIFIERS, &c));
	assert_null(c->identifiers);
	assert_null(c->assessment);
	assert_null(c->engine_version);
	sm_store_free(c);
	/* the system (user 0) may write, e.g. an import */
	sm_store_actor sys = actor(0);
	OK(sm_store_case_create(g_st, &sys, &plain, &cid));
	OK(sm_store_case_get(g_st, NULL, cid, 0, 0, &c));
	assert_int_equal(0, c->author_id);
	sm_store_free(c);
}

static void t_versioning(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u1 = new_user(site, SM_ROLE_CLINICIAN), u2 = new_user(site, SM_ROLE_COORDINATOR);
	const char *idA = "{\"name\": \"First Name\", \"hospital_number\": \"A1\"}";
	const char *idB = "{\"name\": \"Married Name\", \"hospital_number\": \"A1\", \"phone\": null}";
	int64_t cid = new_case(site, u1, idA, 1);
	sm_store_actor a2 = actor(u2), a3 = actor(u1);
	sm_store_save s2 = {.document = doc_text(2), .reason = "MRI result"};
	sm_store_save s3 = {.document = doc_text(3), .identifiers = idB, .reason = "name changed"};
	int v = 0;
	OK(sm_store_case_update(g_st, &a2, cid, 1, &s2, &v));
	assert_int_equal(2, v);
	OK(sm_store_case_update(g_st, &a3, cid, 2, &s3, &v));
	assert_int_equal(3, v);

	sm_store_actor r = actor(u1);
	for (int k = 1; k <= 3; k++) {
		sm_store_case *c = NULL;
		OK(sm_store_case_get(g_st, &r, cid, k, SM_STORE_IDENTIFIERS, &c));
		assert_int_equal(k, c->version);
		assert_int_equal(3, c->latest_version);
		assert_string_equal(doc_text(k), c->document);
		assert_string_equal(k < 3 ? idA : idB, c->identifiers);
		assert_int_equal(k < 3 ? 1 : 3, c->identifiers_version);
		sm_store_free(c);
	}
	sm_store_case *c = NULL;
	OK(sm_store_case_get(g_st, NULL, cid, 0, 0, &c));
	assert_int_equal(3, c->version);
	sm_store_free(c);
	IS(SM_STORE_NOT_FOUND, sm_store_case_get(g_st, NULL, cid, 4, 0, &c));
	assert_null(c);
	IS(SM_STORE_NOT_FOUND, sm_store_case_get(g_st, NULL, 987654321, 0, 0, &c));
	IS(SM_STORE_INVALID, sm_store_case_get(g_st, NULL, cid, -1, 0, &c));

	sm_store_versions *h = NULL;
	OK(sm_store_case_versions(g_st, cid, &h));
	assert_int_equal(3, h->n);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal((int)k + 1, h->v[k].version);
	assert_int_equal(u1, h->v[0].author_id);
	assert_int_equal(u2, h->v[1].author_id);
	assert_string_equal("first assessment", h->v[0].reason);
	assert_string_equal("MRI result", h->v[1].reason);
	assert_string_equal("name changed", h->v[2].reason);
	assert_int_equal(a2.at, h->v[1].at);
	assert_true(h->v[0].identifiers_changed);
	assert_false(h->v[1].identifiers_changed);
	assert_true(h->v[2].identifiers_changed);
	assert_false(h->v[2].deleted);
	assert_true(strlen(h->v[0].author) > 0);
	sm_store_free(h);
	IS(SM_STORE_NOT_FOUND, sm_store_case_versions(g_st, 987654321, &h));
	assert_null(h);
	OK(sm_store_check(g_st));
}

static void t_tombstone(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_CLINICIAN);
	int64_t cid = new_case(site, u, "{\"name\": \"To Be Deleted\"}", 1);
	sm_store_actor a = actor(u);
	sm_store_save s = {.document = doc_text(2), .reason = "update"};
	int v = 0;
	OK(sm_store_case_update(g_st, &a, cid, 1, &s, &v));
	IS(SM_STORE_CONFLICT, sm_store_case_delete(g_st, &a, cid, 1, "stale delete", &v));
	assert_int_equal(2, v);
	IS(SM_STORE_INVALID, sm_store_case_delete(g_st, &a, cid, 2, "", &v));
	OK(sm_store_case_delete(g_st, &a, cid, 2, "entered on the wrong patient", &v));
	assert_int_equal(3, v);

	sm_store_case *c = NULL;
	IS(SM_STORE_GONE, sm_store_case_get(g_st, NULL, cid, 0, 0, &c));
	assert_non_null(c);
	assert_true(c->deleted);
	assert_true(c->case_deleted);
	assert_int_equal(3, c->version);
	assert_null(c->document);
	assert_string_equal("entered on the wrong patient", c->reason);
	sm_store_free(c);
	OK(sm_store_case_get(g_st, NULL, cid, 2, 0, &c)); /* history stays readable */
	assert_false(c->deleted);
	assert_true(c->case_deleted);
	assert_string_equal(doc_text(2), c->document);
	sm_store_free(c);

	IS(SM_STORE_GONE, sm_store_case_update(g_st, &a, cid, 3, &s, &v));
	assert_int_equal(3, v);
	IS(SM_STORE_GONE, sm_store_case_delete(g_st, &a, cid, 3, "again", &v));

	sm_store_versions *h = NULL;
	OK(sm_store_case_versions(g_st, cid, &h));
	assert_int_equal(3, h->n);
	assert_true(h->v[2].deleted);
	assert_false(h->v[1].deleted);
	assert_string_equal("entered on the wrong patient", h->v[2].reason);
	sm_store_free(h);

	sm_store_actor r = actor(u);
	sm_store_query q = {.site_id = site};
	sm_store_case_list *l = NULL;
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(0, l->n);
	sm_store_free(l);
	q.include_deleted = true;
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(1, l->n);
	assert_true(l->rows[0].deleted);
	assert_string_equal("To Be Deleted", l->rows[0].name);
	sm_store_free(l);
	/* nothing physically removed: the identifiers and every version are there */
	assert_true(count_sql("SELECT COUNT(*) FROM case_identifiers WHERE name = 'To Be Deleted'") == 1);
	OK(sm_store_check(g_st));
}

static void t_conflict(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u1 = new_user(site, SM_ROLE_CLINICIAN), u2 = new_user(site, SM_ROLE_CLINICIAN);
	int64_t cid = new_case(site, u1, NULL, 1);
	sm_store_actor a1 = actor(u1), a2 = actor(u2);
	sm_store_save mine = {.document = doc_text(10), .reason = "mine"};
	sm_store_save theirs = {.document = doc_text(20), .reason = "theirs"};
	int v = 0;
	OK(sm_store_case_update(g_st, &a1, cid, 1, &mine, &v));
	assert_int_equal(2, v);
	int64_t before = count_sql("SELECT COUNT(*) FROM case_versions");
	IS(SM_STORE_CONFLICT, sm_store_case_update(g_st, &a2, cid, 1, &theirs, &v));
	assert_int_equal(2, v); /* the current version, to show both */
	assert_non_null(strstr(sm_store_errmsg(g_st), "version 2"));
	assert_int_equal(before, count_sql("SELECT COUNT(*) FROM case_versions"));
	sm_store_case *c1 = NULL, *c2 = NULL;
	OK(sm_store_case_get(g_st, NULL, cid, 1, 0, &c1));
	OK(sm_store_case_get(g_st, NULL, cid, v, 0, &c2));
	assert_string_equal(doc_text(1), c1->document);
	assert_string_equal(doc_text(10), c2->document);
	sm_store_free(c1);
	sm_store_free(c2);
	/* a newer expected version than exists is also a conflict */
	IS(SM_STORE_CONFLICT, sm_store_case_update(g_st, &a2, cid, 5, &theirs, &v));
	assert_int_equal(2, v);
	OK(sm_store_case_update(g_st, &a2, cid, 2, &theirs, &v));
	assert_int_equal(3, v);
	IS(SM_STORE_NOT_FOUND, sm_store_case_update(g_st, &a2, 987654321, 1, &theirs, &v));
	IS(SM_STORE_INVALID, sm_store_case_update(g_st, &a2, cid, 0, &theirs, &v));
}

/* Threads, each with its own handle, update one case in lock-step rounds:
** every round all read the same version and all try to save on it, so
** exactly one wins and the others get CONFLICT. */
enum { RACE_THREADS = 4, RACE_ROUNDS = 15 };
typedef struct racer {
	int idx;
	int64_t case_id, user;
	pthread_barrier_t *bar;
	int ok, conflict, other;
	int won[RACE_ROUNDS]; /* version won in each round, or 0 */
	char msg[640];
} racer;

static void *race_thread(void *arg)
{
	racer *r = arg;
	char err[SM_STORE_ERRMSG_SIZE];
	sm_store *st = NULL;
	if (sm_store_open(g_url, SM_STORE_NO_MIGRATE, &st, err, sizeof err) != SM_STORE_OK) {
		snprintf(r->msg, sizeof r->msg, "open: %s", err);
		r->other = 1;
	}
	for (int round = 0; round < RACE_ROUNDS; round++) {
		pthread_barrier_wait(r->bar);
		int v = 0;
		if (st) {
			sm_store_case *c = NULL;
			if (sm_store_case_get(st, NULL, r->case_id, 0, 0, &c) == SM_STORE_OK)
				v = c->version;
			sm_store_free(c);
		}
		pthread_barrier_wait(r->bar);
		if (!st || !v) {
			r->other++;
			continue;
		}
		char doc[96];
		snprintf(doc, sizeof doc, "{\"racer\": %d, \"round\": %d}", r->idx, round);
		sm_store_save s = {.document = doc, .reason = "race"};
		sm_store_actor a = {r->user, 1767225600 + round};
		int nv = 0;
		sm_store_status rc = sm_store_case_update(st, &a, r->case_id, v, &s, &nv);
		if (rc == SM_STORE_OK) {
			r->ok++;
			r->won[round] = nv;
		} else if (rc == SM_STORE_CONFLICT) {
			r->conflict++;
		} else {
			r->other++;
			snprintf(r->msg, sizeof r->msg, "%s: %s", sm_store_status_name(rc),
			         sm_store_errmsg(st));
		}
	}
	sm_store_close(st);
	return NULL;
}

static void t_race_threads(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_CLINICIAN);
	int64_t cid = new_case(site, u, NULL, 0);
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, RACE_THREADS);
	racer r[RACE_THREADS];
	pthread_t th[RACE_THREADS];
	for (int k = 0; k < RACE_THREADS; k++) {
		memset(&r[k], 0, sizeof r[k]);
		r[k].idx = k;
		r[k].case_id = cid;
		r[k].user = u;
		r[k].bar = &bar;
		pthread_create(&th[k], NULL, race_thread, &r[k]);
	}
	for (int k = 0; k < RACE_THREADS; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&bar);
	int ok = 0, conflicts = 0;
	for (int k = 0; k < RACE_THREADS; k++) {
		if (r[k].other)
			fail_msg("racer %d: %d failures that are not conflicts (%s)", k, r[k].other, r[k].msg);
		ok += r[k].ok;
		conflicts += r[k].conflict;
	}
	/* exactly one winner per round, and its version is round + 2 */
	for (int round = 0; round < RACE_ROUNDS; round++) {
		int winners = 0;
		for (int k = 0; k < RACE_THREADS; k++)
			if (r[k].won[round]) {
				winners++;
				assert_int_equal(round + 2, r[k].won[round]);
			}
		assert_int_equal(1, winners);
	}
	assert_int_equal(RACE_ROUNDS, ok);
	assert_int_equal(RACE_ROUNDS * (RACE_THREADS - 1), conflicts);
	sm_store_versions *h = NULL;
	OK(sm_store_case_versions(g_st, cid, &h));
	assert_int_equal(ok + 1, h->n); /* successes == final version - 1 */
	for (size_t k = 0; k < h->n; k++)
		assert_int_equal((int)k + 1, h->v[k].version);
	sm_store_free(h);
	/* each saved version holds the document of the thread told it won */
	for (int round = 0; round < RACE_ROUNDS; round++)
		for (int k = 0; k < RACE_THREADS; k++)
			if (r[k].won[round]) {
				char doc[96];
				snprintf(doc, sizeof doc, "{\"racer\": %d, \"round\": %d}", k, round);
				sm_store_case *c = NULL;
				OK(sm_store_case_get(g_st, NULL, cid, r[k].won[round], 0, &c));
				assert_string_equal(doc, c->document);
				sm_store_free(c);
			}
	OK(sm_store_check(g_st));
}

static void t_identifiers_apart(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_CLINICIAN);
	const char *ids = "{\"name\": \"Zebulon Quixote\", \"hospital_number\": \"ZQ-777001\", \"phone\": \"+44 7700 900777\"}";
	int64_t cid = new_case(site, u, ids, 42);
	(void)cid;
	/* the clinical tables have no identifier columns */
	const char *cols_sql = g_pg
		? "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE "
		  "table_schema = current_schema() AND table_name IN ('cases', 'case_versions')"
		: "SELECT 'cases.' || name FROM pragma_table_info('cases') UNION ALL "
		  "SELECT 'case_versions.' || name FROM pragma_table_info('case_versions')";
	smx_rows r = {0};
	OK(smx_store_raw(g_st, cols_sql, &r));
	assert_true(r.nrows >= 10);
	for (size_t k = 0; k < r.nrows; k++) {
		const char *col = strchr(r.cell[k], '.') + 1;
		assert_string_not_equal("name", col);
		assert_string_not_equal("hospital_number", col);
		assert_string_not_equal("phone", col);
		assert_string_not_equal("identifiers", col);
	}
	smx_rows_free(&r);
	/* and no clinical row holds the patient's name or numbers */
	assert_int_equal(0, count_sql("SELECT COUNT(*) FROM case_versions WHERE document LIKE '%Zebulon%' "
	                              "OR document LIKE '%ZQ-777001%' OR document LIKE '%900777%' "
	                              "OR reason LIKE '%Zebulon%' OR assessment LIKE '%Zebulon%'"));
	assert_int_equal(1, count_sql("SELECT COUNT(*) FROM case_identifiers WHERE name = 'Zebulon Quixote' "
	                              "AND hospital_number = 'ZQ-777001' AND phone = '+44 7700 900777'"));
	/* only the three identifier members are accepted */
	sm_store_actor a = actor(u);
	sm_store_save s = {.site_id = site, .document = doc_text(1), .reason = "r"};
	const char *bad[] = {"{\"name\": \"X\", \"dob\": \"1950-01-01\"}", "{\"name\": 42}", "[\"X\"]",
	                     "not json", "{\"name\": [\"X\"]}"};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		s.identifiers = bad[k];
		IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	}
}

static void t_audit_append_only(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_ADMIN);
	sm_store_actor a = actor(u);
	int64_t before = count_sql("SELECT COUNT(*) FROM audit_log");
	OK(sm_store_audit_add(g_st, &a, "export.deidentified", 0, "42 cases\nsecond line"));
	IS(SM_STORE_INVALID, sm_store_audit_add(g_st, &a, "", 0, NULL));
	IS(SM_STORE_INVALID, sm_store_audit_add(g_st, NULL, "x", 0, NULL));
	int64_t cid = new_case(site, u, "{\"name\": \"Audited Person\"}", 1);
	sm_store_save s = {.document = doc_text(2), .reason = "update"};
	int v;
	sm_store_actor a2 = actor(u);
	OK(sm_store_case_update(g_st, &a2, cid, 1, &s, &v));
	sm_store_case *c = NULL;
	sm_store_actor a3 = actor(u);
	OK(sm_store_case_get(g_st, &a3, cid, 0, SM_STORE_IDENTIFIERS, &c));
	sm_store_free(c);
	OK(sm_store_case_get(g_st, NULL, cid, 0, 0, &c)); /* no identifiers: not audited */
	sm_store_free(c);
	sm_store_query q = {.site_id = site, .text = "audited"};
	sm_store_case_list *l = NULL;
	OK(sm_store_case_search(g_st, &a3, &q, &l));
	assert_int_equal(1, l->n);
	sm_store_free(l);
	OK(sm_store_case_delete(g_st, &a3, cid, 2, "duplicate", &v));
	int64_t after = count_sql("SELECT COUNT(*) FROM audit_log");
	assert_int_equal(before + 6, after);

	/* what the log says, for this user */
	sm_store_audit_query aq = {.user_id = u};
	sm_store_audit_list *al = NULL;
	OK(sm_store_audit_list_get(g_st, &aq, &al));
	const char *want[] = {"export.deidentified", "case.create", "case.update", "case.read",
	                      "case.search", "case.delete"};
	assert_int_equal(6, al->n);
	for (size_t k = 0; k < 6; k++) {
		assert_string_equal(want[k], al->e[k].action);
		assert_int_equal(u, al->e[k].user_id);
		if (k)
			assert_true(al->e[k].id > al->e[k - 1].id);
	}
	assert_string_equal("42 cases\nsecond line", al->e[0].detail);
	assert_int_equal(0, al->e[0].case_id);
	assert_int_equal(cid, al->e[1].case_id);
	assert_int_equal(a.at, al->e[0].at);
	assert_non_null(strstr(al->e[4].detail, "cases:"));
	int64_t first = al->e[0].id;
	sm_store_free(al);
	sm_store_audit_query page = {.user_id = u, .after_id = first, .limit = 2};
	OK(sm_store_audit_list_get(g_st, &page, &al));
	assert_int_equal(2, al->n);
	assert_string_equal("case.create", al->e[0].action);
	sm_store_free(al);
	sm_store_audit_query bycase = {.case_id = cid};
	OK(sm_store_audit_list_get(g_st, &bycase, &al));
	assert_int_equal(4, al->n); /* create, update, read, delete */
	sm_store_free(al);

	/* the database refuses to change or remove audit rows and case versions */
	assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "UPDATE audit_log SET detail = 'forged'"));
	assert_non_null(strstr(sm_store_errmsg(g_st), "append-only"));
	assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "DELETE FROM audit_log"));
	assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"));
	assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "UPDATE case_versions SET reason = 'forged'"));
	assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "DELETE FROM case_versions"));
	if (g_pg) {
		assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "TRUNCATE audit_log"));
		assert_int_not_equal(SM_STORE_OK, smx_store_exec(g_st, "TRUNCATE case_versions CASCADE"));
	}
	assert_int_equal(after, count_sql("SELECT COUNT(*) FROM audit_log"));
	assert_int_equal(0, count_sql("SELECT COUNT(*) FROM audit_log WHERE detail = 'forged'"));
	assert_int_equal(0, count_sql("SELECT COUNT(*) FROM case_versions WHERE reason = 'forged'"));
}

static const char *const NASTY[] = {
	"'; DROP TABLE cases; --",
	"Robert'); DROP TABLE users;--",
	"' OR '1'='1",
	"\" OR \"\"=\"",
	"%",
	"_",
	"50%_off",
	"back\\slash \\' \\\"",
	"O'Brien-D'Arcy",
	"$1 $2 ? ?? :name @p",
	"$$ $tag$ dollar quoting $tag$",
	"/* comment */ -- line",
	"; SELECT pg_sleep(10); --",
	"'); DELETE FROM audit_log; --",
	"Zoë Ñúñez 名前 テスト Ελένη \xF0\x9F\x98\x80",
	"x' UNION SELECT password_hash FROM users --",
};
#define NNASTY (sizeof NASTY / sizeof NASTY[0])

static void t_sql_injection(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t author = new_user(site, SM_ROLE_CLINICIAN);
	int64_t before[NTABLES], after[NTABLES];
	count_all(before);
	int64_t audit_added = 0;
	int64_t cases[NNASTY];
	for (size_t k = 0; k < NNASTY; k++) {
		const char *s = NASTY[k];
		/* sites */
		int64_t sid = 0;
		OK(sm_store_site_add(g_st, s, s, tick(), &sid));
		sm_store_site site_row;
		OK(sm_store_site_get(g_st, s, &site_row));
		assert_int_equal(sid, site_row.id);
		assert_string_equal(s, site_row.code);
		assert_string_equal(s, site_row.name);
		/* users */
		sm_store_user u = {0}, got;
		snprintf(u.username, sizeof u.username, "%s", s);
		snprintf(u.display_name, sizeof u.display_name, "%s", s);
		/* the password itself is nasty too (argon2id is slow: a few of them) */
		bool own_pw = k < 4 || k == NNASTY - 1;
		char h[SM_STORE_PWHASH_SIZE];
		if (own_pw)
			OK(sm_store_password_hash(s, h));
		snprintf(u.password_hash, sizeof u.password_hash, "%s", own_pw ? h : pwhash());
		u.role = SM_ROLE_RESEARCHER;
		u.site_id = sid;
		int64_t uid = 0;
		OK(sm_store_user_add(g_st, &u, tick(), &uid));
		OK(sm_store_user_get(g_st, s, &got));
		assert_int_equal(uid, got.id);
		assert_string_equal(s, got.username);
		assert_string_equal(s, got.display_name);
		if (own_pw)
			OK(sm_store_user_authenticate(g_st, s, s, &got));
		/* cases: identifiers, document, reasons */
		char *ids = ident_json(s, s, s);
		json_t *dj = json_pack("{s:s, s:s}", "schema", "spinemets/case/1", "note", s);
		char *doc = json_dumps(dj, JSON_COMPACT);
		json_decref(dj);
		sm_store_save sv = {.site_id = site, .identifiers = ids, .document = doc, .reason = s};
		sm_store_actor a = actor(author);
		OK(sm_store_case_create(g_st, &a, &sv, &cases[k]));
		int v = 0;
		sm_store_actor a2 = actor(author);
		OK(sm_store_case_update(g_st, &a2, cases[k], 1, &sv, &v));
		sm_store_case *c = NULL;
		sm_store_actor r = actor(author);
		OK(sm_store_case_get(g_st, &r, cases[k], 0, SM_STORE_IDENTIFIERS, &c));
		assert_string_equal(ids, c->identifiers);
		assert_string_equal(doc, c->document);
		assert_string_equal(s, c->reason);
		sm_store_free(c);
		sm_store_versions *hv = NULL;
		OK(sm_store_case_versions(g_st, cases[k], &hv));
		assert_int_equal(2, hv->n);
		assert_string_equal(s, hv->v[1].reason);
		sm_store_free(hv);
		/* the audit log */
		sm_store_actor aa = actor(uid);
		OK(sm_store_audit_add(g_st, &aa, s, cases[k], s));
		sm_store_audit_query aq = {.user_id = uid};
		sm_store_audit_list *al = NULL;
		OK(sm_store_audit_list_get(g_st, &aq, &al));
		assert_int_equal(1, al->n);
		assert_string_equal(s, al->e[0].action);
		assert_string_equal(s, al->e[0].detail);
		sm_store_free(al);
		audit_added += 4; /* create, update, read, the entry itself */
		free(ids);
		free(doc);
	}
	/* search: every text is taken literally, % and _ included */
	for (size_t k = 0; k < NNASTY; k++) {
		sm_store_query q = {.site_id = site, .text = NASTY[k], .limit = 100};
		sm_store_case_list *l = NULL;
		sm_store_actor r = actor(author);
		OK(sm_store_case_search(g_st, &r, &q, &l));
		audit_added++;
		size_t expect = 0;
		for (size_t j = 0; j < NNASTY; j++)
			expect += ci_contains(NASTY[j], NASTY[k]);
		if (l->n != expect)
			fail_msg("search '%s': %zu results, expected %zu", NASTY[k], l->n, expect);
		assert_int_equal(expect, l->total);
		bool found = false;
		for (size_t j = 0; j < l->n; j++) {
			assert_true(ci_contains(l->rows[j].name, NASTY[k]));
			found |= l->rows[j].case_id == cases[k];
		}
		assert_true(found);
		sm_store_free(l);
	}
	count_all(after);
	int64_t n = (int64_t)NNASTY;
	int64_t delta[NTABLES] = {n, n, 0, n, 2 * n, 2 * n, audit_added, 0};
	for (size_t k = 0; k < NTABLES; k++)
		if (after[k] != before[k] + delta[k])
			fail_msg("table %s: %lld rows, expected %lld", TABLES[k], (long long)after[k],
			         (long long)(before[k] + delta[k]));
	OK(sm_store_check(g_st));
}

static void t_search_paging(void **state)
{
	(void)state;
	int64_t site = new_site(), other = new_site();
	int64_t u = new_user(site, SM_ROLE_COORDINATOR);
	const char *names[] = {"Smith, Anna", "SMITH John", "Smithers", "Jones", "Brown", "Patel", "Nguyen"};
	int64_t ids[7];
	for (int k = 0; k < 7; k++) {
		char hn[16];
		snprintf(hn, sizeof hn, "HN%04d", k + 1);
		char *j = ident_json(names[k], hn, NULL);
		ids[k] = new_case(site, u, j, k);
		free(j);
	}
	char *j = ident_json("Smith Other-Site", "HN9999", NULL);
	new_case(other, u, j, 0);
	free(j);
	sm_store_actor r = actor(u);
	sm_store_case_list *l = NULL;
	sm_store_query q = {.site_id = site, .text = "smith"};
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(3, l->n);
	assert_int_equal(3, l->total);
	sm_store_free(l);
	q.site_id = 0; /* every site */
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_true(l->n >= 4);
	sm_store_free(l);
	q = (sm_store_query){.site_id = site, .text = "hn000"};
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(7, l->n);
	for (size_t k = 1; k < l->n; k++) /* newest change first */
		assert_true(l->rows[k - 1].updated_at >= l->rows[k].updated_at);
	assert_int_equal(ids[6], l->rows[0].case_id);
	sm_store_free(l);
	q = (sm_store_query){.site_id = site, .limit = 3};
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(3, l->n);
	assert_int_equal(7, l->total);
	sm_store_free(l);
	q.offset = 6;
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(1, l->n);
	assert_int_equal(ids[0], l->rows[0].case_id);
	assert_string_equal("Smith, Anna", l->rows[0].name);
	assert_string_equal("HN0001", l->rows[0].hospital_number);
	sm_store_free(l);
	q.offset = 7;
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(0, l->n);
	assert_int_equal(7, l->total);
	sm_store_free(l);
	/* the current identifiers count: rename Jones */
	char *nj = ident_json("Smithson", "HN0004", NULL);
	sm_store_save s = {.document = doc_text(3), .identifiers = nj, .reason = "name corrected"};
	int v;
	OK(sm_store_case_update(g_st, &r, ids[3], 1, &s, &v));
	free(nj);
	q = (sm_store_query){.site_id = site, .text = "SMITH"};
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(4, l->n);
	assert_int_equal(ids[3], l->rows[0].case_id); /* just changed */
	assert_int_equal(2, l->rows[0].version);
	sm_store_free(l);
	q.text = "Jones";
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(0, l->n);
	sm_store_free(l);
	q.text = "bad\x01query";
	IS(SM_STORE_INVALID, sm_store_case_search(g_st, &r, &q, &l));
	IS(SM_STORE_INVALID, sm_store_case_search(g_st, NULL, &q, &l));
}

typedef struct walk {
	int calls, stop_after;
	int64_t last_id;
	bool ordered, had_ids;
	int versions_sum;
	sm_store *st;
	bool reentrant_ok;
} walk;

static int walk_fn(void *ctx, const sm_store_case *c)
{
	walk *w = ctx;
	w->calls++;
	if (c->case_id <= w->last_id)
		w->ordered = false;
	w->last_id = c->case_id;
	w->versions_sum += c->version;
	if (c->identifiers)
		w->had_ids = true;
	if (!c->document || c->deleted)
		w->ordered = false;
	if (w->st) { /* the same handle may be used inside the walk */
		sm_store_case *again = NULL;
		if (sm_store_case_get(w->st, NULL, c->case_id, 0, 0, &again) != SM_STORE_OK ||
		    strcmp(again->document, c->document) != 0)
			w->reentrant_ok = false;
		sm_store_free(again);
	}
	return w->stop_after && w->calls >= w->stop_after;
}

static void t_each(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_COORDINATOR);
	int64_t ids[5];
	for (int k = 0; k < 5; k++) {
		char *j = ident_json("Walk Person", NULL, NULL);
		ids[k] = new_case(site, u, j, k);
		free(j);
	}
	sm_store_actor a = actor(u);
	sm_store_save s = {.document = doc_text(99), .reason = "new event"};
	int v;
	OK(sm_store_case_update(g_st, &a, ids[1], 1, &s, &v));
	OK(sm_store_case_delete(g_st, &a, ids[2], 1, "duplicate", &v));
	walk w = {.ordered = true, .st = g_st, .reentrant_ok = true};
	OK(sm_store_case_each(g_st, NULL, site, 0, walk_fn, &w));
	assert_int_equal(4, w.calls);
	assert_true(w.ordered);
	assert_false(w.had_ids);
	assert_true(w.reentrant_ok);
	assert_int_equal(5, w.versions_sum); /* 1 + 2 + 1 + 1 */
	int64_t audit0 = count_sql("SELECT COUNT(*) FROM audit_log");
	w = (walk){.ordered = true};
	IS(SM_STORE_INVALID, sm_store_case_each(g_st, NULL, site, SM_STORE_IDENTIFIERS, walk_fn, &w));
	OK(sm_store_case_each(g_st, &a, site, SM_STORE_IDENTIFIERS, walk_fn, &w));
	assert_true(w.had_ids);
	assert_int_equal(audit0 + 1, count_sql("SELECT COUNT(*) FROM audit_log"));
	w = (walk){.ordered = true, .stop_after = 2};
	OK(sm_store_case_each(g_st, NULL, site, 0, walk_fn, &w));
	assert_int_equal(2, w.calls);
	IS(SM_STORE_INVALID, sm_store_case_each(g_st, NULL, site, 0, NULL, NULL));

	/* more than one page (200) */
	int64_t big = new_site();
	for (int k = 0; k < 205; k++)
		new_case(big, u, NULL, k);
	w = (walk){.ordered = true};
	OK(sm_store_case_each(g_st, NULL, big, 0, walk_fn, &w));
	assert_int_equal(205, w.calls);
	assert_true(w.ordered);
	w = (walk){.ordered = true};
	OK(sm_store_case_each(g_st, NULL, 0, 0, walk_fn, &w)); /* every site */
	assert_true(w.calls >= 209);
	assert_true(w.ordered);
}

static void t_integrity_check(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_CLINICIAN);
	int64_t cid = new_case(site, u, NULL, 1);
	(void)cid;
	OK(sm_store_check(g_st));
	/* break the newest case's chain behind the store's back: the check sees it */
	OK(smx_store_exec(g_st, "UPDATE cases SET latest_version = latest_version + 1 "
	                        "WHERE id = (SELECT MAX(id) FROM cases)"));
	IS(SM_STORE_INVALID, sm_store_check(g_st));
	assert_non_null(strstr(sm_store_errmsg(g_st), "version chain"));
	OK(smx_store_exec(g_st, "UPDATE cases SET latest_version = latest_version - 1 "
	                        "WHERE id = (SELECT MAX(id) FROM cases)"));
	OK(sm_store_check(g_st));
	OK(smx_store_exec(g_st, "UPDATE cases SET deleted = 1 - deleted WHERE id = (SELECT MAX(id) FROM cases)"));
	IS(SM_STORE_INVALID, sm_store_check(g_st));
	assert_non_null(strstr(sm_store_errmsg(g_st), "deleted flag"));
	OK(smx_store_exec(g_st, "UPDATE cases SET deleted = 1 - deleted WHERE id = (SELECT MAX(id) FROM cases)"));
	OK(sm_store_check(g_st));
}

static void t_invalid_saves(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_CLINICIAN);
	int64_t before[NTABLES], after[NTABLES];
	count_all(before);
	sm_store_actor a = actor(u);
	sm_store_save ok = {.site_id = site, .document = doc_text(1), .reason = "r"};
	sm_store_save s;
	s = ok, s.document = "not json";
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.document = "[1, 2]";
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.document = NULL;
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.reason = "";
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.reason = "bad \xff utf-8";
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.reason = "bell \a";
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.site_id = 0;
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.site_id = 987654321;
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	s = ok, s.assessment = "{}", s.engine_version = "0.1.0", s.definitions = "\"x\"";
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, NULL, &ok, NULL));
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, NULL, NULL));
	sm_store_actor ghost = actor(987654321);
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &ghost, &ok, NULL));
	char *huge = malloc(SM_STORE_TEXT_MAX + 2);
	memset(huge, 'r', SM_STORE_TEXT_MAX + 1);
	huge[SM_STORE_TEXT_MAX + 1] = 0;
	s = ok, s.reason = huge;
	IS(SM_STORE_INVALID, sm_store_case_create(g_st, &a, &s, NULL));
	free(huge);
	count_all(after);
	for (size_t k = 0; k < NTABLES; k++)
		if (after[k] != before[k])
			fail_msg("table %s changed by refused saves", TABLES[k]);
	/* a reason may span lines */
	s = ok, s.reason = "line one\nline two\ttabbed";
	OK(sm_store_case_create(g_st, &a, &s, NULL));
}

typedef struct pool_job {
	sm_store_pool *pool;
	int64_t site, user;
	int ok;
} pool_job;

static void *pool_thread(void *arg)
{
	pool_job *j = arg;
	for (int k = 0; k < 10; k++) {
		sm_store *st = sm_store_pool_checkout(j->pool);
		sm_store_save s = {.site_id = j->site, .document = "{\"pool\": true}", .reason = "pool"};
		sm_store_actor a = {j->user, 1767225600};
		int64_t id = 0;
		int v = 0;
		if (sm_store_case_create(st, &a, &s, &id) == SM_STORE_OK &&
		    sm_store_case_update(st, &a, id, 1, &s, &v) == SM_STORE_OK && v == 2)
			j->ok++;
		sm_store_pool_checkin(j->pool, st);
	}
	return NULL;
}

static void t_pool(void **state)
{
	(void)state;
	int64_t site = new_site();
	int64_t u = new_user(site, SM_ROLE_CLINICIAN);
	sm_store_pool *p = NULL;
	char err[SM_STORE_ERRMSG_SIZE];
	IS(SM_STORE_INVALID, sm_store_pool_open(g_url, 0, 0, &p, err, sizeof err));
	OK(sm_store_pool_open(g_url, 3, 0, &p, err, sizeof err));
	enum { N = 6 };
	pthread_t th[N];
	pool_job jobs[N];
	for (int k = 0; k < N; k++) {
		jobs[k] = (pool_job){p, site, u, 0};
		pthread_create(&th[k], NULL, pool_thread, &jobs[k]);
	}
	for (int k = 0; k < N; k++) {
		pthread_join(th[k], NULL);
		assert_int_equal(10, jobs[k].ok);
	}
	sm_store *h[3];
	for (int k = 0; k < 3; k++)
		assert_non_null(h[k] = sm_store_pool_checkout_timed(p, 1000));
	assert_null(sm_store_pool_checkout_timed(p, 50)); /* all in use */
	for (int k = 0; k < 3; k++)
		sm_store_pool_checkin(p, h[k]);
	sm_store_pool_close(p);
	sm_store_pool_close(NULL);
	sm_store_query q = {.site_id = site};
	sm_store_case_list *l = NULL;
	sm_store_actor r = actor(u);
	OK(sm_store_case_search(g_st, &r, &q, &l));
	assert_int_equal(N * 10, l->total);
	sm_store_free(l);
}

static void t_final_check(void **state)
{
	(void)state;
	OK(sm_store_check(g_st));
	/* every table still there, nothing dropped by any test above */
	int64_t n[NTABLES];
	count_all(n);
	assert_true(n[3] > 0 && n[4] > n[3]);
}

static int setup(void **state)
{
	(void)state;
	char err[SM_STORE_ERRMSG_SIZE];
	if (sm_store_open(g_url, 0, &g_st, err, sizeof err) != SM_STORE_OK) {
		fprintf(stderr, "FAIL cannot open %s: %s\n", g_url, err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sm_store_close(g_st);
	g_st = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: store_test URL\n");
		printf("0 passed, 1 failed\n");
		return 2;
	}
	g_url = argv[1];
	g_pg = strncmp(g_url, "postgres", 8) == 0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_urls_and_status),
		cmocka_unit_test(t_backend_settings),
		cmocka_unit_test(t_migrations),
		cmocka_unit_test(t_sites),
		cmocka_unit_test(t_users),
		cmocka_unit_test(t_passwords),
		cmocka_unit_test(t_code_and_username_forms),
		cmocka_unit_test(t_tokens),
		cmocka_unit_test(t_must_change_touch_secret),
		cmocka_unit_test(t_accounts),
		cmocka_unit_test(t_file_modes),
		cmocka_unit_test(t_case_create_get),
		cmocka_unit_test(t_versioning),
		cmocka_unit_test(t_tombstone),
		cmocka_unit_test(t_conflict),
		cmocka_unit_test(t_race_threads),
		cmocka_unit_test(t_identifiers_apart),
		cmocka_unit_test(t_audit_append_only),
		cmocka_unit_test(t_sql_injection),
		cmocka_unit_test(t_search_paging),
		cmocka_unit_test(t_each),
		cmocka_unit_test(t_integrity_check),
		cmocka_unit_test(t_invalid_saves),
		cmocka_unit_test(t_pool),
		cmocka_unit_test(t_final_check),
	};
	char name[64];
	snprintf(name, sizeof name, "store (%s)", g_pg ? "postgresql" : "sqlite");
	int failed = cmocka_run_group_tests_name(name, tests, setup, teardown);
	size_t n = sizeof tests / sizeof tests[0];
	fflush(stderr);
	if (failed < 0 || (size_t)failed > n)
		failed = (int)n; /* the group setup failed */
	printf("%zu passed, %d failed\n", n - (size_t)failed, failed);
	return failed ? 1 : 0;
}
