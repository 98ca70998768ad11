/*
** guard.h: the server's defences that need no sockets (so they are unit
** tested and fuzzed alone; fuzz/http_head.c):
**   - strict reading of a request head: message framing (Content-Length,
**     Transfer-Encoding, Host) and the Origin of state-changing requests;
**   - login throttling per account and per client address, with
**     exponential back-off.
** src/http/server.c applies them; the thresholds are in limits.h.
*/
#ifndef SM_HTTP_GUARD_H
#define SM_HTTP_GUARD_H
#include "http/limits.h"

#include <stddef.h>
#include <stdint.h>

/* ---- the request head ---- */
typedef struct sm_head_scan {
	unsigned n_cl, n_te, n_host, n_origin;
	int cl_conflict;        /* two Content-Length values differ */
	int cl_bad;             /* a Content-Length that is not digits only */
	int te_bad;             /* a Transfer-Encoding other than "chunked" */
	int name_bad;           /* a header name with white space in it (a proxy may read it otherwise) */
	const char *cl;         /* the first of each (pointers into the caller's values) */
	const char *host, *origin, *sec_fetch_site, *cookie;
} sm_head_scan;

void sm_head_scan_init(sm_head_scan *s);
/* Feed one header (name compared without regard to case). */
void sm_head_scan_add(sm_head_scan *s, const char *name, const char *value);

/* The allowed foreign origins ("https://host[:port]", compared exactly but
** without regard to case); a request from the origin named by its Host
** header is always allowed. */
typedef struct sm_origins {
	const char *const *v;
	size_t n;
} sm_origins;

/* 0 when the head may be served; else the status to answer (400 framing,
** 501 transfer coding, 403 foreign origin) and a message for the body. */
unsigned sm_head_verdict(const sm_head_scan *s, const char *method, const sm_origins *allowed, const char **msg);
/* true when `origin` ("scheme://authority", or "null") is the origin of
** `host` (the Host header) or one of `allowed`. */
int sm_origin_allowed(const char *origin, const char *host, const sm_origins *allowed);
/* POST, PUT, PATCH, DELETE (and anything not GET, HEAD, OPTIONS). */
int sm_method_changes_state(const char *method);

/* The number of query parameters of a request target ("/p?a=1&b" -> 2;
** no '?' or nothing after it -> 0), as libmicrohttpd splits them ('&'). */
unsigned long sm_query_param_count(const char *uri);

/* ---- login throttling ---- */
typedef struct sm_throttle sm_throttle;

sm_throttle *sm_throttle_new(const sm_http_limits *l);
void sm_throttle_free(sm_throttle *t);
/* Seconds to wait before `account` (a username, any case) may try again from
** `address`; 0: go ahead. Either may be NULL. Thread-safe. */
unsigned sm_throttle_check(sm_throttle *t, const char *account, const char *address, int64_t now);
/* Record the outcome of a password check. A success forgets the account's
** failures (not the address's). */
void sm_throttle_result(sm_throttle *t, const char *account, const char *address, int ok, int64_t now);
#endif
