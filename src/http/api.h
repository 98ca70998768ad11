/*
** api.h: the HTTP API as plain functions (no sockets), so the router can be
** tested and fuzzed without a server. src/http/server.c is the libmicrohttpd glue.
*/
#ifndef SM_HTTP_API_H
#define SM_HTTP_API_H
#include <stddef.h>

typedef struct sm_api_response {
	unsigned status;           /* HTTP status */
	const char *content_type;
	char *body;                /* malloc'd when owned, else points at static data */
	size_t len;
	int owned;                 /* body must be freed */
	const char *allow;         /* Allow header for 405, else NULL */
	const char *cache;         /* Cache-Control value, or NULL */
} sm_api_response;

/* Handle one request. `content_type` may be NULL. Always fills `r`. */
void sm_api_handle(const char *method, const char *path, const char *content_type,
                   const char *body, size_t len, sm_api_response *r);
void sm_api_response_free(sm_api_response *r);

/* A JSON error body {"error": {"status": N, "message": "..."}}. */
void sm_api_error(sm_api_response *r, unsigned status, const char *message);
#endif
