/*
** internal.h: what the core's files share and callers must not use.
*/
#ifndef SM_CORE_INTERNAL_H
#define SM_CORE_INTERNAL_H
#include "spinemets.h"

/* A bounded string builder over a caller's array; never overflows, always
** NUL-terminated, silently truncates (the arrays are sized for the texts). */
typedef struct sm_sb {
	char *p;
	size_t cap, len;
} sm_sb;
void sm_sb_init(sm_sb *sb, char *buf, size_t cap);
void sm_sb_str(sm_sb *sb, const char *s);
void sm_sb_int(sm_sb *sb, long long v);
void sm_sb_num(sm_sb *sb, double v); /* up to 4 decimals, trailing zeros dropped */
void sm_copy(char *dst, size_t cap, const char *src);
int sm_streq(const char *a, const char *b);

typedef void (*sm_score_fn)(const sm_input *in, sm_result *out);
typedef sm_status (*sm_check_fn)(sm_input *in); /* cross-item checks after setting */

struct sm_instrument {
	const char *name;
	const char *title;
	const char *definition;
	const char *citation;
	const char *reference;
	sm_direction direction;
	bool is_grade;
	const sm_item *items;
	size_t nitems;
	const sm_band_def *bands;
	size_t nbands;
	sm_score_fn score;
};

/* Per-instrument definitions (one file each). */
extern const sm_instrument sm_inst_sins, sm_inst_escc, sm_inst_frankel, sm_inst_asia,
	sm_inst_tokuhashi, sm_inst_tomita, sm_inst_bauer, sm_inst_bauer_modified,
	sm_inst_nesms, sm_inst_katagiri;

/* ---- helpers for scoring functions (engine.c) ---- */
/* Index of item `key` in the instrument (must exist: programming error otherwise -> SIZE_MAX). */
size_t sm_item_index(const sm_instrument *inst, const char *key);
const sm_value *sm_get(const sm_input *in, const char *key); /* NULL when absent */

/* Add a component. `vsrc` (may be NULL) gives the value to echo. */
sm_component *sm_add_component(sm_result *out, const char *item, const sm_value *vsrc,
                               const sm_item *item_def, int lo, int hi);
void sm_component_text(sm_component *c, const char *text);
void sm_add_missing(sm_result *out, const char *item);
void sm_add_note(sm_result *out, const char *note);
void sm_result_error(sm_result *out, sm_status code, const char *path, const char *message);
/* Finish a sum: total/range from the components, band from the band table,
** status ok/incomplete, interpretation. `cap` > 0 caps the total. */
void sm_finish_sum(sm_result *out, int cap);
/* Finish a grade: `grade` known or NULL with `possible`. */
void sm_finish_grade(sm_result *out, const char *grade, const char *band, const char *meaning);
const sm_band_def *sm_band_for(const sm_instrument *inst, int total);

/* Describe an item's allowed values into a buffer (for error messages). */
void sm_describe_domain(const sm_item *it, sm_sb *sb);

/* KPS <-> ECOG convention (REFERENCE §5.3). */
int sm_ecog_from_kps(int kps);

#define SM_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#endif
