/*
** assess.c: `spinemets assess [FILE|-]` and `spinemets rules`.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/fhir.h"
#include "io/json_case.h"
#include "io/json_score.h"
#include "spinemets.h"

#define MAX_CASE (4 * 1024 * 1024)

static void assess_usage(FILE *f)
{
	fputs("usage: spinemets assess [--json] [FILE|-]\n"
	      "\n"
	      "Reads one case (schema spinemets/case/1, see docs/case-format.md) from FILE or\n"
	      "standard input and prints a one-screen report for a person: triage first (urgency,\n"
	      "time targets, dexamethasone, actions), then the NOMS assessments (neurologic,\n"
	      "oncologic, mechanical, systemic) with the options and their reasons, surgery\n"
	      "eligibility (Patchell), the work-up, differential cues, paediatric notes, the care\n"
	      "plan (now, during and after treatment, each item with its CARE rule ids and sources),\n"
	      "warnings and the rules that fired with their REFERENCE.md sections.\n"
	      "\n"
	      "Options:\n"
	      "  --json    print the whole assessment as JSON (KEYS.md §4)\n"
	      "  --fhir FILE  also write the assessment as a FHIR R4 Bundle to FILE (docs/fhir.md)\n"
	      "  --help    this help\n"
	      "\n"
	      "Exit status: 0 assessed, 1 invalid case (errors name the JSON path), 2 usage error.\n"
	      "Decision support for qualified clinicians, never a diagnosis.\n", f);
}

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void print_reasons(const json_t *list, const char *indent)
{
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r) printf("%s- %s [%s, REFERENCE %s; framework: %s]\n", indent, js(r, "text"), js(r, "rule"), js(r, "source"), js(r, "framework"));
}

static void print_keyed(const char *title, const json_t *keys, const json_t *reasons)
{
	size_t i;
	json_t *k;
	if (!json_array_size(keys))
		return;
	printf("\n%s\n", title);
	json_array_foreach(keys, i, k) {
		printf("  * %s\n", json_string_value(k));
		print_reasons(json_object_get(reasons, json_string_value(k)), "      ");
	}
}

static void score_line(const char *name, const json_t *r)
{
	if (!r)
		return;
	const char *status = js(r, "status");
	json_t *total = json_object_get(r, "total"), *range = json_object_get(r, "range");
	printf("  %-18s ", name);
	if (json_is_integer(total))
		printf("%-8lld", (long long)json_integer_value(total));
	else if (json_is_string(json_object_get(r, "grade")))
		printf("%-8s", js(r, "grade"));
	else if (range)
		printf("%lld-%-5lld", (long long)json_integer_value(json_array_get(range, 0)), (long long)json_integer_value(json_array_get(range, 1)));
	else
		printf("%-8s", "-");
	printf(" %-24s %s", json_is_string(json_object_get(r, "band")) ? js(r, "band") : "(band open)", strcmp(status, "ok") ? status : "");
	json_t *flags = json_object_get(r, "flags");
	size_t i;
	json_t *f;
	json_array_foreach(flags, i, f) printf(" [%s]", json_string_value(f));
	printf("\n");
}

/* The care plan (REFERENCE §16), grouped by phase; each item with its rules,
** their REFERENCE sections and sources. */
static void print_care_plan(const json_t *cp)
{
	static const char *const phases[] = {"now", "during", "after"};
	static const char *const titles[] = {"Now", "During treatment", "After treatment"};
	size_t i, j;
	json_t *it, *r, *x;
	if (!cp)
		return;
	printf("\nCARE PLAN (REFERENCE §16; \"check\": could not be decided, see what is missing)\n");
	for (size_t p = 0; p < 3; p++) {
		int shown = 0;
		json_array_foreach(json_object_get(cp, "items"), i, it) {
			if (strcmp(js(it, "phase"), phases[p]) != 0)
				continue;
			if (!shown++)
				printf("  %s\n", titles[p]);
			printf("  * %s%s [age scope: %s]\n", js(it, "key"), json_is_true(json_object_get(it, "check")) ? " (check)" : "",
			       js(it, "age_scope"));
			printf("      %s\n", js(it, "text"));
			json_array_foreach(json_object_get(it, "rules"), j, r)
				printf("      - %s%s [REFERENCE %s; %s; age scope: %s]\n", js(r, "id"),
				       json_is_true(json_object_get(r, "check")) ? " (check)" : "", js(r, "section"), js(r, "source"),
				       js(r, "age_scope"));
		}
	}
	json_t *oc = json_object_get(cp, "outcomes_to_record");
	if (json_array_size(oc)) {
		printf("  Outcomes to record for the registry:");
		json_array_foreach(oc, i, x) printf(" %s", json_string_value(x));
		printf("\n");
	}
	json_int_t dropped = json_integer_value(json_object_get(cp, "dropped"));
	if (dropped || json_is_true(json_object_get(cp, "truncated")))
		printf("  ! %lld care-plan rule(s) did not fit (truncated: %s): report this as a bug.\n", (long long)dropped,
		       json_is_true(json_object_get(cp, "truncated")) ? "yes" : "no");
}

static void print_report(const json_t *a)
{
	const json_t *t = json_object_get(a, "triage");
	size_t i;
	json_t *x;
	printf("SPINEMETS ASSESSMENT (engine %s): decision support, not a diagnosis\n", js(a, "engine_version"));
	printf("======================================================================\n");
	const char *urg = js(t, "urgency");
	printf("TRIAGE: %s", strcmp(urg, "emergency") == 0 ? "EMERGENCY (suspected MSCC)" : strcmp(urg, "urgent") == 0 ? "URGENT (suspected spinal metastases)" : "routine");
	json_t *contact = json_object_get(t, "contact_within_hours"), *mri = json_object_get(t, "mri_within_hours");
	if (json_is_integer(contact))
		printf("  | coordinator: %s", json_integer_value(contact) == 0 ? "now" : "within 24 h");
	if (json_is_integer(mri))
		printf("  | MRI: within %s", json_integer_value(mri) == 4 ? "4 h" : json_integer_value(mri) == 24 ? "24 h" : "1 week");
	const char *dex = js(t, "dexamethasone");
	printf("\nDexamethasone: %s\n",
	       strcmp(dex, "give_16mg") == 0 ? "give 16 mg as soon as possible (unless contraindicated)"
	       : strcmp(dex, "seek_haematology_advice_first") == 0 ? "seek haematology advice and tissue first (give at once if neurology deteriorates)"
	       : strcmp(dex, "per_paediatric_protocol") == 0 ? "per the paediatric oncology protocol (never a weight-scaled adult dose)"
	       : strcmp(dex, "discuss_with_team_now") == 0 ? "discuss with the spinal/oncology team now (never delay MRI or transfer for it)"
	       : "not routinely indicated");
	if (json_is_string(json_object_get(t, "dexamethasone_rule")))
		printf("  (steroid advice set by %s)\n", js(t, "dexamethasone_rule"));
	print_keyed("Mimic flags (beside the triage; they never lower it)", json_object_get(t, "mimics"), json_object_get(t, "mimic_reasons"));
	if (json_is_true(json_object_get(t, "adolescent")))
		printf("Adolescent (16-17): adult and paediatric rules both shown; confirm the protocol.\n");
	printf("Why:\n");
	print_reasons(json_object_get(t, "reasons"), "  ");
	print_keyed("Actions", json_object_get(t, "actions"), json_object_get(t, "action_reasons"));

	const json_t *n = json_object_get(a, "noms");
	const json_t *nr = json_object_get(n, "assessment_reasons");
	static const char *const dims[4] = {"neurologic", "oncologic", "mechanical", "systemic"};
	static const char *const letters[4] = {"N", "O", "M", "S"};
	printf("\nNOMS\n");
	for (int d = 0; d < 4; d++) {
		json_t *v = json_object_get(n, dims[d]);
		printf("  %s %-11s %s\n", letters[d], dims[d], json_is_string(v) ? json_string_value(v) : "not known");
		print_reasons(json_object_get(nr, dims[d]), "      ");
	}
	print_keyed("Options to discuss (with their reasons; each reason names the framework that put the option there)", json_object_get(n, "options"), json_object_get(n, "reasons"));
	json_t *refs = json_object_get(n, "referrals");
	if (json_array_size(refs)) {
		printf("  Referrals:");
		json_array_foreach(refs, i, x) printf(" %s", json_string_value(x));
		printf("\n");
	}

	const json_t *s = json_object_get(a, "surgery");
	printf("\nSURGERY (Patchell 2005 criteria): %s\n", !json_is_true(json_object_get(s, "applicable")) ? "not applicable"
	       : json_is_true(json_object_get(s, "patchell_eligible")) ? "all criteria hold"
	       : json_is_true(json_object_get(s, "undetermined")) ? "not yet decidable" : "not all criteria hold");
	if (json_is_true(json_object_get(s, "applicable")))
		json_array_foreach(json_object_get(s, "reasons"), i, x) printf("  [%-7s] %s\n",
			strcmp(js(x, "status"), "not_met") == 0 ? "not met" : js(x, "status"), js(x, "text"));
	printf("  %s\n", js(s, "note"));

	const json_t *les = json_object_get(a, "lesions");
	const json_t *sc = json_object_get(a, "scores");
	printf("\nSCORES\n");
	json_array_foreach(les, i, x) {
		char name[64];
		snprintf(name, sizeof name, "SINS %s%s", js(x, "level"), json_is_true(json_object_get(x, "index")) ? "*" : "");
		score_line(name, json_object_get(x, "sins"));
		snprintf(name, sizeof name, "ESCC %s", js(x, "level"));
		score_line(name, json_object_get(x, "escc"));
	}
	if (json_is_true(json_object_get(sc, "computed"))) {
		/* every score the assessment carries, in its order (no list typed here) */
		const char *name;
		json_t *res;
		json_object_foreach((json_t *)sc, name, res)
			if (json_is_object(res))
				score_line(name, res);
	} else {
		printf("  %s\n", js(sc, "reason"));
	}
	print_keyed("WORK-UP", json_object_get(a, "workup"), json_object_get(a, "workup_reasons"));
	print_keyed("DIFFERENTIAL CUES", json_object_get(a, "differential"), json_object_get(a, "differential_reasons"));
	json_t *pc = json_object_get(a, "primary_candidates");
	if (json_array_size(pc)) {
		printf("\nLikely primaries, most likely first:");
		json_array_foreach(pc, i, x) printf(" %s", json_string_value(x));
		printf("\n");
	}
	json_t *pd = json_object_get(a, "paediatric");
	if (pd) {
		printf("\nPAEDIATRIC (age under 18): performance scale %s\n", js(pd, "scale"));
		json_array_foreach(json_object_get(pd, "notes"), i, x) printf("  - %s\n", json_string_value(x));
	}
	print_care_plan(json_object_get(a, "care_plan"));
	json_t *w = json_object_get(a, "warnings");
	if (json_array_size(w)) {
		printf("\nWARNINGS\n");
		json_array_foreach(w, i, x) printf("  ! %s\n", json_string_value(x));
	}
	printf("\nRules that fired:");
	json_array_foreach(json_object_get(a, "rules"), i, x) printf(" %s", json_string_value(x));
	printf("\nSources: ../shared/clinical/REFERENCE.md sections as cited; spinemets rules lists every rule.\n");
	printf("%s\n", js(a, "disclaimer"));
}

int sm_cmd_assess(int argc, char **argv)
{
	const char *input = NULL;
	int as_json = 0;
	const char *fhir_out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			assess_usage(stdout);
			return SM_EXIT_OK;
		} else if (strcmp(a, "--json") == 0) {
			as_json = 1;
		} else if (strcmp(a, "--fhir") == 0 && i + 1 < argc) {
			fhir_out = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "spinemets assess: unknown option '%s'\n", a);
			assess_usage(stderr);
			return SM_EXIT_USAGE;
		} else if (!input) {
			input = a;
		} else {
			fprintf(stderr, "spinemets assess: unexpected argument '%s'\n", a);
			return SM_EXIT_USAGE;
		}
	}
	char err[256];
	size_t len = 0;
	char *text = sm_read_all(input ? input : "-", MAX_CASE, &len, err, sizeof err);
	if (!text) {
		fprintf(stderr, "spinemets assess: %s\n", err);
		return SM_EXIT_USAGE;
	}
	sm_case *c = malloc(sizeof *c);
	sm_assessment *a = malloc(sizeof *a);
	if (!c || !a) {
		free(text);
		free(c);
		free(a);
		fprintf(stderr, "spinemets assess: out of memory\n");
		return SM_EXIT_USAGE;
	}
	json_t *errors = sm_json_read_case(text, len, c);
	int rc = errors && json_array_size(errors) ? SM_EXIT_INVALID : SM_EXIT_OK;
	int ok = errors != NULL;
	if (ok && rc == SM_EXIT_OK)
		sm_assess(c, a);
	if (ok && rc == SM_EXIT_OK && fhir_out && sm_fhir_write(fhir_out, text, len, c, a) != 0)
		rc = SM_EXIT_USAGE; /* the report is still printed; the message names the file */
	free(text);
	if (!ok) {
		/* out of memory, reported below */
	} else if (as_json) {
		/* written straight to text, as json_dumpf(SM_JSON_DUMP_FLAGS) printed the tree */
		sm_jw w;
		sm_jw_init(&w, 2);
		if (rc == SM_EXIT_INVALID)
			sm_jw_case_invalid(&w, errors);
		else
			sm_jw_assessment(&w, c, a);
		size_t n = 0;
		char *out = sm_jw_finish(&w, &n);
		ok = out != NULL;
		if (out) {
			fwrite(out, 1, n, stdout);
			fputc('\n', stdout);
			free(out);
		}
	} else if (rc == SM_EXIT_INVALID) {
		size_t i;
		json_t *e;
		printf("The case is not valid; nothing was assessed:\n");
		json_array_foreach(errors, i, e)
			printf("  %s: %s\n", *js(e, "path") ? js(e, "path") : "(document)", js(e, "message"));
	} else {
		json_t *doc = sm_json_assessment(c, a);
		ok = doc != NULL;
		if (doc)
			print_report(doc);
		json_decref(doc);
	}
	json_decref(errors);
	free(c);
	free(a);
	if (!ok) {
		fprintf(stderr, "spinemets assess: out of memory\n");
		return SM_EXIT_USAGE;
	}
	if (fflush(stdout) != 0)
		return SM_EXIT_USAGE;
	return rc;
}

int sm_cmd_rules(int argc, char **argv)
{
	int markdown = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--markdown") == 0)
			markdown = 1;
		else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: spinemets rules [--markdown]\n\nLists every decision rule of `spinemets assess`: id, REFERENCE.md section, source, text,\nthen the care-plan rules (CARE-...).\n--markdown prints the tables that docs/rules.md holds.\n");
			return SM_EXIT_OK;
		} else {
			fprintf(stderr, "spinemets rules: unknown argument '%s'\n", argv[i]);
			return SM_EXIT_USAGE;
		}
	}
	if (markdown) {
		printf("# spinemets decision rules\n\n"
		       "Generated by `spinemets rules --markdown` from the rule table the engine uses\n"
		       "(`src/core/rules.h`); do not edit by hand (`make check` verifies it is current).\n"
		       "Every rule id that `spinemets assess --json` lists in `rules` is here, with the\n"
		       "section of `../shared/clinical/REFERENCE.md` it comes from, the age scope of its\n"
		       "source (REFERENCE §15.18: a rule is never applied outside it; ages 16-17 see the\n"
		       "adult and the paediatric rules, flagged) and the framework that puts an option\n"
		       "there (NOMS, Patchell, NICE, §15, ...).\n\n"
		       "| id | REFERENCE | age scope | framework | source | rule |\n|---|---|---|---|---|---|\n");
		for (size_t k = 0; k < sm_rule_count(); k++) {
			const sm_rule *r = sm_rule_at(k);
			printf("| `%s` | %s | %s | %s | %s | %s |\n", r->id, r->section, sm_age_scope_name(r->scope), r->framework, r->source, r->text);
		}
		printf("\n## Care-plan rules (REFERENCE §16)\n\n"
		       "Every assessment carries a care plan (`care_plan` in the JSON, CARE PLAN in the\n"
		       "report); these rows build it, from `src/core/careplan.c`. A base row decides\n"
		       "whether its item appears; an addon row adds to an item already there. A row\n"
		       "outside the patient's age scope is never applied. A condition that cannot be\n"
		       "decided because an input is missing gives a *check* (the item says what is\n"
		       "missing) when \"if unknown\" says check; otherwise the row waits for the input.\n"
		       "See docs/care-plan.md.\n\n"
		       "| id | item | phase | row | age scope | when | if unknown | REFERENCE | source | text |\n"
		       "|---|---|---|---|---|---|---|---|---|---|\n");
		for (size_t k = 0; k < sm_care_rule_count(); k++) {
			const sm_care_rule *c = sm_care_rule_at(k);
			printf("| `%s` | `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", c->rule.id, c->key,
			       sm_care_phase_name(c->phase), c->addon ? "addon" : "base", c->age_scope, c->when,
			       c->check_if_unknown ? "check" : "wait", c->rule.section, c->rule.source, c->rule.text);
		}
		return SM_EXIT_OK;
	}
	for (size_t k = 0; k < sm_rule_count(); k++) {
		const sm_rule *r = sm_rule_at(k);
		printf("%-16s %-16s %s\n%-16s %-16s %s\n", r->id, r->section, r->text, "", "", r->source);
	}
	for (size_t k = 0; k < sm_care_rule_count(); k++) {
		const sm_care_rule *c = sm_care_rule_at(k);
		printf("%-16s %-16s %s\n%-16s %-16s %s (care plan: %s, %s, %s)\n", c->rule.id, c->rule.section, c->rule.text, "", "",
		       c->rule.source, c->key, sm_care_phase_name(c->phase), c->age_scope);
	}
	return SM_EXIT_OK;
}
