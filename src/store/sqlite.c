/*
** sqlite.c: the SQLite backend of the store (libsqlite3).
**
** The connection: WAL journal, synchronous=FULL (a commit is on disk before it
** returns), foreign_keys=ON, a 15 s busy timeout, trusted_schema=OFF. Statements
** are prepared once per connection (SQLITE_PREPARE_PERSISTENT) and kept by
** their number; values are always bound, never pasted into SQL.
*/
#include "store/store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 15000

typedef struct lite {
	sqlite3 *db;
	sqlite3_stmt *stmt[SMX_MAX_STMTS];
	bool in_tx;
} lite;

static sm_store_status map_error(lite *l, int rc, char *err, size_t errsz, const char *what)
{
	int ext = sqlite3_extended_errcode(l->db);
	smx_errf(err, errsz, "sqlite: %s: %s", what, sqlite3_errmsg(l->db));
	if (rc == SQLITE_NOMEM)
		return SM_STORE_NOMEM;
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return SM_STORE_EXISTS;
		return SM_STORE_INVALID; /* foreign key, check, not null, trigger */
	}
	return SM_STORE_BACKEND;
}

static sm_store_status l_exec(void *ctx, const char *sql, char *err, size_t errsz)
{
	lite *l = ctx;
	char *msg = NULL;
	int rc = sqlite3_exec(l->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		sm_store_status s = map_error(l, rc, err, errsz, "exec");
		if (msg)
			smx_errf(err, errsz, "sqlite: %s", msg);
		sqlite3_free(msg);
		return s;
	}
	return SM_STORE_OK;
}

static sm_store_status step_all(lite *l, sqlite3_stmt *s, smx_rows *out, char *err, size_t errsz)
{
	for (;;) {
		int rc = sqlite3_step(s);
		if (rc == SQLITE_DONE)
			return SM_STORE_OK;
		if (rc != SQLITE_ROW)
			return map_error(l, rc, err, errsz, "step");
		if (!out)
			continue;
		int nc = sqlite3_column_count(s);
		const char *vals[64];
		size_t lens[64];
		if (nc > 64) {
			smx_errf(err, errsz, "sqlite: too many columns");
			return SM_STORE_BACKEND;
		}
		for (int c = 0; c < nc; c++) {
			if (sqlite3_column_type(s, c) == SQLITE_NULL) {
				vals[c] = NULL;
				lens[c] = 0;
			} else {
				vals[c] = (const char *)sqlite3_column_text(s, c);
				lens[c] = (size_t)sqlite3_column_bytes(s, c);
				if (!vals[c])
					return SM_STORE_NOMEM;
			}
		}
		sm_store_status st = smx_rows_push(out, (size_t)nc, vals, lens);
		if (st != SM_STORE_OK) {
			smx_errf(err, errsz, "sqlite: out of memory");
			return st;
		}
	}
}

static sm_store_status l_query(void *ctx, int id, const char *sql, const smx_param *p, size_t np,
                               smx_rows *out, char *err, size_t errsz)
{
	lite *l = ctx;
	if (id < 0 || id >= SMX_MAX_STMTS) {
		smx_errf(err, errsz, "sqlite: statement number %d out of range", id);
		return SM_STORE_BACKEND;
	}
	if (!l->stmt[id]) {
		int rc = sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->stmt[id], NULL);
		if (rc != SQLITE_OK)
			return map_error(l, rc, err, errsz, "prepare");
	}
	sqlite3_stmt *s = l->stmt[id];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	for (size_t k = 0; k < np; k++) {
		int rc, idx = (int)k + 1;
		switch (p[k].t) {
		case SMX_INT: rc = sqlite3_bind_int64(s, idx, p[k].i); break;
		case SMX_TEXT: rc = sqlite3_bind_text(s, idx, p[k].s, -1, SQLITE_STATIC); break;
		default: rc = sqlite3_bind_null(s, idx); break;
		}
		if (rc != SQLITE_OK)
			return map_error(l, rc, err, errsz, "bind");
	}
	sm_store_status st = step_all(l, s, out, err, errsz);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s); /* drop the pointers to the caller's strings */
	return st;
}

static sm_store_status l_raw(void *ctx, const char *sql, smx_rows *out, char *err, size_t errsz)
{
	lite *l = ctx;
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(l->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return map_error(l, rc, err, errsz, "prepare");
	sm_store_status st = step_all(l, s, out, err, errsz);
	sqlite3_finalize(s);
	return st;
}

static sm_store_status l_begin(void *ctx, bool write, char *err, size_t errsz)
{
	lite *l = ctx;
	sm_store_status st = l_exec(ctx, write ? "BEGIN IMMEDIATE" : "BEGIN", err, errsz);
	if (st == SM_STORE_OK)
		l->in_tx = true;
	return st;
}

static sm_store_status l_commit(void *ctx, char *err, size_t errsz)
{
	lite *l = ctx;
	sm_store_status st = l_exec(ctx, "COMMIT", err, errsz);
	if (st != SM_STORE_OK) {
		/* not committed: roll back so the connection is usable again */
		if (!sqlite3_get_autocommit(l->db))
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	}
	l->in_tx = false;
	return st;
}

static void l_rollback(void *ctx)
{
	lite *l = ctx;
	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	l->in_tx = false;
}

static sm_store_status l_lock(void *ctx, bool take, char *err, size_t errsz)
{
	(void)ctx, (void)take, (void)err, (void)errsz;
	return SM_STORE_OK;
}

static sm_store_status l_check(void *ctx, char *err, size_t errsz)
{
	lite *l = ctx;
	smx_rows r = {0};
	sm_store_status st = l_raw(ctx, "PRAGMA integrity_check", &r, err, errsz);
	if (st != SM_STORE_OK)
		return st;
	if (r.nrows != 1 || !r.cell[0] || strcmp(r.cell[0], "ok") != 0) {
		smx_errf(err, errsz, "sqlite integrity_check: %s",
		         r.nrows && r.cell[0] ? r.cell[0] : "(no answer)");
		smx_rows_free(&r);
		return SM_STORE_INVALID;
	}
	smx_rows_free(&r);
	st = l_raw(ctx, "PRAGMA foreign_key_check", &r, err, errsz);
	if (st != SM_STORE_OK)
		return st;
	if (r.nrows) {
		smx_errf(err, errsz, "sqlite foreign_key_check: table %s row %s refers to a missing %s",
		         r.cell[0] ? r.cell[0] : "?", r.cell[1] ? r.cell[1] : "?",
		         r.cell[2] ? r.cell[2] : "?");
		smx_rows_free(&r);
		return SM_STORE_INVALID;
	}
	smx_rows_free(&r);
	(void)l;
	return SM_STORE_OK;
}

static void l_close(void *ctx)
{
	lite *l = ctx;
	if (!l)
		return;
	for (int k = 0; k < SMX_MAX_STMTS; k++)
		sqlite3_finalize(l->stmt[k]);
	sqlite3_close(l->db);
	free(l);
}

static sm_store_status l_open(const char *target, void **out, char *err, size_t errsz)
{
	*out = NULL;
	lite *l = calloc(1, sizeof *l);
	if (!l) {
		smx_errf(err, errsz, "out of memory");
		return SM_STORE_NOMEM;
	}
	/* A new registry file is made 0600 whatever the umask: it holds patient
	** identifiers. SQLite gives the -wal and -shm files the database file's
	** mode, so they are 0600 too. An existing file keeps its mode. */
	if (strcmp(target, ":memory:") != 0 && strncmp(target, "file:", 5) != 0) {
		int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
		if (fd >= 0) {
			(void)fchmod(fd, S_IRUSR | S_IWUSR); /* not narrowed further by the umask */
			close(fd);
		} else if (errno != EEXIST) {
			smx_errf(err, errsz, "sqlite: cannot create '%s': %s", target, strerror(errno));
			free(l);
			return SM_STORE_BACKEND;
		}
	}
	int rc = sqlite3_open_v2(target, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		smx_errf(err, errsz, "sqlite: cannot open '%s': %s", target,
		         l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
		l_close(l);
		return SM_STORE_BACKEND;
	}
	sqlite3_extended_result_codes(l->db, 1);
	sqlite3_busy_timeout(l->db, BUSY_TIMEOUT_MS);
	/* WAL: readers do not block the writer; FULL: the WAL is synced at every commit. */
	smx_rows r = {0};
	sm_store_status st = l_raw(l, "PRAGMA journal_mode=WAL", &r, err, errsz);
	if (st == SM_STORE_OK && (r.nrows != 1 || !r.cell[0] || strcmp(r.cell[0], "wal") != 0)) {
		smx_errf(err, errsz, "sqlite: '%s' refuses WAL mode (journal_mode %s)", target,
		         r.nrows && r.cell[0] ? r.cell[0] : "?");
		st = SM_STORE_BACKEND;
	}
	smx_rows_free(&r);
	if (st == SM_STORE_OK)
		st = l_exec(l, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF",
		            err, errsz);
	if (st != SM_STORE_OK) {
		l_close(l);
		return st;
	}
	*out = l;
	return SM_STORE_OK;
}

const smx_backend smx_sqlite_backend = {
	.name = "sqlite",
	.dialect = SMX_SQLITE,
	.open = l_open,
	.close = l_close,
	.exec = l_exec,
	.query = l_query,
	.raw = l_raw,
	.begin = l_begin,
	.commit = l_commit,
	.rollback = l_rollback,
	.lock = l_lock,
	.check = l_check,
};
