/* server.h: the HTTP server door. */
#ifndef SM_HTTP_SERVER_H
#define SM_HTTP_SERVER_H
#include <stddef.h>

typedef struct sm_serve_options {
	const char *host;        /* IPv4 address to bind, default 127.0.0.1 */
	unsigned short port;     /* 0 = any free port (printed at start) */
	unsigned threads;        /* worker threads (default: number of CPUs) */
	unsigned max_connections;
	unsigned idle_timeout;   /* seconds */
	size_t max_body;         /* bytes */
	size_t max_header;       /* per-connection memory for headers and buffers */
	int quiet;               /* no access log */
	struct sm_registry *registry; /* the registry routes (NULL: they answer 503) */
	const char *notice;      /* printed to stdout after the "listening" line, or NULL */
} sm_serve_options;

/* Runs until SIGINT or SIGTERM. Returns the process exit status. */
int sm_http_serve(const sm_serve_options *opt);
#endif
