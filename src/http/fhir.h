/*
** fhir.h: the FHIR routes of the API (docs/fhir.md).
**   POST /api/v1/fhir/import   a FHIR R4 Bundle -> a case with provenance
*/
#ifndef SM_HTTP_FHIR_H
#define SM_HTTP_FHIR_H
#include <stddef.h>
#include "http/api.h"

/* Answer `r` and return 1 when `path` is a FHIR route; else 0 (r untouched). */
int sm_http_fhir(const char *method, const char *path, const char *ct, const char *body, size_t len,
                 sm_api_response *r);
#endif
