/*
** validate.c: `spinemets validate`: how well a prognostic score separates survival in a
** cohort (research use).
**
** Reads a CSV by streaming (src/io/csv.h), keeping only the needed columns (time, event,
** score, group) as arrays; every cell is checked. Then src/stats/: Kaplan-Meier per band
** or group with log-log Greenwood intervals, medians as print.survfit, the curves read
** at 3/6/12/24 time units (or months), the log-rank test across groups and Harrell's C
** with its infinitesimal-jackknife SE, all as R's survival package computes them. Beside
** the bands of a named instrument it sets the survival figures the derivation paper
** published, where REFERENCE.md marks them verified ([V]) or secondary ([S]).
** Output: a text report (default), one JSON object (--json), one self-contained HTML file
** (--report FILE, src/research/report_html.c).
*/
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/csv.h"
#include "io/file.h"
#include "io/jw.h"
#include "research/report_html.h"
#include "research/research.h"
#include "io/svg_km.h"
#include "spinemets.h"
#include "stats/survival.h"

#define MAX_GROUPS 64            /* groups (bands, values) that get their own curve */
#define DAYS_PER_MONTH SM_VALIDATE_DAYS_PER_MONTH
#define THREAD_MIN_ROWS 200000   /* below this the C-index runs on the main thread */

/* ---- published per-band figures (only what REFERENCE.md marks [V] or [S]) ---------------
**
** Katagiri 2014 (REFERENCE §6.6, superseded by §14 "V/S survival"): 0-3: 6 mo 97.9 %
**   (§14; §6.6 had ~98 % [R]), 1 y 91 % [V], 2 y 78 % [V]; 4-6: 6 mo 73.9 % (§14; §6.6 had
**   ~74 % [R]); >= 7: 6 mo 27 % [V], 1 y 6 % [V]. The other cells of §6.6 are [R]: left out.
** Revised Tokuhashi 2005 (REFERENCE §6.1): the bands ARE predictions [V]: 0-8 survival
**   < 6 months, 9-11 >= 6 months, 12-15 >= 1 year. The per-band concordance percentages
**   (85/73/95 %) are [R]: left out.
** Bauer 1995 (REFERENCE §6.3, §14): three groups with 1-year survival spanning 0.5 (best)
**   to 0.0 (worst) [V]; the cut-points 0-1 / 2-3 / 4-5 [S] (§14). The 25 % of the middle
**   group is [S/R]: left out.
** Not shown, as REFERENCE.md says: Tomita (§6.2, §14: do not display survival), NESMS
**   (§6.4, §14: odds ratios only), modified Bauer (§6.3: medians [R]), SINS (§1: not a
**   survival score).
*/
static const sm_published published[] = {
	{"katagiri", "low", SM_CAL_SURVIVAL, 6, 0.979, "S", "REFERENCE §6.6, §14", "Katagiri 2014"},
	{"katagiri", "low", SM_CAL_SURVIVAL, 12, 0.91, "V", "REFERENCE §6.6, §14", "Katagiri 2014"},
	{"katagiri", "low", SM_CAL_SURVIVAL, 24, 0.78, "V", "REFERENCE §6.6, §14", "Katagiri 2014"},
	{"katagiri", "intermediate", SM_CAL_SURVIVAL, 6, 0.739, "S", "REFERENCE §6.6, §14", "Katagiri 2014"},
	{"katagiri", "high", SM_CAL_SURVIVAL, 6, 0.27, "V", "REFERENCE §6.6, §14", "Katagiri 2014"},
	{"katagiri", "high", SM_CAL_SURVIVAL, 12, 0.06, "V", "REFERENCE §6.6, §14", "Katagiri 2014"},
	{"tokuhashi_revised", "lt_6_months", SM_CAL_MEDIAN_BELOW, 6, NAN, "V", "REFERENCE §6.1", "Tokuhashi 2005"},
	{"tokuhashi_revised", "ge_6_months", SM_CAL_MEDIAN_ABOVE, 6, NAN, "V", "REFERENCE §6.1", "Tokuhashi 2005"},
	{"tokuhashi_revised", "ge_12_months", SM_CAL_MEDIAN_ABOVE, 12, NAN, "V", "REFERENCE §6.1", "Tokuhashi 2005"},
	{"bauer", "poor", SM_CAL_SURVIVAL, 12, 0.0, "V/S", "REFERENCE §6.3, §14", "Bauer & Wedin 1995"},
	{"bauer", "good", SM_CAL_SURVIVAL, 12, 0.5, "V/S", "REFERENCE §6.3, §14", "Bauer & Wedin 1995"},
};

/* What to say where an instrument has no verified figure (or only some). */
static const struct {
	const char *instrument;
	const char *note;
} cal_notes[] = {
	{"katagiri", "Katagiri 2014: only the band figures REFERENCE §14 marks verified or secondary are shown; "
	             "the others in §6.6 (4-6 at 1 and 2 years, >= 7 at 2 years) are unverified and left out."},
	{"tokuhashi_revised", "Revised Tokuhashi: the bands are survival predictions (< 6 months, >= 6 months, "
	                      ">= 1 year; REFERENCE §6.1 [V]); the cohort's S at the threshold and its median are set "
	                      "beside them. The per-band accuracy percentages of the derivation are unverified and not shown."},
	{"bauer", "Bauer 1995: 1-year survival spanning about 50 % (4-5) to about 0 % (0-1) [V], cut-points from "
	          "secondary sources [S]; the 25 % of the middle band (2-3) is not verified and not shown (REFERENCE §6.3, §14)."},
	{"bauer_modified", "Modified Bauer: no per-band survival is verified (the medians 4.8 / 18.2 / 28.4 months are "
	                   "unverified, REFERENCE §6.3): no published figures to compare."},
	{"tomita", "Tomita: survival per band is not verified and must not be displayed (REFERENCE §6.2, §14)."},
	{"nesms", "NESMS: no per-score survival is verified (REFERENCE §6.4, §14). The published figures are odds ratios "
	          "of death within one year against score 3: 7.04 (95% CI 2.47-20.08) for score 2 and 31.30 (8.82-111.04) "
	          "for score 1 (Schoenfeld 2021) [V]; they are not survival proportions and are not compared here."},
	{"sins", "SINS bands describe mechanical stability, not survival: no published survival figures (REFERENCE §1)."},
};

typedef sm_validate_opts opts;

/* ---- small helpers -------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void add_note(sm_validation *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(sm_validation *v, const char *fmt, ...)
{
	if (v->nnotes >= SM_VAL_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *s = dup_n(buf, strlen(buf));
	if (s)
		v->notes[v->nnotes++] = s;
}

/* Trim spaces and tabs around a cell. */
static void trim(const char **p, size_t *len)
{
	while (*len && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*len)--;
	}
	while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
		(*len)--;
}

static int is_missing(const char *p, size_t len)
{
	return len == 0 || (len == 2 && p[0] == 'N' && p[1] == 'A');
}

/*
** parse_number: a decimal number [+-]digits[.digits][(e|E)[+-]digits], correctly rounded.
** Fast path (Clinger 1990): at most 19 significant digits forming an integer below 2^53
** and a power of ten within 1e22 are both exact doubles, so one multiplication or
** division rounds correctly. Anything else goes to strtod on a copy. Returns 0 and *out,
** or -1 when the text is not such a number (no hex, inf or nan).
*/
static const double pow10_tab[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int parse_number(const char *p, size_t len, double *out)
{
	size_t i = 0;
	int neg = 0;
	if (i < len && (p[i] == '+' || p[i] == '-')) {
		neg = p[i] == '-';
		i++;
	}
	uint64_t mant = 0;
	int sig = 0, exp10 = 0, digits = 0;
	for (; i < len && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
		if (mant == 0 && p[i] == '0')
			continue;
		if (sig < 19) {
			mant = mant * 10 + (uint64_t)(p[i] - '0');
			sig++;
		} else {
			exp10++;
			sig++;
		}
	}
	if (i < len && p[i] == '.') {
		i++;
		for (; i < len && p[i] >= '0' && p[i] <= '9'; i++, digits++) {
			if (mant == 0 && p[i] == '0') {
				exp10--;
				continue;
			}
			if (sig < 19) {
				mant = mant * 10 + (uint64_t)(p[i] - '0');
				exp10--;
				sig++;
			} else {
				sig++;
			}
		}
	}
	if (digits == 0)
		return -1;
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		int eneg = 0, e = 0, ed = 0;
		if (i < len && (p[i] == '+' || p[i] == '-')) {
			eneg = p[i] == '-';
			i++;
		}
		for (; i < len && p[i] >= '0' && p[i] <= '9'; i++, ed++)
			if (e < 100000)
				e = e * 10 + (p[i] - '0');
		if (ed == 0)
			return -1;
		exp10 += eneg ? -e : e;
	}
	if (i != len)
		return -1;
	if (mant == 0) {
		*out = neg ? -0.0 : 0.0;
		return 0;
	}
	if (sig <= 19 && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
		double d = (double)mant;
		d = exp10 < 0 ? d / pow10_tab[-exp10] : d * pow10_tab[exp10];
		*out = neg ? -d : d;
		return 0;
	}
	char buf[128];
	if (len >= sizeof buf)
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	errno = 0;
	char *end = NULL;
	double d = strtod(buf, &end);
	if (end != buf + len)
		return -1;
	*out = d;
	return 0;
}

/* Cell text for a message: at most 40 bytes, quoted. */
static void cell_text(char *buf, size_t size, const char *p, size_t len)
{
	size_t n = len > 40 ? 40 : len;
	snprintf(buf, size, "'%.*s'%s", (int)n, p, len > 40 ? "..." : "");
}

/* ---- group dictionaries --------------------------------------------------------------- */

typedef struct dict {
	size_t n;           /* distinct keys */
	bool overflow;      /* more than MAX_GROUPS */
	char *key[MAX_GROUPS];      /* string keys (--group) */
	double val[MAX_GROUPS];     /* numeric keys (score values) */
	int slot[256];      /* open addressing: index + 1, 0 = empty */
	uint64_t hash[256];
	int last;           /* the last index found (runs of equal values are common) */
} dict;

static uint64_t fnv(const char *p, size_t len)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * UINT64_C(1099511628211);
	return h;
}

/* Index of string key p[0..len), added when new; -1 when the dictionary is full. */
static int dict_str(dict *d, const char *p, size_t len)
{
	if (d->last >= 0 && strlen(d->key[d->last]) == len && memcmp(d->key[d->last], p, len) == 0)
		return d->last;
	uint64_t h = fnv(p, len);
	for (size_t s = h & 255;; s = (s + 1) & 255) {
		int ix = d->slot[s] - 1;
		if (ix < 0)
			break;
		if (d->hash[s] == h && strlen(d->key[ix]) == len && memcmp(d->key[ix], p, len) == 0)
			return d->last = ix;
	}
	if (d->n >= MAX_GROUPS) {
		d->overflow = true;
		return -1;
	}
	char *k = dup_n(p, len);
	if (!k)
		return -2;
	size_t s = h & 255;
	while (d->slot[s])
		s = (s + 1) & 255;
	d->key[d->n] = k;
	d->slot[s] = (int)d->n + 1;
	d->hash[s] = h;
	return d->last = (int)d->n++;
}

/* Index of numeric key x (not NaN); -1 when the dictionary is full. */
static int dict_num(dict *d, double x)
{
	if (d->last >= 0 && d->val[d->last] == x)
		return d->last;
	if (x == 0)
		x = 0; /* -0 and +0 share a key */
	uint64_t h;
	memcpy(&h, &x, sizeof h);
	h = (h ^ (h >> 29)) * UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	for (size_t s = h & 255;; s = (s + 1) & 255) {
		int ix = d->slot[s] - 1;
		if (ix < 0)
			break;
		if (d->val[ix] == x)
			return d->last = ix;
	}
	if (d->n >= MAX_GROUPS) {
		d->overflow = true;
		return -1;
	}
	size_t s = h & 255;
	while (d->slot[s])
		s = (s + 1) & 255;
	d->val[d->n] = x;
	d->slot[s] = (int)d->n + 1;
	d->hash[s] = h;
	return d->last = (int)d->n++;
}

static void dict_free(dict *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->key[i]);
}

/* ---- the data ------------------------------------------------------------------------- */

typedef struct data {
	size_t n, cap;
	double *time;
	int *event;
	double *score;   /* NAN = missing (only with a score column) */
	int *group;      /* dictionary index, -1 = missing (with --group, or score values) */
	int *band;       /* band index, -1 = missing (with an instrument) */
} data;

static int data_grow(data *d, bool score, bool group, bool band)
{
	size_t cap = d->cap ? d->cap * 2 : 65536;
	double *t = realloc(d->time, cap * sizeof *t);
	if (!t)
		return -1;
	d->time = t;
	int *e = realloc(d->event, cap * sizeof *e);
	if (!e)
		return -1;
	d->event = e;
	if (score) {
		double *s = realloc(d->score, cap * sizeof *s);
		if (!s)
			return -1;
		d->score = s;
	}
	if (group) {
		int *g = realloc(d->group, cap * sizeof *g);
		if (!g)
			return -1;
		d->group = g;
	}
	if (band) {
		int *b = realloc(d->band, cap * sizeof *b);
		if (!b)
			return -1;
		d->band = b;
	}
	d->cap = cap;
	return 0;
}

static void data_free(data *d)
{
	free(d->time);
	free(d->event);
	free(d->score);
	free(d->group);
	free(d->band);
}

/* ---- reading the CSV ------------------------------------------------------------------ */

typedef struct reader_ctx {
	const opts *o;
	const sm_instrument *inst;
	int band_lo, band_hi;    /* range of totals of the instrument */
	long ct, ce, cs, cg;     /* column indices (-1 = not used) */
	dict gdict;              /* --group values, or score values */
	bool group_by_score;
} reader_ctx;

static void list_columns(FILE *f, sm_csv_reader *r)
{
	const sm_csv_field *names;
	size_t nn = 0;
	if (sm_csv_header(r, &names, &nn) != SM_CSV_RECORD || nn == 0) {
		fprintf(f, " (none: the file is empty)");
		return;
	}
	for (size_t i = 0; i < nn; i++)
		fprintf(f, "%s'%.*s'", i ? ", " : " ", (int)names[i].len, names[i].ptr);
}

/* Find the columns; 0 or an exit code. */
static int find_columns(sm_csv_reader *r, reader_ctx *c, const char *path)
{
	const sm_csv_field *names;
	size_t nn = 0;
	int rc = sm_csv_header(r, &names, &nn);
	if (rc == SM_CSV_ERROR) {
		fprintf(c->o->err, "spinemets validate: %s: %s\n", path, sm_csv_reader_error(r)->message);
		return SM_RESEARCH_INVALID;
	}
	if (rc == SM_CSV_EOF || nn == 0) {
		fprintf(c->o->err, "spinemets validate: %s is empty (a header row naming the columns is needed)\n", path);
		return SM_RESEARCH_INVALID;
	}
	const char *want[4] = {c->o->time_col, c->o->event_col, c->o->score_col, c->o->group_col};
	const char *what[4] = {"--time", "--event", "--score", "--group"};
	long *idx[4] = {&c->ct, &c->ce, &c->cs, &c->cg};
	int missing = 0;
	for (int k = 0; k < 4; k++) {
		*idx[k] = -1;
		if (!want[k])
			continue;
		*idx[k] = sm_csv_find(r, want[k]);
		if (*idx[k] < 0) {
			fprintf(c->o->err, "spinemets validate: %s has no column '%s' (%s)\n", path, want[k], what[k]);
			missing = 1;
		}
	}
	if (missing) {
		fprintf(c->o->err, "spinemets validate: the columns of %s are:", path);
		list_columns(c->o->err, r);
		fprintf(c->o->err, "\n");
		return SM_RESEARCH_USAGE;
	}
	return 0;
}

/* Read every record. 0 or an exit code (the message printed). */
static int read_rows(sm_csv_reader *r, reader_ctx *c, data *d, sm_validation *v)
{
	const opts *o = c->o;
	const char *path = o->file;
	bool want_score = c->cs >= 0, want_group = c->cg >= 0 || c->group_by_score, want_band = c->inst != NULL;
	const long cols[4] = {c->ct, c->ce, c->cs, c->cg};
	const char *names[4] = {o->time_col, o->event_col, o->score_col, o->group_col};
	char msg[400];

	for (;;) {
		const sm_csv_field *f;
		size_t nf = 0;
		int rc = sm_csv_read(r, &f, &nf);
		if (rc == SM_CSV_EOF)
			break;
		v->rows_read++;
		unsigned long long row = sm_csv_row(r);
		msg[0] = '\0';
		if (rc == SM_CSV_ERROR) {
			const sm_csv_error *e = sm_csv_reader_error(r);
			if (!e->recoverable || !o->skip_invalid) {
				fprintf(c->o->err, "spinemets validate: %s: %s\n", path, e->message);
				return SM_RESEARCH_INVALID;
			}
			snprintf(msg, sizeof msg, "%s", e->message);
		}
		double t = NAN, ev = NAN, sc = NAN;
		const char *gp = NULL;
		size_t glen = 0;
		int miss[4] = {0, 0, 0, 0};
		for (int k = 0; k < 4 && !msg[0]; k++) {
			if (cols[k] < 0)
				continue;
			if ((size_t)cols[k] >= nf) {
				snprintf(msg, sizeof msg, "row %llu: no column %ld ('%s')", row, cols[k] + 1, names[k]);
				break;
			}
			const char *p = f[cols[k]].ptr;
			size_t len = f[cols[k]].len;
			trim(&p, &len);
			if (is_missing(p, len)) {
				miss[k] = 1;
				continue;
			}
			if (k == 3) {
				gp = p;
				glen = len;
				continue;
			}
			double x;
			char ct[64];
			if (parse_number(p, len, &x) != 0) {
				cell_text(ct, sizeof ct, p, len);
				snprintf(msg, sizeof msg, "row %llu, column %ld ('%s'): %s is not a number", row, cols[k] + 1,
				         names[k], ct);
				break;
			}
			if (k == 0) {
				if (!(x >= 0 && x <= DBL_MAX)) {
					cell_text(ct, sizeof ct, p, len);
					snprintf(msg, sizeof msg, "row %llu, column %ld ('%s'): time %s must be 0 or more and finite",
					         row, cols[k] + 1, names[k], ct);
					break;
				}
				t = x;
			} else if (k == 1) {
				if (x != 0 && x != 1) {
					cell_text(ct, sizeof ct, p, len);
					snprintf(msg, sizeof msg,
					         "row %llu, column %ld ('%s'): event %s must be 1 (event) or 0 (censored)%s", row,
					         cols[k] + 1, names[k], ct, x == 2 ? "; recode R's 1/2 status as 0/1" : "");
					break;
				}
				ev = x;
			} else {
				if (isnan(x) || isinf(x)) {
					cell_text(ct, sizeof ct, p, len);
					snprintf(msg, sizeof msg, "row %llu, column %ld ('%s'): score %s must be finite", row,
					         cols[k] + 1, names[k], ct);
					break;
				}
				if (c->inst && (x != floor(x) || x < c->band_lo || x > c->band_hi)) {
					cell_text(ct, sizeof ct, p, len);
					snprintf(msg, sizeof msg,
					         "row %llu, column %ld ('%s'): %s is not a total of %s (an integer from %d to %d)", row,
					         cols[k] + 1, names[k], ct, sm_instrument_name(c->inst), c->band_lo, c->band_hi);
					break;
				}
				sc = x;
			}
		}
		if (msg[0]) {
			if (!o->skip_invalid) {
				fprintf(c->o->err, "spinemets validate: %s: %s\n", path, msg);
				return SM_RESEARCH_INVALID;
			}
			if (v->invalid_skipped++ == 0)
				snprintf(v->first_invalid, sizeof v->first_invalid, "%.199s", msg);
			continue;
		}
		if (miss[0] || miss[1]) {
			if (miss[0])
				v->missing_time++;
			else
				v->missing_event++;
			continue;
		}
		if (d->n == d->cap && data_grow(d, want_score, want_group, want_band) != 0) {
			fprintf(c->o->err, "spinemets validate: out of memory after %zu rows\n", d->n);
			return SM_RESEARCH_INVALID;
		}
		size_t i = d->n++;
		d->time[i] = t;
		d->event[i] = ev == 1;
		if (want_score) {
			d->score[i] = sc;
			if (miss[2])
				v->missing_score++;
		}
		if (want_band) {
			if (miss[2]) {
				d->band[i] = -1;
			} else {
				d->band[i] = -1;
				for (size_t b = 0; b < sm_instrument_band_count(c->inst); b++) {
					const sm_band_def *bd = sm_instrument_band(c->inst, b);
					if (sc >= bd->lo && sc <= bd->hi) {
						d->band[i] = (int)b;
						break;
					}
				}
			}
		}
		if (c->cg >= 0) {
			if (miss[3]) {
				d->group[i] = -1;
				v->missing_group++;
			} else {
				int g = dict_str(&c->gdict, gp, glen);
				if (g == -2) {
					fprintf(c->o->err, "spinemets validate: out of memory\n");
					return SM_RESEARCH_INVALID;
				}
				if (g == -1) {
					fprintf(c->o->err,
					        "spinemets validate: %s: row %llu, column %ld ('%s'): more than %d distinct values; "
					        "--group needs a column of a few categories\n",
					        path, row, c->cg + 1, o->group_col, MAX_GROUPS);
					return SM_RESEARCH_INVALID;
				}
				d->group[i] = g;
			}
		} else if (c->group_by_score) {
			d->group[i] = miss[2] || c->gdict.overflow ? -1 : dict_num(&c->gdict, sc);
		}
	}
	return 0;
}

/* ---- ordering the groups -------------------------------------------------------------- */

static const dict *sort_dict;
static int cmp_num_ix(const void *a, const void *b)
{
	double x = sort_dict->val[*(const int *)a], y = sort_dict->val[*(const int *)b];
	return x < y ? -1 : x > y;
}
static int cmp_strnum_ix(const void *a, const void *b)
{
	double x = strtod(sort_dict->key[*(const int *)a], NULL), y = strtod(sort_dict->key[*(const int *)b], NULL);
	return x < y ? -1 : x > y;
}
static int cmp_str_ix(const void *a, const void *b)
{
	return strcmp(sort_dict->key[*(const int *)a], sort_dict->key[*(const int *)b]);
}

/* Sort the dictionary's keys (numerically when every key is a number) and renumber
** group[]. Fills order[] (new index -> old index). */
static void order_groups(dict *dct, bool numeric_keys, int *group, size_t n, int *order)
{
	int rank[MAX_GROUPS];
	bool all_num = true;
	for (size_t i = 0; i < dct->n; i++) {
		order[i] = (int)i;
		if (!numeric_keys) {
			double x;
			if (parse_number(dct->key[i], strlen(dct->key[i]), &x) != 0)
				all_num = false;
		}
	}
	sort_dict = dct;
	qsort(order, dct->n, sizeof *order, numeric_keys ? cmp_num_ix : all_num ? cmp_strnum_ix : cmp_str_ix);
	sort_dict = NULL;
	for (size_t i = 0; i < dct->n; i++)
		rank[order[i]] = (int)i;
	for (size_t i = 0; i < n; i++)
		if (group[i] >= 0)
			group[i] = rank[group[i]];
}

/* ---- the statistics ------------------------------------------------------------------- */

typedef struct conc_job {
	const double *time, *score;
	const int *event;
	size_t n;
	sm_direction dir;
	sm_concordance_result res;
	sm_status st;
	double seconds;
} conc_job;

static void *conc_run(void *arg)
{
	conc_job *j = arg;
	double t0 = now_s();
	j->st = sm_concordance(j->time, j->event, j->score, j->n, j->dir, NULL, 0, &j->res, NULL);
	j->seconds = now_s() - t0;
	return NULL;
}

static void read_group(sm_validation *v, sm_val_group *g)
{
	for (size_t a = 0; a < v->nat; a++)
		sm_km_at(g->km, v->at_time[a], &g->at[a]);
	for (size_t a = 0; a < v->nrisk; a++) {
		sm_km_point p;
		sm_km_at(g->km, v->risk_times[a], &p);
		g->at_risk[a] = p.n_risk;
	}
}

/* Fit one curve per group; 0 or -1 (out of memory). */
static int fit_groups(sm_validation *v, const data *d, const int *group, sm_val_group *gs, size_t k)
{
	for (size_t g = 0; g < k; g++) {
		if (sm_km_fit(d->time, d->event, d->n, group, (int)g, v->conf_level, NULL, 0, &gs[g].km, NULL) != SM_OK)
			return -1;
		read_group(v, &gs[g]);
	}
	return 0;
}

static void calibrate(sm_validation *v)
{
	const char *name = sm_instrument_name(v->instrument);
	for (size_t k = 0; k < sizeof cal_notes / sizeof cal_notes[0]; k++)
		if (strcmp(cal_notes[k].instrument, name) == 0)
			v->cal_note = cal_notes[k].note;
	size_t npub = 0;
	for (size_t k = 0; k < sizeof published / sizeof published[0]; k++)
		npub += strcmp(published[k].instrument, name) == 0;
	if (npub == 0) {
		if (!v->cal_note)
			v->cal_note = "No per-band survival figures of this instrument are marked verified in REFERENCE.md.";
		return;
	}
	if (!v->time_unit) {
		v->cal_note = "The published figures are in months: give --time-unit (days, weeks, months or years) to "
		              "set them beside this cohort.";
		return;
	}
	for (size_t k = 0; k < sizeof published / sizeof published[0] && v->ncal < SM_VAL_MAX_CAL; k++) {
		const sm_published *p = &published[k];
		if (strcmp(p->instrument, name) != 0)
			continue;
		size_t b;
		for (b = 0; b < v->ncal_groups; b++)
			if (strcmp(v->cal_groups[b].key, p->band) == 0)
				break;
		if (b == v->ncal_groups)
			continue;
		sm_val_cal *c = &v->cal[v->ncal++];
		const sm_km *km = v->cal_groups[b].km;
		c->pub = p;
		c->group = b;
		sm_km_at(km, p->months * v->units_per_month, &c->observed);
		c->median = km->median;
		c->median_lower = km->median_lower;
		c->median_upper = km->median_upper;
		const sm_km_point *o = &c->observed;
		c->verdict = -1;
		if (p->kind == SM_CAL_SURVIVAL) {
			if (o->available && !isnan(o->lower) && !isnan(o->upper))
				c->verdict = p->value >= o->lower && p->value <= o->upper;
		} else if (o->available && !isnan(o->lower) && !isnan(o->upper)) {
			/* the median is below T when S(T) < 0.5: decided when the whole CI is on one side */
			int below = o->upper < 0.5, above = o->lower > 0.5;
			if (below || above)
				c->verdict = p->kind == SM_CAL_MEDIAN_BELOW ? below : above;
		}
	}
}

/* ---- JSON output ---------------------------------------------------------------------- */

/* A JSON string, escaped by the JSON writer's escaper (io/jw.h). */
static void jstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	char small[512];
	size_t n = strlen(s), cap = SM_JSON_ESCAPE_MAX(n);
	char *d = cap <= sizeof small ? small : malloc(cap);
	if (!d) {
		fputs("null", f); /* out of memory: the value is left out */
		return;
	}
	fwrite(d, 1, sm_json_escape(d, s, n), f);
	if (d != small)
		free(d);
}

static void jnum(FILE *f, double x)
{
	if (!isfinite(x)) {
		fputs("null", f);
		return;
	}
	char buf[40];
	sm_fmt_num(buf, sizeof buf, x);
	fputs(buf, f);
}

static void json_point(FILE *f, const sm_km_point *p, double t)
{
	fputs("{\"time\": ", f);
	jnum(f, t);
	fputs(", \"available\": ", f);
	fputs(p->available ? "true" : "false", f);
	fputs(", \"survival\": ", f);
	jnum(f, p->available ? p->surv : NAN);
	fputs(", \"std_err\": ", f);
	jnum(f, p->available ? p->std_err : NAN);
	fputs(", \"lower\": ", f);
	jnum(f, p->available ? p->lower : NAN);
	fputs(", \"upper\": ", f);
	jnum(f, p->available ? p->upper : NAN);
	fprintf(f, ", \"n_risk\": %zu}", p->n_risk);
}

static void json_curve(FILE *f, const sm_validation *v, const sm_km *km, const sm_km_point *at,
                       const char *ind, int no_km)
{
	char key[40];
	fprintf(f, "%s\"n\": %zu,\n%s\"events\": %zu,\n", ind, km->n, ind, km->n_events);
	fprintf(f, "%s\"median\": {\"value\": ", ind);
	jnum(f, km->median);
	fputs(", \"lower\": ", f);
	jnum(f, km->median_lower);
	fputs(", \"upper\": ", f);
	jnum(f, km->median_upper);
	fprintf(f, "},\n%s\"survival_at\": {", ind);
	for (size_t a = 0; a < v->nat; a++) {
		sm_fmt_num(key, sizeof key, v->at[a]);
		fprintf(f, "%s\"%s\": ", a ? ", " : "", key);
		jnum(f, at[a].available ? at[a].surv : NAN);
	}
	fprintf(f, "},\n%s\"survival_at_detail\": {", ind);
	for (size_t a = 0; a < v->nat; a++) {
		sm_fmt_num(key, sizeof key, v->at[a]);
		fprintf(f, "%s\n%s  \"%s\": ", a ? "," : "", ind, key);
		json_point(f, &at[a], v->at_time[a]);
	}
	fprintf(f, "\n%s}", ind);
	if (no_km) {
		fputs("\n", f);
		return;
	}
	fprintf(f, ",\n%s\"km\": [", ind);
	for (size_t j = 0; j < km->n_times; j++) {
		fprintf(f, "%s\n%s  {\"time\": ", j ? "," : "", ind);
		jnum(f, km->time[j]);
		fprintf(f, ", \"n_risk\": %zu, \"n_event\": %zu, \"n_censor\": %zu, \"survival\": ", km->n_risk[j],
		        km->n_event[j], km->n_censor[j]);
		jnum(f, km->surv[j]);
		fputs(", \"std_err\": ", f);
		jnum(f, km->std_err[j]);
		fputs(", \"lower\": ", f);
		jnum(f, km->lower[j]);
		fputs(", \"upper\": ", f);
		jnum(f, km->upper[j]);
		fputc('}', f);
	}
	fprintf(f, "%s]\n", km->n_times ? "\n    " : "");
}

static const char *verdict_word(const sm_val_cal *c)
{
	if (c->pub->kind == SM_CAL_SURVIVAL)
		return c->verdict == 1 ? "inside" : c->verdict == 0 ? "outside" : "not_assessable";
	return c->verdict == 1 ? "consistent" : c->verdict == 0 ? "not_consistent" : "undecided";
}

static void print_json(FILE *f, const sm_validation *v, int no_km)
{
	fputs("{\n  \"schema\": \"spinemets/validate/1\",\n  \"source\": ", f);
	jstr(f, v->source);
	fputs(",\n  \"columns\": {\"time\": ", f);
	jstr(f, v->time_col);
	fputs(", \"event\": ", f);
	jstr(f, v->event_col);
	fputs(", \"score\": ", f);
	jstr(f, v->score_col);
	fputs(", \"group\": ", f);
	jstr(f, v->group_col);
	fputs("},\n  \"instrument\": ", f);
	jstr(f, v->instrument ? sm_instrument_name(v->instrument) : NULL);
	fputs(",\n  \"grouping\": ", f);
	jstr(f, v->grouping);
	fputs(",\n  \"time_unit\": ", f);
	jstr(f, v->time_unit);
	fputs(",\n  \"survival_at_unit\": ", f);
	jstr(f, v->at_unit);
	fputs(",\n  \"units_per_month\": ", f);
	jnum(f, v->units_per_month);
	fputs(",\n  \"conf_level\": ", f);
	jnum(f, v->conf_level);
	fprintf(f, ",\n  \"rows_read\": %llu,\n  \"n\": %zu,\n  \"events\": %zu,\n", v->rows_read, v->n, v->events);
	fprintf(f, "  \"excluded\": {\"missing_time\": %zu, \"missing_event\": %zu, \"invalid\": %zu},\n",
	        v->missing_time, v->missing_event, v->invalid_skipped);
	fprintf(f, "  \"missing_score\": %zu,\n  \"missing_group\": %zu,\n", v->missing_score, v->missing_group);

	fputs("  \"c_index\": ", f);
	if (v->has_c) {
		fputs("{\"value\": ", f);
		jnum(f, v->c.concordance);
		fputs(", \"se\": ", f);
		jnum(f, v->c.std_err);
		fputs(", \"direction\": ", f);
		jstr(f, sm_direction_name(v->direction));
		fputs(", \"direction_source\": ", f);
		jstr(f, v->direction_source);
		fprintf(f, ", \"n\": %zu, \"variance\": ", v->c.n);
		jnum(f, v->c.var);
		fprintf(f, ", \"concordant\": %.0f, \"discordant\": %.0f, \"tied_x\": %.0f, \"tied_y\": %.0f, \"tied_xy\": %.0f}",
		        v->c.concordant, v->c.discordant, v->c.tied_x, v->c.tied_y, v->c.tied_xy);
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"logrank\": ", f);
	if (v->logrank) {
		const sm_logrank_result *lr = v->logrank;
		fputs("{\"chisq\": ", f);
		jnum(f, lr->chisq);
		fprintf(f, ", \"df\": %zu, \"p\": ", lr->df);
		jnum(f, lr->p_value);
		fputs(", \"groups\": [", f);
		for (size_t g = 0; g < lr->k; g++) {
			fprintf(f, "%s{\"group\": ", g ? ", " : "");
			jstr(f, v->groups[g].key);
			fprintf(f, ", \"n\": %zu, \"observed\": ", lr->n_group[g]);
			jnum(f, lr->observed[g]);
			fputs(", \"expected\": ", f);
			jnum(f, lr->expected[g]);
			fputc('}', f);
		}
		fputs("]}", f);
	} else {
		fputs("null", f);
	}
	fputs(",\n  \"overall\": {\n    \"group\": \"all\",\n", f);
	json_curve(f, v, v->overall, v->overall_at, "    ", no_km);
	fputs("  },\n  \"groups\": [", f);
	for (size_t g = 0; g < v->ngroups; g++) {
		const sm_val_group *gr = &v->groups[g];
		fprintf(f, "%s\n   {\n    \"group\": ", g ? "," : "");
		jstr(f, gr->key);
		fputs(",\n    \"label\": ", f);
		jstr(f, gr->label);
		if (gr->is_band) {
			fprintf(f, ",\n    \"lo\": %d,\n    \"hi\": %d,\n    \"meaning\": ", gr->lo, gr->hi);
			jstr(f, gr->meaning);
		}
		fputs(",\n", f);
		json_curve(f, v, gr->km, gr->at, "    ", no_km);
		fputs("   }", f);
	}
	fprintf(f, "%s],\n  \"number_at_risk\": {\"times\": [", v->ngroups ? "\n  " : "");
	for (size_t a = 0; a < v->nrisk; a++) {
		fputs(a ? ", " : "", f);
		jnum(f, v->risk_times[a]);
	}
	fputs("], \"all\": [", f);
	for (size_t a = 0; a < v->nrisk; a++) {
		sm_km_point p;
		sm_km_at(v->overall, v->risk_times[a], &p);
		fprintf(f, "%s%zu", a ? ", " : "", p.n_risk);
	}
	fputs("], \"groups\": [", f);
	for (size_t g = 0; g < v->ngroups; g++) {
		fputs(g ? ", [" : "[", f);
		for (size_t a = 0; a < v->nrisk; a++)
			fprintf(f, "%s%zu", a ? ", " : "", v->groups[g].at_risk[a]);
		fputc(']', f);
	}
	fputs("]},\n  \"calibration\": {\"note\": ", f);
	jstr(f, v->cal_note);
	fputs(", \"rows\": [", f);
	for (size_t k = 0; k < v->ncal; k++) {
		const sm_val_cal *c = &v->cal[k];
		const sm_val_group *g = &v->cal_groups[c->group];
		fprintf(f, "%s\n    {\"band\": ", k ? "," : "");
		jstr(f, c->pub->band);
		fprintf(f, ", \"range\": [%d, %d], \"n\": %zu, \"events\": %zu, \"kind\": ", g->lo, g->hi, g->km->n,
		        g->km->n_events);
		jstr(f, c->pub->kind == SM_CAL_SURVIVAL      ? "survival"
		        : c->pub->kind == SM_CAL_MEDIAN_BELOW ? "survival_shorter_than"
		                                              : "survival_at_least");
		fputs(", \"months\": ", f);
		jnum(f, c->pub->months);
		fputs(", \"published\": ", f);
		jnum(f, c->pub->value);
		fputs(", \"tag\": ", f);
		jstr(f, c->pub->tag);
		fputs(", \"reference\": ", f);
		jstr(f, c->pub->reference);
		fputs(", \"source\": ", f);
		jstr(f, c->pub->source);
		fputs(", \"observed\": ", f);
		json_point(f, &c->observed, c->pub->months * v->units_per_month);
		fputs(", \"median\": {\"value\": ", f);
		jnum(f, c->median);
		fputs(", \"lower\": ", f);
		jnum(f, c->median_lower);
		fputs(", \"upper\": ", f);
		jnum(f, c->median_upper);
		fputs("}, \"verdict\": ", f);
		jstr(f, verdict_word(c));
		fputc('}', f);
	}
	fprintf(f, "%s]},\n  \"notes\": [", v->ncal ? "\n  " : "");
	for (size_t k = 0; k < v->nnotes; k++) {
		fputs(k ? ",\n    " : "\n    ", f);
		jstr(f, v->notes[k]);
	}
	fprintf(f, "%s]\n}\n", v->nnotes ? "\n  " : "");
}

/* ---- text output ---------------------------------------------------------------------- */

static void fmt_ci(char *buf, size_t size, double x, double lo, double hi)
{
	char a[40], b[40], c[40];
	sm_fmt_num(a, sizeof a, x);
	if (isnan(x)) {
		snprintf(buf, size, "not reached");
		return;
	}
	if (isnan(lo))
		snprintf(b, sizeof b, "NR");
	else
		sm_fmt_num(b, sizeof b, lo);
	if (isnan(hi))
		snprintf(c, sizeof c, "NR");
	else
		sm_fmt_num(c, sizeof c, hi);
	snprintf(buf, size, "%s (%s-%s)", a, b, c);
}

static void fmt_surv(char *buf, size_t size, const sm_km_point *p)
{
	if (!p->available) {
		snprintf(buf, size, "-");
		return;
	}
	if (isnan(p->lower) || isnan(p->upper))
		snprintf(buf, size, "%.3f", p->surv);
	else
		snprintf(buf, size, "%.3f (%.3f-%.3f)", p->surv, p->lower, p->upper);
}

static void text_row(FILE *f, const sm_validation *v, const char *label, const sm_km *km, const sm_km_point *at)
{
	char med[160], s[128];
	fmt_ci(med, sizeof med, km->median, km->median_lower, km->median_upper);
	fprintf(f, "  %-18.18s %8zu %7zu  %-22s", label, km->n, km->n_events, med);
	for (size_t a = 0; a < v->nat; a++) {
		fmt_surv(s, sizeof s, &at[a]);
		fprintf(f, "  %-21s", s);
	}
	fputc('\n', f);
}

static void print_text(FILE *f, const sm_validation *v)
{
	char buf[64];
	fprintf(f, "spinemets validate: %s\n", v->source);
	fprintf(f, "Research use: how well a score separates survival in this cohort; not advice for one patient.\n\n");
	fprintf(f, "Rows read %llu; analysed %zu (time and event present), %zu events.\n", v->rows_read, v->n, v->events);
	if (v->missing_time || v->missing_event)
		fprintf(f, "Left out: %zu rows without a time, %zu without an event.\n", v->missing_time, v->missing_event);
	if (v->invalid_skipped)
		fprintf(f, "Skipped (--skip-invalid): %zu rows with an invalid cell; first: %s\n", v->invalid_skipped,
		        v->first_invalid);
	if (v->score_col)
		fprintf(f, "Score '%s'%s%s: %zu rows without a score (left out of the C-index%s).\n", v->score_col,
		        v->instrument ? ", instrument " : "", v->instrument ? sm_instrument_name(v->instrument) : "",
		        v->missing_score, v->instrument ? " and the bands" : "");
	if (v->group_col)
		fprintf(f, "Group '%s': %zu rows without a group (left out of the grouped curves and the log-rank test).\n",
		        v->group_col, v->missing_group);
	if (v->time_unit) {
		fprintf(f, "Time in %s; survival read at", v->time_unit);
		for (size_t a = 0; a < v->nat; a++) {
			sm_fmt_num(buf, sizeof buf, v->at[a]);
			fprintf(f, "%s %s", a ? "," : "", buf);
		}
		fprintf(f, " months (%s %s a month).\n", (sm_fmt_num(buf, sizeof buf, v->units_per_month), buf),
		        v->time_unit);
	} else {
		fprintf(f, "Time in the column's own units (no --time-unit): survival read at that many time units.\n");
	}

	fprintf(f, "\nKaplan-Meier, %g%% confidence intervals on the log-log scale (Greenwood)", 100 * v->conf_level);
	if (strcmp(v->grouping, "bands") == 0)
		fprintf(f, ", by band of %s", sm_instrument_name(v->instrument));
	else if (strcmp(v->grouping, "group") == 0)
		fprintf(f, ", by %s", v->group_col);
	else if (strcmp(v->grouping, "score") == 0)
		fprintf(f, ", by value of %s", v->score_col);
	fprintf(f, "\n  %-18s %8s %7s  %-22s", "group", "n", "events", "median (95% CI)");
	for (size_t a = 0; a < v->nat; a++) {
		sm_fmt_num(buf, sizeof buf, v->at[a]);
		char h[64];
		snprintf(h, sizeof h, "S(%.40s%s)", buf, v->time_unit ? " mo" : "");
		fprintf(f, "  %-21s", h);
	}
	fputc('\n', f);
	for (size_t g = 0; g < v->ngroups; g++)
		text_row(f, v, v->groups[g].label, v->groups[g].km, v->groups[g].at);
	text_row(f, v, "all", v->overall, v->overall_at);
	fprintf(f, "  (NR: limit not reached; '-': after the last follow-up)\n");

	fprintf(f, "\nNumber at risk\n  %-18s", "time");
	for (size_t a = 0; a < v->nrisk; a++) {
		sm_fmt_num(buf, sizeof buf, v->risk_times[a]);
		fprintf(f, " %8s", buf);
	}
	fputc('\n', f);
	for (size_t g = 0; g <= v->ngroups; g++) {
		fprintf(f, "  %-18.18s", g < v->ngroups ? v->groups[g].label : "all");
		for (size_t a = 0; a < v->nrisk; a++) {
			size_t nr;
			if (g < v->ngroups) {
				nr = v->groups[g].at_risk[a];
			} else {
				sm_km_point p;
				sm_km_at(v->overall, v->risk_times[a], &p);
				nr = p.n_risk;
			}
			fprintf(f, " %8zu", nr);
		}
		fputc('\n', f);
	}

	if (v->logrank && (v->logrank->df == 0 || !isfinite(v->logrank->p_value)))
		fprintf(f, "\nLog-rank test: not estimable (no group has an expected event: %s)\n",
		        v->events == 0 ? "every patient is censored" : "no two groups are at risk at an event time");
	else if (v->logrank)
		fprintf(f, "\nLog-rank test (survdiff, rho = 0): chi-square %.4g on %zu df, p = %.3g\n", v->logrank->chisq,
		        v->logrank->df, v->logrank->p_value);
	else
		fprintf(f, "\nLog-rank test: not done (fewer than two groups)\n");
	if (v->has_c && !isfinite(v->c.concordance))
		fprintf(f, "Harrell's C of %s: not estimable (no comparable pair: %s), n %zu\n", v->score_col,
		        v->events == 0 ? "every patient is censored" : "no event precedes a longer follow-up", v->c.n);
	else if (v->has_c)
		fprintf(f, "Harrell's C of %s: %.4f (SE %.4f, 95%% CI %.4f-%.4f), n %zu, %s (%s)\n", v->score_col,
		        v->c.concordance, v->c.std_err, v->c.concordance - 1.959963984540054 * v->c.std_err,
		        v->c.concordance + 1.959963984540054 * v->c.std_err, v->c.n, sm_direction_name(v->direction),
		        v->direction_source);

	if (v->instrument) {
		fprintf(f, "\nCalibration: observed survival per band beside the published figures\n");
		if (v->ncal) {
			fprintf(f, "  %-14s %4s %7s  %-22s %-24s %s\n", "band", "n", "months", "published", "observed (95% CI)",
			        "");
			for (size_t k = 0; k < v->ncal; k++) {
				const sm_val_cal *c = &v->cal[k];
				char pub[96], obs[128];
				if (c->pub->kind == SM_CAL_SURVIVAL)
					snprintf(pub, sizeof pub, "%.1f%% [%s]", 100 * c->pub->value, c->pub->tag);
				else
					snprintf(pub, sizeof pub, "%s %g months [%s]",
					         c->pub->kind == SM_CAL_MEDIAN_BELOW ? "<" : ">=", c->pub->months, c->pub->tag);
				fmt_surv(obs, sizeof obs, &c->observed);
				fprintf(f, "  %-14s %4zu %7g  %-22s %-24s %s\n", c->pub->band, v->cal_groups[c->group].km->n,
				        c->pub->months, pub, obs, verdict_word(c));
			}
			bool pred = false;
			for (size_t k = 0; k < v->ncal; k++)
				pred |= v->cal[k].pub->kind != SM_CAL_SURVIVAL;
			if (pred)
				fprintf(f, "  (a prediction '< T' or '>= T months' is consistent when the CI of S(T) lies\n"
				           "   below or above 0.5, that is the band's median below or at least T)\n");
			bool prop = false;
			for (size_t k = 0; k < v->ncal; k++)
				prop |= v->cal[k].pub->kind == SM_CAL_SURVIVAL;
			fprintf(f, "  (source: %s, %s%s)\n", v->cal[0].pub->source, v->cal[0].pub->reference,
			        prop ? "; inside/outside: the published value against the observed CI" : "");
		}
		if (v->cal_note)
			fprintf(f, "  %s\n", v->cal_note);
	}
	if (v->nnotes) {
		fprintf(f, "\nNotes\n");
		for (size_t k = 0; k < v->nnotes; k++)
			fprintf(f, "  - %s\n", v->notes[k]);
	}
	fprintf(f, "\nMethods as R's survival package: survfit(conf.type = \"log-log\"), print.survfit medians,\n"
	           "survdiff (rho = 0), concordance (Harrell's C, infinitesimal-jackknife SE).\n");
}

/* ---- the command ---------------------------------------------------------------------- */

static void validation_free(sm_validation *v)
{
	sm_km_free(v->overall);
	for (size_t g = 0; g < v->ngroups; g++) {
		sm_km_free(v->groups[g].km);
		free(v->groups[g].key);
		free(v->groups[g].label);
	}
	if (v->cal_groups_owned) {
		for (size_t g = 0; g < v->ncal_groups; g++) {
			sm_km_free(v->cal_groups[g].km);
			free(v->cal_groups[g].key);
			free(v->cal_groups[g].label);
		}
		free(v->cal_groups);
	}
	free(v->groups);
	sm_logrank_free(v->logrank);
	for (size_t k = 0; k < v->nnotes; k++)
		free(v->notes[k]);
}

/* Groups from the instrument's bands. */
static sm_val_group *band_groups(const sm_instrument *inst, size_t *k)
{
	size_t nb = sm_instrument_band_count(inst);
	sm_val_group *g = calloc(nb ? nb : 1, sizeof *g);
	if (!g)
		return NULL;
	for (size_t b = 0; b < nb; b++) {
		const sm_band_def *d = sm_instrument_band(inst, b);
		g[b].key = dup_n(d->key, strlen(d->key));
		g[b].label = dup_printf("%d-%d %s", d->lo, d->hi, d->key);
		g[b].meaning = d->meaning;
		g[b].is_band = true;
		g[b].lo = d->lo;
		g[b].hi = d->hi;
		if (!g[b].key || !g[b].label) {
			*k = b + 1;
			return g;
		}
	}
	*k = nb;
	return g;
}

/* A report opened before the work but never written: closed and removed. */
static void report_abandon(FILE *rf, const char *path)
{
	if (!rf)
		return;
	fclose(rf);
	if (path)
		remove(path);
}

int sm_validate_run(const sm_validate_opts *opt)
{
	const sm_validate_opts o = *opt;
	int rc;

	sm_validation v;
	memset(&v, 0, sizeof v);
	v.source = o.file;
	v.time_col = o.time_col;
	v.event_col = o.event_col;
	v.score_col = o.score_col;
	v.group_col = o.group_col;
	v.conf_level = o.conf_level;
	v.units_per_month = NAN;

	/* instrument and direction */
	reader_ctx c;
	memset(&c, 0, sizeof c);
	c.o = &o;
	c.gdict.last = -1;
	if (o.instrument) {
		v.instrument = c.inst = sm_instrument_find(o.instrument);
		if (!c.inst) {
			fprintf(o.err, "spinemets validate: unknown instrument '%s'; one of:", o.instrument);
			for (size_t k = 0; k < sm_instrument_count(); k++)
				fprintf(o.err, " %s", sm_instrument_name(sm_instrument_at(k)));
			fprintf(o.err, "\n");
			return SM_RESEARCH_USAGE;
		}
		if (sm_instrument_is_grade(c.inst) || sm_instrument_direction(c.inst) == SM_DIRECTION_NONE) {
			fprintf(o.err, "spinemets validate: %s is a grade without a survival direction; "
			                "use --group %s with --direction instead\n", o.instrument, o.score_col ? o.score_col : "COL");
			return SM_RESEARCH_USAGE;
		}
		if (!o.score_col) {
			fprintf(o.err, "spinemets validate: --instrument needs --score COL (the instrument's totals)\n");
			return SM_RESEARCH_USAGE;
		}
		c.band_lo = INT32_MAX;
		c.band_hi = INT32_MIN;
		for (size_t b = 0; b < sm_instrument_band_count(c.inst); b++) {
			const sm_band_def *d = sm_instrument_band(c.inst, b);
			if (d->lo < c.band_lo)
				c.band_lo = d->lo;
			if (d->hi > c.band_hi)
				c.band_hi = d->hi;
		}
		v.direction = sm_instrument_direction(c.inst);
		v.direction_source = "instrument";
		if (o.direction && strcmp(o.direction, sm_direction_name(v.direction)) != 0) {
			fprintf(o.err, "spinemets validate: --direction %s contradicts %s, whose higher totals are %s\n",
			        o.direction, o.instrument,
			        v.direction == SM_HIGHER_IS_BETTER ? "better (higher_is_better)" : "worse (higher_is_worse)");
			return SM_RESEARCH_USAGE;
		}
	} else if (o.direction) {
		if (strcmp(o.direction, "higher_is_better") == 0)
			v.direction = SM_HIGHER_IS_BETTER;
		else if (strcmp(o.direction, "higher_is_worse") == 0)
			v.direction = SM_HIGHER_IS_WORSE;
		else {
			fprintf(o.err, "spinemets validate: --direction must be higher_is_better or higher_is_worse, not '%s'\n",
			        o.direction);
			return SM_RESEARCH_USAGE;
		}
		v.direction_source = "--direction";
	} else {
		v.direction = SM_HIGHER_IS_BETTER;
		v.direction_source = "default (R's concordance, reverse = FALSE)";
	}

	/* time unit and the times read on every curve */
	if (o.time_unit) {
		static const struct {
			const char *name;
			double per_day;
		} units[] = {{"days", 1}, {"weeks", 1.0 / 7}, {"months", 0}, {"years", 0}};
		size_t k;
		for (k = 0; k < 4; k++)
			if (strcmp(o.time_unit, units[k].name) == 0)
				break;
		if (k == 4) {
			fprintf(o.err, "spinemets validate: --time-unit must be days, weeks, months or years, not '%s'\n",
			        o.time_unit);
			return SM_RESEARCH_USAGE;
		}
		v.time_unit = units[k].name;
		v.units_per_month = k == 2 ? 1.0 : k == 3 ? 1.0 / 12 : o.days_per_month * units[k].per_day;
		v.at_unit = "months";
	} else {
		v.at_unit = "time units";
	}
	if (o.at_list) {
		const char *p = o.at_list;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			double x;
			if (v.nat >= SM_VAL_MAX_AT || parse_number(p, len, &x) != 0 || !(x >= 0 && x <= DBL_MAX)) {
				fprintf(o.err, "spinemets validate: --at takes up to %d times >= 0 separated by commas, not '%s'\n",
				        SM_VAL_MAX_AT, o.at_list);
				return SM_RESEARCH_USAGE;
			}
			v.at[v.nat++] = x;
			p += len + (e != NULL);
		}
		if (v.nat == 0) {
			fprintf(o.err, "spinemets validate: --at needs at least one time\n");
			return SM_RESEARCH_USAGE;
		}
	} else {
		static const double def[] = {3, 6, 12, 24};
		for (size_t a = 0; a < 4; a++)
			v.at[v.nat++] = def[a];
	}
	for (size_t a = 0; a < v.nat; a++)
		v.at_time[a] = v.time_unit ? v.at[a] * v.units_per_month : v.at[a];

	/* read */
	double t0 = now_s();
	FILE *in = stdin;
	if (strcmp(o.file, "-") != 0) {
		in = sm_file_is_dir(o.file) ? (errno = EISDIR, NULL) : fopen(o.file, "rb");
		if (!in) {
			fprintf(o.err, "spinemets validate: cannot open '%s': %s\n", o.file, sm_file_error(o.file, errno));
			return SM_RESEARCH_USAGE;
		}
	}
	/* the report file is opened before any work: an unwritable path fails first */
	FILE *rf = NULL;
	if (o.report) {
		rf = sm_file_is_dir(o.report) ? (errno = EISDIR, NULL) : fopen(o.report, "wb");
		if (!rf) {
			fprintf(o.err, "spinemets validate: cannot write '%s': %s\n", o.report,
			        sm_file_error(o.report, errno));
			if (in != stdin)
				fclose(in);
			return SM_RESEARCH_USAGE;
		}
	}
	sm_csv_options co;
	sm_csv_options_init(&co);
	co.buffer_size = (size_t)1 << 20;
	sm_csv_reader *r = sm_csv_reader_open_file(in, &co);
	data d;
	memset(&d, 0, sizeof d);
	if (!r) {
		fprintf(o.err, "spinemets validate: out of memory\n");
		if (in != stdin)
			fclose(in);
		report_abandon(rf, o.report);
		return SM_RESEARCH_INVALID;
	}
	rc = find_columns(r, &c, o.file);
	c.group_by_score = !o.group_col && !o.instrument && o.score_col;
	if (rc == 0)
		rc = read_rows(r, &c, &d, &v);
	sm_csv_reader_free(r);
	if (in != stdin)
		fclose(in);
	double t_read = now_s() - t0;
	if (rc != 0) {
		data_free(&d);
		dict_free(&c.gdict);
		report_abandon(rf, o.report);
		return rc;
	}
	v.n = d.n;
	for (size_t i = 0; i < d.n; i++)
		v.events += (size_t)d.event[i];
	if (d.n == 0) {
		fprintf(o.err, "spinemets validate: %s: no row with both a time and an event (%llu rows read, %zu without "
		                "a time, %zu without an event, %zu invalid)\n",
		        o.file, v.rows_read, v.missing_time, v.missing_event, v.invalid_skipped);
		data_free(&d);
		dict_free(&c.gdict);
		report_abandon(rf, o.report);
		return SM_RESEARCH_INVALID;
	}

	/* groups */
	int order[MAX_GROUPS];
	conc_job job;
	memset(&job, 0, sizeof job);
	bool threaded = false, was_threaded = false;
	double *cs_time = NULL, *cs_score = NULL;
	int *cs_event = NULL;
	pthread_t th;
	const int *group = NULL;
	rc = SM_RESEARCH_INVALID;
	if (o.group_col) {
		v.grouping = "group";
		order_groups(&c.gdict, false, d.group, d.n, order);
		v.ngroups = c.gdict.n;
		v.groups = calloc(v.ngroups ? v.ngroups : 1, sizeof *v.groups);
		if (!v.groups)
			goto nomem;
		for (size_t g = 0; g < v.ngroups; g++) {
			v.groups[g].key = dup_n(c.gdict.key[order[g]], strlen(c.gdict.key[order[g]]));
			v.groups[g].label = dup_n(c.gdict.key[order[g]], strlen(c.gdict.key[order[g]]));
			if (!v.groups[g].key || !v.groups[g].label)
				goto nomem;
		}
		group = d.group;
	} else if (c.inst) {
		v.grouping = "bands";
		v.groups = band_groups(c.inst, &v.ngroups);
		if (!v.groups)
			goto nomem;
		group = d.band;
	} else if (c.group_by_score && !c.gdict.overflow) {
		v.grouping = "score";
		order_groups(&c.gdict, true, d.group, d.n, order);
		v.ngroups = c.gdict.n;
		v.groups = calloc(v.ngroups ? v.ngroups : 1, sizeof *v.groups);
		if (!v.groups)
			goto nomem;
		for (size_t g = 0; g < v.ngroups; g++) {
			char buf[40];
			sm_fmt_num(buf, sizeof buf, c.gdict.val[order[g]]);
			v.groups[g].key = dup_n(buf, strlen(buf));
			v.groups[g].label = dup_n(buf, strlen(buf));
			if (!v.groups[g].key || !v.groups[g].label)
				goto nomem;
		}
		group = d.group;
	} else {
		v.grouping = "none";
		if (c.group_by_score)
			add_note(&v, "The score '%s' takes more than %d distinct values: no curve per value and no log-rank "
			             "test (name an --instrument for its bands, or a --group column).",
			         o.score_col, MAX_GROUPS);
	}
	if (group)
		for (size_t i = 0; i < d.n; i++)
			v.n_grouped += group[i] >= 0;

	/* statistics: the C-index on a second thread while the curves are fitted */
	double t1 = now_s();
	if (o.score_col) {
		job.dir = v.direction;
		if (v.missing_score == 0) {
			job.time = d.time;
			job.event = d.event;
			job.score = d.score;
			job.n = d.n;
		} else {
			size_t m = d.n - v.missing_score, j = 0;
			cs_time = malloc((m ? m : 1) * sizeof *cs_time);
			cs_score = malloc((m ? m : 1) * sizeof *cs_score);
			cs_event = malloc((m ? m : 1) * sizeof *cs_event);
			if (!cs_time || !cs_score || !cs_event)
				goto nomem;
			for (size_t i = 0; i < d.n; i++)
				if (!isnan(d.score[i])) {
					cs_time[j] = d.time[i];
					cs_score[j] = d.score[i];
					cs_event[j] = d.event[i];
					j++;
				}
			job.time = cs_time;
			job.event = cs_event;
			job.score = cs_score;
			job.n = m;
		}
		if (job.n >= THREAD_MIN_ROWS && pthread_create(&th, NULL, conc_run, &job) == 0)
			threaded = true;
		else
			conc_run(&job);
	}

	double t_km0 = now_s();
	if (sm_km_fit(d.time, d.event, d.n, NULL, 0, v.conf_level, NULL, 0, &v.overall, NULL) != SM_OK)
		goto nomem_join;
	{
		size_t nt = v.overall->n_times;
		double tmax = nt ? v.overall->time[nt - 1] : 0;
		v.nrisk = sm_svg_nice_ticks(tmax, 7, v.risk_times, SM_VAL_MAX_RISK);
		/* the last tick is >= tmax: drop it when it lies after the last follow-up */
		while (v.nrisk > 1 && v.risk_times[v.nrisk - 1] > tmax)
			v.nrisk--;
	}
	for (size_t a = 0; a < v.nat; a++)
		sm_km_at(v.overall, v.at_time[a], &v.overall_at[a]);
	if (group && fit_groups(&v, &d, group, v.groups, v.ngroups) != 0)
		goto nomem_join;
	double t_km = now_s() - t_km0;
	double t_lr0 = now_s();
	if (group && v.ngroups >= 2) {
		sm_status st = sm_logrank(d.time, d.event, group, d.n, v.ngroups, NULL, 0, &v.logrank, NULL);
		if (st != SM_OK)
			goto nomem_join;
	}
	double t_lr = now_s() - t_lr0;
	if (c.inst) {
		if (strcmp(v.grouping, "bands") == 0) {
			v.cal_groups = v.groups;
			v.ncal_groups = v.ngroups;
		} else {
			v.cal_groups = band_groups(c.inst, &v.ncal_groups);
			v.cal_groups_owned = true;
			if (!v.cal_groups || fit_groups(&v, &d, d.band, v.cal_groups, v.ncal_groups) != 0)
				goto nomem_join;
		}
		calibrate(&v);
	}
	if (threaded)
		pthread_join(th, NULL);
	was_threaded = threaded;
	threaded = false;
	if (o.score_col) {
		if (job.st != SM_OK)
			goto nomem;
		v.has_c = true;
		v.c = job.res;
	}
	double t_stats = now_s() - t1;

	/* notes */
	if (v.missing_time || v.missing_event)
		add_note(&v, "%zu rows without a time and %zu without an event were left out of every analysis.",
		         v.missing_time, v.missing_event);
	if (v.invalid_skipped)
		add_note(&v, "%zu rows with an invalid cell were skipped (--skip-invalid); the first: %s.", v.invalid_skipped,
		         v.first_invalid);
	if (o.score_col && v.missing_score)
		add_note(&v, "%zu rows without a score were left out of the C-index%s.", v.missing_score,
		         c.inst ? " and the bands" : "");
	if (o.group_col && v.missing_group)
		add_note(&v, "%zu rows without a value of '%s' were left out of the grouped curves and the log-rank test.",
		         v.missing_group, o.group_col);
	if (v.logrank && v.logrank->df + 1 < v.ngroups)
		add_note(&v, "The log-rank test has %zu df for %zu groups: groups without an expected event (empty, or never "
		             "at risk at an event time) drop out, as in survdiff.", v.logrank->df, v.ngroups);
	if (c.inst && strcmp(sm_instrument_name(c.inst), "tomita") == 0)
		add_note(&v, "Tomita bands are surgical strategies; survival per band is not verified (REFERENCE §6.2, §14).");

	/* output */
	double t_out0 = now_s();
	if (o.json)
		print_json(o.out, &v, o.no_km);
	else
		print_text(o.out, &v);
	rc = SM_RESEARCH_OK;
	if (fflush(o.out) != 0 || ferror(o.out)) {
		fprintf(o.err, "spinemets validate: cannot write the result\n");
		rc = SM_RESEARCH_INVALID;
	}
	if (rf) {
		int wr = sm_report_html_write(rf, &v);
		if (fclose(rf) != 0 || wr != 0) {
			fprintf(o.err, "spinemets validate: error writing '%s'\n", o.report);
			rc = SM_RESEARCH_INVALID;
		}
		rf = NULL;
	}
	if (o.timings)
		fprintf(o.err, "timings: read %.3f s (%zu rows), stats %.3f s (Kaplan-Meier %.3f, log-rank %.3f, "
		                "concordance %.3f%s), output %.3f s\n",
		        t_read, d.n, t_stats, t_km, t_lr, job.seconds, was_threaded ? " on a second thread" : "",
		        now_s() - t_out0);
	goto done;

nomem_join:
	if (threaded)
		pthread_join(th, NULL);
nomem:
	fprintf(o.err, "spinemets validate: out of memory\n");
	rc = SM_RESEARCH_INVALID;
done:
	report_abandon(rf, o.report); /* not written (out of memory) */
	free(cs_time);
	free(cs_score);
	free(cs_event);
	validation_free(&v);
	data_free(&d);
	dict_free(&c.gdict);
	return rc;
}

int sm_validate_parse_number(const char *p, size_t len, double *out)
{
	return parse_number(p, len, out);
}
