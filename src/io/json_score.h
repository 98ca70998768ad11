/*
** json_score.h: JSON (jansson) <-> instrument items and results.
*/
#ifndef SM_IO_JSON_SCORE_H
#define SM_IO_JSON_SCORE_H
#include <jansson.h>
#include "io/jw.h"
#include "spinemets.h"

/* Fill `in` (already initialised for its instrument) from a JSON object.
** Every problem is recorded in `in` as an error with a JSON pointer path. */
void sm_json_read_items(sm_input *in, const json_t *obj);

/* Write the result (contract 1 of ARCHITECTURE.md) as one JSON object. */
void sm_jw_result(sm_jw *w, const sm_result *r);

/* Parse `len` bytes of JSON text, score it with `inst` and write the result
** to `w`. Malformed JSON gives status "invalid" with an error carrying "line"
** and "column", and returns 1 (else 0). `status_out` (may be NULL) gets the
** result status. */
int sm_score_json_text(sm_jw *w, const sm_instrument *inst, const char *text, size_t len,
                       sm_result_status *status_out);

/* Parse `len` bytes of JSON text and score it with `inst`. Returns a new JSON
** result object: malformed JSON gives status "invalid" with an error carrying
** "line" and "column". `status_out` (may be NULL) gets the result status. */
json_t *sm_json_score_text(const sm_instrument *inst, const char *text, size_t len,
                           sm_result_status *status_out);

/* Dump flags used for every JSON the program prints. */
#define SM_JSON_DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10))
#endif
