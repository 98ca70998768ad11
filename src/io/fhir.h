/*
** fhir.h: FHIR R4 in and out (docs/fhir.md).
**
** Import: a FHIR R4 Bundle (mCODE STU4 profiles where present, plain R4
** otherwise) -> a spinemets case (docs/case-format.md) with its provenance.
** The meaning of each code comes from the core's code tables
** (src/core/codemap.c); a code, unit or value they do not cover is reported
** in "ignored", never guessed.
**
** Export: an assessment document (what `assess --json` prints) and its case
** -> a FHIR R4 Bundle of type "collection".
*/
#ifndef SM_IO_FHIR_H
#define SM_IO_FHIR_H
#include <jansson.h>
#include <stddef.h>

#define SM_FHIR_MAX_BYTES (4 * 1024 * 1024) /* larger input is refused */
#define SM_FHIR_MAX_ENTRIES 2000            /* a Bundle with more entries is refused */

/* Import `text` (len bytes) as of the date `at` ("YYYY-MM-DD"; ages and
** months since diagnosis are computed at 00:00 UTC of that day; observations
** after it are ignored). Returns a new document:
**   {"schema": "spinemets/fhir-import/1", "status": "ok", "at": ...,
**    "case": {...}, "provenance": [{"path", "value", "from", "entry",
**    "element", "note"}], "ignored": [{"from", "entry", "element", "reason"}]}
** or, when the Bundle cannot be read, {"schema", "status": "invalid",
** "errors": [{"path", "message"}]} (malformed JSON adds line and column).
** NULL only when out of memory. */
json_t *sm_fhir_import(const char *text, size_t len, const char *at);

/* The assessment `assessment` (the tree of sm_json_assessment()) of the case
** `case_doc` (the case JSON; may be NULL) as a FHIR R4 Bundle (collection):
** a Patient, a RiskAssessment for the triage and recommendation, one
** Observation per score (ECOG/KPS with LOINC), a CarePlan when the
** assessment has "care_plan". New reference; NULL only when out of memory. */
json_t *sm_fhir_bundle(const json_t *assessment, const json_t *case_doc);

/* The CodeSystem URIs the export uses for what has no LOINC or SNOMED code. */
#define SM_FHIR_CS_INSTRUMENT "urn:spinemets:fhir:instrument"
#define SM_FHIR_CS_BAND "urn:spinemets:fhir:band"
#define SM_FHIR_CS_URGENCY "urn:spinemets:fhir:urgency"
#define SM_FHIR_CS_OPTION "urn:spinemets:fhir:option"
#define SM_FHIR_CS_CARE "urn:spinemets:fhir:care-plan"
#endif
