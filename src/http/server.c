/*
** server.c: `spinemets serve`: libmicrohttpd glue around api.c.
** Limits on body size, header size (connection memory), connections and idle
** time; clean shutdown on SIGTERM/SIGINT; an access log on stderr that holds
** no patient data (method, path, status, bytes, milliseconds only).
*/
#define _POSIX_C_SOURCE 200809L
#include "http/server.h"
#include "http/api.h"
#include "http/guard.h"
#include "http/registry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
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
	int too_many_args;  /* more query parameters than --max-query-args (removed before MHD parses them) */
	int seen;           /* the head has been checked */
	struct timespec start;
} req;

/* One connection (MHD's socket context). Guarded by server.mu. */
typedef struct conn_ctx {
	struct conn_ctx *prev, *next;
	int fd;
	double t0;          /* ms: the connection opened, or the previous answer was sent */
	int busy;           /* a complete request is being answered */
	int authed;         /* a request on it carried valid credentials */
	int closing;        /* closed by the watchdog */
	char addr[INET6_ADDRSTRLEN];
} conn_ctx;

typedef struct server {
	const sm_serve_options *opt;
	const sm_http_limits *lim;
	sm_origins origins;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	conn_ctx *conns;          /* every open connection */
	unsigned long open;       /* of them, not being closed */
	unsigned hash_busy, hash_slots;
	int stop;
} server;

static double mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

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

/* the reserve for signed-in users is in use (caller holds s->mu) */
static int under_pressure(const server *s)
{
	return s->open > s->lim->max_connections - s->lim->auth_reserve;
}

static enum MHD_Result respond(struct MHD_Connection *con, sm_api_response *r, const char *method, const char *url,
                               const req *q, const server *s, int close)
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
	if (r->retry_after) {
		char ra[16];
		snprintf(ra, sizeof ra, "%u", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (close || r->close)
		MHD_add_response_header(resp, "Connection", "close");
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

/* An error answer, after which the connection closes (the body, if any, is
** not read). */
static enum MHD_Result refuse(struct MHD_Connection *con, unsigned status, const char *msg, unsigned retry_after,
                              const char *method, const char *url, const req *q, const server *s)
{
	sm_api_response r;
	memset(&r, 0, sizeof r);
	sm_api_error(&r, status, msg);
	r.retry_after = retry_after;
	enum MHD_Result ret = respond(con, &r, method, url, q, s, 1);
	sm_api_response_free(&r);
	return ret;
}

typedef struct args {
	sm_api_arg v[SM_API_MAX_ARGS];
	size_t n, max;
	int overflow;
} args;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	args *a = cls;
	(void)kind;
	if (a->n == a->max) {
		a->overflow = 1;
		return MHD_NO;
	}
	a->v[a->n].name = key;
	a->v[a->n].value = value;
	a->n++;
	return MHD_YES;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	sm_head_scan_add(cls, key, value);
	return MHD_YES;
}

static conn_ctx *conn_of(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/*
** The request line has arrived (MHD_OPTION_URI_LOG_CALLBACK; its result is
** the request's context). libmicrohttpd 0.9.75 then stores every query
** parameter in the connection's memory; when that runs out (some 250
** parameters at the default --max-header) it neither answers nor closes. So
** a query with more parameters than --max-query-args is cut off here, before
** it is parsed (the URI is still whole and writable), and the request is
** answered 400 once its head is complete.
*/
static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *con)
{
	server *s = cls;
	(void)con;
	req *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &q->start);
	if (sm_query_param_count(uri) > s->lim->max_query_args) {
		char *qm = strchr(uri, '?'); /* MHD's own, writable buffer */
		q->too_many_args = 1;
		qm[1] = '\0'; /* libmicrohttpd parses the parameters after '?' from here: none */
	}
	return q;
}

/* The head is complete: strict framing, the Origin, the reserve for signed-in
** users, the body limit. MHD_YES with nothing queued: go on reading. */
static enum MHD_Result check_head(server *s, struct MHD_Connection *con, conn_ctx *cc, const char *url,
                                  const char *method, req *q)
{
	if (q->too_many_args) {
		char m[128];
		snprintf(m, sizeof m, "too many query parameters (at most %lu)", s->lim->max_query_args);
		return refuse(con, 400, m, 0, method, url, q, s);
	}
	sm_head_scan hs;
	sm_head_scan_init(&hs);
	MHD_get_connection_values(con, MHD_HEADER_KIND, scan_header, &hs);
	const char *msg = NULL;
	unsigned st = sm_head_verdict(&hs, method, &s->origins, &msg);
	if (st)
		return refuse(con, st, msg, 0, method, url, q, s);
	if (cc) {
		pthread_mutex_lock(&s->mu);
		int pressed = under_pressure(s) && !cc->authed;
		pthread_mutex_unlock(&s->mu);
		if (pressed && !(strcmp(url, "/api/v1/health") == 0 && !sm_method_changes_state(method))) {
			sm_api_request rq = {
				method, url, NULL, NULL, 0,
				MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization"),
				MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Cookie"),
				NULL, 0, cc->addr, NULL, NULL,
			};
			if (!sm_registry_credentials_ok(s->opt->registry, &rq))
				return refuse(con, 503,
				              "the server is busy: its last connections are kept for signed-in users; try again",
				              1, method, url, q, s);
			pthread_mutex_lock(&s->mu);
			cc->authed = 1;
			pthread_mutex_unlock(&s->mu);
		}
	}
	if (hs.cl) {
		char *end = NULL;
		errno = 0;
		unsigned long long v = strtoull(hs.cl, &end, 10);
		if (errno || end == hs.cl || v > s->lim->max_body)
			q->too_large = 1;
	}
	if (q->too_large) {
		/* refused before any of the body is read: no "100 Continue",
		** and MHD closes the connection after the answer */
		char m[128];
		snprintf(m, sizeof m, "request body larger than %lu bytes", s->lim->max_body);
		return refuse(con, 413, m, 0, method, url, q, s);
	}
	return MHD_YES;
}

/*
** libmicrohttpd's messages (refused connections, malformed requests), at
** most LOG_PER_SECOND lines a second on stderr: a flood of refused
** connections must not flood the log. Called from every server thread.
*/
#define LOG_PER_SECOND 20
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static time_t second;
	static unsigned lines, dropped;
	(void)cls;
	char line[256];
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n <= 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	if (line[n - 1] != '\n' && (size_t)n < sizeof line - 1)
		line[n++] = '\n';
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	pthread_mutex_lock(&mu);
	char note[96];
	int nn = 0;
	if (t.tv_sec != second) {
		if (dropped)
			nn = snprintf(note, sizeof note, "spinemets serve: %u more server messages not shown\n", dropped);
		second = t.tv_sec;
		lines = dropped = 0;
	}
	int show = lines < LOG_PER_SECOND;
	if (show)
		lines++;
	else
		dropped++;
	pthread_mutex_unlock(&mu);
	if (nn > 0)
		(void)!write(STDERR_FILENO, note, (size_t)nn < sizeof note ? (size_t)nn : sizeof note - 1);
	if (show)
		(void)!write(STDERR_FILENO, line, (size_t)n);
}

/* a password check may start (at most hash_slots at once) */
static int hash_enter(server *s)
{
	pthread_mutex_lock(&s->mu);
	int ok = s->hash_busy < s->hash_slots;
	if (ok)
		s->hash_busy++;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

static void hash_leave(server *s)
{
	pthread_mutex_lock(&s->mu);
	s->hash_busy--;
	pthread_mutex_unlock(&s->mu);
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
	}
	conn_ctx *cc = conn_of(con);
	if (!q->seen) {
		q->seen = 1;
		return check_head(s, con, cc, url, method, q);
	}
	if (*upload_size) {
		if (!q->too_large) {
			if (q->len + *upload_size > s->lim->max_body) {
				q->too_large = 1;
				free(q->body);
				q->body = NULL;
				q->len = q->cap = 0;
			} else {
				if (q->len + *upload_size + 1 > q->cap) {
					size_t ncap = q->cap ? q->cap : 4096;
					while (ncap < q->len + *upload_size + 1)
						ncap *= 2;
					if (ncap > s->lim->max_body + 1)
						ncap = s->lim->max_body + 1;
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
	/* the whole request is here */
	if (cc) {
		pthread_mutex_lock(&s->mu);
		cc->busy = 1;
		pthread_mutex_unlock(&s->mu);
	}
	sm_api_response r;
	if (q->too_large) {
		char m[128];
		snprintf(m, sizeof m, "request body larger than %lu bytes", s->lim->max_body);
		return refuse(con, 413, m, 0, method, url, q, s);
	}
	if (q->body)
		q->body[q->len] = '\0';
	args a;
	a.n = 0;
	a.max = s->lim->max_query_args < SM_API_MAX_ARGS ? s->lim->max_query_args : SM_API_MAX_ARGS;
	a.overflow = 0;
	MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
	sm_api_request rq = {
		method, url, MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type"),
		q->body, q->len,
		MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization"),
		MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Cookie"),
		a.v, a.n, cc ? cc->addr : NULL,
		MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept-Encoding"),
		MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match"),
	};
	if (a.overflow) {
		char m[128];
		snprintf(m, sizeof m, "too many query parameters (at most %lu)", s->lim->max_query_args);
		return refuse(con, 400, m, 0, method, url, q, s);
	}
	int hashes = sm_registry_hashes(method, url);
	if (hashes && !hash_enter(s))
		return refuse(con, 503, "the server is checking other passwords; try again in a second", 1, method, url, q,
		              s);
	sm_api_handle_request(s->opt->registry, &rq, &r);
	if (hashes)
		hash_leave(s);
	int close = 0;
	if (cc) {
		pthread_mutex_lock(&s->mu);
		if (r.authenticated)
			cc->authed = 1;
		close = under_pressure(s) && !cc->authed; /* give the place back */
		pthread_mutex_unlock(&s->mu);
	}
	enum MHD_Result ret = respond(con, &r, method, url, q, s, close);
	sm_api_response_free(&r);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode code)
{
	server *s = cls;
	(void)code;
	req *q = *req_cls;
	if (q) {
		free(q->body);
		free(q);
		*req_cls = NULL;
	}
	conn_ctx *cc = conn_of(con);
	if (cc) {
		pthread_mutex_lock(&s->mu);
		cc->busy = 0;
		cc->t0 = mono_ms(); /* the next request's deadline starts now */
		pthread_mutex_unlock(&s->mu);
	}
}

static void connection_event(void *cls, struct MHD_Connection *con, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
	server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		conn_ctx *cc = calloc(1, sizeof *cc);
		*socket_context = cc;
		if (!cc)
			return;
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		cc->fd = ci ? ci->connect_fd : -1;
		ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, cc->addr,
			          sizeof cc->addr);
		cc->t0 = mono_ms();
		pthread_mutex_lock(&s->mu);
		cc->next = s->conns;
		if (s->conns)
			s->conns->prev = cc;
		s->conns = cc;
		s->open++;
		pthread_mutex_unlock(&s->mu);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		conn_ctx *cc = *socket_context;
		if (!cc)
			return;
		/* libmicrohttpd closes the socket after this call: the watchdog,
		** holding the lock, never shuts down a descriptor reused since */
		pthread_mutex_lock(&s->mu);
		if (cc->prev)
			cc->prev->next = cc->next;
		else
			s->conns = cc->next;
		if (cc->next)
			cc->next->prev = cc->prev;
		if (!cc->closing)
			s->open--;
		pthread_mutex_unlock(&s->mu);
		free(cc);
		*socket_context = NULL;
	}
}

/* Close a connection that is waiting for (the rest of) a request: a short
** answer, then shutdown(); libmicrohttpd then reads end-of-file and closes
** it. The caller holds s->mu. */
static void cut(server *s, conn_ctx *cc, unsigned status, const char *msg)
{
	char body[256], out[512];
	int bn = snprintf(body, sizeof body, "{\"error\":{\"status\":%u,\"message\":\"%s\"}}", status, msg);
	int n = snprintf(out, sizeof out,
	                 "HTTP/1.1 %u %s\r\nConnection: close\r\nContent-Type: application/json\r\n%s"
	                 "Content-Length: %d\r\n\r\n%s",
	                 status, status == 408 ? "Request Timeout" : "Service Unavailable",
	                 status == 503 ? "Retry-After: 1\r\n" : "", bn, body);
	if (cc->fd >= 0) {
		if (n > 0 && (size_t)n < sizeof out)
			(void)!send(cc->fd, out, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
		shutdown(cc->fd, SHUT_RDWR);
	}
	cc->closing = 1;
	s->open--;
}

/*
** The watchdog (every 100 ms): libmicrohttpd's timeout restarts with every
** byte, so a client trickling a header line can hold a connection for ever.
** Here each connection waiting for a request has a total deadline
** (--request-deadline) from its opening or its previous answer; and while
** the reserve for signed-in users is in use (--auth-reserve), anonymous
** connections waiting longer than --pressure-idle are closed, oldest first,
** until the reserve is free again.
*/
static void *watchdog(void *arg)
{
	server *s = arg;
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &until);
		if (s->stop)
			break;
		double now = mono_ms(), deadline = (double)s->lim->request_deadline * 1e3,
		       idle = (double)s->lim->pressure_idle * 1e3;
		unsigned long keep = s->lim->max_connections - s->lim->auth_reserve;
		conn_ctx *oldest = s->conns;
		while (oldest && oldest->next)
			oldest = oldest->next;
		for (conn_ctx *cc = oldest; cc; cc = cc->prev) { /* the list is newest first */
			if (cc->closing || cc->busy)
				continue;
			if (now - cc->t0 > deadline)
				cut(s, cc, 408, "the request did not arrive in time (--request-deadline)");
			else if (s->open > keep && !cc->authed && now - cc->t0 > idle)
				cut(s, cc, 503, "the server is busy: its last connections are kept for signed-in users");
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int sm_http_serve(const sm_serve_options *opt)
{
	server s;
	memset(&s, 0, sizeof s);
	s.opt = opt;
	s.lim = &opt->limits;
	s.origins.v = opt->origins;
	s.origins.n = opt->norigins;
	s.hash_slots = (unsigned)opt->limits.hash_slots;
	if (!s.hash_slots)
		s.hash_slots = opt->threads > 1 ? opt->threads - 1 : 1;
	char err[256];
	if (sm_http_limits_check(s.lim, err, sizeof err)) {
		fprintf(stderr, "spinemets serve: %s\n", err);
		return 2;
	}
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(opt->port);
	if (inet_pton(AF_INET, opt->host, &addr.sin_addr) != 1) {
		fprintf(stderr, "spinemets serve: '%s' is not an IPv4 address (e.g. 127.0.0.1)\n", opt->host);
		return 2;
	}
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	/* block the stop signals in every thread; the main thread waits for them */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_t wd;
	if (pthread_create(&wd, NULL, watchdog, &s) != 0) {
		fprintf(stderr, "spinemets serve: cannot start a thread\n");
		return 1;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, opt->port, NULL, NULL, handler, &s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opt->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)opt->limits.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)opt->limits.per_address,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opt->limits.idle_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)opt->limits.max_header,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u,
		MHD_OPTION_URI_LOG_CALLBACK, uri_logged, &s,
		MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
		MHD_OPTION_NOTIFY_CONNECTION, connection_event, &s,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_END);
	int status = 0;
	if (!d) {
		fprintf(stderr, "spinemets serve: cannot listen on %s:%u (in use, or not allowed)\n", opt->host, opt->port);
		status = 1;
	} else {
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
	}
	pthread_mutex_lock(&s.mu);
	s.stop = 1;
	pthread_cond_signal(&s.cv);
	pthread_mutex_unlock(&s.mu);
	pthread_join(wd, NULL);
	if (d)
		MHD_stop_daemon(d);
	sm_api_shutdown(); /* the buffers the assess route keeps between requests */
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	return status;
}
