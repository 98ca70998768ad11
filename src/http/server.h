/* server.h: the HTTP server door. */
#ifndef SM_HTTP_SERVER_H
#define SM_HTTP_SERVER_H
#include "http/limits.h"

#include <stddef.h>

typedef struct sm_serve_options {
	const char *host;        /* IPv4 address to bind, default 127.0.0.1 */
	unsigned short port;     /* 0 = any free port (printed at start) */
	unsigned threads;        /* worker threads (default: number of CPUs) */
	sm_http_limits limits;   /* every threshold (limits.h) */
	const char *const *origins; /* foreign origins allowed to send state-changing requests */
	size_t norigins;
	int quiet;               /* no access log */
	struct sm_registry *registry; /* the registry routes (NULL: they answer 503) */
	const char *notice;      /* printed to stdout after the "listening" line, or NULL */
} sm_serve_options;

/* Runs until SIGINT or SIGTERM. Returns the process exit status. */
int sm_http_serve(const sm_serve_options *opt);
#endif
