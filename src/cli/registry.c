/*
** registry.c: the registry commands of the spinemets program:
**   spinemets db migrate|check|version [--db URL]
**   spinemets site add CODE NAME | site list
**   spinemets user add USERNAME --role ROLE [--site CODE] [--password-stdin] [--must-change]
**   spinemets user token USERNAME [--days N] | user list | user deactivate|activate USERNAME
**   spinemets export --deidentified [--site CODE] [--output FILE]
** Every command takes --db URL (default $SPINEMETS_DB, else sqlite:spinemets.db).
** Exit status: 0 done, 1 failed (the reason on stderr), 2 usage error.
*/
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "http/reg_doc.h"
#include "http/registry.h"
#include "store/store.h"

const char *sm_cli_db_url(const char *given)
{
	if (given && *given)
		return given;
	const char *env = getenv("SPINEMETS_DB");
	return env && *env ? env : "sqlite:spinemets.db";
}

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* Take "--db URL" out of argv (anywhere); returns the new argc, or -1 when
** --db has no value. */
static int take_db(int argc, char **argv, const char **db)
{
	int o = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= argc)
				return -1;
			*db = argv[++i];
			continue;
		}
		argv[o++] = argv[i];
	}
	return o;
}

static sm_store *open_store(const char *cmd, const char *db, unsigned flags)
{
	sm_store *st = NULL;
	char err[SM_STORE_ERRMSG_SIZE];
	const char *url = sm_cli_db_url(db);
	if (sm_store_open(url, flags, &st, err, sizeof err) != SM_STORE_OK) {
		fprintf(stderr, "spinemets %s: cannot open the registry %s: %s\n", cmd, url, err);
		return NULL;
	}
	return st;
}

/* ---------------- db ---------------- */
static void db_usage(FILE *f)
{
	fputs("usage: spinemets db migrate|check|version [--db URL]\n"
	      "\n"
	      "  migrate   apply the schema migrations not yet applied (idempotent; on\n"
	      "            PostgreSQL under an advisory lock, so servers may start at once),\n"
	      "            then write the case index (urgency, clock start, next due time)\n"
	      "            of cases saved before it existed; serve does the same at start\n"
	      "  check     integrity check: SQLite integrity_check and foreign keys; on every\n"
	      "            backend each case's versions are 1..latest with tombstones last\n"
	      "  version   the schema version of the database and the latest known\n"
	      "\n"
	      "  --db URL  sqlite:PATH or postgresql://... (default $SPINEMETS_DB, else\n"
	      "            sqlite:spinemets.db)\n"
	      "\n"
	      "Exit status: 0 done (check: no problem), 1 failed, 2 usage error.\n", f);
}

int sm_cmd_db(int argc, char **argv)
{
	const char *db = NULL;
	argc = take_db(argc, argv, &db);
	if (argc < 0) {
		fprintf(stderr, "spinemets db: --db needs a URL\n");
		return SM_EXIT_USAGE;
	}
	if (argc >= 2 && is_help(argv[1])) {
		db_usage(stdout);
		return SM_EXIT_OK;
	}
	if (argc != 2 || (strcmp(argv[1], "migrate") && strcmp(argv[1], "check") && strcmp(argv[1], "version"))) {
		fprintf(stderr, "spinemets db: expected one of migrate, check, version\n");
		db_usage(stderr);
		return SM_EXIT_USAGE;
	}
	sm_store *st = open_store("db", db, SM_STORE_NO_MIGRATE);
	if (!st)
		return SM_EXIT_INVALID;
	int status = SM_EXIT_OK, cur = 0, latest = 0;
	if (!strcmp(argv[1], "migrate")) {
		int applied = 0;
		if (sm_store_migrate(st, &applied) != SM_STORE_OK) {
			fprintf(stderr, "spinemets db migrate: %s\n", sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else {
			sm_store_schema_version(st, &cur, &latest);
			printf("%s registry: %d migration%s applied; schema version %d (latest %d)\n",
			       sm_store_backend(st), applied, applied == 1 ? "" : "s", cur, latest);
			size_t indexed = 0;
			if (sm_registry_backfill(st, &indexed) != SM_STORE_OK) {
				fprintf(stderr, "spinemets db migrate: case index: %s\n", sm_store_errmsg(st));
				status = SM_EXIT_INVALID;
			} else {
				printf("case index written for %zu case%s\n", indexed, indexed == 1 ? "" : "s");
			}
		}
	} else if (!strcmp(argv[1], "check")) {
		if (sm_store_schema_version(st, &cur, &latest) != SM_STORE_OK) {
			fprintf(stderr, "spinemets db check: %s\n", sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else if (cur < latest) {
			fprintf(stderr, "spinemets db check: schema version %d, latest %d: run spinemets db migrate\n", cur,
			        latest);
			status = SM_EXIT_INVALID;
		} else if (sm_store_check(st) != SM_STORE_OK) {
			fprintf(stderr, "spinemets db check: FAILED: %s\n", sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else {
			printf("%s registry: integrity check passed (schema version %d)\n", sm_store_backend(st), cur);
		}
	} else {
		if (sm_store_schema_version(st, &cur, &latest) != SM_STORE_OK) {
			fprintf(stderr, "spinemets db version: %s\n", sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else {
			printf("%s registry: schema version %d (latest %d)%s\n", sm_store_backend(st), cur, latest,
			       cur < latest ? ": run spinemets db migrate" : "");
		}
	}
	sm_store_close(st);
	return status;
}

/* ---------------- site ---------------- */
static void site_usage(FILE *f)
{
	fputs("usage: spinemets site add CODE NAME [--db URL]\n"
	      "       spinemets site list [--db URL]\n"
	      "\n"
	      "A site is a hospital or service; clinicians and coordinators belong to one and\n"
	      "see its cases only. CODE is a short stable key (letters, digits, . _ -), e.g.\n"
	      "'leeds'; NAME is shown to people.\n", f);
}

int sm_cmd_site(int argc, char **argv)
{
	const char *db = NULL;
	argc = take_db(argc, argv, &db);
	if (argc < 0) {
		fprintf(stderr, "spinemets site: --db needs a URL\n");
		return SM_EXIT_USAGE;
	}
	if (argc >= 2 && is_help(argv[1])) {
		site_usage(stdout);
		return SM_EXIT_OK;
	}
	int add = argc == 4 && !strcmp(argv[1], "add"), list = argc == 2 && !strcmp(argv[1], "list");
	if (!add && !list) {
		fprintf(stderr, "spinemets site: expected 'add CODE NAME' or 'list'\n");
		site_usage(stderr);
		return SM_EXIT_USAGE;
	}
	if (add && !sm_store_site_code_ok(argv[2])) {
		fprintf(stderr, "spinemets site add: code '%s': " SM_STORE_SITE_CODE_RULE "\n", argv[2]);
		return SM_EXIT_USAGE;
	}
	sm_store *st = open_store("site", db, 0);
	if (!st)
		return SM_EXIT_INVALID;
	int status = SM_EXIT_OK;
	int64_t now = (int64_t)time(NULL);
	if (add) {
		sm_store_status rc = sm_store_site_add(st, argv[2], argv[3], now, NULL);
		if (rc != SM_STORE_OK) {
			fprintf(stderr, "spinemets site add: %s: %s\n", argv[2],
			        rc == SM_STORE_EXISTS ? "a site with that code exists" : sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else {
			char detail[120];
			snprintf(detail, sizeof detail, "site %s (command line)", argv[2]);
			sm_store_actor sys = {0, now};
			sm_store_audit_add(st, &sys, "site.add", 0, detail);
			printf("site %s added\n", argv[2]);
		}
	} else {
		sm_store_site *s = NULL;
		size_t n = 0;
		if (sm_store_site_list(st, &s, &n) != SM_STORE_OK) {
			fprintf(stderr, "spinemets site list: %s\n", sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		}
		for (size_t k = 0; k < n; k++)
			printf("%s\t%s\n", s[k].code, s[k].name);
		sm_store_free(s);
	}
	sm_store_close(st);
	return status;
}

/* ---------------- user ---------------- */
static void user_usage(FILE *f)
{
	fputs("usage: spinemets user add USERNAME --role ROLE [--site CODE] [--display-name NAME]\n"
	      "                      [--password-stdin] [--must-change] [--db URL]\n"
	      "       spinemets user token USERNAME [--days N] [--token-max-days M] [--db URL]\n"
	      "       spinemets user list [--site CODE] [--db URL]\n"
	      "       spinemets user deactivate|activate USERNAME [--db URL]\n"
	      "\n"
	      "Roles: clinician and coordinator (the identifiable cases of their --site, which\n"
	      "they need), researcher (de-identified data of every site), admin (users and\n"
	      "sites).\n"
	      "\n"
	      "  add     without --password-stdin a one-time password is generated and printed\n"
	      "          once; it must be changed at first login. --password-stdin reads the\n"
	      "          password (at least 12 characters, not a dictionary word, not the\n"
	      "          username, no character 4 times in a row: libpwquality) from the\n"
	      "          first line of standard input;\n"
	      "          --must-change then still asks for a change at first login.\n"
	      "  token   print a new API token for machines (Authorization: Bearer TOKEN),\n"
	      "          valid for N days (default 90, at most M = --token-max-days, default 90;\n"
	      "          servers refuse API tokens older than their own --token-max-days).\n"
	      "          It is shown once; only its hash is stored.\n"
	      "  deactivate  the user can no longer log in; their sessions and tokens end.\n", f);
}

static int read_password(char *buf, size_t size)
{
	if (!fgets(buf, (int)size, stdin))
		return -1;
	size_t n = strlen(buf);
	if (n && buf[n - 1] != '\n' && !feof(stdin))
		return -1; /* longer than the buffer */
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n >= 1 && n <= 1024 ? 0 : -1;
}

static int user_add(sm_store *st, int argc, char **argv)
{
	const char *role = NULL, *site = NULL, *display = NULL;
	int pw_stdin = 0, must_change = 0;
	for (int i = 3; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--role"))
			role = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--site"))
			site = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--display-name"))
			display = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin"))
			pw_stdin = 1;
		else if (!strcmp(argv[i], "--must-change"))
			must_change = 1;
		else {
			fprintf(stderr, "spinemets user add: bad or incomplete option '%s'\n", argv[i]);
			return SM_EXIT_USAGE;
		}
	}
	const char *username = argv[2];
	int r = role ? sm_store_role_find(role) : -1;
	if (r < 0) {
		fprintf(stderr, "spinemets user add: --role must be one of clinician, coordinator, researcher, admin\n");
		return SM_EXIT_USAGE;
	}
	if (!sm_store_username_ok(username)) {
		fprintf(stderr, "spinemets user add: username '%s': " SM_STORE_USERNAME_RULE "\n", username);
		return SM_EXIT_USAGE;
	}
	if ((r == SM_ROLE_CLINICIAN || r == SM_ROLE_COORDINATOR) && !site) {
		fprintf(stderr, "spinemets user add: a %s needs --site CODE\n", role);
		return SM_EXIT_USAGE;
	}
	sm_store_user u;
	memset(&u, 0, sizeof u);
	if (site) {
		sm_store_site s;
		if (sm_store_site_get(st, site, &s) != SM_STORE_OK) {
			fprintf(stderr, "spinemets user add: no site '%s' (spinemets site add CODE NAME)\n", site);
			return SM_EXIT_INVALID;
		}
		u.site_id = s.id;
	}
	char pw[1100] = "";
	int otp = 0;
	if (pw_stdin) {
		char why[300];
		if (read_password(pw, sizeof pw) != 0) {
			memset(pw, 0, sizeof pw);
			fprintf(stderr, "spinemets user add: --password-stdin: a password of %d characters to 1024 bytes "
			                "on the first line\n", SM_STORE_PASSWORD_MIN);
			return SM_EXIT_INVALID;
		}
		if (sm_store_password_quality(pw, username, NULL, why, sizeof why) != SM_STORE_OK) {
			memset(pw, 0, sizeof pw);
			fprintf(stderr, "spinemets user add: --password-stdin: %s\n", why);
			return SM_EXIT_INVALID;
		}
	} else {
		sm_registry_random_password(pw);
		otp = 1;
		must_change = 1;
	}
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.display_name, sizeof u.display_name, "%s", display && *display ? display : username);
	u.role = (sm_store_role)r;
	u.must_change_password = must_change;
	int64_t now = (int64_t)time(NULL);
	sm_store_status rc = sm_store_password_hash(pw, u.password_hash);
	if (rc == SM_STORE_OK)
		rc = sm_store_user_add(st, &u, now, NULL);
	if (rc != SM_STORE_OK) {
		memset(pw, 0, sizeof pw);
		fprintf(stderr, "spinemets user add: %s: %s\n", username,
		        rc == SM_STORE_EXISTS ? "username already in use (usernames are compared without regard to letter case)" : sm_store_errmsg(st));
		return SM_EXIT_INVALID;
	}
	char detail[200];
	snprintf(detail, sizeof detail, "user %s (%s), command line", username, role);
	sm_store_actor sys = {0, now};
	sm_store_audit_add(st, &sys, "user.add", 0, detail);
	printf("user %s added (%s%s%s)\n", username, role, site ? ", site " : "", site ? site : "");
	if (otp)
		printf("one-time password: %s\n(shown once; it must be changed at first login)\n", pw);
	memset(pw, 0, sizeof pw);
	return SM_EXIT_OK;
}

static int user_token(sm_store *st, int argc, char **argv)
{
	long days = 90, max_days = 90;
	for (int i = 3; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--token-max-days")) {
			char *end = NULL;
			errno = 0;
			max_days = strtol(argv[++i], &end, 10);
			if (!*argv[i] || *end || errno || max_days < 1 || max_days > 3650) {
				fprintf(stderr, "spinemets user token: --token-max-days must be a whole number from 1 to 3650\n");
				return SM_EXIT_USAGE;
			}
		} else if (i + 1 < argc && !strcmp(argv[i], "--days")) {
			char *end = NULL;
			errno = 0;
			days = strtol(argv[++i], &end, 10);
			if (!*argv[i] || *end || errno || days < 1 || days > 3650) {
				fprintf(stderr, "spinemets user token: --days must be a whole number from 1 to 3650\n");
				return SM_EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "spinemets user token: bad or incomplete option '%s'\n", argv[i]);
			return SM_EXIT_USAGE;
		}
	}
	if (days > max_days) {
		fprintf(stderr, "spinemets user token: --days %ld: API tokens live at most %ld days (servers refuse older "
		                "ones; give the same --token-max-days to serve and to this command to change it)\n",
		        days, max_days);
		return SM_EXIT_USAGE;
	}
	sm_store_user u;
	if (sm_store_user_get(st, argv[2], &u) != SM_STORE_OK || !u.active) {
		fprintf(stderr, "spinemets user token: no active user '%s'\n", argv[2]);
		return SM_EXIT_INVALID;
	}
	char token[SM_STORE_TOKEN_SIZE], hash[SM_STORE_TOKEN_HASH_SIZE];
	int64_t now = (int64_t)time(NULL), exp = now + (int64_t)days * 86400;
	sm_store_status rc = sm_store_token_generate(token);
	if (rc == SM_STORE_OK)
		rc = sm_store_token_hash(token, hash);
	if (rc == SM_STORE_OK)
		rc = sm_store_token_add(st, hash, u.id, SM_TOKEN_API, now, exp, NULL);
	if (rc != SM_STORE_OK) {
		fprintf(stderr, "spinemets user token: %s\n", sm_store_errmsg(st));
		return SM_EXIT_INVALID;
	}
	char detail[200], t[32];
	sm_reg_iso_time(exp, t);
	snprintf(detail, sizeof detail, "API token for %s until %s, command line", u.username, t);
	sm_store_actor sys = {0, now};
	sm_store_audit_add(st, &sys, "token.add", 0, detail);
	printf("%s\n", token);
	fprintf(stderr, "API token for %s, valid until %s (shown once; send it as Authorization: Bearer TOKEN)\n",
	        u.username, t);
	memset(token, 0, sizeof token);
	return SM_EXIT_OK;
}

int sm_cmd_user(int argc, char **argv)
{
	const char *db = NULL;
	argc = take_db(argc, argv, &db);
	if (argc < 0) {
		fprintf(stderr, "spinemets user: --db needs a URL\n");
		return SM_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++)
		if (is_help(argv[i])) {
			user_usage(stdout);
			return SM_EXIT_OK;
		}
	const char *sub = argc >= 2 ? argv[1] : "";
	int ok = (!strcmp(sub, "add") && argc >= 3) || (!strcmp(sub, "token") && argc >= 3) || !strcmp(sub, "list") ||
	         ((!strcmp(sub, "deactivate") || !strcmp(sub, "activate")) && argc == 3);
	if (!ok) {
		fprintf(stderr, "spinemets user: expected add, token, list, deactivate or activate (with a USERNAME)\n");
		user_usage(stderr);
		return SM_EXIT_USAGE;
	}
	const char *list_site = NULL;
	if (!strcmp(sub, "list")) {
		if (argc == 4 && !strcmp(argv[2], "--site"))
			list_site = argv[3];
		else if (argc != 2) {
			fprintf(stderr, "spinemets user list: bad or incomplete option\n");
			return SM_EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "add") && argv[2][0] == '-') {
		fprintf(stderr, "spinemets user add: USERNAME first, then the options\n");
		return SM_EXIT_USAGE;
	}
	sm_store *st = open_store("user", db, 0);
	if (!st)
		return SM_EXIT_INVALID;
	int status = SM_EXIT_OK;
	if (!strcmp(sub, "add")) {
		status = user_add(st, argc, argv);
	} else if (!strcmp(sub, "token")) {
		status = user_token(st, argc, argv);
	} else if (!strcmp(sub, "list")) {
		int64_t site_id = 0;
		sm_store_site s;
		if (list_site && sm_store_site_get(st, list_site, &s) != SM_STORE_OK) {
			fprintf(stderr, "spinemets user list: no site '%s'\n", list_site);
			status = SM_EXIT_INVALID;
		} else {
			site_id = list_site ? s.id : 0;
			sm_store_user *us = NULL;
			size_t n = 0;
			if (sm_store_user_list(st, site_id, &us, &n) != SM_STORE_OK) {
				fprintf(stderr, "spinemets user list: %s\n", sm_store_errmsg(st));
				status = SM_EXIT_INVALID;
			}
			for (size_t k = 0; k < n; k++) {
				sm_store_site us_site;
				const char *code = "-";
				if (us[k].site_id > 0 && sm_store_site_get_id(st, us[k].site_id, &us_site) == SM_STORE_OK)
					code = us_site.code;
				printf("%s\t%s\t%s\t%s%s\n", us[k].username, sm_store_role_name(us[k].role), code,
				       us[k].active ? "active" : "inactive", us[k].must_change_password ? "\tmust-change" : "");
			}
			if (us)
				memset(us, 0, n * sizeof *us);
			sm_store_free(us);
		}
	} else {
		int on = !strcmp(sub, "activate");
		sm_store_user u;
		int64_t now = (int64_t)time(NULL);
		if (sm_store_user_get(st, argv[2], &u) != SM_STORE_OK) {
			fprintf(stderr, "spinemets user %s: no user '%s'\n", sub, argv[2]);
			status = SM_EXIT_INVALID;
		} else if (sm_store_user_set_active(st, u.id, on, now) != SM_STORE_OK) {
			fprintf(stderr, "spinemets user %s: %s\n", sub, sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else {
			char detail[200];
			snprintf(detail, sizeof detail, "user %s, command line", u.username);
			sm_store_actor sys = {0, now};
			sm_store_audit_add(st, &sys, on ? "user.activate" : "user.deactivate", 0, detail);
			printf("user %s %s\n", u.username, on ? "activated" : "deactivated (sessions and tokens ended)");
		}
		memset(&u, 0, sizeof u);
	}
	sm_store_close(st);
	return status;
}

/* ---------------- export ---------------- */
static void export_usage(FILE *f)
{
	fputs("usage: spinemets export --deidentified [--site CODE] [--k N] [--output FILE] [--db URL]\n"
	      "\n"
	      "Writes JSON Lines: first a header (schema spinemets/export-header/1) that states\n"
	      "how the cases were generalised, then one object per line for the latest version\n"
	      "of every case that is not deleted (of --site only, when given):\n"
	      "  case_key        a pseudonymous key: keyed BLAKE2b of the case id under a secret\n"
	      "                  kept in the registry (stable across exports; not the id)\n"
	      "  site, version, time_origin\n"
	      "  document        the clinical case with every event time converted to hours\n"
	      "                  from presentation (no absolute dates); the age as a band:\n"
	      "                  whole years under 18, 5-year bands from 18 (\"45-49\"), \"90+\"\n"
	      "  assessment, engine_version, definitions   as stored with that version\n"
	      "  clock           the pathway clock as durations (no dates)\n"
	      "Never identifiers (name, hospital number, phone), never save times or authors.\n"
	      "Small groups: a site with fewer than k cases in a calendar year (of the case's\n"
	      "time origin) is reported as site \"other\" for that year; when the merged\n"
	      "\"other\" cases of a year are still fewer than k, they are left out (the\n"
	      "header counts them).\n"
	      "The export is recorded in the audit log.\n"
	      "\n"
	      "  --k N           the smallest group reported (default 5; 1 turns merging off)\n"
	      "  --output FILE   write there instead of standard output\n", f);
}

typedef struct export_row_t {
	json_t *o;       /* the line, site still the real code */
	int64_t site_id;
	int year;        /* calendar year of the time origin; 0 unknown */
} export_row_t;

typedef struct export_walk {
	FILE *out;
	const char *secret;
	sm_store *st;
	sm_case *k;
	size_t n;
	int io_error;
	sm_store_site cache;
	export_row_t *rows;
	size_t nrows, cap;
} export_walk;

static int export_row(void *p, const sm_store_case *sc)
{
	export_walk *w = p;
	json_t *doc = json_loads(sc->document, 0, NULL);
	json_t *errors = doc ? sm_reg_read_case(doc, "", w->k) : NULL;
	int bad = !errors || json_array_size(errors);
	json_decref(errors);
	if (bad) {
		fprintf(stderr, "spinemets export: case %" PRId64 ": the stored document is not a valid case; skipped\n",
		        sc->case_id);
		json_decref(doc);
		return 0;
	}
	int u = sm_reg_assessment_urgency(sc->assessment);
	sm_clock clock;
	sm_pathway_clock(w->k, u < 0 ? SM_URG_ROUTINE : (sm_urgency)u, (long long)time(NULL), &clock);
	const char *origin = "none";
	json_t *o = json_object();
	char key[33];
	sm_reg_case_key(w->secret, sc->case_id, key);
	json_object_set_new(o, "case_key", json_string(key));
	if (w->cache.id != sc->site_id && sm_store_site_get_id(w->st, sc->site_id, &w->cache) != SM_STORE_OK)
		memset(&w->cache, 0, sizeof w->cache);
	json_object_set_new(o, "site", json_string(w->cache.id ? w->cache.code : "?"));
	json_object_set_new(o, "version", json_integer(sc->version));
	json_t *deid = sm_reg_deidentify(doc, w->k, &origin);
	sm_reg_generalise_age(deid);
	json_object_set_new(o, "time_origin", json_string(origin));
	json_object_set_new(o, "document", deid);
	json_t *a = sc->assessment ? json_loads(sc->assessment, 0, NULL) : NULL;
	json_object_set_new(o, "assessment", a ? a : json_null());
	json_object_set_new(o, "engine_version", sc->engine_version ? json_string(sc->engine_version) : json_null());
	json_t *d = sc->definitions ? json_loads(sc->definitions, 0, NULL) : NULL;
	json_object_set_new(o, "definitions", d ? d : json_null());
	json_object_set_new(o, "clock", sm_reg_clock_json(&clock, 0));
	json_decref(doc);
	/* the period of the case: the year of its clock start, else of its first event */
	long long t0 = clock.started ? clock.start : 0;
	for (size_t e = 0; !clock.started && e < w->k->nevents; e++)
		if (!t0 || w->k->events[e].at < t0)
			t0 = w->k->events[e].at;
	int year = 0;
	if (t0) {
		time_t tt = (time_t)t0;
		struct tm tm;
		if (gmtime_r(&tt, &tm))
			year = tm.tm_year + 1900;
	}
	if (w->nrows == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 256;
		export_row_t *nr = realloc(w->rows, nc * sizeof *nr);
		if (!nr) {
			json_decref(o);
			w->io_error = 1;
			return 1;
		}
		w->rows = nr;
		w->cap = nc;
	}
	w->rows[w->nrows++] = (export_row_t){o, sc->site_id, year};
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const export_row_t *x = *(export_row_t *const *)a, *y = *(export_row_t *const *)b;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return x->site_id < y->site_id ? -1 : x->site_id > y->site_id;
}

/* Write the header and the rows, merging (site, year) groups under k into site
** "other" and leaving out merged groups still under k. */
static void export_write(export_walk *w, long k, const char *site)
{
	size_t merged = 0, suppressed = 0, n = w->nrows;
	export_row_t **v = malloc((n ? n : 1) * sizeof *v);
	if (!v) {
		w->io_error = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = &w->rows[i];
	qsort(v, n, sizeof *v, cmp_group);
	for (size_t i = 0; i < n;) { /* one year at a time */
		size_t y_end = i, other = 0;
		while (y_end < n && v[y_end]->year == v[i]->year)
			y_end++;
		for (size_t g = i; g < y_end;) { /* one site of that year */
			size_t g_end = g;
			while (g_end < y_end && v[g_end]->site_id == v[g]->site_id)
				g_end++;
			if ((long)(g_end - g) < k)
				for (size_t j = g; j < g_end; j++) {
					json_object_set_new(v[j]->o, "site", json_string("other"));
					v[j]->site_id = -1; /* merged */
					other++;
				}
			g = g_end;
		}
		if (other && (long)other < k)
			for (size_t j = i; j < y_end; j++)
				if (v[j]->site_id == -1)
					v[j]->site_id = -2; /* left out */
		if ((long)other < k)
			suppressed += other;
		else
			merged += other;
		i = y_end;
	}
	free(v);
	json_t *h = json_object(), *d = json_object();
	json_object_set_new(h, "schema", json_string("spinemets/export-header/1"));
	json_object_set_new(h, "site", site ? json_string(site) : json_null());
	json_object_set_new(h, "cases", json_integer((json_int_t)(w->nrows - suppressed)));
	json_object_set_new(d, "k", json_integer(k));
	json_object_set_new(d, "ages", json_string("patient.age_band: whole years under 18, 5-year bands from 18 "
	                                           "(18-19, 20-24, ...), 90+ from 90"));
	json_object_set_new(d, "dates", json_string("none: event times are hours from the time origin"));
	char txt[300];
	snprintf(txt, sizeof txt,
	         "a site with fewer than %ld cases in a calendar year (of the time origin) is reported as \"other\"; "
	         "merged cases still fewer than %ld in a year are left out",
	         k, k);
	json_object_set_new(d, "small_sites", json_string(txt));
	json_object_set_new(d, "cases_merged_into_other", json_integer((json_int_t)merged));
	json_object_set_new(d, "cases_left_out", json_integer((json_int_t)suppressed));
	json_object_set_new(d, "case_key", json_string("keyed BLAKE2b of the case id under a registry secret: stable "
	                                               "across exports, never the registry id"));
	json_object_set_new(h, "deidentification", d);
	char *line = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(h);
	if (!line || fprintf(w->out, "%s\n", line) < 0)
		w->io_error = 1;
	free(line);
	for (size_t i = 0; i < w->nrows && !w->io_error; i++) {
		if (w->rows[i].site_id == -2)
			continue;
		line = json_dumps(w->rows[i].o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		if (!line || fprintf(w->out, "%s\n", line) < 0)
			w->io_error = 1;
		free(line);
		w->n++;
	}
}

int sm_cmd_export(int argc, char **argv)
{
	const char *db = NULL, *site = NULL, *output = NULL;
	int deid = 0;
	long k_min = 5;
	argc = take_db(argc, argv, &db);
	if (argc < 0) {
		fprintf(stderr, "spinemets export: --db needs a URL\n");
		return SM_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (is_help(argv[i])) {
			export_usage(stdout);
			return SM_EXIT_OK;
		} else if (!strcmp(argv[i], "--deidentified")) {
			deid = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--site")) {
			site = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--output")) {
			output = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--k")) {
			char *end = NULL;
			errno = 0;
			k_min = strtol(argv[++i], &end, 10);
			if (!*argv[i] || *end || errno || k_min < 1 || k_min > 1000) {
				fprintf(stderr, "spinemets export: --k must be a whole number from 1 to 1000\n");
				return SM_EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "spinemets export: bad or incomplete option '%s'\n", argv[i]);
			export_usage(stderr);
			return SM_EXIT_USAGE;
		}
	}
	if (!deid) {
		fprintf(stderr, "spinemets export: only de-identified exports exist: add --deidentified\n");
		return SM_EXIT_USAGE;
	}
	sm_store *st = open_store("export", db, 0);
	if (!st)
		return SM_EXIT_INVALID;
	int status = SM_EXIT_OK;
	export_walk w;
	memset(&w, 0, sizeof w);
	w.st = st;
	sm_store_site s = {0};
	char secret[SM_STORE_TOKEN_SIZE];
	int64_t now = (int64_t)time(NULL);
	FILE *out = NULL;
	if (site && sm_store_site_get(st, site, &s) != SM_STORE_OK) {
		fprintf(stderr, "spinemets export: no site '%s'\n", site);
		status = SM_EXIT_INVALID;
	} else if (sm_store_secret(st, "case_key", now, secret) != SM_STORE_OK) {
		fprintf(stderr, "spinemets export: %s\n", sm_store_errmsg(st));
		status = SM_EXIT_INVALID;
	} else if (!(out = output ? (sm_cli_is_dir(output) ? (errno = EISDIR, NULL) : fopen(output, "w")) : stdout)) {
		fprintf(stderr, "spinemets export: cannot write '%s': %s\n", output, sm_cli_file_error(output, errno));
		status = SM_EXIT_INVALID;
	} else if (!(w.k = malloc(sizeof *w.k))) {
		fprintf(stderr, "spinemets export: out of memory\n");
		status = SM_EXIT_INVALID;
	} else {
		w.out = out;
		w.secret = secret;
		sm_store_status rc = sm_store_case_each(st, NULL, s.id, 0, export_row, &w);
		if (rc != SM_STORE_OK) {
			fprintf(stderr, "spinemets export: %s\n", sm_store_errmsg(st));
			status = SM_EXIT_INVALID;
		} else if (!w.io_error) {
			/* no export without its audit row: written before any case is */
			char detail[200];
			snprintf(detail, sizeof detail, "site %s, %zu cases read, de-identified JSON Lines, k %ld",
			         site ? site : "(all)", w.nrows, k_min);
			sm_store_actor sys = {0, now};
			if (sm_store_audit_add(st, &sys, "export.deidentified", 0, detail) != SM_STORE_OK) {
				fprintf(stderr, "spinemets export: the audit log refused the export's row, so nothing is written: %s\n",
				        sm_store_errmsg(st));
				status = SM_EXIT_INVALID;
			} else {
				export_write(&w, k_min, site);
			}
		}
		for (size_t i = 0; i < w.nrows; i++)
			json_decref(w.rows[i].o);
		free(w.rows);
		if (fflush(out) != 0 || w.io_error) {
			fprintf(stderr, "spinemets export: write error%s%s\n", output ? " on " : "", output ? output : "");
			status = SM_EXIT_INVALID;
		}
		if (!status)
			fprintf(stderr, "spinemets export: %zu case%s written%s%s\n", w.n, w.n == 1 ? "" : "s",
			        output ? " to " : "", output ? output : "");
	}
	if (out && out != stdout && fclose(out) != 0 && !status) {
		fprintf(stderr, "spinemets export: write error on %s\n", output);
		status = SM_EXIT_INVALID;
	}
	memset(secret, 0, sizeof secret);
	free(w.k);
	sm_store_close(st);
	return status;
}
