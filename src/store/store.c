/*
** store.c: the store's operations, written once over the backend primitives
** (store_internal.h), plus the schema and its migrations, the handle pool and
** the password and token helpers (libsodium).
**
** Every SQL text below is a constant with '?' placeholders; values are bound.
** The only SQL that differs between the backends is in the migrations and in
** a few statements marked with a PostgreSQL variant (FOR UPDATE, ILIKE).
*/
#include "store/store_internal.h"
#include "io/utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pwquality.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sm_store {
	const smx_backend *be;
	void *ctx;
	char err[SM_STORE_ERRMSG_SIZE];
};

/* ======================================================================
** Status codes, messages, rows
** ==================================================================== */
const char *sm_store_status_name(sm_store_status s)
{
	switch (s) {
#define SM_STORE_X_(sym, num, name, text) case sym: return name;
		SM_STORE_STATUS_LIST(SM_STORE_X_)
#undef SM_STORE_X_
	}
	return "?";
}

const char *sm_store_strerror(sm_store_status s)
{
	switch (s) {
#define SM_STORE_X_(sym, num, name, text) case sym: return text;
		SM_STORE_STATUS_LIST(SM_STORE_X_)
#undef SM_STORE_X_
	}
	return "unknown status";
}

void smx_errf(char *err, size_t errsz, const char *fmt, ...)
{
	if (!err || !errsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static sm_store_status fail(sm_store *st, sm_store_status s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof st->err, fmt, ap);
	va_end(ap);
	return s;
}

void smx_rows_free(smx_rows *r)
{
	if (!r)
		return;
	for (size_t k = 0; k < r->nrows * r->ncols; k++)
		free(r->cell[k]);
	free(r->cell);
	memset(r, 0, sizeof *r);
}

sm_store_status smx_rows_push(smx_rows *r, size_t ncols, const char *const *vals, const size_t *lens)
{
	if (r->nrows == 0)
		r->ncols = ncols;
	char **cells = realloc(r->cell, (r->nrows + 1) * ncols * sizeof *cells);
	if (!cells)
		return SM_STORE_NOMEM;
	r->cell = cells;
	char **row = cells + r->nrows * ncols;
	for (size_t c = 0; c < ncols; c++) {
		row[c] = NULL;
		if (!vals[c])
			continue;
		row[c] = malloc(lens[c] + 1);
		if (!row[c]) {
			for (size_t k = 0; k < c; k++)
				free(row[k]);
			return SM_STORE_NOMEM;
		}
		memcpy(row[c], vals[c], lens[c]);
		row[c][lens[c]] = 0;
	}
	r->nrows++;
	return SM_STORE_OK;
}

static const char *cell(const smx_rows *r, size_t row, size_t col)
{
	return (row < r->nrows && col < r->ncols) ? r->cell[row * r->ncols + col] : NULL;
}

static int64_t cell_i64(const smx_rows *r, size_t row, size_t col)
{
	const char *s = cell(r, row, col);
	return s ? (int64_t)strtoll(s, NULL, 10) : 0;
}

static const char *cell_str(const smx_rows *r, size_t row, size_t col)
{
	const char *s = cell(r, row, col);
	return s ? s : "";
}

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* One allocation: a header of `head` bytes, then strings copied after it. */
typedef struct arena {
	char *base;
	size_t used, size;
} arena;

static bool arena_init(arena *a, size_t head, size_t strings)
{
	a->size = head + strings;
	a->used = head;
	a->base = calloc(1, a->size ? a->size : 1);
	return a->base != NULL;
}

static const char *arena_str(arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = a->base + a->used;
	memcpy(p, s, n);
	a->used += n;
	return p;
}

static void copy_fixed(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* ======================================================================
** Text checks: every text we store is valid UTF-8 without NUL (C strings),
** within a size, and names hold no control characters.
** ==================================================================== */
static bool utf8_valid(const unsigned char *s, size_t n)
{
	return sm_utf8_invalid_at(s, n) == n; /* the one validator (io/utf8.h) */
}

enum { TX_LINE = 0, TX_TEXT = 1 }; /* LINE: no control characters; TEXT: tab and newlines allowed */

static sm_store_status check_text(sm_store *st, const char *what, const char *s, size_t max_bytes,
                                  int kind)
{
	if (!s || !*s)
		return fail(st, SM_STORE_INVALID, "%s: required", what);
	size_t n = strlen(s);
	if (n > max_bytes)
		return fail(st, SM_STORE_INVALID, "%s: longer than %zu bytes", what, max_bytes);
	if (!utf8_valid((const unsigned char *)s, n))
		return fail(st, SM_STORE_INVALID, "%s: not valid UTF-8", what);
	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		bool ctl = c < 0x20 || c == 0x7F;
		if (ctl && !(kind == TX_TEXT && (c == '\t' || c == '\n' || c == '\r')))
			return fail(st, SM_STORE_INVALID, "%s: holds a control character", what);
	}
	return SM_STORE_OK;
}

/* A JSON object (document, assessment, definitions). */
static sm_store_status check_json_object(sm_store *st, const char *what, const char *s)
{
	if (!s)
		return fail(st, SM_STORE_INVALID, "%s: required", what);
	size_t n = strlen(s);
	if (n > SM_STORE_DOC_MAX)
		return fail(st, SM_STORE_INVALID, "%s: larger than %u bytes", what, SM_STORE_DOC_MAX);
	json_error_t je;
	json_t *j = json_loadb(s, n, 0, &je);
	if (!j)
		return fail(st, SM_STORE_INVALID, "%s: not JSON: %s (line %d, column %d)", what, je.text,
		            je.line, je.column);
	bool obj = json_is_object(j);
	json_decref(j);
	if (!obj)
		return fail(st, SM_STORE_INVALID, "%s: not a JSON object", what);
	return SM_STORE_OK;
}

typedef struct idents {
	char *name, *hospital_number, *phone; /* malloc'd or NULL */
} idents;

static void idents_free(idents *id)
{
	free(id->name);
	free(id->hospital_number);
	free(id->phone);
	memset(id, 0, sizeof *id);
}

/* {"name": ..., "hospital_number": ..., "phone": ...}: strings or null; no other member. */
static sm_store_status parse_identifiers(sm_store *st, const char *s, idents *out)
{
	memset(out, 0, sizeof *out);
	if (strlen(s) > 3 * SM_STORE_TEXT_MAX + 256)
		return fail(st, SM_STORE_INVALID, "identifiers: too large");
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);
	if (!j)
		return fail(st, SM_STORE_INVALID, "identifiers: not JSON: %s", je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return fail(st, SM_STORE_INVALID, "identifiers: not a JSON object");
	}
	sm_store_status rc = SM_STORE_OK;
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		char **slot = strcmp(key, "name") == 0              ? &out->name
		              : strcmp(key, "hospital_number") == 0 ? &out->hospital_number
		              : strcmp(key, "phone") == 0           ? &out->phone
		                                                    : NULL;
		if (!slot) {
			rc = fail(st, SM_STORE_INVALID,
			          "identifiers: unknown member (allowed: name, hospital_number, phone)");
			break;
		}
		if (json_is_null(v))
			continue;
		if (!json_is_string(v)) {
			rc = fail(st, SM_STORE_INVALID, "identifiers/%s: not a string", key);
			break;
		}
		const char *t = json_string_value(v);
		if (strlen(t) > SM_STORE_TEXT_MAX) {
			rc = fail(st, SM_STORE_INVALID, "identifiers/%s: too long", key);
			break;
		}
		*slot = strdup(t);
		if (!*slot) {
			rc = fail(st, SM_STORE_NOMEM, "out of memory");
			break;
		}
	}
	json_decref(j);
	if (rc != SM_STORE_OK)
		idents_free(out);
	return rc;
}

/* ======================================================================
** URLs and the handle
** ==================================================================== */
sm_store_status smx_store_parse_url(const char *url, const smx_backend **be, const char **target,
                                    char *err, size_t errsz)
{
	if (!url || !*url) {
		*be = &smx_sqlite_backend;
		*target = "spinemets.db";
		return SM_STORE_OK;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*be = &smx_pg_backend;
		*target = url;
		return SM_STORE_OK;
	}
	if (strncmp(url, "sqlite:", 7) == 0) {
		const char *p = url + 7;
		if (strncmp(p, "//", 2) == 0)
			p += 2; /* sqlite://relative or sqlite:///absolute */
		if (!*p) {
			smx_errf(err, errsz, "store URL '%s': no file name", url);
			return SM_STORE_INVALID;
		}
		*be = &smx_sqlite_backend;
		*target = p;
		return SM_STORE_OK;
	}
	const char *colon = strstr(url, "://");
	if (colon) {
		smx_errf(err, errsz,
		         "store URL '%.*s...': unknown scheme (use sqlite:PATH, a path, or postgresql://...)",
		         (int)(colon - url), url);
		return SM_STORE_INVALID;
	}
	*be = &smx_sqlite_backend;
	*target = url;
	return SM_STORE_OK;
}

const char *sm_store_backend(const sm_store *st)
{
	return st ? st->be->name : "";
}

const char *sm_store_errmsg(const sm_store *st)
{
	return st ? st->err : "no store";
}

void sm_store_free(void *p)
{
	free(p);
}

void sm_store_close(sm_store *st)
{
	if (!st)
		return;
	st->be->close(st->ctx);
	free(st);
}

static sm_store_status check_schema(sm_store *st);

sm_store_status sm_store_open(const char *url, unsigned flags, sm_store **out, char *err,
                              size_t errsz)
{
	if (err && errsz)
		err[0] = 0;
	if (!out) {
		smx_errf(err, errsz, "sm_store_open: no output pointer");
		return SM_STORE_INVALID;
	}
	*out = NULL;
	if (sodium_init() < 0) {
		smx_errf(err, errsz, "libsodium cannot be initialised");
		return SM_STORE_BACKEND;
	}
	const smx_backend *be;
	const char *target;
	sm_store_status rc = smx_store_parse_url(url, &be, &target, err, errsz);
	if (rc != SM_STORE_OK)
		return rc;
	sm_store *st = calloc(1, sizeof *st);
	if (!st) {
		smx_errf(err, errsz, "out of memory");
		return SM_STORE_NOMEM;
	}
	st->be = be;
	rc = be->open(target, &st->ctx, st->err, sizeof st->err);
	if (rc == SM_STORE_OK && !(flags & SM_STORE_NO_MIGRATE))
		rc = sm_store_migrate(st, NULL);
	if (rc == SM_STORE_OK)
		rc = check_schema(st);
	if (rc != SM_STORE_OK) {
		smx_errf(err, errsz, "%s", st->err);
		if (st->ctx)
			be->close(st->ctx);
		free(st);
		return rc;
	}
	st->err[0] = 0;
	*out = st;
	return SM_STORE_OK;
}

/* ======================================================================
** Statements: constant SQL, numbered. `pg` is a PostgreSQL variant or NULL
** (then the SQLite text serves both).
** ==================================================================== */
enum {
	S_MIG_EXISTS, S_MIG_MAX, S_MIG_INSERT,
	S_SITE_ADD, S_SITE_GET, S_SITE_GET_ID, S_SITE_LIST,
	S_USER_ADD, S_USER_GET, S_USER_GET_ID, S_USER_SET_PW, S_USER_SET_ACTIVE, S_USER_LIST,
	S_USER_REHASH, S_TOKEN_DELETE_OTHER_SESSIONS, S_USER_CASE_CLASH, S_CASE_IDS,
	S_CASE_IX_SET, S_CASE_IX_CLEAR, S_EACH_IX, S_CASE_PAGE, S_CASE_PAGE_COUNT,
	S_TOKEN_ADD, S_TOKEN_LOOKUP, S_TOKEN_DELETE, S_TOKEN_DELETE_EXPIRED, S_TOKEN_DELETE_USER,
	S_TOKEN_TOUCH, S_SECRET_ADD, S_SECRET_GET,
	S_CASE_INSERT, S_CASE_LOCK, S_CASE_BUMP, S_CASE_EXISTS, S_VERSION_INSERT, S_IDENT_INSERT,
	S_AUDIT_INSERT, S_CASE_GET, S_IDENT_GET, S_VERSIONS, S_SEARCH, S_SEARCH_COUNT, S_EACH,
	S_AUDIT_LIST,
	S_CHECK_CHAIN, S_CHECK_DELETED, S_CHECK_TOMB, S_CHECK_IDENT, S_CHECK_FIRST,
	S_COUNT
};

#define USER_COLS "id, username, display_name, role, COALESCE(site_id, 0), active, password_hash, " \
                  "created_at, updated_at, must_change_password, password_set_at"
#define USER_COLS_U "u.id, u.username, u.display_name, u.role, COALESCE(u.site_id, 0), u.active, " \
                    "u.password_hash, u.created_at, u.updated_at, u.must_change_password, u.password_set_at"
/* The latest identifiers of case c (joined as i). */
#define LATEST_IDENT "LEFT JOIN case_identifiers i ON i.case_id = c.id AND i.version = " \
                     "(SELECT MAX(i2.version) FROM case_identifiers i2 WHERE i2.case_id = c.id) "
#define SEARCH_WHERE(like)                                                                 \
	"WHERE (CAST(? AS BIGINT) = 0 OR c.site_id = ?) AND (CAST(? AS INTEGER) = 1 OR c.deleted = 0) " \
	"AND (CAST(? AS TEXT) = '' OR i.name " like " ? ESCAPE '\\' OR i.hospital_number " like  \
	" ? ESCAPE '\\') "

static const struct {
	const char *sqlite, *pg;
} SQL[S_COUNT] = {
	[S_MIG_EXISTS] = {"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
	                  "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
	                  "AND table_name = 'schema_migrations'"},
	[S_MIG_MAX] = {"SELECT COALESCE(MAX(version), 0) FROM schema_migrations", NULL},
	[S_MIG_INSERT] = {"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", NULL},

	[S_SITE_ADD] = {"INSERT INTO sites (code, name, created_at) VALUES (?, ?, ?) RETURNING id", NULL},
	[S_SITE_GET] = {"SELECT id, code, name, created_at FROM sites WHERE code = ?", NULL},
	[S_SITE_GET_ID] = {"SELECT id, code, name, created_at FROM sites WHERE id = ?", NULL},
	[S_SITE_LIST] = {"SELECT id, code, name, created_at FROM sites ORDER BY code", NULL},

	[S_USER_ADD] = {"INSERT INTO users (username, display_name, role, site_id, password_hash, active, "
	                "created_at, updated_at, must_change_password, password_set_at) "
	                "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id", NULL},
	/* usernames are one per spelling without regard to ASCII letter case
	** (migration 5: UNIQUE index on lower(username)) */
	[S_USER_GET] = {"SELECT " USER_COLS " FROM users WHERE lower(username) = lower(?)", NULL},
	[S_USER_GET_ID] = {"SELECT " USER_COLS " FROM users WHERE id = ?", NULL},
	[S_USER_SET_PW] = {"UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ?, "
	                   "password_set_at = ? WHERE id = ? RETURNING id", NULL},
	[S_CASE_IDS] = {"SELECT id FROM cases WHERE id > ? ORDER BY id LIMIT ?", NULL},
	[S_USER_REHASH] = {"UPDATE users SET password_hash = ? WHERE id = ? RETURNING id", NULL},
	[S_TOKEN_DELETE_OTHER_SESSIONS] = {"DELETE FROM tokens WHERE user_id = ? AND kind = 'session' AND id <> ? "
	                                   "RETURNING id", NULL},
	[S_USER_CASE_CLASH] = {"SELECT a.username, b.username FROM users a JOIN users b "
	                       "ON lower(a.username) = lower(b.username) AND a.id < b.id ORDER BY a.id LIMIT 1", NULL},
	[S_USER_SET_ACTIVE] = {"UPDATE users SET active = ?, updated_at = ? WHERE id = ? RETURNING id", NULL},
	[S_USER_LIST] = {"SELECT " USER_COLS " FROM users WHERE (CAST(? AS BIGINT) = 0 OR site_id = ?) "
	                 "ORDER BY username", NULL},

	[S_TOKEN_ADD] = {"INSERT INTO tokens (token_hash, user_id, kind, created_at, expires_at) "
	                 "VALUES (?, ?, ?, ?, ?) RETURNING id", NULL},
	[S_TOKEN_LOOKUP] = {"SELECT t.id, t.user_id, t.kind, t.created_at, t.expires_at, " USER_COLS_U
	                    " FROM tokens t JOIN users u ON u.id = t.user_id "
	                    "WHERE t.token_hash = ? AND t.expires_at > ? AND u.active = 1", NULL},
	[S_TOKEN_DELETE] = {"DELETE FROM tokens WHERE token_hash = ? RETURNING id", NULL},
	[S_TOKEN_DELETE_EXPIRED] = {"DELETE FROM tokens WHERE expires_at <= ? RETURNING id", NULL},
	[S_TOKEN_DELETE_USER] = {"DELETE FROM tokens WHERE user_id = ? RETURNING id", NULL},
	[S_TOKEN_TOUCH] = {"UPDATE tokens SET expires_at = ? WHERE id = ? AND expires_at < ? RETURNING id",
	                   NULL},
	[S_SECRET_ADD] = {"INSERT INTO registry_secrets (name, value, created_at) VALUES (?, ?, ?) "
	                  "ON CONFLICT (name) DO NOTHING", NULL},
	[S_SECRET_GET] = {"SELECT value FROM registry_secrets WHERE name = ?", NULL},

	[S_CASE_INSERT] = {"INSERT INTO cases (site_id, latest_version, deleted, created_at, updated_at, ix_valid, "
	                   "ix_urgency, ix_started, ix_start, ix_closed, ix_next_due) "
	                   "VALUES (?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", NULL},
	[S_CASE_IX_SET] = {"UPDATE cases SET ix_valid = ?, ix_urgency = ?, ix_started = ?, ix_start = ?, ix_closed = ?, "
	                   "ix_next_due = ? WHERE id = ? AND latest_version = ? RETURNING id", NULL},
	[S_CASE_IX_CLEAR] = {"UPDATE cases SET ix_valid = 0", NULL},
	[S_CASE_PAGE] = {"SELECT c.id, c.site_id, c.latest_version, c.deleted, c.updated_at, NULL, NULL, c.ix_valid, "
	                 "c.ix_urgency FROM cases c WHERE (CAST(? AS BIGINT) = 0 OR c.site_id = ?) AND c.deleted = 0 "
	                 "ORDER BY c.id LIMIT ? OFFSET ?", NULL},
	[S_CASE_PAGE_COUNT] = {"SELECT COUNT(*) FROM cases c WHERE (CAST(? AS BIGINT) = 0 OR c.site_id = ?) "
	                       "AND c.deleted = 0", NULL},
	[S_EACH_IX] = {"SELECT c.id, c.site_id, c.latest_version, c.deleted, COALESCE(v.author_id, 0), "
	               "v.created_at, v.reason, v.document, v.assessment, v.engine_version, v.definitions, "
	               "i.version, i.data, c.ix_valid, c.ix_urgency, c.ix_started, c.ix_start, c.ix_closed, c.ix_next_due "
	               "FROM cases c JOIN case_versions v ON v.case_id = c.id "
	               "AND v.version = c.latest_version " LATEST_IDENT
	               "WHERE (CAST(? AS BIGINT) = 0 OR c.site_id = ?) AND c.deleted = 0 AND c.id > ? "
	               "AND (c.ix_valid = 0 OR ("
	               "(CAST(? AS INTEGER) = 0 OR (c.ix_started = 1 AND c.ix_closed = 0 AND c.ix_next_due <= ?)) "
	               "AND (CAST(? AS INTEGER) = 0 OR (c.ix_started = 1 AND c.ix_start >= ? AND c.ix_start < ?)))) "
	               "ORDER BY c.id LIMIT ?", NULL},
	[S_CASE_LOCK] = {"SELECT latest_version, deleted FROM cases WHERE id = ?",
	                 "SELECT latest_version, deleted FROM cases WHERE id = ? FOR UPDATE"},
	[S_CASE_BUMP] = {"UPDATE cases SET latest_version = ?, deleted = ?, updated_at = ?, ix_valid = ?, "
	                 "ix_urgency = ?, ix_started = ?, ix_start = ?, ix_closed = ?, ix_next_due = ? "
	                 "WHERE id = ? AND latest_version = ? RETURNING id", NULL},
	[S_CASE_EXISTS] = {"SELECT latest_version FROM cases WHERE id = ?", NULL},
	[S_VERSION_INSERT] = {"INSERT INTO case_versions (case_id, version, deleted, author_id, created_at, "
	                      "reason, document, assessment, engine_version, definitions) "
	                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", NULL},
	[S_IDENT_INSERT] = {"INSERT INTO case_identifiers (case_id, version, name, hospital_number, phone, "
	                    "data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", NULL},
	[S_AUDIT_INSERT] = {"INSERT INTO audit_log (at, user_id, action, case_id, detail) "
	                    "VALUES (?, ?, ?, ?, ?)", NULL},
	[S_CASE_GET] = {"SELECT c.site_id, c.latest_version, c.deleted, v.version, v.deleted, "
	                "COALESCE(v.author_id, 0), v.created_at, v.reason, v.document, v.assessment, "
	                "v.engine_version, v.definitions FROM cases c JOIN case_versions v ON v.case_id = c.id "
	                "WHERE c.id = ? AND v.version = CASE WHEN CAST(? AS INTEGER) = 0 THEN c.latest_version "
	                "ELSE CAST(? AS INTEGER) END", NULL},
	[S_IDENT_GET] = {"SELECT version, data FROM case_identifiers WHERE case_id = ? AND version <= ? "
	                 "ORDER BY version DESC LIMIT 1", NULL},
	[S_VERSIONS] = {"SELECT v.version, v.deleted, COALESCE(v.author_id, 0), COALESCE(u.username, ''), "
	                "v.created_at, v.reason, CASE WHEN i.id IS NULL THEN 0 ELSE 1 END, "
	                "CASE WHEN v.assessment IS NULL THEN 0 ELSE 1 END, COALESCE(v.engine_version, '') "
	                "FROM case_versions v LEFT JOIN users u ON u.id = v.author_id "
	                "LEFT JOIN case_identifiers i ON i.case_id = v.case_id AND i.version = v.version "
	                "WHERE v.case_id = ? ORDER BY v.version", NULL},
	[S_SEARCH] = {"SELECT c.id, c.site_id, c.latest_version, c.deleted, c.updated_at, i.name, "
	              "i.hospital_number, c.ix_valid, c.ix_urgency FROM cases c " LATEST_IDENT SEARCH_WHERE("LIKE")
	              "ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?",
	              "SELECT c.id, c.site_id, c.latest_version, c.deleted, c.updated_at, i.name, "
	              "i.hospital_number, c.ix_valid, c.ix_urgency FROM cases c " LATEST_IDENT SEARCH_WHERE("ILIKE")
	              "ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?"},
	[S_SEARCH_COUNT] = {"SELECT COUNT(*) FROM cases c " LATEST_IDENT SEARCH_WHERE("LIKE"),
	                    "SELECT COUNT(*) FROM cases c " LATEST_IDENT SEARCH_WHERE("ILIKE")},
	[S_EACH] = {"SELECT c.id, c.site_id, c.latest_version, c.deleted, COALESCE(v.author_id, 0), "
	            "v.created_at, v.reason, v.document, v.assessment, v.engine_version, v.definitions, "
	            "i.version, i.data FROM cases c JOIN case_versions v ON v.case_id = c.id "
	            "AND v.version = c.latest_version " LATEST_IDENT
	            "WHERE (CAST(? AS BIGINT) = 0 OR c.site_id = ?) AND c.deleted = 0 AND c.id > ? "
	            "ORDER BY c.id LIMIT ?", NULL},
	[S_AUDIT_LIST] = {"SELECT id, at, COALESCE(user_id, 0), action, COALESCE(case_id, 0), detail "
	                  "FROM audit_log WHERE id > ? AND (CAST(? AS BIGINT) = 0 OR case_id = ?) "
	                  "AND (CAST(? AS BIGINT) = 0 OR user_id = ?) ORDER BY id LIMIT ?", NULL},

	[S_CHECK_CHAIN] = {"SELECT c.id, c.latest_version, COUNT(v.id), COALESCE(MIN(v.version), 0), "
	                   "COALESCE(MAX(v.version), 0) FROM cases c LEFT JOIN case_versions v "
	                   "ON v.case_id = c.id GROUP BY c.id, c.latest_version "
	                   "HAVING COUNT(v.id) <> c.latest_version OR COALESCE(MIN(v.version), 0) <> 1 "
	                   "OR COALESCE(MAX(v.version), 0) <> c.latest_version ORDER BY c.id LIMIT 1", NULL},
	[S_CHECK_DELETED] = {"SELECT c.id FROM cases c JOIN case_versions v ON v.case_id = c.id "
	                     "AND v.version = c.latest_version WHERE v.deleted <> c.deleted "
	                     "ORDER BY c.id LIMIT 1", NULL},
	[S_CHECK_TOMB] = {"SELECT v.case_id, v.version FROM case_versions v JOIN cases c ON c.id = v.case_id "
	                  "WHERE v.deleted = 1 AND v.version <> c.latest_version ORDER BY v.case_id LIMIT 1", NULL},
	[S_CHECK_IDENT] = {"SELECT i.case_id, i.version FROM case_identifiers i JOIN cases c "
	                   "ON c.id = i.case_id WHERE i.version < 1 OR i.version > c.latest_version "
	                   "ORDER BY i.case_id LIMIT 1", NULL},
	[S_CHECK_FIRST] = {"SELECT case_id FROM case_versions WHERE version = 1 AND deleted = 1 "
	                   "ORDER BY case_id LIMIT 1", NULL},
};

_Static_assert(S_COUNT <= SMX_MAX_STMTS, "too many statements");

static sm_store_status q(sm_store *st, int id, const smx_param *p, size_t np, smx_rows *out)
{
	const char *sql = (st->be->dialect == SMX_PG && SQL[id].pg) ? SQL[id].pg : SQL[id].sqlite;
	return st->be->query(st->ctx, id, sql, p, np, out, st->err, sizeof st->err);
}

#define PI(v) ((smx_param){SMX_INT, (int64_t)(v), NULL})
#define PT(v) ((smx_param){(v) ? SMX_TEXT : SMX_NULL, 0, (v)})
#define PID(v) ((v) ? PI(v) : (smx_param){SMX_NULL, 0, NULL}) /* 0 -> NULL */
#define NP(a) (sizeof(a) / sizeof((a)[0]))
/* the six index columns (ix_valid .. ix_next_due) of a case index or none */
#define PN ((smx_param){SMX_NULL, 0, NULL})
#define IXP(ix)                                                                                  \
	PI((ix) ? 1 : 0), (ix) ? PI((ix)->urgency) : PN, (ix) ? PI((ix)->started ? 1 : 0) : PN,     \
	    (ix) && (ix)->started ? PI((ix)->start) : PN, (ix) ? PI((ix)->closed ? 1 : 0) : PN,      \
	    (ix) && (ix)->has_next_due ? PI((ix)->next_due) : PN

static sm_store_status begin(sm_store *st, bool write)
{
	return st->be->begin(st->ctx, write, st->err, sizeof st->err);
}

static sm_store_status commit(sm_store *st)
{
	return st->be->commit(st->ctx, st->err, sizeof st->err);
}

static void rollback(sm_store *st)
{
	st->be->rollback(st->ctx);
}

sm_store_status smx_store_raw(sm_store *st, const char *sql, smx_rows *out)
{
	st->err[0] = 0;
	return st->be->raw(st->ctx, sql, out, st->err, sizeof st->err);
}

sm_store_status smx_store_exec(sm_store *st, const char *sql)
{
	st->err[0] = 0;
	return st->be->exec(st->ctx, sql, st->err, sizeof st->err);
}

/* ======================================================================
** Schema and migrations. Append new migrations at the end; never edit one
** that has shipped (README.md, "Migration policy").
** ==================================================================== */
typedef struct migration {
	int version;
	const char *name;
	const char *sqlite, *pg;
} migration;

static const migration MIGRATIONS[] = {
	{1, "people and access",
	 /* SQLite */
	 "CREATE TABLE sites ("
	 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	 " code TEXT NOT NULL UNIQUE,"
	 " name TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL) STRICT;"
	 "CREATE TABLE users ("
	 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	 " username TEXT NOT NULL UNIQUE,"
	 " display_name TEXT NOT NULL,"
	 " role TEXT NOT NULL CHECK (role IN ('clinician', 'coordinator', 'researcher', 'admin')),"
	 " site_id INTEGER REFERENCES sites (id),"
	 " password_hash TEXT NOT NULL,"
	 " active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
	 " created_at INTEGER NOT NULL,"
	 " updated_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX users_site ON users (site_id);"
	 "CREATE TABLE tokens ("
	 " id INTEGER PRIMARY KEY,"
	 " token_hash TEXT NOT NULL UNIQUE,"
	 " user_id INTEGER NOT NULL REFERENCES users (id),"
	 " kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),"
	 " created_at INTEGER NOT NULL,"
	 " expires_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX tokens_user ON tokens (user_id);"
	 "CREATE INDEX tokens_expires ON tokens (expires_at);",
	 /* PostgreSQL */
	 "CREATE TABLE sites ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " code TEXT NOT NULL UNIQUE,"
	 " name TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL);"
	 "CREATE TABLE users ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " username TEXT NOT NULL UNIQUE,"
	 " display_name TEXT NOT NULL,"
	 " role TEXT NOT NULL CHECK (role IN ('clinician', 'coordinator', 'researcher', 'admin')),"
	 " site_id BIGINT REFERENCES sites (id),"
	 " password_hash TEXT NOT NULL,"
	 " active SMALLINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
	 " created_at BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL);"
	 "CREATE INDEX users_site ON users (site_id);"
	 "CREATE TABLE tokens ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " token_hash TEXT NOT NULL UNIQUE,"
	 " user_id BIGINT NOT NULL REFERENCES users (id),"
	 " kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),"
	 " created_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL);"
	 "CREATE INDEX tokens_user ON tokens (user_id);"
	 "CREATE INDEX tokens_expires ON tokens (expires_at);"},

	{2, "cases as versioned documents; identifiers apart",
	 "CREATE TABLE cases ("
	 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	 " site_id INTEGER NOT NULL REFERENCES sites (id),"
	 " latest_version INTEGER NOT NULL CHECK (latest_version >= 1),"
	 " deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
	 " created_at INTEGER NOT NULL,"
	 " updated_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX cases_site ON cases (site_id, deleted, updated_at);"
	 "CREATE TABLE case_versions ("
	 " id INTEGER PRIMARY KEY,"
	 " case_id INTEGER NOT NULL REFERENCES cases (id),"
	 " version INTEGER NOT NULL CHECK (version >= 1),"
	 " deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
	 " author_id INTEGER REFERENCES users (id),"
	 " created_at INTEGER NOT NULL,"
	 " reason TEXT NOT NULL,"
	 " document TEXT,"
	 " assessment TEXT,"
	 " engine_version TEXT,"
	 " definitions TEXT,"
	 " UNIQUE (case_id, version),"
	 " CHECK ((deleted = 1) = (document IS NULL)),"
	 " CHECK (assessment IS NULL OR (engine_version IS NOT NULL AND definitions IS NOT NULL))) STRICT;"
	 "CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions"
	 " BEGIN SELECT RAISE(ABORT, 'case_versions is append-only'); END;"
	 "CREATE TRIGGER case_versions_no_delete BEFORE DELETE ON case_versions"
	 " BEGIN SELECT RAISE(ABORT, 'case_versions is append-only'); END;"
	 "CREATE TABLE case_identifiers ("
	 " id INTEGER PRIMARY KEY,"
	 " case_id INTEGER NOT NULL REFERENCES cases (id),"
	 " version INTEGER NOT NULL,"
	 " name TEXT,"
	 " hospital_number TEXT,"
	 " phone TEXT,"
	 " data TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL,"
	 " UNIQUE (case_id, version)) STRICT;"
	 "CREATE INDEX case_identifiers_name ON case_identifiers (name);"
	 "CREATE INDEX case_identifiers_hospital_number ON case_identifiers (hospital_number);",

	 "CREATE TABLE cases ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " site_id BIGINT NOT NULL REFERENCES sites (id),"
	 " latest_version INTEGER NOT NULL CHECK (latest_version >= 1),"
	 " deleted SMALLINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
	 " created_at BIGINT NOT NULL,"
	 " updated_at BIGINT NOT NULL);"
	 "CREATE INDEX cases_site ON cases (site_id, deleted, updated_at);"
	 "CREATE TABLE case_versions ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " case_id BIGINT NOT NULL REFERENCES cases (id),"
	 " version INTEGER NOT NULL CHECK (version >= 1),"
	 " deleted SMALLINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
	 " author_id BIGINT REFERENCES users (id),"
	 " created_at BIGINT NOT NULL,"
	 " reason TEXT NOT NULL,"
	 " document TEXT,"
	 " assessment TEXT,"
	 " engine_version TEXT,"
	 " definitions TEXT,"
	 " UNIQUE (case_id, version),"
	 " CHECK ((deleted = 1) = (document IS NULL)),"
	 " CHECK (assessment IS NULL OR (engine_version IS NOT NULL AND definitions IS NOT NULL)));"
	 "CREATE FUNCTION spinemets_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
	 " BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;"
	 "CREATE TRIGGER case_versions_append_only BEFORE UPDATE OR DELETE ON case_versions"
	 " FOR EACH ROW EXECUTE FUNCTION spinemets_append_only();"
	 "CREATE TRIGGER case_versions_no_truncate BEFORE TRUNCATE ON case_versions"
	 " FOR EACH STATEMENT EXECUTE FUNCTION spinemets_append_only();"
	 "REVOKE UPDATE, DELETE, TRUNCATE ON case_versions FROM PUBLIC;"
	 "CREATE TABLE case_identifiers ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " case_id BIGINT NOT NULL REFERENCES cases (id),"
	 " version INTEGER NOT NULL,"
	 " name TEXT,"
	 " hospital_number TEXT,"
	 " phone TEXT,"
	 " data TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL,"
	 " UNIQUE (case_id, version));"
	 "CREATE INDEX case_identifiers_name ON case_identifiers (name);"
	 "CREATE INDEX case_identifiers_hospital_number ON case_identifiers (hospital_number);"},

	{3, "append-only audit log",
	 "CREATE TABLE audit_log ("
	 " id INTEGER PRIMARY KEY AUTOINCREMENT,"
	 " at INTEGER NOT NULL,"
	 " user_id INTEGER,"
	 " action TEXT NOT NULL,"
	 " case_id INTEGER,"
	 " detail TEXT NOT NULL DEFAULT '') STRICT;"
	 "CREATE INDEX audit_log_case ON audit_log (case_id);"
	 "CREATE INDEX audit_log_user ON audit_log (user_id);"
	 "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	 " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
	 "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	 " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",

	 "CREATE TABLE audit_log ("
	 " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	 " at BIGINT NOT NULL,"
	 " user_id BIGINT,"
	 " action TEXT NOT NULL,"
	 " case_id BIGINT,"
	 " detail TEXT NOT NULL DEFAULT '');"
	 "CREATE INDEX audit_log_case ON audit_log (case_id);"
	 "CREATE INDEX audit_log_user ON audit_log (user_id);"
	 "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
	 " FOR EACH ROW EXECUTE FUNCTION spinemets_append_only();"
	 "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
	 " FOR EACH STATEMENT EXECUTE FUNCTION spinemets_append_only();"
	 "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;"},

	{4, "password change at first login; registry secrets",
	 "ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0"
	 " CHECK (must_change_password IN (0, 1));"
	 "CREATE TABLE registry_secrets ("
	 " name TEXT PRIMARY KEY,"
	 " value TEXT NOT NULL,"
	 " created_at INTEGER NOT NULL) STRICT;",

	 "ALTER TABLE users ADD COLUMN must_change_password SMALLINT NOT NULL DEFAULT 0"
	 " CHECK (must_change_password IN (0, 1));"
	 "CREATE TABLE registry_secrets ("
	 " name TEXT PRIMARY KEY,"
	 " value TEXT NOT NULL,"
	 " created_at BIGINT NOT NULL);"},

	/* Before it runs, migrate_locked refuses (with both names) a registry whose
	** usernames collide without regard to letter case. */
	{5, "usernames unique without regard to case; when a password was set",
	 "ALTER TABLE users ADD COLUMN password_set_at INTEGER NOT NULL DEFAULT 0;"
	 "UPDATE users SET password_set_at = updated_at;"
	 "CREATE UNIQUE INDEX users_username_nocase ON users (lower(username));",

	 "ALTER TABLE users ADD COLUMN password_set_at BIGINT NOT NULL DEFAULT 0;"
	 "UPDATE users SET password_set_at = updated_at;"
	 "CREATE UNIQUE INDEX users_username_nocase ON users (lower(username));"},

	/* The case index (sm_store_case_index), written with every save; existing
	** cases start without one (ix_valid 0) until a backfill (serve, db migrate). */
	{6, "case index for the worklist and the monthly audit",
	 "ALTER TABLE cases ADD COLUMN ix_valid INTEGER NOT NULL DEFAULT 0 CHECK (ix_valid IN (0, 1));"
	 "ALTER TABLE cases ADD COLUMN ix_urgency INTEGER;"
	 "ALTER TABLE cases ADD COLUMN ix_started INTEGER;"
	 "ALTER TABLE cases ADD COLUMN ix_start INTEGER;"
	 "ALTER TABLE cases ADD COLUMN ix_closed INTEGER;"
	 "ALTER TABLE cases ADD COLUMN ix_next_due INTEGER;"
	 "CREATE INDEX cases_ix_due ON cases (site_id, ix_next_due) WHERE deleted = 0;"
	 "CREATE INDEX cases_ix_start ON cases (ix_start) WHERE deleted = 0;"
	 "CREATE INDEX cases_ix_invalid ON cases (id) WHERE ix_valid = 0;",

	 "ALTER TABLE cases ADD COLUMN ix_valid SMALLINT NOT NULL DEFAULT 0 CHECK (ix_valid IN (0, 1));"
	 "ALTER TABLE cases ADD COLUMN ix_urgency SMALLINT;"
	 "ALTER TABLE cases ADD COLUMN ix_started SMALLINT;"
	 "ALTER TABLE cases ADD COLUMN ix_start BIGINT;"
	 "ALTER TABLE cases ADD COLUMN ix_closed SMALLINT;"
	 "ALTER TABLE cases ADD COLUMN ix_next_due BIGINT;"
	 "CREATE INDEX cases_ix_due ON cases (site_id, ix_next_due) WHERE deleted = 0;"
	 "CREATE INDEX cases_ix_start ON cases (ix_start) WHERE deleted = 0;"
	 "CREATE INDEX cases_ix_invalid ON cases (id) WHERE ix_valid = 0;"},
};
#define NMIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

static sm_store_status current_version(sm_store *st, int *v)
{
	smx_rows r = {0};
	*v = 0;
	sm_store_status rc = q(st, S_MIG_EXISTS, NULL, 0, &r);
	if (rc == SM_STORE_OK && cell_i64(&r, 0, 0) > 0) {
		smx_rows_free(&r);
		rc = q(st, S_MIG_MAX, NULL, 0, &r);
		if (rc == SM_STORE_OK)
			*v = (int)cell_i64(&r, 0, 0);
	}
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_schema_version(sm_store *st, int *current, int *latest)
{
	st->err[0] = 0;
	int v = 0;
	sm_store_status rc = current_version(st, &v);
	if (current)
		*current = v;
	if (latest)
		*latest = NMIGRATIONS;
	return rc;
}

static sm_store_status check_schema(sm_store *st)
{
	int v = 0;
	sm_store_status rc = current_version(st, &v);
	if (rc != SM_STORE_OK)
		return rc;
	if (v > NMIGRATIONS)
		return fail(st, SM_STORE_INVALID,
		            "the database has schema version %d, newer than this program's %d: "
		            "upgrade spinemets", v, NMIGRATIONS);
	return SM_STORE_OK;
}

static sm_store_status migrate_locked(sm_store *st, int *applied)
{
	sm_store_status rc = st->be->exec(st->ctx,
	                                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                                  " version INTEGER PRIMARY KEY,"
	                                  " name TEXT NOT NULL,"
	                                  " applied_at BIGINT NOT NULL)",
	                                  st->err, sizeof st->err);
	if (rc != SM_STORE_OK)
		return rc;
	for (int k = 0; k < NMIGRATIONS; k++) {
		const migration *m = &MIGRATIONS[k];
		rc = begin(st, true);
		if (rc != SM_STORE_OK)
			return rc;
		smx_rows r = {0};
		rc = q(st, S_MIG_MAX, NULL, 0, &r);
		int cur = (int)cell_i64(&r, 0, 0);
		smx_rows_free(&r);
		if (rc == SM_STORE_OK && cur > NMIGRATIONS)
			rc = fail(st, SM_STORE_INVALID,
			          "the database has schema version %d, newer than this program's %d", cur,
			          NMIGRATIONS);
		if (rc == SM_STORE_OK && cur >= m->version) {
			rollback(st); /* already applied */
			continue;
		}
		if (rc == SM_STORE_OK && cur != m->version - 1)
			rc = fail(st, SM_STORE_INVALID, "schema version %d: migration %d cannot run", cur,
			          m->version);
		if (rc == SM_STORE_OK && m->version == 5) {
			/* usernames that differ only in case cannot both stay: say which */
			smx_rows cr = {0};
			rc = q(st, S_USER_CASE_CLASH, NULL, 0, &cr);
			if (rc == SM_STORE_OK && cr.nrows)
				rc = fail(st, SM_STORE_INVALID,
				          "migration 5 (%s): the usernames '%s' and '%s' differ only in letter case, "
				          "and usernames are now one per spelling: rename one of them in the "
				          "database (UPDATE users SET username = 'NEW' WHERE username = 'OLD'), "
				          "then start again; nothing was changed",
				          m->name, cell_str(&cr, 0, 0), cell_str(&cr, 0, 1));
			smx_rows_free(&cr);
		}
		if (rc == SM_STORE_OK) {
			rc = st->be->exec(st->ctx, st->be->dialect == SMX_PG ? m->pg : m->sqlite, st->err,
			                  sizeof st->err);
			if (rc != SM_STORE_OK) {
				char tmp[SM_STORE_ERRMSG_SIZE];
				snprintf(tmp, sizeof tmp, "%s", st->err);
				fail(st, rc, "migration %d (%s): %s", m->version, m->name, tmp);
			}
		}
		if (rc == SM_STORE_OK) {
			smx_param p[] = {PI(m->version), PT(m->name), PI(time(NULL))};
			rc = q(st, S_MIG_INSERT, p, NP(p), NULL);
		}
		if (rc != SM_STORE_OK) {
			rollback(st);
			return rc;
		}
		rc = commit(st);
		if (rc != SM_STORE_OK)
			return rc;
		if (applied)
			(*applied)++;
	}
	return SM_STORE_OK;
}

sm_store_status sm_store_migrate(sm_store *st, int *applied)
{
	st->err[0] = 0;
	if (applied)
		*applied = 0;
	sm_store_status rc = st->be->lock(st->ctx, true, st->err, sizeof st->err);
	if (rc != SM_STORE_OK)
		return rc;
	rc = migrate_locked(st, applied);
	char keep[SM_STORE_ERRMSG_SIZE];
	snprintf(keep, sizeof keep, "%s", st->err);
	sm_store_status rc2 = st->be->lock(st->ctx, false, st->err, sizeof st->err);
	if (rc != SM_STORE_OK) {
		snprintf(st->err, sizeof st->err, "%s", keep);
		return rc;
	}
	return rc2;
}

/* ======================================================================
** Integrity
** ==================================================================== */
sm_store_status sm_store_check(sm_store *st)
{
	st->err[0] = 0;
	sm_store_status rc = st->be->check(st->ctx, st->err, sizeof st->err);
	if (rc != SM_STORE_OK)
		return rc;
	rc = begin(st, false); /* one snapshot for all the checks */
	if (rc != SM_STORE_OK)
		return rc;
	smx_rows r = {0};
	rc = q(st, S_CHECK_CHAIN, NULL, 0, &r);
	if (rc == SM_STORE_OK && r.nrows)
		rc = fail(st, SM_STORE_INVALID,
		          "case %s: version chain broken (latest %s, %s versions from %s to %s)",
		          cell_str(&r, 0, 0), cell_str(&r, 0, 1), cell_str(&r, 0, 2), cell_str(&r, 0, 3),
		          cell_str(&r, 0, 4));
	smx_rows_free(&r);
	if (rc == SM_STORE_OK) {
		rc = q(st, S_CHECK_DELETED, NULL, 0, &r);
		if (rc == SM_STORE_OK && r.nrows)
			rc = fail(st, SM_STORE_INVALID,
			          "case %s: deleted flag differs from its latest version", cell_str(&r, 0, 0));
		smx_rows_free(&r);
	}
	if (rc == SM_STORE_OK) {
		rc = q(st, S_CHECK_TOMB, NULL, 0, &r);
		if (rc == SM_STORE_OK && r.nrows)
			rc = fail(st, SM_STORE_INVALID, "case %s: tombstone at version %s is not the last",
			          cell_str(&r, 0, 0), cell_str(&r, 0, 1));
		smx_rows_free(&r);
	}
	if (rc == SM_STORE_OK) {
		rc = q(st, S_CHECK_FIRST, NULL, 0, &r);
		if (rc == SM_STORE_OK && r.nrows)
			rc = fail(st, SM_STORE_INVALID, "case %s: version 1 is a tombstone", cell_str(&r, 0, 0));
		smx_rows_free(&r);
	}
	if (rc == SM_STORE_OK) {
		rc = q(st, S_CHECK_IDENT, NULL, 0, &r);
		if (rc == SM_STORE_OK && r.nrows)
			rc = fail(st, SM_STORE_INVALID,
			          "case %s: identifiers recorded at version %s, beyond the case's versions",
			          cell_str(&r, 0, 0), cell_str(&r, 0, 1));
		smx_rows_free(&r);
	}
	rollback(st); /* read only */
	return rc;
}

/* ======================================================================
** Sites
** ==================================================================== */
static void fill_site(const smx_rows *r, size_t row, sm_store_site *s)
{
	memset(s, 0, sizeof *s);
	s->id = cell_i64(r, row, 0);
	copy_fixed(s->code, sizeof s->code, cell(r, row, 1));
	copy_fixed(s->name, sizeof s->name, cell(r, row, 2));
	s->created_at = cell_i64(r, row, 3);
}

/* 1..max ASCII letters, digits and characters of `extra` */
static bool word_ok(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > max)
		return false;
	for (size_t k = 0; k < n; k++) {
		char ch = s[k];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr(extra, ch)))
			return false;
	}
	return true;
}

bool sm_store_site_code_ok(const char *code) { return word_ok(code, 63, "._-"); }
bool sm_store_username_ok(const char *username) { return word_ok(username, 64, "._@'+-"); }

sm_store_status sm_store_site_add(sm_store *st, const char *code, const char *name, int64_t now,
                                  int64_t *id)
{
	st->err[0] = 0;
	sm_store_status rc = check_text(st, "site code", code, SM_STORE_CODE_SIZE - 1, TX_LINE);
	if (rc == SM_STORE_OK)
		rc = check_text(st, "site name", name, SM_STORE_NAME_SIZE - 1, TX_LINE);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PT(code), PT(name), PI(now)};
	smx_rows r = {0};
	rc = q(st, S_SITE_ADD, p, NP(p), &r);
	if (rc == SM_STORE_EXISTS)
		fail(st, rc, "site code already in use");
	if (rc == SM_STORE_OK && id)
		*id = cell_i64(&r, 0, 0);
	smx_rows_free(&r);
	return rc;
}

static sm_store_status site_get(sm_store *st, int stmt, smx_param key, sm_store_site *out)
{
	st->err[0] = 0;
	smx_rows r = {0};
	sm_store_status rc = q(st, stmt, &key, 1, &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such site");
	if (rc == SM_STORE_OK && out)
		fill_site(&r, 0, out);
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_site_get(sm_store *st, const char *code, sm_store_site *out)
{
	if (!code)
		return fail(st, SM_STORE_INVALID, "site code: required");
	return site_get(st, S_SITE_GET, PT(code), out);
}

sm_store_status sm_store_site_get_id(sm_store *st, int64_t id, sm_store_site *out)
{
	return site_get(st, S_SITE_GET_ID, PI(id), out);
}

sm_store_status sm_store_site_list(sm_store *st, sm_store_site **out, size_t *n)
{
	st->err[0] = 0;
	*out = NULL;
	*n = 0;
	smx_rows r = {0};
	sm_store_status rc = q(st, S_SITE_LIST, NULL, 0, &r);
	if (rc == SM_STORE_OK) {
		*out = calloc(r.nrows ? r.nrows : 1, sizeof **out);
		if (!*out)
			rc = fail(st, SM_STORE_NOMEM, "out of memory");
		else
			for (size_t k = 0; k < r.nrows; k++)
				fill_site(&r, k, &(*out)[k]);
		if (*out)
			*n = r.nrows;
	}
	smx_rows_free(&r);
	return rc;
}

/* ======================================================================
** Users
** ==================================================================== */
static const char *const ROLE_NAMES[SM_NROLES] = {"clinician", "coordinator", "researcher", "admin"};

const char *sm_store_role_name(sm_store_role r)
{
	return (unsigned)r < SM_NROLES ? ROLE_NAMES[r] : NULL;
}

int sm_store_role_find(const char *name)
{
	for (int k = 0; name && k < SM_NROLES; k++)
		if (strcmp(name, ROLE_NAMES[k]) == 0)
			return k;
	return -1;
}

/* Columns of USER_COLS starting at column `c0`. */
static void fill_user(const smx_rows *r, size_t row, size_t c0, sm_store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = cell_i64(r, row, c0);
	copy_fixed(u->username, sizeof u->username, cell(r, row, c0 + 1));
	copy_fixed(u->display_name, sizeof u->display_name, cell(r, row, c0 + 2));
	int role = sm_store_role_find(cell(r, row, c0 + 3));
	u->role = role < 0 ? SM_ROLE_CLINICIAN : (sm_store_role)role;
	u->site_id = cell_i64(r, row, c0 + 4);
	u->active = cell_i64(r, row, c0 + 5) != 0;
	copy_fixed(u->password_hash, sizeof u->password_hash, cell(r, row, c0 + 6));
	u->created_at = cell_i64(r, row, c0 + 7);
	u->updated_at = cell_i64(r, row, c0 + 8);
	u->must_change_password = cell_i64(r, row, c0 + 9) != 0;
	u->password_set_at = cell_i64(r, row, c0 + 10);
}

static sm_store_status check_pwhash(sm_store *st, const char *h)
{
	if (!h || strncmp(h, "$argon2id$", 10) != 0 || strlen(h) >= SM_STORE_PWHASH_SIZE)
		return fail(st, SM_STORE_INVALID,
		            "password hash: not an argon2id string (use sm_store_password_hash)");
	return check_text(st, "password hash", h, SM_STORE_PWHASH_SIZE - 1, TX_LINE);
}

sm_store_status sm_store_user_add(sm_store *st, const sm_store_user *u, int64_t now, int64_t *id)
{
	st->err[0] = 0;
	if (!u)
		return fail(st, SM_STORE_INVALID, "user: required");
	sm_store_status rc = check_text(st, "username", u->username, SM_STORE_USERNAME_SIZE - 1, TX_LINE);
	if (rc == SM_STORE_OK)
		rc = check_text(st, "display name", u->display_name, SM_STORE_NAME_SIZE - 1, TX_LINE);
	if (rc == SM_STORE_OK && !sm_store_role_name(u->role))
		rc = fail(st, SM_STORE_INVALID, "role: not one of clinician, coordinator, researcher, admin");
	if (rc == SM_STORE_OK)
		rc = check_pwhash(st, u->password_hash);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PT(u->username), PT(u->display_name), PT(sm_store_role_name(u->role)),
	                 PID(u->site_id), PT(u->password_hash), PI(now), PI(now),
	                 PI(u->must_change_password ? 1 : 0), PI(now)};
	smx_rows r = {0};
	rc = q(st, S_USER_ADD, p, NP(p), &r);
	if (rc == SM_STORE_EXISTS)
		fail(st, rc, "username already in use (usernames are compared without regard to letter case)");
	else if (rc == SM_STORE_INVALID)
		fail(st, rc, "no such site");
	if (rc == SM_STORE_OK && id)
		*id = cell_i64(&r, 0, 0);
	smx_rows_free(&r);
	return rc;
}

static sm_store_status user_get(sm_store *st, int stmt, smx_param key, sm_store_user *out)
{
	st->err[0] = 0;
	smx_rows r = {0};
	sm_store_status rc = q(st, stmt, &key, 1, &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such user");
	if (rc == SM_STORE_OK && out)
		fill_user(&r, 0, 0, out);
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_user_get(sm_store *st, const char *username, sm_store_user *out)
{
	if (!username)
		return fail(st, SM_STORE_INVALID, "username: required");
	return user_get(st, S_USER_GET, PT(username), out);
}

sm_store_status sm_store_user_get_id(sm_store *st, int64_t id, sm_store_user *out)
{
	return user_get(st, S_USER_GET_ID, PI(id), out);
}

sm_store_status sm_store_user_set_password(sm_store *st, int64_t id, const char *password_hash,
                                           int64_t now)
{
	return sm_store_user_set_password_ex(st, id, password_hash, false, now);
}

sm_store_status sm_store_user_set_password_ex(sm_store *st, int64_t id, const char *password_hash,
                                              bool must_change, int64_t now)
{
	st->err[0] = 0;
	sm_store_status rc = check_pwhash(st, password_hash);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PT(password_hash), PI(must_change ? 1 : 0), PI(now), PI(now), PI(id)};
	smx_rows r = {0};
	rc = q(st, S_USER_SET_PW, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such user");
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_user_change_password(sm_store *st, int64_t id, const char *password_hash,
                                              bool must_change, int64_t now, int64_t keep_token_id,
                                              size_t *revoked)
{
	st->err[0] = 0;
	if (revoked)
		*revoked = 0;
	sm_store_status rc = check_pwhash(st, password_hash);
	if (rc != SM_STORE_OK)
		return rc;
	rc = begin(st, true);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PT(password_hash), PI(must_change ? 1 : 0), PI(now), PI(now), PI(id)};
	smx_rows r = {0};
	rc = q(st, S_USER_SET_PW, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such user");
	smx_rows_free(&r);
	if (rc == SM_STORE_OK) {
		smx_param t[] = {PI(id), PI(keep_token_id)};
		rc = q(st, S_TOKEN_DELETE_OTHER_SESSIONS, t, NP(t), &r);
		if (rc == SM_STORE_OK && revoked)
			*revoked = r.nrows;
		smx_rows_free(&r);
	}
	if (rc != SM_STORE_OK) {
		rollback(st);
		return rc;
	}
	return commit(st);
}

sm_store_status sm_store_user_rehash(sm_store *st, int64_t id, const char *password_hash)
{
	st->err[0] = 0;
	sm_store_status rc = check_pwhash(st, password_hash);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PT(password_hash), PI(id)};
	smx_rows r = {0};
	rc = q(st, S_USER_REHASH, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such user");
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_user_set_active(sm_store *st, int64_t id, bool active, int64_t now)
{
	st->err[0] = 0;
	sm_store_status rc = begin(st, true);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PI(active ? 1 : 0), PI(now), PI(id)};
	smx_rows r = {0};
	rc = q(st, S_USER_SET_ACTIVE, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such user");
	smx_rows_free(&r);
	if (rc == SM_STORE_OK && !active) {
		smx_param t[] = {PI(id)};
		rc = q(st, S_TOKEN_DELETE_USER, t, NP(t), NULL);
	}
	if (rc != SM_STORE_OK) {
		rollback(st);
		return rc;
	}
	return commit(st);
}

sm_store_status sm_store_user_list(sm_store *st, int64_t site_id, sm_store_user **out, size_t *n)
{
	st->err[0] = 0;
	*out = NULL;
	*n = 0;
	smx_param p[] = {PI(site_id), PI(site_id)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_USER_LIST, p, NP(p), &r);
	if (rc == SM_STORE_OK) {
		*out = calloc(r.nrows ? r.nrows : 1, sizeof **out);
		if (!*out) {
			rc = fail(st, SM_STORE_NOMEM, "out of memory");
		} else {
			for (size_t k = 0; k < r.nrows; k++)
				fill_user(&r, k, 0, &(*out)[k]);
			*n = r.nrows;
		}
	}
	smx_rows_free(&r);
	return rc;
}

/* ======================================================================
** Passwords and tokens (libsodium)
** ==================================================================== */
/* argon2id limits: 9 MiB, 4 passes, one lane: one of the equivalent minimum
** configurations of the OWASP Password Storage Cheat Sheet (m=9216 KiB, t=4,
** p=1), chosen over libsodium's "interactive" 64 MiB so that the server stays
** under 30 MB of RSS (bench/README.md, "HTTP"); hashes made with other limits
** still verify and are rehashed at the next login. One hash at a time
** (pw_lock): concurrent logins wait rather than add 9 MiB each. */
#define PW_OPSLIMIT 4ULL
#define PW_MEMLIMIT ((size_t)9216 * 1024)
static pthread_mutex_t pw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[SM_STORE_PWHASH_SIZE];

static void make_dummy(void)
{
	pthread_mutex_lock(&pw_lock);
	if (sodium_init() < 0 || crypto_pwhash_str(dummy_hash, "spinemets-dummy", 15, PW_OPSLIMIT, PW_MEMLIMIT) != 0)
		dummy_hash[0] = 0;
	pthread_mutex_unlock(&pw_lock);
}

sm_store_status sm_store_password_hash(const char *password, char out[SM_STORE_PWHASH_SIZE])
{
	_Static_assert(SM_STORE_PWHASH_SIZE == crypto_pwhash_STRBYTES, "hash size");
	out[0] = 0;
	if (!password || !*password || strlen(password) > 1024)
		return SM_STORE_INVALID;
	if (sodium_init() < 0)
		return SM_STORE_BACKEND;
	pthread_mutex_lock(&pw_lock);
	int rc = crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT);
	pthread_mutex_unlock(&pw_lock);
	if (rc != 0)
		return SM_STORE_NOMEM; /* the only documented failure: memory */
	return SM_STORE_OK;
}

sm_store_status sm_store_password_quality(const char *password, const char *username, const char *old,
                                          char *why, size_t whysz)
{
	size_t n = password ? strlen(password) : 0, chars = 0;
	for (size_t k = 0; k < n; k++)
		chars += ((unsigned char)password[k] & 0xC0) != 0x80;
	if (chars < SM_STORE_PASSWORD_MIN || n > 1024) {
		smx_errf(why, whysz, "a password of at least %d characters (and at most 1024 bytes)",
		         SM_STORE_PASSWORD_MIN);
		return SM_STORE_INVALID;
	}
	if (!utf8_valid((const unsigned char *)password, n)) {
		smx_errf(why, whysz, "the password is not valid UTF-8");
		return SM_STORE_INVALID;
	}
	pwquality_settings_t *pq = pwquality_default_settings();
	if (!pq) {
		smx_errf(why, whysz, "out of memory");
		return SM_STORE_NOMEM;
	}
	/* libpwquality counts bytes, and credits nothing (credits 0): length is checked above */
	pwquality_set_int_value(pq, PWQ_SETTING_MIN_LENGTH, 6);
	pwquality_set_int_value(pq, PWQ_SETTING_DIG_CREDIT, 0);
	pwquality_set_int_value(pq, PWQ_SETTING_UP_CREDIT, 0);
	pwquality_set_int_value(pq, PWQ_SETTING_LOW_CREDIT, 0);
	pwquality_set_int_value(pq, PWQ_SETTING_OTH_CREDIT, 0);
	pwquality_set_int_value(pq, PWQ_SETTING_MAX_REPEAT, 3);
	pwquality_set_int_value(pq, PWQ_SETTING_DICT_CHECK, 1);
	pwquality_set_int_value(pq, PWQ_SETTING_USER_CHECK, 1);
	pwquality_set_int_value(pq, PWQ_SETTING_USER_SUBSTR, 4);
	pwquality_set_int_value(pq, PWQ_SETTING_DIFF_OK, 5);
	void *aux = NULL;
	int rc = pwquality_check(pq, password, old && *old ? old : NULL, username && *username ? username : NULL,
	                         &aux);
	if (rc >= 0) {
		/* cracklib passes a dictionary word with digits or signs around it
		** ("password1234"): check the letters alone too */
		char core[1025];
		size_t m = 0;
		for (size_t k = 0; k < n && m < sizeof core - 1; k++) {
			char ch = password[k];
			if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
				core[m++] = (char)(ch | 0x20);
		}
		core[m] = '\0';
		if (m >= 4 && m < n) {
			pwquality_set_int_value(pq, PWQ_SETTING_MIN_LENGTH, 4);
			pwquality_set_int_value(pq, PWQ_SETTING_USER_CHECK, 0);
			pwquality_set_int_value(pq, PWQ_SETTING_MAX_REPEAT, 0);
			aux = NULL;
			int rc2 = pwquality_check(pq, core, NULL, NULL, &aux);
			if (rc2 == PWQ_ERROR_CRACKLIB_CHECK)
				rc = rc2;
		}
		sodium_memzero(core, sizeof core);
	}
	pwquality_free_settings(pq);
	if (rc >= 0)
		return SM_STORE_OK;
	char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
	const char *msg = pwquality_strerror(buf, sizeof buf, rc, aux);
	smx_errf(why, whysz, "the password is too easy to guess: %s", msg ? msg : "rejected");
	return SM_STORE_INVALID;
}

bool sm_store_password_verify(const char *hash, const char *password)
{
	if (!hash || !password || strlen(password) > 1024 || sodium_init() < 0)
		return false;
	char h[SM_STORE_PWHASH_SIZE] = {0};
	if (strlen(hash) >= sizeof h)
		return false;
	memcpy(h, hash, strlen(hash));
	pthread_mutex_lock(&pw_lock);
	int rc = crypto_pwhash_str_verify(h, password, strlen(password));
	pthread_mutex_unlock(&pw_lock);
	return rc == 0;
}

bool sm_store_password_needs_rehash(const char *hash)
{
	char h[SM_STORE_PWHASH_SIZE] = {0};
	if (!hash || strlen(hash) >= sizeof h || sodium_init() < 0)
		return true;
	memcpy(h, hash, strlen(hash));
	return crypto_pwhash_str_needs_rehash(h, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

sm_store_status sm_store_token_generate(char out[SM_STORE_TOKEN_SIZE])
{
	unsigned char raw[32];
	out[0] = 0;
	if (sodium_init() < 0)
		return SM_STORE_BACKEND;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, SM_STORE_TOKEN_SIZE, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	return SM_STORE_OK;
}

sm_store_status sm_store_token_hash(const char *token, char out[SM_STORE_TOKEN_HASH_SIZE])
{
	unsigned char h[32];
	out[0] = 0;
	if (!token || !*token || strlen(token) > 1024)
		return SM_STORE_INVALID;
	if (sodium_init() < 0)
		return SM_STORE_BACKEND;
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, SM_STORE_TOKEN_HASH_SIZE, h, sizeof h);
	return SM_STORE_OK;
}

sm_store_status sm_store_user_authenticate(sm_store *st, const char *username,
                                           const char *password, sm_store_user *out)
{
	st->err[0] = 0;
	sm_store_user u;
	sm_store_status rc = username ? user_get(st, S_USER_GET, PT(username), &u) : SM_STORE_NOT_FOUND;
	if (rc != SM_STORE_OK && rc != SM_STORE_NOT_FOUND)
		return rc;
	bool ok;
	if (rc == SM_STORE_OK && u.active) {
		ok = sm_store_password_verify(u.password_hash, password ? password : "");
	} else {
		pthread_once(&dummy_once, make_dummy); /* the same work as for a real user */
		(void)sm_store_password_verify(dummy_hash, password ? password : "");
		ok = false;
	}
	sodium_memzero(u.password_hash, sizeof u.password_hash);
	if (!ok)
		return fail(st, SM_STORE_NOT_FOUND, "unknown user or wrong password");
	if (out)
		*out = u;
	return SM_STORE_OK;
}

static const char *const KIND_NAMES[2] = {"session", "api"};

const char *sm_store_token_kind_name(sm_store_token_kind k)
{
	return (unsigned)k < 2 ? KIND_NAMES[k] : NULL;
}

static sm_store_status check_token_hash(sm_store *st, const char *h)
{
	if (!h || strlen(h) != SM_STORE_TOKEN_HASH_SIZE - 1)
		return fail(st, SM_STORE_INVALID, "token hash: not 64 hex digits (use sm_store_token_hash)");
	for (const char *p = h; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return fail(st, SM_STORE_INVALID, "token hash: not 64 hex digits");
	return SM_STORE_OK;
}

sm_store_status sm_store_token_add(sm_store *st, const char *token_hash, int64_t user_id,
                                   sm_store_token_kind kind, int64_t created_at,
                                   int64_t expires_at, int64_t *id)
{
	st->err[0] = 0;
	sm_store_status rc = check_token_hash(st, token_hash);
	if (rc != SM_STORE_OK)
		return rc;
	if (!sm_store_token_kind_name(kind))
		return fail(st, SM_STORE_INVALID, "token kind: not session or api");
	if (expires_at <= created_at)
		return fail(st, SM_STORE_INVALID, "token: expires before it is created");
	smx_param p[] = {PT(token_hash), PI(user_id), PT(sm_store_token_kind_name(kind)),
	                 PI(created_at), PI(expires_at)};
	smx_rows r = {0};
	rc = q(st, S_TOKEN_ADD, p, NP(p), &r);
	if (rc == SM_STORE_INVALID)
		fail(st, rc, "no such user");
	if (rc == SM_STORE_OK && id)
		*id = cell_i64(&r, 0, 0);
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_token_lookup(sm_store *st, const char *token_hash, int64_t now,
                                      sm_store_user *user, sm_store_token *tok)
{
	st->err[0] = 0;
	sm_store_status rc = check_token_hash(st, token_hash);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param p[] = {PT(token_hash), PI(now)};
	smx_rows r = {0};
	rc = q(st, S_TOKEN_LOOKUP, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such token, or it has expired");
	if (rc == SM_STORE_OK) {
		if (tok) {
			tok->id = cell_i64(&r, 0, 0);
			tok->user_id = cell_i64(&r, 0, 1);
			tok->kind = strcmp(cell_str(&r, 0, 2), "api") == 0 ? SM_TOKEN_API : SM_TOKEN_SESSION;
			tok->created_at = cell_i64(&r, 0, 3);
			tok->expires_at = cell_i64(&r, 0, 4);
		}
		if (user)
			fill_user(&r, 0, 5, user);
	}
	smx_rows_free(&r);
	return rc;
}

static sm_store_status delete_tokens(sm_store *st, int stmt, smx_param p, size_t *n)
{
	st->err[0] = 0;
	smx_rows r = {0};
	sm_store_status rc = q(st, stmt, &p, 1, &r);
	if (n)
		*n = rc == SM_STORE_OK ? r.nrows : 0;
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_token_delete(sm_store *st, const char *token_hash)
{
	sm_store_status rc = check_token_hash(st, token_hash);
	if (rc != SM_STORE_OK)
		return rc;
	size_t n = 0;
	rc = delete_tokens(st, S_TOKEN_DELETE, PT(token_hash), &n);
	if (rc == SM_STORE_OK && n == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such token");
	return rc;
}

sm_store_status sm_store_token_delete_expired(sm_store *st, int64_t now, size_t *n)
{
	return delete_tokens(st, S_TOKEN_DELETE_EXPIRED, PI(now), n);
}

sm_store_status sm_store_token_touch(sm_store *st, int64_t id, int64_t expires_at)
{
	st->err[0] = 0;
	smx_param p[] = {PI(expires_at), PI(id), PI(expires_at)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_TOKEN_TOUCH, p, NP(p), &r);
	smx_rows_free(&r);
	if (rc != SM_STORE_OK)
		return rc;
	/* nothing updated: no such token, or it already lives that long */
	return SM_STORE_OK;
}

sm_store_status sm_store_secret(sm_store *st, const char *name, int64_t now,
                                char out[SM_STORE_TOKEN_SIZE])
{
	st->err[0] = 0;
	size_t n = name ? strlen(name) : 0;
	if (n < 1 || n > 64)
		return fail(st, SM_STORE_INVALID, "secret name: 1 to 64 characters");
	for (size_t k = 0; k < n; k++) {
		char c = name[k];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
			return fail(st, SM_STORE_INVALID, "secret name: only a-z, 0-9, '_' and '.'");
	}
	char fresh[SM_STORE_TOKEN_SIZE];
	sm_store_status rc = sm_store_token_generate(fresh);
	if (rc != SM_STORE_OK)
		return rc;
	const char *value = fresh;
	smx_param p[] = {PT(name), PT(value), PI(now)};
	rc = q(st, S_SECRET_ADD, p, NP(p), NULL); /* the first writer wins */
	sodium_memzero(fresh, sizeof fresh);
	if (rc != SM_STORE_OK)
		return rc;
	smx_param g[] = {PT(name)};
	smx_rows r = {0};
	rc = q(st, S_SECRET_GET, g, NP(g), &r);
	if (rc == SM_STORE_OK && (r.nrows != 1 || !cell(&r, 0, 0) || strlen(cell(&r, 0, 0)) != SM_STORE_TOKEN_SIZE - 1))
		rc = fail(st, SM_STORE_BACKEND, "secret %s: not stored", name);
	if (rc == SM_STORE_OK)
		memcpy(out, cell(&r, 0, 0), SM_STORE_TOKEN_SIZE);
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_token_delete_user(sm_store *st, int64_t user_id, size_t *n)
{
	return delete_tokens(st, S_TOKEN_DELETE_USER, PI(user_id), n);
}

/* ======================================================================
** The audit log
** ==================================================================== */
static sm_store_status audit(sm_store *st, const sm_store_actor *who, const char *action,
                             int64_t case_id, const char *detail)
{
	smx_param p[] = {PI(who->at), PID(who->user_id), PT(action), PID(case_id),
	                 PT(detail ? detail : "")};
	return q(st, S_AUDIT_INSERT, p, NP(p), NULL);
}

sm_store_status sm_store_audit_add(sm_store *st, const sm_store_actor *who, const char *action,
                                   int64_t case_id, const char *detail)
{
	st->err[0] = 0;
	if (!who)
		return fail(st, SM_STORE_INVALID, "actor: required");
	sm_store_status rc = check_text(st, "audit action", action, SM_STORE_TEXT_MAX, TX_LINE);
	if (rc == SM_STORE_OK && detail && *detail)
		rc = check_text(st, "audit detail", detail, SM_STORE_TEXT_MAX, TX_TEXT);
	if (rc != SM_STORE_OK)
		return rc;
	return audit(st, who, action, case_id, detail);
}

sm_store_status sm_store_audit_list_get(sm_store *st, const sm_store_audit_query *aq,
                                        sm_store_audit_list **out)
{
	st->err[0] = 0;
	*out = NULL;
	sm_store_audit_query d = {0};
	if (!aq)
		aq = &d;
	size_t limit = aq->limit ? aq->limit : 100;
	if (limit > SM_STORE_PAGE_MAX)
		limit = SM_STORE_PAGE_MAX;
	smx_param p[] = {PI(aq->after_id), PI(aq->case_id), PI(aq->case_id), PI(aq->user_id),
	                 PI(aq->user_id), PI(limit)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_AUDIT_LIST, p, NP(p), &r);
	if (rc != SM_STORE_OK)
		return rc;
	size_t strings = 0;
	for (size_t k = 0; k < r.nrows; k++)
		strings += slen(cell_str(&r, k, 3)) + slen(cell_str(&r, k, 5));
	arena a;
	if (!arena_init(&a, sizeof(sm_store_audit_list) + r.nrows * sizeof(sm_store_audit_entry),
	                strings)) {
		smx_rows_free(&r);
		return fail(st, SM_STORE_NOMEM, "out of memory");
	}
	sm_store_audit_list *l = (sm_store_audit_list *)(void *)a.base;
	l->n = r.nrows;
	for (size_t k = 0; k < r.nrows; k++) {
		sm_store_audit_entry *e = &l->e[k];
		e->id = cell_i64(&r, k, 0);
		e->at = cell_i64(&r, k, 1);
		e->user_id = cell_i64(&r, k, 2);
		e->action = arena_str(&a, cell_str(&r, k, 3));
		e->case_id = cell_i64(&r, k, 4);
		e->detail = arena_str(&a, cell_str(&r, k, 5));
	}
	smx_rows_free(&r);
	*out = l;
	return SM_STORE_OK;
}

/* ======================================================================
** Cases
** ==================================================================== */
static sm_store_status check_save(sm_store *st, const sm_store_save *s, bool create)
{
	if (!s)
		return fail(st, SM_STORE_INVALID, "save: required");
	if (create && s->site_id <= 0)
		return fail(st, SM_STORE_INVALID, "site: required");
	sm_store_status rc = check_text(st, "reason", s->reason, SM_STORE_TEXT_MAX, TX_TEXT);
	if (rc == SM_STORE_OK)
		rc = check_json_object(st, "document", s->document);
	if (rc == SM_STORE_OK && s->assessment) {
		rc = check_json_object(st, "assessment", s->assessment);
		if (rc == SM_STORE_OK)
			rc = check_text(st, "engine version", s->engine_version, 64, TX_LINE);
		if (rc == SM_STORE_OK)
			rc = check_json_object(st, "definitions", s->definitions);
	} else if (rc == SM_STORE_OK) {
		if (s->engine_version)
			rc = check_text(st, "engine version", s->engine_version, 64, TX_LINE);
		if (rc == SM_STORE_OK && s->definitions)
			rc = check_json_object(st, "definitions", s->definitions);
	}
	return rc;
}

static sm_store_status check_actor(sm_store *st, const sm_store_actor *who)
{
	if (!who)
		return fail(st, SM_STORE_INVALID, "actor: required");
	if (who->user_id < 0)
		return fail(st, SM_STORE_INVALID, "actor: bad user id");
	return SM_STORE_OK;
}

/* Insert version `version` (and its identifiers when given); inside a transaction. */
static sm_store_status insert_version(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                      int version, bool deleted, const sm_store_save *s,
                                      const char *reason, const idents *id, const char *id_text)
{
	smx_param p[] = {PI(case_id), PI(version), PI(deleted ? 1 : 0), PID(who->user_id), PI(who->at),
	                 PT(reason), PT(deleted ? NULL : s->document),
	                 PT(deleted ? NULL : s->assessment), PT(deleted ? NULL : s->engine_version),
	                 PT(deleted ? NULL : s->definitions)};
	sm_store_status rc = q(st, S_VERSION_INSERT, p, NP(p), NULL);
	if (rc == SM_STORE_INVALID)
		fail(st, rc, "no such author (user %" PRId64 ")", who->user_id);
	if (rc == SM_STORE_OK && id_text) {
		smx_param ip[] = {PI(case_id), PI(version), PT(id->name), PT(id->hospital_number),
		                  PT(id->phone), PT(id_text), PI(who->at)};
		rc = q(st, S_IDENT_INSERT, ip, NP(ip), NULL);
	}
	return rc;
}

sm_store_status sm_store_case_create(sm_store *st, const sm_store_actor *who,
                                     const sm_store_save *save, int64_t *case_id)
{
	st->err[0] = 0;
	sm_store_status rc = check_actor(st, who);
	if (rc == SM_STORE_OK)
		rc = check_save(st, save, true);
	idents id = {0};
	if (rc == SM_STORE_OK && save->identifiers)
		rc = parse_identifiers(st, save->identifiers, &id);
	if (rc != SM_STORE_OK)
		return rc;
	rc = begin(st, true);
	if (rc != SM_STORE_OK) {
		idents_free(&id);
		return rc;
	}
	const sm_store_case_index *ix = save->index;
	smx_param p[] = {PI(save->site_id), PI(who->at), PI(who->at), IXP(ix)};
	smx_rows r = {0};
	rc = q(st, S_CASE_INSERT, p, NP(p), &r);
	if (rc == SM_STORE_INVALID)
		fail(st, rc, "no such site (%" PRId64 ")", save->site_id);
	int64_t cid = cell_i64(&r, 0, 0);
	smx_rows_free(&r);
	if (rc == SM_STORE_OK)
		rc = insert_version(st, who, cid, 1, false, save, save->reason, &id, save->identifiers);
	if (rc == SM_STORE_OK)
		rc = audit(st, who, "case.create", cid, "version 1");
	idents_free(&id);
	if (rc != SM_STORE_OK) {
		rollback(st);
		return rc;
	}
	rc = commit(st);
	if (rc == SM_STORE_OK && case_id)
		*case_id = cid;
	return rc;
}

/* Lock the case and check the expected version. *cur = the current version. */
static sm_store_status lock_case(sm_store *st, int64_t case_id, int expected, int *cur)
{
	smx_param p[] = {PI(case_id)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_CASE_LOCK, p, NP(p), &r);
	if (rc != SM_STORE_OK)
		return rc;
	if (r.nrows == 0) {
		smx_rows_free(&r);
		return fail(st, SM_STORE_NOT_FOUND, "no such case (%" PRId64 ")", case_id);
	}
	*cur = (int)cell_i64(&r, 0, 0);
	bool deleted = cell_i64(&r, 0, 1) != 0;
	smx_rows_free(&r);
	if (deleted)
		return fail(st, SM_STORE_GONE, "case %" PRId64 " is deleted (version %d)", case_id, *cur);
	if (*cur != expected)
		return fail(st, SM_STORE_CONFLICT,
		            "case %" PRId64 " is at version %d; this save edits version %d", case_id, *cur,
		            expected);
	return SM_STORE_OK;
}

static sm_store_status save_version(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                    int expected, const sm_store_save *save, const char *reason,
                                    bool deleted, int *version)
{
	idents id = {0};
	sm_store_status rc = SM_STORE_OK;
	const char *id_text = deleted ? NULL : save->identifiers;
	if (id_text)
		rc = parse_identifiers(st, id_text, &id);
	if (rc != SM_STORE_OK)
		return rc;
	rc = begin(st, true);
	if (rc != SM_STORE_OK) {
		idents_free(&id);
		return rc;
	}
	int cur = 0;
	rc = lock_case(st, case_id, expected, &cur);
	int next = cur + 1;
	if (rc == SM_STORE_OK)
		rc = insert_version(st, who, case_id, next, deleted, save, reason, &id, id_text);
	if (rc == SM_STORE_EXISTS) /* the UNIQUE(case_id, version) backstop */
		rc = fail(st, SM_STORE_CONFLICT, "case %" PRId64 ": version %d was saved meanwhile",
		          case_id, next);
	if (rc == SM_STORE_OK) {
		const sm_store_case_index *ix = deleted ? NULL : save->index;
		smx_param p[] = {PI(next), PI(deleted ? 1 : 0), PI(who->at), IXP(ix), PI(case_id), PI(cur)};
		smx_rows r = {0};
		rc = q(st, S_CASE_BUMP, p, NP(p), &r);
		if (rc == SM_STORE_OK && r.nrows != 1)
			rc = fail(st, SM_STORE_CONFLICT, "case %" PRId64 " changed meanwhile", case_id);
		smx_rows_free(&r);
	}
	if (rc == SM_STORE_OK) {
		char detail[64];
		snprintf(detail, sizeof detail, "version %d", next);
		rc = audit(st, who, deleted ? "case.delete" : "case.update", case_id, detail);
	}
	idents_free(&id);
	if (rc != SM_STORE_OK) {
		char keep[SM_STORE_ERRMSG_SIZE];
		snprintf(keep, sizeof keep, "%s", st->err);
		rollback(st);
		snprintf(st->err, sizeof st->err, "%s", keep);
		if (rc == SM_STORE_CONFLICT && cur == expected) {
			/* the backstop fired: report the version that won */
			smx_param p[] = {PI(case_id)};
			smx_rows r = {0};
			if (q(st, S_CASE_EXISTS, p, NP(p), &r) == SM_STORE_OK && r.nrows)
				cur = (int)cell_i64(&r, 0, 0);
			smx_rows_free(&r);
			snprintf(st->err, sizeof st->err, "%s", keep);
		}
		if (version && (rc == SM_STORE_CONFLICT || rc == SM_STORE_GONE))
			*version = cur;
		return rc;
	}
	rc = commit(st);
	if (rc == SM_STORE_OK && version)
		*version = next;
	return rc;
}

sm_store_status sm_store_case_update(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                     int expected, const sm_store_save *save, int *version)
{
	st->err[0] = 0;
	sm_store_status rc = check_actor(st, who);
	if (rc == SM_STORE_OK)
		rc = check_save(st, save, false);
	if (rc == SM_STORE_OK && expected < 1)
		rc = fail(st, SM_STORE_INVALID, "expected version: must be 1 or more");
	if (rc != SM_STORE_OK)
		return rc;
	return save_version(st, who, case_id, expected, save, save->reason, false, version);
}

sm_store_status sm_store_case_delete(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                     int expected, const char *reason, int *version)
{
	st->err[0] = 0;
	sm_store_status rc = check_actor(st, who);
	if (rc == SM_STORE_OK)
		rc = check_text(st, "reason", reason, SM_STORE_TEXT_MAX, TX_TEXT);
	if (rc == SM_STORE_OK && expected < 1)
		rc = fail(st, SM_STORE_INVALID, "expected version: must be 1 or more");
	if (rc != SM_STORE_OK)
		return rc;
	sm_store_save none = {0};
	return save_version(st, who, case_id, expected, &none, reason, true, version);
}

sm_store_status sm_store_case_get(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                  int version, unsigned flags, sm_store_case **out)
{
	st->err[0] = 0;
	if (!out)
		return fail(st, SM_STORE_INVALID, "output: required");
	*out = NULL;
	bool want_id = (flags & SM_STORE_IDENTIFIERS) != 0;
	if (want_id) {
		sm_store_status rc = check_actor(st, who);
		if (rc != SM_STORE_OK)
			return rc;
	}
	if (version < 0)
		return fail(st, SM_STORE_INVALID, "version: must be 0 (latest) or more");
	smx_param p[] = {PI(case_id), PI(version), PI(version)};
	smx_rows r = {0}, ir = {0};
	sm_store_status rc = q(st, S_CASE_GET, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0) {
		smx_param e[] = {PI(case_id)};
		rc = q(st, S_CASE_EXISTS, e, NP(e), &ir);
		if (rc == SM_STORE_OK)
			rc = ir.nrows ? fail(st, SM_STORE_NOT_FOUND, "case %" PRId64 " has no version %d",
			                     case_id, version)
			              : fail(st, SM_STORE_NOT_FOUND, "no such case (%" PRId64 ")", case_id);
		smx_rows_free(&ir);
	}
	int v = (int)cell_i64(&r, 0, 3);
	if (rc == SM_STORE_OK && want_id) {
		smx_param ip[] = {PI(case_id), PI(v)};
		rc = q(st, S_IDENT_GET, ip, NP(ip), &ir);
	}
	if (rc == SM_STORE_OK && want_id) {
		/* no data without its audit row */
		char detail[80];
		snprintf(detail, sizeof detail, "version %d with identifiers", v);
		rc = audit(st, who, "case.read", case_id, detail);
	}
	if (rc != SM_STORE_OK) {
		smx_rows_free(&r);
		smx_rows_free(&ir);
		return rc;
	}
	const char *idtext = want_id ? cell(&ir, 0, 1) : NULL;
	arena a;
	size_t strings = slen(cell_str(&r, 0, 7)) + slen(idtext);
	for (size_t c = 8; c <= 11; c++)
		strings += slen(cell(&r, 0, c));
	if (!arena_init(&a, sizeof(sm_store_case), strings)) {
		smx_rows_free(&r);
		smx_rows_free(&ir);
		return fail(st, SM_STORE_NOMEM, "out of memory");
	}
	sm_store_case *c = (sm_store_case *)(void *)a.base;
	c->case_id = case_id;
	c->site_id = cell_i64(&r, 0, 0);
	c->latest_version = (int)cell_i64(&r, 0, 1);
	c->case_deleted = cell_i64(&r, 0, 2) != 0;
	c->version = v;
	c->deleted = cell_i64(&r, 0, 4) != 0;
	c->author_id = cell_i64(&r, 0, 5);
	c->at = cell_i64(&r, 0, 6);
	c->reason = arena_str(&a, cell_str(&r, 0, 7));
	c->document = arena_str(&a, cell(&r, 0, 8));
	c->assessment = arena_str(&a, cell(&r, 0, 9));
	c->engine_version = arena_str(&a, cell(&r, 0, 10));
	c->definitions = arena_str(&a, cell(&r, 0, 11));
	c->identifiers = arena_str(&a, idtext);
	c->identifiers_version = idtext ? (int)cell_i64(&ir, 0, 0) : 0;
	smx_rows_free(&r);
	smx_rows_free(&ir);
	*out = c;
	if (version == 0 && c->deleted)
		return fail(st, SM_STORE_GONE, "case %" PRId64 " is deleted (version %d)", case_id, v);
	return SM_STORE_OK;
}

sm_store_status sm_store_case_versions(sm_store *st, int64_t case_id, sm_store_versions **out)
{
	st->err[0] = 0;
	*out = NULL;
	smx_param p[] = {PI(case_id)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_VERSIONS, p, NP(p), &r);
	if (rc == SM_STORE_OK && r.nrows == 0)
		rc = fail(st, SM_STORE_NOT_FOUND, "no such case (%" PRId64 ")", case_id);
	if (rc != SM_STORE_OK) {
		smx_rows_free(&r);
		return rc;
	}
	size_t strings = 0;
	for (size_t k = 0; k < r.nrows; k++)
		strings += slen(cell_str(&r, k, 3)) + slen(cell_str(&r, k, 5)) + slen(cell_str(&r, k, 8));
	arena a;
	if (!arena_init(&a, sizeof(sm_store_versions) + r.nrows * sizeof(sm_store_version), strings)) {
		smx_rows_free(&r);
		return fail(st, SM_STORE_NOMEM, "out of memory");
	}
	sm_store_versions *l = (sm_store_versions *)(void *)a.base;
	l->n = r.nrows;
	for (size_t k = 0; k < r.nrows; k++) {
		sm_store_version *v = &l->v[k];
		v->version = (int)cell_i64(&r, k, 0);
		v->deleted = cell_i64(&r, k, 1) != 0;
		v->author_id = cell_i64(&r, k, 2);
		v->author = arena_str(&a, cell_str(&r, k, 3));
		v->at = cell_i64(&r, k, 4);
		v->reason = arena_str(&a, cell_str(&r, k, 5));
		v->identifiers_changed = cell_i64(&r, k, 6) != 0;
		v->has_assessment = cell_i64(&r, k, 7) != 0;
		v->engine_version = arena_str(&a, cell_str(&r, k, 8));
	}
	smx_rows_free(&r);
	*out = l;
	return SM_STORE_OK;
}

/* "%" + text with \, % and _ escaped + "%" (LIKE ... ESCAPE '\'). */
static char *like_pattern(const char *text)
{
	size_t n = strlen(text);
	char *p = malloc(2 * n + 3);
	if (!p)
		return NULL;
	size_t o = 0;
	p[o++] = '%';
	for (size_t k = 0; k < n; k++) {
		if (text[k] == '\\' || text[k] == '%' || text[k] == '_')
			p[o++] = '\\';
		p[o++] = text[k];
	}
	p[o++] = '%';
	p[o] = 0;
	return p;
}

sm_store_status sm_store_case_search(sm_store *st, const sm_store_actor *who,
                                     const sm_store_query *sq, sm_store_case_list **out)
{
	st->err[0] = 0;
	if (!out)
		return fail(st, SM_STORE_INVALID, "output: required");
	*out = NULL;
	sm_store_status rc = check_actor(st, who);
	if (rc != SM_STORE_OK)
		return rc;
	sm_store_query d = {0};
	if (!sq)
		sq = &d;
	const char *text = sq->text ? sq->text : "";
	if (*text) {
		rc = check_text(st, "query", text, SM_STORE_TEXT_MAX, TX_LINE);
		if (rc != SM_STORE_OK)
			return rc;
	}
	size_t limit = sq->limit ? sq->limit : 50;
	if (limit > SM_STORE_PAGE_MAX)
		limit = SM_STORE_PAGE_MAX;
	if (sq->offset > (size_t)INT32_MAX)
		return fail(st, SM_STORE_INVALID, "offset: too large");
	char *pat = like_pattern(text);
	if (!pat)
		return fail(st, SM_STORE_NOMEM, "out of memory");
	smx_param p[] = {PI(sq->site_id), PI(sq->site_id), PI(sq->include_deleted ? 1 : 0), PT(text),
	                 PT(pat), PT(pat), PI(limit), PI(sq->offset)};
	smx_rows r = {0}, cr = {0};
	rc = begin(st, false); /* one snapshot for the page and its count */
	if (rc == SM_STORE_OK) {
		rc = q(st, S_SEARCH, p, NP(p), &r);
		if (rc == SM_STORE_OK)
			rc = q(st, S_SEARCH_COUNT, p, 6, &cr);
		rollback(st);
	}
	free(pat);
	if (rc == SM_STORE_OK) {
		/* no identifiers without an audit row naming the cases returned */
		char detail[1024];
		int o = snprintf(detail, sizeof detail, "site %" PRId64 ", %zu of %" PRId64 " cases:",
		                 sq->site_id, r.nrows, cell_i64(&cr, 0, 0));
		for (size_t k = 0; k < r.nrows && o > 0 && (size_t)o < sizeof detail - 32; k++)
			o += snprintf(detail + o, sizeof detail - (size_t)o, " %s", cell_str(&r, k, 0));
		if (o > 0 && (size_t)o >= sizeof detail - 32)
			snprintf(detail + sizeof detail - 32, 32, " ...");
		rc = audit(st, who, "case.search", 0, detail);
	}
	if (rc != SM_STORE_OK) {
		smx_rows_free(&r);
		smx_rows_free(&cr);
		return rc;
	}
	size_t strings = 0;
	for (size_t k = 0; k < r.nrows; k++)
		strings += slen(cell(&r, k, 5)) + slen(cell(&r, k, 6));
	arena a;
	if (!arena_init(&a, sizeof(sm_store_case_list) + r.nrows * sizeof(sm_store_case_row), strings)) {
		smx_rows_free(&r);
		smx_rows_free(&cr);
		return fail(st, SM_STORE_NOMEM, "out of memory");
	}
	sm_store_case_list *l = (sm_store_case_list *)(void *)a.base;
	l->total = (size_t)cell_i64(&cr, 0, 0);
	l->n = r.nrows;
	for (size_t k = 0; k < r.nrows; k++) {
		sm_store_case_row *row = &l->rows[k];
		row->case_id = cell_i64(&r, k, 0);
		row->site_id = cell_i64(&r, k, 1);
		row->version = (int)cell_i64(&r, k, 2);
		row->deleted = cell_i64(&r, k, 3) != 0;
		row->updated_at = cell_i64(&r, k, 4);
		row->name = arena_str(&a, cell(&r, k, 5));
		row->hospital_number = arena_str(&a, cell(&r, k, 6));
		row->urgency = cell_i64(&r, k, 7) != 0 && cell(&r, k, 8) ? (int)cell_i64(&r, k, 8) : -1;
	}
	smx_rows_free(&r);
	smx_rows_free(&cr);
	*out = l;
	return SM_STORE_OK;
}

sm_store_status sm_store_case_page(sm_store *st, int64_t site_id, size_t offset, size_t limit,
                                   sm_store_case_list **out)
{
	st->err[0] = 0;
	if (!out)
		return fail(st, SM_STORE_INVALID, "output: required");
	*out = NULL;
	if (!limit)
		limit = 50;
	if (limit > SM_STORE_PAGE_MAX)
		limit = SM_STORE_PAGE_MAX;
	if (offset > (size_t)INT32_MAX)
		return fail(st, SM_STORE_INVALID, "offset: too large");
	smx_param p[] = {PI(site_id), PI(site_id), PI(limit), PI(offset)};
	smx_rows r = {0}, cr = {0};
	sm_store_status rc = begin(st, false); /* one snapshot for the page and its count */
	if (rc == SM_STORE_OK) {
		rc = q(st, S_CASE_PAGE, p, NP(p), &r);
		if (rc == SM_STORE_OK)
			rc = q(st, S_CASE_PAGE_COUNT, p, 2, &cr);
		rollback(st);
	}
	if (rc != SM_STORE_OK) {
		smx_rows_free(&r);
		smx_rows_free(&cr);
		return rc;
	}
	arena a;
	if (!arena_init(&a, sizeof(sm_store_case_list) + r.nrows * sizeof(sm_store_case_row), 0)) {
		smx_rows_free(&r);
		smx_rows_free(&cr);
		return fail(st, SM_STORE_NOMEM, "out of memory");
	}
	sm_store_case_list *l = (sm_store_case_list *)(void *)a.base;
	l->total = (size_t)cell_i64(&cr, 0, 0);
	l->n = r.nrows;
	for (size_t k = 0; k < r.nrows; k++) {
		sm_store_case_row *row = &l->rows[k];
		row->case_id = cell_i64(&r, k, 0);
		row->site_id = cell_i64(&r, k, 1);
		row->version = (int)cell_i64(&r, k, 2);
		row->deleted = cell_i64(&r, k, 3) != 0;
		row->updated_at = cell_i64(&r, k, 4);
		row->urgency = cell_i64(&r, k, 7) != 0 && cell(&r, k, 8) ? (int)cell_i64(&r, k, 8) : -1;
	}
	smx_rows_free(&r);
	smx_rows_free(&cr);
	*out = l;
	return SM_STORE_OK;
}

sm_store_status sm_store_case_each(sm_store *st, const sm_store_actor *who, int64_t site_id,
                                   unsigned flags, sm_store_case_fn fn, void *ctx)
{
	st->err[0] = 0;
	if (!fn)
		return fail(st, SM_STORE_INVALID, "callback: required");
	bool want_id = (flags & SM_STORE_IDENTIFIERS) != 0;
	sm_store_status rc = SM_STORE_OK;
	if (want_id) {
		rc = check_actor(st, who);
		if (rc == SM_STORE_OK) {
			char detail[64];
			snprintf(detail, sizeof detail, "site %" PRId64 ", latest versions with identifiers",
			         site_id);
			rc = audit(st, who, "case.list", 0, detail);
		}
		if (rc != SM_STORE_OK)
			return rc;
	}
	enum { PAGE = 200 };
	int64_t after = 0;
	for (;;) {
		smx_param p[] = {PI(site_id), PI(site_id), PI(after), PI(PAGE)};
		smx_rows r = {0};
		rc = q(st, S_EACH, p, NP(p), &r);
		if (rc != SM_STORE_OK)
			return rc;
		for (size_t k = 0; k < r.nrows; k++) {
			sm_store_case c = {0};
			c.case_id = cell_i64(&r, k, 0);
			c.site_id = cell_i64(&r, k, 1);
			c.version = c.latest_version = (int)cell_i64(&r, k, 2);
			c.deleted = c.case_deleted = cell_i64(&r, k, 3) != 0;
			c.author_id = cell_i64(&r, k, 4);
			c.at = cell_i64(&r, k, 5);
			c.reason = cell_str(&r, k, 6);
			c.document = cell(&r, k, 7);
			c.assessment = cell(&r, k, 8);
			c.engine_version = cell(&r, k, 9);
			c.definitions = cell(&r, k, 10);
			if (want_id && cell(&r, k, 12)) {
				c.identifiers_version = (int)cell_i64(&r, k, 11);
				c.identifiers = cell(&r, k, 12);
			}
			after = c.case_id;
			if (fn(ctx, &c) != 0) {
				smx_rows_free(&r);
				return SM_STORE_OK;
			}
		}
		size_t n = r.nrows;
		smx_rows_free(&r);
		if (n < PAGE)
			return SM_STORE_OK;
	}
}

sm_store_status sm_store_case_ids(sm_store *st, int64_t after, int64_t *ids, size_t cap, size_t *n)
{
	st->err[0] = 0;
	*n = 0;
	if (!ids || cap == 0 || cap > 100000)
		return fail(st, SM_STORE_INVALID, "case ids: 1 to 100000 at a time");
	smx_param p[] = {PI(after), PI(cap)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_CASE_IDS, p, NP(p), &r);
	if (rc == SM_STORE_OK) {
		for (size_t k = 0; k < r.nrows && k < cap; k++)
			ids[k] = cell_i64(&r, k, 0);
		*n = r.nrows < cap ? r.nrows : cap;
	}
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_case_each_indexed(sm_store *st, const sm_store_actor *who, int64_t site_id,
                                           unsigned flags, const sm_store_case_filter *f,
                                           sm_store_case_ix_fn fn, void *ctx)
{
	st->err[0] = 0;
	if (!fn)
		return fail(st, SM_STORE_INVALID, "callback: required");
	sm_store_case_filter none = {0};
	if (!f)
		f = &none;
	bool want_id = (flags & SM_STORE_IDENTIFIERS) != 0;
	sm_store_status rc = SM_STORE_OK;
	if (want_id) {
		rc = check_actor(st, who);
		if (rc == SM_STORE_OK) {
			char detail[96];
			snprintf(detail, sizeof detail, "site %" PRId64 ", latest versions with identifiers%s", site_id,
			         f->open_due ? " (due or breached)" : "");
			rc = audit(st, who, "case.list", 0, detail);
		}
		if (rc != SM_STORE_OK)
			return rc;
	}
	enum { PAGE = 200 };
	int64_t after = 0;
	for (;;) {
		smx_param p[] = {PI(site_id), PI(site_id), PI(after), PI(f->open_due ? 1 : 0), PI(f->due_by),
		                 PI(f->started_in ? 1 : 0), PI(f->from), PI(f->to), PI(PAGE)};
		smx_rows r = {0};
		rc = q(st, S_EACH_IX, p, NP(p), &r);
		if (rc != SM_STORE_OK)
			return rc;
		for (size_t k = 0; k < r.nrows; k++) {
			sm_store_case c = {0};
			c.case_id = cell_i64(&r, k, 0);
			c.site_id = cell_i64(&r, k, 1);
			c.version = c.latest_version = (int)cell_i64(&r, k, 2);
			c.deleted = c.case_deleted = cell_i64(&r, k, 3) != 0;
			c.author_id = cell_i64(&r, k, 4);
			c.at = cell_i64(&r, k, 5);
			c.reason = cell_str(&r, k, 6);
			c.document = cell(&r, k, 7);
			c.assessment = cell(&r, k, 8);
			c.engine_version = cell(&r, k, 9);
			c.definitions = cell(&r, k, 10);
			if (want_id && cell(&r, k, 12)) {
				c.identifiers_version = (int)cell_i64(&r, k, 11);
				c.identifiers = cell(&r, k, 12);
			}
			sm_store_case_index ix = {0};
			bool have_ix = cell_i64(&r, k, 13) != 0;
			if (have_ix) {
				ix.urgency = (int)cell_i64(&r, k, 14);
				ix.started = cell_i64(&r, k, 15) != 0;
				ix.start = cell_i64(&r, k, 16);
				ix.closed = cell_i64(&r, k, 17) != 0;
				ix.has_next_due = cell(&r, k, 18) != NULL;
				ix.next_due = cell_i64(&r, k, 18);
			}
			after = c.case_id;
			if (fn(ctx, &c, have_ix ? &ix : NULL) != 0) {
				smx_rows_free(&r);
				return SM_STORE_OK;
			}
		}
		size_t n = r.nrows;
		smx_rows_free(&r);
		if (n < PAGE)
			return SM_STORE_OK;
	}
}

sm_store_status sm_store_case_index_set(sm_store *st, int64_t case_id, int version,
                                        const sm_store_case_index *ix, bool *done)
{
	st->err[0] = 0;
	if (done)
		*done = false;
	if (!ix)
		return fail(st, SM_STORE_INVALID, "case index: required");
	smx_param p[] = {IXP(ix), PI(case_id), PI(version)};
	smx_rows r = {0};
	sm_store_status rc = q(st, S_CASE_IX_SET, p, NP(p), &r);
	if (rc == SM_STORE_OK && done)
		*done = r.nrows == 1;
	smx_rows_free(&r);
	return rc;
}

sm_store_status sm_store_case_index_clear(sm_store *st)
{
	st->err[0] = 0;
	return q(st, S_CASE_IX_CLEAR, NULL, 0, NULL);
}

/* ======================================================================
** The pool
** ==================================================================== */
struct sm_store_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t n, nfree;
	sm_store **all;
	sm_store **free_list;
};

void sm_store_pool_close(sm_store_pool *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->n; k++)
		sm_store_close(p->all[k]);
	free(p->all);
	free(p->free_list);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

sm_store_status sm_store_pool_open(const char *url, size_t n, unsigned flags,
                                   sm_store_pool **out, char *err, size_t errsz)
{
	*out = NULL;
	if (n < 1 || n > 256) {
		smx_errf(err, errsz, "pool size %zu: must be 1 to 256", n);
		return SM_STORE_INVALID;
	}
	sm_store_pool *p = calloc(1, sizeof *p);
	if (!p) {
		smx_errf(err, errsz, "out of memory");
		return SM_STORE_NOMEM;
	}
	p->all = calloc(n, sizeof *p->all);
	p->free_list = calloc(n, sizeof *p->free_list);
	if (!p->all || !p->free_list) {
		free(p->all);
		free(p->free_list);
		free(p);
		smx_errf(err, errsz, "out of memory");
		return SM_STORE_NOMEM;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (size_t k = 0; k < n; k++) {
		sm_store_status rc = sm_store_open(url, k == 0 ? flags : flags | SM_STORE_NO_MIGRATE,
		                                   &p->all[k], err, errsz);
		if (rc != SM_STORE_OK) {
			sm_store_pool_close(p);
			return rc;
		}
		p->n++;
		p->free_list[p->nfree++] = p->all[k];
	}
	*out = p;
	return SM_STORE_OK;
}

sm_store *sm_store_pool_checkout_timed(sm_store_pool *p, unsigned ms)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)(ms / 1000);
	deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0) {
		if (pthread_cond_timedwait(&p->cv, &p->mu, &deadline) == ETIMEDOUT && p->nfree == 0) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
	}
	sm_store *st = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return st;
}

sm_store *sm_store_pool_checkout(sm_store_pool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->nfree == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	sm_store *st = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->mu);
	return st;
}

void sm_store_pool_checkin(sm_store_pool *p, sm_store *st)
{
	if (!p || !st)
		return;
	st->be->rollback(st->ctx); /* never hand on an open transaction */
	st->err[0] = 0;
	pthread_mutex_lock(&p->mu);
	if (p->nfree < p->n)
		p->free_list[p->nfree++] = st;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}
