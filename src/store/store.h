/*
** store.h: the registry (ARCHITECTURE.md, layer "store") behind one interface.
**
** Two backends share this interface and the same tests:
**   - SQLite (embedded, the default): "sqlite:PATH" or a bare PATH
**     ("spinemets.db" when the URL is NULL or empty). WAL journal,
**     synchronous=FULL, foreign keys on, busy timeout.
**   - PostgreSQL (libpq): "postgresql://..." or "postgres://..." (any libpq
**     connection URI, e.g. "postgresql:///registry?host=/run/pg&user=sm").
**
** What this header does not declare is internal (src/store/store_internal.h).
**
** Rules of the store (tested in tests/store/):
**   1. Prepared statements only: no value is ever pasted into SQL text.
**   2. Cases are versioned documents. Every save adds a version (who, when,
**      why); nothing is overwritten; deletion adds a tombstone version with a
**      reason. Version numbers are unique per case (UNIQUE(case_id, version))
**      and contiguous from 1.
**   3. Optimistic concurrency: an update names the version it edits; when the
**      case has moved on the update changes nothing and returns
**      SM_STORE_CONFLICT with the current version number.
**   4. Identifiers (name, hospital number, phone) live in their own table,
**      apart from the clinical document, and are returned only when asked for.
**   5. Every write of a case and every read of identifiers appends a row to the
**      audit log in the same transaction; the database itself refuses UPDATE
**      and DELETE on the audit log and on case versions.
**   6. Schema migrations run in order, once, recorded in schema_migrations;
**      sm_store_open runs them unless SM_STORE_NO_MIGRATE is given.
**
** Threads: an sm_store handle is one database connection and must be used by
** one thread at a time. A server gives each worker thread its own handle, or
** shares a fixed set of handles through an sm_store_pool (thread-safe).
**
** Memory: the caller owns every struct it passes in; strings passed in are
** copied (never kept). Results of fixed size (sites, users, tokens) are filled
** into caller structs. Variable results (cases, lists) are returned as ONE
** allocation whose strings point inside it: free it with sm_store_free.
**
** Errors: every fallible call returns sm_store_status. The handle keeps an
** English message for the last failure (sm_store_errmsg); calls without a
** handle take a buffer of SM_STORE_ERRMSG_SIZE.
**
** Time: every timestamp is seconds since 1970-01-01 UTC, given by the caller
** (the store never reads the clock, apart from schema_migrations.applied_at).
*/
#ifndef SM_STORE_H
#define SM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes: the list only grows; numbers are never reused. ---- */
#define SM_STORE_STATUS_LIST(X)                                                        \
	X(SM_STORE_OK, 0, "ok", "success")                                             \
	X(SM_STORE_NOT_FOUND, 1, "not_found", "no such record")                        \
	X(SM_STORE_CONFLICT, 2, "conflict", "the case has a newer version (stale save)") \
	X(SM_STORE_EXISTS, 3, "exists", "a record with that key already exists")       \
	X(SM_STORE_INVALID, 4, "invalid", "invalid argument or value")                 \
	X(SM_STORE_BACKEND, 5, "backend", "database error")                            \
	X(SM_STORE_GONE, 6, "gone", "the case is deleted")                             \
	X(SM_STORE_NOMEM, 7, "nomem", "out of memory")

typedef enum sm_store_status {
#define SM_STORE_X_(sym, num, name, text) sym = num,
	SM_STORE_STATUS_LIST(SM_STORE_X_)
#undef SM_STORE_X_
} sm_store_status;

const char *sm_store_status_name(sm_store_status s); /* "conflict"; "?" when unknown */
const char *sm_store_strerror(sm_store_status s);    /* a static sentence; never NULL */

/* ---- Sizes (bytes, including the terminating NUL) ---- */
#define SM_STORE_ERRMSG_SIZE 512
#define SM_STORE_CODE_SIZE 64        /* site code */
#define SM_STORE_NAME_SIZE 256       /* site name, display name */
#define SM_STORE_USERNAME_SIZE 128
#define SM_STORE_PWHASH_SIZE 128     /* an argon2id string (crypto_pwhash_STRBYTES) */
#define SM_STORE_TOKEN_SIZE 65       /* a token: 64 hex digits (32 random bytes) */
#define SM_STORE_TOKEN_HASH_SIZE 65  /* BLAKE2b-256 of a token, 64 hex digits */
#define SM_STORE_TEXT_MAX 4096       /* reason, audit action/detail, one identifier (bytes) */
#define SM_STORE_DOC_MAX (8u << 20)  /* one JSON document (bytes) */
#define SM_STORE_PAGE_MAX 1000       /* largest page of a search */

/* ---- The handle ---- */
typedef struct sm_store sm_store;

enum {
	SM_STORE_NO_MIGRATE = 1u << 0 /* sm_store_open: do not run migrations */
};

/* Open the store named by `url` (see the top of this file; NULL or "" =
** "sqlite:spinemets.db"). Runs the migrations unless SM_STORE_NO_MIGRATE.
** Fails with SM_STORE_INVALID for an unknown scheme or when the database was
** migrated by a newer program. On failure *out is NULL and `err` (may be NULL)
** holds the reason. */
sm_store_status sm_store_open(const char *url, unsigned flags, sm_store **out, char *err,
                              size_t errsz);
/* Close the handle; sm_store_close(NULL) does nothing. */
void sm_store_close(sm_store *st);
/* "sqlite" or "postgresql". */
const char *sm_store_backend(const sm_store *st);
/* The message of the last failure on this handle ("" after success). */
const char *sm_store_errmsg(const sm_store *st);
/* Free any allocation returned by this interface; NULL does nothing. */
void sm_store_free(void *p);

/* Apply the migrations not yet applied, in order, each in its own transaction
** (PostgreSQL: under an advisory lock, so many servers may start at once).
** Idempotent. *applied (may be NULL) is the number applied now. */
sm_store_status sm_store_migrate(sm_store *st, int *applied);
/* The schema version of the database and the latest this program knows. */
sm_store_status sm_store_schema_version(sm_store *st, int *current, int *latest);
/* Integrity check: SQLite PRAGMA integrity_check and foreign_key_check; on both
** backends every case's versions are exactly 1..latest, the case's deleted flag
** matches its latest version, and a tombstone is always the last version.
** SM_STORE_OK, or SM_STORE_INVALID with the first problem in the message. */
sm_store_status sm_store_check(sm_store *st);

/* ---- A pool of handles for a threaded server ---- */
typedef struct sm_store_pool sm_store_pool;
/* Open `n` (1..256) handles on `url`; the first runs the migrations (unless
** SM_STORE_NO_MIGRATE), the others do not. */
sm_store_status sm_store_pool_open(const char *url, size_t n, unsigned flags,
                                   sm_store_pool **out, char *err, size_t errsz);
/* Take a handle, waiting while all are in use. */
sm_store *sm_store_pool_checkout(sm_store_pool *p);
/* Take a handle, waiting at most `ms` milliseconds; NULL on timeout. */
sm_store *sm_store_pool_checkout_timed(sm_store_pool *p, unsigned ms);
/* Give a handle back (any transaction of it has ended). */
void sm_store_pool_checkin(sm_store_pool *p, sm_store *st);
/* Close every handle; all must have been checked in. NULL does nothing. */
void sm_store_pool_close(sm_store_pool *p);

/* ---- Passwords and tokens (no handle needed; thread-safe) ---- */
/* argon2id via libsodium crypto_pwhash_str (9 MiB, 4 passes: an OWASP minimum
** configuration; one hash at a time). The password is 1..1024 bytes. */
sm_store_status sm_store_password_hash(const char *password, char out[SM_STORE_PWHASH_SIZE]);
/* Password quality (libpwquality, with cracklib's dictionary): at least
** SM_STORE_PASSWORD_MIN characters (UTF-8 code points), at most 1024 bytes,
** not based on a dictionary word, not the username (or it reversed, or
** containing it), no character more than 3 times in a row, not a palindrome,
** not a simple change of `old` (may be NULL). The system's
** /etc/security/pwquality.conf is not read (the rules are the registry's).
** OK, or INVALID with the reason in `why` (an English sentence). */
#define SM_STORE_PASSWORD_MIN 12
sm_store_status sm_store_password_quality(const char *password, const char *username, const char *old,
                                          char *why, size_t whysz);
/* true when `password` matches `hash` (constant-time verification). */
bool sm_store_password_verify(const char *hash, const char *password);
/* true when `hash` was made with other limits than the current ones. */
bool sm_store_password_needs_rehash(const char *hash);
/* A new random token (32 bytes from randombytes_buf, as hex). Give it to the
** user once; store only its hash. */
sm_store_status sm_store_token_generate(char out[SM_STORE_TOKEN_SIZE]);
/* The stored form of a token: BLAKE2b-256 as hex. */
sm_store_status sm_store_token_hash(const char *token, char out[SM_STORE_TOKEN_HASH_SIZE]);

/* ---- Who is acting (for the audit log and authorship) ---- */
typedef struct sm_store_actor {
	int64_t user_id;  /* a user id, or 0 for the system (command line, migrations) */
	int64_t at;       /* now, seconds since the epoch */
} sm_store_actor;

/* ---- Sites ---- */
typedef struct sm_store_site {
	int64_t id;
	char code[SM_STORE_CODE_SIZE];   /* short stable key, e.g. "leeds" */
	char name[SM_STORE_NAME_SIZE];
	int64_t created_at;
} sm_store_site;

/* The forms of a site code and a username, checked by every door (CLI and
** API) before adding one; the *_RULE texts say them to the user. */
#define SM_STORE_SITE_CODE_RULE "1 to 63 characters from letters, digits and . _ -"
#define SM_STORE_USERNAME_RULE "1 to 64 characters from letters, digits and . _ @ ' + -"
bool sm_store_site_code_ok(const char *code);
bool sm_store_username_ok(const char *username);

/* Add a site. EXISTS when the code is taken; INVALID when code or name is
** empty, too long, not UTF-8 or holds control characters. */
sm_store_status sm_store_site_add(sm_store *st, const char *code, const char *name, int64_t now,
                                  int64_t *id);
sm_store_status sm_store_site_get(sm_store *st, const char *code, sm_store_site *out);
sm_store_status sm_store_site_get_id(sm_store *st, int64_t id, sm_store_site *out);
/* Every site, by code; *out is freed with sm_store_free. */
sm_store_status sm_store_site_list(sm_store *st, sm_store_site **out, size_t *n);

/* ---- Users ---- */
typedef enum sm_store_role {
	SM_ROLE_CLINICIAN = 0,
	SM_ROLE_COORDINATOR = 1,
	SM_ROLE_RESEARCHER = 2,
	SM_ROLE_ADMIN = 3
} sm_store_role;
#define SM_NROLES 4
const char *sm_store_role_name(sm_store_role r); /* "clinician", ...; NULL beyond */
int sm_store_role_find(const char *name);         /* the role, or -1 */

typedef struct sm_store_user {
	int64_t id;
	char username[SM_STORE_USERNAME_SIZE];
	char display_name[SM_STORE_NAME_SIZE];
	sm_store_role role;
	int64_t site_id;                  /* 0: not tied to a site */
	bool active;
	bool must_change_password;        /* the password was set by someone else (or is a
	                                  ** one-time password): only a password change is
	                                  ** allowed until the user sets their own */
	char password_hash[SM_STORE_PWHASH_SIZE];
	int64_t created_at, updated_at;
	int64_t password_set_at;          /* when the password was last set (a one-time
	                                  ** password expires some time after it) */
} sm_store_user;

/* Add a user from u->username, display_name, role, site_id, password_hash
** (made by sm_store_password_hash) and must_change_password (other fields
** ignored). EXISTS when the
** username is taken; INVALID for an unknown site, a bad role or text. */
sm_store_status sm_store_user_add(sm_store *st, const sm_store_user *u, int64_t now, int64_t *id);
/* By username, without regard to ASCII letter case ("CLINA" finds "clinA"). */
sm_store_status sm_store_user_get(sm_store *st, const char *username, sm_store_user *out);
sm_store_status sm_store_user_get_id(sm_store *st, int64_t id, sm_store_user *out);
/* Set the password; clears must_change_password (the user chose it). */
sm_store_status sm_store_user_set_password(sm_store *st, int64_t id, const char *password_hash,
                                           int64_t now);
/* Set the password and whether it must be changed at the next login (e.g. an
** administrator's reset: must_change = true). */
sm_store_status sm_store_user_set_password_ex(sm_store *st, int64_t id, const char *password_hash,
                                              bool must_change, int64_t now);
/* Set the password (as _ex) and, in the same transaction, end every login
** session of the user except token `keep_token_id` (0: all of them); API
** tokens stay. *revoked (may be NULL) = sessions ended. For a password change
** by the user (keep = the session making it) or a reset by an administrator. */
sm_store_status sm_store_user_change_password(sm_store *st, int64_t id, const char *password_hash,
                                              bool must_change, int64_t now, int64_t keep_token_id,
                                              size_t *revoked);
/* Store the same password hashed again with today's limits (rehash at login):
** neither must_change_password nor password_set_at changes. */
sm_store_status sm_store_user_rehash(sm_store *st, int64_t id, const char *password_hash);
/* Deactivate (active = false: the user's tokens are deleted too) or reactivate. */
sm_store_status sm_store_user_set_active(sm_store *st, int64_t id, bool active, int64_t now);
/* Users of a site (site_id 0: all), by username; freed with sm_store_free. */
sm_store_status sm_store_user_list(sm_store *st, int64_t site_id, sm_store_user **out, size_t *n);
/* Check a username and password: OK with the user filled, or NOT_FOUND for
** an unknown user, an inactive user or a wrong password alike (the same work
** is done in every case). */
sm_store_status sm_store_user_authenticate(sm_store *st, const char *username,
                                           const char *password, sm_store_user *out);

/* ---- Tokens: login sessions (page) and API tokens (machines) ---- */
typedef enum sm_store_token_kind { SM_TOKEN_SESSION = 0, SM_TOKEN_API = 1 } sm_store_token_kind;
const char *sm_store_token_kind_name(sm_store_token_kind k); /* "session", "api" */

typedef struct sm_store_token {
	int64_t id;
	int64_t user_id;
	sm_store_token_kind kind;
	int64_t created_at, expires_at;
} sm_store_token;

/* Store a token by its hash (sm_store_token_hash). */
sm_store_status sm_store_token_add(sm_store *st, const char *token_hash, int64_t user_id,
                                   sm_store_token_kind kind, int64_t created_at,
                                   int64_t expires_at, int64_t *id);
/* The token with this hash if it has not expired at `now` (expires_at > now)
** and its user is active: OK with *user (and *tok, may be NULL) filled;
** otherwise NOT_FOUND. */
sm_store_status sm_store_token_lookup(sm_store *st, const char *token_hash, int64_t now,
                                      sm_store_user *user, sm_store_token *tok);
sm_store_status sm_store_token_delete(sm_store *st, const char *token_hash);
/* Push the expiry of token `id` forward to `expires_at` (never backward): a
** session used again lives on (idle expiry). NOT_FOUND when no such token. */
sm_store_status sm_store_token_touch(sm_store *st, int64_t id, int64_t expires_at);
/* Delete tokens with expires_at <= now; *n (may be NULL) = how many. */
sm_store_status sm_store_token_delete_expired(sm_store *st, int64_t now, size_t *n);
sm_store_status sm_store_token_delete_user(sm_store *st, int64_t user_id, size_t *n);

/* ---- Cases: versioned documents ---- */
/* What the caller derived from a version at save time, kept on the case row
** (migration 6) so that the worklist and the monthly audit select their cases
** by indexed columns instead of reading every document. The store does not
** interpret it (no clinical logic here): the doors compute it with the core. */
typedef struct sm_store_case_index {
	int urgency;                /* the assessment's urgency (sm_urgency) */
	bool started;               /* the pathway clock has a start */
	int64_t start;              /* clock start (seconds since the epoch) when started */
	bool closed;                /* death or discharge recorded */
	bool has_next_due;          /* some applicable target is not done yet */
	int64_t next_due;           /* the earliest due time of those targets */
} sm_store_case_index;

/* What one save writes. JSON texts are stored verbatim (as TEXT). */
typedef struct sm_store_save {
	int64_t site_id;            /* create only: the case's site */
	const char *identifiers;    /* JSON object with string (or null) members among
	                            ** name, hospital_number, phone; stored in the separate
	                            ** identifiers table. NULL on update = unchanged. */
	const char *document;       /* the clinical case document (JSON object); required */
	const char *assessment;     /* the assessment (JSON object) or NULL */
	const char *engine_version; /* required with an assessment (SM_ENGINE_VERSION) */
	const char *definitions;    /* required with an assessment: JSON object
	                            ** instrument -> definition id */
	const char *reason;         /* why (1..SM_STORE_TEXT_MAX bytes); required */
	const sm_store_case_index *index; /* NULL: none (the case is then always a candidate
	                            ** of the filtered walks, until sm_store_case_index_set) */
} sm_store_save;

/* One version of a case (one allocation; free with sm_store_free). */
typedef struct sm_store_case {
	int64_t case_id;
	int64_t site_id;
	int version;                /* the version read */
	int latest_version;         /* the case's current version */
	bool deleted;               /* this version is a tombstone */
	bool case_deleted;          /* the latest version is a tombstone */
	int64_t author_id;          /* 0: written by the system */
	int64_t at;                 /* when this version was saved */
	const char *reason;         /* why */
	const char *identifiers;    /* JSON text; NULL unless SM_STORE_IDENTIFIERS and recorded */
	int identifiers_version;    /* the version that recorded them; 0 when none */
	const char *document;       /* NULL in a tombstone */
	const char *assessment;     /* NULL when none */
	const char *engine_version;
	const char *definitions;
} sm_store_case;

enum {
	SM_STORE_IDENTIFIERS = 1u << 0 /* also read the identifiers (audited) */
};

/* Create a case: version 1, written by `who`. *case_id gets the new id.
** INVALID for an unknown site or author, or a document that is not a JSON
** object, or identifiers with other members. Audited ("case.create"). */
sm_store_status sm_store_case_create(sm_store *st, const sm_store_actor *who,
                                     const sm_store_save *save, int64_t *case_id);
/* Save a new version of case `case_id`, which the caller read at version
** `expected`. OK: *version = the new version (expected + 1). CONFLICT: the
** case is at another version, nothing is written, *version = the current one.
** GONE: the case is deleted (*version = its tombstone). NOT_FOUND: no case.
** save->site_id is ignored. Audited ("case.update"). */
sm_store_status sm_store_case_update(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                     int expected, const sm_store_save *save, int *version);
/* Delete: add a tombstone version with `reason`, under the same rules as an
** update. Nothing is removed; later reads report the case deleted. */
sm_store_status sm_store_case_delete(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                     int expected, const char *reason, int *version);
/* Read version `version` of a case (0 = the latest). With
** SM_STORE_IDENTIFIERS, also the identifiers as they stood at that version,
** and the read is audited ("case.read") for `who` (required then).
** NOT_FOUND: no such case or version. GONE: the latest version was asked for
** and it is a tombstone (*out is filled all the same). */
sm_store_status sm_store_case_get(sm_store *st, const sm_store_actor *who, int64_t case_id,
                                  int version, unsigned flags, sm_store_case **out);

/* The history of a case: one entry per version, oldest first. */
typedef struct sm_store_version {
	int version;
	bool deleted;               /* a tombstone */
	int64_t author_id;          /* 0: the system */
	const char *author;         /* the author's username, "" for the system */
	int64_t at;
	const char *reason;
	bool identifiers_changed;   /* identifiers were recorded with this version */
	bool has_assessment;
	const char *engine_version; /* "" when none */
} sm_store_version;
typedef struct sm_store_versions {
	size_t n;
	sm_store_version v[];
} sm_store_versions;
sm_store_status sm_store_case_versions(sm_store *st, int64_t case_id, sm_store_versions **out);

/* Search the cases of a site by their current identifiers. */
typedef struct sm_store_query {
	int64_t site_id;            /* 0: every site */
	const char *text;           /* NULL or "": every case; else a substring of the name or
	                            ** the hospital number (taken literally: % and _ are not
	                            ** wildcards; ASCII letters match in any case) */
	bool include_deleted;
	size_t offset;
	size_t limit;               /* 0: 50; at most SM_STORE_PAGE_MAX */
} sm_store_query;
typedef struct sm_store_case_row {
	int64_t case_id;
	int64_t site_id;
	int version;                /* latest version */
	bool deleted;
	int64_t updated_at;
	const char *name;           /* NULL when not recorded */
	const char *hospital_number;
	int urgency;                /* from the case index (sm_urgency); -1 when it has none */
} sm_store_case_row;
typedef struct sm_store_case_list {
	size_t total;               /* matches in all pages */
	size_t n;                   /* rows in this page, newest change first */
	sm_store_case_row rows[];
} sm_store_case_list;
/* Audited ("case.search", naming the cases returned). */
sm_store_status sm_store_case_search(sm_store *st, const sm_store_actor *who,
                                     const sm_store_query *q, sm_store_case_list **out);
/* A page of the cases that are not deleted (site_id 0: every site), by case
** id, from the case rows alone: no document and no identifier is read (name
** and hospital_number are NULL; not audited). For de-identified lists. */
sm_store_status sm_store_case_page(sm_store *st, int64_t site_id, size_t offset, size_t limit,
                                   sm_store_case_list **out);

/* Call fn for the latest version of every non-deleted case of a site
** (site_id 0: all sites), by case id, e.g. for the pathway worklist, the
** monthly audit or a de-identified export. `c` is valid during the call only.
** A non-zero return from fn stops the walk (and is not an error). With
** SM_STORE_IDENTIFIERS the walk is audited once ("case.list"). fn may use the
** same handle. */
typedef int (*sm_store_case_fn)(void *ctx, const sm_store_case *c);
sm_store_status sm_store_case_each(sm_store *st, const sm_store_actor *who, int64_t site_id,
                                   unsigned flags, sm_store_case_fn fn, void *ctx);

/* sm_store_case_each restricted by the case index: only cases whose index
** says they may match, plus every case without an index (the caller decides
** for those from the document). Either filter may be off. */
typedef struct sm_store_case_filter {
	bool open_due;              /* started, not closed, next_due <= due_by */
	int64_t due_by;
	bool started_in;            /* started, start in [from, to) */
	int64_t from, to;
} sm_store_case_filter;
/* In the callback, `ix` is the case's index, or NULL when it has none. */
typedef int (*sm_store_case_ix_fn)(void *ctx, const sm_store_case *c, const sm_store_case_index *ix);
sm_store_status sm_store_case_each_indexed(sm_store *st, const sm_store_actor *who, int64_t site_id,
                                           unsigned flags, const sm_store_case_filter *f,
                                           sm_store_case_ix_fn fn, void *ctx);
/* Write the index of case `case_id` for its version `version` (backfill);
** nothing happens when the case has moved on (*done = false). */
sm_store_status sm_store_case_index_set(sm_store *st, int64_t case_id, int version,
                                        const sm_store_case_index *ix, bool *done);
/* Drop every case's index (tests, and after a change of the rules that
** computed it): the walks then decide from the documents until a backfill. */
sm_store_status sm_store_case_index_clear(sm_store *st);

/* The ids of the cases (deleted ones too) with id > after, ascending, at most
** `cap` into ids[]; *n = how many. Nothing else is read (e.g. to find the case
** behind a pseudonymous key). */
sm_store_status sm_store_case_ids(sm_store *st, int64_t after, int64_t *ids, size_t cap, size_t *n);

/* ---- Registry secrets ---- */
/* The secret named `name` (1..64 bytes, [a-z0-9_.]), 32 random bytes as 64 hex
** digits: created on first use (by whichever server or command asks first;
** later calls, from any process, get the same value). E.g. the key of the
** pseudonymous case keys of a de-identified export. */
sm_store_status sm_store_secret(sm_store *st, const char *name, int64_t now,
                                char out[SM_STORE_TOKEN_SIZE]);

/* ---- The audit log (append-only) ---- */
typedef struct sm_store_audit_entry {
	int64_t id;
	int64_t at;
	int64_t user_id;            /* 0: the system */
	const char *action;         /* e.g. "case.read" */
	int64_t case_id;            /* 0: none */
	const char *detail;
} sm_store_audit_entry;
typedef struct sm_store_audit_list {
	size_t n;
	sm_store_audit_entry e[];
} sm_store_audit_list;
typedef struct sm_store_audit_query {
	int64_t after_id;           /* entries with id > after_id (paging), oldest first */
	int64_t case_id;            /* 0: any */
	int64_t user_id;            /* 0: any */
	size_t limit;               /* 0: 100; at most SM_STORE_PAGE_MAX */
} sm_store_audit_query;
/* Append an entry (action 1..SM_STORE_TEXT_MAX bytes; detail may be NULL). */
sm_store_status sm_store_audit_add(sm_store *st, const sm_store_actor *who, const char *action,
                                   int64_t case_id, const char *detail);
sm_store_status sm_store_audit_list_get(sm_store *st, const sm_store_audit_query *q,
                                        sm_store_audit_list **out);

#ifdef __cplusplus
}
#endif
#endif /* SM_STORE_H */
