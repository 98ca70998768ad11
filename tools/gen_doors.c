/*
** gen_doors.c: the doors' lists generated from the core's tables (issue #10:
** one table per fact, every door generated from it), as `spinemets rules
** --markdown` generates docs/rules.md. Links the core (libspinemets.a) only.
**
**   gen_doors vocab-json            web/gen-vocab.json: the option lists of the
**                                   page (instruments, prognostic instruments,
**                                   histology keys, case vocabularies, levels,
**                                   SINS choices, pathway events, targets ...)
**   gen_doors openapi FILE          FILE (src/http/openapi.json) with its
**                                   enums that the core defines replaced by the
**                                   core's lists; everything else byte for byte
**   gen_doors instruments-md FILE   FILE (docs/instruments.md) with the region
**                                   between the "generated: instruments" markers
**                                   replaced by the table of every instrument
**
** Each writes the result to standard output; `make doors` writes the files and
** tests/cli/doors.sh fails when a checked-in file differs from its output.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spinemets.h"

/* ---- small output helpers ------------------------------------------------ */

static void jstr(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04X", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* A list of names as a JSON array on one line: ["a", "b"]. */
typedef const char *(*name_at_fn)(size_t i); /* NULL beyond */

static void jlist(name_at_fn at)
{
	putchar('[');
	for (size_t i = 0; at(i); i++) {
		if (i)
			fputs(", ", stdout);
		jstr(at(i));
	}
	putchar(']');
}

static sm_vocab g_vocab;
static const char *vocab_at(size_t i) { return sm_vocab_word(g_vocab, i); }
static const char *instrument_at(size_t i)
{
	const sm_instrument *in = sm_instrument_at(i);
	return in ? sm_instrument_name(in) : NULL;
}
/* The prognostic instruments: sums with a survival direction. The grades
** have no direction; SINS has one (higher is worse) but measures mechanical
** stability, not survival, and the core has no attribute that says so yet:
** until the core lists its prognostic instruments (issue #10, the
** assessment's results as an array indexed by one instrument list), SINS is
** named here. */
static bool is_prognostic(const sm_instrument *in)
{
	return !sm_instrument_is_grade(in) && sm_instrument_direction(in) != SM_DIRECTION_NONE &&
	       strcmp(sm_instrument_name(in), "sins") != 0;
}
static const char *prognostic_at(size_t i)
{
	for (size_t k = 0, n = 0; k < sm_instrument_count(); k++) {
		const sm_instrument *in = sm_instrument_at(k);
		if (is_prognostic(in) && n++ == i)
			return sm_instrument_name(in);
	}
	return NULL;
}
static const char *level_at(size_t i) { return i < SM_NLEVELS ? sm_level_name((int)i) : NULL; }
static const char *direction_at(size_t i) { return i <= SM_DIRECTION_NONE ? sm_direction_name((sm_direction)i) : NULL; }
static const char *status_at(size_t i)
{
	return i <= SM_RESULT_INVALID ? sm_result_status_name((sm_result_status)i) : NULL;
}
static const char *flag_at(size_t i) { return i < SM_NFLAGS ? sm_flag_name((unsigned)i) : NULL; }
static const char *target_at(size_t i) { return i < SM_NTARGETS ? sm_target_name((sm_target_id)i) : NULL; }
static const char *target_state_at(size_t i)
{
	return i <= SM_TS_BREACHED ? sm_target_state_name((sm_target_state)i) : NULL;
}
static const char *interval_at(size_t i) { return i < SM_NINTERVALS ? sm_interval_name((sm_interval_id)i) : NULL; }
static const char *urgency_at(size_t i) { return i <= SM_URG_EMERGENCY ? sm_urgency_name((sm_urgency)i) : NULL; }
static const char *urgency_desc_at(size_t i)
{
	return i <= SM_URG_EMERGENCY ? sm_urgency_name((sm_urgency)(SM_URG_EMERGENCY - (int)i)) : NULL;
}

/* ---- vocab-json ------------------------------------------------------------ */

static const struct {
	const char *name;
	sm_vocab v;
} vocabs[] = {
	{"sex", SM_VOCAB_SEX},
	{"history", SM_VOCAB_HISTORY},
	{"ambulatory", SM_VOCAB_AMBULATORY},
	{"visceral_metastases", SM_VOCAB_VISCERAL},
	{"visceral_pattern", SM_VOCAB_PATTERN},
	{"event", SM_VOCAB_EVENT},
	{"frankel", SM_VOCAB_FRANKEL},
	{"escc", SM_VOCAB_ESCC},
	{"blood_culture", SM_VOCAB_CULTURE},
};

static int vocab_json(void)
{
	printf("{\n \"generated_by\": \"tools/gen_doors.c from the core tables (make doors); do not edit\",\n");
	printf(" \"engine_version\": ");
	jstr(SM_ENGINE_VERSION);
	printf(",\n \"instruments\": ");
	jlist(instrument_at);
	printf(",\n \"prognostic_instruments\": ");
	jlist(prognostic_at);
	printf(",\n \"histology\": [");
	for (size_t i = 0; sm_histology_at(i); i++) {
		const sm_histology *h = sm_histology_at(i);
		printf("%s\n  {\"key\": ", i ? "," : "");
		jstr(h->key);
		printf(", \"name\": ");
		jstr(h->name);
		printf(", \"paediatric\": %s}", h->paediatric ? "true" : "false");
	}
	printf("\n ],\n \"levels\": ");
	jlist(level_at);
	printf(",\n \"vocab\": {");
	for (size_t k = 0; k < sizeof vocabs / sizeof *vocabs; k++) {
		g_vocab = vocabs[k].v;
		printf("%s\n  ", k ? "," : "");
		jstr(vocabs[k].name);
		printf(": ");
		jlist(vocab_at);
	}
	/* the SINS items and their words, from the instrument's own table */
	const sm_instrument *sins = sm_instrument_find("sins");
	printf("\n },\n \"sins_items\": {");
	for (size_t i = 0, n = 0; sins && i < sm_instrument_item_count(sins); i++) {
		const sm_item *it = sm_instrument_item(sins, i);
		if (it->type != SM_T_ENUM)
			continue;
		printf("%s\n  ", n++ ? "," : "");
		jstr(it->key);
		printf(": [");
		for (size_t c = 0; c < it->nchoices; c++) {
			if (c)
				fputs(", ", stdout);
			jstr(it->choices[c].key);
		}
		putchar(']');
	}
	printf("\n },\n \"urgency\": ");
	jlist(urgency_at);
	printf(",\n \"targets\": ");
	jlist(target_at);
	printf(",\n \"target_states\": ");
	jlist(target_state_at);
	printf(",\n \"intervals\": ");
	jlist(interval_at);
	printf("\n}\n");
	return 0;
}

/* ---- reading a file ------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "gen_doors: cannot open %s\n", path);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *p = malloc(cap + 1);
	for (;;) {
		if (!p) {
			fclose(f);
			return NULL;
		}
		n += fread(p + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		char *q = realloc(p, cap + 1);
		if (!q)
			free(p);
		p = q;
	}
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

/* ---- openapi: replace the enums the core defines ---------------------------
**
** A scanner follows the JSON text and keeps the JSON pointer of the value it
** is in; at each target pointer it replaces the array text, keeping the
** file's layout (one word per line, indented one space more than the key's
** line). Nothing else is touched. */

static const struct {
	const char *pointer;
	name_at_fn list;
} enums[] = {
	{"/paths/~1api~1v1~1score~1{instrument}/post/parameters/0/schema/enum", instrument_at},
	{"/components/schemas/Result/properties/status/enum", status_at},
	{"/components/schemas/Result/properties/flags/items/enum", flag_at},
	{"/components/schemas/Result/properties/direction/enum", direction_at},
	{"/components/schemas/Assessment/properties/triage/properties/urgency/enum", urgency_desc_at},
	{"/components/schemas/Event/properties/type/enum", NULL /* SM_VOCAB_EVENT */},
	{"/components/schemas/Target/properties/state/enum", target_state_at},
	{"/components/schemas/Clock/properties/urgency/enum", urgency_at},
};
#define NENUMS (sizeof enums / sizeof *enums)

typedef struct scan {
	const char *s;
	size_t n, i;
	char path[1024];
	size_t found[NENUMS][2]; /* [start of '[', one past ']'] */
	bool seen[NENUMS];
	bool bad;
} scan;

static void ws(scan *sc)
{
	while (sc->i < sc->n && strchr(" \t\r\n", sc->s[sc->i]))
		sc->i++;
}

/* skip a string; with `out`, append its JSON-pointer form (~0 ~1 escapes) */
static void string(scan *sc, char *out, size_t cap)
{
	size_t o = out ? strlen(out) : 0;
	sc->i++; /* " */
	while (sc->i < sc->n && sc->s[sc->i] != '"') {
		char c = sc->s[sc->i];
		if (c == '\\') {
			sc->i++;
			c = sc->s[sc->i]; /* the keys here use no \u escapes */
		}
		if (out && o + 3 < cap) {
			if (c == '~')
				out[o++] = '~', out[o++] = '0';
			else if (c == '/')
				out[o++] = '~', out[o++] = '1';
			else
				out[o++] = c;
			out[o] = '\0';
		}
		sc->i++;
	}
	sc->i++; /* " */
}

static void value(scan *sc, int depth);

static void check_target(scan *sc, size_t start)
{
	for (size_t k = 0; k < NENUMS; k++)
		if (strcmp(sc->path, enums[k].pointer) == 0) {
			sc->found[k][0] = start;
			sc->found[k][1] = sc->i;
			sc->seen[k] = true;
		}
}

static void value(scan *sc, int depth)
{
	ws(sc);
	if (sc->i >= sc->n || depth > 64) {
		sc->bad = true;
		return;
	}
	size_t start = sc->i, plen = strlen(sc->path);
	char c = sc->s[sc->i];
	if (c == '{' || c == '[') {
		bool obj = c == '{';
		size_t index = 0;
		sc->i++;
		ws(sc);
		if (sc->i < sc->n && sc->s[sc->i] == (obj ? '}' : ']')) {
			sc->i++;
			check_target(sc, start);
			return;
		}
		for (;;) {
			ws(sc);
			sc->path[plen] = '\0';
			if (obj) {
				if (sc->i >= sc->n || sc->s[sc->i] != '"') {
					sc->bad = true;
					return;
				}
				strcat(sc->path, "/");
				string(sc, sc->path, sizeof sc->path);
				ws(sc);
				if (sc->i >= sc->n || sc->s[sc->i] != ':') {
					sc->bad = true;
					return;
				}
				sc->i++;
			} else {
				snprintf(sc->path + plen, sizeof sc->path - plen, "/%zu", index++);
			}
			value(sc, depth + 1);
			if (sc->bad)
				return;
			ws(sc);
			if (sc->i < sc->n && sc->s[sc->i] == ',') {
				sc->i++;
				continue;
			}
			if (sc->i < sc->n && sc->s[sc->i] == (obj ? '}' : ']')) {
				sc->i++;
				break;
			}
			sc->bad = true;
			return;
		}
		sc->path[plen] = '\0';
		check_target(sc, start);
		return;
	}
	if (c == '"')
		string(sc, NULL, 0);
	else
		while (sc->i < sc->n && !strchr(",}] \t\r\n", sc->s[sc->i]))
			sc->i++;
	check_target(sc, start);
}

static int openapi(const char *file)
{
	size_t n;
	char *s = slurp(file, &n);
	if (!s)
		return 1;
	scan sc;
	memset(&sc, 0, sizeof sc);
	sc.s = s;
	sc.n = n;
	value(&sc, 0);
	if (sc.bad) {
		fprintf(stderr, "gen_doors: %s: not JSON this scanner can follow (near byte %zu)\n", file, sc.i);
		free(s);
		return 1;
	}
	for (size_t k = 0; k < NENUMS; k++)
		if (!sc.seen[k]) {
			fprintf(stderr, "gen_doors: %s has no %s\n", file, enums[k].pointer);
			free(s);
			return 1;
		}
	size_t at = 0;
	for (;;) {
		/* the next target in the text */
		size_t best = NENUMS;
		for (size_t k = 0; k < NENUMS; k++)
			if (sc.found[k][0] >= at && (best == NENUMS || sc.found[k][0] < sc.found[best][0]))
				best = k;
		if (best == NENUMS)
			break;
		size_t a = sc.found[best][0], b = sc.found[best][1];
		fwrite(s + at, 1, a - at, stdout);
		size_t line = a;
		while (line > 0 && s[line - 1] != '\n')
			line--;
		size_t indent = 0;
		while (s[line + indent] == ' ')
			indent++;
		name_at_fn list = enums[best].list;
		g_vocab = SM_VOCAB_EVENT;
		if (!list)
			list = vocab_at;
		printf("[\n");
		for (size_t i = 0; list(i); i++) {
			printf("%*s", (int)indent + 1, "");
			jstr(list(i));
			printf("%s\n", list(i + 1) ? "," : "");
		}
		printf("%*s]", (int)indent, "");
		at = b;
	}
	fwrite(s + at, 1, n - at, stdout);
	free(s);
	return 0;
}

/* ---- instruments-md -------------------------------------------------------- */

static const char *md_begin = "<!-- BEGIN generated: instruments (tools/gen_doors.c; make doors) -->\n";
static const char *md_end = "<!-- END generated: instruments -->\n";

static void md_table(void)
{
	printf("| name | title | definition | range | direction | bands |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < sm_instrument_count(); i++) {
		const sm_instrument *in = sm_instrument_at(i);
		size_t nb = sm_instrument_band_count(in);
		printf("| `%s` | %s | `%s` | ", sm_instrument_name(in), sm_instrument_title(in), sm_instrument_definition(in));
		const sm_item *grade_item = sm_instrument_item_count(in) == 1 ? sm_instrument_item(in, 0) : NULL;
		if (sm_instrument_is_grade(in)) {
			/* the grades of a one-item grade instrument are its item's words */
			printf("grade");
			if (grade_item && grade_item->type == SM_T_ENUM)
				for (size_t g = 0; g < grade_item->nchoices; g++)
					printf("%s%s", g ? ", " : " ", grade_item->choices[g].key);
		} else {
			int lo = 0, hi = 0;
			for (size_t b = 0; b < nb; b++) {
				const sm_band_def *d = sm_instrument_band(in, b);
				if (b == 0 || d->lo < lo)
					lo = d->lo;
				if (b == 0 || d->hi > hi)
					hi = d->hi;
			}
			printf("%d-%d", lo, hi);
		}
		sm_direction dir = sm_instrument_direction(in);
		printf(" | %s | ", dir == SM_HIGHER_IS_BETTER ? "higher is better" : dir == SM_HIGHER_IS_WORSE ? "higher is worse" : "-");
		for (size_t b = 0; b < nb; b++) {
			const sm_band_def *d = sm_instrument_band(in, b);
			printf("%s`%s`", b ? " · " : "", d->key);
			if (!sm_instrument_is_grade(in)) {
				if (d->lo == d->hi)
					printf(" %d", d->lo);
				else
					printf(" %d-%d", d->lo, d->hi);
			}
		}
		printf(" |\n");
	}
	printf("\nPrognostic instruments (reported per patient in `spinemets assess`, adults only): ");
	for (size_t i = 0; prognostic_at(i); i++)
		printf("%s`%s`", i ? ", " : "", prognostic_at(i));
	printf(".\n");
}

static int instruments_md(const char *file)
{
	size_t n;
	char *s = slurp(file, &n);
	if (!s)
		return 1;
	char *a = strstr(s, md_begin), *b = a ? strstr(a, md_end) : NULL;
	if (!a || !b) {
		fprintf(stderr, "gen_doors: %s lacks the markers %s and %s", file, md_begin, md_end);
		free(s);
		return 1;
	}
	a += strlen(md_begin);
	fwrite(s, 1, (size_t)(a - s), stdout);
	md_table();
	fputs(b, stdout);
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "vocab-json") == 0)
		return vocab_json();
	if (argc == 3 && strcmp(argv[1], "openapi") == 0)
		return openapi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "instruments-md") == 0)
		return instruments_md(argv[2]);
	fprintf(stderr, "usage: gen_doors vocab-json | openapi FILE | instruments-md FILE\n");
	return 2;
}
