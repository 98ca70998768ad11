/*
** main.c: the spinemets program, a thin door onto the core.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include "cli/cli.h"
#include "spinemets.h"

static void usage(FILE *f)
{
	fputs("usage: spinemets [--version] [--help] COMMAND [ARGS]\n"
	      "\n"
	      "Clinical decision support for metastatic spinal tumours (adults and children).\n"
	      "Decision support for qualified clinicians, never a diagnosis.\n"
	      "\n"
	      "Commands:\n"
	      "  score INSTRUMENT   score one instrument from a JSON object of item values\n"
	      "  score --list       list the instruments, their definitions and citations\n"
	      "  assess [FILE|-]    assess one case: triage, NOMS, surgery, work-up, paediatric\n"
	      "  rules              list every decision rule with its REFERENCE.md section\n"
	      "  serve              the web page and JSON API with the registry (http://127.0.0.1:8080/)\n"
	      "  batch FILE.csv     score every row of a CSV file (--instrument LIST; research cohorts)\n"
	      "  validate FILE.csv  survival by score in a cohort: Kaplan-Meier, log-rank, C-index\n"
	      "  db migrate|check   the registry database: schema migrations, integrity check\n"
	      "  site add CODE NAME add a site (hospital); 'site list'\n"
	      "  user add NAME ...  add a user with a role; 'user token NAME' prints an API token\n"
	      "  export --deidentified  the registry as de-identified JSON Lines\n"
	      "  fhir import BUNDLE  a FHIR R4 Bundle as a case, with the source of every value\n"
	      "\n"
	      "Run 'spinemets COMMAND --help' for a command's options; 'man spinemets' (docs/spinemets.1).\n", f);
}

static void version(void)
{
	printf("spinemets %s (engine %s)\n", SM_ENGINE_VERSION, SM_ENGINE_VERSION);
	printf("instrument definitions:\n");
	for (size_t k = 0; k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		printf("  %-18s %s\n", sm_instrument_name(in), sm_instrument_definition(in));
	}
}

char *sm_read_all(const char *path, size_t cap, size_t *len, char *err, size_t errsz)
{
	FILE *f = stdin;
	if (path && strcmp(path, "-") != 0) {
		if (sm_cli_is_dir(path)) {
			snprintf(err, errsz, "cannot open '%s': %s", path, SM_CLI_IS_DIR_TEXT);
			return NULL;
		}
		f = fopen(path, "rb");
		if (!f) {
			snprintf(err, errsz, "cannot open '%s': %s", path, sm_cli_file_error(path, errno));
			return NULL;
		}
	}
	size_t n = 0, size = 4096;
	char *buf = malloc(size);
	if (!buf) {
		snprintf(err, errsz, "out of memory");
		if (f != stdin)
			fclose(f);
		return NULL;
	}
	for (;;) {
		if (n + 1 >= size) {
			if (size >= cap + 1) {
				snprintf(err, errsz, "input larger than %zu bytes", cap);
				free(buf);
				if (f != stdin)
					fclose(f);
				return NULL;
			}
			size_t nsize = size * 2 > cap + 1 ? cap + 1 : size * 2;
			char *nb = realloc(buf, nsize);
			if (!nb) {
				snprintf(err, errsz, "out of memory");
				free(buf);
				if (f != stdin)
					fclose(f);
				return NULL;
			}
			buf = nb;
			size = nsize;
		}
		size_t got = fread(buf + n, 1, size - 1 - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				snprintf(err, errsz, "read error on '%s'", path ? path : "-");
				free(buf);
				if (f != stdin)
					fclose(f);
				return NULL;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF) {
		memmove(buf, buf + 3, n - 3 + 1); /* a UTF-8 byte order mark: skipped */
		n -= 3;
	}
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return SM_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return SM_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		version();
		return SM_EXIT_OK;
	}
	if (strcmp(cmd, "score") == 0)
		return sm_cmd_score(argc - 1, argv + 1);
	if (strcmp(cmd, "assess") == 0)
		return sm_cmd_assess(argc - 1, argv + 1);
	if (strcmp(cmd, "rules") == 0)
		return sm_cmd_rules(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return sm_cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "batch") == 0)
		return sm_cmd_batch(argc - 1, argv + 1);
	if (strcmp(cmd, "validate") == 0)
		return sm_cmd_validate(argc - 1, argv + 1);
	if (strcmp(cmd, "db") == 0)
		return sm_cmd_db(argc - 1, argv + 1);
	if (strcmp(cmd, "site") == 0)
		return sm_cmd_site(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0)
		return sm_cmd_user(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return sm_cmd_export(argc - 1, argv + 1);
	if (strcmp(cmd, "fhir") == 0)
		return sm_cmd_fhir(argc - 1, argv + 1);
	fprintf(stderr, "spinemets: unknown command '%s'\n", cmd);
	usage(stderr);
	return SM_EXIT_USAGE;
}
