/*
** postgres.c: the PostgreSQL backend of the store (libpq).
**
** Statements are prepared once per connection (PQprepare, named "smN") and
** run with PQexecPrepared; every value travels as a parameter, never inside
** the SQL text. The store writes its SQL with '?' placeholders; they become
** $1, $2, ... here (outside quoted text).
**
** A lost connection (server restart) is re-established at the next BEGIN or
** the next statement outside a transaction (PQreset; the prepared statements
** are prepared again). Inside a transaction a lost connection is an error:
** the caller's transaction is gone and must not be continued silently.
*/
#include "store/store_internal.h"

#include <libpq-fe.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_advisory_lock key for migrations: "spinemet" in ASCII. */
#define MIGRATION_LOCK_SQL "SELECT pg_advisory_lock(8317700432705382772)"
#define MIGRATION_UNLOCK_SQL "SELECT pg_advisory_unlock(8317700432705382772)"

typedef struct pg {
	PGconn *conn;
	bool prepared[SMX_MAX_STMTS];
	bool in_tx;
} pg;

static void quiet_notices(void *arg, const char *message)
{
	(void)arg, (void)message; /* "relation already exists, skipping" and the like */
}

static void trim_nl(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = 0;
}

/* Map a failed result (or a NULL result) to a status and a message. */
static sm_store_status map_error(pg *p, PGresult *res, char *err, size_t errsz, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : NULL;
	if (!msg || !*msg)
		msg = PQerrorMessage(p->conn);
	smx_errf(err, errsz, "postgresql: %s: %s", what, msg && *msg ? msg : "unknown error");
	if (err)
		trim_nl(err);
	if (!state)
		return SM_STORE_BACKEND;
	if (strcmp(state, "23505") == 0)
		return SM_STORE_EXISTS; /* unique_violation */
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0 || strcmp(state, "P0001") == 0)
		return SM_STORE_INVALID; /* integrity constraint, data exception, trigger refusal */
	return SM_STORE_BACKEND;
}

/* Re-establish a broken connection when no transaction is open. */
static sm_store_status ensure_conn(pg *p, char *err, size_t errsz)
{
	if (PQstatus(p->conn) == CONNECTION_OK)
		return SM_STORE_OK;
	if (p->in_tx) {
		smx_errf(err, errsz, "postgresql: connection lost during a transaction");
		return SM_STORE_BACKEND;
	}
	PQreset(p->conn);
	memset(p->prepared, 0, sizeof p->prepared);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		smx_errf(err, errsz, "postgresql: reconnect failed: %s", PQerrorMessage(p->conn));
		if (err)
			trim_nl(err);
		return SM_STORE_BACKEND;
	}
	return SM_STORE_OK;
}

static sm_store_status copy_rows(PGresult *res, smx_rows *out)
{
	if (!out)
		return SM_STORE_OK;
	int nr = PQntuples(res), nc = PQnfields(res);
	if (nc > 64)
		return SM_STORE_BACKEND;
	const char *vals[64];
	size_t lens[64];
	for (int r = 0; r < nr; r++) {
		for (int c = 0; c < nc; c++) {
			if (PQgetisnull(res, r, c)) {
				vals[c] = NULL;
				lens[c] = 0;
			} else {
				vals[c] = PQgetvalue(res, r, c);
				lens[c] = (size_t)PQgetlength(res, r, c);
			}
		}
		sm_store_status st = smx_rows_push(out, (size_t)nc, vals, lens);
		if (st != SM_STORE_OK)
			return st;
	}
	if (nr == 0 && out->ncols == 0)
		out->ncols = (size_t)nc;
	return SM_STORE_OK;
}

static sm_store_status finish(pg *p, PGresult *res, smx_rows *out, char *err, size_t errsz,
                              const char *what)
{
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	sm_store_status st;
	if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
		st = copy_rows(res, out);
		if (st != SM_STORE_OK)
			smx_errf(err, errsz, "postgresql: out of memory");
	} else {
		st = map_error(p, res, err, errsz, what);
	}
	PQclear(res);
	return st;
}

static sm_store_status p_exec(void *ctx, const char *sql, char *err, size_t errsz)
{
	pg *p = ctx;
	sm_store_status st = ensure_conn(p, err, errsz);
	if (st != SM_STORE_OK)
		return st;
	return finish(p, PQexec(p->conn, sql), NULL, err, errsz, "exec");
}

static sm_store_status p_raw(void *ctx, const char *sql, smx_rows *out, char *err, size_t errsz)
{
	pg *p = ctx;
	sm_store_status st = ensure_conn(p, err, errsz);
	if (st != SM_STORE_OK)
		return st;
	return finish(p, PQexec(p->conn, sql), out, err, errsz, "query");
}

/* '?' -> $n outside '...' and "..." (the store's SQL has no other '?'). */
static char *convert_placeholders(const char *sql)
{
	size_t n = strlen(sql), cap = n * 4 + 1;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	size_t o = 0;
	int k = 0;
	char quote = 0;
	for (size_t i = 0; i < n; i++) {
		char c = sql[i];
		if (quote) {
			if (c == quote)
				quote = 0;
			out[o++] = c;
		} else if (c == '\'' || c == '"') {
			quote = c;
			out[o++] = c;
		} else if (c == '?') {
			o += (size_t)snprintf(out + o, cap - o, "$%d", ++k);
		} else {
			out[o++] = c;
		}
	}
	out[o] = 0;
	return out;
}

static sm_store_status p_query(void *ctx, int id, const char *sql, const smx_param *prm, size_t np,
                               smx_rows *out, char *err, size_t errsz)
{
	pg *p = ctx;
	if (id < 0 || id >= SMX_MAX_STMTS || np > 32) {
		smx_errf(err, errsz, "postgresql: statement %d: bad number or too many parameters", id);
		return SM_STORE_BACKEND;
	}
	sm_store_status st = ensure_conn(p, err, errsz);
	if (st != SM_STORE_OK)
		return st;
	char name[16];
	snprintf(name, sizeof name, "sm%d", id);
	if (!p->prepared[id]) {
		char *text = convert_placeholders(sql);
		if (!text) {
			smx_errf(err, errsz, "out of memory");
			return SM_STORE_NOMEM;
		}
		st = finish(p, PQprepare(p->conn, name, text, (int)np, NULL), NULL, err, errsz, "prepare");
		free(text);
		if (st != SM_STORE_OK)
			return st;
		p->prepared[id] = true;
	}
	char nums[32][24];
	const char *vals[32];
	for (size_t k = 0; k < np; k++) {
		switch (prm[k].t) {
		case SMX_INT:
			snprintf(nums[k], sizeof nums[k], "%" PRId64, prm[k].i);
			vals[k] = nums[k];
			break;
		case SMX_TEXT: vals[k] = prm[k].s; break;
		default: vals[k] = NULL; break;
		}
	}
	PGresult *res = PQexecPrepared(p->conn, name, (int)np, np ? vals : NULL, NULL, NULL, 0);
	return finish(p, res, out, err, errsz, "statement");
}

static sm_store_status p_begin(void *ctx, bool write, char *err, size_t errsz)
{
	pg *p = ctx;
	(void)write; /* writers lock the rows they change with SELECT ... FOR UPDATE */
	sm_store_status st = p_exec(ctx, "BEGIN", err, errsz);
	if (st == SM_STORE_BACKEND && PQstatus(p->conn) != CONNECTION_OK)
		st = p_exec(ctx, "BEGIN", err, errsz); /* the server was restarted: once more */
	if (st == SM_STORE_OK)
		p->in_tx = true;
	return st;
}

static sm_store_status p_commit(void *ctx, char *err, size_t errsz)
{
	pg *p = ctx;
	PGresult *res = PQexec(p->conn, "COMMIT");
	sm_store_status st;
	if (res && PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(res), "COMMIT") == 0) {
		st = SM_STORE_OK;
		PQclear(res);
	} else if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
		smx_errf(err, errsz, "postgresql: the transaction was rolled back");
		st = SM_STORE_BACKEND;
		PQclear(res);
	} else {
		/* e.g. the connection died: whether it committed is not known */
		st = finish(p, res, NULL, err, errsz, "commit");
	}
	p->in_tx = false;
	return st;
}

static void p_rollback(void *ctx)
{
	pg *p = ctx;
	if (p->in_tx && PQstatus(p->conn) == CONNECTION_OK)
		PQclear(PQexec(p->conn, "ROLLBACK"));
	p->in_tx = false;
}

static sm_store_status p_lock(void *ctx, bool take, char *err, size_t errsz)
{
	return p_exec(ctx, take ? MIGRATION_LOCK_SQL : MIGRATION_UNLOCK_SQL, err, errsz);
}

static sm_store_status p_check(void *ctx, char *err, size_t errsz)
{
	(void)ctx, (void)err, (void)errsz;
	return SM_STORE_OK; /* the store's own checks (version chains) run on every backend */
}

static void p_close(void *ctx)
{
	pg *p = ctx;
	if (!p)
		return;
	PQfinish(p->conn);
	free(p);
}

static sm_store_status p_open(const char *target, void **out, char *err, size_t errsz)
{
	*out = NULL;
	pg *p = calloc(1, sizeof *p);
	if (!p) {
		smx_errf(err, errsz, "out of memory");
		return SM_STORE_NOMEM;
	}
	const char *keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
	const char *vals[] = {target, "spinemets", "UTF8", NULL};
	p->conn = PQconnectdbParams(keys, vals, 1);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		smx_errf(err, errsz, "postgresql: cannot connect: %s",
		         p->conn ? PQerrorMessage(p->conn) : "out of memory");
		if (err)
			trim_nl(err);
		p_close(p);
		return SM_STORE_BACKEND;
	}
	PQsetNoticeProcessor(p->conn, quiet_notices, NULL);
	/* every commit waits for its WAL flush (the server default, made explicit) */
	sm_store_status st = p_exec(p, "SET synchronous_commit = on; SET TIME ZONE 'UTC'", err, errsz);
	if (st != SM_STORE_OK) {
		p_close(p);
		return st;
	}
	*out = p;
	return SM_STORE_OK;
}

const smx_backend smx_pg_backend = {
	.name = "postgresql",
	.dialect = SMX_PG,
	.open = p_open,
	.close = p_close,
	.exec = p_exec,
	.query = p_query,
	.raw = p_raw,
	.begin = p_begin,
	.commit = p_commit,
	.rollback = p_rollback,
	.lock = p_lock,
	.check = p_check,
};
