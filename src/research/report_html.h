/*
** report_html.h: the results of `spinemets validate` and the one-file HTML report.
**
** sm_validation is the plain data model that src/research/validate.c fills (Kaplan-Meier
** curves from src/stats/, the log-rank test, Harrell's C, the calibration rows) and
** that the writers read: the text report and JSON live in validate.c, the HTML here.
**
** The HTML report is one self-contained file: inline CSS, inline SVG (src/io/svg_km.h),
** no scripts, no fonts, images or style sheets fetched from anywhere, so it opens
** offline and can be archived or mailed as it is. Every text taken from the data (file
** and column names, group values) is HTML-escaped.
*/
#ifndef SM_RESEARCH_REPORT_HTML_H
#define SM_RESEARCH_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "spinemets.h"
#include "stats/survival.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SM_VAL_MAX_AT 16     /* times at which every curve is read (survival_at) */
#define SM_VAL_MAX_NOTES 24
#define SM_VAL_MAX_CAL 24
#define SM_VAL_MAX_RISK 16   /* columns of the number-at-risk table */

/* One Kaplan-Meier group: a band of the instrument, a value of --group, or a score. */
typedef struct sm_val_group {
	char *key;              /* the group's value as in the data, or the band key */
	char *label;            /* shown: "0-3 low", or the same as key */
	const char *meaning;    /* band meaning as published (instrument bands), else NULL */
	bool is_band;
	int lo, hi;             /* band range (is_band) */
	sm_km *km;              /* owned */
	sm_km_point at[SM_VAL_MAX_AT];       /* the curve at val->at[] (in time units) */
	size_t at_risk[SM_VAL_MAX_RISK];      /* number at risk at val->risk_times[] */
} sm_val_group;

/* Kinds of published figure. */
typedef enum sm_val_cal_kind {
	SM_CAL_SURVIVAL = 0,  /* a survival proportion at `months` */
	SM_CAL_MEDIAN_BELOW,  /* a predicted survival shorter than `months` (median below) */
	SM_CAL_MEDIAN_ABOVE   /* a predicted survival of `months` or more (median at or above) */
} sm_val_cal_kind;

/* A published per-band figure, verified in REFERENCE.md ([V] or [S] only). */
typedef struct sm_published {
	const char *instrument; /* sm_instrument_name */
	const char *band;       /* band key */
	sm_val_cal_kind kind;
	double months;
	double value;           /* SM_CAL_SURVIVAL: proportion 0..1; else NAN */
	const char *tag;        /* "V", "S", "V/S" as REFERENCE.md marks it */
	const char *reference;  /* "REFERENCE §6.6, §14" */
	const char *source;     /* "Katagiri 2014" */
} sm_published;

/* One calibration row: a published figure beside what this cohort shows. */
typedef struct sm_val_cal {
	const sm_published *pub;
	size_t group;           /* index into sm_validation.cal_groups */
	sm_km_point observed;   /* the band's curve at pub->months (SM_CAL_SURVIVAL and the
	                           threshold of the median kinds) */
	double median, median_lower, median_upper; /* the band's median (time units), NAN = not reached */
	int verdict;            /* SM_CAL_SURVIVAL: 1 published value inside the observed 95% CI,
	                           0 outside, -1 not assessable (no data / no CI at that time);
	                           median kinds: 1 consistent, 0 not, -1 undecided (CI spans it) */
} sm_val_cal;

typedef struct sm_validation {
	/* what was asked */
	const char *source;       /* CSV path ("-" = standard input) */
	const char *time_col, *event_col, *score_col, *group_col; /* score/group may be NULL */
	const sm_instrument *instrument;    /* NULL without --instrument */
	const char *grouping;     /* "bands", "group", "score" or "none" (too many values) */
	sm_direction direction;
	const char *direction_source; /* "instrument katagiri", "--direction", "default" */
	double conf_level;
	const char *time_unit;    /* "days", "weeks", "months", "years", or NULL: own units */
	double units_per_month;   /* time units in one month (NAN when time_unit is NULL) */
	const char *at_unit;      /* "months" with a time unit, else "time units" */
	double at[SM_VAL_MAX_AT]; /* times read on every curve, in at_unit (3, 6, 12, 24) */
	double at_time[SM_VAL_MAX_AT]; /* the same in the time column's units */
	size_t nat;
	double risk_times[SM_VAL_MAX_RISK]; /* times of the at-risk table (time units) */
	size_t nrisk;

	/* the data */
	unsigned long long rows_read; /* data records read (header not counted) */
	size_t n;                 /* rows with a valid time and event */
	size_t events;
	size_t missing_time, missing_event; /* rows left out for an empty time / event cell */
	size_t missing_score;     /* rows kept but without a score (out of the C-index, bands) */
	size_t missing_group;     /* rows kept but without a group (out of KM by group, log-rank) */
	size_t invalid_skipped;   /* rows skipped for an invalid cell (--skip-invalid) */
	char first_invalid[200];  /* the first such problem, "row 7, column 'time': ..." */

	/* results */
	sm_km *overall;           /* every row with time and event (owned) */
	sm_km_point overall_at[SM_VAL_MAX_AT];
	sm_val_group *groups;     /* owned */
	size_t ngroups;
	size_t n_grouped;         /* rows in some group */
	sm_logrank_result *logrank; /* NULL when fewer than 2 groups or no grouping */
	bool has_c;
	sm_concordance_result c;

	/* calibration against published figures (instrument given, time unit known) */
	sm_val_group *cal_groups; /* the instrument's bands; may alias `groups` */
	size_t ncal_groups;
	bool cal_groups_owned;
	sm_val_cal cal[SM_VAL_MAX_CAL];
	size_t ncal;
	const char *cal_note;     /* why there is no table, or what it leaves out; NULL */

	/* notes shown in every report (exclusions, warnings) */
	char *notes[SM_VAL_MAX_NOTES]; /* owned strings */
	size_t nnotes;
} sm_validation;

/* Write the report. Returns 0, or -1 with errno on a write error. */
int sm_report_html_write(FILE *f, const sm_validation *v);

/* HTML-escape `s` (&, <, >, ", ') onto f. */
void sm_html_escape(FILE *f, const char *s);

/* "1.5", "394", "0.25": the shortest of %.{1..17}g that reads back as x; "NA" for NaN. */
void sm_fmt_num(char *buf, size_t size, double x);

#ifdef __cplusplus
}
#endif
#endif
