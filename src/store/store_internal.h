/*
** store_internal.h: what store.c, the two backends and the store tests share.
** Not part of the public interface (store.h).
**
** A backend is a small vtable of primitives: run a prepared statement (by
** index, cached per connection) with typed parameters and collect its rows as
** text; begin / commit / roll back; run constant SQL (DDL, PRAGMA); take the
** migration lock; backend-specific integrity checks. Every operation of the
** store is written once, in store.c, over these primitives, so both backends
** behave the same by construction.
*/
#ifndef SM_STORE_INTERNAL_H
#define SM_STORE_INTERNAL_H

#include "store/store.h"

typedef enum smx_ptype { SMX_NULL = 0, SMX_INT = 1, SMX_TEXT = 2 } smx_ptype;

typedef struct smx_param {
	smx_ptype t;
	int64_t i;
	const char *s;
} smx_param;

/* Rows of a result, every cell as text (integers in decimal); NULL = SQL NULL. */
typedef struct smx_rows {
	size_t nrows, ncols;
	char **cell;                 /* nrows * ncols, row-major */
} smx_rows;

void smx_rows_free(smx_rows *r);
/* Append one row of `ncols` cells (copies of `vals`, lengths `lens`; a NULL
** value is SQL NULL). Sets ncols on the first row. SM_STORE_NOMEM on failure. */
sm_store_status smx_rows_push(smx_rows *r, size_t ncols, const char *const *vals,
                              const size_t *lens);

typedef enum smx_dialect { SMX_SQLITE = 0, SMX_PG = 1 } smx_dialect;

typedef struct smx_backend {
	const char *name;
	smx_dialect dialect;
	/* `target`: the file path (SQLite) or the libpq URI (PostgreSQL). */
	sm_store_status (*open)(const char *target, void **ctx, char *err, size_t errsz);
	void (*close)(void *ctx);
	/* Constant SQL text, possibly several statements, no parameters. */
	sm_store_status (*exec)(void *ctx, const char *sql, char *err, size_t errsz);
	/* Statement number `id` (0..SMX_MAX_STMTS-1; `sql` is always the same text
	** for the same id) with parameters; rows into *out (may be NULL). */
	sm_store_status (*query)(void *ctx, int id, const char *sql, const smx_param *p, size_t np,
	                         smx_rows *out, char *err, size_t errsz);
	/* One constant statement, not cached (PRAGMAs, tests). */
	sm_store_status (*raw)(void *ctx, const char *sql, smx_rows *out, char *err, size_t errsz);
	/* write: SQLite BEGIN IMMEDIATE; PostgreSQL BEGIN (rows are locked with
	** SELECT ... FOR UPDATE). */
	sm_store_status (*begin)(void *ctx, bool write, char *err, size_t errsz);
	sm_store_status (*commit)(void *ctx, char *err, size_t errsz);
	void (*rollback)(void *ctx);
	/* Migration lock (PostgreSQL: pg_advisory_lock; SQLite: nothing, since
	** each migration runs under BEGIN IMMEDIATE). */
	sm_store_status (*lock)(void *ctx, bool take, char *err, size_t errsz);
	/* Backend-specific integrity checks (SQLite: integrity_check, foreign_key_check). */
	sm_store_status (*check)(void *ctx, char *err, size_t errsz);
} smx_backend;

#define SMX_MAX_STMTS 64

extern const smx_backend smx_sqlite_backend;
extern const smx_backend smx_pg_backend;

/* Parse a store URL: the backend and the target it opens. *target points into
** `url` or at a static default. SM_STORE_INVALID for an unknown scheme. */
sm_store_status smx_store_parse_url(const char *url, const smx_backend **be, const char **target,
                                    char *err, size_t errsz);

/* ---- For the tests only: constant SQL on a handle (no values). ---- */
sm_store_status smx_store_raw(sm_store *st, const char *sql, smx_rows *out);
sm_store_status smx_store_exec(sm_store *st, const char *sql);

/* snprintf into err when err is not NULL (format checked). */
void smx_errf(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SM_STORE_INTERNAL_H */
