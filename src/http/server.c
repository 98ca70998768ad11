/*
** server.c: `spinemets serve`: libmicrohttpd glue around api.c.
** Limits on body size, header size (connection memory), connections and idle
** time; clean shutdown on SIGTERM/SIGINT; an access log on stderr that holds
** no patient data (method, path, status, bytes, milliseconds only).
*/
#define _POSIX_C_SOURCE 200809L
#include "http/server.h"
#include "http/api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct req {
	char *body;
	size_t len, cap;
	int too_large;
	struct timespec start;
} req;

typedef struct server {
	const sm_serve_options *opt;
} server;

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* the embedded web page: gzip, ETag and Vary (api.c static_asset decides them) */
static void asset_headers(struct MHD_Response *resp, const sm_api_response *r)
{
	if (r->content_encoding)
		MHD_add_response_header(resp, "Content-Encoding", r->content_encoding);
	if (r->etag)
		MHD_add_response_header(resp, "ETag", r->etag);
	if (r->vary)
		MHD_add_response_header(resp, "Vary", r->vary);
}

static enum MHD_Result respond(struct MHD_Connection *con, sm_api_response *r, const char *method, const char *url,
                            const req *q, const server *s)
{
	struct MHD_Response *resp;
	if (r->owned) {
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
		r->owned = 0; /* MHD frees it */
	} else {
		resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "application/json");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
	if (r->allow)
		MHD_add_response_header(resp, "Allow", r->allow);
	if (r->cache)
		MHD_add_response_header(resp, "Cache-Control", r->cache);
	if (r->www_authenticate)
		MHD_add_response_header(resp, "WWW-Authenticate", r->www_authenticate);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	asset_headers(resp, r);
	enum MHD_Result ret = MHD_queue_response(con, r->status, resp);
	MHD_destroy_response(resp);
	if (!s->opt->quiet) {
		/* access log: never the body, never the query string */
		char path[128];
		size_t n = strcspn(url, "?");
		if (n >= sizeof path)
			n = sizeof path - 1;
		memcpy(path, url, n);
		path[n] = '\0';
		/* one write per line: lines of concurrent requests never interleave,
		** and unbuffered stderr does not cost a write per field */
		char line[256];
		int len = snprintf(line, sizeof line, "%s %s %u %zu %.1fms\n", method, path, r->status, r->len,
		                   q ? ms_since(&q->start) : 0.0);
		if (len > 0)
			(void)!write(STDERR_FILENO, line, (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
	}
	return ret;
}

typedef struct args {
	sm_api_arg v[SM_API_MAX_ARGS];
	size_t n;
	int overflow;
} args;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	args *a = cls;
	(void)kind;
	if (a->n == SM_API_MAX_ARGS) {
		a->overflow = 1;
		return MHD_NO;
	}
	a->v[a->n].name = key;
	a->v[a->n].value = value;
	a->n++;
	return MHD_YES;
}

static void too_large(sm_api_response *r, const server *s)
{
	char msg[128];
	snprintf(msg, sizeof msg, "request body larger than %zu bytes", s->opt->max_body);
	memset(r, 0, sizeof *r);
	sm_api_error(r, 413, msg);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	server *s = cls;
	req *q = *req_cls;
	(void)version;
	if (!q) {
		q = calloc(1, sizeof *q);
		if (!q)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &q->start);
		*req_cls = q;
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end = NULL;
			errno = 0;
			unsigned long long v = strtoull(cl, &end, 10);
			if (errno || end == cl || v > s->opt->max_body)
				q->too_large = 1;
		}
		if (q->too_large) {
			/* refused before any of the body is read: no "100 Continue",
			** and MHD closes the connection after the answer */
			sm_api_response r;
			too_large(&r, s);
			enum MHD_Result ret = respond(con, &r, method, url, q, s);
			sm_api_response_free(&r);
			return ret;
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!q->too_large) {
			if (q->len + *upload_size > s->opt->max_body) {
				q->too_large = 1;
				free(q->body);
				q->body = NULL;
				q->len = q->cap = 0;
			} else {
				if (q->len + *upload_size + 1 > q->cap) {
					size_t ncap = q->cap ? q->cap : 4096;
					while (ncap < q->len + *upload_size + 1)
						ncap *= 2;
					if (ncap > s->opt->max_body + 1)
						ncap = s->opt->max_body + 1;
					char *nb = realloc(q->body, ncap);
					if (!nb)
						return MHD_NO;
					q->body = nb;
					q->cap = ncap;
				}
				memcpy(q->body + q->len, upload, *upload_size);
				q->len += *upload_size;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	sm_api_response r;
	if (q->too_large) {
		too_large(&r, s);
	} else {
		if (q->body)
			q->body[q->len] = '\0';
		args a;
		a.n = 0;
		a.overflow = 0;
		MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
		sm_api_request rq = {
			method, url, MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type"),
			q->body, q->len,
			MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization"),
			MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Cookie"),
			a.v, a.n,
			MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding"),
			MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match"),
		};
		if (a.overflow) {
			memset(&r, 0, sizeof r);
			sm_api_error(&r, 400, "too many query parameters");
		} else {
			sm_api_handle_request(s->opt->registry, &rq, &r);
		}
	}
	enum MHD_Result ret = respond(con, &r, method, url, q, s);
	sm_api_response_free(&r);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)con;
	(void)code;
	req *q = *req_cls;
	if (q) {
		free(q->body);
		free(q);
		*req_cls = NULL;
	}
}

int sm_http_serve(const sm_serve_options *opt)
{
	server s = {opt};
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(opt->port);
	if (inet_pton(AF_INET, opt->host, &addr.sin_addr) != 1) {
		fprintf(stderr, "spinemets serve: '%s' is not an IPv4 address (e.g. 127.0.0.1)\n", opt->host);
		return 2;
	}
	/* block the stop signals in every thread; the main thread waits for them */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, opt->port, NULL, NULL, handler, &s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opt->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)opt->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)opt->max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opt->idle_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)opt->max_header,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "spinemets serve: cannot listen on %s:%u (in use, or not allowed)\n", opt->host, opt->port);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : opt->port;
	printf("spinemets %s: listening on http://%s:%u/ (Ctrl-C to stop)\n", "serve", opt->host, port);
	if (opt->notice)
		fputs(opt->notice, stdout);
	fflush(stdout);
	int sig = 0;
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "spinemets serve: signal %d, shutting down\n", sig);
	MHD_stop_daemon(d);
	sm_api_shutdown(); /* the buffers the assess route keeps between requests */
	return 0;
}
