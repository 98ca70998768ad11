/*
** json_case.h: JSON (jansson) -> sm_case, and sm_assessment -> JSON.
*/
#ifndef SM_IO_JSON_CASE_H
#define SM_IO_JSON_CASE_H
#include <jansson.h>
#include "io/jw.h"
#include "spinemets.h"

/* Parse and validate a case document. Fills `c` (initialised here) and
** returns a JSON array of errors ({path, message}; malformed JSON adds line and
** column); an empty array means the case is valid. New reference; NULL only
** when out of memory. */
json_t *sm_json_read_case(const char *text, size_t len, sm_case *c);

/* Write the whole assessment (KEYS.md §4) to `w`: the document the API,
** `spinemets assess --json` and the registry store. */
void sm_jw_assessment(sm_jw *w, const sm_case *c, const sm_assessment *a);

/* The whole assessment as JSON: what sm_jw_assessment() writes, parsed (for
** callers that need a tree: tests, fuzzers, the text report). New reference;
** NULL only when out of memory. */
json_t *sm_json_assessment(const sm_case *c, const sm_assessment *a);

/* Write an "invalid case" document: {"schema", "engine_version",
** "status": "invalid", "errors": [...]} with `errors` as given (not stolen;
** NULL writes an empty list). */
void sm_jw_case_invalid(sm_jw *w, const json_t *errors);

/* The same document as JSON (steals errors). New reference; NULL only when
** out of memory. */
json_t *sm_json_case_invalid(json_t *errors);

/* ISO 8601 date-time -> seconds since the epoch (UTC). Accepts
** YYYY-MM-DD, YYYY-MM-DDTHH:MM, ...:SS, fractions, and Z or +HH:MM offsets.
** Returns 0 on success, -1 when not a valid date-time. */
int sm_parse_iso8601(const char *s, long long *out);
#endif
