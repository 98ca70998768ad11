/*
** score.c: `spinemets score INSTRUMENT` (ARCHITECTURE.md contract 1).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/json_score.h"
#include "spinemets.h"

#define MAX_INPUT (1024 * 1024)

static void score_usage(FILE *f)
{
	fputs("usage: spinemets score [--input FILE] [--format json|text] INSTRUMENT\n"
	      "       spinemets score --list\n"
	      "       spinemets score --items INSTRUMENT\n"
	      "\n"
	      "Reads one JSON object of item values (from standard input, or FILE) and prints\n"
	      "the result: JSON by default (status ok, incomplete or invalid), or a short\n"
	      "report with --format text. Missing items are never counted as 0: the result is\n"
	      "'incomplete' with the range of totals still possible.\n"
	      "\n"
	      "Options:\n"
	      "  --input FILE      read FILE instead of standard input ('-' = stdin)\n"
	      "  --format FORMAT   json (default) or text\n"
	      "  --list            list the instruments with their definitions and citations\n"
	      "  --items           list the items of INSTRUMENT and their allowed values\n"
	      "  --help            this help\n"
	      "\n"
	      "\n", f);
	sm_cli_instrument_list(f);
	fputs("\n"
	      "Exit status: 0 ok or incomplete, 1 invalid input, 2 usage error.\n"
	      "Example: echo '{\"level\":\"L1\",\"pain\":\"mechanical\"}' | spinemets score sins\n", f);
}

void sm_cli_instrument_list(FILE *f)
{
	const char *head = "Instruments:";
	size_t col = strlen(head);
	fputs(head, f);
	for (size_t k = 0; k < sm_instrument_count(); k++) {
		const char *name = sm_instrument_name(sm_instrument_at(k));
		if (col + 1 + strlen(name) > 79) {
			fputs("\n ", f);
			col = 1;
		}
		fprintf(f, " %s", name);
		col += 1 + strlen(name);
	}
	fputc('\n', f);
}

static void list_instruments(void)
{
	for (size_t k = 0; k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		printf("%-18s %-16s %s\n", sm_instrument_name(in), sm_instrument_definition(in), sm_instrument_title(in));
		printf("%-18s %-16s %s\n", "", "", sm_instrument_citation(in));
	}
}

static void list_items(const sm_instrument *inst)
{
	printf("%s (%s): %s\n", sm_instrument_name(inst), sm_instrument_definition(inst), sm_instrument_title(inst));
	for (size_t k = 0; k < sm_instrument_item_count(inst); k++) {
		const sm_item *it = sm_instrument_item(inst, k);
		printf("  %-30s %s\n", it->key, it->help);
		switch (it->type) {
		case SM_T_ENUM:
			for (size_t c = 0; c < it->nchoices; c++)
				printf("  %-30s   \"%s\": %s\n", "", it->choices[c].key, it->choices[c].text);
			break;
		case SM_T_INT:
			if (it->max >= 1e9)
				printf("  %-30s   integer >= %.0f\n", "", it->min);
			else
				printf("  %-30s   integer %.0f..%.0f%s\n", "", it->min, it->max, it->step > 1 ? " in steps of 10" : "");
			break;
		case SM_T_NUMBER:
			printf("  %-30s   number %g..%g\n", "", it->min, it->max);
			break;
		case SM_T_BOOL:
			printf("  %-30s   true or false\n", "");
			break;
		case SM_T_HISTOLOGY:
			printf("  %-30s   a histology key:", "");
			for (size_t h = 0; h < sm_histology_count(); h++)
				printf(" %s", sm_histology_at(h)->key);
			printf("\n");
			break;
		case SM_T_LEVEL:
			printf("  %-30s   Occ, C1-C7, T1-T12, L1-L5, S1-S5, or a range such as T2-T3\n", "");
			break;
		}
	}
	printf("bands:\n");
	for (size_t b = 0; b < sm_instrument_band_count(inst); b++) {
		const sm_band_def *d = sm_instrument_band(inst, b);
		if (sm_instrument_is_grade(inst))
			printf("  %-22s %s\n", d->key, d->meaning);
		else
			printf("  %2d-%-2d %-22s %s\n", d->lo, d->hi, d->key, d->meaning);
	}
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void value_text(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else
		snprintf(buf, n, "(not given)");
}

static void print_text(const json_t *r)
{
	const char *status = jstr(r, "status");
	json_t *total = json_object_get(r, "total"), *range = json_object_get(r, "range");
	size_t k;
	json_t *x;
	printf("%s  [%s, definition %s]\n", jstr(r, "instrument"), status, jstr(r, "definition"));
	json_t *comps = json_object_get(r, "components");
	if (json_array_size(comps)) {
		printf("\n  %-30s %-22s %s\n", "item", "value", "points");
		json_array_foreach(comps, k, x) {
			char val[64], pts[32];
			value_text(json_object_get(x, "value"), val, sizeof val);
			json_t *p = json_object_get(x, "points"), *rg = json_object_get(x, "range");
			if (json_is_integer(p))
				snprintf(pts, sizeof pts, "%lld", (long long)json_integer_value(p));
			else if (rg)
				snprintf(pts, sizeof pts, "%lld-%lld", (long long)json_integer_value(json_array_get(rg, 0)),
				         (long long)json_integer_value(json_array_get(rg, 1)));
			else
				snprintf(pts, sizeof pts, "-");
			printf("  %-30s %-22s %s\n", jstr(x, "item"), val, pts);
			printf("  %-30s   %s\n", "", jstr(x, "explanation"));
		}
	}
	printf("\n");
	if (json_is_integer(total))
		printf("Total: %lld\n", (long long)json_integer_value(total));
	else if (range)
		printf("Total: not yet known, %lld to %lld\n", (long long)json_integer_value(json_array_get(range, 0)),
		       (long long)json_integer_value(json_array_get(range, 1)));
	if (json_object_get(r, "grade"))
		printf("Grade: %s\n", jstr(r, "grade"));
	json_t *poss = json_object_get(r, "possible");
	if (json_array_size(poss)) {
		printf("Grades still possible:");
		json_array_foreach(poss, k, x) printf(" %s", json_string_value(x));
		printf("\n");
	}
	if (json_is_string(json_object_get(r, "band")))
		printf("Band: %s: %s\n", jstr(r, "band"), jstr(r, "band_meaning"));
	else if (strcmp(status, "invalid") != 0)
		printf("Band: not decided yet\n");
	json_t *miss = json_object_get(r, "missing");
	if (json_array_size(miss)) {
		printf("Missing:");
		json_array_foreach(miss, k, x) printf(" %s", json_string_value(x));
		printf("\n");
	}
	json_t *errs = json_object_get(r, "errors");
	json_array_foreach(errs, k, x) printf("Error at %s: %s\n", *jstr(x, "path") ? jstr(x, "path") : "(document)", jstr(x, "message"));
	json_t *flags = json_object_get(r, "flags");
	if (json_array_size(flags)) {
		printf("Flags:");
		json_array_foreach(flags, k, x) printf(" %s", json_string_value(x));
		printf("\n");
	}
	json_array_foreach(json_object_get(r, "notes"), k, x) printf("Note: %s\n", json_string_value(x));
	printf("\n%s\n", jstr(r, "interpretation"));
	printf("\nSource: %s\n", jstr(r, "citation"));
	printf("Decision support for qualified clinicians, never a diagnosis.\n");
}

int sm_cmd_score(int argc, char **argv)
{
	const char *input = "-", *format = "json", *name = NULL;
	int list = 0, items = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			score_usage(stdout);
			return SM_EXIT_OK;
		} else if (strcmp(a, "--list") == 0) {
			list = 1;
		} else if (strcmp(a, "--items") == 0) {
			items = 1;
		} else if (strcmp(a, "--input") == 0 || strcmp(a, "--format") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "spinemets score: %s needs a value\n", a);
				return SM_EXIT_USAGE;
			}
			if (a[2] == 'i')
				input = argv[++i];
			else
				format = argv[++i];
		} else if (strncmp(a, "--input=", 8) == 0) {
			input = a + 8;
		} else if (strncmp(a, "--format=", 9) == 0) {
			format = a + 9;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "spinemets score: unknown option '%s'\n", a);
			score_usage(stderr);
			return SM_EXIT_USAGE;
		} else if (!name) {
			name = a;
		} else {
			fprintf(stderr, "spinemets score: unexpected argument '%s'\n", a);
			return SM_EXIT_USAGE;
		}
	}
	if (list) {
		list_instruments();
		return SM_EXIT_OK;
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		fprintf(stderr, "spinemets score: --format must be json or text, not '%s'\n", format);
		return SM_EXIT_USAGE;
	}
	if (!name) {
		fprintf(stderr, "spinemets score: name an instrument (spinemets score --list)\n");
		score_usage(stderr);
		return SM_EXIT_USAGE;
	}
	const sm_instrument *inst = sm_instrument_find(name);
	if (!inst) {
		fprintf(stderr, "spinemets score: unknown instrument '%s'; one of:", name);
		for (size_t k = 0; k < sm_instrument_count(); k++)
			fprintf(stderr, " %s", sm_instrument_name(sm_instrument_at(k)));
		fprintf(stderr, "\n");
		return SM_EXIT_USAGE;
	}
	if (items) {
		list_items(inst);
		return SM_EXIT_OK;
	}
	char err[256];
	size_t len = 0;
	char *text = sm_read_all(input, MAX_INPUT, &len, err, sizeof err);
	if (!text) {
		fprintf(stderr, "spinemets score: %s\n", err);
		return SM_EXIT_USAGE;
	}
	sm_result_status st = SM_RESULT_INVALID;
	if (strcmp(format, "text") == 0) {
		json_t *res = sm_json_score_text(inst, text, len, &st);
		free(text);
		if (!res) {
			fprintf(stderr, "spinemets score: out of memory\n");
			return SM_EXIT_USAGE;
		}
		print_text(res);
		json_decref(res);
	} else {
		/* the JSON as written, indented like SM_JSON_DUMP_FLAGS */
		sm_jw w;
		sm_jw_init(&w, 2);
		sm_score_json_text(&w, inst, text, len, &st);
		free(text);
		size_t n = 0;
		char *out = sm_jw_finish(&w, &n);
		if (!out) {
			fprintf(stderr, "spinemets score: out of memory\n");
			return SM_EXIT_USAGE;
		}
		fwrite(out, 1, n, stdout);
		fputc('\n', stdout);
		free(out);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "spinemets score: cannot write the result\n");
		return SM_EXIT_USAGE;
	}
	return st == SM_RESULT_INVALID ? SM_EXIT_INVALID : SM_EXIT_OK;
}
