/*
** json_careplan.h: the care plan (REFERENCE §16) as JSON, written by the
** streaming writer inside the assessment document (sm_jw_assessment).
*/
#ifndef SM_IO_JSON_CAREPLAN_H
#define SM_IO_JSON_CAREPLAN_H
#include "io/jw.h"
#include "spinemets.h"

/* {"items": [{"phase", "key", "text", "check", "rules": [{"id", "section",
** "source", "age_scope", "check"[, "missing"]}], "age_scope"}],
** "keys": [item keys], "rules": [every CARE id applied], "checks": [those
** applied as checks], "outcomes_to_record": ["alive_30_days", ...], "dropped": 0, "truncated": false} */
void sm_jw_care_plan(sm_jw *w, const sm_care_plan *p);
#endif
