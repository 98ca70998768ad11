/*
** ext_vectors.c: the golden vectors through the SQL extensions (issue #16).
**
** usage: ext_vectors pg CONNINFO SPINEMETS_BINARY VECTOR_DIR...
**        ext_vectors sqlite EXTENSION_PATH SPINEMETS_BINARY VECTOR_DIR...
**
** Every line of every .jsonl file in each VECTOR_DIR is run through the SQL function
** (spinemets_score(instrument, items) or spinemets_assess(case)) and through
** the command line program, and must satisfy:
**   - the vector's own expectations (`expect`, `includes`, `excludes`), checked
**     by the code of tests/vectors.c (included below, so the two suites judge
**     alike);
**   - the same result as the command line: the whole JSON document equal;
**   - where the command line says "invalid", an SQL error (PostgreSQL:
**     SQLSTATE 22023) whose text names the JSON path of every error the
**     command line reports.
** Then a few checks of the SQL surface (NULL in, NULL out; unknown instrument;
** PostgreSQL: IMMUTABLE PARALLEL SAFE STRICT; spinemets_instruments()).
** Ends with "N passed, M failed".
*/
#include <libpq-fe.h>
#include <sqlite3.h>

/* the vector runner's comparison code: subset(), dotted(), contains(), run() */
#define main vectors_cli_main
#include "../vectors.c"
#undef main

static int npass, nfail;

static void check(int ok, const char *what, const char *why)
{
	if (ok) {
		npass++;
	} else {
		nfail++;
		printf("FAIL %s: %s\n", what, why ? why : "");
	}
}

/* ---- the two databases behind one interface ---- */
typedef struct sqlres {
	char *json;    /* the result text (malloc'd), or NULL */
	int is_null;   /* SQL NULL */
	char *error;   /* the whole error text (malloc'd), or NULL */
	char state[6]; /* PostgreSQL SQLSTATE of the error ("" for SQLite) */
} sqlres;

static PGconn *pg;
static sqlite3 *lite;

static void sqlres_free(sqlres *r)
{
	free(r->json);
	free(r->error);
	memset(r, 0, sizeof *r);
}

/* Run `sql` with up to two text parameters and one result value. */
static void query(const char *sql_pg, const char *sql_lite, int np, const char *p1, const char *p2, sqlres *r)
{
	memset(r, 0, sizeof *r);
	if (pg) {
		const char *params[2] = {p1, p2};
		PGresult *res = PQexecParams(pg, sql_pg, np, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
			if (PQgetisnull(res, 0, 0))
				r->is_null = 1;
			else
				r->json = strdup(PQgetvalue(res, 0, 0));
		} else {
			const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			const char *d = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
			const char *h = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
			const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			if (!m)
				m = PQerrorMessage(pg);
			size_t n = strlen(m) + strlen(d ? d : "") + strlen(h ? h : "") + 32;
			r->error = malloc(n);
			snprintf(r->error, n, "%s\nDETAIL: %s\nHINT: %s", m, d ? d : "", h ? h : "");
			snprintf(r->state, sizeof r->state, "%s", s ? s : "");
		}
		PQclear(res);
		return;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(lite, sql_lite, -1, &st, NULL) != SQLITE_OK) {
		r->error = strdup(sqlite3_errmsg(lite));
		return;
	}
	if (np > 0)
		p1 ? sqlite3_bind_text(st, 1, p1, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 1);
	if (np > 1)
		p2 ? sqlite3_bind_text(st, 2, p2, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, 2);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			r->is_null = 1;
		else
			r->json = strdup((const char *)sqlite3_column_text(st, 0));
	} else {
		r->error = strdup(sqlite3_errmsg(lite));
	}
	sqlite3_finalize(st);
}

/* Whole documents equal (numbers by value, objects whatever their key order). */
static int same(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_is_object(a) && json_is_object(b)) {
		const char *k;
		json_t *v;
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v) {
			if (!same(v, json_object_get(b, k)))
				return 0;
		}
		return 1;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

/* One vector: returns 1 when it passes, else 0 with the reason in `why`. */
static int one_vector(const char *bin, json_t *v, char *why, size_t wsz)
{
	const char *kind = json_string_value(json_object_get(v, "kind"));
	const char *inst = json_string_value(json_object_get(v, "instrument"));
	char *input = json_dumps(json_object_get(v, "input"), JSON_COMPACT | JSON_ENCODE_ANY);
	int score = kind && !strcmp(kind, "score") && inst;
	int assess = kind && !strcmp(kind, "assess");
	int ok = 1;
	char *cli_out = NULL;
	int st = 0;
	sqlres r;
	memset(&r, 0, sizeof r);
	if (!input || (!score && !assess)) {
		snprintf(why, wsz, "unknown kind or no input");
		free(input);
		return 0;
	}
	if (score) {
		char *av[] = {(char *)bin, "score", (char *)inst, NULL};
		run(bin, av, input, &cli_out, &st);
		query("SELECT spinemets_score($1, $2::jsonb)::text", "SELECT spinemets_score(?1, ?2)", 2, inst, input, &r);
	} else {
		char *av[] = {(char *)bin, "assess", "--json", "-", NULL};
		run(bin, av, input, &cli_out, &st);
		query("SELECT spinemets_assess($1::jsonb)::text", "SELECT spinemets_assess(?1)", 1, input, NULL, &r);
	}
	json_error_t je;
	json_t *cli = cli_out ? json_loads(cli_out, 0, &je) : NULL;
	json_t *got = NULL;
	const char *cst = json_string_value(json_object_get(cli, "status"));
	if (!cli) {
		ok = 0;
		snprintf(why, wsz, "the command line gave no JSON (exit %d)", st);
	} else if (cst && !strcmp(cst, "invalid")) {
		/* an SQL error naming every path the command line names */
		if (!r.error) {
			ok = 0;
			snprintf(why, wsz, "no SQL error for an invalid input (got %s)", r.json ? r.json : "NULL");
		} else if (pg && strcmp(r.state, "22023") != 0) {
			ok = 0;
			snprintf(why, wsz, "SQLSTATE %s, not 22023: %s", r.state, r.error);
		} else {
			size_t i;
			json_t *e;
			json_array_foreach(json_object_get(cli, "errors"), i, e) {
				const char *p = json_string_value(json_object_get(e, "path"));
				char want[600];
				snprintf(want, sizeof want, "%s: ", p && *p ? p : "(document)");
				if (!strstr(r.error, want)) {
					ok = 0;
					snprintf(why, wsz, "the error does not name %s: %s", want, r.error);
					break;
				}
			}
		}
		got = json_pack("{s:s}", "status", "invalid");
	} else if (!r.json) {
		ok = 0;
		snprintf(why, wsz, "SQL gave %s", r.error ? r.error : "NULL");
	} else if (!(got = json_loads(r.json, 0, &je))) {
		ok = 0;
		snprintf(why, wsz, "SQL result is not JSON: %s", je.text);
	} else if (!same(got, cli)) {
		ok = 0;
		snprintf(why, wsz, "SQL result differs from the command line's");
	}
	/* the vector's own expectations, as tests/vectors.c checks them */
	json_t *exp = json_object_get(v, "expect");
	if (ok && exp && !subset(exp, got, why, wsz))
		ok = 0;
	for (int pass2 = 0; ok && pass2 < 2; pass2++) {
		json_t *spec = json_object_get(v, pass2 ? "excludes" : "includes");
		const char *k;
		json_t *vals;
		json_object_foreach(spec, k, vals) {
			json_t *list = dotted(got, k);
			size_t i;
			json_t *x;
			json_array_foreach(vals, i, x) {
				int has = json_is_array(list) && contains(list, x);
				if (has == pass2) {
					snprintf(why, wsz, "%s %s a listed value", k, pass2 ? "must not include" : "must include");
					ok = 0;
					break;
				}
			}
			if (!ok)
				break;
		}
	}
	json_decref(got);
	json_decref(cli);
	free(cli_out);
	free(input);
	sqlres_free(&r);
	return ok;
}

static void run_dir(const char *bin, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		check(0, dir, "cannot open the vector directory");
		return;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l <= 6 || strcmp(de->d_name + l - 6, ".jsonl") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		FILE *fp = fopen(path, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		int lineno = 0;
		while (fp && (len = getline(&line, &cap, fp)) > 0) {
			lineno++;
			if (len <= 1)
				continue;
			json_error_t je;
			json_t *v = json_loads(line, 0, &je);
			char what[600], why[2048] = "";
			const char *id = json_string_value(json_object_get(v, "id"));
			snprintf(what, sizeof what, "%s (%s:%d)", id ? id : "?", de->d_name, lineno);
			check(v && one_vector(bin, v, why, sizeof why), what, v ? why : je.text);
			json_decref(v);
		}
		free(line);
		if (fp)
			fclose(fp);
	}
	closedir(d);
}

/* The SQL surface beyond the vectors. */
static void surface(const char *bin)
{
	sqlres r;
	query("SELECT spinemets_score('sins', NULL) IS NULL", "SELECT spinemets_score('sins', NULL) IS NULL", 0, NULL, NULL, &r);
	check(r.json && (!strcmp(r.json, "t") || !strcmp(r.json, "1")), "NULL items give NULL", r.error ? r.error : r.json);
	sqlres_free(&r);
	query("SELECT spinemets_assess(NULL) IS NULL", "SELECT spinemets_assess(NULL) IS NULL", 0, NULL, NULL, &r);
	check(r.json && (!strcmp(r.json, "t") || !strcmp(r.json, "1")), "NULL case gives NULL", r.error ? r.error : r.json);
	sqlres_free(&r);
	query("SELECT spinemets_score('no_such_score', '{}')::text", "SELECT spinemets_score('no_such_score', '{}')", 0, NULL, NULL, &r);
	check(r.error && strstr(r.error, "no_such_score") && strstr(r.error, "sins") && (!pg || !strcmp(r.state, "22023")),
	      "unknown instrument is an error naming it and the instruments", r.error ? r.error : r.json);
	sqlres_free(&r);
	/* the version agrees with the program's */
	char *out = NULL;
	int st = 0;
	char *av[] = {(char *)bin, "--version", NULL};
	run(bin, av, "", &out, &st);
	query("SELECT spinemets_version()", "SELECT spinemets_version()", 0, NULL, NULL, &r);
	check(r.json && out && strstr(out, r.json), "spinemets_version() is the program's version", r.json ? r.json : r.error);
	sqlres_free(&r);
	free(out);
	if (pg) {
		query("SELECT count(*) FROM pg_proc WHERE proname IN ('spinemets_score', 'spinemets_assess', "
		      "'spinemets_version', 'spinemets_instruments') AND provolatile = 'i' AND proparallel = 's' AND proisstrict",
		      NULL, 0, NULL, NULL, &r);
		check(r.json && !strcmp(r.json, "4"), "the four functions are IMMUTABLE PARALLEL SAFE STRICT", r.json ? r.json : r.error);
		sqlres_free(&r);
		/* one row per instrument the program lists */
		char *lo = NULL;
		char *lav[] = {(char *)bin, "score", "--list", NULL};
		run(bin, lav, "", &lo, &st);
		query("SELECT string_agg(name || ' ' || definition, ',' ORDER BY name) FROM spinemets_instruments()", NULL, 0, NULL, NULL, &r);
		int all = r.json != NULL && lo != NULL;
		size_t rows = 0;
		for (char *tok = r.json ? strtok(r.json, ",") : NULL; all && tok; tok = strtok(NULL, ",")) {
			char name[128], def[128];
			rows++;
			all = sscanf(tok, "%127s %127s", name, def) == 2 && strstr(lo, name) && strstr(lo, def);
		}
		check(all && rows >= 10, "spinemets_instruments() lists the program's instruments", r.error);
		free(lo);
		sqlres_free(&r);
	}
}

int main(int argc, char **argv)
{
	if (argc < 5 || (strcmp(argv[1], "pg") && strcmp(argv[1], "sqlite"))) {
		fprintf(stderr, "usage: ext_vectors pg CONNINFO|sqlite EXTENSION SPINEMETS_BINARY VECTOR_DIR...\n");
		printf("0 passed, 1 failed\n");
		return 2;
	}
	if (!strcmp(argv[1], "pg")) {
		pg = PQconnectdb(argv[2]);
		if (PQstatus(pg) != CONNECTION_OK) {
			printf("FAIL cannot connect: %s", PQerrorMessage(pg));
			PQfinish(pg);
			printf("0 passed, 1 failed\n");
			return 1;
		}
	} else {
		char *err = NULL;
		if (sqlite3_open(":memory:", &lite) != SQLITE_OK || sqlite3_enable_load_extension(lite, 1) != SQLITE_OK ||
		    sqlite3_load_extension(lite, argv[2], NULL, &err) != SQLITE_OK) {
			printf("FAIL cannot load %s: %s\n", argv[2], err ? err : sqlite3_errmsg(lite));
			sqlite3_free(err);
			sqlite3_close(lite);
			printf("0 passed, 1 failed\n");
			return 1;
		}
	}
	for (int i = 4; i < argc; i++)
		run_dir(argv[3], argv[i]);
	surface(argv[3]);
	if (pg)
		PQfinish(pg);
	if (lite)
		sqlite3_close(lite);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
