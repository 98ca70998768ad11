/*
** spinemets_sqlite.c: the spinemets core as SQLite functions (a loadable
** extension; docs/sql.md).
**
**   .load build/ext/spinemets_sqlite
**   SELECT spinemets_score('sins', '{"level":"L1","pain":"mechanical"}');
**   SELECT spinemets_assess(document) FROM case_versions;
**   SELECT spinemets_version();
**
** spinemets_score(instrument, json) and spinemets_assess(json) return the
** result as compact JSON text, byte for byte what `spinemets score` and
** `spinemets assess --json` print (the same writer, without indentation).
** They are deterministic and innocuous; a NULL argument gives NULL. Invalid
** input is an SQL error whose message names the JSON path and the allowed
** values of each problem ("spinemets_score: invalid items for sins: /pain: ...").
**
** The JSON text is read by the same adapters as the command line (src/io,
** jansson). Functions may run on several threads at once (one connection per
** thread): the large structs are thread-local.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_case.h"
#include "io/json_score.h"
#include "io/jw.h"
#include "spinemets.h"

#define MSG_CAP 8192

/* Append "path: message" to msg (the document itself is "(document)"). */
static void add_problem(char *msg, size_t cap, const char *path, const char *message)
{
	size_t n = strlen(msg);
	if (n + 1 >= cap)
		return;
	snprintf(msg + n, cap - n, "%s%s: %s", n && msg[n - 1] == ':' ? " " : "; ", path && *path ? path : "(document)",
	         message ? message : "");
}

/* Hand the writer's text to SQLite (it frees it), or report out of memory. */
static void result_jw(sqlite3_context *ctx, sm_jw *w)
{
	size_t n = 0;
	char *text = sm_jw_finish(w, &n);
	if (!text) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text64(ctx, text, n, free, SQLITE_UTF8);
}

static void fn_score(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return; /* NULL in, NULL out */
	const char *name = (const char *)sqlite3_value_text(argv[0]);
	const char *text = (const char *)sqlite3_value_text(argv[1]);
	int len = sqlite3_value_bytes(argv[1]);
	if (!name || !text) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	const sm_instrument *inst = sm_instrument_find(name);
	char msg[MSG_CAP];
	if (!inst) {
		size_t n = (size_t)snprintf(msg, sizeof msg, "spinemets_score: unknown instrument '%s'; one of:", name);
		for (size_t k = 0; k < sm_instrument_count() && n < sizeof msg; k++)
			n += (size_t)snprintf(msg + n, sizeof msg - n, " %s", sm_instrument_name(sm_instrument_at(k)));
		sqlite3_result_error(ctx, msg, -1);
		return;
	}
	json_error_t je;
	json_t *doc = json_loadb(text, (size_t)len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!doc) {
		snprintf(msg, sizeof msg, "spinemets_score: the items are not JSON: (document): malformed JSON at line %d, column %d: %s",
		         je.line, je.column, je.text);
		sqlite3_result_error(ctx, msg, -1);
		return;
	}
	static _Thread_local sm_input in;
	static _Thread_local sm_result res;
	sm_input_init(&in, inst);
	sm_json_read_items(&in, doc);
	json_decref(doc);
	sm_score(&in, &res);
	if (res.status == SM_RESULT_INVALID) {
		snprintf(msg, sizeof msg, "spinemets_score: invalid items for %s:", name);
		for (size_t k = 0; k < res.nerrors; k++)
			add_problem(msg, sizeof msg, res.errors[k].path, res.errors[k].message);
		sqlite3_result_error(ctx, msg, -1);
		return;
	}
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_result(&w, &res);
	result_jw(ctx, &w);
}

static void fn_assess(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	int len = sqlite3_value_bytes(argv[0]);
	if (!text) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	static _Thread_local sm_case c;
	static _Thread_local sm_assessment a;
	json_t *errors = sm_json_read_case(text, (size_t)len, &c);
	if (!errors) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (json_array_size(errors)) {
		char msg[MSG_CAP];
		size_t i;
		json_t *e;
		snprintf(msg, sizeof msg, "spinemets_assess: invalid case:");
		json_array_foreach(errors, i, e) {
			add_problem(msg, sizeof msg, json_string_value(json_object_get(e, "path")),
			            json_string_value(json_object_get(e, "message")));
		}
		json_decref(errors);
		sqlite3_result_error(ctx, msg, -1);
		return;
	}
	json_decref(errors);
	sm_assess(&c, &a);
	sm_jw w;
	sm_jw_init(&w, 0);
	sm_jw_assessment(&w, &c, &a);
	result_jw(ctx, &w);
}

static void fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_text(ctx, SM_ENGINE_VERSION, -1, SQLITE_STATIC);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_spinemetssqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);

int sqlite3_spinemetssqlite_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	SQLITE_EXTENSION_INIT2(api);
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = sqlite3_create_function(db, "spinemets_score", 2, flags, NULL, fn_score, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "spinemets_assess", 1, flags, NULL, fn_assess, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "spinemets_version", 0, flags, NULL, fn_version, NULL, NULL);
	return rc;
}
