/*
** ext_seed.c: fill a registry with cases that carry identifiers, through the
** store's own interface (src/store), for the replication test.
**
** usage: ext_seed URL VECTORS.jsonl SITE TAG
** One case per "assess" vector of the file (its input is the clinical
** document), saved at site SITE (created when missing) with identifiers
** {"name": "Zebedee Quixote TAG-n", "hospital_number": "HN-SECRET-TAG-n",
** "phone": "+44 7700 900TAG-n"} and a reason that names the patient too (free
** text, as a clinician may write). The first case gets a second version with
** new identifiers, the last one is deleted (a tombstone whose reason names
** the patient). Prints "cases=N live_versions=M" (M: versions that are not
** tombstones) and exits 0, or the store's message and 1.
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

static int die(sm_store *st, const char *what)
{
	fprintf(stderr, "ext_seed: %s: %s\n", what, st ? sm_store_errmsg(st) : "");
	sm_store_close(st);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: ext_seed URL VECTORS.jsonl SITE TAG\n");
		return 2;
	}
	const char *tag = argv[4];
	char err[512];
	sm_store *st = NULL;
	if (sm_store_open(argv[1], 0, &st, err, sizeof err) != SM_STORE_OK) {
		fprintf(stderr, "ext_seed: open: %s\n", err);
		return 1;
	}
	sm_store_actor sys = {0, (int64_t)time(NULL)};
	sm_store_site site;
	if (sm_store_site_get(st, argv[3], &site) != SM_STORE_OK) {
		int64_t id = 0;
		if (sm_store_site_add(st, argv[3], "Replication test hospital", sys.at, &id) != SM_STORE_OK)
			return die(st, "site add");
		site.id = id;
	}
	FILE *fp = fopen(argv[2], "r");
	if (!fp)
		return die(st, argv[2]);
	char *line = NULL;
	size_t cap = 0;
	int ncases = 0, live = 0;
	int64_t first = 0, last = 0;
	while (getline(&line, &cap, fp) > 0) {
		json_error_t je;
		json_t *v = json_loads(line, 0, &je);
		const char *kind = json_string_value(json_object_get(v, "kind"));
		if (!v || !kind || strcmp(kind, "assess") != 0) {
			json_decref(v);
			continue;
		}
		char *doc = json_dumps(json_object_get(v, "input"), JSON_COMPACT);
		char ident[512], reason[256];
		snprintf(ident, sizeof ident,
		         "{\"name\":\"Zebedee Quixote %s-%d\",\"hospital_number\":\"HN-SECRET-%s-%d\",\"phone\":\"+44 7700 900%s-%d\"}",
		         tag, ncases, tag, ncases, tag, ncases);
		snprintf(reason, sizeof reason, "referral of Zebedee Quixote %s-%d", tag, ncases);
		sm_store_save s = {.site_id = site.id, .identifiers = ident, .document = doc, .reason = reason};
		int64_t id = 0;
		sm_store_status rc = sm_store_case_create(st, &sys, &s, &id);
		free(doc);
		json_decref(v);
		if (rc != SM_STORE_OK) {
			free(line);
			fclose(fp);
			return die(st, "case create");
		}
		if (!first)
			first = id;
		last = id;
		ncases++;
		live++;
	}
	free(line);
	fclose(fp);
	if (ncases < 2)
		return die(st, "fewer than two assess vectors in the file");
	/* a second version of the first case, with new identifiers */
	sm_store_case *c = NULL;
	if (sm_store_case_get(st, &sys, first, 0, 0, &c) != SM_STORE_OK)
		return die(st, "case get");
	char ident[512], reason[256];
	snprintf(ident, sizeof ident, "{\"name\":\"Zebedee Quixote-Renamed %s\",\"hospital_number\":\"HN-SECRET-%s-R\"}", tag, tag);
	snprintf(reason, sizeof reason, "corrected by Dr Quixote for Zebedee Quixote %s", tag);
	sm_store_save s = {.identifiers = ident, .document = c->document, .reason = reason};
	int version = 0;
	sm_store_status rc = sm_store_case_update(st, &sys, first, c->version, &s, &version);
	sm_store_free(c);
	if (rc != SM_STORE_OK)
		return die(st, "case update");
	live++;
	/* the last case deleted: a tombstone */
	snprintf(reason, sizeof reason, "withdrawn at the request of Zebedee Quixote %s", tag);
	if (sm_store_case_delete(st, &sys, last, 1, reason, &version) != SM_STORE_OK)
		return die(st, "case delete");
	sm_store_close(st);
	printf("cases=%d live_versions=%d\n", ncases, live);
	return 0;
}
