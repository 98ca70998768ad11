/*
** reg_doc.h: the registry's documents, shared by the API (registry.c) and the
** command line (`spinemets export`): assessing a stored case, the pathway
** clock as JSON, the monthly audit as JSON, and de-identification.
** No clinical logic here: the core decides (sm_assess, sm_pathway_clock,
** sm_audit_summarise); this file only carries their results.
*/
#ifndef SM_HTTP_REG_DOC_H
#define SM_HTTP_REG_DOC_H
#include <jansson.h>
#include <stdint.h>

#include "spinemets.h"

/* Parse the case document `doc` (a JSON object) into *c. Returns the array
** of errors (new reference; empty when valid), each path prefixed with
** `prefix` (e.g. "/document"); NULL when out of memory. */
json_t *sm_reg_read_case(const json_t *doc, const char *prefix, sm_case *c);

/* Assess a parsed case: the assessment JSON text, the instrument
** definitions JSON text ({"sins": "fisher-2010", ...}) and the urgency.
** Both texts are malloc'd (free them). 0 on success, -1 out of memory. */
int sm_reg_assess(const sm_case *c, char **assessment, char **definitions, sm_urgency *urgency);

/* The urgency recorded in an assessment's triage ("urgency" member); -1
** when absent or unknown. */
int sm_reg_assessment_urgency(const char *assessment_text);

/* The pathway clock as JSON. absolute = 1: with ISO 8601 times (start,
** due_at, done_at) and hours_left; 0 (de-identified): only durations from
** the clock start. */
json_t *sm_reg_clock_json(const sm_clock *k, int absolute);

/* The monthly audit as JSON (counts, intervals with median and quartiles,
** targets with numerator, denominator, share and pending). `clocks` are the
** cases summarised (for the met/missed/breached counts). */
json_t *sm_reg_audit_json(const sm_audit *a, const sm_clock *clocks, size_t n);

/* The de-identified form of a case document: no absolute dates (each event
** becomes {"type", "hours_from_presentation"}, hours from the time origin),
** age top-coded at 90. *origin (may be NULL) gets "presentation",
** "referral", "first_event" or "none". New reference. */
json_t *sm_reg_deidentify(const json_t *doc, const sm_case *c, const char **origin);

/* The age of a de-identified document generalised for an export: patient.
** age_years is replaced by patient.age_band, "N" (whole years) under 18,
** a 5-year band "45-49" from 18 (bands start at multiples of 5: "18-19" is the
** first adult band), "90+" from 90. Nothing changes when there is no age. */
void sm_reg_generalise_age(json_t *deid_doc);

/* The pseudonymous key of a case: keyed BLAKE2b-128 of the case id under the
** registry secret (64 hex digits), as 32 hex digits. */
void sm_reg_case_key(const char *secret_hex, int64_t case_id, char out[33]);

/* Seconds since the epoch -> "YYYY-MM-DDTHH:MM:SSZ". */
void sm_reg_iso_time(long long t, char out[32]);
/* "YYYY-MM" -> [start, end) in seconds since the epoch (UTC); -1 if bad. */
int sm_reg_parse_month(const char *s, long long *start, long long *end);
#endif
