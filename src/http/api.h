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
	const char *www_authenticate; /* WWW-Authenticate header (401), else NULL */
	char set_cookie[256];      /* Set-Cookie header value, "" for none */
	char location[96];         /* Location header value (201), "" for none */
	unsigned retry_after;      /* Retry-After seconds (429, 503), 0 for none */
	int authenticated;         /* the request carried valid credentials (registry routes) */
	int close;                 /* close the connection after this answer */
	/* the embedded web page (sm_api_handle_request): */
	const char *content_encoding; /* "gzip" when the body is the precompressed copy, else NULL */
	const char *etag;          /* ETag header value, or NULL */
	const char *vary;          /* Vary header value, or NULL */
} sm_api_response;

/* One query-string argument (decoded). */
typedef struct sm_api_arg {
	const char *name, *value;  /* value may be NULL ("?flag") */
} sm_api_arg;
#define SM_API_MAX_ARGS 64 /* the most --max-query-args allows */

/* One request, as the server saw it. Every pointer may be NULL except method
** and path; the registry routes (src/http/registry.h) read the credentials
** and the query arguments. */
typedef struct sm_api_request {
	const char *method;
	const char *path;          /* without the query string */
	const char *content_type;
	const char *body;
	size_t len;
	const char *authorization; /* the Authorization header */
	const char *cookie;        /* the Cookie header */
	const sm_api_arg *args;
	size_t nargs;
	const char *client;        /* the client's address ("127.0.0.1"), or NULL */
	const char *accept_encoding; /* the Accept-Encoding header (the web page is sent gzip'd when it allows) */
	const char *if_none_match;   /* the If-None-Match header (304 when the page's ETag matches) */
} sm_api_request;

struct sm_registry;

/* Handle one request. `reg` may be NULL: the registry routes then answer 503.
** Always fills `r`. */
void sm_api_handle_request(struct sm_registry *reg, const sm_api_request *q, sm_api_response *r);

/* The public routes only (no registry, no credentials). `content_type` may be NULL. */
void sm_api_handle(const char *method, const char *path, const char *content_type,
                   const char *body, size_t len, sm_api_response *r);
void sm_api_response_free(sm_api_response *r);
/* Free what the routes keep between requests (the assess route's buffers).
** Call once the server has stopped (no request running); the routes may be
** used again afterwards. */
void sm_api_shutdown(void);

/* A JSON error body {"error": {"status": N, "message": "..."}}. */
void sm_api_error(sm_api_response *r, unsigned status, const char *message);

/* Helpers shared with the registry routes (api.c). */
struct json_t;
/* Set a JSON body (steals `doc`; NULL -> 500). */
void sm_api_set_json(sm_api_response *r, unsigned status, struct json_t *doc);
/* Content-Type is application/json (parameters allowed). */
int sm_api_is_json_type(const char *ct);
/* 405 with an Allow header. */
void sm_api_not_allowed(sm_api_response *r, const char *allow);
#endif
