/*
** research.h: the research engine, below the doors (ARCHITECTURE.md, layers):
** streaming cohort scoring (batch.c) and survival validation with its text,
** JSON and HTML reports (validate.c, report_html.c). The CLI (src/cli/research.c)
** parses the command line and calls these; the server and the SQL extensions
** can call them the same way. The engine never reads the command line, never
** looks at a terminal (the caller says whether to draw a progress bar) and
** writes its messages to the FILE the caller gives.
*/
#ifndef SM_RESEARCH_H
#define SM_RESEARCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spinemets.h"

/* Results, equal to the CLI's exit codes (ARCHITECTURE.md contract 1). */
enum { SM_RESEARCH_OK = 0, SM_RESEARCH_INVALID = 1, SM_RESEARCH_USAGE = 2 };

/* ---- batch: score every row of a CSV file ---- */

/* --map COLUMN=ITEM: read COLUMN as ITEM (of `only`, or of every instrument). */
typedef struct sm_batch_map {
	const char *column;
	const char *item;
	const sm_instrument *only; /* NULL: every instrument */
	bool used;
} sm_batch_map;

typedef struct sm_batch_opts {
	const char *input;                 /* path, "-" = standard input */
	const char *output;                /* path, NULL or "-" = standard output */
	bool jsonl;                        /* JSON Lines instead of CSV */
	bool g_per_l;                      /* albumin_g_dl column in g/L */
	bool progress;                     /* draw a progress bar on `err` (a terminal) */
	const sm_instrument *const *insts; /* at least one */
	size_t ninst;
	sm_batch_map *maps;                /* the caller owns them; `used` is written */
	size_t nmaps;
	size_t threads;                    /* scoring threads, >= 1 */
	FILE *err;                         /* messages and the summary */
} sm_batch_opts;

/* Score the file. SM_RESEARCH_OK: processed (even with invalid rows);
** SM_RESEARCH_INVALID: a fatal input or output error; SM_RESEARCH_USAGE: a
** file that cannot be opened or a column map that does not fit. */
int sm_batch_run(const sm_batch_opts *o);

/* ---- validate: how well a score separates survival in a cohort ---- */

#define SM_VALIDATE_DAYS_PER_MONTH 30.4375 /* 365.25 / 12 */

typedef struct sm_validate_opts {
	const char *file, *time_col, *event_col, *score_col, *group_col, *instrument, *direction;
	const char *time_unit, *report, *at_list;
	double days_per_month, conf_level;
	int json, skip_invalid, no_km, timings;
	FILE *out;                         /* the report (text or JSON) */
	FILE *err;                         /* messages */
} sm_validate_opts;

/* Read the CSV, compute, write the report to o->out (and the HTML report to
** o->report). Same results as sm_batch_run. */
int sm_validate_run(const sm_validate_opts *o);

/* A number as validate reads its cells and options ("1e3", " 12.5 "):
** 0 ok, else -1. */
int sm_validate_parse_number(const char *p, size_t len, double *out);
#endif
