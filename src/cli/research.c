/*
** research.c: the command lines of `spinemets batch` and `spinemets validate`:
** options, help and usage errors. The work is done by the research engine
** (src/research/research.h: sm_batch_run, sm_validate_run).
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "research/research.h"
#include "spinemets.h"

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("spinemets batch: out of memory\n", stderr);
		exit(SM_EXIT_INVALID);
	}
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p) {
		fputs("spinemets batch: out of memory\n", stderr);
		exit(SM_EXIT_INVALID);
	}
	return p;
}

/* ---- spinemets batch ---- */

static void batch_usage(FILE *f)
{
	fputs("usage: spinemets batch FILE.csv --instrument NAME[,NAME...] [options]\n"
	      "\n"
	      "Scores every row of a CSV file (RFC 4180, UTF-8, header row, LF or CRLF line\n"
	      "ends, quoted fields; '-' reads standard input) and writes each record back\n"
	      "unchanged with four columns added per instrument:\n"
	      "  NAME_total    the total when the status is ok (the grade for grade\n"
	      "                instruments); empty otherwise, never 0 for a missing item\n"
	      "  NAME_band     the band, empty when the missing items could change it\n"
	      "  NAME_status   ok, incomplete or invalid\n"
	      "  NAME_reason   invalid: the first error (item: message); incomplete: the\n"
	      "                missing items and the range still possible (\"missing: kps;\n"
	      "                range 7-9\") or the grades still possible; ok: empty\n"
	      "\n"
	      "An instrument reads the columns whose header is one of its item keys (see\n"
	      "'spinemets score --items NAME'); other columns are copied through. An empty\n"
	      "cell means unknown, never 0. A row with a bad value is kept with status\n"
	      "invalid; a row with the wrong number of fields or invalid UTF-8 is kept,\n"
	      "padded to the header's width when short, and marked invalid for every\n"
	      "instrument with its row and column. A summary (rows, then ok, incomplete and\n"
	      "invalid per instrument) goes to standard error, with a progress bar when\n"
	      "standard error is a terminal.\n"
	      "\n"
	      "Options:\n"
	      "  --instrument LIST   instruments to score, comma-separated (repeatable)\n"
	      "  --output FILE       write to FILE instead of standard output\n"
	      "  --format FORMAT     csv (default) or jsonl: one JSON object per row with the\n"
	      "                      input columns (as strings) and each instrument's full\n"
	      "                      result object, as printed by 'spinemets score'\n"
	      "  --map COLUMN=ITEM   read COLUMN as item ITEM (repeatable); ITEM may be\n"
	      "                      INSTRUMENT.ITEM to apply to one instrument only\n"
	      "  --albumin UNIT      unit of the albumin_g_dl column: g/dL (default) or g/L\n"
	      "                      (g/L values are divided by 10)\n"
	      "  --threads N         scoring threads (default: the number of CPUs)\n"
	      "  --help              this help\n"
	      "\n", f);
	sm_cli_instrument_list(f);
	fputs("\n"
	      "The output keeps the input's line ends (LF or CRLF) and byte order mark.\n"
	      "Memory stays bounded whatever the size of the file.\n"
	      "Exit status: 0 the file was processed (even with invalid rows), 1 a fatal\n"
	      "input error (malformed CSV that cannot be recovered, named by row and column),\n"
	      "2 usage error.\n"
	      "Example: spinemets batch cohort.csv --instrument tokuhashi_revised,tomita -o scored.csv\n",
	      f);
}

static void list_instruments(FILE *f)
{
	for (size_t k = 0; k < sm_instrument_count(); k++)
		fprintf(f, " %s", sm_instrument_name(sm_instrument_at(k)));
	fputc('\n', f);
}

static bool add_instruments(const char *list, const sm_instrument **out, size_t *n, size_t max)
{
	const char *p = list;
	if (!*p) {
		fprintf(stderr, "spinemets batch: --instrument needs a name; one of:");
		list_instruments(stderr);
		return false;
	}
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char name[64];
		if (len == 0 || len >= sizeof name) {
			fprintf(stderr, "spinemets batch: bad instrument name '%.*s'; one of:", (int)len, p);
			list_instruments(stderr);
			return false;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		const sm_instrument *in = sm_instrument_find(name);
		if (!in) {
			fprintf(stderr, "spinemets batch: unknown instrument '%s'; one of:", name);
			list_instruments(stderr);
			return false;
		}
		for (size_t k = 0; k < *n; k++)
			if (out[k] == in) {
				fprintf(stderr, "spinemets batch: instrument '%s' named twice\n", name);
				return false;
			}
		if (*n >= max)
			return false;
		out[(*n)++] = in;
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}


int sm_cmd_batch(int argc, char **argv)
{
	const char *input = NULL, *output = NULL, *format = "csv", *albumin = "g/dL";
	const sm_instrument *insts[64];
	size_t ninst = 0, nmaps = 0;
	long threads = 0;
	sm_batch_map *maps = xcalloc((size_t)argc, sizeof *maps);
	int rc = SM_EXIT_USAGE;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const char *opts[] = {"--instrument", "--output", "--format", "--map", "--albumin", "--threads", "-o"};
		int which = -1;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			batch_usage(stdout);
			free(maps);
			return SM_EXIT_OK;
		}
		for (int k = 0; k < (int)(sizeof opts / sizeof *opts); k++) {
			size_t l = strlen(opts[k]);
			if (strcmp(a, opts[k]) == 0) {
				if (i + 1 >= argc) {
					fprintf(stderr, "spinemets batch: %s needs a value\n", a);
					goto usage_fail;
				}
				val = argv[++i];
				which = k;
				break;
			}
			if (strncmp(a, opts[k], l) == 0 && a[l] == '=') {
				val = a + l + 1;
				which = k;
				break;
			}
		}
		switch (which) {
		case 0:
			if (!add_instruments(val, insts, &ninst, sizeof insts / sizeof *insts))
				goto usage_fail;
			break;
		case 1:
		case 6:
			output = val;
			break;
		case 2:
			format = val;
			break;
		case 3: {
			const char *eq = strrchr(val, '=');
			if (!eq || eq == val || !eq[1]) {
				fprintf(stderr, "spinemets batch: --map needs COLUMN=ITEM, not '%s'\n", val);
				goto usage_fail;
			}
			char *col = xmalloc((size_t)(eq - val) + 1);
			memcpy(col, val, (size_t)(eq - val));
			col[eq - val] = '\0';
			maps[nmaps].column = col;
			maps[nmaps].item = eq + 1;
			maps[nmaps].only = NULL;
			const char *dot = strchr(eq + 1, '.');
			if (dot) {
				char iname[64];
				size_t l = (size_t)(dot - (eq + 1));
				if (l < sizeof iname) {
					memcpy(iname, eq + 1, l);
					iname[l] = '\0';
					maps[nmaps].only = sm_instrument_find(iname);
				}
				if (!maps[nmaps].only) {
					fprintf(stderr, "spinemets batch: --map %s: '%.*s' is not an instrument; one of:", val,
					        (int)l, eq + 1);
					list_instruments(stderr);
					nmaps++;
					goto usage_fail;
				}
				maps[nmaps].item = dot + 1;
			}
			for (size_t m = 0; m < nmaps; m++)
				if (strcmp(maps[m].column, col) == 0 && maps[m].only == maps[nmaps].only) {
					fprintf(stderr, "spinemets batch: column '%s' is mapped twice\n", col);
					nmaps++;
					goto usage_fail;
				}
			nmaps++;
			break;
		}
		case 4:
			albumin = val;
			break;
		case 5: {
			char *end;
			threads = strtol(val, &end, 10);
			if (*end || threads < 1 || threads > 256) {
				fprintf(stderr, "spinemets batch: --threads must be a number from 1 to 256, not '%s'\n", val);
				goto usage_fail;
			}
			break;
		}
		default:
			if (a[0] == '-' && a[1]) {
				fprintf(stderr, "spinemets batch: unknown option '%s'\n", a);
				batch_usage(stderr);
				goto usage_fail;
			}
			if (input) {
				fprintf(stderr, "spinemets batch: unexpected argument '%s' (one input file)\n", a);
				goto usage_fail;
			}
			input = a;
		}
	}
	if (!input) {
		fprintf(stderr, "spinemets batch: name the CSV file to read ('-' for standard input)\n");
		batch_usage(stderr);
		goto usage_fail;
	}
	if (ninst == 0) {
		fprintf(stderr, "spinemets batch: --instrument is required; one or more of:");
		list_instruments(stderr);
		goto usage_fail;
	}
	if (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0) {
		fprintf(stderr, "spinemets batch: --format must be csv or jsonl, not '%s'\n", format);
		goto usage_fail;
	}
	bool g_per_l;
	if (strcmp(albumin, "g/dL") == 0 || strcmp(albumin, "g/dl") == 0)
		g_per_l = false;
	else if (strcmp(albumin, "g/L") == 0 || strcmp(albumin, "g/l") == 0)
		g_per_l = true;
	else {
		fprintf(stderr, "spinemets batch: --albumin must be g/dL or g/L, not '%s'\n", albumin);
		goto usage_fail;
	}
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (n > 256 ? 256 : n) : 1;
	}

	sm_batch_opts o = {
		.input = input,
		.output = output,
		.jsonl = strcmp(format, "jsonl") == 0,
		.g_per_l = g_per_l,
		.progress = isatty(2) != 0,
		.insts = insts,
		.ninst = ninst,
		.maps = maps,
		.nmaps = nmaps,
		.threads = (size_t)threads,
		.err = stderr,
	};
	rc = sm_batch_run(&o);
	for (size_t m = 0; m < nmaps; m++)
		free((void *)maps[m].column);
	free(maps);
	return rc;

usage_fail:
	for (size_t m = 0; m < nmaps; m++)
		free((void *)maps[m].column);
	free(maps);
	return SM_EXIT_USAGE;
}

/* ---- spinemets validate ---- */

/* ---- options -------------------------------------------------------------------------- */

typedef sm_validate_opts opts;

static void validate_usage(FILE *f)
{
	fputs("usage: spinemets validate FILE.csv --time COL --event COL --score COL [--instrument NAME]\n"
	      "                          [--group COL] [--json] [--report out.html] [options]\n"
	      "\n"
	      "How well a prognostic score separates survival in a cohort (research use): n and\n"
	      "events, Kaplan-Meier per band (or per group) with Greenwood 95% confidence intervals\n"
	      "on the log-log scale, median survival with its interval, survival at 3, 6, 12 and 24\n"
	      "time units, the number at risk, the log-rank test across groups, Harrell's C with its\n"
	      "standard error, and, for a named instrument, observed survival per band beside the\n"
	      "figures the derivation paper published (only those REFERENCE.md marks verified).\n"
	      "Numbers match R's survival package (survfit conf.type = \"log-log\", print.survfit,\n"
	      "survdiff, concordance).\n"
	      "\n"
	      "Columns (header names, exact):\n"
	      "  --time COL        follow-up time, a number >= 0\n"
	      "  --event COL       1 = event (death), 0 = censored\n"
	      "  --score COL       the score; with --instrument, an integer total of that instrument\n"
	      "  --group COL       group the curves by this column's values (else by the\n"
	      "                    instrument's bands, else by the distinct score values)\n"
	      "Options:\n"
	      "  --instrument NAME bands and the direction of C from NAME (spinemets score --list)\n"
	      "  --direction D     without an instrument: higher_is_better (default, R's default)\n"
	      "                    or higher_is_worse (a risk score; R's reverse = TRUE)\n"
	      "  --time-unit U     days, weeks, months or years: then survival is read at 3, 6, 12\n"
	      "                    and 24 MONTHS (30.4375 days a month) and compared with published\n"
	      "                    figures; default: the time column's own units, no conversion\n"
	      "  --days-per-month X  days in a month for --time-unit (default 30.4375)\n"
	      "  --at T1,T2,...    read the curves at these times instead of 3,6,12,24 (same unit)\n"
	      "  --conf-level P    confidence level (default 0.95)\n"
	      "  --skip-invalid    skip (and count) rows with an invalid cell instead of stopping\n"
	      "  --json            print one JSON object instead of the text report\n"
	      "  --no-km           leave the per-time Kaplan-Meier rows out of the JSON\n"
	      "  --report FILE     also write a self-contained HTML report (SVG curves; opens offline)\n"
	      "  --timings         print the time of each phase on standard error\n"
	      "  --help            this help\n"
	      "\n"
	      "Empty cells (and NA) are missing: a row without time or event is left out; a row\n"
	      "without a score is left out of the C-index and the bands only; without a group, out\n"
	      "of the grouped curves and the log-rank test only. Every exclusion is reported.\n"
	      "Exit status: 0 done, 1 invalid data (the message names row and column), 2 usage.\n"
	      "Example: spinemets validate cohort.csv --time days --event died --score katagiri\n"
	      "           --instrument katagiri --time-unit days --report katagiri.html\n", f);
}

static int parse_opts(int argc, char **argv, opts *o)
{
	memset(o, 0, sizeof *o);
	o->days_per_month = SM_VALIDATE_DAYS_PER_MONTH;
	o->conf_level = 0.95;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;
		double *num = NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			validate_usage(stdout);
			return -1;
		} else if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if (strcmp(a, "--skip-invalid") == 0) {
			o->skip_invalid = 1;
		} else if (strcmp(a, "--no-km") == 0) {
			o->no_km = 1;
		} else if (strcmp(a, "--timings") == 0) {
			o->timings = 1;
		} else if (strcmp(a, "--time") == 0) {
			target = &o->time_col;
		} else if (strcmp(a, "--event") == 0) {
			target = &o->event_col;
		} else if (strcmp(a, "--score") == 0) {
			target = &o->score_col;
		} else if (strcmp(a, "--group") == 0) {
			target = &o->group_col;
		} else if (strcmp(a, "--instrument") == 0) {
			target = &o->instrument;
		} else if (strcmp(a, "--direction") == 0) {
			target = &o->direction;
		} else if (strcmp(a, "--time-unit") == 0) {
			target = &o->time_unit;
		} else if (strcmp(a, "--report") == 0) {
			target = &o->report;
		} else if (strcmp(a, "--at") == 0) {
			target = &o->at_list;
		} else if (strcmp(a, "--days-per-month") == 0) {
			num = &o->days_per_month;
		} else if (strcmp(a, "--conf-level") == 0) {
			num = &o->conf_level;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "spinemets validate: unknown option '%s'\n", a);
			validate_usage(stderr);
			return SM_EXIT_USAGE;
		} else if (!o->file) {
			o->file = a;
		} else {
			fprintf(stderr, "spinemets validate: unexpected argument '%s' (one FILE.csv)\n", a);
			return SM_EXIT_USAGE;
		}
		if (target || num) {
			if (i + 1 >= argc) {
				fprintf(stderr, "spinemets validate: %s needs a value\n", a);
				return SM_EXIT_USAGE;
			}
			const char *val = argv[++i];
			if (target) {
				*target = val;
			} else if (sm_validate_parse_number(val, strlen(val), num) != 0) {
				fprintf(stderr, "spinemets validate: %s needs a number, not '%s'\n", a, val);
				return SM_EXIT_USAGE;
			}
		}
	}
	if (!o->file) {
		fprintf(stderr, "spinemets validate: name the CSV file\n");
		validate_usage(stderr);
		return SM_EXIT_USAGE;
	}
	if (!o->time_col || !o->event_col) {
		fprintf(stderr, "spinemets validate: --time COL and --event COL are required\n");
		return SM_EXIT_USAGE;
	}
	if (!o->score_col && !o->group_col) {
		fprintf(stderr, "spinemets validate: --score COL is required (or --group COL for curves without a score)\n");
		return SM_EXIT_USAGE;
	}
	if (!(o->conf_level > 0 && o->conf_level < 1)) {
		fprintf(stderr, "spinemets validate: --conf-level must be between 0 and 1\n");
		return SM_EXIT_USAGE;
	}
	if (!(o->days_per_month > 0 && o->days_per_month < 1000)) {
		fprintf(stderr, "spinemets validate: --days-per-month must be a positive number\n");
		return SM_EXIT_USAGE;
	}
	return 0;
}

int sm_cmd_validate(int argc, char **argv)
{
	opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? SM_EXIT_OK : rc;
	o.out = stdout;
	o.err = stderr;
	return sm_validate_run(&o);
}
