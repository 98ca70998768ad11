/*
** fhir.c: `spinemets fhir import BUNDLE.json [--at DATE] [--case-only]`
** (docs/fhir.md): a FHIR R4 Bundle -> a spinemets case with provenance.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>

#include "cli/cli.h"
#include "io/fhir.h"
#include "io/json_case.h"
#include "spinemets.h"

static void fhir_usage(FILE *f)
{
	fputs("usage: spinemets fhir import [--at YYYY-MM-DD] [--case-only] [BUNDLE.json|-]\n"
	      "       spinemets fhir codes   (the code tables the importer reads, as Markdown)\n"
	      "\n"
	      "Reads a FHIR R4 Bundle (mCODE STU4 profiles where present, plain R4 otherwise) and\n"
	      "prints a spinemets case (docs/case-format.md) with its provenance: for every case\n"
	      "field the resource and element it came from, and every resource or element not\n"
	      "used with the reason. Unknown codes, unconvertible units and ECOG 5 are reported,\n"
	      "never guessed. See docs/fhir.md.\n"
	      "\n"
	      "Options:\n"
	      "  --at DATE     the assessment date for ages and months since diagnosis (default: today, UTC)\n"
	      "  --case-only   print only the case (for `spinemets assess -`)\n"
	      "  --help        this help\n"
	      "\n"
	      "Exit status: 0 imported, 1 the Bundle cannot be read (errors name the JSON path), 2 usage.\n", f);
}

static const char *kind_name(sm_code_kind k)
{
	switch (k) {
	case SM_CODE_PRIMARY: return "primary cancer -> /cancer/primary";
	case SM_CODE_SECONDARY: return "metastasis, site from bodySite";
	case SM_CODE_SECONDARY_BONE: return "bone metastasis, site from bodySite";
	case SM_CODE_SECONDARY_SPINE: return "vertebral metastasis, level from bodySite";
	case SM_CODE_SECONDARY_VISCERAL: return "visceral metastasis -> /systemic/visceral_metastases";
	case SM_CODE_SECONDARY_BRAIN: return "brain metastasis -> /systemic/brain_metastases";
	case SM_CODE_SECONDARY_NODE: return "lymph-node metastasis (no case field)";
	case SM_CODE_SITE_LEVEL: return "body site: vertebra -> /lesions/N/level";
	case SM_CODE_SITE_SPINE: return "body site: spine, level not coded (reported)";
	case SM_CODE_SITE_BONE: return "body site: bone outside the spine -> /systemic/extraspinal_bone_metastases";
	case SM_CODE_SITE_VISCERAL: return "body site: viscus -> /systemic/visceral_metastases";
	case SM_CODE_SITE_BRAIN: return "body site: brain -> /systemic/brain_metastases";
	}
	return "?";
}

/* `spinemets fhir codes`: the core's code tables as Markdown (docs/fhir.md) */
static int fhir_codes(void)
{
	printf("| system | code | meaning | read as | value |\n|---|---|---|---|---|\n");
	for (size_t k = 0; k < sm_code_map_count(); k++) {
		const sm_code_map *r = sm_code_map_at(k);
		printf("| %s | `%s`%s | %s | %s | %s |\n", sm_code_system_uri(r->system), r->code, r->prefix ? " (and sub-codes)" : "",
		       r->display, kind_name(r->kind), *r->value ? r->value : "");
	}
	printf("\n| system | code | meaning | case field | units read (factor to the case unit) |\n|---|---|---|---|---|\n");
	for (size_t k = 0; k < sm_obs_map_count(); k++) {
		const sm_obs_map *o = sm_obs_map_at(k);
		printf("| %s | `%s` | %s | `%s` |", sm_code_system_uri(o->system), o->code, o->display, o->path);
		for (size_t u = 0; u < sm_unit_map_count(); u++) {
			const sm_unit_map *um = sm_unit_map_at(u);
			if (um->field == o->field)
				printf(" `%s` x%.6g", *um->ucum ? um->ucum : "(none)", um->factor);
		}
		printf(" |\n");
	}
	return SM_EXIT_OK;
}

int sm_cmd_fhir(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fhir_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? SM_EXIT_USAGE : SM_EXIT_OK;
	}
	if (strcmp(argv[1], "codes") == 0)
		return fhir_codes();
	if (strcmp(argv[1], "import") != 0) {
		fprintf(stderr, "spinemets fhir: unknown subcommand '%s'\n", argv[1]);
		fhir_usage(stderr);
		return SM_EXIT_USAGE;
	}
	const char *input = NULL, *at = NULL;
	int case_only = 0;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fhir_usage(stdout);
			return SM_EXIT_OK;
		} else if (strcmp(a, "--at") == 0) {
			if (++i >= argc) {
				fprintf(stderr, "spinemets fhir import: --at needs a date YYYY-MM-DD\n");
				return SM_EXIT_USAGE;
			}
			at = argv[i];
		} else if (strcmp(a, "--case-only") == 0) {
			case_only = 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "spinemets fhir import: unknown option '%s'\n", a);
			fhir_usage(stderr);
			return SM_EXIT_USAGE;
		} else if (!input) {
			input = a;
		} else {
			fprintf(stderr, "spinemets fhir import: unexpected argument '%s'\n", a);
			return SM_EXIT_USAGE;
		}
	}
	char today[16];
	if (!at) {
		time_t now = time(NULL);
		struct tm tmv;
		gmtime_r(&now, &tmv);
		strftime(today, sizeof today, "%Y-%m-%d", &tmv);
		at = today;
	}
	char err[256];
	size_t len = 0;
	char *text = sm_read_all(input ? input : "-", SM_FHIR_MAX_BYTES, &len, err, sizeof err);
	if (!text) {
		fprintf(stderr, "spinemets fhir import: %s\n", err);
		return SM_EXIT_USAGE;
	}
	json_t *doc = sm_fhir_import(text, len, at);
	free(text);
	if (!doc) {
		fprintf(stderr, "spinemets fhir import: out of memory\n");
		return SM_EXIT_USAGE;
	}
	int rc = strcmp(json_string_value(json_object_get(doc, "status")), "ok") == 0 ? SM_EXIT_OK : SM_EXIT_INVALID;
	if (rc == SM_EXIT_INVALID) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(doc, "errors"), i, e) {
			const char *p = json_string_value(json_object_get(e, "path"));
			if (p && strcmp(p, "") == 0 && strstr(json_string_value(json_object_get(e, "message")), "assessment date"))
				rc = SM_EXIT_USAGE;
			fprintf(stderr, "spinemets fhir import: %s: %s\n", p && *p ? p : "(document)",
			        json_string_value(json_object_get(e, "message")));
		}
	}
	const json_t *out = case_only && rc == SM_EXIT_OK ? json_object_get(doc, "case") : doc;
	char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	if (s) {
		puts(s);
		free(s);
	}
	json_decref(doc);
	if (fflush(stdout) != 0 || !s)
		return SM_EXIT_USAGE;
	return rc;
}

int sm_fhir_write(const char *path, const char *text, size_t len, const sm_case *c, const sm_assessment *a)
{
	json_t *case_doc = json_loadb(text, len, 0, NULL);
	json_t *doc = sm_json_assessment(c, a);
	json_t *bundle = doc ? sm_fhir_bundle(doc, case_doc) : NULL;
	json_decref(case_doc);
	json_decref(doc);
	if (!bundle) {
		fprintf(stderr, "spinemets assess: out of memory\n");
		return -1;
	}
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!f) {
		fprintf(stderr, "spinemets assess: cannot write '%s': %s\n", path, sm_cli_file_error(path, errno));
		json_decref(bundle);
		return -1;
	}
	int rc = json_dumpf(bundle, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	if (rc == 0 && fputc('\n', f) == EOF)
		rc = -1;
	if (f != stdout && fclose(f) != 0)
		rc = -1;
	json_decref(bundle);
	if (rc != 0)
		fprintf(stderr, "spinemets assess: write error on '%s'\n", path);
	return rc;
}
